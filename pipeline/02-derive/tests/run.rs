//! `run` end to end: a core.parquet written here, derived.parquet and the report read back.

mod common;

use std::collections::BTreeMap;

use arrow::array::{Array, AsArray};
use arrow::datatypes::{Decimal128Type, Int32Type, Int64Type, UInt8Type};
use common::{core_batch, texts, weight_units, Person};
use migstat_artefacts::layout::RunDir;
use migstat_artefacts::parquet_io::{ParquetSink, BATCH_ROWS};
use migstat_artefacts::schema::{self, derived};
use migstat_artefacts::Error;
use migstat_derive::DeriveReport;

const Y: Option<bool> = Some(true);
const N: Option<bool> = Some(false);

/// The special cases of icls-concepts.md §1.9, §1.10 and §2.2, for ref_area PHL.
fn special_cases() -> Vec<Person> {
    vec![
        // Dual citizen, the reporting country second; producer status beats the items.
        Person {
            country_of_birth: Some("IDN"),
            citizenship: Some("IDN"),
            citizenship_2: Some("PHL"),
            lfs_status: Some("UNE"),
            worked: Y,
            household_id: Some("H1"),
            ..Person::new("dual")
        },
        // Stateless, born abroad in a country not stated; absent for another reason,
        // unpaid, not returning, available but not searching: OLF.
        Person {
            sex: "F",
            country_of_birth: Some("XXX"),
            citizenship: Some("XXA"),
            worked: N,
            absent: Y,
            absence_reason: Some("OTHER"),
            absence_paid: N,
            absence_return_3m: N,
            searched: N,
            available: Y,
            future_start: N,
            household_id: Some("H1"),
            ..Person::new("stateless")
        },
        // Birth and first citizenship given as empty text, second citizenship PHL; no
        // LF item answered: the residual.
        Person {
            country_of_birth: Some(""),
            citizenship: Some(""),
            citizenship_2: Some("PHL"),
            ..Person::new("residual")
        },
        // Birth and citizenship null, second citizenship foreign; absent, reason not
        // stated, paid: rule 4.
        Person {
            country_of_birth: None,
            citizenship: None,
            citizenship_2: Some("IDN"),
            absent: Y,
            absence_paid: Y,
            ..Person::new("unknown")
        },
        Person {
            weight: "0",
            ..Person::new("zero-weight")
        },
        Person {
            age: None,
            worked: Y,
            ..Person::new("no-age")
        },
        // Sex other, exactly 15, future starter not available: OLF.
        Person {
            sex: "O",
            age: Some(15),
            searched: N,
            available: N,
            future_start: Y,
            ..Person::new("fifteen")
        },
        Person {
            usual_resident: false,
            weight: "0",
            age: Some(10),
            ..Person::new("visitor")
        },
        Person {
            age: Some(14),
            ..Person::new("child")
        },
        // Naturalised, sick leave: rule 3.
        Person {
            weight: "0.000000001",
            country_of_birth: Some("USA"),
            absent: Y,
            absence_reason: Some("SICK"),
            ..Person::new("sick")
        },
    ]
}

