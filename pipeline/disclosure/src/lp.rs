//! Feasible intervals of suppressed cells by linear programming.
//!
//! The unknowns are the suppressed cells; published cells are constants.
//! Every relation with at least one suppressed member becomes an equality
//! `Σ_suppressed ±x = -Σ_published ±v` (+1 for the total, -1 for a part), and
//! every unknown is `>= 0`. Suppressed cells that share no relation, directly
//! or through other suppressed cells, do not constrain each other, so the
//! LP is solved per connected component. Values are divided by the largest
//! cell value of the table so that the solver's absolute tolerances act as
//! relative ones. Every optimum the solver returns is checked against the
//! constraints before it is used.
//!
//! A maximum is infinite exactly when the cone `{d >= 0, A d = 0}` has a
//! direction with `d_cell > 0` (a recession direction: adding any multiple
//! of it to a solution gives another). That is decided by a second, always
//! bounded LP — maximise `d_cell` over that cone cut at `d <= 1` — because
//! minilp 0.2 does not always report an unbounded LP as such (it can
//! return NaN values instead). The maximising LP itself is then solved
//! only when it is bounded, with every unknown capped at [`BIG`] as a
//! safeguard.

use std::panic::{catch_unwind, AssertUnwindSafe};

use minilp::{ComparisonOp, OptimizationDirection, Problem};

use crate::Table;

/// The suppressed cells linked by relations, and the relations that bind
/// them.
struct Component {
    /// Suppressed cells, ascending; position = LP variable.
    cells: Vec<usize>,
    /// Relations with at least one member among `cells`, ascending.
    relations: Vec<usize>,
}

/// Connected components of the suppressed cells, ordered by their smallest
/// cell.
fn components(table: &Table, suppressed: &[bool]) -> Vec<Component> {
    let n = table.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    for rel in table.relations() {
        let mut first = None;
        for m in rel.members().filter(|&m| suppressed[m]) {
            match first {
                None => first = Some(m),
                Some(f) => {
                    let (a, b) = (find(&mut parent, f), find(&mut parent, m));
                    if a != b {
                        parent[a.max(b)] = a.min(b);
                    }
                }
            }
        }
    }
    let mut slot = vec![usize::MAX; n];
    let mut comps: Vec<Component> = Vec::new();
    for c in (0..n).filter(|&c| suppressed[c]) {
        let root = find(&mut parent, c);
        if slot[root] == usize::MAX {
            slot[root] = comps.len();
            comps.push(Component {
                cells: Vec::new(),
                relations: Vec::new(),
            });
        }
        comps[slot[root]].cells.push(c);
    }
    for (r, rel) in table.relations().iter().enumerate() {
        if let Some(m) = rel.members().find(|&m| suppressed[m]) {
            let root = find(&mut parent, m);
            comps[slot[root]].relations.push(r);
        }
    }
    comps
}

/// Upper bound put on every unknown, in units of the table's largest value:
/// far above any vertex of a bounded problem, it only keeps a solver from
/// wandering off when an unknown other than the one optimised is unbounded.
const BIG: f64 = 1e6;

/// Result of one LP.
enum Outcome {
    /// Optimum (scaled) and the values of all variables at it, checked to
    /// satisfy every constraint: a feasible point, whatever the solver's
    /// accuracy.
    Optimal(f64, Vec<f64>),
    /// Infeasible, a numerical failure of the solver, or an answer that
    /// does not check.
    Failed,
}

/// One component as an LP, ready to be optimised for any of its cells.
struct ComponentLp<'a> {
    comp: &'a Component,
    /// `(variable, coefficient)` terms and right-hand side, scaled.
    rows: Vec<(Vec<(usize, f64)>, f64)>,
}

