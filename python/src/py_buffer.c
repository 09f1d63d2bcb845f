/* py_buffer.c - halide.Buffer and halide.BufferDimension.
 *
 * Python sketch:
 *     class BufferDimension:           # a snapshot of one dimension of a Buffer
 *         def min(self), max(self), extent(self), stride(self)
 *     class Buffer:
 *         def __init__(self)                                    # undefined
 *         def __init__(self, type, sizes, storage_order=None, name="")
 *         def __init__(self, buffer, name="", reverse_axes=True)  # shares the memory
 *         def __init__(self, other: Buffer, name="")            # shares the memory
 *         make_scalar, make_interleaved, make_with_shape_of, make_bounds_query  (class methods)
 *         buffer protocol: np.asarray(b) is a zero-copy, writable view, axes reversed
 *         b[x, y] -> number;  b[x, y] = number;  b[Expr, ...] -> Expr
 *         dim(i), dimensions(), type(), name(), set_name(), defined(), same_as(other),
 *         width(), height(), channels(), left(), right(), top(), bottom(),
 *         number_of_elements(), size_in_bytes(), contains(coords),
 *         copy(), copy_from(src), fill(v), all_equal(v), for_each_element(f),
 *         crop/cropped, slice/sliced, translate/translated, set_min, transpose/transposed,
 *         reverse_axes(), embed/embedded, add_dimension(), allocate(), deallocate(),
 *         host/device dirty flags and the device calls of a CPU-only build.
 * A Buffer holds one reference to an hl_buffer (NULL: undefined). The in-place shape
 * methods change that hl_buffer (as Halide's shared Buffer); the "-ed" ones make an alias
 * first. Memory of a wrapped Python object stays alive through its Py_buffer, released by
 * the hl_buffer's release callback (which takes the GIL). Exports to the buffer protocol
 * hold their own reference to the hl_buffer and their own shape arrays.
 * Error mapping: bad constructor arguments -> ValueError/TypeError; coordinates outside
 * the buffer -> IndexError; wrong coordinate count -> ValueError; everything the core
 * refuses (dimension out of range, bad crop, value that does not fit) -> HalideError.
 */
#include "py_state.h"

#include <string.h>

typedef struct {
    PyObject_HEAD
    hl_buffer *buf; /* NULL: an undefined Buffer */
} py_buffer_object;

typedef struct {
    PyObject_HEAD
    halide_dimension_t dim;
} py_dimension_object;

#define MAX_DIMS HL_BUFFER_MAX_DIMENSIONS

static hl_buffer *self_buffer(PyObject *self) { return ((py_buffer_object *)self)->buf; }

/* Borrowed: the hl_buffer of a defined Buffer, or NULL with HalideError. */
static hl_buffer *defined_buffer(PyObject *self) {
    hl_buffer *b = self_buffer(self);
    if (!b) PyErr_SetString(py_state_of(self)->HalideError, "Buffer is undefined");
    return b;
}

static PyObject *new_buffer_object(PyTypeObject *cls, hl_buffer *b) {
    py_buffer_object *o = (py_buffer_object *)cls->tp_alloc(cls, 0);
    if (!o) {
        hl_buffer_release(b);
        return NULL;
    }
    o->buf = b;
    return (PyObject *)o;
}

/* New reference to a Buffer wrapping b (steals the reference to b, even on failure).
 * For the other py_*.c files: Func.realize returns its outputs through this. */
PyObject *py_buffer_wrap(py_state *st, hl_buffer *b) { return new_buffer_object(st->Buffer, b); }

/* Borrowed: the hl_buffer of obj if it is a defined Buffer; NULL with TypeError or
 * HalideError otherwise. For the other py_*.c files. */
hl_buffer *py_buffer_get(py_state *st, PyObject *obj) {
    if (!PyObject_TypeCheck(obj, st->Buffer)) {
        PyErr_Format(PyExc_TypeError, "expected a halide.Buffer, got %.100s", Py_TYPE(obj)->tp_name);
        return NULL;
    }
    return defined_buffer(obj);
}

static void buffer_dealloc(PyObject *self) {
    PyTypeObject *tp = Py_TYPE(self);
    hl_buffer_release(self_buffer(self));
    tp->tp_free(self);
    Py_DECREF(tp);
}

/* ---- Conversions ------------------------------------------------------------------------ */

/* A Python integer as int32; -1 with `error` (ValueError, IndexError ...) when it does
 * not fit, TypeError when it is not an integer. */
static int as_int32(PyObject *obj, PyObject *error, const char *what, int32_t *out) {
    PyObject *index = PyNumber_Index(obj);
    if (!index) {
        if (PyErr_ExceptionMatches(PyExc_TypeError)) {
            PyErr_Clear();
            PyErr_Format(PyExc_TypeError, "%s must be an integer, not %.100s", what,
                         Py_TYPE(obj)->tp_name);
        }
        return -1;
    }
    int overflow;
    long long v = PyLong_AsLongLongAndOverflow(index, &overflow);
    if (v == -1 && PyErr_Occurred()) {
        Py_DECREF(index);
        return -1;
    }
    if (overflow || v < INT32_MIN || v > INT32_MAX) {
        PyErr_Format(error, "%s %S does not fit in 32 bits", what, index);
        Py_DECREF(index);
        return -1;
    }
    Py_DECREF(index);
    *out = (int32_t)v;
    return 0;
}

/* A sequence of int32s into out[max]; *n receives the length. ValueError when longer than
 * max (message "Too many arguments", as the reference's). */
static int as_int32_list(PyObject *seq, const char *what, int32_t *out, int max, int *n) {
    PyObject *fast = PySequence_Fast(seq, "expected a sequence of integers");
    if (!fast) return -1;
    Py_ssize_t len = PySequence_Fast_GET_SIZE(fast);
    if (len > max) {
        Py_DECREF(fast);
        PyErr_Format(PyExc_ValueError, "Too many arguments: %zd %s given, at most %d", len, what,
                     max);
        return -1;
    }
    for (Py_ssize_t i = 0; i < len; i++) {
        if (as_int32(PySequence_Fast_GET_ITEM(fast, i), PyExc_ValueError, what, &out[i]) < 0) {
            Py_DECREF(fast);
            return -1;
        }
    }
    Py_DECREF(fast);
    *n = (int)len;
    return 0;
}

static int is_numpy_bool(PyObject *obj) {
    const char *name = Py_TYPE(obj)->tp_name;
    return strcmp(name, "numpy.bool") == 0 || strcmp(name, "numpy.bool_") == 0;
}

/* A Python int (exact) as an element value for a Buffer of type t. Integers beyond 64 bits
 * are kept only by float buffers (as the nearest double) and bool buffers (as true). */
static int int_value(py_state *st, PyObject *index, hl_type t, hl_value *out) {
    int overflow;
    long long v = PyLong_AsLongLongAndOverflow(index, &overflow);
    if (v == -1 && PyErr_Occurred()) return -1;
    if (!overflow) {
        *out = hl_value_int(v);
        return 0;
    }
    if (overflow > 0) {
        unsigned long long u = PyLong_AsUnsignedLongLong(index);
        if (!PyErr_Occurred()) {
            *out = hl_value_uint(u);
            return 0;
        }
        PyErr_Clear();
    }
    if (t.code == halide_type_float || t.code == halide_type_bfloat) {
        double f = PyLong_AsDouble(index);
        if (f == -1.0 && PyErr_Occurred()) return -1;
        *out = hl_value_float(f);
        return 0;
    }
    if (t.code == halide_type_uint && t.bits == 1) {
        *out = hl_value_bool(1);
        return 0;
    }
    char tname[48];
    PyErr_Format(st->HalideError, "Value %S does not fit in a Buffer of type %s", index,
                 hl_type_name(t, tname, sizeof tname));
    return -1;
}

