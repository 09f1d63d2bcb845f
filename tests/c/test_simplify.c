/* test_simplify.c - the simplifier, as tables of (input, expected text).
 *
 * Each table row is an input built with ir.h's constructors and the text ir_to_string
 * must give for its simplification. A failing row prints its input, output and expected
 * output. Further checks: overflow errors (a user error with the expected message), copy
 * on write (unchanged input comes back as the same pointer), deep nesting, and a random
 * test that evaluates expressions before and after simplification with Halide's integer
 * semantics and requires the same values. Exit status is non-zero on any failure.
 */
#include "ir/ir.h"
#include "lower/simplify.h"
#include "lower/simplify_internal.h"
#include "util/alloc.h"
#include "util/check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The core library may be linked without the front end. */
__attribute__((weak)) void hl_func_retain(hl_func *f) { (void)f; }
__attribute__((weak)) void hl_func_release(hl_func *f) { (void)f; }
__attribute__((weak)) void hl_buffer_retain(hl_buffer *b) { (void)b; }
__attribute__((weak)) void hl_buffer_release(hl_buffer *b) { (void)b; }
__attribute__((weak)) int hl_func_num_values(const hl_func *f) { (void)f; return 1; }

static hl_ctx *C;
static int failures, checks;

/* ---- Builders ------------------------------------------------------------------------- */

static ir_node *k(hl_type t, int64_t v) { return ir_make_const(C, t, v); }
static ir_node *i32(int64_t v) { return k(ir_int(32), v); }
static ir_node *i64(int64_t v) { return k(ir_int(64), v); }
static ir_node *i8(int64_t v) { return k(ir_int(8), v); }
static ir_node *i16(int64_t v) { return k(ir_int(16), v); }
static ir_node *u8(int64_t v) { return k(ir_uint(8), v); }
static ir_node *u32(int64_t v) { return k(ir_uint(32), v); }
static ir_node *f32(double v) { return ir_float_imm(C, ir_float(32), v); }
static ir_node *f64(double v) { return ir_float_imm(C, ir_float(64), v); }
static ir_node *tru(void) { return ir_make_bool(C, true, 1); }
static ir_node *fls(void) { return ir_make_bool(C, false, 1); }
static ir_node *var(hl_type t, const char *name) { return ir_var(C, t, name); }
static ir_node *X, *Y, *Z, *U, *V, *F, *G, *B, *B2;

static ir_node *bin(ir_kind kd, ir_node *a, ir_node *b) { return ir_binary(C, kd, a, b); }
static ir_node *add(ir_node *a, ir_node *b) { return bin(IR_Add, a, b); }
static ir_node *sub(ir_node *a, ir_node *b) { return bin(IR_Sub, a, b); }
static ir_node *mul(ir_node *a, ir_node *b) { return bin(IR_Mul, a, b); }
static ir_node *dv(ir_node *a, ir_node *b) { return bin(IR_Div, a, b); }
static ir_node *md(ir_node *a, ir_node *b) { return bin(IR_Mod, a, b); }
static ir_node *mn(ir_node *a, ir_node *b) { return bin(IR_Min, a, b); }
static ir_node *mx(ir_node *a, ir_node *b) { return bin(IR_Max, a, b); }
static ir_node *eq(ir_node *a, ir_node *b) { return bin(IR_EQ, a, b); }
static ir_node *ne(ir_node *a, ir_node *b) { return bin(IR_NE, a, b); }
static ir_node *lt(ir_node *a, ir_node *b) { return bin(IR_LT, a, b); }
static ir_node *le(ir_node *a, ir_node *b) { return bin(IR_LE, a, b); }
static ir_node *gt(ir_node *a, ir_node *b) { return bin(IR_GT, a, b); }
static ir_node *ge(ir_node *a, ir_node *b) { return bin(IR_GE, a, b); }
static ir_node *and_(ir_node *a, ir_node *b) { return bin(IR_And, a, b); }
static ir_node *or_(ir_node *a, ir_node *b) { return bin(IR_Or, a, b); }
static ir_node *not_(ir_node *a) { return ir_not(C, a); }
static ir_node *sel(ir_node *c, ir_node *t, ir_node *f) { return ir_select(C, c, t, f); }
static ir_node *bc(ir_node *v, int lanes) { return ir_broadcast(C, v, lanes); }
static ir_node *ramp(ir_node *b, ir_node *s, int lanes) { return ir_ramp(C, b, s, lanes); }
static ir_node *cast(hl_type t, ir_node *a) { return ir_cast(C, t, a); }
static ir_node *let(const char *n, ir_node *v, ir_node *b) { return ir_let(C, n, v, b); }
static ir_node *intrin(hl_type t, ir_intrinsic id, ir_node *a, ir_node *b) {
    ir_node *args[2] = {a, b};
    return ir_call_intrinsic(C, t, id, b ? 2 : 1, args);
}
static ir_node *eval(ir_node *e) { return ir_evaluate(C, e); }
static ir_node *store(const char *buf, ir_node *v, ir_node *i) {
    return ir_store(C, buf, v, i, NULL, IR_REF_NONE, NULL);
}
static ir_node *loop(const char *n, ir_node *min, ir_node *ext, ir_node *body) {
    return ir_for(C, n, min, ext, IR_FOR_SERIAL, body);
}

/* ---- Checking ------------------------------------------------------------------------------ */

typedef struct row {
    ir_node *in;
    const char *want;
} row;

