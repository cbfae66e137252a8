/*
 * vpspin/video.h - the video port driver's spin lock services for video miniport
 * drivers, and the few port helpers that go with them, as the WDK's video.h declares
 * them.
 *
 * A miniport creates a lock with VideoPortCreateSpinLock, takes it either from IRQL
 * <= DISPATCH_LEVEL (VideoPortAcquireSpinLock / VideoPortReleaseSpinLock, passing back
 * the IRQL the acquire returned) or from DISPATCH_LEVEL (the AtDpcLevel /
 * FromDpcLevel pair), and destroys it with VideoPortDeleteSpinLock.
 */
#ifndef VPSPIN_VIDEO_H
#define VPSPIN_VIDEO_H

#include "wdm.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifndef VIDEOPORT_API
#define VIDEOPORT_API __attribute__((visibility("default")))
#endif

/* Status codes: Win32 error values, as the video port returns them. */
typedef LONG VP_STATUS, *PVP_STATUS;
#define NO_ERROR 0L
#define ERROR_INVALID_FUNCTION 1L
#define ERROR_NOT_ENOUGH_MEMORY 8L
#define ERROR_INVALID_PARAMETER 87L

/* A spin lock created by the video port. Opaque to the miniport. */
typedef struct _VIDEO_PORT_SPIN_LOCK *PSPIN_LOCK;

/* IRQL PASSIVE_LEVEL. Creates a free spin lock and stores it in *SpinLock.
 * Returns NO_ERROR; ERROR_INVALID_PARAMETER if SpinLock is NULL;
 * ERROR_NOT_ENOUGH_MEMORY if no lock object can be allocated (*SpinLock untouched).
 * HwDeviceExtension may be NULL; it is kept only to name the lock in reports. */
VIDEOPORT_API VP_STATUS VideoPortCreateSpinLock(IN PVOID HwDeviceExtension,
                                                OUT PSPIN_LOCK *SpinLock);

/* IRQL PASSIVE_LEVEL. Destroys a lock that no thread holds. Returns NO_ERROR;
 * ERROR_INVALID_PARAMETER if SpinLock is NULL, was never created or was already
 * deleted (the last two are reported as 0xC4/0x1002 when checking). Deleting a held
 * lock is reported as 0xC4/0x100B. */
VIDEOPORT_API VP_STATUS VideoPortDeleteSpinLock(IN PVOID HwDeviceExtension,
                                                IN PSPIN_LOCK SpinLock);

/* Caller at IRQL <= DISPATCH_LEVEL. Stores the caller's IRQL in *OldIrql, raises to
 * DISPATCH_LEVEL and acquires the lock (acquire ordering). */
VIDEOPORT_API VOID VideoPortAcquireSpinLock(IN PVOID HwDeviceExtension,
                                            IN PSPIN_LOCK SpinLock, OUT PUCHAR OldIrql);

/* Caller at DISPATCH_LEVEL. Acquires the lock; the IRQL is unchanged. */
VIDEOPORT_API VOID VideoPortAcquireSpinLockAtDpcLevel(IN PVOID HwDeviceExtension,
                                                      IN PSPIN_LOCK SpinLock);

/* Caller at DISPATCH_LEVEL, holding the lock from VideoPortAcquireSpinLock. Releases
 * it (release ordering) and lowers the IRQL to NewIrql, which must be the value the
 * acquire stored in *OldIrql (checked: 0xC4/0x20015). */
VIDEOPORT_API VOID VideoPortReleaseSpinLock(IN PVOID HwDeviceExtension,
                                            IN PSPIN_LOCK SpinLock, IN UCHAR NewIrql);

/* Caller at DISPATCH_LEVEL, holding the lock from VideoPortAcquireSpinLockAtDpcLevel.
 * Releases it; the IRQL is unchanged. */
VIDEOPORT_API VOID VideoPortReleaseSpinLockFromDpcLevel(IN PVOID HwDeviceExtension,
                                                        IN PSPIN_LOCK SpinLock);

/* The calling thread's IRQL. Any IRQL. */
VIDEOPORT_API UCHAR VideoPortGetCurrentIrql(VOID);

/* Atomic (sequentially consistent) operations on a LONG. Any IRQL.
 * Increment and Decrement return the new value; Exchange returns the old one. */
VIDEOPORT_API LONG FASTCALL VideoPortInterlockedIncrement(IN PLONG Addend);
VIDEOPORT_API LONG FASTCALL VideoPortInterlockedDecrement(IN PLONG Addend);
VIDEOPORT_API LONG FASTCALL VideoPortInterlockedExchange(IN OUT PLONG Target, IN LONG Value);

/* Busy-waits at least Microseconds microseconds without yielding the processor.
 * Any IRQL; keep it short (the WDK advises at most 50 us at raised IRQL). */
VIDEOPORT_API VOID VideoPortStallExecution(IN ULONG Microseconds);

#ifdef __cplusplus
}
#endif

#endif /* VPSPIN_VIDEO_H */
