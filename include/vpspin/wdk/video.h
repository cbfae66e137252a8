/*
 * video.h - the video port's interface for video miniport drivers, as the WDK's video.h
 * declares it: the miniport's routines and what DriverEntry hands VideoPortInitialize,
 * the structures the port and the miniport exchange, and every VideoPort* service.
 *
 * Which services vpspin provides, which are stubs and which are only declared is in
 * docs/compatibility.md; a miniport that calls one that is only declared compiles and
 * fails to link, naming it. On vpspin a miniport runs under the host of <vpspin/vpspin.h>
 * (vpspin_load_miniport, vpspin_start_device ...), which calls each routine on a thread
 * at the IRQL Windows calls it at (vpspin(7), "The host"). Each service states the IRQL it
 * needs; the checked modes report a call made above it (docs/checked-mode.md).
 *
 * A miniport includes, as on Windows, <dderror.h>, <devioctl.h>, <miniport.h>,
 * <ntddvdeo.h> and <video.h>; this file includes the others itself.
 */
#ifndef VPSPIN_WDK_VIDEO_H
#define VPSPIN_WDK_VIDEO_H

#include <stdarg.h>

#include "dderror.h"
#include "devioctl.h"
#include "miniport.h"
#include "ntddvdeo.h"
#include "vpspin_ntdef_nolists.h"
#include "videoagp.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifndef VIDEOPORT_API
#define VIDEOPORT_API __attribute__((visibility("default")))
#endif
#define VPAPI VIDEOPORT_API

/* ---- Status, debug levels, constants ---------------------------------------------------- */

/* What the services return: a Win32 error code (winerror.h), NO_ERROR on success. */
typedef LONG VP_STATUS, *PVP_STATUS;

typedef enum VIDEO_DEBUG_LEVEL {
    Error = 0,
    Warn,
    Trace,
    Info
} VIDEO_DEBUG_LEVEL,
    *PVIDEO_DEBUG_LEVEL;

/* VideoDebugPrint((Level, "format", ...)): compiled in only when DBG is nonzero, as in the
 * WDK (build with -DDBG=1 to keep them). */
#if DBG
#define VideoDebugPrint(x) VideoPortDebugPrint x
#else
#define VideoDebugPrint(x)
#endif

/* VIDEO_ACCESS_RANGE.RangePassive */
#define VIDEO_RANGE_PASSIVE_DECODE 1
#define VIDEO_RANGE_10_BIT_DECODE  2

/* VideoPortGetDeviceBase and VideoPortMapMemory InIoSpace flags */
#define VIDEO_MEMORY_SPACE_MEMORY    0x00
#define VIDEO_MEMORY_SPACE_IO        0x01
#define VIDEO_MEMORY_SPACE_USER_MODE 0x02
#define VIDEO_MEMORY_SPACE_DENSE     0x04
#define VIDEO_MEMORY_SPACE_P6CACHE   0x08

/* HwGetVideoChildDescriptor results */
#define VIDEO_ENUM_MORE_DEVICES    ERROR_CONTINUE
#define VIDEO_ENUM_NO_MORE_DEVICES ERROR_NO_MORE_DEVICES
#define VIDEO_ENUM_INVALID_DEVICE  ERROR_INVALID_NAME

#define DISPLAY_ADAPTER_HW_ID  0xFFFFFFFF
#define VIDEO_INVALID_CHILD_ID 0xFFFFFFFF
#define DEVICE_VGA_ENABLED     1

/* VideoPortCreateEvent's EventFlag */
#define EVENT_TYPE_MASK            1
#define SYNCHRONIZATION_EVENT      0
#define NOTIFICATION_EVENT         1
#define INITIAL_EVENT_STATE_MASK   2
#define INITIAL_EVENT_NOT_SIGNALED 0
#define INITIAL_EVENT_SIGNALED     2

#define SET_USER_EVENT    0x01
#define SET_DISPLAY_EVENT 0x02

/* VideoPortCheckForDeviceExistence's Flags */
#define CDE_USE_SUBSYSTEM_IDS 0x00000001
#define CDE_USE_REVISION      0x00000002

#define BUGCHECK_DATA_SIZE_RESERVED 48
#define VIDEO_DEBUG_REPORT_MAX_SIZE 0x8000

#define VIDEO_PORT_AGP_INTERFACE_VERSION_1                1
#define VIDEO_PORT_AGP_INTERFACE_VERSION_2                2
#define VIDEO_PORT_I2C_INTERFACE_VERSION_1                1
#define VIDEO_PORT_I2C_INTERFACE_VERSION_2                2
#define VIDEO_PORT_INT10_INTERFACE_VERSION_1              1
#define VIDEO_PORT_WCMEMORYPROTECTION_INTERFACE_VERSION_1 1
#define VIDEO_PORT_DEBUG_REPORT_INTERFACE_VERSION_1       1

/* ---- Opaque objects --------------------------------------------------------------------- */

typedef struct _VIDEO_PORT_SPIN_LOCK *PSPIN_LOCK; /* VideoPortCreateSpinLock */
typedef struct _VIDEO_DEBUG_REPORT *PVIDEO_DEBUG_REPORT;
typedef struct __DMA_PARAMETERS *PDMA;
typedef struct __VP_DMA_ADAPTER *PVP_DMA_ADAPTER;
typedef ULONG DMA_EVENT_FLAGS;

/* ---- What the port and the miniport exchange -------------------------------------------- */

/* The port's services by name: VideoPortGetProcAddress(HwDeviceExtension, "VideoPortXxx"). */
typedef PVOID (*PVIDEO_PORT_GET_PROC_ADDRESS)(IN PVOID HwDeviceExtension, IN PUCHAR FunctionName);

/* What the port tells HwFindAdapter about the adapter, and HwFindAdapter tells the port.
 * The vpspin host fills Length (sizeof), AdapterInterfaceType (PCIBus), InterruptMode
 * (LevelSensitive), VideoPortGetProcAddress (the port's services by name: every one vpspin
 * provides, VideoPort and Ke), DriverRegistryPath and SystemMemorySize;
 * everything else is zero. Of what HwFindAdapter writes, the host reads BusInterruptLevel
 * (vpspin(7): the device's IRQL). */
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

#define SIZE_OF_NT4_VIDEO_PORT_CONFIG_INFO FIELD_OFFSET(VIDEO_PORT_CONFIG_INFO, Master)
#define SIZE_OF_WXP_VIDEO_PORT_CONFIG_INFO sizeof(VIDEO_PORT_CONFIG_INFO)

/* One bus-relative range of an adapter's registers, ports or memory. */
typedef struct _VIDEO_ACCESS_RANGE {
    PHYSICAL_ADDRESS RangeStart;
    ULONG RangeLength;
    UCHAR RangeInIoSpace;
    UCHAR RangeVisible;
    UCHAR RangeShareable;
    UCHAR RangePassive;
} VIDEO_ACCESS_RANGE, *PVIDEO_ACCESS_RANGE;

/* The result of a request: HwStartIO sets Status (a VP_STATUS) and Information (for most
 * requests, the number of bytes written to the output buffer). */
typedef struct _STATUS_BLOCK {
    _ANONYMOUS_UNION union {
        VP_STATUS Status;
        PVOID Pointer;
    };
    ULONG_PTR Information;
} STATUS_BLOCK, *PSTATUS_BLOCK;

/* One request (an IOCTL_VIDEO_* of ntddvdeo.h, or the miniport's own) for HwStartIO. */
typedef struct _VIDEO_REQUEST_PACKET {
    ULONG IoControlCode;
    PSTATUS_BLOCK StatusBlock;
    PVOID InputBuffer;
    ULONG InputBufferLength;
    PVOID OutputBuffer;
    ULONG OutputBufferLength;
} VIDEO_REQUEST_PACKET, *PVIDEO_REQUEST_PACKET;

