//! The thin runner: chains the stages, each reading the artefact of the one before, and
//! records every step in `DIR/manifest.json`.
//!
//! `migstat run` holds `DIR/.migstat.lock`, builds every artefact in a staging folder
//! (`DIR/.staging-<pid>`) and moves them into `DIR` only when the whole run succeeded,
//! manifest last: a run that fails or is killed part-way leaves the previous complete
//! outputs in place. A run whose inputs, config, reference data and migstat build are
//! those recorded in the manifest, with every output still as recorded, is up to date
//! and rewrites nothing (unless `--force`).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Component, Path, PathBuf};
use std::time::Instant;

use migstat_artefacts::atomic;
use migstat_artefacts::config::Config;
use migstat_artefacts::layout::RunDir;
use migstat_artefacts::manifest::{
    json_sha256, ConfigRecord, FileRecord, Manifest, PathBase, StageRecord, MANIFEST_VERSION,
};
use migstat_artefacts::reference::Reference;
use migstat_artefacts::{Error, Result};
use migstat_publish::Structures;

use crate::failure::Failure;
use crate::lock::RunLock;
use crate::log;

/// The git commit of this build (`build.rs`).
pub const GIT_COMMIT: &str = env!("MIGSTAT_GIT_COMMIT");

/// The stages, in run order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Stage {
    /// Microdata -> `ingest/core.parquet`.
    Ingest,
    /// `ingest/core.parquet` -> `derive/derived.parquet`.
    Derive,
    /// `derive/derived.parquet` -> `tabulate/estimates.parquet`.
    Tabulate,
    /// `tabulate/estimates.parquet` -> `sdmx/`.
    Publish,
}

impl Stage {
    /// Every stage, in run order.
    pub const ALL: [Stage; 4] = [
        Stage::Ingest,
        Stage::Derive,
        Stage::Tabulate,
        Stage::Publish,
    ];

    /// The stage's name in the manifest.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Ingest => "ingest",
            Stage::Derive => "derive",
            Stage::Tabulate => "tabulate",
            Stage::Publish => "publish",
        }
    }
}

/// How `migstat run` behaves.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunOptions {
    /// Redo the run even when it is up to date.
    pub force: bool,
}

/// Engine settings given on the command line, which win over the config's `[engine]`.
#[derive(Debug, Clone, Default)]
pub struct EngineOverrides {
    /// `--engine`
    pub url: Option<String>,
    /// `--memory-limit`
    pub memory_limit_mib: Option<u64>,
}

static ENGINE_OVERRIDES: std::sync::OnceLock<EngineOverrides> = std::sync::OnceLock::new();

/// Records the command line's engine settings (once, before any job is loaded).
pub fn set_engine_overrides(overrides: EngineOverrides) {
    let _ = ENGINE_OVERRIDES.set(overrides);
}

/// What a run works with: the config, the reference data and where the microdata are
/// recorded from.
pub struct Job {
    /// The loaded config (for a replay: `publish.prepared` set to the recorded one).
    pub config: Config,
    /// The bundled reference data.
    pub reference: Reference,
}

impl Job {
    /// Loads and checks the config and the reference data.
    pub fn load(config_path: &Path) -> Result<Job> {
        let mut config = Config::load(config_path)?;
        if let Some(o) = ENGINE_OVERRIDES.get() {
            if let Some(url) = &o.url {
                config.engine.url = url.clone();
            }
            if let Some(mib) = o.memory_limit_mib {
                config.engine.memory_limit_mib = mib;
            }
        }
        // An engine this binary cannot use is a config error before any stage runs.
        migstat_artefacts::config::check_engine(&config.engine, &config.file)?;
        migstat_tabulate::engine::check(&config)?;
        let reference = Reference::bundled()?;
        Structures::load(&reference)?.check_ref_area(&config)?;
        Ok(Job { config, reference })
    }

    /// The folder of the config file (relative input paths are resolved against it).
    pub fn config_dir(&self) -> PathBuf {
        self.config
            .file
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default()
    }

    /// The microdata as recorded: relative to the config's folder when the config names
    /// them relatively or they lie inside that folder, else absolute.
    pub fn input_record(&self) -> Result<FileRecord> {
        self.config_file_record(&self.config.input.path)
    }

