//! What a Windows extension module is built against when the target's CPython is not on this
//! machine: the import library of the Python DLL it links with, and headers configured for
//! Windows.
//!
//! - **Import libraries.** A `.pyd` imports its CPython functions from `python3.dll` (the
//!   stable ABI, for abi3 modules) or from `python3XY.dll` / `python3XYt.dll` (the full API of
//!   one version). The lists of what each DLL exports come with the `python3-dll-a` crate (the
//!   one PyO3 uses); zig's `dlltool` turns them into the import library.
//! - **Headers.** CPython's headers are the same on every platform except `pyconfig.h`, which
//!   its build writes for the platform. [`headers`] copies the headers of an interpreter of
//!   this machine and puts gowright's `pyconfig.h` for Windows in place of its own.

use std::path::{Path, PathBuf};

use crate::error::UserError;
use crate::target::{Arch, Target};

/// The hidden command that makes one import library (see [`make_import_library`]).
pub const IMPORT_LIBRARY_COMMAND: &str = "python-import-library";

/// gowright's `pyconfig.h` for Windows targets.
const WINDOWS_PYCONFIG: &str = include_str!("windows_pyconfig.h");

/// Which Python DLL a module links with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PythonDll {
    /// `python3.dll`: the stable ABI of every CPython 3.
    StableAbi,
    /// `python3XY.dll`, or `python3XYt.dll` when free-threaded.
    Version { minor: u32, free_threaded: bool },
}

impl PythonDll {
    /// The DLL's file name without `.dll`: `python3`, `python313`, `python313t`.
    pub fn stem(self) -> String {
        match self {
            PythonDll::StableAbi => "python3".to_string(),
            PythonDll::Version {
                minor,
                free_threaded,
            } => format!("python3{minor}{}", if free_threaded { "t" } else { "" }),
        }
    }
}

/// The import library of `dll` for `target`, in `dir` (made once): its path, for the linker.
///
/// `python3-dll-a` finds zig through the environment variable `ZIG_COMMAND` only, so the
/// library is made by a child gowright (the hidden [`IMPORT_LIBRARY_COMMAND`]) whose
/// environment says where zig is; this process's environment is shared by its build threads
/// and is never changed.
pub fn import_library(
    zig: &super::zig::Zig,
    target: Target,
    dll: PythonDll,
    dir: &Path,
) -> anyhow::Result<PathBuf> {
    let lib = dir.join(format!("{}.lib", dll.stem()));
    // The DLL's list of exports comes with this build of gowright.
    let stamp = dir.join(format!("{}.made-by", dll.stem()));
    let maker = format!("gowright {}", env!("CARGO_PKG_VERSION"));
    if lib.is_file() && std::fs::read_to_string(&stamp).is_ok_and(|s| s == maker) {
        return Ok(lib);
    }
    if let PythonDll::Version { minor, .. } = dll
        && !(7..=14).contains(&minor)
    {
        return Err(UserError::new(format!(
            "gowright cannot link a module with {}.dll for {target}: it knows the exports of python37.dll to python314.dll",
            dll.stem()
        ))
        .hint("use the limited API (define Py_LIMITED_API) to link with python3.dll, or build on Windows with that CPython")
        .into());
    }
    fs_err::create_dir_all(dir)?;
    let exe = std::env::current_exe()
        .map_err(|e| anyhow::anyhow!("cannot find gowright's own executable: {e}"))?;
    let mut cmd = crate::process::ProcessBuilder::new(&exe);
    cmd.arg(IMPORT_LIBRARY_COMMAND)
        .arg(arch_name(target))
        .arg(dll.stem())
        .arg(dir)
        .env("ZIG_COMMAND", &zig.exe)
        .timeout(std::time::Duration::from_secs(120));
    cmd.output().map_err(|e| {
        UserError::new(format!(
            "cannot make the import library of {}.dll for {target}: {e}",
            dll.stem()
        ))
        .hint(super::zig::INSTALL_HINT)
    })?;
    if !lib.is_file() {
        anyhow::bail!(
            "zig dlltool did not write `{}` (the import library of {}.dll)",
            lib.display(),
            dll.stem()
        );
    }
    fs_err::write(&stamp, maker)?;
    Ok(lib)
}

/// The work of the hidden command: `ARCH DLL-STEM DIR` → `DIR/<stem>.lib`, with zig from
/// `ZIG_COMMAND`.
pub fn make_import_library(arch: &str, stem: &str, dir: &Path) -> anyhow::Result<()> {
    let mut generator = python3_dll_a::ImportLibraryGenerator::new(arch, "msvc");
    if stem != "python3" {
        let rest = stem
            .strip_prefix("python3")
            .ok_or_else(|| anyhow::anyhow!("not a Python DLL: {stem}"))?;
        let (digits, flags) = match rest.strip_suffix('t') {
            Some(d) => (d, Some("t")),
            None => (rest, None),
        };
        let minor: u8 = digits
            .parse()
            .map_err(|_| anyhow::anyhow!("not a Python DLL: {stem}"))?;
        generator.version(Some((3, minor))).abiflags(flags);
    }
    generator
        .generate(dir)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(())
}

