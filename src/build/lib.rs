//! `bindings = "lib"`: an ordinary Go package as one CPython extension module.
//!
//! `apidump` reads the package's exported API; gowright writes a Go `main` package with cgo
//! exports and the CPython glue into the build directory `target/_gowright/<module>/` (inside the
//! user's Go module, so it builds with their go.mod, while the leading `_` keeps it out of
//! `./...`), builds it with `-buildmode=c-shared` into `<package>/_<name>.abi3.so`, and writes the
//! Python package around it.

use std::path::Path;

use super::plan::BuildPlan;
use super::wheel::KindOutput;
use crate::archive::wheel::WheelBuilder;
use crate::audit;
use crate::bind::{api, apidump, gen_c, gen_go, gen_py};
use crate::config::ProjectConfig;
use crate::error::UserError;
use crate::go::{BuildRequest, GoPackage, GoToolchain, fresh_output};
use crate::printer::Printer;
use crate::pypackage::{GeneratedFile, Layout, add_package};
use crate::target::{Os, Target};
use crate::toolchain::CgoToolchain;

/// The oldest CPython whose limited API has all the glue uses (buffers, `PyType_GetName`).
pub const MIN_ABI3: (u32, u32) = (3, 11);

/// The lowest Python version `requires-python` admits, if it names one.
fn requires_python_floor(cfg: &ProjectConfig) -> Option<(u32, u32)> {
    use pep440_rs::Operator;
    let specs = cfg.metadata.requires_python.as_ref()?;
    specs
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

/// Builds the wheel files of a Go library for `target`.
pub fn build(
    cfg: &ProjectConfig,
    go: &GoToolchain,
    plan: &BuildPlan,
    target: Target,
    package: &GoPackage,
    printer: Printer,
) -> anyhow::Result<KindOutput> {
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
    let floor = requires_python_floor(cfg).unwrap_or(MIN_ABI3).max(MIN_ABI3);
    if requires_python_floor(cfg).is_none_or(|f| f < MIN_ABI3) {
        printer.warn(format!(
            "the extension module needs CPython {}.{} or newer (abi3); `project.requires-python` admits older versions, which will not find a wheel",
            MIN_ABI3.0, MIN_ABI3.1
        ));
    }

    let mut inputs = package.local_dirs.clone();
    inputs.push(package.dir.clone());
    if let Some(go_mod) = package.module.as_ref().and_then(|m| m.go_mod.clone()) {
        inputs.push(go_mod.with_file_name("go.sum"));
        inputs.push(go_mod);
    }
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

    // CPython finds an abi3 module as `name.abi3.so`, on Windows as `name.pyd`.
    let ext_file = match target.os {
        Os::Windows => format!("{ext_name}.pyd"),
        _ => format!("{ext_name}.abi3.so"),
    };
    let output = plan.target_dir(target).join(&ext_file);
    let relative_gen = format!(
        "./{}",
        crate::metadata::slash_path(gen_dir.strip_prefix(&cfg.root)?)
    );
    // The glue is compiled against gowright's own declarations of the stable ABI (no Python
    // headers needed), which are those of CPython 3.11, the floor of every abi3 wheel here.
    crate::toolchain::stable_abi::write_header(&gen_dir)?;
    let mut cflags = "-O2".to_string();
    if let Ok(user) = std::env::var("CGO_CFLAGS") {
        cflags = format!("{user} {cflags}");
    }
    let mut extra_env = vec![("CGO_CFLAGS".to_string(), cflags)];
    extra_env.extend(toolchain.env.iter().cloned());
    extra_env.extend(
        toolchain.extension_env(
            target,
            &plan
                .build_dir
                .join("tools")
                .join(format!("python3-{}", target.goarch())),
        )?,
    );
    printer.detail(format!(
        "{target}: go build -buildmode=c-shared ({} functions), C compiler: {}",
        binding.functions.len(),
        toolchain.description
    ));
    let ldflags = toolchain.ldflags(target, &plan.ldflags);
    let request = BuildRequest {
        root: &cfg.root,
        package: &relative_gen,
        target,
        cgo: true,
        tags: &plan.tags,
        ldflags: &ldflags,
        output: &output,
        buildmode: Some("c-shared"),
        extra_env,
    };
    // Go links a c-shared library anew every time: skip the build when nothing it reads changed.
    inputs.push(gen_dir.clone());
    let key = fresh_output::key(go, &request, &inputs);
    let record = plan.target_dir(target).join("extension.json");
    if fresh_output::is_fresh(&record, &key, &output) {
        printer.detail(format!(
            "{target}: the extension module is up to date (nothing it is built from changed)"
        ));
    } else {
        fresh_output::forget(&record);
        go.build(&request).map_err(|e| {
            let text = e.to_string();
            let hint = crate::go::diagnose::hint_for(&text, &go.version).unwrap_or_else(|| {
                "if the error is in your package, fix it; if it is in target/_gowright, please report it".to_string()
            });
            UserError::new(format!(
                "the Go build of the extension module for {target} failed:\n{text}"
            ))
            .hint(hint)
        })?;
        fresh_output::remember(&record, &key, &output);
    }

    let info = audit::inspect(&output, target, plan.compatibility)?;
    printer.detail(format!("{target}: {}", info.description));
    let mut wheel = WheelBuilder::new();
    let generated = vec![
        GeneratedFile::new(ext_file, fs_err::read(&output)?).executable(),
        GeneratedFile::new(format!("{ext_name}.pyi"), gen_py::render_stub(&binding)),
        GeneratedFile::new("py.typed", Vec::new()).only_if_missing(),
    ];
    let mut generated = generated;
    if !binding.structs.is_empty() || !binding.handles.is_empty() || binding.uses_time() {
        generated.push(GeneratedFile::new(
            "_types.py",
            gen_py::render_types(&binding),
        ));
    }
    add_package(
        &mut wheel,
        &Layout::of(cfg, plan.editable),
        module,
        gen_py::render_init(&binding, &ext_name),
        generated,
        &cfg.metadata.dist_info_stem(),
    )?;
    Ok(KindOutput {
        files: wheel,
        python_tag: format!("cp{}{}", floor.0, floor.1),
        abi_tag: "abi3".into(),
        platform_tags: info.platform_tags,
    })
}

/// Writes `text` to `path` unless it already holds exactly that (keeps timestamps stable).
fn write_if_changed(path: &Path, text: &str) -> anyhow::Result<()> {
    if std::fs::read_to_string(path).is_ok_and(|old| old == text) {
        return Ok(());
    }
    fs_err::write(path, text)?;
    Ok(())
}
