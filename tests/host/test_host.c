/*
 * test_host.c - the miniport host: loading, device start and stop, each context's thread
 * and IRQL, the DPC queue (one at a time and back to back), VideoPortSynchronizeExecution against the ISR, the timer, the
 * leak check at stop, and the host's four rules (each fires with its code and parameters,
 * and correct code stays silent).
 *
 * The miniport under test ("tm") is written in this file against video.h. Each routine
 * records what it saw (IRQL both ways, thread, argument) in its context's struct seen,
 * then does the action the test put in the device extension (tm_ext.act[context]): break
 * a rule, or undo a broken one. The test writes those before the host call that runs the
 * routine and reads what was seen after it returns: vpspin_send_request, vpspin_interrupt,
 * vpspin_fire_timer and vpspin_flush_dpcs all wait for the routine, through the host's
 * mutexes, so no sleep and no extra synchronization is needed. Reports are caught by a
 * recording handler; the default behaviour (abort with the STOP line on stderr) is
 * checked in fork()ed children, each forked while this process has no device started.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <vpspin/vpspin.h>

#include "check.h"

#define DEVICE_IRQL 7

static pid_t gettid_(void) { return (pid_t)syscall(SYS_gettid); }

/* ---- The miniport under test --------------------------------------------------------- */

enum ctx { C_FIND, C_INIT, C_STARTIO, C_ISR, C_DPC, C_TIMER, C_LOW, C_MEDIUM, C_HIGH, C_COUNT };

/* What a routine does after recording what it saw. */
enum action {
    A_NONE,
    A_RAISE_DISPATCH,     /* return at DISPATCH_LEVEL */
    A_RAISE_DEVICE,       /* return at DEVICE_IRQL */
    A_LOWER_DISPATCH,     /* return at DISPATCH_LEVEL (from above) */
    A_LOWER_PASSIVE,      /* return at PASSIVE_LEVEL */
    A_HOLD_VP,            /* VideoPortAcquireSpinLock(lock), not released */
    A_UNHOLD_VP,          /* raise to DISPATCH, VideoPortReleaseSpinLock(lock, PASSIVE) */
    A_HOLD_VP_DPC,        /* VideoPortAcquireSpinLockAtDpcLevel(lock), not released */
    A_UNHOLD_VP_DPC,      /* VideoPortReleaseSpinLockFromDpcLevel(lock) */
    A_HOLD_KE_DPC,        /* KeAcquireSpinLockAtDpcLevel(kelock), not released */
    A_UNHOLD_KE_DPC,      /* KeReleaseSpinLockFromDpcLevel(kelock) */
    A_DELETE,             /* VideoPortDeleteSpinLock(victim) -> status */
    A_QUEUE_DPC,          /* VideoPortQueueDpc(tm_dpc, &dpc_arg) -> queued */
    A_REQUEUE,            /* the same while requeue > 0 (counted down) */
    A_STOP_TIMER,         /* VideoPortStopTimer */
    A_CHECK_AB,           /* ISR: count a violation if A != B */
    A_BREAK_AB,           /* synchronize routine: A++, wait a little, B++ */
    A_BREAK_AB_INTERRUPT, /* Low routine: A++, have an interrupt delivered, B++ */
    A_POST,               /* sem_post(tick) */
    A_SERIAL,             /* HwStartIO: count overlapping calls (inside != 1), yielding inside */
    A_SELF_WAIT,          /* ask the host for what would wait for this very call */
};

struct seen {
    int calls;
    KIRQL irql, vp_irql; /* KeGetCurrentIrql, VideoPortGetCurrentIrql at entry */
    pid_t tid;
    PVOID arg;
};

typedef struct _TM_EXT {
    struct seen seen[C_COUNT];
    enum action act[C_COUNT];
    PSPIN_LOCK lock;   /* created in HwFindAdapter */
    PSPIN_LOCK victim; /* for A_DELETE */
    VP_STATUS delete_status;
    BOOLEAN queued;
    ULONG requeue;
    KSPIN_LOCK kelock;
    ULONG a, b;             /* the ISR's invariant: a == b, under the interrupt lock */
    ULONG ab_violations;    /* ISR */
    ULONG inside, overlaps; /* A_SERIAL: HwStartIO's, one call at a time */
    int self_wait;          /* A_SELF_WAIT: what the host call returned, 2 once done */
    BOOLEAN isr_result;
    ULONG extra_locks;           /* created in HwFindAdapter, never deleted (the leak test) */
    vpspin_device *device;       /* for A_BREAK_AB_INTERRUPT */
    sem_t *dpc_started, *dpc_go; /* for the blocking DPC */
    sem_t *tick;                 /* A_POST */
    double posted_at[4];         /* A_POST: when, on the routine's thread (now_s) */
    unsigned posts;
    PSPIN_LOCK leaked[20];       /* the locks cfg.extra_locks made */
    UCHAR zero_check[4000];      /* must be zero when HwFindAdapter runs */
} TM_EXT;

static struct {
    VP_STATUS find_status;
    BOOLEAN init_result;
    ULONG interrupt_level;
    PVOID hw_context_seen;
    ULONG config_length;
    BOOLEAN ext_was_zero;
    ULONG extra_locks;
    ULONG init_size; /* 0: sizeof */
    BOOLEAN no_start_io, skip_initialize_call;
    BOOLEAN no_find_adapter, no_initialize;
    enum action entry_act, find_act, init_act; /* DriverEntry, HwFindAdapter, HwInitialize */
    /* DriverEntry's misuse of the host, and what the host answered */
    BOOLEAN start_in_entry, init_without_data, init_other_argument;
    VP_STATUS start_in_entry_status;
    ULONG init_misuse_status;
} cfg;

static int dpc_arg, hw_context_token;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static VOID tm_do(TM_EXT *ext, enum action a)
{
    KIRQL old;
    UCHAR vold;
    switch (a) {
    case A_NONE:
        break;
    case A_RAISE_DISPATCH:
        KeRaiseIrql(DISPATCH_LEVEL, &old);
        break;
    case A_RAISE_DEVICE:
        KeRaiseIrql(DEVICE_IRQL, &old);
        break;
    case A_LOWER_DISPATCH:
        KeLowerIrql(DISPATCH_LEVEL);
        break;
    case A_LOWER_PASSIVE:
        KeLowerIrql(PASSIVE_LEVEL);
        break;
    case A_HOLD_VP:
        VideoPortAcquireSpinLock(ext, ext->lock, &vold);
        break;
    case A_UNHOLD_VP:
        KeRaiseIrql(DISPATCH_LEVEL, &old);
        VideoPortReleaseSpinLock(ext, ext->lock, PASSIVE_LEVEL);
        break;
    case A_HOLD_VP_DPC:
        VideoPortAcquireSpinLockAtDpcLevel(ext, ext->lock);
        break;
    case A_UNHOLD_VP_DPC:
        VideoPortReleaseSpinLockFromDpcLevel(ext, ext->lock);
        break;
    case A_HOLD_KE_DPC:
        KeAcquireSpinLockAtDpcLevel(&ext->kelock);
        break;
    case A_UNHOLD_KE_DPC:
        KeReleaseSpinLockFromDpcLevel(&ext->kelock);
        break;
    case A_DELETE:
        ext->delete_status = VideoPortDeleteSpinLock(ext, ext->victim);
        break;
    case A_QUEUE_DPC: /* tm_act */
    case A_REQUEUE:
        break;
    case A_STOP_TIMER:
        VideoPortStopTimer(ext);
        break;
    case A_CHECK_AB:
        if (ext->a != ext->b)
            ext->ab_violations++;
        break;
    case A_BREAK_AB:
        ext->a++;
        VideoPortStallExecution(2);
        ext->b++;
        break;
    case A_BREAK_AB_INTERRUPT:
        ext->a++;
        vpspin_interrupt(ext->device);
        ext->b++;
        break;
    case A_POST:
        ext->posted_at[ext->posts++ % 4] = now_s();
        sem_post(ext->tick);
        break;
    case A_SELF_WAIT: /* tm_act */
        break;
    case A_SERIAL:
        if (++ext->inside != 1)
            ext->overlaps++;
        sched_yield();
        ext->inside--;
        break;
    }
}

static void tm_seen(TM_EXT *ext, enum ctx c, PVOID arg)
{
    struct seen *s = &ext->seen[c];
    s->calls++;
    s->irql = KeGetCurrentIrql();
    s->vp_irql = VideoPortGetCurrentIrql();
    s->tid = gettid_();
    s->arg = arg;
}

static VOID tm_dpc(PVOID HwDeviceExtension, PVOID Context);

static VOID tm_act(TM_EXT *ext, enum ctx c)
{
    if (ext->act[c] == A_SELF_WAIT) {
        if (c == C_DPC) {
            vpspin_flush_dpcs(ext->device);
            ext->self_wait = 2;
        } else if (c == C_TIMER) {
            ext->self_wait = vpspin_fire_timer(ext->device);
        } else {
            ext->self_wait = vpspin_interrupt(ext->device);
        }
        return;
    }
    if (ext->act[c] == A_QUEUE_DPC || (ext->act[c] == A_REQUEUE && ext->requeue > 0)) {
        if (ext->act[c] == A_REQUEUE)
            ext->requeue--;
        ext->queued = VideoPortQueueDpc(ext, tm_dpc, &dpc_arg);
    } else
        tm_do(ext, ext->act[c]);
}

static VOID tm_dpc(PVOID HwDeviceExtension, PVOID Context)
{
    TM_EXT *ext = HwDeviceExtension;
    tm_seen(ext, C_DPC, Context);
    tm_act(ext, C_DPC);
}

