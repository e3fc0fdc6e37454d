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

/// An SPSS system file (`$FL2`/`$FL3`, or named `.sav`/`.zsav`) that cannot be read: not
/// a system file, damaged, truncated (the message names the record and byte offset).
pub const SAV_UNREADABLE: &str = "sav.unreadable";
/// A Stata dataset (`<stata_dta>`, formats 113-115, or named `.dta`) that cannot be read.
pub const DTA_UNREADABLE: &str = "dta.unreadable";
/// A fixed-width file that cannot be read as a whole (a case that never ends).
pub const FIXED_UNREADABLE: &str = "fixed.unreadable";
/// The dictionary of a fixed-width file (`[input] dictionary`: CSPro `.dcf`, DDI XML) is
/// not one (the message names its line and item).
pub const DICTIONARY_INVALID: &str = "dictionary.invalid";

// ---- The structure of one fixed-width record -----------------------------------------------

/// A numeric item of a fixed-width record that is not a number (or has a decimal point
/// where the dictionary implies the decimals).
pub const FIXED_NOT_A_NUMBER: &str = "fixed.not_a_number";
/// A fixed-width field (or line) that is not valid in the file's encoding.
pub const FIXED_ENCODING: &str = "fixed.encoding";
/// A fixed-width line whose record type code the dictionary does not declare.
pub const FIXED_RECORD_TYPE: &str = "fixed.record_type";
/// A fixed-width line longer than the reader accepts (1 MiB).
pub const FIXED_LINE_TOO_LONG: &str = "fixed.line_too_long";
/// A record whose case cannot give it the carried record's variables (`[input] carry`):
/// that record was rejected, or the case has several.
pub const FIXED_CASE: &str = "fixed.case";

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
/// `education` is not an ISCED 2011 level (`X`, `0`..`9`), an ILO aggregate (`LTB`,
/// `BAS`, `INT`, `ADV`) or empty.
pub const EDUCATION_CODE: &str = "education.code";
/// `economic_activity` is not an ISIC Rev.4 section letter `A`..`U` or empty.
pub const ECONOMIC_ACTIVITY_CODE: &str = "economic_activity.code";
/// `occupation` is not an ISCO-08 major group `0`..`9` or empty.
pub const OCCUPATION_CODE: &str = "occupation.code";
/// `status_in_employment` is not an ICSE-93 group `1`..`6` or empty.
pub const STATUS_IN_EMPLOYMENT_CODE: &str = "status_in_employment.code";
/// `[survey] labour_status_basis = "main_activity"` and no `lfs_status` column: the
/// answer to the main-activity question must be given, coded, in `lfs_status`.
pub const COLUMN_MAIN_ACTIVITY_STATUS: &str = "column.main_activity_status";
/// `months_present_12m` is not a decimal number.
pub const MONTHS_PRESENT_12M_NOT_A_NUMBER: &str = "months_present_12m.not_a_number";
/// `months_present_12m` is outside 0 to 12.
pub const MONTHS_PRESENT_12M_RANGE: &str = "months_present_12m.range";
/// `intended_stay_months` is not a decimal number.
pub const INTENDED_STAY_MONTHS_NOT_A_NUMBER: &str = "intended_stay_months.not_a_number";
/// `intended_stay_months` is outside 0 to 1560 (130 years).
pub const INTENDED_STAY_MONTHS_RANGE: &str = "intended_stay_months.range";
/// `present_in_country` is not `Y`, `N` or empty.
pub const PRESENT_IN_COUNTRY_FLAG: &str = "present_in_country.flag";
/// `works_for_resident_unit` is not `Y`, `N` or empty.
pub const WORKS_FOR_RESIDENT_UNIT_FLAG: &str = "works_for_resident_unit.flag";
/// `seeking_work_in_country` is not `Y`, `N` or empty.
pub const SEEKING_WORK_IN_COUNTRY_FLAG: &str = "seeking_work_in_country.flag";
/// `nonresident_worker_type` is not one of its codes.
pub const NONRESIDENT_WORKER_TYPE_CODE: &str = "nonresident_worker_type.code";
/// `years_of_residence` is not a whole number.
pub const YEARS_OF_RESIDENCE_NOT_AN_INTEGER: &str = "years_of_residence.not_an_integer";
/// `years_of_residence` is outside 0 to 130.
pub const YEARS_OF_RESIDENCE_RANGE: &str = "years_of_residence.range";
/// `previous_country_of_residence` is not an accepted ISO alpha-3 code nor `XXX`.
pub const PREVIOUS_COUNTRY_OF_RESIDENCE_CODE: &str = "previous_country_of_residence.code";
/// `year_of_return` is not a whole number.
pub const YEAR_OF_RETURN_NOT_AN_INTEGER: &str = "year_of_return.not_an_integer";
/// `year_of_return` is before 1900 or after the reference year.
pub const YEAR_OF_RETURN_RANGE: &str = "year_of_return.range";
/// `labour_status_abroad` is not `EMP`, `UNE`, `OLF` or empty.
pub const LABOUR_STATUS_ABROAD_CODE: &str = "labour_status_abroad.code";
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
    COLUMN_MAIN_ACTIVITY_STATUS,
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
    EDUCATION_CODE,
    ECONOMIC_ACTIVITY_CODE,
    OCCUPATION_CODE,
    STATUS_IN_EMPLOYMENT_CODE,
    MONTHS_PRESENT_12M_NOT_A_NUMBER,
    MONTHS_PRESENT_12M_RANGE,
    INTENDED_STAY_MONTHS_NOT_A_NUMBER,
    INTENDED_STAY_MONTHS_RANGE,
    PRESENT_IN_COUNTRY_FLAG,
    WORKS_FOR_RESIDENT_UNIT_FLAG,
    SEEKING_WORK_IN_COUNTRY_FLAG,
    NONRESIDENT_WORKER_TYPE_CODE,
    YEARS_OF_RESIDENCE_NOT_AN_INTEGER,
    YEARS_OF_RESIDENCE_RANGE,
    PREVIOUS_COUNTRY_OF_RESIDENCE_CODE,
    YEAR_OF_RETURN_NOT_AN_INTEGER,
    YEAR_OF_RETURN_RANGE,
    LABOUR_STATUS_ABROAD_CODE,
    STRATUM_MISSING,
    PSU_MISSING,
    REPLICATE_WEIGHT_MISSING,
    REPLICATE_WEIGHT_NOT_A_NUMBER,
    REPLICATE_WEIGHT_NEGATIVE,
    REPLICATE_WEIGHT_TOO_LARGE,
    LAYOUT_CODE,
    LAYOUT_NOT_A_NUMBER,
    SAV_UNREADABLE,
    DTA_UNREADABLE,
    FIXED_UNREADABLE,
    DICTIONARY_INVALID,
    FIXED_NOT_A_NUMBER,
    FIXED_ENCODING,
    FIXED_RECORD_TYPE,
    FIXED_LINE_TOO_LONG,
    FIXED_CASE,
];

