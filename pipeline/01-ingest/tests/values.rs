//! A valid file becomes core records with exactly the values it states.

mod common;

use arrow::array::{Array, AsArray, RecordBatch};
use arrow::datatypes::{Decimal128Type, Int32Type, Int64Type};
use common::{text, valid_csv, Case, HEADER};
use migstat_artefacts::schema::{self, core};

fn int(b: &RecordBatch, column: &str) -> Vec<Option<i32>> {
    b.column_by_name(column)
        .unwrap()
        .as_primitive::<Int32Type>()
        .iter()
        .collect()
}
fn flag(b: &RecordBatch, column: &str) -> Vec<Option<bool>> {
    b.column_by_name(column)
        .unwrap()
        .as_boolean()
        .iter()
        .collect()
}
fn weights(b: &RecordBatch) -> Vec<i128> {
    let w = b
        .column_by_name(core::WEIGHT)
        .unwrap()
        .as_primitive::<Decimal128Type>();
    assert_eq!(w.data_type(), &schema::WEIGHT_TYPE);
    w.values().to_vec()
}
fn s(v: &str) -> Option<String> {
    Some(v.to_string())
}

#[test]
fn every_column_is_typed_as_the_core_record_says() {
    let case = Case::new("core.csv", valid_csv());
    let report = case.ingest().unwrap();
    assert_eq!(
        (
            report.rows_read,
            report.rows_written,
            report.rejected,
            report.input_format
        ),
        (3, 3, 0, "csv")
    );
    assert!(
        !case.run.rejects().exists(),
        "no rejects.csv after a success"
    );
    let b = case.records();
    assert_eq!(b.schema(), schema::core_record());

    assert_eq!(text(&b, core::PERSON_ID), [s("P1"), s("P2"), s("P3")]);
    assert_eq!(
        weights(&b),
        [120_500_000_000, 85_250_000_000, 150_000_000_000]
    );
    assert_eq!(text(&b, core::SEX), [s("M"), s("F"), s("O")]);
    assert_eq!(int(&b, core::AGE), [Some(34), Some(29), None]);
    assert_eq!(
        text(&b, core::COUNTRY_OF_BIRTH),
        [s("PHL"), s("IDN"), s("XXX")]
    );
    assert_eq!(text(&b, core::CITIZENSHIP), [s("PHL"), s("IDN"), s("XXA")]);
    assert_eq!(text(&b, core::CITIZENSHIP_2), [None, s("PHL"), None]);
    assert_eq!(
        flag(&b, core::USUAL_RESIDENT),
        [Some(true), Some(false), Some(true)],
        "empty = Y"
    );
    assert_eq!(text(&b, core::HOUSEHOLD_ID), [s("H1"), s("H1"), s("H2")]);
    assert_eq!(text(&b, core::LFS_STATUS), [None, None, s("UNE")]);
    assert_eq!(flag(&b, core::WORKED), [Some(true), Some(false), None]);
    assert_eq!(flag(&b, core::ABSENT), [None, Some(true), None]);
    assert_eq!(text(&b, core::ABSENCE_REASON), [None, s("MATERNITY"), None]);
    assert_eq!(flag(&b, core::ABSENCE_PAID), [None, Some(true), None]);
    assert_eq!(flag(&b, core::ABSENCE_RETURN_3M), [None, Some(false), None]);
    assert_eq!(flag(&b, core::SEARCHED), [None, None, Some(true)]);
    assert_eq!(flag(&b, core::AVAILABLE), [None, None, Some(true)]);
    assert_eq!(flag(&b, core::FUTURE_START), [None, None, Some(false)]);
    assert_eq!(
        int(&b, core::YEAR_OF_ARRIVAL),
        [None, Some(2019), Some(2024)]
    );
    assert_eq!(
        text(&b, core::REASON_FOR_MIGRATION),
        [None, s("FAMILY"), s("INTERNATIONAL_PROTECTION")]
    );
    let rows: Vec<i64> = b
        .column_by_name(core::SOURCE_ROW)
        .unwrap()
        .as_primitive::<Int64Type>()
        .values()
        .to_vec();
    assert_eq!(rows, [1, 2, 3]);
}

#[test]
fn weights_are_exact_decimals_with_nine_places_rounded_half_to_even() {
    let mut csv = format!("{HEADER}\n");
    let given = [
        "120.50",
        "1e3",
        "0.0000000005",
        "0.0000000015",
        "1.5E2",
        " 7 ",
        "0",
        "0.123456789",
    ];
    for (i, w) in given.iter().enumerate() {
        csv.push_str(&format!("P{i},{w},M,34,PHL,PHL,,Y,,EMP,,,,,,,,,,\n"));
    }
    let b = Case::new("core.csv", csv).records();
    assert_eq!(
        weights(&b),
        [
            120_500_000_000,   // 120.50
            1_000_000_000_000, // 1e3
            0,                 // half way, 0 is even: down
            2,                 // half way, 1 is odd: up
            150_000_000_000,   // 1.5E2
            7_000_000_000,     // trimmed
            0,                 // 0 is a valid weight (kept out of estimates later)
            123_456_789,
        ]
    );
}

