/*
 * vpdemo_model.c - the sample adapter, as a device model: what vpdemo_hw.h describes,
 * behind the hooks and events of <vpspin/adapter.h>.
 *
 * Registers and mode ports are hooked; the ring and the frame buffer are plain memory the
 * miniport writes through its mappings. A DOORBELL write starts the engine: an event, due
 * one period later (1/Rate s), that executes up to VPDEMO_ENGINE_BATCH commands from the
 * ring between FENCE and DOORBELL (adding their keys to EXECSUM), sets STATUS.DONE,
 * raises the interrupt if INTMASK lets it, and comes again one period later while
 * commands remain. So the device works on its own time, beside the miniport: commands
 * complete while others are being submitted, and the ISR races both.
 *
 * Everything below but the stall flag is touched only by hooks and events, which run
 * under the adapter's model lock: no lock of its own is needed. The ring is read with
 * atomic loads: the miniport's register writes store it (release) and may run beside.
 */
#include <stdlib.h>

#include "vpdemo_hw.h"
#include "vpdemo_model.h"

struct _VPDEMO_MODEL {
    vpspin_adapter *Adapter;
    ULONG *Ring;  /* BAR1, the device's side */
    ULONG Period; /* microseconds between batches */
    ULONG Status, IntMask, Doorbell, Fence;
    ULONGLONG ExecSum;
    ULONG ExecSumHigh; /* latched by a read of EXECSUM_LO */
    USHORT Index, Mode[8];
    BOOLEAN Scheduled; /* an engine event is pending */
    ULONGLONG Batches; /* atomic */
    int Stalled;       /* atomic */
};

static VOID VpDemoEngine(PVOID Context, vpspin_adapter *Adapter)
{
    PVPDEMO_MODEL m = Context;
    ULONG n = 0;
    m->Scheduled = FALSE;
    if (__atomic_load_n(&m->Stalled, __ATOMIC_ACQUIRE))
        return; /* VpDemoStallModel(FALSE) starts it again */
    while (m->Fence != m->Doorbell && n < VPDEMO_ENGINE_BATCH) {
        const ULONG *entry = &m->Ring[(m->Fence % VPDEMO_RING_ENTRIES) * 2];
        ULONGLONG client = __atomic_load_n(&entry[0], __ATOMIC_ACQUIRE);
        m->ExecSum += client << 32 | __atomic_load_n(&entry[1], __ATOMIC_ACQUIRE);
        m->Fence++;
        n++;
    }
    if (n > 0) {
        __atomic_add_fetch(&m->Batches, 1, __ATOMIC_RELAXED);
        m->Status |= VPDEMO_STATUS_DONE;
        if (m->IntMask & VPDEMO_STATUS_DONE)
            vpspin_raise_adapter_interrupt(Adapter, 0);
    }
    if (m->Fence != m->Doorbell) {
        m->Scheduled = TRUE;
        vpspin_schedule_adapter_event(Adapter, m->Period, VpDemoEngine, m);
    }
}

static VOID VpDemoKick(PVPDEMO_MODEL m)
{
    if (!m->Scheduled && m->Fence != m->Doorbell) {
        m->Scheduled = TRUE;
        if (vpspin_schedule_adapter_event(m->Adapter, m->Period, VpDemoEngine, m) != NO_ERROR)
            m->Scheduled = FALSE; /* out of memory: the next doorbell tries again */
    }
}

static ULONG VpDemoRead(PVOID Context, vpspin_adapter *Adapter, ULONG Range, ULONG Offset,
                        ULONG Size)
{
    PVPDEMO_MODEL m = Context;
    (void)Adapter;
    (void)Size;
    if (Range == VPDEMO_RANGE_MODE)
        return Offset == VPDEMO_PORT_DATA ? m->Mode[m->Index % 8] : m->Index;
    switch (Offset) {
    case VPDEMO_REG_ID:
        return VPDEMO_ID;
    case VPDEMO_REG_STATUS:
        return m->Status;
    case VPDEMO_REG_INTMASK:
        return m->IntMask;
    case VPDEMO_REG_FENCE:
        return m->Fence;
    case VPDEMO_REG_EXECSUM_LO:
        m->ExecSumHigh = (ULONG)(m->ExecSum >> 32);
        return (ULONG)m->ExecSum;
    case VPDEMO_REG_EXECSUM_HI:
        return m->ExecSumHigh;
    default:
        return 0;
    }
}

static VOID VpDemoWrite(PVOID Context, vpspin_adapter *Adapter, ULONG Range, ULONG Offset,
                        ULONG Size, ULONG Value)
{
    PVPDEMO_MODEL m = Context;
    (void)Adapter;
    (void)Size;
    if (Range == VPDEMO_RANGE_MODE) {
        if (Offset == VPDEMO_PORT_INDEX)
            m->Index = (USHORT)Value;
        else if (Offset == VPDEMO_PORT_DATA)
            m->Mode[m->Index % 8] = (USHORT)Value;
        return;
    }
    switch (Offset) {
    case VPDEMO_REG_STATUS:
        m->Status &= ~Value;
        break;
    case VPDEMO_REG_INTMASK:
        m->IntMask = Value;
        break;
    case VPDEMO_REG_DOORBELL:
        m->Doorbell = Value;
        VpDemoKick(m);
        break;
    default:
        break; /* read-only registers ignore writes */
    }
}

