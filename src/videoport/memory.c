/*
 * videoport/memory.c - the video port's memory services: VideoPortZeroMemory,
 * VideoPortZeroDeviceMemory, VideoPortMoveMemory, VideoPortCompareMemory (any IRQL), and
 * pool: VideoPortAllocatePool / VideoPortFreePool and VideoPortAllocateBuffer /
 * VideoPortReleaseBuffer, the Ke layer's pool (ke/pool.c) with the HwDeviceExtension as the
 * owner, so that what a device never freed is reported when it stops (host/device.c).
 * VP_POOL_TYPE has POOL_TYPE's numbers; a buffer is paged pool.
 */
#include <string.h>

#include <vpspin/video.h>

#include "ke/pool.h"

#define VSP_BUFFER_TAG 0x66427056u /* 'VpBf', as its bytes read in memory */

VOID VideoPortZeroMemory(PVOID Destination, ULONG Length) { memset(Destination, 0, Length); }

VOID VideoPortZeroDeviceMemory(PVOID Destination, ULONG Length) { memset(Destination, 0, Length); }

VOID VideoPortMoveMemory(PVOID Destination, PVOID Source, ULONG Length)
{
    memmove(Destination, Source, Length);
}

ULONG VideoPortCompareMemory(PVOID Source1, PVOID Source2, SIZE_T Length)
{
    return (ULONG)RtlCompareMemory(Source1, Source2, Length);
}

PVOID VideoPortAllocatePool(PVOID HwDeviceExtension, VP_POOL_TYPE PoolType, SIZE_T NumberOfBytes,
                            ULONG Tag)
{
    return vsp_pool_alloc(VSP_API_VideoPortAllocatePool, (POOL_TYPE)PoolType, NumberOfBytes, Tag,
                          HwDeviceExtension, VSP_POOL_DRIVER, __builtin_return_address(0));
}

VOID VideoPortFreePool(PVOID HwDeviceExtension, PVOID Ptr)
{
    (void)HwDeviceExtension;
    vsp_pool_free(VSP_API_VideoPortFreePool, Ptr, NULL, VSP_POOL_DRIVER);
}

VP_STATUS VideoPortAllocateBuffer(PVOID HwDeviceExtension, ULONG Size, PVOID *Buffer)
{
    if (Buffer == NULL)
        return ERROR_INVALID_PARAMETER;
    *Buffer = vsp_pool_alloc(VSP_API_VideoPortAllocateBuffer, PagedPool, Size, VSP_BUFFER_TAG,
                             HwDeviceExtension, VSP_POOL_BUFFER, __builtin_return_address(0));
    return *Buffer != NULL ? NO_ERROR : ERROR_NOT_ENOUGH_MEMORY;
}

VOID VideoPortReleaseBuffer(PVOID HwDeviceExtension, PVOID Buffer)
{
    (void)HwDeviceExtension;
    vsp_pool_free(VSP_API_VideoPortReleaseBuffer, Buffer, NULL, VSP_POOL_BUFFER);
}
