/* halide_c.h - the public C API of halide-c, the only door into the core.
 *
 * Conventions (SQLite-like):
 *   - functions that can fail return an hl_status (HL_OK == 0) and put results in out
 *     parameters; the message of the last failure on this thread is hl_last_error();
 *   - objects (hl_expr, hl_func, hl_buffer) are reference counted: constructors and out
 *     parameters give a new reference, arguments are borrowed;
 *   - strings returned as `char *` are the caller's, freed with hl_string_free.
 * The semantics of expressions (division, overflow, promotion) are documented at the top
 * of src/ir/ir.h.
 */
#ifndef HALIDE_C_H
#define HALIDE_C_H

#include "halide_runtime.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum hl_status {
    HL_OK = 0,
    HL_ERROR_USER = 1,     /* the program or its inputs are wrong */
    HL_ERROR_INTERNAL = 2, /* a bug in halide-c */
    HL_ERROR_NOMEM = 3,    /* an allocation failed */
    HL_ERROR_RUNTIME = 4,  /* generated code reported an error */
} hl_status;

/* Message of the last failed call on this thread. */
const char *hl_last_error(void);
void hl_string_free(char *s);

/* Where the JIT's halide_print output (print(), print_when(), trace events) goes: the
 * handler, called from any thread running a pipeline, or stderr when NULL. Process-wide;
 * the Python module installs one that writes to sys.stdout, as Halide's bindings do. */
typedef void (*hl_print_handler)(const char *msg);
void hl_set_print_handler(hl_print_handler handler);

/* Test hook: make the nth allocation from now fail (n <= 0 turns it off), and count them. */
void hl_alloc_fail_at(long n);
long hl_alloc_count(void);

/* ---- Types ---------------------------------------------------------------------------- */

/* Same layout as halide_type_t. */
typedef struct hl_type {
    uint8_t code; /* halide_type_code_t */
    uint8_t bits;
    uint16_t lanes;
} hl_type;

static inline hl_type hl_type_make(int code, int bits, int lanes) {
    hl_type t = {(uint8_t)code, (uint8_t)bits, (uint16_t)lanes};
    return t;
}
int hl_type_equal(hl_type a, hl_type b);
/* "uint8", "float32x4", "handle" ... into buf; returns buf. */
char *hl_type_name(hl_type t, char *buf, size_t size);
/* Whether t is a type Halide has (int8..64, uint1..64, float16/32/64, bfloat16, handle). */
int hl_type_is_valid(hl_type t);
/* Largest / smallest value of a scalar type, as a double (exact for <= 53 bits). */
double hl_type_max_as_double(hl_type t);
double hl_type_min_as_double(hl_type t);

/* ---- Expressions ---------------------------------------------------------------------- */

typedef struct ir_node hl_expr;

void hl_expr_retain(hl_expr *e);
void hl_expr_release(hl_expr *e);

/* Constants. hl_expr_int/uint wrap the value into the type (as Halide's make_const). */
hl_status hl_expr_int(hl_type t, int64_t value, hl_expr **out);
hl_status hl_expr_uint(hl_type t, uint64_t value, hl_expr **out);
hl_status hl_expr_float(hl_type t, double value, hl_expr **out);
hl_status hl_expr_string(const char *s, hl_expr **out);
/* An int32 variable (pure var of a Func definition, or a free name). */
hl_status hl_expr_var(const char *name, hl_expr **out);

hl_type hl_expr_type(const hl_expr *e);
/* If e is a constant, stores it and returns 1 (is_float says which member is set). */
int hl_expr_const_value(const hl_expr *e, int64_t *i, uint64_t *u, double *f);
/* Name of a Variable node, or NULL. Borrowed. */
const char *hl_expr_var_name(const hl_expr *e);
/* 1 + the largest n of an implicit Var _n that e uses (0 when none): how many implicit
 * dimensions a definition with the placeholder _ on its left-hand side gets. */
int hl_expr_implicit_count(const hl_expr *e);
/* Readable text of e; caller frees with hl_string_free. NULL when out of memory. */
char *hl_expr_to_string(const hl_expr *e);
int hl_expr_equal(const hl_expr *a, const hl_expr *b);
uint64_t hl_expr_hash(const hl_expr *e);

