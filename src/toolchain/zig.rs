//! zig as the C compiler of cgo (`zig cc -target <triple>`): one compiler for every target,
//! carrying the libc of each (glibc down to 2.17), so that cgo cross-compiles from one machine
//! and Linux binaries link against an old glibc whatever this machine has.
//!
//! zig comes from PyPI (`pip install ziglang`): gowright finds it as `$GOWRIGHT_ZIG`, as `zig`
//! on `PATH`, or as the `ziglang` package of the active virtual environment (or of `python3`).

use std::path::{Path, PathBuf};

use crate::error::UserError;
use crate::target::{Arch, Os, Target};

/// Environment variable naming the `zig` executable to use.
pub const ZIG_ENV_VAR: &str = "GOWRIGHT_ZIG";

/// A zig compiler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Zig {
    pub exe: PathBuf,
}

/// How to get zig, for hints.
pub const INSTALL_HINT: &str = "install zig with `pip install ziglang` (into the active virtual environment), put `zig` on PATH, or set GOWRIGHT_ZIG to it";

impl Zig {
    /// Finds zig, or `None` when there is none; a `$GOWRIGHT_ZIG` that is not a file is an
    /// error. Without `thorough`, nothing is run: `$GOWRIGHT_ZIG`, `PATH`, the active virtual
    /// environment, the installation of the `python3` on `PATH` and the user's site-packages are
    /// looked at; `thorough` also asks `python3` where its `ziglang` is (a tenth of a second).
    pub fn locate(thorough: bool) -> Result<Option<Zig>, UserError> {
        if let Some(exe) = std::env::var_os(ZIG_ENV_VAR).filter(|v| !v.is_empty()) {
            let exe = PathBuf::from(exe);
            if !exe.is_file() {
                return Err(UserError::new(format!(
                    "{ZIG_ENV_VAR}={} is not a file",
                    exe.display()
                ))
                .hint(INSTALL_HINT));
            }
            return Ok(Some(Zig { exe }));
        }
        if let Some(exe) = crate::process::find_on_path("zig") {
            return Ok(Some(Zig { exe }));
        }
        let mut environments: Vec<PathBuf> = Vec::new();
        if let Some(venv) = std::env::var_os("VIRTUAL_ENV") {
            environments.push(PathBuf::from(venv));
        }
        // The installation `python3` belongs to (its prefix), and the user's own site.
        if let Some(prefix) = crate::process::find_on_path("python3")
            .and_then(|p| std::fs::canonicalize(p).ok())
            .and_then(|p| Some(p.parent()?.parent()?.to_path_buf()))
        {
            environments.push(prefix);
        }
        if let Some(home) = std::env::var_os("HOME") {
            environments.push(Path::new(&home).join(".local"));
        }
        if let Some(exe) = environments.iter().find_map(|env| in_environment(env)) {
            return Ok(Some(Zig { exe }));
        }
        Ok(thorough
            .then(|| from_python("python3"))
            .flatten()
            .map(|exe| Zig { exe }))
    }

    /// [`Zig::locate`], once per process and kind of search (builds of several targets share
    /// the answer).
    pub fn locate_once(thorough: bool) -> Result<Option<Zig>, UserError> {
        /// The answer, with an error kept as its message and hint.
        type Found = Result<Option<Zig>, (String, Option<String>)>;
        static QUICK: std::sync::OnceLock<Found> = std::sync::OnceLock::new();
        static THOROUGH: std::sync::OnceLock<Found> = std::sync::OnceLock::new();
        let cell = if thorough { &THOROUGH } else { &QUICK };
        cell.get_or_init(|| Self::locate(thorough).map_err(|e| (e.message, e.hint)))
            .clone()
            .map_err(|(message, hint)| UserError { message, hint })
    }

    /// The value of `CC` (or, with `c++`, `CXX`) for `triple`, in the quoting `go` reads.
    pub fn command(&self, tool: &str, triple: &str) -> String {
        let exe = self.exe.to_string_lossy();
        let exe = if exe.contains([' ', '\'', '"']) {
            format!("'{}'", exe.replace('\'', ""))
        } else {
            exe.into_owned()
        };
        format!("{exe} {tool} -target {triple}")
    }
}

