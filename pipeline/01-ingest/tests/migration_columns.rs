//! The migration items of the core record's extension (usual residence, non-resident
//! foreign workers, years of residence, return migration): read and typed when present,
//! null when absent, and each value rule naming its row, column and value.

mod common;

use arrow::array::{Array, AsArray};
use arrow::datatypes::{Float64Type, Int32Type};
use common::{summary, Case, HEADER, ROWS};
use migstat_artefacts::schema::core;

/// The migration columns, in the order of the core record.
const MIGRATION: &str = "months_present_12m,intended_stay_months,present_in_country,\
works_for_resident_unit,seeking_work_in_country,nonresident_worker_type,years_of_residence,\
previous_country_of_residence,year_of_return,labour_status_abroad";

/// The three valid persons of `common` with migration items: P1 a native back from
/// Saudi Arabia, P2 a non-resident seasonal worker, P3 with nothing stated.
const MIGRATION_ROWS: [&str; 3] = [
    "12,,Y,,,,,SAU,2021,EMP",
    " 3.5 ,2,Y,Y,N,SEASONAL,0,IDN,,",
    ",,,,,,,,,",
];

fn csv_with(row_2_migration: &str) -> String {
    let mut rows = MIGRATION_ROWS;
    rows[1] = row_2_migration;
    let body: Vec<String> = ROWS
        .iter()
        .zip(rows)
        .map(|(core, migration)| format!("{core},{migration}"))
        .collect();
    format!("{HEADER},{MIGRATION}\n{}\n", body.join("\n"))
}

