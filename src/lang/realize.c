/* realize.c - compiling a Func's pipeline for the JIT, caching it, and running it.
 *
 * The cache of a Func holds the compiled module, the input buffers it takes (retained),
 * the generation of definitions it was lowered at, and the hash of its lowered statement.
 * A realize after any definition anywhere re-lowers (cheap) and recompiles only when the
 * lowered statement changed. The cache entry is reference counted so that a pipeline can
 * run (with the GIL released) while another thread replaces the cache.
 */
#include "func.h"
#include "jit/jit.h"
#include "lower/lower.h"
#include "util/alloc.h"
#include "util/check.h"
#include "util/strbuf.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

struct jit_pipeline {
    _Atomic int refs;
    unsigned long generation;
    uint64_t stmt_hash;
    jit_module *module;
    int ninputs;
    hl_buffer **inputs;
};

static void pipeline_release(jit_pipeline *p) {
    if (!p || atomic_fetch_sub(&p->refs, 1) > 1) return;
    jit_free(p->module);
    for (int i = 0; i < p->ninputs; i++) hl_buffer_release(p->inputs[i]);
    hl_free(p->inputs);
    hl_free(p);
}

void realize_free_cache(hl_func *f) {
    pipeline_release(f->jit);
    f->jit = NULL;
}

/* ---- Compiling -------------------------------------------------------------------------- */

typedef struct compile_job {
    hl_func *f;
    bool want_loop_nest;          /* text of the loop nest only */
    const jit_pipeline *existing; /* reuse when the lowered statement is the same */
    bool want_text;
    char *text;                   /* heap: the lowered statement, when want_text */
    bool reuse;
    uint64_t hash;
    jit_pipeline *made;           /* heap, on success */
} compile_job;

static void compile_protected(hl_ctx *ctx, void *ud) {
    compile_job *job = ud;
    lower_state ls = {.ctx = ctx, .output = job->f};
    if (job->want_loop_nest) ls.stop_after = "schedule_functions";
    ir_node *s = lower_pipeline(&ls);
    if (job->want_text) {
        job->text = job->want_loop_nest ? lower_loop_nest_text(s) : ir_to_string(s);
        if (!job->text) ctx_raise(ctx, HL_ERROR_NOMEM, "Out of memory");
        return;
    }
    job->hash = ir_hash(s);
    if (job->existing && job->existing->stmt_hash == job->hash) {
        job->reuse = true;
        return;
    }
    jit_module *module = jit_compile(ctx, "halide_pipeline", ls.nargs, ls.args, s);
    /* Nothing below raises: move the result to the heap. */
    jit_pipeline *heap = hl_calloc(1, sizeof *heap);
    hl_buffer **inputs = hl_calloc((size_t)(ls.ninputs ? ls.ninputs : 1), sizeof *inputs);
    if (!heap || !inputs) {
        hl_free(heap);
        hl_free(inputs);
        jit_free(module);
        ctx_raise(ctx, HL_ERROR_NOMEM, "Out of memory");
    }
    atomic_init(&heap->refs, 1);
    heap->module = module;
    heap->stmt_hash = job->hash;
    heap->ninputs = ls.ninputs;
    heap->inputs = inputs;
    for (int i = 0; i < ls.ninputs; i++) {
        inputs[i] = ls.inputs[i].buffer;
        hl_buffer_retain(inputs[i]);
    }
    job->made = heap;
}

static hl_status run_compile(compile_job *job) {
    hl_ctx ctx;
    ctx_init(&ctx, 1);
    if (!ctx.arena) {
        ctx_set_last_error("Out of memory");
        return HL_ERROR_NOMEM;
    }
    int status = ctx_pcall(&ctx, compile_protected, job);
    ctx_close(&ctx);
    return (hl_status)status;
}

/* Returns a new reference to f's compiled pipeline, compiling when needed. */
static hl_status acquire_pipeline(hl_func *f, jit_pipeline **out) {
    *out = NULL;
    if (!hl_func_defined(f)) {
        char msg[512];
        snprintf(msg, sizeof msg, "Can't realize undefined Func %s", f->name);
        ctx_set_last_error(msg);
        return HL_ERROR_USER;
    }
    pthread_mutex_lock(&f->lock);
    unsigned long generation = func_definition_generation();
    hl_status status = HL_OK;
    if (!f->jit || f->jit->generation != generation) {
        compile_job job = {.f = f, .existing = f->jit};
        status = run_compile(&job);
        if (status == HL_OK && job.made) {
            pipeline_release(f->jit);
            f->jit = job.made;
        }
        if (status == HL_OK) f->jit->generation = generation;
    }
    if (status == HL_OK) {
        atomic_fetch_add(&f->jit->refs, 1);
        *out = f->jit;
    }
    pthread_mutex_unlock(&f->lock);
    return status;
}

