//! `migstat run` on the bundled LFS fixture, as a statistics office runs it: every
//! contract output present, complete, recorded in the manifest, identical from CSV and
//! from Parquet, and byte-identical on a rerun.

mod common;

use std::fs;
use std::path::Path;
use std::sync::Arc;

use arrow::array::{ArrayRef, RecordBatch};
use arrow::datatypes::{DataType, Field, Schema};
use common::*;
use sha2::{Digest, Sha256};

const SEX: [&str; 4] = ["SEX_T", "SEX_M", "SEX_F", "SEX_O"];
const AGES: usize = 16;

/// A copy of the LFS fixture config in `dir`, reading `input`, with a fixed Prepared time.
fn lfs_config(dir: &Path, input: &Path) -> std::path::PathBuf {
    let text = fs::read_to_string(repo().join("fixtures/lfs/config.toml"))
        .unwrap()
        .replace(
            "path   = \"core.csv\"",
            &format!("path   = {:?}", input.display().to_string()),
        );
    let text = format!("{text}\n[publish]\nprepared = \"2024-07-15T00:00:00Z\"\n");
    let path = dir.join("config.toml");
    fs::write(&path, text).unwrap();
    path
}

fn dataflows() -> Vec<String> {
    let mut out = Vec::new();
    for axis in ["CBR", "CCT"] {
        for m in ["XWAP", "TEAP", "TEMP", "TUNE", "TEIP"] {
            out.push(format!("DF_MST_{m}_SEX_AGE_{axis}_NB"));
        }
        for m in ["TEAP", "TEMP", "TUNE", "TEIP"] {
            out.push(format!("DF_MST_{m}_SEX_AGE_{axis}_RT"));
        }
    }
    out
}

#[test]
fn the_lfs_fixture_publishes_every_contract_dataflow_as_xml_and_csv() {
    let out = tempfile::tempdir().unwrap();
    let config = repo().join("fixtures/lfs/config.toml");
    assert_success(&migstat_run(&config, out.path()));

    let mut expected: Vec<String> = dataflows()
        .iter()
        .flat_map(|d| [format!("{d}.csv"), format!("{d}.xml")])
        .collect();
    expected.sort();
    assert_eq!(files_below(&out.path().join("sdmx")), expected);
    assert!(
        files_below(out.path())
            .iter()
            .all(|f| !f.contains(".tmp-") && !f.contains("staging")),
        "no temporary file is left behind: {:?}",
        files_below(out.path())
    );
    assert!(!out.path().join("rejects.csv").exists());

    // Every combination of the contract's codes, in every count dataflow (the fixture has
    // in-scope persons of sex O, so SEX_O is published).
    let est = estimates(out.path());
    for flow in dataflows().iter().filter(|d| d.ends_with("_NB")) {
        let cells = est.keys().filter(|k| &k.0 == flow).count();
        assert_eq!(cells, SEX.len() * AGES * 4, "{flow}");
    }
    // Confidential cells carry no value in the XML; unreliable ones are flagged.
    assert!(est.values().any(|e| e.status.as_deref() == Some("C")));
    assert!(est.values().any(|e| e.status.as_deref() == Some("U")));
    let xml = fs::read_to_string(out.path().join("sdmx/DF_MST_TUNE_SEX_AGE_CBR_NB.xml")).unwrap();
    for obs in xml.lines().filter(|l| l.contains("OBS_STATUS=\"C\"")) {
        assert!(
            !obs.contains("OBS_VALUE"),
            "confidential cell published with a value: {obs}"
        );
    }
}

