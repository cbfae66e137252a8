/*
 * bench.h - what vpspin-bench's harness (bench.c) and its reporting (report.c) share:
 * the configuration of a run and the results it collects.
 */
#ifndef VPSPIN_BENCH_BENCH_H
#define VPSPIN_BENCH_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BENCH_MAX_LIST 32     /* thread counts, workloads */
#define BENCH_MAX_VARIANTS 32
#define BENCH_NO_VERIFY (-1)  /* a variant that is not a vpspin lock */

struct box; /* the shared lock and the data it protects (bench.c) */

/* How the loops call a lock: its code inlined into them (an inline lock is then inlined,
 * a library's function called directly), or through a function pointer to a small
 * wrapper, the same for every lock (a library's function is then called from it). */
enum call_mode { CALL_INLINE = 0, CALL_POINTER = 1 };

/* What vpspin's lock slow paths did on one thread: only in a build configured with
 * -DVPSPIN_LOCK_PROFILE=ON (src/lock/profile.h), empty otherwise. */
#ifdef BENCH_LOCK_PROFILE
#include "lock/profile.h"
#define bench_profile vsp_lock_profile
#define bench_profile_take vsp_lock_profile_take
#define BENCH_PROFILE_ADD(f) a->f += b->f;
static inline void bench_profile_add(struct bench_profile *a, const struct bench_profile *b)
{
    VSP_LOCK_PROFILE_FIELDS(BENCH_PROFILE_ADD)
}
#else
struct bench_profile {
    char none;
};
static inline void bench_profile_take(struct bench_profile *p) { (void)p; }
static inline void bench_profile_add(struct bench_profile *a, const struct bench_profile *b)
{
    (void)a, (void)b;
}
#endif

/* One lock, as instantiated by bench.c from its shim in locks.h. */
struct shim {
    const char *name;
    const char *what;       /* the functions called */
    bool is_vpspin;
    bool tsan_blind;
    int (*setup)(struct box *);
    void (*teardown)(struct box *);
    uint64_t (*pairs[2])(struct box *, uint64_t n); /* n uncontended pairs; returns ns */
    void *(*worker[2])(void *); /* a contended thread (struct worker *); [enum call_mode] */
};

/* A row of the tables: a shim and, for vpspin, the checking mode it runs in. */
struct variant {
    const char *name;
    const struct shim *shim;
    int verify;   /* vpspin_verify_mode, or BENCH_NO_VERIFY */
    int color;    /* the plot's color index: one per shim */
};

/* Busy-loop iterations inside the critical section and outside it. */
struct workload {
    unsigned cs, out;
};

struct config {
    double duration; /* seconds per contended cell */
    unsigned threads[BENCH_MAX_LIST];
    size_t nthreads;
    struct workload workloads[BENCH_MAX_LIST];
    size_t nworkloads;
    const struct variant *variants[BENCH_MAX_VARIANTS];
    size_t nvariants;
    uint64_t pairs;  /* uncontended: pairs per run */
    unsigned runs;   /* uncontended: runs, the median is reported */
    const char *csv;
    const char *plot;
    bool quick;
    enum call_mode call;
    double ns_per_tick;
    double ns_per_pause; /* what one spin-wait hint costs, for the profile */
    double ns_per_busy_iter; /* what one busy-loop iteration costs, for the record */
};

/* One contended cell: a variant, a workload, a thread count. */
struct cell {
    double mops;        /* million acquisitions per second */
    double jain;        /* (sum x)^2 / (n sum x^2) over per-thread counts */
    double jain_cpu;    /* the same over per-thread CPU time: the kernel's share of the CPUs */
    double max_min;     /* largest per-thread count / smallest (inf if one is 0) */
    double max_wait_us; /* an upper bound: the longest block of SAMPLE acquisitions */
    double max_sampled_us; /* the longest of the timed (1 in SAMPLE) acquisitions: exact */
    double p99_wait_us; /* histogram, <= 12.5% high */
    double handoff_ns;  /* median; NaN when there was no handoff (one thread) */
    uint64_t total;     /* acquisitions, the sum of the per-thread counts */
    uint64_t counter;   /* the protected counter's final value */
    uint64_t changes;   /* acquisitions by another thread than the previous holder */
    double seconds;     /* how long the cell ran */
    struct bench_profile profile; /* summed over the threads (profile builds) */
    bool counter_ok;    /* the protected counter equals total */
    bool done;
};

struct results {
    const struct config *cfg;
    struct cell *cells;   /* [(workload * nvariants + variant) * nthreads + thread] */
    double *ns_per_pair;  /* [variant], uncontended */
};

static inline struct cell *result_cell(const struct results *r, size_t w, size_t v, size_t t)
{
    return &r->cells[(w * r->cfg->nvariants + v) * r->cfg->nthreads + t];
}

/* report.c */
void report_tables(const struct results *r);
int report_csv(const struct results *r, const char *path);
int report_plot(const struct results *r, const char *png);

#endif
