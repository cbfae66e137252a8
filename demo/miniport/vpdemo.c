/*
 * vpdemo.c - a sample video miniport for a display adapter with a command ring
 * (vpdemo_hw.h), written only against <vpspin/video.h>, the way a Windows XPDM miniport
 * is written: it finds its adapter through VideoPortGetAccessRanges and its PCI
 * configuration space, maps its registers, ring and mode ports with
 * VideoPortGetDeviceBase, and drives it through registers, a doorbell and an interrupt.
 *
 * The adapter. Commands go into the ring in BAR1; the driver writes the new tail into the
 * DOORBELL register; the adapter executes commands in order on its own time, advances its
 * FENCE register past them, sets STATUS.DONE and interrupts. On vpspin the adapter is a
 * device model (vpdemo_model.c), not code of this file.
 *
 * Who runs where, and what protects what:
 *
 *   HwStartIO (PASSIVE_LEVEL, one at a time)  IOCTL_VPDEMO_SUBMIT: under RingLock (raising
 *       acquire) write the command into the ring slot (VideoPortWriteRegisterBufferUlong)
 *       and its shadow, ring the doorbell (VideoPortWriteRegisterUlong), then under
 *       StatsLock (nested, AtDpcLevel) count it. The display IOCTLs: modes through the
 *       mode ports (VideoPortWritePortUshort), the frame buffer through VideoPortMapMemory.
 *   HwInterrupt (device IRQL, interrupt lock held)  read STATUS; if DONE is not set, not
 *       ours; else acknowledge it (write 1 to clear), read FENCE, publish it (AckedFence)
 *       and queue the DPC.
 *   DPC (DISPATCH_LEVEL)  read AckedFence with VideoPortSynchronizeExecution(Medium);
 *       under RingLock (AtDpcLevel) retire the commands up to it from the shadow ring,
 *       checking each client's sequence (in order, once each); under StatsLock count them.
 *   HwTimer (DISPATCH_LEVEL, about once a second)  the hang watchdog: with
 *       VideoPortSynchronizeExecution(Medium), if commands are outstanding (FENCE behind
 *       the tail HwStartIO published there) and FENCE has not moved since the last tick,
 *       count a hang. It takes no spin lock of the miniport's: VideoPortStopTimer does
 *       not wait for a call in flight, so one may run after the shutdown deleted them.
 *
 *   RingLock   the shadow ring, Head, Tail, Retired[] (retire order per client), the
 *              ring's device memory and the doorbell (written in ring order)
 *   StatsLock  Submitted/Completed counts and sums, DpcRuns, the DPC's IRQL checks;
 *              always taken inside RingLock (one lock order)
 *   interrupt lock (Medium synchronize routines and the ISR)  AckedFence, Running,
 *              SubmittedTail, the ISR's and the timer's counters, the watchdog's FENCE
 *              reads
 *   HwStartIO's serialization  RingFull, the StartIO IRQL checks, the injected bug, the
 *              mode and the frame buffer mapping
 *
 * The DPC is counted in DpcsOutstanding (interlocked) from before it is queued to the
 * end of its routine, so that IOCTL_VPDEMO_SHUTDOWN knows when no DPC will touch the
 * spin locks any more and it may delete them. Running (under the interrupt lock) keeps
 * the ISR and the watchdog off the registers once the shutdown has begun, so that their
 * mappings can be freed.
 */
#include "vpdemo.h"
#include "vpdemo_hw.h"

#define RING_MASK (VPDEMO_RING_CAPACITY - 1)
#define NUM_MODES 3

