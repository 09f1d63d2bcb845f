/* param.c - Params (scalar inputs) and ImageParams (buffer inputs). See hl_param.h.
 *
 * A Param stores its current value in `value`, laid out as the value of its type at
 * offset 0 (the JIT's argv points at it). Expressions refer to a Param through Variables
 * and calls whose ref is the hl_param; lowering makes it an argument of the pipeline.
 * Constraints are heap Exprs owned by the Param.
 */
#include "param.h"
#include "util/alloc.h"
#include "util/check.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

static _Atomic unsigned long next_param_id = 0;

static hl_status fail(hl_status s, const char *msg) {
    ctx_set_last_error(msg);
    return s;
}

static hl_status make(hl_type t, int dims, bool is_buffer, const char *name, hl_param **out) {
    *out = NULL;
    if (!hl_type_is_valid(t) || t.lanes != 1) return fail(HL_ERROR_USER, "A Param needs a scalar type Halide has");
    if (dims < 0 || dims > 16) return fail(HL_ERROR_USER, "An ImageParam has 0 to 16 dimensions");
    char generated[32];
    if (!name || !name[0]) {
        snprintf(generated, sizeof generated, "p%lu", atomic_fetch_add(&next_param_id, 1));
        name = generated;
    }
    hl_param *p = hl_calloc(1, sizeof *p);
    char *copy = hl_strdup(name);
    func_dim_constraint *c = is_buffer ? hl_calloc((size_t)(dims ? dims : 1), sizeof *c) : NULL;
    if (!p || !copy || (is_buffer && !c)) {
        hl_free(p);
        hl_free(copy);
        hl_free(c);
        return fail(HL_ERROR_NOMEM, "Out of memory");
    }
    p->refs = 1;
    p->name = copy;
    p->type = t;
    p->is_buffer = is_buffer;
    p->dimensions = dims;
    p->dims = c;
    if (is_buffer && dims > 0) {
        /* Halide's default: dense in dimension 0. */
        hl_status s = hl_expr_int(ir_int(32), 1, &c[0].stride);
        if (s != HL_OK) {
            hl_param_release(p);
            return s;
        }
    }
    *out = p;
    return HL_OK;
}

hl_status hl_param_new(hl_type t, const char *name, hl_param **out) { return make(t, 0, false, name, out); }

hl_status hl_image_param_new(hl_type t, int dimensions, const char *name, hl_param **out) {
    return make(t, dimensions, true, name, out);
}

void hl_param_retain(hl_param *p) {
    if (p) p->refs++;
}

void hl_param_release(hl_param *p) {
    if (!p || --p->refs > 0) return;
    ir_release(p->min_value);
    ir_release(p->max_value);
    ir_release(p->estimate);
    for (int d = 0; p->dims && d < p->dimensions; d++) {
        ir_release(p->dims[d].min);
        ir_release(p->dims[d].extent);
        ir_release(p->dims[d].stride);
    }
    hl_free(p->dims);
    hl_buffer_release(p->bound);
    hl_free(p->name);
    hl_free(p);
}

const char *hl_param_name(const hl_param *p) { return p->name; }
hl_type hl_param_type(const hl_param *p) { return p->type; }
int hl_param_is_buffer(const hl_param *p) { return p->is_buffer; }
int hl_param_dimensions(const hl_param *p) { return p->dimensions; }

/* ---- Values -------------------------------------------------------------------------------- */

hl_status hl_param_set_value(hl_param *p, hl_scalar k) {
    if (p->is_buffer) return fail(HL_ERROR_USER, "An ImageParam is set to a Buffer, not a number");
    hl_type t = p->type;
    char msg[256];
    param_value v;
    memset(&v, 0, sizeof v);
    if (ir_is_float(t)) {
        double d = k.is_float || k.is_big ? k.f : (double)k.i;
        if (t.bits == 64) v.f64 = d;
        else v.f32 = (float)d; /* float16/bfloat16 Params are stored as float32 */
    } else {
        if (k.is_float) {
            snprintf(msg, sizeof msg, "Param %s has type %s%d: it can't be set to the float %g", p->name,
                     ir_is_uint(t) ? "uint" : "int", t.bits, k.f);
            return fail(HL_ERROR_USER, msg);
        }
        bool fits = !k.is_big && (ir_is_int(t) ? k.i >= ir_type_imin(t) && k.i <= ir_type_imax(t)
                                               : k.i >= 0 && (t.bits >= 64 || (uint64_t)k.i <= ir_type_umax(t)));
        if (k.is_big == 2 && ir_is_uint(t) && t.bits == 64) fits = true; /* k.i holds the bits */
        if (!fits) {
            snprintf(msg, sizeof msg, "Value %lld does not fit in Param %s of type %s%d", (long long)k.i, p->name,
                     ir_is_uint(t) ? "uint" : "int", t.bits);
            return fail(HL_ERROR_USER, msg);
        }
        switch (t.bits) {
        case 1: v.u8 = (uint8_t)(k.i != 0); break;
        case 8: v.u8 = (uint8_t)k.i; break;
        case 16: v.u16 = (uint16_t)k.i; break;
        case 32: v.u32 = (uint32_t)k.i; break;
        default: v.u64 = (uint64_t)k.i; break;
        }
    }
    p->value = v;
    p->has_value = true;
    return HL_OK;
}

