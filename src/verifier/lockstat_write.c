/*
 * verifier/lockstat_write.c - reading and writing the statistics of lockstat.h, per lock and per
 * class: vpspin_query_lock_stat, the table and CSV of vpspin_write_lock_stat, and the
 * write at exit that VPSPIN_STATS asks for.
 */
#include "verifier/lockstat_write.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vpspin/vpspin.h>

#include "base/alloc.h"
#include "base/clock.h"
#include "base/symbol.h"
#include "check/lockinfo.h"
#include "verifier/lockclass.h"
#include "verifier/lockstat.h"

/* ---- Reading ---------------------------------------------------------------------------- */

/* n ticks in ns. */
static ULONGLONG vsp_ns(double rate, uint64_t n) { return (ULONGLONG)((double)n * rate); }

/* r: ns per tick, measured once per call of the API so that all rows agree. */
static void vsp_stat_fill(vpspin_lock_stat *out, const struct vsp_lock_stat *s, const char *cls,
                          double r)
{
    uint64_t wn = vsp_stat_get(&s->wait_n), hn = vsp_stat_get(&s->hold_n);
    out->Class = cls;
    out->Acquisitions = vsp_stat_get(&s->acquisitions);
    out->Contentions = vsp_stat_get(&s->contentions);
    out->WaitMinNs = wn ? vsp_ns(r, vsp_stat_get(&s->wait_min) - 1) : 0;
    out->WaitAvgNs = wn ? vsp_ns(r, vsp_stat_get(&s->wait_sum) / wn) : 0;
    out->WaitMaxNs = wn ? vsp_ns(r, vsp_stat_get(&s->wait_max)) : 0;
    out->HoldSamples = hn;
    out->HoldMinNs = hn ? vsp_ns(r, vsp_stat_get(&s->hold_min) - 1) : 0;
    out->HoldAvgNs = hn ? vsp_ns(r, vsp_stat_get(&s->hold_sum) / hn) : 0;
    out->HoldMaxNs = hn ? vsp_ns(r, vsp_stat_get(&s->hold_max)) : 0;
}

VP_STATUS vpspin_query_lock_stat(PVOID Lock, vpspin_lock_stat *Stat)
{
    struct vsp_lock *l = Lock != NULL ? vsp_lock_find(Lock) : NULL;
    struct vsp_class *c = l != NULL ? __atomic_load_n(&l->cls, __ATOMIC_ACQUIRE) : NULL;
    if (c == NULL || Stat == NULL)
        return ERROR_INVALID_PARAMETER;
    vsp_stat_fill(Stat, &l->st, vsp_class_name(c), vsp_ns_per_tick());
    return NO_ERROR;
}

/* ---- Writing ---------------------------------------------------------------------------- */

struct vsp_snapshot {
    struct vsp_lock **locks; /* room for VSP_LOCKS_MAX, as many records as there can be */
    unsigned n;
};

static void vsp_snapshot_add(struct vsp_lock *l, void *ctx)
{
    struct vsp_snapshot *s = ctx;
    if (l->cls != NULL && vsp_stat_get(&l->st.acquisitions) != 0)
        s->locks[s->n++] = l;
}

static int vsp_by_class(const void *a, const void *b)
{
    const struct vsp_lock *x = *(struct vsp_lock *const *)a, *y = *(struct vsp_lock *const *)b;
    if (x->cls->id != y->cls->id)
        return x->cls->id < y->cls->id ? -1 : 1;
    return (uintptr_t)x->address < (uintptr_t)y->address ? -1 : 1;
}

static void vsp_lock_label(char *buf, size_t n, const struct vsp_lock *l)
{
    struct vsp_lock_info info;
    if (vsp_lock_describe(l->address, &info))
        snprintf(buf, n, "VideoPort lock #%lu (%p)", info.serial, l->address);
    else
        snprintf(buf, n, "KSPIN_LOCK %p", l->address);
}

static void vsp_write_sites(FILE *f, const struct vsp_lock_stat *s, bool csv)
{
    for (int i = 0; i < VSP_STAT_SITES; i++) {
        const void *site = __atomic_load_n(&s->sites[i].site, __ATOMIC_RELAXED);
        if (site == NULL)
            break;
        char where[320];
        vsp_format_code_address(where, sizeof where, site);
        fprintf(f, csv ? "%s%s=%llu" : "%s%s (%llu)", i == 0 ? "" : csv ? ";" : ", ", where,
                (unsigned long long)vsp_stat_get(&s->sites[i].n));
    }
}

