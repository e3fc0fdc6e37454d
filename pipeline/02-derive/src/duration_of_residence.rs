//! Duration of residence, recent immigrants, reason for migration and recent for-work
//! immigrants.
//!
//! **Rules.**
//! - [`years_since_arrival`]: the completed years since the person last arrived to live
//!   in the country: `years_of_residence` as reported (exact), else reference year −
//!   `year_of_arrival`, flagged **approximate** (the arrival may have been late in its
//!   year, or the reference date early in its own: the true value is that or one less).
//!   `None` when neither is stated.
//! - [`duration_band`]: the constructed CL_DRS band of those years: `<1`, `1-4`, `5-9`,
//!   `10+`; with no arrival recorded, `NA` for the native-born (they did not migrate, as
//!   far as the record says) and `X` (not stated) for everyone else.
//! - [`recent_immigrant`]: in scope and arrived in the last `recent_years` years: years
//!   since arrival < `recent_years` (with the year alone: arrived in the reference year
//!   or the `recent_years − 1` years before). `None` when no arrival is recorded.
//! - [`is_for_work`] / [`recent_for_work_immigrant`]: the main reason for migration is
//!   work, with or without a job found; a recent for-work immigrant is a recent immigrant
//!   who came for work, **whatever their current labour force status**. `None` unless
//!   both the arrival and the reason are stated, so that a source without the reason item
//!   publishes no zeros for it.
//! - [`reason_code`]: the constructed CL_RSN code of the reason; not stated: `X` for
//!   anyone with an arrival recorded or not native-born, `_Z` (not applicable) for a
//!   native-born person with none.
//!
//! **Sources.** icls-concepts.md §1.7 ("`years_since_arrival = ref_date − arrival_date`,
//! in completed years. If only the year is known, use `ref_year − arrival_year`, flag it
//! as approximate, and avoid 0/1 boundary bias by reporting bands such as `<1`, `1–4`,
//! `5–9`, `10+` years (proposed bands). Recent migrant = arrived in the last 5 years
//! (proposed default; parameter)"; EU-LFS `YEARESID`, IPUMS-I `YRSIMM` report years of
//! residence); §1.5 (for-work international migrants: "`arrival_date` inside the
//! reference window and `reason_for_migration ∈ {work with a job found, work without a
//! job found}` ... whatever their current LF status"; label the output "recent for-work
//! immigrants still resident", not a true flow); §1.8 (`for_work = reason ∈
//! {WORK_JOB_FOUND, WORK_NO_JOB_FOUND}`). 20th ICLS (2018) Guidelines: for-work
//! international migrants are those who changed their country of usual residence for
//! employment or to seek employment (wording UNCONFIRMED).
//!
//! **Extension:** when both `years_of_residence` and `year_of_arrival` are stated, the
//! reported years win (they are exact; the year gives only a bound). **Extension:** the
//! "reference window" of §1.5 is the recent window of §1.7 (`[concepts] recent_years`),
//! one parameter for both, published in the notes of the dataflows.

use crate::place_of_birth::PlaceOfBirth;

/// The completed years since the last arrival and whether they are approximate (from the
/// year of arrival alone); `None` when no arrival is recorded.
///
/// `year_of_arrival` is at most `reference_year` (ingest's `year_of_arrival.range`).
pub fn years_since_arrival(
    years_of_residence: Option<i32>,
    year_of_arrival: Option<i32>,
    reference_year: i32,
) -> Option<(i32, bool)> {
    match (years_of_residence, year_of_arrival) {
        (Some(years), _) => Some((years, false)),
        (None, Some(year)) => Some(((reference_year - year).max(0), true)),
        (None, None) => None,
    }
}

/// The constructed CL_DRS code of a duration of residence.
pub fn duration_band(years: Option<i32>, place_of_birth: PlaceOfBirth) -> &'static str {
    match years {
        Some(y) if y < 1 => "DRS_YRS_YLT1",
        Some(1..=4) => "DRS_YRS_Y1-4",
        Some(5..=9) => "DRS_YRS_Y5-9",
        Some(_) => "DRS_YRS_YGE10",
        None if place_of_birth == PlaceOfBirth::Native => "DRS_YRS_NA",
        None => "DRS_YRS_X",
    }
}

/// Whether an in-scope person arrived in the last `recent_years` years; `None` when no
/// arrival is recorded.
pub fn recent_immigrant(in_scope: bool, years: Option<i32>, recent_years: u32) -> Option<bool> {
    years.map(|y| in_scope && i64::from(y) < i64::from(recent_years))
}

/// Whether the main reason for migration is work (with or without a job found).
pub fn is_for_work(reason: &str) -> bool {
    matches!(reason, "WORK_JOB_FOUND" | "WORK_NO_JOB_FOUND")
}

/// Whether a person is a recent immigrant who came for work; `None` unless both the
/// arrival (`recent`) and the reason are known.
pub fn recent_for_work_immigrant(recent: Option<bool>, reason: Option<&str>) -> Option<bool> {
    Some(recent? && is_for_work(reason?))
}

