//! From aggregated cells to the estimates of every dataflow.
//!
//! For each dataflow of the registry and each combination of its codes (totals first,
//! then categories, in registry order) the cell's numerator and denominator are summed
//! from the statuses of its measure, the value is scaled to its unit, its precision is
//! estimated from the same cells ([`crate::precision`]), and its status is decided by one
//! function, [`crate::status::decide`], from confidentiality and precision together.
//! A rate whose denominator is 0 has no observation at all.

use std::collections::{BTreeSet, HashSet};
use std::sync::Arc;

use arrow::array::{
    ArrayRef, BooleanBuilder, Decimal128Builder, Float64Builder, Int64Builder, RecordBatch,
    StringBuilder,
};

use migstat_artefacts::config::Config;
use migstat_artefacts::registry::{split_term, DataflowSpec, Measure, Registry};
use migstat_artefacts::schema::derived::NOT_APPLICABLE;
use migstat_artefacts::schema::{self, estimates as col, WEIGHT_SCALE};
use migstat_artefacts::{Error, Result};

use crate::exact::ratio_to_f64;
use crate::plan::{DimensionKind, TabulationPlan};
use crate::precision::{self, Precision};
use crate::query::{Aggregates, Totals};
use crate::status::{decide, CellFacts, Reason};
use crate::{secondary, TabulateReport};

/// One cell of one dataflow, before it becomes a row of the estimates.
#[derive(Debug, Clone)]
pub struct CellEstimate {
    /// Index of the dataflow in the registry.
    pub flow: usize,
    /// The cell's code for each of the flow's breakdowns, in breakdown order.
    pub codes: Vec<String>,
    /// Weighted numerator (10^-9 persons).
    pub numerator: i128,
    /// Weighted denominator (10^-9 persons), for rates.
    pub denominator: Option<i128>,
    /// The estimate in its published unit.
    pub estimate: f64,
    /// Unweighted records (for a rate, its denominator's).
    pub n: i64,
    /// Standard error, CV and interval, when the design allows them.
    pub precision: Option<Precision>,
    /// Whether the (n,k)-dominance rule makes it confidential (its numerator's, or for a
    /// rate also its denominator's, largest contributions exceed `k` percent).
    pub dominated: bool,
    /// The status decision.
    pub reason: Reason,
}

/// Builds the estimates of every dataflow from the aggregates, but those that require a
/// population not in `measured` ([`crate::coverage`]): they get no cell at all.
pub fn estimates(
    config: &Config,
    registry: &Registry,
    plan: &TabulationPlan,
    aggregates: &Aggregates,
    measured: &BTreeSet<String>,
    report: &mut TabulateReport,
) -> Result<RecordBatch> {
    let observed = observed_codes(plan, aggregates);
    let unit_of_one_person = 10i128.pow(WEIGHT_SCALE);
    let empty = Totals::default();
    let engine = precision::PrecisionEngine::new(config, plan, aggregates)?;
    let mut cells = Vec::new();

    for (flow_index, flow) in registry.dataflows.iter().enumerate() {
        if !crate::coverage::is_measured(flow, measured) {
            report.dataflows_not_measured += 1;
            continue;
        }
        let measure: &Measure = registry.measure(&flow.measure).expect("checked registry");
        let unit = registry.unit_of(measure);
        let code_lists: Vec<Vec<String>> = flow
            .breakdowns
            .iter()
            .map(|id| codes_of(plan, id, &observed))
            .collect();
        for combo in cartesian(&code_lists) {
            let key = cell_key(plan, flow, &combo);
            let totals = aggregates.cells.get(&key).unwrap_or(&empty);
            let (num, n_num) = plan.sum(totals, &measure.numerator);
            let dominated_sum = |statuses: &[String], total: i128| match (
                config.disclosure.dominance_n,
                config.disclosure.dominance_k,
            ) {
                (Some(_), Some(k)) => {
                    crate::dominance::dominated(&plan.largest(totals, statuses), total, k)
                }
                _ => false,
            };
            let mut dominated = dominated_sum(&measure.numerator, num);
            let (estimate, n, denominator) = match &measure.denominator {
                None => (
                    ratio_to_f64(num, unit_of_one_person, unit.power_of_ten),
                    n_num,
                    None,
                ),
                Some(den_statuses) => {
                    let (den, n_den) = plan.sum(totals, den_statuses);
                    dominated |= dominated_sum(den_statuses, den);
                    if den == 0 {
                        report.rates_without_denominator += 1;
                        continue;
                    }
                    (ratio_to_f64(num, den, unit.power_of_ten), n_den, Some(den))
                }
            };
            let precision = engine.of_cell(&key, measure, unit, estimate)?;
            cells.push(CellEstimate {
                flow: flow_index,
                codes: combo,
                numerator: num,
                denominator,
                estimate,
                n,
                precision,
                dominated,
                reason: Reason::Published,
            });
        }
    }

    let decide_all = |cells: &mut Vec<CellEstimate>, secondary: &HashSet<usize>| {
        for (i, cell) in cells.iter_mut().enumerate() {
            let measure = registry
                .measure(&registry.dataflows[cell.flow].measure)
                .expect("checked");
            cell.reason = decide(
                &CellFacts {
                    n: cell.n.max(0) as u64,
                    estimate: cell.estimate,
                    cv_percent: cell.precision.as_ref().and_then(|p| p.cv_percent),
                    is_count: measure.denominator.is_none(),
                    secondary: secondary.contains(&i),
                    dominated: cell.dominated,
                },
                &config.quality,
                &config.reliability,
            );
        }
    };
    decide_all(&mut cells, &HashSet::new());
    if config.disclosure.secondary {
        let chosen = secondary::complementary_cells(registry, &cells)?;
        decide_all(&mut cells, &chosen);
    }
    for cell in &cells {
        match cell.reason.obs_status() {
            Some("C") => report.confidential += 1,
            Some("U") => report.unreliable += 1,
            _ => {}
        }
        if cell.reason == Reason::SecondaryConfidential {
            report.secondary_confidential += 1;
        }
        if !cell.reason.published() {
            report.not_published += 1;
        }
    }
    to_batch(config, registry, &cells)
}

