/* codegen_c_prelude.c - the fixed part of every C source file codegen_c.c writes: includes,
 * the runtime declarations and the helpers that say in C what Halide's IR means.
 *
 * C leaves undefined or different several things the IR defines (ir.h's semantics page):
 * integer division rounds toward zero and traps on zero; shifts by a negative amount or by
 * the bit width are undefined; an out-of-range float-to-int conversion is undefined; there
 * is no float16 or bfloat16. The helpers here give the IR's meaning, the way the LLVM backend
 * computes it (codegen_expr.c, codegen_call.c):
 *   hl_div_<t>, hl_mod_<t>       Euclidean, 0 for a zero divisor, MIN / -1 wraps to MIN;
 *   hl_shift_i, hl_shift_u       a negative amount shifts the other way; an amount >= the
 *                                width gives 0 (or the sign fill for a signed right shift);
 *   hl_float_to_i64/u64          truncation, and an arbitrary value (never UB) out of range;
 *   hl_to_f16/bf16, hl_from_*    float16 / bfloat16 bits from a double (nearest, ties to
 *                                even) and back; hl_round_* rounds a value to the format
 *                                (codegen_c.c keeps such values in a float, rounded after
 *                                every operation as LLVM's promotion does);
 *   hl_bits_f32/f64, hl_*_from_bits  reinterpretation through memcpy;
 *   hl_popcount, hl_count_*_zeros    bit counts (of 0: the width);
 *   hl_size_mul                  allocation sizes, -1 for an overflow or a negative extent.
 * All are static inline - HL_HELPER, marked unused for gcc and clang, which warn about an
 * unused static function even when it is inline - so unused ones cost nothing.
 *
 * The helpers are guarded (HALIDE_C_SOURCE_HELPERS), so that several generated files can be
 * included in one translation unit.
 *
 * Guarantees: the text compiles as C11 and C++11 under -Wall -Wextra -Werror with gcc and
 * clang, and asks the compiler not to contract a * b + c into a fused multiply-add (the
 * object never does), so float results match the object's bit for bit.
 */
#include "codegen_c_prelude.h"

#include <stddef.h>

const char *const cg_c_includes =
    "#include <math.h>\n"
    "#include <stddef.h>\n"
    "#include <stdint.h>\n"
    "#include <string.h>\n"
    "#ifndef __cplusplus\n"
    "#include <stdbool.h>\n"
    "#endif\n"
    "\n"
    "/* Float results equal the object's only without contraction into fused multiply-adds. */\n"
    "#if defined(__clang__)\n"
    "#pragma STDC FP_CONTRACT OFF\n"
    "#elif defined(__GNUC__)\n"
    "#pragma GCC optimize(\"fp-contract=off\")\n"
    "#endif\n";

