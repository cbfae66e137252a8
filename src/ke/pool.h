/*
 * ke/pool.h - pool: the memory ExAllocatePoolWithTag and the VideoPort memory services hand
 * out, each block with its tag, type, size, owner and caller, so that frees can be checked
 * and what a device never freed can be listed when it stops.
 */
#ifndef VSP_KE_POOL_H
#define VSP_KE_POOL_H

#include <stdbool.h>
#include <stddef.h>

#include <vpspin/wdm.h>

#include "check/api.h"

/* What a block was allocated as (its owner's leak report names it). */
enum vsp_pool_kind {
    VSP_POOL_DRIVER, /* ExAllocatePoolWithTag, VideoPortAllocatePool */
    VSP_POOL_BUFFER, /* VideoPortAllocateBuffer */
    VSP_POOL_EVENT,  /* VideoPortCreateEvent's event */
};

/* Checks the IRQL (0x01/0x02 by type) and size (0x00) rules, then allocates. NULL when out
 * of memory, failure is injected (vpspin_fail_allocations) or a report's handler returned.
 * owner is what the block belongs to (a HwDeviceExtension, or NULL). */
PVOID vsp_pool_alloc(enum vsp_api api, POOL_TYPE type, SIZE_T bytes, ULONG tag, const void *owner,
                     enum vsp_pool_kind kind, const void *caller);

/* Checks and frees: an address that is not a live block (0x10, or 0x13 if it was freed),
 * the IRQL (0x11/0x12 by its type), a set timer or queued DPC inside it (0x15), and, if tag
 * is not NULL, the tag (0xF005). A block of another kind than kind is not a block here
 * (0x10). Returns false, freeing nothing, when a check failed. */
bool vsp_pool_free(enum vsp_api api, PVOID p, const ULONG *tag, enum vsp_pool_kind kind);

/* Whether p is a live block of that kind (without dereferencing anything else). */
bool vsp_pool_is(const void *p, enum vsp_pool_kind kind);

/* How many live blocks of kind owner has, and their bytes (if bytes is not NULL). */
size_t vsp_pool_count(const void *owner, enum vsp_pool_kind kind, size_t *bytes);

/* Frees every live block owner has, writing a line for each on stderr if report; returns
 * how many there were. first_line is written before the first (if report). */
size_t vsp_pool_release(const void *owner, bool report, const char *first_line);

#endif
