/*
 * spinlock_algo.pml - a Promela model of vpspin's lock algorithm (src/lock/spinlock_algo.c), for
 * the Spin model checker. models/check.sh runs every check; models/README.md has the results.
 *
 * WHAT IS MODELLED. One KSPIN_LOCK word and N threads (-DN=2 or -DN=3; 4 compiles too). Each
 * thread takes the lock, leaves it, and again, any number of times, and may stop for good
 * between two rounds. Each step of the model is one access of the C code to shared memory, in
 * program order, and names the C function and lines it models. Local computation is folded
 * into the neighbouring access. A load followed by a branch on what it read is one step (one
 * read); a load and a later CAS or RMW are two steps, and anything may happen in between.
 *
 *   owner   the owner half: 0 free, HANDOFF (1), HANDOFF_SLEEPER (3), or the holder's record.
 *           The record's contents (thread id, kind, IRQL) are abstracted to REC = 4 + thread
 *           id: the algorithm only ever asks "0, HANDOFF, HANDOFF_SLEEPER or other?".
 *   wh      the waiter half, with PARKED 1, WANT 2, SPINNER 8 exactly as in the C code.
 *   fq      the kernel's futex queue on the waiter half, FIFO. FUTEX_WAIT(h) atomically
 *           compares wh with h and either enqueues the thread (it then sleeps until a wake
 *           dequeues it) or returns at once (EAGAIN); FUTEX_WAKE(1) atomically dequeues the
 *           head, if any, and returns how many it woke. -DSPURIOUS adds EINTR returns.
 *
 * MEMORY ORDERING. All accesses are sequentially consistent except the releaser's stores to
 * the owner half: the fast path's store of 0, the full path's store of 0 and its handoff store.
 * Each goes into the releaser's store buffer (pend, pendv) and becomes visible later, at a
 * moment of the store_buffer process's choosing, while the releaser goes on loading and
 * updating the waiter half. That is the reordering the "No lost wake-up" argument of
 * lock/spinlock_algo.c (lines 65-73) must defeat: the store buffer on x86, and on Arm or POWER a
 * store-release followed by a relaxed load or RMW of another location. The releaser's own
 * next atomic access to the owner half drains its buffer (coherence). A parker's
 * membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED) does not return before every other running
 * thread has executed a full barrier: in the model it drains the other threads' buffers. At
 * most one store is ever pending (asserted): while one is, the owner half in memory still
 * holds the releaser's record, so nobody else can take the lock and release it in turn.
 *
 * TIME. The C code reads a clock to decide when a waiter becomes eligible (has waited past
 * its patience: VSP_PATIENCE_NS, 50 us, for plain locks, 0 for in-stack queued ones) and
 * when it stops spinning and parks (sleep_after). The model has no clock: at each turn of the
 * waiting loop a waiter may become eligible, and may park, nondeterministically. One fact
 * about the constants is kept: a waiter holding the spinner's role spins VSP_SPIN_NS (100 us)
 * before it parks, longer than any patience, so a spinner that parks is eligible (-DLOOSE_TIME
 * drops this fact). The pauses between looks (backoff) are no steps at all.
 * For the progress check only (-DLIVE), time is constrained as it is in reality:
 *   - time passes: a waiter is late (parks) at its second turn, and eligible at its second
 *     turn or after a park, at the latest;
 *   - every waiter has the same patience: they become eligible in the order they came (a
 *     sleeper notices only when it wakes);
 *   - a running waiter entitled to a pending handoff claims it within nanoseconds: no waiter
 *     that came after it becomes eligible or decides to park meanwhile (that takes
 *     microseconds). Without this, weak fairness alone lets the later waiter win every race.
 *
 * NOT MODELLED. IRQLs (per-thread bookkeeping: no effect on the word); the checked mode's
 * rules (a correct program passes them, and vsp_release then goes through vsp_unlock_begin as
 * in the unchecked mode); trylock-only callers (one CAS with no other effect); the data of the
 * critical sections. The fence mode used when membarrier is missing is modelled by
 * -DFENCE_MODE: every release takes the full path, whose store of 0 is followed by a full
 * fence, and the parker's barrier is a fence that orders only its own accesses.
 *
 * PROPERTIES.
 *   (a) mutual exclusion      assert in enter_cs()
 *   (b) no invalid end state  Spin's safety check: no state where every thread has stopped or
 *                             sleeps in the futex, with one sleeping for ever
 *   (c) no lost wake-up       LOST: a thread sleeps, the lock is free (owner 0, no pending
 *                             store), and no thread runs that could take it or wake anyone;
 *                             as a state assertion (process monitor) and as ltl nolost
 *   (d) progress              ltl live0, [] (trying[0] -> <> incs[0]), -DLIVE, pan -a -f
 *                             (thread 0 stands for any: the threads are symmetric)
 *   (e) handoff entitlement   asserts in claim(): a handoff is taken only by a waiter
 *                             entitled to it (HANDOFF: eligible, HANDOFF_SLEEPER: parked);
 *                             with -DGHOST_HANDOFF, entitled by the release that stored it
 *
 * SEEDED BUGS (must fail): -DBUG_NO_WAKE, vsp_unlock_end does not wake the sleeper it sees;
 * -DBUG_NO_MEMBARRIER, the parker's barrier does not drain the releaser's store buffer.
 * -DOLD_HANDOFF_RULE: the rule before the fix of bug 1 (only an eligible waiter may take a
 * plain HANDOFF); -DOLD_HANDOFF_FENCE: fence mode without the fix of finding 3.
 */

