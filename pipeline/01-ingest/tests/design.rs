//! The sample design: `stratum`, `psu` and replicate weights read into the core record,
//! and the rules that depend on `[design] method` (one test per rule), plus the
//! `fixtures/design/` files with their configs.

mod common;

use std::path::PathBuf;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, Float64Array, Int64Array, RecordBatch, StringArray};
use arrow::datatypes::Decimal128Type;
use common::{summary, text, Case, HEADER, ROWS};
use migstat_artefacts::config::{Config, VarianceMethod};
use migstat_artefacts::reference::Reference;
use migstat_artefacts::schema::{self, core};
use parquet::arrow::ArrowWriter;

/// The valid rows with `extra` header names and, per row, the extra cells.
fn with_columns(extra: &str, cells: [&str; 3]) -> String {
    let rows: Vec<String> = ROWS
        .iter()
        .zip(cells)
        .map(|(row, more)| format!("{row},{more}"))
        .collect();
    format!("{HEADER},{extra}\n{}\n", rows.join("\n"))
}

/// A file with a full design: stratum, psu and three replicate weights. Row 3 (P3) has
/// weight 150.
fn designed(cells: [&str; 3]) -> String {
    with_columns("stratum,psu,repwt_1,repwt_2,repwt_3", cells)
}

const GOOD: [&str; 3] = [
    " S1 ,S1-P1,0,241.00,160.666667",
    "S1,S1-P2,170.5,0.00,113.666667",
    "S2,S2-P1,300,300.25,1e2",
];

const TAYLOR: &str = "[design]\nmethod = \"taylor\"\n";

fn decimals(b: &RecordBatch, column: &str) -> Vec<i128> {
    let a = b.column_by_name(column).unwrap();
    assert_eq!(a.data_type(), &schema::WEIGHT_TYPE, "{column}");
    assert_eq!(a.null_count(), 0, "{column}");
    a.as_primitive::<Decimal128Type>().values().to_vec()
}

fn s(v: &str) -> Option<String> {
    Some(v.to_string())
}

const UNIT: i128 = 1_000_000_000;

// ---- Reading the design --------------------------------------------------------------

#[test]
fn stratum_psu_and_replicate_weights_are_read_exactly_into_the_core_record() {
    let b = Case::new("core.csv", designed(GOOD)).records();
    assert_eq!(
        b.schema(),
        schema::with_replicates(schema::core_record(), 3)
    );
    assert_eq!(text(&b, core::STRATUM), [s("S1"), s("S1"), s("S2")]);
    assert_eq!(text(&b, core::PSU), [s("S1-P1"), s("S1-P2"), s("S2-P1")]);
    assert_eq!(decimals(&b, "repwt_1"), [0, 170_500_000_000, 300 * UNIT]);
    assert_eq!(decimals(&b, "repwt_2"), [241 * UNIT, 0, 300_250_000_000]);
    assert_eq!(
        decimals(&b, "repwt_3"),
        [160_666_667_000, 113_666_667_000, 100 * UNIT]
    );
    // The replicate weights come after source_row.
    let n = schema::core_record().fields().len();
    assert_eq!(b.schema().field(n - 1).name(), core::SOURCE_ROW);
}

#[test]
fn without_a_method_the_design_columns_are_optional_and_empty_is_not_stated() {
    // No design columns at all: nulls and no replicate weights.
    let b = Case::new("core.csv", common::valid_csv()).records();
    assert_eq!(b.schema(), schema::core_record());
    assert_eq!(text(&b, core::STRATUM), [None, None, None]);
    assert_eq!(text(&b, core::PSU), [None, None, None]);
    // Empty and blank values, and a psu column without a stratum column.
    let b = Case::new("core.csv", with_columns("psu", ["", "  ", "7"])).records();
    assert_eq!(text(&b, core::PSU), [None, None, s("7")]);
    assert_eq!(text(&b, core::STRATUM), [None, None, None]);
}

