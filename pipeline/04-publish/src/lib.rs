//! Stage 4, **publish**: estimates in, SDMX out.
//!
//! Reads `tabulate/estimates.parquet` and writes, for every dataflow of the registry, one
//! file per format of `[publish] formats` (by default `sdmx/<DATAFLOW>.xml`, SDMX-ML 2.1
//! StructureSpecificData, and `sdmx/<DATAFLOW>.csv`, SDMX-CSV 1.0; see
//! [`Format::file_name`]), plus `structures/` (the structure messages the files conform to).
//!
//! Every dataset is validated against its DSD and codelists ([`sdmx::validate`]) before
//! anything is written; all files are written into a staging folder that replaces
//! `sdmx/` only once every file is complete, so a failed publish leaves either the
//! previous complete `sdmx/` or none.
#![deny(missing_docs)]

pub mod basis;
pub mod dataset;
pub mod structures;

use std::fs;
use std::io::Write;

use arrow::array::AsArray;

use migstat_artefacts::atomic::{replace_dir, AtomicFile};
use migstat_artefacts::config::{Config, Format};
use migstat_artefacts::layout::RunDir;
use migstat_artefacts::reference::Reference;
use migstat_artefacts::{parquet_io, schema, Error, Result};

pub use structures::Structures;

/// What publish wrote.
#[derive(Debug, Clone, Default)]
pub struct PublishReport {
    /// Dataflows published.
    pub dataflows: u64,
    /// Series written, over all dataflows.
    pub series: u64,
    /// Observations written, over all dataflows.
    pub observations: u64,
    /// Observations published without value (`C`).
    pub confidential: u64,
    /// Dataflows with no file: they require a population the source did not measure
    /// (tabulate wrote no cell of them; `migstat_tabulate::coverage`).
    pub dataflows_not_measured: u64,
    /// The files written, relative to the run folder, in order.
    pub files: Vec<String>,
}

/// Runs the stage: `run.estimates()` -> `run.sdmx_dir()` and `run.structures_dir()`.
pub fn run(config: &Config, reference: &Reference, run: &RunDir) -> Result<PublishReport> {
    let structures = Structures::load(reference)?;
    let batches = parquet_io::read_all(&run.estimates(), &schema::estimates())?;
    let prepared = dataset::prepared_timestamp(config)?;

    // A dataflow that requires populations and has no cell was not measured: no file,
    // rather than an empty dataset. One that requires nothing is always published.
    let mut tabulated = std::collections::BTreeSet::new();
    for batch in &batches {
        if let Some(flows) = batch.column_by_name(schema::estimates::DATAFLOW) {
            tabulated.extend(flows.as_string::<i32>().iter().flatten().map(String::from));
        }
    }
    let mut report = PublishReport::default();

    // Build and validate every dataset before writing any file.
    let mut messages = Vec::new();
    for flow in &reference.registry.dataflows {
        if !flow.requires.is_empty() && !tabulated.contains(&flow.id) {
            report.dataflows_not_measured += 1;
            continue;
        }
        let measure = reference
            .registry
            .measure(&flow.measure)
            .ok_or_else(|| Error::internal(format!("no measure {}", flow.measure)))?;
        let unit = reference.registry.unit_of(measure);
        let (mut message, dsd) =
            dataset::build(config, &prepared, flow, unit, &structures, &batches)?;
        if let Some(note) = basis::note(config, &reference.registry, flow) {
            basis::add(&mut message, dsd, note);
        }
        let problems = sdmx::validate(&message, dsd, &structures.set);
        if !problems.is_empty() {
            return Err(Error::Validation {
                dataflow: flow.id.clone(),
                problems: problems.iter().map(|p| p.to_string()).collect(),
            });
        }
        messages.push((flow, message, dsd));
    }

    let staging = run
        .root()
        .join(format!(".sdmx.staging-{}", std::process::id()));
    if staging.exists() {
        fs::remove_dir_all(&staging).map_err(|e| Error::io(&staging, e))?;
    }
    let written = (|| -> Result<()> {
        let mut formats = config.publish.formats.clone();
        formats.sort();
        formats.dedup();
        for (flow, message, dsd) in &messages {
            let dataflow = structures
                .set
                .dataflow(&flow.id)
                .expect("checked in Structures::load");
            for format in &formats {
                let name = format.file_name(&flow.id);
                write_with(&staging.join(&name), |w| match format {
                    Format::Ss21 => sdmx::write_structure_specific_21(w, message, dsd),
                    Format::Ss21flat => sdmx::write_structure_specific_21_flat(w, message, dsd),
                    Format::Generic21 => sdmx::write_generic_21(w, message, dsd),
                    Format::Csv10 => sdmx::write_csv_10(w, message, dsd, dataflow),
                    Format::Csv20 => sdmx::write_csv_20(w, message, dsd, dataflow),
                    Format::Ss30 => sdmx::write_structure_specific_30(w, message, dsd),
                })?;
                report.files.push(format!("sdmx/{name}"));
            }
            report.dataflows += 1;
            report.series += message.dataset.series.len() as u64;
            for series in &message.dataset.series {
                report.observations += series.observations.len() as u64;
                report.confidential += series
                    .observations
                    .iter()
                    .filter(|o| o.value.is_none())
                    .count() as u64;
            }
        }
        Ok(())
    })();
    if let Err(e) = written {
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    replace_dir(&staging, &run.sdmx_dir())?;
    for name in structures.write_into(&run.structures_dir())? {
        report.files.push(format!("structures/{name}"));
    }
    Ok(report)
}

fn write_with(
    path: &std::path::Path,
    write: impl FnOnce(&mut AtomicFile) -> std::result::Result<(), sdmx::Error>,
) -> Result<()> {
    let mut file = AtomicFile::create(path)?;
    write(&mut file).map_err(|e| Error::internal(format!("writing {}: {e}", path.display())))?;
    file.flush().map_err(|e| Error::io(path, e))?;
    file.commit()
}
