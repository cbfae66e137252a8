/*
 * check/context.c - the per-thread miniport context of context.h and its two rules.
 */
#include "check/context.h"

#include "check/bugcheck.h"
#include "lock/thread.h"

__thread struct vsp_context_state vsp_context_tls __attribute__((tls_model("initial-exec")));

enum vsp_api vsp_context_api(enum vsp_context context)
{
    switch (context) {
    case VSP_CTX_DRIVER_ENTRY:
        return VSP_API_DriverEntry;
    case VSP_CTX_FIND_ADAPTER:
        return VSP_API_HwVidFindAdapter;
    case VSP_CTX_INITIALIZE:
        return VSP_API_HwVidInitialize;
    case VSP_CTX_START_IO:
        return VSP_API_HwVidStartIO;
    case VSP_CTX_INTERRUPT:
        return VSP_API_HwVidInterrupt;
    case VSP_CTX_DPC:
        return VSP_API_HwVidDpcRoutine;
    case VSP_CTX_TIMER:
        return VSP_API_HwVidTimer;
    case VSP_CTX_KE_DPC:
        return VSP_API_CustomDpc;
    default:
        return VSP_API_HwVidSynchronizeExecutionCallback;
    }
}

bool vsp_context_verify_queue_dpc(PVOID HwDeviceExtension, ULONG_PTR routine)
{
    KIRQL irql = vsp_self()->irql;
    if (__builtin_expect(irql >= DISPATCH_LEVEL, 1))
        return true;
    struct vsp_violation v = {
        .code = VSP_DRIVER_VERIFIER_DETECTED_VIOLATION,
        .p = {0xF001, irql, routine, (ULONG_PTR)HwDeviceExtension},
        .rule = "VideoPortQueueDpc called below DISPATCH_LEVEL",
        .api = VSP_API_VideoPortQueueDpc,
        .lock_readable = true,
    };
    vsp_bugcheck(&v);
    return false;
}

bool vsp_context_verify_delete(const void *SpinLock)
{
    enum vsp_context context = vsp_context_tls.interrupt_context;
    if (__builtin_expect(context == VSP_CTX_NONE, 1))
        return true;
    struct vsp_violation v = {
        .code = VSP_DRIVER_VERIFIER_DETECTED_VIOLATION,
        .p = {0xF002, (ULONG_PTR)SpinLock, context, vsp_self()->irql},
        .rule = context == VSP_CTX_INTERRUPT
                    ? "VideoPortDeleteSpinLock called from HwInterrupt"
                    : "VideoPortDeleteSpinLock called from a Medium or High priority "
                      "synchronize routine",
        .api = VSP_API_VideoPortDeleteSpinLock,
        .lock = SpinLock,
        .lock_readable = true,
    };
    vsp_bugcheck(&v);
    return false;
}
