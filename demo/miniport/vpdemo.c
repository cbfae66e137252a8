/*
 * vpdemo.c - a sample video miniport: a simulated display adapter with a command ring,
 * written only against <vpspin/video.h>, the way a Windows XPDM miniport is written.
 *
 * The adapter. Commands go into a ring in the device extension (shared with the adapter,
 * as DMA memory would be); the driver rings a doorbell register with the new tail; the
 * adapter executes commands in order, advances its fence register past them and raises
 * an interrupt. Here the adapter is simulated by SimAdapterInterrupt, the one routine
 * that plays hardware: when the device interrupts, it executes up to 64 commands
 * between the fence and the doorbell (summing their keys into ExecutedSum).
 *
 * Who runs where, and what protects what:
 *
 *   HwStartIO (PASSIVE_LEVEL, one at a time)  IOCTL_VPDEMO_SUBMIT: under RingLock (raising
 *       acquire) put the command in the ring, then under StatsLock (nested, AtDpcLevel)
 *       count it; then ring the doorbell with VideoPortSynchronizeExecution(Medium),
 *       because the doorbell is read by the ISR.
 *   HwInterrupt (device IRQL, interrupt lock held)  let the adapter run; if the fence
 *       moved, publish it (AckedFence) and queue the DPC; claim the interrupt.
 *   DPC (DISPATCH_LEVEL)  read AckedFence with VideoPortSynchronizeExecution(Medium);
 *       under RingLock (AtDpcLevel) retire the commands up to it, checking each client's
 *       sequence (in order, once each); under StatsLock (nested) count them.
 *   HwTimer (DISPATCH_LEVEL, about once a second)  the hang watchdog: with
 *       VideoPortSynchronizeExecution(Medium), if commands are outstanding and the fence
 *       has not moved since the last tick, count a hang.
 *
 *   RingLock   the ring slots, Head, Tail, Retired[] (retire order per client)
 *   StatsLock  Submitted/Completed counts and sums, DpcRuns, the DPC's IRQL checks;
 *              always taken inside RingLock (one lock order)
 *   interrupt lock (Medium synchronize routines and the ISR)  Doorbell, Fence,
 *              AckedFence, InterruptsEnabled, the ISR's and the timer's counters
 *   HwStartIO's serialization  RingFull, the StartIO IRQL checks, the injected bug
 *
 * The DPC is counted in DpcsOutstanding (interlocked) from before it is queued to the
 * end of its routine, so that IOCTL_VPDEMO_SHUTDOWN knows when no DPC will touch the
 * spin locks any more and it may delete them.
 */
#include "vpdemo.h"

#define RING_MASK     (VPDEMO_RING_CAPACITY - 1)
#define ADAPTER_BATCH 64

typedef struct _HW_DEVICE_EXTENSION {
    PSPIN_LOCK RingLock;
    PSPIN_LOCK StatsLock;

    /* Under RingLock. */
    VPDEMO_COMMAND Ring[VPDEMO_RING_CAPACITY];
    ULONG Head; /* the next command to retire */
    ULONG Tail; /* the next free slot */
    ULONG Retired[VPDEMO_MAX_CLIENTS];
    ULONGLONG OrderErrors;

    /* Under StatsLock. */
    ULONGLONG Submitted, SubmittedSum, Completed, CompletedSum, DpcRuns;
    ULONGLONG DpcIrqlChecks, DpcIrqlErrors;

    /* "Registers" and ISR state: under the interrupt lock. */
    ULONG Doorbell;   /* the driver's tail, as the adapter sees it */
    ULONG Fence;      /* the adapter has executed every command before it */
    ULONG AckedFence; /* the fence the ISR last saw: what the DPC may retire up to */
    BOOLEAN InterruptsEnabled;
    ULONGLONG ExecutedSum, Interrupts, IsrIrqlChecks, IsrIrqlErrors;
    ULONG WatchdogFence;
    ULONGLONG TimerTicks, Hangs, TimerIrqlChecks, TimerIrqlErrors;

    /* HwStartIO's own (the port calls it one request at a time). */
    ULONGLONG RingFull, StartIoIrqlChecks, StartIoIrqlErrors;
    VPDEMO_BUG Bug;

    LONG DpcsOutstanding; /* interlocked */
    LONG DpcBug;          /* interlocked: 1 when the next DPC is to keep StatsLock */
} HW_DEVICE_EXTENSION, *PHW_DEVICE_EXTENSION;

