/* codegen_expr.c - expression nodes to LLVM values.
 *
 * Assumes: well-typed expressions (both operands of a binary node share its type), every
 * Variable bound in the scope, and Load names whose host pointer is in scope.
 *
 * Guarantees: the semantics of ir.h exactly, for scalars and vectors alike: Euclidean
 * integer division and modulo that give 0 for a zero divisor and never trap (the divisor
 * is guarded, so LLVM never sees division UB; MIN / -1 wraps to MIN); wrapping arithmetic
 * for unsigned and narrow signed types (no-signed-wrap flags only on signed 32/64-bit,
 * where overflow is undefined); float-to-int casts truncate and are frozen so that an
 * out-of-range value is an arbitrary number, never poison; bools live in memory as
 * bytes. Dense ramps load as one vector, broadcast indices as one scalar load (guarded
 * by any active lane when predicated), other vector indices gather.
 */
#include "codegen_internal.h"
#include "util/check.h"

#include <string.h>

/* ---- Arithmetic ------------------------------------------------------------------------ */

static bool nsw(hl_type t) { return ir_is_int(t) && t.bits >= 32; }

static LLVMValueRef arith(cg_state *cg, ir_kind kind, hl_type t, LLVMValueRef a, LLVMValueRef b) {
    LLVMBuilderRef B = cg->builder;
    if (ir_is_float(t)) {
        if (kind == IR_Add) return LLVMBuildFAdd(B, a, b, "");
        if (kind == IR_Sub) return LLVMBuildFSub(B, a, b, "");
        if (kind == IR_Mul) return LLVMBuildFMul(B, a, b, "");
    } else if (nsw(t)) {
        if (kind == IR_Add) return LLVMBuildNSWAdd(B, a, b, "");
        if (kind == IR_Sub) return LLVMBuildNSWSub(B, a, b, "");
        if (kind == IR_Mul) return LLVMBuildNSWMul(B, a, b, "");
    } else {
        if (kind == IR_Add) return LLVMBuildAdd(B, a, b, "");
        if (kind == IR_Sub) return LLVMBuildSub(B, a, b, "");
        if (kind == IR_Mul) return LLVMBuildMul(B, a, b, "");
    }
    internal_error(cg->ctx, "arith of %s", ir_kind_name(kind));
}

static LLVMValueRef float_const(cg_state *cg, hl_type t, double v) {
    LLVMValueRef c = LLVMConstReal(cg_llvm_type(cg, ir_element_of(t)), v);
    if (t.lanes <= 1) return c;
    LLVMValueRef elems[1024];
    internal_assert(cg->ctx, t.lanes <= 1024, "vector too wide");
    for (int i = 0; i < t.lanes; i++) elems[i] = c;
    return LLVMConstVector(elems, t.lanes);
}

