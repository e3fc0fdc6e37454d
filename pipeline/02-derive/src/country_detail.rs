//! Country detail: the country of birth of the foreign-born (ILO CL_CBR `CBR_BRT_*`) and
//! the country of citizenship of non-citizens (ILO CL_CCT `CCT_CTZ_*`).
//!
//! **Rule.** A foreign-born person ([`PlaceOfBirth::Foreign`]) gets ILO's code of their
//! `country_of_birth`; a non-citizen ([`Citizenship::NonCitizen`]) ILO's code of their
//! `citizenship` (the first one reported: with two foreign citizenships, `citizenship_2`
//! is not used). The codes come from `codelists/country_detail.csv`, generated from ILO's
//! CL_CBR and CL_CCT: `CBR_BRT_<ISO3>` / `CCT_CTZ_<ISO3>` where ILO has a code for the
//! country; else, and for `XXX` (country not stated) and `XXA` (stateless), ILO's residual
//! `CBR_BRT_X` / `CCT_CTZ_X` ("Other countries"), so that the countries add up to the
//! foreign-born (non-citizen) total. Everyone else: `_Z`, not applicable (the
//! country-detail dataflows count only the foreign-born or the non-citizens).
//!
//! **Sources.** icls-concepts.md §3.2 T7 (foreign-born / non-citizen population and
//! employment by sex × country of birth / citizenship), §3.3 (`MST_FORP_SEX_CBR_NB`,
//! `MST_FORE_SEX_CBR_NB`, `MST_NCTP_SEX_CCT_NB`, `MST_NCTE_SEX_CCT_NB`), §1.9 (dual
//! citizenship: keep the first reported foreign citizenship; stateless: keep the
//! category, here counted under "Other countries"; "abroad" without a country: country
//! detail "not specified"). The codes are ILO's CL_CBR / CL_CCT
//! (codelists/ILO_codelists.xml, real ILO artefacts).
//!
//! **UNCONFIRMED:** whether ILO counts a country not stated, a stateless person or a
//! former country (SUN, YUG, ...) under "Other countries" (`_X`); ILO's codelists have no
//! code of their own for them.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use migstat_artefacts::reference::{self, CountryDetail};
use migstat_artefacts::schema::derived::NOT_APPLICABLE;
use migstat_artefacts::{Error, Result};

use crate::citizenship::Citizenship;
use crate::place_of_birth::PlaceOfBirth;

/// ILO's country-detail codes by core-record country code.
pub type Details = BTreeMap<String, CountryDetail>;

/// The bundled `codelists/country_detail.csv`, parsed once.
pub fn bundled() -> Result<&'static Details> {
    static DETAILS: OnceLock<std::result::Result<Details, String>> = OnceLock::new();
    DETAILS
        .get_or_init(|| reference::bundled_country_detail().map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| Error::internal(format!("bundled country detail: {e}")))
}

/// The CL_CBR country-of-birth code of a person of place of birth `cbr`, born in
/// `country_of_birth`; `None` when a foreign-born person's country has no row in
/// `details` (ingest accepts only codes that have one).
pub fn country_of_birth<'d>(
    cbr: PlaceOfBirth,
    country_of_birth: Option<&str>,
    details: &'d Details,
) -> Option<&'d str> {
    match cbr {
        PlaceOfBirth::Foreign => details
            .get(crate::stated(country_of_birth)?)?
            .cbr
            .as_deref(),
        PlaceOfBirth::Native | PlaceOfBirth::NotStated => Some(NOT_APPLICABLE),
    }
}

/// The CL_CCT country-of-citizenship code of a person of citizenship category `cct`
/// whose (first) citizenship is `citizenship`; `None` when a non-citizen's country has no
/// row in `details`.
pub fn country_of_citizenship<'d>(
    cct: Citizenship,
    citizenship: Option<&str>,
    details: &'d Details,
) -> Option<&'d str> {
    match cct {
        Citizenship::NonCitizen => Some(details.get(crate::stated(citizenship)?)?.cct.as_str()),
        Citizenship::Citizen | Citizenship::NotStated => Some(NOT_APPLICABLE),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn details() -> &'static Details {
        bundled().unwrap()
    }

    #[test]
    fn a_foreign_born_person_gets_ilos_code_of_the_country_of_birth() {
        let cob = |c| country_of_birth(PlaceOfBirth::Foreign, Some(c), details());
        assert_eq!(cob("IDN"), Some("CBR_BRT_IDN"));
        assert_eq!(cob("USA"), Some("CBR_BRT_USA"));
    }

    #[test]
    fn abroad_country_not_stated_and_countries_ilo_lacks_are_other_countries() {
        let cob = |c| country_of_birth(PlaceOfBirth::Foreign, Some(c), details());
        assert_eq!(cob("XXX"), Some("CBR_BRT_X"));
        assert_eq!(cob("SUN"), Some("CBR_BRT_X"), "a former country");
        assert_eq!(cob("FSM"), Some("CBR_BRT_X"), "not in ILO's CL_CBR");
    }

    #[test]
    fn the_native_born_and_place_of_birth_not_stated_are_not_applicable() {
        assert_eq!(
            country_of_birth(PlaceOfBirth::Native, Some("PHL"), details()),
            Some("_Z")
        );
        assert_eq!(
            country_of_birth(PlaceOfBirth::NotStated, None, details()),
            Some("_Z")
        );
    }

    #[test]
    fn a_non_citizen_gets_ilos_code_of_the_first_citizenship() {
        let cit = |c| country_of_citizenship(Citizenship::NonCitizen, Some(c), details());
        assert_eq!(cit("CHN"), Some("CCT_CTZ_CHN"));
        assert_eq!(cit("XXX"), Some("CCT_CTZ_X"));
        assert_eq!(cit("XXA"), Some("CCT_CTZ_X"), "stateless");
        assert_eq!(cit("XKX"), Some("CCT_CTZ_X"), "not in ILO's CL_CCT");
    }

    #[test]
    fn citizens_and_citizenship_not_stated_are_not_applicable() {
        assert_eq!(
            country_of_citizenship(Citizenship::Citizen, Some("USA"), details()),
            Some("_Z"),
            "a dual citizen holding the reporting country's citizenship"
        );
        assert_eq!(
            country_of_citizenship(Citizenship::NotStated, None, details()),
            Some("_Z")
        );
    }

    #[test]
    fn a_code_without_a_row_is_none() {
        assert_eq!(
            country_of_birth(PlaceOfBirth::Foreign, Some("ZZZ"), details()),
            None
        );
        assert_eq!(
            country_of_birth(PlaceOfBirth::Foreign, Some("XXA"), details()),
            None,
            "stateless is no birthplace"
        );
        assert_eq!(
            country_of_citizenship(Citizenship::NonCitizen, None, details()),
            None
        );
    }
}
