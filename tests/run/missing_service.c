/*
 * missing_service.c - a miniport that calls a service vpspin does not provide: loading it
 * must fail, naming the symbol (test_run.sh). The service is made up, so that it stays
 * missing whatever vpspin comes to provide.
 */
#include <vpspin/video.h>

VP_STATUS VideoPortNoSuchService(PVOID HwDeviceExtension);
ULONG DriverEntry(PVOID Argument1, PVOID Argument2);

ULONG DriverEntry(PVOID Argument1, PVOID Argument2)
{
    (void)Argument2;
    return (ULONG)VideoPortNoSuchService(Argument1);
}
