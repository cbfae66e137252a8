/*
 * wdm.h - the kernel services of the WDK's wdm.h that vpspin provides: IRQL, executive
 * and in-stack queued spin locks, dispatcher objects (KEVENT, KTIMER) and waits, DPCs
 * (KDPC), time, stalls and delays, pool, debug output, memory barriers, the Interlocked
 * family, and the inline list and memory helpers (InsertTailList, RtlZeroMemory ...).
 *
 * Names, types and prototypes follow the amd64 WDK. IRQL is a per-thread logical level
 * (vpspin(7)); raising it does not stop preemption in user space. Every function states
 * the IRQL it needs; the checked modes report a call made above it, with the Driver
 * Verifier code where Windows has one (docs/checked-mode.md).
 */
#ifndef VPSPIN_WDK_WDM_H
#define VPSPIN_WDK_WDM_H

#include <string.h>

#include "driverspecs.h"
#include "miniport.h"
#include "ntdef.h"
#include "ntstatus.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Export decoration: on Windows these import from ntoskrnl and the HAL; here they mark the
 * symbols libvpspin exports. */
#ifndef NTKERNELAPI
#define NTKERNELAPI __attribute__((visibility("default")))
#endif
#ifndef NTHALAPI
#define NTHALAPI NTKERNELAPI
#endif

/* ---- IRQL -------------------------------------------------------------------------------- */

/* Interrupt request levels (amd64 and arm64 values). */
typedef UCHAR KIRQL, *PKIRQL;
#define PASSIVE_LEVEL  0
#define LOW_LEVEL      0
#define APC_LEVEL      1
#define DISPATCH_LEVEL 2
#define CMCI_LEVEL     5
#define SYNCH_LEVEL    12
#define CLOCK_LEVEL    13
#define IPI_LEVEL      14
#define DRS_LEVEL      14
#define POWER_LEVEL    14
#define PROFILE_LEVEL  15
#define HIGH_LEVEL     15

/* The calling thread's IRQL. Any IRQL. A new thread starts at PASSIVE_LEVEL. */
NTHALAPI KIRQL KeGetCurrentIrql(VOID);

/* Raises the calling thread's IRQL to NewIrql and returns the previous IRQL.
 * NewIrql must be >= the current IRQL (checked: 0xC4/0x30). */
NTHALAPI KIRQL FASTCALL KfRaiseIrql(IN KIRQL NewIrql);

/* KeRaiseIrql(NewIrql, OldIrql): as the amd64 WDK defines it. */
#define KeRaiseIrql(a, b) *(b) = KfRaiseIrql(a)

/* Lowers the calling thread's IRQL to NewIrql, which must be <= the current IRQL
 * (checked: 0xC4/0x31); usually the value a raise returned. */
NTHALAPI VOID KeLowerIrql(IN KIRQL NewIrql);

/* Raises to DISPATCH_LEVEL and returns the previous IRQL (which must be <= DISPATCH). */
NTHALAPI KIRQL KeRaiseIrqlToDpcLevel(VOID);

/* ---- Executive spin locks ------------------------------------------------------------------ */

/* An executive spin lock: one pointer-sized word, 0 when free, nonzero while held. */
typedef ULONG_PTR KSPIN_LOCK, *PKSPIN_LOCK;

/* A queue entry of an in-stack queued spin lock; lives in the caller's handle. */
typedef struct _KSPIN_LOCK_QUEUE {
    struct _KSPIN_LOCK_QUEUE *volatile Next;
    PKSPIN_LOCK volatile Lock;
} KSPIN_LOCK_QUEUE, *PKSPIN_LOCK_QUEUE;

/* The caller-allocated handle of an in-stack queued spin lock acquisition. */
typedef struct _KLOCK_QUEUE_HANDLE {
    KSPIN_LOCK_QUEUE LockQueue;
    KIRQL OldIrql;
} KLOCK_QUEUE_HANDLE, *PKLOCK_QUEUE_HANDLE;

/* Stores 0 (free) in *SpinLock. Any IRQL; the lock must not be held. */
NTKERNELAPI VOID KeInitializeSpinLock(OUT PKSPIN_LOCK SpinLock);

/* Caller at IRQL <= DISPATCH_LEVEL. Raises to DISPATCH_LEVEL, then acquires the lock
 * (acquire ordering: the critical section sees every write made before the previous
 * release). Returns the IRQL to pass to KeReleaseSpinLock. */
NTKERNELAPI KIRQL KeAcquireSpinLockRaiseToDpc(IN OUT PKSPIN_LOCK SpinLock);

