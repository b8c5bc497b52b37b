//! Writing archives (wheels and sdists) atomically and reproducibly.

pub mod sdist;
pub mod wheel;
pub mod zip_writer;

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use sha2::{Digest, Sha256};

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
    /// Creates the temporary file in the directory of `dest` (creating that directory).
    pub fn create(dest: &Path) -> anyhow::Result<Self> {
        let dir = dest.parent().context("output path has no directory")?;
        fs_err::create_dir_all(dir)?;
        let temp = tempfile::Builder::new()
            .prefix(".gowright-tmp-")
            .tempfile_in(dir)
            .with_context(|| format!("cannot create a temporary file in `{}`", dir.display()))?;
        if let Ok(mut pending) = PENDING.lock() {
            pending.push(temp.path().to_path_buf());
        }
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
        temp.persist(&self.dest)
            .with_context(|| format!("cannot write `{}`", self.dest.display()))?;
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
