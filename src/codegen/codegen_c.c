/* codegen_c.c - the c_source output: a lowered pipeline as one self-contained C file.
 *
 * What: the file defines what the object of the same compile defines (codegen_aot.c):
 *     int name(args...)        the header's prototype (codegen_header.c); NULL buffer
 *                              arguments are reported first, as the object's wrapper does
 *     int name_argv(void **args)
 *     const halide_filter_metadata_t *name_metadata(void)   the object's metadata
 * It declares the runtime types (under the guard the header and halide_runtime.h share), the
 * runtime functions it calls, and the helpers of codegen_c_prelude.c. The runtime is not in
 * the file: a program links it separately (compile_standalone_runtime), as with Halide.
 *
 * How: this file holds the writer's state and output helpers, the statements and the file
 * itself; codegen_c_expr.c writes expressions (codegen_c_internal.h lists what they share).
 * Every IR name bound gets a fresh C name (v_<name>_<n>), so shadowing needs no care; a
 * binding nothing reads is marked used with (void). Parallel loops become static task
 * functions; a task's closure struct holds the enclosing names its body reads, captured
 * when the body first reads them, and halide_do_par_for runs it. Heap allocations
 * (halide_malloc) are freed at the end of their scope, by Free, and before every early
 * return: a failed assertion, malloc or task. Constant-size allocations up to 16 KiB are
 * arrays on the stack, as in codegen_stmt.c. An atomic() update's store is a
 * compare-and-swap loop on the GCC/clang __atomic builtins.
 *
 * Assumes: the statement was lowered with lower_state.serial_vectors, so it has no vector
 * types (a vector expression or a float16/bfloat16 scalar argument is a user error naming
 * what is not supported); codegen.h's conventions otherwise.
 * Guarantees: the file compiles as C11 and as C++11 with -Wall -Wextra -Werror under gcc
 * and clang; results equal the object's bit for bit (math functions are the C library's
 * for both); a write failure is a raise, and nothing is written when the compile fails.
 */
#include "codegen_c_internal.h"
#include "codegen_c_prelude.h"
#include "util/check.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- Output ------------------------------------------------------------------------------ */

static void free_strbuf(void *sb) {
    strbuf_free(sb);
}

static strbuf *new_strbuf(hl_ctx *ctx) {
    strbuf *sb = ctx_alloc(ctx, sizeof *sb);
    strbuf_init(sb);
    if (arena_on_drop(ctx->arena, free_strbuf, sb) != 0)
        ctx_raise(ctx, HL_ERROR_NOMEM, "Out of memory");
    return sb;
}

/* The text of sb ("" when empty); raises if an append failed. */
static const char *text_of(hl_ctx *ctx, const strbuf *sb) {
    if (sb->failed) ctx_raise(ctx, HL_ERROR_NOMEM, "Out of memory (writing C source)");
    return sb->data ? sb->data : "";
}

static const char *vformat(hl_ctx *ctx, const char *fmt, va_list ap) {
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    char *s = ctx_alloc(ctx, (size_t)n + 1);
    vsnprintf(s, (size_t)n + 1, fmt, again);
    va_end(again);
    return s;
}

/* One line of the current function's body, at its indentation. */
void cw_line(cw_writer *w, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    const char *s = vformat(w->ctx, fmt, ap);
    va_end(ap);
    for (int i = 0; i < w->fn->indent; i++)
        strbuf_append(w->fn->out, "    ");
    strbuf_append(w->fn->out, s);
    strbuf_append(w->fn->out, "\n");
}

/* ---- Names, types, constants ---------------------------------------------------------- */

