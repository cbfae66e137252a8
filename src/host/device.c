/*
 * host/device.c - starting and stopping a device, and sending it requests.
 *
 * Start (vpspin_start_device), as the video port's start of a device: allocate the
 * device extension zeroed, start the device's three threads (interrupt, DPC, timer:
 * idle until asked for), then call HwFindAdapter and HwInitialize at PASSIVE_LEVEL on the
 * caller's thread. The device's IRQL is ConfigInfo->BusInterruptLevel when HwFindAdapter
 * sets it to a device level (3..11), else 5.
 *
 * Requests (vpspin_send_request): HwStartIO runs on the sender's thread at PASSIVE_LEVEL
 * under the device's start_io mutex, so one at a time, as the port serializes them. That
 * mutex is the device lock of VideoPortAcquireDeviceLock (host/devicelock.c).
 *
 * Stop (vpspin_stop_device): the sources of work stop first (timer and interrupt threads,
 * each finishing the call it is in), then the DPC thread runs what is still queued and
 * exits; then the leak check: live VideoPort spin locks created for this extension are
 * reported (when checking) and deleted, unless held; pool and events never freed are
 * reported and freed; Ke timers and DPCs inside the extension are cancelled.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/alloc.h"
#include "check/bugcheck.h"
#include "host/host.h"
#include "lock/thread.h"
#include "check/verify.h"
#include "ke/objects.h"
#include "ke/pool.h"
#include "videoport/vplock.h"

/* ---- Start ----------------------------------------------------------------------------- */

/* The DPC thread runs the DPC still queued, and exits. */
static void vsp_device_dpc_stop(struct vpspin_device *d)
{
    pthread_mutex_lock(&d->dpc_m);
    __atomic_store_n(&d->stop_dpc, true, __ATOMIC_RELAXED); /* a spinning thread looks */
    pthread_mutex_unlock(&d->dpc_m);
    vsp_host_wake(d, VSP_WAKE_DPC);
    vsp_sched_join(d->dpc_thread, NULL);
}

/* The device's threads are controlled threads in the controlled mode (sched/sched.h), and
 * name themselves (vsp_host_name_thread). */
static bool vsp_device_threads_start(struct vpspin_device *d)
{
    if (vsp_sched_create(&d->isr_thread, vsp_isr_thread, d) != 0)
        return false;
    if (vsp_sched_create(&d->dpc_thread, vsp_dpc_thread, d) != 0) {
        pthread_mutex_lock(&d->m);
        d->stop_sources = true;
        pthread_mutex_unlock(&d->m);
        vsp_host_wake(d, VSP_WAKE_ISR);
        vsp_sched_join(d->isr_thread, NULL);
        return false;
    }
    if (vsp_sched_create(&d->timer_thread, vsp_timer_thread, d) != 0) {
        pthread_mutex_lock(&d->m);
        d->stop_sources = true;
        pthread_mutex_unlock(&d->m);
        vsp_host_wake(d, VSP_WAKE_ISR);
        vsp_sched_join(d->isr_thread, NULL);
        vsp_device_dpc_stop(d);
        return false;
    }
    return true;
}

static void vsp_device_free(struct vpspin_device *d)
{
    vsp_registry_free(d->registry);
    pthread_mutex_destroy(&d->registry_mutex);
    pthread_mutex_destroy(&d->start_io);
    pthread_mutex_destroy(&d->m);
    pthread_mutex_destroy(&d->dpc_m);
    pthread_cond_destroy(&d->dpc_done);
    for (unsigned i = 0; i < VSP_HOST_THREADS; i++)
        pthread_cond_destroy(&d->wake[i]);
    pthread_cond_destroy(&d->done);
    free(d->ext);
    free(d);
}

