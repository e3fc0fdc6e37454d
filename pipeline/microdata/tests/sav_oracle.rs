//! SPSS system files written by other tools (pyreadstat, GNU PSPP), read by `SavReader`
//! and compared, value by value, with what pyreadstat reads from the same file.
//!
//! The files and their `*.expected.json` come from `tests/data/make_files.py` (run it to
//! regenerate them); `make_files.py` also checks pyreadstat's reading against PSPP's.

#[path = "common/oracle.rs"]
mod oracle;

use migstat_microdata::sav::{Compression, SavReader};
use migstat_microdata::{format_number, RecordReader, Variable, VariableKind};
use serde_json::Value;

use oracle::Oracle;

const SPSS: Oracle = Oracle {
    dir: "sav",
    record: "record",
};

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

/// A value written as text by either side, in our form: a number of a numeric variable in
/// `format_number`'s, text as it is.
fn normal_value(value: &str, text: bool) -> String {
    if text {
        value.to_string()
    } else {
        normal_number(value)
    }
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
        .map(|(lo, hi)| (normal_value(&lo, text), normal_value(&hi, text)))
        .collect();
    ranges.sort();
    ranges
}

/// Checks what the oracle's harness leaves to each format: the kind, value labels and
/// missing values of a variable.
fn check_variable(file: &str, ours: &Variable, theirs: &Value) {
    let name = &ours.name;
    let text = is_text(theirs);
    match ours.kind {
        VariableKind::Numeric => assert!(!text, "{file}: {name} should be text"),
        VariableKind::Text { width } => {
            assert!(text, "{file}: {name} should be numeric");
            assert!(width > 0, "{file}: {name} has width 0");
        }
    }
    let their_labels = oracle::value_labels(theirs, |k| normal_value(k, text));
    assert_eq!(
        ours.value_labels, their_labels,
        "{file}: value labels of {name}"
    );
    let mut their_missing: Vec<(String, String)> = theirs["missing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|pair| {
            let side = |i: usize| normal_value(pair[i].as_str().unwrap(), text);
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

/// Reads `file` and compares its dictionary and every value with the oracle.
fn check_against_oracle(file: &str) -> SavReader {
    let expected = SPSS.expected(file);
    let mut reader = SavReader::open(SPSS.path(file)).unwrap_or_else(|e| panic!("{e}"));

    let compression = match expected["compression"].as_str().unwrap() {
        "none" => Compression::None,
        "bytecode" => Compression::Bytecode,
        "zlib" => Compression::Zlib,
        other => panic!("{other}"),
    };
    assert_eq!(reader.compression(), compression, "{file}");
    assert_eq!(reader.byte_order(), oracle::byte_order(&expected), "{file}");
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
    SPSS.check_records(file, &mut reader, &expected, check_variable);
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
    let mut tested: Vec<String> = tested.iter().map(|s| s.to_string()).collect();
    tested.sort();
    assert_eq!(SPSS.files(), tested);
}

#[test]
fn very_long_strings_are_one_value_and_keep_multibyte_text_whole() {
    // PSPP stores the 600-byte `note` as three segments (255 + 255 + 96 bytes wide).
    let mut reader = SavReader::open(SPSS.path("pspp_utf8_zlib.zsav")).unwrap();
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
