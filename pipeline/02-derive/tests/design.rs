//! The sample design passes through derive untouched: `stratum`, `psu` and the replicate
//! weights `repwt_1 ..= repwt_R`, whatever R (0 included).

mod common;

use std::sync::Arc;

use arrow::array::{AsArray, RecordBatch};
use arrow::datatypes::{DataType, Decimal128Type, Field, Schema};
use common::{core_batch, texts, weight_units, Person};
use migstat_artefacts::layout::RunDir;
use migstat_artefacts::parquet_io::ParquetSink;
use migstat_artefacts::schema::{self, derived};
use migstat_derive::{derive_batch, Params};

/// Four persons over two strata; with `replicates`, person `i` has replicate weights
/// taken from `REPLICATES[i]`.
fn persons(replicates: usize) -> Vec<Person> {
    const REPLICATES: [[&str; 3]; 4] = [
        ["0", "240.000000", "160.666667"],
        ["170.5", "0.00", "113.666667"],
        ["300", "300.25", "0"],
        ["0.000000001", "12345678901234567890.123456789", "1"],
    ];
    let design = [
        (Some("S01"), Some("S01-P1"), "120.50"),
        (Some("S01"), Some("S01-P2"), "85.25"),
        (Some("S 02"), None, "150"),
        (None, Some("S02-P1"), "0"),
    ];
    design
        .iter()
        .enumerate()
        .map(|(i, &(stratum, psu, weight))| Person {
            stratum,
            psu,
            weight,
            replicates: REPLICATES[i][..replicates].to_vec(),
            ..Person::new(format!("P{i}"))
        })
        .collect()
}

fn decimals(batch: &RecordBatch, name: &str) -> Vec<i128> {
    let a = batch.column_by_name(name).unwrap();
    a.as_primitive::<Decimal128Type>().values().to_vec()
}

fn check_design_columns(out: &RecordBatch, persons: &[Person], replicates: usize) {
    let expected = schema::with_replicates(schema::derived_record(), replicates);
    assert_eq!(out.schema(), expected);
    assert_eq!(schema::replicates_in(&out.schema()), replicates);
    let stratum: Vec<_> = persons
        .iter()
        .map(|p| p.stratum.map(String::from))
        .collect();
    let psu: Vec<_> = persons.iter().map(|p| p.psu.map(String::from)).collect();
    assert_eq!(texts(out, derived::STRATUM), stratum);
    assert_eq!(texts(out, derived::PSU), psu);
    for k in 1..=replicates {
        let want: Vec<i128> = persons
            .iter()
            .map(|p| weight_units(p.replicates[k - 1]))
            .collect();
        assert_eq!(
            decimals(out, &schema::replicate_column(k)),
            want,
            "repwt_{k}"
        );
    }
}

#[test]
fn without_replicates_stratum_and_psu_pass_through_and_the_schema_is_the_derived_record() {
    let persons = persons(0);
    let core = core_batch(&persons, 1);
    let (out, report) = derive_batch(&core, &Params::new("PHL", 2024)).unwrap();
    check_design_columns(&out, &persons, 0);
    assert_eq!(report.rows, 4);
    assert!(out.column_by_name("repwt_1").is_none());
}

#[test]
fn three_replicate_weights_pass_through_as_the_same_arrays() {
    let persons = persons(3);
    let core = core_batch(&persons, 1);
    let (out, _) = derive_batch(&core, &Params::new("PHL", 2024)).unwrap();
    check_design_columns(&out, &persons, 3);
    for name in [
        derived::STRATUM,
        derived::PSU,
        derived::WEIGHT,
        "repwt_1",
        "repwt_2",
        "repwt_3",
    ] {
        let (a, b) = (
            core.column_by_name(name).unwrap(),
            out.column_by_name(name).unwrap(),
        );
        assert!(Arc::ptr_eq(a, b), "{name} is shared, not copied");
    }
    // The replicate weights come last, after source_row, in order.
    let names: Vec<_> = out
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    let n = schema::derived_record().fields().len();
    assert_eq!(names[n - 1], derived::SOURCE_ROW);
    assert_eq!(names[n..], ["repwt_1", "repwt_2", "repwt_3"]);
}

#[test]
fn run_writes_the_replicate_weights_of_the_core_file() {
    for replicates in [0, 3] {
        let dir = tempfile::tempdir().unwrap();
        let run = RunDir::new(dir.path().join("out"));
        let persons = persons(replicates);
        // Two batches, so the design columns survive batching.
        let batches = [core_batch(&persons[..2], 1), core_batch(&persons[2..], 3)];
        common::write_core(&run, &batches);
        let report = migstat_derive::run(&common::config(dir.path(), "PHL"), &run).unwrap();
        assert_eq!(report.rows, 4);
        let out = common::read_derived_with(&run, replicates);
        check_design_columns(&out, &persons, replicates);
    }
}

#[test]
fn a_core_file_whose_replicate_weights_have_a_gap_is_refused() {
    // repwt_1 and repwt_3: R reads as 1, and repwt_3 is a column the core record has not.
    let dir = tempfile::tempdir().unwrap();
    let run = RunDir::new(dir.path().join("out"));
    let core = core_batch(&persons(3), 1);
    let keep: Vec<usize> = (0..core.num_columns())
        .filter(|&i| core.schema().field(i).name() != "repwt_2")
        .collect();
    let gappy = core.project(&keep).unwrap();
    common::write_core(&run, &[gappy]);
    let err = migstat_derive::run(&common::config(dir.path(), "PHL"), &run).unwrap_err();
    assert!(err.to_string().contains("schema"), "{err}");
    assert!(!run.derived_records().exists());
}

#[test]
fn a_replicate_weight_of_another_type_is_an_internal_error() {
    let core = core_batch(&persons(0), 1);
    let mut fields: Vec<Field> = core
        .schema()
        .fields()
        .iter()
        .map(|f| f.as_ref().clone())
        .collect();
    fields.push(Field::new("repwt_1", DataType::Float64, false));
    let mut columns = core.columns().to_vec();
    columns.push(Arc::new(arrow::array::Float64Array::from(vec![1.0; 4])));
    let batch = RecordBatch::try_new(Arc::new(Schema::new(fields)), columns).unwrap();
    let err = derive_batch(&batch, &Params::new("PHL", 2024)).unwrap_err();
    assert!(err.to_string().contains("repwt_1"), "{err}");
}

#[test]
fn a_core_file_without_stratum_and_psu_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let run = RunDir::new(dir.path().join("out"));
    // A schema with a replicate weight but no stratum and psu (an older core record).
    let mut fields: Vec<Field> = schema::core_record()
        .fields()
        .iter()
        .filter(|f| f.name() != derived::STRATUM && f.name() != derived::PSU)
        .map(|f| f.as_ref().clone())
        .collect();
    fields.push(Field::new("repwt_1", schema::WEIGHT_TYPE, false));
    let sink = ParquetSink::create(&run.core_records(), Arc::new(Schema::new(fields))).unwrap();
    sink.finish().unwrap();
    let err = migstat_derive::run(&common::config(dir.path(), "PHL"), &run).unwrap_err();
    assert!(err.to_string().contains("schema"), "{err}");
    assert!(!run.derived_records().exists());
}
