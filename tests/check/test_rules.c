/*
 * test_rules.c - every rule of the default checked mode fires, with the right bug check
 * code and parameters, and correct code is silent in every mode.
 *
 * Structure:
 *   1. A table of scenarios (scenarios[]). Each names a lock, how the lock is held
 *      beforehand (by this thread in one of the four ways, by another thread, or not at
 *      all), the IRQL to be at, one offending call (act), and the report expected:
 *      Parameter1 (0 when the call must stay silent), Parameter2..4 and the API name.
 *      Parameters that depend on the run (the lock's address, its word, the thread id,
 *      the current IRQL) are written symbolically and resolved just before the call.
 *      What each parameter means, per subcode: docs/checked-mode.md.
 *   2. In-process (run_in_process): with a recording handler installed, each scenario
 *      is set up, the state is snapshot, the call is made with stderr captured, and the
 *      report is checked field by field - code, P1..P4, Name, Api, the text's first
 *      lines, the text equals what went to stderr, the report count went up by one -
 *      and so is the state the call left: unchanged (IRQL, lock word, what an acquire
 *      says was the old IRQL). Then the scenario is undone, silently. The table runs in
 *      the DEFAULT and in the FULL mode.
 *   3. In a child (run_in_child): the default behaviour with no handler. Each reporting
 *      scenario runs in a fork()ed child with stdout/stderr in temporary files; the
 *      child prints the STOP line it expects, then must die of SIGABRT having written
 *      exactly that line, then DRIVER_VERIFIER_DETECTED_VIOLATION, to stderr.
 *   4. VPSPIN_VERIFY: this program is re-executed with "--child-env" (through the
 *      emulator named by VPSPIN_TEST_EMULATOR, when cross-built) under "0", "1",
 *      "full", "", an invalid value and unset; the child prints the mode it started in
 *      and lowers its IRQL upwards, which must abort (and report) unless the mode is 0.
 *   5. The report at its edges: a lock word scribbled into a handoff state, a thread
 *      above HIGH_LEVEL, standard error closed, report-and-continue past its table of
 *      1024 problems seen, a report mode that is not one.
 *   6. Silence: a correct program that calls every public function, single-threaded
 *      and then with threads contending, in the OFF, DEFAULT and FULL modes, with a
 *      counting handler: no report. Mode setting, and OFF really skipping the checks.
 *   7. The release's copy of its acquire's record: a release again, after
 *      KeInitializeSpinLock, of another kind or to another IRQL, of two locks in either
 *      order, of a Ke word passed as a VideoPort handle, after a full-path acquire: each
 *      reports from the word as before, or is silent when right.
 *
 * Ordering: every fork() happens while the process has a single thread (a scenario's
 * helper thread is joined before the scenario ends), and the contention test, the only
 * other user of threads, runs last. No sleeps: threads hand over with semaphores and a
 * barrier, so every run makes the same calls and expects the same reports.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vpspin/vpspin.h>

#include "check.h"

#define C4             0xC4u
#define STOP_FORMAT    "*** STOP: 0x%08X (0x%016llX,0x%016llX,0x%016llX,0x%016llX)"
#define VIOLATION_NAME "DRIVER_VERIFIER_DETECTED_VIOLATION"

/* The kinds of release, as Parameter4 of 0xC4/0x1009 names them (vpspin(7)). */
#define KIND_PLAIN      0u
#define KIND_DPC        2u
#define KIND_QUEUED     4u
#define KIND_QUEUED_DPC 6u

static ULONG_PTR gettid_(void) { return (ULONG_PTR)syscall(SYS_gettid); }

/* ---- What a scenario works on ------------------------------------------------------ */

enum lock_id {
    L_NONE,        /* an IRQL rule: no lock */
    L_KE,          /* a KSPIN_LOCK */
    L_VP,          /* a live VideoPort lock */
    L_VP_NULL,     /* NULL */
    L_VP_BAD,      /* (PSPIN_LOCK)0x10: dereferencing it would crash */
    L_VP_NOACCESS, /* a PROT_NONE page: dereferencing it would crash */
    L_VP_FOREIGN,  /* readable memory that is not a lock: must not be written */
    L_VP_INSIDE,   /* a pointer into the middle of a live lock object */
    L_VP_DELETED,  /* a lock VideoPortDeleteSpinLock deleted */
};

enum hold {
    H_NONE,       /* the lock is free */
    H_PLAIN,      /* this thread, KeAcquireSpinLock / VideoPortAcquireSpinLock */
    H_DPC,        /* this thread, the AtDpcLevel acquire */
    H_QUEUED,     /* this thread, KeAcquireInStackQueuedSpinLock (handle fx.h) */
    H_QUEUED_DPC, /* this thread, KeAcquireInStackQueuedSpinLockAtDpcLevel (fx.h) */
    H_OTHER,      /* another thread, KeAcquireSpinLock / VideoPortAcquireSpinLock */
};

static int devext; /* the HwDeviceExtension every VideoPort call passes */
static struct {
    ULONG_PTR word;
    char rest[56];
} not_a_lock = {0x5A5A5A5A, "not a lock"};

static struct fixture {
    KSPIN_LOCK k;           /* the Ke lock */
    PSPIN_LOCK vp, vp_dead; /* created once: a live lock and a deleted one */
    void *noaccess;         /* a PROT_NONE page */
    PKSPIN_LOCK kw;         /* the Ke lock the acts use */
    PSPIN_LOCK vl;          /* the VideoPort handle the acts use */
    ULONG_PTR target;       /* the lock as the report names it (Parameter2 mostly) */
    const ULONG_PTR *word;  /* its word, if the test may read it; else NULL */
    KLOCK_QUEUE_HANDLE h;   /* names fx.kw; filled by the setup's acquire if queued */
    KLOCK_QUEUE_HANDLE h2;  /* for a second queued acquire */
    KIRQL old;              /* the IRQL the setup's acquire returned */
    int ret;                /* an IRQL the act's call returned as "old", or -1 */
} fx;

/* ---- The offending calls ----------------------------------------------------------- */

static void raise_apc(void)
{
    KIRQL o;
    KeRaiseIrql(APC_LEVEL, &o);
    fx.ret = o;
}
static void raise_16(void) { fx.ret = KfRaiseIrql(HIGH_LEVEL + 1); }
static void raise_dpc(void) { fx.ret = KeRaiseIrqlToDpcLevel(); }
static void lower_apc(void) { KeLowerIrql(APC_LEVEL); }
static void lower_high(void) { KeLowerIrql(HIGH_LEVEL); }

static void ke_acq(void)
{
    KIRQL o;
    KeAcquireSpinLock(fx.kw, &o);
    fx.ret = o;
}
static void ke_acq_raise(void) { fx.ret = KeAcquireSpinLockRaiseToDpc(fx.kw); }
static void ke_acq_dpc(void) { KeAcquireSpinLockAtDpcLevel(fx.kw); }
static void ke_try(void) { CHECK_EQ(KeTryToAcquireSpinLockAtDpcLevel(fx.kw), FALSE); }
static void ke_rel(void) { KeReleaseSpinLock(fx.kw, fx.old); }
static void ke_rel_passive(void) { KeReleaseSpinLock(fx.kw, PASSIVE_LEVEL); }
static void ke_rel_dpc(void) { KeReleaseSpinLockFromDpcLevel(fx.kw); }
static void kq_acq(void)
{
    KeAcquireInStackQueuedSpinLock(fx.kw, &fx.h2);
    fx.ret = fx.h2.OldIrql;
}
static void kq_acq_dpc(void) { KeAcquireInStackQueuedSpinLockAtDpcLevel(fx.kw, &fx.h2); }
static void kq_rel(void) { KeReleaseInStackQueuedSpinLock(&fx.h); }
static void kq_rel_dpc(void) { KeReleaseInStackQueuedSpinLockFromDpcLevel(&fx.h); }
static void kq_rel_apc(void) /* a handle whose OldIrql was changed after the acquire */
{
    fx.h.OldIrql = APC_LEVEL;
    KeReleaseInStackQueuedSpinLock(&fx.h);
    fx.h.OldIrql = fx.old;
}
static void vp_acq(void)
{
    UCHAR o = 0xEE;
    VideoPortAcquireSpinLock(&devext, fx.vl, &o);
    fx.ret = o;
}
static void vp_acq_dpc(void) { VideoPortAcquireSpinLockAtDpcLevel(&devext, fx.vl); }
static void vp_rel(void) { VideoPortReleaseSpinLock(&devext, fx.vl, fx.old); }
static void vp_rel_apc(void) { VideoPortReleaseSpinLock(&devext, fx.vl, APC_LEVEL); }
static void vp_rel_dpc(void) { VideoPortReleaseSpinLockFromDpcLevel(&devext, fx.vl); }
static void vp_del(void) /* refused, reported or not */
{
    CHECK_EQ(VideoPortDeleteSpinLock(&devext, fx.vl), ERROR_INVALID_PARAMETER);
}

/* ---- The scenarios ------------------------------------------------------------------ */

/* A report parameter: a constant, or a value known only when the call is made. */
struct param {
    enum { P_CONST, P_IRQL, P_LOCK, P_WORD, P_TID } what;
    ULONG_PTR value;
};
/* clang-format off */
#define K(v) {P_CONST, (ULONG_PTR)(v)}
#define CUR_IRQL {P_IRQL, 0} /* the caller's IRQL */
#define LOCK {P_LOCK, 0}     /* fx.target */
#define WORD {P_WORD, 0}     /* the lock word's value */
#define TID {P_TID, 0}       /* the calling thread's id */
#define SILENT 0, K(0), K(0), K(0) /* the call must not report */
/* clang-format on */

struct scenario {
    const char *name;
    const char *api; /* the function the report must name */
    enum lock_id lock;
    enum hold hold;
    KIRQL from; /* the IRQL the hold is taken from */
    KIRQL at;   /* the IRQL the offending call is made at */
    void (*act)(void);
    ULONG_PTR p1; /* 0: the call must not report */
    struct param p2, p3, p4;
};

#define P0  PASSIVE_LEVEL
#define P1  APC_LEVEL
#define P2  DISPATCH_LEVEL
#define P15 HIGH_LEVEL

