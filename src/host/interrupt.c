/*
 * host/interrupt.c - the device's interrupt, and VideoPortSynchronizeExecution.
 *
 * Each device has an interrupt thread and an interrupt lock (a KSPIN_LOCK standing in
 * for the KINTERRUPT's spin lock). An interrupt, raised by vpspin_interrupt (which waits
 * for it) or by the rate of vpspin_set_interrupt_rate, is delivered as Windows delivers
 * one: the interrupt thread raises its IRQL to the device's IRQL, takes the interrupt
 * lock, calls HwInterrupt, then releases and lowers to PASSIVE_LEVEL. A rate's deadlines
 * are absolute (start + k periods): late deliveries catch up, up to VSP_ISR_COALESCE_NS
 * behind; further behind, the missed interrupts coalesce into one.
 *
 * VideoPortSynchronizeExecution follows the WDK's three priorities. VpLowPriority calls
 * the routine at the caller's IRQL. VpMediumPriority is KeSynchronizeExecution: raise to
 * the device's IRQL, take the interrupt lock, call. VpHighPriority takes the same lock at
 * HIGH_LEVEL (on Windows it masks every interrupt; here only this device's exists). So
 * Medium and High routines never run while HwInterrupt does, on any thread, which is
 * what they are for: sharing data with the ISR. A caller above the target IRQL keeps its
 * IRQL.
 *
 * User space cannot mask anything: an ISR "interrupts" nothing, it runs beside the other
 * threads, and excluding it takes the interrupt lock, exactly as on a multiprocessor.
 *
 * VideoPortDisableInterrupt keeps HwInterrupt from being called (an interrupt raised then
 * is not delivered: vpspin_interrupt returns FALSE), VideoPortEnableInterrupt lets it be
 * called again; a call already running finishes. Callers at IRQL <= DISPATCH_LEVEL
 * (0xF003): the port synchronizes with the interrupt, so not from HwInterrupt itself.
 *
 * A device model raises the interrupt itself (vsp_interrupt_raise, from src/adapter/):
 * a flag the interrupt thread serves like a request, except that nobody waits for it and
 * raises made before HwInterrupt runs are one call, as a level-sensitive line is.
 */
#include <sys/prctl.h>

#include "host/host.h"
#include "lock/thread.h"

#define VSP_ISR_COALESCE_NS 10000000u /* 10 ms */

/* Only for a miniport that has an HwInterrupt: each way to raise one checks. */
static BOOLEAN vsp_run_isr(struct vpspin_device *d)
{
    PVIDEO_HW_INTERRUPT isr = d->driver->init.HwInterrupt;
    if (__atomic_load_n(&d->interrupt_disabled, __ATOMIC_ACQUIRE))
        return FALSE;
    KIRQL old = vsp_self()->irql;
    vsp_host_set_irql(d->irql, VSP_SP_INTERRUPT, d, (const void *)(ULONG_PTR)isr);
    KeAcquireSpinLockAtDpcLevel(&d->interrupt_lock);
    struct vsp_callout c;
    vsp_callout_enter(&c, VSP_CTX_INTERRUPT, (ULONG_PTR)isr, d->ext);
    BOOLEAN claimed = isr(d->ext);
    vsp_callout_leave(&c);
    KeReleaseSpinLockFromDpcLevel(&d->interrupt_lock);
    vsp_host_set_irql(old, VSP_SP_LOWER, d, (const void *)(ULONG_PTR)isr);
    vsp_count(&d->interrupts);
    if (claimed)
        vsp_count(&d->claimed);
    return claimed;
}

void *vsp_isr_thread(void *arg)
{
    struct vpspin_device *d = arg;
    /* Rates of tens of thousands a second need wake-ups sharper than the default 50 us
     * timer slack. */
    prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
    vsp_host_name_thread("isr", d->slot);
    vsp_sched_enter(NULL); /* its first step, before it looks at the device */
    pthread_mutex_lock(&d->m);
    while (!d->stop_sources) {
        struct vsp_request *r = vsp_request_pop(&d->isr_requests);
        if (r != NULL) {
            pthread_mutex_unlock(&d->m);
            BOOLEAN claimed = vsp_run_isr(d);
            pthread_mutex_lock(&d->m);
            vsp_request_complete(d, r, claimed);
            continue;
        }
        if (d->isr_raised) {
            d->isr_raised = false;
            pthread_mutex_unlock(&d->m);
            vsp_run_isr(d);
            pthread_mutex_lock(&d->m);
            continue;
        }
        if (d->isr_period_ns == 0) {
            vsp_host_wait(d, VSP_WAKE_ISR, 0);
            continue;
        }
        uint64_t now = vsp_host_now_ns();
        if (d->isr_period_ns > 1 && now < d->isr_next_ns) {
            vsp_host_wait(d, VSP_WAKE_ISR, d->isr_next_ns);
            continue;
        }
        /* Due. The deadlines stay where the rate put them (start + k periods): woken late,
         * the thread delivers the missed interrupts back to back; more than
         * VSP_ISR_COALESCE_NS behind, it coalesces them into this one, as a level-triggered
         * line does, and the schedule starts afresh. */
        d->isr_next_ns += d->isr_period_ns;
        if (now > d->isr_next_ns + VSP_ISR_COALESCE_NS)
            d->isr_next_ns = now + d->isr_period_ns;
        pthread_mutex_unlock(&d->m);
        vsp_run_isr(d);
        pthread_mutex_lock(&d->m);
    }
    /* Stopping: nobody may wait for an interrupt that will not come. */
    for (struct vsp_request *r; (r = vsp_request_pop(&d->isr_requests)) != NULL;)
        vsp_request_complete(d, r, FALSE);
    pthread_mutex_unlock(&d->m);
    return NULL;
}

