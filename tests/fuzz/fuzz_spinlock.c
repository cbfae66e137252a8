/*
 * fuzz_spinlock.c - a libFuzzer harness that turns bytes into sequences of spin lock and
 * IRQL calls, right and wrong, on four threads, and checks every outcome against a
 * reference model of its own: which thread holds which lock and how, each thread's IRQL,
 * which VideoPort handles are live. For each call the model predicts the checked mode's
 * verdict (docs/checked-mode.md: the rule order of a release, the handle check first) -
 * no report, or bug check 0xC4 with exactly this Parameter1..4 from this function - and
 * the call's effect (its return value, the IRQL after it, the lock word after it). A
 * handler installed with vpspin_set_bugcheck_handler turns reports into data; any
 * difference between model and library aborts with a description (libFuzzer then keeps
 * the input). So the fuzzer checks the checked mode, not just the absence of crashes.
 *
 * The input: byte 0 picks the checking mode (0, 1, full); then each operation is an
 * opcode byte and its argument bytes (a missing byte reads as 0). Operations:
 *   - one call on thread t: KeRaiseIrql, KeRaiseIrqlToDpcLevel, KeLowerIrql, the four
 *     Ke acquire/release pairs (plain, AtDpcLevel, in-stack queued, queued AtDpcLevel),
 *     KeTryToAcquireSpinLockAtDpcLevel, the six VideoPort spin lock functions with live,
 *     deleted, NULL, wild, foreign and interior handles, a creation made to fail;
 *   - a handover: thread B blocks in an acquire of a lock thread A holds (the harness
 *     waits until B spins or sleeps on it, if the input says so; A may then break a rule
 *     on that lock, which is reported with the waiter in its word), then A releases it;
 *   - a burst: some threads contend for a set of free locks, each taking them in one
 *     global order and all releasing them, a number of times; counters kept under the
 *     locks must come out exact;
 *   - a change of checking mode while no lock is held;
 *   - the Ke objects and pool (objects.c's part of the model, below): KEVENTs initialized,
 *     set, reset, cleared, read and polled; KTIMERs initialized, set far ahead, cancelled,
 *     read, or set to expire at once and waited for; KDPCs initialized, inserted, removed
 *     and flushed, with a gate (a DPC whose routine blocks the DPC thread until the input
 *     opens it) that keeps the others queued, so whether a DPC is queued is always known;
 *     pool allocated (nonpaged, paged, zero bytes) and freed (with its tag, any tag,
 *     another tag, twice, at a wild address) - each at the calling thread's IRQL, so every
 *     IRQL and object rule of those services fires when the model says.
 *   - the hardware services on a device started on a simulated adapter (a memory BAR and
 *     a port range whose hooks hold its registers): mappings made (VideoPortGetDeviceBase)
 *     and freed, right and wrong (FreeDeviceBase, UnmapMemory: 0xF013; above PASSIVE_LEVEL:
 *     0xF003, refused); register and port
 *     reads and writes, single and Buffer, of each width, inside a live mapping, straddling
 *     its edges (0xF012), in a freed one (0xF011), through no mapping or the other space
 *     (0xF010). The model keeps the device's bytes: a read must return them (all ones when
 *     refused), a write must land (or not), a hook must be called once per element.
 *
 * Why it cannot hang (unless vpspin is wrong): a single call is made only when it cannot
 * wait - a blocking acquire of a lock another thread holds is never issued as one; the
 * only waits between threads are the handover (whose holder then releases: releases
 * never wait) and the burst (free locks only, one global acquisition order, and the
 * participants wait for no lock outside the set). At the end of every input each thread
 * releases what it holds, through checked calls, goes back to PASSIVE_LEVEL, and the
 * live VideoPort locks are deleted. In mode 0 only calls the model deems correct are
 * made (plus VideoPortDeleteSpinLock of a bad handle, refused unchecked by contract).
 *
 * Threads: thread 0 is the calling (fuzzer) thread; threads 1..3 are workers that run
 * one call at a time, handed over with semaphores, so every call's outcome is known
 * before the next one is made, and every run of an input makes the same calls.
 *
 * When the full checked mode gains rules of its own, expect_*() below must learn them.
 * FUZZ_TRACE=1 in the environment prints every operation (for replaying a crash).
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <vpspin/adapter.h>

#include "fuzz_spinlock.h"

#define NTHREADS    4 /* thread 0 is the fuzzer's own */
#define NKE         3 /* KSPIN_LOCKs: lock ids 0..2 */
#define NVP         3 /* VideoPort lock slots: lock ids 3..5 */
#define NLOCKS      (NKE + NVP)
#define MAX_OPS     400
#define MAX_CREATES 200 /* < the 1024 deletions of quarantine: stale handles stay stale */
#define NEV         2   /* KEVENTs */
#define NTM         2   /* KTIMERs */
#define NDPC        2   /* KDPCs, besides the gate */
#define NPOOL       3   /* pool blocks at once */
#define MAX_WAITS   12  /* operations per input that wait for the DPC or timer thread */

/* How a lock is held, as Parameter4 of 0x1009 names it (vpspin(7)). */
#define K_PLAIN      0u
#define K_DPC        2u
#define K_QUEUED     4u
#define K_QUEUED_DPC 6u

/* The waiter half's "a waiter sleeps" flag (src/lock/spinlock_algo.h); only to wait for it. */
#define WAITER_PARKED 0x1u

/* ---- Messages ------------------------------------------------------------------------ */

static int msg_fd = 2; /* stderr as it was at start-up (libFuzzer may close fd 2) */
static bool trace;
static unsigned op_index;
static char op_text[160]; /* the operation being checked */

__attribute__((format(printf, 1, 2), noreturn)) static void fail(const char *fmt, ...)
{
    char buf[1024];
    int n = snprintf(buf, sizeof buf, "fuzz_spinlock: op %u (%s): ", op_index, op_text);
    va_list ap;
    va_start(ap, fmt);
    n += vsnprintf(buf + n, sizeof buf - (size_t)n, fmt, ap);
    va_end(ap);
    if (n > (int)sizeof buf - 2)
        n = (int)sizeof buf - 2;
    buf[n++] = '\n';
    if (write(msg_fd, buf, (size_t)n) < 0)
        abort();
    abort();
}

#define REQUIRE(cond, ...)                                                                         \
    do {                                                                                           \
        if (!(cond))                                                                               \
            fail(__VA_ARGS__);                                                                     \
    } while (0)

/* ---- Reports, turned into data ------------------------------------------------------- */

static struct {
    unsigned n; /* reports seen by the handler */
    ULONG code;
    ULONG_PTR p[4];
    char api[64];
    bool text_ok; /* the text starts with the STOP line of these parameters, and more */
} seen;

/* The full mode's hazard reports (lock order, release order, thread exit, watchdog):
 * not the verdict of the call at hand, which goes ahead after them. Counted apart; only
 * the full mode may make them. */
static unsigned hazards;

static bool is_hazard(const vpspin_bugcheck *r)
{
    return r->BugCheckCode == 0x133 ||
           (r->BugCheckCode == 0xC4 &&
            (r->Parameter1 == 0x1001 || r->Parameter1 == 0x1003 || r->Parameter1 == 0x100A));
}

static void on_report(const vpspin_bugcheck *r, void *ctx)
{
    (void)ctx;
    if (is_hazard(r)) {
        REQUIRE(vpspin_get_verify() == VPSPIN_VERIFY_FULL,
                "hazard report 0x%lX/0x%lX outside the full mode", (unsigned long)r->BugCheckCode,
                (unsigned long)r->Parameter1);
        __atomic_add_fetch(&hazards, 1, __ATOMIC_RELAXED);
        return;
    }
    char stop[128];
    snprintf(stop, sizeof stop, "*** STOP: 0x%08X (0x%016llX,0x%016llX,0x%016llX,0x%016llX)\n",
             (unsigned)r->BugCheckCode, (unsigned long long)r->Parameter1,
             (unsigned long long)r->Parameter2, (unsigned long long)r->Parameter3,
             (unsigned long long)r->Parameter4);
    seen.code = r->BugCheckCode;
    seen.p[0] = r->Parameter1;
    seen.p[1] = r->Parameter2;
    seen.p[2] = r->Parameter3;
    seen.p[3] = r->Parameter4;
    snprintf(seen.api, sizeof seen.api, "%s", r->Api);
    seen.text_ok = strncmp(r->Text, stop, strlen(stop)) == 0;
    /* The lock line: an IRQL rule names none; a NULL handle is NULL. */
    if (r->Parameter1 == 0x30 || r->Parameter1 == 0x31)
        seen.text_ok = seen.text_ok && strstr(r->Text, "\nLock:   none\n") != NULL;
    if (r->Parameter1 == 0x1002 && r->Parameter2 == 0)
        seen.text_ok = seen.text_ok && strstr(r->Text, "\nLock:   NULL\n") != NULL;
    __atomic_add_fetch(&seen.n, 1, __ATOMIC_RELEASE);
}

/* ---- The objects the calls work on ---------------------------------------------------- */

static KSPIN_LOCK ke[NKE];
static int devext[NVP]; /* each slot's HwDeviceExtension */
static struct {
    ULONG_PTR word;
    char rest[56];
} foreign __attribute__((aligned(64))) = {0x5A5A5A5A5A5A5A5Aull, "not a lock"};
#define WILD ((PSPIN_LOCK)(uintptr_t)0x10)

/* ---- The model ----------------------------------------------------------------------- */

struct mlock {
    int holder;            /* thread index, or -1 */
    unsigned kind;         /* K_* of the acquire */
    KIRQL old;             /* the IRQL a raising acquire returned */
    ULONG_PTR acq;         /* VideoPort: acquisitions vpspin must count */
    unsigned long counter; /* incremented under the lock by bursts */
};

enum slot_state { SLOT_NONE, SLOT_LIVE, SLOT_DELETED };

static struct model {
    int mode; /* vpspin_verify_mode */
    struct mlock lock[NLOCKS];
    struct {
        PSPIN_LOCK handle; /* the last one created in this slot (stale once deleted) */
        enum slot_state state;
    } slot[NVP];
    struct {
        KIRQL irql;
        KIRQL saved[NLOCKS]; /* the old IRQL its last raising acquire of each lock gave */
    } thread[NTHREADS];
    unsigned creates;
    ULONG last_serial;
    struct {
        bool init, sync, state;
    } ev[NEV];
    struct {
        bool init, sync, set, signaled;
    } tm[NTM];
    struct {
        bool init, queued;
        long runs; /* the routine's runs the model expects so far */
    } dpc[NDPC];
    bool gate_closed;
    unsigned waits; /* operations of this input that waited for another thread (MAX_WAITS) */
    struct {
        PVOID p, stale; /* the live block; the last one freed */
        POOL_TYPE type;
    } pool[NPOOL];
    /* The device (its bytes, mappings, hook calls), reset when the input starts. */
    struct {
        uintptr_t base; /* the last mapping made in this slot */
        ULONG offset, length;
        enum slot_state state;
        bool io;
    } map[4];
    unsigned frees;
    uint8_t mem[0x100], ports[0x20];
    unsigned long hooks;
    bool device_used;
} m;

/* The Ke objects the calls work on, and what their routines count. */
static KEVENT fev[NEV];
static KTIMER ftm[NTM];
static KDPC fdpc[NDPC], gate_dpc;
static sem_t gate;
static long dpc_ran[NDPC];                                   /* atomic */
#define POOL_TAG(slot) (0x61307A46u + ((ULONG)(slot) << 24)) /* 'Fz0a', 'Fz0b', ... */
#define WRONG_TAG      0x676E7257u                           /* 'Wrng' */

static int tids[NTHREADS];
static KLOCK_QUEUE_HANDLE qh[NTHREADS][NKE]; /* each thread's handle for each Ke lock */

static PKSPIN_LOCK lock_word(int id)
{
    return id < NKE ? &ke[id] : (PKSPIN_LOCK)(void *)m.slot[id - NKE].handle;
}

/* The owner half a holder's word carries (src/lock/lockword.h, docs/checked-mode.md). */
static uint32_t record_of(int id)
{
    const struct mlock *l = &m.lock[id];
    if (l->holder < 0)
        return 0;
    uint32_t r = ((uint32_t)tids[l->holder] << 8) | 0x80u | l->kind;
    if (!(l->kind & K_DPC))
        r |= (uint32_t)l->old << 3;
    return r;
}

