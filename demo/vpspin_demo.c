/*
 * vpspin_demo.c - a video miniport in miniature, running on vpspin.
 *
 * What it models: the device extension holds a ring of commands shared by StartIo and
 * the DPC routine. StartIo runs at PASSIVE_LEVEL for its client: it takes RingLock with
 * VideoPortAcquireSpinLock (raising to DISPATCH_LEVEL), queues a command, and releases
 * back to PASSIVE_LEVEL. The DPC routine runs at DISPATCH_LEVEL: it retires the oldest
 * command under RingLock, then accounts for it under StatsLock, taking both with the
 * AtDpcLevel / FromDpcLevel pair. Every client and every DPC is a thread.
 *
 * What it checks: the guarded data are plain fields, so only the locks keep them right.
 * One thread at a time in each critical section, no ring overflow or underflow, each
 * client's commands retired in the order queued (the ring is FIFO), the expected IRQL at
 * every step; at the end, every command completed exactly once and vpspin's counters
 * equal to the acquisitions made. Exits 0 if all of that held.
 *
 * Usage: vpspin-demo [--seconds N] [--clients N] [--dpcs N] [--bug];
 * VPSPIN_VERIFY=0|1|full. --bug makes client 0's 1000th StartIo release RingLock to the
 * wrong IRQL, to show what the checked mode reports.
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <vpspin/vpspin.h>


#define RING_CAPACITY 64
#define MAX_CLIENTS   64
#define MAX_DPCS      64

typedef struct _DEMO_COMMAND {
    ULONG Client;
    ULONG Sequence;
} DEMO_COMMAND, *PDEMO_COMMAND;

typedef struct _HW_DEVICE_EXTENSION {
    PSPIN_LOCK RingLock;
    PSPIN_LOCK StatsLock;
    double Deadline; /* read-only while the threads run */

    /* Guarded by RingLock. */
    DEMO_COMMAND Ring[RING_CAPACITY];
    ULONG RingHead; /* index of the oldest command */
    ULONG RingCount;
    ULONG RingInside;
    ULONG ClientsRunning;
    ULONG NextRetire[MAX_CLIENTS]; /* per client: the sequence expected next */
    ULONGLONG Submitted;
    ULONGLONG SubmittedSum;

    /* Guarded by StatsLock. */
    ULONG StatsInside;
    ULONGLONG Completed;
    ULONGLONG CompletedSum;
} HW_DEVICE_EXTENSION, *PHW_DEVICE_EXTENSION;

typedef struct _DEMO_OPTIONS {
    ULONG Seconds;
    ULONG Clients;
    ULONG Dpcs;
} DEMO_OPTIONS, *PDEMO_OPTIONS;

/* One per thread (main included): written by its own thread, read by main after join. */
typedef struct _DEMO_THREAD {
    PHW_DEVICE_EXTENSION HwDeviceExtension;
    pthread_t Handle;
    ULONG Index;
    ULONG NextSequence; /* clients: the sequence of the next command */
    ULONGLONG RingAcquires;
    ULONGLONG StatsAcquires;
    ULONGLONG RingFull;
    ULONGLONG IrqlChecks;
    ULONG Violations;
    const char *FirstViolation;
} DEMO_THREAD, *PDEMO_THREAD;

typedef enum _DPC_RESULT { DpcRetired, DpcIdle, DpcDrained } DPC_RESULT;

static VOID DemoViolation(PDEMO_THREAD Thread, const char *Reason)
{
    if (Thread->Violations++ == 0)
        Thread->FirstViolation = Reason;
}

static VOID DemoCheckIrql(PDEMO_THREAD Thread, KIRQL Expected, const char *Reason)
{
    Thread->IrqlChecks++;
    if (VideoPortGetCurrentIrql() != Expected || KeGetCurrentIrql() != Expected)
        DemoViolation(Thread, Reason);
}

static VOID DemoEnter(PDEMO_THREAD Thread, PULONG Inside)
{
    *Inside += 1;
    if (*Inside != 1)
        DemoViolation(Thread, "two threads inside one critical section");
}

