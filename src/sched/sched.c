/*
 * sched/sched.c - the controlled scheduler: every thread that uses vpspin runs one at a time,
 * and a strategy chooses, at every scheduling point, which one runs next.
 *
 * The idea is CHESS's and Coyote's: if threads switch only at synchronization points and
 * something outside chooses each switch, a run is a sequence of choices; a search over
 * those sequences finds interleavings the OS scheduler hardly ever produces, and the
 * sequence that failed replays the failure exactly. vpspin sees every lock, IRQL change,
 * DPC, interrupt and timer of the code under test, so those are the points (sched.h).
 *
 * One token. Exactly one controlled thread holds it (S.current) and runs; every other one
 * waits on its own futex word (turn). At a point the holder records what it is about to
 * do, asks the strategy to pick among the enabled threads, and if the pick is another
 * thread, gives it the token and waits for its turn to come back:
 *
 *   turn: 0 not yet asleep; 2 asleep on the futex; 1 your turn
 *   give(t):   turn 0|2 -> 1; FUTEX_WAKE if it was 2 (after unlocking)
 *   wait(me):  turn 0 -> 2 and FUTEX_WAIT(2), until it is 1
 *
 * A thread's states: STARTING (created, not yet at its first point: it runs the code before
 * it beside the others, which is why it counts as enabled), READY, BLOCKED (on a lock, an
 * event, a mutex, a thread; maybe with a virtual deadline), DETACHED (it held the token but
 * stayed outside vpspin past the stall bound: the others went on without it), EXITED.
 *
 * Enabled: READY or STARTING, not interrupted by an ISR stacked on it, and with a virtual
 * processor for the step it is at. VPSPIN_SCHED_CPUS processors: a thread at
 * DISPATCH_LEVEL or above keeps its processor even while it is blocked (it would spin
 * there), so a thread below DISPATCH_LEVEL can run only while fewer than N threads are
 * raised. An interrupt is delivered only while some processor is below the device's IRQL:
 * a free one, or a raised thread at a lower IRQL, which the ISR then stacks on (that
 * thread cannot run until the ISR lowers again). A timed waiter whose deadline virtual time
 * has passed (a stall moves it) is enabled; so is the one with the earliest deadline still
 * to come: choosing it lets virtual time pass to its deadline (for the random walk and PCT
 * at any step; for replay, pb and db only when nothing else can run, which keeps their
 * search small).
 *
 * Nobody enabled: if a thread is DETACHED it may still come back, so the token is left
 * free; otherwise every controlled thread is blocked, a deadlock: the report names each
 * thread's wait (the lock's holder is what the layer above passed in), the wait-for
 * cycle, the locks each holds (vsp_sched_acquired) and each one's stack (asked of the
 * blocked threads by a signal), and the process aborts.
 *
 * What it cannot see: a thread that blocks in a system call or a pthread wait while it
 * holds the token. A monitor thread (not a controlled one) watches the step counter; when
 * the holder has not reached a point for VPSPIN_SCHED_STALL_MS (2000 by default), it marks
 * the run not reproducible, records the thread (and the system call it is in), and hands
 * the token on as if the thread had blocked; the thread takes its place again at its next
 * point, where its stack is recorded (a signal would cut its system call short).
 *
 * Steps must not depend on timing, or no schedule would replay: so a new thread's id is
 * its creator's step (thread.c), its first point is always a step of its own, whether or
 * not it was picked before it got there, and the host's entry points begin with such a
 * point (vsp_sched_enter) before they touch state under a mutex.
 *
 * The scheduler's own state is guarded by an internal spin lock, which is no scheduling
 * point. Its functions are not instrumented by ThreadSanitizer (VSP_NOTSAN), so the
 * token's hand-overs create no happens-before for it: TSan judges the program by its own
 * synchronization, as it would without the controlled mode.
 */
#include "sched/core.h"

#include <dlfcn.h>
#include <errno.h>
#include <execinfo.h>
#include <linux/futex.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "base/cpu.h"
#include "base/symbol.h"
#include "base/text.h"
#include "sched/delay.h"
#include "sched/log.h"
#include "sched/sched.h"

enum { VSP_ST_FREE, VSP_ST_STARTING, VSP_ST_READY, VSP_ST_BLOCKED, VSP_ST_DETACHED, VSP_ST_EXITED };

#define VSP_HELD_MAX  16
#define VSP_STACK_MAX 24
#define VSP_DISPATCH  2