/* A Python number as an element value for a Buffer of type t. */
static int as_value(py_state *st, PyObject *obj, hl_type t, hl_value *out) {
    char tname[48];
    if (PyBool_Check(obj) || is_numpy_bool(obj)) {
        int truth = PyObject_IsTrue(obj);
        if (truth < 0) return -1;
        *out = hl_value_bool(truth);
        return 0;
    }
    if (PyIndex_Check(obj)) {
        PyObject *index = PyNumber_Index(obj);
        if (!index) return -1;
        int rc = int_value(st, index, t, out);
        Py_DECREF(index);
        return rc;
    }
    if (PyFloat_Check(obj) || (Py_TYPE(obj)->tp_as_number && Py_TYPE(obj)->tp_as_number->nb_float)) {
        double f = PyFloat_AsDouble(obj);
        if (f == -1.0 && PyErr_Occurred()) return -1;
        *out = hl_value_float(f);
        return 0;
    }
    PyErr_Format(st->HalideError, "A Buffer of type %s cannot hold a value of type %.100s",
                 hl_type_name(t, tname, sizeof tname), Py_TYPE(obj)->tp_name);
    return -1;
}

static PyObject *value_to_python(hl_value v) {
    switch (v.kind) {
    case HL_VALUE_INT: return PyLong_FromLongLong(v.i);
    case HL_VALUE_UINT: return PyLong_FromUnsignedLongLong(v.u);
    case HL_VALUE_FLOAT: return PyFloat_FromDouble(v.f);
    case HL_VALUE_BOOL: return PyBool_FromLong((long)v.i);
    }
    Py_RETURN_NONE;
}

/* ---- Construction ----------------------------------------------------------------------- */

/* Releases a wrapped object's Py_buffer when the last hl_buffer using it goes; the core
 * may call this from a thread that does not hold the GIL. */
static void release_view(void *ctx) {
    PyGILState_STATE gil = PyGILState_Ensure();
    Py_buffer *view = ctx;
    PyBuffer_Release(view);
    PyMem_Free(view);
    PyGILState_Release(gil);
}

/* The Halide type of a PEP 3118 format of one native-order scalar, or -1 (ValueError). */
static int type_from_format(const char *format, Py_ssize_t itemsize, hl_type *out) {
    const char *f = format ? format : "B";
    if (*f == '@' || *f == '=') f++;
#if PY_LITTLE_ENDIAN
    else if (*f == '<') f++;
#else
    else if (*f == '>' || *f == '!') f++;
#endif
    int ok = f[0] && !f[1] && (itemsize == 1 || itemsize == 2 || itemsize == 4 || itemsize == 8);
    int bits = (int)itemsize * 8;
    if (ok) {
        switch (f[0]) {
        case '?': ok = itemsize == 1; *out = hl_type_make(halide_type_uint, 1, 1); break;
        case 'b': case 'h': case 'i': case 'l': case 'q': case 'n':
            *out = hl_type_make(halide_type_int, bits, 1); break;
        case 'B': case 'H': case 'I': case 'L': case 'Q': case 'N':
            *out = hl_type_make(halide_type_uint, bits, 1); break;
        case 'e': ok = itemsize == 2; *out = hl_type_make(halide_type_float, 16, 1); break;
        case 'f': ok = itemsize == 4; *out = hl_type_make(halide_type_float, 32, 1); break;
        case 'd': ok = itemsize == 8; *out = hl_type_make(halide_type_float, 64, 1); break;
        default: ok = 0; break;
        }
    }
    if (!ok) {
        PyErr_Format(PyExc_ValueError, "Unsupported Buffer<> type: buffer format '%s'",
                     format ? format : "B");
        return -1;
    }
    return 0;
}

/* The PEP 3118 format of a Halide type, or NULL when NumPy has none (bfloat16, handle). */
static const char *format_of_type(hl_type t) {
    switch (t.code) {
    case halide_type_int:
        return t.bits == 8 ? "b" : t.bits == 16 ? "h" : t.bits == 32 ? "i" : "q";
    case halide_type_uint:
        return t.bits == 1 ? "?" : t.bits == 8 ? "B" : t.bits == 16 ? "H" : t.bits == 32 ? "I" : "Q";
    case halide_type_float:
        return t.bits == 16 ? "e" : t.bits == 32 ? "f" : "d";
    case halide_type_handle:
    case halide_type_bfloat:
        break;
    }
    return NULL;
}

/* A Buffer over the memory of any object with the buffer protocol. */
static hl_buffer *wrap_python_buffer(PyObject *obj, int reverse_axes, const char *name) {
    Py_buffer *view = PyMem_Malloc(sizeof *view);
    if (!view) return (hl_buffer *)PyErr_NoMemory();
    if (PyObject_GetBuffer(obj, view, PyBUF_RECORDS_RO) < 0) {
        PyMem_Free(view);
        return NULL;
    }
    hl_type t;
    halide_dimension_t dims[MAX_DIMS];
    int ndim = view->ndim;
    if (view->readonly) {
        PyErr_SetString(PyExc_ValueError, "buffer source array is read-only");
        goto fail;
    }
    if (type_from_format(view->format, view->itemsize, &t) < 0) goto fail;
    if (ndim > MAX_DIMS) {
        PyErr_Format(PyExc_ValueError, "A Buffer has at most %d dimensions, not %d", MAX_DIMS, ndim);
        goto fail;
    }
    Py_ssize_t dense = view->itemsize;
    for (int k = ndim - 1; k >= 0; k--) {
        Py_ssize_t extent = view->shape[k];
        Py_ssize_t stride = view->strides ? view->strides[k] : dense;
        dense *= extent;
        int d = reverse_axes ? ndim - 1 - k : k;
        if (stride % view->itemsize) {
            PyErr_Format(PyExc_ValueError,
                         "stride %zd of axis %d is not a multiple of the element size %zd", stride,
                         k, view->itemsize);
            goto fail;
        }
        stride /= view->itemsize;
        if (extent > INT32_MAX || stride > INT32_MAX || stride < INT32_MIN) {
            PyErr_Format(PyExc_ValueError, "extent or stride of axis %d does not fit in 32 bits", k);
            goto fail;
        }
        dims[d] = (halide_dimension_t){0, (int32_t)extent, (int32_t)stride, 0};
    }
    hl_buffer *b;
    hl_status s = hl_buffer_wrap(t, ndim, view->buf, dims, release_view, view, &b);
    if (s != HL_OK) {
        PyErr_SetString(s == HL_ERROR_NOMEM ? PyExc_MemoryError : PyExc_ValueError, hl_last_error());
        goto fail;
    }
    if (name && name[0] && (s = hl_buffer_set_name(b, name)) != HL_OK) {
        hl_buffer_release(b); /* releases the view */
        return (hl_buffer *)PyErr_NoMemory();
    }
    return b;
fail:
    PyBuffer_Release(view);
    PyMem_Free(view);
    return NULL;
}

/* Raises for a failed constructor call: user errors are bad arguments (ValueError). */
static void raise_constructor_error(py_state *st, hl_status s) {
    if (s == HL_ERROR_USER) PyErr_SetString(PyExc_ValueError, hl_last_error());
    else py_raise_status(st, s);
}

