//! The report of tiny run folders written directly with the artefact schemas.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use arrow::array::{
    ArrayRef, BooleanArray, Decimal128Array, Float64Array, Int32Array, Int64Array, RecordBatch,
    StringArray, UInt8Array,
};
use migstat_artefacts::config::Config;
use migstat_artefacts::layout::RunDir;
use migstat_artefacts::manifest::{FileRecord, Manifest, StageRecord};
use migstat_artefacts::parquet_io::ParquetSink;
use migstat_artefacts::schema;
use migstat_report::{render_report, write_report, write_report_for_dir, ReportOptions};

const CONFIG: &str = r#"
[survey]
ref_area    = "PHL"
time_period = "2024-Q2"
source_type = "lfs"

[input]
path   = "core.csv"
layout = "core"

[quality]
suppress_below_n   = 3
unreliable_below_n = 20
"#;

fn config(dir: &Path) -> Config {
    Config::parse(CONFIG, &dir.join("config.toml")).unwrap()
}

fn weights(values: &[i128]) -> ArrayRef {
    Arc::new(
        Decimal128Array::from(values.iter().map(|w| w * 1_000_000_000).collect::<Vec<_>>())
            .with_precision_and_scale(38, 9)
            .unwrap(),
    )
}

fn strings(values: &[&str]) -> ArrayRef {
    Arc::new(StringArray::from(values.to_vec()))
}

fn opt_strings(values: &[Option<&str>]) -> ArrayRef {
    Arc::new(StringArray::from(values.to_vec()))
}

/// One derived person: (weight, sex, age, scope, cbr, cct).
type Person = (
    i128,
    &'static str,
    Option<i32>,
    &'static str,
    &'static str,
    &'static str,
);

const PEOPLE: &[Person] = &[
    (
        100,
        "SEX_M",
        Some(30),
        "IN_SCOPE",
        "CBR_BIR_NATIVE",
        "CCT_CIT_CITIZEN",
    ),
    (
        100,
        "SEX_M",
        Some(32),
        "IN_SCOPE",
        "CBR_BIR_FOREIGN",
        "CCT_CIT_NONCIT",
    ),
    (
        200,
        "SEX_F",
        Some(41),
        "IN_SCOPE",
        "CBR_BIR_NATIVE",
        "CCT_CIT_CITIZEN",
    ),
    (50, "SEX_F", Some(67), "IN_SCOPE", "CBR_BIR_X", "CCT_CIT_X"),
    (
        80,
        "SEX_F",
        Some(7),
        "BELOW_WORKING_AGE",
        "CBR_BIR_NATIVE",
        "CCT_CIT_CITIZEN",
    ),
    (
        60,
        "SEX_M",
        Some(90),
        "IN_SCOPE",
        "CBR_BIR_NATIVE",
        "CCT_CIT_CITIZEN",
    ),
    (
        70,
        "SEX_M",
        None,
        "AGE_NOT_STATED",
        "CBR_BIR_NATIVE",
        "CCT_CIT_CITIZEN",
    ),
    (
        90,
        "SEX_F",
        Some(35),
        "NON_RESIDENT",
        "CBR_BIR_FOREIGN",
        "CCT_CIT_NONCIT",
    ),
    (
        0,
        "SEX_M",
        Some(40),
        "ZERO_WEIGHT",
        "CBR_BIR_NATIVE",
        "CCT_CIT_CITIZEN",
    ),
    (
        40,
        "SEX_O",
        Some(25),
        "IN_SCOPE",
        "CBR_BIR_NATIVE",
        "CCT_CIT_CITIZEN",
    ),
];