static VOID DemoLeave(PDEMO_THREAD Thread, PULONG Inside)
{
    if (*Inside != 1)
        DemoViolation(Thread, "two threads inside one critical section");
    *Inside -= 1;
}

static ULONGLONG DemoKey(DEMO_COMMAND Command)
{
    return ((ULONGLONG)Command.Client << 32) | Command.Sequence;
}

static double DemoNow(VOID)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

static BOOLEAN DemoInjectBug; /* --bug */

/* StartIo, at PASSIVE_LEVEL: queues one command. FALSE if the ring is full. */
static BOOLEAN DemoStartIo(PDEMO_THREAD Thread, DEMO_COMMAND Command)
{
    PHW_DEVICE_EXTENSION ext = Thread->HwDeviceExtension;
    BOOLEAN queued = FALSE;
    UCHAR oldIrql;

    VideoPortAcquireSpinLock(ext, ext->RingLock, &oldIrql);
    Thread->RingAcquires++;
    DemoCheckIrql(Thread, DISPATCH_LEVEL, "StartIo holds RingLock below DISPATCH_LEVEL");
    DemoEnter(Thread, &ext->RingInside);
    if (ext->RingCount > RING_CAPACITY) {
        DemoViolation(Thread, "ring count out of range");
    } else if (ext->RingCount < RING_CAPACITY) {
        ext->Ring[(ext->RingHead + ext->RingCount) % RING_CAPACITY] = Command;
        ext->RingCount++;
        ext->Submitted++;
        ext->SubmittedSum += DemoKey(Command);
        queued = TRUE;
    }
    DemoLeave(Thread, &ext->RingInside);
    if (DemoInjectBug && Command.Client == 0 && Command.Sequence == 1000)
        VideoPortReleaseSpinLock(ext, ext->RingLock, APC_LEVEL); /* the bug: not oldIrql */
    else
        VideoPortReleaseSpinLock(ext, ext->RingLock, oldIrql);

    if (oldIrql != PASSIVE_LEVEL)
        DemoViolation(Thread, "VideoPortAcquireSpinLock returned a wrong old IRQL");
    DemoCheckIrql(Thread, PASSIVE_LEVEL, "StartIo not back at PASSIVE_LEVEL after release");
    return queued;
}

/* A client leaving: once none is left, the DPCs stop when the ring is empty. */
static VOID DemoClientStopped(PDEMO_THREAD Thread)
{
    PHW_DEVICE_EXTENSION ext = Thread->HwDeviceExtension;
    UCHAR oldIrql;

    VideoPortAcquireSpinLock(ext, ext->RingLock, &oldIrql);
    Thread->RingAcquires++;
    DemoEnter(Thread, &ext->RingInside);
    ext->ClientsRunning--;
    DemoLeave(Thread, &ext->RingInside);
    VideoPortReleaseSpinLock(ext, ext->RingLock, oldIrql);
}

static void *DemoClientThread(void *Context)
{
    PDEMO_THREAD thread = Context;
    DEMO_COMMAND command = {thread->Index, 0};

    DemoCheckIrql(thread, PASSIVE_LEVEL, "client thread did not start at PASSIVE_LEVEL");
    while (DemoNow() < thread->HwDeviceExtension->Deadline) {
        command.Sequence = thread->NextSequence;
        if (DemoStartIo(thread, command)) {
            thread->NextSequence++;
        } else {
            thread->RingFull++;
            sched_yield(); /* the ring is full: let a DPC run */
        }
    }
    DemoClientStopped(thread);
    return NULL;
}

/* At DISPATCH_LEVEL: accounts one completed command. */
static VOID DemoCompleteCommand(PDEMO_THREAD Thread, DEMO_COMMAND Command)
{
    PHW_DEVICE_EXTENSION ext = Thread->HwDeviceExtension;

    VideoPortAcquireSpinLockAtDpcLevel(ext, ext->StatsLock);
    Thread->StatsAcquires++;
    DemoCheckIrql(Thread, DISPATCH_LEVEL, "DPC holds StatsLock below DISPATCH_LEVEL");
    DemoEnter(Thread, &ext->StatsInside);
    ext->Completed++;
    ext->CompletedSum += DemoKey(Command);
    DemoLeave(Thread, &ext->StatsInside);
    VideoPortReleaseSpinLockFromDpcLevel(ext, ext->StatsLock);
}

