//! Which coordinates a non-negative vector of a subspace can make positive,
//! exactly: a small simplex over the rationals.
//!
//! Given generators of a subspace `W` of `Q^m`, [`positive_coordinates`]
//! tells, for each coordinate `k`, whether some `w` in `W` with `w >= 0` has
//! `w_k > 0`. [`crate::exact`] asks it about the suppressed cells of value 0:
//! `W` is the null space of the relations projected on them, and a
//! coordinate that cannot be positive is a zero pinned by non-negativity.
//!
//! `W` is first brought to reduced row echelon form, rows `g_i` with pivot
//! coordinates `p_i`; then `w = Σ c_i g_i` has `w_{p_i} = c_i`, so `w >= 0`
//! reads `c >= 0` and `Σ_i c_i g_i[k] >= 0` for the other coordinates. Cut
//! by `Σ c_i <= 1` (the cone is scale-free) the origin is a feasible vertex,
//! and maximising `w_k` by the simplex method with Bland's rule (which
//! cannot cycle) gives a positive optimum exactly when `w_k` can be
//! positive. Every optimum found is itself a witness for all the
//! coordinates it makes positive, which saves most LPs. The sizes are the
//! number of zeros: tiny.

use crate::exact::{gcd, Overflow};

/// An exact rational with `i128` parts, always reduced, denominator > 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Ratio {
    n: i128,
    d: i128,
}

impl Ratio {
    pub(crate) const ZERO: Ratio = Ratio { n: 0, d: 1 };
    pub(crate) const ONE: Ratio = Ratio { n: 1, d: 1 };

    pub(crate) fn new(n: i128, d: i128) -> Result<Ratio, Overflow> {
        // `i128::MIN` has no absolute value (gcd and sign need one).
        if d == 0 || n == i128::MIN || d == i128::MIN {
            return Err(Overflow);
        }
        let g = gcd(n, d).max(1);
        let (n, d) = (n / g, d / g);
        if d < 0 {
            Ok(Ratio {
                n: n.checked_neg().ok_or(Overflow)?,
                d: d.checked_neg().ok_or(Overflow)?,
            })
        } else {
            Ok(Ratio { n, d })
        }
    }

    fn is_zero(self) -> bool {
        self.n == 0
    }

    fn is_positive(self) -> bool {
        self.n > 0
    }

    fn add(self, o: Ratio) -> Result<Ratio, Overflow> {
        let g = gcd(self.d, o.d);
        let (a, b) = (self.d / g, o.d / g);
        let n = self
            .n
            .checked_mul(b)
            .and_then(|x| o.n.checked_mul(a).and_then(|y| x.checked_add(y)))
            .ok_or(Overflow)?;
        Ratio::new(n, self.d.checked_mul(b).ok_or(Overflow)?)
    }

    fn neg(self) -> Result<Ratio, Overflow> {
        Ok(Ratio {
            n: self.n.checked_neg().ok_or(Overflow)?,
            d: self.d,
        })
    }

    fn sub(self, o: Ratio) -> Result<Ratio, Overflow> {
        self.add(o.neg()?)
    }

    fn mul(self, o: Ratio) -> Result<Ratio, Overflow> {
        let g1 = gcd(self.n, o.d).max(1);
        let g2 = gcd(o.n, self.d).max(1);
        let n = (self.n / g1).checked_mul(o.n / g2).ok_or(Overflow)?;
        let d = (self.d / g2).checked_mul(o.d / g1).ok_or(Overflow)?;
        Ratio::new(n, d)
    }

    fn div(self, o: Ratio) -> Result<Ratio, Overflow> {
        self.mul(Ratio::new(o.d, o.n)?)
    }

    fn cmp(self, o: Ratio) -> Result<std::cmp::Ordering, Overflow> {
        let l = self.n.checked_mul(o.d).ok_or(Overflow)?;
        let r = o.n.checked_mul(self.d).ok_or(Overflow)?;
        Ok(l.cmp(&r))
    }
}

