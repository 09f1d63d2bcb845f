/* vectorize_loops.c - turns vectorized For loops into vector code (Halide's VectorizeLoops).
 *
 * What it does: every For with op IR_FOR_VECTORIZED is replaced by its body, in which the
 * loop variable becomes ramp(min, 1, lanes) and every expression that depends on it is
 * widened to a vector: arithmetic, comparisons, select, casts, Let/LetStmt (a widened let
 * is renamed, or substituted when its value is a Ramp or Broadcast), Loads and Stores
 * (an index that stays a stride-1 Ramp becomes one dense vector access in codegen, any
 * other vector index a gather or scatter), pure extern and lane-wise intrinsic calls.
 * Scalar operands of vector operations are broadcast. An IfThenElse whose condition
 * varies across lanes becomes predicated Loads and Stores when its branches hold only
 * stores, lets and ifs; inner loops keep running serially with a widened body. Anything
 * else that depends on the loop variable - an inner loop with varying bounds, an
 * Allocate, an assertion with a varying condition, an extern call with side effects, a
 * Shuffle - is scalarized: one copy of the original statement per lane, with the lane's
 * values extracted from the vectors in scope. Loops nested in a vectorized loop are
 * vectorized first; the outer loop then widens the inner vectors again.
 *
 * The number of lanes is the loop's extent when it is constant (through the lets around
 * the loop), else a constant upper bound of it (loop_extent.h), the body then running
 * under if (var < min + extent), which widens to predicated accesses (as Halide does).
 *
 * Input invariants: a flattened statement (Loads and Stores by flat index, no Provide or
 * Realize); well-typed expressions; IfThenElse conditions are scalar; the extent of a
 * vectorized loop is a constant or has a constant upper bound (otherwise the user error
 * "Can only vectorize for loops over a constant extent. Loop over <name> has extent
 * <expr>.", the reference's words).
 *
 * With lower_state.serial_vectors (C source output) a vectorized loop is only checked (its
 * extent, at most 1024 lanes) and becomes a serial loop over the same range: the statement
 * then has no vector types at all.
 *
 * Output guarantees: no For with op IR_FOR_VECTORIZED remains. Lane layout: when an
 * expression of K lanes is widened by a loop of n lanes it has K*n lanes, lane L holding
 * the loop's lane L / K and the original lane L % K. Both operands of every binary node
 * have one type; Store values, indices and predicates have equal lanes; a Load's
 * predicate has the lanes of its index. Memory is accessed per lane in the order the
 * statements appear (statement by statement for all lanes, as Halide does).
 */
#include "lower/lower.h"
#include "lower/loop_extent.h"
#include "lower/simplify.h"
#include "util/check.h"

#include <string.h>

/* A name bound (by a Let, LetStmt or For) around the code being widened. `value` is the
 * widened value the name now stands for (a Variable of the renamed vector let, or a
 * Ramp/Broadcast substituted in place); NULL when the binding did not change, which
 * hides outer bindings of the same name. Entries live in the C frames that bind them. */
typedef struct binding {
    struct binding *prev;
    const char *name;
    ir_node *value;
    int orig_lanes; /* lanes of the value before widening */
} binding;

typedef struct vectorizer {
    hl_ctx *ctx;
    const char *var; /* the loop variable being vectorized */
    ir_node *min;    /* its scalar start (a constant or a Variable) */
    ir_node *ramp;   /* its replacement: ramp(min, 1, lanes) */
    int lanes;
    binding *scope;
    /* A bool vector of `lanes` lanes under which the current statements run (inside an
     * if whose condition varies), or NULL. */
    ir_node *pred;
    /* Set when an expression cannot be widened; the enclosing statement is scalarized. */
    bool failed;
} vectorizer;

static ir_node *widen_expr(vectorizer *vz, ir_node *e);
static ir_node *widen_stmt(vectorizer *vz, ir_node *s);

/* ---- Lane bookkeeping ------------------------------------------------------------------ */

/* Whether w, the result of widening orig, depends on the loop (it has more lanes). */
static bool widened(const ir_node *orig, const ir_node *w) {
    return w->type.lanes != orig->type.lanes;
}

static ir_node *shuffle(hl_ctx *ctx, ir_node *x, int count, int32_t *indices) {
    ir_node *n = ir_alloc(ctx, IR_Shuffle, ir_with_lanes(x->type, count), 1, NULL);
    ir_set_kid(n, 0, x);
    n->indices = indices;
    return n;
}

static ir_node *broadcast_to(hl_ctx *ctx, ir_node *x, int total_lanes) {
    if (x->kind == IR_Broadcast) x = x->kids[0];
    if (x->type.lanes == total_lanes) return x;
    return ir_broadcast(ctx, x, total_lanes / x->type.lanes);
}

