/* error_reporters.c - the halide_error_* functions that generated code returns through.
 *
 * Each formats Halide's message for one kind of failure, hands it to halide_error and
 * returns the matching negative halide_error_code_t, so generated code can do
 * `return halide_error_bad_type(...)`. Signatures and messages are Halide's (runtime
 * errors.cpp), because programs and tests compare them.
 * Guarantees: no allocation (messages are formatted on the stack and cut if too long).
 */
#include "runtime_internal.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

__attribute__((format(printf, 2, 3))) static void report(void *user_context, const char *fmt, ...) {
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    halide_error(user_context, buf);
}

const char *rt_type_name(uint32_t type_bits, char *buf, size_t size) {
    unsigned code = type_bits & 0xff, bits = (type_bits >> 8) & 0xff, lanes = type_bits >> 16;
    static const char *const names[] = {"int", "uint", "float", "handle", "bfloat"};
    const char *name = code < 5 ? names[code] : "bad_type_code";
    if (lanes > 1) snprintf(buf, size, "%s%ux%u", name, bits, lanes);
    else snprintf(buf, size, "%s%u", name, bits);
    return buf;
}

int halide_error_buffer_argument_is_null(void *user_context, const char *buffer_name) {
    report(user_context, "Buffer argument %s is nullptr", buffer_name);
    return halide_error_code_buffer_argument_is_null;
}

int halide_error_bad_type(void *user_context, const char *func_name, uint32_t type_given,
                          uint32_t correct_type) {
    char given[32], correct[32];
    report(user_context, "%s has type %s but type of the buffer passed in is %s", func_name,
           rt_type_name(correct_type, correct, sizeof correct),
           rt_type_name(type_given, given, sizeof given));
    return halide_error_code_bad_type;
}

int halide_error_bad_dimensions(void *user_context, const char *func_name,
                                int32_t dimensions_given, int32_t correct_dimensions) {
    report(user_context,
           "%s requires a buffer of exactly %d dimensions, but the buffer passed in has %d "
           "dimensions",
           func_name, (int)correct_dimensions, (int)dimensions_given);
    return halide_error_code_bad_dimensions;
}

int halide_error_access_out_of_bounds(void *user_context, const char *func_name, int dimension,
                                      int min_touched, int max_touched, int min_valid,
                                      int max_valid) {
    if (min_touched < min_valid)
        report(user_context, "%s is accessed at %d, which is before the min (%d) in dimension %d",
               func_name, min_touched, min_valid, dimension);
    else if (max_touched > max_valid)
        report(user_context, "%s is accessed at %d, which is beyond the max (%d) in dimension %d",
               func_name, max_touched, max_valid, dimension);
    return halide_error_code_access_out_of_bounds;
}

int halide_error_buffer_extents_too_large(void *user_context, const char *buffer_name,
                                          int64_t actual_size, int64_t max_size) {
    report(user_context,
           "Product of extents for buffer %s is %" PRId64 ", which exceeds the maximum size of %" PRId64,
           buffer_name, actual_size, max_size);
    return halide_error_code_buffer_extents_too_large;
}

int halide_error_buffer_allocation_too_large(void *user_context, const char *buffer_name,
                                             uint64_t allocation_size, uint64_t max_size) {
    report(user_context,
           "Total allocation for buffer %s is %" PRIu64 ", which exceeds the maximum size of %" PRIu64,
           buffer_name, allocation_size, max_size);
    return halide_error_code_buffer_allocation_too_large;
}

int halide_error_out_of_memory(void *user_context) {
    halide_error(user_context, "Out of memory (halide_malloc returned nullptr)");
    return halide_error_code_out_of_memory;
}

int halide_error_explicit_condition_failed(void *user_context, const char *message) {
    halide_error(user_context, message ? message : "Explicit condition failed");
    return halide_error_code_requirement_failed;
}

int halide_error_explicit_bounds_too_small(void *user_context, const char *func_name,
                                           const char *var_name, int min_bound, int max_bound,
                                           int min_required, int max_required) {
    report(user_context, "Bounds given for %s in %s (from %d to %d) do not cover required region "
               "(from %d to %d)", var_name, func_name, min_bound, max_bound, min_required, max_required);
    return halide_error_code_explicit_bounds_too_small;
}

int halide_error_specialize_fail(void *user_context, const char *message) {
    report(user_context, "A schedule specialized with specialize_fail() was chosen: %s", message);
    return halide_error_code_specialize_fail;
}

int halide_error_constraint_violated(void *user_context, const char *var, int val,
                                     const char *constrained_var, int constrained_val) {
    report(user_context, "Constraint violated: %s (%d) == %s (%d)", var, val, constrained_var,
           constrained_val);
    return halide_error_code_constraint_violated;
}

int halide_error_param_too_small_i64(void *user_context, const char *param_name, int64_t val,
                                     int64_t min_val) {
    report(user_context, "Parameter %s is %" PRId64 " but must be at least %" PRId64, param_name,
           val, min_val);
    return halide_error_code_param_too_small;
}

int halide_error_param_too_large_i64(void *user_context, const char *param_name, int64_t val,
                                     int64_t max_val) {
    report(user_context, "Parameter %s is %" PRId64 " but must be at most %" PRId64, param_name,
           val, max_val);
    return halide_error_code_param_too_large;
}

int halide_error_param_too_small_f64(void *user_context, const char *param_name, double val,
                                     double min_val) {
    report(user_context, "Parameter %s is %f but must be at least %f", param_name, val, min_val);
    return halide_error_code_param_too_small;
}

int halide_error_param_too_large_f64(void *user_context, const char *param_name, double val,
                                     double max_val) {
    report(user_context, "Parameter %s is %f but must be at most %f", param_name, val, max_val);
    return halide_error_code_param_too_large;
}
