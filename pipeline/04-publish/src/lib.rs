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
use rayon::prelude::*;

use migstat_artefacts::atomic::{replace_dir, AtomicFile};
use migstat_artefacts::config::{Config, Format};
use migstat_artefacts::layout::RunDir;
use migstat_artefacts::reference::Reference;
use migstat_artefacts::registry::DataflowSpec;
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
    let (structures, batches) = rayon::join(
        || Structures::load(reference),
        || parquet_io::read_all(&run.estimates(), &schema::estimates()),
    );
    let (structures, batches) = (structures?, batches?);
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

    // Build and validate every dataset before writing any file: in parallel (rayon), the
    // first dataflow in the registry's order that fails is the one reported.
    let built: Vec<Result<Option<Built>>> = reference
        .registry
        .dataflows
        .par_iter()
        .map(|flow| {
            if !flow.requires.is_empty() && !tabulated.contains(&flow.id) {
                return Ok(None);
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
            Ok(Some((flow, message, dsd)))
        })
        .collect();
    let mut messages = Vec::new();
    for flow in built {
        match flow? {
            Some(flow) => messages.push(flow),
            None => report.dataflows_not_measured += 1,
        }
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
        // Every file of every dataflow written in parallel; listed in order.
        let files: Vec<(&Built, Format)> = messages
            .iter()
            .flat_map(|built| formats.iter().map(move |format| (built, *format)))
            .collect();
        files
            .par_iter()
            .map(|((flow, message, dsd), format)| {
                let dataflow = structures
                    .set
                    .dataflow(&flow.id)
                    .expect("checked in Structures::load");
                let name = format.file_name(&flow.id);
                write_with(&staging.join(&name), |w| match format {
                    Format::Ss21 => sdmx::write_structure_specific_21(w, message, dsd),
                    Format::Ss21flat => sdmx::write_structure_specific_21_flat(w, message, dsd),
                    Format::Generic21 => sdmx::write_generic_21(w, message, dsd),
                    Format::Csv10 => sdmx::write_csv_10(w, message, dsd, dataflow),
                    Format::Csv20 => sdmx::write_csv_20(w, message, dsd, dataflow),
                    Format::Ss30 => sdmx::write_structure_specific_30(w, message, dsd),
                })
            })
            .collect::<Vec<Result<()>>>()
            .into_iter()
            .collect::<Result<()>>()?;
        for ((flow, _, _), format) in &files {
            report
                .files
                .push(format!("sdmx/{}", format.file_name(&flow.id)));
        }
        for (_, message, _) in &messages {
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

/// A dataflow's validated message and its structure.
type Built<'a> = (&'a DataflowSpec, sdmx::DataMessage, &'a sdmx::DataStructure);

fn write_with(
    path: &std::path::Path,
    write: impl FnOnce(&mut AtomicFile) -> std::result::Result<(), sdmx::Error>,
) -> Result<()> {
    let mut file = AtomicFile::create(path)?;
    write(&mut file).map_err(|e| Error::internal(format!("writing {}: {e}", path.display())))?;
    file.flush().map_err(|e| Error::io(path, e))?;
    file.commit()
}
