/*
 * videoport/misc.c - the port helpers miniports use beside spin locks: the current
 * IRQL, interlocked operations and short busy waits.
 */
#include <vpspin/video.h>

#include "sched/sched.h"

/* Each Interlocked operation is a scheduling point (sched/sched.h), before it. */
#define VSP_INTERLOCKED_POINT(target)                                                              \
    vsp_sched_point(VSP_SP_INTERLOCKED, (target), VSP_SCHED_SAME_IRQL, __builtin_return_address(0))

UCHAR VideoPortGetCurrentIrql(VOID) { return KeGetCurrentIrql(); }

LONG FASTCALL VideoPortInterlockedIncrement(PLONG Addend)
{
    VSP_INTERLOCKED_POINT(Addend);
    return __atomic_add_fetch(Addend, 1, __ATOMIC_SEQ_CST);
}

LONG FASTCALL VideoPortInterlockedDecrement(PLONG Addend)
{
    VSP_INTERLOCKED_POINT(Addend);
    return __atomic_sub_fetch(Addend, 1, __ATOMIC_SEQ_CST);
}

LONG FASTCALL VideoPortInterlockedExchange(PLONG Target, LONG Value)
{
    VSP_INTERLOCKED_POINT(Target);
    return __atomic_exchange_n(Target, Value, __ATOMIC_SEQ_CST);
}

/* The Ke stall: a busy wait, never a sleep (the caller may be at raised IRQL). */
VOID VideoPortStallExecution(ULONG Microseconds) { KeStallExecutionProcessor(Microseconds); }
