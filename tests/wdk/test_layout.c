/*
 * test_layout.c - the WDK headers' structures at the amd64 WDK's sizes and offsets, the
 * WDK's constants, and wide strings, built as a miniport is built: with the WDK header
 * names and the flags of vpspin::wdk (`pkg-config --cflags vpspin-wdk`: -fshort-wchar).
 *
 * Where the numbers come from:
 *   - the video structures (VIDEO_PORT_CONFIG_INFO, VIDEO_HW_INITIALIZATION_DATA,
 *     VIDEO_ACCESS_RANGE, VIDEO_REQUEST_PACKET, STATUS_BLOCK, the ntddvdeo.h structures,
 *     EMULATOR_ACCESS_ENTRY, IO_RESOURCE_DESCRIPTOR, PCI_COMMON_CONFIG, INTERFACE) are
 *     their member lists in the WDK documentation (learn.microsoft.com, "ns-video-..." and
 *     "ns-ntddvdeo-..." pages), laid out by the x64 calling convention's rules (every member
 *     at a multiple of its size; pointers, SIZE_T, LONGLONG and PHYSICAL_ADDRESS 8 bytes;
 *     ULONG, LONG and enums 4; BOOLEAN and UCHAR 1) - the offsets below were worked out by
 *     hand from those lists, not printed by this compiler; PCI_COMMON_HDR_LENGTH (64) and the
 *     256-byte configuration space are the PCI specification's;
 *   - the kernel objects (DISPATCHER_HEADER 0x18, KEVENT 0x18, KDPC 0x40 with DeferredRoutine
 *     at 0x18, KTIMER 0x40 with Dpc at 0x30, KLOCK_QUEUE_HANDLE 0x18) are the x64 sizes in the
 *     public symbol dumps of the Windows kernel (Vergilius Project, Windows 7 x64);
 *   - the IOCTL codes and status values are the WDK's own numbers (CTL_CODE(FILE_DEVICE_VIDEO,
 *     0x100, METHOD_BUFFERED, FILE_ANY_ACCESS) = 0x230400, ...).
 * On an LP64 target other than amd64 (aarch64, run by make check under qemu) the same numbers
 * hold, which is what makes a miniport's structures portable here.
 */
#include <dderror.h>
#include <devioctl.h>
#include <miniport.h>
#include <ntddvdeo.h>
#include <video.h>

#include <ntddk.h>
#include <ntdef.h>
#include <ntstatus.h>
#include <wdm.h>
#include <winerror.h>

#include <driverspecs.h>
#include <sal.h>
#include <specstrings.h>

#include <stdio.h>
#include <string.h>

#include "check.h"

#define OFF(type, member, value) C_ASSERT(offsetof(type, member) == (value))
#define SIZE(type, value)        C_ASSERT(sizeof(type) == (value))

/* ---- ntdef.h ---------------------------------------------------------------------------- */
SIZE(CHAR, 1);
SIZE(SHORT, 2);
SIZE(LONG, 4);
SIZE(ULONG, 4);
SIZE(LONGLONG, 8);
SIZE(ULONG64, 8);
SIZE(ULONG_PTR, 8);
SIZE(SIZE_T, 8);
SIZE(HANDLE, 8);
SIZE(NTSTATUS, 4);
SIZE(BOOLEAN, 1);
SIZE(WCHAR, 2);
SIZE(LARGE_INTEGER, 8);
OFF(LARGE_INTEGER, LowPart, 0);
OFF(LARGE_INTEGER, HighPart, 4);
OFF(LARGE_INTEGER, u.LowPart, 0);
OFF(LARGE_INTEGER, u.HighPart, 4);
OFF(LARGE_INTEGER, QuadPart, 0);
SIZE(ULARGE_INTEGER, 8);
SIZE(PHYSICAL_ADDRESS, 8);
SIZE(UNICODE_STRING, 16);
OFF(UNICODE_STRING, MaximumLength, 2);
OFF(UNICODE_STRING, Buffer, 8);
SIZE(LIST_ENTRY, 16);
OFF(LIST_ENTRY, Blink, 8);
SIZE(SINGLE_LIST_ENTRY, 8);
SIZE(GUID, 16);
OFF(GUID, Data4, 8);
SIZE(LUID, 8);

