/*
 * corpus.c - driver-shaped concurrency bugs of known depth, each with a fixed twin, for the
 * controlled scheduler (tests/sched/corpus.sh runs them under vpspin-explore).
 *
 * usage: sched-corpus CASE bug|fixed      (exit 0: clean; 1: the bug showed; a deadlock or
 *        sched-corpus steps N              a bug check ends it otherwise)
 *
 * The depth of a bug is the number of ordering constraints between steps of different
 * threads it needs (PCT's d):
 *
 *   dpc-before-init   1  an interrupt's DPC runs before HwStartIO has initialised what it
 *                        uses (fixed: the ISR claims nothing until initialisation is
 *                        published under the interrupt lock)
 *   check-then-act    2  two threads check a free slot under a spin lock, release it, and
 *                        take the slot under a second acquisition (fixed: one acquisition)
 *   abba-dpc          2  HwStartIO at PASSIVE_LEVEL takes B then A; the DPC takes A then B:
 *                        a deadlock (fixed: both take A then B)
 *   isr-spinlock      2  HwStartIO updates a count under an ordinary spin lock that the ISR
 *                        does not take (fixed: VideoPortSynchronizeExecution)
 *   three-step        3  A opens a window and closes it again in two critical sections; B
 *                        must look while it is open, and C after it closed (fixed: A's two
 *                        steps in one critical section)
 *   lost-wakeup       1  a requester queues a KDPC that completes its work with KeSetEvent
 *                        on a notification event, then clears the event and waits: when the
 *                        DPC ran first, the clear throws its signal away and the wait never
 *                        ends - the scheduler reports every thread blocked (fixed: the event
 *                        is cleared before the DPC is queued)
 *   reset-after-check 2  a waiter reads a flag under a spin lock and, finding it clear, resets
 *                        a synchronization event (to drop a stale signal) and waits; the
 *                        publisher sets the flag under the lock, then the event: when both
 *                        come between the waiter's read and its reset, the reset erases the
 *                        signal and the wait never ends (fixed: reset before the read)
 *
 * "steps N" is no bug: two threads take and release a lock until about N scheduling points
 * have been made, for the cost benchmark (bench/sched.sh). Three more check the mode itself:
 *
 *   api      vpspin_set_sched's refusals, then the mode turned on by it (run it without
 *            VPSPIN_SCHED); exits 0 if each call returned what it should
 *   stall    one thread sleeps in a system call while it holds the turn: the others must go
 *            on, and the run is said to be not reproducible (VPSPIN_SCHED_STALL_MS small)
 *   yield    a hand-written flag loop with vpspin_sched_yield: it must end under every
 *            strategy
 *   raised N three threads raise to DISPATCH_LEVEL and take turns under a lock: fails if more
 *            than N are raised at once (VPSPIN_SCHED_CPUS=N keeps it clean)
 *   masked   a thread at HIGH_LEVEL while an interrupt is raised: fails if HwInterrupt runs
 *            while it is there (with one virtual processor it cannot)
 *   join-held main joins a thread while it holds the spin lock that thread waits for: the
 *            controlled mode's deadlock report, through a join
 *   threads N N threads one after another, each taking the lock: past 63 the mode has no
 *            slot left, and says so
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vpspin/vpspin.h>

static int Fixed;

static void Fail(const char *what)
{
    fprintf(stderr, "sched-corpus: %s\n", what);
    fflush(stderr);
    _exit(1);
}

static pthread_t Start(void *(*fn)(void *), void *arg)
{
    pthread_t t;
    if (pthread_create(&t, NULL, fn, arg) != 0)
        Fail("cannot create a thread");
    return t;
}

/* ---- A miniport for the host cases ---------------------------------------------------- */

#define IOCTL_CORPUS_INIT 0x230000
#define IOCTL_CORPUS_WORK 0x230004

typedef struct _TABLE {
    ULONG Entries;
} TABLE;

