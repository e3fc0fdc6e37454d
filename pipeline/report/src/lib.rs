//! The quality report of a migstat run: `DIR/report.html`.
//!
//! One self-contained HTML page (inline CSS, inline SVG charts drawn here, no scripts, no
//! external resources; a Content-Security-Policy forbids loading any) written from the
//! artefacts a run left in its folder:
//!
//! * the run summary: survey, period, source, config highlights, migstat version, and per
//!   stage its timing and counts from `manifest.json`;
//! * `rejects.csv`: how many problems, by rule, and the first rows (or "none");
//! * `derive/derived.parquet`: records by scope reason, the shares of not-stated place of
//!   birth (`CBR_BIR_X`), citizenship (`CCT_CIT_X`) and age, weighted and unweighted, with
//!   the good-practice note for shares above 5% of the working-age population, and the
//!   population pyramid by place of birth;
//! * `ingest/core.parquet`: the share of nulls of every nullable core column;
//! * `tabulate/estimates.parquet`: flagged and withheld cells by dataflow and reason, the
//!   `C` and `U` cells of one dataflow, and bar charts of the participation and
//!   unemployment rates by sex and migrant status (age 15+).
//!
//! Artefacts a run did not get to (a run stopped by rejects has no derived records) are
//! reported as absent. The output is deterministic: the same artefacts, config and
//! manifest give the same bytes; the only times shown are the manifest's.
#![deny(missing_docs)]

pub mod charts;
mod data;
mod html;

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};

use migstat_artefacts::config::Config;
use migstat_artefacts::layout::RunDir;
use migstat_artefacts::manifest::Manifest;
use migstat_artefacts::schema::Scope;
use migstat_artefacts::{atomic, Result};

use charts::{BarChart, BarValue, Pyramid, GREY, PALETTE};
use data::{Cell, CoreSummary, DerivedSummary, Rejects};
use html::{attr, fmt_count, fmt_number, fmt_share, text};

/// The report's file name in the run folder.
pub const REPORT_FILE: &str = "report.html";

/// The dataflow whose `C` and `U` cells are listed by default.
pub const DEFAULT_DETAIL_DATAFLOW: &str = "DF_MST_XWAP_SEX_AGE_CBR_NB";

/// The share of not-stated answers in the working-age population above which good
/// practice asks for a note on the published figures (percent).
pub const NOT_STATED_NOTE_PERCENT: f64 = 5.0;

/// Choices of what the report shows in detail.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    /// The dataflow whose `C` and `U` cells are listed.
    pub detail_dataflow: String,
    /// How many rows of `rejects.csv` are shown.
    pub rejects_shown: usize,
    /// How many `C`/`U` cells are listed at most.
    pub detail_rows: usize,
}

impl Default for ReportOptions {
    fn default() -> Self {
        ReportOptions {
            detail_dataflow: DEFAULT_DETAIL_DATAFLOW.into(),
            rejects_shown: 20,
            detail_rows: 500,
        }
    }
}

/// Writes `DIR/report.html` atomically from the artefacts present in `run`, with the
/// default [`ReportOptions`]; returns its path.
pub fn write_report(run: &RunDir, config: &Config, manifest: &Manifest) -> Result<PathBuf> {
    write_report_with(run, config, manifest, &ReportOptions::default())
}

/// [`write_report`] with chosen options.
pub fn write_report_with(
    run: &RunDir,
    config: &Config,
    manifest: &Manifest,
    options: &ReportOptions,
) -> Result<PathBuf> {
    let page = render_report(run, config, manifest, options)?;
    let path = run.root().join(REPORT_FILE);
    atomic::write_file(&path, page.as_bytes())?;
    Ok(path)
}

/// Writes the report of the run folder `dir` (its `manifest.json` must exist) with the
/// config file `config_path`: for `migstat report --config C --out DIR`.
pub fn write_report_for_dir(dir: &Path, config_path: &Path) -> Result<PathBuf> {
    let config = Config::load(config_path)?;
    let run = RunDir::new(dir);
    let manifest = Manifest::read(&run.manifest())?;
    write_report(&run, &config, &manifest)
}

/// The report's summaries of the core and derived records: the two passes over millions
/// of records, all the report needs from them. A run starts them as soon as the derive
/// stage has written its records, beside the tabulation (which leaves a core part idle),
/// and hands them to [`write_report_from`].
#[derive(Debug, Clone, Default)]
pub struct RecordSummaries {
    derived: Option<DerivedSummary>,
    core: Option<CoreSummary>,
}

/// Reads the summaries of the records present in `run`.
pub fn summarise_records(run: &RunDir) -> Result<RecordSummaries> {
    // The two passes side by side.
    let (derived, core) = rayon::join(
        || {
            exists(&run.derived_records())
                .then(|| data::read_derived(&run.derived_records()))
                .transpose()
        },
        || {
            exists(&run.core_records())
                .then(|| data::read_core(&run.core_records()))
                .transpose()
        },
    );
    Ok(RecordSummaries {
        derived: derived?,
        core: core?,
    })
}

/// [`write_report`] with the records' summaries already read ([`summarise_records`]).
pub fn write_report_from(
    run: &RunDir,
    config: &Config,
    manifest: &Manifest,
    records: RecordSummaries,
) -> Result<PathBuf> {
    let page = render_with(run, config, manifest, &ReportOptions::default(), records)?;
    let path = run.root().join(REPORT_FILE);
    atomic::write_file(&path, page.as_bytes())?;
    Ok(path)
}

