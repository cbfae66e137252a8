/*
 * verifier/lockclass.h - what the full checked mode knows about each lock: its record (statistics,
 * class), found by the lock's address, and the classes locks are grouped in.
 *
 * A class is what lock-order checking orders (lockdep.c) and what statistics add up
 * (lockstat.c). By default a lock's class is where it was created: the call site of
 * VideoPortCreateSpinLock or KeInitializeSpinLock, so every lock a driver creates at one
 * place (one per device, say) shares one class. vpspin_set_lock_class names a class
 * instead; locks given the same name share it. A KSPIN_LOCK first seen being acquired
 * (initialised before the full mode was on, or never) gets a class of its own, named by
 * its address.
 *
 * Records are found through a hash table read without locking: buckets are singly linked
 * lists that only ever grow at the head (under vsp_class_mutex), and records are never
 * freed. A lock initialised again (memory reused, a VideoPort slot handed out again) keeps
 * its record: its statistics so far move to its old class's retired totals, and it takes
 * its new class. Records and classes are bounded (VSP_LOCKS_MAX, VSP_CLASSES_MAX); past
 * that, or when an allocation fails, the mode says so once and no longer tracks new locks.
 */
#ifndef VSP_LOCKCLASS_H
#define VSP_LOCKCLASS_H

#include <stdbool.h>
#include <stdint.h>

#include <vpspin/wdm.h>

#include "verifier/lockstat.h"

#define VSP_CLASSES_MAX 4096u
#define VSP_LOCKS_MAX 65536u

struct vsp_edge;

struct vsp_class {
    unsigned id;            /* 1 for the first class, and so on */
    const void *site;       /* creation site, or NULL for a named or address class */
    const void *address;    /* the lock, for a class of one lock first seen acquired */
    char name[112];         /* as given; for a site class "Function@address" until named */
    /* A site class's name from the debug info, "VideoPortCreateSpinLock@VpFindAdapter
     * (vpdemo.c:406)": made when a report, table or graph first needs it (vsp_class_name),
     * not at the acquire that makes the class. */
    const char *created;    /* the function called at site */
    unsigned named;         /* atomic: 0, 1 while sym_name is written, 2 once it is */
    char sym_name[160];
    /* Lock-order graph (lockdep.c, under its mutex): the classes taken while this one
     * was held. */
    struct vsp_edge *edges;
    unsigned nedges, capacity;
    unsigned bfs_mark;
    struct vsp_class *bfs_parent;
    struct vsp_lock_stat retired; /* of locks that have since been re-initialised */
};

struct vsp_lock {
    const void *address;
    struct vsp_lock *next;  /* hash chain */
    struct vsp_class *cls;  /* atomic */
    struct vsp_lock_stat st;
};

#define VSP_LOCK_BUCKETS 16384u
extern struct vsp_lock *vsp_buckets[VSP_LOCK_BUCKETS];

static inline unsigned vsp_lock_bucket(const void *address)
{
    return (unsigned)(((uintptr_t)address >> 3) * 0x9E3779B97F4A7C15u >> 50) % VSP_LOCK_BUCKETS;
}

/* The record of the lock at address, or NULL if it has none. No locking. */
static inline struct vsp_lock *vsp_lock_find(const void *address)
{
    /* Acquire pairs with the release that linked a record in: its fields are set. */
    for (struct vsp_lock *l = __atomic_load_n(&vsp_buckets[vsp_lock_bucket(address)],
                                              __ATOMIC_ACQUIRE);
         l != NULL;
         l = l->next)
        if (l->address == address)
            return l;
    return NULL;
}

struct vsp_lock *vsp_lock_make(const void *address);

/* The record of the lock at address, made on first sight (class as above: a lock object
 * of a higher layer by its creation site, check/lockinfo.h), or NULL if it cannot be made. */
static inline struct vsp_lock *vsp_lock_get(const void *address)
{
    struct vsp_lock *l = vsp_lock_find(address);
    if (__builtin_expect(l != NULL && __atomic_load_n(&l->cls, __ATOMIC_ACQUIRE) != NULL, 1))
        return l;
    return vsp_lock_make(address);
}

/* The lock at address was (re)initialised at site: a fresh record in site's class (for a
 * VideoPort lock, made at its first acquire, so that creating one allocates nothing
 * more than the lock object). */
void vsp_lock_created(const void *address, const void *site, bool videoport);

/* The class's name for reports, tables and graphs (see sym_name); the string lives as
 * long as the class. Never waits: a caller that finds another one naming the class gets
 * its provisional name. */
const char *vsp_class_name(struct vsp_class *c);

/* Every class, in creation order: classes[0..n). The array is only appended to. */
unsigned vsp_class_count(void);
struct vsp_class *vsp_class_at(unsigned i);

/* Calls fn for every lock record, under the registry's mutex. */
void vsp_lock_for_each(void (*fn)(struct vsp_lock *lock, void *ctx), void *ctx);

/* Frees every record and class (and the lock-order graph): at exit, when no other thread
 * can be looking (track.c). */
void vsp_lock_free_all(void);

/* Says, once per kind of trouble, that the full mode checks less from now on. */
void vsp_track_degraded(const char *why);

#endif
