//! The one-stage, with-replacement Taylor (linearisation) variance engine.
//!
//! This is a port of R `survey`'s `svyrecvar` → `multistage` → `onestage` →
//! `onestrat` (file `R/multistage.R`; read from survey 4.1.1, Debian's
//! `r-cran-survey`, with `print(survey:::onestrat)` etc.), restricted to what
//! a labour force survey without finite population correction needs: **one
//! stage, stratified, PSUs treated as drawn with replacement** ("ultimate
//! cluster" approximation), no post-stratification or calibration residuals.
//!
//! The engine knows nothing about totals or ratios. It receives, for each
//! stratum *h* and each PSU *i*, the PSU total `t_hi` of one or several
//! linearised variables (estimating functions) and returns the
//! variance-covariance matrix of their sums:
//!
//! ```text
//! V = Σ_h  n_h/(n_h − 1) · Σ_i (t_hi − t̄_h)(t_hi − t̄_h)ᵀ
//! ```
//!
//! where `n_h` is the number of PSUs of stratum *h* **in the whole sample**.
//! Estimators (see [`crate::estimators`]) turn a statistic into such PSU
//! totals; domains are handled by the caller zeroing weights outside the
//! domain, never by dropping PSUs (a PSU with a zero total still counts in
//! `n_h` and in `t̄_h`).
//!
//! Strata with a single PSU (`n_h = 1`) make the formula 0/0; what happens
//! then is the [`LonelyPsu`] policy, R's `options(survey.lonely.psu)`, here an
//! explicit argument recorded in the result so that the caller can write it
//! into the manifest.

use std::collections::HashSet;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::VarianceError;

/// What to do with a stratum that has a single PSU in the sample.
///
/// The same five choices as R `survey`'s `options(survey.lonely.psu = …)`,
/// with the semantics of its one-stage code (`onestrat` and `onestage`,
/// `R/multistage.R`). The documentation follows `man/svyCprod.Rd`.
///
/// R's option `survey.adjust.domain.lonely` (default `FALSE`) has no
/// counterpart: this engine always receives every PSU of the full sample, so
/// a stratum is lonely only when it has one PSU in the *sample*, never
/// because a domain happens to touch one PSU of it. Such a domain stratum
/// gets the ordinary formula, which is "well-defined and positive, but not
/// typically correct" (`svyCprod.Rd`), exactly as in R with the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LonelyPsu {
    /// Refuse: return [`VarianceError::LonelyPsu`] naming the stratum
    /// (R: `stop("Stratum (", stratum, ") has only one PSU at stage ", stage)`).
    /// The default, as in R (`survey.lonely.psu = "fail"`).
    #[default]
    Fail,
    /// The stratum contributes zero variance. In R's one-stage code the single
    /// PSU total is centred on its own mean, which gives exactly 0. Identical
    /// in result to [`LonelyPsu::Certainty`]; R warns with `remove` and not
    /// with `certainty`.
    Remove,
    /// Centre the stratum's PSU total at the grand mean instead of the
    /// stratum mean, with scale 1: R's code skips the centring, so the
    /// contribution is `t_h1 · t_h1ᵀ` (a deviation from **zero**). For
    /// estimating functions that sum to zero over the sample (means, ratios)
    /// zero *is* the grand mean; for a total it is the squared stratum total,
    /// which is very conservative. `svyCprod.Rd`: "Using "adjust" is
    /// conservative, and it would often be better to combine strata in some
    /// intelligent way."
    Adjust,
    /// Give each lonely stratum the average variance contribution of the
    /// other strata: R marks the lonely stratum `NA`, sums the others and
    /// multiplies the sum by `n_strata / n_ok_strata` (`onestage`).
    /// `svyCprod.Rd`: "The properties of "average" have not been investigated
    /// thoroughly, but it may be useful when the lonely PSUs are due to a few
    /// strata having PSUs missing completely at random." If every stratum is
    /// lonely, R returns `NaN`; this engine returns
    /// [`VarianceError::NothingToAverage`].
    Average,
    /// The single PSU was sampled with certainty (a self-representing PSU):
    /// no variance contribution at this stage. Same one-stage result as
    /// [`LonelyPsu::Remove`]; with a single stage the within-PSU variance
    /// that R would add for a multistage design is not computed.
    Certainty,
}

