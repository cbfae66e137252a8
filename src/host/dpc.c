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
 * States of (dpc_queued, dpc_running), under d->dpc_m:
 *   (0,0) idle -> (1,0) queued -> (0,1) running -> (0,0), or -> (1,1) queued again while
 *   running -> (1,0) when it returns.
 *
 * Waiting for the next one. A thread asleep on a condition takes a while to run once
 * woken: about 2 us when the waker's processor takes it, but 30-60 us on this project's
 * 2-vCPU VMs when an idle processor has to come out of its halt first (seen with the
 * sched_waking and sched_switch trace events; README, "The host"). So while DPCs come
 * closer together than that, the thread watches for the next one for VSP_DPC_SPIN_NS
 * before it sleeps; as soon as one comes later than that it goes back to sleeping at
 * once, until two come close again. A sporadic DPC costs no spinning; at tens of
 * thousands a second the thread keeps a processor busy, as the DPCs would on Windows.
 * Not in the controlled mode, whose waits are its scheduling points.
 */
#include "base/cpu.h"
#include "host/host.h"
#include "lock/thread.h"
#include "check/verify.h"

#define VSP_DPC_SPIN_NS 50000u

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
    pthread_mutex_lock(&d->dpc_m);
    if (!d->dpc_queued) {
        d->dpc_routine = CallbackRoutine;
        d->dpc_context = Context;
        d->dpc_queued_ns = vsp_host_now_ns();
        __atomic_store_n(&d->dpc_queued, true, __ATOMIC_RELAXED); /* a spinning thread looks */
        queued = TRUE;
    }
    pthread_mutex_unlock(&d->dpc_m);
    if (queued) {
        vsp_host_wake(d, VSP_WAKE_DPC);
        vsp_count(&d->dpcs_queued);
    }
    return queued;
}

/* Under d->dpc_m, nothing queued: watches for a DPC for up to VSP_DPC_SPIN_NS with the
 * lock let go; returns with it held again. */
static void vsp_dpc_spin(struct vpspin_device *d)
{
    pthread_mutex_unlock(&d->dpc_m);
    uint64_t until = vsp_host_now_ns() + VSP_DPC_SPIN_NS;
    while (!__atomic_load_n(&d->dpc_queued, __ATOMIC_RELAXED) &&
           !__atomic_load_n(&d->stop_dpc, __ATOMIC_RELAXED) && vsp_host_now_ns() < until)
        for (unsigned i = 0; i < 64; i++)
            vsp_cpu_relax();
    pthread_mutex_lock(&d->dpc_m);
}

void *vsp_dpc_thread(void *arg)
{
    struct vpspin_device *d = arg;
    vsp_host_name_thread("dpc", d->slot);
    vsp_sched_enter(NULL); /* its first step, before it looks at the device */
    uint64_t idle_since = 0; /* when the last routine returned */
    bool spin = false;       /* the last DPC came within VSP_DPC_SPIN_NS of it */
    pthread_mutex_lock(&d->dpc_m);
    for (;;) {
        if (!d->dpc_queued) {
            if (d->stop_dpc)
                break;
            if (spin) {
                spin = false; /* once: a DPC that comes resets it */
                vsp_dpc_spin(d);
            } else {
                vsp_host_wait(d, VSP_WAKE_DPC, 0);
            }
            continue;
        }
        PMINIPORT_DPC_ROUTINE routine = d->dpc_routine;
        PVOID context = d->dpc_context;
        spin = !vsp_sched_controlled() && d->dpc_queued_ns < idle_since + VSP_DPC_SPIN_NS;
        __atomic_store_n(&d->dpc_queued, false, __ATOMIC_RELAXED);
        d->dpc_running = true;
        pthread_mutex_unlock(&d->dpc_m);

        KIRQL old = vsp_self()->irql;
        vsp_host_set_irql(DISPATCH_LEVEL, VSP_SP_DPC_RUN, d, (const void *)(ULONG_PTR)routine);
        struct vsp_callout c;
        vsp_callout_enter(&c, VSP_CTX_DPC, (ULONG_PTR)routine, context);
        routine(d->ext, context);
        vsp_callout_leave(&c);
        vsp_host_set_irql(old, VSP_SP_LOWER, d, (const void *)(ULONG_PTR)routine);
        vsp_count(&d->dpcs_run);

        pthread_mutex_lock(&d->dpc_m);
        d->dpc_running = false;
        idle_since = vsp_host_now_ns();
        pthread_mutex_unlock(&d->dpc_m);
        vsp_sched_cond_broadcast(&d->dpc_done); /* the lock let go first: see vsp_host_wake */
        pthread_mutex_lock(&d->dpc_m);
    }
    pthread_mutex_unlock(&d->dpc_m);
    return NULL;
}

VOID vpspin_flush_dpcs(vpspin_device *Device)
{
    if (Device == NULL || pthread_equal(pthread_self(), Device->dpc_thread))
        return; /* a DPC routine would wait for itself */
    vsp_sched_enter(__builtin_return_address(0));
    pthread_mutex_lock(&Device->dpc_m);
    while (Device->dpc_queued || Device->dpc_running)
        vsp_sched_cond_wait(&Device->dpc_done, &Device->dpc_m, 0);
    pthread_mutex_unlock(&Device->dpc_m);
}
