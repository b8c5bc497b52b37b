//! `bindings = "lib"`: an ordinary Go package as one CPython extension module.
//!
//! `apidump` reads the package's exported API; gowright writes a Go `main` package with cgo
//! exports and the CPython glue into the build directory `target/_gowright/<module>/` (inside the
//! user's Go module, so it builds with their go.mod, while the leading `_` keeps it out of
//! `./...`), builds it with `-buildmode=c-shared` into `<package>/_<name>.abi3.so`, and writes the
//! Python package around it — one wheel per CPython ABI (`abi3`, and `cp313t` for
//! free-threaded CPython: see [`crate::toolchain::python_abi`]), from the same generated code.
//!
//! Several packages (`go-package` a list; of the project, or of modules it requires, by import
//! path) become one c-shared library too, so one Go runtime: its root module `_<name>` holds
//! the exception classes, and each Go package is a sub-package `<name>.<package name>` whose
//! module, with its own function table, lives in the same file.

use super::extension::{Extension, PackageFiles, abi3_floor, abis_for, package_wheels};
use super::plan::BuildPlan;
use super::wheel::KindOutput;
use crate::bind::{api, apidump, gen_c, gen_go, gen_py};
use std::path::Path;

use crate::config::ProjectConfig;
use crate::config::go_package::GoPackageSpec;
use crate::error::UserError;
use crate::go::synthetic_module::write_if_changed;
use crate::go::{GoPackage, GoToolchain};
use crate::names::is_python_identifier;
use crate::printer::Printer;
use crate::target::Target;
use crate::toolchain::CgoToolchain;

/// Builds the wheel files of Go library packages for `target`, one set per CPython ABI: of one
/// package, the extension module `_<name>`; of several, one extension module holding all (one
/// Go runtime) with a sub-package per Go package (see `write_several`).
pub fn build(
    cfg: &ProjectConfig,
    go: &GoToolchain,
    plan: &BuildPlan,
    target: Target,
    packages: &[GoPackage],
    printer: Printer,
) -> anyhow::Result<Vec<KindOutput>> {
    for (spec, package) in cfg.tool.go_packages.iter().zip(packages) {
        if package.name == "main" {
            return Err(UserError::new(format!(
                "`tool.gowright.go-package` = \"{spec}\" is a `main` package, which bindings = \"lib\" cannot bind"
            ))
            .hint("use bindings = \"bin\" to ship the command, or point `go-package` at a library package")
            .into());
        }
    }
    let toolchain = CgoToolchain::for_build(target, go, plan.compatibility)?;
    if let Some(warning) = &toolchain.warning {
        printer.warn(warning);
    }
    if let Some(first) = packages.first() {
        super::checks::check_version_variable(cfg, first)?;
    }
    let mut inputs = Vec::new();
    let mut bindings = Vec::new();
    for (i, package) in packages.iter().enumerate() {
        let (binding, package_inputs) = bind(cfg, go, plan, target, package, i, printer)?;
        bindings.push(binding);
        inputs.extend(package_inputs);
    }
    inputs.sort();
    inputs.dedup();
    let abis = abis_for(cfg, plan, target, printer)?;
    let floor = abi3_floor(cfg, &abis, printer);
    let module = &plan.module_name;
    let ext_name = format!("_{}", module.rsplit('.').next().unwrap_or(module));
    let gen_dir = cfg.build_dir().join("_gowright").join(module);
    fs_err::create_dir_all(&gen_dir)?;
    let files = if let [binding] = bindings.as_slice() {
        write_one(&gen_dir, binding, module, &ext_name)?
    } else {
        write_several(&gen_dir, &mut bindings, module, &ext_name)?
    };
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
        functions: bindings.iter().map(|b| b.functions.len()).sum(),
        ext_name: &ext_name,
        inputs: &inputs,
        fallback_hint: "if the error is in your package, fix it; if it is in target/_gowright, please report it",
        printer,
    };
    // The ABIs' modules are built side by side (each is its own cgo compile and link).
    let built = super::in_parallel(&abis, |abi| unit.build(abi));
    package_wheels(cfg, plan, &abis, built, module, &ext_name, &files, floor)
}

