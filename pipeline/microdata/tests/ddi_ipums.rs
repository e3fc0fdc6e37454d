//! Reading IPUMS fixed-width extracts through their DDI codebooks.
//!
//! The codebooks are ipumsr's example codebooks, trimmed (tests/data/ddi/README.md); the
//! records are checked against ipumspy, IPUMS' own Python reader.

use std::path::{Path, PathBuf};

use migstat_microdata::ddi::{self, Structure};
use migstat_microdata::fixed::{Encoding, FixedWidthReader};
use migstat_microdata::{Error, RecordReader, VariableKind};

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/ddi")
        .join(name)
}

/// The records of `file` read with `codebook`, emitting `emit` and carrying `carry`.
fn read(
    codebook: &str,
    file: &str,
    emit: Option<&str>,
    carry: &[&str],
) -> (Vec<String>, Vec<Vec<Option<String>>>) {
    let codebook = ddi::parse(data(codebook)).unwrap();
    let layout = codebook.layout().unwrap();
    let options = match emit {
        Some(emit) => codebook.options_for(emit, carry).unwrap(),
        None => migstat_microdata::fixed::FixedOptions {
            encoding: codebook.encoding().unwrap().unwrap_or_default(),
            ..Default::default()
        },
    };
    let mut reader = FixedWidthReader::open(data(file), &layout, &options).unwrap();
    let names = reader.variables().iter().map(|v| v.name.clone()).collect();
    let mut records = Vec::new();
    let mut values = Vec::new();
    while reader.next_record(&mut values).unwrap() {
        records.push(values.clone());
    }
    (names, records)
}

/// Compares records with a CSV written by ipumspy (tests/data/ddi/oracle_ipumspy.py).
fn assert_matches_ipumspy(names: &[String], records: &[Vec<Option<String>>], expected: &str) {
    let expected = std::fs::read_to_string(data(expected)).unwrap();
    let mut lines = expected.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(header, names, "the same variables in the same order");
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), records.len());
    for (row, record) in rows.iter().zip(records) {
        let ours: Vec<&str> = record.iter().map(|v| v.as_deref().unwrap_or("")).collect();
        assert_eq!(&ours, row);
    }
}

#[test]
fn every_person_with_its_household_matches_what_ipumspy_reads() {
    let (names, persons) = read("cps_00159.xml", "cps_00159.dat", Some("P"), &["H"]);
    assert_matches_ipumspy(&names, &persons, "expected_person_ipumspy.csv");
}

#[test]
fn a_rectangular_extract_matches_what_ipumspy_reads() {
    let (names, records) = read("cps_00160.xml", "cps_00160.dat", None, &[]);
    assert_matches_ipumspy(&names, &records, "expected_rectangular_ipumspy.csv");
    // A 14-digit identifier keeps every digit.
    assert_eq!(records[0][3].as_deref(), Some("20150300000101"));
}

#[test]
fn a_person_record_carries_its_household_weight_and_state() {
    let (names, persons) = read("cps_00159.xml", "cps_00159.dat", Some("P"), &["H"]);
    let at = |name: &str| names.iter().position(|n| n == name).unwrap();
    // ASECWTH is 00015433900 with dcml="4": 1543.39.
    assert_eq!(persons[0][at("ASECWTH")].as_deref(), Some("1543.39"));
    assert_eq!(persons[0][at("STATEFIP")].as_deref(), Some("27"));
    assert_eq!(persons[0][at("RECTYPE")].as_deref(), Some("P"));
    // The household of serial 4 has no person: 6 persons in 4 households.
    assert_eq!(persons.len(), 6);
    assert_eq!(
        persons[2][at("INCTOT")].as_deref(),
        Some("-1500"),
        "incomes can be negative"
    );
}

#[test]
fn the_codebook_says_how_the_file_is_built() {
    let codebook = ddi::parse(data("cps_00159.xml")).unwrap();
    assert_eq!(
        codebook.title.as_deref(),
        Some("Codebook for an IPUMS-CPS Data Extract")
    );
    let file = &codebook.files[0];
    assert_eq!(file.structure, Structure::Hierarchical);
    assert_eq!(file.name.as_deref(), Some("cps_00159.dat"));
    assert_eq!(file.record_groups[0].key_vars, ["SERIAL"]);
    assert_eq!(
        file.record_groups[1].label.as_deref(),
        Some("Household Record")
    );
    // IPUMS extracts are ISO-8859-1.
    assert_eq!(codebook.encoding().unwrap(), Some(Encoding::Latin1));
    let layout = codebook.layout().unwrap();
    assert_eq!(layout.record_types, ["P", "H"]);
    let record_type = layout.record_type.unwrap();
    assert_eq!((record_type.start, record_type.width), (1, 1));
    let on = |name: &str| {
        layout
            .columns
            .iter()
            .find(|c| c.variable.name == name)
            .unwrap()
    };
    // On every record type: read from the line handed out. On one: from that record type.
    assert_eq!(on("YEAR").record_type, None);
    assert_eq!(on("MONTH").record_type.as_deref(), Some("H"));
    assert_eq!(on("PERNUM").record_type.as_deref(), Some("P"));
    assert_eq!(on("ASECWT").decimals, Some(4));
    assert_eq!(on("RECTYPE").variable.kind, VariableKind::Text { width: 1 });
}