#[test]
fn run_derives_every_special_case_and_counts_them() {
    let dir = tempfile::tempdir().unwrap();
    let run = RunDir::new(dir.path().join("out"));
    let persons = special_cases();
    common::write_core(&run, &[core_batch(&persons, 1)]);

    let report = migstat_derive::run(&common::config(dir.path(), "PHL"), &run).unwrap();

    let out = common::read_derived(&run);
    #[rustfmt::skip]
    let expected = [
        // person_id,   sex,     scope,               lfs,  rule, cbr,               cct
        ("dual",        "SEX_M", "IN_SCOPE",          "UNE", 1, "CBR_BIR_FOREIGN", "CCT_CIT_CITIZEN"),
        ("stateless",   "SEX_F", "IN_SCOPE",          "OLF", 7, "CBR_BIR_FOREIGN", "CCT_CIT_NONCIT"),
        ("residual",    "SEX_M", "IN_SCOPE",          "OLF", 7, "CBR_BIR_X",       "CCT_CIT_CITIZEN"),
        ("unknown",     "SEX_M", "IN_SCOPE",          "EMP", 4, "CBR_BIR_X",       "CCT_CIT_X"),
        ("zero-weight", "SEX_M", "ZERO_WEIGHT",       "OLF", 7, "CBR_BIR_NATIVE",  "CCT_CIT_CITIZEN"),
        ("no-age",      "SEX_M", "AGE_NOT_STATED",    "EMP", 2, "CBR_BIR_NATIVE",  "CCT_CIT_CITIZEN"),
        ("fifteen",     "SEX_O", "IN_SCOPE",          "OLF", 7, "CBR_BIR_NATIVE",  "CCT_CIT_CITIZEN"),
        ("visitor",     "SEX_M", "NON_RESIDENT",      "OLF", 7, "CBR_BIR_NATIVE",  "CCT_CIT_CITIZEN"),
        ("child",       "SEX_M", "BELOW_WORKING_AGE", "OLF", 7, "CBR_BIR_NATIVE",  "CCT_CIT_CITIZEN"),
        ("sick",        "SEX_M", "IN_SCOPE",          "EMP", 3, "CBR_BIR_FOREIGN", "CCT_CIT_CITIZEN"),
    ];
    assert_eq!(out.num_rows(), expected.len());
    let col = |name| texts(&out, name);
    let (ids, sex, scope, lfs, cbr, cct, hh) = (
        col(derived::PERSON_ID),
        col(derived::SEX),
        col(derived::SCOPE),
        col(derived::LFS),
        col(derived::CBR),
        col(derived::CCT),
        col(derived::HOUSEHOLD_ID),
    );
    let rule = out
        .column_by_name(derived::LFS_RULE)
        .unwrap()
        .as_primitive::<UInt8Type>();
    let in_scope = out.column_by_name(derived::IN_SCOPE).unwrap().as_boolean();
    let weight = out
        .column_by_name(derived::WEIGHT)
        .unwrap()
        .as_primitive::<Decimal128Type>();
    let age = out
        .column_by_name(derived::AGE)
        .unwrap()
        .as_primitive::<Int32Type>();
    let row = out
        .column_by_name(derived::SOURCE_ROW)
        .unwrap()
        .as_primitive::<Int64Type>();
    for (i, want) in expected.iter().enumerate() {
        let s = |v: &Option<String>| v.clone().unwrap();
        let got = (
            s(&ids[i]),
            s(&sex[i]),
            s(&scope[i]),
            s(&lfs[i]),
            rule.value(i),
            s(&cbr[i]),
            s(&cct[i]),
        );
        let want_owned = (
            want.0.to_string(),
            want.1.to_string(),
            want.2.to_string(),
            want.3.to_string(),
            want.4,
            want.5.to_string(),
            want.6.to_string(),
        );
        assert_eq!(got, want_owned, "row {i}");
        assert_eq!(in_scope.value(i), want.2 == "IN_SCOPE", "row {i}");
        // Passed through unchanged.
        let p = &persons[i];
        assert_eq!(weight.value(i), weight_units(p.weight), "row {i}");
        assert_eq!(age.is_valid(i).then(|| age.value(i)), p.age, "row {i}");
        assert_eq!(hh[i].as_deref(), p.household_id, "row {i}");
        assert_eq!(row.value(i), i as i64 + 1, "row {i}");
    }

    let expected_report = DeriveReport {
        rows: 10,
        in_scope: 6,
        by_scope: BTreeMap::from([
            ("AGE_NOT_STATED", 1),
            ("BELOW_WORKING_AGE", 1),
            ("IN_SCOPE", 6),
            ("NON_RESIDENT", 1),
            ("ZERO_WEIGHT", 1),
        ]),
        by_lfs_rule: BTreeMap::from([(1, 1), (2, 0), (3, 1), (4, 1), (5, 0), (6, 0), (7, 3)]),
        lfs_residual: 1,
        // The national rule (the default): the roster decides, 9 Y and 1 N.
        migration: {
            let mut m = DeriveReport::default().migration;
            m.insert("residence_basis.ROSTER".into(), 9);
            m.insert("residence_basis.ROSTER_N".into(), 1);
            // Foreign-born, in scope, in the labour force: "dual" (UNE) and "sick" (EMP).
            m.insert("population.international_migrant_worker_cbr".into(), 2);
            m
        },
    };
    assert_eq!(report, expected_report);
    assert_eq!(report.counts()["scope.IN_SCOPE"], 6);
    assert_eq!(report.counts()["lfs_rule.7"], 3);
    assert_eq!(report.counts()["lfs_residual"], 1);
}

/// Core records spread over several Parquet batches: person `i` has age `i % 90` and
/// weight 0 when `i % 13 == 0`.
fn many(rows: usize) -> Vec<Person> {
    (0..rows)
        .map(|i| Person {
            weight: if i.is_multiple_of(13) { "0" } else { "1.5" },
            age: Some((i % 90) as i32),
            worked: i.is_multiple_of(2).then_some(true),
            ..Person::new(format!("P{i:07}"))
        })
        .collect()
}