int hl_param_has_value(const hl_param *p) { return p->has_value; }
void hl_param_clear_value(hl_param *p) { p->has_value = false; }

hl_status hl_param_get_value(const hl_param *p, hl_expr **out) {
    hl_type t = p->type;
    const param_value *v = &p->value;
    if (ir_is_float(t)) return hl_expr_float(t, t.bits == 64 ? v->f64 : (double)v->f32, out);
    if (ir_is_uint(t))
        return hl_expr_uint(t, t.bits <= 8 ? v->u8 : t.bits == 16 ? v->u16 : t.bits == 32 ? v->u32 : v->u64, out);
    return hl_expr_int(t, t.bits == 8 ? (int8_t)v->u8 : t.bits == 16 ? (int16_t)v->u16
                          : t.bits == 32 ? (int32_t)v->u32 : (int64_t)v->u64, out);
}

static void replace(ir_node **slot, const hl_expr *e) {
    ir_retain((ir_node *)e);
    ir_release(*slot);
    *slot = (ir_node *)e;
}

hl_status hl_param_set_range(hl_param *p, const hl_expr *min, const hl_expr *max, int which) {
    if (p->is_buffer) return fail(HL_ERROR_USER, "set_range is for scalar Params");
    /* Bounds take the Param's type. */
    hl_expr *lo = NULL, *hi = NULL;
    hl_status s = HL_OK;
    if ((which & 1) && min) s = hl_expr_cast(p->type, hl_operand_expr(min), &lo);
    if (s == HL_OK && (which & 2) && max) s = hl_expr_cast(p->type, hl_operand_expr(max), &hi);
    if (s != HL_OK) {
        hl_expr_release(lo);
        return s;
    }
    if (which & 1) replace(&p->min_value, lo);
    if (which & 2) replace(&p->max_value, hi);
    hl_expr_release(lo);
    hl_expr_release(hi);
    func_bump_generation();
    return HL_OK;
}

const hl_expr *hl_param_min_value(const hl_param *p) { return p->min_value; }
const hl_expr *hl_param_max_value(const hl_param *p) { return p->max_value; }
const hl_expr *hl_param_estimate(const hl_param *p) { return p->estimate; }

hl_status hl_param_set_estimate(hl_param *p, const hl_expr *estimate) {
    replace(&p->estimate, estimate);
    return HL_OK;
}

/* ---- Expressions ------------------------------------------------------------------------------ */

typedef struct param_build {
    hl_param *p;
    int dim;
    const char *field;
    int nargs;
    hl_expr *const *args;
    ir_node *result;
} param_build;

static hl_status build(void (*fn)(hl_ctx *, void *), param_build *b, hl_expr **out) {
    hl_ctx ctx;
    ctx_init(&ctx, 1);
    *out = NULL;
    if (!ctx.arena) return fail(HL_ERROR_NOMEM, "Out of memory");
    int status = ctx_pcall(&ctx, fn, b);
    if (status == HL_OK && !(*out = ir_persist(b->result))) status = fail(HL_ERROR_NOMEM, "Out of memory");
    ctx_close(&ctx);
    return (hl_status)status;
}

static void build_var(hl_ctx *ctx, void *ud) {
    param_build *b = ud;
    user_assert(ctx, !b->p->is_buffer, "ImageParam %s can't be used as a scalar; call it with coordinates",
                b->p->name);
    ir_node *v = ir_var(ctx, b->p->type, b->p->name);
    ir_set_ref(v, IR_REF_PARAM, b->p);
    b->result = v;
}

hl_status hl_param_expr(hl_param *p, hl_expr **out) {
    param_build b = {p, 0, NULL, 0, NULL, NULL};
    return build(build_var, &b, out);
}

static void build_field(hl_ctx *ctx, void *ud) {
    param_build *b = ud;
    hl_param *p = b->p;
    user_assert(ctx, p->is_buffer, "Param %s has no dimensions", p->name);
    user_assert(ctx, b->dim >= 0 && b->dim < p->dimensions,
                "ImageParam %s has %d dimension%s; dimension %d does not exist", p->name, p->dimensions,
                p->dimensions == 1 ? "" : "s", b->dim);
    bool is_max = strcmp(b->field, "max") == 0;
    const char *field = is_max ? "min" : b->field;
    user_assert(ctx, strcmp(field, "min") == 0 || strcmp(field, "extent") == 0 || strcmp(field, "stride") == 0,
                "unknown buffer field %s", b->field);
    ir_node *v = ir_var(ctx, ir_int(32), ctx_printf(ctx, "%s.%s.%d", p->name, field, b->dim));
    ir_set_ref(v, IR_REF_PARAM, p);
    if (is_max) {
        ir_node *e = ir_var(ctx, ir_int(32), ctx_printf(ctx, "%s.extent.%d", p->name, b->dim));
        ir_set_ref(e, IR_REF_PARAM, p);
        v = ir_binary(ctx, IR_Sub, ir_binary(ctx, IR_Add, v, e), ir_make_one(ctx, ir_int(32)));
    }
    b->result = v;
}

