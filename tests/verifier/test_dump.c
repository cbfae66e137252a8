/*
 * test_dump.c - the lock dump (vpspin_dump_locks, VPSPIN_DUMP_SIGNAL, the watchdog's).
 *
 * Run by ctest with VPSPIN_DUMP_SIGNAL=SIGQUIT, in the default mode, the full mode and with
 * checks off:
 *   1. nothing held: the dump says so, and names no deadlock;
 *   2. one thread holds a lock that another waits for: the dump names the holder, the
 *      waiter, the lock, and no deadlock;
 *   3. full mode only: the watchdog fires on a thread that holds a lock; the dump is
 *      written before its report, with the lock's class and site;
 *   4. two threads hang on purpose, AB-BA (a KSPIN_LOCK and a VideoPort lock): once both
 *      are seen waiting, SIGQUIT is sent, and the dump the signal writes to stderr must
 *      name the cycle as a deadlock, with both threads and both locks. (In full mode the
 *      lock-order report comes first; a handler lets the acquire go ahead, and hang.)
 *   5. a lock whose holder ended without releasing it: its waiter is listed, and the holder
 *      is the lock word, no thread;
 * and, in children before anything else, a program that has a handler of its own for the
 * dump's stack signal: stacks not taken, and said so. Each allocation failing, and a
 * stream that fails at once, make the dump return -1.
 * Waiting is on what can be observed (the dump's own text, the report handler), never
 * on time. The hung threads are left hanging; the process exits.
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdbool.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vpspin/vpspin.h>

#include "check.h"

static bool full;
static FILE *err;          /* stderr goes to this file (appending), read back through err */
static char dump[1 << 16]; /* the last dump */

static void take_dump(void)
{
    FILE *f = fmemopen(dump, sizeof dump - 1, "w");
    CHECK(f != NULL);
    CHECK_EQ(vpspin_dump_locks(f), 0);
    fclose(f);
}

/* How many times s occurs in the last dump. */
static int count(const char *s)
{
    int n = 0;
    for (const char *p = strstr(dump, s); p != NULL; p = strstr(p + 1, s))
        n++;
    return n;
}

static void wait_for_waiters(int n)
{
    do
        take_dump();
    while (count("  waits  for ") < n);
}

/* ---- 1, 2: nothing held; one holder, one waiter ----------------------------------------- */

static KSPIN_LOCK held_lock;

static void *waiter(void *arg)
{
    (void)arg;
    pthread_setname_np(pthread_self(), "waiter");
    sigset_t all; /* it will not answer the dump's signal for its stack */
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
    KIRQL old;
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    KeAcquireSpinLockAtDpcLevel(&held_lock); /* waits: the main thread holds it */
    KeReleaseSpinLockFromDpcLevel(&held_lock);
    KeLowerIrql(old);
    return NULL;
}

static void *queued_waiter(void *arg)
{
    (void)arg;
    pthread_setname_np(pthread_self(), "queued");
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
    KIRQL old;
    KLOCK_QUEUE_HANDLE h;
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    KeAcquireInStackQueuedSpinLockAtDpcLevel(&held_lock, &h);
    KeReleaseInStackQueuedSpinLockFromDpcLevel(&h);
    KeLowerIrql(old);
    return NULL;
}

