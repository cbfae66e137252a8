/*
 * ke/pool.c - pool blocks: ExAllocatePoolWithTag, ExAllocatePool, ExFreePoolWithTag,
 * ExFreePool, and the pool of the VideoPort memory services (pool.h).
 *
 * A block is a header followed by the caller's bytes (16-byte aligned, not zeroed, as on
 * Windows). Headers are linked in one list, so the blocks an owner (a device) still holds
 * can be listed when it stops. A free must not read a header before it knows the address
 * is a block: the addresses of live blocks are kept in a hash set (open addressing, linear
 * probing, tombstones), and the last VSP_FREED addresses freed in a ring, which is how a
 * second free (0x13) is told from a wild one (0x10). Everything is under one mutex: pool
 * calls are not the fast path of a driver.
 */
#include "ke/pool.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/symbol.h"
#include "check/verify.h"
#include "ke/objects.h"

struct vsp_pool_block {
    struct vsp_pool_block *next, *prev; /* the live list */
    const void *owner;
    const void *caller;
    size_t size;
    uint32_t tag;
    uint16_t type; /* POOL_TYPE */
    uint16_t kind; /* enum vsp_pool_kind */
};
_Static_assert(sizeof(struct vsp_pool_block) % 16 == 0, "blocks stay 16-byte aligned");

#define VSP_FREED 4096u

static pthread_mutex_t vsp_pool_mutex = PTHREAD_MUTEX_INITIALIZER;
static struct vsp_pool_block vsp_pool_list = {&vsp_pool_list, &vsp_pool_list, 0, 0, 0, 0, 0, 0};
static uintptr_t *vsp_live; /* the set: 0 empty, 1 a tombstone, else an address */
static size_t vsp_live_cap, vsp_live_used, vsp_live_count; /* slots, not empty, live */
static uintptr_t vsp_freed[VSP_FREED];                     /* the last addresses freed */
static unsigned vsp_freed_next;

static size_t vsp_hash(uintptr_t p)
{
    uint64_t h = (uint64_t)p;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return (size_t)h;
}

/* The slot holding p, or the empty slot where it would go; there is a table. */
static size_t vsp_live_slot(uintptr_t p)
{
    size_t mask = vsp_live_cap - 1, i = vsp_hash(p) & mask;
    while (vsp_live[i] != 0 && vsp_live[i] != p)
        i = (i + 1) & mask;
    return i;
}

static bool vsp_live_has(uintptr_t p)
{
    return vsp_live_cap != 0 && vsp_live[vsp_live_slot(p)] == p;
}

static bool vsp_live_grow(void)
{
    /* Twice the slots if half hold live addresses, else the same number without tombstones. */
    size_t cap = vsp_live_cap == 0                   ? 256
                 : vsp_live_count * 4 > vsp_live_cap ? vsp_live_cap * 2
                                                     : vsp_live_cap;
    uintptr_t *old = vsp_live, *table = vsp_alloc(cap * sizeof *table);
    if (table == NULL)
        return false;
    size_t old_cap = vsp_live_cap;
    vsp_live = table;
    vsp_live_cap = cap;
    vsp_live_used = 0;
    for (size_t i = 0; i < old_cap; i++) {
        if (old[i] > 1) {
            vsp_live[vsp_live_slot(old[i])] = old[i];
            vsp_live_used++;
        }
    }
    free(old);
    return true;
}

static bool vsp_live_add(uintptr_t p)
{
    if ((vsp_live_used + 1) * 2 > vsp_live_cap && !vsp_live_grow())
        return false;
    vsp_live[vsp_live_slot(p)] = p;
    vsp_live_used++;
    vsp_live_count++;
    return true;
}

static void vsp_live_remove(uintptr_t p)
{
    vsp_live[vsp_live_slot(p)] = 1;
    vsp_live_count--;
}

static bool vsp_was_freed(uintptr_t p)
{
    for (unsigned i = 0; i < VSP_FREED; i++)
        if (vsp_freed[i] == p)
            return true;
    return false;
}

static bool vsp_paged(POOL_TYPE type) { return type < MaxPoolType && (type & 1) != 0; }

static struct vsp_pool_block *vsp_header(const void *p)
{
    return (struct vsp_pool_block *)(uintptr_t)p - 1;
}

