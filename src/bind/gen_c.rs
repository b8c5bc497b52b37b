//! The generated CPython glue (`glue.c`): the extension module's init function, method table and
//! one wrapper per bound function that converts arguments, releases the GIL, calls the Go export
//! and converts the results. Only the limited API is used, so the module is `abi3`.

use std::fmt::Write as _;

use super::api::{Binding, BoundFunc, BoundParam, Kind, Value};
use super::gen_go::export_name;

/// A C string literal holding `text`.
pub fn c_string(text: &str) -> String {
    let mut out = String::from("\"");
    for b in text.bytes() {
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\t' => out.push_str("\\t"),
            0x20..=0x7e => out.push(b as char),
            // Octal escapes keep UTF-8 intact without hex-escape ambiguity.
            _ => {
                let _ = write!(out, "\\{b:03o}");
            }
        }
    }
    out.push('"');
    out
}

/// The docstring of a function, starting with the signature line CPython turns into
/// `__text_signature__`.
fn docstring(func: &BoundFunc, binding: &Binding) -> String {
    let mut params: Vec<&str> = func.receiver.map(|_| "self").into_iter().collect();
    params.extend(func.params.iter().map(|p| p.py_name.as_str()));
    let mut sig = String::from("$module");
    for p in &params {
        sig.push_str(", ");
        sig.push_str(p);
    }
    let mut doc = format!("{}({sig})\n--\n\n", func.ext_name(binding));
    if func.doc.is_empty() {
        let _ = write!(doc, "Calls the Go function {}.", func.go_name);
    } else {
        doc.push_str(&func.doc);
    }
    doc
}

