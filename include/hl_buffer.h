/* hl_buffer.h - buffers of the public C API (included by halide_c.h).
 *
 * An hl_buffer is a reference-counted owner of one halide_buffer_t and its dims array. Its
 * memory is a separate shared block: either an allocation of its own (64-byte aligned) or
 * someone else's memory (kept alive by a release callback, e.g. a Python Py_buffer).
 * hl_buffer_alias makes a second hl_buffer over the same memory with its own shape; the
 * shape operations below (crop, slice, translate, transpose, embed ...) change one
 * hl_buffer's shape in place, so "cropped" = alias + crop. Dimension 0 is innermost (x).
 *
 * Shape operations may reallocate the dims array: a halide_dimension_t pointer taken from
 * hl_buffer_raw is valid only until the next shape operation on that buffer.
 * A buffer made by a bounds query (hl_buffer_wrap with a NULL host) has no memory until
 * hl_buffer_allocate; element access on it fails with HL_ERROR_USER.
 * Reference counting is thread-safe; mutating one hl_buffer from two threads is not.
 */
#ifndef HALIDE_C_BUFFER_H
#define HALIDE_C_BUFFER_H

/* Most dimensions a buffer may have (as PEP 3118's PyBUF_MAX_NDIM). */
#define HL_BUFFER_MAX_DIMENSIONS 64

/* ---- Making buffers ------------------------------------------------------------------- */

/* A dense buffer (dim 0 stride 1) of the given extents; mins may be NULL (all zero).
 * The memory is zeroed. Fails with HL_ERROR_USER on a type a buffer cannot hold (vectors),
 * negative extents, more than HL_BUFFER_MAX_DIMENSIONS, or a size whose strides overflow
 * int32 or whose bytes overflow the address space. */
hl_status hl_buffer_new(hl_type type, int dimensions, const int32_t *extents,
                        const int32_t *mins, hl_buffer **out);
/* The same with a storage order: storage_order lists the dimensions from innermost
 * (stride 1) to outermost, e.g. {2, 0, 1} for interleaved x, y, c. NULL means 0, 1, 2 ... */
hl_status hl_buffer_new_ordered(hl_type type, int dimensions, const int32_t *extents,
                                const int32_t *mins, const int *storage_order, hl_buffer **out);
/* The shape hl_buffer_new would make (mins zero), without memory: a bounds query. */
hl_status hl_buffer_new_bounds_query(hl_type type, int dimensions, const int32_t *extents,
                                     hl_buffer **out);
/* A new zeroed buffer with src's type, mins and extents, and its storage order (dimensions
 * sorted by stride). */
hl_status hl_buffer_new_with_shape_of(const hl_buffer *src, hl_buffer **out);
/* A buffer over memory it does not own. release(release_ctx) runs when the last buffer
 * using the memory goes (release may be NULL). host may be NULL (a bounds query): then
 * release, if any, runs before this returns. On failure release is NOT called. Strides
 * are in elements; host points at the element at the mins. */
hl_status hl_buffer_wrap(hl_type type, int dimensions, void *host, const halide_dimension_t *dims,
                         void (*release)(void *), void *release_ctx, hl_buffer **out);
/* A new buffer sharing b's memory, with a copy of b's shape. name NULL makes a unique one. */
hl_status hl_buffer_alias(const hl_buffer *b, const char *name, hl_buffer **out);
/* A dense copy of b's elements in a new buffer with b's shape and storage order. */
hl_status hl_buffer_copy(const hl_buffer *b, hl_buffer **out);

void hl_buffer_retain(hl_buffer *b);
void hl_buffer_release(hl_buffer *b);

/* ---- Reading the shape ---------------------------------------------------------------- */

/* The halide_buffer_t inside (borrowed; valid while b is). */
halide_buffer_t *hl_buffer_raw(hl_buffer *b);
hl_type hl_buffer_type(const hl_buffer *b);
int hl_buffer_dimensions(const hl_buffer *b);
/* A unique name ("b0", "b1", ... as Halide's) unless one was given. Borrowed, never NULL. */
const char *hl_buffer_name(const hl_buffer *b);
hl_status hl_buffer_set_name(hl_buffer *b, const char *name);
/* Product of the extents. */
int64_t hl_buffer_number_of_elements(const hl_buffer *b);
/* Bytes from the lowest to the highest addressed element, inclusive (0 when empty). */
int64_t hl_buffer_size_in_bytes(const hl_buffer *b);
/* Whether the two share memory and shape (the same hl_buffer). */
int hl_buffer_same_as(const hl_buffer *a, const hl_buffer *b);

