/* target.c - target descriptions: Halide target strings, the host's features, the
 * environment, and the Func.hexagon() offload marker.
 *
 * The name tables below are Halide's (names as target strings spell them, enumerator
 * names as the Python enums spell them, and Halide's numeric values). Features are kept
 * sorted by name, which is the order to_string prints them in, as Halide does; "hvx" and
 * "hvx_128" name the same feature and both are printed, and "trace_all" stands for
 * trace_loads + trace_stores + trace_realizations.
 *
 * Assumes: LLVM's host detection (LLVMGetHostCPUName/Features) for the host target.
 * Guarantees: parsing never fails silently (every token is an arch, bits, os, processor
 * or feature, else a user error with Halide's explanation of the format); to_string of a
 * parsed target parses back to an equal target.
 */
#include "func.h"
#include "util/check.h"

#include <llvm-c/Core.h>
#include <llvm-c/TargetMachine.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Which architecture a feature belongs to (ANY: every one). */
enum { ANY = 0 };

typedef struct feature_row {
    hl_target_name n;
    int arch;
} feature_row;

/* Sorted by name (to_string's order). */
static const feature_row features[] = {
    {{"arm_dot_prod", "ARMDotProd", 71}, HL_ARCH_ARM},
    {{"arm_fp16", "ARMFp16", 72}, HL_ARCH_ARM},
    {{"armv7s", "ARMv7s", 12}, HL_ARCH_ARM},
    {{"armv81a", "ARMv81a", 76}, HL_ARCH_ARM},
    {{"armv82a", "ARMv82a", 77}, HL_ARCH_ARM},
    {{"armv83a", "ARMv83a", 78}, HL_ARCH_ARM},
    {{"armv84a", "ARMv84a", 79}, HL_ARCH_ARM},
    {{"armv85a", "ARMv85a", 80}, HL_ARCH_ARM},
    {{"armv86a", "ARMv86a", 81}, HL_ARCH_ARM},
    {{"armv87a", "ARMv87a", 82}, HL_ARCH_ARM},
    {{"armv88a", "ARMv88a", 83}, HL_ARCH_ARM},
    {{"armv89a", "ARMv89a", 84}, HL_ARCH_ARM},
    {{"armv8a", "ARMv8a", 75}, HL_ARCH_ARM},
    {{"asan", "ASAN", 57}, ANY},
    {{"avx", "AVX", 6}, HL_ARCH_X86},
    {{"avx10_1", "AVX10_1", 98}, HL_ARCH_X86},
    {{"avx2", "AVX2", 7}, HL_ARCH_X86},
    {{"avx512", "AVX512", 40}, HL_ARCH_X86},
    {{"avx512_cannonlake", "AVX512_Cannonlake", 43}, HL_ARCH_X86},
    {{"avx512_knl", "AVX512_KNL", 41}, HL_ARCH_X86},
    {{"avx512_sapphirerapids", "AVX512_SapphireRapids", 46}, HL_ARCH_X86},
    {{"avx512_skylake", "AVX512_Skylake", 42}, HL_ARCH_X86},
    {{"avx512_zen4", "AVX512_Zen4", 44}, HL_ARCH_X86},
    {{"avx512_zen5", "AVX512_Zen5", 45}, HL_ARCH_X86},
    {{"avxvnni", "AVXVNNI", 8}, HL_ARCH_X86},
    {{"c_plus_plus_name_mangling", "CPlusPlusMangling", 33}, ANY},
    {{"check_unsafe_promises", "CheckUnsafePromises", 59}, ANY},
    {{"cl_atomics64", "CLAtomics64", 28}, ANY},
    {{"cl_doubles", "CLDoubles", 27}, ANY},
    {{"cl_half", "CLHalf", 54}, ANY},
    {{"cuda", "CUDA", 16}, ANY},
    {{"cuda_capability_30", "CUDACapability30", 17}, ANY},
    {{"cuda_capability_32", "CUDACapability32", 18}, ANY},
    {{"cuda_capability_35", "CUDACapability35", 19}, ANY},
    {{"cuda_capability_50", "CUDACapability50", 20}, ANY},
    {{"cuda_capability_61", "CUDACapability61", 21}, ANY},
    {{"cuda_capability_70", "CUDACapability70", 22}, ANY},
    {{"cuda_capability_75", "CUDACapability75", 23}, ANY},
    {{"cuda_capability_80", "CUDACapability80", 24}, ANY},
    {{"cuda_capability_86", "CUDACapability86", 25}, ANY},
    {{"d3d12compute", "D3D12Compute", 58}, ANY},
    {{"debug", "Debug", 1}, ANY},
    {{"egl", "EGL", 70}, ANY},
    {{"embed_bitcode", "EmbedBitcode", 61}, ANY},
    {{"enable_backtraces", "EnableBacktraces", 2}, ANY},
    {{"enable_llvm_loop_opt", "EnableLLVMLoopOpt", 62}, ANY},
    {{"f16c", "F16C", 11}, HL_ARCH_X86},
    {{"fma", "FMA", 9}, HL_ARCH_X86},
    {{"fma4", "FMA4", 10}, HL_ARCH_X86},
    {{"fuzz_float_stores", "FuzzFloatStores", 37}, ANY},
    {{"hexagon_dma", "HexagonDma", 60}, ANY},
    {{"hvx", "HVX", 35}, ANY},
    {{"hvx_128", "HVX_128", 35}, ANY},
    {{"hvx_v62", "HVX_v62", 36}, ANY},
    {{"hvx_v65", "HVX_v65", 51}, ANY},
    {{"hvx_v66", "HVX_v66", 52}, ANY},
    {{"hvx_v68", "HVX_v68", 53}, ANY},
    {{"jit", "JIT", 0}, ANY},
    {{"large_buffers", "LargeBuffers", 34}, ANY},
    {{"llvm_large_code_model", "LLVMLargeCodeModel", 73}, ANY},
    {{"metal", "Metal", 32}, ANY},
    {{"msan", "MSAN", 39}, ANY},
    {{"no_asserts", "NoAsserts", 3}, ANY},
    {{"no_bounds_query", "NoBoundsQuery", 4}, ANY},
    {{"no_neon", "NoNEON", 13}, HL_ARCH_ARM},
    {{"no_runtime", "NoRuntime", 31}, ANY},
    {{"opencl", "OpenCL", 26}, ANY},
    {{"power_arch_2_07", "POWER_ARCH_2_07", 15}, HL_ARCH_POWERPC},
    {{"profile", "Profile", 30}, ANY},
    {{"profile_by_timer", "ProfileByTimer", 86}, ANY},
    {{"rvv", "RVV", 74}, HL_ARCH_RISCV},
    {{"sanitizer_coverage", "SanitizerCoverage", 85}, ANY},
    {{"semihosting", "Semihosting", 97}, ANY},
    {{"simulator", "Simulator", 100}, ANY},
    {{"soft_float_abi", "SoftFloatABI", 38}, ANY},
    {{"spirv", "SPIRV", 87}, ANY},
    {{"sse41", "SSE41", 5}, HL_ARCH_X86},
    {{"strict_float", "StrictFloat", 55}, ANY},
    {{"sve", "SVE", 68}, HL_ARCH_ARM},
    {{"sve2", "SVE2", 69}, HL_ARCH_ARM},
    {{"trace_all", NULL, -1}, ANY}, /* loads + stores + realizations */
    {{"trace_loads", "TraceLoads", 47}, ANY},
    {{"trace_pipeline", "TracePipeline", 50}, ANY},
    {{"trace_realizations", "TraceRealizations", 49}, ANY},
    {{"trace_stores", "TraceStores", 48}, ANY},
    {{"tsan", "TSAN", 56}, ANY},
    {{"user_context", "UserContext", 29}, ANY},
    {{"vk_float16", "VulkanFloat16", 92}, ANY},
    {{"vk_float64", "VulkanFloat64", 93}, ANY},
    {{"vk_int16", "VulkanInt16", 90}, ANY},
    {{"vk_int64", "VulkanInt64", 91}, ANY},
    {{"vk_int8", "VulkanInt8", 89}, ANY},
    {{"vk_v10", "VulkanV10", 94}, ANY},
    {{"vk_v12", "VulkanV12", 95}, ANY},
    {{"vk_v13", "VulkanV13", 96}, ANY},
    {{"vsx", "VSX", 14}, HL_ARCH_POWERPC},
    {{"vulkan", "Vulkan", 88}, ANY},
    {{"wasm_bulk_memory", "WasmBulkMemory", 66}, HL_ARCH_WEBASSEMBLY},
    {{"wasm_mvponly", "WasmMvpOnly", 63}, HL_ARCH_WEBASSEMBLY},
    {{"wasm_simd128", "WasmSimd128", 64}, HL_ARCH_WEBASSEMBLY},
    {{"wasm_threads", "WasmThreads", 65}, HL_ARCH_WEBASSEMBLY},
    {{"webgpu", "WebGPU", 67}, ANY},
    {{"x86apx", "X86APX", 99}, HL_ARCH_X86},
};
enum { NFEATURES = sizeof features / sizeof features[0] };