struct vsp_sthread {
    unsigned id;
    int state;
    uint32_t turn; /* futex word: see the essay */
    int tid;
    pthread_t pt;
    bool has_pt;
    /* The point it is at: what it will do when it runs next. */
    uint8_t kind;
    uint8_t irql;      /* its IRQL now */
    uint8_t want_irql; /* the IRQL it goes on at (> irql: needs a processor first) */
    const void *object, *site;
    /* BLOCKED */
    const void *wait_obj;
    uint8_t arm; /* 1: about to wait for wait_obj (a condition); 2: it was signalled */
    int holder;
    uint64_t deadline;
    bool timed_out;
    struct vsp_sthread *stacked_on; /* an ISR on a raised thread's processor */
    unsigned interrupted;           /* ISRs stacked on this one */
    const void *held[VSP_HELD_MAX];
    unsigned nheld;
    void *stack[VSP_STACK_MAX];
    int nstack; /* -1 asked for, >= 0 captured */
    char name[16];
    unsigned named; /* points at which the name was read again */
};

static struct {
    uint32_t lock;
    unsigned n; /* slots used */
    struct vsp_sthread t[VSP_SCHED_MAX_THREADS];
    struct vsp_sthread *current; /* the token's holder, or NULL: free */
    uint64_t step, vtime, seed;
    unsigned cpus, stall_ms;
    struct vsp_strategy *strategy;
    struct vsp_log *log;
    int signo;
} S;

int vsp_sched_mode;
VSP_NOTSAN static void vsp_came_back(struct vsp_sthread *t);
static __thread struct vsp_sthread *vsp_me __attribute__((tls_model("initial-exec")));

static const char *const vsp_kind_names[] = VSP_SP_NAMES;
_Static_assert(sizeof vsp_kind_names / sizeof vsp_kind_names[0] == VSP_SP_KINDS,
               "one name per kind of sched/point.h");

/* ---- The internal lock and the token ------------------------------------------------- */

/* Held for a few hundred instructions, never across a system call; a thread that finds it
 * taken by one the OS preempted yields its core to it. */
VSP_NOTSAN static void vsp_lock(void)
{
    for (unsigned spins = 0; __atomic_exchange_n(&S.lock, 1, __ATOMIC_ACQUIRE) != 0;)
        while (__atomic_load_n(&S.lock, __ATOMIC_RELAXED) != 0)
            if (++spins % 64 == 0)
                sched_yield();
            else
                vsp_cpu_relax();
}

VSP_NOTSAN static void vsp_unlock(void) { __atomic_store_n(&S.lock, 0, __ATOMIC_RELEASE); }

VSP_NOTSAN static long vsp_futex(uint32_t *w, int op, uint32_t val)
{
    return syscall(SYS_futex, w, op, val, NULL, NULL, 0);
}

/* Under the lock; returns whether t sleeps: then vsp_wake_up(t) after unlocking (a wake-up
 * may hand the core to t at once, which must not find the lock still held). */
VSP_NOTSAN static bool vsp_give(struct vsp_sthread *t)
{
    return __atomic_exchange_n(&t->turn, 1, __ATOMIC_RELEASE) == 2;
}

VSP_NOTSAN static void vsp_wake_up(struct vsp_sthread *t)
{
    vsp_futex(&t->turn, FUTEX_WAKE_PRIVATE, 1);
}

/* No spinning first: on a loaded machine a spinning waiter takes the core that the thread
 * it waits for needs (measured: 20000 steps took 7x longer with 400 pauses of spin). */
VSP_NOTSAN static void vsp_wait_turn(struct vsp_sthread *me)
{
    for (;;) {
        uint32_t v = 0;
        if (__atomic_compare_exchange_n(&me->turn, &v, 2, false, __ATOMIC_ACQUIRE,
                                        __ATOMIC_ACQUIRE) ||
            v == 2)
            vsp_futex(&me->turn, FUTEX_WAIT_PRIVATE, 2);
        else if (v == 1)
            break;
    }
    __atomic_store_n(&me->turn, 0, __ATOMIC_RELAXED);
}

/* ---- Threads ---------------------------------------------------------------------------- */

VSP_NOTSAN static struct vsp_sthread *vsp_slot(int state)
{
    if (S.n >= VSP_SCHED_MAX_THREADS)
        return NULL;
    struct vsp_sthread *t = &S.t[S.n];
    memset(t, 0, sizeof *t);
    t->id = S.n++;
    t->state = state;
    t->kind = VSP_SP_START;
    if (S.strategy->added != NULL)
        S.strategy->added(S.strategy, t->id);
    if (S.log != NULL) {
        S.log->threads = S.n;
        S.log->thread[t->id].used = 1;
    }
    return t;
}

/* Called by the thread itself: its name, for reports and the trace. Read again at its first
 * few points: a thread usually names itself first thing, after its first step. */
VSP_NOTSAN static void vsp_name(struct vsp_sthread *t)
{
    prctl(PR_GET_NAME, t->name, 0, 0, 0);
    if (S.log != NULL)
        memcpy(S.log->thread[t->id].name, t->name, sizeof t->name);
}