/* text with every character other than a letter or digit replaced by '_'. */
static const char *identifier(cw_writer *w, const char *text) {
    char *s = FMT("%s", text);
    for (char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
            *p = '_';
    return s;
}

/* A fresh C name for IR name: prefix + the name as an identifier + "_" + a number no
 * other name has (the number ends every such name, so the result is unique). */
static const char *fresh(cw_writer *w, const char *prefix, const char *name) {
    return identifier(w, FMT("%s%s_%d", prefix, name, ++w->counter));
}

const char *cw_type_text(cw_writer *w, hl_type t) {
    char buf[48];
    return FMT("%s", hl_type_name(t, buf, sizeof buf));
}

/* The C type holding a value of t (float16/bfloat16 values live in a float). */
const char *cw_ctype(cw_writer *w, hl_type t) {
    user_assert(w->ctx, t.lanes == 1,
                "The C source output (compile_to_c) does not support vector types (%s) yet",
                cw_type_text(w, t));
    if (ir_is_bool(t)) return "bool";
    switch (t.code) {
    case halide_type_int:
    case halide_type_uint:
        if (t.bits == 8 || t.bits == 16 || t.bits == 32 || t.bits == 64)
            return FMT("%sint%d_t", t.code == halide_type_uint ? "u" : "", t.bits);
        break;
    case halide_type_float:
        if (t.bits == 32 || t.bits == 16) return "float";
        if (t.bits == 64) return "double";
        break;
    case halide_type_bfloat:
        if (t.bits == 16) return "float";
        break;
    case halide_type_handle:
        return "void *";
    default:
        break;
    }
    user_error(w->ctx, "The C source output (compile_to_c) does not support the type %s",
               cw_type_text(w, t));
}

/* The C type of t in memory: bools as bytes, 16-bit floats as their bits. */
const char *cw_storage_ctype(cw_writer *w, hl_type t) {
    if (ir_is_bool(t)) return "uint8_t";
    if (cw_is_small_float(t)) return "uint16_t";
    return cw_ctype(w, t);
}

/* "T name" (no space after a pointer's '*'). */
const char *cw_declaration(cw_writer *w, const char *T, const char *name) {
    return FMT("%s%s%s", T, T[strlen(T) - 1] == '*' ? "" : " ", name);
}

/* Declares a temporary of type t holding value; returns its name. */
const char *cw_temp(cw_writer *w, hl_type t, const char *value) {
    const char *name = FMT("t%d", ++w->counter);
    cw_line(w, "%s = %s;", cw_declaration(w, cw_ctype(w, t), name), value);
    return name;
}

/* The unsigned C type of t's width. */
const char *cw_unsigned_ctype(cw_writer *w, hl_type t) {
    return FMT("uint%d_t", t.bits);
}

/* A C string literal of s (octal escapes, so that no following character joins them; '?'
 * escaped against trigraphs). */
const char *cw_c_string(cw_writer *w, const char *s) {
    char *text = ctx_alloc(w->ctx, 4 * strlen(s) + 3), *q = text;
    *q++ = '"';
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\' || *p == '?')
            q += sprintf(q, "\\%c", *p);
        else if (*p < 32 || *p >= 127)
            q += sprintf(q, "\\%03o", *p);
        else
            *q++ = (char)*p;
    }
    *q++ = '"';
    *q = 0;
    return text;
}

/* ---- Scope -------------------------------------------------------------------------------- */

static void push_binding(cw_function *f, hl_ctx *ctx, int at, cw_binding b) {
    if (f->scope_len == f->scope_cap) {
        int cap = f->scope_cap ? f->scope_cap * 2 : 32;
        cw_binding *grown = ctx_alloc(ctx, (size_t)cap * sizeof *grown);
        if (f->scope_len) memcpy(grown, f->scope, (size_t)f->scope_len * sizeof *grown);
        f->scope = grown;
        f->scope_cap = cap;
    }
    memmove(&f->scope[at + 1], &f->scope[at], (size_t)(f->scope_len - at) * sizeof *f->scope);
    f->scope[at] = b;
    f->scope_len++;
}

/* Binds IR name to a fresh C variable of ctype; returns the C name. */
const char *cw_bind(cw_writer *w, const char *name, const char *ctype_text) {
    const char *cname = fresh(w, "v_", name);
    push_binding(w->fn, w->ctx, w->fn->scope_len, (cw_binding){name, cname, ctype_text, 0});
    return cname;
}

/* Ends the newest binding; a C variable nothing read is marked used. */
void cw_unbind(cw_writer *w) {
    cw_function *f = w->fn;
    internal_assert(w->ctx, f->scope_len > 0, "scope underflow");
    cw_binding *b = &f->scope[--f->scope_len];
    if (b->uses == 0) cw_line(w, "(void)%s;", b->cname);
}

static void add_field(cw_function *f, hl_ctx *ctx, const char *value, const char *type) {
    if (f->nfields == f->fields_cap) {
        int cap = f->fields_cap ? f->fields_cap * 2 : 8;
        const char **values = ctx_alloc(ctx, (size_t)cap * sizeof *values);
        const char **types = ctx_alloc(ctx, (size_t)cap * sizeof *types);
        if (f->nfields) {
            memcpy(values, f->field_values, (size_t)f->nfields * sizeof *values);
            memcpy(types, f->field_types, (size_t)f->nfields * sizeof *types);
        }
        f->field_values = values;
        f->field_types = types;
        f->fields_cap = cap;
    }
    f->field_values[f->nfields] = value;
    f->field_types[f->nfields] = type;
    f->nfields++;
}

