/*
 * ke/dispatcher.c - waiting for and signaling dispatcher objects (dispatcher.h says how).
 *
 * A waiter: count itself in (seq_cst), look at SignalState, sleep on it while it reads 0.
 * A signaler: store SignalState (seq_cst), then wake if the count is nonzero. With both
 * orders sequentially consistent, either the signaler sees the waiter counted or the
 * waiter sees the signal before it sleeps, so no wake-up is lost; FUTEX_WAIT itself
 * refuses to sleep if SignalState is no longer 0.
 *
 * The counts are not in the object but in a process-wide table, one per bucket of
 * addresses: once SignalState is stored, a waiter may see it, return, and end the object
 * (an event on its stack, the usual way to wait for another thread), so the signaler
 * reads nothing of the object after that store. FUTEX_WAKE takes only the address. A
 * bucket's count includes the waiters of other objects that share it, which costs those
 * signals a wake-up call that finds nobody: futex waiters (these, glibc's) take spurious
 * wake-ups.
 *
 * The controlled mode (sched/sched.h) runs one thread at a time, so a waiter there does
 * not sleep on the futex: its wait's point makes it the token's holder, it looks at
 * SignalState, and if it must wait, it blocks in the scheduler on h's address, which no
 * signal can slip between (the signaler cannot run until the waiter has blocked). The
 * signal's point, after the store, wakes it, as a spin lock's release wakes the threads
 * blocked on the lock; each woken waiter looks again, so a synchronization object still
 * goes to one of them. Deadlines are virtual time there: a timed wait ends when the
 * scheduler lets time pass to its deadline.
 */
#include "ke/dispatcher.h"

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "check/verify.h"
#include "sched/sched.h"

#define VSP_WAITER_BUCKETS 64 /* a power of two */
static ULONG_PTR vsp_waiter_counts[VSP_WAITER_BUCKETS];

/* The waiter count of h's bucket. */
static inline ULONG_PTR *vsp_waiters(const DISPATCHER_HEADER *h)
{
    uintptr_t a = (uintptr_t)h;
    return &vsp_waiter_counts[((a >> 4) ^ (a >> 10)) & (VSP_WAITER_BUCKETS - 1)];
}

static bool vsp_is_synchronization(const DISPATCHER_HEADER *h)
{
    return h->Type == EventSynchronizationObject || h->Type == TimerSynchronizationObject;
}

void vsp_dispatcher_init(DISPATCHER_HEADER *h, UCHAR type, UCHAR size, LONG state)
{
    h->Lock = 0;
    h->Type = type;
    h->Size = size;
    h->WaitListHead.Flink = NULL; /* unused */
    h->WaitListHead.Blink = NULL;
    __atomic_store_n(&h->SignalState, state, __ATOMIC_RELEASE);
}

LONG vsp_dispatcher_signal(DISPATCHER_HEADER *h, const void *site)
{
    int wake = vsp_is_synchronization(h) ? 1 : INT_MAX;
    ULONG_PTR *waiters = vsp_waiters(h);
    LONG old = __atomic_exchange_n(&h->SignalState, 1, __ATOMIC_SEQ_CST);
    /* h may have ended by now: only its address from here on. */
    if (old == 0 && __atomic_load_n(waiters, __ATOMIC_SEQ_CST) != 0)
        syscall(SYS_futex, &h->SignalState, FUTEX_WAKE_PRIVATE, wake, NULL, NULL, 0);
    if (site != NULL)
        vsp_sched_point(VSP_SP_EVENT_SET, h, VSP_SCHED_SAME_IRQL, site);
    else if (vsp_sched_on() && vsp_sched_controlled())
        vsp_sched_signal(h);
    return old;
}

LONG vsp_dispatcher_reset(DISPATCHER_HEADER *h, const void *site)
{
    vsp_sched_point(VSP_SP_EVENT_CLEAR, h, VSP_SCHED_SAME_IRQL, site);
    return __atomic_exchange_n(&h->SignalState, 0, __ATOMIC_ACQ_REL);
}

LONG vsp_dispatcher_read(DISPATCHER_HEADER *h, const void *site)
{
    vsp_sched_point(VSP_SP_READ_STATE, h, VSP_SCHED_SAME_IRQL, site);
    LONG state = __atomic_load_n(&h->SignalState, __ATOMIC_ACQUIRE);
    if (state == 0)
        vsp_sched_point(VSP_SP_YIELD, h, VSP_SCHED_SAME_IRQL, site);
    return state;
}