/* A DPC that waits, to keep the DPC "running" while the test queues another. */
static VOID tm_dpc_blocking(PVOID HwDeviceExtension, PVOID Context)
{
    TM_EXT *ext = HwDeviceExtension;
    (void)Context;
    sem_post(ext->dpc_started);
    while (sem_wait(ext->dpc_go) != 0 && errno == EINTR)
        ;
}

static int other_dpc_runs; /* tm_dpc_other: written on the DPC thread, read after a flush */
static VOID tm_dpc_other(PVOID HwDeviceExtension, PVOID Context)
{
    (void)HwDeviceExtension;
    (void)Context;
    other_dpc_runs++;
}

static BOOLEAN tm_interrupt(PVOID HwDeviceExtension)
{
    TM_EXT *ext = HwDeviceExtension;
    tm_seen(ext, C_ISR, HwDeviceExtension);
    tm_act(ext, C_ISR);
    return ext->isr_result;
}

static VOID tm_timer(PVOID HwDeviceExtension)
{
    TM_EXT *ext = HwDeviceExtension;
    tm_seen(ext, C_TIMER, HwDeviceExtension);
    tm_act(ext, C_TIMER);
}

struct sync_arg {
    TM_EXT *ext;
    enum ctx c;
};

static BOOLEAN tm_sync(PVOID Context)
{
    struct sync_arg *s = Context;
    tm_seen(s->ext, s->c, Context);
    tm_act(s->ext, s->c);
    return TRUE;
}

static BOOLEAN tm_start_io(PVOID HwDeviceExtension, PVIDEO_REQUEST_PACKET Packet)
{
    TM_EXT *ext = HwDeviceExtension;
    tm_seen(ext, C_STARTIO, Packet);
    tm_act(ext, C_STARTIO);
    if (Packet->IoControlCode == 0xBAD)
        return FALSE;
    Packet->StatusBlock->Status = (VP_STATUS)Packet->IoControlCode;
    Packet->StatusBlock->Information = Packet->InputBufferLength + Packet->OutputBufferLength;
    return TRUE;
}

static VP_STATUS tm_find_adapter(PVOID HwDeviceExtension, PVOID HwContext, PWSTR Arguments,
                                 PVIDEO_PORT_CONFIG_INFO ConfigInfo, PUCHAR Again)
{
    TM_EXT *ext = HwDeviceExtension;
    (void)Arguments;
    cfg.ext_was_zero = TRUE;
    for (size_t i = 0; i < sizeof *ext; i++)
        if (((const UCHAR *)ext)[i] != 0)
            cfg.ext_was_zero = FALSE;
    tm_seen(ext, C_FIND, HwContext);
    cfg.hw_context_seen = HwContext;
    cfg.config_length = ConfigInfo->Length;
    ConfigInfo->BusInterruptLevel = cfg.interrupt_level;
    *Again = FALSE;
    if (VideoPortCreateSpinLock(ext, &ext->lock) != NO_ERROR)
        return ERROR_NOT_ENOUGH_MEMORY;
    for (ULONG i = 0; i < cfg.extra_locks && i < 20; i++)
        VideoPortCreateSpinLock(ext, &ext->leaked[i]);
    ext->isr_result = TRUE;
    KeInitializeSpinLock(&ext->kelock);
    if (cfg.find_status != NO_ERROR) /* a failing HwFindAdapter cleans up */
        VideoPortDeleteSpinLock(ext, ext->lock);
    tm_do(ext, cfg.find_act);
    return cfg.find_status;
}

static BOOLEAN tm_initialize(PVOID HwDeviceExtension)
{
    TM_EXT *ext = HwDeviceExtension;
    tm_seen(ext, C_INIT, HwDeviceExtension);
    tm_do(ext, cfg.init_act);
    return cfg.init_result;
}

/* Exported (the test is linked with -rdynamic): reports name it. */
ULONG tm_driver_entry(PVOID Argument1, PVOID Argument2);
ULONG tm_driver_entry(PVOID Argument1, PVOID Argument2)
{
    VIDEO_HW_INITIALIZATION_DATA init;
    memset(&init, 0, sizeof init);
    init.HwInitDataSize = cfg.init_size ? cfg.init_size : sizeof init;
    init.HwFindAdapter = tm_find_adapter;
    init.HwInitialize = tm_initialize;
    init.HwInterrupt = tm_interrupt;
    init.HwStartIO = cfg.no_start_io ? NULL : tm_start_io;
    init.HwTimer = tm_timer;
    init.HwDeviceExtensionSize = sizeof(TM_EXT);
    if (cfg.no_find_adapter)
        init.HwFindAdapter = NULL;
    if (cfg.no_initialize)
        init.HwInitialize = NULL;
    tm_do(NULL, cfg.entry_act);
    if (cfg.start_in_entry) { /* a driver not initialized yet */
        vpspin_device *device = (vpspin_device *)&device;
        cfg.start_in_entry_status = vpspin_start_device(Argument1, &device);
        if (device != NULL)
            cfg.start_in_entry_status = 0xDEAD;
    }
    if (cfg.init_without_data)
        cfg.init_misuse_status = VideoPortInitialize(Argument1, Argument2, NULL, NULL);
    if (cfg.init_other_argument)
        cfg.init_misuse_status = VideoPortInitialize(&init, Argument2, &init, NULL);
    if (cfg.skip_initialize_call)
        return STATUS_SUCCESS;
    return VideoPortInitialize(Argument1, Argument2, &init, &hw_context_token);
}

static void cfg_default(void)
{
    memset(&cfg, 0, sizeof cfg);
    cfg.find_status = NO_ERROR;
    cfg.init_result = TRUE;
    cfg.interrupt_level = DEVICE_IRQL;
}

/* Loads the test miniport and starts one device. */
static vpspin_device *tm_start(vpspin_driver **driver)
{
    vpspin_device *device = NULL;
    CHECK_EQ((NTSTATUS)vpspin_load_miniport(tm_driver_entry, driver), STATUS_SUCCESS);
    if (*driver == NULL)
        exit(check_done());
    CHECK_EQ(vpspin_start_device(*driver, &device), NO_ERROR);
    if (device == NULL)
        exit(check_done());
    ((TM_EXT *)vpspin_device_extension(device))->device = device;
    return device;
}

/* The test miniport deletes its lock when asked (HwStartIO), as a miniport must before
 * its device stops. */
static void tm_delete_lock(vpspin_device *device)
{
    TM_EXT *ext = vpspin_device_extension(device);
    ext->victim = ext->lock;
    ext->act[C_STARTIO] = A_DELETE;
    vpspin_send_request(device, 1, NULL, 0, NULL, 0, NULL);
    ext->act[C_STARTIO] = A_NONE;
    CHECK_EQ(ext->delete_status, NO_ERROR);
}

static void tm_stop(vpspin_driver *driver, vpspin_device *device)
{
    tm_delete_lock(device);
    CHECK_EQ(vpspin_stop_device(device), 0);
    vpspin_unload_miniport(driver);
}

static BOOLEAN sync_call(TM_EXT *ext, VIDEO_SYNCHRONIZE_PRIORITY p, enum ctx c)
{
    struct sync_arg arg = {ext, c};
    return VideoPortSynchronizeExecution(ext, p, tm_sync, &arg);
}

/* ---- Reports ------------------------------------------------------------------------- */

static struct {
    int calls; /* atomic */
    vpspin_bugcheck r;
    char name[64], api[64], first_line[160], rule[320];
} got;

static void recording_handler(const vpspin_bugcheck *report, void *context)
{
    (void)context;
    got.r = *report;
    snprintf(got.name, sizeof got.name, "%s", report->Name);
    snprintf(got.api, sizeof got.api, "%s", report->Api);
    snprintf(got.rule, sizeof got.rule, "%s", report->Rule);
    size_t n = strcspn(report->Text, "\n");
    snprintf(got.first_line, sizeof got.first_line, "%.*s", (int)n, report->Text);
    got.r.Name = got.name;
    got.r.Api = got.api;
    got.r.Text = got.first_line;
    __atomic_add_fetch(&got.calls, 1, __ATOMIC_SEQ_CST);
}

static int reports(void) { return __atomic_load_n(&got.calls, __ATOMIC_SEQ_CST); }

/* Checks that exactly one report was made since *before, and that it is this one. */
static void expect_report(int *before, const char *what, ULONG code, ULONG_PTR p1, ULONG_PTR p2,
                          ULONG_PTR p3, ULONG_PTR p4, const char *api)
{
    char stop[160];
    int n = reports() - *before;
    *before = reports();
    if (n != 1) {
        fprintf(stderr, "%s: %d reports, want 1\n", what, n);
        CHECK_EQ(n, 1);
        return;
    }
    CHECK_EQ(got.r.BugCheckCode, code);
    CHECK_EQ(got.r.Parameter1, p1);
    CHECK_EQ(got.r.Parameter2, p2);
    CHECK_EQ(got.r.Parameter3, p3);
    CHECK_EQ(got.r.Parameter4, p4);
    CHECK(strcmp(got.api, api) == 0);
    CHECK(strcmp(got.name, code == 0xC8 ? "IRQL_UNEXPECTED_VALUE"
                                        : "DRIVER_VERIFIER_DETECTED_VIOLATION") == 0);
    snprintf(stop, sizeof stop, "*** STOP: 0x%08X (0x%016llX,0x%016llX,0x%016llX,0x%016llX)",
             (unsigned)code, (unsigned long long)p1, (unsigned long long)p2, (unsigned long long)p3,
             (unsigned long long)p4);
    if (strcmp(got.first_line, stop) != 0) {
        fprintf(stderr, "%s:\n  got  %s\n  want %s\n", what, got.first_line, stop);
        CHECK(0);
    }
}

