/*
 * bench.c - vpspin-bench: vpspin's spin locks side by side with pthread and Concurrency
 * Kit locks, in one run, on one fixed matrix of workloads.
 *
 * What it measures
 *   uncontended  one thread takes and releases the lock back to back: ns per pair, the
 *                median of 7 timed runs of 2,000,000 pairs (3 x 100,000 with --quick);
 *                nothing else is in the loop.
 *   contended    N threads share one lock. Each iteration: take the lock, bump a plain
 *                (non-atomic) protected counter and spin CS busy-loop iterations,
 *                release, spin OUT iterations outside. A cell runs for --duration
 *                seconds; its threads start together (barrier) and check a stop flag
 *                once per iteration. Per cell: throughput; per-thread counts -> max/min
 *                and Jain's fairness index, and Jain's index of the threads' CPU time (a
 *                lock is the unfair one only where the first is below the second); wait;
 *                handoff latency. At the end of each cell the protected counter must
 *                equal the sum of the per-thread counts: if not, the lock failed to
 *                exclude, which is reported and makes the exit status 1.
 *
 * Timing without drowning the locks: a timestamp costs more than an uncontended lock, so
 * only one acquisition in SAMPLE is timed (stamp before the acquire, stamp after it), and
 * p99 wait comes from those samples (merged per-thread log-linear histograms). The max
 * wait is bounded instead: the time between two timed acquisitions of a thread covers
 * SAMPLE acquisitions with their own work, so no wait in it was longer; the largest such
 * block is reported as the max wait bound (an upper bound, exact when one wait dominates,
 * but it also counts time the thread spent preempted outside the lock), beside the
 * longest timed acquisition (exact, but only of the samples).
 * Handoff latency: in a timed critical section the holder stamps its release and its id
 * into protected fields; the next acquirer, if it is another thread, records now - that
 * stamp (median reported).
 *
 * How: locks.h reduces every lock to a shim; INSTANTIATE below stamps the loops out
 * once per shim, twice: loops that call the lock inline (--call inline: an inline lock
 * is inlined), and loops that call it through a function pointer to a small wrapper
 * (--call pointer, the default: every lock pays the same call, as in issue 16's
 * side-by-side benchmark; vpspin and pthread are then called from the wrapper). The
 * header line of the output says which. The vpspin shims run twice, after vpspin_set_verify(OFF) and
 * (DEFAULT), set between cells while no lock is held. Stamps: timing.h; histograms:
 * hist.h; tables, CSV and plot: report.c.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "hist.h"
#include "locks.h"
#include "timing.h"

#if defined(__SANITIZE_THREAD__)
#define BENCH_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define BENCH_TSAN 1
#endif
#endif
#ifndef BENCH_TSAN
#define BENCH_TSAN 0
#endif

#define NO_OWNER 0xffffffffu
#define NO_HANDOFF UINT64_MAX

/* The shared lock, and on their own cache lines the data it protects and the stop flag. */
struct box {
    _Alignas(64) union bench_any_lock lock;
    _Alignas(64) struct {
        uint64_t counter;      /* acquisitions, counted under the lock */
        unsigned last_owner;   /* the last holder's worker id */
        uint64_t last_release; /* its stamp just before it released */
        bool stamped;          /* last_release was stamped by the last holder */
        unsigned last_id;      /* the worker id of the last holder, every acquisition */
        uint64_t changes;      /* acquisitions by another thread than the one before */
    } prot;
    _Alignas(64) atomic_int stop;
};

/* One contended thread's parameters and private results. */
struct worker {
    _Alignas(64) struct box *box;
    pthread_barrier_t *start;
    unsigned id, cs, out;
    uint64_t count, begin, end;
    uint64_t cpu_ns; /* the thread's CPU time over the loop */
    uint64_t max_block; /* the longest SAMPLE-acquisition block: bounds every wait in it */
    struct hist wait, handoff;
    struct bench_profile profile; /* what the lock's slow paths did (profile builds) */
};

/* One acquisition in SAMPLE is timed. */
#define SAMPLE 16u

static inline void busy(unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        __asm__ __volatile__("");
}

