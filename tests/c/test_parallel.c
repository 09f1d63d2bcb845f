/* test_parallel.c - the thread pool (halide_do_par_for) and parallel loop code generation.
 *
 * Part one drives the runtime directly with C tasks: every iteration runs exactly once,
 * two tasks provably run at the same time (each waits for the other), nesting, the first
 * error wins, many application threads at once, a million tiny tasks, thread-count
 * changes and a shutdown/restart. Part two JIT-compiles hand-built statements with
 * IR_FOR_PARALLEL loops (as test_codegen.c does) and compares them with the same
 * statement compiled serially: a parallel loop over rows of a 2-D buffer, nested parallel
 * loops, a failing assertion inside a parallel body (its code and message come back; the
 * heap allocation live around it is freed, LeakSanitizer checks), Allocates inside the
 * body, many tiny tasks, several application threads running one pipeline, and that
 * generated code calls through the overridable symbol halide_do_par_for; and allocation
 * failures injected at every point of such a compile. The process runs
 * with HL_NUM_THREADS=2. The 1-thread vs 2-thread time of a compute-bound loop is printed,
 * never asserted.
 */
#define _POSIX_C_SOURCE 200809L
#include "jit/jit.h"
#include "util/check.h"

#include "test_util_codegen.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Generated code must call through this symbol: this definition replaces the runtime's
 * weak one, counts the calls and forwards to the default pool. */
static atomic_int par_for_calls;

int halide_do_par_for(void *user_context, halide_task_t task, int min, int size,
                      uint8_t *closure) {
    atomic_fetch_add(&par_for_calls, 1);
    return halide_default_do_par_for(user_context, task, min, size, closure);
}

/* ==== Part one: the runtime with C tasks ================================================= */

enum { N_ONCE = 10000 };

typedef struct once_state {
    atomic_int runs[N_ONCE];
    int min;
} once_state;

static int once_task(void *uc, int idx, uint8_t *closure) {
    (void)uc;
    once_state *s = (once_state *)closure;
    atomic_fetch_add(&s->runs[idx - s->min], 1);
    return 0;
}

/* Each of two tasks arrives, then waits (bounded, so a broken pool cannot hang the test)
 * until the other has arrived too: both can only arrive if they run concurrently. */
typedef struct meet_state {
    atomic_int arrived;
    atomic_int met;
} meet_state;

static int meet_task(void *uc, int idx, uint8_t *closure) {
    (void)uc;
    (void)idx;
    meet_state *s = (meet_state *)closure;
    atomic_fetch_add(&s->arrived, 1);
    double give_up = now_ms() + 10000;
    while (atomic_load(&s->arrived) < 2 && now_ms() < give_up) continue;
    if (atomic_load(&s->arrived) >= 2) atomic_fetch_add(&s->met, 1);
    return 0;
}

typedef struct nest_state {
    atomic_long sum;
} nest_state;

static int inner_task(void *uc, int idx, uint8_t *closure) {
    (void)uc;
    atomic_fetch_add(&((nest_state *)closure)->sum, idx);
    return 0;
}

static int outer_task(void *uc, int idx, uint8_t *closure) {
    /* Each outer iteration runs an inner parallel loop over [idx * 100, idx * 100 + 100). */
    return halide_do_par_for(uc, inner_task, idx * 100, 100, closure);
}

static int failing_task(void *uc, int idx, uint8_t *closure) {
    (void)uc;
    atomic_fetch_add((atomic_int *)closure, 1);
    return idx == 37 ? -5 : 0;
}

static int nested_failing_task(void *uc, int idx, uint8_t *closure) {
    return idx == 3 ? halide_do_par_for(uc, failing_task, 0, 50, closure) : 0;
}

static int tiny_task(void *uc, int idx, uint8_t *closure) {
    (void)uc;
    ((int32_t *)closure)[idx] = idx * 7;
    return 0;
}