#[test]
fn the_manifest_lists_every_input_and_output_with_its_sha256() {
    let out = tempfile::tempdir().unwrap();
    let config = repo().join("fixtures/lfs/config.toml");
    assert_success(&migstat_run(&config, out.path()));
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(out.path().join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["status"], "ok");
    let stages: Vec<&str> = manifest["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["stage"].as_str().unwrap())
        .collect();
    assert_eq!(stages, ["ingest", "derive", "tabulate", "publish"]);
    let mut outputs = 0;
    for stage in manifest["stages"].as_array().unwrap() {
        for (kind, files) in [("inputs", &stage["inputs"]), ("outputs", &stage["outputs"])] {
            for f in files.as_array().unwrap() {
                let path = Path::new(f["path"].as_str().unwrap());
                // Relative to the run folder (`base: run`) or the config's (`base: config`).
                let path = match f["base"].as_str() {
                    Some("config") => config.parent().unwrap().join(path),
                    Some(_) => out.path().join(path),
                    None => path.to_path_buf(),
                };
                let bytes = fs::read(&path).unwrap();
                let sha: String = Sha256::digest(&bytes)
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect();
                assert_eq!(f["sha256"], sha.as_str(), "{kind} {}", path.display());
                outputs += usize::from(kind == "outputs");
            }
        }
    }
    assert!(
        outputs >= 3 + 36,
        "every artefact and SDMX file is an output"
    );
    assert_eq!(manifest["stages"][0]["counts"]["rows_read"], 4000);
}

#[test]
fn a_rerun_gives_byte_identical_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let config = lfs_config(dir.path(), &repo().join("fixtures/lfs/core.csv"));
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    assert_success(&migstat_run(&config, &a));
    assert_success(&migstat_run(&config, &b));
    for f in files_below(&a.join("sdmx")) {
        assert_eq!(
            fs::read(a.join("sdmx").join(&f)).unwrap(),
            fs::read(b.join("sdmx").join(&f)).unwrap(),
            "{f}"
        );
    }
    for f in [
        "ingest/core.parquet",
        "derive/derived.parquet",
        "tabulate/estimates.parquet",
    ] {
        assert_eq!(
            fs::read(a.join(f)).unwrap(),
            fs::read(b.join(f)).unwrap(),
            "{f}"
        );
    }
}

/// The fixture's CSV read by arrow-csv with typed columns (Float64 weights, Int64 ages,
/// text elsewhere) and written as Parquet: a file migstat did not write itself.
fn csv_to_typed_parquet(csv: &Path, parquet: &Path) {
    let file = fs::File::open(csv).unwrap();
    let header = fs::read_to_string(csv)
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_string();
    let fields: Vec<Field> = header
        .split(',')
        .map(|name| match name {
            "weight" => Field::new(name, DataType::Float64, true),
            "age" | "year_of_arrival" => Field::new(name, DataType::Int64, true),
            _ => Field::new(name, DataType::Utf8, true),
        })
        .collect();
    let schema = Arc::new(Schema::new(fields));
    let reader = arrow::csv::ReaderBuilder::new(schema.clone())
        .with_header(true)
        .build(file)
        .unwrap();
    let out = fs::File::create(parquet).unwrap();
    let mut writer = parquet::arrow::ArrowWriter::try_new(out, schema, None).unwrap();
    for batch in reader {
        let batch: RecordBatch = batch.unwrap();
        let _: &[ArrayRef] = batch.columns();
        writer.write(&batch).unwrap();
    }
    writer.close().unwrap();
}

#[test]
fn parquet_input_publishes_the_same_sdmx_as_csv_input() {
    let dir = tempfile::tempdir().unwrap();
    let csv = repo().join("fixtures/lfs/core.csv");
    let parquet = dir.path().join("core.parquet");
    csv_to_typed_parquet(&csv, &parquet);
    let (from_csv, from_parquet) = (dir.path().join("csv"), dir.path().join("parquet"));
    let csv_dir = dir.path().join("c");
    let pq_dir = dir.path().join("p");
    fs::create_dir_all(&csv_dir).unwrap();
    fs::create_dir_all(&pq_dir).unwrap();
    assert_success(&migstat_run(&lfs_config(&csv_dir, &csv), &from_csv));
    assert_success(&migstat_run(&lfs_config(&pq_dir, &parquet), &from_parquet));
    let files = files_below(&from_csv.join("sdmx"));
    assert_eq!(files.len(), 36);
    for f in files {
        assert_eq!(
            fs::read(from_csv.join("sdmx").join(&f)).unwrap(),
            fs::read(from_parquet.join("sdmx").join(&f)).unwrap(),
            "{f}"
        );
    }
}

fn migstat_stage(stage: &str, config: &Path, out: &Path) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_migstat"))
        .args(["stage", stage, "--config"])
        .arg(config)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

