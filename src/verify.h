/*
 * verify.h - the checked mode: the rules of vpspin(7), checked before a call acts.
 *
 * Every check returns true when the call may go on. When a rule is broken it reports
 * (bugcheck.h); if the installed handler returns, the check returns false and the
 * caller must return without effect. With checking off, callers skip the checks behind
 * one predictable branch on vsp_checking().
 */
#ifndef VSP_VERIFY_H
#define VSP_VERIFY_H

#include <stdbool.h>

#include <vpspin/vpspin.h>

#include "api.h"

extern int vsp_verify_level; /* a vpspin_verify_mode */

static inline bool vsp_checking(void)
{
    return __atomic_load_n(&vsp_verify_level, __ATOMIC_RELAXED) != VPSPIN_VERIFY_OFF;
}

/* 0x30, 0x31: the direction of an IRQL change. */
bool vsp_verify_raise(enum vsp_api api, KIRQL cur, KIRQL new_irql);
bool vsp_verify_lower(enum vsp_api api, KIRQL cur, KIRQL new_irql);

/* 0x40, 0x42, 0x1000: the caller's IRQL and not holding the lock already. */
bool vsp_verify_acquire(enum vsp_api api, const ULONG_PTR *w, unsigned kind, KIRQL cur,
                        ULONG_PTR self_tag);

/* 0x32, 0x41, 0x1004, 0x1007, 0x1009, 0x20015: the caller's IRQL, that it holds the
 * lock, the same way it acquired it, and goes back to the IRQL the acquire returned
 * (new_irql < 0 for the variants that do not lower). */
bool vsp_verify_release(enum vsp_api api, const ULONG_PTR *w, unsigned kind, KIRQL cur,
                        ULONG_PTR self_tag, int new_irql);

/* 0x1002: SpinLock is a live lock from VideoPortCreateSpinLock. */
bool vsp_verify_vplock(enum vsp_api api, PSPIN_LOCK SpinLock);

/* 0x100B: nobody holds the lock being deleted. */
bool vsp_verify_delete(enum vsp_api api, PSPIN_LOCK SpinLock);

#endif
