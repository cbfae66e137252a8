/*
 * test_ke_sched.c - the Ke layer under the controlled scheduler: a run that uses KEVENTs,
 * KDPCs, a KTIMER, timed waits and KeDelayExecutionThread is a sequence of choices the
 * seed decides, and the new points change nothing when the mode is off.
 *
 * usage: test_ke_sched              the checks below (runs itself as the child)
 *        test_ke_sched child        the workload; prints its outcome, exits 0 if it held
 *
 * The parent runs the child twice per strategy and seed, each time with a run log
 * (VPSPIN_SCHED_LOG, src/sched/log.h), and requires the two runs to be the same: the same
 * outcome (which waits timed out, how much virtual time passed), the same number of
 * steps, the same decisions (enabled threads and the one chosen at every step) and the
 * same trace (thread, kind of point, IRQL, next thread: the addresses differ from run to
 * run with ASLR, so they are left out). The trace must show the new kinds of point: a
 * wait, an event's set, clear and read, a DPC's delivery, a timer's setting and expiry,
 * a delay, a flush. Over the seeds at least two schedules differ (the seed does decide).
 * With the mode off the child runs on the real clocks and writes no run log.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <vpspin/vpspin.h>

#include "check.h"
#include "sched/log.h"
#include "sched/point.h"

/* ---- The child: the workload ------------------------------------------------------------ */

static KEVENT Sync, Note;
static KTIMER Timer;
static KDPC TimerDpc, WorkDpc;
static ULONG WorkRuns;
static NTSTATUS SyncStatus;

static VOID TimerRoutine(PKDPC Dpc, PVOID Context, PVOID Arg1, PVOID Arg2)
{
    (void)Dpc, (void)Context, (void)Arg1, (void)Arg2;
    KeSetEvent(&Sync, IO_NO_INCREMENT, FALSE);
}

static VOID WorkRoutine(PKDPC Dpc, PVOID Context, PVOID Arg1, PVOID Arg2)
{
    (void)Dpc, (void)Context, (void)Arg1, (void)Arg2;
    WorkRuns++;
    KeSetEvent(&Note, IO_NO_INCREMENT, FALSE);
}

/* Sets the timer (10 ms, with its DPC) and waits for it. */
static void *TimerUser(void *unused)
{
    (void)unused;
    LARGE_INTEGER due = {.QuadPart = -100000};
    KeSetTimer(&Timer, due, &TimerDpc);
    KeWaitForSingleObject(&Timer, Executive, KernelMode, FALSE, NULL);
    return NULL;
}

/* Sleeps 6 ms, then waits 5 ms for the timer's DPC, then queues the work DPC and flushes.
 * The wait is signaled if the timer was set before the sleep ended (it expires 10 ms after
 * its setting, before the wait's end), else it times out: the schedule decides, the same
 * way for the same seed. */
static void *Worker(void *unused)
{
    (void)unused;
    LARGE_INTEGER delay = {.QuadPart = -60000}, wait = {.QuadPart = -50000};
    KeDelayExecutionThread(KernelMode, FALSE, &delay);
    SyncStatus = KeWaitForSingleObject(&Sync, Executive, KernelMode, FALSE, &wait);
    KeInsertQueueDpc(&WorkDpc, NULL, NULL);
    KeFlushQueuedDpcs();
    return NULL;
}

