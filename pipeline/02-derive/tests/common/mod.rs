//! Core records written by hand, and the derived records read back, for the tests.
#![allow(dead_code)] // each test file uses part of this

use std::path::Path;
use std::sync::Arc;

use arrow::array::{
    new_null_array, ArrayRef, BooleanArray, Decimal128Array, Float64Array, Int32Array, Int64Array,
    RecordBatch, StringArray,
};
use migstat_artefacts::config::Config;
use migstat_artefacts::layout::RunDir;
use migstat_artefacts::parquet_io::{self, ParquetSink};
use migstat_artefacts::schema::{self, core};

/// One person of the ICLS core record (contract section 3); `None` = not stated.
#[derive(Debug, Clone)]
pub struct Person {
    pub id: String,
    /// Decimal text, as in the microdata.
    pub weight: &'static str,
    pub sex: &'static str,
    pub age: Option<i32>,
    pub country_of_birth: Option<&'static str>,
    pub citizenship: Option<&'static str>,
    pub citizenship_2: Option<&'static str>,
    pub usual_resident: bool,
    pub household_id: Option<&'static str>,
    pub lfs_status: Option<&'static str>,
    pub worked: Option<bool>,
    pub absent: Option<bool>,
    pub absence_reason: Option<&'static str>,
    pub absence_paid: Option<bool>,
    pub absence_return_3m: Option<bool>,
    pub searched: Option<bool>,
    pub available: Option<bool>,
    pub future_start: Option<bool>,
    pub year_of_arrival: Option<i32>,
    pub reason_for_migration: Option<&'static str>,
    pub months_present_12m: Option<f64>,
    pub intended_stay_months: Option<f64>,
    pub present_in_country: Option<bool>,
    pub works_for_resident_unit: Option<bool>,
    pub seeking_work_in_country: Option<bool>,
    pub nonresident_worker_type: Option<&'static str>,
    pub years_of_residence: Option<i32>,
    pub previous_country_of_residence: Option<&'static str>,
    pub year_of_return: Option<i32>,
    pub labour_status_abroad: Option<&'static str>,
    pub stratum: Option<&'static str>,
    pub psu: Option<&'static str>,
    /// Replicate weights as decimal text; every person of a batch has as many.
    pub replicates: Vec<&'static str>,
}

impl Person {
    /// A resident native citizen of PHL aged 30, weight 100, who answered nothing in the
    /// labour force block.
    pub fn new(id: impl Into<String>) -> Person {
        Person {
            id: id.into(),
            weight: "100",
            sex: "M",
            age: Some(30),
            country_of_birth: Some("PHL"),
            citizenship: Some("PHL"),
            citizenship_2: None,
            usual_resident: true,
            household_id: None,
            lfs_status: None,
            worked: None,
            absent: None,
            absence_reason: None,
            absence_paid: None,
            absence_return_3m: None,
            searched: None,
            available: None,
            future_start: None,
            year_of_arrival: None,
            reason_for_migration: None,
            months_present_12m: None,
            intended_stay_months: None,
            present_in_country: None,
            works_for_resident_unit: None,
            seeking_work_in_country: None,
            nonresident_worker_type: None,
            years_of_residence: None,
            previous_country_of_residence: None,
            year_of_return: None,
            labour_status_abroad: None,
            stratum: None,
            psu: None,
            replicates: Vec::new(),
        }
    }
}

/// `Y` / `N` / empty, as in the microdata.
pub fn yn(v: &str) -> Option<bool> {
    match v {
        "Y" => Some(true),
        "N" => Some(false),
        "" => None,
        _ => panic!("not Y/N/empty: {v:?}"),
    }
}

