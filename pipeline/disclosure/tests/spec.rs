//! Hand-made tables whose correct suppression pattern is known.

mod common;

use common::{flags, primary, suppressed_keys};
use migstat_disclosure::{
    audit, feasible_interval, ilo, primary_by_frequency, suppress, Cell, Dimension, Error, Reason,
    Relation, Table,
};

/// Equal up to the LP's accuracy.
fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

/// A two-way table `ROW × COL` with margins `T`, from interior values.
fn two_way(rows: &[&str], cols: &[&str], inner: &[&[(f64, u64)]]) -> Table {
    let mut cells = Vec::new();
    let mut col_tot = vec![(0.0, 0); cols.len()];
    let mut grand = (0.0, 0);
    for (r, row) in rows.iter().enumerate() {
        let mut tot = (0.0, 0);
        for (c, col) in cols.iter().enumerate() {
            let (v, n) = inner[r][c];
            cells.push(Cell::new([*row, *col], v, n));
            tot = (tot.0 + v, tot.1 + n);
            col_tot[c] = (col_tot[c].0 + v, col_tot[c].1 + n);
        }
        cells.push(Cell::new([*row, "T"], tot.0, tot.1));
        grand = (grand.0 + tot.0, grand.1 + tot.1);
    }
    for (c, col) in cols.iter().enumerate() {
        cells.push(Cell::new(["T", *col], col_tot[c].0, col_tot[c].1));
    }
    cells.push(Cell::new(["T", "T"], grand.0, grand.1));
    let dims = [
        Dimension::new("ROW", &[("T", rows)]),
        Dimension::new("COL", &[("T", cols)]),
    ];
    Table::from_dimensions(&dims, cells).unwrap()
}

#[test]
fn a_2x2_table_with_one_primary_cell_suppresses_the_classic_rectangle() {
    let t = two_way(
        &["r1", "r2"],
        &["c1", "c2"],
        &[&[(2.0, 1), (10.0, 5)], &[(15.0, 7), (20.0, 9)]],
    );
    let reasons = suppress(&t, &primary(&t, &["r1.c1"]));
    assert_eq!(
        suppressed_keys(&t, &reasons),
        ["r1.c1", "r1.c2", "r2.c1", "r2.c2"]
    );
    let at = |k: &str| reasons[t.find(&k.split('.').collect::<Vec<_>>()).unwrap()];
    assert_eq!(at("r1.c1"), Reason::Primary);
    assert_eq!(at("r1.c2"), Reason::Complementary);
    assert_eq!(at("r1.T"), Reason::None);
    assert_eq!(at("T.T"), Reason::None);
    assert!(audit(&t, &flags(&reasons)).is_empty());
    // The reader knows r1.c1 ∈ [max(0, 12 - 30, 17 - 35), min(12, 17)] = [0, 12].
    let (lo, hi) = feasible_interval(&t, &flags(&reasons), t.find(&["r1", "c1"]).unwrap());
    assert!(close(lo, 0.0) && close(hi, 12.0), "[{lo}, {hi}]");
}

#[test]
fn one_relation_with_one_primary_part_suppresses_the_smallest_other_part() {
    let cells = vec![
        Cell::new(["T"], 60.0, 24),
        Cell::new(["A"], 2.0, 1),
        Cell::new(["B"], 30.0, 12),
        Cell::new(["C"], 28.0, 11),
    ];
    let t = Table::new(cells, vec![Relation::new(0, vec![1, 2, 3])]).unwrap();
    let reasons = suppress(&t, &[false, true, false, false]);
    assert_eq!(
        reasons,
        [
            Reason::None,
            Reason::Primary,
            Reason::None,
            Reason::Complementary
        ]
    );
}

#[test]
fn ties_in_value_are_broken_by_n_then_by_key() {
    let cells = vec![
        Cell::new(["T"], 32.0, 17),
        Cell::new(["A"], 2.0, 1),
        Cell::new(["C"], 10.0, 5),
        Cell::new(["B"], 10.0, 5),
        Cell::new(["D"], 10.0, 6),
    ];
    let t = Table::new(cells, vec![Relation::new(0, vec![1, 2, 3, 4])]).unwrap();
    let reasons = suppress(&t, &[false, true, false, false, false]);
    // C and B tie on value and n; B comes first in key order.
    assert_eq!(suppressed_keys(&t, &reasons), ["A", "B"]);
}

