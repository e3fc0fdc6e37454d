//! Reading fixed-layout binary files (SPSS `.sav`, Stata `.dta`).
//!
//! Both formats put numbers in either byte order and carry length fields that a damaged
//! file can set to anything. [`BinaryFile`] reads numbers in the file's [`ByteOrder`],
//! never trusts a length beyond the end of the file (so a corrupt count cannot make us
//! allocate gigabytes), and turns every short read into an [`Error::Format`] that names
//! the byte offset and what was being read.

use std::fs::File;
use std::io::{BufReader, ErrorKind, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use crate::{Error, Result};

/// The order of the bytes of a multi-byte number in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ByteOrder {
    /// Least significant byte first (x86, ARM; Stata "LSF", SPSS layout code read as is).
    LittleEndian,
    /// Most significant byte first (SPARC, POWER; Stata "MSF").
    BigEndian,
}

impl ByteOrder {
    /// An unsigned integer of `bytes.len()` (at most 8) bytes.
    pub(crate) fn uint(self, bytes: &[u8]) -> u64 {
        debug_assert!(bytes.len() <= 8);
        let mut value = 0u64;
        match self {
            ByteOrder::BigEndian => {
                for &b in bytes {
                    value = (value << 8) | u64::from(b);
                }
            }
            ByteOrder::LittleEndian => {
                for &b in bytes.iter().rev() {
                    value = (value << 8) | u64::from(b);
                }
            }
        }
        value
    }

    pub(crate) fn u16(self, b: [u8; 2]) -> u16 {
        match self {
            ByteOrder::LittleEndian => u16::from_le_bytes(b),
            ByteOrder::BigEndian => u16::from_be_bytes(b),
        }
    }

    pub(crate) fn i16(self, b: [u8; 2]) -> i16 {
        self.u16(b) as i16
    }

    pub(crate) fn u32(self, b: [u8; 4]) -> u32 {
        match self {
            ByteOrder::LittleEndian => u32::from_le_bytes(b),
            ByteOrder::BigEndian => u32::from_be_bytes(b),
        }
    }

    pub(crate) fn i32(self, b: [u8; 4]) -> i32 {
        self.u32(b) as i32
    }

    pub(crate) fn u64(self, b: [u8; 8]) -> u64 {
        match self {
            ByteOrder::LittleEndian => u64::from_le_bytes(b),
            ByteOrder::BigEndian => u64::from_be_bytes(b),
        }
    }

    pub(crate) fn i64(self, b: [u8; 8]) -> i64 {
        self.u64(b) as i64
    }

    pub(crate) fn f32(self, b: [u8; 4]) -> f32 {
        f32::from_bits(self.u32(b))
    }

    pub(crate) fn f64(self, b: [u8; 8]) -> f64 {
        f64::from_bits(self.u64(b))
    }
}

/// A binary file read front to back (with seeks), through a buffer.
pub(crate) struct BinaryFile {
    reader: BufReader<File>,
    path: PathBuf,
    offset: u64,
    len: u64,
    /// The byte order numbers are read in; set once the header has told it.
    pub(crate) order: ByteOrder,
}

