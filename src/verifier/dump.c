/*
 * verifier/dump.c - who holds which spin lock and who waits for it, on demand: what lockdep's
 * show_held_locks and the kernel debugger's !locks give, for a test that hangs
 * (vpspin_dump_locks; VPSPIN_DUMP_SIGNAL, dump_signal.c; and when the watchdog fires).
 *
 * What it knows, by mode:
 *   every mode  the registry of threads (lock/thread.h): each one's id, name, IRQL, how
 *               many spin locks it holds, and the lock it waits for, since when and from
 *               which call site (the acquire's full path records it around the wait);
 *               the word of every lock waited for, which names its holder and how it
 *               acquired (lockword.h); and the words of the VideoPort lock objects,
 *               scanned through check/lockinfo.h, which name theirs;
 *   full mode   each thread's held-lock stack (verifier/held.h): every lock it holds, its
 *               class, its acquire's site, and for how long when that hold is timed.
 * Outside the full mode, a bare KSPIN_LOCK is seen only while someone waits for it.
 *
 * A deadlock is a cycle in the wait-for graph: each waiting thread points at the holder
 * of the lock it waits for. Every cycle found is named, with its threads and locks.
 *
 * Stacks. A thread's stack can only be taken by the thread itself, so the dump sends each
 * registered thread VSP_STACK_SIGNAL (a real-time signal, its handler installed at the
 * first dump unless the program has one there); the handler claims the buffer the dump
 * left in its vsp_thread, fills it with backtrace() and counts its answer on a futex.
 * The dump waits for the answers 250 ms at most: a thread that blocks the signal is
 * shown without a stack. A thread interrupted in a futex wait goes back to it (SA_RESTART).
 *
 * The dump reads other threads' state without synchronising with them (each field whole,
 * the whole as of about the same moment), under the registry's mutex, so that no thread
 * it reads can exit meanwhile. It takes that mutex, the VideoPort arena's and the
 * symbolizer's, none of which a thread holds while it waits for a spin lock; so it runs
 * while the program is deadlocked. Dumps are serialised.
 */
#include "verifier/dump.h"

#include <errno.h>
#include <fcntl.h>
#include <execinfo.h>
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <vpspin/vpspin.h>

#include "base/alloc.h"
#include "base/annotate.h"
#include "base/clock.h"
#include "base/slow.h"
#include "base/symbol.h"
#include "check/bugcheck.h"
#include "check/lockinfo.h"
#include "lock/lockword.h"
#include "lock/thread.h"
#include "verifier/held.h"
#include "verifier/lockclass.h"

#define VSP_STACK_SIGNAL  (SIGRTMAX - 2)
#define VSP_STACK_FRAMES  32
#define VSP_STACK_WAIT_NS 250000000u
#define VSP_DUMP_VPLOCKS  4096

/* ---- Stacks, by signal ------------------------------------------------------------------ */

struct vsp_stack {
    void *frames[VSP_STACK_FRAMES];
    int n;
    int done; /* atomic: frames written */
};

static unsigned vsp_stack_answers; /* atomic; a futex */
static int vsp_stack_state;        /* 0 not tried, 1 handler installed, -1 signal not ours */

