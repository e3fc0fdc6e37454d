//! A problem found in the microdata, and `rejects.csv`, the list of all of them.

use std::fmt;
use std::io::Write;
use std::path::Path;

use crate::atomic::AtomicFile;
use crate::Result;

/// One problem in the microdata: where it is, what was there, which rule it breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reject {
    /// The microdata file, as given in the config.
    pub file: String,
    /// The 1-based data row (the first record after the header is row 1); `None` for
    /// problems of the whole file (a missing column, an empty file).
    pub row: Option<u64>,
    /// The physical line in a text file where the record starts, when known.
    pub line: Option<u64>,
    /// The column concerned (empty when the problem is not about one column).
    pub column: String,
    /// The offending value, as read.
    pub value: String,
    /// A stable rule identifier, e.g. `weight.negative` (documented in the README).
    pub rule: &'static str,
    /// A sentence for a person.
    pub message: String,
}

impl fmt::Display for Reject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(row) = self.row {
            write!(f, ": row {row}")?;
        }
        if let Some(line) = self.line {
            write!(f, " (line {line})")?;
        }
        if !self.column.is_empty() {
            write!(f, ", column {}", self.column)?;
        }
        if self.row.is_some() || !self.value.is_empty() {
            write!(f, ", value {:?}", self.value)?;
        }
        write!(f, ": {} [{}]", self.message, self.rule)
    }
}

/// Writes `rejects.csv` (columns `file,row,line,column,value,rule,message`) atomically.
pub fn write_rejects_csv<'a>(
    path: &Path,
    rejects: impl IntoIterator<Item = &'a Reject>,
) -> Result<()> {
    let mut file = AtomicFile::create(path)?;
    {
        let mut w = csv::Writer::from_writer(&mut file);
        let io = |e: csv::Error| crate::Error::internal(format!("writing rejects.csv: {e}"));
        w.write_record(["file", "row", "line", "column", "value", "rule", "message"])
            .map_err(io)?;
        for r in rejects {
            let row = r.row.map(|n| n.to_string()).unwrap_or_default();
            let line = r.line.map(|n| n.to_string()).unwrap_or_default();
            w.write_record([
                r.file.as_str(),
                &row,
                &line,
                &r.column,
                &r.value,
                r.rule,
                &r.message,
            ])
            .map_err(io)?;
        }
        w.flush().map_err(|e| crate::Error::io(path, e))?;
    }
    file.flush().map_err(|e| crate::Error::io(path, e))?;
    file.commit()
}
