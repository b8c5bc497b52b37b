//! The exported API of a Go package, as the `apidump` helper program reports it (JSON).

use serde::Deserialize;

/// The whole report of `apidump`.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct ApiDump {
    pub package: PackageInfo,
    pub functions: Vec<Func>,
    pub types: Vec<TypeDecl>,
    #[serde(default)]
    pub consts: Vec<Const>,
    #[serde(default)]
    pub vars: Vec<Var>,
    pub skipped: Vec<Skipped>,
}

/// An exported package-level variable.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct Var {
    pub name: String,
    pub doc: String,
    pub pos: String,
    #[serde(rename = "type")]
    pub ty: TypeRef,
}

/// An exported constant of a boolean, numeric or string type.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct Const {
    pub name: String,
    pub doc: String,
    pub pos: String,
    /// `bool`, `int`, `float` or `string`.
    pub kind: String,
    /// The exact value: `true`/`false`, decimal digits, a round-tripping float, or the text.
    pub value: String,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct PackageInfo {
    pub name: String,
    pub import_path: String,
    pub doc: String,
}

/// An exported declaration the model cannot express at all (e.g. a generic function).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct Skipped {
    pub pos: String,
    pub decl: String,
    pub reason: String,
}

/// An exported top-level function.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct Func {
    pub name: String,
    pub doc: String,
    /// `file.go:12`
    pub pos: String,
    pub params: Vec<Param>,
    pub results: Vec<Param>,
    pub variadic: bool,
    /// The body is one `return` of operators applied to identifiers and literals, none of which
    /// can panic: the call cannot block or panic and finishes in nanoseconds.
    #[serde(default)]
    pub trivial: bool,
}

/// A parameter or result.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct Param {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: TypeRef,
    /// For a result of pointer type: every `return` of the body gives `&x` or `new(T)` there,
    /// so it is never nil.
    #[serde(default)]
    pub non_nil: bool,
}

/// An exported named type of the package.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct TypeDecl {
    pub name: String,
    pub doc: String,
    pub pos: String,
    /// `struct`, `basic` or `other`.
    pub kind: String,
    pub underlying: TypeRef,
    pub fields: Vec<Field>,
    pub methods: Vec<Method>,
    /// For a struct whose values must not be copied (it holds a lock, as `go vet` sees it):
    /// why, e.g. `holds a lock in field mu (sync.Mutex)`; empty when they may be.
    #[serde(default)]
    pub no_copy: String,
    /// Go's `==` compares values of the type.
    #[serde(default)]
    pub comparable: bool,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: TypeRef,
    pub doc: String,
    pub embedded: bool,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct Method {
    pub name: String,
    pub doc: String,
    pub pos: String,
    pub pointer_receiver: bool,
    pub params: Vec<Param>,
    pub results: Vec<Param>,
    pub variadic: bool,
}

/// A reference to a type in a signature.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum TypeRef {
    Basic {
        name: String,
    },
    Error,
    /// `any` (`interface{}`).
    Any,
    Slice {
        elem: Box<TypeRef>,
    },
    Array {
        len: u64,
        elem: Box<TypeRef>,
    },
    Map {
        key: Box<TypeRef>,
        elem: Box<TypeRef>,
    },
    Pointer {
        elem: Box<TypeRef>,
    },
    Named {
        package: String,
        name: String,
    },
    Unsupported {
        text: String,
    },
}

impl std::fmt::Display for TypeRef {
    /// Go syntax, for messages.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TypeRef::Basic { name } => f.write_str(name),
            TypeRef::Error => f.write_str("error"),
            TypeRef::Any => f.write_str("any"),
            TypeRef::Slice { elem } => write!(f, "[]{elem}"),
            TypeRef::Array { len, elem } => write!(f, "[{len}]{elem}"),
            TypeRef::Map { key, elem } => write!(f, "map[{key}]{elem}"),
            TypeRef::Pointer { elem } => write!(f, "*{elem}"),
            TypeRef::Named { package, name } if package.is_empty() => f.write_str(name),
            TypeRef::Named { package, name } => write!(f, "{package}.{name}"),
            TypeRef::Unsupported { text } => f.write_str(text),
        }
    }
}
