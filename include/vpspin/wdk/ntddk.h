/*
 * ntddk.h - the WDK's header for kernel-mode drivers that are not WDM drivers. It is
 * wdm.h and more; of that more, vpspin provides nothing beyond wdm.h yet, so this file
 * includes wdm.h (docs/compatibility.md lists what is provided).
 */
#ifndef VPSPIN_WDK_NTDDK_H
#define VPSPIN_WDK_NTDDK_H

#include "wdm.h"

#endif /* VPSPIN_WDK_NTDDK_H */
