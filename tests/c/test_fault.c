/* test_fault.c - fault injection: fail the Nth allocation of a representative
 * define + compile + realize, for N = 1, 2, ... until a run needs fewer than N
 * allocations. Every run must end in HL_OK or a clean error, never a crash; the ASan build
 * (make test-asan) checks that no run leaks.
 */
#include "halide_c.h"

#include <stdio.h>
#include <string.h>

/* f(x, y) = min(u8(in(x, y)) * 2, 200) over a 6x4 input; returns the status. */
static hl_status pipeline(void) {
    hl_status s;
    hl_buffer *in = NULL, *out = NULL;
    hl_expr *x = NULL, *y = NULL, *call = NULL, *scaled = NULL, *value = NULL;
    hl_func *f = NULL;
    int32_t extents[2] = {6, 4};
    if ((s = hl_buffer_new(hl_type_make(halide_type_uint, 8, 1), 2, extents, NULL, &in))) goto done;
    if ((s = hl_buffer_new(hl_type_make(halide_type_uint, 8, 1), 2, extents, NULL, &out))) goto done;
    if ((s = hl_expr_var("x", &x)) || (s = hl_expr_var("y", &y))) goto done;
    hl_expr *args[2] = {x, y};
    if ((s = hl_buffer_call(in, 2, args, &call))) goto done;
    hl_operand two = {0}, limit = {0};
    two.k.i = 2;
    limit.k.i = 200;
    if ((s = hl_expr_binop(HL_OP_MUL, hl_operand_expr(call), two, &scaled))) goto done;
    if ((s = hl_expr_binop(HL_OP_MIN, hl_operand_expr(scaled), limit, &value))) goto done;
    if ((s = hl_func_new("f", &f))) goto done;
    if ((s = hl_func_define(f, 2, args, 1, &value))) goto done;
    s = hl_func_realize(f, 1, &out);
done:
    hl_func_release(f);
    hl_expr_release(value);
    hl_expr_release(scaled);
    hl_expr_release(call);
    hl_expr_release(x);
    hl_expr_release(y);
    hl_buffer_release(in);
    hl_buffer_release(out);
    return s;
}

int main(void) {
    int failures = 0;
    hl_status s = pipeline();
    if (s != HL_OK) {
        printf("[FAIL] the pipeline fails without fault injection: %s\n", hl_last_error());
        return 1;
    }
    long n;
    for (n = 1;; n++) {
        hl_alloc_fail_at(n);
        s = pipeline();
        long used = hl_alloc_count();
        hl_alloc_fail_at(0);
        if (used < n) {
            if (s != HL_OK) {
                printf("[FAIL] run %ld failed without an injected fault: %s\n", n, hl_last_error());
                failures++;
            }
            break;
        }
        if (s != HL_ERROR_NOMEM && s != HL_OK) {
            printf("[FAIL] allocation %ld failed: status %d (%s), expected out of memory\n", n, s,
                   hl_last_error());
            failures++;
        }
    }
    printf("%s test_fault: %ld allocation sites failed one at a time\n",
           failures ? "[FAIL]" : "[PASS]", n - 1);
    return failures != 0;
}
