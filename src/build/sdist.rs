//! `gowright sdist`: a source distribution that builds with gowright on `pip install`.

use std::path::{Path, PathBuf};

use crate::archive::AtomicFile;
use crate::archive::sdist::SdistBuilder;
use crate::archive::source_date_epoch;
use crate::config::ProjectConfig;
use crate::error::UserError;
use crate::go::GoToolchain;
use crate::metadata::slash_path;
use crate::printer::Printer;
use crate::project_files;
use crate::sources::{self, SourceSet};

/// Finds the `go.mod` governing the Go package of the project, and refuses one outside the
/// project: an sdist can only carry files below its root.
pub fn find_go_mod(cfg: &ProjectConfig) -> Result<PathBuf, UserError> {
    let package_dir = cfg.tool.package_dir(&cfg.root);
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
    let (path, file) = prepare_sdist(cfg, out_dir, printer)?;
    file.persist()?;
    printer.status("Built", path.display());
    Ok(path)
}

/// Writes the sdist to a temporary file in `out_dir`, to be persisted by the caller together
/// with the other artefacts of the command; returns its final path and the pending file.
pub fn prepare_sdist(
    cfg: &ProjectConfig,
    out_dir: &Path,
    printer: Printer,
) -> anyhow::Result<(PathBuf, AtomicFile)> {
    let meta = &cfg.metadata;
    printer.status(
        "Packaging",
        format!("{} {} (sdist)", meta.name, meta.version),
    );
    // A project without go.mod builds with gowright's (see go::synthetic_module), here too.
    let go_mod = if crate::go::synthetic_module::needed(cfg) {
        None
    } else {
        Some(find_go_mod(cfg)?)
    };
    let set = sources::collect(
        &cfg.root,
        &cfg.tool.include,
        &cfg.tool.exclude,
        &[out_dir.to_path_buf()],
    )?;
    for warning in &set.warnings {
        printer.warn(warning);
    }
    check_build_inputs(cfg, &set, go_mod.as_deref(), printer)?;
    let mut sdist = SdistBuilder::new();
    for file in &set.files {
        let rel = slash_path(&file.relative);
        if rel == "PKG-INFO" {
            continue;
        }
        sdist.add_file(rel, &file.absolute, file.executable)?;
    }
    // Files the metadata needs are always included, even if ignored.
    let needed = meta
        .readme
        .as_ref()
        .and_then(|r| r.file.clone())
        .map(|f| (f, "project.readme"))
        .into_iter()
        .chain(
            meta.license_files
                .iter()
                .map(|f| (f.clone(), "project.license-files")),
        );
    for (rel, field) in needed {
        let key = slash_path(&rel);
        if !sdist.paths().any(|p| p == key) {
            let real = project_files::resolve(&cfg.root, &rel, field, project_files::Kind::File)?;
            sdist.add_file(key, real, false)?;
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
    Ok((out_dir.join(format!("{top}.tar.gz")), file))
}

/// Refuses an sdist that would not build: every file the Go build reads for any configured
/// target (as `go list -deps` reports it: sources of the project's packages, `go.mod`,
/// `go.sum`, embedded files) must be in it. When Go is not installed, only `go.mod` and
/// `go.sum` are checked, with a warning.
fn check_build_inputs(
    cfg: &ProjectConfig,
    set: &SourceSet,
    go_mod: Option<&Path>,
    printer: Printer,
) -> Result<(), UserError> {
    let real_root = project_files::canonical_root(&cfg.root)?;
    let mut needed: Vec<PathBuf> = go_mod.map(Path::to_path_buf).into_iter().collect();
    if let Some(go_sum) = go_mod.map(|m| m.with_file_name("go.sum"))
        && go_sum.is_file()
    {
        needed.push(go_sum);
    }
    let packages: Vec<String> = cfg.tool.go_packages.iter().map(|p| p.pattern()).collect();
    match GoToolchain::locate().and_then(|go| {
        go.for_project(cfg, printer)
            .map_err(|e| UserError::new(format!("{e:#}")))
    }) {
        Ok(go) => {
            let lists: Vec<Result<Vec<PathBuf>, UserError>> = std::thread::scope(|scope| {
                let handles: Vec<_> = cfg
                    .tool
                    .targets
                    .iter()
                    .map(|&target| {
                        let (go, packages, root) = (&go, &packages, &real_root);
                        scope.spawn(move || {
                            let mut files = Vec::new();
                            for package in packages {
                                files.extend(go.build_inputs(root, package, target, &cfg.tool.tags)?);
                            }
                            Ok(files)
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| {
                        h.join().unwrap_or_else(|_| {
                            Err(UserError::new("listing the Go build's files failed"))
                        })
                    })
                    .collect()
            });
            for list in lists {
                needed.extend(list?);
            }
        }
        Err(e) => printer.warn(format!(
            "cannot check that the sdist holds every Go file the build needs ({}); only go.mod and go.sum are checked",
            e.message
        )),
    }
    needed.sort();
    needed.dedup();
    let have: std::collections::HashSet<PathBuf> =
        set.files.iter().map(|f| f.relative.clone()).collect();
    for path in needed {
        let relative = path
            .strip_prefix(&real_root)
            .or_else(|_| path.strip_prefix(&cfg.root))
            .unwrap_or(&path);
        if have.contains(relative) || !path.starts_with(&real_root) && !path.starts_with(&cfg.root)
        {
            continue;
        }
        let why = sources::why_left_out(&cfg.root, relative, &cfg.tool.exclude);
        return Err(UserError::new(format!(
            "the sdist would lack `{}`, which the Go build needs: {why}",
            slash_path(relative)
        ))
        .hint("change that rule (anchor a .gitignore pattern to the root with a leading `/`, e.g. `/toolname`), or add the file to `tool.gowright.include`"));
    }
    Ok(())
}
