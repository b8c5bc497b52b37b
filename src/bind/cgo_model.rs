//! What `apidump -exports` prints (the `//export` functions of a `main` package, as written in
//! Go: see `apidump/exports.go`), and the C declarations of a cgo preamble that the generated
//! module converts Python values to: structs of C scalars and typedefs of scalars.

use serde::Deserialize;

/// The output of `apidump -exports`.
#[derive(Debug, Clone, Deserialize)]
pub struct ExportsDump {
    pub package: super::model::PackageInfo,
    /// The files declaring `//export` functions.
    pub files: Vec<CgoFile>,
    /// The exported functions, in file and source order.
    pub functions: Vec<Export>,
}

/// A file of the package that declares `//export` functions.
#[derive(Debug, Clone, Deserialize)]
pub struct CgoFile {
    /// The base name (`export.go`).
    pub name: String,
    /// The comment above `import "C"`.
    pub preamble: String,
}

/// A function marked `//export CName`.
#[derive(Debug, Clone, Deserialize)]
pub struct Export {
    pub c_name: String,
    pub go_name: String,
    pub doc: String,
    pub file: String,
    /// `file.go:LINE`.
    pub pos: String,
    pub params: Vec<GoTyped>,
    pub results: Vec<GoTyped>,
    pub variadic: bool,
    pub receiver: bool,
    /// One `return` of operators: cannot block or panic (called without a wrapper, GIL held).
    #[serde(default)]
    pub trivial: bool,
}

/// A parameter or result: its name (empty when unnamed or `_`) and its type as written.
#[derive(Debug, Clone, Deserialize)]
pub struct GoTyped {
    pub name: String,
    #[serde(rename = "type")]
    pub type_text: String,
}

/// A C scalar: what a value converts to and from in Python.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scalar {
    /// Any C integer (its width and signedness are the C compiler's: the glue asks `sizeof`).
    Int,
    /// `float` or `double`.
    Float,
    /// `_Bool` (or Go's `bool`, which crosses as `GoUint8`).
    Bool,
}

/// A struct of the preamble whose fields are all scalars.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CStruct {
    /// How C names the type: `vec2` (a typedef) or `struct point`.
    pub spelling: String,
    pub fields: Vec<(String, Scalar)>,
}

/// What a type name of the preamble stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CDecl {
    Scalar(Scalar),
    Struct(CStruct),
    /// Declared, but not something the module converts (with the reason).
    Other(String),
}

/// The type names a preamble declares: `vec2`, `struct point`, `enum color`, `myint`.
#[derive(Debug, Clone, Default)]
pub struct CDecls {
    pub names: Vec<(String, CDecl)>,
}

impl CDecls {
    /// What `spelling` (as in [`CStruct::spelling`]) declares, if the preamble declares it.
    pub fn get(&self, spelling: &str) -> Option<&CDecl> {
        self.names
            .iter()
            .rev()
            .find(|(n, _)| n == spelling)
            .map(|(_, d)| d)
    }

    /// Reads the struct, enum and typedef declarations of a preamble. A hand-written scan, not
    /// a C parser (no crate parses C declarations without a compiler): it understands the
    /// declarations of plain data the generated module converts, and records anything else it
    /// meets under a type name as [`CDecl::Other`].
    pub fn parse(preamble: &str) -> CDecls {
        let tokens = tokenize(&strip_comments_and_directives(preamble));
        let mut decls = CDecls::default();
        for statement in split_top_level(&tokens) {
            decls.declare(statement);
        }
        decls
    }