static inline uint64_t thread_cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline void worker_begin(struct worker *w)
{
    pthread_barrier_wait(w->start);
    w->cpu_ns = thread_cpu_ns();
    w->begin = stamp();
}

static inline bool worker_should_stop(const struct worker *w)
{
    return atomic_load_explicit(&w->box->stop, memory_order_relaxed) != 0;
}

/* The protected work. Returns the handoff latency if the previous holder stamped its
 * release and was another thread, else NO_HANDOFF; stamps our own release if timed. */
static inline uint64_t critical_section(struct worker *w, bool timed)
{
    struct box *b = w->box;
    uint64_t handoff = NO_HANDOFF;
    if (b->prot.last_id != w->id) {
        b->prot.last_id = w->id;
        b->prot.changes++;
    }
    if (b->prot.stamped) {
        b->prot.stamped = false;
        if (b->prot.last_owner != w->id) {
            uint64_t now = stamp();
            handoff = now > b->prot.last_release ? now - b->prot.last_release : 0;
        }
    }
    b->prot.counter++;
    busy(w->cs);
    if (timed) {
        b->prot.last_owner = w->id;
        b->prot.stamped = true;
        b->prot.last_release = stamp();
    }
    return handoff;
}

/* After a timed acquisition: its wait, and the block of SAMPLE acquisitions it ends. */
static inline void worker_record(struct worker *w, uint64_t t0, uint64_t t1, uint64_t *block)
{
    hist_add(&w->wait, t1 > t0 ? t1 - t0 : 0);
    if (t1 - *block > w->max_block)
        w->max_block = t1 - *block;
    *block = t1;
}

/* The contended loop, with LOCK and UNLOCK the calls that take and release l. */
#define WORKER_LOOP(LOCK, UNLOCK)                                                          \
    worker_begin(w);                                                                       \
    uint64_t block = w->begin;                                                             \
    for (unsigned k = 1; !worker_should_stop(w); k++) {                                    \
        bool timed = k % SAMPLE == 0;                                                      \
        uint64_t t0 = timed ? stamp() : 0;                                                 \
        LOCK;                                                                              \
        uint64_t t1 = timed ? stamp() : 0;                                                 \
        uint64_t handoff = critical_section(w, timed);                                     \
        UNLOCK;                                                                            \
        w->count++;                                                                        \
        if (handoff != NO_HANDOFF)                                                         \
            hist_add(&w->handoff, handoff);                                                \
        if (timed)                                                                         \
            worker_record(w, t0, t1, &block);                                              \
        busy(w->out);                                                                      \
    }                                                                                      \
    w->end = stamp();                                                                      \
    w->cpu_ns = thread_cpu_ns() - w->cpu_ns;                                               \
    bench_profile_take(&w->profile)

/* The loops, once per shim: ID_setup, ID_teardown, ID_pairs, ID_worker and ID_shim, and
 * for --call pointer ID_lock_fn / ID_unlock_fn (the lock's code in a function of its own,
 * called through a pointer: an inline lock pays a call as a library's lock does), with
 * ID_pairs_ptr and ID_worker_ptr, the same loops calling them. */
