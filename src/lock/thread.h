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

#include <stdint.h>

#include <vpspin/wdm.h>

struct vsp_thread {
    KIRQL irql;      /* the thread's logical IRQL */
    uint32_t owner;  /* record tag for lock words (lockword.h), 0 until attached */
    int tid;         /* kernel thread id, 0 until attached */
    unsigned held;   /* spin locks the thread holds, in every checking mode */
    struct vsp_track *track; /* its tracking state (track.h), NULL until needed */
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

/* The calling thread's kernel thread id. */
static inline int vsp_tid(void)
{
    struct vsp_thread *t = vsp_self();
    vsp_owner_tag(t);
    return t->tid;
}

#endif
