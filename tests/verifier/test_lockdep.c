/*
 * test_lockdep.c - the full checked mode's self-tests, in the manner of lockdep's: a
 * table of scenarios, each a short sequence of calls with the one report it must make
 * (bug check code and Parameter1) or none.
 *
 * Every scenario runs in-process in VPSPIN_VERIFY_FULL with a recording handler, on
 * locks of its own classes (named "<scenario>.A" and so on through vpspin_set_lock_class,
 * so one scenario's orders never meet another's). Lock-order scenarios take their locks
 * one after the other on one thread - no deadlock ever happens, it is predicted - and
 * ABBA is also run with the two orders on two threads. After the table: the report's
 * contents (cycle lines, held locks, the DOT file), the chain cache (a cycle is reported
 * once), default classes by creation site, statistics and their writers, the DOT
 * export, report-and-continue without a handler (in a child), and VPSPIN_VERIFY=1 not
 * checking the order at all.
 *
 * No sleeps: the watchdog scenario holds a lock until the watchdog's report has been
 * recorded (with a generous upper bound), and threads are joined.
 */
#include <dirent.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <vpspin/vpspin.h>

#include "check.h"

/* The lock-order graphs written next to the reports go to a directory of our own. */
static char graph_dir[] = "/tmp/vpspin-test-lockdep-graphs-XXXXXX";

/* ---- Recording reports ------------------------------------------------------------------ */

#define MAX_REPORTS 16
static struct {
    ULONG code;
    ULONG_PTR p[4];
    char text[8192];
} reports[MAX_REPORTS];
static unsigned nreports; /* atomic: the watchdog reports from its own thread */

static void record(const vpspin_bugcheck *r, void *ctx)
{
    (void)ctx;
    unsigned i = __atomic_load_n(&nreports, __ATOMIC_RELAXED);
    if (i < MAX_REPORTS) {
        reports[i].code = r->BugCheckCode;
        reports[i].p[0] = r->Parameter1;
        reports[i].p[1] = r->Parameter2;
        reports[i].p[2] = r->Parameter3;
        reports[i].p[3] = r->Parameter4;
        snprintf(reports[i].text, sizeof reports[i].text, "%s", r->Text);
    }
    __atomic_store_n(&nreports, i + 1, __ATOMIC_RELEASE);
}

/* ---- Scenario helpers -------------------------------------------------------------------- */

static KSPIN_LOCK locks[4]; /* A B C D */
#define A (&locks[0])
#define B (&locks[1])
#define C (&locks[2])
#define D (&locks[3])

static void fresh_locks(const char *scenario)
{
    for (int i = 0; i < 4; i++) {
        char name[64];
        KeInitializeSpinLock(&locks[i]);
        snprintf(name, sizeof name, "%s.%c", scenario, 'A' + i);
        CHECK_EQ(vpspin_set_lock_class(&locks[i], name), NO_ERROR);
    }
}

/* Takes x then y (nested), lets both go. */
static void nest(PKSPIN_LOCK x, PKSPIN_LOCK y)
{
    KIRQL old;
    KeAcquireSpinLock(x, &old);
    KeAcquireSpinLockAtDpcLevel(y);
    KeReleaseSpinLockFromDpcLevel(y);
    KeReleaseSpinLock(x, old);
}

static void nest3(PKSPIN_LOCK x, PKSPIN_LOCK y, PKSPIN_LOCK z)
{
    KLOCK_QUEUE_HANDLE hx, hy, hz;
    KeAcquireInStackQueuedSpinLock(x, &hx);
    KeAcquireInStackQueuedSpinLockAtDpcLevel(y, &hy);
    KeAcquireInStackQueuedSpinLockAtDpcLevel(z, &hz);
    KeReleaseInStackQueuedSpinLockFromDpcLevel(&hz);
    KeReleaseInStackQueuedSpinLockFromDpcLevel(&hy);
    KeReleaseInStackQueuedSpinLock(&hx);
}

static void s_aa(void)
{
    KIRQL old;
    KeAcquireSpinLock(A, &old);
    KeAcquireSpinLockAtDpcLevel(A); /* refused after the report */
    KeReleaseSpinLock(A, old);
}

static void s_abba(void) { nest(A, B); nest(B, A); }
static void s_abbcca(void) { nest(A, B); nest(B, C); nest(C, A); }
static void s_abcabc(void) { nest(A, B); nest(C, A); nest(B, C); }
static void s_abbccdda(void) { nest(A, B); nest(B, C); nest(C, D); nest(D, A); }
static void s_abc_ca(void) { nest3(A, B, C); nest(C, A); }

static void *take_in_order(void *arg)
{
    PKSPIN_LOCK *order = arg;
    nest(order[0], order[1]);
    return NULL;
}

