/* codegen_atomic.c - Stores of atomic() update stages: one atomic read-modify-write each.
 *
 * A Store with op set (an update scheduled atomic(): storage_flattening.c marks it) writes
 * value = F(old) where old is the Load of the same buffer at the same index. It becomes:
 *   - an LLVM atomicrmw when F is old + e, old - e (integers, floats for +) or min/max of
 *     old and e (integers): the common reductions, one instruction;
 *   - otherwise a compare-and-swap loop: read old, compute F(old), cmpxchg, retry with
 *     the value found when another thread got there first.
 * A vector store (the update vectorized over an RVar) runs lane by lane, in lane order, so
 * lanes that hit the same element (a histogram's bins) all count; its predicate masks lanes.
 * The whole vector of e is computed once; a compare-and-swap lane recomputes F over the
 * vector with old broadcast and takes its lane (rare: non-trivial atomic updates).
 *
 * Assumes: the value reads its own element only through Loads with the same index
 * expression as the Store (update.c and func_check_atomic make that so). Guarantees:
 * monotonic ordering per element (the end of halide_do_par_for orders the results).
 */
#include "codegen_internal.h"
#include "util/check.h"

#include <string.h>

#define OLD_NAME "atomic.old"

static bool is_old(const ir_node *n, const ir_node *store) {
    return n->kind == IR_Load && !strcmp(n->name, store->name) && ir_equal(n->kids[0], store->kids[1]);
}

/* Whether value is old op e for an atomicrmw op; sets op and e. */
static bool rmw_form(const ir_node *value, const ir_node *store, LLVMAtomicRMWBinOp *op, const ir_node **e) {
    hl_type t = value->type;
    bool fl = ir_is_float(t), un = ir_is_uint(t);
    if (ir_is_bool(t) || (fl && value->kind != IR_Add)) return false;
    int other;
    if (is_old(value->kids[0], store)) other = 1;
    else if (value->kind != IR_Sub && value->nkids == 2 && is_old(value->kids[1], store)) other = 0;
    else return false;
    switch ((int)value->kind) {
    case IR_Add: *op = fl ? LLVMAtomicRMWBinOpFAdd : LLVMAtomicRMWBinOpAdd; break;
    case IR_Sub: *op = LLVMAtomicRMWBinOpSub; break;
    case IR_Min: *op = un ? LLVMAtomicRMWBinOpUMin : LLVMAtomicRMWBinOpMin; break;
    case IR_Max: *op = un ? LLVMAtomicRMWBinOpUMax : LLVMAtomicRMWBinOpMax; break;
    default: return false;
    }
    *e = value->kids[other];
    return true;
}

static ir_node *replace_old(ir_mutator *m, ir_node *n) {
    const ir_node *store = m->state;
    if (is_old(n, store)) return ir_var(m->ctx, n->type, OLD_NAME);
    return ir_mutate_kids(m, n);
}

static LLVMValueRef lane(cg_state *cg, LLVMValueRef v, int lanes, int l) {
    return lanes == 1 ? v : LLVMBuildExtractElement(cg->builder, v, LLVMConstInt(cg->i32, (unsigned)l, 0), "");
}

