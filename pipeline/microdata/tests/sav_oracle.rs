//! SPSS system files written by other tools (pyreadstat, GNU PSPP), read by `SavReader`
//! and compared, value by value, with what pyreadstat reads from the same file.
//!
//! The files and their `*.expected.json` come from `tests/data/make_files.py` (run it to
//! regenerate them); `make_files.py` also checks pyreadstat's reading against PSPP's.

use std::collections::BTreeMap;
use std::path::PathBuf;

use migstat_microdata::sav::{ByteOrder, Compression, SavReader};
use migstat_microdata::{format_number, RecordReader, Variable, VariableKind};
use serde_json::Value;

fn data(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/sav")
        .join(file)
}

fn expected(file: &str) -> Value {
    let path = data(&format!("{file}.expected.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// A number written as text by either side, in `format_number`'s form (`-inf`/`inf` for
/// the open ends of a missing-value range).
fn normal_number(text: &str) -> String {
    let x: f64 = text
        .parse()
        .unwrap_or_else(|_| panic!("{text:?} is not a number"));
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.to_string();
    }
    format_number(x).unwrap()
}

fn is_text(theirs: &Value) -> bool {
    theirs["storage"] == "string"
}

/// Our missing-value declarations as pyreadstat lists them: a discrete value `x` is the
/// range `[x, x]`.
fn missing_as_ranges(variable: &Variable, text: bool) -> Vec<(String, String)> {
    let mut ranges: Vec<(String, String)> = variable
        .missing_values
        .iter()
        .map(|x| (x.clone(), x.clone()))
        .chain(
            variable
                .missing_ranges
                .iter()
                .map(|(lo, hi)| (lo.to_string(), hi.to_string())),
        )
        .map(|(lo, hi)| {
            if text {
                (lo, hi)
            } else {
                (normal_number(&lo), normal_number(&hi))
            }
        })
        .collect();
    ranges.sort();
    ranges
}

fn check_variable(file: &str, ours: &Variable, theirs: &Value) {
    let name = theirs["name"].as_str().unwrap();
    assert_eq!(ours.name, name, "{file}");
    assert_eq!(
        ours.label.as_deref(),
        theirs["label"].as_str(),
        "{file}: {name}"
    );
    let text = is_text(theirs);
    match ours.kind {
        VariableKind::Numeric => assert!(!text, "{file}: {name} should be text"),
        VariableKind::Text { width } => {
            assert!(text, "{file}: {name} should be numeric");
            assert!(width > 0, "{file}: {name} has width 0");
        }
    }
    let their_labels: BTreeMap<String, String> = theirs["value_labels"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| {
            let key = if text { k.clone() } else { normal_number(k) };
            (key, v.as_str().unwrap().to_string())
        })
        .collect();
    assert_eq!(
        ours.value_labels, their_labels,
        "{file}: value labels of {name}"
    );
    let mut their_missing: Vec<(String, String)> = theirs["missing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|pair| {
            let side = |i: usize| {
                let s = pair[i].as_str().unwrap();
                if text {
                    s.to_string()
                } else {
                    normal_number(s)
                }
            };
            (side(0), side(1))
        })
        .collect();
    their_missing.sort();
    assert_eq!(
        missing_as_ranges(ours, text),
        their_missing,
        "{file}: missing values of {name}"
    );
}

fn check_value(file: &str, record: usize, name: &str, ours: &Option<String>, theirs: &Value) {
    let at = format!("{file}: record {}, {name}", record + 1);
    match (ours, theirs) {
        (None, Value::Null) => {}
        (Some(ours), Value::String(theirs)) => assert_eq!(ours, theirs, "{at}"),
        (Some(ours), Value::Number(theirs)) => {
            let theirs = theirs.as_f64().unwrap();
            let parsed: f64 = ours.parse().unwrap_or_else(|_| panic!("{at}: {ours:?}"));
            assert_eq!(parsed, theirs, "{at}: {ours}");
            // Codes read as the integers they are.
            if theirs.fract() == 0.0 && theirs.abs() < 1e15 {
                assert_eq!(ours, &(theirs as i64).to_string(), "{at}");
            }
        }
        _ => panic!("{at}: we read {ours:?}, pyreadstat {theirs}"),
    }
}

/// Reads `file` and compares its dictionary and every value with the oracle.
fn check_against_oracle(file: &str) -> SavReader {
    let expected = expected(file);
    let mut reader = SavReader::open(data(file)).unwrap_or_else(|e| panic!("{e}"));

    let compression = match expected["compression"].as_str().unwrap() {
        "none" => Compression::None,
        "bytecode" => Compression::Bytecode,
        "zlib" => Compression::Zlib,
        other => panic!("{other}"),
    };
    assert_eq!(reader.compression(), compression, "{file}");
    let order = match expected["byte_order"].as_str().unwrap() {
        "little" => ByteOrder::LittleEndian,
        _ => ByteOrder::BigEndian,
    };
    assert_eq!(reader.byte_order(), order, "{file}");
    assert!(
        reader
            .encoding()
            .eq_ignore_ascii_case(expected["encoding"].as_str().unwrap()),
        "{file}: {}",
        reader.encoding()
    );
    assert_eq!(
        reader.file_label(),
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
    let names: Vec<String> = reader.variables().iter().map(|v| v.name.clone()).collect();
    let mut values = Vec::new();
    let mut read = 0;
    while reader
        .next_record(&mut values)
        .unwrap_or_else(|e| panic!("{e}"))
    {
        let theirs = rows[read].as_array().unwrap();
        assert_eq!(values.len(), theirs.len(), "{file}: record {}", read + 1);
        for ((ours, theirs), name) in values.iter().zip(theirs).zip(&names) {
            check_value(file, read, name, ours, theirs);
        }
        read += 1;
        assert_eq!(reader.position().record, read as u64);
    }
    assert_eq!(read as u64, records, "{file}: records read");
    // The end stays the end.
    assert!(!reader.next_record(&mut values).unwrap());
    assert!(values.is_empty());
    reader
}

#[test]
fn pyreadstat_uncompressed_file_reads_as_pyreadstat_reads_it() {
    let reader = check_against_oracle("pyreadstat_uncompressed.sav");
    assert_eq!(
        reader.documents(),
        ["Written by make_files.py", "Second line of the document"]
    );
}

#[test]
fn pyreadstat_bytecode_compressed_file_reads_as_pyreadstat_reads_it() {
    check_against_oracle("pyreadstat_bytecode.sav");
}

#[test]
fn pyreadstat_zlib_compressed_file_reads_as_pyreadstat_reads_it() {
    check_against_oracle("pyreadstat_zlib.zsav");
}

#[test]
fn big_endian_file_reads_as_pyreadstat_reads_it() {
    check_against_oracle("pyreadstat_bigendian.sav");
}

#[test]
fn pspp_windows_1252_file_reads_as_pyreadstat_reads_it() {
    let reader = check_against_oracle("pspp_windows1252.sav");
    // PSPP adds the date a document was entered as a second line.
    assert_eq!(
        reader.documents()[0],
        "DOCUMENT Ceci est un document: café."
    );
}

#[test]
fn pspp_windows_1252_bytecode_file_reads_as_pyreadstat_reads_it() {
    check_against_oracle("pspp_windows1252_bytecode.sav");
}

#[test]
fn pspp_utf8_zlib_file_reads_as_pyreadstat_reads_it() {
    check_against_oracle("pspp_utf8_zlib.zsav");
}

#[test]
fn every_test_file_has_a_test() {
    // A file added to tests/data/sav without a test above would go unchecked.
    let tested = [
        "pyreadstat_uncompressed.sav",
        "pyreadstat_bytecode.sav",
        "pyreadstat_zlib.zsav",
        "pyreadstat_bigendian.sav",
        "pspp_windows1252.sav",
        "pspp_windows1252_bytecode.sav",
        "pspp_utf8_zlib.zsav",
        // Read by sav_streaming.rs.
        "pyreadstat_200k.zsav",
    ];
    let mut found: Vec<String> = std::fs::read_dir(data(""))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|name| !name.ends_with(".expected.json"))
        .collect();
    found.sort();
    let mut tested: Vec<String> = tested.iter().map(|s| s.to_string()).collect();
    tested.sort();
    assert_eq!(found, tested);
}

#[test]
fn very_long_strings_are_one_value_and_keep_multibyte_text_whole() {
    // PSPP stores the 600-byte `note` as three segments (255 + 255 + 96 bytes wide).
    let mut reader = SavReader::open(data("pspp_utf8_zlib.zsav")).unwrap();
    let note = reader
        .variables()
        .iter()
        .position(|v| v.name == "note")
        .unwrap();
    assert_eq!(
        reader.variables()[note].kind,
        VariableKind::Text { width: 600 }
    );
    let mut values = Vec::new();
    reader.next_record(&mut values).unwrap();
    // PSPP cut the 19 repetitions (649 bytes) to the variable's 600 bytes.
    let written = "Émigré en 2019, revenu au pays ".repeat(19);
    let first = values[note].as_deref().unwrap();
    assert_eq!(first, String::from_utf8_lossy(&written.as_bytes()[..600]));
    reader.next_record(&mut values).unwrap();
    reader.next_record(&mut values).unwrap();
    reader.next_record(&mut values).unwrap();
    // 252 two-byte characters: the first segment boundary falls inside one of them.
    let fourth = values[note].as_deref().unwrap();
    assert_eq!(fourth, format!("{}{}", "à".repeat(252), "b".repeat(10)));
}