/* AB on one thread, then (after it ended) BA on another. */
static void s_abba_threads(void)
{
    PKSPIN_LOCK ab[2] = {A, B}, ba[2] = {B, A};
    pthread_t th;
    pthread_create(&th, NULL, take_in_order, ab);
    pthread_join(th, NULL);
    pthread_create(&th, NULL, take_in_order, ba);
    pthread_join(th, NULL);
}

/* Out-of-order release: A, B, release A to PASSIVE_LEVEL with B held. */
static void s_release_order(void)
{
    KIRQL old;
    KeAcquireSpinLock(A, &old);
    KeAcquireSpinLockAtDpcLevel(B);
    KeReleaseSpinLock(A, old); /* reported; goes ahead: PASSIVE_LEVEL, B held */
    KeRaiseIrqlToDpcLevel();
    KeReleaseSpinLockFromDpcLevel(B);
    KeLowerIrql(old);
}

/* The same hazard through KeLowerIrql. */
static void s_lower_holding(void)
{
    KIRQL old = KeRaiseIrqlToDpcLevel();
    KeAcquireSpinLockAtDpcLevel(A);
    KeLowerIrql(old); /* reported; goes ahead */
    KeRaiseIrqlToDpcLevel();
    KeReleaseSpinLockFromDpcLevel(A);
    KeLowerIrql(old);
}

/* A and B released in the order they were taken, staying at DISPATCH_LEVEL: fine. */
static void s_release_order_ok(void)
{
    KIRQL old = KeRaiseIrqlToDpcLevel();
    KeAcquireSpinLockAtDpcLevel(A);
    KeAcquireSpinLockAtDpcLevel(B);
    KeReleaseSpinLockFromDpcLevel(A);
    KeReleaseSpinLockFromDpcLevel(B);
    KeLowerIrql(old);
}

static void *exit_holding(void *arg)
{
    (void)arg;
    KIRQL old;
    KeAcquireSpinLock(A, &old);
    return NULL;
}

static void *exit_raised(void *arg)
{
    (void)arg;
    KeRaiseIrqlToDpcLevel();
    return NULL;
}

static void run_thread(void *(*fn)(void *))
{
    pthread_t th;
    pthread_create(&th, NULL, fn, NULL);
    pthread_join(th, NULL);
}

static void s_exit_holding(void)
{
    run_thread(exit_holding);
    KeInitializeSpinLock(A); /* the exited thread's lock, freed for the next scenarios */
}

static void s_exit_raised(void) { run_thread(exit_raised); }

/* Holds a lock until the watchdog has reported (or 60 s have passed: a failure). */
static void s_long_hold(void)
{
    ULONG old_ms = vpspin_set_watchdog(100);
    unsigned before = __atomic_load_n(&nreports, __ATOMIC_ACQUIRE);
    time_t give_up = time(NULL) + 60;
    KIRQL old;
    KeAcquireSpinLock(A, &old);
    while (__atomic_load_n(&nreports, __ATOMIC_ACQUIRE) == before && time(NULL) < give_up)
        ;
    KeReleaseSpinLock(A, old);
    vpspin_set_watchdog(old_ms);
}

/* Hold B, try A: a try cannot deadlock, so no B -> A edge meets the A -> B one. */
static void s_trylock_inversion(void)
{
    nest(A, B);
    KIRQL old;
    KeAcquireSpinLock(B, &old);
    CHECK(KeTryToAcquireSpinLockAtDpcLevel(A));
    KeReleaseSpinLockFromDpcLevel(A);
    KeReleaseSpinLock(B, old);
}

/* A lock taken by a try still orders what comes after it: try A, then B; then B, A. */
static void s_try_then_wait(void)
{
    KIRQL old = KeRaiseIrqlToDpcLevel();
    CHECK(KeTryToAcquireSpinLockAtDpcLevel(A));
    KeAcquireSpinLockAtDpcLevel(B);
    KeReleaseSpinLockFromDpcLevel(B);
    KeReleaseSpinLockFromDpcLevel(A);
    KeLowerIrql(old);
    nest(B, A);
}

/* n locks, each its own class "<prefix>.00" and so on. */
static void name_locks(KSPIN_LOCK *l, int n, const char *prefix)
{
    for (int i = 0; i < n; i++) {
        char name[64];
        KeInitializeSpinLock(&l[i]);
        snprintf(name, sizeof name, "%s.%02d", prefix, i);
        CHECK_EQ(vpspin_set_lock_class(&l[i], name), NO_ERROR);
    }
}

/* One class taken before six others: its edge array grows past its first four. */
static void s_fan_out(void)
{
    static KSPIN_LOCK others[6];
    name_locks(others, 6, "fan-out");
    for (int i = 0; i < 6; i++)
        nest(A, &others[i]);
    for (int i = 0; i < 6; i++)
        nest(A, &others[i]); /* known edges, known chains */
}

/* C before A and C before B; then A, B, C: one acquire closes two cycles, one report. */
static void s_two_cycles(void)
{
    nest(C, A);
    nest(C, B);
    nest3(A, B, C);
}

