//! The sdist writer: a deterministic `.tar.gz` with one top-level `{name}-{version}/` directory.
//!
//! Specification: <https://packaging.python.org/en/latest/specifications/source-distribution-format/>.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::Path;

use anyhow::Context as _;
use flate2::{Compression, GzBuilder};

use super::{AtomicFile, check_member_path};

/// Where the bytes of an sdist member come from.
#[derive(Debug)]
enum Contents {
    /// Generated in memory (`PKG-INFO`, `pyproject.toml`).
    Bytes(Vec<u8>),
    /// A project file, streamed from disk when the archive is written: a large file is never
    /// held in memory whole.
    File(std::path::PathBuf),
}

#[derive(Debug)]
struct Member {
    contents: Contents,
    executable: bool,
}

/// Collects the files of an sdist, then writes them sorted.
#[derive(Debug, Default)]
pub struct SdistBuilder {
    entries: BTreeMap<String, Member>,
}

impl SdistBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file at `path` (relative, `/` separators) below the top-level directory.
    pub fn add(
        &mut self,
        path: impl Into<String>,
        data: Vec<u8>,
        executable: bool,
    ) -> anyhow::Result<()> {
        self.insert(path.into(), Contents::Bytes(data), executable)
    }

    /// Adds the file at `source` as `path`; it is read when the archive is written.
    pub fn add_file(
        &mut self,
        path: impl Into<String>,
        source: impl Into<std::path::PathBuf>,
        executable: bool,
    ) -> anyhow::Result<()> {
        self.insert(path.into(), Contents::File(source.into()), executable)
    }

    fn insert(&mut self, path: String, contents: Contents, executable: bool) -> anyhow::Result<()> {
        check_member_path(&path, "sdist")?;
        self.entries.insert(
            path,
            Member {
                contents,
                executable,
            },
        );
        Ok(())
    }

    /// The relative paths added so far, sorted.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }

    /// Writes `{top}.tar.gz` to a temporary file in `out_dir`, to be persisted by the caller. Every member is a regular
    /// file owned by uid/gid 0 with empty owner names, mode 0644/0755 and mtime `epoch`.
    pub fn write(self, top: &str, out_dir: &Path, epoch: u64) -> anyhow::Result<AtomicFile> {
        let dest = out_dir.join(format!("{top}.tar.gz"));
        let file = AtomicFile::create(&dest)?;
        let gz = GzBuilder::new()
            .mtime(0)
            .write(file.file(), Compression::default());
        let mut tar = tar::Builder::new(gz);
        tar.mode(tar::HeaderMode::Deterministic);
        for (path, entry) in &self.entries {
            let full = format!("{top}/{path}");
            let mut header = tar::Header::new_ustar();
            header.set_entry_type(tar::EntryType::Regular);
            let (size, file) = match &entry.contents {
                Contents::Bytes(data) => (data.len() as u64, None),
                Contents::File(source) => {
                    let file = fs_err::File::open(source)?;
                    (file.metadata()?.len(), Some(file))
                }
            };
            header.set_size(size);
            header.set_mode(if entry.executable { 0o755 } else { 0o644 });
            header.set_mtime(epoch);
            header.set_uid(0);
            header.set_gid(0);
            header.set_username("")?;
            header.set_groupname("")?;
            if header.set_path(&full).is_err() {
                // Longer than ustar allows: record the name in a pax extended header.
                tar.append_pax_extensions([("path", full.as_bytes())])?;
                let short: String = full
                    .chars()
                    .rev()
                    .take(90)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                header.set_path(short.trim_start_matches('/'))?;
            }
            header.set_cksum();
            let appended = match (&entry.contents, file) {
                (Contents::Bytes(data), _) => tar.append(&header, data.as_slice()),
                // `take` keeps the member at the size in its header if the file grows meanwhile.
                (Contents::File(_), Some(file)) => {
                    use std::io::Read as _;
                    tar.append(&header, file.take(size))
                }
                (Contents::File(_), None) => unreachable!("a file member is opened above"),
            };
            appended.with_context(|| {
                format!(
                    "cannot add `{full}` to the sdist (in `{}`)",
                    out_dir.display()
                )
            })?;
        }
        let gz = tar.into_inner()?;
        let mut inner = gz.finish()?;
        inner.flush()?;
        Ok(file)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_a_deterministic_tarball() {
        let dir = tempfile::tempdir().unwrap();
        let build = |out: &Path| {
            let mut s = SdistBuilder::new();
            s.add("pyproject.toml", b"[project]\n".to_vec(), false)
                .unwrap();
            s.add("PKG-INFO", b"Metadata-Version: 2.4\n".to_vec(), false)
                .unwrap();
            s.add(
                format!("{}/main.go", "d".repeat(120)),
                b"package main\n".to_vec(),
                false,
            )
            .unwrap();
            s.write("hello-0.1.0", out, super::super::ZIP_EPOCH)
                .unwrap()
                .persist()
                .unwrap()
        };
        let a = std::fs::read(build(dir.path())).unwrap();
        let b = std::fs::read(build(dir.path())).unwrap();
        assert_eq!(a, b);

        let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(a.as_slice()));
        let names: Vec<String> = archive
            .entries()
            .unwrap()
            .map(|e| e.unwrap().path().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names[0], "hello-0.1.0/PKG-INFO");
        assert_eq!(names[1], format!("hello-0.1.0/{}/main.go", "d".repeat(120)));
        assert_eq!(names[2], "hello-0.1.0/pyproject.toml");
    }
}
