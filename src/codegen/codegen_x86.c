/* codegen_x86.c - the x86-64 target table.
 *
 * Assumes: LLVM was built with the X86 target (Debian's libLLVM-19 has every target).
 * Guarantees: when the host is x86-64, the cpu and features are the host's own (so AVX2,
 * AVX-512 ... are used when present); otherwise a baseline "x86-64" with SSE2 only.
 * Ahead of time, the features are exactly the target's (x86_features below); Linux
 * objects are ELF (x86_64-unknown-linux-gnu) and Windows objects COFF for the MSVC
 * environment (x86_64-pc-windows-msvc, Halide's own choice without its MinGW feature): the
 * C ABI is the same for MSVC and MinGW, the object links with either toolchain, and the
 * runtime in it needs only kernel32 and the C runtime (src/runtime/freestanding).
 */
#include "codegen_internal.h"

#include <llvm-c/Target.h>

#include <pthread.h>


static void register_target(void) {
    LLVMInitializeX86TargetInfo();
    LLVMInitializeX86Target();
    LLVMInitializeX86TargetMC();
    LLVMInitializeX86AsmPrinter();
    LLVMInitializeX86AsmParser(); /* inline asm in the runtime (AOT) */
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

/* LLVM features for each Halide x86 feature (LLVM adds what they imply: +avx2 brings
 * +avx, +sse4.2 ...). */
static const struct {
    int feature;
    const char *llvm;
} x86_features[] = {
    {HL_FEATURE_SSE41, "+sse4.1"},
    {HL_FEATURE_AVX, "+avx"},
    {HL_FEATURE_AVX2, "+avx2,+fma,+f16c"},
    {HL_FEATURE_FMA, "+fma"},
    {HL_FEATURE_FMA4, "+fma4"},
    {HL_FEATURE_F16C, "+f16c"},
    {HL_FEATURE_AVXVNNI, "+avxvnni"},
    {HL_FEATURE_AVX512, "+avx512f,+avx512cd"},
    {HL_FEATURE_AVX512_KNL, "+avx512f,+avx512cd"},
    {HL_FEATURE_AVX512_SKYLAKE, "+avx512f,+avx512cd,+avx512vl,+avx512bw,+avx512dq"},
    {HL_FEATURE_AVX512_CANNONLAKE, "+avx512ifma,+avx512vbmi"},
    {HL_FEATURE_AVX512_ZEN4, "+avx512bf16,+avx512vnni,+avx512bitalg,+avx512vbmi2,+avx512vpopcntdq"},
    {HL_FEATURE_AVX512_ZEN5, "+avxvnni"},
    {HL_FEATURE_AVX512_SAPPHIRERAPIDS, "+avx512fp16,+avxvnni,+avx512bf16,+avx512vnni"},
};

static void target_cpu_and_features(hl_ctx *ctx, const hl_target *t, const char **cpu,
                                    const char **features) {
    const char *f = "+sse2";
    for (size_t i = 0; i < sizeof x86_features / sizeof x86_features[0]; i++)
        if (hl_target_has_feature(t, x86_features[i].feature)) f = ctx_printf(ctx, "%s,%s", f, x86_features[i].llvm);
    *cpu = "x86-64";
    *features = f;
}

static const char *target_triple(hl_ctx *ctx, const hl_target *t) {
    (void)ctx;
    return t->os == HL_OS_WINDOWS ? "x86_64-pc-windows-msvc" : "x86_64-unknown-linux-gnu";
}

const cg_target_ops cg_x86_64_target = {
    .name = "x86-64",
    .triple = "x86_64-unknown-linux-gnu",
    .initialize = initialize,
    .cpu_and_features = cpu_and_features,
    .natural_vector_bits = natural_vector_bits,
    .arch = HL_ARCH_X86,
    .bits = 64,
    .target_cpu_and_features = target_cpu_and_features,
    .target_triple = target_triple,
};