/// Empty text = not stated.
pub fn opt(v: &'static str) -> Option<&'static str> {
    (!v.is_empty()).then_some(v)
}

/// A decimal text as Decimal128 units at the weight scale (9 decimals).
pub fn weight_units(text: &str) -> i128 {
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    assert!(frac.len() <= 9, "{text}");
    let frac = format!("{frac:0<9}");
    int.parse::<i128>().unwrap() * 1_000_000_000 + frac.parse::<i128>().unwrap()
}

/// Exact weights as a `Decimal128(38,9)` array.
fn decimals(texts: impl Iterator<Item = &'static str>) -> ArrayRef {
    let values = Decimal128Array::from_iter_values(texts.map(weight_units))
        .with_precision_and_scale(38, schema::WEIGHT_SCALE as i8)
        .unwrap();
    Arc::new(values)
}

/// The persons as one core-record batch, with as many replicate weights as the first
/// person has; `source_row` counts from `first_row`. Columns are matched to the core
/// schema by name; a core column [`Person`] does not hold is all null (not stated).
pub fn core_batch(persons: &[Person], first_row: i64) -> RecordBatch {
    let text = |f: &dyn Fn(&Person) -> Option<&str>| -> ArrayRef {
        Arc::new(persons.iter().map(f).collect::<StringArray>())
    };
    let flag = |f: &dyn Fn(&Person) -> Option<bool>| -> ArrayRef {
        Arc::new(persons.iter().map(f).collect::<BooleanArray>())
    };
    let int = |f: &dyn Fn(&Person) -> Option<i32>| -> ArrayRef {
        Arc::new(persons.iter().map(f).collect::<Int32Array>())
    };
    let months = |f: &dyn Fn(&Person) -> Option<f64>| -> ArrayRef {
        Arc::new(persons.iter().map(f).collect::<Float64Array>())
    };
    let replicates = persons.first().map_or(0, |p| p.replicates.len());
    let schema = schema::with_replicates(schema::core_record(), replicates);
    let columns: Vec<ArrayRef> = schema
        .fields()
        .iter()
        .map(|field| match field.name().as_str() {
            core::PERSON_ID => text(&|p| Some(p.id.as_str())),
            core::WEIGHT => decimals(persons.iter().map(|p| p.weight)),
            core::SEX => text(&|p| Some(p.sex)),
            core::AGE => int(&|p| p.age),
            core::COUNTRY_OF_BIRTH => text(&|p| p.country_of_birth),
            core::CITIZENSHIP => text(&|p| p.citizenship),
            core::CITIZENSHIP_2 => text(&|p| p.citizenship_2),
            core::USUAL_RESIDENT => flag(&|p| Some(p.usual_resident)),
            core::HOUSEHOLD_ID => text(&|p| p.household_id),
            core::LFS_STATUS => text(&|p| p.lfs_status),
            core::WORKED => flag(&|p| p.worked),
            core::ABSENT => flag(&|p| p.absent),
            core::ABSENCE_REASON => text(&|p| p.absence_reason),
            core::ABSENCE_PAID => flag(&|p| p.absence_paid),
            core::ABSENCE_RETURN_3M => flag(&|p| p.absence_return_3m),
            core::SEARCHED => flag(&|p| p.searched),
            core::AVAILABLE => flag(&|p| p.available),
            core::FUTURE_START => flag(&|p| p.future_start),
            core::YEAR_OF_ARRIVAL => int(&|p| p.year_of_arrival),
            core::REASON_FOR_MIGRATION => text(&|p| p.reason_for_migration),
            core::MONTHS_PRESENT_12M => months(&|p| p.months_present_12m),
            core::INTENDED_STAY_MONTHS => months(&|p| p.intended_stay_months),
            core::PRESENT_IN_COUNTRY => flag(&|p| p.present_in_country),
            core::WORKS_FOR_RESIDENT_UNIT => flag(&|p| p.works_for_resident_unit),
            core::SEEKING_WORK_IN_COUNTRY => flag(&|p| p.seeking_work_in_country),
            core::NONRESIDENT_WORKER_TYPE => text(&|p| p.nonresident_worker_type),
            core::YEARS_OF_RESIDENCE => int(&|p| p.years_of_residence),
            core::PREVIOUS_COUNTRY_OF_RESIDENCE => text(&|p| p.previous_country_of_residence),
            core::YEAR_OF_RETURN => int(&|p| p.year_of_return),
            core::LABOUR_STATUS_ABROAD => text(&|p| p.labour_status_abroad),
            core::STRATUM => text(&|p| p.stratum),
            core::PSU => text(&|p| p.psu),
            core::SOURCE_ROW => Arc::new(Int64Array::from_iter_values(
                (0..persons.len() as i64).map(|i| first_row + i),
            )),
            name => match (1..=replicates).find(|k| schema::replicate_column(*k) == name) {
                Some(k) => decimals(persons.iter().map(|p| p.replicates[k - 1])),
                None => new_null_array(field.data_type(), persons.len()),
            },
        })
        .collect();
    RecordBatch::try_new(schema, columns).unwrap()
}

/// Writes `ingest/core.parquet` of `run` from batches of core records (in the schema of
/// the first batch; the core record without replicate weights when there is none).
pub fn write_core(run: &RunDir, batches: &[RecordBatch]) {
    let schema = batches
        .first()
        .map_or_else(schema::core_record, |b| b.schema());
    let mut sink = ParquetSink::create(&run.core_records(), schema).unwrap();
    for b in batches {
        sink.write(b).unwrap();
    }
    sink.finish().unwrap();
}

/// A config for a survey of `ref_area`.
pub fn config(dir: &Path, ref_area: &str) -> Config {
    let text = format!(
        "[survey]\nref_area = \"{ref_area}\"\ntime_period = \"2024-Q2\"\nsource_type = \"lfs\"\n\
         [input]\npath = \"core.csv\"\n"
    );
    Config::parse(&text, &dir.join("config.toml")).unwrap()
}

/// `derive/derived.parquet` of `run`, checked against the derived schema with `replicates`
/// replicate weights, as one batch.
pub fn read_derived_with(run: &RunDir, replicates: usize) -> RecordBatch {
    let expected = schema::with_replicates(schema::derived_record(), replicates);
    let batches = parquet_io::read_all(&run.derived_records(), &expected).unwrap();
    arrow::compute::concat_batches(&expected, &batches).unwrap()
}

/// `derive/derived.parquet` of `run` without replicate weights, as one batch.
pub fn read_derived(run: &RunDir) -> RecordBatch {
    read_derived_with(run, 0)
}

/// Column `name` of a derived batch as text, one entry per row.
pub fn texts(batch: &RecordBatch, name: &str) -> Vec<Option<String>> {
    let a = batch.column_by_name(name).unwrap();
    let a = a.as_any().downcast_ref::<StringArray>().unwrap();
    a.iter().map(|v| v.map(str::to_string)).collect()
}
