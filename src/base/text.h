/*
 * base/text.h - a bounded text buffer for report lines: it never overflows (what does not fit
 * is cut, and a line saying so ends the text) and never allocates while it is written, so a
 * report can be built anywhere.
 */
#ifndef VSP_TEXT_H
#define VSP_TEXT_H

#include <stddef.h>

struct vsp_text {
    char buf[8192];
    size_t len;
};

struct vsp_text *vsp_text_new(void); /* empty, or NULL when out of memory; free() it */
void vsp_text_clear(struct vsp_text *t);
__attribute__((format(printf, 2, 3))) void vsp_put(struct vsp_text *t, const char *fmt, ...);

#endif
