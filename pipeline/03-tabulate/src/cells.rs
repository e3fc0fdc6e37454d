//! From aggregated cells to the estimates of every dataflow.
//!
//! For each dataflow of the registry and each combination of its codes (totals first,
//! then categories, in registry order) the cell's numerator and denominator are summed
//! from the statuses of its measure, the value is scaled to its unit, and its status is
//! set from the unweighted count (contract section 5):
//!
//! - n = 0: a real 0 for counts (published, no status); a rate with a zero denominator
//!   has no observation at all;
//! - 0 < n < `suppress_below_n`: `C`, confidential (published without value);
//! - n < `unreliable_below_n`: `U`, unreliable.

use std::collections::HashSet;
use std::sync::Arc;

use arrow::array::{
    ArrayRef, Decimal128Builder, Float64Builder, Int64Builder, RecordBatch, StringBuilder,
};

use migstat_artefacts::config::{Config, Quality};
use migstat_artefacts::registry::{Measure, Registry};
use migstat_artefacts::schema::{self, estimates as col, WEIGHT_SCALE};
use migstat_artefacts::{Error, Result};

use crate::exact::ratio_to_f64;
use crate::plan::{DimensionKind, TabulationPlan};
use crate::query::{index, AggregateCell};
use crate::TabulateReport;

/// The observation status of a cell with `n` unweighted records.
pub fn status(n: i64, quality: &Quality) -> Option<&'static str> {
    let n = n.max(0) as u64;
    if n == 0 {
        None
    } else if n < quality.suppress_below_n {
        Some("C")
    } else if n < quality.unreliable_below_n {
        Some("U")
    } else {
        None
    }
}

