/*
 * verifier/track.c - the hooks of track.h: each thread's held-lock stack kept, the lock order
 * checked and the statistics counted as locks come and go; the full mode's out-of-order
 * release (0x1003) and thread exit (0x100A) checks; and which reasons to track are on.
 */
#include "verifier/track.h"

#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "base/alloc.h"
#include "base/annotate.h"
#include "base/clock.h"
#include "check/bugcheck.h"
#include "verifier/lockdep.h"
#include "verifier/lockstat.h"
#include "verifier/lockstat_write.h"
#include "verifier/watchdog.h"

#define VSP_TRACK_FAILED ((struct vsp_track *)1)

static pthread_key_t vsp_track_key;
static unsigned vsp_track_reasons; /* VSP_TRACK_FOR_* */

static void vsp_track_exit(void *arg);

void vsp_track_for(unsigned reason, bool on)
{
    unsigned r = on ? __atomic_or_fetch(&vsp_track_reasons, reason, __ATOMIC_RELAXED)
                    : __atomic_and_fetch(&vsp_track_reasons, ~reason, __ATOMIC_RELAXED);
    vsp_slow_set(VSP_SLOW_TRACK, r != 0);
    vsp_slow_set(VSP_SLOW_FULL, r & VSP_TRACK_FOR_FULL);
    vsp_watchdog_mode(r & VSP_TRACK_FOR_FULL);
}

__attribute__((constructor)) static void vsp_track_init(void)
{
    pthread_key_create(&vsp_track_key, vsp_track_exit);
    if (vsp_annotating != 0) /* a race detector must be told of every acquire and release */
        vsp_track_for(VSP_TRACK_FOR_TOOL, true);
}

struct vsp_track *vsp_track_self(struct vsp_thread *t)
{
    struct vsp_track *tt = t->track;
    if (__builtin_expect(tt != NULL, 1))
        return tt == VSP_TRACK_FAILED ? NULL : tt;
    tt = vsp_alloc(sizeof *tt);
    if (tt == NULL) {
        vsp_track_degraded("out of memory for a thread's held-lock stack; that thread "
                           "is not tracked");
        t->track = VSP_TRACK_FAILED;
        return NULL;
    }
    tt->tid = vsp_tid();
    tt->untimed = 1; /* time the first hold */
    t->track = tt;
    pthread_setspecific(vsp_track_key, tt);
    vsp_watchdog_add(tt);
    return tt;
}

/* Keeps the watchdog's view of the thread current: busy is whether the thread is at
 * DISPATCH_LEVEL or above or holds a spin lock (once the call at hand is done). */
static void vsp_track_busy(struct vsp_track *tt, bool busy)
{
    uint64_t b = __atomic_load_n(&tt->busy, __ATOMIC_RELAXED);
    if (busy != (b & 1))
        __atomic_store_n(&tt->busy, b + 1, __ATOMIC_RELAXED);
}

struct vsp_held *vsp_track_acquire(struct vsp_thread *t, PKSPIN_LOCK w, enum vsp_api api,
                                   const void *site, bool try_)
{
    vsp_annotate_lock(w, try_);
    struct vsp_track *tt = vsp_track_self(t);
    if (tt == NULL)
        return NULL;
    if (tt->depth == VSP_HELD_MAX) {
        vsp_track_degraded("more than 32 spin locks held by one thread; the deeper ones are "
                           "not tracked");
        return NULL;
    }
    struct vsp_lock *rec = vsp_lock_get(w);
    if (rec == NULL)
        return NULL;
    struct vsp_held *h = &tt->held[tt->depth];
    struct vsp_class *cls = __atomic_load_n(&rec->cls, __ATOMIC_ACQUIRE);
    uint64_t prev = tt->depth > 0 ? tt->held[tt->depth - 1].chain : 0;
    h->chain = vsp_lockdep_key(prev, cls->id);
    if (tt->depth > 0 && !try_ && (vsp_slow() & VSP_SLOW_FULL))
        vsp_lockdep_check(tt, cls, h->chain, w, api);
    h->lock = w;
    h->rec = rec;
    h->site = site;
    h->try_ = try_;
    return h;
}

void vsp_track_acquired(struct vsp_thread *t, PKSPIN_LOCK w, struct vsp_held *h, bool try_,
                        bool taken, bool waited, uint64_t wait)
{
    vsp_annotate_locked(w, try_, taken);
    struct vsp_track *tt = t->track;
    if (tt == NULL || tt == VSP_TRACK_FAILED)
        return;
    if (taken && h == NULL)
        tt->overflow++;
    if (taken && h != NULL) {
        tt->depth++;
        vsp_stat_acquired(&h->rec->st, waited, wait, h->site);
        h->t0 = 0;
        if (waited || --tt->untimed == 0) {
            tt->untimed = vsp_hold_sample;
            h->t0 = vsp_ticks();
        }
    }
    vsp_track_busy(tt, t->held != 0 || t->irql >= DISPATCH_LEVEL);
}

static void vsp_report_hazard(enum vsp_api api, uint32_t subcode, const void *lock,
                              ULONG_PTR p2, ULONG_PTR p3, ULONG_PTR p4, const char *rule,
                              const struct vsp_track *tt)
{
    struct vsp_text *detail = vsp_text_new();
    if (detail != NULL && tt != NULL)
        vsp_held_put(detail, tt);
    struct vsp_violation v = {
        .code = VSP_DRIVER_VERIFIER_DETECTED_VIOLATION,
        .p = {subcode, p2, p3, p4},
        .rule = rule,
        .api = api,
        .lock = lock,
        .lock_readable = lock != NULL,
        .detail = detail != NULL ? detail->buf : NULL,
    };
    vsp_bugcheck(&v);
    free(detail);
}

