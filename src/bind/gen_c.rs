//! The generated CPython glue (`glue.c`): the extension module's init function, method table and
//! one wrapper per bound function that converts arguments, releases the GIL, calls the Go export
//! and converts the results. Only the limited API is used, so the module is `abi3`.

use std::fmt::Write as _;

use super::api::{Binding, BoundFunc, BoundParam, ConstValue, Kind, Value};
use super::gen_go::{copy_export_name, export_name};
use super::kinds::{Cleanup, Transport};

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
    let mut params: Vec<String> = func
        .receiver
        .map(|_| "self".to_string())
        .into_iter()
        .collect();
    params.extend(func.params.iter().map(|p| p.py_name.clone()));
    if func.variadic
        && let Some(last) = params.last_mut()
    {
        last.insert(0, '*');
    }
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
    out.push_str("    (void)self;\n    if (gw_forked) return gw_fork_error();\n");
    let names: Vec<String> = params.iter().map(|p| c_string(&p.py_name)).collect();
    let _ = writeln!(
        out,
        "    static const char *const names[] = {{{}NULL}};",
        names.iter().map(|n| format!("{n}, ")).collect::<String>()
    );
    let _ = writeln!(out, "    PyObject *argv[{}];", n.max(1));
    if func.variadic {
        // argv[n - 1] is a new tuple: released once encoded, or on failure.
        let _ = writeln!(
            out,
            "    if (gw_parse_varargs({}, args, nargs, kwnames, names, {n}, argv) < 0) return NULL;\n    gw_rest = argv[{}];",
            c_string(&fn_name),
            n - 1
        );
    } else {
        let _ = writeln!(
            out,
            "    if (gw_parse_args({}, args, nargs, kwnames, names, {n}, argv) < 0) return NULL;",
            c_string(&fn_name)
        );
    }

    // Arguments.
    let mut buffers = Vec::new();
    let mut encoded: Vec<usize> = Vec::new();
    let mut call_args = Vec::new();
    for (i, p) in params.iter().enumerate() {
        let arg = p
            .value
            .kind_impl()
            .c_arg(&p.value, i, &c_string(&p.py_name));
        match arg.cleanup {
            // The rest of a variadic call is a new tuple, released once encoded.
            Cleanup::Encoded if func.variadic && i == n - 1 => {
                let _ = writeln!(
                    out,
                    "    int p{i}_ok = gw_encode(argv[{i}], &p{i}, 0);\n    Py_CLEAR(gw_rest);\n    if (p{i}_ok < 0) goto fail;"
                );
            }
            _ => {
                let _ = writeln!(out, "{}", arg.code);
            }
        }
        call_args.push(arg.call);
        match arg.cleanup {
            Cleanup::None => {}
            Cleanup::Buffer => buffers.push(i),
            Cleanup::Encoded => encoded.push(i),
        }
    }
    // Results.
    for (i, r) in func.results.iter().enumerate() {
        let (decl, call) = r.kind_impl().transport().c_result(i);
        let _ = writeln!(out, "{decl}");
        call_args.push(call);
    }
    out.push_str("    char *gw_err = NULL, *gw_panic = NULL, *gw_arg_err = NULL;\n");
    call_args.push("&gw_err, &gw_panic, &gw_arg_err".into());
    // Which error variable of the package a returned error is (see gw_errors).
    let sentinels = func.returns_error && !binding.errors.is_empty();
    if sentinels {
        out.push_str("    int gw_err_is = 0;\n");
        call_args.push("&gw_err_is".into());
    }
    let call = format!("{}({});", export_name(func, binding), call_args.join(", "));
    if func.trivial {
        // Trivial arithmetic: over before releasing the GIL would pay off.
        let _ = writeln!(out, "    /* trivial: the GIL stays held */\n    {call}");
    } else {
        let _ = writeln!(
            out,
            "    Py_BEGIN_ALLOW_THREADS\n    {call}\n    Py_END_ALLOW_THREADS"
        );
    }
    for i in &buffers {
        let _ = writeln!(out, "    PyBuffer_Release(&p{i});\n    held_{i} = 0;");
    }
    for i in &encoded {
        let _ = writeln!(out, "    gw_buf_free(&p{i});");
    }
    // Go refuses encoded arguments and handles that are not live, and results nested too deeply.
    let refusable = !encoded.is_empty()
        || params
            .iter()
            .any(|p| p.value.kind_impl().transport() == Transport::Handle)
        || func.results.iter().any(|r| r.kind.is_encoded());
    if refusable {
        out.push_str("    if (gw_arg_err != NULL) return gw_raise_arg(gw_arg_err);\n");
    }
    // Errors first: a panic or error means the results were not written.
    out.push_str("    if (gw_panic != NULL) return gw_raise(gw_GoPanic, gw_panic);\n");
    if sentinels {
        out.push_str(
            "    if (gw_err != NULL) return gw_raise(gw_err_is > 0 ? gw_errors[gw_err_is - 1] : gw_GoError, gw_err);\n",
        );
    } else {
        out.push_str("    if (gw_err != NULL) return gw_raise(gw_GoError, gw_err);\n");
    }
    let convert = |i: usize, value: &Value| value.kind_impl().c_result(value, i);
    match func.results.len() {
        0 => out.push_str("    Py_RETURN_NONE;\n"),
        1 => {
            let _ = writeln!(out, "    return {};", convert(0, &func.results[0]));
        }
        k => {
            // Convert every result (taking ownership of C buffers) before checking for errors.
            for (i, r) in func.results.iter().enumerate() {
                let _ = writeln!(out, "    PyObject *o{i} = {};", convert(i, r));
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
        if func.variadic {
            out.push_str("    Py_XDECREF(gw_rest);\n");
        }
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
    if !buffers.is_empty() || !encoded.is_empty() || func.variadic {
        let mut decl: String = func
            .variadic
            .then_some("    PyObject *gw_rest = NULL;\n".to_string())
            .into_iter()
            .collect();
        decl.extend(buffers.iter().map(|i| format!("    int held_{i} = 0;\n")));
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
        "static const char *const gw_package = {};\nstatic const char *const gw_types_module = {};",
        c_string(package),
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
        let copiers: String = binding
            .handles
            .iter()
            .map(|h| format!("{}, ", copy_export_name(h, binding)))
            .collect();
        let _ = writeln!(
            out,
            "/* The Go exports behind copy.copy and copy.deepcopy of each handle class. */\nstatic void (*const gw_handle_copiers[])(uint64_t, int, uint64_t *, char **) = {{{copiers}NULL}};\n"
        );
    }
}

/// Helpers for handles, emitted only when the package has handle types.
const HANDLE_RUNTIME: &str = include_str!("runtime/handle.c.in");

/// Renders `glue.c` for the extension module `ext_name` (e.g. `_hello`) inside the Python package
/// `package` (e.g. `hello`).
pub fn render(binding: &Binding, package: &str, ext_name: &str) -> String {
    render_module(binding, package, ext_name, None)
}

/// Renders `glue_<sub>.c`, the glue of one of several Go packages built into one extension
/// module: the module `<package>.<ext_name>` (`hello.uuid._uuid`), which takes the exception
/// classes from the extension's root module `root` (`hello._hello`, see [`render_root`]).
pub fn render_submodule(binding: &Binding, package: &str, ext_name: &str, root: &str) -> String {
    render_module(binding, package, ext_name, Some(root))
}

/// The first lines of every glue file: what it is and the headers it includes.
fn write_file_start(out: &mut String, what: &str) {
    let _ = writeln!(
        out,
        "/* Code generated by gowright. DO NOT EDIT.\n *\n * {what} Limited API only: compiled for\n * abi3 against gowright_abi3.h, or with GOWRIGHT_FULL_API against a free-threaded CPython's\n * own headers (the code then is the same; what differs is noted where it does).\n */"
    );
    out.push_str("#if defined(__linux__) && !defined(_GNU_SOURCE)\n#define _GNU_SOURCE 1 /* dladdr, dl_iterate_phdr */\n#endif\n#ifdef GOWRIGHT_FULL_API\n/* Free-threaded CPython: its full API, from the headers of its interpreter. */\n#define PY_SSIZE_T_CLEAN\n#include <Python.h>\n#else\n/* CPython's stable ABI as gowright declares it: the same for every target. */\n#include \"gowright_abi3.h\"\n#endif\n#include <stdint.h>\n#include <stdlib.h>\n#include <string.h>\n#ifndef _WIN32\n#include <pthread.h>\n#endif\n#if defined(__linux__)\n#include <dlfcn.h>\n#include <link.h>\n#elif defined(__APPLE__)\n#include <dlfcn.h>\n#include <mach-o/dyld.h>\n#endif\n#include \"_cgo_export.h\"\n\n");
}

/// Renders `glue.c` of an extension module of several Go packages: its root module
/// `<package>.<ext_name>`, which holds no function but GoError and GoPanic (shared by the
/// sub-modules) and checks once for another Go runtime.
pub fn render_root(package: &str, ext_name: &str, doc: &str) -> String {
    let mut out = String::new();
    write_file_start(
        &mut out,
        &format!(
            "The root of the extension module {package}.{ext_name}: the Go packages built into it\n * are its sub-modules (glue_*.c), loaded from the same file by their packages' __init__.py."
        ),
    );
    let _ = writeln!(
        out,
        "static const char *const gw_package = {};\nstatic const char *const gw_types_module = {};\n",
        c_string(package),
        c_string(&format!("{package}._types"))
    );
    out.push_str(RUNTIME);
    out.push_str(MODULE_RUNTIME);
    out.push_str("static PyMethodDef gw_methods[] = {\n    {NULL, NULL, 0, NULL},\n};\n\n");
    let fill = format!(
        "gw_init_runtime(m, {}, {}) < 0",
        c_string(&format!("{package}.GoError")),
        c_string(&format!("{package}.GoPanic"))
    );
    write_module_entry(&mut out, package, ext_name, doc, &fill);
    out
}

fn render_module(binding: &Binding, package: &str, ext_name: &str, root: Option<&str>) -> String {
    let mut out = String::new();
    write_file_start(
        &mut out,
        &format!(
            "CPython glue of the extension module {package}.{ext_name}, built into the same\n * c-shared library as the Go code it calls (see {}).",
            if root.is_some() {
                format!("pkg_{}.go", binding.prefix.trim_end_matches('_'))
            } else {
                "main.go".to_string()
            }
        ),
    );
    if let Some(root) = root {
        let _ = writeln!(
            out,
            "/* One of several Go packages of one extension module: GoError and GoPanic are those of\n * its root module. */\n#define GW_ROOT_MODULE {}\n",
            c_string(root)
        );
    }
    write_class_tables(&mut out, binding, package);
    if !binding.errors.is_empty() {
        let _ = writeln!(
            out,
            "/* The exception classes of the package's error variables, made by gw_add_errors. */\nstatic PyObject *gw_errors[{}];\n",
            binding.errors.len()
        );
    }
    out.push_str(RUNTIME);
    out.push_str(MODULE_RUNTIME);
    out.push_str(CODEC_RUNTIME);
    if !binding.handles.is_empty() {
        out.push_str(HANDLE_RUNTIME);
    }
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
        out.push_str("    {\"_gw_copy\", gw_fn_copy, METH_VARARGS, \"Copies a handle object (deep: its Go value too).\"},\n");
    }
    out.push_str("    {NULL, NULL, 0, NULL},\n};\n\n");
    let doc = if binding.package_doc.is_empty() {
        format!("Bindings of the Go package {}.", binding.import_path)
    } else {
        binding.package_doc.clone()
    };
    write_consts(&mut out, binding);
    write_errors(&mut out, binding, package);
    let fill = format!(
        "gw_fill_module(m, {}, {}) < 0 || gw_add_consts(m) < 0 || gw_add_errors(m) < 0",
        c_string(&format!("{package}.GoError")),
        c_string(&format!("{package}.GoPanic"))
    );
    write_module_entry(&mut out, package, ext_name, &doc, &fill);
    out
}

/// The module's entry point, shared by the glue of `lib` and of `cgo` modules; `fill` is the C
/// expression filling the module `m` (negative on failure). For abi3 (and a free-threaded
/// CPython's full API), `PyInit_<name>` creating it from a `PyModuleDef` (single-phase: the
/// glue's state is its static variables); for abi3t, whose `PyModuleDef` would hold an object
/// header, `PyModExport_<name>` returning its slots (PEP 793), the module then filled by
/// `Py_mod_exec`.
pub fn write_module_entry(out: &mut String, package: &str, ext_name: &str, doc: &str, fill: &str) {
    let name = c_string(&format!("{package}.{ext_name}"));
    let doc = c_string(doc);
    let _ = writeln!(
        out,
        "/* Fills the module: exception classes, classes, constants. */
static int gw_exec(PyObject *m) {{
    if ({fill}) return -1;
    return 0;
}}

#ifndef GW_ABI3T
static struct PyModuleDef gw_module = {{
    .m_base = PyModuleDef_HEAD_INIT,
    .m_name = {name},
    .m_doc = {doc},
    .m_size = -1,
    .m_methods = gw_methods,
}};

PyMODINIT_FUNC PyInit_{ext_name}(void) {{
    PyObject *m = PyModule_Create(&gw_module);
    if (m == NULL) return NULL;
#ifdef Py_GIL_DISABLED
    /* Free-threaded CPython: the glue keeps no state that needs the GIL (what initialisation
     * sets is only read afterwards; Go's handle table has its own lock), so importing the
     * module leaves the GIL off. */
    if (PyUnstable_Module_SetGIL(m, Py_MOD_GIL_NOT_USED) < 0) {{
        Py_DECREF(m);
        return NULL;
    }}
#endif
    if (gw_exec(m) < 0) {{
        Py_DECREF(m);
        return NULL;
    }}
    return m;
}}
#else
PyABIInfo_VAR(gw_abi_info);

/* The GIL is not needed (see the abi3 entry point above); the glue's state is its static
 * variables, so one interpreter per process. */
static PySlot gw_slots[] = {{
    PySlot_DATA(Py_mod_abi, &gw_abi_info),
    PySlot_DATA(Py_mod_name, {name}),
    PySlot_DATA(Py_mod_doc, {doc}),
    PySlot_STATIC_DATA(Py_mod_methods, gw_methods), /* static: CPython keeps the pointer */
    PySlot_FUNC(Py_mod_exec, gw_exec),
    PySlot_DATA(Py_mod_gil, Py_MOD_GIL_NOT_USED),
    PySlot_DATA(Py_mod_multiple_interpreters, Py_MOD_MULTIPLE_INTERPRETERS_NOT_SUPPORTED),
    PySlot_END,
}};

PyMODEXPORT_FUNC PyModExport_{ext_name}(void) {{ return gw_slots; }}
#endif"
    );
}

/// `gw_add_consts`: sets the module attributes of the package's constants.
fn write_consts(out: &mut String, binding: &Binding) {
    out.push_str("/* The package's exported constants, as module attributes. */\n");
    out.push_str("static int gw_add_consts(PyObject *m) {\n    (void)m;\n");
    for c in &binding.consts {
        let value = match &c.value {
            ConstValue::Bool(b) => format!("PyBool_FromLong({})", i32::from(*b)),
            ConstValue::Int(digits) => format!("PyLong_FromString({}, NULL, 10)", c_string(digits)),
            ConstValue::Float(text) => format!("PyFloat_FromDouble({text})"),
            ConstValue::Str(text) => format!(
                "PyUnicode_FromStringAndSize({}, {})",
                c_string(text),
                text.len()
            ),
        };
        let _ = writeln!(
            out,
            "    if (gw_add_const(m, {}, {value}) < 0) return -1; /* {} */",
            c_string(&c.py_name),
            c.go_name
        );
    }
    out.push_str("    return 0;\n}\n\n");
}

/// `gw_add_errors`: an exception class, a subclass of GoError, for each error variable of the
/// package, as a module attribute of the variable's name.
fn write_errors(out: &mut String, binding: &Binding, package: &str) {
    out.push_str("/* The package's error variables, as exception classes. */\n");
    out.push_str("static int gw_add_errors(PyObject *m) {\n    (void)m;\n");
    for (i, e) in binding.errors.iter().enumerate() {
        let doc = if e.doc.trim().is_empty() {
            format!("The Go error {}.{}.", binding.package_name, e.go_name)
        } else {
            e.doc.trim().to_string()
        };
        let _ = writeln!(
            out,
            "    gw_errors[{i}] = PyErr_NewExceptionWithDoc({}, {}, gw_GoError, NULL);\n    if (gw_errors[{i}] == NULL || PyModule_AddObjectRef(m, {}, gw_errors[{i}]) < 0) return -1;",
            c_string(&format!("{package}.{}", e.go_name)),
            c_string(&doc),
            c_string(&e.go_name)
        );
    }
    out.push_str("    return 0;\n}\n\n");
}

/// Helpers shared by every wrapper (of `lib` and `cgo` modules alike).
pub const RUNTIME: &str = include_str!("runtime/base.c.in");
/// Module initialisation shared with `cgo` modules.
pub const MODULE_RUNTIME: &str = include_str!("runtime/module.c.in");
/// The compact encoding's C side, and the classes of `_types.py`.
const CODEC_RUNTIME: &str = include_str!("runtime/codec.c.in");