#[test]
fn design_columns_are_read_from_the_configured_names_and_prefix() {
    let file = with_columns(
        "region,stratum,bw1,bw2,repwt_1",
        ["North,x,1.5,2,9", "North,x,0,3,9", "South,x,2.25,0,9"],
    );
    let case = Case::new("core.csv", file).with_config(
        "[design]\nmethod = \"taylor\"\nstrata = \"region\"\npsu = \"household_id\"\n\
         replicate_prefix = \"bw\"\n",
    );
    let b = case.records();
    assert_eq!(schema::replicates_in(&b.schema()), 2);
    assert_eq!(
        text(&b, core::STRATUM),
        [s("North"), s("North"), s("South")]
    );
    // One input column feeds both household_id and psu.
    assert_eq!(text(&b, core::PSU), text(&b, core::HOUSEHOLD_ID));
    assert_eq!(decimals(&b, "repwt_1"), [1_500_000_000, 0, 2_250_000_000]);
    assert_eq!(decimals(&b, "repwt_2"), [2 * UNIT, 3 * UNIT, 0]);
}

#[test]
fn a_parquet_file_gives_the_same_design_and_numbers_read_as_text() {
    let mut columns: Vec<(String, ArrayRef)> = HEADER
        .split(',')
        .enumerate()
        .map(|(at, name)| {
            let cells: StringArray = ROWS
                .iter()
                .map(|r| Some(r.split(',').nth(at).unwrap()).filter(|c| !c.is_empty()))
                .collect();
            (name.to_string(), Arc::new(cells) as ArrayRef)
        })
        .collect();
    columns.push(("stratum".into(), Arc::new(Int64Array::from(vec![1, 1, 2]))));
    columns.push((
        "psu".into(),
        Arc::new(Float64Array::from(vec![11.0, 12.0, 21.0])),
    ));
    columns.push((
        "repwt_1".into(),
        Arc::new(Float64Array::from(vec![241.0, 0.0, 300.25])),
    ));
    columns.push((
        "repwt_2".into(),
        Arc::new(Float64Array::from(vec![0.0, 170.5, 1e-10])),
    ));
    let batch = RecordBatch::try_from_iter(columns).unwrap();
    let mut bytes = Vec::new();
    let mut w = ArrowWriter::try_new(&mut bytes, batch.schema(), None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    let b = Case::new("core.parquet", bytes)
        .with_config(TAYLOR)
        .records();
    assert_eq!(text(&b, core::STRATUM), [s("1"), s("1"), s("2")]);
    assert_eq!(text(&b, core::PSU), [s("11"), s("12"), s("21")]);
    assert_eq!(decimals(&b, "repwt_1"), [241 * UNIT, 0, 300_250_000_000]);
    assert_eq!(decimals(&b, "repwt_2"), [0, 170_500_000_000, 0]);
}

// ---- The replicate weight rules (method or not) --------------------------------------

/// Row 2's `repwt_2` set to `value` breaks `rule`, without any [design] section.
fn breaks_repwt_2(value: &str, rule: &str) {
    let mut cells = GOOD;
    let row2 = format!("S1,S1-P2,170.5,{value},113.666667");
    cells[1] = &row2;
    let reject = Case::new("core.csv", designed(cells)).only_reject();
    assert_eq!(summary(&reject), (rule, Some(2), "repwt_2", value));
    assert_eq!(reject.line, Some(3));
}

#[test]
fn an_empty_replicate_weight_is_missing() {
    breaks_repwt_2("", "replicate_weight.missing");
    breaks_repwt_2("  ", "replicate_weight.missing");
}

#[test]
fn a_replicate_weight_in_words_nan_or_with_a_comma_is_not_a_number() {
    breaks_repwt_2("n/a", "replicate_weight.not_a_number");
    breaks_repwt_2("NaN", "replicate_weight.not_a_number");
    breaks_repwt_2("inf", "replicate_weight.not_a_number");
}

#[test]
fn a_negative_replicate_weight_is_rejected() {
    breaks_repwt_2("-0.01", "replicate_weight.negative");
}

#[test]
fn a_replicate_weight_beyond_29_digits_is_too_large() {
    breaks_repwt_2("1e29", "replicate_weight.too_large");
}

#[test]
fn a_replicate_weight_reject_names_the_input_column_and_the_replicate() {
    let file = with_columns("bw1,bw2", ["1,2", "1,-2", "1,2"]);
    let case = Case::new("core.csv", file).with_config("[design]\nreplicate_prefix = \"bw\"\n");
    let reject = case.only_reject();
    assert_eq!(
        summary(&reject),
        ("replicate_weight.negative", Some(2), "bw2", "-2")
    );
    assert_eq!(
        reject.message,
        "bw2 (replicate weight 2) must be a decimal number >= 0"
    );
}

#[test]
fn a_gap_in_the_replicate_weights_rejects_the_file() {
    let file = with_columns("repwt_1,repwt_2,repwt_4", ["1,1,1", "1,1,1", "1,1,1"]);
    let reject = Case::new("core.csv", file).only_reject();
    assert_eq!(
        summary(&reject),
        ("column.replicate_gap", None, "repwt_3", "repwt_4")
    );
    assert!(reject.message.contains("repwt_3"), "{}", reject.message);
}

#[test]
fn value_problems_are_listed_in_column_order_design_last() {
    let cells = [" S1 ,S1-P1,0,241.00,x", "S1,S1-P2,-1,,113.666667", GOOD[2]];
    let mut file = designed(cells);
    file = file.replacen("P2,85.25,F", "P2,-85.25,X", 1);
    let got: Vec<_> = Case::new("core.csv", file)
        .with_config(TAYLOR)
        .rejects()
        .iter()
        .map(|r| (r.rule, r.row, r.column.clone()))
        .collect();
    assert_eq!(
        got,
        [
            ("replicate_weight.not_a_number", Some(1), "repwt_3".into()),
            ("weight.negative", Some(2), "weight".into()),
            ("sex.code", Some(2), "sex".into()),
            ("replicate_weight.negative", Some(2), "repwt_1".into()),
            ("replicate_weight.missing", Some(2), "repwt_2".into()),
        ]
    );
}

// ---- Rules of method taylor ----------------------------------------------------------

#[test]
fn taylor_without_the_stratum_column_rejects_the_file_naming_the_configured_column() {
    let file = with_columns("psu", ["1", "2", "3"]);
    let case = Case::new("core.csv", file)
        .with_config("[design]\nmethod = \"taylor\"\nstrata = \"region\"\n");
    let reject = case.only_reject();
    assert_eq!(
        summary(&reject),
        ("column.stratum_missing", None, "region", "")
    );
    assert!(reject.message.contains("region"), "{}", reject.message);
}

#[test]
fn taylor_without_the_psu_column_rejects_the_file_naming_the_configured_column() {
    let file = with_columns("stratum", ["1", "2", "3"]);
    let case = Case::new("core.csv", file)
        .with_config("[design]\nmethod = \"taylor\"\npsu = \"cluster\"\n");
    let reject = case.only_reject();
    assert_eq!(
        summary(&reject),
        ("column.psu_missing", None, "cluster", "")
    );
    assert!(reject.message.contains("cluster"), "{}", reject.message);
}

#[test]
fn taylor_needs_a_stratum_in_every_row_with_a_weight_above_zero() {
    let file = with_columns("stratum,psu", ["S1,1", "  ,2", "S2,3"]);
    let reject = Case::new("core.csv", file)
        .with_config(TAYLOR)
        .only_reject();
    assert_eq!(
        summary(&reject),
        ("stratum.missing", Some(2), "stratum", "  ")
    );
    assert_eq!(reject.line, Some(3));
}

#[test]
fn taylor_needs_a_psu_in_every_row_with_a_weight_above_zero() {
    let file = with_columns("stratum,psu", ["S1,1", "S1,2", "S2,"]);
    let reject = Case::new("core.csv", file)
        .with_config(TAYLOR)
        .only_reject();
    assert_eq!(summary(&reject), ("psu.missing", Some(3), "psu", ""));
}

#[test]
fn taylor_does_not_need_a_stratum_or_psu_for_a_weight_of_zero() {
    let file = with_columns("stratum,psu", ["S1,1", ",", "S2,3"]).replacen("85.25", "0", 1);
    let b = Case::new("core.csv", file).with_config(TAYLOR).records();
    assert_eq!(text(&b, core::STRATUM), [s("S1"), None, s("S2")]);
}

#[test]
fn without_taylor_empty_strata_and_psus_are_fine() {
    for design in [
        "",
        "[design]\nmethod = \"none\"\n",
        "[design]\nmethod = \"jk1\"\n",
    ] {
        let file = with_columns("stratum,psu,repwt_1,repwt_2", [",,1,1", ",,1,1", ",,1,1"]);
        let b = Case::new("core.csv", file).with_config(design).records();
        assert_eq!(text(&b, core::PSU), [None, None, None], "{design}");
    }
}

// ---- Rules of the replicate methods --------------------------------------------------

#[test]
fn a_replicate_method_needs_at_least_two_replicate_weights() {
    for method in ["jk1", "brr", "fay", "bootstrap", "sdr"] {
        let file = with_columns("repwt_1", ["1", "1", "1"]);
        let case =
            Case::new("core.csv", file).with_config(&format!("[design]\nmethod = \"{method}\"\n"));
        let reject = case.only_reject();
        assert_eq!(
            summary(&reject),
            ("column.replicates_missing", None, "repwt_2", "1"),
            "{method}"
        );
        assert!(reject.message.contains(method), "{}", reject.message);
    }
    // None at all, under another prefix.
    let case = Case::new("core.csv", common::valid_csv())
        .with_config("[design]\nmethod = \"bootstrap\"\nreplicate_prefix = \"bw\"\n");
    assert_eq!(
        summary(&case.only_reject()),
        ("column.replicates_missing", None, "bw1", "0")
    );
}

#[test]
fn jkn_needs_one_replicate_weight_per_scale() {
    let file = designed(GOOD);
    let case = Case::new("core.csv", file.clone())
        .with_config("[design]\nmethod = \"jkn\"\njkn_rscales = [0.5, 0.5]\n");
    let reject = case.only_reject();
    assert_eq!(summary(&reject), ("column.replicates_count", None, "", "3"));
    assert!(reject.message.contains("2 scales"), "{}", reject.message);
    let case = Case::new("core.csv", file)
        .with_config("[design]\nmethod = \"jkn\"\njkn_rscales = [0.5, 0.5, 0.5]\n");
    assert_eq!(schema::replicates_in(&case.records().schema()), 3);
}

// ---- fixtures/design -----------------------------------------------------------------

fn design_fixture(config: &str) -> (Config, Case) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/design")
        .join(config);
    let config = Config::load(&path).unwrap();
    let case = Case::of_file(&config.input.path);
    (config, case)
}

