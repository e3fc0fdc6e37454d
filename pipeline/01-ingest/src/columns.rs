//! The input columns of the core record and the check each one gets, as one table.
//!
//! The order is that of [`schema::core_record`] (whose last fixed column, `source_row`, is
//! made by ingest and is not an input), so column `i` here is field `i` of the artefact.
//! The replicate weights, whose number depends on the file, follow the fixed columns: see
//! [`InputNames`].

use migstat_artefacts::config::Design;
use migstat_artefacts::schema::{self, core};

use crate::rules;

/// How a column is checked and typed (see [`crate::validate`]).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Check {
    /// Required text, unique in the file.
    PersonId,
    /// Required exact decimal >= 0.
    Weight,
    /// Required `M`, `F`, `O`.
    Sex,
    /// Whole years 0..=130, or not stated.
    Age,
    /// An accepted ISO alpha-3 code, one of `special`, or not stated.
    Country {
        rule: &'static str,
        special: &'static [&'static str],
    },
    /// `Y` / `N`; empty or column absent = `Y`.
    UsualResident,
    /// Free text, or not stated.
    Text,
    /// One of `codes`, or not stated.
    Code {
        rule: &'static str,
        codes: &'static [&'static str],
    },
    /// `Y` / `N`, or not stated.
    Flag { rule: &'static str },
    /// A year from 1900 to the reference year, or not stated.
    YearOfArrival,
    /// The same rule as [`Check::YearOfArrival`] under other rule ids.
    Year {
        not_an_integer: &'static str,
        range: &'static str,
    },
    /// A whole number from 0 to `max`, or not stated.
    Integer {
        not_an_integer: &'static str,
        range: &'static str,
        max: i32,
    },
    /// A number of months from 0 to `max`, fractions allowed (`6.5`), or not stated.
    Months {
        not_a_number: &'static str,
        range: &'static str,
        max: u32,
    },
    /// Free text, or not stated; when the design needs it (`taylor`), required in every
    /// row with weight > 0 (`rule`).
    Design { rule: &'static str },
}

/// One input column.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Column {
    pub name: &'static str,
    pub check: Check,
}

/// The number of input columns.
pub(crate) const N: usize = 36;

const fn col(name: &'static str, check: Check) -> Column {
    Column { name, check }
}
const fn flag(name: &'static str, rule: &'static str) -> Column {
    col(name, Check::Flag { rule })
}

/// `lfs_status` codes.
pub(crate) const LFS_STATUS_CODES: &[&str] = &["EMP", "UNE", "OLF"];
/// `absence_reason` codes.
pub(crate) const ABSENCE_REASON_CODES: &[&str] = &[
    "SICK",
    "LEAVE",
    "MATERNITY",
    "ARRANGEMENT",
    "TRAINING",
    "OTHER",
];
/// `reason_for_migration` codes.
pub(crate) const REASON_FOR_MIGRATION_CODES: &[&str] = &[
    "WORK_JOB_FOUND",
    "WORK_NO_JOB_FOUND",
    "FAMILY",
    "EDUCATION",
    "INTERNATIONAL_PROTECTION",
    "OTHER",
];

/// `nonresident_worker_type` codes (icls-concepts.md §1.4; UN Migrant Workers Convention,
/// art. 2).
pub(crate) const NONRESIDENT_WORKER_TYPE_CODES: &[&str] = &[
    "FRONTIER",
    "SEASONAL",
    "SEAFARER",
    "ITINERANT",
    "PROJECT_TIED",
    "SPECIFIED_EMPLOYMENT",
    "SELF_EMPLOYED",
];

/// The longest intended stay accepted, in months: 130 years, the age limit (a longer
/// value is a miscoding, e.g. a 9999 "permanent" code; write 12 or more for "permanently").
pub(crate) const MAX_INTENDED_STAY_MONTHS: u32 = 1560;

