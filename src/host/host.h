/*
 * host/host.h - the miniport host: what a loaded driver and a started device are, the
 * contexts the miniport's routines run in, and the host's rules.
 *
 * The video port calls a miniport's routines in contexts that Windows gives each its
 * own IRQL; the host makes each context a thread (or the caller's thread) at that IRQL:
 *
 *   context                      thread                        IRQL
 *   DriverEntry                  vpspin_load_miniport's caller PASSIVE_LEVEL
 *   HwFindAdapter, HwInitialize  vpspin_start_device's caller  PASSIVE_LEVEL
 *   HwStartIO                    vpspin_send_request's caller  PASSIVE_LEVEL, one at a time
 *   HwInterrupt                  the device's interrupt thread the device's IRQL, holding
 *                                                              the interrupt lock
 *   HwVidDpcRoutine              the device's DPC thread       DISPATCH_LEVEL
 *   HwTimer                      the device's timer thread     DISPATCH_LEVEL
 *   synchronize routine, Low     the caller's                  the caller's
 *                        Medium  the caller's                  the device's IRQL, holding
 *                        High    the caller's                  HIGH_LEVEL, the interrupt lock
 *
 * Every call into the miniport goes through a callout (vsp_callout_enter / _leave):
 * it notes the context in this thread's host state, the IRQL and the number of spin
 * locks held on entry, and on return checks that the routine left both as it found
 * them (0xC4/0x40009, 0xC8), then restores the IRQL so the host can go on.
 *
 * Files, lowest first (the callouts and their return checks are check/callout.h's, the
 * contexts and the rules of calls made in them check/context.h's): extension.c (the
 * extension -> device table), request.c (requests to a device's threads, waiting),
 * interrupt.c (interrupts, VideoPortSynchronizeExecution, VideoPortEnable/DisableInterrupt),
 * dpc.c (VideoPortQueueDpc), timer.c (VideoPortStart/StopTimer), registry.c (the device's
 * registry key), errorlog.c (VideoPortLogError), devicelock.c (VideoPortAcquire/
 * ReleaseDeviceLock), procaddress.c (the services by name), device.c (device start and
 * stop, HwStartIO, the leak checks),
 * driver.c (DriverEntry, VideoPortInitialize).
 */
#ifndef VSP_HOST_H
#define VSP_HOST_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <vpspin/vpspin.h>

#include "check/api.h"
#include "check/callout.h"
#include "check/context.h"
#include "check/verify.h"
#include "lock/thread.h"
#include "sched/sched.h"
#include "verifier/track.h"

/* ---- Drivers and devices ----------------------------------------------------------------- */

/* One registry value (host/registry.c): a name of UTF-16 code units, a REG_* type, bytes. */
struct vsp_reg_value {
    struct vsp_reg_value *next;
    WCHAR *name; /* 0-terminated */
    ULONG type;
    ULONG length;
    UCHAR *data;
};

struct vpspin_driver {
    VIDEO_HW_INITIALIZATION_DATA init; /* the members used; the rest zero */
    PVOID hw_context;
    bool initialized; /* VideoPortInitialize succeeded */
    pthread_mutex_t devices_mutex;
    struct vpspin_device *devices;    /* started, under devices_mutex */
    struct vsp_reg_value *registry;   /* preloaded values, under devices_mutex */
};

/* A request waiting for the interrupt or timer thread; on the waiter's stack. */
struct vsp_request {
    struct vsp_request *next;
    BOOLEAN result;
    bool done;
};

struct vsp_request_queue {
    struct vsp_request *head, **tail;
};

/* The hardware behind a device, handed down by a higher layer (src/adapter/) at start:
 * attach is called before HwFindAdapter with the ConfigInfo the port has filled (a status
 * other than NO_ERROR stops the start), connect once HwFindAdapter has succeeded (its
 * interrupt may come from then on, as the port connects it before HwInitialize), detach
 * once the device's threads have stopped. */
