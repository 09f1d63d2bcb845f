/* codegen_arm.c - the ARM target tables: AArch64 (arm-64) and 32-bit ARMv7 (arm-32).
 *
 * Assumes: LLVM was built with the AArch64 and ARM targets (Debian's libLLVM-19 has every
 * target).
 * Guarantees: when the host is AArch64, the JIT's cpu and features are the host's own;
 * otherwise a generic ARMv8-A with NEON (what qemu-aarch64 and every AArch64 CPU run).
 * Ahead of time: generic ARMv8-A plus the target's features (dotprod, fp16, sve...) for
 * arm-64; for arm-32 a Cortex-A9 (ARMv7-A with VFPv3 and NEON, what Halide assumes for
 * 32-bit ARM Linux and Android) or, on iOS, the triple's own CPU (armv7s: Apple's Swift,
 * when the target has the ARMv7s feature). no_neon turns NEON off on both. The triples:
 * Linux (gnu; gnueabihf, hard-float calls, on 32 bits), Android (android; androideabi,
 * soft-float calls, on 32 bits) and iOS (Mach-O, iOS 10 or later: the runtime uses
 * thread-local storage and clock_gettime).
 */
#include "codegen_internal.h"

#include <llvm-c/Target.h>

#include <pthread.h>

static void register_aarch64(void) {
    LLVMInitializeAArch64TargetInfo();
    LLVMInitializeAArch64Target();
    LLVMInitializeAArch64TargetMC();
    LLVMInitializeAArch64AsmPrinter();
    LLVMInitializeAArch64AsmParser(); /* inline asm in the runtime (AOT) */
}

static void register_arm(void) {
    LLVMInitializeARMTargetInfo();
    LLVMInitializeARMTarget();
    LLVMInitializeARMTargetMC();
    LLVMInitializeARMAsmPrinter();
    LLVMInitializeARMAsmParser(); /* inline asm in the runtime (AOT) */
}

/* LLVM's target registry is process-wide: register once, from any thread. */
static void initialize_64(void) {
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, register_aarch64);
}

static void initialize_32(void) {
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, register_arm);
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

/* The JIT never runs 32-bit ARM code (no host here is one): a fixed ARMv7-A with NEON. */
static void cpu_and_features_32(hl_ctx *ctx, const char **cpu, const char **features) {
    (void)ctx;
    *cpu = "cortex-a9";
    *features = "+neon";
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

static void target_cpu_and_features_32(hl_ctx *ctx, const hl_target *t, const char **cpu,
                                       const char **features) {
    (void)ctx;
    bool neon = !hl_target_has_feature(t, HL_FEATURE_NO_NEON);
    if (t->os == HL_OS_IOS) {
        *cpu = hl_target_has_feature(t, HL_FEATURE_ARMV7S) ? "swift" : "cortex-a8";
        *features = neon ? "+neon" : "-neon";
    } else {
        *cpu = "cortex-a9";
        *features = neon ? "+neon,+vfp3" : "-neon,+vfp3";
    }
}

static const char *target_triple(hl_ctx *ctx, const hl_target *t) {
    (void)ctx;
    if (t->os == HL_OS_IOS) return "arm64-apple-ios10.0";
    return t->os == HL_OS_ANDROID ? "aarch64-unknown-linux-android" : "aarch64-unknown-linux-gnu";
}

static const char *target_triple_32(hl_ctx *ctx, const hl_target *t) {
    (void)ctx;
    if (t->os == HL_OS_IOS)
        return hl_target_has_feature(t, HL_FEATURE_ARMV7S) ? "armv7s-apple-ios10.0" : "armv7-apple-ios10.0";
    return t->os == HL_OS_ANDROID ? "armv7a-unknown-linux-androideabi" : "armv7a-unknown-linux-gnueabihf";
}

const cg_target_ops cg_arm_64_target = {
    .name = "arm-64",
    .triple = "aarch64-unknown-linux-gnu",
    .initialize = initialize_64,
    .cpu_and_features = cpu_and_features,
    .natural_vector_bits = natural_vector_bits,
    .arch = HL_ARCH_ARM,
    .bits = 64,
    .target_cpu_and_features = target_cpu_and_features,
    .target_triple = target_triple,
};

const cg_target_ops cg_arm_32_target = {
    .name = "arm-32",
    .triple = "armv7a-unknown-linux-gnueabihf",
    .initialize = initialize_32,
    .cpu_and_features = cpu_and_features_32,
    .natural_vector_bits = natural_vector_bits,
    .arch = HL_ARCH_ARM,
    .bits = 32,
    .target_cpu_and_features = target_cpu_and_features_32,
    .target_triple = target_triple_32,
};
