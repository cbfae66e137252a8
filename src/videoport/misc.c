/*
 * videoport/misc.c - the port helpers miniports use beside spin locks: the current
 * IRQL, interlocked operations and short busy waits.
 */
#include <time.h>

#include <vpspin/video.h>

#include "base/cpu.h"
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

static unsigned long long vsp_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

VOID VideoPortStallExecution(ULONG Microseconds)
{
    if (vsp_sched_controlled()) {
        /* Virtual time: the others may run meanwhile, and no time is spent. */
        vsp_sched_stall((unsigned long long)Microseconds * 1000ull, __builtin_return_address(0));
        return;
    }
    vsp_sched_point(VSP_SP_STALL, NULL, VSP_SCHED_SAME_IRQL, __builtin_return_address(0));
    /* Busy-wait, never sleep: the caller may be at raised IRQL. */
    unsigned long long end = vsp_now_ns() + (unsigned long long)Microseconds * 1000ull;
    while (vsp_now_ns() < end)
        vsp_cpu_relax();
}
