//! Labour force status: employed, unemployed or outside the labour force.
//!
//! **Rule** (contract §4; the first rule that matches wins):
//!
//! | # | condition | status |
//! |---|---|---|
//! | 1 | `lfs_status` non-empty | that status |
//! | 2 | `worked = Y` | `EMP` |
//! | 3 | `absent = Y` and `absence_reason` in {SICK, LEAVE, MATERNITY, ARRANGEMENT, TRAINING} | `EMP` |
//! | 4 | `absent = Y` and (`absence_paid = Y` or `absence_return_3m = Y`) | `EMP` |
//! | 5 | `searched = Y` and `available = Y` | `UNE` |
//! | 6 | `future_start = Y` and `available = Y` | `UNE` |
//! | 7 | otherwise | `OLF` |
//!
//! An item is `Y` only when answered yes; `N` and not stated (null) are both "not `Y`".
//!
//! **Sources.** icls-concepts.md §2.1 (definitions of employed, temporary absence,
//! unemployed, future starters, OLF) and §2.2 (the decision table). Contract rules 2–7
//! are rows 2–11 of that table: rule 2 = row 2 (at work, including contributing family
//! workers); rule 3 = row 3 (absence reasons that count directly); rule 4 = row 4 (other
//! absence with continued pay or return within 3 months), and an absence without either
//! falls through (row 5); rule 5 = row 6 (searched in the last 4 weeks and available);
//! rule 6 = row 7 (available future starter); rule 7 = rows 8–11 (potential labour force,
//! willing non-jobseekers and the residual, all OLF). Rows 0–1 (non-resident, below
//! working age) are the scope rules of [`crate::scope`]. Rule 1 follows §2.2's mapping
//! from pre-derived variables: a producer's status is used as is.
//! ICLS text operationalised: 19th ICLS (2013) *Resolution I concerning statistics of
//! work, employment and labour underutilization* (employment, unemployment, the
//! potential labour force), as used by the 20th ICLS (2018) *Guidelines concerning
//! statistics of international labour migration* for the labour force status of migrants.
//!
//! **Extension:** the status is derived for every record, in scope or not (the derived
//! schema makes `lfs` non-null); only in-scope records are tabulated.
//!
//! **Extension:** icls-concepts.md §2.2 row 11 recommends flagging the OLF residual with
//! item non-response on the whole LF block. The derived schema has no column for it, so
//! [`LfItems::none_answered`] lets the stage count it (`DeriveReport::lfs_residual`);
//! the status stays OLF by rule 7, as the ILO does.
//!
//! **Extension:** rule 4 is the contract's text: it applies to any absence, so an absence
//! whose reason is not stated but which is paid (or with return within 3 months) is
//! employment, the reading of §2.2 row 4 with "another reason" including "not stated".

/// A labour force status (contract §4), stored as `EMP`, `UNE` or `OLF`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LfsStatus {
    /// `EMP`: employed.
    Employed,
    /// `UNE`: unemployed.
    Unemployed,
    /// `OLF`: outside the labour force.
    OutsideLabourForce,
}

impl LfsStatus {
    /// Every status.
    pub const ALL: [LfsStatus; 3] = [
        LfsStatus::Employed,
        LfsStatus::Unemployed,
        LfsStatus::OutsideLabourForce,
    ];

    /// The code stored in `lfs_status` (core) and `lfs` (derived).
    pub const fn code(self) -> &'static str {
        match self {
            LfsStatus::Employed => "EMP",
            LfsStatus::Unemployed => "UNE",
            LfsStatus::OutsideLabourForce => "OLF",
        }
    }

    /// The status with this code, if it is one.
    pub fn parse(code: &str) -> Option<LfsStatus> {
        LfsStatus::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// The absence reasons that make an absent person employed whatever the pay or the
/// expected return (contract §4 rule 3; icls-concepts.md §2.1 "temporary absence").
pub const DIRECT_ABSENCE_REASONS: [&str; 5] =
    ["SICK", "LEAVE", "MATERNITY", "ARRANGEMENT", "TRAINING"];

/// The rule that puts everything else outside the labour force.
pub const RESIDUAL_RULE: u8 = 7;

/// The question items of the labour force block (contract §3), as answered by one
/// person: `Some(true)` = `Y`, `Some(false)` = `N`, `None` = not stated.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LfItems<'a> {
    /// Worked at least one hour in the reference week.
    pub worked: Option<bool>,
    /// Had a job but was temporarily absent from it.
    pub absent: Option<bool>,
    /// Reason of absence (`None` or empty = not stated).
    pub absence_reason: Option<&'a str>,
    /// Still paid during the absence.
    pub absence_paid: Option<bool>,
    /// Expects to return within 3 months.
    pub absence_return_3m: Option<bool>,
    /// Searched for work in the last 4 weeks.
    pub searched: Option<bool>,
    /// Available to start work.
    pub available: Option<bool>,
    /// Has a job arranged to start within 3 months.
    pub future_start: Option<bool>,
}

