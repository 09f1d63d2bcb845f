/* runtime_internal.h - the native runtime that generated code calls.
 *
 * These functions are compiled into the library (for the JIT, which resolves the
 * generated code's references to them) and use Halide's exact names and signatures,
 * because they are the ABI of generated code. Every error reporter formats Halide's
 * message, passes it to halide_error and returns Halide's negative error code, so that
 * generated code can `return halide_error_...(...)`.
 *
 * halide_error, halide_print, halide_malloc and halide_free are weak hooks (a program may
 * override them), each paired with a halide_default_* implementation. The default
 * halide_error appends the message to the jit_user_context when user_context is not NULL
 * (that is how JIT errors become exceptions), and writes it to stderr otherwise.
 */
#ifndef HL_RUNTIME_RUNTIME_INTERNAL_H
#define HL_RUNTIME_RUNTIME_INTERNAL_H

#include "halide_runtime.h"

#include <stddef.h>
#include <stdint.h>

/* The user context the JIT passes to generated code: runtime hooks collect errors here.
 * Messages are separated by newlines; error_len < sizeof error, and error stays NUL
 * terminated (longer text is cut). */
typedef struct jit_user_context {
    char error[4096];
    size_t error_len;
    int lock; /* taken with __atomic builtins: tasks of a parallel loop may fail together */
} jit_user_context;

/* Hooks (weak) and their default implementations. */
void halide_default_error(void *user_context, const char *msg);
void halide_default_print(void *user_context, const char *msg);
/* 64-byte aligned, with at least 64 readable bytes past the end; NULL on failure. */
void *halide_default_malloc(void *user_context, size_t size);
void halide_default_free(void *user_context, void *ptr);

/* Error reporters: each calls halide_error with Halide's message and returns its code. */
int halide_error_buffer_argument_is_null(void *user_context, const char *buffer_name);
/* Types are halide_type_t bit patterns: code | bits << 8 | lanes << 16. */
int halide_error_bad_type(void *user_context, const char *func_name, uint32_t type_given,
                          uint32_t correct_type);
/* Halide's argument order: the dimensions of the buffer passed in, then the expected. */
int halide_error_bad_dimensions(void *user_context, const char *func_name,
                                int32_t dimensions_given, int32_t correct_dimensions);
int halide_error_access_out_of_bounds(void *user_context, const char *func_name, int dimension,
                                      int min_touched, int max_touched, int min_valid,
                                      int max_valid);
int halide_error_buffer_extents_too_large(void *user_context, const char *buffer_name,
                                          int64_t actual_size, int64_t max_size);
int halide_error_buffer_allocation_too_large(void *user_context, const char *buffer_name,
                                             uint64_t allocation_size, uint64_t max_size);
int halide_error_out_of_memory(void *user_context);
int halide_error_explicit_condition_failed(void *user_context, const char *message);
int halide_error_explicit_bounds_too_small(void *user_context, const char *func_name,
                                           const char *var_name, int min_bound, int max_bound,
                                           int min_required, int max_required);
int halide_error_specialize_fail(void *user_context, const char *message);
int halide_error_constraint_violated(void *user_context, const char *var, int val,
                                     const char *constrained_var, int constrained_val);
int halide_error_param_too_small_i64(void *user_context, const char *param_name, int64_t val,
                                     int64_t min_val);
int halide_error_param_too_large_i64(void *user_context, const char *param_name, int64_t val,
                                     int64_t max_val);
int halide_error_param_too_small_f64(void *user_context, const char *param_name, double val,
                                     double min_val);
int halide_error_param_too_large_f64(void *user_context, const char *param_name, double val,
                                     double max_val);

/* ---- Parallelism (thread_pool.c; platform bits in posix_threads.c) ---------------------
 * A task runs iteration task_number of a parallel loop; closure holds the loop body's free
 * variables, packed by the generated caller. Returns 0 or a negative error code. */
typedef int (*halide_task_t)(void *user_context, int task_number, uint8_t *closure);
/* Runs task(user_context, i, closure) for i in [min, min + size) on the thread pool and
 * returns when all have finished: 0, or the first non-zero task result (iterations not
 * yet started when a task fails are skipped). Nests; may be called from many threads at
 * once. Weak hook: generated code (JIT and AOT) always calls through this symbol. */
int halide_do_par_for(void *user_context, halide_task_t task, int min, int size,
                      uint8_t *closure);
int halide_default_do_par_for(void *user_context, halide_task_t task, int min, int size,
                              uint8_t *closure);
/* Runs one iteration: task(user_context, idx, closure). Weak hook. */
int halide_do_task(void *user_context, halide_task_t task, int idx, uint8_t *closure);
int halide_default_do_task(void *user_context, halide_task_t task, int idx, uint8_t *closure);
/* Sets the number of threads (the caller included) that run a parallel loop; 0 means the
 * default (HL_NUM_THREADS, else the number of cores). Returns the previous number, or -1
 * (after halide_error) when n is negative. Values above 256 are clamped. */
