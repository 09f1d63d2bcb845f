/* codegen_call.c - Call nodes: intrinsics, math functions and extern C calls.
 *
 * Assumes: intrinsic calls carry their ir_intrinsic in op2 with the arguments ir.h
 * lists; math calls (IR_CALL_PURE_EXTERN) are named as Halide names them ("sqrt_f32",
 * "atan2_f64", "floor_f16", ...); any other extern call is a C function whose parameter
 * types are its arguments' types and whose return type is the node's type.
 *
 * Guarantees: math uses LLVM intrinsics where LLVM has them (so they vectorize) and the C
 * library otherwise (scalarized per lane for vectors); float16 math is computed in float32;
 * round is half-to-even. Shifts never reach LLVM's poison cases: a negative signed amount
 * shifts the other way, and an amount >= the bit width gives 0 (or the sign fill for an
 * arithmetic right shift). abs/absd of signed values give the unsigned result without
 * overflow. Buffer field intrinsics read and write halide_buffer_t with Halide's layout.
 * popcount/count_leading_zeros/count_trailing_zeros are LLVM's ctpop/ctlz/cttz (a zero
 * input gives the bit width); print calls rt_print_values, trace rt_trace; undef is a user
 * error here.
 */
#include "codegen_internal.h"
#include "util/check.h"

#include <math.h>
#include <string.h>

/* ---- Shifts, abs, absd ------------------------------------------------------------------- */

static LLVMValueRef shift(cg_state *cg, bool left, hl_type t, LLVMValueRef a, hl_type bt,
                          LLVMValueRef b) {
    LLVMBuilderRef B = cg->builder;
    if (bt.lanes < t.lanes) b = cg_splat(cg, b, t.lanes);
    bt.lanes = t.lanes;
    LLVMValueRef neg = NULL, mag = b;
    if (ir_is_int(bt)) {
        LLVMValueRef zero = cg_const_int(cg, bt, 0);
        neg = LLVMBuildICmp(B, LLVMIntSLT, b, zero, "");
        mag = LLVMBuildSelect(B, neg, LLVMBuildSub(B, zero, b, ""), b, "");
    }
    /* Clamp the magnitude (as unsigned: -MIN stays huge) to the bit width. */
    LLVMValueRef width_b = cg_const_int(cg, bt, t.bits);
    LLVMTypeRef bty = LLVMTypeOf(mag);
    LLVMValueRef umin_args[2] = {mag, width_b};
    mag = cg_call_intrinsic(cg, "llvm.umin", &bty, 1, umin_args, 2);
    LLVMTypeRef aty = LLVMTypeOf(a);
    if (bt.bits < t.bits) mag = LLVMBuildZExt(B, mag, aty, "");
    else if (bt.bits > t.bits) mag = LLVMBuildTrunc(B, mag, aty, "");
    LLVMValueRef zero = cg_const_int(cg, t, 0);
    LLVMValueRef too_big = LLVMBuildICmp(B, LLVMIntEQ, mag, cg_const_int(cg, t, t.bits), "");
    LLVMValueRef max_args[2] = {mag, cg_const_int(cg, t, t.bits - 1)};
    LLVMValueRef amount = cg_call_intrinsic(cg, "llvm.umin", &aty, 1, max_args, 2);
    LLVMValueRef shl = LLVMBuildSelect(B, too_big, zero, LLVMBuildShl(B, a, amount, ""), "");
    LLVMValueRef shr = ir_is_int(t)
                           ? LLVMBuildAShr(B, a, amount, "")
                           : LLVMBuildSelect(B, too_big, zero, LLVMBuildLShr(B, a, amount, ""), "");
    LLVMValueRef forward = left ? shl : shr, backward = left ? shr : shl;
    return neg ? LLVMBuildSelect(B, neg, backward, forward, "") : forward;
}

static LLVMValueRef abs_value(cg_state *cg, hl_type t, LLVMValueRef a) {
    LLVMTypeRef ty = LLVMTypeOf(a);
    if (ir_is_float(t)) return cg_call_intrinsic(cg, "llvm.fabs", &ty, 1, &a, 1);
    if (ir_is_uint(t)) return a;
    LLVMValueRef args[2] = {a, LLVMConstInt(cg->i1, 0, 0)}; /* MIN is not poison */
    return cg_call_intrinsic(cg, "llvm.abs", &ty, 1, args, 2);
}

