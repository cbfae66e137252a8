/*
 * videoport/system.c - what the video port says of the system: the time
 * (VideoPortQuerySystemTime, VideoPortQueryPerformanceCounter: the Ke clocks) and the
 * version (VideoPortGetVersion: Windows 7 SP1, 6.1.7601, the last Windows that loads XPDM
 * miniports), and VideoPortIsNoVesa (FALSE: VESA services are not turned off).
 */
#include <vpspin/video.h>

#include "check/verify.h"

VOID VideoPortQuerySystemTime(PLARGE_INTEGER CurrentTime) { KeQuerySystemTime(CurrentTime); }

LONGLONG VideoPortQueryPerformanceCounter(PVOID HwDeviceExtension, PLONGLONG PerformanceFrequency)
{
    (void)HwDeviceExtension;
    LARGE_INTEGER frequency, now = KeQueryPerformanceCounter(&frequency);
    if (PerformanceFrequency != NULL)
        *PerformanceFrequency = frequency.QuadPart;
    return now.QuadPart;
}

VP_STATUS VideoPortGetVersion(PVOID HwDeviceExtension, PVPOSVERSIONINFO pVpOsVersionInfo)
{
    (void)HwDeviceExtension;
    if (!vsp_irql_allows(VSP_API_VideoPortGetVersion, VSP_RULE_IRQL, PASSIVE_LEVEL, 0, 0))
        return ERROR_INVALID_PARAMETER;
    if (pVpOsVersionInfo == NULL || pVpOsVersionInfo->Size < sizeof(VPOSVERSIONINFO))
        return ERROR_INVALID_PARAMETER;
    pVpOsVersionInfo->MajorVersion = 6;
    pVpOsVersionInfo->MinorVersion = 1;
    pVpOsVersionInfo->BuildNumber = 7601;
    pVpOsVersionInfo->ServicePackMajor = 1;
    pVpOsVersionInfo->ServicePackMinor = 0;
    return NO_ERROR;
}

BOOLEAN VideoPortIsNoVesa(VOID) { return FALSE; }