static void check_row(const char *table, int i, const row *r) {
    char *in = ir_to_string(r->in);
    ir_node *out_node = simplify_expr(C, r->in);
    char *out = ir_to_string(out_node);
    checks++;
    if (!out || strcmp(out, r->want) != 0) {
        failures++;
        printf("[FAIL] %s row %d\n  input:    %s\n  output:   %s\n  expected: %s\n", table, i,
               in ? in : "?", out ? out : "?", r->want);
    }
    hl_free(in);
    hl_free(out);
}

static void check_table(const char *table, const row *rows, int n) {
    int before = failures;
    for (int i = 0; i < n; i++) check_row(table, i, &rows[i]);
    printf("[%s] %s: %d rows\n", failures == before ? "PASS" : "FAIL", table, n);
}

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* ---- Tables ------------------------------------------------------------------------------ */

static void constant_folding(void) {
    const row rows[] = {
        {add(i32(2), i32(3)), "5"},
        {sub(i32(2), i32(3)), "-1"},
        {mul(i32(-4), i32(3)), "-12"},
        {dv(i32(-7), i32(2)), "-4"},
        {md(i32(-7), i32(2)), "1"},
        {dv(i32(7), i32(-2)), "-3"},
        {dv(i32(-7), i32(-2)), "4"},
        {md(i32(7), i32(-2)), "1"},
        {md(i32(-7), i32(-2)), "1"},
        {dv(i32(7), i32(0)), "0"},
        {md(i32(7), i32(0)), "0"},
        {dv(u8(7), u8(0)), "(uint8)0"},
        {dv(i8(-128), i8(-1)), "(int8)-128"},
        {md(i8(-128), i8(-1)), "(int8)0"},
        {add(u8(200), u8(100)), "(uint8)44"},
        {sub(u8(1), u8(2)), "(uint8)255"},
        {mul(u8(16), u8(16)), "(uint8)0"},
        {add(i8(127), i8(1)), "(int8)-128"},
        {mul(i16(300), i16(300)), "(int16)24464"},
        {add(u32(4294967295u), u32(1)), "(uint32)0"},
        {add(i64(1), i64(2)), "(int64)3"},
        {dv(u8(200), u8(7)), "(uint8)28"},
        {md(u8(200), u8(7)), "(uint8)4"},
        {add(f32(0.1), f32(0.2)), "0.300000f"},
        {dv(f32(1), f32(3)), "0.333333f"},
        {md(f32(-1.5), f32(4)), "2.500000f"},
        {md(f64(7.5), f64(-2)), "(float64)-0.500000"},
        {mn(i32(3), i32(-2)), "-2"},
        {mx(i32(3), i32(-2)), "3"},
        {mn(u8(3), u8(250)), "(uint8)3"},
        {mx(f32(1.5), f32(-2)), "1.500000f"},
        {lt(i32(1), i32(2)), "(bool)1"},
        {ge(i32(1), i32(2)), "(bool)0"},
        {eq(u8(5), u8(5)), "(bool)1"},
        {ne(f32(1), f32(1)), "(bool)0"},
        {lt(u8(200), u8(3)), "(bool)0"},
        {and_(tru(), fls()), "(bool)0"},
        {or_(tru(), fls()), "(bool)1"},
        {not_(fls()), "(bool)1"},
        {sel(tru(), X, Y), "x"},
        {sel(fls(), X, Y), "y"},
        {sel(lt(i32(1), i32(2)), i32(10), i32(20)), "10"},
        {cast(ir_int(32), f32(-2.7)), "-2"},
        {cast(ir_int(32), f32(2.7)), "2"},
        {cast(ir_uint(8), i32(300)), "(uint8)44"},
        {cast(ir_int(8), i32(200)), "(int8)-56"},
        {cast(ir_float(32), i32(16777217)), "16777216.000000f"},
        {cast(ir_float(32), f64(0.1)), "0.100000f"},
        {cast(ir_bool(), i32(2)), "(bool)1"},
        {cast(ir_int(32), u8(255)), "255"},
        {cast(ir_int(16), i8(-1)), "(int16)-1"},
        {cast(ir_uint(16), i8(-1)), "(uint16)65535"},
        {ir_reinterpret(C, ir_uint(32), f32(1.0)), "(uint32)1065353216"},
        {ir_reinterpret(C, ir_int(8), u8(255)), "(int8)-1"},
        {add(mul(i32(2), i32(3)), dv(i32(10), i32(3))), "9"},
    };
    check_table("constant folding", rows, N(rows));
}

