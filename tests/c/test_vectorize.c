/* test_vectorize.c - the vectorize_loops and unroll_loops passes, checked by running them.
 *
 * Each case builds a lowered loop nest by hand (serial outer loop, vectorized inner loop
 * storing out[x] from loads of an input buffer `a` and an int32 index buffer `b`), runs
 * unroll_loops, vectorize_loops and simplify, JIT compiles the result and compares every
 * output element with a scalar C reference, at vector widths 4, 8, 16 and 32. Cases cover
 * uint8/int16/int32/float32 arithmetic (Euclidean division by constants and by vectors),
 * min/max, select, widening and narrowing casts, dense, stride-2 and data-dependent loads,
 * math calls and intrinsics, vector lets, ifs with varying conditions (predicated),
 * inner serial loops (widened, or scalarized when their bounds vary), allocations and
 * assertions inside vectorized loops (scalarized), unrolled loops, unrolled and
 * vectorized loops nested both ways, and nested vectorized loops. The lowered text is
 * checked for vector accesses ("ramp(..., 1, W)", "xW(") and for left-over loops; loops
 * whose extent is not constant must give the user error naming the loop.
 */
#include "jit/jit.h"
#include "lower/lower.h"
#include "lower/simplify.h"
#include "util/alloc.h"
#include "util/check.h"

#include "test_util_codegen.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The front end's retain/release hooks that ir.c calls for ref nodes; the tests make no
 * ref nodes, so no-op stand-ins do when the front end is not linked. */
__attribute__((weak)) void hl_func_retain(hl_func *f) { (void)f; }
__attribute__((weak)) void hl_func_release(hl_func *f) { (void)f; }
__attribute__((weak)) void hl_buffer_retain(hl_buffer *b) { (void)b; }
__attribute__((weak)) void hl_buffer_release(hl_buffer *b) { (void)b; }
__attribute__((weak)) int hl_func_num_values(const hl_func *f) { (void)f; return 1; }

/* ---- Input data ------------------------------------------------------------------------- */

#define N 64              /* output elements */
#define A_LEN (2 * N + 8) /* input elements: stride-2 loads and small offsets stay inside */

static uint8_t a_u8[A_LEN];
static int16_t a_i16[A_LEN];
static int32_t a_i32[A_LEN];
static float a_f32[A_LEN];
static int32_t b_idx[A_LEN];

static void init_data(void) {
    uint32_t s = 12345;
    for (int i = 0; i < A_LEN; i++) {
        s = s * 1103515245u + 12345u;
        uint32_t r = s >> 8;
        a_u8[i] = (uint8_t)r;
        a_i16[i] = (int16_t)(r & 0xffff);
        a_i32[i] = (int32_t)(r % 20001) - 10000;
        a_f32[i] = (float)((int)(r % 40001) - 20000) / 64.0f;
        b_idx[i] = (int32_t)(r % (2 * N));
    }
    /* Edge values: int16 MIN / -1 wraps, divisors and moduli of zero, negative zero. */
    a_i16[5] = INT16_MIN;
    a_i16[6] = 1; /* (1 % 5) - 2 == -1 */
    a_i16[9] = 2; /* divisor 0 */
    b_idx[7] = 50;
    a_f32[3] = -0.0f;
}

/* What out holds before the pipeline runs (cases that store conditionally keep it). */
static int init_out(int x) { return x % 3 - 1; }

/* Euclidean division and modulo with x / 0 == 0, as ir.h defines them. */
static int64_t ediv(int64_t a, int64_t b) {
    if (b == 0) return 0;
    int64_t q = a / b, r = a % b;
    if (r < 0) q -= b > 0 ? 1 : -1;
    return q;
}

static int64_t emod(int64_t a, int64_t b) {
    if (b == 0) return 0;
    int64_t r = a % b;
    if (r < 0) r += b > 0 ? b : -b;
    return r;
}

/* ---- IR building helpers ---------------------------------------------------------------- */

static const hl_type U8 = {halide_type_uint, 8, 1}, I16 = {halide_type_int, 16, 1},
                     I32 = {halide_type_int, 32, 1}, F32 = {halide_type_float, 32, 1};

