/* posix_allocator.c - halide_malloc and halide_free on the C library (posix_memalign and
 * free; on Windows, which has no posix_memalign, _aligned_malloc and _aligned_free).
 *
 * Guarantees: halide_malloc returns 64-byte aligned memory with at least 64 bytes of
 * slack past the requested size (vector code may read, never write, a little past the
 * end), a valid pointer for size 0, and NULL (never an abort) when the request cannot be
 * met, including sizes so large that the padding would overflow. halide_free(NULL) is a
 * no-op.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, posix_memalign */
#include "runtime_internal.h"

#include <stdint.h>
#include <stdlib.h>

enum { ALIGNMENT = 64, SLACK = 64 };

void *halide_default_malloc(void *user_context, size_t size) {
    (void)user_context;
    if (size > SIZE_MAX - 2 * ALIGNMENT) return NULL;
    size_t rounded = (size + SLACK + ALIGNMENT - 1) & ~(size_t)(ALIGNMENT - 1);
#if defined(_WIN32)
    return _aligned_malloc(rounded, ALIGNMENT);
#else
    void *p = NULL;
    if (posix_memalign(&p, ALIGNMENT, rounded) != 0) return NULL;
    return p;
#endif
}

void halide_default_free(void *user_context, void *ptr) {
    (void)user_context;
#if defined(_WIN32)
    _aligned_free(ptr);
#else
    free(ptr);
#endif
}

__attribute__((weak)) void *halide_malloc(void *user_context, size_t size) {
    return halide_default_malloc(user_context, size);
}

__attribute__((weak)) void halide_free(void *user_context, void *ptr) {
    halide_default_free(user_context, ptr);
}