/* The binding of name visible in f. A task that finds it in an enclosing function
 * captures it: a closure field packed from the enclosing C variable, unpacked into a local
 * of the task that is bound below everything else of the task. */
static cw_binding *find(cw_writer *w, cw_function *f, const char *name) {
    for (int i = f->scope_len - 1; i >= 0; i--)
        if (!strcmp(f->scope[i].name, name)) return &f->scope[i];
    if (!f->parent) return NULL;
    cw_binding *outer = find(w, f->parent, name);
    if (!outer) return NULL;
    outer->uses++;
    const char *cname = fresh(w, "v_", name);
    add_field(f, w->ctx, outer->cname, outer->ctype);
    strbuf_printf(f->unpack, "    %s = closure_fields->f%d;\n",
                  cw_declaration(w, outer->ctype, cname), f->nfields - 1);
    push_binding(f, w->ctx, 0, (cw_binding){name, cname, outer->ctype, 0});
    return &f->scope[0];
}

/* The C variable of a name the code reads. */
const char *cw_use(cw_writer *w, const char *name) {
    cw_binding *b = find(w, w->fn, name);
    internal_assert(w->ctx, b, "C source: symbol \"%s\" is not in scope", name);
    b->uses++;
    return b->cname;
}

/* ---- Statements ------------------------------------------------------------------------------ */

static void stmt(cw_writer *w, const ir_node *s);

/* Returns code from the current function after freeing its live heap allocations. */
static void return_error(cw_writer *w, const char *code) {
    for (int i = w->fn->heap_len - 1; i >= 0; i--)
        cw_line(w, "if (%s) halide_free(%s, %s);", w->fn->heap[i], cw_use(w, "__user_context"),
                w->fn->heap[i]);
    cw_line(w, "return %s;", code);
}

/* A statement in braces. */
static void block(cw_writer *w, const ir_node *s) {
    w->fn->indent++;
    stmt(w, s);
    w->fn->indent--;
    cw_line(w, "}");
}

/* The Load of a Store's own element, in an atomic update's value. */
static ir_node *replace_old(ir_mutator *m, ir_node *n) {
    const ir_node *s = m->state;
    if (n->kind == IR_Load && !strcmp(n->name, s->name) && ir_equal(n->kids[0], s->kids[1]))
        return ir_var(m->ctx, n->type, "atomic.old");
    return ir_mutate_kids(m, n);
}

/* An atomic() update's store (op set): a compare-and-swap loop (GCC/clang __atomic builtins,
 * which work on plain objects of any size) recomputing the value from the element's current
 * contents until no other thread changed it in between. */
static void atomic_store(cw_writer *w, const ir_node *s) {
    hl_type t = s->kids[0]->type;
    const char *T = cw_storage_ctype(w, t), *index = cw_expr(w, s->kids[1]);
    const ir_node *pred = s->kids[2];
    const char *p = FMT("t%d", ++w->counter), *old = FMT("t%d", ++w->counter), *nw = FMT("t%d", ++w->counter);
    cw_line(w, "{");
    w->fn->indent++;
    if (pred && !ir_is_one(pred)) cw_line(w, "if (%s) {", cw_expr(w, pred));
    cw_line(w, "%s *%s = &((%s *)%s)[%s];", T, p, T, cw_use(w, s->name), index);
    cw_line(w, "%s %s, %s;", T, old, nw);
    cw_line(w, "__atomic_load(%s, &%s, __ATOMIC_RELAXED);", p, old);
    cw_line(w, "do {");
    w->fn->indent++;
    ir_mutator m = {w->ctx, replace_old, (void *)s};
    ir_node *value = ir_mutate(&m, s->kids[0]);
    const char *C = cw_ctype(w, t);
    const char *current = cw_is_small_float(t) ? FMT("hl_from_%s(%s)", cw_small_float_name(t), old) : old;
    cw_line(w, "%s = %s;", cw_declaration(w, C, cw_bind(w, "atomic.old", C)), current);
    const char *v = cw_expr(w, value);
    cw_line(w, "%s = %s;", nw,
            ir_is_bool(t) ? FMT("(uint8_t)%s", v)
            : cw_is_small_float(t) ? FMT("hl_to_%s(%s)", cw_small_float_name(t), v)
                                   : v);
    cw_unbind(w);
    w->fn->indent--;
    cw_line(w, "} while (!__atomic_compare_exchange(%s, &%s, &%s, 0, __ATOMIC_RELAXED, __ATOMIC_RELAXED));", p,
            old, nw);
    if (pred && !ir_is_one(pred)) cw_line(w, "}");
    w->fn->indent--;
    cw_line(w, "}");
}

