/*
 * host.c - vpspin-host-bench: how the miniport host delivers interrupts and DPCs.
 *
 * A small miniport in this file (HwInterrupt queues its DPC, both stamp the time) runs on
 * the host, and two things are measured, each on a quiet machine and again with
 * 2 x CPUs busy threads (busy loops that touch nothing of the device) beside it:
 *
 *   rates      for each asked rate (vpspin_set_interrupt_rate), --duration seconds:
 *              interrupts delivered per second against the asked rate, and the latency
 *              from the ISR's VideoPortQueueDpc to the DPC routine (p50, p99, max)
 *   on demand  --requests calls of vpspin_interrupt, each after a pause of 100-300 us
 *              (so the host's threads have gone idle): the latency from the call to
 *              HwInterrupt, and from the ISR's VideoPortQueueDpc to the DPC routine;
 *              and, the same way, from KeInsertQueueDpc to its DeferredRoutine (the Ke
 *              layer's DPC thread, which WDM code queues to)
 *   the floor  the same pattern without vpspin: a thread asleep on a pthread condition is
 *              signalled and stamps the time it woke. No delivery through a sleeping thread
 *              can beat this; it is the machine's (a vCPU that halts takes long to wake)
 *
 * Where the woken code ran. Each on-demand sample also records whether the woken code ran on
 * the CPU its waker stamped from, or on another one. On a VM the two differ by tens of
 * microseconds: a woken thread that the kernel places on an idle vCPU waits for that vCPU to
 * leave its halt, one placed on its waker's CPU runs as soon as the waker sleeps. The second
 * table splits each path's latency that way, so a tail can be told from the machine's.
 *
 * Output: the tables on stdout, --csv FILE, --plot FILE.png (gnuplot; the script is
 * written next to it). Times are CLOCK_MONOTONIC.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vpspin/vpspin.h>
#include <vpspin/wdm.h>

#include "hist.h"
#include "timing.h"

extern char **environ;

#define MAX_RATES 16

/* ---- The miniport ----------------------------------------------------------------------- */

/* A path's latencies (ns), split by where the woken code ran: [0] on the CPU the waker
 * stamped from, [1] on another one. */
struct split {
    struct hist at[2];
};

/* Called by the woken code: one sample, from the waker's stamp (ns, CPU) to now. */
static void split_add(struct split *s, uint64_t from_ns, int from_cpu)
{
    uint64_t now = mono_ns();
    hist_add(&s->at[sched_getcpu() != from_cpu], now > from_ns ? now - from_ns : 0);
}

typedef struct {
    _Atomic uint64_t asked_at;  /* vpspin_interrupt's caller: when it called (0: a rate's) */
    _Atomic uint64_t queued_at; /* the ISR: just before VideoPortQueueDpc */
    _Atomic int asked_cpu, queued_cpu; /* and on which CPU */
    _Atomic uint64_t isrs, dpcs;
    struct split isr_lat, dpc_lat; /* ISR's written by the ISR, DPC's by the DPC */
} hb_ext;

static VOID hb_dpc(PVOID ext_, PVOID context)
{
    hb_ext *ext = ext_;
    (void)context;
    split_add(&ext->dpc_lat, atomic_load_explicit(&ext->queued_at, memory_order_relaxed),
              atomic_load_explicit(&ext->queued_cpu, memory_order_relaxed));
    atomic_fetch_add_explicit(&ext->dpcs, 1, memory_order_relaxed);
}

static BOOLEAN hb_isr(PVOID ext_)
{
    hb_ext *ext = ext_;
    uint64_t a = atomic_load_explicit(&ext->asked_at, memory_order_relaxed);
    if (a != 0)
        split_add(&ext->isr_lat, a, atomic_load_explicit(&ext->asked_cpu, memory_order_relaxed));
    atomic_fetch_add_explicit(&ext->isrs, 1, memory_order_relaxed);
    /* Stamped only when the DPC is not queued already: else this interrupt's DPC work is
     * the queued one's (VideoPortQueueDpc returns FALSE), and its latency is that one's. */
    int cpu = sched_getcpu();
    uint64_t old = atomic_exchange_explicit(&ext->queued_at, mono_ns(), memory_order_relaxed);
    int old_cpu = atomic_exchange_explicit(&ext->queued_cpu, cpu, memory_order_relaxed);
    if (!VideoPortQueueDpc(ext, hb_dpc, NULL)) {
        atomic_store_explicit(&ext->queued_at, old, memory_order_relaxed);
        atomic_store_explicit(&ext->queued_cpu, old_cpu, memory_order_relaxed);
    }
    return TRUE;
}

