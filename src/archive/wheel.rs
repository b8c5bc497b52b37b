//! The wheel writer: a deterministic zip with `WHEEL`, `RECORD` and the rest of `.dist-info`.
//!
//! Specification: <https://packaging.python.org/en/latest/specifications/binary-distribution-format/>.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use super::zip_writer::{Method, ZipWriter};
use anyhow::{Context as _, bail};

use sha2::{Digest as _, Sha256};

use super::{AtomicFile, check_member_path, civil_from_unix, record_hash_of_digest};

/// A wheel filename: `{name}-{version}-{python}-{abi}-{platforms}.whl`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WheelFilename {
    /// The escaped distribution name.
    pub name: String,
    /// The normalized version.
    pub version: String,
    pub python_tag: String,
    pub abi_tag: String,
    /// Platform tags, sorted; more than one forms a compressed tag set.
    pub platform_tags: Vec<String>,
}

impl WheelFilename {
    /// Every `{python}-{abi}-{platform}` tag the compressed set expands to, for `Tag:` lines.
    pub fn expanded_tags(&self) -> Vec<String> {
        let mut tags = Vec::new();
        for py in self.python_tag.split('.') {
            for abi in self.abi_tag.split('.') {
                for plat in &self.platform_tags {
                    tags.push(format!("{py}-{abi}-{plat}"));
                }
            }
        }
        tags
    }
}

impl fmt::Display for WheelFilename {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}-{}-{}-{}-{}.whl",
            self.name,
            self.version,
            self.python_tag,
            self.abi_tag,
            self.platform_tags.join(".")
        )
    }
}

/// Collects the files of a wheel, then writes them in a fixed order.
#[derive(Debug, Default)]
pub struct WheelBuilder {
    entries: BTreeMap<String, Entry>,
    /// Store files uncompressed (for wheels installed right away, such as editable ones).
    stored: bool,
}

/// One file of a wheel.
#[derive(Debug)]
struct Entry {
    content: Content,
    /// Stored with mode 0755 (else 0644).
    executable: bool,
}

/// What a file of a wheel holds.
#[derive(Debug)]
enum Content {
    /// Bytes in memory.
    Bytes(Vec<u8>),
    /// A file on disk whose SHA-256 is known: read only if the wheel has to be written.
    File { source: PathBuf, sha256: [u8; 32] },
}

impl Entry {
    fn sha256(&self) -> [u8; 32] {
        match &self.content {
            Content::Bytes(data) => Sha256::digest(data).into(),
            Content::File { sha256, .. } => *sha256,
        }
    }
}

