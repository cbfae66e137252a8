/*
 * ke/irql.c - the IRQL model: each thread's logical interrupt request level.
 *
 * IRQL here is bookkeeping, not masking: raising to DISPATCH_LEVEL does not stop the
 * scheduler, and raising to a device IRQL does not mask anything. What it gives is the
 * WDK's contract, checked: every function knows the level its caller runs at, and the
 * checked mode reports calls made at the wrong one. A new thread starts at
 * PASSIVE_LEVEL (zero-initialised TLS).
 */
#include <vpspin/wdm.h>

#include "lock/thread.h"
#include "sched/sched.h"
#include "verifier/track.h"
#include "check/verify.h"

KIRQL KeGetCurrentIrql(VOID) { return vsp_self()->irql; }

KIRQL FASTCALL KfRaiseIrql(KIRQL NewIrql)
{
    struct vsp_thread *t = vsp_self();
    KIRQL old = t->irql;
    if (vsp_checking() && !vsp_verify_raise(VSP_API_KeRaiseIrql, old, NewIrql))
        return old;
    vsp_sched_point(VSP_SP_RAISE, NULL, NewIrql, __builtin_return_address(0));
    t->irql = NewIrql;
    if (vsp_tracking())
        vsp_track_irql(t);
    return old;
}

VOID KeLowerIrql(KIRQL NewIrql)
{
    struct vsp_thread *t = vsp_self();
    if (vsp_checking() && !vsp_verify_lower(VSP_API_KeLowerIrql, t->irql, NewIrql))
        return;
    if (vsp_tracking())
        vsp_track_lower(t, NewIrql);
    t->irql = NewIrql;
    if (vsp_tracking())
        vsp_track_irql(t);
    vsp_sched_point(VSP_SP_LOWER, NULL, NewIrql, __builtin_return_address(0));
}

KIRQL KeRaiseIrqlToDpcLevel(VOID)
{
    struct vsp_thread *t = vsp_self();
    KIRQL old = t->irql;
    if (vsp_checking() && !vsp_verify_raise(VSP_API_KeRaiseIrqlToDpcLevel, old, DISPATCH_LEVEL))
        return old;
    vsp_sched_point(VSP_SP_RAISE, NULL, DISPATCH_LEVEL, __builtin_return_address(0));
    t->irql = DISPATCH_LEVEL;
    if (vsp_tracking())
        vsp_track_irql(t);
    return old;
}
