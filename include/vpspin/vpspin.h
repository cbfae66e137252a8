/*
 * vpspin/vpspin.h - vpspin's own API: version, checking mode, bug check reports,
 * per-lock counters and fault injection. Everything here has the vpspin_ prefix;
 * the WDK API is in video.h and wdm.h.
 */
#ifndef VPSPIN_VPSPIN_H
#define VPSPIN_VPSPIN_H

#include <stdio.h>

#include "video.h"

#ifdef __cplusplus
extern "C" {
#endif

#define VPSPIN_API __attribute__((visibility("default")))

#define VPSPIN_VERSION_MAJOR 0
#define VPSPIN_VERSION_MINOR 1
#define VPSPIN_VERSION_PATCH 0

/* The library's version as "MAJOR.MINOR.PATCH" (of the library loaded, which may be
 * newer than the header a program was built with). */
VPSPIN_API const char *vpspin_version(void);

/* ---- Checking mode -------------------------------------------------------------------
 * Chosen at start-up from the environment variable VPSPIN_VERIFY ("0", "1" or "full";
 * unset means "1"), or set here. Change it only while no thread holds a lock. */
typedef enum vpspin_verify_mode {
    VPSPIN_VERIFY_OFF = 0,     /* no checks: the fastest paths */
    VPSPIN_VERIFY_DEFAULT = 1, /* the O(1) rule checks of vpspin(7) */
    VPSPIN_VERIFY_FULL = 2     /* DEFAULT plus lock order (deadlock prediction), release
                                  order, thread exit, hold-time watchdog; statistics */
} vpspin_verify_mode;

VPSPIN_API vpspin_verify_mode vpspin_get_verify(void);
/* Returns 0, or -1 if Mode is not one of the values above (the mode is unchanged). */
VPSPIN_API int vpspin_set_verify(vpspin_verify_mode Mode);

/* ---- Bug check reports ---------------------------------------------------------------
 * When a check fails, vpspin writes a report to stderr. Its first line is
 *   *** STOP: 0x%08X (0x%016llX,0x%016llX,0x%016llX,0x%016llX)
 * (bug check code, Parameter1..4), followed by the bug check's name, the rule in words,
 * the API called, the lock, the thread, the IRQL and a backtrace. Then vpspin calls the
 * installed handler; with no handler, it calls abort(). */
typedef struct vpspin_bugcheck {
    ULONG BugCheckCode;        /* e.g. 0xC4, DRIVER_VERIFIER_DETECTED_VIOLATION */
    ULONG_PTR Parameter1;      /* for 0xC4: the rule's subcode */
    ULONG_PTR Parameter2;      /* evidence; see vpspin(7) for each subcode */
    ULONG_PTR Parameter3;
    ULONG_PTR Parameter4;
    const char *Name;          /* "DRIVER_VERIFIER_DETECTED_VIOLATION" */
    const char *Rule;          /* the rule in words */
    const char *Api;           /* the function whose call broke it */
    const char *Text;          /* the whole report, as written to stderr */
} vpspin_bugcheck;

/* Called on the reporting thread, one report at a time, after the report is written.
 * If it returns, the offending call returns without effect: the IRQL and the lock stay
 * as they were (an acquire stores or returns the current IRQL as the old one). */
typedef void (*vpspin_bugcheck_handler)(const vpspin_bugcheck *Report, void *Context);

/* Installs Handler (NULL restores the default: abort). Returns the previous handler. */
VPSPIN_API vpspin_bugcheck_handler vpspin_set_bugcheck_handler(vpspin_bugcheck_handler Handler,
                                                              void *Context);

/* How many bug checks this process has reported so far. */
VPSPIN_API ULONG vpspin_bugcheck_count(void);

/* What a report with no handler installed does: abort() (the default), or go on
 * (VPSPIN_REPORT_CONTINUE, also VPSPIN_REPORT=continue): the report is written, the
 * call returns as if a handler had returned, and a report identical in code, Parameter1
 * and Parameter2 to one made before is not written again (only counted; a summary is
 * written at exit). Returns the previous mode. */
typedef enum vpspin_report_mode {
    VPSPIN_REPORT_ABORT = 0,
    VPSPIN_REPORT_CONTINUE = 1
} vpspin_report_mode;

VPSPIN_API vpspin_report_mode vpspin_set_report_mode(vpspin_report_mode Mode);

/* ---- The full checked mode ---------------------------------------------------------------
 * Lock classes: lock-order checking and statistics group locks by class; by default a
 * lock's class is where it was created (the call site of VideoPortCreateSpinLock or
 * KeInitializeSpinLock). This puts the lock at Lock (a PSPIN_LOCK or a PKSPIN_LOCK) in the
 * class called Name (made on first use; Name is copied) - for instance to tell apart
 * locks created at one site that are nested in a fixed order. Returns NO_ERROR,
 * ERROR_INVALID_PARAMETER (NULL or empty), or ERROR_NOT_ENOUGH_MEMORY. */
VPSPIN_API VP_STATUS vpspin_set_lock_class(PVOID Lock, const char *Name);

/* Writes the lock-order graph seen so far (classes and "taken while holding" edges) as
 * Graphviz DOT. Returns 0, or -1 if Stream is NULL or cannot be written. */
VPSPIN_API int vpspin_write_lock_order(FILE *Stream);

/* The watchdog reports DPC_WATCHDOG_VIOLATION (0x133) when a thread stays at
 * DISPATCH_LEVEL or above, or holds a spin lock, longer than this (full mode only;
 * default 10000 ms, or VPSPIN_WATCHDOG_MS; 0 turns it off). Returns the previous value. */
VPSPIN_API ULONG vpspin_set_watchdog(ULONG Milliseconds);

/* ---- Held locks and waiters ---------------------------------------------------------------
 * Writes, for every thread that uses vpspin: its name, thread id and IRQL, the spin locks
 * it holds (each with its variant; in full mode also its class, acquire site and, when
 * the hold was timed, for how long), the lock it waits for (since when, from where, and
 * who holds it) and its stack; then each lock waited for with its holder and waiters,
 * and every cycle of threads waiting for each other: a deadlock (vpspin(7), "The lock
 * dump"). In every checking mode; outside the full mode a bare KSPIN_LOCK is seen only
 * while a thread waits for it. The environment variable VPSPIN_DUMP_SIGNAL (a signal
 * name such as SIGQUIT, or a number) writes the same to stderr when that signal comes,
 * and the watchdog writes it before its report. Call at PASSIVE_LEVEL, not from a signal
 * handler. Returns 0, or -1 if Stream is NULL or the dump could not be written whole. */
VPSPIN_API int vpspin_dump_locks(FILE *Stream);

/* ---- Lock statistics ---------------------------------------------------------------------
 * Kept in full mode, or in any mode once asked for here or by VPSPIN_STATS (which also
 * writes them at exit: "table" or "csv" to stderr, or "table:PATH" / "csv:PATH"). Wait
 * times cover every acquire that waited; hold times are a sample (every acquire that
 * waited and 1 in 8 others per thread; VPSPIN_STATS_SAMPLE=1 times every acquire). */
VPSPIN_API void vpspin_set_lock_stat(BOOLEAN Collect);

typedef struct vpspin_lock_stat {
    const char *Class;          /* the lock's class (valid for the life of the process) */
    ULONGLONG Acquisitions;
    ULONGLONG Contentions;      /* acquires that found the lock held */
    ULONGLONG WaitMinNs, WaitAvgNs, WaitMaxNs;  /* over the contentions */
    ULONGLONG HoldSamples;      /* holds timed */
    ULONGLONG HoldMinNs, HoldAvgNs, HoldMaxNs;  /* over those */
} vpspin_lock_stat;

/* Fills *Stat for the lock at Lock (a PSPIN_LOCK or PKSPIN_LOCK) since statistics began,
 * or since it was last initialised. Returns NO_ERROR, or ERROR_INVALID_PARAMETER if no
 * statistics were kept for it or Stat is NULL. */
VPSPIN_API VP_STATUS vpspin_query_lock_stat(PVOID Lock, vpspin_lock_stat *Stat);

typedef enum vpspin_stat_format {
    VPSPIN_STAT_TABLE = 0, /* per class, then its locks with their contention sites */
    VPSPIN_STAT_CSV = 1    /* one row per class and per lock, with a header row */
} vpspin_stat_format;

/* Writes the statistics of every class and lock that was acquired. Returns 0, or -1. */
VPSPIN_API int vpspin_write_lock_stat(FILE *Stream, vpspin_stat_format Format);

/* ---- Per-lock counters ---------------------------------------------------------------- */
typedef struct vpspin_spin_lock_info {
    ULONG_PTR Acquisitions; /* successful acquires of this VideoPort lock */
    ULONG_PTR Contentions;  /* of which found the lock held and had to wait */
    PVOID HwDeviceExtension;/* as given to VideoPortCreateSpinLock */
    ULONG Serial;           /* 1 for the first lock created in the process, and so on */
} vpspin_spin_lock_info;

/* Fills *Info for a live VideoPort lock. Counters are exact while no thread holds
 * the lock. Returns NO_ERROR, or ERROR_INVALID_PARAMETER for a bad lock or NULL Info. */
VPSPIN_API VP_STATUS vpspin_query_spin_lock(PSPIN_LOCK SpinLock, vpspin_spin_lock_info *Info);

/* ---- Fault injection -------------------------------------------------------------------
 * Lets a test drive a miniport's error paths: after Skip more successful allocations,
 * the next Count allocations fail. Every allocation vpspin makes counts: lock objects
 * (VideoPortCreateSpinLock then returns ERROR_NOT_ENOUGH_MEMORY), the host's drivers,
 * devices and device threads (vpspin_load_miniport then returns STATUS_NO_MEMORY,
 * vpspin_start_device ERROR_NOT_ENOUGH_MEMORY), report and statistics buffers, and the
 * full checked mode's bookkeeping (which then says so once on stderr and checks less).
 * vpspin_fail_allocations(0, 0) turns injection off. */
VPSPIN_API void vpspin_fail_allocations(ULONG Skip, ULONG Count);

/* ---- The controlled scheduler -----------------------------------------------------------
 * Runs every thread that uses vpspin one at a time, switching only at vpspin's scheduling
 * points (spin lock acquire and release, IRQL changes, Interlocked operations, DPC queueing
 * and delivery, interrupts, timers, the host's waits, thread start, exit and join, every
 * KEVENT and KTIMER operation and wait, KDPC queueing, removal, flush and delivery, KTIMER
 * setting, cancelling and expiry, KeDelayExecutionThread, and vpspin_sched_yield; timeouts
 * and the Ke clocks run on virtual time), with Strategy choosing each switch: "random",
 * "pct" or "pct:D" (depth D, 1..16), "pb:B" (one schedule of a bounded search;
 * vpspin-explore(1) runs the search) or "replay:FILE" (a schedule file that vpspin-explore
 * wrote). Seed seeds the
 * strategy; Cpus is the number of virtual processors (1..64; 0: 2): at most that many
 * threads are at DISPATCH_LEVEL or above at once. The same as VPSPIN_SCHED, VPSPIN_SEED and
 * VPSPIN_SCHED_CPUS. Call it once, on the thread that is to be thread 0, before any other
 * thread uses vpspin; it cannot be turned off. Returns 0, or -1 (with a message on
 * stderr) for a bad argument or if the mode is already on. vpspin_set_sched(3). */
VPSPIN_API int vpspin_set_sched(const char *Strategy, ULONGLONG Seed, ULONG Cpus);

/* A scheduling point, for hand-written loops that wait for a flag another thread sets:
 * in the controlled mode another thread may run. Otherwise it does nothing. */
VPSPIN_API VOID vpspin_sched_yield(VOID);

/* ---- The miniport host ---------------------------------------------------------------
 * Runs a video miniport the way the video port does: its DriverEntry, then per device
 * HwFindAdapter and HwInitialize at PASSIVE_LEVEL; HwStartIO at PASSIVE_LEVEL, one
 * request at a time; HwInterrupt at the device's IRQL holding the device's interrupt
 * lock, on the device's interrupt thread; DPCs (VideoPortQueueDpc) and HwTimer at
 * DISPATCH_LEVEL on its DPC and timer threads. The checked mode checks what each routine
 * leaves behind (vpspin(7), "The host"). Call these functions at PASSIVE_LEVEL, from
 * threads of the program, not from the miniport's routines. */
typedef struct vpspin_driver vpspin_driver; /* a loaded miniport */
typedef struct vpspin_device vpspin_device; /* one started adapter of it */

/* A miniport's DriverEntry: it calls VideoPortInitialize(Argument1, Argument2, ...). */
typedef ULONG (*vpspin_driver_entry)(PVOID Argument1, PVOID Argument2);

/* Calls DriverEntry(Argument1, NULL) on this thread at PASSIVE_LEVEL, Argument1 naming
 * the new driver. Returns what DriverEntry returned, and stores the driver in *Driver;
 * STATUS_INVALID_PARAMETER if DriverEntry returned STATUS_SUCCESS without a successful
 * VideoPortInitialize, or if DriverEntry or Driver is NULL; STATUS_NO_MEMORY if the
 * driver cannot be allocated. On failure *Driver is NULL. */
VPSPIN_API ULONG vpspin_load_miniport(vpspin_driver_entry DriverEntry, vpspin_driver **Driver);

/* Stops the driver's devices still started (vpspin_stop_device) and frees it. */
VPSPIN_API VOID vpspin_unload_miniport(vpspin_driver *Driver);

/* Starts one adapter: allocates the zeroed device extension (HwDeviceExtensionSize
 * bytes), starts the device's interrupt, DPC and timer threads, then calls HwFindAdapter
 * (with the HwContext given to VideoPortInitialize) and HwInitialize, at PASSIVE_LEVEL.
 * Returns NO_ERROR and stores the device in *Device; otherwise what HwFindAdapter
 * returned, ERROR_DEV_NOT_EXIST if HwInitialize returned FALSE, ERROR_NOT_ENOUGH_MEMORY,
 * or ERROR_INVALID_PARAMETER (NULL argument, or 64 devices already started); then the
 * device is stopped again and *Device is NULL. */
VPSPIN_API VP_STATUS vpspin_start_device(vpspin_driver *Driver, vpspin_device **Device);

/* Stops the timer, stops the interrupts (waiting for a running HwInterrupt), runs the
 * DPC still queued and waits for it, then looks for VideoPort spin locks created for
 * this device's extension and never deleted: each is reported on stderr (when checking)
 * and deleted (unless held). Frees the device and its extension. Returns the number of
 * such locks. No request may be in progress, and none sent after. */
VPSPIN_API ULONG vpspin_stop_device(vpspin_device *Device);

/* The device's HwDeviceExtension. */
VPSPIN_API PVOID vpspin_device_extension(vpspin_device *Device);

/* Sends one request: builds the VIDEO_REQUEST_PACKET and its STATUS_BLOCK and calls
 * HwStartIO on this thread at PASSIVE_LEVEL, after any request in progress on another
 * thread has finished. Returns StatusBlock->Status and stores StatusBlock->Information in
 * *Information (if not NULL); ERROR_INVALID_FUNCTION if HwStartIO returned FALSE;
 * ERROR_INVALID_PARAMETER if the caller is not at PASSIVE_LEVEL. */
VPSPIN_API VP_STATUS vpspin_send_request(vpspin_device *Device, ULONG IoControlCode,
                                         PVOID InputBuffer, ULONG InputBufferLength,
                                         PVOID OutputBuffer, ULONG OutputBufferLength,
                                         ULONG_PTR *Information);

/* Raises one interrupt and waits until the interrupt thread has called HwInterrupt for
 * it. Returns what HwInterrupt returned (TRUE: the device interrupted); FALSE if the
 * miniport has no HwInterrupt, or (raising nothing) if called from HwInterrupt or a
 * Medium or High synchronize routine, which would wait for itself. */
VPSPIN_API BOOLEAN vpspin_interrupt(vpspin_device *Device);

/* Raises interrupts PerSecond times a second from now on, without waiting for them;
 * 0 stops, VPSPIN_INTERRUPT_RATE_MAX (or any rate of 10^9 or more) raises them back to
 * back. Nothing if the miniport has no HwInterrupt. */
#define VPSPIN_INTERRUPT_RATE_MAX 0xFFFFFFFFu
VPSPIN_API VOID vpspin_set_interrupt_rate(vpspin_device *Device, ULONG PerSecond);

/* If the timer is started (VideoPortStartTimer), calls HwTimer once now, on the timer
 * thread, waits for it and returns TRUE; otherwise (or if called from HwTimer, HwInterrupt
 * or a Medium or High synchronize routine) returns FALSE. */
VPSPIN_API BOOLEAN vpspin_fire_timer(vpspin_device *Device);

/* Waits until the device's DPC is neither queued nor running. From a DPC routine it
 * returns at once (it would wait for itself). */
VPSPIN_API VOID vpspin_flush_dpcs(vpspin_device *Device);

typedef struct vpspin_device_info {
    ULONG_PTR Requests;          /* HwStartIO calls */
    ULONG_PTR Interrupts;        /* HwInterrupt calls */
    ULONG_PTR InterruptsClaimed; /* of which returned TRUE */
    ULONG_PTR DpcsQueued;        /* VideoPortQueueDpc calls that returned TRUE */
    ULONG_PTR DpcsRun;           /* DPC routines called */
    ULONG_PTR TimerTicks;        /* HwTimer calls */
    KIRQL DeviceIrql;            /* the IRQL HwInterrupt runs at */
    BOOLEAN InterruptEnabled;    /* VideoPortEnable/DisableInterrupt; TRUE at start */
    ULONG_PTR PoolAllocations;   /* VideoPortAllocatePool/AllocateBuffer blocks not yet freed */
    ULONG_PTR PoolBytes;         /* their bytes */
    ULONG_PTR EventsLive;        /* VideoPortCreateEvent events not yet deleted */
    ULONG_PTR ErrorsLogged;      /* VideoPortLogError calls */
} vpspin_device_info;

/* Fills *Info. Returns NO_ERROR, or ERROR_INVALID_PARAMETER if an argument is NULL. */
VPSPIN_API VP_STATUS vpspin_query_device(vpspin_device *Device, vpspin_device_info *Info);

/* ---- The registry the host gives each device ---------------------------------------------
 * VideoPortGetRegistryParameters and VideoPortSetRegistryParameters read and write the
 * device's registry key. It is in memory: each device starts with a copy of the values set
 * for its driver here (before vpspin_start_device), and what the miniport writes stays in
 * its device's copy. ValueName is matched case-insensitively, as Windows does; Type is a
 * REG_* of wdm.h (REG_DWORD, REG_SZ ...); Data is the value's bytes exactly as the miniport
 * will see them (a REG_SZ is UTF-16 with its terminating 0). */

/* Adds or replaces a value for the driver's devices started from now on. Returns NO_ERROR;
 * ERROR_INVALID_PARAMETER (NULL Driver or ValueName, empty or non-ASCII ValueName, Data NULL
 * with Length nonzero); ERROR_NOT_ENOUGH_MEMORY. */
VPSPIN_API VP_STATUS vpspin_set_registry_value(vpspin_driver *Driver, const char *ValueName,
                                               ULONG Type, const void *Data, ULONG Length);

/* Reads a value of a started device's key (what the miniport wrote, or the preloaded one).
 * *Length is the size of Data on entry and the value's size on return; Type and Data may be
 * NULL. Returns NO_ERROR; ERROR_MORE_DATA if Data is too small (only *Length and *Type are
 * set); ERROR_FILE_NOT_FOUND if there is no such value; ERROR_INVALID_PARAMETER. */
VPSPIN_API VP_STATUS vpspin_query_registry_value(vpspin_device *Device, const char *ValueName,
                                                 ULONG *Type, void *Data, ULONG *Length);

#ifdef __cplusplus
}
#endif

#endif /* VPSPIN_VPSPIN_H */
