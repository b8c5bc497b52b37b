//! The CPython ABIs an extension module is built for, and the interpreters that supply what a
//! build for one needs.
//!
//! - `abi3`, the stable ABI: one wheel (`cp311-abi3`) for every GIL-enabled CPython from 3.11,
//!   compiled against gowright's own declarations of the stable ABI ([`super::stable_abi`]), so
//!   it needs no Python at all and cross-compiles to every target.
//! - `abi3t`, the stable ABI of CPython ≥ 3.15 for free-threaded and GIL-enabled builds alike
//!   (PEP 803): one wheel (`cp315-abi3.abi3t`), also from gowright's own declarations, for
//!   every target but Windows.
//! - `cp313t`, `cp314t`: free-threaded CPython (PEP 703), which cannot load an abi3 module. Its
//!   ABI is the full, version-specific one, so the glue is compiled against the headers of a
//!   free-threaded interpreter of that version found on this machine (`python3.13t` on `PATH`,
//!   or one named with `--interpreter`), and only for this machine's own platform (the headers'
//!   `pyconfig.h` is that of the platform the interpreter was built for).
//!
//! Which ABIs a build makes: the interpreters named on the command line (`--interpreter`, and the
//! one running a PEP 517 build or the virtual environment of `develop`) decide when given;
//! else `tool.gowright.python-abis`; else `abi3` plus every free-threaded version that
//! `requires-python` admits and for which an interpreter is found here, saying which were
//! skipped and why.

use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

use crate::error::UserError;
use crate::process::{ProcessBuilder, find_on_path};

/// The oldest CPython whose limited API has all the glue uses (buffers, `PyType_GetName`).
pub const MIN_ABI3: (u32, u32) = (3, 11);

/// The first CPython with the stable ABI for free-threaded builds (abi3t, PEP 803).
pub const MIN_ABI3T: (u32, u32) = (3, 15);

/// The free-threaded CPython versions gowright builds for (`cp3XYt`), oldest first.
pub const FREE_THREADED_MINORS: &[u32] = &[13, 14];

/// One CPython ABI an extension module can be built for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PythonAbi {
    /// The stable ABI of GIL-enabled CPython (`abi3`).
    Abi3,
    /// The stable ABI of CPython ≥ 3.15, free-threaded or not (`abi3t`).
    Abi3t,
    /// Free-threaded CPython 3.`minor` (`cp3XYt`).
    FreeThreaded(u32),
}

impl PythonAbi {
    /// The names `tool.gowright.python-abis` accepts.
    pub fn known_names() -> Vec<String> {
        Self::all().map(|a| a.to_string()).collect()
    }

    /// Every ABI gowright builds for, in the order of a build's wheels.
    fn all() -> impl Iterator<Item = PythonAbi> {
        [PythonAbi::Abi3, PythonAbi::Abi3t].into_iter().chain(
            FREE_THREADED_MINORS
                .iter()
                .map(|&m| PythonAbi::FreeThreaded(m)),
        )
    }

    /// The hint for a name that is not an ABI gowright knows.
    pub fn hint() -> String {
        format!(
            "use one or more of {} (\"abi3\": every GIL-enabled CPython from {}.{}; \"abi3t\": every CPython from {}.{}, free-threaded too; \"cp313t\": free-threaded CPython 3.13)",
            Self::known_names().join(", "),
            MIN_ABI3.0,
            MIN_ABI3.1,
            MIN_ABI3T.0,
            MIN_ABI3T.1
        )
    }

    /// The interpreter command that supplies the headers of this ABI (`python3.13t`).
    pub fn command(self) -> Option<String> {
        match self {
            PythonAbi::Abi3 | PythonAbi::Abi3t => None,
            PythonAbi::FreeThreaded(minor) => Some(format!("python3.{minor}t")),
        }
    }

    /// Whether `requires-python` lets the version(s) of this ABI install the package.
    fn admitted_by(self, requires_python: Option<&pep440_rs::VersionSpecifiers>) -> bool {
        let Some(specs) = requires_python else {
            return true;
        };
        match self {
            // abi3 serves every version from 3.11: admitted if any of them is.
            PythonAbi::Abi3 => (MIN_ABI3.1..40).any(|minor| admits(specs, minor)),
            PythonAbi::Abi3t => (MIN_ABI3T.1..40).any(|minor| admits(specs, minor)),
            PythonAbi::FreeThreaded(minor) => admits(specs, minor),
        }
    }
}

