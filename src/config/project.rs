//! `[project]` (PEP 621, <https://packaging.python.org/en/latest/specifications/pyproject-toml/>)
//! turned into validated [`CoreMetadata`].

use std::path::{Path, PathBuf};
use std::str::FromStr;

use pep440_rs::{Version, VersionSpecifiers};
use pep508_rs::{ExtraName, MarkerTree, Requirement};
use serde::Deserialize;

use super::fields;
use super::tool::OrderedTable;
use crate::error::UserError;
use crate::metadata::{Contact, CoreMetadata, License, Readme};
use crate::names::DistName;
use crate::project_files::{self, Kind};

/// `[project]` as written.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct RawProject {
    pub name: String,
    pub version: Option<String>,
    pub description: Option<String>,
    pub readme: Option<toml::Value>,
    pub requires_python: Option<String>,
    pub license: Option<toml::Value>,
    pub license_files: Option<Vec<String>>,
    pub authors: Option<Vec<RawContact>>,
    pub maintainers: Option<Vec<RawContact>>,
    pub keywords: Option<Vec<String>>,
    pub classifiers: Option<Vec<String>>,
    pub urls: Option<OrderedTable<String>>,
    pub dependencies: Option<Vec<String>>,
    pub optional_dependencies: Option<OrderedTable<Vec<String>>>,
    pub scripts: Option<OrderedTable<String>>,
    pub gui_scripts: Option<OrderedTable<String>>,
    pub entry_points: Option<OrderedTable<OrderedTable<String>>>,
    pub dynamic: Option<Vec<String>>,
}

/// An entry of `authors`/`maintainers`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawContact {
    pub name: Option<String>,
    pub email: Option<String>,
}

fn field_error(field: &str, message: impl std::fmt::Display) -> UserError {
    UserError::new(format!("`project.{field}`: {message}"))
}

impl RawProject {
    /// Validates every field against its specification. `root` is the project directory, against
    /// which `readme` and `license-files` are resolved.
    pub fn validate(self, root: &Path) -> Result<CoreMetadata, UserError> {
        let name = DistName::from_str(&self.name).map_err(|e| {
            field_error("name", e).hint("e.g. name = \"hello-tool\" (see PEP 508 names)")
        })?;

        if let Some(field) = self.dynamic.as_ref().and_then(|d| d.first()) {
            let hint = match field.as_str() {
                "name" | "version" => "name and version must be written in [project]",
                _ => "gowright computes no metadata; write the field in [project] instead",
            };
            return Err(field_error(
                "dynamic",
                format!("`{field}` cannot be dynamic with gowright"),
            )
            .hint(hint));
        }

        let version = self.version.as_deref().ok_or_else(|| {
            UserError::new("`project.version` is missing")
                .hint("add a version to [project], e.g. version = \"0.1.0\"")
        })?;
        let version = Version::from_str(version).map_err(|e| {
            field_error("version", format!("invalid version `{version}`: {e}"))
                .hint("use a PEP 440 version, e.g. \"1.2.3\", \"1.0rc1\" or \"2.0.post1\"")
        })?;

        if let Some(summary) = &self.description {
            fields::single_line("project.description", summary).map_err(|e| {
                if summary.contains(['\n', '\r']) {
                    e.hint("the description is one line: put the long description in a readme file and set `project.readme`")
                } else {
                    e
                }
            })?;
        }
        let requires_python = self
            .requires_python
            .as_deref()
            .map(|s| {
                VersionSpecifiers::from_str(s).map_err(|e| {
                    field_error("requires-python", format!("invalid specifier `{s}`: {e}"))
                        .hint("e.g. requires-python = \">=3.9\"")
                })
            })
            .transpose()?;

        let mut requires_dist = Vec::new();
        for dep in self.dependencies.iter().flatten() {
            requires_dist.push(parse_requirement(dep, "dependencies")?.to_string());
        }
        let mut provides_extra = Vec::new();
        for (extra, deps) in self.optional_dependencies.iter().flatten() {
            let extra_name = ExtraName::from_str(extra).map_err(|e| {
                field_error(
                    "optional-dependencies",
                    format!("invalid extra name `{extra}`: {e}"),
                )
            })?;
            let field = format!("optional-dependencies.{extra}");
            for dep in deps {
                let mut req = parse_requirement(dep, &field)?;
                let marker = MarkerTree::from_str(&format!("extra == '{extra_name}'"))
                    .expect("an extra marker of a valid extra name parses");
                req.marker.and(marker);
                requires_dist.push(req.to_string());
            }
            provides_extra.push(extra_name.to_string());
        }

        let readme = self
            .readme
            .as_ref()
            .map(|v| parse_readme(v, root))
            .transpose()?;
        let (license, license_files) =
            parse_license(self.license.as_ref(), self.license_files.as_deref(), root)?;

        let authors = contacts(self.authors, "authors")?;
        let maintainers = contacts(self.maintainers, "maintainers")?;
        let keywords = self.keywords.unwrap_or_default();
        for word in &keywords {
            fields::keyword("project.keywords", word)?;
        }
        let classifiers = self.classifiers.unwrap_or_default();
        for classifier in &classifiers {
            fields::classifier("project.classifiers", classifier)?;
        }
        let urls = self.urls.unwrap_or_default();
        for (label, url) in &urls {
            fields::project_url(label, url)?;
        }
        let scripts = entry_point_table(self.scripts, "project.scripts", true)?;
        let gui_scripts = entry_point_table(self.gui_scripts, "project.gui-scripts", true)?;
        let mut entry_points = OrderedTable::new();
        for (group, entries) in self.entry_points.unwrap_or_default() {
            fields::entry_point_group("project.entry-points", &group)?;
            if group == "console_scripts" || group == "gui_scripts" {
                let key = group.replace('_', "-");
                return Err(field_error(
                    "entry-points",
                    format!("the group `{group}` is not allowed here"),
                )
                .hint(format!("declare these in [project.{key}] instead")));
            }
            let field = format!("project.entry-points.{group}");
            let entries = entry_point_table(Some(entries), &field, false)?;
            entry_points.insert(group, entries);
        }

        Ok(CoreMetadata {
            name,
            version,
            summary: self.description,
            readme,
            requires_python,
            license,
            license_files,
            authors,
            maintainers,
            keywords,
            classifiers,
            urls,
            requires_dist,
            provides_extra,
            scripts,
            gui_scripts,
            entry_points,
        })
    }
}