static hl_buffer *new_from_sizes(py_state *st, PyObject *type_obj, PyObject *sizes,
                                 PyObject *storage_order, const char *name) {
    hl_type t;
    int32_t extents[MAX_DIMS];
    int32_t order32[MAX_DIMS];
    int order[MAX_DIMS];
    int n, norder = 0;
    if (py_as_type(st, type_obj, &t) < 0) return NULL;
    if (as_int32_list(sizes, "sizes", extents, MAX_DIMS, &n) < 0) return NULL;
    for (int i = 0; i < n; i++) {
        if (extents[i] < 0) {
            PyErr_Format(PyExc_ValueError, "Buffer sizes must not be negative (size %d is %d)", i,
                         extents[i]);
            return NULL;
        }
    }
    if (storage_order) {
        if (as_int32_list(storage_order, "storage_order", order32, MAX_DIMS, &norder) < 0)
            return NULL;
        if (norder != n) {
            PyErr_Format(PyExc_ValueError, "storage_order has %d entries but sizes has %d", norder,
                         n);
            return NULL;
        }
        for (int i = 0; i < n; i++) order[i] = order32[i];
    }
    hl_buffer *b;
    hl_status s = hl_buffer_new_ordered(t, n, extents, NULL, storage_order ? order : NULL, &b);
    if (s == HL_OK && name && name[0]) {
        s = hl_buffer_set_name(b, name);
        if (s != HL_OK) hl_buffer_release(b);
    }
    if (s != HL_OK) {
        raise_constructor_error(st, s);
        return NULL;
    }
    return b;
}

/* An alias of other's memory and shape (the reference goes through the buffer protocol
 * for this, which loses the mins; an alias keeps them). */
static hl_buffer *new_alias(py_state *st, PyObject *other, const char *name, int reverse_axes) {
    hl_buffer *src = defined_buffer(other);
    hl_buffer *b;
    if (!src) return NULL;
    hl_status s = hl_buffer_alias(src, name, &b);
    if (s != HL_OK) return (hl_buffer *)py_raise_status(st, s);
    if (!reverse_axes) {
        /* The buffer protocol view is reversed; not reversing it back reverses the axes. */
        int n = hl_buffer_dimensions(b), order[MAX_DIMS];
        for (int i = 0; i < n; i++) order[i] = n - 1 - i;
        hl_buffer_transpose(b, n, order);
    }
    return b;
}

static PyObject *buffer_new(PyTypeObject *cls, PyObject *args, PyObject *kwds) {
    py_state *st = py_state_of_type(cls);
    Py_ssize_t nargs = PyTuple_GET_SIZE(args);
    if (nargs == 0 && (!kwds || PyDict_GET_SIZE(kwds) == 0)) return new_buffer_object(cls, NULL);
    PyObject *first = nargs ? PyTuple_GET_ITEM(args, 0) : NULL;
    if (!first && kwds) first = PyDict_GetItemString(kwds, "type");
    hl_buffer *b = NULL;
    if (first && PyObject_TypeCheck(first, st->Type)) {
        static char *kwlist[] = {"type", "sizes", "storage_order", "name", NULL};
        PyObject *type_obj, *sizes, *order = NULL;
        const char *name = "";
        if (!PyArg_ParseTupleAndKeywords(args, kwds, "OO|Os:Buffer", kwlist, &type_obj, &sizes,
                                         &order, &name))
            return NULL;
        if (order && PyUnicode_Check(order)) {
            /* Buffer(type, sizes, name) */
            if (!(name = PyUnicode_AsUTF8(order))) return NULL;
            order = NULL;
        }
        b = new_from_sizes(st, type_obj, sizes, order, name);
    } else {
        static char *kwlist[] = {"buffer", "name", "reverse_axes", NULL};
        PyObject *obj;
        const char *name = "";
        int reverse_axes = 1;
        if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|sp:Buffer", kwlist, &obj, &name,
                                         &reverse_axes))
            return NULL;
        if (PyObject_TypeCheck(obj, st->Buffer)) {
            b = new_alias(st, obj, name, reverse_axes);
        } else if (PyObject_CheckBuffer(obj)) {
            b = wrap_python_buffer(obj, reverse_axes, name);
        } else {
            PyErr_Format(PyExc_TypeError,
                         "Buffer(): expected a halide.Type and sizes, a Buffer, or an object "
                         "with the buffer protocol (such as a NumPy array), not %.100s",
                         Py_TYPE(obj)->tp_name);
        }
    }
    return b ? new_buffer_object(cls, b) : NULL;
}

/* ---- Class methods ---------------------------------------------------------------------- */

static PyObject *buffer_make_scalar(PyObject *cls, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"type", "name", NULL};
    PyObject *type_obj, *sizes;
    const char *name = "";
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|s:make_scalar", kwlist, &type_obj, &name))
        return NULL;
    if (!(sizes = PyList_New(0))) return NULL;
    hl_buffer *b = new_from_sizes(py_state_of_type((PyTypeObject *)cls), type_obj, sizes, NULL, name);
    Py_DECREF(sizes);
    return b ? new_buffer_object((PyTypeObject *)cls, b) : NULL;
}

static PyObject *buffer_make_interleaved(PyObject *cls, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"type", "width", "height", "channels", "name", NULL};
    PyObject *type_obj;
    int w, h, c;
    const char *name = "";
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "Oiii|s:make_interleaved", kwlist, &type_obj, &w,
                                     &h, &c, &name))
        return NULL;
    PyObject *sizes = Py_BuildValue("[iii]", w, h, c);
    PyObject *order = Py_BuildValue("[iii]", 2, 0, 1);
    hl_buffer *b = NULL;
    if (sizes && order)
        b = new_from_sizes(py_state_of_type((PyTypeObject *)cls), type_obj, sizes, order, name);
    Py_XDECREF(sizes);
    Py_XDECREF(order);
    return b ? new_buffer_object((PyTypeObject *)cls, b) : NULL;
}

static PyObject *buffer_make_with_shape_of(PyObject *cls, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"src", "name", NULL};
    py_state *st = py_state_of_type((PyTypeObject *)cls);
    PyObject *src_obj;
    const char *name = "";
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O!|s:make_with_shape_of", kwlist, st->Buffer,
                                     &src_obj, &name))
        return NULL;
    hl_buffer *src = defined_buffer(src_obj), *b;
    if (!src) return NULL;
    hl_status s = hl_buffer_new_with_shape_of(src, &b);
    if (s == HL_OK && name[0] && (s = hl_buffer_set_name(b, name)) != HL_OK) hl_buffer_release(b);
    if (s != HL_OK) return py_raise_status(st, s);
    return new_buffer_object((PyTypeObject *)cls, b);
}

static PyObject *buffer_make_bounds_query(PyObject *cls, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"type", "sizes", "name", NULL};
    py_state *st = py_state_of_type((PyTypeObject *)cls);
    PyObject *type_obj, *sizes;
    const char *name = "";
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OO|s:make_bounds_query", kwlist, &type_obj,
                                     &sizes, &name))
        return NULL;
    hl_type t;
    int32_t extents[MAX_DIMS];
    int n;
    hl_buffer *b;
    if (py_as_type(st, type_obj, &t) < 0 || as_int32_list(sizes, "sizes", extents, MAX_DIMS, &n) < 0)
        return NULL;
    hl_status s = hl_buffer_new_bounds_query(t, n, extents, &b);
    if (s == HL_OK && name[0] && (s = hl_buffer_set_name(b, name)) != HL_OK) hl_buffer_release(b);
    if (s != HL_OK) {
        raise_constructor_error(st, s);
        return NULL;
    }
    return new_buffer_object((PyTypeObject *)cls, b);
}

/* ---- Shape queries ---------------------------------------------------------------------- */

static PyObject *dimension_new(py_state *st, halide_dimension_t dim) {
    py_dimension_object *o = PyObject_New(py_dimension_object, st->Dimension);
    if (o) o->dim = dim;
    return (PyObject *)o;
}