static LLVMValueRef absd(cg_state *cg, hl_type t, LLVMValueRef a, LLVMValueRef b) {
    LLVMBuilderRef B = cg->builder;
    if (ir_is_float(t)) return abs_value(cg, t, LLVMBuildFSub(B, a, b, ""));
    /* max - min, computed modulo 2^bits: the true difference fits the unsigned type. */
    LLVMValueRef lt = LLVMBuildICmp(B, ir_is_int(t) ? LLVMIntSLT : LLVMIntULT, a, b, "");
    return LLVMBuildSelect(B, lt, LLVMBuildSub(B, b, a, ""), LLVMBuildSub(B, a, b, ""), "");
}

/* ---- Buffer fields ----------------------------------------------------------------------- */

enum { BUF_DEVICE = 0, BUF_HOST = 2, BUF_TYPE = 4, BUF_DIMENSIONS = 5, BUF_DIM = 6 };

static LLVMValueRef load_field(cg_state *cg, LLVMTypeRef st, LLVMValueRef p, unsigned field,
                               LLVMTypeRef ty) {
    LLVMValueRef addr = LLVMBuildStructGEP2(cg->builder, st, p, field, "");
    return LLVMBuildLoad2(cg->builder, ty, addr, "");
}

static LLVMValueRef dim_address(cg_state *cg, LLVMValueRef buf, LLVMValueRef d, unsigned field) {
    LLVMValueRef dims = load_field(cg, cg->buffer_t, buf, BUF_DIM, cg->ptr);
    LLVMValueRef dim = LLVMBuildGEP2(cg->builder, cg->dimension_t, dims, &d, 1, "");
    return LLVMBuildStructGEP2(cg->builder, cg->dimension_t, dim, field, "");
}

static LLVMValueRef type_field(cg_state *cg, LLVMValueRef buf, unsigned field, hl_type want) {
    LLVMValueRef type_addr = LLVMBuildStructGEP2(cg->builder, cg->buffer_t, buf, BUF_TYPE, "");
    LLVMTypeRef type_t = LLVMStructGetTypeAtIndex(cg->buffer_t, BUF_TYPE);
    LLVMValueRef addr = LLVMBuildStructGEP2(cg->builder, type_t, type_addr, field, "");
    hl_type have = ir_uint(field == 2 ? 16 : 8);
    LLVMValueRef v = LLVMBuildLoad2(cg->builder, cg_llvm_type(cg, have), addr, "");
    return cg_convert(cg, v, have, want);
}