fn write_func(out: &mut String, binding: &Binding, func: &BoundFunc) {
    // A method takes its receiver as a leading `self` argument.
    let receiver = func.receiver.map(|h| BoundParam {
        py_name: "self".into(),
        value: Value {
            kind: Kind::Handle(h),
            go_type: String::new(),
        },
    });
    let params: Vec<BoundParam> = receiver
        .into_iter()
        .chain(func.params.iter().cloned())
        .collect();
    let fn_name = func.ext_name(binding);
    let n = params.len();
    let _ = writeln!(
        out,
        "/* {fn_name}: calls the Go function {}. */",
        func.c_name(binding)
    );
    let _ = writeln!(
        out,
        "static PyObject *gw_fn_{fn_name}(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {{"
    );
    out.push_str("    (void)self;\n");
    let names: Vec<String> = params.iter().map(|p| c_string(&p.py_name)).collect();
    let _ = writeln!(
        out,
        "    static const char *const names[] = {{{}NULL}};",
        names.iter().map(|n| format!("{n}, ")).collect::<String>()
    );
    let _ = writeln!(out, "    PyObject *argv[{}];", n.max(1));
    let _ = writeln!(
        out,
        "    if (gw_parse_args({}, args, nargs, kwnames, names, {n}, argv) < 0) return NULL;",
        c_string(&fn_name)
    );

    // Arguments.
    let mut buffers = Vec::new();
    let mut encoded: Vec<usize> = Vec::new();
    let mut call_args = Vec::new();
    for (i, p) in params.iter().enumerate() {
        let name = c_string(&p.py_name);
        match p.value.kind {
            Kind::Handle(h) => {
                let _ = writeln!(
                    out,
                    "    uint64_t p{i};\n    if (gw_as_handle(argv[{i}], {h}, {name}, &p{i}) < 0) goto fail;"
                );
                call_args.push(format!("p{i}"));
            }
            Kind::Bool => {
                let _ = writeln!(
                    out,
                    "    int p{i} = PyObject_IsTrue(argv[{i}]);\n    if (p{i} < 0) goto fail;"
                );
                call_args.push(format!("p{i}"));
            }
            Kind::Int { bits } => {
                let _ = writeln!(
                    out,
                    "    int64_t p{i};\n    if (gw_as_int(argv[{i}], {bits}, {name}, &p{i}) < 0) goto fail;"
                );
                call_args.push(format!("p{i}"));
            }
            Kind::Uint { bits } => {
                let _ = writeln!(
                    out,
                    "    uint64_t p{i};\n    if (gw_as_uint(argv[{i}], {bits}, {name}, &p{i}) < 0) goto fail;"
                );
                call_args.push(format!("p{i}"));
            }
            Kind::Float { .. } => {
                let _ = writeln!(
                    out,
                    "    double p{i} = PyFloat_AsDouble(argv[{i}]);\n    if (p{i} == -1.0 && PyErr_Occurred()) goto fail;"
                );
                call_args.push(format!("p{i}"));
            }
            Kind::Str => {
                let _ = writeln!(
                    out,
                    "    Py_ssize_t p{i}_len;\n    const char *p{i} = gw_as_utf8(argv[{i}], {name}, &p{i}_len);\n    if (p{i} == NULL) goto fail;"
                );
                call_args.push(format!("(char *)p{i}, (size_t)p{i}_len"));
            }
            Kind::List(_)
            | Kind::Array(..)
            | Kind::Map(_)
            | Kind::Struct(_)
            | Kind::Duration
            | Kind::Time => {
                let _ = writeln!(
                    out,
                    "    if (gw_encode(argv[{i}], &p{i}, 0) < 0) goto fail;"
                );
                call_args.push(format!("p{i}.data, p{i}.len"));
                encoded.push(i);
            }
            Kind::Bytes => {
                let _ = writeln!(
                    out,
                    "    Py_buffer p{i};\n    if (gw_as_buffer(argv[{i}], {name}, &p{i}) < 0) goto fail;\n    held_{i} = 1;"
                );
                call_args.push(format!("(char *)p{i}.buf, (size_t)p{i}.len"));
                buffers.push(i);
            }
        }
    }
    // Results.
    for (i, r) in func.results.iter().enumerate() {
        match r.kind {
            Kind::Handle(_) => {
                let _ = writeln!(out, "    uint64_t r{i} = 0;");
                call_args.push(format!("&r{i}"));
            }
            Kind::Bool => {
                let _ = writeln!(out, "    int r{i} = 0;");
                call_args.push(format!("&r{i}"));
            }
            Kind::Int { .. } => {
                let _ = writeln!(out, "    int64_t r{i} = 0;");
                call_args.push(format!("&r{i}"));
            }
            Kind::Uint { .. } => {
                let _ = writeln!(out, "    uint64_t r{i} = 0;");
                call_args.push(format!("&r{i}"));
            }
            Kind::Float { .. } => {
                let _ = writeln!(out, "    double r{i} = 0;");
                call_args.push(format!("&r{i}"));
            }
            Kind::Str
            | Kind::Bytes
            | Kind::List(_)
            | Kind::Array(..)
            | Kind::Map(_)
            | Kind::Struct(_)
            | Kind::Duration
            | Kind::Time => {
                let _ = writeln!(out, "    char *r{i} = NULL;\n    size_t r{i}_len = 0;");
                call_args.push(format!("&r{i}, &r{i}_len"));
            }
        }
    }
    out.push_str("    char *gw_err = NULL, *gw_panic = NULL, *gw_arg_err = NULL;\n");
    call_args.push("&gw_err, &gw_panic, &gw_arg_err".into());
    out.push_str("    Py_BEGIN_ALLOW_THREADS\n");
    let _ = writeln!(
        out,
        "    {}({});",
        export_name(func, binding),
        call_args.join(", ")
    );
    out.push_str("    Py_END_ALLOW_THREADS\n");
    for i in &buffers {
        let _ = writeln!(out, "    PyBuffer_Release(&p{i});\n    held_{i} = 0;");
    }
    for i in &encoded {
        let _ = writeln!(out, "    gw_buf_free(&p{i});");
    }
    if !encoded.is_empty() {
        out.push_str("    if (gw_arg_err != NULL) return gw_raise_arg(gw_arg_err);\n");
    }
    // Errors first: a panic or error means the results were not written.
    out.push_str("    if (gw_panic != NULL) return gw_raise(gw_GoPanic, gw_panic);\n");
    out.push_str("    if (gw_err != NULL) return gw_raise(gw_GoError, gw_err);\n");
    let convert = |i: usize, kind: &Kind| -> String {
        match kind {
            Kind::Handle(h) => format!("gw_wrap_handle({h}, r{i})"),
            Kind::Bool => format!("PyBool_FromLong(r{i})"),
            Kind::Int { .. } => format!("PyLong_FromLongLong((long long)r{i})"),
            Kind::Uint { .. } => format!("PyLong_FromUnsignedLongLong((unsigned long long)r{i})"),
            Kind::Float { .. } => format!("PyFloat_FromDouble(r{i})"),
            Kind::Str => format!("gw_take_str(r{i}, r{i}_len)"),
            Kind::Bytes => format!("gw_take_bytes(r{i}, r{i}_len)"),
            Kind::List(_)
            | Kind::Array(..)
            | Kind::Map(_)
            | Kind::Struct(_)
            | Kind::Duration
            | Kind::Time => {
                format!("gw_take_decoded(r{i}, r{i}_len)")
            }
        }
    };
    match func.results.len() {
        0 => out.push_str("    Py_RETURN_NONE;\n"),
        1 => {
            let _ = writeln!(out, "    return {};", convert(0, &func.results[0].kind));
        }
        k => {
            // Convert every result (taking ownership of C buffers) before checking for errors.
            for (i, r) in func.results.iter().enumerate() {
                let _ = writeln!(out, "    PyObject *o{i} = {};", convert(i, &r.kind));
            }
            let objs: Vec<String> = (0..k).map(|i| format!("o{i}")).collect();
            let _ = writeln!(
                out,
                "    PyObject *result = NULL;\n    if ({}) result = PyTuple_Pack({k}, {});",
                objs.iter()
                    .map(|o| format!("{o} != NULL"))
                    .collect::<Vec<_>>()
                    .join(" && "),
                objs.join(", ")
            );
            for o in &objs {
                let _ = writeln!(out, "    Py_XDECREF({o});");
            }
            out.push_str("    return result;\n");
        }
    }
    if n > 0 {
        out.push_str("fail:\n");
        for i in &buffers {
            let _ = writeln!(out, "    if (held_{i}) PyBuffer_Release(&p{i});");
        }
        for i in &encoded {
            let _ = writeln!(out, "    gw_buf_free(&p{i});");
        }
        out.push_str("    return NULL;\n");
    }
    out.push_str("}\n\n");
    // `held_i` must be declared before the first `goto fail`: patch them in at the top.
    if !buffers.is_empty() || !encoded.is_empty() {
        let mut decl: String = buffers
            .iter()
            .map(|i| format!("    int held_{i} = 0;\n"))
            .collect();
        decl.extend(
            encoded
                .iter()
                .map(|i| format!("    gw_buf p{i} = {{NULL, 0, 0}};\n")),
        );
        let marker = "    PyObject *argv[";
        let start = out.rfind(marker).expect("argv declaration written above");
        out.insert_str(start, &decl);
    }
}

