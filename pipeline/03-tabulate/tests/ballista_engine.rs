//! The tabulation runs unchanged on Apache DataFusion Ballista and gives the local
//! engine's results, to the byte.
//!
//! One Ballista 55 scheduler and one executor are started in this process, each on a free
//! loopback port (the way `ballista-scheduler` and `ballista-executor` start in standalone
//! mode), and the tabulation reaches them only through the config's `[engine] url =
//! "ballista://127.0.0.1:PORT"`, the path a real cluster is used through. The derived
//! records come from the bundled fixtures through the ingest and derive stages, as
//! `migstat run` makes them.
//!
//! Built and run by `make test` (target `test-ballista`), with its own target dir:
//! `cargo test -p migstat-tabulate --features ballista-test-cluster --test ballista_engine`.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use ballista_core::serde::protobuf::scheduler_grpc_client::SchedulerGrpcClient;
use ballista_core::serde::BallistaCodec;

use migstat_artefacts::config::{check_engine_url, Config, Engine};
use migstat_artefacts::layout::RunDir;
use migstat_artefacts::reference::Reference;
use migstat_tabulate::plan::{DimensionKind, TabulationPlan};
use migstat_tabulate::query::{self, Aggregates, DesignPass};

/// A scheduler and an executor running on a runtime of their own for the whole test
/// binary (the stages build and drop their own runtimes; the cluster must outlive them).
struct Cluster {
    url: String,
    _runtime: tokio::runtime::Runtime,
}

static CLUSTER: OnceLock<Cluster> = OnceLock::new();

/// Jobs named `migstat tabulate` that the in-process scheduler received, counted from its
/// log: the proof that a query went to the cluster and did not run in this process.
static JOBS_RECEIVED: AtomicUsize = AtomicUsize::new(0);

/// Held by the tests that count jobs, so that each sees only its own.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

struct SchedulerLog;

impl log::Log for SchedulerLog {
    fn enabled(&self, metadata: &log::Metadata) -> bool {
        metadata.level() <= log::Level::Debug && metadata.target().starts_with("ballista_scheduler")
    }

