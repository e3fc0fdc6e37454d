//! SPSS, Stata and fixed-width (CSPro, DDI) input: the national fixtures of
//! `fixtures/national/` (written by pyreadstat and `make_fixtures.py` from the core
//! fixtures) give the core records byte for byte; bad values, damaged files and bad
//! dictionaries are rejects naming the record, line, variable, value and rule; keys that do
//! not fit the dictionary are config errors. (The published SDMX of the same fixtures is
//! compared with the core run's by `tests/python/test_layouts.py`.)

use std::path::{Path, PathBuf};

use migstat_artefacts::config::Config;
use migstat_artefacts::layout::RunDir;
use migstat_artefacts::reference::Reference;
use migstat_artefacts::rejects::Reject;
use migstat_artefacts::Error;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

fn national() -> PathBuf {
    fixtures().join("national")
}

fn ingest(config: &Path, out: &Path) -> migstat_artefacts::Result<Vec<u8>> {
    let config = Config::load(config)?;
    let run = RunDir::new(out);
    migstat_ingest::run(&config, &Reference::bundled()?, &run)?;
    Ok(std::fs::read(run.core_records()).unwrap())
}

fn rejects(config: &Path, out: &Path) -> Vec<Reject> {
    match ingest(config, out) {
        Err(Error::Input(e)) => {
            let text = std::fs::read_to_string(e.rejects_file.unwrap()).unwrap();
            assert_eq!(
                text.lines().count() as u64,
                e.total + 1,
                "rejects.csv lists all"
            );
            e.first
        }
        other => panic!("expected an input error, got {other:?}"),
    }
}

/// (rule, row, line, column, value) of a reject.
type Summary<'a> = (&'a str, Option<u64>, Option<u64>, &'a str, &'a str);

/// The [`Summary`] of each reject.
fn summary(rejects: &[Reject]) -> Vec<Summary<'_>> {
    rejects
        .iter()
        .map(|r| (r.rule, r.row, r.line, r.column.as_str(), r.value.as_str()))
        .collect()
}

/// A config in `dir` for `data` (a file name in `dir`), with more `[input]` keys.
fn config_in(dir: &Path, data: &str, layout: &str, input: &str) -> PathBuf {
    let config = dir.join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[survey]\nref_area = \"PHL\"\ntime_period = \"2024-Q2\"\nsource_type = \"lfs\"\n\
             [input]\npath = \"{data}\"\nlayout = \"{layout}\"\n{input}"
        ),
    )
    .unwrap();
    config
}

/// The CSPro fixture copied into `dir` with its data changed by `edit`.
fn cspro_copy(dir: &Path, edit: impl FnOnce(&mut Vec<Vec<u8>>)) -> PathBuf {
    let source = national().join("cspro");
    std::fs::copy(source.join("census.dcf"), dir.join("census.dcf")).unwrap();
    std::fs::copy(national().join("layout.toml"), dir.join("layout.toml")).unwrap();
    std::fs::copy(
        national().join("iso3166_numeric.csv"),
        dir.join("iso3166_numeric.csv"),
    )
    .unwrap();
    let data = std::fs::read(source.join("census.dat")).unwrap();
    let mut lines: Vec<Vec<u8>> = data
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l).to_vec())
        .collect();
    edit(&mut lines);
    std::fs::write(dir.join("census.dat"), lines.join(&b"\r\n"[..])).unwrap();
    config_in(
        dir,
        "census.dat",
        "layout.toml",
        "dictionary = \"census.dcf\"\nrecord_type = \"PERSON\"\ncarry = [\"HOUSING\"]\n\
         encoding = \"latin-1\"\n",
    )
}

#[test]
fn every_national_format_gives_the_core_records_byte_for_byte() {
    let out = tempfile::tempdir().unwrap();
    let core = ingest(
        &national().join("core/config.toml"),
        &out.path().join("core"),
    )
    .unwrap();
    for name in ["sav", "dta", "cspro"] {
        let got = ingest(
            &national().join(name).join("config.toml"),
            &out.path().join(name),
        )
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            got == core,
            "{name}: core.parquet differs from the core run's"
        );
    }
}