static void intrinsics(void) {
    hl_type t32 = ir_int(32);
    const row rows[] = {
        {intrin(t32, IR_INTRIN_BITWISE_AND, i32(12), i32(10)), "8"},
        {intrin(t32, IR_INTRIN_BITWISE_OR, i32(12), i32(10)), "14"},
        {intrin(t32, IR_INTRIN_BITWISE_XOR, i32(12), i32(10)), "6"},
        {intrin(t32, IR_INTRIN_BITWISE_NOT, i32(0), NULL), "-1"},
        {intrin(ir_uint(8), IR_INTRIN_BITWISE_NOT, u8(1), NULL), "(uint8)254"},
        {intrin(t32, IR_INTRIN_SHIFT_LEFT, i32(16), i32(-1)), "8"},
        {intrin(t32, IR_INTRIN_SHIFT_LEFT, i32(1), i32(4)), "16"},
        {intrin(t32, IR_INTRIN_SHIFT_RIGHT, i32(-16), i32(2)), "-4"},
        {intrin(t32, IR_INTRIN_SHIFT_RIGHT, i32(1), i32(-3)), "8"},
        {intrin(ir_uint(8), IR_INTRIN_SHIFT_LEFT, u8(255), u8(1)), "(uint8)254"},
        {intrin(ir_uint(8), IR_INTRIN_SHIFT_RIGHT, u8(128), u8(7)), "(uint8)1"},
        {intrin(t32, IR_INTRIN_SHIFT_LEFT, i32(1), i32(40)), "0"},
        {intrin(t32, IR_INTRIN_SHIFT_RIGHT, i32(-5), i32(40)), "-1"},
        {intrin(ir_uint(8), IR_INTRIN_ABS, i8(-128), NULL), "(uint8)128"},
        {intrin(ir_uint(32), IR_INTRIN_ABS, i32(-5), NULL), "(uint32)5"},
        {intrin(ir_float(32), IR_INTRIN_ABS, f32(-2.5), NULL), "2.500000f"},
        {intrin(ir_uint(8), IR_INTRIN_ABSD, i8(-128), i8(127)), "(uint8)255"},
        {intrin(ir_uint(8), IR_INTRIN_ABSD, u8(3), u8(250)), "(uint8)247"},
        {intrin(t32, IR_INTRIN_BITWISE_AND, X, i32(0)), "0"},
        {intrin(t32, IR_INTRIN_BITWISE_OR, X, i32(0)), "x"},
        {intrin(t32, IR_INTRIN_BITWISE_XOR, i32(0), X), "x"},
        {intrin(t32, IR_INTRIN_SHIFT_LEFT, X, i32(0)), "x"},
        {intrin(t32, IR_INTRIN_SHIFT_RIGHT, X, add(i32(1), i32(2))), "shift_right(x, 3)"},
    };
    check_table("intrinsics", rows, N(rows));
}

static void identities(void) {
    const row rows[] = {
        {add(X, i32(0)), "x"},
        {add(i32(0), X), "x"},
        {sub(X, i32(0)), "x"},
        {sub(X, X), "0"},
        {sub(U, U), "(uint8)0"},
        {sub(F, F), "(f - f)"},
        {mul(X, i32(1)), "x"},
        {mul(i32(1), X), "x"},
        {mul(X, i32(0)), "0"},
        {mul(F, f32(0)), "(f*0.000000f)"},
        {mul(F, f32(1)), "f"},
        {add(F, f32(0)), "f"},
        {dv(X, i32(1)), "x"},
        {md(X, i32(1)), "0"},
        {dv(X, i32(0)), "0"},
        {md(X, X), "0"},
        {mn(X, X), "x"},
        {mx(X, X), "x"},
        {sel(lt(X, Y), Z, Z), "z"},
        {eq(X, X), "(bool)1"},
        {eq(F, F), "(f == f)"},
        {ne(X, X), "(bool)0"},
        {not_(not_(B)), "b"},
        {and_(B, tru()), "b"},
        {and_(tru(), B), "b"},
        {and_(B, fls()), "(bool)0"},
        {or_(B, fls()), "b"},
        {or_(B, tru()), "(bool)1"},
        {and_(B, B), "b"},
        {or_(B, not_(B)), "(bool)1"},
        {and_(B, not_(B)), "(bool)0"},
        {and_(B, or_(B, B2)), "b"},
        {sel(B, tru(), fls()), "b"},
        {sel(B, fls(), tru()), "!b"},
        {sel(not_(B), X, Y), "select(b, y, x)"},
        {sel(B, sel(B, X, Y), Z), "select(b, x, z)"},
        {sel(lt(X, Y), X, Y), "min(x, y)"},
        {sel(lt(X, Y), Y, X), "max(x, y)"},
        {sel(lt(F, G), F, G), "select((f < g), f, g)"},
        {mul(X, i32(-1)), "(0 - x)"},
        {dv(X, i32(-1)), "(0 - x)"},
    };
    check_table("identities", rows, N(rows));
}

static void canonical_forms(void) {
    const row rows[] = {
        {add(i32(3), X), "(x + 3)"},
        {mul(i32(3), X), "(x*3)"},
        {mn(i32(3), X), "min(x, 3)"},
        {mx(i32(3), X), "max(x, 3)"},
        {eq(i32(3), X), "(x == 3)"},
        {ne(i32(3), X), "(x != 3)"},
        {and_(fls(), B), "(bool)0"},
        {gt(X, Y), "(y < x)"},
        {ge(X, Y), "(y <= x)"},
        {gt(X, i32(3)), "(3 < x)"},
        {sub(X, i32(3)), "(x + -3)"},
        {sub(U, u8(3)), "(x - (uint8)3)"},
        {not_(lt(X, Y)), "(y <= x)"},
        {not_(le(X, Y)), "(y < x)"},
        {not_(lt(F, G)), "!(f < g)"},
        {not_(eq(X, Y)), "(x != y)"},
        {add(add(i32(1), X), i32(2)), "(x + 3)"},
        {mul(X, add(Y, i32(0))), "(x*y)"},
    };
    check_table("canonical forms", rows, N(rows));
}

