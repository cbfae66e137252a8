/*
 * ke/wait.c - KeWaitForSingleObject and KeDelayExecutionThread.
 *
 * A wait may block, so it needs IRQL <= APC_LEVEL; at DISPATCH_LEVEL it may only poll
 * (a zero timeout), as the DDI rule for the Ke waits has it; reported as 0xF003 (no
 * Driver Verifier code exists for it). The object must be an initialized KEVENT or KTIMER
 * (0xF004). KeDelayExecutionThread is the DDI rule IrqlKeApcLte1 (0x2000F). No APCs exist
 * in user space, so Alertable changes nothing and no wait ends with STATUS_ALERTED.
 */
#include <vpspin/wdm.h>

#include "check/verify.h"
#include "ke/dispatcher.h"

NTSTATUS vsp_wait_object(enum vsp_api api, PVOID Object, PLARGE_INTEGER Timeout, const void *site)
{
    KIRQL max = Timeout != NULL && Timeout->QuadPart == 0 ? DISPATCH_LEVEL : APC_LEVEL;
    if (!vsp_irql_allows(api, VSP_RULE_IRQL, max, (ULONG_PTR)Object, 0))
        return STATUS_INVALID_PARAMETER;
    DISPATCHER_HEADER *h = Object;
    if (h == NULL || !vsp_dispatcher_valid(h)) {
        if (vsp_checking())
            vsp_report_service(api, VSP_RULE_OBJECT, (ULONG_PTR)Object,
                               h != NULL ? (ULONG_PTR)(ULONG)h->Lock : 0, 0);
        return STATUS_INVALID_PARAMETER;
    }
    return vsp_dispatcher_wait(h, vsp_deadline(Timeout), site) ? STATUS_SUCCESS : STATUS_TIMEOUT;
}

NTSTATUS KeWaitForSingleObject(PVOID Object, KWAIT_REASON WaitReason, KPROCESSOR_MODE WaitMode,
                               BOOLEAN Alertable, PLARGE_INTEGER Timeout)
{
    (void)WaitReason, (void)WaitMode, (void)Alertable;
    return vsp_wait_object(VSP_API_KeWaitForSingleObject, Object, Timeout,
                           __builtin_return_address(0));
}

NTSTATUS KeDelayExecutionThread(KPROCESSOR_MODE WaitMode, BOOLEAN Alertable,
                                PLARGE_INTEGER Interval)
{
    (void)WaitMode, (void)Alertable;
    if (!vsp_irql_allows(VSP_API_KeDelayExecutionThread, VSP_RULE_APC_LTE, APC_LEVEL, 0, 0))
        return STATUS_INVALID_PARAMETER;
    if (Interval == NULL)
        return STATUS_INVALID_PARAMETER;
    vsp_sleep_until(vsp_deadline(Interval), __builtin_return_address(0));
    return STATUS_SUCCESS;
}
