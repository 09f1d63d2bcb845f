/* codegen_x86.c - the x86-64 target table.
 *
 * Assumes: LLVM was built with the X86 target (Debian's libLLVM-19 has every target).
 * Guarantees: when the host is x86-64, the cpu and features are the host's own (so AVX2,
 * AVX-512 ... are used when present); otherwise a baseline "x86-64" with SSE2 only.
 */
#include "codegen_internal.h"

#include <llvm-c/Target.h>

#include <pthread.h>


static void register_target(void) {
    LLVMInitializeX86TargetInfo();
    LLVMInitializeX86Target();
    LLVMInitializeX86TargetMC();
    LLVMInitializeX86AsmPrinter();
}

/* LLVM's target registry is process-wide: register once, from any thread. */
static void initialize(void) {
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, register_target);
}

static void cpu_and_features(hl_ctx *ctx, const char **cpu, const char **features) {
#if defined(__x86_64__)
    *cpu = cg_take_llvm_string(ctx, LLVMGetHostCPUName(), "x86-64");
    *features = cg_take_llvm_string(ctx, LLVMGetHostCPUFeatures(), "");
#else
    *cpu = "x86-64";
    *features = "+sse2";
#endif
}

static int natural_vector_bits(void) {
#if defined(__x86_64__)
    if (__builtin_cpu_supports("avx512f")) return 512;
    if (__builtin_cpu_supports("avx")) return 256;
#endif
    return 128;
}

const cg_target_ops cg_x86_64_target = {
    .name = "x86-64",
    .triple = "x86_64-unknown-linux-gnu",
    .initialize = initialize,
    .cpu_and_features = cpu_and_features,
    .natural_vector_bits = natural_vector_bits,
};