static void reassociation(void) {
    const row rows[] = {
        {add(add(X, i32(3)), i32(4)), "(x + 7)"},
        {sub(add(X, i32(3)), i32(4)), "(x + -1)"},
        {add(sub(X, i32(3)), i32(4)), "(x + 1)"},
        {sub(i32(10), add(X, i32(3))), "(7 - x)"},
        {sub(i32(10), sub(i32(3), X)), "(x + 7)"},
        {add(sub(i32(10), X), i32(3)), "(13 - x)"},
        {mul(mul(X, i32(3)), i32(4)), "(x*12)"},
        {add(add(X, i32(3)), Y), "((x + y) + 3)"},
        {add(X, add(Y, i32(3))), "((x + y) + 3)"},
        {add(add(X, i32(3)), add(Y, i32(4))), "((x + y) + 7)"},
        {sub(add(X, i32(3)), Y), "((x - y) + 3)"},
        {sub(X, add(Y, i32(3))), "((x - y) + -3)"},
        {sub(add(X, i32(3)), add(Y, i32(5))), "((x - y) + -2)"},
        {sub(add(X, Y), X), "y"},
        {sub(add(X, Y), Y), "x"},
        {sub(X, add(X, Y)), "(0 - y)"},
        {sub(X, add(Y, X)), "(0 - y)"},
        {add(X, sub(Y, X)), "y"},
        {add(sub(X, Y), Y), "x"},
        {sub(add(X, Y), add(X, Z)), "(y - z)"},
        {sub(X, sub(X, Y)), "y"},
        {add(X, X), "(x*2)"},
        {add(mul(X, i32(3)), X), "(x*4)"},
        {sub(mul(X, i32(3)), X), "(x*2)"},
        {add(mul(X, Y), mul(X, Z)), "(x*(y + z))"},
        {mul(add(X, i32(2)), i32(3)), "((x*3) + 6)"},
        {mul(mul(X, i32(2)), Y), "((x*y)*2)"},
        {add(add(U, u8(200)), u8(100)), "(x + (uint8)44)"},
        {sub(add(U, u8(1)), u8(2)), "(x + (uint8)255)"},
        {sub(sub(U, u8(1)), u8(2)), "(x - (uint8)3)"},
        {sub(add(U, V), V), "x"},
        {add(add(F, f32(1)), f32(2)), "((f + 1.000000f) + 2.000000f)"},
        {sub(add(F, G), G), "((f + g) - g)"},
        {add(add(X, i32(2147483647)), i32(1)), "((x + 2147483647) + 1)"},
        {sub(X, i32(-2147483647 - 1)), "(x - -2147483648)"},
        {add(add(add(X, i32(1)), Y), add(Z, i32(2))), "(((x + y) + z) + 3)"},
    };
    check_table("reassociation", rows, N(rows));
}

static void division(void) {
    const row rows[] = {
        {dv(dv(X, i32(2)), i32(3)), "(x/6)"},
        {dv(mul(X, i32(6)), i32(3)), "(x*2)"},
        {dv(mul(X, i32(2)), i32(6)), "(x/3)"},
        {dv(add(X, i32(6)), i32(3)), "((x/3) + 2)"},
        {dv(add(mul(X, i32(4)), Y), i32(2)), "((y/2) + (x*2))"},
        {md(add(X, i32(7)), i32(3)), "((x + 1) % 3)"},
        {md(add(X, i32(6)), i32(3)), "(x % 3)"},
        {md(mul(X, i32(6)), i32(3)), "0"},
        {md(md(X, i32(6)), i32(3)), "(x % 3)"},
        {md(add(mul(X, i32(4)), Y), i32(2)), "(y % 2)"},
        {dv(mul(U, u8(6)), u8(3)), "((x*(uint8)6)/(uint8)3)"},
        {dv(dv(X, i32(-2)), i32(3)), "((x/-2)/3)"},
    };
    check_table("division", rows, N(rows));
}

static void min_max(void) {
    const row rows[] = {
        {mn(mn(X, i32(3)), i32(5)), "min(x, 3)"},
        {mx(mx(X, i32(3)), i32(5)), "max(x, 5)"},
        {mn(mx(X, i32(10)), i32(5)), "5"},
        {mx(mn(X, i32(5)), i32(10)), "10"},
        {mn(add(X, i32(1)), X), "x"},
        {mn(X, add(X, i32(1))), "x"},
        {mn(add(X, i32(-1)), X), "(x + -1)"},
        {mx(add(X, i32(1)), X), "(x + 1)"},
        {mx(X, sub(X, i32(1))), "x"},
        {mn(add(X, i32(2)), add(X, i32(5))), "(x + 2)"},
        {mn(add(U, u8(1)), U), "min((x + (uint8)1), x)"},
        {mn(mx(X, Y), X), "x"},
        {mx(mn(X, Y), X), "x"},
        {mn(mn(X, Y), X), "min(x, y)"},
        {mn(add(X, Y), add(X, Z)), "(x + min(y, z))"},
        {mn(add(X, i32(3)), i32(10)), "(min(x, 7) + 3)"},
        {sub(mn(X, Y), X), "min((y - x), 0)"},
        {sub(mn(add(X, i32(7)), Y), X), "min((y - x), 7)"},
        {sub(mn(Y, add(X, i32(7))), X), "min((y - x), 7)"},
        {sub(mx(add(X, i32(-2)), Y), X), "max((y - x), -2)"},
        {sub(mx(Y, add(X, i32(-2))), X), "max((y - x), -2)"},
        {sub(mn(add(U, u8(7)), V), U), "(min((x + (uint8)7), y) - x)"},
    };
    check_table("min and max", rows, N(rows));
}