PVOID vsp_pool_alloc(enum vsp_api api, POOL_TYPE type, SIZE_T bytes, ULONG tag, const void *owner,
                     enum vsp_pool_kind kind, const void *caller)
{
    bool paged = vsp_paged(type);
    if (!vsp_irql_allows(api, paged ? VSP_RULE_POOL_PAGED : VSP_RULE_POOL_NONPAGED,
                         paged ? APC_LEVEL : DISPATCH_LEVEL, (ULONG_PTR)type, bytes))
        return NULL;
    if (bytes == 0 && vsp_checking()) {
        vsp_report_service(api, VSP_RULE_POOL_ZERO, vsp_self_tls.irql, (ULONG_PTR)type, 0);
        return NULL;
    }
    if (bytes > SIZE_MAX - sizeof(struct vsp_pool_block) || vsp_alloc_fails())
        return NULL;
    /* Not vsp_alloc: this is the driver's memory, which race detectors must watch. */
    struct vsp_pool_block *b = malloc(sizeof *b + bytes);
    if (b == NULL)
        return NULL;
    b->owner = owner;
    b->caller = caller;
    b->size = bytes;
    b->tag = tag;
    b->type = (uint16_t)type;
    b->kind = (uint16_t)kind;
    pthread_mutex_lock(&vsp_pool_mutex);
    bool ok = vsp_live_add((uintptr_t)(b + 1));
    if (ok) {
        b->next = &vsp_pool_list;
        b->prev = vsp_pool_list.prev;
        vsp_pool_list.prev->next = b;
        vsp_pool_list.prev = b;
    }
    pthread_mutex_unlock(&vsp_pool_mutex);
    if (!ok) {
        free(b);
        return NULL;
    }
    return b + 1;
}

/* Unlinks and frees a live block; under vsp_pool_mutex. */
static void vsp_block_free(struct vsp_pool_block *b)
{
    uintptr_t p = (uintptr_t)(b + 1);
    vsp_live_remove(p);
    b->prev->next = b->next;
    b->next->prev = b->prev;
    vsp_freed[vsp_freed_next++ % VSP_FREED] = p;
    free(b);
}

bool vsp_pool_free(enum vsp_api api, PVOID p, const ULONG *tag, enum vsp_pool_kind kind)
{
    bool checking = vsp_checking();
    pthread_mutex_lock(&vsp_pool_mutex);
    bool live = p != NULL && vsp_live_has((uintptr_t)p) && vsp_header(p)->kind == kind;
    if (!live) {
        bool twice = p != NULL && vsp_was_freed((uintptr_t)p);
        pthread_mutex_unlock(&vsp_pool_mutex);
        if (checking) {
            if (twice)
                vsp_report_service(api, VSP_RULE_FREE_TWICE, 0, (ULONG_PTR)p, 0);
            else
                vsp_report_service(api, VSP_RULE_FREE_BAD, (ULONG_PTR)p, 0, 0);
        }
        return false;
    }
    struct vsp_pool_block *b = vsp_header(p);
    POOL_TYPE type = (POOL_TYPE)b->type;
    ULONG own_tag = b->tag;
    size_t size = b->size;
    pthread_mutex_unlock(&vsp_pool_mutex);
    if (checking) {
        bool paged = vsp_paged(type);
        if (!vsp_irql_allows(api, paged ? VSP_RULE_FREE_PAGED : VSP_RULE_FREE_NONPAGED,
                             paged ? APC_LEVEL : DISPATCH_LEVEL, (ULONG_PTR)type, (ULONG_PTR)p))
            return false;
        /* (A report returns: the call is refused, as after any other.) */
        if (tag != NULL && *tag != own_tag) {
            vsp_report_service(api, VSP_RULE_FREE_TAG, (ULONG_PTR)p, *tag, own_tag);
            return false;
        }
        const void *object = vsp_ke_object_within(p, size);
        if (object != NULL) {
            vsp_report_service(api, VSP_RULE_FREE_TIMER, (ULONG_PTR)object, (ULONG_PTR)type,
                               (ULONG_PTR)p);
            return false;
        }
    }
    /* Unchecked too: a timer or DPC left in freed memory would fire into it. */
    vsp_timers_cancel_within(p, size);
    vsp_dpcs_remove_within(p, size);
    pthread_mutex_lock(&vsp_pool_mutex);
    bool still = vsp_live_has((uintptr_t)p); /* a racing free of the same block lost */
    if (still)
        vsp_block_free(b);
    pthread_mutex_unlock(&vsp_pool_mutex);
    return still;
}

