/*
 * test_ke.c - the Ke services of wdm.h beside the spin locks, as a driver calls them:
 * events and waits with timeouts, DPCs, timers (one-shot, periodic, with a DPC), delays,
 * stalls, the clocks, pool with tags, debug output and KeBugCheckEx.
 *
 * Part 1 checks each contract (values, wake-ups, ordering); part 2 is a table of the IRQL
 * and object rules: each scenario makes one call at an IRQL (or on an object) that breaks
 * a rule, and the report must carry the subcode and parameters of docs/checked-mode.md,
 * and the call must have no effect; then the same call at the highest IRQL it allows must
 * be silent. No sleeps synchronize: waits end on events, flushes and counters; the timing
 * checks only bound times from below (a wait cannot end before its timeout).
 */
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <wdm.h>

#include <vpspin/vpspin.h>

#include "check.h"

/* ---- Reports --------------------------------------------------------------------------- */

static vpspin_bugcheck last;
static char last_rule[256];
static int reports;

static void record(const vpspin_bugcheck *r, void *ctx)
{
    (void)ctx;
    last = *r;
    snprintf(last_rule, sizeof last_rule, "%s", r->Rule);
    last.Rule = last_rule;
    reports++;
}

static ULONGLONG now_100ns(void) { return KeQueryInterruptTime(); }

/* ---- Part 1: contracts ------------------------------------------------------------------- */

static KEVENT started, go;
static LONG woken;

static void *waiter(void *arg)
{
    (void)arg;
    KeSetEvent(&started, IO_NO_INCREMENT, FALSE);
    if (KeWaitForSingleObject(&go, Executive, KernelMode, FALSE, NULL) == STATUS_SUCCESS)
        InterlockedIncrement(&woken);
    return NULL;
}

static void test_events(void)
{
    KEVENT e;
    KeInitializeEvent(&e, NotificationEvent, FALSE);
    CHECK_EQ(e.Header.Type, EventNotificationObject);
    CHECK_EQ(e.Header.Size, sizeof(KEVENT) / sizeof(LONG));
    CHECK_EQ(KeReadStateEvent(&e), 0);
    LARGE_INTEGER zero = {{0, 0}};
    CHECK_EQ(KeWaitForSingleObject(&e, Executive, KernelMode, FALSE, &zero), STATUS_TIMEOUT);
    CHECK_EQ(KeSetEvent(&e, IO_NO_INCREMENT, FALSE), 0);
    CHECK_EQ(KeSetEvent(&e, IO_NO_INCREMENT, FALSE), 1);
    /* A notification event stays signaled through waits. */
    CHECK_EQ(KeWaitForSingleObject(&e, Executive, KernelMode, FALSE, &zero), STATUS_SUCCESS);
    CHECK_EQ(KeWaitForSingleObject(&e, Executive, KernelMode, FALSE, NULL), STATUS_SUCCESS);
    CHECK_EQ(KeResetEvent(&e), 1);
    CHECK_EQ(KeReadStateEvent(&e), 0);
    KeSetEvent(&e, 0, FALSE);
    KeClearEvent(&e);
    CHECK_EQ(KeReadStateEvent(&e), 0);

    /* A synchronization event: one wait takes the signal. */
    KeInitializeEvent(&e, SynchronizationEvent, TRUE);
    CHECK_EQ(e.Header.Type, EventSynchronizationObject);
    CHECK_EQ(KeWaitForSingleObject(&e, Executive, KernelMode, FALSE, &zero), STATUS_SUCCESS);
    CHECK_EQ(KeWaitForSingleObject(&e, Executive, KernelMode, FALSE, &zero), STATUS_TIMEOUT);

    /* A timed wait lasts at least its timeout. */
    LARGE_INTEGER rel = {.QuadPart = -20 * 10000}; /* 20 ms */
    ULONGLONG t0 = now_100ns();
    CHECK_EQ(KeWaitForSingleObject(&e, Executive, KernelMode, FALSE, &rel), STATUS_TIMEOUT);
    CHECK(now_100ns() - t0 >= 20 * 10000);
    /* An absolute timeout in the past polls. */
    LARGE_INTEGER past;
    KeQuerySystemTime(&past);
    past.QuadPart -= 10000000;
    CHECK_EQ(KeWaitForSingleObject(&e, Executive, KernelMode, FALSE, &past), STATUS_TIMEOUT);
    /* ...and one in the future waits until then. */
    LARGE_INTEGER soon;
    KeQuerySystemTime(&soon);
    soon.QuadPart += 10 * 10000;
    t0 = now_100ns();
    CHECK_EQ(KeWaitForSingleObject(&e, Executive, KernelMode, FALSE, &soon), STATUS_TIMEOUT);
    CHECK(now_100ns() - t0 >= 9 * 10000); /* the two clocks differ by less than 1 ms */

    /* Waiters blocked on a notification event are all released by one set. */
    KeInitializeEvent(&started, SynchronizationEvent, FALSE);
    KeInitializeEvent(&go, NotificationEvent, FALSE);
    pthread_t th[3];
    for (int i = 0; i < 3; i++) {
        pthread_create(&th[i], NULL, waiter, NULL);
        KeWaitForSingleObject(&started, Executive, KernelMode, FALSE, NULL);
    }
    KeSetEvent(&go, IO_NO_INCREMENT, FALSE);
    for (int i = 0; i < 3; i++)
        pthread_join(th[i], NULL);
    CHECK_EQ(woken, 3);
}

