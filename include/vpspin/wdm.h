/*
 * vpspin/wdm.h - the kernel (Ke) subset of the WDK's wdm.h that vpspin implements:
 * base types, IRQL levels, executive spin locks and in-stack queued spin locks.
 *
 * Names, types and prototypes follow the amd64 WDK. IRQL is a per-thread logical
 * level (see vpspin(7)); raising it does not stop preemption in user space.
 */
#ifndef VPSPIN_WDM_H
#define VPSPIN_WDM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Export decoration: on Windows these import from ntoskrnl/videoprt; here they mark
 * the symbols the shared library exports. */
#ifndef NTKERNELAPI
#define NTKERNELAPI __attribute__((visibility("default")))
#endif
#ifndef NTHALAPI
#define NTHALAPI NTKERNELAPI
#endif
#ifndef FASTCALL
#define FASTCALL /* amd64 and arm64 have a single calling convention */
#endif
#ifndef IN
#define IN
#endif
#ifndef OUT
#define OUT
#endif
#ifndef OPTIONAL
#define OPTIONAL
#endif

/* Base types (LP64 Linux: LONG and ULONG stay 32-bit, as on Windows). */
#ifndef VOID
#define VOID void
#endif
typedef char CHAR, *PCHAR;
typedef unsigned char UCHAR, *PUCHAR;
typedef int16_t SHORT, *PSHORT;
typedef uint16_t USHORT, *PUSHORT;
typedef int32_t LONG, *PLONG;
typedef uint32_t ULONG, *PULONG;
typedef long long LONGLONG, *PLONGLONG;
typedef unsigned long long ULONGLONG, *PULONGLONG;
typedef uintptr_t ULONG_PTR, *PULONG_PTR;
typedef void *PVOID;
typedef UCHAR BOOLEAN, *PBOOLEAN;
#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif

/* Interrupt request levels (amd64 and arm64 values). */
typedef UCHAR KIRQL, *PKIRQL;
#define PASSIVE_LEVEL 0
#define LOW_LEVEL 0
#define APC_LEVEL 1
#define DISPATCH_LEVEL 2
#define CMCI_LEVEL 5
#define SYNCH_LEVEL 12
#define CLOCK_LEVEL 13
#define IPI_LEVEL 14
#define DRS_LEVEL 14
#define POWER_LEVEL 14
#define PROFILE_LEVEL 15
#define HIGH_LEVEL 15

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

/* ---- IRQL ------------------------------------------------------------------------ */

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

/* ---- Executive spin locks ----------------------------------------------------------- */

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

/* ---- In-stack queued spin locks ----------------------------------------------------- */

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
NTKERNELAPI VOID FASTCALL KeReleaseInStackQueuedSpinLockFromDpcLevel(
    IN PKLOCK_QUEUE_HANDLE LockHandle);

#ifdef __cplusplus
}
#endif

#endif /* VPSPIN_WDM_H */
