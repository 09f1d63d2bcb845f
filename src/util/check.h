/* check.h - the assertion vocabulary of the core, in one place.
 *
 *   user_error(ctx, fmt, ...)       the user's program is wrong: raise HL_ERROR_USER with the
 *                                   message as the user will read it.
 *   user_assert(ctx, cond, fmt,...) the same, when cond is false.
 *   internal_error(ctx, fmt, ...)   a bug in halide-c: raise HL_ERROR_INTERNAL, message
 *                                   prefixed "internal error" with the source location.
 *   internal_assert(ctx, cond,...)  the same, when cond is false. Always on, CI included:
 *                                   a wrong answer is worse than a slower compile.
 *   ALWAYS(x) / NEVER(x)            defensive checks of things that cannot happen (SQLite):
 *                                   abort in debug builds (HL_DEBUG) so tests find them,
 *                                   evaluate to the condition in release builds so the code
 *                                   after them fails gracefully.
 *   api_check(cond)                 argument guard of a public hl_ function that has no
 *                                   context yet (Lua's api_check): sets the thread's last
 *                                   error and returns HL_ERROR_USER.
 */
#ifndef HL_UTIL_CHECK_H
#define HL_UTIL_CHECK_H

#include "ctx.h"

#include <stdlib.h>

#define user_error(ctx, ...) ctx_raise((ctx), HL_ERROR_USER, __VA_ARGS__)
#define user_assert(ctx, cond, ...)                                                           \
    do {                                                                                      \
        if (!(cond)) user_error((ctx), __VA_ARGS__);                                          \
    } while (0)

#define internal_error(ctx, ...)                                                              \
    ctx_internal_error((ctx), __FILE__, __LINE__, __VA_ARGS__)
#define internal_assert(ctx, cond, ...)                                                       \
    do {                                                                                      \
        if (!(cond)) internal_error((ctx), "assertion '" #cond "' failed: " __VA_ARGS__);     \
    } while (0)

_Noreturn void ctx_internal_error(hl_ctx *ctx, const char *file, int line, const char *fmt,
                                  ...) __attribute__((format(printf, 4, 5)));

#ifdef HL_DEBUG
#define ALWAYS(x) ((x) ? 1 : (abort(), 0))
#define NEVER(x) ((x) ? (abort(), 1) : 0)
#else
#define ALWAYS(x) (x)
#define NEVER(x) (x)
#endif

#define api_check(cond, msg)                                                                  \
    do {                                                                                      \
        if (!(cond)) {                                                                        \
            ctx_set_last_error(msg);                                                          \
            return HL_ERROR_USER;                                                             \
        }                                                                                     \
    } while (0)

#endif