/* Dimension d of b, or -1 with HalideError. */
static int check_dim_index(PyObject *self, hl_buffer *b, long d) {
    if (d < 0 || d >= hl_buffer_dimensions(b)) {
        PyErr_Format(py_state_of(self)->HalideError,
                     "Dimension %ld is out of range for Buffer %s with %d dimensions", d,
                     hl_buffer_name(b), hl_buffer_dimensions(b));
        return -1;
    }
    return 0;
}

static PyObject *buffer_dim(PyObject *self, PyObject *arg) {
    hl_buffer *b = defined_buffer(self);
    if (!b) return NULL;
    long d = PyLong_AsLong(arg);
    if (d == -1 && PyErr_Occurred()) return NULL;
    if (check_dim_index(self, b, d) < 0) return NULL;
    return dimension_new(py_state_of(self), hl_buffer_raw(b)->dim[d]);
}

static PyObject *buffer_dimensions(PyObject *self, PyObject *unused) {
    hl_buffer *b = defined_buffer(self);
    return b ? PyLong_FromLong(hl_buffer_dimensions(b)) : NULL;
}

/* Field of dimension d, as Halide's width()/left()...: a missing dimension has min 0 and
 * extent 1. which: 0 min, 1 max, 2 extent. */
static PyObject *dim_field(PyObject *self, int d, int which) {
    hl_buffer *b = defined_buffer(self);
    if (!b) return NULL;
    halide_dimension_t dim = {0, 1, 0, 0};
    if (d < hl_buffer_dimensions(b)) dim = hl_buffer_raw(b)->dim[d];
    long long v = which == 0 ? dim.min : which == 1 ? (long long)dim.min + dim.extent - 1 : dim.extent;
    return PyLong_FromLongLong(v);
}

static PyObject *buffer_width(PyObject *self, PyObject *u) { return dim_field(self, 0, 2); }
static PyObject *buffer_height(PyObject *self, PyObject *u) { return dim_field(self, 1, 2); }
static PyObject *buffer_channels(PyObject *self, PyObject *u) { return dim_field(self, 2, 2); }
static PyObject *buffer_left(PyObject *self, PyObject *u) { return dim_field(self, 0, 0); }
static PyObject *buffer_right(PyObject *self, PyObject *u) { return dim_field(self, 0, 1); }
static PyObject *buffer_top(PyObject *self, PyObject *u) { return dim_field(self, 1, 0); }
static PyObject *buffer_bottom(PyObject *self, PyObject *u) { return dim_field(self, 1, 1); }

static PyObject *buffer_number_of_elements(PyObject *self, PyObject *unused) {
    hl_buffer *b = defined_buffer(self);
    return b ? PyLong_FromLongLong(hl_buffer_number_of_elements(b)) : NULL;
}

static PyObject *buffer_size_in_bytes(PyObject *self, PyObject *unused) {
    hl_buffer *b = defined_buffer(self);
    return b ? PyLong_FromLongLong(hl_buffer_size_in_bytes(b)) : NULL;
}

static PyObject *buffer_type(PyObject *self, PyObject *unused) {
    hl_buffer *b = defined_buffer(self);
    return b ? py_type_wrap(py_state_of(self), hl_buffer_type(b)) : NULL;
}

static PyObject *buffer_name(PyObject *self, PyObject *unused) {
    hl_buffer *b = defined_buffer(self);
    return b ? PyUnicode_FromString(hl_buffer_name(b)) : NULL;
}

static PyObject *buffer_set_name(PyObject *self, PyObject *arg) {
    hl_buffer *b = defined_buffer(self);
    if (!b) return NULL;
    const char *name = PyUnicode_AsUTF8(arg);
    if (!name) return NULL;
    hl_status s = hl_buffer_set_name(b, name);
    if (s != HL_OK) return py_raise_status(py_state_of(self), s);
    Py_RETURN_NONE;
}

static PyObject *buffer_defined(PyObject *self, PyObject *unused) {
    return PyBool_FromLong(self_buffer(self) != NULL);
}

static PyObject *buffer_same_as(PyObject *self, PyObject *other) {
    py_state *st = py_state_of(self);
    if (!PyObject_TypeCheck(other, st->Buffer)) {
        PyErr_Format(PyExc_TypeError, "same_as() expects a Buffer, not %.100s",
                     Py_TYPE(other)->tp_name);
        return NULL;
    }
    hl_buffer *a = self_buffer(self), *b = self_buffer(other);
    return PyBool_FromLong(a && b && hl_buffer_same_as(a, b));
}

/* Coordinates (a sequence of ints) into coords; ValueError when more than dimensions. */
static int coords_arg(hl_buffer *b, PyObject *seq, int32_t *coords, int *n) {
    return as_int32_list(seq, "coordinates", coords, hl_buffer_dimensions(b), n);
}

static PyObject *buffer_contains(PyObject *self, PyObject *arg) {
    hl_buffer *b = defined_buffer(self);
    int32_t coords[MAX_DIMS];
    int n;
    if (!b || coords_arg(b, arg, coords, &n) < 0) return NULL;
    return PyBool_FromLong(hl_buffer_contains(b, n, coords));
}

static PyObject *buffer_raw(PyObject *self, PyObject *unused) {
    hl_buffer *b = defined_buffer(self);
    return b ? PyLong_FromVoidPtr(hl_buffer_raw(b)) : NULL;
}

/* ---- Shape changes ---------------------------------------------------------------------- */

/* Applies one shape change to b. Returns -1 with an exception set. */
typedef int (*shape_op)(PyObject *self, hl_buffer *b, PyObject *const *args, Py_ssize_t nargs);

static int check_status(PyObject *self, hl_status s) {
    if (s == HL_OK) return 0;
    py_raise_status(py_state_of(self), s);
    return -1;
}

static int int_arg(PyObject *obj, const char *what, int32_t *out) {
    return as_int32(obj, PyExc_ValueError, what, out);
}

static int wrong_args(const char *method, const char *forms) {
    PyErr_Format(PyExc_TypeError, "%s() takes %s", method, forms);
    return -1;
}

static int op_crop(PyObject *self, hl_buffer *b, PyObject *const *args, Py_ssize_t nargs) {
    int32_t d, min, extent;
    if (nargs == 3) {
        if (int_arg(args[0], "dimension", &d) < 0 || int_arg(args[1], "min", &min) < 0 ||
            int_arg(args[2], "extent", &extent) < 0)
            return -1;
        return check_status(self, hl_buffer_crop(b, d, min, extent));
    }
    if (nargs != 1) return wrong_args("crop", "(dimension, min, extent) or ([(min, extent), ...])");
    PyObject *fast = PySequence_Fast(args[0], "crop() expects a sequence of (min, extent) pairs");
    if (!fast) return -1;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(fast);
    int rc = 0;
    if (n > hl_buffer_dimensions(b)) {
        PyErr_Format(PyExc_ValueError, "Too many arguments: %zd intervals for %d dimensions", n,
                     hl_buffer_dimensions(b));
        rc = -1;
    }
    for (Py_ssize_t i = 0; rc == 0 && i < n; i++) {
        PyObject *pair = PySequence_Fast_GET_ITEM(fast, i);
        if (!PyArg_ParseTuple(pair, "ii:crop", &min, &extent)) rc = -1;
        else rc = check_status(self, hl_buffer_crop(b, (int)i, min, extent));
    }
    Py_DECREF(fast);
    return rc;
}

static int op_slice(PyObject *self, hl_buffer *b, PyObject *const *args, Py_ssize_t nargs) {
    int32_t d, pos;
    if (nargs != 1 && nargs != 2) return wrong_args("slice", "(dimension) or (dimension, pos)");
    if (int_arg(args[0], "dimension", &d) < 0) return -1;
    if (nargs == 2) {
        if (int_arg(args[1], "pos", &pos) < 0) return -1;
    } else {
        if (check_dim_index(self, b, d) < 0) return -1;
        pos = hl_buffer_raw(b)->dim[d].min;
    }
    return check_status(self, hl_buffer_slice(b, d, pos));
}