struct vsp_device_hw {
    VP_STATUS (*attach)(void *hw, struct vpspin_device *d, PVIDEO_PORT_CONFIG_INFO config);
    void (*connect)(void *hw, struct vpspin_device *d);
    void (*detach)(void *hw, struct vpspin_device *d);
};

#define VSP_HOST_THREADS 3 /* a device's own: interrupt, DPC, timer */

struct vpspin_device {
    struct vpspin_driver *driver;
    struct vpspin_device *next; /* in driver->devices */
    PVOID ext;
    unsigned slot; /* in the registry */
    KIRQL irql;    /* the device's IRQL: HwInterrupt's and VpMediumPriority's */
    KSPIN_LOCK interrupt_lock;
    const struct vsp_device_hw *hw_ops; /* the hardware behind it, or NULL */
    void *hw;

    pthread_mutex_t start_io; /* one HwStartIO at a time */

    pthread_mutex_t m;          /* everything below but the DPC's */
    pthread_cond_t wake[VSP_HOST_THREADS]; /* each of the three waits on its own (VSP_WAKE_*) */
    pthread_cond_t done;        /* waiters for requests */
    bool stop_sources;   /* interrupt and timer threads: exit */

    pthread_t isr_thread;
    struct vsp_request_queue isr_requests;
    uint64_t isr_period_ns; /* 0: no rate; 1: back to back */
    uint64_t isr_next_ns;
    bool isr_raised; /* the device raised its interrupt (vsp_interrupt_raise) */

    /* The DPC has a lock of its own: the interrupt thread that queues it goes on under m
     * (its request's completion, its loop), and a DPC thread woken to a lock that its
     * waker holds again sleeps a second time before it runs (25-33 us p50 on demand). */
    pthread_t dpc_thread;
    pthread_mutex_t dpc_m;    /* the fields below and dpc_done */
    pthread_cond_t dpc_done;  /* the DPC routine returned: vpspin_flush_dpcs waits on it */
    bool stop_dpc;            /* DPC thread: exit once nothing is queued */
    bool dpc_queued, dpc_running; /* dpc_queued, stop_dpc: stored atomically (host/dpc.c) */
    PMINIPORT_DPC_ROUTINE dpc_routine;
    PVOID dpc_context;
    uint64_t dpc_queued_ns; /* when it was queued */

    pthread_t timer_thread;
    bool timer_started;
    uint64_t timer_next_ns;
    struct vsp_request_queue timer_requests;

    bool interrupt_disabled; /* atomic: VideoPortDisableInterrupt */

    pthread_mutex_t registry_mutex;
    struct vsp_reg_value *registry; /* the device's key: a copy of the driver's, then written */
    WCHAR registry_path[80];        /* ConfigInfo->DriverRegistryPath */

    /* Counters (vpspin_device_info), atomic. */
    ULONG_PTR requests, interrupts, claimed, dpcs_queued, dpcs_run, timer_ticks, errors_logged;
};

/* The device's registry key (host/registry.c): copies the driver's values at start; frees
 * a list of values. */
bool vsp_registry_copy(struct vpspin_device *d);
void vsp_registry_free(struct vsp_reg_value *v);

/* The port services by name (host/procaddress.c): ConfigInfo->VideoPortGetProcAddress.
 * A layer above hands down its own with vsp_register_services: a table sorted by name, kept
 * for the life of the process, registered once before any device starts. */
struct vsp_service {
    const char *name;
    uintptr_t address; /* a function's, as an integer: ISO C converts no function pointer to PVOID */
};
#define VSP_SERVICE(name) {#name, (uintptr_t)name}
PVOID vsp_get_proc_address(PVOID HwDeviceExtension, PUCHAR FunctionName);
void vsp_register_services(const struct vsp_service *services, size_t count);

#define VSP_MAX_DEVICES         64u
#define VSP_DEFAULT_DEVICE_IRQL 5