typedef struct _VIDEO_CHILD_ENUM_INFO {
    ULONG Size;
    ULONG ChildDescriptorSize;
    ULONG ChildIndex;
    ULONG ACPIHwId;
    PVOID ChildHwDeviceExtension;
} VIDEO_CHILD_ENUM_INFO, *PVIDEO_CHILD_ENUM_INFO;

typedef enum _VIDEO_CHILD_TYPE {
    Monitor = 1,
    NonPrimaryChip,
    VideoChip,
    Other
} VIDEO_CHILD_TYPE,
    *PVIDEO_CHILD_TYPE;

typedef struct _VIDEO_CHILD_STATE {
    ULONG Id;
    ULONG State;
} VIDEO_CHILD_STATE, *PVIDEO_CHILD_STATE;

typedef struct _VIDEO_CHILD_STATE_CONFIGURATION {
    ULONG Count;
    VIDEO_CHILD_STATE ChildStateArray[ANYSIZE_ARRAY];
} VIDEO_CHILD_STATE_CONFIGURATION, *PVIDEO_CHILD_STATE_CONFIGURATION;

typedef struct _QUERY_INTERFACE {
    CONST GUID *InterfaceType;
    USHORT Size;
    USHORT Version;
    PINTERFACE Interface;
    PVOID InterfaceSpecificData;
} QUERY_INTERFACE, *PQUERY_INTERFACE;

typedef struct _VIDEO_HARDWARE_CONFIGURATION_DATA {
    INTERFACE_TYPE InterfaceType;
    ULONG BusNumber;
    USHORT Version;
    USHORT Revision;
    USHORT Irql;
    USHORT Vector;
    ULONG ControlBase;
    ULONG ControlSize;
    ULONG CursorBase;
    ULONG CursorSize;
    ULONG FrameBase;
    ULONG FrameSize;
} VIDEO_HARDWARE_CONFIGURATION_DATA, *PVIDEO_HARDWARE_CONFIGURATION_DATA;

typedef enum _VIDEO_DEVICE_DATA_TYPE {
    VpMachineData = 0,
    VpCmosData,
    VpBusData,
    VpControllerData,
    VpMonitorData
} VIDEO_DEVICE_DATA_TYPE,
    *PVIDEO_DEVICE_DATA_TYPE;

typedef struct _VIDEO_X86_BIOS_ARGUMENTS {
    ULONG Eax;
    ULONG Ebx;
    ULONG Ecx;
    ULONG Edx;
    ULONG Esi;
    ULONG Edi;
    ULONG Ebp;
} VIDEO_X86_BIOS_ARGUMENTS, *PVIDEO_X86_BIOS_ARGUMENTS;

typedef struct _INT10_BIOS_ARGUMENTS {
    ULONG Eax;
    ULONG Ebx;
    ULONG Ecx;
    ULONG Edx;
    ULONG Esi;
    ULONG Edi;
    ULONG Ebp;
    USHORT SegDs;
    USHORT SegEs;
} INT10_BIOS_ARGUMENTS, *PINT10_BIOS_ARGUMENTS;

/* VideoPortGetVersion: Size is set by the caller. */
typedef struct _VPOSVERSIONINFO {
    ULONG Size;
    ULONG MajorVersion;
    ULONG MinorVersion;
    ULONG BuildNumber;
    USHORT ServicePackMajor;
    USHORT ServicePackMinor;
} VPOSVERSIONINFO, *PVPOSVERSIONINFO;

typedef enum VIDEO_SYNCHRONIZE_PRIORITY {
    VpLowPriority,    /* the routine runs at the caller's IRQL, unsynchronized */
    VpMediumPriority, /* at the device's IRQL, holding its interrupt lock: excludes HwInterrupt */
    VpHighPriority    /* at HIGH_LEVEL, holding the interrupt lock: excludes HwInterrupt */
} VIDEO_SYNCHRONIZE_PRIORITY,
    *PVIDEO_SYNCHRONIZE_PRIORITY;

/* VideoPortAllocatePool's PoolType. */
typedef enum _VP_POOL_TYPE {
    VpNonPagedPool = 0,
    VpPagedPool,
    VpNonPagedPoolCacheAligned = 4,
    VpPagedPoolCacheAligned
} VP_POOL_TYPE,
    *PVP_POOL_TYPE;

typedef enum _VIDEO_PORT_SERVICES {
    VideoPortServicesAGP = 1,
    VideoPortServicesI2C,
    VideoPortServicesHeadless,
    VideoPortServicesInt10,
    VideoPortServicesDebugReport,
    VideoPortServicesWCMemoryProtection
} VIDEO_PORT_SERVICES;

/* ---- DMA --------------------------------------------------------------------------------- */

typedef enum _HW_DMA_RETURN { DmaAsyncReturn, DmaSyncReturn } HW_DMA_RETURN, *PHW_DMA_RETURN;

typedef enum _DMA_FLAGS {
    VideoPortUnlockAfterDma = 1,
    VideoPortKeepPagesLocked,
    VideoPortDmaInitOnly
} DMA_FLAGS;

typedef enum _VP_LOCK_OPERATION {
    VpReadAccess = 0,
    VpWriteAccess,
    VpModifyAccess
} VP_LOCK_OPERATION;

typedef struct _VP_DEVICE_DESCRIPTION {
    BOOLEAN ScatterGather;
    BOOLEAN Dma32BitAddresses;
    BOOLEAN Dma64BitAddresses;
    ULONG MaximumLength;
} VP_DEVICE_DESCRIPTION, *PVP_DEVICE_DESCRIPTION;

typedef struct _VP_SCATTER_GATHER_ELEMENT {
    PHYSICAL_ADDRESS Address;
    ULONG Length;
    ULONG_PTR Reserved;
} VP_SCATTER_GATHER_ELEMENT, *PVP_SCATTER_GATHER_ELEMENT;

typedef struct _VP_SCATTER_GATHER_LIST {
    ULONG NumberOfElements;
    ULONG_PTR Reserved;
    __extension__ VP_SCATTER_GATHER_ELEMENT Elements[0];
} VP_SCATTER_GATHER_LIST, *PVP_SCATTER_GATHER_LIST;

typedef struct __VRB_SG {
    __int64 PhysicalAddress;
    ULONG Length;
} VRB_SG, *PVRB_SG;

#define GET_VIDEO_SCATTERGATHER(ppDma) (**(PVRB_SG **)ppDma)

/* ---- The miniport's routines ---------------------------------------------------------------- */

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
typedef HW_DMA_RETURN (*PVIDEO_HW_START_DMA)(PVOID HwDeviceExtension, PDMA pDma);
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
typedef VP_STATUS (*PVIDEO_HW_CHILD_CALLBACK)(PVOID HwDeviceExtension, PVOID ChildDeviceExtension);
typedef VOID (*PVIDEO_HW_LEGACYRESOURCES)(IN ULONG VendorId, IN ULONG DeviceId,
                                          IN OUT PVIDEO_ACCESS_RANGE *LegacyResourceList,
                                          IN OUT PULONG LegacyResourceCount);
typedef VOID (*PEXECUTE_DMA)(IN PVOID HwDeviceExtension, IN PVP_DMA_ADAPTER VpDmaAdapter,
                             IN PVP_SCATTER_GATHER_LIST SGList, IN PVOID Context);

/* HwVidDpcRoutine, queued by VideoPortQueueDpc; called at DISPATCH_LEVEL. */
typedef VOID (*PMINIPORT_DPC_ROUTINE)(IN PVOID HwDeviceExtension, IN PVOID Context);

/* HwVidSynchronizeExecutionCallback, called by VideoPortSynchronizeExecution. */
typedef BOOLEAN (*PMINIPORT_SYNCHRONIZE_ROUTINE)(IN PVOID Context);

