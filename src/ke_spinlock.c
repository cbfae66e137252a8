/*
 * ke_spinlock.c - executive spin locks: KSPIN_LOCK and the Ke*SpinLock* functions.
 * The rules each one obeys are in wdm.h; the mechanics in ke_spinlock.h.
 */
#include <vpspin/wdm.h>

#include "cpu.h"
#include "ke_spinlock.h"

VOID KeInitializeSpinLock(PKSPIN_LOCK SpinLock) { __atomic_store_n(SpinLock, 0, __ATOMIC_RELAXED); }

KIRQL KeAcquireSpinLockRaiseToDpc(PKSPIN_LOCK SpinLock)
{
    enum vsp_taken how;
    return vsp_acquire(SpinLock, VSP_PLAIN, VSP_API_KeAcquireSpinLockRaiseToDpc, &how);
}

VOID KeReleaseSpinLock(PKSPIN_LOCK SpinLock, KIRQL NewIrql)
{
    vsp_release(SpinLock, VSP_PLAIN, VSP_API_KeReleaseSpinLock, NewIrql);
}

VOID KeAcquireSpinLockAtDpcLevel(PKSPIN_LOCK SpinLock)
{
    enum vsp_taken how;
    vsp_acquire(SpinLock, VSP_PLAIN_DPC, VSP_API_KeAcquireSpinLockAtDpcLevel, &how);
}

VOID KeReleaseSpinLockFromDpcLevel(PKSPIN_LOCK SpinLock)
{
    vsp_release(SpinLock, VSP_PLAIN_DPC, VSP_API_KeReleaseSpinLockFromDpcLevel, -1);
}

BOOLEAN FASTCALL KeTryToAcquireSpinLockAtDpcLevel(PKSPIN_LOCK SpinLock)
{
    struct vsp_thread *t = vsp_self();
    ULONG_PTR tag = vsp_owner_tag(t);
    /* Only the IRQL rule applies: a try never waits, so trying a lock the caller holds
     * just fails, as it does on Windows. */
    if (vsp_checking() && t->irql < DISPATCH_LEVEL &&
        !vsp_verify_acquire(VSP_API_KeTryToAcquireSpinLockAtDpcLevel, SpinLock, VSP_PLAIN_DPC,
                            t->irql, tag))
        return FALSE;
    return vsp_trylock(SpinLock, vsp_word_held(tag, VSP_PLAIN_DPC, 0)) ? TRUE : FALSE;
}

BOOLEAN FASTCALL KeTestSpinLock(PKSPIN_LOCK SpinLock)
{
    if (__atomic_load_n(SpinLock, __ATOMIC_RELAXED) == 0)
        return TRUE;
    vsp_cpu_relax(); /* callers poll this in a loop before trying to acquire */
    return FALSE;
}
