/*
 * vpspin/video.h - the WDK's video.h, and the wdm.h it was always paired with here, for
 * programs that include vpspin's headers by their vpspin/ names: the video port's services
 * for miniports (spin locks, DPCs, the timer, events, pool, the registry, debug output...)
 * and the structures of a miniport. It is <vpspin/wdk/video.h> and <vpspin/wdk/wdm.h>, the
 * headers a miniport built with `pkg-config vpspin-wdk` includes as <video.h> and <wdm.h>:
 * one definition of every type, whichever name is used.
 *
 * A miniport creates a lock with VideoPortCreateSpinLock, takes it either from IRQL
 * <= DISPATCH_LEVEL (VideoPortAcquireSpinLock / VideoPortReleaseSpinLock, passing back the
 * IRQL the acquire returned) or from DISPATCH_LEVEL (the AtDpcLevel / FromDpcLevel pair),
 * and destroys it with VideoPortDeleteSpinLock.
 */
#ifndef VPSPIN_VIDEO_H
#define VPSPIN_VIDEO_H

#include "wdm.h"
#include "wdk/video.h"

#endif /* VPSPIN_VIDEO_H */