static ir_node *ci(hl_ctx *c, int64_t v) { return ir_int_imm(c, ir_int(32), v); }
static ir_node *ct(hl_ctx *c, hl_type t, double v) {
    return ir_is_float(t) ? ir_float_imm(c, t, v) : ir_make_const(c, t, (int64_t)v);
}
static ir_node *var(hl_ctx *c, const char *n) { return ir_var(c, ir_int(32), n); }
static ir_node *X(hl_ctx *c) { return var(c, "x"); }
static ir_node *bin(hl_ctx *c, ir_kind k, ir_node *a, ir_node *b) { return ir_binary(c, k, a, b); }
static ir_node *add(hl_ctx *c, ir_node *a, ir_node *b) { return bin(c, IR_Add, a, b); }
static ir_node *mul(hl_ctx *c, ir_node *a, ir_node *b) { return bin(c, IR_Mul, a, b); }
static ir_node *xplus(hl_ctx *c, int k) { return add(c, X(c), ci(c, k)); }
static ir_node *A(hl_ctx *c, hl_type t, ir_node *index) {
    return ir_load(c, t, "a", index, NULL, IR_REF_NONE, NULL);
}
static ir_node *B(hl_ctx *c, ir_node *index) {
    return ir_load(c, ir_int(32), "b", index, NULL, IR_REF_NONE, NULL);
}
static ir_node *OUT(hl_ctx *c, hl_type t, ir_node *index) {
    return ir_load(c, t, "out", index, NULL, IR_REF_NONE, NULL);
}
static ir_node *store(hl_ctx *c, ir_node *value, ir_node *index) {
    return ir_store(c, "out", value, index, NULL, IR_REF_NONE, NULL);
}
static ir_node *call(hl_ctx *c, hl_type t, const char *name, ir_node *arg) {
    return ir_call(c, t, name, IR_CALL_PURE_EXTERN, 1, &arg);
}
static ir_node *intrin2(hl_ctx *c, ir_intrinsic id, ir_node *a, ir_node *b) {
    ir_node *args[2] = {a, b};
    return ir_call_intrinsic(c, a->type, id, b ? 2 : 1, args);
}
static ir_node *loop(hl_ctx *c, const char *name, ir_node *min, ir_node *extent, ir_for_type t,
                     ir_node *body) {
    return ir_for(c, name, min, extent, t, body);
}

/* for (xo, 0, N/w) vectorized (x, xo*w, w) body */
static ir_node *vector_nest(hl_ctx *c, int w, ir_node *body) {
    ir_node *inner = loop(c, "x", mul(c, var(c, "xo"), ci(c, w)), ci(c, w), IR_FOR_VECTORIZED, body);
    return loop(c, "xo", ci(c, 0), ci(c, N / w), IR_FOR_SERIAL, inner);
}

/* ---- Cases --------------------------------------------------------------------------------- */

enum {
    EXPECT_DENSE = 1, /* a dense vector access ", 1, W)" */
    EXPECT_BCAST = 2, /* a broadcast "xW(" */
    EXPECT_PRED = 4,  /* a predicated access " if " */
};

typedef struct vcase {
    const char *name;
    hl_type in_t, out_t;
    ir_node *(*expr)(hl_ctx *c);         /* value stored to out[x], or NULL */
    ir_node *(*body)(hl_ctx *c, int w);  /* else: the vectorized loop's body, or NULL */
    ir_node *(*nest)(hl_ctx *c, int w);  /* else: the whole loop nest */
    double (*ref)(int x, int w);         /* expected out[x] */
    unsigned expect;
} vcase;

#define AU8(i) ((int)a_u8[i])
#define AI16(i) ((int)a_i16[i])
#define AI32(i) ((int64_t)a_i32[i])
#define AF32(i) (a_f32[i])

/* uint8: wrapping arithmetic, constants broadcast, dense offsets. */
static ir_node *e_u8_madd(hl_ctx *c) {
    return add(c, A(c, U8, X(c)), mul(c, A(c, U8, xplus(c, 1)), ct(c, U8, 3)));
}
static double r_u8_madd(int x, int w) { return (uint8_t)(AU8(x) + AU8(x + 1) * 3); }

/* uint8: stride-2 loads, division and modulo by constants. */
static ir_node *e_u8_stride2(hl_ctx *c) {
    ir_node *x2 = mul(c, X(c), ci(c, 2));
    return add(c, bin(c, IR_Div, A(c, U8, x2), ct(c, U8, 7)),
               bin(c, IR_Mod, A(c, U8, add(c, x2, ci(c, 1))), ct(c, U8, 5)));
}
static double r_u8_stride2(int x, int w) { return (uint8_t)(AU8(2 * x) / 7 + AU8(2 * x + 1) % 5); }

static ir_node *e_u8_minmax(hl_ctx *c) {
    return bin(c, IR_Sub, bin(c, IR_Max, A(c, U8, X(c)), ct(c, U8, 100)),
               bin(c, IR_Min, A(c, U8, xplus(c, 3)), ct(c, U8, 50)));
}
static double r_u8_minmax(int x, int w) {
    int a = AU8(x) > 100 ? AU8(x) : 100, b = AU8(x + 3) < 50 ? AU8(x + 3) : 50;
    return (uint8_t)(a - b);
}

static ir_node *e_u8_bits(hl_ctx *c) {
    ir_node *sh = intrin2(c, IR_INTRIN_SHIFT_LEFT, A(c, U8, xplus(c, 1)), ct(c, U8, 1));
    return intrin2(c, IR_INTRIN_BITWISE_XOR, A(c, U8, X(c)),
                   intrin2(c, IR_INTRIN_SHIFT_RIGHT, sh, ct(c, U8, 2)));
}
static double r_u8_bits(int x, int w) {
    return (uint8_t)(AU8(x) ^ ((uint8_t)(AU8(x + 1) << 1) >> 2));
}

