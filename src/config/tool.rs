//! `[tool.gowright]`: how gowright builds the project.

use std::path::PathBuf;

use indexmap::IndexMap;
use serde::Deserialize;

use super::fields;
use crate::error::UserError;
use crate::names::is_python_identifier;
use crate::target::{Compatibility, DEFAULT_TARGETS, Target, UnknownCompatibility, UnknownTarget};
use crate::toolchain::python_abi::PythonAbi;

/// The kind of Python package the Go code becomes (see DESIGN.md, "Binding kinds").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Bindings {
    /// A Go `main` package shipped as the installed command.
    Bin,
    /// An ordinary Go package turned into an extension module.
    Lib,
    /// A package with hand-written cgo `//export` functions.
    Cgo,
    /// A package that defines `PyInit_<name>` itself.
    Capi,
}

impl Bindings {
    pub fn as_str(self) -> &'static str {
        match self {
            Bindings::Bin => "bin",
            Bindings::Lib => "lib",
            Bindings::Cgo => "cgo",
            Bindings::Capi => "capi",
        }
    }
}

/// The keys `[tool.gowright]` accepts, for the "did you mean" of an unknown key.
pub const TOOL_KEYS: &[&str] = &[
    "bindings",
    "go-package",
    "targets",
    "ldflags",
    "tags",
    "strip",
    "include",
    "exclude",
    "python-source",
    "module-name",
    "binary-name",
    "version-variable",
    "strict",
    "compatibility",
    "python-abis",
    "ctypes-library",
    "cffi-module",
    "cgo",
];

/// `[tool.gowright]` as written in `pyproject.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct RawToolConfig {
    pub bindings: Option<Bindings>,
    pub go_package: Option<super::go_package::RawGoPackages>,
    pub targets: Option<Vec<String>>,
    pub ldflags: Option<Vec<String>>,
    pub tags: Option<Vec<String>>,
    pub strip: Option<bool>,
    pub include: Option<Vec<String>>,
    pub exclude: Option<Vec<String>>,
    pub python_source: Option<String>,
    pub module_name: Option<String>,
    pub binary_name: Option<String>,
    pub version_variable: Option<String>,
    pub strict: Option<bool>,
    pub compatibility: Option<String>,
    pub python_abis: Option<Vec<String>>,
    pub ctypes_library: Option<String>,
    pub cffi_module: Option<String>,
    pub cgo: Option<super::cgo::CgoConfig>,
}

/// `[tool.gowright]`, validated, with defaults filled in.
#[derive(Debug, Clone)]
pub struct ToolConfig {
    /// `None` means "decide from the Go package": a `main` package is `bin`.
    pub bindings: Option<Bindings>,
    /// The Go package to build as written: a directory relative to the project root (`.` or
    /// `./cmd/tool`) or an import path; the first of [`Self::go_packages`].
    pub go_package: String,
    /// Every Go package `go-package` names (one, or several for `lib`).
    pub go_packages: Vec<super::go_package::GoPackageSpec>,
    /// What `--all-targets` builds.
    pub targets: Vec<Target>,
    /// Extra linker flags passed to `go build -ldflags`.
    pub ldflags: Vec<String>,
    /// Go build tags.
    pub tags: Vec<String>,
    /// Strip symbol tables and DWARF (`-ldflags=-s -w`). Default true.
    pub strip: bool,
    /// Extra glob patterns added to the sdist even when ignored by `.gitignore`.
    pub include: Vec<String>,
    /// Glob patterns left out of the sdist.
    pub exclude: Vec<String>,
    /// Directory holding the project's own Python package(s), relative to the root.
    pub python_source: Option<PathBuf>,
    /// The import name of the Python package gowright writes.
    pub module_name: Option<String>,
    /// The name of the installed command.
    pub binary_name: Option<String>,
    /// A Go string variable (`main.version`) set to the package version with `-ldflags -X`.
    pub version_variable: Option<String>,
    /// `lib`: refuse to build when an exported declaration cannot be bound, instead of warning.
    pub strict: bool,
    /// Which Linux systems wheels with C parts are built for (`manylinux_2_17` when unset).
    pub compatibility: Option<Compatibility>,
    /// `lib`: the CPython ABIs to build extension modules for; `None`: decided from
    /// `requires-python` and the interpreters found (see `toolchain::python_abi`).
    pub python_abis: Option<Vec<PythonAbi>>,
    /// `cgo`: ship the c-shared library itself under this name beside the project's Python
    /// module, which loads it with ctypes (`_checksig` gets the interpreter's `EXT_SUFFIX`;
    /// a name with an extension, `libexample.so`, is kept as it is).
    pub ctypes_library: Option<String>,
    /// `cgo`: the name of a cffi out-of-line API module (`from _example import ffi, lib`)
    /// generated from the exported prototypes and linked into the c-shared library.
    pub cffi_module: Option<String>,
    /// `cgo`: how the generated module calls the `//export` functions (`[tool.gowright.cgo]`).
    pub cgo: super::cgo::CgoConfig,
}

