/* ir_equal.c - structural equality, hashing and a total order over IR nodes.
 *
 * Two nodes are equal when their kind, type, scalar fields, name, ref and kids are equal.
 * Written once for every kind thanks to the uniform node layout (ir.h). Recursion depth
 * is bounded by the depth of the trees, which constructors of the front end cap
 * indirectly (ctx_enter in every walker that builds them).
 */
#include "ir.h"

#include <string.h>

static int cmp_scalar(const ir_node *a, const ir_node *b) {
    if (a->kind != b->kind) return a->kind < b->kind ? -1 : 1;
    if (a->type.code != b->type.code) return a->type.code < b->type.code ? -1 : 1;
    if (a->type.bits != b->type.bits) return a->type.bits < b->type.bits ? -1 : 1;
    if (a->type.lanes != b->type.lanes) return a->type.lanes < b->type.lanes ? -1 : 1;
    if (a->op != b->op) return a->op < b->op ? -1 : 1;
    if (a->op2 != b->op2) return a->op2 < b->op2 ? -1 : 1;
    if (a->kind == IR_FloatImm) {
        if (a->imm.f != b->imm.f) return a->imm.f < b->imm.f ? -1 : 1;
    } else if (a->imm.u != b->imm.u) {
        if (a->kind == IR_IntImm) return a->imm.i < b->imm.i ? -1 : 1;
        return a->imm.u < b->imm.u ? -1 : 1;
    }
    if (a->name != b->name) {
        if (!a->name || !b->name) return a->name ? 1 : -1;
        int c = strcmp(a->name, b->name);
        if (c) return c < 0 ? -1 : 1;
    }
    if (a->ref != b->ref) return (uintptr_t)a->ref < (uintptr_t)b->ref ? -1 : 1;
    if (a->nkids != b->nkids) return a->nkids < b->nkids ? -1 : 1;
    if (a->indices != b->indices) {
        if (!a->indices || !b->indices) return a->indices ? 1 : -1;
        int c = memcmp(a->indices, b->indices, sizeof(int32_t) * a->type.lanes);
        if (c) return c < 0 ? -1 : 1;
    }
    return 0;
}

int ir_compare(const ir_node *a, const ir_node *b) {
    if (a == b) return 0;
    if (!a || !b) return a ? 1 : -1;
    int c = cmp_scalar(a, b);
    if (c) return c;
    for (int i = 0; i < a->nkids; i++) {
        c = ir_compare(a->kids[i], b->kids[i]);
        if (c) return c;
    }
    return 0;
}

bool ir_equal(const ir_node *a, const ir_node *b) { return ir_compare(a, b) == 0; }

static uint64_t mix(uint64_t h, uint64_t v) {
    h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    return h;
}

uint64_t ir_hash(const ir_node *n) {
    if (!n) return 0x51ed27;
    uint64_t h = mix(n->kind, (uint64_t)n->type.code << 24 | (uint64_t)n->type.bits << 16 |
                                  n->type.lanes);
    h = mix(h, (uint64_t)(uint32_t)n->op << 32 | (uint32_t)n->op2);
    h = mix(h, n->imm.u);
    if (n->name)
        for (const char *p = n->name; *p; p++) h = mix(h, (unsigned char)*p);
    h = mix(h, (uint64_t)(uintptr_t)n->ref);
    for (int i = 0; i < n->nkids; i++) h = mix(h, ir_hash(n->kids[i]));
    return h;
}

int hl_expr_equal(const hl_expr *a, const hl_expr *b) { return ir_equal(a, b); }
uint64_t hl_expr_hash(const hl_expr *e) { return ir_hash(e); }
