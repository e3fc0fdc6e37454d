//! The replicate-weight variance engine.
//!
//! When the data provider ships replicate weights, the statistic is computed
//! once with the full-sample weight (`θ̂`) and once per replicate weight
//! (`θ̂_r`, r = 1…R), and
//!
//! ```text
//! v(θ̂) = scale · Σ_r rscales_r · (θ̂_r − θ̄)²
//! ```
//!
//! with `θ̄` the plain mean of the replicates (over those with
//! `rscales_r > 0`) or, with `mse = true`, the full-sample estimate `θ̂`.
//!
//! Port of R `survey`'s `svrVar` (`R/surveyrep.R`; read from survey 4.1.1,
//! Debian's `r-cran-survey`, with `print(survey:::svrVar)`), with the
//! `scale` and `rscales` that `svrepdesign.default` derives from `type`,
//! and the estimators `svytotal.svyrep.design` (replicate totals
//! `Σ_k w_rk · y_k` with `combined.weights = TRUE`) and
//! `svyratio.svyrep.design` (replicate ratios `Ŷ_r / X̂_r`, with
//! `coef =` the full-sample ratio).
//!
//! R's default is `mse = getOption("survey.replicates.mse")`, which is
//! `FALSE`: **centred on the mean of the replicates**, not on the full-sample
//! estimate. [`ReplicateDesign::new`] uses the same default; set
//! [`ReplicateDesign::with_mse`] when the provider's documentation says so
//! (US Census ACS and many agencies publish MSE-form formulas).
//!
//! Domains: as for the Taylor engine, compute each replicate statistic with
//! the domain indicator multiplied into the variable over the full sample.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::VarianceError;
use crate::interval::Estimate;

/// How the replicate weights were built: R `svrepdesign(type = …)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ReplicateMethod {
    /// Delete-one-PSU jackknife, unstratified (`"JK1"`): `scale = (R − 1)/R`.
    #[serde(rename = "JK1")]
    Jk1,
    /// Stratified delete-one jackknife (`"JKn"`): `scale = 1` and
    /// per-replicate `rscales` supplied by the caller.
    #[serde(rename = "JKn")]
    Jkn,
    /// Balanced repeated replication (`"BRR"`): `scale = 1/R`.
    #[serde(rename = "BRR")]
    Brr,
    /// Fay's modified BRR (`"Fay"`): `scale = 1/(R (1 − ρ)²)`.
    #[serde(rename = "Fay")]
    Fay,
    /// Bootstrap (`"bootstrap"`): `scale = 1/(R − 1)` (R's
    /// `bootstrap.average = 1`; pass another scale with
    /// [`ReplicateDesign::with_scale`] for mean-bootstrap weights).
    #[serde(rename = "bootstrap")]
    Bootstrap,
    /// Successive-difference replication (`"successive-difference"`):
    /// `scale = 4/R`. Also R's `"ACS"`.
    #[serde(rename = "successive-difference")]
    SuccessiveDifference,
}

impl ReplicateMethod {
    /// All methods.
    pub const ALL: [ReplicateMethod; 6] = [
        ReplicateMethod::Jk1,
        ReplicateMethod::Jkn,
        ReplicateMethod::Brr,
        ReplicateMethod::Fay,
        ReplicateMethod::Bootstrap,
        ReplicateMethod::SuccessiveDifference,
    ];