#[test]
fn migration_items_are_typed_and_trimmed() {
    let batch = Case::new("core.csv", csv_with(MIGRATION_ROWS[1])).records();
    let col = |name| batch.column_by_name(name).unwrap();
    let months = col(core::MONTHS_PRESENT_12M).as_primitive::<Float64Type>();
    assert_eq!(
        (months.value(0), months.value(1), months.is_null(2)),
        (12.0, 3.5, true)
    );
    let stay = col(core::INTENDED_STAY_MONTHS).as_primitive::<Float64Type>();
    assert_eq!((stay.is_null(0), stay.value(1)), (true, 2.0));
    let flag = |name| {
        let a = col(name).as_boolean();
        (0..3)
            .map(|i| a.is_valid(i).then(|| a.value(i)))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        flag(core::PRESENT_IN_COUNTRY),
        [Some(true), Some(true), None]
    );
    assert_eq!(
        flag(core::WORKS_FOR_RESIDENT_UNIT),
        [None, Some(true), None]
    );
    assert_eq!(
        flag(core::SEEKING_WORK_IN_COUNTRY),
        [None, Some(false), None]
    );
    let text = |name| {
        let a = col(name).as_string::<i32>();
        (0..3)
            .map(|i| a.is_valid(i).then(|| a.value(i).to_string()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        text(core::NONRESIDENT_WORKER_TYPE),
        [None, Some("SEASONAL".into()), None]
    );
    assert_eq!(
        text(core::PREVIOUS_COUNTRY_OF_RESIDENCE),
        [Some("SAU".into()), Some("IDN".into()), None]
    );
    assert_eq!(
        text(core::LABOUR_STATUS_ABROAD),
        [Some("EMP".into()), None, None]
    );
    let int = |name| {
        let a = col(name).as_primitive::<Int32Type>();
        (0..3)
            .map(|i| a.is_valid(i).then(|| a.value(i)))
            .collect::<Vec<_>>()
    };
    assert_eq!(int(core::YEARS_OF_RESIDENCE), [None, Some(0), None]);
    assert_eq!(int(core::YEAR_OF_RETURN), [Some(2021), None, None]);
}

#[test]
fn without_the_migration_columns_every_item_is_not_stated() {
    let batch = Case::new("core.csv", common::valid_csv()).records();
    for name in MIGRATION.split(',') {
        let a = batch.column_by_name(name).unwrap();
        assert_eq!(a.null_count(), a.len(), "{name}");
    }
}

/// `name: "row 2 migration items" => (rule, column, value)`.
macro_rules! breaks {
    ($($name:ident: $row:literal => ($rule:literal, $column:literal, $value:literal),)*) => {$(
        #[test]
        fn $name() {
            let reject = Case::new("core.csv", csv_with($row)).only_reject();
            assert_eq!(summary(&reject), ($rule, Some(2), $column, $value));
            assert_eq!(reject.line, Some(3));
            assert!(reject.message.starts_with($column), "{}", reject.message);
        }
    )*};
}

breaks! {
    a_month_count_in_words: "three,2,Y,Y,N,SEASONAL,0,IDN,," => ("months_present_12m.not_a_number", "months_present_12m", "three"),
    more_than_12_months_in_12_months: "12.5,2,Y,Y,N,SEASONAL,0,IDN,," => ("months_present_12m.range", "months_present_12m", "12.5"),
    a_negative_stay: "3.5,-2,Y,Y,N,SEASONAL,0,IDN,," => ("intended_stay_months.range", "intended_stay_months", "-2"),
    a_permanent_stay_coded_9999: "3.5,9999,Y,Y,N,SEASONAL,0,IDN,," => ("intended_stay_months.range", "intended_stay_months", "9999"),
    a_stay_with_a_decimal_comma: "3.5,\"2,5\",Y,Y,N,SEASONAL,0,IDN,," => ("intended_stay_months.not_a_number", "intended_stay_months", "2,5"),
    an_unknown_presence_flag: "3.5,2,yes,Y,N,SEASONAL,0,IDN,," => ("present_in_country.flag", "present_in_country", "yes"),
    an_unknown_resident_unit_flag: "3.5,2,Y,1,N,SEASONAL,0,IDN,," => ("works_for_resident_unit.flag", "works_for_resident_unit", "1"),
    an_unknown_seeking_flag: "3.5,2,Y,Y,no,SEASONAL,0,IDN,," => ("seeking_work_in_country.flag", "seeking_work_in_country", "no"),
    an_unknown_worker_type: "3.5,2,Y,Y,N,BORDER,0,IDN,," => ("nonresident_worker_type.code", "nonresident_worker_type", "BORDER"),
    fractional_years_of_residence: "3.5,2,Y,Y,N,SEASONAL,0.5,IDN,," => ("years_of_residence.not_an_integer", "years_of_residence", "0.5"),
    years_of_residence_above_130: "3.5,2,Y,Y,N,SEASONAL,131,IDN,," => ("years_of_residence.range", "years_of_residence", "131"),
    stateless_as_a_previous_country: "3.5,2,Y,Y,N,SEASONAL,0,XXA,," => ("previous_country_of_residence.code", "previous_country_of_residence", "XXA"),
    a_return_after_the_reference_year: "3.5,2,Y,Y,N,SEASONAL,0,IDN,2025," => ("year_of_return.range", "year_of_return", "2025"),
    a_return_year_in_words: "3.5,2,Y,Y,N,SEASONAL,0,IDN,last," => ("year_of_return.not_an_integer", "year_of_return", "last"),
    an_unknown_status_abroad: "3.5,2,Y,Y,N,SEASONAL,0,IDN,,EMPLOYED" => ("labour_status_abroad.code", "labour_status_abroad", "EMPLOYED"),
}

#[test]
fn a_file_without_the_extension_columns_reads_as_one_with_them_left_empty() {
    // The same three persons: the core columns alone, then with every migration item
    // present and empty. The absent columns are built at once, the empty ones value by
    // value: the records are the same, column for column and type for type.
    let without = Case::new("core.csv", common::valid_csv()).records();
    let empty: Vec<String> = ROWS
        .iter()
        .map(|core| format!("{core},,,,,,,,,,"))
        .collect();
    let with_empty = format!("{HEADER},{MIGRATION}\n{}\n", empty.join("\n"));
    let with = Case::new("core.csv", with_empty).records();
    assert_eq!(without.schema(), with.schema());
    for (at, field) in with.schema().fields().iter().enumerate() {
        assert_eq!(
            without.column(at).as_ref(),
            with.column(at).as_ref(),
            "{}",
            field.name()
        );
    }
}
