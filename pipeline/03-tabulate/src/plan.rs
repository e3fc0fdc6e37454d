//! The logical tabulation plan: what to group by and what to sum, from the registry alone.

use std::fmt;

use migstat_artefacts::reference::AgeBand;
use migstat_artefacts::registry::{Registry, Status, STATUSES};
use migstat_artefacts::{Error, Result};

/// How a dimension's codes arise from a derived-record column.
#[derive(Debug, Clone, PartialEq)]
pub enum DimensionKind {
    /// One code per person; the total cell is the rolled-up grouping.
    Categorical {
        /// The all-categories code, e.g. `SEX_T`.
        total: String,
        /// The category codes in publication order.
        codes: Vec<String>,
        /// Codes published only where an in-scope record has them.
        published_if_observed: Vec<String>,
        /// `codes` is empty: the categories are the codes in-scope records have (country
        /// detail), other than the not-applicable `_Z`.
        observed: bool,
    },
    /// Overlapping bands of an integer column (AGE); every band, totals included, is a code.
    Banded {
        /// The bands in publication order.
        bands: Vec<AgeBand>,
    },
}

/// A dimension of the published cells.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanDimension {
    /// The registry's breakdown id, e.g. `SEX` or `CBR_BRT`: the SDMX dimension id,
    /// unless the breakdown names another (`CBR_BRT` feeds dimension `CBR`).
    pub id: String,
    /// The derived-record column it comes from.
    pub column: String,
    /// How codes arise.
    pub kind: DimensionKind,
}

/// Everything the query needs: dimensions, grouping sets, statuses to sum.
#[derive(Debug, Clone, PartialEq)]
pub struct TabulationPlan {
    /// Every dimension used by some dataflow, in first-use order.
    pub dimensions: Vec<PlanDimension>,
    /// The grouping sets of the single aggregate, as dimension ids.
    pub grouping_sets: Vec<Vec<String>>,
    /// The labour force statuses whose weights and records are summed.
    pub statuses: Vec<Status>,
    /// How many of the largest contributions (person weights) each cell keeps, per
    /// status, for the (n,k)-dominance rule (`[disclosure] dominance_n`); `None`: none.
    pub largest_contributions: Option<usize>,
}

impl TabulationPlan {
    /// Builds the plan from the registry and the AGE bands.
    ///
    /// Each dataflow's breakdowns contribute the grouping sets that produce its cells:
    /// every subset of its categorical breakdowns grouped and the others rolled up (a
    /// rolled-up dimension is its total code); always grouped: the banded dimensions of
    /// the plan (a dataflow without one counts its [`Self::whole_band`], every age in
    /// scope, since the bands overlap and their rows must not be summed) and the
    /// breakdowns the dataflow is restricted to (`restrict`).
    pub fn new(registry: &Registry, bands: &[AgeBand]) -> Result<TabulationPlan> {
        let mut dimensions: Vec<PlanDimension> = Vec::new();
        let mut grouping_sets: Vec<Vec<String>> = Vec::new();
        for flow in &registry.dataflows {
            for id in flow.breakdowns.iter().chain(flow.restrict.keys()) {
                if dimensions.iter().any(|d| &d.id == id) {
                    continue;
                }
                let b = &registry.breakdowns[id];
                let kind = match (&b.bands, &b.total) {
                    (Some(_), _) => DimensionKind::Banded {
                        bands: bands.to_vec(),
                    },
                    (None, Some(total)) => DimensionKind::Categorical {
                        total: total.clone(),
                        codes: b.codes.clone(),
                        published_if_observed: b.published_if_observed.clone(),
                        observed: b.observed,
                    },
                    (None, None) => {
                        return Err(Error::reference(
                            "schemas/dataflows.toml",
                            format!("breakdown {id} has neither bands nor a total"),
                        ))
                    }
                };
                dimensions.push(PlanDimension {
                    id: id.clone(),
                    column: b.column.clone(),
                    kind,
                });
            }
        }
        let banded: Vec<&String> = dimensions
            .iter()
            .filter(|d| matches!(d.kind, DimensionKind::Banded { .. }))
            .map(|d| &d.id)
            .collect();
        for flow in &registry.dataflows {
            let categorical: Vec<&String> = flow
                .breakdowns
                .iter()
                .filter(|id| registry.breakdowns[*id].bands.is_none())
                .collect();
            for mask in 0u32..(1 << categorical.len()) {
                let mut set: Vec<String> = categorical
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| mask & (1 << i) != 0)
                    .map(|(_, id)| (*id).clone())
                    .chain(banded.iter().map(|id| (*id).clone()))
                    .chain(flow.restrict.keys().cloned())
                    .collect();
                // Dimensions in a fixed order within every set, whatever the registry order.
                set.sort_by_key(|id| dimensions.iter().position(|d| &d.id == id));
                if !grouping_sets.contains(&set) {
                    grouping_sets.push(set);
                }
            }
        }
        grouping_sets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        let mut statuses: Vec<Status> = Vec::new();
        for m in &registry.measures {
            for s in m.numerator.iter().chain(m.denominator.iter().flatten()) {
                if !statuses.contains(s) {
                    statuses.push(s.clone());
                }
            }
        }
        Ok(TabulationPlan {
            dimensions,
            grouping_sets,
            statuses,
            largest_contributions: None,
        })
    }

    /// The dimension with this id.
    pub fn dimension(&self, id: &str) -> Option<&PlanDimension> {
        self.dimensions.iter().find(|d| d.id == id)
    }

    /// The band of a banded dimension that a dataflow without that dimension counts: the
    /// first, in publication order, with no upper limit from the lowest age of any band
    /// (AGE: `AGE_YTHADULT_YGE15`, every age in scope).
    pub fn whole_band<'d>(&self, dim: &'d PlanDimension) -> Option<&'d str> {
        let DimensionKind::Banded { bands } = &dim.kind else {
            return None;
        };
        let lowest = bands.iter().map(|b| b.min_age).min()?;
        bands
            .iter()
            .find(|b| b.min_age == lowest && b.max_age.is_none())
            .map(|b| b.code.as_str())
    }

    /// The weighted and unweighted sums of `statuses` in `totals`.
    pub fn sum(&self, totals: &crate::query::Totals, statuses: &[String]) -> (i128, i64) {
        if totals.weights.is_empty() {
            return (0, 0);
        }
        statuses
            .iter()
            .map(|s| self.status_index(s))
            .fold((0, 0), |(w, n), i| {
                (w + totals.weights[i], n + totals.records[i])
            })
    }

    /// The largest contributions to `statuses` together in a cell (at most
    /// `largest_contributions` of them, largest first).
    pub fn largest(&self, totals: &crate::query::Totals, statuses: &[String]) -> Vec<i128> {
        if totals.largest.is_empty() {
            return Vec::new();
        }
        crate::dominance::merge_largest(
            statuses
                .iter()
                .map(|s| totals.largest[self.status_index(s)].as_slice()),
            self.largest_contributions.unwrap_or(0),
        )
    }

    /// The position of a status among the plan's statuses.
    pub fn status_index(&self, status: &str) -> usize {
        self.statuses
            .iter()
            .position(|s| s == status)
            .expect("every measure status is in the plan")
    }

    /// The categorical dimensions (those that can be rolled up).
    pub fn categorical(&self) -> impl Iterator<Item = &PlanDimension> {
        self.dimensions
            .iter()
            .filter(|d| matches!(d.kind, DimensionKind::Categorical { .. }))
    }
}

