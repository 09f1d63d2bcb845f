/* test_codegen.c - code generation and JIT, from hand-built lowered statements.
 *
 * Each test builds a statement with the ir.h constructors inside a compile context, JIT
 * compiles it, runs it on halide_buffer_t's made here and compares with a C reference:
 * a 2-D loop, every arithmetic and comparison operator on eight types (scalar and 8-lane
 * vector code paths), casts, select, math calls, intrinsics, vector stores, gathers and
 * scatters, allocations, failing assertions and their messages, bounds queries, a compile
 * error, and allocation failures injected during a compile. Prints the JIT latency.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, posix_memalign */
#include "jit/jit.h"
#include "util/check.h"

#include "test_util_codegen.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The front end's retain/release hooks that ir.c calls for ref nodes; the tests make no
 * ref nodes, so no-op stand-ins do when the front end is not linked. */
__attribute__((weak)) void hl_func_retain(hl_func *f) { (void)f; }
__attribute__((weak)) void hl_func_release(hl_func *f) { (void)f; }
__attribute__((weak)) void hl_buffer_retain(hl_buffer *b) { (void)b; }
__attribute__((weak)) void hl_buffer_release(hl_buffer *b) { (void)b; }
__attribute__((weak)) int hl_func_num_values(const hl_func *f) { (void)f; return 1; }

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* ---- IR building helpers ------------------------------------------------------------------ */

static ir_node *i32c(hl_ctx *c, int64_t v) { return ir_int_imm(c, ir_int(32), v); }
static ir_node *var(hl_ctx *c, const char *n) { return ir_var(c, ir_int(32), n); }
static ir_node *bin(hl_ctx *c, ir_kind k, ir_node *a, ir_node *b) { return ir_binary(c, k, a, b); }

static ir_node *intrin(hl_ctx *c, hl_type t, int id, int n, ir_node **args) {
    ir_node *e = ir_call(c, t, ir_intrinsic_name(id), IR_CALL_INTRINSIC, n, args);
    e->op2 = id;
    return e;
}

static ir_node *buffer_var(hl_ctx *c, const char *buf) {
    char name[64];
    snprintf(name, sizeof name, "%s.buffer", buf);
    return ir_var(c, ir_handle(), name);
}

static ir_node *dim_field(hl_ctx *c, const char *buf, int id, int d) {
    ir_node *args[2] = {buffer_var(c, buf), i32c(c, d)};
    return intrin(c, ir_int(32), id, 2, args);
}

/* LetStmts binding buf (host), buf.min.d, buf.extent.d, buf.stride.d around body. */
static ir_node *with_buffer(hl_ctx *c, const char *buf, int dims, ir_node *body) {
    static const char *const fields[3] = {"min", "extent", "stride"};
    static const int ids[3] = {IR_INTRIN_BUFFER_GET_MIN, IR_INTRIN_BUFFER_GET_EXTENT,
                               IR_INTRIN_BUFFER_GET_STRIDE};
    char name[64];
    for (int d = dims - 1; d >= 0; d--) {
        for (int f = 0; f < 3; f++) {
            snprintf(name, sizeof name, "%s.%s.%d", buf, fields[f], d);
            body = ir_let_stmt(c, name, dim_field(c, buf, ids[f], d), body);
        }
    }
    ir_node *b = buffer_var(c, buf);
    return ir_let_stmt(c, buf, intrin(c, ir_handle(), IR_INTRIN_BUFFER_GET_HOST, 1, &b), body);
}

static ir_node *load(hl_ctx *c, hl_type t, const char *buf, ir_node *index) {
    return ir_load(c, t, buf, index, NULL, IR_REF_NONE, NULL);
}

static ir_node *store(hl_ctx *c, const char *buf, ir_node *value, ir_node *index) {
    return ir_store(c, buf, value, index, NULL, IR_REF_NONE, NULL);
}

static ir_node *loop(hl_ctx *c, const char *name, ir_node *min, ir_node *extent, ir_node *body) {
    return ir_for(c, name, min, extent, IR_FOR_SERIAL, body);
}

/* ---- Compiling and buffers ----------------------------------------------------------------- */

typedef ir_node *(*build_fn)(hl_ctx *c, void *ud);

typedef struct compile_job {
    const char *name;
    int nargs;
    const cg_arg *args;
    build_fn build;
    void *ud;
    jit_module *out;
    double ms;
} compile_job;

static void compile_protected(hl_ctx *c, void *p) {
    compile_job *j = p;
    ir_node *body = j->build(c, j->ud);
    double t0 = now_ms();
    j->out = jit_compile(c, j->name, j->nargs, j->args, body);
    j->ms = now_ms() - t0;
}

/* Returns the status; on failure the message goes to err. */
static int compile(compile_job *j, char *err, size_t err_size) {
    hl_ctx c;
    ctx_init(&c, 1);
    j->out = NULL;
    if (!c.arena) {
        snprintf(err, err_size, "no arena");
        ctx_close(&c);
        return HL_ERROR_NOMEM;
    }
    int status = ctx_pcall(&c, compile_protected, j);
    if (status != HL_OK) snprintf(err, err_size, "%s", c.message ? c.message : "(no message)");
    ctx_close(&c);
    return status;
}

static jit_module *compile_or_report(compile_job *j) {
    char err[4096];
    int status = compile(j, err, sizeof err);
    CHECK(status == HL_OK, "compile of %s failed: %s", j->name, err);
    return status == HL_OK ? j->out : NULL;
}

typedef struct test_buffer {
    halide_buffer_t b;
    halide_dimension_t dim[4];
} test_buffer;

/* A dense buffer over host memory (dim 0 innermost). */
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

static size_t type_bytes(hl_type t) { return ir_is_bool(t) ? 1 : t.bits / 8; }

/* Reads element i of typed memory as int64 (sign- or zero-extended) or double. */
static int64_t get_i(hl_type t, const void *mem, int i) {
    const unsigned char *p = (const unsigned char *)mem + (size_t)i * type_bytes(t);
    if (ir_is_bool(t)) return *p;
    switch (t.bits) {
    case 8: return ir_is_int(t) ? (int64_t)*(const int8_t *)p : (int64_t)*(const uint8_t *)p;
    case 16: return ir_is_int(t) ? (int64_t)*(const int16_t *)p : (int64_t)*(const uint16_t *)p;
    case 32: return ir_is_int(t) ? (int64_t)*(const int32_t *)p : (int64_t)*(const uint32_t *)p;
    default: return *(const int64_t *)p;
    }
}

static double get_f(hl_type t, const void *mem, int i) {
    const unsigned char *p = (const unsigned char *)mem + (size_t)i * type_bytes(t);
    return t.bits == 32 ? *(const float *)p : *(const double *)p;
}

static void put(hl_type t, void *mem, int i, int64_t iv, double fv) {
    unsigned char *p = (unsigned char *)mem + (size_t)i * type_bytes(t);
    if (ir_is_float(t)) {
        if (t.bits == 32) *(float *)p = (float)fv;
        else *(double *)p = fv;
        return;
    }
    if (ir_is_bool(t)) {
        *p = iv != 0;
        return;
    }
    switch (t.bits) {
    case 8: *(uint8_t *)p = (uint8_t)iv; break;
    case 16: *(uint16_t *)p = (uint16_t)iv; break;
    case 32: *(uint32_t *)p = (uint32_t)iv; break;
    default: *(int64_t *)p = iv; break;
    }
}

/* ---- The map harness: out[i] = f(a[i], b[i]), once scalar and once 8 lanes wide ----------- */

#define MAP_N 16