/* DPCs: routine, context, arguments, at DISPATCH_LEVEL on another thread; requeue. */
static KDPC dpc;
static LONG dpc_runs;
static KIRQL dpc_irql;
static PVOID dpc_args[3];
static PKDPC dpc_seen;
static KEVENT dpc_ran;

static VOID dpc_routine(PKDPC Dpc, PVOID Context, PVOID A1, PVOID A2)
{
    dpc_irql = KeGetCurrentIrql();
    dpc_args[0] = Context, dpc_args[1] = A1, dpc_args[2] = A2;
    dpc_seen = Dpc; /* checked by the main thread (CHECK counts are not atomic) */
    InterlockedIncrement(&dpc_runs);
    KeSetEvent(&dpc_ran, IO_NO_INCREMENT, FALSE);
}

static void test_dpcs(void)
{
    KeInitializeEvent(&dpc_ran, SynchronizationEvent, FALSE);
    KeInitializeDpc(&dpc, dpc_routine, (PVOID)0x1234);
    CHECK(dpc.DeferredRoutine == dpc_routine);
    CHECK(KeInsertQueueDpc(&dpc, (PVOID)1, (PVOID)2));
    KeWaitForSingleObject(&dpc_ran, Executive, KernelMode, FALSE, NULL);
    KeFlushQueuedDpcs();
    CHECK_EQ(dpc_runs, 1);
    CHECK_EQ(dpc_irql, DISPATCH_LEVEL);
    CHECK(dpc_args[0] == (PVOID)0x1234 && dpc_args[1] == (PVOID)1 && dpc_args[2] == (PVOID)2);
    CHECK(dpc_seen == &dpc);
    CHECK(dpc.DpcData == NULL);
    CHECK(!KeRemoveQueueDpc(&dpc)); /* not queued */

    /* Queued twice: the second insertion is refused unless the first already ran. */
    CHECK(KeInsertQueueDpc(&dpc, NULL, NULL));
    BOOLEAN again = KeInsertQueueDpc(&dpc, NULL, NULL);
    BOOLEAN removed = KeRemoveQueueDpc(&dpc);
    /* Either it ran already (again may have been queued a second time, then removed) or
     * it was still queued: in every case, after the flush, runs + removals = insertions. */
    KeFlushQueuedDpcs();
    CHECK_EQ(dpc_runs + (removed ? 1 : 0), 1 + 1 + (again ? 1 : 0));
}

/* A stream: each insertion flushed at once, then insertions back to back. A wake-up of the
 * DPC thread or of a flush that were lost would hang here (ctest's timeout fails it); a DPC
 * run twice or never would miscount. */
static LONG stream_runs;
static VOID stream_routine(PKDPC Dpc, PVOID Context, PVOID A1, PVOID A2)
{
    (void)Dpc, (void)Context, (void)A1, (void)A2;
    InterlockedIncrement(&stream_runs);
}

static void test_dpc_stream(void)
{
    KDPC s;
    KeInitializeDpc(&s, stream_routine, NULL);
    int flushed_short = 0;
    for (int i = 0; i < 5000; i++) {
        KeInsertQueueDpc(&s, NULL, NULL);
        KeFlushQueuedDpcs();
        flushed_short += __atomic_load_n(&stream_runs, __ATOMIC_RELAXED) != i + 1;
    }
    CHECK_EQ(flushed_short, 0);
    int queued = 0;
    for (int i = 0; i < 20000; i++)
        queued += KeInsertQueueDpc(&s, NULL, NULL) == TRUE;
    KeFlushQueuedDpcs();
    CHECK(queued > 0);
    CHECK_EQ(stream_runs, 5000 + queued);
}

/* Timers: one-shot with a DPC, periodic, cancel, synchronization timer waits. */
static KDPC timer_dpc;
static LONG timer_dpc_runs;
static KEVENT timer_fired;
static VOID timer_routine(PKDPC Dpc, PVOID Context, PVOID A1, PVOID A2)
{
    (void)Dpc, (void)Context, (void)A1, (void)A2;
    if (InterlockedIncrement(&timer_dpc_runs) >= 3)
        KeSetEvent(&timer_fired, IO_NO_INCREMENT, FALSE);
}

