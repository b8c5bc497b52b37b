//! The generated Go `main` package: one cgo `//export` shim per bound function, calling the
//! user's package, plus the small runtime those shims share.

use std::fmt::Write as _;

use super::api::{Accessor, Binding, BoundFunc, BoundHandle, GO_PACKAGE_ALIAS, Value};
use super::kinds::{GoNeeds, codec};

/// Collects the encoded values (lists, arrays, maps and their elements) of the binding, each
/// once, innermost first.
fn codec_values(binding: &Binding) -> Vec<Value> {
    fn visit(binding: &Binding, value: &Value, out: &mut Vec<Value>) {
        if out.iter().any(|v| v.mangled() == value.mangled()) {
            return;
        }
        out.push(value.clone());
        for part in value.kind_impl().parts(binding, value) {
            visit(binding, part, out);
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

/// The decoder and encoder of one value type, in gowright's compact format.
fn write_codec(out: &mut String, binding: &Binding, value: &Value) {
    let (m, ty) = (codec(binding, value), &value.go_type);
    let kind = value.kind_impl();
    let _ = writeln!(out, "// gwDec{m} decodes a {ty}.");
    let _ = writeln!(out, "func gwDec{m}(r *gwReader) ({ty}, error) {{");
    let _ = writeln!(out, "{}\n}}\n", kind.go_decode(binding, value));
    let _ = writeln!(out, "// gwEnc{m} encodes a {ty}.");
    let _ = writeln!(out, "func gwEnc{m}(w *gwWriter, v {ty}) {{");
    let _ = writeln!(out, "{}\n}}\n", kind.go_encode(binding, value));
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
            .map(|(i, p)| p.value.kind_impl().transport().go_params(&format!("p{i}"))),
    );
    params.extend(
        func.results
            .iter()
            .enumerate()
            .map(|(i, r)| r.kind_impl().transport().go_results(&format!("r{i}"))),
    );
    params.push("gwErr **C.char, gwPanic **C.char, gwArgErr **C.char".into());
    let sentinels = func.returns_error && !binding.errors.is_empty();
    if sentinels {
        params.push("gwErrIs *C.int".into());
    }
    let mut args: Vec<String> = func
        .params
        .iter()
        .enumerate()
        .map(|(i, p)| p.value.kind_impl().go_arg(&p.value, &format!("p{i}")))
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
        Some(Accessor::New) if args.is_empty() => format!("&{target}.{}{{}}", func.go_name),
        Some(Accessor::New) => format!("{target}.{}({})", func.go_name, args.join(", ")),
        Some(Accessor::Equal) => format!("{} == {}", args[0], args[1]),
        Some(Accessor::Hash) => format!("gwHashOf({})", args[0]),
        // a0 is a variable of its own (addressable): a slice of an array's bytes, or the
        // conversion of a byte slice.
        Some(Accessor::Bytes) => format!("gwBytesOf({}[:])", args[0]),
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
        if let Some(code) = p
            .value
            .kind_impl()
            .go_prepare(binding, &p.value, i, &p.py_name)
        {
            let _ = writeln!(out, "{code}");
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
            "\tif err != nil {{\n\t\t*gwErr = gwCString(err.Error())\n{}\t\treturn\n\t}}",
            if sentinels {
                format!("\t\t*gwErrIs = gw{}ErrorIs(err)\n", binding.prefix)
            } else {
                String::new()
            }
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
        .filter(|&i| func.results[i].kind_impl().nests())
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
    // A Go value held in an `any` may have no Python form: TypeError.
    for &i in &encoded {
        if holds_any(binding, &func.results[i], &mut Vec::new()) {
            let _ = writeln!(out, "\tif w{i}.bad != \"\" {{");
            if drops {
                let _ = writeln!(out, "\t\tw{i}.drop()");
            }
            let _ = writeln!(
                out,
                "\t\t*gwArgErr = gwCString(\"Tresult: \" + w{i}.bad)\n\t\treturn\n\t}}"
            );
        }
    }
    for (i, value) in func.results.iter().enumerate() {
        let _ = writeln!(
            out,
            "\t{}",
            value
                .kind_impl()
                .go_store(value, &format!("v{i}"), &format!("r{i}"))
        );
    }
    let _ = writeln!(out, "}}\n");
}

/// Whether `value` is or holds an `any` (`seen`: the structs looked into, which may nest).
fn holds_any(binding: &Binding, value: &Value, seen: &mut Vec<String>) -> bool {
    if value.kind_impl().go_needs().any {
        return true;
    }
    let name = value.mangled();
    if seen.contains(&name) {
        return false;
    }
    seen.push(name);
    (value.kind_impl().parts(binding, value).into_iter()).any(|part| holds_any(binding, part, seen))
}

/// `gw<prefix>ErrorIs`: which of the package's error variables an error is (as `errors.Is`
/// sees it, the first declared first), numbered from 1; 0 for none.
fn write_error_is(out: &mut String, binding: &Binding) {
    let p = &binding.prefix;
    let _ = writeln!(
        out,
        "// gw{p}ErrorIs tells which error variable of {} err is (1 for the first), 0 for none:
// the glue raises that variable's exception class.
func gw{p}ErrorIs(err error) C.int {{
	switch {{",
        binding.import_path
    );
    for (i, e) in binding.errors.iter().enumerate() {
        let _ = writeln!(
            out,
            "	case errors.Is(err, {GO_PACKAGE_ALIAS}.{}):
		return {}",
            e.go_name,
            i + 1
        );
    }
    out.push_str(
        "	}
	return 0
}

",
    );
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
    /// The package has error variables (`errors.Is`).
    errors: bool,
    /// An `any` crosses: the runtime's conversions of dynamic values.
    any: bool,
}

impl Needs {
    fn of(binding: &Binding) -> Self {
        let codecs = codec_values(binding);
        let kinds = (codecs.iter().map(|v| v.kind_impl().go_needs()))
            .fold(GoNeeds::default(), GoNeeds::union);
        Self {
            handles: !binding.handles.is_empty(),
            codecs: !codecs.is_empty(),
            maps: kinds.sort,
            time: kinds.time,
            handle_codec: kinds.handle_codec,
            arrays: kinds.fmt,
            errors: !binding.errors.is_empty(),
            any: kinds.any,
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
            errors: self.errors || other.errors,
            any: self.any || other.any,
        }
    }

    /// The standard packages the runtime fragments import.
    fn runtime_imports(self) -> Vec<&'static str> {
        let mut imports = vec!["fmt", "unsafe"];
        if self.handles {
            imports.extend(["hash/fnv", "sync", "sync/atomic"]);
        }
        if self.codecs {
            imports.extend(["encoding/binary", "math", "strconv"]);
        }
        if self.time {
            imports.push("time");
        }
        if self.any {
            imports.extend(["bytes", "encoding/json", "reflect", "sort"]);
        }
        imports
    }

    /// The standard packages a package's shims and codecs import.
    fn package_imports(self) -> Vec<&'static str> {
        let mut imports = Vec::new();
        if self.errors {
            imports.push("errors");
        }
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
    if needs.any {
        out.push_str(ANY_RUNTIME);
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
    let drops = codecs.iter().any(|v| v.kind_impl().go_needs().handle_codec);
    if !binding.errors.is_empty() {
        write_error_is(out, binding);
    }
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
                "errors" => "errors.Is",
                "fmt" => "fmt.Sprint",
                "sort" => "sort.Strings",
                "time" => "time.Unix",
                other => unreachable!("no use of {other} is written"),
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
/// Conversions of Go's `any` values.
const ANY_RUNTIME: &str = include_str!("runtime/any.go.in");