/* clang-format off */
static const struct scenario scenarios[] = {
    /* 0x30, 0x31: the direction of an IRQL change. P2 = current IRQL, P3 = new one. */
    {"raise below the current IRQL", "KeRaiseIrql",
     L_NONE, H_NONE, P0, P2, raise_apc, 0x30, CUR_IRQL, K(1), K(0)},
    {"raise above HIGH_LEVEL", "KeRaiseIrql",
     L_NONE, H_NONE, P0, P0, raise_16, 0x30, CUR_IRQL, K(16), K(0)},
    {"raise to DPC from HIGH_LEVEL", "KeRaiseIrqlToDpcLevel",
     L_NONE, H_NONE, P0, P15, raise_dpc, 0x30, CUR_IRQL, K(2), K(0)},
    {"raise to DPC from 3", "KeRaiseIrqlToDpcLevel",
     L_NONE, H_NONE, P0, 3, raise_dpc, 0x30, CUR_IRQL, K(2), K(0)},
    {"lower from PASSIVE to APC", "KeLowerIrql",
     L_NONE, H_NONE, P0, P0, lower_apc, 0x31, CUR_IRQL, K(1), K(0)},
    {"lower from DISPATCH to HIGH", "KeLowerIrql",
     L_NONE, H_NONE, P0, P2, lower_high, 0x31, CUR_IRQL, K(15), K(0)},

    /* 0x32: a lowering release not at DISPATCH_LEVEL. P2 = IRQL, P3 = lock. */
    {"KeReleaseSpinLock at APC", "KeReleaseSpinLock",
     L_KE, H_PLAIN, P0, P1, ke_rel, 0x32, CUR_IRQL, LOCK, K(0)},
    {"KeReleaseSpinLock at HIGH", "KeReleaseSpinLock",
     L_KE, H_PLAIN, P0, P15, ke_rel, 0x32, CUR_IRQL, LOCK, K(0)},
    {"queued release at PASSIVE", "KeReleaseInStackQueuedSpinLock",
     L_KE, H_QUEUED, P0, P0, kq_rel, 0x32, CUR_IRQL, LOCK, K(0)},
    {"VideoPortReleaseSpinLock at PASSIVE", "VideoPortReleaseSpinLock",
     L_VP, H_PLAIN, P0, P0, vp_rel, 0x32, CUR_IRQL, LOCK, K(0)},
    {"VideoPortReleaseSpinLock at CLOCK", "VideoPortReleaseSpinLock",
     L_VP, H_PLAIN, P1, CLOCK_LEVEL, vp_rel, 0x32, CUR_IRQL, LOCK, K(0)},

    /* 0x40: an AtDpcLevel acquire below DISPATCH_LEVEL. P2 = IRQL, P3 = lock. */
    {"AtDpcLevel acquire at PASSIVE", "KeAcquireSpinLockAtDpcLevel",
     L_KE, H_NONE, P0, P0, ke_acq_dpc, 0x40, CUR_IRQL, LOCK, K(0)},
    {"AtDpcLevel acquire at APC", "KeAcquireSpinLockAtDpcLevel",
     L_KE, H_NONE, P0, P1, ke_acq_dpc, 0x40, CUR_IRQL, LOCK, K(0)},
    {"queued AtDpcLevel acquire at PASSIVE", "KeAcquireInStackQueuedSpinLockAtDpcLevel",
     L_KE, H_NONE, P0, P0, kq_acq_dpc, 0x40, CUR_IRQL, LOCK, K(0)},
    {"VideoPort AtDpcLevel acquire at APC", "VideoPortAcquireSpinLockAtDpcLevel",
     L_VP, H_NONE, P0, P1, vp_acq_dpc, 0x40, CUR_IRQL, LOCK, K(0)},
    {"try at PASSIVE", "KeTryToAcquireSpinLockAtDpcLevel",
     L_KE, H_NONE, P0, P0, ke_try, 0x40, CUR_IRQL, LOCK, K(0)},
    {"try at APC, lock held", "KeTryToAcquireSpinLockAtDpcLevel",
     L_KE, H_DPC, P0, P1, ke_try, 0x40, CUR_IRQL, LOCK, K(0)},

    /* 0x41: a FromDpcLevel release below DISPATCH_LEVEL. P2 = IRQL, P3 = lock. */
    {"FromDpcLevel release at PASSIVE", "KeReleaseSpinLockFromDpcLevel",
     L_KE, H_DPC, P0, P0, ke_rel_dpc, 0x41, CUR_IRQL, LOCK, K(0)},
    {"queued FromDpcLevel release at APC", "KeReleaseInStackQueuedSpinLockFromDpcLevel",
     L_KE, H_QUEUED_DPC, P0, P1, kq_rel_dpc, 0x41, CUR_IRQL, LOCK, K(0)},
    {"VideoPort FromDpcLevel release at PASSIVE", "VideoPortReleaseSpinLockFromDpcLevel",
     L_VP, H_DPC, P0, P0, vp_rel_dpc, 0x41, CUR_IRQL, LOCK, K(0)},

    /* 0x42: a raising acquire above DISPATCH_LEVEL. P2 = IRQL, P3 = lock. */
    {"KeAcquireSpinLock at 3", "KeAcquireSpinLockRaiseToDpc",
     L_KE, H_NONE, P0, 3, ke_acq, 0x42, CUR_IRQL, LOCK, K(0)},
    {"KeAcquireSpinLockRaiseToDpc at HIGH", "KeAcquireSpinLockRaiseToDpc",
     L_KE, H_NONE, P0, P15, ke_acq_raise, 0x42, CUR_IRQL, LOCK, K(0)},
    {"queued acquire at CLOCK", "KeAcquireInStackQueuedSpinLock",
     L_KE, H_NONE, P0, CLOCK_LEVEL, kq_acq, 0x42, CUR_IRQL, LOCK, K(0)},
    {"VideoPortAcquireSpinLock at HIGH", "VideoPortAcquireSpinLock",
     L_VP, H_NONE, P0, P15, vp_acq, 0x42, CUR_IRQL, LOCK, K(0)},

    /* 0x1000: acquiring a lock this thread holds. P2 = lock, P3 = word, P4 = thread id. */
    {"KeAcquireSpinLock twice", "KeAcquireSpinLockRaiseToDpc",
     L_KE, H_PLAIN, P0, P2, ke_acq, 0x1000, LOCK, WORD, TID},
    {"AtDpcLevel acquire twice", "KeAcquireSpinLockAtDpcLevel",
     L_KE, H_DPC, P0, P2, ke_acq_dpc, 0x1000, LOCK, WORD, TID},
    {"AtDpcLevel acquire of a raised hold", "KeAcquireSpinLockAtDpcLevel",
     L_KE, H_PLAIN, P1, P2, ke_acq_dpc, 0x1000, LOCK, WORD, TID},
    {"queued acquire twice", "KeAcquireInStackQueuedSpinLock",
     L_KE, H_QUEUED, P0, P2, kq_acq, 0x1000, LOCK, WORD, TID},
    {"queued AtDpcLevel acquire twice", "KeAcquireInStackQueuedSpinLockAtDpcLevel",
     L_KE, H_QUEUED_DPC, P0, P2, kq_acq_dpc, 0x1000, LOCK, WORD, TID},
    {"queued acquire of an AtDpcLevel hold", "KeAcquireInStackQueuedSpinLock",
     L_KE, H_DPC, P0, P2, kq_acq, 0x1000, LOCK, WORD, TID},
    {"VideoPortAcquireSpinLock twice", "VideoPortAcquireSpinLock",
     L_VP, H_PLAIN, P0, P2, vp_acq, 0x1000, LOCK, WORD, TID},
    {"VideoPort AtDpcLevel acquire twice", "VideoPortAcquireSpinLockAtDpcLevel",
     L_VP, H_DPC, P0, P2, vp_acq_dpc, 0x1000, LOCK, WORD, TID},
    /* ...but a try of a held lock just fails (checked by the act), with no report. */
    {"try of a lock held by a raising acquire", NULL,
     L_KE, H_PLAIN, P0, P2, ke_try, SILENT},
    {"try of a lock held at DPC level", NULL,
     L_KE, H_DPC, P0, P15, ke_try, SILENT},
    {"try of a queued hold", NULL,
     L_KE, H_QUEUED, P0, P2, ke_try, SILENT},
    {"try of another thread's lock", NULL,
     L_KE, H_OTHER, P0, P2, ke_try, SILENT},

    /* 0x1002: a VideoPort handle that is not a live lock. P2 = handle, P3 = 1 if it
     * was deleted. A bad handle is never dereferenced (L_VP_BAD, L_VP_NOACCESS). */
    {"acquire NULL", "VideoPortAcquireSpinLock",
     L_VP_NULL, H_NONE, P0, P0, vp_acq, 0x1002, LOCK, K(0), K(0)},
    {"acquire 0x10", "VideoPortAcquireSpinLock",
     L_VP_BAD, H_NONE, P0, P1, vp_acq, 0x1002, LOCK, K(0), K(0)},
    {"acquire a PROT_NONE page", "VideoPortAcquireSpinLock",
     L_VP_NOACCESS, H_NONE, P0, P2, vp_acq, 0x1002, LOCK, K(0), K(0)},
    {"acquire a struct that is not a lock", "VideoPortAcquireSpinLock",
     L_VP_FOREIGN, H_NONE, P0, P0, vp_acq, 0x1002, LOCK, K(0), K(0)},
    {"acquire inside a lock object", "VideoPortAcquireSpinLock",
     L_VP_INSIDE, H_NONE, P0, P0, vp_acq, 0x1002, LOCK, K(0), K(0)},
    {"AtDpcLevel acquire 0x10", "VideoPortAcquireSpinLockAtDpcLevel",
     L_VP_BAD, H_NONE, P0, P2, vp_acq_dpc, 0x1002, LOCK, K(0), K(0)},
    {"release a PROT_NONE page", "VideoPortReleaseSpinLock",
     L_VP_NOACCESS, H_NONE, P0, P2, vp_rel, 0x1002, LOCK, K(0), K(0)},
    {"FromDpcLevel release NULL", "VideoPortReleaseSpinLockFromDpcLevel",
     L_VP_NULL, H_NONE, P0, P2, vp_rel_dpc, 0x1002, LOCK, K(0), K(0)},
    {"delete 0x10", "VideoPortDeleteSpinLock",
     L_VP_BAD, H_NONE, P0, P0, vp_del, 0x1002, LOCK, K(0), K(0)},
    {"delete a struct that is not a lock", "VideoPortDeleteSpinLock",
     L_VP_FOREIGN, H_NONE, P0, P0, vp_del, 0x1002, LOCK, K(0), K(0)},
    /* (docs/checked-mode.md: deleting NULL just returns ERROR_INVALID_PARAMETER.) */
    {"delete NULL", NULL,
     L_VP_NULL, H_NONE, P0, P0, vp_del, SILENT},
    {"acquire a deleted lock", "VideoPortAcquireSpinLock",
     L_VP_DELETED, H_NONE, P0, P0, vp_acq, 0x1002, LOCK, K(1), K(0)},
    {"AtDpcLevel acquire a deleted lock", "VideoPortAcquireSpinLockAtDpcLevel",
     L_VP_DELETED, H_NONE, P0, P2, vp_acq_dpc, 0x1002, LOCK, K(1), K(0)},
    {"release a deleted lock", "VideoPortReleaseSpinLock",
     L_VP_DELETED, H_NONE, P0, P2, vp_rel, 0x1002, LOCK, K(1), K(0)},
    {"FromDpcLevel release a deleted lock", "VideoPortReleaseSpinLockFromDpcLevel",
     L_VP_DELETED, H_NONE, P0, P2, vp_rel_dpc, 0x1002, LOCK, K(1), K(0)},
    {"delete twice", "VideoPortDeleteSpinLock",
     L_VP_DELETED, H_NONE, P0, P0, vp_del, 0x1002, LOCK, K(1), K(0)},
    /* The handle is checked before anything else (here the IRQL is wrong as well). */
    {"AtDpcLevel acquire of a deleted lock at PASSIVE", "VideoPortAcquireSpinLockAtDpcLevel",
     L_VP_DELETED, H_NONE, P0, P0, vp_acq_dpc, 0x1002, LOCK, K(1), K(0)},
    {"acquire 0x10 at HIGH", "VideoPortAcquireSpinLock",
     L_VP_BAD, H_NONE, P0, P15, vp_acq, 0x1002, LOCK, K(0), K(0)},

    /* 0x1004: releasing another thread's lock. P2 = lock, P3 = word, P4 = thread id. */
    {"KeReleaseSpinLock of another thread's lock", "KeReleaseSpinLock",
     L_KE, H_OTHER, P0, P2, ke_rel, 0x1004, LOCK, WORD, TID},
    {"FromDpcLevel release of another thread's lock", "KeReleaseSpinLockFromDpcLevel",
     L_KE, H_OTHER, P0, P2, ke_rel_dpc, 0x1004, LOCK, WORD, TID},
    {"queued release of another thread's lock", "KeReleaseInStackQueuedSpinLock",
     L_KE, H_OTHER, P0, P2, kq_rel, 0x1004, LOCK, WORD, TID},
    {"VideoPortReleaseSpinLock of another thread's lock", "VideoPortReleaseSpinLock",
     L_VP, H_OTHER, P0, P2, vp_rel, 0x1004, LOCK, WORD, TID},
    {"VideoPort FromDpcLevel release of another's lock", "VideoPortReleaseSpinLockFromDpcLevel",
     L_VP, H_OTHER, P0, P2, vp_rel_dpc, 0x1004, LOCK, WORD, TID},

    /* 0x1007: releasing a free lock. P2 = lock, P3 = word (0), P4 = thread id. */
    {"KeReleaseSpinLock of a free lock", "KeReleaseSpinLock",
     L_KE, H_NONE, P0, P2, ke_rel, 0x1007, LOCK, K(0), TID},
    {"FromDpcLevel release of a free lock", "KeReleaseSpinLockFromDpcLevel",
     L_KE, H_NONE, P0, P2, ke_rel_dpc, 0x1007, LOCK, K(0), TID},
    {"queued release of a free lock", "KeReleaseInStackQueuedSpinLock",
     L_KE, H_NONE, P1, P2, kq_rel, 0x1007, LOCK, K(0), TID},
    {"queued FromDpcLevel release of a free lock", "KeReleaseInStackQueuedSpinLockFromDpcLevel",
     L_KE, H_NONE, P0, P15, kq_rel_dpc, 0x1007, LOCK, K(0), TID},
    {"VideoPortReleaseSpinLock of a free lock", "VideoPortReleaseSpinLock",
     L_VP, H_NONE, P0, P2, vp_rel, 0x1007, LOCK, K(0), TID},
    {"VideoPort FromDpcLevel release of a free lock", "VideoPortReleaseSpinLockFromDpcLevel",
     L_VP, H_NONE, P0, P2, vp_rel_dpc, 0x1007, LOCK, K(0), TID},

    /* 0x1009: a release that does not match the acquire. P2 = lock, P3 = word,
     * P4 = the kind of the release (0 raising, 2 AtDpc, 4 queued, 6 queued AtDpc). */
    {"KeAcquireSpinLock + FromDpcLevel release", "KeReleaseSpinLockFromDpcLevel",
     L_KE, H_PLAIN, P0, P2, ke_rel_dpc, 0x1009, LOCK, WORD, K(KIND_DPC)},
    {"AtDpcLevel acquire + KeReleaseSpinLock", "KeReleaseSpinLock",
     L_KE, H_DPC, P0, P2, ke_rel, 0x1009, LOCK, WORD, K(KIND_PLAIN)},
    {"queued acquire + KeReleaseSpinLock", "KeReleaseSpinLock",
     L_KE, H_QUEUED, P0, P2, ke_rel, 0x1009, LOCK, WORD, K(KIND_PLAIN)},
    {"KeAcquireSpinLock + queued release", "KeReleaseInStackQueuedSpinLock",
     L_KE, H_PLAIN, P0, P2, kq_rel, 0x1009, LOCK, WORD, K(KIND_QUEUED)},
    {"queued AtDpcLevel acquire + FromDpcLevel release", "KeReleaseSpinLockFromDpcLevel",
     L_KE, H_QUEUED_DPC, P0, P2, ke_rel_dpc, 0x1009, LOCK, WORD, K(KIND_DPC)},
    {"AtDpcLevel acquire + queued FromDpc release", "KeReleaseInStackQueuedSpinLockFromDpcLevel",
     L_KE, H_DPC, P0, P2, kq_rel_dpc, 0x1009, LOCK, WORD, K(KIND_QUEUED_DPC)},
    {"queued acquire + queued FromDpcLevel release", "KeReleaseInStackQueuedSpinLockFromDpcLevel",
     L_KE, H_QUEUED, P0, P2, kq_rel_dpc, 0x1009, LOCK, WORD, K(KIND_QUEUED_DPC)},
    {"queued AtDpcLevel acquire + queued release", "KeReleaseInStackQueuedSpinLock",
     L_KE, H_QUEUED_DPC, P0, P2, kq_rel, 0x1009, LOCK, WORD, K(KIND_QUEUED)},
    {"VideoPortAcquireSpinLock + FromDpcLevel release", "VideoPortReleaseSpinLockFromDpcLevel",
     L_VP, H_PLAIN, P0, P2, vp_rel_dpc, 0x1009, LOCK, WORD, K(KIND_DPC)},
    {"VideoPort AtDpcLevel acquire + VideoPortReleaseSpinLock", "VideoPortReleaseSpinLock",
     L_VP, H_DPC, P0, P2, vp_rel, 0x1009, LOCK, WORD, K(KIND_PLAIN)},

    /* 0x100B: deleting a held lock. P2 = lock, P3 = word, P4 = thread id. */
    {"delete a lock this thread holds", "VideoPortDeleteSpinLock",
     L_VP, H_PLAIN, P0, P2, vp_del, 0x100B, LOCK, WORD, TID},
    {"delete a lock another thread holds", "VideoPortDeleteSpinLock",
     L_VP, H_OTHER, P0, P0, vp_del, 0x100B, LOCK, WORD, TID},

    /* Which rule wins when several are broken: for an acquire the IRQL, then 0x1000; for
     * a release the IRQL, then 0x1007, 0x1004, 0x1009, 0x20015 (docs/checked-mode.md). */
    {"AtDpcLevel acquire of a held lock at APC", "KeAcquireSpinLockAtDpcLevel",
     L_KE, H_DPC, P0, P1, ke_acq_dpc, 0x40, CUR_IRQL, LOCK, K(0)},
    {"KeAcquireSpinLock of a held lock at HIGH", "KeAcquireSpinLockRaiseToDpc",
     L_KE, H_PLAIN, P0, P15, ke_acq, 0x42, CUR_IRQL, LOCK, K(0)},
    {"KeReleaseSpinLock of a free lock at PASSIVE", "KeReleaseSpinLock",
     L_KE, H_NONE, P0, P0, ke_rel, 0x32, CUR_IRQL, LOCK, K(0)},
    {"FromDpcLevel release of a free lock at APC", "VideoPortReleaseSpinLockFromDpcLevel",
     L_VP, H_NONE, P0, P1, vp_rel_dpc, 0x41, CUR_IRQL, LOCK, K(0)},
    {"queued release of another thread's lock at HIGH", "KeReleaseInStackQueuedSpinLock",
     L_KE, H_OTHER, P0, P15, kq_rel, 0x32, CUR_IRQL, LOCK, K(0)},
    {"queued acquire from APC + KeReleaseSpinLock to PASSIVE", "KeReleaseSpinLock",
     L_KE, H_QUEUED, P1, P2, ke_rel_passive, 0x1009, LOCK, WORD, K(KIND_PLAIN)},

    /* 0x20015: a release to an IRQL other than the acquire's. P2 = lock, P3 = NewIrql,
     * P4 = the IRQL the acquire returned. */
    {"VideoPortReleaseSpinLock to APC after acquire from PASSIVE", "VideoPortReleaseSpinLock",
     L_VP, H_PLAIN, P0, P2, vp_rel_apc, 0x20015, LOCK, K(1), K(0)},
    {"KeReleaseSpinLock to PASSIVE after acquire from APC", "KeReleaseSpinLock",
     L_KE, H_PLAIN, P1, P2, ke_rel_passive, 0x20015, LOCK, K(0), K(1)},
    {"queued release with a changed OldIrql", "KeReleaseInStackQueuedSpinLock",
     L_KE, H_QUEUED, P0, P2, kq_rel_apc, 0x20015, LOCK, K(1), K(0)},
};
/* clang-format on */
#define N_SCENARIOS (sizeof scenarios / sizeof scenarios[0])

