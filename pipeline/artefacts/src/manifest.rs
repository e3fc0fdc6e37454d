//! `DIR/manifest.json`: what a run read, what it wrote, with SHA-256 hashes.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{Error, Result};

/// The version of the manifest layout written by this migstat
/// (`schemas/manifest.schema.json`).
pub const MANIFEST_VERSION: u32 = 2;

/// The record of one run.
///
/// Everything in it is a function of the inputs, the config, the reference data and the
/// migstat build, except the `seconds` fields (wall times): two runs of the same work,
/// on any machine and with any number of threads, give manifests that differ only there.
#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq)]
pub struct Manifest {
    /// The layout version of this manifest ([`MANIFEST_VERSION`]; 1 or absent = before it
    /// was recorded).
    #[serde(default = "version_1")]
    pub manifest_version: u32,
    /// migstat's version.
    pub migstat_version: String,
    /// The git commit migstat was built from (`unknown` outside a git checkout).
    #[serde(default = "unknown")]
    pub migstat_commit: String,
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
    /// Wall time of the whole run (not deterministic).
    #[serde(default)]
    pub seconds: f64,
}

fn version_1() -> u32 {
    1
}

fn unknown() -> String {
    "unknown".into()
}

/// The config of a run.
#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq)]
pub struct ConfigRecord {
    /// The config file (its path relative to the run folder when they share a folder).
    pub file: FileRecord,
    /// The config with defaults filled in; the input path as recorded in the ingest
    /// stage (relative to the config's folder when it can be).
    pub normalised: serde_json::Value,
    /// SHA-256 of `normalised` as compact JSON ([`json_sha256`]).
    #[serde(default)]
    pub sha256: String,
}

/// What a relative [`FileRecord::path`] is relative to.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum PathBase {
    /// The run folder (`--out DIR`, where `manifest.json` is).
    Run,
    /// The folder of the config file.
    Config,
}

/// A file with its hash.
#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq, Eq)]
pub struct FileRecord {
    /// Path: relative to [`FileRecord::base`] when that is set, else absolute (for
    /// `reference`: the path in migstat's source tree of a file bundled in the binary).
    pub path: String,
    /// What a relative `path` is relative to.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub base: Option<PathBase>,
    /// Lower-case hex SHA-256 of the content.
    pub sha256: String,
    /// Size in bytes.
    pub bytes: u64,
}

/// What one stage read and wrote.
#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq)]
pub struct StageRecord {
    /// `ingest`, `derive`, `tabulate` or `publish`.
    pub stage: String,
    /// The artefacts it read.
    pub inputs: Vec<FileRecord>,
    /// The artefacts it wrote.
    pub outputs: Vec<FileRecord>,
    /// Named counts (rows read, rejected, in scope, cells, ...).
    pub counts: std::collections::BTreeMap<String, u64>,
    /// Values the stage resolved at run time that a replay must reuse (publish:
    /// `prepared`, the message's `Prepared` time when it came from the clock).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub parameters: std::collections::BTreeMap<String, String>,
    /// Wall time of the stage (not deterministic).
    pub seconds: f64,
}

impl FileRecord {
    /// Hashes `path`, recording it as `shown_as` (a file this process committed and left
    /// unchanged is not read again: [`crate::atomic::committed`]).
    pub fn of(path: &Path, shown_as: impl Into<String>) -> Result<FileRecord> {
        if let Some((sha256, bytes)) = crate::atomic::committed(path) {
            return Ok(FileRecord {
                path: shown_as.into(),
                base: None,
                sha256,
                bytes,
            });
        }
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
            base: None,
            sha256: hex(&hasher.finalize()),
            bytes,
        })
    }

    /// The same record with its path relative to `base`.
    pub fn relative_to(mut self, base: PathBase) -> FileRecord {
        self.base = Some(base);
        self
    }

    /// Where the file is, given the run folder and the config's folder.
    pub fn locate(&self, run_dir: &Path, config_dir: &Path) -> PathBuf {
        match self.base {
            Some(PathBase::Run) => run_dir.join(&self.path),
            Some(PathBase::Config) => config_dir.join(&self.path),
            None => PathBuf::from(&self.path),
        }
    }

    /// Whether `path` still has this record's content: `Ok(())`, or what differs.
    pub fn check(&self, path: &Path) -> std::result::Result<(), String> {
        match FileRecord::of(path, self.path.clone()) {
            Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
                Err("missing".into())
            }
            Err(e) => Err(e.to_string()),
            Ok(now) if now.sha256 != self.sha256 => Err(format!(
                "sha256 {} ({} bytes), recorded {} ({} bytes)",
                now.sha256, now.bytes, self.sha256, self.bytes
            )),
            Ok(_) => Ok(()),
        }
    }

    /// Hashes an in-memory file, recording it as `shown_as`.
    pub fn of_bytes(bytes: &[u8], shown_as: impl Into<String>) -> FileRecord {
        FileRecord {
            path: shown_as.into(),
            base: None,
            sha256: hex(&Sha256::digest(bytes)),
            bytes: bytes.len() as u64,
        }
    }
}

/// SHA-256 of a JSON value written compactly (object keys in serde_json's order, which
/// is sorted unless a crate enables `preserve_order`: stable for one build either way).
pub fn json_sha256(value: &serde_json::Value) -> String {
    let text = serde_json::to_vec(value).expect("a JSON value serialises");
    hex(&Sha256::digest(&text))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Manifest {
    /// Writes the manifest atomically as pretty JSON.
    pub fn write(&self, path: &Path) -> Result<()> {
        let mut text = serde_json::to_string_pretty(self).map_err(Error::internal)?;
        text.push('\n');
        crate::atomic::write_file(path, text.as_bytes())
    }

    /// Reads a manifest written by [`Manifest::write`] (or an older migstat).
    pub fn read(path: &Path) -> Result<Manifest> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        serde_json::from_slice(&bytes).map_err(|e| {
            Error::io(
                path,
                std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("not a migstat manifest: {e}"),
                ),
            )
        })
    }

    /// The record of `stage`, if the run got to it.
    pub fn stage(&self, stage: &str) -> Option<&StageRecord> {
        self.stages.iter().find(|s| s.stage == stage)
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

    #[test]
    fn a_version_1_manifest_still_reads() {
        let old = r#"{"migstat_version":"0.1.0","config":{"file":{"path":"/c.toml","sha256":"00","bytes":1},"normalised":{}},
            "reference":[],"stages":[{"stage":"ingest","inputs":[],"outputs":[],"counts":{},"seconds":0.5}],"status":"ok"}"#;
        let m: Manifest = serde_json::from_str(old).unwrap();
        assert_eq!(
            (m.manifest_version, m.migstat_commit.as_str()),
            (1, "unknown")
        );
        assert!(m.stage("ingest").unwrap().parameters.is_empty());
    }

    #[test]
    fn records_locate_their_files_by_base() {
        let r = FileRecord::of_bytes(b"", "a/b.csv");
        let (run, cfg) = (Path::new("/run"), Path::new("/cfg"));
        assert_eq!(r.locate(run, cfg), Path::new("a/b.csv"));
        let r = r.relative_to(PathBase::Config);
        assert_eq!(r.locate(run, cfg), Path::new("/cfg/a/b.csv"));
        let r = r.relative_to(PathBase::Run);
        assert_eq!(r.locate(run, cfg), Path::new("/run/a/b.csv"));
    }
}