static void comparisons(void) {
    const row rows[] = {
        {lt(add(X, i32(3)), i32(10)), "(x < 7)"},
        {le(add(X, i32(3)), i32(10)), "(x <= 7)"},
        {gt(add(X, i32(3)), i32(10)), "(7 < x)"},
        {eq(add(X, i32(3)), i32(10)), "(x == 7)"},
        {ne(add(X, i32(3)), i32(10)), "(x != 7)"},
        {eq(add(U, u8(3)), u8(1)), "(x == (uint8)254)"},
        {lt(add(U, u8(3)), u8(10)), "((x + (uint8)3) < (uint8)10)"},
        {lt(add(X, Y), add(X, Z)), "(y < z)"},
        {eq(sub(X, Y), i32(0)), "(x == y)"},
        {lt(X, X), "(bool)0"},
        {le(X, X), "(bool)1"},
        {lt(mul(X, i32(4)), i32(10)), "(x < 3)"},
        {le(mul(X, i32(4)), i32(10)), "(x <= 2)"},
        {lt(i32(10), mul(X, i32(4))), "(2 < x)"},
        {and_(eq(X, i32(1)), eq(X, i32(2))), "(bool)0"},
        {and_(ne(X, i32(1)), eq(X, i32(2))), "(x == 2)"},
        {or_(ne(X, i32(1)), ne(X, i32(2))), "(bool)1"},
        {and_(lt(X, Y), lt(Y, X)), "(bool)0"},
        {lt(sub(i32(5), X), i32(2)), "(3 < x)"},
        {lt(F, F), "(f < f)"},
    };
    check_table("comparisons", rows, N(rows));
}

static void vectors(void) {
    hl_type t4 = ir_with_lanes(ir_int(32), 4);
    ir_node *xv = var(t4, "xv");
    const row rows[] = {
        {add(bc(i32(1), 4), bc(i32(2), 4)), "x4(3)"},
        {add(bc(X, 4), bc(Y, 4)), "x4((x + y))"},
        {add(ramp(X, i32(1), 4), bc(i32(3), 4)), "ramp((x + 3), 1, 4)"},
        {add(bc(Y, 4), ramp(X, i32(2), 4)), "ramp((y + x), 2, 4)"},
        {add(ramp(X, i32(1), 4), ramp(Y, i32(2), 4)), "ramp((x + y), 3, 4)"},
        {sub(ramp(X, i32(1), 4), bc(X, 4)), "ramp(0, 1, 4)"},
        {mul(ramp(X, i32(1), 4), bc(i32(4), 4)), "ramp((x*4), 4, 4)"},
        {mul(bc(i32(2), 4), bc(i32(3), 4)), "x4(6)"},
        {add(xv, bc(i32(0), 4)), "xv"},
        {sub(xv, xv), "x4(0)"},
        {mul(xv, bc(i32(0), 4)), "x4(0)"},
        {lt(bc(X, 4), bc(Y, 4)), "x4((x < y))"},
        {lt(bc(i32(1), 4), bc(i32(2), 4)), "x4((bool)1)"},
        {ramp(X, i32(0), 4), "x4(x)"},
        {ramp(add(X, i32(0)), sub(Y, Y), 4), "x4(x)"},
        {md(ramp(mul(X, i32(4)), i32(4), 4), bc(i32(2), 4)), "x4(0)"},
        {md(ramp(X, i32(4), 4), bc(i32(2), 4)), "x4((x % 2))"},
        {sel(bc(tru(), 4), xv, bc(i32(1), 4)), "xv"},
        {sel(B, bc(X, 4), bc(Y, 4)), "x4(select(b, x, y))"},
        {cast(ir_with_lanes(ir_float(32), 4), bc(i32(3), 4)), "x4(3.000000f)"},
        {cast(ir_with_lanes(ir_int(16), 4), bc(X, 4)), "x4(int16(x))"},
        {add(mn(xv, bc(i32(3), 4)), bc(i32(0), 4)), "min(xv, x4(3))"},
        {mn(mn(xv, bc(i32(3), 4)), bc(i32(5), 4)), "min(xv, x4(3))"},
        {add(add(xv, bc(i32(1), 4)), bc(i32(2), 4)), "(xv + x4(3))"},
    };
    check_table("vectors", rows, N(rows));
}

static void casts(void) {
    const row rows[] = {
        {cast(ir_int(32), cast(ir_int(16), cast(ir_int(8), X))), "int32(int8(x))"},
        {cast(ir_int(8), cast(ir_int(16), X)), "int8(x)"},
        {cast(ir_int(32), cast(ir_int(16), U)), "int32(x)"},
        {cast(ir_int(32), cast(ir_uint(8), X)), "int32(uint8(x))"},
        {cast(ir_int(32), cast(ir_float(32), X)), "int32(float32(x))"},
        {cast(ir_bool(), cast(ir_uint(8), X)), "bool(uint8(x))"},
        {cast(ir_int(32), add(i32(0), X)), "x"},
    };
    check_table("casts", rows, N(rows));
}

