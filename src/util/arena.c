/* arena.c - chunked bump allocator with a destructor list.
 *
 * Blocks grow geometrically from 64 KiB; a request larger than a block gets a block of
 * its own. Memory is zeroed, so node constructors can rely on zero-initialised fields.
 */
#include "arena.h"
#include "alloc.h"

#include <stdint.h>
#include <string.h>

typedef struct arena_block {
    struct arena_block *prev;
    size_t size, used;
    _Alignas(16) unsigned char data[];
} arena_block;

typedef struct arena_destructor {
    struct arena_destructor *prev;
    void (*fn)(void *);
    void *data;
} arena_destructor;

struct arena {
    arena_block *head;
    arena_destructor *destructors;
    size_t total;
};

arena *arena_new(void) { return hl_calloc(1, sizeof(arena)); }

void arena_drop(arena *a) {
    if (!a) return;
    for (arena_destructor *d = a->destructors; d; d = d->prev) d->fn(d->data);
    arena_block *b = a->head;
    while (b) {
        arena_block *prev = b->prev;
        hl_free(b);
        b = prev;
    }
    hl_free(a);
}

void *arena_alloc(arena *a, size_t size) {
    size = (size + 15) & ~(size_t)15;
    arena_block *b = a->head;
    if (!b || b->size - b->used < size) {
        size_t want = b ? b->size * 2 : 64 * 1024;
        if (want > 8u << 20) want = 8u << 20;
        if (want < size) want = size;
        arena_block *nb = hl_malloc(sizeof(arena_block) + want);
        if (!nb) return NULL;
        nb->prev = b;
        nb->size = want;
        nb->used = 0;
        a->head = b = nb;
    }
    void *p = b->data + b->used;
    b->used += size;
    a->total += size;
    memset(p, 0, size);
    return p;
}

int arena_on_drop(arena *a, void (*fn)(void *), void *data) {
    arena_destructor *d = arena_alloc(a, sizeof *d);
    if (!d) {
        fn(data);
        return -1;
    }
    d->fn = fn;
    d->data = data;
    d->prev = a->destructors;
    a->destructors = d;
    return 0;
}

size_t arena_bytes_used(const arena *a) { return a->total; }