/// The constructed CL_RSN code of the main reason for migration.
pub fn reason_code(
    reason: Option<&str>,
    arrival_recorded: bool,
    place_of_birth: PlaceOfBirth,
) -> &'static str {
    match reason {
        Some("WORK_JOB_FOUND") => "RSN_REASON_WORKJOB",
        Some("WORK_NO_JOB_FOUND") => "RSN_REASON_WORKNOJOB",
        Some("FAMILY") => "RSN_REASON_FAMILY",
        Some("EDUCATION") => "RSN_REASON_EDUCATION",
        Some("INTERNATIONAL_PROTECTION") => "RSN_REASON_PROTECTION",
        Some("OTHER") => "RSN_REASON_OTHER",
        _ if arrival_recorded || place_of_birth != PlaceOfBirth::Native => "RSN_REASON_X",
        _ => migstat_artefacts::schema::derived::NOT_APPLICABLE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use PlaceOfBirth::{Foreign, Native, NotStated};

    #[test]
    fn reported_years_are_exact_and_a_year_alone_is_approximate() {
        assert_eq!(years_since_arrival(Some(3), None, 2024), Some((3, false)));
        assert_eq!(years_since_arrival(None, Some(2019), 2024), Some((5, true)));
        assert_eq!(years_since_arrival(None, Some(2024), 2024), Some((0, true)));
        assert_eq!(years_since_arrival(None, None, 2024), None);
        // Both stated: the reported years win.
        assert_eq!(
            years_since_arrival(Some(4), Some(2019), 2024),
            Some((4, false))
        );
    }

    #[test]
    fn bands_are_less_than_1_then_1_to_4_5_to_9_and_10_or_more() {
        let band = |y| duration_band(Some(y), Foreign);
        assert_eq!(band(0), "DRS_YRS_YLT1");
        assert_eq!(band(1), "DRS_YRS_Y1-4");
        assert_eq!(band(4), "DRS_YRS_Y1-4");
        assert_eq!(band(5), "DRS_YRS_Y5-9");
        assert_eq!(band(9), "DRS_YRS_Y5-9");
        assert_eq!(band(10), "DRS_YRS_YGE10");
        assert_eq!(band(80), "DRS_YRS_YGE10");
        // A native-born returnee with an arrival has a band too.
        assert_eq!(duration_band(Some(2), Native), "DRS_YRS_Y1-4");
    }

    #[test]
    fn without_an_arrival_the_native_born_are_not_applicable_and_others_not_stated() {
        assert_eq!(duration_band(None, Native), "DRS_YRS_NA");
        assert_eq!(duration_band(None, Foreign), "DRS_YRS_X");
        assert_eq!(duration_band(None, NotStated), "DRS_YRS_X");
    }

    #[test]
    fn recent_means_fewer_completed_years_than_the_window() {
        // Default window 5 years, reference year 2024: arrivals 2020..=2024 (approximate
        // years 0..=4) are recent, 2019 (5) is not.
        assert_eq!(recent_immigrant(true, Some(4), 5), Some(true));
        assert_eq!(recent_immigrant(true, Some(5), 5), Some(false));
        assert_eq!(recent_immigrant(true, Some(0), 1), Some(true));
        assert_eq!(recent_immigrant(true, Some(1), 1), Some(false));
        assert_eq!(recent_immigrant(false, Some(1), 5), Some(false));
        assert_eq!(recent_immigrant(true, None, 5), None);
    }

    #[test]
    fn for_work_is_work_with_or_without_a_job_found() {
        assert!(is_for_work("WORK_JOB_FOUND") && is_for_work("WORK_NO_JOB_FOUND"));
        for other in ["FAMILY", "EDUCATION", "INTERNATIONAL_PROTECTION", "OTHER"] {
            assert!(!is_for_work(other), "{other}");
        }
        assert_eq!(
            recent_for_work_immigrant(Some(true), Some("WORK_NO_JOB_FOUND")),
            Some(true)
        );
        assert_eq!(
            recent_for_work_immigrant(Some(true), Some("FAMILY")),
            Some(false)
        );
        assert_eq!(
            recent_for_work_immigrant(Some(false), Some("WORK_JOB_FOUND")),
            Some(false)
        );
        // Not measured without the reason or the arrival.
        assert_eq!(recent_for_work_immigrant(Some(true), None), None);
        assert_eq!(
            recent_for_work_immigrant(None, Some("WORK_JOB_FOUND")),
            None
        );
    }

    #[test]
    fn reasons_are_coded_and_not_applicable_only_to_natives_who_never_arrived() {
        assert_eq!(
            reason_code(Some("WORK_JOB_FOUND"), true, Foreign),
            "RSN_REASON_WORKJOB"
        );
        assert_eq!(
            reason_code(Some("INTERNATIONAL_PROTECTION"), true, Foreign),
            "RSN_REASON_PROTECTION"
        );
        assert_eq!(reason_code(None, true, Native), "RSN_REASON_X");
        assert_eq!(reason_code(None, false, Foreign), "RSN_REASON_X");
        assert_eq!(reason_code(None, false, Native), "_Z");
    }
}
