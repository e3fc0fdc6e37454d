//! The input columns of the core record and the check each one gets, as one table.
//!
//! The order is that of [`schema::core_record`] (whose last column, `source_row`, is made
//! by ingest and is not an input), so column `i` here is field `i` of the artefact.

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
}

/// One input column.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Column {
    pub name: &'static str,
    pub check: Check,
}

/// The number of input columns.
pub(crate) const N: usize = 20;

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
];

/// The question items from which the status is derived when `lfs_status` is absent.
pub(crate) const LFS_ITEMS: [&str; 4] =
    [core::WORKED, core::ABSENT, core::SEARCHED, core::AVAILABLE];

/// The position of a column in [`COLUMNS`].
pub(crate) fn index_of(name: &str) -> Option<usize> {
    COLUMNS.iter().position(|c| c.name == name)
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
    }

    #[test]
    fn every_required_column_is_in_the_table() {
        for name in schema::REQUIRED_CORE_COLUMNS {
            assert!(index_of(name).is_some(), "{name}");
        }
    }
}