static void s_consistent(void)
{
    for (int i = 0; i < 3; i++) {
        nest(A, B);
        nest(B, C);
        nest3(A, B, C);
        nest(A, C);
        nest3(A, C, D);
    }
}

/* Two locks of one class (same creation site) nested in one fixed order: not ordered
 * against each other (lockdep.c), so silent. */
static void s_same_class(void)
{
    static KSPIN_LOCK pair[2];
    for (int i = 0; i < 2; i++)
        KeInitializeSpinLock(&pair[i]); /* one site: one class */
    nest(&pair[0], &pair[1]);
    nest(&pair[0], &pair[1]);
}

struct scenario {
    const char *name;
    void (*run)(void);
    ULONG code;   /* 0: must stay silent */
    ULONG_PTR p1;
};

static const struct scenario scenarios[] = {
    {"AA", s_aa, 0xC4, 0x1000},
    {"ABBA", s_abba, 0xC4, 0x1001},
    {"ABBA-two-threads", s_abba_threads, 0xC4, 0x1001},
    {"ABBCCA", s_abbcca, 0xC4, 0x1001},
    {"ABCABC", s_abcabc, 0xC4, 0x1001},
    {"ABBCCDDA", s_abbccdda, 0xC4, 0x1001},
    {"ABC-CA", s_abc_ca, 0xC4, 0x1001},
    {"try-then-wait", s_try_then_wait, 0xC4, 0x1001},
    {"two-cycles-at-once", s_two_cycles, 0xC4, 0x1001},
    {"release-out-of-order", s_release_order, 0xC4, 0x1003},
    {"lower-while-holding", s_lower_holding, 0xC4, 0x1003},
    {"exit-holding", s_exit_holding, 0xC4, 0x100A},
    {"exit-raised", s_exit_raised, 0xC4, 0x100A},
    {"long-hold", s_long_hold, 0x133, 1},
    {"trylock-inversion", s_trylock_inversion, 0, 0},
    {"consistent-nesting", s_consistent, 0, 0},
    {"fan-out", s_fan_out, 0, 0},
    {"release-out-of-order-at-dpc", s_release_order_ok, 0, 0},
    {"same-class-nesting", s_same_class, 0, 0},
};

static void run_table(void)
{
    for (size_t i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++) {
        const struct scenario *s = &scenarios[i];
        fresh_locks(s->name);
        __atomic_store_n(&nreports, 0, __ATOMIC_RELAXED);
        s->run();
        unsigned n = __atomic_load_n(&nreports, __ATOMIC_ACQUIRE);
        bool ok = s->code == 0 ? n == 0
                               : n == 1 && reports[0].code == s->code && reports[0].p[0] == s->p1;
        printf("  %-30s %s", s->name, ok ? "ok" : "FAILED");
        if (s->code != 0)
            printf(" (expected 0x%lX/0x%lX)", (unsigned long)s->code, (unsigned long)s->p1);
        printf(", %u report(s)", n);
        if (n > 0)
            printf(": 0x%lX/0x%lX", (unsigned long)reports[0].code, (unsigned long)reports[0].p[0]);
        printf("\n");
        CHECK(ok);
        CHECK_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);
    }
}

/* ---- The report's contents --------------------------------------------------------------- */

static void check_cycle_report(void)
{
    fresh_locks("report");
    __atomic_store_n(&nreports, 0, __ATOMIC_RELAXED);
    nest(A, B);
    nest(B, C);
    nest(C, A);
    nest(C, A); /* the same chain again: cached, not reported twice */
    nest(B, A); /* a new chain closing a second cycle: reported */
    CHECK_EQ(nreports, 2);
    const char *t = reports[0].text;
    CHECK_EQ(reports[0].p[1], (ULONG_PTR)A); /* the lock about to be taken */
    CHECK_EQ(reports[0].p[2], (ULONG_PTR)C); /* the held lock the cycle starts at */
    CHECK(strstr(t, "Thread 0: report.C  report.A") != NULL);
    CHECK(strstr(t, "Thread 1: report.A  report.B") != NULL);
    CHECK(strstr(t, "Thread 2: report.B  report.C") != NULL);
    CHECK(strstr(t, "report.A -> report.B, first by thread") != NULL);
    CHECK(strstr(t, "Held:   1 spin lock(s)") != NULL);
    CHECK(strstr(t, "API:    KeAcquireSpinLockAtDpcLevel") != NULL);
    const char *g = strstr(t, "Graph:  ");
    CHECK(g != NULL);
    if (g != NULL) {
        char path[512];
        CHECK_EQ(sscanf(g, "Graph:  %511s", path), 1);
        FILE *f = fopen(path, "r");
        CHECK(f != NULL);
        if (f != NULL) {
            char dot[65536];
            size_t n = fread(dot, 1, sizeof dot - 1, f);
            dot[n] = '\0';
            fclose(f);
            CHECK(strncmp(dot, "digraph", 7) == 0);
            CHECK(strstr(dot, "[color=red") != NULL);
            CHECK(strstr(dot, "label=\"report.A\"") != NULL);
            unlink(path);
        }
    }
    CHECK(strstr(reports[1].text, "Thread 0: report.B  report.A") != NULL);
}