/* HwVidQueryDeviceCallback (VideoPortGetDeviceData). */
typedef VP_STATUS (*PMINIPORT_QUERY_DEVICE_ROUTINE)(IN PVOID HwDeviceExtension, IN PVOID Context,
                                                    IN VIDEO_DEVICE_DATA_TYPE DeviceDataType,
                                                    IN PVOID Identifier, IN ULONG IdentifierLength,
                                                    IN PVOID ConfigurationData,
                                                    IN ULONG ConfigurationDataLength,
                                                    IN OUT PVOID ComponentInformation,
                                                    IN ULONG ComponentInformationLength);

/* HwVidQueryNamedValueCallback (VideoPortGetRegistryParameters): called with the value's
 * name, its data and its length in bytes; returns NO_ERROR, or an error that the port
 * returns to the miniport. */
typedef VP_STATUS (*PMINIPORT_GET_REGISTRY_ROUTINE)(IN PVOID HwDeviceExtension, IN PVOID Context,
                                                    IN OUT PWSTR ValueName, IN OUT PVOID ValueData,
                                                    IN ULONG ValueLength);

typedef VOID (*PVIDEO_BUGCHECK_CALLBACK)(IN PVOID HwDeviceExtension, IN ULONG BugcheckCode,
                                         IN PUCHAR Buffer, IN ULONG BufferSize);

/* What DriverEntry passes VideoPortInitialize: zero it, then fill it in. The host uses
 * HwInitDataSize, HwFindAdapter, HwInitialize, HwInterrupt, HwStartIO,
 * HwDeviceExtensionSize and HwTimer; it ignores the other members. The power routines
 * have both names miniports use: HwSetPowerState / HwSetVideoPowerState (and Get). */
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
    PVIDEO_HW_START_DMA HwStartDma;
    _ANONYMOUS_UNION union {
        PVIDEO_HW_POWER_SET HwSetPowerState;
        PVIDEO_HW_POWER_SET HwSetVideoPowerState;
    };
    _ANONYMOUS_UNION union {
        PVIDEO_HW_POWER_GET HwGetPowerState;
        PVIDEO_HW_POWER_GET HwGetVideoPowerState;
    };
    PVIDEO_HW_GET_CHILD_DESCRIPTOR HwGetVideoChildDescriptor;
    PVIDEO_HW_QUERY_INTERFACE HwQueryInterface;
    ULONG HwChildDeviceExtensionSize;
    PVIDEO_ACCESS_RANGE HwLegacyResourceList;
    ULONG HwLegacyResourceCount;
    PVIDEO_HW_LEGACYRESOURCES HwGetLegacyResources;
    BOOLEAN AllowEarlyEnumeration;
    ULONG Reserved;
} VIDEO_HW_INITIALIZATION_DATA, *PVIDEO_HW_INITIALIZATION_DATA;

#define SIZE_OF_NT4_VIDEO_HW_INITIALIZATION_DATA                                                   \
    FIELD_OFFSET(VIDEO_HW_INITIALIZATION_DATA, HwStartDma)
#define SIZE_OF_W2K_VIDEO_HW_INITIALIZATION_DATA                                                   \
    FIELD_OFFSET(VIDEO_HW_INITIALIZATION_DATA, Reserved)
#define SIZE_OF_WXP_VIDEO_HW_INITIALIZATION_DATA                                                   \
    (SIZE_OF_W2K_VIDEO_HW_INITIALIZATION_DATA + sizeof(ULONG))

/* ---- Interfaces of VideoPortQueryServices ------------------------------------------------ */

typedef VOID (*PVIDEO_WRITE_CLOCK_LINE)(PVOID HwDeviceExtension, UCHAR Data);
typedef VOID (*PVIDEO_WRITE_DATA_LINE)(PVOID HwDeviceExtension, UCHAR Data);
typedef BOOLEAN (*PVIDEO_READ_CLOCK_LINE)(PVOID HwDeviceExtension);
typedef BOOLEAN (*PVIDEO_READ_DATA_LINE)(PVOID HwDeviceExtension);
typedef VOID (*PVIDEO_WAIT_VSYNC_ACTIVE)(PVOID HwDeviceExtension);

typedef struct _I2C_CALLBACKS {
    PVIDEO_WRITE_CLOCK_LINE WriteClockLine;
    PVIDEO_WRITE_DATA_LINE WriteDataLine;
    PVIDEO_READ_CLOCK_LINE ReadClockLine;
    PVIDEO_READ_DATA_LINE ReadDataLine;
} I2C_CALLBACKS, *PI2C_CALLBACKS;

typedef struct _DDC_CONTROL {
    ULONG Size;
    I2C_CALLBACKS I2CCallbacks;
    UCHAR EdidSegment;
} DDC_CONTROL, *PDDC_CONTROL;

typedef struct _I2C_FNC_TABLE {
    ULONG Size;
    PVIDEO_WRITE_CLOCK_LINE WriteClockLine;
    PVIDEO_WRITE_DATA_LINE WriteDataLine;
    PVIDEO_READ_CLOCK_LINE ReadClockLine;
    PVIDEO_READ_DATA_LINE ReadDataLine;
    PVIDEO_WAIT_VSYNC_ACTIVE WaitVsync;
    PVOID Reserved;
} I2C_FNC_TABLE, *PI2C_FNC_TABLE;

typedef struct _VIDEO_I2C_CONTROL {
    PVIDEO_WRITE_CLOCK_LINE WriteClockLine;
    PVIDEO_WRITE_DATA_LINE WriteDataLine;
    PVIDEO_READ_CLOCK_LINE ReadClockLine;
    PVIDEO_READ_DATA_LINE ReadDataLine;
    ULONG I2CDelay;
} VIDEO_I2C_CONTROL, *PVIDEO_I2C_CONTROL;

typedef BOOLEAN (*PI2C_START)(IN PVOID HwDeviceExtension, IN PI2C_CALLBACKS I2CCallbacks);
typedef BOOLEAN (*PI2C_STOP)(IN PVOID HwDeviceExtension, IN PI2C_CALLBACKS I2CCallbacks);
typedef BOOLEAN (*PI2C_WRITE)(IN PVOID HwDeviceExtension, IN PI2C_CALLBACKS I2CCallbacks,
                              IN PUCHAR Buffer, IN ULONG Length);
typedef BOOLEAN (*PI2C_READ)(IN PVOID HwDeviceExtension, IN PI2C_CALLBACKS I2CCallbacks,
                             OUT PUCHAR Buffer, IN ULONG Length);
typedef BOOLEAN (*PI2C_START_2)(IN PVOID HwDeviceExtension, IN PVIDEO_I2C_CONTROL I2CControl);
typedef BOOLEAN (*PI2C_STOP_2)(IN PVOID HwDeviceExtension, IN PVIDEO_I2C_CONTROL I2CControl);
typedef BOOLEAN (*PI2C_WRITE_2)(IN PVOID HwDeviceExtension, IN PVIDEO_I2C_CONTROL I2CControl,
                                IN PUCHAR Buffer, IN ULONG Length);
typedef BOOLEAN (*PI2C_READ_2)(IN PVOID HwDeviceExtension, IN PVIDEO_I2C_CONTROL I2CControl,
                               OUT PUCHAR Buffer, IN ULONG Length, IN BOOLEAN EndOfRead);

typedef VP_STATUS (*PINT10_CALL_BIOS)(IN PVOID Context, IN OUT PINT10_BIOS_ARGUMENTS BiosArguments);
typedef VP_STATUS (*PINT10_ALLOCATE_BUFFER)(IN PVOID Context, OUT PUSHORT Seg, OUT PUSHORT Off,
                                            IN OUT PULONG Length);
