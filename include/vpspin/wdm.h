/*
 * vpspin/wdm.h - the WDK's wdm.h for programs that include vpspin's headers by their vpspin/
 * names: the Ke layer (IRQL, spin locks, events, timers, DPCs, pool, time) and the base
 * types. It is <vpspin/wdk/wdm.h>, the header a miniport built with `pkg-config vpspin-wdk`
 * includes as <wdm.h>: one definition of every type, whichever name is used. Through this
 * name wchar_t may be of any size (WCHAR is 16 bits either way).
 */
#ifndef VPSPIN_WDM_H
#define VPSPIN_WDM_H

#ifndef VPSPIN_WDK_ANY_WCHAR
#define VPSPIN_WDK_ANY_WCHAR 1
#endif
#include "wdk/wdm.h"

#endif /* VPSPIN_WDM_H */
