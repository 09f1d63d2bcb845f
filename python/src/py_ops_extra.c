/* py_ops_extra.c - the module functions of hl_operators.h (the rest of Halide's operator
 * library). */
#include "py_state.h"

static PyMethodDef extra_functions[] = {
    {NULL, NULL, 0, NULL},
};

int py_ops_extra_init(PyObject *module, py_state *st) {
    (void)st;
    return PyModule_AddFunctions(module, extra_functions);
}
