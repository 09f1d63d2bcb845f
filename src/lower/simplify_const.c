/* simplify_const.c - constants as the simplifier sees them: reading a constant through a
 * Broadcast, the type class a rule is checked against, and the int32/int64 overflow rule.
 *
 * Input: any expression. Output: constants built with ir.h's constructors, which wrap
 * integers into their type and round floats to theirs; vector types give Broadcasts.
 * A signed 32/64-bit fold that overflows is never wrapped: the caller either raises
 * (simp_overflow_error, when the overflow is in the program) or drops the rewrite.
 */
#include "lower/simplify_internal.h"
#include "util/alloc.h"
#include "util/check.h"

const ir_node *simp_const_of(const ir_node *n) {
    if (!n) return NULL;
    if (n->kind == IR_Broadcast) n = n->kids[0];
    if (n->kind == IR_IntImm || n->kind == IR_UIntImm || n->kind == IR_FloatImm) return n;
    return NULL;
}

bool simp_is_true(const ir_node *n) {
    const ir_node *c = simp_const_of(n);
    return c && ir_is_bool(c->type) && c->imm.u != 0;
}

bool simp_is_false(const ir_node *n) {
    const ir_node *c = simp_const_of(n);
    return c && ir_is_bool(c->type) && c->imm.u == 0;
}

unsigned simp_type_class(hl_type t) {
    if (ir_is_float(t)) return SIMP_T_FLOAT;
    if (ir_is_uint(t)) return SIMP_T_UINT;
    if (ir_is_int(t)) return t.bits >= 32 ? SIMP_T_I32P : SIMP_T_INARROW;
    return 0; /* handles: no rule applies */
}

simp_fold_status simp_int_result(simplifier *s, hl_type t, int64_t r, bool ovf, ir_node **out) {
    if (!ir_type_wraps(t) && (ovf || r < ir_type_imin(t) || r > ir_type_imax(t)))
        return SIMP_FOLD_OVERFLOW;
    /* Wrapping types: r is right modulo 2^64, hence modulo 2^bits. */
    *out = ir_int_imm(s->ctx, t, r);
    return SIMP_FOLD_DONE;
}

_Noreturn void simp_overflow_error(simplifier *s, ir_kind kind, ir_node *a, ir_node *b) {
    ir_node *e = ir_binary(s->ctx, kind, a, b);
    char *text = ir_to_string(e);
    char type[32];
    const char *msg = ctx_strdup(s->ctx, text ? text : "?");
    hl_free(text);
    user_error(s->ctx, "Signed integer overflow in constant expression of type %s: %s",
               hl_type_name(ir_element_of(a->type), type, sizeof type), msg);
}