/* The DPC routine, at DISPATCH_LEVEL: retires the oldest command, if there is one. */
static DPC_RESULT DemoDpcRoutine(PDEMO_THREAD Thread)
{
    PHW_DEVICE_EXTENSION ext = Thread->HwDeviceExtension;
    DEMO_COMMAND command = {0, 0};
    DPC_RESULT result = DpcIdle;

    VideoPortAcquireSpinLockAtDpcLevel(ext, ext->RingLock);
    Thread->RingAcquires++;
    DemoCheckIrql(Thread, DISPATCH_LEVEL, "DPC holds RingLock below DISPATCH_LEVEL");
    DemoEnter(Thread, &ext->RingInside);
    if (ext->RingCount > RING_CAPACITY) {
        DemoViolation(Thread, "ring count out of range");
    } else if (ext->RingCount > 0) {
        command = ext->Ring[ext->RingHead];
        ext->RingHead = (ext->RingHead + 1) % RING_CAPACITY;
        ext->RingCount--;
        if (command.Sequence != ext->NextRetire[command.Client])
            DemoViolation(Thread, "a client's commands retired out of order");
        ext->NextRetire[command.Client] = command.Sequence + 1;
        result = DpcRetired;
    } else if (ext->ClientsRunning == 0) {
        result = DpcDrained;
    }
    DemoLeave(Thread, &ext->RingInside);
    VideoPortReleaseSpinLockFromDpcLevel(ext, ext->RingLock);

    if (result == DpcRetired)
        DemoCompleteCommand(Thread, command);
    DemoCheckIrql(Thread, DISPATCH_LEVEL, "DPC left DISPATCH_LEVEL");
    return result;
}

static void *DemoDpcThread(void *Context)
{
    PDEMO_THREAD thread = Context;
    DPC_RESULT result;
    KIRQL oldIrql;

    DemoCheckIrql(thread, PASSIVE_LEVEL, "DPC thread did not start at PASSIVE_LEVEL");
    KeRaiseIrql(DISPATCH_LEVEL, &oldIrql);
    DemoCheckIrql(thread, DISPATCH_LEVEL, "KeRaiseIrql did not reach DISPATCH_LEVEL");
    do {
        result = DemoDpcRoutine(thread);
        if (result == DpcIdle)
            sched_yield(); /* a real DPC would return until the next interrupt */
    } while (result != DpcDrained);
    KeLowerIrql(oldIrql);
    if (oldIrql != PASSIVE_LEVEL)
        DemoViolation(thread, "KeRaiseIrql returned a wrong old IRQL");
    DemoCheckIrql(thread, PASSIVE_LEVEL, "KeLowerIrql did not return to PASSIVE_LEVEL");
    return NULL;
}

static VOID DemoUsage(VOID)
{
    fprintf(stderr,
            "usage: vpspin-demo [--seconds 1..3600] [--clients 1..%d] [--dpcs 1..%d] [--bug]\n",
            MAX_CLIENTS, MAX_DPCS);
    exit(2);
}

static VOID DemoParseOptions(int argc, char **argv, PDEMO_OPTIONS Options)
{
    for (int i = 1; i < argc; i++) {
        PULONG value = NULL;
        char *end = NULL;
        unsigned long number = 0;

        if (strcmp(argv[i], "--bug") == 0) {
            DemoInjectBug = TRUE;
            continue;
        }
        if (strcmp(argv[i], "--seconds") == 0)
            value = &Options->Seconds;
        else if (strcmp(argv[i], "--clients") == 0)
            value = &Options->Clients;
        else if (strcmp(argv[i], "--dpcs") == 0)
            value = &Options->Dpcs;
        if (value != NULL && i + 1 < argc)
            number = strtoul(argv[++i], &end, 10);
        if (end == NULL || end == argv[i] || *end != '\0' || number < 1 || number > 3600)
            DemoUsage();
        *value = (ULONG)number;
    }
    if (Options->Clients > MAX_CLIENTS || Options->Dpcs > MAX_DPCS)
        DemoUsage();
}