typedef VP_STATUS (*PINT10_FREE_BUFFER)(IN PVOID Context, IN USHORT Seg, IN USHORT Off);
typedef VP_STATUS (*PINT10_READ_MEMORY)(IN PVOID Context, IN USHORT Seg, IN USHORT Off,
                                        OUT PVOID Buffer, IN ULONG Length);
typedef VP_STATUS (*PINT10_WRITE_MEMORY)(IN PVOID Context, IN USHORT Seg, IN USHORT Off,
                                         IN PVOID Buffer, IN ULONG Length);
typedef VP_STATUS (*PROTECT_WC_MEMORY)(IN PVOID Context, IN PVOID HwDeviceExtension);
typedef VP_STATUS (*RESTORE_WC_MEMORY)(IN PVOID Context, IN PVOID HwDeviceExtension);

typedef struct _VIDEO_PORT_AGP_INTERFACE {
    SHORT Size;
    SHORT Version;
    PVOID Context;
    PINTERFACE_REFERENCE InterfaceReference;
    PINTERFACE_DEREFERENCE InterfaceDereference;
    PAGP_RESERVE_PHYSICAL AgpReservePhysical;
    PAGP_RELEASE_PHYSICAL AgpReleasePhysical;
    PAGP_COMMIT_PHYSICAL AgpCommitPhysical;
    PAGP_FREE_PHYSICAL AgpFreePhysical;
    PAGP_RESERVE_VIRTUAL AgpReserveVirtual;
    PAGP_RELEASE_VIRTUAL AgpReleaseVirtual;
    PAGP_COMMIT_VIRTUAL AgpCommitVirtual;
    PAGP_FREE_VIRTUAL AgpFreeVirtual;
    ULONGLONG AgpAllocationLimit;
} VIDEO_PORT_AGP_INTERFACE, *PVIDEO_PORT_AGP_INTERFACE;

typedef struct _VIDEO_PORT_AGP_INTERFACE_2 {
    USHORT Size;
    USHORT Version;
    PVOID Context;
    PINTERFACE_REFERENCE InterfaceReference;
    PINTERFACE_DEREFERENCE InterfaceDereference;
    PAGP_RESERVE_PHYSICAL AgpReservePhysical;
    PAGP_RELEASE_PHYSICAL AgpReleasePhysical;
    PAGP_COMMIT_PHYSICAL AgpCommitPhysical;
    PAGP_FREE_PHYSICAL AgpFreePhysical;
    PAGP_RESERVE_VIRTUAL AgpReserveVirtual;
    PAGP_RELEASE_VIRTUAL AgpReleaseVirtual;
    PAGP_COMMIT_VIRTUAL AgpCommitVirtual;
    PAGP_FREE_VIRTUAL AgpFreeVirtual;
    ULONGLONG AgpAllocationLimit;
    PAGP_SET_RATE AgpSetRate;
} VIDEO_PORT_AGP_INTERFACE_2, *PVIDEO_PORT_AGP_INTERFACE_2;

typedef struct _VIDEO_PORT_I2C_INTERFACE {
    USHORT Size;
    USHORT Version;
    PVOID Context;
    PINTERFACE_REFERENCE InterfaceReference;
    PINTERFACE_DEREFERENCE InterfaceDereference;
    PI2C_START I2CStart;
    PI2C_STOP I2CStop;
    PI2C_WRITE I2CWrite;
    PI2C_READ I2CRead;
} VIDEO_PORT_I2C_INTERFACE, *PVIDEO_PORT_I2C_INTERFACE;

typedef struct _VIDEO_PORT_I2C_INTERFACE_2 {
    USHORT Size;
    USHORT Version;
    PVOID Context;
    PINTERFACE_REFERENCE InterfaceReference;
    PINTERFACE_DEREFERENCE InterfaceDereference;
    PI2C_START_2 I2CStart;
    PI2C_STOP_2 I2CStop;
    PI2C_WRITE_2 I2CWrite;
    PI2C_READ_2 I2CRead;
} VIDEO_PORT_I2C_INTERFACE_2, *PVIDEO_PORT_I2C_INTERFACE_2;

typedef struct _VIDEO_PORT_INT10_INTERFACE {
    USHORT Size;
    USHORT Version;
    PVOID Context;
    PINTERFACE_REFERENCE InterfaceReference;
    PINTERFACE_DEREFERENCE InterfaceDereference;
    PINT10_ALLOCATE_BUFFER Int10AllocateBuffer;
    PINT10_FREE_BUFFER Int10FreeBuffer;
    PINT10_READ_MEMORY Int10ReadMemory;
    PINT10_WRITE_MEMORY Int10WriteMemory;
    PINT10_CALL_BIOS Int10CallBios;
} VIDEO_PORT_INT10_INTERFACE, *PVIDEO_PORT_INT10_INTERFACE;

typedef struct _VIDEO_PORT_WCMEMORYPROTECTION_INTERFACE {
    USHORT Size;
    USHORT Version;
    PVOID Context;
    PINTERFACE_REFERENCE InterfaceReference;
    PINTERFACE_DEREFERENCE InterfaceDereference;
    PROTECT_WC_MEMORY VideoPortProtectWCMemory;
    RESTORE_WC_MEMORY VideoPortRestoreWCMemory;
} VIDEO_PORT_WCMEMORYPROTECTION_INTERFACE, *PVIDEO_PORT_WCMEMORYPROTECTION_INTERFACE;

typedef struct _VIDEO_PORT_DEBUG_REPORT_INTERFACE {
    USHORT Size;
    USHORT Version;
    PVOID Context;
    PINTERFACE_REFERENCE InterfaceReference;
    PINTERFACE_DEREFERENCE InterfaceDereference;
    PVIDEO_DEBUG_REPORT(*DbgReportCreate)
    (IN PVOID HwDeviceExtension, IN ULONG ulCode, IN ULONG_PTR ulpArg1, IN ULONG_PTR ulpArg2,
     IN ULONG_PTR ulpArg3, IN ULONG_PTR ulpArg4);
    BOOLEAN(*DbgReportSecondaryData)
    (IN OUT PVIDEO_DEBUG_REPORT pReport, IN PVOID pvData, IN ULONG ulDataSize);
    VOID (*DbgReportComplete)(IN OUT PVIDEO_DEBUG_REPORT pReport);
} VIDEO_PORT_DEBUG_REPORT_INTERFACE, *PVIDEO_PORT_DEBUG_REPORT_INTERFACE;

/* A miniport's DriverEntry, as the WDK's video.h declares it. */
ULONG DriverEntry(PVOID Context1, PVOID Context2);

/* ==== The services ======================================================================== */

/* ---- Driver entry and the device's routines (the host: vpspin(7)) ------------------------- */

/* Called by the miniport's DriverEntry(Argument1, Argument2) with the two arguments it
 * received, at PASSIVE_LEVEL. Records HwInitializationData (a second call replaces the
 * first) and HwContext (passed to HwFindAdapter). Returns STATUS_SUCCESS;
 * STATUS_REVISION_MISMATCH if HwInitDataSize is smaller than the layout up to HwTimer or
 * larger than sizeof(VIDEO_HW_INITIALIZATION_DATA); STATUS_INVALID_PARAMETER if
 * HwFindAdapter, HwInitialize or HwStartIO is NULL, or if Argument1 is not the driver
 * vpspin_load_miniport is loading on this thread (NTSTATUS values, as a ULONG). */
VIDEOPORT_API ULONG VideoPortInitialize(IN PVOID Argument1, IN PVOID Argument2,
                                        IN PVIDEO_HW_INITIALIZATION_DATA HwInitializationData,
                                        IN PVOID HwContext);

