/* codegen_llvm.c - the common part of code generation: targets, the module and its two
 * entry points, optimisation, and the small LLVM helpers the other codegen files share.
 *
 * Assumes: a lowered statement (codegen.h lists its conventions) and a target machine for
 * the target (cg_target_machine). Every LLVM object made here is either owned by the
 * module's context (values, types, the module itself) or registered with the compile's
 * arena (builder, target machine), so a raise from any point leaks nothing. LLVM-C
 * failures come back as strings or error refs and are raised here, in our frames.
 *
 * Guarantees: the module holds `int32_t name(args...)`, which returns 0 or the negative
 * code of the first failed assertion, and `int32_t name_argv(void **args)`; the module
 * passes the LLVM verifier before it is returned (an internal error otherwise).
 */
#include "codegen_internal.h"
#include "util/check.h"

#include <llvm-c/Analysis.h>
#include <llvm-c/Target.h>
#include <llvm-c/Transforms/PassBuilder.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Targets ------------------------------------------------------------------------------ */

const cg_target_ops *cg_host_target(void) {
#if defined(__aarch64__)
    return &cg_arm_64_target;
#else
    return &cg_x86_64_target;
#endif
}

static const cg_target_ops *const targets[] = {&cg_x86_64_target, &cg_arm_64_target, &cg_arm_32_target};

const cg_target_ops *cg_target_by_name(const char *name) {
    if (!strcmp(name, "host")) return cg_host_target();
    for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++)
        if (!strcmp(targets[i]->name, name)) return targets[i];
    return NULL;
}

const cg_target_ops *cg_target_for(const hl_target *t) {
    for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++)
        if (targets[i]->arch == t->arch && targets[i]->bits == t->bits) return targets[i];
    return NULL;
}

static void dispose_target_machine(void *tm) { LLVMDisposeTargetMachine(tm); }
static void dispose_builder(void *b) { LLVMDisposeBuilder(b); }
static void dispose_pass_options(void *o) { LLVMDisposePassBuilderOptions(o); }

static void own(hl_ctx *ctx, void (*fn)(void *), void *data) {
    if (arena_on_drop(ctx->arena, fn, data) != 0)
        ctx_raise(ctx, HL_ERROR_NOMEM, "Out of memory (registering an LLVM object)");
}

LLVMTargetMachineRef cg_target_machine_for(hl_ctx *ctx, const cg_target_ops *target,
                                           const char *triple, const char *cpu,
                                           const char *features) {
    internal_assert(ctx, ctx->arena, "codegen needs a compile context");
    target->initialize();
    LLVMTargetRef llvm_target;
    char *err = NULL;
    if (LLVMGetTargetFromTriple(triple, &llvm_target, &err)) {
        char msg[512];
        snprintf(msg, sizeof msg, "%s", err ? err : "unknown target");
        LLVMDisposeMessage(err);
        user_error(ctx, "LLVM does not support target %s: %s", triple, msg);
    }
    LLVMTargetMachineRef tm =
        LLVMCreateTargetMachine(llvm_target, triple, cpu, features,
                                LLVMCodeGenLevelAggressive, LLVMRelocPIC, LLVMCodeModelDefault);
    if (!tm) internal_error(ctx, "LLVM could not make a target machine for %s", triple);
    own(ctx, dispose_target_machine, tm);
    return tm;
}

LLVMTargetMachineRef cg_target_machine(hl_ctx *ctx, const cg_target_ops *target) {
    const char *cpu, *features;
    target->cpu_and_features(ctx, &cpu, &features);
    return cg_target_machine_for(ctx, target, target->triple, cpu, features);
}

static int debug_level(void) {
    const char *s = getenv("HL_DEBUG_CODEGEN");
    return s ? atoi(s) : 0;
}

static void dump_module(LLVMModuleRef m, const char *when) {
    char *text = LLVMPrintModuleToString(m);
    fprintf(stderr, "---- LLVM IR %s ----\n%s\n", when, text);
    LLVMDisposeMessage(text);
}

