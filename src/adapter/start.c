/*
 * adapter/start.c - vpspin_start_adapter: a host device with the adapter behind it.
 *
 * The host (host/device.c) calls three hooks handed down to it: attach, before
 * HwFindAdapter, takes the adapter for the device (one device per adapter; the ports of
 * the adapters started are told apart by number, so two may not overlap) and fills
 * ConfigInfo's interrupt from it; connect, once HwFindAdapter has succeeded, lets the
 * model's interrupts reach the device; detach, when the device's threads have stopped,
 * disconnects it and frees the mappings the miniport still had.
 */
#include "adapter/adapter.h"

static pthread_mutex_t vsp_started_mutex = PTHREAD_MUTEX_INITIALIZER;
static struct vpspin_adapter *vsp_started[VSP_MAX_DEVICES]; /* under vsp_started_mutex */

static bool vsp_ports_overlap(const struct vpspin_adapter *x, const struct vpspin_adapter *y)
{
    for (unsigned i = 0; i < x->nranges; i++)
        for (unsigned j = 0; j < y->nranges; j++) {
            const vpspin_range *p = &x->ranges[i].desc, *q = &y->ranges[j].desc;
            uint64_t ps = (uint64_t)p->Start.QuadPart, qs = (uint64_t)q->Start.QuadPart;
            if (p->InIoSpace && q->InIoSpace && ps < qs + q->Length && qs < ps + p->Length)
                return true;
        }
    return false;
}

static VP_STATUS vsp_adapter_attach(void *hw, struct vpspin_device *d,
                                    PVIDEO_PORT_CONFIG_INFO config)
{
    struct vpspin_adapter *a = hw;
    VP_STATUS status = ERROR_INVALID_PARAMETER;
    pthread_mutex_lock(&vsp_started_mutex);
    unsigned free_slot = VSP_MAX_DEVICES;
    bool clash = false;
    for (unsigned i = 0; i < VSP_MAX_DEVICES; i++) {
        if (vsp_started[i] == NULL)
            free_slot = free_slot < i ? free_slot : i;
        else if (vsp_started[i] == a || vsp_ports_overlap(vsp_started[i], a))
            clash = true;
    }
    if (!clash && free_slot < VSP_MAX_DEVICES) {
        vsp_started[free_slot] = a;
        pthread_mutex_lock(&a->attach);
        a->owner = d;
        pthread_mutex_unlock(&a->attach);
        config->BusInterruptLevel = a->interrupt_level;
        config->BusInterruptVector = a->interrupt_vector;
        status = NO_ERROR;
    }
    pthread_mutex_unlock(&vsp_started_mutex);
    return status;
}

static void vsp_adapter_connect(void *hw, struct vpspin_device *d)
{
    struct vpspin_adapter *a = hw;
    pthread_mutex_lock(&a->attach);
    a->device = d;
    pthread_mutex_unlock(&a->attach);
}

static void vsp_adapter_detach(void *hw, struct vpspin_device *d)
{
    struct vpspin_adapter *a = hw;
    (void)d;
    pthread_mutex_lock(&vsp_started_mutex);
    for (unsigned i = 0; i < VSP_MAX_DEVICES; i++)
        if (vsp_started[i] == a)
            vsp_started[i] = NULL;
    pthread_mutex_lock(&a->attach);
    a->device = NULL;
    a->owner = NULL;
    pthread_mutex_unlock(&a->attach);
    pthread_mutex_unlock(&vsp_started_mutex);
    vsp_view_unmap_all(a);
}

static const struct vsp_device_hw vsp_adapter_hw = {
    .attach = vsp_adapter_attach,
    .connect = vsp_adapter_connect,
    .detach = vsp_adapter_detach,
};

VP_STATUS vpspin_start_adapter(vpspin_driver *Driver, vpspin_adapter *Adapter,
                               vpspin_device **Device)
{
    if (Adapter == NULL) {
        if (Device != NULL)
            *Device = NULL;
        return ERROR_INVALID_PARAMETER;
    }
    return vsp_device_start(Driver, &vsp_adapter_hw, Adapter, Device);
}
