/*
 * sched/thread.c - threads and the host's waits in the controlled mode: thread creation and
 * join, the host's mutexes and condition variables.
 *
 * A thread's id must not depend on timing, or no schedule would replay. So the controlled
 * mode learns of a thread when it is created, not when it first calls vpspin: vpspin's
 * pthread_create (the one a program linked with libvpspin calls, since the library comes
 * before libc; it passes straight through when the mode is off) gives the new thread the
 * next id on the creator's step, then starts it through a trampoline that binds the id
 * and its first step, and, when the start routine returns (or pthread_exit unwinds it),
 * makes its exit a scheduling point that wakes its joiners. pthread_join waits for a
 * controlled thread as a scheduling point too, then joins it for real. Under a race
 * detector the first step waits for the thread's first vpspin call (the detector's own
 * pthread_create may wait for the thread to start), so the code before it runs beside the
 * others. Threads made any other way are taken in at their first point, in whatever order
 * they arrive.
 *
 * The host's mutexes and condition variables become waits of the scheduler: a thread that
 * finds a mutex taken, or waits on a condition, is blocked on it until it is unlocked or
 * broadcast, and timed waits run on virtual time.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/alloc.h"
#include "sched/core.h"
#include "sched/sched.h"

typedef int (*vsp_create_fn)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
typedef int (*vsp_join_fn)(pthread_t, void **);

/* The definition after ours: libc's (a race detector's comes before ours). Looked up at each
 * call: threads are made and joined seldom. */
static void (*vsp_next(const char *name))(void)
{
    union {
        void *object;
        void (*function)(void);
    } f = {.object = dlsym(RTLD_NEXT, name)};
    if (f.object == NULL)
        abort(); /* no libc below us: nothing can work */
    return f.function;
}

#define vsp_real_create() ((vsp_create_fn)vsp_next("pthread_create"))
#define vsp_real_join() ((vsp_join_fn)vsp_next("pthread_join"))

struct vsp_trampoline {
    void *(*start)(void *);
    void *arg;
    struct vsp_sthread *t;
};

static void vsp_thread_exit(void *unused)
{
    (void)unused;
    vsp_sched_exit();
}

/* What runs before a race detector's own start routine has told it of the thread: not
 * instrumented, and nothing it intercepts (free). */
#define VSP_UNSEEN __attribute__((no_sanitize_thread, no_sanitize_address))

VSP_UNSEEN static bool vsp_in_runtime(void *(*start)(void *));

/* The thread takes its first step before it runs its routine, so that nothing it does
 * depends on timing; but not before a race detector's routine, for whose start its creator
 * may wait (ThreadSanitizer's does): then the code before its first vpspin call runs beside
 * the thread that holds the token. */
VSP_UNSEEN static void *vsp_thread_main(void *p)
{
    struct vsp_trampoline *tr = p;
    vsp_sched_bind(tr->t);
    if (!vsp_in_runtime(tr->start))
        vsp_sched_enter(NULL);
    void *result;
    pthread_cleanup_push(vsp_thread_exit, NULL);
    pthread_cleanup_push(free, p);
    result = tr->start(tr->arg);
    pthread_cleanup_pop(1);
    pthread_cleanup_pop(1);
    return result;
}

static __thread bool vsp_raw; /* vsp_sched_create_raw is creating a thread */

/* Whether start is a sanitizer runtime's (libtsan, libasan, libclang_rt.*san). */
VSP_UNSEEN static bool vsp_in_runtime(void *(*start)(void *))
{
    union {
        void *(*function)(void *);
        void *object;
    } f = {.function = start};
    Dl_info info;
    return dladdr(f.object, &info) != 0 && info.dli_fname != NULL &&
           strstr(info.dli_fname, "san") != NULL;
}

/* A thread a sanitizer runtime starts for itself (ThreadSanitizer's background thread:
 * its routine, with a NULL argument): never controlled. The program's threads pass through
 * the runtime too, but with an argument. */
static bool vsp_runtime_thread(void *(*start)(void *), void *arg)
{
    return arg == NULL && vsp_in_runtime(start);
}

static int vsp_create(pthread_t *thread, const pthread_attr_t *attr, void *(*start)(void *),
                      void *arg)
{
    if (vsp_raw || !vsp_sched_controlled() || vsp_runtime_thread(start, arg))
        return vsp_real_create()(thread, attr, start, arg);
    vsp_sched_enter(__builtin_return_address(0)); /* the new id is the creator's step */
    struct vsp_sthread *t = vsp_sched_adopt();
    if (t == NULL)
        return vsp_real_create()(thread, attr, start, arg);
    /* The stall monitor, with the second thread: not earlier, since a process that already
     * has two threads pays milliseconds for the membarrier registration of lock/. */
    static bool monitor;
    if (!__atomic_exchange_n(&monitor, true, __ATOMIC_RELAXED)) {
        pthread_t m;
        if (vsp_sched_create_raw(&m, vsp_sched_monitor, NULL) == 0)
            pthread_detach(m);
    }
    struct vsp_trampoline *tr = vsp_alloc(sizeof *tr);
    if (tr == NULL) {
        vsp_sched_created(t, *thread, false);
        return EAGAIN;
    }
    *tr = (struct vsp_trampoline){start, arg, t};
    int rc = vsp_real_create()(thread, attr, vsp_thread_main, tr);
    vsp_sched_created(t, rc == 0 ? *thread : (pthread_t)0, rc == 0);
    if (rc != 0)
        free(tr);
    return rc;
}

