/* hl_schedule.h - the scheduling language of the public C API (included by halide_c.h).
 *
 * A schedule says where a Func is computed and stored (LoopLevels) and how its loops are
 * split, fused, reordered and run (serial, parallel, vectorized, unrolled). Every directive
 * goes through hl_func_schedule, which validates it against the Func's current loop list
 * and reports a user error naming the Func and the variable when it does not apply.
 */
#ifndef HALIDE_C_SCHEDULE_H
#define HALIDE_C_SCHEDULE_H

/* Halide's TailStrategy, in its order. */
typedef enum hl_tail_strategy {
    HL_TAIL_ROUND_UP,
    HL_TAIL_GUARD_WITH_IF,
    HL_TAIL_PREDICATE,
    HL_TAIL_PREDICATE_LOADS,
    HL_TAIL_PREDICATE_STORES,
    HL_TAIL_SHIFT_INWARDS,
    HL_TAIL_AUTO,
} hl_tail_strategy;

typedef enum hl_loop_kind {
    HL_LOOP_SERIAL,
    HL_LOOP_PARALLEL,
    HL_LOOP_VECTORIZED,
    HL_LOOP_UNROLLED,
} hl_loop_kind;

typedef enum hl_level_kind {
    HL_LEVEL_INHERITED, /* not set: store level follows the compute level */
    HL_LEVEL_INLINED,
    HL_LEVEL_ROOT,
    HL_LEVEL_AT,        /* inside the loop over `var` of Func `func` */
} hl_level_kind;

/* A LoopLevel. Strings are borrowed by the API and copied by the Func. */
typedef struct hl_loop_level {
    hl_level_kind kind;
    const char *func; /* HL_LEVEL_AT: the consumer Func's name */
    const char *var;  /* HL_LEVEL_AT: a loop variable of it ("x", "xo", "__outermost") */
} hl_loop_level;

typedef enum hl_directive_kind {
    HL_SCHED_SPLIT,           /* vars: old, outer, inner; factor; tail */
    HL_SCHED_FUSE,            /* vars: inner, outer, fused */
    HL_SCHED_RENAME,          /* vars: old, new */
    HL_SCHED_REORDER,         /* vars: innermost first */
    HL_SCHED_LOOP_KIND,       /* vars: the loop; loop_kind */
    HL_SCHED_COMPUTE_AT,      /* level */
    HL_SCHED_STORE_AT,        /* level */
    HL_SCHED_HOIST_STORAGE,   /* level (accepted; storage is placed at the store level) */
    HL_SCHED_BOUND,           /* vars: the pure var; min (may be NULL), extent */
    HL_SCHED_ESTIMATE,        /* vars: the pure var; min, extent (a hint, stored) */
    HL_SCHED_ALIGN_BOUNDS,    /* vars: the pure var; factor = modulus, min = remainder */
    HL_SCHED_ALIGN_EXTENT,    /* vars: the pure var; factor = modulus */
    HL_SCHED_ALIGN_STORAGE,   /* vars: the pure var; factor = alignment */
    HL_SCHED_REORDER_STORAGE, /* vars: pure vars, innermost first */
    HL_SCHED_PARTITION,       /* vars: the loop; loop_kind holds the policy (a hint) */
} hl_directive_kind;

typedef struct hl_schedule_directive {
    hl_directive_kind kind;
    int nvars;
    const char *const *vars;
    const hl_expr *factor, *min, *extent;
    hl_tail_strategy tail;
    hl_loop_kind loop_kind;
    hl_loop_level level;
} hl_schedule_directive;

hl_status hl_func_schedule(hl_func *f, const hl_schedule_directive *d);

/* The Func's loops, innermost first: names (borrowed) and kinds. */
int hl_func_num_loops(const hl_func *f);
const char *hl_func_loop_name(const hl_func *f, int i);
hl_loop_kind hl_func_loop_kind(const hl_func *f, int i);
hl_loop_level hl_func_compute_level(const hl_func *f);
hl_loop_level hl_func_store_level(const hl_func *f);

#endif