/// Whether some 3.`minor`.x is admitted by `specs` (tried at .0 and at a late patch level).
fn admits(specs: &pep440_rs::VersionSpecifiers, minor: u32) -> bool {
    [0u64, 99]
        .iter()
        .any(|&patch| specs.contains(&pep440_rs::Version::new([3, u64::from(minor), patch])))
}

impl std::fmt::Display for PythonAbi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PythonAbi::Abi3 => f.write_str("abi3"),
            PythonAbi::Abi3t => f.write_str("abi3t"),
            PythonAbi::FreeThreaded(minor) => write!(f, "cp3{minor}t"),
        }
    }
}

impl std::str::FromStr for PythonAbi {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "abi3" => return Ok(PythonAbi::Abi3),
            "abi3t" => return Ok(PythonAbi::Abi3t),
            _ => {}
        }
        let minor = s
            .strip_prefix("cp3")
            .and_then(|rest| rest.strip_suffix('t'))
            .and_then(|m| m.parse::<u32>().ok());
        match minor {
            Some(m) if FREE_THREADED_MINORS.contains(&m) => Ok(PythonAbi::FreeThreaded(m)),
            Some(m) if m < FREE_THREADED_MINORS[0] => Err(format!(
                "{s:?}: free-threaded CPython starts at 3.{}",
                FREE_THREADED_MINORS[0]
            )),
            _ => Err(format!("{s:?} is not a CPython ABI gowright builds for")),
        }
    }
}

/// What an interpreter says about itself: enough to compile an extension module for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interpreter {
    pub path: PathBuf,
    /// `sys.implementation.name`: `cpython`.
    pub implementation: String,
    pub major: u32,
    pub minor: u32,
    /// `Py_GIL_DISABLED` of its build.
    pub free_threaded: bool,
    /// Its C headers (`sysconfig.get_path("include")`).
    pub include: PathBuf,
    /// The file name ending of its extension modules (`.cpython-313t-x86_64-linux-gnu.so`).
    pub ext_suffix: String,
}

/// Prints what [`Interpreter`] holds, as JSON; runs under every Python 3.
const PROBE: &str = r#"
import json, sys, sysconfig
print(json.dumps({
    "implementation": sys.implementation.name,
    "major": sys.version_info[0],
    "minor": sys.version_info[1],
    "free_threaded": bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
    "include": sysconfig.get_path("include"),
    "ext_suffix": sysconfig.get_config_var("EXT_SUFFIX") or "",
}))
"#;

#[derive(Deserialize)]
struct Probed {
    implementation: String,
    major: u32,
    minor: u32,
    free_threaded: bool,
    include: PathBuf,
    ext_suffix: String,
}

impl Interpreter {
    /// Asks the interpreter at `path` about itself, or reads its answer from `cache_dir` when
    /// the executable has not changed since.
    pub fn probe(path: &Path, cache_dir: &Path) -> Result<Self, UserError> {
        let resolved = std::fs::canonicalize(path).map_err(|e| {
            UserError::new(format!(
                "cannot use the interpreter `{}`: {e}",
                path.display()
            ))
            .hint("name an existing Python executable, e.g. --interpreter python3.13t")
        })?;
        let stamp = stamp(&resolved);
        let cache = cache_dir.join(format!("{}.json", short_hash(&path.to_string_lossy())));
        if let Ok(text) = std::fs::read_to_string(&cache)
            && let Ok((stored, found)) = serde_json::from_str::<(String, Interpreter)>(&text)
            && stored == stamp
            && found.path == path
        {
            return Ok(found);
        }
        let out = ProcessBuilder::new(path)
            .args(["-I", "-c", PROBE])
            .timeout(std::time::Duration::from_secs(60))
            .output()
            .map_err(|e| {
                UserError::new(format!(
                    "cannot ask `{}` about itself:\n{e}",
                    path.display()
                ))
                .hint("name a working Python interpreter")
            })?;
        let text = String::from_utf8_lossy(&out.stdout);
        let probed: Probed = text
            .lines()
            .last()
            .and_then(|line| serde_json::from_str(line).ok())
            .ok_or_else(|| {
                let said = match text.trim() {
                    "" => "it printed nothing".to_string(),
                    out => format!(
                        "it printed: {}",
                        out.lines().take(3).collect::<Vec<_>>().join(" / ")
                    ),
                };
                UserError::new(format!(
                    "`{}` did not answer like a Python interpreter ({said})",
                    path.display()
                ))
                .hint("name a CPython executable")
            })?;
        let found = Interpreter {
            path: path.to_path_buf(),
            implementation: probed.implementation,
            major: probed.major,
            minor: probed.minor,
            free_threaded: probed.free_threaded,
            include: probed.include,
            ext_suffix: probed.ext_suffix,
        };
        if fs_err::create_dir_all(cache_dir).is_ok()
            && let Ok(json) = serde_json::to_string(&(stamp, &found))
        {
            let _ = std::fs::write(&cache, json);
        }
        Ok(found)
    }

