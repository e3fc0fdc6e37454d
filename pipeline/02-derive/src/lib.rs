//! migstat-derive: the **derive** stage — the ICLS concepts of every person.
//!
//! ```text
//! ingest/core.parquet ──derive──▶ derive/derived.parquet
//! ```
//!
//! - **Input:** [`RunDir::core_records`], one ICLS core record per person as validated by
//!   ingest, with the schema [`schema::core_record()`] (contract §3) and the file's `R`
//!   replicate weights (`R` = [`schema::replicates_in`] the artefact's schema, 0 or more).
//! - **Output:** [`RunDir::derived_records`], one derived record per person, in input
//!   order, with the schema `schema::with_replicates(schema::derived_record(), R)`: the
//!   person's ILO codes and why they are in or out of the stock tables, with the sample
//!   design (`stratum`, `psu`, `repwt_1 ..= repwt_R`) passed through for the variance.
//!   Written atomically (it appears whole or not at all).
//! - **Rules:** contract §4, to the letter; the concepts behind them are in
//!   icls-concepts.md §1.3, §1.9, §1.10 and §2.1–2.2 (20th ICLS 2018 *Guidelines
//!   concerning statistics of international labour migration*; 19th ICLS 2013
//!   *Resolution I concerning statistics of work, employment and labour
//!   underutilization*).
//!
//! One file per concept, each a pure function of plain values, with its rule, its
//! sources and any departure (marked `Extension:`) in its header:
//!
//! | file | concept | derived columns |
//! |---|---|---|
//! | [`scope`] | who is counted in the stock tables | `scope`, `in_scope` |
//! | [`labour_force_status`] | employed, unemployed, outside the labour force | `lfs`, `lfs_rule` |
//! | [`place_of_birth`] | CL_CBR native-born / foreign-born / unknown | `cbr` |
//! | [`citizenship`] | CL_CCT citizen / non-citizen / unknown | `cct` |
//! | [`sex`] | CL_SEX | `sex` |
//! | [`education`] | CL_EDU aggregate levels (from ISCED 2011) | `edu` |
//! | [`economic_activity`] | CL_ECO ISIC Rev.4 section of the employed | `eco` |
//! | [`occupation`] | CL_OCU ISCO-08 major group of the employed | `ocu` |
//! | [`status_in_employment`] | CL_STE ICSE-93 group of the employed | `ste` |
//! | [`country_detail`] | CL_CBR country of birth of the foreign-born, CL_CCT country of citizenship of non-citizens | `cbr_country`, `cct_country` |
//! | [`usual_residence`] | usual residence by `[concepts] residence_rule` (roster, UN P&R Rev.3 option A or B); the scope reads it | `usual_resident`, `residence_basis` |
//! | [`migrant_workers`] | non-resident foreign workers (group b) and their kind; international migrant workers, resident and not | `residence_status`, `nonresident_foreign_worker`, `nonresident_worker_type`, `international_migrant_worker_cbr`, `_cct` |
//! | [`duration_of_residence`] | years since arrival and their band, recent immigrants, reason for migration, recent for-work immigrants | `years_since_arrival`, `duration_approximate`, `residence_duration`, `migration_reason`, `recent_immigrant`, `recent_for_work_immigrant` |
//! | [`return_migration`] | return international migrants and return migrant workers | `years_since_return`, `return_migrant`, `return_migrant_worker` |
//!
//! The populations of the migration concepts (`nonresident_foreign_worker`, ...,
//! `return_migrant_worker`) are nullable Booleans: null means *not measured* (the source
//! did not state what the concept needs), so that tabulate publishes a dataflow that
//! `requires` a population only when some record measured it. The private module
//! `migration` applies them.
//!
//! [`record`] applies them to a batch of core records; [`run`] streams the whole file.
//!
//! Every record is derived, in scope or not: tabulate filters on `in_scope`, and the
//! out-of-scope rows keep their reason (`scope`) for audits.
//!
//! Memory stays bounded: batches of [`parquet_io::BATCH_ROWS`] rows are read, up to one
//! per rayon thread are derived in parallel, and the results are written in input order,
//! so the output is the same whatever the thread count.
#![deny(missing_docs)]

