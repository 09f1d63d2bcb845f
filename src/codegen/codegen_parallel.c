/* codegen_parallel.c - parallel loops: the body becomes a task for halide_do_par_for.
 *
 * A For with op IR_FOR_PARALLEL is outlined, as Halide does it, into an internal function
 *     int32_t <function>.par_for.<loop var>(void *user_context, int32_t idx, uint8_t *closure)
 * that runs one iteration. The closure is a struct, on the caller's stack, holding the value
 * of every free variable of the body (scalars, buffer host pointers, "b.buffer" handles,
 * let-bound values, outer loop variables): the caller packs it, the task unpacks it into a
 * fresh scope. The caller then calls halide_do_par_for(user_context, task, min, extent,
 * closure) and, when that returns non-zero, returns the code itself through
 * cg_return_error (which frees the heap allocations live at that point).
 *
 * Assumes: codegen.h's conventions; the loop variable is an integer of at most 32 bits
 * (the task ABI passes it as int32); every free variable of the body is bound in the
 * current scope (one that is not is left to the task's own codegen to report).
 *
 * Guarantees: the task has its own scope, entry block and list of live allocations, so
 * Allocates inside the body are freed on every path of the task, and a failed AssertStmt
 * in the body returns its code from the task (hence from halide_do_par_for, hence from the
 * pipeline). "__user_context" is the task's own parameter, not a closure field. Nested
 * parallel loops outline recursively, each capturing from its enclosing task. The call
 * always goes through the symbol halide_do_par_for, for the JIT and for objects alike, so
 * a program may override it.
 */
#include "codegen_internal.h"
#include "util/check.h"

#include <string.h>

/* ---- Free variables ------------------------------------------------------------------- */

typedef struct name_list {
    const char **names;
    int len, cap;
} name_list;

typedef struct free_vars {
    name_list bound; /* names bound between the loop body and the current node */
    name_list found; /* free names, in order of first use */
} free_vars;

static void push_name(hl_ctx *ctx, name_list *l, const char *name) {
    if (l->len == l->cap) {
        int cap = l->cap ? l->cap * 2 : 16;
        const char **grown = ctx_alloc(ctx, (size_t)cap * sizeof *grown);
        if (l->len) memcpy(grown, l->names, (size_t)l->len * sizeof *grown);
        l->names = grown;
        l->cap = cap;
    }
    l->names[l->len++] = name;
}

static bool has_name(const name_list *l, const char *name) {
    for (int i = l->len - 1; i >= 0; i--)
        if (!strcmp(l->names[i], name)) return true;
    return false;
}

static void use_name(ir_visitor *v, const char *name) {
    free_vars *fv = v->state;
    if (!has_name(&fv->bound, name) && !has_name(&fv->found, name))
        push_name(v->ctx, &fv->found, name);
}

/* Visits scope_body with `name` bound. */
static void visit_binding(ir_visitor *v, const char *name, const ir_node *scope_body) {
    free_vars *fv = v->state;
    push_name(v->ctx, &fv->bound, name);
    ir_visit(v, scope_body);
    fv->bound.len--;
}

static void visit_free(ir_visitor *v, const ir_node *n) {
    switch (n->kind) {
    case IR_Variable:
        use_name(v, n->name);
        return;
    case IR_Load:
    case IR_Store:
        use_name(v, n->name); /* the buffer's host pointer */
        break;
    case IR_Let:
    case IR_LetStmt:
        ir_visit(v, n->kids[0]);
        visit_binding(v, n->name, n->kids[1]);
        return;
    case IR_For:
        ir_visit(v, n->kids[0]);
        ir_visit(v, n->kids[1]);
        visit_binding(v, n->name, n->kids[2]);
        return;
    case IR_Allocate:
        for (int i = 1; i < n->nkids; i++) ir_visit(v, n->kids[i]);
        visit_binding(v, n->name, n->kids[0]);
        return;
    default:
        break;
    }
    ir_visit_kids(v, n);
}

/* The free names of the loop's body, without the loop variable and the user context. */
static name_list free_variables(cg_state *cg, const ir_node *loop) {
    free_vars fv = {{0}, {0}};
    push_name(cg->ctx, &fv.bound, loop->name);
    push_name(cg->ctx, &fv.bound, "__user_context");
    ir_visitor v = {cg->ctx, visit_free, &fv};
    ir_visit(&v, loop->kids[2]);
    return fv.found;
}

/* ---- The closure and the task ----------------------------------------------------------- */

typedef struct closure {
    const char **names;
    LLVMValueRef *values; /* in the caller */
    LLVMTypeRef *types;
    int len;
    LLVMTypeRef type; /* the struct of types */
} closure;

static closure make_closure(cg_state *cg, const ir_node *loop) {
    name_list free = free_variables(cg, loop);
    closure c = {0};
    size_t n = (size_t)free.len + 1;
    c.names = ctx_alloc(cg->ctx, n * sizeof *c.names);
    c.values = ctx_alloc(cg->ctx, n * sizeof *c.values);
    c.types = ctx_alloc(cg->ctx, n * sizeof *c.types);
    for (int i = 0; i < free.len; i++) {
        LLVMValueRef value = cg_scope_find(cg, free.names[i]);
        if (!value) continue;
        c.names[c.len] = free.names[i];
        c.values[c.len] = value;
        c.types[c.len] = LLVMTypeOf(value);
        c.len++;
    }
    c.type = LLVMStructTypeInContext(cg->llctx, c.types, (unsigned)c.len, 0);
    return c;
}