hl_status hl_func_compile_jit(hl_func *f) {
    jit_pipeline *p;
    hl_status status = acquire_pipeline(f, &p);
    pipeline_release(p);
    return status;
}

hl_status hl_func_loop_nest(hl_func *f, char **out) {
    *out = NULL;
    compile_job job = {.f = f, .want_text = true, .want_loop_nest = true};
    hl_status status = run_compile(&job);
    if (status == HL_OK) *out = job.text;
    else hl_free(job.text);
    return status;
}

hl_status hl_func_lowered_stmt(hl_func *f, char **out) {
    *out = NULL;
    compile_job job = {.f = f, .want_text = true};
    hl_status status = run_compile(&job);
    if (status == HL_OK) *out = job.text;
    else hl_free(job.text);
    return status;
}

/* ---- Realizing ---------------------------------------------------------------------------- */

static hl_status fail(hl_status status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static hl_status fail(hl_status status, const char *fmt, ...) {
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ctx_set_last_error(msg);
    return status;
}

static hl_status check_outputs(hl_func *f, int n, hl_buffer *const *outputs) {
    if (!hl_func_defined(f)) return fail(HL_ERROR_USER, "Can't realize undefined Func %s", f->name);
    if (n != f->nvalues)
        return fail(HL_ERROR_USER, "Func %s has %d value%s but is being realized into %d buffer%s",
                    f->name, f->nvalues, f->nvalues == 1 ? "" : "s", n, n == 1 ? "" : "s");
    for (int i = 0; i < n; i++) {
        halide_buffer_t *raw = hl_buffer_raw(outputs[i]);
        hl_type want = f->values[i]->type;
        hl_type got = hl_type_make(raw->type.code, raw->type.bits, raw->type.lanes);
        char a[48], b[48];
        if (!hl_type_equal(want, got))
            return fail(HL_ERROR_USER,
                        "Output buffer %s has type %s but type of the buffer passed in is %s",
                        f->name, hl_type_name(want, a, sizeof a), hl_type_name(got, b, sizeof b));
        if (raw->dimensions != f->nargs)
            return fail(HL_ERROR_USER,
                        "Func %s has %d dimension%s but is being realized into a buffer with %d "
                        "dimension%s",
                        f->name, f->nargs, f->nargs == 1 ? "" : "s", raw->dimensions,
                        raw->dimensions == 1 ? "" : "s");
        if (!raw->host)
            return fail(HL_ERROR_USER, "Func %s is being realized into a buffer with no memory",
                        f->name);
        for (int d = 0; d < raw->dimensions; d++)
            if (raw->dim[d].extent != hl_buffer_raw(outputs[0])->dim[d].extent ||
                raw->dim[d].min != hl_buffer_raw(outputs[0])->dim[d].min)
                return fail(HL_ERROR_USER,
                            "The output buffers of Func %s do not all cover the same region",
                            f->name);
    }
    return HL_OK;
}

hl_status hl_func_realize(hl_func *f, int noutputs, hl_buffer *const *outputs) {
    hl_status status = check_outputs(f, noutputs, outputs);
    if (status != HL_OK) return status;
    jit_pipeline *p;
    status = acquire_pipeline(f, &p);
    if (status != HL_OK) return status;

    int nargs = 1 + p->ninputs + noutputs;
    void *small[16];
    void **args = nargs <= 16 ? small : hl_malloc(sizeof(void *) * (size_t)nargs);
    jit_user_context *uc = hl_calloc(1, sizeof *uc);
    if (!args || !uc) {
        if (args != small) hl_free(args);
        hl_free(uc);
        pipeline_release(p);
        return fail(HL_ERROR_NOMEM, "Out of memory");
    }
    void *uc_value = uc;
    args[0] = &uc_value;
    for (int i = 0; i < p->ninputs; i++) args[1 + i] = hl_buffer_raw(p->inputs[i]);
    for (int i = 0; i < noutputs; i++) args[1 + p->ninputs + i] = hl_buffer_raw(outputs[i]);

    int32_t result = jit_entry(p->module)(args);
    if (result != 0) {
        if (uc->error_len) status = fail(HL_ERROR_RUNTIME, "%s", uc->error);
        else status = fail(HL_ERROR_RUNTIME, "Pipeline %s failed with error code %d", f->name, result);
    }
    if (args != small) hl_free(args);
    hl_free(uc);
    pipeline_release(p);
    return status;
}