/* KeAcquireSpinLock(SpinLock, OldIrql): as the amd64 WDK defines it. */
#define KeAcquireSpinLock(SpinLock, OldIrql) *(OldIrql) = KeAcquireSpinLockRaiseToDpc(SpinLock)

/* Caller at DISPATCH_LEVEL, holding the lock through a raising acquire. Releases it
 * (release ordering) and lowers the IRQL to NewIrql, the value the acquire returned. */
NTKERNELAPI VOID KeReleaseSpinLock(IN OUT PKSPIN_LOCK SpinLock, IN KIRQL NewIrql);

/* Caller at IRQL >= DISPATCH_LEVEL. Acquires the lock; the IRQL is unchanged. */
NTKERNELAPI VOID KeAcquireSpinLockAtDpcLevel(IN OUT PKSPIN_LOCK SpinLock);

/* Releases a lock taken by KeAcquireSpinLockAtDpcLevel; the IRQL is unchanged. */
NTKERNELAPI VOID KeReleaseSpinLockFromDpcLevel(IN OUT PKSPIN_LOCK SpinLock);

/* Caller at IRQL >= DISPATCH_LEVEL. Takes the lock if it is free and returns TRUE;
 * returns FALSE at once if any thread (the caller included) holds it. A successful
 * try is released with KeReleaseSpinLockFromDpcLevel. */
NTKERNELAPI BOOLEAN FASTCALL KeTryToAcquireSpinLockAtDpcLevel(IN OUT PKSPIN_LOCK SpinLock);

/* TRUE if the lock is free at the moment of the call, FALSE if it is held (after a
 * processor yield hint, for use in polling loops). Any IRQL. */
NTKERNELAPI BOOLEAN FASTCALL KeTestSpinLock(IN PKSPIN_LOCK SpinLock);

/* ---- In-stack queued spin locks ---------------------------------------------------------- */

/* Caller at IRQL <= DISPATCH_LEVEL. Raises to DISPATCH_LEVEL, acquires the lock and
 * saves the previous IRQL in LockHandle->OldIrql. LockHandle must stay valid (usually
 * on the caller's stack) until the matching release. */
NTKERNELAPI VOID FASTCALL KeAcquireInStackQueuedSpinLock(IN PKSPIN_LOCK SpinLock,
                                                         IN PKLOCK_QUEUE_HANDLE LockHandle);

/* Releases the lock named by LockHandle and lowers the IRQL to LockHandle->OldIrql. */
NTKERNELAPI VOID FASTCALL KeReleaseInStackQueuedSpinLock(IN PKLOCK_QUEUE_HANDLE LockHandle);

/* Caller at IRQL >= DISPATCH_LEVEL. Acquires the lock; the IRQL is unchanged. */
NTKERNELAPI VOID FASTCALL KeAcquireInStackQueuedSpinLockAtDpcLevel(
    IN PKSPIN_LOCK SpinLock, IN PKLOCK_QUEUE_HANDLE LockHandle);

/* Releases a lock taken by KeAcquireInStackQueuedSpinLockAtDpcLevel. */
NTKERNELAPI VOID FASTCALL
KeReleaseInStackQueuedSpinLockFromDpcLevel(IN PKLOCK_QUEUE_HANDLE LockHandle);

/* ---- Dispatcher objects: events and timers, and waiting for them ----------------------------
 * A dispatcher object starts with a DISPATCHER_HEADER: its type, its size in LONGs, and
 * SignalState, nonzero while signaled. A wait returns once the object is signaled; for a
 * synchronization event or timer the wait that returns consumes the signal (resets it),
 * for a notification event or timer it stays signaled until reset. vpspin keeps waiters
 * on SignalState itself (a futex): WaitListHead and Lock are not used. */

typedef CCHAR KPROCESSOR_MODE;
typedef enum _MODE { KernelMode, UserMode, MaximumMode } MODE;

typedef enum _KWAIT_REASON {
    Executive,
    FreePage,
    PageIn,
    PoolAllocation,
    DelayExecution,
    Suspended,
    UserRequest,
    WrExecutive,
    WrFreePage,
    WrPageIn,
    WrPoolAllocation,
    WrDelayExecution,
    WrSuspended,
    WrUserRequest,
    WrSpare0,
    WrQueue,
    WrLpcReceive,
    WrLpcReply,
    WrVirtualMemory,
    WrPageOut,
    WrRendezvous,
    MaximumWaitReason = 40
} KWAIT_REASON;

