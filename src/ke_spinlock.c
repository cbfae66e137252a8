/*
 * ke_spinlock.c - executive spin locks: KSPIN_LOCK and the Ke*SpinLock* functions, and
 * the full (checked, waiting) paths of the acquire and release they share with the
 * VideoPort layer. The rules each function obeys are in wdm.h; the fast paths in
 * ke_spinlock.h.
 */
#include <vpspin/wdm.h>

#include "cpu.h"
#include "ke_spinlock.h"

KIRQL vsp_acquire_full(PKSPIN_LOCK SpinLock, enum vsp_kind kind, enum vsp_api api, PSPIN_LOCK vp)
{
    struct vsp_thread *t = vsp_self();
    uint32_t tag = vsp_owner_tag(t);
    KIRQL old = t->irql;
    if (vsp_checking() && ((vsp_api_is_videoport(api) && !vsp_verify_vplock(api, vp)) ||
                           !vsp_verify_acquire(api, SpinLock, kind, old, tag)))
        return old;
    if (!(kind & VSP_W_DPC))
        t->irql = DISPATCH_LEVEL;
    bool waited = vsp_lock(SpinLock, vsp_record(tag, kind, kind & VSP_W_DPC ? 0 : old));
    t->held++;
    if (vsp_api_is_videoport(api))
        vsp_vplock_count(vp, waited);
    return old;
}

void vsp_release_full(PKSPIN_LOCK SpinLock, enum vsp_kind kind, enum vsp_api api, int new_irql,
                      PSPIN_LOCK vp)
{
    struct vsp_thread *t = vsp_self();
    if (vsp_checking() &&
        ((vsp_api_is_videoport(api) && !vsp_verify_vplock(api, vp)) ||
         !vsp_verify_release(api, SpinLock, kind, t->irql, vsp_owner_tag(t), new_irql)))
        return;
    vsp_unlock(SpinLock);
    t->held--;
    if (!(kind & VSP_W_DPC))
        t->irql = (KIRQL)new_irql;
}

VOID KeInitializeSpinLock(PKSPIN_LOCK SpinLock) { __atomic_store_n(SpinLock, 0, __ATOMIC_RELAXED); }

KIRQL KeAcquireSpinLockRaiseToDpc(PKSPIN_LOCK SpinLock)
{
    return vsp_acquire(SpinLock, VSP_PLAIN, VSP_API_KeAcquireSpinLockRaiseToDpc, NULL);
}

VOID KeReleaseSpinLock(PKSPIN_LOCK SpinLock, KIRQL NewIrql)
{
    vsp_release(SpinLock, VSP_PLAIN, VSP_API_KeReleaseSpinLock, NewIrql, NULL);
}

VOID KeAcquireSpinLockAtDpcLevel(PKSPIN_LOCK SpinLock)
{
    vsp_acquire(SpinLock, VSP_PLAIN_DPC, VSP_API_KeAcquireSpinLockAtDpcLevel, NULL);
}

VOID KeReleaseSpinLockFromDpcLevel(PKSPIN_LOCK SpinLock)
{
    vsp_release(SpinLock, VSP_PLAIN_DPC, VSP_API_KeReleaseSpinLockFromDpcLevel, -1, NULL);
}

BOOLEAN FASTCALL KeTryToAcquireSpinLockAtDpcLevel(PKSPIN_LOCK SpinLock)
{
    struct vsp_thread *t = vsp_self();
    uint32_t tag = vsp_owner_tag(t);
    /* Only the acquire rule's IRQL part applies (hence a free owner half is passed): a try
     * never waits, so trying a lock the caller holds just fails, as it does on Windows. */
    uint32_t rule = vsp_checking() ? vsp_rule_acquire(VSP_PLAIN_DPC, t->irql, 0, tag) : 0;
    if (rule != 0 && !vsp_report(VSP_API_KeTryToAcquireSpinLockAtDpcLevel, rule, SpinLock,
                                 t->irql, 0, -1, VSP_PLAIN_DPC))
        return FALSE;
    if (!vsp_trylock(SpinLock, vsp_record(tag, VSP_PLAIN_DPC, 0)))
        return FALSE;
    t->held++;
    return TRUE;
}

BOOLEAN FASTCALL KeTestSpinLock(PKSPIN_LOCK SpinLock)
{
    if (__atomic_load_n(vsp_owner_half(SpinLock), __ATOMIC_RELAXED) == 0)
        return TRUE;
    vsp_cpu_relax(); /* callers poll this in a loop before trying to acquire */
    return FALSE;
}
