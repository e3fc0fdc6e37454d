//! A wrong CSPro dictionary is refused with its file, its line and the keyword at fault.

use std::path::Path;

use migstat_microdata::dcf;
use migstat_microdata::Error;

/// A small valid dictionary in CSPro's text form; each test breaks one thing in it.
const GOOD: &str = "\
[Dictionary]
Version=CSPro 7.7
Label=Small survey
Name=SMALL_DICT
RecordTypeStart=1
RecordTypeLen=1
Positions=Absolute

[Level]
Label=Household
Name=SMALL_LEVEL

[IdItems]

[Item]
Label=Household id
Name=HHID
Start=2
Len=4

[Record]
Label=Person
Name=PERSON
RecordTypeValue='P'
MaxRecords=20

[Item]
Label=Sex
Name=SEX
Start=6
Len=1

[ValueSet]
Label=Sex
Name=SEX_VS1
Value=1;Male
Value=2;Female
Value=9;Not stated
Name=MISSING,Special

[Record]
Label=Household
Name=HOUSEHOLD
RecordTypeValue='H'

[Item]
Label=Weight
Name=WEIGHT
Start=6
Len=6
Decimal=2
";

fn parse(text: &str) -> Result<dcf::Dictionary, Error> {
    dcf::parse_bytes(text.as_bytes(), Path::new("small.dcf"))
}

/// The 1-based line of `text` where `needle` first appears.
fn line_of(text: &str, needle: &str) -> u64 {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} is not in the text"));
    text[..at].matches('\n').count() as u64 + 1
}

/// The line of the `[Item]` header of the item named `name` (item errors point there).
fn item_line(text: &str, name: &str) -> u64 {
    let at = text.find(&format!("Name={name}\n")).unwrap();
    let header = text[..at].rfind("[Item]").unwrap();
    text[..header].matches('\n').count() as u64 + 1
}

/// The line and message of a dictionary error.
fn refusal(text: &str) -> (u64, String) {
    match parse(text) {
        Err(Error::Dictionary {
            path,
            line,
            message,
        }) => {
            assert_eq!(path, Path::new("small.dcf"));
            (line, message)
        }
        other => panic!("expected a dictionary error, got {other:?}"),
    }
}

#[test]
fn the_small_dictionary_is_valid() {
    let dictionary = parse(GOOD).unwrap();
    let layout = dictionary.layout().unwrap();
    let names: Vec<_> = layout
        .columns
        .iter()
        .map(|c| c.variable.name.as_str())
        .collect();
    assert_eq!(names, ["HHID", "SEX", "WEIGHT"]);
    assert_eq!(layout.record_types, ["P", "H"]);
    assert_eq!(
        layout.columns[2].decimals,
        Some(2),
        "Decimal=2 without DecimalChar is implied"
    );
}

#[test]
fn an_unknown_keyword_names_its_line() {
    let text = GOOD.replace("Len=1\n", "Lenght=1\n");
    let (line, message) = refusal(&text);
    assert_eq!(line, line_of(&text, "Lenght=1"));
    assert!(message.contains("Lenght"), "{message}");
}

#[test]
fn a_start_that_is_not_a_number_names_its_line_and_key() {
    let text = GOOD.replace("Start=6\nLen=1", "Start=six\nLen=1");
    let (line, message) = refusal(&text);
    assert_eq!(line, line_of(&text, "Start=six"));
    assert!(
        message.contains("Start=six is not a whole number"),
        "{message}"
    );
}

#[test]
fn an_item_without_a_start_in_an_absolute_dictionary_is_refused() {
    let text = GOOD.replace("Start=6\nLen=1\n", "Len=1\n");
    let (line, message) = refusal(&text);
    assert_eq!(line, item_line(&text, "SEX"), "the line of the [Item]");
    assert!(
        message.contains("SEX has no Start") && message.contains("absolute"),
        "{message}"
    );
}

