//! Running `apidump`, the Go program (embedded in gowright) that reads a package's exported API.

use std::path::Path;

use super::model::ApiDump;
use crate::error::UserError;
use crate::go::GoToolchain;
use crate::process::ProcessBuilder;
use crate::target::Target;

const MAIN_GO: &str = include_str!("apidump/main.go");
const GO_MOD: &str = include_str!("apidump/go.mod");

/// Builds `apidump` once per gowright version and Go toolchain (kept in `tools_dir`), then runs
/// it on the package in `package_dir` as seen when building for `target`.
pub fn dump(
    go: &GoToolchain,
    tools_dir: &Path,
    package_dir: &Path,
    tags: &[String],
    target: Target,
) -> anyhow::Result<ApiDump> {
    let exe = build_tool(go, tools_dir)?;
    let mut cmd = ProcessBuilder::new(&exe);
    cmd.cwd(package_dir)
        .env("GOOS", target.goos())
        .env("GOARCH", target.goarch())
        .env("CGO_ENABLED", "1");
    if !tags.is_empty() {
        cmd.arg(format!("-tags={}", tags.join(",")));
    }
    cmd.arg(package_dir);
    let out = cmd.stdout().map_err(|e| {
        UserError::new(format!(
            "cannot read the API of the Go package in `{}`:\n{e}",
            package_dir.display()
        ))
    })?;
    serde_json::from_str(&out).map_err(|e| anyhow::anyhow!("unexpected output of `{cmd}`: {e}"))
}

fn build_tool(go: &GoToolchain, tools_dir: &Path) -> anyhow::Result<std::path::PathBuf> {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    hasher.update(MAIN_GO);
    hasher.update(GO_MOD);
    hasher.update(&go.version);
    let digest = hasher.finalize();
    let key = hex::encode(&digest[..8]);
    let exe = tools_dir.join(format!("apidump-{key}{}", std::env::consts::EXE_SUFFIX));
    if exe.is_file() {
        return Ok(exe);
    }
    // Private names: builds of several targets and projects may build the helper at once.
    fs_err::create_dir_all(tools_dir)?;
    let src_dir = tempfile::Builder::new()
        .prefix(&format!("apidump-src-{key}."))
        .tempdir_in(tools_dir)?;
    let src = src_dir.path();
    fs_err::write(src.join("main.go"), MAIN_GO)?;
    fs_err::write(src.join("go.mod"), GO_MOD)?;
    let partial = src.join(format!("apidump{}", std::env::consts::EXE_SUFFIX));
    let mut cmd = ProcessBuilder::new(&go.go);
    cmd.cwd(src)
        .env("CGO_ENABLED", "0")
        .env("GOFLAGS", "-mod=mod")
        .env("GOWORK", "off")
        .args(["build", "-trimpath", "-o"])
        .arg(&partial)
        .arg(".");
    // GOOS/GOARCH from the environment must not leak into a tool that runs here.
    cmd.env("GOOS", go.host.goos())
        .env("GOARCH", go.host.goarch());
    cmd.output()
        .map_err(|e| anyhow::anyhow!("cannot build gowright's apidump helper:\n{e}"))?;
    // A rename within the directory: a build running at once finds the whole file or none.
    fs_err::rename(&partial, &exe)?;
    Ok(exe)
}
