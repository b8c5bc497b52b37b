/* The floor of bench/calls: a hand-written CPython extension module `_floor` calling the cgo
 * exports of floor.go, in the same c-shared library. Each function does the minimum: positional
 * arguments only (METH_FASTCALL, no keywords), one C-API conversion per argument, the Go call,
 * one conversion back. Limited API only (abi3), like gowright's glue.
 *
 * Every function exists twice: `add` releases the GIL around the Go call, as gowright does (the
 * like-for-like reference), and `add_gil` keeps it held, to show what the release costs.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include "_cgo_export.h"

/* Runs the statement `call`, with the GIL released when `release` is true. `release` is always
 * a constant, so the compiler keeps only one branch in each function. */
#define GO_CALL(release, call)      \
    do {                            \
        if (release) {              \
            Py_BEGIN_ALLOW_THREADS  \
            call;                   \
            Py_END_ALLOW_THREADS    \
        } else {                    \
            call;                   \
        }                           \
    } while (0)

static int check_nargs(const char *name, Py_ssize_t nargs, Py_ssize_t want) {
    if (nargs == want) return 0;
    PyErr_Format(PyExc_TypeError, "%s() takes %zd arguments (%zd given)", name, want, nargs);
    return -1;
}

/* add(a, b) -> a + b */
static inline PyObject *do_add(PyObject *const *args, Py_ssize_t nargs, int release) {
    if (check_nargs("add", nargs, 2) < 0) return NULL;
    long long a = PyLong_AsLongLong(args[0]);
    if (a == -1 && PyErr_Occurred()) return NULL;
    long long b = PyLong_AsLongLong(args[1]);
    if (b == -1 && PyErr_Occurred()) return NULL;
    int64_t r;
    GO_CALL(release, r = flAdd(a, b));
    return PyLong_FromLongLong(r);
}

/* echo(s) -> s, through a Go string and back */
static inline PyObject *do_echo(PyObject *const *args, Py_ssize_t nargs, int release) {
    if (check_nargs("echo", nargs, 1) < 0) return NULL;
    Py_ssize_t n;
    const char *s = PyUnicode_AsUTF8AndSize(args[0], &n); /* TypeError unless a str */
    if (s == NULL) return NULL;
    char *out;
    size_t out_len;
    GO_CALL(release, flEcho((char *)s, (size_t)n, &out, &out_len));
    PyObject *r = PyUnicode_DecodeUTF8(out, (Py_ssize_t)out_len, "surrogateescape");
    free(out);
    return r;
}

/* sum(data) -> len(data), the bytes copied into Go (or not, with `copy` false) */
static inline PyObject *do_sum(PyObject *const *args, Py_ssize_t nargs, int release, int copy) {
    if (check_nargs("sum", nargs, 1) < 0) return NULL;
    Py_buffer view;
    if (PyObject_GetBuffer(args[0], &view, PyBUF_SIMPLE) < 0) return NULL;
    int64_t r;
    if (copy) {
        GO_CALL(release, r = flSum((char *)view.buf, (size_t)view.len));
    } else {
        GO_CALL(release, r = flSumNoCopy((char *)view.buf, (size_t)view.len));
    }
    PyBuffer_Release(&view);
    return PyLong_FromLongLong(r);
}

/* The METH_FASTCALL entry points: one per (function, variant). */
static PyObject *fl_add(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    (void)self;
    return do_add(args, nargs, 1);
}
static PyObject *fl_add_gil(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    (void)self;
    return do_add(args, nargs, 0);
}
static PyObject *fl_echo(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    (void)self;
    return do_echo(args, nargs, 1);
}
static PyObject *fl_echo_gil(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    (void)self;
    return do_echo(args, nargs, 0);
}
static PyObject *fl_sum(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    (void)self;
    return do_sum(args, nargs, 1, 1);
}
static PyObject *fl_sum_gil(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    (void)self;
    return do_sum(args, nargs, 0, 1);
}
static PyObject *fl_sum_nocopy(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    (void)self;
    return do_sum(args, nargs, 1, 0);
}

#define FASTCALL(name, fn) {name, (PyCFunction)(void (*)(void))fn, METH_FASTCALL, NULL}

static PyMethodDef fl_methods[] = {
    FASTCALL("add", fl_add),
    FASTCALL("add_gil", fl_add_gil),
    FASTCALL("echo", fl_echo),
    FASTCALL("echo_gil", fl_echo_gil),
    FASTCALL("sum", fl_sum),
    FASTCALL("sum_gil", fl_sum_gil),
    FASTCALL("sum_nocopy", fl_sum_nocopy),
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef fl_module = {
    .m_base = PyModuleDef_HEAD_INIT,
    .m_name = "_floor",
    .m_doc = "Hand-written C-API calls into Go: the floor of bench/calls.",
    .m_size = -1,
    .m_methods = fl_methods,
};

PyMODINIT_FUNC PyInit__floor(void) {
    return PyModule_Create(&fl_module);
}