static void store(cw_writer *w, const ir_node *s) {
    if (s->op) {
        atomic_store(w, s);
        return;
    }
    hl_type t = s->kids[0]->type;
    const char *value = cw_expr(w, s->kids[0]), *index = cw_expr(w, s->kids[1]);
    if (ir_is_bool(t))
        value = FMT("(uint8_t)%s", value);
    else if (cw_is_small_float(t))
        value = FMT("hl_to_%s(%s)", cw_small_float_name(t), value);
    const char *target = FMT("((%s *)%s)[%s]", cw_storage_ctype(w, t), cw_use(w, s->name), index);
    const ir_node *pred = s->kids[2];
    if (pred && !ir_is_one(pred))
        cw_line(w, "if (%s) %s = %s;", cw_expr(w, pred), target, value);
    else
        cw_line(w, "%s = %s;", target, value);
}

/* Constant-size allocations up to this many bytes live on the stack (codegen_stmt.c). */
#define STACK_ALLOCATION_LIMIT (16 * 1024)

static int64_t elem_bytes(hl_type t) {
    return ir_is_bool(t) ? 1 : (t.bits + 7) / 8;
}

static bool constant_size(const ir_node *s, int64_t *count) {
    int64_t total = 1;
    for (int i = 2; i < s->nkids; i++) {
        int64_t e;
        if (!ir_const_int(s->kids[i], &e) || e < 0 || e > STACK_ALLOCATION_LIMIT) return false;
        total *= e;
        if (total * elem_bytes(s->type) > STACK_ALLOCATION_LIMIT) return false;
    }
    *count = total;
    return true;
}

static void allocate(cw_writer *w, const ir_node *s) {
    cw_function *f = w->fn;
    int64_t count;
    const ir_node *condition = s->kids[1];
    const char *T = cw_storage_ctype(w, s->type);
    if (constant_size(s, &count) && (!condition || ir_is_one(condition))) {
        const char *array = fresh(w, "a_", s->name);
        cw_line(w, "%s %s[%lld];", T, array, (long long)(count ? count : 1));
        cw_line(w, "void *%s = %s;", cw_bind(w, s->name, "void *"), array);
        stmt(w, s->kids[0]);
        cw_unbind(w);
        return;
    }
    /* On the heap: halide_malloc, with the size checked for overflow (codegen_stmt.c). */
    const char *size = cw_temp(w, ir_int(64), FMT("INT64_C(%lld)", (long long)elem_bytes(s->type)));
    for (int i = 2; i < s->nkids; i++)
        cw_line(w, "%s = hl_size_mul(%s, (int64_t)%s);", size, size, cw_expr(w, s->kids[i]));
    const char *wanted =
        condition && !ir_is_one(condition) ? FMT("%s && ", cw_expr(w, condition)) : "";
    const char *uc = cw_use(w, "__user_context");
    const char *ptr = cw_bind(w, s->name, "void *");
    cw_line(w, "void *%s = halide_malloc(%s, (size_t)(%s%s > 0 ? %s : 0));", ptr, uc, wanted, size,
            size);
    if (f->heap_len == f->heap_cap) {
        int cap = f->heap_cap ? f->heap_cap * 2 : 8;
        const char **grown = ctx_alloc(w->ctx, (size_t)cap * sizeof *grown);
        if (f->heap_len) memcpy(grown, f->heap, (size_t)f->heap_len * sizeof *grown);
        f->heap = grown;
        f->heap_cap = cap;
    }
    f->heap[f->heap_len++] = ptr;
    cw_line(w, "if (%s(%s < 0 || (%s > 0 && %s == NULL))) {", wanted, size, size, ptr);
    w->fn->indent++;
    return_error(w, FMT("halide_error_out_of_memory(%s)", uc));
    w->fn->indent--;
    cw_line(w, "}");
    stmt(w, s->kids[0]);
    f->heap_len--;
    cw_line(w, "if (%s) halide_free(%s, %s);", ptr, uc, ptr);
    cw_unbind(w);
}