impl LonelyPsu {
    /// All five policies, in R's documentation order.
    pub const ALL: [LonelyPsu; 5] = [
        LonelyPsu::Fail,
        LonelyPsu::Remove,
        LonelyPsu::Adjust,
        LonelyPsu::Average,
        LonelyPsu::Certainty,
    ];

    /// The value of R's `options(survey.lonely.psu)` with the same meaning
    /// (`"fail"`, `"remove"`, `"adjust"`, `"average"`, `"certainty"`).
    pub fn as_r_option(self) -> &'static str {
        match self {
            LonelyPsu::Fail => "fail",
            LonelyPsu::Remove => "remove",
            LonelyPsu::Adjust => "adjust",
            LonelyPsu::Average => "average",
            LonelyPsu::Certainty => "certainty",
        }
    }
}

impl fmt::Display for LonelyPsu {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_r_option())
    }
}

impl FromStr for LonelyPsu {
    type Err = String;

    /// Parses R's option values (`"fail"`, `"remove"`, …), case-insensitively.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        LonelyPsu::ALL
            .into_iter()
            .find(|p| p.as_r_option().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                format!(
                    "unknown lonely-PSU policy {s:?}: expected one of fail, \
                     remove, adjust, average, certainty"
                )
            })
    }
}

/// The PSU totals of one stratum: the engine's input.
///
/// `psu_totals[i][j]` is the weighted total of linearised variable `j` over
/// the persons of PSU `i` (`Σ_k w_hik · z_hik`). List **every** PSU of the
/// stratum in the full sample, including PSUs whose totals are zero for the
/// statistic at hand (a domain that does not reach them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StratumTotals {
    /// Stratum identifier (used in error messages and lonely-PSU reports).
    pub stratum: String,
    /// One entry per PSU, each with one total per variable.
    pub psu_totals: Vec<Vec<f64>>,
}

impl StratumTotals {
    /// A stratum from its identifier and PSU totals.
    pub fn new(stratum: impl Into<String>, psu_totals: Vec<Vec<f64>>) -> Self {
        StratumTotals {
            stratum: stratum.into(),
            psu_totals,
        }
    }
}

/// The engine's output: the variance-covariance matrix of the sums of the
/// linearised variables, with the facts a manifest needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaylorVariance {
    n_vars: usize,
    /// Row-major `n_vars × n_vars`.
    vcov: Vec<f64>,
    lonely_psu: LonelyPsu,
    lonely_strata: Vec<String>,
    n_strata: usize,
    n_psu: usize,
}

impl TaylorVariance {
    /// Number of linearised variables.
    pub fn n_vars(&self) -> usize {
        self.n_vars
    }

    /// Variance of the sum of variable `j`. Panics if `j >= n_vars()`.
    pub fn variance(&self, j: usize) -> f64 {
        self.covariance(j, j)
    }

    /// Covariance of the sums of variables `i` and `j`. Panics if out of range.
    pub fn covariance(&self, i: usize, j: usize) -> f64 {
        assert!(
            i < self.n_vars && j < self.n_vars,
            "variable index out of range"
        );
        self.vcov[i * self.n_vars + j]
    }

    /// The diagonal: one variance per variable.
    pub fn variances(&self) -> Vec<f64> {
        (0..self.n_vars).map(|j| self.variance(j)).collect()
    }

    /// The full matrix, row-major (`n_vars × n_vars`).
    pub fn vcov(&self) -> &[f64] {
        &self.vcov
    }

    /// The lonely-PSU policy that was applied (record it in the manifest).
    pub fn lonely_psu(&self) -> LonelyPsu {
        self.lonely_psu
    }