#[test]
fn each_stage_runs_alone_from_the_artefact_before_it() {
    let dir = tempfile::tempdir().unwrap();
    let config = lfs_config(dir.path(), &repo().join("fixtures/lfs/core.csv"));
    let (all, staged) = (dir.path().join("all"), dir.path().join("staged"));
    assert_success(&migstat_run(&config, &all));
    for stage in ["ingest", "derive", "tabulate", "publish"] {
        assert_success(&migstat_stage(stage, &config, &staged));
    }
    for f in files_below(&all.join("sdmx")) {
        assert_eq!(
            fs::read(all.join("sdmx").join(&f)).unwrap(),
            fs::read(staged.join("sdmx").join(&f)).unwrap(),
            "{f}"
        );
    }
}

#[test]
fn publish_refuses_estimates_that_break_the_dsd_and_writes_no_sdmx() {
    let dir = tempfile::tempdir().unwrap();
    let config = lfs_config(dir.path(), &repo().join("fixtures/lfs/core.csv"));
    let out = dir.path().join("out");
    for stage in ["ingest", "derive", "tabulate"] {
        assert_success(&migstat_stage(stage, &config, &out));
    }
    // Corrupt one code in the estimates, as a bug in tabulate would.
    let path = out.join("tabulate/estimates.parquet");
    let file = fs::File::open(&path).unwrap();
    let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap()
        .build()
        .unwrap();
    let batches: Vec<RecordBatch> = reader.map(|b| b.unwrap()).collect();
    let schema = batches[0].schema();
    let sex = schema.index_of("SEX").unwrap();
    let mut writer = parquet::arrow::ArrowWriter::try_new(
        fs::File::create(&path).unwrap(),
        schema.clone(),
        None,
    )
    .unwrap();
    for batch in &batches {
        let mut columns: Vec<ArrayRef> = batch.columns().to_vec();
        let old = arrow::array::AsArray::as_string::<i32>(&columns[sex]).clone();
        let new: arrow::array::StringArray = old
            .iter()
            .map(|v| v.map(|s| s.replace("SEX_M", "SEX_X")))
            .collect();
        columns[sex] = Arc::new(new);
        writer
            .write(&RecordBatch::try_new(schema.clone(), columns).unwrap())
            .unwrap();
    }
    writer.close().unwrap();

    let run = migstat_stage("publish", &config, &out);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(4), "{stderr}");
    assert!(
        stderr.contains("SEX_X") && stderr.contains("CL_SEX"),
        "{stderr}"
    );
    assert!(!out.join("sdmx").exists(), "nothing published");
}

fn migstat(args: &[&std::ffi::OsStr]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_migstat"))
        .args(args)
        .output()
        .unwrap()
}

/// `migstat synth` writes core records that `migstat run` accepts whole, as CSV and as
/// Parquet, with and without a sample design (then with Taylor and bootstrap variance).
#[test]
fn synthetic_microdata_run_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    for (file, design) in [
        ("plain.csv", ""),
        ("plain.parquet", ""),
        (
            "design.csv",
            "[design]\nmethod = \"taylor\"\nlonely_psu = \"adjust\"\n",
        ),
        ("design.parquet", "[design]\nmethod = \"bootstrap\"\n"),
    ] {
        let input = dir.path().join(file);
        let mut args: Vec<&std::ffi::OsStr> =
            ["synth", "--persons", "20000", "--seed", "5", "--out"]
                .iter()
                .map(std::ffi::OsStr::new)
                .collect();
        args.push(input.as_os_str());
        if file.starts_with("design") {
            args.push(std::ffi::OsStr::new("--design"));
        }
        assert_success(&migstat(&args));
        let config = dir.path().join(format!("{file}.toml"));
        fs::write(
            &config,
            format!(
                "[survey]\nref_area = \"PHL\"\ntime_period = \"2024-Q2\"\nsource_type = \"lfs\"\n\
                 [input]\npath = {:?}\n{design}",
                input.display().to_string()
            ),
        )
        .unwrap();
        let out = dir.path().join(format!("out_{file}"));
        assert_success(&migstat_run(&config, &out));
        let manifest: serde_json::Value =
            serde_json::from_slice(&fs::read(out.join("manifest.json")).unwrap()).unwrap();
        assert_eq!(
            manifest["stages"][0]["counts"]["rows_read"], 20000,
            "{file}"
        );
        if !design.is_empty() {
            let est = estimates(&out);
            assert!(
                est.values().all(|e| e.n == 0 || e.estimate.is_finite()),
                "{file}"
            );
        }
    }
}
