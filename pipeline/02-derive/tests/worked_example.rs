//! The 12-person worked example of icls-concepts.md §5, the test oracle of the concepts.
//!
//! ref_area is PHL: NATIVE / CITIZEN persons are coded PHL, FOREIGN / NONCIT persons IDN;
//! person 5 (naturalised) is born IDN and a PHL citizen; person 9's country of birth is
//! not stated (empty); person 2 is absent on maternity leave; person 10 is 14; person 11
//! is not a usual resident (a seasonal worker).

mod common;

use std::collections::BTreeMap;

use arrow::array::{Array, AsArray, RecordBatch};
use arrow::datatypes::{Decimal128Type, UInt8Type};
use common::{core_batch, opt, weight_units, yn, Person};
use migstat_artefacts::layout::RunDir;
use migstat_artefacts::schema::derived;
use migstat_derive::{derive_batch, DeriveReport, Params};

/// id, sex, age, usual_res, cob, cit, worked, absent, absence_reason, searched, available,
/// future_start, weight: `Y` / `N` / empty as in the microdata.
type MicrodataRow = (
    &'static str,
    &'static str,
    i32,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

/// icls-concepts.md §5, the microdata table, with codes for PHL.
#[rustfmt::skip]
const MICRODATA: [MicrodataRow; 12] = [
    ("1",  "M", 34, "Y", "PHL", "PHL", "Y", "",  "",          "",  "",  "",  "120.50"),
    ("2",  "F", 29, "Y", "IDN", "IDN", "N", "Y", "MATERNITY", "",  "",  "",  "85.25"),
    ("3",  "M", 45, "Y", "IDN", "IDN", "N", "N", "",          "Y", "Y", "N", "150.00"),
    ("4",  "F", 52, "Y", "PHL", "PHL", "N", "N", "",          "N", "Y", "N", "99.75"),
    ("5",  "M", 19, "Y", "IDN", "PHL", "Y", "",  "",          "",  "",  "",  "60.00"),
    ("6",  "F", 23, "Y", "PHL", "PHL", "N", "N", "",          "Y", "N", "N", "110.00"),
    ("7",  "M", 67, "Y", "PHL", "PHL", "N", "N", "",          "N", "N", "N", "130.25"),
    ("8",  "F", 38, "Y", "IDN", "IDN", "N", "N", "",          "N", "Y", "Y", "75.50"),
    ("9",  "M", 31, "Y", "",    "IDN", "Y", "",  "",          "",  "",  "",  "40.00"),
    ("10", "F", 14, "Y", "PHL", "PHL", "Y", "",  "",          "",  "",  "",  "200.00"),
    ("11", "M", 28, "N", "IDN", "IDN", "Y", "",  "",          "",  "",  "",  "55.00"),
    ("12", "F", 41, "Y", "PHL", "PHL", "Y", "",  "",          "",  "",  "",  "90.00"),
];

/// icls-concepts.md §5, the "→ status" column, with the contract §4 rule that decides it
/// and the CL_CBR / CL_CCT codes.
/// id, scope, lfs, rule, cbr, cct
#[rustfmt::skip]
const EXPECTED: [(&str, &str, &str, u8, &str, &str); 12] = [
    ("1",  "IN_SCOPE",          "EMP", 2, "CBR_BIR_NATIVE",  "CCT_CIT_CITIZEN"),
    ("2",  "IN_SCOPE",          "EMP", 3, "CBR_BIR_FOREIGN", "CCT_CIT_NONCIT"),  // absent, maternity
    ("3",  "IN_SCOPE",          "UNE", 5, "CBR_BIR_FOREIGN", "CCT_CIT_NONCIT"),
    ("4",  "IN_SCOPE",          "OLF", 7, "CBR_BIR_NATIVE",  "CCT_CIT_CITIZEN"), // available potential jobseeker
    ("5",  "IN_SCOPE",          "EMP", 2, "CBR_BIR_FOREIGN", "CCT_CIT_CITIZEN"), // naturalised
    ("6",  "IN_SCOPE",          "OLF", 7, "CBR_BIR_NATIVE",  "CCT_CIT_CITIZEN"), // unavailable jobseeker
    ("7",  "IN_SCOPE",          "OLF", 7, "CBR_BIR_NATIVE",  "CCT_CIT_CITIZEN"), // no upper age limit
    ("8",  "IN_SCOPE",          "UNE", 6, "CBR_BIR_FOREIGN", "CCT_CIT_NONCIT"),  // future starter
    ("9",  "IN_SCOPE",          "EMP", 2, "CBR_BIR_X",       "CCT_CIT_NONCIT"),
    // Out of scope; the status is still derived (labour_force_status.rs, Extension).
    ("10", "BELOW_WORKING_AGE", "EMP", 2, "CBR_BIR_NATIVE",  "CCT_CIT_CITIZEN"),
    ("11", "NON_RESIDENT",      "EMP", 2, "CBR_BIR_FOREIGN", "CCT_CIT_NONCIT"),
    ("12", "IN_SCOPE",          "EMP", 2, "CBR_BIR_NATIVE",  "CCT_CIT_CITIZEN"), // contributing family worker
];

fn persons() -> Vec<Person> {
    MICRODATA
        .iter()
        .map(
            |&(id, sex, age, res, cob, cit, worked, absent, reason, searched, avail, future, w)| {
                Person {
                    weight: w,
                    sex,
                    age: Some(age),
                    usual_resident: yn(res).unwrap(),
                    country_of_birth: opt(cob),
                    citizenship: opt(cit),
                    worked: yn(worked),
                    absent: yn(absent),
                    absence_reason: opt(reason),
                    searched: yn(searched),
                    available: yn(avail),
                    future_start: yn(future),
                    ..Person::new(id)
                }
            },
        )
        .collect()
}

fn derive_example() -> (RecordBatch, DeriveReport) {
    derive_batch(&core_batch(&persons(), 1), &Params::new("PHL", 2024)).unwrap()
}

#[test]
fn each_person_gets_the_scope_status_and_codes_of_the_worked_example() {
    let (out, _) = derive_example();
    assert_eq!(out.num_rows(), 12);
    let text = |name| common::texts(&out, name);
    let (ids, scopes, lfs, cbr, cct, sex) = (
        text(derived::PERSON_ID),
        text(derived::SCOPE),
        text(derived::LFS),
        text(derived::CBR),
        text(derived::CCT),
        text(derived::SEX),
    );
    let rules = out
        .column_by_name(derived::LFS_RULE)
        .unwrap()
        .as_primitive::<UInt8Type>();
    let in_scope = out.column_by_name(derived::IN_SCOPE).unwrap().as_boolean();
    for (i, &(id, scope, status, rule, cb, ct)) in EXPECTED.iter().enumerate() {
        let got = (
            ids[i].as_deref().unwrap(),
            scopes[i].as_deref().unwrap(),
            lfs[i].as_deref().unwrap(),
            rules.value(i),
            cbr[i].as_deref().unwrap(),
            cct[i].as_deref().unwrap(),
        );
        assert_eq!(got, (id, scope, status, rule, cb, ct), "person {id}");
        assert_eq!(in_scope.value(i), scope == "IN_SCOPE", "person {id}");
        let want_sex = format!("SEX_{}", MICRODATA[i].1);
        assert_eq!(sex[i].as_deref(), Some(want_sex.as_str()), "person {id}");
    }
}

#[test]
fn ten_persons_are_in_scope_and_the_report_counts_them() {
    let (_, report) = derive_example();
    assert_eq!(report.rows, 12);
    assert_eq!(report.in_scope, 10);
    let by_scope = BTreeMap::from([
        ("AGE_NOT_STATED", 0),
        ("BELOW_WORKING_AGE", 1),
        ("IN_SCOPE", 10),
        ("NON_RESIDENT", 1),
        ("ZERO_WEIGHT", 0),
    ]);
    assert_eq!(report.by_scope, by_scope);
    let by_rule = BTreeMap::from([(1, 0), (2, 4), (3, 1), (4, 0), (5, 1), (6, 1), (7, 3)]);
    assert_eq!(report.by_lfs_rule, by_rule);
    assert_eq!(report.lfs_residual, 0);
}

/// Weighted in-scope sums by (sex, migrant code, status), in Decimal128 units.
fn weighted(out: &RecordBatch, axis: &str) -> BTreeMap<(String, String, String), i128> {
    let weight = out
        .column_by_name(derived::WEIGHT)
        .unwrap()
        .as_primitive::<Decimal128Type>();
    let in_scope = out.column_by_name(derived::IN_SCOPE).unwrap().as_boolean();
    let (sex, code, lfs) = (
        common::texts(out, derived::SEX),
        common::texts(out, axis),
        common::texts(out, derived::LFS),
    );
    let mut sums = BTreeMap::new();
    for i in (0..out.num_rows()).filter(|&i| in_scope.value(i)) {
        let key = (
            sex[i].clone().unwrap(),
            code[i].clone().unwrap(),
            lfs[i].clone().unwrap(),
        );
        *sums.entry(key).or_insert(0) += weight.value(i);
    }
    sums
}

fn check_table(
    sums: &BTreeMap<(String, String, String), i128>,
    rows: &[(&str, &str, &str, &str, &str)],
) {
    for &(sex, code, e, u, olf) in rows {
        for (status, want) in [("EMP", e), ("UNE", u), ("OLF", olf)] {
            let key = (sex.to_string(), code.to_string(), status.to_string());
            let got = sums.get(&key).copied().unwrap_or(0);
            assert_eq!(got, weight_units(want), "{key:?}");
        }
    }
}

#[test]
fn weighted_by_place_of_birth_the_codes_give_table_a() {
    // icls-concepts.md §5 Table A: sex x CBR, columns E, U, OLF.
    let (out, _) = derive_example();
    check_table(
        &weighted(&out, derived::CBR),
        &[
            ("SEX_M", "CBR_BIR_NATIVE", "120.50", "0", "130.25"),
            ("SEX_M", "CBR_BIR_FOREIGN", "60.00", "150.00", "0"),
            ("SEX_M", "CBR_BIR_X", "40.00", "0", "0"),
            ("SEX_F", "CBR_BIR_NATIVE", "90.00", "0", "209.75"),
            ("SEX_F", "CBR_BIR_FOREIGN", "85.25", "75.50", "0"),
            ("SEX_F", "CBR_BIR_X", "0", "0", "0"),
        ],
    );
}

#[test]
fn weighted_by_citizenship_the_codes_give_table_b() {
    // icls-concepts.md §5 Table B: sex x CCT, columns E, U, OLF.
    let (out, _) = derive_example();
    check_table(
        &weighted(&out, derived::CCT),
        &[
            ("SEX_M", "CCT_CIT_CITIZEN", "180.50", "0", "130.25"),
            ("SEX_M", "CCT_CIT_NONCIT", "40.00", "150.00", "0"),
            ("SEX_F", "CCT_CIT_CITIZEN", "90.00", "0", "209.75"),
            ("SEX_F", "CCT_CIT_NONCIT", "85.25", "75.50", "0"),
            ("SEX_M", "CCT_CIT_X", "0", "0", "0"),
            ("SEX_F", "CCT_CIT_X", "0", "0", "0"),
        ],
    );
}

#[test]
fn run_on_the_worked_example_writes_the_same_records_and_report() {
    let dir = tempfile::tempdir().unwrap();
    let run = RunDir::new(dir.path().join("out"));
    common::write_core(&run, &[core_batch(&persons(), 1)]);
    let report = migstat_derive::run(&common::config(dir.path(), "PHL"), &run).unwrap();
    let (expected, expected_report) = derive_example();
    assert_eq!(report, expected_report);
    let written = common::read_derived(&run);
    assert_eq!(written.num_rows(), 12);
    for (a, b) in written.columns().iter().zip(expected.columns()) {
        assert_eq!(a.to_data(), b.to_data());
    }
}