/* VideoPort locks created at two sites are two classes named by those sites (exported
 * functions, so that the dynamic symbol table names them). */
PSPIN_LOCK create_here_1(void);
PSPIN_LOCK create_here_2(void);

__attribute__((noinline)) PSPIN_LOCK create_here_1(void)
{
    PSPIN_LOCK l = NULL;
    CHECK_EQ(VideoPortCreateSpinLock(NULL, &l), NO_ERROR);
    return l;
}

__attribute__((noinline)) PSPIN_LOCK create_here_2(void)
{
    PSPIN_LOCK l = NULL;
    CHECK_EQ(VideoPortCreateSpinLock(NULL, &l), NO_ERROR);
    return l;
}

static void vp_nest(PSPIN_LOCK x, PSPIN_LOCK y)
{
    UCHAR old;
    VideoPortAcquireSpinLock(NULL, x, &old);
    VideoPortAcquireSpinLockAtDpcLevel(NULL, y);
    VideoPortReleaseSpinLockFromDpcLevel(NULL, y);
    VideoPortReleaseSpinLock(NULL, x, old);
}

static void check_videoport_classes(void)
{
    PSPIN_LOCK x = create_here_1(), y = create_here_2();
    __atomic_store_n(&nreports, 0, __ATOMIC_RELAXED);
    vp_nest(x, y);
    vp_nest(y, x);
    CHECK_EQ(nreports, 1);
    CHECK_EQ(reports[0].p[0], 0x1001);
    CHECK(strstr(reports[0].text, "create_here_1") != NULL);
    CHECK(strstr(reports[0].text, "create_here_2") != NULL);
    vpspin_lock_stat st;
    CHECK_EQ(vpspin_query_lock_stat(x, &st), NO_ERROR);
    CHECK_EQ(st.Acquisitions, 2);
    CHECK(strstr(st.Class, "VideoPortCreateSpinLock@create_here_1") != NULL);
    VideoPortDeleteSpinLock(NULL, x);
    VideoPortDeleteSpinLock(NULL, y);
}

/* ---- Statistics --------------------------------------------------------------------------- */

static KSPIN_LOCK stat_lock;
static pthread_barrier_t stat_barrier;

static void *contend(void *arg)
{
    (void)arg;
    KIRQL old;
    /* The main thread holds stat_lock when we pass the barrier: this acquire waits. */
    pthread_barrier_wait(&stat_barrier);
    KeAcquireSpinLock(&stat_lock, &old);
    KeReleaseSpinLock(&stat_lock, old);
    return NULL;
}