/* int16: Euclidean division and modulo by a constant. */
static ir_node *e_i16_divc(hl_ctx *c) {
    ir_node *d = bin(c, IR_Sub, A(c, I16, X(c)), A(c, I16, xplus(c, 2)));
    return add(c, bin(c, IR_Div, d, ct(c, I16, 3)), bin(c, IR_Mod, d, ct(c, I16, -7)));
}
static double r_i16_divc(int x, int w) {
    int16_t d = (int16_t)(AI16(x) - AI16(x + 2));
    return (int16_t)(ediv(d, 3) + emod(d, -7));
}

/* int16: division by a vector holding 0, -1 and negatives (MIN / -1 wraps). */
static ir_node *e_i16_divv(hl_ctx *c) {
    ir_node *den = bin(c, IR_Sub, bin(c, IR_Mod, A(c, I16, xplus(c, 1)), ct(c, I16, 5)), ct(c, I16, 2));
    return bin(c, IR_Div, A(c, I16, X(c)), den);
}
static double r_i16_divv(int x, int w) {
    int64_t den = emod(AI16(x + 1), 5) - 2;
    return (int16_t)ediv(AI16(x), den);
}

/* int32: comparison against the loop variable, select, products with it. */
static ir_node *e_i32_select(hl_ctx *c) {
    ir_node *cond = bin(c, IR_GT, A(c, I32, X(c)), mul(c, X(c), ci(c, 30)));
    return ir_select(c, cond, mul(c, A(c, I32, X(c)), X(c)),
                     bin(c, IR_Sub, X(c), A(c, I32, mul(c, X(c), ci(c, 2)))));
}
static double r_i32_select(int x, int w) {
    return AI32(x) > x * 30 ? AI32(x) * x : x - AI32(2 * x);
}

/* int32: Euclidean modulo and division by a data-dependent vector (zero included). */
static ir_node *e_i32_modv(hl_ctx *c) {
    ir_node *den = bin(c, IR_Sub, B(c, X(c)), ci(c, 50));
    return add(c, bin(c, IR_Mod, A(c, I32, X(c)), den),
               mul(c, bin(c, IR_Div, A(c, I32, xplus(c, 1)), den), ci(c, 1000)));
}
static double r_i32_modv(int x, int w) {
    int64_t den = b_idx[x] - 50;
    return (double)(emod(AI32(x), den) + ediv(AI32(x + 1), den) * 1000);
}

/* int32: a gather with data-dependent indices. */
static ir_node *e_i32_gather(hl_ctx *c) {
    ir_node *i = bin(c, IR_Max, bin(c, IR_Min, B(c, X(c)), ci(c, A_LEN - 1)), ci(c, 0));
    return add(c, A(c, I32, i), X(c));
}
static double r_i32_gather(int x, int w) { return (double)(AI32(b_idx[x]) + x); }

/* int32: the loop variable alone (ramp arithmetic). */
static ir_node *e_i32_var(hl_ctx *c) {
    return bin(c, IR_Sub, mul(c, X(c), X(c)), mul(c, ci(c, 3), X(c)));
}
static double r_i32_var(int x, int w) { return x * x - 3 * x; }

/* int32: a vector Let expression. */
static ir_node *e_i32_let(hl_ctx *c) {
    ir_node *t = var(c, "t");
    return ir_let(c, "t", mul(c, A(c, I32, X(c)), ci(c, 2)), add(c, t, mul(c, t, ci(c, 3))));
}
static double r_i32_let(int x, int w) { return (double)(AI32(x) * 2 * 4); }

/* float32: math calls (LLVM intrinsics and libm per lane), abs, floor. */
static ir_node *e_f32_math(hl_ctx *c) {
    ir_node *a = A(c, F32, X(c));
    ir_node *abs_a = intrin2(c, IR_INTRIN_ABS, a, NULL);
    ir_node *fl = call(c, F32, "floor_f32", mul(c, a, ct(c, F32, 0.5)));
    return add(c, add(c, call(c, F32, "sqrt_f32", abs_a), mul(c, fl, A(c, F32, xplus(c, 1)))),
               call(c, F32, "sin_f32", a));
}
static double r_f32_math(int x, int w) {
    volatile float fl = floorf(AF32(x) * 0.5f);
    volatile float prod = fl * AF32(x + 1);
    volatile float s = sqrtf(fabsf(AF32(x))) + prod;
    return (float)(s + sinf(AF32(x)));
}