    /// The ABI an extension module for this interpreter is built for.
    pub fn abi(&self) -> Result<PythonAbi, UserError> {
        let version = format!("{}.{}", self.major, self.minor);
        if self.implementation != "cpython" || self.major != 3 {
            return Err(UserError::new(format!(
                "`{}` is {} {version}; gowright builds extension modules for CPython 3",
                self.path.display(),
                self.implementation
            ))
            .hint("name a CPython interpreter"));
        }
        if self.free_threaded {
            if FREE_THREADED_MINORS.contains(&self.minor) {
                return Ok(PythonAbi::FreeThreaded(self.minor));
            }
            if (self.major, self.minor) >= MIN_ABI3T {
                return Ok(PythonAbi::Abi3t);
            }
            return Err(UserError::new(format!(
                "`{}` is free-threaded CPython {version}, which gowright does not build for yet",
                self.path.display()
            ))
            .hint(format!(
                "free-threaded CPython {} is supported",
                FREE_THREADED_MINORS
                    .iter()
                    .map(|m| format!("3.{m}"))
                    .collect::<Vec<_>>()
                    .join(" and ")
            )));
        }
        if (self.major, self.minor) < MIN_ABI3 {
            return Err(UserError::new(format!(
                "`{}` is CPython {version}; the extension module needs CPython {}.{} or newer",
                self.path.display(),
                MIN_ABI3.0,
                MIN_ABI3.1
            ))
            .hint("use a newer Python"));
        }
        Ok(PythonAbi::Abi3)
    }
}

/// The file name ending CPython 3.`minor` gives extension modules on `target` (its
/// `EXT_SUFFIX`), as CPython's configure makes it from the platform triplet: what a module built
/// for another platform than this one is named.
pub fn ext_suffix(
    minor: u32,
    free_threaded: bool,
    target: crate::target::Target,
) -> Option<String> {
    use crate::target::{Arch, Os};
    let flags = if free_threaded { "t" } else { "" };
    Some(match target.os {
        Os::Linux => {
            let triplet = match target.arch {
                Arch::Amd64 => "x86_64-linux-gnu",
                Arch::Arm64 => "aarch64-linux-gnu",
                Arch::I386 => "i386-linux-gnu",
                Arch::Arm => "arm-linux-gnueabihf",
                Arch::Ppc64le => "powerpc64le-linux-gnu",
                Arch::S390x => "s390x-linux-gnu",
            };
            format!(".cpython-3{minor}{flags}-{triplet}.so")
        }
        Os::Darwin => format!(".cpython-3{minor}{flags}-darwin.so"),
        Os::Windows => {
            let platform = match target.arch {
                Arch::Amd64 => "win_amd64",
                Arch::Arm64 => "win_arm64",
                Arch::I386 => "win32",
                _ => return None,
            };
            format!(".cp3{minor}{flags}-{platform}.pyd")
        }
    })
}

/// One ABI a build makes an extension module for, with the interpreter whose headers it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AbiBuild {
    pub abi: PythonAbi,
    /// The headers' source, for a free-threaded ABI.
    pub interpreter: Option<Interpreter>,
}

