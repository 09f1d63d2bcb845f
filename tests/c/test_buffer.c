/* test_buffer.c - the core hl_buffer: shapes, aliases, element access and conversions,
 * copies, error paths and allocation failures. Prints [PASS]/[FAIL] per check group and
 * exits non-zero on any failure. Run under ASan/LSan to check that nothing leaks.
 */
#include "halide_c.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int failures;
static int group_failed;

#define CHECK(cond)                                                                           \
    do {                                                                                      \
        if (!(cond)) {                                                                        \
            printf("  check failed at %s:%d: %s (last error: %s)\n", __FILE__, __LINE__,     \
                   #cond, hl_last_error());                                                   \
            group_failed = 1;                                                                 \
        }                                                                                     \
    } while (0)

static void run(const char *name, void (*fn)(void)) {
    group_failed = 0;
    fn();
    printf("[%s] %s\n", group_failed ? "FAIL" : "PASS", name);
    failures += group_failed;
}

static const hl_type u8 = {halide_type_uint, 8, 1};
static const hl_type i8 = {halide_type_int, 8, 1};
static const hl_type i16 = {halide_type_int, 16, 1};
static const hl_type i32 = {halide_type_int, 32, 1};
static const hl_type u64 = {halide_type_uint, 64, 1};
static const hl_type i64 = {halide_type_int, 64, 1};
static const hl_type f16 = {halide_type_float, 16, 1};
static const hl_type bf16 = {halide_type_bfloat, 16, 1};
static const hl_type f32 = {halide_type_float, 32, 1};
static const hl_type f64 = {halide_type_float, 64, 1};
static const hl_type boolean = {halide_type_uint, 1, 1};

static int dim_is(hl_buffer *b, int d, int min, int extent, int stride) {
    halide_dimension_t *dim = &hl_buffer_raw(b)->dim[d];
    return dim->min == min && dim->extent == extent && dim->stride == stride;
}

static void test_new(void) {
    int32_t extents[] = {3, 4, 5};
    int32_t mins[] = {1, -2, 0};
    hl_buffer *b = NULL;
    CHECK(hl_buffer_new(i16, 3, extents, mins, &b) == HL_OK);
    if (!b) return;
    CHECK(hl_buffer_dimensions(b) == 3);
    CHECK(dim_is(b, 0, 1, 3, 1) && dim_is(b, 1, -2, 4, 3) && dim_is(b, 2, 0, 5, 12));
    CHECK(((uintptr_t)hl_buffer_raw(b)->host & 63) == 0);
    CHECK(hl_buffer_number_of_elements(b) == 60);
    CHECK(hl_buffer_size_in_bytes(b) == 120);
    int zero = 0;
    CHECK(hl_buffer_all_equal(b, hl_value_int(0), &zero) == HL_OK && zero);
    const char *name = hl_buffer_name(b);
    CHECK(name[0] == 'b' && name[1] >= '0' && name[1] <= '9');
    hl_buffer *c = NULL;
    CHECK(hl_buffer_new(i16, 0, NULL, NULL, &c) == HL_OK);
    CHECK(c && strcmp(hl_buffer_name(b), hl_buffer_name(c)) != 0);
    CHECK(hl_buffer_set_name(c, "mine") == HL_OK && strcmp(hl_buffer_name(c), "mine") == 0);
    CHECK(c && hl_buffer_number_of_elements(c) == 1 && hl_buffer_size_in_bytes(c) == 2);
    hl_buffer_release(c);

    int order[] = {2, 0, 1}; /* interleaved */
    CHECK(hl_buffer_new_ordered(u8, 3, extents, NULL, order, &c) == HL_OK);
    if (c) CHECK(dim_is(c, 0, 0, 3, 5) && dim_is(c, 1, 0, 4, 15) && dim_is(c, 2, 0, 5, 1));
    hl_buffer_release(c);
    hl_buffer_release(b);
}

static void test_new_errors(void) {
    hl_buffer *b = NULL;
    int32_t negative[] = {3, -1};
    CHECK(hl_buffer_new(u8, 2, negative, NULL, &b) == HL_ERROR_USER && !b);
    CHECK(strstr(hl_last_error(), "negative") != NULL);
    int32_t huge[] = {1 << 20, 1 << 20, 1 << 20};
    CHECK(hl_buffer_new(u8, 3, huge, NULL, &b) == HL_ERROR_USER && !b);
    CHECK(strstr(hl_last_error(), "too large") != NULL);
    int32_t one[HL_BUFFER_MAX_DIMENSIONS + 1];
    for (int i = 0; i <= HL_BUFFER_MAX_DIMENSIONS; i++) one[i] = 1;
    CHECK(hl_buffer_new(u8, HL_BUFFER_MAX_DIMENSIONS + 1, one, NULL, &b) == HL_ERROR_USER);
    CHECK(hl_buffer_new(u8, HL_BUFFER_MAX_DIMENSIONS, one, NULL, &b) == HL_OK);
    hl_buffer_release(b);
    b = NULL;
    CHECK(hl_buffer_new(hl_type_make(halide_type_int, 32, 4), 1, one, NULL, &b) == HL_ERROR_USER);
    CHECK(hl_buffer_new(hl_type_make(halide_type_int, 7, 1), 1, one, NULL, &b) == HL_ERROR_USER);
    int32_t extent[] = {10}, min[] = {INT32_MAX - 5};
    CHECK(hl_buffer_new(u8, 1, extent, min, &b) == HL_ERROR_USER && !b);
    int bad_order[] = {0, 0};
    int32_t two[] = {2, 2};
    CHECK(hl_buffer_new_ordered(u8, 2, two, NULL, bad_order, &b) == HL_ERROR_USER && !b);
    CHECK(hl_buffer_new(u8, 1, NULL, NULL, NULL) == HL_ERROR_USER);
}

static void test_values(void) {
    int32_t extents[] = {2};
    int32_t c0[] = {0}, c2[] = {2};
    hl_buffer *b = NULL;
    hl_value v;
    /* integer ranges, no wrapping */
    CHECK(hl_buffer_new(i8, 1, extents, NULL, &b) == HL_OK);
    CHECK(hl_buffer_set(b, c0, hl_value_int(-128)) == HL_OK);
    CHECK(hl_buffer_get(b, c0, &v) == HL_OK && v.kind == HL_VALUE_INT && v.i == -128);
    CHECK(hl_buffer_set(b, c0, hl_value_int(128)) == HL_ERROR_USER);
    CHECK(strstr(hl_last_error(), "does not fit") != NULL);
    CHECK(hl_buffer_set(b, c0, hl_value_float(1.0)) == HL_ERROR_USER);
    CHECK(hl_buffer_set(b, c0, hl_value_bool(1)) == HL_OK);
    CHECK(hl_buffer_get(b, c0, &v) == HL_OK && v.i == 1);
    CHECK(hl_buffer_set(b, c2, hl_value_int(0)) == HL_ERROR_USER);
    CHECK(strstr(hl_last_error(), "out of bounds") != NULL);
    CHECK(hl_buffer_get(b, c2, &v) == HL_ERROR_USER);
    hl_buffer_release(b);

    CHECK(hl_buffer_new(u64, 1, extents, NULL, &b) == HL_OK);
    CHECK(hl_buffer_set(b, c0, hl_value_uint(UINT64_MAX)) == HL_OK);
    CHECK(hl_buffer_get(b, c0, &v) == HL_OK && v.kind == HL_VALUE_UINT && v.u == UINT64_MAX);
    CHECK(hl_buffer_set(b, c0, hl_value_int(-1)) == HL_ERROR_USER);
    hl_buffer_release(b);

    CHECK(hl_buffer_new(i64, 1, extents, NULL, &b) == HL_OK);
    CHECK(hl_buffer_set(b, c0, hl_value_int(INT64_MIN)) == HL_OK);
    CHECK(hl_buffer_get(b, c0, &v) == HL_OK && v.i == INT64_MIN);
    CHECK(hl_buffer_set(b, c0, hl_value_uint((uint64_t)INT64_MAX + 1)) == HL_ERROR_USER);
    hl_buffer_release(b);

    CHECK(hl_buffer_new(boolean, 1, extents, NULL, &b) == HL_OK);
    CHECK(hl_buffer_set(b, c0, hl_value_float(0.5)) == HL_OK);
    CHECK(hl_buffer_get(b, c0, &v) == HL_OK && v.kind == HL_VALUE_BOOL && v.i == 1);
    CHECK(hl_buffer_set(b, c0, hl_value_int(0)) == HL_OK);
    CHECK(hl_buffer_get(b, c0, &v) == HL_OK && v.i == 0);
    hl_buffer_release(b);

    CHECK(hl_buffer_new(f32, 1, extents, NULL, &b) == HL_OK);
    CHECK(hl_buffer_set(b, c0, hl_value_float(0.1)) == HL_OK);
    CHECK(hl_buffer_get(b, c0, &v) == HL_OK && v.kind == HL_VALUE_FLOAT && v.f == (double)0.1f);
    CHECK(hl_buffer_set(b, c0, hl_value_int(16777217)) == HL_OK);
    CHECK(hl_buffer_get(b, c0, &v) == HL_OK && v.f == 16777216.0);
    hl_buffer_release(b);
}

static double round_trip(hl_type t, double x) {
    int32_t extents[] = {1}, c0[] = {0};
    hl_buffer *b = NULL;
    hl_value v = {0};
    if (hl_buffer_new(t, 1, extents, NULL, &b) != HL_OK) return -12345;
    hl_buffer_set(b, c0, hl_value_float(x));
    hl_buffer_get(b, c0, &v);
    hl_buffer_release(b);
    return v.f;
}

static void test_small_floats(void) {
    CHECK(round_trip(f16, 1.5) == 1.5);
    CHECK(round_trip(f16, -2.0) == -2.0);
    CHECK(round_trip(f16, 0.1) == 0.0999755859375);
    CHECK(round_trip(f16, 65504.0) == 65504.0);
    CHECK(round_trip(f16, 65519.0) == 65504.0); /* below the halfway point */
    CHECK(isinf(round_trip(f16, 65520.0)));     /* rounds up to infinity */
    CHECK(round_trip(f16, ldexp(1, -24)) == ldexp(1, -24)); /* smallest subnormal */
    CHECK(round_trip(f16, ldexp(1, -25)) == 0.0);           /* tie to even: zero */
    CHECK(round_trip(f16, ldexp(3, -26)) == ldexp(1, -24));
    CHECK(round_trip(f16, 1.0 + ldexp(1, -11)) == 1.0);     /* tie to even */
    CHECK(round_trip(f16, 1.0 + ldexp(3, -11)) == 1.0 + ldexp(1, -9));
    CHECK(isnan(round_trip(f16, NAN)));
    CHECK(round_trip(f16, -INFINITY) == -INFINITY);
    CHECK(signbit(round_trip(f16, -0.0)));
    CHECK(round_trip(bf16, 1.0) == 1.0);
    CHECK(round_trip(bf16, 1.0 / 3) == 0.333984375);
    CHECK(round_trip(bf16, 3.0e38) == 1.765625 * ldexp(1, 127));
    CHECK(isinf(round_trip(bf16, 3.4e38)));
    CHECK(round_trip(f64, 0.1) == 0.1);
}

static void test_shape_ops(void) {
    int32_t extents[] = {4, 3, 2};
    hl_buffer *b = NULL, *a = NULL;
    CHECK(hl_buffer_new(i32, 3, extents, NULL, &b) == HL_OK);
    if (!b) return;
    int32_t c[3];
    for (c[2] = 0; c[2] < 2; c[2]++)
        for (c[1] = 0; c[1] < 3; c[1]++)
            for (c[0] = 0; c[0] < 4; c[0]++)
                hl_buffer_set(b, c, hl_value_int(c[0] + 10 * c[1] + 100 * c[2]));
    hl_value v;

    CHECK(hl_buffer_alias(b, NULL, &a) == HL_OK);
    CHECK(!hl_buffer_same_as(a, b) && strcmp(hl_buffer_name(a), hl_buffer_name(b)) != 0);
    CHECK(hl_buffer_crop(a, 0, 1, 2) == HL_OK && dim_is(a, 0, 1, 2, 1));
    int32_t p[] = {1, 2, 1};
    CHECK(hl_buffer_get(a, p, &v) == HL_OK && v.i == 121);
    int32_t outside[] = {0, 0, 0};
    CHECK(hl_buffer_get(a, outside, &v) == HL_ERROR_USER);
    CHECK(hl_buffer_crop(a, 0, 0, 2) == HL_ERROR_USER); /* not inside */
    CHECK(hl_buffer_crop(a, 3, 0, 1) == HL_ERROR_USER); /* no such dimension */
    CHECK(hl_buffer_crop(a, 0, 1, -1) == HL_ERROR_USER);

    CHECK(hl_buffer_slice(a, 1, 2) == HL_OK && hl_buffer_dimensions(a) == 2);
    CHECK(dim_is(a, 0, 1, 2, 1) && dim_is(a, 1, 0, 2, 12));
    int32_t q[] = {2, 1};
    CHECK(hl_buffer_get(a, q, &v) == HL_OK && v.i == 122);
    CHECK(hl_buffer_slice(a, 0, 5) == HL_ERROR_USER);

    int32_t delta[] = {10, -5};
    CHECK(hl_buffer_translate(a, 2, delta) == HL_OK && dim_is(a, 0, 11, 2, 1));
    int32_t r[] = {12, -4};
    CHECK(hl_buffer_get(a, r, &v) == HL_OK && v.i == 122);
    int32_t mins[] = {0};
    CHECK(hl_buffer_set_min(a, 1, mins) == HL_OK && dim_is(a, 0, 0, 2, 1) && dim_is(a, 1, -5, 2, 12));
    int32_t three[] = {0, 0, 0};
    CHECK(hl_buffer_set_min(a, 3, three) == HL_ERROR_USER);
    int32_t big[] = {INT32_MAX};
    CHECK(hl_buffer_translate(a, 1, big) == HL_ERROR_USER && dim_is(a, 0, 0, 2, 1));

    /* the alias keeps the memory after the parent goes */
    hl_buffer_release(b);
    int32_t s[] = {1, -4};
    CHECK(hl_buffer_get(a, s, &v) == HL_OK && v.i == 122);

    int order[] = {1, 0};
    CHECK(hl_buffer_transpose(a, 2, order) == HL_OK && dim_is(a, 0, -5, 2, 12));
    int bad[] = {0, 0};
    CHECK(hl_buffer_transpose(a, 2, bad) == HL_ERROR_USER);
    CHECK(hl_buffer_transpose(a, 1, order) == HL_ERROR_USER);

    CHECK(hl_buffer_embed(a, 1, 7) == HL_OK && hl_buffer_dimensions(a) == 3);
    CHECK(dim_is(a, 1, 7, 1, 2)); /* stride past the last dimension (2 * 1) */
    CHECK(hl_buffer_embed(a, 5, 0) == HL_ERROR_USER);
    CHECK(hl_buffer_add_dimension(a) == HL_OK && hl_buffer_dimensions(a) == 4);
    for (int i = 0; i < 5; i++) CHECK(hl_buffer_add_dimension(a) == HL_OK);
    CHECK(hl_buffer_dimensions(a) == 9);
    int32_t t[9] = {-4, 7, 1, 0, 0, 0, 0, 0, 0};
    CHECK(hl_buffer_get(a, t, &v) == HL_OK && v.i == 122);
    hl_buffer_release(a);
}

static int releases;
static void count_release(void *ctx) { releases += *(int *)ctx; }

static void test_wrap(void) {
    int16_t data[12];
    for (int i = 0; i < 12; i++) data[i] = (int16_t)i;
    /* a 4x3 view with a negative stride in y: row 2 first */
    halide_dimension_t dims[] = {{0, 4, 1, 0}, {0, 3, -4, 0}};
    hl_buffer *b = NULL, *a = NULL, *c = NULL;
    int one = 1;
    releases = 0;
    CHECK(hl_buffer_wrap(i16, 2, &data[8], dims, count_release, &one, &b) == HL_OK);
    hl_value v;
    int32_t p[] = {1, 2};
    CHECK(hl_buffer_get(b, p, &v) == HL_OK && v.i == 1);
    CHECK(hl_buffer_size_in_bytes(b) == 24);
    CHECK(hl_buffer_alias(b, "view", &a) == HL_OK && strcmp(hl_buffer_name(a), "view") == 0);
    CHECK(hl_buffer_copy(b, &c) == HL_OK);
    /* the copy keeps the storage order: the negative stride is innermost */
    if (c) CHECK(dim_is(c, 0, 0, 4, 3) && dim_is(c, 1, 0, 3, 1));
    CHECK(c && hl_buffer_get(c, p, &v) == HL_OK && v.i == 1);
    hl_buffer_release(b);
    CHECK(releases == 0);
    hl_buffer_release(a);
    CHECK(releases == 1);
    hl_buffer_release(c);
    CHECK(releases == 1);

    halide_dimension_t negative[] = {{0, -1, 1, 0}};
    CHECK(hl_buffer_wrap(u8, 1, data, negative, count_release, &one, &b) == HL_ERROR_USER);
    CHECK(releases == 1); /* not called on failure */
}

static void test_copy_fill(void) {
    int32_t ext_a[] = {4, 3}, ext_b[] = {3, 3}, min_b[] = {2, 1};
    hl_buffer *a = NULL, *b = NULL, *c = NULL;
    CHECK(hl_buffer_new(u8, 2, ext_a, NULL, &a) == HL_OK);
    CHECK(hl_buffer_new(u8, 2, ext_b, min_b, &b) == HL_OK);
    if (!a || !b) return;
    CHECK(hl_buffer_fill(b, hl_value_int(7)) == HL_OK);
    int equal = 0;
    CHECK(hl_buffer_all_equal(b, hl_value_int(7), &equal) == HL_OK && equal);
    CHECK(hl_buffer_all_equal(b, hl_value_float(7.0), &equal) == HL_ERROR_USER);
    CHECK(hl_buffer_fill(b, hl_value_int(256)) == HL_ERROR_USER);
    CHECK(hl_buffer_copy_from(a, b) == HL_OK);
    int32_t xy[2];
    int ok = 1;
    for (xy[1] = 0; xy[1] < 3; xy[1]++)
        for (xy[0] = 0; xy[0] < 4; xy[0]++) {
            hl_value v;
            hl_buffer_get(a, xy, &v);
            ok &= (int)v.u == ((xy[0] >= 2 && xy[1] >= 1) ? 7 : 0);
        }
    CHECK(ok);
    CHECK(hl_buffer_all_equal(a, hl_value_int(7), &equal) == HL_OK && !equal);

    hl_buffer *other = NULL;
    CHECK(hl_buffer_new(i8, 2, ext_a, NULL, &other) == HL_OK);
    CHECK(hl_buffer_copy_from(a, other) == HL_ERROR_USER);
    CHECK(strstr(hl_last_error(), "type") != NULL);
    hl_buffer_release(other);
    CHECK(hl_buffer_new(u8, 1, ext_a, NULL, &other) == HL_OK);
    CHECK(hl_buffer_copy_from(a, other) == HL_ERROR_USER);
    hl_buffer_release(other);

    CHECK(hl_buffer_copy(b, &c) == HL_OK && !hl_buffer_same_as(b, c));
    CHECK(c && dim_is(c, 0, 2, 3, 1) && dim_is(c, 1, 1, 3, 3));
    CHECK(hl_buffer_all_equal(c, hl_value_uint(7), &equal) == HL_OK && equal);
    hl_buffer_release(a);
    hl_buffer_release(b);
    hl_buffer_release(c);

    /* empty buffers: nothing to visit */
    int32_t empty[] = {0, 3};
    CHECK(hl_buffer_new(f32, 2, empty, NULL, &a) == HL_OK);
    CHECK(hl_buffer_fill(a, hl_value_float(1)) == HL_OK);
    CHECK(hl_buffer_all_equal(a, hl_value_float(2), &equal) == HL_OK && equal);
    CHECK(hl_buffer_size_in_bytes(a) == 0 && hl_buffer_number_of_elements(a) == 0);
    hl_buffer_release(a);
}

static void test_bounds_query(void) {
    int32_t extents[] = {5, 2};
    hl_buffer *b = NULL;
    CHECK(hl_buffer_new_bounds_query(f64, 2, extents, &b) == HL_OK);
    if (!b) return;
    CHECK(hl_buffer_raw(b)->host == NULL && dim_is(b, 1, 0, 2, 5));
    int32_t c[] = {0, 0};
    hl_value v;
    CHECK(hl_buffer_get(b, c, &v) == HL_ERROR_USER);
    CHECK(strstr(hl_last_error(), "no memory") != NULL);
    CHECK(hl_buffer_fill(b, hl_value_int(1)) == HL_ERROR_USER);
    CHECK(hl_buffer_allocate(b) == HL_OK && hl_buffer_raw(b)->host != NULL);
    CHECK(hl_buffer_set(b, c, hl_value_float(2.5)) == HL_OK);
    CHECK(hl_buffer_get(b, c, &v) == HL_OK && v.f == 2.5);
    hl_buffer_deallocate(b);
    CHECK(hl_buffer_raw(b)->host == NULL);
    hl_buffer_release(b);
}

/* Every allocation of a representative sequence fails in turn: each run must return
 * HL_ERROR_NOMEM cleanly (LeakSanitizer checks that nothing leaks). */
static hl_status fault_sequence(void) {
    int32_t extents[] = {8, 8};
    hl_buffer *b = NULL, *a = NULL, *c = NULL;
    hl_status s = hl_buffer_new(u8, 2, extents, NULL, &b);
    if (s == HL_OK) s = hl_buffer_alias(b, "alias", &a);
    if (s == HL_OK) s = hl_buffer_set_name(b, "renamed");
    if (s == HL_OK) s = hl_buffer_copy(b, &c);
    for (int i = 0; s == HL_OK && i < 6; i++) s = hl_buffer_add_dimension(a);
    hl_buffer_release(a);
    hl_buffer_release(b);
    hl_buffer_release(c);
    return s;
}

static void test_fault_injection(void) {
    int n;
    for (n = 1; n < 100; n++) {
        hl_alloc_fail_at(n);
        hl_status s = fault_sequence();
        long count = hl_alloc_count();
        hl_alloc_fail_at(0);
        if (count < n) {
            CHECK(s == HL_OK); /* past the last allocation: success */
            break;
        }
        CHECK(s == HL_ERROR_NOMEM);
    }
    CHECK(n > 5 && n < 100);
}

int main(void) {
    run("buffer: new", test_new);
    run("buffer: new errors", test_new_errors);
    run("buffer: element values", test_values);
    run("buffer: float16 and bfloat16", test_small_floats);
    run("buffer: crop slice translate transpose embed", test_shape_ops);
    run("buffer: wrap and release", test_wrap);
    run("buffer: copy, copy_from, fill", test_copy_fill);
    run("buffer: bounds query", test_bounds_query);
    run("buffer: allocation failures", test_fault_injection);
    return failures ? 1 : 0;
}
