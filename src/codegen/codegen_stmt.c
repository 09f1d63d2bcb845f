/* codegen_stmt.c - statement nodes to LLVM control flow.
 *
 * Assumes: a lowered statement: no Provide or Realize remains; Allocate extents are
 * integers; an AssertStmt's message is an int32 expression (an error code, usually from a
 * runtime halide_error_* call) or, failing that, a string, reported through
 * halide_error_explicit_condition_failed.
 *
 * Guarantees: parallel loops go to codegen_parallel.c; loops of every other ir_for_type
 * run serially here; an empty or negative extent runs no iteration. A failed assertion returns its
 * code from the function after freeing every heap allocation live at that point. Small
 * constant-size allocations go on the stack (entry block, so loops do not grow the
 * stack); others through halide_malloc, checked for size overflow and failure
 * (halide_error_out_of_memory), and freed by Free or at the end of their scope. Loads and
 * stores of distinct buffers carry distinct alias tags.
 */
#include "codegen_internal.h"
#include "util/check.h"

#include <string.h>

/* Constant-size allocations up to this many bytes live on the stack. */
#define STACK_ALLOCATION_LIMIT (16 * 1024)
/* Extra bytes after every allocation: vector code may read a little past the end. */
#define ALLOCATION_PADDING 64

static bool is_true(const ir_node *p) { return !p || ir_is_one(p); }

static unsigned elem_bytes(hl_type t) { return ir_is_bool(t) ? 1 : (t.bits + 7) / 8; }

/* ---- Store -------------------------------------------------------------------------------- */

static void tagged_store(cg_state *cg, LLVMValueRef v, LLVMValueRef addr, unsigned align,
                         const char *buffer) {
    LLVMValueRef st = LLVMBuildStore(cg->builder, v, addr);
    LLVMSetAlignment(st, align);
    cg_tag_access(cg, st, buffer);
}

static void store(cg_state *cg, const ir_node *s) {
    if (s->op) {
        cg_atomic_store(cg, s);
        return;
    }
    const ir_node *value = s->kids[0], *index = s->kids[1], *pred = s->kids[2];
    hl_type t = value->type;
    LLVMValueRef v = cg_expr(cg, value);
    if (ir_is_bool(t)) v = LLVMBuildZExt(cg->builder, v, cg_storage_type(cg, t), "");
    unsigned align = elem_bytes(t);
    if (t.lanes == 1) {
        LLVMValueRef addr = cg_scalar_element_address(cg, s->name, t, cg_expr(cg, index));
        if (is_true(pred)) {
            tagged_store(cg, v, addr, align, s->name);
            return;
        }
        LLVMBasicBlockRef yes = cg_new_block(cg, "store_if"), done = cg_new_block(cg, "store_done");
        LLVMBuildCondBr(cg->builder, cg_expr(cg, pred), yes, done);
        LLVMPositionBuilderAtEnd(cg->builder, yes);
        tagged_store(cg, v, addr, align, s->name);
        LLVMBuildBr(cg->builder, done);
        LLVMPositionBuilderAtEnd(cg->builder, done);
        return;
    }
    LLVMValueRef mask = NULL;
    if (!is_true(pred)) {
        mask = cg_expr(cg, pred);
        if (pred->type.lanes == 1) mask = cg_splat(cg, mask, t.lanes);
    }
    LLVMValueRef align_v = LLVMConstInt(cg->i32, align, 0);
    LLVMTypeRef vt = LLVMTypeOf(v);
    LLVMValueRef inst;
    if (index->kind == IR_Ramp && index->kids[0]->type.lanes == 1 && ir_is_one(index->kids[1])) {
        LLVMValueRef addr = cg_element_address(cg, s->name, t, cg_expr(cg, index->kids[0]));
        if (!mask) {
            tagged_store(cg, v, addr, align, s->name);
            return;
        }
        LLVMTypeRef ov[2] = {vt, cg->ptr};
        LLVMValueRef args[4] = {v, addr, align_v, mask};
        inst = cg_call_intrinsic(cg, "llvm.masked.store", ov, 2, args, 4);
    } else {
        LLVMValueRef ptrs = cg_element_address(cg, s->name, t, cg_expr(cg, index));
        if (!mask) mask = cg_const_int(cg, hl_type_make(halide_type_uint, 1, t.lanes), 1);
        LLVMTypeRef ov[2] = {vt, LLVMTypeOf(ptrs)};
        LLVMValueRef args[4] = {v, ptrs, align_v, mask};
        inst = cg_call_intrinsic(cg, "llvm.masked.scatter", ov, 2, args, 4);
    }
    cg_tag_access(cg, inst, s->name);
}

