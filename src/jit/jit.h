/* jit.h - JIT compilation through ORC LLJIT (LLVM-C), and running what it made.
 *
 * jit_compile takes a lowered statement to a callable argv entry point. The JIT instance
 * lives on the heap (not the arena): the caller caches it in the Func and frees it with
 * jit_free. Calls into generated code resolve runtime symbols (halide_error, halide_malloc,
 * halide_error_* ...) to the native runtime compiled into this library (src/runtime/),
 * and math functions to the C library.
 */
#ifndef HL_JIT_JIT_H
#define HL_JIT_JIT_H

#include "codegen/codegen.h"
#include "runtime/runtime_internal.h"

typedef struct jit_module jit_module;
typedef int32_t (*jit_argv_fn)(void **args);

/* Compiles; raises on error (nothing leaks: a half-made JIT is released by the arena). */
jit_module *jit_compile(hl_ctx *ctx, const char *fn_name, int nargs, const cg_arg *args,
                        ir_node *body);
jit_argv_fn jit_entry(const jit_module *m);
void jit_free(jit_module *m);

/* The JIT's user context (struct jit_user_context, defined with the runtime in
 * runtime/runtime_internal.h: char error[4096]; size_t error_len): generated code passes
 * it to runtime hooks, and the runtime's halide_error collects messages there so that the
 * caller can raise them. */

#endif
