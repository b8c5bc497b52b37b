//! `bindings = "cgo"` with a generated module: which `//export` functions are bound, and how
//! each parameter and result crosses between Python and C (one home for the cgo value kinds).
//!
//! The signature as written in Go says what a value is (`bool` and `uint8` are both `GoUint8`
//! to C; `[]byte` and `[]float64` are both `GoSlice`); the preamble of the function's file says
//! what a C type name stands for; `[tool.gowright.cgo]` says what neither can (which pointer is
//! an out-parameter, how a returned string is freed, whether `NULL` means success).

use super::api::snake_case;
use super::cgo_model::{CDecl, CDecls, CStruct, Export, ExportsDump, Scalar, named_scalar};
use crate::config::cgo::{CgoConfig, CgoFunctionConfig, CharResult, FreeWith};
use crate::error::UserError;

/// The bound functions of a package and the structs they pass.
#[derive(Debug, Clone)]
pub struct CgoBinding {
    pub import_path: String,
    pub functions: Vec<CgoFunc>,
    /// The preamble structs the functions pass by value: a Python class each.
    pub structs: Vec<BoundStruct>,
    /// Exported functions that are not bound, each with the reason.
    pub skipped: Vec<String>,
}

/// A struct of C scalars and the name of its Python class.
#[derive(Debug, Clone)]
pub struct BoundStruct {
    pub py_name: String,
    pub c: CStruct,
}

/// A bound `//export` function.
#[derive(Debug, Clone)]
pub struct CgoFunc {
    pub c_name: String,
    pub go_name: String,
    pub py_name: String,
    pub doc: String,
    /// The file declaring it (its Go wrapper is appended there).
    pub file: String,
    pub params: Vec<CgoParam>,
    pub results: Vec<CgoResult>,
    pub release_gil: bool,
    /// The body is one `return` of operators (it can neither block nor panic): called directly,
    /// not through a wrapper, and with the GIL held unless `release-gil` says otherwise.
    pub trivial: bool,
}

impl CgoFunc {
    /// The exported Go wrapper the glue calls: the function, with panics recovered.
    pub fn wrapper_name(&self) -> String {
        format!("gwcgo_{}", self.c_name)
    }

    /// The Python parameters (out-parameters are not among them).
    pub fn py_params(&self) -> impl Iterator<Item = (usize, &CgoParam)> {
        self.params
            .iter()
            .enumerate()
            .filter(|(_, p)| !matches!(p.kind, ParamKind::Out(_)))
    }
}

/// A parameter of a bound function.
#[derive(Debug, Clone)]
pub struct CgoParam {
    /// The Python name (snake_case of the Go name, `arg<i>` when unnamed).
    pub py_name: String,
    /// The type as written in Go (the wrapper declares it the same way).
    pub go_type: String,
    pub kind: ParamKind,
}

/// How a Python argument becomes a C argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamKind {
    /// A number or bool, declared in C as `c`.
    Scalar { scalar: Scalar, c: String },
    /// `*C.char`: from `str` (UTF-8) or a bytes-like object, NUL-terminated, no NUL inside.
    CString,
    /// Go's `string`: from `str` or a bytes-like object.
    GoString,
    /// `[]byte`: a bytes-like object, in place.
    Bytes,
    /// `[]T` of numbers: a buffer of that item type in place, or a sequence copied.
    Slice { scalar: Scalar, c_elem: String },
    /// A struct of the preamble, from an object with its fields as attributes.
    Struct { index: usize },
    /// An address as a Python int (`pointers`), declared in C as `c`.
    Pointer { c: String },
    /// A bytes-like object's memory in place (`buffers`), passed as the pointer type `c`.
    Buffer { c: String },
    /// Written by Go and returned (`out`).
    Out(OutKind),
}

/// What an out-parameter points to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutKind {
    Scalar {
        scalar: Scalar,
        c: String,
    },
    /// `**C.char`: a string Go allocates, freed after the copy.
    CString {
        bytes: bool,
        free: FreeWith,
    },
    Struct {
        index: usize,
    },
}

/// A result of a bound function.
#[derive(Debug, Clone)]
pub struct CgoResult {
    pub go_type: String,
    pub kind: ResultKind,
}

