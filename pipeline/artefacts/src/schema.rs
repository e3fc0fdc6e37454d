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
    /// Extension: highest level of education completed, an ISCED 2011 level (`X` no
    /// schooling, `0`..`9`) or an ILO aggregate (`LTB`, `BAS`, `INT`, `ADV`); null = not
    /// stated.
    pub const EDUCATION: &str = "education";
    /// Extension: economic activity of the main job, an ISIC Rev.4 section letter `A`..`U`;
    /// null = not stated.
    pub const ECONOMIC_ACTIVITY: &str = "economic_activity";
    /// Extension: occupation in the main job, an ISCO-08 major group `0`..`9`; null = not
    /// stated.
    pub const OCCUPATION: &str = "occupation";
    /// Extension: status in employment in the main job, an ICSE-93 group `1`..`6`; null =
    /// not stated.
    pub const STATUS_IN_EMPLOYMENT: &str = "status_in_employment";
    /// Extension (usual residence, icls-concepts.md §1.2): months the person lived in the
    /// country during the last 12 months, temporary absences (holidays, work assignments)
    /// counted as presence; a decimal from 0 to 12, null = not stated.
    pub const MONTHS_PRESENT_12M: &str = "months_present_12m";
    /// Extension (usual residence): months the person intends to stay in the country from
    /// the reference date; a decimal from 0 to 1560, null = not stated.
    pub const INTENDED_STAY_MONTHS: &str = "intended_stay_months";
    /// Extension (non-resident foreign workers, §1.4): present in the country in the
    /// reference week.
    pub const PRESENT_IN_COUNTRY: &str = "present_in_country";
    /// Extension (§1.4): employed by a producer unit resident in the country.
    pub const WORKS_FOR_RESIDENT_UNIT: &str = "works_for_resident_unit";
    /// Extension (§1.4): seeking work in the country.
    pub const SEEKING_WORK_IN_COUNTRY: &str = "seeking_work_in_country";
    /// Extension (§1.4): the kind of non-resident foreign worker: `FRONTIER`, `SEASONAL`,
    /// `SEAFARER`, `ITINERANT`, `PROJECT_TIED`, `SPECIFIED_EMPLOYMENT`, `SELF_EMPLOYED`.
    pub const NONRESIDENT_WORKER_TYPE: &str = "nonresident_worker_type";
    /// Extension (§1.7): completed years of residence in the country as reported (EU-LFS
    /// `YEARESID`, IPUMS `YRSIMM`), 0 to 130, null = not stated.
    pub const YEARS_OF_RESIDENCE: &str = "years_of_residence";
    /// Extension (return migration, §1.6): the country of usual residence before the
    /// person last came to live in this one: ISO alpha-3, `XXX` = abroad, country not
    /// stated; null = not stated or never lived abroad.
    pub const PREVIOUS_COUNTRY_OF_RESIDENCE: &str = "previous_country_of_residence";
    /// Extension (§1.6): the year the person last came back from abroad to live in the
    /// country, 1900 to the reference year.
    pub const YEAR_OF_RETURN: &str = "year_of_return";
    /// Extension (§1.6): labour force status while last resident abroad: `EMP`, `UNE`,
    /// `OLF`.
    pub const LABOUR_STATUS_ABROAD: &str = "labour_status_abroad";
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
        text(core::EDUCATION),
        text(core::ECONOMIC_ACTIVITY),
        text(core::OCCUPATION),
        text(core::STATUS_IN_EMPLOYMENT),
        Field::new(core::MONTHS_PRESENT_12M, Float64, true),
        Field::new(core::INTENDED_STAY_MONTHS, Float64, true),
        flag(core::PRESENT_IN_COUNTRY),
        flag(core::WORKS_FOR_RESIDENT_UNIT),
        flag(core::SEEKING_WORK_IN_COUNTRY),
        text(core::NONRESIDENT_WORKER_TYPE),
        Field::new(core::YEARS_OF_RESIDENCE, Int32, true),
        text(core::PREVIOUS_COUNTRY_OF_RESIDENCE),
        Field::new(core::YEAR_OF_RETURN, Int32, true),
        text(core::LABOUR_STATUS_ABROAD),
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
    /// ILO CL_EDU code of the aggregate level of education: `EDU_AGGREGATE_LTB`, `_BAS`,
    /// `_INT`, `_ADV`, `_X`.
    pub const EDU: &str = "edu";
    /// ILO CL_ECO code of an employed person's ISIC Rev.4 section (`ECO_ISIC4_A` ..
    /// `ECO_ISIC4_U`, `ECO_ISIC4_X`); [`NOT_APPLICABLE`] for everyone else.
    pub const ECO: &str = "eco";
    /// ILO CL_OCU code of an employed person's ISCO-08 major group (`OCU_ISCO08_0` ..
    /// `OCU_ISCO08_9`, `OCU_ISCO08_X`); [`NOT_APPLICABLE`] for everyone else.
    pub const OCU: &str = "ocu";
    /// ILO CL_STE code of an employed person's ICSE-93 group (`STE_ICSE93_1` ..
    /// `STE_ICSE93_6`); [`NOT_APPLICABLE`] for everyone else.
    pub const STE: &str = "ste";
    /// ILO CL_CBR country-of-birth code of a foreign-born person (`CBR_BRT_<ISO3>`,
    /// `CBR_BRT_X`); [`NOT_APPLICABLE`] for everyone else.
    pub const CBR_COUNTRY: &str = "cbr_country";
    /// ILO CL_CCT country-of-citizenship code of a non-citizen (`CCT_CTZ_<ISO3>`,
    /// `CCT_CTZ_X`); [`NOT_APPLICABLE`] for everyone else.
    pub const CCT_COUNTRY: &str = "cct_country";
    /// The code of a derived classification that does not apply to the person (ILO's
    /// `_Z`, "Not applicable"): never published, and never null, so that no person falls
    /// into a rolled-up cell of the tabulation by accident.
    pub const NOT_APPLICABLE: &str = "_Z";
    /// Usual resident after `[concepts] residence_rule` (icls-concepts.md §1.2); the
    /// scope test of contract §4 reads this, not the roster flag.
    pub const USUAL_RESIDENT: &str = "usual_resident";
    /// What decided `usual_resident`: `ROSTER`, `ROSTER_N`, `PRESENT`, `INTENDS`, `RULE_N`
    /// (pipeline/02-derive/src/usual_residence.rs).
    pub const RESIDENCE_BASIS: &str = "residence_basis";
    /// Constructed CL_RES code: `RES_STATUS_RESIDENT`, `RES_STATUS_NONRESIDENT`.
    pub const RES: &str = "residence_status";
    /// Population (§1.4 group b): a non-resident of working age present in the country,
    /// employed by a resident producer unit or seeking work in the country. Null = not
    /// measured (a resident, or a non-resident whose labour attachment is not stated).
    pub const NONRESIDENT_FOREIGN_WORKER: &str = "nonresident_foreign_worker";
    /// Constructed CL_NRT code of a non-resident foreign worker (`NRT_TYPE_FRONTIER`, ...,
    /// `NRT_TYPE_X`); [`NOT_APPLICABLE`] for everyone else.
    pub const NRT: &str = "nonresident_worker_type";
    /// Population (§1.4): international migrant workers on the place-of-birth basis,
    /// resident (foreign-born, in the labour force) or not ([`NONRESIDENT_FOREIGN_WORKER`]).
    /// Null where group (b) is not measured.
    pub const IMW_CBR: &str = "international_migrant_worker_cbr";
    /// Population (§1.4): the same on the citizenship basis (non-citizens).
    pub const IMW_CCT: &str = "international_migrant_worker_cct";
    /// Completed years since the person last arrived to live in the country (§1.7),
    /// null when no arrival is recorded.
    pub const YEARS_SINCE_ARRIVAL: &str = "years_since_arrival";
    /// Whether [`YEARS_SINCE_ARRIVAL`] comes from the year of arrival alone
    /// (reference year - year of arrival) rather than reported years of residence.
    pub const DURATION_APPROXIMATE: &str = "duration_approximate";
    /// Constructed CL_DRS code of the duration of residence (`DRS_YRS_YLT1`, `_Y1-4`,
    /// `_Y5-9`, `_YGE10`, `_X` not stated, `_NA` born in the country, no arrival).
    pub const DRS: &str = "residence_duration";
    /// Constructed CL_RSN code of the main reason for migration (`RSN_REASON_WORKJOB`,
    /// ..., `RSN_REASON_X`); [`NOT_APPLICABLE`] for a native with no arrival recorded.
    pub const RSN: &str = "migration_reason";
    /// Population (§1.7): in scope, arrived to live in the country in the last
    /// `[concepts] recent_years` years. Null when no arrival is recorded.
    pub const RECENT_IMMIGRANT: &str = "recent_immigrant";
    /// Population (§1.5): a recent immigrant who came for work (reason
    /// `WORK_JOB_FOUND` or `WORK_NO_JOB_FOUND`). Null when the arrival or the reason is
    /// not stated.
    pub const RECENT_FOR_WORK_IMMIGRANT: &str = "recent_for_work_immigrant";
    /// Completed years since the person came back from abroad (§1.6), null when not
    /// known.
    pub const YEARS_SINCE_RETURN: &str = "years_since_return";
    /// Population (§1.6): in scope, a citizen or native-born, previously resident abroad,
    /// back in the last `[concepts] return_lookback_years` years. Null when no previous
    /// country of residence is stated.
    pub const RETURN_MIGRANT: &str = "return_migrant";
    /// Population (§1.6): a return migrant who was in the labour force (employed or
    /// unemployed) while abroad. Null when that status is not stated.
    pub const RETURN_MIGRANT_WORKER: &str = "return_migrant_worker";
    /// The derived Boolean columns a measure of `schemas/dataflows.toml` may count in
    /// (a term `population:STATUS`, or `population` for every status); a bare status
    /// counts in [`IN_SCOPE`].
    pub const POPULATIONS: &[&str] = &[
        IN_SCOPE,
        NONRESIDENT_FOREIGN_WORKER,
        IMW_CBR,
        IMW_CCT,
        RECENT_IMMIGRANT,
        RECENT_FOR_WORK_IMMIGRANT,
        RETURN_MIGRANT,
        RETURN_MIGRANT_WORKER,
    ];
    /// The stratum (from the core record).
    pub const STRATUM: &str = "stratum";
    /// The primary sampling unit (from the core record).
    pub const PSU: &str = "psu";
    /// The 1-based row of the record in the input file.
    pub const SOURCE_ROW: &str = "source_row";
    /// The columns the derived record takes unchanged from the core record, under the
    /// same name and type (with the replicate weights, [`super::replicates_in`]): the
    /// derive stage copies them byte for byte
    /// ([`crate::parquet_io::ParquetSink::write_row_group`]).
    pub const PASSED_THROUGH: &[&str] = &[
        PERSON_ID,
        HOUSEHOLD_ID,
        WEIGHT,
        AGE,
        STRATUM,
        PSU,
        SOURCE_ROW,
    ];
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
        Field::new(derived::EDU, Utf8, false),
        Field::new(derived::ECO, Utf8, false),
        Field::new(derived::OCU, Utf8, false),
        Field::new(derived::STE, Utf8, false),
        Field::new(derived::CBR_COUNTRY, Utf8, false),
        Field::new(derived::CCT_COUNTRY, Utf8, false),
        Field::new(derived::USUAL_RESIDENT, Boolean, false),
        Field::new(derived::RESIDENCE_BASIS, Utf8, false),
        Field::new(derived::RES, Utf8, false),
        Field::new(derived::NONRESIDENT_FOREIGN_WORKER, Boolean, true),
        Field::new(derived::NRT, Utf8, false),
        Field::new(derived::IMW_CBR, Boolean, true),
        Field::new(derived::IMW_CCT, Boolean, true),
        Field::new(derived::YEARS_SINCE_ARRIVAL, Int32, true),
        Field::new(derived::DURATION_APPROXIMATE, Boolean, true),
        Field::new(derived::DRS, Utf8, false),
        Field::new(derived::RSN, Utf8, false),
        Field::new(derived::RECENT_IMMIGRANT, Boolean, true),
        Field::new(derived::RECENT_FOR_WORK_IMMIGRANT, Boolean, true),
        Field::new(derived::YEARS_SINCE_RETURN, Int32, true),
        Field::new(derived::RETURN_MIGRANT, Boolean, true),
        Field::new(derived::RETURN_MIGRANT_WORKER, Boolean, true),
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
    /// CL_AGE code (null in flows without an AGE dimension).
    pub const AGE: &str = "AGE";
    /// CL_CBR code (null in CCT flows).
    pub const CBR: &str = "CBR";
    /// CL_CCT code (null in CBR flows).
    pub const CCT: &str = "CCT";
    /// CL_EDU code (null in flows without an EDU dimension).
    pub const EDU: &str = "EDU";
    /// CL_ECO code (null in flows without an ECO dimension).
    pub const ECO: &str = "ECO";
    /// CL_OCU code (null in flows without an OCU dimension).
    pub const OCU: &str = "OCU";
    /// CL_STE code (null in flows without a STE dimension).
    pub const STE: &str = "STE";
    /// Constructed CL_RES code, residence status (null in flows without RES).
    pub const RES: &str = "RES";
    /// Constructed CL_NRT code, kind of non-resident foreign worker (null without NRT).
    pub const NRT: &str = "NRT";
    /// Constructed CL_DRS code, duration of residence (null without DRS).
    pub const DRS: &str = "DRS";
    /// Constructed CL_RSN code, reason for migration (null without RSN).
    pub const RSN: &str = "RSN";
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
    estimates::EDU,
    estimates::ECO,
    estimates::OCU,
    estimates::STE,
    estimates::RES,
    estimates::NRT,
    estimates::DRS,
    estimates::RSN,
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
        code(estimates::AGE, true),
        code(estimates::CBR, true),
        code(estimates::CCT, true),
        code(estimates::EDU, true),
        code(estimates::ECO, true),
        code(estimates::OCU, true),
        code(estimates::STE, true),
        code(estimates::RES, true),
        code(estimates::NRT, true),
        code(estimates::DRS, true),
        code(estimates::RSN, true),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passed_through_columns_are_the_same_field_in_the_core_and_derived_records() {
        let (core, derived) = (core_record(), derived_record());
        for name in derived::PASSED_THROUGH {
            assert_eq!(
                core.field_with_name(name).unwrap(),
                derived.field_with_name(name).unwrap(),
                "{name}"
            );
        }
    }
}