    /// R's `type` string (`"JK1"`, `"JKn"`, `"BRR"`, `"Fay"`, `"bootstrap"`,
    /// `"successive-difference"`).
    pub fn as_r_type(self) -> &'static str {
        match self {
            ReplicateMethod::Jk1 => "JK1",
            ReplicateMethod::Jkn => "JKn",
            ReplicateMethod::Brr => "BRR",
            ReplicateMethod::Fay => "Fay",
            ReplicateMethod::Bootstrap => "bootstrap",
            ReplicateMethod::SuccessiveDifference => "successive-difference",
        }
    }

    /// `(scale, rscales)` exactly as `svrepdesign.default` sets them for
    /// `combined.weights = TRUE` when the user gives neither `scale` nor
    /// `rscales`, for `n_replicates` replicate weights:
    ///
    /// | type | scale | rscales |
    /// |---|---|---|
    /// | JK1 | `(R − 1)/R` ("guessing n = number of replicates") | 1 |
    /// | JKn | — R stops: "Must provide rscales for combined JKn weights" | |
    /// | BRR | `1/R` | 1 |
    /// | Fay | `1/(R (1 − rho)²)` | 1 |
    /// | bootstrap | `bootstrap.average/(R − 1)`, `bootstrap.average = 1` | 1 |
    /// | successive-difference | `4/R` | 1 |
    ///
    /// For JKn use [`ReplicateDesign::jkn`]: `svrepdesign` needs the
    /// `rscales`, which `jknweights` (`as.svrepdesign(type = "JKn")`)
    /// computes as `(n_h − 1)/n_h` for each replicate, `n_h` being the number
    /// of PSUs of the stratum whose PSU that replicate deletes (times the
    /// stratum's fpc if one is given), with `scale = 1`. `rho` is used by Fay
    /// only and ignored otherwise (R warns that it is ignored).
    ///
    /// # Errors
    ///
    /// [`VarianceError::MissingRscales`] for JKn,
    /// [`VarianceError::MissingRho`] / [`VarianceError::InvalidRho`] for Fay
    /// (`rho` must be in `[0, 1)`), [`VarianceError::TooFewReplicates`] for
    /// no replicates (or one, for bootstrap).
    pub fn default_scales(
        self,
        n_replicates: usize,
        rho: Option<f64>,
    ) -> Result<(f64, Vec<f64>), VarianceError> {
        let needed = if self == ReplicateMethod::Bootstrap {
            2
        } else {
            1
        };
        if n_replicates < needed {
            return Err(VarianceError::TooFewReplicates {
                method: self.as_r_type(),
                needed,
                found: n_replicates,
            });
        }
        let r = n_replicates as f64;
        let scale = match self {
            ReplicateMethod::Jk1 => (r - 1.0) / r,
            ReplicateMethod::Jkn => return Err(VarianceError::MissingRscales),
            ReplicateMethod::Brr => 1.0 / r,
            ReplicateMethod::Fay => {
                let rho = rho.ok_or(VarianceError::MissingRho)?;
                if !(0.0..1.0).contains(&rho) {
                    return Err(VarianceError::InvalidRho { rho });
                }
                1.0 / (r * (1.0 - rho) * (1.0 - rho))
            }
            ReplicateMethod::Bootstrap => 1.0 / (r - 1.0),
            ReplicateMethod::SuccessiveDifference => 4.0 / r,
        };
        Ok((scale, vec![1.0; n_replicates]))
    }
}

impl fmt::Display for ReplicateMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_r_type())
    }
}

impl FromStr for ReplicateMethod {
    type Err = String;

    /// Parses R's `type` names, case-insensitively; `"ACS"` is read as
    /// successive-difference, as in R.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("ACS") {
            return Ok(ReplicateMethod::SuccessiveDifference);
        }
        ReplicateMethod::ALL
            .into_iter()
            .find(|m| m.as_r_type().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                format!(
                    "unknown replicate type {s:?}: expected one of JK1, JKn, \
                     BRR, Fay, bootstrap, successive-difference"
                )
            })
    }
}

/// A replicate design: the method and the constants of `svrVar`.
///
/// Serialisable, so that the manifest can record exactly how the variances
/// were computed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReplicateDesign {
    /// How the replicate weights were built.
    pub method: ReplicateMethod,
    /// Fay's ρ (Fay only).
    pub rho: Option<f64>,
    /// The overall multiplier `scale`.
    pub scale: f64,
    /// One multiplier per replicate.
    pub rscales: Vec<f64>,
    /// `true`: centre on the full-sample estimate; `false` (R's default):
    /// on the mean of the replicates.
    pub mse: bool,
}

impl ReplicateDesign {
    /// The design R's `svrepdesign(type = method, rho = rho,
    /// combined.weights = TRUE)` builds for `n_replicates` replicate weights,
    /// with `mse = FALSE`. See [`ReplicateMethod::default_scales`].
    ///
    /// # Errors
    ///
    /// As [`ReplicateMethod::default_scales`].
    pub fn new(
        method: ReplicateMethod,
        n_replicates: usize,
        rho: Option<f64>,
    ) -> Result<Self, VarianceError> {
        let (scale, rscales) = method.default_scales(n_replicates, rho)?;
        Ok(ReplicateDesign {
            method,
            rho: rho.filter(|_| method == ReplicateMethod::Fay),
            scale,
            rscales,
            mse: false,
        })
    }

    /// A JKn design with the caller's `rscales` (one per replicate,
    /// `(n_h − 1)/n_h` for the stratum each replicate belongs to) and
    /// `scale = 1`, as `svrepdesign(type = "JKn", rscales = …)`.
    ///
    /// # Errors
    ///
    /// [`VarianceError::TooFewReplicates`] if `rscales` is empty.
    pub fn jkn(rscales: Vec<f64>) -> Result<Self, VarianceError> {
        if rscales.is_empty() {
            return Err(VarianceError::TooFewReplicates {
                method: "JKn",
                needed: 1,
                found: 0,
            });
        }
        Ok(ReplicateDesign {
            method: ReplicateMethod::Jkn,
            rho: None,
            scale: 1.0,
            rscales,
            mse: false,
        })
    }