static void test_timers(void)
{
    KTIMER t;
    KeInitializeTimer(&t);
    CHECK_EQ(t.Header.Type, TimerNotificationObject);
    CHECK(!KeReadStateTimer(&t));
    CHECK(!KeCancelTimer(&t));
    LARGE_INTEGER due = {.QuadPart = -10 * 10000}; /* 10 ms */
    ULONGLONG t0 = now_100ns();
    CHECK(!KeSetTimer(&t, due, NULL));
    CHECK_EQ(KeWaitForSingleObject(&t, Executive, KernelMode, FALSE, NULL), STATUS_SUCCESS);
    CHECK(now_100ns() - t0 >= 10 * 10000);
    CHECK(KeReadStateTimer(&t)); /* a notification timer stays signaled */
    CHECK(!KeCancelTimer(&t));   /* expired: not set any more */

    /* Set far ahead, set again (TRUE: it was set), cancelled (TRUE), never fires. */
    LARGE_INTEGER far = {.QuadPart = -3600LL * 10000000};
    CHECK(!KeSetTimer(&t, far, NULL));
    CHECK(!KeReadStateTimer(&t)); /* setting resets the signal */
    CHECK(KeSetTimer(&t, far, NULL));
    CHECK(KeCancelTimer(&t));
    CHECK(!KeCancelTimer(&t));

    /* Periodic with a DPC: three expiries. */
    KTIMER p;
    KeInitializeTimerEx(&p, SynchronizationTimer);
    CHECK_EQ(p.Header.Type, TimerSynchronizationObject);
    KeInitializeEvent(&timer_fired, NotificationEvent, FALSE);
    KeInitializeDpc(&timer_dpc, timer_routine, NULL);
    LARGE_INTEGER first = {.QuadPart = -1 * 10000};
    t0 = now_100ns();
    KeSetTimerEx(&p, first, 5, &timer_dpc);
    KeWaitForSingleObject(&timer_fired, Executive, KernelMode, FALSE, NULL);
    CHECK(now_100ns() - t0 >= 10000 + 2 * 5 * 10000);
    CHECK(KeCancelTimer(&p));
    KeFlushQueuedDpcs();
    LONG runs = timer_dpc_runs;
    CHECK(runs >= 3);
    /* A synchronization timer's signal is taken by one wait. */
    LARGE_INTEGER zero = {{0, 0}};
    KeSetTimer(&p, first, NULL);
    CHECK_EQ(KeWaitForSingleObject(&p, Executive, KernelMode, FALSE, NULL), STATUS_SUCCESS);
    CHECK_EQ(KeWaitForSingleObject(&p, Executive, KernelMode, FALSE, &zero), STATUS_TIMEOUT);
}

/* A forked child has none of the parent's DPC and timer threads, which were waiting on
 * their conditions when it forked: its first DPC and its first timer start them again,
 * and both run. (The child's copy of a condition the parent's threads waited on must not be
 * destroyed: glibc would wait for those waiters forever, inside fork.) The parent's alarm
 * turns a hang into a failure. Not under ThreadSanitizer, which stops a child that starts a
 * thread after a multi-threaded fork, nor under qemu-user, which fails an assertion of its
 * own there, nor under gcc 12's AddressSanitizer, whose allocator lock a parent thread may
 * hold at the fork (test_dump's forked thread hung so); the release build runs it. */
static volatile pid_t fork_child;
static void fork_hung(int sig)
{
    (void)sig;
    kill(fork_child, SIGKILL);
    static const char msg[] = "test_fork: the child hung (in fork's handlers, or waiting)\n";
    if (write(2, msg, sizeof msg - 1) < 0)
        _exit(2);
    _exit(1);
}

static void test_fork(void)
{
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__) || defined(VPSPIN_TEST_EMULATED)
    return;
#endif
    signal(SIGALRM, fork_hung);
    alarm(60);
    pid_t pid = fork_child = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        dpc_runs = 0;
        KeInitializeEvent(&dpc_ran, SynchronizationEvent, FALSE);
        KeInitializeDpc(&dpc, dpc_routine, (PVOID)0x1234);
        if (!KeInsertQueueDpc(&dpc, NULL, NULL))
            _exit(3);
        KeWaitForSingleObject(&dpc_ran, Executive, KernelMode, FALSE, NULL);
        KTIMER t;
        KeInitializeTimer(&t);
        LARGE_INTEGER due = {.QuadPart = -1 * 10000};
        KeSetTimer(&t, due, NULL);
        KeWaitForSingleObject(&t, Executive, KernelMode, FALSE, NULL);
        _exit(dpc_runs == 1 && KeReadStateTimer(&t) ? 0 : 4);
    }
    int status = 0;
    CHECK(waitpid(pid, &status, 0) == pid);
    alarm(0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fprintf(stderr, "test_fork: the child ended with status %#x\n", status);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* An event or a timer on the waiter's stack, which it ends as soon as its wait returns (the
 * usual way to wait for another thread): the signal must touch nothing of it after setting
 * it. Under ASan, scribble() lays its own frame, with its red zones, where the object was. */