static void free_buffer(cw_writer *w, const ir_node *s) {
    cw_function *f = w->fn;
    const char *cname = NULL;
    for (int i = f->scope_len - 1; i >= 0 && !cname; i--)
        if (!strcmp(f->scope[i].name, s->name)) cname = f->scope[i].cname;
    for (int i = f->heap_len - 1; i >= 0; i--) {
        if (!cname || strcmp(f->heap[i], cname)) continue;
        cw_line(w, "if (%s) halide_free(%s, %s);", cname, cw_use(w, "__user_context"), cname);
        cw_line(w, "%s = NULL;", cname);
        return;
    }
    /* A stack allocation, or one of an enclosing function: nothing to do. */
}

static void serial_for(cw_writer *w, const ir_node *s) {
    hl_type t = s->kids[0]->type;
    const char *min = cw_expr(w, s->kids[0]);
    const char *extent = cw_convert(w, cw_expr(w, s->kids[1]), s->kids[1]->type, t);
    const char *end = FMT("t%d", ++w->counter), *T = cw_ctype(w, t);
    const char *var = cw_bind(w, s->name, T);
    cw_line(w, "for (%s %s = %s, %s = %s; %s < %s; %s++) {", T, var, min, end,
            cw_arith(w, IR_Add, t, min, extent), var, end, var);
    w->fn->scope[w->fn->scope_len - 1].uses++; /* the loop reads it */
    block(w, s->kids[2]);
    cw_unbind(w);
}

/* A parallel loop: the body becomes a task for halide_do_par_for (codegen_parallel.c's ABI:
 * int task(void *user_context, int idx, uint8_t *closure)); a failure returns its code. */
static void parallel_for(cw_writer *w, const ir_node *loop) {
    hl_type i32 = ir_int(32), var_t = loop->kids[0]->type;
    internal_assert(w->ctx, (ir_is_int(var_t) || ir_is_uint(var_t)) && var_t.bits <= 32,
                    "parallel loop %s over a %d-bit variable", loop->name, var_t.bits);
    const char *min = cw_converted(w, cw_expr(w, loop->kids[0]), var_t, i32);
    const char *extent = cw_converted(w, cw_expr(w, loop->kids[1]), loop->kids[1]->type, i32);
    const char *task_name = fresh(w, FMT("%s_par_for_", w->fn_name), loop->name);
    const char *closure_name = FMT("%s_closure", task_name);

    cw_function task = {
        .parent = w->fn, .out = new_strbuf(w->ctx), .indent = 1, .unpack = new_strbuf(w->ctx)};
    w->fn = &task;
    push_binding(&task, w->ctx, 0, (cw_binding){"__user_context", "user_context", "void *", 1});
    const char *var = cw_bind(w, loop->name, cw_ctype(w, var_t));
    cw_line(w, "%s = %s;", cw_declaration(w, cw_ctype(w, var_t), var),
            cw_convert(w, "idx", i32, var_t));
    stmt(w, loop->kids[2]);
    cw_unbind(w);
    cw_line(w, "return 0;");
    w->fn = task.parent;

    strbuf *out = w->tasks;
    if (task.nfields) {
        strbuf_printf(out, "struct %s {\n", closure_name);
        for (int i = 0; i < task.nfields; i++)
            strbuf_printf(out, "    %s;\n", cw_declaration(w, task.field_types[i], FMT("f%d", i)));
        strbuf_printf(out, "};\n\n");
    }
    strbuf_printf(out, "static int %s(void *user_context, int idx, uint8_t *closure) {\n",
                  task_name);
    strbuf_printf(out, "    (void)user_context;\n    (void)closure;\n");
    if (task.nfields)
        strbuf_printf(out, "    const struct %s *closure_fields = (const struct %s *)closure;\n",
                      closure_name, closure_name);
    strbuf_append(out, text_of(w->ctx, task.unpack));
    strbuf_append(out, text_of(w->ctx, task.out));
    strbuf_printf(out, "}\n\n");

    const char *data = "NULL";
    if (task.nfields) {
        const char *c = FMT("t%d", ++w->counter);
        cw_line(w, "struct %s %s;", closure_name, c);
        for (int i = 0; i < task.nfields; i++)
            cw_line(w, "%s.f%d = %s;", c, i, task.field_values[i]);
        data = FMT("(uint8_t *)&%s", c);
    }
    const char *result = cw_temp(w, i32,
                                 FMT("halide_do_par_for(%s, %s, %s, %s, %s)",
                                     cw_use(w, "__user_context"), task_name, min, extent, data));
    cw_line(w, "if (%s != 0) {", result);
    w->fn->indent++;
    return_error(w, result);
    w->fn->indent--;
    cw_line(w, "}");
}

