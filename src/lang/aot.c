/* aot.c - ahead-of-time compilation: the hl_aot.h entry points.
 *
 * A compile here is one protected call: lower the pipeline with the caller's argument
 * list and target (lower_state.explicit_args), then hand the statement to the writers
 * (codegen_aot.c for LLVM-made files, codegen_header.c for the header, codegen_pyext.c for
 * the Python extension source, codegen_c.c for the C source - written from a second
 * lowering without vector code; the lowered statement's text, plain or as HTML
 * (ir_html.c), is written here). The LLVM
 * module is made only when a file needs it. Everything is checked before anything is
 * written: the output kinds, the function name, the target (a target halide-c cannot
 * generate code for is a clear user error naming what it can do).
 *
 * Assumes: the caller holds its Funcs and Params for the duration of the call (they are
 * borrowed). Guarantees: user errors come back as HL_ERROR_USER with the message in
 * hl_last_error(); nothing leaks on any path (the compile's arena owns every LLVM object).
 */
#include "func.h"
#include "param.h"
#include "codegen/codegen_aot.h"
#include "lower/lower.h"
#include "lower/simplify.h"
#include "util/alloc.h"
#include "util/check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct aot_job {
    int noutputs;
    hl_func *const *outputs;
    int nfiles;
    const hl_aot_file *files;
    int nargs;
    hl_param *const *args;
    const char *fn_name;
    hl_target target;
    /* infer_arguments: the result (heap) */
    bool infer;
    int ninferred;
    hl_param **inferred;
} aot_job;

static ir_node *drop_asserts(ir_mutator *m, ir_node *n) {
    if (n->kind == IR_AssertStmt) return simplify_make_no_op(m->ctx);
    return ir_is_stmt(n) ? ir_mutate_kids(m, n) : n;
}

static void write_text(hl_ctx *ctx, const char *path, const ir_node *s, const char *html_title) {
    char *text = ir_to_string(s);
    if (text && html_title) {
        char *html = ir_text_to_html(text, html_title);
        hl_free(text);
        text = html;
    }
    if (!text) ctx_raise(ctx, HL_ERROR_NOMEM, "Out of memory");
    FILE *fp = fopen(path, "w");
    bool failed = !fp;
    if (fp) {
        failed |= fputs(text, fp) < 0;
        failed |= fclose(fp) != 0;
    }
    hl_free(text);
    user_assert(ctx, !failed, "Could not write %s", path);
}

/* Whether the writer of this kind of file needs the LLVM module (codegen_aot.c). */
static bool needs_llvm(int kind) {
    return kind != HL_OUTPUT_STMT && kind != HL_OUTPUT_STMT_HTML && kind != HL_OUTPUT_C_HEADER && kind != HL_OUTPUT_C_SOURCE &&
           kind != HL_OUTPUT_PYTHON_EXTENSION;
}

/* The statement for the job's target, and its argument list in *nargs / *args.
 * serial_vectors: for the C source (vectorized loops stay scalar loops). */
static ir_node *lower_for_target(hl_ctx *ctx, aot_job *job, bool serial_vectors, int *nargs,
                                 const cg_arg **args) {
    lower_state ls = {.ctx = ctx, .noutputs = job->noutputs, .outputs = job->outputs};
    ls.explicit_args = true;
    ls.nexplicit = job->nargs;
    ls.explicit_list = job->args;
    ls.user_context_arg = hl_target_has_feature(&job->target, HL_FEATURE_USER_CONTEXT);
    ls.target = &job->target;
    ls.serial_vectors = serial_vectors;
    ls.pipeline_name = job->fn_name;
    ir_node *s = lower_pipeline(&ls);
    if (hl_target_has_feature(&job->target, HL_FEATURE_NO_ASSERTS)) {
        ir_mutator m = {ctx, drop_asserts, NULL};
        s = ir_mutate(&m, s);
    }
    *nargs = ls.nargs;
    *args = ls.args;
    return s;
}

