//! Broken CSV gives rejects that say where, never a panic or a generic error, and a failed
//! ingest leaves no core records behind.

mod common;

use common::{summary, valid_csv, with_row_2, Case, HEADER, ROWS};

#[test]
fn an_unbalanced_quote_names_the_line_where_the_record_started() {
    // Row 2 opens a quote in household_id; the parser swallows the rest of the file.
    let text = valid_csv().replacen(",H1,,N,Y", ",\"H1,,N,Y", 1);
    let reject = Case::new("core.csv", text).only_reject();
    assert_eq!(
        (reject.rule, reject.row, reject.line, reject.column.as_str()),
        ("csv.unbalanced_quote", Some(2), Some(3), "household_id")
    );
    assert!(
        reject.value.starts_with("H1,,N,Y,MATERNITY"),
        "{}",
        reject.value
    );
}

#[test]
fn an_unbalanced_quote_in_an_extra_column_is_caught_too() {
    let text = format!(
        "{HEADER},note\n{},ok\n{},\"oops\n{},fine\n",
        ROWS[0], ROWS[1], ROWS[2]
    );
    let reject = Case::new("core.csv", text).only_reject();
    assert_eq!(
        summary(&reject),
        ("csv.unbalanced_quote", Some(2), "note", "oops")
    );
}

#[test]
fn a_record_with_too_many_or_too_few_fields_is_rejected_and_later_rows_keep_their_numbers() {
    let text = format!("{HEADER}\n{},extra\n{}\nP3,1\n", ROWS[0], ROWS[1]);
    let rejects = Case::new("core.csv", text).rejects();
    let got: Vec<_> = rejects.iter().map(|r| (summary(r), r.line)).collect();
    assert_eq!(
        got,
        [
            (("csv.field_count", Some(1), "", "21"), Some(2)),
            (("csv.field_count", Some(3), "", "2"), Some(4)),
        ]
    );
    assert!(rejects[0].message.contains("21 fields") && rejects[0].message.contains("20"));
}

#[test]
fn invalid_utf8_names_row_line_and_column() {
    let mut bytes = with_row_2("citizenship", "ID#N").into_bytes();
    let at = bytes.iter().position(|&b| b == b'#').unwrap();
    bytes[at] = 0xFF;
    let reject = Case::new("core.csv", bytes).only_reject();
    assert_eq!(
        summary(&reject),
        ("csv.utf8", Some(2), "citizenship", "ID\u{FFFD}N")
    );
    assert_eq!(reject.line, Some(3));
}

#[test]
fn a_latin1_file_is_rejected_field_by_field() {
    let text = with_row_2("household_id", "Ma\u{00F1}ana")
        .replace("PHL,PHL,,Y,H1", "PHL,PHL,,Y,Espa\u{00F1}a");
    let latin1: Vec<u8> = text.chars().map(|c| c as u32 as u8).collect();
    let rejects = Case::new("core.csv", latin1).rejects();
    let got: Vec<_> = rejects
        .iter()
        .map(|r| (r.rule, r.row, r.column.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("csv.utf8", Some(1), "household_id"),
            ("csv.utf8", Some(2), "household_id")
        ]
    );
}

#[test]
fn invalid_utf8_in_an_ignored_column_is_ignored() {
    let mut bytes = format!("{HEADER},note\n{},x\n", ROWS[0]).into_bytes();
    *bytes.last_mut().unwrap() = 0xFF;
    bytes.push(b'\n');
    assert_eq!(Case::new("core.csv", bytes).records().num_rows(), 1);
}

#[test]
fn an_empty_file_is_rejected() {
    for empty in ["", "\u{FEFF}", "\n\n"] {
        let reject = Case::new("core.csv", empty).only_reject();
        assert_eq!(summary(&reject), ("file.empty", None, "", ""), "{empty:?}");
    }
}

#[test]
fn a_header_without_rows_is_rejected() {
    let reject = Case::new("core.csv", format!("{HEADER}\n")).only_reject();
    assert_eq!(summary(&reject), ("file.no_records", None, "", ""));
}

#[test]
fn a_byte_order_mark_before_the_header_is_not_part_of_the_first_name() {
    let case = Case::new("core.csv", format!("\u{FEFF}{}", valid_csv()));
    assert_eq!(case.ingest().unwrap().rows_written, 3);
}

#[test]
fn header_problems_are_all_reported_at_once() {
    let text = "person_id,sex,sex,age,citizenship\nP1,M,M,3,PHL\n";
    let rejects = Case::new("core.csv", text).rejects();
    let got: Vec<_> = rejects.iter().map(summary).collect();
    assert_eq!(
        got,
        [
            ("column.duplicate", None, "sex", "sex"),
            ("column.missing", None, "weight", ""),
            ("column.missing", None, "country_of_birth", ""),
            (
                "column.lfs_missing",
                None,
                "",
                "worked absent searched available"
            ),
        ]
    );
}

#[test]
fn a_header_that_is_not_utf8_is_rejected() {
    let mut bytes = valid_csv().into_bytes();
    bytes.splice(0..0, [0xFF, b'x', b',']);
    let rejects = Case::new("core.csv", bytes).rejects();
    assert_eq!((rejects[0].rule, rejects[0].line), ("csv.utf8", Some(1)));
}

#[test]
fn a_failed_ingest_leaves_no_core_parquet_even_from_an_earlier_run() {
    let good = Case::new("core.csv", valid_csv());
    good.ingest().unwrap();
    assert!(good.run.core_records().exists());
    std::fs::write(&good.input, with_row_2("sex", "X")).unwrap();
    good.rejects(); // checks core.parquet is gone and rejects.csv matches the error
    let leftovers: Vec<_> = std::fs::read_dir(good.run.core_records().parent().unwrap())
        .unwrap()
        .collect();
    assert!(leftovers.is_empty(), "no temporary files: {leftovers:?}");

    std::fs::write(&good.input, valid_csv()).unwrap();
    good.ingest().unwrap();
    assert!(
        !good.run.rejects().exists(),
        "a stale rejects.csv is removed on success"
    );
}

#[test]
fn rejects_csv_lists_every_problem_with_file_row_line_column_value_rule_and_message() {
    let case = Case::new("core.csv", with_row_2("age", "abc"));
    case.rejects();
    let text = std::fs::read_to_string(case.run.rejects()).unwrap();
    let expected = format!(
        "file,row,line,column,value,rule,message\n\
         {},2,3,age,abc,age.not_an_integer,\"age must be a whole number of years from 0 to 130, or empty\"\n",
        case.input.display()
    );
    assert_eq!(text, expected);
}
