/* trace.c - tracing: rt_trace (called by generated code) and the default halide_trace.
 *
 * Generated code (lower/tracing.c places the events, codegen_call.c passes them) calls
 * rt_trace with the event's parts; rt_trace builds Halide's halide_trace_event_t and calls
 * halide_trace, which a program may replace (weak). The default prints one line per event
 * through halide_print, in the reference runtime's format:
 *     Begin pipeline f.0()            Tag h.0() tag = "func_type_and_dim: 1 2 32 1 1 0 4"
 *     Begin realization h.0(0, 4)     Produce h.0(0, 4)      End produce h.0(0, 4)
 *     Consume h.0(0, 4)               End consume h.0(0, 4)  End realization h.0(0, 4)
 *     Store h.0(1) = 2.500000         Load h.0(1) = 2.500000 End pipeline f.0()
 * Integers print in decimal, floats with "%f".
 *
 * A vector access (lanes > 1) has lanes coordinates per dimension, lanes innermost, and
 * prints as "Store f.0(<0, 1, 2, 3>, <5, 5, 5, 5>) = <a, b, c, d>".
 *
 * Assumes: values are stored lane after lane (bools as bytes).
 * Guarantees: never allocates; lines longer than the local buffer are cut; ids increase
 * atomically across threads.
 */
#include "runtime_internal.h"

#include <stdio.h>
#include <string.h>

static const char *const event_names[] = {
    "Load", "Store", "Begin realization", "End realization", "Produce", "End produce",
    "Consume", "End consume", "Begin pipeline", "End pipeline", "Tag",
};

static int next_id = 1;

static size_t format_value(char *buf, size_t room, struct halide_type_t t, const void *v) {
    int n = 0;
    if (t.code == halide_type_float && t.bits == 32) {
        float f;
        memcpy(&f, v, sizeof f);
        n = snprintf(buf, room, "%f", (double)f);
    } else if (t.code == halide_type_float && t.bits == 64) {
        double d;
        memcpy(&d, v, sizeof d);
        n = snprintf(buf, room, "%f", d);
    } else if (t.code == halide_type_int || t.code == halide_type_uint) {
        uint64_t u = 0;
        int64_t s = 0;
        switch (t.bits) {
        case 1:
        case 8: u = *(const uint8_t *)v; s = *(const int8_t *)v; break;
        case 16: u = *(const uint16_t *)v; s = *(const int16_t *)v; break;
        case 32: u = *(const uint32_t *)v; s = *(const int32_t *)v; break;
        default: u = *(const uint64_t *)v; s = *(const int64_t *)v; break;
        }
        n = t.code == halide_type_int ? snprintf(buf, room, "%lld", (long long)s)
                                      : snprintf(buf, room, "%llu", (unsigned long long)u);
    } else {
        n = snprintf(buf, room, "<%d-bit value>", t.bits);
    }
    return n < 0 ? 0 : (size_t)n < room ? (size_t)n : room - 1;
}

__attribute__((weak)) int32_t halide_trace(void *user_context, const struct halide_trace_event_t *e) {
    char line[1024];
    size_t len = 0, room = sizeof line - 2;
    int code = (int)e->event;
    const char *what = code >= 0 && code <= halide_trace_tag ? event_names[code] : "Event";
    int n = snprintf(line, room, "%s %s.%d(", what, e->func ? e->func : "", (int)e->value_index);
    len = n < 0 ? 0 : (size_t)n < room ? (size_t)n : room - 1;
    /* A vector access: each coordinate and the value are "<lane0, lane1, ...>". */
    int lanes = (code == halide_trace_load || code == halide_trace_store) && e->type.lanes > 1 ? e->type.lanes : 1;
    for (int i = 0; i < e->dimensions && len < room; i++) {
        const char *sep = lanes == 1 ? (i ? ", " : "") : i == 0 ? "<" : i % lanes == 0 ? ">, <" : ", ";
        n = snprintf(line + len, room - len, "%s%d", sep, (int)e->coordinates[i]);
        if (n > 0) len += (size_t)n < room - len ? (size_t)n : room - len - 1;
    }
    if (lanes > 1 && e->dimensions > 0 && len < room) line[len++] = '>';
    if (len < room) line[len++] = ')';
    if ((code == halide_trace_load || code == halide_trace_store) && e->value && len + 3 < room) {
        memcpy(line + len, " = ", 3);
        len += 3;
        struct halide_type_t t = e->type;
        size_t bytes = t.bits == 1 ? 1 : (size_t)t.bits / 8;
        if (lanes > 1 && len < room) line[len++] = '<';
        for (int l = 0; l < lanes && len + 2 < room; l++) {
            if (l) {
                memcpy(line + len, ", ", 2);
                len += 2;
            }
            len += format_value(line + len, room - len, t, (const char *)e->value + (size_t)l * bytes);
        }
        if (lanes > 1 && len < room) line[len++] = '>';
    } else if (code == halide_trace_tag && len < room) {
        n = snprintf(line + len, room - len, " tag = \"%s\"", e->trace_tag ? e->trace_tag : "");
        if (n > 0) len += (size_t)n < room - len ? (size_t)n : room - len - 1;
    }
    line[len++] = '\n';
    line[len] = '\0';
    halide_print(user_context, line);
    return __atomic_fetch_add(&next_id, 1, __ATOMIC_RELAXED);
}

int rt_trace(void *user_context, int event, const char *func, int value_index, uint32_t type_bits,
             const void *value, int ncoords, const int32_t *coords, const char *tag) {
    struct halide_trace_event_t e;
    memset(&e, 0, sizeof e);
    e.func = func;
    e.event = (enum halide_trace_event_code_t)event;
    e.value_index = value_index;
    e.type.code = (uint8_t)(type_bits & 0xff);
    e.type.bits = (uint8_t)((type_bits >> 8) & 0xff);
    e.type.lanes = (uint16_t)(type_bits >> 16);
    e.value = (void *)value;
    char text[512];
    if (event == halide_trace_tag) {
        /* The static part, then the number of dimensions and each dimension's min, extent. */
        int n = snprintf(text, sizeof text, "%s%d", tag ? tag : "", ncoords / 2);
        size_t len = n < 0 ? 0 : (size_t)n < sizeof text ? (size_t)n : sizeof text - 1;
        for (int i = 0; i < ncoords && len < sizeof text - 1; i++) {
            n = snprintf(text + len, sizeof text - len, " %d", (int)coords[i]);
            if (n > 0) len += (size_t)n < sizeof text - len ? (size_t)n : sizeof text - len - 1;
        }
        e.trace_tag = text;
    } else {
        e.coordinates = (int32_t *)coords;
        e.dimensions = ncoords;
    }
    halide_trace(user_context, &e);
    return 0;
}