typedef struct _HW_DEVICE_EXTENSION {
    PSPIN_LOCK RingLock;
    PSPIN_LOCK StatsLock;

    /* The adapter: its ranges and mappings (set in HwFindAdapter). */
    VIDEO_ACCESS_RANGE Ranges[VPDEMO_RANGES];
    PUCHAR Regs;  /* BAR0 */
    PULONG Ring;  /* BAR1 */
    PUCHAR Ports; /* BAR3: the port number of the mode ports */
    ULONG DeviceIrql;

    /* Under RingLock. */
    VPDEMO_COMMAND Shadow[VPDEMO_RING_CAPACITY];
    ULONG Head; /* the next command to retire */
    ULONG Tail; /* the next free slot */
    ULONG Retired[VPDEMO_MAX_CLIENTS + 1];
    ULONG OwnSequence; /* the next command of VPDEMO_OWN_CLIENT */
    ULONGLONG OrderErrors;

    /* Under StatsLock. */
    ULONGLONG Submitted, SubmittedSum, Completed, CompletedSum, DpcRuns;
    ULONGLONG DpcIrqlChecks, DpcIrqlErrors;

    /* Under the interrupt lock. */
    ULONG AckedFence;    /* the fence the ISR last saw: what the DPC may retire up to */
    ULONG SubmittedTail; /* Tail, as HwStartIO last published it (for the watchdog) */
    BOOLEAN Running;     /* FALSE once shutting down: the ISR and the watchdog keep off */
    ULONGLONG Interrupts, Spurious, IsrIrqlChecks, IsrIrqlErrors;
    ULONG WatchdogFence, WatchdogTail;
    ULONGLONG TimerTicks, Hangs, TimerIrqlChecks, TimerIrqlErrors;

    /* HwStartIO's own (the port calls it one request at a time). */
    ULONGLONG RingFull, StartIoIrqlChecks, StartIoIrqlErrors;
    VPDEMO_BUG Bug;
    ULONG CurrentMode;
    PVOID FrameBuffer; /* mapped by IOCTL_VIDEO_MAP_VIDEO_MEMORY, or NULL */

    LONG DpcsOutstanding; /* interlocked */
    LONG DpcBug;          /* interlocked: 1 when the next DPC is to keep StatsLock */
    LONG IsrBug;          /* interlocked: 1 when the next interrupt is to misread */
} HW_DEVICE_EXTENSION, *PHW_DEVICE_EXTENSION;

static const struct {
    USHORT Width, Height;
} Modes[NUM_MODES] = {{640, 480}, {800, 600}, {1024, 768}};

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

static PULONG Register(PHW_DEVICE_EXTENSION Ext, ULONG Offset)
{
    return (PULONG)(Ext->Regs + Offset);
}

/* ---- Synchronize routines (device IRQL, interrupt lock held) -------------------------- */

typedef struct _SYNC_CONTEXT {
    PHW_DEVICE_EXTENSION Ext;
    ULONG Value;
} SYNC_CONTEXT, *PSYNC_CONTEXT;

static BOOLEAN ReadAckedFence(PVOID Context)
{
    PSYNC_CONTEXT sync = Context;
    sync->Value = sync->Ext->AckedFence;
    return TRUE;
}

static BOOLEAN PublishTail(PVOID Context)
{
    PSYNC_CONTEXT sync = Context;
    sync->Ext->SubmittedTail = sync->Value;
    return TRUE;
}

