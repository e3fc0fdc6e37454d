//! Parquet input goes through the same rules as CSV and gives the same core records.

mod common;

use std::sync::Arc;

use arrow::array::{
    ArrayRef, BooleanArray, Decimal128Array, DictionaryArray, Float64Array, Int64Array, ListArray,
    RecordBatch, StringArray,
};
use arrow::datatypes::Int32Type;
use common::{summary, valid_csv, Case, HEADER, ROWS};
use parquet::arrow::ArrowWriter;

/// Writes columns (name, array) as a Parquet file.
fn parquet(columns: Vec<(&str, ArrayRef)>) -> Vec<u8> {
    let batch = RecordBatch::try_from_iter(columns).unwrap();
    let mut out = Vec::new();
    let mut w = ArrowWriter::try_new(&mut out, batch.schema(), None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    out
}

fn utf8(values: Vec<Option<&str>>) -> ArrayRef {
    Arc::new(StringArray::from(values))
}

/// The valid CSV's cells, column by column (empty cells as nulls).
fn csv_columns() -> Vec<(&'static str, ArrayRef)> {
    HEADER
        .split(',')
        .enumerate()
        .map(|(at, name)| {
            let cells = ROWS
                .iter()
                .map(|r| Some(r.split(',').nth(at).unwrap()).filter(|c| !c.is_empty()))
                .collect();
            (name, utf8(cells))
        })
        .collect()
}

fn bools(values: [Option<bool>; 3]) -> ArrayRef {
    Arc::new(BooleanArray::from(values.to_vec()))
}

/// The valid CSV in native Parquet types: Float64 weight, Int64 age and year, Boolean
/// flags, a dictionary-encoded country.
fn typed_columns() -> Vec<(&'static str, ArrayRef)> {
    let (y, n) = (Some(true), Some(false));
    let cob: DictionaryArray<Int32Type> = vec!["PHL", "IDN", "XXX"].into_iter().collect();
    vec![
        ("person_id", utf8(vec![Some("P1"), Some("P2"), Some("P3")])),
        (
            "weight",
            Arc::new(Float64Array::from(vec![120.5, 85.25, 150.0])),
        ),
        ("sex", utf8(vec![Some("M"), Some("F"), Some("O")])),
        (
            "age",
            Arc::new(Int64Array::from(vec![Some(34), Some(29), None])),
        ),
        ("country_of_birth", Arc::new(cob)),
        (
            "citizenship",
            utf8(vec![Some("PHL"), Some("IDN"), Some("XXA")]),
        ),
        ("citizenship_2", utf8(vec![None, Some("PHL"), None])),
        ("usual_resident", bools([y, n, None])),
        (
            "household_id",
            utf8(vec![Some("H1"), Some("H1"), Some("H2")]),
        ),
        ("lfs_status", utf8(vec![None, None, Some("UNE")])),
        ("worked", bools([y, n, None])),
        ("absent", bools([None, y, None])),
        ("absence_reason", utf8(vec![None, Some("MATERNITY"), None])),
        ("absence_paid", bools([None, y, None])),
        ("absence_return_3m", bools([None, n, None])),
        ("searched", bools([None, None, y])),
        ("available", bools([None, None, y])),
        ("future_start", bools([None, None, n])),
        (
            "year_of_arrival",
            Arc::new(Int64Array::from(vec![None, Some(2019), Some(2024)])),
        ),
        (
            "reason_for_migration",
            utf8(vec![None, Some("FAMILY"), Some("INTERNATIONAL_PROTECTION")]),
        ),
    ]
}

fn replace(
    mut columns: Vec<(&'static str, ArrayRef)>,
    name: &str,
    array: ArrayRef,
) -> Vec<(&'static str, ArrayRef)> {
    let at = columns.iter().position(|(n, _)| *n == name).unwrap();
    columns[at].1 = array;
    columns
}

#[test]
fn an_all_text_parquet_file_gives_the_same_records_as_the_csv() {
    let from_csv = Case::new("core.csv", valid_csv()).records();
    let case = Case::new("core.parquet", parquet(csv_columns()));
    assert_eq!(case.ingest().unwrap().input_format, "parquet");
    assert_eq!(case.records(), from_csv);
}

#[test]
fn a_typed_parquet_file_gives_the_same_records_as_the_csv() {
    let from_csv = Case::new("core.csv", valid_csv()).records();
    assert_eq!(
        Case::new("core.parquet", parquet(typed_columns())).records(),
        from_csv
    );
}

#[test]
fn decimal_weights_and_whole_float_ages_read_as_their_exact_text() {
    let from_csv = Case::new("core.csv", valid_csv()).records();
    let weight = Decimal128Array::from(vec![12050, 8525, 15000])
        .with_precision_and_scale(10, 2)
        .unwrap();
    let columns = replace(typed_columns(), "weight", Arc::new(weight));
    let columns = replace(
        columns,
        "age",
        Arc::new(Float64Array::from(vec![Some(34.0), Some(29.0), None])),
    );
    assert_eq!(
        Case::new("core.parquet", parquet(columns)).records(),
        from_csv
    );
}

#[test]
fn the_format_is_chosen_by_content_not_by_name() {
    let from_csv = Case::new("core.csv", valid_csv()).records();
    assert_eq!(
        Case::new("microdata.dat", parquet(typed_columns())).records(),
        from_csv
    );
    assert_eq!(Case::new("microdata.txt", valid_csv()).records(), from_csv);
}

#[test]
fn parquet_values_break_the_same_rules_with_rows_but_no_lines() {
    let columns = replace(
        typed_columns(),
        "weight",
        Arc::new(Float64Array::from(vec![1.0, -2.5, f64::NAN])),
    );
    let columns = replace(
        columns,
        "age",
        Arc::new(Int64Array::from(vec![Some(34), Some(131), None])),
    );
    let rejects = Case::new("core.parquet", parquet(columns)).rejects();
    let got: Vec<_> = rejects.iter().map(|r| (summary(r), r.line)).collect();
    assert_eq!(
        got,
        [
            (("weight.negative", Some(2), "weight", "-2.5"), None),
            (("age.range", Some(2), "age", "131"), None),
            (("weight.not_a_number", Some(3), "weight", "NaN"), None),
        ]
    );
}

#[test]
fn typed_values_are_checked_on_their_values_with_the_rules_their_text_would_get() {
    // Decimal and integer weights, Int32 ages and years: checked without their text,
    // rejected under the same rules, the value shown as its text.
    let weight = Decimal128Array::from(vec![12050, -250, 15000])
        .with_precision_and_scale(18, 2)
        .unwrap();
    let columns = replace(typed_columns(), "weight", Arc::new(weight));
    let columns = replace(
        columns,
        "age",
        Arc::new(arrow::array::Int32Array::from(vec![
            Some(-1),
            Some(29),
            None,
        ])),
    );
    let columns = replace(
        columns,
        "year_of_arrival",
        Arc::new(arrow::array::Int32Array::from(vec![
            None,
            Some(1850),
            Some(2025),
        ])),
    );
    let rejects = Case::new("core.parquet", parquet(columns)).rejects();
    let got: Vec<_> = rejects.iter().map(summary).collect();
    assert_eq!(
        got,
        [
            ("age.range", Some(1), "age", "-1"),
            ("weight.negative", Some(2), "weight", "-2.50"),
            ("year_of_arrival.range", Some(2), "year_of_arrival", "1850"),
            ("year_of_arrival.range", Some(3), "year_of_arrival", "2025"),
        ]
    );
    assert!(
        rejects[2]
            .message
            .contains("from 1900 to 2024 (the reference year)"),
        "{}",
        rejects[2].message
    );

    // Whole-number weights in an integer column are the same records as their text.
    let from_csv = Case::new("core.csv", valid_csv()).records();
    let whole = |w: [i64; 3]| -> ArrayRef { Arc::new(Int64Array::from(w.to_vec())) };
    let csv = valid_csv()
        .replace("120.50,", "120,")
        .replace("85.25,", "85,");
    let typed = replace(typed_columns(), "weight", whole([120, 85, 150]));
    assert_eq!(
        Case::new("core.parquet", parquet(typed)).records(),
        Case::new("core.csv", csv.as_str()).records()
    );
    assert_ne!(Case::new("core.csv", csv.as_str()).records(), from_csv);
}

#[test]
fn parquet_columns_are_checked_like_csv_headers() {
    let mut columns = typed_columns();
    columns.retain(|(n, _)| !["weight", "lfs_status", "worked"].contains(n));
    let rejects = Case::new("core.parquet", parquet(columns)).rejects();
    let got: Vec<_> = rejects.iter().map(summary).collect();
    assert_eq!(
        got,
        [
            ("column.missing", None, "weight", ""),
            ("column.lfs_missing", None, "", "worked"),
        ]
    );
}

#[test]
fn a_nested_parquet_column_is_a_type_reject() {
    let list = ListArray::from_iter_primitive::<Int32Type, _, _>(vec![
        Some(vec![Some(1)]),
        None,
        Some(vec![]),
    ]);
    let columns = replace(typed_columns(), "age", Arc::new(list));
    let reject = Case::new("core.parquet", parquet(columns)).only_reject();
    assert_eq!(
        (reject.rule, reject.row, reject.column.as_str()),
        ("parquet.type", None, "age")
    );
}

#[test]
fn a_parquet_file_with_no_rows_has_no_records() {
    let columns: Vec<(&str, ArrayRef)> = typed_columns()
        .into_iter()
        .map(|(n, a)| (n, a.slice(0, 0)))
        .collect();
    let reject = Case::new("core.parquet", parquet(columns)).only_reject();
    assert_eq!(reject.rule, "file.no_records");
}

#[test]
fn a_truncated_parquet_file_is_unreadable_and_named() {
    let bytes = parquet(typed_columns());
    let case = Case::new("core.parquet", &bytes[..bytes.len() - 20]);
    let reject = case.only_reject();
    assert_eq!((reject.rule, reject.row), ("parquet.unreadable", None));
    assert_eq!(reject.file, case.input.to_str().unwrap());
    let shown = case.ingest().unwrap_err().to_string();
    assert!(
        shown.contains("core.parquet") && shown.contains("not a readable Parquet file"),
        "{shown}"
    );
}

#[test]
fn a_csv_file_named_parquet_is_not_read_as_csv() {
    let reject = Case::new("core.parquet", valid_csv()).only_reject();
    assert_eq!(reject.rule, "parquet.unreadable");
    assert!(reject.message.contains("PAR1"), "{}", reject.message);
}

#[test]
fn a_missing_input_file_is_an_io_error_naming_it() {
    let case = Case::new("other.csv", "");
    let case = Case::of_file(&case.dir.path().join("nowhere.csv"));
    let e = case.ingest().unwrap_err();
    assert_eq!(e.exit_code(), 5);
    assert!(e.to_string().contains("nowhere.csv"), "{e}");
}
