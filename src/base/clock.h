/*
 * base/clock.h - cheap timestamps for the full checked mode's statistics and watchdog.
 *
 * vsp_ticks() is the CPU's invariant counter where user space can read it (x86 TSC, Arm
 * generic timer: a few nanoseconds, no system call), else CLOCK_MONOTONIC in ns. Ticks
 * become nanoseconds through a rate measured between the library's start and the moment
 * of asking (clock.c), so no time is spent calibrating up front.
 */
#ifndef VSP_CLOCK_H
#define VSP_CLOCK_H

#include <stdint.h>
#include <time.h>

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif

static inline uint64_t vsp_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline uint64_t vsp_ticks(void)
{
#if defined(__x86_64__) || defined(__i386__)
    return __rdtsc();
#elif defined(__aarch64__)
    uint64_t v;
    __asm__ __volatile__("mrs %0, cntvct_el0" : "=r"(v));
    return v;
#else
    return vsp_mono_ns();
#endif
}

/* Nanoseconds per tick, measured now (clock.c). */
double vsp_ns_per_tick(void);

#endif