/* DISPATCHER_HEADER.Type (the WDK's KOBJECTS numbers). */
#define EventNotificationObject    0
#define EventSynchronizationObject 1
#define TimerNotificationObject    8
#define TimerSynchronizationObject 9

typedef struct _DISPATCHER_HEADER {
    _ANONYMOUS_UNION union {
        _ANONYMOUS_STRUCT struct {
            UCHAR Type;
            UCHAR Absolute;
            UCHAR Size;     /* of the object, in LONGs */
            UCHAR Inserted; /* a timer: set and not yet expired */
        };
        volatile LONG Lock;
    };
    volatile LONG SignalState;
    LIST_ENTRY WaitListHead;
} DISPATCHER_HEADER, *PDISPATCHER_HEADER;

typedef struct _KEVENT {
    DISPATCHER_HEADER Header;
} KEVENT, *PKEVENT, *PRKEVENT;

#define EVENT_INCREMENT 1
#define IO_NO_INCREMENT 0

/* Any IRQL (the event is not yet in use). Type is NotificationEvent or
 * SynchronizationEvent; State TRUE starts it signaled. */
NTKERNELAPI VOID KeInitializeEvent(OUT PRKEVENT Event, IN EVENT_TYPE Type, IN BOOLEAN State);

/* Caller at IRQL <= DISPATCH_LEVEL, or <= APC_LEVEL when Wait is TRUE (checked: 0xC4/0x20016,
 * the DDI rule IrqlKeSetEvent). Signals the event: a notification event releases every
 * waiter, a synchronization event one. Returns the previous state (nonzero if it was
 * signaled). Increment and Wait are accepted as on Windows; they change nothing here. */
NTKERNELAPI LONG KeSetEvent(IN OUT PRKEVENT Event, IN KPRIORITY Increment, IN BOOLEAN Wait);

/* Caller at IRQL <= DISPATCH_LEVEL (checked: 0xC4/0x20011, IrqlKeDispatchLte). Sets the event
 * not signaled; KeResetEvent returns the previous state. */
NTKERNELAPI LONG KeResetEvent(IN OUT PRKEVENT Event);
NTKERNELAPI VOID KeClearEvent(IN OUT PRKEVENT Event);

/* Caller at IRQL <= DISPATCH_LEVEL (0x20011). The current state: nonzero if signaled. */
NTKERNELAPI LONG KeReadStateEvent(IN PRKEVENT Event);

/* Waits until Object (a KEVENT or a KTIMER) is signaled, or until Timeout (in 100 ns units:
 * negative is relative, positive an absolute system time; NULL waits without limit).
 * Returns STATUS_SUCCESS (a synchronization object is then reset) or STATUS_TIMEOUT.
 * Caller at IRQL <= APC_LEVEL, or at DISPATCH_LEVEL with a zero *Timeout (a poll); checked:
 * 0xC4/0xF003. An object that was never initialized is reported as 0xC4/0xF004 and the
 * wait returns STATUS_INVALID_PARAMETER. WaitReason, WaitMode and Alertable are accepted
 * and ignored (no APCs are delivered in user space). */
NTKERNELAPI NTSTATUS KeWaitForSingleObject(IN PVOID Object, IN KWAIT_REASON WaitReason,
                                           IN KPROCESSOR_MODE WaitMode, IN BOOLEAN Alertable,
                                           IN PLARGE_INTEGER Timeout OPTIONAL);

/* Caller at IRQL <= APC_LEVEL (checked: 0xC4/0x2000F, IrqlKeApcLte1). Sleeps for Interval
 * (100 ns units, negative relative, positive absolute). Returns STATUS_SUCCESS. */
NTKERNELAPI NTSTATUS KeDelayExecutionThread(IN KPROCESSOR_MODE WaitMode, IN BOOLEAN Alertable,
                                            IN PLARGE_INTEGER Interval);

/* Any IRQL. Busy-waits at least MicroSeconds microseconds without giving up the processor
 * (keep it short: the WDK advises at most 50 us). */
NTHALAPI VOID KeStallExecutionProcessor(IN ULONG MicroSeconds);

/* ---- DPCs ------------------------------------------------------------------------------------ */

typedef struct _KDPC *PKDPC, *PRKDPC;

/* A deferred routine, called at DISPATCH_LEVEL. */
typedef VOID (*PKDEFERRED_ROUTINE)(IN struct _KDPC *Dpc, IN PVOID DeferredContext OPTIONAL,
                                   IN PVOID SystemArgument1 OPTIONAL,
                                   IN PVOID SystemArgument2 OPTIONAL);
