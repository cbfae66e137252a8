/*
 * test_adapter.c - the simulated adapter: a device model written here ("tdev": an ID, a
 * status register, an interrupt mask, a doorbell, a fence and a scratch register in BAR0,
 * a command ring in BAR1, index/data and FIFO ports in BAR2, legacy ports without a BAR)
 * driven by a miniport written here ("tmp") through every hardware service, under the
 * full checked mode; then each rule of the device accesses fires with its parameters,
 * correct code stays silent, and the API refuses bad arguments. The edges too: misaligned
 * accesses, a configuration header written whole, a full table of mappings, allocations
 * and file descriptors that fail; and (in children, first) a page fault that is not the
 * adapter's reaches the handler the program had, or kills it as it would have.
 *
 * The model executes the ring's commands (each adds its value to a sum) in an event after
 * the doorbell, sets DONE in the status register and raises the interrupt when the mask
 * lets it; the miniport's ISR acknowledges (write 1 to clear), reads the fence and queues
 * its DPC, which retires the commands up to that fence. Every command submitted must be
 * executed once (the model's sum and count) and retired (the miniport's count), and no
 * report made. The rules are provoked from the test's thread through the same services,
 * with a bug check handler that records each report.
 */
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vpspin/adapter.h>

#include "check.h"

#ifndef ERROR_BUSY
#define ERROR_BUSY 170L
#endif

/* ---- The device ------------------------------------------------------------------------ */

#define TDEV_VENDOR 0x1A2B
#define TDEV_DEVICE 0x0042
#define TDEV_ID     0x54444556u /* "TDEV" */
#define TDEV_IRQ    7

#define R_ID       0x00
#define R_STATUS   0x04 /* bit 0 DONE; write 1 to clear */
#define R_MASK     0x08 /* bit 0: interrupt on DONE */
#define R_DOORBELL 0x0C
#define R_FENCE    0x10
#define R_SCRATCH  0x14
#define S_DONE     1u

#define P_INDEX 0x0 /* USHORT: which indexed register */
#define P_DATA  0x2 /* USHORT: the indexed register */
#define P_FIFO  0x4 /* UCHAR: reads give 1, 2, 3...; writes are logged */
#define P_WIDE  0x8 /* ULONG: a plain register */

#define RING_ENTRIES 256u
#define REGS_START   0xF1000000u
#define RING_START   0xF2000000u
#define PORTS_START  0x5000u
#define LEGACY_START 0x3C0u

static const vpspin_range tdev_ranges[4] = {
    {.Start = {.QuadPart = REGS_START}, .Length = 0x100, .Bar = 0},
    {.Start = {.QuadPart = RING_START}, .Length = RING_ENTRIES * 8, .Bar = 1},
    {.Start = {.QuadPart = PORTS_START}, .Length = 0x10, .InIoSpace = TRUE, .Bar = 2},
    {.Start = {.QuadPart = LEGACY_START}, .Length = 0x20, .InIoSpace = TRUE, .Bar = VPSPIN_NO_BAR},
};

struct tdev {
    vpspin_adapter *adapter;
    ULONG *ring; /* the device's side of BAR1 */
    ULONG status, mask, doorbell, fence, scratch, wide;
    USHORT index, indexed[16];
    UCHAR fifo_next;
    UCHAR fifo_log[64];
    unsigned fifo_logged;
    ULONGLONG executed, sum; /* commands the device executed, and their values' sum */
    bool pending;            /* an execute event is scheduled */
    unsigned schedule_failures;
    unsigned cleanups;
};

static void tdev_execute(PVOID Context, vpspin_adapter *Adapter)
{
    struct tdev *t = Context;
    t->pending = false;
    while (t->fence != t->doorbell) {
        ULONG *entry = &t->ring[(t->fence % RING_ENTRIES) * 2];
        t->sum += __atomic_load_n(&entry[0], __ATOMIC_ACQUIRE);
        t->executed++;
        t->fence++;
    }
    t->status |= S_DONE;
    if (t->mask & S_DONE)
        vpspin_raise_adapter_interrupt(Adapter, 0);
}

static ULONG tdev_read(PVOID Context, vpspin_adapter *Adapter, ULONG Range, ULONG Offset,
                       ULONG Size)
{
    struct tdev *t = Context;
    (void)Adapter;
    if (Range == 2) { /* ports */
        if (Offset == P_DATA)
            return t->indexed[t->index % 16];
        if (Offset == P_FIFO)
            return ++t->fifo_next;
        if (Offset == P_WIDE && Size == 4)
            return t->wide;
        return 0xDEAD;
    }
    switch (Offset & ~3u) { /* registers: a narrow read gives that byte lane */
    case R_ID:
        return TDEV_ID >> (8 * (Offset & 3));
    case R_STATUS:
        return t->status;
    case R_MASK:
        return t->mask;
    case R_FENCE:
        return t->fence;
    case R_SCRATCH:
        return t->scratch >> (8 * (Offset & 3));
    default:
        return 0;
    }
}

static void tdev_write(PVOID Context, vpspin_adapter *Adapter, ULONG Range, ULONG Offset,
                       ULONG Size, ULONG Value)
{
    struct tdev *t = Context;
    if (Range == 2) {
        if (Offset == P_INDEX)
            t->index = (USHORT)Value;
        else if (Offset == P_DATA)
            t->indexed[t->index % 16] = (USHORT)Value;
        else if (Offset == P_FIFO && t->fifo_logged < sizeof t->fifo_log)
            t->fifo_log[t->fifo_logged++] = (UCHAR)Value;
        else if (Offset == P_WIDE && Size == 4)
            t->wide = Value;
        return;
    }
    if (Offset == R_STATUS) {
        t->status &= ~Value;
    } else if (Offset == R_MASK) {
        t->mask = Value;
    } else if (Offset == R_DOORBELL) {
        t->doorbell = Value;
        if (!t->pending) { /* (no CHECK here: hooks run on the miniport's threads) */
            t->pending = true;
            if (vpspin_schedule_adapter_event(Adapter, 20, tdev_execute, t) != NO_ERROR)
                t->schedule_failures++;
        }
    } else if ((Offset & ~3u) == R_SCRATCH) {
        unsigned shift = 8 * (Offset & 3);
        ULONG mask = (Size == 4 ? 0xFFFFFFFFu : (1u << (8 * Size)) - 1u) << shift;
        t->scratch = (t->scratch & ~mask) | ((Value << shift) & mask);
    }
}

static void tdev_cleanup(PVOID Context) { ((struct tdev *)Context)->cleanups++; }

/* The adapter of tdev, described; ports at ports_start. */
static vpspin_adapter *tdev_create(struct tdev *t, ULONG ports_start)
{
    memset(t, 0, sizeof *t);
    vpspin_adapter *a;
    CHECK_EQ(vpspin_create_adapter(&a), NO_ERROR);
    CHECK_EQ(vpspin_set_adapter_ids(a, TDEV_VENDOR, TDEV_DEVICE, 0x1A2B, 0x0001, 3), NO_ERROR);
    CHECK_EQ(vpspin_set_adapter_interrupt(a, TDEV_IRQ, 0x37), NO_ERROR);
    for (ULONG i = 0; i < 4; i++) {
        vpspin_range r = tdev_ranges[i];
        if (i == 2)
            r.Start.QuadPart = ports_start;
        ULONG index = 99;
        CHECK_EQ(vpspin_add_adapter_range(a, &r, &index), NO_ERROR);
        CHECK_EQ(index, i);
    }
    t->adapter = a;
    t->ring = vpspin_adapter_range_memory(a, 1);
    CHECK(t->ring != NULL);
    CHECK_EQ(vpspin_set_range_hooks(a, 0, tdev_read, tdev_write, t), NO_ERROR);
    CHECK_EQ(vpspin_set_range_hooks(a, 2, tdev_read, tdev_write, t), NO_ERROR);
    CHECK_EQ(vpspin_set_adapter_cleanup(a, tdev_cleanup, t), NO_ERROR);
    return a;
}

/* ---- The miniport ------------------------------------------------------------------------ */

#define TMP_IOCTL(fn)    ((0x23UL << 16) | ((ULONG)(fn) << 2))
#define IOCTL_TMP_SUBMIT TMP_IOCTL(0x900) /* in: ULONG value */
#define IOCTL_TMP_DRAIN  TMP_IOCTL(0x901)
#define IOCTL_TMP_WIDTHS TMP_IOCTL(0x902) /* out: struct widths */
#define IOCTL_TMP_PORTS  TMP_IOCTL(0x903) /* out: struct ports */
#define IOCTL_TMP_MAP    TMP_IOCTL(0x904) /* out: ULONG, what the mapping read */
#define IOCTL_TMP_STOP   TMP_IOCTL(0x905)

typedef struct _TMP_EXT {
    PUCHAR Regs, Ports, Legacy;
    PULONG Ring;
    VIDEO_ACCESS_RANGE Ranges[4];
    PSPIN_LOCK Lock;
    ULONG Tail, Retired; /* under Lock */
    ULONG AckedFence;    /* under the interrupt lock */
    ULONG Interrupts, DpcRuns;
    /* What HwFindAdapter saw. */
    ULONG Level, Vector;
    VP_STATUS WrongIds, TooFew, Got, BadVerify, Verify, Requested;
    ULONG Listed4th; /* the RangeLength GetAccessRanges left in a 4th slot (none: 0) */
    ULONG ConfigBytes, BarMask, BarAfter, Slot;
    PCI_COMMON_CONFIG Config;
    PVOID Outside;
    ULONG Id;
} TMP_EXT, *PTMP_EXT;

struct widths {
    UCHAR b;
    USHORT w;
    ULONG l, after_bytes;
    UCHAR bytes[4];
};

struct ports {
    USHORT data;
    UCHAR fifo[4];
    ULONG wide;
    USHORT legacy[3];
    ULONG legacy_long[2];
};

struct fence_ctx {
    PTMP_EXT ext;
    ULONG fence;
};

static BOOLEAN tmp_get_fence(PVOID Context)
{
    struct fence_ctx *f = Context;
    f->fence = f->ext->AckedFence;
    return TRUE;
}

