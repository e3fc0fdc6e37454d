//! Usual residence: who is a usual resident of the country, by `[concepts] residence_rule`.
//!
//! **Rule** (first that applies):
//! 1. `usual_resident = N` on the roster: **not** a usual resident (`ROSTER_N`), whatever
//!    the rule. The roster's N also carries exclusions that are not about duration
//!    (foreign diplomats and military and their dependants, icls-concepts.md §1.10), so
//!    no count of months may overturn it.
//! 2. `residence_rule = "national"` (the default): the roster flag as it is (`ROSTER`).
//! 3. The UN rule, option A (`most_of_12_months`) or B (`at_least_12_months`):
//!    - present in the country for **more than 6** (A) / **all 12** (B) of the last 12
//!      months (`months_present_12m`, temporary absences for holidays or work
//!      assignments counted as presence): a usual resident (`PRESENT`);
//!    - else intending to stay **at least 6** (A) / **at least 12** (B) months
//!      (`intended_stay_months`): a usual resident (`INTENDS`);
//!    - else, when **both** items are stated (and so both tests failed): not a usual
//!      resident (`RULE_N`);
//!    - else the rule cannot decide (an item not stated, and the stated one failed): the
//!      roster's `Y` stands (`ROSTER`).
//!
//! So the UN rule can only turn the roster's `Y` (or an absent `usual_resident` column,
//! which ingest reads as `Y`) into non-residence, on evidence; it never makes a
//! resident of someone the roster excludes. A census with the two items and no roster
//! flag gets the rule applied to everyone who answered them.
//!
//! **Sources.** icls-concepts.md §1.2: UN *Principles and Recommendations for Population
//! and Housing Censuses*, Rev.3 (2017), as summarised by the IOM Migration Data Portal:
//! option A, "lived in the country continuously for at least 6 months and 1 day of the
//! last 12 months, or intends to stay at least 6 months"; option B, "lived in the
//! country continuously for the last 12 months, or intends to stay at least 12 months";
//! temporary absences for holidays or work assignments do not break continuity \[K\]. The
//! 2021 UN Expert Group keeps the 12-month threshold for a change of usual residence.
//! §1.2 also: "Where a roster flag exists (`usual_res=N`, visitor, temporary present),
//! exclude those persons from every stock tabulation" (rule 1).
//!
//! **Extension:** "6 months and 1 day" is read as *more than 6 months*: months are
//! decimals (`6.03` is six months and a day), and exactly `6` fails option A's presence
//! test. A source that records whole completed months understates presence by less than
//! a month; its `6` means "six months and some days" and fails too.

use migstat_artefacts::concepts::ResidenceRule;

/// What decided a person's usual residence (the `residence_basis` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ResidenceBasis {
    /// The roster flag `Y` (or no flag): the national rule, or a UN rule without the
    /// evidence to decide.
    Roster,
    /// The roster flag `N`: never a usual resident.
    RosterN,
    /// The UN rule: present long enough.
    Present,
    /// The UN rule: not present long enough (or not stated), but intending to stay long
    /// enough.
    Intends,
    /// The UN rule: both items stated, neither long enough.
    RuleN,
}

impl ResidenceBasis {
    /// Every basis, in the order of the rule.
    pub const ALL: [ResidenceBasis; 5] = [
        ResidenceBasis::Roster,
        ResidenceBasis::RosterN,
        ResidenceBasis::Present,
        ResidenceBasis::Intends,
        ResidenceBasis::RuleN,
    ];

    /// The code stored in `residence_basis`.
    pub const fn code(self) -> &'static str {
        match self {
            ResidenceBasis::Roster => "ROSTER",
            ResidenceBasis::RosterN => "ROSTER_N",
            ResidenceBasis::Present => "PRESENT",
            ResidenceBasis::Intends => "INTENDS",
            ResidenceBasis::RuleN => "RULE_N",
        }
    }

    /// Whether the person is a usual resident.
    pub const fn is_resident(self) -> bool {
        matches!(
            self,
            ResidenceBasis::Roster | ResidenceBasis::Present | ResidenceBasis::Intends
        )
    }
}

