/*
 * tool_race.c - a counter updated under a vpspin lock by one thread and without it by
 * another: a data race. With "--locked" both threads take the lock: no race. The ctests
 * that run this under ThreadSanitizer (and Helgrind) expect a report without
 * --locked and silence with it, which shows that the detector sees vpspin's locks as
 * locks (annotate.h) and still finds races outside them.
 */
#include <pthread.h>
#include <string.h>

#include <vpspin/vpspin.h>

static PSPIN_LOCK lock;
static long counter;
static int both_locked;

static void *add(void *arg)
{
    int locked = arg != NULL || both_locked;
    for (int i = 0; i < 1000; i++) {
        UCHAR old = 0;
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
    if (VideoPortCreateSpinLock(NULL, &lock) != NO_ERROR)
        return 2;
    pthread_t t1, t2;
    pthread_create(&t1, NULL, add, &counter); /* always locked */
    pthread_create(&t2, NULL, add, NULL);     /* locked only with --locked */
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    VideoPortDeleteSpinLock(NULL, lock);
    return counter == 2000 || !both_locked ? 0 : 1;
}
