//! The precision of every cell: standard error, CV and confidence interval.
//!
//! Estimators stay apart from the variance engines (`migstat-variance`, ports of R
//! `survey`): a count is a total, a rate a ratio of two totals, each cell a domain of the
//! whole sample. For Taylor linearisation the engine receives, per stratum, the totals of
//! the cell's numerator and denominator in EVERY PSU of the design (zero where the cell
//! has no one), as `svydesign(ids = ~psu, strata = ~stratum, weights = ~weight)` sees a
//! domain; for replicate methods, the replicate-weighted totals. The interval is the
//! normal one, as R `survey`'s `confint` default.

use std::collections::BTreeMap;

use migstat_artefacts::config::{Config, VarianceMethod};
use migstat_artefacts::registry::{Measure, Unit};
use migstat_artefacts::schema::WEIGHT_SCALE;
use migstat_artefacts::{Error, Result};
use migstat_variance::{
    normal_interval, ratio_variance, replicate_ratio, replicate_total, total_variance,
    RatioColumns, ReplicateDesign, ReplicateMethod, StratumTotals, VarianceError,
};

use crate::plan::TabulationPlan;
use crate::query::{Aggregates, PsuId};

/// Standard error, CV and confidence interval of a cell, in its published unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Precision {
    /// Standard error.
    pub standard_error: f64,
    /// Coefficient of variation in percent; `None` for a zero estimate.
    pub cv_percent: Option<f64>,
    /// Lower bound of the confidence interval.
    pub lower: f64,
    /// Upper bound of the confidence interval.
    pub upper: f64,
}

/// Fails early on a design the data cannot support.
pub fn check_design(config: &Config, replicates: usize) -> Result<()> {
    let d = &config.design;
    let replicate_method = !matches!(d.method, VarianceMethod::None | VarianceMethod::Taylor);
    if replicate_method && replicates < 2 {
        return Err(Error::config(
            &config.file,
            format!(
                "design.method = {:?} needs replicate weights {}1..{}R in the microdata; found {replicates}",
                d.method, d.replicate_prefix, d.replicate_prefix
            ),
        ));
    }
    if let (VarianceMethod::Jkn, Some(rscales)) = (d.method, &d.jkn_rscales) {
        if rscales.len() != replicates {
            return Err(Error::config(
                &config.file,
                format!(
                    "design.jkn_rscales has {} values for {replicates} replicate weights",
                    rscales.len()
                ),
            ));
        }
    }
    Ok(())
}

/// The variance engine for a run, built once from the config and the design's PSUs.
pub struct PrecisionEngine<'a> {
    config: &'a Config,
    plan: &'a TabulationPlan,
    aggregates: &'a Aggregates,
    strata: Vec<(String, Vec<&'a PsuId>)>,
    replicate_design: Option<ReplicateDesign>,
}

impl<'a> PrecisionEngine<'a> {
    /// Prepares the engine.
    pub fn new(
        config: &'a Config,
        plan: &'a TabulationPlan,
        aggregates: &'a Aggregates,
    ) -> Result<Self> {
        let mut strata: BTreeMap<String, Vec<&PsuId>> = BTreeMap::new();
        for psu in &aggregates.design_psus {
            strata
                .entry(psu.0.clone().unwrap_or_default())
                .or_default()
                .push(psu);
        }
        let d = &config.design;
        let method = match d.method {
            VarianceMethod::Jk1 => Some(ReplicateMethod::Jk1),
            VarianceMethod::Jkn => Some(ReplicateMethod::Jkn),
            VarianceMethod::Brr => Some(ReplicateMethod::Brr),
            VarianceMethod::Fay => Some(ReplicateMethod::Fay),
            VarianceMethod::Bootstrap => Some(ReplicateMethod::Bootstrap),
            VarianceMethod::Sdr => Some(ReplicateMethod::SuccessiveDifference),
            VarianceMethod::None | VarianceMethod::Taylor => None,
        };
        let replicate_design = match method {
            None => None,
            Some(ReplicateMethod::Jkn) => Some(
                ReplicateDesign::jkn(d.jkn_rscales.clone().unwrap_or_default())
                    .map_err(|e| design_error(config, e))?,
            ),
            Some(m) => {
                let replicates = aggregates
                    .cells
                    .values()
                    .next()
                    .and_then(|t| t.replicates.first())
                    .map_or(0, Vec::len);
                let rho = (m == ReplicateMethod::Fay).then_some(d.fay_rho);
                Some(
                    ReplicateDesign::new(m, replicates, rho)
                        .map_err(|e| design_error(config, e))?,
                )
            }
        };
        Ok(PrecisionEngine {
            config,
            plan,
            aggregates,
            strata: strata.into_iter().collect(),
            replicate_design,
        })
    }

