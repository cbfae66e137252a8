/*
 * base/text.c - the bounded text buffer of text.h.
 */
#include "base/text.h"

#include "base/alloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void vsp_text_clear(struct vsp_text *t)
{
    t->len = 0;
    t->buf[0] = '\0';
}

struct vsp_text *vsp_text_new(void)
{
    return vsp_alloc(sizeof(struct vsp_text)); /* zeroed: empty */
}

/* A text that outgrows the buffer ends with this line, so that a reader knows it was cut. */
static const char vsp_cut_mark[] = "\n[cut here: a report holds 8191 characters]\n";
#define VSP_TEXT_ROOM (sizeof ((struct vsp_text *)0)->buf - sizeof vsp_cut_mark)

void vsp_put(struct vsp_text *t, const char *fmt, ...)
{
    if (t->len > VSP_TEXT_ROOM)
        return; /* cut already */
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(t->buf + t->len, sizeof t->buf - t->len, fmt, ap);
    va_end(ap);
    if (n <= 0)
        return;
    if ((size_t)n <= VSP_TEXT_ROOM - t->len) {
        t->len += (size_t)n;
        return;
    }
    memcpy(t->buf + VSP_TEXT_ROOM, vsp_cut_mark, sizeof vsp_cut_mark);
    t->len = sizeof t->buf - 1;
}
