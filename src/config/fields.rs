//! Checks of single `[project]` values against the core metadata and entry points
//! specifications, so that no value can add a field to METADATA or a line to
//! `entry_points.txt` that the user did not write as such.
//!
//! - core metadata: <https://packaging.python.org/en/latest/specifications/core-metadata/>
//! - entry points: <https://packaging.python.org/en/latest/specifications/entry-points/>
//! - trove classifiers: <https://pypi.org/classifiers/> (the list is `data/classifiers.txt`)

use crate::error::UserError;
use crate::names::is_python_identifier;

/// The classifiers PyPI accepts, one a line (from the `trove-classifiers` package).
const CLASSIFIERS: &str = include_str!("data/classifiers.txt");
/// Deprecated classifiers and what replaces them, `old<TAB>new,new`.
const DEPRECATED_CLASSIFIERS: &str = include_str!("data/deprecated-classifiers.txt");
/// CPython's `sys.stdlib_module_names`: an import name equal to one of these is shadowed.
const STDLIB_MODULES: &str = include_str!("data/stdlib-modules.txt");

fn data_lines(text: &'static str) -> impl Iterator<Item = &'static str> {
    text.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

fn field_error(field: &str, message: impl std::fmt::Display) -> UserError {
    UserError::new(format!("`{field}`: {message}"))
}

/// The first control character or line separator in `s` (tab allowed when `tab_ok`), shown as
/// an escape. Python's e-mail parser, which reads METADATA, splits lines wherever
/// `str.splitlines` does: at `\x0b`, `\x0c`, `\x1c`–`\x1e`, `\x85`, U+2028 and U+2029 too.
fn control_char(s: &str, tab_ok: bool) -> Option<String> {
    s.chars()
        .find(|&c| {
            (c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')) && !(tab_ok && c == '\t')
        })
        .map(|c| c.escape_default().to_string())
}

/// A value that becomes one header line of METADATA: no line breaks or other control
/// characters, which would end the field and start another.
pub fn single_line(field: &str, value: &str) -> Result<(), UserError> {
    if let Some(c) = control_char(value, true) {
        let hint = if matches!(c.as_str(), "\\n" | "\\r") {
            "a metadata field is one line: remove the line break"
        } else {
            "remove the control character"
        };
        return Err(field_error(
            field,
            format!("{value:?} holds the control character `{c}`"),
        )
        .hint(hint));
    }
    Ok(())
}

/// A name in `authors`/`maintainers`: one line and, as PEP 621 requires, no comma (commas
/// separate the people of the `Author` field).
pub fn contact_name(field: &str, name: &str) -> Result<(), UserError> {
    single_line(field, name)?;
    if name.trim().is_empty() {
        return Err(
            field_error(field, "is empty").hint("give the person's name, or leave `name` out")
        );
    }
    if name.contains(',') {
        return Err(field_error(field, format!("{name:?} holds a comma"))
            .hint("PEP 621: a name must not contain commas; write it without one (\"John Doe\")"));
    }
    Ok(())
}

/// An e-mail address (`local@domain`, RFC 5322 `addr-spec` in its common unquoted form).
pub fn email(field: &str, address: &str) -> Result<(), UserError> {
    single_line(field, address)?;
    let valid = address.split_once('@').is_some_and(|(local, domain)| {
        let atom = |s: &str| {
            !s.is_empty()
                && !s.starts_with('.')
                && !s.ends_with('.')
                && !s.contains("..")
                && s.chars()
                    .all(|c| !c.is_whitespace() && !c.is_control() && !"@<>()[]\\,;:\"".contains(c))
        };
        atom(local) && atom(domain)
    });
    if !valid {
        return Err(
            field_error(field, format!("{address:?} is not a valid e-mail address"))
                .hint("write it as name@example.com, without the person's name or angle brackets"),
        );
    }
    Ok(())
}

/// A keyword: one line, and no comma (keywords are joined with commas in METADATA).
pub fn keyword(field: &str, word: &str) -> Result<(), UserError> {
    single_line(field, word)?;
    if word.contains(',') {
        return Err(field_error(field, format!("{word:?} holds a comma"))
            .hint("give each keyword as its own list item: keywords = [\"a\", \"b\"]"));
    }
    if word.trim().is_empty() {
        return Err(field_error(field, "holds an empty keyword").hint("remove it"));
    }
    Ok(())
}

/// A trove classifier PyPI knows (`Private :: …` ones too, which PyPI refuses on purpose).
pub fn classifier(field: &str, value: &str) -> Result<(), UserError> {
    single_line(field, value)?;
    if value.starts_with("Private ::") || data_lines(CLASSIFIERS).any(|c| c == value) {
        return Ok(());
    }
    if let Some(line) =
        data_lines(DEPRECATED_CLASSIFIERS).find(|l| l.split('\t').next() == Some(value))
    {
        let new = line.split('\t').nth(1).unwrap_or_default();
        let hint = if new.is_empty() {
            "remove it".to_string()
        } else {
            format!(
                "use {}",
                new.split(',')
                    .map(|n| format!("\"{n}\""))
                    .collect::<Vec<_>>()
                    .join(" or ")
            )
        };
        return Err(
            field_error(field, format!("\"{value}\" is a deprecated classifier")).hint(hint),
        );
    }
    let closest = data_lines(CLASSIFIERS)
        .map(|c| (strsim::jaro_winkler(c, value), c))
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .filter(|(score, _)| *score > 0.85);
    let hint = match closest {
        Some((_, c)) => {
            format!("did you mean \"{c}\"? (the list is at https://pypi.org/classifiers/)")
        }
        None => "use a classifier from https://pypi.org/classifiers/".to_string(),
    };
    Err(field_error(
        field,
        format!("\"{value}\" is not a known trove classifier"),
    )
    .hint(hint))
}

/// A `[project.urls]` label (at most 32 characters, no comma: `Project-URL: label, url`) and
/// its URL (absolute, with a scheme and no white space).
pub fn project_url(label: &str, url: &str) -> Result<(), UserError> {
    let field = format!("project.urls.{label}");
    single_line("project.urls", label)?;
    if label.trim().is_empty() || label.contains(',') || label.chars().count() > 32 {
        return Err(field_error(
            "project.urls",
            format!("the label {label:?} must be 1 to 32 characters without a comma"),
        )
        .hint("e.g. Homepage, Documentation, Source, Changelog, Issues"));
    }
    single_line(&field, url)?;
    match url::Url::parse(url) {
        Ok(parsed) if !url.chars().any(char::is_whitespace) && parsed.has_host() => Ok(()),
        _ => Err(
            field_error(&field, format!("{url:?} is not an absolute URL"))
                .hint("e.g. \"https://github.com/you/project\""),
        ),
    }
}

/// `Description-Content-Type`: `text/plain`, `text/x-rst` or `text/markdown`, with optional
/// `charset=UTF-8` and, for markdown, `variant=GFM|CommonMark`.
pub fn readme_content_type(field: &str, value: &str) -> Result<(), UserError> {
    single_line(field, value)?;
    let mut parts = value.split(';').map(str::trim);
    let media = parts.next().unwrap_or_default().to_ascii_lowercase();
    let known = ["text/plain", "text/x-rst", "text/markdown"];
    let hint = "use text/markdown, text/x-rst or text/plain (optionally \"; charset=UTF-8\")";
    if !known.contains(&media.as_str()) {
        return Err(
            field_error(field, format!("\"{value}\" is not a readme content type")).hint(hint),
        );
    }
    for param in parts {
        let (key, val) = param.split_once('=').unwrap_or((param, ""));
        let ok = match key.trim().to_ascii_lowercase().as_str() {
            "charset" => val.trim().eq_ignore_ascii_case("utf-8"),
            "variant" => {
                media == "text/markdown"
                    && ["gfm", "commonmark"].contains(&val.trim().to_ascii_lowercase().as_str())
            }
            _ => false,
        };
        if !ok {
            return Err(
                field_error(field, format!("\"{value}\": unsupported parameter `{param}`"))
                    .hint("the parameters are charset=UTF-8 and, for markdown, variant=GFM or variant=CommonMark"),
            );
        }
    }
    Ok(())
}

/// An entry point group: dotted names of letters, digits, `_` and `-`.
pub fn entry_point_group(field: &str, group: &str) -> Result<(), UserError> {
    let valid = !group.is_empty()
        && group.split('.').all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
        });
    if !valid {
        return Err(field_error(field, format!("{group:?} is not a valid entry point group"))
            .hint("a group is a dotted name of letters, digits, `_` and `-`, e.g. \"my_tool.plugins\""));
    }
    Ok(())
}

/// An entry point name: letters, digits, `_`, `.` and `-`, starting with a letter, digit or `_`
/// (for scripts it becomes a file name).
pub fn entry_point_name(field: &str, name: &str) -> Result<(), UserError> {
    let valid = name
        .chars()
        .next()
        .is_some_and(|c| c.is_alphanumeric() || c == '_')
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || "_.-".contains(c));
    if !valid {
        return Err(
            field_error(field, format!("{name:?} is not a valid entry point name"))
                .hint("use letters, digits, `_`, `.` and `-`, e.g. \"my-tool\""),
        );
    }
    Ok(())
}

