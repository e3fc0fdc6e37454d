//! The exact test (`recomputable`: linear algebra over the rationals, a
//! small exact LP for zeros) and the LP audit (`audit`: minilp, one
//! interval per cell) are two independent answers to one question — which
//! suppressed cells have a feasible interval that is a single point — and
//! must agree on every table and every suppression pattern, not only on the
//! patterns `suppress` produces.

mod common;

use common::flags;
use migstat_disclosure::{audit, ilo, recomputable, suppress, Cell, Dimension, Table};
use proptest::prelude::*;

/// One dimension: `(id, codes, relations)`; each code stands for a set of
/// leaf categories.
#[derive(Debug)]
struct Dim {
    id: String,
    /// Code and the leaf categories it adds up.
    codes: Vec<(String, Vec<usize>)>,
    relations: Vec<(String, Vec<String>)>,
}

/// A flat dimension: `T = c0 + c1 + ...`.
fn flat(id: &str, k: usize) -> Dim {
    let cats: Vec<String> = (0..k).map(|i| format!("{id}{i}")).collect();
    let mut codes = vec![(format!("{id}T"), (0..k).collect())];
    codes.extend(cats.iter().enumerate().map(|(i, c)| (c.clone(), vec![i])));
    Dim {
        id: id.to_owned(),
        codes,
        relations: vec![(format!("{id}T"), cats)],
    }
}

/// A nested dimension with an equal copy of its total, like AGE's families:
/// `T = A + b2`, `A = b0 + b1`, `T = b0 + b1 + b2`, `T' = T`.
fn nested(id: &str) -> Dim {
    let c = |s: &str| format!("{id}{s}");
    Dim {
        id: id.to_owned(),
        codes: vec![
            (c("T"), vec![0, 1, 2]),
            (c("T'"), vec![0, 1, 2]),
            (c("A"), vec![0, 1]),
            (c("b0"), vec![0]),
            (c("b1"), vec![1]),
            (c("b2"), vec![2]),
        ],
        relations: vec![
            (c("T"), vec![c("A"), c("b2")]),
            (c("A"), vec![c("b0"), c("b1")]),
            (c("T"), vec![c("b0"), c("b1"), c("b2")]),
            (c("T'"), vec![c("T")]),
        ],
    }
}

fn leaves_of(dims: &[Dim]) -> usize {
    dims.iter()
        .map(|d| d.codes.iter().map(|c| c.1.len()).max().unwrap())
        .product()
}

/// Every cell of the cross-classification, summed from the leaves
/// `(n, weight)` (row-major over the dimensions' leaf categories).
fn build(dims: &[Dim], leaves: &[(u64, f64)]) -> Table {
    let sizes: Vec<usize> = dims
        .iter()
        .map(|d| d.codes.iter().map(|c| c.1.len()).max().unwrap())
        .collect();
    let mut cells = Vec::new();
    let mut combo = vec![0usize; dims.len()];
    loop {
        let key: Vec<&str> = dims
            .iter()
            .zip(&combo)
            .map(|(d, &i)| d.codes[i].0.as_str())
            .collect();
        let (mut v, mut n) = (0.0, 0);
        let mut leaf = vec![0usize; dims.len()];
        'leaves: loop {
            if dims
                .iter()
                .zip(&combo)
                .zip(&leaf)
                .all(|((d, &i), l)| d.codes[i].1.contains(l))
            {
                let idx = leaf.iter().zip(&sizes).fold(0, |acc, (l, s)| acc * s + l);
                v += leaves[idx].0 as f64 * leaves[idx].1;
                n += leaves[idx].0;
            }
            for k in (0..dims.len()).rev() {
                leaf[k] += 1;
                if leaf[k] < sizes[k] {
                    continue 'leaves;
                }
                leaf[k] = 0;
            }
            break;
        }
        cells.push(Cell::new(key, v, n));
        let mut k = dims.len();
        loop {
            if k == 0 {
                let dimensions: Vec<Dimension> = dims
                    .iter()
                    .map(|d| Dimension {
                        id: d.id.clone(),
                        relations: d.relations.clone(),
                    })
                    .collect();
                return Table::from_dimensions(&dimensions, cells).unwrap();
            }
            k -= 1;
            combo[k] += 1;
            if combo[k] < dims[k].codes.len() {
                break;
            }
            combo[k] = 0;
        }
    }
}

/// Leaves: empty, a few records, many records; weights from 0 (records
/// that weigh nothing, which makes cells of value 0 with `n > 0`) to 3.
fn leaf() -> impl Strategy<Value = (u64, f64)> {
    (
        prop_oneof![2 => Just(0u64), 3 => 1u64..4, 3 => 4u64..30],
        prop_oneof![1 => Just(0u32), 6 => 50u32..300],
    )
        .prop_map(|(n, w)| (n, f64::from(w) / 100.0))
}

/// A small table (two or three dimensions, one of them possibly nested)
/// and a random suppression pattern (each cell with probability `p`).
fn case() -> impl Strategy<Value = (Table, Vec<bool>)> {
    (
        0usize..4,
        2usize..4,
        2usize..4,
        proptest::collection::vec(leaf(), 18),
        15u32..70,
        proptest::collection::vec(0u32..100, 72),
    )
        .prop_map(|(shape, k1, k2, leaves, p, draws)| {
            let dims = match shape {
                0 => vec![flat("r", k1), flat("c", k2)],
                1 => vec![flat("r", k1), nested("a")],
                2 => vec![flat("r", k1), flat("c", k2), flat("s", 2)],
                _ => vec![nested("a"), flat("c", k2), flat("s", 2)],
            };
            let t = build(&dims, &leaves[..leaves_of(&dims)]);
            let s = draws[..t.len()].iter().map(|&d| d < p).collect();
            (t, s)
        })
}