/* ---- wdm.h -------------------------------------------------------------------------------- */
SIZE(KSPIN_LOCK, 8);
SIZE(KLOCK_QUEUE_HANDLE, 0x18);
OFF(KLOCK_QUEUE_HANDLE, OldIrql, 0x10);
SIZE(DISPATCHER_HEADER, 0x18);
OFF(DISPATCHER_HEADER, Type, 0);
OFF(DISPATCHER_HEADER, Size, 2);
OFF(DISPATCHER_HEADER, Lock, 0);
OFF(DISPATCHER_HEADER, SignalState, 4);
OFF(DISPATCHER_HEADER, WaitListHead, 8);
SIZE(KEVENT, 0x18);
SIZE(KDPC, 0x40);
OFF(KDPC, Number, 2);
OFF(KDPC, DpcListEntry, 8);
OFF(KDPC, DeferredRoutine, 0x18);
OFF(KDPC, DeferredContext, 0x20);
OFF(KDPC, SystemArgument1, 0x28);
OFF(KDPC, SystemArgument2, 0x30);
OFF(KDPC, DpcData, 0x38);
SIZE(KTIMER, 0x40);
OFF(KTIMER, DueTime, 0x18);
OFF(KTIMER, TimerListEntry, 0x20);
OFF(KTIMER, Dpc, 0x30);
OFF(KTIMER, Period, 0x3C);

/* ---- miniport.h ---------------------------------------------------------------------------- */
SIZE(INTERFACE_TYPE, 4);
SIZE(EMULATOR_ACCESS_ENTRY, 24);
OFF(EMULATOR_ACCESS_ENTRY, AccessType, 8);
OFF(EMULATOR_ACCESS_ENTRY, AccessMode, 12);
OFF(EMULATOR_ACCESS_ENTRY, StringSupport, 13);
OFF(EMULATOR_ACCESS_ENTRY, Routine, 16);
SIZE(INTERFACE, 32);
OFF(INTERFACE, Context, 8);
OFF(INTERFACE, InterfaceDereference, 24);
SIZE(IO_RESOURCE_DESCRIPTOR, 32);
OFF(IO_RESOURCE_DESCRIPTOR, Flags, 4);
OFF(IO_RESOURCE_DESCRIPTOR, u, 8);
OFF(IO_RESOURCE_DESCRIPTOR, u.Port.MinimumAddress, 16);
OFF(IO_RESOURCE_DESCRIPTOR, u.Memory.MaximumAddress, 24);
SIZE(PCI_SLOT_NUMBER, 4);
SIZE(PCI_COMMON_CONFIG, 256);
OFF(PCI_COMMON_CONFIG, RevisionID, 8);
OFF(PCI_COMMON_CONFIG, HeaderType, 14);
OFF(PCI_COMMON_CONFIG, u.type0.BaseAddresses, 16);
OFF(PCI_COMMON_CONFIG, u.type0.SubVendorID, 44);
OFF(PCI_COMMON_CONFIG, u.type0.ROMBaseAddress, 48);
OFF(PCI_COMMON_CONFIG, u.type0.CapabilitiesPtr, 52);
OFF(PCI_COMMON_CONFIG, u.type0.InterruptLine, 60);
OFF(PCI_COMMON_CONFIG, DeviceSpecific, 64);
C_ASSERT(PCI_COMMON_HDR_LENGTH == 64);

