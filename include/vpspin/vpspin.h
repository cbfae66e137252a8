/*
 * vpspin/vpspin.h - vpspin's own API: version, checking mode, bug check reports,
 * per-lock counters and fault injection. Everything here has the vpspin_ prefix;
 * the WDK API is in video.h and wdm.h.
 */
#ifndef VPSPIN_VPSPIN_H
#define VPSPIN_VPSPIN_H

#include "video.h"

#ifdef __cplusplus
extern "C" {
#endif

#define VPSPIN_API __attribute__((visibility("default")))

#define VPSPIN_VERSION_MAJOR 0
#define VPSPIN_VERSION_MINOR 1
#define VPSPIN_VERSION_PATCH 0

/* The library's version as "MAJOR.MINOR.PATCH" (of the library loaded, which may be
 * newer than the header a program was built with). */
VPSPIN_API const char *vpspin_version(void);

/* ---- Checking mode -------------------------------------------------------------------
 * Chosen at start-up from the environment variable VPSPIN_VERIFY ("0", "1" or "full";
 * unset means "1"), or set here. Change it only while no thread holds a lock. */
typedef enum vpspin_verify_mode {
    VPSPIN_VERIFY_OFF = 0,     /* no checks: the fastest paths */
    VPSPIN_VERIFY_DEFAULT = 1, /* the O(1) rule checks of vpspin(7) */
    VPSPIN_VERIFY_FULL = 2     /* the full verifier; for now the same checks as DEFAULT */
} vpspin_verify_mode;

VPSPIN_API vpspin_verify_mode vpspin_get_verify(void);
/* Returns 0, or -1 if Mode is not one of the values above (the mode is unchanged). */
VPSPIN_API int vpspin_set_verify(vpspin_verify_mode Mode);

/* ---- Bug check reports ---------------------------------------------------------------
 * When a check fails, vpspin writes a report to stderr. Its first line is
 *   *** STOP: 0x%08X (0x%016llX,0x%016llX,0x%016llX,0x%016llX)
 * (bug check code, Parameter1..4), followed by the bug check's name, the rule in words,
 * the API called, the lock, the thread, the IRQL and a backtrace. Then vpspin calls the
 * installed handler; with no handler, it calls abort(). */
typedef struct vpspin_bugcheck {
    ULONG BugCheckCode;        /* e.g. 0xC4, DRIVER_VERIFIER_DETECTED_VIOLATION */
    ULONG_PTR Parameter1;      /* for 0xC4: the rule's subcode */
    ULONG_PTR Parameter2;      /* evidence; see vpspin(7) for each subcode */
    ULONG_PTR Parameter3;
    ULONG_PTR Parameter4;
    const char *Name;          /* "DRIVER_VERIFIER_DETECTED_VIOLATION" */
    const char *Rule;          /* the rule in words */
    const char *Api;           /* the function whose call broke it */
    const char *Text;          /* the whole report, as written to stderr */
} vpspin_bugcheck;

/* Called on the reporting thread, one report at a time, after the report is written.
 * If it returns, the offending call returns without effect: the IRQL and the lock stay
 * as they were (an acquire stores or returns the current IRQL as the old one). */
typedef void (*vpspin_bugcheck_handler)(const vpspin_bugcheck *Report, void *Context);

/* Installs Handler (NULL restores the default: abort). Returns the previous handler. */
VPSPIN_API vpspin_bugcheck_handler vpspin_set_bugcheck_handler(vpspin_bugcheck_handler Handler,
                                                              void *Context);

/* How many bug checks this process has reported so far. */
VPSPIN_API ULONG vpspin_bugcheck_count(void);

/* ---- Per-lock counters ---------------------------------------------------------------- */
typedef struct vpspin_spin_lock_info {
    ULONG_PTR Acquisitions; /* successful acquires of this VideoPort lock */
    ULONG_PTR Contentions;  /* of which found the lock held and had to wait */
    PVOID HwDeviceExtension;/* as given to VideoPortCreateSpinLock */
    ULONG Serial;           /* 1 for the first lock created in the process, and so on */
} vpspin_spin_lock_info;

/* Fills *Info for a live VideoPort lock. Counters are exact while no thread holds
 * the lock. Returns NO_ERROR, or ERROR_INVALID_PARAMETER for a bad lock or NULL Info. */
VPSPIN_API VP_STATUS vpspin_query_spin_lock(PSPIN_LOCK SpinLock, vpspin_spin_lock_info *Info);

/* ---- Fault injection -------------------------------------------------------------------
 * Lets a test drive a miniport's error paths: after Skip more successful allocations,
 * the next Count allocations fail. Every allocation vpspin makes counts: lock objects
 * (VideoPortCreateSpinLock then returns ERROR_NOT_ENOUGH_MEMORY) and the full checked
 * mode's bookkeeping (which then says so once on stderr and checks less).
 * vpspin_fail_allocations(0, 0) turns injection off. */
VPSPIN_API void vpspin_fail_allocations(ULONG Skip, ULONG Count);

#ifdef __cplusplus
}
#endif

#endif /* VPSPIN_VPSPIN_H */