static PKEVENT volatile handed;
static void *signaler(void *arg)
{
    for (long n = (long)(intptr_t)arg; n > 0; n--) {
        PKEVENT e;
        while ((e = __atomic_exchange_n(&handed, NULL, __ATOMIC_ACQUIRE)) == NULL)
            sched_yield();
        KeSetEvent(e, IO_NO_INCREMENT, FALSE);
    }
    return NULL;
}
static __attribute__((noinline)) NTSTATUS wait_own_event(EVENT_TYPE type)
{
    KEVENT e;
    KeInitializeEvent(&e, type, FALSE);
    __atomic_store_n(&handed, &e, __ATOMIC_RELEASE);
    return KeWaitForSingleObject(&e, Executive, KernelMode, FALSE, NULL);
}
static __attribute__((noinline)) NTSTATUS wait_own_timer(TIMER_TYPE type)
{
    KTIMER t;
    KeInitializeTimerEx(&t, type);
    LARGE_INTEGER due = {.QuadPart = -1};
    KeSetTimer(&t, due, NULL);
    return KeWaitForSingleObject(&t, Executive, KernelMode, FALSE, NULL);
}
static int scribbled;
static __attribute__((noinline)) void scribble(void)
{
    volatile char a[24], b[40], c[8];
    a[0] = b[0] = c[0] = 1;
    scribbled += a[0] + b[0] + c[0];
}
static void test_ended_at_once(void)
{
    enum { ROUNDS = 400 };
    pthread_t th;
    pthread_create(&th, NULL, signaler, (void *)(intptr_t)(2 * ROUNDS));
    for (int i = 0; i < 2 * ROUNDS; i++) {
        CHECK_EQ(wait_own_event(i % 2 ? SynchronizationEvent : NotificationEvent), STATUS_SUCCESS);
        scribble();
    }
    pthread_join(th, NULL);
    for (int i = 0; i < ROUNDS; i++) {
        CHECK_EQ(wait_own_timer(i % 2 ? SynchronizationTimer : NotificationTimer), STATUS_SUCCESS);
        scribble();
    }
}

static void test_time(void)
{
    LARGE_INTEGER a, b, freq;
    KeQuerySystemTime(&a);
    /* 100 ns units since 1601: 2020-01-01 is 132223104000000000. */
    CHECK(a.QuadPart > 132223104000000000LL);
    LARGE_INTEGER c0 = KeQueryPerformanceCounter(&freq);
    CHECK_EQ(freq.QuadPart, 10000000);
    KeStallExecutionProcessor(2000);
    LARGE_INTEGER c1 = KeQueryPerformanceCounter(NULL);
    CHECK(c1.QuadPart - c0.QuadPart >= 2000 * 10);
    LARGE_INTEGER delay = {.QuadPart = -5 * 10000};
    ULONGLONG t0 = now_100ns();
    CHECK_EQ(KeDelayExecutionThread(KernelMode, FALSE, &delay), STATUS_SUCCESS);
    CHECK(now_100ns() - t0 >= 5 * 10000);
    KeQuerySystemTime(&b);
    CHECK(b.QuadPart >= a.QuadPart);
    LARGE_INTEGER ticks;
    KeQueryTickCount(&ticks);
    CHECK_EQ(KeQueryTimeIncrement(), 156250);
    CHECK(ticks.QuadPart >= 0 && ticks.QuadPart <= (LONGLONG)(KeQueryInterruptTime() / 156250));
    CHECK(KeGetCurrentProcessorNumber() < 4096);
}

static void test_pool(void)
{
    /* A free before the first allocation (no live set yet): a wild address all the same. */
    int wild;
    ExFreePoolWithTag(&wild, 'dliW');
    CHECK_EQ(reports, 1);
    CHECK_EQ(last.Parameter1, 0x10);
    CHECK(last.Parameter2 == (ULONG_PTR)&wild);
    reports = 0;
    /* More than there is: NULL, and no report (the WDK's ExAllocatePoolWithTag fails so). */
    CHECK(ExAllocatePoolWithTag(NonPagedPool, (SIZE_T)-1, 'giB ') == NULL);
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
    /* (Sanitizers stop the program at a request this big instead of returning NULL.) */
    CHECK(ExAllocatePoolWithTag(PagedPool, (SIZE_T)-1 - 4096, 'giB ') == NULL);
#endif
    CHECK_EQ(reports, 0);

    PUCHAR p = ExAllocatePoolWithTag(NonPagedPool, 100, 'tseT');
    CHECK(p != NULL);
    CHECK(((ULONG_PTR)p & 15) == 0);
    memset(p, 0xA5, 100);
    ExFreePoolWithTag(p, 'tseT');
    PVOID q = ExAllocatePool(PagedPool, 1);
    CHECK(q != NULL);
    ExFreePool(q);
    /* Injected failure: NULL, and nothing else happens. */
    vpspin_fail_allocations(0, 1);
    CHECK(ExAllocatePoolWithTag(NonPagedPool, 8, 'liaF') == NULL);
    vpspin_fail_allocations(0, 0);
    /* Many blocks at once, freed in another order: the live set grows and shrinks. */
    static PVOID many[3000];
    for (int i = 0; i < 3000; i++)
        many[i] = ExAllocatePoolWithTag(NonPagedPoolNx, (SIZE_T)i + 1, 'ynaM');
    for (int i = 0; i < 3000; i += 2)
        ExFreePool(many[i]);
    for (int i = 1; i < 3000; i += 2)
        ExFreePoolWithTag(many[i], 'ynaM');
    CHECK_EQ(reports, 0);
    /* Blocks allocated and freed one at a time, with three kept throughout: the set fills
     * with freed slots and is rebuilt at its size, the kept blocks still live in it. */
    PVOID kept[3];
    for (int i = 0; i < 3; i++)
        kept[i] = ExAllocatePoolWithTag(NonPagedPool, 16, 'tpeK');
    PVOID last_freed = NULL;
    for (int i = 0; i < 5000; i++) {
        last_freed = ExAllocatePoolWithTag(NonPagedPool, 8, 'enO ');
        CHECK(last_freed != NULL);
        ExFreePoolWithTag(last_freed, 'enO ');
    }
    for (int i = 0; i < 3; i++)
        ExFreePoolWithTag(kept[i], 'tpeK');
    CHECK_EQ(reports, 0);
    ExFreePool(kept[0]); /* and a freed block is still known as freed: 0x13 */
    CHECK_EQ(reports, 1);
    CHECK_EQ(last.Parameter1, 0x13);
    reports = 0;
}