#ifndef N
#define N 2
#endif

/* lockword.h lines 35-36; records (lines 77-86) are abstracted to 4 + thread id */
#define HANDOFF 1
#define HANDOFF_SLEEPER 3
#define me _pid
#define REC (4 + me)
/* lock/spinlock_algo.h lines 24-26 */
#define PARKED 1
#define WANT 2
#define SPINNER 8

byte owner;                /* the owner half, as the other threads see it */
byte wh;                   /* the waiter half (the futex word) */
byte pend;                 /* 0, or 1 + id of the thread whose owner store is in its buffer */
byte pendv;                /* the value of that store */
chan fq = [N] of { byte }; /* the futex's FIFO queue of sleepers */
bool asleep[N];            /* in fq */
bool trying[N];            /* between the start of an acquire and the critical section */
bool incs[N];              /* in the critical section */
bool done[N];              /* stopped for good */
#ifdef LIVE
bool elig[N];              /* struct vsp_waiter .eligible (global: ELIG_OK reads them) */
bool parked[N];            /* struct vsp_waiter .parked */
byte rank[N];              /* how many of the waiters still waiting came before this one */
#define ELIGIBLE elig[me]
#define PARKEDW parked[me]
#else
#define ELIGIBLE eligible  /* locals of thread() */
#define PARKEDW parkedw
#endif
#ifdef GHOST_HANDOFF
byte hby;                  /* 1 + id of the thread whose release stored the pending handoff */
byte hval;                 /* the value that release decided on: who is entitled to it */
#endif

#if N == 2
#define ANY(P) (P(0) || P(1))
#define ALL(P) (P(0) && P(1))
#define SUM(P) (P(0) + P(1))
#define EACH(P) P(0); P(1)
#elif N == 3
#define ANY(P) (P(0) || P(1) || P(2))
#define ALL(P) (P(0) && P(1) && P(2))
#define SUM(P) (P(0) + P(1) + P(2))
#define EACH(P) P(0); P(1); P(2)
#elif N == 4
#define ANY(P) (P(0) || P(1) || P(2) || P(3))
#define ALL(P) (P(0) && P(1) && P(2) && P(3))
#define SUM(P) (P(0) + P(1) + P(2) + P(3))
#define EACH(P) P(0); P(1); P(2); P(3)
#else
#error "N must be 2, 3 or 4"
#endif