static void *caller_thread(void *arg) {
    int32_t *data = arg;
    int bad = 0;
    for (int round = 0; round < 200; round++) {
        memset(data, 0, 1000 * sizeof *data);
        if (halide_do_par_for(NULL, tiny_task, 0, 1000, (uint8_t *)data) != 0) bad++;
        for (int i = 0; i < 1000; i++) bad += data[i] != i * 7;
    }
    return (void *)(intptr_t)bad;
}

static void test_pool(void) {
    CHECK(halide_set_num_threads(2) == 2, "HL_NUM_THREADS=2 was not read");

    static once_state once;
    once.min = -300;
    int r = halide_do_par_for(NULL, once_task, once.min, N_ONCE, (uint8_t *)&once);
    CHECK(r == 0, "do_par_for returned %d", r);
    int wrong = 0;
    for (int i = 0; i < N_ONCE; i++) wrong += atomic_load(&once.runs[i]) != 1;
    CHECK(wrong == 0, "%d iterations did not run exactly once", wrong);
    CHECK(halide_do_par_for(NULL, once_task, 0, 0, (uint8_t *)&once) == 0 &&
              halide_do_par_for(NULL, once_task, 0, -5, (uint8_t *)&once) == 0,
          "empty loops must return 0");

    meet_state meet = {0};
    rt_thread_pool_threads_used(1);
    r = halide_do_par_for(NULL, meet_task, 0, 2, (uint8_t *)&meet);
    CHECK(r == 0 && atomic_load(&meet.met) == 2, "two tasks did not run concurrently (met %d)",
          atomic_load(&meet.met));
    int used = rt_thread_pool_threads_used(0);
    CHECK(used == 2, "%d distinct threads ran tasks, want 2", used);

    for (int outer = 50; outer <= 5000; outer *= 100) {
        nest_state nest = {0};
        r = halide_do_par_for(NULL, outer_task, 0, outer, (uint8_t *)&nest);
        long n = outer * 100L;
        CHECK(r == 0 && atomic_load(&nest.sum) == (n - 1) * n / 2, "nested %d: %d, sum %ld",
              outer, r, atomic_load(&nest.sum));
    }

    atomic_int ran = 0;
    r = halide_do_par_for(NULL, failing_task, 0, 100000, (uint8_t *)&ran);
    CHECK(r == -5, "failing task: returned %d", r);
    CHECK(atomic_load(&ran) < 100000, "remaining iterations were not skipped (%d ran)",
          atomic_load(&ran));
    atomic_store(&ran, 0);
    r = halide_do_par_for(NULL, nested_failing_task, 0, 8, (uint8_t *)&ran);
    CHECK(r == -5, "nested failing task: returned %d", r);

    int32_t *tiny = calloc(1000000, sizeof *tiny);
    r = halide_do_par_for(NULL, tiny_task, 0, 1000000, (uint8_t *)tiny);
    wrong = 0;
    for (int i = 0; i < 1000000; i++) wrong += tiny[i] != i * 7;
    CHECK(r == 0 && wrong == 0, "tiny tasks: %d, %d wrong", r, wrong);
    free(tiny);

    pthread_t callers[4];
    int32_t *data = calloc(4 * 1000, sizeof *data);
    for (int t = 0; t < 4; t++) pthread_create(&callers[t], NULL, caller_thread, data + t * 1000);
    for (int t = 0; t < 4; t++) {
        void *bad;
        pthread_join(callers[t], &bad);
        CHECK(bad == NULL, "application thread %d: %ld bad results", t, (long)(intptr_t)bad);
    }
    free(data);

    CHECK(halide_set_num_threads(1) == 2, "set_num_threads must return the old count");
    rt_thread_pool_threads_used(1);
    memset(&once, 0, sizeof once);
    r = halide_do_par_for(NULL, once_task, 0, 1000, (uint8_t *)&once);
    CHECK(r == 0 && rt_thread_pool_threads_used(0) == 1, "one thread: %d threads used",
          rt_thread_pool_threads_used(0));
    CHECK(halide_set_num_threads(-1) == -1, "a negative count must be refused");
    halide_set_num_threads(2);

    halide_shutdown_thread_pool();
    halide_shutdown_thread_pool();
    memset(&meet, 0, sizeof meet);
    r = halide_do_par_for(NULL, meet_task, 0, 2, (uint8_t *)&meet);
    CHECK(r == 0 && atomic_load(&meet.met) == 2, "after shutdown the pool must restart");
    REPORT("thread pool: each iteration once, real concurrency, nesting, errors, callers");
}

