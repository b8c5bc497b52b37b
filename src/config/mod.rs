//! Reading `pyproject.toml` into a validated, typed [`ProjectConfig`].

pub mod cgo;
pub mod fields;
pub mod go_package;
pub mod project;
pub mod tool;

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::UserError;
use crate::metadata::CoreMetadata;
use crate::project_files;
pub use tool::{Bindings, ToolConfig};

/// Everything gowright knows about a project before it starts building.
#[derive(Debug, Clone)]
pub struct ProjectConfig {
    /// The project directory (holding `pyproject.toml`), absolute.
    pub root: PathBuf,
    /// The text of `pyproject.toml`, copied as is into the sdist.
    pub pyproject_text: String,
    pub metadata: CoreMetadata,
    pub tool: ToolConfig,
}

#[derive(Deserialize)]
struct RawPyProject {
    project: Option<project::RawProject>,
    tool: Option<RawTools>,
}

#[derive(Deserialize)]
struct RawTools {
    gowright: Option<tool::RawToolConfig>,
}

impl ProjectConfig {
    /// Reads and validates `<root>/pyproject.toml`.
    pub fn load(root: &Path) -> Result<Self, UserError> {
        let root = std::path::absolute(root)
            .map_err(|e| UserError::new(format!("cannot resolve `{}`: {e}", root.display())))?;
        let path = root.join("pyproject.toml");
        // A FIFO or device would block or never end: only a regular file is read.
        match std::fs::metadata(&path) {
            Ok(meta) if meta.is_file() => {}
            Ok(_) => {
                return Err(
                    UserError::new(format!("`{}` is not a regular file", path.display()))
                        .hint("pyproject.toml must be a plain file"),
                );
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(
                    UserError::new(format!("no pyproject.toml in `{}`", root.display()))
                        .hint("run gowright in the project directory, or pass the project's path"),
                );
            }
            Err(e) => {
                return Err(
                    UserError::new(format!("cannot read `{}`: {e}", path.display()))
                        .hint("check the permissions of the project directory"),
                );
            }
        }
        let bytes = fs_err::read(&path).map_err(|e| {
            UserError::new(e.to_string()).hint("check that pyproject.toml is readable")
        })?;
        let text = String::from_utf8(bytes).map_err(|e| {
            UserError::new(format!(
                "`{}` is not UTF-8 (invalid byte at offset {})",
                path.display(),
                e.utf8_error().valid_up_to()
            ))
            .hint("TOML files are UTF-8: save pyproject.toml as UTF-8")
        })?;
        Self::from_text(&root, &path, text)
    }

    fn from_text(root: &Path, path: &Path, text: String) -> Result<Self, UserError> {
        let shown = path.display();
        let parse_error = |e: toml::de::Error| {
            let (text, hint) = describe_toml_error(&e);
            UserError::new(format!("failed to parse `{shown}`:\n{text}")).hint(hint)
        };
        // Check the keys of [tool.gowright] first: a typo deserves a suggestion.
        let table: toml::Table = toml::from_str(&text).map_err(parse_error)?;
        if let Some(tool) = table
            .get("tool")
            .and_then(|t| t.get("gowright"))
            .and_then(toml::Value::as_table)
        {
            tool::check_keys(tool).map_err(|e| in_file(e, &shown))?;
        }
        let raw: RawPyProject = toml::from_str(&text).map_err(parse_error)?;
        let project = raw.project.ok_or_else(|| {
            UserError::new(format!("`{shown}` has no [project] table"))
                .hint("add [project] with at least `name` and `version`")
        })?;
        let metadata = project.validate(root).map_err(|e| in_file(e, &shown))?;
        let tool = raw
            .tool
            .and_then(|t| t.gowright)
            .unwrap_or_default()
            .validate()
            .map_err(|e| in_file(e, &shown))?;
        // What exists in the project (`main.go`, `go.pkg/x`) is a path of it, whatever its
        // dots say.
        let mut tool = tool;
        for spec in &mut tool.go_packages {
            if let go_package::GoPackageSpec::Import(text) = spec
                && std::fs::symlink_metadata(root.join(text.as_str())).is_ok()
            {
                *spec = go_package::GoPackageSpec::Dir(text.clone());
            }
        }
        if let Some(dir) = &tool.python_source {
            project_files::resolve(
                root,
                dir,
                "tool.gowright.python-source",
                project_files::Kind::Directory,
            )
            .map_err(|e| in_file(e, &shown))?;
        }
        if tool.module_name.is_none() {
            let derived = metadata.name.module_name();
            fields::importable_module_name("project.name", &derived).map_err(|e| {
                let hint = format!(
                    "set `tool.gowright.module-name` to another import name, e.g. \"{derived}_go\""
                );
                in_file(
                    UserError::new(format!(
                        "{} (the import name gowright derives from it)",
                        e.message
                    ))
                    .hint(hint),
                    &shown,
                )
            })?;
        }
        // A directory's Go package is compiled into the artefacts: it must be the project's
        // own. (An import path is resolved by the go command, from the modules go.mod requires.)
        for dir in tool.go_packages.iter().filter_map(|p| p.dir()) {
            project_files::resolve(
                root,
                Path::new(dir),
                "tool.gowright.go-package",
                project_files::Kind::Directory,
            )
            .map_err(|e| in_file(e, &shown))?;
        }
        Ok(Self {
            root: root.to_path_buf(),
            pyproject_text: text,
            metadata,
            tool,
        })
    }