/* ---- Allocate / Free ---------------------------------------------------------------------- */

static LLVMValueRef stack_allocation(cg_state *cg, int64_t bytes) {
    return cg_entry_alloca(cg, LLVMArrayType2(cg->i8, (uint64_t)bytes + ALLOCATION_PADDING), 64);
}

static void push_live_alloc(cg_state *cg, const char *name, LLVMValueRef ptr) {
    if (cg->allocs_len == cg->allocs_cap) {
        int cap = cg->allocs_cap ? cg->allocs_cap * 2 : 16;
        cg_live_alloc *grown = ctx_alloc(cg->ctx, (size_t)cap * sizeof *grown);
        if (cg->allocs_len) memcpy(grown, cg->allocs, (size_t)cg->allocs_len * sizeof *grown);
        cg->allocs = grown;
        cg->allocs_cap = cap;
    }
    cg->allocs[cg->allocs_len++] = (cg_live_alloc){name, ptr, false};
}

static void emit_free(cg_state *cg, cg_live_alloc *a) {
    LLVMValueRef args[2] = {cg->user_context, a->ptr};
    cg_call_c(cg, "halide_free", cg->void_t, args, 2, false);
    a->freed = true;
}

static LLVMValueRef heap_allocation(cg_state *cg, const ir_node *s) {
    LLVMBuilderRef B = cg->builder;
    hl_type i64 = ir_int(64);
    LLVMValueRef size = LLVMConstInt(cg->i64, elem_bytes(s->type), 0);
    LLVMValueRef overflow = LLVMConstInt(cg->i1, 0, 0);
    LLVMTypeRef i64t = cg->i64;
    for (int i = 2; i < s->nkids; i++) {
        LLVMValueRef ext = cg_convert(cg, cg_expr(cg, s->kids[i]), s->kids[i]->type, i64);
        LLVMValueRef args[2] = {size, ext};
        LLVMValueRef r = cg_call_intrinsic(cg, "llvm.smul.with.overflow", &i64t, 1, args, 2);
        size = LLVMBuildExtractValue(B, r, 0, "");
        overflow = LLVMBuildOr(B, overflow, LLVMBuildExtractValue(B, r, 1, ""), "");
    }
    /* A negative product (a negative extent) is an impossible size too, and so is one
     * that does not fit a 32-bit target's size_t (Halide's limit there: 2^31 - 1). */
    LLVMValueRef zero = LLVMConstInt(cg->i64, 0, 0);
    overflow = LLVMBuildOr(B, overflow, LLVMBuildICmp(B, LLVMIntSLT, size, zero, ""), "");
    unsigned size_bits = LLVMGetIntTypeWidth(cg->intptr);
    if (size_bits < 64) {
        LLVMValueRef max = LLVMConstInt(cg->i64, (1ull << (size_bits - 1)) - 1, 0);
        overflow = LLVMBuildOr(B, overflow, LLVMBuildICmp(B, LLVMIntSGT, size, max, ""), "");
    }
    LLVMValueRef wanted = s->kids[1] && !is_true(s->kids[1]) ? cg_expr(cg, s->kids[1])
                                                              : LLVMConstInt(cg->i1, 1, 0);
    size = LLVMBuildSelect(B, LLVMBuildAnd(B, wanted, LLVMBuildNot(B, overflow, ""), ""), size,
                           zero, "");
    /* halide_malloc takes a size_t. */
    LLVMValueRef margs[2] = {cg->user_context,
                             size_bits < 64 ? LLVMBuildTrunc(B, size, cg->intptr, "") : size};
    LLVMValueRef ptr = cg_call_c(cg, "halide_malloc", cg->ptr, margs, 2, false);
    push_live_alloc(cg, s->name, ptr);
    LLVMValueRef failed = LLVMBuildAnd(B, LLVMBuildIsNull(B, ptr, ""),
                                       LLVMBuildICmp(B, LLVMIntNE, size, zero, ""), "");
    failed = LLVMBuildOr(B, failed, LLVMBuildAnd(B, wanted, overflow, ""), "");
    LLVMBasicBlockRef fail = cg_new_block(cg, "malloc_failed"), ok = cg_new_block(cg, "malloc_ok");
    LLVMBuildCondBr(B, failed, fail, ok);
    LLVMPositionBuilderAtEnd(B, fail);
    cg_return_error(cg, cg_call_c(cg, "halide_error_out_of_memory", cg->i32, &cg->user_context, 1,
                                  false));
    LLVMPositionBuilderAtEnd(B, ok);
    return ptr;
}

