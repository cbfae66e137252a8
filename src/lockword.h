/*
 * lockword.h - what a held KSPIN_LOCK word says.
 *
 * The WDK's ABI fixes only that the word is 0 when free and nonzero while held. vpspin
 * fills a held word with the whole record of the acquisition, so that every default-mode
 * rule about a lock is an O(1) look at its word, and no side table is needed:
 *
 *   bits 8..   owner   kernel thread id of the holder
 *   bit  7     HELD    always set while held
 *   bits 3..6  IRQL    the IRQL a raising acquire returned (0 for the DPC variants)
 *   bit  2     QUEUED  taken by an in-stack queued acquire
 *   bit  1     DPC     taken by an AtDpcLevel acquire (the IRQL was not raised)
 *   bit  0     WAITERS a waiter may be parked on the word (owned by the lock algorithm)
 *
 * States: 0 (free), owner|HELD|IRQL|QUEUED|DPC (held), the same |WAITERS (held, with
 * parked waiters). Only the holder writes the record bits; waiters only ever set WAITERS.
 * Thread ids fit in 22 bits, so the layout fits a 32-bit word too.
 */
#ifndef VSP_LOCKWORD_H
#define VSP_LOCKWORD_H

#include <vpspin/wdm.h>

#define VSP_W_WAITERS ((ULONG_PTR)0x01)
#define VSP_W_DPC ((ULONG_PTR)0x02)
#define VSP_W_QUEUED ((ULONG_PTR)0x04)
#define VSP_W_IRQL_SHIFT 3
#define VSP_W_IRQL_MASK ((ULONG_PTR)0x78)
#define VSP_W_HELD ((ULONG_PTR)0x80)
#define VSP_W_OWNER_SHIFT 8

/* The four ways to hold a lock: the variant bits of the word. */
enum vsp_kind {
    VSP_PLAIN = 0,                         /* KeAcquireSpinLock, VideoPortAcquireSpinLock */
    VSP_PLAIN_DPC = VSP_W_DPC,             /* ...AtDpcLevel */
    VSP_QUEUED = VSP_W_QUEUED,             /* KeAcquireInStackQueuedSpinLock */
    VSP_QUEUED_DPC = VSP_W_QUEUED | VSP_W_DPC
};
#define VSP_W_KIND_MASK (VSP_W_QUEUED | VSP_W_DPC)

static inline ULONG_PTR vsp_word_owner_tag(int tid)
{
    return ((ULONG_PTR)tid << VSP_W_OWNER_SHIFT) | VSP_W_HELD;
}

/* The value a holder stores: its tag, how it acquired, the IRQL it must go back to. */
static inline ULONG_PTR vsp_word_held(ULONG_PTR tag, unsigned kind, KIRQL old_irql)
{
    return tag | kind | (((ULONG_PTR)old_irql << VSP_W_IRQL_SHIFT) & VSP_W_IRQL_MASK);
}

static inline int vsp_word_tid(ULONG_PTR w) { return (int)(w >> VSP_W_OWNER_SHIFT); }
static inline unsigned vsp_word_kind(ULONG_PTR w) { return (unsigned)(w & VSP_W_KIND_MASK); }
static inline KIRQL vsp_word_irql(ULONG_PTR w)
{
    return (KIRQL)((w & VSP_W_IRQL_MASK) >> VSP_W_IRQL_SHIFT);
}
/* The holder's tag part of a held word (owner and HELD). */
static inline ULONG_PTR vsp_word_tag(ULONG_PTR w)
{
    return w & ~(ULONG_PTR)(VSP_W_WAITERS | VSP_W_KIND_MASK | VSP_W_IRQL_MASK);
}

#endif
