//! Remembering `go list` between builds.
//!
//! Listing a package and its dependencies costs about as much as a warm `go build`. Its answer
//! only changes when the set of files in one of the project's package directories, the header of
//! a Go file (build constraints, package clause, cgo preamble, imports: everything before the
//! first declaration), another source file (C, assembly...), `go.mod`/`go.sum`/`go.work`, the Go
//! version, the target or the build tags change; so the answer is stored beside a fingerprint of
//! exactly those and reused while the fingerprint matches. Editing a function body does not
//! invalidate it. Dependencies outside the project come from the module cache,
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

/// The part of a Go source file that decides what `go list` says about its package: everything
/// before the first top-level declaration.
fn go_header(text: &str) -> &str {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if [
            "func ", "func(", "type ", "var ", "var(", "const ", "const(",
        ]
        .iter()
        .any(|d| line.starts_with(d))
        {
            break;
        }
        offset += line.len();
    }
    &text[..offset]
}

/// One line per file directly in `dir`, sorted: for a Go file its name and the digest of its
/// header, for others name, size and modification time.
fn dir_fingerprint(dir: &Path, out: &mut Vec<String>) {
    use sha2::{Digest, Sha256};
    let mut entries: Vec<String> = match std::fs::read_dir(dir) {
        Ok(read) => read
            .flatten()
            .filter_map(|e| {
                let meta = e.metadata().ok()?;
                if meta.is_dir() {
                    return None;
                }
                let path = e.path();
                if path.extension().is_some_and(|x| x == "go") {
                    let text = std::fs::read_to_string(&path).ok()?;
                    let digest = Sha256::digest(go_header(&text).as_bytes());
                    let hex = hex::encode(&digest[..12]);
                    return Some(format!("{}\t{hex}", path.display()));
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

#[cfg(test)]
mod tests {
    use super::go_header;

    #[test]
    fn header_ends_at_the_first_declaration() {
        let src = "//go:build linux\n\n// Package x.\npackage x\n\n/*\n#include <stdio.h>\n*/\nimport \"C\"\nimport (\n\t\"fmt\"\n)\n\nfunc F() { fmt.Println() }\n";
        let header = go_header(src);
        assert!(header.ends_with(")\n\n"), "{header:?}");
        assert!(header.contains("#include <stdio.h>"));
        assert_eq!(go_header("package x\nvar v = 1\n"), "package x\n");
    }
}