static struct vpspin_device *vsp_device_new(struct vpspin_driver *drv)
{
    struct vpspin_device *d = vsp_alloc(sizeof *d);
    if (d == NULL)
        return NULL;
    /* Never a zero-size extension: its address identifies the device. */
    ULONG size = drv->init.HwDeviceExtensionSize ? drv->init.HwDeviceExtensionSize : 1;
    d->ext = vsp_alloc(size);
    if (d->ext == NULL) {
        free(d);
        return NULL;
    }
    d->driver = drv;
    d->irql = VSP_DEFAULT_DEVICE_IRQL;
    /* One lock class for every device's interrupt lock (its order against the
     * miniport's locks is checked in full mode). */
    KeInitializeSpinLock(&d->interrupt_lock);
    if (vsp_tracking())
        vpspin_set_lock_class(&d->interrupt_lock, "interrupt lock (vpspin host)");
    pthread_mutex_init(&d->start_io, NULL);
    pthread_mutex_init(&d->registry_mutex, NULL);
    pthread_mutex_init(&d->m, NULL);
    pthread_mutex_init(&d->dpc_m, NULL);
    pthread_cond_init(&d->dpc_done, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    for (unsigned i = 0; i < VSP_HOST_THREADS; i++)
        pthread_cond_init(&d->wake[i], &attr);
    pthread_condattr_destroy(&attr);
    pthread_cond_init(&d->done, NULL);
    return d;
}

static void vsp_driver_link(struct vpspin_device *d, bool add)
{
    struct vpspin_driver *drv = d->driver;
    pthread_mutex_lock(&drv->devices_mutex);
    struct vpspin_device **p = &drv->devices;
    if (add) {
        d->next = *p;
        *p = d;
    } else { /* a device is linked from its start to its stop */
        while (*p != d)
            p = &(*p)->next;
        *p = d->next;
    }
    pthread_mutex_unlock(&drv->devices_mutex);
}

VP_STATUS vsp_device_start(struct vpspin_driver *Driver, const struct vsp_device_hw *hw,
                           void *hw_arg, struct vpspin_device **Device)
{
    if (Device == NULL)
        return ERROR_INVALID_PARAMETER;
    *Device = NULL;
    if (Driver == NULL || !Driver->initialized)
        return ERROR_INVALID_PARAMETER;
    vsp_sched_enter(__builtin_return_address(0));
    struct vpspin_device *d = vsp_device_new(Driver);
    if (d == NULL)
        return ERROR_NOT_ENOUGH_MEMORY;
    if (!vsp_registry_copy(d)) {
        vsp_device_free(d);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    if (!vsp_extension_add(d)) {
        vsp_device_free(d);
        return ERROR_INVALID_PARAMETER;
    }
    if (!vsp_device_threads_start(d)) {
        vsp_extension_remove(d);
        vsp_device_free(d);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    vsp_driver_link(d, true);

    VIDEO_PORT_CONFIG_INFO config;
    memset(&config, 0, sizeof config);
    config.Length = sizeof config;
    config.AdapterInterfaceType = PCIBus;
    config.InterruptMode = LevelSensitive;
    config.VideoPortGetProcAddress = vsp_get_proc_address;
    /* The device's key, as the port names it to the miniport (the host's registry is in
     * memory: the name is for show, and for miniports that print it). */
    char path[sizeof d->registry_path / sizeof(WCHAR)];
    snprintf(path, sizeof path,
             "\\REGISTRY\\MACHINE\\System\\CurrentControlSet\\Services\\vpspin\\Device%u", d->slot);
    size_t i = 0;
    do
        d->registry_path[i] = (WCHAR)(unsigned char)path[i];
    while (path[i++] != '\0');
    config.DriverRegistryPath = d->registry_path;
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    if (pages > 0 && page > 0)
        config.SystemMemorySize = (ULONGLONG)pages * (ULONGLONG)page;
    UCHAR again = FALSE;
    if (hw != NULL) {
        VP_STATUS attached = hw->attach(hw_arg, d, &config);
        if (attached != NO_ERROR) {
            vpspin_stop_device(d);
            return attached;
        }
        d->hw_ops = hw;
        d->hw = hw_arg;
    }

    struct vsp_callout c;
    vsp_callout_enter(&c, VSP_CTX_FIND_ADAPTER, (ULONG_PTR)Driver->init.HwFindAdapter, d->ext);
    VP_STATUS status =
        Driver->init.HwFindAdapter(d->ext, Driver->hw_context, NULL, &config, &again);
    vsp_callout_leave(&c);
    if (config.BusInterruptLevel > DISPATCH_LEVEL && config.BusInterruptLevel < SYNCH_LEVEL)
        d->irql = (KIRQL)config.BusInterruptLevel;

    if (status == NO_ERROR) {
        if (d->hw_ops != NULL)
            d->hw_ops->connect(d->hw, d);
        vsp_callout_enter(&c, VSP_CTX_INITIALIZE, (ULONG_PTR)Driver->init.HwInitialize, d->ext);
        BOOLEAN ok = Driver->init.HwInitialize(d->ext);
        vsp_callout_leave(&c);
        if (!ok)
            status = ERROR_DEV_NOT_EXIST;
    }
    if (status != NO_ERROR) {
        vpspin_stop_device(d);
        return status;
    }
    *Device = d;
    return NO_ERROR;
}

VP_STATUS vpspin_start_device(vpspin_driver *Driver, vpspin_device **Device)
{
    return vsp_device_start(Driver, NULL, NULL, Device);
}

/* ---- Requests ------------------------------------------------------------------------- */

VP_STATUS vpspin_send_request(vpspin_device *Device, ULONG IoControlCode, PVOID InputBuffer,
                              ULONG InputBufferLength, PVOID OutputBuffer, ULONG OutputBufferLength,
                              ULONG_PTR *Information)
{
    if (Device == NULL || vsp_self()->irql != PASSIVE_LEVEL)
        return ERROR_INVALID_PARAMETER;
    STATUS_BLOCK status;
    memset(&status, 0, sizeof status);
    status.Status = NO_ERROR;
    VIDEO_REQUEST_PACKET packet = {
        .IoControlCode = IoControlCode,
        .StatusBlock = &status,
        .InputBuffer = InputBuffer,
        .InputBufferLength = InputBufferLength,
        .OutputBuffer = OutputBuffer,
        .OutputBufferLength = OutputBufferLength,
    };
    PVIDEO_HW_START_IO start_io = Device->driver->init.HwStartIO;

    vsp_sched_mutex_lock(&Device->start_io);
    struct vsp_callout c;
    vsp_callout_enter(&c, VSP_CTX_START_IO, (ULONG_PTR)start_io, Device->ext);
    BOOLEAN handled = start_io(Device->ext, &packet);
    vsp_callout_leave(&c);
    vsp_count(&Device->requests);
    vsp_sched_mutex_unlock(&Device->start_io);

    if (!handled)
        return ERROR_INVALID_FUNCTION;
    if (Information != NULL)
        *Information = status.Information;
    return status.Status;
}

PVOID vpspin_device_extension(vpspin_device *Device) { return Device != NULL ? Device->ext : NULL; }

VP_STATUS vpspin_query_device(vpspin_device *Device, vpspin_device_info *Out)
{
    if (Device == NULL || Out == NULL)
        return ERROR_INVALID_PARAMETER;
    Out->Requests = __atomic_load_n(&Device->requests, __ATOMIC_RELAXED);
    Out->Interrupts = __atomic_load_n(&Device->interrupts, __ATOMIC_RELAXED);
    Out->InterruptsClaimed = __atomic_load_n(&Device->claimed, __ATOMIC_RELAXED);
    Out->DpcsQueued = __atomic_load_n(&Device->dpcs_queued, __ATOMIC_RELAXED);
    Out->DpcsRun = __atomic_load_n(&Device->dpcs_run, __ATOMIC_RELAXED);
    Out->TimerTicks = __atomic_load_n(&Device->timer_ticks, __ATOMIC_RELAXED);
    Out->DeviceIrql = Device->irql;
    Out->InterruptEnabled = !__atomic_load_n(&Device->interrupt_disabled, __ATOMIC_RELAXED);
    size_t pool_bytes, buffer_bytes;
    Out->PoolAllocations = vsp_pool_count(Device->ext, VSP_POOL_DRIVER, &pool_bytes) +
                           vsp_pool_count(Device->ext, VSP_POOL_BUFFER, &buffer_bytes);
    Out->PoolBytes = pool_bytes + buffer_bytes;
    Out->EventsLive = vsp_pool_count(Device->ext, VSP_POOL_EVENT, NULL);
    Out->ErrorsLogged = __atomic_load_n(&Device->errors_logged, __ATOMIC_RELAXED);
    return NO_ERROR;
}

/* ---- Stop ------------------------------------------------------------------------------ */

/* Reports and deletes the spin locks created for d's extension and never deleted; returns
 * how many there were. Out of memory for the list, only the first 16 are deleted. */
static ULONG vsp_device_leaks(struct vpspin_device *d)
{
    PSPIN_LOCK few[16];
    size_t total = vsp_vplock_find(d->ext, few, 16), n = total;
    if (total == 0)
        return 0;
    PSPIN_LOCK *locks = few;
    if (total > 16 && (locks = vsp_alloc(total * sizeof *locks)) != NULL)
        n = vsp_vplock_find(d->ext, locks, total); /* total again: nothing creates one now */
    if (locks == NULL) {
        locks = few;
        n = 16;
    }
    bool report = vsp_checking();
    if (report)
        fprintf(stderr,
                "vpspin: device stopped with %zu spin lock%s its miniport created and never "
                "deleted (HwDeviceExtension %p):\n",
                total, total == 1 ? "" : "s", d->ext);
    for (size_t i = 0; i < n; i++) {
        char creator[256];
        bool held = __atomic_load_n(&locks[i]->Lock, __ATOMIC_RELAXED) != 0;
        vsp_format_code_address(creator, sizeof creator, locks[i]->Creator);
        if (report)
            fprintf(stderr, "  VideoPort spin lock #%lu at %p, created by %s: %s\n",
                    (unsigned long)locks[i]->Serial, (void *)locks[i], creator,
                    held ? "held, left as it is" : "deleted now");
        if (!held)
            vsp_vplock_free(locks[i]);
    }
    if (report && n < total)
        fprintf(stderr, "  and %zu more, left as they are (out of memory to list them)\n",
                total - n);
    if (locks != few)
        free(locks);
    return (ULONG)total;
}

/* Reports and frees the pool and events the device's miniport never freed, and takes the
 * Ke timers and DPCs that are still set or queued out of the extension that is about to be
 * freed (they would otherwise fire into freed memory). */
static void vsp_device_memory_leaks(struct vpspin_device *d)
{
    char line[160];
    snprintf(line, sizeof line,
             "vpspin: device stopped with pool its miniport allocated and never freed "
             "(HwDeviceExtension %p):\n", d->ext);
    vsp_pool_release(d->ext, vsp_checking(), line);
    size_t size = d->driver->init.HwDeviceExtensionSize;
    size_t objects = vsp_timers_cancel_within(d->ext, size) + vsp_dpcs_remove_within(d->ext, size);
    if (objects != 0 && vsp_checking())
        fprintf(stderr,
                "vpspin: device stopped with %zu KTIMER/KDPC of its extension still set or "
                "queued (HwDeviceExtension %p): cancelled\n",
                objects, d->ext);
}

ULONG vpspin_stop_device(vpspin_device *Device)
{
    struct vpspin_device *d = Device;
    if (d == NULL)
        return 0;
    vsp_sched_enter(__builtin_return_address(0));
    /* (Its threads run: a start that could not start them never calls this.) The timer
     * and the interrupts first: they are what queues DPCs. */
    pthread_mutex_lock(&d->m);
    d->stop_sources = true;
    d->timer_started = false;
    d->isr_period_ns = 0;
    pthread_mutex_unlock(&d->m);
    vsp_host_wake(d, VSP_WAKE_ISR | VSP_WAKE_TIMER);
    vsp_sched_join(d->timer_thread, NULL);
    vsp_sched_join(d->isr_thread, NULL);
    vsp_device_dpc_stop(d);
    if (d->hw_ops != NULL)
        d->hw_ops->detach(d->hw, d); /* nothing of the miniport's runs any more */
    ULONG leaks = vsp_device_leaks(d);
    vsp_device_memory_leaks(d);
    vsp_driver_link(d, false);
    vsp_extension_remove(d);
    vsp_device_free(d);
    return leaks;
}
