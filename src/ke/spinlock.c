/*
 * ke/spinlock.c - executive spin locks: KSPIN_LOCK and the Ke*SpinLock* functions, and
 * the full (checked, waiting) paths of the acquire and release they share with the
 * VideoPort layer. The rules each function obeys are in wdm.h; the fast paths in
 * ke/spinlock.h.
 */
#include <vpspin/wdm.h>

#include "base/annotate.h"
#include "base/clock.h"
#include "base/cpu.h"
#include "ke/spinlock.h"
#include "sched/sched.h"
#include "verifier/track.h"

/* The controlled mode's acquire (sched/sched.h): a point before the attempt, and while the
 * lock is held, blocked on it (with its holder, for the deadlock report) instead of a spin. */
static bool vsp_acquire_controlled(PKSPIN_LOCK SpinLock, uint32_t rec, const void *site)
{
    bool waited = false;
    while (!vsp_trylock(SpinLock, rec)) {
        uint32_t owner = __atomic_load_n(vsp_owner_half(SpinLock), __ATOMIC_RELAXED);
        int holder = vsp_record_is_handoff(owner) ? 0 : vsp_record_tid(owner);
        vsp_sched_wait(VSP_SP_LOCK_WAIT, SpinLock, holder, 0, site);
        waited = true;
    }
    vsp_sched_acquired(SpinLock);
    return waited;
}

KIRQL vsp_acquire_full(PKSPIN_LOCK SpinLock, enum vsp_kind kind, enum vsp_api api,
                       struct vsp_acquire_counts *counts, const void *site)
{
    struct vsp_thread *t = vsp_self();
    uint32_t tag = vsp_owner_tag(t);
    KIRQL old = t->irql;
    bool sched = vsp_sched_controlled();
    vsp_sched_point(VSP_SP_ACQUIRE, SpinLock, kind & VSP_W_DPC ? old : DISPATCH_LEVEL, site);
    if (vsp_checking() && !vsp_verify_acquire(api, SpinLock, kind, old, tag))
        return old;
    bool track = vsp_tracking();
    struct vsp_held *h = track ? vsp_track_acquire(t, SpinLock, api, site, false) : NULL;
    if (!(kind & VSP_W_DPC))
        t->irql = DISPATCH_LEVEL;
    uint32_t rec = vsp_record(tag, kind, kind & VSP_W_DPC ? 0 : old);
    bool waited = false;
    uint64_t wait = 0;
    if (sched) {
        waited = vsp_acquire_controlled(SpinLock, rec, site);
    } else if (!vsp_trylock(SpinLock, rec)) {
        uint64_t t0 = track ? vsp_ticks() : 0;
        vsp_wait_begin(t, SpinLock, site, rec); /* for the lock dump */
        waited = vsp_lock_slow(SpinLock, rec);
        vsp_wait_end(t);
        wait = track ? vsp_ticks() - t0 : 0;
    }
    t->held++;
    if (vsp_checking()) { /* for the release's fast path (spinlock.h) */
        t->last_lock = SpinLock;
        t->last_bits = rec & ~tag;
    }
    if (track) /* first: race detectors must know the lock is held before the count */
        vsp_track_acquired(t, SpinLock, h, false, true, waited, wait);
    if (counts != NULL)
        vsp_acquire_count(counts, waited);
    return old;
}

void vsp_release_full(PKSPIN_LOCK SpinLock, enum vsp_kind kind, enum vsp_api api, int new_irql)
{
    struct vsp_thread *t = vsp_self();
    if (vsp_checking() &&
        !vsp_verify_release(api, SpinLock, kind, t->irql, vsp_owner_tag(t), new_irql))
        return;
    bool track = vsp_tracking();
    if (track)
        vsp_track_release(t, SpinLock, api, new_irql);
    t->last_lock = NULL; /* held no longer (whichever lock it named: see spinlock.h) */
    vsp_unlock(SpinLock);
    t->held--;
    if (!(kind & VSP_W_DPC))
        t->irql = (KIRQL)new_irql;
    if (track)
        vsp_annotate_unlocked(SpinLock);
    /* After the store that frees it: the point wakes the threads blocked on it. */
    vsp_sched_point(VSP_SP_RELEASE, SpinLock, t->irql, __builtin_return_address(0));
}

