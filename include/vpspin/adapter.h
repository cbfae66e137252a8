/*
 * vpspin/adapter.h - a simulated adapter for the miniport host: the device that the
 * hardware services of a miniport (VideoPortGetAccessRanges, VideoPortGetDeviceBase,
 * VideoPortReadRegisterUlong, VideoPortWritePortUchar, VideoPortGetBusData ...) work on,
 * and the hooks a device model uses to play the hardware behind it.
 *
 * A test (or vpspin-run, from a description file) creates an adapter, gives it its PCI
 * identity and its access ranges (memory BARs and I/O ports), lets a device model hook the
 * ranges it implements, and starts the miniport's device on it with vpspin_start_adapter.
 * Every range has memory of its own, zeroed: a read the model does not hook returns it, a
 * write stores into it. A hooked range sees every access the miniport makes through the
 * Read/Write services; an access through a pointer that VideoPortGetDeviceBase or
 * VideoPortMapMemory returned (a frame buffer, a command ring) goes to the memory only.
 *
 * The model runs beside the miniport: its hooks are called on the accessing thread, at that
 * thread's IRQL, one at a time per adapter (under the adapter's model lock, a mutex); its
 * events (vpspin_schedule_adapter_event) run on the adapter's own thread under the same
 * lock. It raises the interrupt with vpspin_raise_adapter_interrupt, now or later: the host
 * then calls HwInterrupt on the device's interrupt thread. Hooks and events stand for
 * hardware: they must not call the miniport or the VideoPort and Ke functions.
 */
#ifndef VPSPIN_ADAPTER_H
#define VPSPIN_ADAPTER_H

#include "vpspin.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vpspin_adapter vpspin_adapter;

/* ---- Describing the device -------------------------------------------------------------- */

/* Creates an adapter with no range, PCI IDs 0xFFFF (none yet), class 0x03 (display
 * controller) and no interrupt. NO_ERROR, ERROR_INVALID_PARAMETER (NULL), or
 * ERROR_NOT_ENOUGH_MEMORY; *Adapter is NULL on failure. */
VPSPIN_API VP_STATUS vpspin_create_adapter(vpspin_adapter **Adapter);

/* Stops its event thread, calls the cleanup routine (vpspin_set_adapter_cleanup) and frees
 * it. Not while a device is started on it (that device must be stopped first). */
VPSPIN_API VOID vpspin_delete_adapter(vpspin_adapter *Adapter);

/* The PCI identity: VendorID, DeviceID, SubVendorID, SubSystemID and RevisionID of its
 * configuration space (VideoPortGetBusData, VideoPortGetAccessRanges' VendorId/DeviceId).
 * NO_ERROR, or ERROR_INVALID_PARAMETER (NULL, or VendorId 0xFFFF). */
VPSPIN_API VP_STATUS vpspin_set_adapter_ids(vpspin_adapter *Adapter, USHORT VendorId,
                                            USHORT DeviceId, USHORT SubVendorId, USHORT SubSystemId,
                                            UCHAR RevisionId);

/* Writes or reads Length bytes of its 256-byte PCI configuration space at Offset, as the
 * device holds it (what the miniport's VideoPortSetBusData wrote shows here). The BARs
 * are the ranges' (vpspin_add_adapter_range) and are not written here. NO_ERROR, or
 * ERROR_INVALID_PARAMETER (NULL, or past 256 bytes). */
VPSPIN_API VP_STATUS vpspin_set_adapter_config(vpspin_adapter *Adapter, ULONG Offset,
                                               const VOID *Data, ULONG Length);
VPSPIN_API VP_STATUS vpspin_get_adapter_config(vpspin_adapter *Adapter, ULONG Offset, VOID *Data,
                                               ULONG Length);

/* Its interrupt: what the port stores in ConfigInfo->BusInterruptLevel and
 * BusInterruptVector before HwFindAdapter (the host runs HwInterrupt at the level, if it
 * is 3 to 11: vpspin(7)), and the configuration space's InterruptLine (Vector) and
 * InterruptPin (1). Level 0: no interrupt. NO_ERROR, or ERROR_INVALID_PARAMETER. */
VPSPIN_API VP_STATUS vpspin_set_adapter_interrupt(vpspin_adapter *Adapter, ULONG Level,
                                                  ULONG Vector);

#define VPSPIN_MAX_RANGES 16
#define VPSPIN_NO_BAR     0xFFu /* vpspin_range.Bar of a legacy range, not in config space */

/* One access range, as VideoPortGetAccessRanges reports it. */
typedef struct vpspin_range {
    PHYSICAL_ADDRESS Start; /* bus-relative: RangeStart */
    ULONG Length;           /* bytes (or ports), >= 1 */
    UCHAR InIoSpace;        /* TRUE: I/O ports, Start + Length <= 0x10000; FALSE: memory */
    UCHAR Bar;              /* the BAR (0..5) that holds it in config space, or VPSPIN_NO_BAR */
    UCHAR Shareable;        /* RangeShareable */
    UCHAR Reserved;         /* 0 */
} vpspin_range;

/* Adds a range, backed by Length zeroed bytes, and returns its index (0, 1, ... in the
 * order added) in *Index (if not NULL). VideoPortGetAccessRanges lists them in that order:
 * a PCI adapter's BARs (a legacy range, VPSPIN_NO_BAR, is claimed by the miniport with
 * VideoPortVerifyAccessRanges, as VGA's ports are), or every range of an adapter without
 * PCI IDs.
 * A memory range may not overlap another memory range, nor ports other ports; a BAR holds
 * one range, and a memory BAR's Start must be aligned to its size rounded up to a power
 * of two (as PCI places BARs). NO_ERROR; ERROR_INVALID_PARAMETER (NULL, Length 0, ports
 * past 0xFFFF, an overlap, a BAR in use or misaligned, VPSPIN_MAX_RANGES ranges, or a device
 * started on the adapter); ERROR_NOT_ENOUGH_MEMORY. */