typedef VOID KDEFERRED_ROUTINE(IN struct _KDPC *Dpc, IN PVOID DeferredContext OPTIONAL,
                               IN PVOID SystemArgument1 OPTIONAL,
                               IN PVOID SystemArgument2 OPTIONAL);

typedef enum _KDPC_IMPORTANCE {
    LowImportance,
    MediumImportance,
    HighImportance,
    MediumHighImportance
} KDPC_IMPORTANCE;

#define DPC_NORMAL   0
#define DPC_THREADED 1

/* DpcData is non-NULL while the DPC is queued. */
typedef struct _KDPC {
    UCHAR Type;
    UCHAR Importance;
    volatile USHORT Number;
    LIST_ENTRY DpcListEntry;
    PKDEFERRED_ROUTINE DeferredRoutine;
    PVOID DeferredContext;
    PVOID SystemArgument1;
    PVOID SystemArgument2;
    volatile PVOID DpcData;
} KDPC;

/* Any IRQL. Prepares Dpc to call DeferredRoutine(Dpc, DeferredContext, ...). */
NTKERNELAPI VOID KeInitializeDpc(OUT PRKDPC Dpc, IN PKDEFERRED_ROUTINE DeferredRoutine,
                                 IN PVOID DeferredContext OPTIONAL);

/* Any IRQL. Queues Dpc: its routine runs soon at DISPATCH_LEVEL on vpspin's DPC thread,
 * with SystemArgument1 and 2. Returns FALSE (changing nothing) if it is already queued. A
 * DPC that was never initialized is reported as 0xC4/0xF004. */
NTKERNELAPI BOOLEAN KeInsertQueueDpc(IN OUT PRKDPC Dpc, IN PVOID SystemArgument1 OPTIONAL,
                                     IN PVOID SystemArgument2 OPTIONAL);

/* Any IRQL. Takes Dpc out of the queue: TRUE if it was queued (its routine will not run
 * for that insertion), FALSE if not (it may be running). */
NTKERNELAPI BOOLEAN KeRemoveQueueDpc(IN OUT PRKDPC Dpc);

/* Caller at PASSIVE_LEVEL (checked: 0xC4/0xF003). Returns once every DPC queued before the
 * call has run. */
NTKERNELAPI VOID KeFlushQueuedDpcs(VOID);

/* ---- Timers -------------------------------------------------------------------------------- */

typedef struct _KTIMER {
    DISPATCHER_HEADER Header;
    ULARGE_INTEGER DueTime; /* when it expires, in interrupt time (100 ns) */
    LIST_ENTRY TimerListEntry;
    struct _KDPC *Dpc;
    ULONG Processor;
    ULONG Period; /* ms; 0 for a one-shot timer */
} KTIMER, *PKTIMER, *PRKTIMER;

/* Caller at IRQL <= DISPATCH_LEVEL (0x20011). A notification timer, not set. */
NTKERNELAPI VOID KeInitializeTimer(OUT PKTIMER Timer);
NTKERNELAPI VOID KeInitializeTimerEx(OUT PKTIMER Timer, IN TIMER_TYPE Type);

/* Caller at IRQL <= DISPATCH_LEVEL (0x20011). Sets Timer to expire at DueTime (100 ns units,
 * negative relative, positive an absolute system time), then every Period ms (0: once).
 * On expiry the timer is signaled and Dpc, if not NULL, is queued. Returns TRUE if the
 * timer was already set (it is set again). */
NTKERNELAPI BOOLEAN KeSetTimer(IN OUT PKTIMER Timer, IN LARGE_INTEGER DueTime,
                               IN PKDPC Dpc OPTIONAL);
NTKERNELAPI BOOLEAN KeSetTimerEx(IN OUT PKTIMER Timer, IN LARGE_INTEGER DueTime,
                                 IN LONG Period OPTIONAL, IN PKDPC Dpc OPTIONAL);

/* Caller at IRQL <= DISPATCH_LEVEL (0x20011). Cancels a set timer; TRUE if it was set. A DPC
 * it already queued is not removed. */
NTKERNELAPI BOOLEAN KeCancelTimer(IN OUT PKTIMER Timer);

/* Caller at IRQL <= DISPATCH_LEVEL (0x20011). TRUE if the timer is signaled. */
NTKERNELAPI BOOLEAN KeReadStateTimer(IN PKTIMER Timer);

/* ---- Time ------------------------------------------------------------------------------------ */

/* Any IRQL. The system time: 100 ns units since January 1, 1601 (UTC). */
NTKERNELAPI VOID KeQuerySystemTime(OUT PLARGE_INTEGER CurrentTime);