/// The tables describing the dataclasses of struct types (defined in `_types.py`).
fn write_class_tables(out: &mut String, binding: &Binding, package: &str) {
    let n = binding.structs.len();
    out.push_str("/* The classes of the Go struct types passed by value (see _types.py), looked up by\n * PyInit. A struct crosses as its class index and its fields in order. */\n");
    let _ = writeln!(out, "#define GW_NCLASSES {n}");
    let _ = writeln!(
        out,
        "static const char *const gw_types_module = {};",
        c_string(&format!("{package}._types"))
    );
    let names: String = binding
        .structs
        .iter()
        .map(|s| format!("{}, ", c_string(&s.go_name)))
        .collect();
    let _ = writeln!(
        out,
        "static const char *const gw_class_names[] = {{{names}NULL}};"
    );
    for (i, bound) in binding.structs.iter().enumerate() {
        let fields: String = bound
            .fields
            .iter()
            .map(|f| format!("{}, ", c_string(&f.py_name)))
            .collect();
        let _ = writeln!(
            out,
            "static const char *const gw_fields_{i}[] = {{{fields}NULL}};"
        );
    }
    let tables: String = (0..n).map(|i| format!("gw_fields_{i}, ")).collect();
    let _ = writeln!(
        out,
        "static const char *const *const gw_class_fields[] = {{{tables}NULL}};"
    );
    let counts: String = binding
        .structs
        .iter()
        .map(|s| format!("{}, ", s.fields.len()))
        .collect();
    let _ = writeln!(
        out,
        "static const Py_ssize_t gw_class_nfields[] = {{{counts}0}};"
    );
    let _ = writeln!(out, "static PyObject *gw_classes[GW_NCLASSES + 1];\n");
    out.push_str(
        "/* The classes of the Go types used through pointers (handles), also in _types.py. */\n",
    );
    let _ = writeln!(
        out,
        "/* time.Duration and time.Time: the datetime classes and converters of _types.py. */\n#define GW_USES_TIME {}\nstatic PyObject *gw_timedelta, *gw_datetime, *gw_duration_ns, *gw_duration_from_ns, *gw_time_parts,\n    *gw_time_from_parts;\n",
        i32::from(binding.uses_time())
    );
    let _ = writeln!(out, "#define GW_NHANDLES {}", binding.handles.len());
    let names: String = binding
        .handles
        .iter()
        .map(|h| format!("{}, ", c_string(&h.go_name)))
        .collect();
    let _ = writeln!(
        out,
        "static const char *const gw_handle_names[] = {{{names}NULL}};"
    );
    let _ = writeln!(
        out,
        "static PyObject *gw_handle_classes[GW_NHANDLES + 1];\n"
    );
    if !binding.handles.is_empty() {
        out.push_str(HANDLE_RUNTIME);
    }
}

