//! Reading a CSPro census file (household and person records) through its `.dcf`.
//!
//! The dictionary is CSPro's Popstan census example, trimmed (tests/data/dcf/README.md);
//! the person records are checked against pycspro, a CSPro reader written independently.

use std::collections::BTreeMap;
use std::path::PathBuf;

use migstat_microdata::dcf::{self, Dictionary, DictionaryFormat};
use migstat_microdata::fixed::{Encoding, FixedOptions, FixedWidthReader, Layout};
use migstat_microdata::{Error, RecordReader, Variable, VariableKind};

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/dcf")
        .join(name)
}

/// The census dictionary, in CSPro's text form.
fn popstan() -> Dictionary {
    dcf::parse(data("popstan.dcf")).unwrap()
}

/// The census dictionary's layout.
fn popstan_layout() -> Layout {
    popstan().layout().unwrap()
}

/// The variable `name` of `layout`.
fn variable<'a>(layout: &'a Layout, name: &str) -> &'a Variable {
    &layout
        .columns
        .iter()
        .find(|c| c.variable.name == name)
        .unwrap_or_else(|| panic!("no variable {name}"))
        .variable
}

/// Options to read the person records, each with its household's housing record.
fn options_for_persons_with_housing() -> FixedOptions {
    popstan().options_for("PERSON", &["HOUSING"]).unwrap()
}

/// A record as a name -> value map.
type Record = BTreeMap<String, Option<String>>;

/// Every outcome of a reader: records, or errors.
type Outcome = Result<Record, Error>;

fn read_all(file: &str, options: &FixedOptions) -> Vec<Outcome> {
    let layout = popstan_layout();
    let mut reader = FixedWidthReader::open(data(file), &layout, options).unwrap();
    let names: Vec<String> = reader.variables().iter().map(|v| v.name.clone()).collect();
    let mut out = Vec::new();
    let mut values = Vec::new();
    loop {
        match reader.next_record(&mut values) {
            Ok(true) => out.push(Ok(names
                .iter()
                .cloned()
                .zip(values.iter().cloned())
                .collect())),
            Ok(false) => break,
            Err(e) => out.push(Err(e)),
        }
        assert!(out.len() < 1000, "the reader does not stop");
    }
    out
}

/// The records of `file`, all good.
fn records(file: &str, options: &FixedOptions) -> Vec<Record> {
    read_all(file, options)
        .into_iter()
        .map(|r| r.expect("a good record"))
        .collect()
}

fn persons_with_housing(file: &str) -> Vec<Record> {
    records(file, &options_for_persons_with_housing())
}

fn get<'a>(record: &'a Record, name: &str) -> Option<&'a str> {
    record
        .get(name)
        .unwrap_or_else(|| panic!("no variable {name}"))
        .as_deref()
}

#[test]
fn a_person_record_carries_its_household_weight() {
    let persons = persons_with_housing("popstan.dat");
    // The weight is stored 01234567 with Decimal=4 and no decimal character: 123.4567.
    assert_eq!(get(&persons[0], "H20_WEIGHT"), Some("123.4567"));
    assert_eq!(get(&persons[0], "H07_RENT"), Some("250"));
    assert_eq!(get(&persons[0], "H13_PERSONS"), Some("3"));
    // ...and so does every other person of the same household.
    assert_eq!(get(&persons[1], "H20_WEIGHT"), Some("123.4567"));
    assert_eq!(get(&persons[2], "H20_WEIGHT"), Some("123.4567"));
}

#[test]
fn the_housing_record_may_come_after_or_before_its_persons() {
    let persons = persons_with_housing("popstan.dat");
    // Case A lists its persons first, as CSPro writes records in dictionary order...
    assert_eq!(get(&persons[0], "HU"), Some("6"));
    assert_eq!(get(&persons[0], "H01_TYPE"), Some("1"));
    // ...case B its housing record first.
    assert_eq!(get(&persons[3], "HU"), Some("7"));
    assert_eq!(get(&persons[3], "H01_TYPE"), Some("2"));
    assert_eq!(get(&persons[3], "H20_WEIGHT"), Some("98"));
}

