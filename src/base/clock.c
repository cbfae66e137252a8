/*
 * base/clock.c - the tick rate of clock.h: ticks and CLOCK_MONOTONIC read together at start-up
 * and again when a conversion is asked for; the ratio of the two intervals is the rate.
 * Until 10 ms have passed the interval is too short to trust, so the first conversion
 * may wait that long (it happens when statistics are written, not on a lock path).
 */
#include "base/clock.h"

static uint64_t vsp_tick0, vsp_ns0;

__attribute__((constructor)) static void vsp_clock_init(void)
{
    vsp_ns0 = vsp_mono_ns();
    vsp_tick0 = vsp_ticks();
}

double vsp_ns_per_tick(void)
{
#if defined(__x86_64__) || defined(__i386__) || defined(__aarch64__)
    uint64_t ns, ticks;
    do {
        ns = vsp_mono_ns() - vsp_ns0;
        ticks = vsp_ticks() - vsp_tick0;
    } while (ns < 10000000u);
    return (double)ns / (double)ticks;
#else
    return 1.0;
#endif
}