VPSPIN_API VP_STATUS vpspin_add_adapter_range(vpspin_adapter *Adapter, const vpspin_range *Range,
                                              ULONG *Index);

/* Copies range Index's description (as added) to *Range. NO_ERROR, or
 * ERROR_INVALID_PARAMETER (a bad Adapter or Index, NULL Range). For a model that checks the
 * adapter it is given (vpspin-run's description file). */
VPSPIN_API VP_STATUS vpspin_get_adapter_range(vpspin_adapter *Adapter, ULONG Index,
                                              vpspin_range *Range);

/* The device's side of range Index's memory: Length bytes (valid until the adapter is
 * deleted), shared with every mapping the miniport makes of the range. The model reads
 * and writes it while the miniport runs, so accesses that race with the miniport's should
 * be atomic (__atomic_load_n / __atomic_store_n). NULL for a bad Adapter or Index. */
VPSPIN_API PVOID vpspin_adapter_range_memory(vpspin_adapter *Adapter, ULONG Index);

/* ---- The device model ---------------------------------------------------------------------
 * Hooks of one range: Read returns the value of a read of Size bytes (1, 2 or 4) at Offset
 * into the range; Write is told of a write of Value (its low Size bytes). Called for the
 * miniport's VideoPortRead/Write{Register,Port}{Uchar,Ushort,Ulong} and their Buffer forms
 * (once per element), never for direct accesses through a mapping. A NULL Read lets reads
 * return the range's memory; a NULL Write lets writes go to it; a Write hook replaces the
 * store (it may make it itself, through vpspin_adapter_range_memory). */
typedef ULONG (*vpspin_read_hook)(PVOID Context, vpspin_adapter *Adapter, ULONG Range, ULONG Offset,
                                  ULONG Size);
typedef VOID (*vpspin_write_hook)(PVOID Context, vpspin_adapter *Adapter, ULONG Range, ULONG Offset,
                                  ULONG Size, ULONG Value);

/* Sets the hooks of range Index (NULL, NULL removes them). NO_ERROR, or
 * ERROR_INVALID_PARAMETER (a bad Adapter or Index, or a device started on it). */
VPSPIN_API VP_STATUS vpspin_set_range_hooks(vpspin_adapter *Adapter, ULONG Index,
                                            vpspin_read_hook Read, vpspin_write_hook Write,
                                            PVOID Context);

/* The device raises its interrupt: after Microseconds (0: now), the host calls HwInterrupt
 * on the device's interrupt thread. Never waits; callable from hooks and events. Raises
 * that come before HwInterrupt has run for an earlier one make one call, as a
 * level-sensitive line asserted again is still one interrupt: a model keeps its own status
 * register to say what happened. Returns TRUE if a device is started on the adapter now
 * (the interrupt is delivered if one still is when it falls due), FALSE otherwise (or
 * ERROR_NOT_ENOUGH_MEMORY for a later one: nothing is raised). */
VPSPIN_API BOOLEAN vpspin_raise_adapter_interrupt(vpspin_adapter *Adapter, ULONG Microseconds);

/* Runs Routine(Context, Adapter) once, after Microseconds, on the adapter's event thread at
 * PASSIVE_LEVEL, holding the model lock (so never beside a hook): what the hardware does
 * on its own time, like executing commands. Events due at the same time run in the order
 * scheduled. Those still pending when the adapter is deleted do not run. NO_ERROR,
 * ERROR_INVALID_PARAMETER (NULL), or ERROR_NOT_ENOUGH_MEMORY. */
typedef VOID (*vpspin_adapter_event)(PVOID Context, vpspin_adapter *Adapter);
VPSPIN_API VP_STATUS vpspin_schedule_adapter_event(vpspin_adapter *Adapter, ULONG Microseconds,
                                                   vpspin_adapter_event Routine, PVOID Context);

/* Routine(Context) is called by vpspin_delete_adapter, after the last event and hook: where
 * a model frees its state. One per adapter (a second call replaces the first). NO_ERROR or
 * ERROR_INVALID_PARAMETER. */
VPSPIN_API VP_STATUS vpspin_set_adapter_cleanup(vpspin_adapter *Adapter, VOID (*Routine)(PVOID),
                                                PVOID Context);

/* A device model built as a shared object (vpspin-run's "model" line) exports this
 * function: it hooks the ranges of the adapter it is given (already described) and may
 * schedule events. Argument is the rest of the model line (never NULL). What it returns
 * other than NO_ERROR stops the run. */
#define VPSPIN_DEVICE_MODEL_ENTRY "vpspin_device_model"
typedef VP_STATUS (*vpspin_device_model_entry)(vpspin_adapter *Adapter, const char *Argument);

/* ---- Starting a device on it ---------------------------------------------------------------
 * As vpspin_start_device, with the adapter behind the device: before HwFindAdapter the
 * port fills ConfigInfo's BusInterruptLevel and BusInterruptVector from the adapter, and
 * the hardware services of the device's HwDeviceExtension work on the adapter. One device
 * per adapter at a time; the ports of two started adapters may not overlap. Returns what
 * vpspin_start_device returns, and ERROR_INVALID_PARAMETER for a NULL Adapter, one in use,
 * or one whose ports another started adapter has. vpspin_stop_device frees the mappings
 * the miniport left (they are the port's, as on Windows). */
VPSPIN_API VP_STATUS vpspin_start_adapter(vpspin_driver *Driver, vpspin_adapter *Adapter,
                                          vpspin_device **Device);

#ifdef __cplusplus
}
#endif

#endif /* VPSPIN_ADAPTER_H */