VSP_NOTSAN static void vsp_identify(struct vsp_sthread *t)
{
    t->tid = (int)syscall(SYS_gettid);
    if (S.log != NULL)
        S.log->thread[t->id].tid = t->tid;
    vsp_name(t);
}

/* Arrives at a point: returns with the lock held and the token ours (NULL, unlocked, for a
 * thread that has exited and runs its last destructors). A thread the
 * scheduler has not seen (created before the controlled mode, or not by pthread_create)
 * gets a slot now; a STARTING or DETACHED one takes its place again. */
VSP_NOTSAN static struct vsp_sthread *vsp_arrive(void)
{
    vsp_lock();
    struct vsp_sthread *me = vsp_me;
    if (me == NULL) {
        me = vsp_slot(VSP_ST_READY);
        if (me == NULL) {
            vsp_unlock();
            fprintf(stderr, "vpspin: more than %d controlled threads\n", VSP_SCHED_MAX_THREADS);
            abort();
        }
        vsp_me = me;
        vsp_identify(me);
    } else if (me->state == VSP_ST_STARTING) {
        vsp_identify(me);
        me->state = VSP_ST_READY;
    } else if (me->state == VSP_ST_DETACHED) {
        me->state = VSP_ST_READY;
        vsp_came_back(me);
    } else if (me->state == VSP_ST_EXITED) {
        vsp_unlock(); /* its last destructors: no longer scheduled */
        return NULL;
    }
    while (S.current != me) {
        if (S.current == NULL) {
            S.current = me;
            break;
        }
        vsp_unlock();
        vsp_wait_turn(me);
        vsp_lock();
    }
    __atomic_store_n(&me->turn, 0, __ATOMIC_RELAXED);
    if (me->named < 8 && me->named++ > 0)
        vsp_name(me);
    return me;
}

/* ---- What may run ----------------------------------------------------------------------- */

VSP_NOTSAN static bool vsp_live(const struct vsp_sthread *t)
{
    return t->state != VSP_ST_FREE && t->state != VSP_ST_EXITED;
}

/* Processors held by raised threads other than t (an ISR stacked on one holds none). */
VSP_NOTSAN static unsigned vsp_raised_others(const struct vsp_sthread *t)
{
    unsigned r = 0;
    for (unsigned i = 0; i < S.n; i++) {
        const struct vsp_sthread *u = &S.t[i];
        r += u != t && vsp_live(u) && u->irql >= VSP_DISPATCH && u->stacked_on == NULL;
    }
    return r;
}

/* The raised thread an interrupt at irql would stack on, or NULL. */
VSP_NOTSAN static struct vsp_sthread *vsp_victim(const struct vsp_sthread *t, unsigned irql)
{
    struct vsp_sthread *best = NULL;
    for (unsigned i = 0; i < S.n; i++) {
        struct vsp_sthread *u = &S.t[i];
        if (u != t && vsp_live(u) && u->irql >= VSP_DISPATCH && u->stacked_on == NULL &&
            u->irql < irql && (best == NULL || u->irql < best->irql))
            best = u;
    }
    return best;
}

/* Whether t has a processor for its next step. */
VSP_NOTSAN static bool vsp_has_cpu(const struct vsp_sthread *t)
{
    if (t->interrupted != 0)
        return false;
    if (t->irql >= VSP_DISPATCH)
        return true;
    if (vsp_raised_others(t) < S.cpus)
        return true;
    return t->kind == VSP_SP_INTERRUPT && vsp_victim(t, t->want_irql) != NULL;
}

VSP_NOTSAN static void vsp_set_irql(struct vsp_sthread *t, unsigned irql)
{
    t->irql = (uint8_t)irql;
    if (irql < VSP_DISPATCH && t->stacked_on != NULL) {
        t->stacked_on->interrupted--;
        t->stacked_on = NULL;
    }
}

/* The chosen thread takes the step it is at. */
VSP_NOTSAN static void vsp_take(struct vsp_sthread *t)
{
    if (t->state == VSP_ST_BLOCKED) { /* only its timeout was enabled */
        if (t->deadline > S.vtime)
            S.vtime = t->deadline;
        t->timed_out = true;
        t->state = VSP_ST_READY;
    }
    if (t->want_irql > t->irql) {
        if (t->irql < VSP_DISPATCH && t->want_irql >= VSP_DISPATCH &&
            vsp_raised_others(t) >= S.cpus) {
            t->stacked_on = vsp_victim(t, t->want_irql); /* an interrupt, by vsp_has_cpu */
            t->stacked_on->interrupted++;
        }
        t->irql = t->want_irql;
    }
}

VSP_NOTSAN static void vsp_wake(const void *object)
{
    for (unsigned i = 0; i < S.n; i++) {
        struct vsp_sthread *u = &S.t[i];
        if (u->wait_obj != object)
            continue;
        if (u->state == VSP_ST_BLOCKED)
            u->state = VSP_ST_READY;
        else if (u->arm == 1)
            u->arm = 2;
    }
}

