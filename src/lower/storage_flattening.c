/* storage_flattening.c - multi-dimensional storage becomes flat allocations, Loads and
 * Stores.
 *
 * Input: Realize nodes with bounds (bounds_inference), Provide nodes, and Calls to
 * computed Funcs (IR_CALL_HALIDE) and input buffers (IR_CALL_IMAGE).
 * Output: each Realize of Func f becomes, per value, LetStmts "<b>.min.<d>",
 * "<b>.extent.<d>", "<b>.stride.<d>" (strides follow f's storage order, innermost first,
 * with align_storage rounding up the extents used for strides) and an Allocate of <b>,
 * where <b> is "f" or "f.<i>" for Tuple values. Provides become Stores and calls become
 * Loads at the element index sum_d (coord_d - <b>.min.d) * <b>.stride.d; the output's
 * and the input buffers' fields come from unpack_buffers. No Provide, Realize, Halide or
 * Image call remains. Bools live in memory as uint8 (as in Halide).
 */
#include "lower.h"
#include "util/check.h"

#include <string.h>

static ir_node *flat_index(hl_ctx *ctx, const char *buffer, int n, ir_node *const *coords) {
    ir_node *index = NULL;
    for (int d = 0; d < n; d++) {
        ir_node *min = ir_var(ctx, ir_int(32), ctx_printf(ctx, "%s.min.%d", buffer, d));
        ir_node *stride = ir_var(ctx, ir_int(32), ctx_printf(ctx, "%s.stride.%d", buffer, d));
        ir_node *term = ir_binary(ctx, IR_Mul, ir_binary(ctx, IR_Sub, coords[d], min), stride);
        index = index ? ir_binary(ctx, IR_Add, index, term) : term;
    }
    return index ? index : ir_make_zero(ctx, ir_int(32));
}

static hl_type storage_type(hl_type t) { return ir_is_bool(t) ? ir_uint(8) : t; }

static ir_node *load(hl_ctx *ctx, hl_type t, const char *buffer, ir_node *index, ir_ref_kind kind, void *ref) {
    if (ir_is_bool(t)) {
        ir_node *byte = ir_load(ctx, ir_uint(8), buffer, index, NULL, kind, ref);
        return ir_binary(ctx, IR_NE, byte, ir_make_zero(ctx, ir_uint(8)));
    }
    return ir_load(ctx, t, buffer, index, NULL, kind, ref);
}

/* The Allocate and stride lets of one value of a Realize. */
static ir_node *allocate(hl_ctx *ctx, const ir_node *realize, int value, ir_node *body) {
    const hl_func *f = realize->ref;
    const char *b = lower_buffer_name(ctx, f, value);
    int dims = f->nargs;
    ir_node *one = ir_make_one(ctx, ir_int(32));
    /* Storage order: position k holds the pure argument storage[k]. */
    int order[64];
    for (int k = 0; k < dims && k < 64; k++) {
        order[k] = k;
        for (int d = 0; d < dims; d++)
            if (k < f->sched.nstorage && strcmp(f->sched.storage[k], f->args[d]) == 0) order[k] = d;
    }
    ir_node **extents = ctx_alloc(ctx, sizeof(ir_node *) * (size_t)(dims ? dims : 1));
    ir_node *stride = one;
    ir_node *lets_stride[64];
    for (int k = 0; k < dims; k++) {
        int d = order[k];
        lets_stride[d] = stride;
        ir_node *extent = ir_var(ctx, ir_int(32), ctx_printf(ctx, "%s.extent.%d", b, d));
        int align = k < f->sched.nstorage ? f->sched.storage_align[k] : 0;
        if (align > 1) {
            ir_node *a = ir_make_const(ctx, ir_int(32), align);
            extent = ir_binary(ctx, IR_Mul, ir_binary(ctx, IR_Div, ir_binary(ctx, IR_Sub, ir_binary(ctx, IR_Add, extent, a), one), a), a);
        }
        extents[k] = extent;
        stride = ir_binary(ctx, IR_Mul, stride, extent);
    }
    ir_node *s = ir_allocate(ctx, b, storage_type(f->values[value]->type), dims, extents, NULL, body);
    /* Strides use other dimensions' extents: every extent is defined before any stride. */
    for (int d = dims - 1; d >= 0; d--)
        s = ir_let_stmt(ctx, ctx_printf(ctx, "%s.stride.%d", b, d), lets_stride[d], s);
    for (int d = dims - 1; d >= 0; d--) {
        s = ir_let_stmt(ctx, ctx_printf(ctx, "%s.extent.%d", b, d), realize->kids[3 + 2 * d], s);
        s = ir_let_stmt(ctx, ctx_printf(ctx, "%s.min.%d", b, d), realize->kids[2 + 2 * d], s);
    }
    return s;
}

static ir_node *flatten(ir_mutator *m, ir_node *n) {
    hl_ctx *ctx = m->ctx;
    if (n->kind == IR_Realize) {
        ir_node *body = ir_mutate(m, n->kids[0]);
        for (int v = n->op - 1; v >= 0; v--) body = allocate(ctx, n, v, body);
        return body;
    }
    if (n->kind == IR_Provide) {
        n = ir_mutate_kids(m, n);
        const hl_func *f = n->ref;
        int nvalues = n->op, nargs = n->nkids - nvalues;
        ir_node *stores = NULL;
        for (int v = 0; v < nvalues; v++) {
            const char *buffer = lower_buffer_name(ctx, f, v);
            ir_node *value = n->kids[v];
            if (ir_is_bool(value->type)) value = ir_cast(ctx, ir_uint(8), value);
            ir_node *index = flat_index(ctx, buffer, nargs, n->kids + nvalues);
            ir_node *store = ir_store(ctx, buffer, value, index, NULL, IR_REF_NONE, NULL);
            store->op = n->op2; /* atomic */
            stores = ir_block(ctx, stores, store);
        }
        return stores;
    }
    if (n->kind == IR_Call && (n->op == IR_CALL_IMAGE || n->op == IR_CALL_HALIDE)) {
        n = ir_mutate_kids(m, n);
        if (n->op == IR_CALL_IMAGE)
            return load(ctx, n->type, n->name, flat_index(ctx, n->name, n->nkids, n->kids), IR_REF_BUFFER, n->ref);
        const hl_func *f = n->ref;
        const char *buffer = lower_buffer_name(ctx, f, n->op2);
        return load(ctx, n->type, buffer, flat_index(ctx, buffer, n->nkids, n->kids), IR_REF_NONE, NULL);
    }
    return ir_mutate_kids(m, n);
}

ir_node *lower_storage_flattening(lower_state *ls, ir_node *s) {
    ir_mutator m = {ls->ctx, flatten, ls};
    return ir_mutate(&m, s);
}
