/*
 * ke/timer.c - KTIMER: KeInitializeTimer(Ex), KeSetTimer(Ex), KeCancelTimer,
 * KeReadStateTimer, and the thread that expires them.
 *
 * A set timer is in one process-wide list (through its TimerListEntry), with
 * Header.Inserted 1 and DueTime its expiry in interrupt time (100 ns units of
 * CLOCK_MONOTONIC). The timer thread sleeps until the earliest expiry; then it takes the
 * timer off the list (or sets it again a Period later), signals it (ke/dispatcher.c: a
 * notification timer stays signaled, a synchronization timer releases one waiter) and
 * queues its DPC, with the expiry's system time as SystemArgument1 (low half) and 2
 * (high half), as Windows does. Setting a timer resets its signal. Under vsp_timer_mutex.
 * The IRQL rule is the DDI rule IrqlKeDispatchLte (0x20011).
 *
 * In the controlled mode (sched/sched.h) the timer thread is a controlled thread and its
 * clock virtual time: KeSetTimer, KeCancelTimer and KeReadStateTimer are scheduling points
 * made before the mutex is taken, and so is each expiry (the thread lets the mutex go for
 * it, then looks at the list again: a timer may have been cancelled or set meanwhile); the
 * expiry's signal and its DPC's queueing, under the mutex, are part of that step. No point
 * is ever made with the mutex held, so no controlled thread waits for it.
 */
#include <pthread.h>
#include <time.h>

#include <vpspin/wdm.h>

#include "check/verify.h"
#include "ke/dispatcher.h"
#include "ke/objects.h"
#include "sched/sched.h"

static pthread_mutex_t vsp_timer_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t vsp_timer_wake; /* CLOCK_MONOTONIC, set up with the thread */
static LIST_ENTRY vsp_timers = {&vsp_timers, &vsp_timers};
static pthread_t vsp_timer_thread;
static bool vsp_timer_started, vsp_timer_stop;

static bool vsp_timer_usable(enum vsp_api api, PKTIMER Timer)
{
    if (!vsp_irql_allows(api, VSP_RULE_DISPATCH_LTE, DISPATCH_LEVEL, 0, 0))
        return false;
    if (Timer != NULL && vsp_dispatcher_valid(&Timer->Header) &&
        Timer->Header.Type >= TimerNotificationObject)
        return true;
    if (vsp_checking())
        vsp_report_service(api, VSP_RULE_OBJECT, (ULONG_PTR)Timer,
                           Timer != NULL ? (ULONG_PTR)(ULONG)Timer->Header.Lock : 0, 0);
    return false;
}

static void vsp_timer_init(enum vsp_api api, PKTIMER Timer, TIMER_TYPE Type)
{
    if (!vsp_irql_allows(api, VSP_RULE_DISPATCH_LTE, DISPATCH_LEVEL, 0, 0))
        return;
    vsp_dispatcher_init(&Timer->Header,
                        Type == SynchronizationTimer ? TimerSynchronizationObject
                                                     : TimerNotificationObject,
                        (UCHAR)VSP_TIMER_SIZE, 0);
    Timer->Header.Inserted = 0;
    Timer->DueTime.QuadPart = 0;
    Timer->TimerListEntry.Flink = Timer->TimerListEntry.Blink = NULL;
    Timer->Dpc = NULL;
    Timer->Processor = 0;
    Timer->Period = 0;
}

VOID KeInitializeTimer(PKTIMER Timer)
{
    vsp_timer_init(VSP_API_KeInitializeTimer, Timer, NotificationTimer);
}

VOID KeInitializeTimerEx(PKTIMER Timer, TIMER_TYPE Type)
{
    vsp_timer_init(VSP_API_KeInitializeTimerEx, Timer, Type);
}

/* The earliest set timer, or NULL; under vsp_timer_mutex. */
static PKTIMER vsp_timer_first(void)
{
    PKTIMER first = NULL;
    for (PLIST_ENTRY e = vsp_timers.Flink; e != &vsp_timers; e = e->Flink) {
        PKTIMER t = CONTAINING_RECORD(e, KTIMER, TimerListEntry);
        if (first == NULL || t->DueTime.QuadPart < first->DueTime.QuadPart)
            first = t;
    }
    return first;
}

