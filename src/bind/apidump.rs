//! Running `apidump`, the Go program (embedded in gowright) that reads a package's exported API.

use std::path::{Path, PathBuf};

use super::model::ApiDump;
use crate::error::UserError;
use crate::go::GoToolchain;
use crate::process::ProcessBuilder;
use crate::target::Target;

const MAIN_GO: &str = include_str!("apidump/main.go");
const EXPORTS_GO: &str = include_str!("apidump/exports.go");
const GO_MOD: &str = include_str!("apidump/go.mod");

/// [`dump`], answered from `cache_file` while nothing it reads has changed: the contents of the
/// files in `inputs` (the directories of the project's packages in the build, `go.mod` and
/// `go.sum`), the target, the tags and the helper itself. Reading the API costs a few hundred
/// milliseconds; this costs the hashing of the sources.
#[allow(clippy::too_many_arguments)]
pub fn dump_cached(
    go: &GoToolchain,
    tools_dir: &Path,
    package_dir: &Path,
    pattern: &str,
    tags: &[String],
    target: Target,
    inputs: &[PathBuf],
    cache_file: &Path,
) -> anyhow::Result<ApiDump> {
    run_cached(
        go,
        tools_dir,
        &Query {
            package_dir,
            pattern,
            tags,
            target,
            exports: false,
        },
        inputs,
        cache_file,
    )
}

/// The `//export` functions of a `main` package (`apidump -exports`), cached as [`dump_cached`]
/// caches the API.
pub fn exports_cached(
    go: &GoToolchain,
    tools_dir: &Path,
    package_dir: &Path,
    tags: &[String],
    target: Target,
    inputs: &[PathBuf],
    cache_file: &Path,
) -> anyhow::Result<super::cgo_model::ExportsDump> {
    run_cached(
        go,
        tools_dir,
        &Query {
            package_dir,
            pattern: ".",
            tags,
            target,
            exports: true,
        },
        inputs,
        cache_file,
    )
}

/// One run of the helper: on which package, for which target, in which mode.
struct Query<'a> {
    package_dir: &'a Path,
    /// The package as the go command names it in `package_dir`: "." or an import path.
    pattern: &'a str,
    tags: &'a [String],
    target: Target,
    exports: bool,
}

fn run_cached<T: serde::de::DeserializeOwned>(
    go: &GoToolchain,
    tools_dir: &Path,
    query: &Query<'_>,
    inputs: &[PathBuf],
    cache_file: &Path,
) -> anyhow::Result<T> {
    let Query {
        package_dir,
        pattern,
        tags,
        target,
        exports,
    } = *query;
    #[derive(serde::Serialize, serde::Deserialize)]
    struct Stored {
        fingerprint: String,
        dump: String,
    }
    let exe = build_tool(go, tools_dir)?;
    let fingerprint = fingerprint(&exe, query, inputs);
    if let Ok(text) = std::fs::read_to_string(cache_file)
        && let Ok(stored) = serde_json::from_str::<Stored>(&text)
        && stored.fingerprint == fingerprint
        && let Ok(dump) = serde_json::from_str(&stored.dump)
    {
        tracing::debug!(
            "{target}: the API dump answered from {}",
            cache_file.display()
        );
        return Ok(dump);
    }
    let out = run(&exe, go, package_dir, pattern, tags, target, exports)?;
    let dump = serde_json::from_str(&out)
        .map_err(|e| anyhow::anyhow!("unexpected output of `{}`: {e}", exe.display()))?;
    if let Ok(json) = serde_json::to_vec(&Stored {
        fingerprint,
        dump: out,
    }) {
        // Failing to remember only costs time on the next build.
        let partial = cache_file.with_extension(format!("{}.partial", std::process::id()));
        if std::fs::write(&partial, json).is_ok() {
            let _ = std::fs::rename(&partial, cache_file);
        }
    }
    Ok(dump)
}

/// A digest of everything the API dump depends on.
fn fingerprint(exe: &Path, query: &Query<'_>, inputs: &[PathBuf]) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    hasher.update(exe.as_os_str().as_encoded_bytes());
    hasher.update(query.package_dir.as_os_str().as_encoded_bytes());
    hasher.update(query.pattern.as_bytes());
    hasher.update(query.tags.join(",").as_bytes());
    hasher.update(query.target.to_string().as_bytes());
    hasher.update([u8::from(query.exports)]);
    let mut files = Vec::new();
    for input in inputs {
        if input.is_dir() {
            if let Ok(entries) = std::fs::read_dir(input) {
                files.extend(entries.flatten().map(|e| e.path()).filter(|p| p.is_file()));
            }
        } else {
            files.push(input.clone());
        }
    }
    files.sort();
    files.dedup();
    for file in files {
        hasher.update(file.as_os_str().as_encoded_bytes());
        hasher.update([0]);
        match std::fs::read(&file) {
            Ok(data) => hasher.update(Sha256::digest(&data)),
            Err(_) => hasher.update(b"unreadable"),
        }
    }
    hex::encode(hasher.finalize())
}

/// Runs the helper on the package in `package_dir` as seen when building for `target` and
/// returns its JSON output.
fn run(
    exe: &Path,
    go: &GoToolchain,
    package_dir: &Path,
    pattern: &str,
    tags: &[String],
    target: Target,
    exports: bool,
) -> anyhow::Result<String> {
    let mut cmd = ProcessBuilder::new(exe);
    cmd.cwd(package_dir)
        .env("GOOS", target.goos())
        .env("GOARCH", target.goarch())
        .env("CGO_ENABLED", "1");
    if let Some(flags) = go.goflags() {
        cmd.env("GOFLAGS", flags);
    }
    if !tags.is_empty() {
        cmd.arg(format!("-tags={}", tags.join(",")));
    }
    if exports {
        cmd.arg("-exports");
    }
    if pattern != "." {
        cmd.arg(format!("-package={pattern}"));
    }
    cmd.arg(package_dir);
    let out = cmd.stdout().map_err(|e| {
        UserError::new(format!(
            "cannot read the API of the Go package {}:\n{e}",
            if pattern == "." {
                format!("in `{}`", package_dir.display())
            } else {
                pattern.to_string()
            }
        ))
        .hint("fix the Go error above (the package must compile for this target)")
    })?;
    Ok(out)
}

fn build_tool(go: &GoToolchain, tools_dir: &Path) -> anyhow::Result<std::path::PathBuf> {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    hasher.update(MAIN_GO);
    hasher.update(EXPORTS_GO);
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
    fs_err::write(src.join("exports.go"), EXPORTS_GO)?;
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