#[test]
fn the_total_is_taken_only_when_no_part_is_left() {
    // T = A + B with A primary: B is the only part, so B goes, not T.
    let cells = vec![
        Cell::new(["T"], 5.0, 4),
        Cell::new(["A"], 1.0, 1),
        Cell::new(["B"], 4.0, 3),
    ];
    let t = Table::new(cells, vec![Relation::new(0, vec![1, 2])]).unwrap();
    assert_eq!(
        suppressed_keys(&t, &suppress(&t, &[false, true, false])),
        ["A", "B"]
    );
}

/// A one-dimensional AGE table (all sexes, all migrants) with the real code
/// structure, from the six ten-year bands.
fn age_table(bands: [(f64, u64); 6]) -> Table {
    let sum = |idx: &[usize]| {
        idx.iter()
            .fold((0.0, 0), |(v, n), &i| (v + bands[i].0, n + bands[i].1))
    };
    let members: [(&str, &[usize]); 16] = [
        ("AGE_YTHADULT_YGE15", &[0, 1, 2, 3, 4, 5]),
        ("AGE_YTHADULT_Y15-64", &[0, 1, 2, 3, 4]),
        ("AGE_YTHADULT_Y15-24", &[0]),
        ("AGE_YTHADULT_YGE25", &[1, 2, 3, 4, 5]),
        ("AGE_AGGREGATE_TOTAL", &[0, 1, 2, 3, 4, 5]),
        ("AGE_AGGREGATE_Y15-24", &[0]),
        ("AGE_AGGREGATE_Y25-54", &[1, 2, 3]),
        ("AGE_AGGREGATE_Y55-64", &[4]),
        ("AGE_AGGREGATE_YGE65", &[5]),
        ("AGE_10YRBANDS_TOTAL", &[0, 1, 2, 3, 4, 5]),
        ("AGE_10YRBANDS_Y15-24", &[0]),
        ("AGE_10YRBANDS_Y25-34", &[1]),
        ("AGE_10YRBANDS_Y35-44", &[2]),
        ("AGE_10YRBANDS_Y45-54", &[3]),
        ("AGE_10YRBANDS_Y55-64", &[4]),
        ("AGE_10YRBANDS_YGE65", &[5]),
    ];
    let cells = members
        .iter()
        .map(|(code, idx)| {
            let (v, n) = sum(idx);
            Cell::new([*code], v, n)
        })
        .collect();
    Table::from_dimensions(&[ilo::age_dimension()], cells).unwrap()
}

#[test]
fn a_primary_cell_published_again_in_another_age_family_has_its_copies_suppressed() {
    let t = age_table([
        (3.0, 2),
        (40.0, 20),
        (50.0, 25),
        (45.0, 22),
        (30.0, 15),
        (20.0, 10),
    ]);
    let p = primary_by_frequency(&t, 3);
    // Y15-24 (n = 2) is primary in all three families; so the frequency
    // rule flags every copy by itself. Flag one copy only, as a caller
    // might: the equalities must carry the suppression to the others.
    let only_one = primary(&t, &["AGE_YTHADULT_Y15-24"]);
    assert_eq!(p.iter().filter(|&&x| x).count(), 3);
    for p in [p, only_one] {
        let reasons = suppress(&t, &p);
        let keys = suppressed_keys(&t, &reasons);
        for copy in [
            "AGE_YTHADULT_Y15-24",
            "AGE_AGGREGATE_Y15-24",
            "AGE_10YRBANDS_Y15-24",
        ] {
            assert!(keys.contains(&copy.to_owned()), "{copy} not in {keys:?}");
        }
        assert!(audit(&t, &flags(&reasons)).is_empty(), "{keys:?}");
        // The three equal totals stay published.
        for total in [
            "AGE_YTHADULT_YGE15",
            "AGE_AGGREGATE_TOTAL",
            "AGE_10YRBANDS_TOTAL",
        ] {
            assert!(!keys.contains(&total.to_owned()), "{total} in {keys:?}");
        }
    }
}

#[test]
fn equal_copies_of_a_total_are_suppressed_together() {
    // When a total must go, its equal copies in the other families go too.
    let cells = vec![
        Cell::new(["AGE_YTHADULT_YGE15"], 5.0, 2),
        Cell::new(["AGE_AGGREGATE_TOTAL"], 5.0, 2),
        Cell::new(["AGE_10YRBANDS_TOTAL"], 5.0, 2),
    ];
    let rel = vec![Relation::new(1, vec![0]), Relation::new(2, vec![0])];
    let t = Table::new(cells, rel).unwrap();
    let reasons = suppress(&t, &[true, false, false]);
    assert_eq!(
        reasons,
        [
            Reason::Primary,
            Reason::Complementary,
            Reason::Complementary
        ]
    );
    assert!(audit(&t, &flags(&reasons)).is_empty());
}

