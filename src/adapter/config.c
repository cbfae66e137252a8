/*
 * adapter/config.c - the adapter's PCI configuration space: 256 bytes of a type 0 header
 * (PCI_COMMON_CONFIG), as the model sets it and as the miniport reads and writes it with
 * VideoPortGetBusData / VideoPortSetBusData.
 *
 * What a device would do with a write, this does: the IDs, revision, class, header type,
 * subsystem IDs and interrupt pin are read-only; a BAR that holds a range reads back what
 * was written masked to the BAR's size (so writing all ones and reading back sizes it, as
 * firmware and some miniports do), with its type bits (1 for ports, 0 for 32-bit memory);
 * a BAR without a range and the expansion ROM BAR read 0. The rest (Command, cache line,
 * latency, InterruptLine, the device-specific bytes) stores what is written. The ranges
 * stay where they were described: writing a BAR moves nothing.
 */
#include <string.h>

#include "adapter/adapter.h"

#define VSP_CFG_BARS     0x10u /* BaseAddresses[0] */
#define VSP_CFG_BARS_END 0x28u /* past BaseAddresses[5] */

static PCI_COMMON_CONFIG *vsp_cfg(struct vpspin_adapter *a) { return &a->config; }

void vsp_config_init(struct vpspin_adapter *a)
{
    PCI_COMMON_CONFIG *c = vsp_cfg(a);
    memset(c, 0, sizeof *c);
    c->VendorID = PCI_INVALID_VENDORID;
    c->DeviceID = PCI_INVALID_VENDORID;
    c->Command = 0x0007; /* I/O space, memory space, bus master: as firmware leaves it */
    c->BaseClass = 0x03; /* display controller */
}

static ULONG vsp_bar_flags(const struct vsp_range *r) { return r->desc.InIoSpace ? 1u : 0u; }

void vsp_config_set_bar(struct vpspin_adapter *a, const struct vsp_range *r)
{
    unsigned bar = r->desc.Bar;
    ULONG min = r->desc.InIoSpace ? 4u : 16u, size = min;
    while (size < r->desc.Length)
        size <<= 1;
    pthread_mutex_lock(&a->config_mutex);
    a->bar_mask[bar] = ~(size - 1u);
    vsp_cfg(a)->u.type0.BaseAddresses[bar] =
        ((ULONG)r->desc.Start.QuadPart & a->bar_mask[bar]) | vsp_bar_flags(r);
    pthread_mutex_unlock(&a->config_mutex);
}

/* The BAR each BaseAddresses slot holds, for the write masks. */
static const struct vsp_range *vsp_bar_range(struct vpspin_adapter *a, unsigned bar)
{
    for (unsigned i = 0; i < a->nranges; i++)
        if (a->ranges[i].desc.Bar == bar)
            return &a->ranges[i];
    return NULL;
}

static bool vsp_config_read_only(ULONG off)
{
    return off < 0x04 || (off >= 0x06 && off < 0x0C) || off == 0x0E || off == 0x0F ||
           (off >= 0x28 && off < 0x34) || off == 0x3D;
}

ULONG vsp_config_write(struct vpspin_adapter *a, const VOID *Buffer, ULONG Offset, ULONG Length)
{
    if (Offset >= sizeof(PCI_COMMON_CONFIG))
        return 0;
    if (Length > sizeof(PCI_COMMON_CONFIG) - Offset)
        Length = sizeof(PCI_COMMON_CONFIG) - Offset;
    pthread_mutex_lock(&a->config_mutex);
    UCHAR *bytes = (UCHAR *)vsp_cfg(a);
    for (ULONG i = 0; i < Length; i++)
        if (!vsp_config_read_only(Offset + i))
            bytes[Offset + i] = ((const UCHAR *)Buffer)[i];
    if (Offset < VSP_CFG_BARS_END && Offset + Length > VSP_CFG_BARS) {
        for (unsigned bar = 0; bar < PCI_TYPE0_ADDRESSES; bar++) {
            const struct vsp_range *r = vsp_bar_range(a, bar);
            ULONG *v = &vsp_cfg(a)->u.type0.BaseAddresses[bar];
            *v = r == NULL ? 0 : (*v & a->bar_mask[bar]) | vsp_bar_flags(r);
        }
    }
    pthread_mutex_unlock(&a->config_mutex);
    return Length;
}

