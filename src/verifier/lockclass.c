/*
 * verifier/lockclass.c - lock records and classes (lockclass.h), and vpspin_set_lock_class.
 */
#include "verifier/lockclass.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vpspin/vpspin.h>

#include "base/alloc.h"
#include "base/annotate.h"
#include "base/symbol.h"
#include "check/lockinfo.h"
#include "verifier/lockstat.h"

static pthread_mutex_t vsp_class_mutex = PTHREAD_MUTEX_INITIALIZER;
struct vsp_lock *vsp_buckets[VSP_LOCK_BUCKETS];        /* heads: atomic */
static unsigned vsp_nlocks;                             /* under the mutex */
static struct vsp_class *vsp_classes[VSP_CLASSES_MAX];  /* appended under the mutex */
static unsigned vsp_nclasses;                           /* atomic (release on append) */

/* The table is the verifier's bookkeeping, not the program's data (base/annotate.h). */
__attribute__((constructor)) static void vsp_lockclass_init(void)
{
    vsp_annotate_internal(vsp_buckets, sizeof vsp_buckets);
}

void vsp_track_degraded(const char *why)
{
    static const char *said[8];
    static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
    pthread_mutex_lock(&m);
    for (unsigned i = 0; i < 8; i++) {
        if (said[i] == why)
            break;
        if (said[i] == NULL) {
            said[i] = why;
            fprintf(stderr, "vpspin: full checked mode: %s; checking less from now on\n", why);
            break;
        }
    }
    pthread_mutex_unlock(&m);
}


const char *vsp_class_name(struct vsp_class *c)
{
    if (c->site == NULL || __atomic_load_n(&c->named, __ATOMIC_ACQUIRE) == 2)
        return c->site == NULL ? c->name : c->sym_name;
    char where[128];
    vsp_format_site(where, sizeof where, c->site);
    unsigned unnamed = 0;
    if (!__atomic_compare_exchange_n(&c->named, &unnamed, 1, false, __ATOMIC_ACQUIRE,
                                     __ATOMIC_ACQUIRE))
        return unnamed == 2 ? c->sym_name : c->name; /* another thread is writing it */
    snprintf(c->sym_name, sizeof c->sym_name, "%s@%s", c->created, where);
    /* Release: whoever sees 2 sees the name whole. */
    __atomic_store_n(&c->named, 2, __ATOMIC_RELEASE);
    return c->sym_name;
}

unsigned vsp_class_count(void) { return __atomic_load_n(&vsp_nclasses, __ATOMIC_ACQUIRE); }

struct vsp_class *vsp_class_at(unsigned i) { return vsp_classes[i]; }

/* Finds or makes a class; under the mutex. Exactly one of site, address, name is set; a
 * site class is named after the function called there (created). */
static struct vsp_class *vsp_class_get(const void *site, const void *address, const char *name,
                                       const char *created)
{
    for (unsigned i = 0; i < vsp_nclasses; i++) {
        struct vsp_class *c = vsp_classes[i];
        if ((site != NULL && c->site == site) || (address != NULL && c->address == address) ||
            (name != NULL && c->site == NULL && c->address == NULL && strcmp(c->name, name) == 0))
            return c;
    }
    struct vsp_class *c = vsp_nclasses < VSP_CLASSES_MAX ? vsp_alloc(sizeof *c) : NULL;
    if (c == NULL) {
        vsp_track_degraded(vsp_nclasses < VSP_CLASSES_MAX ? "out of memory for a lock class"
                                                          : "too many lock classes");
        return NULL;
    }
    c->id = vsp_nclasses + 1;
    c->site = site;
    c->address = address;
    if (name != NULL) {
        snprintf(c->name, sizeof c->name, "%s", name);
    } else if (site != NULL) {
        c->created = created; /* named from the debug info when first needed */
        snprintf(c->name, sizeof c->name, "%s@%p", created, site);
    } else {
        snprintf(c->name, sizeof c->name, "KSPIN_LOCK@%p", address);
    }
    vsp_classes[vsp_nclasses] = c;
    __atomic_store_n(&vsp_nclasses, vsp_nclasses + 1, __ATOMIC_RELEASE);
    return c;
}

