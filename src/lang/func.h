/* func.h - the front end's Func object (internal layout; the public API is halide_c.h).
 *
 * A Func holds its pure definition (argument names and one heap Expr per value) and the
 * cache of its compiled JIT pipeline. Funcs are reference counted; an Expr calling a Func
 * holds a reference to it (Call node's ref).
 */
#ifndef HL_LANG_FUNC_H
#define HL_LANG_FUNC_H

#include "ir/ir.h"

#include <pthread.h>

typedef struct jit_pipeline jit_pipeline;

/* A LoopLevel with owned strings. */
typedef struct func_level {
    hl_level_kind kind;
    char *func, *var;
} func_level;

typedef enum func_split_kind { FUNC_SPLIT, FUNC_FUSE, FUNC_RENAME } func_split_kind;

/* One loop transformation, applied in order: split old -> (outer, inner) by factor;
 * fuse (inner, outer) -> old (the fused var); rename old -> outer. */
typedef struct func_split {
    func_split_kind kind;
    char *old_var, *outer, *inner;
    ir_node *factor; /* heap Expr; split only */
    hl_tail_strategy tail;
} func_split;

/* One loop of the stage, innermost first. */
typedef struct func_dim {
    char *var;
    hl_loop_kind kind;
} func_dim;

/* bound/estimate/align on a pure var. */
typedef struct func_bound {
    char *var;
    ir_node *min, *extent;         /* bound: min may be NULL (extent only) */
    ir_node *modulus, *remainder;  /* align_bounds / align_extent */
    int is_estimate;
} func_bound;

typedef struct func_schedule {
    int allow_race;       /* parallel/vectorized RVars allowed (allow_race_conditions, atomic) */
    int atomic;           /* atomic(): 1, or 2 with override_associativity_test */
    func_level compute, store;
    int ndims;
    func_dim *dims;
    int nsplits;
    func_split *splits;
    int nbounds;
    func_bound *bounds;
    int nstorage;
    char **storage;       /* storage dimension order, innermost first */
    int *storage_align;   /* align_storage per storage dim (0 = none) */
} func_schedule;

struct hl_func {
    int32_t refs;
    char *name;
    int nargs;
    char **args;      /* pure argument names, outermost last */
    int nvalues;
    ir_node **values; /* heap Exprs, one per tuple element; NULL when undefined */
    func_schedule sched;  /* of the pure definition; reset by each definition */
    int nupdates;
    struct func_update *updates; /* update definitions, in order (stage i + 1) */
    int nspecs;
    struct func_specialization *specs; /* specialize(): tried in order before `sched` */
    int nwrappers;
    struct func_wrapper *wrappers; /* in_() and clone_in() Funcs, owned */
    pthread_mutex_t lock; /* guards jit */
    jit_pipeline *jit;    /* compiled pipeline cache, or NULL */
    bool offload_hexagon; /* Func.hexagon(): a schedule marker (hl_target.h) */
    int trace_flags;      /* hl_trace_kind bits: trace_loads/stores/realizations */
    int device_api;       /* gpu_*() / copy_to_device(): a DeviceAPI other than Host, or 0 */
};

/* Every definition made anywhere bumps this; a cached pipeline compiled at an older
 * generation is re-lowered and kept only if its lowered statement is the same. */
unsigned long func_definition_generation(void);
/* Called by every definition and schedule change. */
void func_bump_generation(void);

/* An RDom: RVars "<name>.x"... over [mins, mins + extents), and an optional predicate. */
struct hl_rdom {
    int32_t refs;
    char *name;
    int dims;
    char **vars;        /* full RVar names */
    ir_node **mins, **extents;
    ir_node *predicate; /* heap Expr or NULL */
    bool used;          /* an update definition uses it: its predicate is final */
};

/* An update definition: f(args) = values over the pure Vars among args and the RVars of
 * `rdom`. Calls of f to itself in args and values are weak references (IR_REF_FUNC_WEAK). */
typedef struct func_update {
    int nargs;
    ir_node **args;
    int nvalues;
    ir_node **values;
    hl_rdom *rdom;      /* retained, or NULL */
    func_schedule sched;
} func_update;

/* f.specialize(condition): when the condition holds at run time, the pure stage runs with
 * this schedule's loops instead (a copy of the schedule at the time of specialize). A
 * specialize_fail() entry has no schedule and a message. */
typedef struct func_specialization {
    ir_node *condition; /* heap Expr; NULL for specialize_fail */
    func_schedule sched;
    char *fail_message;
} func_specialization;

/* Frees every specialization of f (schedule.c). */
void func_free_specializations(hl_func *f);
/* For an atomic() update stage: raises unless each value is f(args) op e with op
 * associative and e free of f (override: only that no value reads another value of f), so
 * that one atomic read-modify-write per value gives the serial result (rfactor.c). */
void func_check_atomic(hl_ctx *ctx, const hl_func *f, int stage, bool override);
/* Replaces update `stage` (1-based) by the last update, which it removes (rfactor.c). */
void func_replace_update(hl_func *f, int stage);
/* Frees every update of f (update.c). */
void func_free_updates(hl_func *f);

/* A Func that stands in for this one in calls from `consumer` (every consumer but the
 * wrapper itself when consumer is NULL): made by in_() (calls this Func) or clone_in() (a
 * copy of its definition). */
typedef struct func_wrapper {
    char *consumer;
    hl_func *wrapper;
    bool is_clone;
} func_wrapper;

/* The Func that calls from `caller` to `callee` go to (callee itself when no wrapper). */
hl_func *func_redirect(hl_func *callee, const hl_func *caller);
/* Releases f's wrappers; one that someone else still holds gets a copy of f's definition
 * so that it stays meaningful without f (wrappers.c). */
void func_drop_wrappers(hl_func *f);

/* Resets the schedule to the default for f's pure arguments (loops in argument order,
 * inline, storage in argument order); frees the previous one. 0, or -1 when out of memory
 * (the schedule is then empty). */
int func_schedule_reset(hl_func *f);
void func_schedule_free(func_schedule *s);

/* e with every random_float/int/uint call replaced by a hash of its call-site id, its
 * seed and args (the definition's arguments, int32): see random.c. Arena nodes. */
ir_node *func_lower_random(hl_ctx *ctx, ir_node *e, int nargs, ir_node *const *args);
bool func_uses_random(hl_ctx *ctx, const ir_node *e);

#endif