/// Helpers for handles, emitted only when the package has handle types.
const HANDLE_RUNTIME: &str = r#"/* The handle of a Go value held by a Python object of handle class `h`; None is nil (0). */
static int gw_as_handle(PyObject *obj, int h, const char *name, uint64_t *out) {
    if (obj == Py_None) {
        *out = 0;
        return 0;
    }
    int ok = PyObject_IsInstance(obj, gw_handle_classes[h]);
    if (ok < 0) return -1;
    if (!ok) {
        PyObject *type_name = PyType_GetName(Py_TYPE(obj));
        if (type_name != NULL) {
            PyErr_Format(PyExc_TypeError, "argument '%s' must be %s, not %U", name, gw_handle_names[h], type_name);
            Py_DECREF(type_name);
        }
        return -1;
    }
    PyObject *handle = PyObject_GetAttrString(obj, "_gw_handle");
    if (handle == NULL) return -1;
    *out = (uint64_t)PyLong_AsUnsignedLongLong(handle);
    Py_DECREF(handle);
    if (*out == (uint64_t)-1 && PyErr_Occurred()) return -1;
    if (*out == 0) {
        PyErr_Format(PyExc_ValueError, "argument '%s': this %s was closed", name, gw_handle_names[h]);
        return -1;
    }
    return 0;
}

/* A Python object of handle class `h` holding `handle` (None for nil). */
static PyObject *gw_wrap_handle(int h, uint64_t handle) {
    if (handle == 0) Py_RETURN_NONE;
    PyObject *obj = PyObject_CallMethod(gw_handle_classes[h], "_gw_wrap", "K", (unsigned long long)handle);
    if (obj == NULL) gw_release_handle(handle);
    return obj;
}

/* _gw_release(handle): called when a handle object is collected or closed. */
static PyObject *gw_fn_release(PyObject *self, PyObject *arg) {
    (void)self;
    unsigned long long handle = PyLong_AsUnsignedLongLong(arg);
    if (handle == (unsigned long long)-1 && PyErr_Occurred()) return NULL;
    gw_release_handle(handle);
    Py_RETURN_NONE;
}

"#;

/// Renders `glue.c` for the extension module `ext_name` (e.g. `_hello`) inside the Python package
/// `package` (e.g. `hello`).
pub fn render(binding: &Binding, package: &str, ext_name: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "/* Code generated by gowright. DO NOT EDIT.\n *\n * CPython glue of the extension module {package}.{ext_name}, built into the same\n * c-shared library as the Go code it calls (see main.go). Limited API only (abi3).\n */"
    );
    out.push_str("#define PY_SSIZE_T_CLEAN\n#include <Python.h>\n#include <stdint.h>\n#include <stdlib.h>\n#include <string.h>\n#include \"_cgo_export.h\"\n\n");
    write_class_tables(&mut out, binding, package);
    out.push_str(RUNTIME);
    for func in &binding.functions {
        write_func(&mut out, binding, func);
    }
    out.push_str("static PyMethodDef gw_methods[] = {\n");
    for func in &binding.functions {
        let _ = writeln!(
            out,
            "    {{{}, (PyCFunction)(void (*)(void))gw_fn_{}, METH_FASTCALL | METH_KEYWORDS,\n     {}}},",
            c_string(&func.ext_name(binding)),
            func.ext_name(binding),
            c_string(&docstring(func, binding))
        );
    }
    if !binding.handles.is_empty() {
        out.push_str("    {\"_gw_release\", gw_fn_release, METH_O, \"Releases the Go value behind a handle.\"},\n");
    }
    out.push_str("    {NULL, NULL, 0, NULL},\n};\n\n");
    let doc = if binding.package_doc.is_empty() {
        format!("Bindings of the Go package {}.", binding.import_path)
    } else {
        binding.package_doc.clone()
    };
    let _ = writeln!(
        out,
        "static struct PyModuleDef gw_module = {{\n    .m_base = PyModuleDef_HEAD_INIT,\n    .m_name = {},\n    .m_doc = {},\n    .m_size = -1,\n    .m_methods = gw_methods,\n}};\n",
        c_string(&format!("{package}.{ext_name}")),
        c_string(&doc)
    );
    let _ = writeln!(out, "PyMODINIT_FUNC PyInit_{ext_name}(void) {{");
    let _ = writeln!(
        out,
        "    return gw_init_module(&gw_module, {}, {});\n}}",
        c_string(&format!("{package}.GoError")),
        c_string(&format!("{package}.GoPanic"))
    );
    out
}

/// Helpers shared by every wrapper.
const RUNTIME: &str = r#"/* GoError: a Go function returned a non-nil error. GoPanic: a Go function panicked. */
static PyObject *gw_GoError = NULL;
static PyObject *gw_GoPanic = NULL;

/* Raises `type` with the UTF-8 message `msg` (allocated by Go with malloc) and frees it. */
static PyObject *gw_raise(PyObject *type, char *msg) {
    PyObject *text = PyUnicode_DecodeUTF8(msg, (Py_ssize_t)strlen(msg), "replace");
    free(msg);
    if (text != NULL) {
        PyErr_SetObject(type, text);
        Py_DECREF(text);
    }
    return NULL;
}