static void test_quiet_and_one_waiter(void)
{
    CHECK_EQ(vpspin_dump_locks(NULL), -1);
    FILE *full_disk = fopen("/dev/full", "w");
    CHECK(full_disk != NULL);
    CHECK_EQ(vpspin_dump_locks(full_disk), -1); /* cannot be written */
    fclose(full_disk);
    vpspin_fail_allocations(0, 1);
    FILE *f = fmemopen(dump, sizeof dump - 1, "w");
    CHECK_EQ(vpspin_dump_locks(f), -1);
    fclose(f);
    vpspin_fail_allocations(0, 0);
    CHECK(strcmp(dump, "vpspin: lock dump: out of memory\n") == 0);
    /* Each of its later allocations failing in turn (text, threads, marks): the same. */
    for (ULONG skip = 1; skip <= 3; skip++) {
        memset(dump, 0, sizeof dump);
        vpspin_fail_allocations(skip, 1);
        f = fmemopen(dump, sizeof dump - 1, "w");
        CHECK_EQ(vpspin_dump_locks(f), -1);
        fclose(f);
        vpspin_fail_allocations(0, 0);
        CHECK(strcmp(dump, "vpspin: lock dump: out of memory\n") == 0);
    }
    /* A stream that takes the first few bytes only, unbuffered: a write fails at once. */
    char tiny[16];
    f = fmemopen(tiny, sizeof tiny, "w");
    CHECK(f != NULL && setvbuf(f, NULL, _IONBF, 0) == 0);
    CHECK_EQ(vpspin_dump_locks(f), -1);
    fclose(f);
    KIRQL old;
    KeInitializeSpinLock(&held_lock);
    KeAcquireSpinLock(&held_lock, &old); /* attaches this thread */
    KeReleaseSpinLock(&held_lock, old);
    take_dump();
    printf("%s", dump);
    CHECK(strstr(dump, "vpspin: spin locks held and waited for (on request)") == dump);
    static const char *const modes[] = {"VPSPIN_VERIFY=0,", "VPSPIN_VERIFY=1,",
                                        "VPSPIN_VERIFY=full,"};
    CHECK(strstr(dump, modes[vpspin_get_verify()]) != NULL);
    CHECK(strstr(dump, " (this one) at PASSIVE_LEVEL (0), holding 0 spin lock(s)\n") != NULL);
    CHECK(strstr(dump, "Waited for: no spin lock\n") != NULL);
    CHECK(strstr(dump, "No wait-for cycle") != NULL && count("Deadlock") == 0);
    CHECK(strstr(dump, "vpspin: end of the lock dump\n") != NULL);

    KLOCK_QUEUE_HANDLE queued;
    KeAcquireInStackQueuedSpinLock(&held_lock, &queued);
    pthread_t th;
    CHECK(pthread_create(&th, NULL, waiter, NULL) == 0);
    wait_for_waiters(1);
    printf("%s", dump);
    char lock[64];
    snprintf(lock, sizeof lock, "%p (KSPIN_LOCK", (void *)&held_lock);
    CHECK(strstr(dump, "\"waiter\" at DISPATCH_LEVEL (2), holding 0 spin lock(s)\n") != NULL);
    CHECK(strstr(dump, "  waits  for ") != NULL && strstr(strstr(dump, "  waits  for "), lock));
    CHECK(strstr(dump, "through an AtDpcLevel acquire at ") != NULL);
    CHECK(strstr(dump, "    holder:  thread ") != NULL &&
          strstr(strstr(dump, "    holder:  thread "), ", through an in-stack queued acquire\n"));
    CHECK(strstr(dump, "(this one) at DISPATCH_LEVEL (2), holding 1 spin lock(s)\n  holds  ") !=
          NULL);
    CHECK(strstr(dump, "Waited for:\n  ") != NULL && strstr(dump, "    waiters: thread ") != NULL);
    CHECK(strstr(dump, "\"waiter\" (") != NULL);
    const char *w = strstr(dump, "\"waiter\" at");
    CHECK(w != NULL && strstr(w, "  Stack: not known (the thread did not answer") != NULL);
    CHECK(count("Deadlock") == 0 && strstr(dump, "No wait-for cycle") != NULL);
    /* A second waiter, through the other variant: both listed on the lock's one line. */
    pthread_t th2;
    CHECK(pthread_create(&th2, NULL, queued_waiter, NULL) == 0);
    wait_for_waiters(2);
    printf("%s", dump);
    CHECK(strstr(dump, "through an in-stack queued AtDpcLevel acquire at ") != NULL);
    const char *line = strstr(dump, "    waiters: thread ");
    CHECK(line != NULL && strstr(line, ") thread ") != NULL &&
          strstr(line, ") thread ") < strchr(line, '\n'));
    CHECK_EQ(count("    holder:  "), 1);
    KeReleaseInStackQueuedSpinLock(&queued);
    pthread_join(th, NULL);
    pthread_join(th2, NULL);
}

/* ---- 3: the watchdog's dump --------------------------------------------------------------- */

static sem_t watchdog_fired;
static int deadlock_reports;

static void on_report(const vpspin_bugcheck *r, void *ctx)
{
    (void)ctx;
    if (r->BugCheckCode == 0x133)
        sem_post(&watchdog_fired);
    else if (r->BugCheckCode == 0xC4 && r->Parameter1 == 0x1001)
        deadlock_reports++; /* AB-BA in full mode: predicted, then let happen */
}

static void test_watchdog(void)
{
    KSPIN_LOCK lock;
    KeInitializeSpinLock(&lock);
    vpspin_set_lock_class(&lock, "watched");
    ULONG before = vpspin_set_watchdog(100);
    KIRQL old;
    KeAcquireSpinLock(&lock, &old);
    while (sem_wait(&watchdog_fired) != 0)
        ;
    KeReleaseSpinLock(&lock, old);
    vpspin_set_watchdog(before);
    static char text[1 << 16];
    rewind(err);
    size_t n = fread(text, 1, sizeof text - 1, err);
    text[n] = '\0';
    const char *d = strstr(text, "vpspin: spin locks held and waited for (the watchdog fired)");
    const char *report = strstr(text, "*** STOP: 0x00000133");
    CHECK(d != NULL && report != NULL && d < report);
    CHECK(d != NULL && strstr(d, "class watched), through a raising acquire, ") != NULL);
    CHECK(d != NULL && strstr(d, ", acquired at ") != NULL);
}