typedef ir_node *(*map_fn)(hl_ctx *c, ir_node *a, ir_node *b, const void *ud);

typedef struct map_job {
    hl_type in_t;
    map_fn f;
    const void *ud;
} map_job;

static ir_node *build_map(hl_ctx *c, void *p) {
    map_job *j = p;
    ir_node *i = var(c, "i");
    ir_node *a = load(c, j->in_t, "a", i), *b = load(c, j->in_t, "b", i);
    ir_node *scalar = loop(c, "i", i32c(c, 0), var(c, "a.extent.0"),
                           store(c, "out_s", j->f(c, a, b, j->ud), i));
    ir_node *idx = ir_ramp(c, bin(c, IR_Mul, var(c, "v"), i32c(c, 8)), i32c(c, 1), 8);
    hl_type vt = ir_with_lanes(j->in_t, 8);
    ir_node *av = load(c, vt, "a", idx), *bv = load(c, vt, "b", idx);
    ir_node *vector = loop(c, "v", i32c(c, 0), bin(c, IR_Div, var(c, "a.extent.0"), i32c(c, 8)),
                           store(c, "out_v", j->f(c, av, bv, j->ud), idx));
    ir_node *body = ir_block(c, scalar, vector);
    body = with_buffer(c, "out_v", 1, body);
    body = with_buffer(c, "out_s", 1, body);
    body = with_buffer(c, "b", 1, body);
    return with_buffer(c, "a", 1, body);
}

/* Runs the map; out_s and out_v receive MAP_N results of type out_t. Returns 0 on success. */
static int run_map(const char *name, hl_type in_t, const void *a, const void *b, hl_type out_t,
                   map_fn f, const void *ud, void *out_s, void *out_v) {
    map_job mj = {in_t, f, ud};
    cg_arg args[4] = {{"a", true, in_t, 1}, {"b", true, in_t, 1}, {"out_s", true, out_t, 1},
                      {"out_v", true, out_t, 1}};
    compile_job j = {name, 4, args, build_map, &mj, NULL, 0};
    jit_module *m = compile_or_report(&j);
    if (!m) return -1;
    int n = MAP_N;
    test_buffer ba, bb, bs, bv;
    make_buffer(&ba, in_t, (void *)a, 1, &n, NULL);
    make_buffer(&bb, in_t, (void *)b, 1, &n, NULL);
    make_buffer(&bs, out_t, out_s, 1, &n, NULL);
    make_buffer(&bv, out_t, out_v, 1, &n, NULL);
    void *argv[4] = {&ba.b, &bb.b, &bs.b, &bv.b};
    int r = jit_entry(m)(argv);
    CHECK(r == 0, "%s returned %d", name, r);
    jit_free(m);
    return r;
}

/* ---- 2-D loop --------------------------------------------------------------------------- */

static ir_node *build_2d(hl_ctx *c, void *ud) {
    (void)ud;
    /* out[(x - min0) * stride0 + (y - min1) * stride1] = x + y * 3 */
    ir_node *x = var(c, "x"), *y = var(c, "y");
    ir_node *index = bin(c, IR_Add,
                         bin(c, IR_Mul, bin(c, IR_Sub, x, var(c, "out.min.0")), var(c, "out.stride.0")),
                         bin(c, IR_Mul, bin(c, IR_Sub, y, var(c, "out.min.1")), var(c, "out.stride.1")));
    ir_node *value = bin(c, IR_Add, x, bin(c, IR_Mul, y, i32c(c, 3)));
    ir_node *inner = loop(c, "x", var(c, "out.min.0"), var(c, "out.extent.0"),
                          store(c, "out", value, index));
    ir_node *outer = loop(c, "y", var(c, "out.min.1"), var(c, "out.extent.1"), inner);
    return with_buffer(c, "out", 2, ir_producer_consumer(c, "out", true, outer));
}

static void test_2d_loop(void) {
    cg_arg args[1] = {{"out", true, ir_int(32), 2}};
    double best = 1e9;
    for (int rep = 0; rep < 3; rep++) {
        compile_job j = {"loop2d", 1, args, build_2d, NULL, NULL, 0};
        jit_module *m = compile_or_report(&j);
        if (!m) break;
        printf("    JIT compile of the 2-D loop (codegen + O3 + machine code), run %d: %.2f ms\n",
               rep + 1, j.ms);
        if (j.ms < best) best = j.ms;
        int32_t data[7 * 5];
        memset(data, 0xAB, sizeof data);
        int extents[2] = {7, 5}, mins[2] = {2, -1};
        test_buffer out;
        make_buffer(&out, ir_int(32), data, 2, extents, mins);
        void *argv[1] = {&out.b};
        double t0 = now_ms();
        int r = jit_entry(m)(argv);
        double run = now_ms() - t0;
        CHECK(r == 0, "loop2d returned %d", r);
        for (int y = 0; y < 5; y++)
            for (int x = 0; x < 7; x++)
                CHECK(data[x + y * 7] == (x + 2) + (y - 1) * 3, "out(%d, %d) = %d", x + 2, y - 1,
                      data[x + y * 7]);
        if (rep == 0) printf("    first run of the compiled loop: %.3f ms\n", run);
        jit_free(m);
    }
    printf("    JIT latency (best of 3): %.2f ms\n", best);
    REPORT("2-D loop writes x + y*3 (mins 2, -1)");
}

/* ---- Arithmetic and comparisons on eight types ------------------------------------------- */

static const int64_t int_a[MAP_N] = {-7, 7, -7, 7, 0, 13, -13, 100, -100, 1, -1, 5, 3, INT64_MIN, 42, -42};
static const int64_t int_b[MAP_N] = {2, -2, -2, 2, 5, 0, 0, 7, -7, 1, 1, -3, 3, -1, 6, -6};
static const double flt_a[MAP_N] = {-7.5, 7.25, -1.5, 7, 0, 13, -13, 100.5, -100, 1, -1, 5, 3, 2.5, 42, -0.0};
static const double flt_b[MAP_N] = {2, -2, 4.0, 2, 5, 0, 0.5, 7, -7, 1, 1, -3, 3, -1, 6, -6};

static ir_node *binary_op(hl_ctx *c, ir_node *a, ir_node *b, const void *ud) {
    return bin(c, *(const ir_kind *)ud, a, b);
}

static int64_t wrap(hl_type t, int64_t v) {
    return ir_is_int(t) ? ir_wrap_int(t, v) : (int64_t)ir_wrap_uint(t, (uint64_t)v);
}

/* Reference integer op with Halide's semantics (a, b already of type t). */
static int64_t ref_int(ir_kind op, hl_type t, int64_t a, int64_t b) {
    uint64_t ua = (uint64_t)a, ub = (uint64_t)b;
    bool s = ir_is_int(t);
    switch ((int)op) {
    case IR_Add: return wrap(t, (int64_t)(ua + ub));
    case IR_Sub: return wrap(t, (int64_t)(ua - ub));
    case IR_Mul: return wrap(t, (int64_t)(ua * ub));
    case IR_Min: return s ? (a < b ? a : b) : (ua < ub ? a : b);
    case IR_Max: return s ? (a > b ? a : b) : (ua > ub ? a : b);
    case IR_Div:
    case IR_Mod:
        if (b == 0) return 0;
        if (!s) return op == IR_Div ? (int64_t)(ua / ub) : (int64_t)(ua % ub);
        if (b == -1) return op == IR_Div ? wrap(t, (int64_t)(0 - ua)) : 0;
        {
            int64_t q = a / b, r = a % b;
            if (r < 0) {
                q -= b > 0 ? 1 : -1;
                r += b > 0 ? b : -b;
            }
            return op == IR_Div ? wrap(t, q) : r;
        }
    default: return 0;
    }
}

