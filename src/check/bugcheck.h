/*
 * check/bugcheck.h - writing a bug check report and handing it to the handler. Every layer's
 * rules report through vsp_bugcheck; report lines are built with base/text.h and
 * base/symbol.h, and a lock made by a higher layer is described through lockinfo.h.
 */
#ifndef VSP_BUGCHECK_H
#define VSP_BUGCHECK_H

#include <stdbool.h>
#include <stddef.h>

#include <vpspin/vpspin.h>

#include "base/symbol.h"
#include "base/text.h"
#include "check/api.h"

#define VSP_DRIVER_VERIFIER_DETECTED_VIOLATION 0xC4u
#define VSP_DPC_WATCHDOG_VIOLATION 0x133u
#define VSP_IRQL_UNEXPECTED_VALUE 0xC8u /* the host: a routine returned at another IRQL */

struct vsp_violation {
    ULONG code;
    ULONG_PTR p[4];
    const char *rule;    /* the rule in words */
    enum vsp_api api;    /* the function called */
    const void *lock;    /* the lock named by the call, or NULL */
    bool lock_readable;  /* whether lock may be read to describe it */
    const char *detail;  /* more lines for the report (the full mode's), or NULL */
};

/* What a lock word says, as reports put it: "free (0x0)", "held (0x734780) by thread 29511
 * through a raising acquire from PASSIVE_LEVEL (0)", "..., with waiters". */
void vsp_put_word(struct vsp_text *t, ULONG_PTR w);

/* "DISPATCH_LEVEL", "device IRQL", ... */
const char *vsp_irql_name(unsigned irql);

/* Writes the report, counts it and calls the handler; with none, aborts, or returns in
 * report-and-continue mode (where a report already made once is only counted). */
void vsp_bugcheck(const struct vsp_violation *v);

#endif