bool vsp_pool_is(const void *p, enum vsp_pool_kind kind)
{
    pthread_mutex_lock(&vsp_pool_mutex);
    bool is = p != NULL && vsp_live_has((uintptr_t)p) && vsp_header(p)->kind == kind;
    pthread_mutex_unlock(&vsp_pool_mutex);
    return is;
}

size_t vsp_pool_count(const void *owner, enum vsp_pool_kind kind, size_t *bytes)
{
    size_t n = 0, total = 0;
    pthread_mutex_lock(&vsp_pool_mutex);
    for (struct vsp_pool_block *b = vsp_pool_list.next; b != &vsp_pool_list; b = b->next) {
        if (b->owner == owner && b->kind == kind) {
            n++;
            total += b->size;
        }
    }
    pthread_mutex_unlock(&vsp_pool_mutex);
    if (bytes != NULL)
        *bytes = total;
    return n;
}

static const char *vsp_kind_name(unsigned kind)
{
    switch (kind) {
    case VSP_POOL_BUFFER:
        return "VideoPortAllocateBuffer buffer";
    case VSP_POOL_EVENT:
        return "VideoPortCreateEvent event";
    default:
        return "pool";
    }
}

size_t vsp_pool_release(const void *owner, bool report, const char *first_line)
{
    size_t n = 0;
    pthread_mutex_lock(&vsp_pool_mutex);
    for (struct vsp_pool_block *b = vsp_pool_list.next, *next; b != &vsp_pool_list; b = next) {
        next = b->next;
        if (b->owner != owner)
            continue;
        if (report) {
            char caller[256], tag[5];
            vsp_format_code_address(caller, sizeof caller, b->caller);
            for (int i = 0; i < 4; i++) { /* the tag's characters, low byte first */
                unsigned char c = (unsigned char)(b->tag >> (8 * i));
                tag[i] = c >= 0x20 && c < 0x7F ? (char)c : '.';
            }
            tag[4] = '\0';
            if (n == 0)
                fputs(first_line, stderr);
            fprintf(stderr, "  %s at %p, %zu bytes, tag '%s', allocated by %s: freed now\n",
                    vsp_kind_name(b->kind), (void *)(b + 1), b->size, tag, caller);
        }
        vsp_block_free(b);
        n++;
    }
    pthread_mutex_unlock(&vsp_pool_mutex);
    return n;
}

/* At exit, with no block left, the set goes too (so memory checkers see nothing held). */
__attribute__((destructor)) static void vsp_pool_exit(void)
{
    pthread_mutex_lock(&vsp_pool_mutex);
    if (vsp_pool_list.next == &vsp_pool_list) {
        free(vsp_live);
        vsp_live = NULL;
        vsp_live_cap = vsp_live_used = vsp_live_count = 0;
    }
    pthread_mutex_unlock(&vsp_pool_mutex);
}

PVOID ExAllocatePoolWithTag(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
    return vsp_pool_alloc(VSP_API_ExAllocatePoolWithTag, PoolType, NumberOfBytes, Tag, NULL,
                          VSP_POOL_DRIVER, __builtin_return_address(0));
}

PVOID ExAllocatePool(POOL_TYPE PoolType, SIZE_T NumberOfBytes)
{
    return vsp_pool_alloc(VSP_API_ExAllocatePoolWithTag, PoolType, NumberOfBytes, 0x656E6F4E, NULL,
                          VSP_POOL_DRIVER, __builtin_return_address(0)); /* 'None' */
}

VOID ExFreePoolWithTag(PVOID P, ULONG Tag)
{
    vsp_pool_free(VSP_API_ExFreePoolWithTag, P, &Tag, VSP_POOL_DRIVER);
}

VOID ExFreePool(PVOID P) { vsp_pool_free(VSP_API_ExFreePoolWithTag, P, NULL, VSP_POOL_DRIVER); }
