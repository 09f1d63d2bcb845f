/* codegen_c_internal.h - state and helpers shared by the files of the c_source output.
 *
 * The C writer is split as the LLVM backend is: codegen_c.c (the writer's state, names,
 * C types, scope, statements, parallel tasks and the file), codegen_c_expr.c (expressions
 * and calls) and codegen_c_prelude.c (the fixed text every file starts with). Both work
 * on one cw_writer, made per file by cg_write_c_source in the compile's arena. Text is
 * built in the arena (FMT); the bodies of functions in strbufs the arena frees.
 */
#ifndef HL_CODEGEN_CODEGEN_C_INTERNAL_H
#define HL_CODEGEN_CODEGEN_C_INTERNAL_H

#include "codegen_aot.h"
#include "util/strbuf.h"

/* An IR name bound in a C function. */
typedef struct cw_binding {
    const char *name;  /* the IR name */
    const char *cname; /* the C variable (or expression) holding it */
    const char *ctype;
    int uses;
} cw_binding;

/* A C function being written: the pipeline, or the task of a parallel loop. */
typedef struct cw_function {
    struct cw_function *parent; /* tasks: the function whose loop this is */
    strbuf *out;                /* the body */
    int indent;
    cw_binding *scope; /* searched from the top: the newest binding of a name wins */
    int scope_len, scope_cap;
    const char **heap; /* C names of the heap allocations live at this point */
    int heap_len, heap_cap;
    /* Tasks: the closure's fields, packed from these C names of the parent, unpacked into
     * locals by `unpack`. */
    strbuf *unpack;
    const char **field_values, **field_types;
    int nfields, fields_cap;
} cw_function;

/* An extern function of the IR, declared on first use with the C types of that use. */
typedef struct cw_extern {
    const char *name;
    int nparams;
    const char *const *params;
    struct cw_extern *next;
} cw_extern;

typedef struct cw_writer {
    hl_ctx *ctx;
    const char *fn_name;
    strbuf *decls; /* declarations of the IR's extern functions */
    strbuf *tasks; /* closure structs and task functions, each before its caller */
    cw_extern *externs;
    int counter;     /* makes C names unique */
    cw_function *fn; /* the function being written */
} cw_writer;

/* printf into the arena; needs a cw_writer *w in scope. */
#define FMT(...) ctx_printf(w->ctx, __VA_ARGS__)

/* ---- codegen_c.c ------------------------------------------------------------------------ */
/* One line of the current function's body, at its indentation. */
void cw_line(cw_writer *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Declares a temporary of type t holding value; returns its name. */
const char *cw_temp(cw_writer *w, hl_type t, const char *value);
/* The C type holding a value of t (float16/bfloat16 values live in a float); a vector or
 * a type C cannot hold is a user error. */
const char *cw_ctype(cw_writer *w, hl_type t);
/* The C type of t in memory: bools as bytes, 16-bit floats as their bits. */
const char *cw_storage_ctype(cw_writer *w, hl_type t);
/* The unsigned C type of t's width. */
const char *cw_unsigned_ctype(cw_writer *w, hl_type t);
/* "T name" (no space after a pointer's '*'). */
const char *cw_declaration(cw_writer *w, const char *T, const char *name);
/* The name of t, for messages. */
const char *cw_type_text(cw_writer *w, hl_type t);
/* A C string literal of s. */
const char *cw_c_string(cw_writer *w, const char *s);
/* Binds IR name to a fresh C variable of C type ctype; returns the C name. */
const char *cw_bind(cw_writer *w, const char *name, const char *ctype);
/* Ends the newest binding; a C variable nothing read is marked used. */
void cw_unbind(cw_writer *w);
/* The C variable of a name the code reads (captured into the closure inside a task). */
const char *cw_use(cw_writer *w, const char *name);

static inline bool cw_is_small_float(hl_type t) {
    return ir_is_float(t) && t.bits == 16;
}
/* "f16" or "bf16": the helpers' suffix for a 16-bit float type. */
static inline const char *cw_small_float_name(hl_type t) {
    return t.code == halide_type_bfloat ? "bf16" : "f16";
}

/* ---- codegen_c_expr.c ------------------------------------------------------------------- */
/* Writes what e needs and returns a C operand (a constant, a name or a temporary) of its
 * value, of C type cw_ctype(e->type). */
const char *cw_expr(cw_writer *w, const ir_node *e);
/* Operand v of type from converted to type to: the Cast node's semantics (cg_convert). */
const char *cw_convert(cw_writer *w, const char *v, hl_type from, hl_type to);
/* The same as an operand: a new temporary when the type changes. */
const char *cw_converted(cw_writer *w, const char *value, hl_type from, hl_type to);
/* a op b for Add, Sub, Mul of type t. */
const char *cw_arith(cw_writer *w, ir_kind kind, hl_type t, const char *a, const char *b);

#endif
