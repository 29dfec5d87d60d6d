/* Minimal unit-test harness: CHECK records a failure and goes on; each test file's
 * main() runs its cases and ends with "N passed, N failed". */
#ifndef SEG_CHECK_H
#define SEG_CHECK_H

#include <stdio.h>
#include <stdlib.h>

static int check_failures;
static int check_passed;

#define CHECK(cond)                                                                 \
    do {                                                                            \
        if (cond) {                                                                 \
            check_passed++;                                                         \
        } else {                                                                    \
            check_failures++;                                                       \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                           \
    } while (0)

#define CHECK_EQ_INT(a, b)                                                               \
    do {                                                                                 \
        long long va_ = (long long)(a), vb_ = (long long)(b);                            \
        if (va_ == vb_) {                                                                \
            check_passed++;                                                              \
        } else {                                                                         \
            check_failures++;                                                            \
            fprintf(stderr, "%s:%d: CHECK failed: %s == %s (%lld vs %lld)\n", __FILE__, \
                    __LINE__, #a, #b, va_, vb_);                                         \
        }                                                                                \
    } while (0)

static inline int check_report(void)
{
    printf("%d passed, %d failed\n", check_passed, check_failures);
    return check_failures ? 1 : 0;
}

#endif
