/*
 * host/request.c - what a device's threads wait on: their wake-ups, and requests that a
 * caller posts to one of them (an interrupt, a timer call) and waits until it is served.
 */
#include <stdio.h>

#include "host/host.h"

uint64_t vsp_host_now_ns(void) { return vsp_sched_now_ns(); }

static pthread_mutex_t *vsp_host_lock(struct vpspin_device *d, unsigned which)
{
    return which == VSP_WAKE_DPC ? &d->dpc_m : &d->m;
}

void vsp_host_wait(struct vpspin_device *d, unsigned which, uint64_t deadline_ns)
{
    vsp_sched_cond_wait(&d->wake[__builtin_ctz(which)], vsp_host_lock(d, which), deadline_ns);
}

void vsp_host_wake(struct vpspin_device *d, unsigned mask)
{
    for (unsigned i = 0; i < VSP_HOST_THREADS; i++)
        if (mask & 1u << i)
            vsp_sched_cond_broadcast(&d->wake[i]);
}

void vsp_host_name_thread(const char *what, unsigned slot)
{
    char name[16];
    snprintf(name, sizeof name, "vp-%s-%u", what, slot);
    pthread_setname_np(pthread_self(), name);
}

void vsp_request_push(struct vsp_request_queue *q, struct vsp_request *r)
{
    r->next = NULL;
    if (q->head == NULL)
        q->tail = &q->head;
    *q->tail = r;
    q->tail = &r->next;
}

struct vsp_request *vsp_request_pop(struct vsp_request_queue *q)
{
    struct vsp_request *r = q->head;
    if (r != NULL)
        q->head = r->next;
    return r;
}

BOOLEAN vsp_request_run(struct vpspin_device *d, struct vsp_request_queue *q, pthread_t server,
                        unsigned which)
{
    /* Asked of the thread that would serve it, or while holding the interrupt lock the
     * ISR needs: it would wait for itself. */
    if (pthread_equal(pthread_self(), server) || vsp_context_tls.interrupt_context != VSP_CTX_NONE)
        return FALSE;
    struct vsp_request r = {.result = FALSE};
    vsp_sched_enter(__builtin_return_address(0));
    pthread_mutex_lock(&d->m);
    vsp_request_push(q, &r);
    pthread_mutex_unlock(&d->m);
    vsp_host_wake(d, which);
    pthread_mutex_lock(&d->m);
    while (!r.done)
        vsp_sched_cond_wait(&d->done, &d->m, 0);
    pthread_mutex_unlock(&d->m);
    return r.result;
}

void vsp_request_complete(struct vpspin_device *d, struct vsp_request *r, BOOLEAN result)
{
    r->result = result;
    r->done = true;
    pthread_mutex_unlock(&d->m);
    vsp_sched_cond_broadcast(&d->done);
    pthread_mutex_lock(&d->m);
}