const char *const cg_c_helpers =
    "typedef int (*halide_task_t)(void *user_context, int task_number, uint8_t *closure);\n"
    "\n"
    "/* Once per translation unit: several generated files may be included in one. */\n"
    "#ifndef HALIDE_C_SOURCE_HELPERS\n"
    "#define HALIDE_C_SOURCE_HELPERS\n"
    "\n"
    "/* ---- Helpers: the IR's semantics in C ---------------------------------------------- */\n"
    "\n"
    "/* Most files use few of the helpers: the others must not draw a warning. */\n"
    "#if defined(__GNUC__)\n"
    "#define HL_HELPER static inline __attribute__((unused))\n"
    "#else\n"
    "#define HL_HELPER static inline\n"
    "#endif\n"
    "\n"
    "/* Euclidean division and modulo; 0 for a zero divisor; MIN / -1 wraps to MIN. */\n"
    "#define HL_DIV_MOD_SIGNED(T, U, S)                                                  \\\n"
    "    HL_HELPER T hl_div_##S(T a, T b) {                                          \\\n"
    "        if (b == 0) return 0;                                                       \\\n"
    "        if (b == -1) return (T)(U)(0u - (U)a);                                      \\\n"
    "        T q = (T)(a / b), r = (T)(a % b);                                           \\\n"
    "        return r < 0 ? (T)(b > 0 ? q - 1 : q + 1) : q;                              \\\n"
    "    }                                                                               \\\n"
    "    HL_HELPER T hl_mod_##S(T a, T b) {                                          \\\n"
    "        if (b == 0 || b == -1) return 0;                                            \\\n"
    "        T r = (T)(a % b);                                                           \\\n"
    "        return r < 0 ? (T)(b > 0 ? r + b : r - b) : r;                              \\\n"
    "    }\n"
    "#define HL_DIV_MOD_UNSIGNED(T, S)                                                   \\\n"
    "    HL_HELPER T hl_div_##S(T a, T b) { return b == 0 ? (T)0 : (T)(a / b); }     \\\n"
    "    HL_HELPER T hl_mod_##S(T a, T b) { return b == 0 ? (T)0 : (T)(a % b); }\n"
    "HL_DIV_MOD_SIGNED(int8_t, uint8_t, i8)\n"
    "HL_DIV_MOD_SIGNED(int16_t, uint16_t, i16)\n"
    "HL_DIV_MOD_SIGNED(int32_t, uint32_t, i32)\n"
    "HL_DIV_MOD_SIGNED(int64_t, uint64_t, i64)\n"
    "HL_DIV_MOD_UNSIGNED(uint8_t, u8)\n"
    "HL_DIV_MOD_UNSIGNED(uint16_t, u16)\n"
    "HL_DIV_MOD_UNSIGNED(uint32_t, u32)\n"
    "HL_DIV_MOD_UNSIGNED(uint64_t, u64)\n"
    "\n"
    "/* Shifts of a `bits`-wide value (sign- or zero-extended into a) by any amount. */\n"
    "HL_HELPER int64_t hl_shift_amount(int64_t s) { return s < -64 ? -64 : s > 64 ? 64 : s; }\n"
    "HL_HELPER int64_t hl_shift_amount_u(uint64_t s) { return s > 64 ? 64 : (int64_t)s; }\n"
    "HL_HELPER uint64_t hl_shift_u(uint64_t a, int bits, int64_t s, int left) {\n"
    "    s = hl_shift_amount(s);\n"
    "    if (s < 0) {\n"
    "        s = -s;\n"
    "        left = !left;\n"
    "    }\n"
    "    if (s >= bits) return 0;\n"
    "    return left ? a << s : a >> s;\n"
    "}\n"
    "HL_HELPER int64_t hl_shift_i(int64_t a, int bits, int64_t s, int left) {\n"
    "    s = hl_shift_amount(s);\n"
    "    if (s < 0) {\n"
    "        s = -s;\n"
    "        left = !left;\n"
    "    }\n"
    "    if (left) return s >= bits ? 0 : (int64_t)((uint64_t)a << s);\n"
    "    if (s > bits - 1) s = bits - 1;\n"
    "    return a < 0 ? ~(~a >> s) : a >> s;\n"
    "}\n"
    "\n"
    "/* Float to integer: truncation; out of range (or NaN) an arbitrary value, never UB. */\n"
    "HL_HELPER int64_t hl_float_to_i64(double x) {\n"
    "    return x >= -9223372036854775808.0 && x < 9223372036854775808.0 ? (int64_t)x : "
    "INT64_MIN;\n"
    "}\n"
    "HL_HELPER uint64_t hl_float_to_u64(double x) {\n"
    "    return x >= 0.0 && x < 18446744073709551616.0 ? (uint64_t)x : "
    "(uint64_t)hl_float_to_i64(x);\n"
    "}\n"
    "\n"
    "/* Reinterpretation of float bits. */\n"
    "HL_HELPER uint32_t hl_bits_f32(float x) {\n"
    "    uint32_t b;\n"
    "    memcpy(&b, &x, sizeof b);\n"
    "    return b;\n"
    "}\n"
    "HL_HELPER float hl_f32_from_bits(uint32_t b) {\n"
    "    float x;\n"
    "    memcpy(&x, &b, sizeof x);\n"
    "    return x;\n"
    "}\n"
    "HL_HELPER uint64_t hl_bits_f64(double x) {\n"
    "    uint64_t b;\n"
    "    memcpy(&b, &x, sizeof b);\n"
    "    return b;\n"
    "}\n"
    "HL_HELPER double hl_f64_from_bits(uint64_t b) {\n"
    "    double x;\n"
    "    memcpy(&x, &b, sizeof x);\n"
    "    return x;\n"
    "}\n"
    "\n"
    "/* 16-bit floats with e_bits of exponent and m_bits of mantissa (float16: 5, 10;\n"
    " * bfloat16: 8, 7): the bits of the one nearest x (ties to even), and the value of bits. */\n"
    "HL_HELPER uint16_t hl_small_float_bits(double x, int e_bits, int m_bits) {\n"
    "    uint64_t b = hl_bits_f64(x), m = b & ((UINT64_C(1) << 52) - 1);\n"
    "    int sign = (int)((b >> 48) & 0x8000), max_e = (1 << e_bits) - 1, bias = max_e >> 1;\n"
    "    int e = (int)((b >> 52) & 0x7ff);\n"
    "    if (e == 0x7ff) return (uint16_t)(sign | (max_e << m_bits) | (m ? 1 << (m_bits - 1) : "
    "0));\n"
    "    int he = e - 1023 + bias, shift = 52 - m_bits;\n"
    "    if (he >= max_e) return (uint16_t)(sign | (max_e << m_bits));\n"
    "    if (he <= 0) {\n"
    "        if (he < -m_bits) return (uint16_t)sign;\n"
    "        m |= UINT64_C(1) << 52;\n"
    "        shift += 1 - he;\n"
    "        he = 0;\n"
    "    }\n"
    "    uint64_t q = m >> shift, rest = m & ((UINT64_C(1) << shift) - 1), half = UINT64_C(1) << "
    "(shift - 1);\n"
    "    if (rest > half || (rest == half && (q & 1))) q++;\n"
    "    return (uint16_t)((uint64_t)sign | (((uint64_t)he << m_bits) + q));\n"
    "}\n"
    "HL_HELPER float hl_small_float_value(uint16_t h, int e_bits, int m_bits) {\n"
    "    int max_e = (1 << e_bits) - 1, bias = max_e >> 1;\n"
    "    int e = (h >> m_bits) & max_e, m = h & ((1 << m_bits) - 1);\n"
    "    double v = e == 0 ? ldexp((double)m, 1 - bias - m_bits)\n"
    "               : e == max_e ? (m ? (double)NAN : (double)INFINITY)\n"
    "                            : ldexp((double)(m | (1 << m_bits)), e - bias - m_bits);\n"
    "    return (float)((h & 0x8000) ? -v : v);\n"
    "}\n"
    "HL_HELPER uint16_t hl_to_f16(double x) { return hl_small_float_bits(x, 5, 10); }\n"
    "HL_HELPER float hl_from_f16(uint16_t h) { return hl_small_float_value(h, 5, 10); }\n"
    "HL_HELPER float hl_round_f16(double x) { return hl_from_f16(hl_to_f16(x)); }\n"
    "HL_HELPER uint16_t hl_to_bf16(double x) { return hl_small_float_bits(x, 8, 7); }\n"
    "HL_HELPER float hl_from_bf16(uint16_t h) { return hl_small_float_value(h, 8, 7); }\n"
    "HL_HELPER float hl_round_bf16(double x) { return hl_from_bf16(hl_to_bf16(x)); }\n"
    "\n"
    "/* Bit counts of a `bits`-wide value (zero-extended into x). */\n"
    "HL_HELPER int hl_popcount(uint64_t x) {\n"
    "    int n = 0;\n"
    "    for (; x; x &= x - 1) n++;\n"
    "    return n;\n"
    "}\n"
    "HL_HELPER int hl_count_leading_zeros(uint64_t x, int bits) {\n"
    "    int n = bits;\n"
    "    for (; x; x >>= 1) n--;\n"
    "    return n;\n"
    "}\n"
    "HL_HELPER int hl_count_trailing_zeros(uint64_t x, int bits) {\n"
    "    if (!x) return bits;\n"
    "    int n = 0;\n"
    "    for (; !(x & 1); x >>= 1) n++;\n"
    "    return n;\n"
    "}\n"
    "\n"
    "/* size * extent for an allocation, or -1 when either is negative or the product overflows. "
    "*/\n"
    "HL_HELPER int64_t hl_size_mul(int64_t size, int64_t extent) {\n"
    "    if (size < 0 || extent < 0 || (extent != 0 && size > INT64_MAX / extent)) return -1;\n"
    "    return size * extent;\n"
    "}\n"
    "\n"
    "#endif /* HALIDE_C_SOURCE_HELPERS */\n";

const cg_c_runtime_fn cg_c_runtime_fns[] = {
    {"void *", "halide_malloc", 2, {"void *", "size_t"}},
    {"void", "halide_free", 2, {"void *", "void *"}},
    {"int", "halide_do_par_for", 5, {"void *", "halide_task_t", "int", "int", "uint8_t *"}},
    {"int", "halide_error_buffer_argument_is_null", 2, {"void *", "const char *"}},
    {"int", "halide_error_out_of_memory", 1, {"void *"}},
    {"int", "halide_error_explicit_condition_failed", 2, {"void *", "const char *"}},
    {"int", "rt_print_values", 5, {"void *", "int", "int", "const uint32_t *", "const uint64_t *"}},
    {"int", "rt_trace", 9,
     {"void *", "int", "const char *", "int", "uint32_t", "const void *", "int", "const int32_t *", "const char *"}},
    {NULL, NULL, 0, {NULL}},
};