/// zig's target triple for `target`, with the glibc version of Linux targets and the minimum
/// version of macOS ones.
pub fn triple(target: Target, glibc: (u32, u32), macos: (u32, u32)) -> Option<String> {
    let (major, minor) = glibc;
    match target.os {
        Os::Linux => {
            let (arch, abi) = match target.arch {
                Arch::Amd64 => ("x86_64", "gnu"),
                Arch::Arm64 => ("aarch64", "gnu"),
                Arch::I386 => ("x86", "gnu"),
                Arch::Arm => ("arm", "gnueabihf"),
                Arch::Ppc64le => ("powerpc64le", "gnu"),
                Arch::S390x => ("s390x", "gnu"),
            };
            Some(format!("{arch}-linux-{abi}.{major}.{minor}"))
        }
        Os::Windows => match target.arch {
            Arch::Amd64 => Some("x86_64-windows-gnu".to_string()),
            Arch::Arm64 => Some("aarch64-windows-gnu".to_string()),
            Arch::I386 => Some("x86-windows-gnu".to_string()),
            _ => None,
        },
        Os::Darwin => {
            let arch = match target.arch {
                Arch::Amd64 => "x86_64",
                Arch::Arm64 => "aarch64",
                _ => return None,
            };
            Some(format!("{arch}-macos.{}.{}", macos.0, macos.1))
        }
    }
}

/// The `zig` of the `ziglang` package installed in the virtual environment `venv`.
fn in_environment(venv: &Path) -> Option<PathBuf> {
    let exe = format!("zig{}", std::env::consts::EXE_SUFFIX);
    // Windows: Lib/site-packages; elsewhere lib/pythonX.Y/site-packages.
    let windows = venv
        .join("Lib")
        .join("site-packages")
        .join("ziglang")
        .join(&exe);
    if windows.is_file() {
        return Some(windows);
    }
    let lib = std::fs::read_dir(venv.join("lib")).ok()?;
    lib.flatten()
        .flat_map(|e| {
            // Debian's own Python installs into dist-packages.
            ["site-packages", "dist-packages"].map(|d| e.path().join(d).join("ziglang").join(&exe))
        })
        .find(|p| p.is_file())
}

/// The `zig` of the `ziglang` package importable by `python`.
fn from_python(python: &str) -> Option<PathBuf> {
    let mut cmd = crate::process::ProcessBuilder::new(python);
    cmd.args([
        "-c",
        "import os, ziglang; print(os.path.dirname(ziglang.__file__))",
    ])
    .timeout(std::time::Duration::from_secs(30));
    let dir = cmd.stdout().ok()?;
    let exe = Path::new(dir.trim()).join(format!("zig{}", std::env::consts::EXE_SUFFIX));
    exe.is_file().then_some(exe)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn triples() {
        let t = |s: &str| s.parse::<Target>().unwrap();
        assert_eq!(
            triple(t("linux/amd64"), (2, 17), (12, 0)).as_deref(),
            Some("x86_64-linux-gnu.2.17")
        );
        assert_eq!(
            triple(t("linux/arm64"), (2, 28), (12, 0)).as_deref(),
            Some("aarch64-linux-gnu.2.28")
        );
        assert_eq!(
            triple(t("windows/arm64"), (2, 17), (12, 0)).as_deref(),
            Some("aarch64-windows-gnu")
        );
        assert_eq!(
            triple(t("darwin/arm64"), (2, 17), (12, 0)).as_deref(),
            Some("aarch64-macos.12.0")
        );
    }

    #[test]
    fn commands_quote_paths_with_spaces() {
        let zig = Zig {
            exe: PathBuf::from("/opt/my tools/zig"),
        };
        assert_eq!(
            zig.command("cc", "x86_64-linux-gnu.2.17"),
            "'/opt/my tools/zig' cc -target x86_64-linux-gnu.2.17"
        );
    }
}