static void compile_protected(hl_ctx *ctx, void *ud) {
    aot_job *job = ud;
    if (job->infer) {
        lower_state ls = {.ctx = ctx, .noutputs = job->noutputs, .outputs = job->outputs};
        ls.stop_after = "bounds_inference";
        lower_pipeline(&ls);
        job->inferred = hl_calloc((size_t)(ls.ninputs + ls.nparams + 1), sizeof(hl_param *));
        if (!job->inferred) ctx_raise(ctx, HL_ERROR_NOMEM, "Out of memory");
        for (int i = 0; i < ls.ninputs; i++)
            if (ls.inputs[i].param) job->inferred[job->ninferred++] = ls.inputs[i].param;
        for (int i = 0; i < ls.nparams; i++) job->inferred[job->ninferred++] = ls.params[i];
        return;
    }
    bool want_c = false, want_llvm = false, want_stmt = false;
    for (int i = 0; i < job->nfiles; i++) {
        want_c |= job->files[i].kind == HL_OUTPUT_C_SOURCE;
        want_llvm |= needs_llvm(job->files[i].kind);
        want_stmt |= job->files[i].kind == HL_OUTPUT_STMT || job->files[i].kind == HL_OUTPUT_STMT_HTML;
    }
    int nvalues = 0;
    for (int o = 0; o < job->noutputs; o++) nvalues += job->outputs[o]->nvalues;
    /* The C source is written from a second lowering without vector code; the other
     * outputs (and the header, when it is all there is) from the usual one. */
    cg_aot_function fn = {job->fn_name, 0, NULL, nvalues, NULL}, scalar_fn = fn;
    if (want_llvm || want_stmt || !want_c)
        fn.body = lower_for_target(ctx, job, false, &fn.nargs, &fn.args);
    if (want_c)
        scalar_fn.body = lower_for_target(ctx, job, true, &scalar_fn.nargs, &scalar_fn.args);
    if (!fn.body) fn = scalar_fn;
    for (int i = 0; i < job->nfiles; i++) {
        const char *path = job->files[i].path;
        switch (job->files[i].kind) {
        case HL_OUTPUT_STMT: write_text(ctx, path, fn.body, NULL); break;
        case HL_OUTPUT_STMT_HTML: write_text(ctx, path, fn.body, job->fn_name); break;
        case HL_OUTPUT_C_HEADER: cg_write_header(ctx, path, &job->target, &fn); break;
        case HL_OUTPUT_PYTHON_EXTENSION: cg_write_pyext(ctx, path, &job->target, &fn); break;
        case HL_OUTPUT_C_SOURCE: cg_write_c_source(ctx, path, &job->target, &scalar_fn); break;
        default: break;
        }
    }
    if (want_llvm) cg_aot_write(ctx, &job->target, &fn, job->nfiles, job->files);
}

static hl_status fail(const char *msg) {
    ctx_set_last_error(msg);
    return HL_ERROR_USER;
}

static hl_status run(aot_job *job) {
    for (int i = 0; i < job->noutputs; i++)
        if (!hl_func_defined(job->outputs[i])) {
            char msg[512];
            snprintf(msg, sizeof msg, "Can't compile undefined Func %s", job->outputs[i]->name);
            return fail(msg);
        }
    hl_ctx ctx;
    ctx_init(&ctx, 1);
    if (!ctx.arena) return fail("Out of memory");
    int status = ctx_pcall(&ctx, compile_protected, job);
    ctx_close(&ctx);
    return (hl_status)status;
}

static bool is_c_identifier(const char *s) {
    if (!s || !*s || (*s >= '0' && *s <= '9')) return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return false;
    return true;
}

/* Whether halide-c writes this kind of file. */
static const char *unsupported_kind(int kind) {
    switch (kind) {
    case HL_OUTPUT_ASSEMBLY:
    case HL_OUTPUT_BITCODE:
    case HL_OUTPUT_C_HEADER:
    case HL_OUTPUT_C_SOURCE:
    case HL_OUTPUT_LLVM_ASSEMBLY:
    case HL_OUTPUT_OBJECT:
    case HL_OUTPUT_PYTHON_EXTENSION:
    case HL_OUTPUT_STATIC_LIBRARY:
    case HL_OUTPUT_STMT:
    case HL_OUTPUT_STMT_HTML:
        return NULL;
    default:
        return "this output file type";
    }
}

/* The target a compile uses, or a status when halide-c cannot generate code for it. */
static hl_status check_target(const hl_target *given, hl_target *out) {
    *out = hl_target_complete(given);
    if (hl_target_supported(out)) return HL_OK;
    char name[1024], msg[1536];
    hl_target_to_string(out, name, sizeof name);
    snprintf(msg, sizeof msg,
             "halide-c cannot generate code for target %s yet: it supports x86-64-linux, "
             "x86-64-windows, arm-64-linux, arm-64-android, arm-64-ios, arm-32-linux, "
             "arm-32-android and arm-32-ios (with any of their features)",
             name);
    return fail(msg);
}

