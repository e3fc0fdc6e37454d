//! The migration concepts through `derive_batch`: the residence rule feeding the scope,
//! the worked example's migrant workers (icls-concepts.md §5, "Other checks"), and the
//! recent, for-work and return populations with their not-measured nulls.

mod common;

use arrow::array::{Array, AsArray, RecordBatch};
use arrow::datatypes::{Decimal128Type, Int32Type};
use common::{core_batch, texts, weight_units, Person};
use migstat_artefacts::concepts::ResidenceRule;
use migstat_artefacts::schema::derived;
use migstat_derive::{derive_batch, Params};

fn derive(persons: &[Person], params: &Params) -> RecordBatch {
    derive_batch(&core_batch(persons, 1), params).unwrap().0
}

fn flags(batch: &RecordBatch, name: &str) -> Vec<Option<bool>> {
    let a = batch.column_by_name(name).unwrap().as_boolean();
    (0..a.len())
        .map(|i| a.is_valid(i).then(|| a.value(i)))
        .collect()
}

/// The sum of the weights of the persons whose `population` is true, in 10^-9 units.
fn weighted(batch: &RecordBatch, population: &str) -> i128 {
    let w = batch
        .column_by_name(derived::WEIGHT)
        .unwrap()
        .as_primitive::<Decimal128Type>();
    flags(batch, population)
        .iter()
        .enumerate()
        .filter(|(_, f)| **f == Some(true))
        .map(|(i, _)| w.value(i))
        .sum()
}

/// icls-concepts.md §5, with person 11 (the seasonal worker) employed by a resident
/// producer unit: id, sex, age, resident, born, citizen of, status, weight.
type WorkedExampleRow = (
    &'static str,
    &'static str,
    i32,
    bool,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);
#[rustfmt::skip]
const WORKED_EXAMPLE: [WorkedExampleRow; 12] = [
    ("1",  "M", 34, true,  "PHL", "PHL", "EMP", "120.50"),
    ("2",  "F", 29, true,  "IDN", "IDN", "EMP", "85.25"),
    ("3",  "M", 45, true,  "IDN", "IDN", "UNE", "150.00"),
    ("4",  "F", 52, true,  "PHL", "PHL", "OLF", "99.75"),
    ("5",  "M", 19, true,  "IDN", "PHL", "EMP", "60.00"),
    ("6",  "F", 23, true,  "PHL", "PHL", "OLF", "110.00"),
    ("7",  "M", 67, true,  "PHL", "PHL", "OLF", "130.25"),
    ("8",  "F", 38, true,  "IDN", "IDN", "UNE", "75.50"),
    ("9",  "M", 31, true,  "",    "IDN", "EMP", "40.00"),
    ("10", "F", 14, true,  "PHL", "PHL", "EMP", "200.00"),
    ("11", "M", 28, false, "IDN", "IDN", "EMP", "55.00"),
    ("12", "F", 41, true,  "PHL", "PHL", "EMP", "90.00"),
];

fn worked_example() -> Vec<Person> {
    WORKED_EXAMPLE
        .iter()
        .map(
            |&(id, sex, age, resident, born, citizen, status, weight)| Person {
                sex,
                age: Some(age),
                usual_resident: resident,
                country_of_birth: (!born.is_empty()).then_some(born),
                citizenship: Some(citizen),
                lfs_status: Some(status),
                weight,
                works_for_resident_unit: (!resident).then_some(true),
                nonresident_worker_type: (!resident).then_some("SEASONAL"),
                ..Person::new(id)
            },
        )
        .collect()
}

#[test]
fn the_worked_example_gives_the_spec_s_migrant_worker_totals() {
    let out = derive(&worked_example(), &Params::new("PHL", 2024));
    // "Non-resident foreign workers: 55.00 (id 11)"
    assert_eq!(
        weighted(&out, derived::NONRESIDENT_FOREIGN_WORKER),
        weight_units("55.00")
    );
    // "International migrant workers (CBR) including non-residents = 425.75" (resident
    // part 370.75, the foreign-born labour force).
    assert_eq!(weighted(&out, derived::IMW_CBR), weight_units("425.75"));
    // CCT basis: 350.75 resident (non-citizens in the labour force) + 55.00.
    assert_eq!(weighted(&out, derived::IMW_CCT), weight_units("405.75"));
    // Group (b) is not measured for residents; person 11 is in it, as a seasonal worker.
    let nrfw = flags(&out, derived::NONRESIDENT_FOREIGN_WORKER);
    assert_eq!(nrfw.iter().filter(|f| f.is_none()).count(), 11);
    let kinds = texts(&out, derived::NRT);
    assert_eq!(kinds[10].as_deref(), Some("NRT_TYPE_SEASONAL"));
    assert!(kinds[..10].iter().all(|k| k.as_deref() == Some("_Z")));
    let res = texts(&out, derived::RES);
    assert_eq!(res[10].as_deref(), Some("RES_STATUS_NONRESIDENT"));
    assert_eq!(res[0].as_deref(), Some("RES_STATUS_RESIDENT"));
}