static void vsp_stack_handler(int sig, siginfo_t *si, void *uc)
{
    (void)sig, (void)si, (void)uc;
    int saved = errno;
    struct vsp_stack *s = __atomic_exchange_n(&vsp_self()->stack_request, NULL, __ATOMIC_ACQ_REL);
    if (s != NULL) {
        s->n = backtrace(s->frames, VSP_STACK_FRAMES);
        __atomic_store_n(&s->done, 1, __ATOMIC_RELEASE);
        __atomic_add_fetch(&vsp_stack_answers, 1, __ATOMIC_RELEASE);
        syscall(SYS_futex, &vsp_stack_answers, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
    }
    errno = saved;
}

/* Under the dump mutex. */
static bool vsp_stack_signal_ready(void)
{
    if (vsp_stack_state == 0) {
        void *warm[2];
        backtrace(warm, 2); /* loads the unwinder now, not in a signal handler */
        struct sigaction old, sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_sigaction = vsp_stack_handler;
        sa.sa_flags = SA_SIGINFO | SA_RESTART;
        sigemptyset(&sa.sa_mask);
        vsp_stack_state = -1;
        if (sigaction(VSP_STACK_SIGNAL, NULL, &old) == 0 && !(old.sa_flags & SA_SIGINFO) &&
            old.sa_handler == SIG_DFL && sigaction(VSP_STACK_SIGNAL, &sa, NULL) == 0)
            vsp_stack_state = 1;
    }
    return vsp_stack_state == 1;
}

/* ---- The snapshot ----------------------------------------------------------------------- */

struct vsp_dthread {
    int tid;
    KIRQL irql;
    unsigned held;
    const void *wait_lock, *wait_site;
    uint64_t wait_since;
    uint32_t wait_rec;
    ULONG_PTR wait_word; /* the waited-for lock's word */
    int holder;          /* index of its holder among the threads, or -1 */
    bool self;
    unsigned depth; /* full mode: held[0..depth) copied */
    struct vsp_held track[VSP_HELD_MAX];
    ULONG_PTR track_word[VSP_HELD_MAX]; /* their words */
    struct vsp_stack stack;             /* n: -1 no answer */
    char name[32];
};

struct vsp_vpheld {
    const void *lock;
    ULONG_PTR word;
};

struct vsp_snapshot {
    struct vsp_dthread *threads;
    unsigned n;
    struct vsp_vpheld vp[VSP_DUMP_VPLOCKS];
    unsigned nvp, vp_more;
};

static void vsp_snap_vplock(const void *lock, void *ctx)
{
    struct vsp_snapshot *s = ctx;
    ULONG_PTR w = __atomic_load_n((const ULONG_PTR *)lock, __ATOMIC_RELAXED);
    uint32_t r = vsp_word_owner(w);
    if (r == 0 || vsp_record_is_handoff(r))
        return;
    if (s->nvp == VSP_DUMP_VPLOCKS) {
        s->vp_more++;
        return;
    }
    s->vp[s->nvp].lock = lock;
    s->vp[s->nvp++].word = w;
}

static void vsp_thread_name(int tid, char *buf, size_t n)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/self/task/%d/comm", tid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t len = fd >= 0 ? read(fd, buf, n - 1) : -1;
    if (fd >= 0)
        close(fd);
    buf[len > 0 ? len : 0] = '\0';
    char *nl = strchr(buf, '\n');
    if (nl != NULL)
        *nl = '\0';
}

/* Copies what each registered thread says of itself, and asks for their stacks. Under
 * the registry's mutex, held since s->threads was sized for every thread in it. */
