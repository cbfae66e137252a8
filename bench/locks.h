/*
 * locks.h - the locks vpspin-bench and vpspin-pair compare, each reduced to a small
 * shim, in the style of Concurrency Kit's benchmarks: the harness is written once and
 * its loops are instantiated per shim, so an inline lock (ck) can be inlined into the
 * loop, or, as vpspin-bench does by default, called through a pointer to a wrapper like
 * every other lock. vpspin and the pthread locks stay what they are for any user: calls
 * into a shared library.
 *
 * A shim ID provides
 *   ID_lock_t                      the shared lock (the harness aligns it to a cache line)
 *   ID_ctx_t                       what one acquisition needs to remember until its release:
 *                                  the old IRQL, the KLOCK_QUEUE_HANDLE, the MCS node. The
 *                                  harness keeps it on the acquiring thread's stack.
 *   int  ID_init(ID_lock_t *)      0 on success
 *   void ID_destroy(ID_lock_t *)
 *   void ID_lock(ID_lock_t *, ID_ctx_t *)
 *   void ID_unlock(ID_lock_t *, ID_ctx_t *)
 *
 * LOCK_SHIMS(X) lists them: X(ID, "name", "what is called", is_vpspin, tsan_blind).
 * is_vpspin: the lock obeys vpspin_set_verify (the harness runs it once per mode).
 * tsan_blind: its atomics are inline assembly, invisible to ThreadSanitizer, which then
 * reports the data it protects as racy; a TSan build leaves these out by default.
 *
 * The vpspin locks are taken from PASSIVE_LEVEL (a new thread's IRQL), as a miniport's
 * passive code does: acquire raises to DISPATCH_LEVEL, release lowers back.
 */
#ifndef VPSPIN_BENCH_LOCKS_H
#define VPSPIN_BENCH_LOCKS_H

#include <pthread.h>

#include <ck_spinlock.h>
#include <vpspin/vpspin.h>

/* ck_spinlock_ticket_lock_pb's c: the waiter backs off (distance to the head) << c
 * barrier iterations. 0, as Concurrency Kit's own regressions use
 * (regressions/ck_spinlock/ci/ticket_pb.h). */
#define BENCH_CK_TICKET_PB_C 0

#define LOCK_SHIMS(X)                                                                     \
    X(vp, "vp", "VideoPortAcquireSpinLock / VideoPortReleaseSpinLock", 1, 0)              \
    X(ke, "ke", "KeAcquireSpinLock / KeReleaseSpinLock", 1, 0)                            \
    X(keq, "keq", "KeAcquireInStackQueuedSpinLock / KeReleaseInStackQueuedSpinLock", 1, 0) \
    X(pspin, "pthread-spin", "pthread_spin_lock / pthread_spin_unlock", 0, 0)             \
    X(pmutex, "pthread-mutex", "pthread_mutex_lock / unlock, default mutex", 0, 0)       \
    X(adaptive, "adaptive", "pthread_mutex_lock / unlock, PTHREAD_MUTEX_ADAPTIVE_NP", 0, 0) \
    X(ckfas, "ck-fas", "ck_spinlock_fas_lock_eb / ck_spinlock_fas_unlock", 0, 1)          \
    X(ckticket, "ck-ticket", "ck_spinlock_ticket_lock_pb / ck_spinlock_ticket_unlock", 0, 1) \
    X(ckmcs, "ck-mcs", "ck_spinlock_mcs_lock / ck_spinlock_mcs_unlock", 0, 1)

/* ---- vpspin: VideoPort lock ------------------------------------------------------- */
typedef struct { PSPIN_LOCK lock; } vp_lock_t;
typedef struct { UCHAR old_irql; } vp_ctx_t;

/* HwDeviceExtension may be NULL (video.h); it only names the lock in reports. */
static inline int vp_init(vp_lock_t *l)
{
    return VideoPortCreateSpinLock(NULL, &l->lock) == NO_ERROR ? 0 : -1;
}
static inline void vp_destroy(vp_lock_t *l) { VideoPortDeleteSpinLock(NULL, l->lock); }
static inline void vp_lock(vp_lock_t *l, vp_ctx_t *c)
{
    VideoPortAcquireSpinLock(NULL, l->lock, &c->old_irql);
}
static inline void vp_unlock(vp_lock_t *l, vp_ctx_t *c)
{
    VideoPortReleaseSpinLock(NULL, l->lock, c->old_irql);
}

/* ---- vpspin: executive spin lock -------------------------------------------------- */
typedef struct { KSPIN_LOCK word; } ke_lock_t;
typedef struct { KIRQL old_irql; } ke_ctx_t;

static inline int ke_init(ke_lock_t *l)
{
    KeInitializeSpinLock(&l->word);
    return 0;
}
static inline void ke_destroy(ke_lock_t *l) { (void)l; }
static inline void ke_lock(ke_lock_t *l, ke_ctx_t *c) { KeAcquireSpinLock(&l->word, &c->old_irql); }
static inline void ke_unlock(ke_lock_t *l, ke_ctx_t *c) { KeReleaseSpinLock(&l->word, c->old_irql); }

/* ---- vpspin: in-stack queued spin lock -------------------------------------------- */
typedef struct { KSPIN_LOCK word; } keq_lock_t;
typedef struct { KLOCK_QUEUE_HANDLE handle; } keq_ctx_t;