static ULONGLONG CommandKey(VPDEMO_COMMAND Command)
{
    return ((ULONGLONG)Command.Client << 32) | Command.Sequence;
}

/* Counts an IRQL assertion in the caller's counters (protected by the caller). */
static VOID ExpectIrql(KIRQL Expected, ULONGLONG *Checks, ULONGLONG *Errors)
{
    *Checks += 1;
    if (VideoPortGetCurrentIrql() != Expected)
        *Errors += 1;
}

/* ---- The simulated adapter ----------------------------------------------------------- */

/* Hardware, not driver code: runs when the device interrupts (interrupt lock held). */
static VOID SimAdapterInterrupt(PHW_DEVICE_EXTENSION Ext)
{
    ULONG n = 0;
    while (Ext->Fence != Ext->Doorbell && n++ < ADAPTER_BATCH) {
        Ext->ExecutedSum += CommandKey(Ext->Ring[Ext->Fence & RING_MASK]);
        Ext->Fence++;
    }
}

/* ---- Synchronize routines (device IRQL, interrupt lock held) -------------------------- */

typedef struct _SYNC_CONTEXT {
    PHW_DEVICE_EXTENSION Ext;
    ULONG Value;
} SYNC_CONTEXT, *PSYNC_CONTEXT;

static BOOLEAN RingDoorbell(PVOID Context)
{
    PSYNC_CONTEXT sync = Context;
    sync->Ext->Doorbell = sync->Value;
    return TRUE;
}

static BOOLEAN ReadAckedFence(PVOID Context)
{
    PSYNC_CONTEXT sync = Context;
    sync->Value = sync->Ext->AckedFence;
    return TRUE;
}

static BOOLEAN DisableInterrupts(PVOID Context)
{
    PHW_DEVICE_EXTENSION ext = Context;
    ext->InterruptsEnabled = FALSE;
    return TRUE;
}

typedef struct _WATCHDOG_CONTEXT {
    PHW_DEVICE_EXTENSION Ext;
    KIRQL TimerIrql; /* the IRQL HwTimer was called at */
} WATCHDOG_CONTEXT, *PWATCHDOG_CONTEXT;

static BOOLEAN WatchdogCheck(PVOID Context)
{
    PWATCHDOG_CONTEXT watchdog = Context;
    PHW_DEVICE_EXTENSION ext = watchdog->Ext;
    ext->TimerTicks++;
    ext->TimerIrqlChecks++;
    if (watchdog->TimerIrql != DISPATCH_LEVEL)
        ext->TimerIrqlErrors++;
    if (ext->Fence != ext->Doorbell && ext->Fence == ext->WatchdogFence)
        ext->Hangs++;
    ext->WatchdogFence = ext->Fence;
    return TRUE;
}

typedef struct _QUERY_CONTEXT {
    PHW_DEVICE_EXTENSION Ext;
    PVPDEMO_STATISTICS Stats;
} QUERY_CONTEXT, *PQUERY_CONTEXT;

static BOOLEAN QueryInterruptState(PVOID Context)
{
    PQUERY_CONTEXT query = Context;
    PHW_DEVICE_EXTENSION ext = query->Ext;
    query->Stats->ExecutedSum = ext->ExecutedSum;
    query->Stats->Interrupts = ext->Interrupts;
    query->Stats->TimerTicks = ext->TimerTicks;
    query->Stats->Hangs = ext->Hangs;
    query->Stats->IrqlChecks += ext->IsrIrqlChecks + ext->TimerIrqlChecks;
    query->Stats->IrqlErrors += ext->IsrIrqlErrors + ext->TimerIrqlErrors;
    return TRUE;
}