/* ---- video.h --------------------------------------------------------------------------------- */
SIZE(VIDEO_PORT_CONFIG_INFO, 128);
OFF(VIDEO_PORT_CONFIG_INFO, SystemIoBusNumber, 4);
OFF(VIDEO_PORT_CONFIG_INFO, AdapterInterfaceType, 8);
OFF(VIDEO_PORT_CONFIG_INFO, BusInterruptLevel, 12);
OFF(VIDEO_PORT_CONFIG_INFO, BusInterruptVector, 16);
OFF(VIDEO_PORT_CONFIG_INFO, InterruptMode, 20);
OFF(VIDEO_PORT_CONFIG_INFO, NumEmulatorAccessEntries, 24);
OFF(VIDEO_PORT_CONFIG_INFO, EmulatorAccessEntries, 32);
OFF(VIDEO_PORT_CONFIG_INFO, EmulatorAccessEntriesContext, 40);
OFF(VIDEO_PORT_CONFIG_INFO, VdmPhysicalVideoMemoryAddress, 48);
OFF(VIDEO_PORT_CONFIG_INFO, VdmPhysicalVideoMemoryLength, 56);
OFF(VIDEO_PORT_CONFIG_INFO, HardwareStateSize, 60);
OFF(VIDEO_PORT_CONFIG_INFO, DmaChannel, 64);
OFF(VIDEO_PORT_CONFIG_INFO, DmaPort, 68);
OFF(VIDEO_PORT_CONFIG_INFO, DmaShareable, 72);
OFF(VIDEO_PORT_CONFIG_INFO, InterruptShareable, 73);
OFF(VIDEO_PORT_CONFIG_INFO, Master, 74);
OFF(VIDEO_PORT_CONFIG_INFO, DmaWidth, 76);
OFF(VIDEO_PORT_CONFIG_INFO, DmaSpeed, 80);
OFF(VIDEO_PORT_CONFIG_INFO, bMapBuffers, 84);
OFF(VIDEO_PORT_CONFIG_INFO, NeedPhysicalAddresses, 85);
OFF(VIDEO_PORT_CONFIG_INFO, DemandMode, 86);
OFF(VIDEO_PORT_CONFIG_INFO, MaximumTransferLength, 88);
OFF(VIDEO_PORT_CONFIG_INFO, NumberOfPhysicalBreaks, 92);
OFF(VIDEO_PORT_CONFIG_INFO, ScatterGather, 96);
OFF(VIDEO_PORT_CONFIG_INFO, MaximumScatterGatherChunkSize, 100);
OFF(VIDEO_PORT_CONFIG_INFO, VideoPortGetProcAddress, 104);
OFF(VIDEO_PORT_CONFIG_INFO, DriverRegistryPath, 112);
OFF(VIDEO_PORT_CONFIG_INFO, SystemMemorySize, 120);
C_ASSERT(SIZE_OF_NT4_VIDEO_PORT_CONFIG_INFO == 74);

SIZE(VIDEO_HW_INITIALIZATION_DATA, 144);
OFF(VIDEO_HW_INITIALIZATION_DATA, AdapterInterfaceType, 4);
OFF(VIDEO_HW_INITIALIZATION_DATA, HwFindAdapter, 8);
OFF(VIDEO_HW_INITIALIZATION_DATA, HwInitialize, 16);
OFF(VIDEO_HW_INITIALIZATION_DATA, HwInterrupt, 24);
OFF(VIDEO_HW_INITIALIZATION_DATA, HwStartIO, 32);
OFF(VIDEO_HW_INITIALIZATION_DATA, HwDeviceExtensionSize, 40);
OFF(VIDEO_HW_INITIALIZATION_DATA, StartingDeviceNumber, 44);
OFF(VIDEO_HW_INITIALIZATION_DATA, HwResetHw, 48);
OFF(VIDEO_HW_INITIALIZATION_DATA, HwTimer, 56);
OFF(VIDEO_HW_INITIALIZATION_DATA, HwStartDma, 64);
OFF(VIDEO_HW_INITIALIZATION_DATA, HwSetPowerState, 72);
OFF(VIDEO_HW_INITIALIZATION_DATA, HwSetVideoPowerState, 72);
OFF(VIDEO_HW_INITIALIZATION_DATA, HwGetPowerState, 80);
OFF(VIDEO_HW_INITIALIZATION_DATA, HwGetVideoPowerState, 80);
OFF(VIDEO_HW_INITIALIZATION_DATA, HwGetVideoChildDescriptor, 88);
OFF(VIDEO_HW_INITIALIZATION_DATA, HwQueryInterface, 96);
OFF(VIDEO_HW_INITIALIZATION_DATA, HwChildDeviceExtensionSize, 104);
OFF(VIDEO_HW_INITIALIZATION_DATA, HwLegacyResourceList, 112);
OFF(VIDEO_HW_INITIALIZATION_DATA, HwLegacyResourceCount, 120);
OFF(VIDEO_HW_INITIALIZATION_DATA, HwGetLegacyResources, 128);
OFF(VIDEO_HW_INITIALIZATION_DATA, AllowEarlyEnumeration, 136);
OFF(VIDEO_HW_INITIALIZATION_DATA, Reserved, 140);
C_ASSERT(SIZE_OF_NT4_VIDEO_HW_INITIALIZATION_DATA == 64);
C_ASSERT(SIZE_OF_W2K_VIDEO_HW_INITIALIZATION_DATA == 140);
C_ASSERT(SIZE_OF_WXP_VIDEO_HW_INITIALIZATION_DATA == 144);

