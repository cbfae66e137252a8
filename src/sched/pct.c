/*
 * sched/pct.c - PCT, probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi,
 * Nagarakatte, ASPLOS 2010).
 *
 * The depth of a bug is the number of ordering constraints between steps of different
 * threads that it needs (a use before an initialisation: 1; an atomicity violation: 2).
 * PCT gives every thread a distinct random priority, at least d, and always runs the
 * enabled thread of highest priority. It also picks d-1 change points uniformly among the
 * steps 1..k; when step k_i is reached, the thread at it drops to priority d-i, below every
 * initial one. For a program of n threads and at most k steps, one run then meets any bug
 * of depth d with probability at least 1/(n k^(d-1)): the right thread must hold the top
 * priority (1/n) and each of the d-1 change points must land on its step (1/k each).
 *
 * Here threads come and go: a new thread is inserted at a random rank among the threads
 * that still have their initial priority. A thread that yields (a hand-written flag loop,
 * a stall, a wait that can only time out) drops below everybody, as in Coyote's and
 * shuttle's versions, or a high-priority spinner would starve the thread it waits for.
 * k comes from vpspin-explore, which learns it from the runs before (VPSPIN_SCHED_STEPS).
 */
#include <stdio.h>
#include <stdlib.h>

#include "sched/strategy.h"

struct vsp_pct {
    struct vsp_strategy s;
    uint64_t rng;
    unsigned depth;
    uint64_t change[16];  /* the d-1 change points, ascending */
    unsigned next_change; /* index of the next one to come */
    int64_t prio[VSP_SCHED_MAX_THREADS];
    int64_t lowest; /* below every priority given so far: for yielders */
    char name[16];
};

VSP_NOTSAN static void vsp_pct_added(struct vsp_strategy *s, unsigned id)
{
    struct vsp_pct *p = (struct vsp_pct *)s;
    /* Random 40-bit ranks above d: distinct with overwhelming likelihood; ties go to
     * the lower id, which keeps the choice deterministic either way. */
    p->prio[id] = ((int64_t)p->depth << 40) + (int64_t)(vsp_rand(&p->rng) >> 24);
}

VSP_NOTSAN static int vsp_pct_pick(struct vsp_strategy *s, const struct vsp_sched_view *v)
{
    struct vsp_pct *p = (struct vsp_pct *)s;
    unsigned cur = v->current;
    if (cur < VSP_SCHED_MAX_THREADS) {
        if (p->next_change + 1 < p->depth && v->step + 1 == p->change[p->next_change]) {
            p->next_change++;
            p->prio[cur] = (int64_t)(p->depth - p->next_change);
        }
        if (v->current_yields)
            p->prio[cur] = --p->lowest;
    }
    int best = 0;
    for (unsigned i = 1; i < v->n; i++)
        if (p->prio[v->ids[i]] > p->prio[v->ids[best]])
            best = (int)i;
    return best;
}

struct vsp_strategy *vsp_strategy_pct(uint64_t seed, unsigned depth, uint64_t k)
{
    struct vsp_pct *p = calloc(1, sizeof *p);
    if (p == NULL)
        return NULL;
    if (depth < 1)
        depth = 1;
    if (depth > 16)
        depth = 16;
    if (k < 1)
        k = 1;
    p->s.pick = vsp_pct_pick;
    p->s.added = vsp_pct_added;
    p->rng = vsp_rand_seed(seed);
    p->depth = depth;
    p->lowest = 0;
    /* d-1 distinct change points in 1..k (fewer if k is smaller), sorted. */
    unsigned n = 0;
    while (n + 1 < depth && n < k) {
        uint64_t c = 1 + vsp_rand(&p->rng) % k;
        unsigned i = n;
        bool dup = false;
        for (unsigned j = 0; j < n; j++)
            dup |= p->change[j] == c;
        if (dup)
            continue;
        while (i > 0 && p->change[i - 1] > c) {
            p->change[i] = p->change[i - 1];
            i--;
        }
        p->change[i] = c;
        n++;
    }
    p->depth = n + 1;
    snprintf(p->name, sizeof p->name, "pct:%u", depth);
    p->s.name = p->name;
    return &p->s;
}
