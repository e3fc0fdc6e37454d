//! SPSS system files (`.sav`, and `.zsav` with ZLIB-compressed data), read case by case.
//!
//! The format is the one documented by GNU PSPP (PSPP Developers Guide, appendix "System
//! File Format"): a file header, a dictionary of records (variables with their
//! continuation records, value labels, documents, and the extension records for the
//! machine's number format, long variable names, very long strings, the character
//! encoding, and long string value labels and missing values), a dictionary termination
//! record, then the data: uncompressed, bytecode-compressed, or ZLIB-compressed. Files of
//! either byte order are read.
//!
//! What a [`SavReader`] hands out:
//! - one [`Variable`] per SPSS variable, named by its long name, with its label, its value
//!   labels (keyed by the value as the records show it) and its user-missing values
//!   (discrete values in `missing_values`, a range in `missing_ranges`, `LO` and `HI` as
//!   infinities);
//! - numbers formatted by [`format_number`], the system-missing value as `None`;
//! - strings decoded from the file's encoding, trailing blanks removed; a string variable
//!   wider than 255 bytes (stored as segments) as one value.
//!
//! ```no_run
//! use migstat_microdata::{sav::SavReader, RecordReader};
//!
//! let mut reader = SavReader::open("survey.sav")?;
//! let names: Vec<&str> = reader.variables().iter().map(|v| v.name.as_str()).collect();
//! let mut values = Vec::new();
//! while reader.next_record(&mut values)? {
//!     // values[i] is the value of names[i] in this case
//! }
//! # Ok::<(), migstat_microdata::Error>(())
//! ```

mod data;
mod dictionary;

use std::path::Path;

pub use crate::binary::ByteOrder;
pub use dictionary::Compression;

use crate::binary::{trim_padding, BinaryFile};
use crate::encoding::Encoding;
use crate::{format_number, Error, RecordPosition, RecordReader, Result, Variable};
use data::{Unit, Units};
use dictionary::Piece;

/// An SPSS system file open for reading.
pub struct SavReader {
    variables: Vec<Variable>,
    /// The width in bytes of each variable, 0 for numeric ones.
    widths: Vec<usize>,
    pieces: Vec<Piece>,
    units: Units,
    order: ByteOrder,
    encoding: Encoding,
    compression: Compression,
    sysmis: u64,
    case_count: Option<u64>,
    file_label: Option<String>,
    documents: Vec<String>,
    /// Cases read so far.
    record: u64,
    /// Per variable, the value of the case being read: a number, or the bytes of a
    /// string (reused from case to case, so reading allocates no buffers per case).
    numbers: Vec<Option<f64>>,
    texts: Vec<Vec<u8>>,
}

impl SavReader {
    /// Opens a system file and reads its dictionary; the cases are read by
    /// [`RecordReader::next_record`].
    pub fn open(path: impl AsRef<Path>) -> Result<SavReader> {
        let mut file = BinaryFile::open(path.as_ref())?;
        let dictionary = dictionary::read_dictionary(&mut file)?;
        let order = file.order;
        debug_assert_eq!(file.offset(), dictionary.data_offset);
        let header = dictionary.header;
        let units = Units::new(file, header.compression, header.bias)?;
        let variable_count = dictionary.variables.len();
        let file_label = dictionary
            .encoding
            .decode_lossy(trim_padding(&header.file_label));
        Ok(SavReader {
            texts: dictionary
                .widths
                .iter()
                .map(|&w| Vec::with_capacity(w + 8))
                .collect(),
            numbers: vec![None; variable_count],
            variables: dictionary.variables,
            widths: dictionary.widths,
            pieces: dictionary.pieces,
            units,
            order,
            encoding: dictionary.encoding,
            compression: header.compression,
            sysmis: dictionary.sysmis,
            // A file without variables has no data, whatever its header says.
            case_count: if variable_count == 0 {
                Some(0)
            } else {
                header.case_count
            },
            file_label: (!file_label.is_empty()).then_some(file_label),
            documents: dictionary.documents,
            record: 0,
        })
    }

    /// The file label (`FILE LABEL` in SPSS), if any.
    pub fn file_label(&self) -> Option<&str> {
        self.file_label.as_deref()
    }

    /// The lines of the file's documents (`DOCUMENT` in SPSS).
    pub fn documents(&self) -> &[String] {
        &self.documents
    }

