/*
 * host/driver.c - loading a miniport: its DriverEntry, and VideoPortInitialize.
 *
 * On Windows, DriverEntry(DriverObject, RegistryPath) passes its two arguments on to
 * VideoPortInitialize with the VIDEO_HW_INITIALIZATION_DATA that lists its routines; the
 * port keeps them for the devices it starts later. Here Argument1 is the vpspin_driver
 * being loaded (vpspin_load_miniport sets it as this thread's loading driver, so a stray
 * Argument1 is refused without being dereferenced) and Argument2 is NULL: there is no
 * registry. The layout checks follow the WDK: HwInitDataSize says which version of the
 * structure the miniport was built with; the host needs at least the NT 4 one (up to
 * HwTimer) and reads no member beyond HwTimer.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "host/host.h"
#include "lock/thread.h"

static __thread struct vpspin_driver *vsp_loading; /* DriverEntry on this thread */

#define VSP_INIT_DATA_MIN (offsetof(VIDEO_HW_INITIALIZATION_DATA, HwTimer) + sizeof(PVOID))

ULONG VideoPortInitialize(PVOID Argument1, PVOID Argument2,
                          PVIDEO_HW_INITIALIZATION_DATA HwInitializationData, PVOID HwContext)
{
    (void)Argument2;
    struct vpspin_driver *drv = vsp_loading;
    if (drv == NULL || Argument1 != drv || HwInitializationData == NULL)
        return STATUS_INVALID_PARAMETER;
    const VIDEO_HW_INITIALIZATION_DATA *in = HwInitializationData;
    if (in->HwInitDataSize < VSP_INIT_DATA_MIN ||
        in->HwInitDataSize > sizeof(VIDEO_HW_INITIALIZATION_DATA))
        return STATUS_REVISION_MISMATCH;
    if (in->HwFindAdapter == NULL || in->HwInitialize == NULL || in->HwStartIO == NULL)
        return STATUS_INVALID_PARAMETER;
    memset(&drv->init, 0, sizeof drv->init);
    drv->init.HwInitDataSize = in->HwInitDataSize;
    drv->init.HwFindAdapter = in->HwFindAdapter;
    drv->init.HwInitialize = in->HwInitialize;
    drv->init.HwInterrupt = in->HwInterrupt;
    drv->init.HwStartIO = in->HwStartIO;
    drv->init.HwDeviceExtensionSize = in->HwDeviceExtensionSize;
    drv->init.HwTimer = in->HwTimer;
    drv->hw_context = HwContext;
    drv->initialized = true;
    return STATUS_SUCCESS;
}

ULONG vpspin_load_miniport(vpspin_driver_entry Entry, vpspin_driver **Driver)
{
    if (Driver == NULL)
        return STATUS_INVALID_PARAMETER;
    *Driver = NULL;
    if (Entry == NULL)
        return STATUS_INVALID_PARAMETER;
    struct vpspin_driver *drv = vsp_alloc(sizeof *drv);
    if (drv == NULL)
        return STATUS_NO_MEMORY;
    pthread_mutex_init(&drv->devices_mutex, NULL);

    struct vpspin_driver *outer = vsp_loading; /* a DriverEntry may load another driver */
    vsp_loading = drv;
    struct vsp_callout c;
    vsp_callout_enter(&c, VSP_CTX_DRIVER_ENTRY, (ULONG_PTR)Entry, NULL);
    ULONG status = Entry(drv, NULL);
    vsp_callout_leave(&c);
    vsp_loading = outer;

    if (status == STATUS_SUCCESS && !drv->initialized)
        status = STATUS_INVALID_PARAMETER;
    if (status != STATUS_SUCCESS) {
        pthread_mutex_destroy(&drv->devices_mutex);
        free(drv);
        return status;
    }
    *Driver = drv;
    return STATUS_SUCCESS;
}

VOID vpspin_unload_miniport(vpspin_driver *Driver)
{
    if (Driver == NULL)
        return;
    for (;;) {
        pthread_mutex_lock(&Driver->devices_mutex);
        struct vpspin_device *d = Driver->devices;
        pthread_mutex_unlock(&Driver->devices_mutex);
        if (d == NULL)
            break;
        vpspin_stop_device(d);
    }
    vsp_registry_free(Driver->registry);
    pthread_mutex_destroy(&Driver->devices_mutex);
    free(Driver);
}
