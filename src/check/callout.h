/*
 * check/callout.h - one call into a driver's routine, from enter to leave: the context it
 * runs in (check/context.h), the IRQL it was called at and the spin locks the thread held,
 * and on return the checks that it left both as it found them (0xC4/0x40009, 0xC8).
 * The host brackets every call into the miniport with these; the Ke layer's DPC thread
 * brackets every deferred routine (callout.c says what is checked).
 */
#ifndef VSP_CALLOUT_H
#define VSP_CALLOUT_H

#include <vpspin/vpspin.h>

#include "check/context.h"

struct vsp_callout {
    enum vsp_context context;
    ULONG_PTR routine; /* the routine called, for reports */
    PVOID argument;    /* its argument (HwDeviceExtension or Context) */
    KIRQL irql;        /* the IRQL it was called at */
    unsigned held;     /* spin locks the thread held when it was called */
    struct vsp_context_state saved;
};

void vsp_callout_enter(struct vsp_callout *c, enum vsp_context context, ULONG_PTR routine,
                       PVOID argument);
/* Checks the routine's return (when checking) and restores the IRQL of the call. */
void vsp_callout_leave(struct vsp_callout *c);

#endif
