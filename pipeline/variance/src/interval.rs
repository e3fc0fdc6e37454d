//! From a variance to what is published: standard error, coefficient of
//! variation and the normal confidence interval.
//!
//! These follow R `survey`'s accessors: `SE()` is `sqrt(var)`, `cv()` is
//! `SE/coef` (`cv.default`, `cv.svyratio`) and `confint()` of a `svystat`,
//! `svrepstat` or `svyratio` is `tconfint(object, parm, level, df = Inf)`,
//! i.e. `coef + SE %o% qt(c(a, 1 − a), Inf)` with `a = (1 − level)/2`. With
//! `df = Inf`, `qt` is `qnorm`; this module carries its own [`qnorm`], a port
//! of R's `qnorm` (Wichura's AS 241, `PPND16`), so the bounds agree with R's to
//! the last bit or two.

use serde::{Deserialize, Serialize};

use crate::error::VarianceError;

/// A point estimate and its sampling variance.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// The point estimate (a total, a ratio…).
    pub estimate: f64,
    /// Its estimated sampling variance.
    pub variance: f64,
}

impl Estimate {
    /// An estimate with its variance.
    pub fn new(estimate: f64, variance: f64) -> Self {
        Estimate { estimate, variance }
    }

    /// Standard error, `sqrt(variance)` (R `SE()`).
    pub fn se(&self) -> f64 {
        standard_error(self.variance)
    }

    /// Coefficient of variation `SE/estimate` (R `cv()`), `None` when the
    /// estimate is zero. See [`coefficient_of_variation`].
    pub fn cv(&self) -> Option<f64> {
        coefficient_of_variation(self.estimate, self.se())
    }

    /// Normal confidence interval at `level` (R `confint()`, `df = Inf`).
    ///
    /// # Errors
    ///
    /// [`VarianceError::InvalidLevel`] unless `0 < level < 1`.
    pub fn confint(&self, level: f64) -> Result<ConfidenceInterval, VarianceError> {
        normal_interval(self.estimate, self.se(), level)
    }

    /// Estimate, SE, CV and confidence interval at `level`, for one output cell.
    ///
    /// # Errors
    ///
    /// [`VarianceError::InvalidLevel`] unless `0 < level < 1`.
    pub fn summary(&self, level: f64) -> Result<Summary, VarianceError> {
        Ok(Summary {
            estimate: self.estimate,
            se: self.se(),
            cv: self.cv(),
            ci: self.confint(level)?,
        })
    }
}

/// A two-sided confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ConfidenceInterval {
    /// Lower bound, `estimate + SE · qnorm((1 − level)/2)`.
    pub lower: f64,
    /// Upper bound, `estimate + SE · qnorm(1 − (1 − level)/2)`.
    pub upper: f64,
    /// The confidence level, e.g. 0.95.
    pub level: f64,
}

/// Estimate, SE, CV and confidence interval of one cell.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// The point estimate.
    pub estimate: f64,
    /// Standard error.
    pub se: f64,
    /// Coefficient of variation (`None` when the estimate is zero).
    pub cv: Option<f64>,
    /// Normal confidence interval.
    pub ci: ConfidenceInterval,
}

/// Standard error from a variance: `sqrt(variance)`.
pub fn standard_error(variance: f64) -> f64 {
    variance.sqrt()
}

/// Coefficient of variation `se/estimate`, `None` when `estimate == 0`.
///
/// As R's `cv()`, the sign is kept: a negative estimate gives a negative CV
/// (R warns "CV may not be useful for negative statistics"). Compare
/// `cv.abs()` with a reliability threshold if negative estimates can occur.
pub fn coefficient_of_variation(estimate: f64, se: f64) -> Option<f64> {
    (estimate != 0.0).then(|| se / estimate)
}

/// Normal-quantile confidence interval, as R `survey`'s `confint()` default
/// (`tconfint` with `df = Inf`).
///
/// R computes both bounds as `estimate + se * q` with `q = qnorm(a)` and
/// `q = qnorm(1 − a)`, `a = (1 − level)/2`; these two quantiles are not
/// exact negatives in floating point (`qnorm(0.025)` is
/// −1.95996398454005383, `qnorm(0.975)` is 1.95996398454005361), so the
/// same two calls are made here.
///
/// # Errors
///
/// [`VarianceError::InvalidLevel`] unless `0 < level < 1`.
pub fn normal_interval(
    estimate: f64,
    se: f64,
    level: f64,
) -> Result<ConfidenceInterval, VarianceError> {
    if !(level > 0.0 && level < 1.0) {
        return Err(VarianceError::InvalidLevel { level });
    }
    let a = (1.0 - level) / 2.0;
    Ok(ConfidenceInterval {
        lower: estimate + se * qnorm(a),
        upper: estimate + se * qnorm(1.0 - a),
        level,
    })
}