/* ---- Interrupt, DPC, timer -------------------------------------------------------------- */

static VOID VpDemoDpc(PVOID HwDeviceExtension, PVOID Context);

static BOOLEAN VpDemoInterrupt(PVOID HwDeviceExtension)
{
    PHW_DEVICE_EXTENSION ext = HwDeviceExtension;
    ExpectIrql(VPDEMO_DEVICE_IRQL, &ext->IsrIrqlChecks, &ext->IsrIrqlErrors);
    if (!ext->InterruptsEnabled)
        return FALSE;
    SimAdapterInterrupt(ext);
    if (ext->Fence == ext->AckedFence)
        return FALSE; /* nothing new: not our interrupt */
    ext->AckedFence = ext->Fence;
    ext->Interrupts++;
    /* Counted before queuing, so that it is never 0 while a DPC is pending. */
    VideoPortInterlockedIncrement(&ext->DpcsOutstanding);
    if (!VideoPortQueueDpc(ext, VpDemoDpc, NULL))
        VideoPortInterlockedDecrement(&ext->DpcsOutstanding); /* the queued one will do */
    return TRUE;
}

static VOID VpDemoDpc(PVOID HwDeviceExtension, PVOID Context)
{
    PHW_DEVICE_EXTENSION ext = HwDeviceExtension;
    SYNC_CONTEXT sync = {ext, 0};
    ULONGLONG retired = 0, sum = 0;
    KIRQL irql = VideoPortGetCurrentIrql();
    (void)Context;

    VideoPortSynchronizeExecution(ext, VpMediumPriority, ReadAckedFence, &sync);

    VideoPortAcquireSpinLockAtDpcLevel(ext, ext->RingLock);
    while (ext->Head != sync.Value) {
        VPDEMO_COMMAND command = ext->Ring[ext->Head & RING_MASK];
        if (command.Client >= VPDEMO_MAX_CLIENTS ||
            command.Sequence != ext->Retired[command.Client])
            ext->OrderErrors++;
        else
            ext->Retired[command.Client]++;
        ext->Head++;
        retired++;
        sum += CommandKey(command);
    }
    VideoPortAcquireSpinLockAtDpcLevel(ext, ext->StatsLock);
    ext->DpcIrqlChecks++;
    if (irql != DISPATCH_LEVEL || VideoPortGetCurrentIrql() != DISPATCH_LEVEL)
        ext->DpcIrqlErrors++;
    ext->Completed += retired;
    ext->CompletedSum += sum;
    ext->DpcRuns++;
    if (VideoPortInterlockedExchange(&ext->DpcBug, 0) == 0)
        VideoPortReleaseSpinLockFromDpcLevel(ext, ext->StatsLock);
    /* else the injected bug: this DPC returns holding StatsLock */
    VideoPortReleaseSpinLockFromDpcLevel(ext, ext->RingLock);

    VideoPortInterlockedDecrement(&ext->DpcsOutstanding); /* last: no lock touched after */
}

static VOID VpDemoTimer(PVOID HwDeviceExtension)
{
    WATCHDOG_CONTEXT watchdog = {HwDeviceExtension, VideoPortGetCurrentIrql()};
    VideoPortSynchronizeExecution(HwDeviceExtension, VpMediumPriority, WatchdogCheck, &watchdog);
}

/* ---- Requests (HwStartIO, PASSIVE_LEVEL) ------------------------------------------------ */

/* The planted race (VpDemoBugRace): the slot is reserved and the doorbell rung before the
 * command is written into it. An interrupt in between lets the adapter execute what the
 * slot held before; the keys executed then differ from those submitted. Every lock is
 * taken and released by the rules, so no checked mode can report it: only an interleaving
 * shows it, and natively the window is a few hundred nanoseconds wide. */
