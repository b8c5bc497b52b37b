//! The C side of building Go with cgo for a target: which C compiler cgo uses, and the
//! declarations of CPython's stable ABI the glue of an extension module is compiled against.
//!
//! One rule decides the compiler ([`CgoToolchain::for_target`]): zig for every Linux target, so
//! that the glibc floor is the one asked for (`manylinux_2_17` by default) whatever this
//! machine has, and so that other architectures cross-compile; the machine's own compiler when
//! `--compatibility linux` asks for a local wheel, when `CC` is set, or (with a warning) when no
//! zig is installed for a build of this machine's own target.

pub mod macos;
pub mod python_abi;
pub mod stable_abi;
pub mod windows_python;
pub mod zig;

use crate::error::UserError;
use crate::target::{Compatibility, DEFAULT_GLIBC, Os, Target};
use zig::Zig;

/// The C compiler cgo uses for one target, as environment for `go build`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CgoToolchain {
    /// `CC`/`CXX` to set (empty: Go's default, the machine's compiler).
    pub env: Vec<(String, String)>,
    /// What was chosen, for `-v`.
    pub description: String,
    /// A warning to show (the machine's compiler used where zig would do better).
    pub warning: Option<String>,
    /// The zig in use, if any.
    pub zig: Option<Zig>,
}

impl CgoToolchain {
    /// Decides the compiler for `target` on a machine that is `host`. `zig` is looked up only
    /// when needed.
    /// `go_version` (`go1.26.8`) decides the minimum macOS.
    pub fn for_target(
        target: Target,
        host: Target,
        compat: Option<Compatibility>,
        go_version: &str,
        locate_zig: impl FnOnce(bool) -> Result<Option<Zig>, UserError>,
    ) -> Result<Self, UserError> {
        let macos = macos::minimum_macos(go_version);
        let system = |description: &str, warning: Option<String>| Self {
            env: Vec::new(),
            description: description.to_string(),
            warning,
            zig: None,
        };
        let with_zig = |zig: Zig, triple: &str| Self {
            env: vec![
                ("CC".to_string(), zig.command("cc", triple)),
                ("CXX".to_string(), zig.command("c++", triple)),
            ],
            description: format!("zig cc -target {triple} ({})", zig.exe.display()),
            warning: None,
            zig: Some(zig),
        };
        if target.os != Os::Linux {
            if target == host {
                return Ok(system("the machine's C compiler", None));
            }
            let Some(triple) = zig::triple(target, DEFAULT_GLIBC, macos) else {
                return Err(UserError::new(format!(
                    "cgo cannot be cross-compiled to {target} by this version of gowright"
                ))
                .hint(format!("build the {target} wheel on a {target} machine")));
            };
            let Some(zig) = locate_zig(true)? else {
                return Err(UserError::new(format!(
                    "building cgo for {target} needs zig as the C compiler, and none was found"
                ))
                .hint(zig::INSTALL_HINT));
            };
            let mut chosen = with_zig(zig, &triple);
            if target.os == Os::Darwin {
                // The names of Apple's frameworks Go links, without the SDK (see `macos`).
                let dir = macos::stub_dir().map_err(|e| {
                    UserError::new(format!("cannot write the macOS link stubs: {e}"))
                        .hint("check that the temporary directory is writable")
                })?;
                for (_, value) in &mut chosen.env {
                    value.push(' ');
                    value.push_str(&macos::stub_flags(&dir));
                }
            }
            return Ok(chosen);
        }
        if let Some(Compatibility::Musllinux(..)) = compat {
            return Err(UserError::new(format!(
                "`--compatibility {}`: gowright does not build cgo for musl",
                compat.expect("matched")
            ))
            .hint("a Go c-shared library cannot be loaded on musl (golang/go#54805); build manylinux wheels"));
        }
        if target == host {
            if compat == Some(Compatibility::Linux) {
                return Ok(system(
                    "the machine's C compiler (--compatibility linux)",
                    None,
                ));
            }
            if std::env::var_os("CC").is_some_and(|cc| !cc.is_empty()) {
                return Ok(system("$CC", None));
            }
        }
        let glibc = match compat {
            Some(Compatibility::Manylinux(major, minor)) => (major, minor),
            _ => DEFAULT_GLIBC,
        };
        let triple =
            zig::triple(target, glibc, macos).expect("zig has a triple for every Linux target");
        // For this machine with the default floor zig is only better, not needed: no program
        // is run to look for it.
        match locate_zig(target != host || compat.is_some())? {
            Some(zig) => Ok(with_zig(zig, &triple)),
            None if target == host && compat.is_none() => Ok(system(
                "the machine's C compiler",
                Some(format!(
                    "zig was not found, so cgo uses this machine's C compiler and the wheel needs this machine's glibc; for manylinux_{}_{}, {}",
                    DEFAULT_GLIBC.0,
                    DEFAULT_GLIBC.1,
                    zig::INSTALL_HINT
                )),
            )),
            None => Err(UserError::new(format!(
                "building cgo for {target} (glibc {}.{}) needs zig as the C compiler, and none was found",
                glibc.0, glibc.1
            ))
            .hint(zig::INSTALL_HINT)),
        }
    }
}

