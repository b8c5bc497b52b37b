//! The Go build ID of an ELF executable, and what gowright remembers about the executable
//! that carried it.
//!
//! `go build` stamps every binary it links with a build ID whose last part is a hash of the
//! file's own contents (see `go help cache`, "content ID"), and leaves an up-to-date output
//! untouched except for its modification time. The ID sits in the `.note.go.buildid` note near
//! the start of the file, so reading one page tells whether the executable is the one gowright
//! saw last time — without reading and hashing megabytes.

use std::io::Read as _;
use std::path::Path;

use serde::{Deserialize, Serialize};

/// How much of the file is read to find the note: Go puts it in the first page.
const HEAD: usize = 64 * 1024;

/// The Go build ID stored in the ELF note of `path`, when it is a 64-bit little-endian ELF
/// file with one (Go writes it for every target; other formats are not read here).
pub fn read(path: &Path) -> Option<String> {
    let mut head = Vec::with_capacity(HEAD);
    std::fs::File::open(path)
        .ok()?
        .take(HEAD as u64)
        .read_to_end(&mut head)
        .ok()?;
    of_bytes(&head)
}

/// The Go build ID in the ELF file whose first bytes (at least the first page) are `b`.
pub fn of_bytes(b: &[u8]) -> Option<String> {
    let u16_at = |o: usize| Some(u16::from_le_bytes(b.get(o..o + 2)?.try_into().ok()?));
    let u32_at = |o: usize| Some(u32::from_le_bytes(b.get(o..o + 4)?.try_into().ok()?));
    let u64_at = |o: usize| Some(u64::from_le_bytes(b.get(o..o + 8)?.try_into().ok()?));
    // ELFCLASS64, ELFDATA2LSB.
    if b.get(0..6)? != b"\x7fELF\x02\x01" {
        return None;
    }
    let phoff = usize::try_from(u64_at(0x20)?).ok()?;
    let phentsize = usize::from(u16_at(0x36)?);
    let phnum = usize::from(u16_at(0x38)?);
    for i in 0..phnum {
        let ph = phoff + i * phentsize;
        const PT_NOTE: u32 = 4;
        if u32_at(ph)? != PT_NOTE {
            continue;
        }
        let start = usize::try_from(u64_at(ph + 0x08)?).ok()?;
        let size = usize::try_from(u64_at(ph + 0x20)?).ok()?;
        let mut note = start;
        while note + 12 <= start + size {
            let namesz = u32_at(note)? as usize;
            let descsz = u32_at(note + 4)? as usize;
            let kind = u32_at(note + 8)?;
            let name = note + 12;
            let desc = name + namesz.next_multiple_of(4);
            // The note "Go" (NUL-padded) of type 4 (ELF_NOTE_GOBUILDID_TAG).
            let owner = b.get(name..name + namesz)?;
            if kind == 4 && owner.split(|&c| c == 0).next() == Some(b"Go".as_slice()) {
                let id = std::str::from_utf8(b.get(desc..desc + descsz)?).ok()?;
                return Some(id.to_string());
            }
            note = desc + descsz.next_multiple_of(4);
        }
    }
    None
}

/// Whether `id` has the shape `go build` gives the IDs it computes (four `/`-separated hashes):
/// an ID set by hand with `-ldflags=-buildid=...` says nothing about the contents.
pub fn is_computed(id: &str) -> bool {
    let parts: Vec<&str> = id.split('/').collect();
    parts.len() == 4
        && parts.iter().all(|p| {
            p.len() == 20
                && p.bytes()
                    .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
        })
}

/// What gowright found out about an executable last time: enough to put it into a wheel
/// again without reading it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KnownExecutable {
    /// The gowright that wrote the record: another one may describe executables differently.
    pub gowright: String,
    pub build_id: String,
    pub len: u64,
    /// SHA-256 of the contents, hex.
    pub sha256: String,
    pub platform_tags: Vec<String>,
    pub description: String,
}

impl KnownExecutable {
    /// Who wrote a record: the gowright version and the revision of its audit rules (a record
    /// of other rules would carry other tags).
    pub fn writer() -> String {
        format!(
            "{}+audit{}",
            env!("CARGO_PKG_VERSION"),
            crate::audit::REVISION
        )
    }

    /// The record in `index` if it describes the executable now at `path`.
    pub fn recall(index: &Path, path: &Path) -> Option<Self> {
        let known: Self = serde_json::from_slice(&std::fs::read(index).ok()?).ok()?;
        let len = std::fs::metadata(path).ok()?.len();
        let id = read(path)?;
        (known.gowright == Self::writer()
            && is_computed(&id)
            && id == known.build_id
            && len == known.len)
            .then_some(known)
    }

    /// Writes the record to `index`; failing to only costs time on the next build.
    pub fn remember(&self, index: &Path) {
        if !is_computed(&self.build_id) {
            return;
        }
        if let Ok(json) = serde_json::to_vec(self) {
            let partial = index.with_extension("partial");
            if std::fs::write(&partial, json).is_ok() {
                let _ = std::fs::rename(&partial, index);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn computed_ids_have_four_hashes() {
        assert!(is_computed(
            "Tb-s4j0GpjdykgRq9Ccb/N-2winOsdx7jBhZW2sJ1/-l-QlZrb1IHE5iGY5noY/3eYLTxFZlOC4bcPbW2wA"
        ));
        assert!(!is_computed("fixed"));
        assert!(!is_computed(""));
    }

    #[test]
    fn not_elf_has_no_id() {
        assert_eq!(of_bytes(b"MZ\x90\x00"), None);
        assert_eq!(of_bytes(b"\x7fELF\x02\x01"), None);
    }
}