static const hl_target_name os_names[] = {
    {"os_unknown", "OSUnknown", HL_OS_UNKNOWN}, {"linux", "Linux", HL_OS_LINUX},
    {"windows", "Windows", HL_OS_WINDOWS},      {"osx", "OSX", HL_OS_OSX},
    {"android", "Android", HL_OS_ANDROID},      {"ios", "IOS", HL_OS_IOS},
    {"qurt", "QuRT", HL_OS_QURT},               {"noos", "NoOS", HL_OS_NOOS},
    {"fuchsia", "Fuchsia", HL_OS_FUCHSIA},      {"wasmrt", "wasmrt", HL_OS_WASMRT},
    {NULL, NULL, 0},
};

static const hl_target_name arch_names[] = {
    {"arch_unknown", "ArchUnknown", HL_ARCH_UNKNOWN}, {"x86", "X86", HL_ARCH_X86},
    {"arm", "ARM", HL_ARCH_ARM},                      {"hexagon", "Hexagon", HL_ARCH_HEXAGON},
    {"powerpc", "POWERPC", HL_ARCH_POWERPC},          {"wasm", "WebAssembly", HL_ARCH_WEBASSEMBLY},
    {"riscv", "RISCV", HL_ARCH_RISCV},                {NULL, NULL, 0},
};