/* Finds or makes the record of address; under the mutex. */
static struct vsp_lock *vsp_lock_insert(const void *address)
{
    struct vsp_lock *l = vsp_lock_find(address);
    if (l != NULL)
        return l;
    l = vsp_nlocks < VSP_LOCKS_MAX ? vsp_alloc(sizeof *l) : NULL;
    if (l == NULL) {
        vsp_track_degraded(vsp_nlocks < VSP_LOCKS_MAX ? "out of memory for a lock record"
                                                      : "too many locks to keep records of");
        return NULL;
    }
    l->address = address;
    struct vsp_lock **head = &vsp_buckets[vsp_lock_bucket(address)];
    l->next = *head;
    vsp_nlocks++;
    __atomic_store_n(head, l, __ATOMIC_RELEASE);
    return l;
}

/* Moves a record's statistics to its class's retired totals; under the mutex. */
static void vsp_lock_retire(struct vsp_lock *l)
{
    struct vsp_class *c = l->cls;
    if (c != NULL)
        vsp_stat_merge(&c->retired, &l->st);
    vsp_stat_clear(&l->st);
}

struct vsp_lock *vsp_lock_make(const void *address)
{
    pthread_mutex_lock(&vsp_class_mutex);
    struct vsp_lock *l = vsp_lock_insert(address);
    if (l != NULL && l->cls == NULL) {
        struct vsp_lock_info info;
        struct vsp_class *c = vsp_lock_describe(address, &info)
                                  ? vsp_class_get(info.creator, NULL, NULL, info.created)
                                  : vsp_class_get(NULL, address, NULL, NULL);
        __atomic_store_n(&l->cls, c, __ATOMIC_RELEASE);
    }
    pthread_mutex_unlock(&vsp_class_mutex);
    return l != NULL && __atomic_load_n(&l->cls, __ATOMIC_RELAXED) != NULL ? l : NULL;
}

void vsp_lock_created(const void *address, const void *site, bool videoport)
{
    pthread_mutex_lock(&vsp_class_mutex);
    if (videoport) {
        /* Nothing to allocate at creation: the record and class are made at the first
         * acquire, from the lock object's creation site. A reused slot starts afresh. */
        struct vsp_lock *l = vsp_lock_find(address);
        if (l != NULL) {
            vsp_lock_retire(l);
            __atomic_store_n(&l->cls, NULL, __ATOMIC_RELEASE);
        }
    } else {
        struct vsp_lock *l = vsp_lock_insert(address);
        if (l != NULL) {
            vsp_lock_retire(l);
            __atomic_store_n(&l->cls, vsp_class_get(site, NULL, NULL, "KeInitializeSpinLock"), __ATOMIC_RELEASE);
        }
    }
    pthread_mutex_unlock(&vsp_class_mutex);
}

void vsp_lock_for_each(void (*fn)(struct vsp_lock *lock, void *ctx), void *ctx)
{
    pthread_mutex_lock(&vsp_class_mutex);
    for (unsigned b = 0; b < VSP_LOCK_BUCKETS; b++)
        for (struct vsp_lock *l = vsp_buckets[b]; l != NULL; l = l->next)
            fn(l, ctx);
    pthread_mutex_unlock(&vsp_class_mutex);
}

VP_STATUS vpspin_set_lock_class(PVOID Lock, const char *Name)
{
    if (Lock == NULL || Name == NULL || *Name == '\0')
        return ERROR_INVALID_PARAMETER;
    VP_STATUS status = ERROR_NOT_ENOUGH_MEMORY;
    pthread_mutex_lock(&vsp_class_mutex);
    struct vsp_lock *l = vsp_lock_insert(Lock);
    struct vsp_class *c = l != NULL ? vsp_class_get(NULL, NULL, Name, NULL) : NULL;
    if (c != NULL) {
        if (l->cls != c)
            vsp_lock_retire(l);
        __atomic_store_n(&l->cls, c, __ATOMIC_RELEASE);
        status = NO_ERROR;
    }
    pthread_mutex_unlock(&vsp_class_mutex);
    return status;
}

void vsp_lock_free_all(void)
{
    pthread_mutex_lock(&vsp_class_mutex);
    for (unsigned b = 0; b < VSP_LOCK_BUCKETS; b++) {
        struct vsp_lock *l = vsp_buckets[b];
        vsp_buckets[b] = NULL;
        while (l != NULL) {
            struct vsp_lock *next = l->next;
            free(l);
            l = next;
        }
    }
    vsp_nlocks = 0;
    for (unsigned i = 0; i < vsp_nclasses; i++) {
        free(vsp_classes[i]->edges);
        free(vsp_classes[i]);
        vsp_classes[i] = NULL;
    }
    __atomic_store_n(&vsp_nclasses, 0, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&vsp_class_mutex);
}