/* x is a widened expression of m*n lanes (loop lane o, original lane i at o*m + i).
 * Returns the widening of broadcast(x_original, k): m*k*n lanes, lane L holding
 * x[(L / (m*k)) * m + (L % (m*k)) % m]. */
static ir_node *spread(vectorizer *vz, ir_node *x, int m, int k) {
    hl_ctx *ctx = vz->ctx;
    int n = vz->lanes;
    if (k == 1) return x;
    if (x->kind == IR_Broadcast && m % x->kids[0]->type.lanes == 0)
        return broadcast_to(ctx, x, m * k * n);
    if (x->kind == IR_Ramp && x->kids[0]->type.lanes == m)
        return ir_ramp(ctx, ir_broadcast(ctx, x->kids[0], k), ir_broadcast(ctx, x->kids[1], k), n);
    int total = m * k * n;
    int32_t *idx = ctx_alloc(ctx, sizeof(int32_t) * (size_t)total);
    for (int L = 0; L < total; L++) idx[L] = (L / (m * k)) * m + (L % (m * k)) % m;
    return shuffle(ctx, x, total, idx);
}

/* The widened form of an operand of a K-lane operation: orig had 1 or K lanes, w is what
 * widening made of it. Returns K*n lanes in the layout of the file comment. */
static ir_node *fit(vectorizer *vz, const ir_node *orig, ir_node *w, int K) {
    int m = orig->type.lanes;
    internal_assert(vz->ctx, m == 1 || m == K, "operand of %d lanes in a %d-lane operation", m, K);
    if (widened(orig, w)) return m == K ? w : spread(vz, w, 1, K);
    return broadcast_to(vz->ctx, w, K * vz->lanes);
}

/* Lanes [start, start + count) of x, for scalarized code. */
static ir_node *extract_lanes(hl_ctx *ctx, ir_node *x, int start, int count) {
    if (x->kind == IR_Broadcast && x->kids[0]->type.lanes == 1)
        return count == 1 ? x->kids[0] : ir_broadcast(ctx, x->kids[0], count);
    if (x->kind == IR_Ramp && x->kids[0]->type.lanes == 1) {
        ir_node *base = x->kids[0], *stride = x->kids[1];
        if (start)
            base = ir_binary(ctx, IR_Add, base,
                             ir_binary(ctx, IR_Mul, stride, ir_make_const(ctx, stride->type, start)));
        return count == 1 ? base : ir_ramp(ctx, base, stride, count);
    }
    int32_t *idx = ctx_alloc(ctx, sizeof(int32_t) * (size_t)count);
    for (int i = 0; i < count; i++) idx[i] = start + i;
    return shuffle(ctx, x, count, idx);
}

/* ---- Scalarizing a statement ------------------------------------------------------------- */

static bool hidden_by_inner(const binding *scope, const binding *b) {
    for (const binding *i = scope; i != b; i = i->prev)
        if (strcmp(i->name, b->name) == 0) return true;
    return false;
}

/* One copy of the original statement s per lane, each with the loop variable and the
 * widened names in scope rebound to that lane's values, under the lane's predicate. */
static ir_node *scalarize(vectorizer *vz, ir_node *s) {
    hl_ctx *ctx = vz->ctx;
    bool var_hidden = false;
    for (const binding *b = vz->scope; b; b = b->prev) var_hidden |= strcmp(b->name, vz->var) == 0;
    ir_node *result = NULL;
    for (int lane = vz->lanes - 1; lane >= 0; lane--) {
        ir_node *copy = s;
        for (binding *b = vz->scope; b; b = b->prev) {
            if (!b->value || hidden_by_inner(vz->scope, b) || !ir_uses_var(ctx, copy, b->name))
                continue;
            ir_node *v = extract_lanes(ctx, b->value, lane * b->orig_lanes, b->orig_lanes);
            copy = ir_let_stmt(ctx, b->name, v, copy);
        }
        if (!var_hidden && ir_uses_var(ctx, copy, vz->var)) {
            ir_node *at = lane ? ir_binary(ctx, IR_Add, vz->min, ir_make_const(ctx, vz->min->type, lane))
                               : vz->min;
            copy = ir_let_stmt(ctx, vz->var, at, copy);
        }
        if (vz->pred) copy = ir_if(ctx, extract_lanes(ctx, vz->pred, lane, 1), copy, NULL);
        result = ir_block(ctx, copy, result);
    }
    return result;
}

/* ---- Purity ------------------------------------------------------------------------------ */

typedef struct {
    bool ok;
    bool loads_ok;
} pure_state;