static VP_STATUS SubmitRacy(PHW_DEVICE_EXTENSION Ext, PVPDEMO_COMMAND Command)
{
    SYNC_CONTEXT sync = {Ext, 0};
    UCHAR oldIrql;
    ULONG slot;

    VideoPortAcquireSpinLock(Ext, Ext->RingLock, &oldIrql);
    ExpectIrql(DISPATCH_LEVEL, &Ext->StartIoIrqlChecks, &Ext->StartIoIrqlErrors);
    if (Ext->Tail - Ext->Head >= VPDEMO_RING_CAPACITY) {
        VideoPortReleaseSpinLock(Ext, Ext->RingLock, oldIrql);
        Ext->RingFull++;
        return ERROR_BUSY;
    }
    slot = Ext->Tail++;
    sync.Value = Ext->Tail;
    VideoPortAcquireSpinLockAtDpcLevel(Ext, Ext->StatsLock);
    Ext->Submitted++;
    Ext->SubmittedSum += CommandKey(*Command);
    VideoPortReleaseSpinLockFromDpcLevel(Ext, Ext->StatsLock);
    VideoPortReleaseSpinLock(Ext, Ext->RingLock, oldIrql);
    VideoPortSynchronizeExecution(Ext, VpMediumPriority, RingDoorbell, &sync); /* too early */
    VideoPortAcquireSpinLock(Ext, Ext->RingLock, &oldIrql);
    Ext->Ring[slot & RING_MASK] = *Command;
    VideoPortReleaseSpinLock(Ext, Ext->RingLock, oldIrql);
    return NO_ERROR;
}

static VP_STATUS Submit(PHW_DEVICE_EXTENSION Ext, PVPDEMO_COMMAND Command)
{
    SYNC_CONTEXT sync = {Ext, 0};
    BOOLEAN queued = FALSE;
    UCHAR oldIrql;

    if (Command->Client >= VPDEMO_MAX_CLIENTS)
        return ERROR_INVALID_PARAMETER;
    if (Ext->Bug == VpDemoBugRace)
        return SubmitRacy(Ext, Command);
    VideoPortAcquireSpinLock(Ext, Ext->RingLock, &oldIrql);
    ExpectIrql(DISPATCH_LEVEL, &Ext->StartIoIrqlChecks, &Ext->StartIoIrqlErrors);
    if (Ext->Tail - Ext->Head < VPDEMO_RING_CAPACITY) {
        Ext->Ring[Ext->Tail & RING_MASK] = *Command;
        Ext->Tail++;
        sync.Value = Ext->Tail;
        VideoPortAcquireSpinLockAtDpcLevel(Ext, Ext->StatsLock);
        Ext->Submitted++;
        Ext->SubmittedSum += CommandKey(*Command);
        VideoPortReleaseSpinLockFromDpcLevel(Ext, Ext->StatsLock);
        queued = TRUE;
    }
    if (Ext->Bug == VpDemoBugReleaseIrql) {
        Ext->Bug = VpDemoBugNone;
        VideoPortReleaseSpinLock(Ext, Ext->RingLock, APC_LEVEL); /* the bug: not oldIrql */
    } else {
        VideoPortReleaseSpinLock(Ext, Ext->RingLock, oldIrql);
    }
    ExpectIrql(PASSIVE_LEVEL, &Ext->StartIoIrqlChecks, &Ext->StartIoIrqlErrors);
    if (!queued) {
        Ext->RingFull++;
        return ERROR_BUSY;
    }
    /* The doorbell is a register the ISR reads: write it under the interrupt lock. It
     * only grows, as HwStartIO runs one request at a time. */
    VideoPortSynchronizeExecution(Ext, VpMediumPriority, RingDoorbell, &sync);
    return NO_ERROR;
}

/* Whether every queued command has been retired. */
static BOOLEAN RingEmpty(PHW_DEVICE_EXTENSION Ext)
{
    UCHAR oldIrql;
    VideoPortAcquireSpinLock(Ext, Ext->RingLock, &oldIrql);
    BOOLEAN empty = Ext->Head == Ext->Tail;
    VideoPortReleaseSpinLock(Ext, Ext->RingLock, oldIrql);
    return empty;
}

