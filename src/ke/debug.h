/*
 * ke/debug.h - debug output, filtered by level (ke/debug.c): DbgPrint's and the video port's
 * VideoPortDebugPrint both go through vsp_debug_vprint.
 */
#ifndef VSP_KE_DEBUG_H
#define VSP_KE_DEBUG_H

#include <stdarg.h>

/* Levels as DPFLTR_*_LEVEL and VIDEO_DEBUG_LEVEL number them: 0 error ... 3 info. */
void vsp_debug_vprint(unsigned level, const char *format, va_list args)
    __attribute__((__format__(__printf__, 2, 0)));

#endif