static uint32_t owner_half(PKSPIN_LOCK w)
{
    return (uint32_t)(__atomic_load_n(w, __ATOMIC_RELAXED) & 0xFFFFFFFFu);
}
static uint32_t waiter_half(PKSPIN_LOCK w)
{
    return (uint32_t)(__atomic_load_n(w, __ATOMIC_RELAXED) >> 32);
}

/* ---- The device ------------------------------------------------------------------------
 * One device of a miniport that does nothing, started on an adapter with a memory BAR
 * (plain memory) and a port range whose hooks keep its bytes and count their calls. Map
 * slots 0 and 1 map any part of the BAR; slots 2 and 3 each one fixed half of the ports,
 * far enough apart that an access made through one never touches the other (so the
 * mapping a report names is known). Each input starts with the device's bytes zeroed and
 * ends with its mappings freed. Freed mappings stay in quarantine, 64 of them, across
 * inputs: memory ones are out of every later input's way (their addresses stay theirs),
 * but a port mapping is its ports, so the model mirrors the quarantine (quarantine[]:
 * every mapping freed, oldest out first). An input frees at most MAX_FREES mappings, so
 * none it freed leaves the quarantine before it ends. */

#define DEV_MEM_START  0xF8000000u
#define DEV_MEM_LEN    0x100u
#define DEV_PORT_START 0x6000u
#define DEV_PORT_LEN   0x20u
#define DEV_HALF       8u  /* ports of slot 2: [0, 8); slot 3: [16, 24) of the range */
#define DEV_NEAR       64u /* how far outside a memory mapping accesses go (inside its guard) */
#define MAX_FREES      48
#define QUARANTINE     64

static struct {
    uintptr_t base, end;
    bool io;
} quarantine[QUARANTINE]; /* the mappings freed, oldest first */
static unsigned quarantined;

static void quarantine_add(bool io, uintptr_t base, ULONG length)
{
    if (quarantined == QUARANTINE) {
        memmove(&quarantine[0], &quarantine[1], (QUARANTINE - 1) * sizeof quarantine[0]);
        quarantined--;
    }
    quarantine[quarantined].base = base;
    quarantine[quarantined].end = base + length;
    quarantine[quarantined].io = io;
    quarantined++;
}

static struct {
    vpspin_driver *driver;
    vpspin_adapter *adapter;
    vpspin_device *device;
    PVOID ext;
    uint8_t *mem;                /* the BAR's bytes (the device's side) */
    uint8_t ports[DEV_PORT_LEN]; /* behind the hooks */
    unsigned long hooks;         /* hook calls (atomic) */
} dev;

static ULONG dev_port_read(PVOID Context, vpspin_adapter *Adapter, ULONG Range, ULONG Offset,
                           ULONG Size)
{
    (void)Context, (void)Adapter, (void)Range;
    ULONG v = 0;
    memcpy(&v, &dev.ports[Offset], Size);
    __atomic_add_fetch(&dev.hooks, 1, __ATOMIC_RELAXED);
    return v;
}

static void dev_port_write(PVOID Context, vpspin_adapter *Adapter, ULONG Range, ULONG Offset,
                           ULONG Size, ULONG Value)
{
    (void)Context, (void)Adapter, (void)Range;
    memcpy(&dev.ports[Offset], &Value, Size);
    __atomic_add_fetch(&dev.hooks, 1, __ATOMIC_RELAXED);
}

static VP_STATUS dev_find_adapter(PVOID Ext, PVOID Ctx, PWSTR Args, PVIDEO_PORT_CONFIG_INFO Info,
                                  PUCHAR Again)
{
    (void)Ext, (void)Ctx, (void)Args, (void)Info, (void)Again;
    return NO_ERROR;
}
static BOOLEAN dev_initialize(PVOID Ext)
{
    (void)Ext;
    return TRUE;
}
static BOOLEAN dev_start_io(PVOID Ext, PVIDEO_REQUEST_PACKET Rp)
{
    (void)Ext, (void)Rp;
    return FALSE;
}
static ULONG dev_driver_entry(PVOID Argument1, PVOID Argument2)
{
    VIDEO_HW_INITIALIZATION_DATA init;
    memset(&init, 0, sizeof init);
    init.HwInitDataSize = sizeof init;
    init.HwFindAdapter = dev_find_adapter;
    init.HwInitialize = dev_initialize;
    init.HwStartIO = dev_start_io;
    return VideoPortInitialize(Argument1, Argument2, &init, NULL);
}

/* Starts the device (once), with its bytes zeroed and no mapping. */
static void dev_start(void)
{
    if (dev.adapter == NULL) {
        vpspin_range mem = {.Start = {.QuadPart = DEV_MEM_START}, .Length = DEV_MEM_LEN, .Bar = 0};
        vpspin_range ports = {.Start = {.QuadPart = DEV_PORT_START},
                              .Length = DEV_PORT_LEN,
                              .InIoSpace = TRUE,
                              .Bar = 1};
        REQUIRE(vpspin_load_miniport(dev_driver_entry, &dev.driver) == STATUS_SUCCESS &&
                    vpspin_create_adapter(&dev.adapter) == NO_ERROR &&
                    vpspin_add_adapter_range(dev.adapter, &mem, NULL) == NO_ERROR &&
                    vpspin_add_adapter_range(dev.adapter, &ports, NULL) == NO_ERROR &&
                    vpspin_set_range_hooks(dev.adapter, 1, dev_port_read, dev_port_write, NULL) ==
                        NO_ERROR,
                "the device cannot be made");
        dev.mem = vpspin_adapter_range_memory(dev.adapter, 0);
    }
    memset(dev.mem, 0, DEV_MEM_LEN);
    memset(dev.ports, 0, sizeof dev.ports);
    __atomic_store_n(&dev.hooks, 0, __ATOMIC_RELAXED);
    REQUIRE(vpspin_start_adapter(dev.driver, dev.adapter, &dev.device) == NO_ERROR,
            "the device does not start");
    dev.ext = vpspin_device_extension(dev.device);
}

static void dev_stop(void)
{
    if (dev.adapter == NULL)
        return;
    vpspin_stop_device(dev.device);
    vpspin_delete_adapter(dev.adapter);
    vpspin_unload_miniport(dev.driver);
    memset(&dev, 0, sizeof dev);
}

/* ---- One call ------------------------------------------------------------------------- */

/* clang-format off */
enum op {
    OP_RAISE, OP_RAISE_DPC, OP_LOWER,
    OP_KE_ACQ, OP_KE_REL, OP_KE_ACQ_DPC, OP_KE_REL_DPC, OP_KE_TRY,
    OP_KQ_ACQ, OP_KQ_REL, OP_KQ_ACQ_DPC, OP_KQ_REL_DPC,
    OP_VP_CREATE, OP_VP_DELETE, OP_VP_ACQ, OP_VP_REL, OP_VP_ACQ_DPC, OP_VP_REL_DPC,
    OP_HANDOVER, OP_BURST, OP_FAIL_CREATE, OP_SET_MODE,
    OP_EV_INIT, OP_EV_SET, OP_EV_RESET, OP_EV_WAIT,
    OP_TM_INIT, OP_TM_SET, OP_TM_CANCEL, OP_TM_FIRE,
    OP_DPC_INIT, OP_DPC_INSERT, OP_DPC_REMOVE, OP_DPC_FLUSH, OP_DPC_GATE,
    OP_POOL_ALLOC, OP_POOL_FREE,
    OP_DEV_MAP, OP_DEV_FREE, OP_DEV_READ, OP_DEV_WRITE,
    OP_COUNT
};
/* clang-format on */

struct call {
    enum op op;
    int t;             /* the thread that makes it */
    int lock;          /* Ke lock id, or the VideoPort lock id the handle names (-1: none) */
    PSPIN_LOCK handle; /* VideoPort calls */
    KIRQL irql;        /* raise/lower target; NewIrql of a raising release */
    bool variant;      /* KeAcquireSpinLockRaiseToDpc instead of KeAcquireSpinLock */
    bool set_old;      /* queued release: write irql into the handle's OldIrql first */
    bool null_out;     /* VideoPortCreateSpinLock with a NULL out pointer */
    int obj;           /* the Ke object or pool slot of the object calls */
    unsigned arg;      /* their variant */
    PVOID ptr;         /* a pool call's address */
    int waited;        /* OP_TM_FIRE: what the wait returned */
    /* The device's: slot (map, free), where (addr: read, write, free), how. */
    int slot;
    uintptr_t addr;
    ULONG offset, length; /* a mapping asked for (of the BAR or the ports) */
    unsigned size, count; /* element bytes (1, 2, 4); Buffer form: count 0..4, else 0 */
    bool io, unmap;       /* port forms; VideoPortUnmapMemory instead of FreeDeviceBase */
    PVOID ext;            /* the HwDeviceExtension a free names */
    ULONG values[4];      /* written, or read */
    PVOID mapped;
    /* results */
    int ret; /* IRQL returned as old, BOOLEAN, or VP_STATUS */
    PSPIN_LOCK created;
    KIRQL irql_after, vp_irql_after;
};

static VOID fuzz_dpc(PKDPC Dpc, PVOID Context, PVOID A1, PVOID A2)
{
    (void)Dpc, (void)A1, (void)A2;
    __atomic_add_fetch(&dpc_ran[(intptr_t)Context], 1, __ATOMIC_RELEASE);
}

/* The gate's routine: holds the DPC thread (at DISPATCH_LEVEL, calling no service) until
 * the input opens the gate, so the DPCs queued meanwhile stay queued. */
static VOID gate_routine(PKDPC Dpc, PVOID Context, PVOID A1, PVOID A2)
{
    (void)Dpc, (void)Context, (void)A1, (void)A2;
    while (sem_wait(&gate) != 0 && errno == EINTR)
        ;
}

static void exec_object_call(struct call *c)
{
    LARGE_INTEGER zero = {.QuadPart = 0}, far = {.QuadPart = -3600LL * 10000000},
                  now = {.QuadPart = -1};
    PRKEVENT e = c->obj < NEV ? &fev[c->obj] : NULL;
    PKTIMER t = c->obj < NTM ? &ftm[c->obj] : NULL;
    switch (c->op) {
    case OP_EV_INIT:
        KeInitializeEvent(e, c->arg & 1 ? SynchronizationEvent : NotificationEvent, c->arg & 2);
        break;
    case OP_EV_SET:
        c->ret = KeSetEvent(e, IO_NO_INCREMENT, c->arg & 4 ? TRUE : FALSE);
        break;
    case OP_EV_RESET:
        if (c->arg % 3 == 0)
            c->ret = KeResetEvent(e);
        else if (c->arg % 3 == 1)
            KeClearEvent(e);
        else
            c->ret = KeReadStateEvent(e);
        break;
    case OP_EV_WAIT:
        c->ret = KeWaitForSingleObject(e, Executive, KernelMode, FALSE, &zero);
        break;
    case OP_TM_INIT:
        if (c->arg & 1)
            KeInitializeTimerEx(t, SynchronizationTimer);
        else
            KeInitializeTimer(t);
        break;
    case OP_TM_SET:
        c->ret = c->arg & 1 ? KeSetTimerEx(t, far, 0, NULL) : KeSetTimer(t, far, NULL);
        break;
    case OP_TM_CANCEL:
        c->ret = c->arg & 1 ? KeReadStateTimer(t) : KeCancelTimer(t);
        break;
    case OP_TM_FIRE:
        c->ret = KeSetTimer(t, now, NULL);
        c->waited = KeWaitForSingleObject(t, Executive, KernelMode, FALSE, NULL);
        break;
    case OP_DPC_INIT:
        KeInitializeDpc(&fdpc[c->obj], fuzz_dpc, (PVOID)(intptr_t)c->obj);
        break;
    case OP_DPC_INSERT:
        c->ret = KeInsertQueueDpc(&fdpc[c->obj], NULL, NULL);
        break;
    case OP_DPC_REMOVE:
        c->ret = KeRemoveQueueDpc(&fdpc[c->obj]);
        break;
    case OP_DPC_FLUSH:
        KeFlushQueuedDpcs();
        break;
    case OP_POOL_ALLOC:
        c->ptr = ExAllocatePoolWithTag((POOL_TYPE)c->arg, (SIZE_T)c->irql, POOL_TAG(c->obj));
        break;
    case OP_POOL_FREE:
        if (c->arg == 1)
            ExFreePool(c->ptr);
        else
            ExFreePoolWithTag(c->ptr, c->arg == 2 ? WRONG_TAG : POOL_TAG(c->obj));
        break;
    default:
        break;
    }
}

