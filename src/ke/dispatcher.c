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

LONG vsp_dispatcher_signal(DISPATCHER_HEADER *h)
{
    int wake = vsp_is_synchronization(h) ? 1 : INT_MAX;
    ULONG_PTR *waiters = vsp_waiters(h);
    LONG old = __atomic_exchange_n(&h->SignalState, 1, __ATOMIC_SEQ_CST);
    /* h may have ended by now: only its address from here on. */
    if (old == 0 && __atomic_load_n(waiters, __ATOMIC_SEQ_CST) != 0)
        syscall(SYS_futex, &h->SignalState, FUTEX_WAKE_PRIVATE, wake, NULL, NULL, 0);
    return old;
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

bool vsp_dispatcher_wait(DISPATCHER_HEADER *h, uint64_t deadline_ns)
{
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
    uint64_t now = vsp_mono_ns();
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

void vsp_sleep_until(uint64_t deadline_ns)
{
    struct timespec ts = {.tv_sec = (time_t)(deadline_ns / 1000000000u),
                          .tv_nsec = (long)(deadline_ns % 1000000000u)};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
        ;
}
