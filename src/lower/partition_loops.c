/* partition_loops.c - clamp-free steady states: loops split where boundary clamps stop
 * mattering.
 *
 * Input: flattened statements, before vectorization (vectorized loops are still For
 * loops of constant extent). Boundary conditions and clamped accesses leave
 * min(e, hi) / max(e, lo) in loop bodies, which would keep vector loads from being dense.
 * Output: each loop whose only inner loops are vectorized ones, whose body has such
 * clamps with e linear in the loop variable (through lets, with constant coefficients; the
 * vectorized loops' variables count as invariant ranges) and the bound invariant, becomes
 * three loops over the same range: a prologue and an epilogue with the original body (its
 * vectorized loops made serial: a few scalar iterations beat gathers), and a steady state
 * in which every analysed clamp is known to be inactive and is replaced by its unclamped
 * operand (so that vector accesses become dense). The steady range is computed at run time
 * and clamped into the loop's range, so the three loops always cover it exactly once, in
 * order: the result is the same for any values. Only int32 clamps are analysed.
 */
#include "lower.h"
#include "simplify.h"
#include "util/check.h"

#include <string.h>

/* A linear form k*v + c (k a constant, c an invariant expression), per lane extreme. */
typedef struct linear {
    bool ok;
    int64_t k;
    ir_node *lo, *hi; /* the constant part's smallest and largest lane */
} linear;

typedef struct let_binding {
    const char *name;
    const ir_node *value;
    const struct let_binding *next;
} let_binding;

typedef struct clamp {
    const ir_node *node; /* the Min or Max to remove in the steady state */
    int dependent;       /* index of the operand that depends on the loop variable */
} clamp;

typedef struct partition_state {
    hl_ctx *ctx;
    const char *var;
    /* Variables of the inner vectorized loops: invariant, over [lo, hi]. */
    const char *range_names[16];
    ir_node *range_lo[16], *range_hi[16];
    int nranges;
    clamp found[64];
    int nfound;
    ir_node *lower_limit, *upper_limit; /* steady state: lower_limit <= v <= upper_limit */
} partition_state;

static bool is_found(const partition_state *st, const ir_node *n, int *dependent) {
    for (int i = 0; i < st->nfound; i++)
        if (st->found[i].node == n) {
            *dependent = st->found[i].dependent;
            return true;
        }
    return false;
}

static linear fail(void) { return (linear){false, 0, NULL, NULL}; }

static linear lin(partition_state *st, const ir_node *e, const let_binding *lets, int depth);

static bool uses_var(partition_state *st, const ir_node *e, const let_binding *lets, int depth) {
    linear l = lin(st, e, lets, depth);
    return !l.ok || l.k != 0;
}

static linear lin(partition_state *st, const ir_node *e, const let_binding *lets, int depth) {
    hl_ctx *ctx = st->ctx;
    if (depth > 64 || !ir_type_eq(ir_element_of(e->type), ir_int(32))) return fail();
    switch ((ir_kind)e->kind) {
    case IR_IntImm: return (linear){true, 0, (ir_node *)e, (ir_node *)e};
    case IR_Variable:
        if (strcmp(e->name, st->var) == 0) {
            ir_node *zero = ir_make_zero(ctx, ir_int(32));
            return (linear){true, 1, zero, zero};
        }
        for (const let_binding *b = lets; b; b = b->next)
            if (strcmp(b->name, e->name) == 0) return lin(st, b->value, b->next, depth + 1);
        for (int i = 0; i < st->nranges; i++)
            if (strcmp(st->range_names[i], e->name) == 0) return (linear){true, 0, st->range_lo[i], st->range_hi[i]};
        if (e->type.lanes != 1) return fail();
        return (linear){true, 0, (ir_node *)e, (ir_node *)e};
    case IR_Broadcast: return lin(st, e->kids[0], lets, depth + 1);
    case IR_Ramp: {
        linear base = lin(st, e->kids[0], lets, depth + 1);
        int64_t stride;
        if (!base.ok || !ir_const_int(e->kids[1], &stride)) return fail();
        int64_t spread = stride * (e->type.lanes - 1);
        ir_node *s = ir_make_const(ctx, ir_int(32), spread);
        if (spread >= 0) base.hi = ir_binary(ctx, IR_Add, base.hi, s);
        else base.lo = ir_binary(ctx, IR_Add, base.lo, s);
        return base;
    }
    case IR_Add:
    case IR_Sub: {
        linear a = lin(st, e->kids[0], lets, depth + 1), b = lin(st, e->kids[1], lets, depth + 1);
        if (!a.ok || !b.ok) return fail();
        if (e->kind == IR_Add)
            return (linear){true, a.k + b.k, ir_binary(ctx, IR_Add, a.lo, b.lo), ir_binary(ctx, IR_Add, a.hi, b.hi)};
        return (linear){true, a.k - b.k, ir_binary(ctx, IR_Sub, a.lo, b.hi), ir_binary(ctx, IR_Sub, a.hi, b.lo)};
    }
    case IR_Mul: {
        int64_t c;
        int which = ir_const_int(e->kids[1], &c) ? 0 : ir_const_int(e->kids[0], &c) ? 1 : -1;
        if (which < 0 || c < -4096 || c > 4096) return fail();
        linear a = lin(st, e->kids[which], lets, depth + 1);
        if (!a.ok) return fail();
        ir_node *k = ir_make_const(ctx, ir_int(32), c);
        ir_node *lo = ir_binary(ctx, IR_Mul, a.lo, k), *hi = ir_binary(ctx, IR_Mul, a.hi, k);
        return c >= 0 ? (linear){true, a.k * c, lo, hi} : (linear){true, a.k * c, hi, lo};
    }
    case IR_Min:
    case IR_Max: {
        int dependent;
        /* A clamp removed in the steady state is its dependent operand there. */
        if (is_found(st, e, &dependent)) return lin(st, e->kids[dependent], lets, depth + 1);
        linear a = lin(st, e->kids[0], lets, depth + 1), b = lin(st, e->kids[1], lets, depth + 1);
        if (a.ok && b.ok && a.k == 0 && b.k == 0)
            return (linear){true, 0, ir_binary(ctx, e->kind == IR_Min ? IR_Min : IR_Max, a.lo, b.lo),
                            ir_binary(ctx, e->kind == IR_Min ? IR_Min : IR_Max, a.hi, b.hi)};
        return fail();
    }
    default: return fail();
    }
}