/* Floor division (signed) or plain division (unsigned), 0 for a zero divisor. */
static LLVMValueRef int_div_mod(cg_state *cg, bool is_mod, hl_type t, LLVMValueRef a,
                                LLVMValueRef b) {
    LLVMBuilderRef B = cg->builder;
    LLVMValueRef zero = cg_const_int(cg, t, 0), one = cg_const_int(cg, t, 1);
    LLVMValueRef b_zero = LLVMBuildICmp(B, LLVMIntEQ, b, zero, "");
    if (ir_is_uint(t)) {
        LLVMValueRef safe = LLVMBuildSelect(B, b_zero, one, b, "");
        LLVMValueRef r = is_mod ? LLVMBuildURem(B, a, safe, "") : LLVMBuildUDiv(B, a, safe, "");
        return LLVMBuildSelect(B, b_zero, zero, r, "");
    }
    /* Signed: also guard MIN / -1 (dividing by 1 instead gives MIN and 0: the wrap). */
    LLVMValueRef minus_one = cg_const_int(cg, t, -1);
    LLVMValueRef min = cg_const_int(cg, t, ir_type_imin(t));
    LLVMValueRef overflow = LLVMBuildAnd(B, LLVMBuildICmp(B, LLVMIntEQ, a, min, ""),
                                         LLVMBuildICmp(B, LLVMIntEQ, b, minus_one, ""), "");
    LLVMValueRef safe =
        LLVMBuildSelect(B, LLVMBuildOr(B, b_zero, overflow, ""), one, b, "");
    LLVMValueRef q = LLVMBuildSDiv(B, a, safe, "");
    LLVMValueRef r = LLVMBuildSRem(B, a, safe, "");
    LLVMValueRef r_neg = LLVMBuildICmp(B, LLVMIntSLT, r, zero, "");
    LLVMValueRef b_pos = LLVMBuildICmp(B, LLVMIntSGT, safe, zero, "");
    LLVMValueRef result;
    if (is_mod) {
        /* r + |b| when r < 0 (wrapping: the true result is in [0, |b|)). */
        LLVMValueRef fixed = LLVMBuildSelect(B, b_pos, LLVMBuildAdd(B, r, safe, ""),
                                             LLVMBuildSub(B, r, safe, ""), "");
        result = LLVMBuildSelect(B, r_neg, fixed, r, "");
    } else {
        /* q - sign(b) when r < 0. */
        LLVMValueRef fixed = LLVMBuildSelect(B, b_pos, LLVMBuildSub(B, q, one, ""),
                                             LLVMBuildAdd(B, q, one, ""), "");
        result = LLVMBuildSelect(B, r_neg, fixed, q, "");
    }
    return LLVMBuildSelect(B, b_zero, zero, result, "");
}

static LLVMValueRef float_floor(cg_state *cg, LLVMValueRef x) {
    LLVMTypeRef t = LLVMTypeOf(x);
    return cg_call_intrinsic(cg, "llvm.floor", &t, 1, &x, 1);
}

static LLVMValueRef div_mod(cg_state *cg, bool is_mod, hl_type t, LLVMValueRef a, LLVMValueRef b) {
    if (!ir_is_float(t)) return int_div_mod(cg, is_mod, t, a, b);
    LLVMValueRef q = LLVMBuildFDiv(cg->builder, a, b, "");
    if (!is_mod) return q;
    /* a - b * floor(a / b) */
    return LLVMBuildFSub(cg->builder, a, LLVMBuildFMul(cg->builder, b, float_floor(cg, q), ""), "");
}

static LLVMValueRef min_max(cg_state *cg, bool is_max, hl_type t, LLVMValueRef a, LLVMValueRef b) {
    if (ir_is_float(t)) {
        LLVMValueRef c = LLVMBuildFCmp(cg->builder, is_max ? LLVMRealOGT : LLVMRealOLT, a, b, "");
        return LLVMBuildSelect(cg->builder, c, a, b, "");
    }
    const char *name = ir_is_int(t) ? (is_max ? "llvm.smax" : "llvm.smin")
                                    : (is_max ? "llvm.umax" : "llvm.umin");
    LLVMTypeRef ty = LLVMTypeOf(a);
    LLVMValueRef args[2] = {a, b};
    return cg_call_intrinsic(cg, name, &ty, 1, args, 2);
}

/* Predicates of EQ, NE, LT, LE, GT, GE, in that order (ORDER NODES). */
static const LLVMRealPredicate float_predicates[6] = {LLVMRealOEQ, LLVMRealUNE, LLVMRealOLT,
                                                      LLVMRealOLE, LLVMRealOGT, LLVMRealOGE};
static const LLVMIntPredicate signed_predicates[6] = {LLVMIntEQ,  LLVMIntNE,  LLVMIntSLT,
                                                      LLVMIntSLE, LLVMIntSGT, LLVMIntSGE};
static const LLVMIntPredicate unsigned_predicates[6] = {LLVMIntEQ,  LLVMIntNE,  LLVMIntULT,
                                                        LLVMIntULE, LLVMIntUGT, LLVMIntUGE};

