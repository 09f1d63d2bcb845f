/* operators_extra.c - the rest of Halide's operator library, lowered in the front end.
 *
 * What it does: builds Halide's IR operators (saturating/widening/halving arithmetic,
 * rounding shifts, lerp, mux, bit operations, fast math, print, ...) as the public
 * hl_expr_operator / hl_expr_typed_operator entry points. Each builder runs in a fresh
 * arena under ctx_pcall (as lang/operators.c does) and the result is persisted to the heap.
 * The type rules come from the reference implementation; the promotion helpers are the
 * ones of lang/operators.c (operators_internal.h), so they exist once.
 *
 * How: wherever Halide's semantics can be written exactly with existing IR (arithmetic,
 * casts, selects, shifts, bitwise intrinsics), the operator is lowered here, so the
 * simplifier, bounds inference, the vectorizer and code generation need nothing new:
 *   - saturating_add/sub: unsigned a + min(b, ~a) and a - min(a, b); signed types narrower
 *     than 64 bits in the doubled width then clamped; int64 in wrapping unsigned arithmetic
 *     with a sign test for overflow;
 *   - halving_add = (a >> 1) + (b >> 1) + (a & b & 1), rounding_halving_add uses a | b,
 *     halving_sub = (a >> 1) - (b >> 1) - (~a & b & 1): floor((a op b) / 2) exactly, in the
 *     operands' own width (wrapping for unsigned halving_sub, as Halide);
 *   - rounding_shift_right(a, b) = (a >> b) + (b > 0 ? (a >> (b - 1)) & 1 : 0) (round half
 *     up, never overflows); rounding_shift_left(a, b) is rounding_shift_right(a, -b);
 *   - mul_shift_right(a, b, q) = saturate(widening_mul(a, b) >> q), the rounding variant
 *     with the rounding shift;
 *   - div_round_to_zero / mod_round_to_zero from Euclidean / and % with a correction (0 for
 *     a zero divisor; int8/int16 MIN / -1 wraps to MIN);
 *   - lerp as Halide defines it: an unsigned weight is rescaled to the value width, a
 *     float weight is multiplied by the type's max and truncated, and the blend
 *     (z*(max-w) + o*w + 2^(n-1)) is divided by 2^n - 1 with rounding as
 *     ((p >> n) + p) >> n in the doubled width; signed values are lerped with their sign
 *     bit flipped; floats as fma(o - z, w, z) (= z*(1-w) + o*w; the reference's form);
 *   - mux(i, vs) as a select chain on i == k (any other index, negative included, picks the
 *     last value).
 * New intrinsics only where LLVM or the runtime has the operation: popcount,
 * count_leading_zeros, count_trailing_zeros, print (rt_print_values) and undef.
 *
 * fast_* use plain math: fast_sin/cos/exp/log/pow are sin/cos/exp/log/pow of float32
 * (correctly rounded libm/LLVM results, so within Halide's documented fast_* tolerances);
 * fast_inverse/fast_inverse_sqrt are exact 1/x and 1/sqrt(x). fma is llvm.fma (one rounding).
 */
#include "lang/operators_internal.h"
#include "util/check.h"

#include <math.h>
#include <string.h>

typedef struct extra_call {
    const char *name;
    int n;
    const hl_operand *operands;
    bool has_type;
    hl_type type;
    const hl_operand *lo, *hi; /* unsafe_promise_clamped */
    ir_node *result;
} extra_call;

typedef ir_node *(*extra_builder)(hl_ctx *ctx, extra_call *call);

static hl_status run(void (*build)(hl_ctx *, extra_call *), extra_call *call, hl_expr **out) {
    hl_ctx ctx;
    ctx_init(&ctx, 1);
    *out = NULL;
    if (!ctx.arena) {
        ctx_set_last_error("Out of memory");
        return HL_ERROR_NOMEM;
    }
    int status = ctx_pcall(&ctx, (ctx_protected_fn)build, call);
    if (status == HL_OK) {
        *out = ir_persist(call->result);
        if (!*out) {
            ctx_set_last_error("Out of memory");
            status = HL_ERROR_NOMEM;
        }
    }
    ctx_close(&ctx);
    return (hl_status)status;
}

/* ---- Small IR helpers ------------------------------------------------------------------- */

static const char *tstr(hl_ctx *ctx, hl_type t) {
    char buf[48];
    return ctx_strdup(ctx, hl_type_name(t, buf, sizeof buf));
}

static const char *estr(hl_ctx *ctx, const ir_node *e) { return ir_ctx_string(ctx, e); }

static hl_type retype(hl_type t, int code, int bits) {
    return hl_type_make(code, bits, t.lanes);
}

static ir_node *to(hl_ctx *ctx, hl_type t, ir_node *e) {
    if (e->type.lanes != t.lanes && e->type.lanes == 1) e = ir_broadcast(ctx, e, t.lanes);
    return ir_type_eq(e->type, t) ? e : ir_cast(ctx, t, e);
}

static ir_node *k(hl_ctx *ctx, hl_type t, int64_t v) { return ir_make_const(ctx, t, v); }

static ir_node *kmax(hl_ctx *ctx, hl_type t) {
    if (ir_is_uint(t)) {
        ir_node *c = ir_uint_imm(ctx, ir_element_of(t), ir_type_umax(t));
        return t.lanes > 1 ? ir_broadcast(ctx, c, t.lanes) : c;
    }
    return k(ctx, t, ir_type_imax(t));
}

static ir_node *bin(hl_ctx *ctx, ir_kind kind, ir_node *a, ir_node *b) {
    return ir_binary(ctx, kind, a, b);
}

static ir_node *intrin2(hl_ctx *ctx, ir_intrinsic id, ir_node *a, ir_node *b) {
    ir_node *args[2] = {a, b};
    return ir_call_intrinsic(ctx, a->type, id, 2, args);
}

static ir_node *band(hl_ctx *ctx, ir_node *a, ir_node *b) {
    return intrin2(ctx, IR_INTRIN_BITWISE_AND, a, b);
}

static ir_node *bnot(hl_ctx *ctx, ir_node *a) {
    return ir_call_intrinsic(ctx, a->type, IR_INTRIN_BITWISE_NOT, 1, &a);
}

/* a << b / a >> b with the shift intrinsics; b is converted to a's width keeping its code. */
static ir_node *shift(hl_ctx *ctx, bool left, ir_node *a, ir_node *b) {
    b = to(ctx, retype(a->type, b->type.code, a->type.bits), b);
    return intrin2(ctx, left ? IR_INTRIN_SHIFT_LEFT : IR_INTRIN_SHIFT_RIGHT, a, b);
}

static ir_node *shift_by(hl_ctx *ctx, bool left, ir_node *a, int amount) {
    return shift(ctx, left, a, k(ctx, retype(a->type, halide_type_uint, a->type.bits), amount));
}