VOID KeInitializeSpinLock(PKSPIN_LOCK SpinLock)
{
    /* A lock this thread held is free now: its release must look at the word (0x1007). */
    struct vsp_thread *t = vsp_self();
    if (t->last_lock == SpinLock)
        t->last_lock = NULL;
    __atomic_store_n(SpinLock, 0, __ATOMIC_RELAXED);
    if (vsp_tracking())
        vsp_track_created(SpinLock, __builtin_return_address(0), false);
}

KIRQL KeAcquireSpinLockRaiseToDpc(PKSPIN_LOCK SpinLock)
{
    return vsp_acquire(SpinLock, VSP_PLAIN, VSP_API_KeAcquireSpinLockRaiseToDpc, NULL);
}

VOID KeReleaseSpinLock(PKSPIN_LOCK SpinLock, KIRQL NewIrql)
{
    vsp_release(SpinLock, VSP_PLAIN, VSP_API_KeReleaseSpinLock, NewIrql);
}

VOID KeAcquireSpinLockAtDpcLevel(PKSPIN_LOCK SpinLock)
{
    vsp_acquire(SpinLock, VSP_PLAIN_DPC, VSP_API_KeAcquireSpinLockAtDpcLevel, NULL);
}

VOID KeReleaseSpinLockFromDpcLevel(PKSPIN_LOCK SpinLock)
{
    vsp_release(SpinLock, VSP_PLAIN_DPC, VSP_API_KeReleaseSpinLockFromDpcLevel, -1);
}

BOOLEAN FASTCALL KeTryToAcquireSpinLockAtDpcLevel(PKSPIN_LOCK SpinLock)
{
    struct vsp_thread *t = vsp_self();
    uint32_t tag = vsp_owner_tag(t);
    /* Only the acquire rule's IRQL part applies (hence a free owner half is passed): a try
     * never waits, so trying a lock the caller holds just fails, as it does on Windows. */
    uint32_t rule = vsp_checking() ? vsp_rule_acquire(VSP_PLAIN_DPC, t->irql, 0, tag) : 0;
    if (rule != 0) {
        vsp_report(VSP_API_KeTryToAcquireSpinLockAtDpcLevel, rule, SpinLock, t->irql, 0, -1,
                   VSP_PLAIN_DPC);
        return FALSE;
    }
    bool track = vsp_tracking();
    struct vsp_held *h =
        track ? vsp_track_acquire(t, SpinLock, VSP_API_KeTryToAcquireSpinLockAtDpcLevel,
                                  __builtin_return_address(0), true)
              : NULL;
    vsp_sched_point(VSP_SP_ACQUIRE, SpinLock, t->irql, __builtin_return_address(0));
    bool taken = vsp_trylock(SpinLock, vsp_record(tag, VSP_PLAIN_DPC, 0));
    if (taken) {
        t->held++;
        if (vsp_sched_controlled())
            vsp_sched_acquired(SpinLock);
    }
    if (track)
        vsp_track_acquired(t, SpinLock, h, true, taken, false, 0);
    return taken ? TRUE : FALSE;
}

BOOLEAN FASTCALL KeTestSpinLock(PKSPIN_LOCK SpinLock)
{
    if (__atomic_load_n(vsp_owner_half(SpinLock), __ATOMIC_RELAXED) == 0)
        return TRUE;
    vsp_cpu_relax(); /* callers poll this in a loop before trying to acquire */
    /* ...so in the controlled mode the holder must get a chance to run. */
    vsp_sched_point(VSP_SP_YIELD, SpinLock, VSP_SCHED_SAME_IRQL, __builtin_return_address(0));
    return FALSE;
}