    /// The import name of the Python package gowright writes into the wheel.
    pub fn module_name(&self) -> String {
        self.tool
            .module_name
            .clone()
            .unwrap_or_else(|| self.metadata.name.module_name())
    }

    /// The name of the installed command, without `.exe`.
    pub fn binary_name(&self) -> String {
        self.tool
            .binary_name
            .clone()
            .unwrap_or_else(|| self.metadata.name.as_str().to_string())
    }

    /// The build directory (`target/` beside `pyproject.toml`).
    pub fn build_dir(&self) -> PathBuf {
        self.root.join("target")
    }
}

/// The text of a TOML or type error in the words of the file (serde's type names replaced by
/// TOML's), and a hint fitting its kind.
fn describe_toml_error(e: &toml::de::Error) -> (String, &'static str) {
    let mut text = e.to_string().trim_end().to_string();
    for (internal, toml_word) in [
        ("struct RawProject", "a table"),
        ("struct RawToolConfig", "a table"),
        ("struct RawContact", "a table with `name` and/or `email`"),
        ("struct RawTools", "a table"),
        ("struct CgoConfig", "a table"),
        ("struct CgoFunctionConfig", "a table"),
        ("a sequence", "an array"),
        ("a map", "a table"),
        ("a boolean", "true or false"),
    ] {
        text = text.replace(internal, toml_word);
    }
    let message = e.message();
    let hint = if message.starts_with("unknown field") {
        "remove or rename the key: the accepted keys are listed above"
    } else if message.starts_with("invalid type") || message.starts_with("wanted ") {
        "give the value the type named above: \"a string\", an array [\"a\", \"b\"], a table { key = \"value\" }, true/false"
    } else if message.starts_with("missing field") {
        "add the missing field"
    } else if message.starts_with("unknown variant") {
        "use one of the values listed above"
    } else {
        "fix the TOML syntax at the line and column shown (see https://toml.io)"
    };
    (text, hint)
}