#[test]
fn the_ipums_fixed_width_extract_gives_the_records_of_the_same_extract_as_csv() {
    let out = tempfile::tempdir().unwrap();
    let csv = ingest(
        &fixtures().join("layouts/ipums-international/config.toml"),
        &out.path().join("csv"),
    )
    .unwrap();
    let fixed = ingest(
        &national().join("ipums/config.toml"),
        &out.path().join("fixed"),
    )
    .unwrap();
    assert!(
        fixed == csv,
        "the DDI extract's core.parquet differs from the CSV extract's"
    );
}

#[test]
fn typed_files_in_the_core_record_need_no_layout() {
    let out = tempfile::tempdir().unwrap();
    let want = ingest(
        &fixtures().join("worked_example/config.toml"),
        &out.path().join("csv"),
    )
    .unwrap();
    for file in ["worked_example.sav", "worked_example.dta"] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy(national().join("core").join(file), dir.path().join(file)).unwrap();
        let config = config_in(dir.path(), file, "core", "");
        let text = std::fs::read_to_string(&config)
            .unwrap()
            .replace("2024-Q2", "2024");
        std::fs::write(&config, text).unwrap();
        let got = ingest(&config, &dir.path().join("out")).unwrap();
        assert!(got == want, "{file}: differs from the CSV run");
    }
}

#[test]
fn bad_values_in_sav_and_dta_are_rejects_naming_record_variable_and_value() {
    for file in ["values.sav", "values.dta"] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy(national().join("bad").join(file), dir.path().join(file)).unwrap();
        for copy in ["layout.toml", "iso3166_numeric.csv"] {
            std::fs::copy(national().join(copy), dir.path().join(copy)).unwrap();
        }
        let config = config_in(dir.path(), file, "layout.toml", "");
        let got = rejects(&config, &dir.path().join("out"));
        assert_eq!(
            summary(&got),
            [
                ("layout.code", Some(2), None, "SEXO", "7"),
                ("weight.negative", Some(3), None, "FACTOR", "-2"),
                ("layout.code", Some(4), None, "PAIS_NAC", "1"),
            ],
            "{file}"
        );
        // SEXO maps on its value labels: 7 has none, and the message says which it knows.
        assert!(
            got[0].message.contains("Hombre") && got[0].message.contains("columns.sex"),
            "{}",
            got[0].message
        );
    }
}