/// The columns of `schema` for `n` rows: those named in `given`, and for every other
/// field (columns the report does not read) nulls, or `_Z` / `false` where the field is
/// not nullable.
fn columns_of(
    schema: &arrow::datatypes::Schema,
    n: usize,
    given: Vec<(&str, ArrayRef)>,
) -> Vec<ArrayRef> {
    use arrow::datatypes::DataType;
    let mut given: BTreeMap<&str, ArrayRef> = given.into_iter().collect();
    let columns = schema
        .fields()
        .iter()
        .map(|f| match given.remove(f.name().as_str()) {
            Some(a) => a,
            None if f.is_nullable() => arrow::array::new_null_array(f.data_type(), n),
            None => match f.data_type() {
                DataType::Utf8 => strings(&vec!["_Z"; n]),
                DataType::Boolean => Arc::new(BooleanArray::from(vec![false; n])),
                other => panic!("no default for the non-null column {} ({other})", f.name()),
            },
        })
        .collect();
    assert!(given.is_empty(), "not in the schema: {:?}", given.keys());
    columns
}

fn write_derived(run: &RunDir) {
    use schema::derived as d;
    let n = PEOPLE.len();
    let ids: Vec<String> = (1..=n).map(|i| format!("P{i}")).collect();
    let columns = columns_of(
        &schema::derived_record(),
        n,
        vec![
            (d::PERSON_ID, Arc::new(StringArray::from(ids)) as ArrayRef),
            (
                d::WEIGHT,
                weights(&PEOPLE.iter().map(|p| p.0).collect::<Vec<_>>()),
            ),
            (
                d::SEX,
                strings(&PEOPLE.iter().map(|p| p.1).collect::<Vec<_>>()),
            ),
            (
                d::AGE,
                Arc::new(Int32Array::from(
                    PEOPLE.iter().map(|p| p.2).collect::<Vec<_>>(),
                )),
            ),
            (
                d::SCOPE,
                strings(&PEOPLE.iter().map(|p| p.3).collect::<Vec<_>>()),
            ),
            (
                d::IN_SCOPE,
                Arc::new(BooleanArray::from(
                    PEOPLE.iter().map(|p| p.3 == "IN_SCOPE").collect::<Vec<_>>(),
                )),
            ),
            (d::LFS, strings(&vec!["EMP"; n])),
            (d::LFS_RULE, Arc::new(UInt8Array::from(vec![1u8; n]))),
            (
                d::CBR,
                strings(&PEOPLE.iter().map(|p| p.4).collect::<Vec<_>>()),
            ),
            (
                d::CCT,
                strings(&PEOPLE.iter().map(|p| p.5).collect::<Vec<_>>()),
            ),
            (
                d::SOURCE_ROW,
                Arc::new(Int64Array::from((1..=n as i64).collect::<Vec<_>>())),
            ),
        ],
    );
    let batch = RecordBatch::try_new(schema::derived_record(), columns).unwrap();
    let mut sink = ParquetSink::create(&run.derived_records(), schema::derived_record()).unwrap();
    sink.write(&batch).unwrap();
    sink.finish().unwrap();
}

/// One estimate: (dataflow, sex, age, migrant code, estimate, status, n, reason, published).
type Est = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    f64,
    Option<&'static str>,
    i64,
    &'static str,
    bool,
);