static uint64_t MonoNs(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int Child(void)
{
    const char *mode = getenv("VPSPIN_SCHED");
    int controlled = mode != NULL && *mode != '\0';
    KeInitializeEvent(&Sync, SynchronizationEvent, FALSE);
    KeInitializeEvent(&Note, NotificationEvent, FALSE);
    KeInitializeTimer(&Timer);
    KeInitializeDpc(&TimerDpc, TimerRoutine, NULL);
    KeInitializeDpc(&WorkDpc, WorkRoutine, NULL);

    /* The interrupt time: virtual in the controlled mode (real time passing outside vpspin
     * does not move it), the real CLOCK_MONOTONIC otherwise. */
    ULONGLONG t0 = KeQueryInterruptTime();
    uint64_t real0 = MonoNs();
    while (MonoNs() - real0 < 2000000u) /* 2 ms of real time, no scheduling point */
        ;
    ULONGLONG t1 = KeQueryInterruptTime();
    CHECK(controlled ? t1 == t0 : t1 - t0 >= 20000u);

    pthread_t a, b;
    CHECK(pthread_create(&a, NULL, TimerUser, NULL) == 0);
    CHECK(pthread_create(&b, NULL, Worker, NULL) == 0);
    CHECK(KeWaitForSingleObject(&Note, Executive, KernelMode, FALSE, NULL) == STATUS_SUCCESS);
    CHECK(KeReadStateEvent(&Note) == 1);
    CHECK(KeResetEvent(&Note) == 1);
    LARGE_INTEGER poll = {.QuadPart = 0};
    CHECK(KeWaitForSingleObject(&Note, Executive, KernelMode, FALSE, &poll) == STATUS_TIMEOUT);
    KeClearEvent(&Note);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    CHECK(KeReadStateTimer(&Timer));
    CHECK(WorkRuns == 1);
    CHECK(SyncStatus == STATUS_SUCCESS || SyncStatus == STATUS_TIMEOUT);
    /* The delay ended on the clock: at least 6 ms passed. */
    ULONGLONG t2 = KeQueryInterruptTime();
    CHECK(t2 - t1 >= 60000u);
    printf("outcome: sync %s, work %lu\n", SyncStatus == STATUS_SUCCESS ? "signaled" : "timed out",
           (unsigned long)WorkRuns);
    if (controlled) /* the same for the same schedule */
        printf("virtual: %llu\n", (unsigned long long)(t2 - t1));
    else
        printf("clock: real\n");
    fflush(stdout);
    return check_failures != 0;
}

/* ---- The parent ------------------------------------------------------------------------- */

struct run {
    int status;
    char out[512];
    struct vsp_log *log; /* mapped, or NULL */
};

static char Dir[] = "/tmp/test_ke_sched.XXXXXX";

/* Runs the child with VPSPIN_SCHED=strategy (NULL: off), VPSPIN_SEED=seed and a run log. */
static void Run(const char *strategy, unsigned seed, struct run *r, char name)
{
    char log[128], seedbuf[16];
    snprintf(log, sizeof log, "%s/%s-%u%c", Dir, strategy != NULL ? strategy : "off", seed, name);
    snprintf(seedbuf, sizeof seedbuf, "%u", seed);
    int fds[2];
    CHECK(pipe(fds) == 0);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        if (strategy != NULL)
            setenv("VPSPIN_SCHED", strategy, 1);
        else
            unsetenv("VPSPIN_SCHED");
        setenv("VPSPIN_SEED", seedbuf, 1);
        setenv("VPSPIN_SCHED_LOG", log, 1);
        execl("/proc/self/exe", "test_ke_sched", "child", (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    size_t n = 0;
    ssize_t got;
    while ((got = read(fds[0], r->out + n, sizeof r->out - 1 - n)) > 0)
        n += (size_t)got;
    r->out[n] = '\0';
    close(fds[0]);
    CHECK(waitpid(pid, &r->status, 0) == pid);
    r->log = NULL;
    int fd = open(log, O_RDONLY);
    if (fd >= 0) {
        void *p = mmap(NULL, VSP_LOG_SIZE, PROT_READ, MAP_PRIVATE, fd, 0);
        close(fd);
        if (p != MAP_FAILED)
            r->log = p;
    }
}

static const struct vsp_log_decision *Decisions(const struct vsp_log *l)
{
    return (const struct vsp_log_decision *)((const char *)l + VSP_LOG_DECISIONS);
}

/* Whether two runs' logs show the same schedule: steps, decisions, the trace's ring. */
static int SameSchedule(const struct vsp_log *a, const struct vsp_log *b)
{
    if (a->steps != b->steps || a->recorded != b->recorded || a->threads != b->threads)
        return 0;
    for (uint64_t s = 0; s < a->recorded; s++) {
        const struct vsp_log_decision *x = &Decisions(a)[s], *y = &Decisions(b)[s];
        if (x->enabled != y->enabled || x->chosen != y->chosen || x->current != y->current ||
            x->yields != y->yields)
            return 0;
    }
    for (uint64_t s = a->steps > VSP_LOG_RING ? a->steps - VSP_LOG_RING : 0; s < a->steps; s++) {
        const struct vsp_log_event *x = &a->ring[s % VSP_LOG_RING], *y = &b->ring[s % VSP_LOG_RING];
        if (x->step != y->step || x->thread != y->thread || x->kind != y->kind ||
            x->irql != y->irql || x->chosen != y->chosen)
            return 0;
    }
    return 1;
}

/* The kinds of point the run's trace shows, as a bit mask. */
static uint64_t Kinds(const struct vsp_log *l)
{
    uint64_t kinds = 0;
    for (uint64_t s = l->steps > VSP_LOG_RING ? l->steps - VSP_LOG_RING : 0; s < l->steps; s++)
        kinds |= 1ull << l->ring[s % VSP_LOG_RING].kind;
    return kinds;
}

static void Unmap(struct run *r)
{
    if (r->log != NULL)
        munmap(r->log, VSP_LOG_SIZE);
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "child") == 0)
        return Child();
    CHECK(mkdtemp(Dir) != NULL);

    static const char *const strategies[] = {"random", "pct:2"};
    const uint64_t want = 1ull << VSP_SP_WAIT | 1ull << VSP_SP_EVENT_SET |
                          1ull << VSP_SP_EVENT_CLEAR | 1ull << VSP_SP_READ_STATE |
                          1ull << VSP_SP_DPC_QUEUE | 1ull << VSP_SP_DPC_RUN |
                          1ull << VSP_SP_TIMER_SET | 1ull << VSP_SP_TIMER | 1ull << VSP_SP_DELAY |
                          1ull << VSP_SP_DPC_FLUSH;
    for (unsigned i = 0; i < 2; i++) {
        int differ = 0, timed_out = 0, signaled = 0;
        struct run first = {0};
        for (unsigned seed = 1; seed <= 6; seed++) {
            struct run a, b;
            Run(strategies[i], seed, &a, 'a');
            Run(strategies[i], seed, &b, 'b');
            CHECK(WIFEXITED(a.status) && WEXITSTATUS(a.status) == 0);
            CHECK(WIFEXITED(b.status) && WEXITSTATUS(b.status) == 0);
            CHECK(strstr(a.out, "outcome: ") != NULL && strstr(a.out, "virtual: ") != NULL);
            CHECK(strcmp(a.out, b.out) == 0);
            timed_out += strstr(a.out, "timed out") != NULL;
            signaled += strstr(a.out, "signaled") != NULL;
            CHECK(a.log != NULL && b.log != NULL);
            if (a.log == NULL || b.log == NULL) {
                Unmap(&a), Unmap(&b);
                continue;
            }
            CHECK(memcmp(a.log->magic, VSP_LOG_MAGIC, 8) == 0);
            CHECK(a.log->status == VSP_LOG_EXITED && b.log->status == VSP_LOG_EXITED);
            CHECK(a.log->unreproducible == 0 && b.log->unreproducible == 0);
            CHECK(a.log->recorded == a.log->steps);
            CHECK(SameSchedule(a.log, b.log));
            uint64_t kinds = Kinds(a.log);
            CHECK((kinds & want) == want);
            if ((kinds & want) != want)
                fprintf(stderr, "test_ke_sched: %s seed %u: kinds %#llx, want %#llx\n",
                        strategies[i], seed, (unsigned long long)kinds, (unsigned long long)want);
            if (seed == 1) {
                first = a;
                Unmap(&b);
                continue;
            }
            differ |= !SameSchedule(first.log, a.log);
            Unmap(&a), Unmap(&b);
        }
        Unmap(&first);
        CHECK(differ);
        printf("%s: 6 seeds, each run twice the same; %d timed out, %d signaled\n", strategies[i],
               timed_out, signaled);
    }

    /* Off: the same workload on the real clocks, no run log written. */
    char log[128];
    snprintf(log, sizeof log, "%s/off-1o", Dir);
    struct run off;
    Run(NULL, 1, &off, 'o');
    CHECK(WIFEXITED(off.status) && WEXITSTATUS(off.status) == 0);
    CHECK(strstr(off.out, "outcome: ") != NULL && strstr(off.out, "clock: real") != NULL);
    CHECK(off.log == NULL && access(log, F_OK) != 0 && errno == ENOENT);
    Unmap(&off);

    char path[160];
    for (unsigned i = 0; i < 2; i++)
        for (unsigned seed = 1; seed <= 6; seed++)
            for (char c = 'a'; c <= 'b'; c++) {
                snprintf(path, sizeof path, "%s/%s-%u%c", Dir, strategies[i], seed, c);
                unlink(path);
            }
    rmdir(Dir);
    return check_done();
}
