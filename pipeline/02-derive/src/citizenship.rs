//! Citizenship (ILO classification CL_CCT): citizen, non-citizen, unknown.
//!
//! **Rule** (contract §4), in this order: `citizenship` or `citizenship_2` = ref_area:
//! `CCT_CIT_CITIZEN`; else `citizenship` empty (not stated): `CCT_CIT_X`; else —
//! including `XXA` (stateless) and `XXX` (foreign, country not stated) —
//! `CCT_CIT_NONCIT`.
//!
//! Because the citizen test comes first, a record whose `citizenship` is empty but whose
//! `citizenship_2` is ref_area is a citizen; one whose `citizenship` is empty and whose
//! `citizenship_2` is foreign is `X` (only `citizenship` decides between X and NONCIT).
//!
//! **Sources.** icls-concepts.md §1.3 (stock identification "by citizenship":
//! non-citizen = usual resident without the country's citizenship; derived variable
//! `mig_cct` = CITIZEN | NONCIT | X), §1.9 (special cases: dual or multiple citizenship
//! with one the country's is CITIZEN; naturalised is CITIZEN; stateless is NONCIT;
//! born abroad to national parents is CITIZEN; unknown or not stated is X, never
//! imputed), §3.1 (the `CCT_CIT_*` codes). ICLS text operationalised: 20th ICLS (2018)
//! *Guidelines concerning statistics of international labour migration* — the
//! citizenship proxy of the international migrant stock, produced next to the
//! place-of-birth proxy ([`crate::place_of_birth`]) and never reconciled with it.
//!
//! **Extension:** the detail category `STATELESS` of §1.9 and the country kept for two
//! foreign citizenships are not kept (the derived schema has no column for them; the
//! published tables need only CL_CCT).

/// A CL_CCT category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Citizenship {
    /// `CCT_CIT_CITIZEN`: holds the reporting country's citizenship (perhaps among others).
    Citizen,
    /// `CCT_CIT_NONCIT`: does not, including stateless persons.
    NonCitizen,
    /// `CCT_CIT_X`: citizenship not stated.
    NotStated,
}

impl Citizenship {
    /// The ILO CL_CCT code stored in the `cct` column.
    pub const fn code(self) -> &'static str {
        match self {
            Citizenship::Citizen => "CCT_CIT_CITIZEN",
            Citizenship::NonCitizen => "CCT_CIT_NONCIT",
            Citizenship::NotStated => "CCT_CIT_X",
        }
    }
}

/// The citizenship category of a person with `citizenship` and a second
/// `citizenship_2` (`None` or empty = not stated), surveyed in `ref_area`.
pub fn citizenship(
    citizenship: Option<&str>,
    citizenship_2: Option<&str>,
    ref_area: &str,
) -> Citizenship {
    let (first, second) = (crate::stated(citizenship), crate::stated(citizenship_2));
    if first == Some(ref_area) || second == Some(ref_area) {
        Citizenship::Citizen
    } else if first.is_none() {
        Citizenship::NotStated
    } else {
        Citizenship::NonCitizen
    }
}

#[cfg(test)]
mod tests {
    use super::Citizenship::*;
    use super::*;

    #[test]
    fn a_citizen_of_the_reporting_country_is_a_citizen() {
        assert_eq!(citizenship(Some("PHL"), None, "PHL"), Citizen);
    }

    #[test]
    fn a_foreign_citizen_is_a_non_citizen() {
        assert_eq!(citizenship(Some("IDN"), None, "PHL"), NonCitizen);
    }

    #[test]
    fn naturalised_is_a_citizen() {
        // Born abroad, holds the country's citizenship now (worked example person 5).
        assert_eq!(citizenship(Some("PHL"), None, "PHL"), Citizen);
    }

    #[test]
    fn dual_citizen_with_the_reporting_country_first_is_a_citizen() {
        assert_eq!(citizenship(Some("PHL"), Some("USA"), "PHL"), Citizen);
    }

    #[test]
    fn dual_citizen_with_the_reporting_country_second_is_a_citizen() {
        assert_eq!(citizenship(Some("USA"), Some("PHL"), "PHL"), Citizen);
    }

    #[test]
    fn two_foreign_citizenships_is_a_non_citizen() {
        assert_eq!(citizenship(Some("USA"), Some("IDN"), "PHL"), NonCitizen);
    }

    #[test]
    fn stateless_xxa_is_a_non_citizen() {
        assert_eq!(citizenship(Some("XXA"), None, "PHL"), NonCitizen);
    }

    #[test]
    fn foreign_country_not_stated_xxx_is_a_non_citizen() {
        assert_eq!(citizenship(Some("XXX"), None, "PHL"), NonCitizen);
    }

    #[test]
    fn not_stated_is_x_null_or_empty() {
        assert_eq!(citizenship(None, None, "PHL"), NotStated);
        assert_eq!(citizenship(Some(""), Some(""), "PHL"), NotStated);
    }

    #[test]
    fn first_not_stated_but_second_the_reporting_country_is_a_citizen() {
        // The citizen test comes before the not-stated test (contract §4 rule order).
        assert_eq!(citizenship(None, Some("PHL"), "PHL"), Citizen);
        assert_eq!(citizenship(Some(""), Some("PHL"), "PHL"), Citizen);
    }

    #[test]
    fn first_not_stated_and_second_foreign_is_x() {
        assert_eq!(citizenship(None, Some("IDN"), "PHL"), NotStated);
    }

    #[test]
    fn the_match_is_against_the_configured_ref_area() {
        assert_eq!(citizenship(Some("PHL"), None, "IDN"), NonCitizen);
        assert_eq!(citizenship(Some("PHL"), Some("IDN"), "IDN"), Citizen);
    }

    #[test]
    fn codes_are_the_cl_cct_codes() {
        assert_eq!(Citizen.code(), "CCT_CIT_CITIZEN");
        assert_eq!(NonCitizen.code(), "CCT_CIT_NONCIT");
        assert_eq!(NotStated.code(), "CCT_CIT_X");
    }
}
