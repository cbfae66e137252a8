/*
 * adapter/describe.c - creating an adapter and describing it: its ranges, each with the
 * memory behind it and the model's hooks, and the cleanup of the model's state.
 *
 * A memory range's bytes live in a memfd, mapped once here for the device's side; every
 * mapping the miniport makes of the range (view.c) maps the same file again, so that the
 * model, a VideoPortGetDeviceBase mapping and a VideoPortMapMemory one see one memory, as
 * they would see one frame buffer. Port ranges are plain memory: nothing maps them (a
 * port's "address" is its number).
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "adapter/adapter.h"
#include "base/alloc.h"

VP_STATUS vpspin_create_adapter(vpspin_adapter **Adapter)
{
    if (Adapter == NULL)
        return ERROR_INVALID_PARAMETER;
    struct vpspin_adapter *a = vsp_alloc(sizeof *a);
    *Adapter = a;
    if (a == NULL)
        return ERROR_NOT_ENOUGH_MEMORY;
    pthread_mutex_init(&a->model, NULL);
    pthread_mutex_init(&a->config_mutex, NULL);
    pthread_mutex_init(&a->attach, NULL);
    pthread_mutex_init(&a->events_mutex, NULL);
    vsp_config_init(a);
    return NO_ERROR;
}

bool vsp_adapter_in_use(struct vpspin_adapter *a)
{
    pthread_mutex_lock(&a->attach);
    bool started = a->owner != NULL;
    pthread_mutex_unlock(&a->attach);
    return started;
}

VOID vpspin_delete_adapter(vpspin_adapter *Adapter)
{
    struct vpspin_adapter *a = Adapter;
    if (a == NULL)
        return;
    if (vsp_adapter_in_use(a)) {
        fprintf(stderr,
                "vpspin: vpspin_delete_adapter: a device is started on adapter %p; "
                "stop it first (the adapter is left as it is)\n",
                (void *)a);
        return;
    }
    vsp_events_stop(a);
    if (a->cleanup != NULL)
        a->cleanup(a->cleanup_context);
    for (unsigned i = 0; i < a->nranges; i++) {
        struct vsp_range *r = &a->ranges[i];
        if (r->fd >= 0) {
            munmap(r->memory, r->size);
            close(r->fd);
        } else {
            free(r->memory);
        }
    }
    pthread_mutex_destroy(&a->model);
    pthread_mutex_destroy(&a->config_mutex);
    pthread_mutex_destroy(&a->attach);
    pthread_mutex_destroy(&a->events_mutex);
    free(a);
}

/* ---- Ranges ------------------------------------------------------------------------------ */

static bool vsp_overlaps(const vpspin_range *x, const vpspin_range *y)
{
    uint64_t xs = (uint64_t)x->Start.QuadPart, ys = (uint64_t)y->Start.QuadPart;
    return x->InIoSpace == y->InIoSpace && xs < ys + y->Length && ys < xs + x->Length;
}

/* A range as PCI could hold it: 32-bit, aligned to its size rounded up to a power of two. */
static bool vsp_bar_ok(const vpspin_range *r)
{
    uint64_t start = (uint64_t)r->Start.QuadPart, size = r->InIoSpace ? 4 : 16;
    while (size < r->Length)
        size <<= 1;
    return r->Bar < PCI_TYPE0_ADDRESSES && start + r->Length <= 0x100000000ull &&
           (start & (size - 1)) == 0;
}

static bool vsp_range_ok(struct vpspin_adapter *a, const vpspin_range *r)
{
    uint64_t start = (uint64_t)r->Start.QuadPart;
    if (r->Length == 0 || start + r->Length < start)
        return false;
    if (r->InIoSpace && (start == 0 || start + r->Length > 0x10000))
        return false; /* (port 0 would be mapped at NULL) */
    if (r->Bar != VPSPIN_NO_BAR && !vsp_bar_ok(r))
        return false;
    for (unsigned i = 0; i < a->nranges; i++)
        if (vsp_overlaps(&a->ranges[i].desc, r) ||
            (r->Bar != VPSPIN_NO_BAR && a->ranges[i].desc.Bar == r->Bar))
            return false;
    return true;
}

