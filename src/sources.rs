//! Choosing the files of a project that go into its sdist.
//!
//! Everything under the project root that `.gitignore` does not exclude, minus the build
//! directory, the output directory, virtual environments, VCS metadata and Python caches; plus
//! what `tool.gowright.include` names; minus what `tool.gowright.exclude` names. Nothing outside
//! the project is ever taken: a symlink leading out of it is skipped with a warning.

use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::error::UserError;
use crate::metadata::slash_path;

/// A file chosen for the sdist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Path relative to the project root.
    pub relative: PathBuf,
    /// Where to read it (a symlink resolved to its target inside the project).
    pub absolute: PathBuf,
    pub executable: bool,
}

/// The outcome of a walk: the files, and warnings for what was skipped.
#[derive(Debug, Default)]
pub struct SourceSet {
    pub files: Vec<SourceFile>,
    pub warnings: Vec<String>,
}

/// The globs of `tool.gowright.{field}` (`include`/`exclude`), matched against paths relative
/// to the project root with `/` separators.
pub fn glob_set(patterns: &[String], field: &str) -> Result<GlobSet, UserError> {
    let hint = "globs are relative to pyproject.toml and use `*`, `?`, `**`, `[abc]` and `{a,b}`, e.g. \"docs/**/*.md\"";
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        if pattern.starts_with('/') || pattern.split('/').any(|p| p == "..") {
            return Err(UserError::new(format!(
                "`tool.gowright.{field}`: `{pattern}` reaches outside the project"
            ))
            .hint(hint));
        }
        let glob = Glob::new(pattern).map_err(|e| {
            UserError::new(format!(
                "`tool.gowright.{field}`: invalid glob `{pattern}`: {e}"
            ))
            .hint(hint)
        })?;
        builder.add(glob);
    }
    builder
        .build()
        .map_err(|e| UserError::new(format!("`tool.gowright.{field}`: {e}")).hint(hint))
}

/// Walks `root` and returns the files of the sdist, sorted. `skip_dirs` are directories (absolute)
/// never entered, such as the output directory.
pub fn collect(
    root: &Path,
    include: &[String],
    exclude: &[String],
    skip_dirs: &[PathBuf],
) -> Result<SourceSet, UserError> {
    let include = glob_set(include, "include")?;
    let exclude = glob_set(exclude, "exclude")?;
    let canonical_root = fs_err::canonicalize(root).map_err(|e| UserError::new(e.to_string()))?;
    let skip: Vec<PathBuf> = skip_dirs
        .iter()
        .filter_map(|d| std::fs::canonicalize(d).ok())
        .collect();
    let mut set = SourceSet::default();

    // Two walks: one respecting ignore files, one (only if `include` is used) that does not.
    for respect_ignores in [true, false] {
        if !respect_ignores && include.is_empty() {
            break;
        }
        let skip = skip.clone();
        let build_dir = canonical_root.join("target");
        let walker = ignore::WalkBuilder::new(root)
            .hidden(false)
            .ignore(respect_ignores)
            .git_ignore(respect_ignores)
            .git_exclude(respect_ignores)
            .git_global(false)
            .parents(respect_ignores)
            .require_git(false)
            .follow_links(false)
            .sort_by_file_name(|a, b| a.cmp(b))
            .filter_entry(move |entry| {
                let path = entry.path();
                let name = entry.file_name().to_string_lossy();
                if entry.file_type().is_some_and(|t| t.is_dir()) {
                    if matches!(name.as_ref(), ".git" | ".hg" | ".svn" | "__pycache__")
                        || path.join("pyvenv.cfg").is_file()
                    {
                        return false;
                    }
                    let canonical = std::fs::canonicalize(path).unwrap_or_default();
                    if canonical == build_dir || skip.contains(&canonical) {
                        return false;
                    }
                }
                !name.ends_with(".pyc")
            })
            .build();
        for entry in walker {
            let entry =
                entry.map_err(|e| UserError::new(format!("cannot read the project: {e}")))?;
            let Some(file_type) = entry.file_type() else {
                continue;
            };
            if file_type.is_dir() {
                continue;
            }
            let path = entry.path();
            let relative = path.strip_prefix(root).unwrap_or(path).to_path_buf();
            if relative.to_str().is_none() {
                // Archive member names are UTF-8: such a file would be renamed, so it is left out.
                let warning = format!(
                    "skipping `{}`: its name is not UTF-8",
                    relative.as_os_str().as_encoded_bytes().escape_ascii()
                );
                if !set.warnings.contains(&warning) {
                    set.warnings.push(warning);
                }
                continue;
            }
            let rel_str = slash_path(&relative);
            if exclude.is_match(&rel_str) || set.files.iter().any(|f| f.relative == relative) {
                continue;
            }
            if !respect_ignores && !include.is_match(&rel_str) {
                continue;
            }
            let absolute = if file_type.is_symlink() {
                match std::fs::canonicalize(path) {
                    Ok(target) if target.starts_with(&canonical_root) && target.is_file() => target,
                    _ => {
                        set.warnings.push(format!(
                            "skipping `{rel_str}`: a symlink to something outside the project or not a file"
                        ));
                        continue;
                    }
                }
            } else if file_type.is_file() {
                path.to_path_buf()
            } else {
                continue;
            };
            set.files.push(SourceFile {
                executable: is_executable(&absolute),
                relative,
                absolute,
            });
        }
    }
    set.files.sort_by(|a, b| a.relative.cmp(&b.relative));
    Ok(set)
}