static void assert_stmt(cw_writer *w, const ir_node *s) {
    cw_line(w, "if (!%s) {", cw_expr(w, s->kids[0]));
    w->fn->indent++;
    const ir_node *msg = s->kids[1];
    const char *code;
    if (msg && ir_is_handle(msg->type))
        code =
            cw_temp(w, ir_int(32),
                    FMT("halide_error_explicit_condition_failed(%s, (const char *)%s)",
                        cw_use(w, "__user_context"),
                        msg->kind == IR_StringImm ? cw_c_string(w, msg->name) : cw_expr(w, msg)));
    else if (msg)
        code = cw_converted(w, cw_expr(w, msg), msg->type, ir_int(32));
    else
        code = FMT("%lld", (long long)(s->imm.i ? s->imm.i : -1));
    return_error(w, code);
    w->fn->indent--;
    cw_line(w, "}");
}

static void stmt_kind(cw_writer *w, const ir_node *s) {
    switch ((ir_kind)s->kind) {
    case IR_LetStmt: {
        const char *value = cw_expr(w, s->kids[0]), *T = cw_ctype(w, s->kids[0]->type);
        cw_line(w, "%s = %s;", cw_declaration(w, T, cw_bind(w, s->name, T)), value);
        stmt(w, s->kids[1]);
        cw_unbind(w);
        return;
    }
    case IR_AssertStmt:
        assert_stmt(w, s);
        return;
    case IR_ProducerConsumer:
        cw_line(w, "// %s %s", s->op ? "produce" : "consume", identifier(w, s->name));
        stmt(w, s->kids[0]);
        return;
    case IR_For:
        if (s->op == IR_FOR_PARALLEL)
            parallel_for(w, s);
        else
            serial_for(w, s);
        return;
    case IR_Store:
        store(w, s);
        return;
    case IR_Allocate:
        allocate(w, s);
        return;
    case IR_Free:
        free_buffer(w, s);
        return;
    case IR_Block:
        /* Iterate down the right spine: long blocks do not recurse. */
        while (s->kind == IR_Block) {
            stmt(w, s->kids[0]);
            s = s->kids[1];
        }
        stmt(w, s);
        return;
    case IR_IfThenElse:
        cw_line(w, "if (%s) {", cw_expr(w, s->kids[0]));
        w->fn->indent++;
        stmt(w, s->kids[1]);
        w->fn->indent--;
        if (s->kids[2]) {
            cw_line(w, "} else {");
            block(w, s->kids[2]);
        } else {
            cw_line(w, "}");
        }
        return;
    case IR_Evaluate:
        cw_line(w, "(void)%s;", cw_expr(w, s->kids[0]));
        return;
    case IR_Provide:
    case IR_Realize:
        internal_error(w->ctx, "C source: %s %s was not lowered", ir_kind_name((ir_kind)s->kind),
                       s->name ? s->name : "");
    case IR_IntImm:
    case IR_UIntImm:
    case IR_FloatImm:
    case IR_StringImm:
    case IR_Cast:
    case IR_Reinterpret:
    case IR_Variable:
    case IR_Add:
    case IR_Sub:
    case IR_Mul:
    case IR_Div:
    case IR_Mod:
    case IR_Min:
    case IR_Max:
    case IR_EQ:
    case IR_NE:
    case IR_LT:
    case IR_LE:
    case IR_GT:
    case IR_GE:
    case IR_And:
    case IR_Or:
    case IR_Not:
    case IR_Select:
    case IR_Load:
    case IR_Ramp:
    case IR_Broadcast:
    case IR_Let:
    case IR_Call:
    case IR_Shuffle:
        break;
    }
    internal_error(w->ctx, "C source: %s is not a statement", ir_kind_name((ir_kind)s->kind));
}