void cg_optimize_module(hl_ctx *ctx, LLVMModuleRef module, LLVMTargetMachineRef tm) {
    LLVMPassBuilderOptionsRef opts = LLVMCreatePassBuilderOptions();
    own(ctx, dispose_pass_options, opts);
    LLVMPassBuilderOptionsSetLoopVectorization(opts, 1);
    LLVMPassBuilderOptionsSetSLPVectorization(opts, 1);
    LLVMPassBuilderOptionsSetLoopInterleaving(opts, 1);
    LLVMPassBuilderOptionsSetLoopUnrolling(opts, 1);
    LLVMErrorRef err = LLVMRunPasses(module, "default<O3>", tm, opts);
    if (err) {
        char msg[1024];
        char *m = LLVMGetErrorMessage(err);
        snprintf(msg, sizeof msg, "%s", m ? m : "");
        LLVMDisposeErrorMessage(m);
        internal_error(ctx, "LLVM optimisation failed: %s", msg);
    }
    if (debug_level() >= 3) dump_module(module, "after optimisation");
}

const char *cg_take_llvm_string(hl_ctx *ctx, char *llvm_message, const char *fallback) {
    const char *s = llvm_message ? llvm_message : fallback;
    size_t n = strlen(s) + 1;
    char *copy = arena_alloc(ctx->arena, n);
    if (copy) memcpy(copy, s, n);
    LLVMDisposeMessage(llvm_message);
    if (!copy) ctx_raise(ctx, HL_ERROR_NOMEM, "Out of memory (copying an LLVM string)");
    return copy;
}

/* ---- Types, scope and helpers ------------------------------------------------------------- */

static LLVMTypeRef scalar_type(cg_state *cg, hl_type t) {
    switch (t.code) {
    case halide_type_int:
    case halide_type_uint:
        return LLVMIntTypeInContext(cg->llctx, t.bits);
    case halide_type_float:
        if (t.bits == 16) return LLVMHalfTypeInContext(cg->llctx);
        if (t.bits == 32) return cg->f32;
        if (t.bits == 64) return cg->f64;
        break;
    case halide_type_bfloat:
        if (t.bits == 16) return LLVMBFloatTypeInContext(cg->llctx);
        break;
    case halide_type_handle:
        return cg->ptr;
    default:
        break;
    }
    internal_error(cg->ctx, "no LLVM type for type code %d bits %d", t.code, t.bits);
}

LLVMTypeRef cg_llvm_type(cg_state *cg, hl_type t) {
    LLVMTypeRef s = scalar_type(cg, t);
    return t.lanes > 1 ? LLVMVectorType(s, t.lanes) : s;
}

LLVMTypeRef cg_storage_type(cg_state *cg, hl_type t) {
    if (ir_is_bool(t)) t.bits = 8;
    return cg_llvm_type(cg, t);
}

void cg_scope_push(cg_state *cg, const char *name, LLVMValueRef value) {
    if (cg->scope_len == cg->scope_cap) {
        int cap = cg->scope_cap ? cg->scope_cap * 2 : 64;
        cg_binding *grown = ctx_alloc(cg->ctx, (size_t)cap * sizeof *grown);
        if (cg->scope_len) memcpy(grown, cg->scope, (size_t)cg->scope_len * sizeof *grown);
        cg->scope = grown;
        cg->scope_cap = cap;
    }
    cg->scope[cg->scope_len].name = name;
    cg->scope[cg->scope_len].value = value;
    cg->scope_len++;
}

void cg_scope_pop(cg_state *cg) {
    internal_assert(cg->ctx, cg->scope_len > 0, "scope underflow");
    cg->scope_len--;
}

LLVMValueRef cg_scope_find(cg_state *cg, const char *name) {
    for (int i = cg->scope_len - 1; i >= 0; i--)
        if (!strcmp(cg->scope[i].name, name)) return cg->scope[i].value;
    return NULL;
}

LLVMValueRef cg_scope_get(cg_state *cg, const char *name) {
    LLVMValueRef v = cg_scope_find(cg, name);
    internal_assert(cg->ctx, v, "codegen: symbol \"%s\" is not in scope", name);
    return v;
}

LLVMValueRef cg_call_intrinsic(cg_state *cg, const char *name, LLVMTypeRef *overloads,
                               int noverloads, LLVMValueRef *args, int nargs) {
    unsigned id = LLVMLookupIntrinsicID(name, strlen(name));
    internal_assert(cg->ctx, id != 0, "unknown LLVM intrinsic %s", name);
    LLVMValueRef fn = LLVMGetIntrinsicDeclaration(cg->module, id, overloads, (size_t)noverloads);
    LLVMTypeRef fty = LLVMIntrinsicGetType(cg->llctx, id, overloads, (size_t)noverloads);
    return LLVMBuildCall2(cg->builder, fty, fn, args, (unsigned)nargs, "");
}

