//! `gowright develop`: build the project and install it into a virtual environment, editable.
//!
//! The wheel is an editable one (PEP 660): for a mixed project, a `.pth` file puts the Python
//! sources on `sys.path` and the compiled parts are written into the source package, so Python
//! edits need no rebuild. Repeating `develop` with nothing changed installs nothing: the wheel
//! comes from gowright's cache and is compared with the one installed last.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::{BuildOptions, TargetSelection, build_wheels_with};
use crate::config::ProjectConfig;
use crate::error::UserError;
use crate::printer::Printer;
use crate::process::ProcessBuilder;

/// Finds the virtual environment to install into: `--venv`, else `$VIRTUAL_ENV`, else `.venv`
/// in the project.
pub fn find_venv(cfg: &ProjectConfig, venv: Option<&Path>) -> Result<PathBuf, UserError> {
    let candidate = venv
        .map(Path::to_path_buf)
        .or_else(|| std::env::var_os("VIRTUAL_ENV").map(PathBuf::from))
        .or_else(|| Some(cfg.root.join(".venv")).filter(|p| p.join("pyvenv.cfg").is_file()))
        .ok_or_else(|| {
            UserError::new("no virtual environment to install into")
                .hint("activate one, pass --venv DIR, or create .venv in the project (python -m venv .venv)")
        })?;
    if !candidate.join("pyvenv.cfg").is_file() {
        return Err(UserError::new(format!(
            "`{}` is not a virtual environment (it has no pyvenv.cfg)",
            candidate.display()
        ))
        .hint("create one with `python -m venv DIR` or `uv venv DIR`"));
    }
    std::path::absolute(candidate).map_err(|e| UserError::new(e.to_string()))
}

/// The interpreter of a virtual environment.
pub fn venv_python(venv: &Path) -> PathBuf {
    if cfg!(windows) {
        venv.join("Scripts").join("python.exe")
    } else {
        venv.join("bin").join("python")
    }
}

/// Builds the editable wheel for this machine and installs it into `venv`. Returns whether
/// anything was installed.
pub fn develop(cfg: &ProjectConfig, venv: &Path, printer: Printer) -> anyhow::Result<bool> {
    let python = venv_python(venv);
    let out = cfg.build_dir().join("gowright").join("develop");
    // The extension module is built for the environment's interpreter (abi3, or its own ABI
    // when it is free-threaded).
    let options = BuildOptions {
        editable: true,
        interpreters: vec![python.clone()],
    };
    let built = build_wheels_with(cfg, &TargetSelection::Host, &out, &options, printer)?;
    let wheel = &built.first().expect("one wheel for the host").path;
    let digest = Sha256::digest(fs_err::read(wheel)?);
    let stamp = format!("{}\n{}\n", venv.display(), hex::encode(digest));
    let stamp_file = out.join("installed");
    let record = find_record(venv, &cfg.metadata.dist_info_dir());
    if record.is_some() && std::fs::read_to_string(&stamp_file).is_ok_and(|s| s == stamp) {
        printer.status(
            "Fresh",
            format!(
                "{} {} in {}",
                cfg.metadata.name,
                cfg.metadata.version,
                venv.display()
            ),
        );
        return Ok(false);
    }
    printer.status(
        "Installing",
        format!("{} into {}", wheel.display(), venv.display()),
    );
    install(&python, wheel)?;
    fs_err::write(&stamp_file, stamp)?;
    Ok(true)
}

/// Installs `wheel` with uv when it is in the environment or on PATH, else with the
/// environment's pip.
fn install(python: &Path, wheel: &Path) -> anyhow::Result<()> {
    let in_venv = python.with_file_name(format!("uv{}", std::env::consts::EXE_SUFFIX));
    let uv = Some(in_venv)
        .filter(|p| p.is_file())
        .or_else(|| crate::process::find_on_path("uv"));
    let cmd = match uv {
        Some(uv) => {
            let mut cmd = ProcessBuilder::new(uv);
            cmd.args([
                "pip",
                "install",
                "--quiet",
                "--reinstall",
                "--no-deps",
                "--python",
            ])
            .arg(python)
            .arg(wheel);
            cmd
        }
        None => {
            let mut cmd = ProcessBuilder::new(python);
            cmd.args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--force-reinstall",
                "--no-deps",
                "--disable-pip-version-check",
            ])
            .arg(wheel);
            cmd
        }
    };
    cmd.output().map_err(|e| {
        UserError::new(format!("installing the wheel failed:\n{e}"))
            .hint("install uv, or pip into the virtual environment (python -m ensurepip)")
    })?;
    Ok(())
}

/// The RECORD of an installed distribution, if it is installed in `venv`.
fn find_record(venv: &Path, dist_info: &str) -> Option<PathBuf> {
    let lib = if cfg!(windows) {
        venv.join("Lib")
    } else {
        venv.join("lib")
    };
    let candidates: Vec<PathBuf> = if cfg!(windows) {
        vec![lib.join("site-packages")]
    } else {
        std::fs::read_dir(&lib)
            .ok()?
            .flatten()
            .map(|e| e.path().join("site-packages"))
            .collect()
    };
    candidates
        .into_iter()
        .map(|sp| sp.join(dist_info).join("RECORD"))
        .find(|r| r.is_file())
}