static VP_STATUS hb_find(PVOID ext, PVOID ctx, PWSTR args, PVIDEO_PORT_CONFIG_INFO ci, PUCHAR again)
{
    (void)ext, (void)ctx, (void)args, (void)ci, (void)again;
    return NO_ERROR;
}

static BOOLEAN hb_init(PVOID ext) { return (void)ext, TRUE; }

static BOOLEAN hb_startio(PVOID ext, PVIDEO_REQUEST_PACKET rp)
{
    (void)ext;
    rp->StatusBlock->Status = NO_ERROR;
    return TRUE;
}

static ULONG hb_driver_entry(PVOID a1, PVOID a2)
{
    VIDEO_HW_INITIALIZATION_DATA init;
    memset(&init, 0, sizeof init);
    init.HwInitDataSize = sizeof init;
    init.HwFindAdapter = hb_find;
    init.HwInitialize = hb_init;
    init.HwInterrupt = hb_isr;
    init.HwStartIO = hb_startio;
    init.HwDeviceExtensionSize = sizeof(hb_ext);
    return VideoPortInitialize(a1, a2, &init, NULL);
}

/* ---- Busy threads --------------------------------------------------------------------- */

static atomic_int busy_stop;

static void *busy_thread(void *arg)
{
    (void)arg;
    while (!atomic_load_explicit(&busy_stop, memory_order_relaxed))
        for (volatile int i = 0; i < 1000; i++)
            ;
    return NULL;
}

/* ---- Runs ------------------------------------------------------------------------------ */

struct lat {
    uint64_t n;
    double p50, p99, max; /* us */
};

/* A path's latencies: all its samples, and those on the waker's CPU (at[0]) or not. */
struct split_lat {
    struct lat all, at[2];
};

struct rate_row {
    unsigned asked;
    double delivered; /* per second */
    double dpcs;      /* per second */
    struct lat dpc;
};

/* The on-demand paths: their rows and CSV kinds. */
enum { OD_ISR, OD_DPC, OD_KE_DPC, OD_FLOOR, OD_PATHS };
static const struct {
    const char *row, *kind;
} od_path[OD_PATHS] = {
    {"vpspin_interrupt -> HwInterrupt", "on_demand_isr"},
    {"VideoPortQueueDpc -> DPC routine", "on_demand_dpc"},
    {"KeInsertQueueDpc -> DeferredRoutine", "on_demand_ke_dpc"},
    {"floor: bare condition wake-up", "floor_wake"},
};

struct pass {
    unsigned busy; /* busy threads beside it */
    struct rate_row rates[MAX_RATES];
    struct split_lat od[OD_PATHS];
};

static struct lat lat_of(const struct hist *h)
{
    return (struct lat){h->count, hist_quantile(h, 0.5) / 1e3, hist_quantile(h, 0.99) / 1e3,
                        (double)h->max / 1e3};
}

static struct lat lat_of_all(const struct split *s)
{
    struct hist all = s->at[0];
    hist_merge(&all, &s->at[1]);
    return lat_of(&all);
}

static struct split_lat split_lat_of(const struct split *s)
{
    return (struct split_lat){lat_of_all(s), {lat_of(&s->at[0]), lat_of(&s->at[1])}};
}

static void sleep_ns(uint64_t ns)
{
    struct timespec ts = {(time_t)(ns / 1000000000u), (long)(ns % 1000000000u)};
    while (clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, &ts) == EINTR)
        ;
}

/* The on-demand patterns' pause before each request: 100-300 us, so the threads have gone
 * idle; the same seeded sequence in every pattern. */
static void idle_pause(unsigned *seed) { sleep_ns(100000u + (rand_r(seed) % 200000u)); }

static void reset(hb_ext *ext)
{
    atomic_store(&ext->asked_at, 0);
    atomic_store(&ext->isrs, 0);
    atomic_store(&ext->dpcs, 0);
    memset(&ext->isr_lat, 0, sizeof ext->isr_lat);
    memset(&ext->dpc_lat, 0, sizeof ext->dpc_lat);
}

