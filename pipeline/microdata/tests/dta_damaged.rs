//! Damaged Stata datasets: truncations and corruptions of the test files are read without
//! a panic, a truncated file never passes for a whole one, and the errors say where and
//! what.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use migstat_microdata::dta::DtaReader;
use migstat_microdata::{Error, RecordReader, Variable};

/// The small test files (the 200,000-observation one is for dta_streaming.rs).
const FILES: [&str; 13] = [
    "pandas_114_lsf.dta",
    "pandas_114_msf.dta",
    "pandas_117_lsf.dta",
    "pandas_117_msf.dta",
    "pandas_118_lsf.dta",
    "pandas_118_msf.dta",
    "pandas_119_lsf.dta",
    "pandas_119_msf.dta",
    "pyreadstat_113.dta",
    "pyreadstat_115.dta",
    "pyreadstat_117.dta",
    "pyreadstat_118.dta",
    "pyreadstat_119.dta",
];

fn data(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/dta")
        .join(file)
}

type Contents = (Vec<Variable>, Vec<Vec<Option<String>>>);

/// The variables and observations of a file. A corrupt header may declare any number of
/// observations of zero bytes: no file here has more than 6, so reading stops after 1,000.
fn read_all(path: &Path) -> Result<Contents, Error> {
    let mut reader = DtaReader::open(path)?;
    let mut records = Vec::new();
    let mut values = Vec::new();
    while records.len() < 1000 && reader.next_record(&mut values)? {
        records.push(values.clone());
    }
    Ok((reader.variables().to_vec(), records))
}

/// A directory for the damaged copies, in memory where the system has one.
fn scratch() -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    if shm.is_dir() {
        if let Ok(dir) = tempfile::tempdir_in(shm) {
            return dir;
        }
    }
    tempfile::tempdir().unwrap()
}

/// The positions to damage in file number `file` of [`FILES`] with damage number `kind`:
/// every byte of the first `head`, then one byte in `stride`. The phase moves with the
/// file and the kind of damage, so that together they hit every residue of the stride and
/// every section of every format (header, map, descriptors, labels, data, strLs, value
/// labels), in a few seconds of a debug build (every byte of every file took a quarter
/// of a minute).
fn positions(
    len: usize,
    head: usize,
    stride: usize,
    file: usize,
    kind: usize,
) -> impl Iterator<Item = usize> {
    let phase = (file * 5 + kind) % stride;
    (0..len.min(head)).chain((head..len).filter(move |p| p % stride == phase))
}

/// The bytes cut at every length: the header of formats 113-115 (64 bytes and the
/// descriptors that follow), and the opening tags, release and byte order of 117-119.
const HEAD: usize = 128;