pub mod citizenship;
mod codes;
pub mod country_detail;
pub mod duration_of_residence;
pub mod economic_activity;
pub mod education;
pub mod labour_force_status;
pub mod migrant_workers;
mod migration;
pub mod occupation;
pub mod place_of_birth;
pub mod record;
pub mod return_migration;
pub mod scope;
pub mod sex;
pub mod status_in_employment;
pub mod usual_residence;

use std::collections::BTreeMap;

use arrow::array::RecordBatch;
use migstat_artefacts::concepts::Concepts;
use migstat_artefacts::config::Config;
use migstat_artefacts::layout::RunDir;
use migstat_artefacts::parquet_io::{self, ParquetSink, RowGroupSource};
use migstat_artefacts::schema::{self, Scope};
use migstat_artefacts::Result;

pub use record::{derive_batch, derive_computed};

/// What the derivation depends on besides the records: the survey's country and
/// reference year, and the parameters of the 2018 ICLS concepts.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    /// ISO alpha-3 of the reporting country (`survey.ref_area`).
    pub ref_area: String,
    /// The year of `survey.time_period`: durations of residence are counted to it.
    pub reference_year: i32,
    /// `[concepts]`.
    pub concepts: Concepts,
}

impl Params {
    /// A survey of `ref_area` in `reference_year`, with the default `[concepts]`.
    pub fn new(ref_area: &str, reference_year: i32) -> Params {
        Params {
            ref_area: ref_area.to_string(),
            reference_year,
            concepts: Concepts::default(),
        }
    }

    /// The parameters of a run's config.
    pub fn of(config: &Config) -> Params {
        Params {
            ref_area: config.survey.ref_area.clone(),
            reference_year: config.survey.time_period.year,
            concepts: config.concepts.clone(),
        }
    }
}

/// What the derive stage did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeriveReport {
    /// Records read (= records written).
    pub rows: u64,
    /// Records in scope of the stock tables.
    pub in_scope: u64,
    /// Records by [`Scope::code`]; every scope is listed, 0 when it did not occur.
    pub by_scope: BTreeMap<&'static str, u64>,
    /// In-scope records by the contract §4 rule (1 to 7) that decided their labour force
    /// status; every rule is listed, 0 when it did not occur. Sums to `in_scope`.
    pub by_lfs_rule: BTreeMap<u8, u64>,
    /// In-scope records classified OLF by rule 7 with no item of the LF block answered at
    /// all: the residual of icls-concepts.md §2.2 rule 11, reported, not imputed.
    pub lfs_residual: u64,
    /// The migration concepts, every key listed: records by what decided their usual
    /// residence (`residence_basis.<CODE>`), persons in each population
    /// (`population.<column>`), and durations of residence from the year of arrival
    /// alone (`duration.approximate`) or reported (`duration.reported`).
    pub migration: BTreeMap<String, u64>,
}

impl Default for DeriveReport {
    fn default() -> Self {
        DeriveReport {
            rows: 0,
            in_scope: 0,
            by_scope: Scope::ALL.iter().map(|s| (s.code(), 0)).collect(),
            by_lfs_rule: (1..=labour_force_status::RESIDUAL_RULE)
                .map(|r| (r, 0))
                .collect(),
            lfs_residual: 0,
            migration: migration::MigrationCounts::default().into_map(),
        }
    }
}

impl DeriveReport {
    /// Adds the counts of `other` (e.g. of another batch).
    pub fn add(&mut self, other: &DeriveReport) {
        self.rows += other.rows;
        self.in_scope += other.in_scope;
        for (k, v) in &other.by_scope {
            *self.by_scope.entry(k).or_default() += v;
        }
        for (k, v) in &other.by_lfs_rule {
            *self.by_lfs_rule.entry(*k).or_default() += v;
        }
        self.lfs_residual += other.lfs_residual;
        for (k, v) in &other.migration {
            *self.migration.entry(k.clone()).or_default() += v;
        }
    }