/// An object reference `pkg.module:attr.attr` (the attribute part required when
/// `needs_attr`, as for scripts). Returns it normalized (spaces around `:` removed).
pub fn object_reference(field: &str, value: &str, needs_attr: bool) -> Result<String, UserError> {
    let example = if needs_attr {
        "\"my_package.cli:main\""
    } else {
        "\"my_package.module\" or \"my_package.module:object\""
    };
    let err = |why: &str| {
        field_error(
            field,
            format!("{value:?} is not an object reference: {why}"),
        )
        .hint(format!(
            "write `module:attribute` with Python names, e.g. {example}"
        ))
    };
    if value.contains('[') {
        return Err(err(
            "extras in entry points are not supported (deprecated by the specification)",
        ));
    }
    let (module, attr) = match value.split_once(':') {
        Some((m, a)) => (m.trim(), Some(a.trim())),
        None => (value.trim(), None),
    };
    let dotted = |s: &str| !s.is_empty() && s.split('.').all(is_unicode_identifier);
    if !dotted(module) {
        return Err(err("the module part must be a dotted Python name"));
    }
    match attr {
        Some(attr) if !dotted(attr) => Err(err("the part after `:` must be a dotted Python name")),
        None if needs_attr => Err(err("a script needs the function after `:`")),
        Some(attr) => Ok(format!("{module}:{attr}")),
        None => Ok(module.to_string()),
    }
}

