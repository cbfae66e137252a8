/*
 * adapter/view.c - the miniport's mappings of its adapter, and the lookup that every
 * register and port access makes.
 *
 * VideoPortReadRegisterUlong(Register) gets an address and nothing else: no extension, no
 * range. So every mapping the miniport is given (VideoPortGetDeviceBase, MapMemory) is a
 * slot of one table, and an access finds its slot by address. A slot says what the
 * miniport was given, [base, end), and which range and offset that is; the access then
 * goes to the range (its memory, or the model's hooks). An address in no live slot is a
 * bad access (access.c says which rule), never a dereference.
 *
 * Addresses. A memory mapping gets pages of its own: the range's memfd mapped again, at a
 * fresh address, with a PROT_NONE guard page before and after ([lo, hi) is the whole
 * reservation). So two mappings never share an address, a pointer run a little past its
 * mapping lands in a guard page (and faults: fault.c reports it), and a freed mapping's
 * pages can be made PROT_NONE while the slot keeps them reserved, so that its address
 * stays "freed" instead of becoming someone else's. A port mapping is the port number
 * itself, as the video port gives it on x86 (VideoPortGetDeviceBase returns the
 * translated bus address); two port mappings may cover the same ports.
 *
 * Freed slots stay in the table, in quarantine, until VSP_QUARANTINE others have been
 * freed after them: until then an access through them is told apart from one through an
 * address never mapped. Then the slot is emptied and its pages unmapped.
 *
 * Concurrency. Writers (map, unmap, a device stopping) hold vsp_views_mutex. Readers - the
 * accesses, from any thread at any IRQL, and the fault handler - take no lock: each slot
 * is a seqlock. seq is even while the slot is stable; a writer makes it odd, changes the
 * fields, makes it even again:
 *
 *      writer: seq = s + 1 (odd); release fence; fields...; seq = s + 2 (release store)
 *      reader: s = seq (acquire); if odd, wait; fields...; acquire fence; seq == s? done
 *
 * (the acquire fence orders the field loads before the second load of seq, pairing with
 * the writer's release fence, so a reader that saw any new field sees seq changed.) Every
 * field is read and written with __atomic builtins, so the snapshot is never a data race.
 * A writer prepares the pages (mmap) before it opens the slot, so the window is a few
 * stores and a reader's wait is short; the fault handler may wait too, since the thread
 * that faulted never holds a slot open.
 *
 * The fast path: each thread remembers its last VSP_CACHE hits (slot, seq, [base, end),
 * range, offset). A hit is valid while the slot's seq is unchanged, which one acquire
 * load tells: any change of the slot (freed, reused) changes seq. So an access to a
 * mapping used recently costs a compare and a load; only a miss scans the table.
 */
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "adapter/adapter.h"
#include "base/alloc.h"
#include "base/cpu.h"
#include "base/slow.h"

#define VSP_MAX_VIEWS  256u
#define VSP_QUARANTINE 64u
#define VSP_CACHE      4u

struct vsp_view {
    unsigned seq;
    unsigned char state, io;
    uintptr_t base, end; /* what the miniport was given */
    uintptr_t lo, hi;    /* memory: the reservation, guard pages included; ports: base, end */
    struct vsp_range *range;
    ULONG offset; /* of base in the range */
    struct vpspin_adapter *adapter;
    unsigned char mapped_by, freed_by; /* enum vsp_api */
    const void *mapped_at, *freed_at;
    uint64_t serial; /* order of mapping (live) or of freeing (freed) */
};

static struct vsp_view vsp_views[VSP_MAX_VIEWS];
static unsigned vsp_views_high; /* atomic: slots ever used */
static pthread_mutex_t vsp_views_mutex = PTHREAD_MUTEX_INITIALIZER;
static uint64_t vsp_views_serial; /* under the mutex */
static unsigned vsp_views_freed;  /* under the mutex: slots in quarantine */

/* ---- Slots as seqlocks ----------------------------------------------------------------- */

#define VSP_LOAD(x)     __atomic_load_n(&(x), __ATOMIC_RELAXED)
#define VSP_STORE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)