impl AbiBuild {
    /// The wheel's interpreter tag: `cp311` (the abi3 floor `floor`), `cp315` or `cp313`.
    pub fn python_tag(&self, floor: (u32, u32)) -> String {
        match self.abi {
            PythonAbi::Abi3 => format!("cp{}{}", floor.0, floor.1),
            PythonAbi::Abi3t => {
                let floor = floor.max(MIN_ABI3T);
                format!("cp{}{}", floor.0, floor.1)
            }
            PythonAbi::FreeThreaded(minor) => format!("cp3{minor}"),
        }
    }

    /// The wheel's ABI tag: `abi3`, `abi3.abi3t` (GIL-enabled installers take the `abi3`, free-
    /// threaded ones the `abi3t`; PEP 803) or `cp313t`.
    pub fn abi_tag(&self) -> String {
        match self.abi {
            PythonAbi::Abi3t => "abi3.abi3t".to_string(),
            abi => abi.to_string(),
        }
    }
}

/// Which ABIs were chosen for a build, and what was left out and why (said once per build).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedAbis {
    pub builds: Vec<AbiBuild>,
    /// `cp314t: no python3.14t on PATH`, for the status line.
    pub skipped: Vec<String>,
}

/// Decides the ABIs of a build. `interpreters` (from the command line, a PEP 517 frontend or
/// `develop`) win; else `configured` (`tool.gowright.python-abis`); else the default.
pub fn resolve(
    interpreters: &[PathBuf],
    configured: Option<&[PythonAbi]>,
    requires_python: Option<&pep440_rs::VersionSpecifiers>,
    cache_dir: &Path,
) -> Result<ResolvedAbis, UserError> {
    if !interpreters.is_empty() {
        let mut builds: Vec<AbiBuild> = Vec::new();
        for path in interpreters {
            let interpreter = Interpreter::probe(&resolve_command(path), cache_dir)?;
            let abi = interpreter.abi()?;
            if builds.iter().any(|b| b.abi == abi) {
                continue;
            }
            let interpreter = abi.command().is_some().then_some(interpreter);
            builds.push(AbiBuild { abi, interpreter });
        }
        return Ok(ResolvedAbis {
            builds,
            skipped: Vec::new(),
        });
    }
    let mut builds = Vec::new();
    let mut skipped = Vec::new();
    match configured {
        Some(abis) => {
            for &abi in abis {
                let interpreter = match abi.command() {
                    None => None,
                    Some(command) => {
                        let path = find_on_path(&command).ok_or_else(|| {
                            UserError::new(format!(
                                "`tool.gowright.python-abis` asks for {abi}, but no {command} is on PATH to take its headers from"
                            ))
                            .hint(install_hint(abi))
                        })?;
                        Some(checked(Interpreter::probe(&path, cache_dir)?, abi)?)
                    }
                };
                builds.push(AbiBuild { abi, interpreter });
            }
        }
        None => {
            for abi in PythonAbi::all() {
                if !abi.admitted_by(requires_python) {
                    continue;
                }
                let interpreter = match abi.command() {
                    None => None,
                    Some(command) => match find_on_path(&command) {
                        Some(path) => Some(checked(Interpreter::probe(&path, cache_dir)?, abi)?),
                        None => {
                            skipped.push(format!("{abi}: no {command} on PATH"));
                            continue;
                        }
                    },
                };
                builds.push(AbiBuild { abi, interpreter });
            }
            if builds.is_empty() {
                return Err(UserError::new(
                    "`project.requires-python` admits no CPython gowright can build an extension module for",
                )
                .hint(format!(
                    "admit CPython {}.{} or newer, or name the ABIs with `tool.gowright.python-abis`",
                    MIN_ABI3.0, MIN_ABI3.1
                )));
            }
        }
    }
    Ok(ResolvedAbis { builds, skipped })
}

/// How to get the interpreter of a free-threaded ABI.
pub fn install_hint(abi: PythonAbi) -> String {
    match abi.command() {
        Some(command) => format!(
            "install free-threaded CPython (`uv python install {}` or python.org's installer) and put {command} on PATH, or name it with --interpreter",
            &command["python".len()..]
        ),
        None => String::new(),
    }
}