static const hl_target_name processor_names[] = {
    {"tune_generic", "TuneGeneric", 0}, {"tune_k8", "TuneK8", 1},
    {"tune_k8_sse3", "TuneK8_SSE3", 2}, {"tune_amdfam10", "TuneAMDFam10", 3},
    {"tune_btver1", "TuneBtVer1", 4},   {"tune_bdver1", "TuneBdVer1", 5},
    {"tune_bdver2", "TuneBdVer2", 6},   {"tune_bdver3", "TuneBdVer3", 7},
    {"tune_bdver4", "TuneBdVer4", 8},   {"tune_btver2", "TuneBtVer2", 9},
    {"tune_znver1", "TuneZnVer1", 10},  {"tune_znver2", "TuneZnVer2", 11},
    {"tune_znver3", "TuneZnVer3", 12},  {"tune_znver4", "TuneZnVer4", 13},
    {"tune_znver5", "TuneZnVer5", 14},  {NULL, NULL, 0},
};

const hl_target_name *hl_target_os_names(void) { return os_names; }
const hl_target_name *hl_target_arch_names(void) { return arch_names; }
const hl_target_name *hl_target_processor_names(void) { return processor_names; }

const hl_target_name *hl_target_feature_names(void) {
    static hl_target_name names[NFEATURES + 1];
    static int ready;
    if (!__atomic_load_n(&ready, __ATOMIC_ACQUIRE)) {
        int k = 0;
        for (int i = 0; i < NFEATURES; i++)
            if (features[i].n.py_name) names[k++] = features[i].n;
        names[k] = (hl_target_name){NULL, NULL, 0};
        __atomic_store_n(&ready, 1, __ATOMIC_RELEASE);
    }
    return names;
}

