/*
 * base/text.c - the bounded text buffer of text.h.
 */
#include "base/text.h"

#include "base/alloc.h"

#include <stdarg.h>
#include <stdio.h>

void vsp_text_clear(struct vsp_text *t)
{
    t->len = 0;
    t->buf[0] = '\0';
}

struct vsp_text *vsp_text_new(void)
{
    return vsp_alloc(sizeof(struct vsp_text)); /* zeroed: empty */
}

void vsp_put(struct vsp_text *t, const char *fmt, ...)
{
    if (t->len >= sizeof t->buf - 1)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(t->buf + t->len, sizeof t->buf - t->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        t->len += (size_t)n < sizeof t->buf - t->len ? (size_t)n : sizeof t->buf - t->len - 1;
}
