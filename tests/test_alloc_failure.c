/*
 * test_alloc_failure.c - every allocation vpspin makes can fail, and each failure is
 * handled: creation returns ERROR_NOT_ENOUGH_MEMORY and leaves nothing behind, the
 * checked mode still reports what it must, nothing else breaks, and nothing leaks.
 *
 * The test does not know where vpspin allocates. It runs one scenario that makes every
 * kind of allocation there is (scenario(): VideoPort locks created, used and deleted in
 * the default and the full checked mode, nested, from two threads, and reports made; in
 * the full mode also two locks nested in both orders, which grows the lock-order graph
 * and makes a 0x1001 report, and the statistics written) in
 * a fork()ed child, with the k-th allocation made to fail (vpspin_fail_allocations(k, 1)),
 * for k = 0, 1, 2, ... until a run in which the failure was never reached: then every
 * allocation the scenario makes has failed once, in turn, whatever sites the library
 * has or gains. Then again with every allocation from the k-th on failing. Each child:
 *   - checks every call's outcome: a creation either succeeds or returns
 *     ERROR_NOT_ENOUGH_MEMORY with *SpinLock untouched and no lock used up (the next
 *     lock's serial number follows the last one created); locks exclude (exact counts
 *     from two threads) and count their acquisitions exactly; the reports it provokes
 *     are made, with the right Parameter1 and a whole first line, and no other; the
 *     0x1001 is made unless the full mode lost what it needs (it says so: the parent
 *     checks), and the statistics are written whole or, out of memory, not at all;
 *   - ends by trying one more creation: if that fails, the injected failure was still
 *     pending, so the scenario never reached it (exit 10: the sweep is over);
 *   - exits through exit(), so that LeakSanitizer (the ASan build) or Valgrind (make
 *     check's memcheck run) checks it for leaks; their failure is a nonzero exit.
 * The parent checks each child's exit status and its stderr: apart from reports, no line
 * may appear twice (what cannot allocate says so once, not at every call).
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vpspin/vpspin.h>

#include "check.h"

#define NVP            3
#define ROUNDS         200
#define EXIT_UNREACHED 10
#define MAX_SITES      100000 /* a sweep longer than this is a runaway */

static int devext;

static struct {
    unsigned n;
    ULONG_PTR p1;
    bool stop_line; /* the text starts with the STOP line */
} reports;

static void on_report(const vpspin_bugcheck *r, void *ctx)
{
    (void)ctx;
    reports.n++;
    reports.p1 = r->Parameter1;
    reports.stop_line =
        r->BugCheckCode == 0xC4 && strncmp(r->Text, "*** STOP: 0x000000C4 (", 22) == 0;
}

/* A deliberate misuse must still be reported as p1, and only once. */
#define EXPECT_REPORT(p1_, call)                                                                   \
    do {                                                                                           \
        unsigned before_ = reports.n;                                                              \
        call;                                                                                      \
        CHECK_EQ(reports.n, before_ + 1);                                                          \
        CHECK_EQ(reports.p1, (p1_));                                                               \
        CHECK(reports.stop_line);                                                                  \
    } while (0)

static struct {
    PSPIN_LOCK vp[NVP];
    int nvp;
    KSPIN_LOCK ke;
    unsigned long counter; /* under vp[0] (if any) and ke */
} sh;

/* Two threads take the locks in one order, nested, every way. */
static void *contender(void *arg)
{
    (void)arg;
    for (int i = 0; i < ROUNDS; i++) {
        UCHAR old;
        KLOCK_QUEUE_HANDLE h;
        if (sh.nvp > 0)
            VideoPortAcquireSpinLock(&devext, sh.vp[0], &old);
        else
            KeAcquireSpinLock(&sh.ke, &old);
        for (int j = 1; j < sh.nvp; j++)
            VideoPortAcquireSpinLockAtDpcLevel(&devext, sh.vp[j]);
        if (sh.nvp > 0)
            KeAcquireInStackQueuedSpinLockAtDpcLevel(&sh.ke, &h);
        sh.counter = sh.counter + 1;
        if (sh.nvp > 0)
            KeReleaseInStackQueuedSpinLockFromDpcLevel(&h);
        for (int j = sh.nvp - 1; j >= 1; j--)
            VideoPortReleaseSpinLockFromDpcLevel(&devext, sh.vp[j]);
        if (sh.nvp > 0)
            VideoPortReleaseSpinLock(&devext, sh.vp[0], old);
        else
            KeReleaseSpinLock(&sh.ke, old);
    }
    return NULL;
}

