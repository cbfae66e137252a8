/*
 * hist.h - log-linear histograms (HDR-like) for wait and handoff times, in ticks.
 *
 * Values 0..7 have a bucket each; above that, every power of two [2^e, 2^(e+1)) is cut
 * into 8 equal sub-buckets, so a bucket is at most 12.5% wide relative to its values.
 * Each thread fills its own histogram (no sharing in the timed loop); the harness
 * merges them at the end. The exact maximum is kept beside the buckets.
 */
#ifndef VPSPIN_BENCH_HIST_H
#define VPSPIN_BENCH_HIST_H

#include <math.h>
#include <stdint.h>

#define HIST_SUB_BITS 3
#define HIST_SUB (1u << HIST_SUB_BITS)
#define HIST_BUCKETS ((64 - HIST_SUB_BITS + 1) * HIST_SUB)

struct hist {
    uint64_t n[HIST_BUCKETS];
    uint64_t count;
    uint64_t max;
};

static inline unsigned hist_index(uint64_t v)
{
    if (v < HIST_SUB)
        return (unsigned)v;
    unsigned e = 63u - (unsigned)__builtin_clzll(v); /* v in [2^e, 2^(e+1)) */
    unsigned sub = (unsigned)(v >> (e - HIST_SUB_BITS)) & (HIST_SUB - 1);
    return ((e - HIST_SUB_BITS + 1) << HIST_SUB_BITS) | sub;
}

/* The largest value that falls in bucket i. */
static inline uint64_t hist_upper(unsigned i)
{
    if (i < HIST_SUB)
        return i;
    unsigned e = (i >> HIST_SUB_BITS) + HIST_SUB_BITS - 1;
    unsigned shift = e - HIST_SUB_BITS;
    uint64_t lower = (uint64_t)(HIST_SUB + (i & (HIST_SUB - 1))) << shift;
    return lower + (((uint64_t)1 << shift) - 1);
}

static inline void hist_add(struct hist *h, uint64_t v)
{
    h->n[hist_index(v)]++;
    h->count++;
    if (v > h->max)
        h->max = v;
}

static inline void hist_merge(struct hist *dst, const struct hist *src)
{
    for (unsigned i = 0; i < HIST_BUCKETS; i++)
        dst->n[i] += src->n[i];
    dst->count += src->count;
    if (src->max > dst->max)
        dst->max = src->max;
}

/* The value at quantile q (0 < q <= 1): the top of the bucket holding it, as HDR
 * histograms report, but never above the exact maximum. 0 for an empty histogram. */
static inline uint64_t hist_quantile(const struct hist *h, double q)
{
    if (h->count == 0)
        return 0;
    uint64_t target = (uint64_t)ceil(q * (double)h->count), seen = 0;
    if (target == 0)
        target = 1;
    for (unsigned i = 0; i < HIST_BUCKETS; i++) {
        seen += h->n[i];
        if (seen >= target)
            return hist_upper(i) < h->max ? hist_upper(i) : h->max;
    }
    return h->max;
}

#endif