#define INSTANTIATE(id, name, what, is_vpspin, tsan_blind)                                \
    static int id##_setup(struct box *b) { return id##_init(&b->lock.id); }                \
    static void id##_teardown(struct box *b) { id##_destroy(&b->lock.id); }               \
    __attribute__((noinline)) static void id##_lock_fn(void *l, void *c)                   \
    {                                                                                      \
        id##_lock(l, c);                                                                   \
    }                                                                                      \
    __attribute__((noinline)) static void id##_unlock_fn(void *l, void *c)                 \
    {                                                                                      \
        id##_unlock(l, c);                                                                 \
    }                                                                                      \
    static uint64_t id##_pairs(struct box *b, uint64_t n)                                  \
    {                                                                                      \
        id##_lock_t *l = &b->lock.id;                                                      \
        id##_ctx_t c;                                                                      \
        memset(&c, 0, sizeof c);                                                           \
        uint64_t t0 = mono_ns();                                                           \
        for (uint64_t i = 0; i < n; i++) {                                                 \
            id##_lock(l, &c);                                                              \
            id##_unlock(l, &c);                                                            \
        }                                                                                  \
        return mono_ns() - t0;                                                             \
    }                                                                                      \
    static uint64_t id##_pairs_ptr(struct box *b, uint64_t n)                              \
    {                                                                                      \
        id##_lock_t *l = &b->lock.id;                                                      \
        id##_ctx_t c;                                                                      \
        memset(&c, 0, sizeof c);                                                           \
        void (*volatile lock_v)(void *, void *) = id##_lock_fn;                            \
        void (*volatile unlock_v)(void *, void *) = id##_unlock_fn;                        \
        void (*lock)(void *, void *) = lock_v, (*unlock)(void *, void *) = unlock_v;       \
        uint64_t t0 = mono_ns();                                                           \
        for (uint64_t i = 0; i < n; i++) {                                                 \
            lock(l, &c);                                                                   \
            unlock(l, &c);                                                                 \
        }                                                                                  \
        return mono_ns() - t0;                                                             \
    }                                                                                      \
    static void *id##_worker(void *arg)                                                    \
    {                                                                                      \
        struct worker *w = arg;                                                            \
        id##_lock_t *l = &w->box->lock.id;                                                 \
        id##_ctx_t c; /* on this thread's stack, as a KLOCK_QUEUE_HANDLE is meant to be */ \
        memset(&c, 0, sizeof c);                                                           \
        WORKER_LOOP(id##_lock(l, &c), id##_unlock(l, &c));                                 \
        return NULL;                                                                       \
    }                                                                                      \
    static void *id##_worker_ptr(void *arg)                                                \
    {                                                                                      \
        struct worker *w = arg;                                                            \
        id##_lock_t *l = &w->box->lock.id;                                                 \
        id##_ctx_t c;                                                                      \
        memset(&c, 0, sizeof c);                                                           \
        void (*volatile lock_v)(void *, void *) = id##_lock_fn;                            \
        void (*volatile unlock_v)(void *, void *) = id##_unlock_fn;                        \
        void (*lock)(void *, void *) = lock_v, (*unlock)(void *, void *) = unlock_v;       \
        WORKER_LOOP(lock(l, &c), unlock(l, &c));                                           \
        return NULL;                                                                       \
    }                                                                                      \
    static const struct shim id##_shim = {                                                 \
        name,          what,       is_vpspin,      tsan_blind,    id##_setup,              \
        id##_teardown, {id##_pairs, id##_pairs_ptr}, {id##_worker, id##_worker_ptr}};
LOCK_SHIMS(INSTANTIATE)

/* The rows of the tables, in order. */
static const struct variant all_variants[] = {
    {"vp", &vp_shim, VPSPIN_VERIFY_OFF, 0},
    {"vp-chk", &vp_shim, VPSPIN_VERIFY_DEFAULT, 0},
    {"vp-full", &vp_shim, VPSPIN_VERIFY_FULL, 0},
    {"ke", &ke_shim, VPSPIN_VERIFY_OFF, 1},
    {"ke-chk", &ke_shim, VPSPIN_VERIFY_DEFAULT, 1},
    {"ke-full", &ke_shim, VPSPIN_VERIFY_FULL, 1},
    {"keq", &keq_shim, VPSPIN_VERIFY_OFF, 2},
    {"keq-chk", &keq_shim, VPSPIN_VERIFY_DEFAULT, 2},
    {"keq-full", &keq_shim, VPSPIN_VERIFY_FULL, 2},
    {"pthread-spin", &pspin_shim, BENCH_NO_VERIFY, 3},
    {"pthread-mutex", &pmutex_shim, BENCH_NO_VERIFY, 4},
    {"adaptive", &adaptive_shim, BENCH_NO_VERIFY, 5},
    {"ck-fas", &ckfas_shim, BENCH_NO_VERIFY, 6},
    {"ck-ticket", &ckticket_shim, BENCH_NO_VERIFY, 7},
    {"ck-mcs", &ckmcs_shim, BENCH_NO_VERIFY, 8},
};
#define NVARIANTS (sizeof all_variants / sizeof all_variants[0])

static _Noreturn void die(const char *what)
{
    fprintf(stderr, "vpspin-bench: %s: %s\n", what, strerror(errno));
    exit(1);
}

/* ---- Running one variant ------------------------------------------------------------- */

static struct box *box_new(const struct variant *v)
{
    struct box *b = aligned_alloc(64, sizeof *b);
    if (b == NULL)
        die("out of memory");
    memset(b, 0, sizeof *b);
    b->prot.last_owner = NO_OWNER;
    b->prot.last_id = NO_OWNER;
    if (v->verify != BENCH_NO_VERIFY && vpspin_set_verify((vpspin_verify_mode)v->verify) != 0) {
        fprintf(stderr, "vpspin-bench: vpspin_set_verify(%d) failed\n", v->verify);
        exit(1);
    }
    if (v->shim->setup(b) != 0) {
        fprintf(stderr, "vpspin-bench: cannot create a %s lock\n", v->name);
        exit(1);
    }
    return b;
}

static void box_free(const struct variant *v, struct box *b)
{
    v->shim->teardown(b);
    free(b);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* ns per uncontended pair: the median of cfg->runs runs, after a warm-up run. */
static double run_uncontended(const struct config *cfg, const struct variant *v)
{
    double ns[64];
    unsigned runs = cfg->runs < 64 ? cfg->runs : 64;
    struct box *b = box_new(v);
    v->shim->pairs[cfg->call](b, cfg->pairs / 4 + 1);
    for (unsigned r = 0; r < runs; r++)
        ns[r] = (double)v->shim->pairs[cfg->call](b, cfg->pairs) / (double)cfg->pairs;
    box_free(v, b);
    qsort(ns, runs, sizeof ns[0], cmp_double);
    return runs % 2 ? ns[runs / 2] : (ns[runs / 2 - 1] + ns[runs / 2]) / 2;
}

static void sleep_seconds(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - floor(s)) * 1e9)};
    while (clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, &ts) == EINTR)
        ;
}

