/*
 * vplock.h - VideoPort lock objects: what a PSPIN_LOCK points to, where they live,
 * and how a handle is told apart from a pointer that is not (or no longer) a lock.
 */
#ifndef VSP_VPLOCK_H
#define VSP_VPLOCK_H

#include <stdbool.h>

#include <vpspin/vpspin.h>

#include "ke_spinlock.h"

/* One cache line per lock, so two locks never share a line. The Ke lock word comes
 * first: a PSPIN_LOCK and the address of its word are the same number. */
struct _VIDEO_PORT_SPIN_LOCK {
    KSPIN_LOCK Lock;             /* the lock itself (lockword.h) */
    uint32_t state;              /* enum vsp_vplock_state; atomic */
    ULONG Serial;                /* creation number, for reports */
    ULONG_PTR Acquisitions;      /* written by the holder only; read relaxed by anyone */
    ULONG_PTR Contentions;
    PVOID HwDeviceExtension;     /* as given at creation */
    const void *Creator;         /* return address in the code that created it */
    uint32_t NextFree;           /* free-queue link: slot index + 1, 0 for none */
} __attribute__((aligned(64)));

enum vsp_vplock_state {
    VSP_VPLOCK_UNKNOWN = 0,          /* NULL, or not a slot of the lock arena */
    VSP_VPLOCK_LIVE = 0x4556494c,    /* created, not deleted */
    VSP_VPLOCK_DELETED = 0x44414544, /* deleted (the slot is in quarantine) */
};

/* A new free lock, or NULL when out of memory (or failure injected). */
PSPIN_LOCK vsp_vplock_alloc(PVOID HwDeviceExtension, const void *creator);

/* Frees a lock; false if SpinLock is not a live lock (nothing happens then). */
bool vsp_vplock_free(PSPIN_LOCK SpinLock);

/* What SpinLock is, without dereferencing anything that is not a lock slot. */
enum vsp_vplock_state vsp_vplock_state(PSPIN_LOCK SpinLock);

/* The lock object whose word is at w, or NULL if w is not in a lock slot. */
PSPIN_LOCK vsp_vplock_from_word(const void *w);

static inline ULONG_PTR *vsp_vplock_word(PSPIN_LOCK SpinLock) { return &SpinLock->Lock; }

/* Counts an acquisition; called by the holder, inside the critical section. */
static inline void vsp_vplock_count(PSPIN_LOCK SpinLock, enum vsp_taken how)
{
    if (how == VSP_NOT_TAKEN)
        return;
    /* Plain read-modify-write is race-free under the lock; relaxed atomics let
     * vpspin_query_spin_lock read the counters from outside it. */
    __atomic_store_n(&SpinLock->Acquisitions,
                     __atomic_load_n(&SpinLock->Acquisitions, __ATOMIC_RELAXED) + 1,
                     __ATOMIC_RELAXED);
    if (how == VSP_TAKEN_WAIT)
        __atomic_store_n(&SpinLock->Contentions,
                         __atomic_load_n(&SpinLock->Contentions, __ATOMIC_RELAXED) + 1,
                         __ATOMIC_RELAXED);
}

#endif