static void add_fn_attr(cg_state *cg, LLVMValueRef fn, const char *attr, uint64_t value) {
    unsigned kind = LLVMGetEnumAttributeKindForName(attr, strlen(attr));
    LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex,
                            LLVMCreateEnumAttribute(cg->llctx, kind, value));
}

LLVMValueRef cg_call_c(cg_state *cg, const char *name, LLVMTypeRef ret, LLVMValueRef *args,
                       int nargs, bool pure) {
    internal_assert(cg->ctx, nargs <= 16, "too many arguments to %s", name);
    LLVMTypeRef params[16];
    for (int i = 0; i < nargs; i++) params[i] = LLVMTypeOf(args[i]);
    LLVMTypeRef fty = LLVMFunctionType(ret, params, (unsigned)nargs, 0);
    LLVMValueRef fn = LLVMGetNamedFunction(cg->module, name);
    if (!fn) {
        fn = LLVMAddFunction(cg->module, name, fty);
        add_fn_attr(cg, fn, "nounwind", 0);
        if (pure) {
            add_fn_attr(cg, fn, "willreturn", 0);
            add_fn_attr(cg, fn, "memory", 0); /* memory(none) */
        }
    }
    return LLVMBuildCall2(cg->builder, fty, fn, args, (unsigned)nargs, "");
}

LLVMValueRef cg_splat(cg_state *cg, LLVMValueRef scalar, int lanes) {
    if (lanes <= 1) return scalar;
    internal_assert(cg->ctx, LLVMGetTypeKind(LLVMTypeOf(scalar)) != LLVMVectorTypeKind,
                    "splat of a vector");
    LLVMTypeRef vt = LLVMVectorType(LLVMTypeOf(scalar), (unsigned)lanes);
    LLVMValueRef v = LLVMBuildInsertElement(cg->builder, LLVMGetPoison(vt), scalar,
                                            LLVMConstInt(cg->i32, 0, 0), "");
    LLVMValueRef zeros = LLVMConstNull(LLVMVectorType(cg->i32, (unsigned)lanes));
    return LLVMBuildShuffleVector(cg->builder, v, LLVMGetPoison(vt), zeros, "");
}

LLVMValueRef cg_const_int(cg_state *cg, hl_type t, int64_t v) {
    LLVMValueRef c = LLVMConstInt(scalar_type(cg, t), (unsigned long long)v, ir_is_int(t));
    if (t.lanes <= 1) return c;
    internal_assert(cg->ctx, t.lanes <= 1024, "vector too wide");
    LLVMValueRef elems[1024];
    for (int i = 0; i < t.lanes; i++) elems[i] = c;
    return LLVMConstVector(elems, t.lanes);
}

LLVMValueRef cg_entry_alloca(cg_state *cg, LLVMTypeRef type, unsigned align) {
    LLVMBasicBlockRef here = LLVMGetInsertBlock(cg->builder);
    LLVMValueRef first = LLVMGetFirstInstruction(cg->entry);
    if (first) LLVMPositionBuilderBefore(cg->builder, first);
    else LLVMPositionBuilderAtEnd(cg->builder, cg->entry);
    LLVMValueRef p = LLVMBuildAlloca(cg->builder, type, "");
    if (align) LLVMSetAlignment(p, align);
    LLVMPositionBuilderAtEnd(cg->builder, here);
    return p;
}

LLVMBasicBlockRef cg_new_block(cg_state *cg, const char *name) {
    return LLVMAppendBasicBlockInContext(cg->llctx, cg->function, name);
}

void cg_tag_access(cg_state *cg, LLVMValueRef inst, const char *buffer) {
    LLVMMetadataRef zero = LLVMValueAsMetadata(LLVMConstInt(cg->i64, 0, 0));
    LLVMMetadataRef type_md[3] = {LLVMMDStringInContext2(cg->llctx, buffer, strlen(buffer)),
                                  cg->tbaa_root, zero};
    LLVMMetadataRef type = LLVMMDNodeInContext2(cg->llctx, type_md, 3);
    LLVMMetadataRef tag_md[3] = {type, type, zero};
    LLVMMetadataRef tag = LLVMMDNodeInContext2(cg->llctx, tag_md, 3);
    LLVMSetMetadata(inst, cg->tbaa_kind, LLVMMetadataAsValue(cg->llctx, tag));
}