/* Any IRQL. Clock ticks since the process started (KeQueryTimeIncrement 100-ns units each). */
NTKERNELAPI VOID KeQueryTickCount(OUT PLARGE_INTEGER TickCount);
NTKERNELAPI ULONG KeQueryTimeIncrement(VOID);

/* Any IRQL. Interrupt time: 100 ns units of a monotonic clock. */
NTKERNELAPI ULONGLONG KeQueryInterruptTime(VOID);

/* Any IRQL. A monotonic counter, and (if PerformanceFrequency is not NULL) its ticks per
 * second. */
NTKERNELAPI LARGE_INTEGER
KeQueryPerformanceCounter(OUT PLARGE_INTEGER PerformanceFrequency OPTIONAL);

/* Any IRQL. The processor the calling thread runs on. */
NTKERNELAPI ULONG KeGetCurrentProcessorNumber(VOID);

/* ---- Bug checks --------------------------------------------------------------------------- */

/* Any IRQL. Reports bug check BugCheckCode with its four parameters as vpspin reports its
 * own (the installed handler, else abort()). If a handler returns, so does this. */
NTKERNELAPI VOID KeBugCheckEx(IN ULONG BugCheckCode, IN ULONG_PTR BugCheckParameter1,
                              IN ULONG_PTR BugCheckParameter2, IN ULONG_PTR BugCheckParameter3,
                              IN ULONG_PTR BugCheckParameter4);

/* ---- Pool ---------------------------------------------------------------------------------- */

typedef enum _POOL_TYPE {
    NonPagedPool = 0,
    NonPagedPoolExecute = NonPagedPool,
    PagedPool = 1,
    NonPagedPoolMustSucceed = 2,
    DontUseThisType = 3,
    NonPagedPoolCacheAligned = 4,
    PagedPoolCacheAligned = 5,
    NonPagedPoolCacheAlignedMustS = 6,
    MaxPoolType = 7,
    NonPagedPoolNx = 512,
    NonPagedPoolNxCacheAligned = 516
} POOL_TYPE;

/* Caller at IRQL <= DISPATCH_LEVEL for nonpaged pool, <= APC_LEVEL for paged pool (checked:
 * 0xC4/0x02 and 0x01; 0x00 for a zero-byte request). Returns NumberOfBytes of memory
 * (aligned for any type; not zeroed), or NULL. Tag (four characters, 'gaT1' read backwards)
 * names the allocation in leak reports. */
NTKERNELAPI PVOID ExAllocatePoolWithTag(IN POOL_TYPE PoolType, IN SIZE_T NumberOfBytes,
                                        IN ULONG Tag);
NTKERNELAPI PVOID ExAllocatePool(IN POOL_TYPE PoolType, IN SIZE_T NumberOfBytes);

/* Caller at IRQL <= DISPATCH_LEVEL for nonpaged pool, <= APC_LEVEL for paged (0x12, 0x11).
 * Frees pool. In the checked modes an address that is not an allocation is reported as
 * 0xC4/0x10, one freed already as 0xC4/0x13, and a tag other than the allocation's as
 * 0xC4/0xF005 (vpspin's); the memory is then left alone. */
NTKERNELAPI VOID ExFreePoolWithTag(IN PVOID P, IN ULONG Tag);
NTKERNELAPI VOID ExFreePool(IN PVOID P);

/* ---- Registry value types (VideoPortGetRegistryParameters, vpspin_set_registry_value) --- */

#define REG_NONE                0
#define REG_SZ                  1
#define REG_EXPAND_SZ           2
#define REG_BINARY              3
#define REG_DWORD               4
#define REG_DWORD_LITTLE_ENDIAN 4
#define REG_DWORD_BIG_ENDIAN    5
#define REG_LINK                6
#define REG_MULTI_SZ            7
#define REG_QWORD               11

/* ---- Debug output ------------------------------------------------------------------------ */

/* Component filters of DbgPrintEx (a few of the WDK's DPFLTR_TYPE) and its levels. */
#define DPFLTR_IHVVIDEO_ID   23
#define DPFLTR_IHVDRIVER_ID  77
#define DPFLTR_DEFAULT_ID    101
#define DPFLTR_ERROR_LEVEL   0
#define DPFLTR_WARNING_LEVEL 1
#define DPFLTR_TRACE_LEVEL   2
#define DPFLTR_INFO_LEVEL    3
#define DPFLTR_MASK          0x80000000

