//! Secondary suppression: which published cells must also be hidden so that no
//! confidential cell can be recomputed.
//!
//! Each count measure is one table of `migstat-disclosure` (its algorithm is described
//! there): the cells of its place-of-birth and citizenship dataflows with every additive
//! relation along SEX, AGE (the three age families, their nesting and equal copies) and
//! the migrant axis, plus the equalities linking the two flows (their CBR and CCT totals
//! are the same persons). Cells are protected on their exact weighted values. A rate is
//! then hidden wherever the count of its numerator or denominator is hidden (a published
//! rate and denominator would give the numerator back).
//!
//! Not covered: relations between measures (XWAP = TEMP + TUNE + TEIP).

use std::collections::{BTreeMap, HashSet};

use migstat_artefacts::registry::Registry;
use migstat_artefacts::schema::WEIGHT_SCALE;
use migstat_artefacts::{Error, Result};
use migstat_disclosure::{ilo, suppress, Cell, Relation, Table};

use crate::cells::CellEstimate;

/// The indices (into `cells`) of the cells secondary suppression hides.
pub fn complementary_cells(registry: &Registry, cells: &[CellEstimate]) -> Result<HashSet<usize>> {
    let mut chosen = HashSet::new();
    let is_count = |c: &CellEstimate| {
        registry
            .measure(&registry.dataflows[c.flow].measure)
            .is_some_and(|m| m.denominator.is_none())
    };
    // Count cells grouped by measure (both migrant axes in one table).
    let mut by_measure: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, c) in cells.iter().enumerate().filter(|(_, c)| is_count(c)) {
        by_measure
            .entry(&registry.dataflows[c.flow].measure)
            .or_default()
            .push(i);
    }
    for members in by_measure.values() {
        let mut table_cells = Vec::new();
        let mut relations = Vec::new();
        let mut index_of = Vec::new();
        let mut totals: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
        // One sub-table per dataflow, then equalities between their axis totals.
        let mut by_flow: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for &i in members {
            by_flow.entry(cells[i].flow).or_default().push(i);
        }
        for (flow, idx) in &by_flow {
            let spec = &registry.dataflows[*flow];
            let dims: Vec<migstat_disclosure::Dimension> = spec
                .breakdowns
                .iter()
                .map(|b| match b.as_str() {
                    "SEX" => Ok(ilo::sex_dimension(
                        idx.iter()
                            .any(|&i| cells[i].codes.iter().any(|c| c == "SEX_O")),
                    )),
                    "AGE" => Ok(ilo::age_dimension()),
                    "CBR" => Ok(ilo::birth_dimension(true)),
                    "CCT" => Ok(ilo::citizenship_dimension(true)),
                    other => Err(Error::reference(
                        "schemas/dataflows.toml",
                        format!("secondary suppression has no relations for dimension {other}"),
                    )),
                })
                .collect::<Result<_>>()?;
            let sub: Vec<Cell> = idx
                .iter()
                .map(|&i| {
                    let c = &cells[i];
                    Cell::new(
                        c.codes.clone(),
                        c.numerator as f64 / 10f64.powi(WEIGHT_SCALE as i32),
                        c.n.max(0) as u64,
                    )
                })
                .collect();
            let table = Table::from_dimensions(&dims, sub)
                .map_err(|e| Error::internal(format!("{}: {e}", spec.id)))?;
            let offset = table_cells.len();
            for r in table.relations() {
                relations.push(Relation::new(
                    r.total + offset,
                    r.parts.iter().map(|p| p + offset).collect(),
                ));
            }
            for (k, cell) in table.cells().iter().enumerate() {
                index_of.push(idx[k]);
                // SEX and AGE codes of the axis-total cell, to link the two flows.
                if cell.key.last().is_some_and(|c| c.ends_with("_TOTAL")) {
                    let sex_age = (cell.key[0].clone(), cell.key[1].clone());
                    totals.entry(sex_age).or_default().push(offset + k);
                }
                table_cells.push(cell.clone());
            }
        }
        for same in totals.values().filter(|v| v.len() > 1) {
            relations.push(Relation::new(same[0], same[1..].to_vec()));
        }
        let table = Table::new(table_cells, relations)
            .map_err(|e| Error::internal(format!("disclosure table: {e}")))?;
        let primary: Vec<bool> = index_of
            .iter()
            .map(|&i| cells[i].reason.is_primary())
            .collect();
        for (k, reason) in suppress(&table, &primary).into_iter().enumerate() {
            if reason.is_suppressed() && !primary[k] {
                chosen.insert(index_of[k]);
            }
        }
    }
    // Rates follow the counts they are made of.
    let hidden: HashSet<(String, Vec<String>)> = cells
        .iter()
        .enumerate()
        .filter(|(i, c)| chosen.contains(i) || c.reason.is_primary())
        .map(|(_, c)| (registry.dataflows[c.flow].measure.clone(), c.codes.clone()))
        .collect();
    for (i, c) in cells.iter().enumerate().filter(|(_, c)| !is_count(c)) {
        let measure = registry
            .measure(&registry.dataflows[c.flow].measure)
            .expect("checked");
        let parts = [Some(&measure.numerator), measure.denominator.as_ref()];
        let hides = parts.into_iter().flatten().any(|statuses| {
            count_measure_of(registry, statuses)
                .is_some_and(|m| hidden.contains(&(m.to_string(), c.codes.clone())))
        });
        if hides && !c.reason.is_primary() {
            chosen.insert(i);
        }
    }
    Ok(chosen)
}

/// The count measure whose numerator is exactly these statuses.
fn count_measure_of<'r>(registry: &'r Registry, statuses: &[String]) -> Option<&'r str> {
    let mut wanted: Vec<&String> = statuses.iter().collect();
    wanted.sort();
    registry
        .measures
        .iter()
        .filter(|m| m.denominator.is_none())
        .find(|m| {
            let mut have: Vec<&String> = m.numerator.iter().collect();
            have.sort();
            have == wanted
        })
        .map(|m| m.id.as_str())
}