/* ==== Part two: parallel loops in generated code ========================================= */

static ir_node *i32c(hl_ctx *c, int64_t v) { return ir_int_imm(c, ir_int(32), v); }
static ir_node *var(hl_ctx *c, const char *n) { return ir_var(c, ir_int(32), n); }
static ir_node *bin(hl_ctx *c, ir_kind k, ir_node *a, ir_node *b) { return ir_binary(c, k, a, b); }
static ir_node *uc_var(hl_ctx *c) { return ir_var(c, ir_handle(), "__user_context"); }

static ir_node *field(hl_ctx *c, const char *buf, const char *what, int d) {
    return var(c, ctx_printf(c, "%s.%s.%d", buf, what, d));
}

/* LetStmts binding buf (host) and buf.{min,extent,stride}.d around body. */
static ir_node *with_buffer(hl_ctx *c, const char *buf, int dims, ir_node *body) {
    static const char *const names[3] = {"min", "extent", "stride"};
    static const int ids[3] = {IR_INTRIN_BUFFER_GET_MIN, IR_INTRIN_BUFFER_GET_EXTENT,
                               IR_INTRIN_BUFFER_GET_STRIDE};
    ir_node *handle = ir_var(c, ir_handle(), ctx_printf(c, "%s.buffer", buf));
    for (int d = dims - 1; d >= 0; d--) {
        for (int f = 0; f < 3; f++) {
            ir_node *args[2] = {handle, i32c(c, d)};
            ir_node *value = ir_call_intrinsic(c, ir_int(32), ids[f], 2, args);
            body = ir_let_stmt(c, ctx_printf(c, "%s.%s.%d", buf, names[f], d), value, body);
        }
    }
    ir_node *host = ir_call_intrinsic(c, ir_handle(), IR_INTRIN_BUFFER_GET_HOST, 1, &handle);
    return ir_let_stmt(c, buf, host, body);
}

/* The flat index of (x, y) in a 2-D buffer. */
static ir_node *index_2d(hl_ctx *c, const char *buf, ir_node *x, ir_node *y) {
    ir_node *dx = bin(c, IR_Sub, x, field(c, buf, "min", 0));
    ir_node *dy = bin(c, IR_Sub, y, field(c, buf, "min", 1));
    return bin(c, IR_Add, dx, bin(c, IR_Mul, dy, field(c, buf, "stride", 1)));
}

static ir_node *store(hl_ctx *c, const char *buf, ir_node *value, ir_node *index) {
    return ir_store(c, buf, value, index, NULL, IR_REF_NONE, NULL);
}

static ir_node *load(hl_ctx *c, hl_type t, const char *buf, ir_node *index) {
    return ir_load(c, t, buf, index, NULL, IR_REF_NONE, NULL);
}

/* for name in [buf.min.d, buf.min.d + buf.extent.d) */
static ir_node *loop_over(hl_ctx *c, const char *name, const char *buf, int d, ir_for_type type,
                          ir_node *body) {
    return ir_for(c, name, field(c, buf, "min", d), field(c, buf, "extent", d), type, body);
}

typedef ir_node *(*build_fn)(hl_ctx *c, bool parallel);

typedef struct compile_job {
    const char *name;
    int nargs;
    const cg_arg *args;
    build_fn build;
    bool parallel;
    jit_module *out;
} compile_job;

