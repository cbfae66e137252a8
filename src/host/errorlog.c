/*
 * host/errorlog.c - VideoPortLogError. On Windows the port writes an entry to the system
 * event log; here one line goes to stderr and the device counts it
 * (vpspin_device_info.ErrorsLogged). Caller at IRQL <= DISPATCH_LEVEL (0xF003).
 */
#include <stdio.h>

#include "host/host.h"

VOID VideoPortLogError(PVOID HwDeviceExtension, PVIDEO_REQUEST_PACKET Vrp, VP_STATUS ErrorCode,
                       ULONG UniqueId)
{
    if (!vsp_irql_allows(VSP_API_VideoPortLogError, VSP_RULE_IRQL, DISPATCH_LEVEL,
                         (ULONG_PTR)HwDeviceExtension, 0))
        return;
    struct vpspin_device *d = vsp_device_from_ext(HwDeviceExtension);
    if (d != NULL)
        vsp_count(&d->errors_logged);
    fprintf(stderr,
            "vpspin: VideoPortLogError: HwDeviceExtension %p, error %ld (0x%lX), unique id 0x%lX",
            HwDeviceExtension, (long)ErrorCode, (unsigned long)(ULONG)ErrorCode,
            (unsigned long)UniqueId);
    if (Vrp != NULL)
        fprintf(stderr, ", request 0x%lX", (unsigned long)Vrp->IoControlCode);
    fputc('\n', stderr);
}
