/* py_state.h - module state of halide._halide and the helpers every py_*.c shares.
 *
 * The extension is written in the shape of CPython's Modules/xxlimited.c: multi-phase
 * init, heap types made with PyType_FromModuleAndSpec, and one module-state struct that
 * holds every type object and the HalideError exception. One C file per Python type;
 * each registers its type with a py_<type>_init(module, state) function called from
 * py_module.c. A type finds the state through py_state_of_type / py_state_of_module.
 */
#ifndef HL_PY_STATE_H
#define HL_PY_STATE_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "halide_c.h"

typedef struct py_state {
    PyObject *HalideError;
    PyTypeObject *Type;
    PyTypeObject *Expr;
    PyTypeObject *Var;
    PyTypeObject *Func;
    PyTypeObject *Pipeline;
    PyTypeObject *Buffer;
    PyTypeObject *Dimension;      /* BufferDimension: a snapshot of a Buffer's dimension */
    PyTypeObject *Param;
    PyTypeObject *ImageParam;
    PyTypeObject *ParamDimension; /* halide.Dimension: an ImageParam's dimension, as Exprs */
    PyTypeObject *RDom;
    PyTypeObject *RVar;
    PyTypeObject *Stage;
    PyTypeObject *PendingRef; /* f[...] of an undefined Func, for f[x] += e */
    PyTypeObject *Target;
} py_state;

/* Borrowed: the state of the module that defined `type` (or one of its bases). */
py_state *py_state_of_type(PyTypeObject *type);
/* Borrowed: the state of the halide._halide module object. */
py_state *py_state_of_module(PyObject *module);
/* Borrowed: the state found from any object of one of our types. */
py_state *py_state_of(PyObject *obj);

/* Raises HalideError (or MemoryError for HL_ERROR_NOMEM) with hl_last_error(); returns NULL. */
PyObject *py_raise_status(py_state *st, hl_status status);

/* Each py_*.c file's registration function. */
int py_type_init(PyObject *module, py_state *st);
int py_expr_init(PyObject *module, py_state *st);
int py_func_init(PyObject *module, py_state *st);
int py_buffer_init(PyObject *module, py_state *st);
int py_ops_init(PyObject *module, py_state *st);
int py_ops_extra_init(PyObject *module, py_state *st);

/* ---- Conversions shared by every type (py_convert.c) ---------------------------------- */

/* Object wrapping an hl_expr: Expr and its subclasses (Var, ...). */
typedef struct {
    PyObject_HEAD
    hl_expr *expr;
} py_expr_object;

/* New reference to a Python Expr wrapping e (steals the reference to e). */
PyObject *py_expr_wrap(py_state *st, hl_expr *e);
/* hl_type from a halide Type object; returns -1 with TypeError otherwise. */
int py_as_type(py_state *st, PyObject *obj, hl_type *out);
/* New Python Type object. */
PyObject *py_type_wrap(py_state *st, hl_type t);
/* The one converter from Python values to Exprs (new reference in *out): Expr, Var,
 * FuncRef-like objects, bool, int, float. Python numbers on their own become
 * bool / int32 / float32 Exprs. Returns -1 with an exception set. */
int py_as_expr(py_state *st, PyObject *obj, hl_expr **out);
/* Whether obj is a Python number (bool, int, float) that py_as_scalar accepts. */
int py_is_scalar(PyObject *obj);
/* A Python number as an hl_scalar; -1 with an exception otherwise. */
int py_as_scalar(PyObject *obj, hl_scalar *out);

/* An operator operand (Expr or Python number) for the core; *tmp gets a new reference the
 * caller releases (or NULL). -1 with TypeError for anything else. */
int py_operand_from(py_state *st, PyObject *obj, hl_operand *op, hl_expr **tmp);

/* ---- Funcs (py_func.c, py_schedule.c) ------------------------------------------------------ */

typedef struct {
    PyObject_HEAD
    hl_func *func;
} py_func_object;

/* An update stage of a Func (f.update(i)); starts like py_func_object so that the
 * scheduling methods serve both. */
typedef struct {
    PyObject_HEAD
    hl_func *func;
    int stage; /* 1-based: f.update(i) is stage i + 1; 0 for a specialization */
    int spec;  /* f.specialize(c): 1-based specialization of the pure stage, else 0 */
} py_stage_object;

/* key (an index: one item, a tuple or a list) as a tuple with the placeholder Var _ replaced
 * by the implicit Vars _0.._{k-1}: k = count, or when count < 0 the dimensions the other
 * items leave (dims - items). *found says whether _ was there. New reference, or NULL. */
PyObject *py_expand_placeholder(py_state *st, PyObject *key, int dims, int count, int *found);
/* A new Func object for f (steals the reference). */
PyObject *py_func_wrap(py_state *st, hl_func *f);
/* The RVars of update `stage` of f, as a list. */
PyObject *py_rvars_of(py_state *st, hl_func *f, int stage);
/* New Stage object for stage `stage` of f (retains f). */
PyObject *py_stage_wrap(py_state *st, hl_func *f, int stage);