/* float32: select, min, division by a vector, float modulo. */
static ir_node *e_f32_arith(hl_ctx *c) {
    ir_node *a = A(c, F32, X(c)), *b = A(c, F32, xplus(c, 2));
    ir_node *q = bin(c, IR_Div, a, bin(c, IR_Max, b, ct(c, F32, 0.25)));
    return ir_select(c, bin(c, IR_LT, a, ct(c, F32, 0)), q, bin(c, IR_Min, a, b));
}
static double r_f32_arith(int x, int w) {
    float a = AF32(x), b = AF32(x + 2);
    return a < 0 ? a / (b > 0.25f ? b : 0.25f) : (a < b ? a : b);
}

/* Casts: int16 -> float32 (widening to float), uint8 -> int32, int32 -> uint8,
 * float32 -> int16 (truncation). */
static ir_node *e_cast_i16_f32(hl_ctx *c) {
    ir_node *f = ir_cast(c, F32, A(c, I16, X(c)));
    return add(c, bin(c, IR_Div, f, ct(c, F32, 3)), ir_cast(c, F32, X(c)));
}
static double r_cast_i16_f32(int x, int w) { return (float)((float)AI16(x) / 3.0f + (float)x); }

static ir_node *e_cast_u8_i32(hl_ctx *c) {
    return bin(c, IR_Sub, mul(c, ir_cast(c, I32, A(c, U8, X(c))), ci(c, 1000)), X(c));
}
static double r_cast_u8_i32(int x, int w) { return AU8(x) * 1000 - x; }

static ir_node *e_cast_i32_u8(hl_ctx *c) { return ir_cast(c, U8, add(c, A(c, I32, X(c)), X(c))); }
static double r_cast_i32_u8(int x, int w) { return (uint8_t)(AI32(x) + x); }

static ir_node *e_cast_f32_i16(hl_ctx *c) {
    return ir_cast(c, I16, mul(c, A(c, F32, X(c)), ct(c, F32, 10)));
}
static double r_cast_f32_i16(int x, int w) { return (int16_t)(int32_t)(AF32(x) * 10.0f); }

/* Statements: an if whose condition varies, with an else (predicated stores). */
static ir_node *s_if_else(hl_ctx *c, int w) {
    ir_node *a = A(c, I32, X(c));
    return ir_if(c, bin(c, IR_GT, a, ci(c, 0)), store(c, mul(c, a, ci(c, 2)), X(c)),
                 store(c, B(c, X(c)), X(c)));
}
static double r_if_else(int x, int w) { return AI32(x) > 0 ? AI32(x) * 2 : b_idx[x]; }

/* An if without else: lanes where it is false keep their old value. */
static ir_node *s_if_only(hl_ctx *c, int w) {
    ir_node *cond = bin(c, IR_NE, bin(c, IR_Mod, X(c), ci(c, 3)), ci(c, 0));
    return ir_if(c, cond, store(c, A(c, I32, xplus(c, 1)), X(c)), NULL);
}
static double r_if_only(int x, int w) { return x % 3 ? AI32(x + 1) : init_out(x); }

/* The condition reads what the branches write: it must be evaluated once. */
static ir_node *s_if_self(hl_ctx *c, int w) {
    ir_node *cond = bin(c, IR_GT, OUT(c, I32, X(c)), ci(c, 0));
    return ir_if(c, cond, store(c, ci(c, 10), X(c)), store(c, ci(c, 20), X(c)));
}
static double r_if_self(int x, int w) { return init_out(x) > 0 ? 10 : 20; }

/* Nested ifs and a vector let inside a predicated branch. */
static ir_node *s_if_nested(hl_ctx *c, int w) {
    ir_node *t = var(c, "t");
    ir_node *inner = ir_if(c, bin(c, IR_GT, t, ci(c, 0)), store(c, t, X(c)),
                           store(c, bin(c, IR_Sub, ci(c, 0), t), X(c)));
    ir_node *then_s = ir_let_stmt(c, "t", mul(c, A(c, I32, X(c)), ci(c, 3)), inner);
    ir_node *cond = bin(c, IR_EQ, bin(c, IR_Mod, X(c), ci(c, 2)), ci(c, 0));
    return ir_if(c, cond, then_s, store(c, B(c, X(c)), X(c)));
}
static double r_if_nested(int x, int w) {
    if (x % 2) return b_idx[x];
    int64_t t = AI32(x) * 3;
    return (double)(t > 0 ? t : -t);
}

/* A let whose widened value is a ramp over a load: it must stay bound, not be re-read
 * after the store to out[N-1] in the last block. */
static ir_node *s_let_of_load(hl_ctx *c, int w) {
    ir_node *body = ir_block(c, store(c, ci(c, 7), X(c)), store(c, var(c, "t"), X(c)));
    return ir_let_stmt(c, "t", add(c, OUT(c, I32, ci(c, N - 1)), X(c)), body);
}
static double r_let_of_load(int x, int w) { return init_out(N - 1) + x; }