/// The report page as text, without writing it.
pub fn render_report(
    run: &RunDir,
    config: &Config,
    manifest: &Manifest,
    options: &ReportOptions,
) -> Result<String> {
    render_with(run, config, manifest, options, summarise_records(run)?)
}

fn render_with(
    run: &RunDir,
    config: &Config,
    manifest: &Manifest,
    options: &ReportOptions,
    records: RecordSummaries,
) -> Result<String> {
    let rejects = exists(&run.rejects())
        .then(|| data::read_rejects(&run.rejects(), options.rejects_shown))
        .transpose()?;
    let RecordSummaries { derived, core } = records;
    let cells = exists(&run.estimates())
        .then(|| data::read_estimates(&run.estimates()))
        .transpose()?;
    let inputs = Inputs {
        config,
        manifest,
        options,
        rejects,
        derived,
        core,
        cells,
    };
    Ok(inputs.page())
}

fn exists(path: &Path) -> bool {
    path.is_file()
}

struct Inputs<'a> {
    config: &'a Config,
    manifest: &'a Manifest,
    options: &'a ReportOptions,
    rejects: Option<Rejects>,
    derived: Option<DerivedSummary>,
    core: Option<CoreSummary>,
    cells: Option<Vec<Cell>>,
}

const CSS: &str = r#"
:root { color-scheme: light; }
body { font-family: "Liberation Sans", Arial, Helvetica, sans-serif; color: #1a1a1a; background: #ffffff; margin: 0; line-height: 1.45; }
main { max-width: 1080px; margin: 0 auto; padding: 0 24px 48px; }
header { background: #0b3d63; color: #ffffff; padding: 20px 24px; }
header h1 { margin: 0 0 4px; font-size: 26px; max-width: 1080px; margin-left: auto; margin-right: auto; }
header p { margin: 0; max-width: 1080px; margin-left: auto; margin-right: auto; }
nav { max-width: 1080px; margin: 12px auto 0; padding: 0 24px; font-size: 14px; }
nav a { margin-right: 14px; color: #0b3d63; }
h2 { border-bottom: 2px solid #0b3d63; padding-bottom: 4px; margin-top: 36px; color: #0b3d63; }
h3 { margin-top: 24px; }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 13px; }
th, td { border: 1px solid #c8c8c8; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #eef2f6; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.total td { font-weight: bold; background: #f6f6f6; }
code { font-family: "Liberation Mono", monospace; font-size: 12px; }
.ok { color: #0a6b2c; font-weight: bold; }
.bad { color: #a4000f; font-weight: bold; }
.badge { background: #ffffff; border-radius: 3px; padding: 0 6px; }
.kv { display: inline-block; margin-right: 12px; white-space: nowrap; }
.glance { display: flex; flex-wrap: wrap; gap: 12px; margin: 16px 0; padding: 0; list-style: none; }
.glance li { border: 1px solid #c8c8c8; border-radius: 4px; padding: 8px 14px; min-width: 120px; }
.glance .v { display: block; font-size: 22px; font-weight: bold; color: #0b3d63; }
.glance .k { font-size: 12px; color: #444444; }
.scroll { max-height: 480px; overflow-y: auto; border: 1px solid #c8c8c8; display: inline-block; }
.scroll table { margin: 0; }
.warn { background: #fff3cd; }
.note { background: #f3f7fb; border-left: 4px solid #0b3d63; padding: 8px 12px; margin: 12px 0; font-size: 14px; }
.alert { background: #fdecea; border-left: 4px solid #a4000f; padding: 8px 12px; margin: 12px 0; }
figure { margin: 16px 0 28px; }
figcaption { font-size: 13px; color: #444444; max-width: 760px; }
svg.chart { max-width: 100%; height: auto; display: block; background: #ffffff; }
details summary { cursor: pointer; font-size: 13px; color: #0b3d63; }
.small { font-size: 12px; color: #555555; }
footer { margin-top: 40px; font-size: 12px; color: #555555; }
"#;

impl Inputs<'_> {
    fn page(&self) -> String {
        let c = self.config;
        let mut p = String::new();
        let title = format!(
            "migstat quality report: {} {}",
            c.survey.ref_area, c.survey.time_period.text
        );
        let _ = write!(
            p,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <meta name=\"generator\" content=\"migstat-report {}\">\n<title>{}</title>\n<style>{}</style>\n</head>\n<body>\n",
            env!("CARGO_PKG_VERSION"),
            text(&title),
            CSS
        );
        let status = if self.manifest.status == "ok" {
            "<span class=\"badge ok\">ok</span>".to_string()
        } else {
            format!(
                "<span class=\"badge bad\">{}</span>",
                text(&self.manifest.status)
            )
        };
        let _ = writeln!(
            p,
            "<header><h1>{}</h1><p>{} &middot; reference period {} &middot; run status {}</p></header>",
            text(&title),
            text(c.survey.source_type.sdmx_source()),
            text(&c.survey.time_period.text),
            status
        );
        p.push_str(
            "<nav aria-label=\"Sections\"><a href=\"#summary\">Run summary</a><a href=\"#rejects\">Rejects</a>\
             <a href=\"#scope\">Scope</a><a href=\"#not-stated\">Not stated</a><a href=\"#flags\">Flagged and suppressed cells</a>\
             <a href=\"#charts\">Charts</a></nav>\n<main>\n",
        );
        self.summary(&mut p);
        self.rejects(&mut p);
        self.scope(&mut p);
        self.not_stated(&mut p);
        self.flags(&mut p);
        self.charts(&mut p);
        let _ = write!(
            p,
            "<footer>Written by migstat-report {} from the artefacts of this run folder and its <code>manifest.json</code>. \
             The page is self-contained: no scripts, no external resources.</footer>\n</main>\n</body>\n</html>\n",
            env!("CARGO_PKG_VERSION")
        );
        p
    }

    fn stage(&self, name: &str) -> Option<&migstat_artefacts::manifest::StageRecord> {
        self.manifest.stages.iter().find(|s| s.stage == name)
    }

    fn summary(&self, p: &mut String) {
        let c = self.config;
        let m = self.manifest;
        p.push_str("<section id=\"summary\"><h2>Run summary</h2>\n");
        if let Some(e) = &m.error {
            let _ = write!(
                p,
                "<div class=\"alert\"><strong>The run failed:</strong> {}</div>",
                text(e)
            );
        }
        let json = |v: serde_json::Value| match v {
            serde_json::Value::String(s) => s,
            v => v.to_string(),
        };
        let input_hash = self
            .stage("ingest")
            .and_then(|s| s.inputs.first())
            .map(|f| {
                format!(
                    " <span class=\"small\">sha256 {} &middot; {} bytes</span>",
                    text(&f.sha256),
                    fmt_count(f.bytes)
                )
            })
            .unwrap_or_default();
        let d = &c.design;
        let design =
            match json(serde_json::to_value(d.method).unwrap_or_default()).as_str() {
                "none" => "none (no sampling variance)".to_string(),
                "taylor" => format!(
                "taylor: strata <code>{}</code>, PSU <code>{}</code>, lonely PSU {}, {}% intervals",
                text(&d.strata),
                text(&d.psu),
                text(&json(serde_json::to_value(d.lonely_psu).unwrap_or_default())),
                fmt_number(d.ci_level * 100.0, 0)
            ),
                m => format!(
                    "{}: replicate weights <code>{}1..</code>, {}% intervals",
                    text(m),
                    text(&d.replicate_prefix),
                    fmt_number(d.ci_level * 100.0, 0)
                ),
            };
        let r = &c.reliability;
        let mut rel = Vec::new();
        let opt = |v: Option<f64>| v.map(|v| fmt_number(v, 1));
        if let Some(n) = r.min_n {
            rel.push(format!("min_n {n}"));
        }
        for (k, v) in [
            ("cv_unreliable", opt(r.cv_unreliable)),
            ("cv_suppress", opt(r.cv_suppress)),
            ("limit_a", opt(r.limit_a)),
            ("limit_b", opt(r.limit_b)),
        ] {
            if let Some(v) = v {
                rel.push(format!("{k} {v}"));
            }
        }
        let formats: Vec<String> = c
            .publish
            .formats
            .iter()
            .map(|f| json(serde_json::to_value(f).unwrap_or_default()))
            .collect();
        let rows: Vec<(&str, String)> = vec![
            ("Reporting country (REF_AREA)", text(&c.survey.ref_area)),
            (
                "Reference period",
                format!(
                    "{} (frequency {})",
                    text(&c.survey.time_period.text),
                    c.survey.time_period.freq
                ),
            ),
            ("Source", text(c.survey.source_type.sdmx_source())),
            (
                "Microdata",
                format!(
                    "<code>{}</code> (layout {}){}",
                    text(&c.input.path.display().to_string()),
                    text(&c.input.layout),
                    input_hash
                ),
            ),
            (
                "Config file",
                format!(
                    "<code>{}</code> <span class=\"small\">sha256 {}</span>",
                    text(&m.config.file.path),
                    text(&m.config.file.sha256)
                ),
            ),
            (
                "Confidentiality and reliability ([quality])",
                format!(
                    "<code>C</code> where 0 &lt; n &lt; {}; <code>U</code> where n &lt; {}",
                    c.quality.suppress_below_n, c.quality.unreliable_below_n
                ),
            ),
            (
                "Precision rules ([reliability])",
                if rel.is_empty() {
                    "none".into()
                } else {
                    text(&rel.join(", "))
                },
            ),
            (
                "Secondary suppression ([disclosure])",
                if c.disclosure.secondary { "on" } else { "off" }.into(),
            ),
            ("Sample design ([design])", design),
            (
                "Publication ([publish])",
                format!(
                    "formats {}; sender {}, receiver {}; prepared {}{}",
                    text(&formats.join(", ")),
                    text(&c.publish.sender),
                    text(&c.publish.receiver),
                    text(
                        c.publish
                            .prepared
                            .as_deref()
                            .unwrap_or("from SOURCE_DATE_EPOCH or the clock")
                    ),
                    if c.publish.test { "; test message" } else { "" }
                ),
            ),
            (
                "migstat version",
                match m.migstat_commit.as_str() {
                    "" | "unknown" => text(&m.migstat_version),
                    commit => format!("{} (commit {})", text(&m.migstat_version), text(commit)),
                },
            ),
            ("Run status", text(&m.status)),
        ];
        self.glance(p);
        p.push_str("<table class=\"summary\"><tbody>\n");
        for (k, v) in rows {
            let _ = writeln!(p, "<tr><th scope=\"row\">{}</th><td>{v}</td></tr>", text(k));
        }
        p.push_str("</tbody></table>\n");

        p.push_str("<h3>Stages</h3>\n");
        if m.stages.is_empty() {
            p.push_str("<p>The manifest records no stage.</p>\n");
        } else {
            p.push_str(
                "<table class=\"stages\"><thead><tr><th>stage</th><th>counts</th><th>outputs</th></tr></thead><tbody>\n",
            );
            for s in &m.stages {
                let counts: Vec<String> = s
                    .counts
                    .iter()
                    .map(|(k, v)| {
                        format!("<span class=\"kv\">{} = {}</span>", text(k), fmt_count(*v))
                    })
                    .chain(s.parameters.iter().map(|(k, v)| {
                        format!(
                            "<span class=\"kv\">{} = <code>{}</code></span>",
                            text(k),
                            text(v)
                        )
                    }))
                    .collect();
                let outputs: Vec<String> = s
                    .outputs
                    .iter()
                    .map(|f| {
                        format!(
                            "<code>{}</code> ({} bytes)",
                            text(&f.path),
                            fmt_count(f.bytes)
                        )
                    })
                    .collect();
                let outputs = if outputs.len() > 4 {
                    format!(
                        "{} files, {} bytes in all",
                        outputs.len(),
                        fmt_count(s.outputs.iter().map(|f| f.bytes).sum())
                    )
                } else {
                    outputs.join("<br>")
                };
                let _ = writeln!(
                    p,
                    "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                    text(&s.stage),
                    counts.join(" "),
                    outputs
                );
            }
            p.push_str("</tbody></table>\n");
            // Timings stay in manifest.json: the report must be byte-identical for
            // identical runs, whatever the machine or thread count.
            p.push_str(
                "<p class=\"small\">Stage timings are in <code>manifest.json</code>; this report holds only what identical runs share.</p>\n",
            );
        }
        p.push_str("</section>\n");
    }

    /// Key figures of the run, from the artefacts.
    fn glance(&self, p: &mut String) {
        let mut items: Vec<(String, &str, &str)> = Vec::new();
        if let Some(core) = &self.core {
            items.push((fmt_count(core.all.n), "records ingested", "records"));
        }
        items.push((
            fmt_count(self.rejects.as_ref().map_or(0, |r| r.total as u64)),
            "problems rejected",
            "rejects",
        ));
        if let Some(d) = &self.derived {
            items.push((fmt_count(d.wap.n), "records in scope (15+)", "in-scope"));
            items.push((
                fmt_number(d.wap.persons(), 0),
                "weighted working-age population",
                "wap",
            ));
        }
        if let Some(cells) = &self.cells {
            let count = |s: &str| {
                cells
                    .iter()
                    .filter(|c| c.status.as_deref() == Some(s))
                    .count() as u64
            };
            items.push((fmt_count(cells.len() as u64), "cells tabulated", "cells"));
            items.push((fmt_count(count("C")), "confidential cells (C)", "c"));
            items.push((fmt_count(count("U")), "unreliable cells (U)", "u"));
        }
        p.push_str("<ul class=\"glance\" aria-label=\"Key figures\">");
        for (v, k, key) in items {
            let _ = write!(
                p,
                "<li data-key=\"{key}\"><span class=\"v\">{v}</span><span class=\"k\">{k}</span></li>"
            );
        }
        p.push_str("</ul>\n");
    }

    fn rejects(&self, p: &mut String) {
        p.push_str("<section id=\"rejects\"><h2>Rejects</h2>\n");
        match &self.rejects {
            None => p.push_str(
                "<p id=\"rejects-count\" data-count=\"0\"><strong>None.</strong> No <code>rejects.csv</code>: \
                 the microdata broke no rule of the core record.</p>\n",
            ),
            Some(r) => {
                let _ = writeln!(
                    p,
                    "<p id=\"rejects-count\" data-count=\"{}\" class=\"bad\">{} problem{} in the microdata (all in <code>rejects.csv</code>); nothing was published.</p>",
                    r.total,
                    fmt_count(r.total as u64),
                    if r.total == 1 { "" } else { "s" }
                );
                p.push_str("<table><thead><tr><th>rule</th><th class=\"num\">problems</th></tr></thead><tbody>\n");
                for (rule, n) in &r.by_rule {
                    let _ = writeln!(
                        p,
                        "<tr><td><code>{}</code></td><td class=\"num\">{}</td></tr>",
                        text(rule),
                        fmt_count(*n as u64)
                    );
                }
                p.push_str("</tbody></table>\n");
                let _ = writeln!(p, "<h3>The first {} rows</h3>", r.first.len());
                p.push_str("<table class=\"rejects\"><thead><tr>");
                for c in data::REJECT_COLUMNS {
                    let _ = write!(p, "<th>{c}</th>");
                }
                p.push_str("</tr></thead><tbody>\n");
                for row in &r.first {
                    p.push_str("<tr>");
                    for v in row {
                        let _ = write!(p, "<td>{}</td>", text(v));
                    }
                    p.push_str("</tr>\n");
                }
                p.push_str("</tbody></table>\n");
            }
        }
        p.push_str("</section>\n");
    }

    fn scope(&self, p: &mut String) {
        p.push_str("<section id=\"scope\"><h2>Scope</h2>\n");
        let Some(d) = &self.derived else {
            p.push_str("<p>No <code>derive/derived.parquet</code>: the run did not reach derive.</p></section>\n");
            return;
        };
        p.push_str(
            "<p>Why each record is in or out of the stock tables (checked in this order; the first that applies is recorded).</p>\n\
             <table id=\"scope-table\"><thead><tr><th>scope</th><th>meaning</th><th class=\"num\">records</th><th class=\"num\">share</th>\
             <th class=\"num\">weighted persons</th><th class=\"num\">weighted share</th></tr></thead><tbody>\n",
        );
        let meaning = |code: &str| match code {
            "NON_RESIDENT" => "not a usual resident",
            "ZERO_WEIGHT" => "weight 0",
            "AGE_NOT_STATED" => "age not stated",
            "BELOW_WORKING_AGE" => "younger than 15",
            "IN_SCOPE" => "counted in every stock table",
            _ => "unknown scope code",
        };
        let mut codes: Vec<String> = Scope::ALL.iter().map(|s| s.code().to_string()).collect();
        codes.extend(
            d.scope
                .keys()
                .filter(|k| !codes.contains(k))
                .cloned()
                .collect::<Vec<_>>(),
        );
        for code in &codes {
            let t = d.scope.get(code).copied().unwrap_or_default();
            let _ = writeln!(
                p,
                "<tr data-scope=\"{}\" data-count=\"{}\"><td><code>{}</code></td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                attr(code),
                t.n,
                text(code),
                meaning(code),
                fmt_count(t.n),
                fmt_share(t.n as f64, d.all.n as f64),
                fmt_number(t.persons(), 0),
                fmt_share(t.persons(), d.all.persons()),
            );
        }
        let _ = writeln!(
            p,
            "<tr class=\"total\"><td>all records</td><td></td><td class=\"num\">{}</td><td class=\"num\">100.0%</td><td class=\"num\">{}</td><td class=\"num\">100.0%</td></tr></tbody></table>",
            fmt_count(d.all.n),
            fmt_number(d.all.persons(), 0)
        );
        // Cross-check with the counts derive recorded.
        if let Some(stage) = self.stage("derive") {
            let differ: Vec<String> = codes
                .iter()
                .filter_map(|code| {
                    let recorded = stage.counts.get(&format!("scope.{code}"))?;
                    let found = d.scope.get(code).map(|t| t.n).unwrap_or(0);
                    (*recorded != found)
                        .then(|| format!("{code}: manifest {recorded}, artefact {found}"))
                })
                .collect();
            if differ.is_empty() {
                p.push_str("<p class=\"small\">These counts agree with those derive recorded in the manifest.</p>\n");
            } else {
                let _ = writeln!(
                    p,
                    "<div class=\"alert\">The derived records disagree with the manifest: {}. Was the artefact replaced after the run?</div>",
                    text(&differ.join("; "))
                );
            }
        }
        p.push_str("</section>\n");
    }

    fn not_stated(&self, p: &mut String) {
        p.push_str("<section id=\"not-stated\"><h2>Not-stated answers</h2>\n");
        let _ = writeln!(
            p,
            "<div class=\"note\"><strong>Good practice (ICLS):</strong> where the share of persons whose place of birth or citizenship \
             is not stated (<code>CBR_BIR_X</code>, <code>CCT_CIT_X</code>) exceeds {}% of the working-age population, the published \
             figures deserve a note explaining it, since the native/foreign-born and citizen/non-citizen breakdowns then leave out a \
             noticeable part of the population. Rows above that threshold are highlighted.</div>",
            fmt_number(NOT_STATED_NOTE_PERCENT, 0)
        );
        match &self.derived {
            None => p.push_str(
                "<p>No <code>derive/derived.parquet</code>: the run did not reach derive.</p>\n",
            ),
            Some(d) => {
                p.push_str(
                    "<table id=\"not-stated-table\"><thead><tr><th>variable</th><th>of</th><th class=\"num\">records</th><th class=\"num\">unweighted share</th>\
                     <th class=\"num\">weighted persons</th><th class=\"num\">weighted share</th><th>note</th></tr></thead><tbody>\n",
                );
                let rows = [
                    (
                        "cbr-x",
                        "place of birth not stated (<code>CBR_BIR_X</code>)",
                        "working-age population in scope",
                        d.wap_cbr_x,
                        d.wap,
                    ),
                    (
                        "cct-x",
                        "citizenship not stated (<code>CCT_CIT_X</code>)",
                        "working-age population in scope",
                        d.wap_cct_x,
                        d.wap,
                    ),
                    (
                        "age-x",
                        "age not stated",
                        "usual residents with weight &gt; 0",
                        d.age_not_stated,
                        d.population,
                    ),
                ];
                for (key, what, of, part, whole) in rows {
                    let share_u = percent(part.n as f64, whole.n as f64);
                    let share_w = percent(part.persons(), whole.persons());
                    let over = share_u.max(share_w) > NOT_STATED_NOTE_PERCENT;
                    let _ = writeln!(
                        p,
                        "<tr id=\"not-stated-{key}\"{} data-share=\"{}\"><td>{what}</td><td>{of}</td><td class=\"num\">{} of {}</td><td class=\"num\">{}</td>\
                         <td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
                        if over { " class=\"warn\"" } else { "" },
                        share_w,
                        fmt_count(part.n),
                        fmt_count(whole.n),
                        fmt_share(part.n as f64, whole.n as f64),
                        fmt_number(part.persons(), 0),
                        fmt_share(part.persons(), whole.persons()),
                        if over {
                            format!("above {}%: add a note", fmt_number(NOT_STATED_NOTE_PERCENT, 0))
                        } else {
                            "below the threshold".into()
                        }
                    );
                }
                p.push_str("</tbody></table>\n");
            }
        }
        p.push_str("<h3>Nulls per column of the core record</h3>\n");
        match &self.core {
            None => p.push_str("<p>No <code>ingest/core.parquet</code> in the run folder.</p>\n"),
            Some(core) => {
                p.push_str(
                    "<p class=\"small\">All records as ingested (including non-residents and zero weights). Nulls of the labour-force items \
                     are expected where the questionnaire routes around them (they are not asked when <code>lfs_status</code> is given, \
                     or when an earlier answer decides the status); <code>year_of_arrival</code> and <code>reason_for_migration</code> \
                     concern migrants only.</p>\n<table id=\"core-nulls\"><thead><tr><th>column</th><th class=\"num\">null records</th>\
                     <th class=\"num\">share</th><th class=\"num\">weighted share</th></tr></thead><tbody>\n",
                );
                for col in &core.columns {
                    let _ = writeln!(
                        p,
                        "<tr><td><code>{}</code></td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                        text(&col.column),
                        fmt_count(col.nulls.n),
                        fmt_share(col.nulls.n as f64, core.all.n as f64),
                        fmt_share(col.nulls.persons(), core.all.persons()),
                    );
                }
                let _ = writeln!(
                    p,
                    "<tr class=\"total\"><td>records</td><td class=\"num\">{}</td><td></td><td></td></tr></tbody></table>",
                    fmt_count(core.all.n)
                );
            }
        }
        p.push_str("</section>\n");
    }

    fn flags(&self, p: &mut String) {
        p.push_str("<section id=\"flags\"><h2>Flagged and suppressed cells</h2>\n");
        let Some(cells) = &self.cells else {
            p.push_str("<p>No <code>tabulate/estimates.parquet</code>: the run did not reach tabulate.</p></section>\n");
            return;
        };
        let c = self.config;
        let _ = writeln!(
            p,
            "<p><code>C</code>: confidential, published without value (0 &lt; n &lt; {}, or chosen by secondary suppression). \
             <code>U</code>: unreliable (n &lt; {}, or a precision rule). Not published: withheld by a <code>[reliability]</code> rule. \
             The reason is the one tabulate recorded for each cell.</p>",
            c.quality.suppress_below_n, c.quality.unreliable_below_n
        );
        // Reasons in the order of the status function, then any others.
        const ORDER: [&str; 10] = [
            "PUBLISHED",
            "ZERO",
            "PRIMARY_CONFIDENTIAL",
            "SECONDARY_CONFIDENTIAL",
            "SUPPRESSED_MIN_N",
            "SUPPRESSED_CV",
            "SUPPRESSED_LIMIT_A",
            "UNRELIABLE_N",
            "UNRELIABLE_CV",
            "UNRELIABLE_LIMIT_B",
        ];
        let mut reasons: Vec<String> = ORDER
            .iter()
            .filter(|r| cells.iter().any(|c| c.reason == **r))
            .map(|r| r.to_string())
            .collect();
        let mut others: Vec<String> = cells
            .iter()
            .map(|c| c.reason.clone())
            .filter(|r| !ORDER.contains(&r.as_str()))
            .collect();
        others.sort();
        others.dedup();
        reasons.extend(others);

        #[derive(Default, Clone)]
        struct Row {
            cells: u64,
            c: u64,
            u: u64,
            withheld: u64,
            reasons: BTreeMap<String, u64>,
        }
        let mut rows: BTreeMap<&str, Row> = BTreeMap::new();
        let mut total = Row::default();
        for cell in cells {
            for row in [rows.entry(cell.dataflow.as_str()).or_default(), &mut total] {
                row.cells += 1;
                match cell.status.as_deref() {
                    Some("C") => row.c += 1,
                    Some("U") => row.u += 1,
                    _ => {}
                }
                if !cell.published {
                    row.withheld += 1;
                }
                *row.reasons.entry(cell.reason.clone()).or_default() += 1;
            }
        }
        p.push_str(
            "<table id=\"flags-table\"><thead><tr><th>dataflow</th><th class=\"num\">cells</th><th class=\"num\">C</th><th class=\"num\">U</th><th class=\"num\">not published</th>",
        );
        for r in &reasons {
            let _ = write!(p, "<th class=\"num\"><code>{}</code></th>", text(r));
        }
        p.push_str("</tr></thead><tbody>\n");
        let line = |p: &mut String, name: &str, row: &Row, class: &str| {
            let _ = write!(
                p,
                "<tr{class} data-dataflow=\"{}\" data-c=\"{}\" data-u=\"{}\"><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>",
                attr(name),
                row.c,
                row.u,
                text(name),
                fmt_count(row.cells),
                fmt_count(row.c),
                fmt_count(row.u),
                fmt_count(row.withheld)
            );
            for r in &reasons {
                let _ = write!(
                    p,
                    "<td class=\"num\">{}</td>",
                    fmt_count(row.reasons.get(r).copied().unwrap_or(0))
                );
            }
            p.push_str("</tr>\n");
        };
        for (name, row) in &rows {
            line(p, name, row, "");
        }
        line(p, "all dataflows", &total, " class=\"total\"");
        p.push_str("</tbody></table>\n");
        if let Some(stage) = self.stage("tabulate") {
            let recorded = (
                stage.counts.get("confidential"),
                stage.counts.get("unreliable"),
            );
            if let (Some(&rc), Some(&ru)) = recorded {
                if rc == total.c && ru == total.u {
                    p.push_str("<p class=\"small\">The totals agree with the counts tabulate recorded in the manifest.</p>\n");
                } else {
                    let _ = writeln!(
                        p,
                        "<div class=\"alert\">The estimates disagree with the manifest: C {} vs {} recorded, U {} vs {} recorded.</div>",
                        total.c, rc, total.u, ru
                    );
                }
            }
        }

        // The C and U cells of one dataflow.
        let flagged = |flow: &str| {
            cells
                .iter()
                .filter(|c| c.dataflow == flow && (c.status.is_some() || !c.published))
                .collect::<Vec<_>>()
        };
        let mut flow = self.options.detail_dataflow.clone();
        if flagged(&flow).is_empty() {
            if let Some((name, _)) = rows
                .iter()
                .find(|(n, r)| r.c + r.u + r.withheld > 0 && !n.is_empty())
            {
                flow = name.to_string();
            }
        }
        let list = flagged(&flow);
        let _ = writeln!(
            p,
            "<h3 id=\"detail-title\">C and U cells of <code>{}</code></h3>",
            text(&flow)
        );
        if list.is_empty() {
            p.push_str("<p>None: every cell of this dataflow is published without flag.</p>\n");
        } else {
            let _ = writeln!(
                p,
                "<p class=\"small\">{} cells. Confidential values are not shown. Estimates in {}.</p>",
                fmt_count(list.len() as u64),
                if flow.ends_with("_RT") { "percent" } else { "thousands of persons" }
            );
            p.push_str(
                "<div class=\"scroll\"><table id=\"detail-table\"><thead><tr><th>SEX</th><th>AGE</th><th>CBR / CCT</th><th class=\"num\">n</th><th>OBS_STATUS</th><th>reason</th><th class=\"num\">estimate</th></tr></thead><tbody>\n",
            );
            for cell in list.iter().take(self.options.detail_rows) {
                let value = match (cell.status.as_deref(), cell.published) {
                    (Some("C"), _) => "confidential".to_string(),
                    (_, false) => "not published".to_string(),
                    _ => fmt_number(cell.estimate, 1),
                };
                let _ = writeln!(
                    p,
                    "<tr data-status=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td><td><code>{}</code></td><td class=\"num\">{}</td></tr>",
                    attr(cell.status.as_deref().unwrap_or("")),
                    text(&cell.sex),
                    text(&cell.age),
                    text(&cell.migrant),
                    cell.n,
                    text(cell.status.as_deref().unwrap_or("(not published)")),
                    text(&cell.reason),
                    value
                );
            }
            p.push_str("</tbody></table></div>\n");
            if list.len() > self.options.detail_rows {
                let _ = writeln!(
                    p,
                    "<p class=\"small\">... and {} more (see <code>tabulate/estimates.parquet</code>).</p>",
                    list.len() - self.options.detail_rows
                );
            }
        }
        p.push_str("</section>\n");
    }

    fn charts(&self, p: &mut String) {
        p.push_str("<section id=\"charts\"><h2>Charts</h2>\n");
        match &self.derived {
            None => p.push_str("<p>No derived records: no population pyramid.</p>\n"),
            Some(d) => {
                let pyr = pyramid(d);
                let _ = write!(
                    p,
                    "<figure>{}<figcaption>Weighted usual residents with weight &gt; 0 and a stated age (in scope and younger than 15), \
                     by 5-year age group and sex, stacked by place of birth. The dashed line separates the working-age population (15+). \
                     {} persons of sex O ({} records) and {} persons whose age is not stated ({} records) are not shown.</figcaption>",
                    pyr.to_svg(),
                    fmt_number(d.pyramid_other_sex.persons(), 0),
                    fmt_count(d.pyramid_other_sex.n),
                    fmt_number(d.age_not_stated.persons(), 0),
                    fmt_count(d.age_not_stated.n),
                );
                p.push_str(
                    "<details><summary>Data of the pyramid</summary><table><thead><tr><th>age</th>",
                );
                for side in [&pyr.left_label, &pyr.right_label] {
                    for s in &pyr.stacks {
                        let _ = write!(p, "<th class=\"num\">{}, {}</th>", text(side), text(s));
                    }
                }
                p.push_str("</tr></thead><tbody>\n");
                for (g, name) in pyr.groups.iter().enumerate().rev() {
                    let _ = write!(p, "<tr><td>{}</td>", text(name));
                    for v in pyr.left[g].iter().chain(&pyr.right[g]) {
                        let _ = write!(p, "<td class=\"num\">{}</td>", fmt_number(*v, 0));
                    }
                    p.push_str("</tr>\n");
                }
                p.push_str("</tbody></table></details></figure>\n");
            }
        }
        match &self.cells {
            None => p.push_str("<p>No estimates: no rate charts.</p>\n"),
            Some(cells) => {
                for (id, measure, name) in [
                    (
                        "chart-participation",
                        "TEAP",
                        "Labour force participation rate",
                    ),
                    ("chart-unemployment", "TUNE", "Unemployment rate"),
                ] {
                    let chart = rate_chart(cells, id, measure, name);
                    let _ = write!(
                        p,
                        "<figure>{}<figcaption>{} (percent), persons aged 15+ (<code>AGE_YTHADULT_YGE15</code>), from \
                         <code>DF_MST_{measure}_SEX_AGE_CBR_RT</code> and <code>DF_MST_{measure}_SEX_AGE_CCT_RT</code>. \
                         Hatched bars are unreliable (<code>U</code>); confidential cells (<code>C</code>) have no bar.</figcaption>",
                        chart.to_svg(),
                        text(name),
                    );
                    p.push_str(
                        "<details><summary>Data of the chart</summary><table><thead><tr><th></th>",
                    );
                    for s in &chart.series {
                        let _ = write!(p, "<th class=\"num\">{}</th>", text(s));
                    }
                    p.push_str("</tr></thead><tbody>\n");
                    for (c, name) in chart.categories.iter().enumerate() {
                        let _ = write!(p, "<tr><td>{}</td>", text(name));
                        for v in &chart.values[c] {
                            let shown = match (v.value, &v.flag) {
                                (Some(x), Some(f)) => format!("{} {}", fmt_number(x, 1), text(f)),
                                (Some(x), None) => fmt_number(x, 1),
                                (None, Some(f)) => text(f),
                                (None, None) => "n/a".into(),
                            };
                            let _ = write!(p, "<td class=\"num\">{shown}</td>");
                        }
                        p.push_str("</tr>\n");
                    }
                    p.push_str("</tbody></table></details></figure>\n");
                }
            }
        }
        p.push_str("</section>\n");
    }
}

fn percent(part: f64, whole: f64) -> f64 {
    if whole > 0.0 {
        100.0 * part / whole
    } else {
        0.0
    }
}

/// The population pyramid of the derived summary.
fn pyramid(d: &DerivedSummary) -> Pyramid {
    let groups: Vec<String> = (0..data::pyramid_groups())
        .map(|g| {
            let from = g as i32 * data::PYRAMID_GROUP_YEARS;
            if from >= data::PYRAMID_OPEN_AGE {
                format!("{from}+")
            } else {
                format!("{from}-{}", from + data::PYRAMID_GROUP_YEARS - 1)
            }
        })
        .collect();
    let side = |k: usize| -> Vec<Vec<f64>> {
        d.pyramid
            .iter()
            .map(|g| g[k].iter().map(|w| data::weight_f64(*w)).collect())
            .collect()
    };
    Pyramid {
        id: "chart-pyramid".into(),
        title: "Population pyramid by place of birth".into(),
        description: "Weighted usual residents by 5-year age group and sex (men left, women right), each bar split into native-born, foreign-born and place of birth not stated.".into(),
        groups,
        stacks: vec![
            "native-born".into(),
            "foreign-born".into(),
            "place of birth not stated".into(),
        ],
        colours: vec![PALETTE[0].into(), PALETTE[1].into(), GREY.into()],
        left_label: "Men".into(),
        right_label: "Women".into(),
        left: side(0),
        right: side(1),
        value_label: "weighted persons".into(),
        marker: Some((data::pyramid_group(15), "working age (15+) above the dashed line".into())),
    }
}

/// A rate chart: categories = migrant status, series = sex, at age 15+.
fn rate_chart(cells: &[Cell], id: &str, measure: &str, name: &str) -> BarChart {
    let cbr = format!("DF_MST_{measure}_SEX_AGE_CBR_RT");
    let cct = format!("DF_MST_{measure}_SEX_AGE_CCT_RT");
    let age = "AGE_YTHADULT_YGE15";
    let categories: [(&str, &str, &str); 5] = [
        ("All persons", cbr.as_str(), "CBR_BIR_TOTAL"),
        ("Native-born", cbr.as_str(), "CBR_BIR_NATIVE"),
        ("Foreign-born", cbr.as_str(), "CBR_BIR_FOREIGN"),
        ("Citizens", cct.as_str(), "CCT_CIT_CITIZEN"),
        ("Non-citizens", cct.as_str(), "CCT_CIT_NONCIT"),
    ];
    let sexes = [("Total", "SEX_T"), ("Men", "SEX_M"), ("Women", "SEX_F")];
    let index: BTreeMap<(&str, &str, &str), &Cell> = cells
        .iter()
        .filter(|c| c.age == age)
        .map(|c| ((c.dataflow.as_str(), c.sex.as_str(), c.migrant.as_str()), c))
        .collect();
    let values = categories
        .iter()
        .map(|(_, flow, code)| {
            sexes
                .iter()
                .map(|(_, sex)| match index.get(&(*flow, *sex, *code)) {
                    None => BarValue {
                        value: None,
                        flag: Some("n/a".into()),
                    },
                    Some(c) if !c.published => BarValue {
                        value: None,
                        flag: Some("n/p".into()),
                    },
                    Some(c) if c.status.as_deref() == Some("C") => BarValue {
                        value: None,
                        flag: Some("C".into()),
                    },
                    Some(c) => BarValue {
                        value: Some(c.estimate),
                        flag: c.status.clone(),
                    },
                })
                .collect()
        })
        .collect();
    BarChart {
        id: id.into(),
        title: format!("{name} by sex and migrant status, age 15+"),
        description: format!(
            "{name} in percent for all persons, native-born, foreign-born, citizens and non-citizens aged 15 and over, for both sexes, men and women."
        ),
        y_label: "percent".into(),
        x_label: "place of birth / citizenship".into(),
        categories: categories.iter().map(|c| c.0.to_string()).collect(),
        series: sexes.iter().map(|s| s.0.to_string()).collect(),
        values,
    }
}
