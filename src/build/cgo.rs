//! `bindings = "cgo"`: a Go `main` package with hand-written `//export` functions, built with
//! `-buildmode=c-shared` the way the projects gowright grew from build theirs by hand.
//!
//! With `ctypes-library = "_checksig"` the c-shared library itself is the product: it is shipped
//! beside the project's Python module (`python-source`), which loads it from its own directory
//! with ctypes. A name without an extension gets the interpreter's `EXT_SUFFIX`
//! (`_checksig.cpython-311-x86_64-linux-gnu.so`), as setuptools names such a library, so the
//! wheel is for that CPython (`cp311-cp311`); a plain file name (`libexample.so`) is kept, and the
//! wheel is for any Python 3 of the platform (`py3-none`).

use std::path::PathBuf;

use super::plan::BuildPlan;
use super::wheel::KindOutput;
use crate::archive::wheel::WheelBuilder;
use crate::audit;
use crate::config::ProjectConfig;
use crate::error::UserError;
use crate::go::exports::{self, Exports};
use crate::go::{BuildRequest, GoPackage, GoToolchain, fresh_output};
use crate::printer::Printer;
use crate::pypackage::{GeneratedFile, Layout, add_module_with_files};
use crate::target::Target;
use crate::toolchain::CgoToolchain;
use crate::toolchain::python_abi::{self, Interpreter};

/// The `//export` functions of `package`, which must be a `main` package that has some.
pub fn exports_of(cfg: &ProjectConfig, package: &GoPackage) -> anyhow::Result<Exports> {
    if package.name != "main" {
        return Err(UserError::new(format!(
            "bindings = \"cgo\" builds a `main` package with `//export` functions, but `tool.gowright.go-package` = \"{}\" is package `{}`",
            cfg.tool.go_package, package.name
        ))
        .hint("use bindings = \"lib\" for an ordinary Go package: gowright writes the exports itself")
        .into());
    }
    let found = exports::scan(&package.dir)
        .map_err(|e| UserError::new(format!("cannot read `{}`: {e}", package.dir.display())))?;
    if found.names.is_empty() {
        return Err(UserError::new(format!(
            "the Go package {} has no `//export` function, so its c-shared library would export nothing",
            package.import_path
        ))
        .hint("mark the functions Python calls with `//export Name` directly above them (and `import \"C\"`), or use bindings = \"bin\" for a command")
        .into());
    }
    Ok(found)
}

/// One c-shared library to ship: its file name in the wheel and the wheel's tags.
struct Library {
    file: String,
    python_tag: String,
    abi_tag: String,
}

