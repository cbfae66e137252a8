/*
 * verify.c - the checked mode's state (the mode, from VPSPIN_VERIFY) and its reports: the
 * words and the parameters of each rule of verify.h, as documented per subcode in
 * docs/checked-mode.md and vpspin(7).
 */
#include "check/verify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/bugcheck.h"
#include "lock/thread.h"
#include "verifier/track.h"

static int vsp_verify_level = VPSPIN_VERIFY_DEFAULT; /* a vpspin_verify_mode */
unsigned vsp_slow_paths = VSP_SLOW_CHECK;

static unsigned vsp_track_reasons; /* VSP_TRACK_FOR_* */

/* Settings change only while no thread holds a lock, so flags may change one at a time. */
static void vsp_slow_set(unsigned flag, bool on)
{
    if (on)
        __atomic_fetch_or(&vsp_slow_paths, flag, __ATOMIC_RELAXED);
    else
        __atomic_fetch_and(&vsp_slow_paths, ~flag, __ATOMIC_RELAXED);
}

void vsp_track_for(unsigned reason, bool on)
{
    unsigned r = on ? __atomic_or_fetch(&vsp_track_reasons, reason, __ATOMIC_RELAXED)
                    : __atomic_and_fetch(&vsp_track_reasons, ~reason, __ATOMIC_RELAXED);
    vsp_slow_set(VSP_SLOW_TRACK, r != 0);
    vsp_slow_set(VSP_SLOW_FULL, r & VSP_TRACK_FOR_FULL);
    vsp_watchdog_mode(r & VSP_TRACK_FOR_FULL);
}

static void vsp_set_level(int level)
{
    __atomic_store_n(&vsp_verify_level, level, __ATOMIC_RELAXED);
    vsp_slow_set(VSP_SLOW_CHECK, level != VPSPIN_VERIFY_OFF);
    vsp_track_for(VSP_TRACK_FOR_FULL, level == VPSPIN_VERIFY_FULL);
}

void vpspin_set_lock_stat(BOOLEAN Collect) { vsp_track_for(VSP_TRACK_FOR_STATS, Collect != FALSE); }

/* Reads VPSPIN_VERIFY before main(): "0", "1" or "full". */
__attribute__((constructor)) static void vsp_verify_from_env(void)
{
    const char *s = getenv("VPSPIN_VERIFY");
    if (s == NULL || *s == '\0')
        return;
    if (strcmp(s, "0") == 0)
        vsp_set_level(VPSPIN_VERIFY_OFF);
    else if (strcmp(s, "1") == 0)
        vsp_set_level(VPSPIN_VERIFY_DEFAULT);
    else if (strcmp(s, "full") == 0)
        vsp_set_level(VPSPIN_VERIFY_FULL);
    else
        fprintf(stderr, "vpspin: VPSPIN_VERIFY=%s is not 0, 1 or full; using 1\n", s);
}

vpspin_verify_mode vpspin_get_verify(void)
{
    return (vpspin_verify_mode)__atomic_load_n(&vsp_verify_level, __ATOMIC_RELAXED);
}

int vpspin_set_verify(vpspin_verify_mode Mode)
{
    if (Mode != VPSPIN_VERIFY_OFF && Mode != VPSPIN_VERIFY_DEFAULT && Mode != VPSPIN_VERIFY_FULL)
        return -1;
    vsp_set_level((int)Mode);
    return 0;
}

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
    default:
        return "unknown rule";
    }
}

bool vsp_report(enum vsp_api api, uint32_t subcode, const void *lock, KIRQL cur, KIRQL requested,
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
        deleted = vsp_vplock_state((PSPIN_LOCK)lock) == VSP_VPLOCK_DELETED;
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
    return false;
}