static VOID tmp_dpc(PVOID HwDeviceExtension, PVOID Context)
{
    PTMP_EXT ext = HwDeviceExtension;
    struct fence_ctx f = {ext, 0};
    (void)Context;
    VideoPortSynchronizeExecution(ext, VpMediumPriority, tmp_get_fence, &f);
    VideoPortAcquireSpinLockAtDpcLevel(ext, ext->Lock);
    ext->Retired = f.fence;
    ext->DpcRuns++;
    VideoPortReleaseSpinLockFromDpcLevel(ext, ext->Lock);
}

static BOOLEAN tmp_isr(PVOID HwDeviceExtension)
{
    PTMP_EXT ext = HwDeviceExtension;
    ULONG status = VideoPortReadRegisterUlong((PULONG)(ext->Regs + R_STATUS));
    if (!(status & S_DONE))
        return FALSE;
    VideoPortWriteRegisterUlong((PULONG)(ext->Regs + R_STATUS), S_DONE);
    ext->AckedFence = VideoPortReadRegisterUlong((PULONG)(ext->Regs + R_FENCE));
    ext->Interrupts++;
    VideoPortQueueDpc(ext, tmp_dpc, NULL);
    return TRUE;
}

static VP_STATUS tmp_find_adapter(PVOID HwDeviceExtension, PVOID HwContext, PWSTR Args,
                                  PVIDEO_PORT_CONFIG_INFO ConfigInfo, PUCHAR Again)
{
    PTMP_EXT ext = HwDeviceExtension;
    USHORT vendor = TDEV_VENDOR, device = TDEV_DEVICE, wrong = 0x9999;
    VIDEO_ACCESS_RANGE bogus = {.RangeStart = {.QuadPart = 0xE0000000}, .RangeLength = 16};
    (void)HwContext, (void)Args, (void)Again;
    ext->Level = ConfigInfo->BusInterruptLevel;
    ext->Vector = ConfigInfo->BusInterruptVector;
    ext->WrongIds = VideoPortGetAccessRanges(ext, 0, NULL, 4, ext->Ranges, &wrong, &device, NULL);
    ext->TooFew = VideoPortGetAccessRanges(ext, 0, NULL, 2, ext->Ranges, &vendor, &device, NULL);
    ext->Slot = 77;
    ext->Got = VideoPortGetAccessRanges(ext, 0, NULL, 4, ext->Ranges, &vendor, &device, &ext->Slot);
    /* The BARs only: the legacy ports are claimed as a VGA miniport claims its own. */
    ext->Listed4th = ext->Ranges[3].RangeLength;
    ext->Ranges[3] = (VIDEO_ACCESS_RANGE){
        .RangeStart = {.QuadPart = LEGACY_START}, .RangeLength = 0x20, .RangeInIoSpace = TRUE};
    ext->BadVerify = VideoPortVerifyAccessRanges(ext, 1, &bogus);
    ext->Verify = VideoPortVerifyAccessRanges(ext, 4, ext->Ranges);
    /* A legacy-style request for part of the ports. */
    IO_RESOURCE_DESCRIPTOR want = {.Type = CmResourceTypePort};
    want.u.Port.Length = 4;
    want.u.Port.MinimumAddress.QuadPart = LEGACY_START + 4;
    VIDEO_ACCESS_RANGE one;
    ext->Requested = VideoPortGetAccessRanges(ext, 1, &want, 1, &one, NULL, NULL, NULL);
    if (ext->Requested == NO_ERROR && (one.RangeStart.QuadPart != LEGACY_START + 4 ||
                                       one.RangeLength != 4 || !one.RangeInIoSpace))
        ext->Requested = ERROR_INVALID_DATA;
    if (ext->Got != NO_ERROR || ext->Verify != NO_ERROR)
        return ERROR_DEV_NOT_EXIST;
    /* Configuration space, and sizing BAR0 as firmware does. */
    ext->ConfigBytes =
        VideoPortGetBusData(ext, PCIConfiguration, 0, &ext->Config, 0, sizeof ext->Config);
    ULONG ones = 0xFFFFFFFFu, bar0 = ext->Config.u.type0.BaseAddresses[0];
    VideoPortSetBusData(ext, PCIConfiguration, 0, &ones, 0x10, 4);
    VideoPortGetBusData(ext, PCIConfiguration, 0, &ext->BarMask, 0x10, 4);
    VideoPortSetBusData(ext, PCIConfiguration, 0, &bar0, 0x10, 4);
    VideoPortGetBusData(ext, PCIConfiguration, 0, &ext->BarAfter, 0x10, 4);
    /* The mappings. */
    ext->Regs = VideoPortGetDeviceBase(ext, ext->Ranges[0].RangeStart, 0x100, FALSE);
    ext->Ring = VideoPortGetDeviceBase(ext, ext->Ranges[1].RangeStart, RING_ENTRIES * 8, FALSE);
    ext->Ports =
        VideoPortGetDeviceBase(ext, ext->Ranges[2].RangeStart, 0x10, VIDEO_MEMORY_SPACE_IO);
    ext->Legacy =
        VideoPortGetDeviceBase(ext, ext->Ranges[3].RangeStart, 0x20, VIDEO_MEMORY_SPACE_IO);
    PHYSICAL_ADDRESS past = {.QuadPart = REGS_START + 0x80};
    ext->Outside = VideoPortGetDeviceBase(ext, past, 0x100, FALSE); /* runs past BAR0 */
    if (ext->Regs == NULL || ext->Ring == NULL || ext->Ports == NULL || ext->Legacy == NULL)
        return ERROR_DEV_NOT_EXIST;
    ext->Id = VideoPortReadRegisterUlong((PULONG)(ext->Regs + R_ID));
    if (ext->Id != TDEV_ID)
        return ERROR_DEV_NOT_EXIST;
    return VideoPortCreateSpinLock(ext, &ext->Lock);
}

static BOOLEAN tmp_initialize_nothing(PVOID HwDeviceExtension)
{
    (void)HwDeviceExtension;
    return TRUE;
}

static BOOLEAN tmp_initialize(PVOID HwDeviceExtension)
{
    PTMP_EXT ext = HwDeviceExtension;
    VideoPortWriteRegisterUlong((PULONG)(ext->Regs + R_MASK), S_DONE);
    return TRUE;
}

static VP_STATUS tmp_submit(PTMP_EXT ext, ULONG value)
{
    UCHAR old;
    VP_STATUS status = ERROR_BUSY;
    VideoPortAcquireSpinLock(ext, ext->Lock, &old);
    if (ext->Tail - ext->Retired < RING_ENTRIES) {
        ULONG entry[2] = {value, ext->Tail};
        VideoPortWriteRegisterBufferUlong(ext->Ring + (ext->Tail % RING_ENTRIES) * 2, entry, 2);
        ext->Tail++;
        VideoPortWriteRegisterUlong((PULONG)(ext->Regs + R_DOORBELL), ext->Tail);
        status = NO_ERROR;
    }
    VideoPortReleaseSpinLock(ext, ext->Lock, old);
    return status;
}

static VP_STATUS tmp_drain(PTMP_EXT ext)
{
    for (ULONG i = 0; i < 200000; i++) {
        UCHAR old;
        VideoPortAcquireSpinLock(ext, ext->Lock, &old);
        bool done = ext->Retired == ext->Tail;
        VideoPortReleaseSpinLock(ext, ext->Lock, old);
        if (done)
            return NO_ERROR;
        VideoPortStallExecution(50);
    }
    return ERROR_MORE_DATA;
}

static void tmp_widths(PTMP_EXT ext, struct widths *w)
{
    PUCHAR scratch = ext->Regs + R_SCRATCH;
    VideoPortWriteRegisterUlong((PULONG)scratch, 0x11223344u);
    VideoPortWriteRegisterUchar(scratch + 1, 0xAA);             /* 0x1122AA44 */
    VideoPortWriteRegisterUshort((PUSHORT)scratch + 1, 0xBEEF); /* 0xBEEFAA44 */
    w->b = VideoPortReadRegisterUchar(scratch + 1);
    w->w = VideoPortReadRegisterUshort((PUSHORT)scratch + 1);
    w->l = VideoPortReadRegisterUlong((PULONG)scratch);
    VideoPortReadRegisterBufferUchar(scratch, w->bytes, 4);
    UCHAR bytes[2] = {0x01, 0x02};
    USHORT words[1] = {0x0304};
    VideoPortWriteRegisterBufferUchar(scratch, bytes, 2);
    VideoPortWriteRegisterBufferUshort((PUSHORT)scratch + 1, words, 1);
    w->after_bytes = VideoPortReadRegisterUlong((PULONG)scratch);
}

static void tmp_ports(PTMP_EXT ext, struct ports *p)
{
    VideoPortWritePortUshort((PUSHORT)(ext->Ports + P_INDEX), 5);
    VideoPortWritePortUshort((PUSHORT)(ext->Ports + P_DATA), 0x1234);
    VideoPortWritePortUshort((PUSHORT)(ext->Ports + P_INDEX), 6);
    VideoPortWritePortUshort((PUSHORT)(ext->Ports + P_DATA), 0x5678);
    VideoPortWritePortUshort((PUSHORT)(ext->Ports + P_INDEX), 5);
    p->data = VideoPortReadPortUshort((PUSHORT)(ext->Ports + P_DATA));
    UCHAR out[3] = {'a', 'b', 'c'};
    VideoPortWritePortBufferUchar(ext->Ports + P_FIFO, out, 3);
    VideoPortWritePortUchar(ext->Ports + P_FIFO, 'd');
    VideoPortReadPortBufferUchar(ext->Ports + P_FIFO, p->fifo, 3);
    p->fifo[3] = VideoPortReadPortUchar(ext->Ports + P_FIFO);
    VideoPortWritePortUlong((PULONG)(ext->Ports + P_WIDE), 0xCAFEF00Du);
    p->wide = VideoPortReadPortUlong((PULONG)(ext->Ports + P_WIDE));
    /* The legacy ports are plain port memory (no hooks). */
    USHORT words[3] = {0x0102, 0x0304, 0x0506};
    VideoPortWritePortBufferUshort((PUSHORT)(ext->Legacy + 4), words, 3); /* one port, 3 times */
    ULONG longs[2] = {0xA1A2A3A4u, 0xB1B2B3B4u};
    VideoPortWritePortBufferUlong((PULONG)(ext->Legacy + 8), longs, 2);
    VideoPortReadPortBufferUshort((PUSHORT)(ext->Legacy + 4), p->legacy, 3);
    VideoPortReadPortBufferUlong((PULONG)(ext->Legacy + 8), p->legacy_long, 2);
}

