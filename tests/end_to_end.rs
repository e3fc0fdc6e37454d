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

/// The dataflows of the breakdowns beyond the contract (README: education, economic
/// activity, occupation, status in employment, country detail).
fn breakdown_dataflows() -> Vec<String> {
    let mut out = Vec::new();
    for axis in ["CBR", "CCT"] {
        for m in ["XWAP", "TEAP", "TEMP", "TUNE", "TEIP"] {
            out.push(format!("DF_MST_{m}_SEX_EDU_{axis}_NB"));
        }
        for m in ["TEAP", "TEMP", "TUNE", "TEIP"] {
            out.push(format!("DF_MST_{m}_SEX_EDU_{axis}_RT"));
        }
        for b in ["ECO", "OCU", "STE"] {
            out.push(format!("DF_MST_TEMP_SEX_{b}_{axis}_NB"));
        }
    }
    for d in [
        "FORP_SEX_CBR",
        "FORE_SEX_CBR",
        "NCTP_SEX_CCT",
        "NCTE_SEX_CCT",
    ] {
        out.push(format!("DF_MST_{d}_NB"));
    }
    out
}

/// The dataflow ids of schemas/dataflows.toml (its `id = "DF_..."` lines).
fn registry_dataflows() -> Vec<String> {
    fs::read_to_string(repo().join("schemas/dataflows.toml"))
        .unwrap()
        .lines()
        .filter_map(|l| l.strip_prefix("id = \""))
        .filter_map(|l| l.strip_suffix('"'))
        .filter(|id| id.starts_with("DF_"))
        .map(String::from)
        .collect()
}