#define ASLEEP(i) asleep[i]
#define STOPPED(i) (asleep[i] || done[i])
#define OTHER_INCS(i) (i != me && incs[i])

/* (c): a sleeper, the lock free, and no thread left running that could take it or wake
 * anyone (all asleep or stopped). */
#define LOST (owner == 0 && pend == 0 && ANY(ASLEEP) && ALL(STOPPED))

/* lock/spinlock_algo.c vsp_may_take(), lines 190-196 */
#ifdef OLD_HANDOFF_RULE
#define HANDOFF_OK ELIGIBLE                /* the rule before bug 1 was fixed */
#else
#define HANDOFF_OK (ELIGIBLE || PARKEDW)   /* a parked waiter may take a plain HANDOFF too */
#endif
#define MAY_TAKE(o) ((o) == 0 || ((o) == HANDOFF && HANDOFF_OK) || ((o) == HANDOFF_SLEEPER && PARKEDW))

/* A release store to the owner half: into this thread's store buffer (at most one
 * pending store in the whole system: asserted). */
#define STORE_OWNER(v) assert(pend == 0); pend = me + 1; pendv = (v)
/* What this thread's own access to the owner half sees: its own pending store. */
#define OWNER_MINE (pend == me + 1 -> pendv : owner)
/* Its next atomic access to the owner half drains its own buffer first. */
#define DRAIN_MINE if :: pend == me + 1 -> owner = pendv; pend = 0; pendv = 0 :: else fi
/* membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED): every other thread's buffer drained. */
#define DRAIN_OTHERS if :: pend != 0 && pend != me + 1 -> owner = pendv; pend = 0; pendv = 0 :: else fi

#ifdef LIVE
/* The progress check's timing (see TIME above). The handoff value pending, in memory or in
 * a store buffer (0 if none); a running waiter that came before me and can claim it. */
#define HO_VAL (pend != 0 -> pendv : owner)
#define CLAIMER(i) (i != me && trying[i] && !asleep[i] && rank[i] < rank[me] && \
    ((HO_VAL == HANDOFF && elig[i]) || (HO_VAL == HANDOFF_SLEEPER && parked[i])))
/* A running waiter that came before me and is not eligible yet. */
#define EARLIER_NOT_ELIG(i) (i != me && trying[i] && !asleep[i] && !elig[i] && rank[i] < rank[me])
/* My patience may run out now. */
#define ELIG_OK (!ANY(CLAIMER) && !ANY(EARLIER_NOT_ELIG))
#define TRY(i) ((i != me && trying[i]) -> 1 : 0)
#define LEAVE(i) if :: trying[i] && rank[i] > rank[me] -> rank[i]-- :: else fi
#endif

/* Line 251: may the waiter be late (now >= sleep_after)? A spinner has spun VSP_SPIN_NS
 * (100 us) by then, more than its patience (VSP_PATIENCE_NS 50 us, or 0): it is eligible.
 * For the progress check, not while an earlier waiter can claim a pending handoff. */
#ifdef LOOSE_TIME
#define PARK_OK_TIME true
#else
#define PARK_OK_TIME (!spinner || ELIGIBLE)
#endif
#ifdef LIVE
#define PARK_OK (PARK_OK_TIME && !ANY(CLAIMER))
#else
#define PARK_OK PARK_OK_TIME
#endif

/* Entering the critical section: (a). */
inline enter_cs()
{
    assert(!ANY(OTHER_INCS));
#ifdef LIVE
    if
    :: trying[me] -> EACH(LEAVE); rank[me] = 0
    :: else
    fi;
#endif
    trying[me] = false;
    incs[me] = true
}

