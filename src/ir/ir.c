/* ir.c - node construction, reference counting, type helpers and constant queries.
 *
 * Constructors do no type promotion: they assume well-typed operands (the front end's
 * lang/operators.c and the passes guarantee that) and check the cheap invariants with
 * internal_assert. Heap nodes (ctx without arena) own their name inline after the kids.
 */
#include "ir.h"
#include "util/alloc.h"
#include "util/check.h"

#include <math.h>
#include <string.h>

static const char *const kind_names[] = {
#define IR_KIND_NAME(k, s, n) n,
    IR_NODE_LIST(IR_KIND_NAME)
#undef IR_KIND_NAME
};

const char *ir_kind_name(ir_kind k) { return k < IR_NUM_KINDS ? kind_names[k] : "?"; }

/* ORDER INTRINSICS */
static const char *const intrinsic_names[IR_INTRIN_NUM] = {
    "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not", "shift_left",
    "shift_right", "abs",        "absd",        "likely",      "return_second",
    "_halide_buffer_get_host", "_halide_buffer_get_min", "_halide_buffer_get_extent",
    "_halide_buffer_get_stride", "_halide_buffer_get_dimensions",
    "_halide_buffer_get_type_code", "_halide_buffer_get_type_bits",
    "_halide_buffer_get_type_lanes", "_halide_buffer_is_bounds_query",
    "_halide_buffer_set_bounds", "promise_clamped", "popcount", "count_leading_zeros",
    "count_trailing_zeros", "print", "undef", "random", "target_query", "trace",
};

const char *ir_intrinsic_name(ir_intrinsic i) {
    return i < IR_INTRIN_NUM ? intrinsic_names[i] : "?";
}

/* ---- Types ---------------------------------------------------------------------------- */

int64_t ir_type_imin(hl_type t) {
    if (ir_is_uint(t)) return 0;
    return t.bits >= 64 ? INT64_MIN : -((int64_t)1 << (t.bits - 1));
}

int64_t ir_type_imax(hl_type t) {
    if (ir_is_uint(t)) return t.bits >= 63 ? INT64_MAX : (int64_t)(((uint64_t)1 << t.bits) - 1);
    return t.bits >= 64 ? INT64_MAX : ((int64_t)1 << (t.bits - 1)) - 1;
}

uint64_t ir_type_umax(hl_type t) {
    return t.bits >= 64 ? UINT64_MAX : (((uint64_t)1 << t.bits) - 1);
}

int64_t ir_wrap_int(hl_type t, int64_t v) {
    if (t.bits >= 64) return v;
    uint64_t mask = ((uint64_t)1 << t.bits) - 1;
    uint64_t u = (uint64_t)v & mask;
    if (ir_is_int(t) && (u >> (t.bits - 1)) & 1) u |= ~mask;
    return (int64_t)u;
}

uint64_t ir_wrap_uint(hl_type t, uint64_t v) { return t.bits >= 64 ? v : v & ir_type_umax(t); }

static double round_to_bits(double v, int mantissa_bits) {
    if (!isfinite(v) || v == 0) return v;
    int e;
    double m = frexp(v, &e);
    double scale = ldexp(1.0, mantissa_bits + 1);
    return ldexp(nearbyint(m * scale) / scale, e);
}

double ir_round_float(hl_type t, double v) {
    if (t.code == halide_type_bfloat) return round_to_bits(v, 7);
    if (t.bits == 32) return (double)(float)v;
    if (t.bits == 16) return round_to_bits(v, 10);
    return v;
}

int hl_type_equal(hl_type a, hl_type b) { return ir_type_eq(a, b); }

