//! What a run tells the operator on standard error: a line per stage for people (the
//! default), one JSON object per line for schedulers (`--log-format json`), nothing but
//! errors with `--quiet`.

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::OnceLock;

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

/// A stage starts (JSON only: people see the stage when it is done).
pub fn stage_start(stage: &str) {
    let r = reporter();
    if !r.quiet && r.format == LogFormat::Json {
        emit(json!({"stage": stage, "event": "start"}));
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