fn estimates() -> Vec<Est> {
    let age = "AGE_YTHADULT_YGE15";
    let mut rows: Vec<Est> = Vec::new();
    for (measure, base) in [("TEAP", 60.0), ("TUNE", 5.0)] {
        for (k, sex) in ["SEX_T", "SEX_M", "SEX_F"].into_iter().enumerate() {
            for (j, code) in ["CBR_BIR_TOTAL", "CBR_BIR_NATIVE", "CBR_BIR_FOREIGN"]
                .into_iter()
                .enumerate()
            {
                let flow = if measure == "TEAP" {
                    "DF_MST_TEAP_SEX_AGE_CBR_RT"
                } else {
                    "DF_MST_TUNE_SEX_AGE_CBR_RT"
                };
                let v = base + k as f64 * 2.0 + j as f64;
                rows.push((flow, sex, age, code, v, None, 100, "PUBLISHED", true));
            }
            for code in ["CCT_CIT_CITIZEN", "CCT_CIT_NONCIT"] {
                let flow = if measure == "TEAP" {
                    "DF_MST_TEAP_SEX_AGE_CCT_RT"
                } else {
                    "DF_MST_TUNE_SEX_AGE_CCT_RT"
                };
                let foreign_women = sex == "SEX_F" && code == "CCT_CIT_NONCIT";
                let (status, reason, n) = match (measure, foreign_women) {
                    ("TEAP", true) => (Some("U"), "UNRELIABLE_N", 12),
                    ("TUNE", true) => (Some("C"), "PRIMARY_CONFIDENTIAL", 2),
                    _ => (None, "PUBLISHED", 100),
                };
                rows.push((flow, sex, age, code, base + 1.5, status, n, reason, true));
            }
        }
    }
    let xwap = "DF_MST_XWAP_SEX_AGE_CBR_NB";
    rows.push((
        xwap,
        "SEX_T",
        age,
        "CBR_BIR_TOTAL",
        0.7,
        None,
        6,
        "PUBLISHED",
        true,
    ));
    rows.push((
        xwap,
        "SEX_F",
        age,
        "CBR_BIR_X",
        0.05,
        Some("C"),
        1,
        "PRIMARY_CONFIDENTIAL",
        true,
    ));
    rows.push((
        xwap,
        "SEX_M",
        age,
        "CBR_BIR_FOREIGN",
        0.1,
        Some("U"),
        1,
        "UNRELIABLE_N",
        true,
    ));
    rows.push((
        xwap,
        "SEX_O",
        age,
        "CBR_BIR_NATIVE",
        0.04,
        None,
        1,
        "SUPPRESSED_MIN_N",
        false,
    ));
    rows
}

fn write_estimates(run: &RunDir) {
    let rows = estimates();
    let n = rows.len();
    let cbr: Vec<Option<&str>> = rows
        .iter()
        .map(|r| r.3.starts_with("CBR").then_some(r.3))
        .collect();
    let cct: Vec<Option<&str>> = rows
        .iter()
        .map(|r| r.3.starts_with("CCT").then_some(r.3))
        .collect();
    let measure: Vec<String> = rows
        .iter()
        .map(|r| {
            r.0[3..]
                .replace("_SEX_AGE_CBR", "")
                .replace("_SEX_AGE_CCT", "")
        })
        .collect();
    use schema::estimates as e;
    let columns = columns_of(
        &schema::estimates(),
        n,
        vec![
            (
                e::DATAFLOW,
                strings(&rows.iter().map(|r| r.0).collect::<Vec<_>>()),
            ),
            (e::REF_AREA, strings(&vec!["PHL"; n])),
            (e::FREQ, strings(&vec!["Q"; n])),
            (e::MEASURE, Arc::new(StringArray::from(measure)) as ArrayRef),
            (
                e::SEX,
                strings(&rows.iter().map(|r| r.1).collect::<Vec<_>>()),
            ),
            (
                e::AGE,
                strings(&rows.iter().map(|r| r.2).collect::<Vec<_>>()),
            ),
            (e::CBR, opt_strings(&cbr)),
            (e::CCT, opt_strings(&cct)),
            (e::TIME_PERIOD, strings(&vec!["2024-Q2"; n])),
            (
                e::ESTIMATE,
                Arc::new(Float64Array::from(
                    rows.iter().map(|r| r.4).collect::<Vec<_>>(),
                )),
            ),
            (
                e::OBS_STATUS,
                opt_strings(&rows.iter().map(|r| r.5).collect::<Vec<_>>()),
            ),
            (
                e::N,
                Arc::new(Int64Array::from(
                    rows.iter().map(|r| r.6).collect::<Vec<_>>(),
                )),
            ),
            (e::WEIGHTED_NUMERATOR, weights(&vec![1; n])),
            (
                e::REASON,
                strings(&rows.iter().map(|r| r.7).collect::<Vec<_>>()),
            ),
            (
                e::PUBLISHED,
                Arc::new(BooleanArray::from(
                    rows.iter().map(|r| r.8).collect::<Vec<_>>(),
                )),
            ),
        ],
    );
    let batch = RecordBatch::try_new(schema::estimates(), columns).unwrap();
    let mut sink = ParquetSink::create(&run.estimates(), schema::estimates()).unwrap();
    sink.write(&batch).unwrap();
    sink.finish().unwrap();
}

