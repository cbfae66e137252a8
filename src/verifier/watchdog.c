/*
 * verifier/watchdog.c - the full mode's hold-time watchdog: DPC_WATCHDOG_VIOLATION (0x133) when a
 * thread stays at DISPATCH_LEVEL or above, or holds a spin lock, for longer than a
 * threshold (vpspin_set_watchdog, VPSPIN_WATCHDOG_MS; 10 s by default, far beyond what a
 * holder preempted on a loaded machine is kept off the CPU; 0 turns it off).
 *
 * Threads are not timed on their lock paths: each tracked thread counts its changes
 * between idle and busy (struct vsp_track's busy: odd while busy), which costs no clock
 * read. A watchdog thread, started with the first tracked thread in full mode, looks at
 * every thread a few times per threshold; a thread seen busy in the same episode (same
 * count) for a threshold is reported, once per episode. The report is made on the
 * watchdog's thread, so it can name a thread that is stuck for good; it reads nothing
 * but that thread's counter and id. The lock dump (dump.c) is written just before it.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include <vpspin/vpspin.h>

#include "base/alloc.h"
#include "base/clock.h"
#include "base/env.h"
#include "base/slow.h"
#include "check/bugcheck.h"
#include "lock/thread.h"
#include "sched/sched.h"
#include "verifier/dump.h"
#include "verifier/watchdog.h"

#define VSP_WATCHDOG_DEFAULT_MS 10000u

static pthread_mutex_t vsp_wd_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t vsp_wd_cond = PTHREAD_COND_INITIALIZER;
static struct vsp_track *vsp_wd_threads; /* list, under the mutex */
static ULONG vsp_wd_ms = VSP_WATCHDOG_DEFAULT_MS;
static bool vsp_wd_running, vsp_wd_stop;
static pthread_t vsp_wd_thread;

static void vsp_wd_report(int tid, uint64_t ms, ULONG threshold)
{
    struct vsp_text *detail = vsp_text_new();
    if (detail != NULL)
        vsp_put(detail,
                "Stuck:  thread %d has been at DISPATCH_LEVEL or above, or holding a spin "
                "lock, for %llu ms (threshold %lu ms)\n",
                tid, (unsigned long long)ms, (unsigned long)threshold);
    struct vsp_violation v = {
        .code = VSP_DPC_WATCHDOG_VIOLATION,
        .p = {1, threshold, (ULONG_PTR)ms, (ULONG_PTR)tid},
        .rule = "a thread stayed at DISPATCH_LEVEL or above, or held a spin lock, for too long",
        .api = VSP_API_Watchdog,
        .detail = detail != NULL ? detail->buf : NULL,
    };
    vsp_dump_write(stderr, "the watchdog fired"); /* first: the report may abort */
    vsp_bugcheck(&v);
    free(detail);
}

static void *vsp_wd_main(void *arg)
{
    (void)arg;
    pthread_setname_np(pthread_self(), "vpspin-watchdog");
    pthread_mutex_lock(&vsp_wd_mutex);
    for (;;) {
        /* Asked to stop before the first wait (the full mode turned off right after it
         * was turned on): that signal came before anyone waited for it. */
        if (vsp_wd_stop)
            break;
        ULONG threshold = vsp_wd_ms;
        uint64_t period = threshold ? (uint64_t)threshold * 1000000u / 4 : 1000000000u;
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until); /* the condition variable's clock */
        until.tv_sec += (time_t)(period / 1000000000u);
        until.tv_nsec += (long)(period % 1000000000u);
        if (until.tv_nsec >= 1000000000) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000;
        }
        /* A timed poll, not synchronisation: it wakes early when the threshold changes. */
        pthread_cond_timedwait(&vsp_wd_cond, &vsp_wd_mutex, &until);
        if (vsp_wd_stop)
            break;
        threshold = vsp_wd_ms;
        if (threshold == 0 || !(vsp_slow() & VSP_SLOW_FULL))
            continue;
        uint64_t now = vsp_mono_ns();
        int stuck = 0;
        uint64_t stuck_ms = 0;
        for (struct vsp_track *tt = vsp_wd_threads; tt != NULL; tt = tt->next) {
            struct vsp_watch *w = &tt->watch; /* seen, since (ns), reported: busy counts */
            uint64_t b = __atomic_load_n(&tt->busy, __ATOMIC_RELAXED);
            if (!(b & 1) || b != w->seen) {
                w->seen = b;
                w->since = now;
            } else if (now - w->since >= (uint64_t)threshold * 1000000u && w->reported != b &&
                       stuck == 0) {
                w->reported = b;
                stuck = tt->tid;
                stuck_ms = (now - w->since) / 1000000u;
            }
        }
        if (stuck != 0) {
            pthread_mutex_unlock(&vsp_wd_mutex);
            vsp_wd_report(stuck, stuck_ms, threshold);
            pthread_mutex_lock(&vsp_wd_mutex);
        }
    }
    pthread_mutex_unlock(&vsp_wd_mutex);
    return NULL;
}

