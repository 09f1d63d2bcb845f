/* print.c - rt_print_values: the run-time half of Halide's print() and print_when().
 *
 * Generated code passes the values of one print call as two parallel arrays (codegen_call.c
 * builds them on the stack): halide_type_t bit patterns and 64-bit slots. The line is
 * formatted the way Halide's runtime formats it - values separated by single spaces, a
 * newline at the end; float32 (and float16) with "%f", float64 in scientific notation
 * ("%e"), bools as "true"/"false", strings as they are - and handed to halide_print.
 *
 * Assumes: every value is a scalar. Guarantees: never allocates; a line longer than the
 * local buffer is cut (still newline-terminated); returns 0.
 */
#include "runtime_internal.h"

#include <stdio.h>
#include <string.h>

static void append_value(char *buf, size_t size, size_t *len, uint32_t type, uint64_t bits) {
    int code = (int)(type & 0xff), nbits = (int)((type >> 8) & 0xff);
    size_t room = size - *len;
    int n = 0;
    if (code == halide_type_float || code == halide_type_bfloat) {
        double d;
        memcpy(&d, &bits, sizeof d);
        n = snprintf(buf + *len, room, nbits == 64 ? "%e" : "%f", d);
    } else if (code == halide_type_handle) {
        const char *s = (const char *)(uintptr_t)bits;
        n = snprintf(buf + *len, room, "%s", s ? s : "(null)");
    } else if (code == halide_type_uint && nbits == 1) {
        n = snprintf(buf + *len, room, "%s", bits ? "true" : "false");
    } else if (code == halide_type_int) {
        n = snprintf(buf + *len, room, "%lld", (long long)bits);
    } else {
        n = snprintf(buf + *len, room, "%llu", (unsigned long long)bits);
    }
    if (n < 0) return;
    *len += (size_t)n < room ? (size_t)n : room - 1;
}

int rt_print_values(void *user_context, int cond, int n, const uint32_t *types,
                    const uint64_t *values) {
    if (!cond) return 0;
    char line[4096];
    size_t len = 0;
    line[0] = '\0';
    for (int i = 0; i < n; i++) {
        if (i > 0 && len + 1 < sizeof line - 1) line[len++] = ' ';
        line[len] = '\0';
        append_value(line, sizeof line - 1, &len, types[i], values[i]);
    }
    line[len++] = '\n';
    line[len] = '\0';
    halide_print(user_context, line);
    return 0;
}