SIZE(VIDEO_ACCESS_RANGE, 16);
OFF(VIDEO_ACCESS_RANGE, RangeLength, 8);
OFF(VIDEO_ACCESS_RANGE, RangeInIoSpace, 12);
OFF(VIDEO_ACCESS_RANGE, RangeVisible, 13);
OFF(VIDEO_ACCESS_RANGE, RangeShareable, 14);
OFF(VIDEO_ACCESS_RANGE, RangePassive, 15);
SIZE(STATUS_BLOCK, 16);
OFF(STATUS_BLOCK, Status, 0);
OFF(STATUS_BLOCK, Pointer, 0);
OFF(STATUS_BLOCK, Information, 8);
SIZE(VIDEO_REQUEST_PACKET, 48);
OFF(VIDEO_REQUEST_PACKET, StatusBlock, 8);
OFF(VIDEO_REQUEST_PACKET, InputBuffer, 16);
OFF(VIDEO_REQUEST_PACKET, InputBufferLength, 24);
OFF(VIDEO_REQUEST_PACKET, OutputBuffer, 32);
OFF(VIDEO_REQUEST_PACKET, OutputBufferLength, 40);
SIZE(VIDEO_CHILD_ENUM_INFO, 24);
OFF(VIDEO_CHILD_ENUM_INFO, ChildHwDeviceExtension, 16);
SIZE(VPOSVERSIONINFO, 20);
OFF(VPOSVERSIONINFO, ServicePackMajor, 16);
SIZE(QUERY_INTERFACE, 32);
OFF(QUERY_INTERFACE, Size, 8);
OFF(QUERY_INTERFACE, Interface, 16);
SIZE(VP_SCATTER_GATHER_ELEMENT, 24);
OFF(VP_SCATTER_GATHER_ELEMENT, Reserved, 16);
SIZE(VP_SCATTER_GATHER_LIST, 16);
OFF(VP_SCATTER_GATHER_LIST, Elements, 16);
SIZE(VIDEO_X86_BIOS_ARGUMENTS, 28);
SIZE(INT10_BIOS_ARGUMENTS, 32);
SIZE(VIDEO_HARDWARE_CONFIGURATION_DATA, 40);

/* ---- ntddvdeo.h -------------------------------------------------------------------------------
 */