static void check_pure(ir_visitor *v, const ir_node *n) {
    pure_state *s = v->state;
    if (n->kind == IR_Call && n->op != IR_CALL_PURE_EXTERN &&
        !(n->op == IR_CALL_INTRINSIC && n->op2 != IR_INTRIN_BUFFER_SET_BOUNDS &&
          n->op2 != IR_INTRIN_PRINT && n->op2 != IR_INTRIN_TRACE))
        s->ok = false;
    if (n->kind == IR_Load && !s->loads_ok) s->ok = false;
    if (s->ok) ir_visit_kids(v, n);
}

/* Whether e has no side effects (and, unless loads_ok, reads no memory). */
static bool is_pure(hl_ctx *ctx, const ir_node *e, bool loads_ok) {
    pure_state st = {true, loads_ok};
    ir_visitor v = {ctx, check_pure, &st};
    ir_visit(&v, e);
    return st.ok;
}

/* ---- Expressions ------------------------------------------------------------------------- */

static bool same_kid_type(const ir_node *a, const ir_node *b) {
    return ir_type_eq(a->kids[0]->type, b->kids[0]->type);
}

/* kind applied to a and b (one type, already widened), keeping Ramps and Broadcasts where
 * the result is one, so that indices stay dense ramps. */
static ir_node *vector_binary(hl_ctx *ctx, ir_kind kind, ir_node *a, ir_node *b) {
    bool ab = a->kind == IR_Broadcast, bb = b->kind == IR_Broadcast;
    bool ar = a->kind == IR_Ramp, br = b->kind == IR_Ramp;
    if (ab && bb && same_kid_type(a, b))
        return ir_broadcast(ctx, ir_binary(ctx, kind, a->kids[0], b->kids[0]),
                            a->type.lanes / a->kids[0]->type.lanes);
    bool ints = (ir_is_int(a->type) || ir_is_uint(a->type)) && !ir_is_bool(a->type);
    if (!ints || !(ar || br) || !(ar || ab) || !(br || bb) || !same_kid_type(a, b)) return NULL;
    int n = a->type.lanes / a->kids[0]->type.lanes;
    switch ((int)kind) {
    case IR_Add:
    case IR_Sub:
        if (ar && br)
            return ir_ramp(ctx, ir_binary(ctx, kind, a->kids[0], b->kids[0]),
                           ir_binary(ctx, kind, a->kids[1], b->kids[1]), n);
        if (ar) return ir_ramp(ctx, ir_binary(ctx, kind, a->kids[0], b->kids[0]), a->kids[1], n);
        if (kind == IR_Add)
            return ir_ramp(ctx, ir_binary(ctx, kind, a->kids[0], b->kids[0]), b->kids[1], n);
        return ir_ramp(ctx, ir_binary(ctx, kind, a->kids[0], b->kids[0]),
                       ir_binary(ctx, IR_Sub, ir_make_zero(ctx, b->kids[1]->type), b->kids[1]), n);
    case IR_Mul:
        if (ar && bb)
            return ir_ramp(ctx, ir_binary(ctx, kind, a->kids[0], b->kids[0]),
                           ir_binary(ctx, kind, a->kids[1], b->kids[0]), n);
        if (ab && br)
            return ir_ramp(ctx, ir_binary(ctx, kind, a->kids[0], b->kids[0]),
                           ir_binary(ctx, kind, a->kids[0], b->kids[1]), n);
        return NULL;
    default: return NULL;
    }
}

static ir_node *widen_binary(vectorizer *vz, ir_node *e) {
    ir_node *a = e->kids[0], *b = e->kids[1];
    ir_node *aw = widen_expr(vz, a), *bw = widen_expr(vz, b);
    if (!widened(a, aw) && !widened(b, bw)) {
        if (aw == a && bw == b) return e;
        return ir_binary(vz->ctx, (ir_kind)e->kind, aw, bw);
    }
    int K = a->type.lanes > b->type.lanes ? a->type.lanes : b->type.lanes;
    aw = fit(vz, a, aw, K);
    bw = fit(vz, b, bw, K);
    ir_node *r = vector_binary(vz->ctx, (ir_kind)e->kind, aw, bw);
    return r ? r : ir_binary(vz->ctx, (ir_kind)e->kind, aw, bw);
}

static ir_node *widen_select(vectorizer *vz, ir_node *e) {
    ir_node *k[3], *w[3];
    bool any = false, changed = false;
    for (int i = 0; i < 3; i++) {
        k[i] = e->kids[i];
        w[i] = widen_expr(vz, k[i]);
        any |= widened(k[i], w[i]);
        changed |= w[i] != k[i];
    }
    if (!any) return changed ? ir_select(vz->ctx, w[0], w[1], w[2]) : e;
    int K = e->type.lanes;
    for (int i = 0; i < 3; i++) w[i] = fit(vz, k[i], w[i], K);
    return ir_select(vz->ctx, w[0], w[1], w[2]);
}

