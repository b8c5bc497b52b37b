//! Writing archives (wheels and sdists) atomically and reproducibly.

pub mod sdist;
pub mod wheel;
pub mod zip_writer;

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use sha2::{Digest, Sha256};

use crate::error::UserError;

/// 1980-01-01T00:00:00Z, the earliest time a zip file can hold, and gowright's fixed timestamp.
pub const ZIP_EPOCH: u64 = 315_532_800;

/// One file to put into an archive.
#[derive(Debug, Clone)]
pub struct Entry {
    pub data: Vec<u8>,
    /// Stored with mode 0755 (else 0644).
    pub executable: bool,
}

/// The timestamp stored on every archive entry: `SOURCE_DATE_EPOCH` when set (clamped to
/// 1980-01-01, the zip format's floor), else 1980-01-01 itself.
///
/// See <https://reproducible-builds.org/specs/source-date-epoch/>.
pub fn source_date_epoch() -> u64 {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map_or(ZIP_EPOCH, |t| t.max(ZIP_EPOCH))
}

/// Converts seconds since the Unix epoch to a civil UTC date-time
/// (year, month, day, hour, minute, second), after Howard Hinnant's `civil_from_days`.
pub fn civil_from_unix(secs: u64) -> (u16, u8, u8, u8, u8, u8) {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (
        year as u16,
        month as u8,
        day as u8,
        (rem / 3600) as u8,
        (rem % 3600 / 60) as u8,
        (rem % 60) as u8,
    )
}

/// Refuses archive member paths that are absolute, contain `..` or empty components.
pub fn check_member_path(path: &str, archive: &str) -> anyhow::Result<()> {
    if path.starts_with('/') || path.split('/').any(|p| p == ".." || p.is_empty()) {
        anyhow::bail!("invalid path in {archive}: `{path}`");
    }
    Ok(())
}

/// The sha256 of `data` in the form RECORD files use: `sha256=<urlsafe base64, no padding>`.
pub fn record_hash(data: &[u8]) -> String {
    record_hash_of_digest(&Sha256::digest(data).into())
}

/// [`record_hash`] of data whose SHA-256 is `digest`.
pub fn record_hash_of_digest(digest: &[u8; 32]) -> String {
    use base64::Engine as _;
    format!(
        "sha256={}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest)
    )
}

/// Temporary archive files being written right now, removed by [`remove_pending_files`] when the
/// process is interrupted (destructors do not run then).
static PENDING: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