/* F(old) by compare-and-swap at addr; value_of_old is F with old as the Variable OLD_NAME. */
static void cas_loop(cg_state *cg, const ir_node *value_of_old, hl_type elem, LLVMValueRef addr, int lanes, int l) {
    LLVMBuilderRef B = cg->builder;
    unsigned bytes = ir_is_bool(elem) ? 1 : (unsigned)(elem.bits + 7) / 8;
    LLVMTypeRef mem = cg_storage_type(cg, elem), bits = LLVMIntTypeInContext(cg->llctx, bytes * 8);
    LLVMValueRef first = LLVMBuildLoad2(B, bits, addr, "atomic.first");
    LLVMSetOrdering(first, LLVMAtomicOrderingMonotonic);
    LLVMSetAlignment(first, bytes);
    LLVMBasicBlockRef from = LLVMGetInsertBlock(B), loop = cg_new_block(cg, "cas_loop"),
                      done = cg_new_block(cg, "cas_done");
    LLVMBuildBr(B, loop);
    LLVMPositionBuilderAtEnd(B, loop);
    LLVMValueRef old_bits = LLVMBuildPhi(B, bits, "atomic.old");
    LLVMValueRef old = LLVMBuildBitCast(B, old_bits, mem, "");
    if (ir_is_bool(elem)) old = LLVMBuildTrunc(B, old, cg->i1, "");
    cg_scope_push(cg, OLD_NAME, cg_splat(cg, old, lanes));
    LLVMValueRef result = lane(cg, cg_expr(cg, value_of_old), lanes, l);
    cg_scope_pop(cg);
    if (ir_is_bool(elem)) result = LLVMBuildZExt(B, result, cg->i8, "");
    LLVMValueRef new_bits = LLVMBuildBitCast(B, result, bits, "");
    LLVMValueRef pair = LLVMBuildAtomicCmpXchg(B, addr, old_bits, new_bits, LLVMAtomicOrderingMonotonic,
                                               LLVMAtomicOrderingMonotonic, 0);
    LLVMSetAlignment(pair, bytes);
    LLVMValueRef seen = LLVMBuildExtractValue(B, pair, 0, ""), ok = LLVMBuildExtractValue(B, pair, 1, "");
    LLVMValueRef in_vals[2] = {first, seen};
    LLVMBasicBlockRef in_blocks[2] = {from, LLVMGetInsertBlock(B)};
    LLVMAddIncoming(old_bits, in_vals, in_blocks, 2);
    LLVMBuildCondBr(B, ok, done, loop);
    LLVMPositionBuilderAtEnd(B, done);
}

void cg_atomic_store(cg_state *cg, const ir_node *s) {
    LLVMBuilderRef B = cg->builder;
    const ir_node *value = s->kids[0], *index = s->kids[1], *pred = s->kids[2];
    hl_type t = value->type, elem = t;
    elem.lanes = 1;
    int lanes = t.lanes;
    LLVMAtomicRMWBinOp op;
    const ir_node *e = NULL;
    bool rmw = rmw_form(value, s, &op, &e);
    ir_mutator m = {cg->ctx, replace_old, (void *)s};
    const ir_node *value_of_old = rmw ? NULL : ir_mutate(&m, (ir_node *)value);
    LLVMValueRef ev = rmw ? cg_expr(cg, e) : NULL;
    if (rmw && e->type.lanes != lanes) ev = cg_splat(cg, ev, lanes);
    LLVMValueRef iv = cg_expr(cg, index);
    if (index->type.lanes != lanes) iv = cg_splat(cg, iv, lanes);
    LLVMValueRef mask = pred && !ir_is_one(pred) ? cg_expr(cg, pred) : NULL;
    if (mask && pred->type.lanes != lanes) mask = cg_splat(cg, mask, lanes);
    for (int l = 0; l < lanes; l++) {
        LLVMBasicBlockRef skip = NULL;
        if (mask) {
            LLVMBasicBlockRef yes = cg_new_block(cg, "atomic_lane");
            skip = cg_new_block(cg, "atomic_next");
            LLVMBuildCondBr(B, lane(cg, mask, lanes, l), yes, skip);
            LLVMPositionBuilderAtEnd(B, yes);
        }
        LLVMValueRef addr = cg_scalar_element_address(cg, s->name, elem, lane(cg, iv, lanes, l));
        if (rmw) {
            LLVMValueRef r = LLVMBuildAtomicRMW(B, op, addr, lane(cg, ev, lanes, l), LLVMAtomicOrderingMonotonic, 0);
            LLVMSetAlignment(r, (unsigned)(elem.bits + 7) / 8);
        } else {
            cas_loop(cg, value_of_old, elem, addr, lanes, l);
        }
        if (skip) {
            LLVMBuildBr(B, skip);
            LLVMPositionBuilderAtEnd(B, skip);
        }
    }
}