/* width: of the first column, for the table. */
static void vsp_write_row(FILE *f, vpspin_stat_format format, int width, const char *level,
                          const char *cls, const char *lock, const struct vsp_lock_stat *s,
                          double rate)
{
    vpspin_lock_stat v;
    vsp_stat_fill(&v, s, cls, rate);
    if (format == VPSPIN_STAT_CSV) {
        fprintf(f, "%s,\"%s\",\"%s\",%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,\"", level, cls,
                lock, v.Acquisitions, v.Contentions, v.WaitMinNs, v.WaitAvgNs, v.WaitMaxNs,
                v.HoldSamples, v.HoldMinNs, v.HoldAvgNs, v.HoldMaxNs);
        vsp_write_sites(f, s, true);
        fprintf(f, "\"\n");
        return;
    }
    bool is_class = strcmp(level, "class") == 0;
    fprintf(f, "%s%-*.*s %12llu %11llu %9llu %9llu %10llu %9llu %9llu %10llu\n",
            is_class ? "" : "  ", is_class ? width : width - 2, is_class ? width : width - 2,
            is_class ? cls : lock,
            v.Acquisitions, v.Contentions,
            v.WaitMinNs, v.WaitAvgNs, v.WaitMaxNs, v.HoldMinNs, v.HoldAvgNs, v.HoldMaxNs);
    if (!is_class && vsp_stat_get(&s->contentions) != 0) {
        fprintf(f, "    contended at: ");
        vsp_write_sites(f, s, false);
        fprintf(f, "\n");
    }
}

int vpspin_write_lock_stat(FILE *Stream, vpspin_stat_format Format)
{
    if (Stream == NULL || (Format != VPSPIN_STAT_TABLE && Format != VPSPIN_STAT_CSV))
        return -1;
    unsigned nclasses = vsp_class_count();
    struct vsp_snapshot snap = {.locks = vsp_alloc(sizeof *snap.locks * VSP_LOCKS_MAX)};
    struct vsp_lock_stat *totals =
        snap.locks != NULL ? vsp_alloc(sizeof *totals * (nclasses + 1)) : NULL;
    if (totals == NULL) {
        free(snap.locks);
        return -1;
    }
    vsp_lock_for_each(vsp_snapshot_add, &snap);
    qsort(snap.locks, snap.n, sizeof *snap.locks, vsp_by_class);
    for (unsigned i = 0; i < nclasses; i++)
        vsp_stat_merge(&totals[i], &vsp_class_at(i)->retired);
    for (unsigned i = 0; i < snap.n; i++)
        vsp_stat_merge(&totals[snap.locks[i]->cls->id - 1], &snap.locks[i]->st);

    /* The first column is as wide as the longest class name (46 at least, 100 at most). */
    int width = 46;
    for (unsigned i = 0; i < nclasses; i++)
        if (vsp_stat_get(&totals[i].acquisitions) != 0 &&
            strlen(vsp_class_name(vsp_class_at(i))) > (size_t)width)
            width = (int)strlen(vsp_class_name(vsp_class_at(i)));
    width = width > 100 ? 100 : width;
    if (Format == VPSPIN_STAT_CSV)
        fprintf(Stream, "level,class,lock,acquisitions,contentions,wait_min_ns,wait_avg_ns,"
                        "wait_max_ns,hold_samples,hold_min_ns,hold_avg_ns,hold_max_ns,"
                        "contended_at\n");
    else
        fprintf(Stream, "lock statistics (ns; waits: every acquire that waited; holds: a sample,"
                        " 1 in %u uncontended acquires)\n%-*s %12s %11s %9s %9s %10s %9s %9s %10s\n",
                vsp_hold_sample, width, "class / lock", "acquisitions", "contentions", "wait-min",
                "wait-avg", "wait-max", "hold-min", "hold-avg", "hold-max");
    double rate = vsp_ns_per_tick();
    unsigned next = 0;
    for (unsigned i = 0; i < nclasses; i++) {
        struct vsp_class *c = vsp_class_at(i);
        if (vsp_stat_get(&totals[i].acquisitions) == 0)
            continue;
        const char *name = vsp_class_name(c);
        vsp_write_row(Stream, Format, width, "class", name, "", &totals[i], rate);
        /* (sorted by class; a class skipped above has no lock that was acquired) */
        for (; next < snap.n && snap.locks[next]->cls == c; next++) {
            char label[64];
            vsp_lock_label(label, sizeof label, snap.locks[next]);
            vsp_write_row(Stream, Format, width, "lock", name, label, &snap.locks[next]->st, rate);
        }
    }
    free(snap.locks);
    free(totals);
    return fflush(Stream) == 0 ? 0 : -1;
}

/* ---- Written at exit (VPSPIN_STATS, verifier/mode.c) ------------------------------------ */

static bool vsp_exit_write;
static vpspin_stat_format vsp_exit_format;
static char vsp_exit_path[256];

void vsp_lockstat_write_at_exit(vpspin_stat_format format, const char *path)
{
    vsp_exit_format = format;
    snprintf(vsp_exit_path, sizeof vsp_exit_path, "%s", path);
    vsp_exit_write = true;
}

void vsp_lockstat_at_exit(void)
{
    if (!vsp_exit_write)
        return;
    vsp_exit_write = false;
    FILE *f = vsp_exit_path[0] != '\0' ? fopen(vsp_exit_path, "w") : stderr;
    if (f == NULL) {
        fprintf(stderr, "vpspin: cannot write lock statistics to %s\n", vsp_exit_path);
        return;
    }
    vpspin_write_lock_stat(f, vsp_exit_format);
    if (f != stderr)
        fclose(f);
}