impl WheelBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file at `path` (with `/` separators) inside the wheel.
    pub fn add(
        &mut self,
        path: impl Into<String>,
        data: Vec<u8>,
        executable: bool,
    ) -> anyhow::Result<()> {
        self.insert(path.into(), Content::Bytes(data), executable)
    }

    /// Adds the file `source`, whose SHA-256 is `sha256`, at `path` inside the wheel. It is
    /// read (and its digest checked) only when the wheel has to be written: a wheel of the
    /// same inputs in the cache of [`WheelBuilder::write_cached`] is reused without reading it.
    pub fn add_file(
        &mut self,
        path: impl Into<String>,
        source: PathBuf,
        sha256: [u8; 32],
        executable: bool,
    ) -> anyhow::Result<()> {
        self.insert(path.into(), Content::File { source, sha256 }, executable)
    }

    fn insert(&mut self, path: String, content: Content, executable: bool) -> anyhow::Result<()> {
        check_member_path(&path, "wheel")?;
        if self.entries.contains_key(&path) {
            bail!("two files would be written to `{path}` in the wheel");
        }
        let entry = Entry {
            content,
            executable,
        };
        self.entries.insert(path, entry);
        Ok(())
    }

    /// Stores the files uncompressed: for a wheel that is installed on this machine right away
    /// (`gowright develop`, editable installs), where deflating only costs time.
    pub fn store_uncompressed(&mut self) {
        self.stored = true;
    }

    /// Whether a file is already at `path`.
    pub fn contains(&self, path: &str) -> bool {
        self.entries.contains_key(path)
    }

    /// The contents of a file previously added in memory.
    pub fn get(&self, path: &str) -> Option<&[u8]> {
        match &self.entries.get(path)?.content {
            Content::Bytes(data) => Some(data),
            Content::File { .. } => None,
        }
    }

    /// Like [`WheelBuilder::write`], but reuses the wheel of an earlier build from `cache_dir`
    /// when every input is the same. Archives are reproducible, so the bytes would be identical:
    /// this only skips compressing them again. The cache keeps the newest wheel.
    pub fn write_cached(
        self,
        dist_info_dir: &str,
        out_dir: &Path,
        filename: &WheelFilename,
        epoch: u64,
        cache_dir: &Path,
    ) -> anyhow::Result<AtomicFile> {
        let key = self.cache_key(dist_info_dir, filename, epoch);
        let cached = cache_dir.join(format!("{key}.whl"));
        if let Ok(mut source) = std::fs::File::open(&cached) {
            let dest = out_dir.join(filename.to_string());
            if same_contents(&cached, &dest) {
                return Ok(AtomicFile::already_in_place(&dest));
            }
            let file = AtomicFile::create(&dest)?;
            // std::fs::File on both ends: copied inside the kernel.
            std::io::copy(&mut source, &mut file.file())
                .with_context(|| format!("cannot copy `{}`", cached.display()))?;
            return Ok(file);
        }
        let file = self.write(dist_info_dir, out_dir, filename, epoch)?;
        // Refresh the cache; failing to do so only costs time on the next build.
        let _ = std::fs::remove_dir_all(cache_dir);
        if std::fs::create_dir_all(cache_dir).is_ok() {
            let partial = cache_dir.join(format!("{key}.partial"));
            if std::fs::copy(file.path(), &partial).is_ok() {
                let _ = std::fs::rename(&partial, &cached);
            }
        }
        Ok(file)
    }

    /// A digest of everything that decides the bytes of the wheel.
    fn cache_key(&self, dist_info_dir: &str, filename: &WheelFilename, epoch: u64) -> String {
        let mut hasher = Sha256::new();
        let mut field = |bytes: &[u8]| {
            hasher.update((bytes.len() as u64).to_le_bytes());
            hasher.update(bytes);
        };
        field(env!("CARGO_PKG_VERSION").as_bytes());
        field(dist_info_dir.as_bytes());
        field(filename.to_string().as_bytes());
        field(&epoch.to_le_bytes());
        field(&[u8::from(self.stored)]);
        for (path, entry) in &self.entries {
            field(path.as_bytes());
            field(&[u8::from(entry.executable)]);
            field(&entry.sha256());
        }
        let digest = hasher.finalize();
        hex::encode(digest)
    }

    /// Writes the wheel to a temporary file in `out_dir`; [`AtomicFile::persist`] gives it its
    /// final name `filename`.
    ///
    /// Entries are sorted, `.dist-info` comes last and its `RECORD` very last. Every entry gets
    /// the timestamp `epoch` and mode 0644/0755 as a regular file.
    pub fn write(
        self,
        dist_info_dir: &str,
        out_dir: &Path,
        filename: &WheelFilename,
        epoch: u64,
    ) -> anyhow::Result<AtomicFile> {
        let record_path = format!("{dist_info_dir}/RECORD");
        let in_dist_info = |p: &str| p.starts_with(&format!("{dist_info_dir}/"));
        let mut ordered: Vec<(&String, Cow<[u8]>, bool)> = Vec::with_capacity(self.entries.len());
        for (path, entry) in self.entries.iter() {
            let data = match &entry.content {
                Content::Bytes(data) => Cow::Borrowed(data.as_slice()),
                Content::File { source, sha256 } => {
                    let data = fs_err::read(source)?;
                    if Sha256::digest(&data).as_slice() != sha256 {
                        bail!(
                            "`{}` changed while the wheel was being built",
                            source.display()
                        );
                    }
                    Cow::Owned(data)
                }
            };
            ordered.push((path, data, entry.executable));
        }
        ordered.sort_by_key(|(path, ..)| (in_dist_info(path), (*path).clone()));

        let mut record = String::new();
        for (path, data, _) in &ordered {
            record.push_str(&format!(
                "{},{},{}\n",
                csv_field(path),
                record_hash_of_digest(&Sha256::digest(data).into()),
                data.len()
            ));
        }
        record.push_str(&format!("{},,\n", csv_field(&record_path)));

        let dest = out_dir.join(filename.to_string());
        let file = AtomicFile::create(&dest)?;
        let mut zip = ZipWriter::new(std::io::BufWriter::new(file.file()), civil_from_unix(epoch))
            .context("SOURCE_DATE_EPOCH is outside the range a zip file can store")?;
        let method = if self.stored {
            Method::Stored
        } else {
            Method::Deflated
        };
        for (path, data, executable) in &ordered {
            let mode = if *executable { 0o755 } else { 0o644 };
            zip.add(path, data, mode, method)?;
        }
        zip.add(&record_path, record.as_bytes(), 0o644, method)?;
        zip.finish()?;
        Ok(file)
    }
}

/// Whether the files `a` and `b` both exist with the same bytes.
fn same_contents(a: &Path, b: &Path) -> bool {
    let same_len = match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(x), Ok(y)) => x.is_file() && y.is_file() && x.len() == y.len(),
        _ => false,
    };
    same_len && matches!((std::fs::read(a), std::fs::read(b)), (Ok(x), Ok(y)) if x == y)
}

