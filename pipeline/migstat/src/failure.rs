//! Why a command stopped, and its exit code: the pipeline's errors (typed by who must act,
//! `migstat_artefacts::Error`) plus the runner's own outcomes.

use std::fmt;
use std::path::PathBuf;

use migstat_artefacts::Error;

/// Everything that makes a command exit non-zero.
#[derive(Debug)]
pub enum Failure {
    /// A pipeline error (config 2, input 3, validation 4, I/O 5, reference 6, internal 70).
    Pipeline(Error),
    /// Another run holds the run folder's lock.
    Locked {
        /// The lock file.
        path: PathBuf,
        /// The PID it names, when readable.
        pid: Option<u32>,
    },
    /// `migstat replay`: some artefact did not come out identical.
    ReplayDiffers {
        /// How many artefacts differ.
        differing: usize,
        /// How many were compared.
        compared: usize,
    },
    /// `migstat verify` (or a replay that cannot start): a recorded file is missing or
    /// its content changed.
    Mismatch {
        /// One line per file, naming it.
        problems: Vec<String>,
    },
}

impl Failure {
    /// The exit code documented in the README.
    pub fn exit_code(&self) -> i32 {
        match self {
            Failure::Pipeline(e) => e.exit_code(),
            Failure::Locked { .. } => 75,
            Failure::ReplayDiffers { .. } => 4,
            Failure::Mismatch { .. } => 5,
        }
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Pipeline(e)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Pipeline(e) => e.fmt(f),
            Failure::Locked { path, pid } => {
                let holder = pid.map_or("another process".to_string(), |p| format!("PID {p}"));
                write!(
                    f,
                    "{} is in use: another migstat run ({holder}) holds {}; wait for it to end \
                     (if no such process is running, remove the lock file)",
                    path.parent().unwrap_or(path).display(),
                    path.display()
                )
            }
            Failure::ReplayDiffers {
                differing,
                compared,
            } => write!(
                f,
                "replay: {differing} of {compared} artefact(s) differ from the recorded run"
            ),
            Failure::Mismatch { problems } => {
                write!(f, "{} file(s) do not match the manifest:", problems.len())?;
                for p in problems {
                    write!(f, "\n  {p}")?;
                }
                Ok(())
            }
        }
    }
}