static bool constant_size(const ir_node *s, int64_t *bytes) {
    int64_t total = elem_bytes(s->type);
    for (int i = 2; i < s->nkids; i++) {
        int64_t e;
        if (!ir_const_int(s->kids[i], &e) || e < 0 || e > STACK_ALLOCATION_LIMIT) return false;
        total *= e;
        if (total > STACK_ALLOCATION_LIMIT) return false;
    }
    *bytes = total;
    return true;
}

static void allocate(cg_state *cg, const ir_node *s) {
    int64_t bytes;
    bool on_stack = constant_size(s, &bytes) && is_true(s->kids[1]);
    int live_index = cg->allocs_len;
    LLVMValueRef ptr = on_stack ? stack_allocation(cg, bytes) : heap_allocation(cg, s);
    cg_scope_push(cg, s->name, ptr);
    cg_stmt(cg, s->kids[0]);
    cg_scope_pop(cg);
    if (!on_stack) {
        internal_assert(cg->ctx, cg->allocs_len == live_index + 1, "allocation stack mismatch");
        if (!cg->allocs[live_index].freed) emit_free(cg, &cg->allocs[live_index]);
        cg->allocs_len = live_index;
    }
}

static void free_buffer(cg_state *cg, const ir_node *s) {
    for (int i = cg->allocs_len - 1; i >= 0; i--) {
        if (strcmp(cg->allocs[i].name, s->name)) continue;
        if (!cg->allocs[i].freed) emit_free(cg, &cg->allocs[i]);
        return;
    }
    /* A stack allocation: nothing to do. */
}

/* ---- Control flow ------------------------------------------------------------------------- */

static void for_loop(cg_state *cg, const ir_node *s) {
    LLVMBuilderRef B = cg->builder;
    hl_type t = s->kids[0]->type;
    bool is_signed = ir_is_int(t);
    LLVMValueRef min = cg_expr(cg, s->kids[0]);
    LLVMValueRef extent = cg_convert(cg, cg_expr(cg, s->kids[1]), s->kids[1]->type, t);
    LLVMValueRef end = is_signed ? LLVMBuildNSWAdd(B, min, extent, "") : LLVMBuildAdd(B, min, extent, "");
    LLVMIntPredicate lt = is_signed ? LLVMIntSLT : LLVMIntULT;
    LLVMBasicBlockRef pre = LLVMGetInsertBlock(B);
    LLVMBasicBlockRef body = cg_new_block(cg, s->name), after = cg_new_block(cg, "end_for");
    LLVMBuildCondBr(B, LLVMBuildICmp(B, lt, min, end, ""), body, after);
    LLVMPositionBuilderAtEnd(B, body);
    LLVMValueRef phi = LLVMBuildPhi(B, LLVMTypeOf(min), s->name);
    cg_scope_push(cg, s->name, phi);
    cg_stmt(cg, s->kids[2]);
    cg_scope_pop(cg);
    LLVMValueRef one = LLVMConstInt(LLVMTypeOf(min), 1, 0);
    LLVMValueRef next = is_signed ? LLVMBuildNSWAdd(B, phi, one, "") : LLVMBuildAdd(B, phi, one, "");
    LLVMBasicBlockRef latch = LLVMGetInsertBlock(B);
    LLVMValueRef in_vals[2] = {min, next};
    LLVMBasicBlockRef in_blocks[2] = {pre, latch};
    LLVMAddIncoming(phi, in_vals, in_blocks, 2);
    LLVMBuildCondBr(B, LLVMBuildICmp(B, lt, next, end, ""), body, after);
    LLVMPositionBuilderAtEnd(B, after);
}