#[test]
fn run_keeps_input_order_over_many_batches_whatever_the_thread_count() {
    let rows = 2 * BATCH_ROWS + 1_234;
    let dir = tempfile::tempdir().unwrap();
    let persons = many(rows);
    // Written in uneven batches so that read batches straddle written ones.
    let batches: Vec<_> = persons
        .chunks(50_000)
        .enumerate()
        .map(|(k, chunk)| core_batch(chunk, (k * 50_000) as i64 + 1))
        .collect();
    let mut files = Vec::new();
    let mut reports = Vec::new();
    for threads in [1, 3] {
        let run = RunDir::new(dir.path().join(format!("out-{threads}")));
        common::write_core(&run, &batches);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let config = common::config(dir.path(), "PHL");
        reports.push(pool.install(|| migstat_derive::run(&config, &run)).unwrap());
        files.push(std::fs::read(run.derived_records()).unwrap());

        let out = common::read_derived(&run);
        assert_eq!(out.num_rows(), rows);
        let ids = texts(&out, derived::PERSON_ID);
        let source = out
            .column_by_name(derived::SOURCE_ROW)
            .unwrap()
            .as_primitive::<Int64Type>();
        for i in 0..rows {
            assert_eq!(ids[i].as_deref(), Some(persons[i].id.as_str()), "row {i}");
            assert_eq!(source.value(i), i as i64 + 1, "row {i}");
        }
    }
    assert_eq!(
        files[0], files[1],
        "derived.parquet depends on the thread count"
    );
    assert_eq!(reports[0], reports[1]);

    let r = &reports[0];
    let in_scope = (0..rows)
        .filter(|i| !i.is_multiple_of(13) && i % 90 >= 15)
        .count() as u64;
    let zero = (0..rows).filter(|i| i.is_multiple_of(13)).count() as u64;
    assert_eq!(r.rows, rows as u64);
    assert_eq!(r.in_scope, in_scope);
    assert_eq!(r.by_scope["ZERO_WEIGHT"], zero);
    assert_eq!(
        r.by_scope["BELOW_WORKING_AGE"],
        rows as u64 - in_scope - zero
    );
    assert_eq!(r.by_lfs_rule.values().sum::<u64>(), in_scope);
    assert_eq!(
        r.by_lfs_rule[&7], r.lfs_residual,
        "the odd rows answered nothing"
    );
}

#[test]
fn an_empty_core_file_gives_an_empty_derived_file() {
    let dir = tempfile::tempdir().unwrap();
    let run = RunDir::new(dir.path().join("out"));
    common::write_core(&run, &[]);
    let report = migstat_derive::run(&common::config(dir.path(), "PHL"), &run).unwrap();
    assert_eq!(report, DeriveReport::default());
    assert_eq!(common::read_derived(&run).num_rows(), 0);
}

#[test]
fn a_missing_core_file_is_an_io_error_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let run = RunDir::new(dir.path().join("out"));
    let err = migstat_derive::run(&common::config(dir.path(), "PHL"), &run).unwrap_err();
    assert!(matches!(err, Error::Io { .. }), "{err}");
    assert!(!run.derived_records().exists());
}

#[test]
fn a_core_file_of_another_schema_is_refused_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let run = RunDir::new(dir.path().join("out"));
    // A derived file where the core file should be.
    let sink = ParquetSink::create(&run.core_records(), schema::derived_record()).unwrap();
    sink.finish().unwrap();
    let err = migstat_derive::run(&common::config(dir.path(), "PHL"), &run).unwrap_err();
    assert!(err.to_string().contains("schema"), "{err}");
    assert!(!run.derived_records().exists());
}

#[test]
fn a_code_ingest_should_have_rejected_is_an_internal_error_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let run = RunDir::new(dir.path().join("out"));
    let persons = [
        Person::new("ok"),
        Person {
            sex: "X",
            ..Person::new("bad-sex")
        },
    ];
    common::write_core(&run, &[core_batch(&persons, 1)]);
    let err = migstat_derive::run(&common::config(dir.path(), "PHL"), &run).unwrap_err();
    assert!(matches!(err, Error::Internal(_)), "{err}");
    let msg = err.to_string();
    assert!(
        msg.contains("bad-sex") && msg.contains("row 2") && msg.contains("sex"),
        "{msg}"
    );
    assert!(!run.derived_records().exists());
    let left: Vec<_> = std::fs::read_dir(run.derived_records().parent().unwrap())
        .unwrap()
        .collect();
    assert!(left.is_empty(), "no temporary file left: {left:?}");
}
