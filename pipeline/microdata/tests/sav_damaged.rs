//! Damaged SPSS system files: every truncation and thousands of corruptions of the test
//! files are read without a panic, a truncated file never passes for a whole one, and the
//! errors say where and what.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use migstat_microdata::sav::SavReader;
use migstat_microdata::{Error, RecordReader, Variable};

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

fn data(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/sav")
        .join(file)
}

type Contents = (Vec<Variable>, Vec<Vec<Option<String>>>);

/// A directory for the damaged copies, in memory where the system has one (hundreds of
/// thousands of small writes).
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
/// file and the kind of damage, so that together they hit every residue of the stride:
/// every field of the header, every kind of dictionary record and the data of every file
/// are hit, in a few seconds of a debug build (every byte of every file took a quarter of
/// a minute).
fn positions(
    len: usize,
    head: usize,
    stride: usize,
    file: usize,
    kind: usize,
) -> impl Iterator<Item = usize> {
    let phase = (file * 3 + kind) % stride;
    (0..len.min(head)).chain((head..len).filter(move |p| p % stride == phase))
}

/// The size of an SPSS file header (PSPP, "File Header Record").
const HEADER: usize = 176;

/// The variables and records of a file. A corrupt header may declare any number of
/// records: no file here has more than 10, so reading stops after 1,000.
fn read_all(path: &Path) -> Result<Contents, Error> {
    let mut reader = SavReader::open(path)?;
    let mut records = Vec::new();
    let mut values = Vec::new();
    while records.len() < 1000 && reader.next_record(&mut values)? {
        records.push(values.clone());
    }
    Ok((reader.variables().to_vec(), records))
}

#[test]
fn every_truncation_is_an_error_never_a_panic_or_a_shorter_file() {
    let dir = scratch();
    let mut failures = Vec::new();
    for (f, file) in FILES.into_iter().enumerate() {
        let whole = read_all(&data(file)).unwrap();
        let bytes = std::fs::read(data(file)).unwrap();
        let cut = dir.path().join(file);
        for len in positions(bytes.len(), HEADER, 24, f, 0) {
            std::fs::write(&cut, &bytes[..len]).unwrap();
            match catch_unwind(AssertUnwindSafe(|| read_all(&cut))) {
                Err(_) => failures.push(format!("{file} cut to {len} bytes: panic")),
                Ok(Ok(contents)) if contents != whole => failures.push(format!(
                    "{file} cut to {len} bytes: read as a file of {} records",
                    contents.1.len()
                )),
                // A file cut after its last record (trailing padding) is still whole.
                Ok(Ok(_)) => {}
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
        // turns text into a code-page byte; 0 ends strings and counts.
        let kinds: [fn(u8) -> u8; 3] = [|_| 0xff, |b| b ^ 0x80, |_| 0];
        for (kind, damage) in kinds.into_iter().enumerate() {
            for position in positions(bytes.len(), 0, 24, f, kind) {
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

#[test]
fn a_file_cut_in_its_data_names_the_record_and_the_offset() {
    let bytes = std::fs::read(data("pyreadstat_uncompressed.sav")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cut = dir.path().join("cut.sav");
    // 4 bytes short: the last 8-byte unit of record 10 is incomplete.
    std::fs::write(&cut, &bytes[..bytes.len() - 4]).unwrap();
    let (offset, message) = format_error(read_all(&cut));
    assert_eq!(offset, bytes.len() as u64 - 8);
    assert_eq!(
        message,
        "record 10: the file ends while reading case data: 8 bytes expected, 4 left"
    );
    // Cut at a unit boundary inside record 10.
    std::fs::write(&cut, &bytes[..bytes.len() - 8]).unwrap();
    let (_, message) = format_error(read_all(&cut));
    assert_eq!(
        message,
        "record 10: the data ends in the middle of the record, at variable migration_story"
    );
}

#[test]
fn a_file_cut_between_records_is_refused_by_the_declared_count() {
    let bytes = std::fs::read(data("pyreadstat_uncompressed.sav")).unwrap();
    let dir = scratch();
    let cut = dir.path().join("cut.sav");
    // Uncompressed records all have the same size, a multiple of 8: dropping the last
    // record leaves 9 whole records, which a reader without the header's count of 10
    // would take for the whole file.
    let mut refused = 0;
    for drop in (8..bytes.len() / 2).step_by(8) {
        std::fs::write(&cut, &bytes[..bytes.len() - drop]).unwrap();
        let (offset, message) = format_error(read_all(&cut));
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
    let (offset, message) = format_error(read_all(&stata));
    assert_eq!(offset, 0);
    assert_eq!(
        message,
        "not an SPSS system file: it starts with \"<sta\", expected \"$FL2\" or \"$FL3\""
    );
}

#[test]
fn an_encoding_without_a_decoder_is_refused_by_name() {
    let bytes = std::fs::read(data("pyreadstat_uncompressed.sav")).unwrap();
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
    let path = dir.path().join("cp866.sav");
    std::fs::write(&path, patched).unwrap();
    let (offset, message) = format_error(read_all(&path));
    assert_eq!(offset, at as u64 + 16);
    assert!(
        message.starts_with("the file's character encoding is \"CP866\"; supported are UTF-8"),
        "{message}"
    );
}