/// `authors`/`maintainers`: each person has a name or an e-mail address, or both.
fn contacts(list: Option<Vec<RawContact>>, field: &str) -> Result<Vec<Contact>, UserError> {
    let mut out = Vec::new();
    for (i, c) in list.into_iter().flatten().enumerate() {
        let at = format!("project.{field}[{i}]");
        if c.name.is_none() && c.email.is_none() {
            return Err(field_error(&format!("{field}[{i}]"), "has neither `name` nor `email`")
                .hint("write { name = \"Ada Lovelace\", email = \"ada@example.com\" }, or remove the empty entry"));
        }
        if let Some(name) = &c.name {
            fields::contact_name(&format!("{at}.name"), name)?;
        }
        if let Some(email) = &c.email {
            fields::email(&format!("{at}.email"), email)?;
        }
        out.push(Contact {
            name: c.name,
            email: c.email,
        });
    }
    Ok(out)
}

/// Checks the names and object references of one entry point group (`needs_attr` for
/// scripts, whose reference must name a function), returning them normalized.
fn entry_point_table(
    table: Option<OrderedTable<String>>,
    field: &str,
    needs_attr: bool,
) -> Result<OrderedTable<String>, UserError> {
    let mut out = OrderedTable::new();
    for (name, reference) in table.unwrap_or_default() {
        fields::entry_point_name(field, &name)?;
        let reference =
            fields::object_reference(&format!("{field}.{name}"), &reference, needs_attr)?;
        out.insert(name, reference);
    }
    Ok(out)
}

fn parse_requirement(dep: &str, field: &str) -> Result<Requirement, UserError> {
    Requirement::from_str(dep).map_err(|e| {
        field_error(field, format!("invalid requirement `{dep}`:\n{e}")).hint(
            "use PEP 508 syntax, e.g. \"requests>=2.31\" or \"rich; python_version >= '3.9'\"",
        )
    })
}

/// `readme = "README.md"` or `readme = { file = "...", content-type = "..." }` or `{ text = ... }`.
fn parse_readme(value: &toml::Value, root: &Path) -> Result<Readme, UserError> {
    let (file, text, content_type) = match value {
        toml::Value::String(file) => (Some(file.clone()), None, None),
        toml::Value::Table(table) => {
            for key in table.keys() {
                if !["file", "text", "content-type"].contains(&key.as_str()) {
                    return Err(field_error("readme", format!("unknown key `{key}`"))
                        .hint("a readme table has `file` or `text`, and `content-type`"));
                }
            }
            let get = |k: &str| -> Result<Option<String>, UserError> {
                match table.get(k) {
                    None => Ok(None),
                    Some(toml::Value::String(s)) => Ok(Some(s.clone())),
                    Some(_) => Err(field_error(&format!("readme.{k}"), "must be a string")),
                }
            };
            (get("file")?, get("text")?, get("content-type")?)
        }
        _ => {
            return Err(field_error("readme", "must be a file name or a table")
                .hint("e.g. readme = \"README.md\""));
        }
    };
    match (file, text) {
        (Some(_), Some(_)) => Err(field_error("readme", "has both `file` and `text`")),
        (None, None) => Err(field_error("readme", "needs `file` or `text`")),
        (None, Some(text)) => {
            let content_type = content_type.ok_or_else(|| {
                field_error("readme", "`text` needs a `content-type`")
                    .hint("e.g. content-type = \"text/markdown\"")
            })?;
            fields::readme_content_type("project.readme.content-type", &content_type)?;
            Ok(Readme {
                text,
                content_type,
                file: None,
            })
        }
        (Some(file), None) => {
            let path = PathBuf::from(&file);
            let content_type = match content_type {
                Some(ct) => {
                    fields::readme_content_type("project.readme.content-type", &ct)?;
                    ct
                }
                None => match path.extension().and_then(|e| e.to_str()) {
                    Some(ext) if ext.eq_ignore_ascii_case("md") => "text/markdown".to_string(),
                    Some(ext) if ext.eq_ignore_ascii_case("rst") => "text/x-rst".to_string(),
                    _ => {
                        return Err(field_error(
                            "readme",
                            format!("cannot tell the content type of `{file}`"),
                        )
                        .hint("name the file *.md or *.rst, or write readme = { file = \"...\", content-type = \"text/plain\" }"));
                    }
                },
            };
            let text = read_project_file(root, &path, "readme")?;
            Ok(Readme {
                text,
                content_type,
                file: Some(path),
            })
        }
    }
}