bool ir_type_can_represent(hl_type t, hl_type o) {
    if (t.lanes != o.lanes) return false;
    if (ir_is_handle(t) || ir_is_handle(o)) return t.code == o.code && t.bits == o.bits;
    if (t.code == halide_type_bfloat || o.code == halide_type_bfloat)
        return t.code == o.code && t.bits >= o.bits;
    if (ir_is_float(t) && ir_is_float(o)) return t.bits >= o.bits;
    if (ir_is_float(t)) { /* an integer fits when its magnitude fits the mantissa */
        int mantissa = t.bits == 16 ? 11 : t.bits == 32 ? 24 : 53;
        return (ir_is_int(o) ? o.bits - 1 : o.bits) <= mantissa;
    }
    if (ir_is_float(o)) return false;
    if (t.code == o.code) return t.bits >= o.bits;
    if (ir_is_int(t)) return t.bits > o.bits; /* unsigned into signed */
    return false;                            /* signed into unsigned */
}

int hl_type_can_represent(hl_type t, hl_type o) { return ir_type_can_represent(t, o); }

/* ---- Allocation and reference counting -------------------------------------------------- */

ir_node *ir_alloc(hl_ctx *ctx, ir_kind kind, hl_type type, int nkids, const char *name) {
    internal_assert(ctx, nkids >= 0 && nkids < 65536, "bad kid count %d", nkids);
    size_t base = sizeof(ir_node) + (size_t)nkids * sizeof(ir_node *);
    size_t name_len = name ? strlen(name) + 1 : 0;
    ir_node *n;
    if (ctx->arena) {
        n = ctx_alloc(ctx, base);
        n->refs = IR_IMMORTAL;
        if (name) n->name = ctx_strdup(ctx, name);
    } else {
        n = ctx_alloc(ctx, base + name_len);
        n->refs = 1;
        if (name) {
            char *copy = (char *)n + base;
            memcpy(copy, name, name_len);
            n->name = copy;
        }
    }
    n->kind = (uint8_t)kind;
    n->type = type;
    n->nkids = (uint16_t)nkids;
    return n;
}

void ir_retain(ir_node *n) {
    if (n && n->refs != IR_IMMORTAL) n->refs++;
}

static void retain_ref(ir_ref_kind kind, void *obj) {
    if (kind == IR_REF_FUNC) hl_func_retain(obj);
    else if (kind == IR_REF_BUFFER) hl_buffer_retain(obj);
    else if (kind == IR_REF_PARAM) hl_param_retain(obj);
    else if (kind == IR_REF_RDOM) hl_rdom_retain(obj);
}

static void release_ref(ir_ref_kind kind, void *obj) {
    if (kind == IR_REF_FUNC) hl_func_release(obj);
    else if (kind == IR_REF_BUFFER) hl_buffer_release(obj);
    else if (kind == IR_REF_PARAM) hl_param_release(obj);
    else if (kind == IR_REF_RDOM) hl_rdom_release(obj);
}

void ir_set_kid(ir_node *n, int i, ir_node *kid) {
    if (n->refs != IR_IMMORTAL) ir_retain(kid);
    n->kids[i] = kid;
}

void ir_set_ref(ir_node *n, ir_ref_kind kind, void *obj) {
    if (n->refs != IR_IMMORTAL && obj) retain_ref(kind, obj);
    n->ref_kind = (uint8_t)kind;
    n->ref = obj;
}

/* Iterative release with an explicit stack, so that a chain of a million Adds does not
 * overflow the C stack. Falls back to recursion only if the stack cannot grow. */
void ir_release(ir_node *n) {
    if (!n || n->refs == IR_IMMORTAL || --n->refs > 0) return;
    ir_node *small[64];
    ir_node **stack = small;
    size_t cap = 64, top = 0;
    stack[top++] = n;
    while (top) {
        ir_node *cur = stack[--top];
        for (int i = 0; i < cur->nkids; i++) {
            ir_node *k = cur->kids[i];
            if (!k || k->refs == IR_IMMORTAL || --k->refs > 0) continue;
            if (top == cap) {
                ir_node **bigger = hl_malloc(cap * 2 * sizeof *bigger);
                if (!bigger) {
                    k->refs = 1;
                    ir_release(k);
                    continue;
                }
                memcpy(bigger, stack, top * sizeof *bigger);
                if (stack != small) hl_free(stack);
                stack = bigger;
                cap *= 2;
            }
            stack[top++] = k;
        }
        release_ref(cur->ref_kind, cur->ref);
        hl_free(cur);
    }
    if (stack != small) hl_free(stack);
}