static unsigned vsp_snap_threads(struct vsp_snapshot *s)
{
    unsigned n = 0, asked = 0;
    bool signals = vsp_stack_signal_ready();
    unsigned answers0 = __atomic_load_n(&vsp_stack_answers, __ATOMIC_ACQUIRE);
    struct vsp_thread *me = vsp_self();
    vsp_annotate_racy_reads(true);
    for (struct vsp_thread *t = vsp_thread_first(); t != NULL; t = t->next) {
        struct vsp_dthread *d = &s->threads[n++];
        d->tid = t->tid;
        d->irql = t->irql;
        d->held = t->held;
        d->wait_lock = __atomic_load_n(&t->wait.lock, __ATOMIC_ACQUIRE);
        d->wait_site = t->wait.site;
        d->wait_since = t->wait.since;
        d->wait_rec = t->wait.rec;
        if (d->wait_lock != NULL) /* a lock being acquired is a live lock */
            d->wait_word = __atomic_load_n((const ULONG_PTR *)d->wait_lock, __ATOMIC_RELAXED);
        struct vsp_track *tt = t->track;
        if (tt != NULL && (uintptr_t)tt != 1) {
            d->depth = tt->depth <= VSP_HELD_MAX ? tt->depth : VSP_HELD_MAX;
            memcpy(d->track, tt->held, d->depth * sizeof *d->track);
            for (unsigned k = 0; k < d->depth; k++) /* held, so live */
                d->track_word[k] = __atomic_load_n(d->track[k].lock, __ATOMIC_RELAXED);
        }
        d->self = t == me;
        d->stack.n = signals ? -1 : -2;
        if (d->self) {
            d->stack.n = backtrace(d->stack.frames, VSP_STACK_FRAMES);
        } else if (signals) {
            __atomic_store_n(&t->stack_request, &d->stack, __ATOMIC_RELEASE);
            if (syscall(SYS_tgkill, getpid(), d->tid, VSP_STACK_SIGNAL) == 0)
                asked++;
        }
    }
    vsp_annotate_racy_reads(false);
    /* The answers, for a while. */
    uint64_t deadline = vsp_mono_ns() + VSP_STACK_WAIT_NS;
    for (;;) {
        unsigned got = __atomic_load_n(&vsp_stack_answers, __ATOMIC_ACQUIRE);
        uint64_t now = vsp_mono_ns();
        if (got - answers0 >= asked || now >= deadline)
            break;
        struct timespec left = {.tv_sec = 0, .tv_nsec = (long)(deadline - now)};
        syscall(SYS_futex, &vsp_stack_answers, FUTEX_WAIT_PRIVATE, got, &left, NULL, 0);
    }
    /* Take back the requests not answered; a thread that claimed one is writing it. (The
     * same list: the mutex is still held.) */
    unsigned i = 0;
    for (struct vsp_thread *t = vsp_thread_first(); t != NULL; t = t->next, i++) {
        struct vsp_dthread *d = &s->threads[i];
        if (d->self || !signals)
            continue;
        if (__atomic_exchange_n(&t->stack_request, NULL, __ATOMIC_ACQ_REL) != NULL)
            continue; /* never answered: n stays -1 */
        while (!__atomic_load_n(&d->stack.done, __ATOMIC_ACQUIRE))
            sched_yield();
    }
    return n;
}

/* Which thread holds the lock word w says is held, as an index, or -1. */
static int vsp_holder(const struct vsp_snapshot *s, ULONG_PTR w)
{
    uint32_t r = vsp_word_owner(w);
    if (r == 0 || vsp_record_is_handoff(r))
        return -1;
    for (unsigned i = 0; i < s->n; i++)
        if (s->threads[i].tid == vsp_record_tid(r))
            return (int)i;
    return -1;
}

/* ---- Writing ---------------------------------------------------------------------------- */

static void vsp_put_duration(struct vsp_text *t, uint64_t ns)
{
    if (ns < 1000000u)
        vsp_put(t, "%.1f us", (double)ns / 1e3);
    else if (ns < 10000000000u)
        vsp_put(t, "%.1f ms", (double)ns / 1e6);
    else
        vsp_put(t, "%.1f s", (double)ns / 1e9);
}

/* "0x55d0c0a4e308 (KSPIN_LOCK)", "0x7f.. (VideoPort spin lock #1, created by ... for
 * HwDeviceExtension 0x..)", with the class in full mode; brief: without the creation. */
static void vsp_put_lock(struct vsp_text *t, const void *lock, bool brief)
{
    struct vsp_lock_info info;
    vsp_put(t, "%p (", lock);
    if (vsp_lock_describe(lock, &info)) {
        vsp_put(t, "%s #%lu", info.kind, info.serial);
        if (!brief) {
            vsp_put(t, ", created by ");
            vsp_put_code_address(t, info.creator);
            vsp_put(t, " for HwDeviceExtension %p", info.owner);
        }
    } else {
        vsp_put(t, "KSPIN_LOCK");
    }
    struct vsp_lock *rec = vsp_lock_find(lock);
    struct vsp_class *c = rec != NULL ? __atomic_load_n(&rec->cls, __ATOMIC_ACQUIRE) : NULL;
    if (c != NULL)
        vsp_put(t, ", class %s", vsp_class_name(c));
    vsp_put(t, ")");
}

