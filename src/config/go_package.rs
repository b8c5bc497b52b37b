//! `tool.gowright.go-package`: the Go package, or packages, a project builds.
//!
//! An entry is a directory of the project (`"."`, `"./cmd/tool"`, `"pkg/example"`) or the
//! import path of a package of a module the project's `go.mod` requires
//! (`"github.com/google/uuid"`), told apart as the go command tells them apart: a path that
//! starts with `.` is a directory, one whose first element holds a dot is an import path
//! (unless the project has a file or directory of that name: `main.go` is a path). A
//! list of entries (`bindings = "lib"` only) becomes one extension module with a Python
//! sub-module per package.

use std::fmt;

use serde::Deserialize;

use crate::error::UserError;

/// One entry of `tool.gowright.go-package`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GoPackageSpec {
    /// A directory of the project, relative to pyproject.toml, as written.
    Dir(String),
    /// The import path of a package the project's Go module requires.
    Import(String),
}

impl GoPackageSpec {
    /// Classifies and checks one entry.
    pub fn parse(text: &str) -> Result<Self, UserError> {
        if text.is_empty() || text.starts_with('/') || text.contains('\\') {
            return Err(UserError::new(format!(
                "`tool.gowright.go-package` = {text:?} is not a relative path or a Go import path"
            ))
            .hint("give the directory of the Go package relative to pyproject.toml, e.g. \".\" or \"./cmd/tool\", or the import path of a package of a required module, e.g. \"github.com/google/uuid\""));
        }
        let first = text.split('/').next().unwrap_or_default();
        if text.starts_with('.') || !first.contains('.') {
            return Ok(Self::Dir(text.to_string()));
        }
        // Go's own rule for import paths of modules (module.CheckImportPath): ASCII letters,
        // digits and `-._~+`, elements separated by single slashes, none starting with a dot.
        let valid = text.split('/').all(|element| {
            !element.is_empty()
                && !element.starts_with('.')
                && !element.ends_with('.')
                && element
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-._~+".contains(c))
        });
        if !valid {
            return Err(UserError::new(format!(
                "`tool.gowright.go-package` = {text:?} is not a valid Go import path"
            ))
            .hint("write the import path as in a Go import statement, e.g. \"github.com/google/uuid\", or a directory of the project starting with \"./\""));
        }
        Ok(Self::Import(text.to_string()))
    }

    /// The package as the go command takes it: `./dir` or the import path.
    pub fn pattern(&self) -> String {
        match self {
            Self::Dir(dir) => {
                // `pkg/x/` and `./pkg/x` are the same directory as `./pkg/x`.
                let dir = dir.trim_end_matches('/');
                let dir = if dir.is_empty() { "." } else { dir };
                if dir == "." || dir.starts_with("./") || dir.starts_with("../") {
                    dir.to_string()
                } else {
                    format!("./{dir}")
                }
            }
            Self::Import(path) => path.clone(),
        }
    }

    /// The entry as `pyproject.toml` writes it.
    pub fn as_written(&self) -> &str {
        match self {
            Self::Dir(text) | Self::Import(text) => text,
        }
    }

    /// The directory, for an entry that is one.
    pub fn dir(&self) -> Option<&str> {
        match self {
            Self::Dir(dir) => Some(dir),
            Self::Import(_) => None,
        }
    }
}

impl fmt::Display for GoPackageSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_written())
    }
}

/// `go-package` as written: a string or a list of strings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawGoPackages(pub Vec<String>);

impl<'de> Deserialize<'de> for RawGoPackages {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // By hand rather than `#[serde(untagged)]`, whose error names no expected type.
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = RawGoPackages;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or a list of strings")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(RawGoPackages(vec![v.to_string()]))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Self::Value, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<String>()? {
                    items.push(item);
                }
                Ok(RawGoPackages(items))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// Validates the entries of `go-package` (`None`: the project directory).
pub fn validate(raw: Option<RawGoPackages>) -> Result<Vec<GoPackageSpec>, UserError> {
    let Some(RawGoPackages(items)) = raw else {
        return Ok(vec![GoPackageSpec::Dir(".".into())]);
    };
    if items.is_empty() {
        return Err(
            UserError::new("`tool.gowright.go-package` is an empty list")
                .hint("name at least one Go package, or leave `go-package` out to build the package in the project directory"),
        );
    }
    let specs = items
        .iter()
        .map(|item| GoPackageSpec::parse(item))
        .collect::<Result<Vec<_>, _>>()?;
    for (i, spec) in specs.iter().enumerate() {
        if specs[..i].iter().any(|s| s.pattern() == spec.pattern()) {
            return Err(UserError::new(format!(
                "`tool.gowright.go-package` names {spec:?} twice",
                spec = spec.as_written()
            ))
            .hint("list each Go package once"));
        }
    }
    Ok(specs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directories_and_import_paths() {
        let dir = |s: &str| GoPackageSpec::Dir(s.into());
        assert_eq!(GoPackageSpec::parse(".").unwrap(), dir("."));
        assert_eq!(
            GoPackageSpec::parse("pkg/example").unwrap(),
            dir("pkg/example")
        );
        assert_eq!(GoPackageSpec::parse("./go.pkg").unwrap(), dir("./go.pkg"));
        assert_eq!(dir("pkg/example").pattern(), "./pkg/example");
        assert_eq!(dir("./pkg/example/").pattern(), "./pkg/example");
        assert_eq!(
            GoPackageSpec::parse("github.com/cespare/xxhash/v2").unwrap(),
            GoPackageSpec::Import("github.com/cespare/xxhash/v2".into())
        );
        for bad in [
            "",
            "/abs",
            "a\\b",
            "github.com//x",
            "github.com/x y",
            "github.com/.x",
        ] {
            assert!(GoPackageSpec::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn lists() {
        let raw: toml::Table =
            toml::from_str("a = \"./x\"\nb = [\"./x\", \"example.com/y\"]\nc = 3").unwrap();
        let one: RawGoPackages = raw["a"].clone().try_into().unwrap();
        assert_eq!(one.0, ["./x"]);
        let many: RawGoPackages = raw["b"].clone().try_into().unwrap();
        assert_eq!(validate(Some(many)).unwrap().len(), 2);
        let err = raw["c"].clone().try_into::<RawGoPackages>().unwrap_err();
        assert!(
            err.to_string().contains("a string or a list of strings"),
            "{err}"
        );
        assert!(validate(Some(RawGoPackages(vec![]))).is_err());
        let twice = RawGoPackages(vec!["x".into(), "./x".into()]);
        assert!(validate(Some(twice)).unwrap_err().message.contains("twice"));
    }
}
