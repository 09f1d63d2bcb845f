/* realize.c - compiling a pipeline for the JIT, caching it, and running it; the Pipeline
 * object.
 *
 * A pipeline is a list of output Funcs. A Func realized on its own is the pipeline of
 * that one Func, and its cache lives in the Func; an hl_pipeline (hl.Pipeline) holds its
 * own. The cache holds the compiled module, the input buffers it takes (retained), the
 * generation of definitions and schedules it was lowered at, and the hash of its lowered
 * statement: a realize after any change anywhere re-lowers (cheap) and recompiles only
 * when the lowered statement changed. A cache entry is reference counted, so a pipeline
 * can run (with the GIL released) while another thread replaces the cache.
 */
#include "func.h"
#include "param.h"
#include "jit/jit.h"
#include "lower/lower.h"
#include "util/alloc.h"
#include "util/check.h"

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
    hl_buffer **inputs;    /* a Buffer used directly, or NULL where the input is an ImageParam */
    hl_param **image_params; /* the ImageParam of input i, or NULL */
    int nparams;
    hl_param **params;     /* scalar Params, in argument order */
    uint64_t dense_inputs; /* bit i: input i was compiled assuming stride 1 in dimension 0 */
};

/* Which inputs are dense now (the first 64; later ones are never assumed dense). */
static uint64_t dense_mask(const jit_pipeline *p) {
    uint64_t mask = 0;
    for (int i = 0; i < p->ninputs && i < 64; i++) {
        if (!p->inputs[i]) continue; /* ImageParams are checked by their constraints */
        const halide_buffer_t *raw = hl_buffer_raw(p->inputs[i]);
        if (raw->dimensions > 0 && raw->dim[0].stride == 1) mask |= (uint64_t)1 << i;
    }
    return mask;
}

struct hl_pipeline {
    int32_t refs;
    int noutputs;
    hl_func **outputs;
    pthread_mutex_t lock;
    jit_pipeline *jit;
};

/* A pipeline as this file sees it: its outputs and where its cache lives. */
typedef struct pipeline_view {
    int noutputs;
    hl_func *const *outputs;
    pthread_mutex_t *lock;
    jit_pipeline **cache;
} pipeline_view;

/* The pipeline of the one Func *slot (slot must outlive the view). */
static pipeline_view func_view(hl_func **slot) {
    pipeline_view v = {1, slot, &(*slot)->lock, &(*slot)->jit};
    return v;
}

static void pipeline_release(jit_pipeline *p) {
    if (!p || atomic_fetch_sub(&p->refs, 1) > 1) return;
    jit_free(p->module);
    for (int i = 0; i < p->ninputs; i++) {
        hl_buffer_release(p->inputs[i]);
        hl_param_release(p->image_params[i]);
    }
    for (int i = 0; i < p->nparams; i++) hl_param_release(p->params[i]);
    hl_free(p->inputs);
    hl_free(p->image_params);
    hl_free(p->params);
    hl_free(p);
}

void realize_free_cache(hl_func *f) {
    pipeline_release(f->jit);
    f->jit = NULL;
}

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

/* ---- Compiling -------------------------------------------------------------------------- */

typedef struct compile_job {
    const pipeline_view *view;
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
    lower_state ls = {.ctx = ctx, .noutputs = job->view->noutputs, .outputs = job->view->outputs};
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
    hl_param **image_params = hl_calloc((size_t)(ls.ninputs ? ls.ninputs : 1), sizeof *image_params);
    hl_param **params = hl_calloc((size_t)(ls.nparams ? ls.nparams : 1), sizeof *params);
    if (!heap || !inputs || !image_params || !params) {
        hl_free(heap);
        hl_free(inputs);
        hl_free(image_params);
        hl_free(params);
        jit_free(module);
        ctx_raise(ctx, HL_ERROR_NOMEM, "Out of memory");
    }
    heap->image_params = image_params;
    heap->params = params;
    heap->nparams = ls.nparams;
    for (int i = 0; i < ls.nparams; i++) {
        params[i] = ls.params[i];
        hl_param_retain(params[i]);
    }
    atomic_init(&heap->refs, 1);
    heap->module = module;
    heap->stmt_hash = job->hash;
    heap->ninputs = ls.ninputs;
    heap->inputs = inputs;
    for (int i = 0; i < ls.ninputs; i++) {
        inputs[i] = ls.inputs[i].buffer;
        image_params[i] = ls.inputs[i].param;
        hl_buffer_retain(inputs[i]);
        hl_param_retain(image_params[i]);
        if (ls.inputs[i].buffer && ls.inputs[i].dense && i < 64) heap->dense_inputs |= (uint64_t)1 << i;
    }
    job->made = heap;
}

