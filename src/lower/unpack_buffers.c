/* unpack_buffers.c - the prologue: check every buffer argument and read its fields.
 *
 * Input: a statement that uses "<b>" (host pointer) and "<b>.min/extent/stride.<d>" of
 * every input and output buffer as free Variables.
 * Output: the same statement inside, for each buffer argument b (read as the Variable
 * "b.buffer"), an AssertStmt that b has the expected element type
 * (halide_error_bad_type), one that it has the expected number of dimensions
 * (halide_error_bad_dimensions), and LetStmts reading its host pointer and dimension
 * fields. The dimension check comes before any dimension field is read. ImageParam
 * constraints and scalar Params' ranges are asserted before the computation. Output buffers
 * must also be dense in dimension 0 (stride 1), as Halide requires by default; so must
 * inputs that were dense when the pipeline was compiled (lower_input.dense).
 */
#include "lower.h"
#include "util/check.h"

static ir_node *buffer_intrinsic(hl_ctx *ctx, hl_type t, ir_intrinsic id, const char *buffer,
                                 int dim) {
    ir_node *args[2] = {ir_var(ctx, ir_handle(), ctx_printf(ctx, "%s.buffer", buffer)),
                        ir_make_const(ctx, ir_int(32), dim)};
    return ir_call_intrinsic(ctx, t, id, dim >= 0 ? 2 : 1, args);
}

static ir_node *report(hl_ctx *ctx, const char *fn, const char *buffer, ir_node *a, ir_node *b) {
    ir_node *args[4] = {ir_var(ctx, ir_handle(), "__user_context"), ir_string_imm(ctx, buffer), a, b};
    return ir_call(ctx, ir_int(32), fn, IR_CALL_EXTERN, 4, args);
}

/* Outputs must be dense in dimension 0 (Halide's default constraint stride.0 == 1): the
 * check reads the field, and the code after it uses the constant 1, so that vectorized
 * stores along x are dense. A bounds query is exempt (its strides are not used). */
static ir_node *dense_constraint(hl_ctx *ctx, const char *name, ir_node *body) {
    const char *field = ctx_printf(ctx, "%s.stride.0", name);
    ir_node *stride = buffer_intrinsic(ctx, ir_int(32), IR_INTRIN_BUFFER_GET_STRIDE, name, 0);
    ir_node *one = ir_make_one(ctx, ir_int(32));
    ir_node *args[5] = {ir_var(ctx, ir_handle(), "__user_context"), ir_string_imm(ctx, field), stride,
                        ir_string_imm(ctx, "1"), one};
    ir_node *report = ir_call(ctx, ir_int(32), "halide_error_constraint_violated", IR_CALL_EXTERN, 5, args);
    ir_node *handle = ir_var(ctx, ir_handle(), ctx_printf(ctx, "%s.buffer", name));
    ir_node *is_query = ir_call_intrinsic(ctx, ir_bool(), IR_INTRIN_BUFFER_IS_BOUNDS_QUERY, 1, &handle);
    ir_node *ok = ir_binary(ctx, IR_Or, is_query, ir_binary(ctx, IR_EQ, stride, one));
    return ir_block(ctx, ir_assert_stmt(ctx, ok, report, halide_error_code_constraint_violated), body);
}

static ir_node *unpack_one(hl_ctx *ctx, const char *name, hl_type type, int dims, bool dense,
                           ir_node *body) {

    static const struct {
        const char *field;
        ir_intrinsic id;
    } fields[] = {{"min", IR_INTRIN_BUFFER_GET_MIN},
                  {"extent", IR_INTRIN_BUFFER_GET_EXTENT},
                  {"stride", IR_INTRIN_BUFFER_GET_STRIDE}};
    for (int d = dims - 1; d >= 0; d--)
        for (int k = 2; k >= 0; k--) {
            ir_node *value = dense && d == 0 && k == 2 ? ir_make_one(ctx, ir_int(32))
                                                       : buffer_intrinsic(ctx, ir_int(32), fields[k].id, name, d);
            body = ir_let_stmt(ctx, ctx_printf(ctx, "%s.%s.%d", name, fields[k].field, d), value, body);
        }
    if (dense && dims > 0) body = dense_constraint(ctx, name, body);
    body = ir_let_stmt(ctx, name, buffer_intrinsic(ctx, ir_handle(), IR_INTRIN_BUFFER_GET_HOST, name, -1),
                       body);

    /* Type: code | bits << 8 | lanes << 16, compared as one uint32. */
    ir_node *code = ir_cast(ctx, ir_uint(32), buffer_intrinsic(ctx, ir_uint(8), IR_INTRIN_BUFFER_GET_TYPE_CODE, name, -1));
    ir_node *bits = ir_cast(ctx, ir_uint(32), buffer_intrinsic(ctx, ir_uint(8), IR_INTRIN_BUFFER_GET_TYPE_BITS, name, -1));
    ir_node *lanes = ir_cast(ctx, ir_uint(32), buffer_intrinsic(ctx, ir_uint(16), IR_INTRIN_BUFFER_GET_TYPE_LANES, name, -1));
    ir_node *eight = ir_uint_imm(ctx, ir_uint(32), 8), *sixteen = ir_uint_imm(ctx, ir_uint(32), 16);
    ir_node *sh_bits[2] = {bits, eight}, *sh_lanes[2] = {lanes, sixteen};
    ir_node *packed = ir_binary(ctx, IR_Add, code,
                                ir_binary(ctx, IR_Add,
                                          ir_call_intrinsic(ctx, ir_uint(32), IR_INTRIN_SHIFT_LEFT, 2, sh_bits),
                                          ir_call_intrinsic(ctx, ir_uint(32), IR_INTRIN_SHIFT_LEFT, 2, sh_lanes)));
    uint64_t expected = (uint64_t)type.code | (uint64_t)type.bits << 8 | (uint64_t)1 << 16;
    ir_node *expected_type = ir_uint_imm(ctx, ir_uint(32), expected);
    ir_node *type_ok = ir_binary(ctx, IR_EQ, packed, expected_type);
    ir_node *given_dims = buffer_intrinsic(ctx, ir_int(32), IR_INTRIN_BUFFER_GET_DIMENSIONS, name, -1);
    ir_node *dims_ok = ir_binary(ctx, IR_EQ, given_dims, ir_make_const(ctx, ir_int(32), dims));
    ir_node *checks = ir_block(
        ctx,
        ir_assert_stmt(ctx, type_ok, report(ctx, "halide_error_bad_type", name, packed, expected_type),
                       halide_error_code_bad_type),
        ir_assert_stmt(ctx, dims_ok,
                       report(ctx, "halide_error_bad_dimensions", name, given_dims,
                              ir_make_const(ctx, ir_int(32), dims)),
                       halide_error_code_bad_dimensions));
    return ir_block(ctx, checks, body);
}

