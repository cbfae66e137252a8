/*
 * tool_lock_order.c - two vpspin locks taken in both orders (one order per thread, the
 * threads one after the other: nothing ever deadlocks). A race detector that sees
 * vpspin's locks as locks (annotate.h) reports a lock-order inversion; the ctest that
 * runs this under ThreadSanitizer expects that report. Run with VPSPIN_VERIFY=1, so
 * vpspin's own lock-order check (full mode) stays out of the way.
 */
#include <pthread.h>

#include <vpspin/vpspin.h>

static KSPIN_LOCK a, b;

static void *nest(void *arg)
{
    PKSPIN_LOCK *order = arg;
    KIRQL old;
    KeAcquireSpinLock(order[0], &old);
    KeAcquireSpinLockAtDpcLevel(order[1]);
    KeReleaseSpinLockFromDpcLevel(order[1]);
    KeReleaseSpinLock(order[0], old);
    return NULL;
}

int main(void)
{
    PKSPIN_LOCK ab[2] = {&a, &b}, ba[2] = {&b, &a};
    pthread_t th;
    KeInitializeSpinLock(&a);
    KeInitializeSpinLock(&b);
    pthread_create(&th, NULL, nest, ab);
    pthread_join(th, NULL);
    pthread_create(&th, NULL, nest, ba);
    pthread_join(th, NULL);
    return 0;
}
