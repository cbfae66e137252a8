/*
 * check/verify.h - the checked mode: the rules of vpspin(7), checked before a call acts.
 *
 * Each rule is a predicate here (vsp_rule_*: the 0xC4 subcode broken, or 0), cheap enough
 * to inline; reporting a broken rule, with its parameters, is in verify.c. Every vsp_verify_*
 * returns true when the call may go on; when a rule is broken it reports (bugcheck.h) and,
 * if the installed handler returns, returns false: the caller must then return without
 * effect. With checking off, callers skip all of this behind one branch on vsp_slow_paths
 * (base/slow.h). The rules of a VideoPort handle are predicates here too; testing a handle
 * is the VideoPort layer's (videoport/vplock.h), as is the rule of the miniport contexts
 * (check/context.h) the host's.
 */
#ifndef VSP_VERIFY_H
#define VSP_VERIFY_H

#include <stdbool.h>
#include <stdint.h>

#include <vpspin/vpspin.h>

#include "base/slow.h"
#include "check/api.h"
#include "lock/lockword.h"
#include "lock/thread.h"

/* ---- The rules ------------------------------------------------------------------------ */

static inline uint32_t vsp_rule_raise(KIRQL cur, KIRQL new_irql)
{
    return new_irql < cur || new_irql > HIGH_LEVEL ? 0x30 : 0;
}

static inline uint32_t vsp_rule_lower(KIRQL cur, KIRQL new_irql)
{
    return new_irql > cur ? 0x31 : 0;
}

/* The IRQL part of an acquire's rule: all of it for a lock found free, which nobody holds. */
static inline uint32_t vsp_rule_acquire_irql(unsigned kind, KIRQL cur)
{
    if (kind & VSP_W_DPC)
        return cur < DISPATCH_LEVEL ? 0x40 : 0;
    return cur > DISPATCH_LEVEL ? 0x42 : 0;
}

/* An acquire of a lock whose owner half reads owner, by the thread tagged self. */
static inline uint32_t vsp_rule_acquire(unsigned kind, KIRQL cur, uint32_t owner, uint32_t self)
{
    uint32_t rule = vsp_rule_acquire_irql(kind, cur);
    if (rule != 0)
        return rule;
    return vsp_record_owner_tag(owner) == self ? 0x1000 : 0;
}

/* A release; new_irql < 0 for the variants that do not lower. */
static inline uint32_t vsp_rule_release(unsigned kind, KIRQL cur, uint32_t owner, uint32_t self,
                                        int new_irql)
{
    if (kind & VSP_W_DPC) {
        if (cur < DISPATCH_LEVEL)
            return 0x41;
    } else if (cur != DISPATCH_LEVEL) {
        return 0x32;
    }
    if (owner == 0)
        return 0x1007;
    if (vsp_record_owner_tag(owner) != self)
        return 0x1004;
    if (vsp_record_kind(owner) != kind)
        return 0x1009;
    if (new_irql >= 0 && (KIRQL)new_irql != vsp_record_irql(owner))
        return 0x20015;
    return 0;
}

/* The same rule in one comparison, for a fast path: true if it certainly holds (the owner
 * half is the record that self's acquire of this kind stored, with new_irql as its IRQL),
 * false if it may be broken (vsp_rule_release then says which part). HELD is set in every
 * record, so a thread not yet attached (self 0) matches none. */
static inline bool vsp_rule_release_ok(unsigned kind, KIRQL cur, uint32_t owner, uint32_t self,
                                       int new_irql)
{
    bool irql_ok = kind & VSP_W_DPC ? cur >= DISPATCH_LEVEL : cur == DISPATCH_LEVEL;
    uint32_t irql = new_irql >= 0 ? (uint32_t)new_irql : 0;
    return irql_ok && irql <= VSP_W_IRQL_MASK >> VSP_W_IRQL_SHIFT &&
           owner == (vsp_record(self, kind, (KIRQL)irql) | VSP_W_HELD);
}

/* The same, for a lock the caller holds with the record its tag | bits (bits: the kind and
 * IRQL of the record, as its acquire stored them; below HELD, so a new_irql too large for
 * the record's 4 bits cannot match). */
static inline bool vsp_rule_release_mine_ok(unsigned kind, KIRQL cur, uint32_t bits, int new_irql)
{
    bool irql_ok = kind & VSP_W_DPC ? cur >= DISPATCH_LEVEL : cur == DISPATCH_LEVEL;
    uint32_t irql = new_irql >= 0 ? (uint32_t)new_irql : 0;
    return irql_ok && bits == (kind | irql << VSP_W_IRQL_SHIFT);
}

/* A VideoPort handle: live is whether it names a lock created and not deleted. */
static inline uint32_t vsp_rule_vplock(bool live) { return live ? 0 : 0x1002; }

static inline uint32_t vsp_rule_delete(uint32_t owner) { return owner != 0 ? 0x100B : 0; }

/* A service callable only at IRQL <= max (vpspin(7) lists each one's max and subcode). */
static inline uint32_t vsp_rule_irql(KIRQL cur, KIRQL max, uint32_t subcode)
{
    return cur > max ? subcode : 0;
}

