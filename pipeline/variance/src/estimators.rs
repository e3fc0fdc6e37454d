//! Estimators for the Taylor engine: totals and ratios from PSU totals.
//!
//! Each estimator returns its point estimates and hands its linearised PSU
//! totals to [`one_stage_variance`], as R `survey`'s `svytotal` and
//! `svyratio` methods for `survey.design2` hand theirs to `svyrecvar`.
//!
//! # Input: weighted PSU totals, every PSU of the sample
//!
//! The caller aggregates the microdata to weighted PSU totals,
//! `t_hi = Σ_k w_hik · y_hik`, one column per variable (for example one
//! numerator and one denominator column per table cell), and passes every
//! PSU of every stratum of the **full sample**.
//!
//! # Domains: zero the weights, keep the PSUs
//!
//! A domain (foreign-born women, a region…) is estimated by multiplying the
//! variable by the domain indicator, `y · 1{domain}`, which is the same as
//! giving weight 0 outside the domain. PSUs the domain does not reach then
//! carry a zero total and **must still be passed**: they count in `n_h` and
//! in the stratum mean. Dropping them (filtering rows before aggregating)
//! gives the right estimate but the wrong standard error — the lesson of R
//! `survey`'s `"[.survey.design2"`, which keeps `nPSU` of the full design and
//! pads the missing PSUs with zero rows (`onestrat`), and of
//! `vignettes/domain.Rnw`.

use serde::{Deserialize, Serialize};

use crate::error::VarianceError;
use crate::interval::Estimate;
use crate::taylor::{one_stage_variance, validate, LonelyPsu, StratumTotals, TaylorVariance};

/// Estimates with their Taylor variance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaylorEstimates {
    /// One estimate per requested statistic, with its variance.
    pub estimates: Vec<Estimate>,
    /// The engine's full output: the covariances between the statistics,
    /// the lonely-PSU policy and the lonely strata (for the manifest),
    /// degrees of freedom.
    pub variance: TaylorVariance,
}

/// Which PSU-total columns form a ratio `R = Y/X`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RatioColumns {
    /// Column of the numerator `y` in [`StratumTotals::psu_totals`].
    pub numerator: usize,
    /// Column of the denominator `x`.
    pub denominator: usize,
}

impl RatioColumns {
    /// Numerator and denominator column indices.
    pub fn new(numerator: usize, denominator: usize) -> Self {
        RatioColumns {
            numerator,
            denominator,
        }
    }
}

/// Totals `Ŷ_j = Σ_h Σ_i t_hij` of every column, with their Taylor variances.
///
/// A total is linear, so its PSU totals are its own linearisation: this is
/// R's `svytotal.survey.design2`, which passes `x/design$prob` (`y · w`) to
/// `svyrecvar`.
///
/// # Errors
///
/// As [`one_stage_variance`].
pub fn total_variance(
    strata: &[StratumTotals],
    lonely_psu: LonelyPsu,
) -> Result<TaylorEstimates, VarianceError> {
    let variance = one_stage_variance(strata, lonely_psu)?;
    let totals = column_totals(strata, variance.n_vars());
    let estimates = totals
        .iter()
        .enumerate()
        .map(|(j, &t)| Estimate::new(t, variance.variance(j)))
        .collect();
    Ok(TaylorEstimates {
        estimates,
        variance,
    })
}

/// Ratios `R = Ŷ/X̂` (rates such as LFPR, UR, EPR) with their Taylor
/// variances, one per entry of `ratios`.
///
/// The ratio is linearised per PSU as
/// `z_hi = (y_hi − R̂ · x_hi) / X̂`, which is the PSU total of R's per-person
/// `r = (y − R̂ x) / Σ w x` times `w` (`svyratio.survey.design2`), and the
/// `z` columns go through [`one_stage_variance`]. The engine's covariance
/// matrix is that of the ratios, in the order given (R's `covmat = TRUE`).
///
/// # Errors
///
/// [`VarianceError::VariableOutOfRange`] for a bad column,
/// [`VarianceError::ZeroDenominator`] when `X̂ = 0` (an empty domain), and
/// the errors of [`one_stage_variance`].
pub fn ratio_variance(
    strata: &[StratumTotals],
    ratios: &[RatioColumns],
    lonely_psu: LonelyPsu,
) -> Result<TaylorEstimates, VarianceError> {
    // The engine's input checks first (no strata, empty, duplicated or
    // ragged strata), then the columns, then the ratio arithmetic.
    let n_vars = validate(strata)?;
    for r in ratios {
        for index in [r.numerator, r.denominator] {
            if index >= n_vars {
                return Err(VarianceError::VariableOutOfRange { index, n_vars });
            }
        }
    }
    let totals = column_totals(strata, n_vars);
    let mut ratio_values = Vec::with_capacity(ratios.len());
    for r in ratios {
        let x = totals[r.denominator];
        if x == 0.0 {
            return Err(VarianceError::ZeroDenominator);
        }
        ratio_values.push((totals[r.numerator] / x, x));
    }
    let linearised: Vec<StratumTotals> = strata
        .iter()
        .map(|s| StratumTotals {
            stratum: s.stratum.clone(),
            psu_totals: s
                .psu_totals
                .iter()
                .map(|t| {
                    ratios
                        .iter()
                        .zip(&ratio_values)
                        .map(|(c, &(r, x))| (t[c.numerator] - r * t[c.denominator]) / x)
                        .collect()
                })
                .collect(),
        })
        .collect();
    let variance = one_stage_variance(&linearised, lonely_psu)?;
    let estimates = ratio_values
        .iter()
        .enumerate()
        .map(|(j, &(r, _))| Estimate::new(r, variance.variance(j)))
        .collect();
    Ok(TaylorEstimates {
        estimates,
        variance,
    })
}