#[test]
fn a_household_without_persons_gives_no_record_and_a_person_without_housing_gets_none() {
    let persons = persons_with_housing("popstan.dat");
    // 5 persons in 4 cases: case C is a vacant dwelling.
    assert_eq!(persons.len(), 5);
    let last = &persons[4];
    assert_eq!(get(last, "PROVINCE"), Some("15"));
    assert_eq!(get(last, "H01_TYPE"), None);
    assert_eq!(get(last, "H20_WEIGHT"), None);
}

#[test]
fn every_person_record_matches_what_pycspro_reads() {
    let persons = persons_with_housing("popstan.dat");
    let expected = std::fs::read_to_string(data("expected_person_pycspro.csv")).unwrap();
    let mut lines = expected.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), persons.len(), "pycspro finds as many persons");
    for (row, person) in rows.iter().zip(&persons) {
        for (name, theirs) in header.iter().zip(row) {
            let ours = get(person, name).unwrap_or("");
            assert_eq!(ours, *theirs, "{name} of person {person:?}");
        }
    }
    // pycspro cuts one occurrence of a repeated item; the other two are read too.
    assert_eq!(get(&persons[0], "H21_ASSETS_2"), Some("2"));
    assert_eq!(get(&persons[0], "H21_ASSETS_3"), Some("8"));
}

#[test]
fn implied_and_written_decimal_points_both_read_as_numbers() {
    let persons = persons_with_housing("popstan.dat");
    // DecimalChar=Yes: the point is in the data ("1234.50", "  -12.5", "  800.0").
    assert_eq!(get(&persons[0], "P21_INCOME"), Some("1234.5"));
    assert_eq!(get(&persons[1], "P21_INCOME"), Some("-12.5"));
    assert_eq!(get(&persons[3], "P21_INCOME"), Some("800"));
    assert_eq!(get(&persons[4], "P21_INCOME"), Some("0"));
}

#[test]
fn a_line_cut_short_reads_its_missing_tail_as_blank() {
    // The child's line stops after the place of birth: CSPro trims trailing blanks.
    let child = &persons_with_housing("popstan.dat")[2];
    assert_eq!(get(child, "P07_BIRTH"), Some("5"));
    assert_eq!(get(child, "P08_RES95"), None);
    assert_eq!(get(child, "P15_OCC"), None);
    assert_eq!(get(child, "P21_INCOME"), None);
    assert_eq!(get(child, "P00_NAME"), None);
}

#[test]
fn a_subitem_reads_the_first_digit_of_its_item() {
    let persons = persons_with_housing("popstan.dat");
    assert_eq!(get(&persons[0], "P15_OCC"), Some("61"));
    assert_eq!(get(&persons[0], "P15A_OCC"), Some("6"));
    assert_eq!(get(&persons[4], "P15_OCC"), Some("2"));
    assert_eq!(get(&persons[4], "P15A_OCC"), Some("0"));
}

#[test]
fn a_latin1_file_reads_the_same_as_its_utf8_twin_with_a_byte_order_mark() {
    let utf8 = persons_with_housing("popstan.dat");
    let options = FixedOptions {
        encoding: Encoding::Latin1,
        ..options_for_persons_with_housing()
    };
    let latin1 = records("popstan_latin1.dat", &options);
    assert_eq!(latin1, utf8);
    assert_eq!(get(&latin1[0], "P00_NAME"), Some("José"));
    assert_eq!(get(&latin1[4], "P00_NAME"), Some("Ødegård"));
    // Read as UTF-8, the Latin-1 bytes are refused, not turned into something else.
    let misread = read_all("popstan_latin1.dat", &options_for_persons_with_housing());
    let Err(Error::Record { line, variable, .. }) = &misread[0] else {
        panic!("expected a rejected record, got {:?}", misread[0]);
    };
    assert_eq!((*line, variable.as_deref()), (1, Some("P00_NAME")));
}

