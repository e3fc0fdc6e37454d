//! Return international migrants and return international migrant workers.
//!
//! **Rules.**
//! - [`years_since_return`]: reference year − `year_of_return`; when that is not
//!   stated, the years since the last arrival to live in the country
//!   ([`crate::duration_of_residence::years_since_arrival`]): for a national who lived
//!   abroad, the last arrival *is* the return.
//! - [`return_migrant`]: in scope of the stock tables (a current usual resident, 15+), a
//!   **national** (a citizen, or native-born), whose previous country of usual residence
//!   (`previous_country_of_residence`) is **another country** (`XXX`: abroad, country not
//!   stated, counts), back for fewer than `return_lookback_years` years. `None` (not
//!   measured) when no previous country is stated, or when it is abroad and the return
//!   cannot be dated.
//! - [`return_migrant_worker`]: a return migrant who was in the labour force (`EMP` or
//!   `UNE`, `labour_status_abroad`) while resident abroad. `None` unless both are known,
//!   so that a source without the labour status item publishes no zeros for it.
//!
//! **Sources.** icls-concepts.md §1.6: "Return international migrant: a current usual
//! resident who is a citizen (or native) of the country and previously had usual
//! residence abroad, typically within a specified recent period \[K\]. Return international
//! migrant worker: a current resident who was previously an international migrant worker
//! in another country, i.e. was employed or seeking work there while resident abroad \[K;
//! the concept is named in the Guidelines (IOM summary \[C\]); the exact look-back period
//! is UNCONFIRMED. Make it a parameter, e.g. `return_lookback_years` with a default of
//! 10 or 5]. Required items: previous country of residence, date of return, labour
//! status while abroad." Census items on residence 1 or 5 years ago (IPUMS `MIGCTRY1`,
//! `MIGCTRY5`) give 1- or 5-year returns without the work criterion: map them to
//! `previous_country_of_residence` and `year_of_return` with a look-back of 1 or 5.
//!
//! **Extension:** `previous_country_of_residence` equal to the reporting country reads
//! as "did not live abroad" (not a return migrant). **Extension:** "seeking work there"
//! is read as the unemployed of the 19th ICLS (`UNE`), the status recorded abroad.

use crate::citizenship::Citizenship;
use crate::place_of_birth::PlaceOfBirth;

/// The completed years since the person came back from abroad, `None` when not known.
pub fn years_since_return(
    year_of_return: Option<i32>,
    years_since_arrival: Option<i32>,
    reference_year: i32,
) -> Option<i32> {
    year_of_return
        .map(|y| (reference_year - y).max(0))
        .or(years_since_arrival)
}

/// Whether a person is a national of the reporting country for return migration: a
/// citizen, or native-born ("a citizen (or native)").
pub fn is_national(citizenship: Citizenship, place_of_birth: PlaceOfBirth) -> bool {
    citizenship == Citizenship::Citizen || place_of_birth == PlaceOfBirth::Native
}

/// Whether a person is a return international migrant; `None` = not measured.
pub fn return_migrant(
    in_scope: bool,
    national: bool,
    previous_country: Option<&str>,
    ref_area: &str,
    years_since_return: Option<i32>,
    lookback_years: u32,
) -> Option<bool> {
    let previous = previous_country?;
    if previous == ref_area {
        return Some(false);
    }
    if !(in_scope && national) {
        return Some(false);
    }
    Some(i64::from(years_since_return?) < i64::from(lookback_years))
}

/// Whether a person is a return international migrant worker; `None` = not measured.
pub fn return_migrant_worker(
    return_migrant: Option<bool>,
    status_abroad: Option<&str>,
) -> Option<bool> {
    let was_in_labour_force = matches!(status_abroad?, "EMP" | "UNE");
    Some(return_migrant? && was_in_labour_force)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_return_is_dated_by_the_year_of_return_else_by_the_last_arrival() {
        assert_eq!(years_since_return(Some(2020), Some(9), 2024), Some(4));
        assert_eq!(years_since_return(None, Some(9), 2024), Some(9));
        assert_eq!(years_since_return(None, None, 2024), None);
    }

    #[test]
    fn nationals_are_citizens_or_native_born() {
        assert!(is_national(Citizenship::Citizen, PlaceOfBirth::Foreign));
        assert!(is_national(Citizenship::NonCitizen, PlaceOfBirth::Native));
        assert!(!is_national(Citizenship::NonCitizen, PlaceOfBirth::Foreign));
        assert!(!is_national(
            Citizenship::NotStated,
            PlaceOfBirth::NotStated
        ));
    }

    #[test]
    fn a_national_back_from_abroad_within_the_look_back_is_a_return_migrant() {
        // Default look-back 10 years: back 9 years ago yes, 10 years ago no.
        assert_eq!(
            return_migrant(true, true, Some("SAU"), "PHL", Some(9), 10),
            Some(true)
        );
        assert_eq!(
            return_migrant(true, true, Some("SAU"), "PHL", Some(10), 10),
            Some(false)
        );
        assert_eq!(
            return_migrant(true, true, Some("XXX"), "PHL", Some(0), 10),
            Some(true)
        );
        assert_eq!(
            return_migrant(true, true, Some("SAU"), "PHL", Some(4), 5),
            Some(true)
        );
    }

    #[test]
    fn immigrants_people_out_of_scope_and_stayers_are_not_return_migrants() {
        assert_eq!(
            return_migrant(true, false, Some("IDN"), "PHL", Some(2), 10),
            Some(false)
        );
        assert_eq!(
            return_migrant(false, true, Some("SAU"), "PHL", Some(2), 10),
            Some(false)
        );
        assert_eq!(
            return_migrant(true, true, Some("PHL"), "PHL", Some(2), 10),
            Some(false)
        );
    }

    #[test]
    fn without_a_previous_country_or_a_datable_return_it_is_not_measured() {
        assert_eq!(return_migrant(true, true, None, "PHL", Some(2), 10), None);
        assert_eq!(
            return_migrant(true, true, Some("SAU"), "PHL", None, 10),
            None
        );
        // Not a national: decided without the date.
        assert_eq!(
            return_migrant(true, false, Some("SAU"), "PHL", None, 10),
            Some(false)
        );
    }

    #[test]
    fn return_migrant_workers_were_employed_or_seeking_work_abroad() {
        assert_eq!(return_migrant_worker(Some(true), Some("EMP")), Some(true));
        assert_eq!(return_migrant_worker(Some(true), Some("UNE")), Some(true));
        assert_eq!(return_migrant_worker(Some(true), Some("OLF")), Some(false));
        assert_eq!(return_migrant_worker(Some(false), Some("EMP")), Some(false));
        assert_eq!(return_migrant_worker(Some(true), None), None);
        assert_eq!(return_migrant_worker(None, Some("EMP")), None);
    }
}
