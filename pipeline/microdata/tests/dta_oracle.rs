//! Stata datasets written by other tools (pandas, pyreadstat), formats 113 to 119 in both
//! byte orders, read by `DtaReader` and compared, value by value, with what pyreadstat
//! reads from the same file.
//!
//! The files and their `*.expected.json` come from `tests/data/make_files.py` (run it to
//! regenerate them); `make_files.py` also checks pyreadstat's reading against pandas'.

use std::collections::BTreeMap;
use std::path::PathBuf;

use migstat_microdata::dta::{ByteOrder, DtaReader};
use migstat_microdata::{format_number, RecordReader, Variable, VariableKind};
use serde_json::Value;

fn data(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/dta")
        .join(file)
}

fn expected(file: &str) -> Value {
    let path = data(&format!("{file}.expected.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

fn check_variable(file: &str, ours: &Variable, theirs: &Value) {
    let name = theirs["name"].as_str().unwrap();
    assert_eq!(ours.name, name, "{file}");
    assert_eq!(
        ours.label.as_deref(),
        theirs["label"].as_str(),
        "{file}: {name}"
    );
    let text = theirs["storage"] == "string";
    assert_eq!(
        matches!(ours.kind, VariableKind::Text { .. }),
        text,
        "{file}: kind of {name}"
    );
    let their_labels: BTreeMap<String, String> = theirs["value_labels"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| {
            let key = format_number(k.parse().unwrap()).unwrap();
            (key, v.as_str().unwrap().to_string())
        })
        .collect();
    assert_eq!(
        ours.value_labels, their_labels,
        "{file}: value labels of {name}"
    );
    // Stata has no user-missing values: `.a`-`.z` are missing like `.`.
    assert!(ours.missing_values.is_empty() && ours.missing_ranges.is_empty());
    assert_eq!(theirs["missing"], Value::Array(vec![]), "{file}: {name}");
}

fn check_value(at: &str, storage: &str, ours: &Option<String>, theirs: &Value) {
    match (ours, theirs) {
        (None, Value::Null) => {}
        (Some(ours), Value::String(theirs)) => assert_eq!(ours, theirs, "{at}"),
        (Some(ours), Value::Number(theirs)) => {
            let theirs = theirs.as_f64().unwrap();
            let parsed: f64 = ours.parse().unwrap_or_else(|_| panic!("{at}: {ours:?}"));
            if storage == "float" {
                // A float is read as the shortest decimal of the f32 (0.1, not
                // 0.10000000149011612 as pyreadstat widens it): the same f32.
                assert_eq!(parsed as f32, theirs as f32, "{at}: {ours}");
                assert_eq!(
                    ours,
                    &format_number(format!("{}", theirs as f32).parse().unwrap()).unwrap(),
                    "{at}"
                );
            } else {
                assert_eq!(parsed, theirs, "{at}: {ours}");
            }
            if theirs.fract() == 0.0 && theirs.abs() < 1e15 {
                assert_eq!(ours, &(theirs as i64).to_string(), "{at}");
            }
        }
        _ => panic!("{at}: we read {ours:?}, pyreadstat {theirs}"),
    }
}

/// Reads `file` and compares its dictionary and every value with the oracle.
fn check_against_oracle(file: &str) -> DtaReader {
    let expected = expected(file);
    let mut reader = DtaReader::open(data(file)).unwrap_or_else(|e| panic!("{e}"));

    assert_eq!(
        u64::from(reader.format_version()),
        expected["format"].as_u64().unwrap(),
        "{file}"
    );
    let order = match expected["byte_order"].as_str().unwrap() {
        "little" => ByteOrder::LittleEndian,
        _ => ByteOrder::BigEndian,
    };
    assert_eq!(reader.byte_order(), order, "{file}");
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
    let records = expected["records"].as_u64().unwrap();
    assert_eq!(reader.declared_records(), Some(records), "{file}");

    let variables = expected["variables"].as_array().unwrap();
    assert_eq!(reader.variables().len(), variables.len(), "{file}");
    for (ours, theirs) in reader.variables().iter().zip(variables) {
        check_variable(file, ours, theirs);
    }

    let rows = expected["values"].as_array().unwrap();
    let mut values = Vec::new();
    let mut read = 0;
    while reader
        .next_record(&mut values)
        .unwrap_or_else(|e| panic!("{e}"))
    {
        let theirs = rows[read].as_array().unwrap();
        assert_eq!(
            values.len(),
            theirs.len(),
            "{file}: observation {}",
            read + 1
        );
        for (v, (ours, theirs)) in values.iter().zip(theirs).enumerate() {
            let variable = &variables[v];
            let at = format!("{file}: observation {}, {}", read + 1, variable["name"]);
            check_value(&at, variable["storage"].as_str().unwrap(), ours, theirs);
        }
        read += 1;
        assert_eq!(reader.position().record, read as u64);
    }
    assert_eq!(read as u64, records, "{file}: observations read");
    assert!(!reader.next_record(&mut values).unwrap());
    assert!(values.is_empty());
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
    let mut reader = DtaReader::open(data("pyreadstat_118.dta")).unwrap();
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
    let mut found: Vec<String> = std::fs::read_dir(data(""))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|name| !name.ends_with(".expected.json"))
        .collect();
    found.sort();
    assert_eq!(found, tested);
}
