//! `bindings = "bin"`: a Go `main` package shipped as the installed command, one wheel per
//! target. The executable goes to `{dist}-{version}.data/scripts/`, beside a small Python
//! package that finds and runs it.

use std::path::{Path, PathBuf};

use sha2::{Digest as _, Sha256};

use super::plan::BuildPlan;
use super::wheel::KindOutput;
use crate::archive::wheel::WheelBuilder;
use crate::audit;
use crate::config::ProjectConfig;
use crate::error::UserError;
use crate::go::build_id::{self, KnownExecutable};
use crate::go::{BuildRequest, GoPackage, GoToolchain};
use crate::printer::Printer;
use crate::pypackage::{Layout, add_bin_package};
use crate::target::Target;
use crate::toolchain::CgoToolchain;

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

/// Decides whether `go build` runs with cgo for `target`.
fn decide_cgo(package: &GoPackage, target: Target, host: Target) -> bool {
    let from_env = std::env::var("CGO_ENABLED").ok();
    if from_env.as_deref() == Some("0") {
        return false;
    }
    if !package.cgo_files.is_empty() {
        // Cross-compiled with zig where that is possible (see `toolchain`).
        return true;
    }
    // Pure Go: build a static executable (also for the host) unless the user asked for cgo.
    from_env.as_deref() == Some("1") && target == host
}

/// Builds the wheel files of a Go command for one target.
pub fn build(
    cfg: &ProjectConfig,
    go: &GoToolchain,
    plan: &BuildPlan,
    target: Target,
    printer: Printer,
) -> anyhow::Result<KindOutput> {
    let output = plan.binary_path(target);
    let request = |cgo: bool, extra_env: Vec<(String, String)>| BuildRequest {
        root: &cfg.root,
        package: &plan.go_package,
        target,
        cgo,
        tags: &plan.tags,
        ldflags: &plan.ldflags,
        output: &output,
        buildmode: None,
        extra_env,
        overlay: None,
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
        let build = speculate.then(|| scope.spawn(|| go.build(&request(false, Vec::new()))));
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
    super::checks::check_version_variable(cfg, &package)?;
    super::checks::check_go_sources_inside(cfg, &package)?;
    let cgo = decide_cgo(&package, target, go.host);
    match (cgo, speculative) {
        (false, Some(result)) => {
            printer.detail(format!("{target}: go build (cgo off)"));
            result.map_err(build_error)?
        }
        (false, None) => go.build(&request(false, Vec::new())).map_err(build_error)?,
        (true, _) => {
            let toolchain =
                CgoToolchain::for_build(target, go, plan.compatibility).map_err(|e| {
                    let file = package.cgo_files.first().map(|f| f.display().to_string());
                    UserError {
                        message: format!(
                            "the Go package uses cgo ({}): {}",
                            file.unwrap_or_default(),
                            e.message
                        ),
                        hint: e.hint,
                    }
                })?;
            if let Some(warning) = &toolchain.warning {
                printer.warn(warning);
            }
            printer.detail(format!(
                "{target}: go build (cgo on, C compiler: {})",
                toolchain.description
            ));
            let ldflags = toolchain.ldflags(target, &plan.ldflags);
            let mut cgo_request = request(true, toolchain.env.clone());
            cgo_request.ldflags = &ldflags;
            go.build(&cgo_request).map_err(build_error)?
        }
    }

    tracing::debug!("{target}: go build done");
    let (platform_tags, executable) = inspect_executable(plan, target, &output, printer)?;
    wheel_files(cfg, plan, target, platform_tags, executable)
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
    // The tags depend on the compatibility asked for: one record per compatibility.
    let index = plan.target_dir(target).join(match plan.compatibility {
        Some(compat) => format!("executable-{compat}.json"),
        None => "executable.json".to_string(),
    });
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
    let info =
        audit::inspect_bytes(&binary, target, plan.compatibility).map_err(|e| e.in_file(output))?;
    printer.detail(format!("{target}: {}", info.description));
    if let Some(build_id) = trust_build_id
        .then(|| build_id::of_bytes(&binary))
        .flatten()
    {
        KnownExecutable {
            gowright: KnownExecutable::writer(),
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

/// The files of a `bin` wheel: the executable as the installed command, and the Python package
/// that finds it.
fn wheel_files(
    cfg: &ProjectConfig,
    plan: &BuildPlan,
    target: Target,
    platform_tags: Vec<String>,
    executable: Executable,
) -> anyhow::Result<KindOutput> {
    let meta = &cfg.metadata;
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
    Ok(KindOutput {
        files: wheel,
        python_tag: "py3".into(),
        abi_tag: "none".into(),
        platform_tags,
    })
}