/// Quantile function of the standard normal distribution (lower tail).
///
/// Port of R's `qnorm(p)` (`src/nmath/qnorm.c`, R 4.2), which is algorithm
/// AS 241 `PPND16` by Wichura, accurate to about 1 part in 10¹⁶: a rational
/// approximation in `q = p − 0.5` for `|q| ≤ 0.425`, otherwise in
/// `r = sqrt(−ln min(p, 1 − p))` with one set of coefficients for `r ≤ 5`
/// and another beyond. Returns `−∞` at 0, `+∞` at 1 and `NaN` outside
/// `[0, 1]` or for `NaN`.
///
/// # References
///
/// - Wichura, M. J. (1988). Algorithm AS 241: The percentage points of the
///   normal distribution. *Applied Statistics*, 37, 477–484.
#[allow(clippy::excessive_precision)]
pub fn qnorm(p: f64) -> f64 {
    if p.is_nan() || !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    if p == 0.0 {
        return f64::NEG_INFINITY;
    }
    if p == 1.0 {
        return f64::INFINITY;
    }
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        let r = 0.180625 - q * q;
        return q
            * (((((((r * 2509.0809287301226727 + 33430.575583588128105) * r
                + 67265.770927008700853)
                * r
                + 45921.953931549871457)
                * r
                + 13731.693765509461125)
                * r
                + 1971.5909503065514427)
                * r
                + 133.14166789178437745)
                * r
                + 3.387132872796366608)
            / (((((((r * 5226.495278852545925 + 28729.085735721942674) * r
                + 39307.89580009271061)
                * r
                + 21213.794301586595867)
                * r
                + 5394.1960214247511077)
                * r
                + 687.1870074920579083)
                * r
                + 42.313330701600911252)
                * r
                + 1.0);
    }
    let tail = if q < 0.0 { p } else { 1.0 - p };
    let mut r = (-tail.ln()).sqrt();
    let val = if r <= 5.0 {
        r -= 1.6;
        (((((((r * 7.7454501427834140764e-4 + 0.0227238449892691845833) * r
            + 0.24178072517745061177)
            * r
            + 1.27045825245236838258)
            * r
            + 3.64784832476320460504)
            * r
            + 5.7694972214606914055)
            * r
            + 4.6303378461565452959)
            * r
            + 1.42343711074968357734)
            / (((((((r * 1.05075007164441684324e-9 + 5.475938084995344946e-4) * r
                + 0.0151986665636164571966)
                * r
                + 0.14810397642748007459)
                * r
                + 0.68976733498510000455)
                * r
                + 1.6763848301838038494)
                * r
                + 2.05319162663775882187)
                * r
                + 1.0)
    } else {
        r -= 5.0;
        (((((((r * 2.01033439929228813265e-7 + 2.71155556874348757815e-5) * r
            + 0.0012426609473880784386)
            * r
            + 0.026532189526576123093)
            * r
            + 0.29656057182850489123)
            * r
            + 1.7848265399172913358)
            * r
            + 5.4637849111641143699)
            * r
            + 6.6579046435011037772)
            / (((((((r * 2.04426310338993978564e-15 + 1.4215117583164458887e-7) * r
                + 1.8463183175100546818e-5)
                * r
                + 7.868691311456132591e-4)
                * r
                + 0.0148753612908506148525)
                * r
                + 0.13692988092273580531)
                * r
                + 0.59983220655588793769)
                * r
                + 1.0)
    };
    if q < 0.0 {
        -val
    } else {
        val
    }
}

#[cfg(test)]
// R's values are kept as R prints them with digits = 17.
#[allow(clippy::excessive_precision)]
mod tests {
    use super::*;

    /// R 4.2.2: `print(qnorm(p), digits = 17)`.
    const R_QNORM: &[(f64, f64)] = &[
        (0.975, 1.95996398454005361),
        (0.025, -1.95996398454005383),
        (0.995, 2.57582930354889994),
        (0.95, 1.64485362695147153),
        (0.5, 0.0),
        (0.9, 1.28155156554460081),
        (1e-10, -6.36134090240405570),
        (1e-300, -37.04709629936120052),
        (0.3, -0.52440051270804067),
        (0.999999, 4.75342430881708911),
    ];

    #[test]
    fn qnorm_matches_r_to_the_last_bits() {
        for &(p, want) in R_QNORM {
            let got = qnorm(p);
            let tol = 2.0 * f64::EPSILON * want.abs();
            assert!(
                (got - want).abs() <= tol,
                "qnorm({p}) = {got:.17}, R gives {want:.17}"
            );
        }
        // The 16-digit value usually quoted; R's double is 1.9599639845400536.
        assert!((qnorm(0.975) - 1.959963984540054).abs() < 1e-15);
    }

    #[test]
    fn qnorm_edges() {
        assert_eq!(qnorm(0.0), f64::NEG_INFINITY);
        assert_eq!(qnorm(1.0), f64::INFINITY);
        assert!(qnorm(-0.1).is_nan());
        assert!(qnorm(1.5).is_nan());
        assert!(qnorm(f64::NAN).is_nan());
        // Symmetry, up to the rounding of 1 − p amplified by 1/φ(z).
        for p in [1e-5, 0.01, 0.2, 0.425, 0.6, 0.93] {
            assert!((qnorm(p) + qnorm(1.0 - p)).abs() < 1e-11, "p = {p}");
        }
        // Monotone across the three branches (|q| ≤ 0.425, r ≤ 5, r > 5).
        let ps = [
            1e-300, 1e-20, 1e-11, 1e-10, 0.01, 0.075, 0.0751, 0.5, 0.9249, 0.925, 0.99,
        ];
        assert!(ps.windows(2).all(|w| qnorm(w[0]) < qnorm(w[1])));
    }

    #[test]
    fn se_cv_interval_by_hand() {
        let e = Estimate::new(200.0, 400.0);
        assert_eq!(e.se(), 20.0);
        assert_eq!(e.cv(), Some(0.1));
        let ci = e.confint(0.95).unwrap();
        assert_eq!(ci.lower, 200.0 + 20.0 * -1.95996398454005383);
        assert_eq!(ci.upper, 200.0 + 20.0 * 1.95996398454005361);
        assert_eq!(Estimate::new(0.0, 1.0).cv(), None);
        assert_eq!(Estimate::new(-10.0, 4.0).cv(), Some(-0.2));
        let s = e.summary(0.9).unwrap();
        assert_eq!(s.se, 20.0);
        assert_eq!(s.ci.level, 0.9);
        assert!(matches!(
            e.confint(1.0),
            Err(VarianceError::InvalidLevel { .. })
        ));
        assert!(e.confint(f64::NAN).is_err());
    }
}