static DEMO_THREAD Threads[MAX_CLIENTS + MAX_DPCS]; /* the clients first, then the DPCs */

/* Runs the clients until the deadline and the DPCs until the ring is drained. */
static double DemoRun(PHW_DEVICE_EXTENSION Ext, PDEMO_OPTIONS Options)
{
    ULONG count = Options->Clients + Options->Dpcs;
    double start = DemoNow();
    char name[24];

    Ext->ClientsRunning = Options->Clients;
    Ext->Deadline = start + Options->Seconds;
    for (ULONG i = 0; i < count; i++) {
        BOOLEAN client = i < Options->Clients;
        Threads[i].HwDeviceExtension = Ext;
        Threads[i].Index = client ? i : i - Options->Clients;
        if (pthread_create(&Threads[i].Handle, NULL, client ? DemoClientThread : DemoDpcThread,
                           &Threads[i]) != 0) {
            fprintf(stderr, "vpspin-demo: cannot start a thread\n");
            exit(1);
        }
        snprintf(name, sizeof name, "%s-%lu", client ? "startio" : "dpc",
                 (unsigned long)Threads[i].Index);
        pthread_setname_np(Threads[i].Handle, name);
    }
    for (ULONG i = 0; i < count; i++)
        pthread_join(Threads[i].Handle, NULL);
    return DemoNow() - start;
}

/* Adds one thread's counters, and its first violation if none is known yet, to Totals. */
static VOID DemoAddTotals(PDEMO_THREAD Totals, PDEMO_THREAD Thread)
{
    Totals->RingAcquires += Thread->RingAcquires;
    Totals->StatsAcquires += Thread->StatsAcquires;
    Totals->RingFull += Thread->RingFull;
    Totals->IrqlChecks += Thread->IrqlChecks;
    Totals->Violations += Thread->Violations;
    if (Totals->FirstViolation == NULL)
        Totals->FirstViolation = Thread->FirstViolation;
}

/* After the run: every command completed once, and vpspin counted what was done. */
static VOID DemoCheckRun(PDEMO_THREAD Self, PDEMO_OPTIONS Options, PDEMO_THREAD Totals,
                         vpspin_spin_lock_info *RingInfo, vpspin_spin_lock_info *StatsInfo)
{
    PHW_DEVICE_EXTENSION ext = Self->HwDeviceExtension;
    ULONGLONG queued = 0;

    for (ULONG i = 0; i < Options->Clients; i++) {
        queued += Threads[i].NextSequence;
        if (ext->NextRetire[i] != Threads[i].NextSequence)
            DemoViolation(Self, "a client's commands were not all retired");
    }
    if (ext->RingCount != 0 || ext->RingInside != 0 || ext->StatsInside != 0)
        DemoViolation(Self, "ring not empty or a critical section not left after the drain");
    if (ext->Submitted != queued || ext->Completed != queued ||
        ext->SubmittedSum != ext->CompletedSum)
        DemoViolation(Self, "commands submitted and commands completed differ");
    if (vpspin_query_spin_lock(ext->RingLock, RingInfo) != NO_ERROR ||
        vpspin_query_spin_lock(ext->StatsLock, StatsInfo) != NO_ERROR)
        DemoViolation(Self, "vpspin_query_spin_lock failed");
    else if (RingInfo->Acquisitions != Totals->RingAcquires ||
             StatsInfo->Acquisitions != Totals->StatsAcquires ||
             RingInfo->Contentions > RingInfo->Acquisitions ||
             StatsInfo->Contentions > StatsInfo->Acquisitions)
        DemoViolation(Self, "vpspin's lock counters disagree with the acquisitions made");
}

