/* lower.c - the lowering driver: the pass list, in order, in one place.
 *
 * Each row names a pass (one file each, same words as its entry function). The driver,
 * not the passes, does logging (HL_DEBUG_LOWER=1 names each pass and says "(unchanged)"
 * when it returned the same statement; 2 prints every statement), timing
 * (HL_TIME_LOWERING_PASSES) and the final argument list. Passes raise on user errors.
 */
#include "lower.h"
#include "simplify.h"
#include "util/check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct lower_pass {
    const char *name;
    lower_pass_fn run;
} lower_pass;

ir_node *lower_simplify_pass(lower_state *ls, ir_node *s) { return lower_simplify(ls->ctx, s); }

static const lower_pass passes[] = {
    {"schedule_functions", lower_schedule_functions},
    {"bounds_inference", lower_bounds_inference},
    {"tracing", lower_tracing},
    {"storage_flattening", lower_storage_flattening},
    {"profiling", lower_profiling},
    {"unroll_loops", lower_unroll_loops},
    {"partition_loops", lower_partition_loops},
    {"vectorize_loops", lower_vectorize_loops},
    {"unpack_buffers", lower_unpack_buffers},
    {"simplify", lower_simplify_pass},
};

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int env_level(const char *name) {
    const char *v = getenv(name);
    return v ? atoi(v) : 0;
}

static void add_arg(lower_state *ls, const char *name, bool is_buffer, hl_type type, int dims) {
    cg_arg *a = &ls->args[ls->nargs++];
    a->name = name;
    a->is_buffer = is_buffer;
    a->type = type;
    a->dimensions = dims;
}

hl_target lower_target(const lower_state *ls) {
    hl_target t;
    if (ls->target) return *ls->target;
    if (hl_jit_target_from_environment(&t) != HL_OK) t = hl_target_host();
    return t;
}

static const char *device_api_name(int api) {
    switch (api) {
    case 2: return "Default_GPU";
    case 3: return "CUDA";
    case 4: return "OpenCL";
    case 5: return "Metal";
    case 6: return "Hexagon";
    case 9: return "Vulkan";
    default: return "a device";
    }
}

/* Whether the target has a feature for the DeviceAPI (Default_GPU: any GPU API). */
static bool has_device_feature(const hl_target *t, int api) {
    static const struct {
        int api, feature;
    } table[] = {{3, 16}, {4, 26}, {5, 32}, {9, 88}, {2, 16}, {2, 26}, {2, 32}, {2, 88}, {2, 58}, {2, 67}};
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (table[i].api == api && hl_target_has_feature(t, table[i].feature)) return true;
    return false;
}

/* gpu_*() schedules: the reference's error without a GPU feature; halide-c has no GPU
 * code generation either way. */
static void check_device(lower_state *ls, const hl_func *f, const hl_target *t) {
    if (!f->device_api || f->device_api == 1) return;
    char name[1024];
    hl_target_to_string(t, name, sizeof name);
    const char *api = device_api_name(f->device_api);
    user_assert(ls->ctx, has_device_feature(t, f->device_api),
                "Schedule for Func %s requires <%s> but no compatible target feature is enabled in target %s",
                f->name, api, name);
    user_error(ls->ctx,
               "Func %s is scheduled to run on %s (target %s): GPU code generation is not supported yet by "
               "halide-c, which generates code for CPUs",
               f->name, api, name);
}

/* Func.hexagon() needs a target with HVX, and offloading is not implemented yet. */
static void check_offload(lower_state *ls) {
    for (int i = 0; i < ls->nfuncs; i++) {
        const hl_func *f = ls->funcs[i].func;
        if (f->device_api) {
            hl_target t = lower_target(ls);
            check_device(ls, f, &t);
        }
        if (!f->offload_hexagon) continue;
        hl_target t = lower_target(ls);
        char name[1024];
        hl_target_to_string(&t, name, sizeof name);
        user_assert(ls->ctx, hl_target_has_feature(&t, HL_FEATURE_HVX),
                    "Schedule for Func %s requires <Hexagon> but no compatible target feature is "
                    "enabled in target %s", f->name, name);
        user_error(ls->ctx,
                   "Func %s is scheduled with hexagon() for target %s: Hexagon offload is not "
                   "supported yet by halide-c (remove hexagon(), or compile for a target without hvx)",
                   f->name, name);
    }
}

static bool in_list(const lower_state *ls, const hl_param *p) {
    for (int i = 0; i < ls->nexplicit; i++)
        if (ls->explicit_list[i] == p) return true;
    return false;
}

