/*
 * adapter/services.c - the hardware services by name, for ConfigInfo->VideoPortGetProcAddress:
 * the host knows the services of its own layer and below (host/procaddress.c), and this
 * layer hands it the table of its own, sorted by name, before any device can start.
 */
#include <vpspin/video.h>

#include "host/host.h"

static const struct vsp_service vsp_adapter_services[] = {
    VSP_SERVICE(VideoPortCheckForDeviceExistence),
    VSP_SERVICE(VideoPortFreeDeviceBase),
    VSP_SERVICE(VideoPortGetAccessRanges),
    VSP_SERVICE(VideoPortGetBusData),
    VSP_SERVICE(VideoPortGetDeviceBase),
    VSP_SERVICE(VideoPortMapMemory),
    VSP_SERVICE(VideoPortReadPortBufferUchar),
    VSP_SERVICE(VideoPortReadPortBufferUlong),
    VSP_SERVICE(VideoPortReadPortBufferUshort),
    VSP_SERVICE(VideoPortReadPortUchar),
    VSP_SERVICE(VideoPortReadPortUlong),
    VSP_SERVICE(VideoPortReadPortUshort),
    VSP_SERVICE(VideoPortReadRegisterBufferUchar),
    VSP_SERVICE(VideoPortReadRegisterBufferUlong),
    VSP_SERVICE(VideoPortReadRegisterBufferUshort),
    VSP_SERVICE(VideoPortReadRegisterUchar),
    VSP_SERVICE(VideoPortReadRegisterUlong),
    VSP_SERVICE(VideoPortReadRegisterUshort),
    VSP_SERVICE(VideoPortSetBusData),
    VSP_SERVICE(VideoPortUnmapMemory),
    VSP_SERVICE(VideoPortVerifyAccessRanges),
    VSP_SERVICE(VideoPortWritePortBufferUchar),
    VSP_SERVICE(VideoPortWritePortBufferUlong),
    VSP_SERVICE(VideoPortWritePortBufferUshort),
    VSP_SERVICE(VideoPortWritePortUchar),
    VSP_SERVICE(VideoPortWritePortUlong),
    VSP_SERVICE(VideoPortWritePortUshort),
    VSP_SERVICE(VideoPortWriteRegisterBufferUchar),
    VSP_SERVICE(VideoPortWriteRegisterBufferUlong),
    VSP_SERVICE(VideoPortWriteRegisterBufferUshort),
    VSP_SERVICE(VideoPortWriteRegisterUchar),
    VSP_SERVICE(VideoPortWriteRegisterUlong),
    VSP_SERVICE(VideoPortWriteRegisterUshort),
};

__attribute__((constructor)) static void vsp_adapter_services_init(void)
{
    vsp_register_services(vsp_adapter_services,
                          sizeof vsp_adapter_services / sizeof vsp_adapter_services[0]);
}
