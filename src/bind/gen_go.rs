//! The generated Go `main` package: one cgo `//export` shim per bound function, calling the
//! user's package, plus the small runtime those shims share.

use std::fmt::Write as _;

use super::api::{Binding, BoundFunc, GO_PACKAGE_ALIAS, Kind, Value};

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
        Kind::Handle(_) => format!("gwFromHandle[{ty}]({name})"),
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
        | Kind::Time => format!(
            "{{\n\t\tvar w gwWriter\n\t\tgwEnc{}(&w, {var})\n\t\tgwSetSlice(w.b, {out}, {out}Len)\n\t}}",
            value.mangled()
        ),
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

/// The decoder and encoder of one value type, in gowright's compact format.
fn write_codec(out: &mut String, binding: &Binding, value: &Value) {
    let (m, ty) = (value.mangled(), &value.go_type);
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
        Kind::Handle(_) => unreachable!("handles cross as C integers, not encoded"),
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
                elem.mangled()
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
                elem.mangled()
            );
        }
        Kind::Struct(index) => {
            let bound = &binding.structs[*index];
            let _ = writeln!(
                out,
                "\tvar out {ty}\n\tif err := r.record({index}, \"{}\"); err != nil {{\n\t\treturn out, err\n\t}}\n\tvar err error",
                bound.go_name
            );
            for field in &bound.fields {
                let _ = writeln!(
                    out,
                    "\tif out.{}, err = gwDec{}(r); err != nil {{\n\t\treturn out, gwAtField(\"{}\", err)\n\t}}",
                    field.go_name,
                    field.value.mangled(),
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
                elem.mangled()
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
        Kind::Handle(_) => unreachable!("handles cross as C integers, not encoded"),
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
                "	w.list(len(v))
	for _, e := range v {{
		gwEnc{}(w, e)
	}}",
                elem.mangled()
            );
        }
        Kind::Struct(index) => {
            let _ = writeln!(out, "\tw.head('r', {index})");
            for field in &binding.structs[*index].fields {
                let _ = writeln!(
                    out,
                    "\tgwEnc{}(w, v.{})",
                    field.value.mangled(),
                    field.go_name
                );
            }
        }
        Kind::Map(elem) => {
            let _ = writeln!(
                out,
                "	keys := make([]string, 0, len(v))
	for k := range v {{
		keys = append(keys, k)
	}}
	sort.Strings(keys)
	w.dict(len(v))
	for _, k := range keys {{
		w.str(k)
		gwEnc{}(w, v[k])
	}}",
                elem.mangled()
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
    format!("gw_{}", func.c_name(binding))
}

fn write_func(out: &mut String, binding: &Binding, func: &BoundFunc) {
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
    let args: Vec<String> = func
        .params
        .iter()
        .enumerate()
        .map(|(i, p)| to_go(&p.value, &format!("p{i}")))
        .collect();
    let mut vars: Vec<String> = (0..func.results.len()).map(|i| format!("v{i}")).collect();
    if func.returns_error {
        vars.push("err".into());
    }
    let target = match func.receiver {
        Some(h) => format!(
            "gwFromHandle[*{GO_PACKAGE_ALIAS}.{}](recv)",
            binding.handles[h].go_name
        ),
        None => GO_PACKAGE_ALIAS.to_string(),
    };
    let call = format!("{target}.{}({})", func.go_name, args.join(", "));

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
    let _ = writeln!(out, "\tdefer gwRecover(gwPanic)");
    for (i, p) in func.params.iter().enumerate() {
        if p.value.kind.is_encoded() {
            let _ = writeln!(
                out,
                "\ta{i}, err{i} := gwDec{}(gwNewReader(p{i}, p{i}Len))\n\tif err{i} != nil {{\n\t\t*gwArgErr = gwArgMessage(\"{}\", err{i})\n\t\treturn\n\t}}",
                p.value.mangled(),
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
    for (i, value) in func.results.iter().enumerate() {
        let _ = writeln!(
            out,
            "\t{}",
            store_result(value, &format!("v{i}"), &format!("r{i}"))
        );
    }
    let _ = writeln!(out, "}}\n");
}

/// Renders `main.go` of the generated package.
pub fn render(binding: &Binding) -> String {
    let mut out = String::new();
    out.push_str(
        "// Code generated by gowright. DO NOT EDIT.\n\
         //\n\
         // The cgo exports the CPython glue (glue.c) calls: one per bound function of\n",
    );
    let _ = writeln!(
        out,
        "// {}. Each runs with the GIL released, turns a Go panic into a message for",
        binding.import_path
    );
    out.push_str("// GoPanic, and a non-nil error into a message for GoError.\n");
    out.push_str("package main\n\n");
    out.push_str("/*\n#include <stdint.h>\n#include <stdlib.h>\n*/\nimport \"C\"\n\n");
    let mut imports = vec!["fmt", "unsafe"];
    if !binding.handles.is_empty() {
        imports.push("runtime/cgo");
    }
    let codecs = codec_values(binding);
    if !codecs.is_empty() {
        imports.extend(["encoding/binary", "math", "strconv"]);
    }
    if codecs.iter().any(|v| matches!(v.kind, Kind::Map(_))) {
        imports.push("sort");
    }
    if codecs
        .iter()
        .any(|v| matches!(v.kind, Kind::Duration | Kind::Time))
    {
        imports.push("time");
    }
    imports.sort_unstable();
    out.push_str("import (\n");
    for import in imports {
        let _ = writeln!(out, "\t\"{import}\"");
    }
    let _ = writeln!(
        out,
        "\n\t{GO_PACKAGE_ALIAS} \"{}\"\n)\n",
        binding.import_path
    );
    out.push_str(RUNTIME);
    if !binding.handles.is_empty() {
        out.push_str(HANDLE_RUNTIME);
    }
    let codecs = codec_values(binding);
    if !codecs.is_empty() {
        out.push_str(CODEC_RUNTIME);
    }
    if codecs
        .iter()
        .any(|v| matches!(v.kind, Kind::Duration | Kind::Time))
    {
        out.push_str(TIME_RUNTIME);
    }
    if !codecs.is_empty() {
        let names: Vec<String> = binding
            .structs
            .iter()
            .map(|s| format!("{:?}", s.go_name))
            .collect();
        let _ = writeln!(
            out,
            "// gwClassNames names the struct classes by index, for error messages.\nvar gwClassNames = []string{{{}}}\n",
            names.join(", ")
        );
    }
    for value in &codecs {
        write_codec(&mut out, binding, value);
    }
    for func in &binding.functions {
        write_func(&mut out, binding, func);
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out.push('\n');
    out
}

/// Helpers shared by every shim.
const RUNTIME: &str = r#"// main is required by -buildmode=c-shared and never runs.
func main() {}

// gwRecover stores the message of a recovered panic for the glue to raise as GoPanic.
func gwRecover(out **C.char) {
	if r := recover(); r != nil {
		*out = gwCString(fmt.Sprint(r))
	}
}

// gwCString copies s into C memory (freed by the glue), keeping embedded NULs out of the way.
func gwCString(s string) *C.char {
	p := (*C.char)(C.malloc(C.size_t(len(s) + 1)))
	buf := unsafe.Slice((*byte)(unsafe.Pointer(p)), len(s)+1)
	copy(buf, s)
	buf[len(s)] = 0
	return p
}

// gwGoString copies n bytes at p into a Go string.
func gwGoString(p *C.char, n C.size_t) string {
	if n == 0 {
		return ""
	}
	return string(unsafe.Slice((*byte)(unsafe.Pointer(p)), int(n)))
}

// gwGoBytes copies n bytes at p into a Go byte slice the callee may keep. (append allocates
// without zeroing the memory it then fills: make+copy would write every byte twice.)
func gwGoBytes(p *C.char, n C.size_t) []byte {
	if n == 0 {
		return []byte{}
	}
	return append([]byte(nil), unsafe.Slice((*byte)(unsafe.Pointer(p)), int(n))...)
}

// gwSetBytes copies s into C memory (freed by the glue) and stores its address and length.
func gwSetBytes(s string, out **C.char, n *C.size_t) {
	*n = C.size_t(len(s))
	if len(s) == 0 {
		*out = nil
		return
	}
	p := C.malloc(C.size_t(len(s)))
	copy(unsafe.Slice((*byte)(p), len(s)), s)
	*out = (*C.char)(p)
}

// gwSetSlice copies b into C memory (freed by the glue) and stores its address and length.
func gwSetSlice(b []byte, out **C.char, n *C.size_t) {
	*n = C.size_t(len(b))
	if len(b) == 0 {
		*out = nil
		return
	}
	p := C.malloc(C.size_t(len(b)))
	copy(unsafe.Slice((*byte)(p), len(b)), b)
	*out = (*C.char)(p)
}

// gwBool converts a Go bool for C.
func gwBool(b bool) C.int {
	if b {
		return 1
	}
	return 0
}

"#;

/// The reader and writer of gowright's compact format, in which lists and dicts cross the
/// boundary: a tag byte, then a little-endian u64/i64/f64 or a length and bytes. The C glue
/// writes it from Python objects and reads it back into them.
const CODEC_RUNTIME: &str = r#"// gwArgError is a Python argument that does not fit the Go type; kind picks the exception:
// 'T' TypeError, 'O' OverflowError, 'V' ValueError.
type gwArgError struct {
	kind byte
	path string
	msg  string
}

func (e gwArgError) Error() string { return e.path + ": " + e.msg }

// gwAt prefixes the position of a list item to the path of an argument error.
func gwAt(i int, err error) error {
	if e, ok := err.(gwArgError); ok {
		e.path = "[" + strconv.Itoa(i) + "]" + e.path
		return e
	}
	return err
}

// gwAtKey prefixes a dict key to the path of an argument error.
func gwAtKey(k string, err error) error {
	if e, ok := err.(gwArgError); ok {
		e.path = "[" + strconv.Quote(k) + "]" + e.path
		return e
	}
	return err
}

// gwAtField prefixes a field name to the path of an argument error.
func gwAtField(name string, err error) error {
	if e, ok := err.(gwArgError); ok {
		e.path = "." + name + e.path
		return e
	}
	return err
}

// gwKeyErr marks an error in a dict key.
func gwKeyErr(err error) error {
	if e, ok := err.(gwArgError); ok {
		e.msg = "dict keys must be str: " + e.msg
		return e
	}
	return err
}

// gwArgMessage renders an argument error for the glue: the kind byte, then the message.
func gwArgMessage(name string, err error) *C.char {
	e, ok := err.(gwArgError)
	if !ok {
		e = gwArgError{kind: 'T', msg: err.Error()}
	}
	return gwCString(string(e.kind) + "argument '" + name + "'" + e.path + ": " + e.msg)
}

var gwTagNames = map[byte]string{'D': "timedelta", 'M': "datetime", 'r': "object", 'N': "None", 'T': "bool", 'F': "bool", 'i': "int", 'u': "int", 'o': "int", 'f': "float", 's': "str", 'b': "bytes", 'l': "list", 'd': "dict"}

// gwReader reads the encoded form of an argument (in C memory, valid during the call).
type gwReader struct {
	b []byte
}

func gwNewReader(p *C.char, n C.size_t) *gwReader {
	if n == 0 {
		return &gwReader{}
	}
	return &gwReader{b: unsafe.Slice((*byte)(unsafe.Pointer(p)), int(n))}
}

func (r *gwReader) tag(want string) (byte, error) {
	if len(r.b) == 0 {
		return 0, gwArgError{kind: 'T', msg: "truncated value"}
	}
	t := r.b[0]
	r.b = r.b[1:]
	if t == 'x' { // an object of a type the glue does not encode; its type name follows
		n := r.u64()
		name := string(r.b[:n])
		r.b = r.b[n:]
		return t, gwArgError{kind: 'T', msg: "expected " + want + ", got " + name}
	}
	return t, nil
}

func (r *gwReader) u64() uint64 {
	v := binary.LittleEndian.Uint64(r.b)
	r.b = r.b[8:]
	return v
}

func (r *gwReader) mismatch(want string, t byte) error {
	return gwArgError{kind: 'T', msg: "expected " + want + ", got " + gwTagNames[t]}
}

func (r *gwReader) bool() (bool, error) {
	t, err := r.tag("bool")
	if err != nil {
		return false, err
	}
	if t != 'T' && t != 'F' {
		return false, r.mismatch("bool", t)
	}
	return t == 'T', nil
}

func (r *gwReader) int(bits int) (int64, error) {
	t, err := r.tag("int")
	if err != nil {
		return 0, err
	}
	var v int64
	switch t {
	case 'i':
		v = int64(r.u64())
	case 'u', 'o':
		if t == 'u' {
			r.u64()
		}
		return 0, gwArgError{kind: 'O', msg: "does not fit in int" + strconv.Itoa(bits)}
	default:
		return 0, r.mismatch("int", t)
	}
	if bits < 64 && (v < -(1<<(bits-1)) || v >= 1<<(bits-1)) {
		return 0, gwArgError{kind: 'O', msg: strconv.FormatInt(v, 10) + " does not fit in int" + strconv.Itoa(bits)}
	}
	return v, nil
}

func (r *gwReader) uint(bits int) (uint64, error) {
	t, err := r.tag("int")
	if err != nil {
		return 0, err
	}
	var v uint64
	switch t {
	case 'i':
		s := int64(r.u64())
		if s < 0 {
			return 0, gwArgError{kind: 'O', msg: strconv.FormatInt(s, 10) + " does not fit in uint" + strconv.Itoa(bits)}
		}
		v = uint64(s)
	case 'u':
		v = r.u64()
	case 'o':
		return 0, gwArgError{kind: 'O', msg: "does not fit in uint" + strconv.Itoa(bits)}
	default:
		return 0, r.mismatch("int", t)
	}
	if bits < 64 && v >= 1<<bits {
		return 0, gwArgError{kind: 'O', msg: strconv.FormatUint(v, 10) + " does not fit in uint" + strconv.Itoa(bits)}
	}
	return v, nil
}

func (r *gwReader) float() (float64, error) {
	t, err := r.tag("float")
	if err != nil {
		return 0, err
	}
	switch t {
	case 'f':
		return math.Float64frombits(r.u64()), nil
	case 'i':
		return float64(int64(r.u64())), nil
	case 'u':
		return float64(r.u64()), nil
	}
	return 0, r.mismatch("float", t)
}

func (r *gwReader) span(want string, tag byte) ([]byte, error) {
	t, err := r.tag(want)
	if err != nil {
		return nil, err
	}
	if t != tag {
		return nil, r.mismatch(want, t)
	}
	n := r.u64()
	b := r.b[:n]
	r.b = r.b[n:]
	return b, nil
}

func (r *gwReader) str() (string, error) {
	b, err := r.span("str", 's')
	return string(b), err
}

func (r *gwReader) bytes() ([]byte, error) {
	b, err := r.span("bytes", 'b')
	if err != nil {
		return nil, err
	}
	return append([]byte(nil), b...), nil
}

func (r *gwReader) count(want string, tag byte) (int, error) {
	t, err := r.tag(want)
	if err != nil {
		return 0, err
	}
	if t != tag {
		return 0, r.mismatch(want, t)
	}
	return int(r.u64()), nil
}

func (r *gwReader) list() (int, error) { return r.count("list", 'l') }

// record reads the head of a struct value: the class index must be the one expected.
func (r *gwReader) record(index uint64, name string) error {
	t, err := r.tag(name)
	if err != nil {
		return err
	}
	if t != 'r' {
		return r.mismatch(name, t)
	}
	if got := r.u64(); got != index {
		other := "another class"
		if got < uint64(len(gwClassNames)) {
			other = gwClassNames[got]
		}
		return gwArgError{kind: 'T', msg: "expected " + name + ", got " + other}
	}
	return nil
}
func (r *gwReader) dict() (int, error) { return r.count("dict", 'd') }

// gwWriter builds the encoded form of a result.
type gwWriter struct {
	b []byte
}

func (w *gwWriter) head(t byte, v uint64) {
	w.b = append(w.b, t)
	w.b = binary.LittleEndian.AppendUint64(w.b, v)
}

func (w *gwWriter) bool(v bool) {
	if v {
		w.b = append(w.b, 'T')
	} else {
		w.b = append(w.b, 'F')
	}
}

func (w *gwWriter) u64(v uint64) { w.b = binary.LittleEndian.AppendUint64(w.b, v) }

func (w *gwWriter) int(v int64)     { w.head('i', uint64(v)) }
func (w *gwWriter) uint(v uint64)   { w.head('u', v) }
func (w *gwWriter) float(v float64) { w.head('f', math.Float64bits(v)) }
func (w *gwWriter) list(n int)      { w.head('l', uint64(n)) }
func (w *gwWriter) dict(n int)      { w.head('d', uint64(n)) }

func (w *gwWriter) str(s string) {
	w.head('s', uint64(len(s)))
	w.b = append(w.b, s...)
}

func (w *gwWriter) bytes(b []byte) {
	w.head('b', uint64(len(b)))
	w.b = append(w.b, b...)
}

"#;

/// Handles: Go values held for Python objects (`*T` of types with methods).
const HANDLE_RUNTIME: &str = r#"// gwFromHandle returns the Go value behind a handle; 0 stands for nil.
func gwFromHandle[T any](h C.uint64_t) T {
	if h == 0 {
		var zero T
		return zero
	}
	return cgo.Handle(h).Value().(T)
}

// gwNewHandle keeps v alive for a Python object until gw_release_handle; nil becomes 0.
func gwNewHandle[T comparable](v T) C.uint64_t {
	var zero T
	if v == zero {
		return 0
	}
	return C.uint64_t(cgo.NewHandle(v))
}

// gw_release_handle lets the Go value of a collected Python object go.
//
//export gw_release_handle
func gw_release_handle(h C.uint64_t) {
	if h != 0 {
		cgo.Handle(h).Delete()
	}
}

"#;

/// Reading `time.Duration` and `time.Time` values (`'D'`: nanoseconds; `'M'`: Unix seconds,
/// nanoseconds and the zone's offset in seconds).
const TIME_RUNTIME: &str = r#"func (r *gwReader) duration() (int64, error) {
	t, err := r.tag("timedelta")
	if err != nil {
		return 0, err
	}
	if t == 'o' {
		return 0, gwArgError{kind: 'O', msg: "does not fit in a Go time.Duration (±292 years)"}
	}
	if t != 'D' {
		return 0, r.mismatch("timedelta", t)
	}
	return int64(r.u64()), nil
}

func (r *gwReader) time() (time.Time, error) {
	t, err := r.tag("datetime")
	if err != nil {
		return time.Time{}, err
	}
	if t != 'M' {
		return time.Time{}, r.mismatch("datetime", t)
	}
	secs, nanos, offset := int64(r.u64()), int64(r.u64()), int(int64(r.u64()))
	v := time.Unix(secs, nanos)
	if offset == 0 {
		return v.UTC(), nil
	}
	return v.In(time.FixedZone("", offset)), nil
}

"#;