/* An inner serial loop with constant bounds (widened body). */
static ir_node *s_inner_loop(hl_ctx *c, int w) {
    ir_node *k = var(c, "k");
    ir_node *acc = store(c, add(c, OUT(c, I32, X(c)), mul(c, A(c, I32, add(c, X(c), k)), k)), X(c));
    return ir_block(c, store(c, ci(c, 0), X(c)), loop(c, "k", ci(c, 0), ci(c, 3), IR_FOR_SERIAL, acc));
}
static double r_inner_loop(int x, int w) { return (double)(AI32(x + 1) + 2 * AI32(x + 2)); }

/* An inner loop whose extent depends on x, inside a vector let: scalarized per lane. */
static ir_node *s_inner_varying(hl_ctx *c, int w) {
    ir_node *k = var(c, "k"), *t = var(c, "t");
    ir_node *acc = store(c, add(c, OUT(c, I32, X(c)), add(c, t, A(c, I32, add(c, X(c), k)))), X(c));
    ir_node *inner = loop(c, "k", ci(c, 0), bin(c, IR_Mod, X(c), ci(c, 4)), IR_FOR_SERIAL, acc);
    ir_node *body = ir_block(c, store(c, ci(c, 0), X(c)), inner);
    return ir_let_stmt(c, "t", add(c, A(c, I32, X(c)), ci(c, 1)), body);
}
static double r_inner_varying(int x, int w) {
    int64_t s = 0;
    for (int k = 0; k < x % 4; k++) s += AI32(x) + 1 + AI32(x + k);
    return (double)s;
}

/* A per-iteration allocation and a varying assertion: scalarized. */
static ir_node *s_allocate(hl_ctx *c, int w) {
    ir_node *one = ci(c, 1);
    ir_node *tmp_store = ir_store(c, "tmp", mul(c, A(c, I32, X(c)), ci(c, 3)), ci(c, 0), NULL,
                                  IR_REF_NONE, NULL);
    ir_node *tmp_load = ir_load(c, I32, "tmp", ci(c, 0), NULL, IR_REF_NONE, NULL);
    ir_node *use = store(c, add(c, tmp_load, X(c)), X(c));
    ir_node *body = ir_block(c, tmp_store, ir_block(c, use, ir_free(c, "tmp")));
    ir_node *check = ir_assert_stmt(c, bin(c, IR_LT, A(c, I32, X(c)), ci(c, 1000000)), ci(c, -1), -1);
    return ir_block(c, check, ir_allocate(c, "tmp", I32, 1, &one, NULL, body));
}
static double r_allocate(int x, int w) { return (double)(AI32(x) * 3 + x); }

/* An unrolled loop inside the vectorized one. */
static ir_node *s_unrolled_inside(hl_ctx *c, int w) {
    ir_node *k = var(c, "k");
    ir_node *acc = store(c, add(c, OUT(c, I32, X(c)), mul(c, A(c, I32, add(c, X(c), k)), add(c, k, ci(c, 1)))), X(c));
    return ir_block(c, store(c, ci(c, 0), X(c)), loop(c, "k", ci(c, 0), ci(c, 3), IR_FOR_UNROLLED, acc));
}
static double r_unrolled_inside(int x, int w) {
    return (double)(AI32(x) + 2 * AI32(x + 1) + 3 * AI32(x + 2));
}

/* Loop nests: an unrolled loop alone. */
static ir_node *n_unrolled(hl_ctx *c, int w) {
    ir_node *i = add(c, mul(c, var(c, "xo"), ci(c, w)), var(c, "k"));
    ir_node *body = store(c, mul(c, A(c, I32, i), add(c, var(c, "k"), ci(c, 1))), i);
    return loop(c, "xo", ci(c, 0), ci(c, N / w), IR_FOR_SERIAL,
                loop(c, "k", ci(c, 0), ci(c, w), IR_FOR_UNROLLED, body));
}
static double r_unrolled(int x, int w) { return (double)(AI32(x) * (x % w + 1)); }

/* Vectorized loops inside an unrolled loop. */
static ir_node *n_vector_in_unrolled(hl_ctx *c, int w) {
    ir_node *min = add(c, mul(c, var(c, "xo"), ci(c, 2 * w)), mul(c, var(c, "u"), ci(c, w)));
    ir_node *body = store(c, bin(c, IR_Sub, A(c, I32, X(c)), mul(c, X(c), var(c, "u"))), X(c));
    ir_node *v = loop(c, "x", min, ci(c, w), IR_FOR_VECTORIZED, body);
    return loop(c, "xo", ci(c, 0), ci(c, N / (2 * w)), IR_FOR_SERIAL,
                loop(c, "u", ci(c, 0), ci(c, 2), IR_FOR_UNROLLED, v));
}
static double r_vector_in_unrolled(int x, int w) { return (double)(AI32(x) - x * ((x / w) % 2)); }