static int lookup(const hl_target_name *table, const char *name) {
    for (int i = 0; table[i].name; i++)
        if (!strcmp(table[i].name, name)) return table[i].value;
    return -1;
}

static const char *name_of(const hl_target_name *table, int value) {
    for (int i = 0; table[i].name; i++)
        if (table[i].value == value) return table[i].name;
    return "unknown";
}

/* ---- Features ------------------------------------------------------------------------------- */

int hl_target_has_feature(const hl_target *t, int f) {
    if (f < 0 || f >= HL_FEATURE_END) return 0;
    return (int)((t->features[f / 64] >> (f % 64)) & 1);
}

static void put_feature(hl_target *t, int f, int on) {
    uint64_t bit = (uint64_t)1 << (f % 64);
    if (on) t->features[f / 64] |= bit;
    else t->features[f / 64] &= ~bit;
}

static const feature_row *feature_row_of(int f) {
    for (int i = 0; i < NFEATURES; i++)
        if (features[i].n.value == f) return &features[i];
    return NULL;
}

hl_status hl_target_set_feature(hl_target *t, int f, int on) {
    char msg[256];
    const feature_row *row = f >= 0 && f < HL_FEATURE_END ? feature_row_of(f) : NULL;
    if (!row) {
        snprintf(msg, sizeof msg, "%d is not a target feature", f);
        ctx_set_last_error(msg);
        return HL_ERROR_USER;
    }
    if (on && row->arch != ANY && t->arch != HL_ARCH_UNKNOWN && row->arch != t->arch) {
        snprintf(msg, sizeof msg, "Target feature %s is incompatible with the Target's architecture.",
                 row->n.name);
        ctx_set_last_error(msg);
        return HL_ERROR_USER;
    }
    put_feature(t, f, on);
    return HL_OK;
}

int hl_target_equal(const hl_target *a, const hl_target *b) {
    return a->os == b->os && a->arch == b->arch && a->bits == b->bits && a->processor == b->processor &&
           a->features[0] == b->features[0] && a->features[1] == b->features[1];
}

/* ---- Host ---------------------------------------------------------------------------------- */

/* Whether LLVM's feature string lists "+name" (names are comma separated). */
static int has_llvm_feature(const char *list, const char *name) {
    size_t n = strlen(name);
    for (const char *p = list; p && *p;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n + 1 && p[0] == '+' && !strncmp(p + 1, name, n)) return 1;
        p = end ? end + 1 : NULL;
    }
    return 0;
}

static int all_of(const char *list, const char *const *names) {
    for (int i = 0; names[i]; i++)
        if (!has_llvm_feature(list, names[i])) return 0;
    return 1;
}