/// The usual residence of one person under `rule`.
///
/// - `roster`: the core record's `usual_resident` (`false` = `N`; ingest reads an empty
///   value or an absent column as `Y`).
/// - `months_present`: months in the country during the last 12 months, `None` = not
///   stated.
/// - `intended_stay`: months the person intends to stay, `None` = not stated.
pub fn usual_residence(
    rule: ResidenceRule,
    roster: bool,
    months_present: Option<f64>,
    intended_stay: Option<f64>,
) -> ResidenceBasis {
    if !roster {
        return ResidenceBasis::RosterN;
    }
    let (present_more_than, stay_at_least) = match rule {
        ResidenceRule::National => return ResidenceBasis::Roster,
        // "at least 6 months and 1 day": strictly more than 6 months.
        ResidenceRule::MostOf12Months => (Threshold::MoreThan(6.0), 6.0),
        // "continuously for the last 12 months": all 12 of them.
        ResidenceRule::AtLeast12Months => (Threshold::AtLeast(12.0), 12.0),
    };
    let present = months_present.map(|m| present_more_than.passed_by(m));
    let intends = intended_stay.map(|m| m >= stay_at_least);
    match (present, intends) {
        (Some(true), _) => ResidenceBasis::Present,
        (_, Some(true)) => ResidenceBasis::Intends,
        (Some(false), Some(false)) => ResidenceBasis::RuleN,
        _ => ResidenceBasis::Roster,
    }
}

/// A presence threshold: option A's is strict, option B's is not.
#[derive(Debug, Clone, Copy)]
enum Threshold {
    MoreThan(f64),
    AtLeast(f64),
}

impl Threshold {
    fn passed_by(self, months: f64) -> bool {
        match self {
            Threshold::MoreThan(t) => months > t,
            Threshold::AtLeast(t) => months >= t,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ResidenceBasis::*;
    use super::*;
    use ResidenceRule::{AtLeast12Months as B, MostOf12Months as A, National};

    #[test]
    fn the_roster_n_always_wins() {
        for rule in [National, A, B] {
            assert_eq!(
                usual_residence(rule, false, Some(12.0), Some(60.0)),
                RosterN
            );
            assert!(!RosterN.is_resident());
        }
    }

    #[test]
    fn the_national_rule_keeps_the_roster_flag_and_ignores_the_items() {
        assert_eq!(
            usual_residence(National, true, Some(1.0), Some(0.0)),
            Roster
        );
        assert_eq!(usual_residence(National, true, None, None), Roster);
        assert!(Roster.is_resident());
    }

    #[test]
    fn option_a_needs_more_than_six_months_present() {
        // "at least 6 months and 1 day": six months exactly is not enough.
        assert_eq!(usual_residence(A, true, Some(6.0), Some(0.0)), RuleN);
        assert_eq!(usual_residence(A, true, Some(6.03), Some(0.0)), Present);
        assert_eq!(usual_residence(A, true, Some(12.0), None), Present);
    }

    #[test]
    fn option_a_accepts_an_intended_stay_of_at_least_six_months() {
        assert_eq!(usual_residence(A, true, Some(2.0), Some(6.0)), Intends);
        assert_eq!(usual_residence(A, true, None, Some(6.0)), Intends);
        assert_eq!(usual_residence(A, true, Some(2.0), Some(5.99)), RuleN);
        assert!(Intends.is_resident() && !RuleN.is_resident());
    }

    #[test]
    fn option_b_needs_the_whole_twelve_months_or_a_twelve_month_intention() {
        assert_eq!(usual_residence(B, true, Some(12.0), Some(0.0)), Present);
        assert_eq!(usual_residence(B, true, Some(11.9), Some(0.0)), RuleN);
        assert_eq!(usual_residence(B, true, Some(8.0), Some(12.0)), Intends);
        assert_eq!(usual_residence(B, true, Some(8.0), Some(11.0)), RuleN);
        // A 7-month stay passes option A and fails option B.
        assert_eq!(usual_residence(A, true, Some(7.0), Some(0.0)), Present);
        assert_eq!(usual_residence(B, true, Some(7.0), Some(0.0)), RuleN);
    }

    #[test]
    fn presence_is_tested_before_intention() {
        assert_eq!(usual_residence(A, true, Some(9.0), Some(24.0)), Present);
    }

    #[test]
    fn without_the_evidence_to_decide_the_roster_stands() {
        // Presence failed, intention not stated: the person may still intend to stay.
        assert_eq!(usual_residence(A, true, Some(2.0), None), Roster);
        // Intention failed, presence not stated.
        assert_eq!(usual_residence(B, true, None, Some(3.0)), Roster);
        assert_eq!(usual_residence(B, true, None, None), Roster);
    }

    #[test]
    fn codes_are_stable() {
        let codes: Vec<&str> = ResidenceBasis::ALL.iter().map(|b| b.code()).collect();
        assert_eq!(
            codes,
            ["ROSTER", "ROSTER_N", "PRESENT", "INTENDS", "RULE_N"]
        );
    }
}