/// Column sums over all PSUs of all strata.
fn column_totals(strata: &[StratumTotals], n_vars: usize) -> Vec<f64> {
    let mut totals = vec![0.0; n_vars];
    for t in strata.iter().flat_map(|s| &s.psu_totals) {
        for (acc, v) in totals.iter_mut().zip(t) {
            *acc += v;
        }
    }
    totals
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12 * (1.0 + a.abs().max(b.abs()))
    }

    /// Two strata, PSU totals of (y, x).
    fn design() -> Vec<StratumTotals> {
        vec![
            StratumTotals::new("A", vec![vec![1.0, 2.0], vec![3.0, 2.0]]),
            StratumTotals::new("B", vec![vec![2.0, 4.0], vec![2.0, 2.0]]),
        ]
    }

    #[test]
    fn totals_by_hand() {
        let t = total_variance(&design(), LonelyPsu::Fail).unwrap();
        // y: A (1, 3) → 2·2 = 4; B (2, 2) → 0. x: A 0; B (4, 2) → 2·2 = 4.
        assert_eq!(t.estimates[0], Estimate::new(8.0, 4.0));
        assert_eq!(t.estimates[1], Estimate::new(10.0, 4.0));
        // cov: A d_y = (−1, 1), d_x = 0 → 0; B d_y = 0 → 0.
        assert_eq!(t.variance.covariance(0, 1), 0.0);
    }

    #[test]
    fn ratio_by_hand() {
        // R = 8/10 = 0.8; z = (y − 0.8x)/10:
        // A: (1 − 1.6)/10 = −0.06, (3 − 1.6)/10 = 0.14 → d = ∓0.1 → 2·0.02 = 0.04
        // B: (2 − 3.2)/10 = −0.12, (2 − 1.6)/10 = 0.04 → d = ∓0.08 → 2·0.0128 = 0.0256
        let r = ratio_variance(&design(), &[RatioColumns::new(0, 1)], LonelyPsu::Fail).unwrap();
        assert!(close(r.estimates[0].estimate, 0.8));
        assert!(close(r.estimates[0].variance, 0.0656));
        // Var(R) = (V(Y) − 2R C(Y,X) + R² V(X)) / X² for the same design.
        let t = total_variance(&design(), LonelyPsu::Fail).unwrap();
        let (vy, vx, cxy) = (
            t.variance.variance(0),
            t.variance.variance(1),
            t.variance.covariance(0, 1),
        );
        assert!(close(
            r.estimates[0].variance,
            (vy - 2.0 * 0.8 * cxy + 0.64 * vx) / 100.0
        ));
    }

    #[test]
    fn several_ratios_and_covariance() {
        let r = ratio_variance(
            &design(),
            &[RatioColumns::new(0, 1), RatioColumns::new(1, 0)],
            LonelyPsu::Fail,
        )
        .unwrap();
        assert_eq!(r.estimates.len(), 2);
        assert!(close(r.estimates[1].estimate, 1.25));
        // Delta method: Var(1/R) ≈ Var(R)/R⁴, Cov(R, 1/R) = −Var(R)/R².
        let v = r.estimates[0].variance;
        assert!(close(r.estimates[1].variance, v / 0.8f64.powi(4)));
        assert!(close(r.variance.covariance(0, 1), -v / 0.64));
    }

    #[test]
    fn ratio_errors() {
        assert_eq!(
            ratio_variance(&design(), &[RatioColumns::new(0, 2)], LonelyPsu::Fail).unwrap_err(),
            VarianceError::VariableOutOfRange {
                index: 2,
                n_vars: 2
            }
        );
        let zero = vec![StratumTotals::new(
            "A",
            vec![vec![1.0, 0.0], vec![3.0, 0.0]],
        )];
        assert_eq!(
            ratio_variance(&zero, &[RatioColumns::new(0, 1)], LonelyPsu::Fail).unwrap_err(),
            VarianceError::ZeroDenominator
        );
        assert_eq!(
            ratio_variance(&[], &[RatioColumns::new(0, 1)], LonelyPsu::Fail).unwrap_err(),
            VarianceError::NoStrata
        );
    }

    #[test]
    fn domain_by_zero_weights_keeps_psus() {
        // A domain present only in the first PSU of each stratum.
        let full = vec![
            StratumTotals::new("A", vec![vec![4.0], vec![0.0], vec![0.0]]),
            StratumTotals::new("B", vec![vec![2.0], vec![0.0]]),
        ];
        let t = total_variance(&full, LonelyPsu::Fail).unwrap();
        // A: mean 4/3, Σd² = (8/3)² + 2(4/3)² = 96/9, ×3/2 = 16; B: d = ±1, ×2 = 4.
        assert!(close(t.estimates[0].variance, 20.0));
        // Subsetting (only the PSUs the domain reaches) would make both strata lonely.
        let subset = vec![
            StratumTotals::new("A", vec![vec![4.0]]),
            StratumTotals::new("B", vec![vec![2.0]]),
        ];
        assert!(total_variance(&subset, LonelyPsu::Fail).is_err());
    }
}
