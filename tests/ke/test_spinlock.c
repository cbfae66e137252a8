/*
 * test_spinlock.c - the contract of every Ke and VideoPort function, one at a time:
 * IRQL in and out, the KSPIN_LOCK word's states, statuses, what a second thread sees,
 * waiting, sleeping, waking and handoff, allocation failure. Run once with checks on and once with them off.
 */
#include <dirent.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <vpspin/vpspin.h>

#include "check.h"

static void test_ke_plain(void)
{
    KSPIN_LOCK lock = (KSPIN_LOCK)0x1234;
    KeInitializeSpinLock(&lock);
    CHECK_EQ(lock, 0);
    CHECK(KeTestSpinLock(&lock));

    for (KIRQL from = PASSIVE_LEVEL; from <= DISPATCH_LEVEL; from++) {
        KIRQL entry, old = 0xFF;
        KeRaiseIrql(from, &entry);
        KeAcquireSpinLock(&lock, &old);
        CHECK_EQ(old, from);
        CHECK_EQ(KeGetCurrentIrql(), DISPATCH_LEVEL);
        CHECK(lock != 0);
        CHECK(!KeTestSpinLock(&lock));
        KeReleaseSpinLock(&lock, old);
        CHECK_EQ(KeGetCurrentIrql(), from);
        CHECK_EQ(lock, 0);
        CHECK(KeTestSpinLock(&lock));
        KeLowerIrql(entry);
    }

    CHECK_EQ(KeAcquireSpinLockRaiseToDpc(&lock), PASSIVE_LEVEL);
    CHECK(lock != 0);
    KeReleaseSpinLock(&lock, PASSIVE_LEVEL);
    CHECK_EQ(lock, 0);
    CHECK_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);
}

static void test_ke_dpc(void)
{
    KSPIN_LOCK lock;
    KeInitializeSpinLock(&lock);
    KIRQL old = KeRaiseIrqlToDpcLevel();

    KeAcquireSpinLockAtDpcLevel(&lock);
    CHECK_EQ(KeGetCurrentIrql(), DISPATCH_LEVEL);
    CHECK(lock != 0);
    CHECK(!KeTryToAcquireSpinLockAtDpcLevel(&lock)); /* held by the caller: fails, no wait */
    KeReleaseSpinLockFromDpcLevel(&lock);
    CHECK_EQ(KeGetCurrentIrql(), DISPATCH_LEVEL);
    CHECK_EQ(lock, 0);

    CHECK(KeTryToAcquireSpinLockAtDpcLevel(&lock));
    CHECK(lock != 0);
    CHECK(!KeTestSpinLock(&lock));
    KeReleaseSpinLockFromDpcLevel(&lock);
    CHECK_EQ(lock, 0);

    /* Nested locks at DPC level, released in reverse order. */
    KSPIN_LOCK inner;
    KeInitializeSpinLock(&inner);
    KeAcquireSpinLockAtDpcLevel(&lock);
    KeAcquireSpinLockAtDpcLevel(&inner);
    CHECK(lock != 0 && inner != 0);
    KeReleaseSpinLockFromDpcLevel(&inner);
    KeReleaseSpinLockFromDpcLevel(&lock);
    CHECK(lock == 0 && inner == 0);

    KeLowerIrql(old);
}

static void test_ke_queued(void)
{
    KSPIN_LOCK lock;
    KLOCK_QUEUE_HANDLE h;
    KeInitializeSpinLock(&lock);
    memset(&h, 0xAB, sizeof h);

    KeAcquireInStackQueuedSpinLock(&lock, &h);
    CHECK_EQ(h.OldIrql, PASSIVE_LEVEL);
    CHECK(h.LockQueue.Lock == &lock);
    CHECK_EQ(KeGetCurrentIrql(), DISPATCH_LEVEL);
    CHECK(lock != 0);
    KeReleaseInStackQueuedSpinLock(&h);
    CHECK_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);
    CHECK_EQ(lock, 0);

    KIRQL apc;
    KeRaiseIrql(APC_LEVEL, &apc);
    KeAcquireInStackQueuedSpinLock(&lock, &h);
    CHECK_EQ(h.OldIrql, APC_LEVEL);
    KeReleaseInStackQueuedSpinLock(&h);
    CHECK_EQ(KeGetCurrentIrql(), APC_LEVEL);
    KeLowerIrql(apc);

    KIRQL old = KeRaiseIrqlToDpcLevel();
    KeAcquireInStackQueuedSpinLockAtDpcLevel(&lock, &h);
    CHECK(h.LockQueue.Lock == &lock);
    CHECK_EQ(KeGetCurrentIrql(), DISPATCH_LEVEL);
    CHECK(lock != 0);
    KeReleaseInStackQueuedSpinLockFromDpcLevel(&h);
    CHECK_EQ(KeGetCurrentIrql(), DISPATCH_LEVEL);
    CHECK_EQ(lock, 0);
    KeLowerIrql(old);
}