static LLVMValueRef compare(cg_state *cg, ir_kind kind, hl_type t, LLVMValueRef a, LLVMValueRef b) {
    internal_assert(cg->ctx, kind >= IR_EQ && kind <= IR_GE, "not a comparison");
    int i = kind - IR_EQ;
    if (ir_is_float(t)) return LLVMBuildFCmp(cg->builder, float_predicates[i], a, b, "");
    const LLVMIntPredicate *p = ir_is_int(t) ? signed_predicates : unsigned_predicates;
    return LLVMBuildICmp(cg->builder, p[i], a, b, "");
}

/* ---- Casts -------------------------------------------------------------------------------- */

LLVMValueRef cg_convert(cg_state *cg, LLVMValueRef v, hl_type from, hl_type to) {
    LLVMBuilderRef B = cg->builder;
    LLVMTypeRef dst = cg_llvm_type(cg, to);
    if (ir_type_eq(from, to)) return v;
    if (ir_is_bool(to)) {
        if (ir_is_float(from))
            return LLVMBuildFCmp(B, LLVMRealUNE, v, LLVMConstNull(LLVMTypeOf(v)), "");
        return LLVMBuildICmp(B, LLVMIntNE, v, LLVMConstNull(LLVMTypeOf(v)), "");
    }
    if (ir_is_handle(from) || ir_is_handle(to)) {
        if (ir_is_handle(from) && ir_is_handle(to)) return v;
        if (ir_is_handle(from)) return LLVMBuildPtrToInt(B, v, dst, "");
        return LLVMBuildIntToPtr(B, v, dst, "");
    }
    if (!ir_is_float(from) && !ir_is_float(to)) {
        if (to.bits > from.bits)
            return ir_is_int(from) ? LLVMBuildSExt(B, v, dst, "") : LLVMBuildZExt(B, v, dst, "");
        if (to.bits < from.bits) return LLVMBuildTrunc(B, v, dst, "");
        return v;
    }
    if (!ir_is_float(from))
        return ir_is_int(from) ? LLVMBuildSIToFP(B, v, dst, "") : LLVMBuildUIToFP(B, v, dst, "");
    if (!ir_is_float(to)) {
        LLVMValueRef r = ir_is_int(to) ? LLVMBuildFPToSI(B, v, dst, "") : LLVMBuildFPToUI(B, v, dst, "");
        return LLVMBuildFreeze(B, r, "");
    }
    if (from.code != to.code && from.bits == to.bits) {
        /* bfloat16 <-> float16: through float32. */
        hl_type mid = hl_type_make(halide_type_float, 32, to.lanes);
        return cg_convert(cg, cg_convert(cg, v, from, mid), mid, to);
    }
    return to.bits > from.bits ? LLVMBuildFPExt(B, v, dst, "") : LLVMBuildFPTrunc(B, v, dst, "");
}

static LLVMValueRef reinterpret(cg_state *cg, LLVMValueRef v, hl_type from, hl_type to) {
    LLVMTypeRef dst = cg_llvm_type(cg, to);
    if (ir_is_handle(from) && !ir_is_handle(to)) return LLVMBuildPtrToInt(cg->builder, v, dst, "");
    if (!ir_is_handle(from) && ir_is_handle(to)) return LLVMBuildIntToPtr(cg->builder, v, dst, "");
    internal_assert(cg->ctx, from.bits * from.lanes == to.bits * to.lanes,
                    "reinterpret changes the number of bits");
    return LLVMBuildBitCast(cg->builder, v, dst, "");
}

/* ---- Vectors ------------------------------------------------------------------------------ */

static LLVMValueRef const_mask(cg_state *cg, const int32_t *idx, int n) {
    LLVMValueRef elems[1024];
    internal_assert(cg->ctx, n <= 1024, "vector too wide");
    for (int i = 0; i < n; i++) elems[i] = LLVMConstInt(cg->i32, (unsigned long long)idx[i], 0);
    return LLVMConstVector(elems, (unsigned)n);
}