static void check_statistics(void)
{
    KeInitializeSpinLock(&stat_lock);
    CHECK_EQ(vpspin_set_lock_class(&stat_lock, "stat"), NO_ERROR);
    KIRQL old;
    for (int i = 0; i < 100; i++) {
        KeAcquireSpinLock(&stat_lock, &old);
        KeReleaseSpinLock(&stat_lock, old);
    }
    pthread_barrier_init(&stat_barrier, NULL, 2);
    pthread_t th;
    pthread_create(&th, NULL, contend, NULL);
    KeAcquireSpinLock(&stat_lock, &old);
    pthread_barrier_wait(&stat_barrier);
    /* Hold until the other thread is seen waiting (its waiter flag, or a handoff ask). */
    while (__atomic_load_n(&stat_lock, __ATOMIC_RELAXED) >> 32 == 0)
        ;
    KeReleaseSpinLock(&stat_lock, old);
    pthread_join(th, NULL);
    pthread_barrier_destroy(&stat_barrier);

    vpspin_lock_stat st;
    CHECK_EQ(vpspin_query_lock_stat(&stat_lock, &st), NO_ERROR);
    CHECK_EQ(st.Acquisitions, 102);
    CHECK_EQ(st.Contentions, 1);
    CHECK(st.WaitMaxNs > 0 && st.WaitMinNs == st.WaitMaxNs && st.WaitAvgNs == st.WaitMaxNs);
    /* Holds are sampled, 1 uncontended acquire in 8 per thread, plus every one that
     * waited: this thread's 101 give 12 or 13 (where its countdown stood), the waiter 1. */
    CHECK(st.HoldSamples >= 13 && st.HoldSamples <= 14);
    CHECK(st.HoldMaxNs >= st.HoldMinNs);
    CHECK(st.HoldAvgNs >= st.HoldMinNs && st.HoldAvgNs <= st.HoldMaxNs);
    CHECK(strcmp(st.Class, "stat") == 0);
    CHECK_EQ(vpspin_query_lock_stat(NULL, &st), ERROR_INVALID_PARAMETER);
    KSPIN_LOCK never;
    CHECK_EQ(vpspin_query_lock_stat(&never, &st), ERROR_INVALID_PARAMETER);

    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    CHECK_EQ(vpspin_write_lock_stat(f, VPSPIN_STAT_CSV), 0);
    fclose(f);
    CHECK(strncmp(buf, "level,class,lock,acquisitions,contentions,", 42) == 0);
    CHECK(strstr(buf, "\nclass,\"stat\",\"\",102,1,") != NULL);
    CHECK(strstr(buf, "contend") != NULL); /* the contention site */
    free(buf);
    f = open_memstream(&buf, &len);
    CHECK_EQ(vpspin_write_lock_stat(f, VPSPIN_STAT_TABLE), 0);
    fclose(f);
    CHECK(strstr(buf, "lock statistics") != NULL);
    CHECK(strstr(buf, "\nstat ") != NULL);
    CHECK(strstr(buf, "contended at: ") != NULL);
    free(buf);
    CHECK_EQ(vpspin_write_lock_stat(NULL, VPSPIN_STAT_TABLE), -1);
    CHECK_EQ(vpspin_write_lock_stat(stdout, (vpspin_stat_format)7), -1);

    f = open_memstream(&buf, &len);
    CHECK_EQ(vpspin_write_lock_order(f), 0);
    fclose(f);
    CHECK(strncmp(buf, "digraph vpspin_lock_order {", 27) == 0);
    CHECK(strstr(buf, "label=\"ABBA.A\"") != NULL);
    CHECK(strstr(buf, " -> ") != NULL);
    free(buf);
    CHECK_EQ(vpspin_write_lock_order(NULL), -1);
    CHECK_EQ(vpspin_set_lock_class(NULL, "x"), ERROR_INVALID_PARAMETER);
    CHECK_EQ(vpspin_set_lock_class(&stat_lock, ""), ERROR_INVALID_PARAMETER);
}

/* ---- The edges of what is written --------------------------------------------------------- */

/* A class name with the characters DOT quotes; streams that cannot be written. */
static void check_writers(void)
{
    static KSPIN_LOCK q, r;
    KeInitializeSpinLock(&q);
    KeInitializeSpinLock(&r);
    CHECK_EQ(vpspin_set_lock_class(&q, "say \"hi\" \\ bye"), NO_ERROR);
    CHECK_EQ(vpspin_set_lock_class(&q, "say \"hi\" \\ bye"), NO_ERROR); /* the same: kept */
    CHECK_EQ(vpspin_set_lock_class(&r, NULL), ERROR_INVALID_PARAMETER);
    nest(&q, &r);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    CHECK_EQ(vpspin_write_lock_order(f), 0);
    fclose(f);
    CHECK(strstr(buf, "[label=\"say \\\"hi\\\" \\\\ bye\"]") != NULL);
    free(buf);
    f = fopen("/dev/full", "w");
    CHECK(f != NULL);
    if (f != NULL) {
        CHECK_EQ(vpspin_write_lock_order(f), -1);
        CHECK_EQ(vpspin_write_lock_stat(f, VPSPIN_STAT_TABLE), -1);
        fclose(f);
    }
}

/* Where the DOT file of a report goes: VPSPIN_REPORT_DIR, else TMPDIR, else /tmp; none if
 * it cannot be written (the report says nothing of a graph then). */
static const char *graph_line_after(const char *scenario, const char *report_dir,
                                    const char *tmpdir)
{
    static char line[512];
    if (report_dir != NULL)
        setenv("VPSPIN_REPORT_DIR", report_dir, 1);
    else
        unsetenv("VPSPIN_REPORT_DIR");
    if (tmpdir != NULL)
        setenv("TMPDIR", tmpdir, 1);
    else
        unsetenv("TMPDIR");
    fresh_locks(scenario);
    __atomic_store_n(&nreports, 0, __ATOMIC_RELAXED);
    s_abba();
    line[0] = '\0';
    const char *g = nreports == 1 ? strstr(reports[0].text, "Graph:  ") : NULL;
    if (g != NULL) {
        snprintf(line, sizeof line, "%.*s", (int)strcspn(g + 8, " "), g + 8);
        unlink(line);
    }
    return line;
}

