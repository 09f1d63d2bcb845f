/* jit.c - lowered statement to machine code in this process, through ORC LLJIT.
 *
 * Assumes: a compile context with an arena (jit_compile raises into it). The statement
 * follows codegen.h's conventions.
 *
 * Guarantees: the module is optimised at -O3 for the host CPU, then handed to a fresh
 * LLJIT whose main JITDylib defines every runtime function of src/runtime as an absolute
 * symbol (so generated code calls this library's halide_error, halide_malloc, ...) plus
 * the C math functions codegen and LLVM emit, with the process's own symbols as the
 * fallback. Until jit_compile returns, every LLVM object is owned by the arena (a raise at
 * any point releases all of it); on return the jit_module owns the LLJIT, which owns the
 * code. LLVM-C errors are turned into raises here, never inside LLVM frames.
 * HL_DEBUG_CODEGEN=1 prints the time of each phase to stderr.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, posix_memalign */
#include "jit.h"
#include "util/alloc.h"
#include "util/check.h"

#include <llvm-c/LLJIT.h>
#include <llvm-c/Orc.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct jit_module {
    LLVMOrcLLJITRef jit;
    jit_argv_fn entry;
};

jit_argv_fn jit_entry(const jit_module *m) { return m->entry; }

void jit_free(jit_module *m) {
    if (!m) return;
    if (m->jit) {
        LLVMErrorRef err = LLVMOrcDisposeLLJIT(m->jit);
        if (err) LLVMConsumeError(err);
    }
    hl_free(m);
}

/* C library functions that generated code may call: math that LLVM has no instruction
 * for (codegen_call.c's libm table, and what LLVM lowers its math intrinsics to). Taking
 * their addresses here also keeps libm linked in. */
#define LIBM_PAIR(fn) {#fn, (void *)&fn}, {#fn "f", (void *)&fn##f}
static const rt_symbol libm_symbols[] = {
    LIBM_PAIR(sin),   LIBM_PAIR(cos),   LIBM_PAIR(tan),   LIBM_PAIR(asin),  LIBM_PAIR(acos),
    LIBM_PAIR(atan),  LIBM_PAIR(atan2), LIBM_PAIR(sinh),  LIBM_PAIR(cosh),  LIBM_PAIR(tanh),
    LIBM_PAIR(asinh), LIBM_PAIR(acosh), LIBM_PAIR(atanh), LIBM_PAIR(exp),   LIBM_PAIR(exp2),
    LIBM_PAIR(log),   LIBM_PAIR(log2),  LIBM_PAIR(log10), LIBM_PAIR(pow),   LIBM_PAIR(sqrt),
    LIBM_PAIR(floor), LIBM_PAIR(ceil),  LIBM_PAIR(trunc), LIBM_PAIR(round), LIBM_PAIR(rint),
    LIBM_PAIR(nearbyint), LIBM_PAIR(fabs), LIBM_PAIR(fmod), LIBM_PAIR(erf), LIBM_PAIR(hypot),
    LIBM_PAIR(fmin),  LIBM_PAIR(fmax),
    {"memcpy", (void *)&memcpy},
    {"memmove", (void *)&memmove},
    {"memset", (void *)&memset},
    {0, 0},
};

/* ---- Ownership by the arena ------------------------------------------------------------ */

typedef struct jit_owner {
    jit_module *module; /* freed when the arena drops, unless jit_compile succeeded */
} jit_owner;

static void drop_owner(void *p) { jit_free(((jit_owner *)p)->module); }
static void drop_tsc(void *p) { LLVMOrcDisposeThreadSafeContext(p); }

static void own(hl_ctx *ctx, void (*fn)(void *), void *data) {
    if (arena_on_drop(ctx->arena, fn, data) != 0)
        ctx_raise(ctx, HL_ERROR_NOMEM, "Out of memory (registering a JIT object)");
}

/* Consumes err and raises its message (copied to the stack first: raising may not wait). */
_Noreturn static void raise_llvm(hl_ctx *ctx, LLVMErrorRef err, const char *what) {
    char buf[1024];
    char *m = LLVMGetErrorMessage(err);
    snprintf(buf, sizeof buf, "%s", m ? m : "unknown error");
    LLVMDisposeErrorMessage(m);
    internal_error(ctx, "JIT: %s failed: %s", what, buf);
}

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static size_t count(const rt_symbol *s) {
    size_t n = 0;
    while (s[n].name) n++;
    return n;
}