#[test]
fn the_un_rule_decides_residence_and_the_scope_follows() {
    let person = |id: &str, roster: bool, present: Option<f64>, stay: Option<f64>| Person {
        usual_resident: roster,
        months_present_12m: present,
        intended_stay_months: stay,
        ..Person::new(id)
    };
    let persons = [
        person("seven-months", true, Some(7.0), Some(0.0)),
        person("six-months", true, Some(6.0), Some(2.0)),
        person("newcomer", true, Some(1.0), Some(24.0)),
        person("unknown-intent", true, Some(1.0), None),
        person("roster-n", false, Some(12.0), Some(120.0)),
    ];
    let run = |rule| {
        let mut params = Params::new("PHL", 2024);
        params.concepts.residence_rule = rule;
        derive(&persons, &params)
    };
    let a = run(ResidenceRule::MostOf12Months);
    assert_eq!(
        texts(&a, derived::RESIDENCE_BASIS),
        ["PRESENT", "RULE_N", "INTENDS", "ROSTER", "ROSTER_N"].map(|s| Some(s.to_string()))
    );
    assert_eq!(
        texts(&a, derived::SCOPE),
        [
            "IN_SCOPE",
            "NON_RESIDENT",
            "IN_SCOPE",
            "IN_SCOPE",
            "NON_RESIDENT"
        ]
        .map(|s| Some(s.to_string()))
    );
    assert_eq!(
        flags(&a, derived::USUAL_RESIDENT),
        [true, false, true, true, false].map(Some)
    );
    let b = run(ResidenceRule::AtLeast12Months);
    assert_eq!(
        texts(&b, derived::RESIDENCE_BASIS),
        ["RULE_N", "RULE_N", "INTENDS", "ROSTER", "ROSTER_N"].map(|s| Some(s.to_string()))
    );
    let national = run(ResidenceRule::National);
    assert_eq!(
        texts(&national, derived::RESIDENCE_BASIS),
        ["ROSTER", "ROSTER", "ROSTER", "ROSTER", "ROSTER_N"].map(|s| Some(s.to_string()))
    );
}

#[test]
fn recent_for_work_and_return_populations_are_null_where_not_measured() {
    let persons = [
        // Arrived 2022 for work: recent (2020..=2024), for work.
        Person {
            country_of_birth: Some("IDN"),
            citizenship: Some("IDN"),
            year_of_arrival: Some(2022),
            reason_for_migration: Some("WORK_JOB_FOUND"),
            ..Person::new("worker")
        },
        // 7 years of residence reported (exact), family: not recent.
        Person {
            country_of_birth: Some("CHN"),
            citizenship: Some("CHN"),
            years_of_residence: Some(7),
            year_of_arrival: Some(2023),
            reason_for_migration: Some("FAMILY"),
            ..Person::new("settled")
        },
        // A citizen back from Saudi Arabia in 2021, employed there.
        Person {
            previous_country_of_residence: Some("SAU"),
            year_of_return: Some(2021),
            labour_status_abroad: Some("EMP"),
            ..Person::new("returnee")
        },
        // A native who never moved: nothing stated.
        Person::new("stayer"),
        // Foreign-born, arrival not stated.
        Person {
            country_of_birth: Some("USA"),
            ..Person::new("no-arrival")
        },
    ];
    let out = derive(&persons, &Params::new("PHL", 2024));
    assert_eq!(
        flags(&out, derived::RECENT_IMMIGRANT),
        [Some(true), Some(false), None, None, None]
    );
    assert_eq!(
        flags(&out, derived::RECENT_FOR_WORK_IMMIGRANT),
        [Some(true), Some(false), None, None, None]
    );
    assert_eq!(
        flags(&out, derived::RETURN_MIGRANT),
        [None, None, Some(true), None, None]
    );
    assert_eq!(
        flags(&out, derived::RETURN_MIGRANT_WORKER),
        [None, None, Some(true), None, None]
    );
    assert_eq!(
        texts(&out, derived::DRS),
        [
            "DRS_YRS_Y1-4",
            "DRS_YRS_Y5-9",
            "DRS_YRS_NA",
            "DRS_YRS_NA",
            "DRS_YRS_X"
        ]
        .map(|s| Some(s.to_string()))
    );
    assert_eq!(
        texts(&out, derived::RSN),
        [
            "RSN_REASON_WORKJOB",
            "RSN_REASON_FAMILY",
            "_Z",
            "_Z",
            "RSN_REASON_X"
        ]
        .map(|s| Some(s.to_string()))
    );
    assert_eq!(
        flags(&out, derived::DURATION_APPROXIMATE),
        [Some(true), Some(false), None, None, None]
    );
    let years = out
        .column_by_name(derived::YEARS_SINCE_ARRIVAL)
        .unwrap()
        .as_primitive::<Int32Type>();
    assert_eq!((years.value(0), years.value(1)), (2, 7));

    // A shorter window and look-back: 2022 is outside a 2-year window (2023..=2024), and
    // 2021 outside a 3-year look-back (2022..=2024).
    let mut params = Params::new("PHL", 2024);
    params.concepts.recent_years = 2;
    params.concepts.return_lookback_years = 3;
    let out = derive(&persons, &params);
    assert_eq!(flags(&out, derived::RECENT_IMMIGRANT)[0], Some(false));
    assert_eq!(flags(&out, derived::RETURN_MIGRANT)[2], Some(false));
}
