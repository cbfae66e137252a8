/*
 * videoport/misc.c - the port helpers miniports use beside spin locks: the current
 * IRQL, interlocked operations and short busy waits.
 */
#include <vpspin/video.h>

UCHAR VideoPortGetCurrentIrql(VOID) { return KeGetCurrentIrql(); }

LONG FASTCALL VideoPortInterlockedIncrement(PLONG Addend)
{
    return __atomic_add_fetch(Addend, 1, __ATOMIC_SEQ_CST);
}

LONG FASTCALL VideoPortInterlockedDecrement(PLONG Addend)
{
    return __atomic_sub_fetch(Addend, 1, __ATOMIC_SEQ_CST);
}

LONG FASTCALL VideoPortInterlockedExchange(PLONG Target, LONG Value)
{
    return __atomic_exchange_n(Target, Value, __ATOMIC_SEQ_CST);
}

/* The Ke stall: a busy wait, never a sleep (the caller may be at raised IRQL). */
VOID VideoPortStallExecution(ULONG Microseconds) { KeStallExecutionProcessor(Microseconds); }