hl_status hl_compile_to(int noutputs, hl_func *const *outputs, int nfiles, const hl_aot_file *files,
                        int nargs, hl_param *const *args, const char *fn_name, const hl_target *t) {
    api_check(noutputs > 0 && outputs && t, "compile_to needs at least one output Func and a target");
    api_check(nfiles >= 0 && (files || nfiles == 0) && nargs >= 0 && (args || nargs == 0),
              "compile_to: bad file or argument list");
    char msg[512];
    if (!is_c_identifier(fn_name)) {
        snprintf(msg, sizeof msg, "The function name \"%s\" is not a valid C identifier", fn_name ? fn_name : "");
        return fail(msg);
    }
    for (int i = 0; i < nfiles; i++) {
        const char *kind = unsupported_kind(files[i].kind);
        if (kind) {
            snprintf(msg, sizeof msg, "Output of %s is not supported yet by halide-c", kind);
            return fail(msg);
        }
        api_check(files[i].path && files[i].path[0], "compile_to: an output file has no path");
    }
    for (int i = 0; i < nargs; i++) {
        api_check(args[i], "compile_to: a NULL argument");
        for (int j = 0; j < i; j++)
            if (args[j] == args[i] || !strcmp(args[j]->name, args[i]->name)) {
                snprintf(msg, sizeof msg, "The argument list names %s twice", args[i]->name);
                return fail(msg);
            }
    }
    aot_job job = {noutputs, outputs, nfiles, files, nargs, args, fn_name};
    hl_status status = check_target(t, &job.target);
    if (status != HL_OK) return status;
    return run(&job);
}

char *hl_stmt_html(const char *stmt_text, const char *title) {
    return stmt_text ? ir_text_to_html(stmt_text, title) : NULL;
}

static int argument_order(const void *a, const void *b) {
    const hl_param *p = *(hl_param *const *)a, *q = *(hl_param *const *)b;
    if (p->is_buffer != q->is_buffer) return p->is_buffer ? -1 : 1;
    return strcmp(p->name, q->name);
}

hl_status hl_infer_arguments(int noutputs, hl_func *const *outputs, int *n, hl_param ***out) {
    *n = 0;
    *out = NULL;
    api_check(noutputs > 0 && outputs, "infer_arguments needs at least one output Func");
    aot_job job = {.noutputs = noutputs, .outputs = outputs, .infer = true};
    hl_status status = run(&job);
    if (status != HL_OK) {
        hl_free(job.inferred);
        return status;
    }
    qsort(job.inferred, (size_t)job.ninferred, sizeof(hl_param *), argument_order);
    for (int i = 0; i < job.ninferred; i++) hl_param_retain(job.inferred[i]);
    *n = job.ninferred;
    *out = job.inferred;
    return HL_OK;
}

void hl_free_arguments(int n, hl_param **args) {
    for (int i = 0; i < n; i++) hl_param_release(args[i]);
    hl_free(args);
}

static void runtime_protected(hl_ctx *ctx, void *ud) {
    const aot_job *job = ud;
    cg_aot_write(ctx, &job->target, NULL, job->nfiles, job->files);
}

hl_status hl_compile_standalone_runtime(const char *path, int kind, const hl_target *t) {
    api_check(path && path[0] && t, "compile_standalone_runtime needs a path and a target");
    api_check(kind == HL_OUTPUT_OBJECT || kind == HL_OUTPUT_STATIC_LIBRARY,
              "compile_standalone_runtime writes an object or a static library");
    hl_aot_file file = {kind, path};
    aot_job job = {.nfiles = 1, .files = &file};
    hl_status status = check_target(t, &job.target);
    if (status != HL_OK) return status;
    if (hl_target_has_feature(&job.target, HL_FEATURE_NO_RUNTIME))
        return fail("compile_standalone_runtime for a target with no_runtime makes no runtime");
    hl_ctx ctx;
    ctx_init(&ctx, 1);
    if (!ctx.arena) return fail("Out of memory");
    status = (hl_status)ctx_pcall(&ctx, runtime_protected, &job);
    ctx_close(&ctx);
    return status;
}
