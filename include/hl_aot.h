/* hl_aot.h - ahead-of-time compilation in the public C API (included by halide_c.h).
 *
 * A pipeline (one or more output Funcs) compiled ahead of time becomes files that another
 * program builds against: an object, a static library, assembly, LLVM bitcode or text,
 * a C header, the C source of a CPython extension module wrapping the function, the
 * lowered statement. The generated function is
 *     int fn_name([void const *__user_context,] args..., halide_buffer_t *outputs...)
 * with the arguments in the order the caller lists them (ImageParams as halide_buffer_t*,
 * Params by value), plus fn_name_argv(void **) and fn_name_metadata(), with the runtime
 * linked in with weak linkage unless the target has no_runtime (DESIGN.md "ABI").
 */
#ifndef HALIDE_C_AOT_H
#define HALIDE_C_AOT_H

/* Halide's OutputFileType values. */
typedef enum hl_output_kind {
    HL_OUTPUT_ASSEMBLY = 0,
    HL_OUTPUT_BITCODE = 1,
    HL_OUTPUT_C_HEADER = 2,
    HL_OUTPUT_C_SOURCE = 3,
    HL_OUTPUT_LLVM_ASSEMBLY = 9,
    HL_OUTPUT_OBJECT = 10,
    HL_OUTPUT_PYTHON_EXTENSION = 11,
    HL_OUTPUT_STATIC_LIBRARY = 15,
    HL_OUTPUT_STMT = 16,
    HL_OUTPUT_STMT_HTML = 18,
} hl_output_kind;

typedef struct hl_aot_file {
    int kind; /* hl_output_kind (another Halide OutputFileType value is "not supported yet") */
    const char *path;
} hl_aot_file;

/* Compiles the pipeline of the output Funcs for target t (unknown arch/bits/os: the
 * host's) into the requested files. args are the pipeline's inputs in order: every
 * ImageParam and Param the pipeline uses must be there (else a user error naming it);
 * more are allowed. Nothing is written when the compile fails before output. */
hl_status hl_compile_to(int noutputs, hl_func *const *outputs, int nfiles, const hl_aot_file *files,
                        int nargs, hl_param *const *args, const char *fn_name, const hl_target *t);

/* The ImageParams and Params the pipeline uses, buffers first, each group sorted by name
 * (Halide's infer_arguments order). *out is a heap array of new references, released
 * with hl_free_arguments. */
hl_status hl_infer_arguments(int noutputs, hl_func *const *outputs, int *n, hl_param ***out);
void hl_free_arguments(int n, hl_param **args);

/* A lowered statement's text as a standalone HTML page (StmtOutputFormat.HTML); caller
 * frees with hl_string_free; NULL when out of memory. */
char *hl_stmt_html(const char *stmt_text, const char *title);

/* The runtime alone for target t as an object (kind HL_OUTPUT_OBJECT) or static library. */
hl_status hl_compile_standalone_runtime(const char *path, int kind, const hl_target *t);

#endif