static LLVMValueRef buffer_intrinsic(cg_state *cg, const ir_node *call) {
    LLVMBuilderRef B = cg->builder;
    LLVMValueRef buf = cg_expr(cg, call->kids[0]);
    hl_type i32 = ir_int(32);
    LLVMValueRef d = call->nkids > 1 ? cg_expr(cg, call->kids[1]) : NULL;
    int id = call->op2;
    if (id == IR_INTRIN_BUFFER_GET_HOST) return load_field(cg, cg->buffer_t, buf, BUF_HOST, cg->ptr);
    if (id == IR_INTRIN_BUFFER_GET_MIN || id == IR_INTRIN_BUFFER_GET_EXTENT ||
        id == IR_INTRIN_BUFFER_GET_STRIDE) {
        unsigned field = id == IR_INTRIN_BUFFER_GET_MIN ? 0 : id == IR_INTRIN_BUFFER_GET_EXTENT ? 1 : 2;
        internal_assert(cg->ctx, d, "buffer dimension field without a dimension");
        LLVMValueRef v = LLVMBuildLoad2(B, cg->i32, dim_address(cg, buf, d, field), "");
        return cg_convert(cg, v, i32, call->type);
    }
    if (id == IR_INTRIN_BUFFER_GET_DIMENSIONS)
        return cg_convert(cg, load_field(cg, cg->buffer_t, buf, BUF_DIMENSIONS, cg->i32), i32,
                          call->type);
    if (id == IR_INTRIN_BUFFER_GET_TYPE_CODE) return type_field(cg, buf, 0, call->type);
    if (id == IR_INTRIN_BUFFER_GET_TYPE_BITS) return type_field(cg, buf, 1, call->type);
    if (id == IR_INTRIN_BUFFER_GET_TYPE_LANES) return type_field(cg, buf, 2, call->type);
    if (id == IR_INTRIN_BUFFER_IS_BOUNDS_QUERY) {
        LLVMValueRef host = load_field(cg, cg->buffer_t, buf, BUF_HOST, cg->ptr);
        LLVMValueRef dev = load_field(cg, cg->buffer_t, buf, BUF_DEVICE, cg->i64);
        return LLVMBuildAnd(B, LLVMBuildIsNull(B, host, ""), LLVMBuildIsNull(B, dev, ""), "");
    }
    if (id == IR_INTRIN_BUFFER_SET_BOUNDS) {
        internal_assert(cg->ctx, call->nkids == 4, "set_bounds takes 4 arguments");
        LLVMValueRef min = cg_convert(cg, cg_expr(cg, call->kids[2]), call->kids[2]->type, i32);
        LLVMValueRef ext = cg_convert(cg, cg_expr(cg, call->kids[3]), call->kids[3]->type, i32);
        LLVMBuildStore(B, min, dim_address(cg, buf, d, 0));
        LLVMBuildStore(B, ext, dim_address(cg, buf, d, 1));
        return cg_const_int(cg, call->type, 0);
    }
    internal_error(cg->ctx, "not a buffer intrinsic: %d", call->op2);
}

/* ---- Bit counts, print ------------------------------------------------------------------ */

static LLVMValueRef bit_count(cg_state *cg, const char *name, LLVMValueRef a) {
    LLVMTypeRef ty = LLVMTypeOf(a);
    LLVMValueRef args[2] = {a, LLVMConstInt(cg->i1, 0, 0)}; /* a zero input is not poison */
    return cg_call_intrinsic(cg, name, &ty, 1, args, strcmp(name, "llvm.ctpop") ? 2 : 1);
}

/* print: the scalar arguments go to rt_print_values as parallel arrays of halide_type_t
 * bits and 64-bit slots (integers extended, floats as double bits, strings as pointers). */
static LLVMValueRef print_values(cg_state *cg, const ir_node *call) {
    LLVMBuilderRef B = cg->builder;
    int n = call->nkids - 1;
    internal_assert(cg->ctx, n >= 0, "print without a condition");
    LLVMTypeRef types_ty = LLVMArrayType2(cg->i32, (uint64_t)(n ? n : 1));
    LLVMTypeRef values_ty = LLVMArrayType2(cg->i64, (uint64_t)(n ? n : 1));
    LLVMValueRef types = cg_entry_alloca(cg, types_ty, 8);
    LLVMValueRef values = cg_entry_alloca(cg, values_ty, 8);
    for (int i = 0; i < n; i++) {
        const ir_node *k = call->kids[i + 1];
        hl_type t = k->type;
        internal_assert(cg->ctx, t.lanes == 1, "print of a vector reached code generation");
        LLVMValueRef v = cg_expr(cg, k), slot;
        if (ir_is_float(t)) {
            slot = LLVMBuildBitCast(B, cg_convert(cg, v, t, ir_float(64)), cg->i64, "");
        } else if (ir_is_handle(t) || k->kind == IR_StringImm) {
            slot = LLVMBuildPtrToInt(B, v, cg->i64, "");
        } else {
            slot = t.bits == 64 ? v
                   : ir_is_int(t) ? LLVMBuildSExt(B, v, cg->i64, "")
                                  : LLVMBuildZExt(B, v, cg->i64, "");
        }
        uint32_t bits = (uint32_t)t.code | (uint32_t)t.bits << 8 | 1u << 16;
        if (k->kind == IR_StringImm) bits = (uint32_t)halide_type_handle | 64u << 8 | 1u << 16;
        LLVMValueRef idx[2] = {LLVMConstInt(cg->i32, 0, 0), LLVMConstInt(cg->i32, (unsigned)i, 0)};
        LLVMBuildStore(B, LLVMConstInt(cg->i32, bits, 0), LLVMBuildGEP2(B, types_ty, types, idx, 2, ""));
        LLVMBuildStore(B, slot, LLVMBuildGEP2(B, values_ty, values, idx, 2, ""));
    }
    LLVMValueRef cond = LLVMBuildZExt(B, cg_expr(cg, call->kids[0]), cg->i32, "");
    LLVMValueRef args[5] = {cg->user_context, cond, LLVMConstInt(cg->i32, (unsigned)n, 0), types,
                            values};
    return cg_call_c(cg, "rt_print_values", cg->i32, args, 5, false);
}

