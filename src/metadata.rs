//! Core metadata (`METADATA` in wheels, `PKG-INFO` in sdists) and `entry_points.txt`.
//!
//! Specification: core metadata 2.4,
//! <https://packaging.python.org/en/latest/specifications/core-metadata/>, and the entry points
//! file format, <https://packaging.python.org/en/latest/specifications/entry-points/>.

use std::fmt::Write as _;
use std::path::PathBuf;

use pep440_rs::{Version, VersionSpecifiers};

use crate::config::tool::OrderedTable;
use crate::names::DistName;

/// A person in `Author`/`Maintainer` fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub name: Option<String>,
    pub email: Option<String>,
}

/// The long description and its content type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Readme {
    pub text: String,
    pub content_type: String,
    /// The file it was read from, relative to the project root (it goes into the sdist).
    pub file: Option<PathBuf>,
}

/// The licence of the project (PEP 639).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum License {
    /// An SPDX licence expression (`License-Expression`).
    Expression(String),
    /// Legacy free text (`License`), from `license = { text = ... }` or `{ file = ... }`.
    Text(String),
}

/// Validated core metadata of a project.
#[derive(Debug, Clone)]
pub struct CoreMetadata {
    pub name: DistName,
    pub version: Version,
    pub summary: Option<String>,
    pub readme: Option<Readme>,
    pub requires_python: Option<VersionSpecifiers>,
    pub license: Option<License>,
    /// Licence files relative to the project root (`License-File`, copied to `.dist-info/licenses/`).
    pub license_files: Vec<PathBuf>,
    pub authors: Vec<Contact>,
    pub maintainers: Vec<Contact>,
    pub keywords: Vec<String>,
    pub classifiers: Vec<String>,
    pub urls: OrderedTable<String>,
    /// `Requires-Dist` lines, already in PEP 508 form with `extra == "…"` markers added.
    pub requires_dist: Vec<String>,
    /// Normalized extra names.
    pub provides_extra: Vec<String>,
    pub scripts: OrderedTable<String>,
    pub gui_scripts: OrderedTable<String>,
    pub entry_points: OrderedTable<OrderedTable<String>>,
}

impl CoreMetadata {
    /// `{escaped name}-{version}`, the stem of the `.dist-info` and `.data` directories.
    pub fn dist_info_stem(&self) -> String {
        format!("{}-{}", self.name.escaped(), self.version)
    }

    /// The `.dist-info` directory name.
    pub fn dist_info_dir(&self) -> String {
        format!("{}.dist-info", self.dist_info_stem())
    }

    /// The `.data` directory name.
    pub fn data_dir(&self) -> String {
        format!("{}.data", self.dist_info_stem())
    }

