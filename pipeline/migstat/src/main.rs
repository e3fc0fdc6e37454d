//! `migstat`: ICLS labour-migration statistics from census and LFS microdata, as SDMX.
//!
//! The command line only parses arguments and dispatches; the work is in the stage crates
//! (`migstat-ingest`, `-derive`, `-tabulate`, `-publish`) chained by [`runner`].

mod audit;
mod failure;
mod lock;
mod log;
mod runner;
mod structures;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(
    name = "migstat",
    version,
    about = "ILO labour migration statistics from microdata, published as SDMX"
)]
struct Cli {
    /// Worker threads for the parallel stages (rayon; tokio and DataFusion through
    /// RAYON_NUM_THREADS, TOKIO_WORKER_THREADS, DATAFUSION_EXECUTION_TARGET_PARTITIONS).
    /// Outputs are the same bytes whatever the number. Default: one per core.
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    threads: Option<u16>,
    /// How progress and errors are written on standard error: `human` sentences, or one
    /// JSON object per line (`stage`, `event`, `counts`, `seconds`) for schedulers.
    #[arg(long, global = true, value_enum, default_value_t = log::LogFormat::Human)]
    log_format: log::LogFormat,
    /// No progress output; errors are still written.
    #[arg(long, short, global = true)]
    quiet: bool,
    /// Where the tabulation runs: `local`, or `ballista://HOST:PORT` (an Apache DataFusion
    /// Ballista scheduler; binaries built with the `ballista` feature). Overrides
    /// `[engine] url`.
    #[arg(long, global = true, value_name = "URL", value_parser = parse_engine_url)]
    engine: Option<String>,
    /// The memory (MiB) the tabulation may hold before spilling to disk. Overrides
    /// `[engine] memory_limit_mib`.
    #[arg(long, global = true, value_name = "MIB", value_parser = clap::value_parser!(u64).range(16..))]
    memory_limit: Option<u64>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run every stage (ingest, derive, tabulate, publish) into DIR.
    Run {
        /// The run config (TOML).
        #[arg(long)]
        config: PathBuf,
        /// The output folder.
        #[arg(long)]
        out: PathBuf,
        /// Redo the run even when DIR is up to date (same inputs, config, reference data
        /// and migstat, every output as recorded).
        #[arg(long)]
        force: bool,
    },
    /// Rerun one stage from the artefact the previous stage left in DIR.
    Stage {
        /// The stage to run.
        stage: runner::Stage,
        /// The run config (TOML).
        #[arg(long)]
        config: PathBuf,
        /// The run folder holding the stage's input artefact.
        #[arg(long)]
        out: PathBuf,
    },
    /// Rerun the stages a manifest records, from their recorded inputs, in a temporary
    /// folder, and compare every artefact with the recorded one: one line each,
    /// `identical` or the first differing byte. Exit 0 when all are identical, 4 otherwise.
    Replay {
        /// The run's manifest (`DIR/manifest.json`).
        manifest: PathBuf,
        /// Replay only this stage, from its recorded input artefacts in DIR.
        #[arg(long)]
        stage: Option<runner::Stage>,
        /// The config file, when it is no longer where the manifest says (its normalised
        /// content must still match the recorded hash).
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Check every file a run's manifest names (config, inputs, outputs) against its
    /// recorded SHA-256: exit 0 when all match, 5 naming each missing or changed file.
    Verify {
        /// The run folder (holding manifest.json).
        dir: PathBuf,
    },
    /// Check SDMX files (SDMX-ML 2.1 StructureSpecific or Generic, SDMX-ML 3.0
    /// StructureSpecific, SDMX-CSV 1.0 or 2.0), including files other tools wrote, against
    /// structure messages: one line per problem, exit 0 when every file is valid, 4 otherwise.
    Validate {
        /// The files to check.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// SDMX-ML 2.1 structure messages with the DSDs, dataflows and codelists
        /// (repeatable). Default: the structures bundled with migstat.
        #[arg(long)]
        structure: Vec<PathBuf>,
    },
    /// Write realistic, deterministic synthetic core-record microdata (CSV or Parquet by
    /// the extension of --out): households, an age pyramid, migrant shares by age and sex,
    /// labour force patterns that differ by migrant status, every special case.
    Synth {
        /// Number of persons.
        #[arg(long)]
        persons: u64,
        /// Random seed (the same seed gives the same bytes).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The reporting country (ISO 3166-1 alpha-3).
        #[arg(long, default_value = "PHL")]
        ref_area: String,
        /// Add a sample design: strata, PSUs (one lonely stratum) and 80 bootstrap
        /// replicate weights.
        #[arg(long)]
        design: bool,
        /// The output file, `.csv` or `.parquet`.
        #[arg(long)]
        out: PathBuf,
    },
    /// Write DIR/report.html (the quality report) for an existing run folder.
    Report {
        /// The run config (TOML).
        #[arg(long)]
        config: PathBuf,
        /// The run folder.
        #[arg(long)]
        out: PathBuf,
    },
    /// SDMX structures from a registry (ILO's by default).
    Structures {
        #[command(subcommand)]
        command: StructuresCommand,
    },
    /// Write the DSD-specific XML schemas of every published dataflow, for validating the
    /// SDMX files with any XSD validator (codelists as enumerations).
    Xsd {
        /// The output folder.
        #[arg(long)]
        out: PathBuf,
        /// Where the official SDMX-ML 2.1 schemas are, as referenced from the output folder.
        #[arg(long, default_value = "../schemas/xsd/v2_1")]
        sdmx_schemas: String,
        /// Series layout (dimensionAtObservation=TIME_PERIOD) or flat (AllDimensions).
        #[arg(long, value_enum, default_value_t = Layout::Series)]
        layout: Layout,
        /// The SDMX-ML version of the schemas.
        #[arg(long, value_enum, default_value_t = runner::SdmxVersion::V21)]
        sdmx_version: runner::SdmxVersion,
    },
}

#[derive(Subcommand)]
enum StructuresCommand {
    /// Fetch dataflows with their DSDs, codelists and concept schemes
    /// (`{registry}/dataflow/ILO/{DATAFLOW}/latest?references=all`) into a folder.
    Fetch {
        /// Dataflow ids, e.g. DF_MST_TEAP_SEX_AGE_CBR_NB.
        #[arg(required = true)]
        dataflows: Vec<String>,
        /// The registry's SDMX REST base URL.
        #[arg(long, default_value = sdmx_registry::DEFAULT_BASE_URL)]
        registry: String,
        /// Where each structure message is written, as `<DATAFLOW>.xml`.
        #[arg(long, default_value = "schemas/dsd/fetched")]
        out: PathBuf,
        /// The HTTP cache (ETag / Last-Modified aware); also what `--offline` reads.
        #[arg(long, default_value = ".cache/sdmx-registry")]
        cache: PathBuf,
        /// Use only the cache, never the network.
        #[arg(long)]
        offline: bool,
        /// Seconds before a request times out.
        #[arg(long, default_value_t = 30)]
        timeout: u64,
        /// Retries after a server error or timeout (with doubling backoff).
        #[arg(long, default_value_t = 3)]
        retries: u32,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Layout {
    Series,
    Flat,
}

/// Sizes every thread pool before any is started: rayon's global pool here; tokio and
/// DataFusion (built by the tabulate stage) through their environment variables.
fn set_threads(n: u16) {
    let n = n.to_string();
    // Single-threaded here: nothing else reads the environment yet.
    for var in [
        "RAYON_NUM_THREADS",
        "TOKIO_WORKER_THREADS",
        "DATAFUSION_EXECUTION_TARGET_PARTITIONS",
    ] {
        std::env::set_var(var, &n);
    }
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(n.parse().unwrap_or(1))
        .build_global();
}

fn parse_engine_url(url: &str) -> Result<String, String> {
    migstat_artefacts::config::check_engine_url(url).map(|()| url.to_string())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    log::init(cli.log_format, cli.quiet);
    if let Some(n) = cli.threads {
        set_threads(n);
    }
    runner::set_engine_overrides(runner::EngineOverrides {
        url: cli.engine,
        memory_limit_mib: cli.memory_limit,
    });
    let result: Result<(), failure::Failure> = match cli.command {
        Command::Run { config, out, force } => {
            runner::run_all(&config, &out, runner::RunOptions { force })
        }
        Command::Stage { stage, config, out } => runner::run_one(stage, &config, &out),
        Command::Replay {
            manifest,
            stage,
            config,
        } => audit::replay(&manifest, stage, config.as_deref()),
        Command::Verify { dir } => audit::verify(&dir),
        Command::Structures {
            command:
                StructuresCommand::Fetch {
                    dataflows,
                    registry,
                    out,
                    cache,
                    offline,
                    timeout,
                    retries,
                },
        } => structures::fetch(&structures::FetchRequest {
            dataflows,
            registry,
            out,
            cache,
            offline,
            timeout: std::time::Duration::from_secs(timeout),
            retries,
        })
        .map_err(Into::into),
        Command::Synth {
            persons,
            seed,
            ref_area,
            design,
            out,
        } => {
            let options = migstat_synth::SynthOptions {
                design: design.then(migstat_synth::DesignOptions::default),
                ..migstat_synth::SynthOptions::new(persons, seed, &ref_area)
            };
            migstat_synth::generate(&options, &out)
                .map(|n| {
                    log::note(
                        "synth",
                        &format!("synth: {n} persons written to {}", out.display()),
                    )
                })
                .map_err(|e| {
                    match e {
                        migstat_synth::SynthError::Options(m) => {
                            migstat_artefacts::Error::config("migstat synth", m)
                        }
                        other => migstat_artefacts::Error::io(
                            &out,
                            std::io::Error::other(other.to_string()),
                        ),
                    }
                    .into()
                })
        }
        Command::Report { config, out } => migstat_report::write_report_for_dir(&out, &config)
            .map(|path| log::note("report", &format!("report: {}", path.display())))
            .map_err(Into::into),
        Command::Validate { files, structure } => {
            runner::validate(&files, &structure).map_err(Into::into)
        }
        Command::Xsd {
            out,
            sdmx_schemas,
            layout,
            sdmx_version,
        } => runner::write_schemas(
            &out,
            &sdmx_schemas,
            match layout {
                Layout::Series => sdmx::SchemaLayout::Series,
                Layout::Flat => sdmx::SchemaLayout::Flat,
            },
            sdmx_version,
        )
        .map_err(Into::into),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let code = e.exit_code();
            log::error(&e.to_string(), code);
            ExitCode::from(code as u8)
        }
    }
}