impl CgoToolchain {
    /// [`CgoToolchain::for_target`] for a build with the toolchain `go`, zig looked for once per
    /// process.
    pub fn for_build(
        target: Target,
        go: &crate::go::GoToolchain,
        compat: Option<Compatibility>,
    ) -> Result<Self, UserError> {
        Self::for_target(target, go.host, compat, &go.version, Zig::locate_once)
    }

    /// The `-ldflags` items to link with: for macOS through zig, without `-s`. Go turns `-s`
    /// into `-Wl,-S -Wl,-x` for the external linker, and zig's Mach-O linker then writes an
    /// indirect symbol table that points past the symbols it kept (`-w`, no DWARF, stays).
    pub fn ldflags(&self, target: Target, ldflags: &[String]) -> Vec<String> {
        if target.os == Os::Darwin && self.zig.is_some() {
            return ldflags.iter().filter(|f| *f != "-s").cloned().collect();
        }
        ldflags.to_vec()
    }

    /// The linker settings of a CPython extension module for `target`: on Windows the import
    /// library of `dll` (made in `dir`), so the module imports that DLL only; on macOS
    /// Python's symbols are left to the loader, never linked against a libpython.
    pub fn extension_env(
        &self,
        target: Target,
        dir: &std::path::Path,
        dll: windows_python::PythonDll,
    ) -> anyhow::Result<Vec<(String, String)>> {
        let flags = match target.os {
            Os::Windows => {
                let zig = self.zig.as_ref().ok_or_else(|| {
                    UserError::new(format!(
                        "extension modules for {target} are linked against {}.dll through an import library that zig makes, and no zig was found",
                        dll.stem()
                    ))
                    .hint(zig::INSTALL_HINT)
                })?;
                windows_python::import_library(zig, target, dll, dir)?
                    .display()
                    .to_string()
            }
            Os::Darwin => "-undefined dynamic_lookup".to_string(),
            Os::Linux => return Ok(Vec::new()),
        };
        let flags = match std::env::var("CGO_LDFLAGS") {
            Ok(user) if !user.is_empty() => format!("{user} {flags}"),
            _ => flags,
        };
        Ok(vec![("CGO_LDFLAGS".to_string(), flags)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Target {
        s.parse().unwrap()
    }

    const GO: &str = "go1.26.8";

    fn zig(_thorough: bool) -> Result<Option<Zig>, UserError> {
        Ok(Some(Zig {
            exe: "/z/zig".into(),
        }))
    }

    #[test]
    fn zig_for_linux_targets() {
        let host = t("linux/amd64");
        let tc = CgoToolchain::for_target(t("linux/arm64"), host, None, GO, zig).unwrap();
        assert_eq!(
            tc.env[0],
            (
                "CC".into(),
                "/z/zig cc -target aarch64-linux-gnu.2.17".into()
            )
        );
        let tc =
            CgoToolchain::for_target(host, host, Some(Compatibility::Manylinux(2, 28)), GO, zig)
                .unwrap();
        assert!(tc.env[0].1.ends_with("x86_64-linux-gnu.2.28"));
        let tc = CgoToolchain::for_target(host, host, Some(Compatibility::Linux), GO, zig).unwrap();
        assert!(tc.env.is_empty());
    }

    #[test]
    fn without_zig() {
        let host = t("linux/amd64");
        let none = |_| Ok(None);
        let tc = CgoToolchain::for_target(host, host, None, GO, none).unwrap();
        assert!(tc.env.is_empty() && tc.warning.is_some());
        assert!(CgoToolchain::for_target(t("linux/arm64"), host, None, GO, none).is_err());
        let asked = Some(Compatibility::Manylinux(2, 17));
        assert!(CgoToolchain::for_target(host, host, asked, GO, none).is_err());
        let err =
            CgoToolchain::for_target(host, host, Some(Compatibility::Musllinux(1, 2)), GO, zig)
                .unwrap_err();
        assert!(err.hint.unwrap().contains("golang/go#54805"));
        let tc = CgoToolchain::for_target(t("darwin/arm64"), host, None, GO, zig).unwrap();
        assert!(
            tc.env[0].1.contains("-target aarch64-macos.12.0 -F"),
            "{}",
            tc.env[0].1
        );
        assert!(CgoToolchain::for_target(t("windows/amd64"), host, None, GO, none).is_err());
        let tc = CgoToolchain::for_target(t("windows/arm64"), host, None, GO, zig).unwrap();
        assert!(tc.env[0].1.ends_with("-target aarch64-windows-gnu"));
    }
}