#[test]
fn values_are_trimmed_and_empty_means_not_stated() {
    let csv = format!("{HEADER}\n  P1 , 1 , F ,  , PHL ,,, N ,  ,  , Y ,,,,,,,,  ,\n");
    let b = Case::new("core.csv", csv).records();
    assert_eq!(text(&b, core::PERSON_ID), [s("P1")]);
    assert_eq!(text(&b, core::SEX), [s("F")]);
    assert_eq!(int(&b, core::AGE), [None]);
    assert_eq!(text(&b, core::COUNTRY_OF_BIRTH), [s("PHL")]);
    assert_eq!(text(&b, core::CITIZENSHIP), [None]);
    assert_eq!(flag(&b, core::USUAL_RESIDENT), [Some(false)]);
    assert_eq!(flag(&b, core::WORKED), [Some(true)]);
    assert_eq!(int(&b, core::YEAR_OF_ARRIVAL), [None]);
    assert_eq!(text(&b, core::HOUSEHOLD_ID), [None]);
}

#[test]
fn only_required_columns_and_lfs_status_in_any_order_with_extras() {
    let csv = "note,lfs_status,citizenship,country_of_birth,age,sex,weight,person_id\n\
                hello,EMP,PHL,PHL,40,M,10,A\n";
    let b = Case::new("core.csv", csv).records();
    assert_eq!(text(&b, core::PERSON_ID), [s("A")]);
    assert_eq!(text(&b, core::LFS_STATUS), [s("EMP")]);
    assert_eq!(
        flag(&b, core::USUAL_RESIDENT),
        [Some(true)],
        "column absent = everyone Y"
    );
    assert_eq!(flag(&b, core::WORKED), [None]);
    assert_eq!(text(&b, core::CITIZENSHIP_2), [None]);
    assert_eq!(int(&b, core::YEAR_OF_ARRIVAL), [None]);
}

#[test]
fn the_question_items_can_stand_in_for_lfs_status() {
    let csv =
        "person_id,weight,sex,age,country_of_birth,citizenship,worked,absent,searched,available\n\
                A,10,M,40,PHL,PHL,N,N,Y,Y\n";
    let b = Case::new("core.csv", csv).records();
    assert_eq!(text(&b, core::LFS_STATUS), [None]);
    assert_eq!(flag(&b, core::SEARCHED), [Some(true)]);
}

#[test]
fn crlf_line_ends_are_read_like_lf() {
    let b = Case::new("core.csv", valid_csv().replace('\n', "\r\n")).records();
    assert_eq!(b.num_rows(), 3);
    assert_eq!(
        text(&b, core::REASON_FOR_MIGRATION)[2],
        s("INTERNATIONAL_PROTECTION")
    );
}

#[test]
fn a_utf8_byte_order_mark_is_skipped() {
    let b = Case::new("core.csv", format!("\u{FEFF}{}", valid_csv())).records();
    assert_eq!(text(&b, core::PERSON_ID)[0], s("P1"));
}

#[test]
fn a_file_bigger_than_a_batch_keeps_file_order_and_finds_duplicates_across_batches() {
    let n = 150_000;
    let mut csv = String::with_capacity(n * 40);
    csv.push_str("person_id,weight,sex,age,country_of_birth,citizenship,lfs_status\n");
    for i in 0..n {
        csv.push_str(&format!("P{i},{i}.5,M,{},PHL,PHL,EMP\n", i % 100));
    }
    let case = Case::new("core.csv", &csv);
    let b = case.records();
    assert_eq!(b.num_rows(), n);
    let rows = b
        .column_by_name(core::SOURCE_ROW)
        .unwrap()
        .as_primitive::<Int64Type>();
    assert!(
        rows.values().iter().zip(1..).all(|(&r, i)| r == i),
        "file order"
    );
    assert_eq!(
        weights(&b)[n - 1],
        (n as i128 - 1) * 1_000_000_000 + 500_000_000
    );

    csv.push_str("P3,1,M,1,PHL,PHL,EMP\n");
    let reject = Case::new("core.csv", &csv).only_reject();
    assert_eq!(
        common::summary(&reject),
        ("person_id.duplicate", Some(n as u64 + 1), "person_id", "P3")
    );
    assert!(reject.message.contains("row 4"), "{}", reject.message);
}