ir_node *ir_copy_with_kids(hl_ctx *ctx, const ir_node *n, ir_node *const *new_kids) {
    ir_node *c = ir_alloc(ctx, (ir_kind)n->kind, n->type, n->nkids, n->name);
    c->op = n->op;
    c->op2 = n->op2;
    c->imm = n->imm;
    c->indices = n->indices;
    ir_set_ref(c, (ir_ref_kind)n->ref_kind, n->ref);
    for (int i = 0; i < n->nkids; i++) ir_set_kid(c, i, new_kids[i]);
    return c;
}

/* ---- Constants ---------------------------------------------------------------------------- */

static ir_node *broadcast_if_vector(hl_ctx *ctx, hl_type t, ir_node *scalar) {
    return t.lanes > 1 ? ir_broadcast(ctx, scalar, t.lanes) : scalar;
}

ir_node *ir_int_imm(hl_ctx *ctx, hl_type t, int64_t v) {
    ir_node *n = ir_alloc(ctx, IR_IntImm, ir_element_of(t), 0, NULL);
    n->imm.i = ir_wrap_int(t, v);
    return broadcast_if_vector(ctx, t, n);
}

ir_node *ir_uint_imm(hl_ctx *ctx, hl_type t, uint64_t v) {
    ir_node *n = ir_alloc(ctx, IR_UIntImm, ir_element_of(t), 0, NULL);
    n->imm.u = ir_wrap_uint(t, v);
    return broadcast_if_vector(ctx, t, n);
}

ir_node *ir_float_imm(hl_ctx *ctx, hl_type t, double v) {
    ir_node *n = ir_alloc(ctx, IR_FloatImm, ir_element_of(t), 0, NULL);
    n->imm.f = ir_round_float(t, v);
    return broadcast_if_vector(ctx, t, n);
}

ir_node *ir_make_const(hl_ctx *ctx, hl_type t, int64_t v) {
    if (ir_is_int(t)) return ir_int_imm(ctx, t, v);
    if (ir_is_uint(t)) return ir_uint_imm(ctx, t, (uint64_t)v);
    if (ir_is_float(t)) return ir_float_imm(ctx, t, (double)v);
    internal_error(ctx, "ir_make_const of a handle type");
}

ir_node *ir_make_zero(hl_ctx *ctx, hl_type t) { return ir_make_const(ctx, t, 0); }
ir_node *ir_make_one(hl_ctx *ctx, hl_type t) { return ir_make_const(ctx, t, 1); }

ir_node *ir_make_bool(hl_ctx *ctx, bool v, int lanes) {
    return ir_uint_imm(ctx, ir_with_lanes(ir_bool(), lanes), v);
}

ir_node *ir_string_imm(hl_ctx *ctx, const char *s) {
    return ir_alloc(ctx, IR_StringImm, ir_handle(), 0, s);
}

/* ---- Expressions ---------------------------------------------------------------------------- */

ir_node *ir_var(hl_ctx *ctx, hl_type t, const char *name) {
    return ir_alloc(ctx, IR_Variable, t, 0, name);
}

static ir_node *make_n(hl_ctx *ctx, ir_kind kind, hl_type t, int nkids, ir_node *const *kids) {
    ir_node *n = ir_alloc(ctx, kind, t, nkids, NULL);
    for (int i = 0; i < nkids; i++) ir_set_kid(n, i, kids[i]);
    return n;
}

ir_node *ir_binary(hl_ctx *ctx, ir_kind kind, ir_node *a, ir_node *b) {
    internal_assert(ctx, a && b, "null operand of %s", ir_kind_name(kind));
    internal_assert(ctx, ir_type_eq(a->type, b->type) || (kind == IR_And || kind == IR_Or),
                    "operand types of %s differ", ir_kind_name(kind));
    hl_type t = a->type;
    if (kind >= IR_EQ && kind <= IR_GE) t = ir_with_lanes(ir_bool(), a->type.lanes);
    ir_node *kids[2] = {a, b};
    return make_n(ctx, kind, t, 2, kids);
}