/* A consistent copy of slot i. */
static void vsp_view_read(unsigned i, struct vsp_view *out)
{
    struct vsp_view *v = &vsp_views[i];
    for (;;) {
        unsigned s = __atomic_load_n(&v->seq, __ATOMIC_ACQUIRE);
        if (s & 1u) {
            vsp_cpu_relax();
            continue;
        }
        out->state = VSP_LOAD(v->state);
        out->io = VSP_LOAD(v->io);
        out->base = VSP_LOAD(v->base);
        out->end = VSP_LOAD(v->end);
        out->lo = VSP_LOAD(v->lo);
        out->hi = VSP_LOAD(v->hi);
        out->range = VSP_LOAD(v->range);
        out->offset = VSP_LOAD(v->offset);
        out->adapter = VSP_LOAD(v->adapter);
        out->mapped_by = VSP_LOAD(v->mapped_by);
        out->freed_by = VSP_LOAD(v->freed_by);
        out->mapped_at = VSP_LOAD(v->mapped_at);
        out->freed_at = VSP_LOAD(v->freed_at);
        out->serial = VSP_LOAD(v->serial);
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        if (__atomic_load_n(&v->seq, __ATOMIC_RELAXED) == s) {
            out->seq = s;
            return;
        }
    }
}

/* Writes slot i to *val (under the mutex). */
static void vsp_view_write(unsigned i, const struct vsp_view *val)
{
    struct vsp_view *v = &vsp_views[i];
    unsigned s = VSP_LOAD(v->seq);
    VSP_STORE(v->seq, s + 1);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    VSP_STORE(v->state, val->state);
    VSP_STORE(v->io, val->io);
    VSP_STORE(v->base, val->base);
    VSP_STORE(v->end, val->end);
    VSP_STORE(v->lo, val->lo);
    VSP_STORE(v->hi, val->hi);
    VSP_STORE(v->range, val->range);
    VSP_STORE(v->offset, val->offset);
    VSP_STORE(v->adapter, val->adapter);
    VSP_STORE(v->mapped_by, val->mapped_by);
    VSP_STORE(v->freed_by, val->freed_by);
    VSP_STORE(v->mapped_at, val->mapped_at);
    VSP_STORE(v->freed_at, val->freed_at);
    VSP_STORE(v->serial, val->serial);
    __atomic_store_n(&v->seq, s + 2, __ATOMIC_RELEASE);
}

static void vsp_view_info_of(const struct vsp_view *v, struct vsp_view_info *info)
{
    *info = (struct vsp_view_info){
        .base = v->base,
        .end = v->end,
        .io = v->io,
        .live = v->state == VSP_VIEW_LIVE,
        .mapped_by = (enum vsp_api)v->mapped_by,
        .freed_by = (enum vsp_api)v->freed_by,
        .mapped_at = v->mapped_at,
        .freed_at = v->freed_at,
        .range = v->range,
        .offset = v->offset,
    };
}

/* ---- Mapping and unmapping ------------------------------------------------------------- */

/* The page size, read once (the fault handler must not call sysconf). */
static size_t vsp_page(void)
{
    static size_t page; /* atomic */
    size_t p = __atomic_load_n(&page, __ATOMIC_RELAXED);
    if (p == 0) {
        p = (size_t)sysconf(_SC_PAGESIZE);
        __atomic_store_n(&page, p, __ATOMIC_RELAXED);
    }
    return p;
}