/* One of the 24 register and port functions, as c says. */
static void exec_device_access(struct call *c)
{
    void *a = (void *)c->addr;
    ULONG *v = c->values;
    UCHAR b[4];
    USHORT w[4];
    bool wr = c->op == OP_DEV_WRITE;
    for (int i = 0; i < 4; i++) {
        b[i] = (UCHAR)v[i];
        w[i] = (USHORT)v[i];
    }
#define DEV_ONE(Rd, Wr, T)      (wr ? (Wr((T *)a, (T)v[0]), 0) : (v[0] = Rd((T *)a)))
#define DEV_BUF(Rd, Wr, T, arr) (wr ? Wr((T *)a, arr, c->count) : Rd((T *)a, arr, c->count))
    if (c->count == 0) {
        if (c->io && c->size == 1)
            DEV_ONE(VideoPortReadPortUchar, VideoPortWritePortUchar, UCHAR);
        else if (c->io && c->size == 2)
            DEV_ONE(VideoPortReadPortUshort, VideoPortWritePortUshort, USHORT);
        else if (c->io)
            DEV_ONE(VideoPortReadPortUlong, VideoPortWritePortUlong, ULONG);
        else if (c->size == 1)
            DEV_ONE(VideoPortReadRegisterUchar, VideoPortWriteRegisterUchar, UCHAR);
        else if (c->size == 2)
            DEV_ONE(VideoPortReadRegisterUshort, VideoPortWriteRegisterUshort, USHORT);
        else
            DEV_ONE(VideoPortReadRegisterUlong, VideoPortWriteRegisterUlong, ULONG);
        return;
    }
    c->count--; /* count in 1..4 here means Count 0..3 (the Buffer form) */
    if (c->io && c->size == 1)
        DEV_BUF(VideoPortReadPortBufferUchar, VideoPortWritePortBufferUchar, UCHAR, b);
    else if (c->io && c->size == 2)
        DEV_BUF(VideoPortReadPortBufferUshort, VideoPortWritePortBufferUshort, USHORT, w);
    else if (c->io)
        DEV_BUF(VideoPortReadPortBufferUlong, VideoPortWritePortBufferUlong, ULONG, v);
    else if (c->size == 1)
        DEV_BUF(VideoPortReadRegisterBufferUchar, VideoPortWriteRegisterBufferUchar, UCHAR, b);
    else if (c->size == 2)
        DEV_BUF(VideoPortReadRegisterBufferUshort, VideoPortWriteRegisterBufferUshort, USHORT, w);
    else
        DEV_BUF(VideoPortReadRegisterBufferUlong, VideoPortWriteRegisterBufferUlong, ULONG, v);
    c->count++;
    if (!wr && c->size != 4)
        for (int i = 0; i < 4; i++)
            v[i] = c->size == 1 ? b[i] : w[i];
#undef DEV_ONE
#undef DEV_BUF
}

static void exec_call(struct call *c)
{
    KIRQL o = 0xEE;
    UCHAR uo = 0xEE;
    int t = c->t;
    PKSPIN_LOCK w = c->lock >= 0 && c->lock < NKE ? &ke[c->lock] : NULL;
    switch (c->op) {
    case OP_RAISE:
        KeRaiseIrql(c->irql, &o);
        c->ret = o;
        break;
    case OP_RAISE_DPC:
        c->ret = KeRaiseIrqlToDpcLevel();
        break;
    case OP_LOWER:
        KeLowerIrql(c->irql);
        break;
    case OP_KE_ACQ:
        if (c->variant)
            o = KeAcquireSpinLockRaiseToDpc(w);
        else
            KeAcquireSpinLock(w, &o);
        c->ret = o;
        break;
    case OP_KE_REL:
        KeReleaseSpinLock(w, c->irql);
        break;
    case OP_KE_ACQ_DPC:
        KeAcquireSpinLockAtDpcLevel(w);
        break;
    case OP_KE_REL_DPC:
        KeReleaseSpinLockFromDpcLevel(w);
        break;
    case OP_KE_TRY:
        c->ret = KeTryToAcquireSpinLockAtDpcLevel(w);
        break;
    case OP_KQ_ACQ:
        qh[t][c->lock].OldIrql = 0xEE;
        KeAcquireInStackQueuedSpinLock(w, &qh[t][c->lock]);
        c->ret = qh[t][c->lock].OldIrql;
        break;
    case OP_KQ_REL:
        if (c->set_old)
            qh[t][c->lock].OldIrql = c->irql;
        KeReleaseInStackQueuedSpinLock(&qh[t][c->lock]);
        break;
    case OP_KQ_ACQ_DPC:
        KeAcquireInStackQueuedSpinLockAtDpcLevel(w, &qh[t][c->lock]);
        break;
    case OP_KQ_REL_DPC:
        KeReleaseInStackQueuedSpinLockFromDpcLevel(&qh[t][c->lock]);
        break;
    case OP_VP_CREATE:
    case OP_FAIL_CREATE:
        c->created = (PSPIN_LOCK)&foreign; /* must stay untouched on failure */
        c->ret =
            (int)VideoPortCreateSpinLock(&devext[c->lock - NKE], c->null_out ? NULL : &c->created);
        break;
    case OP_VP_DELETE:
        c->ret = (int)VideoPortDeleteSpinLock(&devext[0], c->handle);
        break;
    case OP_VP_ACQ:
        VideoPortAcquireSpinLock(&devext[0], c->handle, &uo);
        c->ret = uo;
        break;
    case OP_VP_REL:
        VideoPortReleaseSpinLock(&devext[0], c->handle, c->irql);
        break;
    case OP_VP_ACQ_DPC:
        VideoPortAcquireSpinLockAtDpcLevel(&devext[0], c->handle);
        break;
    case OP_VP_REL_DPC:
        VideoPortReleaseSpinLockFromDpcLevel(&devext[0], c->handle);
        break;
    case OP_DEV_MAP: {
        PHYSICAL_ADDRESS pa = {.QuadPart = (c->io ? DEV_PORT_START : DEV_MEM_START) + c->offset};
        c->mapped =
            VideoPortGetDeviceBase(dev.ext, pa, c->length, c->io ? VIDEO_MEMORY_SPACE_IO : 0);
        break;
    }
    case OP_DEV_FREE:
        if (c->unmap)
            c->ret = (int)VideoPortUnmapMemory(c->ext, (PVOID)c->addr, NULL);
        else
            VideoPortFreeDeviceBase(c->ext, (PVOID)c->addr);
        break;
    case OP_DEV_READ:
    case OP_DEV_WRITE:
        exec_device_access(c);
        break;
    default:
        exec_object_call(c);
        break;
    }
    c->irql_after = KeGetCurrentIrql();
    c->vp_irql_after = VideoPortGetCurrentIrql();
}

/* ---- Worker threads ------------------------------------------------------------------- */

struct burst_part;
static void burst_run(struct burst_part *b);

static struct worker {
    pthread_t thread;
    sem_t go, done;
    struct call *call;        /* or */
    struct burst_part *burst; /* or neither: exit */
    int finished;             /* atomic: set when the job is done, before done is posted */
} workers[NTHREADS];

static void sem_wait_intr(sem_t *s)
{
    while (sem_wait(s) != 0 && errno == EINTR)
        ;
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    tids[w - workers] = (int)syscall(SYS_gettid);
    char name[16];
    snprintf(name, sizeof name, "fuzz-%d", (int)(w - workers));
    pthread_setname_np(pthread_self(), name);
    sem_post(&w->done);
    for (;;) {
        sem_wait_intr(&w->go);
        if (w->call != NULL)
            exec_call(w->call);
        else if (w->burst != NULL)
            burst_run(w->burst);
        else
            return NULL;
        __atomic_store_n(&w->finished, 1, __ATOMIC_RELEASE);
        sem_post(&w->done);
    }
}

static void post(int t, struct call *c, struct burst_part *b)
{
    workers[t].call = c;
    workers[t].burst = b;
    __atomic_store_n(&workers[t].finished, 0, __ATOMIC_RELAXED);
    sem_post(&workers[t].go);
}

static void wait_done(int t) { sem_wait_intr(&workers[t].done); }

static void run_on(int t, struct call *c)
{
    if (t == 0) {
        exec_call(c);
        return;
    }
    post(t, c, NULL);
    wait_done(t);
}

static bool started;

static void start_workers(void)
{
    if (started)
        return;
    started = true;
    tids[0] = (int)syscall(SYS_gettid);
    for (int t = 1; t < NTHREADS; t++) {
        sem_init(&workers[t].go, 0, 0);
        sem_init(&workers[t].done, 0, 0);
        if (pthread_create(&workers[t].thread, NULL, worker_main, &workers[t]) != 0)
            fail("pthread_create failed");
        wait_done(t);
    }
    sem_init(&gate, 0, 0);
    vpspin_set_bugcheck_handler(on_report, NULL);
    trace = getenv("FUZZ_TRACE") != NULL && *getenv("FUZZ_TRACE") != '\0';
    dev_start();
}

void fuzz_spinlock_shutdown(void)
{
    if (!started)
        return;
    dev_stop();
    for (int t = 1; t < NTHREADS; t++) {
        post(t, NULL, NULL);
        pthread_join(workers[t].thread, NULL);
        sem_destroy(&workers[t].go);
        sem_destroy(&workers[t].done);
    }
    vpspin_set_bugcheck_handler(NULL, NULL);
    started = false;
}

/* ---- What the model expects of a call ------------------------------------------------ */

/* Parameter1 0x00 (a zero-byte allocation) as an expected rule: 0 means "silent". */
#define RULE_POOL_ZERO 0x80000000u
#define P1_OF(rule)    ((rule) == RULE_POOL_ZERO ? 0u : (rule))

struct expect {
    bool skip;     /* the call must not be made (it would wait forever, or mode 0) */
    uint32_t rule; /* 0: silent; else Parameter1 (RULE_POOL_ZERO for 0x00) */
    ULONG_PTR p2, p3, p4;
    bool p3_word;     /* p3 is a lock word: compare its owner half */
    bool p2_any;      /* p2 is the address of the rule's text: any, but not 0 */
    uint32_t verdict; /* the device's: the rule the call breaks, reported or not (mode 0) */
    int hit;          /* the device's: the slot an access goes through, or -1 */
    const char *api;
};

static const char *const op_api[OP_COUNT] = {
    [OP_RAISE] = "KeRaiseIrql",
    [OP_RAISE_DPC] = "KeRaiseIrqlToDpcLevel",
    [OP_LOWER] = "KeLowerIrql",
    [OP_KE_ACQ] = "KeAcquireSpinLockRaiseToDpc",
    [OP_KE_REL] = "KeReleaseSpinLock",
    [OP_KE_ACQ_DPC] = "KeAcquireSpinLockAtDpcLevel",
    [OP_KE_REL_DPC] = "KeReleaseSpinLockFromDpcLevel",
    [OP_KE_TRY] = "KeTryToAcquireSpinLockAtDpcLevel",
    [OP_KQ_ACQ] = "KeAcquireInStackQueuedSpinLock",
    [OP_KQ_REL] = "KeReleaseInStackQueuedSpinLock",
    [OP_KQ_ACQ_DPC] = "KeAcquireInStackQueuedSpinLockAtDpcLevel",
    [OP_KQ_REL_DPC] = "KeReleaseInStackQueuedSpinLockFromDpcLevel",
    [OP_VP_CREATE] = "VideoPortCreateSpinLock",
    [OP_VP_DELETE] = "VideoPortDeleteSpinLock",
    [OP_VP_ACQ] = "VideoPortAcquireSpinLock",
    [OP_VP_REL] = "VideoPortReleaseSpinLock",
    [OP_VP_ACQ_DPC] = "VideoPortAcquireSpinLockAtDpcLevel",
    [OP_VP_REL_DPC] = "VideoPortReleaseSpinLockFromDpcLevel",
    [OP_FAIL_CREATE] = "VideoPortCreateSpinLock",
};

static bool is_vp(enum op op) { return op >= OP_VP_DELETE && op <= OP_VP_REL_DPC; }

static unsigned kind_of(enum op op)
{
    switch (op) {
    case OP_KE_ACQ_DPC:
    case OP_KE_REL_DPC:
    case OP_KE_TRY:
    case OP_VP_ACQ_DPC:
    case OP_VP_REL_DPC:
        return K_DPC;
    case OP_KQ_ACQ:
    case OP_KQ_REL:
        return K_QUEUED;
    case OP_KQ_ACQ_DPC:
    case OP_KQ_REL_DPC:
        return K_QUEUED_DPC;
    default:
        return K_PLAIN;
    }
}

