/*
 * videoport_spinlock.c - the video port's six spin lock functions for miniports.
 *
 * A PSPIN_LOCK is a lock object (vplock.c) whose first member is a KSPIN_LOCK; each
 * function checks the handle (when checking), then is the Ke function of the same
 * shape on that word, so every rule except the handle's own lives in the Ke layer.
 * The contract each function follows is the WDK's (video.h).
 */
#include <vpspin/video.h>

#include "ke_spinlock.h"
#include "vplock.h"

VP_STATUS VideoPortCreateSpinLock(PVOID HwDeviceExtension, PSPIN_LOCK *SpinLock)
{
    if (SpinLock == NULL)
        return ERROR_INVALID_PARAMETER;
    PSPIN_LOCK lock = vsp_vplock_alloc(HwDeviceExtension, __builtin_return_address(0));
    if (lock == NULL)
        return ERROR_NOT_ENOUGH_MEMORY;
    *SpinLock = lock;
    return NO_ERROR;
}

VP_STATUS VideoPortDeleteSpinLock(PVOID HwDeviceExtension, PSPIN_LOCK SpinLock)
{
    (void)HwDeviceExtension;
    if (SpinLock == NULL)
        return ERROR_INVALID_PARAMETER;
    if (vsp_checking() && (!vsp_verify_vplock(VSP_API_VideoPortDeleteSpinLock, SpinLock) ||
                           !vsp_verify_delete(VSP_API_VideoPortDeleteSpinLock, SpinLock)))
        return ERROR_INVALID_PARAMETER;
    /* Freeing validates the handle again, so a bad one is refused even unchecked. */
    return vsp_vplock_free(SpinLock) ? NO_ERROR : ERROR_INVALID_PARAMETER;
}

VOID VideoPortAcquireSpinLock(PVOID HwDeviceExtension, PSPIN_LOCK SpinLock, PUCHAR OldIrql)
{
    (void)HwDeviceExtension;
    enum vsp_taken how;
    if (vsp_checking() && !vsp_verify_vplock(VSP_API_VideoPortAcquireSpinLock, SpinLock)) {
        *OldIrql = KeGetCurrentIrql();
        return;
    }
    *OldIrql = vsp_acquire(vsp_vplock_word(SpinLock), VSP_PLAIN, VSP_API_VideoPortAcquireSpinLock,
                           &how);
    vsp_vplock_count(SpinLock, how);
}

VOID VideoPortAcquireSpinLockAtDpcLevel(PVOID HwDeviceExtension, PSPIN_LOCK SpinLock)
{
    (void)HwDeviceExtension;
    enum vsp_taken how;
    if (vsp_checking() &&
        !vsp_verify_vplock(VSP_API_VideoPortAcquireSpinLockAtDpcLevel, SpinLock))
        return;
    vsp_acquire(vsp_vplock_word(SpinLock), VSP_PLAIN_DPC,
                VSP_API_VideoPortAcquireSpinLockAtDpcLevel, &how);
    vsp_vplock_count(SpinLock, how);
}

VOID VideoPortReleaseSpinLock(PVOID HwDeviceExtension, PSPIN_LOCK SpinLock, UCHAR NewIrql)
{
    (void)HwDeviceExtension;
    if (vsp_checking() && !vsp_verify_vplock(VSP_API_VideoPortReleaseSpinLock, SpinLock))
        return;
    vsp_release(vsp_vplock_word(SpinLock), VSP_PLAIN, VSP_API_VideoPortReleaseSpinLock, NewIrql);
}

VOID VideoPortReleaseSpinLockFromDpcLevel(PVOID HwDeviceExtension, PSPIN_LOCK SpinLock)
{
    (void)HwDeviceExtension;
    if (vsp_checking() &&
        !vsp_verify_vplock(VSP_API_VideoPortReleaseSpinLockFromDpcLevel, SpinLock))
        return;
    vsp_release(vsp_vplock_word(SpinLock), VSP_PLAIN_DPC,
                VSP_API_VideoPortReleaseSpinLockFromDpcLevel, -1);
}
