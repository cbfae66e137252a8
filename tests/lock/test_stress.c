/*
 * test_stress.c - mutual exclusion under contention, for every acquire/release variant,
 * at 2, 8 and 32 threads (more threads than this machine's cores, so holders and waiters
 * are preempted and waiters park).
 *
 * Inside each critical section a thread checks that it is alone (an "inside" count that
 * must read 1) and that two plain counters updated together are consistent; at the end
 * the protected count must equal the number of acquisitions exactly. The protected data
 * is deliberately non-atomic: under ThreadSanitizer a lock that failed to order the
 * critical sections would show up as a data race. VPSPIN_STRESS_ITERS scales the run.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include <vpspin/vpspin.h>

#include "check.h"

enum variant {
    VP_RAISE,   /* VideoPortAcquireSpinLock / VideoPortReleaseSpinLock */
    VP_DPC,     /* VideoPort AtDpcLevel / FromDpcLevel */
    KE_RAISE,   /* KeAcquireSpinLock / KeReleaseSpinLock */
    KE_DPC,     /* KeAcquireSpinLockAtDpcLevel / KeReleaseSpinLockFromDpcLevel */
    KE_TRY,     /* KeTestSpinLock + KeTryToAcquireSpinLockAtDpcLevel polling */
    KE_QUEUED,  /* KeAcquireInStackQueuedSpinLock / KeReleaseInStackQueuedSpinLock */
    KE_QUEUED_DPC,
    VP_MIXED,   /* each thread alternates both VideoPort pairs on one lock */
    KE_MIXED,   /* each thread cycles through raise, DPC and try on one Ke lock */
    VARIANTS
};

static const char *const variant_names[VARIANTS] = {
    "VideoPort raise", "VideoPort DPC", "Ke raise", "Ke DPC", "Ke try",
    "Ke queued", "Ke queued DPC", "VideoPort mixed", "Ke mixed",
};

struct shared {
    KSPIN_LOCK ke_lock;
    PSPIN_LOCK vp_lock;
    enum variant variant;
    long iterations;
    pthread_barrier_t start; /* all threads begin together, so they really contend */
    /* Protected by the lock: */
    int inside;
    long count;
    long twice;
    long violations;
};

static int is_dpc_variant(enum variant v)
{
    return v == VP_DPC || v == KE_DPC || v == KE_TRY || v == KE_QUEUED_DPC;
}

static void critical_section(struct shared *s)
{
    if (++s->inside != 1 || KeGetCurrentIrql() != DISPATCH_LEVEL)
        s->violations++;
    s->count++;
    s->twice += 2;
    if (s->twice != 2 * s->count)
        s->violations++;
    s->inside--;
}

static void ke_try_acquire(PKSPIN_LOCK lock)
{
    for (unsigned fails = 0; !KeTryToAcquireSpinLockAtDpcLevel(lock); fails++) {
        while (!KeTestSpinLock(lock))
            if (++fails % 64 == 0)
                sched_yield(); /* the holder may be preempted: let it run */
    }
}

static void one_round(struct shared *s, enum variant v, long i)
{
    UCHAR vp_old;
    KIRQL ke_old;
    KLOCK_QUEUE_HANDLE h;
    switch (v) {
    case VP_MIXED:
        one_round(s, i % 2 ? VP_RAISE : VP_DPC, i);
        return;
    case KE_MIXED:
        one_round(s, i % 3 == 0 ? KE_RAISE : i % 3 == 1 ? KE_DPC : KE_TRY, i);
        return;
    case VP_RAISE:
        VideoPortAcquireSpinLock(NULL, s->vp_lock, &vp_old);
        critical_section(s);
        VideoPortReleaseSpinLock(NULL, s->vp_lock, vp_old);
        break;
    case VP_DPC:
        VideoPortAcquireSpinLockAtDpcLevel(NULL, s->vp_lock);
        critical_section(s);
        VideoPortReleaseSpinLockFromDpcLevel(NULL, s->vp_lock);
        break;
    case KE_RAISE:
        KeAcquireSpinLock(&s->ke_lock, &ke_old);
        critical_section(s);
        KeReleaseSpinLock(&s->ke_lock, ke_old);
        break;
    case KE_DPC:
        KeAcquireSpinLockAtDpcLevel(&s->ke_lock);
        critical_section(s);
        KeReleaseSpinLockFromDpcLevel(&s->ke_lock);
        break;
    case KE_TRY:
        ke_try_acquire(&s->ke_lock);
        critical_section(s);
        KeReleaseSpinLockFromDpcLevel(&s->ke_lock);
        break;
    case KE_QUEUED:
        KeAcquireInStackQueuedSpinLock(&s->ke_lock, &h);
        critical_section(s);
        KeReleaseInStackQueuedSpinLock(&h);
        break;
    case KE_QUEUED_DPC:
        KeAcquireInStackQueuedSpinLockAtDpcLevel(&s->ke_lock, &h);
        critical_section(s);
        KeReleaseInStackQueuedSpinLockFromDpcLevel(&h);
        break;
    case VARIANTS:
        break;
    }
}