    /// The files the ingest stage reads: the microdata, and a layout file when the
    /// config names one (`input.layout_file` of the normalised config).
    pub fn ingest_inputs(&self) -> Result<Vec<FileRecord>> {
        let mut inputs = vec![self.input_record()?];
        if let Some(layout) = self.layout_file() {
            inputs.push(self.config_file_record(&layout)?);
        }
        Ok(inputs)
    }

    fn layout_file(&self) -> Option<PathBuf> {
        let normalised = self.config.normalised();
        let path = normalised.get("input")?.get("layout_file")?.as_str()?;
        Some(PathBuf::from(path))
    }

    /// A file the config names, recorded relative to the config's folder when it can be.
    fn config_file_record(&self, file: &Path) -> Result<FileRecord> {
        match self.config_relative(file) {
            Some(rel) => Ok(FileRecord::of(file, rel)?.relative_to(PathBase::Config)),
            None => FileRecord::of(file, file.display().to_string()),
        }
    }

    /// The path of a file the config names as [`Self::config_file_record`] records it,
    /// without reading the file.
    fn config_file_shown(&self, file: &Path) -> String {
        self.config_relative(file)
            .unwrap_or_else(|| file.display().to_string())
    }

    fn config_relative(&self, file: &Path) -> Option<String> {
        let dir = self.config_dir();
        file.strip_prefix(&dir)
            .ok()
            .map(Path::to_path_buf)
            .or_else(|| {
                let (f, d) = (file.canonicalize().ok()?, dir.canonicalize().ok()?);
                f.strip_prefix(d).ok().map(Path::to_path_buf)
            })
            .map(|rel| slashed(&rel))
    }

    /// The manifest of a run of this job into `out` (which must exist), before any stage.
    pub fn manifest(&self, out: &Path) -> Result<Manifest> {
        let mut normalised = self.config.normalised();
        // Paths as recorded (relative to the config's folder when they can be), so that
        // the config hash does not depend on where the files are. The microdata are
        // hashed once, by the ingest stage's record.
        if let Some(path) = normalised.get_mut("input").and_then(|i| i.get_mut("path")) {
            *path = serde_json::Value::String(self.config_file_shown(&self.config.input.path));
        }
        if let Some(layout) = self.layout_file() {
            if let Some(rel) = self.config_relative(&layout) {
                normalised["input"]["layout_file"] = serde_json::Value::String(rel);
            }
        }
        let config_file = match relative_path(out, &self.config.file) {
            Some(rel) => FileRecord::of(&self.config.file, rel)?.relative_to(PathBase::Run),
            None => FileRecord::of(&self.config.file, self.config.file.display().to_string())?,
        };
        Ok(Manifest {
            manifest_version: MANIFEST_VERSION,
            migstat_version: env!("CARGO_PKG_VERSION").to_string(),
            migstat_commit: GIT_COMMIT.to_string(),
            config: ConfigRecord {
                file: config_file,
                sha256: json_sha256(&normalised),
                normalised,
            },
            reference: self.reference.file_records(),
            stages: Vec::new(),
            status: "running".into(),
            error: None,
            seconds: 0.0,
        })
    }

    /// The `Prepared` time a run would use when it does not depend on the clock:
    /// `[publish] prepared`, else `SOURCE_DATE_EPOCH`.
    fn fixed_prepared(&self) -> Result<Option<String>> {
        if self.config.publish.prepared.is_some() || std::env::var_os("SOURCE_DATE_EPOCH").is_some()
        {
            migstat_publish::dataset::prepared_timestamp(&self.config).map(Some)
        } else {
            Ok(None)
        }
    }
}

