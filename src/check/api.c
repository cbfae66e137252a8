/*
 * check/api.c - the names of the public functions, for reports.
 */
#include "check/api.h"

static const char *const vsp_api_names[] = {
#define VSP_API_NAME(name) #name,
    VSP_API_LIST(VSP_API_NAME)
#undef VSP_API_NAME
};

const char *vsp_api_name(enum vsp_api api)
{
    switch (api) {
    case VSP_API_ThreadExit:
        return "(none: the thread is exiting)";
    case VSP_API_Watchdog:
        return "(none: found by the watchdog)";
    case VSP_API_DeviceMemory:
        return "(none: a direct access to mapped device memory)";
    default:
        return vsp_api_names[api];
    }
}
