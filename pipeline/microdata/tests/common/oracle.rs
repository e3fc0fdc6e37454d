//! The harness of `dta_oracle.rs` and `sav_oracle.rs`: a binary format's test files, what
//! pyreadstat reads from each (its `*.expected.json`, written by `tests/data/make_files.py`),
//! and the comparison, value by value, of what a reader reads with it.
//!
//! A test file takes it in with `#[path = "common/oracle.rs"] mod oracle;`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use migstat_microdata::sav::ByteOrder;
use migstat_microdata::{format_number, RecordReader, Variable};
use serde_json::Value;

/// A binary format's test files and their oracle.
pub struct Oracle {
    /// The folder of `tests/data` holding the files.
    pub dir: &'static str,
    /// What the format calls a record, for the messages.
    pub record: &'static str,
}

impl Oracle {
    pub fn path(&self, file: &str) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data")
            .join(self.dir)
            .join(file)
    }

    /// What pyreadstat reads from `file`.
    pub fn expected(&self, file: &str) -> Value {
        let path = self.path(&format!("{file}.expected.json"));
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        serde_json::from_str(&text).unwrap()
    }

    /// The names of the test files in the folder (not their `*.expected.json`), sorted.
    pub fn files(&self) -> Vec<String> {
        let mut found: Vec<String> = std::fs::read_dir(self.path(""))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|name| !name.ends_with(".expected.json"))
            .collect();
        found.sort();
        found
    }

    /// Compares what `reader` reads from `file` with what pyreadstat reads (`expected`):
    /// the declared number of records; the variables, their names and labels, then
    /// whatever else `check_variable(file, ours, theirs)` checks of each; every value of
    /// every record, and their number. Then checks that the end stays the end.
    pub fn check_records(
        &self,
        file: &str,
        reader: &mut impl RecordReader,
        expected: &Value,
        check_variable: fn(&str, &Variable, &Value),
    ) {
        let record = self.record;
        let records = expected["records"].as_u64().unwrap();
        assert_eq!(reader.declared_records(), Some(records), "{file}");

        let variables = expected["variables"].as_array().unwrap();
        assert_eq!(reader.variables().len(), variables.len(), "{file}");
        for (ours, theirs) in reader.variables().iter().zip(variables) {
            let name = theirs["name"].as_str().unwrap();
            assert_eq!(ours.name, name, "{file}");
            assert_eq!(
                ours.label.as_deref(),
                theirs["label"].as_str(),
                "{file}: {name}"
            );
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
            assert_eq!(values.len(), theirs.len(), "{file}: {record} {}", read + 1);
            for (v, (ours, theirs)) in values.iter().zip(theirs).enumerate() {
                let variable = &variables[v];
                let name = variable["name"].as_str().unwrap();
                let at = format!("{file}: {record} {}, {name}", read + 1);
                check_value(&at, variable["storage"].as_str().unwrap(), ours, theirs);
            }
            read += 1;
            assert_eq!(reader.position().record, read as u64);
        }
        assert_eq!(read as u64, records, "{file}: {record}s read");
        // The end stays the end.
        assert!(!reader.next_record(&mut values).unwrap());
        assert!(values.is_empty());
    }
}

/// The byte order pyreadstat reports.
pub fn byte_order(expected: &Value) -> ByteOrder {
    match expected["byte_order"].as_str().unwrap() {
        "little" => ByteOrder::LittleEndian,
        _ => ByteOrder::BigEndian,
    }
}

/// The value labels of the variable `theirs`, with their values written by `key`.
pub fn value_labels(theirs: &Value, key: impl Fn(&str) -> String) -> BTreeMap<String, String> {
    theirs["value_labels"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (key(k), v.as_str().unwrap().to_string()))
        .collect()
}

/// Compares a value we read (`ours`) with pyreadstat's, of a variable stored as `storage`.
fn check_value(at: &str, storage: &str, ours: &Option<String>, theirs: &Value) {
    match (ours, theirs) {
        (None, Value::Null) => {}
        (Some(ours), Value::String(theirs)) => assert_eq!(ours, theirs, "{at}"),
        (Some(ours), Value::Number(theirs)) => {
            let theirs = theirs.as_f64().unwrap();
            let parsed: f64 = ours.parse().unwrap_or_else(|_| panic!("{at}: {ours:?}"));
            if storage == "float" {
                // A float (Stata's) is read as the shortest decimal of the f32 (0.1, not
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
            // Codes read as the integers they are.
            if theirs.fract() == 0.0 && theirs.abs() < 1e15 {
                assert_eq!(ours, &(theirs as i64).to_string(), "{at}");
            }
        }
        _ => panic!("{at}: we read {ours:?}, pyreadstat {theirs}"),
    }
}
