//! Building: a plan run for every target in parallel, each target through its binding kind,
//! and every artefact of the command persisted together.
//!
//! The flow: [`plan`] decides the targets, paths and flags; for each target in parallel the
//! binding kind ([`bin`], [`lib`]) builds the files of the wheel; [`wheel`] adds `.dist-info`
//! and writes it to a temporary file. Only when every target succeeded are the wheels given
//! their final names, so a failed build leaves the output directory as it was. [`sdist`] and
//! [`develop`] are the other commands built on it.
//!
//! Arrows run one way: this module drives the kinds; no kind knows of another, nor of the
//! orchestration.

pub mod bin;
pub mod capi;
pub mod cgo;
pub mod checks;
pub mod develop;
mod extension;
pub mod lib;
pub mod plan;
mod relink;
pub mod sdist;
pub mod wheel;

use std::path::{Path, PathBuf};

pub use plan::{BuildOptions, BuildPlan, BuiltWheel, TargetSelection};
use wheel::KindOutput;

use crate::archive::AtomicFile;
use crate::config::go_package::GoPackageSpec;
use crate::config::{Bindings, ProjectConfig};
use crate::error::UserError;
use crate::go::GoToolchain;
use crate::printer::Printer;
use crate::target::Target;

/// Builds the wheels of a project.
pub fn build_wheels(
    cfg: &ProjectConfig,
    selection: &TargetSelection,
    out_dir: &Path,
    printer: Printer,
) -> anyhow::Result<Vec<BuiltWheel>> {
    build_wheels_with(cfg, selection, out_dir, &BuildOptions::default(), printer)
}

/// Builds wheels as `options` say (editable ones, for given interpreters).
pub fn build_wheels_with(
    cfg: &ProjectConfig,
    selection: &TargetSelection,
    out_dir: &Path,
    options: &BuildOptions,
    printer: Printer,
) -> anyhow::Result<Vec<BuiltWheel>> {
    let (wheels, files) = split_pending(prepare_wheels(cfg, selection, out_dir, options, printer)?);
    persist_all(files, printer)?;
    Ok(wheels)
}

/// Builds the wheels into temporary files of the output directory, to be given their final
/// names by [`persist_all`] together with the other artefacts of the command.
pub fn prepare_wheels(
    cfg: &ProjectConfig,
    selection: &TargetSelection,
    out_dir: &Path,
    options: &BuildOptions,
    printer: Printer,
) -> anyhow::Result<Vec<(BuiltWheel, AtomicFile)>> {
    let out_dir_existed = out_dir.exists();
    let result = build_wheels_inner(cfg, selection, out_dir, options, printer);
    if result.is_err() && !out_dir_existed {
        // Leave no empty output directory behind either (this fails harmlessly if not empty).
        let _ = std::fs::remove_dir(out_dir);
    }
    result
}

/// Gives every pending artefact its final name. What is in the way of one (a directory of that
/// name) is found before any is renamed, so that the output directory changes all at once.
pub fn persist_all(pending: Vec<(PathBuf, AtomicFile)>, printer: Printer) -> anyhow::Result<()> {
    for (path, _) in &pending {
        if path.is_dir() {
            return Err(UserError::new(format!(
                "cannot write `{}`: a directory is in the way",
                path.display()
            ))
            .hint("move that directory, or choose another output directory with --out")
            .into());
        }
    }
    for (path, file) in pending {
        file.persist()?;
        printer.status("Built", path.display());
    }
    Ok(())
}

/// Splits built wheels into what was built and the files to persist.
pub fn split_pending(
    pending: Vec<(BuiltWheel, AtomicFile)>,
) -> (Vec<BuiltWheel>, Vec<(PathBuf, AtomicFile)>) {
    pending
        .into_iter()
        .map(|(wheel, file)| {
            let path = wheel.path.clone();
            (wheel, (path, file))
        })
        .unzip()
}