/* The code generator's per-function state, saved while a task is emitted. */
typedef struct function_state {
    LLVMValueRef function, user_context;
    LLVMBasicBlockRef entry, insert_block;
    cg_binding *scope;
    int scope_len, scope_cap;
    cg_live_alloc *allocs;
    int allocs_len, allocs_cap;
} function_state;

static function_state enter_function(cg_state *cg, LLVMValueRef fn) {
    function_state saved = {cg->function,   cg->user_context, cg->entry,
                            LLVMGetInsertBlock(cg->builder), cg->scope, cg->scope_len,
                            cg->scope_cap,  cg->allocs,       cg->allocs_len,
                            cg->allocs_cap};
    cg->function = fn;
    cg->entry = cg_new_block(cg, "entry");
    LLVMPositionBuilderAtEnd(cg->builder, cg->entry);
    cg->scope = NULL;
    cg->scope_len = cg->scope_cap = 0;
    cg->allocs = NULL;
    cg->allocs_len = cg->allocs_cap = 0;
    return saved;
}

static void leave_function(cg_state *cg, const function_state *saved) {
    cg->function = saved->function;
    cg->user_context = saved->user_context;
    cg->entry = saved->entry;
    cg->scope = saved->scope;
    cg->scope_len = saved->scope_len;
    cg->scope_cap = saved->scope_cap;
    cg->allocs = saved->allocs;
    cg->allocs_len = saved->allocs_len;
    cg->allocs_cap = saved->allocs_cap;
    LLVMPositionBuilderAtEnd(cg->builder, saved->insert_block);
}

static void name_value(LLVMValueRef v, const char *name) { LLVMSetValueName2(v, name, strlen(name)); }

/* Defines the task: unpacks the closure, binds the loop variable to idx, runs the body. */
static LLVMValueRef define_task(cg_state *cg, const ir_node *loop, const closure *c) {
    size_t len;
    const char *parent = LLVMGetValueName2(cg->function, &len);
    const char *name = ctx_printf(cg->ctx, "%s.par_for.%s", parent, loop->name);
    LLVMTypeRef params[3] = {cg->ptr, cg->i32, cg->ptr};
    LLVMValueRef fn = LLVMAddFunction(cg->module, name, LLVMFunctionType(cg->i32, params, 3, 0));
    LLVMSetLinkage(fn, LLVMInternalLinkage);
    cg_set_function_attrs(cg, fn);
    function_state saved = enter_function(cg, fn);

    LLVMValueRef uc = LLVMGetParam(fn, 0), idx = LLVMGetParam(fn, 1), data = LLVMGetParam(fn, 2);
    name_value(uc, "__user_context");
    name_value(idx, loop->name);
    name_value(data, "closure");
    cg->user_context = uc;
    cg_scope_push(cg, "__user_context", uc);
    for (int i = 0; i < c->len; i++) {
        LLVMValueRef field = LLVMBuildStructGEP2(cg->builder, c->type, data, (unsigned)i, "");
        LLVMValueRef v = LLVMBuildLoad2(cg->builder, c->types[i], field, c->names[i]);
        cg_scope_push(cg, c->names[i], v);
    }
    cg_scope_push(cg, loop->name, cg_convert(cg, idx, ir_int(32), loop->kids[0]->type));
    cg_stmt(cg, loop->kids[2]);
    LLVMBuildRet(cg->builder, LLVMConstInt(cg->i32, 0, 0));

    leave_function(cg, &saved);
    return fn;
}

void cg_parallel_for(cg_state *cg, const ir_node *loop) {
    LLVMBuilderRef B = cg->builder;
    hl_type i32 = ir_int(32), var_t = loop->kids[0]->type;
    internal_assert(cg->ctx, (ir_is_int(var_t) || ir_is_uint(var_t)) && var_t.bits <= 32,
                    "parallel loop %s over a %d-bit variable", loop->name, var_t.bits);
    LLVMValueRef min = cg_convert(cg, cg_expr(cg, loop->kids[0]), var_t, i32);
    LLVMValueRef extent = cg_convert(cg, cg_expr(cg, loop->kids[1]), loop->kids[1]->type, i32);

    closure c = make_closure(cg, loop);
    LLVMValueRef task = define_task(cg, loop, &c);
    LLVMValueRef data = LLVMConstNull(cg->ptr);
    if (c.len > 0) {
        data = cg_entry_alloca(cg, c.type, 0);
        for (int i = 0; i < c.len; i++)
            LLVMBuildStore(B, c.values[i], LLVMBuildStructGEP2(B, c.type, data, (unsigned)i, ""));
    }

    LLVMValueRef args[5] = {cg->user_context, task, min, extent, data};
    LLVMValueRef result = cg_call_c(cg, "halide_do_par_for", cg->i32, args, 5, false);
    LLVMBasicBlockRef failed = cg_new_block(cg, "par_for_failed");
    LLVMBasicBlockRef done = cg_new_block(cg, "par_for_done");
    LLVMBuildCondBr(B, LLVMBuildICmp(B, LLVMIntNE, result, LLVMConstInt(cg->i32, 0, 0), ""),
                    failed, done);
    LLVMPositionBuilderAtEnd(B, failed);
    cg_return_error(cg, result);
    LLVMPositionBuilderAtEnd(B, done);
}
