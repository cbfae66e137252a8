/*
 * verifier/lockdep.h - lock-order checking: deadlocks predicted from the order in which classes of
 * locks are taken (the algorithm is at the top of lockdep.c).
 */
#ifndef VSP_LOCKDEP_H
#define VSP_LOCKDEP_H

#include <stdint.h>

#include "check/api.h"
#include "verifier/lockclass.h"

struct vsp_track;

/* The key of a chain of held classes: the key of the chain below, extended by one class.
 * Never 0. */
static inline uint64_t vsp_lockdep_key(uint64_t below, unsigned class_id)
{
    uint64_t k = (below ^ class_id) * 0x9E3779B97F4A7C15u;
    return (k ^ (k >> 29)) | 1;
}

/* The calling thread, holding tt's locks, is about to wait for lock w of class cls;
 * chain is the key of the chain that makes. The first time a chain is seen, records an
 * edge from every held class to cls and reports (0xC4 / 0x1001) an edge that closes a
 * cycle. Cheap when the chain was seen before. */
void vsp_lockdep_check(const struct vsp_track *tt, struct vsp_class *cls, uint64_t chain,
                       PKSPIN_LOCK w, enum vsp_api api);

#endif
