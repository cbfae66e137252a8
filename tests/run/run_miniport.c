/*
 * run_miniport.c - a miniport built as a shared object for vpspin-run's tests
 * (test_run.sh), with the bugs vpspin-run must find: its HwFindAdapter reads a register
 * through an address it never mapped (0xC4/0xF010, reported; the run goes on), and it
 * answers IOCTL_VIDEO_QUERY_NUM_AVAIL_MODES with more bytes than the buffer holds. Its
 * entry point is BuggyEntry, not DriverEntry (vpspin-run --entry).
 */
#include <string.h>

#include <vpspin/video.h>

ULONG BuggyEntry(PVOID Argument1, PVOID Argument2);

static VP_STATUS find_adapter(PVOID HwDeviceExtension, PVOID HwContext, PWSTR Args,
                              PVIDEO_PORT_CONFIG_INFO ConfigInfo, PUCHAR Again)
{
    static ULONG not_a_register;
    (void)HwDeviceExtension, (void)HwContext, (void)Args, (void)ConfigInfo, (void)Again;
    (void)VideoPortReadRegisterUlong(&not_a_register); /* the bug: no mapping there */
    return NO_ERROR;
}

static BOOLEAN initialize(PVOID HwDeviceExtension)
{
    (void)HwDeviceExtension;
    return TRUE;
}

static BOOLEAN start_io(PVOID HwDeviceExtension, PVIDEO_REQUEST_PACKET Rp)
{
    (void)HwDeviceExtension;
    if (Rp->IoControlCode != IOCTL_VIDEO_QUERY_NUM_AVAIL_MODES)
        return FALSE;
    Rp->StatusBlock->Status = NO_ERROR;
    Rp->StatusBlock->Information = Rp->OutputBufferLength + 8; /* the other bug */
    return TRUE;
}

ULONG BuggyEntry(PVOID Argument1, PVOID Argument2)
{
    VIDEO_HW_INITIALIZATION_DATA init;
    memset(&init, 0, sizeof init);
    init.HwInitDataSize = sizeof init;
    init.HwFindAdapter = find_adapter;
    init.HwInitialize = initialize;
    init.HwStartIO = start_io;
    return VideoPortInitialize(Argument1, Argument2, &init, NULL);
}