    /// Strata that had a single PSU, in input order (empty for most designs).
    pub fn lonely_strata(&self) -> &[String] {
        &self.lonely_strata
    }

    /// Number of strata.
    pub fn n_strata(&self) -> usize {
        self.n_strata
    }

    /// Number of PSUs over all strata.
    pub fn n_psu(&self) -> usize {
        self.n_psu
    }

    /// Design degrees of freedom, #PSU − #strata (R's `degf()` of the full
    /// design). R's `degf()` of a *domain subset* counts only PSUs and strata
    /// with a non-zero weight; compute that on the caller's side if needed.
    pub fn degrees_of_freedom(&self) -> usize {
        self.n_psu - self.n_strata
    }
}

/// Variance-covariance of sums of linearised variables under a stratified
/// one-stage design, PSUs drawn with replacement, no finite population
/// correction.
///
/// For each stratum with `n_h ≥ 2` PSUs the PSU totals are centred on the
/// stratum mean and the cross-products are scaled by `n_h/(n_h − 1)`; the
/// stratum matrices are summed. A stratum with `n_h = 1` is handled by
/// `lonely_psu` (see [`LonelyPsu`]). Strata are identified by
/// [`StratumTotals::stratum`]; each must appear once.
///
/// Port of `survey::svyrecvar` (survey 4.1.1, `R/multistage.R`, via
/// `multistage`, `onestage` and `onestrat`) for a design
/// `svydesign(ids = ~psu, strata = ~stratum, weights = ~w, nest = TRUE)`
/// without `fpc`, post-stratification or calibration. In R terms: `f = 1`,
/// `scale = nPSU/(nPSU − 1)`, `x <- rowsum(x, cluster)`,
/// `x <- sweep(x, 2, colMeans(x))`, `crossprod(x * sqrt(scale))`, summed over
/// strata and multiplied by `nstrat/nokstrat`.
///
/// # Errors
///
/// [`VarianceError::LonelyPsu`] under [`LonelyPsu::Fail`];
/// [`VarianceError::NothingToAverage`] under [`LonelyPsu::Average`] when all
/// strata are lonely; input errors for no strata, an empty or duplicated
/// stratum, or PSUs with different numbers of variables.
///
/// # References
///
/// - Binder, D. A. (1983). On the variances of asymptotically normal
///   estimators from complex surveys. *International Statistical Review*,
///   51, 279–292.
/// - Wolter, K. M. (2007). *Introduction to Variance Estimation*, 2nd ed.
///   Springer. Chapter 6, Taylor series methods.
/// - Lumley, T. (2010). *Complex Surveys: A Guide to Analysis Using R*.
///   Wiley. R package `survey`, functions `svyrecvar`, `onestage`,
///   `onestrat` in `R/multistage.R`; lonely-PSU policies in
///   `man/svyCprod.Rd`.
pub fn one_stage_variance(
    strata: &[StratumTotals],
    lonely_psu: LonelyPsu,
) -> Result<TaylorVariance, VarianceError> {
    let n_vars = validate(strata)?;
    let mut vcov = vec![0.0; n_vars * n_vars];
    let mut lonely_strata = Vec::new();
    let mut n_psu = 0;
    let mut n_ok = 0usize;

    for s in strata {
        let n = s.psu_totals.len();
        n_psu += n;
        if n == 1 {
            lonely_strata.push(s.stratum.clone());
            let t = &s.psu_totals[0];
            match lonely_psu {
                LonelyPsu::Fail => {
                    return Err(VarianceError::LonelyPsu {
                        stratum: s.stratum.clone(),
                    })
                }
                // R: the single row centred on itself is exactly zero.
                LonelyPsu::Remove | LonelyPsu::Certainty => n_ok += 1,
                // R: no centring, scale 1, crossprod of the raw total.
                LonelyPsu::Adjust => {
                    add_outer(&mut vcov, t, t, 1.0);
                    n_ok += 1;
                }
                // R: NA contribution, dropped by sum(na.rm = TRUE), rescaled below.
                LonelyPsu::Average => {}
            }
            continue;
        }
        n_ok += 1;
        let nf = n as f64;
        let mut mean = vec![0.0; n_vars];
        for t in &s.psu_totals {
            for (m, v) in mean.iter_mut().zip(t) {
                *m += v;
            }
        }
        for m in &mut mean {
            *m /= nf;
        }
        let scale = nf / (nf - 1.0);
        let mut stratum_vcov = vec![0.0; n_vars * n_vars];
        let mut d = vec![0.0; n_vars];
        for t in &s.psu_totals {
            for ((dj, tj), mj) in d.iter_mut().zip(t).zip(&mean) {
                *dj = tj - mj;
            }
            add_outer(&mut stratum_vcov, &d, &d, 1.0);
        }
        for (v, sv) in vcov.iter_mut().zip(&stratum_vcov) {
            *v += scale * sv;
        }
    }

    if n_ok == 0 {
        return Err(VarianceError::NothingToAverage);
    }
    if n_ok < strata.len() {
        let factor = strata.len() as f64 / n_ok as f64;
        for v in &mut vcov {
            *v *= factor;
        }
    }

    Ok(TaylorVariance {
        n_vars,
        vcov,
        lonely_psu,
        lonely_strata,
        n_strata: strata.len(),
        n_psu,
    })
}

