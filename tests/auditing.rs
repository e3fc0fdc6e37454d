//! Batch jobs and auditors: the manifest and its schema, byte-identical outputs whatever
//! the thread count, up-to-date reruns, `migstat replay` and `migstat verify` (also on the
//! golden runs of `fixtures/golden/`), the run lock, a run killed with SIGKILL, a cut
//! Parquet input, and the log formats.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::*;
use serde_json::Value;

const PREPARED: &str = "2024-07-15T00:00:00Z";

fn migstat() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_migstat"));
    c.env_remove("SOURCE_DATE_EPOCH");
    c
}

fn run_in(config: &Path, out: &Path, extra: &[&str]) -> Output {
    migstat()
        .arg("run")
        .arg("--config")
        .arg(config)
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// `dir/config.toml` reading `input` (copied into `dir` as `name` when `copy`), with a
/// fixed Prepared time.
fn setup(dir: &Path, input: &Path, name: &str, copy: bool) -> PathBuf {
    fs::create_dir_all(dir).unwrap();
    let path = if copy {
        fs::copy(input, dir.join(name)).unwrap();
        name.to_string()
    } else {
        input.display().to_string()
    };
    let text = fs::read_to_string(repo().join("fixtures/lfs/config.toml"))
        .unwrap()
        .replace("path   = \"core.csv\"", &format!("path   = {path:?}"));
    let config = dir.join(if copy {
        "config.toml".into()
    } else {
        format!("{name}.toml")
    });
    fs::write(
        &config,
        format!("{text}\n[publish]\nprepared = \"{PREPARED}\"\n"),
    )
    .unwrap();
    config
}

fn fixture() -> PathBuf {
    repo().join("fixtures/lfs/core.csv")
}

fn manifest(out: &Path) -> Value {
    serde_json::from_slice(&fs::read(out.join("manifest.json")).unwrap()).unwrap()
}

/// The manifest without its wall times, the only values allowed to differ between runs.
fn without_seconds(mut v: Value) -> Value {
    fn strip(v: &mut Value) {
        match v {
            Value::Object(map) => {
                map.remove("seconds");
                map.values_mut().for_each(strip);
            }
            Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    strip(&mut v);
    v
}

fn schema_validator() -> jsonschema::Validator {
    let schema: Value =
        serde_json::from_slice(&fs::read(repo().join("schemas/manifest.schema.json")).unwrap())
            .unwrap();
    jsonschema::validator_for(&schema).expect("the manifest schema is a valid JSON Schema")
}

fn schema_errors(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn the_manifest_is_valid_against_its_json_schema() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let config = setup(dir.path(), &fixture(), "core.csv", true);
    assert_success(&run_in(&config, &out, &[]));
    let validator = schema_validator();
    let m = manifest(&out);
    assert_eq!(schema_errors(&validator, &m), Vec::<String>::new());
    for case in ["lfs", "census"] {
        let golden = manifest(&repo().join("fixtures/golden").join(case));
        assert_eq!(
            schema_errors(&validator, &golden),
            Vec::<String>::new(),
            "{case}"
        );
    }

    // The schema has teeth: a manifest without its config hash, or with a bad hash, fails.
    let mut broken = m.clone();
    broken["config"].as_object_mut().unwrap().remove("sha256");
    assert!(!validator.is_valid(&broken));
    let mut broken = m.clone();
    broken["stages"][0]["outputs"][0]["sha256"] = "XYZ".into();
    assert!(!validator.is_valid(&broken));

    // What the manifest must say.
    assert_eq!(m["manifest_version"], 2);
    let commit = m["migstat_commit"].as_str().unwrap();
    assert!(
        commit == "unknown"
            || (commit.len() == 40 && commit.bytes().all(|b| b.is_ascii_hexdigit())),
        "{commit}"
    );
    assert_eq!(m["config"]["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(m["config"]["normalised"]["input"]["path"], "core.csv");
    let input = &m["stages"][0]["inputs"][0];
    assert_eq!(
        (&input["path"], &input["base"]),
        (&"core.csv".into(), &"config".into())
    );
    assert_eq!(m["config"]["file"]["path"], "../config.toml");
    assert_eq!(m["stages"][3]["parameters"]["prepared"], PREPARED);
    assert_eq!(m["stages"][1]["counts"]["rows"], 4000);
    assert!(m["stages"][1]["counts"]["in_scope"].as_u64().unwrap() > 0);
}

#[test]
fn one_thread_and_four_threads_give_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let config = setup(dir.path(), &fixture(), "core.csv", true);
    let (one, four) = (dir.path().join("one"), dir.path().join("four"));
    assert_success(&run_in(&config, &one, &["--threads", "1"]));
    assert_success(&run_in(&config, &four, &["--threads", "4"]));
    let files = files_below(&one);
    assert_eq!(files, files_below(&four));
    assert!(files.len() >= 40, "{files:?}");
    for f in files.iter().filter(|f| *f != "manifest.json") {
        assert!(
            fs::read(one.join(f)).unwrap() == fs::read(four.join(f)).unwrap(),
            "{f} differs between 1 and 4 threads"
        );
    }
    assert_eq!(
        without_seconds(manifest(&one)),
        without_seconds(manifest(&four)),
        "manifests differ only in their seconds"
    );
}

fn snapshot(dir: &Path) -> Vec<(String, std::time::SystemTime, u64)> {
    use std::os::unix::fs::MetadataExt;
    files_below(dir)
        .into_iter()
        .map(|f| {
            let meta = fs::metadata(dir.join(&f)).unwrap();
            (f, meta.modified().unwrap(), meta.ino())
        })
        .collect()
}

#[test]
fn a_rerun_with_unchanged_inputs_is_up_to_date_and_rewrites_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let config = setup(dir.path(), &fixture(), "core.csv", true);
    assert_success(&run_in(&config, &out, &[]));
    let before = snapshot(&out);

    let again = run_in(&config, &out, &[]);
    assert_success(&again);
    assert!(stderr(&again).contains("up to date"), "{}", stderr(&again));
    assert!(!stderr(&again).contains("ingest:"), "{}", stderr(&again));
    assert_eq!(snapshot(&out), before, "nothing rewritten");

    // --force redoes it: every file is replaced (new inode), with the same bytes.
    let forced = run_in(&config, &out, &["--force"]);
    assert_success(&forced);
    assert!(stderr(&forced).contains("publish:"), "{}", stderr(&forced));
    let after = snapshot(&out);
    assert_eq!(after.len(), before.len());
    let manifest_inode = |s: &[(String, std::time::SystemTime, u64)]| {
        s.iter().find(|f| f.0 == "manifest.json").unwrap().2
    };
    assert_ne!(manifest_inode(&after), manifest_inode(&before));

    // A missing output, or a changed config, makes the run due again.
    fs::remove_file(out.join("sdmx/DF_MST_TEAP_SEX_AGE_CBR_RT.csv")).unwrap();
    let repaired = run_in(&config, &out, &[]);
    assert_success(&repaired);
    assert!(
        stderr(&repaired).contains("publish:"),
        "{}",
        stderr(&repaired)
    );
    assert!(out.join("sdmx/DF_MST_TEAP_SEX_AGE_CBR_RT.csv").exists());
    let text = fs::read_to_string(&config).unwrap();
    fs::write(
        &config,
        text.replace("unreliable_below_n = 20", "unreliable_below_n = 25"),
    )
    .unwrap();
    let changed = run_in(&config, &out, &[]);
    assert_success(&changed);
    assert!(
        stderr(&changed).contains("tabulate:"),
        "{}",
        stderr(&changed)
    );
    assert_eq!(
        manifest(&out)["config"]["normalised"]["quality"]["unreliable_below_n"],
        25
    );
}

fn verify(dir: &Path) -> Output {
    migstat().arg("verify").arg(dir).output().unwrap()
}

fn replay(manifest: &Path, extra: &[&str]) -> Output {
    migstat()
        .arg("replay")
        .arg(manifest)
        .args(extra)
        .output()
        .unwrap()
}

/// The golden runs replay identically and verify. `MIGSTAT_BLESS=1` regenerates them
/// first (after a deliberate change of the outputs).
#[test]
fn golden_runs_replay_identically_and_verify() {
    for case in ["lfs", "census"] {
        let dir = repo().join("fixtures/golden").join(case);
        if std::env::var_os("MIGSTAT_BLESS").is_some() {
            assert_success(&run_in(&dir.join("config.toml"), &dir, &["--force"]));
        }
        let v = verify(&dir);
        assert_eq!(
            v.status.code(),
            Some(0),
            "{case}: {}{}",
            stdout(&v),
            stderr(&v)
        );

        let r = replay(&dir.join("manifest.json"), &[]);
        let out = stdout(&r);
        assert_eq!(r.status.code(), Some(0), "{case}:\n{out}{}", stderr(&r));
        let outputs: usize = manifest(&dir)["stages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["outputs"].as_array().unwrap().len())
            .sum();
        assert_eq!(
            out.lines().filter(|l| l.starts_with("identical")).count(),
            outputs,
            "{out}"
        );
        assert!(!out.contains("differs"), "{out}");
        assert!(stderr(&r).contains(&format!("all {outputs} artefact(s) identical")));

        // One stage alone, from its recorded input artefact in the golden folder.
        let r = replay(&dir.join("manifest.json"), &["--stage", "tabulate"]);
        assert_eq!(
            r.status.code(),
            Some(0),
            "{case}: {}{}",
            stdout(&r),
            stderr(&r)
        );
        let verdicts: Vec<String> = stdout(&r)
            .lines()
            .filter(|l| !l.starts_with("note"))
            .map(String::from)
            .collect();
        assert_eq!(verdicts, ["identical tabulate/estimates.parquet"]);
    }
    let census = manifest(&repo().join("fixtures/golden/census"));
    assert_eq!(
        census["config"]["normalised"]["survey"]["source_type"],
        "census"
    );
    assert_eq!(census["stages"][0]["inputs"][0]["path"], "core.csv");
}

#[test]
fn verify_names_every_changed_missing_or_extra_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let config = setup(dir.path(), &fixture(), "core.csv", true);
    assert_success(&run_in(&config, &out, &[]));
    assert_eq!(verify(&out).status.code(), Some(0));

    let csv = out.join("sdmx/DF_MST_TUNE_SEX_AGE_CCT_NB.csv");
    let mut bytes = fs::read(&csv).unwrap();
    let last = bytes.len() - 2;
    bytes[last] ^= 1;
    fs::write(&csv, bytes).unwrap();
    fs::remove_file(out.join("derive/derived.parquet")).unwrap();
    fs::write(out.join("sdmx/extra.csv"), "x").unwrap();
    let v = verify(&out);
    assert_eq!(v.status.code(), Some(5), "{}", stderr(&v));
    let err = stderr(&v);
    assert!(err.contains("3 file(s) do not match"), "{err}");
    assert!(
        err.contains("DF_MST_TUNE_SEX_AGE_CCT_NB.csv: sha256"),
        "{err}"
    );
    assert!(err.contains("derived.parquet: missing"), "{err}");
    assert!(err.contains("sdmx/extra.csv"), "{err}");
    // The input is checked too.
    fs::write(dir.path().join("core.csv"), "changed").unwrap();
    assert!(stderr(&verify(&out)).contains("core.csv: sha256"));
}

#[test]
fn replay_reports_the_first_differing_byte_and_exits_4() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let config = setup(dir.path(), &fixture(), "core.csv", true);
    assert_success(&run_in(&config, &out, &[]));
    let r = replay(&out.join("manifest.json"), &["--stage", "publish"]);
    assert_eq!(r.status.code(), Some(0), "{}{}", stdout(&r), stderr(&r));

    // Record another Prepared time: the replay writes it into every SDMX-ML header.
    let other = "2024-07-16T00:00:00Z";
    let text = fs::read_to_string(out.join("manifest.json"))
        .unwrap()
        .replace(
            &format!("\"prepared\": \"{PREPARED}\""),
            &format!("\"prepared\": \"{other}\""),
        );
    fs::write(out.join("manifest.json"), text).unwrap();
    let r = replay(&out.join("manifest.json"), &["--stage", "publish"]);
    assert_eq!(r.status.code(), Some(4), "{}{}", stdout(&r), stderr(&r));
    let report = stdout(&r);
    let xml = "sdmx/DF_MST_XWAP_SEX_AGE_CBR_NB.xml";
    let offset = fs::read_to_string(out.join(xml))
        .unwrap()
        .find(PREPARED)
        .unwrap()
        + 9;
    assert!(
        report.contains(&format!(
            "differs   {xml}: first difference at byte {offset} ("
        )),
        "{report}"
    );
    // SDMX-CSV has no header: those files are identical.
    assert!(
        report.contains("identical sdmx/DF_MST_XWAP_SEX_AGE_CBR_NB.csv"),
        "{report}"
    );
    // Exactly the SDMX-ML files differ: one per published dataflow.
    let xml_files = fs::read_dir(out.join("sdmx"))
        .unwrap()
        .filter(|e| {
            let name = e.as_ref().unwrap().file_name();
            name.to_string_lossy().ends_with(".xml")
        })
        .count();
    assert!(
        stderr(&r).contains(&format!("{xml_files} of ")),
        "{xml_files} SDMX-ML files: {}",
        stderr(&r)
    );
}

fn generate_big_input(path: &Path, persons: u32) {
    let status = Command::new("python3")
        .arg(repo().join("fixtures/lfs/generate_lfs.py"))
        .args(["--persons", &persons.to_string(), "--out"])
        .arg(path)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("python3 runs the generator");
    assert!(status.success());
}

fn wait_for(path: &Path, limit: Duration) {
    let started = Instant::now();
    while !path.exists() {
        assert!(
            started.elapsed() < limit,
            "{} never appeared",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn spawn_run(config: &Path, out: &Path) -> std::process::Child {
    migstat()
        .arg("run")
        .arg("--config")
        .arg(config)
        .arg("--out")
        .arg(out)
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// No artefact under its final name is half-written: the folder holds what the manifest
/// says (or nothing at all), only a staging folder and the stale lock besides.
fn assert_no_half_written_files(out: &Path) {
    for f in files_below(out) {
        let top = f.split('/').next().unwrap();
        assert!(
            top.starts_with(".staging-") || top == ".migstat.lock" || !f.contains(".tmp-"),
            "temporary file under a final folder: {f}"
        );
    }
}

#[test]
fn a_run_killed_mid_stage_leaves_the_previous_outputs_and_the_next_run_succeeds() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.csv");
    generate_big_input(&big, 300_000);
    let small_config = setup(dir.path(), &fixture(), "small", false);
    let big_config = setup(dir.path(), &big, "big", false);
    let out = dir.path().join("out");
    assert_success(&run_in(&small_config, &out, &[]));
    let previous = snapshot(&out);

    // A second run while one is working is refused, naming the holder.
    let mut child = spawn_run(&big_config, &out);
    let lock = out.join(".migstat.lock");
    wait_for(&lock, Duration::from_secs(20));
    let refused = run_in(&small_config, &out, &["--force"]);
    assert_eq!(refused.status.code(), Some(75), "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains(&format!("PID {}", child.id())),
        "{}",
        stderr(&refused)
    );
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        child.try_wait().unwrap().is_none(),
        "the big run is still working"
    );
    assert!(
        out.join(format!(".staging-{}", child.id())).exists(),
        "killed while building its artefacts"
    );
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();

    // The previous complete outputs are intact, and still verify.
    assert_no_half_written_files(&out);
    let now: Vec<_> = snapshot(&out)
        .into_iter()
        .filter(|(f, ..)| !f.starts_with(".staging-") && f != ".migstat.lock")
        .collect();
    assert_eq!(now, previous);
    let v = verify(&out);
    assert_eq!(v.status.code(), Some(0), "{}{}", stdout(&v), stderr(&v));

    // The next run takes over the dead run's lock, cleans up and succeeds.
    let next = run_in(&big_config, &out, &[]);
    assert_success(&next);
    assert!(
        stderr(&next).contains(&format!("left by migstat PID {}", child.id())),
        "{}",
        stderr(&next)
    );
    assert_eq!(manifest(&out)["stages"][0]["counts"]["rows_read"], 300_000);
    assert!(files_below(&out)
        .iter()
        .all(|f| !f.starts_with(".staging-") && !f.contains(".tmp-") && f != ".migstat.lock"));
    assert_eq!(verify(&out).status.code(), Some(0));

    // Killed in a first run: no final artefact at all.
    let fresh = dir.path().join("fresh");
    let mut child = spawn_run(&big_config, &fresh);
    wait_for(&fresh.join(".migstat.lock"), Duration::from_secs(20));
    std::thread::sleep(Duration::from_millis(500));
    child.kill().unwrap();
    child.wait().unwrap();
    assert_no_half_written_files(&fresh);
    for name in [
        "manifest.json",
        "ingest",
        "derive",
        "tabulate",
        "sdmx",
        "structures",
    ] {
        assert!(
            !fresh.join(name).exists(),
            "{name} after a killed first run"
        );
    }
}

#[test]
fn a_cut_parquet_input_is_a_clear_input_error() {
    let dir = tempfile::tempdir().unwrap();
    let config = setup(dir.path(), &fixture(), "core.csv", true);
    let first = dir.path().join("first");
    assert_success(&run_in(&config, &first, &[]));
    let whole = fs::read(first.join("ingest/core.parquet")).unwrap();
    let cut = dir.path().join("cut.parquet");
    fs::write(&cut, &whole[..whole.len() / 2]).unwrap();
    let cut_config = setup(dir.path(), &cut, "cut", false);
    let out = dir.path().join("out");
    let run = run_in(&cut_config, &out, &[]);
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(3), "{err}");
    assert!(
        err.contains("parquet.unreadable") && err.contains("cut.parquet"),
        "{err}"
    );
    assert!(err.contains("nothing was published"), "{err}");
    assert!(!out.join("sdmx").exists() && !out.join("ingest").exists());
    assert_eq!(manifest(&out)["status"], "failed");
    assert!(out.join("rejects.csv").exists(), "the rejects list is kept");
    assert!(
        err.contains(&out.join("rejects.csv").display().to_string()),
        "{err}"
    );
}

#[test]
fn json_logs_are_one_object_per_line_and_quiet_prints_only_errors() {
    let dir = tempfile::tempdir().unwrap();
    let config = setup(dir.path(), &fixture(), "core.csv", true);
    let run = run_in(&config, &dir.path().join("json"), &["--log-format", "json"]);
    assert_success(&run);
    let events: Vec<Value> = stderr(&run)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect();
    let done: Vec<&Value> = events
        .iter()
        .filter(|e| e["event"] == "done" && e.get("stage").is_some())
        .collect();
    let stages: Vec<&str> = done.iter().map(|e| e["stage"].as_str().unwrap()).collect();
    assert_eq!(stages, ["ingest", "derive", "tabulate", "publish"]);
    for e in &done {
        assert!(e["counts"].is_object() && e["seconds"].is_f64(), "{e}");
    }
    assert_eq!(done[0]["counts"]["rows_read"], 4000);
    assert_eq!(events.iter().filter(|e| e["event"] == "start").count(), 4);

    let quiet = run_in(&config, &dir.path().join("quiet"), &["--quiet"]);
    assert_success(&quiet);
    assert_eq!(stderr(&quiet), "");
    let missing = dir.path().join("missing.toml");
    let failed = run_in(&missing, &dir.path().join("quiet"), &["--quiet"]);
    assert_eq!(failed.status.code(), Some(2));
    assert!(
        stderr(&failed).contains("missing.toml"),
        "{}",
        stderr(&failed)
    );
    let failed = run_in(
        &missing,
        &dir.path().join("quiet"),
        &["--log-format", "json"],
    );
    let last: Value = serde_json::from_str(stderr(&failed).lines().last().unwrap()).unwrap();
    assert_eq!(
        (&last["event"], &last["exit_code"]),
        (&"error".into(), &2.into())
    );
}