static void expect_silence(int *before, const char *what)
{
    int n = reports() - *before;
    *before = reports();
    if (n != 0)
        fprintf(stderr, "%s: %d unexpected reports (last P1 0x%lx)\n", what, n,
                (unsigned long)got.r.Parameter1);
    CHECK_EQ(n, 0);
}

/* Runs fn while stderr goes to a temporary file; returns what was written (static). */
static const char *capture_stderr(void (*fn)(void *), void *arg)
{
    static char buf[65536];
    char path[] = "/tmp/vpspin-test-host-XXXXXX";
    int fd = mkstemp(path), saved = dup(2);
    unlink(path);
    fflush(stderr);
    dup2(fd, 2);
    fn(arg);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    lseek(fd, 0, SEEK_SET);
    ssize_t n = read(fd, buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = '\0';
    close(fd);
    return buf;
}

/* ---- Tests --------------------------------------------------------------------------- */

static ULONG init_data_nt4_size(void)
{
    return (ULONG)(offsetof(VIDEO_HW_INITIALIZATION_DATA, HwTimer) + sizeof(PVOID));
}

static void test_load(void)
{
    vpspin_driver *driver = (vpspin_driver *)&driver;
    VIDEO_HW_INITIALIZATION_DATA init;

    cfg_default();
    CHECK_EQ((NTSTATUS)vpspin_load_miniport(tm_driver_entry, &driver), STATUS_SUCCESS);
    CHECK(driver != NULL);
    CHECK_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);
    vpspin_unload_miniport(driver);

    cfg.init_size = init_data_nt4_size(); /* the NT 4 layout, up to HwTimer */
    CHECK_EQ((NTSTATUS)vpspin_load_miniport(tm_driver_entry, &driver), STATUS_SUCCESS);
    vpspin_unload_miniport(driver);

    cfg.init_size = init_data_nt4_size() - 1;
    CHECK_EQ((NTSTATUS)vpspin_load_miniport(tm_driver_entry, &driver), STATUS_REVISION_MISMATCH);
    CHECK(driver == NULL);
    cfg.init_size = sizeof init + 8;
    CHECK_EQ((NTSTATUS)vpspin_load_miniport(tm_driver_entry, &driver), STATUS_REVISION_MISMATCH);
    cfg_default();
    cfg.no_start_io = TRUE;
    CHECK_EQ((NTSTATUS)vpspin_load_miniport(tm_driver_entry, &driver), STATUS_INVALID_PARAMETER);
    CHECK(driver == NULL);
    cfg_default();
    cfg.skip_initialize_call = TRUE; /* DriverEntry "succeeds" without VideoPortInitialize */
    CHECK_EQ((NTSTATUS)vpspin_load_miniport(tm_driver_entry, &driver), STATUS_INVALID_PARAMETER);
    CHECK(driver == NULL);
    cfg_default();

    /* Outside a DriverEntry, VideoPortInitialize refuses any Argument1. */
    memset(&init, 0, sizeof init);
    init.HwInitDataSize = sizeof init;
    init.HwFindAdapter = tm_find_adapter;
    init.HwInitialize = tm_initialize;
    init.HwStartIO = tm_start_io;
    CHECK_EQ((NTSTATUS)VideoPortInitialize(&init, NULL, &init, NULL), STATUS_INVALID_PARAMETER);
    CHECK_EQ(vpspin_start_device(NULL, NULL), ERROR_INVALID_PARAMETER);
}

static void test_start(void)
{
    vpspin_driver *driver;
    vpspin_device *device = (vpspin_device *)&device;
    vpspin_device_info info;

    cfg_default();
    CHECK_EQ((NTSTATUS)vpspin_load_miniport(tm_driver_entry, &driver), STATUS_SUCCESS);
    CHECK_EQ(vpspin_start_device(driver, &device), NO_ERROR);
    TM_EXT *ext = vpspin_device_extension(device);
    CHECK(cfg.ext_was_zero);
    CHECK(cfg.hw_context_seen == &hw_context_token);
    CHECK_EQ(cfg.config_length, sizeof(VIDEO_PORT_CONFIG_INFO));
    CHECK_EQ(ext->seen[C_FIND].calls, 1);
    CHECK_EQ(ext->seen[C_INIT].calls, 1);
    for (enum ctx c = C_FIND; c <= C_INIT; c++) {
        CHECK_EQ(ext->seen[c].irql, PASSIVE_LEVEL);
        CHECK_EQ(ext->seen[c].vp_irql, PASSIVE_LEVEL);
        CHECK_EQ(ext->seen[c].tid, gettid_());
    }
    CHECK_EQ(vpspin_query_device(device, &info), NO_ERROR);
    CHECK_EQ(info.DeviceIrql, DEVICE_IRQL);
    CHECK_EQ(info.Requests + info.Interrupts + info.DpcsQueued + info.TimerTicks, 0);
    tm_delete_lock(device);
    CHECK_EQ(vpspin_stop_device(device), 0);

    /* A BusInterruptLevel that is not a device IRQL gives the default, 5. */
    cfg.interrupt_level = 0;
    CHECK_EQ(vpspin_start_device(driver, &device), NO_ERROR);
    vpspin_query_device(device, &info);
    CHECK_EQ(info.DeviceIrql, 5);
    tm_delete_lock(device);
    CHECK_EQ(vpspin_stop_device(device), 0);

    /* HwFindAdapter's failure is the start's; HwInitialize's FALSE is ERROR_DEV_NOT_EXIST.
     * Either way the device is stopped again (its lock deleted, and counted). */
    cfg_default();
    cfg.find_status = ERROR_NOT_ENOUGH_MEMORY;
    CHECK_EQ(vpspin_start_device(driver, &device), ERROR_NOT_ENOUGH_MEMORY);
    CHECK(device == NULL);
    cfg_default();
    cfg.init_result = FALSE;
    CHECK_EQ(vpspin_start_device(driver, &device), ERROR_DEV_NOT_EXIST);
    CHECK(device == NULL);
    cfg_default();
    vpspin_unload_miniport(driver);
}

static void test_contexts(void)
{
    vpspin_driver *driver;
    vpspin_device *device;
    vpspin_device_info info;
    ULONG_PTR information = 0;
    char in[3], out[5];
    pid_t me = gettid_();

    cfg_default();
    device = tm_start(&driver);
    TM_EXT *ext = vpspin_device_extension(device);

    /* HwStartIO: this thread, PASSIVE_LEVEL, the packet as sent; the status block back. */
    CHECK_EQ(vpspin_send_request(device, 1234, in, sizeof in, out, sizeof out, &information), 1234);
    CHECK_EQ(information, sizeof in + sizeof out);
    CHECK_EQ(ext->seen[C_STARTIO].irql, PASSIVE_LEVEL);
    CHECK_EQ(ext->seen[C_STARTIO].vp_irql, PASSIVE_LEVEL);
    CHECK_EQ(ext->seen[C_STARTIO].tid, me);
    CHECK_EQ(vpspin_send_request(device, 0xBAD, NULL, 0, NULL, 0, NULL), ERROR_INVALID_FUNCTION);
    KIRQL old;
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    CHECK_EQ(vpspin_send_request(device, 1, NULL, 0, NULL, 0, NULL), ERROR_INVALID_PARAMETER);
    KeLowerIrql(old);
    CHECK_EQ(ext->seen[C_STARTIO].calls, 2);

    /* HwInterrupt: the interrupt thread, the device's IRQL; its result is returned. It
     * queues the DPC: the DPC thread, DISPATCH_LEVEL, with the Context given. */
    ext->act[C_ISR] = A_QUEUE_DPC;
    CHECK_EQ(vpspin_interrupt(device), TRUE);
    CHECK(ext->queued);
    vpspin_flush_dpcs(device);
    CHECK_EQ(ext->seen[C_ISR].calls, 1);
    CHECK_EQ(ext->seen[C_ISR].irql, DEVICE_IRQL);
    CHECK_EQ(ext->seen[C_ISR].vp_irql, DEVICE_IRQL);
    CHECK(ext->seen[C_ISR].tid != me);
    CHECK_EQ(ext->seen[C_DPC].calls, 1);
    CHECK_EQ(ext->seen[C_DPC].irql, DISPATCH_LEVEL);
    CHECK_EQ(ext->seen[C_DPC].vp_irql, DISPATCH_LEVEL);
    CHECK(ext->seen[C_DPC].arg == &dpc_arg);
    CHECK(ext->seen[C_DPC].tid != me && ext->seen[C_DPC].tid != ext->seen[C_ISR].tid);
    ext->act[C_ISR] = A_NONE;
    ext->isr_result = FALSE;
    CHECK_EQ(vpspin_interrupt(device), FALSE);
    ext->isr_result = TRUE;

    /* HwTimer: the timer thread, DISPATCH_LEVEL. */
    VideoPortStartTimer(ext);
    CHECK_EQ(vpspin_fire_timer(device), TRUE);
    CHECK_EQ(ext->seen[C_TIMER].irql, DISPATCH_LEVEL);
    CHECK_EQ(ext->seen[C_TIMER].vp_irql, DISPATCH_LEVEL);
    CHECK(ext->seen[C_TIMER].tid != me && ext->seen[C_TIMER].tid != ext->seen[C_ISR].tid &&
          ext->seen[C_TIMER].tid != ext->seen[C_DPC].tid);
    VideoPortStopTimer(ext);

    /* Synchronize routines: this thread; Low at the caller's IRQL, Medium at the device's,
     * High at HIGH_LEVEL; the IRQL is restored. */
    CHECK_EQ(sync_call(ext, VpLowPriority, C_LOW), TRUE);
    CHECK_EQ(ext->seen[C_LOW].irql, PASSIVE_LEVEL);
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    CHECK_EQ(sync_call(ext, VpLowPriority, C_LOW), TRUE);
    CHECK_EQ(ext->seen[C_LOW].irql, DISPATCH_LEVEL);
    CHECK_EQ(sync_call(ext, VpMediumPriority, C_MEDIUM), TRUE);
    CHECK_EQ(ext->seen[C_MEDIUM].irql, DEVICE_IRQL);
    CHECK_EQ(KeGetCurrentIrql(), DISPATCH_LEVEL);
    KeLowerIrql(old);
    CHECK_EQ(sync_call(ext, VpMediumPriority, C_MEDIUM), TRUE);
    CHECK_EQ(ext->seen[C_MEDIUM].irql, DEVICE_IRQL);
    CHECK_EQ(ext->seen[C_MEDIUM].vp_irql, DEVICE_IRQL);
    CHECK_EQ(sync_call(ext, VpHighPriority, C_HIGH), TRUE);
    CHECK_EQ(ext->seen[C_HIGH].irql, HIGH_LEVEL);
    CHECK_EQ(ext->seen[C_HIGH].vp_irql, HIGH_LEVEL);
    for (enum ctx c = C_LOW; c <= C_HIGH; c++)
        CHECK_EQ(ext->seen[c].tid, me);
    CHECK_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);
    struct sync_arg arg = {ext, C_LOW};
    CHECK_EQ(VideoPortSynchronizeExecution(ext, (VIDEO_SYNCHRONIZE_PRIORITY)3, tm_sync, &arg),
             FALSE);
    CHECK_EQ(VideoPortSynchronizeExecution(&arg, VpLowPriority, tm_sync, &arg), FALSE);
    CHECK_EQ(ext->seen[C_LOW].calls, 2);

    CHECK_EQ(vpspin_query_device(device, &info), NO_ERROR);
    CHECK_EQ(info.Requests, 2);
    CHECK_EQ(info.Interrupts, 2);
    CHECK_EQ(info.InterruptsClaimed, 1);
    CHECK_EQ(info.DpcsQueued, 1);
    CHECK_EQ(info.DpcsRun, 1);
    CHECK_EQ(info.TimerTicks, 1);
    tm_stop(driver, device);
}