static void lets(void) {
    ir_node *a = var(ir_int(32), "a");
    ir_node *bb = var(ir_int(32), "bb");
    const row rows[] = {
        {let("a", i32(3), add(a, i32(1))), "4"},
        {let("a", Y, add(a, a)), "(y*2)"},
        {let("a", add(X, Y), mul(a, a)), "(let a = (x + y) in (a*a))"},
        {let("a", add(X, Y), X), "x"},
        {let("a", i32(1), let("a", i32(2), a)), "2"},
        {let("a", Y, let("y", i32(2), add(a, var(ir_int(32), "y")))),
         "(let a = y in (a + 2))"},
        {let("a", add(X, i32(0)), let("bb", mul(a, i32(1)), add(bb, i32(1)))), "(x + 1)"},
        {let("a", bc(X, 4), add(var(ir_with_lanes(ir_int(32), 4), "a"), bc(i32(1), 4))),
         "x4((x + 1))"},
        {let("a", add(X, Y), add(let("a", i32(1), a), a)),
         "(let a = (x + y) in (a + 1))"},
        {add(let("bb", i32(2), bb), bb), "(bb + 2)"},
    };
    check_table("lets", rows, N(rows));
}

static void statements(void) {
    ir_node *i = var(ir_int(32), "i");
    ir_node *s1 = store("buf", X, i);
    const row rows[] = {
        {loop("i", i32(0), i32(0), s1), "0\n"},
        {loop("i", i32(0), sub(i32(2), i32(5)), s1), "0\n"},
        {loop("i", X, i32(1), s1), "buf[x] = x\n"},
        {loop("i", i32(3), i32(1), store("buf", i, add(i, i32(1)))), "buf[4] = 3\n"},
        {loop("i", i32(0), add(i32(4), i32(4)), store("buf", add(i, i32(0)), i)),
         "for (i, 0, 8) {\n  buf[i] = i\n}\n"},
        {loop("i", i32(0), i32(8), eval(i32(0))), "0\n"},
        {ir_if(C, lt(i32(1), i32(2)), s1, store("buf", Y, i)), "buf[i] = x\n"},
        {ir_if(C, lt(i32(2), i32(1)), s1, store("buf", Y, i)), "buf[i] = y\n"},
        {ir_if(C, lt(i32(2), i32(1)), s1, NULL), "0\n"},
        {ir_if(C, B, eval(i32(0)), s1), "if (!b) {\n  buf[i] = x\n}\n"},
        {ir_if(C, B, s1, eval(i32(0))), "if (b) {\n  buf[i] = x\n}\n"},
        {ir_if(C, B, eval(i32(0)), NULL), "0\n"},
        {ir_assert_stmt(C, le(i32(1), i32(2)), ir_string_imm(C, "bad"), -1), "0\n"},
        {ir_assert_stmt(C, le(X, add(X, i32(0))), ir_string_imm(C, "bad"), -1), "0\n"},
        {ir_assert_stmt(C, lt(X, i32(3)), ir_string_imm(C, "bad"), -1),
         "assert((x < 3), \"bad\")\n"},
        {ir_block(C, eval(i32(0)), s1), "buf[i] = x\n"},
        {ir_block(C, s1, ir_block(C, eval(i32(0)), eval(i32(0)))), "buf[i] = x\n"},
        {ir_block(C, eval(i32(0)), eval(i32(1))), "1\n"},
        {ir_let_stmt(C, "t", i32(5), store("buf", var(ir_int(32), "t"), i)), "buf[i] = 5\n"},
        {ir_let_stmt(C, "t", add(X, Y), s1), "buf[i] = x\n"},
        {ir_let_stmt(C, "t", add(X, Y), store("buf", var(ir_int(32), "t"), i)),
         "let t = (x + y)\nbuf[i] = t\n"},
        {ir_let_stmt(C, "buf", var(ir_handle(), "h"), s1), "let buf = h\nbuf[i] = x\n"},
        {ir_let_stmt(C, "in", var(ir_handle(), "h"),
                     store("buf", ir_load(C, ir_int(32), "in", i, NULL, IR_REF_NONE, NULL), i)),
         "let in = h\nbuf[i] = in[i]\n"},
        {ir_let_stmt(C, "in", var(ir_handle(), "h"), ir_let_stmt(C, "in", var(ir_handle(), "g"),
                     store("buf", ir_load(C, ir_int(32), "in", i, tru(), IR_REF_NONE, NULL), i))),
         "let in = g\nbuf[i] = in[i]\n"},
        {ir_producer_consumer(C, "f", true, eval(i32(0))), "0\n"},
        {ir_store(C, "buf", X, i, tru(), IR_REF_NONE, NULL), "buf[i] = x\n"},
        {ir_store(C, "buf", X, i, fls(), IR_REF_NONE, NULL), "0\n"},
        {loop("i", i32(0), i32(4), loop("j", i32(0), i32(0), s1)), "0\n"},
        {loop("i", i32(0), i32(4), ir_let_stmt(C, "i", i32(2), store("buf", i, i))),
         "for (i, 0, 4) {\n  buf[2] = 2\n}\n"},
        {ir_let_stmt(C, "t", i32(1), loop("t", i32(0), i32(4), store("buf", var(ir_int(32), "t"), i))),
         "for (t, 0, 4) {\n  buf[i] = t\n}\n"},
    };
    check_table("statements", rows, N(rows));
}

/* ---- Errors, identity, depth --------------------------------------------------------------- */

static void simplify_protected(hl_ctx *ctx, void *ud) { *(ir_node **)ud = simplify_expr(ctx, *(ir_node **)ud); }

static void expect_error(const char *what, ir_node *in, const char *message) {
    ir_node *io = in;
    int status = ctx_pcall(C, simplify_protected, &io);
    checks++;
    bool ok = status == HL_ERROR_USER && C->message && strstr(C->message, message);
    if (!ok) {
        failures++;
        char *text = ir_to_string(in);
        printf("[FAIL] %s\n  input:    %s\n  status %d, message: %s\n  expected a user error with: %s\n",
               what, text ? text : "?", status, C->message ? C->message : "(none)", message);
        hl_free(text);
    }
}

