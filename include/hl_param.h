/* hl_param.h - Param and ImageParam in the public C API (included by halide_c.h).
 *
 * A Param is a scalar input of a pipeline, an ImageParam a buffer input; both are bound
 * to values (Param.set, ImageParam.set) when a JIT pipeline runs, and become arguments of
 * an AOT-compiled function. In expressions a Param is a Variable of its own name; an
 * ImageParam is called like a Buffer and its fields are the Variables "name.min.d",
 * "name.extent.d" and "name.stride.d". Constraints (ranges of Params, min/extent/stride
 * of ImageParam dimensions, stride 1 in dimension 0 by default) are checked at run time.
 */
#ifndef HALIDE_C_PARAM_H
#define HALIDE_C_PARAM_H

typedef struct hl_param hl_param;

/* A scalar Param of type t (name NULL: a unique "p0", "p1"...). */
hl_status hl_param_new(hl_type t, const char *name, hl_param **out);
/* An ImageParam of element type t and the given dimensionality. */
hl_status hl_image_param_new(hl_type t, int dimensions, const char *name, hl_param **out);
void hl_param_retain(hl_param *p);
void hl_param_release(hl_param *p);
const char *hl_param_name(const hl_param *p); /* borrowed */
hl_type hl_param_type(const hl_param *p);
int hl_param_is_buffer(const hl_param *p);
int hl_param_dimensions(const hl_param *p);

/* The Param's value, converted to its type (an error if it does not fit). */
hl_status hl_param_set_value(hl_param *p, hl_scalar value);
/* The value as a constant Expr of the Param's type. */
hl_status hl_param_get_value(const hl_param *p, hl_expr **out);
/* Whether set_value gave the Param a value; clearing it makes it unset again (Callable
 * restores a Param it set for one call). */
int hl_param_has_value(const hl_param *p);
void hl_param_clear_value(hl_param *p);
/* Range constraints (NULL removes one), checked when the pipeline runs. */
hl_status hl_param_set_range(hl_param *p, const hl_expr *min, const hl_expr *max, int which);
hl_status hl_param_set_estimate(hl_param *p, const hl_expr *estimate);
/* The range constraints and estimate (borrowed, NULL when unset). */
const hl_expr *hl_param_min_value(const hl_param *p);
const hl_expr *hl_param_max_value(const hl_param *p);
const hl_expr *hl_param_estimate(const hl_param *p);
/* The Param (or an ImageParam's field "min"/"extent"/"stride"/"max" of dimension d) as an Expr. */
hl_status hl_param_expr(hl_param *p, hl_expr **out);
hl_status hl_image_param_field(hl_param *p, int d, const char *field, hl_expr **out);

/* Binds an ImageParam to a buffer (NULL unbinds); the borrowed current buffer or NULL. */
hl_status hl_image_param_set(hl_param *p, hl_buffer *b);
hl_buffer *hl_image_param_get(const hl_param *p);
/* p[args] as an Expr. */
hl_status hl_image_param_call(hl_param *p, int nargs, hl_expr *const *args, hl_expr **out);
/* Constrains field "min", "extent" or "stride" of dimension d (NULL removes it). */
hl_status hl_image_param_constrain(hl_param *p, int d, const char *field, const hl_expr *value);
/* The constraint Expr of a field (borrowed) or NULL. */
const hl_expr *hl_image_param_constraint(const hl_param *p, int d, const char *field);
hl_status hl_image_param_set_host_alignment(hl_param *p, int bytes);
/* The alignment set_host_alignment gave (1 when unset). */
int hl_image_param_host_alignment(const hl_param *p);
/* ImageParam.trace_loads(): loads of it go to halide_trace, like a traced Func's. */
hl_status hl_image_param_trace_loads(hl_param *p);

#endif
