/*
 * sched/replay.c - following a schedule file: replay:FILE, and the prefix of a pb:B run.
 *
 * A schedule file is text that vpspin-explore writes (vpspin-explore(1)):
 *
 *   vpspin-schedule 1
 *   strategy pct:3
 *   seed 1234
 *   cpus 2
 *   steps 57
 *   choices 0*3 1 2*10 0 ...
 *
 * "strategy" is the one that made the run: a replay enables the threads that may time out
 * as it did. "choices" lists, for every step in order, the id of the thread that ran it; T*N is N
 * steps of thread T. Lines starting with '#' are comments. A program whose threads make
 * the same calls in the same order given the same choices (everything but the
 * scheduling is deterministic) then runs the same steps again, so it fails the same way.
 * If the thread a step names is not enabled there, the run has diverged from the file:
 * pick returns -1 and the scheduler says so. Past the last choice, the default: the
 * current thread goes on if it can (no preemption), else the enabled thread of lowest id.
 *
 * pb:B and db:B are the same object: vpspin-explore does the bounded search, and runs each
 * schedule as a prefix (VPSPIN_SCHED_PREFIX) that the default completes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sched/strategy.h"

struct vsp_replay {
    struct vsp_strategy s;
    uint8_t *choice;
    uint64_t n, cap;
    char name[16];
};

VSP_NOTSAN static int vsp_replay_pick(struct vsp_strategy *s, const struct vsp_sched_view *v)
{
    struct vsp_replay *r = (struct vsp_replay *)s;
    if (v->step >= r->n)
        return vsp_pick_default(v);
    for (unsigned i = 0; i < v->n; i++)
        if (v->ids[i] == r->choice[v->step])
            return (int)i;
    return -1;
}

static bool vsp_replay_push(struct vsp_replay *r, unsigned long id, unsigned long count)
{
    if (r->n + count > r->cap) {
        uint64_t cap = r->cap ? r->cap : 1024;
        while (cap < r->n + count)
            cap *= 2;
        uint8_t *p = realloc(r->choice, cap);
        if (p == NULL)
            return false;
        r->choice = p;
        r->cap = cap;
    }
    memset(r->choice + r->n, (int)id, count);
    r->n += count;
    return true;
}

/* Reads the choices; false with a message naming the line if the file is not one. */
static bool vsp_replay_read(struct vsp_replay *r, const char *path, FILE *f, unsigned *cpus)
{
    char line[4096];
    unsigned lineno = 0;
    bool magic = false, choices = false;
    while (fgets(line, sizeof line, f) != NULL) {
        lineno++;
        char *p = line;
        if (*p == '#' || *p == '\n')
            continue;
        if (!magic) {
            if (strncmp(p, "vpspin-schedule 1", 17) != 0)
                break;
            magic = true;
            continue;
        }
        if (!choices) {
            unsigned long c;
            if (sscanf(p, "cpus %lu", &c) == 1 && c >= 1 && c <= 64)
                *cpus = (unsigned)c;
            /* The run it replays let time pass as its strategy did (strategy.h). */
            if (strncmp(p, "strategy ", 9) == 0)
                r->s.lazy_time = strncmp(p + 9, "pb:", 3) == 0 || strncmp(p + 9, "db:", 3) == 0;
            if (strncmp(p, "choices", 7) != 0)
                continue;
            choices = true;
            p += 7;
        }
        for (;;) {
            while (*p == ' ' || *p == '\t' || *p == '\n')
                p++;
            if (*p == '\0')
                break;
            char *end;
            errno = 0;
            unsigned long id = strtoul(p, &end, 10), count = 1;
            if (end == p || id >= VSP_SCHED_MAX_THREADS)
                goto bad;
            p = end;
            if (*p == '*') {
                count = strtoul(p + 1, &end, 10);
                if (end == p + 1 || count == 0 || errno != 0)
                    goto bad;
                p = end;
            }
            if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\0')
                goto bad;
            if (!vsp_replay_push(r, id, count)) {
                fprintf(stderr, "vpspin: %s: out of memory\n", path);
                return false;
            }
        }
    }
    if (magic && choices)
        return true;
    fprintf(stderr, "vpspin: %s is not a vpspin schedule file (%s)\n", path,
            magic ? "no choices line" : "its first line is not \"vpspin-schedule 1\"");
    return false;
bad:
    fprintf(stderr, "vpspin: %s:%u: a choice is not THREAD or THREAD*COUNT (thread < %d)\n", path,
            lineno, VSP_SCHED_MAX_THREADS);
    return false;
}

struct vsp_strategy *vsp_strategy_replay(const char *name, const char *path, unsigned *cpus)
{
    struct vsp_replay *r = calloc(1, sizeof *r);
    if (r == NULL)
        return NULL;
    snprintf(r->name, sizeof r->name, "%s", name);
    r->s.name = r->name;
    r->s.pick = vsp_replay_pick;
    r->s.lazy_time = true;
    if (path != NULL) {
        FILE *f = fopen(path, "r");
        if (f == NULL) {
            fprintf(stderr, "vpspin: cannot read the schedule %s: %s\n", path, strerror(errno));
            free(r);
            return NULL;
        }
        bool ok = vsp_replay_read(r, path, f, cpus);
        fclose(f);
        if (!ok) {
            free(r->choice);
            free(r);
            return NULL;
        }
    }
    return &r->s;
}
