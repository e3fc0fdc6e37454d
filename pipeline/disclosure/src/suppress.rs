//! Primary and secondary cell suppression.

use std::cmp::Ordering;
use std::collections::BTreeSet;

use crate::exact::{zeros_of, Span};
use crate::lp;
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
    /// Secondary: suppressed in step 3 because the exposure test found a
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
    suppress_within(table, primary, i128::MAX).0
}

/// [`suppress`] with the exact arithmetic capped at `limit` (tests lower it
/// to exercise the LP fallback), and whether it fell back to the LP audit.
fn suppress_within(table: &Table, primary: &[bool], limit: i128) -> (Vec<Reason>, bool) {
    assert_eq!(primary.len(), table.len(), "one flag per cell");
    let mut state = State {
        table,
        suppressed: vec![false; table.len()],
        reasons: vec![Reason::None; table.len()],
        check: Check::Exact(Box::new(Span::of_table(table, &[], limit))),
        pending: BTreeSet::new(),
    };
    for c in (0..table.len()).filter(|&c| primary[c]) {
        state.hide(c, Reason::Primary);
    }
    state.pending = (0..table.relations().len()).collect();
    loop {
        state.complete_relations();
        let Some(cell) = state.first_exposed() else {
            break;
        };
        match audit_complement(table, &state.suppressed, cell) {
            Some(c) => state.hide(c, Reason::Audit),
            // Every cell related to the exposed one, however indirectly, is
            // already suppressed: nothing left to add.
            None => break,
        }
    }
    (state.reasons, matches!(state.check, Check::Lp))
}

/// How exposure is decided: exactly and incrementally, or (should a number
/// ever outgrow the exact arithmetic) by the LP audit.
enum Check {
    Exact(Box<Span>),
    Lp,
}

struct State<'a> {
    table: &'a Table,
    suppressed: Vec<bool>,
    reasons: Vec<Reason>,
    check: Check,
    /// Relations whose number of suppressed members changed since step 2
    /// last looked at them.
    pending: BTreeSet<usize>,
}

impl State<'_> {
    fn hide(&mut self, cell: usize, reason: Reason) {
        if self.suppressed[cell] {
            return;
        }
        self.suppressed[cell] = true;
        self.reasons[cell] = reason;
        self.pending
            .extend(self.table.relations_of(cell).iter().copied());
        if let Check::Exact(span) = &mut self.check {
            if span.suppress(cell).is_err() {
                self.check = Check::Lp;
            }
        }
    }

    /// The first exposed cell (smallest index), if any.
    fn first_exposed(&mut self) -> Option<usize> {
        if let Check::Exact(span) = &self.check {
            match span.exposed(self.table, &zeros_of(self.table, &self.suppressed)) {
                Ok(cells) => return cells.first().copied(),
                Err(_) => self.check = Check::Lp,
            }
        }
        lp::exposed(self.table, &self.suppressed, false)
            .first()
            .map(|e| e.0)
    }

    /// Step 2: until no relation has exactly one suppressed member, give
    /// each such relation a second one. Relations are visited in passes in
    /// index order, as if every relation were looked at in every pass; only
    /// those whose count changed can need a cell, so only they are.
    fn complete_relations(&mut self) {
        let mut from = 0;
        loop {
            let next = self
                .pending
                .range(from..)
                .next()
                .or_else(|| self.pending.iter().next())
                .copied();
            let Some(r) = next else {
                break;
            };
            self.pending.remove(&r);
            from = r + 1;
            let rel = &self.table.relations()[r];
            if rel.members().filter(|&m| self.suppressed[m]).count() != 1 {
                continue;
            }
            let pick = rel
                .members()
                .filter(|&m| !self.suppressed[m])
                .map(|m| (m, m == rel.total))
                .min_by(|&a, &b| cost_order(self.table, a, b));
            if let Some((c, _)) = pick {
                self.hide(c, Reason::Complementary);
            }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit;

    /// The triangle `X = a + b`, `Y = a + c`, `Z = b + c` needs a
    /// coefficient 2 to solve: with the exact arithmetic capped at 1 the
    /// first update overflows and the LP audit takes over, with the same
    /// result.
    #[test]
    fn when_the_exact_arithmetic_overflows_the_lp_audit_takes_over() {
        let t = crate::examples::triangle();
        let p = [true, false, false, false, false, false];
        let (exact, fell_back) = suppress_within(&t, &p, i128::MAX);
        assert!(!fell_back);
        let (fallback, fell_back) = suppress_within(&t, &p, 1);
        assert!(fell_back);
        assert_eq!(fallback, exact);
        assert_eq!(exact[3], Reason::Audit);
        let s: Vec<bool> = fallback.iter().map(|r| r.is_suppressed()).collect();
        assert!(audit(&t, &s).is_empty());
    }
}
