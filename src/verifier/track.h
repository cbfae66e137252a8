/*
 * track.h - following every acquire and release a thread makes ("tracking"), for the
 * full checked mode (lock order, out-of-order release, thread exit, watchdog), lock
 * statistics and race detectors (annotate.h).
 *
 * Tracking is on when any of those is (VSP_SLOW_TRACK); then every call takes the full
 * path (ke_spinlock.c), which calls, around the lock algorithm:
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

#include "check/api.h"
#include "verifier/lockclass.h"
#include "lock/thread.h"

#define VSP_HELD_MAX 32

struct vsp_held {
    PKSPIN_LOCK lock;
    struct vsp_lock *rec;
    const void *site;  /* the acquire's call site */
    uint64_t chain;    /* key of the classes held up to this one (lockdep.c) */
    uint64_t t0;       /* vsp_ticks() at the acquire if its hold is timed, else 0 */
    bool try_;         /* taken by a try: no lock-order edge leads to it */
};

struct vsp_track {
    unsigned depth;      /* entries in held */
    unsigned overflow;   /* locks held beyond VSP_HELD_MAX, not tracked */
    unsigned untimed;    /* acquires to go before the next hold is timed */
    uint64_t busy;       /* atomic: odd while at DISPATCH_LEVEL or above or holding a
                            spin lock; incremented at each change (watchdog.c) */
    int tid;
    struct vsp_track *next, *prev; /* the watchdog's list of threads, */
    struct vsp_watch {             /* and its view of this one (watchdog.c) */
        uint64_t seen, since, reported;
    } watch;
    struct vsp_held held[VSP_HELD_MAX];
};

/* The calling thread's state, or NULL if it could not be allocated. */
struct vsp_track *vsp_track_self(struct vsp_thread *t);

struct vsp_held *vsp_track_acquire(struct vsp_thread *t, PKSPIN_LOCK w, PSPIN_LOCK vp,
                                   enum vsp_api api, const void *site, bool try_);
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

/* Describes the locks a thread holds, one per line, for reports. */
struct vsp_text;
void vsp_track_put_held(struct vsp_text *out, const struct vsp_track *tt);

/* The watchdog (watchdog.c): threads come and go. */
void vsp_watchdog_add(struct vsp_track *tt);
void vsp_watchdog_remove(struct vsp_track *tt);
void vsp_watchdog_mode(bool full);

#endif