/* trace: the event's parts go to rt_trace (runtime/trace.c); the result is the traced value. */
static LLVMValueRef trace_event(cg_state *cg, const ir_node *call) {
    LLVMBuilderRef B = cg->builder;
    internal_assert(cg->ctx, call->nkids >= 4, "trace takes at least 4 arguments");
    const ir_node *value = call->kids[3];
    /* A vector event (a vectorized access): each coordinate is a vector of every lane, and
     * the coordinates array holds them dimension by dimension, lanes innermost. */
    int lanes = value->kind == IR_StringImm ? 1 : value->type.lanes, dims = call->nkids - 4, n = dims * lanes;
    LLVMTypeRef coords_ty = LLVMArrayType2(cg->i32, (uint64_t)(n ? n : 1));
    LLVMValueRef coords = cg_entry_alloca(cg, coords_ty, 4);
    for (int i = 0; i < dims; i++) {
        const ir_node *k = call->kids[4 + i];
        hl_type ct = ir_with_lanes(ir_int(32), k->type.lanes);
        LLVMValueRef c = cg_convert(cg, cg_expr(cg, k), k->type, ct);
        for (int l = 0; l < lanes; l++) {
            LLVMValueRef cl = k->type.lanes == 1 ? c : LLVMBuildExtractElement(B, c, LLVMConstInt(cg->i32, (unsigned)l, 0), "");
            LLVMValueRef idx[2] = {LLVMConstInt(cg->i32, 0, 0), LLVMConstInt(cg->i32, (unsigned)(i * lanes + l), 0)};
            LLVMBuildStore(B, cl, LLVMBuildGEP2(B, coords_ty, coords, idx, 2, ""));
        }
    }
    LLVMValueRef result = NULL, value_ptr = LLVMConstNull(cg->ptr), tag = LLVMConstNull(cg->ptr);
    uint32_t bits = 0;
    if (value->kind == IR_StringImm) {
        tag = cg_expr(cg, value);
    } else {
        result = cg_expr(cg, value);
        LLVMValueRef stored = ir_is_bool(value->type) ? LLVMBuildZExt(B, result, cg_storage_type(cg, value->type), "")
                                                      : result;
        value_ptr = cg_entry_alloca(cg, LLVMTypeOf(stored), 0);
        LLVMBuildStore(B, stored, value_ptr);
        bits = (uint32_t)value->type.code | (uint32_t)value->type.bits << 8 | (uint32_t)lanes << 16;
    }
    LLVMValueRef args[9] = {cg->user_context,
                            cg_convert(cg, cg_expr(cg, call->kids[0]), call->kids[0]->type, ir_int(32)),
                            cg_expr(cg, call->kids[1]),
                            cg_convert(cg, cg_expr(cg, call->kids[2]), call->kids[2]->type, ir_int(32)),
                            LLVMConstInt(cg->i32, bits, 0),
                            value_ptr,
                            LLVMConstInt(cg->i32, (unsigned)n, 0),
                            coords,
                            tag};
    cg_call_c(cg, "rt_trace", cg->i32, args, 9, false);
    return result ? result : cg_const_int(cg, call->type, 0);
}

