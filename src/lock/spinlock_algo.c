/*
 * lock/spinlock_algo.c - the lock algorithm: a test-and-set lock whose waiters back off, hand
 * the lock over to whoever has waited too long, and sleep on a futex when waiting gets long.
 *
 * Why not a plain spin lock. In the kernel a spin lock holder runs at DISPATCH_LEVEL and
 * cannot be preempted, so a waiter waits nanoseconds. Here "DISPATCH_LEVEL" is bookkeeping:
 * the scheduler can take a holder's core away at any moment, and with more runnable threads
 * than cores, a spinning waiter would burn a whole time slice waiting for a holder that is
 * not even running. Fair queue locks (ticket, MCS) are worse: the lock goes to the next
 * waiter in line even when that waiter is preempted, and everybody waits for it. So this
 * lock lets any running thread take a free lock, bounds how long anyone waits by handing
 * the lock over when a waiter has waited too long, and puts waiters to sleep instead of
 * letting them spin for longer than a short critical section plausibly lasts.
 *
 * The word (lockword.h) has two 32-bit halves. In the notation (owner, waiter flags):
 *
 *   (0, *)             free
 *   (R, *)             held; R is the holder's record (thread id, variant, IRQL)
 *   (HANDOFF, *)       passed to a waiter that has not claimed it yet; only a waiter that
 *                      has itself waited past its patience may claim it
 *   (HANDOFF_SLEEPER, *) the same, for a waiter that has been to sleep
 *   (*, PARKED)        a waiter may sleep on the waiter-half futex; the next release wakes one
 *   (*, WANT)          a waiter has waited past its patience; the next release hands over
 *   (*, SPINNER)       one waiter spins; the others sleep after VSP_EXTRA_SPIN_NS
 *
 * Transitions:
 *   lock, fast        (0, *) -> (R, *)              one CAS on the owner half, acquire
 *   lock, waiting     (0, *) -> (R, *)              after backoff; any waiter may barge
 *                     (HANDOFF, *) -> (R, *)        only a waiter past its patience, or parked
 *                     (HANDOFF_SLEEPER, *) -> (R, *) only a waiter that went to sleep
 *                     (*, f) -> (*, f|WANT)         once past its patience
 *                     (*, f) -> (*, f|PARKED)       then FUTEX_WAIT on the waiter half
 *   unlock, fast      (R, f) -> (0, f)              f without WANT: one plain store, release
 *   unlock, handoff   (R, WANT|f) -> (HANDOFF, f without WANT)
 *                     (R, WANT|PARKED|f) -> (HANDOFF_SLEEPER, f); wake one (and if nobody
 *                     was asleep after all: HANDOFF_SLEEPER -> HANDOFF)
 *   unlock, wake      (0, PARKED|f) -> (0, f)       after either store of 0; FUTEX_WAKE one
 *
 * Fairness. A waiter that has waited longer than its patience (VSP_PATIENCE_NS for plain
 * locks) sets WANT; the holder's next release does not free the lock but hands it to such a
 * waiter, so no running waiter waits much longer than its patience plus one critical
 * section. Below the patience anyone may take a free lock: a running thread re-taking a lock
 * whose line is in its cache is what makes the lock fast, and with the patience bounding
 * the unfairness, each thread's share evens out. In-stack queued locks have no patience: a
 * waiter asks for the handoff at once, so two contending threads strictly alternate.
 *
 * Preemption. A holder that is preempted delays everyone, as in the kernel with interrupts;
 * waiters must not make it worse. Only one waiter at a time, the one holding SPINNER, spins
 * for long (VSP_SPIN_NS); the others sleep after a couple of microseconds. With more threads
 * than cores the cores then go to the holder and to threads with work to do, and the
 * scheduler has few runnable threads to share them among. When the spinner takes the lock
 * or goes to sleep, another waiter takes its place. A waiter takes the role only at its
 * second look, after its first backoff: most waits end at that look, and setting and
 * clearing the flag would take the lock's line from the holder twice.
 *
 * Sleepers. The release that sees PARKED wakes one sleeper, in the futex queue's FIFO order.
 * A woken thread cannot know whether others still sleep, so when it takes the lock it sets
 * PARKED again, and its own release wakes the next one (the rule of Drepper's futex mutex).
 * A handoff made while some waiter sleeps is reserved for the sleepers (HANDOFF_SLEEPER):
 * the one it wakes, or one already awake again, takes it, not a spinner that has waited
 * less; so sleepers are served in turn rather than sent back to the end of the queue. A
 * handoff to a waiter that is preempted before claiming it waits for that waiter, or for
 * another one entitled to it.
 *
 * No lost wake-up. The release is a plain store followed by a load of the waiter half; a
 * waiter that goes to sleep sets PARKED, then calls membarrier(MEMBARRIER_CMD_PRIVATE_
 * EXPEDITED), which makes every running thread of the process execute a full barrier, then
 * re-reads the owner half. Either the releaser's store is visible to that re-read (the
 * waiter does not sleep), or the releaser's load comes after the barrier and sees PARKED
 * (it wakes). The kernel then compares the waiter half and sleeps atomically, and every
 * wake clears PARKED first. Another parker may set PARKED again before the first one's
 * FUTEX_WAIT compares it (an ABA); that parker then re-reads the owner half itself, and
 * since a parked waiter may take the lock whether it is free or handed over, it either takes
 * the lock (and its release wakes the first) or sleeps with PARKED set. Without membarrier
 * (old kernels) releases, handoffs included, use a full fence; under valgrind, which runs
 * one thread at a time, neither is needed. models/spinlock_algo.pml checks all of this with
 * spin; it found the ABA case and the missing handoff fence of an earlier version.
 *
 * Ordering. Acquires are acquire CASes on the owner half; the release store and the handoff
 * store are release stores to it. The waiter half carries no data: relaxed, except where
 * the Dekker argument above needs the barrier.
 *
 * Uncontended cost: lock is one CAS; unlock is one load, one store and one load, all on the
 * line the CAS brought in: the same locked-instruction count as a test-and-set spin lock.
 */