static int op_translate(PyObject *self, hl_buffer *b, PyObject *const *args, Py_ssize_t nargs) {
    int32_t delta[MAX_DIMS];
    int n;
    if (nargs == 2) {
        int32_t d, dx;
        if (int_arg(args[0], "dimension", &d) < 0 || int_arg(args[1], "dx", &dx) < 0) return -1;
        if (check_dim_index(self, b, d) < 0) return -1;
        memset(delta, 0, sizeof delta);
        delta[d] = dx;
        return check_status(self, hl_buffer_translate(b, d + 1, delta));
    }
    if (nargs != 1) return wrong_args("translate", "(dimension, dx) or ([dx, dy, ...])");
    if (coords_arg(b, args[0], delta, &n) < 0) return -1;
    return check_status(self, hl_buffer_translate(b, n, delta));
}

static int op_set_min(PyObject *self, hl_buffer *b, PyObject *const *args, Py_ssize_t nargs) {
    int32_t mins[MAX_DIMS];
    int n;
    if (nargs != 1) return wrong_args("set_min", "([min0, min1, ...])");
    if (coords_arg(b, args[0], mins, &n) < 0) return -1;
    return check_status(self, hl_buffer_set_min(b, n, mins));
}

static int op_transpose(PyObject *self, hl_buffer *b, PyObject *const *args, Py_ssize_t nargs) {
    int n = hl_buffer_dimensions(b), order[MAX_DIMS];
    if (nargs == 2) {
        int32_t d1, d2;
        if (int_arg(args[0], "d1", &d1) < 0 || int_arg(args[1], "d2", &d2) < 0) return -1;
        if (check_dim_index(self, b, d1) < 0 || check_dim_index(self, b, d2) < 0) return -1;
        for (int i = 0; i < n; i++) order[i] = i;
        order[d1] = d2;
        order[d2] = d1;
    } else if (nargs == 1) {
        int32_t order32[MAX_DIMS];
        int norder;
        if (as_int32_list(args[0], "order", order32, MAX_DIMS, &norder) < 0) return -1;
        for (int i = 0; i < norder; i++) order[i] = order32[i];
        n = norder;
    } else {
        return wrong_args("transpose", "(d1, d2) or ([order, ...])");
    }
    return check_status(self, hl_buffer_transpose(b, n, order));
}

static int op_reverse_axes(PyObject *self, hl_buffer *b, PyObject *const *args, Py_ssize_t nargs) {
    int n = hl_buffer_dimensions(b), order[MAX_DIMS];
    for (int i = 0; i < n; i++) order[i] = n - 1 - i;
    return check_status(self, hl_buffer_transpose(b, n, order));
}

static int op_embed(PyObject *self, hl_buffer *b, PyObject *const *args, Py_ssize_t nargs) {
    int32_t d, pos = 0;
    if (nargs != 1 && nargs != 2) return wrong_args("embed", "(dimension) or (dimension, pos)");
    if (int_arg(args[0], "dimension", &d) < 0) return -1;
    if (nargs == 2 && int_arg(args[1], "pos", &pos) < 0) return -1;
    return check_status(self, hl_buffer_embed(b, d, pos));
}

static int op_add_dimension(PyObject *self, hl_buffer *b, PyObject *const *args, Py_ssize_t n) {
    return check_status(self, hl_buffer_add_dimension(b));
}

/* b.op(...) in place: returns None. */
static PyObject *in_place(PyObject *self, shape_op op, PyObject *const *args, Py_ssize_t nargs) {
    hl_buffer *b = defined_buffer(self);
    if (!b || op(self, b, args, nargs) < 0) return NULL;
    Py_RETURN_NONE;
}

/* b.op-ed(...): a new Buffer sharing b's memory, with a new name. */
static PyObject *changed_copy(PyObject *self, shape_op op, PyObject *const *args, Py_ssize_t nargs) {
    hl_buffer *b = defined_buffer(self), *alias;
    if (!b) return NULL;
    hl_status s = hl_buffer_alias(b, NULL, &alias);
    if (s != HL_OK) return py_raise_status(py_state_of(self), s);
    if (op(self, alias, args, nargs) < 0) {
        hl_buffer_release(alias);
        return NULL;
    }
    return new_buffer_object(Py_TYPE(self), alias);
}

#define SHAPE_METHODS(op, in_place_name, copy_name)                                            \
    static PyObject *buffer_##in_place_name(PyObject *self, PyObject *const *args,            \
                                            Py_ssize_t nargs) {                               \
        return in_place(self, op, args, nargs);                                               \
    }                                                                                         \
    static PyObject *buffer_##copy_name(PyObject *self, PyObject *const *args,                \
                                        Py_ssize_t nargs) {                                   \
        return changed_copy(self, op, args, nargs);                                           \
    }

SHAPE_METHODS(op_crop, crop, cropped)
SHAPE_METHODS(op_slice, slice, sliced)
SHAPE_METHODS(op_translate, translate, translated)
SHAPE_METHODS(op_transpose, transpose, transposed)
SHAPE_METHODS(op_embed, embed, embedded)

static PyObject *buffer_set_min(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    return in_place(self, op_set_min, args, nargs);
}

static PyObject *buffer_add_dimension(PyObject *self, PyObject *unused) {
    return in_place(self, op_add_dimension, NULL, 0);
}

static PyObject *buffer_reverse_axes(PyObject *self, PyObject *unused) {
    return changed_copy(self, op_reverse_axes, NULL, 0);
}

/* ---- Elements --------------------------------------------------------------------------- */

static PyObject *buffer_copy(PyObject *self, PyObject *unused) {
    hl_buffer *b = defined_buffer(self), *c;
    if (!b) return NULL;
    hl_status s = hl_buffer_copy(b, &c);
    if (s != HL_OK) return py_raise_status(py_state_of(self), s);
    return new_buffer_object(Py_TYPE(self), c);
}

static PyObject *buffer_copy_from(PyObject *self, PyObject *arg) {
    py_state *st = py_state_of(self);
    hl_buffer *dst = defined_buffer(self), *src;
    if (!dst || !(src = py_buffer_get(st, arg))) return NULL;
    hl_status s = hl_buffer_copy_from(dst, src);
    if (s != HL_OK) return py_raise_status(st, s);
    Py_RETURN_NONE;
}

static PyObject *buffer_fill(PyObject *self, PyObject *arg) {
    py_state *st = py_state_of(self);
    hl_buffer *b = defined_buffer(self);
    hl_value v;
    if (!b || as_value(st, arg, hl_buffer_type(b), &v) < 0) return NULL;
    hl_status s = hl_buffer_fill(b, v);
    if (s != HL_OK) return py_raise_status(st, s);
    Py_RETURN_NONE;
}

static PyObject *buffer_all_equal(PyObject *self, PyObject *arg) {
    py_state *st = py_state_of(self);
    hl_buffer *b = defined_buffer(self);
    hl_value v;
    int equal;
    if (!b || as_value(st, arg, hl_buffer_type(b), &v) < 0) return NULL;
    hl_status s = hl_buffer_all_equal(b, v, &equal);
    if (s != HL_OK) return py_raise_status(st, s);
    return PyBool_FromLong(equal);
}

