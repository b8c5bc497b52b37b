//! `bindings = "capi"`: a Go package that is a CPython extension module by itself — a `.c` file
//! beside the Go code includes `<Python.h>` and defines `PyInit_<name>` (the setuptools-golang
//! way). gowright supplies Python's include path (and `-undefined dynamic_lookup` on macOS; on
//! Windows headers configured for Windows and the import library of the Python DLL), builds it
//! with `-buildmode=c-shared` as `<name>` + the interpreter's `EXT_SUFFIX` for the target,
//! tagged for that interpreter — or as `<name>.abi3.so` (`<name>.pyd`), tagged `cp3X-abi3`,
//! when the C defines `Py_LIMITED_API` (the version it names is the floor).

use std::path::Path;

use super::plan::BuildPlan;
use super::wheel::KindOutput;
use crate::archive::wheel::WheelBuilder;
use crate::audit;
use crate::config::ProjectConfig;
use crate::error::UserError;
use crate::go::{GoPackage, GoToolchain};
use crate::printer::Printer;
use crate::pypackage::{GeneratedFile, Layout, add_top_level_files};
use crate::target::{Os, Target};
use crate::toolchain::CgoToolchain;
use crate::toolchain::python_abi;
use crate::toolchain::windows_python::PythonDll;

/// What the package's C files say about the module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapiModule {
    /// From `PyInit_<name>`.
    pub name: String,
    /// `Py_LIMITED_API` as (major, minor), if the C defines it.
    pub limited: Option<(u32, u32)>,
}

/// Reads the `.c` and `.go` files of the package in `dir`: the one `PyInit_<name>` and any
/// `Py_LIMITED_API` definition (`#define`, or `-DPy_LIMITED_API=` in a `#cgo CFLAGS` line).
pub fn scan(dir: &Path) -> std::io::Result<Option<CapiModule>> {
    let mut names = Vec::new();
    let mut limited = None;
    let mut files: Vec<_> = std::fs::read_dir(dir)?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "c" || e == "go"))
        .collect();
    files.sort();
    for file in files {
        let text = String::from_utf8_lossy(&std::fs::read(&file)?).into_owned();
        let is_c = file.extension().is_some_and(|e| e == "c");
        for line in text.lines() {
            if is_c
                && let Some(name) = pyinit_name(line)
                && !names.contains(&name)
            {
                names.push(name);
            }
            if let Some(version) = limited_api(line) {
                limited = Some(version);
            }
        }
    }
    Ok(names
        .into_iter()
        .next()
        .map(|name| CapiModule { name, limited }))
}

/// `name` of a line defining `PyInit_name(` (with `PyMODINIT_FUNC` before it).
fn pyinit_name(line: &str) -> Option<String> {
    let t = line.trim_start();
    let rest = t.strip_prefix("PyMODINIT_FUNC")?;
    let after = &rest[rest.find("PyInit_")? + "PyInit_".len()..];
    let name: String = after
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    (!name.is_empty()).then_some(name)
}

/// The version a `Py_LIMITED_API` definition names: `0x030B0000` → (3, 11); none or `3` → (3, 2).
fn limited_api(line: &str) -> Option<(u32, u32)> {
    let t = line.trim();
    let value = if let Some(rest) = t.strip_prefix("#define Py_LIMITED_API") {
        rest.trim()
    } else {
        let at = t.find("-DPy_LIMITED_API")?;
        if !t.starts_with("#cgo") {
            return None;
        }
        let rest = &t[at + "-DPy_LIMITED_API".len()..];
        rest.strip_prefix('=')
            .unwrap_or("")
            .split_whitespace()
            .next()
            .unwrap_or("")
    };
    let value = value.split_whitespace().next().unwrap_or("");
    let hex = value.trim_start_matches("0x").trim_start_matches("0X");
    match u32::from_str_radix(hex, 16) {
        Ok(v) if v > 0x0300_0000 => Some((v >> 24, (v >> 16) & 0xff)),
        _ => Some((3, 2)),
    }
}

