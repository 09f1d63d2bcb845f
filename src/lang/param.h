/* param.h - the layout of Params and ImageParams (the public API is hl_param.h). */
#ifndef HL_LANG_PARAM_H
#define HL_LANG_PARAM_H

#include "func.h"

/* A scalar value laid out as its type at offset 0 (argv points here). */
typedef union param_value {
    int8_t i8;
    uint8_t u8;
    uint16_t u16;
    uint32_t u32;
    uint64_t u64;
    float f32;
    double f64;
} param_value;

/* Constraints of one ImageParam dimension (heap Exprs or NULL). */
typedef struct func_dim_constraint {
    ir_node *min, *extent, *stride;
} func_dim_constraint;

struct hl_param {
    int32_t refs;
    char *name;
    hl_type type;      /* the scalar's, or the ImageParam's element type */
    bool is_buffer;
    int dimensions;
    param_value value; /* scalar Params */
    bool has_value;
    ir_node *min_value, *max_value, *estimate;
    func_dim_constraint *dims; /* ImageParams: per dimension */
    hl_buffer *bound;          /* ImageParams: the buffer set() bound, or NULL */
    int host_alignment;
    bool trace_loads;          /* ImageParam.trace_loads() */
};

#endif
