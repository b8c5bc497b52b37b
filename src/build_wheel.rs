//! `gowright build`: Go executables (`bindings = "bin"`) shipped in one wheel per target.
//!
//! The flow: decide the plan (targets, paths, flags), then for each target in parallel run
//! `go list` (to find cgo), `go build`, inspect the binary for its platform tags and assemble the
//! wheel into a temporary file. Only when every target succeeded are the wheels given their final
//! names, so a failed build leaves the output directory as it was.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use sha2::{Digest as _, Sha256};

use crate::archive::wheel::{WheelBuilder, WheelFilename, wheel_file};
use crate::archive::{AtomicFile, source_date_epoch};
use crate::audit;
use crate::config::{Bindings, ProjectConfig};
use crate::dist_info::dist_info_files;
use crate::error::UserError;
use crate::go::build_id::{self, KnownExecutable};
use crate::go::{BuildRequest, GoPackage, GoToolchain};
use crate::printer::Printer;
use crate::pypackage::{Layout, add_bin_package};
use crate::target::Target;

/// Which targets to build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetSelection {
    /// The machine gowright runs on.
    Host,
    /// Targets named on the command line (`--target`).
    Explicit(Vec<String>),
    /// `--all-targets`: `tool.gowright.targets`, or the default set.
    All,
}

/// The decided work of one `gowright build`: plain data, printed by `--dry-run`.
#[derive(Debug, Clone)]
pub struct BuildPlan {
    pub targets: Vec<Target>,
    /// The Go package directory, relative to the project root (`./cmd/tool`).
    pub go_package: String,
    pub binary_name: String,
    pub module_name: String,
    pub ldflags: Vec<String>,
    pub tags: Vec<String>,
    /// Where executables are built, one subdirectory per target.
    pub build_dir: PathBuf,
    pub out_dir: PathBuf,
    pub epoch: u64,
    /// Build an editable wheel (PEP 660): a mixed project's Python sources are used in place.
    pub editable: bool,
}

/// One wheel that was written.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BuiltWheel {
    pub path: PathBuf,
    pub target: String,
    pub platform_tags: Vec<String>,
}

impl BuildPlan {
    /// Decides everything that does not need the Go toolchain to run.
    pub fn new(
        cfg: &ProjectConfig,
        selection: &TargetSelection,
        host: Target,
        out_dir: &Path,
    ) -> Result<Self, UserError> {
        let targets = match selection {
            TargetSelection::Host => vec![host],
            TargetSelection::All => cfg.tool.targets.clone(),
            TargetSelection::Explicit(names) => {
                crate::config::tool::parse_targets(names, "--target")?
            }
        };
        let mut ldflags = Vec::new();
        if cfg.tool.strip {
            ldflags.extend(["-s".to_string(), "-w".to_string()]);
        }
        if let Some(var) = &cfg.tool.version_variable {
            ldflags.push(format!("-X={var}={}", cfg.metadata.version));
        }
        // Items are in Go's own -ldflags syntax (quotes group words: "-X 'main.x=a b'").
        ldflags.extend(cfg.tool.ldflags.iter().cloned());
        let go_package = if cfg.tool.go_package == "." || cfg.tool.go_package.starts_with("./") {
            cfg.tool.go_package.clone()
        } else {
            format!("./{}", cfg.tool.go_package)
        };
        Ok(Self {
            targets,
            go_package,
            binary_name: cfg.binary_name(),
            module_name: cfg.module_name(),
            ldflags,
            tags: cfg.tool.tags.clone(),
            build_dir: cfg.build_dir().join("gowright"),
            out_dir: out_dir.to_path_buf(),
            epoch: source_date_epoch(),
            editable: false,
        })
    }

    /// The build directory of one target.
    pub fn target_dir(&self, target: Target) -> PathBuf {
        self.build_dir
            .join(format!("{}-{}", target.goos(), target.goarch()))
    }

    /// The executable built for `target`.
    pub fn binary_path(&self, target: Target) -> PathBuf {
        self.target_dir(target)
            .join(format!("{}{}", self.binary_name, target.exe_suffix()))
    }
}