/* Any IRQL. Writes the formatted message to stderr if its level passes VPSPIN_DEBUG_PRINT
 * (vpspin(7): error, warn (the default), trace, info, or none). DbgPrint's level is
 * DPFLTR_ERROR_LEVEL; DbgPrintEx's Level is a DPFLTR_*_LEVEL (or a mask with DPFLTR_MASK).
 * Returns STATUS_SUCCESS (as a ULONG). */
NTKERNELAPI ULONG __cdecl DbgPrint(IN PCSTR Format, ...)
    __attribute__((__format__(__printf__, 1, 2)));
NTKERNELAPI ULONG __cdecl DbgPrintEx(IN ULONG ComponentId, IN ULONG Level, IN PCSTR Format, ...)
    __attribute__((__format__(__printf__, 3, 4)));

#if DBG
#define KdPrint(args)   DbgPrint args
#define KdPrintEx(args) DbgPrintEx args
#else
#define KdPrint(args)
#define KdPrintEx(args)
#endif
/* ASSERT and PAGED_CODE are miniport.h's (both headers have them in the WDK). */

/* ---- Memory barriers and the Interlocked family ------------------------------------------
 * As on amd64 these are compiler intrinsics, not exported functions: sequentially consistent
 * atomic operations, at any IRQL. The plain names are macros for the _Interlocked ones. */

#define KeMemoryBarrier()             __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define KeMemoryBarrierWithoutFence() __atomic_signal_fence(__ATOMIC_SEQ_CST)
#define _ReadWriteBarrier()           __atomic_signal_fence(__ATOMIC_SEQ_CST)
#define MemoryBarrier()               __atomic_thread_fence(__ATOMIC_SEQ_CST)
#if defined(__x86_64__) || defined(__i386__)
#define YieldProcessor() __builtin_ia32_pause()
#elif defined(__aarch64__)
#define YieldProcessor() __asm__ __volatile__("yield")
#else
#define YieldProcessor() ((void)0)
#endif

#define VSP_WDK_INLINE static __inline__ __attribute__((__always_inline__, __unused__))