typedef struct _EXT {
    PSPIN_LOCK A, B;
    TABLE Storage;
    TABLE *Table;  /* set by IOCTL_CORPUS_INIT */
    BOOLEAN Ready; /* under the interrupt lock: Table may be used */
    ULONG Pending; /* isr-spinlock: HwStartIO's and the ISR's */
    LONG Requests; /* interlocked */
    ULONG DpcRuns;
} EXT;

static const char *Case;
static vpspin_device *Device;

static BOOLEAN SetReady(PVOID Context)
{
    ((EXT *)Context)->Ready = TRUE;
    return TRUE;
}

static BOOLEAN AddPending(PVOID Context)
{
    ((EXT *)Context)->Pending++;
    return TRUE;
}

static VOID CorpusDpc(PVOID HwDeviceExtension, PVOID Context)
{
    EXT *ext = HwDeviceExtension;
    (void)Context;
    if (strcmp(Case, "dpc-before-init") == 0) {
        if (ext->Table == NULL)
            Fail("dpc-before-init: the DPC ran before HwStartIO initialised the table");
        ext->Table->Entries++;
    } else if (strcmp(Case, "abba-dpc") == 0) {
        VideoPortAcquireSpinLockAtDpcLevel(ext, ext->A);
        VideoPortAcquireSpinLockAtDpcLevel(ext, ext->B);
        ext->DpcRuns++;
        VideoPortReleaseSpinLockFromDpcLevel(ext, ext->B);
        VideoPortReleaseSpinLockFromDpcLevel(ext, ext->A);
    }
}

static int AtHigh; /* masked: a thread is at HIGH_LEVEL */

static BOOLEAN CorpusInterrupt(PVOID HwDeviceExtension)
{
    EXT *ext = HwDeviceExtension;
    if (strcmp(Case, "masked") == 0) {
        if (__atomic_load_n(&AtHigh, __ATOMIC_RELAXED))
            Fail("masked: HwInterrupt ran while the only processor was at HIGH_LEVEL");
        return TRUE;
    }
    if (strcmp(Case, "isr-spinlock") == 0) {
        ext->Pending += 10;
        return TRUE;
    }
    if (strcmp(Case, "dpc-before-init") == 0 && Fixed && !ext->Ready)
        return FALSE; /* not initialised: not ours yet */
    VideoPortQueueDpc(ext, CorpusDpc, NULL);
    return TRUE;
}

static BOOLEAN CorpusStartIO(PVOID HwDeviceExtension, PVIDEO_REQUEST_PACKET Rp)
{
    EXT *ext = HwDeviceExtension;
    UCHAR old;
    Rp->StatusBlock->Status = NO_ERROR;
    if (Rp->IoControlCode == IOCTL_CORPUS_INIT) {
        ext->Table = &ext->Storage;
        /* Published to the ISR under the interrupt lock, after the table. */
        VideoPortSynchronizeExecution(ext, VpMediumPriority, SetReady, ext);
        return TRUE;
    }
    if (strcmp(Case, "abba-dpc") == 0) {
        VideoPortAcquireSpinLock(ext, Fixed ? ext->A : ext->B, &old);
        VideoPortAcquireSpinLockAtDpcLevel(ext, Fixed ? ext->B : ext->A);
        VideoPortReleaseSpinLockFromDpcLevel(ext, Fixed ? ext->B : ext->A);
        VideoPortReleaseSpinLock(ext, Fixed ? ext->A : ext->B, old);
    } else if (strcmp(Case, "isr-spinlock") == 0) {
        if (Fixed) {
            VideoPortSynchronizeExecution(ext, VpMediumPriority, AddPending, ext);
            VideoPortInterlockedIncrement(&ext->Requests);
        } else {
            VideoPortAcquireSpinLock(ext, ext->A, &old);
            ULONG pending = ext->Pending;
            VideoPortInterlockedIncrement(&ext->Requests); /* the ISR may come in here */
            ext->Pending = pending + 1;
            VideoPortReleaseSpinLock(ext, ext->A, old);
        }
    }
    return TRUE;
}

