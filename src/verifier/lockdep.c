/*
 * verifier/lockdep.c - predicting deadlocks from the order locks are taken in, as Linux's lockdep
 * and Driver Verifier's deadlock detection do.
 *
 * A deadlock among spin locks needs threads that each hold one lock and wait for the
 * next, around a cycle: thread 0 holds A and waits for B, thread 1 holds B and waits for
 * A. Such a cycle is possible as soon as the program has ever taken B while holding A,
 * and (on any thread, at any other time) A while holding B - whether or not the two ever
 * overlapped. So the full mode keeps a graph over lock classes (lockclass.h): an edge
 * A -> B each time a thread is about to wait for a lock of class B while holding one of
 * class A. A new edge A -> B closes a cycle exactly when B already reaches A; that is
 * found by a breadth-first search from B, and reported as 0xC4 / 0x1001 with the cycle
 * ("Thread 0: A B / Thread 1: B A"), where each edge of it was first recorded (a stack),
 * the locks the thread holds and the whole graph as Graphviz DOT in a file.
 *
 * Rules of the graph:
 *   - a try-acquire never waits, so it adds no edge to the lock it takes (a lock taken by
 *     a try still orders the locks taken after it);
 *   - locks of one class nested in each other add no edge: their instances may well be
 *     taken in a consistent order the classes cannot see. Give such locks classes of their
 *     own (vpspin_set_lock_class) to have that order checked;
 *   - the edge that closes a cycle is still added (after the report), so later reports
 *     and the DOT file show it.
 *
 * Cost: the set of held classes, in order, is hashed into a chain key as locks are taken
 * (vsp_lockdep_key). Each chain is checked once; its key then goes into a lock-free set
 * (vsp_chains: open addressing, keys only, never removed), and a later acquire with the
 * same chain costs one lookup. A thread that holds no lock needs no check at all. When
 * the set is full, chains are checked every time (correct, slower), and the mode says so.
 * Two different chains with the same 64-bit key would hide the second: a chance of about
 * n^2 / 2^65 for n chains.
 */
#include "verifier/lockdep.h"

#include <execinfo.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vpspin/vpspin.h>

#include "base/alloc.h"
#include "base/annotate.h"
#include "check/bugcheck.h"
#include "lock/thread.h"
#include "verifier/held.h"

#define VSP_CHAINS (1u << 16) /* chains already checked */
#define VSP_CHAIN_PROBES 32u
#define VSP_EDGE_FRAMES 12

struct vsp_edge {
    struct vsp_class *to;
    int tid;                       /* the thread that first took to while holding from */
    int nframes;
    void *frames[VSP_EDGE_FRAMES]; /* its stack then */
};

static pthread_mutex_t vsp_graph_mutex = PTHREAD_MUTEX_INITIALIZER;
static uint64_t vsp_chains[VSP_CHAINS]; /* keys; 0 = empty; written under the mutex */
static unsigned vsp_bfs_generation;
static struct vsp_class *vsp_bfs_queue[VSP_CLASSES_MAX];
static unsigned vsp_dot_reports; /* DOT files written */

/* The cache is the verifier's bookkeeping, not the program's data (base/annotate.h). */
__attribute__((constructor)) static void vsp_lockdep_init(void)
{
    vsp_annotate_internal(vsp_chains, sizeof vsp_chains);
}

static bool vsp_chain_known(uint64_t key)
{
    for (unsigned i = 0; i < VSP_CHAIN_PROBES; i++) {
        uint64_t k = __atomic_load_n(&vsp_chains[(key + i) % VSP_CHAINS], __ATOMIC_RELAXED);
        if (k == key)
            return true;
        if (k == 0)
            return false;
    }
    return false;
}

static void vsp_chain_add(uint64_t key)
{
    for (unsigned i = 0; i < VSP_CHAIN_PROBES; i++) {
        uint64_t *slot = &vsp_chains[(key + i) % VSP_CHAINS];
        if (*slot == key)
            return;
        if (*slot == 0) {
            __atomic_store_n(slot, key, __ATOMIC_RELAXED);
            return;
        }
    }
    vsp_track_degraded("lock chain cache full: chains are checked on every acquire");
}

