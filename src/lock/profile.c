/*
 * lock/profile.c - the calling thread's lock profile counters (profile.h).
 */
#include "lock/profile.h"

#include <string.h>

#ifdef VSP_LOCK_PROFILE
__thread struct vsp_lock_profile vsp_lock_profile_tls __attribute__((tls_model("initial-exec")));
#endif

void vsp_lock_profile_take(struct vsp_lock_profile *out)
{
#ifdef VSP_LOCK_PROFILE
    *out = vsp_lock_profile_tls;
    memset(&vsp_lock_profile_tls, 0, sizeof vsp_lock_profile_tls);
#else
    memset(out, 0, sizeof *out);
#endif
}
