//! Contract section 3, rule by rule: a file that breaks one rule in data row 2 gives
//! exactly one reject, naming that rule, row 2 (line 3), the column and the value as read.

mod common;

use common::{summary, with_row_2, Case};

/// `name: column = "value" => "rule"` — setting `column` of row 2 to `value` breaks `rule`.
macro_rules! breaks {
    ($($name:ident: $column:literal = $value:literal => $rule:literal,)*) => {$(
        #[test]
        fn $name() {
            let case = Case::new("core.csv", with_row_2($column, $value));
            let reject = case.only_reject();
            assert_eq!(summary(&reject), ($rule, Some(2), $column, $value));
            assert_eq!(reject.line, Some(3));
            assert!(!reject.message.is_empty());
        }
    )*};
}

breaks! {
    an_empty_person_id: "person_id" = "" => "person_id.missing",
    a_blank_person_id: "person_id" = "   " => "person_id.missing",
    a_person_id_used_twice: "person_id" = "P1" => "person_id.duplicate",
    an_empty_weight: "weight" = "" => "weight.missing",
    a_weight_in_words: "weight" = "heavy" => "weight.not_a_number",
    a_nan_weight: "weight" = "NaN" => "weight.not_a_number",
    an_infinite_weight: "weight" = "inf" => "weight.not_a_number",
    a_negative_weight: "weight" = "-85.25" => "weight.negative",
    a_weight_too_large_for_decimal_38_9: "weight" = "1e29" => "weight.too_large",
    an_empty_sex: "sex" = "" => "sex.missing",
    an_unknown_sex: "sex" = "X" => "sex.code",
    a_lower_case_sex: "sex" = "f" => "sex.code",
    a_fractional_age: "age" = "29.5" => "age.not_an_integer",
    an_age_in_words: "age" = "old" => "age.not_an_integer",
    an_age_above_130: "age" = "131" => "age.range",
    a_negative_age: "age" = "-1" => "age.range",
    an_unknown_country_of_birth: "country_of_birth" = "ZZZ" => "country_of_birth.code",
    stateless_as_a_country_of_birth: "country_of_birth" = "XXA" => "country_of_birth.code",
    a_two_letter_country_of_birth: "country_of_birth" = "PH" => "country_of_birth.code",
    an_unknown_citizenship: "citizenship" = "ZZZ" => "citizenship.code",
    an_unknown_second_citizenship: "citizenship_2" = "ABC" => "citizenship_2.code",
    an_unknown_usual_resident_flag: "usual_resident" = "yes" => "usual_resident.flag",
    an_unknown_lfs_status: "lfs_status" = "EMPLOYED" => "lfs_status.code",
    an_unknown_worked_flag: "worked" = "1" => "worked.flag",
    a_lower_case_absent_flag: "absent" = "y" => "absent.flag",
    an_unknown_absence_reason: "absence_reason" = "STRIKE" => "absence_reason.code",
    an_unknown_absence_paid_flag: "absence_paid" = "true" => "absence_paid.flag",
    an_unknown_absence_return_flag: "absence_return_3m" = "maybe" => "absence_return_3m.flag",
    an_unknown_searched_flag: "searched" = "0" => "searched.flag",
    an_unknown_available_flag: "available" = "NO" => "available.flag",
    an_unknown_future_start_flag: "future_start" = "X" => "future_start.flag",
    a_fractional_year_of_arrival: "year_of_arrival" = "2019.5" => "year_of_arrival.not_an_integer",
    an_arrival_after_the_reference_year: "year_of_arrival" = "2025" => "year_of_arrival.range",
    an_arrival_before_1900: "year_of_arrival" = "1899" => "year_of_arrival.range",
    an_unknown_reason_for_migration: "reason_for_migration" = "WORK" => "reason_for_migration.code",
}

#[test]
fn ids_are_compared_after_trimming() {
    let reject = Case::new("core.csv", with_row_2("person_id", " P1 ")).only_reject();
    assert_eq!(
        summary(&reject),
        ("person_id.duplicate", Some(2), "person_id", "P1")
    );
}

#[test]
fn a_quoted_decimal_comma_is_not_a_number_and_the_value_is_shown_unquoted() {
    let reject = Case::new("core.csv", with_row_2("weight", "\"85,25\"")).only_reject();
    assert_eq!(
        summary(&reject),
        ("weight.not_a_number", Some(2), "weight", "85,25")
    );
}

#[test]
fn a_duplicate_names_the_row_that_first_had_the_id() {
    let reject = Case::new("core.csv", with_row_2("person_id", "P1")).only_reject();
    assert!(reject.message.contains("row 1"), "{}", reject.message);
}

#[test]
fn the_weight_sentence_says_what_is_expected() {
    let reject = Case::new("core.csv", with_row_2("weight", "-1")).only_reject();
    assert_eq!(reject.message, "weight must be a decimal number >= 0");
}

#[test]
fn every_problem_of_every_row_is_reported_in_file_order() {
    let text = format!(
        "{}\n{}\n{}\n{}\n",
        common::HEADER,
        "P1,-1,X,34,PHL,PHL,,Y,H1,,Y,,,,,,,,,",
        "P2,1,M,200,PHL,PHL,,Y,H1,,Y,,,,,,,,,",
        "P1,1,M,34,ZZZ,PHL,,Y,H1,,Y,,,,,,,,,",
    );
    let rejects = Case::new("core.csv", text).rejects();
    let got: Vec<_> = rejects.iter().map(summary).collect();
    assert_eq!(
        got,
        [
            ("weight.negative", Some(1), "weight", "-1"),
            ("sex.code", Some(1), "sex", "X"),
            ("age.range", Some(2), "age", "200"),
            ("person_id.duplicate", Some(3), "person_id", "P1"),
            ("country_of_birth.code", Some(3), "country_of_birth", "ZZZ"),
        ]
    );
}

#[test]
fn only_the_first_twenty_problems_are_in_the_error_but_all_are_in_rejects_csv() {
    let mut text = format!("{}\n", common::HEADER);
    for i in 0..25 {
        text.push_str(&format!("P{i},1,M,34,PHL,PHL,,Y,H1,,Y,,,,,,,,,\n"));
        text.push_str(&format!("Q{i},-1,M,34,PHL,PHL,,Y,H1,,Y,,,,,,,,,\n"));
    }
    let case = Case::new("core.csv", text);
    let Err(migstat_artefacts::Error::Input(e)) = case.ingest() else {
        panic!("input error expected")
    };
    assert_eq!((e.total, e.first.len()), (25, 20));
    assert_eq!(common::read_rejects_csv(&case.run.rejects()).len(), 25);
    assert_eq!(e.first[19].row, Some(40));
    let shown = migstat_artefacts::Error::Input(e).to_string();
    assert!(
        shown.contains("25 problems") && shown.contains("first 20 shown"),
        "{shown}"
    );
}
