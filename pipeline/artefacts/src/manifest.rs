//! `DIR/manifest.json`: what a run read, what it wrote, with SHA-256 hashes.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{Error, Result};

/// The record of one run.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct Manifest {
    /// migstat's version.
    pub migstat_version: String,
    /// The config file and its normalised content.
    pub config: ConfigRecord,
    /// The reference data used (codelists, structures, registry).
    pub reference: Vec<FileRecord>,
    /// One entry per stage, in run order.
    pub stages: Vec<StageRecord>,
    /// `ok` or `failed`.
    pub status: String,
    /// The error message of a failed run.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub error: Option<String>,
}

/// The config of a run.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct ConfigRecord {
    /// The config file.
    pub file: FileRecord,
    /// The config with defaults filled in and paths resolved.
    pub normalised: serde_json::Value,
}

/// A file with its hash.
#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq, Eq)]
pub struct FileRecord {
    /// Path (relative to the run folder for outputs, absolute for inputs).
    pub path: String,
    /// Lower-case hex SHA-256 of the content.
    pub sha256: String,
    /// Size in bytes.
    pub bytes: u64,
}

/// What one stage read and wrote.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct StageRecord {
    /// `ingest`, `derive`, `tabulate` or `publish`.
    pub stage: String,
    /// The artefacts it read.
    pub inputs: Vec<FileRecord>,
    /// The artefacts it wrote.
    pub outputs: Vec<FileRecord>,
    /// Named counts (rows read, rejected, in scope, cells, ...).
    pub counts: std::collections::BTreeMap<String, u64>,
    /// Wall time of the stage.
    pub seconds: f64,
}

impl FileRecord {
    /// Hashes `path`, recording it as `shown_as`.
    pub fn of(path: &Path, shown_as: impl Into<String>) -> Result<FileRecord> {
        let mut file = File::open(path).map_err(|e| Error::io(path, e))?;
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 1 << 20];
        let mut bytes = 0u64;
        loop {
            let n = file.read(&mut buf).map_err(|e| Error::io(path, e))?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
            bytes += n as u64;
        }
        Ok(FileRecord {
            path: shown_as.into(),
            sha256: hex(&hasher.finalize()),
            bytes,
        })
    }

    /// Hashes an in-memory file, recording it as `shown_as`.
    pub fn of_bytes(bytes: &[u8], shown_as: impl Into<String>) -> FileRecord {
        FileRecord {
            path: shown_as.into(),
            sha256: hex(&Sha256::digest(bytes)),
            bytes: bytes.len() as u64,
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Manifest {
    /// Writes the manifest atomically as pretty JSON.
    pub fn write(&self, path: &Path) -> Result<()> {
        let mut text = serde_json::to_string_pretty(self).map_err(Error::internal)?;
        text.push('\n');
        crate::atomic::write_file(path, text.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_a_known_text() {
        let r = FileRecord::of_bytes(b"abc", "x");
        assert_eq!(
            r.sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(r.bytes, 3);
    }
}