int halide_set_num_threads(int n);
/* Joins the pool's worker threads and releases them; the next parallel loop starts new
 * ones. Must not be called while a parallel loop runs. Also run at process exit. */
void halide_shutdown_thread_pool(void);
/* The number of distinct threads (workers or callers) that have run at least one task
 * since the last call with reset != 0. For tests and benchmarks; never for control flow. */
int rt_thread_pool_threads_used(int reset);

/* Platform layer of the thread pool (posix_threads.c). Mutexes and conditions are opaque
 * storage that rt_*_init prepares; every function here either succeeds or, for
 * rt_thread_start, returns NULL. */
typedef struct rt_mutex {
    _Alignas(16) unsigned char opaque[64];
} rt_mutex;
typedef struct rt_cond {
    _Alignas(16) unsigned char opaque[64];
} rt_cond;
typedef struct rt_thread rt_thread;
void rt_mutex_init(rt_mutex *m);
void rt_mutex_lock(rt_mutex *m);
void rt_mutex_unlock(rt_mutex *m);
void rt_cond_init(rt_cond *c);
void rt_cond_wait(rt_cond *c, rt_mutex *m);
void rt_cond_broadcast(rt_cond *c);
/* A new thread running body(arg), or NULL when the system refuses one. */
rt_thread *rt_thread_start(void (*body)(void *), void *arg);
/* Waits for the thread to end and releases it. */
void rt_thread_join(rt_thread *t);
/* An id of the calling thread, distinct among live threads (no thread-local storage: the
 * runtime must also load where ELF TLS is missing, such as Android before API 29). */
uintptr_t rt_thread_self_id(void);
/* Processors online (at least 1). */
int rt_cpu_count(void);
/* A hint to the processor inside a spin-wait loop. */
void rt_cpu_relax(void);

/* print/print_when (print.c): when cond is non-zero, formats n scalar values as Halide
 * does (separated by spaces, then a newline) and passes the line to halide_print. types[i]
 * is a halide_type_t bit pattern; values[i] holds an integer (sign- or zero-extended), a
 * float as the bits of a double, or a const char * for a handle. Returns 0. */
int rt_print_values(void *user_context, int cond, int n, const uint32_t *types,
                    const uint64_t *values);

/* A trace event from generated code (trace.c): fills a halide_trace_event_t and calls
 * halide_trace. A tag event's text is tag followed by the number of dimensions and the
 * coordinates (min, extent pairs); other events carry the coordinates. Returns 0. */
int rt_trace(void *user_context, int event, const char *func, int value_index, uint32_t type_bits,
             const void *value, int ncoords, const int32_t *coords, const char *tag);
int32_t halide_trace(void *user_context, const struct halide_trace_event_t *event);

/* The profile feature (profiler.c): a run's state lives in a block of the pipeline's own
 * stack of RT_PROFILER_BYTES(nfuncs) bytes (ids 0 and 1 are halide_malloc/halide_free). */
#define RT_PROFILER_HEADER_BYTES 128
#define RT_PROFILER_SLOT_BYTES 64
#define RT_PROFILER_BYTES(nfuncs) (RT_PROFILER_HEADER_BYTES + RT_PROFILER_SLOT_BYTES * ((nfuncs) + 2))
int rt_profiler_start(void *state, const char *name, const char *names, int nfuncs, int jit);
int rt_profiler_set(void *state, int id);
int rt_profiler_memory(void *state, int id, int64_t bytes);
int rt_profiler_end(void *user_context, void *state);

/* The debug feature's lines (debug.c): entering and leaving a pipeline, and each argument. */
int rt_debug_enter(void *user_context, const char *pipeline, const char *target);
int rt_debug_exit(void *user_context, const char *pipeline);
int rt_debug_buffer(void *user_context, const char *kind, const char *name, const void *buffer);
int rt_debug_int(void *user_context, const char *type, const char *name, int64_t value);
int rt_debug_uint(void *user_context, const char *type, const char *name, uint64_t value);
int rt_debug_float(void *user_context, const char *type, const char *name, double value);
int rt_debug_pointer(void *user_context, const char *type, const char *name, const void *value);

/* "uint8", "float32x4", "handle64" ... into buf (Halide's spelling); returns buf. */
const char *rt_type_name(uint32_t type_bits, char *buf, size_t size);

/* One runtime symbol for the JIT: its name and its address in this process. */
typedef struct rt_symbol {
    const char *name;
    void *address;
} rt_symbol;
/* Every function above that generated code may call, NULL-terminated. */
extern const rt_symbol rt_jit_symbols[];

#endif
