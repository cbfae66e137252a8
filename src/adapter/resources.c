/*
 * adapter/resources.c - the hardware services that take a HwDeviceExtension: the adapter's
 * resources (VideoPortGetAccessRanges, VideoPortVerifyAccessRanges,
 * VideoPortCheckForDeviceExistence), mapping them
 * (VideoPortGetDeviceBase, VideoPortFreeDeviceBase, VideoPortMapMemory,
 * VideoPortUnmapMemory) and its configuration space (VideoPortGetBusData,
 * VideoPortSetBusData).
 *
 * They follow the Plug and Play video port: the device's resources are what its adapter
 * was described with, in the order its ranges were added - for a PCI adapter its BARs,
 * while its legacy ranges (VGA's ports, say) are claimed by VideoPortVerifyAccessRanges
 * or asked for in RequestedResources; for an adapter without PCI IDs, every range.
 * VendorId and DeviceId, when given, must be the adapter's (or 0: any); the slot is the
 * device's own (0), whatever SlotNumber asks. A mapping is made only inside one of the adapter's
 * ranges, and only by the device started on it; anything else fails (NULL,
 * ERROR_INVALID_PARAMETER), as on Windows there would be no hardware there. What a mapping is and
 * how accesses through it are checked is view.c's and access.c's.
 *
 * All of them want PASSIVE_LEVEL, as the WDK documents (they may block, and read pageable
 * state): a call above it is reported (0xF003, the checked modes) and refused with the
 * service's failure, before anything else is looked at.
 */
#include <string.h>

#include "adapter/adapter.h"
#include "base/slow.h"
#include "check/verify.h"

static void vsp_access_range_of(const struct vsp_range *r, uint64_t start, ULONG length,
                                PVIDEO_ACCESS_RANGE out)
{
    memset(out, 0, sizeof *out);
    out->RangeStart.QuadPart = (LONGLONG)start;
    out->RangeLength = length;
    out->RangeInIoSpace = r->desc.InIoSpace;
    out->RangeShareable = r->desc.Shareable;
}

/* False, reported, if the caller is above PASSIVE_LEVEL. */
static bool vsp_passive(enum vsp_api api, PVOID HwDeviceExtension)
{
    return vsp_irql_allows(api, VSP_RULE_IRQL, PASSIVE_LEVEL, (ULONG_PTR)HwDeviceExtension, 0);
}

static bool vsp_id_matches(PVOID Id, USHORT actual)
{
    return Id == NULL || *(PUSHORT)Id == 0 || *(PUSHORT)Id == actual;
}

VP_STATUS VideoPortGetAccessRanges(PVOID HwDeviceExtension, ULONG NumRequestedResources,
                                   PIO_RESOURCE_DESCRIPTOR RequestedResources,
                                   ULONG NumAccessRanges, PVIDEO_ACCESS_RANGE AccessRanges,
                                   PVOID VendorId, PVOID DeviceId, PULONG Slot)
{
    if (!vsp_passive(VSP_API_VideoPortGetAccessRanges, HwDeviceExtension))
        return ERROR_INVALID_PARAMETER;
    struct vpspin_adapter *a = vsp_adapter_of(HwDeviceExtension);
    if (a == NULL || !vsp_id_matches(VendorId, a->config.VendorID) ||
        !vsp_id_matches(DeviceId, a->config.DeviceID))
        return ERROR_DEV_NOT_EXIST;
    if ((AccessRanges == NULL && NumAccessRanges != 0) ||
        (RequestedResources == NULL && NumRequestedResources != 0))
        return ERROR_INVALID_PARAMETER;
    ULONG n = 0;
    if (NumRequestedResources == 0) {
        /* The device's own, in the order described. */
        bool pci = a->config.VendorID != PCI_INVALID_VENDORID;
        for (unsigned i = 0; i < a->nranges; i++) {
            const struct vsp_range *r = &a->ranges[i];
            if (pci && r->desc.Bar == VPSPIN_NO_BAR)
                continue;
            if (n++ < NumAccessRanges)
                vsp_access_range_of(r, (uint64_t)r->desc.Start.QuadPart, r->desc.Length,
                                    &AccessRanges[n - 1]);
        }
    } else {
        /* The ones asked for (a legacy miniport's list), each on the adapter. */
        for (ULONG k = 0; k < NumRequestedResources; k++) {
            const IO_RESOURCE_DESCRIPTOR *d = &RequestedResources[k];
            if (d->Type != CmResourceTypePort && d->Type != CmResourceTypeMemory)
                continue; /* interrupts, DMA: the adapter's interrupt is in ConfigInfo */
            uint64_t start = (uint64_t)d->u.Generic.MinimumAddress.QuadPart;
            struct vsp_range *r =
                vsp_range_find(a, d->Type == CmResourceTypePort, start, d->u.Generic.Length);
            if (r == NULL || d->u.Generic.Length == 0)
                return ERROR_INVALID_PARAMETER;
            if (n < NumAccessRanges)
                vsp_access_range_of(r, start, d->u.Generic.Length, &AccessRanges[n]);
            n++;
        }
    }
    if (Slot != NULL)
        *Slot = 0;
    return n > NumAccessRanges ? ERROR_MORE_DATA : NO_ERROR;
}