static ir_node *widen_load(vectorizer *vz, ir_node *e) {
    hl_ctx *ctx = vz->ctx;
    ir_node *index = e->kids[0], *pred = e->kids[1];
    ir_node *iw = widen_expr(vz, index), *pw = pred ? widen_expr(vz, pred) : NULL;
    bool any = widened(index, iw) || (pred && widened(pred, pw)) || vz->pred;
    if (!any) {
        if (iw == index && pw == pred) return e;
        return ir_load(ctx, e->type, e->name, iw, pw, (ir_ref_kind)e->ref_kind, e->ref);
    }
    int K = index->type.lanes;
    iw = fit(vz, index, iw, K);
    if (pred) pw = fit(vz, pred, pw, K);
    if (vz->pred) {
        ir_node *p = spread(vz, vz->pred, 1, K);
        pw = pw ? ir_binary(ctx, IR_And, pw, p) : p;
    }
    return ir_load(ctx, ir_with_lanes(e->type, K * vz->lanes), e->name, iw, pw,
                   (ir_ref_kind)e->ref_kind, e->ref);
}

/* Whether S == s * k, proven by the simplifier (integer strides). */
static bool stride_times(hl_ctx *ctx, ir_node *S, ir_node *s, int k) {
    if (!(ir_is_int(s->type) || ir_is_uint(s->type)) || s->type.lanes != 1) return false;
    ir_node *prod = simplify_expr(ctx, ir_binary(ctx, IR_Mul, s, ir_make_const(ctx, s->type, k)));
    return ir_equal(simplify_expr(ctx, S), prod);
}

/* ramp(b, s, k) with b and s of m lanes. */
static ir_node *widen_ramp(vectorizer *vz, ir_node *e) {
    hl_ctx *ctx = vz->ctx;
    ir_node *b = e->kids[0], *s = e->kids[1];
    int m = b->type.lanes, k = e->type.lanes / m, n = vz->lanes;
    ir_node *bw = widen_expr(vz, b), *sw = widen_expr(vz, s);
    if (!widened(b, bw) && !widened(s, sw)) return bw == b && sw == s ? e : ir_ramp(ctx, bw, sw, k);
    if (!widened(s, sw) && bw->kind == IR_Ramp && bw->kids[0]->type.lanes == m) {
        /* Loop lane o of b is B + o*S: lane (o, j) is B + j*s + o*S. */
        ir_node *B = bw->kids[0], *S = bw->kids[1];
        if (m == 1 && stride_times(ctx, S, sw, k)) return ir_ramp(ctx, B, sw, k * n);
        return ir_ramp(ctx, ir_ramp(ctx, B, sw, k), ir_broadcast(ctx, S, k), n);
    }
    /* In general: spread(b) + spread(s) * (0, 1, ..., k-1 per loop lane). */
    ir_node *bb = widened(b, bw) ? spread(vz, bw, m, k) : broadcast_to(ctx, bw, m * k * n);
    ir_node *ss = widened(s, sw) ? spread(vz, sw, m, k) : broadcast_to(ctx, sw, m * k * n);
    hl_type mt = b->type;
    ir_node *steps = ir_broadcast(ctx, ir_ramp(ctx, ir_make_zero(ctx, mt), ir_make_one(ctx, mt), k), n);
    return ir_binary(ctx, IR_Add, bb, ir_binary(ctx, IR_Mul, ss, steps));
}

/* Let (expression) or LetStmt: a widened value is renamed, or substituted when it is a
 * Ramp or Broadcast that reads no memory (so that indices built from it stay dense
 * ramps, and a substituted value cannot change between its binding and its uses). */
static ir_node *widen_let(vectorizer *vz, ir_node *n) {
    hl_ctx *ctx = vz->ctx;
    bool is_stmt = n->kind == IR_LetStmt;
    ir_node *value = n->kids[0], *body = n->kids[1];
    ir_node *vw = widen_expr(vz, value);
    if (is_stmt && vz->failed) {
        vz->failed = false;
        return scalarize(vz, n);
    }
    binding b = {vz->scope, n->name, NULL, value->type.lanes};
    const char *name = n->name;
    if (widened(value, vw)) {
        if ((vw->kind == IR_Ramp || vw->kind == IR_Broadcast) && is_pure(ctx, vw, false)) {
            b.value = vw;
            name = NULL;
        } else {
            name = ctx_unique_name(ctx, n->name);
            b.value = ir_var(ctx, vw->type, name);
        }
    }
    vz->scope = &b;
    ir_node *bw = is_stmt ? widen_stmt(vz, body) : widen_expr(vz, body);
    vz->scope = b.prev;
    if (!name) return bw;
    if (vw == value && bw == body && name == n->name) return n;
    return is_stmt ? ir_let_stmt(ctx, name, vw, bw) : ir_let(ctx, name, vw, bw);
}