/* ---- Reports ---------------------------------------------------------------------------- */

/* The handler runs inside the wait's futex call: its first frames are the signal's and
 * libc's, then the scheduler's (which vsp_put_frames leaves out), then the caller's. */
VSP_NOTSAN static void vsp_on_stack_signal(int signo)
{
    (void)signo;
    struct vsp_sthread *me = vsp_me;
    if (me == NULL || me->nstack != -1)
        return;
    int n = backtrace(me->stack, VSP_STACK_MAX), skip = 1;
    Dl_info info;
    while (skip < n - 1 && dladdr(me->stack[skip], &info) != 0 && info.dli_fname != NULL &&
           strstr(info.dli_fname, "libc.so") != NULL)
        skip++;
    memmove(me->stack, me->stack + skip, (size_t)(n - skip) * sizeof me->stack[0]);
    __atomic_store_n(&me->nstack, n - skip, __ATOMIC_RELEASE);
}

/* Asks t for its stack and waits for it a little (t may be stuck where signals wait). */
VSP_NOTSAN static void vsp_ask_stack(struct vsp_sthread *t)
{
    if (t->tid == 0)
        return;
    __atomic_store_n(&t->nstack, -1, __ATOMIC_RELAXED);
    syscall(SYS_tgkill, getpid(), t->tid, S.signo);
    for (int i = 0; i < 2000 && __atomic_load_n(&t->nstack, __ATOMIC_ACQUIRE) < 0; i++) {
        struct timespec ts = {0, 100000};
        nanosleep(&ts, NULL);
    }
}

static vsp_sched_namer vsp_namer; /* atomic */

void vsp_sched_set_namer(vsp_sched_namer name)
{
    __atomic_store_n(&vsp_namer, name, __ATOMIC_RELEASE);
}

VSP_NOTSAN static void vsp_put_lock(struct vsp_text *x, const void *lock)
{
    char buf[160] = "";
    vsp_sched_namer name = __atomic_load_n(&vsp_namer, __ATOMIC_ACQUIRE);
    if (name != NULL)
        name(lock, buf, sizeof buf);
    vsp_put(x, buf[0] != '\0' ? "%s (%p)" : "%s%p", buf, lock);
}

VSP_NOTSAN static const char *vsp_thread_name(const struct vsp_sthread *t) { return t->name; }

VSP_NOTSAN static struct vsp_sthread *vsp_by_tid(int tid)
{
    for (unsigned i = 0; tid != 0 && i < S.n; i++)
        if (S.t[i].tid == tid && vsp_live(&S.t[i]))
            return &S.t[i];
    return NULL;
}

VSP_NOTSAN static void vsp_put_thread(struct vsp_text *x, const struct vsp_sthread *t)
{
    vsp_put(x, "#%u %s (thread %d) at IRQL %u", t->id, vsp_thread_name(t), t->tid, t->irql);
}

/* The wait-for cycle through lock holders and joins, from t, if there is one. */
VSP_NOTSAN static void vsp_put_cycle(struct vsp_text *x, struct vsp_sthread *t)
{
    struct vsp_sthread *path[VSP_SCHED_MAX_THREADS];
    unsigned n = 0;
    while (t != NULL && n < VSP_SCHED_MAX_THREADS) {
        for (unsigned i = 0; i < n; i++) {
            if (path[i] != t)
                continue;
            vsp_put(x, "Cycle:  ");
            for (unsigned j = i; j < n; j++)
                vsp_put(x, "#%u waits for #%u%s", path[j]->id, (j + 1 < n ? path[j + 1] : t)->id,
                        j + 1 < n ? ", " : "\n");
            return;
        }
        path[n++] = t;
        if (t->state != VSP_ST_BLOCKED)
            return;
        if (t->kind == VSP_SP_LOCK_WAIT)
            t = vsp_by_tid(t->holder);
        else if (t->kind == VSP_SP_JOIN)
            t = (struct vsp_sthread *)t->wait_obj;
        else
            return;
    }
}