/* Nested vectorized loops: y (4 lanes) outside x (w/4 lanes), row-major (dense). */
static ir_node *n_nested(hl_ctx *c, int w) {
    int inner = w / 4;
    ir_node *i = add(c, add(c, mul(c, var(c, "xo"), ci(c, w)), mul(c, var(c, "y"), ci(c, inner))), X(c));
    ir_node *value = add(c, A(c, I32, i), add(c, mul(c, var(c, "y"), ci(c, 100)), X(c)));
    ir_node *vx = loop(c, "x", ci(c, 0), ci(c, inner), IR_FOR_VECTORIZED, store(c, value, i));
    ir_node *vy = loop(c, "y", ci(c, 0), ci(c, 4), IR_FOR_VECTORIZED, vx);
    return loop(c, "xo", ci(c, 0), ci(c, N / w), IR_FOR_SERIAL, vy);
}
static double r_nested(int x, int w) {
    int inner = w / 4, r = x % w;
    return (double)(AI32(x) + (r / inner) * 100 + r % inner);
}

/* Nested vectorized loops, transposed: out[xo*w + x*4 + y] (a scatter), and a select on
 * both variables. */
static ir_node *n_nested_t(hl_ctx *c, int w) {
    int inner = w / 4;
    ir_node *base = mul(c, var(c, "xo"), ci(c, w));
    ir_node *i = add(c, add(c, base, mul(c, X(c), ci(c, 4))), var(c, "y"));
    ir_node *value = ir_select(c, bin(c, IR_LT, X(c), var(c, "y")), A(c, I32, add(c, base, var(c, "y"))),
                               add(c, A(c, I32, i), X(c)));
    ir_node *vx = loop(c, "x", ci(c, 0), ci(c, inner), IR_FOR_VECTORIZED, store(c, value, i));
    ir_node *vy = loop(c, "y", ci(c, 0), ci(c, 4), IR_FOR_VECTORIZED, vx);
    return loop(c, "xo", ci(c, 0), ci(c, N / w), IR_FOR_SERIAL, vy);
}
static double r_nested_t(int x, int w) {
    int r = x % w, xi = r / 4, y = r % 4, base = x - r;
    return (double)(xi < y ? AI32(base + y) : AI32(x) + xi);
}

static const vcase cases[] = {
    {"uint8 a[x] + a[x+1]*3", U8, U8, e_u8_madd, NULL, NULL, r_u8_madd, EXPECT_DENSE | EXPECT_BCAST},
    {"uint8 stride-2 loads, / and % by constants", U8, U8, e_u8_stride2, NULL, NULL, r_u8_stride2, EXPECT_DENSE},
    {"uint8 max, min", U8, U8, e_u8_minmax, NULL, NULL, r_u8_minmax, EXPECT_DENSE | EXPECT_BCAST},
    {"uint8 shifts and xor", U8, U8, e_u8_bits, NULL, NULL, r_u8_bits, EXPECT_DENSE},
    {"int16 Euclidean / and % by constants", I16, I16, e_i16_divc, NULL, NULL, r_i16_divc, EXPECT_DENSE},
    {"int16 division by a vector (0, -1, MIN)", I16, I16, e_i16_divv, NULL, NULL, r_i16_divv, EXPECT_DENSE},
    {"int32 select on the loop variable", I32, I32, e_i32_select, NULL, NULL, r_i32_select, EXPECT_DENSE},
    {"int32 % and / by a data-dependent vector", I32, I32, e_i32_modv, NULL, NULL, r_i32_modv, EXPECT_DENSE},
    {"int32 gather", I32, I32, e_i32_gather, NULL, NULL, r_i32_gather, EXPECT_DENSE},
    {"int32 loop variable arithmetic", I32, I32, e_i32_var, NULL, NULL, r_i32_var, EXPECT_DENSE},
    {"int32 vector Let", I32, I32, e_i32_let, NULL, NULL, r_i32_let, EXPECT_DENSE},
    {"float32 math calls", F32, F32, e_f32_math, NULL, NULL, r_f32_math, EXPECT_DENSE | EXPECT_BCAST},
    {"float32 select, min, max, division", F32, F32, e_f32_arith, NULL, NULL, r_f32_arith, EXPECT_DENSE},
    {"cast int16 -> float32", I16, F32, e_cast_i16_f32, NULL, NULL, r_cast_i16_f32, EXPECT_DENSE},
    {"cast uint8 -> int32", U8, I32, e_cast_u8_i32, NULL, NULL, r_cast_u8_i32, EXPECT_DENSE},
    {"cast int32 -> uint8", I32, U8, e_cast_i32_u8, NULL, NULL, r_cast_i32_u8, EXPECT_DENSE},
    {"cast float32 -> int16", F32, I16, e_cast_f32_i16, NULL, NULL, r_cast_f32_i16, EXPECT_DENSE},
    {"if/else with a varying condition", I32, I32, NULL, s_if_else, NULL, r_if_else, EXPECT_DENSE | EXPECT_PRED},
    {"if without else", I32, I32, NULL, s_if_only, NULL, r_if_only, EXPECT_PRED},
    {"if whose condition reads the stored buffer", I32, I32, NULL, s_if_self, NULL, r_if_self, EXPECT_PRED},
    {"nested ifs with a vector let", I32, I32, NULL, s_if_nested, NULL, r_if_nested, EXPECT_PRED},
    {"let of a load across a store", I32, I32, NULL, s_let_of_load, NULL, r_let_of_load, EXPECT_DENSE},
    {"inner serial loop", I32, I32, NULL, s_inner_loop, NULL, r_inner_loop, EXPECT_DENSE},
    {"inner loop with varying extent (scalarized)", I32, I32, NULL, s_inner_varying, NULL, r_inner_varying, 0},
    {"allocation and assertion (scalarized)", I32, I32, NULL, s_allocate, NULL, r_allocate, 0},
    {"unrolled loop inside a vectorized loop", I32, I32, NULL, s_unrolled_inside, NULL, r_unrolled_inside, EXPECT_DENSE},
    {"unrolled loop", I32, I32, NULL, NULL, n_unrolled, r_unrolled, 0},
    {"vectorized loops inside an unrolled loop", I32, I32, NULL, NULL, n_vector_in_unrolled, r_vector_in_unrolled, EXPECT_DENSE},
    {"nested vectorized loops", I32, I32, NULL, NULL, n_nested, r_nested, EXPECT_DENSE},
    {"nested vectorized loops, transposed", I32, I32, NULL, NULL, n_nested_t, r_nested_t, 0},
};