static void vsp_put_lock_name(struct vsp_text *t, const void *lock)
{
    vsp_put_lock(t, lock, false);
}

static void vsp_put_thread_ref(struct vsp_text *t, const struct vsp_snapshot *s, int i)
{
    vsp_put(t, "thread %d \"%s\"", s->threads[i].tid, s->threads[i].name);
}

static const char *vsp_variant(uint32_t rec)
{
    switch (vsp_record_kind(rec)) {
    case VSP_PLAIN:
        return "a raising acquire";
    case VSP_PLAIN_DPC:
        return "an AtDpcLevel acquire";
    case VSP_QUEUED:
        return "an in-stack queued acquire";
    default:
        return "an in-stack queued AtDpcLevel acquire";
    }
}

/* The locks thread i is seen holding: its held stack in full mode, else the locks whose
 * words name it (the VideoPort locks, and the locks others wait for). */
static unsigned vsp_put_holds(struct vsp_text *t, const struct vsp_snapshot *s, unsigned i,
                              double ns_per_tick, uint64_t now_ticks)
{
    const struct vsp_dthread *d = &s->threads[i];
    unsigned shown = 0;
    for (unsigned k = 0; k < d->depth; k++, shown++) {
        const struct vsp_held *h = &d->track[k];
        ULONG_PTR w = d->track_word[k];
        vsp_put(t, "  holds  #%u ", k);
        vsp_put_lock_name(t, h->lock);
        if (vsp_record_tid(vsp_word_owner(w)) == d->tid)
            vsp_put(t, ", through %s", vsp_variant(vsp_word_owner(w)));
        if (h->t0 != 0) {
            vsp_put(t, ", for ");
            vsp_put_duration(t, (uint64_t)((double)(now_ticks - h->t0) * ns_per_tick));
        }
        vsp_put(t, ", %s at ", h->try_ ? "tried" : "acquired");
        vsp_put_code_address(t, h->site);
        vsp_put(t, "\n");
    }
    if (d->depth != 0)
        return shown;
    for (unsigned k = 0; k < s->nvp; k++) {
        if (vsp_holder(s, s->vp[k].word) != (int)i)
            continue;
        vsp_put(t, "  holds  ");
        vsp_put_lock_name(t, s->vp[k].lock);
        vsp_put(t, ", through %s\n", vsp_variant(vsp_word_owner(s->vp[k].word)));
        shown++;
    }
    for (unsigned j = 0; j < s->n; j++) {
        const struct vsp_dthread *o = &s->threads[j];
        bool first = true; /* one line per lock, however many wait for it */
        for (unsigned q = 0; q < j && first; q++)
            first = s->threads[q].wait_lock != o->wait_lock;
        if (o->wait_lock == NULL || !first || vsp_holder(s, o->wait_word) != (int)i ||
            vsp_lock_describe(o->wait_lock, &(struct vsp_lock_info){0}))
            continue; /* (a VideoPort lock is listed above) */
        vsp_put(t, "  holds  ");
        vsp_put_lock_name(t, o->wait_lock);
        vsp_put(t, ", through %s\n", vsp_variant(vsp_word_owner(o->wait_word)));
        shown++;
    }
    return shown;
}

