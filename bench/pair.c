/*
 * pair.c - vpspin-pair: N uncontended lock/unlock pairs of one lock, and nothing else.
 *
 * It exists to be run under valgrind --tool=callgrind by bench/callgrind.sh: the
 * instructions a run executes are deterministic, so two runs with different N give the
 * exact instructions per pair ((Ir(N2) - Ir(N1)) / (N2 - N1); start-up cancels out),
 * and a change to a fast path shows up as a change in that number, without the noise
 * of timing. The count includes the loop's own few instructions ("none" measures them).
 *
 * usage: vpspin-pair --lock NAME --pairs N
 *   NAME: a shim of locks.h (vp, ke, keq, pthread-spin, pthread-mutex, adaptive, ck-fas,
 *         ck-ticket, ck-mcs) or none. vpspin's checking mode is the library's start-up
 *         one: set VPSPIN_VERIFY=0 or 1 in the environment.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "locks.h"

/* The empty lock: the loop's overhead. */
typedef struct { char unused; } none_lock_t;
typedef struct { char unused; } none_ctx_t;
static inline int none_init(none_lock_t *l) { return (void)l, 0; }
static inline void none_destroy(none_lock_t *l) { (void)l; }
static inline void none_lock(none_lock_t *l, none_ctx_t *c)
{
    (void)l, (void)c;
    __asm__ __volatile__("" ::: "memory");
}
static inline void none_unlock(none_lock_t *l, none_ctx_t *c)
{
    (void)l, (void)c;
    __asm__ __volatile__("" ::: "memory");
}

/* ID_run(n): create the lock, n pairs from this (PASSIVE_LEVEL) thread, destroy it. */
#define INSTANTIATE(id, ...)                                                               \
    static int id##_run(unsigned long long n)                                              \
    {                                                                                      \
        static _Alignas(64) id##_lock_t lock;                                              \
        id##_ctx_t c;                                                                      \
        memset(&c, 0, sizeof c);                                                           \
        if (id##_init(&lock) != 0)                                                         \
            return -1;                                                                     \
        for (unsigned long long i = 0; i < n; i++) {                                       \
            id##_lock(&lock, &c);                                                          \
            id##_unlock(&lock, &c);                                                        \
        }                                                                                  \
        id##_destroy(&lock);                                                               \
        return 0;                                                                          \
    }
LOCK_SHIMS(INSTANTIATE)
INSTANTIATE(none, "none")

#define TABLE_ROW(id, name, ...) {name, id##_run},
static const struct {
    const char *name;
    int (*run)(unsigned long long);
} locks[] = {LOCK_SHIMS(TABLE_ROW){"none", none_run}};

static int usage(void)
{
    fprintf(stderr, "usage: vpspin-pair --lock NAME --pairs N\n  NAME:");
    for (size_t i = 0; i < sizeof locks / sizeof locks[0]; i++)
        fprintf(stderr, " %s", locks[i].name);
    fprintf(stderr, "\n");
    return 2;
}

int main(int argc, char **argv)
{
    const char *name = NULL;
    unsigned long long pairs = 0;
    char *end = "";
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--lock") == 0)
            name = argv[i + 1];
        else if (strcmp(argv[i], "--pairs") == 0)
            pairs = strtoull(argv[i + 1], &end, 10);
        else
            return usage();
    }
    if (argc % 2 == 0 || name == NULL || *end != '\0')
        return usage();
    for (size_t i = 0; i < sizeof locks / sizeof locks[0]; i++)
        if (strcmp(locks[i].name, name) == 0)
            return locks[i].run(pairs) == 0 ? 0 : 1;
    return usage();
}