VSP_NOTSAN static void vsp_deadlock(void)
{
    static struct vsp_text x;
    vsp_text_clear(&x);
    vsp_put(&x, "vpspin: deadlock: every controlled thread is blocked (step %llu, %s, seed %llu)\n",
            (unsigned long long)S.step, S.strategy->name,
            (unsigned long long)S.seed);
    for (unsigned i = 0; i < S.n; i++) {
        struct vsp_sthread *t = &S.t[i];
        if (t->state != VSP_ST_BLOCKED)
            continue;
        vsp_put(&x, "Thread: ");
        vsp_put_thread(&x, t);
        vsp_put(&x, "\n  %s ", vsp_kind_names[t->kind]);
        if (t->kind == VSP_SP_LOCK_WAIT)
            vsp_put_lock(&x, t->wait_obj);
        else
            vsp_put(&x, "%p", t->wait_obj);
        if (t->kind == VSP_SP_LOCK_WAIT && t->holder != 0) {
            struct vsp_sthread *h = vsp_by_tid(t->holder);
            if (h != NULL)
                vsp_put(&x, ", held by #%u", h->id);
            else
                vsp_put(&x, ", held by thread %d (not controlled)", t->holder);
        } else if (t->kind == VSP_SP_JOIN) {
            vsp_put(&x, ": joining #%u", ((struct vsp_sthread *)t->wait_obj)->id);
        }
        vsp_put(&x, ", at ");
        vsp_put_code_address(&x, t->site);
        vsp_put(&x, "\n  holds %u spin lock(s)%s", t->nheld, t->nheld ? ":" : "");
        for (unsigned j = 0; j < t->nheld; j++) {
            vsp_put(&x, j ? ", " : " ");
            vsp_put_lock(&x, t->held[j]);
        }
        vsp_put(&x, "\n");
        vsp_ask_stack(t);
        if (t->nstack > 0)
            vsp_put_frames(&x, t->stack, t->nstack, "  ");
    }
    for (unsigned i = 0; i < S.n; i++)
        if (S.t[i].state == VSP_ST_BLOCKED && S.t[i].kind == VSP_SP_LOCK_WAIT) {
            vsp_put_cycle(&x, &S.t[i]);
            break;
        }
    if (S.log != NULL) {
        memcpy(S.log->report, x.buf, x.len < VSP_LOG_REPORT ? x.len : VSP_LOG_REPORT - 1);
        __atomic_store_n(&S.log->status, VSP_LOG_DEADLOCK, __ATOMIC_RELEASE);
    }
    fputs(x.buf, stderr);
    abort();
}

VSP_NOTSAN static void vsp_diverged(struct vsp_sthread *me)
{
    fprintf(stderr,
            "vpspin: the replay diverged at step %llu: the thread its schedule names is not "
            "enabled there (thread #%u is at %s, %s). The program does not make the same calls "
            "in the same order from one run to the next.\n",
            (unsigned long long)S.step, me->id, vsp_kind_names[me->kind], S.strategy->name);
    if (S.log != NULL)
        __atomic_store_n(&S.log->status, VSP_LOG_DIVERGED, __ATOMIC_RELEASE);
    abort();
}

/* ---- The decision ----------------------------------------------------------------------- */

VSP_NOTSAN static void vsp_record(struct vsp_sthread *me, struct vsp_sthread *next,
                                  uint64_t enabled, bool yields)
{
    struct vsp_log *l = S.log;
    if (l == NULL)
        return;
    struct vsp_log_event *e = &l->ring[S.step % VSP_LOG_RING];
    e->step = S.step;
    e->object = (uint64_t)(uintptr_t)me->object;
    e->site = (uint64_t)(uintptr_t)me->site;
    e->thread = (uint8_t)me->id;
    e->kind = me->kind;
    e->irql = me->want_irql > me->irql ? me->want_irql : me->irql;
    e->chosen = (uint8_t)next->id;
    e->aux = me->kind == VSP_SP_LOCK_WAIT ? (uint32_t)me->holder : 0;
    if (S.step < (VSP_LOG_SIZE - VSP_LOG_DECISIONS) / sizeof(struct vsp_log_decision)) {
        struct vsp_log_decision *d =
            (struct vsp_log_decision *)((char *)l + VSP_LOG_DECISIONS) + S.step;
        d->enabled = enabled;
        d->chosen = (uint8_t)next->id;
        d->current = (uint8_t)me->id;
        d->yields = yields;
        l->recorded = S.step + 1;
    }
    l->steps = S.step + 1;
    l->vtime_ns = S.vtime;
}

/* The enabled threads, ascending: ready or starting with a processor; a timed waiter whose
 * deadline virtual time has passed (a stall moved it); and the timed waiter with the
 * earliest deadline still to come (always for the random walk and PCT, for replay, pb and
 * db only when nobody else can run). */
