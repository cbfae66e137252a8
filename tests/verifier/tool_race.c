/*
 * tool_race.c - a counter updated under a vpspin lock by one thread and without it by
 * another: a data race. With "--locked" both threads take the lock: no race. With
 * "--try" both take a KSPIN_LOCK with KeTryToAcquireSpinLockAtDpcLevel until it succeeds
 * (after one try that must fail: of a lock the thread holds): no race either. The ctests
 * that run this under ThreadSanitizer (and Helgrind) expect a report without an option
 * and silence with one, which shows that the detector sees vpspin's locks as locks
 * (annotate.h), a successful try as an acquire and a failed one as nothing, and still
 * finds races outside them.
 */
#include <pthread.h>
#include <string.h>

#include <vpspin/vpspin.h>

static PSPIN_LOCK lock;
static KSPIN_LOCK ke_lock;
static long counter;
static int both_locked, by_try;

static void add_by_try(void)
{
    KIRQL old = KeRaiseIrqlToDpcLevel();
    while (!KeTryToAcquireSpinLockAtDpcLevel(&ke_lock))
        ;
    counter++;
    KeReleaseSpinLockFromDpcLevel(&ke_lock);
    KeLowerIrql(old);
}

static void *add(void *arg)
{
    int locked = arg != NULL || both_locked;
    for (int i = 0; i < 1000; i++) {
        UCHAR old = 0;
        if (by_try) {
            add_by_try();
            continue;
        }
        if (locked)
            VideoPortAcquireSpinLock(NULL, lock, &old);
        counter++;
        if (locked)
            VideoPortReleaseSpinLock(NULL, lock, old);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    both_locked = argc > 1 && strcmp(argv[1], "--locked") == 0;
    by_try = argc > 1 && strcmp(argv[1], "--try") == 0;
    if (VideoPortCreateSpinLock(NULL, &lock) != NO_ERROR)
        return 2;
    KeInitializeSpinLock(&ke_lock);
    if (by_try) {
        KIRQL old = KeRaiseIrqlToDpcLevel();
        KeAcquireSpinLockAtDpcLevel(&ke_lock);
        BOOLEAN again = KeTryToAcquireSpinLockAtDpcLevel(&ke_lock); /* held: fails */
        KeReleaseSpinLockFromDpcLevel(&ke_lock);
        KeLowerIrql(old);
        if (again)
            return 3;
    }
    pthread_t t1, t2;
    pthread_create(&t1, NULL, add, &counter); /* always locked */
    pthread_create(&t2, NULL, add, NULL);     /* locked only with an option */
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    VideoPortDeleteSpinLock(NULL, lock);
    return counter == 2000 || !(both_locked || by_try) ? 0 : 1;
}
