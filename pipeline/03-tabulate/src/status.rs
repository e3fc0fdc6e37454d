//! One function decides each cell's status, from confidentiality and precision together,
//! and records why.
//!
//! The order is fixed, the first rule that applies wins:
//!
//! 1. n = 0: a real zero, published (contract §5);
//! 2. 0 < n < `[quality] suppress_below_n`: confidential, `C` (primary, contract §5);
//!    then, when `[disclosure] dominance_n` and `dominance_k` are set, a cell whose
//!    `n` largest contributions exceed `k` percent of it: confidential, `C` (primary,
//!    the (n,k)-dominance rule, [`crate::dominance`]);
//! 3. chosen by secondary suppression: confidential, `C`;
//! 4. `[reliability]` suppression: n < `min_n`, CV > `cv_suppress`, or a count below
//!    `limit_a` thousand: not published at all;
//! 5. unreliable, `U`: n < `[quality] unreliable_below_n` (contract §5), CV >
//!    `cv_unreliable`, or a count below `limit_b` thousand;
//! 6. otherwise published without status.

use migstat_artefacts::config::{Quality, Reliability};

/// Why a cell has its status (stored in the estimates' `reason` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reason {
    /// Published without status.
    Published,
    /// No record: a real zero.
    Zero,
    /// `C` by the frequency rule.
    PrimaryConfidential,
    /// `C` by the (n,k)-dominance rule.
    PrimaryDominance,
    /// `C` to protect another confidential cell.
    SecondaryConfidential,
    /// Not published: fewer records than `min_n`.
    SuppressedMinN,
    /// Not published: CV above `cv_suppress`.
    SuppressedCv,
    /// Not published: below limit A.
    SuppressedLimitA,
    /// `U`: fewer records than `unreliable_below_n`.
    UnreliableN,
    /// `U`: CV above `cv_unreliable`.
    UnreliableCv,
    /// `U`: below limit B.
    UnreliableLimitB,
}

impl Reason {
    /// The code stored in the estimates.
    pub fn code(self) -> &'static str {
        match self {
            Reason::Published => "PUBLISHED",
            Reason::Zero => "ZERO",
            Reason::PrimaryConfidential => "PRIMARY_CONFIDENTIAL",
            Reason::PrimaryDominance => "PRIMARY_DOMINANCE",
            Reason::SecondaryConfidential => "SECONDARY_CONFIDENTIAL",
            Reason::SuppressedMinN => "SUPPRESSED_MIN_N",
            Reason::SuppressedCv => "SUPPRESSED_CV",
            Reason::SuppressedLimitA => "SUPPRESSED_LIMIT_A",
            Reason::UnreliableN => "UNRELIABLE_N",
            Reason::UnreliableCv => "UNRELIABLE_CV",
            Reason::UnreliableLimitB => "UNRELIABLE_LIMIT_B",
        }
    }

    /// The SDMX `OBS_STATUS` of the cell.
    pub fn obs_status(self) -> Option<&'static str> {
        match self {
            Reason::PrimaryConfidential
            | Reason::PrimaryDominance
            | Reason::SecondaryConfidential => Some("C"),
            Reason::UnreliableN | Reason::UnreliableCv | Reason::UnreliableLimitB => Some("U"),
            _ => None,
        }
    }

    /// Whether the cell is published at all (a `C` cell is, without value).
    pub fn published(self) -> bool {
        !matches!(
            self,
            Reason::SuppressedMinN | Reason::SuppressedCv | Reason::SuppressedLimitA
        )
    }

    /// Whether the cell is primary-confidential (by frequency or by dominance).
    pub fn is_primary(self) -> bool {
        matches!(self, Reason::PrimaryConfidential | Reason::PrimaryDominance)
    }
}

/// What the decision looks at.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CellFacts {
    /// Unweighted records counted by the cell (for a rate, its denominator's).
    pub n: u64,
    /// The estimate in its published unit.
    pub estimate: f64,
    /// Coefficient of variation in percent, when a variance was estimated.
    pub cv_percent: Option<f64>,
    /// A count (`_NB`, in thousands) rather than a rate.
    pub is_count: bool,
    /// Chosen by secondary suppression.
    pub secondary: bool,
    /// Its largest contributions exceed the (n,k)-dominance limit.
    pub dominated: bool,
}

