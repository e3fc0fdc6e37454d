//! Shared by the two ingest targets: the fuzzer's bytes become the input file of a run
//! whose config names it, and the ingest stage runs through its public API. Any `Err` is
//! a correct answer; a panic (or abort, or hang) is a bug.

use std::path::PathBuf;
use std::sync::OnceLock;

use migstat_artefacts::config::Config;
use migstat_artefacts::layout::RunDir;
use migstat_artefacts::reference::Reference;

struct Fixture {
    _dir: tempfile::TempDir,
    input: PathBuf,
    config: Config,
    run: RunDir,
}

fn reference() -> &'static Reference {
    static REFERENCE: OnceLock<Reference> = OnceLock::new();
    REFERENCE.get_or_init(|| Reference::bundled().expect("the bundled reference data load"))
}

fn fixture(file_name: &str) -> Fixture {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let config_path = dir.path().join("config.toml");
    let text = format!(
        "[survey]\nref_area = \"PHL\"\ntime_period = \"2024-Q2\"\nsource_type = \"lfs\"\n\n\
         [input]\npath = \"{file_name}\"\nlayout = \"core\"\n\n\
         [quality]\nsuppress_below_n = 3\nunreliable_below_n = 20\n"
    );
    std::fs::write(&config_path, &text).expect("config written");
    let config = Config::parse(&text, &config_path).expect("the fuzz config parses");
    let input = dir.path().join(file_name);
    let run = RunDir::new(dir.path().join("run"));
    Fixture {
        _dir: dir,
        input,
        config,
        run,
    }
}

/// Writes `data` as `file_name` and ingests it.
pub fn ingest(file_name: &'static str, data: &[u8]) {
    thread_local! {
        static FIXTURES: std::cell::RefCell<Vec<(&'static str, Fixture)>> =
            const { std::cell::RefCell::new(Vec::new()) };
    }
    FIXTURES.with(|cell| {
        let mut fixtures = cell.borrow_mut();
        if !fixtures.iter().any(|(name, _)| *name == file_name) {
            fixtures.push((file_name, fixture(file_name)));
        }
        let (_, f) = fixtures
            .iter()
            .find(|(name, _)| *name == file_name)
            .expect("just added");
        std::fs::write(&f.input, data).expect("input written");
        let _ = migstat_ingest::run(&f.config, reference(), &f.run);
    });
}