static LLVMValueRef intrinsic(cg_state *cg, const ir_node *call) {
    LLVMBuilderRef B = cg->builder;
    const ir_node *k0 = call->nkids > 0 ? call->kids[0] : NULL;
    const ir_node *k1 = call->nkids > 1 ? call->kids[1] : NULL;
    switch ((enum ir_intrinsic)call->op2) {
    case IR_INTRIN_BITWISE_AND:
        return LLVMBuildAnd(B, cg_expr(cg, k0), cg_expr(cg, k1), "");
    case IR_INTRIN_BITWISE_OR:
        return LLVMBuildOr(B, cg_expr(cg, k0), cg_expr(cg, k1), "");
    case IR_INTRIN_BITWISE_XOR:
        return LLVMBuildXor(B, cg_expr(cg, k0), cg_expr(cg, k1), "");
    case IR_INTRIN_BITWISE_NOT:
        return LLVMBuildNot(B, cg_expr(cg, k0), "");
    case IR_INTRIN_SHIFT_LEFT:
    case IR_INTRIN_SHIFT_RIGHT:
        return shift(cg, call->op2 == IR_INTRIN_SHIFT_LEFT, k0->type, cg_expr(cg, k0), k1->type,
                     cg_expr(cg, k1));
    case IR_INTRIN_ABS:
        return abs_value(cg, k0->type, cg_expr(cg, k0));
    case IR_INTRIN_ABSD:
        return absd(cg, k0->type, cg_expr(cg, k0), cg_expr(cg, k1));
    case IR_INTRIN_LIKELY:
    case IR_INTRIN_PROMISE_CLAMPED:
        return cg_expr(cg, k0);
    case IR_INTRIN_RETURN_SECOND:
        cg_expr(cg, k0);
        return cg_expr(cg, k1);
    case IR_INTRIN_POPCOUNT:
        return bit_count(cg, "llvm.ctpop", cg_expr(cg, k0));
    case IR_INTRIN_COUNT_LEADING_ZEROS:
        return bit_count(cg, "llvm.ctlz", cg_expr(cg, k0));
    case IR_INTRIN_COUNT_TRAILING_ZEROS:
        return bit_count(cg, "llvm.cttz", cg_expr(cg, k0));
    case IR_INTRIN_TRACE:
        return trace_event(cg, call);
    case IR_INTRIN_PRINT:
        return print_values(cg, call);
    case IR_INTRIN_UNDEF:
        user_error(cg->ctx, "undef() of type %s may only be used as the value of an update "
                            "definition (where it leaves the value unchanged)",
                   hl_type_name(call->type, (char[48]){0}, 48));
    case IR_INTRIN_TARGET_QUERY:
        user_error(cg->ctx, "target_* queries may only be used in the definition of a Func");
    case IR_INTRIN_RANDOM:
        user_error(cg->ctx, "random_float/random_int/random_uint may only be used in the "
                            "definition of a Func (they hash its arguments)");
    case IR_INTRIN_BUFFER_GET_HOST:
    case IR_INTRIN_BUFFER_GET_MIN:
    case IR_INTRIN_BUFFER_GET_EXTENT:
    case IR_INTRIN_BUFFER_GET_STRIDE:
    case IR_INTRIN_BUFFER_GET_DIMENSIONS:
    case IR_INTRIN_BUFFER_GET_TYPE_CODE:
    case IR_INTRIN_BUFFER_GET_TYPE_BITS:
    case IR_INTRIN_BUFFER_GET_TYPE_LANES:
    case IR_INTRIN_BUFFER_IS_BOUNDS_QUERY:
    case IR_INTRIN_BUFFER_SET_BOUNDS:
        return buffer_intrinsic(cg, call);
    }
    internal_error(cg->ctx, "codegen: unknown intrinsic %d (%s)", call->op2,
                   call->name ? call->name : "?");
}

/* ---- Math -------------------------------------------------------------------------------- */

typedef enum math_kind {
    MATH_LLVM,      /* an LLVM intrinsic */
    MATH_LIBM,      /* a C library function: name with "f" for float32 */
    MATH_INVERSE,   /* 1 / x */
    MATH_RSQRT,     /* 1 / sqrt(x) */
    MATH_IS_NAN,
    MATH_IS_INF,
    MATH_IS_FINITE,
} math_kind;