void cg_return_error(cg_state *cg, LLVMValueRef code) {
    for (int i = cg->allocs_len - 1; i >= 0; i--) {
        if (cg->allocs[i].freed) continue;
        LLVMValueRef args[2] = {cg->user_context, cg->allocs[i].ptr};
        cg_call_c(cg, "halide_free", cg->void_t, args, 2, false);
    }
    LLVMBuildRet(cg->builder, code);
}

/* ---- The module --------------------------------------------------------------------------- */

static void init_types(cg_state *cg) {
    LLVMContextRef c = cg->llctx;
    cg->i1 = LLVMInt1TypeInContext(c);
    cg->i8 = LLVMInt8TypeInContext(c);
    cg->i16 = LLVMInt16TypeInContext(c);
    cg->i32 = LLVMInt32TypeInContext(c);
    cg->i64 = LLVMInt64TypeInContext(c);
    cg->f32 = LLVMFloatTypeInContext(c);
    cg->f64 = LLVMDoubleTypeInContext(c);
    cg->ptr = LLVMPointerTypeInContext(c, 0);
    cg->void_t = LLVMVoidTypeInContext(c);
    /* halide_dimension_t {min, extent, stride, flags} */
    LLVMTypeRef dim[4] = {cg->i32, cg->i32, cg->i32, cg->i32};
    cg->dimension_t = LLVMStructTypeInContext(c, dim, 4, 0);
    /* halide_type_t {code, bits, lanes} */
    LLVMTypeRef type_fields[3] = {cg->i8, cg->i8, cg->i16};
    LLVMTypeRef type_t = LLVMStructTypeInContext(c, type_fields, 3, 0);
    /* halide_buffer_t {device, device_interface, host, flags, type, dimensions, dim, padding} */
    LLVMTypeRef buf[8] = {cg->i64, cg->ptr, cg->ptr, cg->i64, type_t, cg->i32, cg->ptr, cg->ptr};
    cg->buffer_t = LLVMStructTypeInContext(c, buf, 8, 0);
    const char *root = "halide_c buffers";
    LLVMMetadataRef root_name = LLVMMDStringInContext2(c, root, strlen(root));
    cg->tbaa_root = LLVMMDNodeInContext2(c, &root_name, 1);
    cg->tbaa_kind = LLVMGetMDKindIDInContext(c, "tbaa", 4);
}

void cg_set_function_attrs(cg_state *cg, LLVMValueRef fn) {
    LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex,
                            LLVMCreateStringAttribute(cg->llctx, "target-cpu", 10, cg->cpu,
                                                      (unsigned)strlen(cg->cpu)));
    LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex,
                            LLVMCreateStringAttribute(cg->llctx, "target-features", 15,
                                                      cg->features,
                                                      (unsigned)strlen(cg->features)));
    add_fn_attr(cg, fn, "nounwind", 0);
}

static LLVMTypeRef arg_type(cg_state *cg, const cg_arg *a) {
    return a->is_buffer ? cg->ptr : cg_llvm_type(cg, ir_element_of(a->type));
}

static LLVMValueRef define_main(cg_state *cg, const char *fn_name, int nargs,
                                const cg_arg *args, ir_node *body) {
    LLVMTypeRef *params = ctx_alloc(cg->ctx, (size_t)(nargs + 1) * sizeof *params);
    for (int i = 0; i < nargs; i++) params[i] = arg_type(cg, &args[i]);
    LLVMTypeRef fty = LLVMFunctionType(cg->i32, params, (unsigned)nargs, 0);
    LLVMValueRef fn = LLVMAddFunction(cg->module, fn_name, fty);
    cg_set_function_attrs(cg, fn);
    cg->function = fn;
    cg->entry = cg_new_block(cg, "entry");
    LLVMPositionBuilderAtEnd(cg->builder, cg->entry);

    cg->user_context = NULL;
    for (int i = 0; i < nargs; i++) {
        LLVMValueRef p = LLVMGetParam(fn, (unsigned)i);
        if (args[i].is_buffer) {
            const char *name = ctx_printf(cg->ctx, "%s.buffer", args[i].name);
            LLVMSetValueName2(p, name, strlen(name));
            cg_scope_push(cg, name, p);
        } else {
            LLVMSetValueName2(p, args[i].name, strlen(args[i].name));
            cg_scope_push(cg, args[i].name, p);
            if (!strcmp(args[i].name, "__user_context") && ir_is_handle(args[i].type))
                cg->user_context = p;
        }
    }
    if (!cg->user_context) {
        cg->user_context = LLVMConstNull(cg->ptr);
        cg_scope_push(cg, "__user_context", cg->user_context);
    }
    cg_stmt(cg, body);
    LLVMBuildRet(cg->builder, LLVMConstInt(cg->i32, 0, 0));
    return fn;
}

