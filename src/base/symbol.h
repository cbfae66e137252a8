/*
 * base/symbol.h - naming code addresses in reports, tables and graphs.
 *
 * Where the debug info knows an address (libdw, symbol_dw.c), it is named by its function,
 * offset and source line, inlined functions included:
 *
 *   VpDemoStartIO+0x2a (demo/miniport/vpdemo.c:212)
 *   RingPush (demo/miniport/vpdemo.c:150) inlined in VpDemoStartIO+0x2a
 * (demo/miniport/vpdemo.c:212)
 *
 * (paths relative to the working directory when they are inside it). Otherwise as the
 * dynamic symbol table knows it, "function+0x1a (module)", else "module+0x1a40", else the
 * bare address. A build without libdw (VPSPIN_LIBDW=OFF, or libdw-dev not found) always
 * gives the second form.
 *
 * Nothing is looked up before a report asks: the first lookup reads the process's modules
 * and keeps them (and the debug info it has read) for the next ones, and the locations of
 * the last 512 addresses looked up are kept too, so the frames a report shares with an
 * earlier one cost a table look; a module loaded later is found on the first miss. One lookup runs
 * at a time (a mutex). A lookup never deadlocks (symbol.c): a thread that enters the symbolizer
 * again while inside it (a signal handler that reports, interrupting a lookup) gets the second form
 * at once, and a thread that cannot have the mutex within a second, because another is stuck inside
 * it, gets it too.
 */
#ifndef VSP_SYMBOL_H
#define VSP_SYMBOL_H

#include <stdbool.h>
#include <stddef.h>

#include "base/text.h"

/* A return address (a call site: its line is the call's): one line, as above. */
void vsp_format_code_address(char *buf, size_t n, const void *addr);
void vsp_put_code_address(struct vsp_text *t, const void *addr);

/* A function, by its entry address (a miniport routine): "VpDemoDpc (vpdemo.c:187)". */
void vsp_format_function(char *buf, size_t n, const void *fn);

/* A call site, short, for a lock class name: "VpDemoFindAdapter (vpdemo.c:406)" (the
 * innermost function, the file's base name), else as vsp_format_code_address. */
void vsp_format_site(char *buf, size_t n, const void *addr);

/* A stack from backtrace(), one frame per line (inlined frames on lines of their own),
 * from the first frame outside vpspin. */
void vsp_put_frames(struct vsp_text *t, void *const *frames, int n, const char *indent);

/* The same, every frame (a stack taken inside vpspin, for the lock dump). */
void vsp_put_all_frames(struct vsp_text *t, void *const *frames, int n, const char *indent);

/* The caller's stack, from the first frame outside vpspin, under "Stack:". */
void vsp_put_stack(struct vsp_text *t);

/* Whether names come from debug info in this build (libdw). */
bool vsp_symbol_debug_info(void);

/* For tests: called inside the symbolizer, with its mutex held (NULL: nothing). */
extern void (*vsp_symbol_test_hook)(void);

#endif