/* Maps the ring again as a display driver would, reads the first entry's value through the
 * pointer, unmaps it. */
static VP_STATUS tmp_map(PTMP_EXT ext, PULONG out)
{
    ULONG length = RING_ENTRIES * 8, space = VIDEO_MEMORY_SPACE_MEMORY;
    PVOID va = NULL;
    VP_STATUS st = VideoPortMapMemory(ext, ext->Ranges[1].RangeStart, &length, &space, &va);
    if (st != NO_ERROR)
        return st;
    *out = ((volatile ULONG *)va)[0];
    return VideoPortUnmapMemory(ext, va, NULL);
}

static BOOLEAN tmp_start_io(PVOID HwDeviceExtension, PVIDEO_REQUEST_PACKET Rp)
{
    PTMP_EXT ext = HwDeviceExtension;
    PSTATUS_BLOCK s = Rp->StatusBlock;
    switch (Rp->IoControlCode) {
    case IOCTL_TMP_SUBMIT:
        s->Status = tmp_submit(ext, *(PULONG)Rp->InputBuffer);
        return TRUE;
    case IOCTL_TMP_DRAIN:
        s->Status = tmp_drain(ext);
        return TRUE;
    case IOCTL_TMP_WIDTHS:
        tmp_widths(ext, Rp->OutputBuffer);
        s->Status = NO_ERROR;
        return TRUE;
    case IOCTL_TMP_PORTS:
        tmp_ports(ext, Rp->OutputBuffer);
        s->Status = NO_ERROR;
        return TRUE;
    case IOCTL_TMP_MAP:
        s->Status = tmp_map(ext, Rp->OutputBuffer);
        return TRUE;
    case IOCTL_TMP_STOP:
        VideoPortWriteRegisterUlong((PULONG)(ext->Regs + R_MASK), 0);
        VideoPortFreeDeviceBase(ext, ext->Legacy);
        VideoPortFreeDeviceBase(ext, ext->Ports);
        VideoPortFreeDeviceBase(ext, ext->Ring);
        VideoPortDeleteSpinLock(ext, ext->Lock);
        s->Status = NO_ERROR; /* Regs stay mapped: the port frees them at stop */
        return TRUE;
    default:
        return FALSE;
    }
}

/* A DriverEntry handing VideoPortInitialize these routines (no timer). */
static ULONG init_miniport(PVOID Argument1, PVOID Argument2, PVIDEO_HW_FIND_ADAPTER find,
                           PVIDEO_HW_INITIALIZE initialize, PVIDEO_HW_INTERRUPT isr,
                           ULONG extension)
{
    VIDEO_HW_INITIALIZATION_DATA init;
    memset(&init, 0, sizeof init);
    init.HwInitDataSize = sizeof init;
    init.HwFindAdapter = find;
    init.HwInitialize = initialize;
    init.HwInterrupt = isr;
    init.HwStartIO = tmp_start_io;
    init.HwDeviceExtensionSize = extension;
    return VideoPortInitialize(Argument1, Argument2, &init, NULL);
}

static ULONG tmp_driver_entry(PVOID Argument1, PVOID Argument2)
{
    return init_miniport(Argument1, Argument2, tmp_find_adapter, tmp_initialize, tmp_isr,
                         sizeof(TMP_EXT));
}

static VP_STATUS request(vpspin_device *d, ULONG code, PVOID in, ULONG inlen, PVOID out,
                         ULONG outlen)
{
    return vpspin_send_request(d, code, in, inlen, out, outlen, NULL);
}

/* tdev's adapter, with the miniport started on it: its extension. */
static PTMP_EXT tdev_start(vpspin_driver *driver, struct tdev *t, vpspin_device **d)
{
    CHECK_EQ(vpspin_start_adapter(driver, tdev_create(t, PORTS_START), d), NO_ERROR);
    return vpspin_device_extension(*d);
}

/* ---- The device at work ------------------------------------------------------------------- */

#define CLIENTS    3
#define PER_CLIENT 3000

struct client {
    vpspin_device *device;
    pthread_t thread;
    ULONG base;
    ULONGLONG sum;
    int failures;
};

static void *client_main(void *arg)
{
    struct client *c = arg;
    for (ULONG i = 0; i < PER_CLIENT;) {
        ULONG value = c->base + i;
        VP_STATUS st = request(c->device, IOCTL_TMP_SUBMIT, &value, sizeof value, NULL, 0);
        if (st == NO_ERROR) {
            c->sum += value;
            i++;
        } else if (st == ERROR_BUSY) {
            sched_yield();
        } else {
            c->failures++;
            break;
        }
    }
    return NULL;
}

static void test_device_at_work(vpspin_driver *driver)
{
    struct tdev t;
    vpspin_device *d;
    PTMP_EXT ext = tdev_start(driver, &t, &d);
    vpspin_adapter *a = t.adapter;

    /* What HwFindAdapter saw. */
    CHECK_EQ(ext->Level, TDEV_IRQ);
    CHECK_EQ(ext->Vector, 0x37);
    CHECK_EQ(ext->WrongIds, ERROR_DEV_NOT_EXIST);
    CHECK_EQ(ext->TooFew, ERROR_MORE_DATA);
    CHECK_EQ(ext->Got, NO_ERROR);
    CHECK_EQ(ext->Listed4th, 0); /* a PCI adapter's resources are its BARs */
    CHECK_EQ(ext->Slot, 0);
    for (int i = 0; i < 4; i++) {
        CHECK_EQ(ext->Ranges[i].RangeStart.QuadPart, tdev_ranges[i].Start.QuadPart);
        CHECK_EQ(ext->Ranges[i].RangeLength, tdev_ranges[i].Length);
        CHECK_EQ(ext->Ranges[i].RangeInIoSpace, tdev_ranges[i].InIoSpace);
    }
    CHECK_EQ(ext->BadVerify, ERROR_INVALID_PARAMETER);
    CHECK_EQ(ext->Verify, NO_ERROR);
    CHECK_EQ(ext->Requested, NO_ERROR);
    CHECK_EQ(ext->ConfigBytes, 256);
    CHECK_EQ(ext->Config.VendorID, TDEV_VENDOR);
    CHECK_EQ(ext->Config.DeviceID, TDEV_DEVICE);
    CHECK_EQ(ext->Config.RevisionID, 3);
    CHECK_EQ(ext->Config.BaseClass, 0x03);
    CHECK_EQ(ext->Config.u.type0.SubSystemID, 0x0001);
    CHECK_EQ(ext->Config.u.type0.BaseAddresses[0], REGS_START);
    CHECK_EQ(ext->Config.u.type0.BaseAddresses[1], RING_START);
    CHECK_EQ(ext->Config.u.type0.BaseAddresses[2], PORTS_START | 1u); /* an I/O BAR */
    CHECK_EQ(ext->Config.u.type0.BaseAddresses[3], 0);
    CHECK_EQ(ext->Config.u.type0.InterruptLine, 0x37);
    CHECK_EQ(ext->Config.u.type0.InterruptPin, 1);
    CHECK_EQ(ext->BarMask, 0xFFFFFF00u); /* 256 bytes */
    CHECK_EQ(ext->BarAfter, REGS_START);
    CHECK(ext->Outside == NULL);
    CHECK_EQ(ext->Id, TDEV_ID);
    CHECK_EQ((uintptr_t)ext->Ports, PORTS_START); /* a port mapping is the port number */
    CHECK_EQ((uintptr_t)ext->Legacy, LEGACY_START);
    CHECK_EQ(t.mask, S_DONE); /* HwInitialize enabled the interrupt */
    CHECK_EQ(VideoPortCheckForDeviceExistence(ext, TDEV_VENDOR, TDEV_DEVICE, 9, 9, 9, 0), TRUE);
    CHECK_EQ(
        VideoPortCheckForDeviceExistence(ext, TDEV_VENDOR, TDEV_DEVICE, 3, 9, 9, CDE_USE_REVISION),
        TRUE);
    CHECK_EQ(
        VideoPortCheckForDeviceExistence(ext, TDEV_VENDOR, TDEV_DEVICE, 2, 0, 0, CDE_USE_REVISION),
        FALSE);
    CHECK_EQ(VideoPortCheckForDeviceExistence(ext, TDEV_VENDOR, TDEV_DEVICE, 0, 0x1A2B, 0x0001,
                                              CDE_USE_SUBSYSTEM_IDS),
             TRUE);
    CHECK_EQ(VideoPortCheckForDeviceExistence(ext, TDEV_VENDOR, TDEV_DEVICE, 0, 0x1A2B, 0x0002,
                                              CDE_USE_SUBSYSTEM_IDS),
             FALSE);
    CHECK_EQ(VideoPortCheckForDeviceExistence(ext, TDEV_VENDOR, 0x0043, 0, 0, 0, 0), FALSE);
    CHECK_EQ(VideoPortCheckForDeviceExistence(NULL, TDEV_VENDOR, TDEV_DEVICE, 0, 0, 0, 0), FALSE);

    /* Register widths, the port forms, a second mapping of the ring. */
    struct widths w;
    CHECK_EQ(request(d, IOCTL_TMP_WIDTHS, NULL, 0, &w, sizeof w), NO_ERROR);
    CHECK_EQ(w.b, 0xAA);
    CHECK_EQ(w.w, 0xBEEF);
    CHECK_EQ(w.l, 0xBEEFAA44u);
    CHECK(w.bytes[0] == 0x44 && w.bytes[1] == 0xAA && w.bytes[2] == 0xEF && w.bytes[3] == 0xBE);
    CHECK_EQ(w.after_bytes, 0x03040201u);
    struct ports p;
    CHECK_EQ(request(d, IOCTL_TMP_PORTS, NULL, 0, &p, sizeof p), NO_ERROR);
    CHECK_EQ(p.data, 0x1234);
    CHECK_EQ(t.indexed[6], 0x5678);
    CHECK(t.fifo_logged == 4 && memcmp(t.fifo_log, "abcd", 4) == 0);
    CHECK(p.fifo[0] == 1 && p.fifo[1] == 2 && p.fifo[2] == 3 && p.fifo[3] == 4);
    CHECK_EQ(p.wide, 0xCAFEF00Du);
    for (int i = 0; i < 3; i++) /* string I/O through one port: the last value stays */
        CHECK_EQ(p.legacy[i], 0x0506);
    CHECK(p.legacy_long[0] == 0xB1B2B3B4u && p.legacy_long[1] == 0xB1B2B3B4u);
    UCHAR *legacy = vpspin_adapter_range_memory(a, 3);
    CHECK(legacy[4] == 0x06 && legacy[5] == 0x05 && legacy[8] == 0xB4);

    /* Commands from several threads: executed by the device, retired by the DPC. */
    struct client clients[CLIENTS];
    ULONGLONG sum = 0;
    for (int i = 0; i < CLIENTS; i++) {
        clients[i] = (struct client){.device = d, .base = 1000000u * (ULONG)(i + 1)};
        pthread_create(&clients[i].thread, NULL, client_main, &clients[i]);
    }
    for (int i = 0; i < CLIENTS; i++) {
        pthread_join(clients[i].thread, NULL);
        CHECK_EQ(clients[i].failures, 0);
        sum += clients[i].sum;
    }
    CHECK_EQ(request(d, IOCTL_TMP_DRAIN, NULL, 0, NULL, 0), NO_ERROR);
    CHECK_EQ(ext->Retired, CLIENTS * PER_CLIENT);
    CHECK_EQ(t.executed, CLIENTS * PER_CLIENT);
    CHECK_EQ(t.sum, sum);
    CHECK_EQ(t.schedule_failures, 0);
    CHECK(ext->Interrupts > 0 && ext->DpcRuns > 0);
    vpspin_device_info info;
    CHECK_EQ(vpspin_query_device(d, &info), NO_ERROR);
    CHECK_EQ(info.DeviceIrql, TDEV_IRQ);
    CHECK_EQ(info.InterruptsClaimed, ext->Interrupts);

    ULONG first = 0;
    CHECK_EQ(request(d, IOCTL_TMP_MAP, NULL, 0, &first, sizeof first), NO_ERROR);
    CHECK_EQ(first, t.ring[0]); /* the second mapping shows the same memory */

    CHECK_EQ(request(d, IOCTL_TMP_STOP, NULL, 0, NULL, 0), NO_ERROR);
    CHECK_EQ(vpspin_stop_device(d), 0);
    CHECK_EQ(t.cleanups, 0);
    vpspin_delete_adapter(a);
    CHECK_EQ(t.cleanups, 1);
}