static void compile_protected(hl_ctx *c, void *p) {
    compile_job *j = p;
    j->out = jit_compile(c, j->name, j->nargs, j->args, j->build(c, j->parallel));
}

static jit_module *compile(const char *name, int nargs, const cg_arg *args, build_fn build,
                           bool parallel) {
    hl_ctx c;
    ctx_init(&c, 1);
    compile_job j = {name, nargs, args, build, parallel, NULL};
    int status = c.arena ? ctx_pcall(&c, compile_protected, &j) : HL_ERROR_NOMEM;
    CHECK(status == HL_OK, "compile of %s failed: %s", name, c.message ? c.message : "");
    ctx_close(&c);
    return status == HL_OK ? j.out : NULL;
}

typedef struct test_buffer {
    halide_buffer_t b;
    halide_dimension_t dim[2];
} test_buffer;

static void make_buffer(test_buffer *t, hl_type type, void *host, int dims, const int *extents,
                        const int *mins) {
    memset(t, 0, sizeof *t);
    t->b.host = host;
    t->b.type.code = type.code;
    t->b.type.bits = type.bits;
    t->b.type.lanes = 1;
    t->b.dimensions = dims;
    t->b.dim = t->dim;
    int stride = 1;
    for (int d = 0; d < dims; d++) {
        t->dim[d].min = mins ? mins[d] : 0;
        t->dim[d].extent = extents[d];
        t->dim[d].stride = stride;
        stride *= extents[d];
    }
}

/* ---- Rows of a 2-D buffer, and nested parallel loops ------------------------------------- */

/* out(x, y) = x * y + 3 * y - x + scale, for y (parallel) { for x (parallel when nested) }. */
static ir_node *build_rows_common(hl_ctx *c, bool parallel, bool nested) {
    ir_node *x = var(c, "x"), *y = var(c, "y");
    ir_node *value = bin(c, IR_Add, bin(c, IR_Sub, bin(c, IR_Add, bin(c, IR_Mul, x, y),
                                                          bin(c, IR_Mul, i32c(c, 3), y)),
                                           x),
                         var(c, "scale"));
    ir_for_type outer = parallel ? IR_FOR_PARALLEL : IR_FOR_SERIAL;
    ir_for_type inner = parallel && nested ? IR_FOR_PARALLEL : IR_FOR_SERIAL;
    ir_node *body = loop_over(c, "x", "out", 0, inner, store(c, "out", value, index_2d(c, "out", x, y)));
    return with_buffer(c, "out", 2, loop_over(c, "y", "out", 1, outer, body));
}

static ir_node *build_rows(hl_ctx *c, bool parallel) { return build_rows_common(c, parallel, false); }
static ir_node *build_nested(hl_ctx *c, bool parallel) { return build_rows_common(c, parallel, true); }

static const cg_arg rows_args[2] = {{"scale", false, {halide_type_int, 32, 1}, 0},
                                    {"out", true, {halide_type_int, 32, 1}, 2}};

enum { W = 37, H = 53 };

static int run_rows(jit_module *m, int32_t *out, int scale) {
    int extents[2] = {W, H}, mins[2] = {-4, 7};
    test_buffer bo;
    make_buffer(&bo, ir_int(32), out, 2, extents, mins);
    void *argv[2] = {&scale, &bo.b};
    return jit_entry(m)(argv);
}