fn stage(name: &str, seconds: f64, counts: &[(&str, u64)]) -> StageRecord {
    StageRecord {
        stage: name.into(),
        inputs: vec![FileRecord::of_bytes(b"x", "/data/core.csv")],
        outputs: vec![FileRecord::of_bytes(b"y", format!("{name}/out.parquet"))],
        counts: counts
            .iter()
            .map(|(k, v)| (k.to_string(), *v))
            .collect::<BTreeMap<_, _>>(),
        seconds,
        ..Default::default()
    }
}

fn manifest(config: &Config, status: &str) -> Manifest {
    let mut m = Manifest {
        migstat_version: "9.8.7".into(),
        migstat_commit: "abc1234".into(),
        status: status.into(),
        ..Default::default()
    };
    m.config.file = FileRecord::of_bytes(CONFIG.as_bytes(), "/data/config.toml");
    m.config.normalised = config.normalised();
    m
}

fn complete_run(dir: &Path) -> (RunDir, Config, Manifest) {
    let run = RunDir::new(dir.join("out"));
    write_derived(&run);
    write_estimates(&run);
    let config = config(dir);
    let mut m = manifest(&config, "ok");
    m.stages = vec![
        stage("ingest", 0.25, &[("rows_read", 10), ("rejected", 0)]),
        stage(
            "derive",
            0.125,
            &[
                ("rows", 10),
                ("scope.IN_SCOPE", 6),
                ("scope.NON_RESIDENT", 1),
            ],
        ),
        stage("tabulate", 0.5, &[("confidential", 2), ("unreliable", 2)]),
    ];
    (run, config, m)
}

/// The attribute values of every `<rect class="bar" ...>` inside the SVG of `id`.
fn bars(html: &str, id: &str) -> Vec<BTreeMap<String, String>> {
    let start = html
        .find(&format!("<svg id=\"{id}\""))
        .unwrap_or_else(|| panic!("no svg {id}"));
    let svg = &html[start..start + html[start..].find("</svg>").unwrap()];
    svg.split("<rect class=\"bar\" ")
        .skip(1)
        .map(|r| {
            let tag = &r[..r.find('>').unwrap()];
            tag.split("\" ")
                .filter_map(|kv| kv.split_once("=\""))
                .map(|(k, v)| (k.to_string(), v.trim_end_matches('"').to_string()))
                .collect()
        })
        .collect()
}

