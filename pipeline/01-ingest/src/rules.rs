//! The stable identifiers of every rule ingest checks (the `rule` column of `rejects.csv`).
//!
//! They are part of the contract with data producers, who filter `rejects.csv` by them:
//! never rename one; add new ones instead. The table in the crate documentation says
//! what each one means.

// ---- The whole file -------------------------------------------------------------------

/// The file has no bytes (or only a byte-order mark / blank lines).
pub const FILE_EMPTY: &str = "file.empty";
/// The file has a header (or a schema) but no data rows.
pub const FILE_NO_RECORDS: &str = "file.no_records";
/// A required column of the core record is not in the header.
pub const COLUMN_MISSING: &str = "column.missing";
/// Neither `lfs_status` nor all of `worked`, `absent`, `searched`, `available` are there.
pub const COLUMN_LFS_MISSING: &str = "column.lfs_missing";
/// A national value that the layout's value map and code list do not know (the value is
/// the national one, the column the national column).
pub const LAYOUT_CODE: &str = "layout.code";
/// A national value the layout computes with (`derive`, `divide`) that is not a number
/// (or a date).
pub const LAYOUT_NOT_A_NUMBER: &str = "layout.not_a_number";
/// A core-record column appears more than once in the header.
pub const COLUMN_DUPLICATE: &str = "column.duplicate";
/// The file looks like Parquet (by name or magic) but cannot be read as Parquet.
pub const PARQUET_UNREADABLE: &str = "parquet.unreadable";
/// A Parquet column has a type that cannot be read as text (a list, a struct, ...).
pub const PARQUET_TYPE: &str = "parquet.type";
/// Replicate weight columns are not numbered 1..R without gaps (`repwt_1`, `repwt_2`,
/// `repwt_4`).
pub const COLUMN_REPLICATE_GAP: &str = "column.replicate_gap";
/// `[design] method = "taylor"` and the configured stratum column is not in the file.
pub const COLUMN_STRATUM_MISSING: &str = "column.stratum_missing";
/// `[design] method = "taylor"` and the configured PSU column is not in the file.
pub const COLUMN_PSU_MISSING: &str = "column.psu_missing";
/// A replicate method and fewer than 2 replicate weight columns.
pub const COLUMN_REPLICATES_MISSING: &str = "column.replicates_missing";
/// Method `jkn` and a number of replicate weight columns other than `jkn_rscales.len()`.
pub const COLUMN_REPLICATES_COUNT: &str = "column.replicates_count";

// ---- The CSV structure of one record ----------------------------------------------------

/// A record has a different number of fields from the header.
pub const CSV_FIELD_COUNT: &str = "csv.field_count";
/// A field is not valid UTF-8.
pub const CSV_UTF8: &str = "csv.utf8";
/// A quoted field runs across lines: a quote was opened and never closed.
pub const CSV_UNBALANCED_QUOTE: &str = "csv.unbalanced_quote";

// ---- The values of one record -----------------------------------------------------------