static void compare_with_serial(const char *name, build_fn build) {
    jit_module *par = compile(name, 2, rows_args, build, true);
    jit_module *ser = compile(name, 2, rows_args, build, false);
    if (par && ser) {
        static int32_t a[W * H], b[W * H];
        memset(a, 0, sizeof a);
        memset(b, 0, sizeof b);
        int calls = atomic_load(&par_for_calls);
        int ra = run_rows(par, a, 11), rb = run_rows(ser, b, 11);
        int calls_made = atomic_load(&par_for_calls) - calls;
        CHECK(ra == 0 && rb == 0, "%s returned %d / %d", name, ra, rb);
        int want_calls = build == build_nested ? 1 + H : 1;
        CHECK(calls_made == want_calls, "%s: %d calls of halide_do_par_for, want %d", name,
              calls_made, want_calls);
        int wrong = 0;
        for (int i = 0; i < W * H; i++) {
            int x = i % W - 4, y = i / W + 7;
            wrong += a[i] != b[i] || a[i] != x * y + 3 * y - x + 11;
        }
        CHECK(wrong == 0, "%s: %d elements differ from the serial result", name, wrong);
    }
    jit_free(par);
    jit_free(ser);
}

static void test_rows(void) {
    compare_with_serial("rows", build_rows);
    REPORT("parallel loop over rows of a 2-D buffer matches the serial loop");
    compare_with_serial("nested", build_nested);
    REPORT("nested parallel loops match the serial loops");
}

/* ---- A failing assertion inside a parallel body ----------------------------------------- */

/* for y (parallel) { allocate scratch[out.extent.0] (heap) { scratch[0] = y;
 *   assert(y != bad_row, "bad row"); for x (parallel when nested) {
 *   assert(x + 1000 * (y + 1) != bad_row, param error -9); out(x, y) = scratch[0] + x } } }
 * Each bad_row fails in one iteration only, so one message is written. */
static ir_node *build_assert_common(hl_ctx *c, bool nested) {
    ir_node *x = var(c, "x"), *y = var(c, "y"), *bad = var(c, "bad_row");
    ir_node *msg_args[2] = {uc_var(c), ir_string_imm(c, "bad row")};
    ir_node *msg = ir_call(c, ir_int(32), "halide_error_explicit_condition_failed",
                           IR_CALL_EXTERN, 2, msg_args);
    ir_node *row_check = ir_assert_stmt(c, bin(c, IR_NE, y, bad), msg, 0);
    ir_node *col_args[4] = {uc_var(c), ir_string_imm(c, "column"),
                            ir_cast(c, ir_int(64), x), ir_int_imm(c, ir_int(64), 1000)};
    ir_node *col_msg = ir_call(c, ir_int(32), "halide_error_param_too_small_i64",
                               IR_CALL_EXTERN, 4, col_args);
    ir_node *xy = bin(c, IR_Add, x, bin(c, IR_Mul, bin(c, IR_Add, y, i32c(c, 1)), i32c(c, 1000)));
    ir_node *col_check = ir_assert_stmt(c, bin(c, IR_NE, xy, bad), col_msg, 0);
    ir_node *value = bin(c, IR_Add, load(c, ir_int(32), "scratch", i32c(c, 0)), x);
    ir_node *inner = loop_over(c, "x", "out", 0, nested ? IR_FOR_PARALLEL : IR_FOR_SERIAL,
                               ir_block(c, col_check, store(c, "out", value, index_2d(c, "out", x, y))));
    ir_node *extent = field(c, "out", "extent", 0);
    ir_node *alloc = ir_allocate(c, "scratch", ir_int(32), 1, &extent, NULL,
                                 ir_block(c, store(c, "scratch", y, i32c(c, 0)),
                                          ir_block(c, row_check, inner)));
    return with_buffer(c, "out", 2, loop_over(c, "y", "out", 1, IR_FOR_PARALLEL, alloc));
}

static ir_node *build_assert(hl_ctx *c, bool parallel) { (void)parallel; return build_assert_common(c, false); }
static ir_node *build_assert_nested(hl_ctx *c, bool parallel) { (void)parallel; return build_assert_common(c, true); }

