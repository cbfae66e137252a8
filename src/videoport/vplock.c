/*
 * videoport/vplock.c - where VideoPort lock objects live.
 *
 * The checked mode must tell a live PSPIN_LOCK from NULL, from a pointer that was never
 * a lock and from a deleted lock, without dereferencing a wild pointer. So lock objects
 * are not malloc'ed: they are 64-byte slots of one arena that is reserved once (address
 * space only, MAP_NORESERVE; pages are committed as slots are first used). A handle is a
 * lock exactly when it points at the start of a slot whose state word says LIVE (slots
 * never handed out read as zeroes). That is O(1), takes no lock, and never touches memory
 * outside the arena.
 *
 * Deleted slots go to the back of a FIFO free queue and are handed out again only once
 * VSP_QUARANTINE others wait there, so a stale handle keeps reading DELETED for a long
 * time instead of silently aliasing a new lock. The arena stays mapped for the life of
 * the process, which also makes a late FUTEX_WAKE on a deleted lock harmless.
 *
 * Allocation and free take a mutex; they are rare (PASSIVE_LEVEL, at device start and
 * stop). Validation and the acquire/release paths never do.
 */
#include "videoport/vplock.h"

#include "base/alloc.h"
#include "check/lockinfo.h"

#include <pthread.h>
#include <string.h>
#include <sys/mman.h>

#define VSP_QUARANTINE 1024u

struct _VIDEO_PORT_SPIN_LOCK *vsp_arena; /* atomic: set once */
static uint32_t vsp_arena_used;          /* slots ever handed out */
static pthread_mutex_t vsp_arena_mutex = PTHREAD_MUTEX_INITIALIZER;
static uint32_t vsp_free_head, vsp_free_tail, vsp_free_count; /* FIFO of slot index + 1 */
static ULONG vsp_serial;

/* What reports and tables below the VideoPort layer may say of a lock object. */
static bool vsp_vplock_describe(const void *lock, struct vsp_lock_info *info)
{
    PSPIN_LOCK s = vsp_vplock_from_word(lock);
    enum vsp_vplock_state state = s != NULL ? vsp_vplock_state(s) : VSP_VPLOCK_UNKNOWN;
    if (state == VSP_VPLOCK_UNKNOWN)
        return false;
    info->kind = "VideoPort spin lock";
    info->created = "VideoPortCreateSpinLock";
    info->creator = s->Creator;
    info->owner = s->HwDeviceExtension;
    info->serial = s->Serial;
    info->live = state == VSP_VPLOCK_LIVE;
    return true;
}

/* Every live lock object, for the lock dump. The arena mutex is only ever held briefly
 * (creation, deletion), never by a thread that waits for a spin lock. */
static void vsp_vplock_enumerate(vsp_lock_visit fn, void *ctx)
{
    pthread_mutex_lock(&vsp_arena_mutex);
    for (uint32_t i = 0; i < vsp_arena_used; i++)
        if (__atomic_load_n(&vsp_arena[i].state, __ATOMIC_RELAXED) == VSP_VPLOCK_LIVE)
            fn(&vsp_arena[i], ctx);
    pthread_mutex_unlock(&vsp_arena_mutex);
}

void vsp_vplock_refuse(enum vsp_api api, PSPIN_LOCK SpinLock)
{
    vsp_report(api, vsp_rule_vplock(false), SpinLock, 0, 0, -1, 0);
}