SIZE(VIDEO_MODE_INFORMATION, 80);
OFF(VIDEO_MODE_INFORMATION, AttributeFlags, 64);
OFF(VIDEO_MODE_INFORMATION, DriverSpecificAttributeFlags, 76);
SIZE(VIDEO_NUM_MODES, 8);
SIZE(VIDEO_MODE, 4);
SIZE(VIDEO_MEMORY, 8);
SIZE(VIDEO_MEMORY_INFORMATION, 32);
OFF(VIDEO_MEMORY_INFORMATION, VideoRamLength, 8);
OFF(VIDEO_MEMORY_INFORMATION, FrameBufferBase, 16);
OFF(VIDEO_MEMORY_INFORMATION, FrameBufferLength, 24);
SIZE(VIDEO_POWER_MANAGEMENT, 12);
SIZE(VIDEO_PUBLIC_ACCESS_RANGES, 16);
OFF(VIDEO_PUBLIC_ACCESS_RANGES, VirtualAddress, 8);
SIZE(VIDEO_SHARE_MEMORY, 24);
OFF(VIDEO_SHARE_MEMORY, ViewOffset, 8);
OFF(VIDEO_SHARE_MEMORY, RequestedVirtualAddress, 16);
SIZE(VIDEO_SHARE_MEMORY_INFORMATION, 16);
SIZE(VIDEO_BANK_SELECT, 52);
SIZE(VIDEO_COLOR_CAPABILITIES, 72);
SIZE(VIDEO_CURSOR_ATTRIBUTES, 10);
SIZE(VIDEO_CURSOR_POSITION, 4);
SIZE(VIDEO_POINTER_ATTRIBUTES, 28);
OFF(VIDEO_POINTER_ATTRIBUTES, Column, 20);
OFF(VIDEO_POINTER_ATTRIBUTES, Pixels, 24);
SIZE(VIDEO_POINTER_CAPABILITIES, 20);
SIZE(VIDEO_POINTER_POSITION, 4);
SIZE(VIDEO_HARDWARE_STATE_HEADER, 168);
OFF(VIDEO_HARDWARE_STATE_HEADER, PortValue, 4);
OFF(VIDEO_HARDWARE_STATE_HEADER, AttribIndexDataState, 52);
OFF(VIDEO_HARDWARE_STATE_HEADER, VesaInfoOffset, 156);
OFF(VIDEO_HARDWARE_STATE_HEADER, FrameBufferData, 160);
SIZE(VIDEO_HARDWARE_STATE, 16);
SIZE(VIDEO_CLUTDATA, 4);
SIZE(VIDEO_CLUT, 8);
OFF(VIDEO_CLUT, LookupTable, 4);
SIZE(VIDEO_PALETTE_DATA, 6);
SIZE(VIDEO_LOAD_FONT_INFORMATION, 12);
OFF(VIDEO_LOAD_FONT_INFORMATION, Font, 8);

/* ---- Constants ------------------------------------------------------------------------------ */
C_ASSERT(CTL_CODE(FILE_DEVICE_VIDEO, 0x100, METHOD_BUFFERED, FILE_ANY_ACCESS) == 0x230400);
C_ASSERT(IOCTL_VIDEO_QUERY_AVAIL_MODES == 0x230400);
C_ASSERT(IOCTL_VIDEO_SET_CURRENT_MODE == 0x23040C);
C_ASSERT(IOCTL_VIDEO_MAP_VIDEO_MEMORY == 0x230458);
C_ASSERT(IOCTL_VIDEO_SAVE_HARDWARE_STATE == 0x230200);
C_ASSERT(IOCTL_VIDEO_SET_DISPLAY_BRIGHTNESS == 0x23049C);
C_ASSERT(CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_OUT_DIRECT,
                  FILE_READ_ACCESS | FILE_WRITE_ACCESS) == 0x22E002);
C_ASSERT(DEVICE_TYPE_FROM_CTL_CODE(IOCTL_VIDEO_RESET_DEVICE) == FILE_DEVICE_VIDEO);
C_ASSERT(STATUS_SUCCESS == 0 && STATUS_TIMEOUT == 0x102 && STATUS_PENDING == 0x103);
C_ASSERT(STATUS_INVALID_PARAMETER == (NTSTATUS)0xC000000D);
C_ASSERT(STATUS_INSUFFICIENT_RESOURCES == (NTSTATUS)0xC000009A);
C_ASSERT(STATUS_REVISION_MISMATCH == (NTSTATUS)0xC0000059);
C_ASSERT(NO_ERROR == 0 && ERROR_INVALID_FUNCTION == 1 && ERROR_NOT_ENOUGH_MEMORY == 8);
C_ASSERT(ERROR_DEV_NOT_EXIST == 55 && ERROR_INVALID_PARAMETER == 87);
C_ASSERT(ERROR_INSUFFICIENT_BUFFER == 122 && ERROR_MORE_DATA == 234 && WAIT_TIMEOUT == 258);
C_ASSERT(ERROR_IO_PENDING == 997 && ERROR_CONTINUE == 1246 && ERROR_NO_MORE_DEVICES == 1248);
C_ASSERT(VIDEO_ENUM_NO_MORE_DEVICES == ERROR_NO_MORE_DEVICES);
C_ASSERT(PASSIVE_LEVEL == 0 && APC_LEVEL == 1 && DISPATCH_LEVEL == 2 && HIGH_LEVEL == 15);
C_ASSERT(PCIBus == 5 && PCIConfiguration == 4 && VpPagedPool == 1 && Info == 3);
C_ASSERT(S_OK == 0 && E_UNEXPECTED == (HRESULT)0x8000FFFF && FAILED(E_INVALIDARG) && SUCCEEDED(S_FALSE));
C_ASSERT(UNICODE_NULL == 0 && sizeof(UNICODE_NULL) == 2);