/// Builds the wheel files of a cgo project for `target`: one per interpreter when the library
/// is named after the interpreter's `EXT_SUFFIX`, else one.
pub fn build(
    cfg: &ProjectConfig,
    go: &GoToolchain,
    plan: &BuildPlan,
    target: Target,
    package: &GoPackage,
    printer: Printer,
) -> anyhow::Result<Vec<KindOutput>> {
    let found = exports_of(cfg, package)?;
    let Some(name) = cfg.tool.ctypes_library.as_deref() else {
        return Err(UserError::new(format!(
            "bindings = \"cgo\" ({} exports {}) needs `tool.gowright.ctypes-library`: gowright does not generate a Python module for `//export` functions yet",
            package.import_path,
            found.names.join(", ")
        ))
        .hint("set `ctypes-library` to the file name your Python module loads with ctypes, e.g. \"_checksig\" or \"libexample.so\"")
        .into());
    };
    super::checks::check_version_variable(cfg, package)?;
    super::checks::check_go_sources_inside(cfg, package)?;
    let libraries = libraries(name, plan, target)?;
    let toolchain = CgoToolchain::for_build(target, go, plan.compatibility)?;
    if let Some(warning) = &toolchain.warning {
        printer.warn(warning);
    }
    let mut inputs = package.local_dirs.clone();
    inputs.push(package.dir.clone());
    if let Some(go_mod) = package.module.as_ref().and_then(|m| m.go_mod.clone()) {
        inputs.push(go_mod.with_file_name("go.sum"));
        inputs.push(go_mod);
    }
    let mut outputs = Vec::new();
    for library in libraries {
        let dir = plan.target_dir(target).join("cgo");
        fs_err::create_dir_all(&dir)?;
        let output = dir.join(&library.file);
        let ldflags = toolchain.ldflags(target, &plan.ldflags);
        let request = BuildRequest {
            root: &cfg.root,
            package: &plan.go_package,
            target,
            cgo: true,
            tags: &plan.tags,
            ldflags: &ldflags,
            output: &output,
            buildmode: Some("c-shared"),
            extra_env: toolchain.env.clone(),
        };
        printer.detail(format!(
            "{target}: go build -buildmode=c-shared -o {} ({} exported: {}), C compiler: {}",
            library.file,
            found.names.len(),
            found.names.join(", "),
            toolchain.description
        ));
        let key = fresh_output::key(go, &request, &inputs);
        let record = dir.join(format!("{}.json", library.file));
        if fresh_output::is_fresh(&record, &key, &output) {
            printer.detail(format!("{target}: {} is up to date", library.file));
        } else {
            fresh_output::forget(&record);
            go.build(&request).map_err(|e| {
                let text = e.to_string();
                let hint = crate::go::diagnose::hint_for(&text, &go.version)
                    .unwrap_or_else(|| "fix the Go error above".to_string());
                UserError::new(format!(
                    "the Go build of the c-shared library for {target} failed:\n{text}"
                ))
                .hint(hint)
            })?;
            fresh_output::remember(&record, &key, &output);
        }
        let info = audit::inspect(&output, target, plan.compatibility)?;
        printer.detail(format!("{target}: {}", info.description));
        let mut wheel = WheelBuilder::new();
        add_module_with_files(
            &mut wheel,
            &Layout::of(cfg, plan.editable),
            &plan.module_name,
            vec![GeneratedFile::new(&library.file, fs_err::read(&output)?).executable()],
            &cfg.metadata.dist_info_stem(),
        )?;
        outputs.push(KindOutput {
            files: wheel,
            python_tag: library.python_tag,
            abi_tag: library.abi_tag,
            platform_tags: info.platform_tags,
        });
    }
    Ok(outputs)
}

/// The libraries to build for `target` under the configured `name`.
fn libraries(name: &str, plan: &BuildPlan, target: Target) -> anyhow::Result<Vec<Library>> {
    if name.contains('.') {
        return Ok(vec![Library {
            file: name.to_string(),
            python_tag: "py3".into(),
            abi_tag: "none".into(),
        }]);
    }
    // Named after EXT_SUFFIX: one library per interpreter (the ones named, else `python3`).
    let cache = plan.build_dir.join("interpreters");
    let paths: Vec<PathBuf> = if plan.interpreters.is_empty() {
        let python = crate::process::find_on_path("python3").ok_or_else(|| {
            UserError::new(format!(
                "`tool.gowright.ctypes-library` = \"{name}\" is named with the interpreter's EXT_SUFFIX, but no python3 is on PATH to take it from"
            ))
            .hint("name the interpreter with --interpreter, or give the library a plain file name (\"libexample.so\") for any Python")
        })?;
        vec![python]
    } else {
        plan.interpreters.clone()
    };
    let mut libraries = Vec::new();
    for path in paths {
        let interpreter = Interpreter::probe(&path, &cache)?;
        if interpreter.implementation != "cpython" || interpreter.major != 3 {
            return Err(UserError::new(format!(
                "`{}` is {} {}.{}; a library named with EXT_SUFFIX is tagged for CPython 3",
                path.display(),
                interpreter.implementation,
                interpreter.major,
                interpreter.minor
            ))
            .hint("name a CPython interpreter with --interpreter")
            .into());
        }
        let suffix = if target == plan.host {
            interpreter.ext_suffix.clone()
        } else {
            python_abi::ext_suffix(interpreter.minor, interpreter.free_threaded, target)
                .ok_or_else(|| {
                    UserError::new(format!(
                        "CPython does not name extension modules for {target}"
                    ))
                    .hint("leave this target out")
                })?
        };
        let version = format!("cp3{}", interpreter.minor);
        let abi = format!(
            "{version}{}",
            if interpreter.free_threaded { "t" } else { "" }
        );
        libraries.push(Library {
            file: format!("{name}{suffix}"),
            python_tag: version,
            abi_tag: abi,
        });
    }
    Ok(libraries)
}