/* The pages of a memory mapping of [offset, offset + length) of r, guards around. */
static bool vsp_view_pages(struct vsp_view *v, const struct vsp_range *r, ULONG offset,
                           ULONG length)
{
    size_t page = vsp_page();
    size_t first = offset & ~(page - 1);
    size_t span = (((size_t)offset + length + page - 1) & ~(page - 1)) - first;
    if (vsp_alloc_fails())
        return false;
    char *res =
        mmap(NULL, span + 2 * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (res == MAP_FAILED)
        return false;
    if (mmap(res + page, span, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, r->fd,
             (off_t)first) == MAP_FAILED) {
        munmap(res, span + 2 * page);
        return false;
    }
    v->lo = (uintptr_t)res;
    v->hi = (uintptr_t)res + span + 2 * page;
    v->base = (uintptr_t)res + page + (offset - first);
    v->end = v->base + length;
    return true;
}

/* Empties slot i and gives its pages back (under the mutex). */
static void vsp_view_empty(unsigned i)
{
    struct vsp_view v;
    vsp_view_read(i, &v);
    if (v.state == VSP_VIEW_FREED)
        vsp_views_freed--;
    struct vsp_view empty = {.state = VSP_VIEW_EMPTY};
    vsp_view_write(i, &empty);
    if (!v.io)
        munmap((void *)v.lo, v.hi - v.lo);
}

PVOID vsp_view_map(struct vsp_range *r, ULONG offset, ULONG length, enum vsp_api api,
                   const void *caller)
{
    struct vsp_view v = {
        .state = VSP_VIEW_LIVE,
        .io = r->desc.InIoSpace,
        .range = r,
        .offset = offset,
        .adapter = r->adapter,
        .mapped_by = (unsigned char)api,
        .freed_by = (unsigned char)api,
        .mapped_at = caller,
    };
    if (v.io) {
        v.lo = v.base = (uintptr_t)r->desc.Start.QuadPart + offset;
        v.hi = v.end = v.base + length;
    } else if (!vsp_view_pages(&v, r, offset, length)) {
        return NULL;
    }
    pthread_mutex_lock(&vsp_views_mutex);
    unsigned high = __atomic_load_n(&vsp_views_high, __ATOMIC_RELAXED), i = 0;
    while (i < high && VSP_LOAD(vsp_views[i].state) != VSP_VIEW_EMPTY)
        i++;
    if (i == VSP_MAX_VIEWS) {
        pthread_mutex_unlock(&vsp_views_mutex);
        if (!v.io)
            munmap((void *)v.lo, v.hi - v.lo);
        return NULL;
    }
    v.serial = ++vsp_views_serial;
    vsp_view_write(i, &v);
    if (i == high)
        __atomic_store_n(&vsp_views_high, high + 1, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&vsp_views_mutex);
    return (PVOID)v.base;
}

unsigned vsp_view_unmap(struct vpspin_adapter *a, PVOID base, enum vsp_api api, const void *caller,
                        bool *freed_before)
{
    pthread_mutex_lock(&vsp_views_mutex);
    unsigned high = __atomic_load_n(&vsp_views_high, __ATOMIC_RELAXED);
    unsigned found = VSP_MAX_VIEWS;
    struct vsp_view v, best = {0};
    *freed_before = false;
    for (unsigned i = 0; i < high; i++) {
        vsp_view_read(i, &v);
        if (v.adapter != a || v.base != (uintptr_t)base)
            continue;
        if (v.state == VSP_VIEW_FREED)
            *freed_before = true;
        else if (v.state == VSP_VIEW_LIVE && (found == VSP_MAX_VIEWS || v.serial > best.serial)) {
            found = i; /* the last one made, for ports mapped twice */
            best = v;
        }
    }
    if (found == VSP_MAX_VIEWS) {
        pthread_mutex_unlock(&vsp_views_mutex);
        return VSP_RULE_UNMAP;
    }
    *freed_before = false;
    best.state = VSP_VIEW_FREED;
    best.freed_by = (unsigned char)api;
    best.freed_at = caller;
    best.serial = ++vsp_views_serial;
    vsp_view_write(found, &best);
    /* Checked: the pages become inaccessible, so that a direct access faults (fault.c,
     * which finds the slot freed: hence after the write); the reservation stays, so the
     * address stays this slot's. */
    if (!best.io && vsp_checking()) {
        size_t page = vsp_page();
        mmap((void *)(best.lo + page), best.hi - best.lo - 2 * page, PROT_NONE,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);
    }
    if (++vsp_views_freed > VSP_QUARANTINE) {
        unsigned oldest = VSP_MAX_VIEWS;
        uint64_t serial = UINT64_MAX;
        for (unsigned i = 0; i < high; i++) {
            vsp_view_read(i, &v);
            if (v.state == VSP_VIEW_FREED && v.serial < serial) {
                serial = v.serial;
                oldest = i;
            }
        }
        vsp_view_empty(oldest);
    }
    pthread_mutex_unlock(&vsp_views_mutex);
    return 0;
}

void vsp_view_unmap_all(struct vpspin_adapter *a)
{
    pthread_mutex_lock(&vsp_views_mutex);
    unsigned high = __atomic_load_n(&vsp_views_high, __ATOMIC_RELAXED);
    for (unsigned i = 0; i < high; i++) {
        struct vsp_view v;
        vsp_view_read(i, &v);
        if (v.state != VSP_VIEW_EMPTY && v.adapter == a)
            vsp_view_empty(i);
    }
    pthread_mutex_unlock(&vsp_views_mutex);
}

/* ---- Lookup ------------------------------------------------------------------------------ */

struct vsp_cached {
    unsigned slot, seq;
    uintptr_t base, end;
    struct vsp_range *range;
    ULONG offset;
    bool io;
};
static __thread struct vsp_cached vsp_cache[VSP_CACHE] __attribute__((tls_model("initial-exec")));
static __thread unsigned vsp_cache_next __attribute__((tls_model("initial-exec")));

static bool vsp_within(uintptr_t a, size_t n, uintptr_t base, uintptr_t end)
{
    return a >= base && a < end && n <= end - a;
}

static enum vsp_verdict vsp_view_hit(const struct vsp_view *v, unsigned slot, uintptr_t a,
                                     struct vsp_hit *hit)
{
    struct vsp_cached *c = &vsp_cache[vsp_cache_next++ % VSP_CACHE];
    *c = (struct vsp_cached){slot, v->seq, v->base, v->end, v->range, v->offset, v->io};
    hit->range = v->range;
    hit->offset = v->offset + (ULONG)(a - v->base);
    return VSP_ACCESS_OK;
}

enum vsp_verdict vsp_view_lookup(uintptr_t a, size_t n, bool io, struct vsp_hit *hit,
                                 struct vsp_view_info *info)
{
    for (unsigned k = 0; k < VSP_CACHE; k++) {
        const struct vsp_cached *c = &vsp_cache[k];
        if (c->range != NULL && c->io == io && vsp_within(a, n, c->base, c->end) &&
            __atomic_load_n(&vsp_views[c->slot].seq, __ATOMIC_ACQUIRE) == c->seq) {
            hit->range = c->range;
            hit->offset = c->offset + (ULONG)(a - c->base);
            return VSP_ACCESS_OK;
        }
    }
    unsigned high = __atomic_load_n(&vsp_views_high, __ATOMIC_ACQUIRE);
    enum vsp_verdict verdict = VSP_ACCESS_NEVER;
    struct vsp_view v, why = {0};
    for (unsigned i = 0; i < high; i++) {
        vsp_view_read(i, &v);
        if (v.state == VSP_VIEW_EMPTY || v.io != io)
            continue;
        bool near = a < v.hi && a + n > v.lo; /* touches the pages (or the ports) */
        if (v.state == VSP_VIEW_LIVE && vsp_within(a, n, v.base, v.end))
            return vsp_view_hit(&v, i, a, hit);
        if (v.state == VSP_VIEW_LIVE && near) {
            verdict = VSP_ACCESS_OUTSIDE;
            why = v;
        } else if (v.state == VSP_VIEW_FREED && near && verdict == VSP_ACCESS_NEVER) {
            verdict = VSP_ACCESS_FREED;
            why = v;
        }
    }
    if (verdict != VSP_ACCESS_NEVER)
        vsp_view_info_of(&why, info);
    return verdict;
}

enum vsp_verdict vsp_view_fault(uintptr_t addr, struct vsp_view_info *info, void **page)
{
    unsigned high = __atomic_load_n(&vsp_views_high, __ATOMIC_ACQUIRE);
    struct vsp_view v;
    for (unsigned i = 0; i < high; i++) {
        vsp_view_read(i, &v);
        if (v.state == VSP_VIEW_EMPTY || v.io || addr < v.lo || addr >= v.hi)
            continue;
        size_t pagesize = vsp_page();
        bool in_pages = addr >= v.lo + pagesize && addr < v.hi - pagesize;
        if (v.state == VSP_VIEW_LIVE && in_pages)
            return VSP_ACCESS_OK; /* not a fault of ours */
        vsp_view_info_of(&v, info);
        *page = (void *)(addr & ~(pagesize - 1));
        return v.state == VSP_VIEW_FREED ? VSP_ACCESS_FREED : VSP_ACCESS_OUTSIDE;
    }
    return VSP_ACCESS_NEVER;
}

bool vsp_view_other_space(uintptr_t addr, bool io)
{
    unsigned high = __atomic_load_n(&vsp_views_high, __ATOMIC_ACQUIRE);
    struct vsp_view v;
    for (unsigned i = 0; i < high; i++) {
        vsp_view_read(i, &v);
        if (v.state == VSP_VIEW_LIVE && (bool)v.io != io && addr >= v.base && addr < v.end)
            return true;
    }
    return false;
}
