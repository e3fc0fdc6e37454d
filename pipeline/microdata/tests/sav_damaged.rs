//! Damaged SPSS system files: every truncation and thousands of corruptions of the test
//! files are read without a panic, a truncated file never passes for a whole one, and the
//! errors say where and what.

use std::path::PathBuf;

#[path = "common/damaged.rs"]
mod damaged;

use migstat_microdata::sav::SavReader;

use damaged::{format_error, scratch, write_patched, Format};

/// The small test files (the 200,000-record one is for sav_streaming.rs).
const FILES: [&str; 7] = [
    "pyreadstat_uncompressed.sav",
    "pyreadstat_bytecode.sav",
    "pyreadstat_zlib.zsav",
    "pyreadstat_bigendian.sav",
    "pspp_windows1252.sav",
    "pspp_windows1252_bytecode.sav",
    "pspp_utf8_zlib.zsav",
];

/// SPSS's test files, damaged one byte in 24 (and a phase moving by 3 from one file to the
/// next): every field of the header, every kind of dictionary record and the data of every
/// file are hit.
const SPSS: Format<SavReader> = Format {
    dir: "sav",
    files: &FILES,
    open: |path| SavReader::open(path),
    record: "record",
    stride: 24,
    phase_step: 3,
};

/// The size of an SPSS file header (PSPP, "File Header Record").
const HEADER: usize = 176;

#[test]
fn every_truncation_is_an_error_never_a_panic_or_a_shorter_file() {
    // A file cut after its last record (trailing padding) is still whole.
    let failures = SPSS.truncation_failures(HEADER, |_, whole, read| read == whole);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn corrupted_bytes_anywhere_never_cause_a_panic() {
    let panics = SPSS.corruption_panics();
    assert!(panics.is_empty(), "{}", panics.join("\n"));
}

#[test]
fn a_file_cut_in_its_data_names_the_record_and_the_offset() {
    let bytes = std::fs::read(SPSS.path("pyreadstat_uncompressed.sav")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    // 4 bytes short: the last 8-byte unit of record 10 is incomplete.
    let cut = write_patched(dir.path(), "cut.sav", &bytes[..bytes.len() - 4]);
    let (offset, message) = format_error(SPSS.read_all(&cut));
    assert_eq!(offset, bytes.len() as u64 - 8);
    assert_eq!(
        message,
        "record 10: the file ends while reading case data: 8 bytes expected, 4 left"
    );
    // Cut at a unit boundary inside record 10.
    let cut = write_patched(dir.path(), "cut.sav", &bytes[..bytes.len() - 8]);
    let (_, message) = format_error(SPSS.read_all(&cut));
    assert_eq!(
        message,
        "record 10: the data ends in the middle of the record, at variable migration_story"
    );
}

#[test]
fn a_file_cut_between_records_is_refused_by_the_declared_count() {
    let bytes = std::fs::read(SPSS.path("pyreadstat_uncompressed.sav")).unwrap();
    let dir = scratch();
    // Uncompressed records all have the same size, a multiple of 8: dropping the last
    // record leaves 9 whole records, which a reader without the header's count of 10
    // would take for the whole file.
    let mut refused = 0;
    for drop in (8..bytes.len() / 2).step_by(8) {
        let cut = write_patched(dir.path(), "cut.sav", &bytes[..bytes.len() - drop]);
        let (offset, message) = format_error(SPSS.read_all(&cut));
        if message == "the data ends after 9 records, the file header declares 10" {
            assert_eq!(offset, (bytes.len() - drop) as u64);
            refused += 1;
        }
    }
    assert_eq!(refused, 1, "exactly one cut falls between records 9 and 10");
}

#[test]
fn a_file_that_is_not_a_system_file_is_refused() {
    let stata = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/dta/pandas_118_lsf.dta");
    let (offset, message) = format_error(SPSS.read_all(&stata));
    assert_eq!(offset, 0);
    assert_eq!(
        message,
        "not an SPSS system file: it starts with \"<sta\", expected \"$FL2\" or \"$FL3\""
    );
}

#[test]
fn an_encoding_without_a_decoder_is_refused_by_name() {
    let bytes = std::fs::read(SPSS.path("pyreadstat_uncompressed.sav")).unwrap();
    // The character encoding record: type 7, subtype 20, 1 x 5 bytes, "UTF-8".
    let mut record = Vec::new();
    for n in [7i32, 20, 1, 5] {
        record.extend(n.to_le_bytes());
    }
    record.extend(b"UTF-8");
    let at = bytes
        .windows(record.len())
        .position(|w| w == record)
        .expect("pyreadstat writes a character encoding record");
    let mut patched = bytes.clone();
    patched[at + 16..at + 21].copy_from_slice(b"CP866");
    let dir = tempfile::tempdir().unwrap();
    let path = write_patched(dir.path(), "cp866.sav", &patched);
    let (offset, message) = format_error(SPSS.read_all(&path));
    assert_eq!(offset, at as u64 + 16);
    assert!(
        message.starts_with("the file's character encoding is \"CP866\"; supported are UTF-8"),
        "{message}"
    );
}