/* ---- The rules ------------------------------------------------------------------------------ */

static struct {
    int n;
    vpspin_bugcheck last;
    char api[80], text[4096];
} seen;

static void on_report(const vpspin_bugcheck *r, void *ctx)
{
    (void)ctx;
    seen.n++;
    seen.last = *r;
    snprintf(seen.api, sizeof seen.api, "%s", r->Api);
    snprintf(seen.text, sizeof seen.text, "%s", r->Text);
}

/* The last call made exactly one report, 0xC4 with these parameters, from api. */
#define CHECK_REPORT(before, p1, p2, p3, p4, api_name)                                             \
    do {                                                                                           \
        CHECK_EQ(seen.n, (before) + 1);                                                            \
        CHECK_EQ(seen.last.BugCheckCode, 0xC4);                                                    \
        CHECK_EQ(seen.last.Parameter1, p1);                                                        \
        CHECK_EQ(seen.last.Parameter2, p2);                                                        \
        CHECK_EQ(seen.last.Parameter3, p3);                                                        \
        CHECK_EQ(seen.last.Parameter4, p4);                                                        \
        CHECK(strcmp(seen.api, api_name) == 0);                                                    \
    } while (0)

static void test_rules(vpspin_driver *driver)
{
    struct tdev t;
    vpspin_device *d;
    PTMP_EXT ext = tdev_start(driver, &t, &d);
    vpspin_adapter *a = t.adapter;
    vpspin_set_bugcheck_handler(on_report, NULL);
    int n = seen.n;
    uintptr_t regs = (uintptr_t)ext->Regs;

    /* Correct accesses, at the edges, are silent. */
    CHECK_EQ(VideoPortReadRegisterUlong((PULONG)(regs + 0xFC)), 0);
    VideoPortReadRegisterUchar((PUCHAR)(regs + 0xFF));
    CHECK_EQ(seen.n, n);

    /* 0xF012: past the end, before the start, a Buffer form running off the end. */
    CHECK_EQ(VideoPortReadRegisterUlong((PULONG)(regs + 0xFE)), 0xFFFFFFFFu);
    CHECK_REPORT(n, 0xF012, regs + 0xFE, 0, regs, "VideoPortReadRegisterUlong");
    CHECK(strstr(seen.text, "outside the mapping it touches") != NULL);
    CHECK(strstr(seen.text, "Mapping: ") != NULL && strstr(seen.text, "BAR0") != NULL);
    CHECK(strstr(seen.text, "made by VideoPortGetDeviceBase") != NULL);
    n = seen.n;
    VideoPortWriteRegisterUshort((PUSHORT)(regs - 2), 0x1234);
    CHECK_REPORT(n, 0xF012, regs - 2, 1, regs, "VideoPortWriteRegisterUshort");
    n = seen.n;
    ULONG buf[4] = {1, 2, 3, 4};
    ULONG scratch_before = t.scratch;
    VideoPortWriteRegisterBufferUlong((PULONG)(regs + 0xF8), buf, 4); /* 16 bytes from 0xF8 */
    CHECK_REPORT(n, 0xF012, regs + 0xF8, 1, regs, "VideoPortWriteRegisterBufferUlong");
    CHECK_EQ(t.scratch, scratch_before); /* nothing written */
    n = seen.n;
    VideoPortReadRegisterBufferUlong((PULONG)(regs + 0xF8), buf, 4);
    CHECK_REPORT(n, 0xF012, regs + 0xF8, 0, regs, "VideoPortReadRegisterBufferUlong");
    CHECK(buf[0] == 0xFFFFFFFFu && buf[3] == 0xFFFFFFFFu); /* what nobody answers reads */
    n = seen.n;
    UCHAR bytes[2];
    VideoPortReadPortBufferUchar(ext->Ports + 0x10, bytes, 2); /* just past the ports */
    CHECK_REPORT(n, 0xF010, PORTS_START + 0x10, 0, 1, "VideoPortReadPortBufferUchar");
    n = seen.n;
    VideoPortReadPortUlong((PULONG)(ext->Ports + 0xE)); /* straddles the end */
    CHECK_REPORT(n, 0xF012, PORTS_START + 0xE, 0, PORTS_START, "VideoPortReadPortUlong");
    n = seen.n;

    /* 0xF010: never mapped; the other space. */
    static ULONG not_device;
    VideoPortWriteRegisterUlong(&not_device, 5);
    CHECK_REPORT(n, 0xF010, (uintptr_t)&not_device, 1, 4, "VideoPortWriteRegisterUlong");
    CHECK_EQ(not_device, 0); /* never dereferenced */
    CHECK(strstr(seen.text, "which no mapping covers") != NULL);
    n = seen.n;
    CHECK_EQ(VideoPortReadPortUchar((PUCHAR)regs), 0xFF); /* a memory mapping, read as a port */
    CHECK_REPORT(n, 0xF010, regs, 0, 1, "VideoPortReadPortUchar");
    CHECK(strstr(seen.text, "it is a memory mapping") != NULL);
    n = seen.n;
    CHECK_EQ(VideoPortReadRegisterUshort((PUSHORT)ext->Ports), 0xFFFF); /* a port, as memory */
    CHECK_REPORT(n, 0xF010, PORTS_START, 0, 2, "VideoPortReadRegisterUshort");
    CHECK(strstr(seen.text, "it is a port mapping") != NULL);
    n = seen.n;
    VideoPortWritePortUchar((PUCHAR)(uintptr_t)0x80, 1); /* a port of no range */
    CHECK_REPORT(n, 0xF010, 0x80, 1, 1, "VideoPortWritePortUchar");
    n = seen.n;

    /* 0xF011: after VideoPortFreeDeviceBase, through the service. */
    PUCHAR legacy = ext->Legacy;
    VideoPortFreeDeviceBase(ext, legacy);
    CHECK_EQ(seen.n, n);
    VideoPortWritePortUchar(legacy + 1, 7);
    CHECK_REPORT(n, 0xF011, LEGACY_START + 1, 1, LEGACY_START, "VideoPortWritePortUchar");
    CHECK(strstr(seen.text, "freed by VideoPortFreeDeviceBase at") != NULL);
    CHECK_EQ(((UCHAR *)vpspin_adapter_range_memory(a, 3))[1], 0);
    n = seen.n;

    /* 0xF013: freeing it again, an interior address, a mapping another device has. */
    VideoPortFreeDeviceBase(ext, legacy);
    CHECK_REPORT(n, 0xF013, LEGACY_START, 1, (uintptr_t)ext, "VideoPortFreeDeviceBase");
    n = seen.n;
    VideoPortFreeDeviceBase(ext, ext->Regs + 4);
    CHECK_REPORT(n, 0xF013, regs + 4, 0, (uintptr_t)ext, "VideoPortFreeDeviceBase");
    n = seen.n;
    static int not_an_extension;
    VideoPortFreeDeviceBase(&not_an_extension, ext->Regs);
    CHECK_REPORT(n, 0xF013, regs, 0, (uintptr_t)&not_an_extension, "VideoPortFreeDeviceBase");
    n = seen.n;
    CHECK_EQ(VideoPortUnmapMemory(ext, ext->Regs + 8, NULL), ERROR_INVALID_PARAMETER);
    CHECK_REPORT(n, 0xF013, regs + 8, 0, (uintptr_t)ext, "VideoPortUnmapMemory");
    n = seen.n;
    CHECK_EQ(VideoPortReadRegisterUlong((PULONG)(regs + R_ID)), TDEV_ID); /* still mapped */
    CHECK_EQ(seen.n, n);

    /* Direct accesses: a write into a freed mapping, a read of a guard page. Each faults,
     * is reported, and then goes through to a scratch page. */
    PULONG ring = ext->Ring;
    VideoPortFreeDeviceBase(ext, ring);
    CHECK_EQ(seen.n, n);
    ((volatile ULONG *)ring)[3] = 0x77;
    __atomic_signal_fence(__ATOMIC_SEQ_CST); /* the handler ran in between */
#if defined(__x86_64__)
    ULONG_PTR written = 1;
#else
    ULONG_PTR written = 2;
#endif
    CHECK_REPORT(n, 0xF011, (uintptr_t)&ring[3], written, (uintptr_t)ring,
                 "(none: a direct access to mapped device memory)");
    CHECK(strstr(seen.text, written == 1 ? "direct write at" : "direct access at") != NULL);
    CHECK_EQ(t.ring[3], 0);                      /* the device's memory is untouched */
    CHECK_EQ(((volatile ULONG *)ring)[3], 0x77); /* the scratch page; no second report */
    CHECK_EQ(seen.n, n + 1);
    n = seen.n;
    long page = sysconf(_SC_PAGESIZE);
    volatile UCHAR *guard = (volatile UCHAR *)(regs + (uintptr_t)page); /* BAR0's 0x100 bytes
                                                                           fit one page */
    CHECK_EQ(*guard, 0);
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    CHECK_EQ(seen.n, n + 1);
    CHECK_EQ(seen.last.Parameter1, 0xF012);
    CHECK_EQ(seen.last.Parameter2, (uintptr_t)guard);
    CHECK_EQ(seen.last.Parameter4, regs);
    n = seen.n;

    /* Unchecked: the same bad accesses have no effect and make no report. */
    vpspin_set_verify(VPSPIN_VERIFY_OFF);
    CHECK_EQ(VideoPortReadRegisterUlong((PULONG)(regs + 0xFE)), 0xFFFFFFFFu);
    VideoPortWriteRegisterUlong(&not_device, 5);
    CHECK_EQ(not_device, 0);
    VideoPortFreeDeviceBase(ext, legacy);
    CHECK_EQ(VideoPortUnmapMemory(ext, legacy, NULL), ERROR_INVALID_PARAMETER);
    CHECK_EQ(seen.n, n);
    vpspin_set_verify(VPSPIN_VERIFY_FULL);

    VideoPortFreeDeviceBase(ext, ext->Ports);
    VideoPortDeleteSpinLock(ext, ext->Lock);
    vpspin_set_bugcheck_handler(NULL, NULL);
    CHECK_EQ(vpspin_stop_device(d), 0);
    /* After stop, the mappings are gone: an access is refused, not made. */
    vpspin_set_bugcheck_handler(on_report, NULL);
    VideoPortReadRegisterUlong((PULONG)(regs + R_ID));
    CHECK_EQ(seen.n, n + 1);
    CHECK_EQ(seen.last.Parameter1, 0xF010);
    vpspin_set_bugcheck_handler(NULL, NULL);
    vpspin_delete_adapter(a);
}

