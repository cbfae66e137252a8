/*
 * ke/dispatcher.h - dispatcher objects (KEVENT, KTIMER): their kinds, and the one wait and
 * the one signal every event and timer function shares.
 *
 * An object is signaled while Header.SignalState is nonzero. vsp_dispatcher_wait returns
 * once it is (consuming the signal of a synchronization object, which wakes one waiter),
 * or at the deadline; vsp_dispatcher_signal sets it and wakes the waiters. Waiters sleep
 * on SignalState itself (a futex); a process-wide table counts them by address, so a
 * signal with nobody waiting makes no system call, and a signal reads nothing of the object
 * after setting it (the waiter may end it at once). The WDK's wait list and dispatcher lock are
 * not used.
 *
 * Every operation on a dispatcher object is one of the functions below, and each is one
 * scheduling point of the controlled mode (sched/sched.h), made here and nowhere else: the
 * signal after its store (it wakes the threads blocked on the object, as a release does),
 * a reset and a read before theirs, a wait before its attempt; and a wait that cannot be
 * satisfied is a scheduler wait (on virtual time when it has a deadline), not a futex.
 */
#ifndef VSP_KE_DISPATCHER_H
#define VSP_KE_DISPATCHER_H

#include <stdbool.h>
#include <stdint.h>

#include <vpspin/wdm.h>

#include "check/api.h"

#define VSP_DPC_OBJECT 0x13 /* KDPC.Type after KeInitializeDpc (the WDK's DpcObject) */

/* DISPATCHER_HEADER.Size of each kind, in LONGs, as Windows sets it. */
#define VSP_EVENT_SIZE (sizeof(KEVENT) / sizeof(LONG))
#define VSP_TIMER_SIZE (sizeof(KTIMER) / sizeof(LONG))

/* Whether h is the header of an initialized event or timer. */
static inline bool vsp_dispatcher_valid(const DISPATCHER_HEADER *h)
{
    switch (h->Type) {
    case EventNotificationObject:
    case EventSynchronizationObject:
        return h->Size == VSP_EVENT_SIZE;
    case TimerNotificationObject:
    case TimerSynchronizationObject:
        return h->Size == VSP_TIMER_SIZE;
    default:
        return false;
    }
}

/* Sets up a header (no waiters, not signaled unless state). */
void vsp_dispatcher_init(DISPATCHER_HEADER *h, UCHAR type, UCHAR size, LONG state);

/* Signals h; returns the previous SignalState. site: the caller's call site, for the
 * scheduling point; NULL makes none (the timer's expiry: it has its own), though the
 * threads the controlled mode blocked on h are still woken. */
LONG vsp_dispatcher_signal(DISPATCHER_HEADER *h, const void *site);

/* Resets h (KeResetEvent); returns the previous SignalState. */
LONG vsp_dispatcher_reset(DISPATCHER_HEADER *h, const void *site);

/* h's SignalState (KeReadStateEvent). In the controlled mode a read that finds h not
 * signaled also yields, so that a loop of them lets the signaler run. */
LONG vsp_dispatcher_read(DISPATCHER_HEADER *h, const void *site);

/* Waits until h is signaled (true) or CLOCK_MONOTONIC reaches deadline_ns (false);
 * VSP_WAIT_FOREVER has none, 0 or a past deadline polls (in the controlled mode a poll
 * that fails yields, as a read does). The clock is vsp_sched_now_ns(): virtual in the
 * controlled mode. */
#define VSP_WAIT_FOREVER UINT64_MAX
bool vsp_dispatcher_wait(DISPATCHER_HEADER *h, uint64_t deadline_ns, const void *site);

/* A WDK timeout as a deadline of vsp_sched_now_ns()'s clock: NULL is VSP_WAIT_FOREVER;
 * negative is relative, in 100 ns units; positive an absolute system time
 * (KeQuerySystemTime's). */
uint64_t vsp_deadline(const LARGE_INTEGER *timeout);

/* Sleeps (not spins) until the deadline (KeDelayExecutionThread): in the controlled mode
 * a scheduler wait that only virtual time ends. */
void vsp_sleep_until(uint64_t deadline_ns, const void *site);

/* The wait of KeWaitForSingleObject, for callers that name another API in reports. */
NTSTATUS vsp_wait_object(enum vsp_api api, PVOID Object, PLARGE_INTEGER Timeout, const void *site);

#endif
