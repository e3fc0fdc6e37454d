//! Scope of the stock tables: whose record is counted.
//!
//! **Rule** (contract §4): a record is in scope of every stock table when
//! `usual_resident != N`, `weight > 0` and `age >= 15` (age stated). A record out of scope
//! keeps its row in `derived.parquet`, labelled with the *first* test it fails, in the
//! order of [`Scope::ALL`]: `NON_RESIDENT`, `ZERO_WEIGHT`, `AGE_NOT_STATED`,
//! `BELOW_WORKING_AGE`; otherwise `IN_SCOPE`.
//!
//! **Sources.**
//! - icls-concepts.md §1.10 (populations in and out of scope): visitors and non-resident
//!   seasonal, frontier or project-tied workers are OUT of the resident stock tables;
//!   persons below the minimum working age are OUT of the labour force tables.
//! - icls-concepts.md §1.1–1.2 (reference frame, usual residence): the stock concepts
//!   measure usual residents; working age is 15+ with no upper limit (ILOSTAT convention).
//! - icls-concepts.md §2.2, rows 0 and 1 of the decision table (non-resident; age below
//!   15 or missing: out of scope), and §4.1 (records with weight 0 are dropped).
//! - ICLS text operationalised: 20th ICLS (2018) *Guidelines concerning statistics of
//!   international labour migration* — the stock of international migrants (and of
//!   resident migrant workers, group (a)) is counted among usual residents; non-resident
//!   foreign workers enter only the migrant-worker concept, not these stocks.
//!   19th ICLS (2013) *Resolution I concerning statistics of work, employment and labour
//!   underutilization* — the working-age population, with a lower age limit.
//!
//! **Extension:** the 19th ICLS lets each country set the lower age limit and
//! icls-concepts.md §2.1 asks for it to be configurable; the contract fixes it at 15
//! ([`WORKING_AGE_MIN`]) and the published AGE codes all start at 15, so it is a constant.
//!
//! **Extension:** `usual_resident` is the one [`crate::usual_residence`] decides: the
//! roster flag under the default `[concepts] residence_rule = "national"` (the contract's
//! test), or UN P&R Rev.3 option A or B, which may also exclude a roster `Y` on the
//! evidence of `months_present_12m` and `intended_stay_months`.
//!
//! **Extension:** a not-stated `usual_resident` (null) counts as resident: the contract's
//! test is `!= N` (the core schema makes the column non-null anyway; ingest fills `Y` when
//! the column is absent).
//!
//! **Extension:** a negative weight (which ingest rejects, so it cannot reach here) fails
//! `weight > 0` like a zero weight and is recorded as `ZERO_WEIGHT`.

pub use migstat_artefacts::schema::Scope;

/// The lowest age in completed years of the working-age population (contract §4;
/// icls-concepts.md §1.1: ILOSTAT's 15+, no upper limit).
pub const WORKING_AGE_MIN: i32 = 15;

/// The scope of one record: the first test of contract §4 it fails, in the order of
/// [`Scope::ALL`], or [`Scope::InScope`].
///
/// - `usual_resident`: `Some(false)` is `N`; `Some(true)` and `None` pass.
/// - `weight`: the weight as stored (Decimal128 units); only its sign matters.
/// - `age`: completed years, `None` = not stated.
pub fn scope(usual_resident: Option<bool>, weight: i128, age: Option<i32>) -> Scope {
    if usual_resident == Some(false) {
        return Scope::NonResident;
    }
    if weight <= 0 {
        return Scope::ZeroWeight;
    }
    match age {
        None => Scope::AgeNotStated,
        Some(a) if a < WORKING_AGE_MIN => Scope::BelowWorkingAge,
        Some(_) => Scope::InScope,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A weight of 120.5 (Decimal128 units of 10^-9).
    const W: i128 = 120_500_000_000;

    #[test]
    fn a_resident_with_a_weight_aged_15_or_more_is_in_scope() {
        assert_eq!(scope(Some(true), W, Some(34)), Scope::InScope);
    }

    #[test]
    fn there_is_no_upper_age_limit() {
        // Worked example person 7, aged 67 (icls-concepts.md §5).
        assert_eq!(scope(Some(true), W, Some(67)), Scope::InScope);
        assert_eq!(scope(Some(true), W, Some(130)), Scope::InScope);
    }

    #[test]
    fn a_non_resident_is_out_of_scope() {
        // Worked example person 11, a seasonal worker (icls-concepts.md §1.10).
        assert_eq!(scope(Some(false), W, Some(28)), Scope::NonResident);
    }

    #[test]
    fn a_not_stated_usual_residence_counts_as_resident() {
        assert_eq!(scope(None, W, Some(28)), Scope::InScope);
    }

    #[test]
    fn a_zero_weight_is_out_of_scope() {
        assert_eq!(scope(Some(true), 0, Some(40)), Scope::ZeroWeight);
    }

    #[test]
    fn the_smallest_positive_weight_is_in_scope() {
        assert_eq!(scope(Some(true), 1, Some(40)), Scope::InScope);
    }

    #[test]
    fn a_negative_weight_fails_the_weight_test() {
        assert_eq!(scope(Some(true), -1, Some(40)), Scope::ZeroWeight);
    }

    #[test]
    fn an_age_not_stated_is_out_of_scope() {
        assert_eq!(scope(Some(true), W, None), Scope::AgeNotStated);
    }

    #[test]
    fn age_14_is_below_working_age_and_15_is_not() {
        // Worked example person 10, aged 14.
        assert_eq!(scope(Some(true), W, Some(14)), Scope::BelowWorkingAge);
        assert_eq!(scope(Some(true), W, Some(0)), Scope::BelowWorkingAge);
        assert_eq!(scope(Some(true), W, Some(15)), Scope::InScope);
    }

    #[test]
    fn the_first_failing_test_is_recorded_in_the_order_of_scope_all() {
        assert_eq!(scope(Some(false), 0, None), Scope::NonResident);
        assert_eq!(scope(Some(false), W, Some(3)), Scope::NonResident);
        assert_eq!(scope(Some(true), 0, None), Scope::ZeroWeight);
        assert_eq!(scope(Some(true), 0, Some(3)), Scope::ZeroWeight);
        assert_eq!(scope(None, W, None), Scope::AgeNotStated);
        // The order of the checks above is the order of Scope::ALL.
        assert_eq!(
            Scope::ALL,
            [
                Scope::NonResident,
                Scope::ZeroWeight,
                Scope::AgeNotStated,
                Scope::BelowWorkingAge,
                Scope::InScope
            ]
        );
    }
}