/* The subcodes of the services' rules beside the spin locks' (docs/checked-mode.md). */
#define VSP_RULE_POOL_ZERO 0x00u       /* a zero-byte pool allocation */
#define VSP_RULE_POOL_PAGED 0x01u      /* paged pool allocated above APC_LEVEL */
#define VSP_RULE_POOL_NONPAGED 0x02u   /* nonpaged pool allocated above DISPATCH_LEVEL */
#define VSP_RULE_FREE_BAD 0x10u        /* freeing an address no allocation returned */
#define VSP_RULE_FREE_PAGED 0x11u      /* paged pool freed above APC_LEVEL */
#define VSP_RULE_FREE_NONPAGED 0x12u   /* nonpaged pool freed above DISPATCH_LEVEL */
#define VSP_RULE_FREE_TWICE 0x13u      /* freeing pool already freed */
#define VSP_RULE_FREE_TIMER 0x15u      /* freeing pool that holds a set timer or queued DPC */
#define VSP_RULE_APC_LTE 0x2000Fu      /* DDI rule IrqlKeApcLte1 */
#define VSP_RULE_DISPATCH_LTE 0x20011u /* DDI rule IrqlKeDispatchLte */
#define VSP_RULE_SET_EVENT 0x20016u    /* DDI rule IrqlKeSetEvent */
#define VSP_RULE_IRQL 0xF003u          /* vpspin's: a service above its IRQL */
#define VSP_RULE_OBJECT 0xF004u        /* vpspin's: not an initialized object of its kind */
#define VSP_RULE_FREE_TAG 0xF005u      /* vpspin's: freed with another tag than allocated */

/* ---- Checking them -------------------------------------------------------------------- */

/* Reports subcode; if the handler returns, the caller returns without effect. */
__attribute__((cold)) void vsp_report(enum vsp_api api, uint32_t subcode, const void *lock,
                                      KIRQL cur, KIRQL requested, int new_irql, unsigned kind);

/* Reports a service's broken rule with the parameters given (always returns false); for
 * the DDI rules (0x2xxxx) Parameter2 is made the address of the rule's text, as Driver
 * Verifier's is, and p2 is ignored. */
__attribute__((cold)) bool vsp_report_service(enum vsp_api api, uint32_t subcode, ULONG_PTR p2,
                                              ULONG_PTR p3, ULONG_PTR p4);

/* A service's IRQL rule. Whether the call may go on: always with checking off; else at
 * IRQL <= max, or when the handler of the report returned (the call then returns without
 * effect). The parameters: pool rules P2 current IRQL, P3 a, P4 b (pool type and size or
 * address); DDI rules P2 the rule's text, P3 current IRQL, P4 max; 0xF003 P2 current IRQL,
 * P3 max, P4 a (the object, or 0). */
static inline bool vsp_irql_allows(enum vsp_api api, uint32_t subcode, KIRQL max, ULONG_PTR a,
                                   ULONG_PTR b)
{
    if (!vsp_checking())
        return true;
    KIRQL cur = vsp_self_tls.irql;
    if (__builtin_expect(vsp_rule_irql(cur, max, subcode) == 0, 1))
        return true;
    if (subcode == VSP_RULE_IRQL)
        return vsp_report_service(api, subcode, cur, max, a);
    if (subcode >= 0x20000u)
        return vsp_report_service(api, subcode, 0, cur, max);
    return vsp_report_service(api, subcode, cur, a, b);
}

static inline bool vsp_verify_raise(enum vsp_api api, KIRQL cur, KIRQL new_irql)
{
    uint32_t rule = vsp_rule_raise(cur, new_irql);
    if (__builtin_expect(rule != 0, 0))
        vsp_report(api, rule, NULL, cur, new_irql, -1, 0);
    return rule == 0;
}

static inline bool vsp_verify_lower(enum vsp_api api, KIRQL cur, KIRQL new_irql)
{
    uint32_t rule = vsp_rule_lower(cur, new_irql);
    if (__builtin_expect(rule != 0, 0))
        vsp_report(api, rule, NULL, cur, new_irql, -1, 0);
    return rule == 0;
}

static inline bool vsp_verify_acquire(enum vsp_api api, PKSPIN_LOCK w, unsigned kind, KIRQL cur,
                                      uint32_t self)
{
    uint32_t owner = __atomic_load_n(vsp_owner_half(w), __ATOMIC_RELAXED);
    uint32_t rule = vsp_rule_acquire(kind, cur, owner, self);
    if (__builtin_expect(rule != 0, 0))
        vsp_report(api, rule, w, cur, 0, -1, kind);
    return rule == 0;
}

/* The holder's record cannot change under us if we are the holder; if we are not, a
 * racing read only changes which report is made. */
static inline bool vsp_verify_release(enum vsp_api api, PKSPIN_LOCK w, unsigned kind, KIRQL cur,
                                      uint32_t self, int new_irql)
{
    uint32_t owner = __atomic_load_n(vsp_owner_half(w), __ATOMIC_RELAXED);
    uint32_t rule = vsp_rule_release(kind, cur, owner, self, new_irql);
    if (__builtin_expect(rule != 0, 0))
        vsp_report(api, rule, w, cur, 0, new_irql, kind);
    return rule == 0;
}

#endif
