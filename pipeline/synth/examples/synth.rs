//! `cargo run --release -p migstat-synth --example synth -- N SEED OUT [REF_AREA] [--design]`
//!
//! Writes N synthetic persons (CSV or Parquet by OUT's extension) and prints the time taken.
//! `--design` adds 12 strata, 2-6 PSUs each (one lonely stratum) and 80 bootstrap
//! replicate weights.

use std::path::Path;
use std::time::Instant;

use migstat_synth::{generate, DesignOptions, SynthOptions};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let design = args.iter().any(|a| a == "--design");
    let positional: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    if positional.len() < 3 {
        eprintln!("usage: synth N SEED OUT [REF_AREA] [--design]");
        std::process::exit(2);
    }
    let parse = |s: &str| -> u64 {
        s.replace('_', "").parse().unwrap_or_else(|_| {
            eprintln!("not a number: {s}");
            std::process::exit(2)
        })
    };
    let mut options = SynthOptions::new(
        parse(positional[0]),
        parse(positional[1]),
        positional.get(3).map_or("PHL", |s| s.as_str()),
    );
    if design {
        options.design = Some(DesignOptions::default());
    }
    let out = Path::new(positional[2]);
    let start = Instant::now();
    match generate(&options, out) {
        Ok(n) => eprintln!(
            "wrote {n} persons to {} in {:.2} s",
            out.display(),
            start.elapsed().as_secs_f64()
        ),
        Err(e) => {
            eprintln!("synth: {e}");
            std::process::exit(1);
        }
    }
}
