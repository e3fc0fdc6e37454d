//! The code structure of migstat's ILOSTAT tables as [`Dimension`]s.
//!
//! Every additive relation a reader can derive from the code lists is
//! listed, including the cross-family ones: the three age totals are the
//! same number (all mean 15 and over), and a band found in several families
//! (`Y15-24`, `Y55-64`, `YGE65`) carries the same number in each. Relations
//! that follow from others are listed too: they cost the LP nothing and let
//! step 2 of the algorithm catch more before any LP runs.

use crate::Dimension;

/// The sixteen `AGE` codes of the contract, family by family.
pub const AGE_CODES: [&str; 16] = [
    "AGE_YTHADULT_YGE15",
    "AGE_YTHADULT_Y15-64",
    "AGE_YTHADULT_Y15-24",
    "AGE_YTHADULT_YGE25",
    "AGE_AGGREGATE_TOTAL",
    "AGE_AGGREGATE_Y15-24",
    "AGE_AGGREGATE_Y25-54",
    "AGE_AGGREGATE_Y55-64",
    "AGE_AGGREGATE_YGE65",
    "AGE_10YRBANDS_TOTAL",
    "AGE_10YRBANDS_Y15-24",
    "AGE_10YRBANDS_Y25-34",
    "AGE_10YRBANDS_Y35-44",
    "AGE_10YRBANDS_Y45-54",
    "AGE_10YRBANDS_Y55-64",
    "AGE_10YRBANDS_YGE65",
];

/// `SEX`: `SEX_T = SEX_M + SEX_F`, plus `SEX_O` when the table has it (the
/// contract publishes `SEX_O` only where an in-scope record has sex `O`).
pub fn sex_dimension(with_other: bool) -> Dimension {
    let parts: &[&str] = if with_other {
        &["SEX_M", "SEX_F", "SEX_O"]
    } else {
        &["SEX_M", "SEX_F"]
    };
    Dimension::new("SEX", &[("SEX_T", parts)])
}

/// `AGE`: the three families, their nesting and their equalities.
pub fn age_dimension() -> Dimension {
    Dimension::new(
        "AGE",
        &[
            // Youth/adult family and its nesting.
            (
                "AGE_YTHADULT_YGE15",
                &["AGE_YTHADULT_Y15-24", "AGE_YTHADULT_YGE25"],
            ),
            (
                "AGE_YTHADULT_YGE15",
                &["AGE_YTHADULT_Y15-64", "AGE_AGGREGATE_YGE65"],
            ),
            (
                "AGE_YTHADULT_Y15-64",
                &[
                    "AGE_AGGREGATE_Y15-24",
                    "AGE_AGGREGATE_Y25-54",
                    "AGE_AGGREGATE_Y55-64",
                ],
            ),
            (
                "AGE_YTHADULT_YGE25",
                &[
                    "AGE_AGGREGATE_Y25-54",
                    "AGE_AGGREGATE_Y55-64",
                    "AGE_AGGREGATE_YGE65",
                ],
            ),
            // Aggregate bands.
            (
                "AGE_AGGREGATE_TOTAL",
                &[
                    "AGE_AGGREGATE_Y15-24",
                    "AGE_AGGREGATE_Y25-54",
                    "AGE_AGGREGATE_Y55-64",
                    "AGE_AGGREGATE_YGE65",
                ],
            ),
            (
                "AGE_AGGREGATE_Y25-54",
                &[
                    "AGE_10YRBANDS_Y25-34",
                    "AGE_10YRBANDS_Y35-44",
                    "AGE_10YRBANDS_Y45-54",
                ],
            ),
            // Ten-year bands.
            (
                "AGE_10YRBANDS_TOTAL",
                &[
                    "AGE_10YRBANDS_Y15-24",
                    "AGE_10YRBANDS_Y25-34",
                    "AGE_10YRBANDS_Y35-44",
                    "AGE_10YRBANDS_Y45-54",
                    "AGE_10YRBANDS_Y55-64",
                    "AGE_10YRBANDS_YGE65",
                ],
            ),
            // Equalities: one number, published under several codes.
            ("AGE_AGGREGATE_TOTAL", &["AGE_YTHADULT_YGE15"]),
            ("AGE_10YRBANDS_TOTAL", &["AGE_YTHADULT_YGE15"]),
            ("AGE_AGGREGATE_Y15-24", &["AGE_YTHADULT_Y15-24"]),
            ("AGE_10YRBANDS_Y15-24", &["AGE_YTHADULT_Y15-24"]),
            ("AGE_10YRBANDS_Y55-64", &["AGE_AGGREGATE_Y55-64"]),
            ("AGE_10YRBANDS_YGE65", &["AGE_AGGREGATE_YGE65"]),
        ],
    )
}

/// `CBR` (country of birth): `CBR_BIR_TOTAL = NATIVE + FOREIGN (+ X)`.
pub fn birth_dimension(with_not_stated: bool) -> Dimension {
    let parts: &[&str] = if with_not_stated {
        &["CBR_BIR_NATIVE", "CBR_BIR_FOREIGN", "CBR_BIR_X"]
    } else {
        &["CBR_BIR_NATIVE", "CBR_BIR_FOREIGN"]
    };
    Dimension::new("CBR", &[("CBR_BIR_TOTAL", parts)])
}

/// `CCT` (citizenship): `CCT_CIT_TOTAL = CITIZEN + NONCIT (+ X)`.
pub fn citizenship_dimension(with_not_stated: bool) -> Dimension {
    let parts: &[&str] = if with_not_stated {
        &["CCT_CIT_CITIZEN", "CCT_CIT_NONCIT", "CCT_CIT_X"]
    } else {
        &["CCT_CIT_CITIZEN", "CCT_CIT_NONCIT"]
    };
    Dimension::new("CCT", &[("CCT_CIT_TOTAL", parts)])
}