/* Writes text (an hl_ string, freed here) to filename; None, or NULL with OSError. */
PyObject *py_write_text(const char *filename, char *text);
/* Writes a lowered statement as text or, when fmt is StmtOutputFormat.HTML (1), as an HTML
 * page titled `title`; takes text (hl_string_free). */
PyObject *py_write_stmt(const char *filename, char *text, PyObject *fmt, const char *title);

/* What realize() runs: a Func or a Pipeline, its outputs, and how to compile and run it. */
typedef struct py_realize_target {
    void *target;
    hl_status (*compile)(void *target);
    hl_status (*realize)(void *target, int n, hl_buffer *const *buffers);
    hl_status (*bounds_query)(void *target, int n, hl_buffer *const *buffers);
    int noutputs;
    hl_func *const *outputs;
} py_realize_target;

/* realize(sizes | Buffer | [Buffers]) for a Func or a Pipeline: a Buffer when there is one
 * output value, a tuple of Buffers otherwise, None when realizing into given Buffers. */
PyObject *py_realize(py_state *st, const py_realize_target *t, PyObject *what);
/* infer_input_bounds(sizes | Buffer | [Buffers]) for a Func or a Pipeline (py_func.c). */
PyObject *py_infer_input_bounds(py_state *st, const py_realize_target *t, PyObject *dst);
int py_pipeline_init(PyObject *module, py_state *st);
int py_param_init(PyObject *module, py_state *st);
int py_rdom_init(PyObject *module, py_state *st);
int py_func_ref_init(PyObject *module, py_state *st);

/* The scheduling methods of Func (py_schedule.c), listed in py_func.c's method table. */
PyObject *py_func_split(PyObject *self, PyObject *args, PyObject *kwds);
PyObject *py_func_fuse(PyObject *self, PyObject *args);
PyObject *py_func_rename(PyObject *self, PyObject *args);
PyObject *py_func_reorder(PyObject *self, PyObject *args);
PyObject *py_func_reorder_storage(PyObject *self, PyObject *args);
PyObject *py_func_serial(PyObject *self, PyObject *args);
PyObject *py_func_parallel(PyObject *self, PyObject *args, PyObject *kwds);
PyObject *py_func_vectorize(PyObject *self, PyObject *args, PyObject *kwds);
PyObject *py_func_unroll(PyObject *self, PyObject *args, PyObject *kwds);
PyObject *py_func_tile(PyObject *self, PyObject *args, PyObject *kwds);
PyObject *py_func_compute_root(PyObject *self, PyObject *unused);
PyObject *py_func_compute_inline(PyObject *self, PyObject *unused);
PyObject *py_func_compute_at(PyObject *self, PyObject *args);
PyObject *py_func_store_root(PyObject *self, PyObject *unused);
PyObject *py_func_store_at(PyObject *self, PyObject *args);
PyObject *py_func_hoist_storage(PyObject *self, PyObject *args);
PyObject *py_func_hoist_storage_root(PyObject *self, PyObject *unused);
PyObject *py_func_bound(PyObject *self, PyObject *args);
PyObject *py_func_bound_extent(PyObject *self, PyObject *args);
PyObject *py_func_set_estimate(PyObject *self, PyObject *args);
PyObject *py_func_set_estimates(PyObject *self, PyObject *args);
PyObject *py_func_align_bounds(PyObject *self, PyObject *args);
PyObject *py_func_align_extent(PyObject *self, PyObject *args);
PyObject *py_func_align_storage(PyObject *self, PyObject *args);
PyObject *py_func_partition_hint(PyObject *self, PyObject *args);
PyObject *py_func_partition_all_hint(PyObject *self, PyObject *unused);
PyObject *py_func_print_loop_nest(PyObject *self, PyObject *unused);

/* ---- Params (py_param.c) ------------------------------------------------------------------- */

/* Borrowed hl_param of a Param or ImageParam object, or NULL (no exception set). */
hl_param *py_param_get(py_state *st, PyObject *obj);

/* ---- Targets and ahead-of-time compilation (py_target.c, py_aot.c) ------------------------- */

int py_target_init(PyObject *module, py_state *st);
int py_aot_init(PyObject *module, py_state *st);
/* A Target object, a target string, or None (the unknown target, which compiles for the
 * host) as an hl_target; -1 with an exception otherwise. */
int py_as_target(py_state *st, PyObject *obj, hl_target *out);

/* ---- Buffers (py_buffer.c) -------------------------------------------------------------- */

/* Borrowed hl_buffer of a halide.Buffer object, or NULL with TypeError. */
hl_buffer *py_buffer_get(py_state *st, PyObject *obj);
/* New halide.Buffer object owning b (steals the reference to b). */
PyObject *py_buffer_wrap(py_state *st, hl_buffer *b);

#endif
