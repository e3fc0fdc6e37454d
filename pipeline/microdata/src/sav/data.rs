//! The data record of an SPSS system file: a stream of 8-byte units, stored as is,
//! bytecode-compressed, or bytecode-compressed and then deflated in ZLIB blocks.
//!
//! GNU PSPP Developers Guide, "System File Format": "Data Record" (the bytecodes) and
//! "ZLIB Compressed Data" (the ZLIB header, blocks and trailer). Only the current block
//! is ever held, inflated on the fly: memory does not grow with the number of cases.

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom, Take};
use std::path::PathBuf;

use flate2::bufread::ZlibDecoder;

use super::dictionary::Compression;
use crate::binary::BinaryFile;
use crate::{Error, Result};

/// One 8-byte unit of case data, as the compression scheme gives it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Unit {
    /// 8 bytes as stored: a double or 8 bytes of text.
    Bytes([u8; 8]),
    /// A small integer coded in one byte (bytecodes 1-251, minus the bias).
    Number(f64),
    /// The system-missing value (bytecode 255).
    Sysmis,
    /// 8 blanks (bytecode 254).
    Blanks,
}

/// Where the (possibly bytecode-compressed) bytes come from.
enum Source {
    File(BinaryFile),
    Zlib(ZlibBlocks),
}

impl Source {
    /// The next 8 bytes; `Ok(false)` if the data ends exactly here.
    fn eight(&mut self, out: &mut [u8; 8], what: &str) -> Result<bool> {
        match self {
            Source::File(file) => file.read_unless_at_end(out, what),
            Source::Zlib(blocks) => blocks.eight(out, what),
        }
    }

    /// The file offset to name in an error: the next byte, or the current ZLIB block.
    fn offset(&self) -> u64 {
        match self {
            Source::File(file) => file.offset(),
            Source::Zlib(blocks) => blocks.block_offset(),
        }
    }
}

/// Decodes the data record into units.
pub(super) struct Units {
    source: Source,
    path: PathBuf,
    bytecode: bool,
    bias: f64,
    /// The current block of 8 bytecodes, and the next one to use (8 = read a new block).
    codes: [u8; 8],
    next_code: usize,
    /// Bytecode 252 (end of data) has been seen.
    ended: bool,
}

impl Units {
    /// The data that starts at `file`'s current offset.
    pub(super) fn new(file: BinaryFile, compression: Compression, bias: f64) -> Result<Units> {
        let path = file.path().to_path_buf();
        let source = match compression {
            Compression::None | Compression::Bytecode => Source::File(file),
            Compression::Zlib => Source::Zlib(ZlibBlocks::new(file)?),
        };
        Ok(Units {
            source,
            path,
            bytecode: compression != Compression::None,
            bias,
            codes: [0; 8],
            next_code: 8,
            ended: false,
        })
    }

    /// The file offset to name in an error about the unit just read.
    pub(super) fn offset(&self) -> u64 {
        self.source.offset()
    }

    pub(super) fn error(&self, message: impl Into<String>) -> Error {
        Error::Format {
            path: self.path.clone(),
            offset: self.offset(),
            message: message.into(),
        }
    }

    /// The next unit, or `None` where the data ends.
    pub(super) fn next(&mut self) -> Result<Option<Unit>> {
        if self.ended {
            return Ok(None);
        }
        let mut bytes = [0; 8];
        if !self.bytecode {
            return Ok(self
                .source
                .eight(&mut bytes, "case data")?
                .then_some(Unit::Bytes(bytes)));
        }
        loop {
            if self.next_code == 8 {
                if !self.source.eight(&mut self.codes, "a block of bytecodes")? {
                    self.ended = true;
                    return Ok(None);
                }
                self.next_code = 0;
            }
            let code = self.codes[self.next_code];
            self.next_code += 1;
            return Ok(Some(match code {
                // Padding at the end of a fixed-size block.
                0 => continue,
                1..=251 => Unit::Number(f64::from(code) - self.bias),
                252 => {
                    self.ended = true;
                    return Ok(None);
                }
                253 => {
                    if !self.source.eight(&mut bytes, "an uncompressed value")? {
                        return Err(self
                            .error("the data ends where bytecode 253 announced 8 bytes of data"));
                    }
                    Unit::Bytes(bytes)
                }
                254 => Unit::Blanks,
                255 => Unit::Sysmis,
            }));
        }
    }
}