static BOOLEAN StopRunning(PVOID Context)
{
    PHW_DEVICE_EXTENSION ext = Context;
    ext->Running = FALSE;
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
    if (!ext->Running)
        return FALSE;
    ULONG fence = VideoPortReadRegisterUlong(Register(ext, VPDEMO_REG_FENCE));
    ext->TimerTicks++;
    ext->TimerIrqlChecks++;
    if (watchdog->TimerIrql != DISPATCH_LEVEL)
        ext->TimerIrqlErrors++;
    /* Outstanding both now and at the last tick, and no progress in between. */
    if (fence != ext->SubmittedTail && fence == ext->WatchdogFence &&
        ext->WatchdogFence != ext->WatchdogTail)
        ext->Hangs++;
    ext->WatchdogFence = fence;
    ext->WatchdogTail = ext->SubmittedTail;
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
    query->Stats->Interrupts = ext->Interrupts;
    query->Stats->Spurious = ext->Spurious;
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
    ExpectIrql((KIRQL)ext->DeviceIrql, &ext->IsrIrqlChecks, &ext->IsrIrqlErrors);
    if (!ext->Running)
        return FALSE;
    if (VideoPortInterlockedExchange(&ext->IsrBug, 0) != 0) /* the injected bug: one register */
        (void)VideoPortReadRegisterUlong(Register(ext, VPDEMO_REGS_BYTES)); /* past BAR0's */
    ULONG status = VideoPortReadRegisterUlong(Register(ext, VPDEMO_REG_STATUS));
    if (!(status & VPDEMO_STATUS_DONE)) {
        ext->Spurious++;
        return FALSE; /* not our interrupt */
    }
    VideoPortWriteRegisterUlong(Register(ext, VPDEMO_REG_STATUS), VPDEMO_STATUS_DONE);
    ext->AckedFence = VideoPortReadRegisterUlong(Register(ext, VPDEMO_REG_FENCE));
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
    /* The fence counts commands executed: never past the tail, never behind the head. */
    while (ext->Head != sync.Value && ext->Head != ext->Tail) {
        VPDEMO_COMMAND command = ext->Shadow[ext->Head & RING_MASK];
        if (command.Client > VPDEMO_OWN_CLIENT || command.Sequence != ext->Retired[command.Client])
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

/* The planted race (VpDemoBugRace): the doorbell is rung before the command is written
 * into the device's ring. If the engine runs in between, the adapter executes what the slot
 * held before, and its EXECSUM no longer matches the keys submitted. Every lock is taken
 * and released by the rules, so no checked mode can report it: only an interleaving shows
 * it, and natively the window is a few hundred nanoseconds wide. */
static VP_STATUS SubmitRacy(PHW_DEVICE_EXTENSION Ext, PVPDEMO_COMMAND Command)
{
    SYNC_CONTEXT sync = {Ext, 0};
    UCHAR oldIrql;

    VideoPortAcquireSpinLock(Ext, Ext->RingLock, &oldIrql);
    ExpectIrql(DISPATCH_LEVEL, &Ext->StartIoIrqlChecks, &Ext->StartIoIrqlErrors);
    if (Ext->Tail - Ext->Head >= VPDEMO_RING_CAPACITY) {
        VideoPortReleaseSpinLock(Ext, Ext->RingLock, oldIrql);
        Ext->RingFull++;
        return ERROR_BUSY;
    }
    ULONG entry[2] = {Command->Client, Command->Sequence};
    ULONG slot = Ext->Tail & RING_MASK;
    Ext->Shadow[slot] = *Command;
    Ext->Tail++;
    sync.Value = Ext->Tail;
    VideoPortWriteRegisterUlong(Register(Ext, VPDEMO_REG_DOORBELL), Ext->Tail); /* too early */
    VideoPortAcquireSpinLockAtDpcLevel(Ext, Ext->StatsLock);
    Ext->Submitted++;
    Ext->SubmittedSum += CommandKey(*Command);
    VideoPortReleaseSpinLockFromDpcLevel(Ext, Ext->StatsLock);
    VideoPortReleaseSpinLock(Ext, Ext->RingLock, oldIrql);
    VideoPortAcquireSpinLock(Ext, Ext->RingLock, &oldIrql);
    VideoPortWriteRegisterBufferUlong(Ext->Ring + 2 * slot, entry, 2);
    VideoPortReleaseSpinLock(Ext, Ext->RingLock, oldIrql);
    VideoPortSynchronizeExecution(Ext, VpMediumPriority, PublishTail, &sync);
    return NO_ERROR;
}

static VP_STATUS Submit(PHW_DEVICE_EXTENSION Ext, PVPDEMO_COMMAND Command)
{
    SYNC_CONTEXT sync = {Ext, 0};
    BOOLEAN queued = FALSE;
    UCHAR oldIrql;

    if (Command != NULL && Command->Client >= VPDEMO_MAX_CLIENTS)
        return ERROR_INVALID_PARAMETER;
    if (Ext->Bug == VpDemoBugRace && Command != NULL)
        return SubmitRacy(Ext, Command);
    VideoPortAcquireSpinLock(Ext, Ext->RingLock, &oldIrql);
    ExpectIrql(DISPATCH_LEVEL, &Ext->StartIoIrqlChecks, &Ext->StartIoIrqlErrors);
    if (Ext->Tail - Ext->Head < VPDEMO_RING_CAPACITY) {
        VPDEMO_COMMAND command = {VPDEMO_OWN_CLIENT, Ext->OwnSequence};
        if (Command != NULL)
            command = *Command;
        else
            Ext->OwnSequence++;
        ULONG entry[2] = {command.Client, command.Sequence};
        ULONG slot = Ext->Tail & RING_MASK;
        Ext->Shadow[slot] = command;
        /* The command into the device's ring, then the doorbell: the adapter reads the
         * slot only once the doorbell says it is there. */
        VideoPortWriteRegisterBufferUlong(Ext->Ring + 2 * slot, entry, 2);
        Ext->Tail++;
        VideoPortWriteRegisterUlong(Register(Ext, VPDEMO_REG_DOORBELL), Ext->Tail);
        sync.Value = Ext->Tail;
        VideoPortAcquireSpinLockAtDpcLevel(Ext, Ext->StatsLock);
        Ext->Submitted++;
        Ext->SubmittedSum += CommandKey(command);
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
    /* For the watchdog, under the interrupt lock. It only grows: HwStartIO runs one
     * request at a time. */
    VideoPortSynchronizeExecution(Ext, VpMediumPriority, PublishTail, &sync);
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
    for (ULONG i = 0; i <= VPDEMO_MAX_CLIENTS; i++)
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
    /* The adapter's own count: reading the low half latches the high half. */
    ULONG low = VideoPortReadRegisterUlong(Register(Ext, VPDEMO_REG_EXECSUM_LO));
    ULONG high = VideoPortReadRegisterUlong(Register(Ext, VPDEMO_REG_EXECSUM_HI));
    Stats->ExecutedSum = ((ULONGLONG)high << 32) | low;
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

static VOID UnmapFrameBuffer(PHW_DEVICE_EXTENSION Ext)
{
    if (Ext->FrameBuffer != NULL) {
        VideoPortUnmapMemory(Ext, Ext->FrameBuffer, NULL);
        Ext->FrameBuffer = NULL;
    }
}

static VP_STATUS Shutdown(PHW_DEVICE_EXTENSION Ext)
{
    /* No new HwTimer call, no interrupt from the adapter; the ISR and a timer call in
     * flight keep off the registers once Running is FALSE; then wait for the DPC in
     * flight, whose last act is the decrement. After that nothing but this routine
     * touches the spin locks and the mappings. */
    VideoPortStopTimer(Ext);
    VideoPortWriteRegisterUlong(Register(Ext, VPDEMO_REG_INTMASK), 0);
    VideoPortSynchronizeExecution(Ext, VpMediumPriority, StopRunning, Ext);
    while (ReadCounter(&Ext->DpcsOutstanding) != 0)
        VideoPortStallExecution(10);
    VideoPortDeleteSpinLock(Ext, Ext->StatsLock);
    VideoPortDeleteSpinLock(Ext, Ext->RingLock);
    Ext->StatsLock = Ext->RingLock = NULL;
    UnmapFrameBuffer(Ext);
    VideoPortFreeDeviceBase(Ext, Ext->Ports);
    VideoPortFreeDeviceBase(Ext, Ext->Ring);
    VideoPortFreeDeviceBase(Ext, Ext->Regs);
    Ext->Regs = Ext->Ports = NULL;
    Ext->Ring = NULL;
    return NO_ERROR;
}

/* ---- The display driver's requests -------------------------------------------------------- */

static VOID FillMode(ULONG Index, PVIDEO_MODE_INFORMATION Info)
{
    for (ULONG i = 0; i < sizeof *Info; i++)
        ((PUCHAR)Info)[i] = 0;
    Info->Length = sizeof *Info;
    Info->ModeIndex = Index;
    Info->VisScreenWidth = Modes[Index].Width;
    Info->VisScreenHeight = Modes[Index].Height;
    Info->ScreenStride = Modes[Index].Width * 4;
    Info->NumberOfPlanes = 1;
    Info->BitsPerPlane = 32;
    Info->Frequency = 60;
    Info->XMillimeter = Modes[Index].Width * 254 / 960;
    Info->YMillimeter = Modes[Index].Height * 254 / 960;
    Info->NumberRedBits = Info->NumberGreenBits = Info->NumberBlueBits = 8;
    Info->RedMask = 0xFF0000;
    Info->GreenMask = 0x00FF00;
    Info->BlueMask = 0x0000FF;
    Info->AttributeFlags = VIDEO_MODE_GRAPHICS | VIDEO_MODE_COLOR;
    Info->VideoMemoryBitmapWidth = Modes[Index].Width;
    Info->VideoMemoryBitmapHeight = Modes[Index].Height;
}

static VOID WriteModeRegister(PHW_DEVICE_EXTENSION Ext, USHORT Index, USHORT Value)
{
    VideoPortWritePortUshort((PUSHORT)(Ext->Ports + VPDEMO_PORT_INDEX), Index);
    VideoPortWritePortUshort((PUSHORT)(Ext->Ports + VPDEMO_PORT_DATA), Value);
}

static USHORT ReadModeRegister(PHW_DEVICE_EXTENSION Ext, USHORT Index)
{
    VideoPortWritePortUshort((PUSHORT)(Ext->Ports + VPDEMO_PORT_INDEX), Index);
    return VideoPortReadPortUshort((PUSHORT)(Ext->Ports + VPDEMO_PORT_DATA));
}

static VP_STATUS SetMode(PHW_DEVICE_EXTENSION Ext, ULONG Mode)
{
    Mode &= ~(VIDEO_MODE_NO_ZERO_MEMORY | VIDEO_MODE_MAP_MEM_LINEAR);
    if (Mode >= NUM_MODES)
        return ERROR_INVALID_PARAMETER;
    WriteModeRegister(Ext, VPDEMO_MODE_ENABLE, 0);
    WriteModeRegister(Ext, VPDEMO_MODE_XRES, Modes[Mode].Width);
    WriteModeRegister(Ext, VPDEMO_MODE_YRES, Modes[Mode].Height);
    WriteModeRegister(Ext, VPDEMO_MODE_BPP, 32);
    if (ReadModeRegister(Ext, VPDEMO_MODE_XRES) != Modes[Mode].Width)
        return ERROR_DEV_NOT_EXIST; /* the adapter did not take it */
    WriteModeRegister(Ext, VPDEMO_MODE_ENABLE, 1);
    Ext->CurrentMode = Mode;
    return NO_ERROR;
}

static VP_STATUS MapVideoMemory(PHW_DEVICE_EXTENSION Ext, PVIDEO_MEMORY_INFORMATION Info)
{
    ULONG length = Modes[Ext->CurrentMode].Width * Modes[Ext->CurrentMode].Height * 4;
    ULONG space = VIDEO_MEMORY_SPACE_MEMORY;
    PVOID base = NULL; /* the process to map into: this one */
    UnmapFrameBuffer(Ext);
    VP_STATUS status =
        VideoPortMapMemory(Ext, Ext->Ranges[VPDEMO_RANGE_FRAME].RangeStart, &length, &space, &base);
    if (status != NO_ERROR)
        return status;
    /* A display driver draws through this pointer; clear the top line, as a start. */
    for (ULONG x = 0; x < Modes[Ext->CurrentMode].Width; x++)
        ((volatile ULONG *)base)[x] = 0;
    Ext->FrameBuffer = base;
    Info->VideoRamBase = Info->FrameBufferBase = base;
    Info->VideoRamLength = Info->FrameBufferLength = length;
    return NO_ERROR;
}

static BOOLEAN DisplayRequest(PHW_DEVICE_EXTENSION Ext, PVIDEO_REQUEST_PACKET Rp)
{
    PSTATUS_BLOCK status = Rp->StatusBlock;
    switch (Rp->IoControlCode) {
    case IOCTL_VIDEO_QUERY_NUM_AVAIL_MODES:
        if (Rp->OutputBufferLength < sizeof(VIDEO_NUM_MODES)) {
            status->Status = ERROR_INSUFFICIENT_BUFFER;
        } else {
            PVIDEO_NUM_MODES num = Rp->OutputBuffer;
            num->NumModes = NUM_MODES;
            num->ModeInformationLength = sizeof(VIDEO_MODE_INFORMATION);
            status->Information = sizeof *num;
            status->Status = NO_ERROR;
        }
        return TRUE;
    case IOCTL_VIDEO_QUERY_AVAIL_MODES:
        if (Rp->OutputBufferLength < NUM_MODES * sizeof(VIDEO_MODE_INFORMATION)) {
            status->Status = ERROR_INSUFFICIENT_BUFFER;
        } else {
            for (ULONG i = 0; i < NUM_MODES; i++)
                FillMode(i, (PVIDEO_MODE_INFORMATION)Rp->OutputBuffer + i);
            status->Information = NUM_MODES * sizeof(VIDEO_MODE_INFORMATION);
            status->Status = NO_ERROR;
        }
        return TRUE;
    case IOCTL_VIDEO_QUERY_CURRENT_MODE:
        if (Rp->OutputBufferLength < sizeof(VIDEO_MODE_INFORMATION)) {
            status->Status = ERROR_INSUFFICIENT_BUFFER;
        } else {
            FillMode(Ext->CurrentMode, Rp->OutputBuffer);
            status->Information = sizeof(VIDEO_MODE_INFORMATION);
            status->Status = NO_ERROR;
        }
        return TRUE;
    case IOCTL_VIDEO_SET_CURRENT_MODE:
        status->Status = Rp->InputBufferLength < sizeof(VIDEO_MODE)
                             ? ERROR_INSUFFICIENT_BUFFER
                             : SetMode(Ext, ((PVIDEO_MODE)Rp->InputBuffer)->RequestedMode);
        return TRUE;
    case IOCTL_VIDEO_MAP_VIDEO_MEMORY:
        if (Rp->OutputBufferLength < sizeof(VIDEO_MEMORY_INFORMATION)) {
            status->Status = ERROR_INSUFFICIENT_BUFFER;
        } else {
            status->Status = MapVideoMemory(Ext, Rp->OutputBuffer);
            status->Information = sizeof(VIDEO_MEMORY_INFORMATION);
        }
        return TRUE;
    case IOCTL_VIDEO_UNMAP_VIDEO_MEMORY:
        UnmapFrameBuffer(Ext);
        status->Status = NO_ERROR;
        return TRUE;
    case IOCTL_VIDEO_RESET_DEVICE:
        WriteModeRegister(Ext, VPDEMO_MODE_ENABLE, 0);
        status->Status = NO_ERROR;
        return TRUE;
    default:
        return FALSE; /* not ours: the port answers ERROR_INVALID_FUNCTION */
    }
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
        if (RequestPacket->InputBufferLength == 0)
            status->Status = Submit(ext, NULL);
        else if (RequestPacket->InputBufferLength < sizeof(VPDEMO_COMMAND))
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
            else if (bug == VpDemoBugRegister)
                VideoPortInterlockedExchange(&ext->IsrBug, 1);
            else
                ext->Bug = (VPDEMO_BUG)bug;
            status->Status = NO_ERROR;
        }
        return TRUE;
    case IOCTL_VPDEMO_SHUTDOWN:
        status->Status = Shutdown(ext);
        return TRUE;
    default:
        return DisplayRequest(ext, RequestPacket);
    }
}

/* ---- Start ---------------------------------------------------------------------------- */

static VP_STATUS VpDemoFindAdapter(PVOID HwDeviceExtension, PVOID HwContext, PWSTR ArgumentString,
                                   PVIDEO_PORT_CONFIG_INFO ConfigInfo, PUCHAR Again)
{
    PHW_DEVICE_EXTENSION ext = HwDeviceExtension;
    ULONGLONG checks = 0, errors = 0;
    USHORT vendor = VPDEMO_VENDOR_ID, device = VPDEMO_DEVICE_ID;
    PCI_COMMON_CONFIG config;
    (void)HwContext;
    (void)ArgumentString;

    ExpectIrql(PASSIVE_LEVEL, &checks, &errors);
    if (errors != 0 || ConfigInfo->Length < sizeof(VIDEO_PORT_CONFIG_INFO))
        return ERROR_INVALID_PARAMETER;
    *Again = FALSE;
    /* Our adapter, its ranges, and nobody else's claim on them. */
    if (VideoPortGetAccessRanges(ext, 0, NULL, VPDEMO_RANGES, ext->Ranges, &vendor, &device,
                                 NULL) != NO_ERROR ||
        VideoPortVerifyAccessRanges(ext, VPDEMO_RANGES, ext->Ranges) != NO_ERROR)
        return ERROR_DEV_NOT_EXIST;
    if (VideoPortGetBusData(ext, PCIConfiguration, 0, &config, 0, PCI_COMMON_HDR_LENGTH) !=
            PCI_COMMON_HDR_LENGTH ||
        config.RevisionID < VPDEMO_REVISION)
        return ERROR_DEV_NOT_EXIST;
    /* The port gave the interrupt (BusInterruptLevel); ask for the data sheet's if not. */
    if (ConfigInfo->BusInterruptLevel == 0)
        ConfigInfo->BusInterruptLevel = VPDEMO_INTERRUPT_LEVEL;
    ext->DeviceIrql = ConfigInfo->BusInterruptLevel;
    ext->Regs = VideoPortGetDeviceBase(ext, ext->Ranges[VPDEMO_RANGE_REGS].RangeStart,
                                       VPDEMO_REGS_BYTES, VIDEO_MEMORY_SPACE_MEMORY);
    ext->Ring = VideoPortGetDeviceBase(ext, ext->Ranges[VPDEMO_RANGE_RING].RangeStart,
                                       VPDEMO_RING_BYTES, VIDEO_MEMORY_SPACE_MEMORY);
    ext->Ports = VideoPortGetDeviceBase(ext, ext->Ranges[VPDEMO_RANGE_MODE].RangeStart,
                                        VPDEMO_MODE_PORTS, VIDEO_MEMORY_SPACE_IO);
    if (ext->Regs == NULL || ext->Ring == NULL || ext->Ports == NULL ||
        VideoPortReadRegisterUlong(Register(ext, VPDEMO_REG_ID)) != VPDEMO_ID)
        return ERROR_DEV_NOT_EXIST;
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
    /* No interrupt of ours can come before this: the adapter interrupts once told to. */
    ext->Running = TRUE;
    VideoPortWriteRegisterUlong(Register(ext, VPDEMO_REG_INTMASK), VPDEMO_STATUS_DONE);
    VideoPortStartTimer(ext);
    return SetMode(ext, 0) == NO_ERROR;
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
