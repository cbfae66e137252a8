/*
 * ke/time.c - the clocks and the stall: KeQuerySystemTime (CLOCK_REALTIME, as 100 ns units
 * since 1601), KeQueryInterruptTime and KeQueryPerformanceCounter (CLOCK_MONOTONIC, at
 * 10 MHz as on current Windows), KeQueryTickCount and KeQueryTimeIncrement (15.625 ms
 * ticks of the interrupt time), KeGetCurrentProcessorNumber, KeStallExecutionProcessor.
 * All at any IRQL.
 *
 * In the controlled mode (sched/sched.h) the clocks are virtual: the interrupt time is
 * vsp_sched_now_ns(), which moves only when the scheduler lets time pass (a timed wait's
 * deadline, a stall), and the system time moves with it, from the real one's reading
 * when it was first asked for; so a timed wait, a timer and what a driver measures with
 * them agree, and a run replays whatever the real clocks do.
 */
#include <sched.h>
#include <time.h>

#include <vpspin/wdm.h>

#include "base/clock.h"
#include "base/cpu.h"
#include "sched/sched.h"

#define VSP_EPOCH_1601 11644473600ull /* seconds from 1601-01-01 to 1970-01-01 */
#define VSP_TICK       156250u        /* 100 ns units per clock tick */

/* CLOCK_REALTIME in ns, or its virtual counterpart in the controlled mode. */
static uint64_t vsp_realtime_ns(void)
{
    static uint64_t offset; /* real minus virtual, once taken; 0: not yet (atomic) */
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t real = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
    if (!vsp_sched_controlled())
        return real;
    uint64_t virt = vsp_sched_now_ns(), off = __atomic_load_n(&offset, __ATOMIC_RELAXED);
    if (off == 0) {
        uint64_t mine = real - virt;
        __atomic_compare_exchange_n(&offset, &off, mine, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED);
        if (off == 0)
            off = mine;
    }
    return virt + off;
}

VOID KeQuerySystemTime(PLARGE_INTEGER CurrentTime)
{
    CurrentTime->QuadPart = (LONGLONG)(vsp_realtime_ns() / 100u + VSP_EPOCH_1601 * 10000000u);
}

ULONGLONG KeQueryInterruptTime(VOID) { return vsp_sched_now_ns() / 100u; }

VOID KeQueryTickCount(PLARGE_INTEGER TickCount)
{
    TickCount->QuadPart = (LONGLONG)(KeQueryInterruptTime() / VSP_TICK);
}

ULONG KeQueryTimeIncrement(VOID) { return VSP_TICK; }

LARGE_INTEGER KeQueryPerformanceCounter(PLARGE_INTEGER PerformanceFrequency)
{
    LARGE_INTEGER now;
    now.QuadPart = (LONGLONG)KeQueryInterruptTime();
    if (PerformanceFrequency != NULL)
        PerformanceFrequency->QuadPart = 10000000;
    return now;
}

ULONG KeGetCurrentProcessorNumber(VOID)
{
    int cpu = sched_getcpu();
    return cpu < 0 ? 0 : (ULONG)cpu;
}

VOID KeStallExecutionProcessor(ULONG MicroSeconds)
{
    if (vsp_sched_controlled()) {
        /* Virtual time: the others may run meanwhile, and no time is spent. */
        vsp_sched_stall((uint64_t)MicroSeconds * 1000u, __builtin_return_address(0));
        return;
    }
    vsp_sched_point(VSP_SP_STALL, NULL, VSP_SCHED_SAME_IRQL, __builtin_return_address(0));
    /* Busy-wait, never sleep: the caller may be at raised IRQL. */
    uint64_t end = vsp_mono_ns() + (uint64_t)MicroSeconds * 1000u;
    while (vsp_mono_ns() < end)
        vsp_cpu_relax();
}