/* Halide's mapping of CPU flags to its x86 feature set. */
static void x86_host_features(hl_target *t, const char *cpu, const char *f) {
    static const char *const avx512[] = {"avx512f", "avx512cd", NULL};
    static const char *const skylake[] = {"avx512vl", "avx512bw", "avx512dq", NULL};
    static const char *const cannonlake[] = {"avx512ifma", "avx512vbmi", NULL};
    static const char *const zen4[] = {"avx512bf16", "avx512vnni", "avx512bitalg", "avx512vbmi2",
                                       "avx512vpopcntdq", NULL};
    static const char *const sapphire[] = {"avx512fp16", "amx-tile", "amx-int8", "amx-bf16", NULL};
    if (has_llvm_feature(f, "sse4.1")) put_feature(t, HL_FEATURE_SSE41, 1);
    if (has_llvm_feature(f, "avx")) put_feature(t, HL_FEATURE_AVX, 1);
    if (has_llvm_feature(f, "avx2")) put_feature(t, HL_FEATURE_AVX2, 1);
    if (has_llvm_feature(f, "fma")) put_feature(t, HL_FEATURE_FMA, 1);
    if (has_llvm_feature(f, "f16c")) put_feature(t, HL_FEATURE_F16C, 1);
    if (has_llvm_feature(f, "avxvnni")) put_feature(t, HL_FEATURE_AVXVNNI, 1);
    if (all_of(f, avx512)) {
        put_feature(t, HL_FEATURE_AVX512, 1);
        if (all_of(f, skylake)) {
            put_feature(t, HL_FEATURE_AVX512_SKYLAKE, 1);
            if (all_of(f, cannonlake)) {
                put_feature(t, HL_FEATURE_AVX512_CANNONLAKE, 1);
                if (all_of(f, zen4)) put_feature(t, HL_FEATURE_AVX512_ZEN4, 1);
                if (all_of(f, sapphire)) put_feature(t, HL_FEATURE_AVX512_SAPPHIRERAPIDS, 1);
            }
        }
    }
    char tune[64];
    snprintf(tune, sizeof tune, "tune_%s", cpu);
    int p = lookup(processor_names, tune);
    if (p > 0) t->processor = p;
}

static void arm_host_features(hl_target *t, const char *f) {
    if (has_llvm_feature(f, "dotprod")) put_feature(t, HL_FEATURE_ARM_DOT_PROD, 1);
    if (has_llvm_feature(f, "fullfp16")) put_feature(t, HL_FEATURE_ARM_FP16, 1);
    if (has_llvm_feature(f, "sve")) put_feature(t, HL_FEATURE_SVE, 1);
    if (has_llvm_feature(f, "sve2")) put_feature(t, HL_FEATURE_SVE2, 1);
}

hl_target hl_target_host(void) {
    hl_target t = hl_target_unknown();
    t.os = HL_OS_LINUX;
    t.bits = (int)(sizeof(void *) * 8);
#if defined(__x86_64__) || defined(__i386__)
    t.arch = HL_ARCH_X86;
#elif defined(__aarch64__) || defined(__arm__)
    t.arch = HL_ARCH_ARM;
#endif
    char *cpu = LLVMGetHostCPUName();
    char *f = LLVMGetHostCPUFeatures();
    if (t.arch == HL_ARCH_X86) x86_host_features(&t, cpu ? cpu : "", f);
    if (t.arch == HL_ARCH_ARM) arm_host_features(&t, f);
    LLVMDisposeMessage(cpu);
    LLVMDisposeMessage(f);
    return t;
}

hl_target hl_target_unknown(void) {
    hl_target t;
    memset(&t, 0, sizeof t);
    return t;
}

hl_target hl_target_complete(const hl_target *t) {
    hl_target r = *t;
    if (r.arch != HL_ARCH_UNKNOWN && r.bits && r.os != HL_OS_UNKNOWN) return r;
    hl_target host = hl_target_host();
    if (r.arch == HL_ARCH_UNKNOWN) r.arch = host.arch;
    if (!r.bits) r.bits = host.bits;
    if (r.os == HL_OS_UNKNOWN) r.os = host.os;
    return r;
}

/* ---- Strings ------------------------------------------------------------------------------- */

static void format_help(char *msg, size_t size, const char *s) {
    size_t len = (size_t)snprintf(msg, size,
                                  "Did not understand Halide target %s\n"
                                  "Expected format is arch-bits-os-processor-feature1-feature2-...\n"
                                  "Where arch is: arm, hexagon, powerpc, riscv, wasm, x86.\n"
                                  "bits is either 32 or 64.\n"
                                  "os is: android, fuchsia, ios, linux, noos, osx, qurt, wasmrt, windows.\n"
                                  "processor is: tune_generic, tune_znver4, ... (tune_<cpu>).\n"
                                  "If arch, bits, or os are omitted, they default to the host.\n"
                                  "Features are:",
                                  s);
    for (int i = 0; i < NFEATURES && len + 32 < size; i++)
        len += (size_t)snprintf(msg + len, size - len, " %s%s", features[i].n.name, i + 1 < NFEATURES ? "," : ".");
    if (len + 96 < size)
        snprintf(msg + len, size - len,
                 "\nThe target can also begin with \"host\", which sets the host's architecture, os, "
                 "and feature set.");
}