static bool ref_cmp_int(ir_kind op, hl_type t, int64_t a, int64_t b) {
    if (ir_is_uint(t)) {
        uint64_t ua = (uint64_t)a, ub = (uint64_t)b;
        switch ((int)op) {
        case IR_EQ: return ua == ub;
        case IR_NE: return ua != ub;
        case IR_LT: return ua < ub;
        case IR_LE: return ua <= ub;
        case IR_GT: return ua > ub;
        default: return ua >= ub;
        }
    }
    switch ((int)op) {
    case IR_EQ: return a == b;
    case IR_NE: return a != b;
    case IR_LT: return a < b;
    case IR_LE: return a <= b;
    case IR_GT: return a > b;
    default: return a >= b;
    }
}

static bool ref_cmp_float(ir_kind op, double a, double b) {
    switch ((int)op) {
    case IR_EQ: return a == b;
    case IR_NE: return a != b;
    case IR_LT: return a < b;
    case IR_LE: return a <= b;
    case IR_GT: return a > b;
    default: return a >= b;
    }
}

/* Float op evaluated in the type's own precision. */
static double ref_float(ir_kind op, int bits, double a, double b) {
    if (bits == 32) {
        float x = (float)a, y = (float)b;
        switch ((int)op) {
        case IR_Add: return x + y;
        case IR_Sub: return x - y;
        case IR_Mul: return x * y;
        case IR_Div: return x / y;
        case IR_Mod: return x - y * floorf(x / y);
        case IR_Min: return x < y ? x : y;
        default: return x > y ? x : y;
        }
    }
    switch ((int)op) {
    case IR_Add: return a + b;
    case IR_Sub: return a - b;
    case IR_Mul: return a * b;
    case IR_Div: return a / b;
    case IR_Mod: return a - b * floor(a / b);
    case IR_Min: return a < b ? a : b;
    default: return a > b ? a : b;
    }
}

static bool same_float(double x, double y) {
    return (isnan(x) && isnan(y)) || (x == y && signbit(x) == signbit(y));
}

static void test_arithmetic(void) {
    static const hl_type types[8] = {
        {halide_type_int, 8, 1},    {halide_type_uint, 8, 1},  {halide_type_int, 16, 1},
        {halide_type_int, 32, 1},   {halide_type_uint, 32, 1}, {halide_type_int, 64, 1},
        {halide_type_float, 32, 1}, {halide_type_float, 64, 1}};
    static const ir_kind ops[13] = {IR_Add, IR_Sub, IR_Mul, IR_Div, IR_Mod, IR_Min, IR_Max,
                                    IR_EQ,  IR_NE,  IR_LT,  IR_LE,  IR_GT,  IR_GE};
    for (int ti = 0; ti < 8; ti++) {
        hl_type t = types[ti];
        char tname[32];
        hl_type_name(t, tname, sizeof tname);
        unsigned char a[MAP_N * 8], b[MAP_N * 8];
        for (int i = 0; i < MAP_N; i++) {
            int64_t ai = int_a[i] == INT64_MIN ? ir_type_imin(t) : int_a[i];
            put(t, a, i, wrap(t, ai), flt_a[i]);
            put(t, b, i, wrap(t, int_b[i]), flt_b[i]);
        }
        for (int oi = 0; oi < 13; oi++) {
            ir_kind op = ops[oi];
            bool is_cmp = op >= IR_EQ;
            hl_type out_t = is_cmp ? ir_bool() : t;
            unsigned char out_s[MAP_N * 8], out_v[MAP_N * 8];
            memset(out_s, 0x5A, sizeof out_s);
            memset(out_v, 0x5A, sizeof out_v);
            char name[64];
            snprintf(name, sizeof name, "%s_%s", ir_kind_name(op), tname);
            if (run_map(name, t, a, b, out_t, binary_op, &op, out_s, out_v)) continue;
            for (int i = 0; i < MAP_N; i++) {
                /* Signed 32/64-bit overflow is undefined: skip MIN + -1 and MIN * -1. */
                if (ir_is_int(t) && t.bits >= 32 && i == 13 && (op == IR_Add || op == IR_Mul)) continue;
                for (int path = 0; path < 2; path++) {
                    const void *out = path ? out_v : out_s;
                    const char *pname = path ? "vector" : "scalar";
                    if (is_cmp) {
                        bool want = ir_is_float(t) ? ref_cmp_float(op, get_f(t, a, i), get_f(t, b, i))
                                                   : ref_cmp_int(op, t, get_i(t, a, i), get_i(t, b, i));
                        CHECK(get_i(out_t, out, i) == want, "%s %s lane %d: got %lld want %d", name,
                              pname, i, (long long)get_i(out_t, out, i), want);
                    } else if (ir_is_float(t)) {
                        double want = ref_float(op, t.bits, get_f(t, a, i), get_f(t, b, i));
                        CHECK(same_float(get_f(t, out, i), want), "%s %s (%g, %g): got %g want %g",
                              name, pname, get_f(t, a, i), get_f(t, b, i), get_f(t, out, i), want);
                    } else {
                        int64_t want = ref_int(op, t, get_i(t, a, i), get_i(t, b, i));
                        CHECK(get_i(t, out, i) == want, "%s %s (%lld, %lld): got %lld want %lld",
                              name, pname, (long long)get_i(t, a, i), (long long)get_i(t, b, i),
                              (long long)get_i(t, out, i), (long long)want);
                    }
                }
            }
        }
    }
    REPORT("arithmetic and comparisons on int8/uint8/int16/int32/uint32/int64/float32/float64");
}

/* ---- Casts ------------------------------------------------------------------------------- */

static ir_node *cast_op(hl_ctx *c, ir_node *a, ir_node *b, const void *ud) {
    (void)b;
    hl_type to = *(const hl_type *)ud;
    return ir_cast(c, ir_with_lanes(to, a->type.lanes), a);
}

typedef struct cast_case {
    hl_type from, to;
    double values[8]; /* repeated twice over the 16 lanes */
} cast_case;