/* Matches positional and keyword arguments to the parameter `names`; fills out[0..n). */
static int gw_parse_args(const char *fname, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames,
                         const char *const *names, Py_ssize_t n, PyObject **out) {
    if (nargs > n) {
        PyErr_Format(PyExc_TypeError, "%s() takes %zd argument%s but %zd were given", fname, n,
                     n == 1 ? "" : "s", nargs);
        return -1;
    }
    Py_ssize_t i;
    for (i = 0; i < n; i++) out[i] = i < nargs ? args[i] : NULL;
    if (kwnames != NULL) {
        Py_ssize_t nkw = PyTuple_Size(kwnames), k;
        for (k = 0; k < nkw; k++) {
            PyObject *key = PyTuple_GetItem(kwnames, k);
            Py_ssize_t j;
            for (j = 0; j < n; j++) {
                if (PyUnicode_CompareWithASCIIString(key, names[j]) == 0) break;
            }
            if (j == n) {
                PyErr_Format(PyExc_TypeError, "%s() got an unexpected keyword argument '%U'", fname, key);
                return -1;
            }
            if (out[j] != NULL) {
                PyErr_Format(PyExc_TypeError, "%s() got multiple values for argument '%s'", fname, names[j]);
                return -1;
            }
            out[j] = args[nargs + k];
        }
    }
    for (i = 0; i < n; i++) {
        if (out[i] == NULL) {
            PyErr_Format(PyExc_TypeError, "%s() missing required argument '%s' (pos %zd)", fname, names[i], i + 1);
            return -1;
        }
    }
    return 0;
}

/* Raises TypeError: argument `name` must be `expected`, not <type of obj>. */
static void gw_type_error(const char *name, const char *expected, PyObject *obj) {
    PyObject *type_name = PyType_GetName(Py_TYPE(obj));
    if (type_name != NULL) {
        PyErr_Format(PyExc_TypeError, "argument '%s' must be %s, not %U", name, expected, type_name);
        Py_DECREF(type_name);
    }
}

/* A Python int as a signed integer of `bits` bits; OverflowError when out of range. */
static int gw_as_int(PyObject *obj, int bits, const char *name, int64_t *out) {
    long long v = PyLong_AsLongLong(obj);
    if (v == -1 && PyErr_Occurred()) {
        if (PyErr_ExceptionMatches(PyExc_OverflowError)) {
            PyErr_Format(PyExc_OverflowError, "argument '%s' does not fit in int%d", name, bits);
        }
        return -1;
    }
    if (bits < 64) {
        long long lim = 1LL << (bits - 1);
        if (v < -lim || v >= lim) {
            PyErr_Format(PyExc_OverflowError, "argument '%s' does not fit in int%d: %lld", name, bits, v);
            return -1;
        }
    }
    *out = (int64_t)v;
    return 0;
}

/* A Python int as an unsigned integer of `bits` bits; OverflowError when out of range. */
static int gw_as_uint(PyObject *obj, int bits, const char *name, uint64_t *out) {
    if (!PyLong_Check(obj)) {
        gw_type_error(name, "int", obj);
        return -1;
    }
    unsigned long long v = PyLong_AsUnsignedLongLong(obj);
    if (v == (unsigned long long)-1 && PyErr_Occurred()) {
        if (PyErr_ExceptionMatches(PyExc_OverflowError)) {
            PyErr_Format(PyExc_OverflowError, "argument '%s' does not fit in uint%d", name, bits);
        }
        return -1;
    }
    if (bits < 64 && v >= (1ULL << bits)) {
        PyErr_Format(PyExc_OverflowError, "argument '%s' does not fit in uint%d: %llu", name, bits, v);
        return -1;
    }
    *out = (uint64_t)v;
    return 0;
}

/* The UTF-8 text of a str (owned by the str object). */
static const char *gw_as_utf8(PyObject *obj, const char *name, Py_ssize_t *len) {
    if (!PyUnicode_Check(obj)) {
        gw_type_error(name, "str", obj);
        return NULL;
    }
    return PyUnicode_AsUTF8AndSize(obj, len);
}

/* A contiguous read-only view of any bytes-like object (released by the caller). */
static int gw_as_buffer(PyObject *obj, const char *name, Py_buffer *view) {
    if (PyUnicode_Check(obj) || PyObject_GetBuffer(obj, view, PyBUF_SIMPLE) < 0) {
        PyErr_Clear();
        gw_type_error(name, "a bytes-like object", obj);
        return -1;
    }
    return 0;
}

/* A str from UTF-8 bytes malloc'ed by Go (invalid UTF-8 is escaped, never fatal); frees them. */
static PyObject *gw_take_str(char *p, size_t n) {
    PyObject *s = PyUnicode_DecodeUTF8(p != NULL ? p : "", (Py_ssize_t)n, "surrogateescape");
    free(p);
    return s;
}

