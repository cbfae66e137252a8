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
 * lock is reported as 0xC4/0x100B; deleting one from HwInterrupt or from a Medium or High
 * priority synchronize routine as 0xC4/0xF002. */
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

/* ---- The miniport host: driver entry, the miniport's routines, DPCs, timer ----------
 * What a miniport's DriverEntry hands the video port, and the port services its
 * routines call, with the WDK's names, types and member order. On vpspin these run
 * under the host of vpspin.h (vpspin_load_miniport, vpspin_start_device...), which calls
 * each routine on a thread at the IRQL Windows calls it at (vpspin(7), "The host"). */

#define ERROR_DEV_NOT_EXIST 55L
#define ERROR_INSUFFICIENT_BUFFER 122L
#define ERROR_MORE_DATA 234L

/* What VideoPortInitialize returns (NTSTATUS values, as a ULONG), and vpspin_load_miniport
 * out of memory (STATUS_NO_MEMORY). */
#ifndef STATUS_SUCCESS
#define STATUS_SUCCESS ((ULONG)0x00000000UL)
#endif
#ifndef STATUS_INVALID_PARAMETER
#define STATUS_INVALID_PARAMETER ((ULONG)0xC000000DUL)
#endif
#ifndef STATUS_NO_MEMORY
#define STATUS_NO_MEMORY ((ULONG)0xC0000017UL)
#endif
#ifndef STATUS_REVISION_MISMATCH
#define STATUS_REVISION_MISMATCH ((ULONG)0xC0000059UL)
#endif

typedef uint16_t WCHAR, *PWSTR; /* UTF-16, as on Windows */

/* PHYSICAL_ADDRESS. The WDK's LARGE_INTEGER also has an anonymous struct with LowPart
 * and HighPart, which ISO C++ does not allow; use .u.LowPart / .u.HighPart here. */
typedef union _LARGE_INTEGER {
    struct {
        ULONG LowPart;
        LONG HighPart;
    } u;
    LONGLONG QuadPart;
} LARGE_INTEGER, *PLARGE_INTEGER;
typedef LARGE_INTEGER PHYSICAL_ADDRESS, *PPHYSICAL_ADDRESS;

typedef enum _INTERFACE_TYPE {
    InterfaceTypeUndefined = -1,
    Internal,
    Isa,
    Eisa,
    MicroChannel,
    TurboChannel,
    PCIBus,
    VMEBus,
    NuBus,
    PCMCIABus,
    CBus,
    MPIBus,
    MPSABus,
    ProcessorInternal,
    InternalPowerBus,
    PNPISABus,
    PNPBus,
    Vmcs,
    ACPIBus,
    MaximumInterfaceType
} INTERFACE_TYPE, *PINTERFACE_TYPE;

typedef enum _KINTERRUPT_MODE { LevelSensitive, Latched } KINTERRUPT_MODE;

typedef enum _DMA_WIDTH {
    Width8Bits,
    Width16Bits,
    Width32Bits,
    Width64Bits,
    WidthNoWrap,
    MaximumDmaWidth
} DMA_WIDTH, *PDMA_WIDTH;

typedef enum _DMA_SPEED { Compatible, TypeA, TypeB, TypeC, TypeF, MaximumDmaSpeed } DMA_SPEED;

/* Types of members and routines the host does not use: opaque here. */
typedef struct _VIDEO_ACCESS_RANGE *PVIDEO_ACCESS_RANGE;
typedef struct _EMULATOR_ACCESS_ENTRY *PEMULATOR_ACCESS_ENTRY;
typedef struct _VIDEO_POWER_MANAGEMENT *PVIDEO_POWER_MANAGEMENT;
typedef struct _VIDEO_CHILD_ENUM_INFO *PVIDEO_CHILD_ENUM_INFO;
typedef struct _QUERY_INTERFACE *PQUERY_INTERFACE;
typedef enum _VIDEO_CHILD_TYPE {
    Monitor = 1,
    NonPrimaryChip,
    VideoChip,
    Other
} VIDEO_CHILD_TYPE, *PVIDEO_CHILD_TYPE;

/* The result of a request: HwStartIO sets Status (a VP_STATUS) and Information (for
 * most requests, the number of bytes written to the output buffer). */
typedef struct _STATUS_BLOCK {
    union {
        VP_STATUS Status;
        PVOID Pointer;
    };
    ULONG_PTR Information;
} STATUS_BLOCK, *PSTATUS_BLOCK;

/* One request (an IOCTL) for HwStartIO. */
typedef struct _VIDEO_REQUEST_PACKET {
    ULONG IoControlCode;
    PSTATUS_BLOCK StatusBlock;
    PVOID InputBuffer;
    ULONG InputBufferLength;
    PVOID OutputBuffer;
    ULONG OutputBufferLength;
} VIDEO_REQUEST_PACKET, *PVIDEO_REQUEST_PACKET;

typedef PVOID (*PVIDEO_PORT_GET_PROC_ADDRESS)(IN PVOID HwDeviceExtension, IN PUCHAR FunctionName);

