/*
 * timing.h - timestamps for the benchmark loops.
 *
 * On x86, stamp() is the TSC read after an lfence (so it is not taken before the
 * instructions ahead of it, such as a lock's acquire, have executed): about ten
 * nanoseconds, no system call. It is calibrated once against CLOCK_MONOTONIC
 * (timing_calibrate returns nanoseconds per tick). The TSC must be invariant and
 * synchronised across cores (constant_tsc, nonstop_tsc), as it is on current x86.
 * Elsewhere stamp() is CLOCK_MONOTONIC itself: one tick is one nanosecond.
 */
#ifndef VPSPIN_BENCH_TIMING_H
#define VPSPIN_BENCH_TIMING_H

#include <stdint.h>
#include <time.h>

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#define BENCH_TSC 1
#else
#define BENCH_TSC 0
#endif

static inline uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline uint64_t stamp(void)
{
#if BENCH_TSC
    _mm_lfence();
    return __rdtsc();
#else
    return mono_ns();
#endif
}

/* Nanoseconds per stamp() tick, measured over `seconds` of busy waiting. */
static inline double timing_calibrate(double seconds)
{
#if BENCH_TSC
    uint64_t n0 = mono_ns(), t0 = stamp();
    while ((double)(mono_ns() - n0) < seconds * 1e9)
        ;
    uint64_t n1 = mono_ns(), t1 = stamp();
    return (double)(n1 - n0) / (double)(t1 - t0);
#else
    (void)seconds;
    return 1.0;
#endif
}

#endif
