/*
 * sched/strategy.h - the one question a strategy answers: which enabled thread runs next.
 *
 * The scheduler (sched.c) calls pick at every scheduling point with the threads that may
 * run (enabled: not blocked, and with a virtual processor for the IRQL they go on at),
 * in ascending id order. A strategy sees ids and step numbers only, never a lock or a
 * thread's state, so each is a small object of its own file:
 *
 *   random.c   a random walk: any enabled thread, uniformly
 *   pct.c      PCT (Burckhardt et al., ASPLOS 2010): random priorities, d-1 change points
 *   replay.c   a schedule file, step by step (replay:FILE, and pb:B's prefix), then the
 *              default choice: the current thread if it is enabled, else the lowest id
 */
#ifndef VSP_STRATEGY_H
#define VSP_STRATEGY_H

#include <stdbool.h>
#include <stdint.h>

#define VSP_SCHED_MAX_THREADS 64

/* The scheduler's code is not instrumented by ThreadSanitizer (sched.c says why): its own
 * files and every strategy's pick and added. */
#define VSP_NOTSAN __attribute__((no_sanitize_thread))

struct vsp_sched_view {
    uint64_t step;       /* 0, 1, 2...: the points decided so far */
    unsigned current;    /* the thread at the point (VSP_SCHED_MAX_THREADS if none) */
    bool current_yields; /* it yields: a yield, a stall, or only its timeout is enabled */
    unsigned n;          /* enabled threads, >= 1 */
    const unsigned *ids; /* their ids, ascending */
};

struct vsp_strategy {
    const char *name; /* "random", "pct:3", "replay", "pb:2" */
    /* Returns an index into v->ids. -1: a replay that cannot go on (diverged). */
    int (*pick)(struct vsp_strategy *s, const struct vsp_sched_view *v);
    /* A thread got its id (before it is first offered). NULL: nothing to do. */
    void (*added)(struct vsp_strategy *s, unsigned id);
    /* Let virtual time pass only when no thread can run (replay, pb: a smaller space). */
    bool lazy_time;
};

/* A small, fast generator (xorshift64*), seeded; every strategy and delay.c use it. */
VSP_NOTSAN static inline uint64_t vsp_rand(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545F4914F6CDD1DULL;
}

static inline uint64_t vsp_rand_seed(uint64_t seed)
{
    /* splitmix64 of the seed: no zero state, nearby seeds far apart */
    uint64_t z = seed + 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return z != 0 ? z : 1;
}

/* The default choice of replay, pb and db past their schedule: no preemption, then round
 * robin. The current thread goes on if it is enabled and does not yield; else the next
 * enabled id after it, cyclically. (vpspin-explore orders alternatives the same way.) */
VSP_NOTSAN static inline int vsp_pick_default(const struct vsp_sched_view *v)
{
    int after = -1;
    for (unsigned i = 0; i < v->n; i++) {
        if (v->ids[i] == v->current && !v->current_yields)
            return (int)i;
        if (v->ids[i] > v->current && after < 0)
            after = (int)i;
    }
    return after >= 0 ? after : 0;
}

struct vsp_strategy *vsp_strategy_random(uint64_t seed);
/* depth d >= 1; k: the steps a run is expected to take (the change points fall in 1..k). */
struct vsp_strategy *vsp_strategy_pct(uint64_t seed, unsigned depth, uint64_t k);
/* The choices of a schedule file (vpspin-explore writes them); NULL with a message on
 * stderr if it cannot be read. name: "replay", "pb:B" or "db:B"; path NULL: no choices. */
/* *cpus: the file's "cpus" line, when it has one (else left alone). */
struct vsp_strategy *vsp_strategy_replay(const char *name, const char *path, unsigned *cpus);

#endif