/* What the port tells HwFindAdapter about the adapter, and HwFindAdapter tells the port.
 * The host fills Length (sizeof), AdapterInterfaceType (PCIBus), InterruptMode
 * (LevelSensitive) and SystemMemorySize; everything else is zero. Of what HwFindAdapter
 * writes, the host reads only BusInterruptLevel (vpspin(7): the device's IRQL). */
typedef struct _VIDEO_PORT_CONFIG_INFO {
    ULONG Length;
    ULONG SystemIoBusNumber;
    INTERFACE_TYPE AdapterInterfaceType;
    ULONG BusInterruptLevel;
    ULONG BusInterruptVector;
    KINTERRUPT_MODE InterruptMode;
    ULONG NumEmulatorAccessEntries;
    PEMULATOR_ACCESS_ENTRY EmulatorAccessEntries;
    ULONG_PTR EmulatorAccessEntriesContext;
    PHYSICAL_ADDRESS VdmPhysicalVideoMemoryAddress;
    ULONG VdmPhysicalVideoMemoryLength;
    ULONG HardwareStateSize;
    ULONG DmaChannel;
    ULONG DmaPort;
    UCHAR DmaShareable;
    UCHAR InterruptShareable;
    BOOLEAN Master;
    DMA_WIDTH DmaWidth;
    DMA_SPEED DmaSpeed;
    BOOLEAN bMapBuffers;
    BOOLEAN NeedPhysicalAddresses;
    BOOLEAN DemandMode;
    ULONG MaximumTransferLength;
    ULONG NumberOfPhysicalBreaks;
    BOOLEAN ScatterGather;
    ULONG MaximumScatterGatherChunkSize;
    PVIDEO_PORT_GET_PROC_ADDRESS VideoPortGetProcAddress;
    PWSTR DriverRegistryPath;
    ULONGLONG SystemMemorySize;
} VIDEO_PORT_CONFIG_INFO, *PVIDEO_PORT_CONFIG_INFO;

/* The miniport's routines (HwVidFindAdapter, HwVidInitialize, ...). */
typedef VP_STATUS (*PVIDEO_HW_FIND_ADAPTER)(IN PVOID HwDeviceExtension, IN PVOID HwContext,
                                            IN PWSTR ArgumentString,
                                            IN OUT PVIDEO_PORT_CONFIG_INFO ConfigInfo,
                                            OUT PUCHAR Again);
typedef BOOLEAN (*PVIDEO_HW_INITIALIZE)(IN PVOID HwDeviceExtension);
typedef BOOLEAN (*PVIDEO_HW_INTERRUPT)(IN PVOID HwDeviceExtension);
typedef BOOLEAN (*PVIDEO_HW_START_IO)(IN PVOID HwDeviceExtension,
                                      IN PVIDEO_REQUEST_PACKET RequestPacket);
typedef BOOLEAN (*PVIDEO_HW_RESET_HW)(IN PVOID HwDeviceExtension, IN ULONG Columns, IN ULONG Rows);
typedef VOID (*PVIDEO_HW_TIMER)(IN PVOID HwDeviceExtension);
typedef VP_STATUS (*PVIDEO_HW_POWER_SET)(IN PVOID HwDeviceExtension, IN ULONG HwId,
                                         IN PVIDEO_POWER_MANAGEMENT VideoPowerControl);
typedef VP_STATUS (*PVIDEO_HW_POWER_GET)(IN PVOID HwDeviceExtension, IN ULONG HwId,
                                         IN OUT PVIDEO_POWER_MANAGEMENT VideoPowerControl);
typedef VP_STATUS (*PVIDEO_HW_GET_CHILD_DESCRIPTOR)(IN PVOID HwDeviceExtension,
                                                    IN PVIDEO_CHILD_ENUM_INFO ChildEnumInfo,
                                                    OUT PVIDEO_CHILD_TYPE VideoChildType,
                                                    OUT PUCHAR pChildDescriptor, OUT PULONG UId,
                                                    OUT PULONG pUnused);
typedef VP_STATUS (*PVIDEO_HW_QUERY_INTERFACE)(IN PVOID HwDeviceExtension,
                                               IN OUT PQUERY_INTERFACE QueryInterface);
typedef VP_STATUS (*PVIDEO_HW_LEGACYRESOURCES)(IN ULONG VendorId, IN ULONG DeviceId,
                                               IN OUT PVIDEO_ACCESS_RANGE *LegacyResourceList,
                                               IN OUT PULONG LegacyResourceCount);

/* HwVidDpcRoutine, queued by VideoPortQueueDpc; called at DISPATCH_LEVEL. */
typedef VOID (*PMINIPORT_DPC_ROUTINE)(IN PVOID HwDeviceExtension, IN PVOID Context);

/* HwVidSynchronizeExecutionCallback, called by VideoPortSynchronizeExecution. */
typedef BOOLEAN (*PMINIPORT_SYNCHRONIZE_ROUTINE)(IN PVOID Context);

/* What DriverEntry passes VideoPortInitialize: zero it, then fill it in. The host uses
 * HwInitDataSize, HwFindAdapter, HwInitialize, HwInterrupt, HwStartIO,
 * HwDeviceExtensionSize and HwTimer; it ignores the other members. */
