//! Statistical microdata files, read record by record in bounded memory.
//!
//! Census offices and survey programmes ship their microdata as SPSS system files
//! (`.sav`), Stata datasets (`.dta`), or fixed-width text described by a dictionary: a
//! CSPro `.dcf` or a DDI-Codebook XML (IPUMS). Each reader here turns one of them into the
//! same thing: a list of [`Variable`]s (name, label, value labels, declared missing
//! values) and a stream of records whose values are text ([`RecordReader`]), so that one
//! layout (the `schemas/layouts/*.toml` files of the `migstat-ingest` crate) maps any of
//! them onto the ICLS core record.
//!
//! Values are handed out as text, as they would appear in a CSV export of the file:
//! - numbers in their shortest round-trip decimal form without a trailing `.0`
//!   (`1`, `34`, `120.5`, `-2`), so that codes read as the integers they are;
//! - strings as stored, trailing blanks removed (fixed-width and `.sav` strings are
//!   blank-padded);
//! - a system-missing value (SPSS sysmis, Stata `.`, `.a`..`.z`, a blank fixed-width
//!   field) as `None`.
//!
//! Declared user-missing values (SPSS missing-value ranges, CSPro/DDI missing codes)
//! are *not* turned into `None`: they are reported on the [`Variable`], and the layout
//! decides (a survey's 98 "don't know" and 99 "not stated" are different answers).
//!
//! Text is decoded by one [`Encoding`] (UTF-8, Windows-1252, ISO-8859-1) for every format.
//!
//! No Arrow and no DataFusion here: this crate stands on its own.

mod binary;
pub mod dcf;
pub mod ddi;
pub mod dta;
pub mod encoding;
mod error;
pub mod fixed;
mod number;
pub mod sav;

use std::collections::BTreeMap;

pub use encoding::Encoding;
pub use error::{Error, RecordProblem, Result};
pub use number::format_number;

/// Whether a variable holds numbers or text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VariableKind {
    /// Numeric (integer or floating point in the file).
    Numeric,
    /// Text, of at most `width` bytes in the file (0 when unbounded, e.g. Stata strL).
    Text {
        /// The declared width in bytes.
        width: usize,
    },
}

/// One variable (column) of a microdata file, as its dictionary describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Variable {
    /// The variable's name (SPSS long name, Stata name, CSPro/DDI item name), as written.
    pub name: String,
    /// Its label, if the file has one.
    pub label: Option<String>,
    /// Numeric or text.
    pub kind: VariableKind,
    /// Value labels: value (as text, in the same form as the record values) -> label.
    pub value_labels: BTreeMap<String, String>,
    /// Declared user-missing values, as text in the same form as the record values.
    pub missing_values: Vec<String>,
    /// Declared user-missing ranges (low, high), inclusive, for numeric variables.
    pub missing_ranges: Vec<(f64, f64)>,
}

impl Variable {
    /// A variable with a name and a kind, and nothing else declared.
    pub fn new(name: impl Into<String>, kind: VariableKind) -> Variable {
        Variable {
            name: name.into(),
            label: None,
            kind,
            value_labels: BTreeMap::new(),
            missing_values: Vec::new(),
            missing_ranges: Vec::new(),
        }
    }
}

/// Where a record was found in its file, for error messages and rejects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RecordPosition {
    /// The 1-based record (case, observation) number.
    pub record: u64,
    /// The 1-based line, for text files.
    pub line: Option<u64>,
}

/// A microdata file open for reading: its variables, then its records one at a time.
pub trait RecordReader {
    /// The file's variables, in file order.
    fn variables(&self) -> &[Variable];

    /// Reads the next record into `values` (one entry per variable, `None` = system
    /// missing); returns `Ok(false)` at the end of the file. `values` is cleared first.
    ///
    /// A record that cannot be decoded is an [`Error`] naming its position; readers of
    /// text formats return [`Error::Record`] for a bad record and can go on with the next
    /// one, binary readers stop.
    fn next_record(&mut self, values: &mut Vec<Option<String>>) -> Result<bool>;

    /// The position of the record last returned by [`RecordReader::next_record`].
    fn position(&self) -> RecordPosition;

    /// The number of records the file declares, when it does (`.sav`, `.dta` headers).
    fn declared_records(&self) -> Option<u64> {
        None
    }
}
