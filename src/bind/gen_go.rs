//! The generated Go `main` package: one cgo `//export` shim per bound function, calling the
//! user's package, plus the small runtime those shims share.

use std::fmt::Write as _;

use super::api::{Accessor, Binding, BoundFunc, BoundHandle, GO_PACKAGE_ALIAS, Kind, Value};

/// The C parameters a value of `kind` takes as an argument of an export.
fn c_params(kind: &Kind, name: &str) -> String {
    match kind {
        Kind::Handle(_) => format!("{name} C.uint64_t"),
        Kind::Bool => format!("{name} C.int"),
        Kind::Int { .. } => format!("{name} C.int64_t"),
        Kind::Uint { .. } => format!("{name} C.uint64_t"),
        Kind::Float { .. } => format!("{name} C.double"),
        Kind::Str
        | Kind::Bytes
        | Kind::List(_)
        | Kind::Array(..)
        | Kind::Map(_)
        | Kind::Struct(_)
        | Kind::Duration
        | Kind::Time => {
            format!("{name} *C.char, {name}Len C.size_t")
        }
    }
}

/// The C out-parameters a result of `kind` is written to.
fn c_results(kind: &Kind, name: &str) -> String {
    match kind {
        Kind::Handle(_) => format!("{name} *C.uint64_t"),
        Kind::Bool => format!("{name} *C.int"),
        Kind::Int { .. } => format!("{name} *C.int64_t"),
        Kind::Uint { .. } => format!("{name} *C.uint64_t"),
        Kind::Float { .. } => format!("{name} *C.double"),
        Kind::Str
        | Kind::Bytes
        | Kind::List(_)
        | Kind::Array(..)
        | Kind::Map(_)
        | Kind::Struct(_)
        | Kind::Duration
        | Kind::Time => {
            format!("{name} **C.char, {name}Len *C.size_t")
        }
    }
}

/// The Go expression converting C argument `name` to the user's Go type.
fn to_go(value: &Value, name: &str) -> String {
    let ty = &value.go_type;
    match value.kind {
        // Looked up before the call (see `write_func`).
        Kind::Handle(_) => format!("a{}", &name[1..]),
        Kind::Bool if ty == "bool" => format!("{name} != 0"),
        Kind::Bool => format!("{ty}({name} != 0)"),
        Kind::Int { .. } | Kind::Uint { .. } | Kind::Float { .. } => format!("{ty}({name})"),
        Kind::Str if ty == "string" => format!("gwGoString({name}, {name}Len)"),
        Kind::Str => format!("{ty}(gwGoString({name}, {name}Len))"),
        Kind::Bytes => format!("gwGoBytes({name}, {name}Len)"),
        // Decoded into a variable before the call (see `write_func`).
        Kind::List(_)
        | Kind::Array(..)
        | Kind::Map(_)
        | Kind::Struct(_)
        | Kind::Duration
        | Kind::Time => {
            format!("a{}", &name[1..])
        }
    }
}

/// The Go statement storing Go result `value` into the C out-parameter `out`.
fn store_result(value: &Value, var: &str, out: &str) -> String {
    match value.kind {
        Kind::Handle(_) => format!("*{out} = gwNewHandle({var})"),
        Kind::Bool => format!("*{out} = gwBool(bool({var}))"),
        Kind::Int { .. } => format!("*{out} = C.int64_t({var})"),
        Kind::Uint { .. } => format!("*{out} = C.uint64_t({var})"),
        Kind::Float { .. } => format!("*{out} = C.double({var})"),
        Kind::Str => format!("gwSetBytes(string({var}), {out}, {out}Len)"),
        Kind::Bytes => format!("gwSetSlice({var}, {out}, {out}Len)"),
        Kind::List(_)
        | Kind::Array(..)
        | Kind::Map(_)
        | Kind::Struct(_)
        | Kind::Duration
        // Encoded into the writer `w{i}` beforehand (see `write_func`).
        | Kind::Time => format!("gwSetSlice(w{}.b, {out}, {out}Len)", &var[1..]),
    }
}

