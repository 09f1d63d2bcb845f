/* ir.h - the IR of halide-c: expression and statement nodes.
 *
 * SEMANTICS (what every pass and the code generator must preserve; SEMANTICS.md):
 *   - Integer `/` rounds toward negative infinity and `%` is never negative (Euclidean):
 *     -7/2 == -4, -7%2 == 1, 7/-2 == -3, -7/-2 == 4, 7%-2 == 1.
 *   - Integer division or modulo by zero gives 0, at run time and when constant-folded.
 *   - Unsigned types and int8/int16 wrap on overflow (MIN / -1 wraps to MIN). Signed 32-bit
 *     and 64-bit overflow is undefined: a constant fold that overflows int32 is an error.
 *   - A shift by a negative signed amount shifts the other way (16 << -1 == 8).
 *   - Float `%` is a - b*floor(a/b). Float-to-int casts truncate toward zero.
 *   - The evaluation order of a node's children is unspecified; expressions have no side
 *     effects except through Call nodes marked as such.
 *   - A Select evaluates only the chosen side as far as the result is concerned (both may
 *     be computed when safe).
 *
 * REPRESENTATION. Expressions and statements are one struct, ir_node, with a kind, a
 * type (expressions only), a few scalar fields and an array of child nodes (`kids`,
 * some of which may be NULL where the layout says "optional"). Because every node has
 * the same shape, equality, hashing, printing, and the visitor and mutator kits are
 * written once, generically. The per-kind layout of kids and fields is given in the node
 * list below - the one place it is defined (ORDER NODES).
 *
 * OWNERSHIP. Nodes built by the front end are reference counted (refs >= 1; each node
 * holds a reference to its kids and to its `ref` object). Nodes built during a compile
 * live in the compile's arena, are immortal (refs == IR_IMMORTAL) and are never counted.
 * Arena nodes may point to front-end nodes, never the other way round. Every
 * constructor takes the hl_ctx: with an arena it builds in the arena, without one on the
 * heap with a reference count.
 */
#ifndef HL_IR_IR_H
#define HL_IR_IR_H

#include "halide_c.h"
#include "util/ctx.h"

#include <stdbool.h>
#include <stdint.h>

/* X(kind, is_stmt, printed name) - Halide's strength order for expressions. ORDER NODES.
 *
 * Expressions:
 *   IntImm, UIntImm, FloatImm  constant: imm.i / imm.u / imm.f; no kids. Scalar type.
 *   StringImm                  constant string in `name`; type handle.
 *   Cast                       kids[0] converted to `type`.
 *   Reinterpret                kids[0]'s bits as `type` (same total bits).
 *   Variable                   reads `name` (a loop var, let var, pure var, or a buffer or
 *                              param field such as "b.min.0"); `ref` may name the buffer.
 *   Add..Max                   kids[0] op kids[1], both of `type`.
 *   EQ..GE                     comparison of kids[0], kids[1]; type bool (uint1) of their lanes.
 *   And, Or                    logical, on bools.
 *   Not                        logical not of kids[0].
 *   Select                     kids[0] ? kids[1] : kids[2]; condition scalar or same lanes.
 *   Load                       element kids[0] (flat index, in elements) of buffer `name`,
 *                              with optional predicate kids[1]; `ref` is the hl_buffer if
 *                              an external one; `type` is the element type.
 *   Ramp                       vector kids[0] + i*kids[1] for i in [0, lanes).
 *   Broadcast                  vector of lanes copies of scalar kids[0].
 *   Let                        `name` = kids[0] in kids[1].
 *   Call                       a call named `name` with kids as arguments. op = call type
 *                              (IR_CALL_*); for IR_CALL_HALIDE `ref` is the hl_func and op2
 *                              the value index; for IR_CALL_IMAGE `ref` is the hl_buffer;
 *                              for IR_CALL_INTRINSIC op2 is an ir_intrinsic.
 *   Shuffle                    concatenation of kids (vectors), picking lanes `indices`.
 * Statements:
 *   LetStmt                    `name` = kids[0] in statement kids[1].
 *   AssertStmt                 if !kids[0], fail with message expr kids[1] (a string
 *                              expression) and error code imm.i.
 *   ProducerConsumer           kids[0] produces (op = 1) or consumes (op = 0) Func `name`.
 *   For                        for `name` in [kids[0], kids[0] + kids[1]) do kids[2];
 *                              op = ir_for_type.
 *   Store                      buffer `name`[kids[1]] = kids[0], optional predicate kids[2];
 *                              `ref` as for Load.
 *   Provide                    multi-dimensional store into Func `name` (ref = hl_func):
 *                              kids = op values, then the coordinates.
 *   Allocate                   buffer `name` of element `type`, kids[0] body, kids[1]
 *                              optional condition, kids[2..] extents.
 *   Free                       frees buffer `name`.
 *   Realize                    Func `name` (ref) realized over a box in kids[0] body:
 *                              kids[1] optional condition, then (min, extent) pairs. op =
 *                              number of values; types in `types`.
 *   Block                      kids[0] then kids[1].
 *   IfThenElse                 if kids[0] then kids[1] else kids[2] (optional).
 *   Evaluate                   evaluates kids[0] for its effects.
 */
