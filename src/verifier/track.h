/*
 * verifier/track.h - following every acquire and release a thread makes ("tracking"), for the
 * full checked mode (lock order, out-of-order release, thread exit, watchdog), lock
 * statistics and race detectors (annotate.h).
 *
 * Tracking is on when any of those is (VSP_SLOW_TRACK); then every call takes the full
 * path (ke/spinlock.c), which calls, around the lock algorithm:
 *
 *   h = vsp_track_acquire(...)      before waiting: finds the lock's record, checks the
 *                                   lock order (full mode), tells race detectors
 *   vsp_track_acquired(t, w, h, ...)   after: pushes the lock on the thread's held stack,
 *                                   counts, times the wait
 *   vsp_track_release(...)          before letting go: checks the release order (full
 *                                   mode), pops the lock, times the hold
 *   vsp_annotate_unlocked(w)        after (annotate.h)
 *
 * Each thread's state (struct vsp_track) is allocated on its first tracked call and freed
 * at its exit, where the full mode checks it holds nothing (0x100A). Reports of the full
 * mode describe hazards, not calls that cannot be carried out: the call goes ahead after
 * them (docs/checked-mode.md).
 */
#ifndef VSP_TRACK_H
#define VSP_TRACK_H

#include <stdbool.h>
#include <stdint.h>

#include "base/slow.h"
#include "check/api.h"
#include "lock/thread.h"
#include "verifier/held.h"

/* Reasons to track, each turned on or off by its owner: the full mode (verifier/mode.c,
 * which then also sets VSP_SLOW_FULL), statistics (vpspin_set_lock_stat) and a race
 * detector (base/annotate.h, found at start-up). */
#define VSP_TRACK_FOR_FULL 0x1u
#define VSP_TRACK_FOR_STATS 0x2u
#define VSP_TRACK_FOR_TOOL 0x4u
void vsp_track_for(unsigned reason, bool on);

/* The calling thread's state, or NULL if it could not be allocated. */
struct vsp_track *vsp_track_self(struct vsp_thread *t);

struct vsp_held *vsp_track_acquire(struct vsp_thread *t, PKSPIN_LOCK w, enum vsp_api api,
                                   const void *site, bool try_);
void vsp_track_acquired(struct vsp_thread *t, PKSPIN_LOCK w, struct vsp_held *h, bool try_,
                        bool taken, bool waited, uint64_t wait);
void vsp_track_release(struct vsp_thread *t, PKSPIN_LOCK w, enum vsp_api api, int new_irql);

/* A lock (re)initialised at site; a VideoPort lock deleted. */
void vsp_track_created(PKSPIN_LOCK w, const void *site, bool videoport);
void vsp_track_deleted(PKSPIN_LOCK w);

/* The thread's IRQL is about to be lowered to new_irql by KeLowerIrql (0x1003 check);
 * vsp_track_irql after any IRQL change outside a lock call. */
void vsp_track_lower(struct vsp_thread *t, KIRQL new_irql);
void vsp_track_irql(struct vsp_thread *t);

#endif
