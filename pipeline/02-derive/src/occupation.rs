//! Occupation of the employed (ILO classification CL_OCU, ISCO-08 major groups).
//!
//! **Rule.** An employed person (`lfs` = `EMP`) is classified by the ISCO-08 major group
//! of the occupation in their main job, the core record's `occupation` (`0` armed forces
//! occupations, `1` managers ... `9` elementary occupations): `OCU_ISCO08_<group>`; not
//! stated: `OCU_ISCO08_X` ("Not elsewhere classified"). Anyone not employed: `_Z`, not
//! applicable.
//!
//! **Sources.** icls-concepts.md §3.1 (`OCU_ISCO08_0`…`_9`, `_X`, `_TOTAL`), §3.2 T5
//! (employment by sex × ISCO-08 major group × migrant axis), §4.2 (use the
//! classification's X code, no imputation). ILO's harmonised microdata classify the
//! employed only, an employed person without a stated occupation in X:
//! dbescond/iloMicro `inst/doc/do/CIV_ENSE_2016_ILO_CMD.do` (commit d0e005c): "replace
//! ilo_job1_ocu_isco08=11 if (ilo_job1_ocu_isco08_2digits==. & ilo_lfs==1)" (11 = X). The
//! codes are ILO's CL_OCU (codelists/ILO_codelists.xml).
//!
//! **Extension:** the core record's `occupation` column is migstat's. ILO's skill levels
//! (`OCU_SKILL_*`) are not derived.

use migstat_artefacts::schema::derived::NOT_APPLICABLE;

use crate::labour_force_status::LfsStatus;

/// The CL_OCU codes of the ISCO-08 major groups 0 to 9.
const MAJOR_GROUPS: [&str; 10] = [
    "OCU_ISCO08_0",
    "OCU_ISCO08_1",
    "OCU_ISCO08_2",
    "OCU_ISCO08_3",
    "OCU_ISCO08_4",
    "OCU_ISCO08_5",
    "OCU_ISCO08_6",
    "OCU_ISCO08_7",
    "OCU_ISCO08_8",
    "OCU_ISCO08_9",
];
/// An employed person whose occupation is not stated.
pub const NOT_CLASSIFIED: &str = "OCU_ISCO08_X";

/// The CL_OCU code of a person with labour force status `status` and `occupation`
/// `group` (`None` or empty = not stated); `None` for a group the core record does not
/// allow (ingest rejects it).
pub fn occupation(status: LfsStatus, group: Option<&str>) -> Option<&'static str> {
    if status != LfsStatus::Employed {
        return Some(NOT_APPLICABLE);
    }
    match crate::stated(group).map(str::as_bytes) {
        None => Some(NOT_CLASSIFIED),
        Some(&[digit @ b'0'..=b'9']) => Some(MAJOR_GROUPS[usize::from(digit - b'0')]),
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
    fn an_employed_person_gets_the_major_group_of_the_main_job() {
        for digit in '0'..='9' {
            assert_eq!(
                occupation(Emp, Some(&digit.to_string())),
                Some(format!("OCU_ISCO08_{digit}").as_str())
            );
        }
    }

    #[test]
    fn armed_forces_occupations_are_group_0() {
        assert_eq!(occupation(Emp, Some("0")), Some("OCU_ISCO08_0"));
    }

    #[test]
    fn an_employed_person_without_an_occupation_is_not_elsewhere_classified() {
        assert_eq!(occupation(Emp, None), Some("OCU_ISCO08_X"));
        assert_eq!(occupation(Emp, Some("")), Some("OCU_ISCO08_X"));
    }

    #[test]
    fn no_one_else_is_classified_even_with_an_occupation_stated() {
        for status in [Une, Olf] {
            assert_eq!(occupation(status, Some("2")), Some("_Z"));
            assert_eq!(occupation(status, None), Some("_Z"));
        }
    }

    #[test]
    fn a_group_outside_the_core_record_is_none() {
        for bad in ["10", "X", "01", "a"] {
            assert_eq!(occupation(Emp, Some(bad)), None, "{bad}");
        }
    }
}