/// One ZLIB block, from the ZLIB trailer.
struct Block {
    compressed_offset: u64,
    compressed_size: u64,
    uncompressed_size: u64,
}

enum Inflate {
    /// Between blocks, the file positioned anywhere.
    Idle(BufReader<File>),
    /// Inflating block `block`, `produced` bytes out so far.
    Running {
        decoder: Box<ZlibDecoder<Take<BufReader<File>>>>,
        produced: u64,
    },
    /// An error left the reader unusable.
    Broken,
}

/// The inflated bytes of the ZLIB blocks of a `.zsav` file, in order.
struct ZlibBlocks {
    path: PathBuf,
    blocks: Vec<Block>,
    /// The block being inflated, or the next one to start.
    block: usize,
    state: Inflate,
}

impl ZlibBlocks {
    /// Reads the ZLIB data header at `file`'s offset and the trailer it points to.
    fn new(mut file: BinaryFile) -> Result<ZlibBlocks> {
        let header_at = file.offset();
        let zheader_offset = file.i64("the ZLIB data header")?;
        let trailer_offset = file.i64("the ZLIB trailer offset")?;
        let trailer_len = file.i64("the ZLIB trailer length")?;
        if zheader_offset as u64 != header_at {
            return Err(file.error_at(
                header_at,
                format!(
                    "the ZLIB data header says it is at byte {zheader_offset}, but it is at \
                     byte {header_at}"
                ),
            ));
        }
        let first_block = file.offset();
        let (Ok(trailer_offset), Ok(trailer_len)) =
            (u64::try_from(trailer_offset), u64::try_from(trailer_len))
        else {
            return Err(file.error_at(
                header_at,
                format!("the ZLIB trailer is at byte {trailer_offset} with length {trailer_len}"),
            ));
        };
        if trailer_offset < first_block
            || trailer_offset.checked_add(trailer_len) != Some(file.len())
        {
            return Err(file.error_at(
                header_at,
                format!(
                    "the ZLIB trailer is said to take bytes {trailer_offset} to \
                     {} but the file has {} bytes",
                    trailer_offset.saturating_add(trailer_len),
                    file.len()
                ),
            ));
        }
        file.seek(trailer_offset, "the ZLIB trailer")?;
        let _bias = file.i64("the ZLIB trailer's bias")?;
        let _zero = file.i64("the ZLIB trailer's zero field")?;
        let block_size = u64::from(file.u32("the ZLIB block size")?);
        let count_at = file.offset();
        let count = u64::from(file.u32("the number of ZLIB blocks")?);
        if trailer_len != 24 * (count + 1) {
            return Err(file.error_at(
                count_at,
                format!(
                    "{count} ZLIB blocks need a trailer of {} bytes, it has {trailer_len}",
                    24 * (count + 1)
                ),
            ));
        }
        let mut blocks = Vec::new();
        let mut expected_offset = first_block;
        for k in 0..count {
            let at = file.offset();
            let _uncompressed_offset = file.i64("a ZLIB block's uncompressed offset")?;
            let compressed_offset = file.i64("a ZLIB block's offset")?;
            let uncompressed_size = u64::from(file.u32("a ZLIB block's inflated size")?);
            let compressed_size = u64::from(file.u32("a ZLIB block's size")?);
            if compressed_offset as u64 != expected_offset
                || uncompressed_size > block_size
                || expected_offset + compressed_size > trailer_offset
            {
                return Err(file.error_at(
                    at,
                    format!(
                        "ZLIB block {} is said to take {compressed_size} bytes at byte \
                         {compressed_offset} and inflate to {uncompressed_size} bytes; expected \
                         it at byte {expected_offset}, before the trailer at byte \
                         {trailer_offset}, and at most {block_size} bytes inflated",
                        k + 1
                    ),
                ));
            }
            expected_offset += compressed_size;
            blocks.push(Block {
                compressed_offset: compressed_offset as u64,
                compressed_size,
                uncompressed_size,
            });
        }
        if expected_offset != trailer_offset {
            return Err(file.error_at(
                expected_offset,
                format!(
                    "the ZLIB blocks end at byte {expected_offset} but the trailer starts at \
                     byte {trailer_offset}"
                ),
            ));
        }
        let path = file.path().to_path_buf();
        Ok(ZlibBlocks {
            path,
            blocks,
            block: 0,
            state: Inflate::Idle(file.into_reader()),
        })
    }