/// `education` codes: an ISCED 2011 level (`X` no schooling, `0` early childhood or less
/// than primary, `1` .. `8`, `9` not elsewhere classified, as in ILO's CL_EDU
/// `EDU_ISCED11_*`), or, where only the aggregate is known, ILO's aggregate level.
pub(crate) const EDUCATION_CODES: &[&str] = &[
    "X", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "LTB", "BAS", "INT", "ADV",
];
/// `economic_activity` codes: the ISIC Rev.4 sections (ILO's CL_ECO `ECO_ISIC4_A..U`).
pub(crate) const ECONOMIC_ACTIVITY_CODES: &[&str] = &[
    "A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O", "P", "Q", "R", "S",
    "T", "U",
];
/// `occupation` codes: the ISCO-08 major groups (ILO's CL_OCU `OCU_ISCO08_0..9`).
pub(crate) const OCCUPATION_CODES: &[&str] = &["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
/// `status_in_employment` codes: the ICSE-93 groups (ILO's CL_STE `STE_ICSE93_1..6`).
pub(crate) const STATUS_IN_EMPLOYMENT_CODES: &[&str] = &["1", "2", "3", "4", "5", "6"];

/// Every input column, in artefact order.
pub(crate) const COLUMNS: [Column; N] = [
    col(core::PERSON_ID, Check::PersonId),
    col(core::WEIGHT, Check::Weight),
    col(core::SEX, Check::Sex),
    col(core::AGE, Check::Age),
    col(
        core::COUNTRY_OF_BIRTH,
        Check::Country {
            rule: rules::COUNTRY_OF_BIRTH_CODE,
            special: &["XXX"],
        },
    ),
    col(
        core::CITIZENSHIP,
        Check::Country {
            rule: rules::CITIZENSHIP_CODE,
            special: &["XXA", "XXX"],
        },
    ),
    col(
        core::CITIZENSHIP_2,
        Check::Country {
            rule: rules::CITIZENSHIP_2_CODE,
            special: &["XXA", "XXX"],
        },
    ),
    col(core::USUAL_RESIDENT, Check::UsualResident),
    col(core::HOUSEHOLD_ID, Check::Text),
    col(
        core::LFS_STATUS,
        Check::Code {
            rule: rules::LFS_STATUS_CODE,
            codes: LFS_STATUS_CODES,
        },
    ),
    flag(core::WORKED, rules::WORKED_FLAG),
    flag(core::ABSENT, rules::ABSENT_FLAG),
    col(
        core::ABSENCE_REASON,
        Check::Code {
            rule: rules::ABSENCE_REASON_CODE,
            codes: ABSENCE_REASON_CODES,
        },
    ),
    flag(core::ABSENCE_PAID, rules::ABSENCE_PAID_FLAG),
    flag(core::ABSENCE_RETURN_3M, rules::ABSENCE_RETURN_3M_FLAG),
    flag(core::SEARCHED, rules::SEARCHED_FLAG),
    flag(core::AVAILABLE, rules::AVAILABLE_FLAG),
    flag(core::FUTURE_START, rules::FUTURE_START_FLAG),
    col(core::YEAR_OF_ARRIVAL, Check::YearOfArrival),
    col(
        core::REASON_FOR_MIGRATION,
        Check::Code {
            rule: rules::REASON_FOR_MIGRATION_CODE,
            codes: REASON_FOR_MIGRATION_CODES,
        },
    ),
    col(
        core::EDUCATION,
        Check::Code {
            rule: rules::EDUCATION_CODE,
            codes: EDUCATION_CODES,
        },
    ),
    col(
        core::ECONOMIC_ACTIVITY,
        Check::Code {
            rule: rules::ECONOMIC_ACTIVITY_CODE,
            codes: ECONOMIC_ACTIVITY_CODES,
        },
    ),
    col(
        core::OCCUPATION,
        Check::Code {
            rule: rules::OCCUPATION_CODE,
            codes: OCCUPATION_CODES,
        },
    ),
    col(
        core::STATUS_IN_EMPLOYMENT,
        Check::Code {
            rule: rules::STATUS_IN_EMPLOYMENT_CODE,
            codes: STATUS_IN_EMPLOYMENT_CODES,
        },
    ),
    col(
        core::MONTHS_PRESENT_12M,
        Check::Months {
            not_a_number: rules::MONTHS_PRESENT_12M_NOT_A_NUMBER,
            range: rules::MONTHS_PRESENT_12M_RANGE,
            max: 12,
        },
    ),
    col(
        core::INTENDED_STAY_MONTHS,
        Check::Months {
            not_a_number: rules::INTENDED_STAY_MONTHS_NOT_A_NUMBER,
            range: rules::INTENDED_STAY_MONTHS_RANGE,
            max: MAX_INTENDED_STAY_MONTHS,
        },
    ),
    flag(core::PRESENT_IN_COUNTRY, rules::PRESENT_IN_COUNTRY_FLAG),
    flag(
        core::WORKS_FOR_RESIDENT_UNIT,
        rules::WORKS_FOR_RESIDENT_UNIT_FLAG,
    ),
    flag(
        core::SEEKING_WORK_IN_COUNTRY,
        rules::SEEKING_WORK_IN_COUNTRY_FLAG,
    ),
    col(
        core::NONRESIDENT_WORKER_TYPE,
        Check::Code {
            rule: rules::NONRESIDENT_WORKER_TYPE_CODE,
            codes: NONRESIDENT_WORKER_TYPE_CODES,
        },
    ),
    col(
        core::YEARS_OF_RESIDENCE,
        Check::Integer {
            not_an_integer: rules::YEARS_OF_RESIDENCE_NOT_AN_INTEGER,
            range: rules::YEARS_OF_RESIDENCE_RANGE,
            max: 130,
        },
    ),
    col(
        core::PREVIOUS_COUNTRY_OF_RESIDENCE,
        Check::Country {
            rule: rules::PREVIOUS_COUNTRY_OF_RESIDENCE_CODE,
            special: &["XXX"],
        },
    ),
    col(
        core::YEAR_OF_RETURN,
        Check::Year {
            not_an_integer: rules::YEAR_OF_RETURN_NOT_AN_INTEGER,
            range: rules::YEAR_OF_RETURN_RANGE,
        },
    ),
    col(
        core::LABOUR_STATUS_ABROAD,
        Check::Code {
            rule: rules::LABOUR_STATUS_ABROAD_CODE,
            codes: LFS_STATUS_CODES,
        },
    ),
    col(
        core::STRATUM,
        Check::Design {
            rule: rules::STRATUM_MISSING,
        },
    ),
    col(
        core::PSU,
        Check::Design {
            rule: rules::PSU_MISSING,
        },
    ),
];

/// The position of `stratum` in [`COLUMNS`].
pub(crate) const STRATUM: usize = N - 2;
/// The position of `psu` in [`COLUMNS`].
pub(crate) const PSU: usize = N - 1;

/// The question items from which the status is derived when `lfs_status` is absent.
pub(crate) const LFS_ITEMS: [&str; 4] =
    [core::WORKED, core::ABSENT, core::SEARCHED, core::AVAILABLE];

/// The position of a column in [`COLUMNS`].
#[cfg(test)]
pub(crate) fn index_of(name: &str) -> Option<usize> {
    COLUMNS.iter().position(|c| c.name == name)
}

/// The names the columns of one run have in the input file: those of [`COLUMNS`], except
/// `stratum` and `psu`, which are read from the columns named by `[design] strata` and
/// `psu`; and the replicate weights `<replicate_prefix>1 ..`, stored as `repwt_1 ..`.
#[derive(Debug, Clone)]
pub(crate) struct InputNames {
    fixed: Vec<String>,
    prefix: String,
}

impl InputNames {
    /// The input names under `design`.
    pub fn new(design: &Design) -> Self {
        let fixed = COLUMNS
            .iter()
            .enumerate()
            .map(|(col, c)| match col {
                STRATUM => design.strata.clone(),
                PSU => design.psu.clone(),
                _ => c.name.to_string(),
            })
            .collect();
        InputNames {
            fixed,
            prefix: design.replicate_prefix.clone(),
        }
    }

    /// The input name of fixed column `col` of [`COLUMNS`].
    pub fn fixed(&self, col: usize) -> &str {
        &self.fixed[col]
    }

    /// The fixed columns read from the input column `name` (usually one; two when, say,
    /// `[design] psu = "household_id"`).
    pub fn fixed_columns<'a>(&'a self, name: &'a str) -> impl Iterator<Item = usize> + 'a {
        (0..N).filter(move |&col| self.fixed[col] == name)
    }

    /// The input name of replicate weight `k` (1-based).
    pub fn replicate(&self, k: usize) -> String {
        format!("{}{k}", self.prefix)
    }

    /// `k` when `name` is the prefix followed by a whole number k >= 1 written without
    /// leading zeros (`repwt_7`; not `repwt_07`, `repwt_0` nor `repwt_x`).
    pub fn replicate_number(&self, name: &str) -> Option<usize> {
        let digits = name.strip_prefix(&self.prefix)?;
        let ok = !digits.is_empty()
            && !digits.starts_with('0')
            && digits.len() <= 6
            && digits.bytes().all(|b| b.is_ascii_digit());
        ok.then(|| digits.parse().expect("at most six digits"))
    }

    /// The input names of all columns of a file with `replicates` replicate weights: the
    /// fixed columns, then the replicate weights.
    pub fn all(&self, replicates: usize) -> Vec<String> {
        let mut names = self.fixed.clone();
        names.extend((1..=replicates).map(|k| self.replicate(k)));
        names
    }
}

/// Whether a column must be in every file.
pub(crate) fn is_required(name: &str) -> bool {
    schema::REQUIRED_CORE_COLUMNS.contains(&name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_follows_the_artefact_schema_field_by_field() {
        let schema = schema::core_record();
        assert_eq!(schema.fields().len(), N + 1);
        for (column, field) in COLUMNS.iter().zip(schema.fields()) {
            assert_eq!(column.name, field.name());
        }
        assert_eq!(schema.field(N).name(), core::SOURCE_ROW);
        assert_eq!(COLUMNS[STRATUM].name, core::STRATUM);
        assert_eq!(COLUMNS[PSU].name, core::PSU);
    }

    #[test]
    fn input_names_follow_the_design_config() {
        let design = Design {
            strata: "region".into(),
            psu: "household_id".into(),
            replicate_prefix: "bw".into(),
            ..Design::default()
        };
        let names = InputNames::new(&design);
        assert_eq!(names.fixed(STRATUM), "region");
        assert_eq!(names.fixed(0), core::PERSON_ID);
        let hh = index_of(core::HOUSEHOLD_ID).unwrap();
        assert_eq!(
            names.fixed_columns("household_id").collect::<Vec<_>>(),
            [hh, PSU]
        );
        assert_eq!(names.fixed_columns("psu").count(), 0);
        assert_eq!(names.replicate(3), "bw3");
        assert_eq!(names.replicate_number("bw12"), Some(12));
        for not in ["bw", "bw0", "bw07", "bwx", "repwt_1", "bw1.5", "bw9999999"] {
            assert_eq!(names.replicate_number(not), None, "{not}");
        }
        assert_eq!(names.all(2).len(), N + 2);
        assert_eq!(names.all(2)[N + 1], "bw2");
    }

    #[test]
    fn every_required_column_is_in_the_table() {
        for name in schema::REQUIRED_CORE_COLUMNS {
            assert!(index_of(name).is_some(), "{name}");
        }
    }
}
