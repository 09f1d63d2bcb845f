/* ctx.h - the compile context and the protected-call error escape.
 *
 * Every operation of the core that can fail runs inside ctx_pcall. A user error or an
 * internal invariant failure raises (longjmp) to the innermost protected call of the
 * context, as Lua's luaD_rawrunprotected does; the call returns the status and the
 * message stays in ctx->message until ctx_close.
 *
 * Rules that keep this safe (DESIGN.md "Memory and errors"):
 *   - code that can raise holds no refcounted or cleanup-attributed locals: take front-end
 *     references before ctx_pcall, release them after it;
 *   - non-arena resources made while raising is possible are registered with
 *     arena_on_drop on ctx->arena, which ctx_close drops;
 *   - never raise through LLVM or CPython frames: turn their error strings into a raise in
 *     our own frame.
 * A context has an arena when it is a compile (nodes are immortal, never counted), and no
 * arena in "heap mode", which front-end constructors use (nodes are reference counted).
 */
#ifndef HL_UTIL_CTX_H
#define HL_UTIL_CTX_H

#include "arena.h"
#include "halide_c.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

typedef struct ctx_jmp {
    struct ctx_jmp *prev;
    jmp_buf buf;
    volatile int status;
} ctx_jmp;

typedef struct hl_ctx {
    arena *arena;  /* NULL: heap mode (front-end); otherwise the compile's arena */
    ctx_jmp *jmp;  /* innermost protected call */
    int status;    /* status of the last failed protected call, HL_OK if none */
    char *message; /* heap copy of the last error message, or NULL */
    int depth;     /* current IR recursion depth, guarded by ctx_enter */
    unsigned long next_unique; /* counter for unique names made during this compile */
} hl_ctx;

/* Maximum IR recursion depth before a clear error (well inside an 8 MiB C stack). */
#define CTX_MAX_DEPTH 6000

void ctx_init(hl_ctx *ctx, int with_arena);
/* Drops the arena (running its destructors) and frees the message. */
void ctx_close(hl_ctx *ctx);

typedef void (*ctx_protected_fn)(hl_ctx *ctx, void *ud);
/* Runs fn(ctx, ud); returns HL_OK or the status raised. Nests. */
int ctx_pcall(hl_ctx *ctx, ctx_protected_fn fn, void *ud);

_Noreturn void ctx_raise(hl_ctx *ctx, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
_Noreturn void ctx_raisev(hl_ctx *ctx, int status, const char *fmt, va_list ap);

/* Memory from the arena (compile) or the heap (heap mode: caller frees with hl_free);
 * raises HL_ERROR_NOMEM when exhausted. Zeroed. */
void *ctx_alloc(hl_ctx *ctx, size_t size);
/* Copies a string into the arena (compile) or the heap (heap mode). */
char *ctx_strdup(hl_ctx *ctx, const char *s);
/* printf into the arena (only with an arena). */
char *ctx_printf(hl_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A fresh name "prefix$N" unique within this context. */
const char *ctx_unique_name(hl_ctx *ctx, const char *prefix);

/* Recursion guard: every recursive IR walk brackets its recursion with these. */
static inline void ctx_enter(hl_ctx *ctx) {
    if (++ctx->depth > CTX_MAX_DEPTH) {
        ctx->depth = 0;
        ctx_raise(ctx, HL_ERROR_USER, "Expression or statement nesting is deeper than %d levels",
                  CTX_MAX_DEPTH);
    }
}
static inline void ctx_leave(hl_ctx *ctx) { ctx->depth--; }

/* Per-thread last error of the public API (SQLite's errmsg). */
void ctx_set_last_error(const char *message);

#endif
