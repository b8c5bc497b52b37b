//! One home per value kind of the `lib` binding: how a Go type crosses to Python and back.
//!
//! Each kind (a file of this module) implements [`ValueKind`]: its Go side (the conversion in
//! the generated export and its decoder and encoder in gowright's compact format), its C side
//! (how the glue takes the Python argument and builds the Python result) and its Python side
//! (the stub's annotation and a dataclass field's default) — as pybind11's type casters and
//! PyO3's `FromPyObject`/`IntoPyObject` do. [`of`] is the table from a [`Kind`] to its
//! implementation: a new kind is a new file and a line there (and the planner's rule in
//! `api.rs` that picks it for a Go type).
//!
//! Between the C glue and the Go export a value travels in one of four shapes, its
//! [`Transport`]; what is common to a shape (the C declarations of an export's parameters and
//! results) is written here once.

mod any;
mod array;
mod bool;
mod boxed;
mod byte_array;
mod bytes;
mod duration;
mod float;
mod handle;
mod int;
mod list;
mod map;
mod record;
mod string;
mod time;

use super::api::Binding;
pub use super::api::{Kind, Value};

/// How a value travels between the C glue and the Go export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// A C scalar: its C type in the glue (`int64_t`) and cgo's name of it (`C.int64_t`).
    Scalar { c: &'static str, go: &'static str },
    /// A pointer and a length to bytes handed over as they are (UTF-8 text, `[]byte`).
    Span,
    /// A pointer and a length to the value in gowright's compact format, decoded and encoded
    /// by generated Go codecs (lists, dicts, structs, times).
    Encoded,
    /// A handle (`uint64_t`) to a live Go value in the handle table.
    Handle,
}

impl Transport {
    /// The C parameters of an export taking the value as argument `name`.
    pub fn go_params(self, name: &str) -> String {
        match self {
            Transport::Scalar { go, .. } => format!("{name} {go}"),
            Transport::Handle => format!("{name} C.uint64_t"),
            Transport::Span | Transport::Encoded => format!("{name} *C.char, {name}Len C.size_t"),
        }
    }

    /// The C out-parameters of an export writing the value as result `name`.
    pub fn go_results(self, name: &str) -> String {
        match self {
            Transport::Scalar { go, .. } => format!("{name} *{go}"),
            Transport::Handle => format!("{name} *C.uint64_t"),
            Transport::Span | Transport::Encoded => {
                format!("{name} **C.char, {name}Len *C.size_t")
            }
        }
    }

    /// The glue's declaration of result `i` and what it passes the export for it.
    pub fn c_result(self, i: usize) -> (String, String) {
        match self {
            Transport::Scalar { c, .. } => (format!("    {c} r{i} = 0;"), format!("&r{i}")),
            Transport::Handle => (format!("    uint64_t r{i} = 0;"), format!("&r{i}")),
            Transport::Span | Transport::Encoded => (
                format!("    char *r{i} = NULL;\n    size_t r{i}_len = 0;"),
                format!("&r{i}, &r{i}_len"),
            ),
        }
    }
}

/// What the glue must release after the call for an argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cleanup {
    None,
    /// A `Py_buffer` held on the argument (`PyBuffer_Release`).
    Buffer,
    /// The argument's encoding (`gw_buf_free`).
    Encoded,
}

/// How the glue takes Python argument `argv[i]` for the export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CArg {
    /// Statements declaring and filling `p{i}`, jumping to `fail` on error.
    pub code: String,
    /// What the export is passed.
    pub call: String,
    pub cleanup: Cleanup,
}

/// What generated Go code of a kind needs besides the base runtime.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct GoNeeds {
    /// `sort` (a dict's encoder sorts the keys).
    pub sort: bool,
    /// `fmt` in the package's file (a decoder formats a message).
    pub fmt: bool,
    /// `time` and the runtime's time codec.
    pub time: bool,
    /// The runtime's codec of handles inside encoded values.
    pub handle_codec: bool,
    /// The runtime's conversions of Go's `any` values.
    pub any: bool,
}

impl GoNeeds {
    pub fn union(self, other: Self) -> Self {
        Self {
            sort: self.sort || other.sort,
            fmt: self.fmt || other.fmt,
            time: self.time || other.time,
            handle_codec: self.handle_codec || other.handle_codec,
            any: self.any || other.any,
        }
    }
}

/// One value kind: its Go, C and Python sides (see the module doc).
///
/// `value` is always of the implementing kind; `binding` resolves the classes it refers to
/// (struct and handle indices) and gives the package's prefix of global names.
pub trait ValueKind: Sync {
    /// How the value travels between the glue and the export.
    fn transport(&self) -> Transport;

    // The Go side.

    /// The Go expression turning the export's C argument `name` into the Go value. An
    /// [`Transport::Encoded`] or [`Transport::Handle`] argument is decoded into `a<i>` before
    /// the call (`name` is `p<i>`).
    fn go_arg(&self, value: &Value, name: &str) -> String {
        let _ = value;
        format!("a{}", &name[1..])
    }

    /// Go statements run before the call that turn argument `p<i>` (named `py_name` in
    /// messages) into `a<i>`, setting `*gwArgErr` and returning when it cannot be: an encoded
    /// argument is decoded.
    fn go_prepare(
        &self,
        binding: &Binding,
        value: &Value,
        i: usize,
        py_name: &str,
    ) -> Option<String> {
        (self.transport() == Transport::Encoded).then(|| {
            format!(
                "\ta{i}, err{i} := gwDec{}(gwNewReader(p{i}, p{i}Len))\n\tif err{i} != nil {{\n\t\t*gwArgErr = gwArgMessage(\"{py_name}\", err{i})\n\t\treturn\n\t}}",
                codec(binding, value)
            )
        })
    }

