//! Errors: what is wrong, and where in which file.

use std::path::PathBuf;

/// The result of reading a microdata file.
pub type Result<T> = std::result::Result<T, Error>;

/// Why a microdata file or dictionary could not be read.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file could not be opened or read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The file is not in the format it claims, or is damaged (the whole file is unusable).
    #[error("{}: {message} (at byte {offset})", path.display())]
    Format {
        /// The file.
        path: PathBuf,
        /// The byte offset where the problem was found.
        offset: u64,
        /// What is wrong.
        message: String,
    },
    /// A dictionary (CSPro `.dcf`, DDI XML) is wrong: names its line and the item.
    #[error("{}:{line}: {message}", path.display())]
    Dictionary {
        /// The dictionary file.
        path: PathBuf,
        /// The 1-based line of the problem (0 when unknown).
        line: u64,
        /// What is wrong, naming the item or key.
        message: String,
    },
    /// One record cannot be decoded; the reader can go on with the next one.
    #[error("{}: record {record} (line {line}): {message}", path.display())]
    Record {
        /// The file.
        path: PathBuf,
        /// The 1-based record number.
        record: u64,
        /// The 1-based line (record errors come from text formats; binary formats stop
        /// with [`Error::Format`]).
        line: u64,
        /// The variable concerned, if one.
        variable: Option<String>,
        /// The offending value, as read (lossy UTF-8).
        value: String,
        /// What kind of problem it is.
        problem: RecordProblem,
        /// What is wrong, as a sentence.
        message: String,
    },
}

/// The kinds of [`Error::Record`], for callers that sort problems by kind (migstat-ingest
/// gives each its own rule id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordProblem {
    /// A numeric variable whose field is not a number, or has a decimal point where the
    /// dictionary says the decimals are implied.
    NotANumber,
    /// Bytes that are not valid in the file's encoding.
    Encoding,
    /// The code at the record type positions is not one the dictionary declares.
    RecordType,
    /// The line is longer than the reader accepts.
    LineTooLong,
    /// The record's case cannot give it the variables it carries: the carried record
    /// (the household) was rejected, or the case has several of them.
    Case,
}