/* Caller at IRQL >= DISPATCH_LEVEL (checked: 0xC4/0xF001). Queues the device's one DPC:
 * CallbackRoutine(HwDeviceExtension, Context) will run at DISPATCH_LEVEL on the device's
 * DPC thread. Returns TRUE if queued; FALSE if the device's DPC is already queued (and not
 * yet running: then this call's routine and context are dropped), or if HwDeviceExtension
 * is not a started device's. */
VIDEOPORT_API BOOLEAN VideoPortQueueDpc(IN PVOID HwDeviceExtension,
                                        IN PMINIPORT_DPC_ROUTINE CallbackRoutine, IN PVOID Context);

/* Calls SynchronizeRoutine(Context) and returns what it returns. VpLowPriority: at the
 * caller's IRQL. VpMediumPriority: raised to the device's IRQL, holding the device's
 * interrupt lock, so never while HwInterrupt runs. VpHighPriority: the same at HIGH_LEVEL.
 * The IRQL is restored before returning. FALSE (nothing called) if HwDeviceExtension is not
 * a started device's or Priority is not one of the three. */
VIDEOPORT_API BOOLEAN VideoPortSynchronizeExecution(
    IN PVOID HwDeviceExtension, IN VIDEO_SYNCHRONIZE_PRIORITY Priority,
    IN PMINIPORT_SYNCHRONIZE_ROUTINE SynchronizeRoutine, IN PVOID Context);

/* Starts calling the miniport's HwTimer about once a second, at DISPATCH_LEVEL, on the
 * device's timer thread; nothing if it has no HwTimer or the timer already runs. Caller at
 * IRQL <= DISPATCH_LEVEL. */
VIDEOPORT_API VOID VideoPortStartTimer(IN PVOID HwDeviceExtension);

/* Stops those calls: no HwTimer call starts after it returns (one already running
 * finishes). May be called from HwTimer itself. */
VIDEOPORT_API VOID VideoPortStopTimer(IN PVOID HwDeviceExtension);

/* Caller at IRQL <= DISPATCH_LEVEL (checked: 0xC4/0xF003). HwInterrupt is called again /
 * no longer called for the device's interrupts (vpspin_interrupt then returns FALSE without
 * calling it). Returns NO_ERROR, or ERROR_INVALID_FUNCTION if the device has no
 * HwInterrupt or HwDeviceExtension is not a started device's. A started device's
 * interrupt is enabled. */
VIDEOPORT_API VP_STATUS VideoPortEnableInterrupt(IN PVOID HwDeviceExtension);
VIDEOPORT_API VP_STATUS VideoPortDisableInterrupt(IN PVOID HwDeviceExtension);

/* ---- Spin locks ------------------------------------------------------------------------------ */

/* IRQL PASSIVE_LEVEL. Creates a free spin lock and stores it in *SpinLock. Returns NO_ERROR;
 * ERROR_INVALID_PARAMETER if SpinLock is NULL; ERROR_NOT_ENOUGH_MEMORY if no lock object
 * can be allocated (*SpinLock untouched). HwDeviceExtension may be NULL; it is kept only
 * to name the lock in reports and to find it at device stop. */
VIDEOPORT_API VP_STATUS VideoPortCreateSpinLock(IN PVOID HwDeviceExtension,
                                                OUT PSPIN_LOCK *SpinLock);

/* IRQL PASSIVE_LEVEL. Destroys a lock that no thread holds. Returns NO_ERROR;
 * ERROR_INVALID_PARAMETER if SpinLock is NULL, was never created or was already deleted
 * (the last two are reported as 0xC4/0x1002 when checking). Deleting a held lock is
 * reported as 0xC4/0x100B; deleting one from HwInterrupt or from a Medium or High
 * priority synchronize routine as 0xC4/0xF002. */
VIDEOPORT_API VP_STATUS VideoPortDeleteSpinLock(IN PVOID HwDeviceExtension, IN PSPIN_LOCK SpinLock);

/* Caller at IRQL <= DISPATCH_LEVEL. Stores the caller's IRQL in *OldIrql, raises to
 * DISPATCH_LEVEL and acquires the lock (acquire ordering). */
VIDEOPORT_API VOID VideoPortAcquireSpinLock(IN PVOID HwDeviceExtension, IN PSPIN_LOCK SpinLock,
                                            OUT PUCHAR OldIrql);

/* Caller at DISPATCH_LEVEL. Acquires the lock; the IRQL is unchanged. */
VIDEOPORT_API VOID VideoPortAcquireSpinLockAtDpcLevel(IN PVOID HwDeviceExtension,
                                                      IN PSPIN_LOCK SpinLock);

/* Caller at DISPATCH_LEVEL, holding the lock from VideoPortAcquireSpinLock. Releases it
 * (release ordering) and lowers the IRQL to NewIrql, which must be the value the acquire
 * stored in *OldIrql (checked: 0xC4/0x20015). */
VIDEOPORT_API VOID VideoPortReleaseSpinLock(IN PVOID HwDeviceExtension, IN PSPIN_LOCK SpinLock,
                                            IN UCHAR NewIrql);

/* Caller at DISPATCH_LEVEL, holding the lock from VideoPortAcquireSpinLockAtDpcLevel.
 * Releases it; the IRQL is unchanged. */
VIDEOPORT_API VOID VideoPortReleaseSpinLockFromDpcLevel(IN PVOID HwDeviceExtension,
                                                        IN PSPIN_LOCK SpinLock);

/* ---- IRQL, interlocked operations, stalls -----------------------------------------------------
 */

/* The calling thread's IRQL. Any IRQL. */
VIDEOPORT_API UCHAR VideoPortGetCurrentIrql(VOID);

/* Atomic (sequentially consistent) operations on a LONG. Any IRQL. Increment and Decrement
 * return the new value; Exchange returns the old one. */
VIDEOPORT_API LONG FASTCALL VideoPortInterlockedIncrement(IN PLONG Addend);
VIDEOPORT_API LONG FASTCALL VideoPortInterlockedDecrement(IN PLONG Addend);
VIDEOPORT_API LONG FASTCALL VideoPortInterlockedExchange(IN OUT PLONG Target, IN LONG Value);

/* Busy-waits at least Microseconds microseconds without yielding the processor. Any IRQL;
 * keep it short (the WDK advises at most 50 us at raised IRQL). */
VIDEOPORT_API VOID VideoPortStallExecution(IN ULONG Microseconds);

/* ---- Memory ------------------------------------------------------------------------------------
 */

/* Any IRQL. memset / memmove / memcmp-style helpers. CompareMemory returns the number of
 * bytes, from the start, in which the blocks are equal. ZeroDeviceMemory clears device
 * memory (here: memory like any other). */
VIDEOPORT_API VOID VideoPortZeroMemory(IN PVOID Destination, IN ULONG Length);
VIDEOPORT_API VOID VideoPortZeroDeviceMemory(IN PVOID Destination, IN ULONG Length);
VIDEOPORT_API VOID VideoPortMoveMemory(IN PVOID Destination, IN PVOID Source, IN ULONG Length);
VIDEOPORT_API ULONG VideoPortCompareMemory(IN PVOID Source1, IN PVOID Source2, IN SIZE_T Length);

/* Caller at IRQL <= DISPATCH_LEVEL for nonpaged pool, <= APC_LEVEL for paged (checked as
 * ExAllocatePoolWithTag: 0xC4/0x02, 0x01, 0x00). NumberOfBytes of memory, or NULL. The
 * allocation belongs to HwDeviceExtension's device: one still allocated when the device
 * stops is reported with its tag, size and caller (vpspin_stop_device). */
VIDEOPORT_API PVOID VideoPortAllocatePool(IN PVOID HwDeviceExtension, IN VP_POOL_TYPE PoolType,
                                          IN SIZE_T NumberOfBytes, IN ULONG Tag);

/* Frees memory from VideoPortAllocatePool (checked as ExFreePoolWithTag: 0x12, 0x11, 0x10,
 * 0x13). */