#define IR_NODE_LIST(X)                                                                       \
    X(IntImm, 0, "IntImm")                                                                    \
    X(UIntImm, 0, "UIntImm")                                                                  \
    X(FloatImm, 0, "FloatImm")                                                                \
    X(StringImm, 0, "StringImm")                                                              \
    X(Cast, 0, "Cast")                                                                        \
    X(Reinterpret, 0, "Reinterpret")                                                          \
    X(Variable, 0, "Variable")                                                                \
    X(Add, 0, "Add")                                                                          \
    X(Sub, 0, "Sub")                                                                          \
    X(Mul, 0, "Mul")                                                                          \
    X(Div, 0, "Div")                                                                          \
    X(Mod, 0, "Mod")                                                                          \
    X(Min, 0, "Min")                                                                          \
    X(Max, 0, "Max")                                                                          \
    X(EQ, 0, "EQ")                                                                            \
    X(NE, 0, "NE")                                                                            \
    X(LT, 0, "LT")                                                                            \
    X(LE, 0, "LE")                                                                            \
    X(GT, 0, "GT")                                                                            \
    X(GE, 0, "GE")                                                                            \
    X(And, 0, "And")                                                                          \
    X(Or, 0, "Or")                                                                            \
    X(Not, 0, "Not")                                                                          \
    X(Select, 0, "Select")                                                                    \
    X(Load, 0, "Load")                                                                        \
    X(Ramp, 0, "Ramp")                                                                        \
    X(Broadcast, 0, "Broadcast")                                                              \
    X(Let, 0, "Let")                                                                          \
    X(Call, 0, "Call")                                                                        \
    X(Shuffle, 0, "Shuffle")                                                                  \
    X(LetStmt, 1, "LetStmt")                                                                  \
    X(AssertStmt, 1, "AssertStmt")                                                            \
    X(ProducerConsumer, 1, "ProducerConsumer")                                                \
    X(For, 1, "For")                                                                          \
    X(Store, 1, "Store")                                                                      \
    X(Provide, 1, "Provide")                                                                  \
    X(Allocate, 1, "Allocate")                                                                \
    X(Free, 1, "Free")                                                                        \
    X(Realize, 1, "Realize")                                                                  \
    X(Block, 1, "Block")                                                                      \
    X(IfThenElse, 1, "IfThenElse")                                                            \
    X(Evaluate, 1, "Evaluate")

typedef enum ir_kind {
#define IR_KIND_ENUM(k, s, n) IR_##k,
    IR_NODE_LIST(IR_KIND_ENUM)
#undef IR_KIND_ENUM
} ir_kind;
/* Not an enumerator, so that switches over ir_kind stay complete under -Wswitch-enum. */
#define IR_NUM_KINDS (IR_Evaluate + 1)

typedef enum ir_call_type {
    IR_CALL_HALIDE,       /* a Func */
    IR_CALL_IMAGE,        /* an input buffer */
    IR_CALL_EXTERN,       /* an extern C function with side effects */
    IR_CALL_PURE_EXTERN,  /* a pure C/math function (sqrt_f32, ...) */
    IR_CALL_INTRINSIC,    /* one of ir_intrinsic (op2) */
} ir_call_type;

