/* test_ir.c - unit tests of the IR: constructors, printer, equality and hashing, the
 * copy-on-write mutator, substitution, persisting arena trees to the heap, very deep
 * trees, and the front end's operators (type coercion) through the public API.
 * Prints [PASS]/[FAIL] per check; exits non-zero on any failure.
 */
#include "ir/ir.h"
#include "util/alloc.h"
#include "util/check.h"

#include <stdio.h>
#include <string.h>

static int failures = 0, checks = 0;

static void check_text(const char *what, const ir_node *n, const char *expected) {
    char *got = ir_to_string(n);
    checks++;
    if (!got || strcmp(got, expected) != 0) {
        failures++;
        printf("[FAIL] %s\n  got:      %s\n  expected: %s\n", what, got ? got : "(null)", expected);
    }
    hl_free(got);
}

static void check(const char *what, int ok) {
    checks++;
    if (!ok) {
        failures++;
        printf("[FAIL] %s\n", what);
    }
}

static void test_printer(hl_ctx *ctx, void *ud) {
    ir_node *x = ir_var(ctx, ir_int(32), "x");
    ir_node *y = ir_var(ctx, ir_int(32), "y");
    check_text("add", ir_binary(ctx, IR_Add, x, ir_int_imm(ctx, ir_int(32), 1)), "(x + 1)");
    check_text("mul", ir_binary(ctx, IR_Mul, x, y), "(x*y)");
    check_text("min", ir_binary(ctx, IR_Min, x, y), "min(x, y)");
    check_text("cast", ir_cast(ctx, ir_uint(8), x), "uint8(x)");
    check_text("uint imm", ir_uint_imm(ctx, ir_uint(8), 300), "(uint8)44");
    check_text("int imm wraps", ir_int_imm(ctx, ir_int(8), 200), "(int8)-56");
    check_text("float imm", ir_float_imm(ctx, ir_float(32), 1.5), "1.500000f");
    check_text("double imm", ir_float_imm(ctx, ir_float(64), 0.25), "(float64)0.250000");
    check_text("select", ir_select(ctx, ir_binary(ctx, IR_LT, x, y), x, y), "select((x < y), x, y)");
    check_text("broadcast", ir_broadcast(ctx, x, 4), "x4(x)");
    check_text("ramp", ir_ramp(ctx, x, ir_int_imm(ctx, ir_int(32), 1), 8), "ramp(x, 1, 8)");
    ir_node *store = ir_store(ctx, "out", x, y, NULL, IR_REF_NONE, NULL);
    ir_node *loop = ir_for(ctx, "y", ir_int_imm(ctx, ir_int(32), 0), ir_int_imm(ctx, ir_int(32), 4),
                           IR_FOR_SERIAL, store);
    check_text("for", loop, "for (y, 0, 4) {\n  out[y] = x\n}\n");
    check_text("let stmt", ir_let_stmt(ctx, "x", y, store), "let x = y\nout[y] = x\n");
}

static void test_equality(hl_ctx *ctx, void *ud) {
    ir_node *x = ir_var(ctx, ir_int(32), "x");
    ir_node *a = ir_binary(ctx, IR_Add, x, ir_int_imm(ctx, ir_int(32), 1));
    ir_node *b = ir_binary(ctx, IR_Add, ir_var(ctx, ir_int(32), "x"), ir_int_imm(ctx, ir_int(32), 1));
    ir_node *c = ir_binary(ctx, IR_Add, x, ir_int_imm(ctx, ir_int(32), 2));
    check("equal trees are equal", ir_equal(a, b));
    check("equal trees hash alike", ir_hash(a) == ir_hash(b));
    check("different trees differ", !ir_equal(a, c));
    check("compare is antisymmetric", ir_compare(a, c) == -ir_compare(c, a));
}

static ir_node *identity(ir_mutator *m, ir_node *n) { return ir_mutate_kids(m, n); }

static void test_mutator(hl_ctx *ctx, void *ud) {
    ir_node *x = ir_var(ctx, ir_int(32), "x");
    ir_node *e = ir_binary(ctx, IR_Mul, ir_binary(ctx, IR_Add, x, x), x);
    ir_mutator m = {ctx, identity, NULL};
    check("unchanged mutation returns the same pointer", ir_mutate(&m, e) == e);
    ir_node *s = ir_substitute(ctx, e, "x", ir_int_imm(ctx, ir_int(32), 3));
    check_text("substitute", s, "((3 + 3)*3)");
    /* A Let rebinding x hides the outer x in its body only. */
    ir_node *let = ir_let(ctx, "x", x, x);
    check_text("substitute respects shadowing", ir_substitute(ctx, let, "x", ir_var(ctx, ir_int(32), "z")),
               "(let x = z in x)");
    check("uses_var", ir_uses_var(ctx, e, "x") && !ir_uses_var(ctx, e, "y"));
}