static void check_graph_places(void)
{
    char *saved = getenv("TMPDIR") != NULL ? strdup(getenv("TMPDIR")) : NULL;
    char prefix[600];
    const char *path = graph_line_after("graph-in-TMPDIR", "", graph_dir);
    snprintf(prefix, sizeof prefix, "%s/vpspin-lock-order-", graph_dir);
    CHECK(strncmp(path, prefix, strlen(prefix)) == 0);
    path = graph_line_after("graph-in-tmp", NULL, "");
    CHECK(strncmp(path, "/tmp/vpspin-lock-order-", 23) == 0);
    path = graph_line_after("graph-unwritable", "/nonexistent-vpspin-dir", NULL);
    CHECK_EQ(nreports, 1);
    CHECK_EQ(strlen(path), 0);
    CHECK(strstr(reports[0].text, "Graph:") == NULL);
    if (saved != NULL)
        setenv("TMPDIR", saved, 1);
    free(saved);
    setenv("VPSPIN_REPORT_DIR", graph_dir, 1);
}

/* A cycle of 40 classes: its report outgrows the 8 KiB buffer and is cut, not overrun. */
static void check_long_report(void)
{
    static KSPIN_LOCK ring[40];
    name_locks(ring, 40, "ring");
    __atomic_store_n(&nreports, 0, __ATOMIC_RELAXED);
    for (int i = 0; i < 40; i++)
        nest(&ring[i], &ring[(i + 1) % 40]);
    CHECK_EQ(nreports, 1);
    CHECK_EQ(reports[0].p[0], 0x1001);
    CHECK_EQ(strlen(reports[0].text), 8191);
    CHECK(strcmp(reports[0].text + 8191 - 44, "\n[cut here: a report holds 8191 characters]\n") == 0);
    CHECK(strncmp(reports[0].text, "*** STOP: 0x000000C4 (0x0000000000001001,", 41) == 0);
    CHECK(strstr(reports[0].text, "Cycle:  40 lock classes") != NULL);
}

/* 33 locks held (one by a try): the 33rd is not tracked, and the mode says so once; a
 * report lists the 32 and counts the other; all are released as usual. */
static void check_deep_nesting(void)
{
    static KSPIN_LOCK deep[33];
    for (int i = 0; i < 33; i++)
        KeInitializeSpinLock(&deep[i]); /* one site: one class, no order among them */
    __atomic_store_n(&nreports, 0, __ATOMIC_RELAXED);
    KIRQL old = KeRaiseIrqlToDpcLevel();
    CHECK(KeTryToAcquireSpinLockAtDpcLevel(&deep[0]));
    for (int i = 1; i < 33; i++)
        KeAcquireSpinLockAtDpcLevel(&deep[i]);
    KeLowerIrql(old); /* 0x1003, and goes ahead */
    CHECK_EQ(nreports, 1);
    const char *t = reports[0].text;
    CHECK_EQ(reports[0].p[0], 0x1003);
    CHECK(strstr(t, "Held:   33 spin lock(s), oldest first; the 32 tracked:") != NULL);
    CHECK(strstr(t, ", tried at ") != NULL);
    /* A report stops at 8191 characters: with long source paths (a checkout deep in a
     * temporary directory) the 32 entries fill it before the last line. */
    if (strlen(t) < 8191)
        CHECK(strstr(t, "  and 1 more, not tracked") != NULL);
    else
        CHECK(strstr(t, "\n  #20 ") != NULL && strstr(t, "[cut here: ") != NULL);
    KeRaiseIrqlToDpcLevel();
    for (int i = 32; i >= 0; i--)
        KeReleaseSpinLockFromDpcLevel(&deep[i]);
    KeLowerIrql(old);
    CHECK_EQ(nreports, 1);
}

/* A VideoPort slot handed out again keeps its record, with fresh statistics and no
 * class until the new lock is first taken (the arena quarantines 1024 slots first). */
static void check_slot_reuse(void)
{
    static PSPIN_LOCK made[1025];
    vpspin_lock_stat st;
    for (int i = 0; i < 1025; i++) {
        UCHAR old;
        CHECK_EQ(VideoPortCreateSpinLock(NULL, &made[i]), NO_ERROR);
        VideoPortAcquireSpinLock(NULL, made[i], &old);
        VideoPortReleaseSpinLock(NULL, made[i], old);
    }
    for (int i = 0; i < 1025; i++)
        CHECK_EQ(VideoPortDeleteSpinLock(NULL, made[i]), NO_ERROR);
    /* Slots come out of quarantine oldest first: after those deleted by earlier checks
     * (taken too, so with records as well), made[0]. */
    PSPIN_LOCK reused = NULL, before[8];
    int n = 0;
    for (;;) {
        CHECK_EQ(VideoPortCreateSpinLock(NULL, &reused), NO_ERROR);
        if (reused == made[0] || n == 8)
            break;
        before[n++] = reused;
    }
    CHECK(reused == made[0]);
    for (int i = 0; i < n; i++)
        VideoPortDeleteSpinLock(NULL, before[i]);
    CHECK_EQ(vpspin_query_lock_stat(reused, &st), ERROR_INVALID_PARAMETER); /* not taken yet */
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    CHECK_EQ(vpspin_write_lock_stat(f, VPSPIN_STAT_CSV), 0); /* skips it */
    fclose(f);
    free(buf);
    UCHAR old;
    VideoPortAcquireSpinLock(NULL, reused, &old);
    VideoPortReleaseSpinLock(NULL, reused, old);
    CHECK_EQ(vpspin_query_lock_stat(reused, &st), NO_ERROR);
    CHECK_EQ(st.Acquisitions, 1);
}

