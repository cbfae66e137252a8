/*
 * verify.c - the default checked mode's rules: each an O(1) look at the caller's IRQL
 * and at the lock word's record of its holder (lockword.h). Parameter meanings are
 * documented per subcode in docs/checked-mode.md and vpspin(7).
 */
#include "verify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bugcheck.h"
#include "lockword.h"
#include "thread.h"
#include "vplock.h"

int vsp_verify_level = VPSPIN_VERIFY_DEFAULT;

/* Reads VPSPIN_VERIFY before main(): "0", "1" or "full". */
__attribute__((constructor)) static void vsp_verify_from_env(void)
{
    const char *s = getenv("VPSPIN_VERIFY");
    if (s == NULL || *s == '\0')
        return;
    if (strcmp(s, "0") == 0)
        vsp_verify_level = VPSPIN_VERIFY_OFF;
    else if (strcmp(s, "1") == 0)
        vsp_verify_level = VPSPIN_VERIFY_DEFAULT;
    else if (strcmp(s, "full") == 0)
        vsp_verify_level = VPSPIN_VERIFY_FULL;
    else
        fprintf(stderr, "vpspin: VPSPIN_VERIFY=%s is not 0, 1 or full; using 1\n", s);
}

vpspin_verify_mode vpspin_get_verify(void)
{
    return (vpspin_verify_mode)__atomic_load_n(&vsp_verify_level, __ATOMIC_RELAXED);
}

int vpspin_set_verify(vpspin_verify_mode Mode)
{
    if (Mode != VPSPIN_VERIFY_OFF && Mode != VPSPIN_VERIFY_DEFAULT && Mode != VPSPIN_VERIFY_FULL)
        return -1;
    __atomic_store_n(&vsp_verify_level, (int)Mode, __ATOMIC_RELAXED);
    return 0;
}

/* Reports a 0xC4 violation; false tells the caller to return without effect. */
static bool vsp_violation(enum vsp_api api, ULONG_PTR subcode, ULONG_PTR p2, ULONG_PTR p3,
                          ULONG_PTR p4, const char *rule, const void *lock, bool readable)
{
    struct vsp_violation v = {
        .code = VSP_DRIVER_VERIFIER_DETECTED_VIOLATION,
        .p = {subcode, p2, p3, p4},
        .rule = rule,
        .api = api,
        .lock = lock,
        .lock_readable = readable,
    };
    vsp_bugcheck(&v);
    return false;
}

bool vsp_verify_raise(enum vsp_api api, KIRQL cur, KIRQL new_irql)
{
    if (new_irql < cur)
        return vsp_violation(api, 0x30, cur, new_irql, 0,
                             "IRQL raised to a level below the current one", NULL, false);
    if (new_irql > HIGH_LEVEL)
        return vsp_violation(api, 0x30, cur, new_irql, 0,
                             "IRQL raised to a level above HIGH_LEVEL", NULL, false);
    return true;
}

bool vsp_verify_lower(enum vsp_api api, KIRQL cur, KIRQL new_irql)
{
    if (new_irql > cur)
        return vsp_violation(api, 0x31, cur, new_irql, 0,
                             "IRQL lowered to a level above the current one", NULL, false);
    return true;
}

bool vsp_verify_acquire(enum vsp_api api, const ULONG_PTR *w, unsigned kind, KIRQL cur,
                        ULONG_PTR self_tag)
{
    if ((kind & VSP_W_DPC) && cur < DISPATCH_LEVEL)
        return vsp_violation(api, 0x40, cur, (ULONG_PTR)w, 0,
                             "spin lock acquired at DPC level while below DISPATCH_LEVEL", w,
                             true);
    if (!(kind & VSP_W_DPC) && cur > DISPATCH_LEVEL)
        return vsp_violation(api, 0x42, cur, (ULONG_PTR)w, 0,
                             "spin lock acquired with a raise to DISPATCH_LEVEL from above "
                             "DISPATCH_LEVEL",
                             w, true);
    ULONG_PTR held = __atomic_load_n(w, __ATOMIC_RELAXED);
    if (held != 0 && vsp_word_tag(held) == self_tag)
        return vsp_violation(api, 0x1000, (ULONG_PTR)w, held, (ULONG_PTR)vsp_tid(),
                             "spin lock acquired again by the thread that holds it "
                             "(it would spin forever)",
                             w, true);
    return true;
}

bool vsp_verify_release(enum vsp_api api, const ULONG_PTR *w, unsigned kind, KIRQL cur,
                        ULONG_PTR self_tag, int new_irql)
{
    if (!(kind & VSP_W_DPC) && cur != DISPATCH_LEVEL)
        return vsp_violation(api, 0x32, cur, (ULONG_PTR)w, 0,
                             "spin lock released with a lowering release while not at "
                             "DISPATCH_LEVEL",
                             w, true);
    if ((kind & VSP_W_DPC) && cur < DISPATCH_LEVEL)
        return vsp_violation(api, 0x41, cur, (ULONG_PTR)w, 0,
                             "spin lock released at DPC level while below DISPATCH_LEVEL", w,
                             true);

    /* The holder's record cannot change under us if we are the holder; if we are not,
     * a racing read only changes which of the two reports below is made. */
    ULONG_PTR held = __atomic_load_n(w, __ATOMIC_RELAXED);
    ULONG_PTR tid = (ULONG_PTR)vsp_tid();
    if (held == 0)
        return vsp_violation(api, 0x1007, (ULONG_PTR)w, held, tid,
                             "spin lock released while no thread holds it", w, true);
    if (vsp_word_tag(held) != self_tag)
        return vsp_violation(api, 0x1004, (ULONG_PTR)w, held, tid,
                             "spin lock released by a thread that does not hold it", w, true);
    if (vsp_word_kind(held) != kind)
        return vsp_violation(api, 0x1009, (ULONG_PTR)w, held, kind,
                             "spin lock released by a function that does not match the one "
                             "that acquired it",
                             w, true);
    if (new_irql >= 0 && (KIRQL)new_irql != vsp_word_irql(held))
        return vsp_violation(api, 0x20015, (ULONG_PTR)w, (ULONG_PTR)new_irql,
                             vsp_word_irql(held),
                             "spin lock released to an IRQL other than the one its acquire "
                             "returned",
                             w, true);
    return true;
}

bool vsp_verify_vplock(enum vsp_api api, PSPIN_LOCK SpinLock)
{
    switch (vsp_vplock_state(SpinLock)) {
    case VSP_VPLOCK_LIVE:
        return true;
    case VSP_VPLOCK_DELETED:
        return vsp_violation(api, 0x1002, (ULONG_PTR)SpinLock, 1, 0,
                             "spin lock used after VideoPortDeleteSpinLock deleted it",
                             SpinLock, true);
    default:
        return vsp_violation(api, 0x1002, (ULONG_PTR)SpinLock, 0, 0,
                             "spin lock that VideoPortCreateSpinLock never created", SpinLock,
                             false);
    }
}

bool vsp_verify_delete(enum vsp_api api, PSPIN_LOCK SpinLock)
{
    ULONG_PTR held = __atomic_load_n(vsp_vplock_word(SpinLock), __ATOMIC_RELAXED);
    if (held != 0)
        return vsp_violation(api, 0x100B, (ULONG_PTR)SpinLock, held,
                             (ULONG_PTR)vsp_tid(), "spin lock deleted while held",
                             SpinLock, true);
    return true;
}
