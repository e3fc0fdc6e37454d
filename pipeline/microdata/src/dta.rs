//! Stata datasets (`.dta`), read observation by observation.
//!
//! Formats 117, 118 and 119 (Stata 13 and later: the tagged `<stata_dta>` layout of
//! `help dta`) and the older binary formats 113, 114 and 115 (Stata 8 to 12, which
//! pyreadstat and R haven still write on request), in either byte order.
//!
//! What a [`DtaReader`] hands out:
//! - one [`Variable`] per Stata variable, with its variable label and the value labels of
//!   the label set attached to it, keyed by the value as the observations show it (labels
//!   of the missing codes `.a`-`.z` are keyed `.a`-`.z`);
//! - numbers formatted by [`format_number`] (`float`s by their shortest `f32` decimal,
//!   so a stored `0.1f32` reads `0.1`), Stata's missing values `.` and `.a`-`.z` as `None`
//!   (for each storage type, every value above its largest non-missing value: 100 for
//!   `byte`, 32,740 for `int`, 2,147,483,620 for `long`, about 1.7e38 for `float` and
//!   8.99e307 for `double`);
//! - `str#` values up to their first NUL, trailing blanks removed like every other text in
//!   this crate; `strL`s looked up in the file by their (v,o) reference.
//!
//! Text is UTF-8 from format 118 on, Windows-1252 before (what Stata for Windows wrote).
//!
//! Only the observation being read is in memory, plus an index of the strLs (16 bytes and
//! a hash entry per distinct strL, none for files without strLs) and the value labels.
//!
//! ```no_run
//! use migstat_microdata::{dta::DtaReader, RecordReader};
//!
//! let mut reader = DtaReader::open("census.dta")?;
//! let sex = reader.variables().iter().position(|v| v.name == "sex").unwrap();
//! let mut values = Vec::new();
//! while reader.next_record(&mut values)? {
//!     let label = values[sex]
//!         .as_ref()
//!         .and_then(|code| reader.variables()[sex].value_labels.get(code));
//! }
//! # Ok::<(), migstat_microdata::Error>(())
//! ```

mod dictionary;

use std::collections::HashMap;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

pub use crate::binary::ByteOrder;

use crate::binary::{trim_padding, until_nul, BinaryFile};
use crate::encoding::Encoding;
use crate::{format_number, Error, RecordPosition, RecordReader, Result, Variable};
use dictionary::{Gso, StorageType};

/// The largest non-missing value of each storage type; anything above is `.`, `.a`..`.z`
/// (`help dta`, "Representation of numbers").
const MAX_BYTE: i8 = 100;
const MAX_INT: i16 = 32_740;
const MAX_LONG: i32 = 2_147_483_620;
const MAX_FLOAT_BITS: u32 = 0x7eff_ffff;
const MAX_DOUBLE_BITS: u64 = 0x7fdf_ffff_ffff_ffff;

/// A Stata dataset open for reading.
pub struct DtaReader {
    variables: Vec<Variable>,
    types: Vec<StorageType>,
    file: BinaryFile,
    version: u16,
    encoding: Encoding,
    observations: u64,
    data_label: Option<String>,
    /// The bytes of one observation, and the observation being decoded (allocated on the
    /// first read: a dataset without observations can declare a record wider than itself).
    record_len: usize,
    record: Vec<u8>,
    /// Observations read so far.
    read: u64,
    strls: Strls,
}

impl DtaReader {
    /// Opens a dataset and reads its dictionary and value labels; the observations are
    /// read by [`RecordReader::next_record`].
    pub fn open(path: impl AsRef<Path>) -> Result<DtaReader> {
        let mut file = BinaryFile::open(path.as_ref())?;
        let dictionary = dictionary::read_dictionary(&mut file)?;
        file.seek(dictionary.data_offset, "the data")?;
        let data_label = dictionary.data_label;
        Ok(DtaReader {
            strls: Strls {
                path: path.as_ref().to_path_buf(),
                index: dictionary.strls,
                file: None,
                // In format 118 the 8 bytes of a (v,o) reference hold v in 2 bytes and o in
                // 6; 119 widens v to 3 bytes (o 5), 117 stores two 4-byte integers.
                v_len: match dictionary.version {
                    117 => 4,
                    118 => 2,
                    _ => 3,
                },
                order: dictionary.order,
                encoding: dictionary.encoding,
                buffer: Vec::new(),
            },
            variables: dictionary.variables,
            types: dictionary.types,
            file,
            version: dictionary.version,
            encoding: dictionary.encoding,
            observations: dictionary.observations,
            data_label: (!data_label.is_empty()).then_some(data_label),
            record_len: dictionary.record_len,
            record: Vec::new(),
            read: 0,
        })
    }

    /// The format number: 113, 114, 115, 117, 118 or 119.
    pub fn format_version(&self) -> u16 {
        self.version
    }

    /// The byte order of the file's numbers.
    pub fn byte_order(&self) -> ByteOrder {
        self.file.order
    }

    /// The dataset label (`label data` in Stata), if any.
    pub fn data_label(&self) -> Option<&str> {
        self.data_label.as_deref()
    }

