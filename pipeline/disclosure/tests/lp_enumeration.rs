//! The LP's feasible intervals against exhaustive enumeration over integers.
//!
//! A two-way table with margins has a totally unimodular relation matrix, so
//! with integer published values the LP's optima are integers and equal the
//! extremes over integer solutions, which a brute-force search finds.

use migstat_disclosure::{feasible_interval, Cell, Dimension, Table};

/// A 2 × 3 table with margins; cell order: r1.c1 r1.c2 r1.c3 r1.T r2.c1 …
/// r2.T T.c1 T.c2 T.c3 T.T.
fn table() -> Table {
    let inner = [[1.0, 3.0, 2.0], [2.0, 1.0, 3.0]];
    let rows = ["r1", "r2"];
    let cols = ["c1", "c2", "c3"];
    let mut cells = Vec::new();
    for (r, row) in rows.iter().enumerate() {
        for (c, col) in cols.iter().enumerate() {
            cells.push(Cell::new([*row, *col], inner[r][c], 1));
        }
        cells.push(Cell::new([*row, "T"], inner[r].iter().sum(), 3));
    }
    for (c, col) in cols.iter().enumerate() {
        cells.push(Cell::new(["T", *col], inner[0][c] + inner[1][c], 2));
    }
    cells.push(Cell::new(["T", "T"], 12.0, 6));
    let dims = [
        Dimension::new("ROW", &[("T", &rows)]),
        Dimension::new("COL", &[("T", &cols)]),
    ];
    Table::from_dimensions(&dims, cells).unwrap()
}

/// Min and max of every suppressed cell over all integer assignments in
/// `0..=bound` satisfying the relations, by depth-first search that checks
/// each relation as soon as all its members are known.
fn enumerate(table: &Table, suppressed: &[bool], bound: i64) -> Vec<Option<(i64, i64)>> {
    let vars: Vec<usize> = (0..table.len()).filter(|&c| suppressed[c]).collect();
    let mut value: Vec<Option<i64>> = table
        .cells()
        .iter()
        .zip(suppressed)
        .map(|(c, &s)| if s { None } else { Some(c.value as i64) })
        .collect();
    let mut range: Vec<Option<(i64, i64)>> = vec![None; table.len()];
    fn holds(table: &Table, value: &[Option<i64>]) -> bool {
        table.relations().iter().all(|r| {
            let total = value[r.total];
            let parts: Option<i64> = r.parts.iter().map(|&p| value[p]).sum();
            match (total, parts) {
                (Some(t), Some(s)) => t == s,
                _ => true,
            }
        })
    }
    fn go(
        table: &Table,
        vars: &[usize],
        bound: i64,
        value: &mut Vec<Option<i64>>,
        range: &mut Vec<Option<(i64, i64)>>,
    ) {
        let Some((&v, rest)) = vars.split_first() else {
            for (c, val) in value.iter().enumerate() {
                let x = val.unwrap();
                range[c] = Some(match range[c] {
                    None => (x, x),
                    Some((lo, hi)) => (lo.min(x), hi.max(x)),
                });
            }
            return;
        };
        for x in 0..=bound {
            value[v] = Some(x);
            if holds(table, value) {
                go(table, rest, bound, value, range);
            }
        }
        value[v] = None;
    }
    go(table, &vars, bound, &mut value, &mut range);
    range
}

fn pattern(table: &Table, keys: &[&str]) -> Vec<bool> {
    let mut s = vec![false; table.len()];
    for k in keys {
        let codes: Vec<&str> = k.split('.').collect();
        s[table.find(&codes).unwrap()] = true;
    }
    s
}

#[test]
fn lp_intervals_equal_the_integer_extremes_found_by_enumeration() {
    let t = table();
    let patterns: [&[&str]; 7] = [
        &["r1.c1", "r1.c2", "r2.c1", "r2.c2"],
        &["r1.c1", "r1.c3", "r2.c1", "r2.c3"],
        &["r1.c1", "r1.c2", "r1.c3", "r2.c1", "r2.c2", "r2.c3"],
        &["r1.c1", "r1.c2", "r2.c1", "r2.c2", "r1.T", "r2.T"],
        &["r1.c1", "r2.c1", "T.c1", "r1.c2", "r2.c2", "T.c2"],
        // Row and column totals suppressed with the grand total: unbounded.
        &[
            "r1.c2", "r1.c3", "r1.T", "T.c2", "T.c3", "T.T", "r2.c2", "r2.c3", "r2.T",
        ],
        // A cell left alone in a relation: the interval is a point.
        &["r1.c1", "r1.c2"],
    ];
    let bound = 12;
    for keys in patterns {
        let s = pattern(&t, keys);
        let exact = enumerate(&t, &s, bound);
        let wider = enumerate(&t, &s, bound + 3);
        for c in (0..t.len()).filter(|&c| s[c]) {
            let (lo, hi) = exact[c].expect("the true values are a solution");
            let (lp_lo, lp_hi) = feasible_interval(&t, &s, c);
            let key = t.cells()[c].key.join(".");
            assert!(
                (lp_lo - lo as f64).abs() < 1e-6,
                "pattern {keys:?}, cell {key}: LP min {lp_lo}, enumeration {lo}"
            );
            if lp_hi.is_finite() {
                assert!(
                    (lp_hi - hi as f64).abs() < 1e-6,
                    "pattern {keys:?}, cell {key}: LP max {lp_hi}, enumeration {hi}"
                );
            } else {
                // Unbounded: raising the search bound raises the maximum.
                let (_, hi_wider) = wider[c].unwrap();
                assert!(
                    hi_wider > hi,
                    "pattern {keys:?}, cell {key}: {hi} {hi_wider}"
                );
            }
        }
    }
}

#[test]
fn the_classic_rectangle_bounds_by_hand() {
    // r1.c1 + r1.c2 = 6 - 2 = 4, r2.c1 + r2.c2 = 6 - 3 = 3, r1.c1 + r2.c1 = 3,
    // r1.c2 + r2.c2 = 4: r1.c1 ∈ [max(0, 4 - 4), min(4, 3)] = [0, 3].
    let t = table();
    let s = pattern(&t, &["r1.c1", "r1.c2", "r2.c1", "r2.c2"]);
    let (lo, hi) = feasible_interval(&t, &s, t.find(&["r1", "c1"]).unwrap());
    assert!(lo.abs() < 1e-9 && (hi - 3.0).abs() < 1e-9, "[{lo}, {hi}]");
}