    /// Replaces the default scale, as `svrepdesign(scale = …)` does for JK1,
    /// JKn and bootstrap (for example `bootstrap.average/(R − 1)`).
    ///
    /// # Errors
    ///
    /// [`VarianceError::ScaleNotAllowed`] for BRR, Fay and
    /// successive-difference, whose scale R computes itself and overrides or
    /// ignores a given one.
    pub fn with_scale(mut self, scale: f64) -> Result<Self, VarianceError> {
        match self.method {
            ReplicateMethod::Jk1 | ReplicateMethod::Jkn | ReplicateMethod::Bootstrap => {
                self.scale = scale;
                Ok(self)
            }
            m => Err(VarianceError::ScaleNotAllowed {
                method: m.as_r_type(),
            }),
        }
    }

    /// Replaces the per-replicate multipliers, as `svrepdesign(rscales = …)`.
    ///
    /// # Errors
    ///
    /// [`VarianceError::ReplicateCount`] if the length changes;
    /// [`VarianceError::ScaleNotAllowed`] for successive-difference (R
    /// ignores `rscales` there).
    pub fn with_rscales(mut self, rscales: Vec<f64>) -> Result<Self, VarianceError> {
        if self.method == ReplicateMethod::SuccessiveDifference {
            return Err(VarianceError::ScaleNotAllowed {
                method: self.method.as_r_type(),
            });
        }
        if rscales.len() != self.rscales.len() {
            return Err(VarianceError::ReplicateCount {
                what: "rscales",
                expected: self.rscales.len(),
                found: rscales.len(),
            });
        }
        self.rscales = rscales;
        Ok(self)
    }

    /// Sets `mse` (R `svrepdesign(mse = …)`, default
    /// `getOption("survey.replicates.mse")` = `FALSE`).
    pub fn with_mse(mut self, mse: bool) -> Self {
        self.mse = mse;
        self
    }

    /// Number of replicates.
    pub fn n_replicates(&self) -> usize {
        self.rscales.len()
    }
}

/// An estimate with its replicate variance and the facts behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReplicateEstimate {
    /// The full-sample estimate and its variance.
    pub estimate: Estimate,
    /// The centre `θ̄` used (mean of the replicates, or the estimate if `mse`).
    pub centre: f64,
    /// Zero-based indices of replicates whose estimate was `NaN` and which
    /// were discarded, as R's `na.action = na.omit` does (R warns "n
    /// replicates gave NA results and were discarded").
    pub na_replicates: Vec<usize>,
}

/// Replicate variance of any statistic: port of `survey:::svrVar` for one
/// statistic.
///
/// `estimate` is the full-sample `θ̂` (R's `coef`, used only when
/// `design.mse`), `replicates` the `θ̂_r`. `NaN` replicates are dropped
/// together with their `rscales` (R's `na.omit`; infinite values are kept,
/// as in R). Then `θ̄ = mean(θ̂_r : rscales_r > 0)` (or `θ̂` if `mse`) and
/// `v = scale · Σ_r rscales_r (θ̂_r − θ̄)²`.
///
/// # Errors
///
/// [`VarianceError::ReplicateCount`] if `replicates` does not have one value
/// per replicate of `design`; [`VarianceError::AllReplicatesNa`].
///
/// # References
///
/// - Wolter, K. M. (2007). *Introduction to Variance Estimation*, 2nd ed.
///   Springer. Chapters 3 (BRR, Fay), 4 (jackknife), 5 (bootstrap).
/// - Fay, R. E. and Train, G. F. (1995). Aspects of survey and model-based
///   postcensal estimation of income and poverty characteristics for states
///   and counties. *Proceedings of the Section on Government Statistics*,
///   American Statistical Association, 154–159 (successive differences).
/// - Lumley, T. (2010). *Complex Surveys: A Guide to Analysis Using R*.
///   Wiley. R package `survey`: `svrVar`, `svrepdesign.default`
///   (`R/surveyrep.R`).
pub fn replicate_variance(
    estimate: f64,
    replicates: &[f64],
    design: &ReplicateDesign,
) -> Result<ReplicateEstimate, VarianceError> {
    if replicates.len() != design.rscales.len() {
        return Err(VarianceError::ReplicateCount {
            what: "replicate estimates",
            expected: design.rscales.len(),
            found: replicates.len(),
        });
    }
    let na_replicates: Vec<usize> = replicates
        .iter()
        .enumerate()
        .filter(|(_, t)| t.is_nan())
        .map(|(i, _)| i)
        .collect();
    let kept: Vec<(f64, f64)> = replicates
        .iter()
        .zip(&design.rscales)
        .filter(|(t, _)| !t.is_nan())
        .map(|(&t, &s)| (t, s))
        .collect();
    if kept.is_empty() {
        return Err(VarianceError::AllReplicatesNa);
    }
    let centre = if design.mse {
        estimate
    } else {
        let (sum, n) = kept
            .iter()
            .filter(|(_, s)| *s > 0.0)
            .fold((0.0, 0usize), |(sum, n), (t, _)| (sum + t, n + 1));
        sum / n as f64
    };
    let ss: f64 = kept
        .iter()
        .map(|(t, s)| (t - centre) * (t - centre) * s)
        .sum();
    Ok(ReplicateEstimate {
        estimate: Estimate::new(estimate, ss * design.scale),
        centre,
        na_replicates,
    })
}