impl<'a> ComponentLp<'a> {
    fn new(table: &Table, suppressed: &[bool], comp: &'a Component) -> ComponentLp<'a> {
        let scale = table.scale();
        let var = |cell: usize| comp.cells.binary_search(&cell).expect("cell of component");
        let rows = comp
            .relations
            .iter()
            .map(|&r| {
                let rel = &table.relations()[r];
                let mut terms = Vec::new();
                let mut rhs = 0.0;
                for (m, coeff) in rel
                    .members()
                    .zip(std::iter::once(1.0).chain(std::iter::repeat(-1.0)))
                {
                    if suppressed[m] {
                        terms.push((var(m), coeff));
                    } else {
                        rhs -= coeff * table.cells()[m].value / scale;
                    }
                }
                (terms, rhs)
            })
            .collect();
        ComponentLp { comp, rows }
    }

    /// True when `x` satisfies every bound within `bound_slack` and every
    /// constraint within `row_slack` (relative to the size of its terms).
    /// The LU solve makes residuals tiny; bounds may be missed by up to the
    /// solver's feasibility tolerance (1e-8) plus the relaxation in
    /// [`ComponentLp::solve`]. Both slacks are far below the audit's
    /// tolerance (1e-6), so checked points that differ by more than it are
    /// genuinely different solutions.
    fn satisfies(&self, x: &[f64], bound_slack: f64, row_slack: f64) -> bool {
        x.iter()
            .all(|&v| v.is_finite() && v >= -bound_slack && v <= BIG + bound_slack)
            && self.rows.iter().all(|(terms, rhs)| {
                let (sum, mag) = terms.iter().fold((0.0, 0.0), |(s, m), &(v, c)| {
                    (s + c * x[v], m + (c * x[v]).abs())
                });
                (sum - rhs).abs() <= row_slack * (1.0 + mag + rhs.abs())
            })
    }

    /// Optimises variable `target` with lower bounds `lower` (scaled).
    fn solve_with(&self, target: usize, dir: OptimizationDirection, lower: f64) -> Outcome {
        let mut p = Problem::new(dir);
        let vars: Vec<_> = (0..self.comp.cells.len())
            .map(|v| p.add_var(if v == target { 1.0 } else { 0.0 }, (lower, BIG)))
            .collect();
        for (terms, rhs) in &self.rows {
            let expr: Vec<_> = terms.iter().map(|&(v, c)| (vars[v], c)).collect();
            p.add_constraint(expr.as_slice(), ComparisonOp::Eq, *rhs);
        }
        // minilp 0.2 can panic on a numerically singular basis (it unwraps
        // its LU factorisation); treat that as a failed solve.
        match catch_unwind(AssertUnwindSafe(|| p.solve())) {
            Ok(Ok(sol)) => {
                let values: Vec<f64> = vars.iter().map(|&v| sol[v]).collect();
                if self.satisfies(&values, 2e-7, 1e-9) {
                    Outcome::Optimal(values[target], values)
                } else {
                    Outcome::Failed
                }
            }
            Ok(Err(_)) | Err(_) => Outcome::Failed,
        }
    }

    /// Optimises variable `target`; retries once with lower bounds relaxed
    /// by 1e-7 (scaled) when rounding in the published values makes the
    /// exact problem look infeasible.
    fn solve(&self, target: usize, dir: OptimizationDirection) -> Outcome {
        match self.solve_with(target, dir, 0.0) {
            Outcome::Failed => self.solve_with(target, dir, -1e-7),
            o => o,
        }
    }
}

impl ComponentLp<'_> {
    /// A checked recession direction `d >= 0`, `A d = 0`, with
    /// `d[target] = 1`, if there is one: then `target` has no finite
    /// maximum. `None` when there is none, or when the solver's answer does
    /// not check.
    fn recession(&self, target: usize) -> Option<Vec<f64>> {
        let mut p = Problem::new(OptimizationDirection::Maximize);
        let vars: Vec<_> = (0..self.comp.cells.len())
            .map(|v| p.add_var(if v == target { 1.0 } else { 0.0 }, (0.0, 1.0)))
            .collect();
        for (terms, _) in &self.rows {
            let expr: Vec<_> = terms.iter().map(|&(v, c)| (vars[v], c)).collect();
            p.add_constraint(expr.as_slice(), ComparisonOp::Eq, 0.0);
        }
        let sol = catch_unwind(AssertUnwindSafe(|| p.solve())).ok()?.ok()?;
        let d: Vec<f64> = vars.iter().map(|&v| sol[v].clamp(0.0, 1.0)).collect();
        let homogeneous = self.rows.iter().all(|(terms, _)| {
            let sum: f64 = terms.iter().map(|&(v, c)| c * d[v]).sum();
            sum.abs() <= 1e-9 * (1.0 + terms.len() as f64)
        });
        (homogeneous && d[target] >= 0.5).then_some(d)
    }
}