static inline int keq_init(keq_lock_t *l)
{
    KeInitializeSpinLock(&l->word);
    return 0;
}
static inline void keq_destroy(keq_lock_t *l) { (void)l; }
static inline void keq_lock(keq_lock_t *l, keq_ctx_t *c)
{
    KeAcquireInStackQueuedSpinLock(&l->word, &c->handle);
}
static inline void keq_unlock(keq_lock_t *l, keq_ctx_t *c)
{
    (void)l;
    KeReleaseInStackQueuedSpinLock(&c->handle);
}

/* ---- pthread spin lock ------------------------------------------------------------ */
typedef struct { pthread_spinlock_t s; } pspin_lock_t;
typedef struct { char unused; } pspin_ctx_t;

static inline int pspin_init(pspin_lock_t *l) { return pthread_spin_init(&l->s, PTHREAD_PROCESS_PRIVATE); }
static inline void pspin_destroy(pspin_lock_t *l) { pthread_spin_destroy(&l->s); }
static inline void pspin_lock(pspin_lock_t *l, pspin_ctx_t *c)
{
    (void)c;
    pthread_spin_lock(&l->s);
}
static inline void pspin_unlock(pspin_lock_t *l, pspin_ctx_t *c)
{
    (void)c;
    pthread_spin_unlock(&l->s);
}

/* ---- pthread mutexes: default, and glibc's adaptive (spins a while, then sleeps) --- */
typedef struct { pthread_mutex_t m; } pmutex_lock_t;
typedef struct { char unused; } pmutex_ctx_t;
typedef pmutex_lock_t adaptive_lock_t;
typedef pmutex_ctx_t adaptive_ctx_t;

static inline int pmutex_init(pmutex_lock_t *l) { return pthread_mutex_init(&l->m, NULL); }
static inline void pmutex_destroy(pmutex_lock_t *l) { pthread_mutex_destroy(&l->m); }
static inline void pmutex_lock(pmutex_lock_t *l, pmutex_ctx_t *c)
{
    (void)c;
    pthread_mutex_lock(&l->m);
}
static inline void pmutex_unlock(pmutex_lock_t *l, pmutex_ctx_t *c)
{
    (void)c;
    pthread_mutex_unlock(&l->m);
}

static inline int adaptive_init(adaptive_lock_t *l)
{
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ADAPTIVE_NP);
    int rc = pthread_mutex_init(&l->m, &a);
    pthread_mutexattr_destroy(&a);
    return rc;
}
#define adaptive_destroy pmutex_destroy
#define adaptive_lock pmutex_lock
#define adaptive_unlock pmutex_unlock

/* ---- Concurrency Kit: fetch-and-store with exponential backoff -------------------- */
typedef struct { ck_spinlock_fas_t s; } ckfas_lock_t;
typedef struct { char unused; } ckfas_ctx_t;

static inline int ckfas_init(ckfas_lock_t *l)
{
    ck_spinlock_fas_init(&l->s);
    return 0;
}
static inline void ckfas_destroy(ckfas_lock_t *l) { (void)l; }
static inline void ckfas_lock(ckfas_lock_t *l, ckfas_ctx_t *c)
{
    (void)c;
    ck_spinlock_fas_lock_eb(&l->s);
}
static inline void ckfas_unlock(ckfas_lock_t *l, ckfas_ctx_t *c)
{
    (void)c;
    ck_spinlock_fas_unlock(&l->s);
}

/* ---- Concurrency Kit: ticket lock with proportional backoff ----------------------- */
typedef struct { ck_spinlock_ticket_t s; } ckticket_lock_t;
typedef struct { char unused; } ckticket_ctx_t;

static inline int ckticket_init(ckticket_lock_t *l)
{
    ck_spinlock_ticket_init(&l->s);
    return 0;
}
static inline void ckticket_destroy(ckticket_lock_t *l) { (void)l; }
static inline void ckticket_lock(ckticket_lock_t *l, ckticket_ctx_t *c)
{
    (void)c;
    ck_spinlock_ticket_lock_pb(&l->s, BENCH_CK_TICKET_PB_C);
}
static inline void ckticket_unlock(ckticket_lock_t *l, ckticket_ctx_t *c)
{
    (void)c;
    ck_spinlock_ticket_unlock(&l->s);
}

/* ---- Concurrency Kit: MCS queue lock, one node per acquisition -------------------- */
typedef struct { ck_spinlock_mcs_t queue; } ckmcs_lock_t;
typedef struct { ck_spinlock_mcs_context_t node; } ckmcs_ctx_t;

static inline int ckmcs_init(ckmcs_lock_t *l)
{
    ck_spinlock_mcs_init(&l->queue);
    return 0;
}
static inline void ckmcs_destroy(ckmcs_lock_t *l) { (void)l; }
static inline void ckmcs_lock(ckmcs_lock_t *l, ckmcs_ctx_t *c) { ck_spinlock_mcs_lock(&l->queue, &c->node); }
static inline void ckmcs_unlock(ckmcs_lock_t *l, ckmcs_ctx_t *c)
{
    ck_spinlock_mcs_unlock(&l->queue, &c->node);
}

/* All lock types in one union, so one cache-aligned object can hold any of them. */
#define LOCK_UNION_MEMBER(id, ...) id##_lock_t id;
union bench_any_lock {
    LOCK_SHIMS(LOCK_UNION_MEMBER)
};

#endif