/* Runs fn in a fork()ed child whose stderr goes to text (its first size - 1 bytes); fn
 * ends the child with exit(). Whether the child exited 0. */
static bool in_child(void (*fn)(void), char *text, size_t size)
{
    char path[] = "/tmp/vpspin-test-lockdep-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fd, 2);
        fn();
        exit(4);
    }
    int status;
    waitpid(pid, &status, 0);
    ssize_t n = pread(fd, text, size - 1, 0);
    text[n > 0 ? n : 0] = '\0';
    close(fd);
    unlink(path);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* Past 4096 classes and 65536 lock records, no more are made, and the mode says so, once
 * each (in a child, which the limits leave checking less). */
static void reach_limits(void)
{
    static KSPIN_LOCK many[65536 + 1];
    int refused = 0;
    for (int i = 0; i < 4200; i++) {
        char name[32];
        snprintf(name, sizeof name, "limit.%d", i);
        refused += vpspin_set_lock_class(&many[i], name) == ERROR_NOT_ENOUGH_MEMORY;
    }
    int refused_records = 0;
    for (int i = 0; i < 65536 + 1; i++)
        refused_records += vpspin_set_lock_class(&many[i], "limit.0") == ERROR_NOT_ENOUGH_MEMORY;
    /* classes: the test's before the fork, then up to 4096; records likewise */
    exit(refused > 100 && refused < 4200 && refused_records > 0 ? 0 : 3);
}

static void check_limits(void)
{
    static char text[4096];
    CHECK(in_child(reach_limits, text, sizeof text));
    CHECK(strstr(text, "vpspin: full checked mode: too many lock classes; checking less") != NULL);
    CHECK(strstr(text, "too many locks to keep records of") != NULL);
    const char *first = strstr(text, "too many lock classes");
    CHECK(first != NULL && strstr(first + 1, "too many lock classes") == NULL);
}

/* The chain cache holds 65536 chains: past that every chain is checked at each acquire,
 * the mode says so once, and an inversion is still found. In a child: 75 classes taken
 * three at a time in one order make 70300 chains. */
static void fill_chain_cache(void)
{
    static KSPIN_LOCK l[75];
    name_locks(l, 75, "chains");
    __atomic_store_n(&nreports, 0, __ATOMIC_RELAXED);
    for (int i = 0; i < 75; i++)
        for (int j = i + 1; j < 75; j++)
            for (int k = j + 1; k < 75; k++)
                nest3(&l[i], &l[j], &l[k]);
    unsigned consistent = __atomic_load_n(&nreports, __ATOMIC_ACQUIRE);
    nest(&l[74], &l[0]);
    exit(consistent == 0 && nreports == 1 && reports[0].p[0] == 0x1001 ? 0 : 3);
}

static void check_chain_cache_full(void)
{
    static char text[16384];
    CHECK(in_child(fill_chain_cache, text, sizeof text));
    CHECK(strstr(text, "vpspin: full checked mode: lock chain cache full: chains are checked "
                       "on every acquire") != NULL);
}

/* ---- Contention sites ------------------------------------------------------------------------ */

/* Five call sites of KeAcquireSpinLock (exported, so that the writers name them). */
#define TAKE_AT(n)                                                                                 \
    void take_at_##n(PKSPIN_LOCK l);                                                               \
    __attribute__((noinline)) void take_at_##n(PKSPIN_LOCK l)                                      \
    {                                                                                              \
        KIRQL o;                                                                                   \
        KeAcquireSpinLock(l, &o);                                                                  \
        KeReleaseSpinLock(l, o);                                                                   \
    }
TAKE_AT(0)
TAKE_AT(1)
TAKE_AT(2)
TAKE_AT(3)
TAKE_AT(4)
static void (*const take_at[5])(PKSPIN_LOCK) = {take_at_0, take_at_1, take_at_2, take_at_3,
                                                take_at_4};

struct site_job {
    int site;
    PKSPIN_LOCK lock;
    pthread_barrier_t barrier;
};

static void *site_waiter(void *arg)
{
    struct site_job *j = arg;
    pthread_barrier_wait(&j->barrier); /* the lock is held by then: the acquire waits */
    take_at[j->site](j->lock);
    return NULL;
}

