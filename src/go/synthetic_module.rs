//! A project without `go.mod` builds as a Go module of its own. The c-shared projects gowright
//! grew from often have none (they were built with `go build` in GOPATH days or by hand), and
//! Go refuses to build outside a module. gowright writes a `go.mod` into its build directory —
//! `module <project name>` and the toolchain's `go` version — and shows it to every go command
//! at the project root through `-overlay`; nothing is written into the project, and an sdist
//! of it builds the same way.

use std::path::{Path, PathBuf};

use super::GoToolchain;
use crate::config::ProjectConfig;

/// Whether the Go package of `cfg` is in no module: no `go.mod` (or `go.work`) in the
/// package's directory or above it, and module mode is not turned off.
pub fn needed(cfg: &ProjectConfig) -> bool {
    if std::env::var("GO111MODULE").is_ok_and(|v| v == "off") {
        return false;
    }
    let package_dir = cfg.tool.package_dir(&cfg.root);
    !package_dir
        .ancestors()
        .any(|d| d.join("go.mod").is_file() || d.join("go.work").is_file())
}

/// The module path of the synthesized `go.mod`: the project's normalized name.
pub fn module_path(cfg: &ProjectConfig) -> String {
    cfg.metadata.name.normalized()
}

/// Writes the `go.mod` and the overlay that places it at the project root, and returns the
/// overlay's path.
pub fn write(cfg: &ProjectConfig, go: &GoToolchain) -> anyhow::Result<PathBuf> {
    let dir = cfg.build_dir().join("gowright").join("go-module");
    fs_err::create_dir_all(&dir)?;
    let language = super::parse_go_version(&go.version)
        .map(|(major, minor)| format!("{major}.{minor}"))
        .unwrap_or_else(|| format!("{}.{}", super::MIN_GO.0, super::MIN_GO.1));
    let go_mod = dir.join("go.mod");
    let text = format!(
        "// Written by gowright: the project has no go.mod (see its README, \"Projects without go.mod\").\nmodule {}\n\ngo {language}\n",
        module_path(cfg)
    );
    write_if_changed(&go_mod, &text)?;
    let overlay = dir.join("overlay.json");
    let json =
        serde_json::json!({ "Replace": { cfg.root.join("go.mod").to_string_lossy(): go_mod } });
    write_if_changed(&overlay, &serde_json::to_string_pretty(&json)?)?;
    Ok(overlay)
}

/// `overlay` with the replacements of `base` added (a build's own overlay, for the go command
/// takes one `-overlay`), written beside it.
pub fn merged(base: &Path, overlay: &Path) -> anyhow::Result<PathBuf> {
    let read = |p: &Path| -> anyhow::Result<serde_json::Map<String, serde_json::Value>> {
        let value: serde_json::Value = serde_json::from_str(&fs_err::read_to_string(p)?)?;
        Ok(value
            .get("Replace")
            .and_then(|r| r.as_object())
            .cloned()
            .unwrap_or_default())
    };
    let mut replace = read(overlay)?;
    replace.extend(read(base)?);
    let out = overlay.with_extension("with-go-mod.json");
    write_if_changed(
        &out,
        &serde_json::to_string_pretty(&serde_json::json!({ "Replace": replace }))?,
    )?;
    Ok(out)
}

/// Writes `text` to `path` unless it already holds exactly that (keeps timestamps stable, so
/// that builds reading the file see nothing changed).
pub fn write_if_changed(path: &Path, text: &str) -> anyhow::Result<()> {
    if std::fs::read_to_string(path).is_ok_and(|old| old == text) {
        return Ok(());
    }
    fs_err::write(path, text)?;
    Ok(())
}