static void test_debug(void)
{
    /* The default threshold is warn: error and warning messages pass, trace does not.
     * (VPSPIN_DEBUG_PRINT's other values: ctest runs test_debug_print_* with them.) */
    CHECK_EQ(DbgPrint("test_ke: DbgPrint %d\n", 1), STATUS_SUCCESS);
    CHECK_EQ(DbgPrintEx(DPFLTR_IHVVIDEO_ID, DPFLTR_TRACE_LEVEL, "test_ke: trace %d\n", 2), 0);
    DbgPrintEx(DPFLTR_IHVVIDEO_ID, DPFLTR_MASK | 0x2, "test_ke: masked warning %d\n", 3);
    DbgPrintEx(DPFLTR_IHVVIDEO_ID, DPFLTR_MASK | 0x8, "test_ke: masked info %d\n", 4);
    KeBugCheckEx(0xDEAD, 1, 2, 3, 4);
    CHECK_EQ(reports, 1);
    CHECK_EQ(last.BugCheckCode, 0xDEAD);
    CHECK(last.Parameter1 == 1 && last.Parameter2 == 2 && last.Parameter3 == 3 &&
          last.Parameter4 == 4);
    CHECK(strcmp(last.Api, "KeBugCheckEx") == 0);
    reports = 0;
}

/* Bad arguments: refused, reported where the rule says (0xF004 for a NULL object). */
static void test_arguments(void)
{
    CHECK_EQ(KeDelayExecutionThread(KernelMode, FALSE, NULL), STATUS_INVALID_PARAMETER);
    KEVENT e;
    KeInitializeEvent(&e, NotificationEvent, TRUE);
    LARGE_INTEGER endless = {.QuadPart = -0x7FFFFFFFFFFFFFFFLL}; /* beyond any deadline */
    CHECK_EQ(KeWaitForSingleObject(&e, Executive, KernelMode, FALSE, &endless), STATUS_SUCCESS);
    LARGE_INTEGER far = {.QuadPart = 0x7FFFFFFFFFFFFFFFLL}; /* an absolute time ages away */
    CHECK_EQ(KeWaitForSingleObject(&e, Executive, KernelMode, FALSE, &far), STATUS_SUCCESS);
    int before = reports;
    CHECK_EQ(KeWaitForSingleObject(NULL, Executive, KernelMode, FALSE, NULL),
             STATUS_INVALID_PARAMETER);
    CHECK(!KeInsertQueueDpc(NULL, NULL, NULL));
    CHECK(!KeRemoveQueueDpc(NULL));
    CHECK(!KeCancelTimer(NULL));
    CHECK_EQ(KeSetEvent(NULL, 0, FALSE), 0);
    CHECK_EQ(reports, before + 4);
    CHECK_EQ(last.Parameter1, 0xF004);
    ExFreePool(NULL); /* 0x10 */
    CHECK_EQ(reports, before + 5);
    CHECK_EQ(last.Parameter1, 0x10);
    reports = before;
}

/* ---- Part 2: the rules ----------------------------------------------------------------- */

static KEVENT ev;
static KTIMER tm;
static KDPC dp;
static PVOID pool_block;
static KEVENT garbage; /* never initialized */
static LARGE_INTEGER zero_timeout, long_timeout = {.QuadPart = -1};