static void vsp_put_thread(struct vsp_text *t, const struct vsp_snapshot *s, unsigned i,
                           double ns_per_tick, uint64_t now_ticks, uint64_t now)
{
    const struct vsp_dthread *d = &s->threads[i];
    vsp_put(t, "Thread %d \"%s\"%s at %s (%u), holding %u spin lock(s)\n", d->tid, d->name,
            d->self ? " (this one)" : "", vsp_irql_name(d->irql), d->irql, d->held);
    unsigned shown = vsp_put_holds(t, s, i, ns_per_tick, now_ticks);
    if (shown < d->held)
        vsp_put(t,
                "  holds  %u more: outside the full mode, a KSPIN_LOCK is seen only while "
                "someone waits for it\n",
                d->held - shown);
    if (d->wait_lock != NULL) {
        vsp_put(t, "  waits  for ");
        vsp_put_lock_name(t, d->wait_lock);
        vsp_put(t, ", for ");
        vsp_put_duration(t, now > d->wait_since ? now - d->wait_since : 0);
        vsp_put(t, ", through %s at ", vsp_variant(d->wait_rec));
        vsp_put_code_address(t, d->wait_site);
        vsp_put(t, ";\n         ");
        vsp_put_word(t, d->wait_word);
        vsp_put(t, "\n");
    }
    if (d->stack.n == -2) {
        vsp_put(t,
                "  Stack: not taken (signal %d, which the dump uses, has a handler of the "
                "program's)\n",
                VSP_STACK_SIGNAL);
    } else if (d->stack.n < 0) {
        vsp_put(t,
                "  Stack: not known (the thread did not answer the dump's signal %d within "
                "250 ms)\n",
                VSP_STACK_SIGNAL);
    } else {
        vsp_put(t, "  Stack:\n");
        if (d->self)
            vsp_put_frames(t, d->stack.frames + 1, d->stack.n - 1, "    ");
        else /* from the frame the signal interrupted: the handler's and the kernel's off */
            vsp_put_all_frames(t, d->stack.frames + 2, d->stack.n - 2, "    ");
    }
}

/* Every lock waited for, once: its holder and its waiters. */
static void vsp_put_waited(struct vsp_text *t, const struct vsp_snapshot *s, uint64_t now)
{
    bool any = false;
    for (unsigned j = 0; j < s->n; j++) {
        const void *lock = s->threads[j].wait_lock;
        bool first = lock != NULL;
        for (unsigned q = 0; q < j && first; q++)
            first = s->threads[q].wait_lock != lock;
        if (!first)
            continue;
        if (!any)
            vsp_put(t, "Waited for:\n");
        any = true;
        vsp_put(t, "  ");
        vsp_put_lock_name(t, lock);
        int h = vsp_holder(s, s->threads[j].wait_word);
        vsp_put(t, "\n    holder:  ");
        if (h >= 0) {
            vsp_put_thread_ref(t, s, h);
            vsp_put(t, ", through %s\n", vsp_variant(vsp_word_owner(s->threads[j].wait_word)));
        } else {
            vsp_put_word(t, s->threads[j].wait_word);
            vsp_put(t, "\n");
        }
        vsp_put(t, "    waiters:");
        for (unsigned q = j; q < s->n; q++) {
            if (s->threads[q].wait_lock != lock)
                continue;
            vsp_put(t, " ");
            vsp_put_thread_ref(t, s, (int)q);
            vsp_put(t, " (");
            vsp_put_duration(t,
                             now > s->threads[q].wait_since ? now - s->threads[q].wait_since : 0);
            vsp_put(t, ")");
        }
        vsp_put(t, "\n");
    }
    if (!any)
        vsp_put(t, "Waited for: no spin lock\n");
}