static void run_rate(vpspin_device *dev, hb_ext *ext, unsigned asked, double seconds,
                     struct rate_row *row)
{
    vpspin_flush_dpcs(dev);
    reset(ext);
    uint64_t t0 = mono_ns();
    vpspin_set_interrupt_rate(dev, asked);
    sleep_ns((uint64_t)(seconds * 1e9));
    vpspin_set_interrupt_rate(dev, 0);
    uint64_t t1 = mono_ns();
    vpspin_flush_dpcs(dev);
    double s = (double)(t1 - t0) / 1e9;
    row->asked = asked;
    row->delivered = (double)atomic_load(&ext->isrs) / s;
    row->dpcs = (double)atomic_load(&ext->dpcs) / s;
    row->dpc = lat_of_all(&ext->dpc_lat);
}

static void run_on_demand(vpspin_device *dev, hb_ext *ext, unsigned requests, struct pass *p)
{
    vpspin_flush_dpcs(dev);
    reset(ext);
    unsigned seed = 1;
    for (unsigned i = 0; i < requests; i++) {
        idle_pause(&seed);
        atomic_store_explicit(&ext->asked_cpu, sched_getcpu(), memory_order_relaxed);
        atomic_store_explicit(&ext->asked_at, mono_ns(), memory_order_relaxed);
        vpspin_interrupt(dev);
        vpspin_flush_dpcs(dev);
    }
    p->od[OD_ISR] = split_lat_of(&ext->isr_lat);
    p->od[OD_DPC] = split_lat_of(&ext->dpc_lat);
}

/* The Ke layer's DPC: queued by this thread at PASSIVE_LEVEL, flushed before the next pause. */
static struct {
    KDPC dpc;
    _Atomic uint64_t at;
    _Atomic int cpu;
    struct split lat;
} kd;

static VOID kd_routine(PKDPC dpc, PVOID context, PVOID a1, PVOID a2)
{
    (void)dpc, (void)context, (void)a1, (void)a2;
    split_add(&kd.lat, atomic_load_explicit(&kd.at, memory_order_relaxed),
              atomic_load_explicit(&kd.cpu, memory_order_relaxed));
}

static void run_ke_dpc(unsigned requests, struct pass *p)
{
    KeInitializeDpc(&kd.dpc, kd_routine, NULL);
    memset(&kd.lat, 0, sizeof kd.lat);
    unsigned seed = 1;
    for (unsigned i = 0; i < requests; i++) {
        idle_pause(&seed);
        atomic_store_explicit(&kd.cpu, sched_getcpu(), memory_order_relaxed);
        atomic_store_explicit(&kd.at, mono_ns(), memory_order_relaxed);
        KeInsertQueueDpc(&kd.dpc, NULL, NULL);
        KeFlushQueuedDpcs();
    }
    p->od[OD_KE_DPC] = split_lat_of(&kd.lat);
}

/* The floor: one thread asleep on a condition, woken by the caller, which waits for the
 * wake-up to be stamped before the next pause, as vpspin_interrupt waits for its ISR. */
static struct {
    pthread_mutex_t m;
    pthread_cond_t c;
    uint64_t asked, seen, at;
    int cpu;
    bool stop;
    struct split lat;
} fl = {.m = PTHREAD_MUTEX_INITIALIZER, .c = PTHREAD_COND_INITIALIZER};

static void *floor_waiter(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&fl.m);
    for (;;) {
        while (fl.seen == fl.asked && !fl.stop)
            pthread_cond_wait(&fl.c, &fl.m);
        if (fl.stop)
            break;
        split_add(&fl.lat, fl.at, fl.cpu);
        fl.seen = fl.asked;
        pthread_cond_broadcast(&fl.c);
    }
    pthread_mutex_unlock(&fl.m);
    return NULL;
}

static int run_floor(unsigned requests, struct pass *p)
{
    pthread_t t;
    memset(&fl.lat, 0, sizeof fl.lat);
    fl.stop = false;
    if (pthread_create(&t, NULL, floor_waiter, NULL) != 0)
        return -1;
    unsigned seed = 1;
    for (unsigned i = 0; i < requests; i++) {
        idle_pause(&seed);
        pthread_mutex_lock(&fl.m);
        fl.cpu = sched_getcpu();
        fl.at = mono_ns();
        fl.asked++;
        pthread_cond_broadcast(&fl.c);
        while (fl.seen != fl.asked)
            pthread_cond_wait(&fl.c, &fl.m);
        pthread_mutex_unlock(&fl.m);
    }
    pthread_mutex_lock(&fl.m);
    fl.stop = true;
    pthread_cond_broadcast(&fl.c);
    pthread_mutex_unlock(&fl.m);
    pthread_join(t, NULL);
    p->od[OD_FLOOR] = split_lat_of(&fl.lat);
    return 0;
}