static struct vsp_edge *vsp_edge_find(struct vsp_class *from, struct vsp_class *to)
{
    for (unsigned i = 0; i < from->nedges; i++)
        if (from->edges[i].to == to)
            return &from->edges[i];
    return NULL;
}

static struct vsp_edge *vsp_edge_add(struct vsp_class *from, struct vsp_class *to)
{
    if (from->nedges == from->capacity) {
        unsigned cap = from->capacity ? from->capacity * 2 : 4;
        struct vsp_edge *e = vsp_alloc(sizeof *e * cap);
        if (e == NULL) {
            vsp_track_degraded("out of memory for the lock-order graph");
            return NULL;
        }
        if (from->nedges != 0)
            memcpy(e, from->edges, sizeof *e * from->nedges);
        free(from->edges);
        from->edges = e;
        from->capacity = cap;
    }
    struct vsp_edge *e = &from->edges[from->nedges++];
    e->to = to;
    e->tid = vsp_tid();
    e->nframes = backtrace(e->frames, VSP_EDGE_FRAMES);
    return e;
}

/* Whether from reaches to; if so, to's bfs_parent chain leads back to from. */
static bool vsp_reaches(struct vsp_class *from, struct vsp_class *to)
{
    unsigned gen = ++vsp_bfs_generation, head = 0, tail = 0;
    from->bfs_mark = gen;
    from->bfs_parent = NULL;
    vsp_bfs_queue[tail++] = from;
    while (head < tail) {
        struct vsp_class *c = vsp_bfs_queue[head++];
        if (c == to)
            return true;
        for (unsigned i = 0; i < c->nedges; i++) {
            struct vsp_class *n = c->edges[i].to;
            if (n->bfs_mark != gen) {
                n->bfs_mark = gen;
                n->bfs_parent = c;
                vsp_bfs_queue[tail++] = n;
            }
        }
    }
    return false;
}

/* ---- DOT ---------------------------------------------------------------------------------- */

static void vsp_dot_escape(FILE *f, const char *s)
{
    for (; *s != '\0'; s++) {
        if (*s == '"' || *s == '\\')
            fputc('\\', f);
        fputc(*s, f);
    }
}

/* The graph; the edges of cycle[0..n) (cycle[i] -> cycle[i+1 mod n]) in red. Under the
 * mutex. */
static void vsp_dot_write(FILE *f, struct vsp_class *const *cycle, unsigned n)
{
    fprintf(f, "digraph vpspin_lock_order {\n  node [shape=box, fontname=\"monospace\"];\n");
    unsigned nclasses = vsp_class_count();
    for (unsigned i = 0; i < nclasses; i++) {
        struct vsp_class *c = vsp_class_at(i);
        fprintf(f, "  c%u [label=\"", c->id);
        vsp_dot_escape(f, vsp_class_name(c));
        fprintf(f, "\"];\n");
    }
    for (unsigned i = 0; i < nclasses; i++) {
        struct vsp_class *c = vsp_class_at(i);
        for (unsigned j = 0; j < c->nedges; j++) {
            bool red = false;
            for (unsigned k = 0; k < n; k++)
                red |= cycle[k] == c && cycle[(k + 1) % n] == c->edges[j].to;
            fprintf(f, "  c%u -> c%u%s;\n", c->id, c->edges[j].to->id,
                    red ? " [color=red, penwidth=2]" : "");
        }
    }
    fprintf(f, "}\n");
}

int vpspin_write_lock_order(FILE *Stream)
{
    if (Stream == NULL)
        return -1;
    pthread_mutex_lock(&vsp_graph_mutex);
    vsp_dot_write(Stream, NULL, 0);
    pthread_mutex_unlock(&vsp_graph_mutex);
    return fflush(Stream) == 0 ? 0 : -1;
}