/* Intrinsics (Call with IR_CALL_INTRINSIC). ORDER INTRINSICS: keep ir_intrinsic_names in
 * ir.c in the same order. */
typedef enum ir_intrinsic {
    IR_INTRIN_BITWISE_AND,
    IR_INTRIN_BITWISE_OR,
    IR_INTRIN_BITWISE_XOR,
    IR_INTRIN_BITWISE_NOT,
    IR_INTRIN_SHIFT_LEFT,
    IR_INTRIN_SHIFT_RIGHT,
    IR_INTRIN_ABS,
    IR_INTRIN_ABSD,
    IR_INTRIN_LIKELY,
    IR_INTRIN_RETURN_SECOND, /* evaluates kids[0] for effect, returns kids[1] */
    /* Fields of a halide_buffer_t* (kids[0], a handle); dims take the index as kids[1]
     * (an int32 constant). Results: host is a handle, the rest int32 (type_* uint8/16). */
    IR_INTRIN_BUFFER_GET_HOST,
    IR_INTRIN_BUFFER_GET_MIN,
    IR_INTRIN_BUFFER_GET_EXTENT,
    IR_INTRIN_BUFFER_GET_STRIDE,
    IR_INTRIN_BUFFER_GET_DIMENSIONS,
    IR_INTRIN_BUFFER_GET_TYPE_CODE,
    IR_INTRIN_BUFFER_GET_TYPE_BITS,
    IR_INTRIN_BUFFER_GET_TYPE_LANES,
    /* Whether the buffer (kids[0]) is a bounds query: host and device both null. bool. */
    IR_INTRIN_BUFFER_IS_BOUNDS_QUERY,
    /* Sets dim kids[1]'s min and extent of buffer kids[0] to kids[2], kids[3]; int32 0. */
    IR_INTRIN_BUFFER_SET_BOUNDS,
    /* kids[0], promised to lie in [kids[1], kids[2]] (Halide's unsafe_promise_clamped):
     * bounds inference uses the promise, code generation evaluates kids[0] only. */
    IR_INTRIN_PROMISE_CLAMPED,
    /* Bit counts of an integer kids[0], of its type (LLVM ctpop/ctlz/cttz); of 0: the bit
     * width for the two zero counts. Lane-wise. */
    IR_INTRIN_POPCOUNT,
    IR_INTRIN_COUNT_LEADING_ZEROS,
    IR_INTRIN_COUNT_TRAILING_ZEROS,
    /* Prints kids[1..] (scalars: numbers, bools, StringImms) separated by spaces and a
     * newline through halide_print when the bool kids[0] is true; int32 0. Has a side
     * effect: never lane-wise, never removed (print/print_when wrap it in return_second). */
    IR_INTRIN_PRINT,
    /* undef<type>(): no value; only meaningful as the value of an update definition (the
     * site is left unchanged). Code generation rejects it as a user error. */
    IR_INTRIN_UNDEF,
    /* random_float/int/uint(seed): kids[0] is the call site's unique int32 id, kids[1] (if
     * present) the int32 seed; the type says which. Func definitions replace it by a hash
     * of (id, seed, the definition's arguments) (lang/random.c); nothing later sees it. */
    IR_INTRIN_RANDOM,
    /* target_arch_is/os_is/has_feature (bool), target_bits/vector_bits/natural_vector_size
     * (int32): kids[0] an int32 ir_target_query, kids[1] its int32 argument (the enum value,
     * or the element bits). Lowering answers it for the target compiled for (func_env.c). */
    IR_INTRIN_TARGET_QUERY,
    /* A trace event (lower/tracing.c): kids[0] the int32 halide_trace_event_code_t, kids[1]
     * a StringImm (the Func's name), kids[2] the int32 value index, kids[3] the value of a
     * load or store (the node's type; it is also the result), a StringImm tag prefix for a
     * tag event, else int32 0; kids[4..] int32 coordinates (realization events: min,
     * extent pairs). Side effect: never lane-wise, never removed. */
    IR_INTRIN_TRACE,
} ir_intrinsic;
#define IR_INTRIN_NUM (IR_INTRIN_TRACE + 1)