static void test_asserts(void) {
    const cg_arg args[3] = {{"__user_context", false, ir_handle(), 0},
                            {"bad_row", false, ir_int(32), 0},
                            {"out", true, ir_int(32), 2}};
    build_fn builds[2] = {build_assert, build_assert_nested};
    for (int k = 0; k < 2; k++) {
        jit_module *m = compile(k ? "assert_nested" : "assert", 3, args, builds[k], true);
        if (!m) continue;
        struct {
            int bad_row, code;
            const char *message;
        } runs[3] = {
            {-100, 0, ""},
            {13, halide_error_code_requirement_failed, "bad row"},
            {2005, halide_error_code_param_too_small, "Parameter column is 5 but must be at least 1000"},
        };
        for (int i = 0; i < 3; i++) {
            static int32_t out[W * H];
            memset(out, 0, sizeof out);
            int extents[2] = {W, H};
            test_buffer bo;
            make_buffer(&bo, ir_int(32), out, 2, extents, NULL);
            jit_user_context uc;
            memset(&uc, 0, sizeof uc);
            void *ucp = &uc;
            void *argv[3] = {&ucp, &runs[i].bad_row, &bo.b};
            int r = jit_entry(m)(argv);
            CHECK(r == runs[i].code, "bad_row %d: returned %d, want %d", runs[i].bad_row, r,
                  runs[i].code);
            /* One failing iteration per run, so exactly one message. */
            CHECK(!strcmp(uc.error, runs[i].message), "bad_row %d: message \"%s\"",
                  runs[i].bad_row, uc.error);
            if (runs[i].code == 0)
                CHECK(out[5 * W + 3] == 5 + 3, "out(3, 5) = %d", out[5 * W + 3]);
        }
        jit_free(m);
    }
    REPORT("a failing assertion in a (nested) parallel body returns its code and message");
}

/* ---- Allocations inside the parallel body ------------------------------------------------ */

/* for y (parallel) { allocate tmp[out.extent.0] (heap) { allocate small[4] (stack) {
 *   small[0] = y * 100; for x: tmp[x - min] = in(x, y) * 2;
 *   for x: out(x, y) = tmp[extent - 1 - (x - min)] + small[0] } } } */
static ir_node *build_allocs(hl_ctx *c, bool parallel) {
    ir_node *x = var(c, "x"), *y = var(c, "y");
    ir_node *dx = bin(c, IR_Sub, x, field(c, "out", "min", 0));
    ir_node *w = field(c, "out", "extent", 0);
    ir_node *fill = loop_over(c, "x", "out", 0, IR_FOR_SERIAL,
                              store(c, "tmp", bin(c, IR_Mul, load(c, ir_int(32), "in", index_2d(c, "in", x, y)),
                                                  i32c(c, 2)), dx));
    ir_node *rev = bin(c, IR_Sub, bin(c, IR_Sub, w, i32c(c, 1)), dx);
    ir_node *value = bin(c, IR_Add, load(c, ir_int(32), "tmp", rev), load(c, ir_int(32), "small", i32c(c, 0)));
    ir_node *use = loop_over(c, "x", "out", 0, IR_FOR_SERIAL, store(c, "out", value, index_2d(c, "out", x, y)));
    ir_node *four = i32c(c, 4);
    ir_node *small = ir_allocate(c, "small", ir_int(32), 1, &four, NULL,
                                 ir_block(c, store(c, "small", bin(c, IR_Mul, y, i32c(c, 100)), i32c(c, 0)),
                                          ir_block(c, fill, use)));
    ir_node *tmp = ir_allocate(c, "tmp", ir_int(32), 1, &w, NULL, small);
    ir_node *rows = loop_over(c, "y", "out", 1, parallel ? IR_FOR_PARALLEL : IR_FOR_SERIAL, tmp);
    return with_buffer(c, "in", 2, with_buffer(c, "out", 2, rows));
}

