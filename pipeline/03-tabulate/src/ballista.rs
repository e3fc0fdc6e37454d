//! The tabulation on an Apache DataFusion Ballista cluster (`--engine ballista://HOST:PORT`,
//! binaries built with the `ballista` feature).
//!
//! The plan is the one [`crate::query`] builds for the local engine, unchanged: when it is
//! collected, Ballista's query planner sends its (optimised) DataFusion logical plan to the
//! scheduler, which cuts it into stages at every exchange, runs them on its executors and
//! returns the aggregated cells (hundreds of rows) to this process. Everything after the
//! aggregate (precision, suppression, the estimates artefact) stays here.
//!
//! What this asks of the cluster:
//!
//! - the executors read `derive/derived.parquet` at the absolute path this process sees
//!   (the plan names the file, not its bytes): a filesystem shared by every executor and
//!   mounted at the same path, e.g. NFS or a cluster filesystem;
//! - a scheduler and executors of Ballista 55.x, the major version of this build (the
//!   plan travels as DataFusion 55 protobuf; the scheduler rejects a client of another
//!   major version);
//! - memory limits and spill folders are the executors' settings; `[engine]
//!   memory_limit_mib` and `spill_dir` apply only to the local engine.
//!
//! The results are the local engine's to the byte: the sums are exact decimals and integer
//! counts, so neither the number of partitions nor the order in which executors' partial
//! aggregates meet changes them (checked by `tests/ballista_engine.rs`).

use std::net::{TcpStream, ToSocketAddrs};
use std::path::Path;
use std::time::Duration;

use ballista::prelude::{SessionConfigExt, SessionContextExt};
use datafusion::error::Result;
use datafusion::execution::SessionStateBuilder;
use datafusion::prelude::{SessionConfig, SessionContext};

use migstat_artefacts::config::Engine;
use migstat_artefacts::Error;

/// The name of the tabulation's jobs in the scheduler's list and logs.
const JOB_NAME: &str = "migstat tabulate";

/// How many partitions the plan is cut into on the cluster when neither `migstat
/// --threads` nor `DATAFUSION_EXECUTION_TARGET_PARTITIONS` says: Ballista's own default
/// (`SessionConfig::new_with_ballista`), not this machine's core count, since the work
/// runs on the executors' cores.
const DEFAULT_PARTITIONS: usize = 16;

/// How long to wait for the scheduler to accept a connection before calling it unreachable.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Checks that something accepts connections at the scheduler's address, so that a wrong
/// URL or a stopped cluster is a config error (naming the URL) before any stage works,
/// not a failed query after hours of ingest. Whether it is a Ballista 55 scheduler shows
/// when the plan is sent.
pub fn check_reachable(engine: &Engine, config_file: &Path) -> migstat_artefacts::Result<()> {
    let address = engine
        .url
        .strip_prefix("ballista://")
        .unwrap_or(&engine.url);
    let unreachable = |why: String| {
        Error::config(
            config_file,
            format!(
                "engine.url = {}: no Ballista scheduler answers at {address} ({why}); start \
                 the scheduler there or name another one ([engine] url, or migstat --engine)",
                engine.url
            ),
        )
    };
    let candidates: Vec<_> = address
        .to_socket_addrs()
        .map_err(|e| unreachable(format!("cannot resolve the host: {e}")))?
        .collect();
    let mut failures = Vec::new();
    for candidate in &candidates {
        match TcpStream::connect_timeout(candidate, CONNECT_TIMEOUT) {
            Ok(_) => return Ok(()),
            Err(e) => failures.push(format!("{candidate}: {e}")),
        }
    }
    if failures.is_empty() {
        failures.push("the host has no address".into());
    }
    Err(unreachable(failures.join("; ")))
}

/// A session whose queries run on the Ballista scheduler at `engine.url`
/// (`ballista://HOST:PORT`, checked by `check_engine_url` when the config was loaded and by
/// [`check_reachable`] before the stages ran). Nothing is sent until the plan is collected.
pub async fn remote_session(engine: &Engine) -> Result<SessionContext> {
    // DATAFUSION_* variables are honoured, as for the local engine.
    let mut config = SessionConfig::from_env()?;
    if std::env::var_os("DATAFUSION_EXECUTION_TARGET_PARTITIONS").is_none() {
        config = config.with_target_partitions(DEFAULT_PARTITIONS);
    }
    let config = config.with_ballista_job_name(JOB_NAME);
    let state = SessionStateBuilder::new()
        .with_config(config)
        .with_default_features()
        .build();
    SessionContext::remote_with_state(&engine.url, state).await
}