static PyObject *buffer_for_each_element(PyObject *self, PyObject *f) {
    hl_buffer *b = defined_buffer(self);
    if (!b) return NULL;
    if (!PyCallable_Check(f)) {
        PyErr_Format(PyExc_TypeError, "for_each_element() expects a callable, not %.100s",
                     Py_TYPE(f)->tp_name);
        return NULL;
    }
    int n = hl_buffer_dimensions(b);
    int32_t coords[MAX_DIMS];
    const halide_dimension_t *dims = hl_buffer_raw(b)->dim;
    for (int i = 0; i < n; i++) {
        if (dims[i].extent <= 0) Py_RETURN_NONE;
        coords[i] = dims[i].min;
    }
    /* Hold b: the callback may crop or replace the Python object's buffer. */
    hl_buffer_retain(b);
    for (;;) {
        PyObject *list = PyList_New(n);
        for (int i = 0; list && i < n; i++) {
            PyObject *c = PyLong_FromLong(coords[i]);
            if (!c) Py_CLEAR(list);
            else PyList_SET_ITEM(list, i, c);
        }
        PyObject *r = list ? PyObject_CallOneArg(f, list) : NULL;
        Py_XDECREF(list);
        if (!r) {
            hl_buffer_release(b);
            return NULL;
        }
        Py_DECREF(r);
        dims = hl_buffer_raw(b)->dim;
        int i = 0;
        for (; i < n && i < hl_buffer_dimensions(b); i++) {
            if ((int64_t)++coords[i] < (int64_t)dims[i].min + dims[i].extent) break;
            coords[i] = dims[i].min;
        }
        if (i >= n || i >= hl_buffer_dimensions(b)) break;
    }
    hl_buffer_release(b);
    Py_RETURN_NONE;
}

/* Splits a subscript into items: a tuple or list is a list of coordinates, anything else
 * a single coordinate. Returns a new reference to a sequence. */
static PyObject *subscript_items(PyObject *key) {
    if (PyTuple_Check(key) || PyList_Check(key)) return PySequence_Fast(key, "");
    return PyTuple_Pack(1, key);
}

static int is_int_like(py_state *st, PyObject *obj) {
    if (st->Expr && PyObject_TypeCheck(obj, st->Expr)) return 0;
    return PyLong_Check(obj) || PyIndex_Check(obj);
}

/* Integer coordinates of a subscript. ValueError on a wrong count, IndexError outside. */
static int subscript_coords(hl_buffer *b, PyObject *items, int32_t *coords) {
    Py_ssize_t n = PySequence_Fast_GET_SIZE(items);
    if (n != hl_buffer_dimensions(b)) {
        PyErr_Format(PyExc_ValueError,
                     "Incorrect number of dimensions: %zd coordinates for a Buffer with %d",
                     n, hl_buffer_dimensions(b));
        return -1;
    }
    const halide_dimension_t *dims = hl_buffer_raw(b)->dim;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *item = PySequence_Fast_GET_ITEM(items, i);
        PyObject *index = PyNumber_Index(item);
        if (!index) return -1;
        int overflow;
        long long c = PyLong_AsLongLongAndOverflow(index, &overflow);
        Py_DECREF(index);
        if (c == -1 && PyErr_Occurred()) return -1;
        if (overflow || c < dims[i].min || c >= (long long)dims[i].min + dims[i].extent) {
            PyErr_Format(PyExc_IndexError,
                         "index %S is out of bounds for axis %zd with min=%d, extent=%d", item, i,
                         dims[i].min, dims[i].extent);
            return -1;
        }
        coords[i] = (int32_t)c;
    }
    return 0;
}

/* b[exprs...] as an Expr: a call to this buffer. */
static PyObject *call_expr(py_state *st, hl_buffer *b, PyObject *items) {
    Py_ssize_t n = PySequence_Fast_GET_SIZE(items);
    if (n > MAX_DIMS) {
        PyErr_Format(PyExc_ValueError, "Too many arguments: %zd coordinates", n);
        return NULL;
    }
    hl_expr *args[MAX_DIMS];
    Py_ssize_t made = 0;
    PyObject *result = NULL;
    for (; made < n; made++)
        if (py_as_expr(st, PySequence_Fast_GET_ITEM(items, made), &args[made]) < 0) goto done;
    hl_expr *call;
    hl_status s = hl_buffer_call(b, (int)n, args, &call);
    result = s == HL_OK ? py_expr_wrap(st, call) : py_raise_status(st, s);
done:
    for (Py_ssize_t i = 0; i < made; i++) hl_expr_release(args[i]);
    return result;
}

static PyObject *buffer_getitem(PyObject *self, PyObject *key) {
    py_state *st = py_state_of(self);
    hl_buffer *b = defined_buffer(self);
    if (!b) return NULL;
    int found;
    PyObject *expanded = py_expand_placeholder(st, key, hl_buffer_dimensions(b), -1, &found);
    if (!expanded) return NULL;
    PyObject *items = found ? subscript_items(expanded) : subscript_items(key);
    Py_DECREF(expanded);
    if (!items) return NULL;
    int all_ints = 1;
    for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(items); i++)
        all_ints = all_ints && is_int_like(st, PySequence_Fast_GET_ITEM(items, i));
    PyObject *result = NULL;
    if (!all_ints) {
        result = call_expr(st, b, items);
    } else {
        int32_t coords[MAX_DIMS];
        hl_value v;
        if (subscript_coords(b, items, coords) == 0) {
            hl_status s = hl_buffer_get(b, coords, &v);
            result = s == HL_OK ? value_to_python(v) : py_raise_status(st, s);
        }
    }
    Py_DECREF(items);
    return result;
}

static int buffer_setitem(PyObject *self, PyObject *key, PyObject *value) {
    py_state *st = py_state_of(self);
    hl_buffer *b = defined_buffer(self);
    if (!b) return -1;
    if (!value) {
        PyErr_SetString(PyExc_TypeError, "Buffer elements cannot be deleted");
        return -1;
    }
    PyObject *items = subscript_items(key);
    if (!items) return -1;
    int32_t coords[MAX_DIMS];
    hl_value v;
    int rc = -1;
    for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(items); i++) {
        PyObject *item = PySequence_Fast_GET_ITEM(items, i);
        if (!is_int_like(st, item)) {
            PyErr_Format(PyExc_TypeError,
                         "Buffer element assignment takes integer coordinates, not %.100s",
                         Py_TYPE(item)->tp_name);
            goto done;
        }
    }
    if (subscript_coords(b, items, coords) < 0) goto done;
    if (as_value(st, value, hl_buffer_type(b), &v) < 0) goto done;
    hl_status s = hl_buffer_set(b, coords, v);
    if (s != HL_OK) py_raise_status(st, s);
    else rc = 0;
done:
    Py_DECREF(items);
    return rc;
}

/* ---- Memory and device state ------------------------------------------------------------ */

static PyObject *buffer_allocate(PyObject *self, PyObject *unused) {
    hl_buffer *b = defined_buffer(self);
    if (!b || check_status(self, hl_buffer_allocate(b)) < 0) return NULL;
    Py_RETURN_NONE;
}

static PyObject *buffer_deallocate(PyObject *self, PyObject *unused) {
    hl_buffer *b = defined_buffer(self);
    if (!b) return NULL;
    hl_buffer_deallocate(b);
    Py_RETURN_NONE;
}

static PyObject *flag_get(PyObject *self, uint64_t flag) {
    hl_buffer *b = defined_buffer(self);
    return b ? PyBool_FromLong((hl_buffer_raw(b)->flags & flag) != 0) : NULL;
}

static PyObject *flag_set(PyObject *self, PyObject *const *args, Py_ssize_t nargs, uint64_t flag) {
    hl_buffer *b = defined_buffer(self);
    int dirty = 1;
    if (!b) return NULL;
    if (nargs > 1) return PyErr_Format(PyExc_TypeError, "expected at most one argument"), NULL;
    if (nargs == 1 && (dirty = PyObject_IsTrue(args[0])) < 0) return NULL;
    if (dirty) hl_buffer_raw(b)->flags |= flag;
    else hl_buffer_raw(b)->flags &= ~flag;
    Py_RETURN_NONE;
}

