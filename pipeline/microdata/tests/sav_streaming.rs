//! A `.zsav` of 200,000 records (written by pyreadstat, `tests/data/make_files.py`) is
//! read in bounded memory: the heap in use after the last record is what it was after the
//! first thousand, and its peak stays far below the size of the data.
//!
//! The heap is measured by a counting global allocator, so this file holds one test only
//! (tests in one binary share the allocator and run in parallel).

use std::path::PathBuf;

#[path = "common/heap.rs"]
mod heap;

use migstat_microdata::sav::{Compression, SavReader};
use migstat_microdata::RecordReader;

#[global_allocator]
static ALLOCATOR: heap::Counting = heap::Counting;

#[test]
fn two_hundred_thousand_records_stream_in_constant_memory() {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/sav/pyreadstat_200k.zsav");
    let mut reader = SavReader::open(&path).unwrap();
    assert_eq!(reader.compression(), Compression::Zlib);
    assert_eq!(reader.declared_records(), Some(200_000));
    let names: Vec<&str> = reader.variables().iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names, ["position", "code", "label"]);

    let streamed = heap::stream(&mut reader, |values, i| {
        // make_files.py: position = i % 100, code = i % 5, label by i % 4.
        assert_eq!(values[0].as_deref(), Some((i % 100).to_string().as_str()));
        assert_eq!(values[1].as_deref(), Some((i % 5).to_string().as_str()));
        let label = match i % 4 {
            0 => "migrant",
            _ => "non-migrant",
        };
        assert_eq!(values[2].as_deref(), Some(label));
    });
    assert_eq!(streamed.records, 200_000);
    let (live_after_warm_up, live_at_end) = (streamed.live_after_warm_up, streamed.live_at_end);
    // The inflated data is 200,000 x 3 x 8 bytes = 4.8 MB before bytecode compression.
    assert!(
        live_at_end <= live_after_warm_up + 1024,
        "the heap grew from {live_after_warm_up} to {live_at_end} bytes over 199,000 records"
    );
    assert!(
        streamed.peak_beyond_warm_up < 256 * 1024,
        "reading took up to {} bytes beyond the warm-up",
        streamed.peak_beyond_warm_up
    );
}
