/*
 * ke/dispatcher.c - waiting for and signaling dispatcher objects (dispatcher.h says how).
 *
 * A waiter: count itself in (seq_cst), look at SignalState, sleep on it while it reads 0.
 * A signaler: store SignalState (seq_cst), then wake if the count is nonzero. With both
 * orders sequentially consistent, either the signaler sees the waiter counted or the
 * waiter sees the signal before it sleeps, so no wake-up is lost; FUTEX_WAIT itself
 * refuses to sleep if SignalState is no longer 0.
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

/* The waiter count, in the WDK's (unused) wait list head. */
static inline ULONG_PTR *vsp_waiters(DISPATCHER_HEADER *h)
{
    return (ULONG_PTR *)(void *)&h->WaitListHead.Flink;
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
    h->WaitListHead.Flink = NULL; /* no waiters */
    h->WaitListHead.Blink = NULL;
    __atomic_store_n(&h->SignalState, state, __ATOMIC_RELEASE);
}

LONG vsp_dispatcher_signal(DISPATCHER_HEADER *h)
{
    LONG old = __atomic_exchange_n(&h->SignalState, 1, __ATOMIC_SEQ_CST);
    if (old == 0 && __atomic_load_n(vsp_waiters(h), __ATOMIC_SEQ_CST) != 0)
        syscall(SYS_futex, &h->SignalState, FUTEX_WAKE_PRIVATE,
                vsp_is_synchronization(h) ? 1 : INT_MAX, NULL, NULL, 0);
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
