/*
 * check/lockinfo.c - the one describer and enumerator of lockinfo.h.
 */
#include "check/lockinfo.h"

#include <stddef.h>
#include <stdio.h>

#include "sched/sched.h"

static vsp_lock_describer vsp_describer; /* atomic: set once */

/* The controlled scheduler's deadlock report names the locks it can ("VideoPort spin lock
 * #2"), through the same describer. */
static void vsp_lockinfo_name(const void *lock, char *buf, unsigned long n)
{
    struct vsp_lock_info info;
    if (vsp_lock_describe(lock, &info))
        snprintf(buf, n, "%s #%lu", info.kind, info.serial);
    else
        snprintf(buf, n, "KSPIN_LOCK");
}

void vsp_lock_describer_set(vsp_lock_describer describe)
{
    __atomic_store_n(&vsp_describer, describe, __ATOMIC_RELEASE);
    vsp_sched_set_namer(vsp_lockinfo_name);
}

bool vsp_lock_describe(const void *lock, struct vsp_lock_info *info)
{
    vsp_lock_describer describe = __atomic_load_n(&vsp_describer, __ATOMIC_ACQUIRE);
    return describe != NULL && lock != NULL && describe(lock, info);
}

static vsp_lock_enumerator vsp_enumerator; /* atomic: set once */

void vsp_lock_enumerator_set(vsp_lock_enumerator enumerate)
{
    __atomic_store_n(&vsp_enumerator, enumerate, __ATOMIC_RELEASE);
}

void vsp_lock_enumerate(vsp_lock_visit fn, void *ctx)
{
    vsp_lock_enumerator enumerate = __atomic_load_n(&vsp_enumerator, __ATOMIC_ACQUIRE);
    if (enumerate != NULL)
        enumerate(fn, ctx);
}
