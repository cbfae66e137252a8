/*
 * lock/thread.c - attaching a thread to the IRQL model: its kernel thread id and owner tag,
 * and the registry of attached threads that the lock dump reads (thread.h).
 */
#include "lock/thread.h"

#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lock/lockword.h"

__thread struct vsp_thread vsp_self_tls __attribute__((tls_model("initial-exec")));

static pthread_mutex_t vsp_registry_mutex = PTHREAD_MUTEX_INITIALIZER;
static struct vsp_thread *vsp_registry; /* under the mutex */
static pthread_key_t vsp_registry_key;

void vsp_thread_lock(void) { pthread_mutex_lock(&vsp_registry_mutex); }
void vsp_thread_unlock(void) { pthread_mutex_unlock(&vsp_registry_mutex); }
struct vsp_thread *vsp_thread_first(void) { return vsp_registry; }

uint32_t vsp_thread_attach(struct vsp_thread *t)
{
    t->tid = (int)syscall(SYS_gettid);
    t->owner = vsp_record_tag(t->tid);
    vsp_thread_lock();
    if (!t->registered) {
        t->prev = NULL;
        t->next = vsp_registry;
        if (vsp_registry != NULL)
            vsp_registry->prev = t;
        vsp_registry = t;
        t->registered = true;
    }
    vsp_thread_unlock();
    pthread_setspecific(vsp_registry_key, t); /* for the removal at exit */
    return t->owner;
}

/* Thread exit: out of the registry. */
static void vsp_thread_exit(void *arg)
{
    struct vsp_thread *t = arg;
    vsp_thread_lock();
    if (t->registered) {
        if (t->prev != NULL)
            t->prev->next = t->next;
        else
            vsp_registry = t->next;
        if (t->next != NULL)
            t->next->prev = t->prev;
        t->registered = false;
    }
    vsp_thread_unlock();
}

/* fork() holds the registry's mutex, so that the child's copy is free. A forked child
 * runs as a new thread: it must not sign lock words with its parent's id, and it is the
 * only thread (it registers again when it attaches). Its IRQL carries over, as the rest
 * of its memory does. */
static void vsp_thread_prepare(void) { vsp_thread_lock(); }
static void vsp_thread_parent(void) { vsp_thread_unlock(); }

static void vsp_thread_forked(void)
{
    vsp_self_tls.owner = 0;
    vsp_self_tls.tid = 0;
    vsp_self_tls.registered = false;
    vsp_self_tls.last_lock = NULL; /* its copy of a record signed with the parent's id */
    vsp_registry = NULL;
    vsp_thread_unlock();
}

__attribute__((constructor)) static void vsp_thread_init(void)
{
    pthread_key_create(&vsp_registry_key, vsp_thread_exit);
    pthread_atfork(vsp_thread_prepare, vsp_thread_parent, vsp_thread_forked);
}
