/*
 * sched/point.h - the kinds of scheduling point (sched.h), on their own so that delay
 * injection and vpspin-explore can name them without the scheduler.
 */
#ifndef VSP_POINT_H
#define VSP_POINT_H

/* The kinds of scheduling point, as the trace names them (VSP_SP_NAMES). */
enum vsp_sp {
    VSP_SP_START,        /* a thread's first step */
    VSP_SP_EXIT,         /* it returns from its start routine */
    VSP_SP_ACQUIRE,      /* a spin lock acquire, before the attempt */
    VSP_SP_LOCK_WAIT,    /* blocked on a held spin lock */
    VSP_SP_RELEASE,      /* a spin lock released (wakes its waiters) */
    VSP_SP_RAISE,        /* KeRaiseIrql and the port's raises */
    VSP_SP_LOWER,        /* KeLowerIrql and the port's lowers */
    VSP_SP_INTERLOCKED,  /* VideoPortInterlocked* */
    VSP_SP_DPC_QUEUE,    /* VideoPortQueueDpc, KeInsertQueueDpc */
    VSP_SP_DPC_RUN,      /* a DPC routine is delivered (the port's or a KDPC's) */
    VSP_SP_INTERRUPT,    /* HwInterrupt is delivered */
    VSP_SP_TIMER,        /* HwTimer: the timer expired; a KTIMER is about to expire */
    VSP_SP_EVENT_SET,    /* an event or condition is set, a timer signaled (wakes its waiters) */
    VSP_SP_EVENT_WAIT,   /* blocked on an event, a timer or a condition */
    VSP_SP_MUTEX_WAIT,   /* blocked on a mutex of the host */
    VSP_SP_JOIN,         /* blocked until a thread exits */
    VSP_SP_YIELD,        /* vpspin_sched_yield, KeTestSpinLock finding the lock held, a
                            poll of an event or timer that found it not signaled */
    VSP_SP_STALL,        /* VideoPortStallExecution: virtual time passes */
    VSP_SP_WAIT,         /* KeWaitForSingleObject, VideoPortWaitForSingleObject: the attempt */
    VSP_SP_EVENT_CLEAR,  /* KeResetEvent, KeClearEvent, VideoPortClearEvent */
    VSP_SP_READ_STATE,   /* KeReadStateEvent, KeReadStateTimer, VideoPortReadStateEvent */
    VSP_SP_TIMER_SET,    /* KeSetTimer, KeSetTimerEx */
    VSP_SP_TIMER_CANCEL, /* KeCancelTimer */
    VSP_SP_DPC_REMOVE,   /* KeRemoveQueueDpc */
    VSP_SP_DPC_FLUSH,    /* KeFlushQueuedDpcs, before it waits */
    VSP_SP_DELAY,        /* KeDelayExecutionThread: blocked until virtual time passes */
    VSP_SP_KINDS
};

/* Their names, in the order above: the scheduler's reports and vpspin-explore's trace. */
#define VSP_SP_NAMES                                                                               \
    {                                                                                              \
        "start", "exit", "acquire", "lock-wait", "release", "raise", "lower", "interlock",         \
            "dpc-queue", "dpc-run", "interrupt", "timer", "event-set", "event-wait", "mutex-wait", \
            "join", "yield", "stall", "wait", "clear", "read-state", "timer-set", "cancel",        \
            "dpc-remove", "dpc-flush", "delay"                                                     \
    }

#endif
