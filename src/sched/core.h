/*
 * sched/core.h - the scheduler's own entry points for the rest of its folder: starting the
 * controlled mode (mode.c) and the life of a controlled thread (thread.c). The layers above
 * use sched.h only.
 */
#ifndef VSP_SCHED_CORE_H
#define VSP_SCHED_CORE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "sched/strategy.h"

struct vsp_sthread;

struct vsp_sched_config {
    struct vsp_strategy *strategy;
    uint64_t seed;
    unsigned cpus;
    const char *log_path; /* VPSPIN_SCHED_LOG, or NULL */
    unsigned stall_ms;    /* VPSPIN_SCHED_STALL_MS: the bound on a step outside vpspin */
};

/* Turns the controlled mode on with the calling thread as thread 0; false (with a
 * message) if it cannot be. Call before any other thread uses vpspin. */
bool vsp_sched_start(const struct vsp_sched_config *c);

/* The stall monitor's thread body (the essay of sched.c); thread.c starts it, uncontrolled,
 * with the first thread it creates. */
void *vsp_sched_monitor(void *arg);

/* A thread about to be created by a controlled thread: its slot, or NULL (then it is
 * not controlled). vsp_sched_created records its pthread_t once known, or frees the slot
 * (ok false). The new thread calls vsp_sched_bind first and vsp_sched_exit last. */
struct vsp_sthread *vsp_sched_adopt(void);
void vsp_sched_created(struct vsp_sthread *t, pthread_t thread, bool ok);
void vsp_sched_bind(struct vsp_sthread *t);
void vsp_sched_exit(void);
/* For a wait that must let go of a mutex first (a condition variable): from now on, a
 * signal of object before the vsp_sched_wait for it makes that wait return at once.
 * False if the caller does not hold the token (has not reached its first point). */
bool vsp_sched_wait_arm(const void *object);
/* The controlled thread created as thread, or NULL; whether it has exited. */
struct vsp_sthread *vsp_sched_find(pthread_t thread);
bool vsp_sched_exited(struct vsp_sthread *t);

#endif
