/*
 * sched/sched.h - the one interface through which the layers above report scheduling points
 * to the controlled scheduler (sched.c), and the few blocking primitives that respect it.
 *
 * The controlled mode (VPSPIN_SCHED=random|pct[:D]|pb:B|replay:FILE, or vpspin_set_sched)
 * runs every thread that uses vpspin one at a time. A thread runs until it reaches a
 * scheduling point; there the scheduler asks its strategy which enabled thread runs next
 * and hands the one token over. A point names what the thread is about to do (its kind),
 * the object it does it to (a lock word, a device, an event, a thread) and the IRQL it will
 * be at when it goes on; the scheduler uses the IRQL to keep at most VPSPIN_SCHED_CPUS
 * threads at DISPATCH_LEVEL or above, and to deliver an interrupt only while some virtual
 * processor is below the device's IRQL.
 *
 *   vsp_sched_point(kind, object, irql, site)   a point; RELEASE and EVENT_SET also wake
 *                                               the threads blocked on object
 *   vsp_sched_wait(kind, object, holder, deadline, site)
 *                                               block until object is signalled (or the
 *                                               virtual deadline passes); the caller then
 *                                               looks again (a lock: try again)
 *   vsp_sched_signal(object)                    wake the threads blocked on object, no switch
 *   vsp_sched_acquired(lock)                    bookkeeping: this thread now holds lock
 *
 * So an event's set is one call (EVENT_SET point), its wait one (vsp_sched_wait), a DPC's
 * queueing one (DPC_QUEUE), its delivery one (DPC_RUN), an interrupt's delivery one
 * (INTERRUPT), a timer's expiry one (TIMER). A layer above that knows more (who holds the
 * lock a thread waits for) passes it as an argument: the scheduler never calls up.
 *
 * Everything is reached through the flag VSP_SLOW_SCHED of base/slow.h, which also sends
 * the lock fast paths to their full paths; with it clear, each hook costs one load and one
 * branch. VPSPIN_DELAY (delay.c) uses the same points to sleep at random instead.
 */
#ifndef VSP_SCHED_H
#define VSP_SCHED_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/slow.h"
#include "sched/point.h"

#define VSP_SCHED_OFF        0
#define VSP_SCHED_CONTROLLED 1
#define VSP_SCHED_DELAY      2
extern int vsp_sched_mode; /* one of the above; set once at start-up (mode.c) */

static inline bool vsp_sched_on(void) { return vsp_slow() & VSP_SLOW_SCHED; }
static inline bool vsp_sched_controlled(void)
{
    return __atomic_load_n(&vsp_sched_mode, __ATOMIC_RELAXED) == VSP_SCHED_CONTROLLED;
}

/* As irql: the thread's IRQL does not change. */
#define VSP_SCHED_SAME_IRQL 255u

void vsp_sched_point_slow(unsigned kind, const void *object, unsigned irql, const void *site);

static inline void vsp_sched_point(unsigned kind, const void *object, unsigned irql,
                                   const void *site)
{
    if (__builtin_expect(vsp_sched_on(), 0))
        vsp_sched_point_slow(kind, object, irql, site);
}

/* A thread that has not reached its first point yet takes its turn now (a START point):
 * call it where a thread starts acting on shared state without holding a mutex (the host's
 * entry points, a thread's creation), so that what it does happens at a step of its own,
 * never beside the thread that holds the token. */
void vsp_sched_enter_slow(const void *site);
static inline void vsp_sched_enter(const void *site)
{
    if (__builtin_expect(vsp_sched_on(), 0))
        vsp_sched_enter_slow(site);
}

/* Controlled mode only. holder: the kernel thread id that holds object (a lock), or 0.
 * deadline: virtual CLOCK_MONOTONIC ns, or 0 for none. Returns false if it timed out. */
bool vsp_sched_wait(unsigned kind, const void *object, int holder, uint64_t deadline,
                    const void *site);
void vsp_sched_signal(const void *object);
void vsp_sched_acquired(const void *lock);

/* VideoPortStallExecution in the controlled mode: a point at which ns of virtual time pass. */
void vsp_sched_stall(uint64_t ns, const void *site);

/* What a deadlock report calls a lock: a layer above that knows more than its address (the
 * VideoPort lock objects) registers a namer; without one, reports give the address. The
 * namer must not take locks or allocate. */
typedef void (*vsp_sched_namer)(const void *lock, char *buf, unsigned long n);
void vsp_sched_set_namer(vsp_sched_namer name);

/* CLOCK_MONOTONIC in ns: virtual in the controlled mode (it moves only when a timed wait
 * times out or a stall is chosen), real otherwise. */
uint64_t vsp_sched_now_ns(void);

/* ---- Threads and waits of the host (thread.c) ------------------------------------------
 * In the controlled mode these make the waits scheduling points; otherwise they are the
 * pthread calls. A thread made with vsp_sched_create is a controlled thread from its
 * first point on; vsp_sched_create_raw makes one the scheduler never sees (the library's
 * own helpers: watchdog, stall monitor). */
int vsp_sched_create(pthread_t *thread, void *(*start)(void *), void *arg);
int vsp_sched_create_raw(pthread_t *thread, void *(*start)(void *), void *arg);
int vsp_sched_join(pthread_t thread, void **result);
void vsp_sched_mutex_lock(pthread_mutex_t *m);
void vsp_sched_mutex_unlock(pthread_mutex_t *m);
/* deadline: CLOCK_MONOTONIC ns as vsp_sched_now_ns gives it (the condition variable uses
 * CLOCK_MONOTONIC), or 0 for none. */
void vsp_sched_cond_wait(pthread_cond_t *c, pthread_mutex_t *m, uint64_t deadline);
void vsp_sched_cond_broadcast(pthread_cond_t *c);

#endif