/// The feasible interval of `cell`: the minimum and maximum of its value
/// over all non-negative values of the suppressed cells that satisfy every
/// relation, the published cells being fixed at their values.
///
/// A published cell's interval is its value. The maximum is `f64::INFINITY`
/// when nothing bounds the cell (e.g. a suppressed total in no other
/// relation). Should the LP solver fail numerically, the interval returned
/// is the point `(value, value)`, so that the audit errs towards protection.
///
/// # Panics
///
/// If `suppressed.len()` differs from the number of cells or `cell` is out
/// of range.
pub fn feasible_interval(table: &Table, suppressed: &[bool], cell: usize) -> (f64, f64) {
    assert_eq!(suppressed.len(), table.len(), "one flag per cell");
    let value = table.cells()[cell].value;
    if !suppressed[cell] {
        return (value, value);
    }
    let comps = components(table, suppressed);
    let comp = comps
        .iter()
        .find(|c| c.cells.binary_search(&cell).is_ok())
        .expect("suppressed cell has a component");
    let lp = ComponentLp::new(table, suppressed, comp);
    let target = comp.cells.binary_search(&cell).expect("cell of component");
    let scale = table.scale();
    let lo = match lp.solve(target, OptimizationDirection::Minimize) {
        Outcome::Optimal(v, _) => (v * scale).max(0.0),
        _ => return (value, value),
    };
    if lp.recession(target).is_some() {
        return (lo, f64::INFINITY);
    }
    let hi = match lp.solve(target, OptimizationDirection::Maximize) {
        Outcome::Optimal(v, _) => (v * scale).max(lo),
        Outcome::Failed => return (value, value),
    };
    (lo, hi)
}

/// Suppressed cells whose feasible interval is a point (width at most
/// [`Table::tolerance`]), as `(cell, min, max)`, ascending by cell.
///
/// After [`crate::suppress`] this is empty, unless the table left no cell
/// to add (see the crate documentation).
///
/// # Panics
///
/// If `suppressed.len()` differs from the number of cells.
pub fn audit(table: &Table, suppressed: &[bool]) -> Vec<(usize, f64, f64)> {
    exposed(table, suppressed, false)
}

/// The audit; with `first_only`, stops at the first exposed cell of the
/// first component that has one.
///
/// Every optimum found is a feasible point of the component (checked
/// against the constraints, not taken on the solver's word), so the range
/// of values a variable has taken over the optima solved so far is a lower
/// bound on its interval's width: a cell whose witnessed range already
/// exceeds the tolerance needs no LP of its own. This typically saves most
/// of the `2 × suppressed` solves. It also makes the audit one-sided in the
/// safe direction: a cell is declared protected only on two checked
/// feasible points that differ by more than the tolerance; a solver failure
/// or inaccuracy can only make it declare a cell exposed.
pub(crate) fn exposed(
    table: &Table,
    suppressed: &[bool],
    first_only: bool,
) -> Vec<(usize, f64, f64)> {
    assert_eq!(suppressed.len(), table.len(), "one flag per cell");
    let scale = table.scale();
    let tol = table.tolerance() / scale;
    let mut out = Vec::new();
    for comp in components(table, suppressed) {
        let lp = ComponentLp::new(table, suppressed, &comp);
        let k = comp.cells.len();
        let mut seen_lo = vec![f64::INFINITY; k];
        let mut seen_hi = vec![f64::NEG_INFINITY; k];
        let witness = |lo: &mut [f64], hi: &mut [f64], values: &[f64]| {
            for (v, &x) in values.iter().enumerate() {
                lo[v] = lo[v].min(x);
                hi[v] = hi[v].max(x);
            }
        };
        let mut found = Vec::new();
        for target in 0..k {
            if seen_hi[target] - seen_lo[target] > tol {
                continue;
            }
            let cell = comp.cells[target];
            let value = table.cells()[cell].value;
            let (lo, at_min) = match lp.solve(target, OptimizationDirection::Minimize) {
                Outcome::Optimal(v, values) => {
                    witness(&mut seen_lo, &mut seen_hi, &values);
                    (v, values)
                }
                Outcome::Failed => {
                    found.push((cell, value, value));
                    continue;
                }
            };
            if seen_hi[target] - seen_lo[target] > tol {
                continue;
            }
            if let Some(d) = lp.recession(target) {
                // Unbounded: the minimum plus the direction is another
                // feasible point, one unit (of the scale) higher.
                let moved: Vec<f64> = at_min.iter().zip(&d).map(|(x, d)| x + d).collect();
                witness(&mut seen_lo, &mut seen_hi, &moved);
                continue;
            }
            let hi = match lp.solve(target, OptimizationDirection::Maximize) {
                Outcome::Optimal(v, values) => {
                    witness(&mut seen_lo, &mut seen_hi, &values);
                    v
                }
                Outcome::Failed => {
                    found.push((cell, value, value));
                    continue;
                }
            };
            if hi - lo <= tol {
                found.push((cell, (lo * scale).max(0.0), (hi * scale).max(0.0)));
            }
        }
        if first_only && !found.is_empty() {
            found.truncate(1);
            return found;
        }
        out.extend(found);
    }
    out.sort_by_key(|&(c, _, _)| c);
    out
}
