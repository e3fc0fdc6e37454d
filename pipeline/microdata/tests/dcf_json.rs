//! CSPro 8's JSON dictionaries: CSPro's own test dictionary `ValueProcessor.dcf`
//! (csprousers/cspro, tests/TestData/inputs), with relative positions, written and implied
//! decimal points, special values and UTF-8 value labels.

use std::path::PathBuf;

use migstat_microdata::dcf::{self, Content, DictionaryFormat, Special};
use migstat_microdata::fixed::{FixedWidthReader, PositionUnit};
use migstat_microdata::RecordReader;

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/dcf")
        .join(name)
}

fn read(unit: PositionUnit) -> Vec<Vec<Option<String>>> {
    let dictionary = dcf::parse(data("ValueProcessor.dcf")).unwrap();
    let layout = dictionary.layout().unwrap();
    let options = dictionary.options_for("VALUE_PROCESSOR_REC", &[]).unwrap();
    let options = migstat_microdata::fixed::FixedOptions {
        positions: unit,
        ..options
    };
    let mut reader = FixedWidthReader::open(data("ValueProcessor.dat"), &layout, &options).unwrap();
    let mut records = Vec::new();
    let mut values = Vec::new();
    while reader.next_record(&mut values).unwrap() {
        records.push(values.clone());
    }
    records
}

fn text(values: &[&str]) -> Vec<Option<String>> {
    values
        .iter()
        .map(|v| (!v.is_empty()).then(|| v.to_string()))
        .collect()
}

#[test]
fn items_without_a_start_follow_the_record_type_and_the_ids() {
    let dictionary = dcf::parse(data("ValueProcessor.dcf")).unwrap();
    assert_eq!(dictionary.format, DictionaryFormat::Json);
    assert!(dictionary.relative_positions);
    let layout = dictionary.layout().unwrap();
    let starts: Vec<(&str, usize, usize)> = layout
        .columns
        .iter()
        .map(|c| (c.variable.name.as_str(), c.start, c.width))
        .collect();
    // Record type at 1, ID at 2: the record's first item starts at 3, each one after the last.
    assert_eq!(
        starts,
        [
            ("ID", 2, 1),
            ("INTEGER_LENGTH_01", 3, 1),
            ("INTEGER_LENGTH_15_ZERO_FILL_YES", 4, 15),
            ("INTEGER_LENGTH_15_ZERO_FILL_NO", 19, 15),
            ("DECIMAL_LENGTH_05_02_DEC_CHAR_YES_ZERO_FILL_NO", 34, 5),
            ("DECIMAL_LENGTH_05_02_DEC_CHAR_NO_ZERO_FILL_YES", 39, 5),
            ("STRING_LENGTH_08", 44, 8),
        ]
    );
    let decimals: Vec<Option<u32>> = layout.columns.iter().map(|c| c.decimals).collect();
    assert_eq!(decimals, [None, None, None, None, None, Some(2), None]);
    let (_, record) = dictionary.record("value_processor_rec").unwrap();
    assert_eq!(record.items.last().unwrap().content, Content::Alpha);
}

#[test]
fn written_and_implied_decimal_points_give_the_same_number() {
    let records = read(PositionUnit::Bytes);
    assert_eq!(
        records,
        [
            text(&["1", "5", "42", "-17", "3.14", "3.14", "Yaoundé"]),
            text(&["2", "7", "", "0", "-9.99", "-9.99", "天津"]),
            text(&["3", "", "", "", "", "", ""]),
        ]
    );
}

#[test]
fn counting_characters_instead_of_bytes_reads_the_same_when_text_is_last() {
    assert_eq!(read(PositionUnit::Characters), read(PositionUnit::Bytes));
}

#[test]
fn the_first_value_set_labels_and_every_special_value_is_missing() {
    let dictionary = dcf::parse(data("ValueProcessor.dcf")).unwrap();
    let layout = dictionary.layout().unwrap();
    let integer = &layout.columns[1].variable;
    // The discretes value set comes first; its first label of 5 ("5") wins over "Five".
    let labels: Vec<(&str, &str)> = integer
        .value_labels
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(labels, [("2", "2"), ("3", "3"), ("5", "5")]);
    // MISSING 5, REFUSED 6, DEFAULT 7 and NOTAPPL 8, from the third value set.
    assert_eq!(integer.missing_values, ["5", "6", "7", "8"]);
    let (_, record) = dictionary.record("VALUE_PROCESSOR_REC").unwrap();
    let specials: Vec<Option<Special>> = record.items[0].value_sets[2]
        .values
        .iter()
        .map(|v| v.special)
        .collect();
    assert_eq!(
        specials,
        [
            Some(Special::Missing),
            Some(Special::Refused),
            Some(Special::Default),
            Some(Special::NotAppl)
        ]
    );
    let string = &layout.columns[6].variable;
    assert_eq!(
        string.value_labels.get("天津").map(String::as_str),
        Some("Tianjin")
    );
    assert_eq!(
        string.value_labels.get("Yaoundé").map(String::as_str),
        Some("Yaoundé 1")
    );
}