static ir_node *operand(hl_ctx *ctx, extra_call *c, int i) {
    ir_node *e = lang_operand_expr(ctx, c->operands[i]);
    user_assert(ctx, !ir_is_handle(e->type) || e->kind == IR_StringImm,
                "Argument %d of %s is a handle", i + 1, c->name);
    return e;
}

static bool is_int_type(hl_type t) { return ir_is_int(t) || ir_is_uint(t); }

/* Two operands promoted together (numbers first become Exprs on their own). */
static void matched(hl_ctx *ctx, extra_call *c, ir_node **a, ir_node **b) {
    *a = operand(ctx, c, 0);
    *b = operand(ctx, c, 1);
    lang_match_types(ctx, a, b, c->name);
}

static void need_ints(hl_ctx *ctx, extra_call *c, ir_node *a, ir_node *b) {
    user_assert(ctx, is_int_type(a->type) && !ir_is_bool(a->type),
                "The first argument to %s must be an integer, not %s of type %s", c->name,
                estr(ctx, a), tstr(ctx, a->type));
    user_assert(ctx, !b || (is_int_type(b->type) && !ir_is_bool(b->type)),
                "The second argument to %s must be an integer, not %s of type %s", c->name,
                b ? estr(ctx, b) : "", b ? tstr(ctx, b->type) : "");
}

/* The doubled width of an integer type; a user error for 64 bits. */
static hl_type widened(hl_ctx *ctx, extra_call *c, hl_type t, int code) {
    user_assert(ctx, t.bits <= 32, "%s of %s: there is no integer type twice as wide", c->name,
                tstr(ctx, t));
    return retype(t, code, t.bits * 2);
}

/* A value clamped into integer type t (from a wider integer type) and converted. */
static ir_node *saturate_to(hl_ctx *ctx, hl_type t, ir_node *wide) {
    hl_type w = wide->type;
    if (ir_is_int(t)) wide = bin(ctx, IR_Max, wide, k(ctx, w, ir_type_imin(t)));
    else if (ir_is_int(w)) wide = bin(ctx, IR_Max, wide, k(ctx, w, 0));
    wide = bin(ctx, IR_Min, wide, k(ctx, w, ir_is_uint(t) ? (int64_t)ir_type_umax(t) : ir_type_imax(t)));
    return to(ctx, t, wide);
}

/* ---- Float predicates and math -------------------------------------------------------- */

static ir_node *float_operand(hl_ctx *ctx, extra_call *c, int i) {
    ir_node *e = operand(ctx, c, i);
    if (!ir_is_float(e->type)) e = to(ctx, retype(e->type, halide_type_float, 32), e);
    return e;
}

static ir_node *build_float_test(hl_ctx *ctx, extra_call *c) {
    ir_node *a = operand(ctx, c, 0);
    user_assert(ctx, ir_is_float(a->type), "%s only works for float, not %s of type %s",
                c->name, estr(ctx, a), tstr(ctx, a->type));
    const char *suffix = a->type.bits == 64 ? "f64" : a->type.bits == 16 ? "f16" : "f32";
    return ir_call(ctx, ir_with_lanes(ir_bool(), a->type.lanes),
                   ctx_printf(ctx, "%s_%s", c->name, suffix), IR_CALL_PURE_EXTERN, 1, &a);
}

static ir_node *build_fract(hl_ctx *ctx, extra_call *c) {
    ir_node *a = float_operand(ctx, c, 0);
    return bin(ctx, IR_Sub, a, lang_math_call(ctx, "trunc", 1, &a));
}

/* fast_sin, fast_cos: any float type (integers become float32). */
static ir_node *build_fast_trig(hl_ctx *ctx, extra_call *c) {
    ir_node *a = float_operand(ctx, c, 0);
    return lang_math_call(ctx, c->name + strlen("fast_"), 1, &a);
}

/* fast_exp, fast_log: float32 only. */
static ir_node *build_fast_exp_log(hl_ctx *ctx, extra_call *c) {
    ir_node *a = operand(ctx, c, 0);
    user_assert(ctx, a->type.code == halide_type_float && a->type.bits == 32,
                "%s only works for Float(32), not %s of type %s", c->name, estr(ctx, a),
                tstr(ctx, a->type));
    return lang_math_call(ctx, c->name + strlen("fast_"), 1, &a);
}

/* fast_inverse, fast_inverse_sqrt: float16 or float32. */
static ir_node *build_fast_inverse(hl_ctx *ctx, extra_call *c) {
    ir_node *a = operand(ctx, c, 0);
    user_assert(ctx, a->type.code == halide_type_float && a->type.bits <= 32,
                "%s only takes float16 or float32 arguments, not %s of type %s", c->name,
                estr(ctx, a), tstr(ctx, a->type));
    return lang_math_call(ctx, c->name, 1, &a);
}

static ir_node *int_power(hl_ctx *ctx, ir_node *x, int64_t n) {
    if (n == 0) return k(ctx, x->type, 1);
    if (n < 0) return bin(ctx, IR_Div, k(ctx, x->type, 1), int_power(ctx, x, -n));
    ir_node *r = x;
    for (int64_t i = 1; i < n; i++) r = bin(ctx, IR_Mul, r, x);
    return r;
}

/* fast_pow(x, y): an integer constant y is an integer power in x's type; otherwise both
 * are converted to float32 (float64 too, as Halide does). */
static ir_node *build_fast_pow(hl_ctx *ctx, extra_call *c) {
    ir_node *x = operand(ctx, c, 0), *y = operand(ctx, c, 1);
    int64_t n;
    if (!ir_is_float(y->type) && ir_const_int(y, &n) && n >= -64 && n <= 64)
        return int_power(ctx, x, n);
    hl_type f = retype(x->type, halide_type_float, 32);
    if (y->type.lanes > f.lanes) f.lanes = y->type.lanes;
    ir_node *args[2] = {to(ctx, f, x), to(ctx, f, y)};
    return lang_math_call(ctx, "pow", 2, args);
}

static ir_node *build_fma(hl_ctx *ctx, extra_call *c) {
    ir_node *args[3];
    for (int i = 0; i < 3; i++) {
        args[i] = operand(ctx, c, i);
        user_assert(ctx, ir_is_float(args[i]->type), "fma requires float arguments, not %s of type %s",
                    estr(ctx, args[i]), tstr(ctx, args[i]->type));
    }
    user_assert(ctx, ir_type_eq(args[0]->type, args[1]->type) && ir_type_eq(args[0]->type, args[2]->type),
                "fma requires arguments of one type: %s, %s and %s", tstr(ctx, args[0]->type),
                tstr(ctx, args[1]->type), tstr(ctx, args[2]->type));
    return lang_math_call(ctx, "fma", 3, args);
}