static void test_videoport(void)
{
    PSPIN_LOCK lock = NULL, other = NULL;
    int extension;
    CHECK_EQ(VideoPortCreateSpinLock(&extension, &lock), NO_ERROR);
    CHECK(lock != NULL);
    CHECK_EQ(VideoPortCreateSpinLock(NULL, &other), NO_ERROR); /* no extension needed */
    CHECK(other != NULL && other != lock);
    CHECK_EQ(VideoPortCreateSpinLock(NULL, NULL), ERROR_INVALID_PARAMETER);

    UCHAR old = 0xFF;
    VideoPortAcquireSpinLock(&extension, lock, &old);
    CHECK_EQ(old, PASSIVE_LEVEL);
    CHECK_EQ(VideoPortGetCurrentIrql(), DISPATCH_LEVEL);
    VideoPortAcquireSpinLockAtDpcLevel(&extension, other); /* nested, at DISPATCH_LEVEL */
    CHECK_EQ(VideoPortGetCurrentIrql(), DISPATCH_LEVEL);
    VideoPortReleaseSpinLockFromDpcLevel(&extension, other);
    CHECK_EQ(VideoPortGetCurrentIrql(), DISPATCH_LEVEL);
    VideoPortReleaseSpinLock(&extension, lock, old);
    CHECK_EQ(VideoPortGetCurrentIrql(), PASSIVE_LEVEL);

    KIRQL apc;
    KeRaiseIrql(APC_LEVEL, &apc);
    VideoPortAcquireSpinLock(NULL, lock, &old);
    CHECK_EQ(old, APC_LEVEL);
    VideoPortReleaseSpinLock(NULL, lock, old);
    CHECK_EQ(VideoPortGetCurrentIrql(), APC_LEVEL);
    KeLowerIrql(apc);

    vpspin_spin_lock_info info;
    CHECK_EQ(vpspin_query_spin_lock(lock, &info), NO_ERROR);
    CHECK_EQ(info.Acquisitions, 2);
    CHECK_EQ(info.Contentions, 0);
    CHECK(info.HwDeviceExtension == &extension);
    CHECK(info.Serial > 0);
    CHECK_EQ(vpspin_query_spin_lock(lock, NULL), ERROR_INVALID_PARAMETER);
    CHECK_EQ(vpspin_query_spin_lock(other, &info), NO_ERROR);
    CHECK_EQ(info.Acquisitions, 1);

    CHECK_EQ(VideoPortDeleteSpinLock(&extension, lock), NO_ERROR);
    CHECK_EQ(VideoPortDeleteSpinLock(NULL, other), NO_ERROR);
    CHECK_EQ(VideoPortDeleteSpinLock(NULL, NULL), ERROR_INVALID_PARAMETER);
    CHECK_EQ(vpspin_query_spin_lock(lock, &info), ERROR_INVALID_PARAMETER);
}

static void test_allocation_failure(void)
{
    PSPIN_LOCK a = NULL, b = (PSPIN_LOCK)0x1, c = (PSPIN_LOCK)0x1, d = NULL;
    vpspin_fail_allocations(1, 2); /* one more success, then two failures */
    CHECK_EQ(VideoPortCreateSpinLock(NULL, &a), NO_ERROR);
    CHECK_EQ(VideoPortCreateSpinLock(NULL, &b), ERROR_NOT_ENOUGH_MEMORY);
    CHECK(b == (PSPIN_LOCK)0x1); /* untouched on failure */
    CHECK_EQ(VideoPortCreateSpinLock(NULL, &c), ERROR_NOT_ENOUGH_MEMORY);
    CHECK(c == (PSPIN_LOCK)0x1);
    CHECK_EQ(VideoPortCreateSpinLock(NULL, &d), NO_ERROR); /* injection used up */
    CHECK(a != NULL && d != NULL && a != d);
    vpspin_fail_allocations(0, 1);
    CHECK_EQ(VideoPortCreateSpinLock(NULL, &b), ERROR_NOT_ENOUGH_MEMORY);
    vpspin_fail_allocations(0, 0);
    CHECK_EQ(VideoPortCreateSpinLock(NULL, &b), NO_ERROR);
    CHECK_EQ(VideoPortDeleteSpinLock(NULL, a), NO_ERROR);
    CHECK_EQ(VideoPortDeleteSpinLock(NULL, b), NO_ERROR);
    CHECK_EQ(VideoPortDeleteSpinLock(NULL, d), NO_ERROR);
}