static VOID DemoReport(PHW_DEVICE_EXTENSION Ext, PDEMO_OPTIONS Options, double Elapsed,
                       PDEMO_THREAD Totals, vpspin_spin_lock_info *RingInfo,
                       vpspin_spin_lock_info *StatsInfo)
{
    static const char *const verifyNames[] = {"off", "default", "full"};

    printf("vpspin-demo: StartIo at PASSIVE_LEVEL, DPCs at DISPATCH_LEVEL, one ring\n");
    printf("  %-20s %s\n", "library version", vpspin_version());
    printf("  %-20s %s\n", "checking mode", verifyNames[vpspin_get_verify()]);
    printf("  %-20s %lu StartIo, %lu DPC\n", "threads", (unsigned long)Options->Clients,
           (unsigned long)Options->Dpcs);
    printf("  %-20s %.2f s (%lu s queuing, then drain)\n", "duration", Elapsed,
           (unsigned long)Options->Seconds);
    printf("  %-20s %12llu\n", "commands submitted", Ext->Submitted);
    printf("  %-20s %12llu\n", "commands completed", Ext->Completed);
    printf("  %-20s %12.0f commands/s\n", "throughput", (double)Ext->Completed / Elapsed);
    printf("  %-20s %12llu\n", "ring full, retried", Totals->RingFull);
    printf("  %-20s %12lu acquisitions, %lu contentions\n", "RingLock",
           (unsigned long)RingInfo->Acquisitions, (unsigned long)RingInfo->Contentions);
    printf("  %-20s %12lu acquisitions, %lu contentions\n", "StatsLock",
           (unsigned long)StatsInfo->Acquisitions, (unsigned long)StatsInfo->Contentions);
    printf("  %-20s %12llu\n", "IRQL checks", Totals->IrqlChecks);
    printf("  %-20s %12lu\n", "invariant violations", (unsigned long)Totals->Violations);
    printf("  %-20s %12lu\n", "bug checks", (unsigned long)vpspin_bugcheck_count());
}

int main(int argc, char **argv)
{
    static HW_DEVICE_EXTENSION extension;
    DEMO_OPTIONS options = {.Seconds = 3, .Clients = 4, .Dpcs = 2};
    DEMO_THREAD self = {.HwDeviceExtension = &extension}, totals = {0};
    vpspin_spin_lock_info ringInfo = {0}, statsInfo = {0};

    DemoParseOptions(argc, argv, &options);

    /* Starting the adapter: both locks, at PASSIVE_LEVEL. No bug check handler is set:
     * as on Windows, a bug check stops the run (its report is on stderr). */
    DemoCheckIrql(&self, PASSIVE_LEVEL, "main thread not at PASSIVE_LEVEL");
    if (VideoPortCreateSpinLock(&extension, &extension.RingLock) != NO_ERROR ||
        VideoPortCreateSpinLock(&extension, &extension.StatsLock) != NO_ERROR) {
        fprintf(stderr, "vpspin-demo: VideoPortCreateSpinLock failed\n");
        return 1;
    }

    double elapsed = DemoRun(&extension, &options);
    for (ULONG i = 0; i < options.Clients + options.Dpcs; i++)
        DemoAddTotals(&totals, &Threads[i]);
    DemoCheckRun(&self, &options, &totals, &ringInfo, &statsInfo);

    /* Stopping the adapter: both locks go. */
    if (VideoPortDeleteSpinLock(&extension, extension.RingLock) != NO_ERROR ||
        VideoPortDeleteSpinLock(&extension, extension.StatsLock) != NO_ERROR)
        DemoViolation(&self, "VideoPortDeleteSpinLock failed");
    DemoCheckIrql(&self, PASSIVE_LEVEL, "main thread not at PASSIVE_LEVEL at the end");
    DemoAddTotals(&totals, &self);
    if (totals.FirstViolation == NULL && vpspin_bugcheck_count() != 0)
        totals.FirstViolation = "vpspin reported a bug check";

    DemoReport(&extension, &options, elapsed, &totals, &ringInfo, &statsInfo);
    if (totals.FirstViolation != NULL) {
        printf("FAILED: %s\n", totals.FirstViolation);
        return 1;
    }
    printf("OK\n");
    return 0;
}
