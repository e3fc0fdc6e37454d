//! `migstat`: ICLS labour-migration statistics from census and LFS microdata, as SDMX.
//!
//! The command line only parses arguments and dispatches; the work is in the stage crates
//! (`migstat-ingest`, `-derive`, `-tabulate`, `-publish`) chained by [`runner`].

mod runner;

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
        Command::Xsd {
            out,
            sdmx_schemas,
            layout,
        } => runner::write_schemas(
            &out,
            &sdmx_schemas,
            match layout {
                Layout::Series => sdmx::SchemaLayout::Series,
                Layout::Flat => sdmx::SchemaLayout::Flat,
            },
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