/// Builds the extension module of a `capi` package for `target`.
pub fn build(
    cfg: &ProjectConfig,
    go: &GoToolchain,
    plan: &BuildPlan,
    target: Target,
    package: &GoPackage,
    printer: Printer,
) -> anyhow::Result<Vec<KindOutput>> {
    let module = scan(&package.dir)
        .map_err(|e| UserError::new(format!("cannot read `{}`: {e}", package.dir.display())))?
        .ok_or_else(|| {
            UserError::new(format!(
                "bindings = \"capi\" builds a package whose C defines `PyMODINIT_FUNC PyInit_<name>(void)`, and {} has none",
                package.import_path
            ))
            .hint("define the module's PyInit function in a .c file beside the Go code, or use bindings = \"lib\" to have gowright write the glue")
        })?;
    super::checks::check_version_variable(cfg, package)?;
    super::checks::check_go_sources_inside(cfg, package)?;
    let interpreter = plan.build_python(
        "bindings = \"capi\" needs Python's headers",
        "name the interpreter with --interpreter",
    )?;
    let (file, python_tag, abi_tag, dll) = match module.limited {
        Some((major, minor)) => (
            match target.os {
                Os::Windows => format!("{}.pyd", module.name),
                _ => format!("{}.abi3.so", module.name),
            },
            format!("cp{major}{minor}"),
            "abi3".to_string(),
            PythonDll::StableAbi,
        ),
        None => {
            let suffix = if target == plan.host {
                interpreter.ext_suffix.clone()
            } else {
                python_abi::ext_suffix(interpreter.minor, interpreter.free_threaded, target)
                    .unwrap_or_default()
            };
            let version = format!("cp3{}", interpreter.minor);
            let abi = format!(
                "{version}{}",
                if interpreter.free_threaded { "t" } else { "" }
            );
            let dll = PythonDll::Version {
                minor: interpreter.minor,
                free_threaded: interpreter.free_threaded,
            };
            (format!("{}{suffix}", module.name), version, abi, dll)
        }
    };
    let toolchain = CgoToolchain::for_build(target, go, plan.compatibility)?;
    if let Some(warning) = &toolchain.warning {
        printer.warn(warning);
    }
    let dir = plan.target_dir(target).join("capi");
    fs_err::create_dir_all(&dir)?;
    let output = dir.join(&file);
    let mut cflags = format!(
        "-O2 -I{}",
        plan.python_headers(target, &interpreter)?.display()
    );
    if let Ok(user) = std::env::var("CGO_CFLAGS") {
        cflags = format!("{user} {cflags}");
    }
    let mut extra_env = vec![("CGO_CFLAGS".to_string(), cflags)];
    extra_env.extend(toolchain.extension_env(target, &plan.import_lib_dir(target), dll)?);
    printer.detail(format!(
        "{target}: go build -buildmode=c-shared -o {file} (PyInit_{}, {}), C compiler: {}",
        module.name,
        match module.limited {
            Some((a, b)) => format!("limited API {a}.{b}"),
            None => format!("the full API of {}", interpreter.path.display()),
        },
        toolchain.description
    ));
    let inputs = super::cgo::build_inputs(package);
    let unit = super::relink::CSharedBuild {
        cfg,
        go,
        plan,
        target,
        toolchain: &toolchain,
        printer,
    };
    unit.build(
        &plan.go_package,
        &output,
        extra_env,
        None,
        &inputs,
        &format!("the extension module {file}"),
        "fix the error above in your Go or C code",
    )?;
    let info = audit::inspect_module(
        &output,
        target,
        plan.compatibility,
        &format!("{}.dll", dll.stem()),
    )?;
    printer.detail(format!("{target}: {}", info.description));
    let mut wheel = WheelBuilder::new();
    add_top_level_files(
        &mut wheel,
        &Layout::of(cfg, plan.editable),
        &plan.module_name,
        vec![GeneratedFile::new(file, fs_err::read(&output)?).executable()],
        &cfg.metadata.dist_info_stem(),
    )?;
    Ok(vec![KindOutput {
        files: wheel,
        python_tag,
        abi_tag,
        platform_tags: info.platform_tags,
    }])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_pyinit_and_the_limited_api() {
        assert_eq!(
            pyinit_name("PyMODINIT_FUNC PyInit__sum(void) {"),
            Some("_sum".into())
        );
        assert_eq!(pyinit_name("static int PyInit_x;"), None);
        assert_eq!(
            limited_api("#define Py_LIMITED_API 0x030B0000"),
            Some((3, 11))
        );
        assert_eq!(limited_api("#define Py_LIMITED_API"), Some((3, 2)));
        assert_eq!(
            limited_api("#cgo CFLAGS: -DPy_LIMITED_API=0x030C0000"),
            Some((3, 12))
        );
        assert_eq!(limited_api("// Py_LIMITED_API is not used"), None);
    }
}