impl std::fmt::Display for BuildPlan {
    /// The plan as `--dry-run` prints it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "go package:   {}", self.go_package)?;
        writeln!(f, "command:      {}", self.binary_name)?;
        writeln!(f, "python:       {}", self.module_name)?;
        writeln!(f, "ldflags:      {}", self.ldflags.join(" "))?;
        writeln!(f, "tags:         {}", self.tags.join(","))?;
        writeln!(f, "output:       {}", self.out_dir.display())?;
        writeln!(f, "timestamp:    {}", self.epoch)?;
        for target in &self.targets {
            writeln!(
                f,
                "target:       {target} -> {}",
                self.binary_path(*target).display()
            )?;
        }
        Ok(())
    }
}

/// Builds the wheels of a `bin` project.
pub fn build_wheels(
    cfg: &ProjectConfig,
    selection: &TargetSelection,
    out_dir: &Path,
    printer: Printer,
) -> anyhow::Result<Vec<BuiltWheel>> {
    build_wheels_with(cfg, selection, out_dir, false, printer)
}

/// Builds wheels, editable ones (PEP 660) when `editable` is set.
pub fn build_wheels_with(
    cfg: &ProjectConfig,
    selection: &TargetSelection,
    out_dir: &Path,
    editable: bool,
    printer: Printer,
) -> anyhow::Result<Vec<BuiltWheel>> {
    let (wheels, files) =
        split_pending(prepare_wheels(cfg, selection, out_dir, editable, printer)?);
    persist_all(files, printer)?;
    Ok(wheels)
}

