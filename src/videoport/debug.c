/*
 * videoport/debug.c - VideoPortDebugPrint: the Ke layer's debug output (ke/debug.c), whose
 * levels VIDEO_DEBUG_LEVEL numbers as DPFLTR_*_LEVEL does (Error 0 ... Info 3).
 */
#include <vpspin/video.h>

#include "ke/debug.h"

VOID VideoPortDebugPrint(VIDEO_DEBUG_LEVEL DebugPrintLevel, PSTR DebugMessage, ...)
{
    va_list args;
    va_start(args, DebugMessage);
    vsp_debug_vprint((unsigned)DebugPrintLevel, DebugMessage, args);
    va_end(args);
}