/* Writes the graph next to a report; returns the file's name in path (or "" if none). */
static void vsp_dot_file(char *path, size_t n, struct vsp_class *const *cycle, unsigned len)
{
    const char *dir = getenv("VPSPIN_REPORT_DIR");
    if (dir == NULL || *dir == '\0')
        dir = getenv("TMPDIR");
    if (dir == NULL || *dir == '\0')
        dir = "/tmp";
    snprintf(path, n, "%s/vpspin-lock-order-%d-%u.dot", dir, (int)getpid(), ++vsp_dot_reports);
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        path[0] = '\0';
        return;
    }
    vsp_dot_write(f, cycle, len);
    fclose(f);
}

/* ---- The report --------------------------------------------------------------------------- */

static void vsp_put_edge(struct vsp_text *t, struct vsp_class *from, const struct vsp_edge *e)
{
    vsp_put(t, "  %s -> %s, first by thread %d at:\n", vsp_class_name(from), vsp_class_name(e->to),
            e->tid);
    vsp_put_frames(t, e->frames, e->nframes, "      ");
}

/* The cycle is cycle[0] = from (held), cycle[1] = cls (wanted), ..., back to from; the
 * edge cycle[0] -> cycle[1] is the new one. Under the mutex; returns the text. */
static struct vsp_text *vsp_cycle_text(const struct vsp_track *tt, struct vsp_class **cycle,
                                       unsigned n)
{
    struct vsp_text *t = vsp_text_new();
    if (t == NULL)
        return NULL;
    vsp_put(t, "Cycle:  %u lock classes; each thread holds the first and waits for the second:\n",
            n);
    for (unsigned i = 0; i < n; i++)
        vsp_put(t, "  Thread %u: %s  %s\n", i, vsp_class_name(cycle[i]),
                vsp_class_name(cycle[(i + 1) % n]));
    vsp_put(t, "Chain:  where each order was first seen:\n");
    for (unsigned i = 0; i < n; i++)
        vsp_put_edge(t, cycle[i], vsp_edge_find(cycle[i], cycle[(i + 1) % n]));
    vsp_held_put(t, tt);
    char path[300];
    vsp_dot_file(path, sizeof path, cycle, n);
    if (path[0] != '\0')
        vsp_put(t, "Graph:  %s (Graphviz DOT, the cycle in red)\n", path);
    return t;
}

void vsp_lockdep_check(const struct vsp_track *tt, struct vsp_class *cls, uint64_t chain,
                       PKSPIN_LOCK w, enum vsp_api api)
{
    static struct vsp_class *path[VSP_CLASSES_MAX + 1]; /* under the mutex */
    if (vsp_chain_known(chain))
        return;
    struct vsp_text *report = NULL;
    const void *held_lock = NULL;
    pthread_mutex_lock(&vsp_graph_mutex);
    for (unsigned i = 0; i < tt->depth; i++) {
        struct vsp_class *from = tt->held[i].rec->cls;
        if (from == cls || vsp_edge_find(from, cls) != NULL)
            continue;
        bool cycle = report == NULL && vsp_reaches(cls, from);
        unsigned n = 0;
        if (cycle) /* from, cls, ..., back to the class before from */
            for (struct vsp_class *c = from; c != NULL; c = c->bfs_parent) /* <= all classes */
                path[n++] = c;
        if (vsp_edge_add(from, cls) == NULL)
            break;
        if (cycle) {
            /* path is from, parent(from), ..., cls: reverse after from for the order
             * from -> cls -> ... -> from. */
            for (unsigned a = 1, b = n - 1; a < b; a++, b--) {
                struct vsp_class *x = path[a];
                path[a] = path[b];
                path[b] = x;
            }
            report = vsp_cycle_text(tt, path, n);
            held_lock = tt->held[i].lock;
        }
    }
    vsp_chain_add(chain);
    pthread_mutex_unlock(&vsp_graph_mutex);
    if (held_lock == NULL)
        return;
    struct vsp_violation v = {
        .code = VSP_DRIVER_VERIFIER_DETECTED_VIOLATION,
        .p = {0x1001, (ULONG_PTR)w, (ULONG_PTR)held_lock, (ULONG_PTR)vsp_tid()},
        .rule = "lock order: taking this lock here can deadlock with an order seen before",
        .api = api,
        .lock = w,
        .lock_readable = true,
        .detail = report != NULL ? report->buf : NULL,
    };
    vsp_bugcheck(&v);
    free(report);
}