/// Reads the API of `package` (the `index`th of `go-package`) and decides what is bound,
/// warning about (or, with `strict`, refusing) what cannot be; also returns what the build of
/// its shims reads.
fn bind(
    cfg: &ProjectConfig,
    go: &GoToolchain,
    plan: &BuildPlan,
    target: Target,
    package: &GoPackage,
    index: usize,
    printer: Printer,
) -> anyhow::Result<(api::Binding, Vec<std::path::PathBuf>)> {
    let spec = &cfg.tool.go_packages[index];
    // The project's own code (also when named by an import path of its module) is checked
    // as such: nothing from outside the project may come in through a symlink.
    let real_root = std::fs::canonicalize(&cfg.root).unwrap_or_else(|_| cfg.root.clone());
    let own = matches!(spec, GoPackageSpec::Dir(_))
        || package.dir.starts_with(&cfg.root)
        || package.dir.starts_with(&real_root);
    if own {
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
        super::checks::check_go_sources_inside(cfg, package)?;
    }
    let inputs = super::cgo::build_inputs(package);
    // A package of the project is read in its directory; one named by import path as the
    // project's module sees it (its own go.mod, in the module cache, is not the build's).
    let (dir, pattern) = if own {
        (package.dir.as_path(), ".")
    } else {
        (cfg.root.as_path(), package.import_path.as_str())
    };
    let cache = match index {
        0 => "apidump.json".to_string(),
        i => format!("apidump-{i}.json"),
    };
    let dump = apidump::dump_cached(
        go,
        &plan.build_dir.join("tools"),
        dir,
        pattern,
        &plan.tags,
        target,
        &inputs,
        &plan.target_dir(target).join(cache),
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
    // With several packages, or one of another module, a file name alone does not say where.
    let place = if cfg.tool.go_packages.len() > 1 || !own {
        format!("{}: ", package.import_path)
    } else {
        String::new()
    };
    for skipped in &binding.skipped {
        printer.warn(format!("not bound: {place}{skipped}"));
    }
    let (bound, exported) = binding.coverage(&dump);
    printer.detail(format!(
        "{target}: {}: bound {bound} of {exported} exported functions and methods (reachable ones)",
        package.import_path
    ));
    if binding.functions.is_empty() {
        return Err(UserError::new(format!(
            "the Go package {} exports no function gowright can bind",
            package.import_path
        ))
        .hint("export functions, methods or variables whose types are bool, integers, floats, string, []byte, [N]byte, error, time.Time, time.Duration, exported structs, pointers to exported structs, or slices, arrays and string-keyed maps of these, named or not (the warnings above say why each declaration was left out)")
        .into());
    }
    let binding = api::Binding {
        import_path: package.import_path.clone(),
        ..binding
    };
    Ok((binding, inputs))
}

/// Writes the generated Go and C of one package into `gen_dir` and returns its Python files.
fn write_one(
    gen_dir: &Path,
    binding: &api::Binding,
    module: &str,
    ext_name: &str,
) -> anyhow::Result<PackageFiles> {
    remove_stale(gen_dir, &["main.go", "glue.c"])?;
    write_if_changed(&gen_dir.join("main.go"), &gen_go::render(binding))?;
    write_if_changed(
        &gen_dir.join("glue.c"),
        &gen_c::render(binding, module, ext_name),
    )?;
    Ok(PackageFiles {
        init: gen_py::render_init(binding, ext_name),
        stub: gen_py::render_stub(binding),
        types: types_file(binding),
        subpackages: Vec::new(),
    })
}

/// Writes the generated Go and C of several packages into `gen_dir`, one extension module
/// `ext_name`: its root module (GoError, GoPanic) in `glue.c`, the Go runtime the packages
/// share in `gowright_runtime.go`, and per package `pkg_<sub>.go` and `glue_<sub>.c`, whose
/// names start with `<sub>_` (the package's sub-module). Returns the Python files: the root
/// package, and per Go package a sub-package that loads its module from the same file.
fn write_several(
    gen_dir: &Path,
    bindings: &mut [api::Binding],
    module: &str,
    ext_name: &str,
) -> anyhow::Result<PackageFiles> {
    let subs = sub_module_names(bindings)?;
    let mut written = vec!["glue.c".to_string(), "gowright_runtime.go".to_string()];
    for (binding, sub) in bindings.iter_mut().zip(&subs) {
        binding.prefix = format!("{sub}_");
        written.push(format!("pkg_{sub}.go"));
        written.push(format!("glue_{sub}.c"));
    }
    let names: Vec<&str> = written.iter().map(String::as_str).collect();
    remove_stale(gen_dir, &names)?;
    let paths: Vec<&str> = bindings.iter().map(|b| b.import_path.as_str()).collect();
    let doc = format!("Python bindings of the Go packages {}.", paths.join(", "));
    let root = format!("{module}.{ext_name}");
    write_if_changed(
        &gen_dir.join("glue.c"),
        &gen_c::render_root(module, ext_name, &doc),
    )?;
    write_if_changed(
        &gen_dir.join("gowright_runtime.go"),
        &gen_go::render_runtime(bindings),
    )?;
    let mut subpackages = Vec::new();
    for (binding, sub) in bindings.iter().zip(&subs) {
        let sub_ext = format!("_{sub}");
        write_if_changed(
            &gen_dir.join(format!("pkg_{sub}.go")),
            &gen_go::render_package(binding),
        )?;
        write_if_changed(
            &gen_dir.join(format!("glue_{sub}.c")),
            &gen_c::render_submodule(binding, &format!("{module}.{sub}"), &sub_ext, &root),
        )?;
        subpackages.push((
            sub.clone(),
            PackageFiles {
                init: gen_py::render_sub_init(binding, &sub_ext, ext_name),
                stub: gen_py::render_stub_in(binding, Some(ext_name)),
                types: types_file(binding),
                subpackages: Vec::new(),
            },
        ));
    }
    Ok(PackageFiles {
        init: gen_py::render_root_init(&doc, ext_name, &subs),
        stub: gen_py::render_root_stub(&doc),
        types: None,
        subpackages,
    })
}

/// `_types.py` of a package, when it has classes.
fn types_file(binding: &api::Binding) -> Option<String> {
    (!binding.structs.is_empty() || !binding.handles.is_empty() || binding.uses_time())
        .then(|| gen_py::render_types(binding))
}

/// The Python sub-module of each of several packages: its Go package name. Two of one name,
/// or a name Python cannot import, are errors.
fn sub_module_names(bindings: &[api::Binding]) -> Result<Vec<String>, UserError> {
    let mut names: Vec<String> = Vec::new();
    for binding in bindings {
        let name = binding.package_name.clone();
        if !is_python_identifier(&name) || name.starts_with('_') {
            return Err(UserError::new(format!(
                "the Go package {} is named `{name}`, which cannot be the name of its Python sub-module",
                binding.import_path
            ))
            .hint("bind it in a project of its own, or through a package of yours that wraps it"));
        }
        if let Some(other) = names.iter().position(|n| *n == name) {
            return Err(UserError::new(format!(
                "the Go packages {} and {} are both named `{name}`: their Python sub-modules would have one name",
                bindings[other].import_path, binding.import_path
            ))
            .hint("bind one of them in a project of its own, or through a package of yours that wraps it"));
        }
        names.push(name);
    }
    Ok(names)
}

/// Removes the generated Go and C files of `gen_dir` other than `keep`: a build of one package
/// after one of several (or the reverse) must not compile the other's files.
fn remove_stale(gen_dir: &Path, keep: &[&str]) -> anyhow::Result<()> {
    for entry in fs_err::read_dir(gen_dir)? {
        let path = entry?.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let generated = name.ends_with(".go") || name.ends_with(".c");
        if generated && !keep.contains(&name) {
            fs_err::remove_file(&path)?;
        }
    }
    Ok(())
}