/* Lanes i of v (k lanes) repeated n times: lane j of the result is v[j % k]. */
static LLVMValueRef repeat(cg_state *cg, LLVMValueRef v, int k, int n) {
    if (k == 1) return cg_splat(cg, v, n);
    int32_t *idx = ctx_alloc(cg->ctx, (size_t)(k * n) * sizeof *idx);
    for (int i = 0; i < k * n; i++) idx[i] = i % k;
    return LLVMBuildShuffleVector(cg->builder, v, LLVMGetPoison(LLVMTypeOf(v)),
                                  const_mask(cg, idx, k * n), "");
}

static LLVMValueRef ramp(cg_state *cg, const ir_node *e) {
    hl_type t = e->type;
    int k = e->kids[0]->type.lanes, n = t.lanes / k;
    LLVMValueRef base = repeat(cg, cg_expr(cg, e->kids[0]), k, n);
    LLVMValueRef stride = repeat(cg, cg_expr(cg, e->kids[1]), k, n);
    LLVMValueRef steps;
    if (ir_is_float(t)) {
        LLVMValueRef elems[1024];
        internal_assert(cg->ctx, t.lanes <= 1024, "vector too wide");
        for (int i = 0; i < t.lanes; i++)
            elems[i] = LLVMConstReal(cg_llvm_type(cg, ir_element_of(t)), (double)(i / k));
        steps = LLVMConstVector(elems, t.lanes);
    } else {
        LLVMValueRef elems[1024];
        internal_assert(cg->ctx, t.lanes <= 1024, "vector too wide");
        for (int i = 0; i < t.lanes; i++)
            elems[i] = LLVMConstInt(cg_llvm_type(cg, ir_element_of(t)), (unsigned long long)(i / k), 0);
        steps = LLVMConstVector(elems, t.lanes);
    }
    return arith(cg, IR_Add, t, base, arith(cg, IR_Mul, t, stride, steps));
}

static LLVMValueRef shuffle(cg_state *cg, const ir_node *e) {
    int n = e->type.lanes;
    LLVMValueRef vals[64];
    internal_assert(cg->ctx, e->nkids <= 64, "shuffle of too many vectors");
    for (int i = 0; i < e->nkids; i++) vals[i] = cg_expr(cg, e->kids[i]);
    int k0 = e->kids[0]->type.lanes;
    if (e->nkids == 1 && k0 > 1 && n > 1)
        return LLVMBuildShuffleVector(cg->builder, vals[0], LLVMGetPoison(LLVMTypeOf(vals[0])),
                                      const_mask(cg, e->indices, n), "");
    if (e->nkids == 2 && k0 > 1 && n > 1 && ir_type_eq(e->kids[0]->type, e->kids[1]->type))
        return LLVMBuildShuffleVector(cg->builder, vals[0], vals[1],
                                      const_mask(cg, e->indices, n), "");
    /* General case: lane by lane (LLVM's instcombine forms shuffles again). */
    LLVMValueRef result = n > 1 ? LLVMGetPoison(cg_llvm_type(cg, e->type)) : NULL;
    for (int i = 0; i < n; i++) {
        int idx = e->indices[i], kid = 0;
        while (kid < e->nkids && idx >= e->kids[kid]->type.lanes) idx -= e->kids[kid++]->type.lanes;
        internal_assert(cg->ctx, kid < e->nkids, "shuffle index out of range");
        LLVMValueRef lane = e->kids[kid]->type.lanes == 1
                                ? vals[kid]
                                : LLVMBuildExtractElement(cg->builder, vals[kid],
                                                          LLVMConstInt(cg->i32, (unsigned)idx, 0), "");
        if (n == 1) return lane;
        result = LLVMBuildInsertElement(cg->builder, result, lane,
                                        LLVMConstInt(cg->i32, (unsigned)i, 0), "");
    }
    return result;
}

/* ---- Loads -------------------------------------------------------------------------------- */

/* The terms of a scalar int32 index made of no-overflow (nsw) adds. */
static void index_terms(LLVMValueRef v, LLVMValueRef *terms, int *n, int max, int depth) {
    if (depth < 4 && *n + 2 <= max && LLVMIsAInstruction(v) && LLVMGetInstructionOpcode(v) == LLVMAdd &&
        LLVMGetNSW(v)) {
        index_terms(LLVMGetOperand(v, 0), terms, n, max, depth + 1);
        index_terms(LLVMGetOperand(v, 1), terms, n, max, depth + 1);
    } else {
        terms[(*n)++] = v;
    }
}