hl_status hl_image_param_field(hl_param *p, int d, const char *field, hl_expr **out) {
    param_build b = {p, d, field, 0, NULL, NULL};
    return build(build_field, &b, out);
}

static void build_call(hl_ctx *ctx, void *ud) {
    param_build *b = ud;
    hl_param *p = b->p;
    user_assert(ctx, p->is_buffer, "Param %s is a scalar; it can't be called", p->name);
    user_assert(ctx, b->nargs == p->dimensions,
                "ImageParam %s has %d dimension%s, but is being accessed with %d argument%s", p->name,
                p->dimensions, p->dimensions == 1 ? "" : "s", b->nargs, b->nargs == 1 ? "" : "s");
    ir_node **args = ctx_alloc(ctx, sizeof(ir_node *) * (size_t)(b->nargs ? b->nargs : 1));
    for (int i = 0; i < b->nargs; i++) {
        ir_node *a = (ir_node *)b->args[i];
        user_assert(ctx, a && !ir_is_float(a->type) && !ir_is_handle(a->type) && a->type.lanes == 1,
                    "Argument %d of the call to ImageParam %s must be an integer expression", i + 1, p->name);
        args[i] = ir_type_eq(a->type, ir_int(32)) ? a : ir_cast(ctx, ir_int(32), a);
    }
    ir_node *call = ir_call(ctx, p->type, p->name, IR_CALL_IMAGE, b->nargs, args);
    ir_set_ref(call, IR_REF_PARAM, p);
    b->result = call;
}

hl_status hl_image_param_call(hl_param *p, int nargs, hl_expr *const *args, hl_expr **out) {
    param_build b = {p, 0, NULL, nargs, args, NULL};
    return build(build_call, &b, out);
}

/* ---- ImageParam binding and constraints ---------------------------------------------------- */

hl_status hl_image_param_set(hl_param *p, hl_buffer *b) {
    char msg[512];
    if (!p->is_buffer) return fail(HL_ERROR_USER, "A scalar Param is set to a number, not a Buffer");
    if (b) {
        halide_buffer_t *raw = hl_buffer_raw(b);
        if (raw->type.code != p->type.code || raw->type.bits != p->type.bits) {
            char a[48], t[48];
            snprintf(msg, sizeof msg, "Can't bind ImageParam %s of type %s to a Buffer of type %s", p->name,
                     hl_type_name(p->type, a, sizeof a),
                     hl_type_name(hl_type_make(raw->type.code, raw->type.bits, 1), t, sizeof t));
            return fail(HL_ERROR_USER, msg);
        }
        if (raw->dimensions != p->dimensions) {
            snprintf(msg, sizeof msg, "Can't bind ImageParam %s of %d dimensions to a Buffer of %d dimensions",
                     p->name, p->dimensions, raw->dimensions);
            return fail(HL_ERROR_USER, msg);
        }
        hl_buffer_retain(b);
    }
    hl_buffer_release(p->bound);
    p->bound = b;
    return HL_OK;
}

hl_buffer *hl_image_param_get(const hl_param *p) { return p->bound; }

static ir_node **constraint_slot(hl_param *p, int d, const char *field) {
    if (!p->is_buffer || d < 0 || d >= p->dimensions) return NULL;
    if (strcmp(field, "min") == 0) return &p->dims[d].min;
    if (strcmp(field, "extent") == 0) return &p->dims[d].extent;
    if (strcmp(field, "stride") == 0) return &p->dims[d].stride;
    return NULL;
}

hl_status hl_image_param_constrain(hl_param *p, int d, const char *field, const hl_expr *value) {
    ir_node **slot = constraint_slot(p, d, field);
    if (!slot) return fail(HL_ERROR_USER, "No such ImageParam dimension or field to constrain");
    if (value && (!(ir_is_int(value->type) || ir_is_uint(value->type)) || value->type.lanes != 1))
        return fail(HL_ERROR_USER, "An ImageParam constraint must be an integer expression");
    replace(slot, value);
    func_bump_generation();
    return HL_OK;
}

const hl_expr *hl_image_param_constraint(const hl_param *p, int d, const char *field) {
    ir_node **slot = constraint_slot((hl_param *)p, d, field);
    return slot ? *slot : NULL;
}

int hl_image_param_host_alignment(const hl_param *p) { return p->host_alignment > 0 ? p->host_alignment : 1; }

hl_status hl_image_param_trace_loads(hl_param *p) {
    if (!p->is_buffer) return fail(HL_ERROR_USER, "trace_loads applies to ImageParams");
    p->trace_loads = true;
    func_bump_generation();
    return HL_OK;
}

hl_status hl_image_param_set_host_alignment(hl_param *p, int bytes) {
    if (bytes <= 0 || (bytes & (bytes - 1))) return fail(HL_ERROR_USER, "host alignment must be a power of two");
    p->host_alignment = bytes;
    return HL_OK;
}