/* A bytes object from memory malloc'ed by Go; frees it. */
static PyObject *gw_take_bytes(char *p, size_t n) {
    PyObject *b = PyBytes_FromStringAndSize(p != NULL ? p : "", (Py_ssize_t)n);
    free(p);
    return b;
}

/* A growable byte buffer for gowright's compact format (see main.go, gwReader/gwWriter). */
typedef struct {
    char *data;
    size_t len, cap;
} gw_buf;

static void gw_buf_free(gw_buf *b) {
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

static int gw_put(gw_buf *b, const void *p, size_t n) {
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + n) cap *= 2;
        char *data = realloc(b->data, cap);
        if (data == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        b->data = data;
        b->cap = cap;
    }
    if (n > 0) memcpy(b->data + b->len, p, n);
    b->len += n;
    return 0;
}

/* A tag byte followed by a little-endian 64-bit value. */
static int gw_put_head(gw_buf *b, char tag, uint64_t v) {
    unsigned char head[9];
    head[0] = (unsigned char)tag;
    for (int i = 0; i < 8; i++) head[1 + i] = (unsigned char)(v >> (8 * i));
    return gw_put(b, head, 9);
}

/* Encodes a Python object: None, bool, int, float, str, bytes-like, list/tuple (or any other
 * sequence) and dict, nested. Go checks the result against the parameter's type; anything else
 * is encoded as its type name, for Go's error message. */
static int gw_encode(PyObject *o, gw_buf *b, int depth) {
    if (depth > 200) {
        PyErr_SetString(PyExc_RecursionError, "argument nested too deeply");
        return -1;
    }
    if (o == Py_None) return gw_put(b, "N", 1);
    for (Py_ssize_t c = 0; c < GW_NCLASSES; c++) {
        if ((PyObject *)Py_TYPE(o) != gw_classes[c]) continue;
        if (gw_put_head(b, 'r', (uint64_t)c) < 0) return -1;
        for (Py_ssize_t f = 0; f < gw_class_nfields[c]; f++) {
            PyObject *value = PyObject_GetAttrString(o, gw_class_fields[c][f]);
            if (value == NULL) return -1;
            int rc = gw_encode(value, b, depth + 1);
            Py_DECREF(value);
            if (rc < 0) return -1;
        }
        return 0;
    }
    if (PyBool_Check(o)) return gw_put(b, o == Py_True ? "T" : "F", 1);
    if (GW_USES_TIME && (PyObject_IsInstance(o, gw_timedelta) == 1)) {
        PyObject *ns = PyObject_CallFunctionObjArgs(gw_duration_ns, o, NULL);
        if (ns == NULL) return -1;
        int overflow = 0;
        long long v = PyLong_AsLongLongAndOverflow(ns, &overflow);
        Py_DECREF(ns);
        if (v == -1 && PyErr_Occurred()) return -1;
        return overflow ? gw_put(b, "o", 1) : gw_put_head(b, 'D', (uint64_t)v);
    }
    if (GW_USES_TIME && (PyObject_IsInstance(o, gw_datetime) == 1)) {
        PyObject *parts = PyObject_CallFunctionObjArgs(gw_time_parts, o, NULL);
        if (parts == NULL) return -1;
        long long v[3];
        for (int i = 0; i < 3; i++) {
            v[i] = PyLong_AsLongLong(PyTuple_GetItem(parts, i));
        }
        Py_DECREF(parts);
        if (PyErr_Occurred()) return -1;
        if (gw_put_head(b, 'M', (uint64_t)v[0]) < 0) return -1;
        unsigned char rest[16];
        for (int i = 0; i < 8; i++) {
            rest[i] = (unsigned char)((uint64_t)v[1] >> (8 * i));
            rest[8 + i] = (unsigned char)((uint64_t)v[2] >> (8 * i));
        }
        return gw_put(b, rest, 16);
    }
    if (PyLong_Check(o)) {
        int overflow = 0;
        long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
        if (v == -1 && PyErr_Occurred()) return -1;
        if (overflow == 0) return gw_put_head(b, 'i', (uint64_t)v);
        if (overflow > 0) {
            unsigned long long u = PyLong_AsUnsignedLongLong(o);
            if (!(u == (unsigned long long)-1 && PyErr_Occurred())) return gw_put_head(b, 'u', u);
            PyErr_Clear();
        }
        return gw_put(b, "o", 1);
    }
    if (PyFloat_Check(o)) {
        double d = PyFloat_AsDouble(o);
        uint64_t bits;
        memcpy(&bits, &d, 8);
        return gw_put_head(b, 'f', bits);
    }
    if (PyUnicode_Check(o)) {
        Py_ssize_t n;
        const char *s = PyUnicode_AsUTF8AndSize(o, &n);
        if (s == NULL) return -1;
        if (gw_put_head(b, 's', (uint64_t)n) < 0) return -1;
        return gw_put(b, s, (size_t)n);
    }
    if (PyList_Check(o) || PyTuple_Check(o)) {
        int is_list = PyList_Check(o);
        Py_ssize_t n = is_list ? PyList_Size(o) : PyTuple_Size(o);
        if (gw_put_head(b, 'l', (uint64_t)n) < 0) return -1;
        for (Py_ssize_t i = 0; i < n; i++) {
            PyObject *item = is_list ? PyList_GetItem(o, i) : PyTuple_GetItem(o, i);
            if (item == NULL) return -1;
            Py_INCREF(item);
            int rc = gw_encode(item, b, depth + 1);
            Py_DECREF(item);
            if (rc < 0) return -1;
        }
        return 0;
    }
    if (PyDict_Check(o)) {
        Py_ssize_t pos = 0, n = PyDict_Size(o);
        PyObject *key, *value;
        if (gw_put_head(b, 'd', (uint64_t)n) < 0) return -1;
        while (PyDict_Next(o, &pos, &key, &value)) {
            if (gw_encode(key, b, depth + 1) < 0 || gw_encode(value, b, depth + 1) < 0) return -1;
        }
        return 0;
    }
    if (PyObject_CheckBuffer(o)) {
        Py_buffer view;
        if (PyObject_GetBuffer(o, &view, PyBUF_SIMPLE) < 0) return -1;
        int rc = gw_put_head(b, 'b', (uint64_t)view.len);
        if (rc == 0) rc = gw_put(b, view.buf, (size_t)view.len);
        PyBuffer_Release(&view);
        return rc;
    }
    if (PySequence_Check(o)) {
        PyObject *list = PySequence_List(o);
        if (list == NULL) return -1;
        int rc = gw_encode(list, b, depth);
        Py_DECREF(list);
        return rc;
    }
    PyObject *name = PyType_GetName(Py_TYPE(o));
    if (name == NULL) return -1;
    Py_ssize_t n;
    const char *s = PyUnicode_AsUTF8AndSize(name, &n);
    int rc = s == NULL ? -1 : gw_put_head(b, 'x', (uint64_t)n);
    if (rc == 0) rc = gw_put(b, s, (size_t)n);
    Py_DECREF(name);
    return rc;
}

