//! Exact exposure test by linear algebra over the rationals.
//!
//! # Why linear algebra decides it
//!
//! Write the relations as `A x = 0` (one row per relation: +1 for the total,
//! -1 for each part), `S` for the suppressed cells and `A_S` for the columns
//! of `A` that belong to them. The values a reader finds consistent with the
//! table are the `y >= 0` with `A_S y = b` (the published cells fixed);
//! the true values `x_S` are one of them, and every other one is `x_S + d`
//! with `d` in the null space of `A_S`.
//!
//! * A suppressed cell whose true value is positive can move whenever some
//!   null-space direction `d` has `d_j != 0` *and* can be followed a little
//!   way from `x_S` without making a cell negative. Along `d` only the cells
//!   whose value is 0 can block (the others have room both ways).
//! * So let `Z` be the suppressed cells of value 0 and `C = {d : A_S d = 0,
//!   d_Z >= 0}` the directions that can be followed. A cell is exposed
//!   (its feasible interval is a single point) exactly when every `d` in `C`
//!   has `d_j = 0`.
//! * The zeros that no direction of `C` can raise (`Z_p`, *pinned* by
//!   non-negativity) are found by a small exact LP ([`crate::cone`]) on the
//!   projection of the null space onto `Z`; summing one witness per free zero
//!   gives a direction that raises all free zeros at once, so `C` spans the
//!   linear space `N = {d : A_S d = 0, d_{Z_p} = 0}`.
//! * Hence a cell is exposed exactly when `e_j` lies in the row space of
//!   `A_S` plus the unit rows of `Z_p`: linear algebra. A pinned zero is
//!   treated as a known number (the relation `z = 0` is added).
//!
//! With no zero among the suppressed cells (always the case in migstat,
//! where a cell with records has a positive weight and a zero-count cell is
//! suppressed only as a last resort), no LP runs at all.
//!
//! # How it is computed
//!
//! [`Span`] keeps the row space `V` of `A` split in two, exactly, as sparse
//! integer vectors (each divided by the gcd of its entries, so numbers stay
//! small):
//!
//! * `L`: a spanning set of the combinations of relations that involve
//!   published cells only (zero on `S`);
//! * `B`: combinations whose parts on `S` are linearly independent and in
//!   reduced row echelon form: each has a *pivot* cell in `S` where the
//!   others are zero.
//!
//! The restrictions of `B` to `S` span the row space of `A_S`, so a cell is
//! determined exactly when it is the pivot of a vector with no other
//! suppressed cell. Suppressing one more cell `c` is one update: if some
//! vector of `L` involves `c`, the published cells alone fix `c` (that vector
//! moves to `B` with pivot `c`, after `c` is eliminated from the others);
//! otherwise `c` is a new free column, and every `B` vector that involves it
//! stops determining its pivot. Suppressing a cell never makes a cell
//! suppressed before it determined, so the greedy algorithm pays for each
//! new suppression once, never for a whole recomputation.

use std::collections::BTreeSet;

use crate::cone;
use crate::Table;

/// A number outgrew the arithmetic (`i128`, or the smaller limit a test
/// sets): the caller falls back to the LP audit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Overflow;

/// A sparse integer vector: `(cell, coefficient)` sorted by cell, no zero
/// coefficient, the gcd of the coefficients 1.
type Vector = Vec<(u32, i128)>;

pub(crate) fn gcd(mut a: i128, mut b: i128) -> i128 {
    a = a.abs();
    b = b.abs();
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// `a x + b y`, divided by the gcd of its coefficients.
fn combine(a: i128, x: &Vector, b: i128, y: &Vector, limit: i128) -> Result<Vector, Overflow> {
    let mut out = Vec::with_capacity(x.len() + y.len());
    let (mut i, mut j) = (0, 0);
    // `i128::MIN` has no absolute value: it counts as too large.
    let fits = |v: &i128| v.checked_abs().is_some_and(|a| a <= limit);
    let scaled = |k: i128, v: i128| k.checked_mul(v).filter(fits).ok_or(Overflow);
    while i < x.len() || j < y.len() {
        let (col, v) = match (x.get(i), y.get(j)) {
            (Some(&(cx, vx)), Some(&(cy, _))) if cx < cy => {
                i += 1;
                (cx, scaled(a, vx)?)
            }
            (Some(&(cx, _)), Some(&(cy, vy))) if cy < cx => {
                j += 1;
                (cy, scaled(b, vy)?)
            }
            (Some(&(cx, vx)), Some(&(_, vy))) => {
                i += 1;
                j += 1;
                let s = scaled(a, vx)?
                    .checked_add(scaled(b, vy)?)
                    .filter(fits)
                    .ok_or(Overflow)?;
                (cx, s)
            }
            (Some(&(cx, vx)), None) => {
                i += 1;
                (cx, scaled(a, vx)?)
            }
            (None, Some(&(cy, vy))) => {
                j += 1;
                (cy, scaled(b, vy)?)
            }
            (None, None) => unreachable!("loop condition"),
        };
        if v != 0 {
            out.push((col, v));
        }
    }
    let mut g = 0;
    for &(_, v) in &out {
        g = gcd(g, v);
        if g == 1 {
            break;
        }
    }
    if g > 1 {
        for e in &mut out {
            e.1 /= g;
        }
    }
    Ok(out)
}

/// Removes `slot` from an index list.
fn unlist(list: &mut Vec<u32>, slot: u32) {
    if let Some(k) = list.iter().position(|&s| s == slot) {
        list.swap_remove(k);
    }
}

fn coefficient(v: &Vector, col: u32) -> i128 {
    v.binary_search_by_key(&col, |e| e.0)
        .map(|k| v[k].1)
        .unwrap_or(0)
}

/// Which half of the row space a vector is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    /// Zero on every suppressed cell.
    Published,
    /// Pivot on this suppressed cell.
    Pivot(u32),
    /// Eliminated (the zero vector: a redundant relation).
    Dead,
}

