/*
 * bugcheck.h - writing a bug check report and handing it to the handler.
 */
#ifndef VSP_BUGCHECK_H
#define VSP_BUGCHECK_H

#include <stdbool.h>
#include <stddef.h>

#include <vpspin/vpspin.h>

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

/* Writes the report, counts it and calls the handler; with none, aborts, or returns in
 * report-and-continue mode (where a report already made once is only counted). */
void vsp_bugcheck(const struct vsp_violation *v);

/* A bounded text buffer that never overflows (excess is cut), for report lines. */
struct vsp_text {
    char buf[8192];
    size_t len;
};

struct vsp_text *vsp_text_new(void); /* empty, or NULL when out of memory; free() it */
__attribute__((format(printf, 2, 3))) void vsp_put(struct vsp_text *t, const char *fmt, ...);

/* "function+0x1a (module)" where the dynamic symbol table knows the code address. */
void vsp_put_code_address(struct vsp_text *t, const void *addr);
void vsp_format_code_address(char *buf, size_t n, const void *addr);

/* A stack from backtrace(), one frame per line, from the first frame outside vpspin. */
void vsp_put_frames(struct vsp_text *t, void *const *frames, int n, const char *indent);

#endif