typedef enum ir_target_query {
    IR_TARGET_ARCH_IS,
    IR_TARGET_OS_IS,
    IR_TARGET_HAS_FEATURE,
    IR_TARGET_BITS,
    IR_TARGET_VECTOR_BITS,
    IR_TARGET_NATURAL_VECTOR_SIZE,
} ir_target_query;

typedef enum ir_for_type {
    IR_FOR_SERIAL,
    IR_FOR_PARALLEL,
    IR_FOR_VECTORIZED,
    IR_FOR_UNROLLED,
} ir_for_type;

#define IR_IMMORTAL (-1)

typedef struct ir_node ir_node;
struct ir_node {
    int32_t refs;   /* reference count, or IR_IMMORTAL for arena nodes */
    uint8_t kind;   /* ir_kind */
    uint8_t ref_kind; /* what `ref` points to: IR_REF_* */
    uint16_t nkids;
    hl_type type;   /* expressions: the value type; Allocate: element type */
    int32_t op;     /* kind-specific: call type, for type, is_producer, number of values */
    int32_t op2;    /* kind-specific: value index, intrinsic id */
    union {
        int64_t i;
        uint64_t u;
        double f;
    } imm;
    const char *name;      /* owned by the node (heap) or the arena */
    void *ref;             /* hl_func / hl_buffer the node refers to, per ref_kind */
    const int32_t *indices; /* Shuffle lane indices (n = type.lanes), Realize types */
    ir_node *kids[];
};

typedef enum ir_ref_kind {
    IR_REF_NONE,
    IR_REF_FUNC,   /* hl_func */
    IR_REF_BUFFER, /* hl_buffer */
    /* hl_func, not counted: a wrapper's call to the Func that owns the wrapper (the owner
     * keeps the wrapper alive; see lang/wrappers.c). */
    IR_REF_FUNC_WEAK,
    IR_REF_PARAM,  /* hl_param (a Param's Variable, an ImageParam's call or field) */
    IR_REF_RDOM,   /* hl_rdom (an RVar's Variable) */
} ir_ref_kind;

static inline bool ir_is_stmt(const ir_node *n) { return n->kind >= IR_LetStmt; }
const char *ir_kind_name(ir_kind k);
const char *ir_intrinsic_name(ir_intrinsic i);

/* ---- Types ---------------------------------------------------------------------------- */

static inline hl_type ir_int(int bits) { return hl_type_make(halide_type_int, bits, 1); }
static inline hl_type ir_uint(int bits) { return hl_type_make(halide_type_uint, bits, 1); }
static inline hl_type ir_float(int bits) { return hl_type_make(halide_type_float, bits, 1); }
static inline hl_type ir_bool(void) { return hl_type_make(halide_type_uint, 1, 1); }
static inline hl_type ir_handle(void) { return hl_type_make(halide_type_handle, 64, 1); }
static inline hl_type ir_with_lanes(hl_type t, int lanes) {
    t.lanes = (uint16_t)lanes;
    return t;
}
static inline hl_type ir_element_of(hl_type t) { return ir_with_lanes(t, 1); }
static inline bool ir_type_eq(hl_type a, hl_type b) {
    return a.code == b.code && a.bits == b.bits && a.lanes == b.lanes;
}
static inline bool ir_is_int(hl_type t) { return t.code == halide_type_int; }
static inline bool ir_is_uint(hl_type t) { return t.code == halide_type_uint; }
static inline bool ir_is_float(hl_type t) {
    return t.code == halide_type_float || t.code == halide_type_bfloat;
}
static inline bool ir_is_bool(hl_type t) { return t.code == halide_type_uint && t.bits == 1; }
static inline bool ir_is_handle(hl_type t) { return t.code == halide_type_handle; }
static inline bool ir_is_vector(hl_type t) { return t.lanes > 1; }
/* Whether an integer type's overflow wraps (unsigned, and signed narrower than 32 bits). */
static inline bool ir_type_wraps(hl_type t) {
    return ir_is_uint(t) || (ir_is_int(t) && t.bits < 32);
}
/* Whether every value of type o is exactly a value of type t (same lanes). */
bool ir_type_can_represent(hl_type t, hl_type o);
/* Range of an integer type (bits <= 64). */
int64_t ir_type_imin(hl_type t);
int64_t ir_type_imax(hl_type t);
uint64_t ir_type_umax(hl_type t);
/* Wraps v into integer type t (sign- or zero-extending from t.bits). */
int64_t ir_wrap_int(hl_type t, int64_t v);
uint64_t ir_wrap_uint(hl_type t, uint64_t v);
/* Rounds a double to the precision of float type t (float16/32/64, bfloat16). */
double ir_round_float(hl_type t, double v);