/// The row space of a table's relations, split by the current suppression
/// (see the module documentation).
#[derive(Debug, Clone)]
pub(crate) struct Span {
    vecs: Vec<Vector>,
    part: Vec<Part>,
    /// For a `B` vector, how many of its cells are suppressed.
    suppressed_entries: Vec<u32>,
    /// Per cell, the `L` (published) and `B` (pivot) vectors that involve it
    /// (in no particular order: every use of them is order-free).
    in_published: Vec<Vec<u32>>,
    in_pivot: Vec<Vec<u32>>,
    /// Per cell, the `B` vector whose pivot it is.
    pivot_of: Vec<Option<u32>>,
    suppressed: Vec<bool>,
    /// Suppressed cells determined by the relations (pivots of a `B` vector
    /// with one suppressed entry).
    determined: BTreeSet<u32>,
    limit: i128,
}

impl Span {
    /// Everything published: `L` is every relation.
    pub(crate) fn new(cells: usize, rows: Vec<Vector>, limit: i128) -> Span {
        let mut in_published = vec![Vec::new(); cells];
        for (slot, row) in rows.iter().enumerate() {
            for &(col, _) in row {
                in_published[col as usize].push(slot as u32);
            }
        }
        Span {
            part: vec![Part::Published; rows.len()],
            suppressed_entries: vec![0; rows.len()],
            vecs: rows,
            in_published,
            in_pivot: vec![Vec::new(); cells],
            pivot_of: vec![None; cells],
            suppressed: vec![false; cells],
            determined: BTreeSet::new(),
            limit,
        }
    }

    /// The relations of a table as rows (+1 total, -1 parts), plus a unit
    /// row `z = 0` for each cell of `known_zero`.
    pub(crate) fn of_table(table: &Table, known_zero: &[usize], limit: i128) -> Span {
        let mut rows: Vec<Vector> = table
            .relations()
            .iter()
            .map(|rel| {
                let mut row: Vector = rel
                    .members()
                    .zip(std::iter::once(1).chain(std::iter::repeat(-1)))
                    .map(|(m, c)| (m as u32, c))
                    .collect();
                row.sort_unstable_by_key(|e| e.0);
                row
            })
            .collect();
        rows.extend(known_zero.iter().map(|&z| vec![(z as u32, 1)]));
        Span::new(table.len(), rows, limit)
    }

    /// Suppresses one more cell (a no-op if it already is). After an
    /// `Overflow` the span is left half-updated and must not be used again.
    pub(crate) fn suppress(&mut self, cell: usize) -> Result<(), Overflow> {
        if self.suppressed[cell] {
            return Ok(());
        }
        self.suppressed[cell] = true;
        let c = cell as u32;
        // The sparsest published combination involving `c`, to limit fill-in.
        let pick = self.in_published[cell]
            .iter()
            .copied()
            .min_by_key(|&s| (self.vecs[s as usize].len(), s));
        let Some(u) = pick else {
            // `c` is a new free column: the B vectors that involve it no
            // longer pin their pivot.
            for &b in &self.in_pivot[cell] {
                let b = b as usize;
                self.suppressed_entries[b] += 1;
                if self.suppressed_entries[b] == 2 {
                    if let Part::Pivot(p) = self.part[b] {
                        self.determined.remove(&p);
                    }
                }
            }
            return Ok(());
        };
        // The published cells fix `c`: `u` becomes the B vector of pivot `c`
        // after `c` is eliminated from every other vector.
        let u_vec = std::mem::take(&mut self.vecs[u as usize]);
        for &(col, _) in &u_vec {
            unlist(&mut self.in_published[col as usize], u);
        }
        let u_c = coefficient(&u_vec, c);
        let others: Vec<u32> = self.in_published[cell]
            .iter()
            .chain(&self.in_pivot[cell])
            .copied()
            .collect();
        for w in others {
            self.eliminate(w as usize, &u_vec, u_c, c)?;
        }
        for &(col, _) in &u_vec {
            self.in_pivot[col as usize].push(u);
        }
        self.vecs[u as usize] = u_vec;
        self.part[u as usize] = Part::Pivot(c);
        self.suppressed_entries[u as usize] = 1;
        self.pivot_of[cell] = Some(u);
        self.determined.insert(c);
        Ok(())
    }