static PyObject *buffer_host_dirty(PyObject *self, PyObject *u) {
    return flag_get(self, halide_buffer_flag_host_dirty);
}
static PyObject *buffer_device_dirty(PyObject *self, PyObject *u) {
    return flag_get(self, halide_buffer_flag_device_dirty);
}
static PyObject *buffer_set_host_dirty(PyObject *self, PyObject *const *a, Py_ssize_t n) {
    return flag_set(self, a, n, halide_buffer_flag_host_dirty);
}
static PyObject *buffer_set_device_dirty(PyObject *self, PyObject *const *a, Py_ssize_t n) {
    return flag_set(self, a, n, halide_buffer_flag_device_dirty);
}

/* A CPU-only build: there is never a device allocation, so the device calls that only
 * release or synchronise succeed at once, and the ones that need a device fail. */
static PyObject *buffer_no_device_ok(PyObject *self, PyObject *unused) {
    return defined_buffer(self) ? PyLong_FromLong(0) : NULL;
}

static PyObject *buffer_device_deallocate(PyObject *self, PyObject *unused) {
    if (!defined_buffer(self)) return NULL;
    Py_RETURN_NONE;
}

static PyObject *buffer_has_device_allocation(PyObject *self, PyObject *unused) {
    return defined_buffer(self) ? PyBool_FromLong(0) : NULL;
}

static PyObject *buffer_needs_device(PyObject *self, PyObject *args, PyObject *kwds) {
    PyErr_SetString(py_state_of(self)->HalideError,
                    "This build of halide-c has no GPU or device support");
    return NULL;
}

/* ---- Buffer protocol, repr ---------------------------------------------------------------- */

typedef struct export_info {
    hl_buffer *buf;             /* held for the export's lifetime */
    Py_ssize_t shape_strides[]; /* ndim shapes then ndim byte strides */
} export_info;

static int buffer_getbuffer(PyObject *self, Py_buffer *view, int flags) {
    hl_buffer *b = self_buffer(self);
    if (!b) {
        PyErr_SetString(PyExc_BufferError, "Buffer is undefined");
        return -1;
    }
    hl_type t = hl_buffer_type(b);
    const char *format = format_of_type(t);
    halide_buffer_t *raw = hl_buffer_raw(b);
    char tname[48];
    if (!format) {
        PyErr_Format(PyExc_BufferError, "Buffers of type %s have no buffer protocol format",
                     hl_type_name(t, tname, sizeof tname));
        return -1;
    }
    if (!raw->host) {
        PyErr_SetString(PyExc_BufferError, "Buffer has no memory (a bounds query or deallocated)");
        return -1;
    }
    int n = raw->dimensions;
    Py_ssize_t itemsize = (t.bits + 7) / 8;
    export_info *info = PyMem_Malloc(sizeof *info + 2 * (size_t)(n ? n : 1) * sizeof(Py_ssize_t));
    if (!info) {
        PyErr_NoMemory();
        return -1;
    }
    Py_ssize_t *shape = info->shape_strides, *strides = info->shape_strides + n;
    /* NumPy's axis order is the reverse of Halide's: the last NumPy axis is x. */
    int contiguous = 1;
    Py_ssize_t expected = itemsize;
    for (int k = n - 1; k >= 0; k--) {
        const halide_dimension_t *dim = &raw->dim[n - 1 - k];
        shape[k] = dim->extent;
        strides[k] = (Py_ssize_t)dim->stride * itemsize;
        if (dim->extent != 1 && strides[k] != expected) contiguous = 0;
        expected *= dim->extent;
    }
    if (!(flags & PyBUF_STRIDES) && !contiguous) {
        PyMem_Free(info);
        PyErr_SetString(PyExc_BufferError, "Buffer is not C-contiguous; request strides");
        return -1;
    }
    hl_buffer_retain(b);
    info->buf = b;
    view->obj = Py_NewRef(self);
    view->buf = raw->host;
    view->len = (Py_ssize_t)hl_buffer_number_of_elements(b) * itemsize;
    view->itemsize = itemsize;
    view->readonly = 0;
    view->ndim = n;
    view->format = (flags & PyBUF_FORMAT) ? (char *)format : NULL;
    view->shape = (flags & PyBUF_ND) ? shape : NULL;
    view->strides = (flags & PyBUF_STRIDES) ? strides : NULL;
    view->suboffsets = NULL;
    view->internal = info;
    if (!(flags & PyBUF_ND)) {
        /* A simple request sees plain contiguous bytes, as PyBuffer_FillInfo presents them. */
        view->ndim = 1;
        if (!(flags & PyBUF_FORMAT)) view->itemsize = 1;
    }
    return 0;
}

static void buffer_releasebuffer(PyObject *self, Py_buffer *view) {
    export_info *info = view->internal;
    hl_buffer_release(info->buf);
    PyMem_Free(info);
}

static PyObject *buffer_repr(PyObject *self) {
    hl_buffer *b = self_buffer(self);
    if (!b) return PyUnicode_FromString("<undefined halide.Buffer>");
    char tname[48];
    halide_buffer_t *raw = hl_buffer_raw(b);
    PyObject *shape = PyUnicode_FromString("");
    for (int i = 0; shape && i < raw->dimensions; i++) {
        PyObject *part = PyUnicode_FromFormat("%s[%d,%d,%d]", i ? "," : "", raw->dim[i].min,
                                              raw->dim[i].extent, raw->dim[i].stride);
        PyObject *joined = part ? PyUnicode_Concat(shape, part) : NULL;
        Py_XDECREF(part);
        Py_SETREF(shape, joined);
    }
    if (!shape) return NULL;
    PyObject *r = PyUnicode_FromFormat("<halide.Buffer of type %s shape:[%U]>",
                                       hl_type_name(hl_buffer_type(b), tname, sizeof tname), shape);
    Py_DECREF(shape);
    return r;
}

/* ---- Type objects ------------------------------------------------------------------------ */

#define NOARGS(name, doc) {#name, buffer_##name, METH_NOARGS, PyDoc_STR(doc)}
#define ONEARG(name, doc) {#name, buffer_##name, METH_O, PyDoc_STR(doc)}
#define FAST(name, doc) {#name, (PyCFunction)(void (*)(void))buffer_##name, METH_FASTCALL, PyDoc_STR(doc)}
#define CLASSKW(name, doc)                                                                     \
    {#name, (PyCFunction)(void (*)(void))buffer_##name, METH_CLASS | METH_VARARGS | METH_KEYWORDS, \
     PyDoc_STR(doc)}

