/*
 * lock/thread.h - the per-thread state behind the IRQL model: each thread's logical IRQL
 * and the owner tag it writes into the lock words it holds.
 *
 * The state lives in initial-exec TLS, so reaching it costs one segment-relative
 * address computation and no call. Zero-initialised TLS is the state of a new thread:
 * PASSIVE_LEVEL, not yet attached (owner tag 0). The tag is computed on first use
 * (vsp_thread_attach) from the kernel thread id, so reports can name the owner of a
 * lock without touching that thread's memory.
 */
#ifndef VSP_THREAD_H
#define VSP_THREAD_H

#include <stdbool.h>
#include <stdint.h>

#include <vpspin/wdm.h>

#include "base/clock.h"

/* The lock a thread waits for, while it waits (set by ke/spinlock.c's full path around
 * the lock algorithm's wait, read by the lock dump from other threads). */
struct vsp_wait {
    const void *lock;  /* atomic: the lock, or NULL when not waiting */
    const void *site;  /* the acquire's call site */
    uint64_t since;    /* vsp_mono_ns() when it began */
    uint32_t rec;      /* the record it will store: how it acquires */
};

struct vsp_thread {
    KIRQL irql;      /* the thread's logical IRQL */
    uint32_t owner;  /* record tag for lock words (lockword.h), 0 until attached */
    int tid;         /* kernel thread id, 0 until attached */
    unsigned held;   /* spin locks the thread holds, in every checking mode */
    /* Checked mode: the lock of the thread's latest acquire, while the thread holds it with
     * the record (lockword.h) owner | last_bits (kind and IRQL); NULL otherwise. Set by the
     * acquires, cleared by every release (ke/spinlock.h), so that the release can check its
     * rules against this copy instead of loading the word its acquire's CAS has just
     * written (that load waits for the CAS: about 3 ns a pair). */
    const KSPIN_LOCK *last_lock;
    uint32_t last_bits;
    struct vsp_track *track; /* its tracking state (track.h), NULL until needed */
    struct vsp_wait wait;
    /* The registry of attached threads (thread.c), for the lock dump. */
    struct vsp_thread *next, *prev;
    bool registered;
    void *stack_request; /* atomic: where the lock dump wants this thread's stack */
};

struct vsp_track;

extern __thread struct vsp_thread vsp_self_tls __attribute__((tls_model("initial-exec")));

static inline struct vsp_thread *vsp_self(void) { return &vsp_self_tls; }

uint32_t vsp_thread_attach(struct vsp_thread *t);

/* The tag this thread stores in a lock word it holds. */
static inline uint32_t vsp_owner_tag(struct vsp_thread *t)
{
    uint32_t tag = t->owner;
    if (__builtin_expect(tag == 0, 0))
        tag = vsp_thread_attach(t);
    return tag;
}

/* Around a wait in the lock algorithm: what the lock dump says the thread waits for. */
static inline void vsp_wait_begin(struct vsp_thread *t, const void *lock, const void *site,
                                  uint32_t rec)
{
    t->wait.site = site;
    t->wait.rec = rec;
    t->wait.since = vsp_mono_ns();
    /* Release: a dump that sees the lock sees the rest. */
    __atomic_store_n(&t->wait.lock, lock, __ATOMIC_RELEASE);
}

static inline void vsp_wait_end(struct vsp_thread *t)
{
    __atomic_store_n(&t->wait.lock, NULL, __ATOMIC_RELAXED);
}

/* ---- The registry: every thread attached, until it exits ----------------------------
 * A thread is registered when it attaches and removed at its exit (a thread-specific
 * data destructor), under the registry's mutex; while a caller holds it, no registered
 * thread's state goes away (verifier/track.c frees a thread's tracking state under it
 * too). Nothing on a lock path takes it. */
void vsp_thread_lock(void);
void vsp_thread_unlock(void);
struct vsp_thread *vsp_thread_first(void); /* under the lock; then ->next */

/* The calling thread's kernel thread id. */
static inline int vsp_tid(void)
{
    struct vsp_thread *t = vsp_self();
    vsp_owner_tag(t);
    return t->tid;
}

#endif
