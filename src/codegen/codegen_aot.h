/* codegen_aot.h - ahead-of-time output: object, assembly, bitcode, LLVM text, static
 * library (codegen_aot.c), the C header (codegen_header.c), the Python extension source
 * (codegen_pyext.c) and the C source (codegen_c.c).
 *
 * Input: a lowered statement and its argument list, as for cg_compile_module, where the
 * last noutputs arguments are the output buffers; a complete target (arch, bits and os
 * known) that hl_target_supported accepts.
 * Output: the requested files. The module holds int name(args...), name_argv(void **) and
 * name_metadata(); the outer `name` checks every buffer argument for NULL
 * (halide_error_buffer_argument_is_null) before the pipeline runs; the target's runtime
 * is linked in with weak linkage unless the target has no_runtime.
 */
#ifndef HL_CODEGEN_CODEGEN_AOT_H
#define HL_CODEGEN_CODEGEN_AOT_H

#include "codegen.h"

typedef struct cg_aot_function {
    const char *name;
    int nargs;
    const cg_arg *args;
    int noutputs; /* the last noutputs args are output buffers */
    ir_node *body;
} cg_aot_function;

/* Writes the LLVM-made files among files[] (object, assembly, bitcode, llvm_assembly,
 * static_library; other kinds are skipped). fn NULL: the runtime alone
 * (compile_standalone_runtime). Raises on error. */
void cg_aot_write(hl_ctx *ctx, const hl_target *t, const cg_aot_function *fn, int nfiles,
                  const hl_aot_file *files);

/* Writes the C header declaring fn, fn_argv and fn_metadata. Raises on error. */
void cg_write_header(hl_ctx *ctx, const char *path, const hl_target *t, const cg_aot_function *fn);

/* The runtime type definitions of the header (under the HALIDE_C_BUFFER_TYPES guard). */
const char *cg_header_runtime_types(void);

/* Writes the C source of a CPython extension module wrapping fn (codegen_pyext.c). Raises
 * on error. */
void cg_write_pyext(hl_ctx *ctx, const char *path, const hl_target *t, const cg_aot_function *fn);

/* Writes the C source of fn, fn_argv and fn_metadata (codegen_c.c): plain C11 (and C++)
 * calling the runtime, which the program links separately (compile_standalone_runtime). fn's
 * statement has no vector types (lower_state.serial_vectors). Raises on error. */
void cg_write_c_source(hl_ctx *ctx, const char *path, const hl_target *t,
                       const cg_aot_function *fn);

#endif