/* ---- Bit operations ---------------------------------------------------------------------- */

static ir_node *build_bit_count(hl_ctx *ctx, extra_call *c) {
    ir_node *a = operand(ctx, c, 0);
    user_assert(ctx, is_int_type(a->type), "Argument to %s must be an integer, not %s of type %s",
                c->name, estr(ctx, a), tstr(ctx, a->type));
    ir_intrinsic id = !strcmp(c->name, "popcount")              ? IR_INTRIN_POPCOUNT
                      : !strcmp(c->name, "count_leading_zeros") ? IR_INTRIN_COUNT_LEADING_ZEROS
                                                                : IR_INTRIN_COUNT_TRAILING_ZEROS;
    return ir_call_intrinsic(ctx, a->type, id, 1, &a);
}

/* The bits of e as an unsigned integer of e's width. */
static ir_node *as_bits(hl_ctx *ctx, ir_node *e) {
    hl_type u = retype(e->type, halide_type_uint, e->type.bits);
    return ir_type_eq(u, e->type) ? e : ir_reinterpret(ctx, u, e);
}

static ir_node *build_reinterpret(hl_ctx *ctx, extra_call *c) {
    ir_node *e = operand(ctx, c, 0);
    hl_type t = c->type;
    user_assert(ctx, hl_type_is_valid(t) && !ir_is_handle(t), "reinterpret to an invalid type");
    user_assert(ctx, t.bits * t.lanes == e->type.bits * e->type.lanes,
                "Reinterpret cast from type %s which has %d bits, to type %s which has %d bits",
                tstr(ctx, e->type), e->type.bits * e->type.lanes, tstr(ctx, t), t.bits * t.lanes);
    return ir_type_eq(t, e->type) ? e : ir_reinterpret(ctx, t, e);
}

/* extract_bits(t, e, lsb): (e's bits >> lsb) in e's width, truncated or zero-extended to
 * t's width, as type t. A negative lsb shifts the other way, as shifts do. */
static ir_node *build_extract_bits(hl_ctx *ctx, extra_call *c) {
    hl_type t = c->type;
    ir_node *e = operand(ctx, c, 0), *lsb = operand(ctx, c, 1);
    user_assert(ctx, hl_type_is_valid(t) && !ir_is_handle(t) && t.lanes == 1,
                "extract_bits to an invalid type");
    user_assert(ctx, !ir_is_handle(e->type) && !ir_is_bool(e->type),
                "extract_bits of %s of type %s", estr(ctx, e), tstr(ctx, e->type));
    user_assert(ctx, is_int_type(lsb->type) && !ir_is_bool(lsb->type),
                "The lsb argument of extract_bits must be an integer, not %s of type %s",
                estr(ctx, lsb), tstr(ctx, lsb->type));
    /* Shifted in e's own width, then truncated or zero-extended to t's. */
    int w = e->type.bits;
    ir_node *bits = as_bits(ctx, e);
    if (lsb->type.bits > w) {
        /* Narrowing lsb must not wrap a large amount into a small one. */
        lsb = bin(ctx, IR_Min, lsb, k(ctx, lsb->type, w));
        if (ir_is_int(lsb->type)) lsb = bin(ctx, IR_Max, lsb, k(ctx, lsb->type, -w));
    }
    ir_node *r = to(ctx, retype(e->type, halide_type_uint, t.bits), shift(ctx, false, bits, lsb));
    hl_type rt = ir_with_lanes(t, e->type.lanes);
    if (t.bits == 1) return bin(ctx, IR_NE, r, k(ctx, r->type, 0));
    return ir_type_eq(r->type, rt) ? r : ir_reinterpret(ctx, rt, r);
}

/* concat_bits(vs): vs[0] in the low bits; n (a power of two) values of one type. */
static ir_node *build_concat_bits(hl_ctx *ctx, extra_call *c) {
    int n = c->n;
    user_assert(ctx, n >= 1, "concat_bits requires at least one argument");
    user_assert(ctx, (n & (n - 1)) == 0, "concat_bits received %d arguments, which is not a power of two.", n);
    ir_node *v0 = operand(ctx, c, 0);
    hl_type t = v0->type;
    for (int i = 1; i < n; i++) {
        ir_node *v = operand(ctx, c, i);
        user_assert(ctx, ir_type_eq(v->type, t),
                    "All arguments to concat_bits must have the same type: %s has type %s and %s "
                    "has type %s", estr(ctx, v0), tstr(ctx, t), estr(ctx, v), tstr(ctx, v->type));
    }
    if (n == 1) return v0;
    user_assert(ctx, !ir_is_bool(t) && !ir_is_handle(t) && t.bits * n <= 64,
                "concat_bits of %d values of type %s: the result would have %d bits", n,
                tstr(ctx, t), t.bits * n);
    hl_type u = retype(t, halide_type_uint, t.bits * n);
    ir_node *acc = NULL;
    for (int i = 0; i < n; i++) {
        ir_node *part = to(ctx, u, as_bits(ctx, operand(ctx, c, i)));
        if (i) part = shift_by(ctx, true, part, i * t.bits);
        acc = acc ? intrin2(ctx, IR_INTRIN_BITWISE_OR, acc, part) : part;
    }
    hl_type rt = retype(t, t.code, t.bits * n);
    user_assert(ctx, hl_type_is_valid(rt), "concat_bits: no type %s", tstr(ctx, rt));
    return ir_type_eq(rt, u) ? acc : ir_reinterpret(ctx, rt, acc);
}

/* ---- Saturating, widening, halving ---------------------------------------------------- */

static ir_node *build_saturating(hl_ctx *ctx, extra_call *c) {
    bool add = !strcmp(c->name, "saturating_add");
    ir_node *a, *b;
    matched(ctx, c, &a, &b);
    hl_type t = a->type;
    user_assert(ctx, !ir_is_handle(t), "%s of a handle", c->name);
    if (ir_is_float(t)) return bin(ctx, add ? IR_Add : IR_Sub, a, b);
    if (ir_is_bool(t)) return add ? bin(ctx, IR_Or, a, b) : bin(ctx, IR_And, a, ir_not(ctx, b));
    if (ir_is_uint(t)) {
        if (add) return bin(ctx, IR_Add, a, bin(ctx, IR_Min, b, bnot(ctx, a)));
        return bin(ctx, IR_Sub, a, bin(ctx, IR_Min, a, b));
    }
    if (t.bits < 64) {
        hl_type w = retype(t, halide_type_int, t.bits * 2);
        return saturate_to(ctx, t, bin(ctx, add ? IR_Add : IR_Sub, to(ctx, w, a), to(ctx, w, b)));
    }
    /* int64: wrap in uint64, then overflow iff the operands' signs say the result cannot
     * have the sign it has. */
    hl_type u = retype(t, halide_type_uint, 64);
    ir_node *s = ir_reinterpret(ctx, t, bin(ctx, add ? IR_Add : IR_Sub, ir_reinterpret(ctx, u, a),
                                            ir_reinterpret(ctx, u, b)));
    ir_node *xor_as = intrin2(ctx, IR_INTRIN_BITWISE_XOR, a, s);
    ir_node *other = add ? intrin2(ctx, IR_INTRIN_BITWISE_XOR, b, s)
                         : intrin2(ctx, IR_INTRIN_BITWISE_XOR, a, b);
    ir_node *overflow = bin(ctx, IR_LT, band(ctx, xor_as, other), k(ctx, t, 0));
    ir_node *limit = ir_select(ctx, bin(ctx, IR_LT, a, k(ctx, t, 0)), k(ctx, t, INT64_MIN),
                               k(ctx, t, INT64_MAX));
    return ir_select(ctx, overflow, limit, s);
}

