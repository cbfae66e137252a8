/*
 * adapter/event.c - the device model's time: events that run later on the adapter's own
 * thread, and the interrupt raised now or later.
 *
 * A device does things on its own time - it executes the commands a doorbell announced,
 * then raises its interrupt - while the miniport goes on. vpspin_schedule_adapter_event
 * puts (due time, routine) in the adapter's list, kept in due order (events due at the
 * same time keep the order they were scheduled in); the event thread, started with the
 * first event, sleeps until the first is due, takes it off the list and runs it under the
 * model lock, so that an event never runs beside a hook. A raise "later" is an event with
 * no routine.
 *
 * Raising goes to the device started on the adapter, if any: under the attach mutex,
 * which start.c holds to attach and detach, so that a raise never reaches a device being
 * freed. The host's vsp_interrupt_raise never waits, so a hook (under the model lock, on
 * the miniport's thread, maybe inside HwInterrupt) may raise too.
 *
 * In the controlled mode (sched/sched.h) the event thread is a controlled thread and the
 * model's time is virtual: an event comes due when the scheduler lets virtual time pass,
 * so a model's work interleaves with the miniport's at scheduling points, and a run
 * replays exactly.
 */
#include <stdlib.h>
#include <sys/prctl.h>

#include "adapter/adapter.h"
#include "base/alloc.h"
#include "sched/sched.h"

static BOOLEAN vsp_raise_now(struct vpspin_adapter *a)
{
    pthread_mutex_lock(&a->attach);
    struct vpspin_device *d = a->device;
    if (d != NULL)
        vsp_interrupt_raise(d);
    pthread_mutex_unlock(&a->attach);
    return d != NULL;
}

static void *vsp_events_main(void *arg)
{
    struct vpspin_adapter *a = arg;
    /* A model's events are tens of microseconds apart: wake-ups sharper than the default
     * 50 us timer slack. */
    prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
    pthread_setname_np(pthread_self(), "vp-model");
    vsp_sched_enter(NULL); /* its first step, before it looks at the list */
    pthread_mutex_lock(&a->events_mutex);
    while (!a->events_stop) {
        struct vsp_event *e = a->events;
        if (e == NULL) {
            vsp_sched_cond_wait(&a->events_wake, &a->events_mutex, 0);
            continue;
        }
        if (vsp_sched_now_ns() < e->due_ns) {
            vsp_sched_cond_wait(&a->events_wake, &a->events_mutex, e->due_ns);
            continue;
        }
        a->events = e->next;
        pthread_mutex_unlock(&a->events_mutex);
        if (e->routine == NULL) {
            vsp_raise_now(a);
        } else {
            pthread_mutex_lock(&a->model);
            e->routine(e->context, a);
            pthread_mutex_unlock(&a->model);
        }
        free(e);
        pthread_mutex_lock(&a->events_mutex);
    }
    pthread_mutex_unlock(&a->events_mutex);
    return NULL;
}

static VP_STATUS vsp_event_add(struct vpspin_adapter *a, ULONG us, vpspin_adapter_event routine,
                               PVOID context)
{
    struct vsp_event *e = vsp_alloc(sizeof *e);
    if (e == NULL)
        return ERROR_NOT_ENOUGH_MEMORY;
    e->due_ns = vsp_sched_now_ns() + (uint64_t)us * 1000u;
    e->routine = routine;
    e->context = context;
    pthread_mutex_lock(&a->events_mutex);
    if (!a->events_started) {
        pthread_condattr_t attr;
        pthread_condattr_init(&attr);
        pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
        pthread_cond_init(&a->events_wake, &attr);
        pthread_condattr_destroy(&attr);
        if (vsp_sched_create(&a->events_thread, vsp_events_main, a) != 0) {
            pthread_cond_destroy(&a->events_wake);
            pthread_mutex_unlock(&a->events_mutex);
            free(e);
            return ERROR_NOT_ENOUGH_MEMORY;
        }
        a->events_started = true;
    }
    /* After every event due no later than it: same-time events keep their order. */
    struct vsp_event **p = &a->events;
    while (*p != NULL && (*p)->due_ns <= e->due_ns)
        p = &(*p)->next;
    e->next = *p;
    *p = e;
    vsp_sched_cond_broadcast(&a->events_wake);
    pthread_mutex_unlock(&a->events_mutex);
    return NO_ERROR;
}

VP_STATUS vpspin_schedule_adapter_event(vpspin_adapter *Adapter, ULONG Microseconds,
                                        vpspin_adapter_event Routine, PVOID Context)
{
    if (Adapter == NULL || Routine == NULL)
        return ERROR_INVALID_PARAMETER;
    return vsp_event_add(Adapter, Microseconds, Routine, Context);
}

BOOLEAN vpspin_raise_adapter_interrupt(vpspin_adapter *Adapter, ULONG Microseconds)
{
    if (Adapter == NULL)
        return FALSE;
    if (Microseconds == 0)
        return vsp_raise_now(Adapter);
    pthread_mutex_lock(&Adapter->attach);
    bool started = Adapter->device != NULL;
    pthread_mutex_unlock(&Adapter->attach);
    return started && vsp_event_add(Adapter, Microseconds, NULL, NULL) == NO_ERROR;
}

void vsp_events_stop(struct vpspin_adapter *a)
{
    pthread_mutex_lock(&a->events_mutex);
    bool started = a->events_started;
    a->events_stop = true;
    if (started)
        vsp_sched_cond_broadcast(&a->events_wake);
    pthread_mutex_unlock(&a->events_mutex);
    if (started) {
        vsp_sched_join(a->events_thread, NULL);
        pthread_cond_destroy(&a->events_wake);
    }
    for (struct vsp_event *e = a->events, *next; e != NULL; e = next) {
        next = e->next;
        free(e);
    }
    a->events = NULL;
}