/// The aggregate key of a flow's cell: per plan dimension, its code, `None` where the
/// cell is that dimension's total or the flow does not break it down; the code the flow
/// is restricted to (`restrict`); for a banded dimension the flow does not break down, the
/// band of every age in scope ([`TabulationPlan::whole_band`]).
fn cell_key(plan: &TabulationPlan, flow: &DataflowSpec, combo: &[String]) -> Vec<Option<String>> {
    plan.dimensions
        .iter()
        .map(|dim| {
            let code = flow
                .breakdowns
                .iter()
                .position(|b| b == &dim.id)
                .map(|i| combo[i].clone());
            match (&dim.kind, code) {
                (DimensionKind::Categorical { total, .. }, Some(c)) if &c == total => None,
                (_, Some(c)) => Some(c),
                (_, None) => flow
                    .restrict
                    .get(&dim.id)
                    .map(String::as_str)
                    .or_else(|| plan.whole_band(dim))
                    .map(String::from),
            }
        })
        .collect()
}

fn to_batch(config: &Config, registry: &Registry, cells: &[CellEstimate]) -> Result<RecordBatch> {
    let decimal = || {
        Decimal128Builder::new()
            .with_precision_and_scale(38, WEIGHT_SCALE as i8)
            .expect("valid decimal type")
    };
    let (mut dataflow, mut ref_area, mut freq, mut measure_b, mut time_period) = (
        StringBuilder::new(),
        StringBuilder::new(),
        StringBuilder::new(),
        StringBuilder::new(),
        StringBuilder::new(),
    );
    // The classification columns: every estimates dimension after REF_AREA, FREQ, MEASURE.
    let mut dims: Vec<(&str, StringBuilder)> = schema::ESTIMATE_DIMENSIONS
        .iter()
        .filter(|c| ![col::REF_AREA, col::FREQ, col::MEASURE].contains(c))
        .map(|c| (*c, StringBuilder::new()))
        .collect();
    let (mut estimate, mut se, mut cv, mut lower, mut upper) = (
        Float64Builder::new(),
        Float64Builder::new(),
        Float64Builder::new(),
        Float64Builder::new(),
        Float64Builder::new(),
    );
    let (mut obs_status, mut reason, mut published) = (
        StringBuilder::new(),
        StringBuilder::new(),
        BooleanBuilder::new(),
    );
    let mut n = Int64Builder::new();
    let (mut numerator, mut denominator) = (decimal(), decimal());
    for cell in cells {
        let flow = &registry.dataflows[cell.flow];
        for b in &flow.breakdowns {
            let dim = registry.dimension_of(b);
            if !dims.iter().any(|(c, _)| *c == dim) {
                return Err(Error::reference(
                    "schemas/dataflows.toml",
                    format!(
                        "dataflow {}: dimension {dim} has no column in the estimates",
                        flow.id
                    ),
                ));
            }
        }
        dataflow.append_value(&flow.id);
        ref_area.append_value(&config.survey.ref_area);
        freq.append_value(config.survey.time_period.freq.to_string());
        measure_b.append_value(&flow.measure);
        for (column, builder) in &mut dims {
            match flow
                .breakdowns
                .iter()
                .position(|b| registry.dimension_of(b) == *column)
            {
                Some(i) => builder.append_value(&cell.codes[i]),
                None => builder.append_null(),
            }
        }
        time_period.append_value(&config.survey.time_period.text);
        estimate.append_value(cell.estimate);
        let p = cell.precision.as_ref();
        se.append_option(p.map(|p| p.standard_error));
        cv.append_option(p.and_then(|p| p.cv_percent));
        lower.append_option(p.map(|p| p.lower));
        upper.append_option(p.map(|p| p.upper));
        obs_status.append_option(cell.reason.obs_status());
        reason.append_value(cell.reason.code());
        published.append_value(cell.reason.published());
        n.append_value(cell.n);
        numerator.append_value(cell.numerator);
        denominator.append_option(cell.denominator);
    }
    let mut columns: Vec<ArrayRef> = vec![
        Arc::new(dataflow.finish()),
        Arc::new(ref_area.finish()),
        Arc::new(freq.finish()),
        Arc::new(measure_b.finish()),
    ];
    for (_, mut builder) in dims {
        columns.push(Arc::new(builder.finish()));
    }
    columns.push(Arc::new(time_period.finish()));
    columns.push(Arc::new(estimate.finish()));
    columns.push(Arc::new(obs_status.finish()));
    columns.push(Arc::new(n.finish()));
    columns.push(Arc::new(numerator.finish()));
    columns.push(Arc::new(denominator.finish()));
    columns.push(Arc::new(se.finish()));
    columns.push(Arc::new(cv.finish()));
    columns.push(Arc::new(lower.finish()));
    columns.push(Arc::new(upper.finish()));
    columns.push(Arc::new(reason.finish()));
    columns.push(Arc::new(published.finish()));
    Ok(RecordBatch::try_new(schema::estimates(), columns)?)
}

