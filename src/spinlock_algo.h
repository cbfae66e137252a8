/*
 * spinlock_algo.h - the lock algorithm's small interface, over one KSPIN_LOCK word.
 * The algorithm, and why it is written this way, is explained in spinlock_algo.c.
 *
 *   vsp_lock(w, held)    wait until *w is 0, then store held (nonzero, WAITERS clear);
 *                        returns whether it had to wait
 *   vsp_trylock(w, held) store held if *w is 0; never waits
 *   vsp_unlock(w)        store 0 and wake a parked waiter if there is one
 *
 * Ordering: a successful lock or trylock is an acquire operation and vsp_unlock a
 * release operation on *w, so everything written inside one critical section is visible
 * inside the next one on any thread.
 */
#ifndef VSP_SPINLOCK_ALGO_H
#define VSP_SPINLOCK_ALGO_H

#include <stdbool.h>

#include "lockword.h"

bool vsp_lock_slow(ULONG_PTR *w, ULONG_PTR held);
void vsp_unlock_wake(ULONG_PTR *w);

static inline bool vsp_trylock(ULONG_PTR *w, ULONG_PTR held)
{
    ULONG_PTR free = 0;
    /* Acquire on success pairs with the release in vsp_unlock. */
    return __atomic_compare_exchange_n(w, &free, held, false, __ATOMIC_ACQUIRE,
                                       __ATOMIC_RELAXED);
}

static inline bool vsp_lock(ULONG_PTR *w, ULONG_PTR held)
{
    if (__builtin_expect(vsp_trylock(w, held), 1))
        return false;
    return vsp_lock_slow(w, held);
}

static inline void vsp_unlock(ULONG_PTR *w)
{
    /* Release: publishes the critical section to the next acquirer. The exchange (not
     * a plain store) tells us atomically whether someone parked meanwhile. */
    if (__builtin_expect(__atomic_exchange_n(w, 0, __ATOMIC_RELEASE) & VSP_W_WAITERS, 0))
        vsp_unlock_wake(w);
}

#endif
