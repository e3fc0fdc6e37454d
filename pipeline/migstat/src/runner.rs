//! The thin runner: chains the stages, each reading the artefact of the one before, and
//! records every step in `DIR/manifest.json`.

use std::fs;
use std::path::Path;
use std::time::Instant;

use migstat_artefacts::config::Config;
use migstat_artefacts::layout::RunDir;
use migstat_artefacts::manifest::{ConfigRecord, FileRecord, Manifest, StageRecord};
use migstat_artefacts::reference::Reference;
use migstat_artefacts::{Error, Result};
use migstat_publish::Structures;

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
    const ALL: [Stage; 4] = [
        Stage::Ingest,
        Stage::Derive,
        Stage::Tabulate,
        Stage::Publish,
    ];

    fn name(self) -> &'static str {
        match self {
            Stage::Ingest => "ingest",
            Stage::Derive => "derive",
            Stage::Tabulate => "tabulate",
            Stage::Publish => "publish",
        }
    }
}

struct Run {
    config: Config,
    reference: Reference,
    dir: RunDir,
}

fn prepare(config_path: &Path, out: &Path) -> Result<(Run, Manifest)> {
    let config = Config::load(config_path)?;
    let reference = Reference::bundled()?;
    Structures::load(&reference)?.check_ref_area(&config)?;
    fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
    let manifest = Manifest {
        migstat_version: env!("CARGO_PKG_VERSION").to_string(),
        config: ConfigRecord {
            file: FileRecord::of(&config.file, config.file.display().to_string())?,
            normalised: config.normalised(),
        },
        reference: reference.file_records(),
        stages: Vec::new(),
        status: "running".into(),
        error: None,
    };
    let run = Run {
        config,
        reference,
        dir: RunDir::new(out),
    };
    Ok((run, manifest))
}

/// `migstat run`: every stage, in order; stops at the first failure.
pub fn run_all(config_path: &Path, out: &Path) -> Result<Manifest> {
    let (run, mut manifest) = prepare(config_path, out)?;
    // A rejects list from an earlier run would describe other data.
    let stale_rejects = run.dir.rejects();
    if stale_rejects.exists() {
        fs::remove_file(&stale_rejects).map_err(|e| Error::io(&stale_rejects, e))?;
    }
    for stage in Stage::ALL {
        if let Err(e) = record_stage(stage, &run, &mut manifest) {
            return Err(fail(&run, manifest, e));
        }
    }
    manifest.status = "ok".into();
    manifest.write(&run.dir.manifest())?;
    Ok(manifest)
}

/// `migstat stage S`: one stage from the previous stage's artefact; the manifest in DIR
/// (if any) gets that stage's entry replaced.
pub fn run_one(stage: Stage, config_path: &Path, out: &Path) -> Result<Manifest> {
    let (run, fresh) = prepare(config_path, out)?;
    let mut manifest = fs::read(run.dir.manifest())
        .ok()
        .and_then(|bytes| serde_json::from_slice::<Manifest>(&bytes).ok())
        .unwrap_or(fresh);
    manifest.stages.retain(|s| s.stage != stage.name());
    if let Err(e) = record_stage(stage, &run, &mut manifest) {
        return Err(fail(&run, manifest, e));
    }
    let order = |s: &StageRecord| Stage::ALL.iter().position(|x| x.name() == s.stage);
    manifest.stages.sort_by_key(order);
    manifest.write(&run.dir.manifest())?;
    Ok(manifest)
}

fn fail(run: &Run, mut manifest: Manifest, error: Error) -> Error {
    manifest.status = "failed".into();
    manifest.error = Some(error.to_string());
    // The manifest of a failed run is still worth having; its own failure must not hide
    // the error that stopped the run.
    let _ = manifest.write(&run.dir.manifest());
    error
}

fn record_stage(stage: Stage, run: &Run, manifest: &mut Manifest) -> Result<()> {
    let started = Instant::now();
    let dir = &run.dir;
    let rel = |p: &Path| -> Result<FileRecord> {
        let shown = p
            .strip_prefix(dir.root())
            .unwrap_or(p)
            .display()
            .to_string();
        FileRecord::of(p, shown)
    };
    let mut record = StageRecord {
        stage: stage.name().into(),
        ..Default::default()
    };
    match stage {
        Stage::Ingest => {
            let input = &run.config.input.path;
            record
                .inputs
                .push(FileRecord::of(input, input.display().to_string())?);
            let r = migstat_ingest::run(&run.config, &run.reference, dir)?;
            record.counts.insert("rows_read".into(), r.rows_read);
            record.counts.insert("rows_written".into(), r.rows_written);
            record.counts.insert("rejected".into(), r.rejected);
            record.outputs.push(rel(&dir.core_records())?);
            eprintln!(
                "ingest: {} records read from {} ({})",
                r.rows_read,
                input.display(),
                r.input_format
            );
        }
        Stage::Derive => {
            record.inputs.push(rel(&dir.core_records())?);
            let r = migstat_derive::run(&run.config, dir)?;
            record.counts = r.counts();
            record.outputs.push(rel(&dir.derived_records())?);
            eprintln!("derive: {} records, {} in scope", r.rows, r.in_scope);
        }
        Stage::Tabulate => {
            record.inputs.push(rel(&dir.derived_records())?);
            let r = migstat_tabulate::run(&run.config, &run.reference, dir)?;
            record
                .counts
                .insert("aggregated_cells".into(), r.aggregated_cells);
            record.counts.insert("estimates".into(), r.estimates);
            record.counts.insert("confidential".into(), r.confidential);
            record.counts.insert("unreliable".into(), r.unreliable);
            record
                .counts
                .insert("secondary_confidential".into(), r.secondary_confidential);
            record
                .counts
                .insert("not_published".into(), r.not_published);
            record.counts.insert(
                "rates_without_denominator".into(),
                r.rates_without_denominator,
            );
            record.outputs.push(rel(&dir.estimates())?);
            eprintln!(
                "tabulate: {} cells ({} confidential, {} unreliable)",
                r.estimates, r.confidential, r.unreliable
            );
        }
        Stage::Publish => {
            record.inputs.push(rel(&dir.estimates())?);
            let r = migstat_publish::run(&run.config, &run.reference, dir)?;
            record.counts.insert("dataflows".into(), r.dataflows);
            record.counts.insert("series".into(), r.series);
            record.counts.insert("observations".into(), r.observations);
            record.counts.insert("confidential".into(), r.confidential);
            for file in &r.files {
                record.outputs.push(rel(&dir.root().join(file))?);
            }
            eprintln!(
                "publish: {} dataflows, {} observations into {}",
                r.dataflows,
                r.observations,
                dir.sdmx_dir().display()
            );
        }
    }
    record.seconds = started.elapsed().as_secs_f64();
    manifest.stages.push(record);
    Ok(())
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
    let observation_level = match layout {
        sdmx::SchemaLayout::Series => "TIME_PERIOD",
        sdmx::SchemaLayout::Flat => "AllDimensions",
    };
    for flow in &reference.registry.dataflows {
        let dsd = structures
            .set
            .data_structure(flow.structure_id())
            .ok_or_else(|| Error::internal(format!("no DSD for {}", flow.id)))?;
        let name = format!("{}.xsd", dsd.id);
        let dsd_ref = sdmx::StructureRef {
            agency_id: dsd.agency_id.clone(),
            id: dsd.id.clone(),
            version: dsd.version.clone(),
            kind: sdmx::StructureKind::DataStructure,
        };
        let namespace = sdmx::structure_namespace(&dsd_ref, observation_level);
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