enum {
    A_SET_EVENT,
    A_SET_EVENT_WAIT,
    A_RESET_EVENT,
    A_CLEAR_EVENT,
    A_READ_EVENT,
    A_WAIT,
    A_WAIT_POLL,
    A_DELAY,
    A_FLUSH_DPCS,
    A_INIT_TIMER,
    A_SET_TIMER,
    A_CANCEL_TIMER,
    A_READ_TIMER,
    A_ALLOC_NONPAGED,
    A_ALLOC_PAGED,
    A_ALLOC_ZERO,
    A_FREE_NONPAGED,
    A_FREE_PAGED,
    A_FREE_BAD,
    A_FREE_TWICE,
    A_FREE_TAG,
    A_FREE_TIMER,
    A_WAIT_GARBAGE,
    A_SET_GARBAGE,
    A_TIMER_GARBAGE,
    A_DPC_GARBAGE,
};

struct rule {
    const char *what;
    int act;
    KIRQL bad_irql;  /* IRQL of the call that breaks the rule */
    KIRQL good_irql; /* the highest IRQL at which the call is silent */
    ULONG_PTR p1;    /* subcode */
    const char *api;
};

static const struct rule rules[] = {
    {"KeSetEvent above DISPATCH", A_SET_EVENT, 3, DISPATCH_LEVEL, 0x20016, "KeSetEvent"},
    {"KeSetEvent(Wait) above APC", A_SET_EVENT_WAIT, DISPATCH_LEVEL, APC_LEVEL, 0x20016,
     "KeSetEvent"},
    {"KeResetEvent above DISPATCH", A_RESET_EVENT, 3, DISPATCH_LEVEL, 0x20011, "KeResetEvent"},
    {"KeClearEvent above DISPATCH", A_CLEAR_EVENT, 3, DISPATCH_LEVEL, 0x20011, "KeClearEvent"},
    {"KeReadStateEvent above DISPATCH", A_READ_EVENT, 3, DISPATCH_LEVEL, 0x20011,
     "KeReadStateEvent"},
    {"KeWaitForSingleObject with a timeout at DISPATCH", A_WAIT, DISPATCH_LEVEL, APC_LEVEL, 0xF003,
     "KeWaitForSingleObject"},
    {"KeWaitForSingleObject polling above DISPATCH", A_WAIT_POLL, 3, DISPATCH_LEVEL, 0xF003,
     "KeWaitForSingleObject"},
    {"KeDelayExecutionThread at DISPATCH", A_DELAY, DISPATCH_LEVEL, APC_LEVEL, 0x2000F,
     "KeDelayExecutionThread"},
    {"KeFlushQueuedDpcs at APC", A_FLUSH_DPCS, APC_LEVEL, PASSIVE_LEVEL, 0xF003,
     "KeFlushQueuedDpcs"},
    {"KeInitializeTimer above DISPATCH", A_INIT_TIMER, 3, DISPATCH_LEVEL, 0x20011,
     "KeInitializeTimer"},
    {"KeSetTimer above DISPATCH", A_SET_TIMER, 3, DISPATCH_LEVEL, 0x20011, "KeSetTimer"},
    {"KeCancelTimer above DISPATCH", A_CANCEL_TIMER, 3, DISPATCH_LEVEL, 0x20011, "KeCancelTimer"},
    {"KeReadStateTimer above DISPATCH", A_READ_TIMER, 3, DISPATCH_LEVEL, 0x20011,
     "KeReadStateTimer"},
    {"nonpaged pool above DISPATCH", A_ALLOC_NONPAGED, 3, DISPATCH_LEVEL, 0x02,
     "ExAllocatePoolWithTag"},
    {"paged pool above APC", A_ALLOC_PAGED, DISPATCH_LEVEL, APC_LEVEL, 0x01,
     "ExAllocatePoolWithTag"},
    {"zero-byte pool", A_ALLOC_ZERO, PASSIVE_LEVEL, 0xFF, 0x00, "ExAllocatePoolWithTag"},
    {"nonpaged free above DISPATCH", A_FREE_NONPAGED, 3, DISPATCH_LEVEL, 0x12, "ExFreePoolWithTag"},
    {"paged free above APC", A_FREE_PAGED, DISPATCH_LEVEL, APC_LEVEL, 0x11, "ExFreePoolWithTag"},
    {"free of a wild address", A_FREE_BAD, PASSIVE_LEVEL, 0xFF, 0x10, "ExFreePoolWithTag"},
    {"free twice", A_FREE_TWICE, PASSIVE_LEVEL, 0xFF, 0x13, "ExFreePoolWithTag"},
    {"free with another tag", A_FREE_TAG, PASSIVE_LEVEL, 0xFF, 0xF005, "ExFreePoolWithTag"},
    {"free of pool holding a set timer", A_FREE_TIMER, PASSIVE_LEVEL, 0xFF, 0x15,
     "ExFreePoolWithTag"},
    {"wait on an uninitialized event", A_WAIT_GARBAGE, PASSIVE_LEVEL, 0xFF, 0xF004,
     "KeWaitForSingleObject"},
    {"set an uninitialized event", A_SET_GARBAGE, PASSIVE_LEVEL, 0xFF, 0xF004, "KeSetEvent"},
    {"set an uninitialized timer", A_TIMER_GARBAGE, PASSIVE_LEVEL, 0xFF, 0xF004, "KeSetTimer"},
    {"queue an uninitialized DPC", A_DPC_GARBAGE, PASSIVE_LEVEL, 0xFF, 0xF004, "KeInsertQueueDpc"},
};

