//! Deciding what of a Go package's API gets bound, and how each value crosses the boundary.
//!
//! Everything here is pure: the [`ApiDump`] goes in, a [`Binding`] comes out, with a warning for
//! every exported declaration left out (naming `file:line`, the declaration and the type).

use super::model::{ApiDump, Const, Func, Param, TypeRef};
use crate::names::is_python_identifier;

/// How one value is passed between Python and Go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Bool,
    /// A signed integer of `bits` bits (`int` and `uintptr` are 64-bit on the targets served).
    Int {
        bits: u8,
    },
    /// An unsigned integer of `bits` bits.
    Uint {
        bits: u8,
    },
    Float {
        bits: u8,
    },
    /// `string` ↔ `str` (UTF-8).
    Str,
    /// `[]byte` ↔ `bytes` (any bytes-like object as input).
    Bytes,
    /// `[N]byte` ↔ `bytes` of exactly N bytes.
    ByteArray(u64),
    /// `[]T` ↔ `list` (any sequence as input).
    List(Box<Value>),
    /// `[N]T` ↔ `list` of exactly N items.
    Array(u64, Box<Value>),
    /// `map[K]V` ↔ `dict`: the key (a string or an integer) and the value.
    Map(Box<Value>, Box<Value>),
    /// An exported struct type of the package, by value ↔ an instance of the generated
    /// dataclass; the index is into [`Binding::structs`].
    Struct(usize),
    /// A pointer to an exported struct type with methods (`*T`) ↔ an instance of the generated
    /// class holding a handle to the live Go value; the index is into [`Binding::handles`].
    /// `nil` ↔ `None`.
    Handle(usize),
    /// A named type with methods by value (`T`, not `*T`) ↔ an object of the class of `T` (as
    /// for [`Kind::Handle`]) holding a copy of the value; the index is into
    /// [`Binding::handles`].
    Boxed(usize),
    /// `time.Duration` ↔ `datetime.timedelta` (microsecond precision on the Python side).
    Duration,
    /// `time.Time` ↔ an aware `datetime.datetime` (naive ones are taken as local time).
    Time,
    /// `any` ↔ a Python value as encoding/json sees one.
    Any,
}

impl Kind {
    /// Whether this is a C scalar: a bool, an integer or a float.
    pub fn is_scalar(&self) -> bool {
        matches!(
            super::kinds::of(self).transport(),
            super::kinds::Transport::Scalar { .. }
        )
    }

    /// Whether values of this kind cross the boundary encoded in gowright's compact format
    /// (lists, dicts, structs, times) rather than as C scalars, byte spans or handles.
    pub fn is_encoded(&self) -> bool {
        super::kinds::of(self).transport() == super::kinds::Transport::Encoded
    }
}

/// A value with its kind and the Go type to convert to (`int32`, `pkg.Celsius`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Value {
    pub kind: Kind,
    /// The Go type expression the value has in the user's package (`pkg.` prefix for its own
    /// named types).
    pub go_type: String,
}

impl Value {
    /// The implementation of its kind (see [`super::kinds`]).
    pub fn kind_impl(&self) -> &'static dyn super::kinds::ValueKind {
        super::kinds::of(&self.kind)
    }

    /// A name for this type usable in Go identifiers (`[]map[string]int` → `SliceMapInt`), naming
    /// the generated encoder and decoder.
    pub fn mangled(&self) -> String {
        self.kind_impl().mangled(self)
    }

    /// Its annotation in the stubs: as a parameter when `argument`, else as a result or field.
    pub fn py_type(&self, binding: &Binding, argument: bool) -> String {
        self.kind_impl().py_type(binding, self, argument)
    }

    /// The default of a dataclass field holding it (the Go zero value).
    pub fn py_default(&self, binding: &Binding) -> String {
        self.kind_impl().py_default(binding, self)
    }
}

/// A parameter of a bound function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoundParam {
    /// The Python name (snake_case, keyword-safe).
    pub py_name: String,
    pub value: Value,
}

/// A function that gets a Python binding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoundFunc {
    pub go_name: String,
    pub py_name: String,
    pub doc: String,
    pub params: Vec<BoundParam>,
    /// Results other than a trailing `error`.
    pub results: Vec<Value>,
    /// Per result: Go never gives nil there (see [`crate::bind::model::Param::non_nil`]), so a
    /// handle result is typed `T` rather than `T | None`.
    pub non_nil: Vec<bool>,
    /// Whether the last Go result is an `error` (raised as `GoError`).
    pub returns_error: bool,
    /// The last parameter is Go's `...T` (its value is then a list of T): Python passes it as
    /// `*args`.
    pub variadic: bool,
    /// For a method: the index of its type in [`Binding::handles`].
    pub receiver: Option<usize>,
    /// For the getter or setter of an exported field of a handle type: reads or writes the
    /// field named `go_name` instead of calling a method.
    pub accessor: Option<Accessor>,
    /// Arithmetic on scalars that cannot block or panic (see
    /// [`crate::bind::model::Func::trivial`]): it is called with the GIL held, since it finishes
    /// sooner than releasing and taking back the GIL would take, and without a `recover`.
    pub trivial: bool,
}