typedef enum hl_binop {
    HL_OP_ADD, HL_OP_SUB, HL_OP_MUL, HL_OP_DIV, HL_OP_MOD, HL_OP_MIN, HL_OP_MAX,
    HL_OP_EQ, HL_OP_NE, HL_OP_LT, HL_OP_LE, HL_OP_GT, HL_OP_GE,
    HL_OP_AND, HL_OP_OR,
    HL_OP_BITAND, HL_OP_BITOR, HL_OP_BITXOR, HL_OP_SHL, HL_OP_SHR,
    HL_OP_POW, HL_OP_FLOORDIV, /* Python's ** and // */
    HL_OP_ABSD,
} hl_binop;

/* A Python number as an operand (halide-c keeps Python's literal rules in the core). */
typedef struct hl_scalar {
    int is_float; /* 1: the value is the double f */
    int is_bool;  /* a Python bool: i is 0 or 1 */
    int is_big;   /* an integer outside int64: f holds it as a double (2: it fits uint64, and
                   * i holds its bits exactly) */
    int64_t i;
    double f;
} hl_scalar;

/* An operand of an operator: an Expr (when expr != NULL) or a Python number. */
typedef struct hl_operand {
    const hl_expr *expr;
    hl_scalar k;
} hl_operand;

static inline hl_operand hl_operand_expr(const hl_expr *e) {
    hl_operand o = {0};
    o.expr = e;
    return o;
}

/* a op b with Halide's type coercion (SEMANTICS.md): two Exprs promote by match_types; an
 * Expr with a Python int makes the int take the Expr's type (an error if it does not fit
 * and it fits int32; larger ints become int64 Exprs); a Python float gives float32 unless
 * the Expr is a wider float. */
hl_status hl_expr_binop(hl_binop op, hl_operand a, hl_operand b, hl_expr **out);
/* A Python number on its own as an Expr: bool -> bool, int -> int32 (int64 if it does not
 * fit), float -> float32. */
hl_status hl_expr_from_scalar(hl_scalar k, hl_expr **out);

typedef enum hl_unop { HL_OP_NEG, HL_OP_NOT, HL_OP_BITNOT } hl_unop;
hl_status hl_expr_unary(hl_unop op, const hl_expr *a, hl_expr **out);

/* cast<t>(a); a Python number is converted straight to t (hl.f64(0.1) is exact). */
hl_status hl_expr_cast(hl_type t, hl_operand a, hl_expr **out);
/* saturating_cast<t>(a): clamped into t's range, then converted. */
hl_status hl_expr_saturating_cast(hl_type t, hl_operand a, hl_expr **out);
/* Whether every value of type o is exactly a value of type t. */
int hl_type_can_represent(hl_type t, hl_type o);
/* select(c0, v0, c1, v1, ..., default): n = 2k+1 operands, first true condition wins.
 * Value Exprs must have one type; Python numbers take it. */
hl_status hl_expr_select(int n, const hl_operand *operands, hl_expr **out);
/* min/max over n >= 2 operands: numbers become Exprs on their own, then all promote. */
hl_status hl_expr_minmax(int is_max, int n, const hl_operand *operands, hl_expr **out);
/* clamp(a, lo, hi): lo and hi must have a's type (numbers that fit take it). */
hl_status hl_expr_clamp(const hl_operand *operands, hl_expr **out);
hl_status hl_expr_abs(hl_operand a, hl_expr **out);
hl_status hl_expr_absd(hl_operand a, hl_operand b, hl_expr **out);
/* Float math by name: "sqrt", "exp", "log", "pow", "sin", "cos", "tan", "asin", "acos",
 * "atan", "atan2", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "floor", "ceil",
 * "round", "trunc", "erf", "hypot". Integer arguments are cast to float32. */
hl_status hl_expr_math(const char *name, int n, const hl_operand *args, hl_expr **out);

#include "hl_operators.h"

/* ---- Funcs ---------------------------------------------------------------------------- */

typedef struct hl_func hl_func;
typedef struct hl_buffer hl_buffer;

/* A new Func; name NULL makes a unique one ("f0", "f1", ...). */
hl_status hl_func_new(const char *name, hl_func **out);
void hl_func_retain(hl_func *f);
void hl_func_release(hl_func *f);
const char *hl_func_name(const hl_func *f); /* borrowed */
int hl_func_defined(const hl_func *f);
int hl_func_dimensions(const hl_func *f);
int hl_func_num_values(const hl_func *f);
hl_type hl_func_value_type(const hl_func *f, int i);
const char *hl_func_arg_name(const hl_func *f, int i); /* borrowed */
/* The definition f[args] = values. Each arg must be a Var (Variable) expr. */
hl_status hl_func_define(hl_func *f, int nargs, hl_expr *const *args, int nvalues,
                         hl_expr *const *values);