#include "lock/spinlock_algo.h"

#include <linux/futex.h>
#include <linux/membarrier.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "base/cpu.h"
#include "base/slow.h"
#include "lock/profile.h"

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define VSP_HAVE_VALGRIND_H 1
#endif
#endif

#define VSP_PATIENCE_NS 50000u /* plain locks: ask for a handoff after 50 us */
#define VSP_SPIN_NS 100000u    /* the spinner sleeps after spinning 100 us, */
#define VSP_RESPIN_NS 20000u   /* a woken waiter after 20 us, */
#define VSP_EXTRA_SPIN_NS 2000u /* and another waiter after 2 us */
/* Pauses between two looks at a held lock: the first wait is already long enough for a
 * holder to take and release the lock many times without losing its cache line to us,
 * then it doubles (a pause is 10 ns on this project's Xeon machine, about 1.3 us to 10 us;
 * 29.5 ns on its AMD EPYC one, 10 to 40 ns on other cores). 128, not 64: with a short critical
 * section most of the cost is owner changes, and a waiter that looks half as often makes
 * fewer (docs/bench/contend-2026-12-02.txt). */
#define VSP_BACKOFF_MIN 128u
#define VSP_BACKOFF_MAX 1024u

static bool vsp_unlock_needs_fence;

/* Registers for expedited private membarrier; without it, releases fence (and take the
 * slow path, which does). Valgrind has no membarrier, but runs one thread at a time,
 * which orders everything: there the fast path stays on, so that callgrind counts it. */
__attribute__((constructor)) static void vsp_algo_init(void)
{
#if VSP_HAVE_VALGRIND_H
    if (RUNNING_ON_VALGRIND)
        return;
#endif
    long cmds = syscall(SYS_membarrier, MEMBARRIER_CMD_QUERY, 0, 0);
    if (cmds < 0 || !(cmds & MEMBARRIER_CMD_PRIVATE_EXPEDITED) ||
        syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) != 0) {
        vsp_unlock_needs_fence = true;
        vsp_slow_set(VSP_SLOW_FENCE, true);
    }
}

static uint64_t vsp_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static long vsp_futex(vsp_half *addr, int op, uint32_t val)
{
    return syscall(SYS_futex, addr, op, val, NULL, NULL, 0);
}

/* One waiter's state while it waits. */
struct vsp_waiter {
    PKSPIN_LOCK w;
    uint32_t rec;
    uint64_t start;       /* when it started waiting */
    uint64_t sleep_after; /* when it goes to sleep if still waiting */
    uint64_t patience;
    unsigned backoff;
    bool eligible; /* waited past its patience: may claim a handoff */
    bool slept;
    bool parked;  /* went through vsp_park: may claim a handoff reserved for sleepers */
    bool spinner; /* holds the SPINNER flag */
    bool paused;  /* has backed off once: may take the spinner's role */
};

