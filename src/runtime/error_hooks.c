/* error_hooks.c - halide_error and halide_print: where messages of generated code go.
 *
 * Assumes: a non-NULL user_context passed to these hooks is a jit_user_context (the JIT
 * always passes one; AOT programs that pass their own context override halide_error).
 * halide_print goes to the handler of hl_set_print_handler (the Python module's writes to
 * sys.stdout), else to stderr.
 * Guarantees: never allocates, never fails; JIT messages accumulate (newline separated,
 * cut at the buffer's end, under a spin lock as parallel tasks may report at once) so that
 * the caller can raise them as one exception.
 */
#include "halide_c.h"
#include "runtime_internal.h"

#include <stdio.h>
#include <string.h>

static void append(jit_user_context *uc, const char *s, size_t n) {
    size_t room = sizeof uc->error - 1 - uc->error_len;
    if (n > room) n = room;
    memcpy(uc->error + uc->error_len, s, n);
    uc->error_len += n;
    uc->error[uc->error_len] = '\0';
}

void halide_default_error(void *user_context, const char *msg) {
    if (!msg) msg = "(null)";
    if (!user_context) {
        size_t n = strlen(msg);
        fprintf(stderr, "Error: %s%s", msg, n && msg[n - 1] == '\n' ? "" : "\n");
        return;
    }
    jit_user_context *uc = user_context;
    while (__atomic_exchange_n(&uc->lock, 1, __ATOMIC_ACQUIRE)) {
    }
    if (uc->error_len >= sizeof uc->error) uc->error_len = sizeof uc->error - 1;
    if (uc->error_len > 0 && uc->error[uc->error_len - 1] != '\n') append(uc, "\n", 1);
    append(uc, msg, strlen(msg));
    __atomic_store_n(&uc->lock, 0, __ATOMIC_RELEASE);
}

static hl_print_handler print_handler;

void hl_set_print_handler(hl_print_handler handler) { __atomic_store_n(&print_handler, handler, __ATOMIC_RELEASE); }

void halide_default_print(void *user_context, const char *msg) {
    (void)user_context;
    hl_print_handler h = __atomic_load_n(&print_handler, __ATOMIC_ACQUIRE);
    if (h) h(msg ? msg : "(null)");
    else fputs(msg ? msg : "(null)", stderr);
}

__attribute__((weak)) void halide_error(void *user_context, const char *msg) {
    halide_default_error(user_context, msg);
}

__attribute__((weak)) void halide_print(void *user_context, const char *msg) {
    halide_default_print(user_context, msg);
}
