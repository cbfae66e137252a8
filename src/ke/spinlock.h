/*
 * ke/spinlock.h - one acquire and one release that every spin lock function of the Ke
 * and VideoPort layers is a thin wrapper around.
 *
 * An acquire is: check (when checking), raise the IRQL (raising variants), take the
 * word with the holder's record (lockword.h). A release is: check, free the word, lower
 * the IRQL (raising variants). Each has an inline fast path for the common case (thread
 * known, every check passing, lock free / no waiter) and an out-of-line full path for the
 * rest (first call on a thread, a broken rule to report, waiting, waking, handoff). The IRQL is
 * raised before waiting, as Windows does; the IRQL is per-thread, so raising it after an
 * uncontended CAS is the same to every observer.
 *
 * A layer above that keeps counts of its own locks' acquisitions (the VideoPort lock
 * objects) passes them as counts: the acquire updates them inside the critical section,
 * where it knows whether it waited. The Ke functions pass NULL. Such a layer checks its
 * own handles before it calls here; the Ke layer knows only the word.
 */
#ifndef VSP_KE_SPINLOCK_H
#define VSP_KE_SPINLOCK_H

#include "check/verify.h"
#include "lock/spinlock_algo.h"
#include "lock/thread.h"

/* Acquisitions, and those that found the lock held. Written by the holder only, inside
 * the critical section; read relaxed by anyone. */
struct vsp_acquire_counts {
    ULONG_PTR acquisitions, contentions;
};

KIRQL vsp_acquire_full(PKSPIN_LOCK SpinLock, enum vsp_kind kind, enum vsp_api api,
                       struct vsp_acquire_counts *counts, const void *site);
void vsp_release_full(PKSPIN_LOCK SpinLock, enum vsp_kind kind, enum vsp_api api, int new_irql);

/* Counts an acquisition, inside the critical section. */
static inline void vsp_acquire_count(struct vsp_acquire_counts *c, bool waited)
{
    /* Plain read-modify-write is race-free under the lock; relaxed atomics let
     * vpspin_query_spin_lock read the counters from outside it. */
    __atomic_store_n(&c->acquisitions, __atomic_load_n(&c->acquisitions, __ATOMIC_RELAXED) + 1,
                     __ATOMIC_RELAXED);
    if (waited)
        __atomic_store_n(&c->contentions, __atomic_load_n(&c->contentions, __ATOMIC_RELAXED) + 1,
                         __ATOMIC_RELAXED);
}

/* The fast paths take the uncontended case, checks included (each rule is an inline
 * predicate of verify.h), and leave for the full paths by tail calls, so they need no stack
 * frame. Whatever they cannot do (a thread's first call, a broken rule to report, a held
 * lock, waiters to wake) the full path does, checking again.
 *
 * The acquire checks only the IRQL before its CAS: a CAS that finds the lock free proves
 * that the caller does not hold it (0x1000), and one that fails goes to the full path,
 * which looks at the holder. The release compares the owner half with the one record
 * the caller's acquire can have stored. When the lock is the one the thread acquired last
 * (struct vsp_thread's last_lock), the owner half is what that acquire stored, and the
 * thread's copy of it is read instead: a load of the word would wait for the acquire's
 * CAS to complete, where the copy is at hand. Nothing else writes a held lock's owner half:
 * another thread's release of it is refused (its record is not there), a delete of a held
 * VideoPort lock is refused. What the copy cannot see is a word overwritten from outside
 * (KeInitializeSpinLock on a lock another thread holds, a stray store): its release, which
 * loaded the word, reported 0x1004 or 0x1007, and now frees the word. */
__attribute__((always_inline)) static inline bool vsp_acquire_ok(enum vsp_kind kind, KIRQL cur)
{
    return vsp_rule_acquire_irql(kind, cur) == 0;
}

__attribute__((always_inline)) static inline bool
vsp_release_ok(PKSPIN_LOCK SpinLock, enum vsp_kind kind, int new_irql, const struct vsp_thread *t)
{
    if (__builtin_expect(t->last_lock == SpinLock, 1))
        return vsp_rule_release_mine_ok(kind, t->irql, t->last_bits, new_irql);
    return vsp_rule_release_ok(kind, t->irql,
                               __atomic_load_n(vsp_owner_half(SpinLock), __ATOMIC_RELAXED),
                               t->owner, new_irql);
}

/* What a fast path reads once per call: the calling thread, the flag word and (acquires)
 * the IRQL on entry. A public function that does more than the acquire or release (the
 * VideoPort ones check their handle first) reads it once and passes it down. */
struct vsp_call {
    struct vsp_thread *t;
    unsigned slow;
    KIRQL irql; /* acquires only; 0 in a release's */
};

__attribute__((always_inline)) static inline struct vsp_call vsp_call_begin(void)
{
    struct vsp_thread *t = vsp_self();
    return (struct vsp_call){t, vsp_slow(), t->irql};
}