/* ---- Output ------------------------------------------------------------------------------ */

static void print_pass(const struct pass *p, size_t nrates, double seconds)
{
    printf("\n== %s: interrupt rate (%g s each) and DPC latency (VideoPortQueueDpc -> DPC routine) "
           "==\n",
           p->busy ? "busy" : "quiet", seconds);
    if (p->busy)
        printf("(%u busy threads beside the host's)\n", p->busy);
    printf("%10s %12s %9s %10s %9s %9s %9s\n", "asked/s", "delivered/s", "% asked", "DPCs/s",
           "p50 us", "p99 us", "max us");
    for (size_t i = 0; i < nrates; i++) {
        const struct rate_row *r = &p->rates[i];
        printf("%10u %12.0f %8.1f%% %10.0f %9.1f %9.1f %9.1f\n", r->asked, r->delivered,
               100 * r->delivered / r->asked, r->dpcs, r->dpc.p50, r->dpc.p99, r->dpc.max);
    }
    const char *load = p->busy ? "busy" : "quiet";
    printf("-- %s: on demand, %llu vpspin_interrupt calls, 100-300 us apart: latency (us) --\n",
           load, (unsigned long long)p->od[OD_ISR].all.n);
    printf("%-34s %9s %9s %9s\n", "path", "p50", "p99", "max");
    for (int i = 0; i < OD_PATHS; i++) {
        const struct lat *l = &p->od[i].all;
        printf("%-34s %9.1f %9.1f %9.1f\n", od_path[i].row, l->p50, l->p99, l->max);
    }
    printf("-- %s: on demand, by where the woken code ran: on its waker's CPU, or on another "
           "(share of the samples) --\n", load);
    printf("%-34s %9s %9s %9s %9s %9s\n", "path", "same p50", "same p99", "other %", "other p50",
           "other p99");
    for (int i = 0; i < OD_PATHS; i++) {
        const struct split_lat *s = &p->od[i];
        printf("%-34s %9.1f %9.1f %8.1f%%", od_path[i].row, s->at[0].p50, s->at[0].p99,
               s->all.n ? 100.0 * (double)s->at[1].n / (double)s->all.n : 0.0);
        if (s->at[1].n)
            printf(" %9.1f %9.1f\n", s->at[1].p50, s->at[1].p99);
        else
            printf(" %9s %9s\n", "-", "-");
    }
}

static int write_csv(const char *path, const struct pass *ps, size_t npass, size_t nrates)
{
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return fprintf(stderr, "vpspin-host-bench: %s: %s\n", path, strerror(errno)), -1;
    fprintf(f, "load,busy_threads,kind,asked_per_s,delivered_per_s,pct_asked,dpcs_per_s,"
               "n,p50_us,p99_us,max_us\n");
    for (size_t k = 0; k < npass; k++) {
        const struct pass *p = &ps[k];
        const char *load = p->busy ? "busy" : "quiet";
        for (size_t i = 0; i < nrates; i++) {
            const struct rate_row *r = &p->rates[i];
            fprintf(f, "%s,%u,rate_dpc,%u,%.0f,%.2f,%.0f,%llu,%.2f,%.2f,%.2f\n", load, p->busy,
                    r->asked, r->delivered, 100 * r->delivered / r->asked, r->dpcs,
                    (unsigned long long)r->dpc.n, r->dpc.p50, r->dpc.p99, r->dpc.max);
        }
        static const char *const where[] = {"", "_same_cpu", "_other_cpu"};
        for (int i = 0; i < OD_PATHS; i++)
            for (int w = 0; w < 3; w++) {
                const struct lat *l = w ? &p->od[i].at[w - 1] : &p->od[i].all;
                fprintf(f, "%s,%u,%s%s,,,,,%llu,%.2f,%.2f,%.2f\n", load, p->busy,
                        od_path[i].kind, where[w], (unsigned long long)l->n, l->p50, l->p99,
                        l->max);
            }
    }
    return fclose(f) == 0 ? 0 : -1;
}