/* int32_t name_argv(void **args): args[i] points at scalar i; for a buffer it is the
 * halide_buffer_t* itself (Halide's argv convention). */
static void define_argv(cg_state *cg, LLVMValueRef main_fn, const char *fn_name, int nargs,
                        const cg_arg *args) {
    const char *name = ctx_printf(cg->ctx, "%s_argv", fn_name);
    LLVMTypeRef fty = LLVMFunctionType(cg->i32, &cg->ptr, 1, 0);
    LLVMValueRef fn = LLVMAddFunction(cg->module, name, fty);
    cg_set_function_attrs(cg, fn);
    cg->function = fn;
    LLVMPositionBuilderAtEnd(cg->builder, cg_new_block(cg, "entry"));
    LLVMValueRef argv = LLVMGetParam(fn, 0);
    LLVMValueRef *vals = ctx_alloc(cg->ctx, (size_t)(nargs + 1) * sizeof *vals);
    for (int i = 0; i < nargs; i++) {
        LLVMValueRef idx = LLVMConstInt(cg->i64, (unsigned long long)i, 0);
        LLVMValueRef slot = LLVMBuildGEP2(cg->builder, cg->ptr, argv, &idx, 1, "");
        LLVMValueRef p = LLVMBuildLoad2(cg->builder, cg->ptr, slot, "");
        vals[i] = args[i].is_buffer ? p : LLVMBuildLoad2(cg->builder, arg_type(cg, &args[i]), p, "");
    }
    LLVMValueRef r = LLVMBuildCall2(cg->builder, LLVMGlobalGetValueType(main_fn), main_fn, vals,
                                    (unsigned)nargs, "");
    LLVMBuildRet(cg->builder, r);
}

LLVMModuleRef cg_compile_module(hl_ctx *ctx, LLVMContextRef llctx, const cg_target_ops *target,
                                LLVMTargetMachineRef tm, const char *fn_name, int nargs,
                                const cg_arg *args, ir_node *body) {
    internal_assert(ctx, ctx->arena, "codegen needs a compile context");
    internal_assert(ctx, body && ir_is_stmt(body), "codegen needs a statement");
    cg_state *cg = ctx_alloc(ctx, sizeof *cg);
    cg->ctx = ctx;
    cg->llctx = llctx;
    cg->target = target;
    cg->cpu = cg_take_llvm_string(ctx, LLVMGetTargetMachineCPU(tm), "");
    cg->features = cg_take_llvm_string(ctx, LLVMGetTargetMachineFeatureString(tm), "");
    init_types(cg);

    cg->module = LLVMModuleCreateWithNameInContext(fn_name, llctx);
    char *triple = LLVMGetTargetMachineTriple(tm);
    LLVMSetTarget(cg->module, triple);
    LLVMDisposeMessage(triple);
    LLVMTargetDataRef layout = LLVMCreateTargetDataLayout(tm);
    LLVMSetModuleDataLayout(cg->module, layout);
    cg->intptr = LLVMIntPtrTypeInContext(llctx, layout);
    LLVMDisposeTargetData(layout);

    cg->builder = LLVMCreateBuilderInContext(llctx);
    own(ctx, dispose_builder, cg->builder);

    LLVMValueRef main_fn = define_main(cg, fn_name, nargs, args, body);
    define_argv(cg, main_fn, fn_name, nargs, args);

    int level = debug_level();
    if (level >= 3) dump_module(cg->module, "before optimisation");
    char *err = NULL;
    if (LLVMVerifyModule(cg->module, LLVMReturnStatusAction, &err)) {
        char msg[2048];
        snprintf(msg, sizeof msg, "%s", err ? err : "");
        LLVMDisposeMessage(err);
        if (level >= 1 && level < 3) dump_module(cg->module, "that failed verification");
        internal_error(ctx, "generated LLVM IR is invalid: %s", msg);
    }
    LLVMDisposeMessage(err);
    return cg->module;
}