/// A Python identifier, non-ASCII letters allowed (PEP 3131), keywords not.
fn is_unicode_identifier(s: &str) -> bool {
    if s.is_ascii() {
        return is_python_identifier(s);
    }
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_')
}

/// Refuses an import name whose top-level package is a module of CPython's standard library:
/// `import os` would always find the standard library's first.
pub fn importable_module_name(field: &str, name: &str) -> Result<(), UserError> {
    let top = name.split('.').next().unwrap_or(name);
    if data_lines(STDLIB_MODULES).any(|m| m == top) {
        return Err(field_error(
            field,
            format!("\"{name}\" is taken by the Python standard library (`{top}`), which is imported first"),
        )
        .hint(format!("choose another import name, e.g. \"{top}_go\"")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_lines_refuse_breaks() {
        assert!(single_line("f", "fine\tvalue").is_ok());
        for bad in ["a\nb", "a\rb", "a\u{0}b", "a\u{85}b"] {
            assert!(single_line("f", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn emails() {
        for good in [
            "a@example.com",
            "first.last+tag@sub.example.org",
            "x@localhost",
        ] {
            assert!(email("f", good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "a",
            "@x",
            "a@",
            "a b@x.com",
            "Ada <a@x.com>",
            "a@@x",
            "a@x..com",
            "a@x.com\nX: y",
        ] {
            assert!(email("f", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn classifiers() {
        assert!(classifier("f", "Programming Language :: Go").is_ok());
        assert!(classifier("f", "Private :: Do Not Upload").is_ok());
        let err = classifier("f", "Programming Language :: Goo").unwrap_err();
        assert!(err.hint.unwrap().contains("Programming Language :: Go"));
        assert!(classifier("f", "Made Up :: Thing").is_err());
    }

    #[test]
    fn entry_points() {
        assert!(entry_point_group("f", "my_tool.plugins").is_ok());
        assert!(entry_point_group("f", "grp]\n[console_scripts").is_err());
        assert!(entry_point_name("f", "my-tool.x_1").is_ok());
        for bad in ["bad name", "", ".hidden", "a=b", "[x", "a\nb"] {
            assert!(entry_point_name("f", bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            object_reference("f", "pkg.mod : main", true).unwrap(),
            "pkg.mod:main"
        );
        assert_eq!(object_reference("f", "pkg.mod", false).unwrap(), "pkg.mod");
        for bad in [
            "not a valid :: reference",
            "pkg:",
            ":main",
            "pkg:main [extra]",
            "1pkg:main",
            "pkg:class",
        ] {
            assert!(object_reference("f", bad, true).is_err(), "{bad:?}");
        }
        assert!(object_reference("f", "pkg.mod", true).is_err());
    }

    #[test]
    fn urls_and_content_types() {
        assert!(project_url("Homepage", "https://example.com").is_ok());
        assert!(project_url("Home, page", "https://example.com").is_err());
        assert!(project_url("Homepage", "example.com").is_err());
        assert!(project_url("Homepage", "https://exa mple.com").is_err());
        assert!(project_url(&"x".repeat(33), "https://example.com").is_err());
        assert!(readme_content_type("f", "text/markdown; charset=UTF-8; variant=GFM").is_ok());
        assert!(readme_content_type("f", "application/pdf").is_err());
        assert!(readme_content_type("f", "text/plain; variant=GFM").is_err());
    }

    #[test]
    fn stdlib_names_are_taken() {
        assert!(importable_module_name("f", "os").is_err());
        assert!(importable_module_name("f", "json.go").is_err());
        assert!(importable_module_name("f", "hello_tool").is_ok());
    }
}