    /// The precision of the cell `key` for `measure`, whose estimate is `estimate`;
    /// `None` when the design gives no variance.
    pub fn of_cell(
        &self,
        key: &[Option<String>],
        measure: &Measure,
        unit: &Unit,
        estimate: f64,
    ) -> Result<Option<Precision>> {
        let scale = 10f64.powi(unit.power_of_ten);
        let persons = |units: i128| units as f64 / 10f64.powi(WEIGHT_SCALE as i32);
        let se_in_unit = match self.config.design.method {
            VarianceMethod::None => return Ok(None),
            VarianceMethod::Taylor => {
                let empty = BTreeMap::new();
                let by_psu = self.aggregates.by_psu.get(key).unwrap_or(&empty);
                let strata: Vec<StratumTotals> = self
                    .strata
                    .iter()
                    .map(|(name, psus)| {
                        let totals = psus
                            .iter()
                            .map(|psu| {
                                let t = by_psu.get(*psu);
                                let y = t.map_or(0, |t| self.plan.sum(t, &measure.numerator).0);
                                let x = match (&measure.denominator, t) {
                                    (Some(den), Some(t)) => self.plan.sum(t, den).0,
                                    _ => 0,
                                };
                                vec![persons(y), persons(x)]
                            })
                            .collect();
                        StratumTotals::new(name.clone(), totals)
                    })
                    .collect();
                let lonely = self.config.design.lonely_psu;
                let variance = match measure.denominator {
                    None => total_variance(&strata, lonely).map(|t| t.variance.variance(0)),
                    Some(_) => ratio_variance(&strata, &[RatioColumns::new(0, 1)], lonely)
                        .map(|t| t.variance.variance(0)),
                }
                .map_err(|e| design_error(self.config, e))?;
                variance.max(0.0).sqrt() * scale
            }
            _ => {
                let design = self
                    .replicate_design
                    .as_ref()
                    .expect("built for replicate methods");
                let empty = crate::query::Totals::default();
                let t = self.aggregates.cells.get(key).unwrap_or(&empty);
                let replicate_sums = |statuses: &[String]| -> Vec<f64> {
                    let r = design.n_replicates();
                    (0..r)
                        .map(|k| {
                            statuses
                                .iter()
                                .map(|s| {
                                    t.replicates
                                        .get(self.plan.status_index(s))
                                        .map_or(0, |v| v[k])
                                })
                                .sum::<i128>()
                        })
                        .map(persons)
                        .collect()
                };
                let (y, _) = self.plan.sum(t, &measure.numerator);
                let result = match &measure.denominator {
                    None => {
                        replicate_total(persons(y), &replicate_sums(&measure.numerator), design)
                    }
                    Some(den) => {
                        let (x, _) = self.plan.sum(t, den);
                        replicate_ratio(
                            persons(y),
                            persons(x),
                            &replicate_sums(&measure.numerator),
                            &replicate_sums(den),
                            design,
                        )
                    }
                }
                .map_err(|e| design_error(self.config, e))?;
                result.estimate.se() * scale
            }
        };
        let interval = normal_interval(estimate, se_in_unit, self.config.design.ci_level)
            .map_err(|e| design_error(self.config, e))?;
        Ok(Some(Precision {
            standard_error: se_in_unit,
            cv_percent: (estimate != 0.0).then(|| 100.0 * se_in_unit / estimate.abs()),
            lower: interval.lower,
            upper: interval.upper,
        }))
    }
}

/// A design the data cannot support is the user's to fix in the config (or the
/// producer's in the data), so it is reported as a config error naming the key.
fn design_error(config: &Config, e: VarianceError) -> Error {
    let hint = match e {
        VarianceError::LonelyPsu { .. } => " (set design.lonely_psu to adjust, average, certainty or remove, as R survey's survey.lonely.psu)",
        _ => "",
    };
    Error::config(&config.file, format!("[design]: {e}{hint}"))
}