static void test_casts(void) {
    const hl_type i8 = ir_int(8), u8 = ir_uint(8), i16 = ir_int(16), u16 = ir_uint(16),
                  i32 = ir_int(32), u32 = ir_uint(32), i64 = ir_int(64), f32 = ir_float(32),
                  f64 = ir_float(64), b1 = ir_bool();
    const cast_case cases[] = {
        {i32, i8, {-129, 128, 255, 127, -1, 0, 1000, -1000}},
        {i8, i32, {-128, -1, 0, 1, 127, -7, 7, 100}},
        {u8, i32, {255, 128, 0, 1, 127, 200, 7, 100}},
        {i8, u16, {-1, -128, 5, 0, 127, -2, 3, 100}},
        {u16, i8, {65535, 128, 300, 0, 127, 256, 3, 1000}},
        {i64, i16, {70000, -70000, 32768, -1, 5, 0, 123456789, -2}},
        {u32, i64, {4000000000.0, 1, 0, 2147483648.0, 5, 7, 9, 11}},
        {f32, i32, {-2.7, 2.7, -0.5, 1000000.5, 0, -1, 123.99, -123.99}},
        {f32, u8, {3.9, 0.2, 255.5, 128.9, 0, 1, 7.5, 100.1}},
        {f32, i16, {-3.7, 3.7, -32768, 32767, 0, -1.5, 1.5, 9.99}},
        {i32, f32, {16777217, -5, 0, 2147483647, -2147483648.0, 3, 33554435, -33554435}},
        {u32, f32, {4000000000.0, 4294967295.0, 0, 16777217, 1, 2, 3, 4}},
        {f64, f32, {0.1, 1e40, -1e-50, 3.14159265358979, 0, -2.5, 1e10, 65504}},
        {f32, f64, {0.1, 1e30, -1e-30, 3.14159265, 0, -2.5, 1e10, 65504}},
        {i16, f64, {-32768, 32767, 0, 1, -1, 1000, -1000, 5}},
        {i32, b1, {0, 5, -1, 0, 1, 256, 0, -256}},
        {f32, b1, {0.0, 0.5, -0.0, -2, 0, 1e-30, 0, 3}},
        {b1, i32, {0, 1, 1, 0, 1, 0, 0, 1}},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const cast_case *cc = &cases[k];
        unsigned char in[MAP_N * 8], out_s[MAP_N * 8], out_v[MAP_N * 8];
        for (int i = 0; i < MAP_N; i++) {
            double v = cc->values[i % 8];
            put(cc->from, in, i, ir_is_float(cc->from) ? 0 : wrap(cc->from, (int64_t)v), v);
        }
        char from_name[16], to_name[16], name[64];
        snprintf(name, sizeof name, "cast_%s_to_%s", hl_type_name(cc->from, from_name, 16),
                 hl_type_name(cc->to, to_name, 16));
        if (run_map(name, cc->from, in, in, cc->to, cast_op, &cc->to, out_s, out_v)) continue;
        for (int i = 0; i < MAP_N; i++) {
            for (int path = 0; path < 2; path++) {
                const void *out = path ? out_v : out_s;
                if (ir_is_float(cc->to)) {
                    double src = ir_is_float(cc->from) ? get_f(cc->from, in, i) : 0;
                    double want;
                    if (ir_is_float(cc->from)) want = cc->to.bits == 32 ? (double)(float)src : src;
                    else if (ir_is_int(cc->from))
                        want = cc->to.bits == 32 ? (double)(float)get_i(cc->from, in, i)
                                                 : (double)get_i(cc->from, in, i);
                    else
                        want = cc->to.bits == 32 ? (double)(float)(uint64_t)get_i(cc->from, in, i)
                                                 : (double)(uint64_t)get_i(cc->from, in, i);
                    CHECK(same_float(get_f(cc->to, out, i), want), "%s lane %d: got %.17g want %.17g",
                          name, i, get_f(cc->to, out, i), want);
                } else {
                    int64_t want;
                    if (ir_is_bool(cc->to))
                        want = ir_is_float(cc->from) ? get_f(cc->from, in, i) != 0
                                                     : get_i(cc->from, in, i) != 0;
                    else if (ir_is_float(cc->from))
                        want = wrap(cc->to, (int64_t)trunc(get_f(cc->from, in, i)));
                    else
                        want = wrap(cc->to, get_i(cc->from, in, i));
                    CHECK(get_i(cc->to, out, i) == want, "%s %s lane %d: got %lld want %lld", name,
                          path ? "vector" : "scalar", i, (long long)get_i(cc->to, out, i),
                          (long long)want);
                }
            }
        }
    }
    REPORT("casts (trunc, sext/zext by source signedness, float<->int, to and from bool)");
}

/* ---- Select and Let ------------------------------------------------------------------------ */

static ir_node *select_op(hl_ctx *c, ir_node *a, ir_node *b, const void *ud) {
    (void)ud;
    /* let t = a * 2 in select(a < b, t, b - a) */
    ir_node *two = ir_is_float(a->type) ? ir_float_imm(c, a->type, 2) : ir_make_const(c, a->type, 2);
    ir_node *t = ir_var(c, a->type, "t");
    return ir_let(c, "t", bin(c, IR_Mul, a, two),
                  ir_select(c, bin(c, IR_LT, a, b), t, bin(c, IR_Sub, b, a)));
}

static void test_select(void) {
    hl_type types[2] = {ir_int(32), ir_float(32)};
    for (int k = 0; k < 2; k++) {
        hl_type t = types[k];
        unsigned char a[MAP_N * 8], b[MAP_N * 8], out_s[MAP_N * 8], out_v[MAP_N * 8];
        for (int i = 0; i < MAP_N; i++) {
            put(t, a, i, int_b[i] * 3, flt_a[i]);
            put(t, b, i, int_a[i] == INT64_MIN ? 9 : int_a[i], flt_b[i]);
        }
        if (run_map(k ? "select_f32" : "select_i32", t, a, b, t, select_op, NULL, out_s, out_v))
            continue;
        for (int i = 0; i < MAP_N; i++) {
            for (int path = 0; path < 2; path++) {
                const void *out = path ? out_v : out_s;
                if (ir_is_float(t)) {
                    float x = (float)get_f(t, a, i), y = (float)get_f(t, b, i);
                    float want = x < y ? x * 2 : y - x;
                    CHECK(same_float(get_f(t, out, i), want), "select_f32 lane %d: %g vs %g", i,
                          get_f(t, out, i), (double)want);
                } else {
                    int64_t x = get_i(t, a, i), y = get_i(t, b, i);
                    int64_t want = x < y ? x * 2 : y - x;
                    CHECK(get_i(t, out, i) == want, "select_i32 lane %d: %lld vs %lld", i,
                          (long long)get_i(t, out, i), (long long)want);
                }
            }
        }
    }
    REPORT("select and let (scalar and vector)");
}

/* ---- Math ---------------------------------------------------------------------------------- */

typedef struct math_case {
    const char *name;      /* without suffix */
    int nargs;
    double shift;          /* added to the inputs to reach the domain */
    double (*ref1)(double);
    double (*ref2)(double, double);
} math_case;

static double ref_inverse(double x) { return 1 / x; }
static double ref_rsqrt(double x) { return 1 / sqrt(x); }

static ir_node *math_op(hl_ctx *c, ir_node *a, ir_node *b, const void *ud) {
    const char *name = ud;
    ir_node *args[2] = {a, b};
    int nargs = strncmp(name, "atan2", 5) && strncmp(name, "pow", 3) && strncmp(name, "hypot", 5) ? 1 : 2;
    hl_type rt = a->type;
    if (!strncmp(name, "is_", 3)) rt = ir_with_lanes(ir_bool(), a->type.lanes);
    return ir_call(c, rt, name, IR_CALL_PURE_EXTERN, nargs, args);
}