static VP_STATUS Drain(PHW_DEVICE_EXTENSION Ext)
{
    /* About 10 s of polling, 100 us apart. PASSIVE_LEVEL: a real driver would wait on an
     * event; a stall keeps this sample inside video.h. */
    for (ULONG i = 0; i < 100000; i++) {
        if (RingEmpty(Ext))
            return NO_ERROR;
        VideoPortStallExecution(100);
    }
    return ERROR_MORE_DATA;
}

static VP_STATUS Query(PHW_DEVICE_EXTENSION Ext, PVPDEMO_STATISTICS Stats)
{
    QUERY_CONTEXT query = {Ext, Stats};
    UCHAR oldIrql;

    for (ULONG i = 0; i < sizeof *Stats; i++)
        ((PUCHAR)Stats)[i] = 0;
    VideoPortAcquireSpinLock(Ext, Ext->RingLock, &oldIrql);
    for (ULONG i = 0; i < VPDEMO_MAX_CLIENTS; i++)
        Stats->Retired[i] = Ext->Retired[i];
    Stats->OrderErrors = Ext->OrderErrors;
    VideoPortAcquireSpinLockAtDpcLevel(Ext, Ext->StatsLock);
    Stats->Submitted = Ext->Submitted;
    Stats->SubmittedSum = Ext->SubmittedSum;
    Stats->Completed = Ext->Completed;
    Stats->CompletedSum = Ext->CompletedSum;
    Stats->DpcRuns = Ext->DpcRuns;
    Stats->IrqlChecks = Ext->DpcIrqlChecks + Ext->StartIoIrqlChecks;
    Stats->IrqlErrors = Ext->DpcIrqlErrors + Ext->StartIoIrqlErrors;
    VideoPortReleaseSpinLockFromDpcLevel(Ext, Ext->StatsLock);
    VideoPortReleaseSpinLock(Ext, Ext->RingLock, oldIrql);
    Stats->RingFull = Ext->RingFull;
    VideoPortSynchronizeExecution(Ext, VpMediumPriority, QueryInterruptState, &query);
    Stats->RingLock = Ext->RingLock;
    Stats->StatsLock = Ext->StatsLock;
    return NO_ERROR;
}

/* A snapshot of an interlocked counter (Increment and Decrement are the only reads the
 * port offers; the transient +1 means nothing to the other users). */
static LONG ReadCounter(PLONG Counter)
{
    VideoPortInterlockedIncrement(Counter);
    return VideoPortInterlockedDecrement(Counter);
}

static VP_STATUS Shutdown(PHW_DEVICE_EXTENSION Ext)
{
    /* No new HwTimer call (one in flight uses only the interrupt lock), no new DPC from
     * the ISR; then wait for the DPC in flight, whose last act is the decrement. After
     * that nothing but this routine touches the spin locks. */
    VideoPortStopTimer(Ext);
    VideoPortSynchronizeExecution(Ext, VpMediumPriority, DisableInterrupts, Ext);
    while (ReadCounter(&Ext->DpcsOutstanding) != 0)
        VideoPortStallExecution(10);
    VideoPortDeleteSpinLock(Ext, Ext->StatsLock);
    VideoPortDeleteSpinLock(Ext, Ext->RingLock);
    Ext->StatsLock = Ext->RingLock = NULL;
    return NO_ERROR;
}

