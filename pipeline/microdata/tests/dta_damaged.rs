//! Damaged Stata datasets: truncations and corruptions of the test files are read without
//! a panic, a truncated file never passes for a whole one, and the errors say where and
//! what.

#[path = "common/damaged.rs"]
mod damaged;

use migstat_microdata::dta::DtaReader;

use damaged::{format_error, write_patched, Format};

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

/// Stata's test files, damaged one byte in 32 (and a phase moving by 5 from one file to the
/// next): every section of every format is hit (header, map, descriptors, labels, data,
/// strLs, value labels).
const STATA: Format<DtaReader> = Format {
    dir: "dta",
    files: &FILES,
    open: |path| DtaReader::open(path),
    record: "observation",
    stride: 32,
    phase_step: 5,
};

/// The bytes cut at every length: the header of formats 113-115 (64 bytes and the
/// descriptors that follow), and the opening tags, release and byte order of 117-119.
const HEAD: usize = 128;

#[test]
fn every_truncation_is_an_error_never_a_panic_or_a_shorter_file() {
    let failures = STATA.truncation_failures(HEAD, |bytes, whole, read| {
        let ((whole_variables, whole_records), (variables, records)) = (whole, read);
        // Formats 113-115 end with value label tables and no count or end mark: a file cut
        // between two tables cannot be told from a whole one. Its observations are whole.
        let labels_run_to_the_end = bytes[0] != b'<';
        let same_variables = variables.len() == whole_variables.len()
            && variables.iter().zip(whole_variables).all(|(a, b)| {
                a.name == b.name
                    && a.label == b.label
                    && (labels_run_to_the_end || a.value_labels == b.value_labels)
            });
        records == whole_records && same_variables
    });
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn corrupted_bytes_anywhere_never_cause_a_panic() {
    let panics = STATA.corruption_panics();
    assert!(panics.is_empty(), "{}", panics.join("\n"));
}

#[test]
fn a_file_cut_in_its_data_is_refused_when_opened() {
    let bytes = std::fs::read(STATA.path("pandas_114_lsf.dta")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    // Format 114: the data runs to the value labels; cut 300 bytes before the end.
    let path = write_patched(dir.path(), "cut.dta", &bytes[..bytes.len() - 300]);
    let (_, message) = format_error(STATA.read_all(&path));
    assert!(
        message.starts_with("6 observations of ") && message.ends_with("(is it truncated?)"),
        "{message}"
    );
}

#[test]
fn an_unsupported_format_is_named() {
    let mut bytes = std::fs::read(STATA.path("pandas_118_lsf.dta")).unwrap();
    bytes[28..31].copy_from_slice(b"120");
    let dir = tempfile::tempdir().unwrap();
    let path = write_patched(dir.path(), "120.dta", &bytes);
    let (offset, message) = format_error(STATA.read_all(&path));
    assert_eq!(offset, 28);
    assert_eq!(
        message,
        "Stata format \"120\" is not supported; supported are formats 113, 114, 115, 117, 118 \
         and 119 (Stata 8 and later)"
    );

    let mut old = std::fs::read(STATA.path("pandas_114_lsf.dta")).unwrap();
    old[0] = 110;
    let path = write_patched(dir.path(), "110.dta", &old);
    let (offset, message) = format_error(STATA.read_all(&path));
    assert_eq!(offset, 0);
    assert!(
        message.starts_with("Stata format 110 is not supported"),
        "{message}"
    );
}

#[test]
fn a_strl_reference_without_its_text_names_the_observation_and_variable() {
    let bytes = std::fs::read(STATA.path("pandas_118_lsf.dta")).unwrap();
    // Give the first GSO another variable number: the observation pointing at it dangles.
    let gso = bytes.windows(3).position(|w| w == b"GSO").unwrap();
    let mut patched = bytes.clone();
    patched[gso + 3] = 99;
    let dir = tempfile::tempdir().unwrap();
    let path = write_patched(dir.path(), "dangling.dta", &patched);
    let (_, message) = format_error(STATA.read_all(&path));
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
    let bytes = std::fs::read(STATA.path("pyreadstat_118.dta")).unwrap();
    let at = bytes
        .windows(b"<value_labels>".len())
        .position(|w| w == b"<value_labels>")
        .unwrap();
    let mut patched = bytes.clone();
    patched[at + 1] = b'V';
    let dir = tempfile::tempdir().unwrap();
    let path = write_patched(dir.path(), "tag.dta", &patched);
    let (offset, message) = format_error(STATA.read_all(&path));
    assert_eq!(offset, at as u64);
    assert_eq!(message, "expected `<value_labels>`, found `<Value_labels>`");
}
