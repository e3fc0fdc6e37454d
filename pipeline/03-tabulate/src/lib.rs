//! Stage 3, **tabulate**: derived records in, one row per published cell out.
//!
//! Reads `derive/derived.parquet` and writes `tabulate/estimates.parquet`
//! ([`migstat_artefacts::schema::estimates`]): for every cell of every dataflow in the
//! registry, the weighted numerator and denominator, the estimate in its published unit,
//! the unweighted count and the `C`/`U` status from the `[quality]` thresholds.
//!
//! How, in three steps that mirror a query planner's logical and physical layers:
//!
//! 1. [`plan::TabulationPlan`] (logical): from the registry alone, which dimensions,
//!    which grouping sets, which statuses to sum. Printable, pinned in a test.
//! 2. [`query`] (physical): one DataFusion pass over the derived records: out-of-scope
//!    persons get weight 0 (domains by zeroing weights, never by filtering rows), ages
//!    are joined to the AGE bands of `codelists/age_bands.csv`, and a single `GROUPING
//!    SETS` aggregate sums weights (exact decimals) and counts records for every cell,
//!    with the per-PSU totals (Taylor) or replicate-weighted totals (replicate methods)
//!    the variance needs, in the same pass.
//! 3. [`cells`]: the aggregated cells (hundreds, not millions) become the estimates of
//!    each dataflow: rates from the same cells as counts, empty cells as real zeros;
//!    [`precision`] gives each its standard error, CV and interval, [`secondary`] the
//!    complementary suppressions, and [`status::decide`] its status and reason.
//!    [`exact`] turns exact decimal ratios into the double nearest to them. A dataflow
//!    that `requires` a population the source did not measure ([`coverage`]) gets no
//!    cell: the query counts every population at once (a measure's terms name the
//!    population they count in, `registry::split_term`), and only the cells are skipped.
#![deny(missing_docs)]

#[cfg(feature = "ballista")]
mod ballista;
pub mod cells;
pub mod coverage;
pub mod dominance;
pub mod engine;
pub mod exact;
pub mod keys;
pub mod plan;
pub mod precision;
pub mod query;
pub mod secondary;
pub mod status;

use std::path::Path;

use migstat_artefacts::config::Config;
use migstat_artefacts::layout::RunDir;
use migstat_artefacts::parquet_io::ParquetSink;
use migstat_artefacts::reference::Reference;
use migstat_artefacts::{schema, Result};

/// What tabulate did.
#[derive(Debug, Clone, Default)]
pub struct TabulateReport {
    /// Aggregated cells returned by the grouping-sets query.
    pub aggregated_cells: u64,
    /// Rows written to the estimates (observations, including confidential ones).
    pub estimates: u64,
    /// Cells flagged confidential (`C`).
    pub confidential: u64,
    /// Cells flagged unreliable (`U`).
    pub unreliable: u64,
    /// Of the confidential cells, those chosen by secondary suppression.
    pub secondary_confidential: u64,
    /// Cells not published because of the `[reliability]` rules.
    pub not_published: u64,
    /// Rates not published because their denominator is 0.
    pub rates_without_denominator: u64,
    /// Dataflows not tabulated because a population they require was not measured by the
    /// source ([`coverage`]).
    pub dataflows_not_measured: u64,
}

/// Runs the stage: `run.derived_records()` -> `run.estimates()`.
pub fn run(config: &Config, reference: &Reference, run: &RunDir) -> Result<TabulateReport> {
    engine::check(config)?;
    let mut plan = plan::TabulationPlan::new(&reference.registry, &reference.age_bands)?;
    plan.largest_contributions = config.disclosure.dominance_n.map(|n| n as usize);
    let derived = run.derived_records();
    let replicates = query::replicates_in_artefact(&derived)?;
    let pass = query::DesignPass::for_method(config.design.method, replicates);
    precision::check_design(config, replicates)?;
    let aggregates = query::aggregate(&plan, &derived, pass, &config.engine)?;
    let mut report = TabulateReport {
        aggregated_cells: aggregates.cells.len() as u64,
        ..Default::default()
    };
    let measured = coverage::measured_populations(&reference.registry, &derived)?;
    let batch = cells::estimates(
        config,
        &reference.registry,
        &plan,
        &aggregates,
        &measured,
        &mut report,
    )?;
    write(&run.estimates(), &batch)?;
    report.estimates = batch.num_rows() as u64;
    Ok(report)
}

fn write(path: &Path, batch: &arrow::array::RecordBatch) -> Result<()> {
    let mut sink = ParquetSink::create(path, schema::estimates())?;
    sink.write(batch)?;
    sink.finish().map(|_| ())
}