    /// The character encoding the file's text is decoded from.
    pub fn encoding(&self) -> &'static str {
        self.encoding.name()
    }

    /// One value of the observation in `self.record`, at `start`.
    fn value(&mut self, v: usize, start: usize) -> Result<Option<String>> {
        let storage = self.types[v];
        let bytes = &self.record[start..start + storage.size()];
        let order = self.file.order;
        Ok(match storage {
            StorageType::Byte => {
                let x = bytes[0] as i8;
                (x <= MAX_BYTE).then(|| x.to_string())
            }
            StorageType::Int => {
                let x = order.i16([bytes[0], bytes[1]]);
                (x <= MAX_INT).then(|| x.to_string())
            }
            StorageType::Long => {
                let x = order.i32(bytes.try_into().expect("4 bytes"));
                (x <= MAX_LONG).then(|| x.to_string())
            }
            StorageType::Float => {
                let x = order.f32(bytes.try_into().expect("4 bytes"));
                if x.is_nan() || x > f32::from_bits(MAX_FLOAT_BITS) {
                    None
                } else {
                    // The shortest decimal that reads back as this f32: what Stata shows.
                    format!("{x}").parse::<f64>().ok().and_then(format_number)
                }
            }
            StorageType::Double => {
                let x = order.f64(bytes.try_into().expect("8 bytes"));
                if x.is_nan() || x > f64::from_bits(MAX_DOUBLE_BITS) {
                    None
                } else {
                    format_number(x)
                }
            }
            StorageType::Str(_) => Some(self.encoding.decode_lossy(trim_padding(until_nul(bytes)))),
            StorageType::StrL => {
                let reference: [u8; 8] = bytes.try_into().expect("8 bytes");
                // The observation was just read: it starts one record length back.
                let offset = self.file.offset() - self.record.len() as u64 + start as u64;
                Some(
                    self.strls
                        .get(reference, self.read + 1, offset, &self.variables[v].name)?,
                )
            }
        })
    }
}

impl RecordReader for DtaReader {
    fn variables(&self) -> &[Variable] {
        &self.variables
    }

    fn next_record(&mut self, values: &mut Vec<Option<String>>) -> Result<bool> {
        values.clear();
        if self.read == self.observations {
            return Ok(false);
        }
        // The dictionary checked that all observations fit in the file.
        self.record.resize(self.record_len, 0);
        self.file.read_into(&mut self.record, "an observation")?;
        let mut start = 0;
        for v in 0..self.types.len() {
            values.push(self.value(v, start)?);
            start += self.types[v].size();
        }
        self.read += 1;
        Ok(true)
    }

    fn position(&self) -> RecordPosition {
        RecordPosition {
            record: self.read,
            line: None,
        }
    }

    fn declared_records(&self) -> Option<u64> {
        Some(self.observations)
    }
}

/// The strLs of a file, read on demand through a second handle on the file (so that the
/// buffered reading of the observations is not disturbed).
struct Strls {
    path: PathBuf,
    index: HashMap<(u32, u64), Gso>,
    file: Option<File>,
    /// Bytes of v in a (v,o) reference; o takes the other `8 - v_len`.
    v_len: usize,
    order: ByteOrder,
    encoding: Encoding,
    buffer: Vec<u8>,
}

impl Strls {
    /// (v,o) from the 8 bytes of a reference: v first, then o, each in the file's order.
    fn split(&self, reference: [u8; 8]) -> (u32, u64) {
        let v = self.order.uint(&reference[..self.v_len]) as u32;
        let o = self.order.uint(&reference[self.v_len..]);
        (v, o)
    }

    /// The text a (v,o) reference in observation `observation` points to.
    fn get(
        &mut self,
        reference: [u8; 8],
        observation: u64,
        offset: u64,
        variable: &str,
    ) -> Result<String> {
        let key = self.split(reference);
        // (0,0) is the empty string, stored nowhere.
        if key == (0, 0) {
            return Ok(String::new());
        }
        let Some(gso) = self.index.get(&key).copied() else {
            return Err(Error::Format {
                path: self.path.clone(),
                offset,
                message: format!(
                    "observation {observation}, variable {variable}: strL reference (v={}, \
                     o={}) matches no GSO in the <strls> section",
                    key.0, key.1
                ),
            });
        };
        let io_error = |path: &Path, source| Error::Io {
            path: path.to_path_buf(),
            source,
        };
        let file = match &mut self.file {
            Some(file) => file,
            None => self
                .file
                .insert(File::open(&self.path).map_err(|e| io_error(&self.path, e))?),
        };
        self.buffer.resize(gso.len as usize, 0);
        file.seek(SeekFrom::Start(gso.offset))
            .and_then(|_| file.read_exact(&mut self.buffer))
            .map_err(|e| io_error(&self.path, e))?;
        let text = if gso.nul_terminated {
            until_nul(&self.buffer)
        } else {
            &self.buffer[..]
        };
        Ok(self.encoding.decode_lossy(trim_padding(text)))
    }
}