/* ---- Construction ---------------------------------------------------------------------- */

/* A node with nkids child slots and fields zeroed; name copied when not NULL. Kids are
 * set by the caller with ir_set_kid (which retains in heap mode). */
ir_node *ir_alloc(hl_ctx *ctx, ir_kind kind, hl_type type, int nkids, const char *name);
void ir_set_kid(ir_node *n, int i, ir_node *kid);
/* Sets n->ref to obj (retaining it when n is a heap node). */
void ir_set_ref(ir_node *n, ir_ref_kind kind, void *obj);
/* A shallow copy of n whose kids are replaced by new_kids (retained in heap mode). */
ir_node *ir_copy_with_kids(hl_ctx *ctx, const ir_node *n, ir_node *const *new_kids);

void ir_retain(ir_node *n);
void ir_release(ir_node *n); /* iterative: safe for very deep trees */

/* Constants: ir_make_const wraps/rounds value into t; vectors become Broadcasts. */
ir_node *ir_int_imm(hl_ctx *ctx, hl_type t, int64_t v);
ir_node *ir_uint_imm(hl_ctx *ctx, hl_type t, uint64_t v);
ir_node *ir_float_imm(hl_ctx *ctx, hl_type t, double v);
ir_node *ir_make_const(hl_ctx *ctx, hl_type t, int64_t v);
ir_node *ir_make_zero(hl_ctx *ctx, hl_type t);
ir_node *ir_make_one(hl_ctx *ctx, hl_type t);
ir_node *ir_make_bool(hl_ctx *ctx, bool v, int lanes);
ir_node *ir_string_imm(hl_ctx *ctx, const char *s);

ir_node *ir_var(hl_ctx *ctx, hl_type t, const char *name);
/* Binary node of kind with no type checks or promotion (both operands of one type);
 * comparisons get the bool type. The front end's promotion lives in lang/operators.c. */
ir_node *ir_binary(hl_ctx *ctx, ir_kind kind, ir_node *a, ir_node *b);
ir_node *ir_not(hl_ctx *ctx, ir_node *a);
ir_node *ir_cast(hl_ctx *ctx, hl_type t, ir_node *a);
ir_node *ir_reinterpret(hl_ctx *ctx, hl_type t, ir_node *a);
ir_node *ir_select(hl_ctx *ctx, ir_node *c, ir_node *t, ir_node *f);
ir_node *ir_ramp(hl_ctx *ctx, ir_node *base, ir_node *stride, int lanes);
ir_node *ir_broadcast(hl_ctx *ctx, ir_node *v, int lanes);
ir_node *ir_let(hl_ctx *ctx, const char *name, ir_node *value, ir_node *body);
ir_node *ir_load(hl_ctx *ctx, hl_type t, const char *buffer, ir_node *index, ir_node *predicate,
                 ir_ref_kind ref_kind, void *ref);
ir_node *ir_call(hl_ctx *ctx, hl_type t, const char *name, ir_call_type call_type, int nargs,
                 ir_node *const *args);
ir_node *ir_call_intrinsic(hl_ctx *ctx, hl_type t, ir_intrinsic id, int nargs, ir_node *const *args);

ir_node *ir_let_stmt(hl_ctx *ctx, const char *name, ir_node *value, ir_node *body);
ir_node *ir_assert_stmt(hl_ctx *ctx, ir_node *cond, ir_node *message, int error_code);
ir_node *ir_producer_consumer(hl_ctx *ctx, const char *name, bool is_producer, ir_node *body);
ir_node *ir_for(hl_ctx *ctx, const char *name, ir_node *min, ir_node *extent,
                ir_for_type for_type, ir_node *body);
ir_node *ir_store(hl_ctx *ctx, const char *buffer, ir_node *value, ir_node *index,
                  ir_node *predicate, ir_ref_kind ref_kind, void *ref);