static VP_STATUS CorpusFindAdapter(PVOID HwDeviceExtension, PVOID HwContext, PWSTR Args,
                                   PVIDEO_PORT_CONFIG_INFO ConfigInfo, PUCHAR Again)
{
    EXT *ext = HwDeviceExtension;
    (void)HwContext, (void)Args, (void)ConfigInfo, (void)Again;
    if (VideoPortCreateSpinLock(ext, &ext->A) != NO_ERROR ||
        VideoPortCreateSpinLock(ext, &ext->B) != NO_ERROR)
        return ERROR_NOT_ENOUGH_MEMORY;
    return NO_ERROR;
}

static BOOLEAN CorpusInitialize(PVOID HwDeviceExtension)
{
    (void)HwDeviceExtension;
    return TRUE;
}

static ULONG CorpusDriverEntry(PVOID Argument1, PVOID Argument2)
{
    VIDEO_HW_INITIALIZATION_DATA init;
    memset(&init, 0, sizeof init);
    init.HwInitDataSize = sizeof init;
    init.HwFindAdapter = CorpusFindAdapter;
    init.HwInitialize = CorpusInitialize;
    init.HwInterrupt = CorpusInterrupt;
    init.HwStartIO = CorpusStartIO;
    init.HwDeviceExtensionSize = sizeof(EXT);
    return VideoPortInitialize(Argument1, Argument2, &init, NULL);
}

static void *SendRequest(void *code)
{
    vpspin_send_request(Device, (ULONG)(ULONG_PTR)code, NULL, 0, NULL, 0, NULL);
    return NULL;
}

static void *RaiseInterrupt(void *unused)
{
    (void)unused;
    vpspin_interrupt(Device);
    return NULL;
}