    fn block_offset(&self) -> u64 {
        self.blocks
            .get(self.block)
            .or(self.blocks.last())
            .map_or(0, |b| b.compressed_offset)
    }

    fn error(&mut self, message: String) -> Error {
        self.state = Inflate::Broken;
        Error::Format {
            path: self.path.clone(),
            offset: self.block_offset(),
            message,
        }
    }

    /// Inflated bytes into `buf`; `Ok(0)` once every block is done.
    fn read(&mut self, buf: &mut [u8]) -> Result<usize> {
        loop {
            match std::mem::replace(&mut self.state, Inflate::Broken) {
                Inflate::Broken => {
                    return Err(self.error("the ZLIB data cannot be read after an error".into()))
                }
                Inflate::Idle(mut reader) => {
                    let Some(block) = self.blocks.get(self.block) else {
                        self.state = Inflate::Idle(reader);
                        return Ok(0);
                    };
                    if let Err(e) = reader.seek(SeekFrom::Start(block.compressed_offset)) {
                        return Err(Error::Io {
                            path: self.path.clone(),
                            source: e,
                        });
                    }
                    let decoder = ZlibDecoder::new(reader.take(block.compressed_size));
                    self.state = Inflate::Running {
                        decoder: Box::new(decoder),
                        produced: 0,
                    };
                }
                Inflate::Running {
                    mut decoder,
                    produced,
                } => {
                    let expected = self.blocks[self.block].uncompressed_size;
                    let n = match decoder.read(buf) {
                        Ok(n) => n,
                        Err(e) => {
                            return Err(self.error(format!(
                                "ZLIB block {} cannot be inflated: {e}",
                                self.block + 1
                            )))
                        }
                    };
                    let produced = produced + n as u64;
                    if n > 0 && produced <= expected {
                        self.state = Inflate::Running { decoder, produced };
                        return Ok(n);
                    }
                    if produced != expected {
                        return Err(self.error(format!(
                            "ZLIB block {} inflates to {} bytes, the trailer says {expected}",
                            self.block + 1,
                            if n > 0 {
                                format!("more than {expected}")
                            } else {
                                produced.to_string()
                            }
                        )));
                    }
                    self.block += 1;
                    self.state = Inflate::Idle(decoder.into_inner().into_inner());
                }
            }
        }
    }

    /// The next 8 inflated bytes; `Ok(false)` if the data ends exactly here.
    fn eight(&mut self, out: &mut [u8; 8], what: &str) -> Result<bool> {
        let mut filled = 0;
        while filled < 8 {
            let n = self.read(&mut out[filled..])?;
            if n == 0 {
                if filled == 0 {
                    return Ok(false);
                }
                return Err(self.error(format!(
                    "the ZLIB data ends while reading {what}: 8 bytes expected, {filled} left"
                )));
            }
            filled += n;
        }
        Ok(true)
    }
}