/* widening_add/sub: promoted, then computed in the doubled width (sub: signed). */
static ir_node *build_widening(hl_ctx *ctx, extra_call *c) {
    bool is_mul = !strcmp(c->name, "widening_mul"), is_sub = !strcmp(c->name, "widening_sub");
    ir_node *a = operand(ctx, c, 0), *b = operand(ctx, c, 1);
    user_assert(ctx, !ir_is_bool(a->type) && !ir_is_bool(b->type), "%s of a bool", c->name);
    ir_kind kind = is_mul ? IR_Mul : is_sub ? IR_Sub : IR_Add;
    if (!is_mul || ir_is_float(a->type) || ir_is_float(b->type)) {
        lang_match_types(ctx, &a, &b, c->name);
        hl_type t = a->type;
        if (ir_is_float(t)) {
            user_assert(ctx, t.code == halide_type_float && t.bits <= 32,
                        "%s of %s: there is no float type twice as wide", c->name, tstr(ctx, t));
            hl_type w = retype(t, halide_type_float, t.bits * 2);
            return bin(ctx, kind, to(ctx, w, a), to(ctx, w, b));
        }
        hl_type w = widened(ctx, c, t, is_sub ? halide_type_int : t.code);
        return bin(ctx, kind, to(ctx, w, a), to(ctx, w, b));
    }
    /* widening_mul of integers: no promotion; each side is widened exactly. */
    need_ints(ctx, c, a, b);
    int bits = a->type.bits > b->type.bits ? a->type.bits : b->type.bits;
    int lanes = a->type.lanes > b->type.lanes ? a->type.lanes : b->type.lanes;
    int code = ir_is_uint(a->type) && ir_is_uint(b->type) ? halide_type_uint : halide_type_int;
    hl_type w = widened(ctx, c, hl_type_make(code, bits, lanes), code);
    return bin(ctx, IR_Mul, to(ctx, w, a), to(ctx, w, b));
}

/* widen_right_*(a, b): a has twice b's width and b's signedness; b is widened to a. */
static ir_node *build_widen_right(hl_ctx *ctx, extra_call *c) {
    ir_node *a = operand(ctx, c, 0), *b = operand(ctx, c, 1);
    user_assert(ctx, is_int_type(a->type) && is_int_type(b->type),
                "%s only defined for integer types, received: %s and %s", c->name, estr(ctx, a),
                estr(ctx, b));
    user_assert(ctx, b->type.bits < 64, "%s of large Expr: %s, %s", c->name, estr(ctx, a), estr(ctx, b));
    user_assert(ctx, a->type.code == b->type.code && a->type.bits == 2 * b->type.bits && b->type.bits > 1,
                "%s type mismatch: %s has type %s and %s has type %s (the first must be twice as "
                "wide as the second, with the same signedness)",
                c->name, estr(ctx, a), tstr(ctx, a->type), estr(ctx, b), tstr(ctx, b->type));
    ir_kind kind = !strcmp(c->name, "widen_right_mul")   ? IR_Mul
                   : !strcmp(c->name, "widen_right_sub") ? IR_Sub
                                                         : IR_Add;
    int lanes = a->type.lanes > b->type.lanes ? a->type.lanes : b->type.lanes;
    hl_type t = ir_with_lanes(a->type, lanes);
    return bin(ctx, kind, to(ctx, t, a), to(ctx, t, b));
}

static ir_node *build_halving(hl_ctx *ctx, extra_call *c) {
    ir_node *a, *b;
    matched(ctx, c, &a, &b);
    need_ints(ctx, c, a, b);
    hl_type t = a->type;
    ir_node *one = k(ctx, t, 1);
    ir_node *ha = shift_by(ctx, false, a, 1), *hb = shift_by(ctx, false, b, 1);
    if (!strcmp(c->name, "halving_sub")) {
        ir_node *borrow = band(ctx, band(ctx, bnot(ctx, a), b), one);
        return bin(ctx, IR_Sub, bin(ctx, IR_Sub, ha, hb), borrow);
    }
    ir_intrinsic id = !strcmp(c->name, "rounding_halving_add") ? IR_INTRIN_BITWISE_OR
                                                                : IR_INTRIN_BITWISE_AND;
    ir_node *carry = band(ctx, intrin2(ctx, id, a, b), one);
    return bin(ctx, IR_Add, bin(ctx, IR_Add, ha, hb), carry);
}

/* ---- Shifts ------------------------------------------------------------------------------ */

/* The operands of a shift: a number on the left is an Expr on its own; a number on the right
 * takes a's width (signed when negative), an error if it does not fit; Exprs are widened to
 * the larger width keeping their own signedness. */
static void shift_operands(hl_ctx *ctx, extra_call *c, ir_node **pa, ir_node **pb) {
    ir_node *a = operand(ctx, c, 0), *b;
    user_assert(ctx, is_int_type(a->type) && !ir_is_bool(a->type),
                "The first argument to %s must be an integer, not %s of type %s", c->name,
                estr(ctx, a), tstr(ctx, a->type));
    hl_operand ob = c->operands[1];
    if (!ob.expr && !ob.k.is_float && !ob.k.is_big && !ob.k.is_bool) {
        hl_type t = retype(ir_element_of(a->type), ob.k.i < 0 ? halide_type_int : halide_type_uint,
                           a->type.bits);
        b = lang_int_literal_of_type(ctx, t, ob.k.i);
    } else {
        b = operand(ctx, c, 1);
    }
    need_ints(ctx, c, a, b);
    int bits = a->type.bits > b->type.bits ? a->type.bits : b->type.bits;
    int lanes = a->type.lanes > b->type.lanes ? a->type.lanes : b->type.lanes;
    *pa = to(ctx, hl_type_make(a->type.code, bits, lanes), a);
    *pb = to(ctx, hl_type_make(b->type.code, bits, lanes), b);
}

