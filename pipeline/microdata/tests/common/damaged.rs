//! The harness of `dta_damaged.rs` and `sav_damaged.rs`: copies of a binary format's test
//! files, cut short or with one byte overwritten, are read with their panics caught.
//!
//! A test file takes it in with `#[path = "common/damaged.rs"] mod damaged;`.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use migstat_microdata::{Error, RecordReader, Variable};

/// The variables and records of a file.
pub type Contents = (Vec<Variable>, Vec<Vec<Option<String>>>);

/// A binary format: its test files, how to open them, and which of their bytes to damage.
///
/// Every byte of a file's head is damaged, then one byte in `stride`. The phase of the
/// stride moves with the file and the kind of damage, so that together they hit every
/// section of every file in a few seconds of a debug build (every byte of every file took
/// a quarter of a minute).
pub struct Format<R> {
    /// The folder of `tests/data` holding the files.
    pub dir: &'static str,
    /// The files to damage. Their order sets the phase of each.
    pub files: &'static [&'static str],
    pub open: fn(&Path) -> Result<R, Error>,
    /// What the format calls a record, for the messages.
    pub record: &'static str,
    /// One byte in `stride` is damaged past the head.
    pub stride: usize,
    /// How far the phase of the stride moves from one file to the next.
    pub phase_step: usize,
}

/// The damages done to one byte. All bits set makes lengths and counts huge or negative;
/// 0x80 flips a sign or turns text into a code-page byte; 0 ends strings, tags and counts.
const DAMAGES: [fn(u8) -> u8; 3] = [|_| 0xff, |b| b ^ 0x80, |_| 0];

impl<R: RecordReader> Format<R> {
    pub fn path(&self, file: &str) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data")
            .join(self.dir)
            .join(file)
    }

    /// The variables and records of a file. A corrupt header may declare any number of
    /// records of zero bytes: no test file has more than 10, so reading stops after 1,000.
    pub fn read_all(&self, path: &Path) -> Result<Contents, Error> {
        let mut reader = (self.open)(path)?;
        let mut records = Vec::new();
        let mut values = Vec::new();
        while records.len() < 1000 && reader.next_record(&mut values)? {
            records.push(values.clone());
        }
        Ok((reader.variables().to_vec(), records))
    }

    /// The positions to damage in file number `file` of `files` with damage number `kind`:
    /// every byte of the first `head`, then one byte in the stride.
    fn positions(
        &self,
        len: usize,
        head: usize,
        file: usize,
        kind: usize,
    ) -> impl Iterator<Item = usize> {
        let stride = self.stride;
        let phase = (file * self.phase_step + kind) % stride;
        (0..len.min(head)).chain((head..len).filter(move |p| p % stride == phase))
    }

    /// Cuts every file at every length up to `head` and then at one length in the stride,
    /// and reads each cut copy. A cut copy must be refused with a format error at an offset
    /// within the cut, or read as the whole file: `is_whole(bytes, whole, read)` says
    /// whether the contents `read` from it are those of the whole file, read as `whole`
    /// from its `bytes`. Returns what went otherwise: a panic, another error, or a cut copy
    /// read as a shorter file.
    pub fn truncation_failures(
        &self,
        head: usize,
        is_whole: impl Fn(&[u8], &Contents, &Contents) -> bool,
    ) -> Vec<String> {
        let dir = scratch();
        let mut failures = Vec::new();
        for (f, file) in self.files.iter().enumerate() {
            let whole = self.read_all(&self.path(file)).unwrap();
            let bytes = std::fs::read(self.path(file)).unwrap();
            let cut = dir.path().join(file);
            for len in self.positions(bytes.len(), head, f, 0) {
                std::fs::write(&cut, &bytes[..len]).unwrap();
                match catch_unwind(AssertUnwindSafe(|| self.read_all(&cut))) {
                    Err(_) => failures.push(format!("{file} cut to {len} bytes: panic")),
                    Ok(Ok(read)) if !is_whole(&bytes, &whole, &read) => failures.push(format!(
                        "{file} cut to {len} bytes: read as a file of {} {}s",
                        read.1.len(),
                        self.record
                    )),
                    Ok(Ok(_)) => {}
                    Ok(Err(Error::Format { offset, .. })) if offset <= len as u64 => {}
                    Ok(Err(e)) => failures.push(format!("{file} cut to {len} bytes: {e:?}")),
                }
            }
        }
        failures
    }

    /// Overwrites one byte at a time of every file, with every one of [`DAMAGES`], at one
    /// position in the stride, and reads each damaged copy. Returns the damages that made
    /// the reader panic.
    pub fn corruption_panics(&self) -> Vec<String> {
        let dir = scratch();
        let mut panics = Vec::new();
        for (f, file) in self.files.iter().enumerate() {
            let bytes = std::fs::read(self.path(file)).unwrap();
            let damaged_path = dir.path().join(file);
            for (kind, damage) in DAMAGES.into_iter().enumerate() {
                for position in self.positions(bytes.len(), 0, f, kind) {
                    let value = damage(bytes[position]);
                    let mut damaged = bytes.clone();
                    damaged[position] = value;
                    std::fs::write(&damaged_path, &damaged).unwrap();
                    if catch_unwind(AssertUnwindSafe(|| self.read_all(&damaged_path))).is_err() {
                        panics.push(format!("{file}: byte {position} set to {value:#04x}"));
                    }
                }
            }
        }
        panics
    }
}

/// A directory for the damaged copies, in memory where the system has one (hundreds of
/// thousands of small writes).
pub fn scratch() -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    if shm.is_dir() {
        if let Ok(dir) = tempfile::tempdir_in(shm) {
            return dir;
        }
    }
    tempfile::tempdir().unwrap()
}

/// Writes `bytes` to the file `name` in `dir`.
pub fn write_patched(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// The offset and message of a format error; panics on anything else.
pub fn format_error(result: Result<Contents, Error>) -> (u64, String) {
    match result {
        Err(Error::Format {
            offset, message, ..
        }) => (offset, message),
        other => panic!("expected a format error, got {other:?}"),
    }
}
