//! The Arrow schemas of the three Parquet artefacts, defined here once.
//!
//! Stages build and read these artefacts only through the column names and schemas below,
//! so a change to an artefact is a change to this file.

use std::sync::Arc;

use arrow::datatypes::{DataType, Field, Schema, SchemaRef};

/// Precision and scale of every weight and weighted sum: exact decimals, so that totals
/// are the same whatever the summation order or thread count, and match the worked
/// example to the last digit. Scale 9 keeps nine decimals of a weight (more are rounded
/// half-to-even on ingest); precision 38 leaves 29 integer digits for sums.
pub const WEIGHT_TYPE: DataType = DataType::Decimal128(38, WEIGHT_SCALE as i8);
/// The number of decimals kept of a weight.
pub const WEIGHT_SCALE: u32 = 9;

/// Columns of the ICLS core record (contract section 3), as stored by ingest.
pub mod core {
    /// Unique person identifier.
    pub const PERSON_ID: &str = "person_id";
    /// Final person weight, [`super::WEIGHT_TYPE`].
    pub const WEIGHT: &str = "weight";
    /// `M`, `F` or `O`.
    pub const SEX: &str = "sex";
    /// Completed years, null = not stated.
    pub const AGE: &str = "age";
    /// ISO alpha-3, `XXX`, or null = not stated.
    pub const COUNTRY_OF_BIRTH: &str = "country_of_birth";
    /// ISO alpha-3, `XXA`, `XXX`, or null = not stated.
    pub const CITIZENSHIP: &str = "citizenship";
    /// A second citizenship.
    pub const CITIZENSHIP_2: &str = "citizenship_2";
    /// Usual resident; the column absent means everyone is.
    pub const USUAL_RESIDENT: &str = "usual_resident";
    /// Household identifier.
    pub const HOUSEHOLD_ID: &str = "household_id";
    /// `EMP`, `UNE`, `OLF` as derived by the producer.
    pub const LFS_STATUS: &str = "lfs_status";
    /// Worked at least one hour.
    pub const WORKED: &str = "worked";
    /// Temporarily absent from a job.
    pub const ABSENT: &str = "absent";
    /// Reason of absence.
    pub const ABSENCE_REASON: &str = "absence_reason";
    /// Paid during absence.
    pub const ABSENCE_PAID: &str = "absence_paid";
    /// Expects to return within 3 months.
    pub const ABSENCE_RETURN_3M: &str = "absence_return_3m";
    /// Searched for work in the last 4 weeks.
    pub const SEARCHED: &str = "searched";
    /// Available to start work.
    pub const AVAILABLE: &str = "available";
    /// Has a job arranged to start within 3 months.
    pub const FUTURE_START: &str = "future_start";
    /// Year of last arrival in the country.
    pub const YEAR_OF_ARRIVAL: &str = "year_of_arrival";
    /// Main reason for migration.
    pub const REASON_FOR_MIGRATION: &str = "reason_for_migration";
    /// Extension (sample design): the stratum, null = not stated.
    pub const STRATUM: &str = "stratum";
    /// Extension (sample design): the primary sampling unit, null = not stated.
    pub const PSU: &str = "psu";
    /// Extension: the 1-based row of the record in the input file, for audits.
    pub const SOURCE_ROW: &str = "source_row";
}

/// The artefact name of replicate weight `k` (1-based), whatever the input prefix:
/// `repwt_1` .. `repwt_R`, [`WEIGHT_TYPE`], appended after the fixed columns of the core
/// and derived records.
pub fn replicate_column(k: usize) -> String {
    format!("repwt_{k}")
}

/// The number of replicate weights in an artefact's schema (columns `repwt_1..`).
pub fn replicates_in(schema: &Schema) -> usize {
    (1..)
        .take_while(|k| schema.field_with_name(&replicate_column(*k)).is_ok())
        .count()
}

/// `base` with `replicates` replicate-weight columns appended.
pub fn with_replicates(base: SchemaRef, replicates: usize) -> SchemaRef {
    if replicates == 0 {
        return base;
    }
    let mut fields: Vec<Field> = base.fields().iter().map(|f| f.as_ref().clone()).collect();
    fields.extend((1..=replicates).map(|k| Field::new(replicate_column(k), WEIGHT_TYPE, false)));
    Arc::new(Schema::new(fields))
}

/// The columns of the core record that must be present in every input file.
pub const REQUIRED_CORE_COLUMNS: &[&str] = &[
    core::PERSON_ID,
    core::WEIGHT,
    core::SEX,
    core::AGE,
    core::COUNTRY_OF_BIRTH,
    core::CITIZENSHIP,
];

