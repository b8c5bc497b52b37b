//! What one `gowright build` will do, decided before anything runs: the targets, the paths and
//! the flags. Plain data, printed by `--dry-run`.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::archive::source_date_epoch;
use crate::config::ProjectConfig;
use crate::error::UserError;
use crate::printer::Printer;
use crate::target::{Compatibility, Target};
use crate::toolchain::python_abi::{self, ResolvedAbis};

/// How a build's wheels are made, beyond the targets.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Editable wheels (PEP 660): a mixed project's Python sources are used in place.
    pub editable: bool,
    /// Build extension modules for these interpreters (`--interpreter`, the interpreter of a
    /// PEP 517 frontend, the virtual environment of `develop`) instead of the configured ABIs.
    pub interpreters: Vec<PathBuf>,
}

/// Which targets to build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetSelection {
    /// The machine gowright runs on.
    Host,
    /// Targets named on the command line (`--target`).
    Explicit(Vec<String>),
    /// `--all-targets`: `tool.gowright.targets`, or the default set.
    All,
}

/// The decided work of one `gowright build`: plain data, printed by `--dry-run`.
#[derive(Debug, Clone)]
pub struct BuildPlan {
    pub targets: Vec<Target>,
    /// The Go package as the go command takes it: a directory relative to the project root
    /// (`./cmd/tool`) or an import path; the first of `go_packages`.
    pub go_package: String,
    /// Every Go package built (several for a `lib` of several packages).
    pub go_packages: Vec<String>,
    pub binary_name: String,
    pub module_name: String,
    pub ldflags: Vec<String>,
    pub tags: Vec<String>,
    /// Where executables are built, one subdirectory per target.
    pub build_dir: PathBuf,
    pub out_dir: PathBuf,
    pub epoch: u64,
    /// Build an editable wheel (PEP 660): a mixed project's Python sources are used in place.
    pub editable: bool,
    /// Which Linux systems wheels with C parts are for (`--compatibility`, else the
    /// configuration); `None`: the default, `manylinux_2_17` where zig builds them.
    pub compatibility: Option<Compatibility>,
    /// The machine gowright runs on.
    pub host: Target,
    /// See [`BuildOptions::interpreters`].
    pub interpreters: Vec<PathBuf>,
    /// The CPython ABIs of extension modules, decided when a binding kind first needs them.
    abis: OnceLock<Result<ResolvedAbis, UserError>>,
}

/// One wheel that was written.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BuiltWheel {
    pub path: PathBuf,
    pub target: String,
    pub platform_tags: Vec<String>,
}

impl BuildPlan {
    /// Decides everything that does not need the Go toolchain to run.
    pub fn new(
        cfg: &ProjectConfig,
        selection: &TargetSelection,
        host: Target,
        out_dir: &Path,
    ) -> Result<Self, UserError> {
        let targets = match selection {
            TargetSelection::Host => vec![host],
            TargetSelection::All => cfg.tool.targets.clone(),
            TargetSelection::Explicit(names) => {
                crate::config::tool::parse_targets(names, "--target")?
            }
        };
        if let Some(Compatibility::Manylinux(major, minor)) = cfg.tool.compatibility
            && crate::audit::manylinux::policy((major, minor)).is_none()
        {
            let known: Vec<&str> = crate::audit::manylinux::policies()
                .iter()
                .filter(|p| p.glibc().is_some_and(|g| g >= crate::target::DEFAULT_GLIBC))
                .map(|p| p.name.as_str())
                .collect();
            return Err(UserError::new(format!(
                "compatibility manylinux_{major}_{minor} is not a manylinux policy auditwheel knows"
            ))
            .hint(format!("use one of {}", known.join(", "))));
        }
        let mut ldflags = Vec::new();
        if cfg.tool.strip {
            ldflags.extend(["-s".to_string(), "-w".to_string()]);
        }
        if let Some(var) = &cfg.tool.version_variable {
            ldflags.push(format!("-X={var}={}", cfg.metadata.version));
        }
        // Items are in Go's own -ldflags syntax (quotes group words: "-X 'main.x=a b'").
        ldflags.extend(cfg.tool.ldflags.iter().cloned());
        let go_packages: Vec<String> = cfg.tool.go_packages.iter().map(|p| p.pattern()).collect();
        let go_package = go_packages[0].clone();
        Ok(Self {
            targets,
            go_package,
            go_packages,
            binary_name: cfg.binary_name(),
            module_name: cfg.module_name(),
            ldflags,
            tags: cfg.tool.tags.clone(),
            build_dir: cfg.build_dir().join("gowright"),
            out_dir: out_dir.to_path_buf(),
            epoch: source_date_epoch(),
            editable: false,
            compatibility: cfg.tool.compatibility,
            host,
            interpreters: Vec::new(),
            abis: OnceLock::new(),
        })
    }

