/*
 * lock/lockword.h - what a KSPIN_LOCK word says.
 *
 * The WDK's ABI fixes only that the word is pointer-sized, 0 when initialised and free,
 * and nonzero while held. vpspin splits it in two 32-bit halves (mixed-size atomics on
 * one naturally aligned word, as Linux's qspinlock does on its 32-bit word):
 *
 * The owner half (the low-addressed half on little-endian; see vsp_owner_half) holds the
 * whole record of the acquisition, so every default-mode rule about a lock is an O(1)
 * look at its word and no side table is needed:
 *
 *   bits 8..29 owner   kernel thread id of the holder (ids fit in 22 bits)
 *   bit  7     HELD    set in every record
 *   bits 3..6  IRQL    the IRQL a raising acquire returned (0 for the DPC variants)
 *   bit  2     QUEUED  taken by an in-stack queued acquire
 *   bit  1     DPC     taken by an AtDpcLevel acquire (the IRQL was not raised)
 *   bit  0     -       0 in a record
 *
 * or 0 (free), or VSP_W_HANDOFF (1) / VSP_W_HANDOFF_SLEEPER (3): the last holder passed
 * the lock to a waiter (one that has waited past its patience / one that has been asleep)
 * that has not claimed it yet; nobody else may take it.
 *
 * The waiter half belongs to the lock algorithm (spinlock_algo.c): its PARKED and WANT
 * flags, and it is the futex word waiters sleep on. It can be nonzero while the lock is
 * free, for as long as some thread waits; the lock is free exactly when the owner half is 0.
 */
#ifndef VSP_LOCKWORD_H
#define VSP_LOCKWORD_H

#include <stdbool.h>
#include <stdint.h>

#include <vpspin/wdm.h>

#define VSP_W_HANDOFF ((uint32_t)0x01)
#define VSP_W_HANDOFF_SLEEPER ((uint32_t)0x03)
#define VSP_W_DPC ((uint32_t)0x02)
#define VSP_W_QUEUED ((uint32_t)0x04)
#define VSP_W_IRQL_SHIFT 3
#define VSP_W_IRQL_MASK ((uint32_t)0x78)
#define VSP_W_HELD ((uint32_t)0x80)
#define VSP_W_OWNER_SHIFT 8

/* The four ways to hold a lock: the variant bits of a record. */
enum vsp_kind {
    VSP_PLAIN = 0,                         /* KeAcquireSpinLock, VideoPortAcquireSpinLock */
    VSP_PLAIN_DPC = VSP_W_DPC,             /* ...AtDpcLevel */
    VSP_QUEUED = VSP_W_QUEUED,             /* KeAcquireInStackQueuedSpinLock */
    VSP_QUEUED_DPC = VSP_W_QUEUED | VSP_W_DPC
};
#define VSP_W_KIND_MASK (VSP_W_QUEUED | VSP_W_DPC)

/* The halves, as 32-bit atomics that may alias the ULONG_PTR word. */
typedef uint32_t __attribute__((may_alias)) vsp_half;

static inline vsp_half *vsp_owner_half(PKSPIN_LOCK w)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    return (vsp_half *)w + 1;
#else
    return (vsp_half *)w;
#endif
}

static inline vsp_half *vsp_waiter_half(PKSPIN_LOCK w)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    return (vsp_half *)w;
#else
    return (vsp_half *)w + 1;
#endif
}

/* The owner half of a word value read whole. */
static inline uint32_t vsp_word_owner(ULONG_PTR w) { return (uint32_t)(w & 0xFFFFFFFFu); }

static inline uint32_t vsp_record_tag(int tid)
{
    return ((uint32_t)tid << VSP_W_OWNER_SHIFT) | VSP_W_HELD;
}

/* The record a holder stores: its tag, how it acquired, the IRQL it must go back to. */
static inline uint32_t vsp_record(uint32_t tag, unsigned kind, KIRQL old_irql)
{
    return tag | kind | (((uint32_t)old_irql << VSP_W_IRQL_SHIFT) & VSP_W_IRQL_MASK);
}

static inline int vsp_record_tid(uint32_t r) { return (int)(r >> VSP_W_OWNER_SHIFT); }
static inline unsigned vsp_record_kind(uint32_t r) { return r & VSP_W_KIND_MASK; }
static inline KIRQL vsp_record_irql(uint32_t r)
{
    return (KIRQL)((r & VSP_W_IRQL_MASK) >> VSP_W_IRQL_SHIFT);
}
static inline bool vsp_record_is_handoff(uint32_t r)
{
    return r == VSP_W_HANDOFF || r == VSP_W_HANDOFF_SLEEPER;
}

/* The holder's tag part of a record (owner and HELD); 0 for free and handoff. */
static inline uint32_t vsp_record_owner_tag(uint32_t r)
{
    return r & ~(uint32_t)(VSP_W_HANDOFF | VSP_W_KIND_MASK | VSP_W_IRQL_MASK);
}

#endif
