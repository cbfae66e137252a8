/*
 * sched/point.h - the kinds of scheduling point (sched.h), on their own so that delay
 * injection can name them without the scheduler.
 */
#ifndef VSP_POINT_H
#define VSP_POINT_H

/* The kinds of scheduling point, as the trace names them (vsp_sched_kind_name). */
enum vsp_sp {
    VSP_SP_START,       /* a thread's first step */
    VSP_SP_EXIT,        /* it returns from its start routine */
    VSP_SP_ACQUIRE,     /* a spin lock acquire, before the attempt */
    VSP_SP_LOCK_WAIT,   /* blocked on a held spin lock */
    VSP_SP_RELEASE,     /* a spin lock released (wakes its waiters) */
    VSP_SP_RAISE,       /* KeRaiseIrql and the port's raises */
    VSP_SP_LOWER,       /* KeLowerIrql and the port's lowers */
    VSP_SP_INTERLOCKED, /* VideoPortInterlocked* */
    VSP_SP_DPC_QUEUE,   /* VideoPortQueueDpc */
    VSP_SP_DPC_RUN,     /* a DPC routine is delivered */
    VSP_SP_INTERRUPT,   /* HwInterrupt is delivered */
    VSP_SP_TIMER,       /* HwTimer: the timer expired */
    VSP_SP_EVENT_SET,   /* an event or condition is set (wakes its waiters) */
    VSP_SP_EVENT_WAIT,  /* blocked on an event or condition */
    VSP_SP_MUTEX_WAIT,  /* blocked on a mutex of the host */
    VSP_SP_JOIN,        /* blocked until a thread exits */
    VSP_SP_YIELD,       /* vpspin_sched_yield, KeTestSpinLock finding the lock held */
    VSP_SP_STALL,       /* VideoPortStallExecution: virtual time passes */
    VSP_SP_KINDS
};

#endif