/* ---- Changing the shape in place (memory is shared, never moved) ---------------------- */

/* Restricts dimension d to [min, min + extent), which must lie inside it. */
hl_status hl_buffer_crop(hl_buffer *b, int d, int32_t min, int32_t extent);
/* Removes dimension d, keeping the elements at coordinate pos of it. */
hl_status hl_buffer_slice(hl_buffer *b, int d, int32_t pos);
/* Adds delta[i] to the min of dimension i, for i < n (n <= dimensions). */
hl_status hl_buffer_translate(hl_buffer *b, int n, const int32_t *delta);
/* Sets the min of dimension i to mins[i], for i < n (n <= dimensions). */
hl_status hl_buffer_set_min(hl_buffer *b, int n, const int32_t *mins);
/* Permutes the dimensions: old dimension i becomes dimension order[i]. n must equal
 * the number of dimensions and order must be a permutation. */
hl_status hl_buffer_transpose(hl_buffer *b, int n, const int *order);
/* Adds an outermost dimension of extent 1 (min 0, stride past the last one). */
hl_status hl_buffer_add_dimension(hl_buffer *b);
/* Inserts a dimension of extent 1 and min pos as dimension d (0 <= d <= dimensions). */
hl_status hl_buffer_embed(hl_buffer *b, int d, int32_t pos);

/* ---- Memory ---------------------------------------------------------------------------- */

/* Gives a buffer without memory (a bounds query) a zeroed allocation covering its
 * strides. No-op when it has memory. */
hl_status hl_buffer_allocate(hl_buffer *b);
/* Drops this buffer's use of its memory (other aliases keep theirs); host becomes NULL. */
void hl_buffer_deallocate(hl_buffer *b);

/* ---- Elements --------------------------------------------------------------------------- */

/* One element's value, exact for every element type. */
typedef enum hl_value_kind {
    HL_VALUE_INT,   /* i */
    HL_VALUE_UINT,  /* u */
    HL_VALUE_FLOAT, /* f */
    HL_VALUE_BOOL,  /* i, 0 or 1 */
} hl_value_kind;

typedef struct hl_value {
    hl_value_kind kind;
    int64_t i;
    uint64_t u;
    double f;
} hl_value;

static inline hl_value hl_value_int(int64_t i) {
    hl_value v = {HL_VALUE_INT, i, 0, 0};
    return v;
}
static inline hl_value hl_value_uint(uint64_t u) {
    hl_value v = {HL_VALUE_UINT, 0, u, 0};
    return v;
}
static inline hl_value hl_value_float(double f) {
    hl_value v = {HL_VALUE_FLOAT, 0, 0, f};
    return v;
}
static inline hl_value hl_value_bool(int b) {
    hl_value v = {HL_VALUE_BOOL, b != 0, 0, 0};
    return v;
}

/* Reading gives the kind of the element type: INT for int8..64, UINT for uint8..64, BOOL
 * for bool, FLOAT for float16, bfloat16, float32 and float64. Writing converts to the
 * element type: any value to bool (nonzero is true); INT, UINT and BOOL values to integer
 * types only when the value fits (no wrapping), FLOAT values are refused by integer types;
 * any value to float types, rounded to nearest even. Coordinates have one entry per
 * dimension and must be inside (else HL_ERROR_USER "index ... is out of bounds ...").
 * Handle buffers hold no numbers and refuse element access. */
hl_status hl_buffer_get(const hl_buffer *b, const int32_t *coords, hl_value *out);
hl_status hl_buffer_set(hl_buffer *b, const int32_t *coords, hl_value value);
/* Whether coords (n <= dimensions entries; the rest are not checked) lie inside b. */
int hl_buffer_contains(const hl_buffer *b, int n, const int32_t *coords);
/* Sets every element to value (converted as hl_buffer_set). */
hl_status hl_buffer_fill(hl_buffer *b, hl_value value);
/* *out = whether every element equals value (converted as hl_buffer_set). */
hl_status hl_buffer_all_equal(const hl_buffer *b, hl_value value, int *out);
/* Copies the elements of src that lie inside dst into dst. The types and numbers of
 * dimensions must match. */
hl_status hl_buffer_copy_from(hl_buffer *dst, const hl_buffer *src);

#endif
