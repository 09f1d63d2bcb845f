/* lower.h - lowering a pipeline to one statement: the interface of src/lower/.
 *
 * lower_pipeline runs the passes listed in lower.c, in order, on the output Funcs'
 * definitions (and everything they call), producing a statement ready for codegen
 * (codegen.h states its conventions) plus the argument list the generated function
 * takes: the user context, the input buffers the pipeline reads and its scalar Params
 * (or, ahead of time, the caller's argument list), then one output buffer per value of
 * each output Func.
 */
#ifndef HL_LOWER_LOWER_H
#define HL_LOWER_LOWER_H

#include "codegen/codegen.h"
#include "lang/func.h"
#include "lang/param.h"

typedef struct lower_input {
    const char *name; /* the buffer's name in the IR */
    hl_buffer *buffer; /* a Buffer used directly, or NULL for an ImageParam */
    hl_param *param;   /* the ImageParam, or NULL */
    hl_type type;
    int dimensions;
    /* Compiled assuming stride 1 in dimension 0 (checked at run time): true when the
     * buffer is dense now; the JIT cache recompiles if that changes. */
    bool dense;
} lower_input;

/* A Func of the pipeline, as lowering sees it. */
typedef struct lower_func {
    hl_func *func;
    bool inlined;     /* computed inline (never an output) */
    bool is_output;   /* one of the pipeline's outputs: stored in its output buffer */
    ir_node **values; /* the definition with inlined Funcs substituted (arena) */
    /* The same for each update definition: arguments, values, RDom predicate (or NULL). */
    ir_node ***update_args, ***update_values, **update_predicates;
    /* Per update: its RDom's mins and extents, target queries answered (NULL: no RDom). */
    ir_node ***update_rdom_mins, ***update_rdom_extents;
    /* A Func with updates that is not scheduled is computed at the innermost loop of its
     * only consumer (root when it has several): the consumer, or NULL. */
    const hl_func *consumer;
    int nconsumers;
    bool implicit_level;
} lower_func;

/* The state every pass sees. Passes read it and may add to it (inputs are found by
 * bounds inference, for instance); all memory is the compile arena's. */
typedef struct lower_state {
    hl_ctx *ctx;
    int noutputs;
    hl_func *const *outputs;
    /* Every Func the output depends on, in realization order (producers first, the output
     * last); filled by schedule_functions. */
    int nfuncs;
    lower_func *funcs;
    /* Input buffers, in argument order. */
    int ninputs;
    lower_input *inputs;
    /* Scalar Params, in argument order (after the input buffers). */
    int nparams;
    hl_param **params;
    /* Ahead-of-time compiles (hl_aot.h): the caller's argument list (ImageParams and
     * Params, in order) replaces the inferred one, every Param the pipeline uses must be
     * in it, and __user_context comes first only with user_context_arg. */
    bool explicit_args;
    int nexplicit;
    hl_param *const *explicit_list;
    bool user_context_arg;
    /* The target compiled for, or NULL for the JIT's (the host's). */
    const hl_target *target;
    /* The pipeline's name in trace events: the AOT function name, or NULL (the first
     * output's name). */
    const char *pipeline_name;
    /* C source output (codegen_c.c): vectorized loops stay serial loops - same extent,
     * same tail handling, no vector types - instead of becoming vector code. */
    bool serial_vectors;
    /* When set, lowering stops after the pass of that name (for print_loop_nest). */
    const char *stop_after;
    /* Arguments of the generated function, filled by the driver at the end. */
    int nargs;
    cg_arg *args;
} lower_state;

typedef ir_node *(*lower_pass_fn)(lower_state *ls, ir_node *s);

/* Runs every pass; raises on error. Logs each pass's output when HL_DEBUG_LOWER is set
 * (1: names and timings, 2: statements too). */
ir_node *lower_pipeline(lower_state *ls);

/* The passes, one file each, in the order lower.c runs them. */
ir_node *lower_schedule_functions(lower_state *ls, ir_node *s);
ir_node *lower_bounds_inference(lower_state *ls, ir_node *s);
ir_node *lower_tracing(lower_state *ls, ir_node *s);
ir_node *lower_storage_flattening(lower_state *ls, ir_node *s);
ir_node *lower_profiling(lower_state *ls, ir_node *s);
ir_node *lower_unroll_loops(lower_state *ls, ir_node *s);
ir_node *lower_vectorize_loops(lower_state *ls, ir_node *s);
ir_node *lower_partition_loops(lower_state *ls, ir_node *s);
ir_node *lower_unpack_buffers(lower_state *ls, ir_node *s);
ir_node *lower_simplify_pass(lower_state *ls, ir_node *s);
/* After the passes and the argument list: the debug target feature's prints (debug_prints.c). */
ir_node *lower_debug_prints(lower_state *ls, ir_node *s);

/* The target compiled for: ls->target, or for the JIT the HL_JIT_TARGET one (the host's
 * when unset or unparsable) (lower.c). */
hl_target lower_target(const lower_state *ls);
/* Whether s is the "if (bounds query) {...} else {the pipeline}" bounds inference makes
 * (bounds_inference.c); passes that wrap the pipeline wrap its else branch. */
bool lower_is_bounds_query_branch(const ir_node *s);
/* Name of the storage of value i of Func f ("f", or "f.0", "f.1"... for Tuples); for an
 * output, the name of its output buffer argument. */
const char *lower_buffer_name(hl_ctx *ctx, const hl_func *f, int value_index);
/* The pipeline's Func of that name, or NULL. */
lower_func *lower_find_func(lower_state *ls, const char *name);
/* Finds the pipeline's Funcs, their realization order and inlined definitions, and checks
 * every compute/store LoopLevel (func_env.c). */
void lower_find_functions(lower_state *ls);
/* The loop nest computing Func f's pure stage over [f.s0.<arg>.min, f.s0.<arg>.max]
 * (loop_nest.c). */
ir_node *lower_build_loop_nest(lower_state *ls, const lower_func *lf);
/* The full loop name ("f.s0.x.xo") of loop `var` of Func f's schedule (loop_nest.c). */
const char *lower_loop_full_name(hl_ctx *ctx, const hl_func *f, const char *var);
/* The same in stage `stage` of f, or NULL when that stage has no such loop. */
const char *lower_loop_stage_name(hl_ctx *ctx, const hl_func *f, int stage, const char *var);
/* The loop nest as Halide's print_loop_nest shows it (print_loop_nest.c); heap string. */
char *lower_loop_nest_text(const ir_node *s);

#endif