VIDEOPORT_API VOID VideoPortFreePool(IN PVOID HwDeviceExtension, IN PVOID Ptr);

/* Caller at IRQL <= APC_LEVEL (0xC4/0x01: it is paged pool). Allocates Size bytes of
 * paged pool into *Buffer; NO_ERROR, ERROR_INVALID_PARAMETER (Buffer NULL) or
 * ERROR_NOT_ENOUGH_MEMORY (*Buffer NULL). ReleaseBuffer frees it (0x11, 0x10, 0x13). */
VIDEOPORT_API VP_STATUS VideoPortAllocateBuffer(IN PVOID HwDeviceExtension, IN ULONG Size,
                                                OUT PVOID *Buffer);
VIDEOPORT_API VOID VideoPortReleaseBuffer(IN PVOID HwDeviceExtension, IN PVOID Buffer);

/* ---- Events -------------------------------------------------------------------------------------
 */

/* Caller at IRQL <= DISPATCH_LEVEL (0xC4/0xF003). Creates a KEVENT-backed event:
 * EventFlag is NOTIFICATION_EVENT or SYNCHRONIZATION_EVENT, | INITIAL_EVENT_SIGNALED to
 * start signaled. Returns NO_ERROR and the event in *ppEvent, ERROR_INVALID_PARAMETER or
 * ERROR_NOT_ENOUGH_MEMORY. An event still not deleted at device stop is reported. */
VIDEOPORT_API VP_STATUS VideoPortCreateEvent(IN PVOID HwDeviceExtension, IN ULONG EventFlag,
                                             IN PVOID Unused, OUT PEVENT *ppEvent);

/* Caller at IRQL <= DISPATCH_LEVEL. Deletes an event: NO_ERROR, or ERROR_INVALID_PARAMETER
 * for one that is not a live event (reported as 0xC4/0xF004 when checking). */
VIDEOPORT_API VP_STATUS VideoPortDeleteEvent(IN PVOID HwDeviceExtension, IN PEVENT pEvent);

/* Caller at IRQL <= DISPATCH_LEVEL (KeSetEvent's rule, 0xC4/0x20016). Signals the event;
 * returns its previous state. */
VIDEOPORT_API LONG VideoPortSetEvent(IN PVOID HwDeviceExtension, IN PEVENT pEvent);

/* Caller at IRQL <= DISPATCH_LEVEL (0x20011). Sets it not signaled / returns its state. */
VIDEOPORT_API VOID VideoPortClearEvent(IN PVOID HwDeviceExtension, IN PEVENT pEvent);
VIDEOPORT_API LONG VideoPortReadStateEvent(IN PVOID HwDeviceExtension, IN PEVENT pEvent);

/* Caller at IRQL <= APC_LEVEL (KeWaitForSingleObject's rule, 0xC4/0xF003). Waits for an
 * event of VideoPortCreateEvent (or a KEVENT), at most *Timeout (100 ns units, negative
 * relative; NULL: no limit). Returns NO_ERROR, WAIT_TIMEOUT, or ERROR_INVALID_PARAMETER. */
VIDEOPORT_API VP_STATUS VideoPortWaitForSingleObject(IN PVOID HwDeviceExtension, IN PVOID Object,
                                                     IN PLARGE_INTEGER Timeout OPTIONAL);

/* ---- Debug output and errors -------------------------------------------------------------------
 */

/* Any IRQL. Writes the formatted message to stderr if DebugPrintLevel (Error, Warn, Trace,
 * Info) passes VPSPIN_DEBUG_PRINT (vpspin(7); default: Error and Warn). */
VIDEOPORT_API VOID __cdecl VideoPortDebugPrint(IN VIDEO_DEBUG_LEVEL DebugPrintLevel,
                                               IN PSTR DebugMessage, ...)
    __attribute__((__format__(__printf__, 2, 3)));

/* Caller at IRQL <= DISPATCH_LEVEL. Logs an error as the port writes one to the event log:
 * here one line on stderr (ErrorCode, UniqueId, the request's IoControlCode). Counted in
 * vpspin_device_info.ErrorsLogged. */
VIDEOPORT_API VOID VideoPortLogError(IN PVOID HwDeviceExtension,
                                     IN PVIDEO_REQUEST_PACKET Vrp OPTIONAL, IN VP_STATUS ErrorCode,
                                     IN ULONG UniqueId);

/* ---- Time and version
 * ---------------------------------------------------------------------------- */

/* Any IRQL. KeQueryPerformanceCounter: the counter, and its frequency if asked. */
VIDEOPORT_API LONGLONG VideoPortQueryPerformanceCounter(
    IN PVOID HwDeviceExtension, OUT PLONGLONG PerformanceFrequency OPTIONAL);

/* Any IRQL. KeQuerySystemTime. */
VIDEOPORT_API VOID VideoPortQuerySystemTime(OUT PLARGE_INTEGER CurrentTime);

/* Caller at PASSIVE_LEVEL (0xC4/0xF003). Fills a VPOSVERSIONINFO whose Size the caller set:
 * the Windows version vpspin presents (6.1, build 7601: the last that runs XPDM miniports).
 * NO_ERROR, or ERROR_INVALID_PARAMETER (NULL, or Size smaller than the structure). */
VIDEOPORT_API VP_STATUS VideoPortGetVersion(IN PVOID HwDeviceExtension,
                                            IN OUT PVPOSVERSIONINFO pVpOsVersionInfo);

/* ---- The registry -----------------------------------------------------------------------------
 */

/* Caller at PASSIVE_LEVEL (0xC4/0xF003). Reads the value ParameterName of the device's
 * registry key (which the host preloads: vpspin_set_registry_value) and calls
 * CallbackRoutine(HwDeviceExtension, Context, ParameterName, Data, Length) with it,
 * returning what the callback returns. IsParameterFileName TRUE: the value names a file,
 * whose contents are passed instead. ERROR_INVALID_PARAMETER if there is no such value (or
 * file) or an argument is NULL. */
VIDEOPORT_API VP_STATUS VideoPortGetRegistryParameters(
    IN PVOID HwDeviceExtension, IN PWSTR ParameterName, IN UCHAR IsParameterFileName,
    IN PMINIPORT_GET_REGISTRY_ROUTINE CallbackRoutine, IN PVOID Context);

/* Caller at PASSIVE_LEVEL (0xC4/0xF003). Writes ValueName = ValueData (ValueLength bytes,
 * stored as a binary value) in the device's registry key. NO_ERROR, ERROR_INVALID_PARAMETER
 * or ERROR_NOT_ENOUGH_MEMORY. */
VIDEOPORT_API VP_STATUS VideoPortSetRegistryParameters(IN PVOID HwDeviceExtension,
                                                       IN PWSTR ValueName, IN PVOID ValueData,
                                                       IN ULONG ValueLength);

/* PASSIVE_LEVEL. Nothing to flush in the in-memory registry: NO_ERROR. */
VIDEOPORT_API VP_STATUS VideoPortFlushRegistry(PVOID HwDeviceExtension);

/* ---- The hardware: access ranges, ports, registers, memory, bus data
 * ------------------------------ The WDK's prototypes. The simulated adapter (vpspin/adapter.h)
 * is behind most of them; the ones it does not model (banked memory, device data: see
 * docs/compatibility.md) are declared so that a miniport compiles, and calling one fails to
 * link. */

VIDEOPORT_API VP_STATUS VideoPortGetAccessRanges(
    IN PVOID HwDeviceExtension, IN ULONG NumRequestedResources,
    IN PIO_RESOURCE_DESCRIPTOR RequestedResources OPTIONAL, IN ULONG NumAccessRanges,
    OUT PVIDEO_ACCESS_RANGE AccessRanges, IN PVOID VendorId, IN PVOID DeviceId, OUT PULONG Slot);