impl fmt::Display for TabulationPlan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "TabulationPlan")?;
        for d in &self.dimensions {
            match &d.kind {
                DimensionKind::Categorical {
                    total,
                    observed: true,
                    ..
                } => writeln!(
                    f,
                    "  dimension {} <- {}: {} = the codes observed",
                    d.id, d.column, total
                )?,
                DimensionKind::Categorical { total, codes, .. } => writeln!(
                    f,
                    "  dimension {} <- {}: {} = {}",
                    d.id,
                    d.column,
                    total,
                    codes.join(" + ")
                )?,
                DimensionKind::Banded { bands } => writeln!(
                    f,
                    "  dimension {} <- {}: {} bands",
                    d.id,
                    d.column,
                    bands.len()
                )?,
            }
        }
        for s in &self.grouping_sets {
            writeln!(f, "  grouping set ({})", s.join(", "))?;
        }
        // Bare statuses count in-scope persons; the other terms count in their population
        // (`registry::split_term`).
        let (in_scope, others): (Vec<&String>, Vec<&String>) = self
            .statuses
            .iter()
            .partition(|s| !s.contains(':') && STATUSES.contains(&s.as_str()));
        let list = |terms: &[&String]| {
            terms
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        write!(
            f,
            "  sum weight and records of in-scope persons by lfs in {{{}}}",
            list(&in_scope)
        )?;
        if !others.is_empty() {
            write!(
                f,
                "\n  sum weight and records of the persons of populations {{{}}}",
                list(&others)
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use migstat_artefacts::reference::Reference;

    /// The plan of the bundled registry's dataflows that `keep` says, alone.
    fn plan_of(
        keep: impl Fn(&migstat_artefacts::registry::DataflowSpec) -> bool,
    ) -> TabulationPlan {
        let r = Reference::bundled().unwrap();
        let mut registry = r.registry.clone();
        registry.dataflows.retain(|d| keep(d));
        let used: Vec<String> = registry
            .dataflows
            .iter()
            .map(|d| d.measure.clone())
            .collect();
        registry.measures.retain(|m| used.contains(&m.id));
        TabulationPlan::new(&registry, &r.age_bands).unwrap()
    }

    fn is_contract(d: &migstat_artefacts::registry::DataflowSpec) -> bool {
        d.id.starts_with("DF_MST_")
            && d.breakdowns.len() == 3
            && d.breakdowns[..2] == ["SEX", "AGE"]
            && ["CBR", "CCT"].contains(&d.breakdowns[2].as_str())
    }

    #[test]
    fn the_contract_dataflows_need_six_grouping_sets_in_one_pass() {
        let plan = plan_of(is_contract);
        assert_eq!(
            plan.to_string(),
            "TabulationPlan
  dimension SEX <- sex: SEX_T = SEX_M + SEX_F + SEX_O
  dimension AGE <- age: 16 bands
  dimension CBR <- cbr: CBR_BIR_TOTAL = CBR_BIR_NATIVE + CBR_BIR_FOREIGN + CBR_BIR_X
  dimension CCT <- cct: CCT_CIT_TOTAL = CCT_CIT_CITIZEN + CCT_CIT_NONCIT + CCT_CIT_X
  grouping set (SEX, AGE, CBR)
  grouping set (SEX, AGE, CCT)
  grouping set (SEX, AGE)
  grouping set (AGE, CBR)
  grouping set (AGE, CCT)
  grouping set (AGE)
  sum weight and records of in-scope persons by lfs in {EMP, UNE, OLF}"
        );
    }

    #[test]
    fn the_migration_dataflows_count_their_populations_in_the_same_pass() {
        let migration = ["RES", "NRT", "DRS", "RSN"];
        let plan = plan_of(|d| {
            is_contract(d)
                || !d.requires.is_empty()
                || d.breakdowns.iter().any(|b| migration.contains(&b.as_str()))
        });
        let text = plan.to_string();
        for line in [
            "  dimension RES <- residence_status: RES_STATUS_TOTAL = RES_STATUS_RESIDENT + \
             RES_STATUS_NONRESIDENT",
            "  dimension DRS <- residence_duration: DRS_YRS_TOTAL = DRS_YRS_YLT1 + \
             DRS_YRS_Y1-4 + DRS_YRS_Y5-9 + DRS_YRS_YGE10 + DRS_YRS_X + DRS_YRS_NA",
            "  grouping set (SEX, AGE, RES)",
            "  grouping set (SEX, AGE, CBR, DRS)",
            "  grouping set (AGE, NRT)",
            "  grouping set (AGE, RSN)",
            "  sum weight and records of in-scope persons by lfs in {EMP, UNE, OLF}",
            "  sum weight and records of the persons of populations \
             {international_migrant_worker_cbr, international_migrant_worker_cct, \
             nonresident_foreign_worker, recent_immigrant, recent_for_work_immigrant, \
             return_migrant, return_migrant_worker}",
        ] {
            assert!(text.lines().any(|l| l == line), "{line} in\n{text}");
        }
        // One counter per population (every status at once), after the three statuses.
        assert_eq!(plan.statuses.len(), 3 + 7);
        assert!(plan
            .grouping_sets
            .iter()
            .all(|s| s.contains(&"AGE".to_string())));
    }

    #[test]
    fn the_breakdown_dataflows_group_by_age_too_and_by_their_restriction() {
        let breakdowns = ["EDU", "ECO", "OCU", "STE", "CBR_BRT", "CCT_CTZ"];
        let plan = plan_of(|d| {
            is_contract(d)
                || d.breakdowns
                    .iter()
                    .any(|b| breakdowns.contains(&b.as_str()))
        });
        let text = plan.to_string();
        for line in [
            "  dimension EDU <- edu: EDU_AGGREGATE_TOTAL = EDU_AGGREGATE_LTB + \
             EDU_AGGREGATE_BAS + EDU_AGGREGATE_INT + EDU_AGGREGATE_ADV + EDU_AGGREGATE_X",
            "  dimension CBR_BRT <- cbr_country: CBR_BRT_TOTAL = the codes observed",
            "  dimension CCT_CTZ <- cct_country: CCT_CTZ_TOTAL = the codes observed",
            // SEX x EDU x CBR: 8 sets, each with AGE (the flows count AGE_YTHADULT_YGE15).
            "  grouping set (SEX, AGE, CBR, EDU)",
            "  grouping set (AGE, EDU)",
            "  grouping set (SEX, AGE, CCT, STE)",
            // The foreign-born by country of birth: CBR always grouped (CBR_BIR_FOREIGN).
            "  grouping set (SEX, AGE, CBR, CBR_BRT)",
            "  grouping set (AGE, CBR, CBR_BRT)",
            "  grouping set (AGE, CCT, CCT_CTZ)",
        ] {
            assert!(text.lines().any(|l| l == line), "{line} in\n{text}");
        }
        // No set without the banded AGE: its overlapping bands would be summed.
        assert!(plan
            .grouping_sets
            .iter()
            .all(|s| s.contains(&"AGE".to_string())));
        // The contract's 6 sets; for each of EDU, ECO, OCU, STE the subsets of
        // {SEX, it, CBR} and {SEX, it, CCT} that hold it, {it} and {SEX, it} shared by both
        // axes: 6 each; the country detail: {SEX?, AGE, axis, detail}, 2 per axis.
        assert_eq!(plan.grouping_sets.len(), 6 + 4 * 6 + 2 * 2);
        let mut sorted = plan.grouping_sets.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), plan.grouping_sets.len(), "no set twice");
        let age = plan.dimension("AGE").unwrap();
        assert_eq!(plan.whole_band(age), Some("AGE_YTHADULT_YGE15"));
        assert_eq!(plan.whole_band(plan.dimension("SEX").unwrap()), None);
    }
}