/// Decides a cell's status; see the module documentation for the order of the rules.
pub fn decide(facts: &CellFacts, quality: &Quality, reliability: &Reliability) -> Reason {
    let n = facts.n;
    if n == 0 {
        return Reason::Zero;
    }
    if n < quality.suppress_below_n {
        return Reason::PrimaryConfidential;
    }
    if facts.dominated {
        return Reason::PrimaryDominance;
    }
    if facts.secondary {
        return Reason::SecondaryConfidential;
    }
    let cv_above =
        |limit: Option<f64>| matches!((facts.cv_percent, limit), (Some(cv), Some(l)) if cv > l);
    let count_below =
        |limit: Option<f64>| facts.is_count && limit.is_some_and(|l| facts.estimate < l);
    if reliability.min_n.is_some_and(|m| n < m) {
        return Reason::SuppressedMinN;
    }
    if cv_above(reliability.cv_suppress) {
        return Reason::SuppressedCv;
    }
    if count_below(reliability.limit_a) {
        return Reason::SuppressedLimitA;
    }
    if n < quality.unreliable_below_n {
        return Reason::UnreliableN;
    }
    if cv_above(reliability.cv_unreliable) {
        return Reason::UnreliableCv;
    }
    if count_below(reliability.limit_b) {
        return Reason::UnreliableLimitB;
    }
    Reason::Published
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONTRACT: Quality = Quality {
        suppress_below_n: 3,
        unreliable_below_n: 20,
    };

    fn facts(n: u64) -> CellFacts {
        CellFacts {
            n,
            estimate: 12.5,
            cv_percent: None,
            is_count: true,
            secondary: false,
            dominated: false,
        }
    }

    #[test]
    fn the_contract_frequency_rules() {
        let none = Reliability::default();
        assert_eq!(decide(&facts(0), &CONTRACT, &none), Reason::Zero);
        assert_eq!(decide(&facts(2), &CONTRACT, &none).obs_status(), Some("C"));
        assert_eq!(decide(&facts(3), &CONTRACT, &none).obs_status(), Some("U"));
        assert_eq!(decide(&facts(20), &CONTRACT, &none), Reason::Published);
    }

    #[test]
    fn confidentiality_comes_before_precision() {
        let strict = Reliability {
            cv_suppress: Some(33.3),
            ..Default::default()
        };
        let f = CellFacts {
            cv_percent: Some(80.0),
            ..facts(2)
        };
        assert_eq!(decide(&f, &CONTRACT, &strict), Reason::PrimaryConfidential);
        let f = CellFacts {
            secondary: true,
            cv_percent: Some(80.0),
            ..facts(50)
        };
        assert_eq!(
            decide(&f, &CONTRACT, &strict),
            Reason::SecondaryConfidential
        );
    }

    #[test]
    fn a_dominated_cell_is_primary_confidential_after_the_frequency_rule() {
        let none = Reliability::default();
        let dominated = |n| CellFacts {
            dominated: true,
            ..facts(n)
        };
        assert_eq!(
            decide(&dominated(2), &CONTRACT, &none),
            Reason::PrimaryConfidential
        );
        let r = decide(&dominated(50), &CONTRACT, &none);
        assert_eq!(r, Reason::PrimaryDominance);
        assert_eq!(r.obs_status(), Some("C"));
        assert!(r.is_primary());
        let secondary_too = CellFacts {
            secondary: true,
            ..dominated(50)
        };
        assert_eq!(
            decide(&secondary_too, &CONTRACT, &none),
            Reason::PrimaryDominance
        );
    }

    #[test]
    fn statistics_canada_style_cv_thresholds() {
        let r = Reliability {
            cv_unreliable: Some(16.5),
            cv_suppress: Some(33.3),
            ..Default::default()
        };
        let cv = |c| CellFacts {
            cv_percent: Some(c),
            ..facts(100)
        };
        assert_eq!(decide(&cv(10.0), &CONTRACT, &r), Reason::Published);
        assert_eq!(decide(&cv(20.0), &CONTRACT, &r), Reason::UnreliableCv);
        assert_eq!(decide(&cv(40.0), &CONTRACT, &r), Reason::SuppressedCv);
        assert!(!Reason::SuppressedCv.published());
    }

    #[test]
    fn eu_lfs_limits_apply_to_counts_in_thousands_only() {
        let r = Reliability {
            limit_a: Some(5.0),
            limit_b: Some(15.0),
            ..Default::default()
        };
        let est = |e, is_count| CellFacts {
            estimate: e,
            is_count,
            ..facts(100)
        };
        assert_eq!(
            decide(&est(4.9, true), &CONTRACT, &r),
            Reason::SuppressedLimitA
        );
        assert_eq!(
            decide(&est(10.0, true), &CONTRACT, &r),
            Reason::UnreliableLimitB
        );
        assert_eq!(decide(&est(15.0, true), &CONTRACT, &r), Reason::Published);
        assert_eq!(
            decide(&est(4.9, false), &CONTRACT, &r),
            Reason::Published,
            "a rate of 4.9 % is not a count"
        );
    }

    #[test]
    fn min_n_suppresses_before_unreliability() {
        let r = Reliability {
            min_n: Some(10),
            ..Default::default()
        };
        assert_eq!(decide(&facts(9), &CONTRACT, &r), Reason::SuppressedMinN);
        assert_eq!(decide(&facts(10), &CONTRACT, &r), Reason::UnreliableN);
    }
}