#[test]
fn a_primary_cell_whose_partners_are_zero_count_cells_takes_the_total_and_publishes_the_zeros() {
    // T = A + Z1 + Z2; A is primary; Z1 and Z2 count no record. The zeros
    // are published as real zeros and never chosen while another cell is
    // left, so the total is suppressed with A.
    let cells = vec![
        Cell::new(["T"], 5.0, 1),
        Cell::new(["A"], 5.0, 1),
        Cell::new(["Z1"], 0.0, 0),
        Cell::new(["Z2"], 0.0, 0),
    ];
    let t = Table::new(cells, vec![Relation::new(0, vec![1, 2, 3])]).unwrap();
    let reasons = suppress(&t, &[false, true, false, false]);
    assert_eq!(
        reasons,
        [
            Reason::Complementary,
            Reason::Primary,
            Reason::None,
            Reason::None
        ]
    );
    assert!(audit(&t, &flags(&reasons)).is_empty());
    // Nothing else bounds T, so the reader learns nothing about A.
    let (lo, hi) = feasible_interval(&t, &flags(&reasons), 1);
    assert!(close(lo, 0.0) && hi == f64::INFINITY, "[{lo}, {hi}]");
}

#[test]
fn a_zero_count_cell_is_not_chosen_even_when_it_is_the_smallest_partner() {
    let cells = vec![
        Cell::new(["T"], 12.0, 5),
        Cell::new(["A"], 5.0, 1),
        Cell::new(["Z"], 0.0, 0),
        Cell::new(["B"], 7.0, 4),
    ];
    let t = Table::new(cells, vec![Relation::new(0, vec![1, 2, 3])]).unwrap();
    let reasons = suppress(&t, &[false, true, false, false]);
    assert_eq!(suppressed_keys(&t, &reasons), ["A", "B"]);
}

#[test]
fn a_zero_count_cell_is_chosen_when_it_is_the_only_partner_left() {
    // An equality A = Z where A counts records of weight 0: the copy is
    // the only way to hide A.
    let cells = vec![Cell::new(["A"], 0.0, 1), Cell::new(["Z"], 0.0, 0)];
    let t = Table::new(cells, vec![Relation::new(0, vec![1])]).unwrap();
    assert_eq!(
        suppress(&t, &[true, false]),
        [Reason::Primary, Reason::Complementary]
    );
}

#[test]
fn the_audit_finds_cells_recomputable_only_through_a_combination_of_relations() {
    let t = migstat_disclosure::examples::triangle();
    let exposed = audit(&t, &[true, true, true, false, false, false]);
    let cells: Vec<usize> = exposed.iter().map(|e| e.0).collect();
    assert_eq!(cells, [0, 1, 2]);
    for (c, lo, hi) in exposed {
        let v = t.cells()[c].value;
        assert!((lo - v).abs() < 1e-6 && (hi - v).abs() < 1e-6);
    }
}

#[test]
fn suppress_adds_a_cell_when_the_audit_finds_an_exposure() {
    let t = migstat_disclosure::examples::triangle();
    let reasons = suppress(&t, &[true, false, false, false, false, false]);
    // Step 2 takes b (for X) and c (for Y); the audit then sees a, b, c
    // determined and takes the cheapest cell related to a: X (9 < 11).
    assert_eq!(
        reasons,
        [
            Reason::Primary,
            Reason::Complementary,
            Reason::Complementary,
            Reason::Audit,
            Reason::None,
            Reason::None
        ]
    );
    assert!(audit(&t, &flags(&reasons)).is_empty());
}

#[test]
fn non_negativity_can_pin_a_cell_that_linear_algebra_leaves_free() {
    // a = P + c and X = a + b, with P = X = 5 published: two equations,
    // three unknowns, but a >= 5 and a <= 5. (b and c count records of
    // weight 0.)
    let t = migstat_disclosure::examples::pinned_by_non_negativity();
    let exposed = audit(&t, &[true, false, true, false, true]);
    let expected = [(0, 5.0), (2, 0.0), (4, 0.0)];
    assert_eq!(exposed.len(), 3, "{exposed:?}");
    for ((c, lo, hi), (ec, ev)) in exposed.into_iter().zip(expected) {
        assert!(
            c == ec && close(lo, ev) && close(hi, ev),
            "{c}: [{lo}, {hi}]"
        );
    }
    let reasons = suppress(&t, &[true, false, false, false, false]);
    assert!(audit(&t, &flags(&reasons)).is_empty(), "{reasons:?}");
}