static bool lanewise_call(const ir_node *e) {
    if (e->op == IR_CALL_PURE_EXTERN) return true;
    if (e->op != IR_CALL_INTRINSIC) return false;
    switch ((ir_intrinsic)e->op2) {
    case IR_INTRIN_BITWISE_AND:
    case IR_INTRIN_BITWISE_OR:
    case IR_INTRIN_BITWISE_XOR:
    case IR_INTRIN_BITWISE_NOT:
    case IR_INTRIN_SHIFT_LEFT:
    case IR_INTRIN_SHIFT_RIGHT:
    case IR_INTRIN_ABS:
    case IR_INTRIN_ABSD:
    case IR_INTRIN_LIKELY:
    case IR_INTRIN_PROMISE_CLAMPED:
    case IR_INTRIN_POPCOUNT:
    case IR_INTRIN_COUNT_LEADING_ZEROS:
    case IR_INTRIN_COUNT_TRAILING_ZEROS:
    case IR_INTRIN_RETURN_SECOND: return true;
    case IR_INTRIN_PRINT:
    case IR_INTRIN_TRACE:
    case IR_INTRIN_UNDEF:
    case IR_INTRIN_RANDOM:
    case IR_INTRIN_TARGET_QUERY:
    case IR_INTRIN_BUFFER_GET_HOST:
    case IR_INTRIN_BUFFER_GET_MIN:
    case IR_INTRIN_BUFFER_GET_EXTENT:
    case IR_INTRIN_BUFFER_GET_STRIDE:
    case IR_INTRIN_BUFFER_GET_DIMENSIONS:
    case IR_INTRIN_BUFFER_GET_TYPE_CODE:
    case IR_INTRIN_BUFFER_GET_TYPE_BITS:
    case IR_INTRIN_BUFFER_GET_TYPE_LANES:
    case IR_INTRIN_BUFFER_IS_BOUNDS_QUERY:
    case IR_INTRIN_BUFFER_SET_BOUNDS: return false;
    }
    return false;
}

/* Calls and Shuffles: kids widened lane-wise when the node is lane-wise, otherwise a
 * varying kid makes the statement scalarized. */
/* A load or store trace event whose value or coordinates vary: one vector event (value and
 * coordinates with every lane), as the reference reports vector accesses. Under a lane
 * predicate, or for other events, the statement runs lane by lane instead. */
static ir_node *widen_trace(vectorizer *vz, ir_node *e, ir_node **w) {
    int64_t code = -1;
    ir_const_int(e->kids[0], &code);
    if (vz->pred || (code != halide_trace_load && code != halide_trace_store) || e->type.lanes != 1) {
        vz->failed = true;
        return e;
    }
    for (int i = 0; i < 3; i++) w[i] = e->kids[i];
    for (int i = 3; i < e->nkids; i++) w[i] = fit(vz, e->kids[i], w[i], 1);
    ir_node *c = ir_copy_with_kids(vz->ctx, e, w);
    c->type = ir_with_lanes(e->type, vz->lanes);
    return c;
}

static ir_node *widen_kids(vectorizer *vz, ir_node *e) {
    hl_ctx *ctx = vz->ctx;
    ir_node **w = ctx_alloc(ctx, sizeof(ir_node *) * (size_t)(e->nkids ? e->nkids : 1));
    bool any = false, changed = false;
    for (int i = 0; i < e->nkids; i++) {
        w[i] = widen_expr(vz, e->kids[i]);
        any |= widened(e->kids[i], w[i]);
        changed |= w[i] != e->kids[i];
    }
    if (!any) return changed ? ir_copy_with_kids(ctx, e, w) : e;
    int K = e->type.lanes;
    if (e->kind == IR_Call && e->op == IR_CALL_INTRINSIC && e->op2 == IR_INTRIN_TRACE) return widen_trace(vz, e, w);
    if (e->kind != IR_Call || !lanewise_call(e)) {
        vz->failed = true;
        return e;
    }
    for (int i = 0; i < e->nkids; i++) {
        int m = e->kids[i]->type.lanes;
        if (m != 1 && m != K) {
            vz->failed = true;
            return e;
        }
        w[i] = fit(vz, e->kids[i], w[i], K);
    }
    ir_node *c = ir_copy_with_kids(ctx, e, w);
    c->type = ir_with_lanes(e->type, K * vz->lanes);
    return c;
}