    /// The character encoding the file's text is decoded from (`UTF-8`, `windows-1252`,
    /// `ISO-8859-1`).
    pub fn encoding(&self) -> &'static str {
        self.encoding.name()
    }

    /// How the file's data is compressed.
    pub fn compression(&self) -> Compression {
        self.compression
    }

    /// The byte order of the file's numbers.
    pub fn byte_order(&self) -> ByteOrder {
        self.order
    }

    fn variable_name(&self, piece: &Piece) -> &str {
        let (Piece::Number { variable } | Piece::Text { variable, .. }) = piece;
        &self.variables[*variable].name
    }

    /// Reads the units of one case into `numbers` and `texts`; `Ok(false)` if the data
    /// ends before the case starts. Errors name the case.
    fn read_case(&mut self) -> Result<bool> {
        let case = self.record + 1;
        self.read_units().map_err(|error| match error {
            Error::Format {
                path,
                offset,
                message,
            } => Error::Format {
                path,
                offset,
                message: format!("record {case}: {message}"),
            },
            other => other,
        })
    }

    fn read_units(&mut self) -> Result<bool> {
        for text in &mut self.texts {
            text.clear();
        }
        for p in 0..self.pieces.len() {
            let piece = self.pieces[p];
            match piece {
                Piece::Number { variable } => {
                    let unit = match self.units.next()? {
                        Some(unit) => unit,
                        None if p == 0 => return Ok(false),
                        None => return Err(self.ends_mid_case(&piece)),
                    };
                    self.numbers[variable] = match unit {
                        Unit::Bytes(bytes) => {
                            let x = self.order.f64(bytes);
                            (x.to_bits() != self.sysmis).then_some(x)
                        }
                        Unit::Number(x) => Some(x),
                        Unit::Sysmis => None,
                        Unit::Blanks => {
                            return Err(self.units.error(format!(
                                "variable {}: bytecode 254 (8 blanks) for a numeric value",
                                self.variable_name(&piece)
                            )))
                        }
                    };
                }
                Piece::Text {
                    variable,
                    units,
                    used,
                } => {
                    let start = self.texts[variable].len();
                    for u in 0..units {
                        let unit = match self.units.next()? {
                            Some(unit) => unit,
                            None if p == 0 && u == 0 => return Ok(false),
                            None => return Err(self.ends_mid_case(&piece)),
                        };
                        let bytes = match unit {
                            Unit::Bytes(bytes) => bytes,
                            Unit::Blanks => [b' '; 8],
                            // PSPP: "a code of 0 (after subtracting the bias) in a string
                            // field encodes null bytes".
                            Unit::Number(0.0) => [0; 8],
                            Unit::Number(_) | Unit::Sysmis => {
                                return Err(self.units.error(format!(
                                    "variable {}: a numeric bytecode ({}) in text",
                                    self.variable_name(&piece),
                                    match unit {
                                        Unit::Sysmis => "255, system-missing".to_string(),
                                        _ => "1 to 251".to_string(),
                                    }
                                )))
                            }
                        };
                        self.texts[variable].extend_from_slice(&bytes);
                    }
                    // A 255-byte segment fills 32 units (256 bytes); the last is padding.
                    self.texts[variable].truncate(start + used);
                }
            }
        }
        Ok(true)
    }

    fn ends_mid_case(&self, piece: &Piece) -> Error {
        self.units.error(format!(
            "the data ends in the middle of the record, at variable {}",
            self.variable_name(piece)
        ))
    }
}

impl RecordReader for SavReader {
    fn variables(&self) -> &[Variable] {
        &self.variables
    }

    fn next_record(&mut self, values: &mut Vec<Option<String>>) -> Result<bool> {
        values.clear();
        if self.case_count == Some(self.record) {
            return Ok(false);
        }
        if !self.read_case()? {
            return match self.case_count {
                Some(declared) => Err(self.units.error(format!(
                    "the data ends after {} records, the file header declares {declared}",
                    self.record
                ))),
                None => Ok(false),
            };
        }
        self.record += 1;
        for (v, &width) in self.widths.iter().enumerate() {
            values.push(if width == 0 {
                self.numbers[v].and_then(format_number)
            } else {
                let text = &self.texts[v];
                Some(
                    self.encoding
                        .decode_lossy(trim_padding(&text[..width.min(text.len())])),
                )
            });
        }
        Ok(true)
    }

    fn position(&self) -> RecordPosition {
        RecordPosition {
            record: self.record,
            line: None,
        }
    }

    fn declared_records(&self) -> Option<u64> {
        self.case_count
    }
}
