/*
 * check/api.h - the public functions that can raise a report, as an enum, so that a check
 * deep in the Ke layer can name the function the driver actually called.
 */
#ifndef VSP_API_H
#define VSP_API_H

#define VSP_API_LIST(X)                                                                  \
    X(ThreadExit) /* not a function: a thread's end, checked by the full mode */         \
    X(Watchdog)   /* not a function: the full mode's watchdog thread */                  \
    X(KeRaiseIrql)                                                                       \
    X(KeLowerIrql)                                                                       \
    X(KeRaiseIrqlToDpcLevel)                                                             \
    X(KeAcquireSpinLockRaiseToDpc)                                                       \
    X(KeReleaseSpinLock)                                                                 \
    X(KeAcquireSpinLockAtDpcLevel)                                                       \
    X(KeReleaseSpinLockFromDpcLevel)                                                     \
    X(KeTryToAcquireSpinLockAtDpcLevel)                                                  \
    X(KeAcquireInStackQueuedSpinLock)                                                    \
    X(KeReleaseInStackQueuedSpinLock)                                                    \
    X(KeAcquireInStackQueuedSpinLockAtDpcLevel)                                          \
    X(KeReleaseInStackQueuedSpinLockFromDpcLevel)                                        \
    X(VideoPortCreateSpinLock)                                                           \
    X(VideoPortDeleteSpinLock)                                                           \
    X(VideoPortAcquireSpinLock)                                                          \
    X(VideoPortAcquireSpinLockAtDpcLevel)                                                \
    X(VideoPortReleaseSpinLock)                                                          \
    X(VideoPortReleaseSpinLockFromDpcLevel)                                              \
    X(VideoPortQueueDpc)                                                                 \
    X(DeviceMemory) /* not a function: a direct access to a mapping of device memory */  \
    X(VideoPortGetDeviceBase)                                                            \
    X(VideoPortFreeDeviceBase)                                                           \
    X(VideoPortMapMemory)                                                                \
    X(VideoPortUnmapMemory)                                                              \
    X(VideoPortGetAccessRanges)                                                      \
    X(VideoPortVerifyAccessRanges)                                                   \
    X(VideoPortCheckForDeviceExistence)                                              \
    X(VideoPortGetBusData)                                                           \
    X(VideoPortSetBusData)                                                           \
    X(VideoPortReadRegisterUchar)                                                        \
    X(VideoPortReadRegisterUshort)                                                       \
    X(VideoPortReadRegisterUlong)                                                        \
    X(VideoPortReadRegisterBufferUchar)                                                  \
    X(VideoPortReadRegisterBufferUshort)                                                 \
    X(VideoPortReadRegisterBufferUlong)                                                  \
    X(VideoPortWriteRegisterUchar)                                                       \
    X(VideoPortWriteRegisterUshort)                                                      \
    X(VideoPortWriteRegisterUlong)                                                       \
    X(VideoPortWriteRegisterBufferUchar)                                                 \
    X(VideoPortWriteRegisterBufferUshort)                                                \
    X(VideoPortWriteRegisterBufferUlong)                                                 \
    X(VideoPortReadPortUchar)                                                            \
    X(VideoPortReadPortUshort)                                                           \
    X(VideoPortReadPortUlong)                                                            \
    X(VideoPortReadPortBufferUchar)                                                      \
    X(VideoPortReadPortBufferUshort)                                                     \
    X(VideoPortReadPortBufferUlong)                                                      \
    X(VideoPortWritePortUchar)                                                           \
    X(VideoPortWritePortUshort)                                                          \
    X(VideoPortWritePortUlong)                                                           \
    X(VideoPortWritePortBufferUchar)                                                     \
    X(VideoPortWritePortBufferUshort)                                                    \
    X(VideoPortWritePortBufferUlong)                                                     \
    X(DriverEntry)                                                                       \
    X(HwVidFindAdapter)                                                                  \
    X(HwVidInitialize)                                                                   \
    X(HwVidStartIO)                                                                      \
    X(HwVidInterrupt)                                                                    \
    X(HwVidDpcRoutine)                                                                   \
    X(HwVidTimer)                                                                        \
    X(HwVidSynchronizeExecutionCallback)                                                 \
    X(KeInitializeEvent)                                                                 \
    X(KeSetEvent)                                                                        \
    X(KeResetEvent)                                                                      \
    X(KeClearEvent)                                                                      \
    X(KeReadStateEvent)                                                                  \
    X(KeWaitForSingleObject)                                                             \
    X(KeDelayExecutionThread)                                                            \
    X(KeInsertQueueDpc)                                                                  \
    X(KeFlushQueuedDpcs)                                                                 \
    X(KeInitializeTimer)                                                                 \
    X(KeInitializeTimerEx)                                                               \
    X(KeSetTimer)                                                                        \
    X(KeSetTimerEx)                                                                      \
    X(KeCancelTimer)                                                                     \
    X(KeReadStateTimer)                                                                  \
    X(ExAllocatePoolWithTag)                                                             \
    X(ExFreePoolWithTag)                                                                 \
    X(KeBugCheckEx)                                                                      \
    X(CustomDpc) /* not a function: a KDPC's deferred routine, as the WDK names it */    \
    X(VideoPortAllocatePool)                                                             \
    X(VideoPortFreePool)                                                                 \
    X(VideoPortAllocateBuffer)                                                           \
    X(VideoPortReleaseBuffer)                                                            \
    X(VideoPortCreateEvent)                                                              \
    X(VideoPortDeleteEvent)                                                              \
    X(VideoPortSetEvent)                                                                 \
    X(VideoPortClearEvent)                                                               \
    X(VideoPortReadStateEvent)                                                           \
    X(VideoPortWaitForSingleObject)                                                      \
    X(VideoPortGetVersion)                                                               \
    X(VideoPortGetRegistryParameters)                                                    \
    X(VideoPortSetRegistryParameters)                                                    \
    X(VideoPortEnableInterrupt)                                                          \
    X(VideoPortDisableInterrupt)                                                         \
    X(VideoPortLogError)                                                                 \
    X(VideoPortAcquireDeviceLock)

enum vsp_api {
#define VSP_API_ENUM(name) VSP_API_##name,
    VSP_API_LIST(VSP_API_ENUM)
#undef VSP_API_ENUM
};

/* Whether api takes a PSPIN_LOCK (whose handle must be checked). */
static inline int vsp_api_is_videoport(enum vsp_api api)
{
    return api >= VSP_API_VideoPortCreateSpinLock &&
           api <= VSP_API_VideoPortReleaseSpinLockFromDpcLevel;
}

/* "KeReleaseSpinLock" for VSP_API_KeReleaseSpinLock. */
const char *vsp_api_name(enum vsp_api api);

#endif