ir_node *ir_not(hl_ctx *ctx, ir_node *a) { return make_n(ctx, IR_Not, a->type, 1, &a); }

ir_node *ir_cast(hl_ctx *ctx, hl_type t, ir_node *a) {
    if (ir_type_eq(t, a->type)) return a;
    internal_assert(ctx, t.lanes == a->type.lanes, "cast changes lanes");
    return make_n(ctx, IR_Cast, t, 1, &a);
}

ir_node *ir_reinterpret(hl_ctx *ctx, hl_type t, ir_node *a) {
    return make_n(ctx, IR_Reinterpret, t, 1, &a);
}

ir_node *ir_select(hl_ctx *ctx, ir_node *c, ir_node *t, ir_node *f) {
    internal_assert(ctx, ir_type_eq(t->type, f->type), "select branch types differ");
    ir_node *kids[3] = {c, t, f};
    return make_n(ctx, IR_Select, t->type, 3, kids);
}

ir_node *ir_ramp(hl_ctx *ctx, ir_node *base, ir_node *stride, int lanes) {
    ir_node *kids[2] = {base, stride};
    return make_n(ctx, IR_Ramp, ir_with_lanes(base->type, base->type.lanes * lanes), 2, kids);
}

ir_node *ir_broadcast(hl_ctx *ctx, ir_node *v, int lanes) {
    return make_n(ctx, IR_Broadcast, ir_with_lanes(v->type, v->type.lanes * lanes), 1, &v);
}

ir_node *ir_let(hl_ctx *ctx, const char *name, ir_node *value, ir_node *body) {
    ir_node *n = ir_alloc(ctx, IR_Let, body->type, 2, name);
    ir_set_kid(n, 0, value);
    ir_set_kid(n, 1, body);
    return n;
}

ir_node *ir_load(hl_ctx *ctx, hl_type t, const char *buffer, ir_node *index, ir_node *predicate,
                 ir_ref_kind ref_kind, void *ref) {
    ir_node *n = ir_alloc(ctx, IR_Load, t, 2, buffer);
    ir_set_kid(n, 0, index);
    ir_set_kid(n, 1, predicate);
    ir_set_ref(n, ref_kind, ref);
    return n;
}

ir_node *ir_call(hl_ctx *ctx, hl_type t, const char *name, ir_call_type call_type, int nargs,
                 ir_node *const *args) {
    ir_node *n = ir_alloc(ctx, IR_Call, t, nargs, name);
    n->op = call_type;
    for (int i = 0; i < nargs; i++) ir_set_kid(n, i, args[i]);
    return n;
}

ir_node *ir_call_intrinsic(hl_ctx *ctx, hl_type t, ir_intrinsic id, int nargs, ir_node *const *args) {
    ir_node *n = ir_call(ctx, t, ir_intrinsic_name(id), IR_CALL_INTRINSIC, nargs, args);
    n->op2 = id;
    return n;
}

/* ---- Statements ---------------------------------------------------------------------------- */

static const hl_type no_type = {0, 0, 0};

ir_node *ir_let_stmt(hl_ctx *ctx, const char *name, ir_node *value, ir_node *body) {
    ir_node *n = ir_alloc(ctx, IR_LetStmt, no_type, 2, name);
    ir_set_kid(n, 0, value);
    ir_set_kid(n, 1, body);
    return n;
}

ir_node *ir_assert_stmt(hl_ctx *ctx, ir_node *cond, ir_node *message, int error_code) {
    ir_node *kids[2] = {cond, message};
    ir_node *n = make_n(ctx, IR_AssertStmt, no_type, 2, kids);
    n->imm.i = error_code;
    return n;
}

ir_node *ir_producer_consumer(hl_ctx *ctx, const char *name, bool is_producer, ir_node *body) {
    ir_node *n = ir_alloc(ctx, IR_ProducerConsumer, no_type, 1, name);
    n->op = is_producer;
    ir_set_kid(n, 0, body);
    return n;
}