/// The schema of `ingest/core.parquet` without replicate weights (see [`with_replicates`]).
pub fn core_record() -> SchemaRef {
    use DataType::*;
    let text = |name: &str| Field::new(name, Utf8, true);
    let flag = |name: &str| Field::new(name, Boolean, true);
    Arc::new(Schema::new(vec![
        Field::new(core::PERSON_ID, Utf8, false),
        Field::new(core::WEIGHT, WEIGHT_TYPE, false),
        Field::new(core::SEX, Utf8, false),
        Field::new(core::AGE, Int32, true),
        text(core::COUNTRY_OF_BIRTH),
        text(core::CITIZENSHIP),
        text(core::CITIZENSHIP_2),
        Field::new(core::USUAL_RESIDENT, Boolean, false),
        text(core::HOUSEHOLD_ID),
        text(core::LFS_STATUS),
        flag(core::WORKED),
        flag(core::ABSENT),
        text(core::ABSENCE_REASON),
        flag(core::ABSENCE_PAID),
        flag(core::ABSENCE_RETURN_3M),
        flag(core::SEARCHED),
        flag(core::AVAILABLE),
        flag(core::FUTURE_START),
        Field::new(core::YEAR_OF_ARRIVAL, Int32, true),
        text(core::REASON_FOR_MIGRATION),
        text(core::STRATUM),
        text(core::PSU),
        Field::new(core::SOURCE_ROW, Int64, false),
    ]))
}

/// Columns of the derived record: one row per person with the ICLS concepts, as ILO codes.
pub mod derived {
    /// Unique person identifier (from the core record).
    pub const PERSON_ID: &str = "person_id";
    /// Household identifier (from the core record).
    pub const HOUSEHOLD_ID: &str = "household_id";
    /// Final person weight, [`super::WEIGHT_TYPE`].
    pub const WEIGHT: &str = "weight";
    /// ILO CL_SEX code: `SEX_M`, `SEX_F`, `SEX_O`.
    pub const SEX: &str = "sex";
    /// Completed years, null = not stated.
    pub const AGE: &str = "age";
    /// Why the person is in or out of the stock tables: see [`super::Scope`].
    pub const SCOPE: &str = "scope";
    /// `scope == IN_SCOPE`.
    pub const IN_SCOPE: &str = "in_scope";
    /// Labour force status: `EMP`, `UNE`, `OLF`.
    pub const LFS: &str = "lfs";
    /// Which rule of contract section 4 decided `lfs` (1 to 7).
    pub const LFS_RULE: &str = "lfs_rule";
    /// ILO CL_CBR code: `CBR_BIR_NATIVE`, `CBR_BIR_FOREIGN`, `CBR_BIR_X`.
    pub const CBR: &str = "cbr";
    /// ILO CL_CCT code: `CCT_CIT_CITIZEN`, `CCT_CIT_NONCIT`, `CCT_CIT_X`.
    pub const CCT: &str = "cct";
    /// The stratum (from the core record).
    pub const STRATUM: &str = "stratum";
    /// The primary sampling unit (from the core record).
    pub const PSU: &str = "psu";
    /// The 1-based row of the record in the input file.
    pub const SOURCE_ROW: &str = "source_row";
}

/// Why a record is in or out of the stock tables (contract section 4, checked in this
/// order; the first that applies is recorded).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    /// `usual_resident = N`.
    NonResident,
    /// `weight = 0`.
    ZeroWeight,
    /// Age not stated.
    AgeNotStated,
    /// Age below 15.
    BelowWorkingAge,
    /// Counted in every stock table.
    InScope,
}

impl Scope {
    /// Every scope, in the order they are checked.
    pub const ALL: [Scope; 5] = [
        Scope::NonResident,
        Scope::ZeroWeight,
        Scope::AgeNotStated,
        Scope::BelowWorkingAge,
        Scope::InScope,
    ];

    /// The code stored in the `scope` column.
    pub fn code(self) -> &'static str {
        match self {
            Scope::NonResident => "NON_RESIDENT",
            Scope::ZeroWeight => "ZERO_WEIGHT",
            Scope::AgeNotStated => "AGE_NOT_STATED",
            Scope::BelowWorkingAge => "BELOW_WORKING_AGE",
            Scope::InScope => "IN_SCOPE",
        }
    }
}