/* The started device whose extension is HwDeviceExtension, or NULL. Lock-free. */
struct vpspin_device *vsp_device_from_ext(PVOID HwDeviceExtension);
/* Device start and stop (host/extension.c): false if all VSP_MAX_DEVICES slots are taken. */
bool vsp_extension_add(struct vpspin_device *d);
void vsp_extension_remove(struct vpspin_device *d);

/* vpspin_start_device with the hardware behind the device (hw and its argument, or NULL). */
VP_STATUS vsp_device_start(struct vpspin_driver *drv, const struct vsp_device_hw *hw, void *hw_arg,
                           struct vpspin_device **out);

/* The device raises its interrupt: HwInterrupt is called on the interrupt thread soon,
 * once for all the raises made before it runs. Never waits. Every interrupt a device
 * model raises comes through here (host/interrupt.c). */
void vsp_interrupt_raise(struct vpspin_device *d);

/* Thread bodies and their wake-ups, all under d->m. */
void *vsp_isr_thread(void *arg);
void *vsp_dpc_thread(void *arg);
void *vsp_timer_thread(void *arg);

uint64_t vsp_host_now_ns(void);
/* The device's threads, as wake-up bits. Each waits on its own condition: one shared by
 * the three made every wake-up wake all of them, and the one it was for often ran last. */
enum { VSP_WAKE_ISR = 1, VSP_WAKE_DPC = 2, VSP_WAKE_TIMER = 4, VSP_WAKE_ALL = 7 };
_Static_assert(VSP_WAKE_ALL == (1u << VSP_HOST_THREADS) - 1, "a wake-up bit per thread");
/* The calling thread (which, one bit) waits until deadline_ns (CLOCK_MONOTONIC; virtual in
 * the controlled mode), or without limit if 0, under its lock (d->dpc_m for the DPC
 * thread, d->m for the others); vsp_host_wake wakes the threads of mask, best after letting
 * their locks go: a thread woken to a lock still held sleeps again until it is free. */
void vsp_host_wait(struct vpspin_device *d, unsigned which, uint64_t deadline_ns);
void vsp_host_wake(struct vpspin_device *d, unsigned mask);

void vsp_request_push(struct vsp_request_queue *q, struct vsp_request *r);
struct vsp_request *vsp_request_pop(struct vsp_request_queue *q);
/* Posts a request to q, wakes server (the thread that takes requests from q; which: its
 * wake-up bit) and waits until it is done with it; returns its result. FALSE at once if
 * called on server itself or holding the interrupt lock. */
BOOLEAN vsp_request_run(struct vpspin_device *d, struct vsp_request_queue *q, pthread_t server,
                        unsigned which);
/* Completes r (result) and wakes its waiter; called under d->m, which it lets go while it
 * wakes (see vsp_host_wake). */
void vsp_request_complete(struct vpspin_device *d, struct vsp_request *r, BOOLEAN result);

/* The port changes a thread's IRQL around the routines it calls: bookkeeping of its own,
 * not a driver's KeRaiseIrql / KeLowerIrql, so no rule applies (the routine's own return
 * was checked already, by vsp_callout_leave). In the controlled mode the change is the
 * scheduling point of kind (a DPC's or an interrupt's delivery, a timer's expiry, ...)
 * for device d, naming the routine about to run (or that ran). */
static inline void vsp_host_set_irql(KIRQL irql, unsigned kind, const struct vpspin_device *d,
                                     const void *routine)
{
    struct vsp_thread *t = vsp_self();
    bool raise = irql > t->irql;
    if (raise) /* before: the raise may have to wait for a processor */
        vsp_sched_point(kind, d, irql, routine);
    t->irql = irql;
    if (vsp_tracking())
        vsp_track_irql(t);
    if (!raise)
        vsp_sched_point(VSP_SP_LOWER, d, irql, routine);
}

/* A host thread names itself (reports and traces name it): "vp-isr-0". */
void vsp_host_name_thread(const char *what, unsigned slot);

static inline void vsp_count(ULONG_PTR *counter)
{
    __atomic_fetch_add(counter, 1, __ATOMIC_RELAXED);
}

#endif
