/* func.h - the front end's Func object (internal layout; the public API is halide_c.h).
 *
 * A Func holds its pure definition (argument names and one heap Expr per value) and the
 * cache of its compiled JIT pipeline. Funcs are reference counted; an Expr calling a Func
 * holds a reference to it (Call node's ref).
 */
#ifndef HL_LANG_FUNC_H
#define HL_LANG_FUNC_H

#include "ir/ir.h"

#include <pthread.h>

typedef struct jit_pipeline jit_pipeline;

struct hl_func {
    int32_t refs;
    char *name;
    int nargs;
    char **args;      /* pure argument names, outermost last */
    int nvalues;
    ir_node **values; /* heap Exprs, one per tuple element; NULL when undefined */
    pthread_mutex_t lock; /* guards jit */
    jit_pipeline *jit;    /* compiled pipeline cache, or NULL */
};

/* Every definition made anywhere bumps this; a cached pipeline compiled at an older
 * generation is re-lowered and kept only if its lowered statement is the same. */
unsigned long func_definition_generation(void);

#endif