static VOID nothing(PKDPC Dpc, PVOID C, PVOID A1, PVOID A2)
{
    (void)Dpc, (void)C, (void)A1, (void)A2;
}

/* Makes the call of act; returns a value that says whether it had its effect. */
static long act(int a, bool breaking)
{
    LARGE_INTEGER far = {.QuadPart = -3600LL * 10000000};
    switch (a) {
    case A_SET_EVENT:
        return KeSetEvent(&ev, 0, FALSE), ev.Header.SignalState;
    case A_SET_EVENT_WAIT:
        return KeSetEvent(&ev, 0, TRUE), ev.Header.SignalState;
    case A_RESET_EVENT:
        return KeResetEvent(&ev);
    case A_CLEAR_EVENT:
        return KeClearEvent(&ev), ev.Header.SignalState == 0;
    case A_READ_EVENT:
        return KeReadStateEvent(&ev);
    case A_WAIT:
        return KeWaitForSingleObject(&ev, Executive, KernelMode, FALSE, &long_timeout);
    case A_WAIT_POLL:
        return KeWaitForSingleObject(&ev, Executive, KernelMode, FALSE, &zero_timeout);
    case A_DELAY:
        return KeDelayExecutionThread(KernelMode, FALSE, &long_timeout);
    case A_FLUSH_DPCS:
        return KeFlushQueuedDpcs(), 1;
    case A_INIT_TIMER:
        tm.Header.Type = 0x55;
        KeInitializeTimer(&tm);
        return tm.Header.Type == TimerNotificationObject;
    case A_SET_TIMER:
        return KeSetTimer(&tm, far, NULL), tm.Header.Inserted;
    case A_CANCEL_TIMER:
        return KeCancelTimer(&tm);
    case A_READ_TIMER:
        return KeReadStateTimer(&tm);
    case A_ALLOC_NONPAGED:
    case A_ALLOC_PAGED:
    case A_ALLOC_ZERO:
        pool_block = ExAllocatePoolWithTag(a == A_ALLOC_PAGED ? PagedPool : NonPagedPool,
                                           a == A_ALLOC_ZERO && breaking ? 0 : 16, 'eluR');
        return pool_block != NULL;
    case A_FREE_NONPAGED:
    case A_FREE_PAGED:
    case A_FREE_TAG:
        ExFreePoolWithTag(pool_block, a == A_FREE_TAG && breaking ? 'gnrW' : 'eluR');
        return 1;
    case A_FREE_BAD:
        ExFreePool(breaking ? (PVOID)&ev : pool_block);
        return 1;
    case A_FREE_TWICE:
        ExFreePool(pool_block);
        return 1;
    case A_FREE_TIMER:
        if (breaking)
            KeSetTimer((PKTIMER)pool_block, far, NULL);
        ExFreePool(pool_block);
        return 1;
    case A_WAIT_GARBAGE:
        return KeWaitForSingleObject(breaking ? &garbage : &ev, Executive, KernelMode, FALSE,
                                     &zero_timeout);
    case A_SET_GARBAGE:
        return KeSetEvent(breaking ? &garbage : &ev, 0, FALSE);
    case A_TIMER_GARBAGE:
        return KeSetTimer(breaking ? (PKTIMER)&garbage : &tm, far, NULL);
    case A_DPC_GARBAGE:
        return KeInsertQueueDpc(breaking ? (PKDPC)&garbage : &dp, NULL, NULL);
    }
    return 0;
}

/* What the pool scenarios need beforehand. */
static void prepare(const struct rule *r, bool breaking)
{
    KeInitializeEvent(&ev, NotificationEvent, FALSE);
    KeInitializeTimer(&tm);
    KeInitializeDpc(&dp, nothing, NULL);
    memset(&garbage, 0x5A, sizeof garbage);
    LARGE_INTEGER far = {.QuadPart = -3600LL * 10000000};
    switch (r->act) {
    case A_CANCEL_TIMER:
        KeSetTimer(&tm, far, NULL);
        break;
    case A_FREE_NONPAGED:
    case A_FREE_TAG:
    case A_FREE_BAD:
        pool_block = ExAllocatePoolWithTag(NonPagedPool, 16, 'eluR');
        break;
    case A_FREE_PAGED:
        pool_block = ExAllocatePoolWithTag(PagedPool, 16, 'eluR');
        break;
    case A_FREE_TWICE:
        pool_block = ExAllocatePoolWithTag(NonPagedPool, 16, 'eluR');
        if (breaking)
            ExFreePool(pool_block);
        break;
    case A_FREE_TIMER:
        pool_block = ExAllocatePoolWithTag(NonPagedPool, sizeof(KTIMER), 'eluR');
        KeInitializeTimer((PKTIMER)pool_block);
        break;
    }
}