VIDEOPORT_API VP_STATUS VideoPortVerifyAccessRanges(IN PVOID HwDeviceExtension,
                                                    IN ULONG NumAccessRanges,
                                                    IN PVIDEO_ACCESS_RANGE AccessRanges);
VIDEOPORT_API PVOID VideoPortGetDeviceBase(IN PVOID HwDeviceExtension,
                                           IN PHYSICAL_ADDRESS IoAddress, IN ULONG NumberOfUchars,
                                           IN UCHAR InIoSpace);
VIDEOPORT_API VOID VideoPortFreeDeviceBase(IN PVOID HwDeviceExtension, IN PVOID MappedAddress);
VIDEOPORT_API VP_STATUS VideoPortMapMemory(IN PVOID HwDeviceExtension,
                                           IN PHYSICAL_ADDRESS PhysicalAddress,
                                           IN OUT PULONG Length, IN PULONG InIoSpace,
                                           IN OUT PVOID *VirtualAddress);
VIDEOPORT_API VP_STATUS VideoPortUnmapMemory(IN PVOID HwDeviceExtension,
                                             IN OUT PVOID VirtualAddress, IN HANDLE ProcessHandle);
VIDEOPORT_API VP_STATUS VideoPortMapBankedMemory(
    IN PVOID HwDeviceExtension, IN PHYSICAL_ADDRESS PhysicalAddress, IN OUT PULONG Length,
    PULONG InIoSpace, PVOID *VirtualAddress, ULONG BankLength, UCHAR ReadWriteBank,
    PBANKED_SECTION_ROUTINE BankRoutine, PVOID Context);
VIDEOPORT_API ULONG VideoPortGetBusData(IN PVOID HwDeviceExtension, IN BUS_DATA_TYPE BusDataType,
                                        IN ULONG SlotNumber, IN OUT PVOID Buffer, IN ULONG Offset,
                                        IN ULONG Length);
VIDEOPORT_API ULONG VideoPortSetBusData(IN PVOID HwDeviceExtension, IN BUS_DATA_TYPE BusDataType,
                                        IN ULONG SlotNumber, IN PVOID Buffer, IN ULONG Offset,
                                        IN ULONG Length);
VIDEOPORT_API VP_STATUS VideoPortGetDeviceData(IN PVOID HwDeviceExtension,
                                               IN VIDEO_DEVICE_DATA_TYPE DeviceDataType,
                                               IN PMINIPORT_QUERY_DEVICE_ROUTINE CallbackRoutine,
                                               IN PVOID Context);
VIDEOPORT_API BOOLEAN VideoPortCheckForDeviceExistence(IN PVOID HwDeviceExtension,
                                                       IN USHORT VendorId, IN USHORT DeviceId,
                                                       IN UCHAR RevisionId, IN USHORT SubVendorId,
                                                       IN USHORT SubSystemId, IN ULONG Flags);
VIDEOPORT_API PVOID VideoPortGetRomImage(IN PVOID HwDeviceExtension, IN PVOID Unused1,
                                         IN ULONG Unused2, IN ULONG Length);
VIDEOPORT_API BOOLEAN VideoPortScanRom(PVOID HwDeviceExtension, PUCHAR RomBase, ULONG RomLength,
                                       PUCHAR String);
VIDEOPORT_API VP_STATUS VideoPortSetTrappedEmulatorPorts(IN PVOID HwDeviceExtension,
                                                         IN ULONG NumAccessRanges,
                                                         IN PVIDEO_ACCESS_RANGE AccessRange);
VIDEOPORT_API VP_STATUS VideoPortGetVgaStatus(IN PVOID HwDeviceExtension, OUT PULONG VgaStatus);
VIDEOPORT_API VP_STATUS VideoPortInt10(IN PVOID HwDeviceExtension,
                                       IN PVIDEO_X86_BIOS_ARGUMENTS BiosArguments);

VIDEOPORT_API UCHAR VideoPortReadPortUchar(IN PUCHAR Port);
VIDEOPORT_API USHORT VideoPortReadPortUshort(IN PUSHORT Port);
VIDEOPORT_API ULONG VideoPortReadPortUlong(IN PULONG Port);
VIDEOPORT_API VOID VideoPortReadPortBufferUchar(IN PUCHAR Port, OUT PUCHAR Buffer, IN ULONG Count);
VIDEOPORT_API VOID VideoPortReadPortBufferUshort(IN PUSHORT Port, OUT PUSHORT Buffer,
                                                 IN ULONG Count);
VIDEOPORT_API VOID VideoPortReadPortBufferUlong(IN PULONG Port, OUT PULONG Buffer, IN ULONG Count);
VIDEOPORT_API VOID VideoPortWritePortUchar(IN PUCHAR Port, IN UCHAR Value);
VIDEOPORT_API VOID VideoPortWritePortUshort(IN PUSHORT Port, IN USHORT Value);
VIDEOPORT_API VOID VideoPortWritePortUlong(IN PULONG Port, IN ULONG Value);
VIDEOPORT_API VOID VideoPortWritePortBufferUchar(IN PUCHAR Port, IN PUCHAR Buffer, IN ULONG Count);
VIDEOPORT_API VOID VideoPortWritePortBufferUshort(IN PUSHORT Port, IN PUSHORT Buffer,
                                                  IN ULONG Count);
VIDEOPORT_API VOID VideoPortWritePortBufferUlong(IN PULONG Port, IN PULONG Buffer, IN ULONG Count);
VIDEOPORT_API UCHAR VideoPortReadRegisterUchar(IN PUCHAR Register);
VIDEOPORT_API USHORT VideoPortReadRegisterUshort(IN PUSHORT Register);
VIDEOPORT_API ULONG VideoPortReadRegisterUlong(IN PULONG Register);
VIDEOPORT_API VOID VideoPortReadRegisterBufferUchar(IN PUCHAR Register, OUT PUCHAR Buffer,
                                                    IN ULONG Count);
VIDEOPORT_API VOID VideoPortReadRegisterBufferUshort(IN PUSHORT Register, OUT PUSHORT Buffer,
                                                     IN ULONG Count);
VIDEOPORT_API VOID VideoPortReadRegisterBufferUlong(IN PULONG Register, OUT PULONG Buffer,
                                                    IN ULONG Count);
VIDEOPORT_API VOID VideoPortWriteRegisterUchar(IN PUCHAR Register, IN UCHAR Value);
VIDEOPORT_API VOID VideoPortWriteRegisterUshort(IN PUSHORT Register, IN USHORT Value);
VIDEOPORT_API VOID VideoPortWriteRegisterUlong(IN PULONG Register, IN ULONG Value);
VIDEOPORT_API VOID VideoPortWriteRegisterBufferUchar(IN PUCHAR Register, IN PUCHAR Buffer,
                                                     IN ULONG Count);
VIDEOPORT_API VOID VideoPortWriteRegisterBufferUshort(IN PUSHORT Register, IN PUSHORT Buffer,
                                                      IN ULONG Count);
VIDEOPORT_API VOID VideoPortWriteRegisterBufferUlong(IN PULONG Register, IN PULONG Buffer,
                                                     IN ULONG Count);

/* ---- Declared, not provided: DMA, child devices, services, bug check data --------------------
 * docs/compatibility.md says why for each. */

VIDEOPORT_API PVOID VideoPortAllocateContiguousMemory(IN PVOID HwDeviceExtension,
                                                      IN ULONG NumberOfBytes,
                                                      IN PHYSICAL_ADDRESS HighestAcceptableAddress);
VIDEOPORT_API PVOID VideoPortGetCommonBuffer(IN PVOID HwDeviceExtension, IN ULONG DesiredLength,
                                             IN ULONG Alignment,
                                             OUT PPHYSICAL_ADDRESS LogicalAddress,
                                             OUT PULONG pActualLength, IN BOOLEAN CacheEnabled);
