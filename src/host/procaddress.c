/*
 * host/procaddress.c - the port's services by name: what HwFindAdapter finds in
 * ConfigInfo->VideoPortGetProcAddress. On Windows it returns the address of a videoprt.sys
 * or ntoskrnl export by name, so that a miniport can use services of newer systems when
 * they exist; here it knows every VideoPort and Ke service vpspin provides but
 * VideoPortInitialize, which only DriverEntry calls (the table is sorted, and
 * tests/wdk/test_services.c checks it against the library's exports), and returns NULL for
 * any other name. Any IRQL. A layer above the host hands its services down the same way,
 * with a sorted table of its own (vsp_register_services: the adapter's hardware services).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "host/host.h"

static const struct vsp_service vsp_services[] = {
    VSP_SERVICE(DbgPrint),
    VSP_SERVICE(DbgPrintEx),
    VSP_SERVICE(ExAllocatePool),
    VSP_SERVICE(ExAllocatePoolWithTag),
    VSP_SERVICE(ExFreePool),
    VSP_SERVICE(ExFreePoolWithTag),
    VSP_SERVICE(KeAcquireInStackQueuedSpinLock),
    VSP_SERVICE(KeAcquireInStackQueuedSpinLockAtDpcLevel),
    VSP_SERVICE(KeAcquireSpinLockAtDpcLevel),
    VSP_SERVICE(KeAcquireSpinLockRaiseToDpc),
    VSP_SERVICE(KeBugCheckEx),
    VSP_SERVICE(KeCancelTimer),
    VSP_SERVICE(KeClearEvent),
    VSP_SERVICE(KeDelayExecutionThread),
    VSP_SERVICE(KeFlushQueuedDpcs),
    VSP_SERVICE(KeGetCurrentIrql),
    VSP_SERVICE(KeGetCurrentProcessorNumber),
    VSP_SERVICE(KeInitializeDpc),
    VSP_SERVICE(KeInitializeEvent),
    VSP_SERVICE(KeInitializeSpinLock),
    VSP_SERVICE(KeInitializeTimer),
    VSP_SERVICE(KeInitializeTimerEx),
    VSP_SERVICE(KeInsertQueueDpc),
    VSP_SERVICE(KeLowerIrql),
    VSP_SERVICE(KeQueryInterruptTime),
    VSP_SERVICE(KeQueryPerformanceCounter),
    VSP_SERVICE(KeQuerySystemTime),
    VSP_SERVICE(KeQueryTickCount),
    VSP_SERVICE(KeQueryTimeIncrement),
    VSP_SERVICE(KeRaiseIrqlToDpcLevel),
    VSP_SERVICE(KeReadStateEvent),
    VSP_SERVICE(KeReadStateTimer),
    VSP_SERVICE(KeReleaseInStackQueuedSpinLock),
    VSP_SERVICE(KeReleaseInStackQueuedSpinLockFromDpcLevel),
    VSP_SERVICE(KeReleaseSpinLock),
    VSP_SERVICE(KeReleaseSpinLockFromDpcLevel),
    VSP_SERVICE(KeRemoveQueueDpc),
    VSP_SERVICE(KeResetEvent),
    VSP_SERVICE(KeSetEvent),
    VSP_SERVICE(KeSetTimer),
    VSP_SERVICE(KeSetTimerEx),
    VSP_SERVICE(KeStallExecutionProcessor),
    VSP_SERVICE(KeTestSpinLock),
    VSP_SERVICE(KeTryToAcquireSpinLockAtDpcLevel),
    VSP_SERVICE(KeWaitForSingleObject),
    VSP_SERVICE(KfRaiseIrql),
    VSP_SERVICE(VideoPortAcquireDeviceLock),
    VSP_SERVICE(VideoPortAcquireSpinLock),
    VSP_SERVICE(VideoPortAcquireSpinLockAtDpcLevel),
    VSP_SERVICE(VideoPortAllocateBuffer),
    VSP_SERVICE(VideoPortAllocatePool),
    VSP_SERVICE(VideoPortClearEvent),
    VSP_SERVICE(VideoPortCompareMemory),
    VSP_SERVICE(VideoPortCreateEvent),
    VSP_SERVICE(VideoPortCreateSpinLock),
    VSP_SERVICE(VideoPortDbgReportComplete),
    VSP_SERVICE(VideoPortDbgReportCreate),
    VSP_SERVICE(VideoPortDbgReportSecondaryData),
    VSP_SERVICE(VideoPortDebugPrint),
    VSP_SERVICE(VideoPortDeleteEvent),
    VSP_SERVICE(VideoPortDeleteSpinLock),
    VSP_SERVICE(VideoPortDisableInterrupt),
    VSP_SERVICE(VideoPortEnableInterrupt),
    VSP_SERVICE(VideoPortFlushRegistry),
    VSP_SERVICE(VideoPortFreePool),
    VSP_SERVICE(VideoPortGetCurrentIrql),
    VSP_SERVICE(VideoPortGetRegistryParameters),
    VSP_SERVICE(VideoPortGetVersion),
    VSP_SERVICE(VideoPortInterlockedDecrement),
    VSP_SERVICE(VideoPortInterlockedExchange),
    VSP_SERVICE(VideoPortInterlockedIncrement),
    VSP_SERVICE(VideoPortIsNoVesa),
    VSP_SERVICE(VideoPortLogError),
    VSP_SERVICE(VideoPortMoveMemory),
    VSP_SERVICE(VideoPortQueryPerformanceCounter),
    VSP_SERVICE(VideoPortQueryServices),
    VSP_SERVICE(VideoPortQuerySystemTime),
    VSP_SERVICE(VideoPortQueueDpc),
    VSP_SERVICE(VideoPortReadStateEvent),
    VSP_SERVICE(VideoPortRegisterBugcheckCallback),
    VSP_SERVICE(VideoPortReleaseBuffer),
    VSP_SERVICE(VideoPortReleaseDeviceLock),
    VSP_SERVICE(VideoPortReleaseSpinLock),
    VSP_SERVICE(VideoPortReleaseSpinLockFromDpcLevel),
    VSP_SERVICE(VideoPortSetEvent),
    VSP_SERVICE(VideoPortSetRegistryParameters),
    VSP_SERVICE(VideoPortStallExecution),
    VSP_SERVICE(VideoPortStartTimer),
    VSP_SERVICE(VideoPortStopTimer),
    VSP_SERVICE(VideoPortSynchronizeExecution),
    VSP_SERVICE(VideoPortWaitForSingleObject),
    VSP_SERVICE(VideoPortZeroDeviceMemory),
    VSP_SERVICE(VideoPortZeroMemory),
};

static int vsp_service_cmp(const void *key, const void *entry)
{
    return strcmp(key, ((const struct vsp_service *)entry)->name);
}

static const struct vsp_service *vsp_more_services; /* atomic: set once, before any device */
static size_t vsp_more_count;

void vsp_register_services(const struct vsp_service *services, size_t count)
{
    vsp_more_count = count;
    __atomic_store_n(&vsp_more_services, services, __ATOMIC_RELEASE);
}

PVOID vsp_get_proc_address(PVOID HwDeviceExtension, PUCHAR FunctionName)
{
    (void)HwDeviceExtension;
    if (FunctionName == NULL)
        return NULL;
    const struct vsp_service *s =
        bsearch(FunctionName, vsp_services, sizeof vsp_services / sizeof vsp_services[0],
                sizeof vsp_services[0], vsp_service_cmp);
    const struct vsp_service *more = __atomic_load_n(&vsp_more_services, __ATOMIC_ACQUIRE);
    if (s == NULL && more != NULL)
        s = bsearch(FunctionName, more, vsp_more_count, sizeof more[0], vsp_service_cmp);
    return s != NULL ? (PVOID)s->address : NULL;
}