/* Once a one-shot timer is signaled, its waiter may end it (a KTIMER on its stack): the
 * DPC is read before, and the timer not touched after. */
static void vsp_timer_expire(PKTIMER t)
{
    PKDPC dpc = t->Dpc;
    if (t->Period != 0) {
        t->DueTime.QuadPart += (ULONGLONG)t->Period * 10000u;
    } else {
        RemoveEntryList(&t->TimerListEntry);
        t->Header.Inserted = 0;
    }
    vsp_dispatcher_signal(&t->Header, NULL);
    if (dpc != NULL) {
        LARGE_INTEGER now;
        KeQuerySystemTime(&now);
        vsp_dpc_insert(dpc, (PVOID)(ULONG_PTR)now.LowPart, (PVOID)(ULONG_PTR)(ULONG)now.HighPart);
    }
}

static void *vsp_timer_main(void *arg)
{
    (void)arg;
    pthread_setname_np(pthread_self(), "vp-ktimer");
    vsp_sched_enter(NULL); /* its first step, before it looks at the list */
    pthread_mutex_lock(&vsp_timer_mutex);
    bool announced = false; /* the controlled mode's point for the next expiry was made */
    while (!vsp_timer_stop) {
        PKTIMER first = vsp_timer_first();
        uint64_t due_ns = first != NULL ? first->DueTime.QuadPart * 100u : 0;
        if (first == NULL || vsp_sched_now_ns() < due_ns) {
            announced = false;
            vsp_sched_cond_wait(&vsp_timer_wake, &vsp_timer_mutex, due_ns);
            continue;
        }
        if (vsp_sched_on() && !announced) {
            /* The call site the trace shows: the routine of its DPC. */
            const void *site =
                first->Dpc != NULL ? (const void *)(ULONG_PTR)first->Dpc->DeferredRoutine : NULL;
            pthread_mutex_unlock(&vsp_timer_mutex);
            vsp_sched_point(VSP_SP_TIMER, first, VSP_SCHED_SAME_IRQL, site);
            pthread_mutex_lock(&vsp_timer_mutex);
            announced = true;
            continue;
        }
        announced = false;
        vsp_timer_expire(first);
    }
    pthread_mutex_unlock(&vsp_timer_mutex);
    return NULL;
}

/* A forked child has no timer thread: the next KeSetTimer starts one, and initializes the
 * condition again. Not destroyed here: the parent's timer thread may have been waiting on
 * it, and glibc's pthread_cond_destroy waits for its waiters, which in the child never
 * come. */
static void vsp_timer_atfork_child(void)
{
    pthread_mutex_init(&vsp_timer_mutex, NULL);
    vsp_timer_started = false;
}

static pthread_once_t vsp_timer_once = PTHREAD_ONCE_INIT;
static void vsp_timer_once_init(void) { pthread_atfork(NULL, NULL, vsp_timer_atfork_child); }

/* Under vsp_timer_mutex. */
static bool vsp_timer_thread_start(void)
{
    if (vsp_timer_started)
        return true;
    if (vsp_timer_stop)
        return false;
    pthread_once(&vsp_timer_once, vsp_timer_once_init);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&vsp_timer_wake, &attr);
    pthread_condattr_destroy(&attr);
    vsp_timer_started = vsp_sched_create(&vsp_timer_thread, vsp_timer_main, NULL) == 0;
    if (!vsp_timer_started)
        pthread_cond_destroy(&vsp_timer_wake);
    return vsp_timer_started;
}