/* ---- An adapter without PCI identity (an ISA-style card) ----------------------------------- */

/* A miniport that counts the resources GetAccessRanges gives it. */
static VP_STATUS probe_find_adapter(PVOID HwDeviceExtension, PVOID HwContext, PWSTR Args,
                                    PVIDEO_PORT_CONFIG_INFO ConfigInfo, PUCHAR Again)
{
    VIDEO_ACCESS_RANGE r[4];
    (void)HwContext, (void)Args, (void)ConfigInfo, (void)Again;
    PULONG listed = HwDeviceExtension;
    for (*listed = 4; *listed > 0; (*listed)--) /* the fewest that fit */
        if (VideoPortGetAccessRanges(HwDeviceExtension, 0, NULL, *listed - 1, r, NULL, NULL,
                                     NULL) == ERROR_MORE_DATA)
            break;
    return NO_ERROR;
}

static ULONG probe_driver_entry(PVOID Argument1, PVOID Argument2)
{
    return init_miniport(Argument1, Argument2, probe_find_adapter, tmp_initialize_nothing, NULL,
                         sizeof(ULONG));
}

static void test_no_pci_identity(void)
{
    vpspin_driver *driver;
    vpspin_adapter *a;
    vpspin_device *d;
    vpspin_range bar = {.Start = {.QuadPart = 0xF1000000}, .Length = 0x100, .Bar = 0};
    vpspin_range legacy = {
        .Start = {.QuadPart = 0x3C0}, .Length = 0x20, .InIoSpace = TRUE, .Bar = VPSPIN_NO_BAR};
    CHECK_EQ(vpspin_load_miniport(probe_driver_entry, &driver), STATUS_SUCCESS);
    CHECK_EQ(vpspin_create_adapter(&a), NO_ERROR);
    CHECK_EQ(vpspin_add_adapter_range(a, &bar, NULL), NO_ERROR);
    CHECK_EQ(vpspin_add_adapter_range(a, &legacy, NULL), NO_ERROR);
    CHECK_EQ(vpspin_start_adapter(driver, a, &d), NO_ERROR);
    CHECK_EQ(*(PULONG)vpspin_device_extension(d), 2); /* no PCI IDs: every range */
    CHECK_EQ(vpspin_stop_device(d), 0);
    CHECK_EQ(vpspin_set_adapter_ids(a, 0x1234, 0x5678, 0, 0, 0), NO_ERROR);
    CHECK_EQ(vpspin_start_adapter(driver, a, &d), NO_ERROR);
    CHECK_EQ(*(PULONG)vpspin_device_extension(d), 1); /* PCI: its BAR */
    CHECK_EQ(vpspin_stop_device(d), 0);
    vpspin_delete_adapter(a);
    vpspin_unload_miniport(driver);
}

/* ---- Edges: misaligned accesses, a whole header written, a full table, failures ------------- */

static int edge_events;
static void count_edge_event(PVOID Context, vpspin_adapter *Adapter)
{
    (void)Context, (void)Adapter;
    __atomic_add_fetch(&edge_events, 1, __ATOMIC_RELAXED);
}