static bool is_acquire(enum op op)
{
    return op == OP_KE_ACQ || op == OP_KE_ACQ_DPC || op == OP_KQ_ACQ || op == OP_KQ_ACQ_DPC ||
           op == OP_VP_ACQ || op == OP_VP_ACQ_DPC;
}

static struct expect report(uint32_t rule, ULONG_PTR p2, ULONG_PTR p3, ULONG_PTR p4)
{
    return (struct expect){.rule = rule, .p2 = p2, .p3 = p3, .p4 = p4};
}

/* The Ke objects' and pool's verdicts (docs/checked-mode.md, "The services' rules"): the
 * IRQL first, then the object. A DDI rule's Parameter2 is the address of its text. */
static struct expect ddi(uint32_t rule, KIRQL cur, KIRQL max)
{
    struct expect e = report(rule, 0, cur, max);
    e.p2_any = true;
    return e;
}

static const char *object_api(const struct call *c)
{
    static const char *const reset[3] = {"KeResetEvent", "KeClearEvent", "KeReadStateEvent"};
    switch (c->op) {
    case OP_EV_SET:
        return "KeSetEvent";
    case OP_EV_RESET:
        return reset[c->arg % 3];
    case OP_EV_WAIT:
        return "KeWaitForSingleObject";
    case OP_TM_INIT:
        return c->arg & 1 ? "KeInitializeTimerEx" : "KeInitializeTimer";
    case OP_TM_SET:
        return c->arg & 1 ? "KeSetTimerEx" : "KeSetTimer";
    case OP_TM_CANCEL:
        return c->arg & 1 ? "KeReadStateTimer" : "KeCancelTimer";
    case OP_DPC_INSERT:
        return "KeInsertQueueDpc";
    case OP_DPC_FLUSH:
        return "KeFlushQueuedDpcs";
    case OP_POOL_ALLOC:
        return "ExAllocatePoolWithTag";
    default:
        return "ExFreePoolWithTag";
    }
}

static struct expect expect_object_rule(const struct call *c);

static struct expect expect_object(const struct call *c)
{
    struct expect e = expect_object_rule(c);
    e.api = object_api(c);
    return e;
}

static struct expect expect_object_rule(const struct call *c)
{
    KIRQL cur = m.thread[c->t].irql;
    const ULONG_PTR garbage = 0x5A5A5A5Au; /* an object never initialized, as its word reads */
    switch (c->op) {
    case OP_EV_INIT:
    case OP_DPC_INIT:
    case OP_DPC_REMOVE:
        return (struct expect){0};
    case OP_EV_SET: {
        KIRQL max = c->arg & 4 ? APC_LEVEL : DISPATCH_LEVEL;
        if (cur > max)
            return ddi(0x20016, cur, max);
        break;
    }
    case OP_EV_RESET:
        if (cur > DISPATCH_LEVEL)
            return ddi(0x20011, cur, DISPATCH_LEVEL);
        break;
    case OP_EV_WAIT:
        if (cur > DISPATCH_LEVEL)
            return report(0xF003, cur, DISPATCH_LEVEL, (ULONG_PTR)&fev[c->obj]);
        break;
    case OP_TM_INIT:
    case OP_TM_SET:
    case OP_TM_CANCEL:
        if (cur > DISPATCH_LEVEL)
            return ddi(0x20011, cur, DISPATCH_LEVEL);
        if (c->op != OP_TM_INIT && !m.tm[c->obj].init)
            return report(0xF004, (ULONG_PTR)&ftm[c->obj], garbage, 0);
        return (struct expect){0};
    case OP_TM_FIRE:
        return (struct expect){0};
    case OP_DPC_INSERT:
        if (!m.dpc[c->obj].init)
            return report(0xF004, (ULONG_PTR)&fdpc[c->obj], 0x5A, 0);
        return (struct expect){0};
    case OP_DPC_FLUSH:
        return cur > PASSIVE_LEVEL ? report(0xF003, cur, PASSIVE_LEVEL, 0) : (struct expect){0};
    case OP_POOL_ALLOC: {
        bool paged = c->arg == PagedPool;
        if (cur > (paged ? APC_LEVEL : DISPATCH_LEVEL))
            return report(paged ? 0x01 : 0x02, cur, c->arg, c->irql);
        return c->irql == 0 ? report(RULE_POOL_ZERO, cur, c->arg, 0) : (struct expect){0};
    }
    case OP_POOL_FREE: {
        if (c->arg == 3)
            return report(0x10, (ULONG_PTR)c->ptr, 0, 0);
        if (c->arg == 4)
            return report(0x13, 0, (ULONG_PTR)c->ptr, 0);
        bool paged = m.pool[c->obj].type == PagedPool;
        if (cur > (paged ? APC_LEVEL : DISPATCH_LEVEL))
            return report(paged ? 0x11 : 0x12, cur, m.pool[c->obj].type, (ULONG_PTR)c->ptr);
        if (c->arg == 2)
            return report(0xF005, (ULONG_PTR)c->ptr, WRONG_TAG, POOL_TAG(c->obj));
        return (struct expect){0};
    }
    default:
        return (struct expect){0};
    }
    /* The event calls, past their IRQL rule: an event never initialized. */
    if (!m.ev[c->obj].init)
        return report(0xF004, (ULONG_PTR)&fev[c->obj], garbage, 0);
    return (struct expect){0};
}

/* The verdict of the checked mode on c, made now (docs/checked-mode.md). */
static struct expect expect_checked(const struct call *c)
{
    KIRQL cur = m.thread[c->t].irql;
    ULONG_PTR tid = (ULONG_PTR)tids[c->t];
    if (c->op >= OP_EV_INIT)
        return expect_object(c);
    switch (c->op) {
    case OP_RAISE:
    case OP_RAISE_DPC: {
        KIRQL to = c->op == OP_RAISE ? c->irql : DISPATCH_LEVEL;
        return to < cur || to > HIGH_LEVEL ? report(0x30, cur, to, 0) : (struct expect){0};
    }
    case OP_LOWER:
        return c->irql > cur ? report(0x31, cur, c->irql, 0) : (struct expect){0};
    case OP_VP_CREATE:
    case OP_FAIL_CREATE:
        return (struct expect){0};
    default:
        break;
    }
    /* A VideoPort call checks its handle before anything else. */
    if (is_vp(c->op) && c->lock < 0) {
        if (c->op == OP_VP_DELETE && c->handle == NULL)
            return (struct expect){0}; /* just ERROR_INVALID_PARAMETER */
        bool deleted = false;
        for (int s = 0; s < NVP; s++)
            if (c->handle != NULL && c->handle == m.slot[s].handle &&
                m.slot[s].state == SLOT_DELETED)
                deleted = true;
        return report(0x1002, (ULONG_PTR)c->handle, deleted, 0);
    }
    ULONG_PTR lock = (ULONG_PTR)lock_word(c->lock);
    const struct mlock *l = &m.lock[c->lock];
    unsigned kind = kind_of(c->op);
    struct expect e = {0};
    if (c->op == OP_VP_DELETE) {
        if (l->holder >= 0) {
            e = report(0x100B, lock, record_of(c->lock), tid);
            e.p3_word = true;
        }
        return e;
    }
    if (is_acquire(c->op) || c->op == OP_KE_TRY) {
        if (kind & K_DPC) {
            if (cur < DISPATCH_LEVEL)
                return report(0x40, cur, lock, 0);
        } else if (cur > DISPATCH_LEVEL) {
            return report(0x42, cur, lock, 0);
        }
        if (c->op == OP_KE_TRY)
            return e; /* a try of a held lock just fails */
        if (l->holder == c->t) {
            e = report(0x1000, lock, record_of(c->lock), tid);
            e.p3_word = true;
            return e;
        }
        if (l->holder >= 0)
            e.skip = true; /* it would wait for the holder, who waits for us */
        return e;
    }
    /* A release: IRQL, held at all, by the caller, the variant, the IRQL to go back to. */
    if (kind & K_DPC) {
        if (cur < DISPATCH_LEVEL)
            return report(0x41, cur, lock, 0);
    } else if (cur != DISPATCH_LEVEL) {
        return report(0x32, cur, lock, 0);
    }
    if (l->holder < 0)
        e = report(0x1007, lock, 0, tid);
    else if (l->holder != c->t)
        e = report(0x1004, lock, record_of(c->lock), tid);
    else if (l->kind != kind)
        e = report(0x1009, lock, record_of(c->lock), kind);
    else if (!(kind & K_DPC)) {
        KIRQL to = c->op == OP_KQ_REL ? qh[c->t][c->lock].OldIrql : c->irql;
        if (c->op == OP_KQ_REL && c->set_old)
            to = c->irql;
        if (to != l->old)
            return report(0x20015, lock, to, l->old);
    }
    e.p3_word = e.rule != 0;
    return e;
}

/* The register and port functions by [io][write][buffer][size 1, 2, 4]. */
static const char *const dev_api[2][2][2][3] = {
    {{{"VideoPortReadRegisterUchar", "VideoPortReadRegisterUshort", "VideoPortReadRegisterUlong"},
      {"VideoPortReadRegisterBufferUchar", "VideoPortReadRegisterBufferUshort",
       "VideoPortReadRegisterBufferUlong"}},
     {{"VideoPortWriteRegisterUchar", "VideoPortWriteRegisterUshort",
       "VideoPortWriteRegisterUlong"},
      {"VideoPortWriteRegisterBufferUchar", "VideoPortWriteRegisterBufferUshort",
       "VideoPortWriteRegisterBufferUlong"}}},
    {{{"VideoPortReadPortUchar", "VideoPortReadPortUshort", "VideoPortReadPortUlong"},
      {"VideoPortReadPortBufferUchar", "VideoPortReadPortBufferUshort",
       "VideoPortReadPortBufferUlong"}},
     {{"VideoPortWritePortUchar", "VideoPortWritePortUshort", "VideoPortWritePortUlong"},
      {"VideoPortWritePortBufferUchar", "VideoPortWritePortBufferUshort",
       "VideoPortWritePortBufferUlong"}}},
};

static unsigned size_index(unsigned size) { return size == 1 ? 0 : size == 2 ? 1 : 2; }

/* The bytes an access looks up: the Buffer register forms Count elements, else one. */
static size_t dev_bytes(const struct call *c)
{
    return c->count > 1 && !c->io ? (size_t)(c->count - 1) * c->size : c->size;
}

/* The verdict on an access (docs/checked-mode.md, src/adapter/view.c). Memory mappings
 * have addresses of their own with a guard page either side, so an address near slot s's
 * mapping touches s's pages only; port mappings are the ports, so an access touches the
 * slots whose ports it overlaps. */
static struct expect expect_device_access(const struct call *c)
{
    struct expect e = {.hit = -1};
    e.api = dev_api[c->io][c->op == OP_DEV_WRITE][c->count > 0][size_index(c->size)];
    if (c->count == 1)
        return e; /* a Buffer form with Count 0: nothing */
    uintptr_t a = c->addr;
    size_t n = dev_bytes(c);
    ULONG_PTR wr = c->op == OP_DEV_WRITE;
    for (int s = c->io ? 2 : 0; s < (c->io ? 4 : 2); s++) {
        uintptr_t base = m.map[s].base, end = base + m.map[s].length;
        /* Memory: within DEV_NEAR (+ a ULONG) of the mapping is inside its guard pages. */
        bool mine = c->io ? (a < end && a + n > base)
                          : a + n > base - DEV_NEAR - 4 && a < end + DEV_NEAR + 4;
        if (!mine || m.map[s].state == SLOT_NONE)
            continue;
        if (m.map[s].state == SLOT_LIVE && a >= base && a < end && n <= end - a) {
            e.hit = s;
            return e;
        }
        if (m.map[s].state == SLOT_LIVE)
            e = (struct expect){
                .rule = 0xF012, .p2 = a, .p3 = wr, .p4 = base, .api = e.api, .hit = -1};
        else if (e.rule == 0 && !c->io)
            e = (struct expect){
                .rule = 0xF011, .p2 = a, .p3 = wr, .p4 = base, .api = e.api, .hit = -1};
    }
    for (unsigned q = 0; c->io && e.rule == 0 && q < quarantined; q++)
        if (quarantine[q].io && a < quarantine[q].end && a + n > quarantine[q].base)
            e = (struct expect){.rule = 0xF011,
                                .p2 = a,
                                .p3 = wr,
                                .p4 = quarantine[q].base,
                                .api = e.api,
                                .hit = -1};
    if (e.rule == 0)
        e = (struct expect){.rule = 0xF010, .p2 = a, .p3 = wr, .p4 = n, .api = e.api, .hit = -1};
    return e;
}