static void stmt(cw_writer *w, const ir_node *s) {
    internal_assert(w->ctx, s, "C source of a missing statement");
    ctx_enter(w->ctx);
    stmt_kind(w, s);
    ctx_leave(w->ctx);
}

/* ---- The file ------------------------------------------------------------------------------ */

static bool is_user_context(const cg_arg *a) {
    return !a->is_buffer && !strcmp(a->name, "__user_context");
}

/* The C parameter of argument i: Halide's names ("_" + name, "_buffer" for buffers),
 * with the index appended should two collide. */
static const char *param_name(cw_writer *w, const cg_aot_function *fn, int i) {
    const cg_arg *a = &fn->args[i];
    if (is_user_context(a)) return "__user_context";
    const char *s = identifier(w, FMT("_%s%s", a->name, a->is_buffer ? "_buffer" : ""));
    bool clash = !strcmp(s, "__user_context");
    for (int j = 0; j < i; j++)
        clash |= !strcmp(
            identifier(w, FMT("_%s%s", fn->args[j].name, fn->args[j].is_buffer ? "_buffer" : "")),
            s);
    return clash ? FMT("%s_%d", s, i) : s;
}

/* The C type of argument a in the prototype (as the header declares it). */
static const char *param_type(cw_writer *w, const cg_arg *a) {
    if (a->is_buffer) return "struct halide_buffer_t *";
    if (ir_is_handle(a->type)) return "void const *";
    user_assert(w->ctx, !cw_is_small_float(a->type),
                "The C source output (compile_to_c) does not support %s scalar arguments (%s) yet",
                cw_type_text(w, a->type), a->name);
    return cw_ctype(w, a->type);
}

/* int name(args...): NULL checks of the buffers, then the statement. Returns the
 * prototype. */
static const char *write_pipeline(cw_writer *w, const cg_aot_function *fn, strbuf *out) {
    cw_function main_fn = {.out = new_strbuf(w->ctx), .indent = 1};
    w->fn = &main_fn;
    const char *uc = NULL, *params = "";
    for (int i = 0; i < fn->nargs; i++) {
        const cg_arg *a = &fn->args[i];
        const char *p = param_name(w, fn, i);
        params = FMT("%s%s%s", params, i ? ", " : "", cw_declaration(w, param_type(w, a), p));
        cw_line(w, "(void)%s;", p);
        if (is_user_context(a) && ir_is_handle(a->type))
            uc = p;
        else if (a->is_buffer)
            push_binding(&main_fn, w->ctx, main_fn.scope_len,
                         (cw_binding){FMT("%s.buffer", a->name), p, "halide_buffer_t *", 1});
        else
            push_binding(&main_fn, w->ctx, main_fn.scope_len,
                         (cw_binding){a->name, ir_is_handle(a->type) ? FMT("((void *)%s)", p) : p,
                                      ir_is_handle(a->type) ? "void *" : param_type(w, a), 1});
    }
    const char *prototype = FMT("int %s(%s)", fn->name, fn->nargs ? params : "void");
    strbuf_printf(out, "%s {\n", prototype);
    cw_line(w, "void *user_context = %s;", uc ? FMT("(void *)%s", uc) : "NULL");
    cw_line(w, "(void)user_context;");
    push_binding(&main_fn, w->ctx, main_fn.scope_len,
                 (cw_binding){"__user_context", "user_context", "void *", 1});
    for (int i = 0; i < fn->nargs; i++)
        if (fn->args[i].is_buffer)
            cw_line(
                w, "if (%s == NULL) return halide_error_buffer_argument_is_null(user_context, %s);",
                param_name(w, fn, i), cw_c_string(w, fn->args[i].name));
    stmt(w, fn->body);
    cw_line(w, "return 0;");
    strbuf_append(out, text_of(w->ctx, main_fn.out));
    strbuf_append(out, "}\n\n");
    return prototype;
}

/* name_argv: args[i] points at scalar i; for a buffer it is the halide_buffer_t* itself. */
static void write_argv(cw_writer *w, const cg_aot_function *fn, strbuf *out) {
    strbuf_printf(out, "int %s_argv(void **args) {\n    return %s(", fn->name, fn->name);
    for (int i = 0; i < fn->nargs; i++) {
        const cg_arg *a = &fn->args[i];
        if (a->is_buffer)
            strbuf_printf(out, "%s(struct halide_buffer_t *)args[%d]", i ? ", " : "", i);
        else
            strbuf_printf(out, "%s*(%s *)args[%d]", i ? ", " : "",
                          ir_is_handle(a->type) ? "void *" : cw_ctype(w, a->type), i);
    }
    strbuf_printf(out, ");\n}\n\n");
}