/// `m += c · a bᵀ` for a row-major square `m`.
fn add_outer(m: &mut [f64], a: &[f64], b: &[f64], c: f64) {
    let p = b.len();
    for (i, ai) in a.iter().enumerate() {
        for (j, bj) in b.iter().enumerate() {
            m[i * p + j] += c * ai * bj;
        }
    }
}

/// Checks the input and returns the number of variables.
pub(crate) fn validate(strata: &[StratumTotals]) -> Result<usize, VarianceError> {
    let first = strata.first().ok_or(VarianceError::NoStrata)?;
    let n_vars = first.psu_totals.first().map_or(0, Vec::len);
    let mut seen = HashSet::with_capacity(strata.len());
    for s in strata {
        if s.psu_totals.is_empty() {
            return Err(VarianceError::EmptyStratum {
                stratum: s.stratum.clone(),
            });
        }
        if !seen.insert(s.stratum.as_str()) {
            return Err(VarianceError::DuplicateStratum {
                stratum: s.stratum.clone(),
            });
        }
        for (psu, t) in s.psu_totals.iter().enumerate() {
            if t.len() != n_vars {
                return Err(VarianceError::RaggedTotals {
                    stratum: s.stratum.clone(),
                    psu,
                    expected: n_vars,
                    found: t.len(),
                });
            }
        }
    }
    Ok(n_vars)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12 * (1.0 + a.abs().max(b.abs()))
    }

    fn one_var(stratum: &str, totals: &[f64]) -> StratumTotals {
        StratumTotals::new(stratum, totals.iter().map(|&t| vec![t]).collect())
    }

    #[test]
    fn two_strata_by_hand() {
        // Stratum A: 1, 3 → mean 2, Σd² = 2, ×2/1 = 4.
        // Stratum B: 2, 4, 9 → mean 5, Σd² = 9+1+16 = 26, ×3/2 = 39.
        let s = [one_var("A", &[1.0, 3.0]), one_var("B", &[2.0, 4.0, 9.0])];
        let v = one_stage_variance(&s, LonelyPsu::Fail).unwrap();
        assert!(close(v.variance(0), 43.0));
        assert_eq!(v.n_psu(), 5);
        assert_eq!(v.n_strata(), 2);
        assert_eq!(v.degrees_of_freedom(), 3);
        assert!(v.lonely_strata().is_empty());
    }

    #[test]
    fn covariance_by_hand() {
        // PSUs (1, 2), (3, 0): d = (−1, 1), (1, −1); Σ d dᵀ = [[2, −2], [−2, 2]]; ×2.
        let s = [StratumTotals::new(
            "A",
            vec![vec![1.0, 2.0], vec![3.0, 0.0]],
        )];
        let v = one_stage_variance(&s, LonelyPsu::Fail).unwrap();
        assert_eq!(v.vcov(), &[4.0, -4.0, -4.0, 4.0]);
        assert_eq!(v.variances(), vec![4.0, 4.0]);
    }

    #[test]
    fn zero_total_psus_count() {
        // A domain reaching one PSU of three: totals 6, 0, 0 → mean 2,
        // Σd² = 16 + 4 + 4 = 24, ×3/2 = 36 (not 0/0 as after subsetting).
        let s = [one_var("A", &[6.0, 0.0, 0.0])];
        let v = one_stage_variance(&s, LonelyPsu::Fail).unwrap();
        assert!(close(v.variance(0), 36.0));
    }

    #[test]
    fn lonely_policies_by_hand() {
        let s = [
            one_var("A", &[1.0, 3.0]),      // contributes 4
            one_var("L", &[5.0]),           // lonely
            one_var("B", &[2.0, 4.0, 9.0]), // contributes 39
        ];
        let err = one_stage_variance(&s, LonelyPsu::Fail).unwrap_err();
        assert_eq!(
            err,
            VarianceError::LonelyPsu {
                stratum: "L".into()
            }
        );
        assert!(err
            .to_string()
            .starts_with("Stratum (L) has only one PSU at stage 1"));
        let remove = one_stage_variance(&s, LonelyPsu::Remove).unwrap();
        assert!(close(remove.variance(0), 43.0));
        assert_eq!(remove.lonely_strata(), &["L".to_string()]);
        let certainty = one_stage_variance(&s, LonelyPsu::Certainty).unwrap();
        assert!(close(certainty.variance(0), 43.0));
        let adjust = one_stage_variance(&s, LonelyPsu::Adjust).unwrap();
        assert!(close(adjust.variance(0), 43.0 + 25.0));
        let average = one_stage_variance(&s, LonelyPsu::Average).unwrap();
        assert!(close(average.variance(0), 43.0 * 3.0 / 2.0));
        assert_eq!(average.lonely_psu(), LonelyPsu::Average);
    }

    #[test]
    fn all_lonely_average_is_an_error() {
        let s = [one_var("A", &[1.0]), one_var("B", &[2.0])];
        assert_eq!(
            one_stage_variance(&s, LonelyPsu::Average).unwrap_err(),
            VarianceError::NothingToAverage
        );
        let v = one_stage_variance(&s, LonelyPsu::Adjust).unwrap();
        assert!(close(v.variance(0), 5.0));
    }

    #[test]
    fn input_errors() {
        assert_eq!(
            one_stage_variance(&[], LonelyPsu::Fail).unwrap_err(),
            VarianceError::NoStrata
        );
        let empty = [StratumTotals::new("E", vec![])];
        assert!(matches!(
            one_stage_variance(&empty, LonelyPsu::Fail),
            Err(VarianceError::EmptyStratum { .. })
        ));
        let dup = [one_var("A", &[1.0, 2.0]), one_var("A", &[1.0, 2.0])];
        assert!(matches!(
            one_stage_variance(&dup, LonelyPsu::Fail),
            Err(VarianceError::DuplicateStratum { .. })
        ));
        let ragged = [StratumTotals::new("A", vec![vec![1.0], vec![1.0, 2.0]])];
        assert_eq!(
            one_stage_variance(&ragged, LonelyPsu::Fail).unwrap_err(),
            VarianceError::RaggedTotals {
                stratum: "A".into(),
                psu: 1,
                expected: 1,
                found: 2
            }
        );
    }

    #[test]
    fn policy_names_round_trip() {
        for p in LonelyPsu::ALL {
            assert_eq!(p.as_r_option().parse::<LonelyPsu>().unwrap(), p);
            assert_eq!(p.to_string(), p.as_r_option());
        }
        assert_eq!(LonelyPsu::default(), LonelyPsu::Fail);
        assert!("collapse".parse::<LonelyPsu>().is_err());
    }
}
