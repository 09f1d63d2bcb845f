/* buffer.c - hl_buffer: reference-counted halide_buffer_t with shared memory blocks.
 *
 * What it does: implements include/hl_buffer.h. An hl_buffer owns its halide_buffer_t and
 * dims array, a name, and one reference to a memory block. A memory block is either our own
 * zeroed, 64-byte aligned allocation (block header and data in one hl_malloc) or a
 * release callback for foreign memory; it goes away with the last hl_buffer using it, so
 * aliases (crops, slices, transposes ...) outlive their parent safely.
 * What it assumes: callers pass the public API's arguments; the public functions report
 * failures with a status and the per-thread last error, never by raising (no hl_ctx is
 * needed here: nothing below can fail deep inside a recursion).
 * What it guarantees: every shape stays representable: extents >= 0, min + extent - 1
 * and every stride fit int32, and a new allocation's byte size is checked for overflow
 * before allocating. A failed call leaves its buffer unchanged and leaks nothing.
 */
#include "halide_c.h"
#include "util/alloc.h"
#include "util/check.h"

#include <math.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define BUFFER_ALIGNMENT 64

typedef struct buffer_memory {
    atomic_long refs;
    void (*release)(void *); /* foreign memory: called when the last user goes */
    void *release_ctx;
    /* our own allocation: the data follows this header in the same block */
} buffer_memory;

struct hl_buffer {
    atomic_long refs;
    halide_buffer_t raw;
    int dim_capacity;       /* entries allocated at raw.dim */
    buffer_memory *memory;  /* NULL: no memory (bounds query or deallocated) */
    char *name;             /* given name, or NULL for auto_name */
    char auto_name[24];     /* "b<N>" */
};

/* Buffer names "b0", "b1", ... are unique in the process, as Halide's are. */
static atomic_ulong next_buffer_number;

/* ---- Errors ----------------------------------------------------------------------------- */