/* name_metadata: Halide's version 1 layout, as codegen_aot.c's add_metadata makes it. */
static void write_metadata(cw_writer *w, const hl_target *t, const cg_aot_function *fn,
                           strbuf *out) {
    const char *arguments = "NULL";
    if (fn->nargs) {
        arguments = FMT("%s_arguments", fn->name);
        strbuf_printf(out, "static const halide_filter_argument_t %s[%d] = {\n", arguments,
                      fn->nargs);
        for (int i = 0; i < fn->nargs; i++) {
            const cg_arg *a = &fn->args[i];
            int kind = !a->is_buffer ? 0 : i >= fn->nargs - fn->noutputs ? 2 : 1;
            strbuf_printf(out, "    {%s, %d, %d, {%d, %d, 1}, NULL, NULL, NULL, NULL, NULL},\n",
                          cw_c_string(w, a->name), kind, a->is_buffer ? a->dimensions : 0,
                          a->type.code, a->type.bits);
        }
        strbuf_printf(out, "};\n");
    }
    char target_name[1024];
    hl_target_to_string(t, target_name, sizeof target_name);
    strbuf_printf(
        out, "static const halide_filter_metadata_t %s_metadata_storage = {1, %d, %s, %s, %s};\n\n",
        fn->name, fn->nargs, arguments, cw_c_string(w, target_name), cw_c_string(w, fn->name));
    strbuf_printf(out,
                  "const halide_filter_metadata_t *%s_metadata(void) {\n    return "
                  "&%s_metadata_storage;\n}\n",
                  fn->name, fn->name);
}

void cg_write_c_source(hl_ctx *ctx, const char *path, const hl_target *t,
                       const cg_aot_function *fn) {
    cw_writer wr = {ctx, fn->name, new_strbuf(ctx), new_strbuf(ctx), NULL, 0, NULL};
    cw_writer *w = &wr;
    strbuf *pipeline = new_strbuf(ctx), *file = new_strbuf(ctx);
    const char *prototype = write_pipeline(w, fn, pipeline);
    write_argv(w, fn, pipeline);
    write_metadata(w, t, fn, pipeline);

    char target_name[1024];
    hl_target_to_string(t, target_name, sizeof target_name);
    strbuf_printf(
        file,
        "/* Generated by halide-c: pipeline %s for target %s, as C source.\n"
        " * Build it with a C11 (or C++11) compiler and link the halide-c runtime with it\n"
        " * (compile_standalone_runtime), and -lm -lpthread. */\n",
        fn->name, target_name);
    strbuf_append(file, cg_c_includes);
    strbuf_append(file, "\n#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n");
    strbuf_append(file, cg_header_runtime_types());
    strbuf_append(file, "\n");
    strbuf_append(file, cg_c_helpers);
    strbuf_append(file, "\n/* ---- The runtime functions this file calls "
                        "---------------------------------------- */\n\n");
    for (const cg_c_runtime_fn *r = cg_c_runtime_fns; r->name; r++) {
        strbuf_printf(file, "%s %s(", r->ret, r->name);
        for (int i = 0; i < r->nparams; i++)
            strbuf_printf(file, "%s%s", i ? ", " : "", r->params[i]);
        strbuf_append(file, ");\n");
    }
    strbuf_append(file, text_of(ctx, w->decls));
    strbuf_append(file,
                  "\n/* ---- The pipeline "
                  "------------------------------------------------------------------ */\n\n");
    strbuf_printf(
        file,
        "%s;\nint %s_argv(void **args);\nconst halide_filter_metadata_t *%s_metadata(void);\n\n",
        prototype, fn->name, fn->name);
    strbuf_append(file, text_of(ctx, w->tasks));
    strbuf_append(file, text_of(ctx, pipeline));
    strbuf_append(file, "\n#ifdef __cplusplus\n}  // extern \"C\"\n#endif\n");
    text_of(ctx, file);

    FILE *fp = fopen(path, "w");
    user_assert(ctx, fp, "Could not open %s for writing", path);
    bool failed = fwrite(file->data, 1, file->len, fp) != file->len;
    failed |= fclose(fp) != 0;
    user_assert(ctx, !failed, "Could not write %s", path);
}
