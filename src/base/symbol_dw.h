/*
 * base/symbol_dw.h - the debug-info backend of symbol.c (libdw): the source locations of a
 * code address. Built only with libdw (VSP_HAVE_LIBDW); symbol.c serialises the calls and
 * uses struct vsp_where in every build.
 */
#ifndef VSP_SYMBOL_DW_H
#define VSP_SYMBOL_DW_H

#include <stdbool.h>

/* One function an address is in, and the line in it. */
struct vsp_where {
    char function[96];
    char file[160];       /* as the debug info names it ("" if unknown) */
    unsigned line;        /* 0 if unknown */
    unsigned long offset; /* from the function's symbol (the outermost location only) */
    bool has_offset;
};

/* Fills w[0..max) with addr's locations, innermost first (an inlined function, then the
 * one it is inlined in, and so on out to the function whose symbol holds addr); returns
 * how many, 0 if the debug info does not know addr. For a return address pass
 * call_site: its line is looked up at addr - 1, the call. Not thread-safe. */
int vsp_dw_locate(const void *addr, bool call_site, struct vsp_where *w, int max);

/* How many times the process's modules have been read: a name kept from before a change
 * of this number may be stale (a module unloaded, another loaded at its address). */
unsigned vsp_dw_generation(void);

/* Frees the modules and debug info read (at exit); a later call starts afresh. */
void vsp_dw_end(void);

#endif