LLVMValueRef cg_element_address(cg_state *cg, const char *name, hl_type elem, LLVMValueRef index) {
    LLVMValueRef host = cg_scope_get(cg, name);
    return LLVMBuildGEP2(cg->builder, cg_storage_type(cg, ir_element_of(elem)), host, &index, 1, "");
}

/* The address of one element (a scalar access): an index a + b + ... (int32, nsw) is
 * addressed as one step per term, each widened on its own, so LLVM hoists the loop-invariant
 * steps and widens the loop variable's instead of sign-extending the sum in the inner loop
 * (a histogram's scattered updates run 1.5x faster). Vector accesses keep one step: there the
 * split measured slower (a tiled matrix product, 1.2x). */
LLVMValueRef cg_scalar_element_address(cg_state *cg, const char *name, hl_type elem, LLVMValueRef index) {
    LLVMValueRef host = cg_scope_get(cg, name);
    LLVMTypeRef et = cg_storage_type(cg, ir_element_of(elem));
    if (LLVMGetTypeKind(LLVMTypeOf(index)) != LLVMIntegerTypeKind || LLVMGetIntTypeWidth(LLVMTypeOf(index)) != 32)
        return LLVMBuildGEP2(cg->builder, et, host, &index, 1, "");
    LLVMValueRef terms[8];
    int n = 0;
    index_terms(index, terms, &n, 8, 0);
    LLVMValueRef p = host;
    for (int i = 0; i < n; i++) {
        LLVMValueRef wide = LLVMBuildSExt(cg->builder, terms[i], cg->i64, "");
        p = LLVMBuildGEP2(cg->builder, et, p, &wide, 1, "");
    }
    return p;
}

static unsigned elem_align(hl_type t) { return ir_is_bool(t) ? 1 : (t.bits + 7) / 8; }

static bool is_true(const ir_node *p) { return !p || ir_is_one(p); }

/* Memory value (bools as bytes) to register value. */
static LLVMValueRef from_storage(cg_state *cg, LLVMValueRef v, hl_type t) {
    return ir_is_bool(t) ? LLVMBuildTrunc(cg->builder, v, cg_llvm_type(cg, t), "") : v;
}

/* One element of the Load e (whatever its lanes) at a scalar index. */
static LLVMValueRef scalar_load(cg_state *cg, const ir_node *e, LLVMValueRef index) {
    hl_type t = ir_element_of(e->type);
    LLVMValueRef addr = cg_scalar_element_address(cg, e->name, t, index);
    LLVMValueRef ld = LLVMBuildLoad2(cg->builder, cg_storage_type(cg, t), addr, "");
    LLVMSetAlignment(ld, elem_align(t));
    cg_tag_access(cg, ld, e->name);
    return from_storage(cg, ld, t);
}

/* One element of the Load e at a scalar index when the scalar bool p holds, else 0: a
 * branch around the load. */
static LLVMValueRef guarded_scalar_load(cg_state *cg, const ir_node *e, LLVMValueRef index,
                                        LLVMValueRef p) {
    hl_type t = ir_element_of(e->type);
    LLVMBasicBlockRef from = LLVMGetInsertBlock(cg->builder);
    LLVMBasicBlockRef yes = cg_new_block(cg, "load_if"), done = cg_new_block(cg, "load_done");
    LLVMBuildCondBr(cg->builder, p, yes, done);
    LLVMPositionBuilderAtEnd(cg->builder, yes);
    LLVMValueRef v = scalar_load(cg, e, index);
    LLVMBasicBlockRef yes_end = LLVMGetInsertBlock(cg->builder);
    LLVMBuildBr(cg->builder, done);
    LLVMPositionBuilderAtEnd(cg->builder, done);
    LLVMValueRef phi = LLVMBuildPhi(cg->builder, cg_llvm_type(cg, t), "");
    LLVMValueRef in_vals[2] = {v, LLVMConstNull(cg_llvm_type(cg, t))};
    LLVMBasicBlockRef in_blocks[2] = {yes_end, from};
    LLVMAddIncoming(phi, in_vals, in_blocks, 2);
    return phi;
}

