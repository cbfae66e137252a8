/*
 * check/lockinfo.h - what reports and tables may say about a lock that a layer above made.
 *
 * A lock may be a bare KSPIN_LOCK or the word inside a lock object of a higher layer (a
 * VideoPort PSPIN_LOCK). The report writer, the lock classes and the statistics describe
 * the second kind by its creation number, creator and owner, but may not reach up into
 * the layer that keeps them. That layer registers a describer here instead (once, before
 * its first object exists), and the layers below ask through vsp_lock_describe.
 */
#ifndef VSP_LOCKINFO_H
#define VSP_LOCKINFO_H

#include <stdbool.h>

struct vsp_lock_info {
    const char *kind;    /* "VideoPort spin lock" */
    const char *created; /* the function that made it: "VideoPortCreateSpinLock" */
    const void *creator; /* the call site of that function */
    const void *owner;   /* what it was made for (the HwDeviceExtension) */
    unsigned long serial; /* its creation number, from 1 */
    bool live;           /* false once deleted (the word may still be read) */
};

/* Fills *info and returns true if lock is an object of the describer's layer; must not
 * dereference lock unless it is one. Called from reports: no locks, no allocation. */
typedef bool (*vsp_lock_describer)(const void *lock, struct vsp_lock_info *info);

void vsp_lock_describer_set(vsp_lock_describer describe);

/* False (and *info untouched) for a bare KSPIN_LOCK or anything that is not a lock. */
bool vsp_lock_describe(const void *lock, struct vsp_lock_info *info);

/* The same layer's live lock objects, for the lock dump, which finds the holders of
 * VideoPort locks in their words: the enumerator calls fn(lock, ctx) for each, and must
 * not wait for anything a lock holder may hold. Set once, with the describer. */
typedef void (*vsp_lock_visit)(const void *lock, void *ctx);
typedef void (*vsp_lock_enumerator)(vsp_lock_visit fn, void *ctx);

void vsp_lock_enumerator_set(vsp_lock_enumerator enumerate);
void vsp_lock_enumerate(vsp_lock_visit fn, void *ctx); /* nothing if none is set */

#endif
