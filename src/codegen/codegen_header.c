/* codegen_header.c - the C header of an ahead-of-time pipeline.
 *
 * Declares, as Halide's generated headers do,
 *     int name([void const *__user_context,] args..., struct halide_buffer_t *outputs...);
 *     int name_argv(void **args);
 *     const struct halide_filter_metadata_t *name_metadata(void);
 * Argument names are Halide's ("_" + the name with non-identifier characters replaced,
 * "_buffer" appended for buffers). Unlike Halide's header, which only forward-declares
 * halide_buffer_t, this one defines the runtime types the interface uses so that it is
 * self-contained, under the HALIDE_C_BUFFER_TYPES guard that include/halide_runtime.h
 * shares (keep the two texts in step), and skipped when Halide's own HalideRuntime.h was
 * included first.
 *
 * Assumes: the argument list of cg_aot_function. Guarantees: the header compiles as C99 and
 * C++; a write failure is a raise.
 */
#include "codegen_aot.h"
#include "util/check.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static const char runtime_types[] =
    "#if !defined(HALIDE_HALIDERUNTIME_H) && !defined(HALIDE_C_BUFFER_TYPES)\n"
    "#define HALIDE_C_BUFFER_TYPES\n"
    "typedef enum halide_type_code_t {\n"
    "    halide_type_int = 0,\n"
    "    halide_type_uint = 1,\n"
    "    halide_type_float = 2,\n"
    "    halide_type_handle = 3,\n"
    "    halide_type_bfloat = 4,\n"
    "} halide_type_code_t;\n"
    "struct halide_type_t {\n"
    "    uint8_t code;\n"
    "    uint8_t bits;\n"
    "    uint16_t lanes;\n"
    "};\n"
    "struct halide_device_interface_t;\n"
    "typedef struct halide_dimension_t {\n"
    "    int32_t min, extent, stride;\n"
    "    uint32_t flags;\n"
    "} halide_dimension_t;\n"
    "typedef enum {\n"
    "    halide_buffer_flag_host_dirty = 1,\n"
    "    halide_buffer_flag_device_dirty = 2,\n"
    "} halide_buffer_flags;\n"
    "typedef struct halide_buffer_t {\n"
    "    uint64_t device;\n"
    "    const struct halide_device_interface_t *device_interface;\n"
    "    uint8_t *host;\n"
    "    uint64_t flags;\n"
    "    struct halide_type_t type;\n"
    "    int32_t dimensions;\n"
    "    halide_dimension_t *dim;\n"
    "    void *padding;\n"
    "} halide_buffer_t;\n"
    "struct halide_scalar_value_t;\n"
    "typedef struct halide_filter_argument_t {\n"
    "    const char *name;\n"
    "    int32_t kind;\n"
    "    int32_t dimensions;\n"
    "    struct halide_type_t type;\n"
    "    const struct halide_scalar_value_t *scalar_def, *scalar_min, *scalar_max, *scalar_estimate;\n"
    "    const int64_t *const *buffer_estimates;\n"
    "} halide_filter_argument_t;\n"
    "typedef struct halide_filter_metadata_t {\n"
    "    int32_t version;\n"
    "    int32_t num_arguments;\n"
    "    const struct halide_filter_argument_t *arguments;\n"
    "    const char *target;\n"
    "    const char *name;\n"
    "} halide_filter_metadata_t;\n"
    "typedef enum halide_trace_event_code_t {\n"
    "    halide_trace_load = 0,\n"
    "    halide_trace_store = 1,\n"
    "    halide_trace_begin_realization = 2,\n"
    "    halide_trace_end_realization = 3,\n"
    "    halide_trace_produce = 4,\n"
    "    halide_trace_end_produce = 5,\n"
    "    halide_trace_consume = 6,\n"
    "    halide_trace_end_consume = 7,\n"
    "    halide_trace_begin_pipeline = 8,\n"
    "    halide_trace_end_pipeline = 9,\n"
    "    halide_trace_tag = 10,\n"
    "} halide_trace_event_code_t;\n"
    "struct halide_trace_event_t {\n"
    "    const char *func;\n"
    "    void *value;\n"
    "    int32_t *coordinates;\n"
    "    const char *trace_tag;\n"
    "    struct halide_type_t type;\n"
    "    enum halide_trace_event_code_t event;\n"
    "    int32_t parent_id;\n"
    "    int32_t value_index;\n"
    "    int32_t dimensions;\n"
    "};\n"
    "#ifdef __cplusplus\n"
    "extern \"C\"\n"
    "#endif\n"
    "int32_t halide_trace(void *user_context, const struct halide_trace_event_t *event);\n"
    "#endif\n";