/* Per-thread results -> the cell's numbers. */
static void summarize(const struct config *cfg, const struct box *b, const struct worker *w,
                      unsigned n, struct cell *c)
{
    struct hist wait, handoff;
    memset(&wait, 0, sizeof wait);
    memset(&handoff, 0, sizeof handoff);
    uint64_t begin = UINT64_MAX, end = 0, lo = UINT64_MAX, hi = 0, max_block = 0;
    double sum = 0, sumsq = 0, cpu = 0, cpusq = 0;
    for (unsigned i = 0; i < n; i++) {
        double x = (double)w[i].count, y = (double)w[i].cpu_ns;
        sum += x;
        sumsq += x * x;
        cpu += y;
        cpusq += y * y;
        lo = w[i].count < lo ? w[i].count : lo;
        hi = w[i].count > hi ? w[i].count : hi;
        begin = w[i].begin < begin ? w[i].begin : begin;
        end = w[i].end > end ? w[i].end : end;
        hist_merge(&wait, &w[i].wait);
        max_block = w[i].max_block > max_block ? w[i].max_block : max_block;
        hist_merge(&handoff, &w[i].handoff);
    }
    double tick = cfg->ns_per_tick;
    c->total = (uint64_t)sum;
    c->counter = b->prot.counter;
    c->counter_ok = c->counter == c->total;
    c->changes = b->prot.changes;
    c->seconds = end > begin ? (double)(end - begin) * tick / 1e9 : 0;
    for (unsigned i = 0; i < n; i++)
        bench_profile_add(&c->profile, &w[i].profile);
    c->mops = end > begin ? sum * 1e3 / ((double)(end - begin) * tick) : 0;
    c->jain = sumsq > 0 ? sum * sum / (n * sumsq) : 0;
    c->jain_cpu = cpusq > 0 ? cpu * cpu / (n * cpusq) : 0;
    c->max_min = lo > 0 ? (double)hi / (double)lo : INFINITY;
    c->max_wait_us = (double)(max_block > wait.max ? max_block : wait.max) * tick / 1e3;
    c->max_sampled_us = (double)wait.max * tick / 1e3;
    c->p99_wait_us = (double)hist_quantile(&wait, 0.99) * tick / 1e3;
    c->handoff_ns = handoff.count ? (double)hist_quantile(&handoff, 0.5) * tick : NAN;
    c->done = true;
}

