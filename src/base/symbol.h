/*
 * base/symbol.h - naming code addresses in reports: "function+0x1a (module)" where the dynamic
 * symbol table knows the address ("function (module)" for the function itself), else
 * "module+0x1a40", else the bare address.
 */
#ifndef VSP_SYMBOL_H
#define VSP_SYMBOL_H

#include <stddef.h>

#include "base/text.h"

void vsp_format_code_address(char *buf, size_t n, const void *addr);
void vsp_put_code_address(struct vsp_text *t, const void *addr);

/* A stack from backtrace(), one frame per line, from the first frame outside vpspin. */
void vsp_put_frames(struct vsp_text *t, void *const *frames, int n, const char *indent);

/* The caller's stack, from the first frame outside vpspin, under "Stack:". */
void vsp_put_stack(struct vsp_text *t);

#endif