static PyMethodDef buffer_methods[] = {
    CLASSKW(make_scalar, "make_scalar(type, name='') -> Buffer: a zero-dimensional Buffer."),
    CLASSKW(make_interleaved, "make_interleaved(type, width, height, channels, name='') -> Buffer "
                              "stored with channels innermost."),
    CLASSKW(make_with_shape_of, "make_with_shape_of(src, name='') -> Buffer: a new zeroed Buffer "
                                "with src's type, shape and storage order."),
    CLASSKW(make_bounds_query, "make_bounds_query(type, sizes, name='') -> Buffer without memory."),
    ONEARG(dim, "dim(i) -> BufferDimension: min, extent, stride of dimension i."),
    NOARGS(dimensions, "Number of dimensions."),
    NOARGS(width, "Extent of dimension 0 (1 when there is none)."),
    NOARGS(height, "Extent of dimension 1 (1 when there is none)."),
    NOARGS(channels, "Extent of dimension 2 (1 when there is none)."),
    NOARGS(left, "Min of dimension 0."),
    NOARGS(right, "Max of dimension 0."),
    NOARGS(top, "Min of dimension 1."),
    NOARGS(bottom, "Max of dimension 1."),
    NOARGS(number_of_elements, "Product of the extents."),
    NOARGS(size_in_bytes, "Bytes spanned by the elements."),
    NOARGS(type, "The element Type."),
    NOARGS(name, "The Buffer's name (unique 'bN' unless one was given)."),
    ONEARG(set_name, "set_name(name)"),
    NOARGS(defined, "Whether the Buffer has a shape (is not Buffer())."),
    ONEARG(same_as, "same_as(other) -> whether both are the same buffer."),
    ONEARG(contains, "contains(coords) -> whether the coordinates lie inside the Buffer."),
    {"_get_raw_halide_buffer_t", buffer_raw, METH_NOARGS,
     PyDoc_STR("Address of the halide_buffer_t inside, as an int.")},
    FAST(crop, "crop(dimension, min, extent) or crop([(min, extent), ...]), in place."),
    FAST(cropped, "cropped(...) -> a cropped Buffer sharing this one's memory."),
    FAST(slice, "slice(dimension[, pos]): removes a dimension, in place (pos defaults to min)."),
    FAST(sliced, "sliced(dimension[, pos]) -> a sliced Buffer sharing this one's memory."),
    FAST(translate, "translate(dimension, dx) or translate([dx, ...]), in place."),
    FAST(translated, "translated(...) -> a translated Buffer sharing this one's memory."),
    FAST(set_min, "set_min([min, ...]): new mins for the first dimensions, in place."),
    FAST(transpose, "transpose(d1, d2) or transpose(order), in place: old dimension i becomes "
                    "dimension order[i]."),
    FAST(transposed, "transposed(...) -> a transposed Buffer sharing this one's memory."),
    NOARGS(reverse_axes, "reverse_axes() -> a Buffer with the dimensions in reverse order."),
    FAST(embed, "embed(dimension[, pos]): inserts a dimension of extent 1, in place."),
    FAST(embedded, "embedded(dimension[, pos]) -> Buffer with an inserted dimension."),
    NOARGS(add_dimension, "add_dimension(): adds an outermost dimension of extent 1, in place."),
    NOARGS(copy, "copy() -> a dense copy with the same shape and storage order."),
    ONEARG(copy_from, "copy_from(src): copies the elements of src that lie inside this Buffer."),
    ONEARG(fill, "fill(value): sets every element."),
    ONEARG(all_equal, "all_equal(value) -> whether every element equals value."),
    ONEARG(for_each_element, "for_each_element(f): calls f([x, y, ...]) for every element, "
                             "dimension 0 fastest."),
    NOARGS(allocate, "allocate(): gives a Buffer without memory an allocation."),
    NOARGS(deallocate, "deallocate(): drops this Buffer's memory."),
    NOARGS(host_dirty, NULL),
    FAST(set_host_dirty, "set_host_dirty(dirty=True)"),
    NOARGS(device_dirty, NULL),
    FAST(set_device_dirty, "set_device_dirty(dirty=True)"),
    {"copy_to_host", buffer_no_device_ok, METH_NOARGS, PyDoc_STR("Returns 0 (no device).")},
    {"device_sync", buffer_no_device_ok, METH_NOARGS, PyDoc_STR("Returns 0 (no device).")},
    {"device_free", buffer_no_device_ok, METH_NOARGS, PyDoc_STR("Returns 0 (no device).")},
    {"device_detach_native", buffer_no_device_ok, METH_NOARGS, PyDoc_STR("Returns 0 (no device).")},
    NOARGS(device_deallocate, NULL),
    NOARGS(has_device_allocation, "Always False: this build has no devices."),
    {"copy_to_device", (PyCFunction)(void (*)(void))buffer_needs_device,
     METH_VARARGS | METH_KEYWORDS, PyDoc_STR("Raises HalideError: no device support.")},
    {"device_malloc", (PyCFunction)(void (*)(void))buffer_needs_device,
     METH_VARARGS | METH_KEYWORDS, PyDoc_STR("Raises HalideError: no device support.")},
    {NULL, NULL, 0, NULL},
};

PyDoc_STRVAR(buffer_doc,
             "Buffer() | Buffer(type, sizes, [storage_order], name='') |\n"
             "Buffer(array, name='', reverse_axes=True) | Buffer(other_buffer, name='')\n\n"
             "A multi-dimensional array of one element type. Made from an object with the\n"
             "buffer protocol (a NumPy array), it shares that object's memory; with\n"
             "reverse_axes the last NumPy axis becomes dimension 0 (x).");

static PyType_Slot buffer_slots[] = {
    {Py_tp_new, buffer_new},
    {Py_tp_dealloc, buffer_dealloc},
    {Py_tp_repr, buffer_repr},
    {Py_tp_methods, buffer_methods},
    {Py_tp_doc, (void *)buffer_doc},
    {Py_mp_subscript, buffer_getitem},
    {Py_mp_ass_subscript, buffer_setitem},
    {Py_bf_getbuffer, buffer_getbuffer},
    {Py_bf_releasebuffer, buffer_releasebuffer},
    {0, NULL},
};

static PyType_Spec buffer_spec = {
    .name = "halide.Buffer",
    .basicsize = sizeof(py_buffer_object),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_IMMUTABLETYPE,
    .slots = buffer_slots,
};

static halide_dimension_t self_dim(PyObject *self) { return ((py_dimension_object *)self)->dim; }

static PyObject *dimension_min(PyObject *self, PyObject *u) {
    return PyLong_FromLong(self_dim(self).min);
}
static PyObject *dimension_max(PyObject *self, PyObject *u) {
    return PyLong_FromLongLong((long long)self_dim(self).min + self_dim(self).extent - 1);
}
static PyObject *dimension_extent(PyObject *self, PyObject *u) {
    return PyLong_FromLong(self_dim(self).extent);
}
static PyObject *dimension_stride(PyObject *self, PyObject *u) {
    return PyLong_FromLong(self_dim(self).stride);
}

static PyMethodDef dimension_methods[] = {
    {"min", dimension_min, METH_NOARGS, PyDoc_STR("Smallest coordinate.")},
    {"max", dimension_max, METH_NOARGS, PyDoc_STR("Largest coordinate (min + extent - 1).")},
    {"extent", dimension_extent, METH_NOARGS, PyDoc_STR("Number of coordinates.")},
    {"stride", dimension_stride, METH_NOARGS, PyDoc_STR("Elements between neighbours.")},
    {NULL, NULL, 0, NULL},
};

static void dimension_dealloc(PyObject *self) {
    PyTypeObject *tp = Py_TYPE(self);
    PyObject_Free(self);
    Py_DECREF(tp);
}

static PyType_Slot dimension_slots[] = {
    {Py_tp_dealloc, dimension_dealloc},
    {Py_tp_methods, dimension_methods},
    {Py_tp_doc, (void *)"One dimension of a Buffer, as it was when Buffer.dim() was called."},
    {0, NULL},
};

static PyType_Spec dimension_spec = {
    .name = "halide.BufferDimension",
    .basicsize = sizeof(py_dimension_object),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_IMMUTABLETYPE | Py_TPFLAGS_DISALLOW_INSTANTIATION,
    .slots = dimension_slots,
};

int py_buffer_init(PyObject *module, py_state *st) {
    st->Buffer = (PyTypeObject *)PyType_FromModuleAndSpec(module, &buffer_spec, NULL);
    if (!st->Buffer) return -1;
    if (PyModule_AddObjectRef(module, "Buffer", (PyObject *)st->Buffer) < 0) return -1;
    st->Dimension = (PyTypeObject *)PyType_FromModuleAndSpec(module, &dimension_spec, NULL);
    if (!st->Dimension) return -1;
    return PyModule_AddObjectRef(module, "BufferDimension", (PyObject *)st->Dimension);
}
