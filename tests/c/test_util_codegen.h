/* test_util_codegen.h - a tiny assertion helper for test_codegen.c.
 *
 * CHECK(cond, fmt, ...) counts a failure and prints the message when cond is false;
 * REPORT(name) prints [PASS] or [FAIL] for the test section that just ran.
 */
#ifndef TEST_UTIL_CODEGEN_H
#define TEST_UTIL_CODEGEN_H

#include <stdio.h>

static int test_failures, section_failures;

#define CHECK(cond, ...)                                                                      \
    do {                                                                                      \
        if (!(cond)) {                                                                        \
            if (section_failures < 20) {                                                      \
                printf("    check failed at %s:%d: ", __FILE__, __LINE__);                    \
                printf(__VA_ARGS__);                                                          \
                printf("\n");                                                                 \
            }                                                                                 \
            section_failures++;                                                               \
            test_failures++;                                                                  \
        }                                                                                     \
    } while (0)

#define REPORT(name)                                                                          \
    do {                                                                                      \
        printf("[%s] %s\n", section_failures ? "FAIL" : "PASS", name);                        \
        section_failures = 0;                                                                 \
    } while (0)

#endif