/// The rules that only SPSS, Stata and fixed-width input fire (the bad fixtures are CSV):
/// tests/records.rs.
pub const FORMAT_DEPENDENT: &[&str] = &[
    SAV_UNREADABLE,
    DTA_UNREADABLE,
    FIXED_UNREADABLE,
    DICTIONARY_INVALID,
    FIXED_NOT_A_NUMBER,
    FIXED_ENCODING,
    FIXED_RECORD_TYPE,
    FIXED_LINE_TOO_LONG,
    FIXED_CASE,
];

/// The rules that only a layout other than `core` fires (`[input] layout`).
pub const LAYOUT_DEPENDENT: &[&str] = &[LAYOUT_CODE, LAYOUT_NOT_A_NUMBER];

/// The rules that depend on `[survey] labour_status_basis` (never fired with the default).
pub const BASIS_DEPENDENT: &[&str] = &[COLUMN_MAIN_ACTIVITY_STATUS];

/// The rules that depend on `[design] method` (never fired without a `[design]` section).
pub const DESIGN_DEPENDENT: &[&str] = &[
    COLUMN_STRATUM_MISSING,
    COLUMN_PSU_MISSING,
    COLUMN_REPLICATES_MISSING,
    COLUMN_REPLICATES_COUNT,
    STRATUM_MISSING,
    PSU_MISSING,
];