#[test]
fn numeric_codes_written_with_leading_zeros_label_the_values_as_read() {
    let layout = ddi::parse(data("cps_00159.xml")).unwrap().layout().unwrap();
    let month = &layout
        .columns
        .iter()
        .find(|c| c.variable.name == "MONTH")
        .unwrap()
        .variable;
    assert_eq!(
        month.value_labels.get("3").map(String::as_str),
        Some("March"),
        "<catValu>03</catValu>"
    );
    assert_eq!(month.label.as_deref(), Some("Month"));
    let rectype = &layout.columns[0].variable;
    assert_eq!(
        rectype.value_labels.get("P").map(String::as_str),
        Some("Person")
    );
}

#[test]
fn reading_households_alone_needs_no_case_key() {
    let (names, households) = read("cps_00159.xml", "cps_00159.dat", Some("H"), &[]);
    assert_eq!(households.len(), 4);
    assert!(!names.contains(&"PERNUM".to_string()));
    assert_eq!(
        households[3][names.iter().position(|n| n == "ASECWTH").unwrap()].as_deref(),
        Some("0")
    );
}

fn codebook_error(xml: &str) -> (u64, String) {
    match ddi::parse_bytes(xml.as_bytes(), Path::new("bad.xml")) {
        Err(Error::Dictionary { line, message, .. }) => (line, message),
        other => panic!("expected a codebook error, got {other:?}"),
    }
}

/// A one-variable codebook around `var`.
fn with_var(var: &str) -> String {
    format!(
        "<?xml version=\"1.0\"?>\n<codeBook xmlns=\"ddi:codebook:2_5\">\n<fileDscr ID=\"F1\"><fileTxt>\
         <fileStrc type=\"rectangular\"/></fileTxt></fileDscr>\n<dataDscr>\n{var}\n</dataDscr>\n</codeBook>\n"
    )
}

#[test]
fn a_location_whose_positions_disagree_is_refused_naming_the_variable_and_line() {
    let (line, message) = codebook_error(&with_var(
        "<var name=\"AGE\"><location StartPos=\"5\" EndPos=\"6\" width=\"3\"/><varFormat type=\"numeric\"/></var>",
    ));
    assert_eq!(line, 5);
    assert!(
        message.contains("AGE") && message.contains("disagree"),
        "{message}"
    );
}

#[test]
fn a_variable_on_a_second_line_of_its_case_is_refused() {
    let (_, message) = codebook_error(&with_var(
        "<var name=\"AGE\"><location StartPos=\"5\" width=\"2\" RecSegNo=\"2\"/></var>",
    ));
    assert!(message.contains("RecSegNo"), "{message}");
}

#[test]
fn a_category_that_is_not_a_number_in_a_numeric_variable_is_refused() {
    let (line, message) = codebook_error(&with_var(
        "<var name=\"SEX\"><location StartPos=\"1\" width=\"1\"/>\n<catgry><catValu>M</catValu><labl>Male</labl></catgry>\n\
         <varFormat type=\"numeric\"/></var>",
    ));
    assert_eq!(line, 6);
    assert!(
        message.contains("SEX") && message.contains("'M'"),
        "{message}"
    );
}

#[test]
fn missing_categories_and_invalid_ranges_are_declared_missing() {
    let xml = with_var(
        "<var name=\"AGE\" dcml=\"0\"><location StartPos=\"1\" EndPos=\"3\"/><labl>Age &amp; years</labl>\
         <invalrng><item VALUE=\"999\"/><range min=\"990\" max=\"998\"/></invalrng>\
         <catgry missing=\"Y\"><catValu>-1</catValu><labl>Refused</labl></catgry>\
         <varFormat type=\"numeric\"/></var>",
    );
    let codebook = ddi::parse_bytes(xml.as_bytes(), Path::new("ok.xml")).unwrap();
    let age = &codebook.variables[0];
    assert_eq!((age.start, age.width), (1, 3));
    assert_eq!(age.variable.label.as_deref(), Some("Age & years"));
    assert_eq!(age.variable.missing_values, ["-1", "999"]);
    assert_eq!(age.variable.missing_ranges, [(990.0, 998.0)]);
    assert_eq!(
        age.variable.value_labels.get("-1").map(String::as_str),
        Some("Refused")
    );
}

#[test]
fn a_file_that_is_not_a_codebook_is_refused() {
    let (_, message) = codebook_error("<html><body>not a codebook</body></html>");
    assert!(message.contains("codeBook"), "{message}");
    let (_, message) = codebook_error("<codeBook><dataDscr><var name=\"A\">");
    assert!(
        message.contains("ends inside") || message.contains("well-formed"),
        "{message}"
    );
}