static struct expect expect_device(const struct call *c)
{
    struct expect e = {.hit = -1};
    KIRQL cur = m.thread[c->t].irql;
    /* A mapping made or freed above PASSIVE_LEVEL, checking on: 0xF003, refused. */
    bool high = m.mode != VPSPIN_VERIFY_OFF && cur > PASSIVE_LEVEL;
    switch (c->op) {
    case OP_DEV_MAP:
        e.api = "VideoPortGetDeviceBase";
        if (high)
            e.rule = 0xF003, e.p2 = cur, e.p3 = PASSIVE_LEVEL, e.p4 = (ULONG_PTR)dev.ext;
        return e;
    case OP_DEV_FREE: {
        e.api = c->unmap ? "VideoPortUnmapMemory" : "VideoPortFreeDeviceBase";
        if (high) {
            e.rule = 0xF003, e.p2 = cur, e.p3 = PASSIVE_LEVEL, e.p4 = (ULONG_PTR)c->ext;
            return e;
        }
        bool freed_before = false;
        for (int s = 0; s < 4 && c->ext == dev.ext; s++) {
            if (m.map[s].base == c->addr && m.map[s].state == SLOT_LIVE) {
                e.hit = s;
                return e;
            }
        }
        for (unsigned q = 0; q < quarantined && c->ext == dev.ext; q++)
            freed_before = freed_before || quarantine[q].base == c->addr;
        e.rule = 0xF013;
        e.p2 = c->addr;
        e.p3 = freed_before;
        e.p4 = (ULONG_PTR)c->ext;
        return e;
    }
    default:
        return expect_device_access(c);
    }
}

static struct expect expect_call(const struct call *c)
{
    if (c->op >= OP_DEV_MAP) {
        /* The device's refusals are made in every mode; reported only when checking. */
        struct expect e = expect_device(c);
        e.verdict = e.rule;
        if (m.mode == VPSPIN_VERIFY_OFF)
            e.rule = 0;
        return e;
    }
    struct expect e = expect_checked(c);
    if (m.mode == VPSPIN_VERIFY_OFF && e.rule != 0) {
        /* Unchecked, only correct calls - and the delete of a bad handle, which the
         * lock arena refuses whatever the mode (src/videoport/spinlock.c). */
        if ((c->op == OP_VP_DELETE && c->lock < 0) || (c->op == OP_POOL_FREE && c->arg >= 3))
            e = (struct expect){0};
        else
            e.skip = true;
    }
    if (c->op < OP_COUNT && op_api[c->op] != NULL)
        e.api = op_api[c->op];
    return e;
}

/* ---- Feedback on what the model saw ---------------------------------------------------- */

/* Code coverage alone does not tell "released to PASSIVE_LEVEL instead of APC_LEVEL" from
 * "released to APC_LEVEL instead of PASSIVE_LEVEL": the same lines run. So the libFuzzer
 * build counts, per call, the model's view of it - operation, verdict, the caller's IRQL,
 * how the lock is held, how the IRQL passed compares - in extra counters that libFuzzer
 * treats as coverage: an input that reaches a new combination is kept. */
enum { F_RULES = 19, F_IRQL = 4, F_HOLD = 5, F_NEW = 4 };
#ifdef VPSPIN_LIBFUZZER
__attribute__((section("__libfuzzer_extra_counters"))) static uint8_t
    features[OP_COUNT][F_RULES][F_IRQL][F_HOLD][F_NEW];
#endif

static void count_feature(const struct call *c, const struct expect *e)
{
#ifdef VPSPIN_LIBFUZZER
    static const uint32_t rules[F_RULES] = {0,      0x30,   0x31,   0x32,   0x40,   0x41,   0x42,
                                            0x1000, 0x1002, 0x1004, 0x1007, 0x1009, 0x100B, 0xF003,
                                            0xF010, 0xF011, 0xF012, 0xF013, 0x20015};
    int r = 0;
    uint32_t rule = e->rule != 0 ? e->rule : e->verdict; /* (the device's refusals, mode 0) */
    while (r < F_RULES - 1 && rules[r] != rule)
        r++;
    KIRQL cur = m.thread[c->t].irql;
    int irql = cur < DISPATCH_LEVEL ? cur : cur == DISPATCH_LEVEL ? 2 : 3;
    int hold = 0; /* free or no lock */
    int cmp = 0;  /* the IRQL passed: none, the right one, PASSIVE_LEVEL, another */
    if (c->lock >= 0 && c->lock < NLOCKS && m.lock[c->lock].holder >= 0) {
        const struct mlock *l = &m.lock[c->lock];
        hold = l->holder != c->t ? 1 : l->kind == kind_of(c->op) ? 2 : l->kind & K_DPC ? 3 : 4;
        if (c->op == OP_KE_REL || c->op == OP_KQ_REL || c->op == OP_VP_REL)
            cmp = c->irql == l->old ? 1 : c->irql == 0 ? 2 : 3;
    }
    if (c->op == OP_RAISE || c->op == OP_LOWER)
        cmp = c->irql == cur ? 1 : c->irql > HIGH_LEVEL ? 2 : 3;
    uint8_t *f = &features[c->op][r][irql][hold][cmp];
    if (*f < 255)
        (*f)++;
#else
    (void)c;
    (void)e;
#endif
}

/* ---- Checking a call and moving the model on -------------------------------------------- */

static void check_no_report(unsigned before)
{
    unsigned now = __atomic_load_n(&seen.n, __ATOMIC_ACQUIRE);
    REQUIRE(now == before, "unexpected report 0x%lX from %s (P2 0x%lX P3 0x%lX P4 0x%lX)",
            (unsigned long)seen.p[0], seen.api, (unsigned long)seen.p[1], (unsigned long)seen.p[2],
            (unsigned long)seen.p[3]);
}

/* The state vpspin shows must be the model's, after every operation. */
static void check_state(void)
{
    for (int id = 0; id < NLOCKS; id++) {
        if (id >= NKE && m.slot[id - NKE].state != SLOT_LIVE) {
            vpspin_spin_lock_info info;
            if (m.slot[id - NKE].handle != NULL)
                REQUIRE(vpspin_query_spin_lock(m.slot[id - NKE].handle, &info) ==
                            ERROR_INVALID_PARAMETER,
                        "a deleted lock answers vpspin_query_spin_lock");
            continue;
        }
        PKSPIN_LOCK w = lock_word(id);
        uint32_t owner = owner_half(w);
        REQUIRE(owner == record_of(id), "lock %d: owner half 0x%X, model 0x%X", id, owner,
                record_of(id));
        if (m.lock[id].holder < 0)
            REQUIRE(__atomic_load_n(w, __ATOMIC_RELAXED) == 0,
                    "lock %d is free with nobody waiting, but its word is 0x%llX", id,
                    (unsigned long long)__atomic_load_n(w, __ATOMIC_RELAXED));
        if (id < NKE)
            REQUIRE(KeTestSpinLock(w) == (m.lock[id].holder < 0), "KeTestSpinLock of lock %d", id);
        else {
            vpspin_spin_lock_info info;
            REQUIRE(vpspin_query_spin_lock(m.slot[id - NKE].handle, &info) == NO_ERROR,
                    "vpspin_query_spin_lock of live lock %d", id);
            REQUIRE(info.Acquisitions == m.lock[id].acq, "lock %d: %lu acquisitions, model %lu", id,
                    (unsigned long)info.Acquisitions, (unsigned long)m.lock[id].acq);
            REQUIRE(info.HwDeviceExtension == &devext[id - NKE], "lock %d: HwDeviceExtension", id);
        }
    }
    REQUIRE(foreign.word == 0x5A5A5A5A5A5A5A5Aull && strcmp(foreign.rest, "not a lock") == 0,
            "memory that is not a lock was written");
    for (int o = 0; o < NEV; o++)
        REQUIRE(!m.ev[o].init || (fev[o].Header.SignalState != 0) == m.ev[o].state,
                "event %d: SignalState %ld, model %d", o, (long)fev[o].Header.SignalState,
                m.ev[o].state);
    for (int o = 0; o < NTM; o++)
        REQUIRE(!m.tm[o].init || ((ftm[o].Header.Inserted != 0) == m.tm[o].set &&
                                  (ftm[o].Header.SignalState != 0) == m.tm[o].signaled),
                "timer %d: inserted %d signaled %ld, model %d %d", o, ftm[o].Header.Inserted,
                (long)ftm[o].Header.SignalState, m.tm[o].set, m.tm[o].signaled);
    for (int o = 0; o < NDPC; o++) {
        REQUIRE(!m.dpc[o].init || (fdpc[o].DpcData != NULL) == m.dpc[o].queued,
                "DPC %d: queued %d, model %d", o, fdpc[o].DpcData != NULL, m.dpc[o].queued);
        REQUIRE(__atomic_load_n(&dpc_ran[o], __ATOMIC_ACQUIRE) == m.dpc[o].runs,
                "DPC %d ran %ld times, model %ld", o, dpc_ran[o], m.dpc[o].runs);
    }
    REQUIRE(dev.mem == NULL || (memcmp(dev.mem, m.mem, sizeof m.mem) == 0 &&
                                memcmp(dev.ports, m.ports, sizeof m.ports) == 0),
            "the device's bytes are not the model's");
    REQUIRE(__atomic_load_n(&dev.hooks, __ATOMIC_RELAXED) == m.hooks,
            "the port hooks were called %lu times, the model says %lu",
            __atomic_load_n(&dev.hooks, __ATOMIC_RELAXED), m.hooks);
}

/* An object call's effect: its return value, then the model moved on (a refused call,
 * ok false, has none). */
static void check_object_call(const struct call *c, bool ok)
{
    int o = c->obj;
    switch (c->op) {
    case OP_EV_INIT:
        m.ev[o] =
            (__typeof__(m.ev[o])){.init = true, .sync = c->arg & 1, .state = (c->arg & 2) != 0};
        break;
    case OP_EV_SET:
        REQUIRE(c->ret == (ok ? m.ev[o].state : 0), "KeSetEvent returned %d", c->ret);
        if (ok)
            m.ev[o].state = true;
        break;
    case OP_EV_RESET:
        if (c->arg % 3 != 1)
            REQUIRE(c->ret == (ok ? m.ev[o].state : 0), "KeResetEvent/ReadStateEvent returned %d",
                    c->ret);
        if (ok && c->arg % 3 != 2)
            m.ev[o].state = false;
        break;
    case OP_EV_WAIT:
        if (!ok) {
            REQUIRE(c->ret == STATUS_INVALID_PARAMETER, "a refused wait returned 0x%X", c->ret);
        } else {
            REQUIRE(c->ret == (m.ev[o].state ? STATUS_SUCCESS : STATUS_TIMEOUT),
                    "a poll returned 0x%X", c->ret);
            if (m.ev[o].sync)
                m.ev[o].state = false;
        }
        break;
    case OP_TM_INIT:
        if (ok)
            m.tm[o] = (__typeof__(m.tm[o])){.init = true, .sync = c->arg & 1};
        break;
    case OP_TM_SET:
        REQUIRE(c->ret == (ok && m.tm[o].set), "KeSetTimer returned %d", c->ret);
        if (ok)
            m.tm[o].set = true, m.tm[o].signaled = false;
        break;
    case OP_TM_CANCEL:
        REQUIRE(c->ret == (ok && (c->arg & 1 ? m.tm[o].signaled : m.tm[o].set)),
                "KeCancelTimer/ReadStateTimer returned %d", c->ret);
        if (ok && !(c->arg & 1))
            m.tm[o].set = false;
        break;
    case OP_TM_FIRE:
        REQUIRE(c->ret == m.tm[o].set, "KeSetTimer (to fire) returned %d", c->ret);
        REQUIRE(c->waited == STATUS_SUCCESS, "the wait for a timer returned 0x%X", c->waited);
        m.tm[o].set = false;
        m.tm[o].signaled = !m.tm[o].sync;
        break;
    case OP_DPC_INIT:
        m.dpc[o].init = true;
        break;
    case OP_DPC_INSERT:
        REQUIRE(c->ret == (ok && !m.dpc[o].queued), "KeInsertQueueDpc returned %d", c->ret);
        if (ok && !m.dpc[o].queued) {
            if (m.gate_closed) {
                m.dpc[o].queued = true;
            } else { /* it runs: wait for it here, so that the model knows it has */
                KeFlushQueuedDpcs();
                m.dpc[o].runs++;
            }
        }
        break;
    case OP_DPC_REMOVE:
        REQUIRE(c->ret == m.dpc[o].queued, "KeRemoveQueueDpc returned %d", c->ret);
        m.dpc[o].queued = false;
        break;
    case OP_POOL_ALLOC:
        if (ok) {
            REQUIRE(c->ptr != NULL && ((uintptr_t)c->ptr & 15) == 0, "pool: %p", c->ptr);
            m.pool[o].p = c->ptr;
            m.pool[o].type = (POOL_TYPE)c->arg;
        } else {
            REQUIRE(c->ptr == NULL, "a refused allocation returned %p", c->ptr);
        }
        break;
    case OP_POOL_FREE:
        if (ok && c->arg < 3) {
            m.pool[o].stale = m.pool[o].p;
            m.pool[o].p = NULL;
        }
        break;
    default:
        break;
    }
}

