/* operators_internal.h - the coercion helpers of lang/operators.c that the rest of the
 * operator library (lang/operators_extra.c) shares, so that Halide's promotion rules are
 * written once. Each builds in ctx (an arena, inside ctx_pcall) and may raise a user error.
 */
#ifndef HL_LANG_OPERATORS_INTERNAL_H
#define HL_LANG_OPERATORS_INTERNAL_H

#include "ir/ir.h"

/* Halide's match_types for two Exprs: float beats int, wider wins, signed if either is. */
void lang_match_types(hl_ctx *ctx, ir_node **a, ir_node **b, const char *what);
/* An operand as an Expr; a Python number on its own (bool, int32/int64, float32). */
ir_node *lang_operand_expr(hl_ctx *ctx, hl_operand o);
/* A Python int as a constant of type t; a user error if that changes its value. */
ir_node *lang_int_literal_of_type(hl_ctx *ctx, hl_type t, int64_t v);
/* name_fNN(args) as a pure extern math call ("sin_f32"); args are floats of one type. */
ir_node *lang_math_call(hl_ctx *ctx, const char *name, int n, ir_node **args);

#endif