static ir_node *max_or(hl_ctx *ctx, ir_node *a, ir_node *b) { return a ? ir_binary(ctx, IR_Max, a, b) : b; }
static ir_node *min_or(hl_ctx *ctx, ir_node *a, ir_node *b) { return a ? ir_binary(ctx, IR_Min, a, b) : b; }

/* Records a Min/Max of the loop variable against an invariant bound, and the range of the
 * variable where it is inactive. */
static void consider(partition_state *st, const ir_node *n, const let_binding *lets) {
    hl_ctx *ctx = st->ctx;
    if (st->nfound >= 64 || !ir_type_eq(ir_element_of(n->type), ir_int(32))) return;
    bool dep0 = uses_var(st, n->kids[0], lets, 0), dep1 = uses_var(st, n->kids[1], lets, 0);
    if (dep0 == dep1) return;
    int dependent = dep0 ? 0 : 1;
    linear a = lin(st, n->kids[dependent], lets, 0), b = lin(st, n->kids[1 - dependent], lets, 0);
    if (!a.ok || !b.ok || a.k == 0 || b.k != 0) return;
    ir_node *k = ir_make_const(ctx, ir_int(32), a.k > 0 ? a.k : -a.k);
    ir_node *km1 = ir_make_const(ctx, ir_int(32), (a.k > 0 ? a.k : -a.k) - 1);
    if (n->kind == IR_Min) {
        /* Inactive while a.hi(v) = k*v + a.hi <= b.lo. */
        ir_node *room = ir_binary(ctx, IR_Sub, b.lo, a.hi);
        if (a.k > 0) st->upper_limit = min_or(ctx, st->upper_limit, ir_binary(ctx, IR_Div, room, k));
        else st->lower_limit = max_or(ctx, st->lower_limit,
                                      ir_binary(ctx, IR_Div, ir_binary(ctx, IR_Add, ir_binary(ctx, IR_Sub, ir_make_zero(ctx, ir_int(32)), room), km1), k));
    } else {
        /* Inactive while a.lo(v) = k*v + a.lo >= b.hi. */
        ir_node *need = ir_binary(ctx, IR_Sub, b.hi, a.lo);
        if (a.k > 0) st->lower_limit = max_or(ctx, st->lower_limit, ir_binary(ctx, IR_Div, ir_binary(ctx, IR_Add, need, km1), k));
        else st->upper_limit = min_or(ctx, st->upper_limit,
                                      ir_binary(ctx, IR_Div, ir_binary(ctx, IR_Sub, ir_make_zero(ctx, ir_int(32)), need), k));
    }
    st->found[st->nfound++] = (clamp){n, dependent};
}

/* Post-order walk of the body collecting clamps (inner clamps first, so that an outer
 * clamp can see through an inner one). Stops at inner loops. */