/* A device access's effect: a read returns the model's bytes (all ones if refused), a write
 * stores them (nothing if refused), and the port hooks were called once per element. */
static void check_device_access(const struct call *c, const struct expect *e)
{
    bool wr = c->op == OP_DEV_WRITE;
    unsigned elements = c->count == 0 ? 1 : c->count - 1;
    ULONG mask = c->size == 4 ? 0xFFFFFFFFu : (1u << (8 * c->size)) - 1u;
    for (unsigned i = 0; i < elements; i++) {
        if (e->verdict != 0 || e->hit < 0) {
            REQUIRE(wr || c->values[i] == mask, "refused read %u gave 0x%lX, not all ones", i,
                    (unsigned long)c->values[i]);
            continue;
        }
        uint8_t *bytes = c->io ? m.ports : m.mem;
        ULONG off = c->io ? (ULONG)(c->addr - DEV_PORT_START)
                          : m.map[e->hit].offset + (ULONG)(c->addr - m.map[e->hit].base);
        if (!c->io)
            off += i * c->size;
        if (wr) {
            ULONG v = c->values[i] & mask;
            memcpy(&bytes[off], &v, c->size);
        } else {
            ULONG v = 0;
            memcpy(&v, &bytes[off], c->size);
            REQUIRE(c->values[i] == v, "read %u at 0x%lX gave 0x%lX, the device holds 0x%lX", i,
                    (unsigned long)c->addr, (unsigned long)c->values[i], (unsigned long)v);
        }
        if (c->io)
            m.hooks++;
    }
}

/* Checks c's outcome against e, then applies c's effect to the model. */
static void check_call(struct call *c, const struct expect *e, unsigned before)
{
    KIRQL cur = m.thread[c->t].irql;
    unsigned now = __atomic_load_n(&seen.n, __ATOMIC_ACQUIRE);
    if (e->rule == 0) {
        check_no_report(before);
    } else {
        REQUIRE(now == before + 1, "expected report 0x%X from %s, got %u reports", e->rule, e->api,
                now - before);
        REQUIRE(seen.code == 0xC4 && seen.p[0] == P1_OF(e->rule),
                "expected 0xC4/0x%X, got 0x%lX/0x%lX from %s", e->rule, (unsigned long)seen.code,
                (unsigned long)seen.p[0], seen.api);
        REQUIRE(strcmp(seen.api, e->api) == 0, "0x%X named %s, expected %s", e->rule, seen.api,
                e->api);
        REQUIRE(e->p2_any ? seen.p[1] != 0 : seen.p[1] == e->p2, "0x%X: P2 0x%lX, expected 0x%lX",
                e->rule, (unsigned long)seen.p[1], (unsigned long)e->p2);
        ULONG_PTR p3 = e->p3_word ? (seen.p[2] & 0xFFFFFFFFu) : seen.p[2];
        REQUIRE(p3 == e->p3, "0x%X: P3 0x%lX, expected 0x%lX", e->rule, (unsigned long)seen.p[2],
                (unsigned long)e->p3);
        REQUIRE(seen.p[3] == e->p4, "0x%X: P4 0x%lX, expected 0x%lX", e->rule,
                (unsigned long)seen.p[3], (unsigned long)e->p4);
        REQUIRE(seen.text_ok, "the report's text: not its STOP line first, or a wrong Lock: line");
        REQUIRE(vpspin_bugcheck_count() >= now, "vpspin_bugcheck_count went back");
    }
    bool ok = e->rule == 0;
    KIRQL after = cur;
    struct mlock *l = c->lock >= 0 ? &m.lock[c->lock] : NULL;
    switch (c->op) {
    case OP_RAISE:
    case OP_RAISE_DPC:
        REQUIRE(c->ret == cur, "raise returned %d as old, expected %d", c->ret, cur);
        if (ok)
            after = c->op == OP_RAISE ? c->irql : DISPATCH_LEVEL;
        break;
    case OP_LOWER:
        if (ok)
            after = c->irql;
        break;
    case OP_KE_ACQ:
    case OP_KQ_ACQ:
    case OP_VP_ACQ:
        /* A refused acquire, too, gives the current IRQL as the old one. */
        REQUIRE(c->ret == cur, "acquire returned %d as old, expected %d", c->ret, cur);
        if (c->op == OP_KQ_ACQ)
            REQUIRE(qh[c->t][c->lock].LockQueue.Lock == &ke[c->lock],
                    "the queue handle does not name its lock");
        /* fall through */
    case OP_KE_ACQ_DPC:
    case OP_KQ_ACQ_DPC:
    case OP_VP_ACQ_DPC:
        if (ok) {
            l->holder = c->t;
            l->kind = kind_of(c->op);
            l->old = (l->kind & K_DPC) ? 0 : cur;
            if (!(l->kind & K_DPC)) {
                m.thread[c->t].saved[c->lock] = cur;
                after = DISPATCH_LEVEL;
            }
            if (c->lock >= NKE)
                l->acq++;
        }
        break;
    case OP_KE_TRY:
        if (ok && l->holder < 0) {
            REQUIRE(c->ret == TRUE, "a try of a free lock failed");
            l->holder = c->t;
            l->kind = K_DPC;
            l->old = 0;
        } else {
            REQUIRE(c->ret == FALSE, "a try of a held lock (or a refused try) succeeded");
        }
        break;
    case OP_KE_REL:
    case OP_KQ_REL:
    case OP_VP_REL:
    case OP_KE_REL_DPC:
    case OP_KQ_REL_DPC:
    case OP_VP_REL_DPC:
        if (ok) {
            if (!(l->kind & K_DPC))
                after = l->old;
            l->holder = -1;
        }
        break;
    case OP_VP_CREATE:
    case OP_FAIL_CREATE: {
        int s = c->lock - NKE;
        if (c->null_out) {
            REQUIRE(c->ret == ERROR_INVALID_PARAMETER, "create with a NULL out: %d", c->ret);
        } else if (c->op == OP_FAIL_CREATE) {
            REQUIRE(c->ret == ERROR_NOT_ENOUGH_MEMORY, "create made to fail returned %d", c->ret);
            REQUIRE(c->created == (PSPIN_LOCK)&foreign, "a failed create wrote *SpinLock");
        } else {
            REQUIRE(c->ret == NO_ERROR && c->created != NULL, "create returned %d", c->ret);
            vpspin_spin_lock_info info;
            REQUIRE(vpspin_query_spin_lock(c->created, &info) == NO_ERROR &&
                        info.Acquisitions == 0 && info.Contentions == 0 &&
                        info.Serial > m.last_serial,
                    "a new lock's info");
            m.last_serial = info.Serial;
            m.slot[s].handle = c->created;
            m.slot[s].state = SLOT_LIVE;
            m.lock[c->lock] = (struct mlock){.holder = -1};
            m.creates++;
        }
        break;
    }
    case OP_DEV_MAP: {
        ULONG range = c->io ? DEV_PORT_LEN : DEV_MEM_LEN;
        bool fits = c->length != 0 && c->offset <= range && c->length <= range - c->offset &&
                    e->verdict == 0;
        REQUIRE((c->mapped != NULL) == fits, "GetDeviceBase of 0x%lX bytes at 0x%lX gave %p",
                (unsigned long)c->length, (unsigned long)c->offset, c->mapped);
        REQUIRE(!fits || !c->io || (uintptr_t)c->mapped == DEV_PORT_START + c->offset,
                "a port mapping is not the port number: %p", c->mapped);
        if (fits) {
            m.map[c->slot].base = (uintptr_t)c->mapped;
            m.map[c->slot].offset = c->offset;
            m.map[c->slot].length = c->length;
            m.map[c->slot].state = SLOT_LIVE;
            m.map[c->slot].io = c->io;
        }
        break;
    }
    case OP_DEV_FREE:
        if (e->hit >= 0) {
            m.map[e->hit].state = SLOT_DELETED;
            m.frees++;
            quarantine_add(m.map[e->hit].io, m.map[e->hit].base, m.map[e->hit].length);
        }
        REQUIRE(!c->unmap || c->ret == (e->hit >= 0 ? NO_ERROR : ERROR_INVALID_PARAMETER),
                "VideoPortUnmapMemory returned %d", c->ret);
        break;
    case OP_DEV_READ:
    case OP_DEV_WRITE:
        check_device_access(c, e);
        break;
    case OP_VP_DELETE:
        if (ok && c->lock >= 0) {
            REQUIRE(c->ret == NO_ERROR, "delete of a free live lock returned %d", c->ret);
            m.slot[c->lock - NKE].state = SLOT_DELETED;
        } else {
            REQUIRE(c->ret == ERROR_INVALID_PARAMETER, "a refused delete returned %d", c->ret);
        }
        break;
    default:
        check_object_call(c, ok);
        break;
    }
    REQUIRE(c->irql_after == after, "IRQL after the call %d, model %d", c->irql_after, after);
    REQUIRE(c->vp_irql_after == after, "VideoPortGetCurrentIrql %d, model %d", c->vp_irql_after,
            after);
    m.thread[c->t].irql = after;
}

static const char *const op_name[OP_COUNT] = {
    "raise",      "raise-dpc",  "lower",       "ke-acq",    "ke-rel",     "ke-acq-dpc",
    "ke-rel-dpc", "ke-try",     "kq-acq",      "kq-rel",    "kq-acq-dpc", "kq-rel-dpc",
    "vp-create",  "vp-delete",  "vp-acq",      "vp-rel",    "vp-acq-dpc", "vp-rel-dpc",
    "handover",   "burst",      "fail-create", "set-mode",  "ev-init",    "ev-set",
    "ev-reset",   "ev-wait",    "tm-init",     "tm-set",    "tm-cancel",  "tm-fire",
    "dpc-init",   "dpc-insert", "dpc-remove",  "dpc-flush", "dpc-gate",   "pool-alloc",
    "pool-free",  "dev-map",    "dev-free",    "dev-read",  "dev-write",
};

static void describe(const struct call *c)
{
    if (c->op >= OP_DEV_MAP) {
        snprintf(op_text, sizeof op_text,
                 "%s on thread %d, slot %d, %s 0x%lX, size %u, count %d, offset 0x%lX, length "
                 "0x%lX%s",
                 op_name[c->op], c->t, c->slot, c->io ? "port" : "address", (unsigned long)c->addr,
                 c->size, (int)c->count - 1, (unsigned long)c->offset, (unsigned long)c->length,
                 c->unmap ? " (UnmapMemory)" : "");
        if (trace)
            dprintf(msg_fd, "op %u: %s\n", op_index, op_text);
        return;
    }
    snprintf(op_text, sizeof op_text,
             "%s on thread %d at IRQL %d, lock %d, handle %p, irql %d%s, object %d, variant %u",
             op_name[c->op], c->t, m.thread[c->t].irql, c->lock, (void *)c->handle, c->irql,
             c->set_old ? " (set in handle)" : "", c->obj, c->arg);
    if (trace)
        dprintf(msg_fd, "op %u: %s\n", op_index, op_text);
}

/* Makes c on its thread if the model allows it, checks it, moves the model on. */
static bool do_call(struct call *c)
{
    describe(c);
    struct expect e = expect_call(c);
    count_feature(c, &e);
    if (e.skip)
        return false;
    unsigned before = __atomic_load_n(&seen.n, __ATOMIC_ACQUIRE);
    if (c->op == OP_FAIL_CREATE)
        vpspin_fail_allocations(0, 1);
    run_on(c->t, c);
    if (c->op == OP_FAIL_CREATE)
        vpspin_fail_allocations(0, 0);
    check_call(c, &e, before);
    check_state();
    return true;
}