/* Takes the signal: a synchronization object's is consumed, a notification object's stays. */
static bool vsp_take(DISPATCHER_HEADER *h)
{
    LONG s = __atomic_load_n(&h->SignalState, __ATOMIC_ACQUIRE);
    while (s != 0) {
        if (!vsp_is_synchronization(h))
            return true;
        if (__atomic_compare_exchange_n(&h->SignalState, &s, 0, false, __ATOMIC_ACQ_REL,
                                        __ATOMIC_ACQUIRE))
            return true;
    }
    return false;
}

/* The controlled mode's wait, after its point: this thread holds the token. */
static bool vsp_wait_controlled(DISPATCHER_HEADER *h, uint64_t deadline_ns, const void *site)
{
    bool blocked = false;
    for (;;) {
        if (vsp_take(h))
            return true;
        if (vsp_sched_now_ns() >= deadline_ns)
            break;
        vsp_sched_wait(VSP_SP_EVENT_WAIT, h, 0, deadline_ns == VSP_WAIT_FOREVER ? 0 : deadline_ns,
                       site);
        blocked = true;
    }
    if (!blocked) /* a poll that failed: a loop of them must let the signaler run */
        vsp_sched_point(VSP_SP_YIELD, h, VSP_SCHED_SAME_IRQL, site);
    return false;
}

bool vsp_dispatcher_wait(DISPATCHER_HEADER *h, uint64_t deadline_ns, const void *site)
{
    if (__builtin_expect(vsp_sched_on(), 0)) {
        vsp_sched_point(VSP_SP_WAIT, h, VSP_SCHED_SAME_IRQL, site);
        if (vsp_sched_controlled())
            return vsp_wait_controlled(h, deadline_ns, site);
    }
    if (vsp_take(h))
        return true;
    bool signaled = false;
    __atomic_add_fetch(vsp_waiters(h), 1, __ATOMIC_SEQ_CST);
    for (;;) {
        if (vsp_take(h)) {
            signaled = true;
            break;
        }
        uint64_t now = vsp_mono_ns();
        if (now >= deadline_ns)
            break;
        struct timespec rel, *timeout = NULL;
        if (deadline_ns != VSP_WAIT_FOREVER) {
            uint64_t left = deadline_ns - now;
            rel.tv_sec = (time_t)(left / 1000000000u);
            rel.tv_nsec = (long)(left % 1000000000u);
            timeout = &rel;
        }
        syscall(SYS_futex, &h->SignalState, FUTEX_WAIT_PRIVATE, 0, timeout, NULL, 0);
    }
    __atomic_sub_fetch(vsp_waiters(h), 1, __ATOMIC_SEQ_CST);
    return signaled;
}

uint64_t vsp_deadline(const LARGE_INTEGER *timeout)
{
    if (timeout == NULL)
        return VSP_WAIT_FOREVER;
    uint64_t now = vsp_sched_now_ns();
    LONGLONG t = timeout->QuadPart;
    if (t <= 0) /* relative (0: now) */
        return t < -(LONGLONG)((UINT64_MAX - now) / 100u) ? VSP_WAIT_FOREVER
                                                          : now + (uint64_t)(-t) * 100u;
    LARGE_INTEGER system;
    KeQuerySystemTime(&system);
    if (t <= system.QuadPart)
        return now;
    uint64_t ahead = (uint64_t)(t - system.QuadPart);
    return ahead > (UINT64_MAX - now) / 100u ? VSP_WAIT_FOREVER : now + ahead * 100u;
}

/* What a delay blocks on in the controlled mode: nothing signals it. */
static const char vsp_delay_object;

void vsp_sleep_until(uint64_t deadline_ns, const void *site)
{
    if (__builtin_expect(vsp_sched_on(), 0) && vsp_sched_controlled()) {
        /* Blocked until virtual time reaches the deadline (never 0, which would be none: the
         * clock starts at the real one's reading); one already passed makes it a yield. */
        vsp_sched_wait(VSP_SP_DELAY, &vsp_delay_object, 0,
                       deadline_ns == VSP_WAIT_FOREVER ? 0 : deadline_ns, site);
        return;
    }
    struct timespec ts = {.tv_sec = (time_t)(deadline_ns / 1000000000u),
                          .tv_nsec = (long)(deadline_ns % 1000000000u)};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
        ;
}
