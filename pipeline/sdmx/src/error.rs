//! The crate's error type.
//!
//! Variants are chosen by *who has to act*: [`Error::Xml`] and
//! [`Error::Structure`] point at a position in an input file that someone must
//! fix; [`Error::InvalidData`] points at a series and component of a data
//! message that the caller built; [`Error::MissingStructure`] means the
//! structure set handed in lacks an artefact; [`Error::Io`] and
//! [`Error::File`] come from the operating system.

use std::path::PathBuf;

/// A `Result` whose error is this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong while reading structures or writing messages.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading or writing failed at the operating-system level.
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),

    /// An error that happened while reading a named file.
    #[error("{}: {source}", path.display())]
    File {
        /// The file being read.
        path: PathBuf,
        /// What went wrong.
        #[source]
        source: Box<Error>,
    },

    /// The input is not well-formed XML.
    #[error("malformed XML at line {line} (byte {position}): {message}")]
    Xml {
        /// 1-based line of the error.
        line: u64,
        /// 0-based byte offset of the error.
        position: u64,
        /// What the XML parser reported.
        message: String,
    },

    /// The input is well-formed XML but not a usable SDMX-ML 2.1 structure
    /// message (wrong root element, an artefact without an `id`, …).
    #[error("invalid SDMX-ML structure at line {line} (byte {position}): {message}")]
    Structure {
        /// 1-based line of the offending element.
        line: u64,
        /// 0-based byte offset of the offending element.
        position: u64,
        /// What is wrong.
        message: String,
    },

    /// The input is well-formed but not a usable data message: a missing
    /// header element, a `structureRef` that matches no `structureID`, an
    /// `OBS_VALUE` that is not a number, a CSV row with the wrong number of
    /// fields, an unknown DSD or dataflow, …. Reported by
    /// [`read_data`](crate::read_data); [`validate_file`](crate::validate_file)
    /// reports each of them as a [`Problem`](crate::Problem) instead.
    #[error("invalid data message at line {line} (byte {position}): {message}")]
    Data {
        /// 1-based line of the offending element or CSV record.
        line: u64,
        /// 0-based byte offset of the offending element or CSV record.
        position: u64,
        /// What is wrong.
        message: String,
    },

    /// A structural artefact needed for writing (a codelist, the DSD a
    /// dataflow points to, …) is not in the [`StructureSet`](crate::StructureSet)
    /// or does not match the message.
    #[error("missing or mismatched structure: {0}")]
    MissingStructure(String),

    /// A data message cannot be written as it stands: a key does not match the
    /// DSD, an attribute sits at the wrong attachment level, a value is not a
    /// finite number, ….
    #[error("cannot write {series_key}: {component}: {message}")]
    InvalidData {
        /// Dot-joined series key (empty for message-level problems).
        series_key: String,
        /// The component (dimension, attribute, measure) concerned.
        component: String,
        /// What is wrong.
        message: String,
    },
}