VSP_WDK_INLINE LONG _InterlockedIncrement(LONG volatile *Addend)
{
    return __atomic_add_fetch(Addend, 1, __ATOMIC_SEQ_CST);
}
VSP_WDK_INLINE LONG _InterlockedDecrement(LONG volatile *Addend)
{
    return __atomic_sub_fetch(Addend, 1, __ATOMIC_SEQ_CST);
}
VSP_WDK_INLINE LONG _InterlockedExchange(LONG volatile *Target, LONG Value)
{
    return __atomic_exchange_n(Target, Value, __ATOMIC_SEQ_CST);
}
VSP_WDK_INLINE LONG _InterlockedExchangeAdd(LONG volatile *Addend, LONG Value)
{
    return __atomic_fetch_add(Addend, Value, __ATOMIC_SEQ_CST);
}
VSP_WDK_INLINE LONG _InterlockedAdd(LONG volatile *Addend, LONG Value)
{
    return __atomic_add_fetch(Addend, Value, __ATOMIC_SEQ_CST);
}
VSP_WDK_INLINE LONG _InterlockedCompareExchange(LONG volatile *Destination, LONG ExChange,
                                                LONG Comperand)
{
    __atomic_compare_exchange_n(Destination, &Comperand, ExChange, 0, __ATOMIC_SEQ_CST,
                                __ATOMIC_SEQ_CST);
    return Comperand; /* the initial value of *Destination */
}
VSP_WDK_INLINE LONG _InterlockedOr(LONG volatile *Destination, LONG Value)
{
    return __atomic_fetch_or(Destination, Value, __ATOMIC_SEQ_CST);
}
VSP_WDK_INLINE LONG _InterlockedAnd(LONG volatile *Destination, LONG Value)
{
    return __atomic_fetch_and(Destination, Value, __ATOMIC_SEQ_CST);
}
VSP_WDK_INLINE LONG _InterlockedXor(LONG volatile *Destination, LONG Value)
{
    return __atomic_fetch_xor(Destination, Value, __ATOMIC_SEQ_CST);
}
VSP_WDK_INLINE SHORT _InterlockedIncrement16(SHORT volatile *Addend)
{
    return __atomic_add_fetch(Addend, 1, __ATOMIC_SEQ_CST);
}
VSP_WDK_INLINE SHORT _InterlockedDecrement16(SHORT volatile *Addend)
{
    return __atomic_sub_fetch(Addend, 1, __ATOMIC_SEQ_CST);
}
VSP_WDK_INLINE SHORT _InterlockedCompareExchange16(SHORT volatile *Destination, SHORT ExChange,
                                                   SHORT Comperand)
{
    __atomic_compare_exchange_n(Destination, &Comperand, ExChange, 0, __ATOMIC_SEQ_CST,
                                __ATOMIC_SEQ_CST);
    return Comperand;
}
VSP_WDK_INLINE LONG64 _InterlockedIncrement64(LONG64 volatile *Addend)
{
    return __atomic_add_fetch(Addend, 1, __ATOMIC_SEQ_CST);
}
VSP_WDK_INLINE LONG64 _InterlockedDecrement64(LONG64 volatile *Addend)
{
    return __atomic_sub_fetch(Addend, 1, __ATOMIC_SEQ_CST);
}
VSP_WDK_INLINE LONG64 _InterlockedExchange64(LONG64 volatile *Target, LONG64 Value)
{
    return __atomic_exchange_n(Target, Value, __ATOMIC_SEQ_CST);
}
VSP_WDK_INLINE LONG64 _InterlockedExchangeAdd64(LONG64 volatile *Addend, LONG64 Value)
{
    return __atomic_fetch_add(Addend, Value, __ATOMIC_SEQ_CST);
}
VSP_WDK_INLINE LONG64 _InterlockedAdd64(LONG64 volatile *Addend, LONG64 Value)
{
    return __atomic_add_fetch(Addend, Value, __ATOMIC_SEQ_CST);
}
VSP_WDK_INLINE LONG64 _InterlockedCompareExchange64(LONG64 volatile *Destination, LONG64 ExChange,
                                                    LONG64 Comperand)
{
    __atomic_compare_exchange_n(Destination, &Comperand, ExChange, 0, __ATOMIC_SEQ_CST,
                                __ATOMIC_SEQ_CST);
    return Comperand;
}
VSP_WDK_INLINE LONG64 _InterlockedOr64(LONG64 volatile *Destination, LONG64 Value)
{
    return __atomic_fetch_or(Destination, Value, __ATOMIC_SEQ_CST);
}
VSP_WDK_INLINE LONG64 _InterlockedAnd64(LONG64 volatile *Destination, LONG64 Value)
{
    return __atomic_fetch_and(Destination, Value, __ATOMIC_SEQ_CST);
}
VSP_WDK_INLINE LONG64 _InterlockedXor64(LONG64 volatile *Destination, LONG64 Value)
{
    return __atomic_fetch_xor(Destination, Value, __ATOMIC_SEQ_CST);
}
VSP_WDK_INLINE PVOID _InterlockedExchangePointer(PVOID volatile *Target, PVOID Value)
{
    return __atomic_exchange_n(Target, Value, __ATOMIC_SEQ_CST);
}
VSP_WDK_INLINE PVOID _InterlockedCompareExchangePointer(PVOID volatile *Destination, PVOID ExChange,
                                                        PVOID Comperand)
{
    __atomic_compare_exchange_n(Destination, &Comperand, ExChange, 0, __ATOMIC_SEQ_CST,
                                __ATOMIC_SEQ_CST);
    return Comperand;
}

#define InterlockedIncrement              _InterlockedIncrement
#define InterlockedDecrement              _InterlockedDecrement
#define InterlockedExchange               _InterlockedExchange
#define InterlockedExchangeAdd            _InterlockedExchangeAdd
#define InterlockedAdd                    _InterlockedAdd
#define InterlockedCompareExchange        _InterlockedCompareExchange
#define InterlockedOr                     _InterlockedOr
#define InterlockedAnd                    _InterlockedAnd
#define InterlockedXor                    _InterlockedXor
#define InterlockedIncrement16            _InterlockedIncrement16
#define InterlockedDecrement16            _InterlockedDecrement16
#define InterlockedCompareExchange16      _InterlockedCompareExchange16
#define InterlockedIncrement64            _InterlockedIncrement64
#define InterlockedDecrement64            _InterlockedDecrement64
#define InterlockedExchange64             _InterlockedExchange64
#define InterlockedExchangeAdd64          _InterlockedExchangeAdd64
#define InterlockedAdd64                  _InterlockedAdd64
#define InterlockedCompareExchange64      _InterlockedCompareExchange64
#define InterlockedOr64                   _InterlockedOr64
#define InterlockedAnd64                  _InterlockedAnd64
#define InterlockedXor64                  _InterlockedXor64
#define InterlockedExchangePointer        _InterlockedExchangePointer
#define InterlockedCompareExchangePointer _InterlockedCompareExchangePointer

