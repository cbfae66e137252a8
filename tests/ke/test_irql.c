/*
 * test_irql.c - the per-thread IRQL model: raise and lower return and restore levels,
 * every new thread starts at PASSIVE_LEVEL, and one thread's IRQL never shows in another.
 */
#include <pthread.h>
#include <semaphore.h>

#include <vpspin/vpspin.h>

#include "check.h"

static void test_raise_lower(void)
{
    KIRQL old = 0xFF;
    CHECK_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);
    KeRaiseIrql(APC_LEVEL, &old);
    CHECK_EQ(old, PASSIVE_LEVEL);
    CHECK_EQ(KeGetCurrentIrql(), APC_LEVEL);

    KIRQL old2 = 0xFF;
    KeRaiseIrql(DISPATCH_LEVEL, &old2);
    CHECK_EQ(old2, APC_LEVEL);
    CHECK_EQ(KeGetCurrentIrql(), DISPATCH_LEVEL);
    CHECK_EQ(VideoPortGetCurrentIrql(), DISPATCH_LEVEL);

    KIRQL old3 = 0xFF;
    KeRaiseIrql(HIGH_LEVEL, &old3); /* device and clock levels are reachable too */
    CHECK_EQ(old3, DISPATCH_LEVEL);
    CHECK_EQ(KeGetCurrentIrql(), HIGH_LEVEL);

    KIRQL same = 0xFF;
    KeRaiseIrql(HIGH_LEVEL, &same); /* raising to the current level is allowed */
    CHECK_EQ(same, HIGH_LEVEL);

    KeLowerIrql(old3);
    CHECK_EQ(KeGetCurrentIrql(), DISPATCH_LEVEL);
    KeLowerIrql(old2);
    CHECK_EQ(KeGetCurrentIrql(), APC_LEVEL);
    KeLowerIrql(old);
    CHECK_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);

    CHECK_EQ(KeRaiseIrqlToDpcLevel(), PASSIVE_LEVEL);
    CHECK_EQ(KeGetCurrentIrql(), DISPATCH_LEVEL);
    CHECK_EQ(KfRaiseIrql(SYNCH_LEVEL), DISPATCH_LEVEL);
    KeLowerIrql(PASSIVE_LEVEL); /* straight down is allowed */
    CHECK_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);
}

/* Two threads change their IRQLs in lock step, each checking after every step that the
 * other's change did not leak into its own level. */
static sem_t turn_a, turn_b;

static void *irql_partner(void *arg)
{
    KIRQL *seen = arg;
    seen[0] = KeGetCurrentIrql(); /* a new thread starts at PASSIVE_LEVEL */
    sem_wait(&turn_b);            /* main is now at DISPATCH_LEVEL */
    seen[1] = KeGetCurrentIrql();
    KIRQL old;
    KeRaiseIrql(HIGH_LEVEL, &old);
    sem_post(&turn_a);
    sem_wait(&turn_b); /* main checked its level while we were at HIGH_LEVEL */
    seen[2] = KeGetCurrentIrql();
    KeLowerIrql(old);
    return NULL;
}

static void test_threads_independent(void)
{
    KIRQL seen[3] = {0xFF, 0xFF, 0xFF};
    pthread_t t;
    sem_init(&turn_a, 0, 0);
    sem_init(&turn_b, 0, 0);
    KIRQL old;
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    CHECK_EQ(pthread_create(&t, NULL, irql_partner, seen), 0);
    sem_post(&turn_b);
    sem_wait(&turn_a);
    CHECK_EQ(KeGetCurrentIrql(), DISPATCH_LEVEL); /* the partner is at HIGH_LEVEL now */
    sem_post(&turn_b);
    pthread_join(t, NULL);
    KeLowerIrql(old);
    CHECK_EQ(seen[0], PASSIVE_LEVEL); /* created by a thread at DISPATCH_LEVEL */
    CHECK_EQ(seen[1], PASSIVE_LEVEL);
    CHECK_EQ(seen[2], HIGH_LEVEL);
    sem_destroy(&turn_a);
    sem_destroy(&turn_b);
}

/* Many threads each walk through every level, checking their own level all along. */
#define WALKERS 8
static void *irql_walker(void *arg)
{
    long *errors = arg;
    for (int round = 0; round < 2000; round++) {
        KIRQL stack[HIGH_LEVEL + 1];
        for (int l = 0; l <= HIGH_LEVEL; l++) {
            KeRaiseIrql((KIRQL)l, &stack[l]);
            if (KeGetCurrentIrql() != l)
                (*errors)++;
        }
        for (int l = HIGH_LEVEL; l >= 0; l--) {
            KeLowerIrql(stack[l]);
            if (KeGetCurrentIrql() != (l ? l - 1 : 0))
                (*errors)++;
        }
    }
    return NULL;
}

static void test_many_threads(void)
{
    pthread_t t[WALKERS];
    long errors[WALKERS] = {0};
    for (int i = 0; i < WALKERS; i++)
        CHECK_EQ(pthread_create(&t[i], NULL, irql_walker, &errors[i]), 0);
    for (int i = 0; i < WALKERS; i++) {
        pthread_join(t[i], NULL);
        CHECK_EQ(errors[i], 0);
    }
}

int main(void)
{
    test_raise_lower();
    test_threads_independent();
    test_many_threads();
    CHECK_EQ(vpspin_bugcheck_count(), 0);
    return check_done();
}