static const char attribute_macros[] =
    "#ifndef HALIDE_MUST_USE_RESULT\n"
    "#ifdef __has_attribute\n"
    "#if __has_attribute(warn_unused_result)\n"
    "#define HALIDE_MUST_USE_RESULT __attribute__((warn_unused_result))\n"
    "#else\n"
    "#define HALIDE_MUST_USE_RESULT\n"
    "#endif\n"
    "#else\n"
    "#define HALIDE_MUST_USE_RESULT\n"
    "#endif\n"
    "#endif\n"
    "\n"
    "#ifndef HALIDE_FUNCTION_ATTRS\n"
    "#define HALIDE_FUNCTION_ATTRS\n"
    "#endif\n";

const char *cg_header_runtime_types(void) { return runtime_types; }

/* The C type of a scalar argument. */
static const char *c_type(hl_type t) {
    switch (t.code) {
    case halide_type_float:
        return t.bits == 64 ? "double" : t.bits == 32 ? "float" : "uint16_t";
    case halide_type_bfloat:
        return "uint16_t";
    case halide_type_handle:
        return "void const *";
    case halide_type_uint:
        return t.bits == 1 ? "bool" : t.bits == 8 ? "uint8_t" : t.bits == 16 ? "uint16_t" : t.bits == 32 ? "uint32_t" : "uint64_t";
    default:
        return t.bits == 8 ? "int8_t" : t.bits == 16 ? "int16_t" : t.bits == 32 ? "int32_t" : "int64_t";
    }
}

/* "_" + name with every character that is not a letter, digit or '_' replaced by '_'. */
static const char *c_name(hl_ctx *ctx, const char *name, bool is_buffer) {
    char *s = ctx_printf(ctx, "_%s%s", name, is_buffer ? "_buffer" : "");
    for (char *p = s; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '_') *p = '_';
    return s;
}

void cg_write_header(hl_ctx *ctx, const char *path, const hl_target *t, const cg_aot_function *fn) {
    FILE *fp = fopen(path, "w");
    user_assert(ctx, fp, "Could not open %s for writing", path);
    char target_name[1024];
    hl_target_to_string(t, target_name, sizeof target_name);
    const char *guard = c_name(ctx, fn->name, false);
    fprintf(fp, "#ifndef HALIDE_%s_h\n#define HALIDE_%s_h\n", guard, guard);
    fprintf(fp, "/* Generated by halide-c: pipeline %s for target %s. */\n", fn->name, target_name);
    fprintf(fp, "#include <stdint.h>\n");
    bool needs_bool = false;
    for (int i = 0; i < fn->nargs; i++)
        if (!fn->args[i].is_buffer && fn->args[i].type.code == halide_type_uint && fn->args[i].type.bits == 1)
            needs_bool = true;
    if (needs_bool) fprintf(fp, "#ifndef __cplusplus\n#include <stdbool.h>\n#endif\n");
    fprintf(fp, "\n%s\n%s\n", runtime_types, attribute_macros);
    fprintf(fp, "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n");
    fprintf(fp, "HALIDE_FUNCTION_ATTRS\nint %s(", fn->name);
    for (int i = 0; i < fn->nargs; i++) {
        const cg_arg *a = &fn->args[i];
        const char *sep = i + 1 < fn->nargs ? ", " : "";
        if (a->is_buffer) fprintf(fp, "struct halide_buffer_t *%s%s", c_name(ctx, a->name, true), sep);
        else if (!strcmp(a->name, "__user_context")) fprintf(fp, "void const *__user_context%s", sep);
        else fprintf(fp, "%s %s%s", c_type(a->type), c_name(ctx, a->name, false), sep);
    }
    if (fn->nargs == 0) fprintf(fp, "void");
    fprintf(fp, ");\n\nHALIDE_FUNCTION_ATTRS\nint %s_argv(void **args);\n\n", fn->name);
    fprintf(fp, "HALIDE_FUNCTION_ATTRS\nconst struct halide_filter_metadata_t *%s_metadata(void);\n\n", fn->name);
    fprintf(fp, "#ifdef __cplusplus\n}  // extern \"C\"\n#endif\n\n#endif\n");
    bool failed = ferror(fp) != 0;
    failed |= fclose(fp) != 0;
    user_assert(ctx, !failed, "Could not write %s", path);
}
