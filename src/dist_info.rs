//! The `.dist-info` files shared by wheels and PEP 517 `prepare_metadata_for_build_wheel`.

use crate::config::ProjectConfig;
use crate::metadata::slash_path;
use crate::project_files;

/// The files of `.dist-info` except `WHEEL` and `RECORD`, as (name inside `.dist-info`, contents):
/// `METADATA`, `entry_points.txt` when there are entry points, and `licenses/…`.
pub fn dist_info_files(cfg: &ProjectConfig) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let metadata = &cfg.metadata;
    let mut files = vec![("METADATA".to_string(), metadata.render().into_bytes())];
    if let Some(entry_points) = metadata.entry_points_txt() {
        files.push(("entry_points.txt".to_string(), entry_points.into_bytes()));
    }
    for license in &metadata.license_files {
        files.push((
            format!("licenses/{}", slash_path(license)),
            project_files::read(&cfg.root, license, "project.license-files")?,
        ));
    }
    Ok(files)
}

/// Writes `{name}-{version}.dist-info/` into `dir` (for `prepare_metadata_for_build_wheel`) and
/// returns the directory's name.
pub fn write_metadata_dir(cfg: &ProjectConfig, dir: &std::path::Path) -> anyhow::Result<String> {
    let name = cfg.metadata.dist_info_dir();
    let target = dir.join(&name);
    for (file, data) in dist_info_files(cfg)? {
        let path = target.join(&file);
        fs_err::create_dir_all(path.parent().expect("a file inside .dist-info"))?;
        fs_err::write(path, data)?;
    }
    Ok(name)
}