static ir_node *widen_unary(vectorizer *vz, ir_node *e) {
    hl_ctx *ctx = vz->ctx;
    ir_node *a = e->kids[0], *aw = widen_expr(vz, a);
    if (aw == a) return e;
    bool wide = widened(a, aw);
    if (e->kind == IR_Not) return ir_not(ctx, aw);
    if (wide && e->kind == IR_Reinterpret && e->type.lanes != a->type.lanes) {
        vz->failed = true;
        return e;
    }
    hl_type t = wide ? ir_with_lanes(e->type, aw->type.lanes) : e->type;
    return e->kind == IR_Cast ? ir_cast(ctx, t, aw) : ir_reinterpret(ctx, t, aw);
}

static ir_node *widen_variable(vectorizer *vz, ir_node *e) {
    for (const binding *b = vz->scope; b; b = b->prev)
        if (strcmp(b->name, e->name) == 0) return b->value ? b->value : e;
    if (strcmp(e->name, vz->var) == 0) {
        internal_assert(vz->ctx, e->type.lanes == 1, "vectorized loop variable %s is a vector", e->name);
        return vz->ramp;
    }
    return e;
}

static ir_node *widen(vectorizer *vz, ir_node *e) {
    switch ((ir_kind)e->kind) {
    case IR_IntImm:
    case IR_UIntImm:
    case IR_FloatImm:
    case IR_StringImm: return e;
    case IR_Cast:
    case IR_Reinterpret:
    case IR_Not: return widen_unary(vz, e);
    case IR_Variable: return widen_variable(vz, e);
    case IR_Add:
    case IR_Sub:
    case IR_Mul:
    case IR_Div:
    case IR_Mod:
    case IR_Min:
    case IR_Max:
    case IR_EQ:
    case IR_NE:
    case IR_LT:
    case IR_LE:
    case IR_GT:
    case IR_GE:
    case IR_And:
    case IR_Or: return widen_binary(vz, e);
    case IR_Select: return widen_select(vz, e);
    case IR_Load: return widen_load(vz, e);
    case IR_Ramp: return widen_ramp(vz, e);
    case IR_Broadcast: {
        ir_node *x = e->kids[0], *xw = widen_expr(vz, x);
        int m = x->type.lanes, k = e->type.lanes / m;
        if (widened(x, xw)) return spread(vz, xw, m, k);
        return xw == x ? e : ir_broadcast(vz->ctx, xw, k);
    }
    case IR_Let: return widen_let(vz, e);
    case IR_Call:
    case IR_Shuffle: return widen_kids(vz, e);
    case IR_LetStmt:
    case IR_AssertStmt:
    case IR_ProducerConsumer:
    case IR_For:
    case IR_Store:
    case IR_Provide:
    case IR_Allocate:
    case IR_Free:
    case IR_Realize:
    case IR_Block:
    case IR_IfThenElse:
    case IR_Evaluate: break;
    }
    internal_error(vz->ctx, "vectorize: %s is not an expression", ir_kind_name((ir_kind)e->kind));
}

/* Returns e itself when it does not depend on the loop; a result with more lanes than e
 * when it does (K*n lanes for K-lane e). Sets vz->failed when e cannot be widened. */
static ir_node *widen_expr(vectorizer *vz, ir_node *e) {
    if (!e) return NULL;
    ctx_enter(vz->ctx);
    ir_node *r = widen(vz, e);
    ctx_leave(vz->ctx);
    return r;
}

/* ---- Statements ------------------------------------------------------------------------ */

/* Whether s can run under a lane predicate: only stores, lets, ifs and pure evaluations,
 * with no call that has side effects. */
static bool predicatable(hl_ctx *ctx, const ir_node *s) {
    if (!s) return true;
    switch ((int)s->kind) {
    case IR_Store:
    case IR_LetStmt:
    case IR_IfThenElse:
    case IR_Evaluate:
    case IR_Block:
    case IR_ProducerConsumer: break;
    default: return false;
    }
    for (int i = 0; i < s->nkids; i++) {
        const ir_node *k = s->kids[i];
        if (k && !(ir_is_stmt(k) ? predicatable(ctx, k) : is_pure(ctx, k, true))) return false;
    }
    return true;
}