/// `person_id` is empty.
pub const PERSON_ID_MISSING: &str = "person_id.missing";
/// `person_id` was already used by an earlier row.
pub const PERSON_ID_DUPLICATE: &str = "person_id.duplicate";
/// `weight` is empty.
pub const WEIGHT_MISSING: &str = "weight.missing";
/// `weight` is not a decimal number (including `NaN`, `inf`).
pub const WEIGHT_NOT_A_NUMBER: &str = "weight.not_a_number";
/// `weight` is below zero.
pub const WEIGHT_NEGATIVE: &str = "weight.negative";
/// `weight` does not fit the weight type (29 integer digits).
pub const WEIGHT_TOO_LARGE: &str = "weight.too_large";
/// `sex` is empty.
pub const SEX_MISSING: &str = "sex.missing";
/// `sex` is not `M`, `F` or `O`.
pub const SEX_CODE: &str = "sex.code";
/// `age` is not a whole number.
pub const AGE_NOT_AN_INTEGER: &str = "age.not_an_integer";
/// `age` is outside 0..=130.
pub const AGE_RANGE: &str = "age.range";
/// `country_of_birth` is not an accepted ISO alpha-3 code nor `XXX`.
pub const COUNTRY_OF_BIRTH_CODE: &str = "country_of_birth.code";
/// `citizenship` is not an accepted ISO alpha-3 code, `XXA` nor `XXX`.
pub const CITIZENSHIP_CODE: &str = "citizenship.code";
/// `citizenship_2` is not an accepted ISO alpha-3 code, `XXA` nor `XXX`.
pub const CITIZENSHIP_2_CODE: &str = "citizenship_2.code";
/// `usual_resident` is not `Y`, `N` or empty.
pub const USUAL_RESIDENT_FLAG: &str = "usual_resident.flag";
/// `lfs_status` is not `EMP`, `UNE`, `OLF` or empty.
pub const LFS_STATUS_CODE: &str = "lfs_status.code";
/// `worked` is not `Y`, `N` or empty.
pub const WORKED_FLAG: &str = "worked.flag";
/// `absent` is not `Y`, `N` or empty.
pub const ABSENT_FLAG: &str = "absent.flag";
/// `absence_reason` is not one of its codes.
pub const ABSENCE_REASON_CODE: &str = "absence_reason.code";
/// `absence_paid` is not `Y`, `N` or empty.
pub const ABSENCE_PAID_FLAG: &str = "absence_paid.flag";
/// `absence_return_3m` is not `Y`, `N` or empty.
pub const ABSENCE_RETURN_3M_FLAG: &str = "absence_return_3m.flag";
/// `searched` is not `Y`, `N` or empty.
pub const SEARCHED_FLAG: &str = "searched.flag";
/// `available` is not `Y`, `N` or empty.
pub const AVAILABLE_FLAG: &str = "available.flag";
/// `future_start` is not `Y`, `N` or empty.
pub const FUTURE_START_FLAG: &str = "future_start.flag";
/// `year_of_arrival` is not a whole number.
pub const YEAR_OF_ARRIVAL_NOT_AN_INTEGER: &str = "year_of_arrival.not_an_integer";
/// `year_of_arrival` is before 1900 or after the reference year.
pub const YEAR_OF_ARRIVAL_RANGE: &str = "year_of_arrival.range";
/// `reason_for_migration` is not one of its codes.
pub const REASON_FOR_MIGRATION_CODE: &str = "reason_for_migration.code";
/// The stratum is empty in a row with weight > 0 and `[design] method = "taylor"`.
pub const STRATUM_MISSING: &str = "stratum.missing";
/// The PSU is empty in a row with weight > 0 and `[design] method = "taylor"`.
pub const PSU_MISSING: &str = "psu.missing";
/// A replicate weight is empty.
pub const REPLICATE_WEIGHT_MISSING: &str = "replicate_weight.missing";
/// A replicate weight is not a decimal number (including `NaN`, `inf`).
pub const REPLICATE_WEIGHT_NOT_A_NUMBER: &str = "replicate_weight.not_a_number";
/// A replicate weight is below zero.
pub const REPLICATE_WEIGHT_NEGATIVE: &str = "replicate_weight.negative";
/// A replicate weight does not fit the weight type (29 integer digits).
pub const REPLICATE_WEIGHT_TOO_LARGE: &str = "replicate_weight.too_large";

/// Every rule, in the order of the crate documentation's table.
pub const ALL: &[&str] = &[
    FILE_EMPTY,
    FILE_NO_RECORDS,
    COLUMN_MISSING,
    COLUMN_LFS_MISSING,
    COLUMN_DUPLICATE,
    PARQUET_UNREADABLE,
    PARQUET_TYPE,
    COLUMN_REPLICATE_GAP,
    COLUMN_STRATUM_MISSING,
    COLUMN_PSU_MISSING,
    COLUMN_REPLICATES_MISSING,
    COLUMN_REPLICATES_COUNT,
    CSV_FIELD_COUNT,
    CSV_UTF8,
    CSV_UNBALANCED_QUOTE,
    PERSON_ID_MISSING,
    PERSON_ID_DUPLICATE,
    WEIGHT_MISSING,
    WEIGHT_NOT_A_NUMBER,
    WEIGHT_NEGATIVE,
    WEIGHT_TOO_LARGE,
    SEX_MISSING,
    SEX_CODE,
    AGE_NOT_AN_INTEGER,
    AGE_RANGE,
    COUNTRY_OF_BIRTH_CODE,
    CITIZENSHIP_CODE,
    CITIZENSHIP_2_CODE,
    USUAL_RESIDENT_FLAG,
    LFS_STATUS_CODE,
    WORKED_FLAG,
    ABSENT_FLAG,
    ABSENCE_REASON_CODE,
    ABSENCE_PAID_FLAG,
    ABSENCE_RETURN_3M_FLAG,
    SEARCHED_FLAG,
    AVAILABLE_FLAG,
    FUTURE_START_FLAG,
    YEAR_OF_ARRIVAL_NOT_AN_INTEGER,
    YEAR_OF_ARRIVAL_RANGE,
    REASON_FOR_MIGRATION_CODE,
    STRATUM_MISSING,
    PSU_MISSING,
    REPLICATE_WEIGHT_MISSING,
    REPLICATE_WEIGHT_NOT_A_NUMBER,
    REPLICATE_WEIGHT_NEGATIVE,
    REPLICATE_WEIGHT_TOO_LARGE,
    LAYOUT_CODE,
    LAYOUT_NOT_A_NUMBER,
];

/// The rules that only a layout other than `core` fires (`[input] layout`).
pub const LAYOUT_DEPENDENT: &[&str] = &[LAYOUT_CODE, LAYOUT_NOT_A_NUMBER];

/// The rules that depend on `[design] method` (never fired without a `[design]` section).
pub const DESIGN_DEPENDENT: &[&str] = &[
    COLUMN_STRATUM_MISSING,
    COLUMN_PSU_MISSING,
    COLUMN_REPLICATES_MISSING,
    COLUMN_REPLICATES_COUNT,
    STRATUM_MISSING,
    PSU_MISSING,
];
