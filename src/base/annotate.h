/*
 * base/annotate.h - telling race detectors that a KSPIN_LOCK is a lock.
 *
 * ThreadSanitizer and Helgrind see vpspin's atomics but not that they make a lock, so
 * they can neither order critical sections the way a lock does for them nor report a
 * lock-order inversion. The full path of every acquire and release (ke/spinlock.c) tells
 * them, through:
 *
 *   ThreadSanitizer   the __tsan_mutex_* interface. The functions are declared weak, so
 *                     the library needs no TSan build: they resolve when the program
 *                     was built with -fsanitize=thread, and are NULL otherwise.
 *   Helgrind          its mutex client requests, when <valgrind/helgrind.h> was found at
 *                     build time and the program runs under valgrind --tool=helgrind.
 *
 * When either tool is there (vsp_annotating, set at start-up unless VPSPIN_ANNOTATE=0),
 * every call takes the full path (verifier/track.c), so no acquire or release goes untold. A lock's own word
 * is excluded from Helgrind's race checks: its accesses are the lock algorithm's business.
 */
#ifndef VSP_ANNOTATE_H
#define VSP_ANNOTATE_H

#include <stdbool.h>
#include <stddef.h>

#if defined(__has_include)
#if __has_include(<valgrind/helgrind.h>)
#include <valgrind/helgrind.h>
#define VSP_HAVE_HELGRIND_H 1
#endif
#endif

/* The tools found at start-up (annotate.c). */
#define VSP_ANNOTATE_TSAN 0x1u
#define VSP_ANNOTATE_HELGRIND 0x2u
extern unsigned vsp_annotating;

/* ThreadSanitizer's interface (sanitizer/tsan_interface.h), weak. */
#define VSP_TSAN_TRY_LOCK (1u << 4)
#define VSP_TSAN_TRY_LOCK_FAILED (1u << 5)
void __tsan_mutex_create(void *addr, unsigned flags) __attribute__((weak));
void __tsan_mutex_destroy(void *addr, unsigned flags) __attribute__((weak));
void __tsan_mutex_pre_lock(void *addr, unsigned flags) __attribute__((weak));
int __tsan_mutex_post_lock(void *addr, unsigned flags, int recursion) __attribute__((weak));
int __tsan_mutex_pre_unlock(void *addr, unsigned flags) __attribute__((weak));
void __tsan_mutex_post_unlock(void *addr, unsigned flags) __attribute__((weak));

/* ThreadSanitizer's dynamic annotations, weak: reads it is not to check. */
void AnnotateIgnoreReadsBegin(const char *file, int line) __attribute__((weak));
void AnnotateIgnoreReadsEnd(const char *file, int line) __attribute__((weak));

/* Around reads of other threads' state that are racy on purpose (the lock dump: each
 * field read whole, the set not from one instant). Whenever ThreadSanitizer is there,
 * told of locks (vsp_annotating) or not. */
static inline void vsp_annotate_racy_reads(bool begin)
{
    if (begin && AnnotateIgnoreReadsBegin != NULL)
        AnnotateIgnoreReadsBegin(__FILE__, __LINE__);
    if (!begin && AnnotateIgnoreReadsEnd != NULL)
        AnnotateIgnoreReadsEnd(__FILE__, __LINE__);
}

/* vpspin's own bookkeeping, shared through atomics Helgrind does not understand (their
 * ordering is checked by ThreadSanitizer and models/): not the program's data, so not
 * Helgrind's concern. */
static inline void vsp_annotate_internal(const void *p, unsigned long n)
{
#if VSP_HAVE_HELGRIND_H
    if (vsp_annotating & VSP_ANNOTATE_HELGRIND)
        VALGRIND_HG_DISABLE_CHECKING(p, n);
#else
    (void)p;
    (void)n;
#endif
}

static inline void vsp_annotate_created(void *w)
{
    if (vsp_annotating & VSP_ANNOTATE_TSAN)
        __tsan_mutex_create(w, 0);
#if VSP_HAVE_HELGRIND_H
    if (vsp_annotating & VSP_ANNOTATE_HELGRIND) {
        VALGRIND_HG_DISABLE_CHECKING(w, sizeof(void *));
        VALGRIND_HG_MUTEX_INIT_POST(w, 0);
    }
#endif
}

static inline void vsp_annotate_destroyed(void *w)
{
    if (vsp_annotating & VSP_ANNOTATE_TSAN)
        __tsan_mutex_destroy(w, 0);
#if VSP_HAVE_HELGRIND_H
    if (vsp_annotating & VSP_ANNOTATE_HELGRIND)
        VALGRIND_HG_MUTEX_DESTROY_PRE(w);
#endif
}

/* Before an acquire that may wait (or a try); then vsp_annotate_locked with the outcome. */
static inline void vsp_annotate_lock(void *w, bool try_)
{
    if (vsp_annotating & VSP_ANNOTATE_TSAN)
        __tsan_mutex_pre_lock(w, try_ ? VSP_TSAN_TRY_LOCK : 0);
#if VSP_HAVE_HELGRIND_H
    if (vsp_annotating & VSP_ANNOTATE_HELGRIND)
        VALGRIND_HG_MUTEX_LOCK_PRE(w, try_);
#endif
}

static inline void vsp_annotate_locked(void *w, bool try_, bool taken)
{
    if (vsp_annotating & VSP_ANNOTATE_TSAN)
        __tsan_mutex_post_lock(w, (try_ ? VSP_TSAN_TRY_LOCK : 0) |
                                      (taken ? 0 : VSP_TSAN_TRY_LOCK_FAILED), 0);
#if VSP_HAVE_HELGRIND_H
    if ((vsp_annotating & VSP_ANNOTATE_HELGRIND) && taken)
        VALGRIND_HG_MUTEX_LOCK_POST(w);
#endif
}

/* Around the store that lets the lock go. */
static inline void vsp_annotate_unlock(void *w)
{
    if (vsp_annotating & VSP_ANNOTATE_TSAN)
        __tsan_mutex_pre_unlock(w, 0);
#if VSP_HAVE_HELGRIND_H
    if (vsp_annotating & VSP_ANNOTATE_HELGRIND)
        VALGRIND_HG_MUTEX_UNLOCK_PRE(w);
#endif
}

static inline void vsp_annotate_unlocked(void *w)
{
    if (vsp_annotating & VSP_ANNOTATE_TSAN)
        __tsan_mutex_post_unlock(w, 0);
#if VSP_HAVE_HELGRIND_H
    if (vsp_annotating & VSP_ANNOTATE_HELGRIND)
        VALGRIND_HG_MUTEX_UNLOCK_POST(w);
#endif
}

#endif