#[test]
fn the_report_of_a_complete_run_shows_every_section_and_real_charts() {
    let tmp = tempfile::tempdir().unwrap();
    let (run, config, manifest) = complete_run(tmp.path());
    let path = write_report(&run, &config, &manifest).unwrap();
    assert_eq!(path, run.root().join("report.html"));
    let html = std::fs::read_to_string(&path).unwrap();
    // No temporary file left next to it.
    let names: Vec<String> = std::fs::read_dir(run.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.contains(".tmp-")), "{names:?}");

    // Self-contained: no scripts, no external resources.
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(!html.contains("<script"));
    assert!(!html.contains("http://") && !html.contains("https://"));
    assert!(!html.contains(" src="));
    assert!(html.contains("Content-Security-Policy"));

    // Summary.
    for needle in [
        "PHL 2024-Q2",
        "LFS - Labour Force Survey",
        "9.8.7 (commit abc1234)",
        "rows_read = 10",
        "where 0 &lt; n &lt; 3",
    ] {
        assert!(html.contains(needle), "{needle}");
    }
    // Timings stay in the manifest, so that identical runs give identical reports.
    assert!(
        !html.contains("0.875") && !html.contains("seconds"),
        "no timings in the report"
    );
    // Rejects: none.
    assert!(html.contains("<p id=\"rejects-count\" data-count=\"0\"><strong>None.</strong>"));
    // Scope counts from the derived records.
    for (scope, n) in [
        ("IN_SCOPE", 6),
        ("NON_RESIDENT", 1),
        ("ZERO_WEIGHT", 1),
        ("AGE_NOT_STATED", 1),
        ("BELOW_WORKING_AGE", 1),
    ] {
        assert!(
            html.contains(&format!("data-scope=\"{scope}\" data-count=\"{n}\"")),
            "{scope}"
        );
    }
    assert!(html.contains("These counts agree with those derive recorded"));
    // Not stated: 1 of 6 in-scope records, 50 of 550 weighted, over 5%: a note.
    let row = |id: &str| {
        let s = html.find(&format!("<tr id=\"{id}\"")).unwrap();
        html[s..s + html[s..].find("</tr>").unwrap()].to_string()
    };
    let cbr = row("not-stated-cbr-x");
    assert!(
        cbr.contains("class=\"warn\"") && cbr.contains("1 of 6") && cbr.contains("9.1%"),
        "{cbr}"
    );
    assert!(cbr.contains("add a note"));
    // Age not stated: 1 of the 8 usual residents with weight > 0 (70 of 700 weighted).
    let age = row("not-stated-age-x");
    assert!(age.contains("1 of 8") && age.contains("10.0%"), "{age}");
    assert!(html.contains("No <code>ingest/core.parquet</code>"));

    // Flagged cells by dataflow, and the detail of XWAP.
    assert!(html.contains("data-dataflow=\"DF_MST_XWAP_SEX_AGE_CBR_NB\" data-c=\"1\" data-u=\"1\""));
    assert!(html.contains("data-dataflow=\"all dataflows\" data-c=\"2\" data-u=\"2\""));
    assert!(html.contains("The totals agree with the counts tabulate recorded"));
    assert!(html.contains(
        "<h3 id=\"detail-title\">C and U cells of <code>DF_MST_XWAP_SEX_AGE_CBR_NB</code></h3>"
    ));
    let detail = &html[html.find("<table id=\"detail-table\"").unwrap()..];
    let detail = &detail[..detail.find("</table>").unwrap()];
    assert_eq!(detail.matches("<tr data-status").count(), 3);
    assert!(detail.contains("confidential") && detail.contains("not published"));
    assert!(
        !detail.contains("0.05"),
        "a confidential value is never shown"
    );

    // Pyramid: one segment per non-zero (group, sex, place of birth); out-of-scope ages
    // included, non-residents, zero weights, sex O and age not stated left out.
    let pyramid = bars(&html, "chart-pyramid");
    let values: Vec<(&str, &str, &str, &str)> = pyramid
        .iter()
        .map(|b| {
            (
                b["data-side"].as_str(),
                b["data-group"].as_str(),
                b["data-stack"].as_str(),
                b["data-value"].as_str(),
            )
        })
        .collect();
    let mut expected = vec![
        ("left", "30-34", "native-born", "100"),
        ("left", "30-34", "foreign-born", "100"),
        ("left", "85+", "native-born", "60"),
        ("right", "40-44", "native-born", "200"),
        ("right", "65-69", "place of birth not stated", "50"),
        ("right", "5-9", "native-born", "80"),
    ];
    let mut found = values.clone();
    found.sort();
    expected.sort();
    assert_eq!(found, expected);
    for b in &pyramid {
        assert!(b["width"].parse::<f64>().unwrap() > 0.0);
        assert!(b["height"].parse::<f64>().unwrap() > 0.0);
    }
    assert!(html.contains("aria-label=\"Population pyramid by place of birth\""));

    // Rate charts: 5 categories x 3 sexes, minus the confidential one for TUNE.
    let teap = bars(&html, "chart-participation");
    assert_eq!(teap.len(), 15);
    let tune = bars(&html, "chart-unemployment");
    assert_eq!(tune.len(), 14);
    let bar = |bars: &[BTreeMap<String, String>], cat: &str, series: &str| {
        bars.iter()
            .find(|b| b["data-category"] == cat && b["data-series"] == series)
            .cloned()
    };
    // Men, foreign-born: 60 + 2 + 2.
    let b = bar(&teap, "Foreign-born", "Men").unwrap();
    assert_eq!(b["data-value"], "64");
    // Heights proportional to values.
    let h = |b: &BTreeMap<String, String>| b["height"].parse::<f64>().unwrap();
    let v = |b: &BTreeMap<String, String>| b["data-value"].parse::<f64>().unwrap();
    let ratio = h(&teap[0]) / v(&teap[0]);
    for b in &teap {
        assert!((h(b) / v(b) - ratio).abs() < 0.01, "{b:?}");
    }
    // The unreliable bar is hatched, the confidential one is absent.
    let u = bar(&teap, "Non-citizens", "Women").unwrap();
    assert_eq!(u["fill"], "url(#chart-participation-hatch-2)");
    assert!(bar(&tune, "Non-citizens", "Women").is_none());
    for id in ["chart-pyramid", "chart-participation", "chart-unemployment"] {
        let s = html.find(&format!("<svg id=\"{id}\"")).unwrap();
        let tag = &html[s..s + html[s..].find('>').unwrap()];
        assert!(
            tag.contains("role=\"img\"") && tag.contains("aria-label=\""),
            "{tag}"
        );
        assert!(html.contains(&format!("<title id=\"{id}-title\">")));
    }

    // Deterministic.
    let again = render_report(&run, &config, &manifest, &ReportOptions::default()).unwrap();
    assert_eq!(again, html);
}