/* ---- 4: AB-BA, hung on purpose; the dump on SIGQUIT ---------------------------------------- */

static KSPIN_LOCK ka;
static PSPIN_LOCK vb;
static char ext[64];
static pthread_barrier_t both_hold;

static void *abba(void *arg)
{
    int which = (int)(intptr_t)arg;
    char name[16];
    snprintf(name, sizeof name, "abba-%d", which);
    pthread_setname_np(pthread_self(), name);
    KIRQL old;
    UCHAR vold;
    if (which == 0) {
        KeAcquireSpinLock(&ka, &old);
        pthread_barrier_wait(&both_hold);
        VideoPortAcquireSpinLock(ext, vb, &vold); /* held by abba-1: waits for ever */
    } else {
        VideoPortAcquireSpinLock(ext, vb, &vold);
        pthread_barrier_wait(&both_hold);
        KeAcquireSpinLock(&ka, &old); /* held by abba-0 */
    }
    return NULL;
}

static void test_abba_signal(void)
{
    KeInitializeSpinLock(&ka);
    CHECK(VideoPortCreateSpinLock(ext, &vb) == NO_ERROR);
    pthread_barrier_init(&both_hold, NULL, 2);
    pthread_t th[2];
    for (int i = 0; i < 2; i++)
        CHECK(pthread_create(&th[i], NULL, abba, (void *)(intptr_t)i) == 0);
    wait_for_waiters(2); /* both observably waiting */
    CHECK_EQ(deadlock_reports, full ? 1 : 0);

    fseek(err, 0, SEEK_END);
    long start = ftell(err);
    CHECK(kill(getpid(), SIGQUIT) == 0);
    static char text[1 << 16];
    const char *d = NULL;
    while (d == NULL || strstr(d, "vpspin: end of the lock dump\n") == NULL) {
        clearerr(err);
        fseek(err, start, SEEK_SET); /* the dump thread writes it: read until it is whole */
        size_t n = fread(text, 1, sizeof text - 1, err);
        text[n] = '\0';
        d = strstr(text, "vpspin: spin locks held and waited for (on signal)");
        sched_yield();
    }
    fprintf(stdout, "%s", d);
    char a[32], b[32];
    snprintf(a, sizeof a, "%p (KSPIN_LOCK", (void *)&ka);
    snprintf(b, sizeof b, "%p (VideoPort spin lock #", (void *)vb);
    CHECK(strstr(d, "Deadlock: 2 thread(s) in a cycle, each waiting for a spin lock the next "
                    "one holds:\n") != NULL);
    const char *cycle = strstr(d, "Deadlock:");
    CHECK(cycle != NULL && strstr(cycle, "\"abba-0\" waits for ") != NULL &&
          strstr(cycle, "\"abba-1\" waits for ") != NULL);
    CHECK(cycle != NULL && strstr(cycle, a) != NULL && strstr(cycle, b) != NULL);
    CHECK(strstr(d, "\"abba-0\" at DISPATCH_LEVEL (2), holding 1 spin lock(s)\n  holds  ") != NULL);
    CHECK(strstr(d, "\"abba-1\" at DISPATCH_LEVEL (2), holding 1 spin lock(s)\n  holds  ") != NULL);
    /* Each thread's stack, taken by the thread itself: it is in abba(). */
    const char *t0 = strstr(d, "\"abba-0\" at"), *t1 = strstr(d, "\"abba-1\" at");
    CHECK(t0 != NULL && strstr(t0, "  Stack:\n    #0  ") != NULL);
    CHECK(t1 != NULL && strstr(t1, "  Stack:\n    #0  ") != NULL);
    if (full)
        CHECK(strstr(d, ", class ") != NULL && strstr(d, ", acquired at ") != NULL);
    else
        CHECK(strstr(d, ", class ") == NULL);
}

/* ---- 5: a lock whose holder is gone ----------------------------------------------------- */

static KSPIN_LOCK orphan;

static void *take_and_exit(void *arg)
{
    (void)arg;
    KIRQL old;
    KeAcquireSpinLock(&orphan, &old); /* and never released: the thread ends holding it */
    return NULL;
}

static void *orphan_waiter(void *arg)
{
    (void)arg;
    pthread_setname_np(pthread_self(), "orphan-waiter");
    KIRQL old;
    KeAcquireSpinLock(&orphan, &old); /* waits for ever */
    return NULL;
}

