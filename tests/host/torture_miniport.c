/*
 * torture_miniport.c - the sample miniport (demo/miniport/vpdemo.c) under load: two
 * devices of one driver at once, each on a simulated adapter of its own whose device
 * model (vpdemo_model.c) executes the commands - one as fast as it can, the other at a
 * rate -, many clients each; device 0 also gets spurious interrupts back to back, and a
 * thread per device raises more and fires the timer (the hang watchdog) on demand, all
 * the time. Then each device is drained, checked and shut down: every command a client
 * had accepted was executed by the adapter and retired exactly once, in order per client;
 * the routines saw the right IRQL; no spin lock leaked; no bug check. Finally the
 * watchdog itself: with the adapter stalled and work outstanding, two timer ticks must
 * count a hang, and none once the work is done.
 *
 * Usage: vpspin-torture-miniport [--seconds N] [--clients N]  (exit 0: SUCCESS)
 */
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <vpspin/adapter.h>

#include "miniport/vpdemo.h"
#include "miniport/vpdemo_model.h"
#include "check.h"

#define DEVICES 2

struct client {
    vpspin_device *device;
    pthread_t thread;
    ULONG index, accepted;
    volatile int *stop;
    VP_STATUS failure;
};

struct storm {
    vpspin_device *device;
    pthread_t thread;
    volatile int *stop;
    unsigned long rounds;
};

static void *client_main(void *arg)
{
    struct client *c = arg;
    while (!__atomic_load_n(c->stop, __ATOMIC_RELAXED) && c->failure == NO_ERROR) {
        VPDEMO_COMMAND cmd = {c->index, c->accepted};
        VP_STATUS st =
            vpspin_send_request(c->device, IOCTL_VPDEMO_SUBMIT, &cmd, sizeof cmd, NULL, 0, NULL);
        if (st == NO_ERROR)
            c->accepted++;
        else if (st == ERROR_BUSY)
            sched_yield();
        else
            c->failure = st;
    }
    return NULL;
}

/* Interrupts and timer ticks on demand, besides the rate and the periodic timer. */
static void *storm_main(void *arg)
{
    struct storm *s = arg;
    while (!__atomic_load_n(s->stop, __ATOMIC_RELAXED)) {
        vpspin_interrupt(s->device);
        if (s->rounds++ % 16 == 0)
            vpspin_fire_timer(s->device);
    }
    return NULL;
}

static ULONGLONG key_sum(ULONG client, ULONGLONG n)
{
    return n * ((ULONGLONG)client << 32) + (n > 0 ? n * (n - 1) / 2 : 0);
}

static VP_STATUS request(vpspin_device *d, ULONG code, PVOID in, ULONG inlen, PVOID out,
                         ULONG outlen)
{
    return vpspin_send_request(d, code, in, inlen, out, outlen, NULL);
}

/* The hang watchdog: work outstanding and no progress for two ticks is a hang. */
static void test_watchdog(vpspin_driver *driver)
{
    vpspin_adapter *a;
    PVPDEMO_MODEL model;
    vpspin_device *d;
    VPDEMO_STATISTICS stats;

    CHECK_EQ(VpDemoCreateAdapter(DEVICES, 0, &a, &model), NO_ERROR);
    CHECK_EQ(vpspin_start_adapter(driver, a, &d), NO_ERROR);
    VpDemoStallModel(model, TRUE);                                         /* the adapter hangs */
    CHECK_EQ(request(d, IOCTL_VPDEMO_SUBMIT, NULL, 0, NULL, 0), NO_ERROR); /* its own client */
    CHECK_EQ(vpspin_fire_timer(d), TRUE); /* sees the fence where it is */
    CHECK_EQ(vpspin_fire_timer(d), TRUE); /* and it has not moved: a hang */
    CHECK_EQ(request(d, IOCTL_VPDEMO_QUERY, NULL, 0, &stats, sizeof stats), NO_ERROR);
    CHECK(stats.Hangs >= 1);
    ULONGLONG hangs = stats.Hangs;
    VpDemoStallModel(model, FALSE); /* the adapter completes it and interrupts */
    CHECK_EQ(request(d, IOCTL_VPDEMO_DRAIN, NULL, 0, NULL, 0), NO_ERROR);
    CHECK_EQ(vpspin_fire_timer(d), TRUE);
    CHECK_EQ(vpspin_fire_timer(d), TRUE);
    CHECK_EQ(request(d, IOCTL_VPDEMO_QUERY, NULL, 0, &stats, sizeof stats), NO_ERROR);
    CHECK_EQ(stats.Hangs, hangs); /* nothing outstanding: no hang */
    CHECK_EQ(stats.Completed, 1);
    CHECK_EQ(stats.Retired[VPDEMO_OWN_CLIENT], 1);
    CHECK_EQ(stats.ExecutedSum, (ULONGLONG)VPDEMO_OWN_CLIENT << 32);
    CHECK_EQ(request(d, IOCTL_VPDEMO_SHUTDOWN, NULL, 0, NULL, 0), NO_ERROR);
    CHECK_EQ(vpspin_stop_device(d), 0);
    vpspin_delete_adapter(a);
}

