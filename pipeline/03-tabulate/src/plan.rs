//! The logical tabulation plan: what to group by and what to sum, from the registry alone.

use std::fmt;

use migstat_artefacts::reference::AgeBand;
use migstat_artefacts::registry::{Registry, Status};
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
    /// SDMX dimension id, e.g. `SEX`.
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
    /// banded dimensions always grouped, every subset of its categorical dimensions grouped
    /// and the others rolled up (a rolled-up dimension is its total code).
    pub fn new(registry: &Registry, bands: &[AgeBand]) -> Result<TabulationPlan> {
        let mut dimensions: Vec<PlanDimension> = Vec::new();
        let mut grouping_sets: Vec<Vec<String>> = Vec::new();
        for flow in &registry.dataflows {
            for id in &flow.breakdowns {
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
            let categorical: Vec<&String> = flow
                .breakdowns
                .iter()
                .filter(|id| registry.breakdowns[*id].bands.is_none())
                .collect();
            for mask in 0u32..(1 << categorical.len()) {
                let set: Vec<String> = flow
                    .breakdowns
                    .iter()
                    .filter(|id| match categorical.iter().position(|c| c == id) {
                        Some(i) => mask & (1 << i) != 0,
                        None => true,
                    })
                    .cloned()
                    .collect();
                if !grouping_sets.contains(&set) {
                    grouping_sets.push(set);
                }
            }
        }
        // Dimensions in a fixed order within every set, whatever the registry order.
        for set in &mut grouping_sets {
            set.sort_by_key(|id| dimensions.iter().position(|d| &d.id == id));
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
        write!(
            f,
            "  sum weight and records of in-scope persons by lfs in {{{}}}",
            self.statuses.join(", ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use migstat_artefacts::reference::Reference;

    #[test]
    fn the_contract_dataflows_need_six_grouping_sets_in_one_pass() {
        let r = Reference::bundled().unwrap();
        let plan = TabulationPlan::new(&r.registry, &r.age_bands).unwrap();
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
}