/* ---- The helper thread of H_OTHER --------------------------------------------------- */

static pthread_t holder;
static sem_t holder_has_it, holder_may_go;
static enum lock_id holder_lock;
static KIRQL holder_irql_after; /* the holder's IRQL after its release */

static void *holder_main(void *arg)
{
    (void)arg;
    if (holder_lock == L_VP) {
        UCHAR old;
        VideoPortAcquireSpinLock(&devext, fx.vl, &old);
        sem_post(&holder_has_it);
        sem_wait(&holder_may_go);
        VideoPortReleaseSpinLock(&devext, fx.vl, old);
    } else {
        KIRQL old;
        KeAcquireSpinLock(fx.kw, &old);
        sem_post(&holder_has_it);
        sem_wait(&holder_may_go);
        KeReleaseSpinLock(fx.kw, old);
    }
    holder_irql_after = KeGetCurrentIrql();
    return NULL;
}

static void holder_start(enum lock_id lock)
{
    holder_lock = lock;
    sem_init(&holder_has_it, 0, 0);
    sem_init(&holder_may_go, 0, 0);
    CHECK_EQ(pthread_create(&holder, NULL, holder_main, NULL), 0);
    while (sem_wait(&holder_has_it) != 0 && errno == EINTR)
        ;
}

static void holder_stop(void)
{
    sem_post(&holder_may_go);
    CHECK_EQ(pthread_join(holder, NULL), 0);
    CHECK_EQ(holder_irql_after, PASSIVE_LEVEL);
    sem_destroy(&holder_has_it);
    sem_destroy(&holder_may_go);
}

