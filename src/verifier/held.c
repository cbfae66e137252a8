/*
 * verifier/held.c - describing a tracked thread's held locks (held.h).
 */
#include "verifier/held.h"

#include "base/symbol.h"

void vsp_held_put(struct vsp_text *out, const struct vsp_track *tt)
{
    if (tt->depth == 0 && tt->overflow == 0) {
        vsp_put(out, "Held:   no spin locks\n");
        return;
    }
    if (tt->overflow == 0)
        vsp_put(out, "Held:   %u spin lock(s), oldest first:\n", tt->depth);
    else /* counted here too: a long list can be cut before its last line */
        vsp_put(out, "Held:   %u spin lock(s), oldest first; the %u tracked:\n",
                tt->depth + tt->overflow, tt->depth);
    for (unsigned i = 0; i < tt->depth; i++) {
        const struct vsp_held *h = &tt->held[i];
        struct vsp_class *c = __atomic_load_n(&h->rec->cls, __ATOMIC_ACQUIRE);
        vsp_put(out, "  #%u %p %s, %s at ", i, (void *)h->lock, c != NULL ? vsp_class_name(c) : "?",
                h->try_ ? "tried" : "acquired");
        vsp_put_code_address(out, h->site);
        vsp_put(out, "\n");
    }
    if (tt->overflow != 0)
        vsp_put(out, "  and %u more, not tracked\n", tt->overflow);
}