static hl_status run_compile(compile_job *job) {
    for (int i = 0; i < job->view->noutputs; i++)
        if (!hl_func_defined(job->view->outputs[i]))
            return fail(HL_ERROR_USER, "Can't realize undefined Func %s", job->view->outputs[i]->name);
    hl_ctx ctx;
    ctx_init(&ctx, 1);
    if (!ctx.arena) return fail(HL_ERROR_NOMEM, "Out of memory");
    int status = ctx_pcall(&ctx, compile_protected, job);
    ctx_close(&ctx);
    return (hl_status)status;
}

/* A new reference to the view's compiled pipeline, compiling when needed. */
static hl_status acquire(const pipeline_view *view, jit_pipeline **out) {
    *out = NULL;
    pthread_mutex_lock(view->lock);
    unsigned long generation = func_definition_generation();
    jit_pipeline *cached = *view->cache;
    hl_status status = HL_OK;
    if (!cached || cached->generation != generation || dense_mask(cached) != cached->dense_inputs) {
        compile_job job = {.view = view, .existing = cached};
        status = run_compile(&job);
        if (status == HL_OK && job.made) {
            pipeline_release(cached);
            *view->cache = job.made;
        }
        if (status == HL_OK) (*view->cache)->generation = generation;
    }
    if (status == HL_OK) {
        atomic_fetch_add(&(*view->cache)->refs, 1);
        *out = *view->cache;
    }
    pthread_mutex_unlock(view->lock);
    return status;
}

static hl_status compile_jit(const pipeline_view *view) {
    jit_pipeline *p;
    hl_status status = acquire(view, &p);
    pipeline_release(p);
    return status;
}

static hl_status text_of(const pipeline_view *view, bool loop_nest, char **out) {
    *out = NULL;
    compile_job job = {.view = view, .want_text = true, .want_loop_nest = loop_nest};
    hl_status status = run_compile(&job);
    if (status == HL_OK) *out = job.text;
    else hl_free(job.text);
    return status;
}

/* ---- Realizing ---------------------------------------------------------------------------- */

static int total_values(const pipeline_view *view) {
    int n = 0;
    for (int o = 0; o < view->noutputs; o++) n += view->outputs[o]->nvalues;
    return n;
}

static hl_status check_outputs(const pipeline_view *view, int n, hl_buffer *const *buffers,
                               bool query) {
    if (n != total_values(view)) {
        if (view->noutputs == 1)
            return fail(HL_ERROR_USER, "Func %s has %d value%s but is being realized into %d buffer%s",
                        view->outputs[0]->name, view->outputs[0]->nvalues,
                        view->outputs[0]->nvalues == 1 ? "" : "s", n, n == 1 ? "" : "s");
        return fail(HL_ERROR_USER, "The Pipeline has %d output buffers but is being realized into %d",
                    total_values(view), n);
    }
    int k = 0;
    for (int o = 0; o < view->noutputs; o++) {
        const hl_func *f = view->outputs[o];
        const halide_buffer_t *first = hl_buffer_raw(buffers[k]);
        for (int i = 0; i < f->nvalues; i++, k++) {
            halide_buffer_t *raw = hl_buffer_raw(buffers[k]);
            hl_type want = f->values[i]->type;
            hl_type got = hl_type_make(raw->type.code, raw->type.bits, raw->type.lanes);
            char a[48], b[48];
            if (!hl_type_equal(want, got))
                return fail(HL_ERROR_USER, "Output buffer %s has type %s but type of the buffer passed in is %s",
                            f->name, hl_type_name(want, a, sizeof a), hl_type_name(got, b, sizeof b));
            if (raw->dimensions != f->nargs)
                return fail(HL_ERROR_USER,
                            "Func %s is defined with %d dimension%s, but realize() is requesting a "
                            "realization with %d dimension%s",
                            f->name, f->nargs, f->nargs == 1 ? "" : "s", raw->dimensions,
                            raw->dimensions == 1 ? "" : "s");
            if (!raw->host && !query)
                return fail(HL_ERROR_USER, "Func %s is being realized into a buffer with no memory", f->name);
            for (int d = 0; d < raw->dimensions; d++)
                if (raw->dim[d].extent != first->dim[d].extent || raw->dim[d].min != first->dim[d].min)
                    return fail(HL_ERROR_USER, "The output buffers of Func %s do not all cover the same region",
                                f->name);
        }
    }
    return HL_OK;
}

