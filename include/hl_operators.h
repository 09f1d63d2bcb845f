/* hl_operators.h - the rest of Halide's operator library in the public C API (included by
 * halide_c.h): math and fast_* variants, bit operations, saturating/widening/halving
 * arithmetic, lerp, mux, print... Every builder applies Halide's typing rules and returns a
 * new Expr or a user error naming the operator and the bad argument.
 *
 * Operands follow the rules of hl_expr_minmax unless an operator says otherwise: a Python
 * number becomes an Expr on its own (int -> int32, float -> float32) and then the operands
 * promote (match_types). Each operator's exact typing is documented in
 * src/lang/operators_extra.c next to its builder.
 */
#ifndef HALIDE_C_OPERATORS_H
#define HALIDE_C_OPERATORS_H

/* The operator called `name` over n operands. Names (operand count):
 *   is_nan, is_inf, is_finite, fract, popcount, count_leading_zeros, count_trailing_zeros,
 *   fast_sin, fast_cos, fast_exp, fast_log, fast_inverse, fast_inverse_sqrt, likely,
 *   likely_if_innermost, strict_float (1);
 *   saturating_add, saturating_sub, widening_add, widening_sub, widening_mul,
 *   widen_right_add, widen_right_sub, widen_right_mul, widening_shift_left,
 *   widening_shift_right, halving_add, halving_sub, rounding_halving_add,
 *   rounding_shift_left, rounding_shift_right, div_round_to_zero, mod_round_to_zero,
 *   fast_pow (2);
 *   fma, lerp, mul_shift_right, rounding_mul_shift_right (3);
 *   mux (index, then >= 1 values); concat_bits (>= 1 values, a power of two);
 *   print (>= 1: Exprs, numbers or string Exprs); print_when (condition, then >= 1);
 *   target_bits (0).
 * Unknown names and wrong counts are user errors. */
hl_status hl_expr_operator(const char *name, int n, const hl_operand *args, hl_expr **out);

/* Operators that take a Type first: reinterpret(t, e), extract_bits(t, e, lsb), undef(t),
 * target_natural_vector_size(t). */
hl_status hl_expr_typed_operator(const char *name, hl_type t, int n, const hl_operand *args,
                                 hl_expr **out);

/* unsafe_promise_clamped(e, lo, hi): e, promised to lie in [lo, hi] (bounds inference
 * trusts it). lo/hi NULL: no bound on that side (the type's limit). Bounds must convert to
 * e's type without loss. */
hl_status hl_expr_unsafe_promise_clamped(hl_operand e, const hl_operand *lo,
                                         const hl_operand *hi, hl_expr **out);

#endif