/* assert(value cmp bound) for a Param's range, reported as Halide does. */
static ir_node *range_check(hl_ctx *ctx, const hl_param *p, ir_node *bound, bool is_min) {
    ir_node *value = ir_var(ctx, p->type, p->name);
    bound = ir_type_eq(bound->type, p->type) ? bound : ir_cast(ctx, p->type, bound);
    ir_node *ok = is_min ? ir_binary(ctx, IR_GE, value, bound) : ir_binary(ctx, IR_LE, value, bound);
    bool is_float = ir_is_float(p->type);
    hl_type wide = is_float ? ir_float(64) : ir_int(64);
    const char *fn = is_min ? (is_float ? "halide_error_param_too_small_f64" : "halide_error_param_too_small_i64")
                            : (is_float ? "halide_error_param_too_large_f64" : "halide_error_param_too_large_i64");
    ir_node *args[4] = {ir_var(ctx, ir_handle(), "__user_context"), ir_string_imm(ctx, p->name),
                        ir_cast(ctx, wide, value), ir_cast(ctx, wide, bound)};
    ir_node *report = ir_call(ctx, ir_int(32), fn, IR_CALL_EXTERN, 4, args);
    return ir_assert_stmt(ctx, ok, report,
                          is_min ? halide_error_code_param_too_small : halide_error_code_param_too_large);
}

/* An ImageParam's min/extent/stride constraints, checked after its fields are read. */
static ir_node *constraint_checks(hl_ctx *ctx, const lower_input *in) {
    const hl_param *p = in->param;
    ir_node *checks = NULL;
    static const char *fields[3] = {"min", "extent", "stride"};
    for (int d = 0; d < p->dimensions; d++) {
        ir_node *c[3] = {p->dims[d].min, p->dims[d].extent, p->dims[d].stride};
        for (int k = 0; k < 3; k++) {
            if (!c[k] || (k == 2 && d == 0 && in->dense)) continue;
            const char *field = ctx_printf(ctx, "%s.%s.%d", p->name, fields[k], d);
            ir_node *value = ir_var(ctx, ir_int(32), field);
            ir_node *want = ir_type_eq(c[k]->type, ir_int(32)) ? c[k] : ir_cast(ctx, ir_int(32), c[k]);
            ir_node *args[5] = {ir_var(ctx, ir_handle(), "__user_context"), ir_string_imm(ctx, field), value,
                                ir_string_imm(ctx, ir_ctx_string(ctx, c[k])), want};
            ir_node *report = ir_call(ctx, ir_int(32), "halide_error_constraint_violated", IR_CALL_EXTERN, 5, args);
            checks = ir_block(ctx, checks, ir_assert_stmt(ctx, ir_binary(ctx, IR_EQ, value, want), report,
                                                          halide_error_code_constraint_violated));
        }
    }
    return checks;
}

ir_node *lower_unpack_buffers(lower_state *ls, ir_node *s) {
    hl_ctx *ctx = ls->ctx;
    for (int i = 0; i < ls->ninputs; i++)
        if (ls->inputs[i].param) s = ir_block(ctx, constraint_checks(ctx, &ls->inputs[i]), s);
    for (int i = ls->nparams - 1; i >= 0; i--) {
        const hl_param *p = ls->params[i];
        if (p->max_value) s = ir_block(ctx, range_check(ctx, p, p->max_value, false), s);
        if (p->min_value) s = ir_block(ctx, range_check(ctx, p, p->min_value, true), s);
    }
    for (int o = ls->noutputs - 1; o >= 0; o--) {
        const hl_func *f = ls->outputs[o];
        for (int v = f->nvalues - 1; v >= 0; v--)
            s = unpack_one(ctx, lower_buffer_name(ctx, f, v), f->values[v]->type, f->nargs, true, s);
    }
    for (int i = ls->ninputs - 1; i >= 0; i--)
        s = unpack_one(ctx, ls->inputs[i].name, ls->inputs[i].type, ls->inputs[i].dimensions,
                       ls->inputs[i].dense, s);
    return s;
}
