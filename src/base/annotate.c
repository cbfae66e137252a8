/*
 * base/annotate.c - finding the race detectors of annotate.h at start-up.
 *
 * This runs before the library's other constructors (priority 101), so that each of them
 * can tell the tools found about what it owns: the verifier marks its tables as
 * bookkeeping and has every call tracked (verifier/track.c, lockclass.c, lockdep.c).
 */
#include "base/annotate.h"

#include <stdlib.h>
#include <string.h>

unsigned vsp_annotating;

__attribute__((constructor(101))) static void vsp_annotate_init(void)
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
}