/// The interpreter found for `abi` must be that ABI's (a `python3.13t` that is not
/// free-threaded would build the wrong module).
fn checked(interpreter: Interpreter, abi: PythonAbi) -> Result<Interpreter, UserError> {
    let found = interpreter.abi()?;
    if found != abi {
        return Err(UserError::new(format!(
            "`{}` was taken for {abi}, but it is an interpreter for {found}",
            interpreter.path.display()
        ))
        .hint(install_hint(abi)));
    }
    Ok(interpreter)
}

/// `name` as given when it is a path, else the first executable of that name on `PATH`.
fn resolve_command(name: &Path) -> PathBuf {
    if name.components().count() > 1 {
        return name.to_path_buf();
    }
    find_on_path(&name.to_string_lossy()).unwrap_or_else(|| name.to_path_buf())
}

/// Size and modification time of the executable: a reinstalled interpreter is asked again.
fn stamp(path: &Path) -> String {
    let meta = std::fs::metadata(path).ok();
    let mtime = meta
        .as_ref()
        .and_then(|m| m.modified().ok())
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    format!(
        "{}\t{}\t{mtime}",
        path.display(),
        meta.map_or(0, |m| m.len())
    )
}

fn short_hash(text: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(&Sha256::digest(text.as_bytes())[..8])
}

/// The lowest Python version `requires-python` admits, if it names one.
pub fn requires_python_floor(
    requires_python: Option<&pep440_rs::VersionSpecifiers>,
) -> Option<(u32, u32)> {
    use pep440_rs::Operator;
    requires_python?
        .iter()
        .filter(|s| {
            matches!(
                s.operator(),
                Operator::GreaterThanEqual
                    | Operator::GreaterThan
                    | Operator::TildeEqual
                    | Operator::Equal
                    | Operator::EqualStar
            )
        })
        .filter_map(|s| {
            let release = s.version().release();
            Some((
                *release.first()? as u32,
                *release.get(1).unwrap_or(&0) as u32,
            ))
        })
        .max()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn specs(s: &str) -> pep440_rs::VersionSpecifiers {
        s.parse().unwrap()
    }

    #[test]
    fn names_round_trip() {
        for name in PythonAbi::known_names() {
            assert_eq!(name.parse::<PythonAbi>().unwrap().to_string(), name);
        }
        assert!("cp312t".parse::<PythonAbi>().unwrap_err().contains("3.13"));
        assert!("abi4".parse::<PythonAbi>().is_err());
        assert!("cp313".parse::<PythonAbi>().is_err());
    }

    #[test]
    fn requires_python_decides_the_default() {
        let ft13 = PythonAbi::FreeThreaded(13);
        assert!(ft13.admitted_by(None));
        assert!(ft13.admitted_by(Some(&specs(">=3.11"))));
        assert!(!ft13.admitted_by(Some(&specs(">=3.14"))));
        assert!(!ft13.admitted_by(Some(&specs("<3.13"))));
        assert!(ft13.admitted_by(Some(&specs("~=3.13.1"))));
        assert!(PythonAbi::Abi3.admitted_by(Some(&specs(">=3.14"))));
        assert!(PythonAbi::Abi3t.admitted_by(Some(&specs(">=3.11"))));
        assert!(!PythonAbi::Abi3t.admitted_by(Some(&specs(">=3.11,<3.15"))));
        assert!(!PythonAbi::Abi3.admitted_by(Some(&specs("<3.10"))));
    }

    #[test]
    fn tags() {
        let abi3 = AbiBuild {
            abi: PythonAbi::Abi3,
            interpreter: None,
        };
        assert_eq!(
            (abi3.python_tag((3, 12)), abi3.abi_tag()),
            ("cp312".into(), "abi3".into())
        );
        let abi3t = AbiBuild {
            abi: PythonAbi::Abi3t,
            interpreter: None,
        };
        assert_eq!(
            (abi3t.python_tag((3, 11)), abi3t.abi_tag()),
            ("cp315".into(), "abi3.abi3t".into())
        );
        let ft = AbiBuild {
            abi: PythonAbi::FreeThreaded(13),
            interpreter: None,
        };
        assert_eq!(
            (ft.python_tag((3, 11)), ft.abi_tag()),
            ("cp313".into(), "cp313t".into())
        );
    }
}