    /// Renders the metadata file (`METADATA` / `PKG-INFO`), version 2.4.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let mut field = |key: &str, value: &str| {
            let _ = writeln!(out, "{key}: {value}");
        };
        field("Metadata-Version", "2.4");
        field("Name", self.name.as_str());
        field("Version", &self.version.to_string());
        if let Some(summary) = &self.summary {
            field("Summary", summary);
        }
        if !self.keywords.is_empty() {
            field("Keywords", &self.keywords.join(","));
        }
        let (names, emails) = split_contacts(&self.authors);
        if let Some(names) = names {
            field("Author", &names);
        }
        if let Some(emails) = emails {
            field("Author-email", &emails);
        }
        let (names, emails) = split_contacts(&self.maintainers);
        if let Some(names) = names {
            field("Maintainer", &names);
        }
        if let Some(emails) = emails {
            field("Maintainer-email", &emails);
        }
        match &self.license {
            Some(License::Expression(expr)) => field("License-Expression", expr),
            Some(License::Text(text)) => field("License", &fold_multiline(text)),
            None => {}
        }
        for file in &self.license_files {
            field("License-File", &slash_path(file));
        }
        for classifier in &self.classifiers {
            field("Classifier", classifier);
        }
        for (label, url) in &self.urls {
            field("Project-URL", &format!("{label}, {url}"));
        }
        if let Some(requires_python) = &self.requires_python {
            field("Requires-Python", &requires_python.to_string());
        }
        for req in &self.requires_dist {
            field("Requires-Dist", req);
        }
        for extra in &self.provides_extra {
            field("Provides-Extra", extra);
        }
        if let Some(readme) = &self.readme {
            field("Description-Content-Type", &readme.content_type);
            out.push('\n');
            out.push_str(&readme.text);
            if !readme.text.ends_with('\n') {
                out.push('\n');
            }
        }
        out
    }

    /// Renders `entry_points.txt`, or `None` when the project declares no entry points.
    pub fn entry_points_txt(&self) -> Option<String> {
        let mut groups: Vec<(&str, &OrderedTable<String>)> = Vec::new();
        if !self.scripts.is_empty() {
            groups.push(("console_scripts", &self.scripts));
        }
        if !self.gui_scripts.is_empty() {
            groups.push(("gui_scripts", &self.gui_scripts));
        }
        for (group, entries) in &self.entry_points {
            groups.push((group, entries));
        }
        if groups.is_empty() {
            return None;
        }
        let mut out = String::new();
        for (i, (group, entries)) in groups.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            let _ = writeln!(out, "[{group}]");
            for (name, value) in entries.iter() {
                let _ = writeln!(out, "{name} = {value}");
            }
        }
        Some(out)
    }
}

/// Splits contacts into the `Author` (names without an email) and `Author-email` fields, as
/// PEP 621 prescribes.
fn split_contacts(contacts: &[Contact]) -> (Option<String>, Option<String>) {
    let mut names = Vec::new();
    let mut emails = Vec::new();
    for contact in contacts {
        match (&contact.name, &contact.email) {
            (Some(name), Some(email)) => {
                emails.push(format!("{} <{email}>", quote_display_name(name)))
            }
            (None, Some(email)) => emails.push(email.clone()),
            (Some(name), None) => names.push(name.clone()),
            (None, None) => {}
        }
    }
    let join = |v: Vec<String>| (!v.is_empty()).then(|| v.join(", "));
    (join(names), join(emails))
}

/// Quotes a display name in an address (RFC 5322) when it holds special characters.
fn quote_display_name(name: &str) -> String {
    if name.contains([
        '(', ')', '<', '>', '@', ',', ';', ':', '\\', '"', '.', '[', ']',
    ]) {
        format!("\"{}\"", name.replace('\\', "\\\\").replace('"', "\\\""))
    } else {
        name.to_string()
    }
}

/// Multi-line header values continue on lines indented with 8 spaces (RFC 822 folding). Every
/// line break Python's `str.splitlines` knows is folded, so none can start a field of its own.
fn fold_multiline(text: &str) -> String {
    let text = text.trim_end().replace("\r\n", "\n");
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\n' | '\r'
                | '\x0b'
                | '\x0c'
                | '\x1c'
                | '\x1d'
                | '\x1e'
                | '\u{85}'
                | '\u{2028}'
                | '\u{2029}'
        ) {
            out.push_str("\n        ");
        } else {
            out.push(c);
        }
    }
    out
}

/// A relative path with `/` separators, as archives and metadata want it.
pub fn slash_path(path: &std::path::Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contacts_split_and_quote() {
        let contacts = [
            Contact {
                name: Some("Ada".into()),
                email: Some("ada@example.com".into()),
            },
            Contact {
                name: Some("Doe, John".into()),
                email: Some("j@example.com".into()),
            },
            Contact {
                name: Some("Bob".into()),
                email: None,
            },
            Contact {
                name: None,
                email: Some("x@example.com".into()),
            },
        ];
        let (names, emails) = split_contacts(&contacts);
        assert_eq!(names.as_deref(), Some("Bob"));
        assert_eq!(
            emails.as_deref(),
            Some("Ada <ada@example.com>, \"Doe, John\" <j@example.com>, x@example.com")
        );
    }
}