VP_STATUS VideoPortVerifyAccessRanges(PVOID HwDeviceExtension, ULONG NumAccessRanges,
                                      PVIDEO_ACCESS_RANGE AccessRanges)
{
    if (!vsp_passive(VSP_API_VideoPortVerifyAccessRanges, HwDeviceExtension))
        return ERROR_INVALID_PARAMETER;
    struct vpspin_adapter *a = vsp_adapter_of(HwDeviceExtension);
    if (a == NULL || (AccessRanges == NULL && NumAccessRanges != 0))
        return ERROR_INVALID_PARAMETER;
    /* The video port claims them for the device against other drivers; here the check is
     * that each is the adapter's (0 ranges: the claims released, nothing to check). */
    for (ULONG k = 0; k < NumAccessRanges; k++) {
        const VIDEO_ACCESS_RANGE *v = &AccessRanges[k];
        struct vsp_range *r = vsp_range_find(a, v->RangeInIoSpace & VIDEO_MEMORY_SPACE_IO,
                                             (uint64_t)v->RangeStart.QuadPart, v->RangeLength);
        if (r == NULL || v->RangeLength == 0)
            return ERROR_INVALID_PARAMETER; /* nothing of the adapter's there */
    }
    return NO_ERROR;
}

BOOLEAN VideoPortCheckForDeviceExistence(PVOID HwDeviceExtension, USHORT VendorId, USHORT DeviceId,
                                         UCHAR RevisionId, USHORT SubVendorId, USHORT SubSystemId,
                                         ULONG Flags)
{
    if (!vsp_passive(VSP_API_VideoPortCheckForDeviceExistence, HwDeviceExtension))
        return FALSE;
    /* The bus has one device: the adapter. The revision and the subsystem IDs count only
     * when Flags say so. */
    struct vpspin_adapter *a = vsp_adapter_of(HwDeviceExtension);
    if (a == NULL)
        return FALSE;
    const PCI_COMMON_CONFIG *c = &a->config;
    return c->VendorID == VendorId && c->DeviceID == DeviceId &&
           (!(Flags & CDE_USE_REVISION) || c->RevisionID == RevisionId) &&
           (!(Flags & CDE_USE_SUBSYSTEM_IDS) ||
            (c->u.type0.SubVendorID == SubVendorId && c->u.type0.SubSystemID == SubSystemId));
}

/* ---- Mappings ---------------------------------------------------------------------------- */

static PVOID vsp_map(struct vpspin_adapter *a, uint64_t start, ULONG length, ULONG space,
                     enum vsp_api api, const void *caller)
{
    bool io = space & VIDEO_MEMORY_SPACE_IO;
    struct vsp_range *r = a != NULL && length != 0 ? vsp_range_find(a, io, start, length) : NULL;
    if (r == NULL)
        return NULL;
    if (!io && vsp_checking())
        vsp_fault_install(); /* before any guard page can be touched */
    return vsp_view_map(r, (ULONG)(start - (uint64_t)r->desc.Start.QuadPart), length, api, caller);
}

/* Frees a mapping; reports (when checking) and returns false if base is not one. */
static bool vsp_unmap(PVOID HwDeviceExtension, PVOID base, enum vsp_api api, const void *caller)
{
    struct vpspin_adapter *a = vsp_adapter_of(HwDeviceExtension);
    bool freed_before = false;
    if (vsp_checking())
        vsp_fault_install();
    if (a != NULL && vsp_view_unmap(a, base, api, caller, &freed_before) == 0)
        return true;
    if (vsp_checking())
        vsp_report_unmap(api, base, freed_before, HwDeviceExtension);
    return false;
}