/* ---- Setting up and undoing a scenario ------------------------------------------------ */

static void move_irql(KIRQL to)
{
    KIRQL cur = KeGetCurrentIrql();
    if (to > cur)
        (void)KfRaiseIrql(to);
    else if (to < cur)
        KeLowerIrql(to);
}

static ULONG_PTR read_word(void)
{
    return fx.word != NULL ? __atomic_load_n(fx.word, __ATOMIC_SEQ_CST) : 0;
}

static void setup(const struct scenario *s)
{
    KeInitializeSpinLock(&fx.k);
    fx.kw = &fx.k;
    fx.word = NULL;
    switch (s->lock) {
    case L_NONE:
        fx.vl = NULL;
        break;
    case L_KE:
        fx.vl = NULL;
        fx.word = &fx.k;
        break;
    /* docs/checked-mode.md: a PSPIN_LOCK and its lock word are the same address. */
    case L_VP:
        fx.vl = fx.vp;
        fx.word = (const ULONG_PTR *)fx.vp;
        break;
    case L_VP_NULL:
        fx.vl = NULL;
        break;
    case L_VP_BAD:
        fx.vl = (PSPIN_LOCK)(uintptr_t)0x10;
        break;
    case L_VP_NOACCESS:
        fx.vl = (PSPIN_LOCK)fx.noaccess;
        break;
    case L_VP_FOREIGN:
        fx.vl = (PSPIN_LOCK)(void *)&not_a_lock;
        fx.word = &not_a_lock.word;
        break;
    case L_VP_INSIDE:
        fx.vl = (PSPIN_LOCK)((char *)fx.vp + sizeof(ULONG_PTR));
        break;
    case L_VP_DELETED:
        fx.vl = fx.vp_dead;
        break;
    }
    fx.target = s->lock == L_NONE ? 0 : s->lock == L_KE ? (ULONG_PTR)fx.kw : (ULONG_PTR)fx.vl;

    move_irql(s->from);
    fx.old = s->from;
    fx.h.LockQueue.Next = NULL; /* a handle naming the lock, for the queued releases */
    fx.h.LockQueue.Lock = fx.kw;
    fx.h.OldIrql = s->from;
    switch (s->hold) {
    case H_NONE:
        break;
    case H_PLAIN:
        if (s->lock == L_VP)
            VideoPortAcquireSpinLock(&devext, fx.vl, &fx.old);
        else
            fx.old = KeAcquireSpinLockRaiseToDpc(fx.kw);
        fx.h.OldIrql = fx.old;
        break;
    case H_DPC:
        move_irql(s->from > DISPATCH_LEVEL ? s->from : DISPATCH_LEVEL);
        if (s->lock == L_VP)
            VideoPortAcquireSpinLockAtDpcLevel(&devext, fx.vl);
        else
            KeAcquireSpinLockAtDpcLevel(fx.kw);
        break;
    case H_QUEUED:
        KeAcquireInStackQueuedSpinLock(fx.kw, &fx.h);
        fx.old = fx.h.OldIrql;
        break;
    case H_QUEUED_DPC:
        move_irql(DISPATCH_LEVEL);
        KeAcquireInStackQueuedSpinLockAtDpcLevel(fx.kw, &fx.h);
        break;
    case H_OTHER:
        holder_start(s->lock);
        break;
    }
    move_irql(s->at);
}

static void cleanup(const struct scenario *s)
{
    switch (s->hold) {
    case H_NONE:
        break;
    case H_PLAIN:
        move_irql(DISPATCH_LEVEL);
        if (s->lock == L_VP)
            VideoPortReleaseSpinLock(&devext, fx.vl, fx.old);
        else
            KeReleaseSpinLock(fx.kw, fx.old);
        break;
    case H_DPC:
        move_irql(DISPATCH_LEVEL);
        if (s->lock == L_VP)
            VideoPortReleaseSpinLockFromDpcLevel(&devext, fx.vl);
        else
            KeReleaseSpinLockFromDpcLevel(fx.kw);
        break;
    case H_QUEUED:
        move_irql(DISPATCH_LEVEL);
        KeReleaseInStackQueuedSpinLock(&fx.h);
        break;
    case H_QUEUED_DPC:
        move_irql(DISPATCH_LEVEL);
        KeReleaseInStackQueuedSpinLockFromDpcLevel(&fx.h);
        break;
    case H_OTHER:
        holder_stop();
        break;
    }
    move_irql(PASSIVE_LEVEL);
}

static ULONG_PTR resolve(struct param p, KIRQL irql, ULONG_PTR word)
{
    switch (p.what) {
    case P_IRQL:
        return irql;
    case P_LOCK:
        return fx.target;
    case P_WORD:
        return word;
    case P_TID:
        return gettid_();
    default:
        return p.value;
    }
}

/* The STOP line (without '\n') the scenario must report, made just before the call. */
static void expected_stop_line(const struct scenario *s, char *buf, size_t size)
{
    KIRQL irql = KeGetCurrentIrql();
    ULONG_PTR word = read_word();
    snprintf(buf, size, STOP_FORMAT, C4, (unsigned long long)s->p1,
             (unsigned long long)resolve(s->p2, irql, word),
             (unsigned long long)resolve(s->p3, irql, word),
             (unsigned long long)resolve(s->p4, irql, word));
}

/* ---- Text helpers --------------------------------------------------------------------- */

/* Copies line n (0-based, without '\n') of text into out; "" if there is none. */
static const char *line_of(const char *text, int n, char *out, size_t size)
{
    for (; n > 0 && text != NULL; n--) {
        text = strchr(text, '\n');
        if (text != NULL)
            text++;
    }
    size_t len = text == NULL ? 0 : strcspn(text, "\n");
    if (len >= size)
        len = size - 1;
    if (len > 0)
        memcpy(out, text, len);
    out[len] = '\0';
    return out;
}

static bool line_is(const char *text, int n, const char *want)
{
    char line[512];
    line_of(text, n, line, sizeof line);
    if (strcmp(line, want) == 0)
        return true;
    fprintf(stderr, "  line %d: got \"%s\"\n  want \"%s\"\n", n, line, want);
    return false;
}

/* Reads a whole (temporary) file from its start. */
static size_t slurp(int fd, char *buf, size_t size)
{
    size_t len = 0;
    ssize_t n;
    lseek(fd, 0, SEEK_SET);
    while (len < size - 1 && (n = read(fd, buf + len, size - 1 - len)) > 0)
        len += (size_t)n;
    buf[len] = '\0';
    return len;
}

static int temp_fd(void)
{
    char path[] = "/tmp/vpspin-test-rules-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) {
        perror("mkstemp");
        exit(EXIT_FAILURE);
    }
    unlink(path);
    return fd;
}

/* ---- The recording handler ------------------------------------------------------------ */

static struct recorded {
    int calls;         /* atomic */
    vpspin_bugcheck r; /* the last report; its strings point into the copies below */
    char name[64], rule[256], api[64], text[8192];
    pthread_t thread;
    void *context;
} got;

static int context_token;

static void copy_string(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src != NULL ? src : "(null)");
}

static void recording_handler(const vpspin_bugcheck *report, void *context)
{
    __atomic_add_fetch(&got.calls, 1, __ATOMIC_SEQ_CST);
    got.r = *report;
    copy_string(got.name, sizeof got.name, report->Name);
    copy_string(got.rule, sizeof got.rule, report->Rule);
    copy_string(got.api, sizeof got.api, report->Api);
    copy_string(got.text, sizeof got.text, report->Text);
    got.r.Name = got.name;
    got.r.Rule = got.rule;
    got.r.Api = got.api;
    got.r.Text = got.text;
    got.thread = pthread_self();
    got.context = context;
}

static int counted_calls; /* atomic; the silence tests' handler */

static void counting_handler(const vpspin_bugcheck *report, void *context)
{
    (void)context;
    __atomic_add_fetch(&counted_calls, 1, __ATOMIC_SEQ_CST);
    fprintf(stderr, "unexpected report from %s:\n%s", report->Api, report->Text);
}

/* ---- 2. In process, with a handler ------------------------------------------------------ */