/* Round-half-up a >> b for any b (b <= 0: an exact left shift). */
static ir_node *rounding_shr(hl_ctx *ctx, ir_node *a, ir_node *b) {
    ir_node *plain = shift(ctx, false, a, b);
    int64_t n;
    if (ir_const_int(b, &n) && (n <= 0 || ir_is_uint(b->type))) {
        if (n == 0 || (ir_is_int(b->type) && n < 0)) return plain;
    }
    ir_node *bm1 = bin(ctx, IR_Sub, b, k(ctx, b->type, 1));
    ir_node *bit = band(ctx, shift(ctx, false, a, bm1), k(ctx, a->type, 1));
    ir_node *pos = bin(ctx, IR_GT, b, k(ctx, b->type, 0));
    if (ir_const_int(b, &n) && n > 0) return bin(ctx, IR_Add, plain, bit);
    return bin(ctx, IR_Add, plain, ir_select(ctx, pos, bit, k(ctx, a->type, 0)));
}

static ir_node *build_shift(hl_ctx *ctx, extra_call *c) {
    ir_node *a, *b;
    shift_operands(ctx, c, &a, &b);
    if (!strcmp(c->name, "rounding_shift_right")) return rounding_shr(ctx, a, b);
    if (!strcmp(c->name, "rounding_shift_left")) {
        if (ir_is_uint(b->type)) return shift(ctx, true, a, b);
        return rounding_shr(ctx, a, bin(ctx, IR_Sub, k(ctx, b->type, 0), b));
    }
    bool left = !strcmp(c->name, "widening_shift_left");
    hl_type wa = widened(ctx, c, a->type, a->type.code);
    return shift(ctx, left, to(ctx, wa, a), to(ctx, retype(wa, b->type.code, wa.bits), b));
}

/* mul_shift_right(a, b, q) = saturating cast of (widening_mul(a, b) >> q) to a's type; q
 * unsigned (a number takes unsigned a's width). */
static ir_node *build_mul_shift_right(hl_ctx *ctx, extra_call *c) {
    ir_node *a, *b;
    matched(ctx, c, &a, &b);
    need_ints(ctx, c, a, b);
    hl_type t = a->type;
    hl_operand oq = c->operands[2];
    ir_node *q;
    if (!oq.expr && !oq.k.is_float && !oq.k.is_big && !oq.k.is_bool)
        q = lang_int_literal_of_type(ctx, retype(ir_element_of(t), halide_type_uint, t.bits), oq.k.i);
    else q = operand(ctx, c, 2);
    user_assert(ctx, ir_is_uint(q->type) && !ir_is_bool(q->type),
                "%s shift must be unsigned, not %s of type %s", c->name, estr(ctx, q),
                tstr(ctx, q->type));
    hl_type w = widened(ctx, c, t, t.code);
    q = to(ctx, retype(w, halide_type_uint, w.bits), q);
    ir_node *p = bin(ctx, IR_Mul, to(ctx, w, a), to(ctx, w, b));
    ir_node *s = !strcmp(c->name, "rounding_mul_shift_right") ? rounding_shr(ctx, p, q)
                                                              : shift(ctx, false, p, q);
    return saturate_to(ctx, t, s);
}

/* ---- Division rounding to zero ------------------------------------------------------ */

static ir_node *build_round_to_zero(hl_ctx *ctx, extra_call *c) {
    bool is_div = !strcmp(c->name, "div_round_to_zero");
    ir_node *a, *b;
    matched(ctx, c, &a, &b);
    user_assert(ctx, is_int_type(a->type), "First argument to %s is not an integer: %s", c->name,
                estr(ctx, a));
    user_assert(ctx, is_int_type(b->type), "Second argument to %s is not an integer: %s", c->name,
                estr(ctx, b));
    hl_type t = a->type;
    if (ir_is_bool(t)) return is_div ? bin(ctx, IR_And, a, b) : ir_make_bool(ctx, false, t.lanes);
    ir_node *q = bin(ctx, IR_Div, a, b), *r = bin(ctx, IR_Mod, a, b);
    if (ir_is_uint(t)) return is_div ? q : r;
    ir_node *zero = k(ctx, t, 0);
    ir_node *adjust = bin(ctx, IR_And, bin(ctx, IR_LT, a, zero), bin(ctx, IR_NE, r, zero));
    if (is_div) {
        ir_node *step = ir_select(ctx, bin(ctx, IR_GT, b, zero), k(ctx, t, 1), k(ctx, t, -1));
        return ir_select(ctx, adjust, bin(ctx, IR_Add, q, step), q);
    }
    /* r - |b| without negating MIN: r + (b < 0 ? b : -b). */
    ir_node *neg_abs_b = ir_select(ctx, bin(ctx, IR_LT, b, zero), b, bin(ctx, IR_Sub, zero, b));
    return ir_select(ctx, adjust, bin(ctx, IR_Add, r, neg_abs_b), r);
}

/* ---- lerp --------------------------------------------------------------------------------- */

/* The two values of a lerp: a number takes the other value's type. */
static void lerp_values(hl_ctx *ctx, extra_call *c, ir_node **pz, ir_node **po) {
    hl_operand oz = c->operands[0], oo = c->operands[1];
    ir_node *z = NULL, *o = NULL;
    if (oz.expr) z = (ir_node *)oz.expr;
    if (oo.expr) o = (ir_node *)oo.expr;
    if (!z && o) {
        z = ir_is_float(o->type) ? ir_float_imm(ctx, ir_element_of(o->type), oz.k.is_float ? oz.k.f : (double)oz.k.i)
                                 : lang_int_literal_of_type(ctx, ir_element_of(o->type), oz.k.i);
        user_assert(ctx, !oz.k.is_float || ir_is_float(o->type),
                    "Can't lerp between a float constant and %s of type %s", estr(ctx, o), tstr(ctx, o->type));
    } else if (z && !o) {
        o = ir_is_float(z->type) ? ir_float_imm(ctx, ir_element_of(z->type), oo.k.is_float ? oo.k.f : (double)oo.k.i)
                                 : lang_int_literal_of_type(ctx, ir_element_of(z->type), oo.k.i);
        user_assert(ctx, !oo.k.is_float || ir_is_float(z->type),
                    "Can't lerp between %s of type %s and a float constant", estr(ctx, z), tstr(ctx, z->type));
    } else if (!z && !o) {
        z = operand(ctx, c, 0);
        o = operand(ctx, c, 1);
    }
    user_assert(ctx, ir_type_eq(ir_element_of(z->type), ir_element_of(o->type)),
                "Can't lerp between %s of type %s and %s of different type %s", estr(ctx, z),
                tstr(ctx, z->type), estr(ctx, o), tstr(ctx, o->type));
    *pz = z;
    *po = o;
}

