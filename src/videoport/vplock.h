/*
 * videoport/vplock.h - VideoPort lock objects: what a PSPIN_LOCK points to, where they live,
 * how a handle is told apart from a pointer that is not (or no longer) a lock, and the
 * checks of a handle that every VideoPort spin lock function makes before the Ke call.
 */
#ifndef VSP_VPLOCK_H
#define VSP_VPLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vpspin/vpspin.h>

#include "check/verify.h"
#include "ke/spinlock.h"

/* One cache line per lock, so two locks never share a line. The Ke lock word comes
 * first: a PSPIN_LOCK and the address of its word are the same number. */
struct _VIDEO_PORT_SPIN_LOCK {
    KSPIN_LOCK Lock;                  /* the lock itself (lockword.h) */
    uint32_t state;                   /* enum vsp_vplock_state; atomic */
    ULONG Serial;                     /* creation number, for reports */
    struct vsp_acquire_counts Counts; /* kept by the Ke layer's acquire */
    PVOID HwDeviceExtension;          /* as given at creation */
    const void *Creator;              /* return address in the code that created it */
    uint32_t NextFree;                /* free-queue link: slot index + 1, 0 for none */
} __attribute__((aligned(64)));

_Static_assert(offsetof(struct _VIDEO_PORT_SPIN_LOCK, Lock) == 0, "a handle is its word");
_Static_assert(sizeof(struct _VIDEO_PORT_SPIN_LOCK) == 64, "one lock per cache line");

enum vsp_vplock_state {
    VSP_VPLOCK_UNKNOWN = 0,          /* NULL, or not a slot of the lock arena */
    VSP_VPLOCK_LIVE = 0x4556494c,    /* created, not deleted */
    VSP_VPLOCK_DELETED = 0x44414544, /* deleted (the slot is in quarantine) */
};

/* A new free lock, or NULL when out of memory (or failure injected). */
PSPIN_LOCK vsp_vplock_alloc(PVOID HwDeviceExtension, const void *creator);

/* Frees a lock; false if SpinLock is not a live lock (nothing happens then). */
bool vsp_vplock_free(PSPIN_LOCK SpinLock);

/* Stores in out[0..max) the live locks created for HwDeviceExtension (the host's leak
 * check at device stop); returns how many there are (maybe more than max). */
size_t vsp_vplock_find(PVOID HwDeviceExtension, PSPIN_LOCK *out, size_t max);

/* The arena (vplock.c): one reservation of VSP_ARENA_SLOTS slots, mapped whole (slots
 * never handed out read as zeroes: state UNKNOWN), or NULL before the first lock. */
#define VSP_ARENA_SLOTS (1u << 20) /* 64 MiB of address space */
extern struct _VIDEO_PORT_SPIN_LOCK *vsp_arena __attribute__((visibility("hidden"))); /* as slow.h's */

/* Whether w is the start of a lock slot. The offset rotated right by log2 of the slot
 * size is the slot's index if w starts a slot; any other offset has a low bit rotated to
 * the top, so one comparison tests both the range and the alignment. */
#define VSP_SLOT_SHIFT 6
_Static_assert(sizeof(struct _VIDEO_PORT_SPIN_LOCK) == 1u << VSP_SLOT_SHIFT, "slot size");
static inline bool vsp_vplock_is_slot(const void *w)
{
    struct _VIDEO_PORT_SPIN_LOCK *base = __atomic_load_n(&vsp_arena, __ATOMIC_ACQUIRE);
    uintptr_t off = (uintptr_t)w - (uintptr_t)base;
    uintptr_t index = off >> VSP_SLOT_SHIFT | off << (sizeof off * 8 - VSP_SLOT_SHIFT);
    return base != NULL && index < VSP_ARENA_SLOTS;
}

/* The lock slot whose word is at w, or NULL if w is not the start of a slot. */
static inline PSPIN_LOCK vsp_vplock_from_word(const void *w)
{
    return vsp_vplock_is_slot(w) ? (PSPIN_LOCK)(uintptr_t)w : NULL;
}

/* What SpinLock is, without dereferencing anything that is not a lock slot. */
static inline enum vsp_vplock_state vsp_vplock_state(PSPIN_LOCK SpinLock)
{
    if (!vsp_vplock_is_slot(SpinLock))
        return VSP_VPLOCK_UNKNOWN;
    return (enum vsp_vplock_state)__atomic_load_n(&SpinLock->state, __ATOMIC_ACQUIRE);
}

/* The lock word of a handle: the same address (Lock is the first member), computed
 * without touching the handle, which may not be a lock at all. */
static inline PKSPIN_LOCK vsp_vplock_word(PSPIN_LOCK SpinLock)
{
    return (PKSPIN_LOCK)(void *)SpinLock;
}

/* ---- The handle rules (check/verify.h), tested here, reported by check/verify.c ------ */

/* Reports a call of api on a handle that is not a live lock (0x1002). Out of line and
 * called last, so that the fast paths make no call of their own and need no stack frame. */
__attribute__((cold, noinline)) void vsp_vplock_refuse(enum vsp_api api, PSPIN_LOCK SpinLock);

/* Whether a call must refuse SpinLock: checking is on (slow: the flag word the caller read)
 * and it is not a live lock (0x1002). The call then reports it with vsp_vplock_refuse
 * and, if the report's handler returns, returns without effect. */
static inline bool vsp_vplock_refused(unsigned slow, PSPIN_LOCK SpinLock)
{
    return (slow & VSP_SLOW_CHECK) &&
           __builtin_expect(vsp_rule_vplock(vsp_vplock_state(SpinLock) == VSP_VPLOCK_LIVE) != 0, 0);
}

/* Whether SpinLock may be used by api: always with checking off; else a live lock, or
 * the handler of the report returned and the call must return without effect. */
static inline bool vsp_vplock_usable(enum vsp_api api, PSPIN_LOCK SpinLock)
{
    if (!vsp_vplock_refused(vsp_slow(), SpinLock))
        return true;
    vsp_vplock_refuse(api, SpinLock);
    return false;
}

/* A live lock that is about to be deleted: not held (0x100B). */
static inline bool vsp_vplock_deletable(enum vsp_api api, PSPIN_LOCK SpinLock)
{
    uint32_t rule =
        vsp_rule_delete(__atomic_load_n(vsp_owner_half(vsp_vplock_word(SpinLock)), __ATOMIC_RELAXED));
    if (__builtin_expect(rule != 0, 0))
        vsp_report(api, rule, SpinLock, 0, 0, -1, 0);
    return rule == 0;
}

#endif
