//! Where each artefact lives inside a run folder (`--out DIR`).

use std::path::{Path, PathBuf};

/// A run folder and the fixed place of every artefact in it.
#[derive(Debug, Clone)]
pub struct RunDir {
    root: PathBuf,
}

impl RunDir {
    /// The run folder `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        RunDir { root: root.into() }
    }
    /// The folder itself.
    pub fn root(&self) -> &Path {
        &self.root
    }
    /// Ingest's artefact: the validated core records.
    pub fn core_records(&self) -> PathBuf {
        self.root.join("ingest").join("core.parquet")
    }
    /// Every problem found in the microdata (written only when there are some).
    pub fn rejects(&self) -> PathBuf {
        self.root.join("rejects.csv")
    }
    /// Derive's artefact: one record per person with the ICLS concepts.
    pub fn derived_records(&self) -> PathBuf {
        self.root.join("derive").join("derived.parquet")
    }
    /// Tabulate's artefact: one row per published cell.
    pub fn estimates(&self) -> PathBuf {
        self.root.join("tabulate").join("estimates.parquet")
    }
    /// Publish's artefact: the SDMX files, one pair per dataflow.
    pub fn sdmx_dir(&self) -> PathBuf {
        self.root.join("sdmx")
    }
    /// The structures the SDMX files conform to (structure message and DSD-specific XSDs).
    pub fn structures_dir(&self) -> PathBuf {
        self.root.join("structures")
    }
    /// The record of the run.
    pub fn manifest(&self) -> PathBuf {
        self.root.join("manifest.json")
    }
    /// The lock a run holds on the folder while it works (holds the run's PID).
    pub fn lock_file(&self) -> PathBuf {
        self.root.join(".migstat.lock")
    }
    /// Where a run builds its artefacts before they replace the folder's ones, all at
    /// the end: a run that fails or is killed part-way leaves the previous complete
    /// outputs in place.
    pub fn staging(&self, pid: u32) -> PathBuf {
        self.root.join(format!(".staging-{pid}"))
    }
    /// The top-level entries a run writes besides the manifest, in the order they are
    /// committed (what is absent from a run's staging folder is left as it is, except
    /// `rejects.csv`, which is removed).
    pub const ARTEFACTS: [&'static str; 7] = [
        "ingest",
        "derive",
        "tabulate",
        "sdmx",
        "structures",
        "report.html",
        "rejects.csv",
    ];
}