/* One contended cell: n threads on one lock for cfg->duration seconds. */
static void run_cell(const struct config *cfg, const struct variant *v, struct workload wl,
                     unsigned n, struct cell *c)
{
    struct box *b = box_new(v);
    struct worker *w = aligned_alloc(64, n * sizeof *w);
    pthread_t *tid = calloc(n, sizeof *tid);
    pthread_barrier_t start;
    if (w == NULL || tid == NULL)
        die("out of memory");
    memset(w, 0, n * sizeof *w);
    pthread_barrier_init(&start, NULL, n + 1);
    for (unsigned i = 0; i < n; i++) {
        w[i].box = b;
        w[i].start = &start;
        w[i].id = i;
        w[i].cs = wl.cs;
        w[i].out = wl.out;
        if ((errno = pthread_create(&tid[i], NULL, v->shim->worker[cfg->call], &w[i])) != 0)
            die("pthread_create");
    }
    pthread_barrier_wait(&start);
    sleep_seconds(cfg->duration);
    atomic_store_explicit(&b->stop, 1, memory_order_relaxed);
    for (unsigned i = 0; i < n; i++)
        pthread_join(tid[i], NULL);
    pthread_barrier_destroy(&start);
    summarize(cfg, b, w, n, c);
    free(tid);
    free(w);
    box_free(v, b);
}

/* ---- The whole matrix ---------------------------------------------------------------- */

static void run_all_uncontended(const struct config *cfg, struct results *r)
{
    for (size_t v = 0; v < cfg->nvariants; v++) {
        fprintf(stderr, "[u %zu/%zu] %s uncontended...", v + 1, cfg->nvariants,
                cfg->variants[v]->name);
        fflush(stderr);
        r->ns_per_pair[v] = run_uncontended(cfg, cfg->variants[v]);
        fprintf(stderr, " %.1f ns/pair\n", r->ns_per_pair[v]);
    }
}

/* Returns false if any counter check failed. */
static bool run_all_contended(const struct config *cfg, struct results *r)
{
    size_t total = cfg->nworkloads * cfg->nvariants * cfg->nthreads, k = 0;
    bool ok = true;
    for (size_t wi = 0; wi < cfg->nworkloads; wi++)
        for (size_t v = 0; v < cfg->nvariants; v++)
            for (size_t t = 0; t < cfg->nthreads; t++) {
                struct workload wl = cfg->workloads[wi];
                struct cell *c = result_cell(r, wi, v, t);
                fprintf(stderr, "[%zu/%zu] %s %u/%u %u threads...", ++k, total,
                        cfg->variants[v]->name, wl.cs, wl.out, cfg->threads[t]);
                fflush(stderr);
                run_cell(cfg, cfg->variants[v], wl, cfg->threads[t], c);
                fprintf(stderr, " %.3f Mops/s\n", c->mops);
                if (!c->counter_ok)
                    fprintf(stderr,
                            "vpspin-bench: ERROR: %s %u/%u %u threads: protected counter "
                            "%llu != %llu acquisitions counted: the lock did not exclude\n",
                            cfg->variants[v]->name, wl.cs, wl.out, cfg->threads[t],
                            (unsigned long long)c->counter, (unsigned long long)c->total);
                ok &= c->counter_ok;
            }
    return ok;
}

/* ---- Options ------------------------------------------------------------------------- */

