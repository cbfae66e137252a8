/*
 * base/alloc.h - every allocation vpspin makes goes through here, so that a test can make any
 * one of them fail (vpspin_fail_allocations) and see the caller cope.
 *
 *   vsp_alloc(n)         zeroed memory, or NULL (out of memory or failure injected)
 *   vsp_alloc_fails()    for allocations made another way (mmap, a thread's stack: the
 *                        library's threads are made by sched/thread.c): true if this one
 *                        is to fail; counts as one allocation
 */
#ifndef VSP_ALLOC_H
#define VSP_ALLOC_H

#include <stdbool.h>
#include <stddef.h>

void *vsp_alloc(size_t n);
bool vsp_alloc_fails(void);

#endif
