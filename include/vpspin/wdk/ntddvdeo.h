/*
 * ntddvdeo.h - the requests a display driver sends a video miniport (IOCTL_VIDEO_*, each
 * CTL_CODE(FILE_DEVICE_VIDEO, n, METHOD_BUFFERED, FILE_ANY_ACCESS)) and the structures
 * they carry in VIDEO_REQUEST_PACKET's buffers: modes, memory maps, palettes, cursors and
 * pointers, power, child devices. Codes and layouts are the WDK's.
 */
#ifndef VPSPIN_WDK_NTDDVDEO_H
#define VPSPIN_WDK_NTDDVDEO_H

#include "devioctl.h"
#include "vpspin_ntdef_nolists.h"

#ifdef __cplusplus
extern "C" {
#endif

#define VIDEO_DEVICE_NAME               "DISPLAY%d"
#define WVIDEO_DEVICE_NAME              L"DISPLAY%d"
#define DD_FULLSCREEN_VIDEO_DEVICE_NAME L"\\Device\\FSVideo"

#define VSP_VIDEO_CTL(n) CTL_CODE(FILE_DEVICE_VIDEO, n, METHOD_BUFFERED, FILE_ANY_ACCESS)

#define IOCTL_VIDEO_ENABLE_VDM                         VSP_VIDEO_CTL(0x00)
#define IOCTL_VIDEO_DISABLE_VDM                        VSP_VIDEO_CTL(0x01)
#define IOCTL_VIDEO_REGISTER_VDM                       VSP_VIDEO_CTL(0x02)
#define IOCTL_VIDEO_SET_OUTPUT_DEVICE_POWER_STATE      VSP_VIDEO_CTL(0x03)
#define IOCTL_VIDEO_GET_OUTPUT_DEVICE_POWER_STATE      VSP_VIDEO_CTL(0x04)
#define IOCTL_VIDEO_MONITOR_DEVICE                     VSP_VIDEO_CTL(0x05)
#define IOCTL_VIDEO_ENUM_MONITOR_PDO                   VSP_VIDEO_CTL(0x06)
#define IOCTL_VIDEO_INIT_WIN32K_CALLBACKS              VSP_VIDEO_CTL(0x07)
#define IOCTL_VIDEO_HANDLE_VIDEOPARAMETERS             VSP_VIDEO_CTL(0x08)
#define IOCTL_VIDEO_IS_VGA_DEVICE                      VSP_VIDEO_CTL(0x09)
#define IOCTL_VIDEO_USE_DEVICE_IN_SESSION              VSP_VIDEO_CTL(0x0a)
#define IOCTL_VIDEO_PREPARE_FOR_EARECOVERY             VSP_VIDEO_CTL(0x0b)
#define IOCTL_VIDEO_SAVE_HARDWARE_STATE                VSP_VIDEO_CTL(0x80)
#define IOCTL_VIDEO_RESTORE_HARDWARE_STATE             VSP_VIDEO_CTL(0x81)
#define IOCTL_VIDEO_QUERY_AVAIL_MODES                  VSP_VIDEO_CTL(0x100)
#define IOCTL_VIDEO_QUERY_NUM_AVAIL_MODES              VSP_VIDEO_CTL(0x101)
#define IOCTL_VIDEO_QUERY_CURRENT_MODE                 VSP_VIDEO_CTL(0x102)
#define IOCTL_VIDEO_SET_CURRENT_MODE                   VSP_VIDEO_CTL(0x103)
#define IOCTL_VIDEO_RESET_DEVICE                       VSP_VIDEO_CTL(0x104)
#define IOCTL_VIDEO_LOAD_AND_SET_FONT                  VSP_VIDEO_CTL(0x105)
#define IOCTL_VIDEO_SET_PALETTE_REGISTERS              VSP_VIDEO_CTL(0x106)
#define IOCTL_VIDEO_SET_COLOR_REGISTERS                VSP_VIDEO_CTL(0x107)
#define IOCTL_VIDEO_ENABLE_CURSOR                      VSP_VIDEO_CTL(0x108)
#define IOCTL_VIDEO_DISABLE_CURSOR                     VSP_VIDEO_CTL(0x109)
#define IOCTL_VIDEO_SET_CURSOR_ATTR                    VSP_VIDEO_CTL(0x10a)
#define IOCTL_VIDEO_QUERY_CURSOR_ATTR                  VSP_VIDEO_CTL(0x10b)
#define IOCTL_VIDEO_SET_CURSOR_POSITION                VSP_VIDEO_CTL(0x10c)
#define IOCTL_VIDEO_QUERY_CURSOR_POSITION              VSP_VIDEO_CTL(0x10d)
#define IOCTL_VIDEO_ENABLE_POINTER                     VSP_VIDEO_CTL(0x10e)
#define IOCTL_VIDEO_DISABLE_POINTER                    VSP_VIDEO_CTL(0x10f)
#define IOCTL_VIDEO_SET_POINTER_ATTR                   VSP_VIDEO_CTL(0x110)
#define IOCTL_VIDEO_QUERY_POINTER_ATTR                 VSP_VIDEO_CTL(0x111)
#define IOCTL_VIDEO_SET_POINTER_POSITION               VSP_VIDEO_CTL(0x112)
#define IOCTL_VIDEO_QUERY_POINTER_POSITION             VSP_VIDEO_CTL(0x113)
#define IOCTL_VIDEO_QUERY_POINTER_CAPABILITIES         VSP_VIDEO_CTL(0x114)
#define IOCTL_VIDEO_GET_BANK_SELECT_CODE               VSP_VIDEO_CTL(0x115)
#define IOCTL_VIDEO_MAP_VIDEO_MEMORY                   VSP_VIDEO_CTL(0x116)
#define IOCTL_VIDEO_UNMAP_VIDEO_MEMORY                 VSP_VIDEO_CTL(0x117)
#define IOCTL_VIDEO_QUERY_PUBLIC_ACCESS_RANGES         VSP_VIDEO_CTL(0x118)
#define IOCTL_VIDEO_FREE_PUBLIC_ACCESS_RANGES          VSP_VIDEO_CTL(0x119)
#define IOCTL_VIDEO_QUERY_COLOR_CAPABILITIES           VSP_VIDEO_CTL(0x11a)
#define IOCTL_VIDEO_SET_POWER_MANAGEMENT               VSP_VIDEO_CTL(0x11b)
#define IOCTL_VIDEO_GET_POWER_MANAGEMENT               VSP_VIDEO_CTL(0x11c)
#define IOCTL_VIDEO_SHARE_VIDEO_MEMORY                 VSP_VIDEO_CTL(0x11d)
#define IOCTL_VIDEO_UNSHARE_VIDEO_MEMORY               VSP_VIDEO_CTL(0x11e)
#define IOCTL_VIDEO_SET_COLOR_LUT_DATA                 VSP_VIDEO_CTL(0x11f)
#define IOCTL_VIDEO_GET_CHILD_STATE                    VSP_VIDEO_CTL(0x120)
#define IOCTL_VIDEO_VALIDATE_CHILD_STATE_CONFIGURATION VSP_VIDEO_CTL(0x121)
#define IOCTL_VIDEO_SET_CHILD_STATE_CONFIGURATION      VSP_VIDEO_CTL(0x122)
#define IOCTL_VIDEO_SWITCH_DUALVIEW                    VSP_VIDEO_CTL(0x123)
#define IOCTL_VIDEO_SET_BANK_POSITION                  VSP_VIDEO_CTL(0x124)
#define IOCTL_VIDEO_QUERY_SUPPORTED_BRIGHTNESS         VSP_VIDEO_CTL(0x125)
#define IOCTL_VIDEO_QUERY_DISPLAY_BRIGHTNESS           VSP_VIDEO_CTL(0x126)
#define IOCTL_VIDEO_SET_DISPLAY_BRIGHTNESS             VSP_VIDEO_CTL(0x127)

/* ---- Structures of the requests ---------------------------------------------------------- */

typedef struct _VIDEO_VDM {
    HANDLE ProcessHandle;
} VIDEO_VDM, *PVIDEO_VDM;

typedef struct _VIDEO_REGISTER_VDM {
    ULONG MinimumStateSize;
} VIDEO_REGISTER_VDM, *PVIDEO_REGISTER_VDM;

typedef struct tagVIDEO_MONITOR_DEVICE {
    ULONG flag;
    HANDLE pdo;
    ULONG HwID;
    BOOLEAN Internal;
} VIDEO_MONITOR_DEVICE, *PVIDEO_MONITOR_DEVICE;

typedef struct tagVIDEO_MONITOR_DESCRIPTOR {
    ULONG DescriptorSize;
    UCHAR Descriptor[1];
} VIDEO_MONITOR_DESCRIPTOR, *PVIDEO_MONITOR_DESCRIPTOR;

typedef enum _VIDEO_WIN32K_CALLBACKS_PARAMS_TYPE {
    VideoPowerNotifyCallout = 1,
    VideoDisplaySwitchCallout,
    VideoEnumChildPdoNotifyCallout,
    VideoFindAdapterCallout,
    VideoWakeupCallout,
    VideoChangeDisplaySettingsCallout
} VIDEO_WIN32K_CALLBACKS_PARAMS_TYPE;

typedef struct _VIDEO_WIN32K_CALLBACKS_PARAMS {
    VIDEO_WIN32K_CALLBACKS_PARAMS_TYPE CalloutType;
    PVOID PhysDisp;
    ULONG_PTR Param;
    LONG Status;
} VIDEO_WIN32K_CALLBACKS_PARAMS, *PVIDEO_WIN32K_CALLBACKS_PARAMS;

typedef VOID (*PVIDEO_WIN32K_CALLOUT)(IN PVOID Params);

typedef struct _VIDEO_WIN32K_CALLBACKS {
    PVOID PhysDisp;
    PVIDEO_WIN32K_CALLOUT Callout;
    ULONG bACPI;
    HANDLE pPhysDeviceObject;
    ULONG DualviewFlags;
} VIDEO_WIN32K_CALLBACKS, *PVIDEO_WIN32K_CALLBACKS;

typedef struct _VIDEO_DEVICE_SESSION_STATUS {
    ULONG bEnable;
    ULONG bSuccess;
} VIDEO_DEVICE_SESSION_STATUS, *PVIDEO_DEVICE_SESSION_STATUS;

/* IOCTL_VIDEO_MAP_VIDEO_MEMORY: in a VIDEO_MEMORY, out a VIDEO_MEMORY_INFORMATION. */
typedef struct _VIDEO_MEMORY {
    PVOID RequestedVirtualAddress;
} VIDEO_MEMORY, *PVIDEO_MEMORY;

typedef struct _VIDEO_MEMORY_INFORMATION {
    PVOID VideoRamBase;
    ULONG VideoRamLength;
    PVOID FrameBufferBase;
    ULONG FrameBufferLength;
} VIDEO_MEMORY_INFORMATION, *PVIDEO_MEMORY_INFORMATION;

/* IOCTL_VIDEO_SET_CURRENT_MODE. */
#define VIDEO_MODE_MAP_MEM_LINEAR 0x40000000
#define VIDEO_MODE_NO_ZERO_MEMORY 0x80000000

typedef struct _VIDEO_MODE {
    ULONG RequestedMode;
} VIDEO_MODE, *PVIDEO_MODE;

/* VIDEO_MODE_INFORMATION.AttributeFlags */
#define VIDEO_MODE_COLOR            0x0001
#define VIDEO_MODE_GRAPHICS         0x0002
#define VIDEO_MODE_PALETTE_DRIVEN   0x0004
#define VIDEO_MODE_MANAGED_PALETTE  0x0008
#define VIDEO_MODE_INTERLACED       0x0010
#define VIDEO_MODE_NO_OFF_SCREEN    0x0020
#define VIDEO_MODE_NO_64_BIT_ACCESS 0x0040
#define VIDEO_MODE_BANKED           0x0080
#define VIDEO_MODE_LINEAR           0x0100

/* IOCTL_VIDEO_QUERY_AVAIL_MODES (one per mode), IOCTL_VIDEO_QUERY_CURRENT_MODE. */
typedef struct _VIDEO_MODE_INFORMATION {
    ULONG Length;
    ULONG ModeIndex;
    ULONG VisScreenWidth;
    ULONG VisScreenHeight;
    ULONG ScreenStride;
    ULONG NumberOfPlanes;
    ULONG BitsPerPlane;
    ULONG Frequency;
    ULONG XMillimeter;
    ULONG YMillimeter;
    ULONG NumberRedBits;
    ULONG NumberGreenBits;
    ULONG NumberBlueBits;
    ULONG RedMask;
    ULONG GreenMask;
    ULONG BlueMask;
    ULONG AttributeFlags;
    ULONG VideoMemoryBitmapWidth;
    ULONG VideoMemoryBitmapHeight;
    ULONG DriverSpecificAttributeFlags;
} VIDEO_MODE_INFORMATION, *PVIDEO_MODE_INFORMATION;

/* IOCTL_VIDEO_QUERY_NUM_AVAIL_MODES. */
typedef struct _VIDEO_NUM_MODES {
    ULONG NumModes;
    ULONG ModeInformationLength;
} VIDEO_NUM_MODES, *PVIDEO_NUM_MODES;

/* IOCTL_VIDEO_SET/GET_POWER_MANAGEMENT; HwSetPowerState and HwGetPowerState. */
typedef enum _VIDEO_POWER_STATE {
    VideoPowerUnspecified = 0,
    VideoPowerOn = 1,
    VideoPowerStandBy,
    VideoPowerSuspend,
    VideoPowerOff,
    VideoPowerHibernate,
    VideoPowerShutdown,
    VideoPowerMaximum
} VIDEO_POWER_STATE,
    *PVIDEO_POWER_STATE;

typedef struct _VIDEO_POWER_MANAGEMENT {
    ULONG Length;
    ULONG DPMSVersion;
    ULONG PowerState; /* a VIDEO_POWER_STATE */
} VIDEO_POWER_MANAGEMENT, *PVIDEO_POWER_MANAGEMENT;

/* IOCTL_VIDEO_QUERY_PUBLIC_ACCESS_RANGES. */
typedef struct _VIDEO_PUBLIC_ACCESS_RANGES {
    ULONG InIoSpace;
    ULONG MappedInIoSpace;
    PVOID VirtualAddress;
} VIDEO_PUBLIC_ACCESS_RANGES, *PVIDEO_PUBLIC_ACCESS_RANGES;

/* IOCTL_VIDEO_SHARE_VIDEO_MEMORY. */
typedef struct _VIDEO_SHARE_MEMORY {
    HANDLE ProcessHandle;
    ULONG ViewOffset;
    ULONG ViewSize;
    PVOID RequestedVirtualAddress;
} VIDEO_SHARE_MEMORY, *PVIDEO_SHARE_MEMORY;

typedef struct _VIDEO_SHARE_MEMORY_INFORMATION {
    ULONG SharedViewOffset;
    ULONG SharedViewSize;
    PVOID VirtualAddress;
} VIDEO_SHARE_MEMORY_INFORMATION, *PVIDEO_SHARE_MEMORY_INFORMATION;

/* IOCTL_VIDEO_GET_BANK_SELECT_CODE. */
#define PLANAR_HC 0x00000001

typedef enum _VIDEO_BANK_TYPE {
    VideoNotBanked = 0,
    VideoBanked1RW,
    VideoBanked1R1W,
    VideoBanked2RW,
    NumVideoBankTypes
} VIDEO_BANK_TYPE,
    *PVIDEO_BANK_TYPE;

typedef struct _VIDEO_BANK_SELECT {
    ULONG Length;
    ULONG Size;
    ULONG BankingFlags;
    ULONG BankingType;
    ULONG PlanarHCBankingType;
    ULONG BitmapWidthInBytes;
    ULONG BitmapSize;
    ULONG Granularity;
    ULONG PlanarHCGranularity;
    ULONG CodeOffset;
    ULONG PlanarHCBankCodeOffset;
    ULONG PlanarHCEnableCodeOffset;
    ULONG PlanarHCDisableCodeOffset;
} VIDEO_BANK_SELECT, *PVIDEO_BANK_SELECT;

/* IOCTL_VIDEO_LOAD_AND_SET_FONT. */
typedef struct _VIDEO_LOAD_FONT_INFORMATION {
    USHORT WidthInPixels;
    USHORT HeightInPixels;
    ULONG FontSize;
    UCHAR Font[1];
} VIDEO_LOAD_FONT_INFORMATION, *PVIDEO_LOAD_FONT_INFORMATION;

/* IOCTL_VIDEO_QUERY_COLOR_CAPABILITIES. */
#define VIDEO_DEVICE_COLOR          0x00000001
#define VIDEO_OPTIONAL_GAMMET_TABLE 0x00000002

typedef struct _VIDEO_COLOR_CAPABILITIES {
    ULONG Length;
    ULONG AttributeFlags;
    LONG RedPhosphoreDecay;
    LONG GreenPhosphoreDecay;
    LONG BluePhosphoreDecay;
    LONG WhiteChromaticity_x;
    LONG WhiteChromaticity_y;
    LONG WhiteChromaticity_Y;
    LONG RedChromaticity_x;
    LONG RedChromaticity_y;
    LONG GreenChromaticity_x;
    LONG GreenChromaticity_y;
    LONG BlueChromaticity_x;
    LONG BlueChromaticity_y;
    LONG WhiteGamma;
    LONG RedGamma;
    LONG GreenGamma;
    LONG BlueGamma;
} VIDEO_COLOR_CAPABILITIES, *PVIDEO_COLOR_CAPABILITIES;

/* Text-mode cursor: IOCTL_VIDEO_SET/QUERY_CURSOR_ATTR and _POSITION. */
typedef struct _VIDEO_CURSOR_ATTRIBUTES {
    USHORT Width;
    USHORT Height;
    SHORT Column;
    SHORT Row;
    UCHAR Rate;
    UCHAR Enable;
} VIDEO_CURSOR_ATTRIBUTES, *PVIDEO_CURSOR_ATTRIBUTES;

typedef struct _VIDEO_CURSOR_POSITION {
    SHORT Column;
    SHORT Row;
} VIDEO_CURSOR_POSITION, *PVIDEO_CURSOR_POSITION;

/* Hardware pointer: IOCTL_VIDEO_SET/QUERY_POINTER_ATTR, _POSITION, _CAPABILITIES. */
typedef struct _VIDEO_POINTER_ATTRIBUTES {
    ULONG Flags;
    ULONG Width;
    ULONG Height;
    ULONG WidthInBytes;
    ULONG Enable;
    SHORT Column;
    SHORT Row;
    UCHAR Pixels[1];
} VIDEO_POINTER_ATTRIBUTES, *PVIDEO_POINTER_ATTRIBUTES;

#define VIDEO_MODE_ASYNC_POINTER  0x01
#define VIDEO_MODE_MONO_POINTER   0x02
#define VIDEO_MODE_COLOR_POINTER  0x04
#define VIDEO_MODE_ANIMATE_START  0x08
#define VIDEO_MODE_ANIMATE_UPDATE 0x10

typedef struct _VIDEO_POINTER_CAPABILITIES {
    ULONG Flags;
    ULONG MaxWidth;
    ULONG MaxHeight;
    ULONG HWPtrBitmapStart;
    ULONG HWPtrBitmapEnd;
} VIDEO_POINTER_CAPABILITIES, *PVIDEO_POINTER_CAPABILITIES;

typedef struct _VIDEO_POINTER_POSITION {
    SHORT Column;
    SHORT Row;
} VIDEO_POINTER_POSITION, *PVIDEO_POINTER_POSITION;

/* IOCTL_VIDEO_SAVE/RESTORE_HARDWARE_STATE. */
#define VIDEO_STATE_NON_STANDARD_VGA     0x00000001
#define VIDEO_STATE_UNEMULATED_VGA_STATE 0x00000002
#define VIDEO_STATE_PACKED_CHAIN4_MODE   0x00000004

typedef struct _VIDEO_HARDWARE_STATE_HEADER {
    ULONG Length;
    UCHAR PortValue[0x30];
    ULONG AttribIndexDataState;
    ULONG BasicSequencerOffset;
    ULONG BasicCrtContOffset;
    ULONG BasicGraphContOffset;
    ULONG BasicAttribContOffset;
    ULONG BasicDacOffset;
    ULONG BasicLatchesOffset;
    ULONG ExtendedSequencerOffset;
    ULONG ExtendedCrtContOffset;
    ULONG ExtendedGraphContOffset;
    ULONG ExtendedAttribContOffset;
    ULONG ExtendedDacOffset;
    ULONG ExtendedValidatorStateOffset;
    ULONG ExtendedMiscDataOffset;
    ULONG PlaneLength;
    ULONG Plane1Offset;
    ULONG Plane2Offset;
    ULONG Plane3Offset;
    ULONG Plane4Offset;
    ULONG VGAStateFlags;
    ULONG DIBOffset;
    ULONG DIBBitsPerPixel;
    ULONG DIBXResolution;
    ULONG DIBYResolution;
    ULONG DIBXlatOffset;
    ULONG DIBXlatLength;
    ULONG VesaInfoOffset;
    PVOID FrameBufferData;
} VIDEO_HARDWARE_STATE_HEADER, *PVIDEO_HARDWARE_STATE_HEADER;

typedef struct _VIDEO_HARDWARE_STATE {
    PVIDEO_HARDWARE_STATE_HEADER StateHeader;
    ULONG StateLength;
} VIDEO_HARDWARE_STATE, *PVIDEO_HARDWARE_STATE;

/* IOCTL_VIDEO_SET_COLOR_REGISTERS. */
typedef struct _VIDEO_CLUTDATA {
    UCHAR Red;
    UCHAR Green;
    UCHAR Blue;
    UCHAR Unused;
} VIDEO_CLUTDATA, *PVIDEO_CLUTDATA;

typedef struct {
    USHORT NumEntries;
    USHORT FirstEntry;
    union {
        VIDEO_CLUTDATA RgbArray;
        ULONG RgbLong;
    } LookupTable[1];
} VIDEO_CLUT, *PVIDEO_CLUT;

/* IOCTL_VIDEO_SET_PALETTE_REGISTERS. */
typedef struct _VIDEO_PALETTE_DATA {
    USHORT NumEntries;
    USHORT FirstEntry;
    USHORT Colors[1];
} VIDEO_PALETTE_DATA, *PVIDEO_PALETTE_DATA;

/* Child devices: IOCTL_VIDEO_GET_CHILD_STATE and the configurations. */
#define VIDEO_CHILD_ACTIVE             0x00000001
#define VIDEO_CHILD_DETACHED           0x00000002
#define VIDEO_CHILD_NOPRUNE_FREQ       0x80000000
#define VIDEO_CHILD_NOPRUNE_RESOLUTION 0x40000000

#define VIDEO_DUALVIEW_REMOVABLE 0x00000001
#define VIDEO_DUALVIEW_PRIMARY   0x80000000
#define VIDEO_DUALVIEW_SECONDARY 0x40000000

/* The events of VideoPortCreateEvent and the DMA services: opaque to the miniport. */
#ifndef _WINDDI_
typedef struct _ENG_EVENT *PEVENT;
#endif

typedef struct _ENG_EVENT {
    PVOID pKEvent;
    ULONG fFlags;
} ENG_EVENT, *PENG_EVENT;

/* Brightness: IOCTL_VIDEO_QUERY/SET_DISPLAY_BRIGHTNESS. */
typedef struct _DISPLAY_BRIGHTNESS {
    UCHAR ucDisplayPolicy;
    UCHAR ucACBrightness;
    UCHAR ucDCBrightness;
} DISPLAY_BRIGHTNESS, *PDISPLAY_BRIGHTNESS;

#define DISPLAYPOLICY_AC   0x00000001
#define DISPLAYPOLICY_DC   0x00000002
#define DISPLAYPOLICY_BOTH 0x00000003

#ifdef __cplusplus
}
#endif

#endif /* VPSPIN_WDK_NTDDVDEO_H */