/* Parses s; on failure writes the reason to msg and returns 0. */
static int parse(const char *s, hl_target *out, char *msg, size_t size) {
    hl_target t = hl_target_unknown();
    char token[128];
    const char *p = s ? s : "";
    int index = 0, saw_features = 0, bad = 0;
    if (!*p) bad = 1;
    while (*p && !bad) {
        const char *end = strchr(p, '-');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n == 0 || n >= sizeof token) {
            bad = 1;
            break;
        }
        memcpy(token, p, n);
        token[n] = '\0';
        int v;
        if (index == 0 && !strcmp(token, "host")) {
            t = hl_target_host();
        } else if (!saw_features && (v = lookup(arch_names, token)) > 0 && t.arch == HL_ARCH_UNKNOWN) {
            t.arch = v;
        } else if (!saw_features && (!strcmp(token, "32") || !strcmp(token, "64"))) {
            t.bits = atoi(token);
        } else if (!saw_features && (v = lookup(os_names, token)) > 0) {
            t.os = v;
        } else if ((v = lookup(processor_names, token)) >= 0) {
            t.processor = v;
        } else if (!strcmp(token, "trace_all")) {
            put_feature(&t, HL_FEATURE_TRACE_LOADS, 1);
            put_feature(&t, HL_FEATURE_TRACE_STORES, 1);
            put_feature(&t, HL_FEATURE_TRACE_REALIZATIONS, 1);
            saw_features = 1;
        } else {
            int found = 0;
            for (int i = 0; i < NFEATURES; i++)
                if (features[i].n.py_name && !strcmp(features[i].n.name, token)) {
                    put_feature(&t, features[i].n.value, 1);
                    found = 1;
                    break;
                }
            if (!found) bad = 1;
            saw_features = 1;
        }
        p = end ? end + 1 : p + n;
        if (end && !*p) bad = 1; /* a trailing '-' */
        index++;
    }
    if (bad) {
        format_help(msg, size, s ? s : "");
        return 0;
    }
    t = hl_target_complete(&t);
    for (int i = 0; i < NFEATURES; i++)
        if (features[i].n.py_name && features[i].arch != ANY && features[i].arch != t.arch &&
            hl_target_has_feature(&t, features[i].n.value)) {
            snprintf(msg, size, "Target feature %s is incompatible with the Target's architecture. (target(%s))",
                     features[i].n.name, s);
            return 0;
        }
    *out = t;
    return 1;
}

hl_status hl_target_parse(const char *s, hl_target *out) {
    char msg[4096];
    if (parse(s, out, msg, sizeof msg)) return HL_OK;
    ctx_set_last_error(msg);
    return HL_ERROR_USER;
}

int hl_target_valid_string(const char *s) {
    char msg[4096];
    hl_target t;
    return parse(s, &t, msg, sizeof msg);
}

static void append(char *buf, size_t size, size_t *len, const char *s) {
    int n = snprintf(buf + *len, size - *len, "%s%s", *len ? "-" : "", s);
    if (n > 0) *len = *len + (size_t)n < size ? *len + (size_t)n : size - 1;
}

