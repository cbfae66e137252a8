/*
 * host/devicelock.c - VideoPortAcquireDeviceLock and VideoPortReleaseDeviceLock: the lock
 * the port holds while HwStartIO runs (the device's start_io mutex, host/device.c), so a
 * miniport's other threads can keep out of HwStartIO. PASSIVE_LEVEL (0xF003): it blocks.
 * Taking it from HwStartIO itself would wait forever, as on Windows.
 */
#include "host/host.h"

VOID VideoPortAcquireDeviceLock(PVOID HwDeviceExtension)
{
    if (!vsp_irql_allows(VSP_API_VideoPortAcquireDeviceLock, VSP_RULE_IRQL, PASSIVE_LEVEL,
                         (ULONG_PTR)HwDeviceExtension, 0))
        return;
    struct vpspin_device *d = vsp_device_from_ext(HwDeviceExtension);
    if (d != NULL)
        pthread_mutex_lock(&d->start_io);
}

VOID VideoPortReleaseDeviceLock(PVOID HwDeviceExtension)
{
    struct vpspin_device *d = vsp_device_from_ext(HwDeviceExtension);
    if (d != NULL)
        pthread_mutex_unlock(&d->start_io);
}