/// The codes published only if observed (`published_if_observed`, and every code of an
/// `observed` dimension but the not-applicable `_Z`) that an in-scope record has.
fn observed_codes(plan: &TabulationPlan, aggregates: &Aggregates) -> HashSet<(String, String)> {
    let mut seen = HashSet::new();
    // In-scope records only: the statuses counted among in-scope persons, not the terms of
    // other populations (a non-resident worker of sex O publishes no SEX_O).
    let in_scope: Vec<bool> = plan
        .statuses
        .iter()
        .map(|s| split_term(s).0 == schema::derived::IN_SCOPE)
        .collect();
    let in_scope_records = |totals: &Totals| -> i64 {
        totals
            .records
            .iter()
            .zip(&in_scope)
            .filter(|(_, in_scope)| **in_scope)
            .map(|(n, _)| n)
            .sum()
    };
    for (d, dim) in plan.dimensions.iter().enumerate() {
        if let DimensionKind::Categorical {
            published_if_observed,
            observed,
            ..
        } = &dim.kind
        {
            for (key, totals) in &aggregates.cells {
                if let Some(code) = &key[d] {
                    let candidate = if *observed {
                        code != NOT_APPLICABLE
                    } else {
                        published_if_observed.contains(code)
                    };
                    if candidate && in_scope_records(totals) > 0 {
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
            observed: true,
            ..
        } => {
            let mut seen: Vec<String> = observed
                .iter()
                .filter(|(d, _)| d == dim_id)
                .map(|(_, code)| code.clone())
                .collect();
            seen.sort();
            std::iter::once(total.clone()).chain(seen).collect()
        }
        DimensionKind::Categorical {
            total,
            codes,
            published_if_observed,
            ..
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
pub fn cartesian(lists: &[Vec<String>]) -> Vec<Vec<String>> {
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
    fn combinations_vary_the_last_dimension_fastest() {
        let lists = vec![
            vec!["T".to_string(), "M".to_string()],
            vec!["a".to_string(), "b".to_string()],
        ];
        let got: Vec<String> = cartesian(&lists).iter().map(|c| c.join("")).collect();
        assert_eq!(got, ["Ta", "Tb", "Ma", "Mb"]);
    }
}