#[test]
fn reading_one_record_type_alone_skips_the_others() {
    let options = popstan().options_for("HOUSING", &[]).unwrap();
    let housing = records("popstan.dat", &options);
    assert_eq!(housing.len(), 3);
    assert!(housing.iter().all(|h| !h.contains_key("P03_SEX")));
    assert_eq!(
        get(&housing[2], "H07_RENT"),
        None,
        "a vacant dwelling pays no rent"
    );
    assert_eq!(get(&housing[2], "H20_WEIGHT"), Some("50"));
}

#[test]
fn value_labels_come_from_the_primary_value_set_and_cover_labelled_ranges() {
    let layout = popstan_layout();
    let birth = variable(&layout, "P07_BIRTH");
    assert_eq!(
        birth.value_labels.get("7").map(String::as_str),
        Some("Popstan"),
        "1:15;Popstan"
    );
    assert_eq!(
        birth.value_labels.get("22").map(String::as_str),
        Some("Victoria")
    );
    assert_eq!(
        birth.value_labels.get("0").map(String::as_str),
        Some("Not Reported")
    );
    assert_eq!(birth.value_labels.get("30"), None);
    // The age's primary value set (0:98) has no labels; the 5-year groups are a second set.
    assert!(variable(&layout, "P04_AGE").value_labels.is_empty());
    // A labelled range of 9990 codes is not spelled out.
    let persons = &variable(&layout, "H13_PERSONS").value_labels;
    assert_eq!(persons.get("3").map(String::as_str), Some("3 persons"));
    assert_eq!(persons.get("12"), None);
    assert_eq!(
        variable(&layout, "P00_NAME").kind,
        VariableKind::Text { width: 12 }
    );
    assert_eq!(variable(&layout, "P03_SEX").label.as_deref(), Some("Sex"));
}

#[test]
fn special_values_become_declared_missing_values() {
    let layout = popstan_layout();
    assert_eq!(variable(&layout, "P02_REL").missing_values, ["9"]);
    assert_eq!(variable(&layout, "H07_RENT").missing_values, ["999"]);
    assert_eq!(variable(&layout, "H21_ASSETS_1").missing_values, ["8", "9"]);
    // NOTAPPL is the blank field here: it reads as None, there is no code to declare.
    assert!(variable(&layout, "P08_RES95").missing_values.is_empty());
    // Missing codes keep their labels.
    assert_eq!(
        variable(&layout, "P02_REL")
            .value_labels
            .get("9")
            .map(String::as_str),
        Some("Not Reported")
    );
}

#[test]
fn a_repeated_item_becomes_one_variable_per_occurrence() {
    let layout = popstan_layout();
    let assets: Vec<_> = layout
        .columns
        .iter()
        .filter(|c| c.variable.name.starts_with("H21_ASSETS"))
        .collect();
    let names: Vec<_> = assets.iter().map(|c| c.variable.name.as_str()).collect();
    assert_eq!(names, ["H21_ASSETS_1", "H21_ASSETS_2", "H21_ASSETS_3"]);
    assert_eq!(
        assets.iter().map(|c| c.start).collect::<Vec<_>>(),
        [36, 37, 38]
    );
    assert_eq!(
        assets[1].variable.label.as_deref(),
        Some("Household assets (Television)")
    );
    assert!(assets.iter().all(|c| c.record_type.as_deref() == Some("2")));
}