static void test_math(void) {
    static const math_case cases[] = {
        {"sqrt", 1, 0, sqrt, NULL},   {"sin", 1, 0, sin, NULL},     {"cos", 1, 0, cos, NULL},
        {"tan", 1, 0, tan, NULL},     {"asin", 1, 0, asin, NULL},   {"acos", 1, 0, acos, NULL},
        {"atan", 1, 0, atan, NULL},   {"atan2", 2, 0, NULL, atan2}, {"sinh", 1, 0, sinh, NULL},
        {"cosh", 1, 0, cosh, NULL},   {"tanh", 1, 0, tanh, NULL},   {"asinh", 1, 0, asinh, NULL},
        {"acosh", 1, 1, acosh, NULL}, {"atanh", 1, 0, atanh, NULL}, {"exp", 1, 0, exp, NULL},
        {"log", 1, 0, log, NULL},     {"pow", 2, 0, NULL, pow},     {"floor", 1, -0.5, floor, NULL},
        {"ceil", 1, -0.5, ceil, NULL}, {"trunc", 1, -0.5, trunc, NULL},
        {"abs", 1, -0.5, fabs, NULL}, {"erf", 1, 0, erf, NULL},     {"hypot", 2, 0, NULL, hypot},
        {"fast_inverse", 1, 0.1, ref_inverse, NULL}, {"fast_inverse_sqrt", 1, 0.1, ref_rsqrt, NULL},
    };
    static const double base[8] = {0.1, 0.5, 0.9, 0.25, 0.75, 0.3, 0.6, 0.05};
    static const double second[8] = {1.5, 2, 0.5, -1, 3, 0.25, -0.7, 1};
    for (int bits = 32; bits <= 64; bits += 32) {
        hl_type t = ir_float(bits);
        for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
            const math_case *mc = &cases[k];
            unsigned char a[MAP_N * 8], b[MAP_N * 8], out_s[MAP_N * 8], out_v[MAP_N * 8];
            for (int i = 0; i < MAP_N; i++) {
                double x = base[i % 8] + mc->shift, y = second[i % 8];
                if (i >= 8 && mc->shift == -0.5) x = -x * 3; /* negatives for floor, ceil... */
                put(t, a, i, 0, x);
                put(t, b, i, 0, y);
            }
            char name[64];
            snprintf(name, sizeof name, "%s_f%d", mc->name, bits);
            if (run_map(name, t, a, b, t, math_op, name, out_s, out_v)) continue;
            for (int i = 0; i < MAP_N; i++) {
                double x = get_f(t, a, i), y = get_f(t, b, i);
                double want = mc->nargs == 2 ? mc->ref2(x, y) : mc->ref1(x);
                double tol = (bits == 32 ? 2e-6 : 1e-13) * fmax(1.0, fabs(want));
                for (int path = 0; path < 2; path++) {
                    double got = get_f(t, path ? out_v : out_s, i);
                    CHECK(fabs(got - want) <= tol, "%s(%g, %g) %s: got %.17g want %.17g", name, x, y,
                          path ? "vector" : "scalar", got, want);
                }
            }
        }
    }
    /* round is half to even; is_nan / is_inf / is_finite. */
    {
        static const double r_in[8] = {0.5, 1.5, 2.5, -0.5, -2.5, 3.5, 2.4, -2.6};
        static const double r_want[8] = {0, 2, 2, -0.0, -2, 4, 2, -3};
        unsigned char a[MAP_N * 4], out_s[MAP_N * 4], out_v[MAP_N * 4];
        for (int i = 0; i < MAP_N; i++) put(ir_float(32), a, i, 0, r_in[i % 8]);
        if (!run_map("round_f32", ir_float(32), a, a, ir_float(32), math_op, "round_f32", out_s, out_v))
            for (int i = 0; i < MAP_N; i++) {
                CHECK(same_float(get_f(ir_float(32), out_s, i), r_want[i % 8]), "round(%g) = %g",
                      r_in[i % 8], get_f(ir_float(32), out_s, i));
                CHECK(same_float(get_f(ir_float(32), out_v, i), r_want[i % 8]), "vector round(%g) = %g",
                      r_in[i % 8], get_f(ir_float(32), out_v, i));
            }
        static const double special[8] = {NAN, INFINITY, -INFINITY, 0, 1, -1e30, NAN, 3};
        static const char *const preds[3] = {"is_nan_f32", "is_inf_f32", "is_finite_f32"};
        for (int p = 0; p < 3; p++) {
            for (int i = 0; i < MAP_N; i++) put(ir_float(32), a, i, 0, special[i % 8]);
            if (run_map(preds[p], ir_float(32), a, a, ir_bool(), math_op, preds[p], out_s, out_v)) continue;
            for (int i = 0; i < MAP_N; i++) {
                double x = special[i % 8];
                int want = p == 0 ? isnan(x) != 0 : p == 1 ? isinf(x) != 0 : isfinite(x) != 0;
                CHECK(out_s[i] == want && out_v[i] == want, "%s(%g) = %d/%d", preds[p], x, out_s[i],
                      out_v[i]);
            }
        }
    }
    /* float16 math is computed in float32: sqrt of exact squares. */
    {
        static const uint16_t h_in[8] = {0x4400, 0x4880, 0x3400, 0x3C00, 0x4C00, 0x0000, 0x4400, 0x3C00};
        static const uint16_t h_want[8] = {0x4000, 0x4200, 0x3800, 0x3C00, 0x4400, 0x0000, 0x4000, 0x3C00};
        uint16_t a[MAP_N], out_s[MAP_N], out_v[MAP_N];
        for (int i = 0; i < MAP_N; i++) a[i] = h_in[i % 8];
        hl_type f16 = ir_float(16);
        if (!run_map("sqrt_f16", f16, a, a, f16, math_op, "sqrt_f16", out_s, out_v))
            for (int i = 0; i < MAP_N; i++)
                CHECK(out_s[i] == h_want[i % 8] && out_v[i] == h_want[i % 8],
                      "sqrt_f16(0x%04x) = 0x%04x / 0x%04x", a[i], out_s[i], out_v[i]);
    }
    REPORT("math calls (_f32, _f64, round half to even, is_nan/inf/finite, sqrt_f16)");
}

/* ---- Intrinsics ---------------------------------------------------------------------------- */

static ir_node *intrinsic_op(hl_ctx *c, ir_node *a, ir_node *b, const void *ud) {
    int id = *(const int *)ud;
    ir_node *args[2] = {a, b};
    hl_type t = a->type;
    if (id == IR_INTRIN_ABS || id == IR_INTRIN_ABSD) t.code = ir_is_float(t) ? t.code : halide_type_uint;
    int n = id == IR_INTRIN_ABS || id == IR_INTRIN_BITWISE_NOT ? 1 : 2;
    return intrin(c, t, id, n, args);
}

/* The shift rule: negative amounts shift the other way; amounts >= bits give 0, or the
 * sign fill for an arithmetic right shift. */
static int64_t ref_shift(hl_type t, bool left, int64_t a, int64_t b) {
    if (ir_is_int(t) && b < 0) {
        left = !left;
        b = -b;
    }
    if (left) return b >= t.bits ? 0 : wrap(t, (int64_t)((uint64_t)a << b));
    if (ir_is_int(t)) return a >> (b >= t.bits ? t.bits - 1 : b);
    return b >= t.bits ? 0 : (int64_t)((uint64_t)a >> b);
}

typedef struct intrinsic_case {
    const char *name;
    int id;
    hl_type t;
    int64_t a[8], b[8];
} intrinsic_case;