int main(int argc, char **argv)
{
    static struct client clients[DEVICES][VPDEMO_MAX_CLIENTS];
    static struct storm storms[DEVICES];
    ULONG seconds = 1, nclients = 8;
    volatile int stop = 0;
    vpspin_driver *driver;
    vpspin_adapter *adapters[DEVICES];
    vpspin_device *devices[DEVICES];

    bool bad = false;
    for (int i = 1; i < argc && !bad; i += 2) {
        char *end = NULL;
        unsigned long v = i + 1 < argc ? strtoul(argv[i + 1], &end, 10) : 0;
        bad = end == NULL || end == argv[i + 1] || *end != '\0' || v > 86400;
        if (strcmp(argv[i], "--seconds") == 0)
            seconds = (ULONG)v;
        else if (strcmp(argv[i], "--clients") == 0)
            nclients = (ULONG)v;
        else
            bad = true;
    }
    if (bad || nclients < 1 || nclients > VPDEMO_MAX_CLIENTS || seconds < 1) {
        fprintf(stderr, "usage: vpspin-torture-miniport [--seconds N] [--clients 1..%d]\n",
                VPDEMO_MAX_CLIENTS);
        return 2;
    }
    if (getenv("VPSPIN_VERIFY") == NULL)
        vpspin_set_verify(VPSPIN_VERIFY_FULL);

    CHECK_EQ(vpspin_load_miniport(VpDemoDriverEntry, &driver), STATUS_SUCCESS);
    for (int d = 0; d < DEVICES; d++) {
        CHECK_EQ(VpDemoCreateAdapter((ULONG)d, d == 0 ? 0 : 50000, &adapters[d], NULL), NO_ERROR);
        CHECK_EQ(vpspin_start_adapter(driver, adapters[d], &devices[d]), NO_ERROR);
        if (d == 0) /* the ISR must tell these from the adapter's */
            vpspin_set_interrupt_rate(devices[d], VPSPIN_INTERRUPT_RATE_MAX);
        storms[d] = (struct storm){.device = devices[d], .stop = &stop};
        pthread_create(&storms[d].thread, NULL, storm_main, &storms[d]);
        for (ULONG c = 0; c < nclients; c++) {
            clients[d][c] = (struct client){.device = devices[d], .index = c, .stop = &stop};
            pthread_create(&clients[d][c].thread, NULL, client_main, &clients[d][c]);
        }
    }

    /* Waiting out the run is the test's duration, not synchronization. */
    struct timespec run = {.tv_sec = (time_t)seconds};
    while (nanosleep(&run, &run) != 0)
        ;
    __atomic_store_n(&stop, 1, __ATOMIC_RELAXED);

    ULONGLONG total = 0;
    for (int d = 0; d < DEVICES; d++) {
        VPDEMO_STATISTICS stats;
        ULONGLONG accepted = 0, sum = 0;
        for (ULONG c = 0; c < nclients; c++) {
            pthread_join(clients[d][c].thread, NULL);
            CHECK_EQ(clients[d][c].failure, NO_ERROR);
            accepted += clients[d][c].accepted;
            sum += key_sum(c, clients[d][c].accepted);
        }
        pthread_join(storms[d].thread, NULL);
        CHECK_EQ(request(devices[d], IOCTL_VPDEMO_DRAIN, NULL, 0, NULL, 0), NO_ERROR);
        CHECK_EQ(request(devices[d], IOCTL_VPDEMO_QUERY, NULL, 0, &stats, sizeof stats), NO_ERROR);
        for (ULONG c = 0; c < nclients; c++)
            CHECK_EQ(stats.Retired[c], clients[d][c].accepted);
        CHECK_EQ(stats.Submitted, accepted);
        CHECK_EQ(stats.Completed, accepted);
        CHECK(stats.SubmittedSum == sum && stats.ExecutedSum == sum && stats.CompletedSum == sum);
        CHECK_EQ(stats.OrderErrors, 0);
        CHECK_EQ(stats.IrqlErrors, 0);
        CHECK(stats.IrqlChecks > 0);
        CHECK(stats.TimerTicks > 0);
        CHECK_EQ(request(devices[d], IOCTL_VPDEMO_SHUTDOWN, NULL, 0, NULL, 0), NO_ERROR);
        CHECK_EQ(vpspin_stop_device(devices[d]), 0);
        vpspin_delete_adapter(adapters[d]);
        printf("device %d: %llu commands, %llu interrupts claimed, %llu DPCs, %llu timer ticks, "
               "%lu storm rounds\n",
               d, stats.Completed, stats.Interrupts, stats.DpcRuns, stats.TimerTicks,
               storms[d].rounds);
        total += stats.Completed;
    }
    test_watchdog(driver);
    vpspin_unload_miniport(driver);
    CHECK_EQ(vpspin_bugcheck_count(), 0);
    int rc = check_done();
    printf("vpspin-torture-miniport: %d devices x %lu clients, %lu s: %llu commands, "
           "each retired once: %s\n",
           DEVICES, (unsigned long)nclients, (unsigned long)seconds, total,
           rc == 0 ? "SUCCESS" : "FAILURE");
    return rc;
}