ir_node *ir_provide(hl_ctx *ctx, const char *func, void *func_ref, int nvalues,
                    ir_node *const *values, int nargs, ir_node *const *args);
ir_node *ir_allocate(hl_ctx *ctx, const char *name, hl_type elem, int nextents,
                     ir_node *const *extents, ir_node *condition, ir_node *body);
ir_node *ir_free(hl_ctx *ctx, const char *name);
/* Block of a and b; either may be NULL (returns the other). */
ir_node *ir_block(hl_ctx *ctx, ir_node *a, ir_node *b);
ir_node *ir_if(hl_ctx *ctx, ir_node *cond, ir_node *then_case, ir_node *else_case);
ir_node *ir_evaluate(hl_ctx *ctx, ir_node *value);

/* A reference-counted heap copy of n (heap subtrees are shared, not copied); a new
 * reference, or NULL when out of memory. See ir_persist.c. */
ir_node *ir_persist(const ir_node *n);

/* ---- Queries ---------------------------------------------------------------------------- */

bool ir_is_const(const ir_node *n); /* IntImm, UIntImm, FloatImm (or a Broadcast of one) */
/* If n is an integer constant (IntImm/UIntImm fitting int64, or Broadcast of one). */
bool ir_const_int(const ir_node *n, int64_t *v);
bool ir_is_const_value(const ir_node *n, int64_t v);
static inline bool ir_is_zero(const ir_node *n) { return ir_is_const_value(n, 0); }
static inline bool ir_is_one(const ir_node *n) { return ir_is_const_value(n, 1); }

/* ---- Equality, hashing, printing --------------------------------------------------------- */

bool ir_equal(const ir_node *a, const ir_node *b);
uint64_t ir_hash(const ir_node *n);
/* Total order consistent with ir_equal (for canonical operand order). */
int ir_compare(const ir_node *a, const ir_node *b);

typedef struct strbuf strbuf;
void ir_print(strbuf *out, const ir_node *n);
/* Heap string (hl_free) of n, or NULL when out of memory. For debugging and tests. */
char *ir_to_string(const ir_node *n);
/* A statement's text (ir_to_string) as a standalone HTML page with foldable blocks
 * (ir_html.c); heap string, NULL when out of memory. */
char *ir_text_to_html(const char *text, const char *title);
/* Text of n in the context's memory (arena), for error messages; raises when out of memory. */
const char *ir_ctx_string(hl_ctx *ctx, const ir_node *n);
/* From gdb: prints n to stderr. */
void hl_debug_print(const ir_node *n);

/* ---- Visitor and mutator kits ---------------------------------------------------------- */

typedef struct ir_visitor ir_visitor;
struct ir_visitor {
    hl_ctx *ctx;
    /* Called for each node; the default (NULL) visits the kids. An implementation calls
     * ir_visit_kids(v, n) to recurse. */
    void (*visit)(ir_visitor *v, const ir_node *n);
    void *state;
};
void ir_visit(ir_visitor *v, const ir_node *n); /* NULL-safe, depth-guarded */
void ir_visit_kids(ir_visitor *v, const ir_node *n);

typedef struct ir_mutator ir_mutator;
struct ir_mutator {
    hl_ctx *ctx;
    /* Called for each node; returns the replacement (or n itself). The default (NULL)
     * mutates the kids: ir_mutate_kids(m, n). */
    ir_node *(*mutate)(ir_mutator *m, ir_node *n);
    void *state;
};
ir_node *ir_mutate(ir_mutator *m, ir_node *n); /* NULL-safe, depth-guarded */
/* Copy-on-write: mutates each kid; returns n itself when no kid changed. */
ir_node *ir_mutate_kids(ir_mutator *m, ir_node *n);

/* Replaces free Variables named `name` by `value` (respecting Let shadowing). */
ir_node *ir_substitute(hl_ctx *ctx, ir_node *n, const char *name, ir_node *value);
/* Replaces the free Variables names[i] by values[i] all at once. */
ir_node *ir_substitute_many(hl_ctx *ctx, ir_node *n, int count, const char *const *names,
                            ir_node *const *values);
/* Whether n uses the variable `name` freely. */
bool ir_uses_var(hl_ctx *ctx, const ir_node *n, const char *name);

#endif