static void *worker(void *arg)
{
    struct shared *s = arg;
    /* Mixed variants run at DISPATCH_LEVEL: a raising acquire from there is allowed. */
    int at_dpc = is_dpc_variant(s->variant) || s->variant == VP_MIXED || s->variant == KE_MIXED;
    KIRQL old = at_dpc ? KeRaiseIrqlToDpcLevel() : PASSIVE_LEVEL;
    long bad_irql = 0;
    pthread_barrier_wait(&s->start);
    for (long i = 0; i < s->iterations; i++) {
        one_round(s, s->variant, i);
        if (KeGetCurrentIrql() != (at_dpc ? DISPATCH_LEVEL : PASSIVE_LEVEL))
            bad_irql++;
    }
    if (at_dpc)
        KeLowerIrql(old);
    return (void *)bad_irql;
}

static void run(enum variant v, int threads, long total)
{
    struct shared s = {.variant = v, .iterations = total / threads};
    KeInitializeSpinLock(&s.ke_lock);
    CHECK_EQ(VideoPortCreateSpinLock(NULL, &s.vp_lock), NO_ERROR);
    pthread_barrier_init(&s.start, NULL, (unsigned)threads);

    pthread_t t[64];
    for (int i = 0; i < threads; i++)
        CHECK_EQ(pthread_create(&t[i], NULL, worker, &s), 0);
    long bad_irql = 0;
    for (int i = 0; i < threads; i++) {
        void *r;
        pthread_join(t[i], &r);
        bad_irql += (long)r;
    }

    long expected = s.iterations * threads;
    vpspin_spin_lock_info info;
    CHECK_EQ(vpspin_query_spin_lock(s.vp_lock, &info), NO_ERROR);
    printf("%-16s %2d threads: %8ld acquisitions, %ld violations", variant_names[v], threads,
           s.count, s.violations + bad_irql);
    if (info.Acquisitions)
        printf(", %lu contended", (unsigned long)info.Contentions);
    printf("\n");
    CHECK_EQ(s.count, expected);
    CHECK_EQ(s.twice, 2 * expected);
    CHECK_EQ(s.violations, 0);
    CHECK_EQ(bad_irql, 0);
    CHECK_EQ(s.ke_lock, 0);
    if (v == VP_RAISE || v == VP_DPC || v == VP_MIXED) {
        CHECK_EQ(info.Acquisitions, expected);
        CHECK(info.Contentions <= info.Acquisitions);
    }
    CHECK_EQ(VideoPortDeleteSpinLock(NULL, s.vp_lock), NO_ERROR);
    pthread_barrier_destroy(&s.start);
}

int main(void)
{
    const char *env = getenv("VPSPIN_STRESS_ITERS");
    long total = env ? atol(env) : 320000;
    static const int thread_counts[] = {2, 8, 32};

    for (int v = 0; v < VARIANTS; v++)
        for (int i = 0; i < 3; i++)
            run((enum variant)v, thread_counts[i], total);

    /* The unchecked fast paths, too. */
    vpspin_set_verify(VPSPIN_VERIFY_OFF);
    for (int i = 0; i < 3; i++) {
        run(VP_RAISE, thread_counts[i], total);
        run(KE_QUEUED, thread_counts[i], total);
    }
    CHECK_EQ(vpspin_bugcheck_count(), 0);
    return check_done();
}
