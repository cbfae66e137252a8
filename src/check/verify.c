/*
 * check/verify.c - the reports of the rules of verify.h: the words and the parameters of each,
 * as documented per subcode in docs/checked-mode.md and vpspin(7).
 */
#include "check/verify.h"

#include "check/bugcheck.h"
#include "check/lockinfo.h"
#include "lock/thread.h"

static const char *vsp_rule_text(uint32_t subcode, bool deleted, KIRQL requested)
{
    switch (subcode) {
    case 0x30:
        return requested > HIGH_LEVEL ? "IRQL raised to a level above HIGH_LEVEL"
                                      : "IRQL raised to a level below the current one";
    case 0x31:
        return "IRQL lowered to a level above the current one";
    case 0x32:
        return "spin lock released with a lowering release while not at DISPATCH_LEVEL";
    case 0x40:
        return "spin lock acquired at DPC level while below DISPATCH_LEVEL";
    case 0x41:
        return "spin lock released at DPC level while below DISPATCH_LEVEL";
    case 0x42:
        return "spin lock acquired with a raise to DISPATCH_LEVEL from above DISPATCH_LEVEL";
    case 0x1000:
        return "spin lock acquired again by the thread that holds it (it would spin forever)";
    case 0x1002:
        return deleted ? "spin lock used after VideoPortDeleteSpinLock deleted it"
                       : "spin lock that VideoPortCreateSpinLock never created";
    case 0x1004:
        return "spin lock released by a thread that does not hold it";
    case 0x1007:
        return "spin lock released while no thread holds it";
    case 0x1009:
        return "spin lock released by a function that does not match the one that acquired it";
    case 0x100B:
        return "spin lock deleted while held";
    case 0x20015:
        return "spin lock released to an IRQL other than the one its acquire returned";
    case VSP_RULE_POOL_ZERO:
        return "pool allocation of zero bytes";
    case VSP_RULE_POOL_PAGED:
        return "paged pool allocated above APC_LEVEL";
    case VSP_RULE_POOL_NONPAGED:
        return "nonpaged pool allocated above DISPATCH_LEVEL";
    case VSP_RULE_FREE_BAD:
        return "pool freed at an address that no allocation returned";
    case VSP_RULE_FREE_PAGED:
        return "paged pool freed above APC_LEVEL";
    case VSP_RULE_FREE_NONPAGED:
        return "nonpaged pool freed above DISPATCH_LEVEL";
    case VSP_RULE_FREE_TWICE:
        return "pool freed that was freed already";
    case VSP_RULE_FREE_TIMER:
        return "pool freed that holds a set timer or a queued DPC";
    case VSP_RULE_APC_LTE:
        return "IrqlKeApcLte1: called above APC_LEVEL";
    case VSP_RULE_DISPATCH_LTE:
        return "IrqlKeDispatchLte: called above DISPATCH_LEVEL";
    case VSP_RULE_SET_EVENT:
        return "IrqlKeSetEvent: KeSetEvent called above DISPATCH_LEVEL, or above APC_LEVEL "
               "with Wait TRUE";
    case VSP_RULE_IRQL:
        return "service called above the highest IRQL it allows";
    case VSP_RULE_OBJECT:
        return "object that was never initialized as one of its kind, or was deleted";
    default: /* VSP_RULE_FREE_TAG: every subcode of verify.h has its case */
        return "pool freed with a tag other than the one it was allocated with";
    }
}

void vsp_report(enum vsp_api api, uint32_t subcode, const void *lock, KIRQL cur, KIRQL requested,
                int new_irql, unsigned kind)
{
    struct vsp_violation v = {
        .code = VSP_DRIVER_VERIFIER_DETECTED_VIOLATION,
        .p = {subcode, 0, 0, 0},
        .api = api,
        .lock = lock,
        .lock_readable = true, /* with no lock (the IRQL rules) the report says "none" */
    };
    bool deleted = false;
    /* Never read a lock word through a handle that is not a lock slot. */
    ULONG_PTR word = 0;
    if (subcode == 0x1002) {
        struct vsp_lock_info info;
        deleted = vsp_lock_describe(lock, &info) && !info.live;
        v.lock_readable = deleted;
    } else if (lock != NULL) {
        word = __atomic_load_n((const ULONG_PTR *)lock, __ATOMIC_RELAXED);
    }
    switch (subcode) {
    case 0x30:
    case 0x31: /* current IRQL, requested IRQL */
        v.p[1] = cur;
        v.p[2] = requested;
        break;
    case 0x32:
    case 0x40:
    case 0x41:
    case 0x42: /* current IRQL, lock */
        v.p[1] = cur;
        v.p[2] = (ULONG_PTR)lock;
        break;
    case 0x1002: /* handle, 1 if deleted */
        v.p[1] = (ULONG_PTR)lock;
        v.p[2] = deleted;
        break;
    case 0x1009: /* lock, word, the variant the release expects */
        v.p[1] = (ULONG_PTR)lock;
        v.p[2] = word;
        v.p[3] = kind;
        break;
    case 0x20015: /* lock, NewIrql passed, OldIrql the acquire returned */
        v.p[1] = (ULONG_PTR)lock;
        v.p[2] = (ULONG_PTR)new_irql;
        v.p[3] = vsp_record_irql(vsp_word_owner(word));
        break;
    default: /* 0x1000, 0x1004, 0x1007, 0x100B: lock, word, calling thread */
        v.p[1] = (ULONG_PTR)lock;
        v.p[2] = word;
        v.p[3] = (ULONG_PTR)vsp_tid();
        break;
    }
    v.rule = vsp_rule_text(subcode, deleted, requested);
    vsp_bugcheck(&v);
}

bool vsp_report_service(enum vsp_api api, uint32_t subcode, ULONG_PTR p2, ULONG_PTR p3,
                        ULONG_PTR p4)
{
    const char *text = vsp_rule_text(subcode, false, 0);
    struct vsp_violation v = {
        .code = VSP_DRIVER_VERIFIER_DETECTED_VIOLATION,
        .p = {subcode, subcode >= 0x20000u ? (ULONG_PTR)text : p2, p3, p4},
        .rule = text,
        .api = api,
        .lock_readable = true, /* no lock: "Lock: none" (the object is in the parameters) */
    };
    vsp_bugcheck(&v);
    return false;
}