/* ---- Compiling and running -------------------------------------------------------------- */

typedef struct job {
    const vcase *vc;
    int width;
    jit_module *module;
    char *lowered; /* heap text of the lowered statement */
} job;

static ir_node *with_host(hl_ctx *c, const char *buf, ir_node *body) {
    char name[64];
    snprintf(name, sizeof name, "%s.buffer", buf);
    ir_node *b = ir_var(c, ir_handle(), name);
    return ir_let_stmt(c, buf, ir_call_intrinsic(c, ir_handle(), IR_INTRIN_BUFFER_GET_HOST, 1, &b), body);
}

static ir_node *build(hl_ctx *c, const vcase *vc, int w) {
    if (vc->nest) return vc->nest(c, w);
    ir_node *body = vc->expr ? store(c, vc->expr(c), X(c)) : vc->body(c, w);
    return vector_nest(c, w, body);
}

static void compile_protected(hl_ctx *c, void *p) {
    job *j = p;
    lower_state ls;
    memset(&ls, 0, sizeof ls);
    ls.ctx = c;
    ir_node *s = build(c, j->vc, j->width);
    s = lower_unroll_loops(&ls, s);
    s = lower_vectorize_loops(&ls, s);
    s = lower_simplify(c, s);
    j->lowered = ir_to_string(s);
    s = with_host(c, "a", with_host(c, "b", with_host(c, "out", s)));
    cg_arg args[3] = {{"a", true, j->vc->in_t, 1}, {"b", true, I32, 1}, {"out", true, j->vc->out_t, 1}};
    j->module = jit_compile(c, "vectorize_test", 3, args, s);
}

/* Runs fn in a fresh compile context; returns the status and copies the message. */
static int protected_compile(ctx_protected_fn fn, void *ud, char *err, size_t err_size) {
    hl_ctx c;
    ctx_init(&c, 1);
    if (!c.arena) {
        snprintf(err, err_size, "no arena");
        ctx_close(&c);
        return HL_ERROR_NOMEM;
    }
    int status = ctx_pcall(&c, fn, ud);
    snprintf(err, err_size, "%s", status != HL_OK && c.message ? c.message : "");
    ctx_close(&c);
    return status;
}

static void fill_buffer(halide_buffer_t *b, halide_dimension_t *dim, hl_type t, void *host, int n) {
    memset(b, 0, sizeof *b);
    memset(dim, 0, sizeof *dim);
    b->host = host;
    b->type.code = t.code;
    b->type.bits = (uint8_t)t.bits;
    b->type.lanes = 1;
    b->dimensions = 1;
    b->dim = dim;
    dim->extent = n;
    dim->stride = 1;
}

static void *input_for(hl_type t) {
    if (ir_is_float(t)) return a_f32;
    if (t.bits == 8) return a_u8;
    return t.bits == 16 ? (void *)a_i16 : (void *)a_i32;
}

static double read_out(hl_type t, const void *mem, int i) {
    switch (t.bits) {
    case 8: return ((const uint8_t *)mem)[i];
    case 16: return ((const int16_t *)mem)[i];
    default: return ir_is_float(t) ? ((const float *)mem)[i] : ((const int32_t *)mem)[i];
    }
}

static void write_out(hl_type t, void *mem, int i, int v) {
    switch (t.bits) {
    case 8: ((uint8_t *)mem)[i] = (uint8_t)v; break;
    case 16: ((int16_t *)mem)[i] = (int16_t)v; break;
    default:
        if (ir_is_float(t)) ((float *)mem)[i] = (float)v;
        else ((int32_t *)mem)[i] = v;
    }
}