static void test_allocations(void) {
    const cg_arg args[2] = {{"in", true, ir_int(32), 2}, {"out", true, ir_int(32), 2}};
    jit_module *m = compile("allocs", 2, args, build_allocs, true);
    if (m) {
        static int32_t in[W * H], out[W * H];
        for (int i = 0; i < W * H; i++) in[i] = i * 3 - 50;
        int extents[2] = {W, H};
        test_buffer bi, bo;
        make_buffer(&bi, ir_int(32), in, 2, extents, NULL);
        make_buffer(&bo, ir_int(32), out, 2, extents, NULL);
        void *argv[2] = {&bi.b, &bo.b};
        int r = jit_entry(m)(argv);
        CHECK(r == 0, "allocs returned %d", r);
        int wrong = 0;
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++)
                wrong += out[y * W + x] != in[y * W + (W - 1 - x)] * 2 + y * 100;
        CHECK(wrong == 0, "allocs: %d elements wrong", wrong);
        jit_free(m);
    }
    REPORT("heap and stack Allocates inside a parallel body");
}

/* ---- Many tiny tasks; several application threads ---------------------------------------- */

enum { TINY_N = 200000 };

/* for i (parallel) in [out.min.0, +extent): out[i - min] = i * 3 + k (k a let outside). */
static ir_node *build_tiny(hl_ctx *c, bool parallel) {
    ir_node *i = var(c, "i");
    ir_node *value = bin(c, IR_Add, bin(c, IR_Mul, i, i32c(c, 3)), var(c, "k"));
    ir_node *loop = loop_over(c, "i", "out", 0, parallel ? IR_FOR_PARALLEL : IR_FOR_SERIAL,
                              store(c, "out", value, bin(c, IR_Sub, i, field(c, "out", "min", 0))));
    return with_buffer(c, "out", 1, ir_let_stmt(c, "k", i32c(c, 17), loop));
}

static int run_tiny(jit_module *m, int32_t *out) {
    int n = TINY_N;
    test_buffer bo;
    make_buffer(&bo, ir_int(32), out, 1, &n, NULL);
    void *argv[1] = {&bo.b};
    return jit_entry(m)(argv);
}

static int count_tiny_errors(const int32_t *out) {
    int wrong = 0;
    for (int i = 0; i < TINY_N; i++) wrong += out[i] != i * 3 + 17;
    return wrong;
}

static void *pipeline_thread(void *arg) {
    jit_module *m = arg;
    int32_t *out = malloc(TINY_N * sizeof *out);
    intptr_t bad = 0;
    for (int round = 0; round < 20; round++) {
        memset(out, 0, TINY_N * sizeof *out);
        bad += run_tiny(m, out) != 0;
        bad += count_tiny_errors(out);
    }
    free(out);
    return (void *)bad;
}

static void test_tiny_tasks(void) {
    const cg_arg args[1] = {{"out", true, ir_int(32), 1}};
    jit_module *m = compile("tiny", 1, args, build_tiny, true);
    if (m) {
        int32_t *out = calloc(TINY_N, sizeof *out);
        int r = run_tiny(m, out);
        CHECK(r == 0 && count_tiny_errors(out) == 0, "tiny: %d, %d wrong", r, count_tiny_errors(out));
        free(out);
        pthread_t threads[3];
        for (int t = 0; t < 3; t++) pthread_create(&threads[t], NULL, pipeline_thread, m);
        for (int t = 0; t < 3; t++) {
            void *bad;
            pthread_join(threads[t], &bad);
            CHECK(bad == NULL, "application thread %d: %ld bad results", t, (long)(intptr_t)bad);
        }
        jit_free(m);
    }
    REPORT("many tiny tasks; one pipeline run from several application threads at once");
}

/* ---- A compute-bound loop: concurrency check and speed-up report ------------------------ */

enum { CW = 256, CH = 256, CK = 400 };