/* A waiter's CAS from o succeeded (in the same atomic step): (e). */
inline claim(o)
{
    assert(o != HANDOFF || HANDOFF_OK);
    assert(o != HANDOFF_SLEEPER || PARKEDW);
#ifdef GHOST_HANDOFF
    assert(o == 0 || o == hval);
    hby = 0;
    hval = 0
#endif
}

/* FUTEX_WAKE_PRIVATE, 1: wakes the first sleeper; n = how many it woke. */
inline futex_wake1()
{
    atomic {
        if
        :: nempty(fq) -> fq ? j; asleep[j] = false; j = 0; n = 1
        :: empty(fq) -> n = 0
        fi
    }
}

/* lock/spinlock_algo.c vsp_unlock_wake(), lines 297-304, called after a load of the waiter half
 * that saw PARKED (lock/spinlock_algo.h lines 71-72, lock/spinlock_algo.c lines 336-337). The load and
 * fetch_and are one step: when the load saw PARKED and the fetch_and does not, nothing
 * happens, as if the load had come at the fetch_and's time. */
inline unlock_end()
{
    if
    :: atomic { wh & PARKED -> wh = wh & ~PARKED }    /* load; line 300: fetch_and */
        futex_wake1(); n = 0                           /* line 302: FUTEX_WAKE 1 */
    :: atomic { !(wh & PARKED) }
    fi
}

/* lock/spinlock_algo.c vsp_spin_or_queue(), lines 166-178 (what its sleep_after means: line 281) */
inline spin_or_queue()
{
    if
    :: atomic { !(wh & SPINNER) -> h = wh }           /* line 170 */
        if                                             /* lines 170-172: CAS h -> h | SPINNER */
        :: atomic { wh == h -> wh = h | SPINNER; spinner = true; h = 0 }
        :: atomic { wh != h -> h = 0 }
        fi
    :: atomic { wh & SPINNER }                         /* line 175: not the spinner */
    fi
}