#[test]
fn feasible_intervals_of_published_and_unbounded_cells() {
    let cells = vec![
        Cell::new(["T"], 10.0, 5),
        Cell::new(["A"], 4.0, 2),
        Cell::new(["B"], 6.0, 3),
    ];
    let t = Table::new(cells, vec![Relation::new(0, vec![1, 2])]).unwrap();
    assert_eq!(feasible_interval(&t, &[false, true, true], 0), (10.0, 10.0));
    let (lo, hi) = feasible_interval(&t, &[false, true, true], 1);
    assert!(close(lo, 0.0) && close(hi, 10.0), "[{lo}, {hi}]");
    // With the total suppressed too, nothing bounds any of them.
    let (lo, hi) = feasible_interval(&t, &[true, true, true], 0);
    assert!(close(lo, 0.0) && hi == f64::INFINITY, "[{lo}, {hi}]");
    assert!(audit(&t, &[true, true, true]).is_empty());
}

#[test]
fn suppress_is_deterministic_and_keeps_the_primary_cells() {
    let t = two_way(
        &["r1", "r2", "r3"],
        &["c1", "c2", "c3"],
        &[
            &[(2.0, 1), (10.0, 5), (4.0, 2)],
            &[(15.0, 7), (20.0, 9), (8.0, 4)],
            &[(1.0, 1), (30.0, 12), (9.0, 4)],
        ],
    );
    let p = primary_by_frequency(&t, 3);
    let first = suppress(&t, &p);
    for _ in 0..3 {
        assert_eq!(suppress(&t, &p), first);
    }
    for (i, &pi) in p.iter().enumerate() {
        if pi {
            assert_eq!(first[i], Reason::Primary);
        }
    }
    assert!(audit(&t, &flags(&first)).is_empty());
}

#[test]
fn primary_by_frequency_flags_0_lt_n_lt_k() {
    let cells = vec![
        Cell::new(["a"], 0.0, 0),
        Cell::new(["b"], 1.0, 1),
        Cell::new(["c"], 2.0, 2),
        Cell::new(["d"], 3.0, 3),
    ];
    let t = Table::new(cells, vec![]).unwrap();
    assert_eq!(primary_by_frequency(&t, 3), [false, true, true, false]);
    assert_eq!(primary_by_frequency(&t, 0), [false; 4]);
}

#[test]
fn reasons_map_to_sdmx_conf_status() {
    assert_eq!(Reason::Primary.conf_status(), "C");
    assert_eq!(Reason::Complementary.conf_status(), "D");
    assert_eq!(Reason::Audit.conf_status(), "D");
    assert_eq!(Reason::None.conf_status(), "F");
    assert!(!Reason::None.is_suppressed());
}

#[test]
fn from_dimensions_forms_every_relation_of_the_cross_product() {
    let t = two_way(
        &["r1", "r2"],
        &["c1", "c2"],
        &[&[(1.0, 1), (2.0, 1)], &[(3.0, 1), (4.0, 1)]],
    );
    // Along ROW: one relation per column code (c1, c2, T); along COL: one
    // per row code (r1, r2, T).
    assert_eq!(t.relations().len(), 6);
    let key = |i: usize| t.cells()[i].key.join(".");
    let r0 = &t.relations()[0];
    assert_eq!(
        (
            key(r0.total),
            r0.parts.iter().map(|&p| key(p)).collect::<Vec<_>>()
        ),
        ("T.T".to_owned(), vec!["r1.T".to_owned(), "r2.T".to_owned()])
    );
}