/* for y (parallel) { for x { out(x, y) = x + y; for k < CK: out(x, y) = out(x, y) * 0.999 + k } } */
static ir_node *build_compute(hl_ctx *c, bool parallel) {
    hl_type f32 = ir_float(32);
    ir_node *x = var(c, "x"), *y = var(c, "y");
    ir_node *idx = index_2d(c, "out", x, y);
    ir_node *init = store(c, "out", ir_cast(c, f32, bin(c, IR_Add, x, y)), idx);
    ir_node *step = bin(c, IR_Add, bin(c, IR_Mul, load(c, f32, "out", idx), ir_float_imm(c, f32, 0.999)),
                        ir_cast(c, f32, var(c, "k")));
    ir_node *iterate = ir_for(c, "k", i32c(c, 0), i32c(c, CK), IR_FOR_SERIAL, store(c, "out", step, idx));
    ir_node *row = loop_over(c, "x", "out", 0, IR_FOR_SERIAL, ir_block(c, init, iterate));
    return with_buffer(c, "out", 2, loop_over(c, "y", "out", 1, parallel ? IR_FOR_PARALLEL : IR_FOR_SERIAL, row));
}

static double time_compute(jit_module *m, float *out, int threads) {
    halide_set_num_threads(threads);
    int extents[2] = {CW, CH};
    test_buffer bo;
    make_buffer(&bo, ir_float(32), out, 2, extents, NULL);
    void *argv[1] = {&bo.b};
    double best = 1e30;
    for (int rep = 0; rep < 5; rep++) {
        double t0 = now_ms();
        int r = jit_entry(m)(argv);
        double t = now_ms() - t0;
        CHECK(r == 0, "compute returned %d", r);
        if (t < best) best = t;
    }
    return best;
}

static void test_compute(void) {
    const cg_arg args[1] = {{"out", true, ir_float(32), 2}};
    jit_module *m = compile("compute", 1, args, build_compute, true);
    if (m) {
        float *one = calloc(CW * CH, sizeof *one), *two = calloc(CW * CH, sizeof *two);
        double t1 = time_compute(m, one, 1);
        rt_thread_pool_threads_used(1);
        double t2 = time_compute(m, two, 2);
        int used = rt_thread_pool_threads_used(0);
        CHECK(used >= 2, "with 2 threads only %d thread(s) ran tasks", used);
        CHECK(!memcmp(one, two, CW * CH * sizeof *one), "results differ between 1 and 2 threads");
        printf("    compute-bound %dx%dx%d: 1 thread %.2f ms, 2 threads %.2f ms, speed-up %.2fx "
               "(%d threads ran tasks)\n",
               CW, CH, CK, t1, t2, t1 / t2, used);
        free(one);
        free(two);
        jit_free(m);
    }
    REPORT("a compute-bound parallel loop runs on 2 threads with the same result");
}

/* ---- Allocation failures injected into a compile with nested parallel loops ------------- */

static void test_compile_faults(void) {
    long n = 1;
    for (; n < 5000; n++) {
        hl_ctx c;
        ctx_init(&c, 1);
        compile_job j = {"nested", 2, rows_args, build_nested, true, NULL};
        hl_alloc_fail_at(n);
        int status = c.arena ? ctx_pcall(&c, compile_protected, &j) : HL_ERROR_NOMEM;
        long used = hl_alloc_count();
        hl_alloc_fail_at(0);
        CHECK(status == HL_OK || status == HL_ERROR_NOMEM || status == HL_ERROR_INTERNAL,
              "fault %ld: status %d (%s)", n, status, c.message ? c.message : "");
        ctx_close(&c);
        if (status == HL_OK) {
            jit_free(j.out);
            if (used < n) break; /* the injected failure was never reached: done */
        }
    }
    printf("    %ld allocation points tested\n", n - 1);
    REPORT("allocation failures during a compile with parallel loops fail cleanly");
}

int main(void) {
    setenv("HL_NUM_THREADS", "2", 1);
    test_pool();
    test_rows();
    test_asserts();
    test_allocations();
    test_tiny_tasks();
    test_compile_faults();
    test_compute();
    printf("%s: %d failed check(s)\n", test_failures ? "FAILED" : "OK", test_failures);
    return test_failures ? 1 : 0;
}
