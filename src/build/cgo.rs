//! `bindings = "cgo"`: a Go `main` package with hand-written `//export` functions, built with
//! `-buildmode=c-shared` the way the projects gowright grew from build theirs by hand.
//!
//! With `ctypes-library = "_checksig"` the c-shared library itself is the product: it is shipped
//! beside the project's Python module (`python-source`), which loads it from its own directory
//! with ctypes. A name without an extension gets the interpreter's `EXT_SUFFIX`
//! (`_checksig.cpython-311-x86_64-linux-gnu.so`), as setuptools names such a library, so the
//! wheel is for that CPython (`cp311-cp311`); a plain file name (`libexample.so`) is kept, and the
//! wheel is for any Python 3 of the platform (`py3-none`).
//!
//! With `cffi-module = "_example"` the library is a cffi out-of-line API module instead (`from
//! _example import ffi, lib`), made as cffi's `set_source`/`cdef` would: a first build writes
//! cgo's header, whose prototypes become the cdef; cffi (at build time, in the build's Python)
//! emits the module's C source, which `go build -overlay` adds to the package, so that the Go
//! code and the module are one shared object — no second library, no rpath.

use std::path::PathBuf;

use super::plan::BuildPlan;
use super::relink::CSharedBuild;
use super::wheel::KindOutput;
use crate::archive::wheel::WheelBuilder;
use crate::audit;
use crate::config::ProjectConfig;
use crate::error::UserError;
use crate::go::exports::{self, Exports};
use crate::go::{GoPackage, GoToolchain};
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
    if let Some(module) = cfg.tool.cffi_module.as_deref() {
        return build_cffi(cfg, go, plan, target, package, module, printer);
    }
    let Some(name) = cfg.tool.ctypes_library.as_deref() else {
        return build_module(cfg, go, plan, target, package, printer);
    };
    super::checks::check_version_variable(cfg, package)?;
    super::checks::check_go_sources_inside(cfg, package)?;
    let libraries = libraries(name, plan, target)?;
    let toolchain = CgoToolchain::for_build(target, go, plan.compatibility)?;
    if let Some(warning) = &toolchain.warning {
        printer.warn(warning);
    }
    let inputs = build_inputs(package);
    let unit = CSharedBuild {
        cfg,
        go,
        plan,
        target,
        toolchain: &toolchain,
        printer,
    };
    let mut outputs = Vec::new();
    for library in libraries {
        let dir = plan.target_dir(target).join("cgo");
        fs_err::create_dir_all(&dir)?;
        let output = dir.join(&library.file);
        printer.detail(format!(
            "{target}: go build -buildmode=c-shared -o {} ({} exported: {}), C compiler: {}",
            library.file,
            found.names.len(),
            found.names.join(", "),
            toolchain.description
        ));
        unit.build(
            &plan.go_package,
            &output,
            Vec::new(),
            None,
            &inputs,
            &format!("the c-shared library {}", library.file),
            "fix the Go error above",
        )?;
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

/// What every build of the package reads: an unchanged set skips the link.
pub fn build_inputs(package: &GoPackage) -> Vec<PathBuf> {
    let mut inputs = package.local_dirs.clone();
    inputs.push(package.dir.clone());
    if let Some(go_mod) = package.module.as_ref().and_then(|m| m.go_mod.clone()) {
        inputs.push(go_mod.with_file_name("go.sum"));
        inputs.push(go_mod);
    }
    inputs
}

/// Builds the generated extension module of the package's `//export` functions (see
/// `bind::gen_cgo`), one per CPython ABI as for `lib`.
fn build_module(
    cfg: &ProjectConfig,
    go: &GoToolchain,
    plan: &BuildPlan,
    target: Target,
    package: &GoPackage,
    printer: Printer,
) -> anyhow::Result<Vec<KindOutput>> {
    use crate::bind::{apidump, cgo_api, gen_cgo};
    super::checks::check_version_variable(cfg, package)?;
    super::checks::check_go_sources_inside(cfg, package)?;
    let toolchain = CgoToolchain::for_build(target, go, plan.compatibility)?;
    if let Some(warning) = &toolchain.warning {
        printer.warn(warning);
    }
    let abis = super::extension::abis_for(cfg, plan, target, printer)?;
    let floor = super::extension::abi3_floor(cfg, &abis, printer);
    let mut inputs = build_inputs(package);
    let dump = apidump::exports_cached(
        go,
        &plan.build_dir.join("tools"),
        &package.dir,
        &plan.tags,
        target,
        &inputs,
        &plan.target_dir(target).join("exports.json"),
    )?;
    let mut binding = cgo_api::plan(&dump, &cfg.tool.cgo).map_err(|e| {
        let mut e = e;
        e.message = format!(
            "{}: {}",
            cfg.root.join("pyproject.toml").display(),
            e.message
        );
        e
    })?;
    binding.import_path = package.import_path.clone();
    if cfg.tool.strict && !binding.skipped.is_empty() {
        return Err(UserError::new(format!(
            "{} exported function(s) of {} cannot be bound:\n  {}",
            binding.skipped.len(),
            package.import_path,
            binding.skipped.join("\n  ")
        ))
        .hint("change their signatures, configure them in [tool.gowright.cgo.functions.<name>], or set `tool.gowright.strict = false` to build without them")
        .into());
    }
    for skipped in &binding.skipped {
        printer.warn(format!("not bound: {skipped}"));
    }
    if binding.functions.is_empty() {
        return Err(UserError::new(format!(
            "no exported function of {} can be called from Python",
            package.import_path
        ))
        .hint("export functions of C numbers, *C.char, Go numbers, bool, string, []byte, slices of numbers or preamble structs of numbers; or set `ctypes-library`/`cffi-module` to load the library yourself")
        .into());
    }

    // The generated files, per target (build constraints may give targets different exports).
    let module = &plan.module_name;
    let ext_name = format!("_{}", module.rsplit('.').next().unwrap_or(module));
    let gen_dir = plan.target_dir(target).join("module");
    let wrapped_dir = gen_dir.join("wrapped");
    fs_err::create_dir_all(&wrapped_dir)?;
    let mut replace = serde_json::Map::new();
    for file in &dump.files {
        if !binding.functions.iter().any(|f| f.file == file.name) {
            continue;
        }
        let original = package.dir.join(&file.name);
        let source = fs_err::read_to_string(&original)?;
        let wrapped = wrapped_dir.join(&file.name);
        crate::go::synthetic_module::write_if_changed(
            &wrapped,
            &gen_cgo::wrap_file(&binding, &file.name, &source),
        )?;
        replace.insert(
            original.to_string_lossy().into_owned(),
            wrapped.to_string_lossy().into_owned().into(),
        );
    }
    let recover = gen_dir.join("zz_gowright_cgo.go");
    crate::go::synthetic_module::write_if_changed(&recover, gen_cgo::RECOVER_GO)?;
    let glue = gen_dir.join("glue.c");
    crate::go::synthetic_module::write_if_changed(
        &glue,
        &gen_cgo::render_glue(&binding, module, &ext_name),
    )?;
    crate::toolchain::stable_abi::write_header(&gen_dir)?;
    for (added, generated) in [
        ("zz_gowright_cgo.go", &recover),
        ("zz_gowright_glue.c", &glue),
    ] {
        replace.insert(
            package.dir.join(added).to_string_lossy().into_owned(),
            generated.to_string_lossy().into_owned().into(),
        );
    }
    let overlay = gen_dir.join("overlay.json");
    crate::go::synthetic_module::write_if_changed(
        &overlay,
        &serde_json::to_string_pretty(&serde_json::json!({ "Replace": replace }))?,
    )?;
    inputs.push(gen_dir.clone());
    printer.detail(format!(
        "{target}: the module {module}.{ext_name} of {} exported functions: {}",
        binding.functions.len(),
        binding
            .functions
            .iter()
            .map(|f| f.c_name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    ));
    let unit = super::extension::Extension {
        cfg,
        go,
        plan,
        target,
        toolchain: &toolchain,
        go_package: plan.go_package.clone(),
        overlay: Some(&overlay),
        include_dir: Some(&gen_dir),
        functions: binding.functions.len(),
        ext_name: &ext_name,
        inputs: &inputs,
        fallback_hint: "fix the Go error above; if it is in a gwcgo_ wrapper or glue.c, please report it",
        printer,
    };
    let built = super::in_parallel(&abis, |abi| unit.build(abi));
    let files = super::extension::PackageFiles {
        init: gen_cgo::render_init(&binding, &ext_name),
        stub: gen_cgo::render_stub(&binding),
        types: (!binding.structs.is_empty()).then(|| gen_cgo::render_types(&binding)),
        subpackages: Vec::new(),
    };
    super::extension::package_wheels(cfg, plan, &abis, built, module, &ext_name, &files, floor)
}

/// Builds the c-shared library with cffi's module for `module` linked in (see the module doc).
fn build_cffi(
    cfg: &ProjectConfig,
    go: &GoToolchain,
    plan: &BuildPlan,
    target: Target,
    package: &GoPackage,
    module: &str,
    printer: Printer,
) -> anyhow::Result<Vec<KindOutput>> {
    use crate::target::Os;
    let declared = cfg.metadata.requires_dist.iter().any(|r| {
        let name: String = r
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            .collect();
        name.eq_ignore_ascii_case("cffi")
    });
    if !declared {
        return Err(UserError::new(format!(
            "`tool.gowright.cffi-module` = \"{module}\" imports cffi's `_cffi_backend` at run time, but `project.dependencies` does not list cffi"
        ))
        .hint("add \"cffi\" to `project.dependencies` (gowright does not add dependencies pyproject.toml does not declare)")
        .into());
    }
    super::checks::check_version_variable(cfg, package)?;
    super::checks::check_go_sources_inside(cfg, package)?;
    let interpreter = plan.build_python(
        "`tool.gowright.cffi-module` needs a Python with cffi to generate the module",
        "name one with --interpreter, or put python3 (with `pip install cffi`) on PATH",
    )?;
    let python = interpreter.path.clone();
    let toolchain = CgoToolchain::for_build(target, go, plan.compatibility)?;
    if let Some(warning) = &toolchain.warning {
        printer.warn(warning);
    }
    let dir = plan.target_dir(target).join("cffi");
    fs_err::create_dir_all(&dir)?;
    let unit = CSharedBuild {
        cfg,
        go,
        plan,
        target,
        toolchain: &toolchain,
        printer,
    };
    let go_build = |output: &std::path::Path,
                    overlay: Option<&std::path::Path>,
                    extra: Vec<(String, String)>,
                    inputs: &[PathBuf],
                    what: &str| {
        unit.build(
            &plan.go_package,
            output,
            extra,
            overlay,
            inputs,
            what,
            "fix the Go error above",
        )
    };
    let inputs = build_inputs(package);
    // 1. The header cgo writes for the exports.
    let first = dir.join("exports.so");
    go_build(
        &first,
        None,
        Vec::new(),
        &inputs,
        "the library (for its header)",
    )?;
    let header = fs_err::read_to_string(first.with_extension("h"))?;
    let parsed = crate::bind::cgo_header::parse(&header)?;
    // 2. cffi's C source of the module, from those prototypes.
    let cdef = dir.join("cdef.h");
    let source = dir.join(format!("{module}.c"));
    if std::fs::read_to_string(&cdef).ok().as_deref() != Some(parsed.cdef.as_str())
        || !source.is_file()
    {
        fs_err::write(&cdef, &parsed.cdef)?;
        let mut cmd = crate::process::ProcessBuilder::new(&python);
        cmd.args(["-I", "-c", EMIT_CFFI, module])
            .arg(&cdef)
            .arg(&source)
            .timeout(std::time::Duration::from_secs(120));
        cmd.output().map_err(|e| {
            UserError::new(format!(
                "cffi could not make the module `{module}` from the exported prototypes:\n{e}"
            ))
            .hint(format!(
                "install cffi for `{}` (`pip install cffi`); the prototypes it was given are in `{}`",
                python.display(),
                cdef.display()
            ))
        })?;
    }
    // 3. The library with the module in it: cffi's source joins the package through an overlay.
    let overlay = dir.join("overlay.json");
    let added = package.dir.join(format!("zz_gowright_cffi_{module}.c"));
    let overlay_json = serde_json::json!({ "Replace": { added.to_string_lossy(): source } });
    fs_err::write(&overlay, serde_json::to_string_pretty(&overlay_json)?)?;
    let file = match target.os {
        Os::Windows => format!("{module}.pyd"),
        _ => format!("{module}.abi3.so"),
    };
    let output = dir.join(&file);
    let mut cflags = format!(
        "-O2 -I{}",
        plan.python_headers(target, &interpreter)?.display()
    );
    if let Ok(user) = std::env::var("CGO_CFLAGS") {
        cflags = format!("{user} {cflags}");
    }
    let mut extra = vec![("CGO_CFLAGS".to_string(), cflags)];
    extra.extend(toolchain.extension_env(
        target,
        &plan.import_lib_dir(target),
        crate::toolchain::windows_python::PythonDll::StableAbi,
    )?);
    let mut inputs = inputs;
    inputs.push(source.clone());
    printer.detail(format!(
        "{target}: go build -buildmode=c-shared -o {file} with the cffi module {module} ({} functions: {})",
        parsed.functions.len(),
        parsed.functions.join(", ")
    ));
    go_build(
        &output,
        Some(&overlay),
        extra,
        &inputs,
        &format!("the cffi module {module}"),
    )?;
    let info = audit::inspect(&output, target, plan.compatibility)?;
    printer.detail(format!("{target}: {}", info.description));
    let mut wheel = WheelBuilder::new();
    // The module is imported by its own name, from the top of the wheel.
    crate::pypackage::add_top_level_files(
        &mut wheel,
        &Layout::of(cfg, plan.editable),
        &plan.module_name,
        vec![GeneratedFile::new(file, fs_err::read(&output)?).executable()],
        &cfg.metadata.dist_info_stem(),
    )?;
    let floor = python_abi::requires_python_floor(cfg.metadata.requires_python.as_ref())
        .unwrap_or(CFFI_ABI3_FLOOR)
        .max(CFFI_ABI3_FLOOR);
    Ok(vec![KindOutput {
        files: wheel,
        python_tag: format!("cp{}{}", floor.0, floor.1),
        abi_tag: "abi3".into(),
        platform_tags: info.platform_tags,
    }])
}

/// The oldest CPython cffi 2 supports; its module source uses the limited API (abi3).
const CFFI_ABI3_FLOOR: (u32, u32) = (3, 9);

/// Writes cffi's C source of an out-of-line API module: `python -c EMIT_CFFI MODULE CDEF OUT`.
const EMIT_CFFI: &str = r#"
import sys
import cffi
module, cdef, out = sys.argv[1:4]
ffi = cffi.FFI()
with open(cdef) as f:
    ffi.cdef(f.read())
ffi.set_source(module, '#include "_cgo_export.h"')
ffi.emit_c_code(out)
"#;
