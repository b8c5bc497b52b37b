//! Files and directories a project names in its configuration — the readme, licence files,
//! `python-source`, the Go package — resolved so that nothing outside the project directory is
//! ever read into an artefact.
//!
//! A name is refused when it is absolute or climbs out with `..`; the file is refused when its
//! real path (symlinks resolved) leaves the project, or when it is not a regular file (a FIFO
//! would hang the build, a device would be read forever).

use std::path::{Component, Path, PathBuf};

use crate::error::UserError;

/// What a configured path must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    File,
    Directory,
}

impl Kind {
    fn noun(self) -> &'static str {
        match self {
            Kind::File => "a regular file",
            Kind::Directory => "a directory",
        }
    }
}

/// The project directory with symlinks resolved, the reference every path is checked against.
pub fn canonical_root(root: &Path) -> Result<PathBuf, UserError> {
    fs_err::canonicalize(root).map_err(|e| {
        UserError::new(format!("cannot resolve the project directory: {e}"))
            .hint("check that the project directory exists and can be read")
    })
}

/// Refuses a configured path that is absolute or holds `..`: it must name something inside the
/// project, relative to `pyproject.toml`. `field` is the configuration key (`project.readme`).
pub fn check_relative(path: &Path, field: &str) -> Result<(), UserError> {
    let climbs = path.components().any(|c| {
        matches!(
            c,
            Component::ParentDir | Component::RootDir | Component::Prefix(_)
        )
    });
    if path.is_absolute() || climbs {
        return Err(UserError::new(format!(
            "`{field}`: `{}` is outside the project directory",
            path.display()
        ))
        .hint("name something inside the project, relative to pyproject.toml"));
    }
    Ok(())
}

/// Resolves `relative` (a path from the configuration key `field`) to its real path, which must
/// be a `kind` inside the project `root`.
pub fn resolve(
    root: &Path,
    relative: &Path,
    field: &str,
    kind: Kind,
) -> Result<PathBuf, UserError> {
    check_relative(relative, field)?;
    let shown = relative.display();
    let real = match std::fs::canonicalize(root.join(relative)) {
        Ok(real) => real,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let what = if std::fs::symlink_metadata(root.join(relative)).is_ok() {
                "is a symlink to nothing"
            } else {
                "does not exist"
            };
            return Err(UserError::new(format!("`{field}`: `{shown}` {what}"))
                .hint(format!("create it, or name {} of the project", kind.noun())));
        }
        Err(e) => {
            return Err(
                UserError::new(format!("`{field}`: cannot resolve `{shown}`: {e}"))
                    .hint("check the permissions of the path"),
            );
        }
    };
    let real_root = canonical_root(root)?;
    if !real.starts_with(&real_root) {
        return Err(UserError::new(format!(
            "`{field}`: `{shown}` leads to `{}`, outside the project directory",
            real.display()
        ))
        .hint("nothing from outside the project goes into a package: replace the symlink with a copy of what it points to"));
    }
    let meta = std::fs::metadata(&real).map_err(|e| {
        UserError::new(format!("`{field}`: cannot read `{shown}`: {e}"))
            .hint("check the permissions of the path")
    })?;
    let fits = match kind {
        Kind::File => meta.is_file(),
        Kind::Directory => meta.is_dir(),
    };
    if !fits {
        return Err(
            UserError::new(format!("`{field}`: `{shown}` is not {}", kind.noun()))
                .hint(format!("name {} of the project", kind.noun())),
        );
    }
    Ok(real)
}

/// Reads the bytes of the project file `relative`, checked by [`resolve`].
pub fn read(root: &Path, relative: &Path, field: &str) -> Result<Vec<u8>, UserError> {
    let real = resolve(root, relative, field, Kind::File)?;
    std::fs::read(&real).map_err(|e| {
        UserError::new(format!(
            "`{field}`: cannot read `{}`: {e}",
            relative.display()
        ))
        .hint("check that the file is readable")
    })
}

/// Reads the project file `relative` as UTF-8 text, checked by [`resolve`].
pub fn read_text(root: &Path, relative: &Path, field: &str) -> Result<String, UserError> {
    String::from_utf8(read(root, relative, field)?).map_err(|e| {
        UserError::new(format!(
            "`{field}`: `{}` is not UTF-8 text (invalid byte at offset {})",
            relative.display(),
            e.utf8_error().valid_up_to()
        ))
        .hint("save the file as UTF-8")
    })
}

/// A path as UTF-8, or an error naming it: archive member names and metadata are UTF-8, and
/// renaming a file silently (to U+FFFD) would publish something other than what is there.
pub fn utf8_name<'a>(relative: &'a Path, what: &str) -> Result<&'a str, UserError> {
    relative.to_str().ok_or_else(|| {
        UserError::new(format!(
            "{what} `{}` has a name that is not UTF-8",
            relative.as_os_str().as_encoded_bytes().escape_ascii()
        ))
        .hint("rename the file, or exclude it")
    })
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn refuses_what_leaves_the_project() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("passwd"), "root:x:0:0").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("README.md"), "# hi").unwrap();
        symlink(outside.path().join("passwd"), root.join("LICENSE")).unwrap();
        symlink(outside.path(), root.join("ext")).unwrap();
        symlink(root.join("README.md"), root.join("README.rst")).unwrap();
        symlink(root.join("nothing"), root.join("dangling")).unwrap();

        assert_eq!(
            read_text(root, Path::new("README.rst"), "x").unwrap(),
            "# hi"
        );
        for (path, needle) in [
            ("LICENSE", "outside the project directory"),
            ("ext/passwd", "outside the project directory"),
            ("../passwd", "outside the project directory"),
            ("/etc/passwd", "outside the project directory"),
            ("dangling", "a symlink to nothing"),
            ("missing", "does not exist"),
        ] {
            let err = read(root, Path::new(path), "project.readme").unwrap_err();
            assert!(err.message.contains(needle), "{path}: {}", err.message);
            assert!(err.message.contains("`project.readme`"), "{}", err.message);
            assert!(err.hint.is_some());
        }
        let err = resolve(
            root,
            Path::new("ext"),
            "tool.gowright.python-source",
            Kind::Directory,
        )
        .unwrap_err();
        assert!(err.message.contains("outside"), "{}", err.message);
        let err = resolve(root, Path::new("."), "x", Kind::File).unwrap_err();
        assert!(
            err.message.contains("not a regular file"),
            "{}",
            err.message
        );
    }

    #[test]
    fn refuses_a_fifo() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("README.md");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(status.success());
        let err = read(dir.path(), Path::new("README.md"), "project.readme").unwrap_err();
        assert!(
            err.message.contains("not a regular file"),
            "{}",
            err.message
        );
    }
}