#[test]
fn the_lfs_fixture_publishes_every_contract_dataflow_as_xml_and_csv() {
    let out = tempfile::tempdir().unwrap();
    let config = repo().join("fixtures/lfs/config.toml");
    assert_success(&migstat_run(&config, out.path()));

    let published = files_below(&out.path().join("sdmx"));
    for d in dataflows().iter().chain(&breakdown_dataflows()) {
        for f in [format!("{d}.csv"), format!("{d}.xml")] {
            assert!(published.contains(&f), "{f} is published");
        }
    }
    // Nothing but registry dataflows, each as XML and CSV.
    let registry = registry_dataflows();
    assert_eq!(breakdown_dataflows().len(), 28);
    for f in &published {
        let (flow, ext) = f.rsplit_once('.').unwrap();
        assert!(
            registry.iter().any(|d| d == flow) && ["csv", "xml"].contains(&ext),
            "{f}"
        );
    }
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
    assert!(files.len() >= 2 * (18 + 28), "{}", files.len());
    assert_eq!(files, files_below(&from_parquet.join("sdmx")));
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

/// The golden census (every weight 1, `lfs_status` given) run as is and with
/// `labour_status_basis = "main_activity"`, into `dir/current` and `dir/main`.
fn census_runs(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let golden = repo().join("fixtures/golden/census");
    let text = fs::read_to_string(golden.join("config.toml"))
        .unwrap()
        .replace(
            "path   = \"core.csv\"",
            &format!(
                "path   = {:?}",
                golden.join("core.csv").display().to_string()
            ),
        );
    let main = text.replace(
        "source_type = \"census\"",
        "source_type = \"census\"\nlabour_status_basis = \"main_activity\"",
    );
    assert_ne!(text, main);
    let mut outs = Vec::new();
    for (name, config) in [("current", text), ("main", main)] {
        let path = dir.join(format!("{name}.toml"));
        fs::write(&path, config).unwrap();
        let out = dir.join(name);
        assert_success(&migstat_run(&path, &out));
        outs.push(out);
    }
    (outs.remove(0), outs.remove(0))
}

/// A census whose labour force status comes from a single main-activity question
/// (icls-concepts.md §2.4) publishes the same numbers, as a census (`SOURCE` "PC -
/// Population Census"), and every observation of a measure that depends on the status
/// carries the registry's NOTE_INDICATOR; the working-age and foreign-born / non-citizen
/// population do not, and their files are byte for byte those of the ordinary run.
#[test]
fn a_main_activity_census_notes_every_labour_status_observation_and_nothing_else() {
    const NOTE: &str = "NOTE_INDICATOR=\"MIGSTAT:LFS_BASIS_MAIN_ACTIVITY\"";
    let dir = tempfile::tempdir().unwrap();
    let (current, main) = census_runs(dir.path());
    let files = files_below(&current.join("sdmx"));
    assert_eq!(files, files_below(&main.join("sdmx")));
    let (mut noted, mut plain) = (0, 0);
    for f in files.iter().filter(|f| f.ends_with(".xml")) {
        let contract_or_breakdown = dataflows()
            .iter()
            .chain(&breakdown_dataflows())
            .any(|d| f == &format!("{d}.xml"));
        if !contract_or_breakdown {
            continue; // the migration-concept dataflows have notes of their own
        }
        let before = fs::read_to_string(current.join("sdmx").join(f)).unwrap();
        let after = fs::read_to_string(main.join("sdmx").join(f)).unwrap();
        let observations = after.matches("<Obs ").count();
        assert!(observations > 0, "{f}");
        assert_eq!(
            after.matches("SOURCE=\"PC - Population Census\"").count(),
            observations,
            "{f}"
        );
        assert!(!before.contains("NOTE_INDICATOR"), "{f}");
        // Everyone of working age, whatever their status: no note.
        let population = ["_XWAP_", "_FORP_", "_NCTP_"].iter().any(|m| f.contains(m));
        if population {
            assert_eq!(before, after, "{f}");
            plain += 1;
        } else {
            assert_eq!(after.matches(NOTE).count(), observations, "{f}");
            // The note is all that changed: the values and other attributes are the same.
            assert_eq!(after.replace(&format!(" {NOTE}"), ""), before, "{f}");
            noted += 1;
        }
    }
    // Plain: XWAP by age and by education (both axes), FORP, NCTP; noted: the 46 others.
    assert_eq!((noted, plain), (40, 6));
    // SDMX-CSV: the NOTE_INDICATOR column filled on the same observations.
    let csv = fs::read_to_string(main.join("sdmx/DF_MST_TUNE_SEX_EDU_CCT_RT.csv")).unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let at = header.iter().position(|c| *c == "NOTE_INDICATOR").unwrap();
    for line in lines {
        assert_eq!(
            line.split(',').nth(at),
            Some("MIGSTAT:LFS_BASIS_MAIN_ACTIVITY"),
            "{line}"
        );
    }
}

/// The census's main-activity basis needs the `lfs_status` column: without it, nothing is
/// published and rejects.csv names the rule.
#[test]
fn a_main_activity_census_without_lfs_status_is_an_input_error() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("census.csv");
    fs::write(
        &input,
        "person_id,weight,sex,age,country_of_birth,citizenship,worked,absent,searched,available\n\
         P1,1,M,40,PHL,PHL,Y,,,\nP2,1,F,35,IDN,IDN,N,N,Y,Y\n",
    )
    .unwrap();
    let config = dir.path().join("census.toml");
    fs::write(
        &config,
        format!(
            "[survey]\nref_area = \"PHL\"\ntime_period = \"2024\"\nsource_type = \"census\"\n\
             labour_status_basis = \"main_activity\"\n[input]\npath = {:?}\n",
            input.display().to_string()
        ),
    )
    .unwrap();
    let out = dir.path().join("out");
    let run = migstat_run(&config, &out);
    assert_eq!(
        run.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let rejects = fs::read_to_string(out.join("rejects.csv")).unwrap();
    assert!(rejects.contains("column.main_activity_status"), "{rejects}");
    assert!(!out.join("sdmx").exists());
}
