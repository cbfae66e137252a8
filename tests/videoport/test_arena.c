/*
 * test_arena.c - where VideoPort lock objects live (src/videoport/vplock.c), at its limits: before
 * the first lock, quarantine of deleted locks, and a full arena.
 *
 *   1. Before any lock exists (no arena yet), a handle is still told apart from a lock:
 *      vpspin_query_spin_lock refuses it and the checked mode reports 0x1002.
 *   2. Quarantine: a deleted lock's slot is not handed out again until more than 1024
 *      others wait behind it; then the oldest comes back first (FIFO), as a new lock.
 *   3. A full arena (VSP_ARENA_SLOTS = 2^20 lock objects, src/videoport/vplock.h): creation then
 *      returns ERROR_NOT_ENOUGH_MEMORY with *SpinLock untouched; deleting one lets the
 *      next creation reuse that slot at once (quarantine or not), and only it.
 * Step 3 commits the whole arena: 64 MiB.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <vpspin/vpspin.h>

#include "check.h"

#define ARENA_SLOTS (1u << 20) /* VSP_ARENA_SLOTS */
#define QUARANTINE  1024u      /* VSP_QUARANTINE */

static int devext;
static unsigned reports;
static ULONG_PTR last_p1, last_p3;

static void on_report(const vpspin_bugcheck *r, void *ctx)
{
    (void)ctx;
    reports++;
    last_p1 = r->Parameter1;
    last_p3 = r->Parameter3;
}

static bool deleted(PSPIN_LOCK lock)
{
    unsigned before = reports;
    UCHAR old;
    VideoPortAcquireSpinLock(&devext, lock, &old);
    return reports == before + 1 && last_p1 == 0x1002 && last_p3 == 1;
}

int main(void)
{
    vpspin_set_bugcheck_handler(on_report, NULL);
    vpspin_spin_lock_info info;

    /* 1. No arena yet. */
    ULONG_PTR not_a_lock[8] = {0};
    CHECK_EQ(vpspin_query_spin_lock((PSPIN_LOCK)not_a_lock, &info), ERROR_INVALID_PARAMETER);
    UCHAR old;
    VideoPortAcquireSpinLock(&devext, (PSPIN_LOCK)not_a_lock, &old);
    CHECK_EQ(reports, 1);
    CHECK_EQ(last_p1, 0x1002);
    CHECK_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);

    /* 2. Quarantine. */
    enum { N = QUARANTINE + 100 };
    PSPIN_LOCK *locks = calloc(ARENA_SLOTS, sizeof *locks);
    CHECK(locks != NULL);
    for (unsigned i = 0; i < N; i++)
        CHECK_EQ(VideoPortCreateSpinLock(&devext, &locks[i]), NO_ERROR);
    for (unsigned i = 0; i < N; i++)
        CHECK_EQ(VideoPortDeleteSpinLock(&devext, locks[i]), NO_ERROR);
    /* N wait in quarantine: the first N - 1024 creations take the oldest, in order. */
    for (unsigned i = 0; i < N - QUARANTINE; i++) {
        PSPIN_LOCK again;
        CHECK_EQ(VideoPortCreateSpinLock(&devext, &again), NO_ERROR);
        CHECK(again == locks[i]);
        CHECK_EQ(vpspin_query_spin_lock(again, &info), NO_ERROR);
        CHECK_EQ(info.Acquisitions, 0);
        CHECK_EQ(VideoPortDeleteSpinLock(&devext, again), NO_ERROR);
    }
    /* Each of those went to the back: the rest are still stale, and say so. */
    unsigned expected_reports = 1;
    for (unsigned i = N - QUARANTINE; i < N; i += 97, expected_reports++)
        CHECK(deleted(locks[i]));

    /* 3. Fill the arena: the slots never used, then the quarantined ones. */
    unsigned made = 0;
    PSPIN_LOCK lock;
    while (made < ARENA_SLOTS && VideoPortCreateSpinLock(&devext, &lock) == NO_ERROR)
        locks[made++] = lock;
    CHECK_EQ(made, ARENA_SLOTS);
    lock = (PSPIN_LOCK)&devext;
    CHECK_EQ(VideoPortCreateSpinLock(&devext, &lock), ERROR_NOT_ENOUGH_MEMORY);
    CHECK(lock == (PSPIN_LOCK)&devext);
    /* Every lock is distinct and live. */
    CHECK_EQ(vpspin_query_spin_lock(locks[0], &info), NO_ERROR);
    CHECK_EQ(vpspin_query_spin_lock(locks[ARENA_SLOTS - 1], &info), NO_ERROR);
    CHECK(locks[0] != locks[ARENA_SLOTS - 1]);

    /* Full: a deleted slot comes back at once, and then the arena is full again. */
    PSPIN_LOCK victim = locks[12345];
    CHECK_EQ(VideoPortDeleteSpinLock(&devext, victim), NO_ERROR);
    CHECK(deleted(victim));
    expected_reports++;
    CHECK_EQ(VideoPortCreateSpinLock(&devext, &lock), NO_ERROR);
    CHECK(lock == victim);
    VideoPortAcquireSpinLock(&devext, lock, &old);
    VideoPortReleaseSpinLock(&devext, lock, old);
    CHECK_EQ(vpspin_query_spin_lock(lock, &info), NO_ERROR);
    CHECK_EQ(info.Acquisitions, 1);
    CHECK_EQ(VideoPortCreateSpinLock(&devext, &lock), ERROR_NOT_ENOUGH_MEMORY);

    for (unsigned i = 0; i < ARENA_SLOTS; i++)
        CHECK_EQ(VideoPortDeleteSpinLock(&devext, locks[i]), NO_ERROR);
    free(locks);
    CHECK_EQ(reports, expected_reports);
    vpspin_set_bugcheck_handler(NULL, NULL);
    return check_done();
}
