//! Typed Python distribution names.
//!
//! Implements the name rules of the packaging specifications:
//! - valid project names: <https://packaging.python.org/en/latest/specifications/name-normalization/>
//! - PEP 503 normalization (`Foo.Bar_baz` → `foo-bar-baz`) for comparisons and sdist names (PEP 625)
//! - the escaping used in wheel filenames and `.dist-info` directories
//!   (<https://packaging.python.org/en/latest/specifications/binary-distribution-format/#escaping-and-unicode>)

use std::fmt;
use std::str::FromStr;

/// A validated Python project name, as the user wrote it in `[project].name`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DistName {
    original: String,
}

/// Why a project name was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error(
    "invalid project name `{0}`: a name consists of ASCII letters, digits, `.`, `_` and `-`, and starts and ends with a letter or digit"
)]
pub struct InvalidName(pub String);

impl FromStr for DistName {
    type Err = InvalidName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bytes = s.as_bytes();
        let ok = !bytes.is_empty()
            && bytes.first().is_some_and(u8::is_ascii_alphanumeric)
            && bytes.last().is_some_and(u8::is_ascii_alphanumeric)
            && bytes
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
        if ok {
            Ok(Self {
                original: s.to_string(),
            })
        } else {
            Err(InvalidName(s.to_string()))
        }
    }
}

impl DistName {
    /// The name exactly as written in `pyproject.toml` (used for `Name:` in METADATA).
    pub fn as_str(&self) -> &str {
        &self.original
    }

    /// PEP 503 normalized form: lower-case, runs of `-_.` become a single `-`.
    pub fn normalized(&self) -> String {
        collapse_separators(&self.original, '-')
    }

    /// The escaped form used in wheel filenames, `.dist-info`/`.data` directories and sdist names:
    /// lower-case, runs of `-_.` become a single `_`.
    pub fn escaped(&self) -> String {
        collapse_separators(&self.original, '_')
    }

    /// A valid Python identifier derived from the name (`hello-tool` → `hello_tool`), the default
    /// import name of the Python package gowright generates.
    pub fn module_name(&self) -> String {
        let escaped = self.escaped();
        if escaped.starts_with(|c: char| c.is_ascii_digit()) {
            format!("_{escaped}")
        } else {
            escaped
        }
    }
}

impl fmt::Display for DistName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.original)
    }
}

fn collapse_separators(name: &str, sep: char) -> String {
    let mut out = String::with_capacity(name.len());
    let mut in_run = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !in_run {
                out.push(sep);
            }
            in_run = true;
        } else {
            out.push(c.to_ascii_lowercase());
            in_run = false;
        }
    }
    out
}

/// Whether `s` is a valid Python identifier made of ASCII characters (what gowright accepts as an
/// import name in `module-name`).
pub fn is_python_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !PYTHON_KEYWORDS.contains(&s)
}

const PYTHON_KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_and_escapes() {
        let n: DistName = "Hello_World..Tool".parse().unwrap();
        assert_eq!(n.normalized(), "hello-world-tool");
        assert_eq!(n.escaped(), "hello_world_tool");
        assert_eq!(n.module_name(), "hello_world_tool");
        assert_eq!(n.as_str(), "Hello_World..Tool");
    }

    #[test]
    fn module_name_of_leading_digit() {
        let n: DistName = "3d-tool".parse().unwrap();
        assert_eq!(n.module_name(), "_3d_tool");
    }

    #[test]
    fn rejects_invalid_names() {
        for bad in ["", "-hello", "hello-", "héllo", "hello world", "a/b"] {
            assert!(
                bad.parse::<DistName>().is_err(),
                "{bad:?} should be refused"
            );
        }
        for good in ["a", "A1", "a.b-c_d", "0x"] {
            assert!(
                good.parse::<DistName>().is_ok(),
                "{good:?} should be accepted"
            );
        }
    }

    #[test]
    fn identifiers() {
        assert!(is_python_identifier("hello_tool"));
        assert!(is_python_identifier("_x1"));
        assert!(!is_python_identifier("1x"));
        assert!(!is_python_identifier("hello-tool"));
        assert!(!is_python_identifier("class"));
    }
}