/* Two threads: one sends a request, the other raises an interrupt; then the device stops. */
static void HostCase(ULONG code)
{
    vpspin_driver *driver;
    if (vpspin_load_miniport(CorpusDriverEntry, &driver) != STATUS_SUCCESS ||
        vpspin_start_device(driver, &Device) != NO_ERROR)
        Fail("the device did not start");
    pthread_t a = Start(SendRequest, (void *)(ULONG_PTR)code);
    pthread_t b = Start(RaiseInterrupt, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    vpspin_flush_dpcs(Device);
    EXT *ext = vpspin_device_extension(Device);
    if (strcmp(Case, "isr-spinlock") == 0 && ext->Pending != 11)
        Fail("isr-spinlock: an update of Pending was lost (the ISR ran inside HwStartIO's "
             "read-modify-write)");
    VideoPortDeleteSpinLock(ext, ext->A);
    VideoPortDeleteSpinLock(ext, ext->B);
    vpspin_stop_device(Device);
    vpspin_unload_miniport(driver);
}

/* ---- The cases without the host --------------------------------------------------------- */

/* lost-wakeup: a request completed by a KDPC, waited for on a notification KEVENT. */
static KEVENT Done;
static KDPC CompleteDpc;
static ULONG Completed;

static VOID CompleteRequest(PKDPC Dpc, PVOID Context, PVOID Arg1, PVOID Arg2)
{
    (void)Dpc, (void)Context, (void)Arg1, (void)Arg2;
    Completed++;
    KeSetEvent(&Done, IO_NO_INCREMENT, FALSE);
}

static void *Requester(void *unused)
{
    (void)unused;
    for (int i = 0; i < 2; i++) { /* the event is reused for each request */
        if (Fixed)
            KeClearEvent(&Done); /* ready for this request's signal before it can come */
        KeInsertQueueDpc(&CompleteDpc, NULL, NULL);
        if (!Fixed)
            KeClearEvent(&Done); /* "reset for this request": erases it if it came already */
        KeWaitForSingleObject(&Done, Executive, KernelMode, FALSE, NULL);
    }
    return NULL;
}

static KSPIN_LOCK Lock;
static int Slots = 1, Used;
static int Window, Saw, Late;

static void *TakeSlot(void *unused)
{
    (void)unused;
    KIRQL old;
    KeAcquireSpinLock(&Lock, &old);
    int free = Slots - Used;
    if (Fixed && free > 0)
        Used++;
    KeReleaseSpinLock(&Lock, old);
    if (!Fixed && free > 0) {
        KeAcquireSpinLock(&Lock, &old);
        Used++;
        KeReleaseSpinLock(&Lock, old);
    }
    return NULL;
}

/* reset-after-check: a flag under Lock, and a synchronization event that tells of it. */
static KEVENT Wake;
static int Ready;

static void *WaitReady(void *unused)
{
    (void)unused;
    KIRQL old;
    if (Fixed)
        KeResetEvent(&Wake); /* drop a stale signal before looking: a new one stays */
    KeAcquireSpinLock(&Lock, &old);
    int ready = Ready;
    KeReleaseSpinLock(&Lock, old);
    if (!ready) {
        if (!Fixed)
            KeResetEvent(&Wake); /* after looking: erases a signal that came meanwhile */
        KeWaitForSingleObject(&Wake, Executive, KernelMode, FALSE, NULL);
    }
    return NULL;
}

static void *Publish(void *unused)
{
    (void)unused;
    KIRQL old;
    KeAcquireSpinLock(&Lock, &old);
    Ready = 1;
    KeReleaseSpinLock(&Lock, old);
    KeSetEvent(&Wake, IO_NO_INCREMENT, FALSE);
    return NULL;
}

static void *Opener(void *unused)
{
    (void)unused;
    KIRQL old;
    KeAcquireSpinLock(&Lock, &old);
    Window = 1;
    if (!Fixed) {
        KeReleaseSpinLock(&Lock, old);
        KeAcquireSpinLock(&Lock, &old);
    }
    Window = 0;
    KeReleaseSpinLock(&Lock, old);
    return NULL;
}

static void *Looker(void *unused)
{
    (void)unused;
    KIRQL old;
    KeAcquireSpinLock(&Lock, &old);
    if (Window)
        Saw = 1;
    KeReleaseSpinLock(&Lock, old);
    return NULL;
}

static void *Checker(void *unused)
{
    (void)unused;
    KIRQL old;
    KeAcquireSpinLock(&Lock, &old);
    if (Saw && !Window)
        Late = 1;
    KeReleaseSpinLock(&Lock, old);
    return NULL;
}

static unsigned long Pairs;

static void *Pairer(void *unused)
{
    (void)unused;
    for (unsigned long i = 0; i < Pairs; i++) {
        KIRQL old;
        KeAcquireSpinLock(&Lock, &old);
        KeReleaseSpinLock(&Lock, old);
    }
    return NULL;
}

static int Flag;

static void *SetFlag(void *unused)
{
    (void)unused;
    KIRQL old;
    for (int i = 0; i < 3; i++) {
        KeAcquireSpinLock(&Lock, &old);
        KeReleaseSpinLock(&Lock, old);
    }
    __atomic_store_n(&Flag, 1, __ATOMIC_RELEASE);
    return NULL;
}

static void *WaitFlag(void *unused)
{
    (void)unused;
    while (!__atomic_load_n(&Flag, __ATOMIC_ACQUIRE))
        vpspin_sched_yield();
    return NULL;
}

static void *Sleeper(void *unused)
{
    (void)unused;
    KIRQL old;
    KeAcquireSpinLock(&Lock, &old);
    KeReleaseSpinLock(&Lock, old);
    usleep(300000); /* outside vpspin, holding the turn */
    KeAcquireSpinLock(&Lock, &old);
    KeReleaseSpinLock(&Lock, old);
    return NULL;
}

static int Raised, MostRaised;

static void *RaiseAndTurn(void *unused)
{
    (void)unused;
    for (int i = 0; i < 3; i++) {
        KIRQL old = KeRaiseIrqlToDpcLevel();
        int now = __atomic_add_fetch(&Raised, 1, __ATOMIC_RELAXED);
        if (now > __atomic_load_n(&MostRaised, __ATOMIC_RELAXED))
            __atomic_store_n(&MostRaised, now, __ATOMIC_RELAXED);
        KeAcquireSpinLockAtDpcLevel(&Lock);
        KeReleaseSpinLockFromDpcLevel(&Lock);
        vpspin_sched_yield();
        __atomic_sub_fetch(&Raised, 1, __ATOMIC_RELAXED);
        KeLowerIrql(old);
    }
    return NULL;
}

static void *HighWhile(void *unused)
{
    (void)unused;
    KIRQL old;
    KeRaiseIrql(HIGH_LEVEL, &old);
    __atomic_store_n(&AtHigh, 1, __ATOMIC_RELAXED);
    for (int i = 0; i < 5; i++)
        vpspin_sched_yield();
    __atomic_store_n(&AtHigh, 0, __ATOMIC_RELAXED);
    KeLowerIrql(old);
    return NULL;
}

/* ---- Cases that check the mode's own reports ------------------------------------------- */

/* join-held: main joins a thread while holding the lock that thread waits for. */
static void *TakeLock(void *arg)
{
    (void)arg;
    KIRQL old;
    KeAcquireSpinLock(&Lock, &old);
    KeReleaseSpinLock(&Lock, old);
    return NULL;
}

/* A thread-specific value's destructor runs after the thread's last scheduling point: its
 * vpspin calls are no longer scheduled (and must not hang). */
static pthread_key_t LateKey;
static volatile int LateRan;

static void LateDestructor(void *value)
{
    (void)value;
    TakeLock(NULL);
    vpspin_sched_yield();
    LateRan = 1;
}

static void *SetLate(void *arg)
{
    pthread_setspecific(LateKey, &LateKey);
    return TakeLock(arg);
}

/* Leaves by pthread_exit: the thread's exit is still its last point (a cleanup handler). */
static void *TakeLockAndExit(void *arg)
{
    TakeLock(arg);
    pthread_exit(NULL);
}

static char ScheduleDir[64];

/* "replay:" and the path of a schedule file NAME holding text, in ScheduleDir. */
static const char *Schedule(const char *name, const char *text)
{
    static char spec[160];
    snprintf(spec, sizeof spec, "replay:%s/%s", ScheduleDir, name);
    FILE *f = fopen(spec + 7, "w");
    if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0)
        Fail("cannot write a schedule file");
    return spec;
}

