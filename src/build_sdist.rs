//! `gowright sdist`: a source distribution that builds with gowright on `pip install`.

use std::path::{Path, PathBuf};

use crate::archive::sdist::SdistBuilder;
use crate::archive::source_date_epoch;
use crate::config::ProjectConfig;
use crate::error::UserError;
use crate::metadata::slash_path;
use crate::printer::Printer;
use crate::sources;

/// Finds the `go.mod` governing the Go package of the project, and refuses one outside the
/// project: an sdist can only carry files below its root.
pub fn find_go_mod(cfg: &ProjectConfig) -> Result<PathBuf, UserError> {
    let package_dir = cfg.root.join(&cfg.tool.go_package);
    if !package_dir.is_dir() {
        return Err(UserError::new(format!(
            "`tool.gowright.go-package` = \"{}\" is not a directory of the project",
            cfg.tool.go_package
        ))
        .hint("give the Go package's directory relative to pyproject.toml, e.g. \".\" or \"./cmd/tool\""));
    }
    let mut dir = Some(package_dir.as_path());
    while let Some(d) = dir {
        let candidate = d.join("go.mod");
        if candidate.is_file() {
            if !d.starts_with(&cfg.root) {
                return Err(UserError::new(format!(
                    "the Go module of this project is `{}`, outside the project directory",
                    candidate.display()
                ))
                .hint("an sdist can only hold files below pyproject.toml: put pyproject.toml at the module root or beside go.mod"));
            }
            return Ok(candidate);
        }
        dir = d.parent();
    }
    Err(UserError::new(format!(
        "no go.mod found for the Go package in `{}`",
        package_dir.display()
    ))
    .hint("create one with `go mod init <module path>`"))
}

/// Builds `{name}-{version}.tar.gz` in `out_dir` and returns its path.
pub fn build_sdist(
    cfg: &ProjectConfig,
    out_dir: &Path,
    printer: Printer,
) -> anyhow::Result<PathBuf> {
    let meta = &cfg.metadata;
    printer.status(
        "Packaging",
        format!("{} {} (sdist)", meta.name, meta.version),
    );
    find_go_mod(cfg)?;
    let set = sources::collect(
        &cfg.root,
        &cfg.tool.include,
        &cfg.tool.exclude,
        &[out_dir.to_path_buf()],
    )?;
    for warning in &set.warnings {
        printer.warn(warning);
    }
    let mut sdist = SdistBuilder::new();
    for file in &set.files {
        let rel = slash_path(&file.relative);
        if rel == "PKG-INFO" {
            continue;
        }
        sdist.add(rel, fs_err::read(&file.absolute)?, file.executable)?;
    }
    // Files the metadata needs are always included, even if ignored.
    let needed = meta
        .readme
        .as_ref()
        .and_then(|r| r.file.clone())
        .into_iter()
        .chain(meta.license_files.iter().cloned());
    for rel in needed {
        let key = slash_path(&rel);
        if !sdist.paths().any(|p| p == key) {
            sdist.add(key, fs_err::read(cfg.root.join(&rel))?, false)?;
        }
    }
    sdist.add(
        "pyproject.toml",
        cfg.pyproject_text.clone().into_bytes(),
        false,
    )?;
    sdist.add("PKG-INFO", meta.render().into_bytes(), false)?;
    let top = format!("{}-{}", meta.name.escaped(), meta.version);
    printer.detail(format!("{} files", sdist.paths().count()));
    let file = sdist.write(&top, out_dir, source_date_epoch())?;
    let path = file.persist()?;
    printer.status("Built", path.display());
    Ok(path)
}