#[test]
fn a_run_stopped_by_rejects_reports_them_and_what_is_missing() {
    let tmp = tempfile::tempdir().unwrap();
    let run = RunDir::new(tmp.path().join("out"));
    std::fs::create_dir_all(run.root()).unwrap();
    let mut csv = String::from("file,row,line,column,value,rule,message\n");
    for i in 1..=25 {
        csv.push_str(&format!(
            "core.csv,{i},{},weight,\"-1,5\",weight.negative,weight below 0 <{i}>\n",
            i + 1
        ));
    }
    csv.push_str("core.csv,,,citizenship,,column.missing,no citizenship column\n");
    std::fs::write(run.rejects(), csv).unwrap();
    let config = config(tmp.path());
    let mut m = manifest(&config, "failed");
    m.error = Some("input error: 26 problems".into());
    m.stages = vec![stage("ingest", 0.01, &[("rejected", 26)])];
    let html = render_report(&run, &config, &m, &ReportOptions::default()).unwrap();
    assert!(html.contains("data-count=\"26\""));
    assert!(html.contains("26 problems in the microdata"));
    assert!(html.contains("The run failed:</strong> input error: 26 problems"));
    let first = &html[html.find("<table class=\"rejects\"").unwrap()..];
    let first = &first[..first.find("</table>").unwrap()];
    assert_eq!(
        first.matches("<tr>").count(),
        21,
        "header and the first 20 rows"
    );
    assert!(first.contains("<td>-1,5</td>"));
    assert!(first.contains("weight below 0 &lt;1&gt;"));
    assert!(html.contains("<code>weight.negative</code></td><td class=\"num\">25</td>"));
    assert!(html.contains("the run did not reach derive"));
    assert!(html.contains("the run did not reach tabulate"));
    assert!(!html.contains("<svg"));
}

#[test]
fn the_report_of_a_folder_reads_its_manifest_and_the_config_file() {
    let tmp = tempfile::tempdir().unwrap();
    let (run, config, manifest) = complete_run(tmp.path());
    manifest.write(&run.manifest()).unwrap();
    let config_path = tmp.path().join("config.toml");
    std::fs::write(&config_path, CONFIG).unwrap();
    let path = write_report_for_dir(run.root(), &config_path).unwrap();
    let html = std::fs::read_to_string(path).unwrap();
    assert_eq!(
        html,
        render_report(&run, &config, &manifest, &ReportOptions::default()).unwrap()
    );
    // A folder without a manifest is an I/O error (exit code 5).
    let empty = tmp.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let e = write_report_for_dir(&empty, &config_path).unwrap_err();
    assert_eq!(e.exit_code(), 5, "{e}");
}