static BOOLEAN VpDemoStartIO(PVOID HwDeviceExtension, PVIDEO_REQUEST_PACKET RequestPacket)
{
    PHW_DEVICE_EXTENSION ext = HwDeviceExtension;
    PSTATUS_BLOCK status = RequestPacket->StatusBlock;

    ExpectIrql(PASSIVE_LEVEL, &ext->StartIoIrqlChecks, &ext->StartIoIrqlErrors);
    status->Information = 0;
    if (ext->RingLock == NULL) { /* shut down */
        status->Status = ERROR_DEV_NOT_EXIST;
        return TRUE;
    }
    switch (RequestPacket->IoControlCode) {
    case IOCTL_VPDEMO_SUBMIT:
        if (RequestPacket->InputBufferLength < sizeof(VPDEMO_COMMAND))
            status->Status = ERROR_INSUFFICIENT_BUFFER;
        else
            status->Status = Submit(ext, RequestPacket->InputBuffer);
        return TRUE;
    case IOCTL_VPDEMO_DRAIN:
        status->Status = Drain(ext);
        return TRUE;
    case IOCTL_VPDEMO_QUERY:
        if (RequestPacket->OutputBufferLength < sizeof(VPDEMO_STATISTICS)) {
            status->Status = ERROR_INSUFFICIENT_BUFFER;
        } else {
            status->Status = Query(ext, RequestPacket->OutputBuffer);
            status->Information = sizeof(VPDEMO_STATISTICS);
        }
        return TRUE;
    case IOCTL_VPDEMO_INJECT_BUG:
        if (RequestPacket->InputBufferLength < sizeof(ULONG)) {
            status->Status = ERROR_INSUFFICIENT_BUFFER;
        } else {
            ULONG bug = *(PULONG)RequestPacket->InputBuffer;
            if (bug == VpDemoBugDpcHoldsLock)
                VideoPortInterlockedExchange(&ext->DpcBug, 1);
            else
                ext->Bug = (VPDEMO_BUG)bug;
            status->Status = NO_ERROR;
        }
        return TRUE;
    case IOCTL_VPDEMO_SHUTDOWN:
        status->Status = Shutdown(ext);
        return TRUE;
    default:
        return FALSE; /* not ours: the port answers ERROR_INVALID_FUNCTION */
    }
}

/* ---- Start ---------------------------------------------------------------------------- */

static VP_STATUS VpDemoFindAdapter(PVOID HwDeviceExtension, PVOID HwContext, PWSTR ArgumentString,
                                   PVIDEO_PORT_CONFIG_INFO ConfigInfo, PUCHAR Again)
{
    PHW_DEVICE_EXTENSION ext = HwDeviceExtension;
    ULONGLONG checks = 0, errors = 0;
    (void)HwContext;
    (void)ArgumentString;

    ExpectIrql(PASSIVE_LEVEL, &checks, &errors);
    if (errors != 0 || ConfigInfo->Length < sizeof(VIDEO_PORT_CONFIG_INFO))
        return ERROR_INVALID_PARAMETER;
    ConfigInfo->BusInterruptLevel = VPDEMO_DEVICE_IRQL;
    *Again = FALSE;
    if (VideoPortCreateSpinLock(ext, &ext->RingLock) != NO_ERROR)
        return ERROR_NOT_ENOUGH_MEMORY;
    if (VideoPortCreateSpinLock(ext, &ext->StatsLock) != NO_ERROR) {
        VideoPortDeleteSpinLock(ext, ext->RingLock);
        ext->RingLock = NULL;
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    return NO_ERROR;
}

static BOOLEAN VpDemoInitialize(PVOID HwDeviceExtension)
{
    PHW_DEVICE_EXTENSION ext = HwDeviceExtension;
    ExpectIrql(PASSIVE_LEVEL, &ext->StartIoIrqlChecks, &ext->StartIoIrqlErrors);
    ext->InterruptsEnabled = TRUE; /* no interrupt can come before HwInitialize returns */
    VideoPortStartTimer(ext);
    return TRUE;
}

ULONG VpDemoDriverEntry(PVOID Argument1, PVOID Argument2)
{
    VIDEO_HW_INITIALIZATION_DATA init;
    for (ULONG i = 0; i < sizeof init; i++)
        ((PUCHAR)&init)[i] = 0;
    init.HwInitDataSize = sizeof init;
    init.HwFindAdapter = VpDemoFindAdapter;
    init.HwInitialize = VpDemoInitialize;
    init.HwInterrupt = VpDemoInterrupt;
    init.HwStartIO = VpDemoStartIO;
    init.HwTimer = VpDemoTimer;
    init.HwDeviceExtensionSize = sizeof(HW_DEVICE_EXTENSION);
    return VideoPortInitialize(Argument1, Argument2, &init, NULL);
}