/* A miniport's helpers, as miniports write them. */
typedef struct _MY_EXTENSION {
    ULONG Flags;
    LIST_ENTRY Link;
} MY_EXTENSION;

static ULONG sal_annotated(_In_ PVOID Extension, __in_bcount(Length) PUCHAR Buffer,
                           __in ULONG Length, _Out_writes_bytes_(Length) PUCHAR Copy,
                           __inout_opt PULONG Count)
{
    UNREFERENCED_PARAMETER(Extension);
    RtlCopyMemory(Copy, Buffer, Length);
    if (Count != NULL)
        (*Count)++;
    return Length;
}

FORCEINLINE ULONG forced(ULONG x) { return x * 2; }
static FORCEINLINE ULONG forced_static(ULONG x) { return x + 1; }
static __inline ULONG inlined(ULONG x) { return x - 1; }
static _inline unsigned __int64 wide64(unsigned __int64 x) { return x << 32; }

int main(void)
{
    /* Wide strings: L"" literals are 16-bit WCHARs (the -fshort-wchar of vpspin::wdk). */
    static const WCHAR name[] = L"Ab\u00e9";
    CHECK_EQ(sizeof(name), 4 * sizeof(WCHAR));
    CHECK_EQ(name[0], 'A');
    CHECK_EQ(name[2], 0xE9);
    CHECK_EQ(name[3], 0);
    PWSTR path = (PWSTR)L"\\Registry\\Machine";
    CHECK_EQ(path[1], 'R');
    UNICODE_STRING us = RTL_CONSTANT_STRING(L"DefaultSettings.XResolution");
    CHECK_EQ(us.Length, 27 * sizeof(WCHAR));
    CHECK_EQ(us.MaximumLength, 28 * sizeof(WCHAR));

    /* LARGE_INTEGER: the anonymous halves and .u are the same bytes. */
    PHYSICAL_ADDRESS pa;
    pa.QuadPart = 0x123456789ALL;
    CHECK_EQ(pa.LowPart, 0x3456789AU);
    CHECK_EQ(pa.HighPart, 0x12);
    CHECK_EQ(pa.u.LowPart, pa.LowPart);
    pa.HighPart = -1;
    CHECK_EQ(pa.u.HighPart, -1);

    /* The helper macros. */
    MY_EXTENSION ext;
    memset(&ext, 0, sizeof ext);
    CHECK_EQ(FIELD_OFFSET(MY_EXTENSION, Link), 8);
    CHECK(CONTAINING_RECORD(&ext.Link, MY_EXTENSION, Link) == &ext);
    CHECK_EQ(RTL_NUMBER_OF(name), 4);
    CHECK(NT_SUCCESS(STATUS_SUCCESS) && NT_SUCCESS(STATUS_TIMEOUT));
    CHECK(!NT_SUCCESS(STATUS_INVALID_PARAMETER) && NT_ERROR(STATUS_INVALID_PARAMETER));
    CHECK(NT_WARNING(STATUS_BUFFER_OVERFLOW));
    CHECK_EQ(min(3, 4), 3);
    CHECK_EQ(max(3, 4), 4);
    UCHAR in[4] = {1, 2, 3, 4}, out[4] = {0};
    ULONG count = 0;
    CHECK_EQ(sal_annotated(&ext, in, 4, out, &count), 4);
    CHECK_EQ(count, 1);
    CHECK(RtlEqualMemory(in, out, 4));
    CHECK_EQ(RtlCompareMemory(in, out, 4), 4);
    out[2] = 9;
    CHECK_EQ(RtlCompareMemory(in, out, 4), 2);
    RtlZeroMemory(out, sizeof out);
    CHECK_EQ(out[3], 0);
    CHECK_EQ(forced(21), 42);
    CHECK_EQ(forced_static(41), 42);
    CHECK_EQ(inlined(43), 42);
    CHECK(wide64(1) == 0x100000000ULL);

    /* Lists. */
    LIST_ENTRY head, a, b, c;
    InitializeListHead(&head);
    CHECK(IsListEmpty(&head));
    InsertTailList(&head, &a);
    InsertTailList(&head, &b);
    InsertHeadList(&head, &c);
    CHECK(head.Flink == &c && c.Flink == &a && a.Flink == &b && b.Flink == &head);
    CHECK(head.Blink == &b && b.Blink == &a);
    CHECK(RemoveHeadList(&head) == &c);
    CHECK(RemoveTailList(&head) == &b);
    CHECK(RemoveEntryList(&a));
    CHECK(IsListEmpty(&head));
    SINGLE_LIST_ENTRY stack = {NULL}, s1, s2;
    PushEntryList(&stack, &s1);
    PushEntryList(&stack, &s2);
    CHECK(PopEntryList(&stack) == &s2 && PopEntryList(&stack) == &s1 &&
          PopEntryList(&stack) == NULL);

    /* The Interlocked family and the barrier: values, as on Windows. */
    LONG v = 5;
    CHECK_EQ(InterlockedIncrement(&v), 6);
    CHECK_EQ(InterlockedDecrement(&v), 5);
    CHECK_EQ(InterlockedExchange(&v, 9), 5);
    CHECK_EQ(InterlockedExchangeAdd(&v, 1), 9);
    CHECK_EQ(InterlockedAdd(&v, 1), 11);
    CHECK_EQ(InterlockedCompareExchange(&v, 20, 11), 11);
    CHECK_EQ(InterlockedCompareExchange(&v, 30, 11), 20);
    CHECK_EQ(InterlockedOr(&v, 1), 20);
    CHECK_EQ(InterlockedAnd(&v, 0x10), 21);
    CHECK_EQ(InterlockedXor(&v, 0x11), 0x10);
    CHECK_EQ(v, 1);
    SHORT s = 1;
    CHECK_EQ(InterlockedIncrement16(&s), 2);
    CHECK_EQ(InterlockedDecrement16(&s), 1);
    CHECK_EQ(InterlockedCompareExchange16(&s, 7, 1), 1);
    LONG64 w = 1;
    CHECK_EQ(InterlockedIncrement64(&w), 2);
    CHECK_EQ(InterlockedDecrement64(&w), 1);
    CHECK_EQ(InterlockedExchange64(&w, 1LL << 40), 1);
    CHECK(InterlockedExchangeAdd64(&w, 1) == 1LL << 40);
    CHECK(InterlockedAdd64(&w, 1) == (1LL << 40) + 2);
    CHECK(InterlockedCompareExchange64(&w, 3, (1LL << 40) + 2) == (1LL << 40) + 2);
    CHECK_EQ(InterlockedOr64(&w, 4), 3);
    CHECK_EQ(InterlockedAnd64(&w, 6), 7);
    CHECK_EQ(InterlockedXor64(&w, 6), 6);
    CHECK_EQ(w, 0);
    PVOID p = NULL, q = &v;
    CHECK(InterlockedExchangePointer(&p, q) == NULL && p == q);
    CHECK(InterlockedCompareExchangePointer(&p, NULL, q) == q && p == NULL);
    KeMemoryBarrier();
    KeMemoryBarrierWithoutFence();
    YieldProcessor();
    PAGED_CODE();
    ASSERT(v == 1);
    return check_done();
}
