/* schedule_functions.c - builds the loop nest of the output Func.
 *
 * Input: nothing (the statement is NULL); the output Func is defined.
 * Output: "produce f { for f.s0.<last arg> ... for f.s0.<first arg> { f(...) = values } }"
 * with the pure arguments renamed to the loop variables and loop bounds read from the
 * Variables "f.s0.<arg>.min" and "f.s0.<arg>.extent" (defined by bounds inference).
 * Calls to other Funcs are still Call nodes; everything but the output is inlined by the
 * next pass (compute_root and friends come with the scheduling work).
 */
#include "lower.h"
#include "util/check.h"

ir_node *lower_schedule_functions(lower_state *ls, ir_node *s) {
    hl_ctx *ctx = ls->ctx;
    hl_func *f = ls->output;
    user_assert(ctx, hl_func_defined(f), "Can't realize undefined Func %s", f->name);
    int n = f->nargs;
    ir_node **coords = ctx_alloc(ctx, sizeof(ir_node *) * (size_t)(n ? n : 1));
    ir_node **values = ctx_alloc(ctx, sizeof(ir_node *) * (size_t)f->nvalues);
    for (int i = 0; i < n; i++) coords[i] = ir_var(ctx, ir_int(32), lower_loop_var_name(ctx, f, i));
    for (int v = 0; v < f->nvalues; v++) {
        ir_node *value = f->values[v];
        for (int i = 0; i < n; i++) value = ir_substitute(ctx, value, f->args[i], coords[i]);
        values[v] = value;
    }
    ir_node *body = ir_provide(ctx, f->name, f, f->nvalues, values, n, coords);
    for (int i = 0; i < n; i++) {
        const char *var = coords[i]->name;
        ir_node *min = ir_var(ctx, ir_int(32), ctx_printf(ctx, "%s.min", var));
        ir_node *extent = ir_var(ctx, ir_int(32), ctx_printf(ctx, "%s.extent", var));
        body = ir_for(ctx, var, min, extent, IR_FOR_SERIAL, body);
    }
    return ir_producer_consumer(ctx, f->name, true, body);
}