VOID VpDemoRanges(ULONG Instance, vpspin_range Ranges[4])
{
    static const vpspin_range base[4] = {
        {.Start = {.QuadPart = 0xF0000000}, .Length = VPDEMO_REGS_BYTES, .Bar = 0},
        {.Start = {.QuadPart = 0xF0010000}, .Length = VPDEMO_RING_BYTES, .Bar = 1},
        {.Start = {.QuadPart = 0xE0000000}, .Length = VPDEMO_FRAME_BYTES, .Bar = 2},
        {.Start = {.QuadPart = 0xC000}, .Length = VPDEMO_MODE_PORTS, .InIoSpace = TRUE, .Bar = 3},
    };
    for (int i = 0; i < 4; i++)
        Ranges[i] = base[i];
    Ranges[0].Start.QuadPart += (LONGLONG)Instance * 0x100000;
    Ranges[1].Start.QuadPart += (LONGLONG)Instance * 0x100000;
    Ranges[2].Start.QuadPart += (LONGLONG)Instance * VPDEMO_FRAME_BYTES;
    Ranges[3].Start.QuadPart += (LONGLONG)Instance * VPDEMO_MODE_PORTS;
}

VP_STATUS VpDemoAttachModel(vpspin_adapter *Adapter, ULONG Rate, PVPDEMO_MODEL *Model)
{
    static const ULONG bytes[VPDEMO_RANGES] = {VPDEMO_REGS_BYTES, VPDEMO_RING_BYTES,
                                               VPDEMO_FRAME_BYTES, VPDEMO_MODE_PORTS};
    for (ULONG i = 0; i < VPDEMO_RANGES; i++) {
        vpspin_range r;
        if (vpspin_get_adapter_range(Adapter, i, &r) != NO_ERROR || r.Length < bytes[i] ||
            (r.InIoSpace != 0) != (i == VPDEMO_RANGE_MODE))
            return ERROR_INVALID_PARAMETER;
    }
    PVPDEMO_MODEL m = calloc(1, sizeof *m);
    if (m == NULL)
        return ERROR_NOT_ENOUGH_MEMORY;
    m->Adapter = Adapter;
    m->Ring = vpspin_adapter_range_memory(Adapter, VPDEMO_RANGE_RING);
    m->Period = Rate == 0 || Rate > 1000000 ? 0 : 1000000 / Rate;
    VP_STATUS st = vpspin_set_range_hooks(Adapter, VPDEMO_RANGE_REGS, VpDemoRead, VpDemoWrite, m);
    if (st == NO_ERROR)
        st = vpspin_set_range_hooks(Adapter, VPDEMO_RANGE_MODE, VpDemoRead, VpDemoWrite, m);
    if (st == NO_ERROR)
        st = vpspin_set_adapter_cleanup(Adapter, free, m);
    if (st != NO_ERROR) {
        free(m);
        return st;
    }
    if (Model != NULL)
        *Model = m;
    return NO_ERROR;
}

VP_STATUS VpDemoCreateAdapter(ULONG Instance, ULONG Rate, vpspin_adapter **Adapter,
                              PVPDEMO_MODEL *Model)
{
    vpspin_range ranges[VPDEMO_RANGES];
    vpspin_adapter *a;
    VP_STATUS st = vpspin_create_adapter(&a);
    if (st != NO_ERROR)
        return st;
    VpDemoRanges(Instance, ranges);
    st = vpspin_set_adapter_ids(a, VPDEMO_VENDOR_ID, VPDEMO_DEVICE_ID, VPDEMO_VENDOR_ID,
                                VPDEMO_DEVICE_ID, VPDEMO_REVISION);
    if (st == NO_ERROR)
        st = vpspin_set_adapter_interrupt(a, VPDEMO_INTERRUPT_LEVEL, VPDEMO_INTERRUPT_VECTOR);
    for (ULONG i = 0; i < VPDEMO_RANGES && st == NO_ERROR; i++)
        st = vpspin_add_adapter_range(a, &ranges[i], NULL);
    if (st == NO_ERROR)
        st = VpDemoAttachModel(a, Rate, Model);
    if (st != NO_ERROR) {
        vpspin_delete_adapter(a);
        return st;
    }
    *Adapter = a;
    return NO_ERROR;
}

static VOID VpDemoKickEvent(PVOID Context, vpspin_adapter *Adapter)
{
    (void)Adapter;
    VpDemoKick(Context);
}

VOID VpDemoStallModel(PVPDEMO_MODEL Model, BOOLEAN Stalled)
{
    __atomic_store_n(&Model->Stalled, Stalled ? 1 : 0, __ATOMIC_RELEASE);
    if (!Stalled) /* an event (under the model lock) takes the engine up again */
        vpspin_schedule_adapter_event(Model->Adapter, 0, VpDemoKickEvent, Model);
}

ULONGLONG VpDemoModelBatches(PVPDEMO_MODEL Model)
{
    return __atomic_load_n(&Model->Batches, __ATOMIC_RELAXED);
}
