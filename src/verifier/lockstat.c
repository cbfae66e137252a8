/*
 * verifier/lockstat.c - adding statistics up (lockstat.h), and VPSPIN_STATS_SAMPLE.
 */
#include "verifier/lockstat.h"

#include "base/env.h"

unsigned vsp_hold_sample = VSP_HOLD_SAMPLE;

__attribute__((constructor)) static void vsp_hold_sample_from_env(void)
{
    unsigned long n;
    if (vsp_env_number("VPSPIN_STATS_SAMPLE", 1, 1000000, VSP_HOLD_SAMPLE, "a number of acquires",
                       &n))
        vsp_hold_sample = (unsigned)n;
}

void vsp_stat_clear(struct vsp_lock_stat *s)
{
    uint64_t *f = &s->acquisitions;
    for (uint64_t *end = &s->hold_max; f <= end; f++)
        vsp_stat_set(f, 0);
    for (int i = 0; i < VSP_STAT_SITES; i++) {
        __atomic_store_n(&s->sites[i].site, NULL, __ATOMIC_RELAXED);
        vsp_stat_set(&s->sites[i].n, 0);
    }
}

static void vsp_merge_time(uint64_t *n, uint64_t *sum, uint64_t *min, uint64_t *max,
                           const uint64_t *sn, const uint64_t *ssum, const uint64_t *smin,
                           const uint64_t *smax)
{
    if (vsp_stat_get(sn) == 0)
        return;
    vsp_stat_set(n, vsp_stat_get(n) + vsp_stat_get(sn));
    vsp_stat_set(sum, vsp_stat_get(sum) + vsp_stat_get(ssum));
    if (vsp_stat_get(min) == 0 || vsp_stat_get(smin) < vsp_stat_get(min))
        vsp_stat_set(min, vsp_stat_get(smin));
    if (vsp_stat_get(smax) > vsp_stat_get(max))
        vsp_stat_set(max, vsp_stat_get(smax));
}

void vsp_stat_merge(struct vsp_lock_stat *d, const struct vsp_lock_stat *s)
{
    vsp_stat_set(&d->acquisitions, vsp_stat_get(&d->acquisitions) + vsp_stat_get(&s->acquisitions));
    vsp_stat_set(&d->contentions, vsp_stat_get(&d->contentions) + vsp_stat_get(&s->contentions));
    vsp_merge_time(&d->wait_n, &d->wait_sum, &d->wait_min, &d->wait_max, &s->wait_n, &s->wait_sum,
                   &s->wait_min, &s->wait_max);
    vsp_merge_time(&d->hold_n, &d->hold_sum, &d->hold_min, &d->hold_max, &s->hold_n, &s->hold_sum,
                   &s->hold_min, &s->hold_max);
    for (int i = 0; i < VSP_STAT_SITES; i++) {
        const void *site = __atomic_load_n(&s->sites[i].site, __ATOMIC_RELAXED);
        for (int j = 0; site != NULL && j < VSP_STAT_SITES; j++) {
            const void *known = __atomic_load_n(&d->sites[j].site, __ATOMIC_RELAXED);
            if (known == NULL)
                __atomic_store_n(&d->sites[j].site, site, __ATOMIC_RELAXED);
            if (known == NULL || known == site) {
                vsp_stat_set(&d->sites[j].n, vsp_stat_get(&d->sites[j].n) + vsp_stat_get(&s->sites[i].n));
                break;
            }
        }
    }
}