/// `path` with `/` separators, as recorded in manifests on every platform.
fn slashed(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// `to` relative to the folder `from` (`../x/c.toml`), when both lie below a common
/// folder other than the file system root; `None` otherwise.
fn relative_path(from: &Path, to: &Path) -> Option<String> {
    let (from, to) = (from.canonicalize().ok()?, to.canonicalize().ok()?);
    let a: Vec<Component> = from.components().collect();
    let b: Vec<Component> = to.components().collect();
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let shared_folder = b[..common]
        .iter()
        .any(|c| matches!(c, Component::Normal(_)));
    if !shared_folder {
        return None;
    }
    let mut parts: Vec<String> = vec!["..".into(); a.len() - common];
    parts.extend(
        b[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    Some(parts.join("/"))
}

/// `migstat run`: every stage, in order; stops at the first failure.
pub fn run_all(config_path: &Path, out: &Path, options: RunOptions) -> Result<(), Failure> {
    let started = Instant::now();
    let job = Job::load(config_path)?;
    fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
    let dir = RunDir::new(out);
    let _lock = RunLock::acquire(&dir)?;
    remove_leftovers(&dir)?;
    let mut manifest = job.manifest(out)?;

    if !options.force {
        if let Some(previous) = up_to_date(&job, &dir, &manifest)? {
            log::note(
                "up_to_date",
                &format!(
                    "up to date: {} holds the outputs of these inputs, config and migstat \
                     (recorded {} stages); nothing rewritten (--force redoes the run)",
                    dir.root().display(),
                    previous.stages.len()
                ),
            );
            return Ok(());
        }
    }

    let staging = RunDir::new(dir.staging(std::process::id()));
    fs::create_dir_all(staging.root()).map_err(|e| Error::io(staging.root(), e))?;
    let mut job = job;
    // The report's passes over the records start once derive has written them, on a
    // thread beside the tabulation and publication (which leave a core part idle).
    let records = std::thread::scope(|scope| {
        let mut records = None;
        for stage in Stage::ALL {
            match run_stage(stage, &mut job, &staging, dir.root()) {
                Ok(record) => manifest.stages.push(record),
                Err(e) => {
                    manifest.seconds = started.elapsed().as_secs_f64();
                    return Err(fail(&dir, &staging, &job.config, manifest.clone(), e));
                }
            }
            if stage == Stage::Derive {
                let staging = &staging;
                records = Some(scope.spawn(move || migstat_report::summarise_records(staging)));
            }
        }
        Ok(records.map(|thread| {
            thread
                .join()
                .unwrap_or_else(|_| Err(Error::internal("the report's summaries panicked")))
        }))
    })?;
    manifest.status = "ok".into();
    manifest.seconds = started.elapsed().as_secs_f64();
    // The quality report is the last artefact: built from the staged outputs and the
    // manifest so far, it moves into DIR with everything else.
    let records = match records {
        Some(records) => records?,
        None => migstat_report::summarise_records(&staging)?,
    };
    migstat_report::write_report_from(&staging, &job.config, &manifest, records)?;
    commit(&staging, &dir)?;
    manifest.write(&dir.manifest())?;
    log::note(
        "done",
        &format!(
            "done: outputs and manifest.json in {} ({:.1} s)",
            dir.root().display(),
            manifest.seconds
        ),
    );
    Ok(())
}

/// Moves the staged artefacts over the run folder's and removes the staging folder.
fn commit(staging: &RunDir, dir: &RunDir) -> Result<()> {
    for name in RunDir::ARTEFACTS {
        let (from, to) = (staging.root().join(name), dir.root().join(name));
        if from.exists() {
            atomic::replace(&from, &to)?;
        } else if name == "rejects.csv" && to.exists() {
            // A rejects list from an earlier run would describe other data.
            fs::remove_file(&to).map_err(|e| Error::io(&to, e))?;
        }
    }
    fs::remove_dir_all(staging.root()).map_err(|e| Error::io(staging.root(), e))
}

/// What a killed run may have left: staging folders, temporary files, folders moved
/// aside. Only called with the lock held, so none of them belongs to a live run.
fn remove_leftovers(dir: &RunDir) -> Result<()> {
    let mut folders = vec![dir.root().to_path_buf()];
    folders.extend(
        RunDir::ARTEFACTS
            .iter()
            .map(|name| dir.root().join(name))
            .filter(|p| p.is_dir()),
    );
    for folder in folders {
        let entries = fs::read_dir(&folder).map_err(|e| Error::io(&folder, e))?;
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let leftover = name.starts_with(".staging-")
                || name.starts_with(".sdmx.staging-")
                || (name.starts_with('.') && name.contains(".tmp-"))
                || RunDir::ARTEFACTS
                    .iter()
                    .any(|a| name.starts_with(&format!("{a}.old-")));
            if leftover {
                let path = entry.path();
                let removed = if path.is_dir() {
                    fs::remove_dir_all(&path)
                } else {
                    fs::remove_file(&path)
                };
                removed.map_err(|e| Error::io(&path, e))?;
            }
        }
    }
    Ok(())
}

/// The previous manifest, when the run it records is this one and its outputs are all
/// still there, unchanged.
fn up_to_date(job: &Job, dir: &RunDir, fresh: &Manifest) -> Result<Option<Manifest>> {
    let Ok(previous) = Manifest::read(&dir.manifest()) else {
        return Ok(None);
    };
    let same_build = previous.manifest_version == fresh.manifest_version
        && previous.migstat_version == fresh.migstat_version
        && previous.migstat_commit == fresh.migstat_commit;
    let same_setup = previous.status == "ok"
        && previous.config.sha256 == fresh.config.sha256
        && previous.config.file.sha256 == fresh.config.file.sha256
        && previous.reference == fresh.reference;
    if !(same_build && same_setup) {
        return Ok(None);
    }
    let stages: Vec<&str> = previous.stages.iter().map(|s| s.stage.as_str()).collect();
    if stages != Stage::ALL.map(Stage::name) {
        return Ok(None);
    }
    let inputs = job.ingest_inputs()?;
    if previous.stage("ingest").map(|s| &s.inputs) != Some(&inputs) {
        return Ok(None);
    }
    if let Some(prepared) = job.fixed_prepared()? {
        let recorded = previous
            .stage("publish")
            .and_then(|s| s.parameters.get("prepared"));
        if recorded != Some(&prepared) {
            return Ok(None);
        }
    }
    let config_dir = job.config_dir();
    for stage in &previous.stages {
        for output in &stage.outputs {
            if output
                .check(&output.locate(dir.root(), &config_dir))
                .is_err()
            {
                return Ok(None);
            }
        }
    }
    Ok(Some(previous))
}

/// `migstat stage S`: one stage from the previous stage's artefact; the manifest in DIR
/// (if any) gets that stage's entry replaced.
pub fn run_one(stage: Stage, config_path: &Path, out: &Path) -> Result<(), Failure> {
    let mut job = Job::load(config_path)?;
    fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
    let dir = RunDir::new(out);
    let _lock = RunLock::acquire(&dir)?;
    let fresh = job.manifest(out)?;
    let mut manifest = Manifest::read(&dir.manifest()).unwrap_or_else(|_| fresh.clone());
    // The stage is recorded as run by this migstat with this config.
    manifest.manifest_version = fresh.manifest_version;
    manifest.migstat_version = fresh.migstat_version;
    manifest.migstat_commit = fresh.migstat_commit;
    manifest.config = fresh.config;
    manifest.reference = fresh.reference;
    manifest.stages.retain(|s| s.stage != stage.name());
    if stage == Stage::Ingest {
        let stale_rejects = dir.rejects();
        if stale_rejects.exists() {
            fs::remove_file(&stale_rejects).map_err(|e| Error::io(&stale_rejects, e))?;
        }
    }
    match run_stage(stage, &mut job, &dir, out) {
        Ok(record) => manifest.stages.push(record),
        Err(e) => {
            manifest.status = "failed".into();
            manifest.error = Some(e.to_string());
            let _ = manifest.write(&dir.manifest());
            return Err(e.into());
        }
    }
    let order = |s: &StageRecord| Stage::ALL.iter().position(|x| x.name() == s.stage);
    manifest.stages.sort_by_key(order);
    manifest.status = "ok".into();
    manifest.error = None;
    manifest.seconds = manifest.stages.iter().map(|s| s.seconds).sum();
    manifest.write(&dir.manifest())?;
    Ok(())
}

/// A failed `migstat run`: the stages that completed are committed (their artefacts are
/// whole and help find the problem), the rejects list too, and the manifest records the
/// failure.
fn fail(
    dir: &RunDir,
    staging: &RunDir,
    config: &Config,
    mut manifest: Manifest,
    error: Error,
) -> Error {
    manifest.status = "failed".into();
    manifest.error = Some(error.to_string());
    let committed = commit(staging, dir);
    // The manifest of a failed run is still worth having; its own failure must not hide
    // the error that stopped the run.
    let _ = manifest.write(&dir.manifest());
    if committed.is_err() {
        let _ = fs::remove_dir_all(staging.root());
    }
    // A report of what was reached (rejects, scope) helps whoever must fix the input;
    // failing to write it must not hide the error that stopped the run.
    let _ = migstat_report::write_report(dir, config, &manifest);
    match error {
        Error::Input(mut e) => {
            if e.rejects_file.is_some() {
                e.rejects_file = Some(dir.rejects());
            }
            Error::Input(e)
        }
        other => other,
    }
}

/// Runs one stage of `job` in `dir` and records it. Publish resolves its `Prepared`
/// time here, once, so that the manifest holds it and a replay can reuse it.
/// `shown` is the folder named in the messages (the run folder, not the staging one).
pub fn run_stage(stage: Stage, job: &mut Job, dir: &RunDir, shown: &Path) -> Result<StageRecord> {
    let progress = log::stage_start(stage.name());
    let started = Instant::now();
    let rel = |p: &Path| -> Result<FileRecord> {
        let shown = p.strip_prefix(dir.root()).unwrap_or(p);
        Ok(FileRecord::of(p, slashed(shown))?.relative_to(PathBase::Run))
    };
    let mut record = StageRecord {
        stage: stage.name().into(),
        ..Default::default()
    };
    let (config, reference) = (&job.config, &job.reference);
    let message = match stage {
        Stage::Ingest => {
            // The microdata are hashed on a thread of their own while ingest reads them
            // (at 10 million persons, half a second with a core idle otherwise).
            let (inputs, ingested) = std::thread::scope(|scope| {
                let hashing = scope.spawn(|| job.ingest_inputs());
                let ingested = migstat_ingest::run(config, reference, dir);
                let inputs = hashing.join().expect("hashing the inputs does not panic");
                (inputs, ingested)
            });
            record.inputs = inputs?;
            let r = ingested?;
            record.counts.insert("rows_read".into(), r.rows_read);
            record.counts.insert("rows_written".into(), r.rows_written);
            record.counts.insert("rejected".into(), r.rejected);
            record.outputs.push(rel(&dir.core_records())?);
            format!(
                "ingest: {} records read from {} ({})",
                r.rows_read,
                config.input.path.display(),
                r.input_format
            )
        }
        Stage::Derive => {
            record.inputs.push(rel(&dir.core_records())?);
            let r = migstat_derive::run(config, dir)?;
            record.counts = r.counts();
            record.outputs.push(rel(&dir.derived_records())?);
            format!("derive: {} records, {} in scope", r.rows, r.in_scope)
        }
        Stage::Tabulate => {
            record.inputs.push(rel(&dir.derived_records())?);
            let r = migstat_tabulate::run(config, reference, dir)?;
            let counts: BTreeMap<String, u64> = [
                ("aggregated_cells", r.aggregated_cells),
                ("estimates", r.estimates),
                ("confidential", r.confidential),
                ("unreliable", r.unreliable),
                ("secondary_confidential", r.secondary_confidential),
                ("not_published", r.not_published),
                ("rates_without_denominator", r.rates_without_denominator),
                ("dataflows_not_measured", r.dataflows_not_measured),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
            record.counts = counts;
            record.outputs.push(rel(&dir.estimates())?);
            format!(
                "tabulate: {} cells ({} confidential, {} unreliable)",
                r.estimates, r.confidential, r.unreliable
            )
        }
        Stage::Publish => {
            record.inputs.push(rel(&dir.estimates())?);
            let prepared = migstat_publish::dataset::prepared_timestamp(&job.config)?;
            job.config.publish.prepared = Some(prepared.clone());
            record.parameters.insert("prepared".into(), prepared);
            let r = migstat_publish::run(&job.config, &job.reference, dir)?;
            record.counts.insert("dataflows".into(), r.dataflows);
            record.counts.insert("series".into(), r.series);
            record.counts.insert("observations".into(), r.observations);
            record.counts.insert("confidential".into(), r.confidential);
            record
                .counts
                .insert("dataflows_not_measured".into(), r.dataflows_not_measured);
            for file in &r.files {
                record.outputs.push(rel(&dir.root().join(file))?);
            }
            format!(
                "publish: {} dataflows, {} observations into {}",
                r.dataflows,
                r.observations,
                shown.join("sdmx").display()
            )
        }
    };
    record.seconds = started.elapsed().as_secs_f64();
    progress.finish();
    log::stage_done(stage.name(), &record.counts, record.seconds, &message);
    return_freed_memory();
    Ok(record)
}

/// Hands the memory a finished stage freed back to the system. Each stage allocates from
/// its own threads (rayon workers, tokio workers), and glibc keeps what a thread frees in
/// that thread's arena: without this, a run's peak is the sum of its stages' peaks
/// (1M persons with a Taylor design: 1.2 GiB for stages of 0.7 GiB each).
fn return_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free memory; it takes no pointer of ours.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// The SDMX-ML version of emitted schemas.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SdmxVersion {
    /// SDMX-ML 2.1.
    #[value(name = "2.1")]
    V21,
    /// SDMX-ML 3.0.
    #[value(name = "3.0")]
    V30,
}

/// `migstat validate`: every problem of every file, one line each.
pub fn validate(
    files: &[std::path::PathBuf],
    structure_files: &[std::path::PathBuf],
) -> Result<()> {
    let structures = if structure_files.is_empty() {
        Structures::load(&Reference::bundled()?)?.set
    } else {
        let mut set = sdmx::StructureSet::default();
        for path in structure_files {
            let part = sdmx::StructureSet::from_path(path)
                .map_err(|e| Error::reference(path.display().to_string(), e.to_string()))?;
            set.merge(part);
        }
        set
    };
    let mut problems = Vec::new();
    for file in files {
        let found = sdmx::validate_file(file, &structures).map_err(|e| match e {
            sdmx::Error::Io(io) => Error::io(file, io),
            other => Error::io(file, std::io::Error::other(other.to_string())),
        })?;
        if found.is_empty() {
            eprintln!("{}: valid", file.display());
        }
        for p in found {
            println!("{}: {p}", file.display());
            problems.push(format!("{}: {p}", file.display()));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Validation {
            dataflow: format!("{} file(s)", files.len()),
            problems,
        })
    }
}

/// `migstat xsd`: DSD-specific schemas and validation wrappers for every dataflow.
pub fn write_schemas(
    out: &Path,
    sdmx_schemas: &str,
    layout: sdmx::SchemaLayout,
    version: SdmxVersion,
) -> Result<()> {
    let reference = Reference::bundled()?;
    let structures = Structures::load(&reference)?;
    let message_xsd = format!("{sdmx_schemas}/SDMXMessage.xsd");
    for flow in &reference.registry.dataflows {
        let dsd = structures
            .set
            .data_structure(flow.structure_id())
            .ok_or_else(|| Error::internal(format!("no DSD for {}", flow.id)))?;
        let name = format!("{}.xsd", dsd.id);
        let namespace = sdmx::dsd_namespace(dsd, layout);
        let (mut xsd, mut wrapper) = (Vec::new(), Vec::new());
        let written = match version {
            SdmxVersion::V21 => {
                sdmx::write_dsd_schema_21(&mut xsd, dsd, &structures.set, layout, sdmx_schemas)
                    .and_then(|_| {
                        sdmx::write_validation_wrapper_21(
                            &mut wrapper,
                            &namespace,
                            &name,
                            &message_xsd,
                        )
                    })
            }
            SdmxVersion::V30 => {
                sdmx::write_dsd_schema_30(&mut xsd, dsd, &structures.set, layout, sdmx_schemas)
                    .and_then(|_| {
                        sdmx::write_validation_wrapper_30(
                            &mut wrapper,
                            &namespace,
                            &name,
                            &message_xsd,
                        )
                    })
            }
        };
        written.map_err(|e| Error::internal(format!("schema of {}: {e}", dsd.id)))?;
        migstat_artefacts::atomic::write_file(&out.join(&name), &xsd)?;
        migstat_artefacts::atomic::write_file(
            &out.join(format!("validate_{}.xsd", dsd.id)),
            &wrapper,
        )?;
    }
    Ok(())
}
