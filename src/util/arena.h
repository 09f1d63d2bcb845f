/* arena.h - bump allocation for one compile.
 *
 * Everything a compile (lower + codegen) makes lives in one arena and is dropped with
 * it; nothing in an arena is freed on its own. Non-memory resources made during the
 * compile (LLVM contexts, modules, temp files) are registered with arena_on_drop and
 * released, newest first, when the arena is dropped - also when an error unwinds.
 * The arena itself never raises: it returns NULL when out of memory; ctx_alloc in
 * ctx.h turns that into a raised error.
 */
#ifndef HL_UTIL_ARENA_H
#define HL_UTIL_ARENA_H

#include <stddef.h>

typedef struct arena arena;

arena *arena_new(void);
/* Drops every block and runs every registered destructor, newest first. */
void arena_drop(arena *a);
/* 16-byte aligned, zeroed memory, or NULL when out of memory. */
void *arena_alloc(arena *a, size_t size);
/* Registers fn(data) to run when the arena is dropped. Returns 0, or -1 when out of memory
 * (in which case fn(data) has already been run). */
int arena_on_drop(arena *a, void (*fn)(void *), void *data);
/* Bytes handed out so far (for statistics and tests). */
size_t arena_bytes_used(const arena *a);

#endif
