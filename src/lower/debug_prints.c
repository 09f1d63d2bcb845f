/* debug_prints.c - the debug target feature: the pipeline announces its arguments.
 *
 * For a target with the debug feature, the driver (lower.c) wraps the finished statement,
 * once the argument list is known, in calls of the runtime's rt_debug_* functions
 * (runtime/debug.c): "Entering Pipeline <name>", the target, every argument in order
 * (" Input Buffer b0: 0x... -> buffer(...)", " Input int32 p: 5", " Output Buffer f: ..."),
 * then the pipeline, then "Exiting Pipeline <name>" when it succeeds - what Halide's debug
 * runtime prints. Everything else about the pipeline is unchanged.
 *
 * Assumes: buffer arguments are the Variables "<name>.buffer", scalars their own names,
 * outputs the last arguments (lower.c's order). Guarantees: without the feature, s is
 * returned as it is.
 */
#include "lower.h"
#include "util/check.h"

#include <string.h>

static ir_node *call(hl_ctx *ctx, const char *fn, int n, ir_node *const *args) {
    return ir_evaluate(ctx, ir_call(ctx, ir_int(32), fn, IR_CALL_EXTERN, n, args));
}

static ir_node *user_context(hl_ctx *ctx) { return ir_var(ctx, ir_handle(), "__user_context"); }

/* The C spelling of a scalar type ("int32", "float64", "(void const *)"). */
static const char *type_text(hl_ctx *ctx, hl_type t) {
    if (ir_is_handle(t)) return "(void const *)";
    if (ir_is_bool(t)) return "bool";
    return ctx_printf(ctx, "%s%d", ir_is_float(t) ? "float" : ir_is_uint(t) ? "uint" : "int", (int)t.bits);
}

static ir_node *describe_scalar(hl_ctx *ctx, const cg_arg *a) {
    ir_node *v = ir_var(ctx, a->type, a->name);
    const char *fn;
    hl_type wide;
    if (ir_is_handle(a->type)) {
        fn = "rt_debug_pointer";
        wide = a->type;
    } else if (ir_is_float(a->type)) {
        fn = "rt_debug_float";
        wide = ir_float(64);
    } else if (ir_is_uint(a->type) || ir_is_bool(a->type)) {
        fn = "rt_debug_uint";
        wide = ir_uint(64);
    } else {
        fn = "rt_debug_int";
        wide = ir_int(64);
    }
    if (!ir_type_eq(wide, a->type)) v = ir_cast(ctx, wide, v);
    ir_node *args[4] = {user_context(ctx), ir_string_imm(ctx, type_text(ctx, a->type)), ir_string_imm(ctx, a->name), v};
    return call(ctx, fn, 4, args);
}

ir_node *lower_debug_prints(lower_state *ls, ir_node *s) {
    hl_ctx *ctx = ls->ctx;
    hl_target t = lower_target(ls);
    if (!hl_target_has_feature(&t, HL_FEATURE_DEBUG)) return s;
    char target_name[1024];
    hl_target_to_string(&t, target_name, sizeof target_name);
    const char *name = ls->pipeline_name ? ls->pipeline_name : ls->outputs[0]->name;
    int noutput_args = 0;
    for (int o = 0; o < ls->noutputs; o++) noutput_args += ls->outputs[o]->nvalues;
    ir_node *enter_args[3] = {user_context(ctx), ir_string_imm(ctx, name), ir_string_imm(ctx, target_name)};
    ir_node *prologue = call(ctx, "rt_debug_enter", 3, enter_args);
    /* Inputs in order, then the user context, then the outputs (the reference's order). */
    const cg_arg *context = NULL;
    for (int i = 0; i < ls->nargs; i++) {
        const cg_arg *a = &ls->args[i];
        ir_node *line;
        if (!strcmp(a->name, "__user_context")) {
            context = a;
            continue;
        }
        if (i == ls->nargs - noutput_args && context) prologue = ir_block(ctx, prologue, describe_scalar(ctx, context));
        if (a->is_buffer) {
            bool output = i >= ls->nargs - noutput_args;
            ir_node *args[4] = {user_context(ctx), ir_string_imm(ctx, output ? "Output" : "Input"),
                                ir_string_imm(ctx, a->name),
                                ir_var(ctx, ir_handle(), ctx_printf(ctx, "%s.buffer", a->name))};
            line = call(ctx, "rt_debug_buffer", 4, args);
        } else {
            line = describe_scalar(ctx, a);
        }
        prologue = ir_block(ctx, prologue, line);
    }
    ir_node *exit_args[2] = {user_context(ctx), ir_string_imm(ctx, name)};
    return ir_block(ctx, prologue, ir_block(ctx, s, call(ctx, "rt_debug_exit", 2, exit_args)));
}
