//! Sampling variance for migstat: standard errors, CVs and confidence
//! intervals of weighted totals and rates from labour force survey
//! microdata.
//!
//! This crate serves the tabulation stage (`03-tabulate`). It reads no file
//! and writes none: it takes **weighted PSU totals** (Taylor linearisation)
//! or **replicate estimates** (replicate weights) that the tabulation has
//! aggregated, and returns [`Estimate`]s — an estimate and its variance —
//! from which [`Summary`] gives SE, CV and the 95 % interval of an output
//! cell (`icls-concepts.md` §4.4).
//!
//! # Design: estimators apart from one variance engine
//!
//! As in R's `survey` package, which it ports and is tested against:
//!
//! - [`taylor`], the engine: variance of sums of linearised variables under
//!   a stratified one-stage design, PSUs with replacement, with a
//!   [`LonelyPsu`] policy. R: `svyrecvar`, `onestage`, `onestrat`.
//! - [`estimators`]: totals and ratios `R = Y/X`, the ratio linearised as
//!   `z = (y − R x)/X̂`. R: `svytotal`, `svyratio` for `survey.design2`.
//! - [`replicate`]: the replicate-weight engine for JK1, JKn, BRR, Fay,
//!   bootstrap and successive-difference weights. R: `svrVar`,
//!   `svrepdesign`, `svytotal`/`svyratio` for `svyrep.design`.
//! - [`interval`]: SE, CV, normal confidence interval and [`qnorm`].
//!   R: `SE`, `cv`, `confint` (`tconfint`), `qnorm`.
//!
//! Policies are values, not global options: the [`LonelyPsu`] policy and the
//! [`ReplicateDesign`] are serialisable so that the manifest records them.
//!
//! # Domains
//!
//! Estimate a domain (foreign-born women…) by zeroing the weights of persons
//! outside it — equivalently multiplying `y` and `x` by the domain indicator —
//! over the **full sample**, and pass every PSU of every stratum, including
//! PSUs with zero totals. Never filter rows before computing the variance.
//!
//! # Example
//!
//! An unemployment rate from the PSU totals of unemployed (`y`) and labour
//! force (`x`), two strata of two PSUs:
//!
//! ```
//! use migstat_variance::{ratio_variance, LonelyPsu, RatioColumns, StratumTotals};
//!
//! let strata = [
//!     StratumTotals::new("north", vec![vec![10.0, 100.0], vec![14.0, 120.0]]),
//!     StratumTotals::new("south", vec![vec![8.0, 90.0], vec![20.0, 110.0]]),
//! ];
//! let rate = ratio_variance(&strata, &[RatioColumns::new(0, 1)], LonelyPsu::Fail)?;
//! let cell = rate.estimates[0].summary(0.95)?;
//! assert!((cell.estimate - 52.0 / 420.0).abs() < 1e-15);
//! assert!(cell.ci.lower < cell.estimate && cell.estimate < cell.ci.upper);
//! assert_eq!(rate.variance.degrees_of_freedom(), 2);
//! assert_eq!(rate.variance.lonely_psu().to_string(), "fail");
//! # Ok::<(), migstat_variance::VarianceError>(())
//! ```
//!
//! # Tests against R
//!
//! `tests/against_r.rs` runs the committed script
//! `tests/r/variance_oracle.R` (repository root) with R's `survey` package on
//! a synthetic design and compares every estimate and SE to a relative
//! 1e-9. It fails, with an install hint, when `Rscript` or `survey` is
//! missing (`make test` installs `r-cran-survey`).

#![deny(missing_docs)]

mod error;
pub mod estimators;
pub mod interval;
pub mod replicate;
pub mod taylor;

pub use error::VarianceError;
pub use estimators::{ratio_variance, total_variance, RatioColumns, TaylorEstimates};
pub use interval::{
    coefficient_of_variation, normal_interval, qnorm, standard_error, ConfidenceInterval, Estimate,
    Summary,
};
pub use replicate::{
    replicate_ratio, replicate_total, replicate_variance, ReplicateDesign, ReplicateEstimate,
    ReplicateMethod,
};
pub use taylor::{one_stage_variance, LonelyPsu, StratumTotals, TaylorVariance};