typedef struct _VIDEO_HW_INITIALIZATION_DATA {
    ULONG HwInitDataSize; /* sizeof(VIDEO_HW_INITIALIZATION_DATA) */
    INTERFACE_TYPE AdapterInterfaceType;
    PVIDEO_HW_FIND_ADAPTER HwFindAdapter;
    PVIDEO_HW_INITIALIZE HwInitialize;
    PVIDEO_HW_INTERRUPT HwInterrupt; /* NULL if the adapter does not interrupt */
    PVIDEO_HW_START_IO HwStartIO;
    ULONG HwDeviceExtensionSize;
    ULONG StartingDeviceNumber;
    PVIDEO_HW_RESET_HW HwResetHw;
    PVIDEO_HW_TIMER HwTimer; /* optional */
    PVOID HwStartDma;        /* reserved */
    PVIDEO_HW_POWER_SET HwSetPowerState;
    PVIDEO_HW_POWER_GET HwGetPowerState;
    PVIDEO_HW_GET_CHILD_DESCRIPTOR HwGetVideoChildDescriptor;
    PVIDEO_HW_QUERY_INTERFACE HwQueryInterface;
    ULONG HwChildDeviceExtensionSize;
    PVIDEO_ACCESS_RANGE HwLegacyResourceList;
    ULONG HwLegacyResourceCount;
    PVIDEO_HW_LEGACYRESOURCES HwGetLegacyResources;
    BOOLEAN AllowEarlyEnumeration;
    ULONG Reserved;
} VIDEO_HW_INITIALIZATION_DATA, *PVIDEO_HW_INITIALIZATION_DATA;

typedef enum VIDEO_SYNCHRONIZE_PRIORITY {
    VpLowPriority,    /* the routine runs at the caller's IRQL, unsynchronized */
    VpMediumPriority, /* at the device's IRQL, holding its interrupt lock: excludes HwInterrupt */
    VpHighPriority    /* at HIGH_LEVEL, holding the interrupt lock: excludes HwInterrupt */
} VIDEO_SYNCHRONIZE_PRIORITY, *PVIDEO_SYNCHRONIZE_PRIORITY;

/* Called by the miniport's DriverEntry(Argument1, Argument2) with the two arguments it
 * received, at PASSIVE_LEVEL. Records HwInitializationData (a second call replaces the
 * first) and HwContext (passed to HwFindAdapter). Returns STATUS_SUCCESS;
 * STATUS_REVISION_MISMATCH if HwInitDataSize is smaller than the layout up to HwTimer or
 * larger than sizeof(VIDEO_HW_INITIALIZATION_DATA); STATUS_INVALID_PARAMETER if
 * HwFindAdapter, HwInitialize or HwStartIO is NULL, or if Argument1 is not the driver
 * vpspin_load_miniport is loading on this thread. */
VIDEOPORT_API ULONG VideoPortInitialize(IN PVOID Argument1, IN PVOID Argument2,
                                        IN PVIDEO_HW_INITIALIZATION_DATA HwInitializationData,
                                        IN PVOID HwContext);

/* Caller at IRQL >= DISPATCH_LEVEL (checked: 0xC4/0xF001). Queues the device's one DPC:
 * CallbackRoutine(HwDeviceExtension, Context) will run at DISPATCH_LEVEL on the
 * device's DPC thread. Returns TRUE if queued; FALSE if the device's DPC is already
 * queued (and not yet running: then this call's routine and context are dropped), or if
 * HwDeviceExtension is not a started device's. */
VIDEOPORT_API BOOLEAN VideoPortQueueDpc(IN PVOID HwDeviceExtension,
                                        IN PMINIPORT_DPC_ROUTINE CallbackRoutine,
                                        IN PVOID Context);

/* Calls SynchronizeRoutine(Context) and returns what it returns. VpLowPriority: at the
 * caller's IRQL. VpMediumPriority: raised to the device's IRQL, holding the device's
 * interrupt lock, so never while HwInterrupt runs. VpHighPriority: the same at
 * HIGH_LEVEL. The IRQL is restored before returning. FALSE (nothing called) if
 * HwDeviceExtension is not a started device's or Priority is not one of the three. */
VIDEOPORT_API BOOLEAN VideoPortSynchronizeExecution(
    IN PVOID HwDeviceExtension, IN VIDEO_SYNCHRONIZE_PRIORITY Priority,
    IN PMINIPORT_SYNCHRONIZE_ROUTINE SynchronizeRoutine, IN PVOID Context);

/* Starts calling the miniport's HwTimer about once a second, at DISPATCH_LEVEL, on the
 * device's timer thread; nothing if it has no HwTimer or the timer already runs. */
VIDEOPORT_API VOID VideoPortStartTimer(IN PVOID HwDeviceExtension);

/* Stops those calls: no HwTimer call starts after it returns (one already running
 * finishes). May be called from HwTimer itself. */
VIDEOPORT_API VOID VideoPortStopTimer(IN PVOID HwDeviceExtension);

#ifdef __cplusplus
}
#endif

#endif /* VPSPIN_VIDEO_H */