VSP_NOTSAN static unsigned vsp_enabled(unsigned *ids, uint64_t *mask)
{
    unsigned n = 0;
    struct vsp_sthread *next_timed = NULL;
    for (unsigned i = 0; i < S.n; i++) {
        struct vsp_sthread *t = &S.t[i];
        if (!vsp_has_cpu(t))
            continue;
        if (t->state == VSP_ST_READY || t->state == VSP_ST_STARTING ||
            (t->state == VSP_ST_BLOCKED && t->deadline != 0 && t->deadline <= S.vtime))
            ids[n++] = t->id;
        else if (t->state == VSP_ST_BLOCKED && t->deadline != 0 &&
                 (next_timed == NULL || t->deadline < next_timed->deadline))
            next_timed = t;
    }
    if (next_timed != NULL && (n == 0 || !S.strategy->lazy_time)) {
        unsigned i = n++;
        while (i > 0 && ids[i - 1] > next_timed->id) {
            ids[i] = ids[i - 1];
            i--;
        }
        ids[i] = next_timed->id;
    }
    *mask = 0;
    for (unsigned i = 0; i < n; i++)
        *mask |= 1ull << ids[i];
    return n;
}

/* Gives the token to the thread the strategy picks; false if nobody can run. */
VSP_NOTSAN static struct vsp_sthread *vsp_choose(struct vsp_sthread *me)
{
    unsigned ids[VSP_SCHED_MAX_THREADS];
    uint64_t enabled;
    unsigned n = vsp_enabled(ids, &enabled);
    if (n == 0)
        return NULL;
    bool yields = me != NULL && (me->kind == VSP_SP_YIELD || me->kind == VSP_SP_STALL ||
                                 (me->state == VSP_ST_BLOCKED && (enabled & (1ull << me->id))));
    struct vsp_sched_view v = {.step = S.step,
                               .current = me != NULL ? me->id : VSP_SCHED_MAX_THREADS,
                               .current_yields = yields,
                               .n = n,
                               .ids = ids};
    int pick = S.strategy->pick(S.strategy, &v);
    if (pick < 0 && me != NULL)
        vsp_diverged(me);
    struct vsp_sthread *next = &S.t[ids[pick < 0 ? 0 : pick]];
    vsp_take(next);
    if (me != NULL)
        vsp_record(me, next, enabled, yields);
    S.step++;
    S.current = next;
    return next;
}

/* me holds the token and the lock and is at a point (or blocked, or exited). Chooses who
 * runs next, hands over and returns when it is me's turn again (at once if exited). */
VSP_NOTSAN static void vsp_decide(struct vsp_sthread *me)
{
    struct vsp_sthread *next = vsp_choose(me);
    if (next == me) {
        vsp_unlock();
        return;
    }
    bool sleeps = false;
    if (next == NULL) {
        bool detached = false;
        for (unsigned i = 0; i < S.n; i++)
            detached |= S.t[i].state == VSP_ST_DETACHED;
        if (!detached)
            vsp_deadlock();
        S.current = NULL; /* a detached thread may come back: the token waits for it */
    } else {
        sleeps = vsp_give(next);
    }
    bool exited = me->state == VSP_ST_EXITED;
    vsp_unlock();
    if (sleeps)
        vsp_wake_up(next);
    if (!exited)
        vsp_wait_turn(me);
}

/* ---- The hooks (sched.h) ---------------------------------------------------------------- */

/* What a point does to me before the decision: lowering takes effect now, raising when
 * me is chosen (it may have to wait for a processor). */
VSP_NOTSAN static void vsp_at(struct vsp_sthread *me, unsigned kind, const void *object,
                              unsigned irql, const void *site)
{
    me->kind = (uint8_t)kind;
    me->object = object;
    me->site = site;
    if (irql == VSP_SCHED_SAME_IRQL)
        irql = me->irql;
    if (irql < me->irql)
        vsp_set_irql(me, irql);
    me->want_irql = (uint8_t)irql;
}

VSP_NOTSAN void vsp_sched_point_slow(unsigned kind, const void *object, unsigned irql,
                                     const void *site)
{
    if (vsp_sched_mode != VSP_SCHED_CONTROLLED) {
        vsp_delay(kind);
        return;
    }
    struct vsp_sthread *me = vsp_arrive();
    if (me == NULL)
        return;
    vsp_at(me, kind, object, irql, site);
    if (kind == VSP_SP_RELEASE) {
        for (unsigned i = me->nheld; i-- > 0;)
            if (me->held[i] == object) {
                me->held[i] = me->held[--me->nheld];
                break;
            }
    }
    if (kind == VSP_SP_RELEASE || kind == VSP_SP_EVENT_SET)
        vsp_wake(object);
    vsp_decide(me);
}

VSP_NOTSAN bool vsp_sched_wait(unsigned kind, const void *object, int holder, uint64_t deadline,
                               const void *site)
{
    struct vsp_sthread *me = vsp_arrive();
    if (me == NULL)
        return true;
    vsp_at(me, kind, object, me->irql, site);
    bool signalled = me->arm == 2 && me->wait_obj == object;
    me->arm = 0;
    me->timed_out = false;
    if (!signalled) { /* else signalled since vsp_sched_wait_arm: only a point */
        me->state = VSP_ST_BLOCKED;
        me->wait_obj = object;
        me->holder = holder;
        me->deadline = deadline;
    }
    vsp_decide(me);
    me->deadline = 0;
    me->wait_obj = NULL;
    return !me->timed_out;
}

