/*
 * adapter/adapter.h - the simulated adapter: what a device is (its ranges, its PCI
 * configuration space, its interrupt), how a started device finds it, and the mappings
 * the miniport makes of it.
 *
 * Files, lowest first: event.c (the model's events, the interrupt raised now or later),
 * config.c (the PCI configuration space, BAR sizing), describe.c (creating and describing
 * an adapter, its ranges' memory and hooks), view.c (the table of mappings and the lookup
 * every access makes), access.c (VideoPortRead/Write{Register,Port}* and the rules of an
 * access), fault.c (direct accesses to a freed or overrun mapping, caught as page faults
 * in the checked mode), resources.c (the services that take a HwDeviceExtension:
 * VideoPortGetAccessRanges, VerifyAccessRanges, GetDeviceBase, FreeDeviceBase, MapMemory,
 * UnmapMemory, GetBusData, SetBusData), start.c (vpspin_start_adapter: the adapter behind
 * a host device).
 *
 * Locks, in the order they may be taken: model (the model's hooks and events run under it,
 * one at a time), then attach (which device is started on the adapter), then the host
 * device's own mutex (the interrupt raised). events and config are leaves. The table of
 * mappings has a mutex of its own for writers; readers take no lock (view.c).
 */
#ifndef VSP_ADAPTER_H
#define VSP_ADAPTER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vpspin/adapter.h>

#include "check/api.h"
#include "host/host.h"

struct vsp_range {
    vpspin_range desc;
    uint8_t *memory;       /* Length bytes: the device's side (vpspin_adapter_range_memory) */
    size_t size;           /* memory's mapping: Length rounded up to pages */
    int fd;                /* the memfd behind memory (memory ranges), else -1 */
    vpspin_read_hook read; /* set before a device starts; read-only while it runs */
    vpspin_write_hook write;
    PVOID context;
    unsigned index;
    struct vpspin_adapter *adapter;
};

struct vsp_event {
    struct vsp_event *next;
    uint64_t due_ns;
    vpspin_adapter_event routine; /* NULL: raise the interrupt */
    PVOID context;
};

struct vpspin_adapter {
    pthread_mutex_t model; /* hooks and events run under it */

    pthread_mutex_t config_mutex;
    PCI_COMMON_CONFIG config; /* the configuration space (256 bytes) */
    ULONG bar_mask[6];        /* ~(size - 1) of each BAR in use, else 0 */
    ULONG interrupt_level, interrupt_vector;

    struct vsp_range ranges[VPSPIN_MAX_RANGES];
    unsigned nranges;

    pthread_mutex_t attach;
    struct vpspin_device *owner;  /* the device started on it (under attach) */
    struct vpspin_device *device; /* the same, once its interrupt is connected (under attach) */

    pthread_mutex_t events_mutex;
    pthread_cond_t events_wake;
    struct vsp_event *events; /* by due time */
    pthread_t events_thread;
    bool events_started, events_stop;

    VOID (*cleanup)(PVOID);
    PVOID cleanup_context;
};

/* ---- describe.c ---------------------------------------------------------------------- */

/* Whether a device is started on a (its description may not change then). */
bool vsp_adapter_in_use(struct vpspin_adapter *a);
/* The adapter behind a started device's extension, or NULL (no such device, or a device
 * started without an adapter). */
struct vpspin_adapter *vsp_adapter_of(PVOID HwDeviceExtension);
/* The range of adapter a of space io containing [start, start + length), or NULL. */
struct vsp_range *vsp_range_find(struct vpspin_adapter *a, bool io, uint64_t start,
                                 uint64_t length);
/* A printable name of a range: "BAR0 (memory 0xF0000000, 0x1000 bytes)". */
void vsp_range_name(const struct vsp_range *r, char *buf, size_t size);

/* ---- event.c ------------------------------------------------------------------------- */

/* Stops the adapter's event thread and drops what is pending (adapter deletion). */
void vsp_events_stop(struct vpspin_adapter *a);

/* ---- config.c ------------------------------------------------------------------------ */