/// For each of the `m` coordinates, whether a non-negative vector of the
/// span of `generators` (sparse: `(coordinate, value)`) is positive there.
pub(crate) fn positive_coordinates(
    m: usize,
    generators: Vec<Vec<(usize, Ratio)>>,
) -> Result<Vec<bool>, Overflow> {
    let (rows, pivots) = echelon(m, generators)?;
    let mut positive = vec![false; m];
    if rows.is_empty() {
        return Ok(positive);
    }
    // Constraints `-Σ_i c_i g_i[k] <= 0` for each non-pivot coordinate k,
    // then `Σ c_i <= 1`.
    let r = rows.len();
    let mut constraints: Vec<Vec<Ratio>> = (0..m)
        .filter(|k| !pivots.contains(k))
        .map(|k| rows.iter().map(|g| g[k].neg()).collect())
        .collect::<Result<_, _>>()?;
    let mut rhs = vec![Ratio::ZERO; constraints.len()];
    constraints.push(vec![Ratio::ONE; r]);
    rhs.push(Ratio::ONE);
    for k in 0..m {
        if positive[k] {
            continue;
        }
        let objective: Vec<Ratio> = rows.iter().map(|g| g[k]).collect();
        let c = maximise(&constraints, &rhs, &objective)?;
        for (j, p) in positive.iter_mut().enumerate() {
            let mut w = Ratio::ZERO;
            for (ci, g) in c.iter().zip(&rows) {
                w = w.add(ci.mul(g[j])?)?;
            }
            *p |= w.is_positive();
        }
    }
    Ok(positive)
}

/// Reduced row echelon form of the generators: the non-zero rows (dense)
/// and their pivot coordinates (each row 1 at its pivot, the others 0).
fn echelon(
    m: usize,
    generators: Vec<Vec<(usize, Ratio)>>,
) -> Result<(Vec<Vec<Ratio>>, Vec<usize>), Overflow> {
    let mut rows: Vec<Vec<Ratio>> = Vec::new();
    let mut pivots: Vec<usize> = Vec::new();
    for g in generators {
        let mut v = vec![Ratio::ZERO; m];
        for (k, x) in g {
            v[k] = v[k].add(x)?;
        }
        for (row, &p) in rows.iter().zip(&pivots) {
            let f = v[p];
            if !f.is_zero() {
                for k in 0..m {
                    v[k] = v[k].sub(f.mul(row[k])?)?;
                }
            }
        }
        let Some(p) = (0..m).find(|&k| !v[k].is_zero()) else {
            continue;
        };
        let f = v[p];
        for x in &mut v {
            *x = x.div(f)?;
        }
        for row in &mut rows {
            let g = row[p];
            if !g.is_zero() {
                for k in 0..m {
                    row[k] = row[k].sub(g.mul(v[k])?)?;
                }
            }
        }
        rows.push(v);
        pivots.push(p);
    }
    Ok((rows, pivots))
}

