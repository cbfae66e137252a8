/*
 * check.h - the tests' assertion macros: a failed CHECK prints where and what, and
 * fails the test program at exit (the rest of the test still runs).
 */
#ifndef VPSPIN_TEST_CHECK_H
#define VPSPIN_TEST_CHECK_H

#include <stdio.h>
#include <stdlib.h>

static int check_failures;
static int check_count;

#define CHECK(cond)                                                                        \
    do {                                                                                   \
        check_count++;                                                                     \
        if (!(cond)) {                                                                     \
            check_failures++;                                                              \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);       \
        }                                                                                  \
    } while (0)

#define CHECK_EQ(a, b)                                                                     \
    do {                                                                                   \
        long long check_a_ = (long long)(a), check_b_ = (long long)(b);                    \
        check_count++;                                                                     \
        if (check_a_ != check_b_) {                                                        \
            check_failures++;                                                              \
            fprintf(stderr, "%s:%d: CHECK_EQ failed: %s == %s (%lld != %lld)\n", __FILE__,  \
                    __LINE__, #a, #b, check_a_, check_b_);                                 \
        }                                                                                  \
    } while (0)

/* Ends a test program: prints the tally and returns its exit status. */
static inline int check_done(void)
{
    printf("%d passed, %d failed\n", check_count - check_failures, check_failures);
    return check_failures == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif
