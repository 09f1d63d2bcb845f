/* test_constant_bound.c - constant bounds of expressions and the counts of unrolled loops.
 *
 * Checks interval_constant_bound (interval.h) on the forms bounds inference leaves in loop
 * extents (min/max with constants, sums, differences, products by constants, selects,
 * variables of a scope, narrow types, overflow), and loop_extent_count (loop_extent.h):
 * an extent constant only through the lets around the loop is exact, one bounded through
 * an enclosing loop's range is guarded, an unbounded one is not found. Exit status is
 * non-zero on any failure.
 */
#include "ir/ir.h"
#include "lower/interval.h"
#include "lower/loop_extent.h"
#include "util/check.h"

#include <stdio.h>
#include <string.h>

/* The core library may be linked without the front end. */
__attribute__((weak)) void hl_func_retain(hl_func *f) { (void)f; }
__attribute__((weak)) void hl_func_release(hl_func *f) { (void)f; }
__attribute__((weak)) void hl_buffer_retain(hl_buffer *b) { (void)b; }
__attribute__((weak)) void hl_buffer_release(hl_buffer *b) { (void)b; }
__attribute__((weak)) int hl_func_num_values(const hl_func *f) { (void)f; return 1; }

static hl_ctx *C;
static int failures, checks;

static ir_node *i32(int64_t v) { return ir_make_const(C, ir_int(32), v); }
static ir_node *var(const char *name) { return ir_var(C, ir_int(32), name); }
static ir_node *bin(ir_kind k, ir_node *a, ir_node *b) { return ir_binary(C, k, a, b); }

/* found: whether a bound is expected; want: its value. */
static void check_bound(const char *what, ir_node *e, bool upper, const interval_scope *scope,
                        bool found, int64_t want) {
    int64_t got = 0;
    bool has = interval_constant_bound(C, e, upper, scope, &got);
    checks++;
    if (has != found || (found && got != want)) {
        failures++;
        printf("[FAIL] %s: %s bound of %s: got %s%lld, want %s%lld\n", what, upper ? "upper" : "lower",
               ir_ctx_string(C, e), has ? "" : "none ", (long long)got, found ? "" : "none ",
               (long long)want);
    }
}

static void constant_bounds(void) {
    ir_node *n = var("n"), *m = var("m"), *x = var("x");
    ir_node *min_n4 = bin(IR_Min, n, i32(4)), *max_n4 = bin(IR_Max, n, i32(4));
    check_bound("constant", i32(7), true, NULL, true, 7);
    check_bound("min(n, 4)", min_n4, true, NULL, true, 4);
    check_bound("min(n, 4)", min_n4, false, NULL, false, 0);
    check_bound("max(n, 4)", max_n4, true, NULL, false, 0);
    check_bound("max(n, 4)", max_n4, false, NULL, true, 4);
    check_bound("min(min(n, 4), m)", bin(IR_Min, m, min_n4), true, NULL, true, 4);
    check_bound("max(min(n, 4), min(m, 6))", bin(IR_Max, min_n4, bin(IR_Min, m, i32(6))), true, NULL, true, 6);
    check_bound("sum", bin(IR_Add, min_n4, i32(1)), true, NULL, true, 5);
    check_bound("difference", bin(IR_Sub, i32(10), max_n4), true, NULL, true, 6);
    check_bound("product by a negative", bin(IR_Mul, min_n4, i32(-2)), false, NULL, true, -8);
    check_bound("product by a negative", bin(IR_Mul, min_n4, i32(-2)), true, NULL, false, 0);
    check_bound("select", ir_select(C, bin(IR_LT, n, m), min_n4, i32(9)), true, NULL, true, 9);
    check_bound("tile tail", bin(IR_Add, bin(IR_Sub, bin(IR_Min, bin(IR_Add, m, i32(7)), n), m), i32(1)),
                true, NULL, true, 8);
    interval_scope xs = {"x", {i32(0), i32(7)}, NULL};
    check_bound("loop variable", bin(IR_Add, bin(IR_Mul, x, i32(2)), i32(1)), true, &xs, true, 15);
    check_bound("loop variable unscoped", bin(IR_Add, x, i32(1)), true, NULL, false, 0);
    ir_node *byte = ir_cast(C, ir_int(32), ir_var(C, ir_uint(8), "b"));
    check_bound("widened byte", bin(IR_Add, byte, i32(1)), true, NULL, true, 256);
    check_bound("overflow", bin(IR_Add, bin(IR_Min, n, i32(2147483647)), i32(1)), true, NULL, false, 0);
    printf("[%s] constant bounds\n", failures ? "FAIL" : "PASS");
}

static void check_count(const char *what, const ir_node *loop, const loop_scope *scope, bool found,
                        int64_t count, bool guarded) {
    loop_count r = loop_extent_count(C, loop, scope);
    checks++;
    if (r.found != found || (found && (r.count != count || r.guarded != guarded))) {
        failures++;
        printf("[FAIL] %s: found %d count %lld guarded %d (extent %s)\n", what, r.found,
               (long long)r.count, r.guarded, ir_ctx_string(C, r.extent));
    }
}

static void loop_counts(void) {
    int before = failures;
    ir_node *body = ir_evaluate(C, i32(0));
    ir_node *j = var("j"), *jo = var("jo"), *n = var("n");
    ir_node *jmin = var("j.min"), *jmax = var("j.max");
    ir_node *extent = bin(IR_Add, bin(IR_Sub, jmax, jmin), i32(1));
    ir_node *loop = ir_for(C, "j", jmin, extent, IR_FOR_UNROLLED, body);
    (void)j;
    /* let j.min = min(jo*4, n - 4); let j.max = j.min' + 3 (a ShiftInwards tile) */
    ir_node *tile_min = bin(IR_Min, bin(IR_Mul, jo, i32(4)), bin(IR_Add, n, i32(-4)));
    ir_node *let_max = ir_let_stmt(C, "j.max", bin(IR_Add, tile_min, i32(3)), loop);
    ir_node *let_min = ir_let_stmt(C, "j.min", tile_min, let_max);
    loop_scope s_min = {let_min, NULL}, s_max = {let_max, &s_min};
    check_count("tile through lets", loop, &s_max, true, 4, false);
    /* j.max = min(j.min + 3, n): a GuardWithIf tail */
    ir_node *guard_max = ir_let_stmt(C, "j.max", bin(IR_Min, bin(IR_Add, jmin, i32(3)), n), loop);
    ir_node *guard_min = ir_let_stmt(C, "j.min", bin(IR_Mul, jo, i32(4)), guard_max);
    loop_scope g_min = {guard_min, NULL}, g_max = {guard_max, &g_min};
    check_count("guarded tail", loop, &g_max, true, 4, true);
    /* An extent bounded by an enclosing loop's range: for (k, 0, 3) unrolled (j, 0, k + 1) */
    ir_node *inner = ir_for(C, "j", i32(0), bin(IR_Add, var("k"), i32(1)), IR_FOR_UNROLLED, body);
    ir_node *outer = ir_for(C, "k", i32(0), i32(3), IR_FOR_SERIAL, inner);
    loop_scope k_scope = {outer, NULL};
    check_count("enclosing loop", inner, &k_scope, true, 3, true);
    /* for (k, 0, n) unrolled (j, 0, k + 1): no bound */
    ir_node *open = ir_for(C, "k", i32(0), n, IR_FOR_SERIAL, inner);
    loop_scope open_scope = {open, NULL};
    check_count("unbounded", inner, &open_scope, false, 0, false);
    /* Lets that double at each level (a30 is 2^30 nodes as a tree): substitution stops in
     * time, and min(a30, 4) is still bounded by 4. */
    ir_node *chain = ir_for(C, "j", i32(0), bin(IR_Min, var("a30"), i32(4)), IR_FOR_UNROLLED, body);
    loop_scope levels[31];
    for (int k = 0; k <= 30; k++) {
        ir_node *prev = k ? var(ctx_printf(C, "a%d", k - 1)) : NULL;
        ir_node *value = k ? bin(IR_Add, prev, bin(IR_Mul, prev, i32(3))) : n;
        levels[k] = (loop_scope){ir_let_stmt(C, ctx_printf(C, "a%d", k), value, chain), NULL};
    }
    for (int k = 30; k > 0; k--) levels[k].next = &levels[k - 1];
    check_count("exponential lets", chain, &levels[30], true, 4, true);
    printf("[%s] loop counts\n", failures == before ? "PASS" : "FAIL");
}

static void run_all(hl_ctx *ctx, void *ud) {
    (void)ud;
    C = ctx;
    constant_bounds();
    loop_counts();
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