/* Unsigned weight w (any width) rescaled to the unsigned type u of the values' width. */
static ir_node *rescale_weight(hl_ctx *ctx, ir_node *w, hl_type u) {
    int wb = w->type.bits, n = u.bits;
    if (wb == n) return to(ctx, u, w);
    int lo = wb < n ? wb : n, hi = wb < n ? n : wb;
    /* (2^hi - 1) / (2^lo - 1) = (2^lo + 1)(2^(2 lo) + 1)... : an exact integer. */
    uint64_t hi_max = hi >= 64 ? UINT64_MAX : ((uint64_t)1 << hi) - 1;
    uint64_t factor = hi_max / (((uint64_t)1 << lo) - 1);
    if (wb < n) return bin(ctx, IR_Mul, to(ctx, u, w), ir_make_const(ctx, u, (int64_t)factor));
    hl_type wt = w->type;
    ir_node *f = ir_uint_imm(ctx, ir_element_of(wt), factor);
    if (wt.lanes > 1) f = ir_broadcast(ctx, f, wt.lanes);
    return to(ctx, u, bin(ctx, IR_Div, w, f));
}

static ir_node *build_lerp(hl_ctx *ctx, extra_call *c) {
    ir_node *z, *o;
    lerp_values(ctx, c, &z, &o);
    ir_node *w = operand(ctx, c, 2);
    hl_type t = z->type;
    int lanes = t.lanes;
    if (o->type.lanes > lanes) lanes = o->type.lanes;
    if (w->type.lanes > lanes) lanes = w->type.lanes;
    t.lanes = (uint16_t)lanes;
    z = to(ctx, t, z);
    o = to(ctx, t, o);
    if (w->type.lanes != lanes) w = ir_broadcast(ctx, w, lanes);
    hl_type wt = w->type;
    user_assert(ctx, ir_is_uint(wt) || ir_is_float(wt),
                "A lerp weight must be an unsigned integer or a float, but lerp weight %s has type %s.",
                estr(ctx, w), tstr(ctx, wt));
    user_assert(ctx, !ir_is_handle(t), "Can't lerp between handles");
    if (!ir_is_float(t) && w->kind == IR_FloatImm)
        user_assert(ctx, w->imm.f >= 0.0 && w->imm.f <= 1.0,
                    "Floating-point weight for lerp with integer arguments is %g, which is not in "
                    "the range [0.0, 1.0].", w->imm.f);
    user_assert(ctx, ir_is_float(t) || t.bits < 64, "Lerping between 64-bit integers is not supported");
    if (ir_is_float(t)) {
        /* An unsigned weight is a fraction of its type's max: w * (1 / max) in the value
         * type (float64 for 32-bit weights), as Halide computes it. */
        ir_node *tw;
        if (ir_is_float(wt)) {
            tw = to(ctx, t, w);
        } else {
            hl_type f = wt.bits >= 32 ? retype(t, halide_type_float, 64) : t;
            ir_node *scale = ir_float_imm(ctx, ir_element_of(f), 1.0 / (ldexp(1.0, wt.bits) - 1));
            tw = to(ctx, t, bin(ctx, IR_Mul, to(ctx, f, w), to(ctx, f, scale)));
        }
        /* zero*(1-w) + one*w, computed as fma(one - zero, w, zero): the form the
         * reference reaches, so results are bit-exact. */
        ir_node *fargs[3] = {bin(ctx, IR_Sub, o, z), tw, z};
        return lang_math_call(ctx, "fma", 3, fargs);
    }
    if (ir_is_bool(t)) {
        ir_node *half = ir_is_float(wt) ? to(ctx, wt, ir_float_imm(ctx, ir_element_of(wt), 0.5))
                                        : ir_make_const(ctx, wt, (int64_t)(ir_type_umax(wt) / 2));
        return ir_select(ctx, bin(ctx, IR_GT, w, half), o, z);
    }
    int n = t.bits;
    hl_type u = retype(t, halide_type_uint, n), u2 = retype(t, halide_type_uint, 2 * n);
    ir_node *zu = as_bits(ctx, z), *ou = as_bits(ctx, o);
    ir_node *sign = NULL;
    if (ir_is_int(t)) {
        /* value - MIN as unsigned: flip the sign bit. */
        sign = ir_uint_imm(ctx, ir_element_of(u), (uint64_t)1 << (n - 1));
        if (lanes > 1) sign = ir_broadcast(ctx, sign, lanes);
        zu = intrin2(ctx, IR_INTRIN_BITWISE_XOR, zu, sign);
        ou = intrin2(ctx, IR_INTRIN_BITWISE_XOR, ou, sign);
    }
    ir_node *tw;
    if (ir_is_float(wt)) {
        if (n == 32) {
            hl_type f64 = retype(wt, halide_type_float, 64);
            tw = to(ctx, u, bin(ctx, IR_Mul, to(ctx, f64, ir_float_imm(ctx, ir_float(64), 4294967295.0)),
                                to(ctx, f64, w)));
        } else {
            tw = to(ctx, u, bin(ctx, IR_Mul, to(ctx, wt, ir_float_imm(ctx, ir_element_of(wt), (double)ir_type_umax(u))), w));
        }
    } else {
        tw = rescale_weight(ctx, w, u);
    }
    ir_node *inv = bin(ctx, IR_Sub, kmax(ctx, u), tw);
    ir_node *p = bin(ctx, IR_Add,
                     bin(ctx, IR_Add, bin(ctx, IR_Mul, to(ctx, u2, zu), to(ctx, u2, inv)),
                         bin(ctx, IR_Mul, to(ctx, u2, ou), to(ctx, u2, tw))),
                     ir_make_const(ctx, u2, (int64_t)1 << (n - 1)));
    ir_node *q = shift_by(ctx, false, bin(ctx, IR_Add, shift_by(ctx, false, p, n), p), n);
    ir_node *r = to(ctx, u, q);
    if (sign) r = intrin2(ctx, IR_INTRIN_BITWISE_XOR, r, sign);
    return ir_type_eq(r->type, t) ? r : ir_reinterpret(ctx, t, r);
}

/* ---- mux, likely, strict_float, undef, print --------------------------------------------- */