    fn declare(&mut self, st: &[String]) {
        let Some(first) = st.first() else { return };
        let is_typedef = first == "typedef";
        let body = if is_typedef { &st[1..] } else { st };
        match body.first().map(String::as_str) {
            Some(kw @ ("struct" | "union" | "enum")) => {
                let tag = body
                    .get(1)
                    .filter(|t| is_ident(t))
                    .map(|t| format!("{kw} {t}"));
                let open = body.iter().position(|t| t == "{");
                let close = body.iter().rposition(|t| t == "}");
                let decl = match (kw, open, close) {
                    ("enum", Some(_), Some(_)) => Some(CDecl::Scalar(Scalar::Int)),
                    ("struct", Some(o), Some(c)) => Some(self.struct_decl(&body[o + 1..c])),
                    ("union", Some(_), Some(_)) => {
                        Some(CDecl::Other("a union, which has no Python value".into()))
                    }
                    _ => None,
                };
                let after = close.map_or(2, |c| c + 1);
                let alias = is_typedef
                    .then(|| body.get(after))
                    .flatten()
                    .filter(|t| is_ident(t) && body.len() == after + 1);
                if let Some(decl) = decl {
                    if let Some(tag) = &tag {
                        let named = match decl.clone() {
                            CDecl::Struct(s) => CDecl::Struct(CStruct {
                                spelling: tag.clone(),
                                ..s
                            }),
                            other => other,
                        };
                        self.names.push((tag.clone(), named));
                    }
                    if let Some(alias) = alias {
                        let decl = match decl {
                            CDecl::Struct(s) => CDecl::Struct(CStruct {
                                spelling: alias.clone(),
                                ..s
                            }),
                            other => other,
                        };
                        self.names.push((alias.clone(), decl));
                    }
                } else if let (Some(tag), Some(alias)) = (tag, alias) {
                    // `typedef struct point point_t;`: the alias is what the tag is.
                    let decl = match self.get(&tag).cloned() {
                        Some(CDecl::Struct(s)) => CDecl::Struct(CStruct {
                            spelling: alias.clone(),
                            ..s
                        }),
                        Some(other) => other,
                        None => CDecl::Other(format!("`{tag}` is not defined in the preamble")),
                    };
                    self.names.push((alias.clone(), decl));
                }
            }
            _ if is_typedef => {
                let Some(name) = body.last().filter(|t| is_ident(t)) else {
                    return;
                };
                let of = &body[..body.len() - 1];
                let decl = match self.scalar_of(of) {
                    Some(s) => CDecl::Scalar(s),
                    None => CDecl::Other(format!("a typedef of `{}`", of.join(" "))),
                };
                self.names.push((name.clone(), decl));
            }
            _ => {}
        }
    }

    fn struct_decl(&self, body: &[String]) -> CDecl {
        let mut fields = Vec::new();
        for member in split_top_level(body) {
            let mut parts = member.split(|t| t == ",");
            let Some(first) = parts.next() else { continue };
            let Some((name, ty)) = first.split_last() else {
                continue;
            };
            let Some(scalar) = self.scalar_of(ty).filter(|_| is_ident(name)) else {
                return CDecl::Other(format!(
                    "a struct whose field `{}` is not a C number",
                    member.join(" ")
                ));
            };
            fields.push((name.clone(), scalar));
            for more in parts {
                match more {
                    [name] if is_ident(name) => fields.push((name.clone(), scalar)),
                    _ => {
                        return CDecl::Other(format!(
                            "a struct whose field `{}` is not a C number",
                            more.join(" ")
                        ));
                    }
                }
            }
        }
        if fields.is_empty() {
            return CDecl::Other("a struct without fields".into());
        }
        CDecl::Struct(CStruct {
            spelling: String::new(),
            fields,
        })
    }

    /// The scalar that the type tokens `ty` (qualifiers allowed) name.
    pub fn scalar_of(&self, ty: &[String]) -> Option<Scalar> {
        let words: Vec<&str> = ty
            .iter()
            .map(String::as_str)
            .filter(|t| !matches!(*t, "const" | "volatile"))
            .collect();
        if words.is_empty() {
            return None;
        }
        if let [one] = words.as_slice() {
            if let Some(s) = named_scalar(one) {
                return Some(s);
            }
            if let Some(CDecl::Scalar(s)) = self.get(one) {
                return Some(*s);
            }
        }
        if let ["enum", tag] = words.as_slice()
            && is_ident(tag)
        {
            return Some(Scalar::Int);
        }
        let integer_words = ["signed", "unsigned", "char", "short", "int", "long"];
        if words.iter().all(|w| integer_words.contains(w)) {
            return Some(Scalar::Int);
        }
        match words.as_slice() {
            ["float"] | ["double"] => Some(Scalar::Float),
            _ => None,
        }
    }
}

/// The scalar a single-word C type name is, without a preamble: C's keywords, `<stdint.h>`,
/// `<stddef.h>` and `<stdbool.h>` names, and the `Go*` types of cgo's header.
pub fn named_scalar(name: &str) -> Option<Scalar> {
    Some(match name {
        "char" | "short" | "int" | "long" | "signed" | "unsigned" | "size_t" | "ssize_t"
        | "ptrdiff_t" | "intptr_t" | "uintptr_t" | "intmax_t" | "uintmax_t" | "int8_t"
        | "int16_t" | "int32_t" | "int64_t" | "uint8_t" | "uint16_t" | "uint32_t" | "uint64_t"
        | "GoInt" | "GoInt8" | "GoInt16" | "GoInt32" | "GoInt64" | "GoUint" | "GoUint8"
        | "GoUint16" | "GoUint32" | "GoUint64" | "GoUintptr" => Scalar::Int,
        "float" | "double" | "GoFloat32" | "GoFloat64" => Scalar::Float,
        "_Bool" | "bool" => Scalar::Bool,
        _ => return None,
    })
}