/// Checks the keys of `[tool.gowright]` before typed parsing, so that a typo gets a suggestion.
pub fn check_keys(table: &toml::Table) -> Result<(), UserError> {
    for key in table.keys() {
        if !TOOL_KEYS.contains(&key.as_str()) {
            let closest = TOOL_KEYS
                .iter()
                .map(|k| (strsim::jaro_winkler(k, key), *k))
                .max_by(|a, b| a.0.total_cmp(&b.0))
                .filter(|(score, _)| *score > 0.8);
            let hint = match closest {
                Some((_, k)) => format!("did you mean `{k}`?"),
                None => format!("valid keys are: {}", TOOL_KEYS.join(", ")),
            };
            return Err(
                UserError::new(format!("unknown key `{key}` in [tool.gowright]")).hint(hint),
            );
        }
    }
    Ok(())
}

impl ToolConfig {
    /// The directory whose `go.mod` governs the build: that of the first package `go-package`
    /// names by directory, else the project's (whose module requires the packages named by
    /// import path).
    pub fn package_dir(&self, root: &std::path::Path) -> PathBuf {
        match self.go_packages.iter().find_map(|p| p.dir()) {
            Some(dir) => root.join(dir),
            None => root.to_path_buf(),
        }
    }
}

impl RawToolConfig {
    /// Validates the raw table and fills in defaults.
    pub fn validate(self) -> Result<ToolConfig, UserError> {
        let targets = match self.targets {
            None => DEFAULT_TARGETS.to_vec(),
            Some(list) => parse_targets(&list, "tool.gowright.targets")?,
        };
        let go_packages = super::go_package::validate(self.go_package)?;
        let go_package = go_packages[0].as_written().to_string();
        if let Some(name) = &self.module_name {
            if !name.split('.').all(is_python_identifier) {
                return Err(UserError::new(format!(
                    "`tool.gowright.module-name` = {name:?} is not a valid Python import name"
                ))
                .hint("use letters, digits and underscores, not starting with a digit, e.g. \"hello_tool\""));
            }
            fields::importable_module_name("tool.gowright.module-name", name)?;
        }
        if let Some(name) = &self.binary_name
            && (name.is_empty()
                || name.contains(['/', '\\', ':'])
                || name.starts_with('.')
                || name.chars().any(char::is_whitespace))
        {
            return Err(UserError::new(format!(
                "`tool.gowright.binary-name` = {name:?} is not a valid command name"
            ))
            .hint("use a plain file name without slashes or spaces, e.g. \"hello\""));
        }
        if let Some(var) = &self.version_variable
            && (!var.contains('.') || var.ends_with('.') || var.chars().any(char::is_whitespace))
        {
            return Err(UserError::new(format!(
                "`tool.gowright.version-variable` = {var:?} is not a Go variable path"
            ))
            .hint(
                "write the import path of the package and the variable name, e.g. \"main.version\"",
            ));
        }
        for tag in self.tags.iter().flatten() {
            if tag.is_empty() || tag.contains([',', ' ']) {
                return Err(UserError::new(format!(
                    "`tool.gowright.tags` holds {tag:?}, which is not a Go build tag"
                ))
                .hint("give one tag per list item, e.g. tags = [\"netgo\", \"osusergo\"]"));
            }
        }
        let compatibility = self
            .compatibility
            .as_deref()
            .map(|c| {
                c.parse::<Compatibility>().map_err(|e| {
                    UserError::new(format!("`tool.gowright.compatibility`: {e}"))
                        .hint(UnknownCompatibility::hint())
                })
            })
            .transpose()?;
        let python_abis = self
            .python_abis
            .as_deref()
            .map(parse_python_abis)
            .transpose()?;
        if let Some(name) = &self.ctypes_library
            && (name.is_empty()
                || name.starts_with('.')
                || name.contains(['/', '\\', ':'])
                || name.chars().any(|c| c.is_whitespace() || c.is_control()))
        {
            return Err(UserError::new(format!(
                "`tool.gowright.ctypes-library` = {name:?} is not a file name"
            ))
            .hint("name the library as the project's Python module loads it, e.g. \"_checksig\" (given the interpreter's EXT_SUFFIX) or \"libexample.so\""));
        }
        if let Some(name) = &self.cffi_module
            && !is_python_identifier(name)
        {
            return Err(UserError::new(format!(
                "`tool.gowright.cffi-module` = {name:?} is not a Python module name"
            ))
            .hint("name it as the Python code imports it, e.g. \"_example\" for `from _example import ffi, lib`"));
        }
        if self.cffi_module.is_some() && self.ctypes_library.is_some() {
            return Err(UserError::new(
                "`tool.gowright.cffi-module` and `ctypes-library` are both set: the c-shared library is either a cffi module or a file ctypes loads",
            )
            .hint("keep the one your Python code uses"));
        }
        let cgo = self.cgo.unwrap_or_default();
        cgo.validate()?;
        let include = self.include.unwrap_or_default();
        let exclude = self.exclude.unwrap_or_default();
        // Checked here, before anything is built: a bad glob must not fail a build halfway.
        crate::sources::glob_set(&include, "include")?;
        crate::sources::glob_set(&exclude, "exclude")?;
        Ok(ToolConfig {
            bindings: self.bindings,
            go_package,
            go_packages,
            targets,
            ldflags: self.ldflags.unwrap_or_default(),
            tags: self.tags.unwrap_or_default(),
            strip: self.strip.unwrap_or(true),
            include,
            exclude,
            python_source: self.python_source.map(PathBuf::from),
            module_name: self.module_name,
            binary_name: self.binary_name,
            version_variable: self.version_variable,
            strict: self.strict.unwrap_or(false),
            compatibility,
            python_abis,
            ctypes_library: self.ctypes_library,
            cffi_module: self.cffi_module,
            cgo,
        })
    }
}