fn lp_points(t: &Table, s: &[bool]) -> Vec<usize> {
    audit(t, s).into_iter().map(|e| e.0).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn the_exact_test_and_the_lp_audit_agree_on_random_patterns((t, s) in case()) {
        prop_assert_eq!(recomputable(&t, &s), lp_points(&t, &s));
    }
}

/// Migstat's own SEX × AGE × CBR structure, random counts, random patterns
/// (fewer cases: 192 cells make LPs of a few dozen unknowns).
fn migstat_case() -> impl Strategy<Value = (Table, Vec<bool>)> {
    (
        proptest::collection::vec(leaf(), 2 * 6 * 3),
        proptest::collection::vec(proptest::bool::weighted(0.25), 3 * 16 * 4),
    )
        .prop_map(|(leaves, s)| (migstat_table(&leaves), s))
}

/// SEX (M, F) × the sixteen AGE codes × CBR, from leaves
/// `[sex][ten-year band][birth]`.
fn migstat_table(leaves: &[(u64, f64)]) -> Table {
    let bands = |code: &str| -> Vec<usize> {
        let (lo, hi) = match code.rsplit('_').next().unwrap() {
            "YGE15" | "TOTAL" => (0, 5),
            "Y15-64" => (0, 4),
            "Y15-24" => (0, 0),
            "YGE25" => (1, 5),
            "Y25-54" => (1, 3),
            "Y25-34" => (1, 1),
            "Y35-44" => (2, 2),
            "Y45-54" => (3, 3),
            "Y55-64" => (4, 4),
            "YGE65" => (5, 5),
            other => panic!("{other}"),
        };
        (lo..=hi).collect()
    };
    let sexes = [
        ("SEX_T", vec![0, 1]),
        ("SEX_M", vec![0]),
        ("SEX_F", vec![1]),
    ];
    let births = [
        ("CBR_BIR_TOTAL", vec![0, 1, 2]),
        ("CBR_BIR_NATIVE", vec![0]),
        ("CBR_BIR_FOREIGN", vec![1]),
        ("CBR_BIR_X", vec![2]),
    ];
    let mut cells = Vec::new();
    for (sex, ss) in &sexes {
        for age in ilo::AGE_CODES {
            for (birth, bs) in &births {
                let (mut v, mut n) = (0.0, 0);
                for &s in ss {
                    for a in bands(age) {
                        for &b in bs {
                            let (ln, w) = leaves[(s * 6 + a) * 3 + b];
                            v += ln as f64 * w;
                            n += ln;
                        }
                    }
                }
                cells.push(Cell::new([*sex, age, *birth], v, n));
            }
        }
    }
    let dims = [
        ilo::sex_dimension(false),
        ilo::age_dimension(),
        ilo::birth_dimension(true),
    ];
    Table::from_dimensions(&dims, cells).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn they_agree_on_migstat_tables_too((t, s) in migstat_case()) {
        prop_assert_eq!(recomputable(&t, &s), lp_points(&t, &s));
    }
}

#[test]
fn both_see_a_cell_pinned_by_non_negativity_only() {
    // a = P + c and X = a + b with P = X = 5 published: linear algebra
    // leaves a free (two equations, three unknowns), non-negativity pins
    // it (a >= 5 and a <= 5), and b and c with it.
    let t = migstat_disclosure::examples::pinned_by_non_negativity();
    let s = [true, false, true, false, true];
    assert_eq!(recomputable(&t, &s), [0, 2, 4]);
    assert_eq!(lp_points(&t, &s), [0, 2, 4]);
}

#[test]
fn the_suppression_patterns_of_suppress_pass_both() {
    // A cross-measure style table: M = E + U + O as a dimension, crossed
    // with SEX; small unemployed cells.
    let mut cells = Vec::new();
    let values = [
        [(40.0, 20), (2.0, 1), (30.0, 15)], // SEX_M: E, U, O
        [(35.0, 18), (1.5, 2), (42.0, 21)], // SEX_F
    ];
    let measures = ["E", "U", "O"];
    for (m, code) in measures.iter().enumerate() {
        let (v0, n0) = values[0][m];
        let (v1, n1) = values[1][m];
        cells.push(Cell::new([*code, "SEX_M"], v0, n0));
        cells.push(Cell::new([*code, "SEX_F"], v1, n1));
        cells.push(Cell::new([*code, "SEX_T"], v0 + v1, n0 + n1));
    }
    for sex in 0..3 {
        let v: f64 = (0..3).map(|m| cells[m * 3 + sex].value).sum();
        let n: u64 = (0..3).map(|m| cells[m * 3 + sex].n).sum();
        let key = cells[sex].key[1].clone();
        cells.push(Cell::new(["A", key.as_str()], v, n));
        let v: f64 = (0..2).map(|m| cells[m * 3 + sex].value).sum();
        let n: u64 = (0..2).map(|m| cells[m * 3 + sex].n).sum();
        cells.push(Cell::new(["L", key.as_str()], v, n));
    }
    let dims = [
        Dimension::new(
            "MEASURE",
            &[
                ("A", &["E", "U", "O"]),
                ("A", &["L", "O"]),
                ("L", &["E", "U"]),
            ],
        ),
        ilo::sex_dimension(false),
    ];
    let t = Table::from_dimensions(&dims, cells).unwrap();
    let primary = migstat_disclosure::primary_by_frequency(&t, 3);
    let s = flags(&suppress(&t, &primary));
    assert!(s.iter().filter(|&&x| x).count() > 2);
    assert_eq!(recomputable(&t, &s), Vec::<usize>::new());
    assert_eq!(lp_points(&t, &s), Vec::<usize>::new());
}