static void *sender_main(void *arg)
{
    for (int i = 0; i < 300; i++)
        vpspin_send_request(arg, 1, NULL, 0, NULL, 0, NULL);
    return NULL;
}

/* What would wait for the very routine that asks for it returns at once instead. */
static void test_self_wait(void)
{
    vpspin_driver *driver;
    vpspin_device *device;
    vpspin_device_info before, after;
    KIRQL old;

    cfg_default();
    device = tm_start(&driver);
    TM_EXT *ext = vpspin_device_extension(device);
    vpspin_query_device(device, &before);
    ext->act[C_ISR] = ext->act[C_DPC] = ext->act[C_TIMER] = A_SELF_WAIT;
    ext->act[C_MEDIUM] = ext->act[C_HIGH] = A_SELF_WAIT;
    ext->self_wait = -1;
    CHECK_EQ(vpspin_interrupt(device), TRUE); /* its vpspin_interrupt: FALSE */
    CHECK_EQ(ext->self_wait, FALSE);
    ext->self_wait = -1;
    sync_call(ext, VpMediumPriority, C_MEDIUM);
    CHECK_EQ(ext->self_wait, FALSE);
    ext->self_wait = -1;
    sync_call(ext, VpHighPriority, C_HIGH);
    CHECK_EQ(ext->self_wait, FALSE);
    ext->self_wait = -1;
    VideoPortStartTimer(ext);
    CHECK_EQ(vpspin_fire_timer(device), TRUE); /* its vpspin_fire_timer: FALSE */
    VideoPortStopTimer(ext);
    vpspin_fire_timer(device);
    CHECK_EQ(ext->self_wait, FALSE);
    ext->self_wait = -1;
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    VideoPortQueueDpc(ext, tm_dpc, &dpc_arg);
    KeLowerIrql(old);
    vpspin_flush_dpcs(device);
    CHECK_EQ(ext->self_wait, 2); /* its vpspin_flush_dpcs returned */
    vpspin_query_device(device, &after);
    CHECK_EQ(after.Interrupts - before.Interrupts, 1);
    memset(ext->act, 0, sizeof ext->act);
    tm_stop(driver, device);
}

/* Requests from many threads reach HwStartIO one at a time. */
static void test_start_io_serialized(void)
{
    vpspin_driver *driver;
    vpspin_device *device;
    pthread_t senders[4];

    cfg_default();
    device = tm_start(&driver);
    TM_EXT *ext = vpspin_device_extension(device);
    ext->act[C_STARTIO] = A_SERIAL;
    for (int i = 0; i < 4; i++)
        CHECK_EQ(pthread_create(&senders[i], NULL, sender_main, device), 0);
    for (int i = 0; i < 4; i++)
        pthread_join(senders[i], NULL);
    ext->act[C_STARTIO] = A_NONE;
    CHECK_EQ(ext->seen[C_STARTIO].calls, 4 * 300);
    CHECK_EQ(ext->overlaps, 0);
    tm_stop(driver, device);
}

static void test_dpc_queue(void)
{
    vpspin_driver *driver;
    vpspin_device *device;
    vpspin_device_info before, after;
    sem_t started, go;
    KIRQL old;

    cfg_default();
    device = tm_start(&driver);
    TM_EXT *ext = vpspin_device_extension(device);
    sem_init(&started, 0, 0);
    sem_init(&go, 0, 0);
    ext->dpc_started = &started;
    ext->dpc_go = &go;
    other_dpc_runs = 0;
    vpspin_query_device(device, &before);

    /* A DPC is running (held in its routine); queue it again: TRUE; once more: FALSE,
     * and that call's routine never runs. */
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    CHECK_EQ(VideoPortQueueDpc(ext, tm_dpc_blocking, NULL), TRUE);
    KeLowerIrql(old);
    while (sem_wait(&started) != 0 && errno == EINTR)
        ;
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    CHECK_EQ(VideoPortQueueDpc(ext, tm_dpc, &dpc_arg), TRUE);
    CHECK_EQ(VideoPortQueueDpc(ext, tm_dpc_other, NULL), FALSE);
    CHECK_EQ(VideoPortQueueDpc(&old, tm_dpc_other, NULL), FALSE); /* not a device */
    KeLowerIrql(old);
    sem_post(&go);
    vpspin_flush_dpcs(device);
    CHECK_EQ(ext->seen[C_DPC].calls, 1);
    CHECK_EQ(other_dpc_runs, 0);
    vpspin_query_device(device, &after);
    CHECK_EQ(after.DpcsQueued - before.DpcsQueued, 2);
    CHECK_EQ(after.DpcsRun - before.DpcsRun, 2);

    /* A DPC routine may queue its DPC again: it runs once more. */
    ext->act[C_DPC] = A_REQUEUE;
    ext->requeue = 1;
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    CHECK_EQ(VideoPortQueueDpc(ext, tm_dpc, &dpc_arg), TRUE);
    KeLowerIrql(old);
    vpspin_flush_dpcs(device);
    CHECK_EQ(ext->seen[C_DPC].calls, 3);
    CHECK(ext->queued);
    ext->act[C_DPC] = A_NONE;

    /* Stopping the device runs a DPC still queued. */
    tm_delete_lock(device);
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    CHECK_EQ(VideoPortQueueDpc(ext, tm_dpc_blocking, NULL), TRUE);
    KeLowerIrql(old);
    while (sem_wait(&started) != 0 && errno == EINTR)
        ;
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    CHECK_EQ(VideoPortQueueDpc(ext, tm_dpc_other, NULL), TRUE);
    KeLowerIrql(old);
    sem_post(&go);
    CHECK_EQ(vpspin_stop_device(device), 0);
    vpspin_unload_miniport(driver);
    CHECK_EQ(other_dpc_runs, 1);
    sem_destroy(&started);
    sem_destroy(&go);
}

/* DPCs queued back to back: the DPC thread watches for the next one instead of sleeping
 * (host/dpc.c). None may be lost or run twice, a flush must see the last one, and a stop
 * made while the thread watches must still run what is queued and end. */
static void test_dpc_stream(void)
{
    vpspin_driver *driver;
    vpspin_device *device;
    KIRQL old;

    cfg_default();
    device = tm_start(&driver);
    TM_EXT *ext = vpspin_device_extension(device);
    for (int round = 0; round < 2; round++) {
        other_dpc_runs = 0;
        int queued = 0;
        KeRaiseIrql(DISPATCH_LEVEL, &old);
        for (int i = 0; i < 20000; i++)
            queued += VideoPortQueueDpc(ext, tm_dpc_other, NULL) == TRUE;
        KeLowerIrql(old);
        CHECK(queued > 0);
        if (round == 1) { /* stop at once: the DPC thread may be watching for more */
            tm_delete_lock(device);
            CHECK_EQ(vpspin_stop_device(device), 0);
            vpspin_unload_miniport(driver);
        } else {
            vpspin_flush_dpcs(device);
        }
        CHECK_EQ(other_dpc_runs, queued);
    }
}

