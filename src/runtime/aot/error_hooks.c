/* aot/error_hooks.c - halide_error and halide_print for ahead-of-time objects.
 *
 * The runtime linked into AOT objects (built to bitcode per target by CMake) uses this
 * file instead of ../error_hooks.c: a program's user_context is its own, never a
 * jit_user_context, so the default hooks just write the message to stderr, as Halide's
 * default handlers do. A program overrides the weak halide_error / halide_print (the
 * whole runtime is weak in AOT objects) to catch messages.
 * Guarantees: never allocates, never fails.
 */
#include "../runtime_internal.h"

#include <stdio.h>
#include <string.h>

void halide_default_error(void *user_context, const char *msg) {
    (void)user_context;
    if (!msg) msg = "(null)";
    size_t n = strlen(msg);
    fprintf(stderr, "Error: %s%s", msg, n && msg[n - 1] == '\n' ? "" : "\n");
}

void halide_default_print(void *user_context, const char *msg) {
    (void)user_context;
    fputs(msg ? msg : "(null)", stderr);
}

__attribute__((weak)) void halide_error(void *user_context, const char *msg) {
    halide_default_error(user_context, msg);
}

__attribute__((weak)) void halide_print(void *user_context, const char *msg) {
    halide_default_print(user_context, msg);
}