static void run_in_process(const struct scenario *s, const char *mode)
{
    int failures = check_failures;
    setup(s);

    KIRQL irql = KeGetCurrentIrql();
    ULONG_PTR word = read_word();
    BOOLEAN ke_free = KeTestSpinLock(&fx.k);
    char stop[160];
    expected_stop_line(s, stop, sizeof stop);
    ULONG count = vpspin_bugcheck_count();
    memset(&got, 0, sizeof got);
    fx.ret = -1;

    /* The call, with stderr going to a temporary file. */
    int err = temp_fd(), saved = dup(STDERR_FILENO);
    dup2(err, STDERR_FILENO);
    s->act();
    dup2(saved, STDERR_FILENO);
    close(saved);
    static char captured[16384];
    slurp(err, captured, sizeof captured);
    close(err);

    if (s->p1 != 0) {
        CHECK_EQ(got.calls, 1);
        CHECK_EQ(vpspin_bugcheck_count(), count + 1);
        CHECK_EQ(got.r.BugCheckCode, C4);
        CHECK_EQ(got.r.Parameter1, s->p1);
        CHECK_EQ(got.r.Parameter2, resolve(s->p2, irql, word));
        CHECK_EQ(got.r.Parameter3, resolve(s->p3, irql, word));
        CHECK_EQ(got.r.Parameter4, resolve(s->p4, irql, word));
        CHECK(strcmp(got.name, VIOLATION_NAME) == 0);
        CHECK(strcmp(got.api, s->api) == 0);
        CHECK(got.rule[0] != '\0');
        CHECK(pthread_equal(got.thread, pthread_self()));
        CHECK(got.context == &context_token);

        char line[512];
        CHECK(line_is(got.text, 0, stop));
        CHECK(line_is(got.text, 1, VIOLATION_NAME));
        snprintf(line, sizeof line, "Rule:   %s", got.rule);
        CHECK(line_is(got.text, 2, line));
        snprintf(line, sizeof line, "API:    %s", s->api);
        CHECK(line_is(got.text, 3, line));
        CHECK(strcmp(captured, got.text) == 0); /* the report is what went to stderr */
    } else {
        CHECK_EQ(got.calls, 0);
        CHECK_EQ(vpspin_bugcheck_count(), count);
        CHECK(captured[0] == '\0');
    }

    /* The call had no effect. */
    CHECK_EQ(KeGetCurrentIrql(), irql);
    CHECK_EQ(read_word(), word);
    CHECK_EQ(KeTestSpinLock(&fx.k), ke_free);
    if (fx.ret >= 0)
        CHECK_EQ(fx.ret, irql); /* an acquire says the old IRQL is the current one */
    if (s->lock == L_VP_FOREIGN)
        CHECK(strcmp(not_a_lock.rest, "not a lock") == 0);

    /* Undoing it is correct code: silent, and everything is back to free. */
    memset(&got, 0, sizeof got);
    count = vpspin_bugcheck_count();
    cleanup(s);
    CHECK_EQ(got.calls, 0);
    CHECK_EQ(vpspin_bugcheck_count(), count);
    CHECK_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);
    CHECK(KeTestSpinLock(&fx.k));
    CHECK_EQ(*(const ULONG_PTR *)fx.vp, 0);
    vpspin_spin_lock_info info;
    CHECK_EQ(vpspin_query_spin_lock(fx.vp, &info), NO_ERROR);

    if (check_failures != failures) {
        fprintf(stderr, "  ^ in scenario \"%s\" (%s mode, in process)\n", s->name, mode);
        fprintf(stderr, "  stderr during the call:\n%s", captured);
    }
}

/* ---- 3. In a child, without a handler --------------------------------------------------- */

struct child_result {
    int status;
    char out[4096];
    char err[16384];
};

/* Runs fn(arg) in a fork()ed child with stdout and stderr in temporary files; the child
 * _exit(0)s if fn returns. The parent must have a single thread. */
static void run_child(void (*fn)(const void *), const void *arg, struct child_result *r)
{
    int out = temp_fd(), err = temp_fd();
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        exit(EXIT_FAILURE);
    }
    if (pid == 0) {
        struct rlimit no_core = {0, 0};
        setrlimit(RLIMIT_CORE, &no_core); /* the aborts are expected: no core files */
        prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
        dup2(out, STDOUT_FILENO);
        dup2(err, STDERR_FILENO);
        fn(arg);
        _exit(0);
    }
    while (waitpid(pid, &r->status, 0) < 0 && errno == EINTR)
        ;
    slurp(out, r->out, sizeof r->out);
    slurp(err, r->err, sizeof r->err);
    close(out);
    close(err);
}

static void write_line(const char *s)
{
    char buf[256];
    int n = snprintf(buf, sizeof buf, "%s\n", s);
    if (write(STDOUT_FILENO, buf, (size_t)n) != n)
        _exit(2);
}

static void scenario_child(const void *arg)
{
    const struct scenario *s = arg;
    vpspin_set_bugcheck_handler(NULL, NULL); /* the default: report, then abort() */
    setup(s);
    char stop[160];
    expected_stop_line(s, stop, sizeof stop);
    write_line(stop);
    s->act();
    write_line("returned");
}

