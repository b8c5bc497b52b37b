//! Remembering `go list` between builds.
//!
//! Listing a package and its dependencies costs about as much as a warm `go build`. Its answer
//! only changes when a file in one of the project's package directories, `go.mod`/`go.sum`/
//! `go.work`, the Go version, the target or the build tags change; so the answer is stored beside
//! a fingerprint of exactly those (names, sizes and modification times, as cargo does) and reused
//! while the fingerprint matches. Dependencies outside the project come from the module cache,
//! which is immutable for a given `go.sum`.

use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

use super::{GoPackage, GoToolchain};
use crate::error::UserError;
use crate::target::Target;

#[derive(Serialize, Deserialize, PartialEq, Eq)]
struct Stored {
    fingerprint: Vec<String>,
    package: GoPackage,
}

/// Name, size and modification time of every file directly in `dir`, sorted.
fn dir_fingerprint(dir: &Path, out: &mut Vec<String>) {
    let mut entries: Vec<String> = match std::fs::read_dir(dir) {
        Ok(read) => read
            .flatten()
            .filter_map(|e| {
                let meta = e.metadata().ok()?;
                if meta.is_dir() {
                    return None;
                }
                let mtime = meta.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
                Some(format!(
                    "{}\t{}\t{}",
                    e.path().display(),
                    meta.len(),
                    mtime.as_nanos()
                ))
            })
            .collect(),
        Err(_) => vec![format!("{}\tmissing", dir.display())],
    };
    entries.sort();
    out.extend(entries);
}

fn fingerprint(
    go: &GoToolchain,
    root: &Path,
    package: &str,
    target: Target,
    tags: &[String],
    dirs: &[PathBuf],
    module_dir: Option<&Path>,
) -> Vec<String> {
    let mut fp = vec![
        format!("go\t{}\t{}", go.go.display(), go.version),
        format!("package\t{package}\t{target}\t{}", tags.join(",")),
    ];
    for var in ["GOFLAGS", "GOPATH", "GOWORK", "GOEXPERIMENT", "GOPROXY"] {
        fp.push(format!("{var}={}", std::env::var(var).unwrap_or_default()));
    }
    let mut module_files = vec![root.to_path_buf()];
    module_files.extend(module_dir.map(Path::to_path_buf));
    for dir in module_files {
        for name in ["go.mod", "go.sum", "go.work", "go.work.sum"] {
            let path = dir.join(name);
            let stamp = std::fs::metadata(&path)
                .ok()
                .and_then(|m| Some((m.len(), m.modified().ok()?.duration_since(UNIX_EPOCH).ok()?)))
                .map_or("missing".to_string(), |(len, t)| {
                    format!("{len}\t{}", t.as_nanos())
                });
            fp.push(format!("{}\t{stamp}", path.display()));
        }
    }
    for dir in dirs {
        dir_fingerprint(dir, &mut fp);
    }
    fp
}

impl GoToolchain {
    /// [`GoToolchain::list_package`], answered from `cache_file` when nothing it depends on has
    /// changed since the answer was stored.
    pub fn list_package_cached(
        &self,
        root: &Path,
        package: &str,
        target: Target,
        tags: &[String],
        cache_file: &Path,
    ) -> Result<GoPackage, UserError> {
        if let Ok(text) = std::fs::read_to_string(cache_file)
            && let Ok(stored) = serde_json::from_str::<Stored>(&text)
        {
            let module_dir = stored.package.module.as_ref().and_then(|m| m.dir.clone());
            let now = fingerprint(
                self,
                root,
                package,
                target,
                tags,
                &stored.package.local_dirs,
                module_dir.as_deref(),
            );
            if now == stored.fingerprint {
                tracing::debug!("{target}: go list answered from {}", cache_file.display());
                return Ok(stored.package);
            }
        }
        let package_info = self.list_package(root, package, target, tags)?;
        let module_dir = package_info.module.as_ref().and_then(|m| m.dir.clone());
        let stored = Stored {
            fingerprint: fingerprint(
                self,
                root,
                package,
                target,
                tags,
                &package_info.local_dirs,
                module_dir.as_deref(),
            ),
            package: package_info,
        };
        // A cache that cannot be written only costs time on the next build.
        if let Some(dir) = cache_file.parent()
            && std::fs::create_dir_all(dir).is_ok()
            && let Ok(json) = serde_json::to_string(&stored)
        {
            let _ = std::fs::write(cache_file, json);
        }
        Ok(stored.package)
    }
}
