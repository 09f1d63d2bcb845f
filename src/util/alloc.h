/* alloc.h - the one allocation layer of the core.
 *
 * Every heap allocation made by the core (front-end objects, arenas, buffers) goes
 * through these functions so that tests can make the Nth allocation fail
 * (hl_alloc_fail_at) and check that every error path cleans up.
 * They return NULL on failure; they never abort. Callers inside a compile use the
 * arena (arena.h), which turns a NULL into a raised error.
 */
#ifndef HL_UTIL_ALLOC_H
#define HL_UTIL_ALLOC_H

#include <stddef.h>

void *hl_malloc(size_t size);
void *hl_calloc(size_t count, size_t size);
void *hl_realloc(void *ptr, size_t size);
void hl_free(void *ptr);
char *hl_strdup(const char *s);

#endif