/// Parses `tool.gowright.python-abis`: known names, each once, at least one.
fn parse_python_abis(list: &[String]) -> Result<Vec<PythonAbi>, UserError> {
    const FIELD: &str = "`tool.gowright.python-abis`";
    if list.is_empty() {
        return Err(
            UserError::new(format!("{FIELD} is empty: there is nothing to build")).hint(format!(
                "{}, or remove the key for the default",
                PythonAbi::hint()
            )),
        );
    }
    let mut abis = Vec::new();
    for name in list {
        let abi: PythonAbi = name
            .parse()
            .map_err(|e| UserError::new(format!("{FIELD}: {e}")).hint(PythonAbi::hint()))?;
        if abis.contains(&abi) {
            return Err(
                UserError::new(format!("{FIELD} names {abi} twice")).hint("name each ABI once")
            );
        }
        abis.push(abi);
    }
    Ok(abis)
}

/// Parses a list of `GOOS/GOARCH` targets (from the configuration key or command-line option
/// `field`); an empty list or one naming a target twice is an error.
pub fn parse_targets(list: &[String], field: &str) -> Result<Vec<Target>, UserError> {
    if list.is_empty() {
        return Err(UserError::new(format!("`{field}` is empty: there is nothing to build"))
            .hint(format!(
                "name at least one target, e.g. [\"linux/amd64\", \"darwin/arm64\"], or remove the key to build the default six ({})",
                DEFAULT_TARGETS.iter().map(Target::to_string).collect::<Vec<_>>().join(", ")
            )));
    }
    let mut targets = Vec::new();
    for s in list {
        let t: Target = s.parse().map_err(|e: UnknownTarget| {
            UserError::new(format!("`{field}`: {e}")).hint(UnknownTarget::hint())
        })?;
        if targets.contains(&t) {
            return Err(
                UserError::new(format!("`{field}` names {t} twice")).hint("name each target once")
            );
        }
        targets.push(t);
    }
    Ok(targets)
}

/// Keeps the order of a TOML table (used for `[project.urls]` and similar).
pub type OrderedTable<V> = IndexMap<String, V>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_suggests_the_closest() {
        let table: toml::Table = toml::from_str("bindngs = \"bin\"").unwrap();
        let err = check_keys(&table).unwrap_err();
        assert_eq!(err.message, "unknown key `bindngs` in [tool.gowright]");
        assert_eq!(err.hint.as_deref(), Some("did you mean `bindings`?"));
    }

    #[test]
    fn defaults() {
        let tool = RawToolConfig::default().validate().unwrap();
        assert_eq!(tool.go_package, ".");
        assert!(tool.strip);
        assert_eq!(tool.targets, DEFAULT_TARGETS);
    }

    #[test]
    fn rejects_bad_values() {
        let raw = RawToolConfig {
            targets: Some(vec!["linux/sparc".into()]),
            ..Default::default()
        };
        assert!(raw.validate().unwrap_err().message.contains("linux/sparc"));
        let raw = RawToolConfig {
            module_name: Some("hello-tool".into()),
            ..Default::default()
        };
        assert!(raw.validate().is_err());
        let raw = RawToolConfig {
            binary_name: Some("bin/hello".into()),
            ..Default::default()
        };
        assert!(raw.validate().is_err());
    }
}
