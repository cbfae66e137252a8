/*
 * lock/profile.h - counters of what the lock algorithm's waiting and releasing paths do,
 * for finding out where the time of a contended lock goes. Compiled in only when the build
 * is configured with -DVPSPIN_LOCK_PROFILE=ON (VSP_LOCK_PROFILE); the shipped library has
 * none of it, and the inline fast paths never count, in any build. Each thread counts into
 * its own TLS; vsp_lock_profile_take hands a thread its own counters and zeroes them
 * (vpspin-bench calls it at the end of each worker).
 *
 *   slow         acquires that waited (vsp_lock_slow)
 *   looks        loads of the owner half while waiting (each one fetches the line if the
 *                holder wrote it since)
 *   lost         looks that saw the lock takeable and lost the CAS to another thread
 *   pauses       spin-wait hints executed while waiting (backoff)
 *   waiter_rmw   read-modify-writes of the waiter half by waiters (SPINNER, WANT, PARKED,
 *                taking the lock): each takes the line from the holder
 *   sleeps       FUTEX_WAITs; sleep_ns the time spent in them
 *   wait_ns      time from entering vsp_lock_slow to taking the lock
 *   full_unlocks releases by vsp_unlock (the fast path stepped aside)
 *   handoffs     releases that handed the lock to a waiter
 *   wakes        FUTEX_WAKEs
 */
#ifndef VSP_LOCK_PROFILE_H
#define VSP_LOCK_PROFILE_H

#include <stdint.h>

#define VSP_LOCK_PROFILE_FIELDS(X)                                                           \
    X(slow) X(looks) X(lost) X(pauses) X(waiter_rmw) X(sleeps) X(sleep_ns) X(wait_ns)        \
        X(full_unlocks) X(handoffs) X(wakes)

#define VSP_LOCK_PROFILE_MEMBER(f) uint64_t f;
struct vsp_lock_profile {
    VSP_LOCK_PROFILE_FIELDS(VSP_LOCK_PROFILE_MEMBER)
};

#ifdef VSP_LOCK_PROFILE
extern __thread struct vsp_lock_profile vsp_lock_profile_tls
    __attribute__((tls_model("initial-exec")));
#define VSP_PROF(field, n) ((void)(vsp_lock_profile_tls.field += (n)))
#else
#define VSP_PROF(field, n) ((void)0)
#endif

/* Stores the calling thread's counters in *out and zeroes them (all zero in a build
 * without VSP_LOCK_PROFILE). */
void vsp_lock_profile_take(struct vsp_lock_profile *out);

#endif
