/*
 * videoport/spinlock.c - the video port's six spin lock functions for miniports.
 *
 * A PSPIN_LOCK is a lock object (vplock.c) whose first member is a KSPIN_LOCK; each
 * function checks the handle (when checking), then is the Ke function of the same shape
 * on that word, passing the object's counters along for the acquire to keep.
 * The contract each function follows is the WDK's (video.h).
 */
#include <vpspin/video.h>

#include "check/context.h"
#include "ke/spinlock.h"
#include "verifier/track.h"
#include "videoport/vplock.h"

VP_STATUS VideoPortCreateSpinLock(PVOID HwDeviceExtension, PSPIN_LOCK *SpinLock)
{
    if (SpinLock == NULL)
        return ERROR_INVALID_PARAMETER;
    const void *site = __builtin_return_address(0);
    PSPIN_LOCK lock = vsp_vplock_alloc(HwDeviceExtension, site);
    if (lock == NULL)
        return ERROR_NOT_ENOUGH_MEMORY;
    if (vsp_tracking())
        vsp_track_created(vsp_vplock_word(lock), site, true);
    *SpinLock = lock;
    return NO_ERROR;
}

VP_STATUS VideoPortDeleteSpinLock(PVOID HwDeviceExtension, PSPIN_LOCK SpinLock)
{
    (void)HwDeviceExtension;
    if (SpinLock == NULL)
        return ERROR_INVALID_PARAMETER;
    if (vsp_checking() && (!vsp_vplock_usable(VSP_API_VideoPortDeleteSpinLock, SpinLock) ||
                           !vsp_context_verify_delete(SpinLock) ||
                           !vsp_vplock_deletable(VSP_API_VideoPortDeleteSpinLock, SpinLock)))
        return ERROR_INVALID_PARAMETER;
    if (vsp_tracking() && vsp_vplock_state(SpinLock) == VSP_VPLOCK_LIVE)
        vsp_track_deleted(vsp_vplock_word(SpinLock));
    /* Freeing validates the handle again, so a bad one is refused even unchecked. */
    return vsp_vplock_free(SpinLock) ? NO_ERROR : ERROR_INVALID_PARAMETER;
}

/* Each of the four reads the thread and the flag word (and the acquires the IRQL) once
 * (struct vsp_call) for both the handle check and the Ke fast path. */
VOID VideoPortAcquireSpinLock(PVOID HwDeviceExtension, PSPIN_LOCK SpinLock, PUCHAR OldIrql)
{
    (void)HwDeviceExtension;
    struct vsp_call c = vsp_call_begin();
    /* Stored first: the IRQL before the call is known now, and the acquire can then end
     * in a tail call. A refused call (checked mode) leaves the current IRQL here too. */
    *OldIrql = c.irql;
    if (vsp_vplock_refused(c.slow, SpinLock)) {
        vsp_vplock_refuse(VSP_API_VideoPortAcquireSpinLock, SpinLock);
        return;
    }
    vsp_acquire_in(c, vsp_vplock_word(SpinLock), VSP_PLAIN, VSP_API_VideoPortAcquireSpinLock,
                   &SpinLock->Counts);
}

VOID VideoPortAcquireSpinLockAtDpcLevel(PVOID HwDeviceExtension, PSPIN_LOCK SpinLock)
{
    (void)HwDeviceExtension;
    struct vsp_call c = vsp_call_begin();
    if (vsp_vplock_refused(c.slow, SpinLock)) {
        vsp_vplock_refuse(VSP_API_VideoPortAcquireSpinLockAtDpcLevel, SpinLock);
        return;
    }
    vsp_acquire_in(c, vsp_vplock_word(SpinLock), VSP_PLAIN_DPC,
                   VSP_API_VideoPortAcquireSpinLockAtDpcLevel, &SpinLock->Counts);
}

VOID VideoPortReleaseSpinLock(PVOID HwDeviceExtension, PSPIN_LOCK SpinLock, UCHAR NewIrql)
{
    (void)HwDeviceExtension;
    struct vsp_call c = vsp_call_begin_release();
    if (vsp_vplock_refused(c.slow, SpinLock)) {
        vsp_vplock_refuse(VSP_API_VideoPortReleaseSpinLock, SpinLock);
        return;
    }
    vsp_release_in(c, vsp_vplock_word(SpinLock), VSP_PLAIN, VSP_API_VideoPortReleaseSpinLock,
                   NewIrql);
}

VOID VideoPortReleaseSpinLockFromDpcLevel(PVOID HwDeviceExtension, PSPIN_LOCK SpinLock)
{
    (void)HwDeviceExtension;
    struct vsp_call c = vsp_call_begin_release();
    if (vsp_vplock_refused(c.slow, SpinLock)) {
        vsp_vplock_refuse(VSP_API_VideoPortReleaseSpinLockFromDpcLevel, SpinLock);
        return;
    }
    vsp_release_in(c, vsp_vplock_word(SpinLock), VSP_PLAIN_DPC,
                   VSP_API_VideoPortReleaseSpinLockFromDpcLevel, -1);
}