static ir_node *widen_store(vectorizer *vz, ir_node *s) {
    hl_ctx *ctx = vz->ctx;
    ir_node *value = s->kids[0], *index = s->kids[1], *pred = s->kids[2];
    ir_node *vw = widen_expr(vz, value), *iw = widen_expr(vz, index);
    ir_node *pw = widen_expr(vz, pred);
    if (vz->failed) {
        vz->failed = false;
        return scalarize(vz, s);
    }
    bool any = widened(value, vw) || widened(index, iw) || (pred && widened(pred, pw)) || vz->pred;
    if (!any) {
        /* An atomic update the vector loop does not change still happens once per lane. */
        if (s->op) return scalarize(vz, s);
        if (vw == value && iw == index && pw == pred) return s;
        return ir_store(ctx, s->name, vw, iw, pw, (ir_ref_kind)s->ref_kind, s->ref);
    }
    int K = index->type.lanes;
    vw = fit(vz, value, vw, K);
    iw = fit(vz, index, iw, K);
    if (pred) pw = fit(vz, pred, pw, K);
    if (vz->pred) {
        ir_node *p = spread(vz, vz->pred, 1, K);
        pw = pw ? ir_binary(ctx, IR_And, pw, p) : p;
    }
    ir_node *st = ir_store(ctx, s->name, vw, iw, pw, (ir_ref_kind)s->ref_kind, s->ref);
    st->op = s->op; /* atomic: codegen updates lane by lane */
    return st;
}

/* Evaluate and AssertStmt: an assertion or evaluation that varies is scalarized. */
static ir_node *widen_leaf(vectorizer *vz, ir_node *s) {
    ir_node *w[2] = {NULL, NULL};
    bool any = false, changed = false;
    for (int i = 0; i < s->nkids; i++) {
        w[i] = widen_expr(vz, s->kids[i]);
        any |= s->kids[i] && widened(s->kids[i], w[i]);
        changed |= w[i] != s->kids[i];
    }
    if (vz->failed || (any && s->kind == IR_AssertStmt)) {
        vz->failed = false;
        return scalarize(vz, s);
    }
    if (!changed) return s;
    return s->kind == IR_Evaluate ? ir_evaluate(vz->ctx, w[0]) : ir_copy_with_kids(vz->ctx, s, w);
}

/* An inner loop runs serially over a widened body; if its bounds vary, it is scalarized. */
static ir_node *widen_for(vectorizer *vz, ir_node *s) {
    ir_node *min = s->kids[0], *extent = s->kids[1], *body = s->kids[2];
    ir_node *mw = widen_expr(vz, min), *ew = widen_expr(vz, extent);
    if (vz->failed || widened(min, mw) || widened(extent, ew)) {
        vz->failed = false;
        return scalarize(vz, s);
    }
    binding b = {vz->scope, s->name, NULL, 1};
    vz->scope = &b;
    ir_node *bw = widen_stmt(vz, body);
    vz->scope = b.prev;
    if (mw == min && ew == extent && bw == body) return s;
    ir_node *kids[3] = {mw, ew, bw};
    return ir_copy_with_kids(vz->ctx, s, kids);
}

static ir_node *widen_if(vectorizer *vz, ir_node *s) {
    hl_ctx *ctx = vz->ctx;
    ir_node *cond = s->kids[0], *then_s = s->kids[1], *else_s = s->kids[2];
    ir_node *cw = widen_expr(vz, cond);
    if (vz->failed) {
        vz->failed = false;
        return scalarize(vz, s);
    }
    if (!widened(cond, cw)) {
        ir_node *tw = widen_stmt(vz, then_s), *ew = widen_stmt(vz, else_s);
        if (cw == cond && tw == then_s && ew == else_s) return s;
        return ir_if(ctx, cw, tw, ew);
    }
    internal_assert(ctx, cond->type.lanes == 1, "vector condition of an IfThenElse");
    if (!predicatable(ctx, then_s) || !predicatable(ctx, else_s)) return scalarize(vz, s);
    /* The condition is evaluated once, before either branch can store. */
    const char *name = ctx_unique_name(ctx, "vector_cond");
    ir_node *c = ir_var(ctx, cw->type, name), *outer = vz->pred;
    vz->pred = outer ? ir_binary(ctx, IR_And, outer, c) : c;
    ir_node *tw = widen_stmt(vz, then_s);
    ir_node *ew = NULL;
    if (else_s) {
        ir_node *not_c = ir_not(ctx, c);
        vz->pred = outer ? ir_binary(ctx, IR_And, outer, not_c) : not_c;
        ew = widen_stmt(vz, else_s);
    }
    vz->pred = outer;
    return ir_let_stmt(ctx, name, cw, ir_block(ctx, tw, ew));
}

