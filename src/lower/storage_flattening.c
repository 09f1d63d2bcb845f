/* storage_flattening.c - multi-dimensional accesses become flat Loads and Stores.
 *
 * Input: Provide nodes into the output Func and IR_CALL_IMAGE calls of input buffers,
 * with coordinates in the buffers' own coordinate system.
 * Output: Store into the output buffer(s) and Load from inputs, each at the element index
 * sum_d (coord_d - <buf>.min.d) * <buf>.stride.d; no Provide or Image call remains.
 * Bools live in memory as uint8 (as in Halide): they are stored as uint8 and loaded with
 * a != 0 test.
 */
#include "lower.h"
#include "util/check.h"

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

static ir_node *flatten(ir_mutator *m, ir_node *n) {
    hl_ctx *ctx = m->ctx;
    lower_state *ls = m->state;
    if (n->kind == IR_Provide) {
        n = ir_mutate_kids(m, n);
        int nvalues = n->op, nargs = n->nkids - nvalues;
        internal_assert(ctx, n->ref == ls->output, "Provide to a Func other than the output");
        ir_node *stores = NULL;
        for (int v = 0; v < nvalues; v++) {
            const char *buffer = lower_output_buffer_name(ls, v);
            ir_node *value = n->kids[v];
            if (ir_is_bool(value->type)) value = ir_cast(ctx, ir_uint(8), value);
            ir_node *index = flat_index(ctx, buffer, nargs, n->kids + nvalues);
            stores = ir_block(ctx, stores, ir_store(ctx, buffer, value, index, NULL, IR_REF_NONE, NULL));
        }
        return stores;
    }
    if (n->kind == IR_Call && n->op == IR_CALL_IMAGE) {
        n = ir_mutate_kids(m, n);
        ir_node *index = flat_index(ctx, n->name, n->nkids, n->kids);
        if (ir_is_bool(n->type)) {
            ir_node *byte = ir_load(ctx, ir_uint(8), n->name, index, NULL, IR_REF_BUFFER, n->ref);
            return ir_binary(ctx, IR_NE, byte, ir_make_zero(ctx, ir_uint(8)));
        }
        return ir_load(ctx, n->type, n->name, index, NULL, IR_REF_BUFFER, n->ref);
    }
    return ir_mutate_kids(m, n);
}

ir_node *lower_storage_flattening(lower_state *ls, ir_node *s) {
    ir_mutator m = {ls->ctx, flatten, ls};
    return ir_mutate(&m, s);
}