static void usage(FILE *f)
{
    fprintf(f,
            "usage: vpspin-bench [options]\n"
            "  --duration S        seconds per contended cell (default 1; --quick: 0.02)\n"
            "  --threads LIST      thread counts (default 1,2,4,8,16)\n"
            "  --workloads LIST    cs/out busy-loop iterations (default 0/0,20/50,100/1000)\n"
            "  --locks LIST        locks to run (default all; --list shows them)\n"
            "  --csv FILE          results as CSV (default bench-results.csv)\n"
            "  --plot FILE.png     throughput plot, one panel per workload (needs gnuplot)\n"
            "  --call MODE         how the loops call each lock: pointer (default: through a\n"
            "                      function pointer to a small wrapper, for every lock, so an\n"
            "                      inline lock pays a call as a library's does) or inline\n"
            "  --quick             tiny durations and pair counts: a smoke test\n"
            "  --list              list the locks and exit\n");
}

static void list_locks(void)
{
    for (size_t i = 0; i < NVARIANTS; i++)
        printf("%-14s %s%s\n", all_variants[i].name, all_variants[i].shim->what,
               all_variants[i].verify == VPSPIN_VERIFY_OFF       ? "; checks off"
               : all_variants[i].verify == VPSPIN_VERIFY_DEFAULT ? "; default checks"
               : all_variants[i].verify == VPSPIN_VERIFY_FULL    ? "; full checked mode"
                                                                 : "");
}

static const struct variant *find_variant(const char *name)
{
    for (size_t i = 0; i < NVARIANTS; i++)
        if (strcmp(all_variants[i].name, name) == 0)
            return &all_variants[i];
    return NULL;
}

/* Splits a comma-separated list; calls item() on each; false if one is refused. */
static bool parse_list(const char *arg, bool (*item)(struct config *, const char *),
                       struct config *cfg)
{
    char *copy = strdup(arg), *save = NULL;
    bool ok = copy != NULL;
    for (char *s = ok ? strtok_r(copy, ",", &save) : NULL; s && ok; s = strtok_r(NULL, ",", &save))
        ok = item(cfg, s);
    free(copy);
    return ok;
}

static bool add_threads(struct config *cfg, const char *s)
{
    char *end;
    unsigned long n = strtoul(s, &end, 10);
    if (*end || n < 1 || n > 1024 || cfg->nthreads == BENCH_MAX_LIST)
        return false;
    cfg->threads[cfg->nthreads++] = (unsigned)n;
    return true;
}

static bool add_workload(struct config *cfg, const char *s)
{
    unsigned cs, out;
    char tail;
    if (sscanf(s, "%u/%u%c", &cs, &out, &tail) != 2 || cfg->nworkloads == BENCH_MAX_LIST)
        return false;
    cfg->workloads[cfg->nworkloads++] = (struct workload){cs, out};
    return true;
}

static bool add_lock(struct config *cfg, const char *s)
{
    const struct variant *v = find_variant(s);
    if (v == NULL || cfg->nvariants == BENCH_MAX_VARIANTS)
        return false;
    cfg->variants[cfg->nvariants++] = v;
    return true;
}

static void default_locks(struct config *cfg)
{
    for (size_t i = 0; i < NVARIANTS; i++) {
        if (BENCH_TSAN && all_variants[i].shim->tsan_blind)
            continue; /* ThreadSanitizer cannot see their inline-asm atomics */
        cfg->variants[cfg->nvariants++] = &all_variants[i];
    }
    if (BENCH_TSAN)
        fprintf(stderr, "vpspin-bench: ThreadSanitizer build: ck locks left out\n");
}