#[test]
fn a_damaged_sav_or_dta_is_a_reject_naming_the_record_and_offset() {
    for (file, rule) in [
        ("sav/microdata.sav", "sav.unreadable"),
        ("dta/microdata.dta", "dta.unreadable"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let bytes = std::fs::read(national().join(file)).unwrap();
        let name = Path::new(file).file_name().unwrap().to_str().unwrap();
        for copy in ["layout.toml", "iso3166_numeric.csv"] {
            std::fs::copy(national().join(copy), dir.path().join(copy)).unwrap();
        }
        // Cut in the middle of the data.
        std::fs::write(dir.path().join(name), &bytes[..bytes.len() / 2]).unwrap();
        let config = config_in(dir.path(), name, "layout.toml", "");
        let got = rejects(&config, &dir.path().join("out"));
        assert_eq!(got.len(), 1, "{file}: {got:?}");
        assert_eq!(got[0].rule, rule, "{file}");
        assert!(got[0].value.starts_with("byte "), "{file}: {:?}", got[0]);
        assert!(got[0].file.ends_with(name));
        if rule == "sav.unreadable" {
            // Compressed data has no fixed record size: the records before the cut are
            // read, and the reject names the record where the data ends.
            let row = got[0].row.unwrap();
            assert!(row > 1 && row < 4000, "{file}: row {row}");
            assert!(
                got[0].message.contains(&format!("record {row}")),
                "{:?}",
                got[0]
            );
        } else {
            // Stata records have a fixed size: a short file is refused when opened.
            assert_eq!(got[0].row, None);
            assert!(got[0].message.contains("truncated"), "{:?}", got[0]);
        }
        // A file that is not a system file at all, named .sav/.dta: refused by its reader.
        std::fs::write(dir.path().join(name), b"person_id,weight\n1,2\n").unwrap();
        let got = rejects(&config, &dir.path().join("out2"));
        assert_eq!((got[0].rule, got[0].row), (rule, None), "{file}: {got:?}");
    }
}

#[test]
fn bad_fixed_width_records_are_rejects_and_reading_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let config = cspro_copy(dir.path(), |lines| {
        // Line 2 (a person of the first household): an age that is not a number. The age
        // sits after the record type (1), household id (7), person id (10), weight (8)
        // and sex (2): positions 29-31.
        lines[1][28..31].copy_from_slice(b"6x5");
        // Line 3: a record type the dictionary does not declare.
        lines[2][0] = b'7';
        // The second household's housing record: a region that is not a number. Its
        // persons cannot be given their household's items.
        let second = lines
            .iter()
            .enumerate()
            .skip(1)
            .find(|(_, l)| l[0] == b'1')
            .unwrap()
            .0;
        lines[second][8] = b'R';
    });
    let got = rejects(&config, &dir.path().join("out"));
    let s = summary(&got);
    // In the order of the lines; row counts the records handed out (persons, and lines
    // that could not be read).
    assert_eq!(
        s[0],
        ("fixed.not_a_number", Some(1), Some(2), "EDAD", "6x5"),
        "{got:?}"
    );
    assert_eq!(s[1], ("fixed.record_type", Some(2), Some(3), "", "7"));
    assert!(
        got[0].message.contains("EDAD is not a number"),
        "{}",
        got[0].message
    );
    // The bad housing record, then each of its persons.
    let housing = got
        .iter()
        .find(|r| r.rule == "fixed.not_a_number" && r.column == "REGION")
        .expect("the housing record's bad region is a reject");
    assert_eq!(housing.value, "R");
    let persons: Vec<&Reject> = got.iter().filter(|r| r.rule == "fixed.case").collect();
    assert!(!persons.is_empty());
    for p in &persons {
        assert_eq!((p.column.as_str(), p.value.as_str()), ("REGION", "R"));
        assert!(
            p.message
                .contains(&format!("line {}", housing.line.unwrap())),
            "{}",
            p.message
        );
    }
    // Nothing else: every other record was read (and the run failed on these).
    assert_eq!(got.len(), 3 + persons.len(), "{got:?}");
}

#[test]
fn a_latin1_file_read_as_utf8_is_an_encoding_reject_naming_the_variable() {
    let dir = tempfile::tempdir().unwrap();
    let config = cspro_copy(dir.path(), |_| {});
    let text = std::fs::read_to_string(&config)
        .unwrap()
        .replace("encoding = \"latin-1\"", "encoding = \"utf-8\"");
    std::fs::write(&config, text).unwrap();
    let got = rejects(&config, &dir.path().join("out"));
    let first = &got[0];
    assert_eq!(
        (first.rule, first.column.as_str()),
        ("fixed.encoding", "MUNICIPIO")
    );
    // The housing records with an accent (Peñalolén, Concepción, Ñuñoa): every person
    // of those households is a fixed.case reject pointing at it.
    assert!(got
        .iter()
        .all(|r| r.rule == "fixed.encoding" || r.rule == "fixed.case"));
}