typedef struct math_fn {
    const char *name; /* Halide's name without the _f32 suffix */
    math_kind kind;
    const char *impl; /* intrinsic or libm name (double version) */
    int nargs;
} math_fn;

static const math_fn math_fns[] = {
    {"sqrt", MATH_LLVM, "llvm.sqrt", 1},       {"sin", MATH_LLVM, "llvm.sin", 1},
    {"cos", MATH_LLVM, "llvm.cos", 1},         {"exp", MATH_LLVM, "llvm.exp", 1},
    {"log", MATH_LLVM, "llvm.log", 1},         {"pow", MATH_LLVM, "llvm.pow", 2},
    {"floor", MATH_LLVM, "llvm.floor", 1},     {"ceil", MATH_LLVM, "llvm.ceil", 1},
    {"round", MATH_LLVM, "llvm.roundeven", 1}, {"trunc", MATH_LLVM, "llvm.trunc", 1},
    {"abs", MATH_LLVM, "llvm.fabs", 1},        {"tan", MATH_LIBM, "tan", 1},
    {"asin", MATH_LIBM, "asin", 1},            {"acos", MATH_LIBM, "acos", 1},
    {"atan", MATH_LIBM, "atan", 1},            {"atan2", MATH_LIBM, "atan2", 2},
    {"sinh", MATH_LIBM, "sinh", 1},            {"cosh", MATH_LIBM, "cosh", 1},
    {"tanh", MATH_LIBM, "tanh", 1},            {"asinh", MATH_LIBM, "asinh", 1},
    {"acosh", MATH_LIBM, "acosh", 1},          {"atanh", MATH_LIBM, "atanh", 1},
    {"erf", MATH_LIBM, "erf", 1},              {"hypot", MATH_LIBM, "hypot", 2},
    {"fast_inverse", MATH_INVERSE, NULL, 1},   {"fast_inverse_sqrt", MATH_RSQRT, NULL, 1},
    {"is_nan", MATH_IS_NAN, NULL, 1},          {"is_inf", MATH_IS_INF, NULL, 1},
    {"is_finite", MATH_IS_FINITE, NULL, 1},    {"fma", MATH_LLVM, "llvm.fma", 3},
};

/* The math function for a Halide name such as "atan2_f32", and its float width. */
static const math_fn *find_math(const char *name, int *bits) {
    const char *us = strrchr(name, '_');
    if (!us) return NULL;
    if (!strcmp(us, "_f32")) *bits = 32;
    else if (!strcmp(us, "_f64")) *bits = 64;
    else if (!strcmp(us, "_f16")) *bits = 16;
    else return NULL;
    size_t len = (size_t)(us - name);
    for (size_t i = 0; i < sizeof math_fns / sizeof math_fns[0]; i++)
        if (strlen(math_fns[i].name) == len && !strncmp(math_fns[i].name, name, len))
            return &math_fns[i];
    return NULL;
}

/* Calls a scalar C function once per lane. */
static LLVMValueRef per_lane_call(cg_state *cg, const char *name, hl_type t, LLVMValueRef *args,
                                  int nargs, bool pure) {
    LLVMTypeRef elem = cg_llvm_type(cg, ir_element_of(t));
    if (t.lanes == 1) return cg_call_c(cg, name, elem, args, nargs, pure);
    LLVMValueRef result = LLVMGetPoison(cg_llvm_type(cg, t));
    for (int l = 0; l < t.lanes; l++) {
        LLVMValueRef lane_args[16], idx = LLVMConstInt(cg->i32, (unsigned)l, 0);
        for (int i = 0; i < nargs; i++)
            lane_args[i] = LLVMGetTypeKind(LLVMTypeOf(args[i])) == LLVMVectorTypeKind
                               ? LLVMBuildExtractElement(cg->builder, args[i], idx, "")
                               : args[i];
        LLVMValueRef r = cg_call_c(cg, name, elem, lane_args, nargs, pure);
        result = LLVMBuildInsertElement(cg->builder, result, r, idx, "");
    }
    return result;
}

