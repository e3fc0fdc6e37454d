//! `fixtures/bad/`: every file gives the first reject `expected.csv` says, and every rule
//! has a file (the end-to-end tests run `migstat run` on them).

mod common;

use std::collections::BTreeSet;
use std::path::PathBuf;

use common::Case;

fn bad() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/bad")
}

fn expected() -> Vec<[String; 5]> {
    let mut reader = csv::Reader::from_path(bad().join("expected.csv")).unwrap();
    assert_eq!(
        reader.headers().unwrap(),
        vec!["file", "rule", "row", "column", "value"]
    );
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            std::array::from_fn(|i| r[i].to_string())
        })
        .collect()
}

#[test]
fn each_bad_fixture_gives_its_expected_first_reject() {
    for [file, rule, row, column, value] in expected() {
        let case = Case::of_file(&bad().join(&file));
        let first = case.rejects().remove(0);
        let got = (
            first.rule,
            first.row.map(|r| r.to_string()).unwrap_or_default(),
            first.column,
            first.value,
        );
        assert_eq!(got, (rule.as_str(), row, column, value), "{file}");
        assert!(
            file.starts_with(&format!("{rule}.")),
            "{file} is named after its rule"
        );
    }
}

#[test]
fn every_rule_has_a_bad_fixture() {
    let covered: BTreeSet<String> = expected().into_iter().map(|[_, rule, ..]| rule).collect();
    // parquet.type needs a nested Parquet column: tests/formats.rs. The rules that depend
    // on [design] method never fire without a [design] section, and the end-to-end test
    // runs every file without one: tests/design.rs.
    let mut untested_here = vec!["parquet.type"];
    untested_here.extend(migstat_ingest::rules::DESIGN_DEPENDENT);
    // The layout rules need a layout other than core: tests/layouts.rs.
    untested_here.extend(migstat_ingest::rules::LAYOUT_DEPENDENT);
    // The labour status basis rules need [survey] labour_status_basis: tests/basis.rs.
    untested_here.extend(migstat_ingest::rules::BASIS_DEPENDENT);
    // The .sav, .dta and fixed-width rules need those formats: tests/records.rs.
    untested_here.extend(migstat_ingest::rules::FORMAT_DEPENDENT);
    for rule in migstat_ingest::rules::ALL {
        let here = covered.contains(*rule);
        assert!(
            here || untested_here.contains(rule),
            "no fixture for {rule}"
        );
        assert!(
            !(here && untested_here.contains(rule)),
            "{rule} cannot have a fixture"
        );
    }
    let listed: BTreeSet<String> = expected().into_iter().map(|[file, ..]| file).collect();
    let on_disk: BTreeSet<String> = std::fs::read_dir(bad())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n != "expected.csv" && n != "README.md" && !n.ends_with(".py"))
        .collect();
    assert_eq!(listed, on_disk, "every file is in expected.csv");
}
