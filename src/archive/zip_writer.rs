//! A zip writer for wheels that deflates large files in parallel.
//!
//! The `zip` crate compresses each file as one serial deflate stream; a Go executable of a few
//! megabytes then costs tens of milliseconds, the bulk of a warm rebuild after an edit. Here a
//! large file is cut into fixed-size chunks deflated on separate threads and joined the way pigz
//! joins them: every chunk but the last ends with a sync flush (an empty stored block, so it
//! ends on a byte boundary and is not final), which makes the concatenation one valid deflate
//! stream. The chunk size is a constant, so the archive's bytes do not depend on how many CPUs
//! the machine has: builds stay reproducible.
//!
//! Only what wheels need is written: regular files with Unix modes, one fixed timestamp, no
//! comments, no encryption and no ZIP64 (a wheel member of 4 GiB or more is refused).
//! Format: <https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT>.

use std::io::Write;

use anyhow::{bail, ensure};
use flate2::{Compress, Compression, FlushCompress, Status};

/// Files are deflated in chunks of this many bytes (one thread each).
const CHUNK: usize = 128 * 1024;

/// The deflate level: zlib's default, the usual trade of size for time.
const LEVEL: u32 = 6;

/// How a file is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Stored,
    Deflated,
}

impl Method {
    fn code(self) -> u16 {
        match self {
            Method::Stored => 0,
            Method::Deflated => 8,
        }
    }
}

/// Writes a zip archive entry by entry to `W`.
pub struct ZipWriter<W: Write> {
    out: W,
    offset: u64,
    central: Vec<u8>,
    entries: u64,
    dos_time: u16,
    dos_date: u16,
}

impl<W: Write> ZipWriter<W> {
    /// Every entry gets the timestamp `(year, month, day, hour, minute, second)` (1980–2107).
    pub fn new(out: W, (y, mo, d, h, mi, s): (u16, u8, u8, u8, u8, u8)) -> anyhow::Result<Self> {
        ensure!(
            (1980..=2107).contains(&y),
            "the timestamp {y}-{mo:02}-{d:02} is outside the range a zip file can store (1980-2107)"
        );
        Ok(Self {
            out,
            offset: 0,
            central: Vec::new(),
            entries: 0,
            dos_time: (u16::from(h) << 11) | (u16::from(mi) << 5) | u16::from(s / 2),
            dos_date: ((y - 1980) << 9) | (u16::from(mo) << 5) | u16::from(d),
        })
    }

    /// Adds a regular file `name` with Unix permissions `mode` (e.g. 0o644).
    pub fn add(
        &mut self,
        name: &str,
        data: &[u8],
        mode: u32,
        method: Method,
    ) -> anyhow::Result<()> {
        let crc = crc32fast::hash(data);
        let compressed;
        let body: &[u8] = match method {
            Method::Stored => data,
            Method::Deflated => {
                compressed = deflate(data)?;
                &compressed
            }
        };
        let too_big = |n: usize| u32::try_from(n).is_err();
        if too_big(data.len()) || too_big(body.len()) || self.offset > u64::from(u32::MAX) {
            bail!("`{name}` is too large for a zip file without ZIP64 (4 GiB)");
        }
        let name_len = u16::try_from(name.len())?;
        // Bit 11: the name is UTF-8 (set only when it is not plain ASCII, as most writers do).
        let flags: u16 = if name.is_ascii() { 0 } else { 1 << 11 };

        // The fields the local header and the central directory entry share, from "version
        // needed to extract" to the name's length.
        let mut common = Vec::with_capacity(24);
        common.extend(20u16.to_le_bytes()); // version needed: 2.0
        common.extend(flags.to_le_bytes());
        common.extend(method.code().to_le_bytes());
        common.extend(self.dos_time.to_le_bytes());
        common.extend(self.dos_date.to_le_bytes());
        common.extend(crc.to_le_bytes());
        common.extend((body.len() as u32).to_le_bytes());
        common.extend((data.len() as u32).to_le_bytes());
        common.extend(name_len.to_le_bytes());

        let mut local = Vec::with_capacity(30 + name.len());
        local.extend(0x0403_4b50u32.to_le_bytes());
        local.extend(&common);
        local.extend(0u16.to_le_bytes()); // no extra field
        local.extend(name.as_bytes());

        let c = &mut self.central;
        c.extend(0x0201_4b50u32.to_le_bytes());
        c.extend(((3u16 << 8) | 20).to_le_bytes()); // made by: Unix, 2.0
        c.extend(&common);
        c.extend([0u8; 8]); // extra and comment lengths, disk number, internal attributes
        c.extend(((0o100_000 | mode) << 16).to_le_bytes()); // S_IFREG | mode
        c.extend((self.offset as u32).to_le_bytes());
        c.extend(name.as_bytes());

        self.out.write_all(&local)?;
        self.out.write_all(body)?;
        self.offset += (local.len() + body.len()) as u64;
        self.entries += 1;
        Ok(())
    }