static void if_then_else(cg_state *cg, const ir_node *s) {
    LLVMBuilderRef B = cg->builder;
    LLVMValueRef c = cg_expr(cg, s->kids[0]);
    LLVMBasicBlockRef then_b = cg_new_block(cg, "then");
    LLVMBasicBlockRef else_b = s->kids[2] ? cg_new_block(cg, "else") : NULL;
    LLVMBasicBlockRef done = cg_new_block(cg, "endif");
    LLVMBuildCondBr(B, c, then_b, else_b ? else_b : done);
    LLVMPositionBuilderAtEnd(B, then_b);
    cg_stmt(cg, s->kids[1]);
    LLVMBuildBr(B, done);
    if (else_b) {
        LLVMPositionBuilderAtEnd(B, else_b);
        cg_stmt(cg, s->kids[2]);
        LLVMBuildBr(B, done);
    }
    LLVMPositionBuilderAtEnd(B, done);
}

static void assert_stmt(cg_state *cg, const ir_node *s) {
    LLVMBuilderRef B = cg->builder;
    LLVMValueRef c = cg_expr(cg, s->kids[0]);
    LLVMBasicBlockRef ok = cg_new_block(cg, "assert_ok"), fail = cg_new_block(cg, "assert_failed");
    LLVMBuildCondBr(B, c, ok, fail);
    LLVMPositionBuilderAtEnd(B, fail);
    const ir_node *msg = s->kids[1];
    LLVMValueRef code;
    if (msg && ir_is_handle(msg->type)) {
        LLVMValueRef args[2] = {cg->user_context, cg_expr(cg, msg)};
        code = cg_call_c(cg, "halide_error_explicit_condition_failed", cg->i32, args, 2, false);
    } else if (msg) {
        code = cg_convert(cg, cg_expr(cg, msg), msg->type, ir_int(32));
    } else {
        code = LLVMConstInt(cg->i32, (unsigned long long)(s->imm.i ? s->imm.i : -1), 1);
    }
    cg_return_error(cg, code);
    LLVMPositionBuilderAtEnd(B, ok);
}

static void stmt(cg_state *cg, const ir_node *s) {
    switch ((ir_kind)s->kind) {
    case IR_LetStmt:
        cg_scope_push(cg, s->name, cg_expr(cg, s->kids[0]));
        cg_stmt(cg, s->kids[1]);
        cg_scope_pop(cg);
        return;
    case IR_AssertStmt:
        assert_stmt(cg, s);
        return;
    case IR_ProducerConsumer:
        cg_stmt(cg, s->kids[0]);
        return;
    case IR_For:
        if (s->op == IR_FOR_PARALLEL) cg_parallel_for(cg, s);
        else for_loop(cg, s);
        return;
    case IR_Store:
        store(cg, s);
        return;
    case IR_Allocate:
        allocate(cg, s);
        return;
    case IR_Free:
        free_buffer(cg, s);
        return;
    case IR_Block:
        /* Iterate down the right spine: long blocks do not recurse. */
        while (s->kind == IR_Block) {
            cg_stmt(cg, s->kids[0]);
            s = s->kids[1];
        }
        cg_stmt(cg, s);
        return;
    case IR_IfThenElse:
        if_then_else(cg, s);
        return;
    case IR_Evaluate:
        cg_expr(cg, s->kids[0]);
        return;
    case IR_Provide:
    case IR_Realize:
        internal_error(cg->ctx, "codegen: %s %s was not lowered", ir_kind_name((ir_kind)s->kind),
                       s->name ? s->name : "");
    case IR_IntImm:
    case IR_UIntImm:
    case IR_FloatImm:
    case IR_StringImm:
    case IR_Cast:
    case IR_Reinterpret:
    case IR_Variable:
    case IR_Add:
    case IR_Sub:
    case IR_Mul:
    case IR_Div:
    case IR_Mod:
    case IR_Min:
    case IR_Max:
    case IR_EQ:
    case IR_NE:
    case IR_LT:
    case IR_LE:
    case IR_GT:
    case IR_GE:
    case IR_And:
    case IR_Or:
    case IR_Not:
    case IR_Select:
    case IR_Load:
    case IR_Ramp:
    case IR_Broadcast:
    case IR_Let:
    case IR_Call:
    case IR_Shuffle:
        break;
    }
    internal_error(cg->ctx, "codegen: %s is not a statement", ir_kind_name((ir_kind)s->kind));
}

void cg_stmt(cg_state *cg, const ir_node *s) {
    internal_assert(cg->ctx, s, "codegen of a missing statement");
    ctx_enter(cg->ctx);
    stmt(cg, s);
    ctx_leave(cg->ctx);
}
