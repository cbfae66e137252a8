/*
 * host/request.c - what a device's threads wait on: their wake-ups, and requests that a
 * caller posts to one of them (an interrupt, a timer call) and waits until it is served.
 */
#include <time.h>

#include "host/host.h"

uint64_t vsp_host_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void vsp_host_wait(struct vpspin_device *d, uint64_t deadline_ns)
{
    if (deadline_ns == 0) {
        pthread_cond_wait(&d->wake, &d->m);
        return;
    }
    struct timespec ts = {.tv_sec = (time_t)(deadline_ns / 1000000000u),
                          .tv_nsec = (long)(deadline_ns % 1000000000u)};
    pthread_cond_timedwait(&d->wake, &d->m, &ts);
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

BOOLEAN vsp_request_run(struct vpspin_device *d, struct vsp_request_queue *q, pthread_t server)
{
    /* Asked of the thread that would serve it, or while holding the interrupt lock the
     * ISR needs: it would wait for itself. */
    if (pthread_equal(pthread_self(), server) || vsp_context_tls.interrupt_context != VSP_CTX_NONE)
        return FALSE;
    struct vsp_request r = {.result = FALSE};
    pthread_mutex_lock(&d->m);
    vsp_request_push(q, &r);
    pthread_cond_broadcast(&d->wake);
    while (!r.done)
        pthread_cond_wait(&d->done, &d->m);
    pthread_mutex_unlock(&d->m);
    return r.result;
}

void vsp_request_complete(struct vpspin_device *d, struct vsp_request *r, BOOLEAN result)
{
    r->result = result;
    r->done = true;
    pthread_cond_broadcast(&d->done);
}