static ir_node *build_mux(hl_ctx *ctx, extra_call *c) {
    user_assert(ctx, c->n >= 2, "mux() requires a non-empty vector of values");
    ir_node *idx = operand(ctx, c, 0);
    user_assert(ctx, !ir_is_handle(idx->type), "The index of mux() is a handle");
    if (ir_is_bool(idx->type)) idx = to(ctx, retype(idx->type, halide_type_uint, 8), idx);
    int nv = c->n - 1;
    ir_node *last = operand(ctx, c, c->n - 1);
    for (int i = 1; i < c->n - 1; i++)
        user_assert(ctx, ir_type_eq(ir_element_of(operand(ctx, c, i)->type), ir_element_of(last->type)),
                    "mux() requires all the values to have the same type: %s has type %s, %s has type %s",
                    estr(ctx, operand(ctx, c, i)), tstr(ctx, operand(ctx, c, i)->type),
                    estr(ctx, last), tstr(ctx, last->type));
    ir_node *result = last;
    hl_type it = ir_element_of(idx->type);
    for (int i = nv - 2; i >= 0; i--) {
        if (!ir_is_float(it) && (i > ir_type_imax(it))) continue; /* never equal */
        ir_node *v = operand(ctx, c, i + 1);
        int lanes = idx->type.lanes;
        if (v->type.lanes > lanes) lanes = v->type.lanes;
        if (result->type.lanes > lanes) lanes = result->type.lanes;
        ir_node *key = ir_is_float(it) ? ir_float_imm(ctx, it, (double)i) : k(ctx, it, i);
        ir_node *cond = bin(ctx, IR_EQ, idx, to(ctx, idx->type, key));
        if (cond->type.lanes != lanes) cond = ir_broadcast(ctx, cond, lanes);
        result = ir_select(ctx, cond, to(ctx, ir_with_lanes(v->type, lanes), v),
                           to(ctx, ir_with_lanes(result->type, lanes), result));
    }
    return result;
}

static ir_node *build_likely(hl_ctx *ctx, extra_call *c) {
    ir_node *a = operand(ctx, c, 0);
    return ir_call_intrinsic(ctx, a->type, IR_INTRIN_LIKELY, 1, &a);
}

static ir_node *build_identity(hl_ctx *ctx, extra_call *c) { return operand(ctx, c, 0); }

static ir_node *build_undef(hl_ctx *ctx, extra_call *c) {
    user_assert(ctx, hl_type_is_valid(c->type), "undef of an invalid type");
    return ir_call_intrinsic(ctx, c->type, IR_INTRIN_UNDEF, 0, NULL);
}

/* print(args) / print_when(cond, args): return_second(print intrinsic, first argument). */
static ir_node *build_print(hl_ctx *ctx, extra_call *c) {
    bool when = !strcmp(c->name, "print_when");
    int first = when ? 1 : 0;
    user_assert(ctx, c->n > first, "%s needs at least one value to print", c->name);
    ir_node *cond = when ? operand(ctx, c, 0) : ir_make_bool(ctx, true, 1);
    if (!ir_is_bool(cond->type)) {
        user_assert(ctx, !ir_is_handle(cond->type), "The condition of print_when is a handle");
        cond = bin(ctx, IR_NE, cond, to(ctx, cond->type, k(ctx, ir_element_of(cond->type), 0)));
    }
    user_assert(ctx, cond->type.lanes == 1, "The condition of print_when must be a scalar");
    int n = c->n - first;
    ir_node **args = ctx_alloc(ctx, sizeof(ir_node *) * (size_t)(n + 1));
    args[0] = cond;
    for (int i = 0; i < n; i++) {
        args[i + 1] = operand(ctx, c, first + i);
        user_assert(ctx, args[i + 1]->type.lanes == 1, "%s of a vector value %s is not supported",
                    c->name, estr(ctx, args[i + 1]));
    }
    ir_node *p = ir_call_intrinsic(ctx, ir_int(32), IR_INTRIN_PRINT, n + 1, args);
    ir_node *pair[2] = {p, args[1]};
    return ir_call_intrinsic(ctx, args[1]->type, IR_INTRIN_RETURN_SECOND, 2, pair);
}

/* random_float/int/uint([seed]): a call-site id (every call of these makes a new one, so
 * two calls are independent streams; one Expr used twice is one value) and the seed. The
 * definition of the Func that uses it turns it into a hash (lang/random.c). */
static ir_node *build_random(hl_ctx *ctx, extra_call *c) {
    static _Atomic int next_id;
    hl_type t = c->name[7] == 'f' ? ir_float(32) : c->name[7] == 'i' ? ir_int(32) : ir_uint(32);
    ir_node *kids[2] = {ir_int_imm(ctx, ir_int(32), next_id++), NULL};
    if (c->n == 1) {
        ir_node *seed = operand(ctx, c, 0);
        char tn[48];
        user_assert(ctx, ir_type_eq(seed->type, ir_int(32)),
                    "The seed passed to %s must have type Int(32), but instead is %s of type %s", c->name,
                    estr(ctx, seed), hl_type_name(seed->type, tn, sizeof tn));
        kids[1] = seed;
    }
    return ir_call_intrinsic(ctx, t, IR_INTRIN_RANDOM, c->n + 1, kids);
}

/* target_*: a question lowering answers for the target being compiled for. */
static ir_node *target_query(hl_ctx *ctx, hl_type t, ir_target_query q, int64_t arg) {
    ir_node *kids[2] = {ir_int_imm(ctx, ir_int(32), q), ir_int_imm(ctx, ir_int(32), arg)};
    return ir_call_intrinsic(ctx, t, IR_INTRIN_TARGET_QUERY, 2, kids);
}

static ir_node *build_target_is(hl_ctx *ctx, extra_call *c) {
    ir_node *a = operand(ctx, c, 0);
    user_assert(ctx, a->kind == IR_IntImm || a->kind == IR_UIntImm,
                "The argument of %s must be a constant (a TargetArch, TargetOS or TargetFeature), not %s",
                c->name, estr(ctx, a));
    int64_t v = a->kind == IR_IntImm ? a->imm.i : (int64_t)a->imm.u;
    ir_target_query q = c->name[7] == 'a' ? IR_TARGET_ARCH_IS : c->name[7] == 'o' ? IR_TARGET_OS_IS
                                                                                  : IR_TARGET_HAS_FEATURE;
    return target_query(ctx, ir_bool(), q, v);
}

static ir_node *build_target_bits(hl_ctx *ctx, extra_call *c) {
    return target_query(ctx, ir_int(32), c->name[7] == 'b' ? IR_TARGET_BITS : IR_TARGET_VECTOR_BITS, 0);
}

static ir_node *build_natural_vector_size(hl_ctx *ctx, extra_call *c) {
    hl_type t = c->type;
    user_assert(ctx, hl_type_is_valid(t), "target_natural_vector_size of an invalid type");
    return target_query(ctx, ir_int(32), IR_TARGET_NATURAL_VECTOR_SIZE, t.bits);
}

/* ---- The table ------------------------------------------------------------------------ */