/* Returns 0 to run, 1 to exit successfully (--help, --list), 2 on a usage error. */
static int parse_args(int argc, char **argv, struct config *cfg)
{
    static const struct option opts[] = {
        {"duration", required_argument, NULL, 'd'}, {"threads", required_argument, NULL, 't'},
        {"workloads", required_argument, NULL, 'w'}, {"locks", required_argument, NULL, 'l'},
        {"csv", required_argument, NULL, 'c'},      {"plot", required_argument, NULL, 'p'},
        {"quick", no_argument, NULL, 'q'},          {"list", no_argument, NULL, 'L'},
        {"call", required_argument, NULL, 'C'},
        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0}};
    const char *threads = "1,2,4,8,16", *workloads = "0/0,20/50,100/1000", *locks = NULL;
    double duration = -1;
    char *end;
    int o;
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (o) {
        case 'd':
            duration = strtod(optarg, &end);
            if (*end || !(duration > 0 && duration < 3600))
                return fprintf(stderr, "vpspin-bench: bad --duration %s\n", optarg), 2;
            break;
        case 't': threads = optarg; break;
        case 'w': workloads = optarg; break;
        case 'l': locks = optarg; break;
        case 'c': cfg->csv = optarg; break;
        case 'p': cfg->plot = optarg; break;
        case 'q': cfg->quick = true; break;
        case 'C':
            if (strcmp(optarg, "pointer") == 0)
                cfg->call = CALL_POINTER;
            else if (strcmp(optarg, "inline") == 0)
                cfg->call = CALL_INLINE;
            else
                return fprintf(stderr, "vpspin-bench: bad --call %s (pointer or inline)\n", optarg), 2;
            break;
        case 'L': list_locks(); return 1;
        case 'h': usage(stdout); return 1;
        default: usage(stderr); return 2;
        }
    }
    if (optind < argc)
        return usage(stderr), 2;
    cfg->duration = duration > 0 ? duration : cfg->quick ? 0.02 : 1.0;
    cfg->pairs = cfg->quick ? 100000 : 2000000;
    cfg->runs = cfg->quick ? 3 : 7;
    if (!parse_list(threads, add_threads, cfg) || cfg->nthreads == 0)
        return fprintf(stderr, "vpspin-bench: bad --threads %s\n", threads), 2;
    if (!parse_list(workloads, add_workload, cfg) || cfg->nworkloads == 0)
        return fprintf(stderr, "vpspin-bench: bad --workloads %s (want cs/out,...)\n", workloads), 2;
    if (locks == NULL)
        default_locks(cfg);
    else if (!parse_list(locks, add_lock, cfg) || cfg->nvariants == 0)
        return fprintf(stderr, "vpspin-bench: bad --locks %s (--list shows the names)\n", locks), 2;
    return 0;
}

/* ns per busy-loop iteration, for the record (the matrix is in iterations, not ns). */
static double measure_busy_iteration(void)
{
    const unsigned n = 10000000;
    uint64_t t0 = mono_ns();
    busy(n);
    return (double)(mono_ns() - t0) / n;
}

/* ns per spin-wait hint, to turn the profile's pause counts into time. */
static double measure_pause(void)
{
    const unsigned n = 1000000;
    uint64_t t0 = mono_ns();
    for (unsigned i = 0; i < n; i++) {
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#elif defined(__aarch64__) || defined(__arm__)
        __asm__ __volatile__("yield" ::: "memory");
#endif
    }
    return (double)(mono_ns() - t0) / n;
}

int main(int argc, char **argv)
{
    static struct config cfg = {.csv = "bench-results.csv", .call = CALL_POINTER};
    int rc = parse_args(argc, argv, &cfg);
    if (rc != 0)
        return rc == 1 ? 0 : 2;
    cfg.ns_per_tick = timing_calibrate(cfg.quick ? 0.02 : 0.2);
    cfg.ns_per_busy_iter = measure_busy_iteration();
    cfg.ns_per_pause = measure_pause();

    struct results r = {&cfg, calloc(cfg.nworkloads * cfg.nvariants * cfg.nthreads, sizeof(struct cell)),
                        calloc(cfg.nvariants, sizeof(double))};
    if (r.cells == NULL || r.ns_per_pair == NULL)
        die("out of memory");
    run_all_uncontended(&cfg, &r);
    bool ok = run_all_contended(&cfg, &r);

    report_tables(&r);
    if (cfg.csv && report_csv(&r, cfg.csv) != 0)
        ok = false;
    if (cfg.plot && report_plot(&r, cfg.plot) != 0)
        fprintf(stderr, "vpspin-bench: no plot made\n");
    if (!ok)
        fprintf(stderr, "vpspin-bench: FAILED: a counter check failed or the CSV was not written\n");
    free(r.cells);
    free(r.ns_per_pair);
    return ok ? 0 : 1;
}
