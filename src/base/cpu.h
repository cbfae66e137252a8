/*
 * base/cpu.h - the processor's spin-wait hint.
 */
#ifndef VSP_CPU_H
#define VSP_CPU_H

/* Tells the core we are polling: frees pipeline resources for the sibling hyperthread
 * and lowers the cost of the memory-order mis-speculation when the polled line changes.
 * Always inlined: a sanitizer build would otherwise make it a function of its own, with
 * the race detector's entry hook, and a thread that polls before ThreadSanitizer has set
 * it up (sched/thread.c's trampoline) would crash in that hook. */
__attribute__((always_inline)) static inline void vsp_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__) || defined(__arm__)
    __asm__ __volatile__("yield" ::: "memory");
#else
    __asm__ __volatile__("" ::: "memory");
#endif
}

#endif