static const struct {
    const char *name;
    int min_args, max_args; /* max -1: any */
    bool typed;
    extra_builder build;
} operators[] = {
    {"is_nan", 1, 1, false, build_float_test},
    {"is_inf", 1, 1, false, build_float_test},
    {"is_finite", 1, 1, false, build_float_test},
    {"fract", 1, 1, false, build_fract},
    {"fast_sin", 1, 1, false, build_fast_trig},
    {"fast_cos", 1, 1, false, build_fast_trig},
    {"fast_exp", 1, 1, false, build_fast_exp_log},
    {"fast_log", 1, 1, false, build_fast_exp_log},
    {"fast_inverse", 1, 1, false, build_fast_inverse},
    {"fast_inverse_sqrt", 1, 1, false, build_fast_inverse},
    {"fast_pow", 2, 2, false, build_fast_pow},
    {"fma", 3, 3, false, build_fma},
    {"popcount", 1, 1, false, build_bit_count},
    {"count_leading_zeros", 1, 1, false, build_bit_count},
    {"count_trailing_zeros", 1, 1, false, build_bit_count},
    {"concat_bits", 0, -1, false, build_concat_bits},
    {"saturating_add", 2, 2, false, build_saturating},
    {"saturating_sub", 2, 2, false, build_saturating},
    {"widening_add", 2, 2, false, build_widening},
    {"widening_sub", 2, 2, false, build_widening},
    {"widening_mul", 2, 2, false, build_widening},
    {"widen_right_add", 2, 2, false, build_widen_right},
    {"widen_right_sub", 2, 2, false, build_widen_right},
    {"widen_right_mul", 2, 2, false, build_widen_right},
    {"halving_add", 2, 2, false, build_halving},
    {"halving_sub", 2, 2, false, build_halving},
    {"rounding_halving_add", 2, 2, false, build_halving},
    {"widening_shift_left", 2, 2, false, build_shift},
    {"widening_shift_right", 2, 2, false, build_shift},
    {"rounding_shift_left", 2, 2, false, build_shift},
    {"rounding_shift_right", 2, 2, false, build_shift},
    {"mul_shift_right", 3, 3, false, build_mul_shift_right},
    {"rounding_mul_shift_right", 3, 3, false, build_mul_shift_right},
    {"div_round_to_zero", 2, 2, false, build_round_to_zero},
    {"mod_round_to_zero", 2, 2, false, build_round_to_zero},
    {"lerp", 3, 3, false, build_lerp},
    {"mux", 1, -1, false, build_mux},
    {"likely", 1, 1, false, build_likely},
    {"likely_if_innermost", 1, 1, false, build_likely},
    {"strict_float", 1, 1, false, build_identity},
    {"print", 1, -1, false, build_print},
    {"print_when", 2, -1, false, build_print},
    {"target_bits", 0, 0, false, build_target_bits},
    {"target_vector_bits", 0, 0, false, build_target_bits},
    {"target_arch_is", 1, 1, false, build_target_is},
    {"target_os_is", 1, 1, false, build_target_is},
    {"target_has_feature", 1, 1, false, build_target_is},
    {"random_float", 0, 1, false, build_random},
    {"random_int", 0, 1, false, build_random},
    {"random_uint", 0, 1, false, build_random},
    {"reinterpret", 1, 1, true, build_reinterpret},
    {"extract_bits", 2, 2, true, build_extract_bits},
    {"undef", 0, 0, true, build_undef},
    {"target_natural_vector_size", 0, 0, true, build_natural_vector_size},
};

static void build_operator(hl_ctx *ctx, extra_call *c) {
    for (size_t i = 0; i < sizeof operators / sizeof operators[0]; i++) {
        if (strcmp(operators[i].name, c->name)) continue;
        user_assert(ctx, operators[i].typed == c->has_type, "%s %s a type as its first argument",
                    c->name, operators[i].typed ? "takes" : "does not take");
        int lo = operators[i].min_args, hi = operators[i].max_args;
        user_assert(ctx, c->n >= lo && (hi < 0 || c->n <= hi),
                    "%s takes %d%s argument%s, not %d", c->name, lo, hi < 0 ? " or more" : "",
                    lo == 1 && hi == 1 ? "" : "s", c->n);
        c->result = operators[i].build(ctx, c);
        return;
    }
    user_error(ctx, "Unknown operator %s", c->name);
}

hl_status hl_expr_operator(const char *name, int n, const hl_operand *args, hl_expr **out) {
    extra_call c = {.name = name, .n = n, .operands = args};
    return run(build_operator, &c, out);
}

hl_status hl_expr_typed_operator(const char *name, hl_type t, int n, const hl_operand *args,
                                 hl_expr **out) {
    extra_call c = {.name = name, .n = n, .operands = args, .has_type = true, .type = t};
    return run(build_operator, &c, out);
}

/* ---- unsafe_promise_clamped --------------------------------------------------------------- */

static ir_node *promise_bound(hl_ctx *ctx, ir_node *e, const hl_operand *o, bool is_max) {
    hl_type t = ir_element_of(e->type);
    if (!o) {
        if (ir_is_float(t)) return ir_float_imm(ctx, t, is_max ? INFINITY : -INFINITY);
        return ir_is_uint(t) && is_max ? kmax(ctx, t) : k(ctx, t, is_max ? ir_type_imax(t) : ir_type_imin(t));
    }
    ir_node *b;
    if (!o->expr && !o->k.is_float && !o->k.is_big)
        b = ir_is_float(t) ? ir_float_imm(ctx, t, (double)o->k.i) : lang_int_literal_of_type(ctx, t, o->k.i);
    else if (!o->expr && o->k.is_float && ir_is_float(t))
        b = ir_float_imm(ctx, t, o->k.f);
    else
        b = lang_operand_expr(ctx, *o);
    if (!ir_type_eq(ir_element_of(b->type), t)) {
        user_assert(ctx, ir_type_can_represent(t, ir_element_of(b->type)),
                    "unsafe_promise_clamped %s argument %s (type %s) could not be cast losslessly "
                    "to %s", is_max ? "max" : "min", estr(ctx, b), tstr(ctx, b->type), tstr(ctx, t));
        b = to(ctx, ir_with_lanes(t, b->type.lanes), b);
    }
    return b;
}

static void build_promise(hl_ctx *ctx, extra_call *c) {
    ir_node *e = lang_operand_expr(ctx, c->operands[0]);
    user_assert(ctx, !ir_is_handle(e->type), "unsafe_promise_clamped of a handle");
    ir_node *args[3] = {e, promise_bound(ctx, e, c->lo, false), promise_bound(ctx, e, c->hi, true)};
    for (int i = 1; i < 3; i++)
        if (args[i]->type.lanes != e->type.lanes) args[i] = to(ctx, e->type, args[i]);
    c->result = ir_call_intrinsic(ctx, e->type, IR_INTRIN_PROMISE_CLAMPED, 3, args);
}

hl_status hl_expr_unsafe_promise_clamped(hl_operand e, const hl_operand *lo, const hl_operand *hi,
                                         hl_expr **out) {
    extra_call c = {.name = "unsafe_promise_clamped", .n = 1, .operands = &e, .lo = lo, .hi = hi};
    return run(build_promise, &c, out);
}
