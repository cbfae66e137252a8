/*
 * lock/thread.c - attaching a thread to the IRQL model: its kernel thread id and owner tag.
 */
#include "lock/thread.h"

#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lock/lockword.h"

__thread struct vsp_thread vsp_self_tls __attribute__((tls_model("initial-exec")));

uint32_t vsp_thread_attach(struct vsp_thread *t)
{
    t->tid = (int)syscall(SYS_gettid);
    t->owner = vsp_record_tag(t->tid);
    return t->owner;
}

/* A forked child runs as a new thread: it must not sign lock words with its parent's
 * id. Its IRQL carries over, as the rest of its memory does. */
static void vsp_thread_forked(void)
{
    vsp_self_tls.owner = 0;
    vsp_self_tls.tid = 0;
}

__attribute__((constructor)) static void vsp_thread_init(void)
{
    pthread_atfork(NULL, NULL, vsp_thread_forked);
}
