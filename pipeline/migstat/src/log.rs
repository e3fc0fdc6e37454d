//! What a run tells the operator on standard error: a line per stage for people (the
//! default), one JSON object per line for schedulers (`--log-format json`), nothing but
//! errors with `--quiet`. While a stage runs, people at a terminal see a spinner
//! (indicatif); it is drawn only when standard error is a terminal and neither `--quiet`
//! nor `--log-format json` is set, so logs, pipes and tests never contain one.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::sync::OnceLock;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use serde_json::json;

/// How events are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum LogFormat {
    /// One sentence per event.
    #[default]
    Human,
    /// One JSON object per line: `stage`, `event`, `counts`, `seconds`, `message`.
    Json,
}

#[derive(Debug, Clone, Copy, Default)]
struct Reporter {
    format: LogFormat,
    quiet: bool,
}

static REPORTER: OnceLock<Reporter> = OnceLock::new();

/// Chooses the format once, at start-up.
pub fn init(format: LogFormat, quiet: bool) {
    let _ = REPORTER.set(Reporter { format, quiet });
}

fn reporter() -> Reporter {
    REPORTER.get().copied().unwrap_or_default()
}

fn emit(value: serde_json::Value) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{value}");
}

/// The spinner shown while a stage runs; cleared when finished or dropped (a stage that
/// fails leaves no spinner behind its error message).
#[must_use = "the spinner is cleared when this is dropped"]
pub struct StageProgress(Option<ProgressBar>);

impl StageProgress {
    /// Clears the spinner, before the stage's line is written.
    pub fn finish(self) {}
}

impl Drop for StageProgress {
    fn drop(&mut self) {
        if let Some(bar) = self.0.take() {
            bar.finish_and_clear();
        }
    }
}

fn spinner(stage: &str) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template("{spinner} {msg} {elapsed}")
        .unwrap_or_else(|_| ProgressStyle::default_spinner());
    bar.set_style(style);
    bar.set_message(format!("{stage}..."));
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// A stage starts: a JSON event for schedulers, a spinner for people at a terminal
/// (people see the stage's line when it is done).
pub fn stage_start(stage: &str) -> StageProgress {
    let r = reporter();
    if r.quiet {
        return StageProgress(None);
    }
    match r.format {
        LogFormat::Json => {
            emit(json!({"stage": stage, "event": "start"}));
            StageProgress(None)
        }
        LogFormat::Human if std::io::stderr().is_terminal() => StageProgress(Some(spinner(stage))),
        LogFormat::Human => StageProgress(None),
    }
}

/// A stage is done: its counts, wall time and the sentence people read.
pub fn stage_done(stage: &str, counts: &BTreeMap<String, u64>, seconds: f64, message: &str) {
    let r = reporter();
    if r.quiet {
        return;
    }
    match r.format {
        LogFormat::Human => eprintln!("{message}"),
        LogFormat::Json => emit(json!({
            "stage": stage,
            "event": "done",
            "counts": counts,
            "seconds": seconds,
            "message": message,
        })),
    }
}

/// A run-level event (`up_to_date`, `stale_lock`, `done`, ...).
pub fn note(event: &str, message: &str) {
    let r = reporter();
    if r.quiet {
        return;
    }
    match r.format {
        LogFormat::Human => eprintln!("{message}"),
        LogFormat::Json => emit(json!({"event": event, "message": message})),
    }
}

/// The error that stops a command: always written, whatever `--quiet` says.
pub fn error(message: &str, exit_code: i32) {
    match reporter().format {
        LogFormat::Human => eprintln!("migstat: {message}"),
        LogFormat::Json => emit(json!({
            "event": "error",
            "exit_code": exit_code,
            "message": message,
        })),
    }
}