struct Columns {
    dataflow: StringBuilder,
    ref_area: StringBuilder,
    freq: StringBuilder,
    measure: StringBuilder,
    dims: Vec<(&'static str, StringBuilder)>,
    time_period: StringBuilder,
    estimate: Float64Builder,
    obs_status: StringBuilder,
    n: Int64Builder,
    numerator: Decimal128Builder,
    denominator: Decimal128Builder,
}

/// Builds the estimates of every dataflow from the aggregated cells.
pub fn estimates(
    config: &Config,
    registry: &Registry,
    plan: &TabulationPlan,
    cells: &[AggregateCell],
    report: &mut TabulateReport,
) -> Result<RecordBatch> {
    let by_key = index(cells);
    let observed = observed_codes(plan, cells);
    let decimal = || {
        Decimal128Builder::new()
            .with_precision_and_scale(38, WEIGHT_SCALE as i8)
            .expect("valid decimal type")
    };
    let mut out = Columns {
        dataflow: StringBuilder::new(),
        ref_area: StringBuilder::new(),
        freq: StringBuilder::new(),
        measure: StringBuilder::new(),
        dims: [col::SEX, col::AGE, col::CBR, col::CCT]
            .into_iter()
            .map(|c| (c, StringBuilder::new()))
            .collect(),
        time_period: StringBuilder::new(),
        estimate: Float64Builder::new(),
        obs_status: StringBuilder::new(),
        n: Int64Builder::new(),
        numerator: decimal(),
        denominator: decimal(),
    };
    let status_index = |s: &String| {
        plan.statuses
            .iter()
            .position(|p| p == s)
            .expect("status in plan")
    };
    let sum_over = |cell: Option<&&AggregateCell>, statuses: &[String]| -> (i128, i64) {
        cell.map_or((0, 0), |c| {
            statuses
                .iter()
                .map(status_index)
                .fold((0, 0), |(w, n), i| (w + c.weights[i], n + c.records[i]))
        })
    };
    let unit_of_one_person = 10i128.pow(WEIGHT_SCALE);

    for flow in &registry.dataflows {
        let measure: &Measure = registry.measure(&flow.measure).expect("checked registry");
        let unit = registry.unit_of(measure);
        for dim in &flow.breakdowns {
            if !out.dims.iter().any(|(c, _)| c == dim) {
                return Err(Error::reference(
                    "schemas/dataflows.toml",
                    format!(
                        "dataflow {}: dimension {dim} has no column in the estimates",
                        flow.id
                    ),
                ));
            }
        }
        // The codes of each of the flow's dimensions, in publication order.
        let code_lists: Vec<Vec<String>> = flow
            .breakdowns
            .iter()
            .map(|id| codes_of(plan, id, &observed))
            .collect();
        for combo in cartesian(&code_lists) {
            let key: Vec<Option<String>> = plan
                .dimensions
                .iter()
                .map(|dim| {
                    let code = flow
                        .breakdowns
                        .iter()
                        .position(|b| b == &dim.id)
                        .map(|i| combo[i].clone());
                    match (&dim.kind, code) {
                        (DimensionKind::Categorical { total, .. }, Some(c)) if &c == total => None,
                        (_, code) => code,
                    }
                })
                .collect();
            let cell = by_key.get(key.as_slice());
            let (num, n_num) = sum_over(cell, &measure.numerator);
            let (estimate, n, denominator) = match &measure.denominator {
                None => (
                    ratio_to_f64(num, unit_of_one_person, unit.power_of_ten),
                    n_num,
                    None,
                ),
                Some(den_statuses) => {
                    let (den, n_den) = sum_over(cell, den_statuses);
                    if den == 0 {
                        report.rates_without_denominator += 1;
                        continue;
                    }
                    (ratio_to_f64(num, den, unit.power_of_ten), n_den, Some(den))
                }
            };
            let st = status(n, &config.quality);
            match st {
                Some("C") => report.confidential += 1,
                Some("U") => report.unreliable += 1,
                _ => {}
            }
            out.dataflow.append_value(&flow.id);
            out.ref_area.append_value(&config.survey.ref_area);
            out.freq
                .append_value(config.survey.time_period.freq.to_string());
            out.measure.append_value(&measure.id);
            for (column, builder) in &mut out.dims {
                match flow.breakdowns.iter().position(|b| b == column) {
                    Some(i) => builder.append_value(&combo[i]),
                    None => builder.append_null(),
                }
            }
            out.time_period
                .append_value(&config.survey.time_period.text);
            out.estimate.append_value(estimate);
            out.obs_status.append_option(st);
            out.n.append_value(n);
            out.numerator.append_value(num);
            out.denominator.append_option(denominator);
        }
    }

    let mut columns: Vec<ArrayRef> = vec![
        Arc::new(out.dataflow.finish()),
        Arc::new(out.ref_area.finish()),
        Arc::new(out.freq.finish()),
        Arc::new(out.measure.finish()),
    ];
    for (_, mut builder) in out.dims {
        columns.push(Arc::new(builder.finish()));
    }
    columns.push(Arc::new(out.time_period.finish()));
    columns.push(Arc::new(out.estimate.finish()));
    columns.push(Arc::new(out.obs_status.finish()));
    columns.push(Arc::new(out.n.finish()));
    columns.push(Arc::new(out.numerator.finish()));
    columns.push(Arc::new(out.denominator.finish()));
    Ok(RecordBatch::try_new(schema::estimates(), columns)?)
}

/// Codes published only if observed, that an in-scope record has.
fn observed_codes(plan: &TabulationPlan, cells: &[AggregateCell]) -> HashSet<(String, String)> {
    let mut seen = HashSet::new();
    for (d, dim) in plan.dimensions.iter().enumerate() {
        if let DimensionKind::Categorical {
            published_if_observed,
            ..
        } = &dim.kind
        {
            for cell in cells {
                if let Some(code) = &cell.key[d] {
                    if published_if_observed.contains(code) && cell.records.iter().sum::<i64>() > 0
                    {
                        seen.insert((dim.id.clone(), code.clone()));
                    }
                }
            }
        }
    }
    seen
}

fn codes_of(
    plan: &TabulationPlan,
    dim_id: &str,
    observed: &HashSet<(String, String)>,
) -> Vec<String> {
    match &plan.dimension(dim_id).expect("flow dimension in plan").kind {
        DimensionKind::Categorical {
            total,
            codes,
            published_if_observed,
        } => std::iter::once(total.clone())
            .chain(
                codes
                    .iter()
                    .filter(|c| {
                        !published_if_observed.contains(c)
                            || observed.contains(&(dim_id.to_string(), (*c).clone()))
                    })
                    .cloned(),
            )
            .collect(),
        DimensionKind::Banded { bands } => bands.iter().map(|b| b.code.clone()).collect(),
    }
}

/// Every combination of one code per list, the first list varying slowest.
fn cartesian(lists: &[Vec<String>]) -> Vec<Vec<String>> {
    lists.iter().fold(vec![Vec::new()], |acc, list| {
        acc.iter()
            .flat_map(|prefix| {
                list.iter().map(move |code| {
                    let mut next = prefix.clone();
                    next.push(code.clone());
                    next
                })
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_follows_the_contract_thresholds() {
        let q = Quality {
            suppress_below_n: 3,
            unreliable_below_n: 20,
        };
        assert_eq!(status(0, &q), None, "an empty cell is a published 0");
        assert_eq!(status(1, &q), Some("C"));
        assert_eq!(status(2, &q), Some("C"));
        assert_eq!(status(3, &q), Some("U"));
        assert_eq!(status(19, &q), Some("U"));
        assert_eq!(status(20, &q), None);
        let off = Quality {
            suppress_below_n: 0,
            unreliable_below_n: 0,
        };
        assert_eq!(status(1, &off), None, "thresholds of 0 publish every value");
    }

    #[test]
    fn combinations_vary_the_last_dimension_fastest() {
        let lists = vec![
            vec!["T".to_string(), "M".to_string()],
            vec!["a".to_string(), "b".to_string()],
        ];
        let got: Vec<String> = cartesian(&lists).iter().map(|c| c.join("")).collect();
        assert_eq!(got, ["Ta", "Tb", "Ma", "Mb"]);
    }
}