/* A thread. Line numbers without a file name are spinlock_algo.c's. */
active [N] proctype thread()
{
    bool slept;      /* struct vsp_waiter .slept */
    bool spinner;    /* .spinner */
#ifndef LIVE
    bool eligible;   /* .eligible */
    bool parkedw;    /* .parked */
#else
    bit turns;       /* turns of the waiting loop since the start or the last park (0, 1) */
    bit naps;        /* has parked since it started waiting */
#endif
    byte h;          /* a value of the waiter half a step read */
    byte o;          /* a value of the owner half a step read */
    byte to;         /* vsp_unlock's handoff value */
    byte j;          /* the thread a wake dequeued */
    bit n;           /* what FUTEX_WAKE returned */

idle:
    /* ---- acquire: ke/spinlock.h vsp_acquire_fast(), lines 103-122
     *      -> lock/spinlock_algo.h vsp_trylock(), lines 31-37: one CAS 0 -> record
     *      (when it fails, vsp_acquire_full -> lock/spinlock_algo.h vsp_lock(), lines 39-44)
     * (or stop for good) ---- */
    if
    :: atomic { done[me] = true; goto stop }
    :: atomic { OWNER_MINE == 0 -> DRAIN_MINE; owner = REC; enter_cs() }
        goto locked
    :: atomic { OWNER_MINE != 0 -> DRAIN_MINE;
#ifdef LIVE
                rank[me] = SUM(TRY);
#endif
                trying[me] = true }
    fi;

    /* ---- lock/spinlock_algo.c vsp_lock_slow(), lines 254-295 ---- */
    /* no spinner's role yet: it is taken after the first backoff (see below) */
wait:
    /* line 264: vsp_try_take(), lines 198-207: load the owner half, vsp_may_take, CAS */
    if
    :: atomic { MAY_TAKE(owner) -> o = owner }
        if
        :: atomic { owner == o -> claim(o); owner = REC; o = 0 }
            /* line 265: vsp_took(), lines 210-220 (its CAS loop is one RMW) */
            atomic {
                wh = (wh | (slept -> PARKED : 0)) & ~((ELIGIBLE -> WANT : 0) | (spinner -> SPINNER : 0));
                slept = false; spinner = false; ELIGIBLE = false; PARKEDW = false;
#ifdef LIVE
                naps = 0; turns = 0;
#endif
                enter_cs()
            }
            goto locked
        :: atomic { owner != o -> o = 0 }
        fi
    :: atomic { !MAY_TAKE(owner) }
    fi;
    /* lines 269-271: past the patience yet? line 272: load the waiter half */
    atomic {
#ifdef LIVE
        /* time passes: eligible at the second turn or after a park at the latest */
        if
        :: !ELIGIBLE && ELIG_OK -> ELIGIBLE = true
        :: ELIGIBLE || !ELIG_OK || (turns == 0 && !naps)
        fi;
#else
        if
        :: ELIGIBLE = true
        :: true
        fi;
#endif
        h = wh
    }
    /* lines 273-274: ask for a handoff */
    if
    :: ELIGIBLE && !(h & WANT) -> atomic { wh = wh | WANT }
    :: else
    fi;
    /* lines 275-280: the role is free (not taken yet, or the spinner got the lock): take
     * it, once the waiter has backed off once. The model does not track whether it has
     * (a bit per thread would quadruple the N=3 state space): it may take it or not at
     * any turn, which includes every order the C code can take. */
    if
    :: !spinner && !(h & SPINNER) -> h = 0; spin_or_queue()
    :: !spinner && !(h & SPINNER) -> h = 0             /* not yet backed off */
    :: else -> h = 0
    fi;
    /* line 281: now >= sleep_after? A spinner has spun VSP_SPIN_NS (100 us) by then, more
     * than its patience (VSP_PATIENCE_NS 50 us, or 0): it is eligible. Lines 255-261: else
     * pause and look again. */
    if
    :: PARK_OK ->
#ifdef LIVE
        turns = 0; naps = 1
    :: turns == 0 -> turns = 1; goto wait
    :: turns == 1 && !PARK_OK -> goto wait
#else
        skip
    :: goto wait
#endif
    fi;

    /* ---- line 282: vsp_park(), lines 223-252 ---- */
    /* line 226: vsp_stop_spinning(), lines 180-187 */
    if
    :: spinner -> atomic { wh = wh & ~SPINNER; spinner = false }
    :: else
    fi;
    /* lines 227-235: load; unless PARKED is set, CAS h -> h | PARKED; parked = true */
    if
    :: atomic { !(wh & PARKED) -> h = wh }
        if
        :: atomic { wh == h -> wh = h | PARKED; h = h | PARKED; PARKEDW = true }
        :: atomic { wh != h -> h = 0 }; goto wait      /* line 232: the flags moved */
        fi
    :: atomic { wh & PARKED -> h = wh; PARKEDW = true }
    fi;
    /* lines 236-240: the barrier between PARKED and the re-check */
#if defined(BUG_NO_MEMBARRIER) || defined(FENCE_MODE)
    /* no membarrier: a fence orders only this thread's own accesses */
#else
    atomic { DRAIN_OTHERS };
#endif
    /* lines 241-242: re-check the owner half */
    if
    :: atomic { MAY_TAKE(owner) -> h = 0 }; goto wait
    :: atomic { !MAY_TAKE(owner) }
    fi;
    /* line 246: FUTEX_WAIT_PRIVATE on the waiter half, expecting h: sleep, or EAGAIN */
    atomic {
        if
        :: wh == h -> fq ! me; asleep[me] = true
        :: else
        fi;
        h = 0
    }
#ifdef SPURIOUS
    if                                                 /* EINTR: leave the queue unwoken */
    :: atomic { asleep[me] -> fq ?? eval(me); asleep[me] = false }
    :: skip
    fi;
#endif
    /* lines 247-251: awake (woken, or EAGAIN): slept; vsp_spin_or_queue() */
    if
    :: atomic { !asleep[me] && !(wh & SPINNER) -> slept = true; h = wh }
        if
        :: atomic { wh == h -> wh = h | SPINNER; spinner = true; h = 0 }
        :: atomic { wh != h -> h = 0 }
        fi
    :: atomic { !asleep[me] && (wh & SPINNER) -> slept = true }
    fi;
    goto wait;

locked:
    /* ---- the critical section, then the release: ke/spinlock.h vsp_release_fast(), lines 133-154
     * (default mode: membarrier, checks pass) ---- */
#ifndef FENCE_MODE
    /* lock/spinlock_algo.h vsp_unlock_begin(), lines 52-63: line 56, load the waiter half;
     * only WANT sends the release to the full path (PARKED is unlock_end's, SPINNER nobody's) */
    if
    :: atomic { !(wh & WANT) -> incs[me] = false }
        atomic { STORE_OWNER(0) }                      /* lock/spinlock_algo.h line 61 */
        /* lock/spinlock_algo.h vsp_unlock_end(), lines 65-73: line 70 is a compiler barrier */
#ifdef BUG_NO_WAKE
        skip;                                          /* (seeded bug: no wake) */
#else
        unlock_end();
#endif
        goto idle
    :: atomic { wh & WANT -> incs[me] = false }        /* -> vsp_release_full -> vsp_unlock */
    fi;
#else
    incs[me] = false;                                  /* fence mode: always vsp_unlock */
#endif

    /* ---- lock/spinlock_algo.c vsp_unlock(), lines 306-338 ---- */
    if
    :: atomic { wh & WANT ->                           /* lines 311-315: hand over */
                to = (wh & PARKED -> HANDOFF_SLEEPER : HANDOFF) }   /* line 314 */
        atomic {
            STORE_OWNER(to);                           /* line 315 */
#ifdef GHOST_HANDOFF
            hby = me + 1; hval = to
#endif
        }
#if defined(FENCE_MODE) && !defined(OLD_HANDOFF_FENCE)
        atomic { DRAIN_MINE }                          /* the fence after the handoff store */
#endif
        if                                             /* line 322: fetch_and ~(WANT|PARKED) */
        :: atomic { wh & PARKED -> wh = wh & ~(WANT | PARKED) }
            futex_wake1();                             /* line 324 */
            if
            :: n == 0 && to == HANDOFF_SLEEPER ->      /* lines 325-328: CAS -> HANDOFF */
                atomic {
                    DRAIN_MINE;
                    if
                    :: owner == HANDOFF_SLEEPER ->
#ifdef GHOST_HANDOFF
                        /* nobody was asleep for our handoff: let eligible waiters take it;
                         * a later release's handoff keeps its own entitlement */
                        if
                        :: hby == me + 1 -> hval = HANDOFF
                        :: else
                        fi;
#endif
                        owner = HANDOFF
                    :: else
                    fi;
                    n = 0; to = 0
                }
            :: else -> n = 0; to = 0
            fi
        :: atomic { !(wh & PARKED) -> wh = wh & ~(WANT | PARKED); to = 0 }
        fi
    :: atomic { !(wh & WANT) }                         /* line 311 */
        atomic { STORE_OWNER(0) }                      /* line 331 */
#ifdef FENCE_MODE
        atomic { DRAIN_MINE }                          /* lines 332-335: full fence */
#endif
        unlock_end()                                   /* lines 336-337 */
    fi;
    goto idle;

stop:
    skip
}

/* The store buffer: a pending store to the owner half becomes visible at any time. */
active proctype store_buffer()
{
end:
    do
    :: atomic { pend != 0 -> owner = pendv; pend = 0; pendv = 0 }
    od
}

/* (c) as a state assertion (one run checks (a), (c) and (e) without a never claim) */
active proctype monitor()
{
end:
    atomic { LOST -> assert(false) }
}

ltl nolost { [] !LOST }
ltl live0 { [] (trying[0] -> <> incs[0]) }
