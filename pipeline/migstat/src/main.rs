//! `migstat`: ICLS labour-migration statistics from census and LFS microdata, as SDMX.
//!
//! The command line only parses arguments and dispatches; the work is in the stage crates
//! (`migstat-ingest`, `-derive`, `-tabulate`, `-publish`) chained by [`runner`].

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

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run { config, out } => runner::run_all(&config, &out).map(|_| ()),
        Command::Stage { stage, config, out } => runner::run_one(stage, &config, &out).map(|_| ()),
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
        }),
        Command::Validate { files, structure } => runner::validate(&files, &structure),
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
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("migstat: {e}");
            ExitCode::from(e.exit_code() as u8)
        }
    }
}