ULONG vsp_config_read(struct vpspin_adapter *a, PVOID Buffer, ULONG Offset, ULONG Length)
{
    if (Offset >= sizeof(PCI_COMMON_CONFIG))
        return 0;
    if (Length > sizeof(PCI_COMMON_CONFIG) - Offset)
        Length = sizeof(PCI_COMMON_CONFIG) - Offset;
    pthread_mutex_lock(&a->config_mutex);
    memcpy(Buffer, (UCHAR *)vsp_cfg(a) + Offset, Length);
    pthread_mutex_unlock(&a->config_mutex);
    return Length;
}

/* ---- The model's side ---------------------------------------------------------------- */

VP_STATUS vpspin_set_adapter_ids(vpspin_adapter *Adapter, USHORT VendorId, USHORT DeviceId,
                                 USHORT SubVendorId, USHORT SubSystemId, UCHAR RevisionId)
{
    if (Adapter == NULL || VendorId == PCI_INVALID_VENDORID)
        return ERROR_INVALID_PARAMETER;
    pthread_mutex_lock(&Adapter->config_mutex);
    PCI_COMMON_CONFIG *c = vsp_cfg(Adapter);
    c->VendorID = VendorId;
    c->DeviceID = DeviceId;
    c->u.type0.SubVendorID = SubVendorId;
    c->u.type0.SubSystemID = SubSystemId;
    c->RevisionID = RevisionId;
    pthread_mutex_unlock(&Adapter->config_mutex);
    return NO_ERROR;
}

static bool vsp_config_span_ok(vpspin_adapter *a, ULONG Offset, const VOID *Data, ULONG Length)
{
    return a != NULL && (Data != NULL || Length == 0) && Offset <= sizeof(PCI_COMMON_CONFIG) &&
           Length <= sizeof(PCI_COMMON_CONFIG) - Offset;
}

VP_STATUS vpspin_set_adapter_config(vpspin_adapter *Adapter, ULONG Offset, const VOID *Data,
                                    ULONG Length)
{
    if (!vsp_config_span_ok(Adapter, Offset, Data, Length))
        return ERROR_INVALID_PARAMETER;
    pthread_mutex_lock(&Adapter->config_mutex);
    UCHAR *bytes = (UCHAR *)vsp_cfg(Adapter);
    for (ULONG i = 0; i < Length; i++) {
        ULONG off = Offset + i;
        if (off < VSP_CFG_BARS || off >= VSP_CFG_BARS_END) /* the BARs are the ranges' */
            bytes[off] = ((const UCHAR *)Data)[i];
    }
    pthread_mutex_unlock(&Adapter->config_mutex);
    return NO_ERROR;
}

VP_STATUS vpspin_get_adapter_config(vpspin_adapter *Adapter, ULONG Offset, VOID *Data, ULONG Length)
{
    if (!vsp_config_span_ok(Adapter, Offset, Data, Length))
        return ERROR_INVALID_PARAMETER;
    vsp_config_read(Adapter, Data, Offset, Length);
    return NO_ERROR;
}

VP_STATUS vpspin_set_adapter_interrupt(vpspin_adapter *Adapter, ULONG Level, ULONG Vector)
{
    if (Adapter == NULL)
        return ERROR_INVALID_PARAMETER;
    pthread_mutex_lock(&Adapter->config_mutex);
    Adapter->interrupt_level = Level;
    Adapter->interrupt_vector = Level != 0 ? Vector : 0;
    vsp_cfg(Adapter)->u.type0.InterruptLine = Level != 0 ? (UCHAR)Vector : 0;
    vsp_cfg(Adapter)->u.type0.InterruptPin = Level != 0 ? 1 : 0;
    pthread_mutex_unlock(&Adapter->config_mutex);
    return NO_ERROR;
}