    fn log(&self, record: &log::Record) {
        if !self.enabled(record.metadata()) {
            return;
        }
        // ballista-scheduler 55, scheduler_server/grpc.rs (debug level): "execution query
        // (PUSH) job received - session_id: .., operation_id: .., job_name: ..".
        let text = record.args().to_string();
        if text.contains("job received") && text.contains("job_name: migstat tabulate") {
            JOBS_RECEIVED.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn flush(&self) {}
}

/// The URL of the in-process cluster, started on first use.
fn cluster_url() -> &'static str {
    &CLUSTER.get_or_init(start_cluster).url
}

fn start_cluster() -> Cluster {
    log::set_logger(&SchedulerLog).expect("the only logger of this test");
    log::set_max_level(log::LevelFilter::Debug);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime for the test cluster");
    let address = runtime.block_on(async {
        // Binds a free port on the loopback interface and serves on this runtime.
        let address = ballista_scheduler::standalone::new_standalone_scheduler()
            .await
            .expect("start the Ballista scheduler");
        // The server task may not be accepting yet: retry for up to 10 s.
        let scheduler_http = format!("http://{address}");
        let mut attempts = 0;
        let scheduler = loop {
            match SchedulerGrpcClient::connect(scheduler_http.clone()).await {
                Ok(client) => break client,
                Err(e) if attempts == 100 => {
                    panic!("the scheduler at {scheduler_http} does not answer: {e}")
                }
                Err(_) => {
                    attempts += 1;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        };
        // Two task slots: stages really run in parallel and shuffle between tasks.
        ballista_executor::new_standalone_executor(scheduler, 2, BallistaCodec::default())
            .await
            .expect("start the Ballista executor");
        address
    });
    assert!(
        address.ip().is_loopback(),
        "{address} is not a loopback address"
    );
    let url = format!("ballista://{address}");
    check_engine_url(&url).expect("the test cluster's URL is one the config accepts");
    Cluster {
        url,
        _runtime: runtime,
    }
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The fixture config at `rel`, with `[engine] url` set as a user would write it.
fn config_with_engine(rel: &str, url: &str) -> Config {
    let file = repo_root().join(rel);
    let text = std::fs::read_to_string(&file).expect("fixture config");
    let text = format!("{text}\n[engine]\nurl = \"{url}\"\n");
    let config = Config::parse(&text, &file).expect("fixture config with [engine]");
    assert_eq!(config.engine.url, url);
    config
}

/// Ingest and derive of the fixture into a fresh run folder, as `migstat run` does.
fn derived_run(config: &Config, reference: &Reference) -> (tempfile::TempDir, RunDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let run = RunDir::new(dir.path());
    migstat_ingest::run(config, reference, &run).expect("ingest");
    migstat_derive::run(config, &run).expect("derive");
    (dir, run)
}

/// The single grouping-sets pass on one engine.
fn aggregates(config: &Config, reference: &Reference, run: &RunDir, engine: &Engine) -> Aggregates {
    let plan = TabulationPlan::new(&reference.registry, &reference.age_bands).expect("plan");
    let derived = run.derived_records();
    let replicates = query::replicates_in_artefact(&derived).expect("replicates");
    let pass = DesignPass::for_method(config.design.method, replicates);
    query::aggregate(&plan, &derived, pass, engine)
        .unwrap_or_else(|e| panic!("tabulation query on {}: {e}", engine.url))
}

fn assert_same_aggregates(local: &Aggregates, ballista: &Aggregates) {
    assert_eq!(
        local.cells.len(),
        ballista.cells.len(),
        "number of aggregated cells"
    );
    for (key, totals) in &local.cells {
        assert_eq!(ballista.cells.get(key), Some(totals), "cell {key:?}");
    }
    assert_eq!(local.by_psu, ballista.by_psu, "per-PSU totals");
    assert_eq!(local.design_psus, ballista.design_psus, "the design's PSUs");
}

/// Runs the whole tabulate stage on the local engine, then on the cluster, over the same
/// derived records; returns the aggregates of both and checks that the stage wrote the
/// same `tabulate/estimates.parquet`, byte for byte.
fn local_and_ballista(fixture: &str) -> (Aggregates, Aggregates) {
    let url = cluster_url();
    let reference = Reference::bundled().expect("bundled reference data");
    let local_config = config_with_engine(fixture, "local");
    let ballista_config = config_with_engine(fixture, url);
    let (_dir, run) = derived_run(&local_config, &reference);
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let jobs = || JOBS_RECEIVED.load(Ordering::SeqCst);

    let before = jobs();
    let local = aggregates(&local_config, &reference, &run, &local_config.engine);
    assert_eq!(jobs(), before, "the local engine sent a job to the cluster");
    let ballista = aggregates(&ballista_config, &reference, &run, &ballista_config.engine);
    assert_eq!(jobs(), before + 1, "the query did not go to the cluster");
    assert!(
        !local.cells.is_empty(),
        "{fixture}: the local engine found no cells; nothing would be compared"
    );
    assert_same_aggregates(&local, &ballista);

    migstat_tabulate::run(&local_config, &reference, &run).expect("tabulate, local");
    let local_estimates = std::fs::read(run.estimates()).expect("local estimates");
    migstat_tabulate::run(&ballista_config, &reference, &run).expect("tabulate, Ballista");
    assert_eq!(
        jobs(),
        before + 2,
        "the stage's query did not go to the cluster"
    );
    let ballista_estimates = std::fs::read(run.estimates()).expect("Ballista estimates");
    assert!(
        local_estimates == ballista_estimates,
        "{fixture}: estimates.parquet differs between the local engine ({} bytes) and \
         Ballista ({} bytes)",
        local_estimates.len(),
        ballista_estimates.len()
    );
    (local, ballista)
}

#[test]
fn lfs_fixture_point_estimates_are_the_local_engines() {
    let (local, _) = local_and_ballista("fixtures/lfs/config.toml");
    // The cells compared include age bands: the join to the AGE band table (a VALUES plan
    // shipped with the query) ran on the cluster too.
    let reference = Reference::bundled().expect("bundled reference data");
    let plan = TabulationPlan::new(&reference.registry, &reference.age_bands).expect("plan");
    let banded = plan
        .dimensions
        .iter()
        .position(|d| matches!(d.kind, DimensionKind::Banded { .. }))
        .expect("the registry has a banded dimension (AGE)");
    assert!(
        local.cells.keys().any(|key| key[banded].is_some()),
        "no cell by age band to compare"
    );
}

#[test]
fn taylor_design_psu_totals_are_the_local_engines() {
    // Taylor: every grouping set also by stratum and PSU, persons outside every age band
    // kept (right join) for the design's PSU list.
    let (local, _) = local_and_ballista("fixtures/design/config_taylor.toml");
    assert!(!local.by_psu.is_empty(), "no per-PSU totals to compare");
    assert!(!local.design_psus.is_empty(), "no design PSUs to compare");
}

#[test]
fn replicate_weighted_totals_are_the_local_engines() {
    // JK1: one replicate-weighted sum per status and replicate in the same pass.
    let (local, _) = local_and_ballista("fixtures/design/config_jk1.toml");
    let replicates = local
        .cells
        .values()
        .flat_map(|t| t.replicates.iter())
        .map(Vec::len)
        .max()
        .unwrap_or(0);
    assert!(replicates > 0, "no replicate totals to compare");
}

#[test]
fn an_unreachable_scheduler_is_a_config_error_naming_its_url() {
    // A port nobody listens on: bound, then released.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let url = format!("ballista://127.0.0.1:{port}");
    let reference = Reference::bundled().expect("bundled reference data");
    let local_config = config_with_engine("fixtures/lfs/config.toml", "local");
    let (_dir, run) = derived_run(&local_config, &reference);
    let config = config_with_engine("fixtures/lfs/config.toml", &url);
    let error = migstat_tabulate::run(&config, &reference, &run)
        .expect_err("a tabulation on an unreachable scheduler must fail");
    // A config error (exit code 2) naming the configured URL, not a bug report.
    assert_eq!(error.exit_code(), 2, "{error}");
    let message = error.to_string();
    assert!(
        message.contains(&format!(
            "engine.url = {url}: no Ballista scheduler answers"
        )),
        "the error does not name the URL and what is wrong: {message}"
    );
    assert!(
        !run.estimates().exists(),
        "estimates written despite the failure"
    );
}

#[test]
fn the_dominance_rule_on_ballista_is_a_config_error_before_any_work() {
    // The (n,k)-dominance rule needs migstat's own aggregate function, which a stock
    // Ballista executor does not have: refused when the config is checked (exit 2, naming
    // the keys), not an internal error from the scheduler after ingest and derive.
    let url = cluster_url();
    let file = repo_root().join("fixtures/lfs/config.toml");
    let text = std::fs::read_to_string(&file).expect("fixture config");
    let text = format!(
        "{text}\n[engine]\nurl = \"{url}\"\n[disclosure]\ndominance_n = 2\ndominance_k = 60\n"
    );
    let config = Config::parse(&text, &file).expect("a valid config");
    let error = migstat_tabulate::engine::check(&config)
        .expect_err("dominance on a Ballista engine must be refused");
    assert_eq!(error.exit_code(), 2, "{error}");
    let message = error.to_string();
    assert!(
        message.contains("dominance_n") && message.contains(url),
        "the error names neither the rule nor the engine: {message}"
    );
}
