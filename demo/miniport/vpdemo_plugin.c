/*
 * vpdemo_plugin.c - the sample adapter's device model as a vpspin-run plug-in
 * (vpdemo-model.so): its entry point hooks an adapter that a description file made
 * (demo/vpdemo.dev: the IDs, interrupt and four ranges of vpdemo_hw.h). The model line's
 * argument may be "rate=N", the batches a second its engine runs at most (default 20000).
 */
#include <stdlib.h>
#include <string.h>

#include "vpdemo_model.h"

VP_STATUS vpspin_device_model(vpspin_adapter *Adapter, const char *Argument);

VP_STATUS vpspin_device_model(vpspin_adapter *Adapter, const char *Argument)
{
    unsigned long rate = 20000;
    if (strncmp(Argument, "rate=", 5) == 0) {
        char *end;
        rate = strtoul(Argument + 5, &end, 10);
        if (end == Argument + 5 || *end != '\0')
            return ERROR_INVALID_PARAMETER;
    } else if (*Argument != '\0') {
        return ERROR_INVALID_PARAMETER;
    }
    return VpDemoAttachModel(Adapter, (ULONG)rate, NULL);
}