/* ---- Handover: B waits for a lock A holds, then A lets it go --------------------------- */

static enum op release_for(unsigned kind, bool vp)
{
    if (vp)
        return kind & K_DPC ? OP_VP_REL_DPC : OP_VP_REL;
    switch (kind) {
    case K_DPC:
        return OP_KE_REL_DPC;
    case K_QUEUED:
        return OP_KQ_REL;
    case K_QUEUED_DPC:
        return OP_KQ_REL_DPC;
    default:
        return OP_KE_REL;
    }
}

/* The correct release of lock id by its holder. */
static struct call release_call(int id)
{
    const struct mlock *l = &m.lock[id];
    struct call c = {
        .op = release_for(l->kind, id >= NKE), .t = l->holder, .lock = id, .irql = l->old};
    if (id >= NKE)
        c.handle = m.slot[id - NKE].handle;
    return c;
}

static void handover(int id, int b_pick, unsigned variant, unsigned wait_mode)
{
    if (id >= NKE && m.slot[id - NKE].state != SLOT_LIVE)
        return;
    int a = m.lock[id].holder;
    if (a < 0)
        return;
    int b = 1 + b_pick % (NTHREADS - 1); /* a worker: thread 0 drives the handover */
    if (b == a)
        b = 1 + (b % (NTHREADS - 1));
    static const enum op ke_acq[4] = {OP_KE_ACQ, OP_KE_ACQ_DPC, OP_KQ_ACQ, OP_KQ_ACQ_DPC};
    struct call acq = {.op = id < NKE ? ke_acq[variant % 4]
                                      : (variant % 2 ? OP_VP_ACQ_DPC : OP_VP_ACQ),
                       .t = b,
                       .lock = id,
                       .variant = variant & 4};
    if (id >= NKE)
        acq.handle = m.slot[id - NKE].handle;
    struct call rel = release_call(id);
    /* Both calls must be correct: only then does B wait and A let go. */
    struct expect ea = expect_call(&acq), er = expect_call(&rel);
    if (ea.rule != 0 || er.rule != 0)
        return;
    describe(&acq);
    snprintf(op_text + strlen(op_text), sizeof op_text - strlen(op_text), " [handover from %d]", a);
    unsigned before = __atomic_load_n(&seen.n, __ATOMIC_ACQUIRE);
    post(b, &acq, NULL);
    /* Wait until B spins on the lock (a waiter flag) or sleeps on it (PARKED), if asked;
     * B cannot be done: A holds the lock. */
    PKSPIN_LOCK w = lock_word(id);
    for (;;) {
        REQUIRE(!__atomic_load_n(&workers[b].finished, __ATOMIC_ACQUIRE),
                "thread %d acquired lock %d while thread %d held it", b, id, a);
        uint32_t h = waiter_half(w);
        if (wait_mode % 3 == 0 || (wait_mode % 3 == 1 && h != 0) ||
            (wait_mode % 3 == 2 && (h & WAITER_PARKED)))
            break;
        sched_yield();
    }
    /* If asked, A first breaks a rule on the lock B waits for (acquiring it again): the
     * report must be right with a waiter in the word. */
    if (wait_mode & 4) {
        struct call again = {.op = id < NKE ? OP_KE_ACQ_DPC : OP_VP_ACQ_DPC,
                             .t = a,
                             .lock = id,
                             .handle = acq.handle};
        if (do_call(&again))
            before = __atomic_load_n(&seen.n, __ATOMIC_ACQUIRE);
        REQUIRE(!__atomic_load_n(&workers[b].finished, __ATOMIC_ACQUIRE),
                "thread %d acquired lock %d while thread %d held it", b, id, a);
    }
    /* A's release, checked as any call (B cannot have finished: see above). */
    struct call relc = rel;
    describe(&relc);
    check_no_report(before);
    run_on(a, &relc);
    check_call(&relc, &er, before);
    wait_done(b);
    describe(&acq);
    check_call(&acq, &ea, before);
    check_state();
}

/* ---- Burst: threads contend for a set of free locks ------------------------------------ */

struct burst_part {
    int t, iterations, n;
    int ids[NLOCKS];     /* ascending: one global order */
    bool raise[NLOCKS];  /* a raising acquire (else the AtDpcLevel one) */
    bool queued[NLOCKS]; /* Ke locks: the in-stack queued form */
    PSPIN_LOCK handles[NLOCKS];
    int errors;
    KIRQL start;
};

static void burst_run(struct burst_part *b)
{
    KIRQL old[NLOCKS];
    KLOCK_QUEUE_HANDLE h[NLOCKS];
    for (int it = 0; it < b->iterations; it++) {
        for (int j = 0; j < b->n; j++) {
            int id = b->ids[j];
            if (id >= NKE) {
                if (b->raise[j])
                    VideoPortAcquireSpinLock(&devext[0], b->handles[j], &old[j]);
                else
                    VideoPortAcquireSpinLockAtDpcLevel(&devext[0], b->handles[j]);
            } else if (b->queued[j]) {
                if (b->raise[j])
                    KeAcquireInStackQueuedSpinLock(&ke[id], &h[j]);
                else
                    KeAcquireInStackQueuedSpinLockAtDpcLevel(&ke[id], &h[j]);
            } else if (b->raise[j]) {
                KeAcquireSpinLock(&ke[id], &old[j]);
            } else {
                KeAcquireSpinLockAtDpcLevel(&ke[id]);
            }
            /* Plain read-modify-write: exact only if the lock excludes. */
            m.lock[id].counter = m.lock[id].counter + 1;
            if (KeGetCurrentIrql() < DISPATCH_LEVEL)
                b->errors++;
        }
        for (int j = b->n - 1; j >= 0; j--) {
            int id = b->ids[j];
            if (id >= NKE) {
                if (b->raise[j])
                    VideoPortReleaseSpinLock(&devext[0], b->handles[j], old[j]);
                else
                    VideoPortReleaseSpinLockFromDpcLevel(&devext[0], b->handles[j]);
            } else if (b->queued[j]) {
                if (b->raise[j])
                    KeReleaseInStackQueuedSpinLock(&h[j]);
                else
                    KeReleaseInStackQueuedSpinLockFromDpcLevel(&h[j]);
            } else if (b->raise[j]) {
                KeReleaseSpinLock(&ke[id], old[j]);
            } else {
                KeReleaseSpinLockFromDpcLevel(&ke[id]);
            }
        }
        if (KeGetCurrentIrql() != b->start)
            b->errors++;
    }
}

static void burst(unsigned mask, unsigned iterations, unsigned lockmask,
                  const uint8_t var[NTHREADS])
{
    int ids[NLOCKS], n = 0;
    for (int id = 0; id < NLOCKS; id++)
        if ((lockmask >> id) & 1 && m.lock[id].holder < 0 &&
            (id < NKE || m.slot[id - NKE].state == SLOT_LIVE))
            ids[n++] = id;
    if (n == 0 || (mask & ((1u << NTHREADS) - 1)) == 0)
        return;
    struct burst_part parts[NTHREADS];
    int np = 0;
    for (int t = 0; t < NTHREADS; t++) {
        if (!((mask >> t) & 1))
            continue;
        struct burst_part *b = &parts[t];
        *b = (struct burst_part){
            .t = t, .iterations = (int)iterations, .n = n, .start = m.thread[t].irql};
        KIRQL cur = b->start;
        for (int j = 0; j < n; j++) {
            b->ids[j] = ids[j];
            bool want_raise = (var[t] >> j) & 1;
            /* Raising acquires from <= DISPATCH_LEVEL, AtDpcLevel ones from >= it. */
            b->raise[j] = cur < DISPATCH_LEVEL || (cur == DISPATCH_LEVEL && want_raise);
            b->queued[j] = ids[j] < NKE && ((var[t] >> (j + 3)) & 1);
            if (ids[j] >= NKE)
                b->handles[j] = m.slot[ids[j] - NKE].handle;
            if (b->raise[j])
                cur = DISPATCH_LEVEL;
        }
        np++;
    }
    snprintf(op_text, sizeof op_text, "burst: threads 0x%X, %u iterations, %d locks (0x%X)",
             mask & 0xF, iterations, n, lockmask);
    if (trace)
        dprintf(msg_fd, "op %u: %s\n", op_index, op_text);
    unsigned long counters[NLOCKS];
    for (int id = 0; id < NLOCKS; id++)
        counters[id] = m.lock[id].counter;
    unsigned before = __atomic_load_n(&seen.n, __ATOMIC_ACQUIRE);
    for (int t = 1; t < NTHREADS; t++)
        if ((mask >> t) & 1)
            post(t, NULL, &parts[t]);
    if (mask & 1)
        burst_run(&parts[0]);
    for (int t = 1; t < NTHREADS; t++)
        if ((mask >> t) & 1)
            wait_done(t);
    check_no_report(before);
    for (int t = 0; t < NTHREADS; t++)
        if ((mask >> t) & 1)
            REQUIRE(parts[t].errors == 0, "thread %d: wrong IRQL in or after the burst", t);
    for (int j = 0; j < n; j++) {
        int id = ids[j];
        unsigned long total = (unsigned long)np * iterations;
        REQUIRE(m.lock[id].counter - counters[id] == total,
                "lock %d: %lu increments under the lock, expected %lu", id,
                m.lock[id].counter - counters[id], total);
        if (id >= NKE)
            m.lock[id].acq += total;
    }
    check_state();
}

/* ---- One input -------------------------------------------------------------------------- */

struct input {
    const uint8_t *p;
    size_t n, i;
};

static unsigned next(struct input *in) { return in->i < in->n ? in->p[in->i++] : 0; }

/* A VideoPort handle, as the input picks it, and the lock id it names (-1: none). */
static PSPIN_LOCK pick_handle(unsigned b, int *id)
{
    *id = -1;
    switch (b % 7) {
    case 0:
    case 1:
    case 2: {
        int s = (int)(b % 7);
        if (m.slot[s].state == SLOT_LIVE)
            *id = NKE + s;
        return m.slot[s].handle; /* NULL if never created, stale if deleted */
    }
    case 3:
        return NULL;
    case 4:
        return WILD;
    case 5:
        return (PSPIN_LOCK)&foreign;
    default: /* inside a lock object: not a handle */
        return m.slot[0].handle != NULL ? (PSPIN_LOCK)((char *)m.slot[0].handle + 8)
                                        : (PSPIN_LOCK)((char *)&foreign + 8);
    }
}

/* The IRQL a raising release passes: the right one (below 160), or (b - 160) % 16. */
static KIRQL pick_new_irql(unsigned b, int t, int id)
{
    return b < 160 ? m.thread[t].saved[id] : (KIRQL)((b - 160) % 16);
}

/* Closes the gate (a DPC that holds the DPC thread), or opens it and lets every DPC queued
 * behind it run (a flush from thread 0, which must then be at PASSIVE_LEVEL). */
static void gate_toggle(void)
{
    if (!m.gate_closed) {
        KeInitializeDpc(&gate_dpc, gate_routine, NULL);
        REQUIRE(KeInsertQueueDpc(&gate_dpc, NULL, NULL), "the gate DPC was not queued");
        m.gate_closed = true;
        return;
    }
    if (m.thread[0].irql != PASSIVE_LEVEL)
        return;
    unsigned before = __atomic_load_n(&seen.n, __ATOMIC_ACQUIRE);
    sem_post(&gate);
    KeFlushQueuedDpcs();
    check_no_report(before);
    m.gate_closed = false;
    for (int o = 0; o < NDPC; o++)
        if (m.dpc[o].queued)
            m.dpc[o].queued = false, m.dpc[o].runs++;
    check_state();
}

