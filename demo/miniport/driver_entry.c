/*
 * driver_entry.c - the sample miniport's DriverEntry under the name the video port looks
 * for, for vpdemo.so: the sample built as a shared object, as vpspin-run loads miniports.
 */
#include "vpdemo.h"

ULONG DriverEntry(PVOID Argument1, PVOID Argument2);

ULONG DriverEntry(PVOID Argument1, PVOID Argument2)
{
    return VpDemoDriverEntry(Argument1, Argument2);
}