    /// Writes the central directory and returns the underlying writer.
    pub fn finish(mut self) -> anyhow::Result<W> {
        let entries = u16::try_from(self.entries)
            .map_err(|_| anyhow::anyhow!("more than 65,535 files in one zip file"))?;
        ensure!(
            self.offset <= u64::from(u32::MAX),
            "the zip file is too large without ZIP64 (4 GiB)"
        );
        let mut end = Vec::with_capacity(22);
        end.extend(0x0605_4b50u32.to_le_bytes());
        end.extend([0u8; 4]); // this disk, the disk of the central directory
        end.extend(entries.to_le_bytes());
        end.extend(entries.to_le_bytes());
        end.extend((self.central.len() as u32).to_le_bytes());
        end.extend((self.offset as u32).to_le_bytes());
        end.extend(0u16.to_le_bytes()); // no comment
        self.out.write_all(&self.central)?;
        self.out.write_all(&end)?;
        self.out.flush()?;
        Ok(self.out)
    }
}

/// The window of deflate: each chunk is primed with this much of the data before it, so that
/// it compresses as well as it would in one stream.
const WINDOW: usize = 32 * 1024;

/// Deflates `data` (raw deflate, no zlib header), chunk by chunk in parallel.
fn deflate(data: &[u8]) -> anyhow::Result<Vec<u8>> {
    // (the data before the chunk, for priming; the chunk)
    let chunks: Vec<(&[u8], &[u8])> = if data.is_empty() {
        vec![(data, data)]
    } else {
        (0..data.len())
            .step_by(CHUNK)
            .map(|start| {
                let end = (start + CHUNK).min(data.len());
                (
                    &data[start.saturating_sub(WINDOW)..start],
                    &data[start..end],
                )
            })
            .collect()
    };
    let last = chunks.len() - 1;
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(chunks.len());
    if threads <= 1 {
        let parts = chunks
            .iter()
            .enumerate()
            .map(|(i, (before, chunk))| deflate_chunk(before, chunk, i == last))
            .collect::<anyhow::Result<Vec<_>>>()?;
        return Ok(parts.concat());
    }
    // Each thread takes the next chunk nobody has taken yet.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut parts: Vec<Option<anyhow::Result<Vec<u8>>>> = (0..chunks.len()).map(|_| None).collect();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let (chunks, next) = (&chunks, &next);
                scope.spawn(move || {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(&(before, chunk)) = chunks.get(i) else {
                            return done;
                        };
                        done.push((i, deflate_chunk(before, chunk, i == last)));
                    }
                })
            })
            .collect();
        for handle in handles {
            for (i, part) in handle.join().expect("a deflate thread panicked") {
                parts[i] = Some(part);
            }
        }
    });
    let mut out = Vec::with_capacity(data.len() / 2);
    for part in parts {
        out.extend(part.expect("every chunk is deflated")?);
    }
    Ok(out)
}

/// Deflates one chunk, primed with the data `before` it: the last chunk ends the stream, the
/// others end with a sync flush.
fn deflate_chunk(before: &[u8], chunk: &[u8], last: bool) -> anyhow::Result<Vec<u8>> {
    let mut z = Compress::new(Compression::new(LEVEL), false);
    if !before.is_empty() {
        z.set_dictionary(before)?;
    }
    let mut out = Vec::with_capacity(chunk.len() / 2 + 64);
    let flush = if last {
        FlushCompress::Finish
    } else {
        FlushCompress::Sync
    };
    loop {
        let consumed = z.total_in() as usize;
        if out.capacity() - out.len() < 64 {
            out.reserve(out.capacity().max(4096));
        }
        let status = z.compress_vec(&chunk[consumed..], &mut out, flush)?;
        let done = z.total_in() as usize == chunk.len();
        match status {
            Status::StreamEnd => break,
            // A sync flush is complete once all input is in and output space was left over.
            Status::Ok | Status::BufError if !last && done && out.len() < out.capacity() => break,
            Status::Ok | Status::BufError => {}
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read as _;

    fn inflate(data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::DeflateDecoder::new(data)
            .read_to_end(&mut out)
            .unwrap();
        out
    }

    #[test]
    fn chunked_deflate_is_one_stream() {
        let mut data = Vec::new();
        for i in 0..(3 * CHUNK + 1234) {
            data.push((i * 7 % 251) as u8 ^ (i / 1000) as u8);
        }
        for len in [0, 1, 100, CHUNK - 1, CHUNK, CHUNK + 1, data.len()] {
            let packed = deflate(&data[..len]).unwrap();
            assert_eq!(inflate(&packed), &data[..len], "length {len}");
        }
    }

    #[test]
    fn archives_read_back_with_their_modes() {
        let big: Vec<u8> = (0..(2 * CHUNK + 5)).map(|i| (i % 13) as u8).collect();
        let mut w = ZipWriter::new(Vec::new(), (1980, 1, 1, 0, 0, 0)).unwrap();
        w.add("a/run", &big, 0o755, Method::Deflated).unwrap();
        w.add("a/ünïcode.txt", b"text", 0o644, Method::Stored)
            .unwrap();
        w.add("a/empty", b"", 0o644, Method::Deflated).unwrap();
        let bytes = w.finish().unwrap();

        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(zip.len(), 3);
        let mut read = |name: &str| {
            let mut f = zip.by_name(name).unwrap();
            let mut out = Vec::new();
            f.read_to_end(&mut out).unwrap();
            (out, f.unix_mode())
        };
        assert_eq!(read("a/run"), (big, Some(0o100755)));
        assert_eq!(read("a/ünïcode.txt"), (b"text".to_vec(), Some(0o100644)));
        assert_eq!(read("a/empty"), (Vec::new(), Some(0o100644)));
    }

    #[test]
    fn timestamps_before_1980_are_refused() {
        assert!(ZipWriter::new(Vec::new(), (1979, 12, 31, 0, 0, 0)).is_err());
    }
}
