/* ir_persist.c - copying a tree built in an arena out to reference-counted heap nodes.
 *
 * The front end builds every new expression in a short-lived arena with the ordinary
 * constructors (so that raising never leaks), then persists the result: arena nodes are
 * copied to the heap bottom-up; heap nodes met on the way are shared with one more
 * reference. Persisting does not raise: it returns NULL when out of memory, having
 * released what it made.
 */
#include "ir.h"
#include "util/alloc.h"

#include <string.h>

static ir_node *persist(const ir_node *n, int depth) {
    if (!n) return NULL;
    if (n->refs != IR_IMMORTAL) {
        ir_node *shared = (ir_node *)n;
        ir_retain(shared);
        return shared;
    }
    if (depth > CTX_MAX_DEPTH) return NULL;
    size_t base = sizeof(ir_node) + (size_t)n->nkids * sizeof(ir_node *);
    size_t name_len = n->name ? strlen(n->name) + 1 : 0;
    ir_node *c = hl_malloc(base + name_len);
    if (!c) return NULL;
    memcpy(c, n, sizeof(ir_node));
    c->refs = 1;
    c->ref_kind = IR_REF_NONE;
    c->ref = NULL;
    c->indices = NULL;
    c->nkids = 0;
    if (n->name) {
        memcpy((char *)c + base, n->name, name_len);
        c->name = (char *)c + base;
    }
    for (int i = 0; i < n->nkids; i++) {
        c->kids[i] = NULL;
        if (n->kids[i]) {
            c->kids[i] = persist(n->kids[i], depth + 1);
            if (!c->kids[i]) {
                c->nkids = (uint16_t)i;
                ir_release(c);
                return NULL;
            }
        }
        c->nkids = (uint16_t)(i + 1);
    }
    ir_set_ref(c, (ir_ref_kind)n->ref_kind, n->ref);
    return c;
}

ir_node *ir_persist(const ir_node *n) { return persist(n, 0); }