static bool order_reported; /* the full mode's 0x1001 was made */

/* Two locks nested in both orders: the full mode's lock-order graph grows, and predicts
 * the deadlock (unless, out of memory, it stopped checking: it then says so). Then the
 * statistics writer, whose buffers are allocated too. */
static void two_orders_and_statistics(void)
{
    static KSPIN_LOCK a, b;
    KeInitializeSpinLock(&a); /* two sites: two lock classes */
    KeInitializeSpinLock(&b);
    PKSPIN_LOCK order[2][2] = {{&a, &b}, {&b, &a}};
    unsigned before = reports.n;
    for (int i = 0; i < 2; i++) {
        KIRQL old;
        KeAcquireSpinLock(order[i][0], &old);
        KeAcquireSpinLockAtDpcLevel(order[i][1]);
        KeReleaseSpinLockFromDpcLevel(order[i][1]);
        KeReleaseSpinLock(order[i][0], old);
    }
    order_reported = reports.n == before + 1;
    CHECK(reports.n - before <= 1);
    if (order_reported) {
        CHECK_EQ(reports.p1, 0x1001);
        CHECK(reports.stop_line);
    }
    printf("lock order: %s\n", order_reported ? "reported" : "not reported");

    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    int written = vpspin_write_lock_stat(f, VPSPIN_STAT_CSV);
    fclose(f);
    CHECK(written == 0 || written == -1);
    if (written == 0)
        CHECK(strncmp(text, "level,class,lock,", 17) == 0);
    else
        CHECK_EQ(len, 0);
    free(text);
}

/* Everything that can allocate, in one mode; returns how many creations failed. */
static int scenario_in(vpspin_verify_mode mode, ULONG *last_serial)
{
    int failed = 0;
    CHECK_EQ(vpspin_set_verify(mode), 0);
    sh.nvp = 0;
    KeInitializeSpinLock(&sh.ke);
    for (int i = 0; i < NVP; i++) {
        PSPIN_LOCK lock = (PSPIN_LOCK)&devext; /* must stay untouched on failure */
        VP_STATUS s = VideoPortCreateSpinLock(&devext, &lock);
        if (s == ERROR_NOT_ENOUGH_MEMORY) {
            CHECK(lock == (PSPIN_LOCK)&devext);
            failed++;
            continue;
        }
        CHECK_EQ(s, NO_ERROR);
        vpspin_spin_lock_info info;
        CHECK_EQ(vpspin_query_spin_lock(lock, &info), NO_ERROR);
        CHECK_EQ(info.Serial, *last_serial + 1); /* a failed creation used nothing up */
        *last_serial = info.Serial;
        sh.vp[sh.nvp++] = lock;
    }

    /* One thread: every kind of acquire. */
    KIRQL old;
    KLOCK_QUEUE_HANDLE h;
    for (int i = 0; i < sh.nvp; i++) {
        UCHAR o;
        VideoPortAcquireSpinLock(&devext, sh.vp[i], &o);
        CHECK_EQ(o, PASSIVE_LEVEL);
        VideoPortReleaseSpinLock(&devext, sh.vp[i], o);
    }
    KeAcquireSpinLock(&sh.ke, &old);
    KeReleaseSpinLock(&sh.ke, old);
    KeAcquireInStackQueuedSpinLock(&sh.ke, &h);
    KeReleaseInStackQueuedSpinLock(&h);
    old = KeRaiseIrqlToDpcLevel();
    CHECK_EQ(KeTryToAcquireSpinLockAtDpcLevel(&sh.ke), TRUE);
    KeReleaseSpinLockFromDpcLevel(&sh.ke);
    KeLowerIrql(old);

    /* Reports still made, each once, the call without effect. */
    KeAcquireSpinLock(&sh.ke, &old);
    EXPECT_REPORT(0x1000, KeAcquireSpinLockAtDpcLevel(&sh.ke));
    EXPECT_REPORT(0x20015, KeReleaseSpinLock(&sh.ke, APC_LEVEL));
    KeReleaseSpinLock(&sh.ke, old);
    EXPECT_REPORT(0x1002, VideoPortAcquireSpinLockAtDpcLevel(&devext, (PSPIN_LOCK)&devext));
    CHECK_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);
    CHECK(KeTestSpinLock(&sh.ke));

    /* Two threads, nested, one order. */
    sh.counter = 0;
    pthread_t th[2];
    for (int i = 0; i < 2; i++)
        CHECK_EQ(pthread_create(&th[i], NULL, contender, NULL), 0);
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    CHECK_EQ(sh.counter, 2 * ROUNDS);
    for (int i = 0; i < sh.nvp; i++) {
        vpspin_spin_lock_info info;
        CHECK_EQ(vpspin_query_spin_lock(sh.vp[i], &info), NO_ERROR);
        CHECK_EQ(info.Acquisitions, 1 + 2 * ROUNDS);
        CHECK_EQ(VideoPortDeleteSpinLock(&devext, sh.vp[i]), NO_ERROR);
    }
    if (mode == VPSPIN_VERIFY_FULL)
        two_orders_and_statistics();
    return failed;
}

