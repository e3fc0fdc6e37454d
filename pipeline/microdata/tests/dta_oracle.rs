//! Stata datasets written by other tools (pandas, pyreadstat), formats 113 to 119 in both
//! byte orders, read by `DtaReader` and compared, value by value, with what pyreadstat
//! reads from the same file.
//!
//! The files and their `*.expected.json` come from `tests/data/make_files.py` (run it to
//! regenerate them); `make_files.py` also checks pyreadstat's reading against pandas'.

#[path = "common/oracle.rs"]
mod oracle;

use migstat_microdata::dta::DtaReader;
use migstat_microdata::{format_number, RecordReader, Variable, VariableKind};
use serde_json::Value;

use oracle::Oracle;

const STATA: Oracle = Oracle {
    dir: "dta",
    record: "observation",
};

/// Checks what the oracle's harness leaves to each format: the kind, value labels and
/// missing values of a variable.
fn check_variable(file: &str, ours: &Variable, theirs: &Value) {
    let name = &ours.name;
    let text = theirs["storage"] == "string";
    assert_eq!(
        matches!(ours.kind, VariableKind::Text { .. }),
        text,
        "{file}: kind of {name}"
    );
    let their_labels = oracle::value_labels(theirs, |k| format_number(k.parse().unwrap()).unwrap());
    assert_eq!(
        ours.value_labels, their_labels,
        "{file}: value labels of {name}"
    );
    // Stata has no user-missing values: `.a`-`.z` are missing like `.`.
    assert!(ours.missing_values.is_empty() && ours.missing_ranges.is_empty());
    assert_eq!(theirs["missing"], Value::Array(vec![]), "{file}: {name}");
}

/// Reads `file` and compares its dictionary and every value with the oracle.
fn check_against_oracle(file: &str) -> DtaReader {
    let expected = STATA.expected(file);
    let mut reader = DtaReader::open(STATA.path(file)).unwrap_or_else(|e| panic!("{e}"));

    assert_eq!(
        u64::from(reader.format_version()),
        expected["format"].as_u64().unwrap(),
        "{file}"
    );
    assert_eq!(reader.byte_order(), oracle::byte_order(&expected), "{file}");
    assert_eq!(
        reader.encoding(),
        expected["encoding"].as_str().unwrap(),
        "{file}"
    );
    assert_eq!(
        reader.data_label(),
        expected["file_label"].as_str(),
        "{file}"
    );
    STATA.check_records(file, &mut reader, &expected, check_variable);
    reader
}

#[test]
fn pandas_format_114_in_both_byte_orders_reads_as_pyreadstat_reads_it() {
    check_against_oracle("pandas_114_lsf.dta");
    check_against_oracle("pandas_114_msf.dta");
}

#[test]
fn pandas_format_117_in_both_byte_orders_reads_as_pyreadstat_reads_it() {
    check_against_oracle("pandas_117_lsf.dta");
    check_against_oracle("pandas_117_msf.dta");
}

#[test]
fn pandas_format_118_in_both_byte_orders_reads_as_pyreadstat_reads_it() {
    check_against_oracle("pandas_118_lsf.dta");
    check_against_oracle("pandas_118_msf.dta");
}

#[test]
fn pandas_format_119_in_both_byte_orders_reads_as_pyreadstat_reads_it() {
    check_against_oracle("pandas_119_lsf.dta");
    check_against_oracle("pandas_119_msf.dta");
}

#[test]
fn pyreadstat_formats_113_to_119_read_as_pyreadstat_reads_them() {
    for version in [113, 115, 117, 118, 119] {
        check_against_oracle(&format!("pyreadstat_{version}.dta"));
    }
}

#[test]
fn extended_missing_values_read_as_missing() {
    // pyreadstat wrote `status` = 1, .a, ., .z, 2.
    let mut reader = DtaReader::open(STATA.path("pyreadstat_118.dta")).unwrap();
    let mut values = Vec::new();
    let mut status = Vec::new();
    while reader.next_record(&mut values).unwrap() {
        status.push(values[1].clone());
    }
    assert_eq!(
        status,
        [
            Some("1".to_string()),
            None,
            None,
            None,
            Some("2".to_string())
        ]
    );
}

#[test]
fn every_test_file_has_a_test() {
    let mut tested: Vec<String> = ["114", "117", "118", "119"]
        .iter()
        .flat_map(|v| [format!("pandas_{v}_lsf.dta"), format!("pandas_{v}_msf.dta")])
        .chain([113, 115, 117, 118, 119].map(|v| format!("pyreadstat_{v}.dta")))
        // Read by dta_streaming.rs.
        .chain(["pandas_118_200k.dta.gz".to_string()])
        .collect();
    tested.sort();
    assert_eq!(STATA.files(), tested);
}