static void test_intrinsics(void) {
    const intrinsic_case cases[] = {
        {"shift_left_i32", IR_INTRIN_SHIFT_LEFT, ir_int(32),
         {16, 16, 1, 1, -8, 3, 5, 7}, {-1, 2, 31, 32, 1, -40, 0, 33}},
        {"shift_right_i32", IR_INTRIN_SHIFT_RIGHT, ir_int(32),
         {16, -16, -1, 64, -8, 3, -100, 7}, {1, 2, 40, -2, 31, -1, 3, 32}},
        {"shift_right_u8", IR_INTRIN_SHIFT_RIGHT, ir_uint(8),
         {200, 200, 255, 1, 128, 7, 0, 99}, {1, 8, 7, 0, 9, 2, 3, 200}},
        {"shift_left_u8", IR_INTRIN_SHIFT_LEFT, ir_uint(8),
         {200, 1, 255, 1, 128, 7, 0, 99}, {1, 7, 8, 0, 9, 2, 3, 200}},
        {"shift_right_i8", IR_INTRIN_SHIFT_RIGHT, ir_int(8),
         {-128, -1, 127, 5, -5, 64, -64, 1}, {7, 8, 100, -1, 1, -1, -2, -8}},
        {"abs_i8", IR_INTRIN_ABS, ir_int(8), {-128, -1, 5, 0, 127, -127, 3, -3}, {0}},
        {"abs_i32", IR_INTRIN_ABS, ir_int(32), {-2147483648LL, -1, 5, 0, 2147483647, -7, 3, -3}, {0}},
        {"absd_i8", IR_INTRIN_ABSD, ir_int(8), {-128, 127, 5, -5, 0, 10, -100, 100},
         {127, -128, -5, 5, 0, 3, 100, -100}},
        {"absd_u8", IR_INTRIN_ABSD, ir_uint(8), {0, 255, 5, 10, 0, 10, 100, 200},
         {255, 0, 10, 5, 0, 3, 200, 100}},
        {"bitwise_and_i32", IR_INTRIN_BITWISE_AND, ir_int(32), {0xF0, -1, 12, 0, 5, 6, 7, 8},
         {0x3C, 0x55, 10, -1, 3, 3, 3, 3}},
        {"bitwise_or_i32", IR_INTRIN_BITWISE_OR, ir_int(32), {0xF0, -1, 12, 0, 5, 6, 7, 8},
         {0x3C, 0x55, 10, -1, 3, 3, 3, 3}},
        {"bitwise_xor_u8", IR_INTRIN_BITWISE_XOR, ir_uint(8), {0xF0, 255, 12, 0, 5, 6, 7, 8},
         {0x3C, 0x55, 10, 255, 3, 3, 3, 3}},
        {"bitwise_not_i16", IR_INTRIN_BITWISE_NOT, ir_int(16), {0, -1, 12, 32767, 5, 6, 7, 8}, {0}},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const intrinsic_case *ic = &cases[k];
        hl_type t = ic->t, out_t = t;
        if (ic->id == IR_INTRIN_ABS || ic->id == IR_INTRIN_ABSD) out_t.code = halide_type_uint;
        unsigned char a[MAP_N * 8], b[MAP_N * 8], out_s[MAP_N * 8], out_v[MAP_N * 8];
        for (int i = 0; i < MAP_N; i++) {
            put(t, a, i, wrap(t, ic->a[i % 8]), 0);
            put(t, b, i, wrap(t, ic->b[i % 8]), 0);
        }
        if (run_map(ic->name, t, a, b, out_t, intrinsic_op, &ic->id, out_s, out_v)) continue;
        for (int i = 0; i < MAP_N; i++) {
            int64_t x = get_i(t, a, i), y = get_i(t, b, i), want = 0;
            switch (ic->id) {
            case IR_INTRIN_SHIFT_LEFT: want = ref_shift(t, true, x, y); break;
            case IR_INTRIN_SHIFT_RIGHT: want = ref_shift(t, false, x, y); break;
            case IR_INTRIN_ABS: want = wrap(out_t, x < 0 ? -x : x); break;
            case IR_INTRIN_ABSD: want = wrap(out_t, x < y ? y - x : x - y); break;
            case IR_INTRIN_BITWISE_AND: want = wrap(t, x & y); break;
            case IR_INTRIN_BITWISE_OR: want = wrap(t, x | y); break;
            case IR_INTRIN_BITWISE_XOR: want = wrap(t, x ^ y); break;
            default: want = wrap(t, ~x); break;
            }
            CHECK(get_i(out_t, out_s, i) == want && get_i(out_t, out_v, i) == want,
                  "%s(%lld, %lld): got %lld / %lld want %lld", ic->name, (long long)x, (long long)y,
                  (long long)get_i(out_t, out_s, i), (long long)get_i(out_t, out_v, i), (long long)want);
        }
    }
    REPORT("intrinsics (shifts both ways and past the width, abs, absd, bitwise)");
}

/* ---- Vectors: ramps, broadcasts, gathers, scatters, shuffles, predicates ----------------- */

static ir_node *build_vectors(hl_ctx *c, void *ud) {
    (void)ud;
    hl_type v8 = ir_with_lanes(ir_int(32), 8);
    ir_node *base = bin(c, IR_Mul, var(c, "x"), i32c(c, 8));
    ir_node *dense = ir_ramp(c, base, i32c(c, 1), 8);
    /* out1 = ramp * 3 + p */
    ir_node *s1 = store(c, "out1",
                        bin(c, IR_Add, bin(c, IR_Mul, ir_ramp(c, base, i32c(c, 1), 8),
                                           ir_broadcast(c, i32c(c, 3), 8)),
                            ir_broadcast(c, var(c, "p"), 8)),
                        dense);
    /* out2 = in[stride-2 gather] */
    ir_node *gather = ir_ramp(c, bin(c, IR_Mul, var(c, "x"), i32c(c, 16)), i32c(c, 2), 8);
    ir_node *s2 = store(c, "out2", load(c, v8, "in", gather), dense);
    /* out3[stride-2 scatter] = broadcast(x + 1) */
    ir_node *s3 = store(c, "out3", ir_broadcast(c, bin(c, IR_Add, var(c, "x"), i32c(c, 1)), 8), gather);
    /* out4 = reverse(in[dense]) */
    int32_t *rev = ctx_alloc(c, 8 * sizeof *rev);
    for (int i = 0; i < 8; i++) rev[i] = 7 - i;
    ir_node *in_dense = load(c, v8, "in", dense);
    ir_node *shuf = ir_alloc(c, IR_Shuffle, v8, 1, NULL);
    ir_set_kid(shuf, 0, in_dense);
    shuf->indices = rev;
    ir_node *s4 = store(c, "out4", shuf, dense);
    /* out5[dense] = in[broadcast(3)] where lane index < 5 (a predicated store) */
    ir_node *pred = bin(c, IR_LT, ir_ramp(c, i32c(c, 0), i32c(c, 1), 8), ir_broadcast(c, i32c(c, 5), 8));
    ir_node *s5 = ir_store(c, "out5", load(c, v8, "in", ir_broadcast(c, i32c(c, 3), 8)), dense, pred,
                           IR_REF_NONE, NULL);
    /* out6 = in[dense] loaded under a predicate (masked load), 0 elsewhere */
    ir_node *s6 = store(c, "out6", ir_load(c, v8, "in", dense, pred, IR_REF_NONE, NULL), dense);
    ir_node *body = ir_block(c, s1, ir_block(c, s2, ir_block(c, s3, ir_block(c, s4, ir_block(c, s5, s6)))));
    body = loop(c, "x", i32c(c, 0), i32c(c, 2), body);
    const char *bufs[7] = {"in", "out1", "out2", "out3", "out4", "out5", "out6"};
    for (int i = 6; i >= 0; i--) body = with_buffer(c, bufs[i], 1, body);
    return body;
}