    /// Removes column `c` from vector `w` with `u` (whose coefficient there
    /// is `u_c`). `u` is zero on every suppressed cell but `c`, so the
    /// suppressed part of `w` keeps its support.
    fn eliminate(&mut self, w: usize, u: &Vector, u_c: i128, c: u32) -> Result<(), Overflow> {
        let old = std::mem::take(&mut self.vecs[w]);
        let w_c = coefficient(&old, c);
        let new = combine(u_c, &old, -w_c, u, self.limit)?;
        let index = match self.part[w] {
            Part::Published => &mut self.in_published,
            Part::Pivot(_) => &mut self.in_pivot,
            Part::Dead => unreachable!("a dead vector involves no cell"),
        };
        // Only the cells that entered or left the support change lists.
        let (mut i, mut j) = (0, 0);
        while i < old.len() || j < new.len() {
            match (old.get(i), new.get(j)) {
                (Some(a), Some(b)) if a.0 == b.0 => {
                    i += 1;
                    j += 1;
                }
                (Some(a), b) if b.is_none_or(|b| a.0 < b.0) => {
                    unlist(&mut index[a.0 as usize], w as u32);
                    i += 1;
                }
                (_, Some(b)) => {
                    index[b.0 as usize].push(w as u32);
                    j += 1;
                }
                (Some(_), None) | (None, None) => unreachable!("covered above"),
            }
        }
        if new.is_empty() {
            self.part[w] = Part::Dead;
        }
        self.vecs[w] = new;
        Ok(())
    }

    /// The suppressed cells that the relations alone determine, ascending.
    pub(crate) fn determined(&self) -> impl Iterator<Item = usize> + '_ {
        self.determined.iter().map(|&c| c as usize)
    }

    /// The suppressed cells that are recomputable when the suppressed cells
    /// of value 0 are `zeros` (ascending): the determined ones, and those
    /// non-negativity pins (see the module documentation).
    pub(crate) fn exposed(&self, table: &Table, zeros: &[usize]) -> Result<Vec<usize>, Overflow> {
        if zeros.is_empty() {
            return Ok(self.determined().collect());
        }
        let pinned = self.pinned_zeros(zeros)?;
        if pinned.is_empty() {
            return Ok(self.determined().collect());
        }
        // A pinned zero is a known number: add `z = 0` and start again.
        let mut known = Span::of_table(table, &pinned, self.limit);
        for c in (0..self.suppressed.len()).filter(|&c| self.suppressed[c]) {
            known.suppress(c)?;
        }
        Ok(known.determined().collect())
    }

    /// The cells of `zeros` (suppressed, value 0) that no direction of the
    /// null space of `A_S` keeping every zero `>= 0` can raise.
    fn pinned_zeros(&self, zeros: &[usize]) -> Result<Vec<usize>, Overflow> {
        // The null space of A_S has one basis vector per free suppressed
        // cell f: e_f - Σ_B (b_f / b_pivot) e_pivot. Its projection on the
        // zeros, as integer generators (scaled by the pivot coefficient).
        let mut generators: std::collections::BTreeMap<u32, Vec<(usize, cone::Ratio)>> =
            std::collections::BTreeMap::new();
        for (k, &z) in zeros.iter().enumerate() {
            match self.pivot_of[z] {
                None => generators
                    .entry(z as u32)
                    .or_default()
                    .push((k, cone::Ratio::ONE)),
                Some(b) => {
                    let v = &self.vecs[b as usize];
                    let pivot = coefficient(v, z as u32);
                    for &(f, b_f) in v {
                        if f as usize != z && self.suppressed[f as usize] {
                            let r = cone::Ratio::new(-b_f, pivot)?;
                            generators.entry(f).or_default().push((k, r));
                        }
                    }
                }
            }
        }
        let free = cone::positive_coordinates(zeros.len(), generators.into_values().collect())?;
        Ok(zeros
            .iter()
            .zip(free)
            .filter(|(_, f)| !f)
            .map(|(&z, _)| z)
            .collect())
    }
}