#[test]
fn a_line_too_long_and_a_case_that_never_ends_are_rejects() {
    let dir = tempfile::tempdir().unwrap();
    let config = cspro_copy(dir.path(), |lines| {
        let mut long = lines[1].clone();
        long.resize((1 << 20) + 10, b'9');
        lines[1] = long;
    });
    let got = rejects(&config, &dir.path().join("out"));
    assert_eq!(
        (got[0].rule, got[0].row, got[0].line),
        ("fixed.line_too_long", Some(1), Some(2))
    );
    let dir = tempfile::tempdir().unwrap();
    let config = cspro_copy(dir.path(), |lines| {
        // One household id on 100,001 lines: the case key never changes.
        let person = lines[1].clone();
        lines.truncate(1);
        lines.extend(std::iter::repeat_n(person, 100_001));
    });
    let got = rejects(&config, &dir.path().join("out"));
    assert_eq!(got.last().unwrap().rule, "fixed.unreadable", "{got:?}");
    assert!(got.last().unwrap().message.contains("case key"));
}

#[test]
fn a_dictionary_that_is_not_one_is_a_reject_naming_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let config = cspro_copy(dir.path(), |_| {});
    let dcf = std::fs::read_to_string(dir.path().join("census.dcf"))
        .unwrap()
        .replacen("Len=3", "Len=three", 1);
    std::fs::write(dir.path().join("census.dcf"), dcf).unwrap();
    let got = rejects(&config, &dir.path().join("out"));
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].rule, "dictionary.invalid");
    assert!(got[0].file.ends_with("census.dcf"), "{:?}", got[0]);
    assert!(
        got[0].line.is_some() && got[0].message.contains("three"),
        "{:?}",
        got[0]
    );
}

#[test]
fn input_keys_that_do_not_fit_the_dictionary_are_config_errors() {
    let dir = tempfile::tempdir().unwrap();
    let config = cspro_copy(dir.path(), |_| {});
    let base = std::fs::read_to_string(&config).unwrap();
    for (from, to, says) in [
        (
            "record_type = \"PERSON\"\ncarry = [\"HOUSING\"]\n",
            "",
            "input.record_type",
        ),
        (
            "carry = [\"HOUSING\"]",
            "carry = [\"HOGAR\"]",
            "input.carry",
        ),
        (
            "record_type = \"PERSON\"",
            "record_type = \"PERSONA\"",
            "PERSONA",
        ),
    ] {
        std::fs::write(&config, base.replace(from, to)).unwrap();
        match ingest(&config, &dir.path().join("out")) {
            Err(e @ Error::Config { .. }) => {
                let e = e.to_string();
                assert!(
                    e.contains(says) && e.contains("HOUSING, PERSON"),
                    "{says}: {e}"
                );
            }
            other => panic!("{says}: {other:?}"),
        }
    }
    // A divide the dictionary's implied decimals contradict.
    std::fs::write(&config, &base).unwrap();
    let layout = std::fs::read_to_string(dir.path().join("layout.toml"))
        .unwrap()
        .replace("from = \"FACTOR\"\n", "from = \"FACTOR\"\ndivide = 1000\n");
    std::fs::write(dir.path().join("layout.toml"), layout).unwrap();
    let e = ingest(&config, &dir.path().join("out"))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("columns.weight.divide") && e.contains("FACTOR 2 implied"),
        "{e}"
    );
    // The [input] keys of fixed-width text need a dictionary.
    let e = Config::load(&config_in(
        dir.path(),
        "census.dat",
        "core",
        "record_type = \"PERSON\"\n",
    ))
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("input.record_type") && e.contains("input.dictionary"),
        "{e}"
    );
}

#[test]
fn value_labels_cannot_be_asked_of_delimited_text() {
    let dir = tempfile::tempdir().unwrap();
    for copy in ["layout.toml", "iso3166_numeric.csv"] {
        std::fs::copy(national().join(copy), dir.path().join(copy)).unwrap();
    }
    std::fs::write(dir.path().join("data.csv"), "ID_PERSONA\n1\n").unwrap();
    let config = config_in(dir.path(), "data.csv", "layout.toml", "");
    let e = ingest(&config, &dir.path().join("out"))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("columns.sex.labels") && e.contains("no value labels"),
        "{e}"
    );
}