static void collect(partition_state *st, const ir_node *n, const let_binding *lets, int depth) {
    if (!n || depth > 2000) return;
    if (n->kind == IR_For) {
        /* Inner vectorized loops: their variables are invariant ranges. */
        if (n->op != IR_FOR_VECTORIZED || st->nranges >= 16) return;
        st->range_names[st->nranges] = n->name;
        st->range_lo[st->nranges] = n->kids[0];
        st->range_hi[st->nranges] = ir_binary(st->ctx, IR_Sub, ir_binary(st->ctx, IR_Add, n->kids[0], n->kids[1]),
                                              ir_make_one(st->ctx, ir_int(32)));
        st->nranges++;
        collect(st, n->kids[2], lets, depth + 1);
        return;
    }
    if (n->kind == IR_Let || n->kind == IR_LetStmt) {
        collect(st, n->kids[0], lets, depth + 1);
        let_binding b = {n->name, n->kids[0], lets};
        collect(st, n->kids[1], &b, depth + 1);
        return;
    }
    for (int i = 0; i < n->nkids; i++) collect(st, n->kids[i], lets, depth + 1);
    if (n->kind == IR_Min || n->kind == IR_Max) consider(st, n, lets);
}

/* Whether n has a loop other than vectorized loops of constant extent. */
static bool has_inner_loop(const ir_node *n, int depth) {
    if (!n || depth > 2000) return false;
    int64_t extent;
    if (n->kind == IR_For && !(n->op == IR_FOR_VECTORIZED && ir_const_int(n->kids[1], &extent))) return true;
    for (int i = 0; i < n->nkids; i++)
        if (has_inner_loop(n->kids[i], depth + 1)) return true;
    return false;
}

/* The body with every recorded clamp replaced by its dependent operand. */
static ir_node *remove_clamps(ir_mutator *m, ir_node *n) {
    partition_state *st = m->state;
    int dependent;
    if ((n->kind == IR_Min || n->kind == IR_Max) && is_found(st, n, &dependent))
        return ir_mutate(m, n->kids[dependent]);
    return ir_mutate_kids(m, n);
}

/* The vectorized loops of a prologue or epilogue become serial. */
static ir_node *serialize(ir_mutator *m, ir_node *n) {
    n = ir_mutate_kids(m, n);
    if (n->kind == IR_For && n->op == IR_FOR_VECTORIZED) {
        ir_node *c = ir_copy_with_kids(m->ctx, n, n->kids);
        c->op = IR_FOR_SERIAL;
        return c;
    }
    return n;
}

static ir_node *partition(ir_mutator *m, ir_node *n) {
    if (n->kind != IR_For) return ir_mutate_kids(m, n);
    hl_ctx *ctx = m->ctx;
    n = ir_mutate_kids(m, n);
    if (n->op != IR_FOR_SERIAL || has_inner_loop(n->kids[2], 0)) return n;
    partition_state st = {.ctx = ctx, .var = n->name};
    collect(&st, n->kids[2], NULL, 0);
    if (st.nfound == 0) return n;
    ir_node *min = n->kids[0], *end = ir_binary(ctx, IR_Add, n->kids[0], n->kids[1]);
    /* Steady state [start, stop), clamped into [min, end) and ordered. */
    const char *start_name = ctx_printf(ctx, "%s.steady_start", n->name);
    const char *stop_name = ctx_printf(ctx, "%s.steady_stop", n->name);
    ir_node *start = st.lower_limit ? ir_binary(ctx, IR_Min, ir_binary(ctx, IR_Max, st.lower_limit, min), end) : min;
    ir_node *stop = st.upper_limit
                        ? ir_binary(ctx, IR_Min, ir_binary(ctx, IR_Max, ir_binary(ctx, IR_Add, st.upper_limit,
                                                                                 ir_make_one(ctx, ir_int(32))),
                                                             ir_var(ctx, ir_int(32), start_name)),
                                    end)
                        : end;
    ir_node *start_v = ir_var(ctx, ir_int(32), start_name), *stop_v = ir_var(ctx, ir_int(32), stop_name);
    ir_mutator rm = {ctx, remove_clamps, &st};
    ir_node *steady_body = ir_mutate(&rm, n->kids[2]);
    ir_for_type kind = (ir_for_type)n->op;
    ir_mutator ser = {ctx, serialize, NULL};
    ir_node *edge_body = ir_mutate(&ser, n->kids[2]);
    ir_node *prologue = ir_for(ctx, n->name, min, ir_binary(ctx, IR_Sub, start_v, min), kind, edge_body);
    ir_node *steady = ir_for(ctx, n->name, start_v, ir_binary(ctx, IR_Sub, stop_v, start_v), kind, steady_body);
    ir_node *epilogue = ir_for(ctx, n->name, stop_v, ir_binary(ctx, IR_Sub, end, stop_v), kind, edge_body);
    ir_node *s = ir_block(ctx, prologue, ir_block(ctx, steady, epilogue));
    s = ir_let_stmt(ctx, stop_name, stop, s);
    return ir_let_stmt(ctx, start_name, start, s);
}

ir_node *lower_partition_loops(lower_state *ls, ir_node *s) {
    ir_mutator m = {ls->ctx, partition, NULL};
    return ir_mutate(&m, s);
}