/* Runs the pipeline; with `query`, the buffers may have no memory (bounds query). */
static hl_status realize(const pipeline_view *view, int n, hl_buffer *const *buffers, bool query) {
    hl_status status = check_outputs(view, n, buffers, query);
    if (status != HL_OK) return status;
    jit_pipeline *p;
    status = acquire(view, &p);
    if (status != HL_OK) return status;

    for (int i = 0; i < p->nparams; i++)
        if (!p->params[i]->has_value) {
            status = fail(HL_ERROR_USER, "Param %s has no value: call set() before realizing", p->params[i]->name);
            pipeline_release(p);
            return status;
        }
    for (int i = 0; i < p->ninputs; i++) {
        if (!p->inputs[i] && !p->image_params[i]->bound) {
            status = fail(HL_ERROR_USER, "ImageParam %s is not bound to a Buffer: call set() before realizing",
                          p->image_params[i]->name);
            pipeline_release(p);
            return status;
        }
        /* An input without memory would make the pipeline answer a bounds query and compute
         * nothing: only a bounds query may pass one. */
        const halide_buffer_t *in = hl_buffer_raw(p->inputs[i] ? p->inputs[i] : p->image_params[i]->bound);
        if (!query && !in->host && !in->device) {
            status = fail(HL_ERROR_USER,
                          "Input %s is a Buffer with no memory (a bounds query); bind one with data, or let "
                          "infer_input_bounds() allocate it",
                          p->inputs[i] ? hl_buffer_name(p->inputs[i]) : p->image_params[i]->name);
            pipeline_release(p);
            return status;
        }
    }
    int nargs = 1 + p->ninputs + p->nparams + n;
    void *small[16];
    void **args = nargs <= 16 ? small : hl_malloc(sizeof(void *) * (size_t)nargs);
    param_value *values = hl_calloc((size_t)(p->nparams ? p->nparams : 1), sizeof *values);
    jit_user_context *uc = hl_calloc(1, sizeof *uc);
    if (!args || !uc || !values) {
        if (args != small) hl_free(args);
        hl_free(uc);
        hl_free(values);
        pipeline_release(p);
        return fail(HL_ERROR_NOMEM, "Out of memory");
    }
    void *uc_value = uc;
    args[0] = &uc_value;
    for (int i = 0; i < p->ninputs; i++)
        args[1 + i] = hl_buffer_raw(p->inputs[i] ? p->inputs[i] : p->image_params[i]->bound);
    /* Params are read now (a copy), so a concurrent set() does not tear a value. */
    for (int i = 0; i < p->nparams; i++) {
        values[i] = p->params[i]->value;
        args[1 + p->ninputs + i] = &values[i];
    }
    for (int i = 0; i < n; i++) args[1 + p->ninputs + p->nparams + i] = hl_buffer_raw(buffers[i]);

    int32_t result = jit_entry(p->module)(args);
    if (result != 0) {
        if (uc->error_len) status = fail(HL_ERROR_RUNTIME, "%s", uc->error);
        else status = fail(HL_ERROR_RUNTIME, "Pipeline %s failed with error code %d",
                           view->outputs[0]->name, result);
    }
    if (args != small) hl_free(args);
    hl_free(uc);
    hl_free(values);
    pipeline_release(p);
    return status;
}

/* ---- Funcs on their own ----------------------------------------------------------------- */

hl_status hl_func_compile_jit(hl_func *f) {
    pipeline_view v = func_view(&f);
    return compile_jit(&v);
}

hl_status hl_func_loop_nest(hl_func *f, char **out) {
    pipeline_view v = func_view(&f);
    return text_of(&v, true, out);
}

hl_status hl_func_lowered_stmt(hl_func *f, char **out) {
    pipeline_view v = func_view(&f);
    return text_of(&v, false, out);
}

hl_status hl_func_realize(hl_func *f, int noutputs, hl_buffer *const *outputs) {
    pipeline_view v = func_view(&f);
    return realize(&v, noutputs, outputs, false);
}