static void test_holder_gone(void)
{
    KeInitializeSpinLock(&orphan);
    pthread_t th;
    CHECK(pthread_create(&th, NULL, take_and_exit, NULL) == 0);
    pthread_join(th, NULL);
    CHECK(pthread_create(&th, NULL, orphan_waiter, NULL) == 0);
    wait_for_waiters(3); /* the two of the AB-BA, and this one */
    printf("%s", dump);
    char lock[64];
    snprintf(lock, sizeof lock, "\n  %p (KSPIN_LOCK", (void *)&orphan); /* under Waited for */
    const char *w = strstr(dump, lock);
    const char *holder = w != NULL ? strstr(w, "\n    holder:  ") : NULL;
    CHECK(holder != NULL && strncmp(holder + 14, "thread ", 7) != 0);
    CHECK(w != NULL && strstr(w, "    waiters: thread ") != NULL &&
          strstr(w, "\"orphan-waiter\" (") != NULL);
}

/* The dump's stack signal has a handler of the program's (one with SA_SIGINFO, or SIG_IGN)
 * before the first dump: the other threads' stacks are not taken, and the dump says why. In a
 * child, since the dump decides once. */
static void stack_signal_taken(int sig, siginfo_t *si, void *uc) { (void)sig, (void)si, (void)uc; }

static sem_t parked_go, parked_attached;

static void *parked(void *arg)
{
    (void)arg;
    KSPIN_LOCK l;
    KeInitializeSpinLock(&l);
    KIRQL old;
    KeAcquireSpinLock(&l, &old); /* attaches this thread */
    KeReleaseSpinLock(&l, old);
    sem_post(&parked_attached);
    while (sem_wait(&parked_go) != 0)
        ;
    return NULL;
}

static void test_stack_signal_not_ours(bool siginfo)
{
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        if (siginfo) {
            sa.sa_sigaction = stack_signal_taken;
            sa.sa_flags = SA_SIGINFO;
        } else {
            sa.sa_handler = SIG_IGN;
        }
        sigaction(SIGRTMAX - 2, &sa, NULL);
        sem_init(&parked_go, 0, 0);
        sem_init(&parked_attached, 0, 0);
        pthread_t th;
        if (pthread_create(&th, NULL, parked, NULL) != 0)
            _exit(3);
        KSPIN_LOCK l; /* a forked child's registry is empty: this thread attaches again */
        KeInitializeSpinLock(&l);
        KIRQL old;
        KeAcquireSpinLock(&l, &old);
        KeReleaseSpinLock(&l, old);
        while (sem_wait(&parked_attached) != 0)
            ;
        take_dump();
        sem_post(&parked_go);
        pthread_join(th, NULL);
        char want[128];
        snprintf(want, sizeof want,
                 "  Stack: not taken (signal %d, which the dump uses, has a handler of the "
                 "program's)\n",
                 SIGRTMAX - 2);
        bool ok = count("\nThread ") == 2 && count(want) == 1 && count("  Stack:\n") == 1;
        if (!ok)
            fputs(dump, stderr);
        _exit(ok ? 0 : 1);
    }
    int status = 0;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int main(void)
{
    full = vpspin_get_verify() == VPSPIN_VERIFY_FULL;
/* A forked child that starts a thread: ThreadSanitizer stops it; qemu-user (the cross
 * build's emulator) fails an assertion of its own in it; and gcc 12's AddressSanitizer
 * does not lock its allocator around fork, so the child's new thread can wait forever for
 * an allocator lock a parent thread held at the fork (seen once, in .ci/run). The release
 * build runs it. */
#if !defined(__SANITIZE_THREAD__) && !defined(__SANITIZE_ADDRESS__) && !defined(VPSPIN_TEST_EMULATED)
    test_stack_signal_not_ours(true);
    test_stack_signal_not_ours(false);
#endif
    sem_init(&watchdog_fired, 0, 0);
    vpspin_set_bugcheck_handler(on_report, NULL);
    /* stderr appends to a file that err reads on an offset of its own. */
    char path[] = "/tmp/vpspin-test-dump-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0 && fcntl(fd, F_SETFL, O_APPEND) == 0);
    err = fopen(path, "r");
    CHECK(err != NULL);
    unlink(path);
    int saved = dup(2);
    dup2(fd, 2);
    close(fd);
    test_quiet_and_one_waiter();
    if (full)
        test_watchdog();
    test_abba_signal();
    test_holder_gone();
    fflush(stderr);
    dup2(saved, 2);
    return check_done(); /* abba-0 and abba-1 still hang: exit ends them */
}