static bool died_of_sigabrt(int status)
{
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

static void run_in_child(const struct scenario *s)
{
    int failures = check_failures;
    static struct child_result r;
    run_child(scenario_child, s, &r);

    char stop[160], prefix[64];
    line_of(r.out, 0, stop, sizeof stop);
    snprintf(prefix, sizeof prefix, "*** STOP: 0x%08X (0x%016llX,", C4, (unsigned long long)s->p1);
    CHECK(died_of_sigabrt(r.status));
    CHECK(strncmp(stop, prefix, strlen(prefix)) == 0); /* the child expected the right P1 */
    CHECK(line_is(r.err, 0, stop));
    CHECK(line_is(r.err, 1, VIOLATION_NAME));
    char line[128];
    snprintf(line, sizeof line, "API:    %s", s->api);
    CHECK(line_is(r.err, 3, line));
    CHECK(strstr(r.out, "returned") == NULL);
    if (check_failures != failures)
        fprintf(stderr, "  ^ in scenario \"%s\" (child, status 0x%x)\n  stdout:\n%s  stderr:\n%s",
                s->name, r.status, r.out, r.err);
}

/* ---- 4. VPSPIN_VERIFY, read at start-up ------------------------------------------------ */

/* The re-executed child: says which mode it started in, then breaks rule 0x31. */
static int child_env_main(void)
{
    printf("mode=%d\n", (int)vpspin_get_verify());
    fflush(stdout);
    KeLowerIrql(APC_LEVEL); /* upwards, from PASSIVE_LEVEL */
    printf("irql=%u\n", (unsigned)KeGetCurrentIrql());
    fflush(stdout);
    KeLowerIrql(PASSIVE_LEVEL);
    return 0;
}

struct env_case {
    const char *value;   /* NULL: unset */
    int mode;            /* the mode the child must start in */
    const char *warning; /* the first line of stderr, or NULL for none */
};

static char **env_for_child; /* built before fork(): the child only calls execve */
static char *child_argv[16];  /* [emulator and its options...] this program, --child-env */

/* The command that re-runs this program: itself, or (cross-built, run under qemu-user,
 * where /proc/self/exe is the emulator) the emulator given in VPSPIN_TEST_EMULATOR. */
static void set_child_argv(const char *self)
{
    static char emulator[256];
    size_t k = 0;
    const char *e = getenv("VPSPIN_TEST_EMULATOR");
    if (e != NULL && *e != '\0') {
        snprintf(emulator, sizeof emulator, "%s", e);
        for (char *tok = strtok(emulator, " "); tok != NULL && k < 13; tok = strtok(NULL, " "))
            child_argv[k++] = tok;
    } else {
        self = "/proc/self/exe";
    }
    child_argv[k++] = (char *)self;
    child_argv[k++] = "--child-env";
    child_argv[k] = NULL;
}

static void exec_child(const void *arg)
{
    (void)arg;
    execvpe(child_argv[0], child_argv, env_for_child); /* the emulator is found in PATH */
    _exit(127);
}

static void test_env_case(const struct env_case *c)
{
    extern char **environ;
    int failures = check_failures;
    size_t n = 0;
    while (environ[n] != NULL)
        n++;
    char **env = calloc(n + 2, sizeof *env);
    char setting[64];
    size_t k = 0;
    if (env == NULL) {
        perror("calloc");
        exit(EXIT_FAILURE);
    }
    for (size_t i = 0; i < n; i++)
        if (strncmp(environ[i], "VPSPIN_VERIFY=", 14) != 0)
            env[k++] = environ[i];
    if (c->value != NULL) {
        snprintf(setting, sizeof setting, "VPSPIN_VERIFY=%s", c->value);
        env[k++] = setting;
    }
    env[k] = NULL;
    env_for_child = env;

    static struct child_result r;
    run_child(exec_child, NULL, &r);
    free(env);

    char want[160];
    snprintf(want, sizeof want, "mode=%d", c->mode);
    CHECK(line_is(r.out, 0, want));
    int line = 0;
    if (c->warning != NULL)
        CHECK(line_is(r.err, line++, c->warning));
    if (c->mode == VPSPIN_VERIFY_OFF) {
        CHECK(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0);
        CHECK(line_is(r.out, 1, "irql=1")); /* unchecked: the level was just set */
        CHECK_EQ(strlen(r.err), 0);
    } else {
        CHECK(died_of_sigabrt(r.status));
        snprintf(want, sizeof want, STOP_FORMAT, C4, 0x31ull, (unsigned long long)PASSIVE_LEVEL,
                 (unsigned long long)APC_LEVEL, 0ull);
        CHECK(line_is(r.err, line, want));
        CHECK(line_is(r.err, line + 1, VIOLATION_NAME));
        CHECK(line_is(r.err, line + 3, "API:    KeLowerIrql"));
        CHECK(strstr(r.out, "irql=") == NULL);
    }
    if (check_failures != failures)
        fprintf(stderr, "  ^ with VPSPIN_VERIFY=%s (status 0x%x)\n  stdout:\n%s  stderr:\n%s",
                c->value != NULL ? c->value : "(unset)", r.status, r.out, r.err);
}

static void test_env(void)
{
    static const struct env_case cases[] = {
        {NULL, VPSPIN_VERIFY_DEFAULT, NULL},
        {"", VPSPIN_VERIFY_DEFAULT, NULL},
        {"0", VPSPIN_VERIFY_OFF, NULL},
        {"1", VPSPIN_VERIFY_DEFAULT, NULL},
        {"full", VPSPIN_VERIFY_FULL, NULL},
        {"bogus", VPSPIN_VERIFY_DEFAULT,
         "vpspin: VPSPIN_VERIFY=bogus is not 0, 1 or full; using 1"},
        {"FULL", VPSPIN_VERIFY_DEFAULT, "vpspin: VPSPIN_VERIFY=FULL is not 0, 1 or full; using 1"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        test_env_case(&cases[i]);
}

/* ---- 5. Silence -------------------------------------------------------------------------- */

/* Correct use of every public function; checks the results on the way. */
static void correct_program(void)
{
    KIRQL old, old2, old3;
    KSPIN_LOCK a = 1, b = 2;
    KLOCK_QUEUE_HANDLE qa, qb;
    PSPIN_LOCK vp = NULL, vp2 = NULL;
    vpspin_spin_lock_info info;

    CHECK(strcmp(vpspin_version(), "0.1.0") == 0);
    CHECK_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);
    CHECK_EQ(VideoPortGetCurrentIrql(), PASSIVE_LEVEL);

    /* IRQL: raise, raise to the same level, to DPC, to HIGH, and back down. */
    KeRaiseIrql(APC_LEVEL, &old);
    CHECK_EQ(old, PASSIVE_LEVEL);
    KeRaiseIrql(APC_LEVEL, &old2);
    CHECK_EQ(old2, APC_LEVEL);
    CHECK_EQ(KeRaiseIrqlToDpcLevel(), APC_LEVEL);
    CHECK_EQ(KeRaiseIrqlToDpcLevel(), DISPATCH_LEVEL);
    old3 = KfRaiseIrql(HIGH_LEVEL);
    CHECK_EQ(old3, DISPATCH_LEVEL);
    CHECK_EQ(VideoPortGetCurrentIrql(), HIGH_LEVEL);
    KeLowerIrql(HIGH_LEVEL);
    KeLowerIrql(old3);
    KeLowerIrql(old2);
    KeLowerIrql(old);
    KeLowerIrql(PASSIVE_LEVEL);
    CHECK_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);

    /* Executive spin locks, raising, from PASSIVE, APC and DISPATCH, nesting an
     * AtDpcLevel acquire of a second lock. */
    KeInitializeSpinLock(&a);
    KeInitializeSpinLock(&b);
    CHECK(KeTestSpinLock(&a));
    for (KIRQL from = PASSIVE_LEVEL; from <= DISPATCH_LEVEL; from++) {
        KeRaiseIrql(from, &old);
        KeAcquireSpinLock(&a, &old2);
        CHECK_EQ(old2, from);
        CHECK(!KeTestSpinLock(&a));
        KeAcquireSpinLockAtDpcLevel(&b);
        KeReleaseSpinLockFromDpcLevel(&b);
        KeReleaseSpinLock(&a, old2);
        CHECK_EQ(KeGetCurrentIrql(), from);
        CHECK_EQ(KeAcquireSpinLockRaiseToDpc(&b), from);
        KeReleaseSpinLock(&b, from);
        KeLowerIrql(old);
    }
    /* AtDpcLevel at DISPATCH and at HIGH; try. */
    old = KeRaiseIrqlToDpcLevel();
    KeAcquireSpinLockAtDpcLevel(&a);
    KeReleaseSpinLockFromDpcLevel(&a);
    CHECK_EQ(KeTryToAcquireSpinLockAtDpcLevel(&a), TRUE);
    CHECK_EQ(KeTryToAcquireSpinLockAtDpcLevel(&a), FALSE);
    CHECK(!KeTestSpinLock(&a));
    KeReleaseSpinLockFromDpcLevel(&a);
    KeRaiseIrql(HIGH_LEVEL, &old2);
    KeAcquireSpinLockAtDpcLevel(&a);
    CHECK_EQ(KeTryToAcquireSpinLockAtDpcLevel(&b), TRUE);
    KeReleaseSpinLockFromDpcLevel(&b);
    KeReleaseSpinLockFromDpcLevel(&a);
    KeLowerIrql(old2);
    KeLowerIrql(old);
    CHECK(KeTestSpinLock(&a) && KeTestSpinLock(&b));

    /* In-stack queued spin locks, from PASSIVE and APC, nesting the AtDpcLevel form. */
    for (KIRQL from = PASSIVE_LEVEL; from <= DISPATCH_LEVEL; from++) {
        KeRaiseIrql(from, &old);
        KeAcquireInStackQueuedSpinLock(&a, &qa);
        CHECK_EQ(qa.OldIrql, from);
        CHECK_EQ(KeGetCurrentIrql(), DISPATCH_LEVEL);
        KeAcquireInStackQueuedSpinLockAtDpcLevel(&b, &qb);
        CHECK(!KeTestSpinLock(&b));
        KeReleaseInStackQueuedSpinLockFromDpcLevel(&qb);
        KeReleaseInStackQueuedSpinLock(&qa);
        CHECK_EQ(KeGetCurrentIrql(), from);
        KeLowerIrql(old);
    }
    CHECK(KeTestSpinLock(&a) && KeTestSpinLock(&b));

    /* VideoPort locks: create, both pairs from every level they allow, counters, delete. */
    CHECK_EQ(VideoPortCreateSpinLock(&devext, &vp), NO_ERROR);
    CHECK_EQ(VideoPortCreateSpinLock(NULL, &vp2), NO_ERROR);
    CHECK_EQ(VideoPortCreateSpinLock(&devext, NULL), ERROR_INVALID_PARAMETER);
    for (KIRQL from = PASSIVE_LEVEL; from <= DISPATCH_LEVEL; from++) {
        UCHAR o = 0xEE;
        KeRaiseIrql(from, &old);
        VideoPortAcquireSpinLock(&devext, vp, &o);
        CHECK_EQ(o, from);
        VideoPortAcquireSpinLockAtDpcLevel(NULL, vp2);
        VideoPortReleaseSpinLockFromDpcLevel(NULL, vp2);
        VideoPortReleaseSpinLock(&devext, vp, o);
        KeLowerIrql(old);
    }
    old = KeRaiseIrqlToDpcLevel();
    VideoPortAcquireSpinLockAtDpcLevel(&devext, vp);
    VideoPortReleaseSpinLockFromDpcLevel(&devext, vp);
    KeLowerIrql(old);
    CHECK_EQ(vpspin_query_spin_lock(vp, &info), NO_ERROR);
    CHECK_EQ(info.Acquisitions, 4);
    CHECK_EQ(info.Contentions, 0);
    CHECK(info.HwDeviceExtension == &devext);
    CHECK_EQ(vpspin_query_spin_lock(vp, NULL), ERROR_INVALID_PARAMETER);
    CHECK_EQ(VideoPortDeleteSpinLock(&devext, vp), NO_ERROR);
    CHECK_EQ(VideoPortDeleteSpinLock(NULL, vp2), NO_ERROR);
    CHECK_EQ(vpspin_query_spin_lock(vp, &info), ERROR_INVALID_PARAMETER);

    /* Allocation failure is a status, not a report. */
    vpspin_fail_allocations(0, 1);
    vp = NULL;
    CHECK_EQ(VideoPortCreateSpinLock(&devext, &vp), ERROR_NOT_ENOUGH_MEMORY);
    CHECK(vp == NULL);
    vpspin_fail_allocations(0, 0);
    CHECK_EQ(VideoPortCreateSpinLock(&devext, &vp), NO_ERROR);
    CHECK_EQ(VideoPortDeleteSpinLock(&devext, vp), NO_ERROR);

    /* Interlocked operations and stalls, at PASSIVE and at raised IRQL. */
    LONG n = 5;
    CHECK_EQ(VideoPortInterlockedIncrement(&n), 6);
    CHECK_EQ(VideoPortInterlockedDecrement(&n), 5);
    CHECK_EQ(VideoPortInterlockedExchange(&n, 42), 5);
    CHECK_EQ(n, 42);
    VideoPortStallExecution(0);
    KeRaiseIrql(HIGH_LEVEL, &old);
    VideoPortStallExecution(2);
    CHECK_EQ(VideoPortInterlockedIncrement(&n), 43);
    KeLowerIrql(old);
    CHECK_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);
}

/* Threads that take two locks every way there is, contending. */
#define WORKERS 4
#define ROUNDS  300

static struct {
    KSPIN_LOCK k;
    PSPIN_LOCK vp;
    long ke_count, vp_count; /* each protected by its lock */
    pthread_barrier_t start;
    KIRQL irql_after[WORKERS];
} shared;

static void *worker_main(void *arg)
{
    int id = (int)(intptr_t)arg;
    pthread_barrier_wait(&shared.start);
    for (int i = 0; i < ROUNDS; i++) {
        KIRQL old, o2;
        UCHAR vo;
        KLOCK_QUEUE_HANDLE q;
        switch ((i + id) % 6) {
        case 0:
            KeAcquireSpinLock(&shared.k, &old);
            shared.ke_count++;
            KeReleaseSpinLock(&shared.k, old);
            break;
        case 1:
            old = KeRaiseIrqlToDpcLevel();
            KeAcquireSpinLockAtDpcLevel(&shared.k);
            shared.ke_count++;
            KeReleaseSpinLockFromDpcLevel(&shared.k);
            KeLowerIrql(old);
            break;
        case 2:
            KeAcquireInStackQueuedSpinLock(&shared.k, &q);
            shared.ke_count++;
            KeReleaseInStackQueuedSpinLock(&q);
            break;
        case 3:
            KeRaiseIrql(DISPATCH_LEVEL, &old);
            KeAcquireInStackQueuedSpinLockAtDpcLevel(&shared.k, &q);
            shared.ke_count++;
            KeReleaseInStackQueuedSpinLockFromDpcLevel(&q);
            while (!KeTryToAcquireSpinLockAtDpcLevel(&shared.k))
                while (!KeTestSpinLock(&shared.k))
                    ;
            shared.ke_count++;
            KeReleaseSpinLockFromDpcLevel(&shared.k);
            KeLowerIrql(old);
            break;
        case 4:
            KeRaiseIrql(APC_LEVEL, &o2);
            VideoPortAcquireSpinLock(&devext, shared.vp, &vo);
            shared.vp_count++;
            VideoPortReleaseSpinLock(&devext, shared.vp, vo);
            KeLowerIrql(o2);
            break;
        default:
            old = KeRaiseIrqlToDpcLevel();
            VideoPortAcquireSpinLockAtDpcLevel(&devext, shared.vp);
            shared.vp_count++;
            VideoPortReleaseSpinLockFromDpcLevel(&devext, shared.vp);
            KeLowerIrql(old);
            break;
        }
    }
    shared.irql_after[id] = KeGetCurrentIrql();
    return NULL;
}