/* Takes the spinner's role if it is free, and sets how long to spin before sleeping. */
static void vsp_spin_or_queue(struct vsp_waiter *s, uint64_t now)
{
    vsp_half *wh = vsp_waiter_half(s->w);
    uint32_t h = __atomic_load_n(wh, __ATOMIC_RELAXED);
    if (!(h & VSP_SPINNER) && (VSP_PROF(waiter_rmw, 1), true) &&
        __atomic_compare_exchange_n(wh, &h, h | VSP_SPINNER, false, __ATOMIC_RELAXED,
                                    __ATOMIC_RELAXED)) {
        s->spinner = true;
        s->sleep_after = now + VSP_SPIN_NS;
    } else {
        s->sleep_after = now + (s->slept ? VSP_RESPIN_NS : VSP_EXTRA_SPIN_NS);
    }
}

static void vsp_stop_spinning(struct vsp_waiter *s)
{
    if (s->spinner) {
        VSP_PROF(waiter_rmw, 1);
        __atomic_fetch_and(vsp_waiter_half(s->w), ~VSP_SPINNER, __ATOMIC_RELAXED);
        s->spinner = false;
    }
}

/* Whether this waiter may take the lock in the state owner. */
static bool vsp_may_take(const struct vsp_waiter *s, uint32_t owner)
{
    /* A waiter that has parked may take a plain handoff too: it may have set PARKED after
     * the releaser chose HANDOFF, and then nobody else is bound to wake it (models/). */
    return owner == 0 || (owner == VSP_W_HANDOFF && (s->eligible || s->parked)) ||
           (owner == VSP_W_HANDOFF_SLEEPER && s->parked);
}

static bool vsp_try_take(struct vsp_waiter *s, uint32_t owner)
{
    VSP_PROF(looks, 1);
    if (!vsp_may_take(s, owner))
        return false;
    bool took = __atomic_compare_exchange_n(vsp_owner_half(s->w), &owner, s->rec, false,
                                            __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
    VSP_PROF(lost, !took);
    return took;
}

/* Just acquired: withdraw our WANT, and after a sleep re-arm PARKED for the others. */
static void vsp_took(struct vsp_waiter *s)
{
    vsp_half *wh = vsp_waiter_half(s->w);
    uint32_t set = s->slept ? VSP_PARKED : 0;
    uint32_t clear = (s->eligible ? VSP_WANT : 0) | (s->spinner ? VSP_SPINNER : 0);
    uint32_t h = __atomic_load_n(wh, __ATOMIC_RELAXED);
    while (((h | set) & ~clear) != h && (VSP_PROF(waiter_rmw, 1), true) &&
           !__atomic_compare_exchange_n(wh, &h, (h | set) & ~clear, false, __ATOMIC_RELAXED,
                                        __ATOMIC_RELAXED))
        ;
}

/* Sleeps until a release wakes us, unless the lock became takeable meanwhile. */
static void vsp_park(struct vsp_waiter *s)
{
    vsp_half *wh = vsp_waiter_half(s->w);
    vsp_stop_spinning(s);
    uint32_t h = __atomic_load_n(wh, __ATOMIC_RELAXED);
    if (!(h & VSP_PARKED)) {
        VSP_PROF(waiter_rmw, 1);
        if (!__atomic_compare_exchange_n(wh, &h, h | VSP_PARKED, false, __ATOMIC_SEQ_CST,
                                         __ATOMIC_RELAXED))
            return; /* the flags moved: look at the lock again */
        h |= VSP_PARKED;
    }
    s->parked = true;
    /* The barrier of the no-lost-wake-up argument, between PARKED and the re-check. */
    if (vsp_unlock_needs_fence)
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
    else
        syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0);
    if (vsp_may_take(s, __atomic_load_n(vsp_owner_half(s->w), __ATOMIC_RELAXED)))
        return;
#ifdef VSP_LOCK_PROFILE
    uint64_t t0 = vsp_now_ns();
#endif
    vsp_futex(wh, FUTEX_WAIT_PRIVATE, h);
    VSP_PROF(sleeps, 1);
    VSP_PROF(sleep_ns, vsp_now_ns() - t0);
    s->slept = true;
    s->backoff = VSP_BACKOFF_MIN;
    vsp_spin_or_queue(s, vsp_now_ns());
}