static bool vsp_arena_reserve(void)
{
    if (vsp_arena != NULL)
        return true;
    vsp_lock_describer_set(vsp_vplock_describe);
    vsp_lock_enumerator_set(vsp_vplock_enumerate);
    void *p = mmap(NULL, (size_t)VSP_ARENA_SLOTS * sizeof *vsp_arena, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        return false;
    __atomic_store_n(&vsp_arena, (struct _VIDEO_PORT_SPIN_LOCK *)p, __ATOMIC_RELEASE);
    return true;
}

/* A slot to hand out: a quarantined one if enough wait, else a never-used one. */
static struct _VIDEO_PORT_SPIN_LOCK *vsp_slot_take(void)
{
    if (vsp_free_count > VSP_QUARANTINE || (vsp_arena_used == VSP_ARENA_SLOTS && vsp_free_count)) {
        struct _VIDEO_PORT_SPIN_LOCK *s = &vsp_arena[vsp_free_head - 1];
        vsp_free_head = s->NextFree;
        if (vsp_free_head == 0)
            vsp_free_tail = 0;
        vsp_free_count--;
        return s;
    }
    if (vsp_arena_used == VSP_ARENA_SLOTS)
        return NULL;
    return &vsp_arena[vsp_arena_used++];
}

PSPIN_LOCK vsp_vplock_alloc(PVOID HwDeviceExtension, const void *creator)
{
    struct _VIDEO_PORT_SPIN_LOCK *s = NULL;
    pthread_mutex_lock(&vsp_arena_mutex);
    if (!vsp_alloc_fails() && vsp_arena_reserve())
        s = vsp_slot_take();
    if (s != NULL) {
        s->Lock = 0;
        s->Serial = ++vsp_serial;
        s->Counts.acquisitions = 0;
        s->Counts.contentions = 0;
        s->HwDeviceExtension = HwDeviceExtension;
        s->Creator = creator;
        s->NextFree = 0;
        /* Release: whoever is handed this pointer and sees LIVE sees the fields above. */
        __atomic_store_n(&s->state, VSP_VPLOCK_LIVE, __ATOMIC_RELEASE);
    }
    pthread_mutex_unlock(&vsp_arena_mutex);
    return s;
}

bool vsp_vplock_free(PSPIN_LOCK SpinLock)
{
    bool ok = false;
    pthread_mutex_lock(&vsp_arena_mutex);
    if (vsp_vplock_state(SpinLock) == VSP_VPLOCK_LIVE) {
        __atomic_store_n(&SpinLock->state, VSP_VPLOCK_DELETED, __ATOMIC_RELAXED);
        uint32_t idx = (uint32_t)(SpinLock - vsp_arena) + 1;
        if (vsp_free_tail != 0)
            vsp_arena[vsp_free_tail - 1].NextFree = idx;
        else
            vsp_free_head = idx;
        vsp_free_tail = idx;
        vsp_free_count++;
        ok = true;
    }
    pthread_mutex_unlock(&vsp_arena_mutex);
    return ok;
}

size_t vsp_vplock_find(PVOID HwDeviceExtension, PSPIN_LOCK *out, size_t max)
{
    size_t n = 0;
    pthread_mutex_lock(&vsp_arena_mutex);
    for (uint32_t i = 0; i < vsp_arena_used; i++) {
        struct _VIDEO_PORT_SPIN_LOCK *s = &vsp_arena[i];
        if (__atomic_load_n(&s->state, __ATOMIC_RELAXED) == VSP_VPLOCK_LIVE &&
            s->HwDeviceExtension == HwDeviceExtension) {
            if (n < max)
                out[n] = s;
            n++;
        }
    }
    pthread_mutex_unlock(&vsp_arena_mutex);
    return n;
}

VP_STATUS vpspin_query_spin_lock(PSPIN_LOCK SpinLock, vpspin_spin_lock_info *Out)
{
    if (Out == NULL || vsp_vplock_state(SpinLock) != VSP_VPLOCK_LIVE)
        return ERROR_INVALID_PARAMETER;
    Out->Acquisitions = __atomic_load_n(&SpinLock->Counts.acquisitions, __ATOMIC_RELAXED);
    Out->Contentions = __atomic_load_n(&SpinLock->Counts.contentions, __ATOMIC_RELAXED);
    Out->HwDeviceExtension = SpinLock->HwDeviceExtension;
    Out->Serial = SpinLock->Serial;
    return NO_ERROR;
}