#[test]
fn an_item_without_a_length_is_refused() {
    let text = GOOD.replace("Len=6\n", "");
    let (line, message) = refusal(&text);
    assert_eq!(line, item_line(&text, "WEIGHT"));
    assert!(message.contains("WEIGHT has no Len"), "{message}");
}

#[test]
fn an_item_name_used_twice_is_refused() {
    let (line, message) = refusal(&GOOD.replace("Name=WEIGHT", "Name=SEX"));
    assert_eq!(line, item_line(GOOD, "WEIGHT"));
    let first = item_line(GOOD, "SEX");
    assert!(
        message.contains(&format!("SEX is defined twice (first on line {first})")),
        "{message}"
    );
}

#[test]
fn a_value_that_is_not_a_number_in_a_numeric_item_names_its_line() {
    let text = GOOD.replace("Value=2;Female", "Value=F;Female");
    let (line, message) = refusal(&text);
    assert_eq!(line, line_of(&text, "Value=F;Female"));
    assert!(
        message.contains("'F'") && message.contains("SEX"),
        "{message}"
    );
}

#[test]
fn an_unknown_special_value_is_refused() {
    let text = GOOD.replace("Name=MISSING,Special", "Name=UNKNOWN,Special");
    let (line, message) = refusal(&text);
    assert_eq!(line, line_of(&text, "Name=UNKNOWN"));
    assert!(message.contains("UNKNOWN"), "{message}");
}

#[test]
fn two_records_need_a_record_type() {
    let text = GOOD.replace("RecordTypeStart=1\nRecordTypeLen=1\n", "");
    let (_, message) = refusal(&text);
    assert!(
        message.contains("2 records but no record type"),
        "{message}"
    );
}

#[test]
fn two_records_cannot_share_a_record_type_value() {
    let (line, message) = refusal(&GOOD.replace("RecordTypeValue='H'", "RecordTypeValue='P'"));
    assert_eq!(
        line,
        line_of(GOOD, "Label=Household\nName=HOUSEHOLD") - 1,
        "the [Record] line"
    );
    assert!(
        message.contains("PERSON and HOUSEHOLD have the same RecordTypeValue 'P'"),
        "{message}"
    );
}

#[test]
fn a_repeated_item_in_a_record_that_repeats_is_refused_as_cspro_does() {
    let (line, message) =
        refusal(&GOOD.replace("Start=6\nLen=1\n", "Start=6\nLen=1\nOccurrences=2\n"));
    assert_eq!(line, item_line(GOOD, "SEX"));
    assert!(message.contains("MaxRecords"), "{message}");
}

#[test]
fn a_line_that_is_neither_a_section_nor_a_key_is_refused() {
    let (line, message) = refusal(&GOOD.replace("[IdItems]", "IdItems"));
    assert_eq!(line, line_of(GOOD, "[IdItems]"));
    assert!(message.contains("expected Key=Value"), "{message}");
}

#[test]
fn json_errors_name_the_path_to_the_item() {
    let json = r#"{"software": "CSPro", "version": 8.0, "fileType": "dictionary", "name": "D",
      "recordType": {"start": 0, "length": 0},
      "levels": [{"name": "L", "ids": {"items": [{"name": "ID", "contentType": "numeric", "start": 1, "length": 2}]},
        "records": [{"name": "R", "occurrences": {"required": true, "maximum": 1},
          "items": [{"name": "AGE", "contentType": "numeric", "start": 3}]}]}]}"#;
    let message = dcf::parse_bytes(json.as_bytes(), Path::new("d.dcf"))
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("levels[0].records[0].items[0] (AGE)") && message.contains("length"),
        "{message}"
    );
    let broken = &json[..json.len() - 10];
    let message = dcf::parse_bytes(broken.as_bytes(), Path::new("d.dcf"))
        .unwrap_err()
        .to_string();
    assert!(message.contains("not valid JSON"), "{message}");
}

#[test]
fn a_file_that_is_not_a_dictionary_is_refused() {
    let (line, message) = refusal("Name,Age\nAna,34\n");
    assert_eq!(line, 1);
    assert!(message.contains("[Dictionary]"), "{message}");
}