static bool same_value(hl_type t, double got, double want) {
    if (!ir_is_float(t)) return got == want;
    float g = (float)got, w = (float)want;
    return (isnan(g) && isnan(w)) || (g == w && signbit(g) == signbit(w));
}

static void check_lowered(const vcase *vc, int w, const char *text) {
    CHECK(!strstr(text, "vectorized (") && !strstr(text, "unrolled ("),
          "%s, width %d: a vectorized or unrolled loop is left:\n%s", vc->name, w, text);
    char pat[32];
    if (vc->expect & EXPECT_DENSE) {
        snprintf(pat, sizeof pat, ", 1, %d)", w);
        CHECK(strstr(text, pat) != NULL, "%s, width %d: no dense ramp \"%s\" in:\n%s", vc->name, w,
              pat, text);
    }
    if (vc->expect & EXPECT_BCAST) {
        snprintf(pat, sizeof pat, "x%d(", w);
        CHECK(strstr(text, pat) != NULL, "%s, width %d: no broadcast \"%s\" in:\n%s", vc->name, w,
              pat, text);
    }
    if (vc->expect & EXPECT_PRED)
        CHECK(strstr(text, " if ") != NULL, "%s, width %d: no predicated access in:\n%s", vc->name, w,
              text);
}

static void run_case(const vcase *vc, int w) {
    job j = {vc, w, NULL, NULL};
    char err[4096];
    int status = protected_compile(compile_protected, &j, err, sizeof err);
    CHECK(status == HL_OK, "%s, width %d: compile failed: %s", vc->name, w, err);
    if (j.lowered) {
        if (status == HL_OK) check_lowered(vc, w, j.lowered);
        if (getenv("TEST_VECTORIZE_PRINT") && w == 8) printf("--- %s\n%s", vc->name, j.lowered);
        hl_free(j.lowered);
    }
    if (status != HL_OK) return;
    unsigned char out[N * 4];
    for (int i = 0; i < N; i++) write_out(vc->out_t, out, i, init_out(i));
    halide_buffer_t ba, bb, bo;
    halide_dimension_t da, db, dout;
    fill_buffer(&ba, &da, vc->in_t, input_for(vc->in_t), A_LEN);
    fill_buffer(&bb, &db, I32, b_idx, A_LEN);
    fill_buffer(&bo, &dout, vc->out_t, out, N);
    void *argv[3] = {&ba, &bb, &bo};
    int r = jit_entry(j.module)(argv);
    CHECK(r == 0, "%s, width %d: returned %d", vc->name, w, r);
    for (int x = 0; x < N; x++) {
        double got = read_out(vc->out_t, out, x), want = vc->ref(x, w);
        CHECK(same_value(vc->out_t, got, want), "%s, width %d: out[%d] = %.9g, want %.9g", vc->name,
              w, x, got, want);
    }
    jit_free(j.module);
}

/* ---- Errors ------------------------------------------------------------------------------ */

typedef struct error_job {
    ir_for_type type;
} error_job;

static void bad_extent_protected(hl_ctx *c, void *p) {
    error_job *e = p;
    lower_state ls;
    memset(&ls, 0, sizeof ls);
    ls.ctx = c;
    ir_node *n = var(c, "n");
    ir_node *s = loop(c, "f.s0.x", ci(c, 0), add(c, n, ci(c, 1)), e->type, store(c, X(c), X(c)));
    if (e->type == IR_FOR_VECTORIZED) lower_vectorize_loops(&ls, s);
    else lower_unroll_loops(&ls, s);
}

static void test_errors(void) {
    static const struct {
        ir_for_type type;
        const char *message;
    } errors[2] = {
        {IR_FOR_VECTORIZED,
         "Can only vectorize for loops over a constant extent.\nLoop over f.s0.x has extent (n + 1).\n"},
        {IR_FOR_UNROLLED,
         "Can only unroll for loops over a constant extent.\nLoop over f.s0.x has extent (n + 1).\n"},
    };
    for (int i = 0; i < 2; i++) {
        error_job e = {errors[i].type};
        char err[4096];
        int status = protected_compile(bad_extent_protected, &e, err, sizeof err);
        CHECK(status == HL_ERROR_USER, "status %d for a non-constant extent (%s)", status, err);
        CHECK(strstr(err, errors[i].message) != NULL, "message \"%s\", want \"%s\"", err,
              errors[i].message);
    }
    REPORT("non-constant extents give user errors naming the loop");
}

int main(void) {
    init_data();
    static const int widths[4] = {4, 8, 16, 32};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        for (int k = 0; k < 4; k++) run_case(&cases[i], widths[k]);
        REPORT(cases[i].name);
    }
    test_errors();
    if (test_failures) printf("%d check(s) failed\n", test_failures);
    return test_failures ? 1 : 0;
}