ir_node *ir_for(hl_ctx *ctx, const char *name, ir_node *min, ir_node *extent,
                ir_for_type for_type, ir_node *body) {
    ir_node *n = ir_alloc(ctx, IR_For, no_type, 3, name);
    n->op = for_type;
    ir_set_kid(n, 0, min);
    ir_set_kid(n, 1, extent);
    ir_set_kid(n, 2, body);
    return n;
}

ir_node *ir_store(hl_ctx *ctx, const char *buffer, ir_node *value, ir_node *index,
                  ir_node *predicate, ir_ref_kind ref_kind, void *ref) {
    ir_node *n = ir_alloc(ctx, IR_Store, no_type, 3, buffer);
    ir_set_kid(n, 0, value);
    ir_set_kid(n, 1, index);
    ir_set_kid(n, 2, predicate);
    ir_set_ref(n, ref_kind, ref);
    return n;
}

ir_node *ir_provide(hl_ctx *ctx, const char *func, void *func_ref, int nvalues,
                    ir_node *const *values, int nargs, ir_node *const *args) {
    ir_node *n = ir_alloc(ctx, IR_Provide, no_type, nvalues + nargs, func);
    n->op = nvalues;
    for (int i = 0; i < nvalues; i++) ir_set_kid(n, i, values[i]);
    for (int i = 0; i < nargs; i++) ir_set_kid(n, nvalues + i, args[i]);
    ir_set_ref(n, IR_REF_FUNC, func_ref);
    return n;
}

ir_node *ir_allocate(hl_ctx *ctx, const char *name, hl_type elem, int nextents,
                     ir_node *const *extents, ir_node *condition, ir_node *body) {
    ir_node *n = ir_alloc(ctx, IR_Allocate, elem, 2 + nextents, name);
    ir_set_kid(n, 0, body);
    ir_set_kid(n, 1, condition);
    for (int i = 0; i < nextents; i++) ir_set_kid(n, 2 + i, extents[i]);
    return n;
}

ir_node *ir_free(hl_ctx *ctx, const char *name) {
    return ir_alloc(ctx, IR_Free, no_type, 0, name);
}

ir_node *ir_block(hl_ctx *ctx, ir_node *a, ir_node *b) {
    if (!a) return b;
    if (!b) return a;
    ir_node *kids[2] = {a, b};
    return make_n(ctx, IR_Block, no_type, 2, kids);
}

ir_node *ir_if(hl_ctx *ctx, ir_node *cond, ir_node *then_case, ir_node *else_case) {
    ir_node *kids[3] = {cond, then_case, else_case};
    return make_n(ctx, IR_IfThenElse, no_type, 3, kids);
}

ir_node *ir_evaluate(hl_ctx *ctx, ir_node *value) {
    return make_n(ctx, IR_Evaluate, no_type, 1, &value);
}

/* ---- Queries ---------------------------------------------------------------------------- */

bool ir_is_const(const ir_node *n) {
    if (!n) return false;
    if (n->kind == IR_Broadcast) n = n->kids[0];
    return n->kind == IR_IntImm || n->kind == IR_UIntImm || n->kind == IR_FloatImm;
}

bool ir_const_int(const ir_node *n, int64_t *v) {
    if (!n) return false;
    if (n->kind == IR_Broadcast) n = n->kids[0];
    if (n->kind == IR_IntImm) {
        *v = n->imm.i;
        return true;
    }
    if (n->kind == IR_UIntImm && n->imm.u <= (uint64_t)INT64_MAX) {
        *v = (int64_t)n->imm.u;
        return true;
    }
    return false;
}

bool ir_is_const_value(const ir_node *n, int64_t v) {
    if (!n) return false;
    if (n->kind == IR_Broadcast) n = n->kids[0];
    if (n->kind == IR_FloatImm) return n->imm.f == (double)v;
    int64_t c;
    return ir_const_int(n, &c) && c == v;
}