    /// The counts as flat named counts, for the manifest's stage record: `rows`,
    /// `in_scope`, `scope.<CODE>`, `lfs_rule.<n>`, `lfs_residual`, and the migration
    /// counts (`residence_basis.<CODE>`, `population.<column>`, `duration.*`).
    pub fn counts(&self) -> BTreeMap<String, u64> {
        let mut counts = BTreeMap::from([
            ("rows".to_string(), self.rows),
            ("in_scope".to_string(), self.in_scope),
            ("lfs_residual".to_string(), self.lfs_residual),
        ]);
        counts.extend(
            self.by_scope
                .iter()
                .map(|(k, v)| (format!("scope.{k}"), *v)),
        );
        counts.extend(
            self.by_lfs_rule
                .iter()
                .map(|(k, v)| (format!("lfs_rule.{k}"), *v)),
        );
        counts.extend(self.migration.iter().map(|(k, v)| (k.clone(), *v)));
        counts
    }
}

/// Reads `run.core_records()`, writes `run.derived_records()` (schema
/// [`schema::derived_record()`] with the core record's replicate weights), batch by batch
/// in bounded memory, for the survey of `config` ([`Params::of`]).
pub fn run(config: &Config, run: &RunDir) -> Result<DeriveReport> {
    let params = Params::of(config);
    let input = run.core_records();
    let source = RowGroupSource::open(&input)?;
    let replicates = schema::replicates_in(&source.schema());
    let core = schema::with_replicates(schema::core_record(), replicates);
    parquet_io::check_schema(&input, &source.schema(), &core)?;
    let derived = schema::with_replicates(schema::derived_record(), replicates);
    let mut sink = ParquetSink::create(&run.derived_records(), derived)?;
    let mut report = DeriveReport::default();

    // Row group by row group: the columns the concepts read are decoded, the derived
    // ones encoded, and the columns passed through (ids, weights, design) are copied
    // from core.parquet byte for byte, never decoded nor encoded (they are most of the
    // bytes: 10M persons, derive 5.6 s -> 3.x s).
    // Copied without being read: what no concept reads.
    let unread: Vec<String> = [
        schema::core::PERSON_ID,
        schema::core::HOUSEHOLD_ID,
        schema::core::STRATUM,
        schema::core::PSU,
    ]
    .map(String::from)
    .into_iter()
    .chain((1..=replicates).map(schema::replicate_column))
    .collect();
    let read: Vec<&str> = core
        .fields()
        .iter()
        .map(|f| f.name().as_str())
        .filter(|name| !unread.iter().any(|u| u == name))
        .collect();
    let read_named: Vec<&str> = read
        .iter()
        .copied()
        .chain([schema::core::PERSON_ID])
        .collect();
    let mut groups = 0..source.row_groups();
    // Reading, deriving (one row group per rayon thread at a time) and writing overlap
    // (migstat_artefacts::overlap); row groups are written in input order.
    migstat_artefacts::overlap::run(
        || {
            groups
                .next()
                .map(|group| Ok((group, source.read(group, &read)?)))
                .transpose()
        },
        |(group, batch)| {
            // A record ingest should have let through: derived again with the person ids
            // read, so that the error names the person (they are not read otherwise).
            let (computed, counts) = derive_computed(&batch, &params).or_else(|_| {
                let named = source.read(group, &read_named)?;
                derive_computed(&named, &params)
            })?;
            Ok((group, computed, counts))
        },
        |(group, computed, counts): (usize, RecordBatch, DeriveReport)| {
            report.add(&counts);
            sink.write_row_group(&computed, &source, group)
        },
    )?;

    sink.finish()?;
    Ok(report)
}

/// A text item as stated: `None` for null or empty (contract §3: empty = not stated).
pub(crate) fn stated(value: Option<&str>) -> Option<&str> {
    value.filter(|v| !v.is_empty())
}