/* Undoes what a scenario left (at PASSIVE_LEVEL, silently). */
static void cleanup(const struct rule *r, bool broke)
{
    if (tm.Header.Type == TimerNotificationObject)
        KeCancelTimer(&tm);
    KeFlushQueuedDpcs();
    switch (r->act) {
    case A_ALLOC_NONPAGED:
    case A_ALLOC_PAGED:
    case A_ALLOC_ZERO:
        if (pool_block != NULL)
            ExFreePool(pool_block);
        break;
    case A_FREE_NONPAGED:
    case A_FREE_PAGED:
    case A_FREE_TAG:
    case A_FREE_BAD:
        if (broke)
            ExFreePool(pool_block);
        break;
    case A_FREE_TIMER:
        if (broke) {
            KeCancelTimer((PKTIMER)pool_block);
            ExFreePool(pool_block);
        }
        break;
    }
    pool_block = NULL;
}

static void run_rule(const struct rule *r)
{
    KIRQL old;
    /* 1. Broken: one report, with its subcode and API; the call has no effect. */
    prepare(r, true);
    int before = reports;
    KeRaiseIrql(r->bad_irql, &old);
    long effect = act(r->act, true);
    KeLowerIrql(old);
    if (reports != before + 1 || last.Parameter1 != r->p1 || strcmp(last.Api, r->api) != 0) {
        fprintf(stderr, "rule '%s': %d report(s), last P1 0x%lX by %s\n", r->what, reports - before,
                (unsigned long)last.Parameter1, last.Api);
        CHECK(false);
    }
    CHECK_EQ(last.BugCheckCode, 0xC4);
    if (r->p1 >= 0x20000) { /* DDI rules: P2 is the rule's text, P3 the IRQL, P4 the limit */
        CHECK(last.Parameter2 != 0 && strcmp((const char *)last.Parameter2, last.Rule) == 0);
        CHECK_EQ(last.Parameter3, r->bad_irql);
        CHECK_EQ(last.Parameter4, r->good_irql);
    } else if (r->p1 == 0xF003) {
        CHECK_EQ(last.Parameter2, r->bad_irql);
        CHECK_EQ(last.Parameter3, r->good_irql);
    } else if (r->p1 <= 0x02 || r->p1 == 0x11 || r->p1 == 0x12) {
        CHECK_EQ(last.Parameter2, r->bad_irql);
    }
    switch (r->act) { /* no effect */
    case A_SET_EVENT:
    case A_SET_EVENT_WAIT:
    case A_SET_TIMER:
    case A_ALLOC_NONPAGED:
    case A_ALLOC_PAGED:
    case A_ALLOC_ZERO:
    case A_DPC_GARBAGE:
    case A_TIMER_GARBAGE:
    case A_SET_GARBAGE:
        CHECK_EQ(effect, 0);
        break;
    case A_WAIT:
    case A_WAIT_POLL:
    case A_DELAY:
    case A_WAIT_GARBAGE:
        CHECK_EQ(effect, STATUS_INVALID_PARAMETER);
        break;
    case A_INIT_TIMER:
        CHECK_EQ(effect, 0);
        break;
    }
    cleanup(r, true);
    /* 2. Correct: the same call at the highest IRQL it allows is silent. */
    prepare(r, false);
    KeRaiseIrql(r->good_irql == 0xFF ? PASSIVE_LEVEL : r->good_irql, &old);
    before = reports;
    act(r->act, false);
    KeLowerIrql(old);
    if (reports != before) {
        fprintf(stderr, "rule '%s': correct call reported 0x%lX\n", r->what,
                (unsigned long)last.Parameter1);
        CHECK(false);
    }
    cleanup(r, false);
}

int main(void)
{
    /* The rules are those of the checked modes; the contracts hold in all (see the end). */
    if (vpspin_get_verify() == VPSPIN_VERIFY_OFF)
        vpspin_set_verify(VPSPIN_VERIFY_DEFAULT);
    vpspin_set_bugcheck_handler(record, NULL);
    test_events();
    test_dpcs();
    test_dpc_stream();
    test_timers();
    test_fork();
    test_ended_at_once();
    test_time();
    test_pool();
    test_debug();
    test_arguments();
    CHECK_EQ(reports, 0);
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
        run_rule(&rules[i]);
    /* With checking off nothing is reported, and the calls still work. */
    vpspin_set_verify(VPSPIN_VERIFY_OFF);
    int before = reports;
    KIRQL old;
    KeRaiseIrql(3, &old);
    KeInitializeEvent(&ev, NotificationEvent, FALSE);
    KeSetEvent(&ev, 0, FALSE);
    CHECK_EQ(KeReadStateEvent(&ev), 1);
    KeLowerIrql(old);
    CHECK_EQ(reports, before);
    vpspin_set_verify(VPSPIN_VERIFY_DEFAULT);
    return check_done();
}