static void test_edges(vpspin_driver *driver)
{
    vpspin_adapter *a;
    vpspin_fail_allocations(0, 1);
    CHECK_EQ(vpspin_create_adapter(&a), ERROR_NOT_ENOUGH_MEMORY);
    vpspin_fail_allocations(0, 0);
    CHECK(a == NULL);
    /* A memory range whose memfd cannot be made (no file descriptor left). */
    CHECK_EQ(vpspin_create_adapter(&a), NO_ERROR);
    struct rlimit files;
    CHECK_EQ(getrlimit(RLIMIT_NOFILE, &files), 0);
    struct rlimit none = {.rlim_cur = 0, .rlim_max = files.rlim_max};
    CHECK_EQ(setrlimit(RLIMIT_NOFILE, &none), 0);
    vpspin_range bar = {.Start = {.QuadPart = 0xF0000000}, .Length = 0x1000, .Bar = 0};
    VP_STATUS no_fd = vpspin_add_adapter_range(a, &bar, NULL);
    CHECK_EQ(setrlimit(RLIMIT_NOFILE, &files), 0);
    CHECK_EQ(no_fd, ERROR_NOT_ENOUGH_MEMORY);
    vpspin_delete_adapter(a);

    struct tdev t;
    vpspin_device *d;
    PTMP_EXT ext = tdev_start(driver, &t, &d);
    a = t.adapter;

    /* Misaligned accesses to memory without hooks (the ring): legal, byte by byte. */
    PUCHAR ring = (PUCHAR)ext->Ring;
    const UCHAR *mem = (const UCHAR *)t.ring;
    VideoPortWriteRegisterUlong((PULONG)(ring + 1), 0x44332211u);
    VideoPortWriteRegisterUshort((PUSHORT)(ring + 7), 0x6655);
    CHECK(mem[1] == 0x11 && mem[2] == 0x22 && mem[4] == 0x44 && mem[7] == 0x55 && mem[8] == 0x66);
    CHECK_EQ(VideoPortReadRegisterUlong((PULONG)(ring + 1)), 0x44332211u);
    CHECK_EQ(VideoPortReadRegisterUshort((PUSHORT)(ring + 7)), 0x6655);
    USHORT words[2];
    VideoPortReadRegisterBufferUshort((PUSHORT)(ring + 1), words, 2);
    CHECK(words[0] == 0x2211 && words[1] == 0x4433);
    VideoPortWriteRegisterUchar(ring + 3, 0x99); /* and a byte of it */
    CHECK(mem[3] == 0x99 && mem[2] == 0x22 && mem[4] == 0x44);
    CHECK_EQ(VideoPortReadRegisterUchar(ring + 3), 0x99);

    /* The header written whole with 0x5A: the read-only bytes keep their values, the BARs
     * their sizes and types, the rest takes what was written; past the end, nothing. */
    PCI_COMMON_CONFIG before, fill, after;
    CHECK_EQ(VideoPortGetBusData(ext, PCIConfiguration, 0, &before, 0, 64), 64);
    memset(&fill, 0x5A, sizeof fill);
    CHECK_EQ(VideoPortSetBusData(ext, PCIConfiguration, 0, &fill, 0, 64), 64);
    CHECK_EQ(VideoPortGetBusData(ext, PCIConfiguration, 0, &after, 0, 64), 64);
    CHECK(after.VendorID == TDEV_VENDOR && after.DeviceID == TDEV_DEVICE);
    CHECK(after.RevisionID == 3 && after.BaseClass == before.BaseClass &&
          after.SubClass == before.SubClass && after.ProgIf == before.ProgIf &&
          after.HeaderType == before.HeaderType && after.BIST == before.BIST);
    CHECK(after.u.type0.SubVendorID == 0x1A2B && after.u.type0.SubSystemID == 0x0001);
    CHECK(after.u.type0.ROMBaseAddress == 0 && after.u.type0.InterruptPin == 1);
    CHECK(after.Command == 0x5A5A && after.CacheLineSize == 0x5A && after.LatencyTimer == 0x5A);
    CHECK(after.u.type0.InterruptLine == 0x5A && after.u.type0.MinimumGrant == 0x5A);
    CHECK_EQ(after.u.type0.BaseAddresses[0], 0x5A5A5A5Au & ~0xFFu);      /* 256 bytes, memory */
    CHECK_EQ(after.u.type0.BaseAddresses[2], (0x5A5A5A5Au & ~0xFu) | 1); /* 16 ports */
    CHECK(after.u.type0.BaseAddresses[3] == 0 && after.u.type0.BaseAddresses[5] == 0);
    CHECK_EQ(VideoPortSetBusData(ext, PCIConfiguration, 0, &fill, 256, 4), 0);
    CHECK_EQ(VideoPortSetBusData(ext, PCIConfiguration, 0, &fill, 250, 16), 6); /* clipped */
    CHECK_EQ(VideoPortSetBusData(ext, Cmos, 0, &fill, 0, 4), 0);
    CHECK_EQ(VideoPortSetBusData(ext, PCIConfiguration, 0, before.u.type0.BaseAddresses, 0x10,
                                 sizeof before.u.type0.BaseAddresses),
             sizeof before.u.type0.BaseAddresses);
    CHECK_EQ(VideoPortGetBusData(ext, PCIConfiguration, 0, &after, 0, 64), 64);
    CHECK_EQ(after.u.type0.BaseAddresses[0], before.u.type0.BaseAddresses[0]);
    CHECK_EQ(vpspin_set_adapter_config(a, 0, NULL, 0), NO_ERROR);

    /* GetAccessRanges: IDs given as 0 match any; too small a list for what is asked. */
    USHORT any = 0, device = TDEV_DEVICE, wrong = 0x9999;
    VIDEO_ACCESS_RANGE r[4];
    CHECK_EQ(VideoPortGetAccessRanges(ext, 0, NULL, 4, r, &any, &any, NULL), NO_ERROR);
    CHECK_EQ(VideoPortGetAccessRanges(ext, 0, NULL, 4, r, &any, &wrong, NULL), ERROR_DEV_NOT_EXIST);
    CHECK_EQ(VideoPortGetAccessRanges(ext, 0, NULL, 0, NULL, NULL, &device, NULL), ERROR_MORE_DATA);
    IO_RESOURCE_DESCRIPTOR want[2] = {{.Type = CmResourceTypeMemory}, {.Type = CmResourceTypePort}};
    want[0].u.Memory.Length = 0x100;
    want[0].u.Memory.MinimumAddress.QuadPart = REGS_START;
    want[1].u.Port.Length = 4;
    want[1].u.Port.MinimumAddress.QuadPart = PORTS_START;
    CHECK_EQ(VideoPortGetAccessRanges(ext, 2, want, 1, r, NULL, NULL, NULL), ERROR_MORE_DATA);
    CHECK(r[0].RangeStart.QuadPart == REGS_START && r[0].RangeLength == 0x100);
    want[1].u.Port.Length = 0;
    CHECK_EQ(VideoPortGetAccessRanges(ext, 2, want, 2, r, NULL, NULL, NULL),
             ERROR_INVALID_PARAMETER);
    CHECK_EQ(VideoPortVerifyAccessRanges(ext, 1, NULL), ERROR_INVALID_PARAMETER);
    VIDEO_ACCESS_RANGE empty = {.RangeStart = {.QuadPart = REGS_START}, .RangeLength = 0};
    CHECK_EQ(VideoPortVerifyAccessRanges(ext, 1, &empty), ERROR_INVALID_PARAMETER);

    /* Mappings that cannot be made: no memory for the pages; the table of mappings full. */
    PHYSICAL_ADDRESS regs = {.QuadPart = REGS_START}, ports = {.QuadPart = PORTS_START};
    vpspin_fail_allocations(0, 1);
    CHECK(VideoPortGetDeviceBase(ext, regs, 16, FALSE) == NULL);
    vpspin_fail_allocations(0, 0);
    ULONG length = 16, space = VIDEO_MEMORY_SPACE_MEMORY;
    PVOID va = NULL;
    vpspin_fail_allocations(0, 1);
    CHECK_EQ(VideoPortMapMemory(ext, regs, &length, &space, &va), ERROR_NOT_ENOUGH_MEMORY);
    vpspin_fail_allocations(0, 0);
    enum { TRIES = 300 };
    static PVOID held[TRIES];
    int made = 0;
    while (made < TRIES && (held[made] = VideoPortGetDeviceBase(ext, regs, 16, FALSE)) != NULL)
        made++;
    CHECK(made > 0 && made < TRIES); /* the table holds 256, some taken already */
    CHECK(VideoPortGetDeviceBase(ext, ports, 4, VIDEO_MEMORY_SPACE_IO) == NULL);
    for (int i = 0; i < made; i++)
        VideoPortFreeDeviceBase(ext, held[i]);
    PVOID again = VideoPortGetDeviceBase(ext, ports, 4, VIDEO_MEMORY_SPACE_IO);
    CHECK(again != NULL);
    VideoPortFreeDeviceBase(ext, again);

    /* Events: a later one after an earlier one, a sooner one before both; only that one is
     * due before the adapter goes. A raise later without memory for its event: refused. */
    CHECK_EQ(vpspin_schedule_adapter_event(a, 3600u * 1000000u, count_edge_event, NULL), NO_ERROR);
    CHECK_EQ(vpspin_schedule_adapter_event(a, 4000u * 1000000u, count_edge_event, NULL), NO_ERROR);
    CHECK_EQ(vpspin_schedule_adapter_event(a, 0, count_edge_event, NULL), NO_ERROR);
    while (__atomic_load_n(&edge_events, __ATOMIC_RELAXED) == 0)
        sched_yield();
    vpspin_fail_allocations(0, 1);
    CHECK_EQ(vpspin_raise_adapter_interrupt(a, 1000), FALSE);
    vpspin_fail_allocations(0, 0);

    CHECK_EQ(request(d, IOCTL_TMP_STOP, NULL, 0, NULL, 0), NO_ERROR);
    CHECK_EQ(vpspin_stop_device(d), 0);
    vpspin_delete_adapter(a);
    CHECK_EQ(edge_events, 1);
}

/* ---- A fault that is not the adapter's goes where it went before ------------------------------
 */

static sigjmp_buf fault_escape;
static volatile sig_atomic_t faults_passed;

static void passed_siginfo(int sig, siginfo_t *si, void *context)
{
    (void)sig, (void)si, (void)context;
    faults_passed++;
    siglongjmp(fault_escape, 1);
}

static void passed_plain(int sig)
{
    (void)sig;
    faults_passed++;
    siglongjmp(fault_escape, 1);
}

/* In a child: a SIGSEGV handler of the program's (mode 0: SA_SIGINFO, 1: plain, 2: none)
 * installed before the adapter's own goes in, at its first memory mapping; then a fault
 * on a page that is no mapping's. Exits 0 if that fault reached the program's handler;
 * mode 2 dies of the signal, as the program would have without vpspin. */
static void fault_child(int mode)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    if (mode == 0) {
        sa.sa_sigaction = passed_siginfo;
        sa.sa_flags = SA_SIGINFO;
    } else {
        sa.sa_handler = mode == 1 ? passed_plain : SIG_DFL;
    }
    sigaction(SIGSEGV, &sa, NULL);
    vpspin_set_verify(VPSPIN_VERIFY_FULL);
    vpspin_driver *driver;
    struct tdev t;
    vpspin_device *d;
    CHECK_EQ(vpspin_load_miniport(tmp_driver_entry, &driver), STATUS_SUCCESS);
    tdev_start(driver, &t, &d);
    long page = sysconf(_SC_PAGESIZE);
    volatile UCHAR *own = mmap(NULL, (size_t)page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(own != MAP_FAILED);
    volatile int got = -1;
    if (sigsetjmp(fault_escape, 1) == 0)
        got = *own; /* (memcheck.supp: this read is on purpose) */
    CHECK_EQ(got, -1);
    CHECK_EQ(faults_passed, 1);
    munmap((void *)own, (size_t)page);
    CHECK_EQ(request(d, IOCTL_TMP_STOP, NULL, 0, NULL, 0), NO_ERROR);
    CHECK_EQ(vpspin_stop_device(d), 0);
    vpspin_delete_adapter(t.adapter);
    vpspin_unload_miniport(driver);
    CHECK_EQ(vpspin_bugcheck_count(), 0);
    exit(check_done());
}

static void test_other_faults(void)
{
    for (int mode = 0; mode < 3; mode++) {
        fflush(NULL);
        pid_t pid = fork();
        CHECK(pid >= 0);
        if (pid == 0)
            fault_child(mode);
        int status = 0;
        CHECK_EQ(waitpid(pid, &status, 0), pid);
        if (mode < 2)
            CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        else
            CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
    }
}

/* ---- The API's refusals --------------------------------------------------------------------- */

static int events_run;
static void count_event(PVOID Context, vpspin_adapter *Adapter)
{
    (void)Adapter;
    __atomic_add_fetch((int *)Context, 1, __ATOMIC_RELAXED);
}