/* A release or an IRQL change that takes the thread below DISPATCH_LEVEL while it still
 * holds another spin lock: that lock's critical section is no longer protected from
 * the thread's own DPCs, and its holder can be descheduled on Windows. */
static void vsp_check_order(struct vsp_thread *t, enum vsp_api api, const void *lock,
                            int new_irql, unsigned still_held)
{
    if (!(vsp_slow() & VSP_SLOW_FULL) || new_irql < 0 || new_irql >= DISPATCH_LEVEL ||
        still_held == 0)
        return;
    struct vsp_track *tt = vsp_track_self(t);
    vsp_report_hazard(api, 0x1003, lock, (ULONG_PTR)lock, (ULONG_PTR)new_irql, still_held,
                      "IRQL lowered below DISPATCH_LEVEL while a spin lock is still held "
                      "(released out of order)",
                      tt);
}

void vsp_track_release(struct vsp_thread *t, PKSPIN_LOCK w, enum vsp_api api, int new_irql)
{
    vsp_check_order(t, api, w, new_irql, t->held - 1);
    struct vsp_track *tt = vsp_track_self(t);
    if (tt != NULL) {
        unsigned i = tt->depth;
        while (i > 0 && tt->held[i - 1].lock != w)
            i--;
        if (i == 0) {
            if (tt->overflow > 0)
                tt->overflow--;
        } else {
            struct vsp_held *h = &tt->held[i - 1];
            if (h->t0 != 0)
                vsp_stat_held(&h->rec->st, vsp_ticks() - h->t0);
            /* Out-of-order releases leave a gap: close it, keeping each entry's chain key
             * as it was (keys describe acquisition order). */
            for (; i < tt->depth; i++)
                tt->held[i - 1] = tt->held[i];
            tt->depth--;
        }
        KIRQL after = new_irql >= 0 ? (KIRQL)new_irql : t->irql;
        vsp_track_busy(tt, t->held > 1 || after >= DISPATCH_LEVEL);
    }
    vsp_annotate_unlock(w);
}

void vsp_track_created(PKSPIN_LOCK w, const void *site, bool videoport)
{
    vsp_annotate_created(w);
    vsp_lock_created(w, site, videoport);
}

void vsp_track_deleted(PKSPIN_LOCK w) { vsp_annotate_destroyed(w); }

void vsp_track_lower(struct vsp_thread *t, KIRQL new_irql)
{
    vsp_check_order(t, VSP_API_KeLowerIrql, NULL, new_irql, t->held);
}

void vsp_track_irql(struct vsp_thread *t)
{
    struct vsp_track *tt = vsp_track_self(t);
    if (tt != NULL)
        vsp_track_busy(tt, t->held != 0 || t->irql >= DISPATCH_LEVEL);
}

/* Whether the calling thread is the process's only one. A thread joined a moment ago can
 * still be listed in /proc/self/task: the kernel wakes the joiner before it has removed the
 * thread (measured here: 23 of 20000 joined threads natively, 3 of 2000 under Valgrind, each
 * gone within 1.3 ms). So a count above one is read again, for about 2 ms, before it is
 * believed; a process that exits with other threads alive pays that once. */
static bool vsp_alone(void)
{
    for (int tries = 0;; tries++) {
        DIR *d = opendir("/proc/self/task");
        if (d == NULL)
            return false;
        int n = 0;
        for (struct dirent *e; (e = readdir(d)) != NULL;)
            n += e->d_name[0] != '.';
        closedir(d);
        if (n == 1 || tries == 20)
            return n == 1;
        struct timespec pause = {0, 100000};
        nanosleep(&pause, NULL);
    }
}

/* At exit (a destructor: after the program's atexit handlers): the statistics are
 * written if VPSPIN_STATS asked. The full mode's tables live for the process, but when
 * nothing else can use them any more - the watchdog stopped, no other thread left - they
 * are freed, so that a leak checker sees no memory held at exit. Tracking stops first:
 * any later call takes the plain paths. */
__attribute__((destructor)) static void vsp_track_fini(void)
{
    vsp_lockstat_at_exit();
    vsp_watchdog_mode(false);
    if ((vsp_class_count() == 0 && vsp_self()->track == NULL) || !vsp_alone())
        return; /* nothing was tracked, or someone may still be using the tables */
    vsp_track_for(VSP_TRACK_FOR_FULL | VSP_TRACK_FOR_STATS | VSP_TRACK_FOR_TOOL, false);
    struct vsp_thread *t = vsp_self();
    struct vsp_track *tt = t->track;
    vsp_thread_lock(); /* the lock dump may be reading it */
    t->track = NULL;
    vsp_thread_unlock();
    if (tt != NULL && tt != VSP_TRACK_FAILED) {
        vsp_watchdog_remove(tt);
        free(tt);
    }
    pthread_setspecific(vsp_track_key, NULL);
    vsp_lock_free_all();
}

/* Thread exit (a TLS destructor, with the thread's TLS still there). */
static void vsp_track_exit(void *arg)
{
    struct vsp_track *tt = arg;
    struct vsp_thread *t = vsp_self();
    if ((vsp_slow() & VSP_SLOW_FULL) && (t->held != 0 || t->irql != PASSIVE_LEVEL)) {
        char rule[96];
        snprintf(rule, sizeof rule, "thread exited %s",
                 t->held != 0 ? "holding a spin lock" : "at a raised IRQL");
        vsp_report_hazard(VSP_API_ThreadExit, 0x100A, t->held != 0 ? tt->held[0].lock : NULL,
                          t->held, t->irql, (ULONG_PTR)tt->tid, rule, tt);
    }
    vsp_watchdog_remove(tt);
    vsp_thread_lock(); /* the lock dump may be reading it */
    t->track = NULL;
    vsp_thread_unlock();
    free(tt);
}
