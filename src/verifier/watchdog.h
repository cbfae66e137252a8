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

#endif