/// A field access bound like a method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accessor {
    Get,
    Set,
    /// The constructor of a class: a new zero `*T` for a struct (`&T{}`), else the conversion
    /// `T(value)` of its underlying value.
    New,
    /// Go's `==` of two values of a comparable class (`__eq__`).
    Equal,
    /// A hash of a value of a class whose values Python cannot change (`__hash__`).
    Hash,
    /// The bytes of a value of a class of bytes (`type Digest [32]byte`) (`__bytes__`).
    Bytes,
}

impl BoundFunc {
    /// The name of the C and Go functions of this function or method (`Add`, `Counter_Inc`).
    pub fn c_name(&self, binding: &Binding) -> String {
        match (self.receiver, self.accessor) {
            (Some(h), Some(Accessor::Get)) => {
                format!("{}_get_{}", binding.handles[h].go_name, self.go_name)
            }
            (Some(h), Some(Accessor::Set)) => {
                format!("{}_set_{}", binding.handles[h].go_name, self.go_name)
            }
            (Some(h), None) => format!("{}_{}", binding.handles[h].go_name, self.go_name),
            (None, Some(Accessor::Get)) => format!("get_{}", self.go_name),
            (None, Some(Accessor::Set)) => format!("set_{}", self.go_name),
            (_, Some(Accessor::New)) => format!("{}_new", self.go_name),
            (_, Some(Accessor::Equal)) => format!("{}_eq", self.go_name),
            (_, Some(Accessor::Hash)) => format!("{}_hash", self.go_name),
            (_, Some(Accessor::Bytes)) => format!("{}_bytes", self.go_name),
            (None, None) => self.go_name.clone(),
        }
    }

    /// The name of the extension module's function (`add`, `_Counter_inc` for a method, called
    /// by the class in `_types.py`).
    pub fn ext_name(&self, binding: &Binding) -> String {
        match (self.receiver, self.accessor) {
            (Some(_), Some(_)) => format!("_{}", self.c_name(binding)),
            (Some(h), None) => format!("_{}_{}", binding.handles[h].go_name, self.py_name),
            (None, Some(Accessor::Get)) => format!("_get_{}", self.py_name),
            (None, Some(Accessor::Set)) => format!("_set_{}", self.py_name),
            (_, Some(Accessor::New)) => format!("_{}_new", self.go_name),
            (_, Some(Accessor::Equal)) => format!("_{}_eq", self.go_name),
            (_, Some(Accessor::Hash)) => format!("_{}_hash", self.go_name),
            (_, Some(Accessor::Bytes)) => format!("_{}_bytes", self.go_name),
            (None, None) => self.py_name.clone(),
        }
    }
}

/// A struct type used through pointers: a Python class holding a handle to the Go value, with
/// the type's exported methods.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoundHandle {
    pub go_name: String,
    pub doc: String,
    /// Indices into [`Binding::functions`] of its methods.
    pub methods: Vec<usize>,
    /// Its exported fields: the Python name and the indices of the getter and setter.
    pub fields: Vec<(String, usize, usize)>,
    /// Why its values must not be copied (so `copy.deepcopy` is refused), if they must not.
    pub no_copy: Option<String>,
    /// The index into [`Binding::functions`] of its constructor (see [`Accessor::New`]).
    pub constructor: Option<usize>,
    /// Its `==` and hash (see [`Accessor::Equal`], [`Accessor::Hash`]), for comparable types.
    pub equal: Option<usize>,
    pub hash: Option<usize>,
    /// Its bytes (see [`Accessor::Bytes`]), for a type of bytes.
    pub bytes: Option<usize>,
}

/// An exported field of a bound struct.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoundField {
    pub go_name: String,
    pub py_name: String,
    pub doc: String,
    pub value: Value,
}

/// An exported struct type bound by value as a Python dataclass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoundStruct {
    /// The Go name, also the name of the Python class.
    pub go_name: String,
    pub doc: String,
    pub fields: Vec<BoundField>,
}

impl Binding {
    /// How many of the exported functions and methods of `dump` (the package this binding was
    /// planned from) are bound and reachable from Python (a method of a class no function
    /// returns is not), and how many there are.
    pub fn coverage(&self, dump: &ApiDump) -> (usize, usize) {
        let exported = dump.functions.len()
            + dump.types.iter().map(|t| t.methods.len()).sum::<usize>()
            + dump
                .skipped
                .iter()
                .filter(|s| s.decl.starts_with("func "))
                .count();
        let reachable = self.reachable_classes();
        let bound = self
            .functions
            .iter()
            .filter(|f| f.accessor.is_none())
            .filter(|f| f.receiver.is_none_or(|h| reachable[h]))
            .count();
        (bound, exported)
    }

    /// Which handle classes Python can get an object of: returned (or held in a result, a
    /// variable, a field) by a function, or by a method of a class it can get.
    fn reachable_classes(&self) -> Vec<bool> {
        fn classes(binding: &Binding, value: &Value, seen: &mut Vec<usize>, out: &mut Vec<usize>) {
            match &value.kind {
                Kind::Handle(i) | Kind::Boxed(i) => out.push(*i),
                Kind::Struct(i) if !seen.contains(i) => {
                    seen.push(*i);
                    for field in &binding.structs[*i].fields {
                        classes(binding, &field.value, seen, out);
                    }
                }
                Kind::List(elem) | Kind::Array(_, elem) | Kind::Map(_, elem) => {
                    classes(binding, elem, seen, out)
                }
                _ => {}
            }
        }
        let mut reachable = vec![false; self.handles.len()];
        loop {
            let mut found = Vec::new();
            for f in &self.functions {
                if f.receiver.is_none_or(|h| reachable[h]) {
                    for r in &f.results {
                        classes(self, r, &mut Vec::new(), &mut found);
                    }
                }
            }
            let before = reachable.iter().filter(|r| **r).count();
            for i in found {
                reachable[i] = true;
            }
            if reachable.iter().filter(|r| **r).count() == before {
                return reachable;
            }
        }
    }