/// Builds the wheels into temporary files of the output directory, to be given their final
/// names by [`persist_all`] together with the other artefacts of the command.
pub fn prepare_wheels(
    cfg: &ProjectConfig,
    selection: &TargetSelection,
    out_dir: &Path,
    editable: bool,
    printer: Printer,
) -> anyhow::Result<Vec<(BuiltWheel, AtomicFile)>> {
    let out_dir_existed = out_dir.exists();
    let result = build_wheels_inner(cfg, selection, out_dir, editable, printer);
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
    editable: bool,
    printer: Printer,
) -> anyhow::Result<Vec<(BuiltWheel, AtomicFile)>> {
    ensure_build_dir(&cfg.build_dir())?;
    // One build of a project at a time: they share target/ (Go's outputs, the caches).
    let _lock = lock_build_dir(&cfg.build_dir(), printer)?;
    let go = GoToolchain::locate_cached(
        &cfg.build_dir().join("gowright").join("go-env.json"),
        &cfg.root,
    )?;
    printer.detail(format!("using {} ({})", go.go.display(), go.version));
    let mut plan = BuildPlan::new(cfg, selection, go.host, out_dir)?;
    plan.editable = editable;

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

    let results: Vec<anyhow::Result<(BuiltWheel, AtomicFile)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = plan
            .targets
            .iter()
            .map(|&target| {
                let (go, plan) = (&go, &plan);
                scope.spawn(move || build_one(cfg, go, plan, target, printer))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(anyhow::anyhow!("a build thread panicked")))
            })
            .collect()
    });

    let mut pending = Vec::new();
    let mut errors = Vec::new();
    for (target, result) in plan.targets.iter().zip(results) {
        match result {
            Ok(done) => pending.push(done),
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

/// Checks that the Go package fits the configured binding kind.
fn check_bindings(cfg: &ProjectConfig, package: &GoPackage) -> Result<(), UserError> {
    if package.name == "main" {
        return Ok(());
    }
    Err(UserError::new(format!(
        "`tool.gowright.go-package` = \"{}\" is package `{}` ({}), not a `main` package",
        cfg.tool.go_package, package.name, package.import_path
    ))
    .hint("bindings = \"bin\" ships a Go command: point `go-package` at a directory with `package main` and `func main()`, or use bindings = \"lib\" for a Go library"))
}

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

/// Decides whether `go build` runs with cgo for `target`.
fn decide_cgo(package: &GoPackage, target: Target, host: Target) -> Result<bool, UserError> {
    let from_env = std::env::var("CGO_ENABLED").ok();
    if from_env.as_deref() == Some("0") {
        return Ok(false);
    }
    if let Some(file) = package.cgo_files.first() {
        if target != host {
            return Err(UserError::new(format!(
                "the Go package uses cgo ({}), which gowright cannot cross-compile to {target} yet",
                file.display()
            ))
            .hint(format!(
                "build this target on a {target} machine, or make the package pure Go (CGO_ENABLED=0 builds must work)"
            )));
        }
        return Ok(true);
    }
    // Pure Go: build a static executable (also for the host) unless the user asked for cgo.
    Ok(from_env.as_deref() == Some("1") && target == host)
}

/// Builds the wheel of one target, for the binding kind configured or (when `bindings` is not
/// set) found: a `main` package is a command, any other package a library.
fn build_one(
    cfg: &ProjectConfig,
    go: &GoToolchain,
    plan: &BuildPlan,
    target: Target,
    printer: Printer,
) -> anyhow::Result<(BuiltWheel, AtomicFile)> {
    let list = || {
        go.list_package_cached(
            &cfg.root,
            &plan.go_package,
            target,
            &plan.tags,
            &plan.target_dir(target).join("go-list.json"),
        )
    };
    match cfg.tool.bindings {
        Some(Bindings::Bin) => build_bin(cfg, go, plan, target, printer),
        Some(Bindings::Lib) => {
            crate::build_lib::build_lib(cfg, go, plan, target, &list()?, printer)
        }
        None => {
            let package = list()?;
            if package.name == "main" {
                build_bin(cfg, go, plan, target, printer)
            } else {
                crate::build_lib::build_lib(cfg, go, plan, target, &package, printer)
            }
        }
        Some(other) => Err(UserError::new(format!(
            "bindings = \"{}\" is not supported by this version of gowright yet",
            other.as_str()
        ))
        .hint("use bindings = \"bin\" for a Go command or \"lib\" for a Go package")
        .into()),
    }
}

/// Builds the wheel of a Go command for one target.
fn build_bin(
    cfg: &ProjectConfig,
    go: &GoToolchain,
    plan: &BuildPlan,
    target: Target,
    printer: Printer,
) -> anyhow::Result<(BuiltWheel, AtomicFile)> {
    let output = plan.binary_path(target);
    let request = |cgo: bool| BuildRequest {
        root: &cfg.root,
        package: &plan.go_package,
        target,
        cgo,
        tags: &plan.tags,
        ldflags: &plan.ldflags,
        output: &output,
        buildmode: None,
        extra_env: Vec::new(),
    };
    let build_error = |e: crate::process::ProcessError| {
        let text = e.to_string();
        let hint = crate::go::diagnose::hint_for(&text, &go.version).unwrap_or_else(|| {
            "fix the Go error above; the command is shown so you can run it yourself".to_string()
        });
        UserError::new(format!("the Go build for {target} failed:\n{text}")).hint(hint)
    };
    // Most packages are pure Go: build without cgo while `go list` finds out whether cgo is
    // needed, so the listing costs no wall time. Only a cgo package is built a second time.
    let speculate = std::env::var("CGO_ENABLED").as_deref() != Ok("1");
    let (listed, speculative) = std::thread::scope(|scope| {
        let build = speculate.then(|| scope.spawn(|| go.build(&request(false))));
        let listed = go.list_package_cached(
            &cfg.root,
            &plan.go_package,
            target,
            &plan.tags,
            &plan.target_dir(target).join("go-list.json"),
        );
        (listed, build.and_then(|handle| handle.join().ok()))
    });
    let package = listed?;
    check_bindings(cfg, &package)?;
    check_version_variable(cfg, &package)?;
    let cgo = decide_cgo(&package, target, go.host)?;
    printer.detail(format!(
        "{target}: go build (cgo {})",
        if cgo { "on" } else { "off" }
    ));
    match (cgo, speculative) {
        (false, Some(result)) => result.map_err(build_error)?,
        _ => go.build(&request(cgo)).map_err(build_error)?,
    }

    tracing::debug!("{target}: go build done");
    let (platform_tags, executable) = inspect_executable(plan, target, &output, printer)?;
    assemble_wheel(cfg, plan, target, &platform_tags, executable).map(|(filename, file)| {
        (
            BuiltWheel {
                path: plan.out_dir.join(filename.to_string()),
                target: target.to_string(),
                platform_tags,
            },
            file,
        )
    })
}

/// The executable a wheel ships: its bytes, or (when it is the one of the last build) only
/// where it is and its SHA-256, so that an unchanged wheel is reused without reading it.
enum Executable {
    Bytes(Vec<u8>),
    Known { path: PathBuf, sha256: [u8; 32] },
}

/// The platform tags of the executable Go built at `output`, and the executable. When Go's
/// build ID shows it is the executable of the last build (Go leaves an up-to-date output as
/// it was), what was found out then is reused instead of reading and inspecting it again.
fn inspect_executable(
    plan: &BuildPlan,
    target: Target,
    output: &Path,
    printer: Printer,
) -> anyhow::Result<(Vec<String>, Executable)> {
    let index = plan.target_dir(target).join("executable.json");
    // A build ID set by hand says nothing about the contents.
    let trust_build_id = !plan.ldflags.iter().any(|f| f.contains("buildid"));
    if let Some(known) = trust_build_id
        .then(|| KnownExecutable::recall(&index, output))
        .flatten()
    {
        let mut sha256 = [0u8; 32];
        if hex::decode_to_slice(&known.sha256, &mut sha256).is_ok() {
            tracing::debug!(
                "{target}: executable unchanged (Go build ID {})",
                known.build_id
            );
            printer.detail(format!("{target}: {}", known.description));
            let path = output.to_path_buf();
            return Ok((known.platform_tags, Executable::Known { path, sha256 }));
        }
    }
    let binary = fs_err::read(output)?;
    let info = audit::inspect_bytes(&binary, target)
        .map_err(|e| UserError::new(format!("`{}`: {}", output.display(), e.message)))?;
    printer.detail(format!("{target}: {}", info.description));
    if let Some(build_id) = trust_build_id
        .then(|| build_id::of_bytes(&binary))
        .flatten()
    {
        KnownExecutable {
            gowright: env!("CARGO_PKG_VERSION").to_string(),
            build_id,
            len: binary.len() as u64,
            sha256: hex::encode(Sha256::digest(&binary)),
            platform_tags: info.platform_tags.clone(),
            description: info.description.clone(),
        }
        .remember(&index);
    }
    Ok((info.platform_tags, Executable::Bytes(binary)))
}

/// Adds `.dist-info` (METADATA, entry points, licences, WHEEL) to a wheel whose package files
/// are in, and writes it to a temporary file in the output directory (reusing the wheel cache of
/// the target).
pub fn finish_wheel(
    cfg: &ProjectConfig,
    plan: &BuildPlan,
    target: Target,
    mut wheel: WheelBuilder,
    filename: &WheelFilename,
) -> anyhow::Result<AtomicFile> {
    let dist_info = cfg.metadata.dist_info_dir();
    for (name, data) in dist_info_files(cfg)? {
        wheel.add(format!("{dist_info}/{name}"), data, false)?;
    }
    wheel.add(
        format!("{dist_info}/WHEEL"),
        wheel_file(filename).into_bytes(),
        false,
    )?;
    if plan.editable {
        // Installed here and now: deflating would only cost time.
        wheel.store_uncompressed();
    }
    wheel
        .write_cached(
            &dist_info,
            &plan.out_dir,
            filename,
            plan.epoch,
            &plan.target_dir(target).join("wheel-cache"),
        )
        .with_context(|| {
            format!(
                "cannot write the wheel for {target} in `{}`",
                plan.out_dir.display()
            )
        })
}

/// Puts the executable, the Python package and `.dist-info` into a wheel.
fn assemble_wheel(
    cfg: &ProjectConfig,
    plan: &BuildPlan,
    target: Target,
    platform_tags: &[String],
    executable: Executable,
) -> anyhow::Result<(WheelFilename, AtomicFile)> {
    let meta = &cfg.metadata;
    let filename = WheelFilename {
        name: meta.name.escaped(),
        version: meta.version.to_string(),
        python_tag: "py3".into(),
        abi_tag: "none".into(),
        platform_tags: platform_tags.to_vec(),
    };
    let mut wheel = WheelBuilder::new();
    let script = format!(
        "{}/scripts/{}{}",
        meta.data_dir(),
        plan.binary_name,
        target.exe_suffix()
    );
    match executable {
        Executable::Bytes(binary) => wheel.add(script, binary, true)?,
        Executable::Known { path, sha256 } => wheel.add_file(script, path, sha256, true)?,
    }
    add_bin_package(
        &mut wheel,
        &Layout::of(cfg, plan.editable),
        &plan.module_name,
        meta.name.as_str(),
        &plan.binary_name,
        meta.summary.as_deref(),
        &meta.dist_info_stem(),
    )?;
    let file = finish_wheel(cfg, plan, target, wheel, &filename)?;
    Ok((filename, file))
}