void vsp_interrupt_raise(struct vpspin_device *d)
{
    pthread_mutex_lock(&d->m);
    d->isr_raised = true;
    pthread_mutex_unlock(&d->m);
    vsp_host_wake(d, VSP_WAKE_ISR);
}

BOOLEAN vpspin_interrupt(vpspin_device *Device)
{
    if (Device == NULL || Device->driver->init.HwInterrupt == NULL)
        return FALSE;
    return vsp_request_run(Device, &Device->isr_requests, Device->isr_thread, VSP_WAKE_ISR);
}

VOID vpspin_set_interrupt_rate(vpspin_device *Device, ULONG PerSecond)
{
    if (Device == NULL || Device->driver->init.HwInterrupt == NULL)
        return;
    vsp_sched_enter(__builtin_return_address(0));
    pthread_mutex_lock(&Device->m);
    if (PerSecond == 0)
        Device->isr_period_ns = 0;
    else if (PerSecond == VPSPIN_INTERRUPT_RATE_MAX || PerSecond >= 1000000000u)
        Device->isr_period_ns = 1;
    else
        Device->isr_period_ns = 1000000000u / PerSecond;
    Device->isr_next_ns = vsp_host_now_ns() + Device->isr_period_ns;
    pthread_mutex_unlock(&Device->m);
    vsp_host_wake(Device, VSP_WAKE_ISR);
}

BOOLEAN VideoPortSynchronizeExecution(PVOID HwDeviceExtension, VIDEO_SYNCHRONIZE_PRIORITY Priority,
                                      PMINIPORT_SYNCHRONIZE_ROUTINE SynchronizeRoutine,
                                      PVOID Context)
{
    struct vpspin_device *d = vsp_device_from_ext(HwDeviceExtension);
    if (d == NULL || SynchronizeRoutine == NULL)
        return FALSE;
    struct vsp_callout c;
    BOOLEAN result;
    if (Priority == VpLowPriority) {
        vsp_callout_enter(&c, VSP_CTX_SYNC_LOW, (ULONG_PTR)SynchronizeRoutine, Context);
        result = SynchronizeRoutine(Context);
        vsp_callout_leave(&c);
        return result;
    }
    if (Priority != VpMediumPriority && Priority != VpHighPriority)
        return FALSE;
    KIRQL target = Priority == VpMediumPriority ? d->irql : HIGH_LEVEL;
    KIRQL old = vsp_self()->irql;
    if (old < target)
        vsp_host_set_irql(target, VSP_SP_RAISE, d, (const void *)(ULONG_PTR)SynchronizeRoutine);
    KeAcquireSpinLockAtDpcLevel(&d->interrupt_lock);
    vsp_callout_enter(&c, Priority == VpMediumPriority ? VSP_CTX_SYNC_MEDIUM : VSP_CTX_SYNC_HIGH,
                      (ULONG_PTR)SynchronizeRoutine, Context);
    result = SynchronizeRoutine(Context);
    vsp_callout_leave(&c);
    KeReleaseSpinLockFromDpcLevel(&d->interrupt_lock);
    if (old < target)
        vsp_host_set_irql(old, VSP_SP_LOWER, d, (const void *)(ULONG_PTR)SynchronizeRoutine);
    return result;
}

static VP_STATUS vsp_interrupt_enable(enum vsp_api api, PVOID HwDeviceExtension, bool on)
{
    if (!vsp_irql_allows(api, VSP_RULE_IRQL, DISPATCH_LEVEL, (ULONG_PTR)HwDeviceExtension, 0))
        return ERROR_INVALID_FUNCTION;
    struct vpspin_device *d = vsp_device_from_ext(HwDeviceExtension);
    if (d == NULL || d->driver->init.HwInterrupt == NULL)
        return ERROR_INVALID_FUNCTION;
    __atomic_store_n(&d->interrupt_disabled, !on, __ATOMIC_RELEASE);
    return NO_ERROR;
}

VP_STATUS VideoPortEnableInterrupt(PVOID HwDeviceExtension)
{
    return vsp_interrupt_enable(VSP_API_VideoPortEnableInterrupt, HwDeviceExtension, true);
}

VP_STATUS VideoPortDisableInterrupt(PVOID HwDeviceExtension)
{
    return vsp_interrupt_enable(VSP_API_VideoPortDisableInterrupt, HwDeviceExtension, false);
}