static void test_api(vpspin_driver *driver)
{
    vpspin_adapter *a;
    CHECK_EQ(vpspin_create_adapter(NULL), ERROR_INVALID_PARAMETER);
    CHECK_EQ(vpspin_create_adapter(&a), NO_ERROR);
    CHECK_EQ(vpspin_set_adapter_ids(NULL, 1, 2, 3, 4, 5), ERROR_INVALID_PARAMETER);
    CHECK_EQ(vpspin_set_adapter_ids(a, 0xFFFF, 2, 3, 4, 5), ERROR_INVALID_PARAMETER);
    CHECK_EQ(vpspin_set_adapter_interrupt(NULL, 5, 5), ERROR_INVALID_PARAMETER);
    CHECK_EQ(vpspin_set_adapter_interrupt(a, 0, 9), NO_ERROR); /* level 0: no interrupt */
    UCHAR line_pin[2] = {0xEE, 0xEE};
    CHECK_EQ(vpspin_get_adapter_config(a, 0x3C, line_pin, 2), NO_ERROR);
    CHECK(line_pin[0] == 0 && line_pin[1] == 0);
    UCHAR bytes[8] = {1, 2, 3, 4, 5, 6, 7, 8}, back[8];
    CHECK_EQ(vpspin_set_adapter_config(a, 0x40, bytes, 8), NO_ERROR);
    CHECK_EQ(vpspin_get_adapter_config(a, 0x40, back, 8), NO_ERROR);
    CHECK(memcmp(bytes, back, 8) == 0);
    CHECK_EQ(vpspin_set_adapter_config(a, 0xFC, bytes, 8), ERROR_INVALID_PARAMETER);
    CHECK_EQ(vpspin_get_adapter_config(a, 257, back, 0), ERROR_INVALID_PARAMETER);
    CHECK_EQ(vpspin_get_adapter_config(NULL, 0, back, 1), ERROR_INVALID_PARAMETER);
    CHECK_EQ(vpspin_get_adapter_config(a, 0, NULL, 1), ERROR_INVALID_PARAMETER);
    ULONG bar = 0x12345678;
    CHECK_EQ(vpspin_set_adapter_config(a, 0x10, &bar, 4), NO_ERROR); /* BARs: not written */
    CHECK_EQ(vpspin_get_adapter_config(a, 0x10, &bar, 4), NO_ERROR);
    CHECK_EQ(bar, 0);

    vpspin_range ok = {.Start = {.QuadPart = 0xF0000000}, .Length = 0x1000, .Bar = 0};
    vpspin_range bad[] = {
        {.Start = {.QuadPart = 0xF0000000}, .Length = 0, .Bar = VPSPIN_NO_BAR},     /* empty */
        {.Start = {.QuadPart = 0xF0000800}, .Length = 0x100, .Bar = VPSPIN_NO_BAR}, /* overlap */
        {.Start = {.QuadPart = 0xE0000800}, .Length = 0x1000, .Bar = 1},            /* misaligned */
        {.Start = {.QuadPart = 0xE0000000}, .Length = 0x1000, .Bar = 0},            /* BAR in use */
        {.Start = {.QuadPart = 0xE0000000}, .Length = 0x1000, .Bar = 6},            /* no BAR 6 */
        {.Start = {.QuadPart = 0x1FFFFF000}, .Length = 0x1000, .Bar = 2},           /* > 32 bits */
        {.Start = {.QuadPart = 0xFFF0}, .Length = 0x20, .InIoSpace = TRUE, .Bar = VPSPIN_NO_BAR},
        {.Start = {.QuadPart = 0}, .Length = 0x20, .InIoSpace = TRUE, .Bar = VPSPIN_NO_BAR},
        {.Start = {.QuadPart = -16}, .Length = 0x20, .Bar = VPSPIN_NO_BAR}, /* wraps */
    };
    CHECK_EQ(vpspin_add_adapter_range(a, NULL, NULL), ERROR_INVALID_PARAMETER);
    CHECK_EQ(vpspin_add_adapter_range(NULL, &ok, NULL), ERROR_INVALID_PARAMETER);
    CHECK_EQ(vpspin_add_adapter_range(a, &ok, NULL), NO_ERROR);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK_EQ(vpspin_add_adapter_range(a, &bad[i], NULL), ERROR_INVALID_PARAMETER);
    vpspin_range ports = {
        .Start = {.QuadPart = 0xF000}, .Length = 0x10, .InIoSpace = TRUE, .Bar = VPSPIN_NO_BAR};
    CHECK_EQ(vpspin_add_adapter_range(a, &ports, NULL), NO_ERROR);
    vpspin_fail_allocations(0, 1);
    vpspin_range more = {.Start = {.QuadPart = 0xD0000000}, .Length = 0x100, .Bar = VPSPIN_NO_BAR};
    CHECK_EQ(vpspin_add_adapter_range(a, &more, NULL), ERROR_NOT_ENOUGH_MEMORY);
    vpspin_fail_allocations(0, 0);
    for (ULONG i = 2; i < VPSPIN_MAX_RANGES; i++) {
        more.Start.QuadPart = 0xD0000000 + 0x1000 * (LONGLONG)i;
        CHECK_EQ(vpspin_add_adapter_range(a, &more, NULL), NO_ERROR);
    }
    more.Start.QuadPart = 0xC0000000;
    CHECK_EQ(vpspin_add_adapter_range(a, &more, NULL), ERROR_INVALID_PARAMETER); /* full */
    vpspin_range got;
    CHECK_EQ(vpspin_get_adapter_range(a, 1, &got), NO_ERROR);
    CHECK(got.Start.QuadPart == 0xF000 && got.Length == 0x10 && got.InIoSpace == TRUE &&
          got.Bar == VPSPIN_NO_BAR);
    CHECK_EQ(vpspin_get_adapter_range(a, VPSPIN_MAX_RANGES, &got), ERROR_INVALID_PARAMETER);
    CHECK_EQ(vpspin_get_adapter_range(a, 0, NULL), ERROR_INVALID_PARAMETER);
    CHECK_EQ(vpspin_get_adapter_range(NULL, 0, &got), ERROR_INVALID_PARAMETER);
    CHECK_EQ(vpspin_set_range_hooks(NULL, 0, NULL, NULL, NULL), ERROR_INVALID_PARAMETER);
    CHECK(vpspin_adapter_range_memory(a, VPSPIN_MAX_RANGES) == NULL);
    CHECK(vpspin_adapter_range_memory(NULL, 0) == NULL);
    CHECK_EQ(vpspin_set_range_hooks(a, VPSPIN_MAX_RANGES, NULL, NULL, NULL),
             ERROR_INVALID_PARAMETER);
    CHECK_EQ(vpspin_set_adapter_cleanup(NULL, NULL, NULL), ERROR_INVALID_PARAMETER);
    CHECK_EQ(vpspin_schedule_adapter_event(a, 0, NULL, NULL), ERROR_INVALID_PARAMETER);
    CHECK_EQ(vpspin_schedule_adapter_event(NULL, 0, count_event, &events_run),
             ERROR_INVALID_PARAMETER);
    CHECK_EQ(vpspin_raise_adapter_interrupt(NULL, 0), FALSE);
    CHECK_EQ(vpspin_raise_adapter_interrupt(a, 0), FALSE); /* no device: no line */
    CHECK_EQ(vpspin_raise_adapter_interrupt(a, 10), FALSE);
    /* Events pending at deletion do not run; those due do. */
    CHECK_EQ(vpspin_schedule_adapter_event(a, 3600u * 1000000u, count_event, &events_run),
             NO_ERROR);

    /* Starting: a NULL adapter; one in use; one whose ports overlap a started one's. */
    vpspin_device *d, *e;
    CHECK_EQ(vpspin_start_adapter(driver, NULL, &d), ERROR_INVALID_PARAMETER);
    CHECK_EQ(vpspin_start_adapter(driver, NULL, NULL), ERROR_INVALID_PARAMETER);
    CHECK(d == NULL);
    struct tdev t1, t2;
    vpspin_adapter *x = tdev_create(&t1, PORTS_START), *y = tdev_create(&t2, PORTS_START + 0x100);
    CHECK_EQ(vpspin_start_adapter(NULL, x, &d), ERROR_INVALID_PARAMETER);
    CHECK(d == NULL);
    vpspin_fail_allocations(0, 1); /* the device's own memory: the adapter stays free */
    CHECK_EQ(vpspin_start_adapter(driver, x, &d), ERROR_NOT_ENOUGH_MEMORY);
    vpspin_fail_allocations(0, 0);
    CHECK(d == NULL);
    CHECK_EQ(vpspin_start_adapter(driver, x, &d), NO_ERROR);
    CHECK_EQ(vpspin_start_adapter(driver, x, &e), ERROR_INVALID_PARAMETER);
    CHECK(e == NULL);
    CHECK_EQ(vpspin_start_adapter(driver, y, &e), ERROR_INVALID_PARAMETER); /* legacy ports */
    vpspin_range late = {.Start = {.QuadPart = 0xA0000}, .Length = 16, .Bar = VPSPIN_NO_BAR};
    CHECK_EQ(vpspin_add_adapter_range(x, &late, NULL), ERROR_INVALID_PARAMETER); /* in use */
    CHECK_EQ(vpspin_set_range_hooks(x, 0, NULL, NULL, NULL), ERROR_INVALID_PARAMETER);
    vpspin_delete_adapter(x); /* refused, with a message: a device runs on it */
    CHECK_EQ(t1.cleanups, 0);
    /* A raise later, and now, reach the device; a raise from nowhere does nothing. */
    PTMP_EXT ext = vpspin_device_extension(d);
    CHECK_EQ(vpspin_raise_adapter_interrupt(x, 0), TRUE); /* status not DONE: not claimed */
    vpspin_device_info info;
    ULONG_PTR before;
    do { /* the host's interrupt thread gets to it when it does: wait for the call */
        sched_yield();
        vpspin_query_device(d, &info);
    } while (info.Interrupts == 0);
    before = info.Interrupts;
    CHECK_EQ(ext->Interrupts, 0);
    CHECK_EQ(vpspin_raise_adapter_interrupt(x, 1000), TRUE);
    do {
        sched_yield();
        vpspin_query_device(d, &info);
    } while (info.Interrupts == before);
    /* The device's other services, on a device without an adapter. */
    vpspin_device *plain;
    CHECK_EQ(vpspin_start_device(driver, &plain), ERROR_DEV_NOT_EXIST); /* tmp needs hardware */
    CHECK(plain == NULL);
    ULONG cfg;
    CHECK_EQ(VideoPortGetBusData(NULL, PCIConfiguration, 0, &cfg, 0, 4), 0);
    CHECK_EQ(VideoPortGetBusData(ext, Cmos, 0, &cfg, 0, 4), 0);
    CHECK_EQ(VideoPortSetBusData(ext, PCIConfiguration, 0, NULL, 0, 4), 0);
    CHECK_EQ(VideoPortGetBusData(ext, PCIConfiguration, 0, &cfg, 254, 4), 2); /* clipped */
    CHECK_EQ(VideoPortGetBusData(ext, PCIConfiguration, 0, &cfg, 256, 4), 0);
    USHORT id = TDEV_VENDOR;
    CHECK_EQ(VideoPortSetBusData(ext, PCIConfiguration, 0, &id, 2, 2), 2); /* DeviceID: RO */
    CHECK_EQ(VideoPortGetBusData(ext, PCIConfiguration, 0, &id, 2, 2), 2);
    CHECK_EQ(id, TDEV_DEVICE);
    VIDEO_ACCESS_RANGE r[1];
    CHECK_EQ(VideoPortGetAccessRanges(NULL, 0, NULL, 1, r, NULL, NULL, NULL), ERROR_DEV_NOT_EXIST);
    CHECK_EQ(VideoPortGetAccessRanges(ext, 0, NULL, 1, NULL, NULL, NULL, NULL),
             ERROR_INVALID_PARAMETER);
    CHECK_EQ(VideoPortGetAccessRanges(ext, 1, NULL, 1, r, NULL, NULL, NULL),
             ERROR_INVALID_PARAMETER);
    IO_RESOURCE_DESCRIPTOR want[2] = {{.Type = CmResourceTypeInterrupt},
                                      {.Type = CmResourceTypeMemory}};
    want[1].u.Memory.Length = 0x10;
    want[1].u.Memory.MinimumAddress.QuadPart = 0x10; /* not the adapter's */
    CHECK_EQ(VideoPortGetAccessRanges(ext, 2, want, 1, r, NULL, NULL, NULL),
             ERROR_INVALID_PARAMETER);
    CHECK_EQ(VideoPortVerifyAccessRanges(NULL, 0, NULL), ERROR_INVALID_PARAMETER);
    CHECK_EQ(VideoPortVerifyAccessRanges(ext, 0, NULL), NO_ERROR); /* releases the claims */
    PHYSICAL_ADDRESS pa = {.QuadPart = RING_START};
    ULONG len = 16, space = 0;
    PVOID va;
    CHECK_EQ(VideoPortMapMemory(ext, pa, NULL, &space, &va), ERROR_INVALID_PARAMETER);
    CHECK_EQ(VideoPortMapMemory(ext, pa, &len, NULL, &va), ERROR_INVALID_PARAMETER);
    CHECK_EQ(VideoPortMapMemory(ext, pa, &len, &space, NULL), ERROR_INVALID_PARAMETER);
    CHECK_EQ(VideoPortMapMemory(NULL, pa, &len, &space, &va), ERROR_INVALID_PARAMETER);
    len = 0;
    CHECK_EQ(VideoPortMapMemory(ext, pa, &len, &space, &va), ERROR_INVALID_PARAMETER);
    len = 16;
    space = VIDEO_MEMORY_SPACE_IO; /* no ports there */
    CHECK_EQ(VideoPortMapMemory(ext, pa, &len, &space, &va), ERROR_INVALID_PARAMETER);
    CHECK(VideoPortGetDeviceBase(NULL, pa, 16, 0) == NULL);
    CHECK(VideoPortGetDeviceBase(ext, pa, 0, 0) == NULL);
    /* Map and unmap more than the table of mappings holds at once: quarantine recycles. */
    for (int i = 0; i < 600; i++) {
        PVOID m = VideoPortGetDeviceBase(ext, pa, 16, 0);
        CHECK(m != NULL);
        VideoPortFreeDeviceBase(ext, m);
    }
    VideoPortFreeDeviceBase(ext, ext->Legacy);
    VideoPortFreeDeviceBase(ext, ext->Ports);
    VideoPortFreeDeviceBase(ext, ext->Ring);
    VideoPortDeleteSpinLock(ext, ext->Lock);
    CHECK_EQ(vpspin_stop_device(d), 0);
    vpspin_delete_adapter(x);
    vpspin_delete_adapter(y);
    CHECK_EQ(t1.cleanups, 1);
    CHECK_EQ(t2.cleanups, 1);
    vpspin_delete_adapter(a);
    vpspin_delete_adapter(NULL);
    CHECK_EQ(events_run, 0);
}

