/* codegen_c_prelude.h - the fixed text of the C source output (codegen_c_prelude.c), used by
 * codegen_c.c: what every generated file starts with.
 */
#ifndef HL_CODEGEN_CODEGEN_C_PRELUDE_H
#define HL_CODEGEN_CODEGEN_C_PRELUDE_H

/* The #includes and the no-contraction pragmas: before any declaration. */
extern const char *const cg_c_includes;
/* halide_task_t and the static inline helpers: after the runtime types. */
extern const char *const cg_c_helpers;

/* A runtime function the generated code calls, as the runtime defines it (src/runtime). */
typedef struct cg_c_runtime_fn {
    const char *ret, *name;
    int nparams;
    const char *params[9];
} cg_c_runtime_fn;

/* The runtime functions codegen_c.c itself calls, ended by a NULL name. The generated file
 * declares them all; an extern call of the IR to one of them uses this declaration. */
extern const cg_c_runtime_fn cg_c_runtime_fns[];

#endif
