//! Primary and secondary cell suppression.

use std::cmp::Ordering;

use crate::lp::exposed;
use crate::Table;

/// Why a cell is or is not published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reason {
    /// Primary confidential: flagged by the caller (for migstat, the
    /// frequency rule `0 < n < k`, see [`primary_by_frequency`]).
    Primary,
    /// Secondary: suppressed in step 2 because a relation had exactly one
    /// suppressed member, which the others would have given away.
    Complementary,
    /// Secondary: suppressed in step 3 because the LP audit found a
    /// suppressed cell recomputable through a combination of relations (or
    /// pinned by non-negativity).
    Audit,
    /// Published.
    None,
}

impl Reason {
    /// True unless the cell is published.
    pub fn is_suppressed(self) -> bool {
        self != Reason::None
    }

    /// The SDMX `CONF_STATUS` code (`CL_CONF_STATUS`): `C` primary
    /// confidential, `D` secondary confidential, `F` free.
    pub fn conf_status(self) -> &'static str {
        match self {
            Reason::Primary => "C",
            Reason::Complementary | Reason::Audit => "D",
            Reason::None => "F",
        }
    }
}

/// The frequency rule of the contract: a cell with `0 < n < k` unweighted
/// records is primary confidential. With `k = 0` or `k = 1` no cell is.
pub fn primary_by_frequency(table: &Table, k: u64) -> Vec<bool> {
    table.cells().iter().map(|c| c.n > 0 && c.n < k).collect()
}

/// Chooses the secondary suppressions that protect the `primary` cells.
///
/// Deterministic: the same table and flags give the same result. Primary
/// cells are always suppressed. See the crate documentation for the
/// algorithm.
///
/// # Panics
///
/// If `primary.len()` differs from the number of cells.
pub fn suppress(table: &Table, primary: &[bool]) -> Vec<Reason> {
    assert_eq!(primary.len(), table.len(), "one flag per cell");
    let mut reasons: Vec<Reason> = primary
        .iter()
        .map(|&p| if p { Reason::Primary } else { Reason::None })
        .collect();
    let mut suppressed = primary.to_vec();
    loop {
        complete_relations(table, &mut suppressed, &mut reasons);
        let Some(&(cell, _, _)) = exposed(table, &suppressed, true).first() else {
            break;
        };
        match audit_complement(table, &suppressed, cell) {
            Some(c) => {
                suppressed[c] = true;
                reasons[c] = Reason::Audit;
            }
            // Every cell related to the exposed one, however indirectly, is
            // already suppressed: nothing left to add.
            None => break,
        }
    }
    reasons
}

/// Step 2: until no relation has exactly one suppressed member, give each
/// such relation a second one.
fn complete_relations(table: &Table, suppressed: &mut [bool], reasons: &mut [Reason]) {
    loop {
        let mut changed = false;
        for rel in table.relations() {
            if rel.members().filter(|&m| suppressed[m]).count() != 1 {
                continue;
            }
            let pick = rel
                .members()
                .filter(|&m| !suppressed[m])
                .map(|m| (m, m == rel.total))
                .min_by(|&a, &b| cost_order(table, a, b));
            if let Some((c, _)) = pick {
                suppressed[c] = true;
                reasons[c] = Reason::Complementary;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
}

/// Step 3: the cheapest published cell sharing a relation with `cell`; if
/// all those are suppressed or zero-count, the cheapest one a relation
/// further away, and so on. A zero-count cell is chosen only when no
/// other published cell is connected to `cell` at all (then the cheapest
/// one nearest to it).
fn audit_complement(table: &Table, suppressed: &[bool], cell: usize) -> Option<usize> {
    let mut rel_done = vec![false; table.relations().len()];
    let mut cell_done = vec![false; table.len()];
    cell_done[cell] = true;
    let mut frontier = vec![cell];
    let mut zero_fallback = None;
    while !frontier.is_empty() {
        let mut level: Vec<usize> = Vec::new();
        for &c in &frontier {
            for &r in table.relations_of(c) {
                if !rel_done[r] {
                    rel_done[r] = true;
                    level.push(r);
                }
            }
        }
        level.sort_unstable();
        let mut is_total = vec![false; table.len()];
        let mut members: Vec<usize> = Vec::new();
        for &r in &level {
            let rel = &table.relations()[r];
            is_total[rel.total] = true;
            members.extend(rel.members());
        }
        members.sort_unstable();
        members.dedup();
        let pick = members
            .iter()
            .filter(|&&m| !suppressed[m])
            .map(|&m| (m, is_total[m]))
            .min_by(|&a, &b| cost_order(table, a, b));
        match pick {
            Some((c, _)) if !table.cells()[c].is_zero_count() => return Some(c),
            Some((c, _)) if zero_fallback.is_none() => zero_fallback = Some(c),
            _ => {}
        }
        frontier = members.into_iter().filter(|&m| !cell_done[m]).collect();
        for &m in &frontier {
            cell_done[m] = true;
        }
    }
    zero_fallback
}

/// The cost rule, cheapest first: cells that are not zero-count before
/// zero-count ones (a structural zero is chosen only when nothing else is
/// left), non-totals before totals, then smaller value, smaller `n`, key
/// order and index.
fn cost_order(table: &Table, (a, a_total): (usize, bool), (b, b_total): (usize, bool)) -> Ordering {
    let (ca, cb) = (&table.cells()[a], &table.cells()[b]);
    ca.is_zero_count()
        .cmp(&cb.is_zero_count())
        .then(a_total.cmp(&b_total))
        .then(ca.value.total_cmp(&cb.value))
        .then(ca.n.cmp(&cb.n))
        .then_with(|| ca.key.cmp(&cb.key))
        .then(a.cmp(&b))
}
