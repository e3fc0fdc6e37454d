//! The extensions of the core record for the new breakdowns (`education`,
//! `economic_activity`, `occupation`, `status_in_employment`) and the census's
//! `[survey] labour_status_basis`: one test per rule, and the values read as stated.

mod common;

use arrow::array::Array;
use common::{summary, text, Case, HEADER, ROWS};
use migstat_artefacts::config::Config;
use migstat_artefacts::reference::Reference;
use migstat_artefacts::schema::core;
use migstat_artefacts::Error;

const CLASSIFICATIONS: &str = "education,economic_activity,occupation,status_in_employment";

/// The valid rows with the four classification columns, one row of cells each.
fn classified(cells: [&str; 3]) -> String {
    let rows: Vec<String> = ROWS
        .iter()
        .zip(cells)
        .map(|(row, more)| format!("{row},{more}"))
        .collect();
    format!("{HEADER},{CLASSIFICATIONS}\n{}\n", rows.join("\n"))
}

fn s(v: &str) -> Option<String> {
    Some(v.to_string())
}

#[test]
fn the_classification_columns_are_read_as_stated_and_empty_is_not_stated() {
    let b = Case::new("core.csv", classified(["6,Q,2,1", " BAS , ,9,", ",U,0,6"])).records();
    assert_eq!(text(&b, core::EDUCATION), [s("6"), s("BAS"), None]);
    assert_eq!(text(&b, core::ECONOMIC_ACTIVITY), [s("Q"), None, s("U")]);
    assert_eq!(text(&b, core::OCCUPATION), [s("2"), s("9"), s("0")]);
    assert_eq!(text(&b, core::STATUS_IN_EMPLOYMENT), [s("1"), None, s("6")]);
}

#[test]
fn the_classification_columns_are_optional() {
    let b = Case::new("core.csv", common::valid_csv()).records();
    for column in CLASSIFICATIONS.split(',') {
        let a = b.column_by_name(column).unwrap();
        assert_eq!(a.null_count(), a.len(), "{column} absent = not stated");
    }
}

#[test]
fn every_isced_2011_level_and_ilo_aggregate_is_an_education_code() {
    for code in [
        "X", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "LTB", "BAS", "INT", "ADV",
    ] {
        let cells = [&format!("{code},,,")[..], ",,,", ",,,"];
        let b = Case::new("core.csv", classified(cells)).records();
        assert_eq!(text(&b, core::EDUCATION)[0], s(code));
    }
}

#[test]
fn each_classification_rejects_codes_outside_its_list() {
    for (cells, rule, column, value) in [
        ("10,,,", "education.code", "education", "10"),
        ("x,,,", "education.code", "education", "x"),
        (
            "EDU_AGGREGATE_BAS,,,",
            "education.code",
            "education",
            "EDU_AGGREGATE_BAS",
        ),
        (",V,,", "economic_activity.code", "economic_activity", "V"),
        (",c,,", "economic_activity.code", "economic_activity", "c"),
        (",01,,", "economic_activity.code", "economic_activity", "01"),
        (",,10,", "occupation.code", "occupation", "10"),
        (",,X,", "occupation.code", "occupation", "X"),
        (
            ",,,0",
            "status_in_employment.code",
            "status_in_employment",
            "0",
        ),
        (
            ",,,7",
            "status_in_employment.code",
            "status_in_employment",
            "7",
        ),
    ] {
        let case = Case::new("core.csv", classified([",,,", cells, ",,,"]));
        let r = case.only_reject();
        assert_eq!(summary(&r), (rule, Some(2), column, value), "{cells}");
        assert!(r.message.starts_with(column), "{}", r.message);
    }
}

/// A census config with `labour_status_basis`, reading `input`.
fn census(dir: &std::path::Path, input: &std::path::Path, basis: &str) -> Config {
    let text = format!(
        "[survey]\nref_area = \"PHL\"\ntime_period = \"2024\"\nsource_type = \"census\"\n\
         labour_status_basis = \"{basis}\"\n[input]\npath = {input:?}\n"
    );
    Config::parse(&text, &dir.join("run.toml")).unwrap()
}

#[test]
fn a_main_activity_census_needs_the_lfs_status_column() {
    let dir = tempfile::tempdir().unwrap();
    // The question items but no lfs_status: fine for the current activity status.
    let header: Vec<&str> = HEADER.split(',').filter(|c| *c != "lfs_status").collect();
    let rows = [
        "P1,1,M,34,PHL,PHL,,Y,H1,Y,,,,,,,,,",
        "P2,1,F,29,PHL,PHL,,Y,H1,N,N,,,,N,N,N,,",
    ];
    let input = dir.path().join("census.csv");
    std::fs::write(
        &input,
        format!("{}\n{}\n", header.join(","), rows.join("\n")),
    )
    .unwrap();
    let reference = Reference::bundled().unwrap();
    let run = migstat_artefacts::layout::RunDir::new(dir.path().join("current"));
    let config = census(dir.path(), &input, "current_activity");
    migstat_ingest::run(&config, &reference, &run).unwrap();

    let run = migstat_artefacts::layout::RunDir::new(dir.path().join("main"));
    let config = census(dir.path(), &input, "main_activity");
    let Err(Error::Input(e)) = migstat_ingest::run(&config, &reference, &run) else {
        panic!("a main-activity census without lfs_status is an input error");
    };
    assert_eq!(e.total, 1);
    let r = &e.first[0];
    assert_eq!(
        (r.rule, r.row, r.column.as_str()),
        ("column.main_activity_status", None, "lfs_status")
    );
    assert!(r.message.contains("main_activity"), "{}", r.message);
    assert!(run.rejects().exists() && !run.core_records().exists());
}

#[test]
fn a_main_activity_census_with_lfs_status_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("census.csv");
    std::fs::write(&input, common::valid_csv()).unwrap();
    let run = migstat_artefacts::layout::RunDir::new(dir.path().join("out"));
    let config = census(dir.path(), &input, "main_activity");
    let report = migstat_ingest::run(&config, &Reference::bundled().unwrap(), &run).unwrap();
    assert_eq!(report.rows_written, 3);
}
