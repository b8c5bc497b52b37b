//! Skipping a `go build -buildmode=c-shared` whose inputs have not changed since it last ran.
//!
//! Go caches compiled packages, but links a c-shared library anew on every `go build` (half a
//! second and more), so an unchanged `gowright build` or `gowright develop` of a library would
//! cost that each time. The build is skipped when its output is the one the last build wrote
//! (same size and modification time) and a digest of everything that goes into it is the same:
//! the Go toolchain, the target and flags, the environment Go and cgo read (`GO*`, `CGO_*`, `CC`,
//! `CXX`, `AR`, `PKG_CONFIG`, `PATH`), the C compiler's executable, and the contents of every file
//! in the project's package directories of the build and of the generated package, `go.mod`
//! and `go.sum`. Dependencies outside the project come from the module cache, which is immutable
//! for a given `go.sum`.

use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use super::{BuildRequest, GoToolchain};

#[derive(Serialize, Deserialize, PartialEq, Eq)]
struct Record {
    key: String,
    len: u64,
    mtime_ns: u128,
}

/// The digest of everything the build `request` reads: `inputs` are directories (every file
/// directly in them) and files.
pub fn key(go: &GoToolchain, request: &BuildRequest<'_>, inputs: &[PathBuf]) -> String {
    let mut h = Sha256::new();
    let mut field = |bytes: &[u8]| {
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    };
    // The version, not the path: the first build may know `go` by its name on PATH, later ones
    // by the path they remembered.
    field(go.version.as_bytes());
    field(request.package.as_bytes());
    field(request.target.to_string().as_bytes());
    field(&[u8::from(request.cgo)]);
    field(request.tags.join(",").as_bytes());
    field(request.ldflags.join(" ").as_bytes());
    field(request.buildmode.unwrap_or_default().as_bytes());
    field(request.output.as_os_str().as_encoded_bytes());
    for (k, v) in &request.extra_env {
        field(k.as_bytes());
        field(v.as_bytes());
    }
    let mut env: Vec<(String, String)> = std::env::vars()
        .filter(|(k, _)| {
            k.starts_with("GO")
                || k.starts_with("CGO_")
                || matches!(k.as_str(), "CC" | "CXX" | "AR" | "PKG_CONFIG" | "PATH")
        })
        .collect();
    env.sort();
    for (k, v) in env {
        field(k.as_bytes());
        field(v.as_bytes());
    }
    // The C compiler's executable (zig's path is in CC): a new one may build differently.
    let compiler = request
        .extra_env
        .iter()
        .find(|(k, _)| k == "CC")
        .and_then(|(_, cc)| {
            cc.split_whitespace()
                .next()
                .map(|s| s.trim_matches('\'').to_string())
        });
    if let Some(meta) = compiler.and_then(|c| std::fs::metadata(c).ok()) {
        field(&meta.len().to_le_bytes());
        field(&mtime_ns(&meta).to_le_bytes());
    }
    let mut files = Vec::new();
    for input in inputs {
        match std::fs::read_dir(input) {
            Ok(entries) => {
                files.extend(entries.flatten().map(|e| e.path()).filter(|p| p.is_file()))
            }
            Err(_) => files.push(input.clone()),
        }
    }
    files.sort();
    files.dedup();
    for file in files {
        field(file.as_os_str().as_encoded_bytes());
        match std::fs::read(&file) {
            Ok(data) => field(&Sha256::digest(&data)),
            Err(_) => field(b"missing"),
        }
    }
    hex::encode(h.finalize())
}

fn mtime_ns(meta: &std::fs::Metadata) -> u128 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos())
}

fn record_of(key: &str, output: &Path) -> Option<Record> {
    let meta = std::fs::metadata(output).ok()?;
    Some(Record {
        key: key.to_string(),
        len: meta.len(),
        mtime_ns: mtime_ns(&meta),
    })
}

/// Whether `output` is what the last build with this `key` wrote (`record` is where that is
/// remembered).
pub fn is_fresh(record: &Path, key: &str, output: &Path) -> bool {
    let Ok(text) = std::fs::read(record) else {
        return false;
    };
    let Ok(stored) = serde_json::from_slice::<Record>(&text) else {
        return false;
    };
    record_of(key, output).is_some_and(|now| now == stored)
}

/// Remembers that the build with `key` wrote `output`; failing to only costs time later.
pub fn remember(record: &Path, key: &str, output: &Path) {
    if let Some(now) = record_of(key, output)
        && let Ok(json) = serde_json::to_vec(&now)
    {
        let partial = record.with_extension(format!("{}.partial", std::process::id()));
        if std::fs::write(&partial, json).is_ok() {
            let _ = std::fs::rename(&partial, record);
        }
    }
}

/// Forgets the last build (before a build that may fail halfway).
pub fn forget(record: &Path) {
    let _ = std::fs::remove_file(record);
}
