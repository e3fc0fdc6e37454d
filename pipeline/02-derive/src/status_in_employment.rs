//! Status in employment of the employed (ILO classification CL_STE, ICSE-93).
//!
//! **Rule.** An employed person (`lfs` = `EMP`) is classified by the ICSE-93 group of
//! their main job, the core record's `status_in_employment`: `1` employees, `2`
//! employers, `3` own-account workers, `4` members of producers' cooperatives, `5`
//! contributing family workers, `6` workers not classifiable by status, as
//! `STE_ICSE93_<group>`. Not stated: `STE_ICSE93_6` (ICSE-93 has no separate "not
//! stated" group: group 6 is for those about whom the information is insufficient, and
//! ILO's CL_STE has no `STE_ICSE93_X`). Anyone not employed: `_Z`, not applicable.
//!
//! **Sources.** icls-concepts.md §3.1 (`STE_ICSE93_1`…`_6`, `_TOTAL`; ICSE-18 codes
//! UNCONFIRMED, so not used), §3.2 T6 (employment by sex × status in employment ×
//! migrant axis). 15th ICLS (1993), *Resolution concerning the International
//! Classification of Status in Employment (ICSE)*: group 6, "workers not classifiable by
//! status", includes those for whom insufficient relevant information is available [K:
//! wording from memory; paragraph number UNCONFIRMED]. ILO's harmonised microdata put an
//! employed person without a stated status in group 6 and classify the employed only:
//! dbescond/iloMicro `inst/doc/do/CIV_ENSE_2016_ILO_CMD.do` (commit d0e005c): "replace
//! ilo_job1_ste_icse93=6 if (e3==. & ilo_lfs==1) // Not classifiable". The codes are
//! ILO's CL_STE (codelists/ILO_codelists.xml).
//!
//! **Extension:** the core record's `status_in_employment` column is migstat's. ILO's
//! aggregates (`STE_AGGREGATE_EES/SLF/X`) are not derived.

use migstat_artefacts::schema::derived::NOT_APPLICABLE;

use crate::labour_force_status::LfsStatus;

/// The CL_STE codes of the ICSE-93 groups 1 to 6.
const GROUPS: [&str; 6] = [
    "STE_ICSE93_1",
    "STE_ICSE93_2",
    "STE_ICSE93_3",
    "STE_ICSE93_4",
    "STE_ICSE93_5",
    "STE_ICSE93_6",
];
/// Workers not classifiable by status, including those whose status is not stated.
pub const NOT_CLASSIFIABLE: &str = "STE_ICSE93_6";

/// The CL_STE code of a person with labour force status `status` and
/// `status_in_employment` `group` (`None` or empty = not stated); `None` for a group the
/// core record does not allow (ingest rejects it).
pub fn status_in_employment(status: LfsStatus, group: Option<&str>) -> Option<&'static str> {
    if status != LfsStatus::Employed {
        return Some(NOT_APPLICABLE);
    }
    match crate::stated(group).map(str::as_bytes) {
        None => Some(NOT_CLASSIFIABLE),
        Some(&[digit @ b'1'..=b'6']) => Some(GROUPS[usize::from(digit - b'1')]),
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::labour_force_status::LfsStatus::{
        Employed as Emp, OutsideLabourForce as Olf, Unemployed as Une,
    };

    #[test]
    fn an_employed_person_gets_the_icse_93_group_of_the_main_job() {
        assert_eq!(status_in_employment(Emp, Some("1")), Some("STE_ICSE93_1"));
        assert_eq!(status_in_employment(Emp, Some("3")), Some("STE_ICSE93_3"));
        assert_eq!(status_in_employment(Emp, Some("5")), Some("STE_ICSE93_5"));
        assert_eq!(status_in_employment(Emp, Some("6")), Some("STE_ICSE93_6"));
    }

    #[test]
    fn an_employed_person_without_a_status_is_not_classifiable_by_status() {
        assert_eq!(status_in_employment(Emp, None), Some("STE_ICSE93_6"));
        assert_eq!(status_in_employment(Emp, Some("")), Some("STE_ICSE93_6"));
    }

    #[test]
    fn no_one_else_is_classified_even_with_a_status_stated() {
        for status in [Une, Olf] {
            assert_eq!(status_in_employment(status, Some("1")), Some("_Z"));
            assert_eq!(status_in_employment(status, None), Some("_Z"));
        }
    }

    #[test]
    fn a_group_outside_icse_93_is_none() {
        for bad in ["0", "7", "X", "11"] {
            assert_eq!(status_in_employment(Emp, Some(bad)), None, "{bad}");
        }
    }
}