/* Halide's message for a Param the argument list lacks. */
_Noreturn static void missing_argument(lower_state *ls, const char *what, const char *name) {
    hl_ctx *ctx = ls->ctx;
    const char *given = "", *used = "";
    for (int i = 0; i < ls->nexplicit; i++) given = ctx_printf(ctx, "%s%s ", given, ls->explicit_list[i]->name);
    for (int i = 0; i < ls->ninputs; i++) used = ctx_printf(ctx, "%s%s ", used, ls->inputs[i].name);
    for (int i = 0; i < ls->nparams; i++) used = ctx_printf(ctx, "%s%s ", used, ls->params[i]->name);
    user_error(ctx,
               "Generated code refers to %s %s, which was not found in the argument list.\n\n"
               "Argument list specified: %s\n\nParameters referenced in generated code: %s\n",
               what, name, given, used);
}

/* The caller's arguments, after checking that they cover everything the pipeline uses. */
static void add_explicit_args(lower_state *ls) {
    for (int i = 0; i < ls->ninputs; i++) {
        const lower_input *in = &ls->inputs[i];
        user_assert(ls->ctx, in->param,
                    "Buffer %s is used directly by a pipeline compiled ahead of time: this is not "
                    "supported yet by halide-c; use an ImageParam (and pass it in the argument list)",
                    in->name);
        if (!in_list(ls, in->param)) missing_argument(ls, "image parameter", in->name);
    }
    for (int i = 0; i < ls->nparams; i++)
        if (!in_list(ls, ls->params[i])) missing_argument(ls, "parameter", ls->params[i]->name);
    for (int i = 0; i < ls->nexplicit; i++) {
        const hl_param *p = ls->explicit_list[i];
        add_arg(ls, p->name, p->is_buffer, p->type, p->is_buffer ? p->dimensions : 0);
    }
}

ir_node *lower_pipeline(lower_state *ls) {
    hl_ctx *ctx = ls->ctx;
    int debug = env_level("HL_DEBUG_LOWER");
    int timing = env_level("HL_TIME_LOWERING_PASSES");
    ir_node *s = NULL;
    for (size_t i = 0; i < sizeof passes / sizeof passes[0]; i++) {
        double t0 = timing ? now_ms() : 0;
        ir_node *next = passes[i].run(ls, s);
        if (timing) fprintf(stderr, "lowering pass %-22s %8.3f ms\n", passes[i].name, now_ms() - t0);
        if (debug) {
            fprintf(stderr, "Lowering pass %s%s\n", passes[i].name, next == s ? " (unchanged)" : "");
            if (debug > 1 && next != s) hl_debug_print(next);
        }
        s = next;
        if (ls->stop_after && strcmp(ls->stop_after, passes[i].name) == 0) return s;
    }
    check_offload(ls);
    int nvalues = 0;
    for (int o = 0; o < ls->noutputs; o++) nvalues += ls->outputs[o]->nvalues;
    ls->args = ctx_alloc(ctx, sizeof(cg_arg) * (size_t)(1 + ls->ninputs + ls->nparams + ls->nexplicit + nvalues));
    if (!ls->explicit_args || ls->user_context_arg) add_arg(ls, "__user_context", false, ir_handle(), 0);
    if (ls->explicit_args) {
        add_explicit_args(ls);
    } else {
        for (int i = 0; i < ls->ninputs; i++)
            add_arg(ls, ls->inputs[i].name, true, ls->inputs[i].type, ls->inputs[i].dimensions);
        for (int i = 0; i < ls->nparams; i++)
            add_arg(ls, ls->params[i]->name, false, ls->params[i]->type, 0);
    }
    for (int o = 0; o < ls->noutputs; o++) {
        const hl_func *f = ls->outputs[o];
        for (int i = 0; i < f->nvalues; i++)
            add_arg(ls, lower_buffer_name(ctx, f, i), true, f->values[i]->type, f->nargs);
    }
    /* Last, as it needs the argument list: the debug feature's announcements. */
    return lower_debug_prints(ls, s);
}

const char *lower_buffer_name(hl_ctx *ctx, const hl_func *f, int value_index) {
    if (f->nvalues == 1) return f->name;
    return ctx_printf(ctx, "%s.%d", f->name, value_index);
}

lower_func *lower_find_func(lower_state *ls, const char *name) {
    for (int i = 0; i < ls->nfuncs; i++)
        if (strcmp(ls->funcs[i].func->name, name) == 0) return &ls->funcs[i];
    return NULL;
}

