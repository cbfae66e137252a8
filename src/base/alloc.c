/*
 * base/alloc.c - allocation with failure injection (alloc.h, vpspin_fail_allocations).
 */
#include "base/alloc.h"

#include "base/annotate.h"

#include <pthread.h>
#include <stdlib.h>

#include <vpspin/vpspin.h>

static pthread_mutex_t vsp_fail_mutex = PTHREAD_MUTEX_INITIALIZER;
static ULONG vsp_fail_skip, vsp_fail_count;
static bool vsp_fail_armed; /* atomic: lets the common case skip the mutex */

void vpspin_fail_allocations(ULONG Skip, ULONG Count)
{
    pthread_mutex_lock(&vsp_fail_mutex);
    vsp_fail_skip = Skip;
    vsp_fail_count = Count;
    __atomic_store_n(&vsp_fail_armed, Count != 0, __ATOMIC_RELAXED);
    pthread_mutex_unlock(&vsp_fail_mutex);
}

bool vsp_alloc_fails(void)
{
    if (!__atomic_load_n(&vsp_fail_armed, __ATOMIC_RELAXED))
        return false;
    bool fail = false;
    pthread_mutex_lock(&vsp_fail_mutex);
    if (vsp_fail_skip > 0) {
        vsp_fail_skip--;
    } else if (vsp_fail_count > 0) {
        vsp_fail_count--;
        fail = true;
        __atomic_store_n(&vsp_fail_armed, vsp_fail_count != 0, __ATOMIC_RELAXED);
    }
    pthread_mutex_unlock(&vsp_fail_mutex);
    return fail;
}

void *vsp_alloc(size_t n)
{
    void *p = vsp_alloc_fails() ? NULL : calloc(1, n);
    if (p != NULL)
        vsp_annotate_internal(p, n); /* everything allocated here is bookkeeping */
    return p;
}
