/*
 * host/timer.c - VideoPortStartTimer, VideoPortStopTimer and the device's timer
 * thread.
 *
 * As IoStartTimer does for the video port on Windows, a started timer calls the
 * miniport's HwTimer about once a second at DISPATCH_LEVEL. Here that is the device's
 * timer thread: it waits for the next second (CLOCK_MONOTONIC), raises to DISPATCH_LEVEL,
 * calls HwTimer and lowers to PASSIVE_LEVEL again. A test need not wait for a second:
 * vpspin_fire_timer asks for one call now and waits for it. Whether the timer is started
 * is read under d->m before each call, so none starts after VideoPortStopTimer returns;
 * VideoPortStopTimer does not wait for a call in progress (it may be that call).
 */
#include "host/host.h"
#include "lock/thread.h"

#define VSP_TIMER_PERIOD_NS 1000000000u

static void vsp_run_timer(struct vpspin_device *d)
{
    PVIDEO_HW_TIMER timer = d->driver->init.HwTimer;
    KIRQL old = vsp_self()->irql;
    vsp_host_set_irql(DISPATCH_LEVEL, VSP_SP_TIMER, d, (const void *)(ULONG_PTR)timer);
    struct vsp_callout c;
    vsp_callout_enter(&c, VSP_CTX_TIMER, (ULONG_PTR)timer, d->ext);
    timer(d->ext);
    vsp_callout_leave(&c);
    vsp_host_set_irql(old, VSP_SP_LOWER, d, (const void *)(ULONG_PTR)timer);
    vsp_count(&d->timer_ticks);
}

void *vsp_timer_thread(void *arg)
{
    struct vpspin_device *d = arg;
    vsp_host_name_thread("timer", d->slot);
    vsp_sched_enter(NULL); /* its first step, before it looks at the device */
    pthread_mutex_lock(&d->m);
    while (!d->stop_sources) {
        struct vsp_request *r = vsp_request_pop(&d->timer_requests);
        bool due = d->timer_started && vsp_host_now_ns() >= d->timer_next_ns;
        if (r == NULL && !due) {
            vsp_host_wait(d, VSP_WAKE_TIMER, d->timer_started ? d->timer_next_ns : 0);
            continue;
        }
        if (r != NULL && !d->timer_started) {
            vsp_request_complete(d, r, FALSE);
            continue;
        }
        if (due)
            d->timer_next_ns = vsp_host_now_ns() + VSP_TIMER_PERIOD_NS;
        pthread_mutex_unlock(&d->m);
        vsp_run_timer(d);
        pthread_mutex_lock(&d->m);
        if (r != NULL)
            vsp_request_complete(d, r, TRUE);
    }
    for (struct vsp_request *r; (r = vsp_request_pop(&d->timer_requests)) != NULL;)
        vsp_request_complete(d, r, FALSE);
    pthread_mutex_unlock(&d->m);
    return NULL;
}

VOID VideoPortStartTimer(PVOID HwDeviceExtension)
{
    struct vpspin_device *d = vsp_device_from_ext(HwDeviceExtension);
    if (d == NULL || d->driver->init.HwTimer == NULL)
        return;
    pthread_mutex_lock(&d->m);
    bool start = !d->timer_started && !d->stop_sources;
    if (start) {
        d->timer_started = true;
        d->timer_next_ns = vsp_host_now_ns() + VSP_TIMER_PERIOD_NS;
    }
    pthread_mutex_unlock(&d->m);
    if (start)
        vsp_host_wake(d, VSP_WAKE_TIMER);
}

VOID VideoPortStopTimer(PVOID HwDeviceExtension)
{
    struct vpspin_device *d = vsp_device_from_ext(HwDeviceExtension);
    if (d == NULL)
        return;
    pthread_mutex_lock(&d->m);
    d->timer_started = false;
    pthread_mutex_unlock(&d->m);
    vsp_host_wake(d, VSP_WAKE_TIMER);
}

BOOLEAN vpspin_fire_timer(vpspin_device *Device)
{
    if (Device == NULL || Device->driver->init.HwTimer == NULL)
        return FALSE;
    return vsp_request_run(Device, &Device->timer_requests, Device->timer_thread,
                           VSP_WAKE_TIMER);
}