/* The library's own threads and joins go through the first pthread_create and
 * pthread_join of the process, as the program's do: a race detector in front of us then
 * knows the thread and sees the join, and ours comes next. */
static void (*vsp_first(const char *name))(void)
{
    union {
        void *object;
        void (*function)(void);
    } f = {.object = dlsym(RTLD_DEFAULT, name)};
    return f.object != NULL ? f.function : vsp_next(name);
}

/* The library's threads count as allocations (base/alloc.h): a test can make their
 * creation fail. */
int vsp_sched_create(pthread_t *thread, void *(*start)(void *), void *arg)
{
    if (vsp_alloc_fails())
        return EAGAIN;
    return ((vsp_create_fn)vsp_first("pthread_create"))(thread, NULL, start, arg);
}

int vsp_sched_create_raw(pthread_t *thread, void *(*start)(void *), void *arg)
{
    if (vsp_alloc_fails())
        return EAGAIN;
    vsp_raw = true; /* ours passes it on */
    int rc = ((vsp_create_fn)vsp_first("pthread_create"))(thread, NULL, start, arg);
    vsp_raw = false;
    return rc;
}

int vsp_sched_join(pthread_t thread, void **result)
{
    return ((vsp_join_fn)vsp_first("pthread_join"))(thread, result);
}

/* pthread_join, with a controlled thread's exit waited for as a scheduling point. */
static int vsp_join(pthread_t thread, void **result)
{
    if (vsp_sched_controlled()) {
        struct vsp_sthread *t = vsp_sched_find(thread);
        while (t != NULL && !vsp_sched_exited(t))
            vsp_sched_wait(VSP_SP_JOIN, t, 0, 0, __builtin_return_address(0));
    }
    return vsp_real_join()(thread, result);
}

/* The program's own, in front of libc's. */
__attribute__((visibility("default"))) int
pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*start)(void *), void *arg)
{
    return vsp_create(thread, attr, start, arg);
}

__attribute__((visibility("default"))) int pthread_join(pthread_t thread, void **result)
{
    return vsp_join(thread, result);
}

/* Arms a wait for object (a signal from now on is not lost); a thread that has not reached
 * its first point takes its turn first instead, and returns false (the caller looks again).
 * unlock: the mutex to let go of meanwhile, or NULL. */
static bool vsp_arm(const void *object, pthread_mutex_t *unlock)
{
    if (vsp_sched_wait_arm(object))
        return true;
    if (unlock != NULL)
        pthread_mutex_unlock(unlock);
    vsp_sched_point(VSP_SP_START, object, VSP_SCHED_SAME_IRQL, NULL);
    if (unlock != NULL)
        pthread_mutex_lock(unlock);
    return false;
}

void vsp_sched_mutex_lock(pthread_mutex_t *m)
{
    if (!vsp_sched_controlled()) {
        pthread_mutex_lock(m);
        return;
    }
    for (;;) {
        vsp_arm(m, NULL);
        if (pthread_mutex_trylock(m) == 0)
            break;
        vsp_sched_wait(VSP_SP_MUTEX_WAIT, m, 0, 0, __builtin_return_address(0));
    }
}

void vsp_sched_mutex_unlock(pthread_mutex_t *m)
{
    pthread_mutex_unlock(m);
    if (vsp_sched_controlled())
        vsp_sched_signal(m);
}

void vsp_sched_cond_wait(pthread_cond_t *c, pthread_mutex_t *m, uint64_t deadline)
{
    if (!vsp_sched_controlled()) {
        if (deadline == 0) {
            pthread_cond_wait(c, m);
            return;
        }
        struct timespec ts = {.tv_sec = (time_t)(deadline / 1000000000u),
                              .tv_nsec = (long)(deadline % 1000000000u)};
        pthread_cond_timedwait(c, m, &ts);
        return;
    }
    /* Armed under m, so a broadcast made after we let m go is not lost. */
    if (!vsp_arm(c, m))
        return;
    pthread_mutex_unlock(m);
    vsp_sched_wait(VSP_SP_EVENT_WAIT, c, 0, deadline, __builtin_return_address(0));
    pthread_mutex_lock(m);
}

void vsp_sched_cond_broadcast(pthread_cond_t *c)
{
    pthread_cond_broadcast(c);
    if (vsp_sched_controlled())
        vsp_sched_signal(c);
}
