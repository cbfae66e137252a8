/*
 * base/slow.c - the fast paths' flag word (slow.h). Checking is on from the start: the default
 * mode is VPSPIN_VERIFY=1.
 */
#include "base/slow.h"

unsigned vsp_slow_paths = VSP_SLOW_CHECK;

void vsp_slow_set(unsigned flag, bool on)
{
    if (on)
        __atomic_fetch_or(&vsp_slow_paths, flag, __ATOMIC_RELAXED);
    else
        __atomic_fetch_and(&vsp_slow_paths, ~flag, __ATOMIC_RELAXED);
}