static void test_sync_excludes_isr(void)
{
    vpspin_driver *driver;
    vpspin_device *device;
    vpspin_device_info before, after;

    cfg_default();
    device = tm_start(&driver);
    TM_EXT *ext = vpspin_device_extension(device);
    ext->act[C_ISR] = A_CHECK_AB;

    /* The control: a Low routine is not synchronized with the ISR. An interrupt
     * delivered in the middle of it sees the invariant broken. */
    ext->act[C_LOW] = A_BREAK_AB_INTERRUPT;
    CHECK_EQ(sync_call(ext, VpLowPriority, C_LOW), TRUE);
    CHECK_EQ(ext->ab_violations, 1);
    ext->ab_violations = 0;

    /* Medium and High routines break it for a while too, with interrupts coming back to
     * back on the interrupt thread: the ISR never sees it broken. */
    ext->act[C_MEDIUM] = ext->act[C_HIGH] = A_BREAK_AB;
    vpspin_query_device(device, &before);
    vpspin_set_interrupt_rate(device, VPSPIN_INTERRUPT_RATE_MAX);
    /* At least 3000 rounds, and until 1000 interrupts came meanwhile (so they did). */
    ULONG rounds = 0;
    vpspin_device_info now = before;
    while (rounds < 3000 || now.Interrupts - before.Interrupts < 1000) {
        sync_call(ext, VpMediumPriority, C_MEDIUM);
        sync_call(ext, VpHighPriority, C_HIGH);
        rounds++;
        vpspin_query_device(device, &now);
    }
    vpspin_set_interrupt_rate(device, 0);
    vpspin_interrupt(device); /* after the last interrupt of the rate */
    vpspin_query_device(device, &after);
    CHECK(after.Interrupts - before.Interrupts > 1000);
    CHECK_EQ(ext->ab_violations, 0);
    CHECK_EQ(ext->a, ext->b);
    CHECK_EQ(ext->a, 1 + 2 * rounds);
    tm_stop(driver, device);
}

static bool wait_tick(sem_t *tick)
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 10;
    int r;
    while ((r = sem_timedwait(tick, &deadline)) != 0 && errno == EINTR)
        ;
    return r == 0;
}

static void test_timer(void)
{
    vpspin_driver *driver;
    vpspin_device *device;
    sem_t tick;

    cfg_default();
    device = tm_start(&driver);
    TM_EXT *ext = vpspin_device_extension(device);
    sem_init(&tick, 0, 0);
    ext->tick = &tick;

    /* Not started: no call. Started (twice is once): a call on demand. Stopped: none. */
    CHECK_EQ(vpspin_fire_timer(device), FALSE);
    CHECK_EQ(ext->seen[C_TIMER].calls, 0);
    VideoPortStartTimer(ext);
    VideoPortStartTimer(ext);
    CHECK_EQ(vpspin_fire_timer(device), TRUE);
    CHECK_EQ(ext->seen[C_TIMER].calls, 1);
    VideoPortStopTimer(ext);
    CHECK_EQ(vpspin_fire_timer(device), FALSE);
    CHECK_EQ(ext->seen[C_TIMER].calls, 1);

    /* Started, it ticks about once a second by itself. */
    /* (Timed where HwTimer runs: when this thread wakes up after a tick may be late.) */
    ext->act[C_TIMER] = A_POST;
    ext->posts = 0;
    double t0 = now_s();
    VideoPortStartTimer(ext);
    CHECK(wait_tick(&tick));
    CHECK(wait_tick(&tick));
    double t1 = ext->posted_at[0], t2 = ext->posted_at[1];
    VideoPortStopTimer(ext);
    CHECK_EQ(vpspin_fire_timer(device), FALSE); /* and a tick in flight is over */
    CHECK(t1 - t0 >= 0.9);
    CHECK(t2 - t1 >= 0.9);
    CHECK_EQ(ext->seen[C_TIMER].calls, 3);
    CHECK_EQ(ext->seen[C_TIMER].irql, DISPATCH_LEVEL);

    /* HwTimer may stop its own timer. */
    ext->act[C_TIMER] = A_STOP_TIMER;
    VideoPortStartTimer(ext);
    CHECK_EQ(vpspin_fire_timer(device), TRUE);
    CHECK_EQ(vpspin_fire_timer(device), FALSE);

    /* Stopping the device stops a started timer. */
    ext->act[C_TIMER] = A_NONE;
    VideoPortStartTimer(ext);
    tm_stop(driver, device);
    sem_destroy(&tick);
}

struct stop_args {
    vpspin_device *device;
    ULONG leaked;
};

static void stop_device(void *arg)
{
    struct stop_args *a = arg;
    a->leaked = vpspin_stop_device(a->device);
}

static void test_leaks(void)
{
    vpspin_driver *driver;
    struct stop_args stop;
    vpspin_spin_lock_info info;

    /* Two locks never deleted: reported, deleted, counted. The one deleted is not. */
    cfg_default();
    cfg.extra_locks = 2;
    stop.device = tm_start(&driver);
    TM_EXT *ext = vpspin_device_extension(stop.device);
    PSPIN_LOCK leaked0 = ext->leaked[0], leaked1 = ext->leaked[1];
    CHECK_EQ(vpspin_query_spin_lock(leaked0, &info), NO_ERROR);
    tm_delete_lock(stop.device);
    const char *err = capture_stderr(stop_device, &stop);
    CHECK_EQ(stop.leaked, 2);
    CHECK(strstr(err, "device stopped with 2 spin locks its miniport created and never deleted") !=
          NULL);
    const char *first = strstr(err, "deleted now");
    CHECK(first != NULL && strstr(first + 1, "deleted now") != NULL);
    CHECK(strstr(err, "created by tm_find_adapter") != NULL || strstr(err, "created by ") != NULL);
    CHECK_EQ(vpspin_query_spin_lock(leaked0, &info), ERROR_INVALID_PARAMETER);
    CHECK_EQ(vpspin_query_spin_lock(leaked1, &info), ERROR_INVALID_PARAMETER);

    /* None leaked: nothing said. */
    cfg_default();
    CHECK_EQ(vpspin_start_device(driver, &stop.device), NO_ERROR);
    tm_delete_lock(stop.device);
    err = capture_stderr(stop_device, &stop);
    CHECK_EQ(stop.leaked, 0);
    CHECK_EQ(strlen(err), 0);

    /* Checking off: still counted and deleted, not reported. */
    vpspin_verify_mode mode = vpspin_get_verify();
    vpspin_set_verify(VPSPIN_VERIFY_OFF);
    cfg.extra_locks = 1;
    CHECK_EQ(vpspin_start_device(driver, &stop.device), NO_ERROR);
    tm_delete_lock(stop.device);
    err = capture_stderr(stop_device, &stop);
    CHECK_EQ(stop.leaked, 1);
    CHECK_EQ(strlen(err), 0);
    vpspin_set_verify(mode);

    /* More than the 16 the stop lists without allocating; one of them held by this
     * thread: left as it is, still counted. */
    cfg.extra_locks = 20;
    CHECK_EQ(vpspin_start_device(driver, &stop.device), NO_ERROR);
    ext = vpspin_device_extension(stop.device);
    PSPIN_LOCK leaked[20];
    memcpy(leaked, ext->leaked, sizeof leaked);
    tm_delete_lock(stop.device);
    UCHAR old;
    VideoPortAcquireSpinLock(NULL, leaked[19], &old);
    err = capture_stderr(stop_device, &stop);
    CHECK_EQ(stop.leaked, 20);
    CHECK(strstr(err, "device stopped with 20 spin locks") != NULL);
    CHECK(strstr(err, "held, left as it is") != NULL);
    for (int i = 0; i < 19; i++)
        CHECK_EQ(vpspin_query_spin_lock(leaked[i], &info), ERROR_INVALID_PARAMETER);
    VideoPortReleaseSpinLock(NULL, leaked[19], old);
    CHECK_EQ(VideoPortDeleteSpinLock(NULL, leaked[19]), NO_ERROR); /* it was left */

    /* Out of memory for the list of 20: the first 16 deleted, all 20 counted, the rest
     * said to be left. */
    CHECK_EQ(vpspin_start_device(driver, &stop.device), NO_ERROR);
    ext = vpspin_device_extension(stop.device);
    memcpy(leaked, ext->leaked, sizeof leaked);
    tm_delete_lock(stop.device);
    vpspin_fail_allocations(0, 1);
    err = capture_stderr(stop_device, &stop);
    vpspin_fail_allocations(0, 0);
    CHECK_EQ(stop.leaked, 20);
    CHECK(strstr(err, "and 4 more, left as they are (out of memory to list them)") != NULL);
    int left = 0;
    for (int i = 0; i < 20; i++)
        if (vpspin_query_spin_lock(leaked[i], &info) == NO_ERROR) {
            CHECK_EQ(VideoPortDeleteSpinLock(NULL, leaked[i]), NO_ERROR);
            left++;
        }
    CHECK_EQ(left, 4);
    cfg_default();
    vpspin_unload_miniport(driver);
}

/* ---- Bad arguments, a bare miniport, a full device table, no memory ------------------- */

static int not_an_extension;

