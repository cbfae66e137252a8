/*
 * ke/queued.c - in-stack queued spin locks: the same KSPIN_LOCK word, acquired with a
 * caller-supplied KLOCK_QUEUE_HANDLE that remembers the lock and the IRQL to go back to.
 *
 * The handle's LockQueue.Lock names the lock, Next is left NULL, and OldIrql keeps the
 * IRQL the raising acquire returned. The word records that the lock was taken the queued
 * way, which is what makes its waiters line up (spinlock_algo.c: no patience, strict
 * handoff) and lets a plain release of a queued acquire be reported (0xC4/0x1009).
 */
#include <vpspin/wdm.h>

#include "ke/spinlock.h"

VOID FASTCALL KeAcquireInStackQueuedSpinLock(PKSPIN_LOCK SpinLock, PKLOCK_QUEUE_HANDLE LockHandle)
{
    LockHandle->LockQueue.Next = NULL;
    LockHandle->LockQueue.Lock = SpinLock;
    LockHandle->OldIrql =
        vsp_acquire(SpinLock, VSP_QUEUED, VSP_API_KeAcquireInStackQueuedSpinLock, NULL);
}

VOID FASTCALL KeReleaseInStackQueuedSpinLock(PKLOCK_QUEUE_HANDLE LockHandle)
{
    vsp_release(LockHandle->LockQueue.Lock, VSP_QUEUED, VSP_API_KeReleaseInStackQueuedSpinLock,
                LockHandle->OldIrql);
}

VOID FASTCALL KeAcquireInStackQueuedSpinLockAtDpcLevel(PKSPIN_LOCK SpinLock,
                                                       PKLOCK_QUEUE_HANDLE LockHandle)
{
    LockHandle->LockQueue.Next = NULL;
    LockHandle->LockQueue.Lock = SpinLock;
    vsp_acquire(SpinLock, VSP_QUEUED_DPC, VSP_API_KeAcquireInStackQueuedSpinLockAtDpcLevel, NULL);
}

VOID FASTCALL KeReleaseInStackQueuedSpinLockFromDpcLevel(PKLOCK_QUEUE_HANDLE LockHandle)
{
    vsp_release(LockHandle->LockQueue.Lock, VSP_QUEUED_DPC,
                VSP_API_KeReleaseInStackQueuedSpinLockFromDpcLevel, -1);
}