/// The schema of `derive/derived.parquet` without replicate weights (see [`with_replicates`]).
pub fn derived_record() -> SchemaRef {
    use DataType::*;
    Arc::new(Schema::new(vec![
        Field::new(derived::PERSON_ID, Utf8, false),
        Field::new(derived::HOUSEHOLD_ID, Utf8, true),
        Field::new(derived::WEIGHT, WEIGHT_TYPE, false),
        Field::new(derived::SEX, Utf8, false),
        Field::new(derived::AGE, Int32, true),
        Field::new(derived::SCOPE, Utf8, false),
        Field::new(derived::IN_SCOPE, Boolean, false),
        Field::new(derived::LFS, Utf8, false),
        Field::new(derived::LFS_RULE, UInt8, false),
        Field::new(derived::CBR, Utf8, false),
        Field::new(derived::CCT, Utf8, false),
        Field::new(derived::STRATUM, Utf8, true),
        Field::new(derived::PSU, Utf8, true),
        Field::new(derived::SOURCE_ROW, Int64, false),
    ]))
}

/// Columns of the estimates: one row per published cell. Dimension and attribute columns
/// are named after their SDMX component ids, so publish maps them by name.
pub mod estimates {
    /// The dataflow id, e.g. `DF_MST_TEAP_SEX_AGE_CBR_NB`.
    pub const DATAFLOW: &str = "DATAFLOW";
    /// Reporting country.
    pub const REF_AREA: &str = "REF_AREA";
    /// `A`, `Q` or `M`.
    pub const FREQ: &str = "FREQ";
    /// e.g. `MST_TEAP_NB`.
    pub const MEASURE: &str = "MEASURE";
    /// CL_SEX code.
    pub const SEX: &str = "SEX";
    /// CL_AGE code.
    pub const AGE: &str = "AGE";
    /// CL_CBR code (null in CCT flows).
    pub const CBR: &str = "CBR";
    /// CL_CCT code (null in CBR flows).
    pub const CCT: &str = "CCT";
    /// The reference period.
    pub const TIME_PERIOD: &str = "TIME_PERIOD";
    /// The estimate in the published unit (thousands or percent), whatever its status.
    pub const ESTIMATE: &str = "estimate";
    /// `C` (confidential: published without value), `U` (unreliable) or null.
    pub const OBS_STATUS: &str = "OBS_STATUS";
    /// Unweighted records counted by the cell (for a rate: its denominator's).
    pub const N: &str = "n_unweighted";
    /// Weighted numerator, in persons.
    pub const WEIGHTED_NUMERATOR: &str = "weighted_numerator";
    /// Weighted denominator, in persons (null for counts).
    pub const WEIGHTED_DENOMINATOR: &str = "weighted_denominator";
    /// Standard error, in the published unit (null without a design).
    pub const STANDARD_ERROR: &str = "standard_error";
    /// Coefficient of variation, percent (null without a design or for a zero estimate).
    pub const CV_PERCENT: &str = "cv_percent";
    /// Lower confidence bound, in the published unit (the SDMX attribute of that name).
    pub const LOWER_BOUND: &str = "LOWER_BOUND";
    /// Upper confidence bound, in the published unit.
    pub const UPPER_BOUND: &str = "UPPER_BOUND";
    /// Why the cell has its status (a code of `migstat_tabulate::status::Reason`).
    pub const REASON: &str = "reason";
    /// Whether the cell is published (a `C` cell is, without value).
    pub const PUBLISHED: &str = "published";
}

/// The dimension columns of the estimates that may key a series, in SDMX order.
pub const ESTIMATE_DIMENSIONS: &[&str] = &[
    estimates::REF_AREA,
    estimates::FREQ,
    estimates::MEASURE,
    estimates::SEX,
    estimates::AGE,
    estimates::CBR,
    estimates::CCT,
];

/// The schema of `tabulate/estimates.parquet`.
pub fn estimates() -> SchemaRef {
    use DataType::*;
    let code = |name: &str, nullable| Field::new(name, Utf8, nullable);
    Arc::new(Schema::new(vec![
        code(estimates::DATAFLOW, false),
        code(estimates::REF_AREA, false),
        code(estimates::FREQ, false),
        code(estimates::MEASURE, false),
        code(estimates::SEX, false),
        code(estimates::AGE, false),
        code(estimates::CBR, true),
        code(estimates::CCT, true),
        code(estimates::TIME_PERIOD, false),
        Field::new(estimates::ESTIMATE, Float64, false),
        code(estimates::OBS_STATUS, true),
        Field::new(estimates::N, Int64, false),
        Field::new(estimates::WEIGHTED_NUMERATOR, WEIGHT_TYPE, false),
        Field::new(estimates::WEIGHTED_DENOMINATOR, WEIGHT_TYPE, true),
        Field::new(estimates::STANDARD_ERROR, Float64, true),
        Field::new(estimates::CV_PERCENT, Float64, true),
        Field::new(estimates::LOWER_BOUND, Float64, true),
        Field::new(estimates::UPPER_BOUND, Float64, true),
        code(estimates::REASON, false),
        Field::new(estimates::PUBLISHED, Boolean, false),
    ]))
}