/// Reads a file the metadata names, refusing anything outside the project.
fn read_project_file(root: &Path, path: &Path, field: &str) -> Result<String, UserError> {
    project_files::read_text(root, path, &format!("project.{field}"))
}

/// PEP 639: `license` is an SPDX expression string (or a legacy table), `license-files` are globs.
fn parse_license(
    license: Option<&toml::Value>,
    license_files: Option<&[String]>,
    root: &Path,
) -> Result<(Option<License>, Vec<PathBuf>), UserError> {
    let license = match license {
        None => None,
        Some(toml::Value::String(expr)) => {
            spdx::Expression::parse(expr).map_err(|e| {
                field_error("license", format!("`{expr}` is not a valid SPDX expression: {e}"))
                    .hint("e.g. license = \"MIT\" or \"Apache-2.0 OR MIT\"; see https://spdx.org/licenses/")
            })?;
            Some(License::Expression(expr.clone()))
        }
        Some(toml::Value::Table(table)) => {
            if license_files.is_some() {
                return Err(field_error(
                    "license",
                    "a license table cannot be combined with `license-files`",
                )
                .hint("write license = \"<SPDX expression>\" (PEP 639)"));
            }
            match (table.get("file"), table.get("text")) {
                (Some(toml::Value::String(file)), None) => Some(License::Text(read_project_file(
                    root,
                    Path::new(file),
                    "license.file",
                )?)),
                (None, Some(toml::Value::String(text))) => Some(License::Text(text.clone())),
                _ => {
                    return Err(
                        field_error("license", "a table needs one of `file` or `text`")
                            .hint("prefer license = \"<SPDX expression>\" (PEP 639)"),
                    );
                }
            }
        }
        Some(_) => {
            return Err(field_error("license", "must be a string").hint("e.g. license = \"MIT\""));
        }
    };

    let (patterns, explicit): (Vec<String>, bool) = match license_files {
        Some(globs) => (globs.to_vec(), true),
        None => (
            ["LICEN[CS]E*", "COPYING*", "NOTICE*", "AUTHORS*"]
                .map(String::from)
                .to_vec(),
            false,
        ),
    };
    let mut files = Vec::new();
    let real_root = project_files::canonical_root(root)?;
    // The root is matched literally: only the pattern is a glob.
    let escaped_root = glob::Pattern::escape(&root.to_string_lossy());
    for pattern in &patterns {
        if pattern.starts_with('/') || pattern.contains("..") || pattern.contains('\\') {
            return Err(field_error(
                "license-files",
                format!("`{pattern}` must be a relative glob inside the project"),
            )
            .hint("e.g. license-files = [\"LICENSE\", \"licenses/*.txt\"]"));
        }
        let full = format!("{escaped_root}/{pattern}");
        let matches = glob::glob(&full).map_err(|e| {
            field_error("license-files", format!("invalid glob `{pattern}`: {e}"))
                .hint("globs use `*`, `?`, `[abc]` and `**`")
        })?;
        let mut matched = false;
        for entry in matches.flatten() {
            let rel = entry.strip_prefix(root).unwrap_or(&entry).to_path_buf();
            // Directories that happen to match (`LICENSES/`) are not licence files.
            if std::fs::symlink_metadata(&entry).is_ok_and(|m| m.is_dir()) {
                continue;
            }
            project_files::utf8_name(&rel, "the licence file")
                .map_err(|e| field_error("license-files", e.message))?;
            // A symlink to something outside the project (or not a file) is refused, not
            // followed: its target would be published.
            let real = project_files::resolve(root, &rel, "project.license-files", Kind::File)?;
            debug_assert!(real.starts_with(&real_root));
            if !files.contains(&rel) {
                files.push(rel);
            }
            matched = true;
        }
        if explicit && !matched {
            return Err(
                field_error("license-files", format!("`{pattern}` matches no file"))
                    .hint("PEP 639 requires every license-files glob to match at least one file"),
            );
        }
    }
    files.sort();
    Ok((license, files))
}
