/*
 * sched/random.c - the random walk: at every point, any enabled thread, each as likely.
 *
 * Simple and surprisingly strong for shallow bugs; its weakness is the deep ones: a bug
 * that needs one thread to run many steps in a row while the others wait is found with a
 * probability that falls exponentially with those steps. PCT (pct.c) bounds that case.
 */
#include <stdlib.h>

#include "sched/strategy.h"

struct vsp_random {
    struct vsp_strategy s;
    uint64_t rng;
};

VSP_NOTSAN static int vsp_random_pick(struct vsp_strategy *s, const struct vsp_sched_view *v)
{
    struct vsp_random *r = (struct vsp_random *)s;
    return (int)(vsp_rand(&r->rng) % v->n);
}

struct vsp_strategy *vsp_strategy_random(uint64_t seed)
{
    struct vsp_random *r = calloc(1, sizeof *r);
    if (r == NULL)
        return NULL;
    r->s.name = "random";
    r->s.pick = vsp_random_pick;
    r->rng = vsp_rand_seed(seed);
    return &r->s;
}