static void define_symbols(hl_ctx *ctx, LLVMOrcLLJITRef jit, LLVMOrcJITDylibRef jd) {
    const rt_symbol *tables[2] = {rt_jit_symbols, libm_symbols};
    size_t n = count(rt_jit_symbols) + count(libm_symbols);
    LLVMOrcCSymbolMapPair *pairs = ctx_alloc(ctx, n * sizeof *pairs);
    size_t k = 0;
    for (int t = 0; t < 2; t++) {
        for (const rt_symbol *s = tables[t]; s->name; s++, k++) {
            pairs[k].Name = LLVMOrcLLJITMangleAndIntern(jit, s->name);
            pairs[k].Sym.Address = (LLVMOrcExecutorAddress)(uintptr_t)s->address;
            pairs[k].Sym.Flags.GenericFlags =
                LLVMJITSymbolGenericFlagsExported | LLVMJITSymbolGenericFlagsCallable;
            pairs[k].Sym.Flags.TargetFlags = 0;
        }
    }
    /* Takes over the interned names. */
    LLVMOrcMaterializationUnitRef mu = LLVMOrcAbsoluteSymbols(pairs, n);
    LLVMErrorRef err = LLVMOrcJITDylibDefine(jd, mu);
    if (err) {
        LLVMOrcDisposeMaterializationUnit(mu);
        raise_llvm(ctx, err, "defining runtime symbols");
    }
    LLVMOrcDefinitionGeneratorRef gen;
    err = LLVMOrcCreateDynamicLibrarySearchGeneratorForProcess(
        &gen, LLVMOrcLLJITGetGlobalPrefix(jit), NULL, NULL);
    if (err) raise_llvm(ctx, err, "making the process symbol generator");
    LLVMOrcJITDylibAddGenerator(jd, gen);
}

static LLVMOrcLLJITRef make_lljit(hl_ctx *ctx) {
    LLVMOrcJITTargetMachineBuilderRef jtmb;
    LLVMErrorRef err = LLVMOrcJITTargetMachineBuilderDetectHost(&jtmb);
    if (err) raise_llvm(ctx, err, "detecting the host");
    LLVMOrcLLJITBuilderRef builder = LLVMOrcCreateLLJITBuilder();
    LLVMOrcLLJITBuilderSetJITTargetMachineBuilder(builder, jtmb);
    LLVMOrcLLJITRef jit;
    err = LLVMOrcCreateLLJIT(&jit, builder); /* takes the builder, even on failure */
    if (err) raise_llvm(ctx, err, "creating the LLJIT");
    return jit;
}

jit_module *jit_compile(hl_ctx *ctx, const char *fn_name, int nargs, const cg_arg *args,
                        ir_node *body) {
    internal_assert(ctx, ctx->arena, "jit_compile needs a compile context");
    double t0 = now_ms();
    const cg_target_ops *target = cg_host_target();
    LLVMTargetMachineRef tm = cg_target_machine(ctx, target);

    LLVMOrcThreadSafeContextRef tsc = LLVMOrcCreateNewThreadSafeContext();
    own(ctx, drop_tsc, tsc);
    LLVMContextRef llctx = LLVMOrcThreadSafeContextGetContext(tsc);
    LLVMModuleRef module = cg_compile_module(ctx, llctx, target, tm, fn_name, nargs, args, body);
    double t1 = now_ms();
    cg_optimize_module(ctx, module, tm);
    double t2 = now_ms();

    jit_owner *owner = ctx_alloc(ctx, sizeof *owner);
    own(ctx, drop_owner, owner);
    jit_module *m = hl_calloc(1, sizeof *m);
    if (!m) ctx_raise(ctx, HL_ERROR_NOMEM, "Out of memory (allocating a JIT module)");
    owner->module = m;
    m->jit = make_lljit(ctx);
    LLVMOrcJITDylibRef jd = LLVMOrcLLJITGetMainJITDylib(m->jit);
    define_symbols(ctx, m->jit, jd);
    double t3 = now_ms();

    /* From here the module belongs to the JIT (even if adding it fails). */
    LLVMOrcThreadSafeModuleRef tsm = LLVMOrcCreateNewThreadSafeModule(module, tsc);
    LLVMErrorRef err = LLVMOrcLLJITAddLLVMIRModule(m->jit, jd, tsm);
    if (err) raise_llvm(ctx, err, "adding the module");

    const char *entry_name = ctx_printf(ctx, "%s_argv", fn_name);
    LLVMOrcExecutorAddress addr = 0;
    err = LLVMOrcLLJITLookup(m->jit, &addr, entry_name);
    if (err) raise_llvm(ctx, err, "compiling to machine code");
    internal_assert(ctx, addr != 0, "JIT: %s has no address", entry_name);
    m->entry = (jit_argv_fn)(uintptr_t)addr;
    owner->module = NULL;

    const char *debug = getenv("HL_DEBUG_CODEGEN");
    if (debug && atoi(debug) >= 1)
        fprintf(stderr,
                "jit_compile %s: codegen %.2f ms, optimise %.2f ms, LLJIT setup %.2f ms, "
                "machine code %.2f ms\n",
                fn_name, t1 - t0, t2 - t1, t3 - t2, now_ms() - t3);
    return m;
}