/* One contention of lock at site, as check_statistics makes one. */
static void contend_at(int site, PKSPIN_LOCK lock)
{
    struct site_job j = {.site = site, .lock = lock};
    pthread_t th;
    KIRQL old;
    pthread_barrier_init(&j.barrier, NULL, 2);
    pthread_create(&th, NULL, site_waiter, &j);
    KeAcquireSpinLock(lock, &old);
    pthread_barrier_wait(&j.barrier);
    while (__atomic_load_n(lock, __ATOMIC_RELAXED) >> 32 == 0)
        ;
    KeReleaseSpinLock(lock, old);
    pthread_join(th, NULL);
    pthread_barrier_destroy(&j.barrier);
}

/* A lock keeps its first four contention sites, and so does its class, whose totals add
 * a second lock's: a fifth site is counted as a contention but not listed. */
static void check_contention_sites(void)
{
    static KSPIN_LOCK two[2];
    for (int i = 0; i < 2; i++) {
        KeInitializeSpinLock(&two[i]);
        CHECK_EQ(vpspin_set_lock_class(&two[i], "sites"), NO_ERROR);
    }
    for (int site = 0; site < 5; site++)
        contend_at(site, &two[0]);
    contend_at(4, &two[1]);
    vpspin_lock_stat st;
    CHECK_EQ(vpspin_query_lock_stat(&two[0], &st), NO_ERROR);
    CHECK_EQ(st.Contentions, 5);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    CHECK_EQ(vpspin_write_lock_stat(f, VPSPIN_STAT_CSV), 0);
    fclose(f);
    char row[2][2048] = {"", ""}; /* the class's, the first lock's */
    for (char *line = strtok(buf, "\n"); line != NULL; line = strtok(NULL, "\n")) {
        static const char *const starts[2] = {"class,\"sites\",", "lock,\"sites\","};
        int which = -1;
        for (int r = 0; r < 2; r++)
            if (strncmp(line, starts[r], strlen(starts[r])) == 0)
                which = r;
        if (which >= 0 && row[which][0] == '\0')
            snprintf(row[which], sizeof row[which], "%s", line);
    }
    free(buf);
    for (int r = 0; r < 2; r++) {
        for (int site = 0; site < 4; site++) {
            char name[32];
            snprintf(name, sizeof name, "take_at_%d+", site);
            CHECK(strstr(row[r], name) != NULL);
        }
        CHECK(strstr(row[r], "take_at_4+") == NULL);
    }
}

/* ---- Report and continue; VPSPIN_VERIFY=1 ---------------------------------------------------- */

/* With no handler: two AA reports on one lock and one ABBA must not abort; the repeat is
 * not written; the summary is. */
static void report_and_continue(void)
{
    vpspin_set_bugcheck_handler(NULL, NULL);
    vpspin_set_report_mode(VPSPIN_REPORT_CONTINUE);
    fresh_locks("continue");
    s_aa();
    s_aa();
    s_abba();
    exit(KeGetCurrentIrql() == PASSIVE_LEVEL ? 0 : 3); /* exit: the summary is atexit */
}

static void check_continue(void)
{
    static char text[65536];
    CHECK(in_child(report_and_continue, text, sizeof text));
    int stops = 0;
    for (const char *p = text; (p = strstr(p, "*** STOP: ")) != NULL; p++)
        stops++;
    CHECK_EQ(stops, 2);
    /* The count includes the reports this process made before the fork. */
    CHECK(strstr(text, " bug check report(s), 1 repeat(s) not shown\n") != NULL);
}

static void check_default_mode_silent(void)
{
    vpspin_set_verify(VPSPIN_VERIFY_DEFAULT);
    fresh_locks("default");
    __atomic_store_n(&nreports, 0, __ATOMIC_RELAXED);
    s_abba();
    s_release_order();
    CHECK_EQ(nreports, 0);
    vpspin_set_verify(VPSPIN_VERIFY_FULL);
}

static void remove_graphs(void)
{
    DIR *d = opendir(graph_dir);
    int n = 0;
    for (struct dirent *e; d != NULL && (e = readdir(d)) != NULL;) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", graph_dir, e->d_name);
        if (e->d_name[0] != '.' && unlink(path) == 0)
            n++;
    }
    if (d != NULL)
        closedir(d);
    CHECK(n > 0); /* every cycle report wrote one (the one read above was removed) */
    CHECK_EQ(rmdir(graph_dir), 0);
}

int main(void)
{
    CHECK(mkdtemp(graph_dir) != NULL);
    setenv("VPSPIN_REPORT_DIR", graph_dir, 1);
    vpspin_set_bugcheck_handler(record, NULL);
    CHECK_EQ(vpspin_set_verify(VPSPIN_VERIFY_FULL), 0);
    printf("scenarios:\n");
    run_table();
    check_cycle_report();
    check_videoport_classes();
    check_statistics();
    check_contention_sites();
    check_writers();
    check_graph_places();
    check_long_report();
    check_deep_nesting();
    check_slot_reuse();
    check_default_mode_silent();
    check_continue();
    check_limits();
    check_chain_cache_full();
    remove_graphs();
    return check_done();
}