static ir_node *widen_stmt_kind(vectorizer *vz, ir_node *s) {
    hl_ctx *ctx = vz->ctx;
    switch ((ir_kind)s->kind) {
    case IR_LetStmt: return widen_let(vz, s);
    case IR_AssertStmt:
    case IR_Evaluate: return widen_leaf(vz, s);
    case IR_ProducerConsumer: {
        ir_node *bw = widen_stmt(vz, s->kids[0]);
        return bw == s->kids[0] ? s : ir_producer_consumer(ctx, s->name, s->op, bw);
    }
    case IR_For: return widen_for(vz, s);
    case IR_Store: return widen_store(vz, s);
    case IR_Block: {
        ir_node *a = widen_stmt(vz, s->kids[0]), *b = widen_stmt(vz, s->kids[1]);
        return a == s->kids[0] && b == s->kids[1] ? s : ir_block(ctx, a, b);
    }
    case IR_IfThenElse: return widen_if(vz, s);
    case IR_Free: return s;
    case IR_Allocate: /* a per-iteration allocation: one per lane */
    case IR_Provide:
    case IR_Realize: return scalarize(vz, s);
    case IR_IntImm:
    case IR_UIntImm:
    case IR_FloatImm:
    case IR_StringImm:
    case IR_Cast:
    case IR_Reinterpret:
    case IR_Variable:
    case IR_Add:
    case IR_Sub:
    case IR_Mul:
    case IR_Div:
    case IR_Mod:
    case IR_Min:
    case IR_Max:
    case IR_EQ:
    case IR_NE:
    case IR_LT:
    case IR_LE:
    case IR_GT:
    case IR_GE:
    case IR_And:
    case IR_Or:
    case IR_Not:
    case IR_Select:
    case IR_Load:
    case IR_Ramp:
    case IR_Broadcast:
    case IR_Let:
    case IR_Call:
    case IR_Shuffle: break;
    }
    internal_error(ctx, "vectorize: %s is not a statement", ir_kind_name((ir_kind)s->kind));
}

static ir_node *widen_stmt(vectorizer *vz, ir_node *s) {
    if (!s) return NULL;
    ctx_enter(vz->ctx);
    ir_node *r = widen_stmt_kind(vz, s);
    ctx_leave(vz->ctx);
    return r;
}

/* ---- The pass ------------------------------------------------------------------------------ */

static ir_node *vectorize_loop(hl_ctx *ctx, ir_node *loop, const loop_scope *scope, bool serial) {
    ir_node *min = loop->kids[0], *body = loop->kids[2];
    loop_count n = loop_extent_count(ctx, loop, scope);
    if (!n.found)
        user_error(ctx,
                   "Can only vectorize for loops over a constant extent.\nLoop over %s has extent %s.\n",
                   loop->name, ir_ctx_string(ctx, n.extent));
    int64_t lanes = n.count;
    if (serial) {
        ir_node *c = ir_copy_with_kids(ctx, loop, loop->kids);
        c->op = IR_FOR_SERIAL;
        return c;
    }
    if (lanes <= 0) return simplify_make_no_op(ctx);
    if (n.guarded) {
        ir_node *var = ir_var(ctx, min->type, loop->name);
        ir_node *end = ir_binary(ctx, IR_Add, min, loop->kids[1]);
        body = ir_if(ctx, ir_binary(ctx, IR_LT, var, end), body, NULL);
    }
    if (lanes == 1) return ir_let_stmt(ctx, loop->name, min, body);
    user_assert(ctx, lanes <= 1024, "Vectorized loop %s has %lld lanes; the maximum is 1024",
                loop->name, (long long)lanes);
    const char *base = NULL;
    if (!ir_is_const(min) && min->kind != IR_Variable) {
        base = ctx_unique_name(ctx, ctx_printf(ctx, "%s.base", loop->name));
        min = ir_var(ctx, min->type, base);
    }
    vectorizer vz = {ctx, loop->name, min, NULL, (int)lanes, NULL, NULL, false};
    vz.ramp = ir_ramp(ctx, min, ir_make_one(ctx, min->type), (int)lanes);
    ir_node *r = widen_stmt(&vz, body);
    return base ? ir_let_stmt(ctx, base, loop->kids[0], r) : r;
}

typedef struct vectorize_pass {
    const loop_scope *top; /* the enclosing loops and lets (loop_extent.h) */
    bool serial;
} vectorize_pass;

/* Bottom-up, so that a vectorized loop nested in another one is vectorized first. */
static ir_node *vectorize_mutate(ir_mutator *m, ir_node *n) {
    if (!ir_is_stmt(n)) return n;
    vectorize_pass *p = m->state;
    ir_node *r = loop_scope_mutate_kids(m, n, &p->top);
    if (r->kind == IR_For && r->op == IR_FOR_VECTORIZED) return vectorize_loop(m->ctx, r, p->top, p->serial);
    return r;
}

ir_node *lower_vectorize_loops(lower_state *ls, ir_node *s) {
    vectorize_pass p = {NULL, ls->serial_vectors};
    ir_mutator m = {ls->ctx, vectorize_mutate, &p};
    return ir_mutate(&m, s);
}