/// Why the project file `relative` is not in the sdist: the `exclude` glob or the ignore-file
/// rule that drops it (the rule's file and pattern), for the error that refuses an sdist
/// lacking a file the build needs.
pub fn why_left_out(root: &Path, relative: &Path, exclude: &[String]) -> String {
    let rel_str = slash_path(relative);
    if let Ok(meta) = std::fs::symlink_metadata(root.join(relative))
        && meta.is_symlink()
    {
        return "it is a symlink leading outside the project or to something not a file, which is never followed".to_string();
    }
    for pattern in exclude {
        if Glob::new(pattern).is_ok_and(|g| g.compile_matcher().is_match(&rel_str)) {
            return format!("the `tool.gowright.exclude` glob `{pattern}` drops it");
        }
    }
    // The ignore files from the root down to the file's directory; a deeper one wins, and a
    // directory matched by a rule drops everything below it.
    let mut verdict = None;
    let mut dir = root.to_path_buf();
    let mut ancestors: Vec<&Path> = relative.ancestors().skip(1).collect();
    ancestors.reverse();
    for ancestor in ancestors {
        dir = root.join(ancestor);
        for name in [".gitignore", ".ignore"] {
            let file = dir.join(name);
            if !file.is_file() {
                continue;
            }
            let mut builder = ignore::gitignore::GitignoreBuilder::new(&dir);
            if builder.add(&file).is_some() {
                continue;
            }
            let Ok(matcher) = builder.build() else {
                continue;
            };
            let path = root.join(relative);
            match matcher.matched_path_or_any_parents(&path, false) {
                ignore::Match::Ignore(glob) => {
                    let from = glob
                        .from()
                        .and_then(|f| f.strip_prefix(root).ok())
                        .map_or_else(|| name.to_string(), slash_path);
                    verdict = Some(format!("the rule `{}` in {from} drops it", glob.original()));
                }
                ignore::Match::Whitelist(_) => verdict = None,
                ignore::Match::None => {}
            }
        }
    }
    let _ = dir;
    verdict.unwrap_or_else(|| {
        "an ignore rule (a .gitignore above the project, or .git/info/exclude) drops it".to_string()
    })
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(_path: &Path) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, rel: &str, text: &str) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn respects_gitignore_and_skips_build_outputs() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "pyproject.toml", "");
        write(root, "main.go", "");
        write(root, ".gitignore", "*.log\n/secret/\n");
        write(root, "debug.log", "");
        write(root, "secret/key", "");
        write(root, "target/gowright/x", "");
        write(root, "dist/old.whl", "");
        write(root, ".venv/pyvenv.cfg", "");
        write(root, "pkg/__pycache__/m.pyc", "");
        write(root, "docs/notes.txt", "");
        write(root, "docs/big.bin", "");

        let set = collect(
            root,
            &["secret/*".to_string()],
            &["docs/*.bin".to_string()],
            &[root.join("dist")],
        )
        .unwrap();
        let names: Vec<String> = set.files.iter().map(|f| slash_path(&f.relative)).collect();
        assert_eq!(
            names,
            [
                ".gitignore",
                "docs/notes.txt",
                "main.go",
                "pyproject.toml",
                "secret/key"
            ]
        );
    }

    #[cfg(unix)]
    #[test]
    fn skips_symlinks_leading_outside() {
        let outside = tempfile::tempdir().unwrap();
        write(outside.path(), "passwd", "x");
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "a.go", "");
        std::os::unix::fs::symlink(outside.path().join("passwd"), dir.path().join("leak")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("a.go"), dir.path().join("b.go")).unwrap();
        let set = collect(dir.path(), &[], &[], &[]).unwrap();
        let names: Vec<String> = set.files.iter().map(|f| slash_path(&f.relative)).collect();
        assert_eq!(names, ["a.go", "b.go"]);
        assert_eq!(set.warnings.len(), 1);
    }
}