static LLVMValueRef load(cg_state *cg, const ir_node *e) {
    hl_type t = e->type;
    const ir_node *index = e->kids[0], *pred = e->kids[1];
    LLVMTypeRef st = cg_storage_type(cg, t);
    if (t.lanes == 1) {
        LLVMValueRef idx = cg_expr(cg, index);
        if (is_true(pred)) return scalar_load(cg, e, idx);
        return guarded_scalar_load(cg, e, idx, cg_expr(cg, pred));
    }
    if (index->kind == IR_Broadcast && index->kids[0]->type.lanes == 1) {
        /* Every lane reads one element: one scalar load (when any lane is active) and a
         * splat, the inactive lanes 0 as a masked load gives them, never a gather. */
        LLVMValueRef idx = cg_expr(cg, index->kids[0]);
        if (is_true(pred)) return cg_splat(cg, scalar_load(cg, e, idx), t.lanes);
        LLVMValueRef p = cg_expr(cg, pred);
        if (pred->type.lanes == 1) return cg_splat(cg, guarded_scalar_load(cg, e, idx, p), t.lanes);
        LLVMTypeRef mask_type = LLVMTypeOf(p);
        LLVMValueRef any = cg_call_intrinsic(cg, "llvm.vector.reduce.or", &mask_type, 1, &p, 1);
        LLVMValueRef v = cg_splat(cg, guarded_scalar_load(cg, e, idx, any), t.lanes);
        return LLVMBuildSelect(cg->builder, p, v, LLVMConstNull(cg_llvm_type(cg, t)), "");
    }

    LLVMValueRef mask = NULL;
    if (!is_true(pred)) {
        mask = cg_expr(cg, pred);
        if (pred->type.lanes == 1) mask = cg_splat(cg, mask, t.lanes);
    }
    LLVMValueRef align = LLVMConstInt(cg->i32, elem_align(t), 0);
    LLVMValueRef v;
    if (index->kind == IR_Ramp && index->kids[0]->type.lanes == 1 && ir_is_one(index->kids[1])) {
        LLVMValueRef addr = cg_element_address(cg, e->name, t, cg_expr(cg, index->kids[0]));
        if (!mask) {
            v = LLVMBuildLoad2(cg->builder, st, addr, "");
            LLVMSetAlignment(v, elem_align(t));
        } else {
            LLVMTypeRef ov[2] = {st, cg->ptr};
            LLVMValueRef args[4] = {addr, align, mask, LLVMConstNull(st)};
            v = cg_call_intrinsic(cg, "llvm.masked.load", ov, 2, args, 4);
        }
    } else {
        LLVMValueRef ptrs = cg_element_address(cg, e->name, t, cg_expr(cg, index));
        if (!mask) mask = cg_const_int(cg, hl_type_make(halide_type_uint, 1, t.lanes), 1);
        LLVMTypeRef ov[2] = {st, LLVMTypeOf(ptrs)};
        LLVMValueRef args[4] = {ptrs, align, mask, LLVMConstNull(st)};
        v = cg_call_intrinsic(cg, "llvm.masked.gather", ov, 2, args, 4);
    }
    cg_tag_access(cg, v, e->name);
    return from_storage(cg, v, t);
}

/* ---- Dispatch ---------------------------------------------------------------------------- */

static LLVMValueRef binary_operands(cg_state *cg, const ir_node *e, LLVMValueRef *b) {
    LLVMValueRef a = cg_expr(cg, e->kids[0]);
    *b = cg_expr(cg, e->kids[1]);
    return a;
}

