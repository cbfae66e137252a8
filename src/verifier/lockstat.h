/*
 * verifier/lockstat.h - lock statistics in the manner of Linux's lock_stat: per lock and per
 * class, acquisitions, contentions (acquires that found the lock held), wait and hold
 * times (min / avg / max), and the call sites where contention was met.
 *
 * The holder updates its lock's counters inside the critical section, so no update races
 * with another; relaxed atomic loads and stores let a dump read them at any time (each
 * field whole, the set of them not necessarily from one instant).
 *
 * Times cost two timestamps: a wait is timed whenever the acquire has to wait (it is then
 * slow anyway); a hold is timed for every acquire that waited and for one uncontended
 * acquire in VSP_HOLD_SAMPLE on each thread (VPSPIN_STATS_SAMPLE=1 times every one), which
 * keeps the full mode's uncontended cost low. Hold times are therefore a sample.
 */
#ifndef VSP_LOCKSTAT_H
#define VSP_LOCKSTAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VSP_STAT_SITES 4 /* contention points kept per lock, as lock_stat does */

/* Counters and times (in vsp_ticks) of one lock or one class. Written by the lock's
 * holder only, read by anyone: every field is accessed with relaxed atomics. */
struct vsp_lock_stat {
    uint64_t acquisitions, contentions;
    uint64_t wait_n, wait_sum, wait_min, wait_max;
    uint64_t hold_n, hold_sum, hold_min, hold_max;
    struct {
        const void *site; /* the acquire call that found the lock held */
        uint64_t n;
    } sites[VSP_STAT_SITES];
};

#define VSP_HOLD_SAMPLE 8u
extern unsigned vsp_hold_sample; /* VSP_HOLD_SAMPLE, or VPSPIN_STATS_SAMPLE */

static inline uint64_t vsp_stat_get(const uint64_t *f) { return __atomic_load_n(f, __ATOMIC_RELAXED); }
static inline void vsp_stat_set(uint64_t *f, uint64_t v) { __atomic_store_n(f, v, __ATOMIC_RELAXED); }

/* Adds one timing to (n, sum, min, max); min is stored +1 so that 0 means "none yet". */
static inline void vsp_stat_time(uint64_t *n, uint64_t *sum, uint64_t *min, uint64_t *max,
                                 uint64_t t)
{
    vsp_stat_set(n, vsp_stat_get(n) + 1);
    vsp_stat_set(sum, vsp_stat_get(sum) + t);
    uint64_t m = vsp_stat_get(min);
    if (m == 0 || t + 1 < m)
        vsp_stat_set(min, t + 1);
    if (t > vsp_stat_get(max))
        vsp_stat_set(max, t);
}

/* A successful acquire by the new holder; wait in ticks if it waited. */
static inline void vsp_stat_acquired(struct vsp_lock_stat *s, bool waited, uint64_t wait,
                                     const void *site)
{
    vsp_stat_set(&s->acquisitions, vsp_stat_get(&s->acquisitions) + 1);
    if (!waited)
        return;
    vsp_stat_set(&s->contentions, vsp_stat_get(&s->contentions) + 1);
    vsp_stat_time(&s->wait_n, &s->wait_sum, &s->wait_min, &s->wait_max, wait);
    for (int i = 0; i < VSP_STAT_SITES; i++) {
        const void *known = __atomic_load_n(&s->sites[i].site, __ATOMIC_RELAXED);
        if (known == NULL)
            __atomic_store_n(&s->sites[i].site, site, __ATOMIC_RELAXED);
        if (known == NULL || known == site) {
            vsp_stat_set(&s->sites[i].n, vsp_stat_get(&s->sites[i].n) + 1);
            break;
        }
    }
}

static inline void vsp_stat_held(struct vsp_lock_stat *s, uint64_t hold)
{
    vsp_stat_time(&s->hold_n, &s->hold_sum, &s->hold_min, &s->hold_max, hold);
}

/* dst += src (counts and times; contention sites as room allows). */
void vsp_stat_merge(struct vsp_lock_stat *dst, const struct vsp_lock_stat *src);
void vsp_stat_clear(struct vsp_lock_stat *s);

#endif
