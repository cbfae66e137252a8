/*
 * sched/delay.c - delay injection: VPSPIN_DELAY=MAX_US[:RATIO] (with VPSPIN_SEED).
 *
 * Driver Verifier's old delay fuzzing, at vpspin's points: before an acquire, a release,
 * an IRQL change, an interlocked operation, a DPC's queueing, removal or delivery, an
 * interrupt, a timer's setting, cancelling or expiry, an event's set or reset, a read of a
 * dispatcher object's state or a wait's attempt, one point in RATIO (8 by default)
 * sleeps a random 1..MAX_US microseconds, so that the OS scheduler interleaves the threads
 * in ways it would rarely choose. Every thread keeps running as it would, controlled or not, which
 * is the point: it works where the controlled mode cannot see every thread. But the OS still
 * decides the rest, so a failure it provokes does not replay: the seed only makes the delays the
 * same.
 */
#include "sched/delay.h"

#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "sched/point.h"
#include "sched/strategy.h"

static uint64_t vsp_delay_seed;
static unsigned vsp_delay_max_us, vsp_delay_ratio;
static __thread uint64_t vsp_delay_rng;

void vsp_delay_start(uint64_t seed, unsigned max_us, unsigned ratio)
{
    vsp_delay_seed = seed;
    vsp_delay_max_us = max_us;
    vsp_delay_ratio = ratio != 0 ? ratio : 1;
}

void vsp_delay(unsigned kind)
{
    switch (kind) {
    case VSP_SP_ACQUIRE:
    case VSP_SP_RELEASE:
    case VSP_SP_RAISE:
    case VSP_SP_LOWER:
    case VSP_SP_INTERLOCKED:
    case VSP_SP_DPC_QUEUE:
    case VSP_SP_DPC_RUN:
    case VSP_SP_INTERRUPT:
    case VSP_SP_TIMER:
    case VSP_SP_EVENT_SET:
    case VSP_SP_EVENT_CLEAR:
    case VSP_SP_WAIT:
    case VSP_SP_READ_STATE:
    case VSP_SP_TIMER_SET:
    case VSP_SP_TIMER_CANCEL:
    case VSP_SP_DPC_REMOVE:
        break;
    default:
        return;
    }
    if (vsp_delay_rng == 0)
        vsp_delay_rng = vsp_rand_seed(vsp_delay_seed ^ (uint64_t)syscall(SYS_gettid) << 32);
    uint64_t r = vsp_rand(&vsp_delay_rng);
    if (r % vsp_delay_ratio != 0 || vsp_delay_max_us == 0)
        return;
    long us = 1 + (long)((r >> 32) % vsp_delay_max_us);
    struct timespec ts = {us / 1000000, (us % 1000000) * 1000};
    nanosleep(&ts, NULL);
}
