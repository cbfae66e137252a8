/*
 * host/dpc.c - VideoPortQueueDpc and the device's DPC thread.
 *
 * As on Windows, the video port has one DPC object per device: VideoPortQueueDpc
 * inserts it (KeInsertQueueDpc) with the routine and context of this call, and returns
 * FALSE, dropping them, if it is already in the queue. The DPC leaves the queue just
 * before its routine is called, so a routine, or an ISR while it runs, can queue it
 * again. The routine runs at DISPATCH_LEVEL on the device's DPC thread, which is at
 * PASSIVE_LEVEL while idle.
 *
 * States of (dpc_queued, dpc_running), under d->m:
 *   (0,0) idle -> (1,0) queued -> (0,1) running -> (0,0), or -> (1,1) queued again while
 *   running -> (1,0) when it returns.
 */
#include "host/host.h"
#include "lock/thread.h"
#include "check/verify.h"

BOOLEAN VideoPortQueueDpc(PVOID HwDeviceExtension, PMINIPORT_DPC_ROUTINE CallbackRoutine,
                          PVOID Context)
{
    if (vsp_checking() && !vsp_context_verify_queue_dpc(HwDeviceExtension, (ULONG_PTR)CallbackRoutine))
        return FALSE;
    struct vpspin_device *d = vsp_device_from_ext(HwDeviceExtension);
    if (d == NULL || CallbackRoutine == NULL)
        return FALSE;
    BOOLEAN queued = FALSE;
    vsp_sched_point(VSP_SP_DPC_QUEUE, d, VSP_SCHED_SAME_IRQL,
                    (const void *)(ULONG_PTR)CallbackRoutine);
    pthread_mutex_lock(&d->m);
    if (!d->dpc_queued) {
        d->dpc_queued = true;
        d->dpc_routine = CallbackRoutine;
        d->dpc_context = Context;
        queued = TRUE;
        vsp_host_wake(d, VSP_WAKE_DPC);
    }
    pthread_mutex_unlock(&d->m);
    if (queued)
        vsp_count(&d->dpcs_queued);
    return queued;
}

void *vsp_dpc_thread(void *arg)
{
    struct vpspin_device *d = arg;
    vsp_host_name_thread("dpc", d->slot);
    vsp_sched_enter(NULL); /* its first step, before it looks at the device */
    pthread_mutex_lock(&d->m);
    for (;;) {
        if (!d->dpc_queued) {
            if (d->stop_dpc)
                break;
            vsp_host_wait(d, VSP_WAKE_DPC, 0);
            continue;
        }
        PMINIPORT_DPC_ROUTINE routine = d->dpc_routine;
        PVOID context = d->dpc_context;
        d->dpc_queued = false;
        d->dpc_running = true;
        pthread_mutex_unlock(&d->m);

        KIRQL old = vsp_self()->irql;
        vsp_host_set_irql(DISPATCH_LEVEL, VSP_SP_DPC_RUN, d, (const void *)(ULONG_PTR)routine);
        struct vsp_callout c;
        vsp_callout_enter(&c, VSP_CTX_DPC, (ULONG_PTR)routine, context);
        routine(d->ext, context);
        vsp_callout_leave(&c);
        vsp_host_set_irql(old, VSP_SP_LOWER, d, (const void *)(ULONG_PTR)routine);
        vsp_count(&d->dpcs_run);

        pthread_mutex_lock(&d->m);
        d->dpc_running = false;
        vsp_sched_cond_broadcast(&d->done);
    }
    pthread_mutex_unlock(&d->m);
    return NULL;
}

VOID vpspin_flush_dpcs(vpspin_device *Device)
{
    if (Device == NULL || pthread_equal(pthread_self(), Device->dpc_thread))
        return; /* a DPC routine would wait for itself */
    vsp_sched_enter(__builtin_return_address(0));
    pthread_mutex_lock(&Device->m);
    while (Device->dpc_queued || Device->dpc_running)
        vsp_sched_cond_wait(&Device->done, &Device->m, 0);
    pthread_mutex_unlock(&Device->m);
}