static BOOLEAN vsp_timer_set(enum vsp_api api, PKTIMER Timer, LARGE_INTEGER DueTime, LONG Period,
                             PKDPC Dpc, const void *site)
{
    if (!vsp_timer_usable(api, Timer))
        return FALSE;
    vsp_sched_point(VSP_SP_TIMER_SET, Timer, VSP_SCHED_SAME_IRQL, site);
    uint64_t deadline = vsp_deadline(&DueTime);
    pthread_mutex_lock(&vsp_timer_mutex);
    BOOLEAN was = Timer->Header.Inserted ? TRUE : FALSE;
    if (was)
        RemoveEntryList(&Timer->TimerListEntry);
    Timer->Header.Inserted = 0;
    __atomic_store_n(&Timer->Header.SignalState, 0, __ATOMIC_RELEASE);
    if (vsp_timer_thread_start()) {
        Timer->DueTime.QuadPart =
            deadline == VSP_WAIT_FOREVER ? UINT64_MAX / 100u : deadline / 100u;
        Timer->Period = Period > 0 ? (ULONG)Period : 0;
        Timer->Dpc = Dpc;
        Timer->Header.Inserted = 1;
        InsertTailList(&vsp_timers, &Timer->TimerListEntry);
        vsp_sched_cond_broadcast(&vsp_timer_wake);
    }
    pthread_mutex_unlock(&vsp_timer_mutex);
    return was;
}

BOOLEAN KeSetTimer(PKTIMER Timer, LARGE_INTEGER DueTime, PKDPC Dpc)
{
    return vsp_timer_set(VSP_API_KeSetTimer, Timer, DueTime, 0, Dpc, __builtin_return_address(0));
}

BOOLEAN KeSetTimerEx(PKTIMER Timer, LARGE_INTEGER DueTime, LONG Period, PKDPC Dpc)
{
    return vsp_timer_set(VSP_API_KeSetTimerEx, Timer, DueTime, Period, Dpc,
                         __builtin_return_address(0));
}

BOOLEAN KeCancelTimer(PKTIMER Timer)
{
    if (!vsp_timer_usable(VSP_API_KeCancelTimer, Timer))
        return FALSE;
    vsp_sched_point(VSP_SP_TIMER_CANCEL, Timer, VSP_SCHED_SAME_IRQL, __builtin_return_address(0));
    pthread_mutex_lock(&vsp_timer_mutex);
    BOOLEAN was = Timer->Header.Inserted ? TRUE : FALSE;
    if (was) {
        RemoveEntryList(&Timer->TimerListEntry);
        Timer->Header.Inserted = 0;
    }
    pthread_mutex_unlock(&vsp_timer_mutex);
    return was;
}

BOOLEAN KeReadStateTimer(PKTIMER Timer)
{
    if (!vsp_timer_usable(VSP_API_KeReadStateTimer, Timer))
        return FALSE;
    return vsp_dispatcher_read(&Timer->Header, __builtin_return_address(0)) != 0;
}

const void *vsp_timer_within(const void *p, size_t size)
{
    const void *found = NULL;
    pthread_mutex_lock(&vsp_timer_mutex);
    for (PLIST_ENTRY e = vsp_timers.Flink; e != &vsp_timers && found == NULL; e = e->Flink)
        if (vsp_inside(CONTAINING_RECORD(e, KTIMER, TimerListEntry), p, size))
            found = CONTAINING_RECORD(e, KTIMER, TimerListEntry);
    pthread_mutex_unlock(&vsp_timer_mutex);
    return found;
}

size_t vsp_timers_cancel_within(const void *p, size_t size)
{
    size_t n = 0;
    pthread_mutex_lock(&vsp_timer_mutex);
    for (PLIST_ENTRY e = vsp_timers.Flink, next; e != &vsp_timers; e = next) {
        next = e->Flink;
        PKTIMER t = CONTAINING_RECORD(e, KTIMER, TimerListEntry);
        if (vsp_inside(t, p, size)) {
            RemoveEntryList(e);
            t->Header.Inserted = 0;
            n++;
        }
    }
    pthread_mutex_unlock(&vsp_timer_mutex);
    return n;
}

__attribute__((destructor)) static void vsp_timer_exit(void)
{
    pthread_mutex_lock(&vsp_timer_mutex);
    vsp_timer_stop = true;
    bool started = vsp_timer_started && !pthread_equal(pthread_self(), vsp_timer_thread);
    if (vsp_timer_started)
        vsp_sched_cond_broadcast(&vsp_timer_wake);
    pthread_mutex_unlock(&vsp_timer_mutex);
    if (started)
        vsp_sched_join(vsp_timer_thread, NULL);
}