/* The child: the scenario in both checking modes, then the probe. */
static int child(void)
{
    vpspin_set_bugcheck_handler(on_report, NULL);
    PSPIN_LOCK first;
    vpspin_spin_lock_info info;
    /* (made before injection starts, so that serial numbers can be followed) */
    ULONG last_serial = 0;
    unsigned long long skip = strtoull(getenv("ALLOC_FAIL_SKIP"), NULL, 10);
    ULONG count = (ULONG)strtoul(getenv("ALLOC_FAIL_COUNT"), NULL, 10);
    vpspin_fail_allocations(0, 0);
    if (VideoPortCreateSpinLock(&devext, &first) != NO_ERROR ||
        vpspin_query_spin_lock(first, &info) != NO_ERROR) {
        fprintf(stderr, "cannot create a lock before injection\n");
        return 1;
    }
    last_serial = info.Serial;
    CHECK_EQ(VideoPortDeleteSpinLock(&devext, first), NO_ERROR);

    vpspin_fail_allocations((ULONG)skip, count);
    int failed = scenario_in(VPSPIN_VERIFY_DEFAULT, &last_serial);
    failed += scenario_in(VPSPIN_VERIFY_FULL, &last_serial);
    CHECK_EQ(reports.n, 6 + order_reported);

    /* The probe: if it fails, the failure injected was still waiting. */
    PSPIN_LOCK probe = NULL;
    VP_STATUS s = VideoPortCreateSpinLock(&devext, &probe);
    vpspin_fail_allocations(0, 0);
    bool unreached = s == ERROR_NOT_ENOUGH_MEMORY && count == 1;
    if (s == NO_ERROR)
        CHECK_EQ(VideoPortDeleteSpinLock(&devext, probe), NO_ERROR);
    if (unreached)
        CHECK_EQ(failed, 0); /* nothing failed, since nothing was made to */
    printf("skip %llu count %lu: %d creations failed%s\n", skip, (unsigned long)count, failed,
           unreached ? ", injection not reached" : "");
    vpspin_set_bugcheck_handler(NULL, NULL);
    if (check_done() != EXIT_SUCCESS)
        return 1;
    return unreached ? EXIT_UNREACHED : 0;
}

/* Whether a line is part of a report (bugcheck.c's layout). */
static bool report_line(const char *l)
{
    static const char *const prefixes[] = {"*** STOP: ", "DRIVER_VERIFIER", "Rule:",  "API:",
                                           "Lock:",      "Thread:",         "Stack:", "  #",
                                           "        ",   "Cycle:",          "Chain:", "  Thread ",
                                           "      #",    "Held:",           "Graph:", "      inlined in "};
    for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++)
        if (strncmp(l, prefixes[i], strlen(prefixes[i])) == 0)
            return true;
    return false;
}