/* Two panels: delivered / asked against the asked rate, and DPC latency p99 against it. */
static int write_plot(const char *png, const struct pass *ps, size_t npass, size_t nrates)
{
    char gp[4096];
    snprintf(gp, sizeof gp, "%s.gp", png);
    FILE *f = fopen(gp, "w");
    if (f == NULL)
        return -1;
    fprintf(f, "set terminal pngcairo size 1300,520 font 'sans,11'\nset output '%s'\n", png);
    for (size_t k = 0; k < npass; k++) {
        fprintf(f, "$P%zu << EOD\n", k);
        for (size_t i = 0; i < nrates; i++) {
            const struct rate_row *r = &ps[k].rates[i];
            fprintf(f, "%u %.3f %.3f %.3f\n", r->asked, 100 * r->delivered / r->asked,
                    r->dpc.p99 > 0.01 ? r->dpc.p99 : 0.01, r->dpc.p50 > 0.01 ? r->dpc.p50 : 0.01);
        }
        fprintf(f, "EOD\n");
    }
    fprintf(f,
            "set multiplot layout 1,2 title 'vpspin-host-bench: interrupts and DPCs on the "
            "host (%ld CPUs)'\n"
            "set logscale x 10\nset grid\nset xlabel 'asked interrupts/s'\nset key bottom left\n"
            "set title 'delivered / asked'\nset ylabel '%%'\nset yrange [0:105]\n",
            sysconf(_SC_NPROCESSORS_ONLN));
    fprintf(f, "plot ");
    for (size_t k = 0; k < npass; k++)
        fprintf(f, "%s$P%zu using 1:2 with linespoints lw 2 title '%s'", k ? ", " : "", k,
                ps[k].busy ? "busy" : "quiet");
    fprintf(f, "\nset title 'VideoPortQueueDpc -> DPC routine'\nset ylabel 'us (log)'\n"
               "set logscale y 10\nset yrange [*:*]\nset key top left\nplot ");
    for (size_t k = 0; k < npass; k++)
        fprintf(f,
                "%s$P%zu using 1:3 with linespoints lw 2 title '%s p99', $P%zu using 1:4 with "
                "linespoints dt 2 title '%s p50'",
                k ? ", " : "", k, ps[k].busy ? "busy" : "quiet", k, ps[k].busy ? "busy" : "quiet");
    fprintf(f, "\nunset multiplot\n");
    if (fclose(f) != 0)
        return -1;
    pid_t pid;
    int status;
    char *argv[] = {"gnuplot", gp, NULL};
    if (posix_spawnp(&pid, "gnuplot", NULL, NULL, argv, environ) != 0 ||
        waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return fprintf(stderr, "vpspin-host-bench: gnuplot failed; the script is %s\n", gp), -1;
    return 0;
}

/* ---- Main ------------------------------------------------------------------------------- */

/* A decimal number in lo..hi at s: the whole string, or (end not NULL) up to *end. */
static bool number(const char *s, unsigned long lo, unsigned long hi, unsigned long *v,
                   const char **end)
{
    char *e;
    errno = 0;
    if (*s < '0' || *s > '9' || (*v = strtoul(s, &e, 10), errno != 0) || *v < lo || *v > hi)
        return false;
    if (end != NULL)
        *end = e;
    return end != NULL || *e == '\0';
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: vpspin-host-bench [options]\n"
            "  --rates LIST     interrupts/s to ask for (default "
            "1000,2000,5000,10000,20000,50000,100000)\n"
            "  --duration S     seconds per rate (default 1)\n"
            "  --requests N     on-demand vpspin_interrupt calls (default 2000)\n"
            "  --busy N         busy threads of the second pass (default 2 x CPUs; 0: quiet only)\n"
            "  --csv FILE       results as CSV\n"
            "  --plot FILE.png  delivered rate and DPC latency against the asked rate (gnuplot)\n"
            "  --quick          0.05 s per rate, 50 requests: a smoke test\n");
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {{"rates", required_argument, NULL, 'r'},
                                         {"duration", required_argument, NULL, 'd'},
                                         {"requests", required_argument, NULL, 'n'},
                                         {"busy", required_argument, NULL, 'b'},
                                         {"csv", required_argument, NULL, 'c'},
                                         {"plot", required_argument, NULL, 'p'},
                                         {"quick", no_argument, NULL, 'q'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    unsigned rates[MAX_RATES] = {1000, 2000, 5000, 10000, 20000, 50000, 100000};
    size_t nrates = 7;
    double duration = 1;
    unsigned requests = 2000, busy = 2 * (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
    const char *csv = NULL, *plot = NULL;
    int o;
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (o) {
        case 'r': {
            const char *at = optarg;
            unsigned long r;
            for (nrates = 0;; at++) {
                if (nrates == MAX_RATES || !number(at, 1, 10000000, &r, &at) ||
                    (*at != ',' && *at != '\0'))
                    return fprintf(stderr, "vpspin-host-bench: bad --rates %s: a list of at "
                                           "most %d rates, each 1..10000000 a second\n",
                                   optarg, MAX_RATES), 2;
                rates[nrates++] = (unsigned)r;
                if (*at == '\0')
                    break;
            }
            break;
        }
        case 'd': {
            char *end;
            duration = strtod(optarg, &end);
            if (end == optarg || *end != '\0' || !(duration > 0 && duration < 3600))
                return fprintf(stderr, "vpspin-host-bench: bad --duration %s: seconds, more "
                                       "than 0 and less than 3600\n", optarg), 2;
            break;
        }
        case 'n':
        case 'b': {
            unsigned long v;
            if (!number(optarg, o == 'n', o == 'n' ? 10000000 : 1024, &v, NULL))
                return fprintf(stderr, "vpspin-host-bench: bad --%s %s: %s\n",
                               o == 'n' ? "requests" : "busy", optarg,
                               o == 'n' ? "1..10000000" : "0..1024"), 2;
            *(o == 'n' ? &requests : &busy) = (unsigned)v;
            break;
        }
        case 'c':
            csv = optarg;
            break;
        case 'p':
            plot = optarg;
            break;
        case 'q':
            duration = 0.05, requests = 50;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind < argc)
        return fprintf(stderr, "vpspin-host-bench: unexpected argument %s\n", argv[optind]),
               usage(stderr), 2;

    vpspin_driver *drv;
    vpspin_device *dev;
    if (vpspin_load_miniport(hb_driver_entry, &drv) != 0 || vpspin_start_device(drv, &dev) != 0)
        return fprintf(stderr, "vpspin-host-bench: cannot start the miniport\n"), 1;
    hb_ext *ext = vpspin_device_extension(dev);

    printf("vpspin-host-bench: vpspin %s, %ld CPUs online, checking mode %d\n", vpspin_version(),
           sysconf(_SC_NPROCESSORS_ONLN), (int)vpspin_get_verify());
    static struct pass ps[2];
    size_t npass = busy ? 2 : 1;
    bool ok = true;
    for (size_t k = 0; k < npass; k++) {
        struct pass *p = &ps[k];
        p->busy = k ? busy : 0;
        pthread_t *tids = calloc(p->busy ? p->busy : 1, sizeof *tids);
        atomic_store(&busy_stop, 0);
        for (unsigned i = 0; i < p->busy; i++)
            if (pthread_create(&tids[i], NULL, busy_thread, NULL) != 0)
                return fprintf(stderr, "vpspin-host-bench: pthread_create failed\n"), 1;
        for (size_t i = 0; i < nrates; i++) {
            fprintf(stderr, "[%s] %u/s...", p->busy ? "busy" : "quiet", rates[i]);
            run_rate(dev, ext, rates[i], duration, &p->rates[i]);
            fprintf(stderr, " %.0f/s\n", p->rates[i].delivered);
        }
        run_on_demand(dev, ext, requests, p);
        run_ke_dpc(requests, p);
        if (run_floor(requests, p) != 0)
            return fprintf(stderr, "vpspin-host-bench: pthread_create failed\n"), 1;
        atomic_store(&busy_stop, 1);
        for (unsigned i = 0; i < p->busy; i++)
            pthread_join(tids[i], NULL);
        free(tids);
        ok &= p->od[OD_ISR].all.n == requests && p->od[OD_KE_DPC].all.n == requests;
        print_pass(p, nrates, duration);
    }
    vpspin_stop_device(dev);
    vpspin_unload_miniport(drv);
    if (csv && write_csv(csv, ps, npass, nrates) != 0)
        ok = false;
    if (plot && write_plot(plot, ps, npass, nrates) != 0)
        fprintf(stderr, "vpspin-host-bench: no plot made\n");
    if (!ok)
        fprintf(stderr, "vpspin-host-bench: FAILED: an on-demand interrupt or Ke DPC was not "
                        "delivered\n");
    return ok ? 0 : 1;
}
