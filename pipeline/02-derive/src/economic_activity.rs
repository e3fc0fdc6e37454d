//! Economic activity of the employed (ILO classification CL_ECO, ISIC Rev.4 sections).
//!
//! **Rule.** An employed person (`lfs` = `EMP`) is classified by the ISIC Rev.4 section of
//! the economic activity of their main job, the core record's `economic_activity` (a
//! section letter `A` to `U`): `ECO_ISIC4_<letter>`; not stated: `ECO_ISIC4_X` ("Not
//! elsewhere classified"). Anyone not employed: `_Z`, not applicable (ILO's employment
//! tables by economic activity count the employed only; the activity an unemployed person
//! gives, of a last job, is not used).
//!
//! **Sources.** icls-concepts.md §3.1 (`ECO_ISIC4_A`…`_U`, `_X`, `_TOTAL`), §3.2 T4
//! (employment by sex × ISIC Rev.4 section × migrant axis), §4.2 (classification
//! variables: use each classification's X code, no imputation). ILO's harmonised
//! microdata classify the employed only and put an employed person without a stated
//! activity in X: dbescond/iloMicro `inst/doc/do/CIV_ENSE_2016_ILO_CMD.do` (commit
//! d0e005c): "replace ilo_job1_eco_isic4=22 if ilo_job1_eco_isic4_2digits==. &
//! ilo_lfs==1" (22 = X). The codes are ILO's CL_ECO (codelists/ILO_codelists.xml).
//!
//! **Extension:** the core record's `economic_activity` column is migstat's. ILO's broad
//! sectors and aggregates (`ECO_SECTOR_*`, `ECO_AGGREGATE_*`) are not derived.

use migstat_artefacts::schema::derived::NOT_APPLICABLE;

use crate::labour_force_status::LfsStatus;

/// The CL_ECO codes of the ISIC Rev.4 sections A to U, in order.
const SECTIONS: [&str; 21] = [
    "ECO_ISIC4_A",
    "ECO_ISIC4_B",
    "ECO_ISIC4_C",
    "ECO_ISIC4_D",
    "ECO_ISIC4_E",
    "ECO_ISIC4_F",
    "ECO_ISIC4_G",
    "ECO_ISIC4_H",
    "ECO_ISIC4_I",
    "ECO_ISIC4_J",
    "ECO_ISIC4_K",
    "ECO_ISIC4_L",
    "ECO_ISIC4_M",
    "ECO_ISIC4_N",
    "ECO_ISIC4_O",
    "ECO_ISIC4_P",
    "ECO_ISIC4_Q",
    "ECO_ISIC4_R",
    "ECO_ISIC4_S",
    "ECO_ISIC4_T",
    "ECO_ISIC4_U",
];
/// An employed person whose activity is not stated.
pub const NOT_CLASSIFIED: &str = "ECO_ISIC4_X";

/// The CL_ECO code of a person with labour force status `status` and `economic_activity`
/// `section` (`None` or empty = not stated); `None` for a section the core record does
/// not allow (ingest rejects it).
pub fn economic_activity(status: LfsStatus, section: Option<&str>) -> Option<&'static str> {
    if status != LfsStatus::Employed {
        return Some(NOT_APPLICABLE);
    }
    match crate::stated(section).map(str::as_bytes) {
        None => Some(NOT_CLASSIFIED),
        Some(&[letter @ b'A'..=b'U']) => Some(SECTIONS[usize::from(letter - b'A')]),
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
    fn an_employed_person_gets_the_section_of_the_main_job() {
        assert_eq!(economic_activity(Emp, Some("A")), Some("ECO_ISIC4_A"));
        assert_eq!(economic_activity(Emp, Some("C")), Some("ECO_ISIC4_C"));
        assert_eq!(economic_activity(Emp, Some("U")), Some("ECO_ISIC4_U"));
    }

    #[test]
    fn every_section_letter_has_its_own_code() {
        for (i, letter) in ('A'..='U').enumerate() {
            let code = economic_activity(Emp, Some(&letter.to_string())).unwrap();
            assert_eq!(code, format!("ECO_ISIC4_{letter}"));
            assert_eq!(code, SECTIONS[i]);
        }
    }

    #[test]
    fn an_employed_person_without_an_activity_is_not_elsewhere_classified() {
        assert_eq!(economic_activity(Emp, None), Some("ECO_ISIC4_X"));
        assert_eq!(economic_activity(Emp, Some("")), Some("ECO_ISIC4_X"));
    }

    #[test]
    fn no_one_else_is_classified_even_with_an_activity_stated() {
        for status in [Une, Olf] {
            assert_eq!(economic_activity(status, Some("C")), Some("_Z"));
            assert_eq!(economic_activity(status, None), Some("_Z"));
        }
    }

    #[test]
    fn a_letter_outside_the_core_record_is_no_section() {
        for bad in ["V", "X", "c", "AB", "01"] {
            assert_eq!(economic_activity(Emp, Some(bad)), None, "{bad}");
        }
    }
}
