/*
 * vpspin_demo.c - loads the sample miniport (demo/miniport/vpdemo.c) on vpspin's host,
 * starts it on a simulated adapter whose device model (demo/miniport/vpdemo_model.c)
 * executes its commands, and runs it for a few seconds under the full checked mode.
 *
 * This program plays the rest of Windows: the display driver and its clients. It sets a
 * mode and maps the frame buffer as a display driver does; then client threads send
 * IOCTL_VPDEMO_SUBMIT requests (HwStartIO runs on them at PASSIVE_LEVEL, one at a time,
 * writing each command into the adapter's ring and ringing its doorbell); the device
 * model executes the commands in batches, at most --rate batches a second, and raises
 * the interrupt after each (HwInterrupt at the device's IRQL acknowledges it and queues
 * the DPC that retires commands at DISPATCH_LEVEL); the miniport's HwTimer watches for
 * hangs once a second. When the time is up, the clients stop, the ring is drained, the
 * miniport's statistics are read and it is shut down, and the device is stopped.
 *
 * In the full mode it ends with the lock statistics of every lock class and lock.
 *
 * It exits 0 only if every command a client had accepted was executed by the adapter
 * and retired exactly once, in order per client (counts and key sums agree three ways:
 * submitted, executed - the adapter's EXECSUM register -, completed), every IRQL the
 * routines asserted was right, no spin lock was leaked, and vpspin reported no bug check.
 *
 * Usage: vpspin-demo [--seconds N | --commands N] [--clients N] [--rate N]
 *                    [--bug | --bug-dpc | --bug-register | --race].
 * VPSPIN_VERIFY=0|1|full picks the checking mode; unset, the demo uses full. --bug makes
 * one HwStartIO release RingLock to the wrong IRQL (0xC4/0x20015); --bug-dpc makes one
 * DPC return holding StatsLock (0xC4/0x40009); --bug-register makes one HwInterrupt read a
 * register past the end of its mapping of BAR0 (0xC4/0xF012). --race plants a race no
 * checked mode can report (HwStartIO rings the doorbell before it writes the command: the
 * adapter may execute a stale slot), for vpspin-explore(1) to find. --commands N: each
 * client submits N commands and stops, instead of running for a time (a run of fixed
 * work, for the controlled scheduler).
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <vpspin/adapter.h>

#include "miniport/vpdemo.h"
#include "miniport/vpdemo_hw.h"
#include "miniport/vpdemo_model.h"

typedef struct _DEMO_OPTIONS {
    ULONG Seconds;
    ULONG Clients;
    ULONG Rate;
    ULONG Commands; /* per client, or 0: for Seconds */
    VPDEMO_BUG Bug;
} DEMO_OPTIONS;

typedef struct _DEMO_CLIENT {
    vpspin_device *Device;
    pthread_t Thread;
    ULONG Index;
    double Deadline;
    ULONG Commands;    /* to submit, or 0: until Deadline */
    ULONG Accepted;    /* commands the miniport queued: the next sequence number */
    ULONGLONG Busy;    /* ERROR_BUSY answers */
    VP_STATUS Failure; /* any other status, or NO_ERROR */
} DEMO_CLIENT;

