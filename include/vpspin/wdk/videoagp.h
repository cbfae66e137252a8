/*
 * videoagp.h - the AGP interface a video miniport can query from the port
 * (VideoPortQueryServices(VideoPortServicesAGP)): the routine types of
 * VIDEO_PORT_AGP_INTERFACE and their constants. video.h includes it, as in the WDK.
 * vpspin's port offers no AGP services (VideoPortQueryServices says so).
 */
#ifndef VPSPIN_WDK_VIDEOAGP_H
#define VPSPIN_WDK_VIDEOAGP_H

#include "vpspin_ntdef_nolists.h"

#ifdef __cplusplus
extern "C" {
#endif

#define VIDEO_AGP_RATE_1X 0x00000001
#define VIDEO_AGP_RATE_2X 0x00000002
#define VIDEO_AGP_RATE_4X 0x00000004
#define VIDEO_AGP_RATE_8X 0x00000008

typedef enum _VIDEO_PORT_CACHE_TYPE {
    VpNonCached = 0,
    VpWriteCombined,
    VpCached
} VIDEO_PORT_CACHE_TYPE;

typedef PHYSICAL_ADDRESS (*PAGP_RESERVE_PHYSICAL)(IN PVOID HwDeviceExtension, IN ULONG Pages,
                                                  IN VIDEO_PORT_CACHE_TYPE Caching,
                                                  OUT PVOID *PhysicalReserveContext);
typedef VOID (*PAGP_RELEASE_PHYSICAL)(IN PVOID HwDeviceExtension, IN PVOID PhysicalReserveContext);
typedef BOOLEAN (*PAGP_COMMIT_PHYSICAL)(IN PVOID HwDeviceExtension, IN PVOID PhysicalReserveContext,
                                        IN ULONG Pages, IN ULONG Offset);
typedef VOID (*PAGP_FREE_PHYSICAL)(IN PVOID HwDeviceExtension, IN PVOID PhysicalReserveContext,
                                   IN ULONG Pages, IN ULONG Offset);
typedef PVOID (*PAGP_RESERVE_VIRTUAL)(IN PVOID HwDeviceExtension, IN HANDLE ProcessHandle,
                                      IN PVOID PhysicalReserveContext,
                                      OUT PVOID *VirtualReserveContext);
typedef VOID (*PAGP_RELEASE_VIRTUAL)(IN PVOID HwDeviceExtension, IN PVOID VirtualReserveContext);
typedef PVOID (*PAGP_COMMIT_VIRTUAL)(IN PVOID HwDeviceExtension, IN PVOID VirtualReserveContext,
                                     IN ULONG Pages, IN ULONG Offset);
typedef VOID (*PAGP_FREE_VIRTUAL)(IN PVOID HwDeviceExtension, IN PVOID VirtualReserveContext,
                                  IN ULONG Pages, IN ULONG Offset);
typedef BOOLEAN (*PAGP_SET_RATE)(IN PVOID HwDeviceExtension, IN ULONG AgpRate);

#ifdef __cplusplus
}
#endif

#endif /* VPSPIN_WDK_VIDEOAGP_H */