/* Every refusal says why on stderr (tests/sched/errors.sh checks the messages). */
static int Api(void)
{
    int bad = 0;
    bad |= vpspin_set_sched(NULL, 1, 2) != -1;
    bad |= vpspin_set_sched("bogus", 1, 2) != -1;
    bad |= vpspin_set_sched("pct:17", 1, 2) != -1;
    bad |= vpspin_set_sched("random", 1, 65) != -1;
    bad |= vpspin_set_sched("replay:/nonexistent/schedule", 1, 2) != -1;
    /* Specs that are no strategy: a depth or bound that is not a number in range. */
    static const char *const specs[] = {"pct:",  "pct:x",   "pct:3x", "pctx",
                                        "pb:",   "db:1001", "db:-1",  "replay:"};
    for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++)
        bad |= vpspin_set_sched(specs[i], 1, 2) != -1;
    /* The environment it reads when turned on. */
    setenv("VPSPIN_SCHED_STALL_MS", "10s", 1);
    bad |= vpspin_set_sched("random", 1, 2) != -1;
    setenv("VPSPIN_SCHED_STALL_MS", "3600001", 1);
    bad |= vpspin_set_sched("random", 1, 2) != -1;
    unsetenv("VPSPIN_SCHED_STALL_MS");
    setenv("VPSPIN_SCHED_STEPS", "0x10", 1);
    bad |= vpspin_set_sched("pct:2", 1, 2) != -1;
    unsetenv("VPSPIN_SCHED_STEPS");
    setenv("VPSPIN_SCHED_PREFIX", "/nonexistent/prefix", 1);
    bad |= vpspin_set_sched("pb:1", 1, 2) != -1;
    unsetenv("VPSPIN_SCHED_PREFIX");
    /* Schedule files that are not ones, each refused with the line at fault. */
    snprintf(ScheduleDir, sizeof ScheduleDir, "%s/vpspin-api-XXXXXX",
             getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
    if (mkdtemp(ScheduleDir) == NULL)
        Fail("cannot make a directory for schedule files");
    static const char *const files[][2] = {
        {"no-magic", "# a comment, then not the first line\nhello\n"},
        {"no-choices", "vpspin-schedule 1\ncpus 2\n"},
        {"no-count", "vpspin-schedule 1\nchoices 0 0*\n"},
        {"zero-count", "vpspin-schedule 1\nchoices 0 0*0\n"},
        {"huge-count", "vpspin-schedule 1\nchoices 0*99999999999999999999\n"},
        {"junk-after", "vpspin-schedule 1\nchoices 0 1x\n"},
        {"junk-count", "vpspin-schedule 1\nchoices 0*2y\n"},
        {"not-a-thread", "vpspin-schedule 1\nchoices\n0\n-\n"},
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        bad |= vpspin_set_sched(Schedule(files[i][0], files[i][1]), 1, 2) != -1;
    vpspin_sched_yield(); /* off: nothing */
    /* On at last, by a schedule written by hand: comments, blank lines, tabs, choices over
     * two lines (thread 1, the first TakeSlot, runs the first two steps: main is in its join
     * by then); its cpus line (1) is used when the call gives none (0), one out of range
     * (99) is not; then the default past its last choice. */
    setenv("VPSPIN_SCHED_LOG", "", 1); /* empty: no log */
    const char *good = Schedule("good", "vpspin-schedule 1\n# by hand\n\nstrategy db:1\n"
                                         "cpus 99\ncpus 1\nseed 3\nchoices\t1\n\t1\n");
    bad |= vpspin_set_sched(good, 3, 0) != 0;
    bad |= vpspin_set_sched("random", 3, 1) != -1; /* once */
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[160];
        snprintf(path, sizeof path, "%s/%s", ScheduleDir, files[i][0]);
        unlink(path);
    }
    unlink(good + 7);
    rmdir(ScheduleDir);
    pthread_t a = Start(TakeSlot, NULL), b = Start(TakeSlot, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    pthread_key_create(&LateKey, LateDestructor);
    pthread_join(Start(SetLate, NULL), NULL);
    bad |= !LateRan;
    pthread_join(Start(TakeLockAndExit, NULL), NULL);
    /* A thread the mode cannot allocate for: pthread_create says EAGAIN, as for any other
     * want of resources, and the run goes on. */
    pthread_t none;
    vpspin_fail_allocations(0, 1);
    bad |= pthread_create(&none, NULL, TakeLock, NULL) != EAGAIN;
    vpspin_fail_allocations(0, 0);
    Fixed = 1;
    if (bad)
        fprintf(stderr, "sched-corpus: vpspin_set_sched returned the wrong value\n");
    return bad;
}

static void Usage(void)
{
    fprintf(stderr,
            "usage: sched-corpus dpc-before-init|check-then-act|abba-dpc|isr-spinlock|"
            "three-step|lost-wakeup|reset-after-check bug|fixed\n       sched-corpus steps N\n"
            "       sched-corpus api|stall|yield|masked|join-held -\n"
            "       sched-corpus threads N\n"
            "       sched-corpus raised N\n");
    exit(2);
}

int main(int argc, char **argv)
{
    if (argc != 3)
        Usage();
    Case = argv[1];
    KeInitializeSpinLock(&Lock);
    if (strcmp(Case, "steps") == 0) {
        char *end;
        unsigned long n = strtoul(argv[2], &end, 10);
        if (*end != '\0' || n < 8)
            Usage();
        Pairs = (n - 8) / 4; /* 2 points a pair, 2 threads; start, exit and joins */
        pthread_t a = Start(Pairer, NULL), b = Start(Pairer, NULL);
        pthread_join(a, NULL);
        pthread_join(b, NULL);
        return 0;
    }
    if (strcmp(Case, "api") == 0)
        return Api();
    if (strcmp(Case, "join-held") == 0) { /* a deadlock through a join */
        KIRQL old;
        KeAcquireSpinLock(&Lock, &old);
        pthread_join(Start(TakeLock, NULL), NULL);
        KeReleaseSpinLock(&Lock, old);
        return 0;
    }
    if (strcmp(Case, "threads") == 0) { /* more than the controlled mode can follow */
        for (int i = 0, n = atoi(argv[2]); i < n; i++)
            pthread_join(Start(TakeLock, NULL), NULL);
        return 0;
    }
    if (strcmp(Case, "raised") == 0) {
        int most = atoi(argv[2]);
        pthread_t t[3];
        for (int i = 0; i < 3; i++)
            t[i] = Start(RaiseAndTurn, NULL);
        for (int i = 0; i < 3; i++)
            pthread_join(t[i], NULL);
        if (MostRaised > most) {
            fprintf(stderr, "sched-corpus: raised: %d threads at DISPATCH_LEVEL at once\n",
                    MostRaised);
            return 1;
        }
        return 0;
    }
    if (strcmp(Case, "masked") == 0) {
        vpspin_driver *driver;
        if (vpspin_load_miniport(CorpusDriverEntry, &driver) != STATUS_SUCCESS ||
            vpspin_start_device(driver, &Device) != NO_ERROR)
            Fail("the device did not start");
        pthread_t a = Start(HighWhile, NULL), b = Start(RaiseInterrupt, NULL);
        pthread_join(a, NULL);
        pthread_join(b, NULL);
        EXT *ext = vpspin_device_extension(Device);
        VideoPortDeleteSpinLock(ext, ext->A);
        VideoPortDeleteSpinLock(ext, ext->B);
        vpspin_stop_device(Device);
        vpspin_unload_miniport(driver);
        return 0;
    }
    if (strcmp(Case, "stall") == 0 || strcmp(Case, "yield") == 0) {
        bool stall = Case[0] == 's';
        Pairs = 20;
        pthread_t a = Start(stall ? Sleeper : WaitFlag, NULL);
        pthread_t b = Start(stall ? Pairer : SetFlag, NULL);
        pthread_join(a, NULL);
        pthread_join(b, NULL);
        return 0;
    }
    if (strcmp(argv[2], "fixed") == 0)
        Fixed = 1;
    else if (strcmp(argv[2], "bug") != 0)
        Usage();
    if (strcmp(Case, "dpc-before-init") == 0) {
        HostCase(IOCTL_CORPUS_INIT);
    } else if (strcmp(Case, "abba-dpc") == 0 || strcmp(Case, "isr-spinlock") == 0) {
        HostCase(IOCTL_CORPUS_WORK);
    } else if (strcmp(Case, "check-then-act") == 0) {
        pthread_t a = Start(TakeSlot, NULL), b = Start(TakeSlot, NULL);
        pthread_join(a, NULL);
        pthread_join(b, NULL);
        if (Used > Slots)
            Fail("check-then-act: both threads took the one free slot");
    } else if (strcmp(Case, "lost-wakeup") == 0) {
        KeInitializeEvent(&Done, NotificationEvent, FALSE);
        KeInitializeDpc(&CompleteDpc, CompleteRequest, NULL);
        pthread_t a = Start(Requester, NULL);
        pthread_join(a, NULL);
        KeFlushQueuedDpcs();
        if (Completed != 2)
            Fail("lost-wakeup: a request was not completed");
    } else if (strcmp(Case, "reset-after-check") == 0) {
        KeInitializeEvent(&Wake, SynchronizationEvent, TRUE); /* a stale signal */
        pthread_t a = Start(WaitReady, NULL), b = Start(Publish, NULL);
        pthread_join(a, NULL);
        pthread_join(b, NULL);
    } else if (strcmp(Case, "three-step") == 0) {
        pthread_t a = Start(Opener, NULL), b = Start(Looker, NULL), c = Start(Checker, NULL);
        pthread_join(a, NULL);
        pthread_join(b, NULL);
        pthread_join(c, NULL);
        if (Late)
            Fail("three-step: the checker ran after the looker saw the window open and after "
                 "it closed");
    } else {
        Usage();
    }
    return 0;
}
