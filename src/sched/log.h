/*
 * sched/log.h - the run log of the controlled mode: a file that the process maps shared
 * (VPSPIN_SCHED_LOG=PATH, set by vpspin-explore), so that what it records survives the
 * process however it ends: a bug check's abort, a crash, a kill at the timeout.
 *
 * Layout: struct vsp_log (the header: what ran, the threads, the modules with their load
 * addresses so that call sites can be named outside the process, the last VSP_LOG_RING
 * points in detail), then from byte VSP_LOG_DECISIONS on one struct vsp_log_decision per
 * step: the enabled threads and the one chosen, which is what a schedule file and the
 * bounded search (pb) need. The file is sparse: pages are used as steps are made.
 * vpspin-explore reads it with this header (tools/explore/).
 */
#ifndef VSP_LOG_H
#define VSP_LOG_H

#include <stdint.h>

#define VSP_LOG_MAGIC     "vpsched2"
#define VSP_LOG_THREADS   64
#define VSP_LOG_MODULES   64
#define VSP_LOG_RING      256
#define VSP_LOG_REPORT    8192
#define VSP_LOG_DECISIONS (1u << 20)                        /* offset of the first decision */
#define VSP_LOG_SIZE      (VSP_LOG_DECISIONS + (64u << 20)) /* room for 4 Mi steps */

/* How the run ended, as far as the scheduler knows (a crash or an exit status is the
 * process's business). */
enum vsp_log_status {
    VSP_LOG_RUNNING = 0,  /* still running, or ended by exit, signal or kill */
    VSP_LOG_EXITED = 1,   /* exit() was called and the library's destructors ran */
    VSP_LOG_DEADLOCK = 2, /* every controlled thread blocked: report[] says how */
    VSP_LOG_DIVERGED = 3, /* a replay's thread was not enabled at its step */
};

struct vsp_log_event {
    uint64_t step;   /* the step this point was decided at */
    uint64_t object; /* the lock, device, event or thread */
    uint64_t site;   /* the call site */
    uint8_t thread, kind, irql, chosen;
    uint32_t aux; /* LOCK_WAIT: the holder's thread id, if known */
};

struct vsp_log_decision {
    uint64_t enabled; /* bit i: thread i was enabled */
    uint8_t chosen, current;
    uint8_t yields; /* the current thread yielded: a switch is no preemption */
    uint8_t pad[5];
};

struct vsp_log_thread {
    int32_t tid;
    char name[16];
    uint8_t used;
    uint8_t pad[3];
};

struct vsp_log_module {
    uint64_t base, start, end; /* load bias; the executable mappings' extent */
    char path[232];
};

struct vsp_log {
    char magic[8];
    uint32_t status; /* enum vsp_log_status */
    uint32_t cpus;
    uint64_t seed;
    uint64_t steps;    /* decisions made */
    uint64_t recorded; /* of which in the decision array (the rest did not fit) */
    uint64_t vtime_ns; /* virtual time that passed */
    uint32_t threads;  /* controlled threads seen */
    uint32_t modules;
    uint32_t unreproducible; /* 1 + the thread that blocked outside vpspin, or 0 */
    uint32_t pad;
    char strategy[32];
    struct vsp_log_thread thread[VSP_LOG_THREADS];
    struct vsp_log_module module[VSP_LOG_MODULES];
    struct vsp_log_event ring[VSP_LOG_RING]; /* the point of step s is at s % VSP_LOG_RING */
    char report[VSP_LOG_REPORT];             /* a deadlock or a stall, in words */
};

/* Creates (truncates) and maps the log at path; NULL with a message if it cannot. Records
 * the modules loaded now (dl_iterate_phdr). */
struct vsp_log *vsp_log_open(const char *path, uint64_t seed, unsigned cpus, const char *strategy);

#endif
