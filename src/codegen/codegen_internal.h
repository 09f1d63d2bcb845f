/* codegen_internal.h - state and helpers shared by the files of src/codegen/.
 *
 * The code generator is split by concern: codegen_llvm.c (module, function prologue and
 * argv wrapper, target machine, optimisation, the scope and the small LLVM helpers
 * below), codegen_expr.c (expression nodes), codegen_call.c (intrinsics, math and extern
 * calls), codegen_stmt.c (statement nodes), codegen_atomic.c (atomic() stores), codegen_parallel.c (parallel loops outlined
 * into tasks for halide_do_par_for), and one cg_target_ops table per target family
 * (codegen_x86.c, codegen_arm.c). Every file works on one cg_state, made per compile by
 * cg_compile_module and living in the compile's arena; there is no global state.
 */
#ifndef HL_CODEGEN_CODEGEN_INTERNAL_H
#define HL_CODEGEN_CODEGEN_INTERNAL_H

#include "codegen.h"

#include <llvm-c/Core.h>
#include <llvm-c/TargetMachine.h>

typedef struct cg_binding {
    const char *name;
    LLVMValueRef value;
} cg_binding;

/* A heap allocation made by an Allocate node that is live at the current point of code
 * generation: an early return (failed assert, failed malloc) frees these first. */
typedef struct cg_live_alloc {
    const char *name;
    LLVMValueRef ptr;
    bool freed;
} cg_live_alloc;

typedef struct cg_state {
    hl_ctx *ctx;
    LLVMContextRef llctx;
    LLVMModuleRef module;
    LLVMBuilderRef builder;
    LLVMValueRef function; /* the function being emitted */
    const cg_target_ops *target;
    const char *cpu, *features;

    /* The let/loop/argument scope: a stack searched from the top (newest binding wins). */
    cg_binding *scope;
    int scope_len, scope_cap;

    cg_live_alloc *allocs;
    int allocs_len, allocs_cap;

    LLVMValueRef user_context; /* ptr: the "__user_context" value */
    LLVMBasicBlockRef entry;   /* where allocas go */

    /* Common types. */
    LLVMTypeRef i1, i8, i16, i32, i64, f32, f64, ptr, void_t;
    LLVMTypeRef intptr; /* the target's pointer-sized integer (size_t): i64 or i32 */
    LLVMTypeRef buffer_t, dimension_t; /* halide_buffer_t, halide_dimension_t */

    /* Type-based alias analysis: one type per buffer name, so that distinct buffers do not
     * alias (what Halide does too). */
    LLVMMetadataRef tbaa_root;
    unsigned tbaa_kind;
} cg_state;

/* ---- codegen_llvm.c ------------------------------------------------------------------- */
/* Copies a string LLVM made (LLVMGetHostCPUName, ...) into the arena and disposes it;
 * fallback when it is NULL. Raises only after disposing. */
const char *cg_take_llvm_string(hl_ctx *ctx, char *llvm_message, const char *fallback);
LLVMTypeRef cg_llvm_type(cg_state *cg, hl_type t);
/* Memory type of an element: bools are stored as bytes. */
LLVMTypeRef cg_storage_type(cg_state *cg, hl_type t);
void cg_scope_push(cg_state *cg, const char *name, LLVMValueRef value);
void cg_scope_pop(cg_state *cg);
LLVMValueRef cg_scope_find(cg_state *cg, const char *name); /* NULL when absent */
LLVMValueRef cg_scope_get(cg_state *cg, const char *name);  /* raises when absent */
/* A call of an overloaded LLVM intrinsic ("llvm.smin", ...) with the given overload types. */
LLVMValueRef cg_call_intrinsic(cg_state *cg, const char *name, LLVMTypeRef *overloads,
                               int noverloads, LLVMValueRef *args, int nargs);
/* A call of the C function `name` (declared on first use). */
LLVMValueRef cg_call_c(cg_state *cg, const char *name, LLVMTypeRef ret, LLVMValueRef *args,
                       int nargs, bool pure);
/* Splats a scalar to lanes (identity when lanes is 1). */
LLVMValueRef cg_splat(cg_state *cg, LLVMValueRef scalar, int lanes);
LLVMValueRef cg_const_int(cg_state *cg, hl_type t, int64_t v); /* splatted for vectors */
/* Sets the target cpu/features and nounwind attributes of a function we define. */
void cg_set_function_attrs(cg_state *cg, LLVMValueRef fn);
/* An alloca in the current function's entry block (so loops do not grow the stack); the
 * builder stays where it was. align 0: the type's own alignment. */
LLVMValueRef cg_entry_alloca(cg_state *cg, LLVMTypeRef type, unsigned align);
/* A new basic block in the current function. */
LLVMBasicBlockRef cg_new_block(cg_state *cg, const char *name);
/* Tags a load or store of buffer `name` for alias analysis. */
void cg_tag_access(cg_state *cg, LLVMValueRef inst, const char *buffer);
/* Emits the early return of an error code: frees live heap allocations, returns code. */
void cg_return_error(cg_state *cg, LLVMValueRef code);

/* ---- codegen_expr.c ------------------------------------------------------------------- */
LLVMValueRef cg_expr(cg_state *cg, const ir_node *e);
/* Converts value of IR type from to IR type to (the Cast node's semantics). */
LLVMValueRef cg_convert(cg_state *cg, LLVMValueRef v, hl_type from, hl_type to);
/* Address of element `index` (scalar or vector of int) of buffer `name` of type elem. */
LLVMValueRef cg_element_address(cg_state *cg, const char *name, hl_type elem, LLVMValueRef index);
/* The same for a scalar access, the index's nsw terms widened one by one (codegen_expr.c). */
LLVMValueRef cg_scalar_element_address(cg_state *cg, const char *name, hl_type elem, LLVMValueRef index);

/* ---- codegen_call.c ------------------------------------------------------------------- */
LLVMValueRef cg_call(cg_state *cg, const ir_node *call);

/* ---- codegen_stmt.c ------------------------------------------------------------------- */
void cg_stmt(cg_state *cg, const ir_node *s);

/* ---- codegen_atomic.c ----------------------------------------------------------------- */
/* A Store marked atomic (op set): an atomic read-modify-write per lane. */
void cg_atomic_store(cg_state *cg, const ir_node *s);

/* ---- codegen_parallel.c --------------------------------------------------------------- */
/* A For with op IR_FOR_PARALLEL: outlines the body into a task and calls halide_do_par_for;
 * a non-zero result returns from the current function (freeing live allocations). */
void cg_parallel_for(cg_state *cg, const ir_node *loop);

#endif
