//! Remembering what `go env` said about the toolchain between builds.
//!
//! `go env` is a whole extra Go process before every build (a few milliseconds, a noticeable
//! share of a warm rebuild). Its answer — the version and the host platform — only changes when
//! the `go` executable, the environment variables that steer it, its configuration file, or the
//! `go.mod`/`go.work` that may switch toolchains change; so it is stored with a fingerprint of
//! exactly those and reused while the fingerprint matches.

use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

use super::{GO_ENV_VAR, GoToolchain};
use crate::error::UserError;

#[derive(Serialize, Deserialize)]
struct Stored {
    fingerprint: Vec<String>,
    version: String,
    host: String,
}

fn stamp(path: &Path) -> String {
    match std::fs::metadata(path) {
        Ok(meta) => {
            let mtime = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            format!("{}\t{}\t{mtime}", path.display(), meta.len())
        }
        Err(_) => format!("{}\tmissing", path.display()),
    }
}

/// The `go` executable a plain `go` would run: `$GOWRIGHT_GO`, else the first on `PATH`.
fn resolve_go() -> Option<PathBuf> {
    if let Some(go) = std::env::var_os(GO_ENV_VAR).filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(go));
    }
    crate::process::find_on_path("go")
}

fn fingerprint(go: &Path, project: &Path) -> Vec<String> {
    let mut fp = vec![stamp(go)];
    if let Ok(real) = std::fs::canonicalize(go) {
        fp.push(stamp(&real));
    }
    for var in [
        "GOROOT",
        "GOTOOLCHAIN",
        "GOENV",
        "GOPATH",
        "GOFLAGS",
        "HOME",
        "XDG_CONFIG_HOME",
    ] {
        fp.push(format!("{var}={}", std::env::var(var).unwrap_or_default()));
    }
    // The user's `go env -w` settings (GOTOOLCHAIN may be there).
    let config = std::env::var_os("GOENV").map(PathBuf::from).or_else(|| {
        let base = std::env::var_os("XDG_CONFIG_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
        Some(base.join("go").join("env"))
    });
    if let Some(config) = config {
        fp.push(stamp(&config));
    }
    // go.mod and go.work can ask for another toolchain.
    for dir in project.ancestors() {
        for name in ["go.mod", "go.work"] {
            let path = dir.join(name);
            if path.exists() {
                fp.push(stamp(&path));
            }
        }
    }
    fp
}

impl GoToolchain {
    /// [`GoToolchain::locate`], answered from `cache_file` while nothing that decides the answer
    /// has changed.
    pub fn locate_cached(cache_file: &Path, project: &Path) -> Result<Self, UserError> {
        let Some(go) = resolve_go() else {
            return Self::locate();
        };
        let fp = fingerprint(&go, project);
        if let Ok(text) = std::fs::read_to_string(cache_file)
            && let Ok(stored) = serde_json::from_str::<Stored>(&text)
            && stored.fingerprint == fp
            && let Ok(host) = stored.host.parse()
        {
            tracing::debug!("go env answered from {}", cache_file.display());
            return Ok(Self {
                go,
                version: stored.version,
                host,
                overlay: None,
            });
        }
        let toolchain = Self::locate()?;
        let stored = Stored {
            fingerprint: fp,
            version: toolchain.version.clone(),
            host: toolchain.host.to_string(),
        };
        if let Some(dir) = cache_file.parent()
            && std::fs::create_dir_all(dir).is_ok()
            && let Ok(json) = serde_json::to_string(&stored)
        {
            let _ = std::fs::write(cache_file, json);
        }
        Ok(toolchain)
    }
}