#[test]
fn tables_that_break_the_rules_are_refused() {
    let two = || vec![Cell::new(["T"], 5.0, 2), Cell::new(["A"], 4.0, 1)];
    assert!(matches!(
        Table::new(two(), vec![Relation::new(0, vec![1])]),
        Err(Error::RelationDoesNotHold { relation: 0, .. })
    ));
    assert!(matches!(
        Table::new(two(), vec![Relation::new(0, vec![2])]),
        Err(Error::CellOutOfRange { cell: 2, .. })
    ));
    assert!(matches!(
        Table::new(two(), vec![Relation::new(0, vec![])]),
        Err(Error::EmptyRelation { .. })
    ));
    assert!(matches!(
        Table::new(two(), vec![Relation::new(0, vec![0])]),
        Err(Error::RepeatedMember { .. })
    ));
    assert!(matches!(
        Table::new(vec![Cell::new(["A"], -1.0, 1)], vec![]),
        Err(Error::BadValue { .. })
    ));
    assert!(matches!(
        Table::new(vec![Cell::new(["A"], 1.0, 0)], vec![]),
        Err(Error::ZeroCountValue { .. })
    ));
    let sex = ilo::sex_dimension(true);
    let cells = vec![
        Cell::new(["SEX_T"], 3.0, 3),
        Cell::new(["SEX_M"], 1.0, 1),
        Cell::new(["SEX_F"], 2.0, 2),
    ];
    let err = Table::from_dimensions(&[sex], cells).unwrap_err();
    assert_eq!(
        err.to_string(),
        "dimension SEX: relation SEX_T = SEX_M + SEX_F + SEX_O needs cell SEX_O, \
         which the table lacks (list zero cells with n = 0)"
    );
    assert!(matches!(
        Table::from_dimensions(
            &[ilo::sex_dimension(false)],
            vec![Cell::new(["SEX_T", "x"], 1.0, 1)]
        ),
        Err(Error::KeyArity { .. })
    ));
}

#[test]
fn small_relative_rounding_in_relations_is_accepted() {
    let cells = vec![
        Cell::new(["T"], 0.3, 3),
        Cell::new(["A"], 0.1, 1),
        Cell::new(["B"], 0.2, 2),
    ];
    assert!(Table::new(cells, vec![Relation::new(0, vec![1, 2])]).is_ok());
}

#[test]
fn linked_tables_share_their_common_cells_and_are_protected_jointly() {
    // SEX × CBR and SEX × CCT: the SEX totals of both are the same persons,
    // one cell each under the key (SEX, CBR_BIR_TOTAL, CCT_CIT_TOTAL).
    let birth = [
        ("CBR_BIR_NATIVE", 50.0, 25),
        ("CBR_BIR_FOREIGN", 2.0, 1),
        ("CBR_BIR_X", 8.0, 4),
    ];
    let citizenship = [
        ("CCT_CIT_CITIZEN", 51.0, 25),
        ("CCT_CIT_NONCIT", 6.0, 3),
        ("CCT_CIT_X", 3.0, 2),
    ];
    let mut cells = Vec::new();
    for (sex, share) in [("SEX_M", 1.0), ("SEX_F", 2.0), ("SEX_T", 3.0)] {
        let total: f64 = birth.iter().map(|b| b.1 * share).sum();
        let n: u64 = birth.iter().map(|b| b.2).sum::<u64>() * share as u64;
        cells.push(Cell::new([sex, "CBR_BIR_TOTAL", "CCT_CIT_TOTAL"], total, n));
        for (code, v, k) in birth {
            cells.push(Cell::new(
                [sex, code, "CCT_CIT_TOTAL"],
                v * share,
                k * share as u64,
            ));
        }
        for (code, v, k) in citizenship {
            cells.push(Cell::new(
                [sex, "CBR_BIR_TOTAL", code],
                v * share,
                k * share as u64,
            ));
        }
    }
    let dims = [
        ilo::sex_dimension(false),
        ilo::birth_dimension(true),
        ilo::citizenship_dimension(true),
    ];
    // Refused as one cross-classified table (no cell crosses CBR with CCT)...
    assert!(matches!(
        Table::from_dimensions(&dims, cells.clone()),
        Err(Error::MissingCell { .. })
    ));
    // ...accepted as linked tables, with the relations of both.
    let t = Table::from_linked_dimensions(&dims, cells).unwrap();
    // Along SEX: 7 (one per CBR or CCT code); along CBR and CCT: 3 each.
    assert_eq!(t.relations().len(), 7 + 3 + 3);
    let total = t
        .find(&["SEX_M", "CBR_BIR_TOTAL", "CCT_CIT_TOTAL"])
        .unwrap();
    let axes_of_total: Vec<usize> = t
        .relations_of(total)
        .iter()
        .filter(|&&r| t.relations()[r].total == total)
        .copied()
        .collect();
    assert_eq!(axes_of_total.len(), 2, "the CBR and the CCT relation");
    let p = primary_by_frequency(&t, 3);
    let reasons = suppress(&t, &p);
    let s = flags(&reasons);
    assert!(audit(&t, &s).is_empty());
    assert!(migstat_disclosure::recomputable(&t, &s).is_empty());
}