fn build_wheels_inner(
    cfg: &ProjectConfig,
    selection: &TargetSelection,
    out_dir: &Path,
    options: &BuildOptions,
    printer: Printer,
) -> anyhow::Result<Vec<(BuiltWheel, AtomicFile)>> {
    ensure_build_dir(&cfg.build_dir())?;
    // One build of a project at a time: they share target/ (Go's outputs, the caches).
    let _lock = lock_build_dir(&cfg.build_dir(), printer)?;
    let go = GoToolchain::locate_cached(
        &cfg.build_dir().join("gowright").join("go-env.json"),
        &cfg.root,
    )?
    .for_project(cfg, printer)?;
    printer.detail(format!("using {} ({})", go.go.display(), go.version));
    let mut plan = BuildPlan::new(cfg, selection, go.host, out_dir)?;
    plan.editable = options.editable;
    plan.interpreters = options.interpreters.clone();

    printer.status(
        "Building",
        format!(
            "{} {} for {}",
            cfg.metadata.name,
            cfg.metadata.version,
            plan.targets
                .iter()
                .map(Target::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    );

    let results = in_parallel(&plan.targets, |&target| {
        build_one(cfg, &go, &plan, target, printer)
    });

    let mut pending = Vec::new();
    let mut errors = Vec::new();
    for (target, result) in plan.targets.iter().zip(results) {
        match result {
            Ok(done) => pending.extend(done),
            Err(e) => errors.push((target, e)),
        }
    }
    let mut errors = errors.into_iter();
    if let Some((_, first)) = errors.next() {
        // Dropping `pending` removes the temporary wheels of the targets that did succeed.
        drop(pending);
        for (target, other) in errors {
            printer.warn(format!("the build for {target} failed too: {other:#}"));
        }
        return Err(first);
    }
    tracing::debug!("all targets assembled");
    Ok(pending)
}

/// Runs `work` on every item on a thread of its own, and returns the results in item order (a
/// thread that panicked gives an error).
pub(crate) fn in_parallel<T: Sync, R: Send>(
    items: &[T],
    work: impl Fn(&T) -> anyhow::Result<R> + Sync,
) -> Vec<anyhow::Result<R>> {
    std::thread::scope(|scope| {
        let work = &work;
        let handles: Vec<_> = items
            .iter()
            .map(|item| scope.spawn(move || work(item)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(anyhow::anyhow!("a build thread panicked")))
            })
            .collect()
    })
}

/// Creates `target/` with a `.gitignore` that keeps it out of version control, as cargo does.
fn ensure_build_dir(dir: &Path) -> anyhow::Result<()> {
    fs_err::create_dir_all(dir)?;
    let ignore = dir.join(".gitignore");
    if !ignore.exists() {
        fs_err::write(ignore, "# Created by gowright: build outputs.\n*\n")?;
    }
    Ok(())
}

/// Takes the lock of the build directory, waiting (and saying so) while another gowright
/// process builds the same project, as cargo does. The lock ends when the file is closed, also
/// when the process is killed.
fn lock_build_dir(dir: &Path, printer: Printer) -> anyhow::Result<std::fs::File> {
    let path = dir.join(".gowright-lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| {
            UserError::new(format!(
                "cannot open the build lock `{}`: {e}",
                path.display()
            ))
            .hint(crate::archive::io_hint(&e))
        })?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            printer.status(
                "Blocking",
                "waiting for another gowright build of this project to finish",
            );
            file.lock()?;
        }
        Err(std::fs::TryLockError::Error(e)) => {
            // A file system without locks: build without one, as before.
            tracing::debug!("no lock on {}: {e}", path.display());
        }
    }
    Ok(file)
}

/// Builds the wheels of one target (one per CPython ABI of a library) into temporary files of
/// the output directory.
fn build_one(
    cfg: &ProjectConfig,
    go: &GoToolchain,
    plan: &BuildPlan,
    target: Target,
    printer: Printer,
) -> anyhow::Result<Vec<(BuiltWheel, AtomicFile)>> {
    build_kind(cfg, go, plan, target, printer)?
        .into_iter()
        .map(|output| wheel::write_wheel(cfg, plan, target, output))
        .collect()
}