static void errors(void) {
    int before = failures;
    const char *ovf = "Signed integer overflow in constant expression";
    expect_error("int32 add overflow", add(i32(2147483647), i32(1)), ovf);
    expect_error("int32 sub overflow", sub(i32(-2147483647 - 1), i32(1)), ovf);
    expect_error("int32 mul overflow", mul(i32(65536), i32(65536)), ovf);
    expect_error("int32 MIN / -1", dv(i32(-2147483647 - 1), i32(-1)), ovf);
    expect_error("int64 add overflow", add(i64(INT64_MAX), i64(1)), ovf);
    expect_error("int64 mul overflow", mul(i64(INT64_MAX / 2 + 1), i64(2)), ovf);
    expect_error("int64 MIN / -1", dv(i64(INT64_MIN), i64(-1)), ovf);
    expect_error("overflow inside a let", let("a", add(i32(2147483647), i32(1)), X), ovf);
    expect_error("overflow after substitution",
                 let("a", i32(2147483647), add(var(ir_int(32), "a"), i32(1))), ovf);
    expect_error("overflow in a vector", add(bc(i32(2147483647), 4), bc(i32(1), 4)), ovf);
    ir_node *deep = X;
    for (int i = 0; i < 100000; i++) deep = add(deep, Y);
    expect_error("very deep expression", deep, "deeper than");
    printf("[%s] errors\n", failures == before ? "PASS" : "FAIL");
}

static void identity_and_depth(void) {
    int before = failures;
    ir_node *e = add(mul(X, Y), mn(Z, i32(3)));
    ir_node *s = loop("i", i32(0), X, store("buf", e, var(ir_int(32), "i")));
    checks += 3;
    if (simplify_expr(C, e) != e || lower_simplify(C, s) != s) {
        failures++;
        printf("[FAIL] an already simple tree did not come back as the same pointer\n");
    }
    ir_node *chain = X;
    for (int i = 0; i < 2000; i++) chain = add(chain, i32(1));
    char *text = ir_to_string(simplify_expr(C, chain));
    if (!text || strcmp(text, "(x + 2000)") != 0) {
        failures++;
        printf("[FAIL] chain of 2000 additions gave %s\n", text ? text : "?");
    }
    hl_free(text);
    const char *err = simp_rules_check();
    if (err) {
        failures++;
        printf("[FAIL] rule tables: %s\n", err);
    }
    printf("[%s] identity, depth and rule tables\n", failures == before ? "PASS" : "FAIL");
}

/* ---- Random expressions, evaluated before and after ----------------------------------------- */

static unsigned long long rng = 0x2545F4914F6CDD1Dull;
static int rnd(int n) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (int)(rng % (unsigned long long)n);
}

typedef struct env {
    int64_t x, y, z;
    bool overflow;
    const char *let_name[8];
    int64_t let_value[8];
    int nlets;
} env;

static int64_t wrap(hl_type t, int64_t v, env *e) {
    if (ir_is_bool(t)) return v != 0;
    if (!ir_type_wraps(t) && (v < ir_type_imin(t) || v > ir_type_imax(t))) e->overflow = true;
    return ir_is_uint(t) ? (int64_t)ir_wrap_uint(t, (uint64_t)v) : ir_wrap_int(t, v);
}

static int64_t evaluate(const ir_node *n, env *e) {
    int64_t a = 0, b = 0;
    if (n->kind >= IR_Add && n->kind <= IR_Or) {
        a = evaluate(n->kids[0], e);
        b = evaluate(n->kids[1], e);
    }
    hl_type t = n->type;
    switch ((int)n->kind) {
    case IR_IntImm: return n->imm.i;
    case IR_UIntImm: return (int64_t)n->imm.u;
    case IR_Variable:
        for (int i = e->nlets - 1; i >= 0; i--)
            if (strcmp(e->let_name[i], n->name) == 0) return e->let_value[i];
        return wrap(t, n->name[0] == 'x' ? e->x : n->name[0] == 'y' ? e->y : e->z, e);
    /* Operands hold at most 32 bits: int64 is exact for signed types; unsigned ones wrap. */
    case IR_Add: return wrap(t, (int64_t)((uint64_t)a + (uint64_t)b), e);
    case IR_Sub: return wrap(t, (int64_t)((uint64_t)a - (uint64_t)b), e);
    case IR_Mul: return wrap(t, (int64_t)((uint64_t)a * (uint64_t)b), e);
    case IR_Div: {
        if (b == 0) return 0;
        int64_t q = a / b, r = a % b;
        if (r < 0) q = b > 0 ? q - 1 : q + 1;
        return wrap(t, q, e);
    }
    case IR_Mod: {
        if (b == 0) return 0;
        int64_t r = a % b;
        return wrap(t, r < 0 ? (b > 0 ? r + b : r - b) : r, e);
    }
    case IR_Min: return a < b ? a : b;
    case IR_Max: return a > b ? a : b;
    case IR_EQ: return a == b;
    case IR_NE: return a != b;
    case IR_LT: return a < b;
    case IR_LE: return a <= b;
    case IR_GT: return a > b;
    case IR_GE: return a >= b;
    case IR_And: return a && b;
    case IR_Or: return a || b;
    case IR_Not: return !evaluate(n->kids[0], e);
    case IR_Select:
        a = evaluate(n->kids[0], e);
        b = evaluate(n->kids[1], e);
        return evaluate(n->kids[2], e) * !a + b * !!a;
    case IR_Cast: return wrap(t, evaluate(n->kids[0], e), e);
    case IR_Let: {
        int64_t v = evaluate(n->kids[0], e);
        e->let_name[e->nlets] = n->name;
        e->let_value[e->nlets++] = v;
        int64_t r = evaluate(n->kids[1], e);
        e->nlets--;
        return r;
    }
    default: fprintf(stderr, "evaluate: unexpected %s\n", ir_kind_name((ir_kind)n->kind)); exit(2);
    }
}