hl_status hl_func_bounds_query(hl_func *f, int noutputs, hl_buffer *const *outputs) {
    pipeline_view v = func_view(&f);
    return realize(&v, noutputs, outputs, true);
}

/* ---- Pipelines ------------------------------------------------------------------------------ */

hl_status hl_pipeline_new(int noutputs, hl_func *const *outputs, hl_pipeline **out) {
    *out = NULL;
    if (noutputs < 1) return fail(HL_ERROR_USER, "A Pipeline needs at least one output Func");
    hl_pipeline *p = hl_calloc(1, sizeof *p);
    hl_func **copy = hl_calloc((size_t)noutputs, sizeof *copy);
    if (!p || !copy) {
        hl_free(p);
        hl_free(copy);
        return fail(HL_ERROR_NOMEM, "Out of memory");
    }
    p->refs = 1;
    p->noutputs = noutputs;
    p->outputs = copy;
    for (int i = 0; i < noutputs; i++) {
        copy[i] = outputs[i];
        hl_func_retain(copy[i]);
    }
    pthread_mutex_init(&p->lock, NULL);
    *out = p;
    return HL_OK;
}

void hl_pipeline_retain(hl_pipeline *p) {
    if (p) p->refs++;
}

void hl_pipeline_release(hl_pipeline *p) {
    if (!p || --p->refs > 0) return;
    pipeline_release(p->jit);
    for (int i = 0; i < p->noutputs; i++) hl_func_release(p->outputs[i]);
    hl_free(p->outputs);
    pthread_mutex_destroy(&p->lock);
    hl_free(p);
}

void hl_pipeline_invalidate_cache(hl_pipeline *p) {
    pthread_mutex_lock(&p->lock);
    pipeline_release(p->jit);
    p->jit = NULL;
    pthread_mutex_unlock(&p->lock);
}

typedef struct get_func_job {
    hl_pipeline *p;
    int index;
    hl_func *result;
} get_func_job;

static void get_func_protected(hl_ctx *ctx, void *ud) {
    get_func_job *job = ud;
    lower_state ls = {.ctx = ctx, .noutputs = job->p->noutputs, .outputs = job->p->outputs};
    lower_find_functions(&ls);
    user_assert(ctx, job->index >= 0 && job->index < ls.nfuncs,
                "Index value passed is %d; however, there are only %d functions in the pipeline.", job->index,
                ls.nfuncs);
    job->result = ls.funcs[job->index].func;
}

hl_status hl_pipeline_get_func(hl_pipeline *p, int index, hl_func **out) {
    *out = NULL;
    get_func_job job = {p, index, NULL};
    hl_ctx ctx;
    ctx_init(&ctx, 1);
    if (!ctx.arena) return fail(HL_ERROR_NOMEM, "Out of memory");
    int status = ctx_pcall(&ctx, get_func_protected, &job);
    ctx_close(&ctx);
    if (status != HL_OK) return (hl_status)status;
    hl_func_retain(job.result);
    *out = job.result;
    return HL_OK;
}

int hl_pipeline_num_outputs(const hl_pipeline *p) { return p->noutputs; }
hl_func *hl_pipeline_output(const hl_pipeline *p, int i) { return p->outputs[i]; }

static pipeline_view view_of(hl_pipeline *p) {
    pipeline_view v = {p->noutputs, p->outputs, &p->lock, &p->jit};
    return v;
}

hl_status hl_pipeline_compile_jit(hl_pipeline *p) {
    pipeline_view v = view_of(p);
    return compile_jit(&v);
}

hl_status hl_pipeline_loop_nest(hl_pipeline *p, char **out) {
    pipeline_view v = view_of(p);
    return text_of(&v, true, out);
}

hl_status hl_pipeline_lowered_stmt(hl_pipeline *p, char **out) {
    pipeline_view v = view_of(p);
    return text_of(&v, false, out);
}

hl_status hl_pipeline_realize(hl_pipeline *p, int nbuffers, hl_buffer *const *buffers) {
    pipeline_view v = view_of(p);
    return realize(&v, nbuffers, buffers, false);
}

hl_status hl_pipeline_bounds_query(hl_pipeline *p, int nbuffers, hl_buffer *const *buffers) {
    pipeline_view v = view_of(p);
    return realize(&v, nbuffers, buffers, true);
}