/* The configuration space of a new adapter (no IDs yet, class 0x03, no BAR). */
void vsp_config_init(struct vpspin_adapter *a);
/* A range's BAR written into the configuration space (vpspin_add_adapter_range). */
void vsp_config_set_bar(struct vpspin_adapter *a, const struct vsp_range *r);
/* The miniport's reads and writes (VideoPortGetBusData, VideoPortSetBusData), with the
 * BARs' sizing: a BAR reads back what was written masked to its size. Return the bytes
 * done (Offset + Length are clipped to 256). */
ULONG vsp_config_read(struct vpspin_adapter *a, PVOID Buffer, ULONG Offset, ULONG Length);
ULONG vsp_config_write(struct vpspin_adapter *a, const VOID *Buffer, ULONG Offset, ULONG Length);

/* ---- view.c: the miniport's mappings ------------------------------------------------------ */

enum vsp_view_state { VSP_VIEW_EMPTY = 0, VSP_VIEW_LIVE = 1, VSP_VIEW_FREED = 2 };

/* What an access found: the range and the offset in it, if it may go ahead. */
struct vsp_hit {
    struct vsp_range *range;
    ULONG offset;
};

/* An access's verdict (the rules of access.c). */
enum vsp_verdict {
    VSP_ACCESS_OK = 0,
    VSP_ACCESS_NEVER = 0xF010,   /* no mapping was ever made there */
    VSP_ACCESS_FREED = 0xF011,   /* inside a mapping that was freed */
    VSP_ACCESS_OUTSIDE = 0xF012, /* starts or ends outside the mapping it overlaps */
};
#define VSP_RULE_UNMAP 0xF013u /* freeing what is not a live mapping of the device */

/* A mapping, as a report describes it. */
struct vsp_view_info {
    uintptr_t base, end;
    bool io, live;
    enum vsp_api mapped_by, freed_by;
    const void *mapped_at, *freed_at; /* call sites */
    const struct vsp_range *range;
    ULONG offset;
};

/* Maps [offset, offset + length) of range r for the device's adapter: memory ranges get
 * fresh pages of their own (with a guard page either side), I/O ranges the port number
 * itself. Returns the address for the miniport, or NULL (out of memory, or the table of
 * mappings full). */
PVOID vsp_view_map(struct vsp_range *r, ULONG offset, ULONG length, enum vsp_api api,
                   const void *caller);
/* Frees the live mapping of adapter a at base (the last made, for ports). Returns 0, or
 * the rule broken (VSP_RULE_UNMAP): *freed_before tells a mapping freed already. */
unsigned vsp_view_unmap(struct vpspin_adapter *a, PVOID base, enum vsp_api api, const void *caller,
                        bool *freed_before);
/* Frees every mapping of adapter a (its device stops). */
void vsp_view_unmap_all(struct vpspin_adapter *a);

/* The fast path of every access: whether [addr, addr + size) lies in a live mapping of
 * space io, and where. Lock-free; a hit is remembered per thread. */
enum vsp_verdict vsp_view_lookup(uintptr_t addr, size_t size, bool io, struct vsp_hit *hit,
                                 struct vsp_view_info *info);
/* Whether addr lies in the pages of a memory mapping freed, or in a guard page (for the
 * fault handler). Lock-free, async-signal-safe. */
enum vsp_verdict vsp_view_fault(uintptr_t addr, struct vsp_view_info *info, void **page);
/* Whether there is a live mapping of the other space at addr (for a report's words). */
bool vsp_view_other_space(uintptr_t addr, bool io);

/* ---- fault.c ------------------------------------------------------------------------- */

/* Installs the handler of page faults in freed and guard pages (once; checked mode). */
void vsp_fault_install(void);

/* ---- access.c ------------------------------------------------------------------------ */

/* Reports a broken rule of an access or an unmapping (the report's parameters are in
 * docs/checked-mode.md). write: 0 read, 1 write, 2 not known (a direct access); info: the
 * mapping touched (not read for VSP_ACCESS_NEVER). */
void vsp_report_access(enum vsp_api api, unsigned rule, uintptr_t addr, unsigned write, size_t size,
                       const struct vsp_view_info *info);
void vsp_report_unmap(enum vsp_api api, PVOID base, bool freed_before, PVOID HwDeviceExtension);

#endif
