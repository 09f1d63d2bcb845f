/* codegen.h - lowering's output to LLVM IR: the interface of src/codegen/.
 *
 * Input: one lowered statement (no Provide, Realize or Halide-call nodes remain; every
 * memory access is a flat Load/Store by element index) and the pipeline's argument list.
 * Output: an LLVM module holding
 *     int32_t <name>(<args>)            buffers as halide_buffer_t*, scalars by value
 *     int32_t <name>_argv(void **args)  args[i] points at the i-th argument's value
 *                                       (for a buffer: args[i] is the halide_buffer_t*)
 * The statement's conventions (set up by lowering, relied on by codegen):
 *   - a buffer argument `b` is visible as the Variable "b.buffer" (handle, the
 *     halide_buffer_t*); lowering reads its fields with the IR_INTRIN_BUFFER_GET_*
 *     intrinsics into LetStmts ("b" = host, "b.min.0", "b.extent.0", "b.stride.0", ...);
 *   - a scalar argument `p` is the Variable "p" of its type;
 *   - the Variable "__user_context" (handle) is the user context: when the argument list
 *     has a scalar handle argument of that name it is that argument, otherwise NULL;
 *   - an AssertStmt's message kid is an int32 expression (usually an extern call of a
 *     runtime halide_error_* function) evaluated only when the condition fails; the
 *     function then returns that value;
 *   - Load/Store name a buffer whose host pointer is the handle Variable of the same name;
 *     the index counts elements of the Load/Store's element type.
 * Every target-specific choice goes through a cg_target_ops table (codegen_x86.c,
 * codegen_arm.c, ...): cpu name, features, native vector width. The module's cpu and
 * features are the target machine's (the JIT's are the host's; codegen_aot.c makes
 * machines for other targets).
 */
#ifndef HL_CODEGEN_CODEGEN_H
#define HL_CODEGEN_CODEGEN_H

#include "ir/ir.h"

/* The LLVM-C handles this interface uses, declared as llvm-c/Types.h and
 * llvm-c/TargetMachine.h do (repeating a typedef is allowed in C11), so that users of
 * codegen.h and jit.h (tests, the Python extension) need no LLVM include path. */
typedef struct LLVMOpaqueContext *LLVMContextRef;
typedef struct LLVMOpaqueModule *LLVMModuleRef;
typedef struct LLVMOpaqueTargetMachine *LLVMTargetMachineRef;

typedef struct cg_arg {
    const char *name;
    bool is_buffer;
    hl_type type;   /* scalar type, or the buffer's element type */
    int dimensions; /* buffers only */
} cg_arg;

typedef struct cg_target_ops {
    const char *name;            /* "x86-64", "arm-64", ... */
    const char *triple;          /* LLVM target triple of the JIT (the host's OS) */
    /* Registers the LLVM target (info, MC, asm printer); idempotent. */
    void (*initialize)(void);
    /* Fills cpu and features strings (arena) for the target machine. */
    void (*cpu_and_features)(hl_ctx *ctx, const char **cpu, const char **features);
    int (*natural_vector_bits)(void);
    /* Ahead of time: the hl_target arch and bits this table serves, and the cpu and
     * features (arena strings) for a target's feature set. */
    int arch, bits;
    void (*target_cpu_and_features)(hl_ctx *ctx, const hl_target *t, const char **cpu,
                                    const char **features);
    /* Ahead of time: the LLVM triple for a target's OS and features (arena or static
     * string); the object format follows from it (ELF, COFF, Mach-O). */
    const char *(*target_triple)(hl_ctx *ctx, const hl_target *t);
} cg_target_ops;

extern const cg_target_ops cg_x86_64_target;
extern const cg_target_ops cg_arm_64_target;
extern const cg_target_ops cg_arm_32_target;

/* The host's target ops (detects the CPU's features). */
const cg_target_ops *cg_host_target(void);
/* Target ops by name ("x86-64", "arm-64", "host"), or NULL. */
const cg_target_ops *cg_target_by_name(const char *name);

/* The table for a target's arch and bits, or NULL. */
const cg_target_ops *cg_target_for(const hl_target *t);

/* Builds the module for the statement in llctx, with the target's triple and data layout
 * (from tm). The module belongs to llctx: disposing the context disposes it, which is
 * how a half-built module is released when an error unwinds (the caller registers llctx
 * with the arena). A caller that hands the module to an owner (LLJIT) stops there. The
 * builder and other scratch objects are released by codegen itself. Raises on error.
 * HL_DEBUG_CODEGEN=3 prints the LLVM IR to stderr. */
LLVMModuleRef cg_compile_module(hl_ctx *ctx, LLVMContextRef llctx, const cg_target_ops *target,
                                LLVMTargetMachineRef tm, const char *fn_name, int nargs,
                                const cg_arg *args, ir_node *body);

/* Runs the -O3 pipeline for the target on the module. Raises on error. */
void cg_optimize_module(hl_ctx *ctx, LLVMModuleRef module, LLVMTargetMachineRef tm);

/* Makes a target machine for ops (registered on the arena). */
LLVMTargetMachineRef cg_target_machine(hl_ctx *ctx, const cg_target_ops *target);
/* The same for an explicit triple, cpu and features (ahead-of-time targets). */
LLVMTargetMachineRef cg_target_machine_for(hl_ctx *ctx, const cg_target_ops *target,
                                           const char *triple, const char *cpu,
                                           const char *features);

#endif
