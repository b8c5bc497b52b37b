//! One CPython extension module per ABI (`abi3`, `abi3t`, `cp313t`...) from the same Go package
//! and glue: which ABIs a target gets, and the c-shared build of each (for `lib` and the
//! generated module of `cgo`).

use std::path::Path;

use super::plan::BuildPlan;
use super::wheel::KindOutput;
use crate::archive::wheel::WheelBuilder;
use crate::audit;
use crate::config::ProjectConfig;
use crate::error::UserError;
use crate::go::GoToolchain;
use crate::printer::Printer;
use crate::pypackage::{GeneratedFile, Layout, add_package};
use crate::target::{Os, Target};
use crate::toolchain::CgoToolchain;
use crate::toolchain::python_abi::{AbiBuild, MIN_ABI3, PythonAbi, requires_python_floor};

/// The oldest CPython the abi3 wheels are tagged for (`requires-python`'s floor, at least
/// 3.11), warning when `requires-python` admits older versions.
pub fn abi3_floor(cfg: &ProjectConfig, abis: &[&AbiBuild], printer: Printer) -> (u32, u32) {
    let requires = requires_python_floor(cfg.metadata.requires_python.as_ref());
    if abis.iter().any(|b| b.abi == PythonAbi::Abi3) && requires.is_none_or(|f| f < MIN_ABI3) {
        printer.warn(format!(
            "the extension module needs CPython {}.{} or newer (abi3); `project.requires-python` admits older versions, which will not find a wheel",
            MIN_ABI3.0, MIN_ABI3.1
        ));
    }
    requires.unwrap_or(MIN_ABI3).max(MIN_ABI3)
}

/// The Python files of a generated package, the same for every ABI.
pub struct PackageFiles {
    pub init: String,
    pub stub: String,
    /// `_types.py`, when the package has classes.
    pub types: Option<String>,
    /// The sub-packages of an extension module of several Go packages, by name: each with its
    /// `__init__.py`, the stub of its module (`_<name>.pyi`) and its `_types.py`.
    pub subpackages: Vec<(String, PackageFiles)>,
}

/// The wheel files of each ABI's module (as [`Extension::build`] returned them): the package
/// `module` with the module, its stub, `py.typed` and `_types.py`.
#[allow(clippy::too_many_arguments)]
pub fn package_wheels(
    cfg: &ProjectConfig,
    plan: &BuildPlan,
    abis: &[&AbiBuild],
    built: Vec<anyhow::Result<(String, audit::BinaryInfo, Vec<u8>)>>,
    module: &str,
    ext_name: &str,
    files: &PackageFiles,
    floor: (u32, u32),
) -> anyhow::Result<Vec<KindOutput>> {
    abis.iter()
        .zip(built)
        .map(|(abi, built)| {
            let (ext_file, info, bytes) = built?;
            let mut wheel = WheelBuilder::new();
            let mut generated = vec![
                GeneratedFile::new(ext_file, bytes).executable(),
                GeneratedFile::new(format!("{ext_name}.pyi"), files.stub.clone()),
                GeneratedFile::new("py.typed", Vec::new()).only_if_missing(),
            ];
            if let Some(types) = &files.types {
                generated.push(GeneratedFile::new("_types.py", types.clone()));
            }
            for (sub, sub_files) in &files.subpackages {
                generated.push(GeneratedFile::new(
                    format!("{sub}/__init__.py"),
                    sub_files.init.clone(),
                ));
                generated.push(GeneratedFile::new(
                    format!("{sub}/_{sub}.pyi"),
                    sub_files.stub.clone(),
                ));
                if let Some(types) = &sub_files.types {
                    generated.push(GeneratedFile::new(
                        format!("{sub}/_types.py"),
                        types.clone(),
                    ));
                }
            }
            add_package(
                &mut wheel,
                &Layout::of(cfg, plan.editable),
                module,
                files.init.clone(),
                generated,
                &cfg.metadata.dist_info_stem(),
            )?;
            Ok(KindOutput {
                files: wheel,
                python_tag: abi.python_tag(floor),
                abi_tag: abi.abi_tag(),
                platform_tags: info.platform_tags,
            })
        })
        .collect()
}

/// The ABIs this build makes extension modules for on `target`. A free-threaded ABI takes its
/// headers from an interpreter of this machine, so it is built for this machine's platform only.
pub fn abis_for<'p>(
    cfg: &ProjectConfig,
    plan: &'p BuildPlan,
    target: Target,
    printer: Printer,
) -> anyhow::Result<Vec<&'p AbiBuild>> {
    let resolved = plan.python_abis(cfg, printer)?;
    let (here, elsewhere): (Vec<&AbiBuild>, Vec<&AbiBuild>) = resolved
        .builds
        .iter()
        .partition(|b| b.interpreter.is_none() || target == plan.host);
    if !elsewhere.is_empty() {
        let names: Vec<String> = elsewhere.iter().map(|b| b.abi.to_string()).collect();
        let message = format!(
            "{} for {target}: free-threaded extension modules are built for this machine's platform ({}) only, with the headers of its interpreter",
            names.join(", "),
            plan.host
        );
        if here.is_empty() {
            return Err(UserError::new(format!("no wheel can be built: {message}"))
                .hint("build free-threaded wheels on a machine of each platform (or in CI), or add \"abi3\" to `tool.gowright.python-abis`")
                .into());
        }
        printer.status("Skipping", message);
    }
    if target.os != Os::Windows {
        return Ok(here);
    }
    // A free-threaded CPython on Windows links its modules with python3Xt.dll (or python3t.dll),
    // for which gowright makes no import library yet.
    let (here, unsupported): (Vec<&AbiBuild>, Vec<&AbiBuild>) =
        here.into_iter().partition(|b| b.abi == PythonAbi::Abi3);
    if !unsupported.is_empty() {
        let names: Vec<String> = unsupported.iter().map(|b| b.abi.to_string()).collect();
        let configured = cfg.tool.python_abis.is_some() || !plan.interpreters.is_empty();
        let message = format!(
            "{} for {target}: free-threaded extension modules for Windows are not supported yet",
            names.join(", ")
        );
        if here.is_empty() || configured {
            return Err(UserError::new(message)
                .hint("build the abi3 wheel for Windows: add \"abi3\" to `tool.gowright.python-abis`, or leave Windows out of the targets of this build")
                .into());
        }
        printer.status("Skipping", message);
    }
    Ok(here)
}