static double DemoNow(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

static void *DemoClient(void *Context)
{
    DEMO_CLIENT *client = Context;
    char name[24];
    snprintf(name, sizeof name, "client-%u", (unsigned)(client->Index % 100u));
    pthread_setname_np(pthread_self(), name); /* reports name the thread */
    while (client->Failure == NO_ERROR &&
           (client->Commands != 0 ? client->Accepted < client->Commands
                                  : DemoNow() < client->Deadline)) {
        VPDEMO_COMMAND command = {client->Index, client->Accepted};
        VP_STATUS status = vpspin_send_request(client->Device, IOCTL_VPDEMO_SUBMIT, &command,
                                               sizeof command, NULL, 0, NULL);
        if (status == NO_ERROR) {
            client->Accepted++;
        } else if (status == ERROR_BUSY) {
            client->Busy++;
            sched_yield(); /* the ring is full: let the interrupt and the DPC run */
        } else {
            client->Failure = status;
        }
    }
    return NULL;
}

static void DemoUsage(void)
{
    fprintf(stderr,
            "usage: vpspin-demo [--seconds 1..3600 | --commands 1..1000000] [--clients 1..%d] "
            "[--rate batches/s] [--bug | --bug-dpc | --bug-register | --race]\n",
            VPDEMO_MAX_CLIENTS);
    exit(2);
}

static void DemoParseOptions(int argc, char **argv, DEMO_OPTIONS *Options)
{
    for (int i = 1; i < argc; i++) {
        ULONG *value = NULL, max = 3600;
        char *end = NULL;
        unsigned long number = 0;
        if (strcmp(argv[i], "--bug") == 0) {
            Options->Bug = VpDemoBugReleaseIrql;
            continue;
        }
        if (strcmp(argv[i], "--bug-dpc") == 0) {
            Options->Bug = VpDemoBugDpcHoldsLock;
            continue;
        }
        if (strcmp(argv[i], "--bug-register") == 0) {
            Options->Bug = VpDemoBugRegister;
            continue;
        }
        if (strcmp(argv[i], "--race") == 0) {
            Options->Bug = VpDemoBugRace;
            continue;
        }
        if (strcmp(argv[i], "--seconds") == 0) {
            value = &Options->Seconds;
        } else if (strcmp(argv[i], "--clients") == 0) {
            value = &Options->Clients;
            max = VPDEMO_MAX_CLIENTS;
        } else if (strcmp(argv[i], "--rate") == 0) {
            value = &Options->Rate;
            max = 10000000;
        } else if (strcmp(argv[i], "--commands") == 0) {
            value = &Options->Commands;
            max = 1000000;
        }
        if (value != NULL && i + 1 < argc)
            number = strtoul(argv[++i], &end, 10);
        if (value == NULL || end == NULL || end == argv[i] || *end != '\0' || number < 1 ||
            number > max)
            DemoUsage();
        *value = (ULONG)number;
    }
}

static VP_STATUS DemoRequest(vpspin_device *Device, ULONG Code, PVOID In, ULONG InLength, PVOID Out,
                             ULONG OutLength)
{
    return vpspin_send_request(Device, Code, In, InLength, Out, OutLength, NULL);
}

static const char *DemoFirstFailure; /* the first check that failed */
static ULONG DemoFailures;

static void DemoCheck(int Ok, const char *What)
{
    if (!Ok && DemoFailures++ == 0)
        DemoFirstFailure = What;
}

int main(int argc, char **argv)
{
    static DEMO_CLIENT clients[VPDEMO_MAX_CLIENTS];
    static const char *const verify_modes[] = {"off", "default", "full"};
    DEMO_OPTIONS options = {.Seconds = 3, .Clients = 4, .Rate = 20000, .Bug = VpDemoBugNone};
    vpspin_driver *driver;
    vpspin_adapter *adapter;
    PVPDEMO_MODEL model;
    vpspin_device *device;
    VPDEMO_STATISTICS stats;
    VIDEO_NUM_MODES modes;
    VIDEO_MODE mode = {0};
    VIDEO_MODE_INFORMATION current;
    VIDEO_MEMORY request = {NULL};
    VIDEO_MEMORY_INFORMATION frame;
    vpspin_spin_lock_info ring = {0}, statsLock = {0};
    vpspin_device_info info;

    DemoParseOptions(argc, argv, &options);
    if (getenv("VPSPIN_VERIFY") == NULL)
        vpspin_set_verify(VPSPIN_VERIFY_FULL);

    /* No bug check handler: as on Windows, a bug check stops the run (report on stderr). */
    ULONG loaded = vpspin_load_miniport(VpDemoDriverEntry, &driver);
    if (loaded != STATUS_SUCCESS) {
        fprintf(stderr, "vpspin-demo: DriverEntry failed: 0x%08lX\n", (unsigned long)loaded);
        return 1;
    }
    VP_STATUS started = VpDemoCreateAdapter(0, options.Rate, &adapter, &model);
    if (started == NO_ERROR)
        started = vpspin_start_adapter(driver, adapter, &device);
    if (started != NO_ERROR) {
        fprintf(stderr, "vpspin-demo: the device did not start: %ld\n", (long)started);
        return 1;
    }
    /* As a display driver starts: the modes, the last (largest) one, the frame buffer. */
    DemoCheck(DemoRequest(device, IOCTL_VIDEO_QUERY_NUM_AVAIL_MODES, NULL, 0, &modes,
                          sizeof modes) == NO_ERROR &&
                  modes.NumModes > 0,
              "IOCTL_VIDEO_QUERY_NUM_AVAIL_MODES failed");
    mode.RequestedMode = modes.NumModes - 1;
    DemoCheck(DemoRequest(device, IOCTL_VIDEO_SET_CURRENT_MODE, &mode, sizeof mode, NULL, 0) ==
                      NO_ERROR &&
                  DemoRequest(device, IOCTL_VIDEO_QUERY_CURRENT_MODE, NULL, 0, &current,
                              sizeof current) == NO_ERROR &&
                  DemoRequest(device, IOCTL_VIDEO_MAP_VIDEO_MEMORY, &request, sizeof request,
                              &frame, sizeof frame) == NO_ERROR,
              "the display driver's start failed (mode, frame buffer)");
    if (options.Bug != VpDemoBugNone) {
        ULONG bug = options.Bug;
        DemoRequest(device, IOCTL_VPDEMO_INJECT_BUG, &bug, sizeof bug, NULL, 0);
    }

    double start = DemoNow();
    for (ULONG i = 0; i < options.Clients; i++) {
        clients[i] = (DEMO_CLIENT){.Device = device,
                                   .Index = i,
                                   .Deadline = start + options.Seconds,
                                   .Commands = options.Commands};
        if (pthread_create(&clients[i].Thread, NULL, DemoClient, &clients[i]) != 0) {
            fprintf(stderr, "vpspin-demo: cannot start a client thread\n");
            return 1;
        }
    }
    ULONGLONG accepted = 0, busy = 0, sum = 0;
    for (ULONG i = 0; i < options.Clients; i++) {
        pthread_join(clients[i].Thread, NULL);
        DemoCheck(clients[i].Failure == NO_ERROR, "a submit failed");
        accepted += clients[i].Accepted;
        busy += clients[i].Busy;
        /* sum over the sequences 0..n-1 of (client << 32 | sequence) */
        ULONGLONG n = clients[i].Accepted;
        sum += n * ((ULONGLONG)i << 32) + (n > 0 ? n * (n - 1) / 2 : 0);
    }
    DemoCheck(DemoRequest(device, IOCTL_VPDEMO_DRAIN, NULL, 0, NULL, 0) == NO_ERROR,
              "the ring did not drain: the device hung");
    double elapsed = DemoNow() - start;

    DemoCheck(DemoRequest(device, IOCTL_VPDEMO_QUERY, NULL, 0, &stats, sizeof stats) == NO_ERROR,
              "IOCTL_VPDEMO_QUERY failed");
    DemoCheck(vpspin_query_spin_lock(stats.RingLock, &ring) == NO_ERROR &&
                  vpspin_query_spin_lock(stats.StatsLock, &statsLock) == NO_ERROR,
              "vpspin_query_spin_lock failed");
    DemoCheck(DemoRequest(device, IOCTL_VIDEO_UNMAP_VIDEO_MEMORY, &request, sizeof request, NULL,
                          0) == NO_ERROR &&
                  DemoRequest(device, IOCTL_VPDEMO_SHUTDOWN, NULL, 0, NULL, 0) == NO_ERROR,
              "IOCTL_VIDEO_UNMAP_VIDEO_MEMORY or IOCTL_VPDEMO_SHUTDOWN failed");
    vpspin_query_device(device, &info);
    ULONG leaked = vpspin_stop_device(device);
    ULONGLONG batches = VpDemoModelBatches(model);
    vpspin_delete_adapter(adapter);
    vpspin_unload_miniport(driver);

    /* Every accepted command executed and retired once, in order; nothing else. */
    for (ULONG i = 0; i < options.Clients; i++)
        DemoCheck(stats.Retired[i] == clients[i].Accepted,
                  "a client's commands were not all retired");
    DemoCheck(stats.Submitted == accepted && stats.Completed == accepted,
              "commands accepted, submitted and completed differ");
    DemoCheck(stats.SubmittedSum == sum && stats.ExecutedSum == sum && stats.CompletedSum == sum,
              "the keys submitted, executed and completed differ");
    DemoCheck(stats.OrderErrors == 0, "a command was retired out of order or twice");
    DemoCheck(stats.IrqlErrors == 0, "a routine ran at the wrong IRQL");
    DemoCheck(stats.RingFull == busy, "ERROR_BUSY answers and the miniport's count differ");
    DemoCheck(leaked == 0, "the miniport leaked spin locks");
    ULONG bugchecks = vpspin_bugcheck_count();
    DemoCheck(bugchecks == 0, "vpspin reported a bug check");

    printf("vpspin-demo: the sample miniport (demo/miniport/vpdemo.c) on the vpspin host\n");
    printf("  %-22s %s\n", "library version", vpspin_version());
    printf("  %-22s %s\n", "checking mode", verify_modes[vpspin_get_verify()]);
    printf("  %-22s PCI %04X:%04X, registers (BAR0), command ring (BAR1), frame buffer\n",
           "adapter", VPDEMO_VENDOR_ID, VPDEMO_DEVICE_ID);
    printf("  %-22s (BAR2), mode ports (BAR3); its model completes up to %lu batches/s\n", "",
           (unsigned long)options.Rate);
    printf("  %-22s %lux%lu, 32 bits a pixel, frame buffer of %lu bytes mapped\n", "display mode",
           (unsigned long)current.VisScreenWidth, (unsigned long)current.VisScreenHeight,
           (unsigned long)frame.FrameBufferLength);
    printf("  %-22s %lu clients -> HwStartIO (PASSIVE_LEVEL), HwInterrupt (IRQL %u),\n", "contexts",
           (unsigned long)options.Clients, info.DeviceIrql);
    printf("  %-22s DPC and HwTimer (DISPATCH_LEVEL)\n", "");
    if (options.Commands != 0)
        printf("  %-22s %.2f s (%lu commands per client, then drain)\n", "duration", elapsed,
               (unsigned long)options.Commands);
    else
        printf("  %-22s %.2f s (%lu s submitting, then drain)\n", "duration", elapsed,
               (unsigned long)options.Seconds);
    printf("  %-22s %12llu\n", "commands submitted", stats.Submitted);
    printf("  %-22s %12llu (each once, in order per client)\n", "commands completed",
           stats.Completed);
    printf("  %-22s %12.0f commands/s\n", "throughput", (double)stats.Completed / elapsed);
    printf("  %-22s %12llu\n", "ring full, retried", stats.RingFull);
    printf("  %-22s %12llu executed by the adapter\n", "batches", batches);
    printf("  %-22s %12lu raised, %lu claimed\n", "interrupts", (unsigned long)info.Interrupts,
           (unsigned long)info.InterruptsClaimed);
    printf("  %-22s %12lu queued, %lu run\n", "DPCs", (unsigned long)info.DpcsQueued,
           (unsigned long)info.DpcsRun);
    printf("  %-22s %12lu, hangs detected %llu\n", "timer ticks", (unsigned long)info.TimerTicks,
           stats.Hangs);
    printf("  %-22s %12lu acquisitions, %lu contentions\n", "RingLock",
           (unsigned long)ring.Acquisitions, (unsigned long)ring.Contentions);
    printf("  %-22s %12lu acquisitions, %lu contentions\n", "StatsLock",
           (unsigned long)statsLock.Acquisitions, (unsigned long)statsLock.Contentions);
    printf("  %-22s %12llu asserted by the routines, %llu wrong\n", "IRQL checks", stats.IrqlChecks,
           stats.IrqlErrors);
    printf("  %-22s %12lu routine returns (IRQL, spin locks held)%s\n", "context checks",
           (unsigned long)(info.Requests + info.Interrupts + info.DpcsRun + info.TimerTicks),
           vpspin_get_verify() == VPSPIN_VERIFY_OFF ? ", not checked" : "");
    printf("  %-22s %12lu\n", "spin locks leaked", (unsigned long)leaked);
    printf("  %-22s %12lu\n", "bug checks", (unsigned long)bugchecks);
    printf("  %-22s %12lu\n", "violations", (unsigned long)DemoFailures);
    if (vpspin_get_verify() == VPSPIN_VERIFY_FULL) {
        /* The full mode's lock_stat-style statistics: each lock class (where the locks
         * were created), then its locks, with the call sites that met contention. */
        printf("\n");
        vpspin_write_lock_stat(stdout, VPSPIN_STAT_TABLE);
    }
    if (DemoFailures != 0) {
        printf("FAILED: %s\n", DemoFirstFailure);
        return 1;
    }
    printf("OK\n");
    return 0;
}