/// Maximises `objective · c` over `A c <= b`, `c >= 0`, with `b >= 0` (the
/// origin feasible) and a bounded feasible set; returns an optimal `c`.
/// Dense tableau, Bland's rule.
fn maximise(a: &[Vec<Ratio>], b: &[Ratio], objective: &[Ratio]) -> Result<Vec<Ratio>, Overflow> {
    let (rows, vars) = (a.len(), objective.len());
    let width = vars + rows + 1;
    // Row i: constraint i with slack vars + i; last column the right-hand side.
    let mut t: Vec<Vec<Ratio>> = (0..rows)
        .map(|i| {
            let mut row = a[i].clone();
            row.extend((0..rows).map(|j| if i == j { Ratio::ONE } else { Ratio::ZERO }));
            row.push(b[i]);
            row
        })
        .collect();
    // Reduced costs: objective minus what the basis pays (0 for slacks).
    let mut cost: Vec<Ratio> = objective.to_vec();
    cost.resize(width, Ratio::ZERO);
    let mut basis: Vec<usize> = (vars..vars + rows).collect();
    while let Some(enter) = (0..vars + rows).find(|&j| cost[j].is_positive()) {
        let mut leave: Option<(usize, Ratio)> = None;
        for i in 0..rows {
            if t[i][enter].is_positive() {
                let ratio = t[i][width - 1].div(t[i][enter])?;
                let better = match leave {
                    None => true,
                    Some((l, best)) => match ratio.cmp(best)? {
                        std::cmp::Ordering::Less => true,
                        std::cmp::Ordering::Equal => basis[i] < basis[l],
                        std::cmp::Ordering::Greater => false,
                    },
                };
                if better {
                    leave = Some((i, ratio));
                }
            }
        }
        // Bounded by construction (Σ c <= 1); an unbounded ray would mean a
        // bug, not a table: refuse to answer rather than guess.
        let (l, _) = leave.ok_or(Overflow)?;
        let p = t[l][enter];
        for x in &mut t[l] {
            *x = x.div(p)?;
        }
        let pivot_row = t[l].clone();
        for (i, row) in t.iter_mut().enumerate() {
            let f = row[enter];
            if i != l && !f.is_zero() {
                for (x, y) in row.iter_mut().zip(&pivot_row) {
                    *x = x.sub(f.mul(*y)?)?;
                }
            }
        }
        let f = cost[enter];
        for (x, y) in cost.iter_mut().zip(&pivot_row) {
            *x = x.sub(f.mul(*y)?)?;
        }
        basis[l] = enter;
    }
    let mut c = vec![Ratio::ZERO; vars];
    for (i, &j) in basis.iter().enumerate() {
        if j < vars {
            c[j] = t[i][width - 1];
        }
    }
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(n: i128) -> Ratio {
        Ratio::new(n, 1).unwrap()
    }

    fn gens(rows: &[&[i128]]) -> Vec<Vec<(usize, Ratio)>> {
        rows.iter()
            .map(|r| r.iter().enumerate().map(|(k, &x)| (k, q(x))).collect())
            .collect()
    }

    #[test]
    fn ratios_reduce_and_keep_the_sign_in_the_numerator() {
        assert_eq!(Ratio::new(4, -6).unwrap(), Ratio { n: -2, d: 3 });
        assert_eq!(
            Ratio::new(1, 3).unwrap().add(Ratio::new(1, 6).unwrap()),
            Ok(Ratio::new(1, 2).unwrap())
        );
        assert_eq!(Ratio::new(1, 0), Err(Overflow));
        assert_eq!(q(i128::MAX).add(q(1)), Err(Overflow));
    }

    #[test]
    fn a_line_through_the_positive_orthant_frees_both_coordinates() {
        // W = span{(1, 1)}.
        assert_eq!(
            positive_coordinates(2, gens(&[&[1, 1]])),
            Ok(vec![true, true])
        );
    }

    #[test]
    fn a_line_leaving_the_orthant_pins_both() {
        // W = span{(1, -1)}: w >= 0 forces w = 0.
        assert_eq!(
            positive_coordinates(2, gens(&[&[1, -1]])),
            Ok(vec![false, false])
        );
    }

    #[test]
    fn only_the_coordinates_of_a_non_negative_direction_are_free() {
        // W = span{(1, -1, 0), (0, 1, 1)}: w = (a, b - a, b) >= 0 allows
        // a = 0, b = 1: the second and third are free; the first too
        // (a = 1, b = 1).
        assert_eq!(
            positive_coordinates(3, gens(&[&[1, -1, 0], &[0, 1, 1]])),
            Ok(vec![true, true, true])
        );
        // W = span{(1, -1, 0), (0, 1, -1)}: a >= 0, b - a >= 0, -b >= 0:
        // only the origin.
        assert_eq!(
            positive_coordinates(3, gens(&[&[1, -1, 0], &[0, 1, -1]])),
            Ok(vec![false, false, false])
        );
        // W = span{(1, -1, 0), (0, 0, 1)}: the third is free, the first two
        // are pinned.
        assert_eq!(
            positive_coordinates(3, gens(&[&[1, -1, 0], &[0, 0, 1]])),
            Ok(vec![false, false, true])
        );
    }

    #[test]
    fn the_empty_subspace_pins_everything() {
        assert_eq!(positive_coordinates(2, vec![]), Ok(vec![false, false]));
        assert_eq!(
            positive_coordinates(2, gens(&[&[0, 0]])),
            Ok(vec![false, false])
        );
    }
}
