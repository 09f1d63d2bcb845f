/* jit_symbols.c - the table of runtime functions the JIT defines for generated code.
 *
 * Guarantees: every function of runtime_internal.h that generated code may call is listed,
 * with its address in this process (the hooks resolve to a program's override, if any).
 * Adding a runtime function means adding a row here.
 */
#include "runtime_internal.h"

#define RT_SYMBOL(f) {#f, (void *)&f}

const rt_symbol rt_jit_symbols[] = {
    RT_SYMBOL(halide_error),
    RT_SYMBOL(halide_print),
    RT_SYMBOL(rt_print_values),
    RT_SYMBOL(rt_trace),
    RT_SYMBOL(rt_debug_enter),
    RT_SYMBOL(rt_profiler_start),
    RT_SYMBOL(rt_profiler_set),
    RT_SYMBOL(rt_profiler_memory),
    RT_SYMBOL(rt_profiler_end),
    RT_SYMBOL(rt_debug_exit),
    RT_SYMBOL(rt_debug_buffer),
    RT_SYMBOL(rt_debug_int),
    RT_SYMBOL(rt_debug_uint),
    RT_SYMBOL(rt_debug_float),
    RT_SYMBOL(rt_debug_pointer),
    RT_SYMBOL(halide_trace),
    RT_SYMBOL(halide_malloc),
    RT_SYMBOL(halide_free),
    RT_SYMBOL(halide_do_par_for),
    RT_SYMBOL(halide_do_task),
    RT_SYMBOL(halide_set_num_threads),
    RT_SYMBOL(halide_shutdown_thread_pool),
    RT_SYMBOL(halide_error_buffer_argument_is_null),
    RT_SYMBOL(halide_error_bad_type),
    RT_SYMBOL(halide_error_bad_dimensions),
    RT_SYMBOL(halide_error_access_out_of_bounds),
    RT_SYMBOL(halide_error_buffer_extents_too_large),
    RT_SYMBOL(halide_error_buffer_allocation_too_large),
    RT_SYMBOL(halide_error_out_of_memory),
    RT_SYMBOL(halide_error_explicit_condition_failed),
    RT_SYMBOL(halide_error_constraint_violated),
    RT_SYMBOL(halide_error_specialize_fail),
    RT_SYMBOL(halide_error_explicit_bounds_too_small),
    RT_SYMBOL(halide_error_param_too_small_i64),
    RT_SYMBOL(halide_error_param_too_large_i64),
    RT_SYMBOL(halide_error_param_too_small_f64),
    RT_SYMBOL(halide_error_param_too_large_f64),
    {0, 0},
};