#[test]
fn every_truncation_is_an_error_never_a_panic_or_a_shorter_file() {
    let dir = scratch();
    let mut failures = Vec::new();
    for (f, file) in FILES.into_iter().enumerate() {
        let (whole_variables, whole_records) = read_all(&data(file)).unwrap();
        let bytes = std::fs::read(data(file)).unwrap();
        // Formats 113-115 end with value label tables and no count or end mark: a file cut
        // between two tables cannot be told from a whole one. Its observations are whole.
        let labels_run_to_the_end = bytes[0] != b'<';
        let cut = dir.path().join(file);
        for len in positions(bytes.len(), HEAD, 32, f, 0) {
            std::fs::write(&cut, &bytes[..len]).unwrap();
            match catch_unwind(AssertUnwindSafe(|| read_all(&cut))) {
                Err(_) => failures.push(format!("{file} cut to {len} bytes: panic")),
                Ok(Ok((variables, records))) => {
                    let same_variables = variables.len() == whole_variables.len()
                        && variables.iter().zip(&whole_variables).all(|(a, b)| {
                            a.name == b.name
                                && a.label == b.label
                                && (labels_run_to_the_end || a.value_labels == b.value_labels)
                        });
                    if records != whole_records || !same_variables {
                        failures.push(format!(
                            "{file} cut to {len} bytes: read as a file of {} observations",
                            records.len()
                        ));
                    }
                }
                Ok(Err(Error::Format { offset, .. })) if offset <= len as u64 => {}
                Ok(Err(e)) => failures.push(format!("{file} cut to {len} bytes: {e:?}")),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn corrupted_bytes_anywhere_never_cause_a_panic() {
    let dir = scratch();
    let mut panics = Vec::new();
    for (f, file) in FILES.into_iter().enumerate() {
        let bytes = std::fs::read(data(file)).unwrap();
        let damaged_path = dir.path().join(file);
        // All bits set makes lengths and counts huge or negative; 0x80 flips a sign or
        // turns text into a code-page byte; 0 ends strings, tags and counts.
        let kinds: [fn(u8) -> u8; 3] = [|_| 0xff, |b| b ^ 0x80, |_| 0];
        for (kind, damage) in kinds.into_iter().enumerate() {
            for position in positions(bytes.len(), 0, 32, f, kind) {
                let value = damage(bytes[position]);
                let mut damaged = bytes.clone();
                damaged[position] = value;
                std::fs::write(&damaged_path, &damaged).unwrap();
                if catch_unwind(AssertUnwindSafe(|| read_all(&damaged_path))).is_err() {
                    panics.push(format!("{file}: byte {position} set to {value:#04x}"));
                }
            }
        }
    }
    assert!(panics.is_empty(), "{}", panics.join("\n"));
}

fn format_error(result: Result<Contents, Error>) -> (u64, String) {
    match result {
        Err(Error::Format {
            offset, message, ..
        }) => (offset, message),
        other => panic!("expected a format error, got {other:?}"),
    }
}

fn write_patched(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn a_file_cut_in_its_data_is_refused_when_opened() {
    let bytes = std::fs::read(data("pandas_114_lsf.dta")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    // Format 114: the data runs to the value labels; cut 300 bytes before the end.
    let path = write_patched(dir.path(), "cut.dta", &bytes[..bytes.len() - 300]);
    let (_, message) = format_error(read_all(&path));
    assert!(
        message.starts_with("6 observations of ") && message.ends_with("(is it truncated?)"),
        "{message}"
    );
}

#[test]
fn an_unsupported_format_is_named() {
    let mut bytes = std::fs::read(data("pandas_118_lsf.dta")).unwrap();
    bytes[28..31].copy_from_slice(b"120");
    let dir = tempfile::tempdir().unwrap();
    let path = write_patched(dir.path(), "120.dta", &bytes);
    let (offset, message) = format_error(read_all(&path));
    assert_eq!(offset, 28);
    assert_eq!(
        message,
        "Stata format \"120\" is not supported; supported are formats 113, 114, 115, 117, 118 \
         and 119 (Stata 8 and later)"
    );

    let mut old = std::fs::read(data("pandas_114_lsf.dta")).unwrap();
    old[0] = 110;
    let path = write_patched(dir.path(), "110.dta", &old);
    let (offset, message) = format_error(read_all(&path));
    assert_eq!(offset, 0);
    assert!(
        message.starts_with("Stata format 110 is not supported"),
        "{message}"
    );
}

#[test]
fn a_strl_reference_without_its_text_names_the_observation_and_variable() {
    let bytes = std::fs::read(data("pandas_118_lsf.dta")).unwrap();
    // Give the first GSO another variable number: the observation pointing at it dangles.
    let gso = bytes.windows(3).position(|w| w == b"GSO").unwrap();
    let mut patched = bytes.clone();
    patched[gso + 3] = 99;
    let dir = tempfile::tempdir().unwrap();
    let path = write_patched(dir.path(), "dangling.dta", &patched);
    let (_, message) = format_error(read_all(&path));
    assert!(
        message.starts_with("observation 2, variable story: strL reference (v="),
        "{message}"
    );
    assert!(
        message.ends_with("matches no GSO in the <strls> section"),
        "{message}"
    );
}

#[test]
fn a_damaged_tag_is_named_with_what_was_expected() {
    let bytes = std::fs::read(data("pyreadstat_118.dta")).unwrap();
    let at = bytes
        .windows(b"<value_labels>".len())
        .position(|w| w == b"<value_labels>")
        .unwrap();
    let mut patched = bytes.clone();
    patched[at + 1] = b'V';
    let dir = tempfile::tempdir().unwrap();
    let path = write_patched(dir.path(), "tag.dta", &patched);
    let (offset, message) = format_error(read_all(&path));
    assert_eq!(offset, at as u64);
    assert_eq!(message, "expected `<value_labels>`, found `<Value_labels>`");
}