/// Collects the encoded values (lists, arrays, maps and their elements) of the binding, each
/// once, innermost first.
fn codec_values(binding: &Binding) -> Vec<Value> {
    fn visit(binding: &Binding, value: &Value, out: &mut Vec<Value>) {
        if out.iter().any(|v| v.mangled() == value.mangled()) {
            return;
        }
        out.push(value.clone());
        match &value.kind {
            Kind::List(elem) | Kind::Array(_, elem) | Kind::Map(elem) => visit(binding, elem, out),
            Kind::Struct(index) => {
                for field in &binding.structs[*index].fields {
                    visit(binding, &field.value, out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    for func in &binding.functions {
        let values = func.params.iter().map(|p| &p.value).chain(&func.results);
        for value in values.filter(|v| v.kind.is_encoded()) {
            visit(binding, value, &mut out);
        }
    }
    out
}

/// The name part of the decoder `gwDec<name>` and encoder `gwEnc<name>` of `value`'s type.
fn codec(binding: &Binding, value: &Value) -> String {
    format!("{}{}", binding.prefix, value.mangled())
}

/// The decoder and encoder of one value type, in gowright's compact format.
fn write_codec(out: &mut String, binding: &Binding, value: &Value) {
    let (m, ty) = (codec(binding, value), &value.go_type);
    let _ = writeln!(out, "// gwDec{m} decodes a {ty}.");
    let _ = writeln!(out, "func gwDec{m}(r *gwReader) ({ty}, error) {{");
    match &value.kind {
        Kind::Duration => {
            let _ = writeln!(
                out,
                "\tv, err := r.duration()\n\treturn time.Duration(v), err"
            );
        }
        Kind::Time => {
            let _ = writeln!(out, "\treturn r.time()");
        }
        Kind::Handle(index) => {
            let _ = writeln!(
                out,
                "\tid, err := r.handle({index}, \"{name}\")\n\tif err != nil {{\n\t\treturn nil, err\n\t}}\n\tv, ok := gwFromHandle[{ty}](C.uint64_t(id))\n\tif !ok {{\n\t\treturn nil, gwArgError{{kind: 'V', msg: gwNotLive(\"{name}\")}}\n\t}}\n\treturn v, nil",
                name = binding.handles[*index].go_name
            );
        }
        Kind::Bool => {
            let _ = writeln!(
                out,
                "	v, err := r.bool()
	return {ty}(v), err"
            );
        }
        Kind::Int { bits } => {
            let _ = writeln!(
                out,
                "	v, err := r.int({bits})
	return {ty}(v), err"
            );
        }
        Kind::Uint { bits } => {
            let _ = writeln!(
                out,
                "	v, err := r.uint({bits})
	return {ty}(v), err"
            );
        }
        Kind::Float { .. } => {
            let _ = writeln!(
                out,
                "	v, err := r.float()
	return {ty}(v), err"
            );
        }
        Kind::Str => {
            let _ = writeln!(
                out,
                "	v, err := r.str()
	return {ty}(v), err"
            );
        }
        Kind::Bytes => {
            let _ = writeln!(out, "	return r.bytes()");
        }
        Kind::List(elem) => {
            let _ = writeln!(
                out,
                "	n, err := r.list()
	if err != nil {{
		return nil, err
	}}
	out := make({ty}, n)
	for i := range out {{
		if out[i], err = gwDec{}(r); err != nil {{
			return nil, gwAt(i, err)
		}}
	}}
	return out, nil",
                codec(binding, elem)
            );
        }
        Kind::Array(len, elem) => {
            let _ = writeln!(
                out,
                "	var out {ty}
	n, err := r.list()
	if err != nil {{
		return out, err
	}}
	if n != {len} {{
		return out, gwArgError{{kind: 'V', msg: fmt.Sprintf(\"expected {len} items, got %d\", n)}}
	}}
	for i := range out {{
		if out[i], err = gwDec{}(r); err != nil {{
			return out, gwAt(i, err)
		}}
	}}
	return out, nil",
                codec(binding, elem)
            );
        }
        Kind::Struct(index) => {
            let bound = &binding.structs[*index];
            let _ = writeln!(
                out,
                "\tvar out {ty}\n\tif err := r.record({index}, \"{}\", gw{}ClassNames); err != nil {{\n\t\treturn out, err\n\t}}\n\tvar err error",
                bound.go_name, binding.prefix
            );
            for field in &bound.fields {
                let _ = writeln!(
                    out,
                    "\tif out.{}, err = gwDec{}(r); err != nil {{\n\t\treturn out, gwAtField(\"{}\", err)\n\t}}",
                    field.go_name,
                    codec(binding, &field.value),
                    field.py_name
                );
            }
            let _ = writeln!(out, "\treturn out, nil");
        }
        Kind::Map(elem) => {
            let _ = writeln!(
                out,
                "	n, err := r.dict()
	if err != nil {{
		return nil, err
	}}
	out := make({ty}, n)
	for i := 0; i < n; i++ {{
		k, err := r.str()
		if err != nil {{
			return nil, gwKeyErr(err)
		}}
		v, err := gwDec{}(r)
		if err != nil {{
			return nil, gwAtKey(k, err)
		}}
		out[k] = v
	}}
	return out, nil",
                codec(binding, elem)
            );
        }
    }
    let _ = writeln!(
        out,
        "}}
"
    );
    let _ = writeln!(out, "// gwEnc{m} encodes a {ty}.");
    let _ = writeln!(out, "func gwEnc{m}(w *gwWriter, v {ty}) {{");
    match &value.kind {
        Kind::Duration => {
            let _ = writeln!(out, "\tw.head('D', uint64(int64(v)))");
        }
        Kind::Time => {
            let _ = writeln!(
                out,
                "\t_, offset := v.Zone()\n\tw.head('M', uint64(v.Unix()))\n\tw.u64(uint64(v.Nanosecond()))\n\tw.u64(uint64(int64(offset)))"
            );
        }
        Kind::Handle(index) => {
            let _ = writeln!(out, "\tgwPutHandle(w, {index}, v)");
        }
        Kind::Bool => {
            let _ = writeln!(out, "	w.bool(bool(v))");
        }
        Kind::Int { .. } => {
            let _ = writeln!(out, "	w.int(int64(v))");
        }
        Kind::Uint { .. } => {
            let _ = writeln!(out, "	w.uint(uint64(v))");
        }
        Kind::Float { .. } => {
            let _ = writeln!(out, "	w.float(float64(v))");
        }
        Kind::Str => {
            let _ = writeln!(out, "	w.str(string(v))");
        }
        Kind::Bytes => {
            let _ = writeln!(out, "	w.bytes(v)");
        }
        Kind::List(elem) | Kind::Array(_, elem) => {
            let _ = writeln!(
                out,
                "	if !w.enter() {{
		return
	}}
	w.list(len(v))
	for _, e := range v {{
		gwEnc{}(w, e)
	}}
	w.leave()",
                codec(binding, elem)
            );
        }
        Kind::Struct(index) => {
            let _ = writeln!(
                out,
                "\tif !w.enter() {{\n\t\treturn\n\t}}\n\tw.head('r', {index})"
            );
            for field in &binding.structs[*index].fields {
                let _ = writeln!(
                    out,
                    "\tgwEnc{}(w, v.{})",
                    codec(binding, &field.value),
                    field.go_name
                );
            }
            let _ = writeln!(out, "\tw.leave()");
        }
        Kind::Map(elem) => {
            let _ = writeln!(
                out,
                "	if !w.enter() {{
		return
	}}
	keys := make([]string, 0, len(v))
	for k := range v {{
		keys = append(keys, k)
	}}
	sort.Strings(keys)
	w.dict(len(v))
	for _, k := range keys {{
		w.str(k)
		gwEnc{}(w, v[k])
	}}
	w.leave()",
                codec(binding, elem)
            );
        }
    }
    let _ = writeln!(
        out,
        "}}
"
    );
}

/// The name of the C function exported for `func`.
pub fn export_name(func: &BoundFunc, binding: &Binding) -> String {
    format!("gw_{}{}", binding.prefix, func.c_name(binding))
}

/// The name of the Go export behind `copy.copy` of the handle class `handle`.
pub fn copy_export_name(handle: &BoundHandle, binding: &Binding) -> String {
    format!("gw_{}{}_copy", binding.prefix, handle.go_name)
}

/// Writes the export of `func`. `drops`: handles travel inside encoded values, so a result that
/// cannot cross must release the handles already written into it.
fn write_func(out: &mut String, binding: &Binding, func: &BoundFunc, drops: bool) {
    let mut params: Vec<String> = func
        .receiver
        .map(|_| "recv C.uint64_t".to_string())
        .into_iter()
        .collect();
    params.extend(
        func.params
            .iter()
            .enumerate()
            .map(|(i, p)| c_params(&p.value.kind, &format!("p{i}"))),
    );
    params.extend(
        func.results
            .iter()
            .enumerate()
            .map(|(i, r)| c_results(&r.kind, &format!("r{i}"))),
    );
    params.push("gwErr **C.char, gwPanic **C.char, gwArgErr **C.char".into());
    let mut args: Vec<String> = func
        .params
        .iter()
        .enumerate()
        .map(|(i, p)| to_go(&p.value, &format!("p{i}")))
        .collect();
    if func.variadic
        && let Some(last) = args.last_mut()
    {
        last.push_str("...");
    }
    let mut vars: Vec<String> = (0..func.results.len()).map(|i| format!("v{i}")).collect();
    if func.returns_error {
        vars.push("err".into());
    }
    let target = match func.receiver {
        Some(_) => "gwRecv".to_string(),
        None => GO_PACKAGE_ALIAS.to_string(),
    };
    let call = match func.accessor {
        Some(Accessor::Get) => format!("{target}.{}", func.go_name),
        Some(Accessor::Set) => format!("{target}.{} = {}", func.go_name, args.join(", ")),
        None => format!("{target}.{}({})", func.go_name, args.join(", ")),
    };

    let _ = writeln!(
        out,
        "// {} calls {GO_PACKAGE_ALIAS}.{}.",
        export_name(func, binding),
        func.go_name
    );
    let _ = writeln!(out, "//\n//export {}", export_name(func, binding));
    let _ = writeln!(
        out,
        "func {}({}) {{",
        export_name(func, binding),
        params.join(", ")
    );
    if func.trivial {
        out.push_str("\t// Trivial arithmetic, which cannot panic: no recover needed.\n");
    } else {
        out.push_str("\tdefer gwRecover(gwPanic)\n");
    }
    if let Some(h) = func.receiver {
        // The receiver must be a live value (never nil: the glue passes a Python object).
        let name = &binding.handles[h].go_name;
        let _ = writeln!(
            out,
            "\tgwRecv, ok := gwFromHandle[*{GO_PACKAGE_ALIAS}.{name}](recv)\n\tif !ok || gwRecv == nil {{\n\t\t*gwArgErr = gwHandleError(\"self\", \"{name}\")\n\t\treturn\n\t}}"
        );
    }
    for (i, p) in func.params.iter().enumerate() {
        if let Kind::Handle(h) = p.value.kind {
            let _ = writeln!(
                out,
                "\ta{i}, ok{i} := gwFromHandle[{}](p{i})\n\tif !ok{i} {{\n\t\t*gwArgErr = gwHandleError(\"{}\", \"{}\")\n\t\treturn\n\t}}",
                p.value.go_type, p.py_name, binding.handles[h].go_name
            );
        }
        if p.value.kind.is_encoded() {
            let _ = writeln!(
                out,
                "\ta{i}, err{i} := gwDec{}(gwNewReader(p{i}, p{i}Len))\n\tif err{i} != nil {{\n\t\t*gwArgErr = gwArgMessage(\"{}\", err{i})\n\t\treturn\n\t}}",
                codec(binding, &p.value),
                p.py_name
            );
        }
    }
    if vars.is_empty() {
        let _ = writeln!(out, "\t{call}");
    } else {
        let _ = writeln!(out, "\t{} := {call}", vars.join(", "));
    }
    if func.returns_error {
        let _ = writeln!(
            out,
            "\tif err != nil {{\n\t\t*gwErr = gwCString(err.Error())\n\t\treturn\n\t}}"
        );
    }
    // Encoded results are written first: one nested too deeply raises before any is stored.
    let encoded: Vec<usize> = (func.results.iter().enumerate())
        .filter(|(_, v)| v.kind.is_encoded())
        .map(|(i, _)| i)
        .collect();
    for &i in &encoded {
        let _ = writeln!(
            out,
            "\tvar w{i} gwWriter\n\tgwEnc{}(&w{i}, v{i})",
            codec(binding, &func.results[i])
        );
    }
    let nesting: Vec<usize> = (encoded.iter().copied())
        .filter(|&i| !matches!(func.results[i].kind, Kind::Duration | Kind::Time))
        .collect();
    if !nesting.is_empty() {
        let deep: Vec<String> = nesting.iter().map(|i| format!("w{i}.tooDeep")).collect();
        let _ = writeln!(out, "\tif {} {{", deep.join(" || "));
        if drops {
            for &i in &nesting {
                let _ = writeln!(out, "\t\tw{i}.drop()");
            }
        }
        out.push_str("\t\t*gwArgErr = gwCString(gwTooDeep)\n\t\treturn\n\t}\n");
    }
    for (i, value) in func.results.iter().enumerate() {
        let _ = writeln!(
            out,
            "\t{}",
            store_result(value, &format!("v{i}"), &format!("r{i}"))
        );
    }
    let _ = writeln!(out, "}}\n");
}

/// The runtime fragments the generated Go needs.
#[derive(Debug, Default, Clone, Copy)]
struct Needs {
    /// A `*T` with methods crosses: the handle table.
    handles: bool,
    /// A list, dict, struct or time value crosses: the compact encoding.
    codecs: bool,
    /// A dict crosses (its encoder sorts the keys).
    maps: bool,
    /// `time.Duration` or `time.Time` crosses.
    time: bool,
    /// A handle crosses inside an encoded value.
    handle_codec: bool,
    /// An array crosses (its decoder formats a message).
    arrays: bool,
}

impl Needs {
    fn of(binding: &Binding) -> Self {
        let codecs = codec_values(binding);
        let any = |f: fn(&Kind) -> bool| codecs.iter().any(|v| f(&v.kind));
        Self {
            handles: !binding.handles.is_empty(),
            codecs: !codecs.is_empty(),
            maps: any(|k| matches!(k, Kind::Map(_))),
            time: any(|k| matches!(k, Kind::Duration | Kind::Time)),
            handle_codec: any(|k| matches!(k, Kind::Handle(_))),
            arrays: any(|k| matches!(k, Kind::Array(..))),
        }
    }

    fn union(self, other: Self) -> Self {
        Self {
            handles: self.handles || other.handles,
            codecs: self.codecs || other.codecs,
            maps: self.maps || other.maps,
            time: self.time || other.time,
            handle_codec: self.handle_codec || other.handle_codec,
            arrays: self.arrays || other.arrays,
        }
    }

    /// The standard packages the runtime fragments import.
    fn runtime_imports(self) -> Vec<&'static str> {
        let mut imports = vec!["fmt", "unsafe"];
        if self.handles {
            imports.extend(["sync", "sync/atomic"]);
        }
        if self.codecs {
            imports.extend(["encoding/binary", "math", "strconv"]);
        }
        if self.time {
            imports.push("time");
        }
        imports
    }

    /// The standard packages a package's shims and codecs import.
    fn package_imports(self) -> Vec<&'static str> {
        let mut imports = Vec::new();
        if self.arrays {
            imports.push("fmt");
        }
        if self.maps {
            imports.push("sort");
        }
        if self.time {
            imports.push("time");
        }
        imports
    }
}

/// The first lines of every generated Go file. The build constraint sets the file's language
/// version (go1.21: generics, `unsafe.Slice`, `min`) whatever the `go` line of the go.mod it is
/// built under says: a module may declare `go 1.11`, or none.
const FILE_START: &str = "//go:build go1.21\n\n// Code generated by gowright. DO NOT EDIT.\n";

/// The cgo preamble of a generated file; `ldflags` adds the link flags (once per package).
fn write_preamble(out: &mut String, ldflags: bool) {
    out.push_str("/*\n");
    if ldflags {
        out.push_str("#cgo linux LDFLAGS: -ldl\n");
    }
    let _ = writeln!(
        out,
        "#include <stdint.h>\n#include <stdlib.h>\n\n// How deep lists, dicts and structs may nest in a value crossing either way (the glue sees\n// it too, through _cgo_export.h).\n#define GW_MAX_DEPTH {MAX_DEPTH}\n*/\nimport \"C\"\n"
    );
}

/// An import block of `std` (sorted, deduplicated) and, when given, the user's package.
fn write_imports(out: &mut String, mut std: Vec<&str>, user: Option<&str>) {
    std.sort_unstable();
    std.dedup();
    out.push_str("import (\n");
    for import in std {
        let _ = writeln!(out, "\t\"{import}\"");
    }
    if let Some(path) = user {
        let _ = writeln!(out, "\n\t{GO_PACKAGE_ALIAS} \"{path}\"");
    }
    out.push_str(")\n\n");
}

/// The runtime fragments `needs` asks for.
fn write_runtime(out: &mut String, needs: Needs) {
    out.push_str(RUNTIME);
    if needs.handles {
        out.push_str(HANDLE_RUNTIME);
    }
    if needs.codecs {
        out.push_str(CODEC_RUNTIME);
    }
    if needs.time {
        out.push_str(TIME_RUNTIME);
    }
    if needs.handle_codec {
        out.push_str(HANDLE_CODEC_RUNTIME);
    }
}

/// What is generated for one package: its class names, codecs, exports and copiers.
fn write_package(out: &mut String, binding: &Binding) {
    let codecs = codec_values(binding);
    if !codecs.is_empty() {
        let names: Vec<String> = binding
            .structs
            .iter()
            .map(|s| format!("{:?}", s.go_name))
            .collect();
        let _ = writeln!(
            out,
            "// gw{p}ClassNames names the struct classes by index, for error messages.\nvar gw{p}ClassNames = []string{{{}}}\n",
            names.join(", "),
            p = binding.prefix
        );
    }
    for value in &codecs {
        write_codec(out, binding, value);
    }
    let drops = codecs.iter().any(|v| matches!(v.kind, Kind::Handle(_)));
    for func in &binding.functions {
        write_func(out, binding, func, drops);
    }
    for handle in &binding.handles {
        write_copy(out, binding, handle);
    }
}

/// `out` with one newline at its end.
fn finish(mut out: String) -> String {
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out.push('\n');
    out
}

/// Renders `main.go` of the generated package of one Go package: the runtime and the shims.
pub fn render(binding: &Binding) -> String {
    let mut out = String::from(FILE_START);
    out.push_str(
        "//\n\
         // The cgo exports the CPython glue (glue.c) calls: one per bound function of\n",
    );
    let _ = writeln!(
        out,
        "// {}. Each runs with the GIL released, turns a Go panic into a message for",
        binding.import_path
    );
    out.push_str("// GoPanic, and a non-nil error into a message for GoError.\n");
    out.push_str("package main\n\n");
    write_preamble(&mut out, true);
    let needs = Needs::of(binding);
    let mut imports = needs.runtime_imports();
    imports.extend(needs.package_imports());
    write_imports(&mut out, imports, Some(&binding.import_path));
    write_runtime(&mut out, needs);
    write_package(&mut out, binding);
    finish(out)
}

/// Renders `gowright_runtime.go` of the generated package of several Go packages: the runtime
/// their shims share (one Go runtime, one handle table).
pub fn render_runtime(bindings: &[Binding]) -> String {
    let mut out = String::from(FILE_START);
    out.push_str(
        "//\n// The runtime the shims of every package of this extension module share (the files\n",
    );
    out.push_str("// pkg_*.go, one per Go package bound).\npackage main\n\n");
    write_preamble(&mut out, true);
    let needs = (bindings.iter().map(Needs::of)).fold(Needs::default(), Needs::union);
    write_imports(&mut out, needs.runtime_imports(), None);
    write_runtime(&mut out, needs);
    finish(out)
}

/// Renders the file of one of several packages (`pkg_<sub-module>.go`): its shims, whose
/// names start with `binding.prefix`.
pub fn render_package(binding: &Binding) -> String {
    let mut out = String::from(FILE_START);
    let _ = writeln!(
        out,
        "//\n// The cgo exports the CPython glue (glue_{}.c) calls for {}: one per\n// bound function, each with the GIL released; see gowright_runtime.go.",
        binding.prefix.trim_end_matches('_'),
        binding.import_path
    );
    out.push_str("package main\n\n");
    write_preamble(&mut out, false);
    let std = Needs::of(binding).package_imports();
    write_imports(&mut out, std.clone(), Some(&binding.import_path));
    if !std.is_empty() {
        // Which of these a package's codecs use depends on its types; the import of an
        // unused package is an error in Go.
        out.push_str("// Every import is used, whichever codecs this file has.\nvar (\n");
        for import in std {
            let use_of = match import {
                "fmt" => "fmt.Sprint",
                "sort" => "sort.Strings",
                _ => "time.Unix",
            };
            let _ = writeln!(out, "\t_ = {use_of}");
        }
        out.push_str(")\n\n");
    }
    write_package(&mut out, binding);
    finish(out)
}

/// How deep lists, dicts and structs may nest in a value that crosses, as an argument (the
/// glue's encoder refuses deeper ones) or as a result (Go's encoder does): each level costs C
/// stack in the glue, and a Go value nested 100,000 deep would overflow it.
pub const MAX_DEPTH: u32 = 200;

/// `gw_<T>_copy`, the export behind `copy.copy` and `copy.deepcopy` of the handle class `T`:
/// a new handle to the same Go pointer, or (`deep`) to a shallow Go copy of the value it points
/// to (`v := *p`), unless the type holds a lock, which must not be copied.
fn write_copy(out: &mut String, binding: &Binding, handle: &BoundHandle) {
    let name = &handle.go_name;
    let export = copy_export_name(handle, binding);
    let _ = writeln!(
        out,
        "// {export} makes a new handle for copy.copy of a {name} (the same Go value) or, with\n// deep, for copy.deepcopy (a new Go value: a shallow copy, `v := *p`)."
    );
    let _ = writeln!(
        out,
        "//\n//export {export}\nfunc {export}(recv C.uint64_t, deep C.int, out *C.uint64_t, gwArgErr **C.char) {{"
    );
    let _ = writeln!(
        out,
        "\tp, ok := gwFromHandle[*{GO_PACKAGE_ALIAS}.{name}](recv)\n\tif !ok || p == nil {{\n\t\t*gwArgErr = gwHandleError(\"self\", \"{name}\")\n\t\treturn\n\t}}"
    );
    match &handle.no_copy {
        None => {
            out.push_str("\tif deep != 0 {\n\t\tv := *p\n\t\tp = &v\n\t}\n");
        }
        Some(why) => {
            let _ = writeln!(
                out,
                "\tif deep != 0 {{\n\t\t*gwArgErr = gwCString({:?})\n\t\treturn\n\t}}",
                format!(
                    "Tcannot deepcopy '{name}' object: its Go value {why}, which must not be copied"
                )
            );
        }
    }
    let _ = writeln!(out, "\t*out = gwNewHandle(p)\n}}\n");
}

/// Helpers shared by every shim.
const RUNTIME: &str = include_str!("runtime/base.go.in");

/// The reader and writer of gowright's compact format, in which lists and dicts cross the
/// boundary: a tag byte, then a little-endian u64/i64/f64 or a length and bytes. The C glue
/// writes it from Python objects and reads it back into them.
const CODEC_RUNTIME: &str = include_str!("runtime/codec.go.in");

/// Handles: Go values held for Python objects (`*T` of types with methods).
const HANDLE_RUNTIME: &str = include_str!("runtime/handle.go.in");

/// Reading handles inside lists, dicts and structs.
const HANDLE_CODEC_RUNTIME: &str = include_str!("runtime/handle_codec.go.in");

/// Reading `time.Duration` and `time.Time` values (`'D'`: nanoseconds; `'M'`: Unix seconds,
/// nanoseconds and the zone's offset in seconds).
const TIME_RUNTIME: &str = include_str!("runtime/time.go.in");
