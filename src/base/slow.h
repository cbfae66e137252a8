/*
 * base/slow.h - the one word every fast path tests before it runs: whether it must step aside
 * for the out-of-line path. With every flag clear, an inline acquire or release costs one
 * load and one predictable branch more than the lock algorithm itself.
 *
 * Each flag has one owner, which sets and clears it (vsp_slow_set):
 *   VSP_SLOW_CHECK  the rules are checked: VPSPIN_VERIFY=1 or full (verifier/mode.c)
 *   VSP_SLOW_FENCE  releases must fence: no membarrier() (lock/spinlock_algo.c)
 *   VSP_SLOW_TRACK  every call must be seen: the full mode, statistics or a race
 *                   detector want it (verifier/track.c)
 *   VSP_SLOW_FULL   the full mode's own checks are on (verifier/track.c)
 *   VSP_SLOW_SCHED  every call is a scheduling point: the controlled mode or delay
 *                   injection (sched/mode.c)
 * Settings change only while no thread holds a lock, so the flags may change one at a time.
 */
#ifndef VSP_SLOW_H
#define VSP_SLOW_H

#include <stdbool.h>

#define VSP_SLOW_CHECK 0x1u
#define VSP_SLOW_FENCE 0x2u
#define VSP_SLOW_TRACK 0x4u
#define VSP_SLOW_FULL 0x8u
#define VSP_SLOW_SCHED 0x10u
/* Hidden in the declaration too (-fvisibility=hidden covers only definitions), so that each
 * fast path reads it with one PC-relative load instead of an address from the GOT first. */
extern unsigned vsp_slow_paths __attribute__((visibility("hidden")));

void vsp_slow_set(unsigned flag, bool on);

static inline unsigned vsp_slow(void) { return __atomic_load_n(&vsp_slow_paths, __ATOMIC_RELAXED); }
static inline bool vsp_checking(void) { return vsp_slow() & VSP_SLOW_CHECK; }
static inline bool vsp_tracking(void) { return vsp_slow() & VSP_SLOW_TRACK; }

#endif
