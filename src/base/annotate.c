/*
 * annotate.c - finding the race detectors of annotate.h at start-up.
 */
#include "base/annotate.h"

#include <stdlib.h>
#include <string.h>

#include "verifier/lockclass.h"
#include "verifier/lockdep.h"
#include "check/verify.h"

unsigned vsp_annotating;

__attribute__((constructor)) static void vsp_annotate_init(void)
{
    const char *s = getenv("VPSPIN_ANNOTATE");
    if (s != NULL && strcmp(s, "0") == 0)
        return;
    if (__tsan_mutex_pre_lock != NULL)
        vsp_annotating |= VSP_ANNOTATE_TSAN;
#if VSP_HAVE_HELGRIND_H
    /* Only Helgrind answers this request (1 addressable byte); other tools do not. */
    char probe = 0;
    if (RUNNING_ON_VALGRIND && VALGRIND_HG_GET_ABITS(&probe, NULL, 1) == 1)
        vsp_annotating |= VSP_ANNOTATE_HELGRIND;
#endif
    if (vsp_annotating == 0)
        return;
    vsp_annotate_internal(vsp_buckets, sizeof vsp_buckets);
    vsp_annotate_internal(vsp_chains, sizeof vsp_chains);
    vsp_track_for(VSP_TRACK_FOR_TOOL, true);
}
