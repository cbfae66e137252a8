/*
 * lock/spinlock_algo.h - the lock algorithm's small interface, over one KSPIN_LOCK word, and
 * its fast paths. The algorithm, and why it is written this way, is in spinlock_algo.c.
 *
 *   vsp_lock(w, rec)     wait until the lock is free, then take it with record rec
 *                        (lockword.h); returns whether it had to wait
 *   vsp_trylock(w, rec)  take it if it is free; never waits
 *   vsp_unlock(w)        let it go, to a waiter if one has waited too long
 *   vsp_unlock_begin(w, flags, mask), vsp_unlock_end(w)
 *                        the common case of vsp_unlock, inline (begin says if it applies)
 *
 * Ordering: a successful lock or trylock is an acquire operation on the owner half and
 * every way vsp_unlock lets go is a release operation on it, so everything written in one
 * critical section is visible in the next one, on any thread.
 */
#ifndef VSP_SPINLOCK_ALGO_H
#define VSP_SPINLOCK_ALGO_H

#include <stdbool.h>

#include "lock/lockword.h"

/* The waiter half's flags. */
#define VSP_PARKED 0x1u /* a waiter may sleep on the futex; the next release wakes one */
#define VSP_WANT 0x2u   /* a waiter has waited past its patience; the next release hands over */
#define VSP_SPINNER 0x8u /* a waiter spins: the others sleep soon, to leave the cores free */

bool vsp_lock_slow(PKSPIN_LOCK w, uint32_t rec);
void vsp_unlock_wake(PKSPIN_LOCK w);

static inline bool vsp_trylock(PKSPIN_LOCK w, uint32_t rec)
{
    uint32_t free = 0;
    /* Acquire on success pairs with the release that freed the lock. */
    return __atomic_compare_exchange_n(vsp_owner_half(w), &free, rec, false, __ATOMIC_ACQUIRE,
                                       __ATOMIC_RELAXED);
}

static inline bool vsp_lock(PKSPIN_LOCK w, uint32_t rec)
{
    if (__builtin_expect(vsp_trylock(w, rec), 1))
        return false;
    return vsp_lock_slow(w, rec);
}

/* The release fast path, in two steps so that the caller can lower its IRQL in between
 * and leave by a tail call: vsp_unlock_begin frees the lock and returns true, or does
 * nothing and returns false when a waiter wants a handoff or one of mask's bits is set in
 * flags (the caller's reasons for the full path: then call vsp_unlock); vsp_unlock_end then
 * wakes a waiter that parked meanwhile. mask must not contain PARKED or SPINNER: flags and
 * the waiter half are tested in one go. */
static inline bool vsp_unlock_begin(PKSPIN_LOCK w, unsigned flags, unsigned mask)
{
    /* A waiter past its patience: hand over. A sleeper (PARKED) is vsp_unlock_end's, and
     * a spinner (SPINNER) asks for nothing; neither needs the full path. */
    if (__builtin_expect((flags | __atomic_load_n(vsp_waiter_half(w), __ATOMIC_RELAXED)) &
                             (mask | VSP_WANT), 0))
        return false;
    /* Release: publishes the critical section to the next acquirer. A plain store: no
     * read-modify-write on the way out. */
    __atomic_store_n(vsp_owner_half(w), 0, __ATOMIC_RELEASE);
    return true;
}

static inline void vsp_unlock_end(PKSPIN_LOCK w)
{
    /* A waiter may have parked since the check in vsp_unlock_begin. It made its flag
     * visible to this load with membarrier() before sleeping (spinlock_algo.c); the
     * compiler must not hoist the load above the store. */
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    if (__builtin_expect(__atomic_load_n(vsp_waiter_half(w), __ATOMIC_RELAXED) & VSP_PARKED, 0))
        vsp_unlock_wake(w);
}

/* The full release: hands over, wakes, fences, as the state of the word requires. */
void vsp_unlock(PKSPIN_LOCK w);

#endif
