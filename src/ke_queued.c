/*
 * ke_queued.c - in-stack queued spin locks: the same KSPIN_LOCK word, acquired with a
 * caller-supplied KLOCK_QUEUE_HANDLE that remembers the lock and the IRQL to go back to.
 *
 * The handle's LockQueue.Lock names the lock, Next is left NULL, and OldIrql keeps the
 * IRQL the raising acquire returned. The word records that the lock was taken the queued
 * way, so a plain release of a queued acquire (or the reverse) is reported as 0xC4/0x1009.
 * The queue discipline itself is the lock algorithm's (spinlock_algo.c).
 */
#include <vpspin/wdm.h>

#include "ke_spinlock.h"

VOID FASTCALL KeAcquireInStackQueuedSpinLock(PKSPIN_LOCK SpinLock, PKLOCK_QUEUE_HANDLE LockHandle)
{
    enum vsp_taken how;
    LockHandle->LockQueue.Next = NULL;
    LockHandle->LockQueue.Lock = SpinLock;
    LockHandle->OldIrql =
        vsp_acquire(SpinLock, VSP_QUEUED, VSP_API_KeAcquireInStackQueuedSpinLock, &how);
}

VOID FASTCALL KeReleaseInStackQueuedSpinLock(PKLOCK_QUEUE_HANDLE LockHandle)
{
    vsp_release(LockHandle->LockQueue.Lock, VSP_QUEUED, VSP_API_KeReleaseInStackQueuedSpinLock,
                LockHandle->OldIrql);
}

VOID FASTCALL KeAcquireInStackQueuedSpinLockAtDpcLevel(PKSPIN_LOCK SpinLock,
                                                       PKLOCK_QUEUE_HANDLE LockHandle)
{
    enum vsp_taken how;
    LockHandle->LockQueue.Next = NULL;
    LockHandle->LockQueue.Lock = SpinLock;
    vsp_acquire(SpinLock, VSP_QUEUED_DPC, VSP_API_KeAcquireInStackQueuedSpinLockAtDpcLevel,
                &how);
}

VOID FASTCALL KeReleaseInStackQueuedSpinLockFromDpcLevel(PKLOCK_QUEUE_HANDLE LockHandle)
{
    vsp_release(LockHandle->LockQueue.Lock, VSP_QUEUED_DPC,
                VSP_API_KeReleaseInStackQueuedSpinLockFromDpcLevel, -1);
}