/* Runs one child; returns its exit code, or -1 (and says why) if it went wrong. */
static int run_child(unsigned long long skip, ULONG count)
{
    FILE *err = tmpfile(), *out = tmpfile();
    if (err == NULL || out == NULL) {
        perror("tmpfile");
        exit(2);
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        exit(2);
    }
    if (pid == 0) {
        char s[32], c[32];
        snprintf(s, sizeof s, "%llu", skip);
        snprintf(c, sizeof c, "%lu", (unsigned long)count);
        setenv("ALLOC_FAIL_SKIP", s, 1);
        setenv("ALLOC_FAIL_COUNT", c, 1);
        dup2(fileno(out), 1);
        dup2(fileno(err), 2);
        fclose(out); /* (the parent's: a leak check must not count them) */
        fclose(err);
        check_count = check_failures = 0;
        exit(child());
    }
    int status;
    waitpid(pid, &status, 0);
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;

    /* Each line of stderr that is not a report: at most once. */
    char *lines[256];
    int n = 0;
    bool repeated = false, degraded = false, unreported = false;
    char buf[4096];
    rewind(out);
    while (fgets(buf, sizeof buf, out) != NULL)
        unreported |= strcmp(buf, "lock order: not reported\n") == 0;
    rewind(err);
    while (fgets(buf, sizeof buf, err) != NULL) {
        degraded |= strstr(buf, "vpspin: full checked mode: ") != NULL;
        if (report_line(buf))
            continue;
        for (int i = 0; i < n; i++)
            if (strcmp(lines[i], buf) == 0)
                repeated = true;
        if (n < 256)
            lines[n++] = strdup(buf);
    }
    for (int i = 0; i < n; i++)
        free(lines[i]);
    bool silent = unreported && !degraded; /* checking less without saying so */
    if ((code != 0 && code != EXIT_UNREACHED) || repeated || silent) {
        fprintf(stderr, "allocation failure: skip %llu count %lu: %s (status 0x%x); its output:\n",
                skip, (unsigned long)count,
                repeated ? "a line repeated"
                : silent ? "no 0x1001, and the full mode did not say why"
                         : "child failed",
                status);
        rewind(out);
        while (fgets(buf, sizeof buf, out) != NULL)
            fputs(buf, stderr);
        rewind(err);
        while (fgets(buf, sizeof buf, err) != NULL)
            fputs(buf, stderr);
        code = -1;
    }
    fclose(err);
    fclose(out);
    return code;
}

/* The lock-order graphs the 0x1001 reports write go to a directory of our own. */
static char graph_dir[] = "/tmp/vpspin-test-alloc-failure-XXXXXX";

static void remove_graphs(void)
{
    DIR *d = opendir(graph_dir);
    for (struct dirent *e; d != NULL && (e = readdir(d)) != NULL;) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", graph_dir, e->d_name);
        if (e->d_name[0] != '.')
            unlink(path);
    }
    if (d != NULL)
        closedir(d);
    CHECK_EQ(rmdir(graph_dir), 0);
}

int main(void)
{
    CHECK(mkdtemp(graph_dir) != NULL);
    setenv("VPSPIN_REPORT_DIR", graph_dir, 1);
    /* Without injection: everything succeeds (and the probe with it). */
    CHECK_EQ(run_child(0, 0), 0);

    /* The k-th allocation fails, for every k the scenario reaches. */
    unsigned long long sites = 0;
    for (;; sites++) {
        int code = run_child(sites, 1);
        CHECK(code == 0 || code == EXIT_UNREACHED);
        if (code != 0 || sites >= MAX_SITES)
            break;
    }
    CHECK(sites > 0 && sites < MAX_SITES);
    printf("the scenario makes %llu allocations; each failed once, in turn\n", sites);

    /* Every allocation from the k-th on fails. */
    for (unsigned long long k = 0; k <= sites; k++)
        CHECK_EQ(run_child(k, 0xFFFFFFFFu), 0);
    printf("and with all allocations failing from each of them on\n");
    remove_graphs();
    return check_done();
}
