//! `[tool.gowright.cgo]`: how the module generated for `bindings = "cgo"` calls the package's
//! `//export` functions where their C signature alone does not say (see `bind::cgo_api`).

use indexmap::IndexMap;
use serde::Deserialize;

use crate::error::UserError;
use crate::names::is_python_identifier;

/// `[tool.gowright.cgo]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct CgoConfig {
    /// Release the GIL during calls (default true), unless a function says otherwise.
    pub release_gil: Option<bool>,
    /// Per-function settings, keyed by the exported C name (`[tool.gowright.cgo.functions.verify]`).
    #[serde(default)]
    pub functions: IndexMap<String, CgoFunctionConfig>,
}

/// `[tool.gowright.cgo.functions.<CName>]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct CgoFunctionConfig {
    /// The Python name (default: the C name in snake_case).
    pub name: Option<String>,
    /// What a `*C.char` result is: `str` (default), `bytes`, or `error` (NULL means success and
    /// gives None; anything else is the message of a `GoError`).
    pub returns: Option<CharResult>,
    /// How a `*C.char` result (or out-parameter) is freed after it is copied: `free` (the C
    /// library's, as `C.CString` allocates), the C name of an exported function taking the
    /// pointer, or `none` for static memory.
    pub free: Option<String>,
    /// Pointer parameters the function writes its extra results through: left out of the
    /// Python signature and returned after the result.
    #[serde(default)]
    pub out: Vec<String>,
    /// Pointer parameters (and results, with `"return"`) passed as Python ints holding the
    /// address.
    #[serde(default)]
    pub pointers: Vec<String>,
    /// `*C.char`, `*C.uchar` or `unsafe.Pointer` parameters that take a bytes-like object's
    /// memory in place (no copy, no NUL terminator: for functions given the length too).
    #[serde(default)]
    pub buffers: Vec<String>,
    /// Release the GIL during the call (default: `[tool.gowright.cgo] release-gil`).
    pub release_gil: Option<bool>,
    /// Leave the function out of the module, without a warning.
    #[serde(default)]
    pub skip: bool,
}

/// What a `*C.char` result becomes in Python.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum CharResult {
    #[default]
    Str,
    Bytes,
    Error,
}

/// How a returned C string is freed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FreeWith {
    /// The C library's `free` (memory from `C.CString`/`C.malloc`).
    Free,
    /// An exported function of the package.
    Export(String),
    /// Static memory: not freed.
    Nothing,
}

impl CgoFunctionConfig {
    /// The free function as configured.
    pub fn free_with(&self) -> FreeWith {
        match self.free.as_deref() {
            None | Some("free") => FreeWith::Free,
            Some("none") => FreeWith::Nothing,
            Some(other) => FreeWith::Export(other.to_string()),
        }
    }
}

impl CgoConfig {
    /// Checks what can be checked without the Go package: names and spellings.
    pub fn validate(&self) -> Result<(), UserError> {
        for (cname, f) in &self.functions {
            let field = format!("`tool.gowright.cgo.functions.{cname}`");
            if let Some(name) = &f.name
                && (!is_python_identifier(name) || name.starts_with("__"))
            {
                return Err(UserError::new(format!(
                    "{field}.name = {name:?} is not a Python function name"
                ))
                .hint("use letters, digits and underscores, not starting with a digit"));
            }
            if let Some(free) = &f.free
                && !is_c_identifier(free)
            {
                return Err(UserError::new(format!(
                    "{field}.free = {free:?} is neither \"free\", \"none\" nor the C name of an exported function"
                ))
                .hint("\"free\" for memory from C.CString, \"none\" for static strings, or the name of an //export function that frees the pointer"));
            }
            for (list, key) in [
                (&f.out, "out"),
                (&f.pointers, "pointers"),
                (&f.buffers, "buffers"),
            ] {
                let mut seen = Vec::new();
                for p in list {
                    if seen.contains(&p) {
                        return Err(UserError::new(format!("{field}.{key} names `{p}` twice"))
                            .hint("name each parameter once"));
                    }
                    seen.push(p);
                }
            }
            let lists = [
                ("out", &f.out),
                ("pointers", &f.pointers),
                ("buffers", &f.buffers),
            ];
            for (i, (a, first)) in lists.iter().enumerate() {
                for (b, second) in &lists[i + 1..] {
                    if let Some(p) = first.iter().find(|p| second.contains(p)) {
                        return Err(UserError::new(format!(
                            "{field}: `{p}` is in both `{a}` and `{b}`"
                        ))
                        .hint("`out`: Go writes a result through it; `pointers`: an address passed as an int; `buffers`: a bytes-like object's memory: choose one"));
                    }
                }
            }
        }
        Ok(())
    }

    /// The settings of the function exported as `cname` (defaults when none are written).
    pub fn function(&self, cname: &str) -> CgoFunctionConfig {
        self.functions.get(cname).cloned().unwrap_or_default()
    }
}

/// A C identifier: letters, digits and `_`, not starting with a digit.
pub fn is_c_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}