static void test_bad_arguments(void)
{
    vpspin_driver *driver = (vpspin_driver *)&driver;
    vpspin_device *device = (vpspin_device *)&device;
    vpspin_device_info info;

    /* The host's functions refuse NULL, with the documented result and nothing done. */
    CHECK_EQ(vpspin_load_miniport(NULL, &driver), (ULONG)STATUS_INVALID_PARAMETER);
    CHECK(driver == NULL);
    CHECK_EQ(vpspin_load_miniport(tm_driver_entry, NULL), (ULONG)STATUS_INVALID_PARAMETER);
    vpspin_unload_miniport(NULL);
    CHECK_EQ(vpspin_start_device(NULL, &device), ERROR_INVALID_PARAMETER);
    CHECK(device == NULL);
    CHECK_EQ(vpspin_stop_device(NULL), 0);
    CHECK(vpspin_device_extension(NULL) == NULL);
    CHECK_EQ(vpspin_query_device(NULL, &info), ERROR_INVALID_PARAMETER);
    CHECK_EQ(vpspin_send_request(NULL, 1, NULL, 0, NULL, 0, NULL), ERROR_INVALID_PARAMETER);
    CHECK_EQ(vpspin_interrupt(NULL), FALSE);
    vpspin_set_interrupt_rate(NULL, 1000);
    CHECK_EQ(vpspin_fire_timer(NULL), FALSE);
    vpspin_flush_dpcs(NULL);

    /* The port's functions, given what is not a started device's extension, do nothing. */
    VideoPortStartTimer(&not_an_extension);
    VideoPortStopTimer(&not_an_extension);
    VideoPortStartTimer(NULL);
    KIRQL old;
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    CHECK_EQ(VideoPortQueueDpc(&not_an_extension, tm_dpc, &dpc_arg), FALSE);
    KeLowerIrql(old);

    /* A DriverEntry that misuses the host: starts its driver before VideoPortInitialize,
     * calls it without the data or with another Argument1; each refused. */
    cfg_default();
    cfg.start_in_entry = TRUE;
    cfg.init_without_data = TRUE;
    CHECK_EQ(vpspin_load_miniport(tm_driver_entry, &driver), STATUS_SUCCESS);
    CHECK_EQ(cfg.start_in_entry_status, ERROR_INVALID_PARAMETER);
    CHECK_EQ(cfg.init_misuse_status, (ULONG)STATUS_INVALID_PARAMETER);
    vpspin_unload_miniport(driver);
    cfg_default();
    cfg.init_other_argument = TRUE;
    CHECK_EQ(vpspin_load_miniport(tm_driver_entry, &driver), STATUS_SUCCESS);
    CHECK_EQ(cfg.init_misuse_status, (ULONG)STATUS_INVALID_PARAMETER);
    vpspin_unload_miniport(driver);

    /* HwFindAdapter and HwInitialize are required, like HwStartIO. */
    cfg_default();
    cfg.no_find_adapter = TRUE;
    CHECK_EQ(vpspin_load_miniport(tm_driver_entry, &driver), (ULONG)STATUS_INVALID_PARAMETER);
    cfg_default();
    cfg.no_initialize = TRUE;
    CHECK_EQ(vpspin_load_miniport(tm_driver_entry, &driver), (ULONG)STATUS_INVALID_PARAMETER);
    CHECK(driver == NULL);

    /* Bad arguments to the port's functions, from a device's own caller. */
    cfg_default();
    device = tm_start(&driver);
    TM_EXT *ext = vpspin_device_extension(device);
    CHECK_EQ(vpspin_query_device(device, NULL), ERROR_INVALID_PARAMETER);
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    CHECK_EQ(VideoPortQueueDpc(ext, NULL, NULL), FALSE);
    KeLowerIrql(old);
    CHECK_EQ(VideoPortSynchronizeExecution(ext, VpLowPriority, NULL, NULL), FALSE);
    CHECK_EQ(VideoPortSynchronizeExecution(ext, VpMediumPriority, NULL, NULL), FALSE);
    vpspin_query_device(device, &info);
    CHECK_EQ(info.DpcsQueued, 0);

    /* Called above the device's IRQL, a Medium routine runs at the caller's. */
    struct sync_arg arg = {ext, C_MEDIUM};
    KeRaiseIrql(HIGH_LEVEL, &old);
    CHECK_EQ(VideoPortSynchronizeExecution(ext, VpMediumPriority, tm_sync, &arg), TRUE);
    CHECK_EQ(KeGetCurrentIrql(), HIGH_LEVEL);
    KeLowerIrql(old);
    CHECK_EQ(ext->seen[C_MEDIUM].irql, HIGH_LEVEL);

    /* A rate of 10^9 or more a second is back to back. */
    vpspin_set_interrupt_rate(device, 2000000000u);
    time_t give_up = time(NULL) + 60;
    do
        vpspin_query_device(device, &info);
    while (info.Interrupts < 3 && time(NULL) < give_up && sched_yield() == 0);
    vpspin_set_interrupt_rate(device, 0);
    CHECK(info.Interrupts >= 3);
    tm_stop(driver, device);
    cfg_default();
}

/* A miniport with nothing but the three required routines and no extension. */
static int bare_calls;

static VP_STATUS bare_find_adapter(PVOID HwDeviceExtension, PVOID HwContext, PWSTR Arguments,
                                   PVIDEO_PORT_CONFIG_INFO ConfigInfo, PUCHAR Again)
{
    (void)HwDeviceExtension, (void)HwContext, (void)Arguments, (void)Again;
    ConfigInfo->BusInterruptLevel = SYNCH_LEVEL; /* not a device level: 5 */
    return NO_ERROR;
}

static BOOLEAN bare_initialize(PVOID HwDeviceExtension)
{
    (void)HwDeviceExtension;
    return TRUE;
}

static BOOLEAN bare_start_io(PVOID HwDeviceExtension, PVIDEO_REQUEST_PACKET Packet)
{
    (void)HwDeviceExtension, (void)Packet;
    bare_calls++;
    return TRUE;
}

static ULONG bare_driver_entry(PVOID Argument1, PVOID Argument2)
{
    VIDEO_HW_INITIALIZATION_DATA init;
    memset(&init, 0, sizeof init);
    init.HwInitDataSize = sizeof init;
    init.HwFindAdapter = bare_find_adapter;
    init.HwInitialize = bare_initialize;
    init.HwStartIO = bare_start_io;
    return VideoPortInitialize(Argument1, Argument2, &init, NULL);
}

static void test_bare_miniport(void)
{
    vpspin_driver *driver;
    vpspin_device *device, *other;
    vpspin_device_info info;

    CHECK_EQ(vpspin_load_miniport(bare_driver_entry, &driver), STATUS_SUCCESS);
    CHECK_EQ(vpspin_start_device(driver, &device), NO_ERROR);
    CHECK_EQ(vpspin_start_device(driver, &other), NO_ERROR);
    PVOID ext = vpspin_device_extension(device);
    CHECK(ext != NULL && ext != vpspin_device_extension(other)); /* one byte, each its own */
    CHECK_EQ(vpspin_send_request(device, 1, NULL, 0, NULL, 0, NULL), NO_ERROR);
    CHECK_EQ(bare_calls, 1);
    CHECK_EQ(vpspin_interrupt(device), FALSE); /* no HwInterrupt */
    vpspin_set_interrupt_rate(device, 1000);   /* nothing to raise */
    VideoPortStartTimer(ext);                  /* no HwTimer: nothing to start */
    CHECK_EQ(vpspin_fire_timer(device), FALSE);
    CHECK_EQ(vpspin_query_device(device, &info), NO_ERROR);
    CHECK_EQ(info.Interrupts + info.TimerTicks, 0);
    CHECK_EQ(info.DeviceIrql, 5);
    CHECK_EQ(vpspin_stop_device(device), 0);
    vpspin_unload_miniport(driver); /* stops the other */
}

static void unload_driver(void *arg) { vpspin_unload_miniport(arg); }

/* 64 devices at most; unloading stops those still started (and reports their leaks). */
static void test_device_table(void)
{
    vpspin_driver *driver;
    vpspin_device *device = (vpspin_device *)&device;
    int started = 0;

    cfg_default();
    CHECK_EQ(vpspin_load_miniport(tm_driver_entry, &driver), STATUS_SUCCESS);
    for (int i = 0; i < 64; i++)
        started += vpspin_start_device(driver, &device) == NO_ERROR;
    CHECK_EQ(started, 64);
    CHECK_EQ(vpspin_start_device(driver, &device), ERROR_INVALID_PARAMETER);
    CHECK(device == NULL);
    const char *err = capture_stderr(unload_driver, driver);
    int stopped = 0;
    for (const char *p = err; (p = strstr(p, "device stopped with 1 spin lock ")) != NULL; p++)
        stopped++;
    CHECK_EQ(stopped, 64); /* each device's ext->lock, never deleted */
    /* The table is free again. */
    device = tm_start(&driver);
    tm_stop(driver, device);
}

/* Each allocation of a load and a start failing in turn: the driver, the device, its
 * extension, its three threads; then HwFindAdapter's own lock. Each is refused cleanly. */
static void test_out_of_memory(void)
{
    vpspin_driver *driver = (vpspin_driver *)&driver;
    vpspin_device *device;

    cfg_default();
    vpspin_fail_allocations(0, 1);
    CHECK_EQ(vpspin_load_miniport(tm_driver_entry, &driver), (ULONG)STATUS_NO_MEMORY);
    vpspin_fail_allocations(0, 0);
    CHECK(driver == NULL);
    CHECK_EQ(vpspin_load_miniport(tm_driver_entry, &driver), STATUS_SUCCESS);
    ULONG k = 0;
    for (;; k++) {
        device = (vpspin_device *)&device;
        vpspin_fail_allocations(k, 1);
        VP_STATUS status = vpspin_start_device(driver, &device);
        vpspin_fail_allocations(0, 0);
        if (status == NO_ERROR)
            break;
        CHECK_EQ(status, ERROR_NOT_ENOUGH_MEMORY);
        CHECK(device == NULL);
        if (k > 100)
            break;
    }
    CHECK(k >= 6); /* device, extension, three threads, HwFindAdapter's lock */
    ((TM_EXT *)vpspin_device_extension(device))->device = device;
    tm_stop(driver, device);
}