impl LfItems<'_> {
    /// True when not one item of the block was answered (icls-concepts.md §2.2 row 11,
    /// item non-response on the LF block).
    pub fn none_answered(&self) -> bool {
        let LfItems {
            worked,
            absent,
            absence_reason,
            absence_paid,
            absence_return_3m,
            searched,
            available,
            future_start,
        } = *self;
        crate::stated(absence_reason).is_none()
            && [
                worked,
                absent,
                absence_paid,
                absence_return_3m,
                searched,
                available,
                future_start,
            ]
            .iter()
            .all(Option::is_none)
    }
}

/// The labour force status of one person and the number (1 to 7) of the contract §4
/// rule that decided it. `lfs_status` is the producer's status (rule 1), `None` when the
/// core record's `lfs_status` is empty.
pub fn classify(lfs_status: Option<LfsStatus>, items: &LfItems<'_>) -> (LfsStatus, u8) {
    use LfsStatus::*;
    let yes = |item: Option<bool>| item == Some(true);
    if let Some(status) = lfs_status {
        return (status, 1);
    }
    if yes(items.worked) {
        return (Employed, 2);
    }
    if yes(items.absent)
        && crate::stated(items.absence_reason).is_some_and(|r| DIRECT_ABSENCE_REASONS.contains(&r))
    {
        return (Employed, 3);
    }
    if yes(items.absent) && (yes(items.absence_paid) || yes(items.absence_return_3m)) {
        return (Employed, 4);
    }
    if yes(items.searched) && yes(items.available) {
        return (Unemployed, 5);
    }
    if yes(items.future_start) && yes(items.available) {
        return (Unemployed, 6);
    }
    (OutsideLabourForce, RESIDUAL_RULE)
}

#[cfg(test)]
mod tests {
    use super::LfsStatus::*;
    use super::*;

    const Y: Option<bool> = Some(true);
    const N: Option<bool> = Some(false);

