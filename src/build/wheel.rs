//! The part of a wheel every binding kind shares: `.dist-info` (METADATA, entry points,
//! licences, WHEEL, RECORD) and the atomic, cached write into the output directory.

use anyhow::Context as _;

use super::plan::{BuildPlan, BuiltWheel};
use crate::archive::AtomicFile;
use crate::archive::wheel::{WheelBuilder, WheelFilename, wheel_file};
use crate::config::ProjectConfig;
use crate::dist_info::dist_info_files;
use crate::target::Target;

/// What a binding kind built for one target: the files of the wheel (everything but
/// `.dist-info`) and the tags of the interpreters and platforms it is for.
pub struct KindOutput {
    pub files: WheelBuilder,
    /// `py3` for an executable, `cp311` for an abi3 extension module.
    pub python_tag: String,
    /// `none`, `abi3`, ...
    pub abi_tag: String,
    /// From the inspected binary, e.g. `manylinux_2_17_x86_64`.
    pub platform_tags: Vec<String>,
}

/// Completes the wheel a binding kind built (its `.dist-info`) and writes it to a temporary
/// file in the output directory, to be persisted with the other artefacts of the command.
pub fn write_wheel(
    cfg: &ProjectConfig,
    plan: &BuildPlan,
    target: Target,
    output: KindOutput,
) -> anyhow::Result<(BuiltWheel, AtomicFile)> {
    let meta = &cfg.metadata;
    let filename = WheelFilename {
        name: meta.name.escaped(),
        version: meta.version.to_string(),
        python_tag: output.python_tag,
        abi_tag: output.abi_tag,
        platform_tags: output.platform_tags.clone(),
    };
    // One cache per wheel of the target (a library has one per CPython ABI).
    let cache = plan
        .target_dir(target)
        .join("wheel-cache")
        .join(format!("{}-{}", filename.python_tag, filename.abi_tag));
    let file = finish_wheel(cfg, plan, target, output.files, &filename, &cache)?;
    Ok((
        BuiltWheel {
            path: plan.out_dir.join(filename.to_string()),
            target: target.to_string(),
            platform_tags: output.platform_tags,
        },
        file,
    ))
}

/// Adds `.dist-info` (METADATA, entry points, licences, WHEEL) to a wheel whose package files
/// are in, and writes it to a temporary file in the output directory (reusing the wheel cache of
/// the target).
fn finish_wheel(
    cfg: &ProjectConfig,
    plan: &BuildPlan,
    target: Target,
    mut wheel: WheelBuilder,
    filename: &WheelFilename,
    cache: &std::path::Path,
) -> anyhow::Result<AtomicFile> {
    let dist_info = cfg.metadata.dist_info_dir();
    for (name, data) in dist_info_files(cfg)? {
        wheel.add(format!("{dist_info}/{name}"), data, false)?;
    }
    wheel.add(
        format!("{dist_info}/WHEEL"),
        wheel_file(filename).into_bytes(),
        false,
    )?;
    if plan.editable {
        // Installed here and now: deflating would only cost time.
        wheel.store_uncompressed();
    }
    wheel
        .write_cached(&dist_info, &plan.out_dir, filename, plan.epoch, cache)
        .with_context(|| {
            format!(
                "cannot write the wheel for {target} in `{}`",
                plan.out_dir.display()
            )
        })
}
