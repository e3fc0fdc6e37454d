//! Helpers shared by the end-to-end tests: run the real binary, read its artefacts.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use arrow::array::{Array, AsArray, RecordBatch};
use arrow::datatypes::{Float64Type, Int64Type};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// `migstat run --config CONFIG --out OUT`.
pub fn migstat_run(config: &Path, out: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_migstat"))
        .args(["run", "--config"])
        .arg(config)
        .arg("--out")
        .arg(out)
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("migstat runs")
}

/// Asserts the run succeeded, printing its standard error otherwise.
pub fn assert_success(output: &Output) {
    assert!(
        output.status.success(),
        "migstat failed with {:?}:\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// One row of `tabulate/estimates.parquet`.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    pub dataflow: String,
    pub sex: String,
    /// The AGE code, then the codes of the dataflow's other classifications besides SEX
    /// and the migrant axis (EDU, ECO, ...), joined by `|`: `AGE_YTHADULT_YGE15`,
    /// `EDU_AGGREGATE_BAS`; empty for the country-detail dataflows.
    pub age: String,
    pub migrant: String,
    pub time_period: String,
    pub estimate: f64,
    pub status: Option<String>,
    pub n: i64,
}

/// (dataflow, sex, age, CBR-or-CCT code)
pub type CellKey = (String, String, String, String);

/// The estimates of a run by cell.
pub type Estimates = BTreeMap<CellKey, Estimate>;

/// Reads the estimates of a run.
pub fn estimates(out: &Path) -> Estimates {
    let file = fs::File::open(out.join("tabulate/estimates.parquet")).unwrap();
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap()
        .build()
        .unwrap();
    let mut map = BTreeMap::new();
    for batch in reader {
        let batch: RecordBatch = batch.unwrap();
        let text = |name: &str| {
            batch
                .column_by_name(name)
                .unwrap()
                .as_string::<i32>()
                .clone()
        };
        // The classifications besides SEX and the migrant axis: every other SDMX dimension
        // column (upper-case names) after AGE, in schema order.
        let schema = batch.schema();
        let others: Vec<_> = schema
            .fields()
            .iter()
            .map(|f| f.name().as_str())
            .skip_while(|name| *name != "AGE")
            .skip(1)
            .take_while(|name| *name != "TIME_PERIOD")
            .filter(|name| !["CBR", "CCT"].contains(name))
            .map(text)
            .collect();
        let (df, sex, age, cbr, cct, tp, st) = (
            text("DATAFLOW"),
            text("SEX"),
            text("AGE"),
            text("CBR"),
            text("CCT"),
            text("TIME_PERIOD"),
            text("OBS_STATUS"),
        );
        let est = batch
            .column_by_name("estimate")
            .unwrap()
            .as_primitive::<Float64Type>()
            .clone();
        let n = batch
            .column_by_name("n_unweighted")
            .unwrap()
            .as_primitive::<Int64Type>()
            .clone();
        for i in 0..batch.num_rows() {
            let migrant = if cbr.is_valid(i) {
                cbr.value(i)
            } else {
                cct.value(i)
            };
            let classification = std::iter::once(&age)
                .chain(&others)
                .filter(|a| a.is_valid(i))
                .map(|a| a.value(i))
                .collect::<Vec<_>>()
                .join("|");
            let e = Estimate {
                dataflow: df.value(i).into(),
                sex: sex.value(i).into(),
                age: classification,
                migrant: migrant.into(),
                time_period: tp.value(i).into(),
                estimate: est.value(i),
                status: st.is_valid(i).then(|| st.value(i).to_string()),
                n: n.value(i),
            };
            let key = (
                e.dataflow.clone(),
                e.sex.clone(),
                e.age.clone(),
                e.migrant.clone(),
            );
            assert!(map.insert(key, e).is_none(), "duplicate cell in estimates");
        }
    }
    map
}

/// Every file below `dir`, relative, sorted.
pub fn files_below(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p.strip_prefix(dir).unwrap().display().to_string());
            }
        }
    }
    out.sort();
    out
}