/* ---- The PASSIVE_LEVEL services, called above it ------------------------------------------ */

/* Each resource, mapping and bus-data service at DISPATCH_LEVEL: 0xF003 (P2 the IRQL, P3
 * PASSIVE_LEVEL, P4 the extension), refused with its failure; at PASSIVE_LEVEL the same calls
 * are silent and work. */
static void test_irql_rules(vpspin_driver *driver)
{
    struct tdev t;
    vpspin_device *d;
    PTMP_EXT ext = tdev_start(driver, &t, &d);
    vpspin_set_bugcheck_handler(on_report, NULL);
    VIDEO_ACCESS_RANGE r[4];
    ULONG slot, id, length, io;
    PVOID base;
    ULONG command = 0;
    CHECK_EQ(VideoPortGetBusData(ext, PCIConfiguration, 0, &id, 0, sizeof id), sizeof id);
    CHECK_EQ(VideoPortGetBusData(ext, PCIConfiguration, 0, &command, 4, 2), 2);
    USHORT vendor = (USHORT)id, device = (USHORT)(id >> 16);
    PHYSICAL_ADDRESS bar = ext->Ranges[0].RangeStart;
    ULONG bar_length = ext->Ranges[0].RangeLength;

    for (int pass = 0; pass < 2; pass++) {
        bool high = pass == 0;
        KIRQL old = PASSIVE_LEVEL;
        if (high)
            KeRaiseIrql(DISPATCH_LEVEL, &old);
        int n = seen.n;
#define CHECK_IRQL(api_name)                                                                       \
    do {                                                                                           \
        if (high) {                                                                                \
            CHECK_REPORT(n, 0xF003, DISPATCH_LEVEL, PASSIVE_LEVEL, (uintptr_t)ext, api_name);      \
            n = seen.n;                                                                            \
        } else {                                                                                   \
            CHECK_EQ(seen.n, n);                                                                   \
        }                                                                                          \
    } while (0)
        VP_STATUS want = high ? ERROR_INVALID_PARAMETER : NO_ERROR;
        CHECK_EQ(VideoPortGetAccessRanges(ext, 0, NULL, 4, r, NULL, NULL, &slot), want);
        CHECK_IRQL("VideoPortGetAccessRanges");
        CHECK_EQ(VideoPortVerifyAccessRanges(ext, 1, ext->Ranges), want);
        CHECK_IRQL("VideoPortVerifyAccessRanges");
        CHECK_EQ(VideoPortCheckForDeviceExistence(ext, vendor, device, 0, 0, 0, 0), !high);
        CHECK_IRQL("VideoPortCheckForDeviceExistence");
        CHECK_EQ(VideoPortGetBusData(ext, PCIConfiguration, 0, &id, 0, sizeof id),
                 high ? 0 : sizeof id);
        CHECK_IRQL("VideoPortGetBusData");
        CHECK_EQ(VideoPortSetBusData(ext, PCIConfiguration, 0, &command, 4, 2), high ? 0 : 2);
        CHECK_IRQL("VideoPortSetBusData");
        base = VideoPortGetDeviceBase(ext, bar, bar_length, FALSE);
        CHECK_EQ(base == NULL, high);
        CHECK_IRQL("VideoPortGetDeviceBase");
        PVOID mapped = base;
        if (high) {
            KeLowerIrql(old);
            mapped = VideoPortGetDeviceBase(ext, bar, bar_length, FALSE);
            CHECK(mapped != NULL);
            KeRaiseIrql(DISPATCH_LEVEL, &old);
        }
        VideoPortFreeDeviceBase(ext, mapped);
        CHECK_IRQL("VideoPortFreeDeviceBase");
        if (high) { /* refused: still mapped */
            KeLowerIrql(old);
            VideoPortFreeDeviceBase(ext, mapped);
            CHECK_EQ(seen.n, n);
            KeRaiseIrql(DISPATCH_LEVEL, &old);
        }
        length = bar_length, io = VIDEO_MEMORY_SPACE_MEMORY, base = NULL;
        CHECK_EQ(VideoPortMapMemory(ext, bar, &length, &io, &base), want);
        CHECK_IRQL("VideoPortMapMemory");
        CHECK_EQ(base == NULL, high);
        if (high) {
            KeLowerIrql(old);
            CHECK_EQ(VideoPortMapMemory(ext, bar, &length, &io, &base), NO_ERROR);
            KeRaiseIrql(DISPATCH_LEVEL, &old);
        }
        CHECK_EQ(VideoPortUnmapMemory(ext, base, NULL), want);
        CHECK_IRQL("VideoPortUnmapMemory");
        if (high) {
            KeLowerIrql(old);
            CHECK_EQ(VideoPortUnmapMemory(ext, base, NULL), NO_ERROR);
            CHECK_EQ(seen.n, n);
        }
#undef CHECK_IRQL
    }
    CHECK_EQ(request(d, IOCTL_TMP_STOP, NULL, 0, NULL, 0), NO_ERROR);
    vpspin_set_bugcheck_handler(NULL, NULL);
    CHECK_EQ(vpspin_stop_device(d), 0);
    vpspin_delete_adapter(t.adapter);
}

int main(void)
{
    vpspin_driver *driver;
    test_other_faults(); /* first: in children of a process without threads yet */
    vpspin_set_verify(VPSPIN_VERIFY_FULL);
    CHECK_EQ(vpspin_load_miniport(tmp_driver_entry, &driver), STATUS_SUCCESS);
    test_device_at_work(driver);
    test_api(driver);
    test_no_pci_identity();
    test_edges(driver);
    CHECK_EQ(vpspin_bugcheck_count(), 0); /* correct code: silent, in the full mode */
    test_rules(driver);
    test_irql_rules(driver);
    vpspin_unload_miniport(driver);
    return check_done();
}
