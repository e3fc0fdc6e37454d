//! The stage itself: source → validation (in parallel) → duplicates → core.parquet,
//! overlapping ([`migstat_artefacts::overlap`]).

use std::fs;
use std::io::ErrorKind;
use std::path::Path;

use migstat_artefacts::config::Config;
use migstat_artefacts::error::InputError;
use migstat_artefacts::layout::RunDir;
use migstat_artefacts::overlap;
use migstat_artefacts::parquet_io::ParquetSink;
use migstat_artefacts::reference::Reference;
use migstat_artefacts::rejects::{write_rejects_csv, Reject};
use migstat_artefacts::{Error, Result};

use crate::duplicates::SeenIds;
use crate::layout::{Layout, SurveyRef};
use crate::source::{file_reject, Source};
use crate::validate::{sort_in_file_order, Validated, Validator};
use crate::{rules, IngestReport};

/// See [`crate::run`].
pub(crate) fn run(config: &Config, reference: &Reference, run: &RunDir) -> Result<IngestReport> {
    let path = config.input.path.as_path();
    let file = path.display().to_string();
    let design = &config.design;
    let layout = Layout::for_config(config)?;
    let survey = SurveyRef::new(&config.survey.ref_area, &config.survey.time_period);
    let bound = layout.as_ref().map(|l| (l, &survey));
    let mut source = match Source::open(path, &file, design, bound, &config.input)? {
        Ok(source) => source,
        Err(rejects) => return fail(path, run, rejects),
    };
    if let Some(reject) = crate::basis::check(config, source.header(), &file) {
        return fail(path, run, vec![reject]);
    }
    let validator = Validator::new(
        &file,
        &reference.countries,
        config.survey.time_period.year,
        source.header(),
        design,
    );
    let sink = ParquetSink::create(&run.core_records(), validator.schema())?;

    // Reading, the value rules (in parallel) and the duplicate check with the writing
    // overlap (migstat_artefacts::overlap); the duplicate check is global, so it runs
    // with the writer, in file order.
    let mut sink = Some(sink);
    let mut rejects: Vec<Reject> = Vec::new();
    let mut seen = SeenIds::expecting(source.expected_records(path));
    overlap::run(
        || source.next_batch(),
        |batch| validator.validate(batch),
        |mut v: Validated| {
            v.rejects.extend(seen.check(&v.batch, &v.lines, &file));
            if v.rejects.is_empty() {
                if let Some(sink) = sink.as_mut() {
                    sink.write(&v.batch)?;
                }
            } else {
                sort_in_file_order(&mut v.rejects, validator.names());
                rejects.append(&mut v.rejects);
                sink = None; // dropping the sink removes its temporary file
            }
            Ok(())
        },
    )?;

    if source.rows_read() == 0 {
        rejects.push(file_reject(
            &file,
            "",
            "",
            rules::FILE_NO_RECORDS,
            "the file has a header but no data rows".into(),
        ));
    }
    let sink = match sink {
        Some(sink) if rejects.is_empty() => sink,
        _ => return fail(path, run, rejects),
    };
    let rows_written = sink.finish()?;
    remove_if_exists(&run.rejects())?; // a stale list from an earlier failed run
    Ok(IngestReport {
        rows_read: source.rows_read(),
        rows_written,
        rejected: 0,
        input_format: source.format(),
    })
}

/// Writes every reject to `rejects.csv`, makes sure no core records are left, and
/// returns the input error.
fn fail(path: &Path, run: &RunDir, rejects: Vec<Reject>) -> Result<IngestReport> {
    write_rejects_csv(&run.rejects(), &rejects)?;
    remove_if_exists(&run.core_records())?; // a stale artefact from an earlier run
    let total = rejects.len() as u64;
    let mut first = rejects;
    first.truncate(InputError::SHOWN);
    Err(Error::Input(InputError {
        file: path.to_path_buf(),
        total,
        first,
        rejects_file: Some(run.rejects()),
    }))
}

fn remove_if_exists(path: &Path) -> Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != ErrorKind::NotFound => Err(Error::io(path, e)),
        _ => Ok(()),
    }
}