/* f[args] as an Expr (a call to value value_index). */
hl_status hl_func_call(hl_func *f, int nargs, hl_expr *const *args, int value_index,
                       hl_expr **out);
/* gpu_tile/gpu_blocks/gpu_threads/... and copy_to_device(): runs f on a device of Halide's
 * DeviceAPI `api` (2 Default_GPU, 3 CUDA, 4 OpenCL, 5 Metal, 9 Vulkan). halide-c generates
 * code for CPUs only: compiling such a Func is a clear error (the reference's when the target
 * has no GPU feature, "not supported yet" when it has). */
hl_status hl_func_set_device_api(hl_func *f, int api);
/* f.in_(consumer) (consumer NULL: every consumer) and f.clone_in(consumer): a Func that
 * stands in for f in the consumer's calls (new reference; the same one when asked again). */
hl_status hl_func_in(hl_func *f, const char *consumer, hl_func **out);
hl_status hl_func_clone_in(hl_func *f, const char *consumer, hl_func **out);
/* b[args] as an Expr: a call to an input buffer. */
hl_status hl_buffer_call(hl_buffer *b, int nargs, hl_expr *const *args, hl_expr **out);
/* The pure definition's value i, borrowed (NULL when undefined). */
const hl_expr *hl_func_value(const hl_func *f, int i);

/* Compiles (once, cached) the pipeline that computes f for JIT use. */
hl_status hl_func_compile_jit(hl_func *f);
/* Computes f over the region of the output buffers (one per value), which must have the
 * Func's dimensionality and value types. */
hl_status hl_func_realize(hl_func *f, int noutputs, hl_buffer *const *outputs);
/* A bounds query: outputs without memory (hl_buffer_new_bounds_query) get the region the
 * pipeline would write set as their dims; nothing is computed. */
hl_status hl_func_bounds_query(hl_func *f, int noutputs, hl_buffer *const *outputs);
/* The loop nest as text, as Func.print_loop_nest prints it. */
hl_status hl_func_loop_nest(hl_func *f, char **out);
/* The lowered statement as text (for compile_to_lowered_stmt and tests). */
hl_status hl_func_lowered_stmt(hl_func *f, char **out);

/* ---- Pipelines: several output Funcs compiled and realized together -------------------- */

typedef struct hl_pipeline hl_pipeline;
hl_status hl_pipeline_new(int noutputs, hl_func *const *outputs, hl_pipeline **out);
void hl_pipeline_retain(hl_pipeline *p);
void hl_pipeline_release(hl_pipeline *p);
int hl_pipeline_num_outputs(const hl_pipeline *p);
hl_func *hl_pipeline_output(const hl_pipeline *p, int i); /* borrowed */
hl_status hl_pipeline_compile_jit(hl_pipeline *p);
/* Drops the compiled JIT code (the next realize compiles again). */
void hl_pipeline_invalidate_cache(hl_pipeline *p);
/* Func `index` (new reference) of every Func the pipeline uses, in realization order
 * (producers first, inlined ones included). */
hl_status hl_pipeline_get_func(hl_pipeline *p, int index, hl_func **out);
/* Realizes into one buffer per value of each output, in order. */
hl_status hl_pipeline_realize(hl_pipeline *p, int nbuffers, hl_buffer *const *buffers);
hl_status hl_pipeline_bounds_query(hl_pipeline *p, int nbuffers, hl_buffer *const *buffers);
hl_status hl_pipeline_loop_nest(hl_pipeline *p, char **out);
hl_status hl_pipeline_lowered_stmt(hl_pipeline *p, char **out);

/* ---- Params ---------------------------------------------------------------------------- */

#include "hl_param.h"

/* ---- Schedules ------------------------------------------------------------------------ */

#include "hl_schedule.h"

/* ---- Reductions ----------------------------------------------------------------------------- */

#include "hl_rdom.h"

/* ---- Buffers -------------------------------------------------------------------------- */

#include "hl_buffer.h"

/* ---- Targets and ahead-of-time compilation ---------------------------------------------- */

#include "hl_target.h"
#include "hl_aot.h"

#ifdef __cplusplus
}
#endif
#endif
