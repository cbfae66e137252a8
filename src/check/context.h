/*
 * check/context.h - which of a miniport's routines a thread is running: the context the host
 * called it in (set by host/context.c around every call into the miniport), and the rules
 * of calls that depend on it.
 *
 * The state is per thread, in initial-exec TLS like the IRQL (lock/thread.h); zero is "no
 * context" (a thread of the test program, or an idle host thread).
 */
#ifndef VSP_CONTEXT_H
#define VSP_CONTEXT_H

#include <stdbool.h>

#include <vpspin/video.h>

#include "check/api.h"

/* Numbered as Parameter4 of the host's reports gives them (vpspin(7)). */
enum vsp_context {
    VSP_CTX_NONE = 0,
    VSP_CTX_DRIVER_ENTRY = 1,
    VSP_CTX_FIND_ADAPTER = 2,
    VSP_CTX_INITIALIZE = 3,
    VSP_CTX_START_IO = 4,
    VSP_CTX_INTERRUPT = 5,
    VSP_CTX_DPC = 6,
    VSP_CTX_TIMER = 7,
    VSP_CTX_SYNC_LOW = 8,
    VSP_CTX_SYNC_MEDIUM = 9,
    VSP_CTX_SYNC_HIGH = 10,
    VSP_CTX_KE_DPC = 11, /* a KDPC's deferred routine, on the Ke layer's DPC thread */
};

/* This thread's place in the miniport: the innermost context, and the innermost of
 * those that exclude the ISR (HwInterrupt, Medium and High synchronize routines). */
struct vsp_context_state {
    enum vsp_context context;
    enum vsp_context interrupt_context; /* VSP_CTX_NONE outside them */
};
extern __thread struct vsp_context_state vsp_context_tls __attribute__((tls_model("initial-exec")));

static inline bool vsp_context_excludes_isr(enum vsp_context context)
{
    return context == VSP_CTX_INTERRUPT || context == VSP_CTX_SYNC_MEDIUM ||
           context == VSP_CTX_SYNC_HIGH;
}

/* The routine a context runs, as reports name it (HwVidStartIO, ...). */
enum vsp_api vsp_context_api(enum vsp_context context);

/* ---- The rules of calls made inside a context (vpspin's own 0xC4 subcodes) -------------
 * Each returns true when the call may go on; false after a report whose handler returned
 * (the call then returns without effect). Called only when checking.
 *   0xF001  VideoPortQueueDpc below DISPATCH_LEVEL: P2 current IRQL, P3 CallbackRoutine,
 *           P4 HwDeviceExtension;
 *   0xF002  VideoPortDeleteSpinLock from HwInterrupt or from a Medium or High priority
 *           synchronize routine: P2 the lock, P3 that context, P4 current IRQL. */
bool vsp_context_verify_queue_dpc(PVOID HwDeviceExtension, ULONG_PTR routine);
bool vsp_context_verify_delete(const void *SpinLock);

#endif
