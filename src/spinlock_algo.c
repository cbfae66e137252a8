/*
 * spinlock_algo.c - the lock algorithm: test-and-test-and-set with bounded spinning,
 * then parking on a futex.
 *
 * Why not a pure spin lock. In the kernel, a spin lock holder runs at DISPATCH_LEVEL
 * and cannot be preempted, so waiting for it is a matter of nanoseconds. Here a
 * "DISPATCH_LEVEL" thread is an ordinary thread: the scheduler can take its core away
 * at any moment, holding the lock. With more runnable threads than cores, a pure
 * spinner would then burn its whole time slice (milliseconds) waiting for a holder
 * that is not even running. So a waiter spins only for about the length of a short
 * critical section and then parks in the kernel until the holder lets go.
 *
 * The word. Its record bits are described in lockword.h; the algorithm needs only:
 *   0            free
 *   H            held, nobody parked              (H = the holder's record, nonzero)
 *   H|WAITERS    held, a waiter may be parked on the word's futex
 *
 * Transitions:
 *   lock, fast     0 -> H              one CAS, acquire (spinlock_algo.h)
 *   lock, spin     0 -> H              after reading 0; pause between reads
 *   lock, park     H -> H|WAITERS      then FUTEX_WAIT while the word still says so
 *   lock, woken    0 -> H|WAITERS      a woken waiter cannot know whether others still
 *                                      sleep, so it keeps WAITERS set (Drepper's rule)
 *   unlock         * -> 0              exchange, release; FUTEX_WAKE one if WAITERS was set
 *
 * No lost wake-up: a waiter sleeps only if the word still equals the value with
 * WAITERS set that it saw (the kernel compares and sleeps atomically), and whoever
 * clears a word with WAITERS set wakes one sleeper. A woken thread that loses the race
 * for the lock re-marks the word before sleeping again.
 *
 * The futex covers the word's low 32 bits (the owner's low tid bits and WAITERS are
 * there), so the futex value changes whenever the lock changes hands.
 *
 * Fairness: none is promised here; parked waiters are woken one at a time and compete
 * with newcomers. A barging newcomer can take the lock before a woken waiter runs, which
 * keeps the lock busy while the waiter is being scheduled, but can starve a waiter in
 * theory. A fair, handoff-capable algorithm is the subject of a later change.
 *
 * Uncontended cost: lock is one CAS, unlock one exchange; both on the same line.
 *
 * A caveat every futex lock shares: unlock wakes after the word is already 0, so the
 * lock's memory may be reused by then. FUTEX_WAKE on any address is harmless (a wrong
 * wake-up only makes a waiter re-check; an unmapped address returns EFAULT).
 */
#include "spinlock_algo.h"

#include <linux/futex.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cpu.h"

/* How many times a waiter re-reads the word before it parks: long enough to cover a
 * short critical section on a running holder (a few microseconds), short enough that
 * a preempted holder costs little. */
#define VSP_SPIN_READS 200

static uint32_t *vsp_futex_word(ULONG_PTR *w)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ && UINTPTR_MAX > UINT32_MAX
    return (uint32_t *)w + 1;
#else
    return (uint32_t *)w;
#endif
}

bool vsp_lock_slow(ULONG_PTR *w, ULONG_PTR held)
{
    /* Spin: read-only polling keeps the line shared until it is worth a CAS. */
    for (int i = 0; i < VSP_SPIN_READS; i++) {
        vsp_cpu_relax();
        if (__atomic_load_n(w, __ATOMIC_RELAXED) == 0 && vsp_trylock(w, held))
            return true;
    }

    /* Park. From here on we take the lock with WAITERS set (see "lock, woken"). */
    for (;;) {
        ULONG_PTR v = __atomic_load_n(w, __ATOMIC_RELAXED);
        if (v == 0) {
            if (vsp_trylock(w, held | VSP_W_WAITERS))
                return true;
            continue;
        }
        if (!(v & VSP_W_WAITERS)) {
            /* Relaxed is enough: this CAS publishes nothing; it only asks the holder
             * to wake us, and the futex syscall orders the rest. */
            if (!__atomic_compare_exchange_n(w, &v, v | VSP_W_WAITERS, false,
                                             __ATOMIC_RELAXED, __ATOMIC_RELAXED))
                continue;
            v |= VSP_W_WAITERS;
        }
        syscall(SYS_futex, vsp_futex_word(w), FUTEX_WAIT_PRIVATE, (uint32_t)v, NULL, NULL,
                0);
    }
}

void vsp_unlock_wake(ULONG_PTR *w)
{
    syscall(SYS_futex, vsp_futex_word(w), FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}