bool vsp_lock_slow(PKSPIN_LOCK w, uint32_t rec)
{
    struct vsp_waiter s = {.w = w, .rec = rec, .backoff = VSP_BACKOFF_MIN};
    s.start = vsp_now_ns();
    s.patience = (rec & VSP_W_QUEUED) ? 0 : VSP_PATIENCE_NS;
    /* No spinner's role yet (see below): sleep as a waiter without it would. */
    s.sleep_after = s.start + VSP_EXTRA_SPIN_NS;

    VSP_PROF(slow, 1);
    for (;;) {
        if (vsp_try_take(&s, __atomic_load_n(vsp_owner_half(w), __ATOMIC_RELAXED))) {
            vsp_took(&s);
            VSP_PROF(wait_ns, vsp_now_ns() - s.start);
            return true;
        }
        uint64_t now = vsp_now_ns();
        if (!s.eligible && now - s.start >= s.patience)
            s.eligible = true;
        uint32_t h = __atomic_load_n(vsp_waiter_half(w), __ATOMIC_RELAXED);
        if (s.eligible && !(h & VSP_WANT) && (VSP_PROF(waiter_rmw, 1), true))
            __atomic_fetch_or(vsp_waiter_half(w), VSP_WANT, __ATOMIC_RELAXED);
        /* The spinner's role is free (nobody took it yet, or the spinner got the lock):
         * take it, but only after a first backoff. Most waits end at the first look after
         * it, and the role costs two read-modify-writes of the line the holder is using
         * (set here, cleared by vsp_took). */
        if (!s.spinner && !(h & VSP_SPINNER) && s.paused)
            vsp_spin_or_queue(&s, now);
        if (now >= s.sleep_after) {
            vsp_park(&s);
            continue;
        }
        /* Look again after a pause: soon if a handoff may come our way, else later and
         * later, so the holder keeps its cache line while we wait. */
        unsigned pauses = s.eligible ? 1 : s.backoff;
        for (unsigned i = 0; i < pauses; i++)
            vsp_cpu_relax();
        VSP_PROF(pauses, pauses);
        s.paused = true;
        if (s.backoff < VSP_BACKOFF_MAX)
            s.backoff *= 2;
    }
}

void vsp_unlock_wake(PKSPIN_LOCK w)
{
    vsp_half *wh = vsp_waiter_half(w);
    if (__atomic_fetch_and(wh, ~VSP_PARKED, __ATOMIC_RELAXED) & VSP_PARKED) {
        VSP_PROF(wakes, 1);
        vsp_futex(wh, FUTEX_WAKE_PRIVATE, 1);
    }
}

void vsp_unlock(PKSPIN_LOCK w)
{
    vsp_half *wh = vsp_waiter_half(w);
    uint32_t h = __atomic_load_n(wh, __ATOMIC_RELAXED);
    VSP_PROF(full_unlocks, 1);
    if (h & VSP_WANT) {
        VSP_PROF(handoffs, 1);
        /* Hand over: the lock stays taken until a waiter claims it; a sleeper if any. */
        uint32_t to = h & VSP_PARKED ? VSP_W_HANDOFF_SLEEPER : VSP_W_HANDOFF;
        __atomic_store_n(vsp_owner_half(w), to, __ATOMIC_RELEASE);
        /* The same Dekker pairing as a release to 0: the store must be visible before we
         * look for PARKED (a fence when there is no membarrier; models/, finding 3). */
        if (vsp_unlock_needs_fence)
            __atomic_thread_fence(__ATOMIC_SEQ_CST);
        else
            __atomic_signal_fence(__ATOMIC_SEQ_CST);
        h = __atomic_fetch_and(wh, ~(VSP_WANT | VSP_PARKED), __ATOMIC_RELAXED);
        if ((h & VSP_PARKED) && (VSP_PROF(wakes, 1), true) &&
            vsp_futex(wh, FUTEX_WAKE_PRIVATE, 1) == 0 &&
            to == VSP_W_HANDOFF_SLEEPER)
            /* Nobody was asleep after all: let the waiter that asked take it. */
            __atomic_compare_exchange_n(vsp_owner_half(w), &to, VSP_W_HANDOFF, false,
                                        __ATOMIC_RELEASE, __ATOMIC_RELAXED);
        return;
    }
    __atomic_store_n(vsp_owner_half(w), 0, __ATOMIC_RELEASE);
    if (vsp_unlock_needs_fence)
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
    else
        __atomic_signal_fence(__ATOMIC_SEQ_CST);
    if (__atomic_load_n(wh, __ATOMIC_RELAXED) & VSP_PARKED)
        vsp_unlock_wake(w);
}