    /// The Python a kind compiles against or runs at build time: the first interpreter named
    /// (`--interpreter`, the frontend's, the environment's), else `python3` on PATH. `needs`
    /// says what for, in the error when there is none.
    pub fn build_python(
        &self,
        needs: &str,
        hint: &str,
    ) -> Result<python_abi::Interpreter, UserError> {
        let path = match self.interpreters.first() {
            Some(path) => path.clone(),
            None => crate::process::find_on_path("python3").ok_or_else(|| {
                UserError::new(format!("{needs}, and no python3 is on PATH")).hint(hint)
            })?,
        };
        python_abi::Interpreter::probe(&path, &self.build_dir.join("interpreters"))
    }

    /// The CPython ABIs extension modules are built for (see [`python_abi::resolve`]),
    /// decided once per build; what the default left out is said then.
    pub fn python_abis(
        &self,
        cfg: &ProjectConfig,
        printer: Printer,
    ) -> Result<&ResolvedAbis, UserError> {
        self.abis
            .get_or_init(|| {
                let resolved = python_abi::resolve(
                    &self.interpreters,
                    cfg.tool.python_abis.as_deref(),
                    cfg.metadata.requires_python.as_ref(),
                    &self.build_dir.join("interpreters"),
                )?;
                if !resolved.skipped.is_empty() {
                    printer.status(
                        "Skipping",
                        format!(
                            "free-threaded wheels: {} (choose with `tool.gowright.python-abis` or --interpreter)",
                            resolved.skipped.join("; ")
                        ),
                    );
                }
                Ok(resolved)
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The build directory of one target.
    pub fn target_dir(&self, target: Target) -> PathBuf {
        self.build_dir
            .join(format!("{}-{}", target.goos(), target.goarch()))
    }

    /// Where the import library of `python3.dll` for a Windows `target` is made.
    pub fn import_lib_dir(&self, target: Target) -> PathBuf {
        self.build_dir
            .join("tools")
            .join(format!("python3-{}", target.goarch()))
    }

    /// The directory of `interpreter`'s C headers to compile a module for `target` with: its
    /// own, or for a Windows target a copy configured for Windows (see
    /// [`crate::toolchain::windows_python::headers`]).
    pub fn python_headers(
        &self,
        target: Target,
        interpreter: &crate::toolchain::python_abi::Interpreter,
    ) -> anyhow::Result<PathBuf> {
        if target.os != crate::target::Os::Windows {
            return Ok(interpreter.include.clone());
        }
        crate::toolchain::windows_python::headers(
            &interpreter.include,
            interpreter.free_threaded,
            &self.build_dir.join("tools"),
        )
    }

    /// The executable built for `target`.
    pub fn binary_path(&self, target: Target) -> PathBuf {
        self.target_dir(target)
            .join(format!("{}{}", self.binary_name, target.exe_suffix()))
    }
}

impl std::fmt::Display for BuildPlan {
    /// The plan as `--dry-run` prints it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "go package:   {}", self.go_packages.join(", "))?;
        writeln!(f, "command:      {}", self.binary_name)?;
        writeln!(f, "python:       {}", self.module_name)?;
        writeln!(f, "ldflags:      {}", self.ldflags.join(" "))?;
        writeln!(f, "tags:         {}", self.tags.join(","))?;
        writeln!(f, "output:       {}", self.out_dir.display())?;
        writeln!(f, "timestamp:    {}", self.epoch)?;
        if let Some(compat) = self.compatibility {
            writeln!(f, "linux:        {compat}")?;
        }
        for target in &self.targets {
            writeln!(
                f,
                "target:       {target} -> {}",
                self.binary_path(*target).display()
            )?;
        }
        Ok(())
    }
}