VIDEOPORT_API VOID VideoPortFreeCommonBuffer(IN PVOID HwDeviceExtension, IN ULONG Length,
                                             IN PVOID VirtualAddress,
                                             IN PHYSICAL_ADDRESS LogicalAddress,
                                             IN BOOLEAN CacheEnabled);
VIDEOPORT_API PDMA VideoPortDoDma(IN PVOID HwDeviceExtension, IN PDMA pDma, IN DMA_FLAGS DmaFlags);
VIDEOPORT_API BOOLEAN VideoPortLockPages(IN PVOID HwDeviceExtension,
                                         IN OUT PVIDEO_REQUEST_PACKET pVrp, IN OUT PEVENT pUEvent,
                                         IN PEVENT pDisplayEvent, IN DMA_FLAGS DmaFlags);
VIDEOPORT_API BOOLEAN VideoPortUnlockPages(IN PVOID hwDeviceExtension, IN OUT PDMA pDma);
VIDEOPORT_API BOOLEAN VideoPortSignalDmaComplete(IN PVOID HwDeviceExtension, IN PDMA pDmaHandle);
VIDEOPORT_API PVOID VideoPortGetMdl(IN PVOID HwDeviceExtension, IN PDMA pDma);
VIDEOPORT_API PVOID VideoPortGetDmaContext(IN PVOID HwDeviceExtension, IN PDMA pDma);
VIDEOPORT_API VOID VideoPortSetDmaContext(IN PVOID HwDeviceExtension, OUT PDMA pDma,
                                          IN PVOID InstanceContext);
VIDEOPORT_API ULONG VideoPortGetBytesUsed(IN PVOID HwDeviceExtension, IN PDMA pDma);
VIDEOPORT_API VOID VideoPortSetBytesUsed(IN PVOID HwDeviceExtension, IN OUT PDMA pDma,
                                         IN ULONG BytesUsed);
VIDEOPORT_API PDMA VideoPortAssociateEventsWithDmaHandle(IN PVOID HwDeviceExtension,
                                                         IN OUT PVIDEO_REQUEST_PACKET pVrp,
                                                         IN PVOID MappedUserEvent,
                                                         IN PVOID DisplayDriverEvent);
VIDEOPORT_API PDMA VideoPortMapDmaMemory(IN PVOID HwDeviceExtension, IN PVIDEO_REQUEST_PACKET pVrp,
                                         IN PHYSICAL_ADDRESS BoardAddress, IN PULONG Length,
                                         IN PULONG InIoSpace, IN PVOID MappedUserEvent,
                                         IN PVOID DisplayDriverEvent, IN OUT PVOID *VirtualAddress);
VIDEOPORT_API BOOLEAN VideoPortUnmapDmaMemory(IN PVOID HwDeviceExtension, IN PVOID VirtualAddress,
                                              IN HANDLE ProcessHandle, IN PDMA BoardMemoryHandle);
VIDEOPORT_API PVP_DMA_ADAPTER VideoPortGetDmaAdapter(IN PVOID HwDeviceExtension,
                                                     IN PVP_DEVICE_DESCRIPTION VpDeviceDescription);
VIDEOPORT_API VOID VideoPortPutDmaAdapter(IN PVOID HwDeviceExtension,
                                          IN PVP_DMA_ADAPTER VpDmaAdapter);
VIDEOPORT_API PVOID VideoPortAllocateCommonBuffer(IN PVOID HwDeviceExtension,
                                                  IN PVP_DMA_ADAPTER VpDmaAdapter,
                                                  IN ULONG DesiredLength,
                                                  OUT PPHYSICAL_ADDRESS LogicalAddress,
                                                  IN BOOLEAN CacheEnabled, PVOID Reserved);
VIDEOPORT_API VOID VideoPortReleaseCommonBuffer(IN PVOID HwDeviceExtension,
                                                IN PVP_DMA_ADAPTER VpDmaAdapter, IN ULONG Length,
                                                IN PHYSICAL_ADDRESS LogicalAddress,
                                                IN PVOID VirtualAddress, IN BOOLEAN CacheEnabled);
VIDEOPORT_API PVOID VideoPortLockBuffer(IN PVOID HwDeviceExtension, IN PVOID BaseAddress,
                                        IN ULONG Length, IN VP_LOCK_OPERATION Operation);
VIDEOPORT_API VOID VideoPortUnLockBuffer(IN PVOID HwDeviceExtension, IN PVOID Mdl);
VIDEOPORT_API VP_STATUS VideoPortStartDma(IN PVOID HwDeviceExtension,
                                          IN PVP_DMA_ADAPTER VpDmaAdapter, IN PVOID Mdl,
                                          IN ULONG Offset, IN OUT PULONG pLength,
                                          IN PEXECUTE_DMA ExecuteDmaRoutine, IN PVOID Context,
                                          IN BOOLEAN WriteToDevice);
VIDEOPORT_API VP_STATUS VideoPortCompleteDma(IN PVOID HwDeviceExtension,
                                             IN PVP_DMA_ADAPTER VpDmaAdapter,
                                             IN PVP_SCATTER_GATHER_LIST VpScatterGather,
                                             IN BOOLEAN WriteToDevice);
VIDEOPORT_API VP_STATUS VideoPortEnumerateChildren(IN PVOID HwDeviceExtension, IN PVOID Reserved);
VIDEOPORT_API PVOID VideoPortGetAssociatedDeviceExtension(IN PVOID DeviceObject);
VIDEOPORT_API ULONG VideoPortGetAssociatedDeviceID(IN PVOID DeviceObject);
VIDEOPORT_API VP_STATUS VideoPortCreateSecondaryDisplay(IN PVOID HwDeviceExtension,
                                                        IN OUT PVOID *SecondaryDeviceExtension,
                                                        IN ULONG ulFlag);
VIDEOPORT_API BOOLEAN VideoPortDDCMonitorHelper(IN PVOID HwDeviceExtension, IN PVOID DDCControl,
                                                IN OUT PUCHAR EdidBuffer, IN ULONG EdidBufferSize);
VIDEOPORT_API VP_STATUS VideoPortQueryServices(IN PVOID HwDeviceExtension,
                                               IN VIDEO_PORT_SERVICES ServicesType,
                                               IN OUT PINTERFACE Interface);
VIDEOPORT_API VOID VideoPortAcquireDeviceLock(IN PVOID HwDeviceExtension);
VIDEOPORT_API VOID VideoPortReleaseDeviceLock(IN PVOID HwDeviceExtension);
VIDEOPORT_API BOOLEAN VideoPortIsNoVesa(VOID);
VIDEOPORT_API VP_STATUS VideoPortRegisterBugcheckCallback(IN PVOID HwDeviceExtension,
                                                          IN ULONG BugcheckCode,
                                                          IN PVIDEO_BUGCHECK_CALLBACK Callback,
                                                          IN ULONG BugcheckDataSize);
VIDEOPORT_API PVIDEO_DEBUG_REPORT VideoPortDbgReportCreate(IN PVOID HwDeviceExtension,
                                                           IN ULONG ulCode, IN ULONG_PTR ulpArg1,
                                                           IN ULONG_PTR ulpArg2,
                                                           IN ULONG_PTR ulpArg3,
                                                           IN ULONG_PTR ulpArg4);
VIDEOPORT_API BOOLEAN VideoPortDbgReportSecondaryData(IN OUT PVIDEO_DEBUG_REPORT pReport,
                                                      IN PVOID pvData, IN ULONG ulDataSize);
VIDEOPORT_API VOID VideoPortDbgReportComplete(IN OUT PVIDEO_DEBUG_REPORT pReport);

#ifdef __cplusplus
}
#endif

#endif /* VPSPIN_WDK_VIDEO_H */