VSP_NOTSAN void vsp_sched_enter_slow(const void *site)
{
    struct vsp_sthread *me = vsp_me;
    if (vsp_sched_mode != VSP_SCHED_CONTROLLED ||
        (me != NULL && me->state == VSP_ST_READY &&
         __atomic_load_n(&S.current, __ATOMIC_RELAXED) == me))
        return;
    vsp_sched_point_slow(VSP_SP_START, NULL, VSP_SCHED_SAME_IRQL, site);
}

VSP_NOTSAN bool vsp_sched_wait_arm(const void *object)
{
    struct vsp_sthread *me = vsp_me;
    /* A thread's first point is always its own step, whether or not it has been picked
     * before it got there: otherwise the steps would depend on timing. */
    if (me == NULL || __atomic_load_n(&me->state, __ATOMIC_RELAXED) != VSP_ST_READY ||
        __atomic_load_n(&S.current, __ATOMIC_RELAXED) != me)
        return false;
    vsp_lock();
    me->wait_obj = object;
    me->arm = 1;
    vsp_unlock();
    return true;
}

VSP_NOTSAN void vsp_sched_stall(uint64_t ns, const void *site)
{
    struct vsp_sthread *me = vsp_arrive();
    if (me == NULL)
        return;
    vsp_at(me, VSP_SP_STALL, NULL, VSP_SCHED_SAME_IRQL, site);
    S.vtime += ns;
    vsp_decide(me);
}

VSP_NOTSAN void vsp_sched_signal(const void *object)
{
    vsp_lock();
    vsp_wake(object);
    vsp_unlock();
}

VSP_NOTSAN void vsp_sched_acquired(const void *lock)
{
    struct vsp_sthread *me = vsp_me;
    if (me != NULL && me->nheld < VSP_HELD_MAX)
        me->held[me->nheld++] = lock;
}

VSP_NOTSAN uint64_t vsp_sched_now_ns(void)
{
    if (vsp_sched_controlled())
        return __atomic_load_n(&S.vtime, __ATOMIC_RELAXED);
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- Threads' lives (core.h) ------------------------------------------------------------ */

VSP_NOTSAN struct vsp_sthread *vsp_sched_adopt(void)
{
    if (!vsp_sched_controlled())
        return NULL;
    vsp_lock();
    struct vsp_sthread *t = vsp_slot(VSP_ST_STARTING);
    if (t != NULL)
        t->state = VSP_ST_FREE; /* until created */
    vsp_unlock();
    return t;
}

VSP_NOTSAN void vsp_sched_created(struct vsp_sthread *t, pthread_t thread, bool ok)
{
    vsp_lock();
    if (ok) {
        t->pt = thread;
        t->has_pt = true;
        if (t->state == VSP_ST_FREE)
            t->state = VSP_ST_STARTING;
    } else {
        t->state = VSP_ST_EXITED;
    }
    vsp_unlock();
}

VSP_NOTSAN void vsp_sched_bind(struct vsp_sthread *t)
{
    vsp_me = t;
    vsp_lock();
    if (t->state == VSP_ST_FREE) /* running before its creator recorded it */
        t->state = VSP_ST_STARTING;
    vsp_unlock();
}

VSP_NOTSAN void vsp_sched_exit(void)
{
    if (vsp_me == NULL || !vsp_sched_controlled())
        return;
    struct vsp_sthread *me = vsp_arrive();
    if (me == NULL)
        return;
    vsp_at(me, VSP_SP_EXIT, me, 0, NULL);
    me->state = VSP_ST_EXITED;
    vsp_wake(me);
    vsp_decide(me);
}

VSP_NOTSAN struct vsp_sthread *vsp_sched_find(pthread_t thread)
{
    struct vsp_sthread *found = NULL;
    vsp_lock();
    for (unsigned i = 0; i < S.n && found == NULL; i++)
        if (S.t[i].has_pt && pthread_equal(S.t[i].pt, thread))
            found = &S.t[i];
    vsp_unlock();
    return found;
}

VSP_NOTSAN bool vsp_sched_exited(struct vsp_sthread *t)
{
    return __atomic_load_n(&t->state, __ATOMIC_ACQUIRE) == VSP_ST_EXITED;
}

/* ---- The stall monitor ------------------------------------------------------------------ */

/* The first words of /proc/self/task/TID/FILE ("syscall": the system call it is in; "wchan":
 * where the kernel keeps it), or "?". */
VSP_NOTSAN static void vsp_proc(int tid, const char *file, char *buf, size_t n)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/self/task/%d/%s", tid, file);
    FILE *f = fopen(path, "r");
    if (f == NULL || fgets(buf, (int)n, f) == NULL)
        snprintf(buf, n, "?");
    if (f != NULL)
        fclose(f);
    buf[strcspn(buf, " \n")] = '\0';
}