PVOID VideoPortGetDeviceBase(PVOID HwDeviceExtension, PHYSICAL_ADDRESS IoAddress,
                             ULONG NumberOfUchars, UCHAR InIoSpace)
{
    if (!vsp_passive(VSP_API_VideoPortGetDeviceBase, HwDeviceExtension))
        return NULL;
    return vsp_map(vsp_adapter_of(HwDeviceExtension), (uint64_t)IoAddress.QuadPart, NumberOfUchars,
                   InIoSpace, VSP_API_VideoPortGetDeviceBase, __builtin_return_address(0));
}

VOID VideoPortFreeDeviceBase(PVOID HwDeviceExtension, PVOID MappedAddress)
{
    if (!vsp_passive(VSP_API_VideoPortFreeDeviceBase, HwDeviceExtension))
        return;
    vsp_unmap(HwDeviceExtension, MappedAddress, VSP_API_VideoPortFreeDeviceBase,
              __builtin_return_address(0));
}

VP_STATUS VideoPortMapMemory(PVOID HwDeviceExtension, PHYSICAL_ADDRESS PhysicalAddress,
                             PULONG Length, PULONG InIoSpace, PVOID *VirtualAddress)
{
    if (!vsp_passive(VSP_API_VideoPortMapMemory, HwDeviceExtension))
        return ERROR_INVALID_PARAMETER;
    if (Length == NULL || InIoSpace == NULL || VirtualAddress == NULL)
        return ERROR_INVALID_PARAMETER;
    struct vpspin_adapter *a = vsp_adapter_of(HwDeviceExtension);
    uint64_t start = (uint64_t)PhysicalAddress.QuadPart;
    bool io = *InIoSpace & VIDEO_MEMORY_SPACE_IO;
    if (a == NULL || *Length == 0 || vsp_range_find(a, io, start, *Length) == NULL)
        return ERROR_INVALID_PARAMETER;
    /* *VirtualAddress came in as the process to map into: there is one process. */
    PVOID base = vsp_map(a, start, *Length, *InIoSpace, VSP_API_VideoPortMapMemory,
                         __builtin_return_address(0));
    if (base == NULL)
        return ERROR_NOT_ENOUGH_MEMORY;
    *VirtualAddress = base;
    return NO_ERROR;
}

VP_STATUS VideoPortUnmapMemory(PVOID HwDeviceExtension, PVOID VirtualAddress, HANDLE ProcessHandle)
{
    if (!vsp_passive(VSP_API_VideoPortUnmapMemory, HwDeviceExtension))
        return ERROR_INVALID_PARAMETER;
    (void)ProcessHandle;
    return vsp_unmap(HwDeviceExtension, VirtualAddress, VSP_API_VideoPortUnmapMemory,
                     __builtin_return_address(0))
               ? NO_ERROR
               : ERROR_INVALID_PARAMETER;
}

/* ---- Configuration space ----------------------------------------------------------------- */

/* The adapter whose configuration space a bus-data call names (SlotNumber is not looked
 * at: the Plug and Play port means the device's own), or NULL: 0 bytes. */
static struct vpspin_adapter *vsp_bus_adapter(PVOID HwDeviceExtension, BUS_DATA_TYPE BusDataType,
                                              PVOID Buffer)
{
    struct vpspin_adapter *a = vsp_adapter_of(HwDeviceExtension);
    return BusDataType == PCIConfiguration && Buffer != NULL ? a : NULL;
}

ULONG VideoPortGetBusData(PVOID HwDeviceExtension, BUS_DATA_TYPE BusDataType, ULONG SlotNumber,
                          PVOID Buffer, ULONG Offset, ULONG Length)
{
    if (!vsp_passive(VSP_API_VideoPortGetBusData, HwDeviceExtension))
        return 0;
    (void)SlotNumber;
    struct vpspin_adapter *a = vsp_bus_adapter(HwDeviceExtension, BusDataType, Buffer);
    return a != NULL ? vsp_config_read(a, Buffer, Offset, Length) : 0;
}

ULONG VideoPortSetBusData(PVOID HwDeviceExtension, BUS_DATA_TYPE BusDataType, ULONG SlotNumber,
                          PVOID Buffer, ULONG Offset, ULONG Length)
{
    if (!vsp_passive(VSP_API_VideoPortSetBusData, HwDeviceExtension))
        return 0;
    (void)SlotNumber;
    struct vpspin_adapter *a = vsp_bus_adapter(HwDeviceExtension, BusDataType, Buffer);
    return a != NULL ? vsp_config_write(a, Buffer, Offset, Length) : 0;
}