/// How a C result becomes a Python value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResultKind {
    Scalar {
        scalar: Scalar,
        c: String,
    },
    /// `*C.char`: `str`, `bytes`, or (`returns = "error"`) nothing unless non-NULL, then a
    /// `GoError` with that message. `NULL` is `None`.
    CString {
        returns: CharResult,
        free: FreeWith,
    },
    Struct {
        index: usize,
    },
    Pointer {
        c: String,
    },
}

/// Decides what is bound of `dump` under `config`.
pub fn plan(dump: &ExportsDump, config: &CgoConfig) -> Result<CgoBinding, UserError> {
    let exported: Vec<&str> = dump.functions.iter().map(|f| f.c_name.as_str()).collect();
    for name in config.functions.keys() {
        if !exported.contains(&name.as_str()) {
            return Err(UserError::new(format!(
                "`tool.gowright.cgo.functions.{name}` names no `//export` function of the package"
            ))
            .hint(format!(
                "the exported functions are: {}",
                exported.join(", ")
            )));
        }
    }
    // Functions that free what others return are not callable from Python safely.
    let mut frees: Vec<String> = Vec::new();
    for f in config.functions.values() {
        if let FreeWith::Export(name) = f.free_with() {
            if !exported.contains(&name.as_str()) {
                return Err(UserError::new(format!(
                    "`free = \"{name}\"` names no `//export` function of the package"
                ))
                .hint("name the exported function that frees the string, \"free\" for C.CString's memory, or \"none\" for static strings"));
            }
            let takes_a_string = dump.functions.iter().any(|e| {
                e.c_name == name
                    && e.results.is_empty()
                    && e.params.len() == 1
                    && e.params[0].type_text == "*C.char"
            });
            if !takes_a_string {
                return Err(UserError::new(format!(
                    "`free = \"{name}\"`: {name} is not a function of one *C.char and no result"
                ))
                .hint(format!("export `func {name}(p *C.char) {{ C.free(unsafe.Pointer(p)) }}`, or use free = \"free\" for memory from C.CString")));
            }
            frees.push(name);
        }
    }
    let decls: Vec<(String, CDecls)> = dump
        .files
        .iter()
        .map(|f| (f.name.clone(), CDecls::parse(&f.preamble)))
        .collect();
    let mut binding = CgoBinding {
        import_path: dump.package.import_path.clone(),
        functions: Vec::new(),
        structs: Vec::new(),
        skipped: Vec::new(),
    };
    let release_default = config.release_gil.unwrap_or(true);
    let mut py_names: Vec<String> = Vec::new();
    for export in &dump.functions {
        let settings = config.function(&export.c_name);
        if settings.skip || frees.contains(&export.c_name) {
            continue;
        }
        let file_decls = decls
            .iter()
            .find(|(n, _)| *n == export.file)
            .map(|(_, d)| d)
            .cloned()
            .unwrap_or_default();
        let mut planner = Planner {
            decls: &file_decls,
            settings: &settings,
            structs: &mut binding.structs,
        };
        match planner.function(export, release_default) {
            Ok(func) => {
                if py_names.contains(&func.py_name) || is_reserved(&func.py_name) {
                    return Err(UserError::new(format!(
                        "two exported functions would both be `{}` in Python (or the name is taken by the module)",
                        func.py_name
                    ))
                    .hint(format!(
                        "rename one with `[tool.gowright.cgo.functions.{}] name = \"...\"`",
                        export.c_name
                    )));
                }
                py_names.push(func.py_name.clone());
                binding.functions.push(func);
            }
            Err(reason) => binding
                .skipped
                .push(format!("func {} ({}): {reason}", export.c_name, export.pos)),
        }
    }
    for (cname, f) in &config.functions {
        let Some(export) = dump.functions.iter().find(|e| &e.c_name == cname) else {
            continue;
        };
        for p in f.out.iter().chain(&f.pointers).chain(&f.buffers) {
            let known = p == "return"
                || export
                    .params
                    .iter()
                    .enumerate()
                    .any(|(i, q)| &q.name == p || *p == format!("arg{i}"));
            if !known {
                return Err(UserError::new(format!(
                    "`tool.gowright.cgo.functions.{cname}` names `{p}`, which is not a parameter of {cname}"
                ))
                .hint(format!(
                    "its parameters are: {}",
                    export
                        .params
                        .iter()
                        .map(|q| q.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
        }
    }
    // A struct's class and a function must not share a name in the package.
    for i in 0..binding.structs.len() {
        let taken = |name: &str, b: &CgoBinding| {
            b.functions.iter().any(|f| f.py_name == name)
                || b.structs
                    .iter()
                    .enumerate()
                    .any(|(j, s)| j != i && s.py_name == name)
        };
        while taken(&binding.structs[i].py_name, &binding) {
            binding.structs[i].py_name.insert_str(0, "struct_");
        }
    }
    Ok(binding)
}

/// Names the generated module defines itself.
fn is_reserved(name: &str) -> bool {
    matches!(name, "GoError" | "GoPanic")
}

struct Planner<'a> {
    decls: &'a CDecls,
    settings: &'a CgoFunctionConfig,
    structs: &'a mut Vec<BoundStruct>,
}

impl Planner<'_> {
    fn function(&mut self, export: &Export, release_default: bool) -> Result<CgoFunc, String> {
        if export.receiver {
            return Err("a method: cgo exports functions only".into());
        }
        if export.variadic {
            return Err("a variadic function".into());
        }
        let mut params = Vec::new();
        let mut taken: Vec<String> = Vec::new();
        for (i, p) in export.params.iter().enumerate() {
            let key = if p.name.is_empty() {
                format!("arg{i}")
            } else {
                p.name.clone()
            };
            let mut py_name = if p.name.is_empty() {
                key.clone()
            } else {
                snake_case(&p.name)
            };
            while taken.contains(&py_name) {
                py_name.push('_');
            }
            taken.push(py_name.clone());
            let kind = self
                .param(&p.type_text, &key)
                .map_err(|e| format!("parameter `{key}` ({}): {e}", p.type_text))?;
            params.push(CgoParam {
                py_name,
                go_type: p.type_text.clone(),
                kind,
            });
        }
        let mut results = Vec::new();
        for r in &export.results {
            let kind = self
                .result(&r.type_text, export.results.len())
                .map_err(|e| format!("result {}: {e}", r.type_text))?;
            results.push(CgoResult {
                go_type: r.type_text.clone(),
                kind,
            });
        }
        if self.settings.returns.is_some()
            && !results
                .iter()
                .any(|r| matches!(r.kind, ResultKind::CString { .. }))
        {
            return Err("`returns` is set, but the function returns no *C.char".into());
        }
        Ok(CgoFunc {
            c_name: export.c_name.clone(),
            go_name: export.go_name.clone(),
            py_name: self
                .settings
                .name
                .clone()
                .unwrap_or_else(|| snake_case(&export.c_name)),
            doc: export.doc.clone(),
            file: export.file.clone(),
            params,
            results,
            release_gil: self
                .settings
                .release_gil
                .unwrap_or(release_default && !export.trivial),
            trivial: export.trivial,
        })
    }

    fn param(&mut self, go_type: &str, key: &str) -> Result<ParamKind, String> {
        let is_out = self.settings.out.iter().any(|p| p == key);
        let is_pointer = self.settings.pointers.iter().any(|p| p == key);
        if self.settings.buffers.iter().any(|p| p == key) {
            return match go_type {
                "*C.char" | "*C.uchar" | "*C.schar" | "unsafe.Pointer" | "*byte" | "*uint8" => {
                    Ok(ParamKind::Buffer {
                        c: self
                            .pointer_spelling(go_type)
                            .unwrap_or_else(|| "void *".into()),
                    })
                }
                _ => {
                    Err("named in `buffers`, but not a *C.char, *C.uchar or unsafe.Pointer".into())
                }
            };
        }
        if is_pointer {
            return self
                .pointer_spelling(go_type)
                .map(|c| ParamKind::Pointer { c })
                .ok_or_else(|| "named in `pointers`, but not a pointer".to_string());
        }
        if let Some(inner) = go_type.strip_prefix('*') {
            if inner == "C.char" && !is_out {
                return Ok(ParamKind::CString);
            }
            if !is_out {
                return Err("a pointer: name it in `out` if Go writes a result through it, or in `pointers` to pass an address as an int".into());
            }
            if inner == "*C.char" {
                return Ok(ParamKind::Out(OutKind::CString {
                    bytes: self.settings.returns == Some(CharResult::Bytes),
                    free: self.settings.free_with(),
                }));
            }
            return match self.value(inner)? {
                Value::Scalar(scalar, c) => Ok(ParamKind::Out(OutKind::Scalar { scalar, c })),
                Value::Struct(index) => Ok(ParamKind::Out(OutKind::Struct { index })),
            };
        }
        if is_out {
            return Err("named in `out`, but not a pointer".into());
        }
        if go_type == "string" {
            return Ok(ParamKind::GoString);
        }
        if let Some(elem) = go_type.strip_prefix("[]") {
            if matches!(elem, "byte" | "uint8") {
                return Ok(ParamKind::Bytes);
            }
            return match go_basic(elem) {
                Some((scalar @ (Scalar::Int | Scalar::Float), c)) => Ok(ParamKind::Slice {
                    scalar,
                    c_elem: c.into(),
                }),
                _ => Err("a slice of something other than numbers".into()),
            };
        }
        if go_type == "unsafe.Pointer" {
            return Err(
                "an unsafe.Pointer: name it in `pointers` to pass an address as an int".into(),
            );
        }
        match self.value(go_type)? {
            Value::Scalar(scalar, c) => Ok(ParamKind::Scalar { scalar, c }),
            Value::Struct(index) => Ok(ParamKind::Struct { index }),
        }
    }

    fn result(&mut self, go_type: &str, count: usize) -> Result<ResultKind, String> {
        if self.settings.pointers.iter().any(|p| p == "return") && count == 1 {
            return self
                .pointer_spelling(go_type)
                .map(|c| ResultKind::Pointer { c })
                .ok_or_else(|| "`pointers` names \"return\", but it is not a pointer".into());
        }
        if go_type == "*C.char" {
            return Ok(ResultKind::CString {
                returns: self.settings.returns.unwrap_or_default(),
                free: self.settings.free_with(),
            });
        }
        if go_type == "string" || go_type.starts_with("[]") {
            return Err("Go memory cannot be returned to C (cgo's pointer rules); return a *C.char made with C.CString".into());
        }
        if go_type.starts_with('*') || go_type == "unsafe.Pointer" {
            return Err(
                "a pointer: add \"return\" to `pointers` to get the address as an int".into(),
            );
        }
        match self.value(go_type)? {
            Value::Scalar(scalar, c) => Ok(ResultKind::Scalar { scalar, c }),
            Value::Struct(index) => Ok(ResultKind::Struct { index }),
        }
    }

    /// A scalar or a struct of scalars: a Go basic type, a C scalar, a preamble struct.
    fn value(&mut self, go_type: &str) -> Result<Value, String> {
        if let Some((scalar, c)) = go_basic(go_type) {
            return Ok(Value::Scalar(scalar, c.into()));
        }
        let Some(c_name) = go_type.strip_prefix("C.") else {
            return Err(format!(
                "`{go_type}` is not a C type or a Go number, bool or string"
            ));
        };
        let spelling = c_spelling(c_name);
        if let Some(scalar) = named_scalar(&spelling)
            .or_else(|| self.decls.scalar_of(&words(&spelling)))
            .filter(|_| !spelling.starts_with("struct "))
        {
            return Ok(Value::Scalar(scalar, spelling));
        }
        match self.decls.get(&spelling) {
            Some(CDecl::Scalar(s)) => Ok(Value::Scalar(*s, spelling)),
            Some(CDecl::Struct(s)) => Ok(Value::Struct(self.struct_index(s))),
            Some(CDecl::Other(why)) => Err(format!("`{spelling}` is {why}")),
            None => Err(format!(
                "`{spelling}` is not declared in the preamble of the file (as a number or a struct of numbers)"
            )),
        }
    }

    /// How C declares the pointer type `go_type`, if it is one.
    fn pointer_spelling(&self, go_type: &str) -> Option<String> {
        if go_type == "unsafe.Pointer" {
            return Some("void *".into());
        }
        let inner = go_type.strip_prefix('*')?;
        let base = if let Some((_, c)) = go_basic(inner) {
            c.to_string()
        } else if let Some(c) = inner.strip_prefix("C.") {
            c_spelling(c)
        } else if let Some(rest) = inner.strip_prefix('*') {
            return self.pointer_spelling(rest).map(|p| format!("{p}*"));
        } else {
            return None;
        };
        Some(format!("{base} *"))
    }

    fn struct_index(&mut self, s: &CStruct) -> usize {
        if let Some(i) = self.structs.iter().position(|b| b.c.spelling == s.spelling) {
            return i;
        }
        let base = s.spelling.trim_start_matches("struct ").to_string();
        let mut py_name = base.clone();
        if self.structs.iter().any(|b| b.py_name == py_name) || is_reserved(&py_name) {
            py_name = format!("struct_{base}");
        }
        self.structs.push(BoundStruct {
            py_name,
            c: s.clone(),
        });
        self.structs.len() - 1
    }
}

enum Value {
    Scalar(Scalar, String),
    Struct(usize),
}

fn words(spelling: &str) -> Vec<String> {
    spelling.split(' ').map(str::to_string).collect()
}

/// A Go basic type as cgo's header declares it (`bool` is `GoUint8` there).
fn go_basic(go_type: &str) -> Option<(Scalar, &'static str)> {
    Some(match go_type {
        "bool" => (Scalar::Bool, "GoUint8"),
        "int" => (Scalar::Int, "GoInt"),
        "int8" => (Scalar::Int, "GoInt8"),
        "int16" => (Scalar::Int, "GoInt16"),
        "int32" | "rune" => (Scalar::Int, "GoInt32"),
        "int64" => (Scalar::Int, "GoInt64"),
        "uint" => (Scalar::Int, "GoUint"),
        "uint8" | "byte" => (Scalar::Int, "GoUint8"),
        "uint16" => (Scalar::Int, "GoUint16"),
        "uint32" => (Scalar::Int, "GoUint32"),
        "uint64" => (Scalar::Int, "GoUint64"),
        "uintptr" => (Scalar::Int, "GoUintptr"),
        "float32" => (Scalar::Float, "GoFloat32"),
        "float64" => (Scalar::Float, "GoFloat64"),
        _ => return None,
    })
}

/// How C spells the type cgo calls `C.<name>`: `C.uint` is `unsigned int`, `C.struct_point` is
/// `struct point`, a typedef is its own name.
fn c_spelling(name: &str) -> String {
    let fixed = match name {
        "schar" => "signed char",
        "uchar" => "unsigned char",
        "ushort" => "unsigned short",
        "uint" => "unsigned int",
        "ulong" => "unsigned long",
        "longlong" => "long long",
        "ulonglong" => "unsigned long long",
        _ => "",
    };
    if !fixed.is_empty() {
        return fixed.into();
    }
    for kw in ["struct", "enum", "union"] {
        if let Some(tag) = name.strip_prefix(kw).and_then(|r| r.strip_prefix('_')) {
            return format!("{kw} {tag}");
        }
    }
    name.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dump(json: &str) -> ExportsDump {
        serde_json::from_str(json).unwrap()
    }

    const DUMP: &str = r#"{
      "package": {"name": "main", "import_path": "example.com/geo", "doc": ""},
      "files": [{"name": "geo.go", "preamble": "typedef struct { double x, y; } vec2;\nstruct box { vec2 lo; };\n"}],
      "functions": [
        {"c_name": "Norm", "go_name": "Norm", "doc": "Norm is the length.", "file": "geo.go", "pos": "geo.go:9",
         "params": [{"name": "v", "type": "C.vec2"}], "results": [{"name": "", "type": "C.double"}], "variadic": false, "receiver": false},
        {"c_name": "DivMod", "go_name": "DivMod", "doc": "", "file": "geo.go", "pos": "geo.go:12",
         "params": [{"name": "a", "type": "C.int"}, {"name": "b", "type": "C.uint"}, {"name": "rem", "type": "*C.int"}],
         "results": [{"name": "", "type": "C.int"}, {"name": "", "type": "bool"}], "variadic": false, "receiver": false},
        {"c_name": "Hello", "go_name": "hello", "doc": "", "file": "geo.go", "pos": "geo.go:15",
         "params": [{"name": "name", "type": "*C.char"}, {"name": "", "type": "string"}, {"name": "data", "type": "[]float64"}],
         "results": [{"name": "", "type": "*C.char"}], "variadic": false, "receiver": false},
        {"c_name": "Area", "go_name": "Area", "doc": "", "file": "geo.go", "pos": "geo.go:18",
         "params": [{"name": "b", "type": "C.struct_box"}], "results": [], "variadic": false, "receiver": false},
        {"c_name": "Keys", "go_name": "Keys", "doc": "", "file": "geo.go", "pos": "geo.go:21",
         "params": [{"name": "m", "type": "map[string]int"}], "results": [], "variadic": false, "receiver": false}
      ]
    }"#;

    #[test]
    fn kinds_of_the_exports() {
        let mut config = CgoConfig::default();
        config.functions.insert(
            "DivMod".into(),
            CgoFunctionConfig {
                out: vec!["rem".into()],
                name: Some("divmod_".into()),
                release_gil: Some(false),
                ..Default::default()
            },
        );
        let b = plan(&dump(DUMP), &config).unwrap();
        let names: Vec<&str> = b.functions.iter().map(|f| f.py_name.as_str()).collect();
        assert_eq!(names, ["norm", "divmod_", "hello"]);
        assert_eq!(b.structs.len(), 1);
        assert_eq!(b.structs[0].py_name, "vec2");
        let divmod = &b.functions[1];
        assert!(!divmod.release_gil);
        assert_eq!(
            divmod.params[1].kind,
            ParamKind::Scalar {
                scalar: Scalar::Int,
                c: "unsigned int".into()
            }
        );
        assert!(matches!(
            divmod.params[2].kind,
            ParamKind::Out(OutKind::Scalar { .. })
        ));
        assert_eq!(divmod.py_params().count(), 2);
        assert_eq!(
            divmod.results[1].kind,
            ResultKind::Scalar {
                scalar: Scalar::Bool,
                c: "GoUint8".into()
            }
        );
        let hello = &b.functions[2];
        assert_eq!(hello.params[0].kind, ParamKind::CString);
        assert_eq!(hello.params[1].py_name, "arg1");
        assert_eq!(hello.params[1].kind, ParamKind::GoString);
        assert!(matches!(hello.params[2].kind, ParamKind::Slice { .. }));
        assert_eq!(b.skipped.len(), 2, "{:?}", b.skipped);
        assert!(b.skipped[0].contains("func Area") && b.skipped[0].contains("lo"));
        assert!(b.skipped[1].contains("map[string]int"));
    }

    #[test]
    fn settings_must_name_what_exists() {
        let mut config = CgoConfig::default();
        config
            .functions
            .insert("Nope".into(), CgoFunctionConfig::default());
        assert!(
            plan(&dump(DUMP), &config)
                .unwrap_err()
                .message
                .contains("Nope")
        );
        let mut config = CgoConfig::default();
        config.functions.insert(
            "Norm".into(),
            CgoFunctionConfig {
                out: vec!["w".into()],
                ..Default::default()
            },
        );
        let err = plan(&dump(DUMP), &config).unwrap_err();
        assert!(err.message.contains("`w`"), "{}", err.message);
    }

    #[test]
    fn free_functions_must_take_one_string_and_classes_do_not_shadow_functions() {
        let mut config = CgoConfig::default();
        config.functions.insert(
            "Hello".into(),
            CgoFunctionConfig {
                free: Some("Norm".into()),
                ..Default::default()
            },
        );
        let err = plan(&dump(DUMP), &config).unwrap_err();
        assert!(
            err.message
                .contains("Norm is not a function of one *C.char"),
            "{}",
            err.message
        );
        let mut config = CgoConfig::default();
        config.functions.insert(
            "Norm".into(),
            CgoFunctionConfig {
                name: Some("vec2".into()),
                ..Default::default()
            },
        );
        let b = plan(&dump(DUMP), &config).unwrap();
        assert_eq!(b.functions[0].py_name, "vec2");
        assert_eq!(b.structs[0].py_name, "struct_vec2");
    }
}