fn is_ident(t: &str) -> bool {
    crate::config::cgo::is_c_identifier(t)
}

/// The preamble without comments and preprocessor lines (`#include`, `#cgo`, `#define`, with
/// their continuation lines).
fn strip_comments_and_directives(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut at_line_start = true;
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut prev = ' ';
                for c in chars.by_ref() {
                    if prev == '*' && c == '/' {
                        break;
                    }
                    prev = c;
                }
                out.push(' ');
            }
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
                out.push('\n');
                at_line_start = true;
            }
            '#' if at_line_start => {
                let mut prev = ' ';
                for c in chars.by_ref() {
                    if c == '\n' && prev != '\\' {
                        break;
                    }
                    prev = c;
                }
                out.push('\n');
            }
            '\n' => {
                out.push('\n');
                at_line_start = true;
            }
            c if c.is_whitespace() => out.push(c),
            c => {
                out.push(c);
                at_line_start = false;
            }
        }
    }
    out
}

/// Identifiers, numbers and single punctuation characters.
fn tokenize(text: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut word = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            word.push(c);
            continue;
        }
        if !word.is_empty() {
            tokens.push(std::mem::take(&mut word));
        }
        if !c.is_whitespace() {
            tokens.push(c.to_string());
        }
    }
    if !word.is_empty() {
        tokens.push(word);
    }
    tokens
}

/// Splits tokens at the `;` outside braces and parentheses (a function body `{...}` ends a
/// statement too).
fn split_top_level(tokens: &[String]) -> Vec<&[String]> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    for (i, t) in tokens.iter().enumerate() {
        match t.as_str() {
            "{" | "(" | "[" => depth += 1,
            "}" | ")" | "]" => {
                depth = depth.saturating_sub(1);
                // `int f(void) { ... }`: a definition, which no `;` follows.
                if depth == 0 && t == "}" && tokens.get(i + 1).is_none_or(|n| n != ";") {
                    let statement = &tokens[start..=i];
                    if statement.iter().any(|t| t == "(") {
                        start = i + 1;
                    }
                }
            }
            ";" if depth == 0 => {
                if i > start {
                    out.push(&tokens[start..i]);
                }
                start = i + 1;
            }
            _ => {}
        }
    }
    if start < tokens.len() {
        out.push(&tokens[start..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn structs_and_typedefs_of_a_preamble() {
        let decls = CDecls::parse(
            "#include <stdlib.h>\n#cgo CFLAGS: -O2 \\\n  -g\n/* a comment */\n\
             typedef struct { double x, y; } vec2;\n\
             struct point { int x; unsigned long long y; }; // tail\n\
             typedef struct point point_t;\n\
             typedef unsigned int uint_t;\n\
             enum color { RED, GREEN };\n\
             struct list { struct list *next; };\n\
             static inline int twice(int x) { return 2 * x; }\n\
             typedef union { int i; float f; } number;\n",
        );
        assert_eq!(
            decls.get("vec2"),
            Some(&CDecl::Struct(CStruct {
                spelling: "vec2".into(),
                fields: vec![("x".into(), Scalar::Float), ("y".into(), Scalar::Float)],
            }))
        );
        let Some(CDecl::Struct(point)) = decls.get("struct point") else {
            panic!("{decls:?}")
        };
        assert_eq!(point.fields.len(), 2);
        let Some(CDecl::Struct(alias)) = decls.get("point_t") else {
            panic!("{decls:?}")
        };
        assert_eq!(alias.spelling, "point_t");
        assert_eq!(decls.get("uint_t"), Some(&CDecl::Scalar(Scalar::Int)));
        assert_eq!(decls.get("enum color"), Some(&CDecl::Scalar(Scalar::Int)));
        assert!(matches!(decls.get("struct list"), Some(CDecl::Other(_))));
        assert!(matches!(decls.get("number"), Some(CDecl::Other(_))));
        assert_eq!(decls.get("twice"), None);
    }
}
