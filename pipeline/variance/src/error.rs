//! The one error type of the crate.
//!
//! Every variant says who has to act: most are *input* errors (the caller
//! passed PSU totals or replicate estimates that do not fit together), one is
//! a *design* error the user fixes by choosing a lonely-PSU policy, and the
//! replicate-design variants mirror the `stop()` calls of R's `svrepdesign`.

use thiserror::Error;

/// Errors returned by the variance engines and estimators.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum VarianceError {
    /// A stratum has a single PSU and the policy is [`LonelyPsu::Fail`].
    ///
    /// The message is R's (`onestrat`: "Stratum (s) has only one PSU at
    /// stage 1"), followed by how to fix it.
    ///
    /// [`LonelyPsu::Fail`]: crate::LonelyPsu::Fail
    #[error(
        "Stratum ({stratum}) has only one PSU at stage 1: choose a lonely-PSU \
         policy (remove, adjust, average, certainty) or collapse the stratum \
         with a neighbour"
    )]
    LonelyPsu {
        /// The stratum identifier as given by the caller.
        stratum: String,
    },
    /// Every stratum is a lonely-PSU stratum under [`LonelyPsu::Average`], so
    /// there is no variance to average (R returns `NaN` here).
    ///
    /// [`LonelyPsu::Average`]: crate::LonelyPsu::Average
    #[error(
        "every stratum has a single PSU: lonely.psu = average has no stratum \
         to average over"
    )]
    NothingToAverage,
    /// No strata were given.
    #[error("no strata given: the design needs at least one stratum with one PSU")]
    NoStrata,
    /// A stratum was given with an empty PSU list.
    #[error("stratum ({stratum}) has no PSU; pass every PSU of the full sample")]
    EmptyStratum {
        /// The stratum identifier.
        stratum: String,
    },
    /// The same stratum identifier appears twice.
    #[error("stratum ({stratum}) is given twice; pass each stratum once with all its PSUs")]
    DuplicateStratum {
        /// The stratum identifier.
        stratum: String,
    },
    /// A PSU carries a different number of variables from the first PSU.
    #[error(
        "stratum ({stratum}), PSU #{psu}: {found} variables, expected {expected} \
         (every PSU must carry the same variables)"
    )]
    RaggedTotals {
        /// The stratum identifier.
        stratum: String,
        /// Zero-based position of the PSU in the stratum's list.
        psu: usize,
        /// Number of variables of the first PSU.
        expected: usize,
        /// Number of variables of this PSU.
        found: usize,
    },
    /// A variable index (numerator or denominator column) is out of range.
    #[error("variable index {index} out of range: the PSU totals carry {n_vars} variables")]
    VariableOutOfRange {
        /// The offending index.
        index: usize,
        /// Number of variables available.
        n_vars: usize,
    },
    /// The denominator total of a ratio is zero (the ratio is undefined).
    #[error("ratio undefined: the denominator total is zero")]
    ZeroDenominator,
    /// Replicate vectors do not have the expected length.
    #[error("{what}: {found} values, expected {expected} (one per replicate)")]
    ReplicateCount {
        /// Which vector is wrong.
        what: &'static str,
        /// Expected length.
        expected: usize,
        /// Actual length.
        found: usize,
    },
    /// Replicate variance needs at least one replicate (two for bootstrap and JK1 scales).
    #[error("{method} needs at least {needed} replicates, got {found}")]
    TooFewReplicates {
        /// The replicate method.
        method: &'static str,
        /// Minimum number of replicates.
        needed: usize,
        /// Number given.
        found: usize,
    },
    /// Every replicate estimate was `NaN` (R: "All replicates contained NAs").
    #[error("All replicates contained NAs")]
    AllReplicatesNa,
    /// `type = "Fay"` without `rho` (R: "With type='Fay' you must supply the correct rho").
    #[error("With type='Fay' you must supply the correct rho")]
    MissingRho,
    /// Fay's `rho` outside `[0, 1)`.
    #[error("Fay rho must be in [0, 1), got {rho}")]
    InvalidRho {
        /// The rho given.
        rho: f64,
    },
    /// `type = "JKn"` without `rscales` (R: "Must provide rscales for combined JKn weights").
    #[error(
        "Must provide rscales for combined JKn weights: (n_h - 1)/n_h for each \
         replicate, n_h the number of PSUs in the replicate's stratum"
    )]
    MissingRscales,
    /// The method fixes its own scale (BRR, Fay, successive-difference), so an
    /// explicit one would be ignored by R; refused here instead.
    #[error("type='{method}' fixes its own scale; an explicit scale is not allowed")]
    ScaleNotAllowed {
        /// The replicate method.
        method: &'static str,
    },
    /// A confidence level outside `(0, 1)`.
    #[error("confidence level must be in (0, 1), got {level}")]
    InvalidLevel {
        /// The level given.
        level: f64,
    },
}
