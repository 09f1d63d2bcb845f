/* hl_target.h - compilation targets in the public C API (included by halide_c.h).
 *
 * A target says what machine generated code runs on: architecture, pointer width,
 * operating system, a processor to tune for, and a set of features (instruction-set
 * extensions such as avx2 or hvx, and code-generation switches such as no_asserts or
 * user_context). Targets are written as Halide's target strings,
 * "arch-bits-os[-tune_processor][-feature...]", e.g. "x86-64-linux-avx2-sse41",
 * "arm-64-android-hvx", or "host[-feature...]". The numeric values of every enum below
 * are Halide's own (Target::OS, Target::Arch, Target::Feature, Target::Processor), so
 * Python's IntEnums and programs agree with the reference. Parsing accepts every target
 * Halide knows; whether halide-c can generate code for it is hl_target_supported, and a
 * compile for an unsupported target is a clear user error.
 */
#ifndef HALIDE_C_TARGET_H
#define HALIDE_C_TARGET_H

typedef enum hl_target_os {
    HL_OS_UNKNOWN = 0,
    HL_OS_LINUX = 1,
    HL_OS_WINDOWS = 2,
    HL_OS_OSX = 3,
    HL_OS_ANDROID = 4,
    HL_OS_IOS = 5,
    HL_OS_QURT = 6,
    HL_OS_NOOS = 7,
    HL_OS_FUCHSIA = 8,
    HL_OS_WASMRT = 9,
} hl_target_os;

typedef enum hl_target_arch {
    HL_ARCH_UNKNOWN = 0,
    HL_ARCH_X86 = 1,
    HL_ARCH_ARM = 2,
    HL_ARCH_HEXAGON = 3,
    HL_ARCH_POWERPC = 4,
    HL_ARCH_WEBASSEMBLY = 5,
    HL_ARCH_RISCV = 6,
} hl_target_arch;

/* The features halide-c itself looks at (the table in src/lang/target.c has them all;
 * any value below HL_FEATURE_END is a valid feature). */
enum {
    HL_FEATURE_JIT = 0,
    HL_FEATURE_DEBUG = 1,
    HL_FEATURE_PROFILE = 30,
    HL_FEATURE_NO_ASSERTS = 3,
    HL_FEATURE_NO_BOUNDS_QUERY = 4,
    HL_FEATURE_SSE41 = 5,
    HL_FEATURE_AVX = 6,
    HL_FEATURE_AVX2 = 7,
    HL_FEATURE_AVXVNNI = 8,
    HL_FEATURE_FMA = 9,
    HL_FEATURE_FMA4 = 10,
    HL_FEATURE_F16C = 11,
    HL_FEATURE_ARMV7S = 12,
    HL_FEATURE_NO_NEON = 13,
    HL_FEATURE_USER_CONTEXT = 29,
    HL_FEATURE_NO_RUNTIME = 31,
    HL_FEATURE_LARGE_BUFFERS = 34,
    HL_FEATURE_HVX = 35, /* "hvx" and "hvx_128" */
    HL_FEATURE_AVX512 = 40,
    HL_FEATURE_AVX512_KNL = 41,
    HL_FEATURE_AVX512_SKYLAKE = 42,
    HL_FEATURE_AVX512_CANNONLAKE = 43,
    HL_FEATURE_AVX512_ZEN4 = 44,
    HL_FEATURE_AVX512_ZEN5 = 45,
    HL_FEATURE_AVX512_SAPPHIRERAPIDS = 46,
    HL_FEATURE_TRACE_LOADS = 47,
    HL_FEATURE_TRACE_STORES = 48,
    HL_FEATURE_TRACE_REALIZATIONS = 49,
    HL_FEATURE_TRACE_PIPELINE = 50,
    HL_FEATURE_SVE = 68,
    HL_FEATURE_SVE2 = 69,
    HL_FEATURE_ARM_DOT_PROD = 71,
    HL_FEATURE_ARM_FP16 = 72,
    HL_FEATURE_END = 101,
};

typedef struct hl_target {
    int os;        /* hl_target_os */
    int arch;      /* hl_target_arch */
    int bits;      /* 0 (unknown), 32 or 64 */
    int processor; /* Halide's Target::Processor: 0 is tune_generic */
    uint64_t features[2]; /* bit f of the pair: feature f is on */
} hl_target;

/* Halide's Target(): arch_unknown-0-os_unknown, no features. */
hl_target hl_target_unknown(void);
/* Parses a target string (fields left out default to the host's). On failure returns
 * HL_ERROR_USER with Halide's explanation of the format in hl_last_error(). */
hl_status hl_target_parse(const char *s, hl_target *out);
/* Whether s parses. */
int hl_target_valid_string(const char *s);
/* The target string (canonical order: arch-bits-os[-tune][-features sorted by name]). */
char *hl_target_to_string(const hl_target *t, char *buf, size_t size);
/* The machine this process runs on, with the CPU's real features (LLVM's host detection). */
hl_target hl_target_host(void);
/* HL_TARGET (default "host") and HL_JIT_TARGET (default host with the jit feature). */
hl_status hl_target_from_environment(hl_target *out);
hl_status hl_jit_target_from_environment(hl_target *out);
/* A target with an unknown arch, bits or os gets the host's (what compiles do). */
hl_target hl_target_complete(const hl_target *t);

int hl_target_has_feature(const hl_target *t, int feature);
/* Turns a feature on or off; HL_ERROR_USER for a value that is not a feature, or a
 * feature of another architecture (Halide's "incompatible with the Target's
 * architecture"). */
hl_status hl_target_set_feature(hl_target *t, int feature, int on);
int hl_target_equal(const hl_target *a, const hl_target *b);
/* SIMD lanes of a scalar type on this target. */
int hl_target_natural_vector_size(const hl_target *t, hl_type type);
/* Whether halide-c can generate code for t: x86-64 Linux and Windows; 64- and 32-bit ARM
 * Linux, Android and iOS. */
int hl_target_supported(const hl_target *t);

/* The feature, OS, arch and processor names, for bindings that list them: entry i of each
 * table (NULL name past the end). py_name is Halide's C++/Python enumerator name. */
typedef struct hl_target_name {
    const char *name;    /* in target strings: "avx2", "android", "tune_znver4" */
    const char *py_name; /* in Python enums: "AVX2", "Android", "TuneZnVer4" */
    int value;
} hl_target_name;
const hl_target_name *hl_target_feature_names(void);
const hl_target_name *hl_target_os_names(void);
const hl_target_name *hl_target_arch_names(void);
const hl_target_name *hl_target_processor_names(void);

/* Func.hexagon(): marks f to be offloaded to Hexagon (a schedule marker; compiling a
 * pipeline with such a Func is an error unless the target has hvx, and offload itself is
 * not supported yet). */
hl_status hl_func_hexagon(hl_func *f);
/* Func.trace_loads(), trace_stores(), trace_realizations(): events of this Func go to
 * halide_trace (the default prints them) in every pipeline that uses it. */
typedef enum hl_trace_kind { HL_TRACE_LOADS = 1, HL_TRACE_STORES = 2, HL_TRACE_REALIZATIONS = 4 } hl_trace_kind;
hl_status hl_func_trace(hl_func *f, int kinds);
int hl_func_is_hexagon(const hl_func *f);

#endif