/// Everything one target's extension modules share: the generated code and how to build it.
pub struct Extension<'a> {
    pub cfg: &'a ProjectConfig,
    pub go: &'a GoToolchain,
    pub plan: &'a BuildPlan,
    pub target: Target,
    pub toolchain: &'a CgoToolchain,
    /// The Go package built (`./target/_gowright/hello`, or the project's own with `overlay`).
    pub go_package: String,
    /// `go build -overlay`: generated files added to (or replacing files of) the package.
    pub overlay: Option<&'a Path>,
    /// A directory the C compiler searches for `gowright_abi3.h` besides the package's own.
    pub include_dir: Option<&'a Path>,
    /// How many functions the module has (for `-v`).
    pub functions: usize,
    pub ext_name: &'a str,
    /// What the build reads: an unchanged set skips the link.
    pub inputs: &'a [std::path::PathBuf],
    /// The hint for a Go error the diagnosis has none for.
    pub fallback_hint: &'a str,
    pub printer: Printer,
}

impl Extension<'_> {
    /// Builds the extension module for one ABI: its file name in the package, what the audit
    /// found, and its bytes.
    pub fn build(&self, abi: &AbiBuild) -> anyhow::Result<(String, audit::BinaryInfo, Vec<u8>)> {
        let (cfg, go, plan, target, ext_name) =
            (self.cfg, self.go, self.plan, self.target, self.ext_name);
        // A function the glue calls undeclared would be assumed to return int, which truncates
        // a pointer: gcc only warns about it, so make it an error.
        let mut cflags = "-O2 -Werror=implicit-function-declaration".to_string();
        let (ext_file, out_dir) = match &abi.interpreter {
            // CPython finds an abi3 module as `name.abi3.so`, on Windows as `name.pyd`.
            None if abi.abi == PythonAbi::Abi3 => (
                match target.os {
                    Os::Windows => format!("{ext_name}.pyd"),
                    _ => format!("{ext_name}.abi3.so"),
                },
                plan.target_dir(target),
            ),
            // abi3t: the same declarations with an opaque PyObject; CPython >= 3.15 finds the
            // module as `name.abi3t.so`, free-threaded or not.
            None => {
                cflags.push_str(" -DGW_ABI3T");
                (
                    format!("{ext_name}.abi3t.so"),
                    plan.target_dir(target).join("abi3t"),
                )
            }
            // The full API of that version, from its interpreter's headers; the file is named
            // as that interpreter names extension modules (`.cpython-313t-x86_64-linux-gnu.so`).
            Some(interpreter) => {
                cflags.push_str(&format!(
                    " -DGOWRIGHT_FULL_API -I{}",
                    interpreter.include.display()
                ));
                (
                    format!("{ext_name}{}", interpreter.ext_suffix),
                    plan.target_dir(target).join(abi.abi.to_string()),
                )
            }
        };
        fs_err::create_dir_all(&out_dir)?;
        let output = out_dir.join(&ext_file);
        if let Some(dir) = self.include_dir {
            cflags.push_str(&format!(" -I{}", dir.display()));
        }
        if let Ok(user) = std::env::var("CGO_CFLAGS") {
            cflags = format!("{user} {cflags}");
        }
        let mut extra_env = vec![("CGO_CFLAGS".to_string(), cflags)];
        extra_env.extend(self.toolchain.extension_env(
            target,
            &plan.import_lib_dir(target),
            crate::toolchain::windows_python::PythonDll::StableAbi,
        )?);
        self.printer.detail(format!(
            "{target}: go build -buildmode=c-shared ({} functions, {}), C compiler: {}",
            self.functions, abi.abi, self.toolchain.description
        ));
        let unit = super::relink::CSharedBuild {
            cfg,
            go,
            plan,
            target,
            toolchain: self.toolchain,
            printer: self.printer,
        };
        unit.build(
            &self.go_package,
            &output,
            extra_env,
            self.overlay,
            self.inputs,
            &format!("the {} extension module", abi.abi),
            self.fallback_hint,
        )?;
        let info = audit::inspect(&output, target, plan.compatibility)?;
        self.printer
            .detail(format!("{target}: {} ({})", info.description, abi.abi));
        Ok((ext_file, info, fs_err::read(&output)?))
    }
}
