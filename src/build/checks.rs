//! Checks of the configuration against the Go package as `go list` describes it, shared by
//! the binding kinds.

use crate::config::ProjectConfig;
use crate::error::UserError;
use crate::go::GoPackage;

/// Refuses a `tool.gowright.version-variable` that names no package-level variable of the
/// project's Go code: `-ldflags -X` would silently set nothing. A variable of a package outside
/// the project's module is not checked.
pub fn check_version_variable(cfg: &ProjectConfig, package: &GoPackage) -> Result<(), UserError> {
    let Some(var) = &cfg.tool.version_variable else {
        return Ok(());
    };
    let Some((pkg, name)) = var.rsplit_once('.') else {
        return Ok(());
    };
    let field = format!("`tool.gowright.version-variable` = \"{var}\"");
    let dir = if pkg == package.import_path || pkg == "main" && package.name == "main" {
        package.dir.clone()
    } else if pkg == "main" {
        return Err(UserError::new(format!(
            "{field}: the Go package `{}` is a library, not package main",
            package.import_path
        ))
        .hint(format!(
            "name the variable by the package's import path, e.g. \"{}.{name}\"",
            package.import_path
        )));
    } else if let Some(module) = &package.module
        && let Some(dir) = &module.dir
        && let Some(rest) = pkg.strip_prefix(module.path.as_str())
        && (rest.is_empty() || rest.starts_with('/'))
    {
        dir.join(rest.trim_start_matches('/'))
    } else {
        return Ok(());
    };
    let vars = crate::go::vars::package_vars(&dir);
    if vars.iter().any(|v| v == name) {
        return Ok(());
    }
    let found = if vars.is_empty() {
        "it declares no package-level variables".to_string()
    } else {
        format!("its variables are {}", vars.join(", "))
    };
    Err(UserError::new(format!(
        "{field}: package `{pkg}` (in `{}`) has no variable `{name}`; {found}",
        dir.display()
    ))
    .hint(format!(
        "declare `var {name} = \"dev\"` in that package, or correct the name (Go would ignore the setting and the program would not know its version)"
    )))
}

/// Refuses Go sources that lead out of the project: a package directory of the build, or a file
/// in one, that is a symlink to something outside would compile code from outside the project
/// into the wheel (and could not be in its sdist).
pub fn check_go_sources_inside(cfg: &ProjectConfig, package: &GoPackage) -> Result<(), UserError> {
    let real_root = crate::project_files::canonical_root(&cfg.root)?;
    let hint = "nothing from outside the project goes into a package: replace the symlink with a copy of what it points to";
    for dir in package
        .local_dirs
        .iter()
        .chain(std::iter::once(&package.dir))
    {
        let real_dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.clone());
        let shown = |p: &std::path::Path| {
            p.strip_prefix(&real_root)
                .or_else(|_| p.strip_prefix(&cfg.root))
                .unwrap_or(p)
                .display()
                .to_string()
        };
        if !real_dir.starts_with(&real_root) {
            // Packages of other modules (the module cache) are not the project's to check.
            if dir.starts_with(&cfg.root) {
                return Err(UserError::new(format!(
                    "the Go package directory `{}` leads to `{}`, outside the project directory",
                    shown(dir),
                    real_dir.display()
                ))
                .hint(hint));
            }
            continue;
        }
        let Ok(entries) = std::fs::read_dir(&real_dir) else {
            continue;
        };
        for entry in entries.flatten() {
            if !entry.file_type().is_ok_and(|t| t.is_symlink()) {
                continue;
            }
            let path = entry.path();
            match std::fs::canonicalize(&path) {
                Ok(target) if target.starts_with(&real_root) => {}
                Ok(target) => {
                    return Err(UserError::new(format!(
                        "the Go source `{}` leads to `{}`, outside the project directory",
                        shown(&path),
                        target.display()
                    ))
                    .hint(hint));
                }
                Err(_) => {}
            }
        }
    }
    Ok(())
}
