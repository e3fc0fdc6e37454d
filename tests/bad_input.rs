//! Bad microdata: one file per rule of contract section 3 (and per kind of malformed
//! CSV) in `fixtures/bad/`, each expected to stop the run with a message naming file,
//! row, column, value and rule, to list every problem in `rejects.csv`, and to publish
//! nothing.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use common::*;

#[test]
fn every_bad_input_fixture_is_rejected_with_file_row_column_value_and_rule() {
    let bad = repo().join("fixtures/bad");
    let expected = csv::Reader::from_path(bad.join("expected.csv")).unwrap();
    let mut checked = 0;
    for rec in expected.into_deserialize() {
        let rec: BTreeMap<String, String> = rec.unwrap();
        let input = bad.join(&rec["file"]);
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("config.toml");
        fs::write(
            &config,
            format!(
                "[survey]\nref_area = \"PHL\"\ntime_period = \"2024-Q2\"\nsource_type = \"lfs\"\n\n\
                 [input]\npath = {:?}\nlayout = \"core\"\n",
                input.display().to_string()
            ),
        )
        .unwrap();
        let out = dir.path().join("out");
        let run = migstat_run(&config, &out);
        let stderr = String::from_utf8_lossy(&run.stderr);
        let case = format!("{}:\n{stderr}", rec["file"]);
        assert_eq!(
            run.status.code(),
            Some(3),
            "input errors exit with 3; {case}"
        );
        assert!(
            stderr.contains(&input.display().to_string()),
            "names the file; {case}"
        );
        assert!(
            stderr.contains(&format!("[{}]", rec["rule"])),
            "names the rule {}; {case}",
            rec["rule"]
        );
        if !rec["row"].is_empty() {
            assert!(
                stderr.contains(&format!("row {}", rec["row"])),
                "names the row; {case}"
            );
        }
        if !rec["column"].is_empty() {
            assert!(
                stderr.contains(&format!("column {}", rec["column"])),
                "names the column; {case}"
            );
        }
        if !rec["value"].is_empty() {
            assert!(
                stderr.contains(&format!("{:?}", rec["value"])),
                "quotes the value; {case}"
            );
        }
        assert!(!out.join("sdmx").exists(), "publishes nothing; {case}");
        assert!(
            !out.join("ingest/core.parquet").exists(),
            "no core records; {case}"
        );
        let rejects = fs::read_to_string(out.join("rejects.csv")).unwrap();
        assert!(
            rejects.contains(&rec["rule"]),
            "rejects.csv lists it; {case}"
        );
        checked += 1;
    }
    assert!(checked >= 15, "one fixture per rule ({checked} checked)");
}

#[test]
fn all_problems_go_to_rejects_csv_and_the_first_20_to_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("core.csv");
    let mut text =
        String::from("person_id,weight,sex,age,country_of_birth,citizenship,lfs_status\n");
    for i in 1..=30 {
        text.push_str(&format!("p{i},-1,M,30,PHL,PHL,EMP\n"));
    }
    fs::write(&input, text).unwrap();
    let config = lfs_config(dir.path(), "core.csv");
    let out = dir.path().join("out");
    let run = migstat_run(&config, &out);
    assert_eq!(run.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(stderr.matches("[weight.negative]").count(), 20, "{stderr}");
    assert!(stderr.contains("30 problems"), "{stderr}");
    let rejects = fs::read_to_string(out.join("rejects.csv")).unwrap();
    assert_eq!(rejects.lines().count(), 31, "header + every problem");
    assert!(!out.join("sdmx").exists());
}

#[test]
fn missing_microdata_are_an_operator_error_naming_the_file_and_nothing_is_published() {
    let dir = tempfile::tempdir().unwrap();
    let config = lfs_config(dir.path(), "not-there.csv");
    let out = dir.path().join("out");
    let run = migstat_run(&config, &out);
    assert_eq!(
        run.status.code(),
        Some(5),
        "disk, permissions, missing files: exit 5"
    );
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("not-there.csv"), "{stderr}");
    assert!(!out.join("sdmx").exists());
    assert!(!out.join("ingest/core.parquet").exists());
}

/// `dir/config.toml`: a 2024 LFS of the Philippines reading `input` (relative to `dir`),
/// every other setting its default.
fn lfs_config(dir: &Path, input: &str) -> PathBuf {
    let config = dir.join("config.toml");
    let text = format!(
        "[survey]\nref_area = \"PHL\"\ntime_period = \"2024\"\nsource_type = \"lfs\"\n\
         [input]\npath = \"{input}\"\n"
    );
    fs::write(&config, text).unwrap();
    config
}