/* The range's memory, zeroed: a memfd for memory ranges (views map it again). */
static bool vsp_range_memory(struct vsp_range *r)
{
    r->fd = -1;
    if (r->desc.InIoSpace) {
        r->size = r->desc.Length;
        r->memory = vsp_alloc(r->size);
        return r->memory != NULL;
    }
    long page = sysconf(_SC_PAGESIZE);
    r->size = ((size_t)r->desc.Length + (size_t)page - 1) & ~((size_t)page - 1);
    if (vsp_alloc_fails())
        return false;
    r->fd = memfd_create("vpspin-range", MFD_CLOEXEC);
    if (r->fd < 0)
        return false;
    void *m = MAP_FAILED;
    if (ftruncate(r->fd, (off_t)r->size) == 0)
        m = mmap(NULL, r->size, PROT_READ | PROT_WRITE, MAP_SHARED, r->fd, 0);
    if (m == MAP_FAILED) {
        close(r->fd);
        return false;
    }
    r->memory = m;
    return true;
}

VP_STATUS vpspin_add_adapter_range(vpspin_adapter *Adapter, const vpspin_range *Range, ULONG *Index)
{
    struct vpspin_adapter *a = Adapter;
    if (a == NULL || Range == NULL || a->nranges == VPSPIN_MAX_RANGES || vsp_adapter_in_use(a) ||
        !vsp_range_ok(a, Range))
        return ERROR_INVALID_PARAMETER;
    struct vsp_range *r = &a->ranges[a->nranges];
    *r = (struct vsp_range){.desc = *Range, .index = a->nranges, .adapter = a};
    r->desc.InIoSpace = Range->InIoSpace ? TRUE : FALSE;
    if (!vsp_range_memory(r))
        return ERROR_NOT_ENOUGH_MEMORY;
    if (r->desc.Bar != VPSPIN_NO_BAR)
        vsp_config_set_bar(a, r);
    if (Index != NULL)
        *Index = a->nranges;
    a->nranges++;
    return NO_ERROR;
}

VP_STATUS vpspin_get_adapter_range(vpspin_adapter *Adapter, ULONG Index, vpspin_range *Range)
{
    if (Adapter == NULL || Index >= Adapter->nranges || Range == NULL)
        return ERROR_INVALID_PARAMETER;
    *Range = Adapter->ranges[Index].desc;
    return NO_ERROR;
}

PVOID vpspin_adapter_range_memory(vpspin_adapter *Adapter, ULONG Index)
{
    return Adapter != NULL && Index < Adapter->nranges ? Adapter->ranges[Index].memory : NULL;
}

VP_STATUS vpspin_set_range_hooks(vpspin_adapter *Adapter, ULONG Index, vpspin_read_hook Read,
                                 vpspin_write_hook Write, PVOID Context)
{
    if (Adapter == NULL || Index >= Adapter->nranges || vsp_adapter_in_use(Adapter))
        return ERROR_INVALID_PARAMETER;
    struct vsp_range *r = &Adapter->ranges[Index];
    r->read = Read;
    r->write = Write;
    r->context = Context;
    return NO_ERROR;
}

VP_STATUS vpspin_set_adapter_cleanup(vpspin_adapter *Adapter, VOID (*Routine)(PVOID), PVOID Context)
{
    if (Adapter == NULL)
        return ERROR_INVALID_PARAMETER;
    Adapter->cleanup = Routine;
    Adapter->cleanup_context = Context;
    return NO_ERROR;
}

/* ---- For the services ---------------------------------------------------------------------- */

struct vpspin_adapter *vsp_adapter_of(PVOID HwDeviceExtension)
{
    struct vpspin_device *d = vsp_device_from_ext(HwDeviceExtension);
    return d != NULL ? d->hw : NULL;
}

struct vsp_range *vsp_range_find(struct vpspin_adapter *a, bool io, uint64_t start, uint64_t length)
{
    for (unsigned i = 0; i < a->nranges; i++) {
        struct vsp_range *r = &a->ranges[i];
        uint64_t rs = (uint64_t)r->desc.Start.QuadPart;
        if ((bool)r->desc.InIoSpace == io && start >= rs && length <= r->desc.Length &&
            start - rs <= r->desc.Length - length)
            return r;
    }
    return NULL;
}

void vsp_range_name(const struct vsp_range *r, char *buf, size_t size)
{
    char bar[16] = "legacy range";
    if (r->desc.Bar != VPSPIN_NO_BAR)
        snprintf(bar, sizeof bar, "BAR%u", r->desc.Bar);
    snprintf(buf, size, "range %u, %s (%s 0x%llX, 0x%lX bytes)", r->index, bar,
             r->desc.InIoSpace ? "ports" : "memory", (unsigned long long)r->desc.Start.QuadPart,
             (unsigned long)r->desc.Length);
}
