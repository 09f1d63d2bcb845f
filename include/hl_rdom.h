/* hl_rdom.h - reduction domains and update definitions in the public C API (included by
 * halide_c.h).
 *
 * An RDom is a box of reduction variables (RVars) with an optional predicate (where()).
 * In expressions an RVar is an int32 Variable named "<rdom>.x", "<rdom>.y", ... An update
 * definition f[args] = values (f already defined) runs after the pure definition, over the
 * pure Vars among its args and every RVar it uses, RVars innermost (r.x the innermost of
 * them). Each update is a stage with its own loop schedule (stage index 1, 2, ...).
 */
#ifndef HALIDE_C_RDOM_H
#define HALIDE_C_RDOM_H

typedef struct hl_rdom hl_rdom;

/* An RDom over the box [mins[i], mins[i] + extents[i]) (name NULL: unique "r0", "r1"...). */
hl_status hl_rdom_new(int dims, hl_expr *const *mins, hl_expr *const *extents, const char *name,
                      hl_rdom **out);
void hl_rdom_retain(hl_rdom *r);
void hl_rdom_release(hl_rdom *r);
int hl_rdom_dimensions(const hl_rdom *r);
const char *hl_rdom_name(const hl_rdom *r); /* borrowed */
/* RVar i as an Expr, and its min and extent. */
hl_status hl_rdom_var(hl_rdom *r, int i, hl_expr **out);
const hl_expr *hl_rdom_min(const hl_rdom *r, int i);    /* borrowed */
const hl_expr *hl_rdom_extent(const hl_rdom *r, int i); /* borrowed */
/* The min and extent (new references) of an RVar Expr; HL_ERROR_USER if e is not an RVar. */
hl_status hl_rvar_bounds(const hl_expr *e, hl_expr **min, hl_expr **extent);
/* The RDom of update `stage` (1-based), borrowed, or NULL. */
hl_rdom *hl_func_update_rdom(const hl_func *f, int stage);
/* Adds a predicate (ANDed with earlier ones); it must be a boolean using this RDom. */
hl_status hl_rdom_where(hl_rdom *r, const hl_expr *predicate);

/* f[args] = values as an update definition of an already defined Func. */
hl_status hl_func_define_update(hl_func *f, int nargs, hl_expr *const *args, int nvalues,
                                hl_expr *const *values);
int hl_func_num_updates(const hl_func *f);
/* Argument and value i of update `stage` (1-based), borrowed. */
const hl_expr *hl_func_update_arg(const hl_func *f, int stage, int i);
const hl_expr *hl_func_update_value(const hl_func *f, int stage, int i);
/* The scheduling directive d on stage `stage` (0: the pure definition). Compute and store
 * levels belong to the Func (stage 0). */
hl_status hl_func_schedule_stage(hl_func *f, int stage, const hl_schedule_directive *d);
/* f.specialize(condition): a specialized copy of the pure stage's loop schedule, used when
 * the (boolean, loop-invariant) condition holds; *index receives its number (1-based) for
 * hl_func_schedule_specialization. */
hl_status hl_func_specialize(hl_func *f, const hl_expr *condition, int *index);
/* f.specialize_fail(message): when no specialization applies, fail with the message. */
hl_status hl_func_specialize_fail(hl_func *f, const char *message);
hl_status hl_func_schedule_specialization(hl_func *f, int index, const hl_schedule_directive *d);
/* Allows parallel or vectorized loops over RVars of a stage (the user promises no race). */
hl_status hl_func_allow_race_conditions(hl_func *f, int stage);
/* Stage.atomic(): the update's read-modify-write of each value is one atomic operation, so
 * its RVars may run in parallel or vectorized; the update must be associative (checked when
 * lowering) unless override_associativity_test. */
hl_status hl_func_atomic(hl_func *f, int stage, int override_associativity_test);

/* Stage.rfactor: factors the associative update `stage` (1-based) of f through a new Func
 * (*out, a new reference) whose extra pure dimensions vars[i] stand for the RVars named
 * rvars[i]; the stage becomes the merge of the new Func's partial results. */
hl_status hl_func_rfactor(hl_func *f, int stage, int n, const char *const *rvars, const char *const *vars,
                          hl_func **out);

/* An inline reduction over the RDom its argument uses: "sum", "product", "maximum",
 * "minimum"; or "argmax"/"argmin" whose results are one value per RDom dimension (the
 * coordinates) followed by the extreme value. out receives nout Exprs (1, or dims + 1). */
hl_status hl_inline_reduction(const char *kind, const hl_expr *e, const char *name, int *nout,
                              hl_expr **out, int max_out);

#endif
