/* bounds_inference.c - loop bounds of the output and the footprint of every input buffer.
 *
 * Input: the output Func's loop nest with every other Func inlined; loop bounds are the
 * Variables "<loop var>.min/.extent"; input buffers appear as IR_CALL_IMAGE calls.
 * Output: the loop bounds are defined by LetStmts from the output buffer's fields
 * ("<out>.min.<d>", "<out>.extent.<d>"); for each input buffer and dimension, the region
 * the loops read (interval arithmetic over the loop ranges) is checked against the
 * buffer by an AssertStmt that reports halide_error_access_out_of_bounds; an index
 * that no bound limits is a user error naming the buffer and the expression. Every input
 * buffer is recorded in ls->inputs (argument order = first use).
 * Producers computed at other loop levels (and their allocation sizes) come with the
 * scheduling work; this pass is then where their required regions are computed.
 */
#include "interval.h"
#include "lower.h"
#include "simplify.h"
#include "util/check.h"

#include <string.h>

typedef struct footprint {
    hl_buffer *buffer;
    const char *name;
    int dims;
    interval *region; /* per dimension, unioned over every call */
    struct footprint *next;
} footprint;

typedef struct {
    lower_state *ls;
    const interval_scope *loops;
    footprint *found;
} footprint_state;

static footprint *footprint_of(footprint_state *st, const ir_node *call) {
    hl_ctx *ctx = st->ls->ctx;
    for (footprint *fp = st->found; fp; fp = fp->next) {
        if (fp->buffer == call->ref) return fp;
        user_assert(ctx, strcmp(fp->name, call->name) != 0,
                    "Two different buffers in one pipeline are both named \"%s\"", call->name);
    }
    footprint *fp = ctx_alloc(ctx, sizeof *fp);
    fp->buffer = call->ref;
    fp->name = call->name;
    fp->dims = call->nkids;
    fp->region = ctx_alloc(ctx, sizeof(interval) * (size_t)(call->nkids ? call->nkids : 1));
    fp->next = NULL;
    /* Keep first-use order for the argument list. */
    footprint **tail = &st->found;
    while (*tail) tail = &(*tail)->next;
    *tail = fp;
    return fp;
}

static void visit_calls(ir_visitor *v, const ir_node *n) {
    footprint_state *st = v->state;
    hl_ctx *ctx = v->ctx;
    if (n->kind == IR_Call && n->op == IR_CALL_IMAGE) {
        footprint *fp = footprint_of(st, n);
        bool first_call = fp->region[0].min == NULL && fp->region[0].max == NULL;
        for (int d = 0; d < n->nkids; d++) {
            interval i = bounds_of_expr_in_scope(ctx, n->kids[d], st->loops);
            user_assert(ctx, interval_is_bounded(i),
                        "Buffer %s may be accessed in an unbounded way in dimension %d: the index "
                        "%s has no %s bound. Use clamp (or a boundary condition) to keep it in "
                        "range.",
                        n->name, d, ir_ctx_string(ctx, n->kids[d]), i.min ? "upper" : "lower");
            fp->region[d] = first_call ? i : interval_union(ctx, fp->region[d], i);
        }
    }
    ir_visit_kids(v, n);
}

static ir_node *int_var(hl_ctx *ctx, const char *fmt_base, const char *field, int d) {
    return ir_var(ctx, ir_int(32), ctx_printf(ctx, "%s.%s.%d", fmt_base, field, d));
}

ir_node *lower_bounds_inference(lower_state *ls, ir_node *s) {
    hl_ctx *ctx = ls->ctx;
    hl_func *f = ls->output;
    const char *out = lower_output_buffer_name(ls, 0);

    /* Loop ranges as a scope: [min, min + extent - 1]. */
    interval_scope *loops = NULL;
    for (int d = 0; d < f->nargs; d++) {
        const char *var = lower_loop_var_name(ctx, f, d);
        ir_node *min = ir_var(ctx, ir_int(32), ctx_printf(ctx, "%s.min", var));
        ir_node *extent = ir_var(ctx, ir_int(32), ctx_printf(ctx, "%s.extent", var));
        interval_scope *sc = ctx_alloc(ctx, sizeof *sc);
        sc->name = var;
        sc->value.min = min;
        sc->value.max = ir_binary(ctx, IR_Sub, ir_binary(ctx, IR_Add, min, extent),
                                  ir_make_one(ctx, ir_int(32)));
        sc->next = loops;
        loops = sc;
    }

    footprint_state st = {ls, loops, NULL};
    ir_visitor v = {ctx, visit_calls, &st};
    ir_visit(&v, s);

    /* Footprint checks, guarded by a non-empty output region. */
    ir_node *nonempty = NULL;
    for (int d = 0; d < f->nargs; d++) {
        ir_node *c = ir_binary(ctx, IR_GT, int_var(ctx, out, "extent", d),
                               ir_make_zero(ctx, ir_int(32)));
        nonempty = nonempty ? ir_binary(ctx, IR_And, nonempty, c) : c;
    }
    ir_node *checks = NULL;
    int count = 0;
    for (footprint *fp = st.found; fp; fp = fp->next) count++;
    ls->inputs = ctx_alloc(ctx, sizeof(lower_input) * (size_t)(count ? count : 1));
    ls->ninputs = 0;
    for (footprint *fp = st.found; fp; fp = fp->next) {
        halide_buffer_t *raw = hl_buffer_raw(fp->buffer);
        lower_input *in = &ls->inputs[ls->ninputs++];
        in->name = fp->name;
        in->buffer = fp->buffer;
        in->type = hl_type_make(raw->type.code, raw->type.bits, 1);
        in->dimensions = fp->dims;
        for (int d = 0; d < fp->dims; d++) {
            ir_node *lo = simplify_expr(ctx, fp->region[d].min);
            ir_node *hi = simplify_expr(ctx, fp->region[d].max);
            ir_node *valid_min = int_var(ctx, fp->name, "min", d);
            ir_node *valid_max =
                ir_binary(ctx, IR_Sub,
                          ir_binary(ctx, IR_Add, valid_min, int_var(ctx, fp->name, "extent", d)),
                          ir_make_one(ctx, ir_int(32)));
            ir_node *ok = ir_binary(ctx, IR_And, ir_binary(ctx, IR_GE, lo, valid_min),
                                    ir_binary(ctx, IR_LE, hi, valid_max));
            ir_node *args[7] = {ir_var(ctx, ir_handle(), "__user_context"),
                                ir_string_imm(ctx, ctx_printf(ctx, "Input buffer %s", fp->name)),
                                ir_make_const(ctx, ir_int(32), d),
                                lo,
                                hi,
                                valid_min,
                                valid_max};
            ir_node *report = ir_call(ctx, ir_int(32), "halide_error_access_out_of_bounds",
                                      IR_CALL_EXTERN, 7, args);
            checks = ir_block(ctx, checks,
                              ir_assert_stmt(ctx, ok, report,
                                             halide_error_code_access_out_of_bounds));
        }
    }
    if (checks && nonempty) checks = ir_if(ctx, nonempty, checks, NULL);
    s = ir_block(ctx, checks, s);

    /* Loop bounds from the output buffer. */
    for (int d = f->nargs - 1; d >= 0; d--) {
        const char *var = lower_loop_var_name(ctx, f, d);
        s = ir_let_stmt(ctx, ctx_printf(ctx, "%s.extent", var), int_var(ctx, out, "extent", d), s);
        s = ir_let_stmt(ctx, ctx_printf(ctx, "%s.min", var), int_var(ctx, out, "min", d), s);
    }
    return s;
}
