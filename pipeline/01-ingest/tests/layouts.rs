//! Layouts (`[input] layout`): the national-shape fixtures of `fixtures/layouts/` (made by
//! `make_fixtures.py` from `fixtures/lfs/core.csv`) give the core fixture's records byte
//! for byte; national values a layout cannot map are rejects naming the national column;
//! a wrong layout is a config error naming the key. A record with a value the layout
//! cannot map is not checked further (like a record that breaks the CSV structure). (The published SDMX of the same
//! fixtures is compared with the core run's by `tests/python/test_layouts.py`.)

use std::path::{Path, PathBuf};

use migstat_artefacts::config::Config;
use migstat_artefacts::layout::RunDir;
use migstat_artefacts::reference::Reference;
use migstat_artefacts::Error;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/layouts")
}

fn ingest(config: &Path, out: &Path) -> migstat_artefacts::Result<Vec<u8>> {
    let config = Config::load(config)?;
    let run = RunDir::new(out);
    migstat_ingest::run(&config, &Reference::bundled()?, &run)?;
    Ok(std::fs::read(run.core_records()).unwrap())
}

#[test]
fn every_national_fixture_gives_the_core_records_byte_for_byte() {
    let out = tempfile::tempdir().unwrap();
    let core = ingest(
        &fixtures().join("core/config.toml"),
        &out.path().join("core"),
    )
    .unwrap();
    for name in ["eu-lfs", "ipums-international", "national-latin1"] {
        let got = ingest(
            &fixtures().join(name).join("config.toml"),
            &out.path().join(name),
        )
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            got == core,
            "{name}: core.parquet differs from the core run's"
        );
    }
}

fn config_for(dir: &Path, layout: &str, data: &str) -> PathBuf {
    std::fs::write(dir.join("data.csv"), data).unwrap();
    let config = dir.join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[survey]\nref_area = \"PHL\"\ntime_period = \"2024-Q2\"\nsource_type = \"lfs\"\n\
             [input]\npath = \"data.csv\"\nlayout = \"{layout}\"\n"
        ),
    )
    .unwrap();
    config
}

const EU_HEADER: &str = "HHNUM,HHSEQNUM,COEFFY,SEX,YEARBIR,COUNTRYB,CITIZENSHIP,ILOSTAT\n";

#[test]
fn unmappable_values_are_rejects_naming_the_national_column() {
    let dir = tempfile::tempdir().unwrap();
    let data = format!(
        "{EU_HEADER}H1,01,1.5,1,1980,PH,PH,1\nH1,02,1.5,7,19x0,ZZ,UK,4\nH1,03,-2,2,1990,EL,STLS,1\nH1,04,1,2,1990,EL,STLS,5\n"
    );
    let config = config_for(dir.path(), "eu-lfs", &data);
    let Err(Error::Input(e)) = ingest(&config, &dir.path().join("out")) else {
        panic!("bad national values are input errors");
    };
    let got: Vec<(&str, Option<u64>, &str, &str)> = e
        .first
        .iter()
        .map(|r| (r.rule, r.row, r.column.as_str(), r.value.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("layout.code", Some(2), "SEX", "7"),
            ("layout.not_a_number", Some(2), "YEARBIR", "19x0"),
            ("layout.code", Some(2), "COUNTRYB", "ZZ"),
            ("weight.negative", Some(3), "COEFFY", "-2"),
            ("layout.code", Some(4), "ILOSTAT", "5"),
        ]
    );
}

#[test]
fn missing_national_columns_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_for(
        dir.path(),
        "ipums-international",
        "SERIAL,PERNUM,SEX\n1,1,1\n",
    );
    let Err(Error::Input(e)) = ingest(&config, &dir.path().join("out")) else {
        panic!("missing columns are input errors");
    };
    let cols: Vec<&str> = e.first.iter().map(|r| r.column.as_str()).collect();
    assert_eq!(
        cols,
        ["PERWT", "AGE", "BPLCOUNTRY", "NATION", "CITIZEN", "EMPSTAT"]
    );
    assert!(e.first.iter().all(|r| r.rule == "column.missing"));
}

#[test]
fn windows_1252_and_a_layout_file_next_to_the_config() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("mine.toml"),
        "[layout]\nname = \"mine\"\n[file]\ndelimiter = \"\\t\"\nquote = \"\"\nencoding = \"windows-1252\"\n\
         [columns.person_id]\nfrom = \"ID\"\n[columns.weight]\nfrom = \"W\"\n\
         [columns.sex]\nfrom = \"S\"\nmap = { \"\u{2642}\" = \"M\", \"\u{20AC}\" = \"F\" }\n\
         [columns.age]\nfrom = \"A\"\n[columns.country_of_birth]\nvalue = \"PHL\"\n\
         [columns.citizenship]\nvalue = \"PHL\"\n[columns.lfs_status]\nvalue = \"EMP\"\n",
    )
    .unwrap();
    let config = config_for(dir.path(), "mine.toml", "");
    // 0x80 is the euro sign in Windows-1252; "\"" is not a quote here.
    std::fs::write(
        dir.path().join("data.csv"),
        b"ID\tW\tS\tA\n\"p1\t2\t\x80\t30\n",
    )
    .unwrap();
    ingest(&config, &dir.path().join("out")).unwrap();
    std::fs::write(dir.path().join("data.csv"), b"ID\tW\tS\tA\np1\t2\tx\t30\n").unwrap();
    let Err(Error::Input(e)) = ingest(&config, &dir.path().join("out2")) else {
        panic!("x is not a sex code of the layout");
    };
    assert_eq!(
        (e.first[0].rule, e.first[0].column.as_str()),
        ("layout.code", "S")
    );
}

#[test]
fn wrong_layouts_are_config_errors_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    for (text, key) in [
        (
            "[layout]\nname = \"x\"\n[columns.sexx]\nfrom = \"S\"\n",
            "columns.sexx",
        ),
        (
            "[layout]\nname = \"x\"\n[columns.sex]\nfrom = \"S\"\nmapp = {}\n",
            "mapp",
        ),
        (
            "[layout]\nname = \"x\"\n[file]\nencoding = \"ebcdic\"\n[columns]\n",
            "ebcdic",
        ),
        (
            "[layout]\nname = \"x\"\n[columns.person_id]\nfrom = \"P\"\n",
            "columns.weight",
        ),
    ] {
        std::fs::write(dir.path().join("l.toml"), text).unwrap();
        let config = config_for(dir.path(), "l.toml", EU_HEADER);
        match ingest(&config, &dir.path().join("out")) {
            Err(e @ Error::Config { .. }) => {
                let e = e.to_string();
                assert!(e.contains(key) && e.contains("l.toml"), "{key}: {e}");
            }
            other => panic!("{key}: {other:?}"),
        }
    }
    // A layout value that is neither built in nor a file.
    let config = config_for(dir.path(), "spss", EU_HEADER);
    let e = Config::load(&config).unwrap_err().to_string();
    assert!(e.contains("input.layout") && e.contains("eu-lfs"), "{e}");
    let config = config_for(dir.path(), "nope.toml", EU_HEADER);
    let e = Config::load(&config).unwrap_err().to_string();
    assert!(e.contains("input.layout") && e.contains("nope.toml"), "{e}");
}
