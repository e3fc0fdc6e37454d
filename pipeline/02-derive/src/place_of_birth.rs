//! Place of birth (ILO classification CL_CBR): native-born, foreign-born, unknown.
//!
//! **Rule** (contract §4): `country_of_birth` = ref_area: `CBR_BIR_NATIVE`; empty (not
//! stated): `CBR_BIR_X`; anything else, including `XXX` (abroad, country not stated):
//! `CBR_BIR_FOREIGN`.
//!
//! **Sources.** icls-concepts.md §1.3 (stock identification "by place of birth":
//! foreign-born = usual resident born outside the country of measurement; derived
//! variable `mig_cbr` = NATIVE | FOREIGN | X), §1.9 (special cases: born abroad to
//! national parents and naturalised persons are FOREIGN here whatever their citizenship;
//! "abroad" without a country is FOREIGN; unknown or not stated is X, never imputed),
//! §3.1 (the `CBR_BIR_*` codes). ICLS text operationalised: 20th ICLS (2018) *Guidelines
//! concerning statistics of international labour migration* — international migrants
//! are the usual residents who have ever changed their country of usual residence,
//! measured by place of birth (and by citizenship, [`crate::citizenship`]).
//!
//! **Extension:** icls-concepts.md §1.3 counts a birthplace in a territory that is now
//! part of the country as native; with ISO alpha-3 codes only an exact match with
//! ref_area is native (the contract's rule), so a producer must code such births as
//! ref_area. The detail flag `cit_by_descent_abroad` of §1.9 is not kept (the derived
//! schema has no column for it; it is FOREIGN here and CITIZEN in CL_CCT).

/// A CL_CBR category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PlaceOfBirth {
    /// `CBR_BIR_NATIVE`: born in the reporting country.
    Native,
    /// `CBR_BIR_FOREIGN`: born abroad, country known or not.
    Foreign,
    /// `CBR_BIR_X`: place of birth not stated.
    NotStated,
}

impl PlaceOfBirth {
    /// The ILO CL_CBR code stored in the `cbr` column.
    pub const fn code(self) -> &'static str {
        match self {
            PlaceOfBirth::Native => "CBR_BIR_NATIVE",
            PlaceOfBirth::Foreign => "CBR_BIR_FOREIGN",
            PlaceOfBirth::NotStated => "CBR_BIR_X",
        }
    }
}

/// The place of birth of a person born in `country_of_birth` (`None` or empty = not
/// stated), surveyed in `ref_area`.
pub fn place_of_birth(country_of_birth: Option<&str>, ref_area: &str) -> PlaceOfBirth {
    match crate::stated(country_of_birth) {
        Some(c) if c == ref_area => PlaceOfBirth::Native,
        None => PlaceOfBirth::NotStated,
        Some(_) => PlaceOfBirth::Foreign,
    }
}

#[cfg(test)]
mod tests {
    use super::PlaceOfBirth::*;
    use super::*;

    #[test]
    fn born_in_the_reporting_country_is_native() {
        assert_eq!(place_of_birth(Some("PHL"), "PHL"), Native);
    }

    #[test]
    fn born_in_another_country_is_foreign() {
        assert_eq!(place_of_birth(Some("IDN"), "PHL"), Foreign);
    }

    #[test]
    fn born_abroad_country_not_stated_xxx_is_foreign() {
        assert_eq!(place_of_birth(Some("XXX"), "PHL"), Foreign);
    }

    #[test]
    fn not_stated_is_x_null_or_empty() {
        assert_eq!(place_of_birth(None, "PHL"), NotStated);
        assert_eq!(place_of_birth(Some(""), "PHL"), NotStated);
    }

    #[test]
    fn naturalised_or_citizen_by_descent_born_abroad_is_still_foreign() {
        // §1.9: citizenship does not enter CL_CBR (worked example person 5).
        assert_eq!(place_of_birth(Some("IDN"), "PHL"), Foreign);
    }

    #[test]
    fn the_match_is_against_the_configured_ref_area() {
        assert_eq!(place_of_birth(Some("PHL"), "IDN"), Foreign);
        assert_eq!(place_of_birth(Some("IDN"), "IDN"), Native);
    }

    #[test]
    fn codes_are_the_cl_cbr_codes() {
        assert_eq!(Native.code(), "CBR_BIR_NATIVE");
        assert_eq!(Foreign.code(), "CBR_BIR_FOREIGN");
        assert_eq!(NotStated.code(), "CBR_BIR_X");
    }
}