/* And/Or may mix a scalar and a vector bool: splat the scalar. */
static void match_lanes(cg_state *cg, const ir_node *e, LLVMValueRef *a, LLVMValueRef *b) {
    int la = e->kids[0]->type.lanes, lb = e->kids[1]->type.lanes;
    if (la < lb) *a = cg_splat(cg, *a, lb);
    if (lb < la) *b = cg_splat(cg, *b, la);
}

static LLVMValueRef expr(cg_state *cg, const ir_node *e) {
    LLVMBuilderRef B = cg->builder;
    LLVMValueRef a, b;
    switch ((ir_kind)e->kind) {
    case IR_IntImm:
        return cg_const_int(cg, e->type, e->imm.i);
    case IR_UIntImm:
        return cg_const_int(cg, e->type, (int64_t)e->imm.u);
    case IR_FloatImm:
        return float_const(cg, e->type, e->imm.f);
    case IR_StringImm:
        return LLVMBuildGlobalString(B, e->name, "str");
    case IR_Cast:
        return cg_convert(cg, cg_expr(cg, e->kids[0]), e->kids[0]->type, e->type);
    case IR_Reinterpret:
        return reinterpret(cg, cg_expr(cg, e->kids[0]), e->kids[0]->type, e->type);
    case IR_Variable:
        return cg_scope_get(cg, e->name);
    case IR_Add:
    case IR_Sub:
    case IR_Mul:
        a = binary_operands(cg, e, &b);
        return arith(cg, (ir_kind)e->kind, e->type, a, b);
    case IR_Div:
    case IR_Mod:
        a = binary_operands(cg, e, &b);
        return div_mod(cg, e->kind == IR_Mod, e->type, a, b);
    case IR_Min:
    case IR_Max:
        a = binary_operands(cg, e, &b);
        return min_max(cg, e->kind == IR_Max, e->type, a, b);
    case IR_EQ:
    case IR_NE:
    case IR_LT:
    case IR_LE:
    case IR_GT:
    case IR_GE:
        a = binary_operands(cg, e, &b);
        return compare(cg, (ir_kind)e->kind, e->kids[0]->type, a, b);
    case IR_And:
    case IR_Or:
        a = binary_operands(cg, e, &b);
        match_lanes(cg, e, &a, &b);
        return e->kind == IR_And ? LLVMBuildAnd(B, a, b, "") : LLVMBuildOr(B, a, b, "");
    case IR_Not:
        return LLVMBuildNot(B, cg_expr(cg, e->kids[0]), "");
    case IR_Select: {
        LLVMValueRef c = cg_expr(cg, e->kids[0]);
        a = cg_expr(cg, e->kids[1]);
        b = cg_expr(cg, e->kids[2]);
        return LLVMBuildSelect(B, c, a, b, "");
    }
    case IR_Load:
        return load(cg, e);
    case IR_Ramp:
        return ramp(cg, e);
    case IR_Broadcast: {
        int k = e->kids[0]->type.lanes;
        return repeat(cg, cg_expr(cg, e->kids[0]), k, e->type.lanes / k);
    }
    case IR_Let: {
        cg_scope_push(cg, e->name, cg_expr(cg, e->kids[0]));
        LLVMValueRef v = cg_expr(cg, e->kids[1]);
        cg_scope_pop(cg);
        return v;
    }
    case IR_Call:
        return cg_call(cg, e);
    case IR_Shuffle:
        return shuffle(cg, e);
    case IR_LetStmt:
    case IR_AssertStmt:
    case IR_ProducerConsumer:
    case IR_For:
    case IR_Store:
    case IR_Provide:
    case IR_Allocate:
    case IR_Free:
    case IR_Realize:
    case IR_Block:
    case IR_IfThenElse:
    case IR_Evaluate:
        break;
    }
    internal_error(cg->ctx, "codegen: %s is not an expression", ir_kind_name((ir_kind)e->kind));
}

LLVMValueRef cg_expr(cg_state *cg, const ir_node *e) {
    internal_assert(cg->ctx, e, "codegen of a missing expression");
    ctx_enter(cg->ctx);
    LLVMValueRef v = expr(cg, e);
    ctx_leave(cg->ctx);
    return v;
}