/// The suppressed cells of value 0, ascending.
pub(crate) fn zeros_of(table: &Table, suppressed: &[bool]) -> Vec<usize> {
    (0..table.len())
        .filter(|&c| suppressed[c] && table.cells()[c].value == 0.0)
        .collect()
}

/// The suppressed cells whose feasible interval is a single point: those a
/// reader can recompute exactly from the published cells, the relations and
/// non-negativity. Exact (rational arithmetic, no tolerance), ascending.
///
/// This is the test [`crate::suppress`] uses; [`crate::audit`] answers the
/// same question by linear programming, independently, and gives the
/// intervals. Should a number outgrow 128-bit integers (never seen on a
/// table built from code lists), the answer is the LP audit's.
///
/// # Panics
///
/// If `suppressed.len()` differs from the number of cells.
pub fn recomputable(table: &Table, suppressed: &[bool]) -> Vec<usize> {
    assert_eq!(suppressed.len(), table.len(), "one flag per cell");
    recomputable_within(table, suppressed, i128::MAX).unwrap_or_else(|Overflow| {
        crate::lp::exposed(table, suppressed, false)
            .into_iter()
            .map(|e| e.0)
            .collect()
    })
}

pub(crate) fn recomputable_within(
    table: &Table,
    suppressed: &[bool],
    limit: i128,
) -> Result<Vec<usize>, Overflow> {
    let mut span = Span::of_table(table, &[], limit);
    for c in (0..table.len()).filter(|&c| suppressed[c]) {
        span.suppress(c)?;
    }
    span.exposed(table, &zeros_of(table, suppressed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Cell, Relation};

    #[test]
    fn combine_divides_by_the_gcd_and_drops_zeros() {
        let x = vec![(0, 2), (3, 4)];
        let y = vec![(0, 1), (5, 1)];
        assert_eq!(
            combine(1, &x, -2, &y, i128::MAX).unwrap(),
            vec![(3, 2), (5, -1)]
        );
        assert_eq!(
            combine(3, &x, 0, &y, i128::MAX).unwrap(),
            vec![(0, 1), (3, 2)]
        );
        assert_eq!(combine(1, &x, 1, &y, 3), Err(Overflow));
    }

    /// `T = A + B` with `T` published: suppressing `A` alone leaves it
    /// determined, suppressing `B` too frees both; suppressing `T` as well
    /// changes nothing.
    #[test]
    fn one_relation_step_by_step() {
        let cells = vec![
            Cell::new(["T"], 10.0, 5),
            Cell::new(["A"], 4.0, 2),
            Cell::new(["B"], 6.0, 3),
        ];
        let t = Table::new(cells, vec![Relation::new(0, vec![1, 2])]).unwrap();
        let mut span = Span::of_table(&t, &[], i128::MAX);
        span.suppress(1).unwrap();
        assert_eq!(span.determined().collect::<Vec<_>>(), [1]);
        span.suppress(2).unwrap();
        assert_eq!(span.determined().count(), 0);
        span.suppress(0).unwrap();
        assert_eq!(span.determined().count(), 0);
    }

    #[test]
    fn a_redundant_relation_dies_without_harm() {
        // T = A + B stated twice (once as T = B + A).
        let cells = vec![
            Cell::new(["T"], 10.0, 5),
            Cell::new(["A"], 4.0, 2),
            Cell::new(["B"], 6.0, 3),
        ];
        let rel = vec![Relation::new(0, vec![1, 2]), Relation::new(0, vec![2, 1])];
        let t = Table::new(cells, rel).unwrap();
        for order in [[1, 2], [2, 1]] {
            let mut span = Span::of_table(&t, &[], i128::MAX);
            span.suppress(order[0]).unwrap();
            assert_eq!(span.determined().collect::<Vec<_>>(), [order[0]]);
            span.suppress(order[1]).unwrap();
            assert_eq!(span.determined().count(), 0);
        }
    }

    #[test]
    fn a_limit_too_small_for_the_numbers_is_reported_not_ignored() {
        // The triangle X = a + b, Y = a + c, Z = b + c: eliminating needs a
        // coefficient 2 (a = (X + Y - Z) / 2).
        let t = crate::examples::triangle();
        let s = [true, true, true, false, false, false];
        assert_eq!(recomputable_within(&t, &s, i128::MAX), Ok(vec![0, 1, 2]));
        assert_eq!(recomputable_within(&t, &s, 1), Err(Overflow));
        // The public function then answers with the LP audit: the same.
        assert_eq!(recomputable(&t, &s), [0, 1, 2]);
    }
}
