//! `bindings = "lib"`: an ordinary Go package as one CPython extension module.
//!
//! `apidump` reads the package's exported API; gowright writes a Go `main` package with cgo
//! exports and the CPython glue into the build directory `target/_gowright/<module>/` (inside the
//! user's Go module, so it builds with their go.mod, while the leading `_` keeps it out of
//! `./...`), builds it with `-buildmode=c-shared` into `<package>/_<name>.abi3.so`, and writes the
//! Python package around it — one wheel per CPython ABI (`abi3`, and `cp313t` for
//! free-threaded CPython: see [`crate::toolchain::python_abi`]), from the same generated code.

use super::extension::{Extension, PackageFiles, abi3_floor, abis_for, package_wheels};
use super::plan::BuildPlan;
use super::wheel::KindOutput;
use crate::bind::{api, apidump, gen_c, gen_go, gen_py};
use crate::config::ProjectConfig;
use crate::error::UserError;
use crate::go::synthetic_module::write_if_changed;
use crate::go::{GoPackage, GoToolchain};
use crate::printer::Printer;
use crate::target::Target;
use crate::toolchain::CgoToolchain;

/// Builds the wheel files of a Go library for `target`, one set per CPython ABI.
pub fn build(
    cfg: &ProjectConfig,
    go: &GoToolchain,
    plan: &BuildPlan,
    target: Target,
    package: &GoPackage,
    printer: Printer,
) -> anyhow::Result<Vec<KindOutput>> {
    if package.name == "main" {
        return Err(UserError::new(format!(
            "`tool.gowright.go-package` = \"{}\" is a `main` package, which bindings = \"lib\" cannot bind",
            cfg.tool.go_package
        ))
        .hint("use bindings = \"bin\" to ship the command, or point `go-package` at a library package")
        .into());
    }
    let toolchain = CgoToolchain::for_build(target, go, plan.compatibility)?;
    if let Some(warning) = &toolchain.warning {
        printer.warn(warning);
    }
    let module_dir = package.module.as_ref().and_then(|m| m.dir.clone());
    if !module_dir
        .as_deref()
        .is_some_and(|m| cfg.root.starts_with(m))
    {
        return Err(UserError::new(
            "bindings = \"lib\" needs pyproject.toml inside the Go module (go.mod in the project directory or above it)",
        )
        .hint("move pyproject.toml to the directory of go.mod")
        .into());
    }

    super::checks::check_version_variable(cfg, package)?;
    super::checks::check_go_sources_inside(cfg, package)?;
    let abis = abis_for(cfg, plan, target, printer)?;
    let floor = abi3_floor(cfg, &abis, printer);
    let mut inputs = super::cgo::build_inputs(package);
    let dump = apidump::dump_cached(
        go,
        &plan.build_dir.join("tools"),
        &package.dir,
        &plan.tags,
        target,
        &inputs,
        &plan.target_dir(target).join("apidump.json"),
    )?;
    let binding = api::plan(&dump);
    if cfg.tool.strict && !binding.skipped.is_empty() {
        return Err(UserError::new(format!(
            "{} exported declaration(s) of {} cannot be bound:\n  {}",
            binding.skipped.len(),
            package.import_path,
            binding.skipped.join("\n  ")
        ))
        .hint(
            "change or unexport them, or set `tool.gowright.strict = false` to build without them",
        )
        .into());
    }
    for skipped in &binding.skipped {
        printer.warn(format!("not bound: {skipped}"));
    }
    if binding.functions.is_empty() {
        return Err(UserError::new(format!(
            "the Go package {} exports no function gowright can bind",
            package.import_path
        ))
        .hint("export functions whose parameters and results are bool, integers, floats, string, []byte or error")
        .into());
    }
    let binding = api::Binding {
        import_path: package.import_path.clone(),
        ..binding
    };

    // The generated package.
    let module = &plan.module_name;
    let ext_name = format!("_{}", module.rsplit('.').next().unwrap_or(module));
    let gen_dir = cfg.build_dir().join("_gowright").join(module);
    fs_err::create_dir_all(&gen_dir)?;
    write_if_changed(&gen_dir.join("main.go"), &gen_go::render(&binding))?;
    write_if_changed(
        &gen_dir.join("glue.c"),
        &gen_c::render(&binding, module, &ext_name),
    )?;

    // The glue is compiled against gowright's own declarations of the stable ABI (no Python
    // headers needed), which are those of CPython 3.11, the floor of every abi3 wheel here.
    crate::toolchain::stable_abi::write_header(&gen_dir)?;
    inputs.push(gen_dir.clone());
    let unit = Extension {
        cfg,
        go,
        plan,
        target,
        toolchain: &toolchain,
        go_package: format!(
            "./{}",
            crate::metadata::slash_path(gen_dir.strip_prefix(&cfg.root)?)
        ),
        overlay: None,
        include_dir: None,
        functions: binding.functions.len(),
        ext_name: &ext_name,
        inputs: &inputs,
        fallback_hint: "if the error is in your package, fix it; if it is in target/_gowright, please report it",
        printer,
    };
    // The ABIs' modules are built side by side (each is its own cgo compile and link).
    let built = super::in_parallel(&abis, |abi| unit.build(abi));
    let files = PackageFiles {
        init: gen_py::render_init(&binding, &ext_name),
        stub: gen_py::render_stub(&binding),
        types: (!binding.structs.is_empty() || !binding.handles.is_empty() || binding.uses_time())
            .then(|| gen_py::render_types(&binding)),
    };
    package_wheels(cfg, plan, &abis, built, module, &ext_name, &files, floor)
}
