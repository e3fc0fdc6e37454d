//! Writes the quality report of a run folder: `render DIR CONFIG` -> `DIR/report.html`.

use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir, config] = args.as_slice() else {
        eprintln!("usage: render DIR CONFIG");
        return ExitCode::from(2);
    };
    match migstat_report::write_report_for_dir(Path::new(dir), Path::new(config)) {
        Ok(path) => {
            println!("{}", path.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(70))
        }
    }
}