static void test_vectors(void) {
    hl_type i32 = ir_int(32);
    cg_arg args[8] = {{"p", false, i32, 0},    {"in", true, i32, 1},   {"out1", true, i32, 1},
                      {"out2", true, i32, 1},  {"out3", true, i32, 1}, {"out4", true, i32, 1},
                      {"out5", true, i32, 1},  {"out6", true, i32, 1}};
    compile_job j = {"vectors", 8, args, build_vectors, NULL, NULL, 0};
    jit_module *m = compile_or_report(&j);
    if (m) {
        int32_t in[32], out[6][32];
        for (int i = 0; i < 32; i++) in[i] = 100 + i;
        memset(out, 0, sizeof out);
        int n32 = 32;
        test_buffer bin_, bout[6];
        make_buffer(&bin_, i32, in, 1, &n32, NULL);
        for (int k = 0; k < 6; k++) make_buffer(&bout[k], i32, out[k], 1, &n32, NULL);
        int32_t p = 1000;
        void *argv[8] = {&p, &bin_.b, &bout[0].b, &bout[1].b, &bout[2].b, &bout[3].b, &bout[4].b, &bout[5].b};
        int r = jit_entry(m)(argv);
        CHECK(r == 0, "vectors returned %d", r);
        for (int i = 0; i < 16; i++) {
            CHECK(out[0][i] == i * 3 + 1000, "ramp*3+p lane %d = %d", i, out[0][i]);
            CHECK(out[1][i] == in[(i / 8) * 16 + (i % 8) * 2], "gather lane %d = %d", i, out[1][i]);
            CHECK(out[3][i] == in[(i / 8) * 8 + 7 - i % 8], "shuffle lane %d = %d", i, out[3][i]);
            CHECK(out[4][i] == (i % 8 < 5 ? in[3] : 0), "predicated store lane %d = %d", i, out[4][i]);
            CHECK(out[5][i] == (i % 8 < 5 ? in[i] : 0), "masked load lane %d = %d", i, out[5][i]);
        }
        for (int i = 0; i < 32; i++)
            CHECK(out[2][i] == (i % 2 ? 0 : i / 16 + 1), "scatter element %d = %d", i, out[2][i]);
        jit_free(m);
    }
    REPORT("vectors: 8-lane ramp/broadcast store, gather, scatter, shuffle, predicates, scalar arg");
}

/* ---- Allocations, if/then/else ------------------------------------------------------------- */

static ir_node *build_alloc(hl_ctx *c, void *ud) {
    (void)ud;
    hl_type i32 = ir_int(32);
    ir_node *i = var(c, "i"), *n = var(c, "in.extent.0");
    /* heap tmp[n]: tmp[i] = in[i] * 2; out[i] = tmp[n - 1 - i] */
    ir_node *fill = loop(c, "i", i32c(c, 0), n, store(c, "tmp", bin(c, IR_Mul, load(c, i32, "in", i), i32c(c, 2)), i));
    ir_node *rev_index = bin(c, IR_Sub, bin(c, IR_Sub, n, i32c(c, 1)), i);
    ir_node *copy = loop(c, "i", i32c(c, 0), n, store(c, "out", load(c, i32, "tmp", rev_index), i));
    ir_node *heap = ir_allocate(c, "tmp", i32, 1, &n, NULL, ir_block(c, fill, ir_block(c, copy, ir_free(c, "tmp"))));
    /* stack small[4]: small[k] = k * 10; out[k] += small[3 - k] if out[k] is even, else -1 */
    ir_node *k = var(c, "k"), *four = i32c(c, 4);
    ir_node *fill2 = loop(c, "k", i32c(c, 0), four, store(c, "small", bin(c, IR_Mul, k, i32c(c, 10)), k));
    ir_node *cond = bin(c, IR_EQ, bin(c, IR_Mod, load(c, i32, "out", k), i32c(c, 2)), i32c(c, 0));
    ir_node *then_s = store(c, "out", bin(c, IR_Add, load(c, i32, "out", k),
                                          load(c, i32, "small", bin(c, IR_Sub, i32c(c, 3), k))), k);
    ir_node *else_s = store(c, "out", i32c(c, -1), k);
    ir_node *use = loop(c, "k", i32c(c, 0), four, ir_if(c, cond, then_s, else_s));
    ir_node *stack = ir_allocate(c, "small", i32, 1, &four, NULL, ir_block(c, fill2, use));
    return with_buffer(c, "in", 1, with_buffer(c, "out", 1, ir_block(c, heap, stack)));
}