/// Replicate variance of a total: `total = Σ_k w_k y_k` with the full-sample
/// weight, `replicate_totals[r] = Σ_k w_rk y_k` with replicate weight `r`
/// (R `svytotal.svyrep.design` with `combined.weights = TRUE`).
///
/// # Errors
///
/// As [`replicate_variance`].
pub fn replicate_total(
    total: f64,
    replicate_totals: &[f64],
    design: &ReplicateDesign,
) -> Result<ReplicateEstimate, VarianceError> {
    replicate_variance(total, replicate_totals, design)
}

/// Replicate variance of a ratio `Ŷ/X̂` from the full-sample and replicate
/// totals of numerator and denominator (R `svyratio.svyrep.design`: the
/// replicate ratios `Ŷ_r/X̂_r` go to `svrVar` with `coef = Ŷ/X̂`).
///
/// A replicate with `X̂_r = 0` gives `NaN` (dropped, as in R) or `±∞` (kept,
/// as in R: the variance is then infinite).
///
/// # Errors
///
/// [`VarianceError::ZeroDenominator`] when `X̂ = 0`;
/// [`VarianceError::ReplicateCount`] when the replicate vectors do not match
/// the design; as [`replicate_variance`] otherwise.
pub fn replicate_ratio(
    numerator: f64,
    denominator: f64,
    numerator_replicates: &[f64],
    denominator_replicates: &[f64],
    design: &ReplicateDesign,
) -> Result<ReplicateEstimate, VarianceError> {
    if denominator == 0.0 {
        return Err(VarianceError::ZeroDenominator);
    }
    if numerator_replicates.len() != denominator_replicates.len() {
        return Err(VarianceError::ReplicateCount {
            what: "denominator replicate totals",
            expected: numerator_replicates.len(),
            found: denominator_replicates.len(),
        });
    }
    let ratios: Vec<f64> = numerator_replicates
        .iter()
        .zip(denominator_replicates)
        .map(|(y, x)| y / x)
        .collect();
    replicate_variance(numerator / denominator, &ratios, design)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12 * (1.0 + a.abs().max(b.abs()))
    }

    #[test]
    fn default_scales_as_svrepdesign() {
        let s = |m: ReplicateMethod, rho| m.default_scales(4, rho).unwrap().0;
        assert_eq!(s(ReplicateMethod::Jk1, None), 0.75);
        assert_eq!(s(ReplicateMethod::Brr, None), 0.25);
        assert_eq!(s(ReplicateMethod::Fay, Some(0.5)), 1.0);
        assert_eq!(s(ReplicateMethod::Bootstrap, None), 1.0 / 3.0);
        assert_eq!(s(ReplicateMethod::SuccessiveDifference, None), 1.0);
        assert_eq!(
            ReplicateMethod::Brr.default_scales(4, None).unwrap().1,
            vec![1.0; 4]
        );
        assert_eq!(
            ReplicateMethod::Jkn.default_scales(4, None).unwrap_err(),
            VarianceError::MissingRscales
        );
        assert_eq!(
            ReplicateMethod::Fay.default_scales(4, None).unwrap_err(),
            VarianceError::MissingRho
        );
        assert!(ReplicateMethod::Fay.default_scales(4, Some(1.0)).is_err());
        assert!(ReplicateMethod::Bootstrap.default_scales(1, None).is_err());
        assert!(ReplicateMethod::Brr.default_scales(0, None).is_err());
    }

    #[test]
    fn centred_on_replicate_mean_by_default() {
        // θ_r = 1, 2, 3, 6 → mean 3; Σ(θ_r − 3)² = 4 + 1 + 0 + 9 = 14.
        let d = ReplicateDesign::new(ReplicateMethod::Brr, 4, None).unwrap();
        assert!(!d.mse);
        let v = replicate_variance(2.0, &[1.0, 2.0, 3.0, 6.0], &d).unwrap();
        assert_eq!(v.centre, 3.0);
        assert!(close(v.estimate.variance, 14.0 / 4.0));
        assert_eq!(v.estimate.estimate, 2.0);
        // mse: centred on θ̂ = 2: 1 + 0 + 1 + 16 = 18.
        let v = replicate_variance(2.0, &[1.0, 2.0, 3.0, 6.0], &d.with_mse(true)).unwrap();
        assert_eq!(v.centre, 2.0);
        assert!(close(v.estimate.variance, 18.0 / 4.0));
    }

    #[test]
    fn jkn_rscales_and_zero_rscales_excluded_from_mean() {
        let d = ReplicateDesign::jkn(vec![0.5, 0.5, 0.0]).unwrap();
        // mean over rscales > 0: (1 + 3)/2 = 2; v = 0.5·1 + 0.5·1 + 0·(…) = 1.
        let v = replicate_variance(2.0, &[1.0, 3.0, 100.0], &d).unwrap();
        assert_eq!(v.centre, 2.0);
        assert!(close(v.estimate.variance, 1.0));
        let d = d.with_scale(2.0).unwrap();
        let v = replicate_variance(2.0, &[1.0, 3.0, 100.0], &d).unwrap();
        assert!(close(v.estimate.variance, 2.0));
    }

    #[test]
    fn fay_scale() {
        // R = 4, rho = 0.5: scale = 1/(4 · 0.25) = 1.
        let d = ReplicateDesign::new(ReplicateMethod::Fay, 4, Some(0.5)).unwrap();
        assert_eq!(d.rho, Some(0.5));
        let v = replicate_total(10.0, &[9.0, 11.0, 9.0, 11.0], &d).unwrap();
        assert!(close(v.estimate.variance, 4.0));
        assert!(d.clone().with_scale(2.0).is_err());
        let jk = ReplicateDesign::new(ReplicateMethod::Jk1, 4, Some(0.5)).unwrap();
        assert_eq!(jk.rho, None);
    }

    #[test]
    fn nan_replicates_dropped_like_na_omit() {
        let d = ReplicateDesign::new(ReplicateMethod::Brr, 4, None).unwrap();
        let v =
            replicate_ratio(1.0, 2.0, &[1.0, 0.0, 3.0, 1.0], &[2.0, 0.0, 2.0, 2.0], &d).unwrap();
        assert_eq!(v.estimate.estimate, 0.5);
        assert_eq!(v.na_replicates, vec![1]);
        // kept 0.5, 1.5, 0.5 → mean 5/6; Σd² = 2(1/3)² + (2/3)² = 6/9; ×1/4.
        assert!(close(v.estimate.variance, 6.0 / 9.0 / 4.0));
        assert_eq!(
            replicate_variance(0.0, &[f64::NAN; 4], &d).unwrap_err(),
            VarianceError::AllReplicatesNa
        );
    }

    #[test]
    fn input_errors() {
        let d = ReplicateDesign::new(ReplicateMethod::Jk1, 3, None).unwrap();
        assert!(matches!(
            replicate_total(1.0, &[1.0, 2.0], &d),
            Err(VarianceError::ReplicateCount { .. })
        ));
        assert_eq!(
            replicate_ratio(1.0, 0.0, &[1.0; 3], &[1.0; 3], &d).unwrap_err(),
            VarianceError::ZeroDenominator
        );
        assert!(d.clone().with_rscales(vec![1.0]).is_err());
        let sd = ReplicateDesign::new(ReplicateMethod::SuccessiveDifference, 4, None).unwrap();
        assert!(sd.with_rscales(vec![1.0; 4]).is_err());
        assert!(ReplicateDesign::jkn(vec![]).is_err());
    }

    #[test]
    fn names_round_trip() {
        for m in ReplicateMethod::ALL {
            assert_eq!(m.as_r_type().parse::<ReplicateMethod>().unwrap(), m);
        }
        assert_eq!(
            "ACS".parse::<ReplicateMethod>().unwrap(),
            ReplicateMethod::SuccessiveDifference
        );
        assert!("JK2".parse::<ReplicateMethod>().is_err());
    }
}