    /// Whether any bound signature or struct uses `time.Duration` or `time.Time`.
    pub fn uses_time(&self) -> bool {
        // The fields of structs are looked at below, once each (a struct may contain itself).
        fn uses(binding: &Binding, value: &Value) -> bool {
            let kind = value.kind_impl();
            kind.go_needs().time
                || (!matches!(value.kind, Kind::Struct(_))
                    && kind.parts(binding, value).iter().any(|v| uses(binding, v)))
        }
        self.functions
            .iter()
            .flat_map(|f| f.params.iter().map(|p| &p.value).chain(&f.results))
            .chain(
                self.structs
                    .iter()
                    .flat_map(|s| s.fields.iter().map(|f| &f.value)),
            )
            .any(|v| uses(self, v))
    }
}

/// What gets bound, and what was left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    /// The Go package's name (`uuid`).
    pub package_name: String,
    pub package_doc: String,
    pub import_path: String,
    pub functions: Vec<BoundFunc>,
    /// Struct types bound by value, in the order their classes are numbered.
    pub structs: Vec<BoundStruct>,
    /// Struct types bound by reference (handles), in the order their classes are numbered.
    pub handles: Vec<BoundHandle>,
    /// Exported constants, as module attributes.
    pub consts: Vec<BoundConst>,
    /// One line per exported declaration left out: `file.go:12: func F: reason`.
    pub skipped: Vec<String>,
    /// Starts every Go and C name generated for this package that is global to the
    /// extension module (exports, codecs, tables): empty for a module of one package,
    /// `<sub-module>_` for each of several packages built into one.
    pub prefix: String,
    /// The package's error variables (`var ErrNotFound = errors.New(...)`), each an exception
    /// class raised when `errors.Is(err, ErrNotFound)`.
    pub errors: Vec<BoundError>,
    /// The package's other variables of supported types: module attributes read and written
    /// live through a getter and a setter.
    pub vars: Vec<BoundVar>,
}

/// An exported variable of type `error`: a subclass of GoError of the same name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoundError {
    pub go_name: String,
    pub doc: String,
}

/// An exported variable: a module attribute in snake_case, read and set on the live Go value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoundVar {
    pub go_name: String,
    pub py_name: String,
    pub doc: String,
    pub value: Value,
    /// Its getter and setter in [`Binding::functions`].
    pub getter: usize,
    pub setter: usize,
}

/// An exported constant: an attribute of the extension module with a Python-style name
/// (`MaxItems` → `MAX_ITEMS`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoundConst {
    pub go_name: String,
    pub py_name: String,
    pub doc: String,
    pub value: ConstValue,
}

/// The value of a constant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConstValue {
    Bool(bool),
    /// Decimal digits, of any size.
    Int(String),
    /// A decimal float literal.
    Float(String),
    Str(String),
}

impl ConstValue {
    /// The Python type of the value, for stubs.
    pub fn py_type(&self) -> &'static str {
        match self {
            ConstValue::Bool(_) => "bool",
            ConstValue::Int(_) => "int",
            ConstValue::Float(_) => "float",
            ConstValue::Str(_) => "str",
        }
    }
}

/// The alias under which the generated Go code imports the user's package.
pub const GO_PACKAGE_ALIAS: &str = "userpkg";

/// Words Go writes in mixed case that are one word in snake_case (`AllowIFrames` →
/// `allow_iframes`, not `allow_i_frames`), matched case-sensitively, plural `s` allowed.
const MIXED_CASE_WORDS: &[&str] = &[
    "IFrame",
    "OAuth",
    "IPv4",
    "IPv6",
    "GraphQL",
    "MySQL",
    "PostgreSQL",
    "SQLite",
    "JavaScript",
    "TypeScript",
    "GitHub",
    "GitLab",
    "YouTube",
    "iOS",
    "macOS",
    "WebAssembly",
    "WebSocket",
];