/* The device call the input asks for (false: none to make). */
static bool pick_device_call(struct call *c, unsigned b, struct input *in)
{
    c->slot = (int)(b % 4);
    c->io = c->slot >= 2;
    unsigned how = next(in);
    uintptr_t fixed = DEV_PORT_START + (c->slot == 2 ? 0 : 2 * DEV_HALF);
    uintptr_t base = m.map[c->slot].state != SLOT_NONE ? m.map[c->slot].base
                     : c->io                           ? fixed
                                                       : (uintptr_t)&foreign;
    switch (c->op) {
    case OP_DEV_MAP:
        if (m.map[c->slot].state == SLOT_LIVE)
            return false; /* one live mapping a slot */
        if (c->io) {
            c->offset = (ULONG)(fixed - DEV_PORT_START);
            c->length = DEV_HALF;
        } else {
            c->offset = next(in) % (DEV_MEM_LEN - 8);
            c->length = 1 + next(in) % (DEV_MEM_LEN - c->offset);
        }
        if (how & 1) /* past the end of the range: no mapping */
            c->length = (c->io ? DEV_PORT_LEN : DEV_MEM_LEN) - c->offset + 1 + how % 8;
        return true;
    case OP_DEV_FREE:
        c->unmap = how & 1;
        c->ext = how & 2 ? (PVOID)&devext[1] : dev.ext; /* not a device's */
        c->addr = base + ((how & 4) ? 1 : 0);           /* inside, not the base */
        if (m.map[c->slot].state == SLOT_LIVE && c->ext == dev.ext && !(how & 4) &&
            m.frees >= MAX_FREES)
            return false; /* it would free: keep the input's frees in quarantine */
        return true;
    default: {
        c->size = 1u << (how % 3);
        c->count = (how >> 2) % 3 == 0 ? (how >> 4) % 5 : 0; /* 0 one; 1..4 Count 0..3 */
        unsigned where = next(in);
        ULONG length = m.map[c->slot].state != SLOT_NONE ? m.map[c->slot].length : DEV_HALF;
        long near = c->io ? 4 : DEV_NEAR;
        if (where < 200) /* inside, or up to near before or after */
            c->addr = base + (uintptr_t)((long)(where % (length + 2 * near)) - near);
        else if (where < 230) /* the other space: a mapping's address through the wrong forms */
            c->addr = c->io ? m.map[where % 2].base : fixed;
        else
            c->addr = c->io ? 0x80 : (uintptr_t)&foreign + 64;
        for (int i = 0; i < 4; i++)
            c->values[i] = (ULONG)next(in) * 0x01010101u ^ (ULONG)i;
        return true;
    }
    }
}

static void one_op(struct input *in)
{
    enum op op = (enum op)(next(in) % OP_COUNT);
    struct call c = {.op = op, .t = (int)(next(in) % NTHREADS), .lock = -1};
    unsigned b = next(in);
    switch (op) {
    case OP_RAISE:
        c.irql = (KIRQL)(b % 17); /* 16: above HIGH_LEVEL */
        break;
    case OP_LOWER:
        c.irql = (KIRQL)(b % 16);
        break;
    case OP_RAISE_DPC:
        break;
    case OP_KE_ACQ:
    case OP_KE_ACQ_DPC:
    case OP_KE_REL_DPC:
    case OP_KE_TRY:
    case OP_KQ_ACQ:
    case OP_KQ_ACQ_DPC:
    case OP_KQ_REL_DPC:
        c.lock = (int)(b % NKE);
        c.variant = b & 0x80;
        break;
    case OP_KE_REL:
    case OP_KQ_REL: {
        c.lock = (int)(b % NKE);
        unsigned sel = next(in);
        c.irql = pick_new_irql(sel, c.t, c.lock);
        c.set_old = op == OP_KQ_REL && sel >= 160;
        break;
    }
    case OP_VP_CREATE:
    case OP_FAIL_CREATE: {
        int s = (int)(b % 4);
        c.null_out = s == 3;
        c.lock = NKE + (s == 3 ? 0 : s);
        if (op == OP_FAIL_CREATE && (c.null_out || m.mode == VPSPIN_VERIFY_FULL))
            return; /* (the full mode may allocate in other calls too) */
        if (!c.null_out && (m.slot[s].state == SLOT_LIVE || m.creates >= MAX_CREATES))
            return;
        break;
    }
    case OP_VP_DELETE:
    case OP_VP_ACQ:
    case OP_VP_ACQ_DPC:
    case OP_VP_REL_DPC:
        c.handle = pick_handle(b, &c.lock);
        break;
    case OP_VP_REL:
        c.handle = pick_handle(b, &c.lock);
        c.irql = pick_new_irql(next(in), c.t, c.lock >= 0 ? c.lock : NKE);
        break;
    case OP_HANDOVER: {
        unsigned variant = next(in); /* (two statements: an order of evaluation) */
        unsigned wait_mode = next(in);
        handover((int)(b % NLOCKS), c.t, variant, wait_mode);
        return;
    }
    case OP_BURST: {
        uint8_t var[NTHREADS];
        unsigned iterations = next(in) % 32 + 1;
        unsigned lockmask = next(in);
        for (int t = 0; t < NTHREADS; t++)
            var[t] = (uint8_t)next(in);
        burst(b, iterations, lockmask, var);
        return;
    }
    case OP_EV_INIT:
    case OP_EV_SET:
    case OP_EV_RESET:
    case OP_EV_WAIT:
        c.obj = (int)(b % NEV);
        c.arg = b / NEV;
        break;
    case OP_TM_INIT:
    case OP_TM_SET:
    case OP_TM_CANCEL:
    case OP_TM_FIRE:
        c.obj = (int)(b % NTM);
        c.arg = b / NTM;
        if (op == OP_TM_INIT && m.tm[c.obj].set)
            return; /* initializing a set timer: undefined, as on Windows */
        if (op == OP_TM_FIRE &&
            (!m.tm[c.obj].init || m.thread[c.t].irql > APC_LEVEL || m.waits++ >= MAX_WAITS))
            return; /* it waits: only for a timer, where a wait may block, a few times */
        break;
    case OP_DPC_INIT:
    case OP_DPC_INSERT:
    case OP_DPC_REMOVE:
        c.obj = (int)(b % NDPC);
        if (op == OP_DPC_INIT && m.dpc[c.obj].queued)
            return; /* initializing a queued DPC: undefined */
        if (op == OP_DPC_INSERT && !m.gate_closed &&
            (m.thread[0].irql != PASSIVE_LEVEL || m.waits++ >= MAX_WAITS))
            return; /* the model flushes after it, from thread 0, a few times an input */
        break;
    case OP_DPC_FLUSH:
        if (m.gate_closed && m.thread[c.t].irql == PASSIVE_LEVEL)
            return; /* it would wait for the gate */
        break;
    case OP_DPC_GATE:
        if (!m.gate_closed || m.waits++ < MAX_WAITS) /* opening waits for the DPCs */
            gate_toggle();
        return;
    case OP_POOL_ALLOC: {
        static const POOL_TYPE types[3] = {NonPagedPool, PagedPool, NonPagedPoolNx};
        c.obj = (int)(b % NPOOL);
        c.arg = (unsigned)types[(b / NPOOL) % 3];
        unsigned size = next(in);
        c.irql = (KIRQL)(size % 5 == 0 ? 0 : size); /* the size */
        if (m.pool[c.obj].p != NULL)
            return;
        break;
    }
    case OP_POOL_FREE: {
        c.obj = (int)(b % NPOOL);
        c.arg = (b / NPOOL) % 5; /* tag, no tag, another tag, wild, twice */
        c.ptr = c.arg == 3 ? (PVOID)&fev[0] : c.arg == 4 ? m.pool[c.obj].stale : m.pool[c.obj].p;
        if (c.ptr == NULL)
            return;
        for (int s = 0; c.arg == 4 && s < NPOOL; s++)
            if (m.pool[s].p == c.ptr)
                return; /* the address was handed out again: not a second free */
        break;
    }
    case OP_DEV_MAP:
    case OP_DEV_FREE:
    case OP_DEV_READ:
    case OP_DEV_WRITE:
        if (!pick_device_call(&c, b, in))
            return;
        break;
    case OP_SET_MODE:
        for (int id = 0; id < NLOCKS; id++)
            if (m.lock[id].holder >= 0 && (id < NKE || m.slot[id - NKE].state == SLOT_LIVE))
                return; /* only while no thread holds a lock */
        m.mode = (int)(b % 3);
        REQUIRE(vpspin_set_verify((vpspin_verify_mode)m.mode) == 0, "vpspin_set_verify");
        return;
    default:
        return;
    }
    do_call(&c);
}

/* Every thread releases what it holds, correctly, and goes back to PASSIVE_LEVEL; the
 * live VideoPort locks are deleted. All of it checked, silent in every mode. */
static void cleanup(void)
{
    for (int id = 0; id < NLOCKS; id++) {
        if (m.lock[id].holder < 0 || (id >= NKE && m.slot[id - NKE].state != SLOT_LIVE))
            continue;
        int t = m.lock[id].holder;
        KIRQL need = DISPATCH_LEVEL; /* what the release wants: exactly, or at least */
        KIRQL cur = m.thread[t].irql;
        bool raising = !(m.lock[id].kind & K_DPC);
        if (cur < need || (raising && cur > need)) {
            struct call c = {
                .op = cur < need ? OP_RAISE : OP_LOWER, .t = t, .lock = -1, .irql = need};
            REQUIRE(do_call(&c), "cleanup: cannot move thread %d to DISPATCH_LEVEL", t);
        }
        struct call r = release_call(id);
        if (r.op == OP_KQ_REL) { /* with the handle's own OldIrql, as a driver would */
            r.set_old = true;
            r.irql = m.lock[id].old;
        }
        REQUIRE(do_call(&r), "cleanup: cannot release lock %d", id);
        REQUIRE(m.lock[id].holder < 0, "cleanup: lock %d still held", id);
    }
    for (int t = 0; t < NTHREADS; t++) {
        struct call c = {.op = OP_LOWER, .t = t, .lock = -1, .irql = PASSIVE_LEVEL};
        REQUIRE(do_call(&c), "cleanup: cannot lower thread %d", t);
    }
    for (int s = 0; s < NVP; s++) {
        if (m.slot[s].state != SLOT_LIVE)
            continue;
        struct call c = {.op = OP_VP_DELETE, .t = 0, .lock = NKE + s, .handle = m.slot[s].handle};
        REQUIRE(do_call(&c), "cleanup: cannot delete lock %d", NKE + s);
    }
    if (m.gate_closed)
        gate_toggle();
    for (int o = 0; o < NTM; o++) {
        struct call c = {.op = OP_TM_CANCEL, .t = 0, .lock = -1, .obj = o};
        REQUIRE(!m.tm[o].init || do_call(&c), "cleanup: cannot cancel timer %d", o);
    }
    for (int s = 0; s < NPOOL; s++) {
        struct call c = {.op = OP_POOL_FREE, .t = 0, .lock = -1, .obj = s, .ptr = m.pool[s].p};
        REQUIRE(m.pool[s].p == NULL || do_call(&c), "cleanup: cannot free pool slot %d", s);
    }
    for (int s = 0; s < 4; s++) {
        if (m.map[s].state != SLOT_LIVE)
            continue;
        struct call c = {.op = OP_DEV_FREE,
                         .t = 0,
                         .lock = -1,
                         .slot = s,
                         .io = m.map[s].io,
                         .ext = dev.ext,
                         .addr = m.map[s].base};
        REQUIRE(do_call(&c), "cleanup: cannot free mapping %d", s);
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    int fd = dup(2); /* libFuzzer's -close_fd_mask=2 silences the reports, not us */
    if (fd >= 0)
        msg_fd = fd;
    start_workers();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    start_workers();
    struct input in = {data, size, 0};
    ULONG last_serial = m.last_serial;
    memset(&m, 0, sizeof m);
    m.last_serial = last_serial;
    memset(dev.mem, 0, DEV_MEM_LEN); /* (no mapping is live: the last input freed them) */
    memset(dev.ports, 0, sizeof dev.ports);
    __atomic_store_n(&dev.hooks, 0, __ATOMIC_RELAXED);
    m.mode = (int)(next(&in) % 3);
    REQUIRE(vpspin_set_verify((vpspin_verify_mode)m.mode) == 0, "vpspin_set_verify");
    vpspin_fail_allocations(0, 0);
    for (int id = 0; id < NLOCKS; id++)
        m.lock[id].holder = -1;
    /* Objects never initialized read as garbage (0x5A), as the model's 0xF004 expects. */
    memset(fev, 0x5A, sizeof fev);
    memset(ftm, 0x5A, sizeof ftm);
    memset(fdpc, 0x5A, sizeof fdpc);
    memset(dpc_ran, 0, sizeof dpc_ran);
    for (int k = 0; k < NKE; k++) {
        KeInitializeSpinLock(&ke[k]);
        for (int t = 0; t < NTHREADS; t++) {
            memset(&qh[t][k], 0, sizeof qh[t][k]);
            qh[t][k].LockQueue.Lock = &ke[k]; /* a release before any acquire names it */
        }
    }
    op_index = 0;
    while (in.i < in.n && op_index < MAX_OPS) {
        one_op(&in);
        op_index++;
    }
    snprintf(op_text, sizeof op_text, "cleanup");
    cleanup();
    return 0;
}