/// `python3-dll-a`'s name of the target's architecture (Rust's `target_arch`).
fn arch_name(target: Target) -> &'static str {
    match target.arch {
        Arch::Arm64 => "aarch64",
        Arch::I386 => "x86",
        _ => "x86_64",
    }
}

/// CPython's headers of `include` (an interpreter's `sysconfig` include directory) configured
/// for Windows, copied under `dir` once: the directory to put on the C compiler's include
/// path. `free_threaded` defines `Py_GIL_DISABLED`, as a free-threaded CPython's own
/// `pyconfig.h` does.
pub fn headers(include: &Path, free_threaded: bool, dir: &Path) -> anyhow::Result<PathBuf> {
    if !include.join("Python.h").is_file() {
        return Err(UserError::new(format!(
            "no Python.h in `{}`: a module for Windows is compiled with the headers of an interpreter of this machine",
            include.display()
        ))
        .hint("install that Python's headers (the python3-dev package on Debian), or name another interpreter with --interpreter")
        .into());
    }
    let name = include
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "python".to_string());
    let out = dir.join(format!(
        "{name}{}-windows",
        if free_threaded { "t" } else { "" }
    ));
    let pyconfig = format!(
        "{}{WINDOWS_PYCONFIG}",
        if free_threaded {
            "#define Py_GIL_DISABLED 1\n"
        } else {
            ""
        }
    );
    // Copied from `include` with this pyconfig.h: a header written since is copied again.
    let stamp = out.join(".copied-from");
    let source = format!("{}\n{pyconfig}", include.display());
    if std::fs::read_to_string(&stamp).is_ok_and(|s| s == source) {
        return Ok(out);
    }
    if out.exists() {
        fs_err::remove_dir_all(&out)?;
    }
    copy_headers(include, &out)?;
    // Python.h includes "pyconfig.h" from its own directory first: this one replaces the
    // interpreter's.
    fs_err::write(out.join("pyconfig.h"), pyconfig)?;
    fs_err::write(&stamp, source)?;
    Ok(out)
}

/// Copies the `.h` files of `from` and its subdirectories (`cpython/`, `internal/`) to `to`.
fn copy_headers(from: &Path, to: &Path) -> anyhow::Result<()> {
    fs_err::create_dir_all(to)?;
    for entry in fs_err::read_dir(from)? {
        let entry = entry?;
        let path = entry.path();
        let target = to.join(entry.file_name());
        if path.is_dir() {
            copy_headers(&path, &target)?;
        } else if path.extension().is_some_and(|e| e == "h") {
            fs_err::copy(&path, &target)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_dlls() {
        assert_eq!(PythonDll::StableAbi.stem(), "python3");
        assert_eq!(
            PythonDll::Version {
                minor: 13,
                free_threaded: true
            }
            .stem(),
            "python313t"
        );
    }

    /// The headers of the Python running the tests, configured for Windows, compile for
    /// x86_64 Windows with the limited and the full API (with zig: the one of the repository's
    /// `.venv` that `.ci/run` makes, or one gowright finds; none, and the test has nothing to
    /// compile with).
    #[test]
    fn windows_headers_compile_with_zig() {
        let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/lib");
        let in_venv = std::fs::read_dir(&venv).ok().and_then(|dirs| {
            dirs.flatten()
                .map(|d| d.path().join("site-packages/ziglang/zig"))
                .find(|p| p.is_file())
        });
        let Some(zig) = in_venv
            .map(|exe| super::super::zig::Zig { exe })
            .or_else(|| super::super::zig::Zig::locate(false).ok().flatten())
        else {
            eprintln!("no zig: nothing to compile the headers with");
            return;
        };
        let include = std::process::Command::new("python3")
            .args([
                "-c",
                "import sysconfig; print(sysconfig.get_paths()['include'])",
            ])
            .output()
            .expect("python3 runs");
        let include = PathBuf::from(String::from_utf8(include.stdout).unwrap().trim());
        let dir = tempfile::tempdir().unwrap();
        let headers = headers(&include, false, dir.path()).unwrap();
        assert!(headers.join("cpython").is_dir());
        for prelude in ["#define Py_LIMITED_API 0x030B0000\n", ""] {
            let src = dir.path().join("m.c");
            std::fs::write(
                &src,
                format!(
                    "{prelude}#define PY_SSIZE_T_CLEAN\n#include <Python.h>\n\
                     _Static_assert(sizeof(Py_ssize_t) == 8, \"64-bit\");\n\
                     _Static_assert(sizeof(long) == 4, \"LLP64\");\n\
                     PyMODINIT_FUNC PyInit_m(void) {{ return PyLong_FromLong(1); }}\n"
                ),
            )
            .unwrap();
            let out = std::process::Command::new(&zig.exe)
                .args(["cc", "-target", "x86_64-windows-gnu", "-Werror", "-c"])
                .arg(format!("-I{}", headers.display()))
                .arg("-o")
                .arg(dir.path().join("m.o"))
                .arg(&src)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{prelude}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}