/// Prefixes an error with the file it is about.
fn in_file(mut e: UserError, file: &impl std::fmt::Display) -> UserError {
    e.message = format!("{file}: {}", e.message);
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<ProjectConfig, UserError> {
        let dir = tempfile::tempdir().unwrap();
        ProjectConfig::from_text(dir.path(), &dir.path().join("pyproject.toml"), text.into())
    }

    #[test]
    fn minimal_project() {
        let cfg = load("[project]\nname = \"Hello_Tool\"\nversion = \"1.0.0-RC1\"\n").unwrap();
        assert_eq!(cfg.metadata.version.to_string(), "1.0.0rc1");
        assert_eq!(cfg.module_name(), "hello_tool");
        assert_eq!(cfg.binary_name(), "Hello_Tool");
        assert_eq!(
            cfg.metadata.dist_info_dir(),
            "hello_tool-1.0.0rc1.dist-info"
        );
    }

    #[test]
    fn malformed_toml_names_line_and_column() {
        let err = load("[project]\nname = \"x\nversion = 1\n").unwrap_err();
        assert!(err.message.contains("line 2"), "{}", err.message);
        assert!(err.message.contains("column"), "{}", err.message);
    }

    #[test]
    fn bad_version_names_the_field() {
        let err = load("[project]\nname = \"x\"\nversion = \"1.0.x\"\n").unwrap_err();
        assert!(err.message.contains("`project.version`"), "{}", err.message);
        assert!(err.hint.is_some());
    }

    #[test]
    fn bad_name_names_the_field() {
        let err = load("[project]\nname = \"-x\"\nversion = \"1\"\n").unwrap_err();
        assert!(err.message.contains("`project.name`"), "{}", err.message);
    }

    #[test]
    fn dynamic_version_is_refused() {
        let err = load("[project]\nname = \"x\"\ndynamic = [\"version\"]\n").unwrap_err();
        assert!(
            err.message.contains("`version` cannot be dynamic"),
            "{}",
            err.message
        );
    }

    #[test]
    fn console_scripts_entry_point_group_is_refused() {
        let text = "[project]\nname = \"x\"\nversion = \"1\"\n[project.entry-points.console_scripts]\nx = \"x:main\"\n";
        let err = load(text).unwrap_err();
        assert!(err.message.contains("console_scripts"), "{}", err.message);
    }

    #[test]
    fn optional_dependencies_get_extra_markers() {
        let text = "[project]\nname = \"x\"\nversion = \"1\"\ndependencies = [\"requests >=2\"]\n[project.optional-dependencies]\nFast_IO = [\"uvloop; sys_platform != 'win32'\"]\n";
        let cfg = load(text).unwrap();
        assert_eq!(cfg.metadata.provides_extra, ["fast-io"]);
        assert_eq!(cfg.metadata.requires_dist[0], "requests>=2");
        assert_eq!(
            cfg.metadata.requires_dist[1],
            "uvloop ; sys_platform != 'win32' and extra == 'fast-io'"
        );
    }

    #[test]
    fn invalid_spdx_is_refused() {
        let err =
            load("[project]\nname = \"x\"\nversion = \"1\"\nlicense = \"MIT OR\"\n").unwrap_err();
        assert!(err.message.contains("`project.license`"), "{}", err.message);
    }

    #[test]
    fn unknown_tool_key_is_refused() {
        let err =
            load("[project]\nname = \"x\"\nversion = \"1\"\n[tool.gowright]\ngo-pakage = \".\"\n")
                .unwrap_err();
        assert_eq!(err.hint.as_deref(), Some("did you mean `go-package`?"));
    }
}

#[cfg(test)]
mod snapshot_tests {
    use super::*;

    /// The METADATA of a project using every supported `[project]` field.
    #[test]
    fn metadata_of_a_full_project() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("README.md"), "# Tool\n\nDoes things.\n").unwrap();
        std::fs::write(dir.path().join("LICENSE"), "MIT\n").unwrap();
        let text = r#"
[project]
name = "My.Tool"
version = "01.2.0-beta.3"
description = "A tool"
readme = "README.md"
requires-python = ">= 3.9"
license = "MIT"
authors = [{ name = "Ada", email = "ada@example.com" }, { name = "Bob" }]
maintainers = [{ email = "m@example.com" }]
keywords = ["a", "b"]
classifiers = ["Programming Language :: Go"]
dependencies = ["requests >= 2.31", "tomli; python_version < '3.11'"]

[project.optional-dependencies]
dev = ["pytest"]

[project.urls]
Homepage = "https://example.com"
Source = "https://example.com/src"

[project.scripts]
my-tool-py = "my_tool:cli"

[project.gui-scripts]
my-tool-gui = "my_tool:gui"

[project.entry-points."my_tool.plugins"]
extra = "my_tool.plugins:extra"
"#;
        let cfg =
            ProjectConfig::from_text(dir.path(), &dir.path().join("pyproject.toml"), text.into())
                .unwrap();
        insta::assert_snapshot!("METADATA", cfg.metadata.render());
        insta::assert_snapshot!("entry_points.txt", cfg.metadata.entry_points_txt().unwrap());
    }
}