static ir_node *random_expr(hl_type t, int depth);

static ir_node *random_cond(hl_type t, int depth) {
    static const ir_kind cmps[] = {IR_EQ, IR_NE, IR_LT, IR_LE, IR_GT, IR_GE};
    int r = rnd(10);
    if (depth > 0 && r == 0) return not_(random_cond(t, depth - 1));
    if (depth > 0 && r == 1) return and_(random_cond(t, depth - 1), random_cond(t, depth - 1));
    if (depth > 0 && r == 2) return or_(random_cond(t, depth - 1), random_cond(t, depth - 1));
    return bin(cmps[rnd(6)], random_expr(t, depth - 1), random_expr(t, depth - 1));
}

static ir_node *random_expr(hl_type t, int depth) {
    static const char *names[] = {"x", "y", "z"};
    if (depth <= 0 || rnd(5) == 0) {
        if (rnd(2)) return var(t, names[rnd(3)]);
        int64_t v = rnd(9) - 4;
        if (ir_is_uint(t) && rnd(2)) v += (int64_t)ir_type_umax(t) - 3;
        return k(t, v);
    }
    static const ir_kind ops[] = {IR_Add, IR_Add, IR_Sub, IR_Sub, IR_Mul, IR_Div,
                                  IR_Mod, IR_Min, IR_Max};
    int r = rnd(12);
    if (r < 9) return bin(ops[r], random_expr(t, depth - 1), random_expr(t, depth - 1));
    if (r == 9) return sel(random_cond(t, depth - 1), random_expr(t, depth - 1),
                           random_expr(t, depth - 1));
    if (r == 10) {
        const char *name = rnd(2) ? "x" : "w";
        ir_node *body = random_expr(t, depth - 1);
        return let(name, random_expr(t, depth - 1), body);
    }
    hl_type other = ir_is_int(t) && t.bits == 32 ? ir_int(16) : ir_int(32);
    return cast(t, random_expr(other, depth - 1));
}

static void random_tests(void) {
    const hl_type types[] = {ir_int(32), ir_int(8), ir_uint(8), ir_int(16), ir_uint(32)};
    int before = failures, tested = 0;
    for (int round = 0; round < 6000; round++) {
        hl_type t = types[round % 5];
        ir_node *in = random_expr(t, 1 + rnd(5));
        ir_node *out = simplify_expr(C, in);
        for (int sample = 0; sample < 12; sample++) {
            env e1 = {rnd(41) - 20, rnd(41) - 20, rnd(41) - 20, false, {0}, {0}, 0};
            if (ir_is_uint(t) && rnd(2)) e1.x = (int64_t)ir_type_umax(t) - rnd(5);
            env e2 = e1;
            int64_t want = evaluate(in, &e1);
            if (e1.overflow) continue; /* undefined in the program itself */
            int64_t got = evaluate(out, &e2);
            tested++;
            if (got != want) {
                failures++;
                char *a = ir_to_string(in), *b = ir_to_string(out);
                printf("[FAIL] random test: x=%lld y=%lld z=%lld\n  input:  %s = %lld\n  output: %s = %lld\n",
                       (long long)e1.x, (long long)e1.y, (long long)e1.z, a ? a : "?",
                       (long long)want, b ? b : "?", (long long)got);
                hl_free(a);
                hl_free(b);
                break;
            }
        }
        if (failures - before > 10) break;
    }
    checks++;
    printf("[%s] random expressions: %d evaluations agree\n", failures == before ? "PASS" : "FAIL",
           tested);
}

/* ---- Main ------------------------------------------------------------------------------------ */

static void run_all(hl_ctx *ctx, void *ud) {
    (void)ud;
    C = ctx;
    X = var(ir_int(32), "x");
    Y = var(ir_int(32), "y");
    Z = var(ir_int(32), "z");
    U = var(ir_uint(8), "x");
    V = var(ir_uint(8), "y");
    F = var(ir_float(32), "f");
    G = var(ir_float(32), "g");
    B = var(ir_bool(), "b");
    B2 = var(ir_bool(), "b2");
    constant_folding();
    intrinsics();
    identities();
    canonical_forms();
    reassociation();
    division();
    min_max();
    comparisons();
    vectors();
    casts();
    lets();
    statements();
    errors();
    identity_and_depth();
    random_tests();
}

int main(void) {
    hl_ctx ctx;
    ctx_init(&ctx, 1);
    int status = ctx_pcall(&ctx, run_all, NULL);
    if (status != HL_OK) {
        printf("[FAIL] unexpected error: %s\n", ctx.message ? ctx.message : "?");
        failures++;
    }
    ctx_close(&ctx);
    printf("%s: %d checks, %d failures\n", failures ? "FAIL" : "PASS", checks, failures);
    return failures ? 1 : 0;
}