    fn items() -> LfItems<'static> {
        LfItems::default()
    }

    #[test]
    fn codes_round_trip() {
        for s in LfsStatus::ALL {
            assert_eq!(LfsStatus::parse(s.code()), Some(s));
        }
        assert_eq!(LfsStatus::parse("emp"), None);
        assert_eq!(LfsStatus::parse(""), None);
    }

    #[test]
    fn rule_1_a_producer_status_is_used_as_is() {
        for s in LfsStatus::ALL {
            assert_eq!(classify(Some(s), &items()), (s, 1));
        }
    }

    #[test]
    fn rule_1_the_producer_status_beats_the_items() {
        let worked = LfItems {
            worked: Y,
            ..items()
        };
        assert_eq!(
            classify(Some(OutsideLabourForce), &worked),
            (OutsideLabourForce, 1)
        );
        let jobseeker = LfItems {
            searched: Y,
            available: Y,
            ..items()
        };
        assert_eq!(classify(Some(Employed), &jobseeker), (Employed, 1));
    }

    #[test]
    fn rule_2_worked_one_hour_is_employed() {
        assert_eq!(
            classify(
                None,
                &LfItems {
                    worked: Y,
                    ..items()
                }
            ),
            (Employed, 2)
        );
    }

    #[test]
    fn rule_2_worked_beats_search_and_availability() {
        let it = LfItems {
            worked: Y,
            searched: Y,
            available: Y,
            ..items()
        };
        assert_eq!(classify(None, &it), (Employed, 2));
    }

    #[test]
    fn rule_3_each_direct_absence_reason_is_employed() {
        for reason in DIRECT_ABSENCE_REASONS {
            let it = LfItems {
                worked: N,
                absent: Y,
                absence_reason: Some(reason),
                absence_paid: N,
                absence_return_3m: N,
                ..items()
            };
            assert_eq!(classify(None, &it), (Employed, 3), "{reason}");
        }
    }

    #[test]
    fn rule_3_needs_absent_y() {
        let it = LfItems {
            absent: N,
            absence_reason: Some("SICK"),
            ..items()
        };
        assert_eq!(classify(None, &it), (OutsideLabourForce, 7));
    }

    #[test]
    fn rule_4_absent_for_another_reason_and_paid_is_employed() {
        let it = LfItems {
            absent: Y,
            absence_reason: Some("OTHER"),
            absence_paid: Y,
            absence_return_3m: N,
            ..items()
        };
        assert_eq!(classify(None, &it), (Employed, 4));
    }

    #[test]
    fn rule_4_absent_for_another_reason_and_returning_within_3_months_is_employed() {
        let it = LfItems {
            absent: Y,
            absence_reason: Some("OTHER"),
            absence_paid: N,
            absence_return_3m: Y,
            ..items()
        };
        assert_eq!(classify(None, &it), (Employed, 4));
    }

    #[test]
    fn rule_4_applies_when_the_absence_reason_is_not_stated() {
        let it = LfItems {
            absent: Y,
            absence_paid: Y,
            ..items()
        };
        assert_eq!(classify(None, &it), (Employed, 4));
        let empty = LfItems {
            absent: Y,
            absence_reason: Some(""),
            absence_return_3m: Y,
            ..items()
        };
        assert_eq!(classify(None, &empty), (Employed, 4));
    }

    #[test]
    fn absent_for_other_reason_unpaid_not_returning_falls_through_to_the_search_rules() {
        // icls-concepts.md §2.2 row 5: continue to the unemployment rules.
        let absent = LfItems {
            worked: N,
            absent: Y,
            absence_reason: Some("OTHER"),
            absence_paid: N,
            absence_return_3m: N,
            ..items()
        };
        let searching = LfItems {
            searched: Y,
            available: Y,
            ..absent
        };
        assert_eq!(classify(None, &searching), (Unemployed, 5));
        let future = LfItems {
            future_start: Y,
            available: Y,
            ..absent
        };
        assert_eq!(classify(None, &future), (Unemployed, 6));
        assert_eq!(classify(None, &absent), (OutsideLabourForce, 7));
        // Return not stated is not a return within 3 months.
        let unknown_return = LfItems {
            absence_return_3m: None,
            ..absent
        };
        assert_eq!(classify(None, &unknown_return), (OutsideLabourForce, 7));
    }

    #[test]
    fn rule_5_searched_and_available_is_unemployed() {
        let it = LfItems {
            worked: N,
            absent: N,
            searched: Y,
            available: Y,
            future_start: N,
            ..items()
        };
        assert_eq!(classify(None, &it), (Unemployed, 5));
    }

    #[test]
    fn rule_5_searched_but_not_available_is_olf() {
        // Unavailable jobseeker, potential labour force (worked example person 6).
        let it = LfItems {
            worked: N,
            absent: N,
            searched: Y,
            available: N,
            future_start: N,
            ..items()
        };
        assert_eq!(classify(None, &it), (OutsideLabourForce, 7));
        let unknown = LfItems {
            available: None,
            ..it
        };
        assert_eq!(classify(None, &unknown), (OutsideLabourForce, 7));
    }

    #[test]
    fn available_but_not_searching_is_olf() {
        // Available potential jobseeker (worked example person 4).
        let it = LfItems {
            worked: N,
            absent: N,
            searched: N,
            available: Y,
            future_start: N,
            ..items()
        };
        assert_eq!(classify(None, &it), (OutsideLabourForce, 7));
    }

    #[test]
    fn rule_6_available_future_starter_is_unemployed() {
        // Worked example person 8.
        let it = LfItems {
            worked: N,
            absent: N,
            searched: N,
            available: Y,
            future_start: Y,
            ..items()
        };
        assert_eq!(classify(None, &it), (Unemployed, 6));
    }

    #[test]
    fn rule_6_future_starter_not_available_is_olf() {
        let it = LfItems {
            searched: N,
            available: N,
            future_start: Y,
            ..items()
        };
        assert_eq!(classify(None, &it), (OutsideLabourForce, 7));
    }

    #[test]
    fn rule_5_wins_over_rule_6() {
        let it = LfItems {
            searched: Y,
            available: Y,
            future_start: Y,
            ..items()
        };
        assert_eq!(classify(None, &it), (Unemployed, 5));
    }

    #[test]
    fn rule_7_everything_no_is_olf() {
        // Worked example person 7.
        let it = LfItems {
            worked: N,
            absent: N,
            absence_reason: None,
            absence_paid: N,
            absence_return_3m: N,
            searched: N,
            available: N,
            future_start: N,
        };
        assert_eq!(classify(None, &it), (OutsideLabourForce, 7));
        assert!(!it.none_answered());
    }

    #[test]
    fn rule_7_no_item_answered_is_olf_and_the_residual() {
        assert_eq!(classify(None, &items()), (OutsideLabourForce, 7));
        assert!(items().none_answered());
        assert!(LfItems {
            absence_reason: Some(""),
            ..items()
        }
        .none_answered());
    }

    #[test]
    fn any_single_answered_item_is_not_the_residual() {
        let answered = [
            LfItems {
                worked: N,
                ..items()
            },
            LfItems {
                absent: N,
                ..items()
            },
            LfItems {
                absence_reason: Some("OTHER"),
                ..items()
            },
            LfItems {
                absence_paid: N,
                ..items()
            },
            LfItems {
                absence_return_3m: N,
                ..items()
            },
            LfItems {
                searched: N,
                ..items()
            },
            LfItems {
                available: N,
                ..items()
            },
            LfItems {
                future_start: N,
                ..items()
            },
        ];
        for it in answered {
            assert!(!it.none_answered(), "{it:?}");
            assert_eq!(classify(None, &it), (OutsideLabourForce, 7));
        }
    }
}