/* Every cycle of the wait-for graph; returns how many. */
static unsigned vsp_put_cycles(struct vsp_text *t, const struct vsp_snapshot *s, int *mark)
{
    unsigned cycles = 0;
    for (unsigned i = 0; i < s->n; i++)
        mark[i] = -1;
    for (unsigned i = 0; i < s->n; i++) {
        int j = (int)i;
        while (j >= 0 && mark[j] == -1) { /* follow waits-for-holder from i */
            mark[j] = (int)i;
            j = s->threads[j].wait_lock != NULL ? s->threads[j].holder : -1;
        }
        if (j < 0 || mark[j] != (int)i)
            continue; /* ended, or ran into a walk made before */
        unsigned len = 1;
        for (int k = s->threads[j].holder; k != j; k = s->threads[k].holder)
            len++;
        vsp_put(t,
                "Deadlock: %u thread(s) in a cycle, each waiting for a spin lock the next "
                "one holds:\n",
                len);
        int k = j;
        do {
            const struct vsp_dthread *d = &s->threads[k];
            vsp_put(t, "  ");
            vsp_put_thread_ref(t, s, k);
            vsp_put(t, " waits for ");
            vsp_put_lock(t, d->wait_lock, true);
            vsp_put(t, ", held by ");
            vsp_put_thread_ref(t, s, d->holder);
            vsp_put(t, "\n");
            k = d->holder;
        } while (k != j);
        cycles++;
    }
    return cycles;
}

static pthread_mutex_t vsp_dump_mutex = PTHREAD_MUTEX_INITIALIZER;

static int vsp_flush(FILE *f, struct vsp_text *t)
{
    int rc = fputs(t->buf, f) < 0 ? -1 : 0;
    vsp_text_clear(t);
    return rc;
}

int vsp_dump_write(FILE *f, const char *why)
{
    struct vsp_snapshot *s = vsp_alloc(sizeof *s);
    struct vsp_text *t = vsp_text_new();
    int rc = -1;
    pthread_mutex_lock(&vsp_dump_mutex);
    vsp_thread_lock();
    unsigned max = 0;
    for (struct vsp_thread *th = vsp_thread_first(); th != NULL; th = th->next)
        max++;
    if (s != NULL && t != NULL)
        s->threads = vsp_alloc(sizeof *s->threads * (max + 1));
    int *mark = s != NULL && s->threads != NULL ? vsp_alloc(sizeof *mark * (max + 1)) : NULL;
    if (mark != NULL) {
        s->n = vsp_snap_threads(s);
        vsp_lock_enumerate(vsp_snap_vplock, s);
    }
    vsp_thread_unlock();
    if (mark == NULL) {
        fprintf(f, "vpspin: lock dump: out of memory\n");
        goto out;
    }
    for (unsigned i = 0; i < s->n; i++) {
        vsp_thread_name(s->threads[i].tid, s->threads[i].name, sizeof s->threads[i].name);
        s->threads[i].holder =
            s->threads[i].wait_lock != NULL ? vsp_holder(s, s->threads[i].wait_word) : -1;
    }
    uint64_t now = vsp_mono_ns(), now_ticks = vsp_ticks();
    double ns_per_tick = vsp_ns_per_tick();
    vsp_put(t,
            "vpspin: spin locks held and waited for (%s): pid %d, VPSPIN_VERIFY=%s, %u "
            "thread(s) use vpspin\n",
            why, (int)getpid(),
            (vsp_slow() & VSP_SLOW_FULL) ? "full"
            : vsp_checking()             ? "1"
                                         : "0",
            s->n);
    rc = vsp_flush(f, t);
    for (unsigned i = 0; i < s->n; i++) {
        vsp_put_thread(t, s, i, ns_per_tick, now_ticks, now);
        rc |= vsp_flush(f, t);
    }
    if (s->vp_more != 0)
        vsp_put(t, "(%u more VideoPort locks held, not shown)\n", s->vp_more);
    vsp_put_waited(t, s, now);
    if (vsp_put_cycles(t, s, mark) == 0)
        vsp_put(t, "No wait-for cycle among these threads: no deadlock of spin locks.\n");
    vsp_put(t, "vpspin: end of the lock dump\n");
    rc |= vsp_flush(f, t);
    rc |= fflush(f) == 0 ? 0 : -1;
    free(mark);
out:
    pthread_mutex_unlock(&vsp_dump_mutex);
    if (s != NULL)
        free(s->threads);
    free(s);
    free(t);
    return rc;
}

int vpspin_dump_locks(FILE *Stream)
{
    return Stream != NULL ? vsp_dump_write(Stream, "on request") : -1;
}