static void test_deep(hl_ctx *ctx, void *ud) {
    /* A chain deeper than the recursion limit raises a clean error from a mutator. */
    ir_node *e = ir_var(ctx, ir_int(32), "x");
    for (int i = 0; i < CTX_MAX_DEPTH + 10; i++) e = ir_binary(ctx, IR_Add, e, ir_int_imm(ctx, ir_int(32), 1));
    ir_mutator m = {ctx, identity, NULL};
    ir_mutate(&m, e);
}

static void test_persist_and_release(void) {
    hl_ctx ctx;
    ctx_init(&ctx, 1);
    ir_node *e = NULL;
    /* Built in the arena (no raise possible here), persisted to the heap. */
    ir_node *x = ir_var(&ctx, ir_int(32), "x");
    e = ir_binary(&ctx, IR_Add, x, ir_int_imm(&ctx, ir_int(32), 7));
    ir_node *heap = ir_persist(e);
    ctx_close(&ctx);
    check("persisted node is counted", heap && heap->refs == 1);
    check_text("persisted text", heap, "(x + 7)");
    /* A heap chain of 200000 nodes is released iteratively (no stack overflow). */
    ir_node *chain = heap;
    for (int i = 0; i < 200000; i++) {
        hl_expr *next;
        hl_operand a = hl_operand_expr(chain), b = {0};
        b.k.i = 1;
        if (hl_expr_binop(HL_OP_ADD, a, b, &next) != HL_OK) break;
        hl_expr_release(chain);
        chain = next;
    }
    check("deep heap chain built", chain && chain->kind == IR_Add);
    hl_expr_release(chain);
}

static void expect_type(const char *what, hl_status s, hl_expr **pe, hl_type t) {
    hl_expr *e = *pe;
    checks++;
    if (s != HL_OK || !e || !ir_type_eq(e->type, t)) {
        failures++;
        char buf[32];
        printf("[FAIL] %s: status %d (%s), type %s\n", what, s, hl_last_error(),
               e ? hl_type_name(e->type, buf, sizeof buf) : "-");
    }
    hl_expr_release(e);
}

static void test_coercion(void) {
    hl_expr *x, *u8x, *i8x, *e;
    hl_expr_var("x", &x);
    hl_expr_cast(ir_uint(8), hl_operand_expr(x), &u8x);
    hl_expr_cast(ir_int(8), hl_operand_expr(x), &i8x);
    hl_operand k300 = {0}, k3 = {0}, khalf = {0};
    k300.k.i = 300;
    k3.k.i = 3;
    khalf.k.is_float = 1;
    khalf.k.f = 0.5;
    e = NULL;
    expect_type("u8 + i8 -> i8",
                hl_expr_binop(HL_OP_ADD, hl_operand_expr(u8x), hl_operand_expr(i8x), &e), &e, ir_int(8));
    e = NULL;
    expect_type("u8 + 3 -> u8", hl_expr_binop(HL_OP_ADD, hl_operand_expr(u8x), k3, &e), &e, ir_uint(8));
    e = NULL;
    expect_type("x * 0.5 -> f32", hl_expr_binop(HL_OP_MUL, hl_operand_expr(x), khalf, &e), &e, ir_float(32));
    hl_operand mm[2] = {hl_operand_expr(u8x), k3};
    e = NULL;
    expect_type("max(u8, 3) -> i32", hl_expr_minmax(1, 2, mm, &e), &e, ir_int(32));
    e = NULL;
    hl_status s = hl_expr_binop(HL_OP_ADD, hl_operand_expr(u8x), k300, &e);
    checks++;
    if (s != HL_ERROR_USER || e || !strstr(hl_last_error(), "300")) {
        failures++;
        printf("[FAIL] u8 + 300 must be a user error, got %d: %s\n", s, hl_last_error());
    }
    hl_expr_release(x);
    hl_expr_release(u8x);
    hl_expr_release(i8x);
}

static void run(const char *name, ctx_protected_fn fn, int expect_status) {
    hl_ctx ctx;
    ctx_init(&ctx, 1);
    int status = ctx_pcall(&ctx, fn, NULL);
    checks++;
    if (status != expect_status) {
        failures++;
        printf("[FAIL] %s: status %d, expected %d (%s)\n", name, status, expect_status,
               ctx.message ? ctx.message : "");
    }
    ctx_close(&ctx);
}

int main(void) {
    run("printer", test_printer, HL_OK);
    run("equality", test_equality, HL_OK);
    run("mutator", test_mutator, HL_OK);
    run("deep trees raise a user error", test_deep, HL_ERROR_USER);
    test_persist_and_release();
    test_coercion();
    printf("%s: %d checks, %d failed\n", failures ? "[FAIL] test_ir" : "[PASS] test_ir", checks,
           failures);
    return failures != 0;
}
