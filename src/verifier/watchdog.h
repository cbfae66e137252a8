/*
 * verifier/watchdog.h - the full mode's hold-time watchdog (the algorithm: watchdog.c). Tracked
 * threads come and go (verifier/track.c); the full mode turns it on and off.
 */
#ifndef VSP_WATCHDOG_H
#define VSP_WATCHDOG_H

#include <stdbool.h>

#include "verifier/held.h"

void vsp_watchdog_add(struct vsp_track *tt);
void vsp_watchdog_remove(struct vsp_track *tt);
void vsp_watchdog_mode(bool full);
/* The kernel thread id of the watchdog thread that vsp_watchdog_mode(false) last joined, or
 * 0. A joined thread can still be listed in /proc/self/task for a moment: the kernel wakes
 * the joiner before it has finished removing the thread. */
int vsp_watchdog_joined_tid(void);

#endif
