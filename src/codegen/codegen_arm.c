/* codegen_arm.c - the AArch64 target table.
 *
 * Assumes: LLVM was built with the AArch64 target.
 * Guarantees: when the host is AArch64, the cpu and features are the host's own;
 * otherwise a generic ARMv8-A with NEON (what qemu-aarch64 and every AArch64 CPU run).
 * Ahead of time: generic ARMv8-A plus the target's features (dotprod, fp16, sve...).
 */
#include "codegen_internal.h"

#include <llvm-c/Target.h>

#include <pthread.h>

static void register_target(void) {
    LLVMInitializeAArch64TargetInfo();
    LLVMInitializeAArch64Target();
    LLVMInitializeAArch64TargetMC();
    LLVMInitializeAArch64AsmPrinter();
    LLVMInitializeAArch64AsmParser(); /* inline asm in the runtime (AOT) */
}

/* LLVM's target registry is process-wide: register once, from any thread. */
static void initialize(void) {
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, register_target);
}

static void cpu_and_features(hl_ctx *ctx, const char **cpu, const char **features) {
#if defined(__aarch64__)
    *cpu = cg_take_llvm_string(ctx, LLVMGetHostCPUName(), "generic");
    *features = cg_take_llvm_string(ctx, LLVMGetHostCPUFeatures(), "+neon");
#else
    (void)ctx;
    *cpu = "generic";
    *features = "+neon";
#endif
}

static int natural_vector_bits(void) { return 128; }

static void target_cpu_and_features(hl_ctx *ctx, const hl_target *t, const char **cpu,
                                    const char **features) {
    const char *f = hl_target_has_feature(t, HL_FEATURE_NO_NEON) ? "-neon" : "+neon";
    if (hl_target_has_feature(t, HL_FEATURE_ARM_DOT_PROD)) f = ctx_printf(ctx, "%s,+dotprod", f);
    if (hl_target_has_feature(t, HL_FEATURE_ARM_FP16)) f = ctx_printf(ctx, "%s,+fullfp16", f);
    if (hl_target_has_feature(t, HL_FEATURE_SVE)) f = ctx_printf(ctx, "%s,+sve", f);
    if (hl_target_has_feature(t, HL_FEATURE_SVE2)) f = ctx_printf(ctx, "%s,+sve2", f);
    *cpu = "generic";
    *features = f;
}

const cg_target_ops cg_arm_64_target = {
    .name = "arm-64",
    .triple = "aarch64-unknown-linux-gnu",
    .initialize = initialize,
    .cpu_and_features = cpu_and_features,
    .natural_vector_bits = natural_vector_bits,
    .arch = HL_ARCH_ARM,
    .bits = 64,
    .target_cpu_and_features = target_cpu_and_features,
};
