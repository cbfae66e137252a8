/*
 * ke/objects.h - the Ke objects that vpspin keeps in its own queues while they are in use
 * (set timers: ke/timer.c; queued DPCs: ke/dpc.c), found by where they are in memory: the
 * memory must not be freed under them (a pool free, 0xC4/0x15; a device's extension).
 */
#ifndef VSP_KE_OBJECTS_H
#define VSP_KE_OBJECTS_H

#include <stdbool.h>
#include <stddef.h>

#include <vpspin/wdm.h>

/* A set KTIMER / queued KDPC inside [p, p + size), or NULL. */
const void *vsp_timer_within(const void *p, size_t size);
const void *vsp_dpc_within(const void *p, size_t size);

/* Cancels every timer and dequeues every DPC inside [p, p + size); returns how many. */
size_t vsp_timers_cancel_within(const void *p, size_t size);
size_t vsp_dpcs_remove_within(const void *p, size_t size);

/* KeInsertQueueDpc without its scheduling point: for the timer's expiry, a point of its own. */
BOOLEAN vsp_dpc_insert(PRKDPC Dpc, PVOID SystemArgument1, PVOID SystemArgument2);

/* Whether the object at o starts inside [p, p + size). */
static inline bool vsp_inside(const void *o, const void *p, size_t size)
{
    return (const char *)o >= (const char *)p && (const char *)o < (const char *)p + size;
}

static inline const void *vsp_ke_object_within(const void *p, size_t size)
{
    const void *o = vsp_timer_within(p, size);
    return o != NULL ? o : vsp_dpc_within(p, size);
}

#endif