/* Math on float32/float64 values of type t (args already of that type). */
static LLVMValueRef math(cg_state *cg, const math_fn *fn, hl_type t, LLVMValueRef *args) {
    LLVMBuilderRef B = cg->builder;
    LLVMTypeRef ty = cg_llvm_type(cg, t);
    LLVMValueRef one = LLVMConstReal(cg_llvm_type(cg, ir_element_of(t)), 1.0);
    LLVMValueRef inf = LLVMConstReal(cg_llvm_type(cg, ir_element_of(t)), INFINITY);
    switch (fn->kind) {
    case MATH_LLVM:
        return cg_call_intrinsic(cg, fn->impl, &ty, 1, args, fn->nargs);
    case MATH_LIBM: {
        const char *name = t.bits == 32 ? ctx_printf(cg->ctx, "%sf", fn->impl) : fn->impl;
        return per_lane_call(cg, name, t, args, fn->nargs, true);
    }
    case MATH_INVERSE:
        return LLVMBuildFDiv(B, cg_splat(cg, one, t.lanes), args[0], "");
    case MATH_RSQRT:
        return LLVMBuildFDiv(B, cg_splat(cg, one, t.lanes),
                             cg_call_intrinsic(cg, "llvm.sqrt", &ty, 1, args, 1), "");
    case MATH_IS_NAN:
        return LLVMBuildFCmp(B, LLVMRealUNO, args[0], args[0], "");
    case MATH_IS_INF:
    case MATH_IS_FINITE: {
        LLVMValueRef mag = cg_call_intrinsic(cg, "llvm.fabs", &ty, 1, args, 1);
        return LLVMBuildFCmp(B, fn->kind == MATH_IS_INF ? LLVMRealOEQ : LLVMRealOLT, mag,
                             cg_splat(cg, inf, t.lanes), "");
    }
    }
    internal_error(cg->ctx, "bad math kind");
}

static LLVMValueRef math_call(cg_state *cg, const ir_node *call, const math_fn *fn, int bits) {
    internal_assert(cg->ctx, call->nkids == fn->nargs, "%s takes %d arguments", call->name,
                    fn->nargs);
    hl_type in = call->kids[0]->type;
    internal_assert(cg->ctx, ir_is_float(in), "%s of a non-float argument", call->name);
    hl_type compute = hl_type_make(halide_type_float, bits == 64 ? 64 : 32, in.lanes);
    LLVMValueRef args[3];
    for (int i = 0; i < fn->nargs; i++)
        args[i] = cg_convert(cg, cg_expr(cg, call->kids[i]), call->kids[i]->type, compute);
    LLVMValueRef r = math(cg, fn, compute, args);
    if (ir_is_float(call->type)) r = cg_convert(cg, r, compute, call->type);
    return r;
}

/* ---- Calls ------------------------------------------------------------------------------- */

static LLVMValueRef extern_call(cg_state *cg, const ir_node *call) {
    LLVMValueRef args[16];
    internal_assert(cg->ctx, call->nkids <= 16, "extern call %s has too many arguments",
                    call->name);
    bool vector_args = false;
    for (int i = 0; i < call->nkids; i++) {
        args[i] = cg_expr(cg, call->kids[i]);
        vector_args |= call->kids[i]->type.lanes > 1;
    }
    bool pure = call->op == IR_CALL_PURE_EXTERN;
    if (pure && vector_args)
        return per_lane_call(cg, call->name, call->type, args, call->nkids, true);
    return cg_call_c(cg, call->name, cg_llvm_type(cg, call->type), args, call->nkids, pure);
}

LLVMValueRef cg_call(cg_state *cg, const ir_node *call) {
    switch ((ir_call_type)call->op) {
    case IR_CALL_INTRINSIC:
        return intrinsic(cg, call);
    case IR_CALL_PURE_EXTERN: {
        int bits = 0;
        const math_fn *fn = find_math(call->name, &bits);
        if (fn) return math_call(cg, call, fn, bits);
        return extern_call(cg, call);
    }
    case IR_CALL_EXTERN:
        return extern_call(cg, call);
    case IR_CALL_HALIDE:
    case IR_CALL_IMAGE:
        break;
    }
    internal_error(cg->ctx, "codegen: call to %s was not lowered to a Load", call->name);
}
