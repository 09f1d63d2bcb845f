/* ctx.c - protected calls, raising, and per-thread last error. See ctx.h. */
#include "ctx.h"
#include "alloc.h"
#include "check.h"

#include <stdio.h>
#include <string.h>

static _Thread_local char last_error[16384];

void ctx_set_last_error(const char *message) {
    snprintf(last_error, sizeof last_error, "%s", message ? message : "");
}

const char *hl_last_error(void) { return last_error; }

void ctx_init(hl_ctx *ctx, int with_arena) {
    memset(ctx, 0, sizeof *ctx);
    if (with_arena) ctx->arena = arena_new();
}

void ctx_close(hl_ctx *ctx) {
    arena_drop(ctx->arena);
    ctx->arena = NULL;
    hl_free(ctx->message);
    ctx->message = NULL;
}

int ctx_pcall(hl_ctx *ctx, ctx_protected_fn fn, void *ud) {
    ctx_jmp j;
    j.prev = ctx->jmp;
    j.status = HL_OK;
    int saved_depth = ctx->depth;
    ctx->jmp = &j;
    if (setjmp(j.buf) == 0) fn(ctx, ud);
    ctx->jmp = j.prev;
    ctx->depth = saved_depth;
    if (j.status != HL_OK) ctx->status = j.status;
    return j.status;
}

_Noreturn void ctx_raisev(hl_ctx *ctx, int status, const char *fmt, va_list ap) {
    char buf[4096];
    vsnprintf(buf, sizeof buf, fmt, ap);
    hl_free(ctx->message);
    ctx->message = hl_strdup(buf);
    ctx_set_last_error(buf);
    if (!ctx->jmp) {
        /* A raise outside any protected call is a bug of the core itself. */
        fprintf(stderr, "halide-c: error raised outside a protected call: %s\n", buf);
        abort();
    }
    ctx->jmp->status = status;
    longjmp(ctx->jmp->buf, 1);
}

_Noreturn void ctx_raise(hl_ctx *ctx, int status, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    ctx_raisev(ctx, status, fmt, ap);
}

_Noreturn void ctx_internal_error(hl_ctx *ctx, const char *file, int line, const char *fmt, ...) {
    char buf[3800];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    ctx_raise(ctx, HL_ERROR_INTERNAL, "internal error at %s:%d: %s", file, line, buf);
}

void *ctx_alloc(hl_ctx *ctx, size_t size) {
    void *p = ctx->arena ? arena_alloc(ctx->arena, size) : hl_calloc(1, size);
    if (!p) ctx_raise(ctx, HL_ERROR_NOMEM, "Out of memory (allocating %zu bytes)", size);
    return p;
}

char *ctx_strdup(hl_ctx *ctx, const char *s) {
    size_t n = strlen(s) + 1;
    char *p = ctx_alloc(ctx, n);
    memcpy(p, s, n);
    return p;
}

char *ctx_printf(hl_ctx *ctx, const char *fmt, ...) {
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *p = ctx_alloc(ctx, (size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return p;
}

const char *ctx_unique_name(hl_ctx *ctx, const char *prefix) {
    return ctx_printf(ctx, "%s$%lu", prefix, ctx->next_unique++);
}
