/*
 * check/callout.c - the calls into a driver's routines, and the checks of their return.
 *
 * A callout brackets every call the host makes into the miniport, and every deferred
 * routine the Ke layer's DPC thread calls (ke/dpc.c). On entry it records
 * the context in this thread's context state (check/context.h: initial-exec TLS)
 * with the IRQL and the number of spin locks the thread holds (struct vsp_thread's held,
 * kept in every mode). On return, when checking:
 *
 *   - more spin locks held than on entry: the routine returns holding a spin lock, the
 *     SDV SpinLock rule (Driver Verifier's DDI compliance code 0x40009): bug check 0xC4,
 *     P1 0x40009, P2 the routine, P3 how many more locks it holds, P4 the context;
 *   - otherwise, another IRQL than on entry: bug check 0xC8, IRQL_UNEXPECTED_VALUE, with
 *     P1 = current IRQL << 16 | expected IRQL << 8 | UniqueValue, as Windows encodes it:
 *     UniqueValue 3 (an interrupt's ServiceRoutine) for HwInterrupt, 2 (a callout) for
 *     the others; P2 the routine, P3 its argument (HwDeviceExtension, or the Context of a
 *     DPC or synchronize routine), P4 the context (vpspin's: Windows gives 0).
 *
 * One report per return: a lock still held explains a raised IRQL, so it alone is
 * reported. Then the IRQL of the call is restored whatever the mode, so that the host
 * goes on as it would have (a lock still held stays held).
 *
 * The rules of calls made inside a context (0xF001, 0xF002) and the contexts themselves
 * are check/context.h's: the VideoPort layer checks them too.
 */
#include <stdio.h>
#include <string.h>

#include "check/callout.h"

#include "check/bugcheck.h"
#include "check/verify.h"
#include "lock/thread.h"

void vsp_callout_enter(struct vsp_callout *c, enum vsp_context context, ULONG_PTR routine,
                       PVOID argument)
{
    struct vsp_thread *t = vsp_self();
    c->context = context;
    c->routine = routine;
    c->argument = argument;
    c->irql = t->irql;
    c->held = t->held;
    c->saved = vsp_context_tls;
    vsp_context_tls.context = context;
    if (vsp_context_excludes_isr(context))
        vsp_context_tls.interrupt_context = context;
}

static void vsp_report_return(const struct vsp_callout *c, KIRQL irql, unsigned held)
{
    char routine[320], rule[480];
    vsp_format_function(routine, sizeof routine, (const void *)c->routine);
    struct vsp_violation v = {
        .api = vsp_context_api(c->context), .lock_readable = true, /* no lock: "Lock: none" */
    };
    if (held > c->held) {
        v.code = VSP_DRIVER_VERIFIER_DETECTED_VIOLATION;
        v.p[0] = 0x40009;
        v.p[1] = c->routine;
        v.p[2] = held - c->held;
        v.p[3] = c->context;
        snprintf(rule, sizeof rule,
                 "%s returned holding a spin lock it acquired (SDV rule SpinLock); routine %s",
                 vsp_api_name(v.api), routine);
    } else {
        ULONG unique = c->context == VSP_CTX_INTERRUPT ? 3 : 2;
        v.code = VSP_IRQL_UNEXPECTED_VALUE;
        v.p[0] = (ULONG_PTR)irql << 16 | (ULONG_PTR)c->irql << 8 | unique;
        v.p[1] = c->routine;
        v.p[2] = (ULONG_PTR)c->argument;
        v.p[3] = c->context;
        snprintf(rule, sizeof rule,
                 "%s returned at IRQL %u, not the %u it was called at; routine %s",
                 vsp_api_name(v.api), irql, c->irql, routine);
    }
    v.rule = rule;
    vsp_bugcheck(&v);
}

void vsp_callout_leave(struct vsp_callout *c)
{
    struct vsp_thread *t = vsp_self();
    if (vsp_checking() && (t->held > c->held || t->irql != c->irql))
        vsp_report_return(c, t->irql, t->held);
    t->irql = c->irql;
    vsp_context_tls = c->saved;
}