/* A release needs the IRQL only when it checks; reading it here would have the compiler
 * load it before the branch on the mode, for nothing when checking is off. */
__attribute__((always_inline)) static inline struct vsp_call vsp_call_begin_release(void)
{
    return (struct vsp_call){vsp_self(), vsp_slow(), 0};
}

/* The fast paths are written once and inlined twice, behind one branch on the checked mode
 * (checked is a constant in each copy), so that each copy does only what its mode needs. */
__attribute__((always_inline)) static inline KIRQL
vsp_acquire_fast(struct vsp_call c, PKSPIN_LOCK SpinLock, enum vsp_kind kind, enum vsp_api api,
                 struct vsp_acquire_counts *counts, bool checked)
{
    uint32_t tag = c.t->owner;
    uint32_t bits = vsp_record(0, kind, kind & VSP_W_DPC ? 0 : c.irql);
    if (__builtin_expect(tag == 0, 0) || (c.slow & (VSP_SLOW_TRACK | VSP_SLOW_SCHED)) ||
        (checked && !vsp_acquire_ok(kind, c.irql)) ||
        __builtin_expect(!vsp_trylock(SpinLock, tag | bits), 0))
        return vsp_acquire_full(SpinLock, kind, api, counts, __builtin_return_address(0));
    c.t->held++;
    if (checked) {
        c.t->last_lock = SpinLock;
        c.t->last_bits = bits;
    }
    if (!(kind & VSP_W_DPC))
        c.t->irql = DISPATCH_LEVEL;
    if (counts != NULL)
        vsp_acquire_count(counts, false);
    return c.irql;
}

/* The flags that send a release to the full path: it must fence, or be seen. They are
 * tested together with the waiter half's flags (vsp_unlock_begin), so they must not be
 * PARKED or SPINNER. */
#define VSP_RELEASE_FULL_PATH (VSP_SLOW_FENCE | VSP_SLOW_TRACK | VSP_SLOW_SCHED)
_Static_assert((VSP_RELEASE_FULL_PATH & (VSP_PARKED | VSP_SPINNER)) == 0,
               "a waiter flag would send every contended release to the full path");

/* new_irql: the IRQL to lower to for raising kinds; -1 for the DPC kinds. */
__attribute__((always_inline)) static inline void
vsp_release_fast(struct vsp_call c, PKSPIN_LOCK SpinLock, enum vsp_kind kind, enum vsp_api api,
                 int new_irql, bool checked)
{
    if (checked) {
        bool ok = vsp_release_ok(SpinLock, kind, new_irql, c.t);
        /* Whatever follows frees the lock or refuses the call; either way the copy is done
         * with (a refused release leaves the full path to read the word next time). */
        c.t->last_lock = NULL;
        if (!ok) {
            vsp_release_full(SpinLock, kind, api, new_irql);
            return;
        }
    }
    if (!vsp_unlock_begin(SpinLock, c.slow, VSP_RELEASE_FULL_PATH)) {
        vsp_release_full(SpinLock, kind, api, new_irql);
        return;
    }
    c.t->held--;
    if (!(kind & VSP_W_DPC))
        c.t->irql = (KIRQL)new_irql;
    vsp_unlock_end(SpinLock);
}

/* Returns the IRQL before the call. Inlined into the public functions, so the return
 * address is their caller's: the acquire's call site, for the full path's reports. */
__attribute__((always_inline)) static inline KIRQL
vsp_acquire_in(struct vsp_call c, PKSPIN_LOCK SpinLock, enum vsp_kind kind, enum vsp_api api,
               struct vsp_acquire_counts *counts)
{
    if (c.slow & VSP_SLOW_CHECK)
        return vsp_acquire_fast(c, SpinLock, kind, api, counts, true);
    return vsp_acquire_fast(c, SpinLock, kind, api, counts, false);
}

__attribute__((always_inline)) static inline void vsp_release_in(struct vsp_call c,
                                                                 PKSPIN_LOCK SpinLock,
                                                                 enum vsp_kind kind,
                                                                 enum vsp_api api, int new_irql)
{
    if (c.slow & VSP_SLOW_CHECK)
        vsp_release_fast(c, SpinLock, kind, api, new_irql, true);
    else
        vsp_release_fast(c, SpinLock, kind, api, new_irql, false);
}

__attribute__((always_inline)) static inline KIRQL vsp_acquire(PKSPIN_LOCK SpinLock,
                                                               enum vsp_kind kind, enum vsp_api api,
                                                               struct vsp_acquire_counts *counts)
{
    return vsp_acquire_in(vsp_call_begin(), SpinLock, kind, api, counts);
}

__attribute__((always_inline)) static inline void
vsp_release(PKSPIN_LOCK SpinLock, enum vsp_kind kind, enum vsp_api api, int new_irql)
{
    vsp_release_in(vsp_call_begin_release(), SpinLock, kind, api, new_irql);
}

#endif