/* ---- Memory helpers (macros over libc, as the WDK's are over the CRT) ------------------------ */

#define RtlZeroMemory(Destination, Length)          memset((Destination), 0, (Length))
#define RtlFillMemory(Destination, Length, Fill)    memset((Destination), (Fill), (Length))
#define RtlCopyMemory(Destination, Source, Length)  memcpy((Destination), (Source), (Length))
#define RtlMoveMemory(Destination, Source, Length)  memmove((Destination), (Source), (Length))
#define RtlEqualMemory(Destination, Source, Length) (!memcmp((Destination), (Source), (Length)))

/* The number of bytes, from the start, in which the two blocks are equal. */
VSP_WDK_INLINE SIZE_T RtlCompareMemory(const VOID *Source1, const VOID *Source2, SIZE_T Length)
{
    const UCHAR *a = (const UCHAR *)Source1, *b = (const UCHAR *)Source2;
    SIZE_T i = 0;
    while (i < Length && a[i] == b[i])
        i++;
    return i;
}

VSP_WDK_INLINE PVOID RtlSecureZeroMemory(PVOID Pointer, SIZE_T Size)
{
    volatile UCHAR *p = (volatile UCHAR *)Pointer;
    while (Size--)
        *p++ = 0;
    return Pointer;
}

/* ---- Doubly and singly linked lists (the WDK's inline functions) ----------------------------- */

VSP_WDK_INLINE VOID InitializeListHead(PLIST_ENTRY ListHead)
{
    ListHead->Flink = ListHead->Blink = ListHead;
}

VSP_WDK_INLINE BOOLEAN IsListEmpty(const LIST_ENTRY *ListHead)
{
    return (BOOLEAN)(ListHead->Flink == ListHead);
}

/* Unlinks Entry; TRUE if the list is empty afterwards. */
VSP_WDK_INLINE BOOLEAN RemoveEntryList(PLIST_ENTRY Entry)
{
    PLIST_ENTRY Flink = Entry->Flink, Blink = Entry->Blink;
    Blink->Flink = Flink;
    Flink->Blink = Blink;
    return (BOOLEAN)(Flink == Blink);
}

VSP_WDK_INLINE PLIST_ENTRY RemoveHeadList(PLIST_ENTRY ListHead)
{
    PLIST_ENTRY Entry = ListHead->Flink;
    RemoveEntryList(Entry);
    return Entry;
}

VSP_WDK_INLINE PLIST_ENTRY RemoveTailList(PLIST_ENTRY ListHead)
{
    PLIST_ENTRY Entry = ListHead->Blink;
    RemoveEntryList(Entry);
    return Entry;
}

VSP_WDK_INLINE VOID InsertTailList(PLIST_ENTRY ListHead, PLIST_ENTRY Entry)
{
    PLIST_ENTRY Blink = ListHead->Blink;
    Entry->Flink = ListHead;
    Entry->Blink = Blink;
    Blink->Flink = Entry;
    ListHead->Blink = Entry;
}

VSP_WDK_INLINE VOID InsertHeadList(PLIST_ENTRY ListHead, PLIST_ENTRY Entry)
{
    PLIST_ENTRY Flink = ListHead->Flink;
    Entry->Flink = Flink;
    Entry->Blink = ListHead;
    Flink->Blink = Entry;
    ListHead->Flink = Entry;
}

/* Appends the list that ListToAppend heads (it has no separate head entry) to ListHead. */
VSP_WDK_INLINE VOID AppendTailList(PLIST_ENTRY ListHead, PLIST_ENTRY ListToAppend)
{
    PLIST_ENTRY ListEnd = ListHead->Blink;
    ListHead->Blink->Flink = ListToAppend;
    ListHead->Blink = ListToAppend->Blink;
    ListToAppend->Blink->Flink = ListHead;
    ListToAppend->Blink = ListEnd;
}

VSP_WDK_INLINE VOID PushEntryList(PSINGLE_LIST_ENTRY ListHead, PSINGLE_LIST_ENTRY Entry)
{
    Entry->Next = ListHead->Next;
    ListHead->Next = Entry;
}

VSP_WDK_INLINE PSINGLE_LIST_ENTRY PopEntryList(PSINGLE_LIST_ENTRY ListHead)
{
    PSINGLE_LIST_ENTRY FirstEntry = ListHead->Next;
    if (FirstEntry != NULL)
        ListHead->Next = FirstEntry->Next;
    return FirstEntry;
}

#ifdef __cplusplus
}
#endif

#endif /* VPSPIN_WDK_WDM_H */