/// Runs the binding kind configured or (when `bindings` is not set) found: a `main` package is
/// a command, any other package a library.
fn build_kind(
    cfg: &ProjectConfig,
    go: &GoToolchain,
    plan: &BuildPlan,
    target: Target,
    printer: Printer,
) -> anyhow::Result<Vec<KindOutput>> {
    let list = || {
        go.list_package_cached(
            &cfg.root,
            &plan.go_package,
            target,
            &plan.tags,
            &plan.target_dir(target).join("go-list.json"),
        )
    };
    let ctypes_elsewhere = |kind: &str| -> anyhow::Result<()> {
        if cfg.tool.ctypes_library.is_some() {
            return Err(UserError::new(format!(
                "`tool.gowright.ctypes-library` is for bindings = \"cgo\", but this project is built as bindings = \"{kind}\""
            ))
            .hint("remove `ctypes-library`, or set bindings = \"cgo\" for a `main` package with `//export` functions")
            .into());
        }
        Ok(())
    };
    // Several packages, or one of another module, are bound as one `lib` extension module.
    let only_lib = plan.go_packages.len() > 1
        || cfg
            .tool
            .go_packages
            .iter()
            .any(|p| matches!(p, GoPackageSpec::Import(_)));
    let list_all = || -> anyhow::Result<Vec<crate::go::GoPackage>> {
        let mut packages = vec![list()?];
        for (i, pattern) in plan.go_packages.iter().enumerate().skip(1) {
            packages.push(go.list_package_cached(
                &cfg.root,
                pattern,
                target,
                &plan.tags,
                &plan.target_dir(target).join(format!("go-list-{i}.json")),
            )?);
        }
        Ok(packages)
    };
    if only_lib {
        let kind = cfg.tool.bindings.unwrap_or(Bindings::Lib);
        if kind != Bindings::Lib {
            return Err(UserError::new(format!(
                "`tool.gowright.go-package` = {:?} binds {}, which only bindings = \"lib\" can, not bindings = \"{}\"",
                plan.go_packages.join(", "),
                if plan.go_packages.len() > 1 { "several Go packages" } else { "a package by import path" },
                kind.as_str()
            ))
            .hint("set bindings = \"lib\", or name one Go package of the project by its directory, e.g. go-package = \"./cmd/tool\"")
            .into());
        }
        ctypes_elsewhere("lib")?;
        return lib::build(cfg, go, plan, target, &list_all()?, printer);
    }
    match cfg.tool.bindings {
        Some(Bindings::Bin) => {
            ctypes_elsewhere("bin")?;
            let package = list()?;
            if package.name == "main" && library_exports(&package).is_some() {
                printer.warn(format!(
                    "{} has `//export` functions and an empty `main`: as bindings = \"bin\", the installed command does nothing",
                    package.import_path
                ));
            }
            Ok(vec![bin::build(cfg, go, plan, target, printer)?])
        }
        Some(Bindings::Lib) => {
            ctypes_elsewhere("lib")?;
            lib::build(cfg, go, plan, target, &[list()?], printer)
        }
        Some(Bindings::Cgo) => cgo::build(cfg, go, plan, target, &list()?, printer),
        Some(Bindings::Capi) => {
            ctypes_elsewhere("capi")?;
            capi::build(cfg, go, plan, target, &list()?, printer)
        }
        None => {
            let package = list()?;
            if package.name == "main" {
                if let Ok(Some(module)) = capi::scan(&package.dir) {
                    printer.detail(format!(
                        "{target}: {} defines PyInit_{} itself: built as bindings = \"capi\"",
                        package.import_path, module.name
                    ));
                    ctypes_elsewhere("capi")?;
                    return capi::build(cfg, go, plan, target, &package, printer);
                }
                if let Some(names) = library_exports(&package) {
                    printer.detail(format!(
                        "{target}: {} exports {} and its `main` is empty: a library, built as bindings = \"cgo\"",
                        package.import_path,
                        names.join(", ")
                    ));
                    return cgo::build(cfg, go, plan, target, &package, printer);
                }
                ctypes_elsewhere("bin")?;
                Ok(vec![bin::build(cfg, go, plan, target, printer)?])
            } else {
                ctypes_elsewhere("lib")?;
                lib::build(cfg, go, plan, target, &[package], printer)
            }
        }
    }
}

/// The `//export` names of a `main` package written as a library (exports and an empty `main`).
fn library_exports(package: &crate::go::GoPackage) -> Option<Vec<String>> {
    let found = crate::go::exports::scan(&package.dir).ok()?;
    found.is_library().then_some(found.names)
}