/* Creating and deleting many locks: handles stay distinct while live, and deleted
 * slots are recycled (the arena does not grow without bound). */
static void test_create_delete_many(void)
{
    enum { N = 3000 };
    static PSPIN_LOCK locks[N];
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < N; i++)
            CHECK_EQ(VideoPortCreateSpinLock(NULL, &locks[i]), NO_ERROR);
        for (int i = 1; i < N; i++)
            CHECK(locks[i] != locks[i - 1]);
        for (int i = 0; i < N; i++) {
            UCHAR old;
            VideoPortAcquireSpinLock(NULL, locks[i], &old);
            VideoPortReleaseSpinLock(NULL, locks[i], old);
        }
        for (int i = 0; i < N; i++)
            CHECK_EQ(VideoPortDeleteSpinLock(NULL, locks[i]), NO_ERROR);
    }
}

static void test_interlocked_and_stall(void)
{
    LONG v = 5;
    CHECK_EQ(VideoPortInterlockedIncrement(&v), 6);
    CHECK_EQ(v, 6);
    CHECK_EQ(VideoPortInterlockedDecrement(&v), 5);
    CHECK_EQ(VideoPortInterlockedDecrement(&v), 4);
    CHECK_EQ(VideoPortInterlockedExchange(&v, -7), 4);
    CHECK_EQ(v, -7);
    LONG max = 0x7FFFFFFF;
    CHECK_EQ(VideoPortInterlockedExchange(&max, 0), 0x7FFFFFFF);

    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    VideoPortStallExecution(2000);
    clock_gettime(CLOCK_MONOTONIC, &b);
    long long ns = (b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec);
    CHECK(ns >= 2000000); /* at least the time asked for */
    VideoPortStallExecution(0);
}

/* ---- A second thread: try-acquire fails while another thread holds the lock, and a
 * waiter that parks is woken by the release. ---------------------------------------- */

static KSPIN_LOCK shared;
static sem_t held, tried;
static int waiter_tid, waiter_armed;

static void *holder(void *arg)
{
    (void)arg;
    KIRQL old;
    KeAcquireSpinLock(&shared, &old);
    sem_post(&held);
    sem_wait(&tried);
    KeReleaseSpinLock(&shared, old);
    return NULL;
}

static void test_try_while_other_holds(void)
{
    pthread_t t;
    KeInitializeSpinLock(&shared);
    sem_init(&held, 0, 0);
    sem_init(&tried, 0, 0);
    CHECK_EQ(pthread_create(&t, NULL, holder, NULL), 0);
    sem_wait(&held);
    KIRQL old = KeRaiseIrqlToDpcLevel();
    CHECK(!KeTryToAcquireSpinLockAtDpcLevel(&shared));
    CHECK(!KeTestSpinLock(&shared));
    sem_post(&tried);
    pthread_join(t, NULL);
    CHECK(KeTestSpinLock(&shared));
    CHECK(KeTryToAcquireSpinLockAtDpcLevel(&shared));
    KeReleaseSpinLockFromDpcLevel(&shared);
    KeLowerIrql(old);
    sem_destroy(&held);
    sem_destroy(&tried);
}

/* Whether thread tid is asleep in the kernel (state S in /proc). */
static int thread_sleeping(int tid)
{
    char path[64], buf[256];
    snprintf(path, sizeof path, "/proc/self/task/%d/stat", tid);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    const char *p = strrchr(buf, ')'); /* the state follows the command name */
    return p != NULL && p[1] == ' ' && p[2] == 'S';
}

static PSPIN_LOCK vplock;

static void *waiter(void *arg)
{
    (void)arg;
    UCHAR old;
    __atomic_store_n(&waiter_tid, (int)syscall(SYS_gettid), __ATOMIC_RELAXED);
    __atomic_store_n(&waiter_armed, 1, __ATOMIC_RELEASE);
    VideoPortAcquireSpinLock(NULL, vplock, &old); /* waits: main holds it */
    VideoPortReleaseSpinLock(NULL, vplock, old);
    return NULL;
}

/* The main thread holds a lock until a second thread, trying to acquire it, has gone
 * to sleep in the kernel (it spun, then parked); the release must wake it. The lock's
 * counters then show one contended acquisition. */