static uint64_t gw_get_u64(const unsigned char *p) {
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/* Decodes one value written by Go's gwWriter; advances *p. */
static PyObject *gw_decode(const unsigned char **p, const unsigned char *end) {
    if (*p >= end) goto corrupt;
    unsigned char tag = *(*p)++;
    if (tag == 'N') Py_RETURN_NONE;
    if (tag == 'T') Py_RETURN_TRUE;
    if (tag == 'F') Py_RETURN_FALSE;
    if (end - *p < 8) goto corrupt;
    uint64_t v = gw_get_u64(*p);
    *p += 8;
    switch (tag) {
    case 'i':
        return PyLong_FromLongLong((long long)v);
    case 'u':
        return PyLong_FromUnsignedLongLong((unsigned long long)v);
    case 'f': {
        double d;
        memcpy(&d, &v, 8);
        return PyFloat_FromDouble(d);
    }
    case 's':
    case 'b': {
        if ((uint64_t)(end - *p) < v) goto corrupt;
        const char *s = (const char *)*p;
        *p += v;
        return tag == 's' ? PyUnicode_DecodeUTF8(s, (Py_ssize_t)v, "surrogateescape")
                          : PyBytes_FromStringAndSize(s, (Py_ssize_t)v);
    }
    case 'D': {
        PyObject *ns = PyLong_FromLongLong((long long)v);
        if (ns == NULL) return NULL;
        PyObject *td = PyObject_CallFunctionObjArgs(gw_duration_from_ns, ns, NULL);
        Py_DECREF(ns);
        return td;
    }
    case 'M': {
        if (end - *p < 16) goto corrupt;
        long long nanos = (long long)gw_get_u64(*p), offset = (long long)gw_get_u64(*p + 8);
        *p += 16;
        return PyObject_CallFunction(gw_time_from_parts, "LLL", (long long)v, nanos, offset);
    }
    case 'r': {
        if (v >= GW_NCLASSES) goto corrupt;
        Py_ssize_t n = gw_class_nfields[v];
        PyObject *args = PyTuple_New(n);
        if (args == NULL) return NULL;
        for (Py_ssize_t f = 0; f < n; f++) {
            PyObject *item = gw_decode(p, end);
            if (item == NULL || PyTuple_SetItem(args, f, item) < 0) {
                Py_DECREF(args);
                return NULL;
            }
        }
        PyObject *obj = PyObject_CallObject(gw_classes[v], args);
        Py_DECREF(args);
        return obj;
    }
    case 'l': {
        PyObject *list = PyList_New((Py_ssize_t)v);
        if (list == NULL) return NULL;
        for (uint64_t i = 0; i < v; i++) {
            PyObject *item = gw_decode(p, end);
            if (item == NULL || PyList_SetItem(list, (Py_ssize_t)i, item) < 0) {
                Py_DECREF(list);
                return NULL;
            }
        }
        return list;
    }
    case 'd': {
        PyObject *dict = PyDict_New();
        if (dict == NULL) return NULL;
        for (uint64_t i = 0; i < v; i++) {
            PyObject *key = gw_decode(p, end);
            PyObject *value = key != NULL ? gw_decode(p, end) : NULL;
            int rc = value != NULL ? PyDict_SetItem(dict, key, value) : -1;
            Py_XDECREF(key);
            Py_XDECREF(value);
            if (rc < 0) {
                Py_DECREF(dict);
                return NULL;
            }
        }
        return dict;
    }
    }
corrupt:
    PyErr_SetString(PyExc_SystemError, "gowright: corrupt value from Go");
    return NULL;
}

/* Decodes a result Go encoded into malloc'ed memory, and frees it. */
static PyObject *gw_take_decoded(char *data, size_t len) {
    const unsigned char *p = (const unsigned char *)data;
    PyObject *o = gw_decode(&p, p + len);
    free(data);
    return o;
}

/* Raises the error of an argument Go could not convert: the first byte says which exception. */
static PyObject *gw_raise_arg(char *msg) {
    PyObject *type = msg[0] == 'O' ? PyExc_OverflowError : msg[0] == 'V' ? PyExc_ValueError : PyExc_TypeError;
    PyObject *text = PyUnicode_DecodeUTF8(msg + 1, (Py_ssize_t)strlen(msg + 1), "replace");
    free(msg);
    if (text != NULL) {
        PyErr_SetObject(type, text);
        Py_DECREF(text);
    }
    return NULL;
}

/* Creates the module and its exception classes. */
static PyObject *gw_init_module(struct PyModuleDef *def, const char *error_name, const char *panic_name) {
    PyObject *m = PyModule_Create(def);
    if (m == NULL) return NULL;
    gw_GoError = PyErr_NewExceptionWithDoc(error_name, "A Go function returned a non-nil error.",
                                           PyExc_Exception, NULL);
    gw_GoPanic = PyErr_NewExceptionWithDoc(panic_name, "A Go function panicked.", PyExc_RuntimeError, NULL);
    if (gw_GoError == NULL || gw_GoPanic == NULL || PyModule_AddObjectRef(m, "GoError", gw_GoError) < 0 ||
        PyModule_AddObjectRef(m, "GoPanic", gw_GoPanic) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    if (GW_NCLASSES > 0) {
        PyObject *types = PyImport_ImportModule(gw_types_module);
        if (types == NULL) {
            Py_DECREF(m);
            return NULL;
        }
        for (Py_ssize_t c = 0; c < GW_NCLASSES; c++) {
            gw_classes[c] = PyObject_GetAttrString(types, gw_class_names[c]);
            if (gw_classes[c] == NULL) {
                Py_DECREF(types);
                Py_DECREF(m);
                return NULL;
            }
        }
        Py_DECREF(types);
    }
    if (GW_USES_TIME) {
        PyObject *types = PyImport_ImportModule(gw_types_module);
        if (types == NULL) {
            Py_DECREF(m);
            return NULL;
        }
        gw_timedelta = PyObject_GetAttrString(types, "timedelta");
        gw_datetime = PyObject_GetAttrString(types, "datetime");
        gw_duration_ns = PyObject_GetAttrString(types, "_gw_duration_ns");
        gw_duration_from_ns = PyObject_GetAttrString(types, "_gw_duration_from_ns");
        gw_time_parts = PyObject_GetAttrString(types, "_gw_time_parts");
        gw_time_from_parts = PyObject_GetAttrString(types, "_gw_time_from_parts");
        Py_DECREF(types);
        if (!gw_timedelta || !gw_datetime || !gw_duration_ns || !gw_duration_from_ns || !gw_time_parts ||
            !gw_time_from_parts) {
            Py_DECREF(m);
            return NULL;
        }
    }
    if (GW_NHANDLES > 0) {
        PyObject *types = PyImport_ImportModule(gw_types_module);
        if (types == NULL || PyObject_SetAttrString(types, "_gw_ext", m) < 0) {
            Py_XDECREF(types);
            Py_DECREF(m);
            return NULL;
        }
        for (Py_ssize_t c = 0; c < GW_NHANDLES; c++) {
            gw_handle_classes[c] = PyObject_GetAttrString(types, gw_handle_names[c]);
            if (gw_handle_classes[c] == NULL) {
                Py_DECREF(types);
                Py_DECREF(m);
                return NULL;
            }
        }
        Py_DECREF(types);
    }
    return m;
}

"#;
