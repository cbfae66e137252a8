/*
 * torture.c - vpspin-torture: a locktorture-style run of one lock by many writers.
 *
 * Each writer takes the lock, checks that nobody else is inside (a "held" flag it sets
 * and clears), bumps a plain protected count, now and then holds the lock for a long
 * time (busy for ~20 us) or yields the processor inside the critical section (so a
 * preempted holder is the common case, not the rare one), and releases. At the end the
 * protected count must equal the sum of the writers' own counts and the held flag must
 * never have been seen set. It prints per-writer max/min and "SUCCESS" or "FAILURE"; the
 * exit status says the same (0 / 1).
 *
 *   vpspin-torture [--seconds S] [--writers N] [--lock vp|ke|keq|mixed|broken]
 *
 * --writers defaults to twice the online CPUs. --lock broken is a control: a "lock" that
 * excludes nothing, which the harness must report as FAILURE (so the harness is tested).
 * mixed: each writer cycles through VideoPort raising and DPC-level acquires on one lock.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <vpspin/vpspin.h>

enum kind { VP, KE, KEQ, MIXED, BROKEN };
static const char *const kind_names[] = {"vp", "ke", "keq", "mixed", "broken"};

static struct {
    enum kind kind;
    double seconds;
    int writers;
} opt = {VP, 2.0, 0};

static struct {
    PSPIN_LOCK vp;
    KSPIN_LOCK ke;
    /* Protected by the lock: */
    int held;
    unsigned long long count;
    unsigned long long violations;
} shared;

static volatile int stop; /* written once by main; relaxed polling is enough */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One critical section, with the rare long hold or yield inside. */
static void critical_section(unsigned long long i)
{
    if (__atomic_load_n(&shared.held, __ATOMIC_RELAXED) != 0)
        shared.violations++;
    __atomic_store_n(&shared.held, 1, __ATOMIC_RELAXED);
    shared.count++;
    if (i % 4096 == 0) {
        double end = now_s() + 20e-6;
        while (now_s() < end)
            ;
    } else if (i % 1024 == 0) {
        sched_yield();
    }
    __atomic_store_n(&shared.held, 0, __ATOMIC_RELAXED);
}

static void one_round(unsigned long long i)
{
    UCHAR vp_old;
    KIRQL old;
    KLOCK_QUEUE_HANDLE h;
    switch (opt.kind) {
    case VP:
        VideoPortAcquireSpinLock(NULL, shared.vp, &vp_old);
        critical_section(i);
        VideoPortReleaseSpinLock(NULL, shared.vp, vp_old);
        break;
    case KE:
        KeAcquireSpinLock(&shared.ke, &old);
        critical_section(i);
        KeReleaseSpinLock(&shared.ke, old);
        break;
    case KEQ:
        KeAcquireInStackQueuedSpinLock(&shared.ke, &h);
        critical_section(i);
        KeReleaseInStackQueuedSpinLock(&h);
        break;
    case MIXED:
        if (i % 2) {
            VideoPortAcquireSpinLock(NULL, shared.vp, &vp_old);
            critical_section(i);
            VideoPortReleaseSpinLock(NULL, shared.vp, vp_old);
        } else {
            old = KeRaiseIrqlToDpcLevel();
            VideoPortAcquireSpinLockAtDpcLevel(NULL, shared.vp);
            critical_section(i);
            VideoPortReleaseSpinLockFromDpcLevel(NULL, shared.vp);
            KeLowerIrql(old);
        }
        break;
    case BROKEN:
        critical_section(i); /* no lock at all: the control */
        break;
    }
}

struct writer {
    pthread_t thread;
    unsigned long long count;
};

static void *writer_main(void *arg)
{
    struct writer *w = arg;
    while (!__atomic_load_n(&stop, __ATOMIC_RELAXED))
        one_round(++w->count);
    return NULL;
}

static void usage(void)
{
    fprintf(stderr, "usage: vpspin-torture [--seconds S] [--writers N] "
                    "[--lock vp|ke|keq|mixed|broken]\n");
    exit(2);
}

static void parse(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (i + 1 >= argc)
            usage();
        char *end;
        if (strcmp(argv[i], "--seconds") == 0) {
            opt.seconds = strtod(argv[++i], &end);
            if (end == argv[i] || *end != '\0')
                usage();
        } else if (strcmp(argv[i], "--writers") == 0) {
            opt.writers = (int)strtol(argv[++i], &end, 10);
            if (end == argv[i] || *end != '\0' || opt.writers <= 0)
                usage();
        } else if (strcmp(argv[i], "--lock") == 0) {
            const char *name = argv[++i];
            int k;
            for (k = 0; k <= BROKEN && strcmp(name, kind_names[k]) != 0; k++)
                ;
            if (k > BROKEN)
                usage();
            opt.kind = (enum kind)k;
        } else {
            usage();
        }
    }
    if (opt.writers <= 0)
        opt.writers = 2 * (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (opt.seconds <= 0 || opt.writers > 1024)
        usage();
}

int main(int argc, char **argv)
{
    parse(argc, argv);
    KeInitializeSpinLock(&shared.ke);
    if (VideoPortCreateSpinLock(NULL, &shared.vp) != NO_ERROR) {
        fprintf(stderr, "vpspin-torture: cannot create a lock\n");
        return 1;
    }
    struct writer *w = calloc((size_t)opt.writers, sizeof *w);
    if (w == NULL)
        return 1;
    for (int i = 0; i < opt.writers; i++)
        if (pthread_create(&w[i].thread, NULL, writer_main, &w[i]) != 0) {
            perror("pthread_create");
            return 1;
        }
    /* The run's length is the one thing timed here; nothing waits on it for correctness. */
    struct timespec ts = {(time_t)opt.seconds, (long)((opt.seconds - (double)(time_t)opt.seconds) * 1e9)};
    nanosleep(&ts, NULL);
    __atomic_store_n(&stop, 1, __ATOMIC_RELAXED);

    unsigned long long total = 0, lo = ~0ull, hi = 0;
    for (int i = 0; i < opt.writers; i++) {
        pthread_join(w[i].thread, NULL);
        total += w[i].count;
        lo = w[i].count < lo ? w[i].count : lo;
        hi = w[i].count > hi ? w[i].count : hi;
    }
    int ok = shared.count == total && shared.violations == 0;
    printf("vpspin-torture: lock %s, %d writers, %.1f s: %llu acquisitions (%.2f M/s), "
           "per writer max %llu / min %llu, %llu violations, count %s: %s\n",
           kind_names[opt.kind], opt.writers, opt.seconds, total, (double)total / opt.seconds / 1e6,
           hi, lo, shared.violations, shared.count == total ? "exact" : "WRONG",
           ok ? "SUCCESS" : "FAILURE");
    VideoPortDeleteSpinLock(NULL, shared.vp);
    free(w);
    return ok ? 0 : 1;
}