static void test_park_and_wake(void)
{
    pthread_t t;
    UCHAR old;
    CHECK_EQ(VideoPortCreateSpinLock(NULL, &vplock), NO_ERROR);
    VideoPortAcquireSpinLock(NULL, vplock, &old);
    CHECK_EQ(pthread_create(&t, NULL, waiter, NULL), 0);
    while (!__atomic_load_n(&waiter_armed, __ATOMIC_ACQUIRE))
        sched_yield();
    /* Armed, the waiter's only way to sleep is parking on the lock. */
    while (!thread_sleeping(__atomic_load_n(&waiter_tid, __ATOMIC_RELAXED)))
        sched_yield();
    VideoPortReleaseSpinLock(NULL, vplock, old);
    pthread_join(t, NULL); /* returns only if the release woke the waiter */

    vpspin_spin_lock_info info;
    CHECK_EQ(vpspin_query_spin_lock(vplock, &info), NO_ERROR);
    CHECK_EQ(info.Acquisitions, 2);
    CHECK_EQ(info.Contentions, 1);
    CHECK_EQ(VideoPortDeleteSpinLock(NULL, vplock), NO_ERROR);
    waiter_armed = 0;
}

/* ---- Handoff: a waiter that has waited past its patience is handed the lock; the
 * releasing thread cannot take it back, even at once. ------------------------------------ */

#define WAITER_HALF_WANT 0x2u /* src/lock/lockword.h: the waiter half's WANT flag */

static KSPIN_LOCK handoff_lock;
static int handoff_queued, handoff_waiter_got;
static sem_t handoff_tried; /* the waiter holds the lock until the releaser has tried it */

static void *handoff_waiter(void *arg)
{
    (void)arg;
    __atomic_store_n(&waiter_tid, (int)syscall(SYS_gettid), __ATOMIC_RELAXED);
    if (handoff_queued) {
        KLOCK_QUEUE_HANDLE h;
        KeAcquireInStackQueuedSpinLock(&handoff_lock, &h);
        handoff_waiter_got = 1;
        sem_wait(&handoff_tried);
        KeReleaseInStackQueuedSpinLock(&h);
    } else {
        KIRQL old;
        KeAcquireSpinLock(&handoff_lock, &old);
        handoff_waiter_got = 1;
        sem_wait(&handoff_tried);
        KeReleaseSpinLock(&handoff_lock, old);
    }
    return NULL;
}

static unsigned waiter_flags(void)
{
    return (unsigned)(__atomic_load_n(&handoff_lock, __ATOMIC_RELAXED) >> 32);
}

/* queued: in-stack queued locks ask for the handoff at once. Plain locks ask after their
 * patience (50 us), then go to sleep: the handoff must also wake them. */
static void test_handoff(int queued)
{
    pthread_t t;
    KLOCK_QUEUE_HANDLE h;
    KIRQL old = PASSIVE_LEVEL;
    KeInitializeSpinLock(&handoff_lock);
    sem_init(&handoff_tried, 0, 0);
    handoff_queued = queued;
    handoff_waiter_got = 0;
    waiter_tid = 0;
    if (queued)
        KeAcquireInStackQueuedSpinLock(&handoff_lock, &h);
    else
        KeAcquireSpinLock(&handoff_lock, &old);
    CHECK_EQ(pthread_create(&t, NULL, handoff_waiter, NULL), 0);
    while (!(waiter_flags() & WAITER_HALF_WANT))
        sched_yield();
    if (!queued)
        while (!thread_sleeping(__atomic_load_n(&waiter_tid, __ATOMIC_RELAXED)))
            sched_yield();
    if (queued)
        KeReleaseInStackQueuedSpinLock(&h);
    else
        KeReleaseSpinLock(&handoff_lock, old);

    KIRQL dpc = KeRaiseIrqlToDpcLevel();
    BOOLEAN got = KeTryToAcquireSpinLockAtDpcLevel(&handoff_lock);
    CHECK(!got); /* handed over, not free */
    if (got)
        KeReleaseSpinLockFromDpcLevel(&handoff_lock);
    KeLowerIrql(dpc);
    sem_post(&handoff_tried);
    pthread_join(t, NULL);
    sem_destroy(&handoff_tried);
    CHECK_EQ(handoff_waiter_got, 1);
    CHECK(KeTestSpinLock(&handoff_lock));
    CHECK_EQ(handoff_lock, 0); /* no flag left behind */
}

static void run_all(void)
{
    test_ke_plain();
    test_ke_dpc();
    test_ke_queued();
    test_videoport();
    test_allocation_failure();
    test_create_delete_many();
    test_interlocked_and_stall();
    test_try_while_other_holds();
    test_park_and_wake();
    test_handoff(1);
    test_handoff(0);
    CHECK_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);
}

int main(void)
{
    CHECK_EQ(vpspin_set_verify(VPSPIN_VERIFY_DEFAULT), 0);
    run_all();
    CHECK_EQ(vpspin_set_verify(VPSPIN_VERIFY_OFF), 0);
    run_all();
    CHECK_EQ(vpspin_bugcheck_count(), 0);
    return check_done();
}
