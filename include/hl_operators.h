/* hl_operators.h - the rest of Halide's operator library in the public C API (included by
 * halide_c.h): math and fast_* variants, bit operations, saturating/widening/halving
 * arithmetic, lerp, mux, random numbers, print... Every builder applies Halide's typing
 * rules and returns a new Expr or a user error naming the operator and the bad argument.
 */
#ifndef HALIDE_C_OPERATORS_H
#define HALIDE_C_OPERATORS_H

#endif