static void test_allocations(void) {
    hl_type i32 = ir_int(32);
    cg_arg args[2] = {{"in", true, i32, 1}, {"out", true, i32, 1}};
    compile_job j = {"allocs", 2, args, build_alloc, NULL, NULL, 0};
    jit_module *m = compile_or_report(&j);
    if (m) {
        int32_t in[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, out[10];
        int n = 10;
        test_buffer bi, bo;
        make_buffer(&bi, i32, in, 1, &n, NULL);
        make_buffer(&bo, i32, out, 1, &n, NULL);
        void *argv[2] = {&bi.b, &bo.b};
        int r = jit_entry(m)(argv);
        CHECK(r == 0, "allocs returned %d", r);
        for (int i = 0; i < 10; i++) {
            int32_t want = in[9 - i] * 2;
            if (i < 4) want = want % 2 == 0 ? want + (3 - i) * 10 : -1;
            CHECK(out[i] == want, "out[%d] = %d, want %d", i, out[i], want);
        }
        jit_free(m);
    }
    REPORT("heap and stack allocations, free, if/then/else");
}

/* ---- Assertions and error messages --------------------------------------------------------- */

static ir_node *uc_var(hl_ctx *c) { return ir_var(c, ir_handle(), "__user_context"); }

static ir_node *build_assert(hl_ctx *c, void *ud) {
    (void)ud;
    ir_node *oob_args[7] = {uc_var(c), ir_string_imm(c, "Input buffer b0"), i32c(c, 0), i32c(c, -1),
                            i32c(c, 5), i32c(c, 0), i32c(c, 99)};
    ir_node *oob = ir_call(c, ir_int(32), "halide_error_access_out_of_bounds", IR_CALL_EXTERN, 7, oob_args);
    ir_node *a1 = ir_assert_stmt(c, bin(c, IR_NE, var(c, "out.extent.0"), i32c(c, 7)), oob, 0);
    /* Inside a heap allocation: the early return must free it (LeakSanitizer checks). */
    ir_node *type_args[4] = {uc_var(c), ir_string_imm(c, "Input buffer b0"),
                             ir_uint_imm(c, ir_uint(32), 2 | 32 << 8 | 1 << 16),
                             ir_uint_imm(c, ir_uint(32), 1 | 8 << 8 | 1 << 16)};
    ir_node *bad_type = ir_call(c, ir_int(32), "halide_error_bad_type", IR_CALL_EXTERN, 4, type_args);
    ir_node *a2 = ir_assert_stmt(c, bin(c, IR_NE, var(c, "out.extent.0"), i32c(c, 8)), bad_type, 0);
    ir_node *n = var(c, "out.extent.0");
    ir_node *alloc = ir_allocate(c, "scratch", ir_float(32), 1, &n, NULL,
                                 ir_block(c, store(c, "scratch", ir_float_imm(c, ir_float(32), 1), i32c(c, 0)), a2));
    /* A string message goes through halide_error_explicit_condition_failed. */
    ir_node *a3 = ir_assert_stmt(c, bin(c, IR_NE, var(c, "out.extent.0"), i32c(c, 9)),
                                 ir_string_imm(c, "extent must not be 9"), 0);
    ir_node *body = ir_block(c, a1, ir_block(c, alloc, ir_block(c, a3, store(c, "out", i32c(c, 1), i32c(c, 0)))));
    return with_buffer(c, "out", 1, body);
}

static void test_asserts(void) {
    cg_arg args[2] = {{"__user_context", false, ir_handle(), 0}, {"out", true, ir_int(32), 1}};
    compile_job j = {"asserts", 2, args, build_assert, NULL, NULL, 0};
    jit_module *m = compile_or_report(&j);
    if (m) {
        struct {
            int extent, code;
            const char *message;
        } runs[4] = {
            {7, halide_error_code_access_out_of_bounds,
             "Input buffer b0 is accessed at -1, which is before the min (0) in dimension 0"},
            {8, halide_error_code_bad_type,
             "Input buffer b0 has type uint8 but type of the buffer passed in is float32"},
            {9, halide_error_code_requirement_failed, "extent must not be 9"},
            {10, 0, ""},
        };
        for (int k = 0; k < 4; k++) {
            int32_t data[10] = {0};
            test_buffer bo;
            make_buffer(&bo, ir_int(32), data, 1, &runs[k].extent, NULL);
            jit_user_context uc;
            memset(&uc, 0, sizeof uc);
            void *ucp = &uc;
            void *argv[2] = {&ucp, &bo.b};
            int r = jit_entry(m)(argv);
            CHECK(r == runs[k].code, "extent %d: returned %d, want %d", runs[k].extent, r, runs[k].code);
            CHECK(!strcmp(uc.error, runs[k].message), "extent %d: message \"%s\"", runs[k].extent, uc.error);
            CHECK(data[0] == (runs[k].code ? 0 : 1), "extent %d: out[0] = %d", runs[k].extent, data[0]);
        }
        jit_free(m);
    }
    /* The reporters on their own. */
    jit_user_context uc;
    memset(&uc, 0, sizeof uc);
    int r = halide_error_access_out_of_bounds(&uc, "Input buffer b0", 1, 0, 100, 0, 99);
    CHECK(r == halide_error_code_access_out_of_bounds, "code %d", r);
    CHECK(!strcmp(uc.error, "Input buffer b0 is accessed at 100, which is beyond the max (99) in dimension 1"),
          "message \"%s\"", uc.error);
    memset(&uc, 0, sizeof uc);
    r = halide_error_bad_dimensions(&uc, "Input buffer b0", 3, 2);
    CHECK(r == halide_error_code_bad_dimensions && !strcmp(uc.error,
          "Input buffer b0 requires a buffer of exactly 2 dimensions, but the buffer passed in has 3 dimensions"),
          "bad_dimensions: %d \"%s\"", r, uc.error);
    memset(&uc, 0, sizeof uc);
    r = halide_error_buffer_argument_is_null(&uc, "b1");
    halide_error_out_of_memory(&uc);
    CHECK(r == halide_error_code_buffer_argument_is_null &&
          !strcmp(uc.error, "Buffer argument b1 is nullptr\nOut of memory (halide_malloc returned nullptr)"),
          "null + oom: %d \"%s\"", r, uc.error);
    void *p = halide_malloc(NULL, 1000);
    CHECK(p && ((uintptr_t)p & 63) == 0, "halide_malloc alignment %p", p);
    halide_free(NULL, p);
    CHECK(halide_malloc(NULL, SIZE_MAX - 10) == NULL, "huge halide_malloc must fail");
    REPORT("assertions return the error code; messages collected in jit_user_context");
}

/* ---- Buffer fields and bounds queries ------------------------------------------------------ */

static ir_node *build_fields(hl_ctx *c, void *ud) {
    (void)ud;
    ir_node *q = buffer_var(c, "q");
    ir_node *is_query = intrin(c, ir_bool(), IR_INTRIN_BUFFER_IS_BOUNDS_QUERY, 1, &q);
    ir_node *sb_args[4] = {buffer_var(c, "q"), i32c(c, 0), i32c(c, 5), i32c(c, 10)};
    ir_node *set = ir_evaluate(c, intrin(c, ir_int(32), IR_INTRIN_BUFFER_SET_BOUNDS, 4, sb_args));
    ir_node *s0 = ir_if(c, is_query, set, NULL);
    ir_node *fields[4] = {
        intrin(c, ir_int(32), IR_INTRIN_BUFFER_GET_DIMENSIONS, 1, &q),
        ir_cast(c, ir_int(32), intrin(c, ir_uint(8), IR_INTRIN_BUFFER_GET_TYPE_CODE, 1, &q)),
        ir_cast(c, ir_int(32), intrin(c, ir_uint(8), IR_INTRIN_BUFFER_GET_TYPE_BITS, 1, &q)),
        ir_cast(c, ir_int(32), intrin(c, ir_uint(16), IR_INTRIN_BUFFER_GET_TYPE_LANES, 1, &q)),
    };
    ir_node *body = s0;
    for (int i = 0; i < 4; i++) body = ir_block(c, body, store(c, "out", fields[i], i32c(c, i)));
    return with_buffer(c, "out", 1, body);
}

static void test_buffer_fields(void) {
    cg_arg args[2] = {{"q", true, ir_float(32), 2}, {"out", true, ir_int(32), 1}};
    compile_job j = {"fields", 2, args, build_fields, NULL, NULL, 0};
    jit_module *m = compile_or_report(&j);
    if (m) {
        for (int query = 0; query < 2; query++) {
            float qdata[6];
            int extents[2] = {3, 2};
            test_buffer bq, bo;
            make_buffer(&bq, ir_float(32), query ? NULL : qdata, 2, extents, NULL);
            int32_t out[4] = {0};
            int four = 4;
            make_buffer(&bo, ir_int(32), out, 1, &four, NULL);
            void *argv[2] = {&bq.b, &bo.b};
            int r = jit_entry(m)(argv);
            CHECK(r == 0, "fields returned %d", r);
            CHECK(out[0] == 2 && out[1] == halide_type_float && out[2] == 32 && out[3] == 1,
                  "fields: %d %d %d %d", out[0], out[1], out[2], out[3]);
            CHECK(bq.dim[0].min == (query ? 5 : 0) && bq.dim[0].extent == (query ? 10 : 3),
                  "bounds query %d: dim 0 is [%d, +%d]", query, bq.dim[0].min, bq.dim[0].extent);
        }
        jit_free(m);
    }
    REPORT("buffer field intrinsics and bounds queries");
}

/* ---- Errors during compilation ------------------------------------------------------------ */

static ir_node *build_unlowered(hl_ctx *c, void *ud) {
    (void)ud;
    ir_node *v = i32c(c, 1), *x = i32c(c, 0);
    return ir_provide(c, "f", NULL, 1, &v, 1, &x);
}

static void test_compile_errors(void) {
    cg_arg args[1] = {{"out", true, ir_int(32), 1}};
    compile_job j = {"bad", 1, args, build_unlowered, NULL, NULL, 0};
    char err[4096];
    int status = compile(&j, err, sizeof err);
    CHECK(status == HL_ERROR_INTERNAL && strstr(err, "was not lowered"), "status %d: %s", status, err);
    /* Allocation failures injected at every point of a compile: each fails cleanly. */
    long n = 1;
    for (; n < 1000; n++) {
        compile_job jf = {"loop2d", 1, args, build_2d, NULL, NULL, 0};
        cg_arg args2[1] = {{"out", true, ir_int(32), 2}};
        jf.args = args2;
        hl_alloc_fail_at(n);
        status = compile(&jf, err, sizeof err);
        long used = hl_alloc_count();
        hl_alloc_fail_at(0);
        if (status == HL_OK) {
            jit_free(jf.out);
            if (used < n) break; /* the injected failure was never reached: done */
            continue;
        }
        CHECK(status == HL_ERROR_NOMEM || status == HL_ERROR_INTERNAL, "fault %ld: status %d (%s)", n,
              status, err);
    }
    printf("    %ld allocation points tested\n", n - 1);
    REPORT("compile errors (unlowered Provide, injected allocation failures) fail cleanly");
}

int main(void) {
    test_2d_loop();
    test_arithmetic();
    test_casts();
    test_select();
    test_math();
    test_intrinsics();
    test_vectors();
    test_allocations();
    test_asserts();
    test_buffer_fields();
    test_compile_errors();
    printf("%s: %d failed check(s)\n", test_failures ? "FAILED" : "OK", test_failures);
    return test_failures ? 1 : 0;
}