#[test]
fn the_text_and_json_forms_of_one_dictionary_give_the_same_layout() {
    let text = popstan();
    let json = dcf::parse(data("popstan.json.dcf")).unwrap();
    assert_eq!(text.format, DictionaryFormat::Text);
    assert_eq!(json.format, DictionaryFormat::Json);
    // The JSON form leaves the record items' starts out (relative positions).
    let mut json_layout = json.layout().unwrap();
    json_layout.dictionary = None;
    let mut text_layout = text.layout().unwrap();
    text_layout.dictionary = None;
    for (a, b) in text_layout.columns.iter().zip(&json_layout.columns) {
        assert_eq!(
            (&a.variable.name, a.start, a.width),
            (&b.variable.name, b.start, b.width)
        );
    }
    // OccurrenceLabel has no JSON form here: the copies are labelled by number.
    for layout in [&mut text_layout, &mut json_layout] {
        for column in &mut layout.columns {
            if column.variable.name.starts_with("H21_ASSETS_") {
                column.variable.label = None;
            }
        }
    }
    assert_eq!(text_layout, json_layout);
}

#[test]
fn a_bad_value_is_rejected_naming_its_line_variable_and_value_and_reading_goes_on() {
    let outcomes = read_all("popstan_bad.dat", &options_for_persons_with_housing());
    let Err(Error::Record {
        record,
        line,
        variable,
        value,
        message,
        ..
    }) = &outcomes[0]
    else {
        panic!("expected the age 3x to be rejected, got {:?}", outcomes[0]);
    };
    assert_eq!((*record, *line), (1, 1));
    assert_eq!(variable.as_deref(), Some("P04_AGE"));
    assert_eq!(value, "3x");
    assert!(message.contains("not a number"), "{message}");
    let text = outcomes[0].as_ref().unwrap_err().to_string();
    assert!(
        text.contains("popstan_bad.dat") && text.contains("line 1"),
        "{text}"
    );
    // The other person of the household is read, with its housing record.
    let second = outcomes[1].as_ref().unwrap();
    assert_eq!(get(second, "LINE"), Some("2"));
    assert_eq!(get(second, "H20_WEIGHT"), Some("10"));
}

#[test]
fn a_household_with_a_bad_weight_is_rejected_and_so_are_its_persons() {
    let outcomes = read_all("popstan_bad.dat", &options_for_persons_with_housing());
    let errors: Vec<&Error> = outcomes.iter().filter_map(|o| o.as_ref().err()).collect();
    // The housing record itself, on line 5...
    assert!(errors.iter().any(|e| matches!(e,
        Error::Record { line: 5, variable: Some(v), value, .. } if v == "H20_WEIGHT" && value == "12AB5678")));
    // ...and its person on line 4, whose message points at line 5.
    let person = errors
        .iter()
        .find(|e| matches!(e, Error::Record { line: 4, .. }))
        .expect("the person of the bad household is rejected");
    assert!(person.to_string().contains("line 5"), "{person}");
}

#[test]
fn an_unknown_record_type_and_a_case_with_two_housing_records_are_reported() {
    let outcomes = read_all("popstan_bad.dat", &options_for_persons_with_housing());
    let messages: Vec<String> = outcomes
        .iter()
        .filter_map(|o| o.as_ref().err())
        .map(|e| e.to_string())
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("line 6") && m.contains("unknown record type '7'")),
        "{messages:#?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("line 8") && m.contains("2 records of type '2' (lines 7, 9)")),
        "{messages:#?}"
    );
    // 4 persons in the file: one good, three rejected.
    assert_eq!(outcomes.iter().filter(|o| o.is_ok()).count(), 1);
}

#[test]
fn only_a_record_that_occurs_once_per_case_can_be_carried() {
    let dictionary = popstan();
    let error = dictionary
        .options_for("HOUSING", &["PERSON"])
        .unwrap_err()
        .to_string();
    assert!(error.contains("PERSON may occur 30 times"), "{error}");
    let error = dictionary
        .options_for("PEOPLE", &[])
        .unwrap_err()
        .to_string();
    assert!(error.contains("no record named PEOPLE"), "{error}");
}