/* ---- The host's rules ------------------------------------------------------------------ */

#define ULP(x)                       ((ULONG_PTR)(x))
#define P1_C8(cur, expected, unique) (ULP(cur) << 16 | ULP(expected) << 8 | (unique))

static void queue_dpc_at_dispatch(TM_EXT *ext)
{
    KIRQL old;
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    CHECK_EQ(VideoPortQueueDpc(ext, tm_dpc, &dpc_arg), TRUE);
    KeLowerIrql(old);
}

static void test_rules(const char *mode_name)
{
    vpspin_driver *driver;
    vpspin_device *device;
    vpspin_device_info before, after;
    vpspin_spin_lock_info info;
    int n = reports();
    KIRQL old;

    fprintf(stderr, "test_rules (%s): the reports below are expected\n", mode_name);

    /* 0xC8 from the routines of a load and a start: the load or start goes on. */
    cfg_default();
    cfg.entry_act = A_RAISE_DISPATCH;
    CHECK_EQ(vpspin_load_miniport(tm_driver_entry, &driver), STATUS_SUCCESS);
    expect_report(&n, "DriverEntry at DISPATCH", 0xC8, P1_C8(DISPATCH_LEVEL, PASSIVE_LEVEL, 2),
                  ULP(tm_driver_entry), 0, 1, "DriverEntry");
    CHECK(strstr(got.rule, "; routine tm_driver_entry (") != NULL);
    CHECK_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);
    cfg_default();
    cfg.find_act = A_RAISE_DISPATCH;
    cfg.init_act = A_RAISE_DEVICE;
    CHECK_EQ(vpspin_start_device(driver, &device), NO_ERROR);
    TM_EXT *ext = vpspin_device_extension(device);
    CHECK_EQ(reports() - n, 2);
    CHECK_EQ(got.r.Parameter1, P1_C8(DEVICE_IRQL, PASSIVE_LEVEL, 2)); /* the second */
    CHECK_EQ(got.r.Parameter2, ULP(tm_initialize));
    CHECK_EQ(got.r.Parameter3, ULP(ext));
    CHECK_EQ(got.r.Parameter4, 3);
    CHECK(strcmp(got.api, "HwVidInitialize") == 0);
    n = reports();
    CHECK_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);
    tm_delete_lock(device);
    CHECK_EQ(vpspin_stop_device(device), 0);
    vpspin_unload_miniport(driver);
    cfg_default();
    cfg.find_act = A_RAISE_DISPATCH;
    CHECK_EQ(vpspin_load_miniport(tm_driver_entry, &driver), STATUS_SUCCESS);
    CHECK_EQ(vpspin_start_device(driver, &device), NO_ERROR);
    ext = vpspin_device_extension(device);
    expect_report(&n, "HwFindAdapter at DISPATCH", 0xC8, P1_C8(DISPATCH_LEVEL, PASSIVE_LEVEL, 2),
                  ULP(tm_find_adapter), ULP(ext), 2, "HwVidFindAdapter");
    tm_delete_lock(device);
    CHECK_EQ(vpspin_stop_device(device), 0);
    vpspin_unload_miniport(driver);

    cfg_default();
    device = tm_start(&driver);
    ext = vpspin_device_extension(device);

    /* 0xC8: a routine returns at another IRQL. P1 = current << 16 | expected << 8 |
     * UniqueValue (3 for the ISR, 2 for the others), P2 the routine, P3 its argument,
     * P4 the context. The host restores the IRQL and goes on. */
    ext->act[C_STARTIO] = A_RAISE_DISPATCH;
    CHECK_EQ(vpspin_send_request(device, 77, NULL, 0, NULL, 0, NULL), 77);
    expect_report(&n, "HwStartIO at DISPATCH", 0xC8, P1_C8(DISPATCH_LEVEL, PASSIVE_LEVEL, 2),
                  ULP(tm_start_io), ULP(ext), 4, "HwVidStartIO");
    CHECK_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);
    ext->act[C_STARTIO] = A_NONE;

    ext->act[C_ISR] = A_LOWER_DISPATCH;
    vpspin_interrupt(device);
    expect_report(&n, "HwInterrupt at DISPATCH", 0xC8, P1_C8(DISPATCH_LEVEL, DEVICE_IRQL, 3),
                  ULP(tm_interrupt), ULP(ext), 5, "HwVidInterrupt");
    ext->act[C_ISR] = A_NONE;

    ext->act[C_DPC] = A_LOWER_PASSIVE;
    queue_dpc_at_dispatch(ext);
    vpspin_flush_dpcs(device);
    expect_report(&n, "DPC at PASSIVE", 0xC8, P1_C8(PASSIVE_LEVEL, DISPATCH_LEVEL, 2), ULP(tm_dpc),
                  ULP(&dpc_arg), 6, "HwVidDpcRoutine");
    ext->act[C_DPC] = A_NONE;

    ext->act[C_TIMER] = A_RAISE_DEVICE;
    VideoPortStartTimer(ext);
    vpspin_fire_timer(device);
    VideoPortStopTimer(ext);
    vpspin_fire_timer(device); /* a periodic tick in flight is over too */
    expect_report(&n, "HwTimer at the device IRQL", 0xC8, P1_C8(DEVICE_IRQL, DISPATCH_LEVEL, 2),
                  ULP(tm_timer), ULP(ext), 7, "HwVidTimer");
    ext->act[C_TIMER] = A_NONE;

    struct sync_arg medium = {ext, C_MEDIUM};
    ext->act[C_MEDIUM] = A_LOWER_DISPATCH;
    CHECK_EQ(VideoPortSynchronizeExecution(ext, VpMediumPriority, tm_sync, &medium), TRUE);
    expect_report(&n, "Medium routine at DISPATCH", 0xC8, P1_C8(DISPATCH_LEVEL, DEVICE_IRQL, 2),
                  ULP(tm_sync), ULP(&medium), 9, "HwVidSynchronizeExecutionCallback");
    CHECK_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);
    ext->act[C_MEDIUM] = A_NONE;

    /* 0xC4/0x40009: a routine returns holding a spin lock. P2 the routine, P3 how many
     * more locks than on entry, P4 the context. Only this is reported when the lock also
     * left the IRQL raised (HwStartIO). The next call releases it, silently. */
    ext->act[C_DPC] = A_HOLD_VP_DPC;
    queue_dpc_at_dispatch(ext);
    vpspin_flush_dpcs(device);
    expect_report(&n, "DPC holding a lock", 0xC4, 0x40009, ULP(tm_dpc), 1, 6, "HwVidDpcRoutine");
    ext->act[C_DPC] = A_UNHOLD_VP_DPC;
    queue_dpc_at_dispatch(ext);
    vpspin_flush_dpcs(device);
    expect_silence(&n, "DPC releasing it");
    ext->act[C_DPC] = A_NONE;

    ext->act[C_STARTIO] = A_HOLD_VP;
    vpspin_send_request(device, 1, NULL, 0, NULL, 0, NULL);
    expect_report(&n, "HwStartIO holding a lock", 0xC4, 0x40009, ULP(tm_start_io), 1, 4,
                  "HwVidStartIO");
    CHECK_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);
    ext->act[C_STARTIO] = A_UNHOLD_VP;
    vpspin_send_request(device, 1, NULL, 0, NULL, 0, NULL);
    expect_silence(&n, "HwStartIO releasing it");
    ext->act[C_STARTIO] = A_NONE;

    ext->act[C_ISR] = A_HOLD_KE_DPC;
    vpspin_interrupt(device);
    expect_report(&n, "HwInterrupt holding a lock", 0xC4, 0x40009, ULP(tm_interrupt), 1, 5,
                  "HwVidInterrupt");
    ext->act[C_ISR] = A_UNHOLD_KE_DPC;
    vpspin_interrupt(device);
    if (vpspin_get_verify() == VPSPIN_VERIFY_FULL) {
        /* The full mode sees what the lock left held means: the interrupt thread now
         * takes the interrupt lock while holding kelock, which the ISR took under it. */
        CHECK_EQ(reports() - n, 1);
        CHECK_EQ(got.r.Parameter1, 0x1001);
        CHECK_EQ(got.r.Parameter3, ULP(&ext->kelock)); /* the held lock the cycle starts at */
        n = reports();
    } else {
        expect_silence(&n, "HwInterrupt releasing it");
    }
    ext->act[C_ISR] = A_NONE;

    struct sync_arg high = {ext, C_HIGH};
    ext->act[C_HIGH] = A_HOLD_KE_DPC;
    VideoPortSynchronizeExecution(ext, VpHighPriority, tm_sync, &high);
    expect_report(&n, "High routine holding a lock", 0xC4, 0x40009, ULP(tm_sync), 1, 10,
                  "HwVidSynchronizeExecutionCallback");
    ext->act[C_HIGH] = A_UNHOLD_KE_DPC;
    VideoPortSynchronizeExecution(ext, VpHighPriority, tm_sync, &high);
    expect_silence(&n, "High routine releasing it");
    ext->act[C_HIGH] = A_NONE;

    /* 0xC4/0xF001: VideoPortQueueDpc below DISPATCH_LEVEL. P2 the IRQL, P3 the routine,
     * P4 the extension. Nothing is queued. At DISPATCH_LEVEL and in the ISR: silent. */
    vpspin_query_device(device, &before);
    CHECK_EQ(VideoPortQueueDpc(ext, tm_dpc, &dpc_arg), FALSE);
    expect_report(&n, "QueueDpc at PASSIVE", 0xC4, 0xF001, PASSIVE_LEVEL, ULP(tm_dpc), ULP(ext),
                  "VideoPortQueueDpc");
    KeRaiseIrql(APC_LEVEL, &old);
    CHECK_EQ(VideoPortQueueDpc(ext, tm_dpc, &dpc_arg), FALSE);
    KeLowerIrql(old);
    expect_report(&n, "QueueDpc at APC", 0xC4, 0xF001, APC_LEVEL, ULP(tm_dpc), ULP(ext),
                  "VideoPortQueueDpc");
    vpspin_query_device(device, &after);
    CHECK_EQ(after.DpcsQueued, before.DpcsQueued);
    queue_dpc_at_dispatch(ext);
    ext->act[C_ISR] = A_QUEUE_DPC;
    vpspin_interrupt(device);
    ext->act[C_ISR] = A_NONE;
    vpspin_flush_dpcs(device);
    expect_silence(&n, "QueueDpc at DISPATCH and in the ISR");

    /* 0xC4/0xF002: VideoPortDeleteSpinLock from the ISR or a Medium or High routine. P2 the
     * lock, P3 the context, P4 the IRQL. The lock stays. From a Low routine: silent. */
    CHECK_EQ(VideoPortCreateSpinLock(ext, &ext->victim), NO_ERROR);
    ext->act[C_ISR] = A_DELETE;
    vpspin_interrupt(device);
    CHECK_EQ(ext->delete_status, ERROR_INVALID_PARAMETER);
    expect_report(&n, "delete in the ISR", 0xC4, 0xF002, ULP(ext->victim), 5, DEVICE_IRQL,
                  "VideoPortDeleteSpinLock");
    ext->act[C_ISR] = A_NONE;
    ext->act[C_MEDIUM] = ext->act[C_HIGH] = A_DELETE;
    sync_call(ext, VpMediumPriority, C_MEDIUM);
    expect_report(&n, "delete in a Medium routine", 0xC4, 0xF002, ULP(ext->victim), 9, DEVICE_IRQL,
                  "VideoPortDeleteSpinLock");
    sync_call(ext, VpHighPriority, C_HIGH);
    expect_report(&n, "delete in a High routine", 0xC4, 0xF002, ULP(ext->victim), 10, HIGH_LEVEL,
                  "VideoPortDeleteSpinLock");
    CHECK_EQ(ext->delete_status, ERROR_INVALID_PARAMETER);
    CHECK_EQ(vpspin_query_spin_lock(ext->victim, &info), NO_ERROR);
    ext->act[C_MEDIUM] = ext->act[C_HIGH] = A_NONE;
    ext->act[C_LOW] = A_DELETE;
    sync_call(ext, VpLowPriority, C_LOW);
    CHECK_EQ(ext->delete_status, NO_ERROR);
    expect_silence(&n, "delete in a Low routine");
    ext->act[C_LOW] = A_NONE;

    tm_stop(driver, device);
    expect_silence(&n, "stop");
}