static void contended_program(void)
{
    pthread_t t[WORKERS];
    long ke_want = 0, vp_want = 0;
    for (int id = 0; id < WORKERS; id++)
        for (int i = 0; i < ROUNDS; i++) {
            int c = (i + id) % 6;
            ke_want += c < 3 ? 1 : c == 3 ? 2 : 0;
            vp_want += c >= 4;
        }
    KeInitializeSpinLock(&shared.k);
    shared.ke_count = shared.vp_count = 0;
    CHECK_EQ(VideoPortCreateSpinLock(&devext, &shared.vp), NO_ERROR);
    pthread_barrier_init(&shared.start, NULL, WORKERS);
    for (int id = 0; id < WORKERS; id++)
        CHECK_EQ(pthread_create(&t[id], NULL, worker_main, (void *)(intptr_t)id), 0);
    for (int id = 0; id < WORKERS; id++) {
        CHECK_EQ(pthread_join(t[id], NULL), 0);
        CHECK_EQ(shared.irql_after[id], PASSIVE_LEVEL);
    }
    pthread_barrier_destroy(&shared.start);
    CHECK_EQ(shared.ke_count, ke_want);
    CHECK_EQ(shared.vp_count, vp_want);
    CHECK(KeTestSpinLock(&shared.k));
    vpspin_spin_lock_info info;
    CHECK_EQ(vpspin_query_spin_lock(shared.vp, &info), NO_ERROR);
    CHECK_EQ(info.Acquisitions, vp_want);
    CHECK_EQ(VideoPortDeleteSpinLock(&devext, shared.vp), NO_ERROR);
}

static const vpspin_verify_mode all_modes[] = {VPSPIN_VERIFY_OFF, VPSPIN_VERIFY_DEFAULT,
                                               VPSPIN_VERIFY_FULL};

static void test_silence(void (*program)(void), const char *what)
{
    for (size_t i = 0; i < 3; i++) {
        int failures = check_failures;
        CHECK_EQ(vpspin_set_verify(all_modes[i]), 0);
        CHECK_EQ(vpspin_get_verify(), all_modes[i]);
        ULONG count = vpspin_bugcheck_count();
        __atomic_store_n(&counted_calls, 0, __ATOMIC_SEQ_CST);
        vpspin_set_bugcheck_handler(counting_handler, NULL);
        program();
        vpspin_set_bugcheck_handler(recording_handler, &context_token);
        CHECK_EQ(__atomic_load_n(&counted_calls, __ATOMIC_SEQ_CST), 0);
        CHECK_EQ(vpspin_bugcheck_count(), count);
        if (check_failures != failures)
            fprintf(stderr, "  ^ in the %s, mode %d\n", what, (int)all_modes[i]);
    }
    vpspin_set_verify(VPSPIN_VERIFY_DEFAULT);
}

static void test_mode_setting(void)
{
    for (size_t i = 0; i < 3; i++) {
        CHECK_EQ(vpspin_set_verify(all_modes[i]), 0);
        CHECK_EQ(vpspin_get_verify(), all_modes[i]);
        CHECK_EQ(vpspin_set_verify((vpspin_verify_mode)3), -1);
        CHECK_EQ(vpspin_set_verify((vpspin_verify_mode)-1), -1);
        CHECK_EQ(vpspin_get_verify(), all_modes[i]);
    }
    CHECK_EQ(vpspin_set_verify(VPSPIN_VERIFY_DEFAULT), 0);
}

/* With checking off, misuse is not looked at: each call just does what it does. */
static void test_off_skips_checks(void)
{
    ULONG count = vpspin_bugcheck_count();
    memset(&got, 0, sizeof got);
    CHECK_EQ(vpspin_set_verify(VPSPIN_VERIFY_OFF), 0);

    KIRQL old = KeRaiseIrqlToDpcLevel();
    CHECK_EQ(KfRaiseIrql(APC_LEVEL), DISPATCH_LEVEL); /* 0x30, unchecked: lowers */
    CHECK_EQ(KeGetCurrentIrql(), APC_LEVEL);
    KeLowerIrql(HIGH_LEVEL); /* 0x31, unchecked: raises */
    CHECK_EQ(KeGetCurrentIrql(), HIGH_LEVEL);
    CHECK_EQ(KeRaiseIrqlToDpcLevel(), HIGH_LEVEL); /* 0x30, unchecked */
    CHECK_EQ(KeGetCurrentIrql(), DISPATCH_LEVEL);
    KeLowerIrql(old);

    KSPIN_LOCK k;
    KeInitializeSpinLock(&k);
    KeAcquireSpinLockAtDpcLevel(&k); /* 0x40, unchecked: takes it at PASSIVE */
    CHECK(!KeTestSpinLock(&k));
    CHECK_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);
    KeReleaseSpinLockFromDpcLevel(&k); /* 0x41, unchecked: frees it */
    CHECK(KeTestSpinLock(&k));

    PSPIN_LOCK vp;
    UCHAR o;
    CHECK_EQ(VideoPortCreateSpinLock(&devext, &vp), NO_ERROR);
    VideoPortAcquireSpinLock(&devext, vp, &o);
    VideoPortReleaseSpinLock(&devext, vp, APC_LEVEL); /* 0x20015, unchecked: goes to APC */
    CHECK_EQ(KeGetCurrentIrql(), APC_LEVEL);
    CHECK_EQ(*(const ULONG_PTR *)vp, 0);
    KeLowerIrql(PASSIVE_LEVEL);
    CHECK_EQ(VideoPortDeleteSpinLock(&devext, vp), NO_ERROR);
    /* A stale handle is still refused (by status) even unchecked, and not reported. */
    CHECK_EQ(VideoPortDeleteSpinLock(&devext, vp), ERROR_INVALID_PARAMETER);

    CHECK_EQ(got.calls, 0);
    CHECK_EQ(vpspin_bugcheck_count(), count);
    CHECK_EQ(vpspin_set_verify(VPSPIN_VERIFY_DEFAULT), 0);
}

/* ---- 5. The report at its edges ------------------------------------------------------------ */

/* Runs fn with standard error going to /dev/null, or closed. */
static void without_stderr(void (*fn)(void), bool closed)
{
    fflush(stderr);
    int saved = dup(2);
    if (closed) {
        close(2);
    } else {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 2);
        close(null);
    }
    fn();
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
}

static KSPIN_LOCK scribbled;
static void release_scribbled(void) { KeReleaseSpinLockFromDpcLevel(&scribbled); }

static KSPIN_LOCK free_locks[1100];
static void release_free_locks(void)
{
    for (int i = 0; i < 1100; i++)
        KeReleaseSpinLockFromDpcLevel(&free_locks[i]); /* 0x1007, P2 the lock */
}

static void test_report_edges(void)
{
    /* A word whose owner half is a handoff (1, or 3 to a sleeper): "being handed to a
     * waiter", whoever releases it does not hold it (0x1004). */
    static const ULONG_PTR handoffs[] = {1, 3};
    KIRQL old = KeRaiseIrqlToDpcLevel();
    for (int i = 0; i < 2; i++) {
        char want[64];
        int before = got.calls;
        scribbled = handoffs[i];
        release_scribbled();
        CHECK_EQ(got.calls, before + 1);
        CHECK_EQ(got.r.Parameter1, 0x1004);
        snprintf(want, sizeof want, "being handed to a waiter (0x%lX)", (unsigned long)handoffs[i]);
        CHECK(strstr(got.text, want) != NULL);
        CHECK_EQ(scribbled, handoffs[i]); /* refused: left as it was */
    }
    scribbled = 0;

    /* A thread raised above HIGH_LEVEL while unchecked: reports call its IRQL invalid. */
    CHECK_EQ(vpspin_set_verify(VPSPIN_VERIFY_OFF), 0);
    KfRaiseIrql(20);
    CHECK_EQ(vpspin_set_verify(VPSPIN_VERIFY_DEFAULT), 0);
    int before = got.calls;
    KeLowerIrql(25); /* 0x31 */
    CHECK_EQ(got.calls, before + 1);
    CHECK(strstr(got.text, " at invalid IRQL (20)\n") != NULL);
    CHECK_EQ(vpspin_set_verify(VPSPIN_VERIFY_OFF), 0);
    KeLowerIrql(DISPATCH_LEVEL);
    CHECK_EQ(vpspin_set_verify(VPSPIN_VERIFY_DEFAULT), 0);

    /* Standard error closed: the report still reaches the handler, whole. */
    before = got.calls;
    scribbled = 0;
    without_stderr(release_scribbled, true); /* 0x1007 */
    CHECK_EQ(got.calls, before + 1);
    CHECK_EQ(got.r.Parameter1, 0x1007);
    CHECK(strncmp(got.text, "*** STOP: 0x000000C4 (0x0000000000001007,", 41) == 0);

    /* Report and continue remembers 1024 problems; one more is reported each time. */
    CHECK_EQ(vpspin_set_report_mode(VPSPIN_REPORT_CONTINUE), VPSPIN_REPORT_ABORT);
    CHECK_EQ(vpspin_set_report_mode(VPSPIN_REPORT_CONTINUE), VPSPIN_REPORT_CONTINUE);
    CHECK_EQ(vpspin_set_report_mode((vpspin_report_mode)7), VPSPIN_REPORT_CONTINUE); /* no */
    before = got.calls;
    without_stderr(release_free_locks, false);
    int first = got.calls - before;
    without_stderr(release_free_locks, false);
    int second = got.calls - before - first;
    CHECK(first == 1100);               /* the scribbled one's 0x1007 above was on another lock */
    CHECK(second > 0 && second < 1100); /* those past the table, again */
    CHECK_EQ(vpspin_set_report_mode(VPSPIN_REPORT_ABORT), VPSPIN_REPORT_CONTINUE);
    KeLowerIrql(old);
}