impl BinaryFile {
    /// Opens `path`; numbers are read little-endian until `order` is set.
    pub(crate) fn open(path: &Path) -> Result<BinaryFile> {
        let io_error = |source| Error::Io {
            path: path.to_path_buf(),
            source,
        };
        let file = File::open(path).map_err(io_error)?;
        let len = file.metadata().map_err(io_error)?.len();
        Ok(BinaryFile {
            // 64 KiB: large enough that a record-at-a-time reader makes few system calls.
            reader: BufReader::with_capacity(64 * 1024, file),
            path: path.to_path_buf(),
            offset: 0,
            len,
            order: ByteOrder::LittleEndian,
        })
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// The offset of the next byte to be read.
    pub(crate) fn offset(&self) -> u64 {
        self.offset
    }

    /// The size of the file in bytes.
    pub(crate) fn len(&self) -> u64 {
        self.len
    }

    /// The number of bytes between the current offset and the end of the file.
    pub(crate) fn remaining(&self) -> u64 {
        self.len.saturating_sub(self.offset)
    }

    /// A format error at `offset` in this file.
    pub(crate) fn error_at(&self, offset: u64, message: impl Into<String>) -> Error {
        Error::Format {
            path: self.path.clone(),
            offset,
            message: message.into(),
        }
    }

    /// A format error at the current offset.
    pub(crate) fn error(&self, message: impl Into<String>) -> Error {
        self.error_at(self.offset, message)
    }

    fn io_error(&self, source: std::io::Error) -> Error {
        Error::Io {
            path: self.path.clone(),
            source,
        }
    }

    fn short_read(&self, what: &str, needed: u64) -> Error {
        self.error(format!(
            "the file ends while reading {what}: {needed} bytes expected, {} left",
            self.remaining()
        ))
    }

    /// Moves to `offset`, which must lie within the file.
    pub(crate) fn seek(&mut self, offset: u64, what: &str) -> Result<()> {
        if offset > self.len {
            return Err(self.error(format!(
                "{what} is said to start at byte {offset}, beyond the end of the file ({} bytes)",
                self.len
            )));
        }
        let delta = offset as i128 - self.offset as i128;
        // A short forward or backward move stays within the buffer; a real seek empties it.
        if let Ok(delta) = i64::try_from(delta) {
            self.reader
                .seek_relative(delta)
                .map_err(|e| self.io_error(e))?;
        } else {
            self.reader
                .seek(SeekFrom::Start(offset))
                .map_err(|e| self.io_error(e))?;
        }
        self.offset = offset;
        Ok(())
    }

    /// Skips `n` bytes, which must lie within the file.
    pub(crate) fn skip(&mut self, n: u64, what: &str) -> Result<()> {
        if n > self.remaining() {
            return Err(self.short_read(what, n));
        }
        self.seek(self.offset + n, what)
    }

    /// Fills `buf` from the file.
    pub(crate) fn read_into(&mut self, buf: &mut [u8], what: &str) -> Result<()> {
        if buf.len() as u64 > self.remaining() {
            return Err(self.short_read(what, buf.len() as u64));
        }
        match self.reader.read_exact(buf) {
            Ok(()) => {
                self.offset += buf.len() as u64;
                Ok(())
            }
            // The file shrank while we read it.
            Err(e) if e.kind() == ErrorKind::UnexpectedEof => {
                Err(self.short_read(what, buf.len() as u64))
            }
            Err(e) => Err(self.io_error(e)),
        }
    }

    /// Fills `buf` if the file has that many bytes left; returns `Ok(false)` if the file
    /// ends exactly here, and an error if it ends part way through `buf`.
    pub(crate) fn read_unless_at_end(&mut self, buf: &mut [u8], what: &str) -> Result<bool> {
        if self.remaining() == 0 {
            return Ok(false);
        }
        self.read_into(buf, what)?;
        Ok(true)
    }

    /// `n` bytes, refused if the file does not have them (so that a corrupt length cannot
    /// make us allocate more than the file's size).
    pub(crate) fn bytes(&mut self, n: u64, what: &str) -> Result<Vec<u8>> {
        if n > self.remaining() {
            return Err(self.short_read(what, n));
        }
        let mut buf = vec![0; n as usize];
        self.read_into(&mut buf, what)?;
        Ok(buf)
    }

    pub(crate) fn array<const N: usize>(&mut self, what: &str) -> Result<[u8; N]> {
        let mut buf = [0; N];
        self.read_into(&mut buf, what)?;
        Ok(buf)
    }

    pub(crate) fn u8(&mut self, what: &str) -> Result<u8> {
        Ok(self.array::<1>(what)?[0])
    }

    pub(crate) fn u16(&mut self, what: &str) -> Result<u16> {
        let b = self.array(what)?;
        Ok(self.order.u16(b))
    }

    pub(crate) fn i32(&mut self, what: &str) -> Result<i32> {
        let b = self.array(what)?;
        Ok(self.order.i32(b))
    }

    pub(crate) fn u32(&mut self, what: &str) -> Result<u32> {
        let b = self.array(what)?;
        Ok(self.order.u32(b))
    }

    pub(crate) fn i64(&mut self, what: &str) -> Result<i64> {
        let b = self.array(what)?;
        Ok(self.order.i64(b))
    }

    pub(crate) fn u64(&mut self, what: &str) -> Result<u64> {
        let b = self.array(what)?;
        Ok(self.order.u64(b))
    }

    pub(crate) fn f64(&mut self, what: &str) -> Result<f64> {
        let b = self.array(what)?;
        Ok(self.order.f64(b))
    }

    /// Reads `expected.len()` bytes and checks they are `expected` (a tag such as
    /// `<data>`).
    pub(crate) fn expect(&mut self, expected: &[u8]) -> Result<()> {
        let at = self.offset;
        let what = String::from_utf8_lossy(expected);
        let found = self.bytes(expected.len() as u64, &format!("`{what}`"))?;
        if found != expected {
            return Err(self.error_at(
                at,
                format!(
                    "expected `{what}`, found `{}`",
                    String::from_utf8_lossy(&found).escape_debug()
                ),
            ));
        }
        Ok(())
    }

    /// Gives up the buffered reader, positioned at [`BinaryFile::offset`].
    pub(crate) fn into_reader(self) -> BufReader<File> {
        self.reader
    }
}

/// The bytes of a fixed-width text field up to its first NUL (C strings in Stata files).
pub(crate) fn until_nul(bytes: &[u8]) -> &[u8] {
    match bytes.iter().position(|&b| b == 0) {
        Some(end) => &bytes[..end],
        None => bytes,
    }
}

/// `bytes` without trailing blanks and NULs (SPSS pads text with blanks, some writers
/// with NULs).
pub(crate) fn trim_padding(bytes: &[u8]) -> &[u8] {
    let end = bytes
        .iter()
        .rposition(|&b| b != b' ' && b != 0)
        .map_or(0, |i| i + 1);
    &bytes[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variable_width_integers_follow_the_byte_order() {
        assert_eq!(ByteOrder::LittleEndian.uint(&[1, 2, 3]), 0x030201);
        assert_eq!(ByteOrder::BigEndian.uint(&[1, 2, 3]), 0x010203);
        assert_eq!(ByteOrder::BigEndian.i32([0xff, 0xff, 0xff, 0xfe]), -2);
        assert_eq!(ByteOrder::LittleEndian.f64(1.5f64.to_le_bytes()), 1.5);
    }

    #[test]
    fn padding_is_trimmed_and_c_strings_end_at_nul() {
        assert_eq!(trim_padding(b"ab  \0 "), b"ab");
        assert_eq!(trim_padding(b"    "), b"");
        assert_eq!(until_nul(b"ab\0cd"), b"ab");
        assert_eq!(until_nul(b"abcd"), b"abcd");
    }
}