fn ingest_fixture(config: &str) -> (Config, RecordBatch) {
    let (config, case) = design_fixture(config);
    let report = migstat_ingest::run(&config, &Reference::bundled().unwrap(), &case.run)
        .unwrap_or_else(|e| panic!("{e}"));
    let batches = migstat_artefacts::parquet_io::read(&case.run.core_records())
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let batch = arrow::compute::concat_batches(&batches[0].schema(), &batches).unwrap();
    assert_eq!(report.rows_written, 4000);
    (config, batch)
}

#[test]
fn the_design_fixtures_ingest_under_their_configs() {
    let (config, b) = ingest_fixture("config_taylor.toml");
    assert_eq!(config.design.method, VarianceMethod::Taylor);
    assert_eq!(
        (
            config.quality.suppress_below_n,
            config.quality.unreliable_below_n
        ),
        (0, 0)
    );
    assert_eq!(schema::replicates_in(&b.schema()), 80);
    let strata = text(&b, core::STRATUM);
    assert!(strata.iter().all(Option::is_some));
    let distinct: std::collections::BTreeSet<_> = strata.iter().flatten().collect();
    assert_eq!(distinct.len(), 12);

    let (config, b) = ingest_fixture("config_bootstrap.toml");
    assert_eq!(config.design.method, VarianceMethod::Bootstrap);
    assert_eq!(schema::replicates_in(&b.schema()), 80);

    let (config, b) = ingest_fixture("config_jk1.toml");
    assert_eq!(config.design.method, VarianceMethod::Jk1);
    let psus: std::collections::BTreeSet<_> = text(&b, core::PSU).into_iter().flatten().collect();
    assert_eq!(
        schema::replicates_in(&b.schema()),
        psus.len(),
        "one replicate per PSU"
    );
}
