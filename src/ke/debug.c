/*
 * ke/debug.c - debug output and bug checks a driver makes itself: DbgPrint, DbgPrintEx,
 * KeBugCheckEx.
 *
 * A driver's debug messages go to stderr when their level passes the threshold of
 * VPSPIN_DEBUG_PRINT, read before main: "none", "error", "warn" (the default: errors and
 * warnings), "trace" or "info" (everything). DbgPrint is an error-level message, as
 * Windows treats it; DbgPrintEx's Level is a DPFLTR_*_LEVEL, or with DPFLTR_MASK a bit
 * mask whose lowest bit among the four levels counts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vpspin/vpspin.h>

#include "check/bugcheck.h"
#include "ke/debug.h"

static int vsp_debug_max = DPFLTR_WARNING_LEVEL; /* the highest level written; -1: none */

void vsp_debug_vprint(unsigned level, const char *format, va_list args)
{
    if ((int)level > __atomic_load_n(&vsp_debug_max, __ATOMIC_RELAXED) || format == NULL)
        return;
    vfprintf(stderr, format, args);
}

ULONG DbgPrint(PCSTR Format, ...)
{
    va_list args;
    va_start(args, Format);
    vsp_debug_vprint(DPFLTR_ERROR_LEVEL, Format, args);
    va_end(args);
    return (ULONG)STATUS_SUCCESS;
}

ULONG DbgPrintEx(ULONG ComponentId, ULONG Level, PCSTR Format, ...)
{
    (void)ComponentId;
    unsigned level = Level;
    if (Level & DPFLTR_MASK) {
        level = DPFLTR_INFO_LEVEL;
        for (unsigned bit = 0; bit < DPFLTR_INFO_LEVEL; bit++)
            if (Level & (1u << bit)) {
                level = bit;
                break;
            }
    }
    va_list args;
    va_start(args, Format);
    vsp_debug_vprint(level, Format, args);
    va_end(args);
    return (ULONG)STATUS_SUCCESS;
}

VOID KeBugCheckEx(ULONG BugCheckCode, ULONG_PTR BugCheckParameter1, ULONG_PTR BugCheckParameter2,
                  ULONG_PTR BugCheckParameter3, ULONG_PTR BugCheckParameter4)
{
    struct vsp_violation v = {
        .code = BugCheckCode,
        .p = {BugCheckParameter1, BugCheckParameter2, BugCheckParameter3, BugCheckParameter4},
        .rule = "the driver called KeBugCheckEx",
        .api = VSP_API_KeBugCheckEx,
        .lock_readable = true,
    };
    vsp_bugcheck(&v);
}

__attribute__((constructor)) static void vsp_debug_from_env(void)
{
    static const char *const names[] = {"error", "warn", "trace", "info"};
    const char *s = getenv("VPSPIN_DEBUG_PRINT");
    if (s == NULL || *s == '\0')
        return;
    if (strcmp(s, "none") == 0) {
        vsp_debug_max = -1;
        return;
    }
    for (int i = 0; i < 4; i++)
        if (strcmp(s, names[i]) == 0) {
            vsp_debug_max = i;
            return;
        }
    fprintf(stderr,
            "vpspin: VPSPIN_DEBUG_PRINT=%s is not none, error, warn, trace or info; "
            "using warn\n",
            s);
}
