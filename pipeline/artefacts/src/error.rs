//! One error type for the pipeline, with variants chosen by who has to act.
//!
//! | variant | who acts | exit code |
//! |---|---|---|
//! | [`Error::Config`] | the user: fix the config file | 2 |
//! | [`Error::Input`] | the data producer: fix the microdata (see `rejects.csv`) | 3 |
//! | [`Error::Validation`] | migstat's maintainers or the reference data: the output broke its structure | 4 |
//! | [`Error::Io`] | the operator: disk, permissions, missing files | 5 |
//! | [`Error::Engine`] | the operator: the engine's memory pool is too small, or the Ballista cluster failed | 5 |
//! | [`Error::Reference`] | whoever maintains `codelists/` and `schemas/` | 6 |
//! | [`Error::Internal`] | migstat's maintainers: a bug, please report it | 70 |

use std::fmt;
use std::path::PathBuf;

use crate::rejects::Reject;

/// The result type of every stage.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can stop a run.
#[derive(Debug)]
pub enum Error {
    /// The config file is wrong: unknown key, bad value, missing file it names.
    Config {
        /// The config file.
        file: PathBuf,
        /// What is wrong, naming the key.
        message: String,
    },
    /// The microdata break the core-record contract.
    Input(InputError),
    /// A dataset failed validation against its structure before publishing.
    Validation {
        /// The dataflow being published.
        dataflow: String,
        /// One line per problem, naming series key and component.
        problems: Vec<String>,
    },
    /// Reading or writing a file failed.
    Io {
        /// The file concerned.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The engine the config names failed the tabulation for want of resources: the local
    /// engine's memory pool was too small, or the remote cluster (a Ballista scheduler and
    /// its executors) failed: its machines, storage or version, not the data or migstat.
    Engine {
        /// The engine's URL.
        url: String,
        /// What the engine reported.
        message: String,
    },
    /// The reference data (codelists, structures, registry) are inconsistent.
    Reference {
        /// The reference file.
        file: String,
        /// What is wrong.
        message: String,
    },
    /// A bug in migstat.
    Internal(String),
}

/// The microdata were rejected; the run published nothing.
#[derive(Debug)]
pub struct InputError {
    /// The microdata file.
    pub file: PathBuf,
    /// How many problems were found in all.
    pub total: u64,
    /// The first problems, in file order (at most [`InputError::SHOWN`]).
    pub first: Vec<Reject>,
    /// Where all of them were written, when they were.
    pub rejects_file: Option<PathBuf>,
}

impl InputError {
    /// How many problems are shown on the terminal.
    pub const SHOWN: usize = 20;
}

impl Error {
    /// The process exit code for this error (documented in the README).
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Config { .. } => 2,
            Error::Input(_) => 3,
            Error::Validation { .. } => 4,
            Error::Io { .. } | Error::Engine { .. } => 5,
            Error::Reference { .. } => 6,
            Error::Internal(_) => 70,
        }
    }

    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// A config error naming the file.
    pub fn config(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Error::Config {
            file: file.into(),
            message: message.into(),
        }
    }

    /// A reference-data error naming the file.
    pub fn reference(file: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Reference {
            file: file.into(),
            message: message.into(),
        }
    }

    /// An internal error (a bug).
    pub fn internal(message: impl fmt::Display) -> Self {
        Error::Internal(message.to_string())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Config { file, message } => {
                write!(f, "config error in {}: {message}", file.display())
            }
            Error::Input(e) => {
                write!(
                    f,
                    "input error: {} problem{} in {}",
                    e.total,
                    if e.total == 1 { "" } else { "s" },
                    e.file.display()
                )?;
                if e.total as usize > e.first.len() {
                    write!(f, " (first {} shown)", e.first.len())?;
                }
                for r in &e.first {
                    write!(f, "\n  {r}")?;
                }
                if let Some(p) = &e.rejects_file {
                    write!(f, "\nall problems are listed in {}", p.display())?;
                }
                write!(f, "\nnothing was published")
            }
            Error::Validation { dataflow, problems } => {
                write!(
                    f,
                    "validation failed for {dataflow}: {} problem{}; nothing was published",
                    problems.len(),
                    if problems.len() == 1 { "" } else { "s" }
                )?;
                for p in problems.iter().take(InputError::SHOWN) {
                    write!(f, "\n  {p}")?;
                }
                Ok(())
            }
            Error::Io { path, source } => write!(f, "I/O error on {}: {source}", path.display()),
            Error::Engine { url, message } if url == "local" => {
                write!(f, "the local engine failed the tabulation: {message}")
            }
            Error::Engine { url, message } => write!(
                f,
                "the engine at {url} failed the tabulation: {message} (check the scheduler and \
                 executors' logs; the executors must read the run's derive/derived.parquet at \
                 the same absolute path and run Ballista 55)"
            ),
            Error::Reference { file, message } => {
                write!(f, "reference data error in {file}: {message}")
            }
            Error::Internal(m) => write!(
                f,
                "internal error: {m} (this is a bug in migstat; please report it with the run's manifest.json)"
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl From<arrow::error::ArrowError> for Error {
    fn from(e: arrow::error::ArrowError) -> Self {
        Error::internal(format!("arrow: {e}"))
    }
}
