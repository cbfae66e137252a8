/*
 * sched/delay.h - delay injection (VPSPIN_DELAY), for programs where not every thread can be
 * controlled: at the scheduling points of sched.h, a random pause.
 */
#ifndef VSP_DELAY_H
#define VSP_DELAY_H

#include <stdint.h>

/* Pauses before lock, IRQL, DPC, interrupt and timer points: with probability 1/ratio, for
 * up to max_us microseconds. Seeded per thread from seed and the thread's id. */
void vsp_delay_start(uint64_t seed, unsigned max_us, unsigned ratio);
void vsp_delay(unsigned kind);

#endif
