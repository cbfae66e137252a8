/*
 * ke_spinlock.h - one acquire and one release that every spin lock function of the Ke
 * and VideoPort layers is a thin wrapper around.
 *
 * An acquire is: check (when checking), raise the IRQL (raising variants), take the
 * word with the holder's record (lockword.h). A release is: check, free the word, lower
 * the IRQL (raising variants). The IRQL is raised before waiting, as Windows does, and
 * lowered only after the lock is free.
 */
#ifndef VSP_KE_SPINLOCK_H
#define VSP_KE_SPINLOCK_H

#include "spinlock_algo.h"
#include "thread.h"
#include "verify.h"

/* How an acquire went. */
enum vsp_taken {
    VSP_NOT_TAKEN,  /* a check failed and the handler returned: nothing was done */
    VSP_TAKEN,      /* the lock was free */
    VSP_TAKEN_WAIT, /* the lock was held and the caller waited */
};

/* Returns the IRQL before the call and says in *how whether the lock was taken. */
static inline KIRQL vsp_acquire(PKSPIN_LOCK SpinLock, enum vsp_kind kind, enum vsp_api api,
                                enum vsp_taken *how)
{
    struct vsp_thread *t = vsp_self();
    KIRQL old = t->irql;
    ULONG_PTR tag = vsp_owner_tag(t);
    if (vsp_checking() && !vsp_verify_acquire(api, SpinLock, kind, old, tag)) {
        *how = VSP_NOT_TAKEN;
        return old;
    }
    if (!(kind & VSP_W_DPC))
        t->irql = DISPATCH_LEVEL;
    bool waited = vsp_lock(SpinLock, vsp_word_held(tag, kind, kind & VSP_W_DPC ? 0 : old));
    *how = waited ? VSP_TAKEN_WAIT : VSP_TAKEN;
    return old;
}

/* new_irql: the IRQL to lower to for raising kinds; ignored (pass -1) for DPC kinds. */
static inline void vsp_release(PKSPIN_LOCK SpinLock, enum vsp_kind kind, enum vsp_api api,
                               int new_irql)
{
    struct vsp_thread *t = vsp_self();
    if (vsp_checking() &&
        !vsp_verify_release(api, SpinLock, kind, t->irql, vsp_owner_tag(t), new_irql))
        return;
    vsp_unlock(SpinLock);
    if (!(kind & VSP_W_DPC))
        t->irql = (KIRQL)new_irql;
}

#endif
