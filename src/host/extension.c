/*
 * host/extension.c - finding a started device from the HwDeviceExtension that the
 * miniport passes to every port service.
 *
 * The table maps an extension to its device without a lock: VSP_MAX_DEVICES slots of
 * (extension, device) pairs. A slot's device is stored before its extension (release),
 * and a lookup reads the extension first (acquire), so a device found is fully set up.
 * Only start and stop write slots (under vsp_registry_mutex).
 */
#include "host/host.h"

static PVOID vsp_registry_ext[VSP_MAX_DEVICES];                 /* atomic */
static struct vpspin_device *vsp_registry_dev[VSP_MAX_DEVICES]; /* atomic */
static unsigned vsp_registry_high;                              /* atomic: slots ever used */
static pthread_mutex_t vsp_registry_mutex = PTHREAD_MUTEX_INITIALIZER;

struct vpspin_device *vsp_device_from_ext(PVOID HwDeviceExtension)
{
    if (HwDeviceExtension == NULL)
        return NULL;
    unsigned high = __atomic_load_n(&vsp_registry_high, __ATOMIC_ACQUIRE);
    for (unsigned i = 0; i < high; i++)
        if (__atomic_load_n(&vsp_registry_ext[i], __ATOMIC_ACQUIRE) == HwDeviceExtension)
            return __atomic_load_n(&vsp_registry_dev[i], __ATOMIC_RELAXED);
    return NULL;
}

bool vsp_extension_add(struct vpspin_device *d)
{
    bool ok = false;
    pthread_mutex_lock(&vsp_registry_mutex);
    for (unsigned i = 0; i < VSP_MAX_DEVICES; i++) {
        if (vsp_registry_ext[i] == NULL) {
            d->slot = i;
            __atomic_store_n(&vsp_registry_dev[i], d, __ATOMIC_RELAXED);
            __atomic_store_n(&vsp_registry_ext[i], d->ext, __ATOMIC_RELEASE);
            if (i >= vsp_registry_high)
                __atomic_store_n(&vsp_registry_high, i + 1, __ATOMIC_RELEASE);
            ok = true;
            break;
        }
    }
    pthread_mutex_unlock(&vsp_registry_mutex);
    return ok;
}

void vsp_extension_remove(struct vpspin_device *d)
{
    pthread_mutex_lock(&vsp_registry_mutex);
    __atomic_store_n(&vsp_registry_ext[d->slot], NULL, __ATOMIC_RELEASE);
    __atomic_store_n(&vsp_registry_dev[d->slot], NULL, __ATOMIC_RELAXED);
    pthread_mutex_unlock(&vsp_registry_mutex);
}