/// Converts a Go identifier to Python's snake_case, keeping initialisms whole: `ParseURL` →
/// `parse_url`, `HTTPServer` → `http_server`, `AllowStandardURLs` → `allow_standard_urls`
/// (an initialism's plural), `AllowIFrames` → `allow_iframes`, `Add2` → `add2`.
pub fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    // A word ends before the next one starts: collected, then joined with `_`.
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    let boundary = |at: usize| chars.get(at).is_none_or(|c| !c.is_lowercase());
    let mut i = 0;
    while i < chars.len() {
        // A mixed-case word of the list, itself a whole word (or its plural).
        let known = MIXED_CASE_WORDS.iter().find_map(|w| {
            let n = w.chars().count();
            let matches = chars.len() >= i + n && chars[i..i + n].iter().copied().eq(w.chars());
            let plural = matches && chars.get(i + n) == Some(&'s') && boundary(i + n + 1);
            let starts = i == 0 || !chars[i].is_lowercase() || !chars[i - 1].is_alphabetic();
            (matches && starts && (boundary(i + n) || plural)).then_some(n + usize::from(plural))
        });
        if let Some(n) = known {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            words.push(chars[i..i + n].iter().collect::<String>().to_lowercase());
            i += n;
            continue;
        }
        let c = chars[i];
        if c == '_' {
            // Go's own separator (`MAX_ITEMS`): the words are joined with one.
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            i += 1;
            continue;
        }
        if c.is_uppercase() {
            // A run of capitals: an initialism, then (unless it is the start of a capitalised
            // word, as the last capital of `HTTPServer` is) the next word.
            let mut end = i;
            while end < chars.len() && chars[end].is_uppercase() {
                end += 1;
            }
            let plural = end - i >= 2 && chars.get(end) == Some(&'s') && boundary(end + 1);
            let run_end = if plural {
                end + 1
            } else if end - i >= 2 && chars.get(end).is_some_and(|n| n.is_lowercase()) {
                end - 1
            } else {
                end
            };
            if run_end > i + 1 || plural {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
                words.push(chars[i..run_end].iter().collect::<String>().to_lowercase());
                i = run_end;
                continue;
            }
            // One capital starts a word.
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
        } else if c.is_ascii_digit() && words.last().is_some() && word.is_empty() {
            // `UTF8`, `Add2`: a digit stays with the word before it.
            word = words.pop().unwrap_or_default();
        }
        word.extend(c.to_lowercase());
        i += 1;
    }
    if !word.is_empty() {
        words.push(word);
    }
    let out = words.join("_");
    if is_python_identifier(&out) || out.is_empty() {
        out
    } else {
        format!("{out}_")
    }
}

fn basic_kind(name: &str) -> Option<Kind> {
    Some(match name {
        "bool" => Kind::Bool,
        "int" | "int64" => Kind::Int { bits: 64 },
        "int8" => Kind::Int { bits: 8 },
        "int16" => Kind::Int { bits: 16 },
        "int32" => Kind::Int { bits: 32 },
        "uint" | "uint64" | "uintptr" => Kind::Uint { bits: 64 },
        "uint8" => Kind::Uint { bits: 8 },
        "uint16" => Kind::Uint { bits: 16 },
        "uint32" => Kind::Uint { bits: 32 },
        "float32" => Kind::Float { bits: 32 },
        "float64" => Kind::Float { bits: 64 },
        "string" => Kind::Str,
        _ => return None,
    })
}

/// Resolves types against the dump, collecting the struct types used.
struct Planner<'a> {
    dump: &'a ApiDump,
    structs: Vec<BoundStruct>,
    handles: Vec<BoundHandle>,
    /// Struct types with methods or used through pointers: bound as handles, not by value.
    handle_types: Vec<String>,
}