/* Under the mutex. */
static void vsp_wd_start(void)
{
    if (vsp_wd_running || vsp_wd_ms == 0 || !(vsp_slow() & VSP_SLOW_FULL))
        return;
    vsp_wd_stop = false;
    if (vsp_sched_create_raw(&vsp_wd_thread, vsp_wd_main, NULL) == 0) /* never controlled */
        vsp_wd_running = true;
    else
        vsp_track_degraded("cannot start the watchdog thread");
}

/* The full mode was turned on or off. Off, the watchdog thread is gone when this
 * returns, so a program can fork with the threads it knows of (fork() copies only the
 * caller, and ThreadSanitizer refuses new threads after a multi-threaded fork). */
void vsp_watchdog_mode(bool full)
{
    pthread_mutex_lock(&vsp_wd_mutex);
    bool join = false;
    if (full && vsp_wd_threads != NULL) {
        vsp_wd_start();
    } else if (!full && vsp_wd_running && !pthread_equal(pthread_self(), vsp_wd_thread)) {
        vsp_wd_stop = true;
        vsp_wd_running = false;
        pthread_cond_signal(&vsp_wd_cond);
        join = true;
    }
    pthread_mutex_unlock(&vsp_wd_mutex);
    if (join)
        vsp_sched_join(vsp_wd_thread, NULL);
}

void vsp_watchdog_add(struct vsp_track *tt)
{
    pthread_mutex_lock(&vsp_wd_mutex);
    tt->prev = NULL;
    tt->next = vsp_wd_threads;
    if (vsp_wd_threads != NULL)
        vsp_wd_threads->prev = tt;
    vsp_wd_threads = tt;
    vsp_wd_start();
    pthread_mutex_unlock(&vsp_wd_mutex);
}

void vsp_watchdog_remove(struct vsp_track *tt)
{
    pthread_mutex_lock(&vsp_wd_mutex);
    if (tt->prev != NULL)
        tt->prev->next = tt->next;
    else if (vsp_wd_threads == tt)
        vsp_wd_threads = tt->next;
    if (tt->next != NULL)
        tt->next->prev = tt->prev;
    pthread_mutex_unlock(&vsp_wd_mutex);
}

ULONG vpspin_set_watchdog(ULONG Milliseconds)
{
    pthread_mutex_lock(&vsp_wd_mutex);
    ULONG old = vsp_wd_ms;
    vsp_wd_ms = Milliseconds;
    if (vsp_wd_threads != NULL)
        vsp_wd_start();
    pthread_cond_signal(&vsp_wd_cond);
    pthread_mutex_unlock(&vsp_wd_mutex);
    return old;
}

/* fork() holds the mutex, so that the child's copy of the list is whole and the mutex
 * free. A forked child has only the thread that forked, and no watchdog thread; one
 * starts with the child's next tracked thread (or vpspin_set_watchdog). */
static void vsp_wd_fork_prepare(void) { pthread_mutex_lock(&vsp_wd_mutex); }

static void vsp_wd_fork_parent(void) { pthread_mutex_unlock(&vsp_wd_mutex); }

static void vsp_wd_forked(void)
{
    vsp_wd_running = false;
    struct vsp_track *self = vsp_self()->track;
    vsp_wd_threads = NULL;
    if (self != NULL && (uintptr_t)self != 1) {
        self->next = self->prev = NULL;
        self->tid = (int)getpid(); /* the forking thread is the child's main thread */
        vsp_wd_threads = self;
    }
    pthread_mutex_unlock(&vsp_wd_mutex);
}

__attribute__((constructor)) static void vsp_wd_init(void)
{
    unsigned long ms;
    if (vsp_env_number("VPSPIN_WATCHDOG_MS", 0, 0xFFFFFFFFu, VSP_WATCHDOG_DEFAULT_MS,
                       "a number of milliseconds", &ms))
        vsp_wd_ms = (ULONG)ms;
    pthread_atfork(vsp_wd_fork_prepare, vsp_wd_fork_parent, vsp_wd_forked);
}