/// Quotes a RECORD path if the CSV format needs it.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The `WHEEL` file.
pub fn wheel_file(filename: &WheelFilename) -> String {
    let mut out = format!(
        "Wheel-Version: 1.0\nGenerator: gowright {}\nRoot-Is-Purelib: false\n",
        env!("CARGO_PKG_VERSION")
    );
    for tag in filename.expanded_tags() {
        out.push_str(&format!("Tag: {tag}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read as _;

    fn filename() -> WheelFilename {
        WheelFilename {
            name: "hello".into(),
            version: "0.1.0".into(),
            python_tag: "py3".into(),
            abi_tag: "none".into(),
            platform_tags: vec![
                "manylinux_2_17_x86_64".into(),
                "musllinux_1_1_x86_64".into(),
            ],
        }
    }

    #[test]
    fn filename_and_tags() {
        let f = filename();
        assert_eq!(
            f.to_string(),
            "hello-0.1.0-py3-none-manylinux_2_17_x86_64.musllinux_1_1_x86_64.whl"
        );
        assert_eq!(
            wheel_file(&f),
            format!(
                "Wheel-Version: 1.0\nGenerator: gowright {}\nRoot-Is-Purelib: false\nTag: py3-none-manylinux_2_17_x86_64\nTag: py3-none-musllinux_1_1_x86_64\n",
                env!("CARGO_PKG_VERSION")
            )
        );
    }

    #[test]
    fn cached_wheels_are_reused_and_an_identical_output_is_left_alone() {
        use super::super::ZIP_EPOCH;
        use std::os::unix::fs::MetadataExt as _;
        let dir = tempfile::tempdir().unwrap();
        let (out, cache) = (dir.path().join("dist"), dir.path().join("cache"));
        let exe = dir.path().join("exe");
        std::fs::write(&exe, b"binary").unwrap();
        let build = |data: &[u8]| {
            let mut w = WheelBuilder::new();
            w.add("hello/__init__.py", data.to_vec(), false).unwrap();
            let sha256 = Sha256::digest(b"binary").into();
            w.add_file("hello-0.1.0.data/scripts/hello", exe.clone(), sha256, true)
                .unwrap();
            w.write_cached(
                "hello-0.1.0.dist-info",
                &out,
                &filename(),
                ZIP_EPOCH,
                &cache,
            )
            .unwrap()
            .persist()
            .unwrap()
        };
        let first = build(b"a");
        let inode = std::fs::metadata(&first).unwrap().ino();
        let bytes = std::fs::read(&first).unwrap();
        // The same inputs: the output is already right and is not replaced.
        assert_eq!(build(b"a"), first);
        assert_eq!(std::fs::metadata(&first).unwrap().ino(), inode);
        // Other inputs: a new wheel.
        build(b"b");
        assert_ne!(std::fs::read(&first).unwrap(), bytes);
        // Back to the first inputs: the cache gives back the first wheel.
        build(b"a");
        assert_eq!(std::fs::read(&first).unwrap(), bytes);
        // A file entry whose contents no longer match its digest is refused.
        std::fs::write(&exe, b"changed").unwrap();
        let mut w = WheelBuilder::new();
        let sha256 = Sha256::digest(b"binary").into();
        w.add_file("hello-0.1.0.data/scripts/hello", exe.clone(), sha256, true)
            .unwrap();
        let err = w
            .write("hello-0.1.0.dist-info", &out, &filename(), ZIP_EPOCH)
            .err();
        assert!(err.unwrap().to_string().contains("changed while the wheel"));
    }

    #[test]
    fn writes_sorted_entries_with_record_last() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = WheelBuilder::new();
        w.add("hello-0.1.0.dist-info/WHEEL", b"w".to_vec(), false)
            .unwrap();
        w.add("hello/__init__.py", b"".to_vec(), false).unwrap();
        w.add("hello-0.1.0.data/scripts/hello", b"bin".to_vec(), true)
            .unwrap();
        assert!(w.add("hello/__init__.py", vec![], false).is_err());
        let path = w
            .write(
                "hello-0.1.0.dist-info",
                dir.path(),
                &filename(),
                super::super::ZIP_EPOCH,
            )
            .unwrap()
            .persist()
            .unwrap();

        let mut zip = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
        let names: Vec<String> = (0..zip.len())
            .map(|i| zip.by_index(i).unwrap().name().unwrap().to_string())
            .collect();
        assert_eq!(
            names,
            [
                "hello-0.1.0.data/scripts/hello",
                "hello/__init__.py",
                "hello-0.1.0.dist-info/WHEEL",
                "hello-0.1.0.dist-info/RECORD"
            ]
        );
        assert_eq!(zip.by_index(0).unwrap().unix_mode(), Some(0o100755));
        assert_eq!(zip.by_index(1).unwrap().unix_mode(), Some(0o100644));
        let mut record = String::new();
        zip.by_name("hello-0.1.0.dist-info/RECORD")
            .unwrap()
            .read_to_string(&mut record)
            .unwrap();
        assert!(
            record.ends_with("hello-0.1.0.dist-info/RECORD,,\n"),
            "{record}"
        );
        assert!(
            record.contains(
                "hello/__init__.py,sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU,0\n"
            )
        );
        // No temporary file is left beside the wheel.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