/* ---- 7. The release's copy of its acquire's record --------------------------------------- */

/* A release of the lock the thread acquired last is checked against the thread's copy of the
 * record that acquire stored, not the word (src/ke/spinlock.h). Whatever ends that hold must
 * clear the copy, so that the next release looks at the word again; and a copy is never
 * trusted for another lock, another kind of release, another IRQL, or a VideoPort handle
 * that is not one. */
static KSPIN_LOCK copy_a, copy_b, copy_init, copy_thread;
static PSPIN_LOCK copy_vp;
static KIRQL copy_old;
static int copy_thread_reports;
static ULONG_PTR copy_thread_p1;

static void copy_rel_a(void) { KeReleaseSpinLock(&copy_a, copy_old); }
static void copy_rel_init(void) { KeReleaseSpinLock(&copy_init, copy_old); }
static void copy_rel_thread(void) { KeReleaseSpinLock(&copy_thread, copy_old); }
static void copy_rel_a_apc(void) { KeReleaseSpinLock(&copy_a, APC_LEVEL); }
static void copy_rel_a_16(void) { KeReleaseSpinLock(&copy_a, (KIRQL)(copy_old + 16)); }
static void copy_rel_a_dpc(void) { KeReleaseSpinLockFromDpcLevel(&copy_a); }
static void copy_rel_vp(void) { VideoPortReleaseSpinLock(&devext, copy_vp, copy_old); }
static void copy_rel_vp_word(void)
{
    VideoPortReleaseSpinLock(&devext, (PSPIN_LOCK)(void *)&copy_a, copy_old);
}

/* call, with stderr to /dev/null, makes one report of subcode p1. */
static void expect_report(void (*call)(void), ULONG_PTR p1, int line)
{
    int before = got.calls;
    without_stderr(call, false);
    if (got.calls != before + 1 || got.r.Parameter1 != p1)
        fprintf(stderr, "test_rules.c:%d: expected one report 0x%lX, got %d (last 0x%lX)\n", line,
                (unsigned long)p1, got.calls - before, (unsigned long)got.r.Parameter1);
    CHECK_EQ(got.calls, before + 1);
    CHECK_EQ(got.r.Parameter1, p1);
}
#define EXPECT_REPORT(call, p1) expect_report(call, p1, __LINE__)

/* A thread's first call goes to the acquire's full path, which keeps the copy too. (What it
 * saw is checked after the join: the check counters are the main thread's.) */
static void *copy_first_call(void *arg)
{
    (void)arg;
    int before = got.calls;
    copy_old = KeAcquireSpinLockRaiseToDpc(&copy_thread);
    copy_rel_thread(); /* through the copy the full path kept */
    KIRQL old = KeRaiseIrqlToDpcLevel();
    without_stderr(copy_rel_thread, false); /* 0x1007 */
    KeLowerIrql(old);
    copy_thread_reports = got.calls - before;
    copy_thread_p1 = got.r.Parameter1;
    return NULL;
}

static void test_release_copy(void)
{
    CHECK_EQ(vpspin_set_verify(VPSPIN_VERIFY_DEFAULT), 0);
    int calls = got.calls;
    KeInitializeSpinLock(&copy_a);
    KeInitializeSpinLock(&copy_b);

    /* A released lock's copy is gone: releasing it again is a free lock's release. */
    copy_old = KeAcquireSpinLockRaiseToDpc(&copy_a);
    copy_rel_a();
    KIRQL old = KeRaiseIrqlToDpcLevel();
    EXPECT_REPORT(copy_rel_a, 0x1007);
    KeLowerIrql(old);

    /* KeInitializeSpinLock on the lock the thread holds frees it: 0x1007 again. (A lock of
     * its own: a race detector told of vpspin's locks still sees it held, and rightly.) */
    KeInitializeSpinLock(&copy_init);
    copy_old = KeAcquireSpinLockRaiseToDpc(&copy_init);
    KeInitializeSpinLock(&copy_init);
    EXPECT_REPORT(copy_rel_init, 0x1007);
    KeLowerIrql(copy_old);

    /* The copy names the kind and the IRQL: another kind (0x1009), another IRQL (0x20015),
     * one too large for the record's 4 bits (0x20015). Each refused release leaves the lock
     * held and the next release to the word, which lets the right one go. */
    copy_old = KeAcquireSpinLockRaiseToDpc(&copy_a);
    EXPECT_REPORT(copy_rel_a_dpc, 0x1009);
    EXPECT_REPORT(copy_rel_a_apc, 0x20015);
    CHECK_EQ(got.r.Parameter3, APC_LEVEL);
    EXPECT_REPORT(copy_rel_a_16, 0x20015);
    CHECK_EQ(got.r.Parameter3, copy_old + 16);
    CHECK(!KeTestSpinLock(&copy_a));
    copy_rel_a();
    CHECK(KeTestSpinLock(&copy_a));
    old = KeRaiseIrqlToDpcLevel();
    KeAcquireSpinLockAtDpcLevel(&copy_a);
    EXPECT_REPORT(copy_rel_a, 0x1009); /* a raising release of an AtDpcLevel acquire */
    KeReleaseSpinLockFromDpcLevel(&copy_a);

    /* Two locks: the copy is of the last acquire only; the other's release reads its word,
     * in either order. */
    KeAcquireSpinLockAtDpcLevel(&copy_a);
    KeAcquireSpinLockAtDpcLevel(&copy_b);
    KeReleaseSpinLockFromDpcLevel(&copy_a);
    KeReleaseSpinLockFromDpcLevel(&copy_b);
    KeAcquireSpinLockAtDpcLevel(&copy_a);
    KeAcquireSpinLockAtDpcLevel(&copy_b);
    KeReleaseSpinLockFromDpcLevel(&copy_b);
    KeReleaseSpinLockFromDpcLevel(&copy_a);
    EXPECT_REPORT(copy_rel_a_dpc, 0x1007);
    KeLowerIrql(old);

    /* VideoPort: a released handle's copy is gone too; and a Ke lock acquired last is still
     * no VideoPort handle (0x1002), whatever the copy says of its word. */
    CHECK_EQ(VideoPortCreateSpinLock(&devext, &copy_vp), NO_ERROR);
    VideoPortAcquireSpinLock(&devext, copy_vp, &copy_old);
    copy_rel_vp();
    old = KeRaiseIrqlToDpcLevel();
    EXPECT_REPORT(copy_rel_vp, 0x1007);
    KeLowerIrql(old);
    copy_old = KeAcquireSpinLockRaiseToDpc(&copy_a);
    EXPECT_REPORT(copy_rel_vp_word, 0x1002);
    CHECK(!KeTestSpinLock(&copy_a));
    copy_rel_a();
    CHECK_EQ(VideoPortDeleteSpinLock(&devext, copy_vp), NO_ERROR);

    /* The full path's acquire (a thread's first call) keeps the copy as well. */
    KeInitializeSpinLock(&copy_thread);
    pthread_t t;
    CHECK_EQ(pthread_create(&t, NULL, copy_first_call, NULL), 0);
    CHECK_EQ(pthread_join(t, NULL), 0);
    CHECK_EQ(copy_thread_reports, 1);
    CHECK_EQ(copy_thread_p1, 0x1007);

    CHECK_EQ(got.calls, calls + 10);
    CHECK_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);
}

/* ---- main ---------------------------------------------------------------------------------- */

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--child-env") == 0)
        return child_env_main();
    set_child_argv(argv[0]);

    CHECK_EQ(vpspin_set_verify(VPSPIN_VERIFY_DEFAULT), 0); /* whatever VPSPIN_VERIFY says */
    CHECK(vpspin_set_bugcheck_handler(recording_handler, &context_token) == NULL);
    CHECK(vpspin_set_bugcheck_handler(recording_handler, &context_token) == recording_handler);

    CHECK_EQ(VideoPortCreateSpinLock(&devext, &fx.vp), NO_ERROR);
    CHECK_EQ(VideoPortCreateSpinLock(&devext, &fx.vp_dead), NO_ERROR);
    CHECK_EQ(VideoPortDeleteSpinLock(&devext, fx.vp_dead), NO_ERROR);
    fx.noaccess = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(fx.noaccess != MAP_FAILED);

    /* 2. Every scenario in process, in the DEFAULT and FULL modes. */
    for (int m = VPSPIN_VERIFY_DEFAULT; m <= VPSPIN_VERIFY_FULL; m++) {
        CHECK_EQ(vpspin_set_verify((vpspin_verify_mode)m), 0);
        for (size_t i = 0; i < N_SCENARIOS; i++)
            run_in_process(&scenarios[i], m == VPSPIN_VERIFY_FULL ? "FULL" : "DEFAULT");
    }
    CHECK_EQ(vpspin_set_verify(VPSPIN_VERIFY_DEFAULT), 0);

    /* 3. Every reporting scenario in a child, with the default abort(). */
    for (size_t i = 0; i < N_SCENARIOS; i++)
        if (scenarios[i].p1 != 0)
            run_in_child(&scenarios[i]);

    /* 4. The environment variable. */
    test_env();

    /* 5. The report at its edges. */
    test_report_edges();

    /* 6. Silence, modes, and OFF skipping the checks. */
    test_mode_setting();
    test_off_skips_checks();
    test_silence(correct_program, "correct program");

    /* 7. The release's copy of its acquire's record (a helper thread: after every fork). */
    test_release_copy();

    test_silence(contended_program, "contended program");

    CHECK_EQ(VideoPortDeleteSpinLock(&devext, fx.vp), NO_ERROR);
    munmap(fx.noaccess, 4096);
    vpspin_set_bugcheck_handler(NULL, NULL);
    return check_done();
}
