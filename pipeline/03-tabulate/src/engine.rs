//! Where the tabulation's DataFusion plan runs, and in how much memory.
//!
//! The plan built in [`crate::query`] is the same whatever runs it:
//!
//! - **local** (the default): a [`SessionContext`] in this process whose sorts and
//!   aggregations draw from a [`FairSpillPool`] of `[engine] memory_limit_mib` and spill to
//!   disk beyond it (in `[engine] spill_dir`, or the system's temporary folder), so that a
//!   census of any size is tabulated in bounded memory. The pool is *fair*: every
//!   spilling operator of the plan gets an equal share, so one grouping-sets aggregate
//!   cannot starve the others.
//! - **ballista** (`ballista://HOST:PORT`, binaries built with the `ballista` feature):
//!   the same plan sent to an Apache DataFusion Ballista scheduler, for the census that
//!   outgrows one machine.

use std::sync::Arc;

use datafusion::error::{DataFusionError, Result};
use datafusion::execution::disk_manager::{DiskManagerBuilder, DiskManagerMode};
use datafusion::execution::memory_pool::FairSpillPool;
use datafusion::execution::runtime_env::RuntimeEnvBuilder;
use datafusion::prelude::{SessionConfig, SessionContext};

use migstat_artefacts::config::{Config, Engine};

/// Bytes in a MiB.
const MIB: u64 = 1024 * 1024;

/// The session the tabulation runs in, as `[engine]` (and the command line) says, for a
/// pass that sums `replicates` replicate weights per status.
pub async fn session(engine: &Engine, replicates: usize) -> Result<SessionContext> {
    if engine.url == "local" {
        return local_session(engine, replicates);
    }
    remote_session(engine).await
}

/// Rows per batch inside the plan: DataFusion's 8,192, or fewer with replicate weights.
/// The grouping-sets aggregate turns each batch into the new groups of every set at once,
/// and with 80 replicates a group carries 800 exact sums (13 KB): a batch of 8,192 rows
/// asks the pool for 200 MB in one piece, more than any operator's fair share, so it
/// fails instead of spilling; in batches of 745 rows it grows step by step and spills
/// (1M persons x 80 replicates: tabulate in the default 512 MiB pool, 0.74 GiB peak).
pub fn batch_rows(replicates: usize) -> usize {
    const DEFAULT: usize = 8192;
    (DEFAULT * 8 / (8 + replicates)).max(256)
}

/// This process, with a bounded memory pool that spills to disk.
fn local_session(engine: &Engine, replicates: usize) -> Result<SessionContext> {
    // DATAFUSION_EXECUTION_TARGET_PARTITIONS (set by `migstat --threads`) and the other
    // DATAFUSION_* variables are honoured; the results do not depend on them (exact sums).
    let mut config = SessionConfig::from_env()?;
    if std::env::var_os("DATAFUSION_EXECUTION_BATCH_SIZE").is_none() {
        config = config.with_batch_size(batch_rows(replicates));
    }
    let bytes = usize::try_from(engine.memory_limit_mib.saturating_mul(MIB))
        .map_err(|_| DataFusionError::Configuration("engine.memory_limit_mib too large".into()))?;
    let mode = match &engine.spill_dir {
        Some(dir) => DiskManagerMode::Directories(vec![dir.clone()]),
        None => DiskManagerMode::OsTmpDirectory,
    };
    let runtime = RuntimeEnvBuilder::new()
        .with_memory_pool(Arc::new(FairSpillPool::new(bytes)))
        .with_disk_manager_builder(DiskManagerBuilder::default().with_mode(mode))
        .build_arc()?;
    Ok(SessionContext::new_with_config_rt(config, runtime))
}

/// Checks, before any work, that this binary can run the config's tabulation on the
/// engine it names and, for a Ballista engine, that its scheduler accepts connections.
pub fn check(config: &Config) -> migstat_artefacts::Result<()> {
    let engine = &config.engine;
    if engine.url == "local" {
        return Ok(());
    }
    if !cfg!(feature = "ballista") {
        return Err(migstat_artefacts::Error::config(
            &config.file,
            format!(
                "engine {}: this migstat was built without Ballista support \
                 (build it with `cargo build --release --features ballista`)",
                engine.url
            ),
        ));
    }
    // The (n,k)-dominance rule needs migstat's own aggregate function (`dominance.rs`),
    // which a stock Ballista executor does not have: its plan could not be sent.
    if config.disclosure.dominance_n.is_some() {
        return Err(migstat_artefacts::Error::config(
            &config.file,
            format!(
                "engine {}: [disclosure] dominance_n / dominance_k need migstat's own \
                 aggregate of the largest weights, which Ballista executors do not have; \
                 run the tabulation on the local engine (engine.url = \"local\") or \
                 drop the dominance rule",
                engine.url
            ),
        ));
    }
    #[cfg(feature = "ballista")]
    crate::ballista::check_reachable(engine, &config.file)?;
    Ok(())
}

/// Is the tabulation sent to a remote engine? (Its failures are then the cluster's.)
pub fn is_remote(engine: &Engine) -> bool {
    engine.url != "local"
}

#[cfg(not(feature = "ballista"))]
async fn remote_session(engine: &Engine) -> Result<SessionContext> {
    Err(DataFusionError::Configuration(format!(
        "engine {}: this migstat was built without Ballista support",
        engine.url
    )))
}

#[cfg(feature = "ballista")]
async fn remote_session(engine: &Engine) -> Result<SessionContext> {
    crate::ballista::remote_session(engine).await
}