static hl_status fail(hl_status status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static hl_status fail(hl_status status, const char *fmt, ...) {
    char message[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    ctx_set_last_error(message);
    return status;
}

static hl_status out_of_memory(size_t bytes) {
    return fail(HL_ERROR_NOMEM, "Out of memory (allocating %zu bytes for a Buffer)", bytes);
}

/* ---- Types and shapes ------------------------------------------------------------------- */

static size_t element_size(hl_type t) { return (size_t)(t.bits + 7) / 8; }

static hl_status check_element_type(hl_type t) {
    char name[48];
    if (t.lanes != 1 || !hl_type_is_valid(t))
        return fail(HL_ERROR_USER, "A Buffer cannot hold elements of type %s",
                    hl_type_name(t, name, sizeof name));
    return HL_OK;
}

static hl_status check_dimension_count(int dimensions) {
    if (dimensions < 0 || dimensions > HL_BUFFER_MAX_DIMENSIONS)
        return fail(HL_ERROR_USER, "A Buffer has between 0 and %d dimensions, not %d",
                    HL_BUFFER_MAX_DIMENSIONS, dimensions);
    return HL_OK;
}

/* Whether [min, min + extent) is a valid int32 range of coordinates. */
static hl_status check_interval(int d, int64_t min, int64_t extent) {
    if (extent < 0) return fail(HL_ERROR_USER, "Extent of dimension %d is negative (%lld)", d, (long long)extent);
    if (min < INT32_MIN || min > INT32_MAX || min + extent - 1 > INT32_MAX)
        return fail(HL_ERROR_USER,
                    "Dimension %d with min %lld and extent %lld does not fit 32-bit coordinates",
                    d, (long long)min, (long long)extent);
    return HL_OK;
}

static hl_status check_dimension_index(const hl_buffer *b, int d, int allow_end) {
    int limit = b->raw.dimensions + (allow_end ? 1 : 0);
    if (d < 0 || d >= limit)
        return fail(HL_ERROR_USER, "Dimension %d is out of range for Buffer %s with %d dimensions",
                    d, hl_buffer_name(b), b->raw.dimensions);
    return HL_OK;
}

/* ---- Memory blocks ---------------------------------------------------------------------- */

static void memory_retain(buffer_memory *m) {
    if (m) atomic_fetch_add_explicit(&m->refs, 1, memory_order_relaxed);
}

static void memory_release(buffer_memory *m) {
    if (!m || atomic_fetch_sub_explicit(&m->refs, 1, memory_order_acq_rel) != 1) return;
    if (m->release) m->release(m->release_ctx);
    hl_free(m);
}

/* A zeroed block with `bytes` of aligned data; *data receives the data's address. */
static hl_status memory_allocate(size_t bytes, buffer_memory **out, uint8_t **data) {
    size_t header = sizeof(buffer_memory);
    if (bytes > (size_t)PTRDIFF_MAX - header - BUFFER_ALIGNMENT)
        return fail(HL_ERROR_USER, "Buffer of %zu bytes is too large", bytes);
    size_t total = header + BUFFER_ALIGNMENT + bytes;
    buffer_memory *m = hl_calloc(1, total);
    if (!m) return out_of_memory(total);
    atomic_init(&m->refs, 1);
    uintptr_t start = (uintptr_t)m + header;
    start = (start + BUFFER_ALIGNMENT - 1) & ~(uintptr_t)(BUFFER_ALIGNMENT - 1);
    *out = m;
    *data = (uint8_t *)start;
    return HL_OK;
}

/* ---- Buffer objects --------------------------------------------------------------------- */

static hl_status ensure_capacity(hl_buffer *b, int dimensions) {
    if (dimensions <= b->dim_capacity) return HL_OK;
    int capacity = dimensions < 4 ? 4 : dimensions;
    halide_dimension_t *dims = hl_realloc(b->raw.dim, (size_t)capacity * sizeof *dims);
    if (!dims) return out_of_memory((size_t)capacity * sizeof *dims);
    b->raw.dim = dims;
    b->dim_capacity = capacity;
    return HL_OK;
}

/* A buffer with the given shape, no memory yet, and a name (NULL or "": a unique one). */
static hl_status buffer_create(hl_type t, int dimensions, const halide_dimension_t *dims,
                               const char *name, hl_buffer **out) {
    hl_buffer *b = hl_calloc(1, sizeof *b);
    if (!b) return out_of_memory(sizeof *b);
    atomic_init(&b->refs, 1);
    b->raw.type.code = t.code;
    b->raw.type.bits = t.bits;
    b->raw.type.lanes = t.lanes;
    b->raw.dimensions = dimensions;
    if (name && name[0]) {
        b->name = hl_strdup(name);
        if (!b->name) {
            hl_free(b);
            return out_of_memory(strlen(name) + 1);
        }
    } else {
        snprintf(b->auto_name, sizeof b->auto_name, "b%lu",
                 atomic_fetch_add_explicit(&next_buffer_number, 1, memory_order_relaxed));
    }
    if (ensure_capacity(b, dimensions) != HL_OK) {
        hl_free(b->name);
        hl_free(b);
        return HL_ERROR_NOMEM;
    }
    if (dimensions) memcpy(b->raw.dim, dims, (size_t)dimensions * sizeof *dims);
    *out = b;
    return HL_OK;
}

void hl_buffer_retain(hl_buffer *b) {
    if (b) atomic_fetch_add_explicit(&b->refs, 1, memory_order_relaxed);
}

void hl_buffer_release(hl_buffer *b) {
    if (!b || atomic_fetch_sub_explicit(&b->refs, 1, memory_order_acq_rel) != 1) return;
    memory_release(b->memory);
    hl_free(b->raw.dim);
    hl_free(b->name);
    hl_free(b);
}

/* Lowest and highest element offsets (in elements) reachable from host; 0 if empty. */
static int span_of(const halide_buffer_t *r, int64_t *lo, int64_t *hi) {
    *lo = *hi = 0;
    for (int i = 0; i < r->dimensions; i++) {
        if (r->dim[i].extent <= 0) return 0;
        int64_t reach = (int64_t)(r->dim[i].extent - 1) * r->dim[i].stride;
        if (reach < 0) *lo += reach;
        else *hi += reach;
    }
    return 1;
}

/* Gives b a new zeroed allocation covering its strides. */
static hl_status attach_allocation(hl_buffer *b) {
    int64_t lo, hi;
    size_t esize = element_size(hl_buffer_type(b));
    int nonempty = span_of(&b->raw, &lo, &hi);
    /* lo and hi are sums of at most 64 products of int32s: they fit int64 comfortably. */
    uint64_t elements = nonempty ? (uint64_t)(hi - lo) + 1 : 0;
    if (elements > ((uint64_t)PTRDIFF_MAX - 2 * BUFFER_ALIGNMENT) / esize)
        return fail(HL_ERROR_USER, "Buffer %s of %llu elements is too large to allocate",
                    hl_buffer_name(b), (unsigned long long)elements);
    buffer_memory *m = NULL;
    uint8_t *data = NULL;
    hl_status s = memory_allocate((size_t)elements * esize, &m, &data);
    if (s != HL_OK) return s;
    memory_release(b->memory);
    b->memory = m;
    b->raw.host = data - lo * (int64_t)esize;
    return HL_OK;
}

/* Dense dims for extents and mins, innermost first in storage_order. */
static hl_status dense_dims(int dimensions, const int32_t *extents, const int32_t *mins,
                            const int *storage_order, halide_dimension_t *dims) {
    int seen[HL_BUFFER_MAX_DIMENSIONS] = {0};
    int64_t stride = 1;
    for (int k = 0; k < dimensions; k++) {
        int d = storage_order ? storage_order[k] : k;
        if (d < 0 || d >= dimensions || seen[d])
            return fail(HL_ERROR_USER, "Storage order is not a permutation of 0..%d",
                        dimensions - 1);
        seen[d] = 1;
        int32_t min = mins ? mins[d] : 0;
        hl_status s = check_interval(d, min, extents[d]);
        if (s != HL_OK) return s;
        if (stride > INT32_MAX)
            return fail(HL_ERROR_USER,
                        "Buffer is too large: the stride of dimension %d exceeds 2^31 - 1", d);
        dims[d] = (halide_dimension_t){min, extents[d], (int32_t)stride, 0};
        stride *= extents[d];
    }
    return HL_OK;
}

hl_status hl_buffer_new_ordered(hl_type type, int dimensions, const int32_t *extents,
                                const int32_t *mins, const int *storage_order, hl_buffer **out) {
    api_check(out && (extents || dimensions == 0), "hl_buffer_new: NULL argument");
    hl_status s = check_element_type(type);
    if (s == HL_OK) s = check_dimension_count(dimensions);
    if (s != HL_OK) return s;
    halide_dimension_t dims[HL_BUFFER_MAX_DIMENSIONS];
    s = dense_dims(dimensions, extents, mins, storage_order, dims);
    hl_buffer *b = NULL;
    if (s == HL_OK) s = buffer_create(type, dimensions, dims, NULL, &b);
    if (s == HL_OK) s = attach_allocation(b);
    if (s != HL_OK) {
        hl_buffer_release(b);
        return s;
    }
    *out = b;
    return HL_OK;
}

hl_status hl_buffer_new_bounds_query(hl_type type, int dimensions, const int32_t *extents,
                                     hl_buffer **out) {
    api_check(out && (extents || dimensions == 0), "hl_buffer_new_bounds_query: NULL argument");
    hl_status s = check_element_type(type);
    if (s == HL_OK) s = check_dimension_count(dimensions);
    if (s != HL_OK) return s;
    halide_dimension_t dims[HL_BUFFER_MAX_DIMENSIONS];
    s = dense_dims(dimensions, extents, NULL, NULL, dims);
    return s == HL_OK ? buffer_create(type, dimensions, dims, NULL, out) : s;
}

hl_status hl_buffer_new(hl_type type, int dimensions, const int32_t *extents,
                        const int32_t *mins, hl_buffer **out) {
    return hl_buffer_new_ordered(type, dimensions, extents, mins, NULL, out);
}

hl_status hl_buffer_new_with_shape_of(const hl_buffer *src, hl_buffer **out) {
    api_check(src && out, "hl_buffer_new_with_shape_of: NULL argument");
    int n = src->raw.dimensions;
    int order[HL_BUFFER_MAX_DIMENSIONS];
    int32_t extents[HL_BUFFER_MAX_DIMENSIONS], mins[HL_BUFFER_MAX_DIMENSIONS];
    for (int i = 0; i < n; i++) {
        extents[i] = src->raw.dim[i].extent;
        mins[i] = src->raw.dim[i].min;
        /* insertion sort by stride; equal strides keep dimension order */
        int j = i;
        while (j > 0 && src->raw.dim[order[j - 1]].stride > src->raw.dim[i].stride) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }
    return hl_buffer_new_ordered(hl_buffer_type(src), n, extents, mins, order, out);
}

hl_status hl_buffer_wrap(hl_type type, int dimensions, void *host, const halide_dimension_t *dims,
                         void (*release)(void *), void *release_ctx, hl_buffer **out) {
    api_check(out && (dims || dimensions == 0), "hl_buffer_wrap: NULL argument");
    hl_status s = check_element_type(type);
    if (s == HL_OK) s = check_dimension_count(dimensions);
    for (int i = 0; s == HL_OK && i < dimensions; i++)
        s = check_interval(i, dims[i].min, dims[i].extent);
    if (s != HL_OK) return s;
    buffer_memory *m = NULL;
    if (host) {
        m = hl_calloc(1, sizeof *m);
        if (!m) return out_of_memory(sizeof *m);
        atomic_init(&m->refs, 1);
    }
    hl_buffer *b;
    s = buffer_create(type, dimensions, dims, NULL, &b);
    if (s != HL_OK) {
        hl_free(m);
        return s;
    }
    if (m) {
        m->release = release;
        m->release_ctx = release_ctx;
    } else if (release) {
        /* No memory to keep alive: the caller's resource is done with at once. */
        release(release_ctx);
    }
    b->memory = m;
    b->raw.host = host;
    b->raw.flags = halide_buffer_flag_host_dirty;
    *out = b;
    return HL_OK;
}

hl_status hl_buffer_alias(const hl_buffer *b, const char *name, hl_buffer **out) {
    api_check(b && out, "hl_buffer_alias: NULL argument");
    hl_buffer *a;
    hl_status s = buffer_create(hl_buffer_type(b), b->raw.dimensions, b->raw.dim, name, &a);
    if (s != HL_OK) return s;
    memory_retain(b->memory);
    a->memory = b->memory;
    a->raw.host = b->raw.host;
    a->raw.flags = b->raw.flags;
    *out = a;
    return HL_OK;
}

/* ---- Reading the shape ---------------------------------------------------------------- */

halide_buffer_t *hl_buffer_raw(hl_buffer *b) { return &b->raw; }

hl_type hl_buffer_type(const hl_buffer *b) {
    return hl_type_make(b->raw.type.code, b->raw.type.bits, b->raw.type.lanes);
}

int hl_buffer_dimensions(const hl_buffer *b) { return b->raw.dimensions; }

const char *hl_buffer_name(const hl_buffer *b) { return b->name ? b->name : b->auto_name; }

hl_status hl_buffer_set_name(hl_buffer *b, const char *name) {
    api_check(b && name, "hl_buffer_set_name: NULL argument");
    char *copy = hl_strdup(name);
    if (!copy) return out_of_memory(strlen(name) + 1);
    hl_free(b->name);
    b->name = copy;
    return HL_OK;
}

int64_t hl_buffer_number_of_elements(const hl_buffer *b) {
    int64_t n = 1;
    for (int i = 0; i < b->raw.dimensions; i++) {
        if (__builtin_mul_overflow(n, (int64_t)b->raw.dim[i].extent, &n)) return INT64_MAX;
    }
    return n;
}

int64_t hl_buffer_size_in_bytes(const hl_buffer *b) {
    int64_t lo, hi;
    if (!span_of(&b->raw, &lo, &hi)) return 0;
    return (hi - lo + 1) * (int64_t)element_size(hl_buffer_type(b));
}

int hl_buffer_same_as(const hl_buffer *a, const hl_buffer *b) { return a == b; }

/* ---- Changing the shape in place ------------------------------------------------------ */

/* Moves host to the element at offset `elements` from it (no-op without memory). */
static void move_host(hl_buffer *b, int64_t elements) {
    if (b->raw.host) b->raw.host += elements * (int64_t)element_size(hl_buffer_type(b));
}

hl_status hl_buffer_crop(hl_buffer *b, int d, int32_t min, int32_t extent) {
    api_check(b, "hl_buffer_crop: NULL buffer");
    hl_status s = check_dimension_index(b, d, 0);
    if (s != HL_OK) return s;
    halide_dimension_t *dim = &b->raw.dim[d];
    if (extent < 0 || min < dim->min || (int64_t)min + extent > (int64_t)dim->min + dim->extent)
        return fail(HL_ERROR_USER,
                    "Cannot crop dimension %d of Buffer %s to min %d, extent %d: it has min %d, "
                    "extent %d",
                    d, hl_buffer_name(b), min, extent, dim->min, dim->extent);
    move_host(b, (int64_t)(min - (int64_t)dim->min) * dim->stride);
    dim->min = min;
    dim->extent = extent;
    return HL_OK;
}

hl_status hl_buffer_slice(hl_buffer *b, int d, int32_t pos) {
    api_check(b, "hl_buffer_slice: NULL buffer");
    hl_status s = check_dimension_index(b, d, 0);
    if (s != HL_OK) return s;
    halide_dimension_t *dim = &b->raw.dim[d];
    if (pos < dim->min || (int64_t)pos >= (int64_t)dim->min + dim->extent)
        return fail(HL_ERROR_USER,
                    "Cannot slice dimension %d of Buffer %s at %d: it has min %d, extent %d", d,
                    hl_buffer_name(b), pos, dim->min, dim->extent);
    move_host(b, (int64_t)(pos - (int64_t)dim->min) * dim->stride);
    memmove(dim, dim + 1, (size_t)(b->raw.dimensions - d - 1) * sizeof *dim);
    b->raw.dimensions--;
    return HL_OK;
}

static hl_status set_mins(hl_buffer *b, int n, const int32_t *values, int relative,
                          const char *what) {
    api_check(b && (values || n == 0), "hl_buffer_set_min: NULL argument");
    if (n < 0 || n > b->raw.dimensions)
        return fail(HL_ERROR_USER, "%s: %d values given for Buffer %s with %d dimensions", what,
                    n, hl_buffer_name(b), b->raw.dimensions);
    int64_t mins[HL_BUFFER_MAX_DIMENSIONS];
    for (int i = 0; i < n; i++) {
        mins[i] = relative ? (int64_t)b->raw.dim[i].min + values[i] : values[i];
        hl_status s = check_interval(i, mins[i], b->raw.dim[i].extent);
        if (s != HL_OK) return s;
    }
    for (int i = 0; i < n; i++) b->raw.dim[i].min = (int32_t)mins[i];
    return HL_OK;
}

hl_status hl_buffer_translate(hl_buffer *b, int n, const int32_t *delta) {
    return set_mins(b, n, delta, 1, "translate");
}

hl_status hl_buffer_set_min(hl_buffer *b, int n, const int32_t *mins) {
    return set_mins(b, n, mins, 0, "set_min");
}

hl_status hl_buffer_transpose(hl_buffer *b, int n, const int *order) {
    api_check(b && (order || n == 0), "hl_buffer_transpose: NULL argument");
    if (n != b->raw.dimensions)
        return fail(HL_ERROR_USER, "transpose: order has %d entries but Buffer %s has %d dimensions",
                    n, hl_buffer_name(b), b->raw.dimensions);
    halide_dimension_t old[HL_BUFFER_MAX_DIMENSIONS];
    int seen[HL_BUFFER_MAX_DIMENSIONS] = {0};
    for (int i = 0; i < n; i++) {
        if (order[i] < 0 || order[i] >= n || seen[order[i]])
            return fail(HL_ERROR_USER, "transpose: order is not a permutation of 0..%d", n - 1);
        seen[order[i]] = 1;
    }
    memcpy(old, b->raw.dim, (size_t)n * sizeof *old);
    for (int i = 0; i < n; i++) b->raw.dim[order[i]] = old[i];
    return HL_OK;
}

hl_status hl_buffer_add_dimension(hl_buffer *b) {
    api_check(b, "hl_buffer_add_dimension: NULL buffer");
    int n = b->raw.dimensions;
    hl_status s = check_dimension_count(n + 1);
    if (s != HL_OK) return s;
    int64_t stride = 1;
    if (n > 0) stride = (int64_t)b->raw.dim[n - 1].extent * b->raw.dim[n - 1].stride;
    if (stride > INT32_MAX || stride < INT32_MIN)
        return fail(HL_ERROR_USER, "add_dimension: the new stride of Buffer %s overflows int32",
                    hl_buffer_name(b));
    s = ensure_capacity(b, n + 1);
    if (s != HL_OK) return s;
    b->raw.dim[n] = (halide_dimension_t){0, 1, (int32_t)stride, 0};
    b->raw.dimensions = n + 1;
    return HL_OK;
}

hl_status hl_buffer_embed(hl_buffer *b, int d, int32_t pos) {
    api_check(b, "hl_buffer_embed: NULL buffer");
    hl_status s = check_dimension_index(b, d, 1);
    if (s == HL_OK) s = hl_buffer_add_dimension(b);
    if (s != HL_OK) return s;
    int n = b->raw.dimensions;
    halide_dimension_t added = b->raw.dim[n - 1];
    added.min = pos;
    memmove(&b->raw.dim[d + 1], &b->raw.dim[d], (size_t)(n - 1 - d) * sizeof added);
    b->raw.dim[d] = added;
    return HL_OK;
}

/* ---- Memory ------------------------------------------------------------------------- */

hl_status hl_buffer_allocate(hl_buffer *b) {
    api_check(b, "hl_buffer_allocate: NULL buffer");
    return b->raw.host ? HL_OK : attach_allocation(b);
}

void hl_buffer_deallocate(hl_buffer *b) {
    if (!b) return;
    memory_release(b->memory);
    b->memory = NULL;
    b->raw.host = NULL;
}

/* ---- Element conversion ----------------------------------------------------------------- */

/* IEEE binary formats narrower than double, by exponent and mantissa bits: float16 (5, 10)
 * and bfloat16 (8, 7). Rounds to nearest even; overflow gives infinity. */
static uint16_t small_float_from_double(double d, int ebits, int mbits) {
    uint64_t bits;
    memcpy(&bits, &d, sizeof bits);
    uint16_t sign = (uint16_t)((bits >> 63) << (ebits + mbits));
    int exp = (int)((bits >> 52) & 0x7ff);
    uint64_t mant = bits & ((1ULL << 52) - 1);
    int bias = (1 << (ebits - 1)) - 1, max_exp = (1 << ebits) - 1;
    uint16_t inf = (uint16_t)(max_exp << mbits);
    if (exp == 0x7ff) return sign | inf | (mant ? (uint16_t)(1u << (mbits - 1)) : 0);
    if (exp == 0) return sign; /* double subnormals are far below the smallest half */
    int e = exp - 1023 + bias;
    if (e >= max_exp) return sign | inf;
    int shift = 52 - mbits + (e >= 1 ? 0 : 1 - e);
    if (shift > 62) return sign;
    uint64_t m = mant | (1ULL << 52);
    uint64_t keep = m >> shift, rest = m & ((1ULL << shift) - 1), half = 1ULL << (shift - 1);
    if (rest > half || (rest == half && (keep & 1))) keep++;
    /* Normal: the implicit one is in keep, so adding (e - 1) << mbits forms the exponent
     * and a rounding carry moves into it. Subnormal: keep is the mantissa. */
    uint64_t result = e >= 1 ? ((uint64_t)(e - 1) << mbits) + keep : keep;
    if (result >= inf) return sign | inf;
    return sign | (uint16_t)result;
}

static double small_float_to_double(uint16_t h, int ebits, int mbits) {
    int bias = (1 << (ebits - 1)) - 1, max_exp = (1 << ebits) - 1;
    int exp = (h >> mbits) & max_exp;
    int mant = h & ((1 << mbits) - 1);
    double v;
    if (exp == 0) v = ldexp(mant, 1 - bias - mbits);
    else if (exp == max_exp) v = mant ? NAN : INFINITY;
    else v = ldexp(mant + (1 << mbits), exp - bias - mbits);
    return (h >> (ebits + mbits)) & 1 ? -v : v;
}

static double value_as_double(hl_value v) {
    switch (v.kind) {
    case HL_VALUE_FLOAT: return v.f;
    case HL_VALUE_UINT: return (double)v.u;
    case HL_VALUE_INT:
    case HL_VALUE_BOOL: break;
    }
    return (double)v.i;
}

/* Writes value converted to t into out (element_size(t) bytes). */
static hl_status encode_element(hl_type t, hl_value v, unsigned char *out) {
    char name[48];
    hl_type_name(t, name, sizeof name);
    if (t.code == halide_type_handle)
        return fail(HL_ERROR_USER, "A Buffer of type %s holds no numbers", name);
    if (t.code == halide_type_uint && t.bits == 1) {
        out[0] = v.kind == HL_VALUE_FLOAT ? v.f != 0 : v.kind == HL_VALUE_UINT ? v.u != 0 : v.i != 0;
        return HL_OK;
    }
    if (t.code == halide_type_float || t.code == halide_type_bfloat) {
        double d = value_as_double(v);
        if (t.bits == 64) {
            memcpy(out, &d, 8);
        } else if (t.bits == 32) {
            float f = (float)d;
            memcpy(out, &f, 4);
        } else {
            uint16_t h = t.code == halide_type_bfloat ? small_float_from_double(d, 8, 7)
                                                      : small_float_from_double(d, 5, 10);
            memcpy(out, &h, 2);
        }
        return HL_OK;
    }
    if (v.kind == HL_VALUE_FLOAT)
        return fail(HL_ERROR_USER, "Cannot store the floating-point value %g in a Buffer of type %s",
                    v.f, name);
    int fits;
    uint64_t raw;
    if (t.code == halide_type_int) {
        int64_t lo = t.bits == 64 ? INT64_MIN : -(INT64_C(1) << (t.bits - 1));
        int64_t hi = t.bits == 64 ? INT64_MAX : (INT64_C(1) << (t.bits - 1)) - 1;
        fits = v.kind == HL_VALUE_UINT ? v.u <= (uint64_t)hi : v.i >= lo && v.i <= hi;
        raw = v.kind == HL_VALUE_UINT ? v.u : (uint64_t)v.i;
    } else {
        uint64_t hi = t.bits == 64 ? UINT64_MAX : (UINT64_C(1) << t.bits) - 1;
        raw = v.kind == HL_VALUE_UINT ? v.u : (uint64_t)v.i;
        fits = (v.kind == HL_VALUE_UINT || v.i >= 0) && raw <= hi;
    }
    if (!fits) {
        if (v.kind == HL_VALUE_UINT)
            return fail(HL_ERROR_USER, "Value %llu does not fit in a Buffer of type %s",
                        (unsigned long long)v.u, name);
        return fail(HL_ERROR_USER, "Value %lld does not fit in a Buffer of type %s",
                    (long long)v.i, name);
    }
    switch (t.bits) {
    case 8: { uint8_t x = (uint8_t)raw; memcpy(out, &x, 1); break; }
    case 16: { uint16_t x = (uint16_t)raw; memcpy(out, &x, 2); break; }
    case 32: { uint32_t x = (uint32_t)raw; memcpy(out, &x, 4); break; }
    default: memcpy(out, &raw, 8); break;
    }
    return HL_OK;
}

static hl_value decode_element(hl_type t, const unsigned char *p) {
    if (t.code == halide_type_float || t.code == halide_type_bfloat) {
        if (t.bits == 64) {
            double d;
            memcpy(&d, p, 8);
            return hl_value_float(d);
        }
        if (t.bits == 32) {
            float f;
            memcpy(&f, p, 4);
            return hl_value_float(f);
        }
        uint16_t h;
        memcpy(&h, p, 2);
        return hl_value_float(t.code == halide_type_bfloat ? small_float_to_double(h, 8, 7)
                                                           : small_float_to_double(h, 5, 10));
    }
    if (t.bits == 1) return hl_value_bool(p[0] != 0);
    uint64_t raw = 0;
    switch (t.bits) {
    case 8: { uint8_t x; memcpy(&x, p, 1); raw = x; break; }
    case 16: { uint16_t x; memcpy(&x, p, 2); raw = x; break; }
    case 32: { uint32_t x; memcpy(&x, p, 4); raw = x; break; }
    default: memcpy(&raw, p, 8); break;
    }
    if (t.code == halide_type_uint) return hl_value_uint(raw);
    /* sign-extend from t.bits */
    int shift = 64 - t.bits;
    return hl_value_int((int64_t)(raw << shift) >> shift);
}

static int value_equal(hl_value a, hl_value b) {
    if (a.kind == HL_VALUE_FLOAT || b.kind == HL_VALUE_FLOAT)
        return value_as_double(a) == value_as_double(b);
    if (a.kind == HL_VALUE_UINT && b.kind == HL_VALUE_UINT) return a.u == b.u;
    if (a.kind == HL_VALUE_UINT) return b.i >= 0 && a.u == (uint64_t)b.i;
    if (b.kind == HL_VALUE_UINT) return a.i >= 0 && b.u == (uint64_t)a.i;
    return a.i == b.i;
}

/* ---- Elements ------------------------------------------------------------------------- */

static hl_status check_has_memory(const hl_buffer *b) {
    if (!b->raw.host)
        return fail(HL_ERROR_USER,
                    "Buffer %s has no memory (a bounds query, or deallocated)", hl_buffer_name(b));
    return HL_OK;
}

static unsigned char *element_address(const halide_buffer_t *r, const int32_t *coords) {
    int64_t offset = 0;
    for (int i = 0; i < r->dimensions; i++)
        offset += ((int64_t)coords[i] - r->dim[i].min) * r->dim[i].stride;
    return r->host + offset * (int64_t)((r->type.bits + 7) / 8);
}

int hl_buffer_contains(const hl_buffer *b, int n, const int32_t *coords) {
    if (n > b->raw.dimensions) n = b->raw.dimensions;
    for (int i = 0; i < n; i++) {
        const halide_dimension_t *dim = &b->raw.dim[i];
        if (coords[i] < dim->min || (int64_t)coords[i] >= (int64_t)dim->min + dim->extent)
            return 0;
    }
    return 1;
}

static hl_status check_element(const hl_buffer *b, const int32_t *coords) {
    hl_status s = check_has_memory(b);
    if (s != HL_OK) return s;
    for (int i = 0; i < b->raw.dimensions; i++) {
        const halide_dimension_t *dim = &b->raw.dim[i];
        if (coords[i] < dim->min || (int64_t)coords[i] >= (int64_t)dim->min + dim->extent)
            return fail(HL_ERROR_USER, "index %d is out of bounds for axis %d with min=%d, extent=%d",
                        coords[i], i, dim->min, dim->extent);
    }
    return HL_OK;
}

hl_status hl_buffer_get(const hl_buffer *b, const int32_t *coords, hl_value *out) {
    api_check(b && out && (coords || b->raw.dimensions == 0), "hl_buffer_get: NULL argument");
    hl_type t = hl_buffer_type(b);
    if (t.code == halide_type_handle) {
        char name[48];
        return fail(HL_ERROR_USER, "A Buffer of type %s holds no numbers",
                    hl_type_name(t, name, sizeof name));
    }
    hl_status s = check_element(b, coords);
    if (s != HL_OK) return s;
    *out = decode_element(t, element_address(&b->raw, coords));
    return HL_OK;
}

hl_status hl_buffer_set(hl_buffer *b, const int32_t *coords, hl_value value) {
    api_check(b && (coords || b->raw.dimensions == 0), "hl_buffer_set: NULL argument");
    unsigned char bytes[8];
    hl_status s = encode_element(hl_buffer_type(b), value, bytes);
    if (s == HL_OK) s = check_element(b, coords);
    if (s != HL_OK) return s;
    memcpy(element_address(&b->raw, coords), bytes, element_size(hl_buffer_type(b)));
    return HL_OK;
}

/* Calls fn(element of a, element of b or NULL, ud) for every coordinate of the region
 * (mins, extents) in order, dimension 0 fastest, until fn returns 0. */
typedef int (*element_fn)(unsigned char *a, const unsigned char *b, void *ud);

static void for_each_in_region(int n, const int32_t *mins, const int32_t *extents,
                               const halide_buffer_t *a, const halide_buffer_t *b,
                               element_fn fn, void *ud) {
    int32_t coords[HL_BUFFER_MAX_DIMENSIONS];
    for (int i = 0; i < n; i++) {
        if (extents[i] <= 0) return;
        coords[i] = mins[i];
    }
    for (;;) {
        if (!fn(element_address(a, coords), b ? element_address(b, coords) : NULL, ud)) return;
        int i = 0;
        for (; i < n; i++) {
            if ((int64_t)++coords[i] < (int64_t)mins[i] + extents[i]) break;
            coords[i] = mins[i];
        }
        if (i == n) return;
    }
}

static void shape_of(const halide_buffer_t *r, int32_t *mins, int32_t *extents) {
    for (int i = 0; i < r->dimensions; i++) {
        mins[i] = r->dim[i].min;
        extents[i] = r->dim[i].extent;
    }
}

typedef struct element_job {
    size_t size;
    hl_type type;
    unsigned char value[8];
    hl_value expected;
    int equal;
} element_job;

static int store_value(unsigned char *a, const unsigned char *unused, void *ud) {
    element_job *job = ud;
    memcpy(a, job->value, job->size);
    return 1;
}

static int compare_value(unsigned char *a, const unsigned char *unused, void *ud) {
    element_job *job = ud;
    job->equal = value_equal(decode_element(job->type, a), job->expected);
    return job->equal;
}

static int copy_value(unsigned char *a, const unsigned char *b, void *ud) {
    memcpy(a, b, ((element_job *)ud)->size);
    return 1;
}

hl_status hl_buffer_fill(hl_buffer *b, hl_value value) {
    api_check(b, "hl_buffer_fill: NULL buffer");
    element_job job = {.size = element_size(hl_buffer_type(b))};
    hl_status s = encode_element(hl_buffer_type(b), value, job.value);
    if (s == HL_OK) s = check_has_memory(b);
    if (s != HL_OK) return s;
    int32_t mins[HL_BUFFER_MAX_DIMENSIONS], extents[HL_BUFFER_MAX_DIMENSIONS];
    shape_of(&b->raw, mins, extents);
    for_each_in_region(b->raw.dimensions, mins, extents, &b->raw, NULL, store_value, &job);
    return HL_OK;
}

hl_status hl_buffer_all_equal(const hl_buffer *b, hl_value value, int *out) {
    api_check(b && out, "hl_buffer_all_equal: NULL argument");
    element_job job = {.size = element_size(hl_buffer_type(b)), .type = hl_buffer_type(b),
                       .equal = 1};
    hl_status s = encode_element(job.type, value, job.value);
    if (s == HL_OK) s = check_has_memory(b);
    if (s != HL_OK) return s;
    /* Compare against the value as stored, so that 0.1 equals a float32 buffer of 0.1. */
    job.expected = decode_element(job.type, job.value);
    int32_t mins[HL_BUFFER_MAX_DIMENSIONS], extents[HL_BUFFER_MAX_DIMENSIONS];
    shape_of(&b->raw, mins, extents);
    for_each_in_region(b->raw.dimensions, mins, extents, &b->raw, NULL, compare_value, &job);
    *out = job.equal;
    return HL_OK;
}

hl_status hl_buffer_copy_from(hl_buffer *dst, const hl_buffer *src) {
    api_check(dst && src, "hl_buffer_copy_from: NULL argument");
    char dst_type[48], src_type[48];
    if (!hl_type_equal(hl_buffer_type(dst), hl_buffer_type(src)))
        return fail(HL_ERROR_USER, "copy_from: Buffer %s has type %s but Buffer %s has type %s",
                    hl_buffer_name(dst), hl_type_name(hl_buffer_type(dst), dst_type, sizeof dst_type),
                    hl_buffer_name(src), hl_type_name(hl_buffer_type(src), src_type, sizeof src_type));
    if (dst->raw.dimensions != src->raw.dimensions)
        return fail(HL_ERROR_USER,
                    "copy_from: Buffer %s has %d dimensions but Buffer %s has %d",
                    hl_buffer_name(dst), dst->raw.dimensions, hl_buffer_name(src),
                    src->raw.dimensions);
    hl_status s = check_has_memory(dst);
    if (s == HL_OK) s = check_has_memory(src);
    if (s != HL_OK) return s;
    int32_t mins[HL_BUFFER_MAX_DIMENSIONS], extents[HL_BUFFER_MAX_DIMENSIONS];
    for (int i = 0; i < dst->raw.dimensions; i++) {
        const halide_dimension_t *a = &dst->raw.dim[i], *b = &src->raw.dim[i];
        int64_t lo = a->min > b->min ? a->min : b->min;
        int64_t hi_a = (int64_t)a->min + a->extent, hi_b = (int64_t)b->min + b->extent;
        int64_t hi = hi_a < hi_b ? hi_a : hi_b;
        mins[i] = (int32_t)lo;
        extents[i] = hi > lo ? (int32_t)(hi - lo) : 0;
    }
    element_job job = {.size = element_size(hl_buffer_type(dst))};
    for_each_in_region(dst->raw.dimensions, mins, extents, &dst->raw, &src->raw, copy_value, &job);
    return HL_OK;
}

hl_status hl_buffer_copy(const hl_buffer *b, hl_buffer **out) {
    api_check(b && out, "hl_buffer_copy: NULL argument");
    hl_status s = check_has_memory(b);
    hl_buffer *c = NULL;
    if (s == HL_OK) s = hl_buffer_new_with_shape_of(b, &c);
    if (s == HL_OK) s = hl_buffer_copy_from(c, b);
    if (s != HL_OK) {
        hl_buffer_release(c);
        return s;
    }
    *out = c;
    return HL_OK;
}
