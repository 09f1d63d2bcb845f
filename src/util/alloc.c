/* alloc.c - the allocation layer, with fault injection for tests.
 *
 * The fault-injection counter is process-wide on purpose: it is a test hook
 * (hl_alloc_fail_at in halide_c.h), used by single-threaded fault tests only.
 * With the hook off (the default) each call is one relaxed atomic load and the
 * libc call.
 */
#include "alloc.h"
#include "halide_c.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* Allocations left before the injected failure; negative means "never fail". */
static _Atomic long allocations_until_failure = -1;
static _Atomic long allocations_counted = 0;

void hl_alloc_fail_at(long n) {
    atomic_store(&allocations_counted, 0);
    atomic_store(&allocations_until_failure, n <= 0 ? -1 : n);
}

long hl_alloc_count(void) { return atomic_load(&allocations_counted); }

static int injected_failure(void) {
    if (atomic_load_explicit(&allocations_until_failure, memory_order_relaxed) < 0) return 0;
    atomic_fetch_add(&allocations_counted, 1);
    return atomic_fetch_sub(&allocations_until_failure, 1) == 1;
}

void *hl_malloc(size_t size) {
    if (injected_failure()) return NULL;
    return malloc(size ? size : 1);
}

void *hl_calloc(size_t count, size_t size) {
    if (injected_failure()) return NULL;
    return calloc(count ? count : 1, size ? size : 1);
}

void *hl_realloc(void *ptr, size_t size) {
    if (injected_failure()) return NULL;
    return realloc(ptr, size ? size : 1);
}

void hl_free(void *ptr) { free(ptr); }

char *hl_strdup(const char *s) {
    size_t n = strlen(s) + 1;
    char *copy = hl_malloc(n);
    if (copy) memcpy(copy, s, n);
    return copy;
}