char *hl_target_to_string(const hl_target *t, char *buf, size_t size) {
    size_t len = 0;
    if (!size) return buf;
    buf[0] = '\0';
    append(buf, size, &len, name_of(arch_names, t->arch));
    char bits[16];
    snprintf(bits, sizeof bits, "%d", t->bits);
    append(buf, size, &len, bits);
    append(buf, size, &len, name_of(os_names, t->os));
    if (t->processor) append(buf, size, &len, name_of(processor_names, t->processor));
    int trace_all = hl_target_has_feature(t, HL_FEATURE_TRACE_LOADS) &&
                    hl_target_has_feature(t, HL_FEATURE_TRACE_STORES) &&
                    hl_target_has_feature(t, HL_FEATURE_TRACE_REALIZATIONS);
    for (int i = 0; i < NFEATURES; i++) {
        int v = features[i].n.value;
        if (!features[i].n.py_name) {
            if (trace_all) append(buf, size, &len, features[i].n.name);
            continue;
        }
        if (trace_all && (v == HL_FEATURE_TRACE_LOADS || v == HL_FEATURE_TRACE_STORES ||
                          v == HL_FEATURE_TRACE_REALIZATIONS))
            continue;
        if (hl_target_has_feature(t, v)) append(buf, size, &len, features[i].n.name);
    }
    return buf;
}

/* ---- Environment --------------------------------------------------------------------------- */

hl_status hl_target_from_environment(hl_target *out) {
    const char *s = getenv("HL_TARGET");
    if (!s || !*s) {
        *out = hl_target_host();
        return HL_OK;
    }
    return hl_target_parse(s, out);
}

hl_status hl_jit_target_from_environment(hl_target *out) {
    const char *s = getenv("HL_JIT_TARGET");
    hl_status status = HL_OK;
    if (!s || !*s) *out = hl_target_host();
    else status = hl_target_parse(s, out);
    if (status == HL_OK) put_feature(out, HL_FEATURE_JIT, 1);
    return status;
}

/* ---- Properties ---------------------------------------------------------------------------- */

int hl_target_natural_vector_size(const hl_target *t, hl_type type) {
    int bytes = (type.bits + 7) / 8;
    if (bytes < 1) bytes = 1;
    bool is_float = type.code == halide_type_float || type.code == halide_type_bfloat;
    int vector_bytes = 16;
    if (t->arch == HL_ARCH_HEXAGON) {
        vector_bytes = 128;
    } else if (t->arch == HL_ARCH_X86) {
        bool avx512_int = hl_target_has_feature(t, HL_FEATURE_AVX512_SKYLAKE) ||
                          hl_target_has_feature(t, HL_FEATURE_AVX512_CANNONLAKE) ||
                          hl_target_has_feature(t, HL_FEATURE_AVX512_ZEN4) ||
                          hl_target_has_feature(t, HL_FEATURE_AVX512_ZEN5) ||
                          hl_target_has_feature(t, HL_FEATURE_AVX512_SAPPHIRERAPIDS);
        if (is_float && (avx512_int || hl_target_has_feature(t, HL_FEATURE_AVX512))) vector_bytes = 64;
        else if (!is_float && avx512_int) vector_bytes = 64;
        else if (is_float && hl_target_has_feature(t, HL_FEATURE_AVX)) vector_bytes = 32;
        else if (!is_float && hl_target_has_feature(t, HL_FEATURE_AVX2)) vector_bytes = 32;
    }
    return vector_bytes / bytes;
}

int hl_target_supported(const hl_target *t) {
    hl_target c = hl_target_complete(t);
    if (c.arch == HL_ARCH_X86) return c.bits == 64 && (c.os == HL_OS_LINUX || c.os == HL_OS_WINDOWS);
    if (c.arch == HL_ARCH_ARM)
        return (c.bits == 64 || c.bits == 32) &&
               (c.os == HL_OS_LINUX || c.os == HL_OS_ANDROID || c.os == HL_OS_IOS);
    return 0;
}

/* ---- The Hexagon offload marker ------------------------------------------------------------ */

hl_status hl_func_hexagon(hl_func *f) {
    api_check(f, "hexagon() of a NULL Func");
    f->offload_hexagon = true;
    func_bump_generation();
    return HL_OK;
}

int hl_func_is_hexagon(const hl_func *f) { return f->offload_hexagon; }

hl_status hl_func_trace(hl_func *f, int kinds) {
    api_check(f, "tracing of a NULL Func");
    f->trace_flags |= kinds & (HL_TRACE_LOADS | HL_TRACE_STORES | HL_TRACE_REALIZATIONS);
    func_bump_generation();
    return HL_OK;
}