/* t held the token past the stall bound: the run goes on without it. It is not interrupted
 * (a signal would cut its system call short): its stack is taken when it comes back. */
VSP_NOTSAN static void vsp_stalled(struct vsp_sthread *t)
{
    static struct vsp_text x;
    char call[32], wchan[64];
    vsp_proc(t->tid, "syscall", call, sizeof call);
    vsp_proc(t->tid, "wchan", wchan, sizeof wchan);
    vsp_text_clear(&x);
    vsp_put(&x, "vpspin: not reproducible: ");
    vsp_put_thread(&x, t);
    vsp_put(&x,
            " ran outside vpspin for more than %u ms after step %llu (in system call %s, "
            "kernel wait %s: something vpspin cannot see); the others go on without it\n"
            "  it left vpspin at ",
            S.stall_ms, (unsigned long long)S.step, call, wchan);
    vsp_put_code_address(&x, t->site);
    vsp_put(&x, "\n");
    fputs(x.buf, stderr);
    if (S.log != NULL && S.log->unreproducible == 0) {
        memcpy(S.log->report, x.buf, x.len < VSP_LOG_REPORT ? x.len : VSP_LOG_REPORT - 1);
        S.log->unreproducible = 1 + t->id;
    }
}

/* A detached thread is back at a point: where it was meanwhile. */
VSP_NOTSAN static void vsp_came_back(struct vsp_sthread *t)
{
    static struct vsp_text x;
    void *frames[VSP_STACK_MAX];
    int n = backtrace(frames, VSP_STACK_MAX);
    vsp_text_clear(&x);
    vsp_put(&x, "vpspin: #%u %s came back to vpspin; its stack:\n", t->id, vsp_thread_name(t));
    vsp_put_frames(&x, frames, n, "  ");
    fputs(x.buf, stderr);
    if (S.log != NULL && S.log->unreproducible == 1 + t->id) {
        size_t used = strnlen(S.log->report, VSP_LOG_REPORT - 1);
        size_t room = VSP_LOG_REPORT - 1 - used;
        memcpy(S.log->report + used, x.buf, x.len < room ? x.len : room);
    }
}

VSP_NOTSAN void *vsp_sched_monitor(void *arg)
{
    (void)arg;
    uint64_t seen = (uint64_t)-1;
    unsigned since = 0;
    for (;;) {
        struct timespec ts = {0, 10000000};
        nanosleep(&ts, NULL);
        vsp_lock();
        struct vsp_sthread *t = S.current;
        since += 10;
        if (S.step != seen || t == NULL || t->state == VSP_ST_BLOCKED) {
            seen = S.step;
            since = 0;
            vsp_unlock();
            continue;
        }
        if (since < S.stall_ms) {
            vsp_unlock();
            continue;
        }
        t->state = VSP_ST_DETACHED;
        vsp_stalled(t);
        {
            /* Decide in its place; it waits for the token at its next point. */
            S.current = NULL;
            struct vsp_sthread *next = vsp_choose(NULL);
            if (next != NULL && vsp_give(next)) {
                vsp_unlock();
                vsp_wake_up(next);
                vsp_lock();
            }
        }
        seen = S.step;
        since = 0;
        vsp_unlock();
    }
    return NULL;
}

/* ---- Start ------------------------------------------------------------------------------ */

VSP_NOTSAN bool vsp_sched_start(const struct vsp_sched_config *c)
{
    S.strategy = c->strategy;
    S.cpus = c->cpus;
    S.seed = c->seed;
    S.stall_ms = c->stall_ms;
    S.vtime = vsp_sched_now_ns();
    S.signo = SIGRTMIN + 4;
    if (c->log_path != NULL)
        S.log = vsp_log_open(c->log_path, c->seed, c->cpus, c->strategy->name);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = vsp_on_stack_signal;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(S.signo, &sa, NULL);
    void *warm[2];
    backtrace(warm, 2); /* loads the unwinder now, not in the signal handler */

    struct vsp_sthread *me = vsp_slot(VSP_ST_READY);
    vsp_me = me;
    vsp_identify(me);
    S.current = me;
    __atomic_store_n(&vsp_sched_mode, VSP_SCHED_CONTROLLED, __ATOMIC_RELAXED);
    vsp_slow_set(VSP_SLOW_SCHED, true);
    return true;
}

/* exit() ran: the run ended normally as far as scheduling goes. */
__attribute__((destructor)) static void vsp_sched_fini(void)
{
    if (S.log != NULL && S.log->status == VSP_LOG_RUNNING)
        __atomic_store_n(&S.log->status, VSP_LOG_EXITED, __ATOMIC_RELEASE);
}
