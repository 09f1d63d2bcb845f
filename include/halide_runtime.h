/* halide_runtime.h - the runtime ABI shared by halide-c, its generated code and programs
 * that link generated objects.
 *
 * The layouts below are Halide's (HalideRuntime.h): a C or C++ program written against a
 * Halide-generated object links against ours unchanged. Every entry point takes
 * `void *user_context` first; every overridable hook is a weak symbol with a
 * halide_default_* implementation in the runtime.
 */
#ifndef HALIDE_C_RUNTIME_H
#define HALIDE_C_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The types below are also defined by headers halide-c generates (codegen_header.c),
 * under the same guard, so that either may be included first. */
#ifndef HALIDE_C_BUFFER_TYPES
#define HALIDE_C_BUFFER_TYPES

typedef enum halide_type_code_t {
    halide_type_int = 0,    /* signed integers */
    halide_type_uint = 1,   /* unsigned integers */
    halide_type_float = 2,  /* IEEE floating point */
    halide_type_handle = 3, /* opaque pointers */
    halide_type_bfloat = 4, /* bfloat16 */
} halide_type_code_t;

struct halide_type_t {
    uint8_t code; /* a halide_type_code_t */
    uint8_t bits;
    uint16_t lanes;
};

struct halide_device_interface_t;

/* Tracing (Func.trace_loads/stores/realizations, the trace_* target features): generated
 * code reports each event to halide_trace, which a program may replace; the default
 * prints one line per event through halide_print and returns a fresh id. */
typedef enum halide_trace_event_code_t {
    halide_trace_load = 0,
    halide_trace_store = 1,
    halide_trace_begin_realization = 2,
    halide_trace_end_realization = 3,
    halide_trace_produce = 4,
    halide_trace_end_produce = 5,
    halide_trace_consume = 6,
    halide_trace_end_consume = 7,
    halide_trace_begin_pipeline = 8,
    halide_trace_end_pipeline = 9,
    halide_trace_tag = 10,
} halide_trace_event_code_t;

struct halide_trace_event_t {
    const char *func;     /* the Func (or pipeline) name */
    void *value;          /* loads and stores: the value, of `type` */
    int32_t *coordinates; /* loads/stores: the point; realization events: min, extent pairs */
    const char *trace_tag; /* tag events: the tag text */
    struct halide_type_t type;
    enum halide_trace_event_code_t event;
    int32_t parent_id;
    int32_t value_index;
    int32_t dimensions;   /* number of coordinates */
};

typedef struct halide_dimension_t {
    int32_t min, extent, stride;
    uint32_t flags;
} halide_dimension_t;

typedef enum {
    halide_buffer_flag_host_dirty = 1,
    halide_buffer_flag_device_dirty = 2,
} halide_buffer_flags;

typedef struct halide_buffer_t {
    uint64_t device;
    const struct halide_device_interface_t *device_interface;
    uint8_t *host;
    uint64_t flags;
    struct halide_type_t type;
    int32_t dimensions;
    halide_dimension_t *dim;
    void *padding;
} halide_buffer_t;

struct halide_scalar_value_t;

/* What <name>_metadata() of a generated pipeline describes (Halide's version 1). */
typedef struct halide_filter_argument_t {
    const char *name;
    int32_t kind; /* 0: input scalar, 1: input buffer, 2: output buffer */
    int32_t dimensions;
    struct halide_type_t type;
    const struct halide_scalar_value_t *scalar_def, *scalar_min, *scalar_max, *scalar_estimate;
    const int64_t *const *buffer_estimates;
} halide_filter_argument_t;

typedef struct halide_filter_metadata_t {
    int32_t version;
    int32_t num_arguments;
    const struct halide_filter_argument_t *arguments;
    const char *target;
    const char *name;
} halide_filter_metadata_t;

#endif /* HALIDE_C_BUFFER_TYPES */

/* Error codes returned by generated pipelines (0 is success). The numbers are Halide's
 * ABI: programs compare against them. */
enum halide_error_code_t {
    halide_error_code_success = 0,
    halide_error_code_generic_error = -1,              /* see the message */
    halide_error_code_explicit_bounds_too_small = -2,  /* Func::bound smaller than used */
    halide_error_code_bad_type = -3,                   /* buffer of the wrong element type */
    halide_error_code_access_out_of_bounds = -4,       /* a read or write outside a buffer */
    halide_error_code_buffer_allocation_too_large = -5,
    halide_error_code_buffer_extents_too_large = -6,
    halide_error_code_constraints_make_required_region_smaller = -7,
    halide_error_code_constraint_violated = -8,        /* a buffer field constraint failed */
    halide_error_code_param_too_small = -9,
    halide_error_code_param_too_large = -10,
    halide_error_code_out_of_memory = -11,             /* halide_malloc returned NULL */
    halide_error_code_buffer_argument_is_null = -12,
    halide_error_code_internal_error = -22,
    halide_error_code_unaligned_host_ptr = -24,
    halide_error_code_requirement_failed = -27,        /* an explicit condition failed */
    halide_error_code_buffer_extents_negative = -28,
    halide_error_code_specialize_fail = -31,
    halide_error_code_host_is_null = -34,
    halide_error_code_buffer_is_null = -38,
    halide_error_code_bad_dimensions = -43,            /* buffer of the wrong dimensionality */
    halide_error_code_integer_division_by_zero = -44,
};

/* Hooks a program may override (weak in the runtime). */
void halide_error(void *user_context, const char *msg);
void halide_print(void *user_context, const char *msg);
void *halide_malloc(void *user_context, size_t size);
void halide_free(void *user_context, void *ptr);

#ifdef __cplusplus
}
#endif
#endif