/* With checking off, the host reports nothing, and still restores the IRQL. */
static void test_off(void)
{
    vpspin_driver *driver;
    vpspin_device *device;
    int n = reports();

    vpspin_set_verify(VPSPIN_VERIFY_OFF);
    cfg_default();
    device = tm_start(&driver);
    TM_EXT *ext = vpspin_device_extension(device);
    ext->act[C_STARTIO] = A_RAISE_DISPATCH;
    vpspin_send_request(device, 1, NULL, 0, NULL, 0, NULL);
    CHECK_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);
    ext->act[C_STARTIO] = A_NONE;
    CHECK_EQ(VideoPortQueueDpc(ext, tm_dpc, &dpc_arg), TRUE);
    vpspin_flush_dpcs(device);
    tm_stop(driver, device);
    expect_silence(&n, "checking off");
    vpspin_set_verify(VPSPIN_VERIFY_DEFAULT);
}

/* ---- Without a handler: the report, then abort() ------------------------------------- */

enum child_case { K_STARTIO_IRQL, K_DPC_HOLDS, K_QUEUE_PASSIVE, K_DELETE_ISR };

static void child_main(enum child_case k, int out_fd)
{
    vpspin_driver *driver;
    vpspin_device *device;
    char line[200];

    vpspin_set_bugcheck_handler(NULL, NULL);
    cfg_default();
    device = tm_start(&driver);
    TM_EXT *ext = vpspin_device_extension(device);
    unsigned code = 0xC4;
    ULONG_PTR p[4] = {0};
    switch (k) {
    case K_STARTIO_IRQL:
        code = 0xC8;
        p[0] = P1_C8(DISPATCH_LEVEL, PASSIVE_LEVEL, 2), p[1] = ULP(tm_start_io);
        p[2] = ULP(ext), p[3] = 4;
        break;
    case K_DPC_HOLDS:
        p[0] = 0x40009, p[1] = ULP(tm_dpc), p[2] = 1, p[3] = 6;
        break;
    case K_QUEUE_PASSIVE:
        p[0] = 0xF001, p[1] = PASSIVE_LEVEL, p[2] = ULP(tm_dpc), p[3] = ULP(ext);
        break;
    case K_DELETE_ISR:
        VideoPortCreateSpinLock(ext, &ext->victim);
        p[0] = 0xF002, p[1] = ULP(ext->victim), p[2] = 5, p[3] = DEVICE_IRQL;
        break;
    }
    int len =
        snprintf(line, sizeof line, "*** STOP: 0x%08X (0x%016llX,0x%016llX,0x%016llX,0x%016llX)\n",
                 code, (unsigned long long)p[0], (unsigned long long)p[1], (unsigned long long)p[2],
                 (unsigned long long)p[3]);
    if (write(out_fd, line, (size_t)len) != len)
        _exit(3);
    switch (k) {
    case K_STARTIO_IRQL:
        ext->act[C_STARTIO] = A_RAISE_DISPATCH;
        vpspin_send_request(device, 1, NULL, 0, NULL, 0, NULL);
        break;
    case K_DPC_HOLDS:
        ext->act[C_DPC] = A_HOLD_VP_DPC;
        queue_dpc_at_dispatch(ext);
        vpspin_flush_dpcs(device);
        break;
    case K_QUEUE_PASSIVE:
        VideoPortQueueDpc(ext, tm_dpc, &dpc_arg);
        break;
    case K_DELETE_ISR:
        ext->act[C_ISR] = A_DELETE;
        vpspin_interrupt(device);
        break;
    }
    _exit(4); /* not reached: the report aborts */
}

static void test_children(void)
{
    static const char *const names[] = {"0xC8 from HwStartIO", "0x40009 from a DPC",
                                        "0xF001 at PASSIVE", "0xF002 in the ISR"};
    for (int k = K_STARTIO_IRQL; k <= K_DELETE_ISR; k++) {
        char out_path[] = "/tmp/vpspin-test-host-out-XXXXXX";
        char err_path[] = "/tmp/vpspin-test-host-err-XXXXXX";
        int out = mkstemp(out_path), err = mkstemp(err_path);
        unlink(out_path);
        unlink(err_path);
        fflush(NULL);
        pid_t pid = fork();
        if (pid == 0) {
            dup2(err, 2);
            child_main((enum child_case)k, out);
        }
        int status = 0;
        waitpid(pid, &status, 0);
        char want[256] = "", got_err[8192] = "";
        lseek(out, 0, SEEK_SET);
        lseek(err, 0, SEEK_SET);
        ssize_t a = read(out, want, sizeof want - 1), b = read(err, got_err, sizeof got_err - 1);
        want[a > 0 ? a : 0] = '\0';
        got_err[b > 0 ? b : 0] = '\0';
        bool aborted = WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
        bool reported = a > 0 && strncmp(got_err, want, strlen(want)) == 0;
        if (!aborted || !reported)
            fprintf(stderr, "child %s: status 0x%x\n  want %s  stderr: %.300s\n", names[k], status,
                    want, got_err);
        CHECK(aborted);
        CHECK(reported);
        close(out);
        close(err);
    }
}

int main(void)
{
    static const vpspin_verify_mode modes[] = {VPSPIN_VERIFY_OFF, VPSPIN_VERIFY_DEFAULT,
                                               VPSPIN_VERIFY_FULL};
    static const char *const mode_names[] = {"off", "default", "full"};

    test_children(); /* first: fork() while this process has one thread */

    vpspin_set_bugcheck_handler(recording_handler, NULL);
    int n = reports();
    for (int m = 0; m < 3; m++) {
        vpspin_set_verify(modes[m]);
        test_load();
        test_start();
        test_contexts();
        test_start_io_serialized();
        test_self_wait();
        test_dpc_queue();
        test_dpc_stream();
        test_sync_excludes_isr();
        expect_silence(&n, mode_names[m]);
    }
    vpspin_set_verify(VPSPIN_VERIFY_DEFAULT);
    test_timer();
    test_leaks();
    test_bad_arguments();
    test_bare_miniport();
    test_device_table();
    test_out_of_memory();
    expect_silence(&n, "timer, leaks, bad arguments, out of memory");
    test_rules("default");
    vpspin_set_verify(VPSPIN_VERIFY_FULL);
    test_rules("full");
    test_off();
    return check_done();
}