/// Removes every temporary archive file still being written. Called on Ctrl-C / SIGTERM.
pub fn remove_pending_files() {
    if let Ok(pending) = PENDING.lock() {
        for path in pending.iter() {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// A file being written in the output directory under a temporary name, renamed into place by
/// [`AtomicFile::persist`]. Dropped without persisting (or interrupted, see
/// [`remove_pending_files`]), it is removed: a failed or interrupted build leaves no partial
/// archive.
pub struct AtomicFile {
    temp: Option<tempfile::NamedTempFile>,
    dest: PathBuf,
    /// `dest` already holds exactly what would be written: persisting leaves it alone.
    in_place: bool,
}

impl AtomicFile {
    /// Creates the temporary file in the directory of `dest` (creating that directory). Its name
    /// holds gowright's process id, so that a later run can remove what a killed one left.
    pub fn create(dest: &Path) -> anyhow::Result<Self> {
        let dir = dest.parent().context("output path has no directory")?;
        ensure_out_dir(dir)?;
        sweep_stale_temps(dir);
        let temp = tempfile::Builder::new()
            .prefix(&format!("{TEMP_PREFIX}{}-", std::process::id()))
            .tempfile_in(dir)
            .map_err(|e| {
                let hint = io_hint(&e);
                anyhow::Error::new(
                    UserError::new(format!(
                        "cannot create a file in the output directory `{}`: {e}",
                        dir.display()
                    ))
                    .hint(hint),
                )
            })?;
        if let Ok(mut pending) = PENDING.lock() {
            pending.push(temp.path().to_path_buf());
        }
        crate::reaper::register_temp(temp.path());
        Ok(Self {
            temp: Some(temp),
            dest: dest.to_path_buf(),
            in_place: false,
        })
    }

    /// The file at `dest`, which already has the contents it is to get: nothing is written,
    /// and [`AtomicFile::persist`] keeps it as it is (replacing a file costs the file system
    /// more than comparing it).
    pub fn already_in_place(dest: &Path) -> Self {
        Self {
            temp: None,
            dest: dest.to_path_buf(),
            in_place: true,
        }
    }

    fn temp(&self) -> &tempfile::NamedTempFile {
        self.temp
            .as_ref()
            .expect("the temporary file exists until persist")
    }

    /// Where the contents are: the temporary file (or the destination, when already in place).
    pub fn path(&self) -> &Path {
        if self.in_place {
            return &self.dest;
        }
        self.temp().path()
    }

    /// The open temporary file.
    pub fn file(&self) -> &std::fs::File {
        self.temp().as_file()
    }

    /// Moves the finished file to its final name (with mode 0644) and returns that path.
    pub fn persist(mut self) -> anyhow::Result<PathBuf> {
        if self.in_place {
            return Ok(self.dest.clone());
        }
        let temp = self.temp.take().expect("persist is called once");
        forget_pending(temp.path());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            fs_err::set_permissions(temp.path(), std::fs::Permissions::from_mode(0o644))?;
        }
        temp.persist(&self.dest).map_err(|e| {
            UserError::new(format!(
                "cannot write `{}`: {}",
                self.dest.display(),
                e.error
            ))
            .hint(io_hint(&e.error))
        })?;
        Ok(self.dest.clone())
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if let Some(temp) = &self.temp {
            forget_pending(temp.path());
        }
    }
}

fn forget_pending(path: &Path) {
    if let Ok(mut pending) = PENDING.lock() {
        pending.retain(|p| p != path);
    }
    crate::reaper::forget_temp(path);
}

/// The start of the names of temporary archive files: `.gowright-tmp-<pid>-<random>`.
const TEMP_PREFIX: &str = ".gowright-tmp-";

/// Removes the output directory when the command leaves it empty and it did not exist before:
/// a failed command leaves no trace. Hold it for the duration of the command.
pub struct OutDirCleanup {
    dir: PathBuf,
    existed: bool,
}

impl OutDirCleanup {
    pub fn new(dir: &Path) -> Self {
        Self {
            dir: dir.to_path_buf(),
            existed: dir.exists(),
        }
    }
}

impl Drop for OutDirCleanup {
    fn drop(&mut self) {
        if !self.existed {
            // Fails harmlessly when the directory holds what was built.
            let _ = std::fs::remove_dir(&self.dir);
        }
    }
}

/// Creates the output directory, or says clearly why it cannot be one.
pub fn ensure_out_dir(dir: &Path) -> Result<(), UserError> {
    match std::fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => return Ok(()),
        Ok(_) => {
            return Err(UserError::new(format!(
                "the output directory `{}` is a file",
                dir.display()
            ))
            .hint("remove or rename that file, or choose another directory with --out"));
        }
        Err(_) => {}
    }
    std::fs::create_dir_all(dir).map_err(|e| {
        UserError::new(format!(
            "cannot create the output directory `{}`: {e}",
            dir.display()
        ))
        .hint(io_hint(&e))
    })
}

/// Removes the temporary archive files in `dir` that a gowright process which no longer runs
/// left behind (killed, or on a machine that went down). Done once per directory and process.
fn sweep_stale_temps(dir: &Path) {
    static SWEPT: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());
    if let Ok(mut swept) = SWEPT.lock() {
        if swept.iter().any(|d| d == dir) {
            return;
        }
        swept.push(dir.to_path_buf());
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(TEMP_PREFIX)) else {
            continue;
        };
        let owner = rest.split('-').next().and_then(|p| p.parse::<u32>().ok());
        let stale = match owner {
            Some(pid) => pid != std::process::id() && !crate::reaper::process_alive(pid),
            // Older names carry no process id: stale once a day old.
            None => entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age.as_secs() > 86_400),
        };
        if stale && entry.file_type().is_ok_and(|t| t.is_file()) {
            tracing::debug!(
                "removing {} left by an earlier build",
                entry.path().display()
            );
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// A hint for a failed file-system operation, by its kind.
pub fn io_hint(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::PermissionDenied => "check the permissions of the path named above, or choose another directory with --out",
        K::StorageFull => "the disk is full: free some space, or choose another directory with --out",
        K::ReadOnlyFilesystem => "the file system is read-only: choose another directory with --out",
        K::NotADirectory | K::AlreadyExists | K::IsADirectory => {
            "a file or directory is in the way at the path named above: move it, or choose another directory with --out"
        }
        K::NotFound => "a directory on the path named above does not exist",
        _ => "check the path named above (permissions, free space)",
    }
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_unix(ZIP_EPOCH), (1980, 1, 1, 0, 0, 0));
        assert_eq!(civil_from_unix(1_700_000_000), (2023, 11, 14, 22, 13, 20));
        assert_eq!(civil_from_unix(951_782_400), (2000, 2, 29, 0, 0, 0));
    }

    #[test]
    fn record_hash_is_urlsafe_without_padding() {
        assert_eq!(
            record_hash(b""),
            "sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU"
        );
    }
}