    /// The Go statement storing the Go result `var` (`v<i>`) into out-parameter `out`. An
    /// encoded result was written to the writer `w<i>` beforehand.
    fn go_store(&self, value: &Value, var: &str, out: &str) -> String {
        let _ = value;
        format!("gwSetSlice(w{}.b, {out}, {out}Len)", &var[1..])
    }

    /// The body of `gwDec<codec>(r *gwReader) (T, error)`, reading the value in the compact
    /// format (inside lists, dicts and structs, or as an encoded argument).
    fn go_decode(&self, binding: &Binding, value: &Value) -> String;

    /// The body of `gwEnc<codec>(w *gwWriter, v T)`.
    fn go_encode(&self, binding: &Binding, value: &Value) -> String;

    /// The values a value of this kind is made of (elements, fields), whose codecs its own
    /// uses.
    fn parts<'a>(&self, binding: &'a Binding, value: &'a Value) -> Vec<&'a Value> {
        let _ = (binding, value);
        Vec::new()
    }

    /// A name for the type usable in Go identifiers (`[]map[string]int` → `SliceMapInt`).
    fn mangled(&self, value: &Value) -> String {
        plain_mangled(&value.go_type)
    }

    /// Whether an encoded value of this kind can nest deeper than the encoder allows.
    fn nests(&self) -> bool {
        false
    }

    /// What its generated Go needs.
    fn go_needs(&self) -> GoNeeds {
        GoNeeds::default()
    }

    // The C side.

    /// How the glue takes the Python argument `argv[i]`, named `name` (a C string literal) in
    /// error messages.
    fn c_arg(&self, value: &Value, i: usize, name: &str) -> CArg {
        let _ = (value, name);
        CArg {
            code: format!("    if (gw_encode(argv[{i}], &p{i}, 0) < 0) goto fail;"),
            call: format!("p{i}.data, p{i}.len"),
            cleanup: Cleanup::Encoded,
        }
    }

    /// The C expression making the Python result (a new reference, or NULL with an
    /// exception set) from result `r<i>`, taking ownership of its memory.
    fn c_result(&self, value: &Value, i: usize) -> String {
        let _ = value;
        format!("gw_take_decoded(r{i}, r{i}_len)")
    }

    // The Python side.

    /// The annotation in the stubs: of a parameter when `argument`, else of a result or field.
    fn py_type(&self, binding: &Binding, value: &Value, argument: bool) -> String;

    /// The default of a dataclass field of this kind (the Go zero value): ` = 0`,
    /// ` = field(default_factory=list)`.
    fn py_default(&self, binding: &Binding, value: &Value) -> String;
}

/// The implementation of `kind`: the table of value kinds.
pub fn of(kind: &Kind) -> &'static dyn ValueKind {
    match kind {
        Kind::Bool => &bool::Bool,
        Kind::Int { .. } => &int::Int,
        Kind::Uint { .. } => &int::Uint,
        Kind::Float { .. } => &float::Float,
        Kind::Str => &string::Str,
        Kind::Bytes => &bytes::Bytes,
        Kind::ByteArray(_) => &byte_array::ByteArray,
        Kind::List(_) => &list::List,
        Kind::Array(..) => &array::Array,
        Kind::Map(..) => &map::Map,
        Kind::Struct(_) => &record::Record,
        Kind::Handle(_) => &handle::Handle,
        Kind::Boxed(_) => &boxed::Boxed,
        Kind::Duration => &duration::Duration,
        Kind::Time => &time::Time,
        Kind::Any => &any::Any,
    }
}

/// [`ValueKind::mangled`] of a type without parts: its Go type as one capitalised word
/// (`int32` → `Int32`, `pkg.Celsius` → `Usercelsius`).
fn plain_mangled(go_type: &str) -> String {
    go_type
        .replace(&format!("{}.", super::api::GO_PACKAGE_ALIAS), "User")
        .replace("[]", "Slice")
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .enumerate()
        .map(|(i, c)| {
            if i == 0 {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}

/// The name part of the decoder `gwDec<name>` and encoder `gwEnc<name>` of `value`'s type,
/// with the package's prefix.
pub fn codec(binding: &Binding, value: &Value) -> String {
    format!("{}{}", binding.prefix, value.mangled())
}

/// The element of a list, array or map.
fn elem(value: &Value) -> &Value {
    match &value.kind {
        Kind::List(elem) | Kind::Array(_, elem) | Kind::Map(_, elem) => elem,
        other => unreachable!("{other:?} has no element"),
    }
}

/// A scalar's decoder: `r.<read>` converted to the Go type.
fn scalar_decode(value: &Value, read: &str) -> String {
    format!("\tv, err := r.{read}\n\treturn {}(v), err", value.go_type)
}

/// How the glue takes an object of the handle class `class` (for `*T`, and `T` by value).
fn handle_c_arg(class: usize, i: usize, name: &str) -> CArg {
    CArg {
        code: format!(
            "    uint64_t p{i};\n    if (gw_as_handle(argv[{i}], {class}, {name}, &p{i}) < 0) goto fail;"
        ),
        call: format!("p{i}"),
        cleanup: Cleanup::None,
    }
}

/// The object of the handle class `class` made for result `r<i>`.
fn handle_c_result(class: usize, i: usize) -> String {
    format!("gw_wrap_handle({class}, r{i})")
}

/// The annotation of bytes: any bytes-like object as an argument, `bytes` as a result.
fn bytes_py_type(argument: bool) -> String {
    if argument {
        "bytes | bytearray | memoryview".into()
    } else {
        "bytes".into()
    }
}
