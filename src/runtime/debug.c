/* debug.c - what generated code prints for a target with the debug feature.
 *
 * lower/debug_prints.c makes every pipeline built for a debug target announce itself,
 * as Halide's debug runtime does:
 *     Entering Pipeline f
 *     Target: x86-64-linux-avx2-debug
 *      Input Buffer b0: 0x55... -> buffer(0, 0x0, 0x55..., 1, uint8, {0, 4, 1}, {0, 3, 4})
 *      Input int32 p: 5
 *      Output Buffer f: 0x55... -> buffer(0, 0x0, 0x55..., 0, int32, {0, 4, 1}, {0, 3, 4})
 *     Exiting Pipeline f
 * (a buffer: device, device interface, host, flags, element type, then {min, extent,
 * stride} per dimension). Lines go to halide_print.
 *
 * Assumes: buffer arguments point to halide_buffer_t (NULL is printed as such; the argument
 * checks that follow report it). Guarantees: never allocates; returns 0.
 */
#include "runtime_internal.h"

#include <stdio.h>
#include <string.h>

/* Pointers as the reference prints them: 0x0 for NULL. */
#define P(p) ((unsigned long long)(uintptr_t)(const void *)(p))

int rt_debug_enter(void *user_context, const char *pipeline, const char *target) {
    char line[1024];
    snprintf(line, sizeof line, "Entering Pipeline %s\nTarget: %s\n", pipeline, target);
    halide_print(user_context, line);
    return 0;
}

int rt_debug_exit(void *user_context, const char *pipeline) {
    char line[512];
    snprintf(line, sizeof line, "Exiting Pipeline %s\n", pipeline);
    halide_print(user_context, line);
    return 0;
}

int rt_debug_buffer(void *user_context, const char *kind, const char *name, const void *buffer) {
    char line[2048], type[32];
    const halide_buffer_t *b = buffer;
    if (!b) {
        snprintf(line, sizeof line, " %s Buffer %s: NULL\n", kind, name);
        halide_print(user_context, line);
        return 0;
    }
    uint32_t bits = (uint32_t)b->type.code | (uint32_t)b->type.bits << 8 | (uint32_t)b->type.lanes << 16;
    int n = snprintf(line, sizeof line, " %s Buffer %s: 0x%llx -> buffer(%llu, 0x%llx, 0x%llx, %llu, %s", kind, name,
                     P(buffer), (unsigned long long)b->device, P(b->device_interface), P(b->host),
                     (unsigned long long)b->flags, rt_type_name(bits, type, sizeof type));
    size_t len = n < 0 ? 0 : (size_t)n < sizeof line ? (size_t)n : sizeof line - 1;
    for (int d = 0; d < b->dimensions && b->dim && len < sizeof line - 1; d++) {
        n = snprintf(line + len, sizeof line - len, ", {%d, %d, %d}", (int)b->dim[d].min, (int)b->dim[d].extent,
                     (int)b->dim[d].stride);
        if (n > 0) len += (size_t)n < sizeof line - len ? (size_t)n : sizeof line - len - 1;
    }
    snprintf(line + len, sizeof line - len, ")\n");
    halide_print(user_context, line);
    return 0;
}

int rt_debug_int(void *user_context, const char *type, const char *name, int64_t value) {
    char line[512];
    snprintf(line, sizeof line, " Input %s %s: %lld\n", type, name, (long long)value);
    halide_print(user_context, line);
    return 0;
}

int rt_debug_uint(void *user_context, const char *type, const char *name, uint64_t value) {
    char line[512];
    snprintf(line, sizeof line, " Input %s %s: %llu\n", type, name, (unsigned long long)value);
    halide_print(user_context, line);
    return 0;
}

int rt_debug_float(void *user_context, const char *type, const char *name, double value) {
    char line[512];
    snprintf(line, sizeof line, " Input %s %s: %f\n", type, name, value);
    halide_print(user_context, line);
    return 0;
}

int rt_debug_pointer(void *user_context, const char *type, const char *name, const void *value) {
    char line[512];
    snprintf(line, sizeof line, " Input %s %s: 0x%llx\n", type, name, P(value));
    halide_print(user_context, line);
    return 0;
}
