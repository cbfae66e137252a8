/*
 * verifier/held.h - what the verifier keeps for each tracked thread: the spin locks it holds, in
 * the order it took them, and the watchdog's view of it. Written by the thread itself
 * (verifier/track.c); read by the lock-order check (lockdep.c) on the same thread, and by
 * the watchdog (watchdog.c), which reads only the busy counter and the id.
 */
#ifndef VSP_HELD_H
#define VSP_HELD_H

#include <stdbool.h>
#include <stdint.h>

#include "base/text.h"
#include "verifier/lockclass.h"

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

/* Describes the locks a thread holds, one per line, for reports. */
void vsp_held_put(struct vsp_text *out, const struct vsp_track *tt);

#endif