/// The struct types of the package that are bound by reference: those with exported methods,
/// and those some signature uses through a pointer.
fn handle_types(dump: &ApiDump) -> Vec<String> {
    fn pointers(ty: &TypeRef, out: &mut Vec<String>) {
        match ty {
            TypeRef::Pointer { elem } => {
                if let TypeRef::Named { package, name } = &**elem
                    && package.is_empty()
                {
                    out.push(name.clone());
                }
                pointers(elem, out);
            }
            TypeRef::Slice { elem } | TypeRef::Array { elem, .. } => pointers(elem, out),
            TypeRef::Map { key, elem } => {
                pointers(key, out);
                pointers(elem, out);
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    let signatures = dump
        .functions
        .iter()
        .flat_map(|f| f.params.iter().chain(&f.results))
        .chain(
            dump.types
                .iter()
                .flat_map(|t| &t.methods)
                .flat_map(|m| m.params.iter().chain(&m.results)),
        );
    for param in signatures {
        pointers(&param.ty, &mut out);
    }
    out.extend(
        dump.types
            .iter()
            .filter(|t| !t.methods.is_empty())
            .map(|t| t.name.clone()),
    );
    // Structs, and named types of other kinds with methods; named basic types cross as their
    // values.
    out.retain(|name| {
        dump.types.iter().any(|t| {
            &t.name == name && (t.kind == "struct" || (t.kind != "basic" && !t.methods.is_empty()))
        })
    });
    out.sort();
    out.dedup();
    out
}

impl Planner<'_> {
    /// The binding of one Go type, or why it has none.
    fn value_of(&mut self, ty: &TypeRef) -> Result<Value, String> {
        let dump = self.dump;
        match ty {
            TypeRef::Basic { name } => basic_kind(name)
                .map(|kind| Value {
                    kind,
                    go_type: name.clone(),
                })
                .ok_or_else(|| format!("type `{name}` is not supported")),
            TypeRef::Slice { elem }
                if **elem
                    == (TypeRef::Basic {
                        name: "uint8".into(),
                    }) =>
            {
                Ok(Value {
                    kind: Kind::Bytes,
                    go_type: "[]byte".into(),
                })
            }
            TypeRef::Slice { elem } => {
                let elem = self.value_of(elem)?;
                Ok(Value {
                    go_type: format!("[]{}", elem.go_type),
                    kind: Kind::List(Box::new(elem)),
                })
            }
            TypeRef::Array { len, elem }
                if *len > 0
                    && **elem
                        == (TypeRef::Basic {
                            name: "uint8".into(),
                        }) =>
            {
                Ok(Value {
                    kind: Kind::ByteArray(*len),
                    go_type: format!("[{len}]byte"),
                })
            }
            TypeRef::Array { len, elem } => {
                let elem = self.value_of(elem)?;
                Ok(Value {
                    go_type: format!("[{len}]{}", elem.go_type),
                    kind: Kind::Array(*len, Box::new(elem)),
                })
            }
            TypeRef::Map { key, elem } => {
                let key = self.value_of(key)?;
                if !matches!(key.kind, Kind::Str | Kind::Int { .. } | Kind::Uint { .. }) {
                    return Err(format!(
                        "maps with keys of type `{}` are not supported (only strings and integers)",
                        key.go_type
                    ));
                }
                let elem = self.value_of(elem)?;
                Ok(Value {
                    go_type: format!("map[{}]{}", key.go_type, elem.go_type),
                    kind: Kind::Map(Box::new(key), Box::new(elem)),
                })
            }
            TypeRef::Named { package, name } if package.is_empty() => {
                let decl = dump.types.iter().find(|t| &t.name == name);
                match decl.map(|d| &d.underlying) {
                    Some(TypeRef::Basic { name: basic })
                        if decl.is_some_and(|d| d.kind == "basic") =>
                    {
                        let kind = basic_kind(basic)
                            .ok_or_else(|| format!("type `{name}` ({basic}) is not supported"))?;
                        Ok(Value {
                            kind,
                            go_type: format!("{GO_PACKAGE_ALIAS}.{name}"),
                        })
                    }
                    _ if self.handle_types.contains(name) => Ok(Value {
                        kind: Kind::Boxed(self.handle_index(name)),
                        go_type: format!("{GO_PACKAGE_ALIAS}.{name}"),
                    }),
                    _ if decl.is_some_and(|d| d.kind == "struct") => self
                        .struct_value(name)
                        .map_err(|e| format!("type `{name}`: {e}")),
                    // A named slice, array or map (`type Key []string`, `type UUID [16]byte`)
                    // crosses as its underlying type: Go assigns a value of an unnamed type
                    // to a named one of the same underlying type and back, so the shims and
                    // codecs of the underlying type serve it.
                    Some(
                        underlying @ (TypeRef::Slice { .. }
                        | TypeRef::Array { .. }
                        | TypeRef::Map { .. }),
                    ) => self
                        .value_of(&underlying.clone())
                        .map_err(|e| format!("type `{name}` ({underlying}): {e}")),
                    _ => Err(format!("type `{name}` is not supported yet")),
                }
            }
            TypeRef::Any => Ok(Value {
                kind: Kind::Any,
                go_type: "any".into(),
            }),
            TypeRef::Named { package, name } if package == "time" && name == "Duration" => {
                Ok(Value {
                    kind: Kind::Duration,
                    go_type: "time.Duration".into(),
                })
            }
            TypeRef::Named { package, name } if package == "time" && name == "Time" => Ok(Value {
                kind: Kind::Time,
                go_type: "time.Time".into(),
            }),
            TypeRef::Pointer { elem } => match &**elem {
                TypeRef::Named { package, name }
                    if package.is_empty() && self.handle_types.contains(name) =>
                {
                    Ok(Value {
                        kind: Kind::Handle(self.handle_index(name)),
                        go_type: format!("*{GO_PACKAGE_ALIAS}.{name}"),
                    })
                }
                _ => Err(format!("type `{ty}` is not supported yet")),
            },
            other => Err(format!("type `{other}` is not supported yet")),
        }
    }

    /// The index of the handle class of `name`, registering it on first use.
    fn handle_index(&mut self, name: &str) -> usize {
        if let Some(i) = self.handles.iter().position(|h| h.go_name == name) {
            return i;
        }
        let decl = self.dump.types.iter().find(|t| t.name == name);
        self.handles.push(BoundHandle {
            go_name: name.to_string(),
            doc: decl.map(|t| t.doc.clone()).unwrap_or_default(),
            methods: Vec::new(),
            fields: Vec::new(),
            no_copy: decl
                .filter(|t| !t.no_copy.is_empty())
                .map(|t| t.no_copy.clone()),
            constructor: None,
            equal: None,
            hash: None,
            bytes: None,
        });
        self.handles.len() - 1
    }

    /// The binding of the struct type `name` by value, registering it on first use.
    fn struct_value(&mut self, name: &str) -> Result<Value, String> {
        let go_type = format!("{GO_PACKAGE_ALIAS}.{name}");
        if let Some(index) = self.structs.iter().position(|s| s.go_name == name) {
            return Ok(Value {
                kind: Kind::Struct(index),
                go_type,
            });
        }
        let decl = self
            .dump
            .types
            .iter()
            .find(|t| t.name == name)
            .ok_or_else(|| format!("type `{name}` is not supported yet"))?;
        // Registered before its fields are resolved, so that recursive types terminate.
        let index = self.structs.len();
        self.structs.push(BoundStruct {
            go_name: name.to_string(),
            doc: decl.doc.clone(),
            fields: Vec::new(),
        });
        let mut fields = Vec::new();
        for field in &decl.fields {
            // An embedded field is a field named after its type (`Labeled.Point`).
            match self.value_of(&field.ty) {
                Ok(value) => fields.push(BoundField {
                    go_name: field.name.clone(),
                    py_name: snake_case(&field.name),
                    doc: field.doc.clone(),
                    value,
                }),
                Err(reason) => {
                    // Forget this struct and whatever was registered while resolving it.
                    self.structs.truncate(index);
                    return Err(format!("field {}: {reason}", field.name));
                }
            }
        }
        self.structs[index].fields = fields;
        Ok(Value {
            kind: Kind::Struct(index),
            go_type,
        })
    }

    fn bind_func(&mut self, func: &Func) -> Result<BoundFunc, String> {
        let mut params = Vec::new();
        for (i, Param { name, ty, .. }) in func.params.iter().enumerate() {
            let value = self
                .value_of(ty)
                .map_err(|e| format!("parameter {}: {e}", i + 1))?;
            let py_name = if name.is_empty() || name == "_" {
                format!("arg{}", i + 1)
            } else {
                snake_case(name)
            };
            params.push(BoundParam { py_name, value });
        }
        let mut results: Vec<&Param> = func.results.iter().collect();
        let returns_error = results.last().is_some_and(|r| r.ty == TypeRef::Error);
        if returns_error {
            results.pop();
        }
        let non_nil = results.iter().map(|r| r.non_nil).collect();
        let results = results
            .iter()
            .enumerate()
            .map(|(i, r)| {
                self.value_of(&r.ty)
                    .map_err(|e| format!("result {}: {e}", i + 1))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let trivial = func.trivial
            && params.iter().all(|p| p.value.kind.is_scalar())
            && results.iter().all(|r| r.kind.is_scalar());
        Ok(BoundFunc {
            go_name: func.name.clone(),
            py_name: snake_case(&func.name),
            doc: func.doc.clone(),
            params,
            results,
            non_nil,
            returns_error,
            variadic: func.variadic,
            receiver: None,
            accessor: None,
            trivial,
        })
    }
}

/// Decides the binding of every exported function and struct type of the package.
pub fn plan(dump: &ApiDump) -> Binding {
    let mut planner = Planner {
        dump,
        structs: Vec::new(),
        handles: Vec::new(),
        handle_types: handle_types(dump),
    };
    let mut functions = Vec::new();
    let mut skipped: Vec<String> = dump
        .skipped
        .iter()
        .map(|s| format!("{}: {}: {}", s.pos, s.decl, s.reason))
        .collect();
    for func in &dump.functions {
        match planner.bind_func(func) {
            Ok(bound) => {
                if functions
                    .iter()
                    .any(|f: &BoundFunc| f.py_name == bound.py_name)
                {
                    skipped.push(format!(
                        "{}: func {}: its Python name `{}` is taken by another function",
                        func.pos, func.name, bound.py_name
                    ));
                } else {
                    functions.push(bound);
                }
            }
            Err(reason) => skipped.push(format!("{}: func {}: {reason}", func.pos, func.name)),
        }
    }
    let consts = bind_consts(&dump.consts, &mut skipped);
    // Before the classes' methods are bound: a variable's type may make a new class.
    let (errors, vars) = bind_vars(&mut planner, &mut functions, &consts, &mut skipped);
    // Types used through pointers become handle classes with their methods. Binding a method
    // can register another handle class, so the list may grow while it is walked.
    for name in planner.handle_types.clone() {
        planner.handle_index(&name);
    }
    let mut next = 0;
    while next < planner.handles.len() {
        let name = planner.handles[next].go_name.clone();
        let decl = dump
            .types
            .iter()
            .find(|t| t.name == name)
            .expect("a handle type is declared");
        for method in &decl.methods {
            let as_func = Func {
                name: method.name.clone(),
                doc: method.doc.clone(),
                pos: method.pos.clone(),
                params: method.params.clone(),
                results: method.results.clone(),
                variadic: method.variadic,
                trivial: false,
            };
            match planner.bind_func(&as_func) {
                Ok(mut bound) => {
                    bound.receiver = Some(next);
                    planner.handles[next].methods.push(functions.len());
                    functions.push(bound);
                }
                Err(reason) => skipped.push(format!(
                    "{}: method {name}.{}: {reason}",
                    method.pos, method.name
                )),
            }
        }
        // Its constructor: a zero struct, or the conversion of a value of the underlying type.
        let constructor = if decl.kind == "struct" {
            Ok((
                Vec::new(),
                Value {
                    kind: Kind::Handle(next),
                    go_type: format!("*{GO_PACKAGE_ALIAS}.{name}"),
                },
            ))
        } else {
            planner.value_of(&decl.underlying).map(|value| {
                (
                    vec![BoundParam {
                        py_name: "value".into(),
                        value,
                    }],
                    Value {
                        kind: Kind::Boxed(next),
                        go_type: format!("{GO_PACKAGE_ALIAS}.{name}"),
                    },
                )
            })
        };
        // A type of bytes gives them to bytes(obj).
        if let Ok((params, _)) = &constructor
            && matches!(
                params.first().map(|p| &p.value.kind),
                Some(Kind::Bytes | Kind::ByteArray(_))
            )
        {
            planner.handles[next].bytes = Some(functions.len());
            functions.push(BoundFunc {
                go_name: name.clone(),
                py_name: "__bytes__".into(),
                doc: String::new(),
                params: vec![BoundParam {
                    py_name: "self".into(),
                    value: Value {
                        kind: Kind::Boxed(next),
                        go_type: format!("{GO_PACKAGE_ALIAS}.{name}"),
                    },
                }],
                results: vec![Value {
                    kind: Kind::Bytes,
                    go_type: "[]byte".into(),
                }],
                non_nil: vec![false],
                returns_error: false,
                variadic: false,
                receiver: None,
                accessor: Some(Accessor::Bytes),
                trivial: false,
            });
        }
        match constructor {
            Ok((params, result)) => {
                planner.handles[next].constructor = Some(functions.len());
                functions.push(BoundFunc {
                    go_name: name.clone(),
                    py_name: "__new__".into(),
                    doc: String::new(),
                    params,
                    results: vec![result],
                    non_nil: vec![true],
                    returns_error: false,
                    variadic: false,
                    receiver: None,
                    accessor: Some(Accessor::New),
                    trivial: false,
                });
            }
            Err(reason) => skipped.push(format!(
                "{}: type {name}: no constructor from Python: {reason}",
                decl.pos
            )),
        }
        // Go's == for comparable types, and a hash when Python cannot change the value (no
        // fields to set, no pointer-receiver methods) and == agrees with the hash's text.
        if decl.comparable {
            let this = Value {
                kind: Kind::Boxed(next),
                go_type: format!("{GO_PACKAGE_ALIAS}.{name}"),
            };
            let param = |py_name: &str| BoundParam {
                py_name: py_name.into(),
                value: this.clone(),
            };
            let equal = BoundFunc {
                go_name: name.clone(),
                py_name: "__eq__".into(),
                doc: String::new(),
                params: vec![param("self"), param("other")],
                results: vec![Value {
                    kind: Kind::Bool,
                    go_type: "bool".into(),
                }],
                non_nil: vec![false],
                returns_error: false,
                variadic: false,
                receiver: None,
                accessor: Some(Accessor::Equal),
                trivial: false,
            };
            planner.handles[next].equal = Some(functions.len());
            functions.push(equal.clone());
            let immutable =
                decl.fields.is_empty() && decl.methods.iter().all(|m| !m.pointer_receiver);
            if immutable && exact_text(&decl.underlying) {
                planner.handles[next].hash = Some(functions.len());
                functions.push(BoundFunc {
                    py_name: "__hash__".into(),
                    params: vec![param("self")],
                    results: vec![Value {
                        kind: Kind::Int { bits: 64 },
                        go_type: "int64".into(),
                    }],
                    accessor: Some(Accessor::Hash),
                    ..equal
                });
            }
        }
        // Exported fields become properties (a getter and a setter on the live Go value).
        for field in &decl.fields {
            match planner.value_of(&field.ty) {
                Ok(value) => {
                    let py_name = snake_case(&field.name);
                    let getter = BoundFunc {
                        go_name: field.name.clone(),
                        py_name: py_name.clone(),
                        doc: field.doc.clone(),
                        params: Vec::new(),
                        results: vec![value.clone()],
                        non_nil: vec![false],
                        returns_error: false,
                        variadic: false,
                        receiver: Some(next),
                        accessor: Some(Accessor::Get),
                        trivial: false,
                    };
                    // Its parameter is named after the field: `argument 'count': expected int`.
                    let setter = BoundFunc {
                        params: vec![BoundParam {
                            py_name: py_name.clone(),
                            value,
                        }],
                        results: Vec::new(),
                        non_nil: Vec::new(),
                        accessor: Some(Accessor::Set),
                        ..getter.clone()
                    };
                    let (g, s) = (functions.len(), functions.len() + 1);
                    functions.push(getter);
                    functions.push(setter);
                    planner.handles[next].fields.push((py_name, g, s));
                }
                Err(reason) => skipped.push(format!(
                    "{}: field {name}.{}: {reason}",
                    decl.pos, field.name
                )),
            }
        }
        next += 1;
    }
    // Every exported struct becomes a class, used by a function or not. Named basic types
    // (`type Celsius float64`) are bound as their values; other types not yet.
    for ty in &dump.types {
        let is_class = planner.handle_types.contains(&ty.name);
        let result = match ty.kind.as_str() {
            "basic" => Ok(()),
            _ if is_class => Ok(()),
            "struct" => planner.struct_value(&ty.name).map(drop),
            _ => match &ty.underlying {
                TypeRef::Slice { .. } | TypeRef::Array { .. } | TypeRef::Map { .. } => planner
                    .value_of(&ty.underlying)
                    .map(drop)
                    .map_err(|e| format!("type `{}`: {e}", ty.underlying)),
                _ => Err(format!("type `{}` is not supported yet", ty.underlying)),
            },
        };
        match result {
            Err(reason) => skipped.push(format!("{}: type {}: {reason}", ty.pos, ty.name)),
            // A named basic type crosses as its value: its methods have no receiver to be
            // called on (every other named type with methods is a class).
            Ok(()) if !is_class => {
                for method in &ty.methods {
                    skipped.push(format!(
                        "{}: method {}.{}: methods of named basic types (`{}`) are not bound yet (its values cross as plain Python values)",
                        method.pos, ty.name, method.name, ty.underlying
                    ));
                }
            }
            Ok(()) => {}
        }
    }
    Binding {
        package_name: dump.package.name.clone(),
        package_doc: dump.package.doc.clone(),
        import_path: dump.package.import_path.clone(),
        functions,
        structs: planner.structs,
        handles: planner.handles,
        consts,
        skipped,
        prefix: String::new(),
        errors,
        vars,
    }
}

/// Whether equal values of `ty` always print the same (`%#v`), so that a hash of that text
/// agrees with `==`: not so for floats (`-0 == 0`, NaN) or interfaces and types of unknown make.
fn exact_text(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Basic { name } => !name.starts_with("float") && !name.starts_with("complex"),
        TypeRef::Array { elem, .. } => exact_text(elem),
        _ => false,
    }
}

/// The package's variables: error variables become exception classes, others of supported
/// types attributes with a getter and a setter (added to `functions`).
fn bind_vars(
    planner: &mut Planner<'_>,
    functions: &mut Vec<BoundFunc>,
    consts: &[BoundConst],
    skipped: &mut Vec<String>,
) -> (Vec<BoundError>, Vec<BoundVar>) {
    let (mut errors, mut vars) = (Vec::new(), Vec::<BoundVar>::new());
    for var in &planner.dump.vars {
        if var.ty == TypeRef::Error {
            errors.push(BoundError {
                go_name: var.name.clone(),
                doc: var.doc.clone(),
            });
            continue;
        }
        let value = match planner.value_of(&var.ty) {
            Ok(value) => value,
            Err(reason) => {
                skipped.push(format!("{}: var {}: {reason}", var.pos, var.name));
                continue;
            }
        };
        let py_name = snake_case(&var.name);
        let taken = functions
            .iter()
            .any(|f| f.receiver.is_none() && f.accessor.is_none() && f.py_name == py_name)
            || consts.iter().any(|c| c.py_name == py_name)
            || vars.iter().any(|v| v.py_name == py_name);
        if taken {
            skipped.push(format!(
                "{}: var {}: its Python name `{py_name}` is taken by another declaration",
                var.pos, var.name
            ));
            continue;
        }
        let getter = BoundFunc {
            go_name: var.name.clone(),
            py_name: py_name.clone(),
            doc: var.doc.clone(),
            params: Vec::new(),
            results: vec![value.clone()],
            non_nil: vec![false],
            returns_error: false,
            variadic: false,
            receiver: None,
            accessor: Some(Accessor::Get),
            trivial: false,
        };
        // Its parameter is named after the variable: `argument 'limit': expected int`.
        let setter = BoundFunc {
            params: vec![BoundParam {
                py_name: py_name.clone(),
                value: value.clone(),
            }],
            results: Vec::new(),
            non_nil: Vec::new(),
            accessor: Some(Accessor::Set),
            ..getter.clone()
        };
        vars.push(BoundVar {
            go_name: var.name.clone(),
            py_name,
            doc: var.doc.clone(),
            value,
            getter: functions.len(),
            setter: functions.len() + 1,
        });
        functions.push(getter);
        functions.push(setter);
    }
    (errors, vars)
}

/// The constants that get an attribute; two that would get the same Python name are reported.
fn bind_consts(consts: &[Const], skipped: &mut Vec<String>) -> Vec<BoundConst> {
    let mut bound: Vec<BoundConst> = Vec::new();
    for c in consts {
        let py_name = snake_case(&c.name).to_uppercase();
        if let Some(other) = bound.iter().find(|b| b.py_name == py_name) {
            skipped.push(format!(
                "{}: const {}: its Python name {py_name} is taken by const {}",
                c.pos, c.name, other.go_name
            ));
            continue;
        }
        let value = match c.kind.as_str() {
            "bool" => ConstValue::Bool(c.value == "true"),
            "int" => ConstValue::Int(c.value.clone()),
            "float" => ConstValue::Float(c.value.clone()),
            "string" => ConstValue::Str(c.value.clone()),
            other => {
                skipped.push(format!("{}: const {}: unknown kind {other}", c.pos, c.name));
                continue;
            }
        };
        bound.push(BoundConst {
            go_name: c.name.clone(),
            py_name,
            doc: c.doc.clone(),
            value,
        });
    }
    bound
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_names() {
        assert_eq!(snake_case("Add"), "add");
        assert_eq!(snake_case("ParseURL"), "parse_url");
        assert_eq!(snake_case("HTTPServer"), "http_server");
        assert_eq!(snake_case("Add2Ints"), "add2_ints");
        assert_eq!(snake_case("Class"), "class_");
        assert_eq!(snake_case("ID"), "id");
        assert_eq!(snake_case("AllowStandardURLs"), "allow_standard_urls");
        assert_eq!(snake_case("AllowIFrames"), "allow_iframes");
        assert_eq!(snake_case("IFrame"), "iframe");
        assert_eq!(snake_case("GetIPs"), "get_ips");
        assert_eq!(snake_case("IDsByName"), "ids_by_name");
        assert_eq!(snake_case("NewUUIDs"), "new_uuids");
        assert_eq!(snake_case("UTF8Len"), "utf8_len");
        assert_eq!(snake_case("ParseIPv6Zone"), "parse_ipv6_zone");
        assert_eq!(snake_case("OAuthToken"), "oauth_token");
        assert_eq!(snake_case("Sum64String"), "sum64_string");
        assert_eq!(snake_case("XMLHttpRequest"), "xml_http_request");
        assert_eq!(snake_case("ASet"), "a_set");
        assert_eq!(snake_case("Bytes"), "bytes");
        assert_eq!(snake_case("IsA"), "is_a");
        assert_eq!(snake_case("MaxItems"), "max_items");
        assert_eq!(snake_case("Stats"), "stats");
        assert_eq!(snake_case("Goos"), "goos");
        assert_eq!(snake_case("x"), "x");
        assert_eq!(snake_case("MAX_ITEMS"), "max_items");
        assert_eq!(snake_case("Max__Items"), "max_items");
    }
}
