/*
 * bugcheck.h - writing a bug check report and handing it to the handler.
 */
#ifndef VSP_BUGCHECK_H
#define VSP_BUGCHECK_H

#include <stdbool.h>

#include <vpspin/vpspin.h>

#include "api.h"

#define VSP_DRIVER_VERIFIER_DETECTED_VIOLATION 0xC4u
#define VSP_IRQL_UNEXPECTED_VALUE 0xC8u /* the host: a routine returned at another IRQL */

struct vsp_violation {
    ULONG code;
    ULONG_PTR p[4];
    const char *rule;    /* the rule in words */
    enum vsp_api api;    /* the function called */
    const void *lock;    /* the lock named by the call, or NULL */
    bool lock_readable;  /* whether lock may be read to describe it */
};

/* Writes the report, counts it and calls the handler; aborts if there is none.
 * Returns only when a handler returned. */
void vsp_bugcheck(const struct vsp_violation *v);

#endif
