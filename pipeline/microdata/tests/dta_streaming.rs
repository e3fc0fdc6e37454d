//! A `.dta` of 200,000 observations (written by pandas, format 118,
//! `tests/data/make_files.py`) is read in bounded memory: the heap in use after the last
//! observation is what it was after the first thousand, and its peak stays far below the
//! size of the data.
//!
//! The heap is measured by a counting global allocator, so this file holds one test only
//! (tests in one binary share the allocator and run in parallel).

use std::io::Write;
use std::path::PathBuf;

#[path = "common/heap.rs"]
mod heap;

use migstat_microdata::dta::DtaReader;
use migstat_microdata::RecordReader;

#[global_allocator]
static ALLOCATOR: heap::Counting = heap::Counting;

#[test]
fn two_hundred_thousand_observations_stream_in_constant_memory() {
    // The repository keeps the file gzipped (10 kB instead of 1.4 MB).
    let gz =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/dta/pandas_118_200k.dta.gz");
    let mut file = tempfile::NamedTempFile::new().unwrap();
    let mut gunzip = flate2::read::GzDecoder::new(std::fs::File::open(gz).unwrap());
    std::io::copy(&mut gunzip, &mut file).unwrap();
    file.flush().unwrap();

    let mut reader = DtaReader::open(file.path()).unwrap();
    assert_eq!(reader.format_version(), 118);
    assert_eq!(reader.declared_records(), Some(200_000));
    let names: Vec<&str> = reader.variables().iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names, ["position", "code", "share"]);
    assert_eq!(reader.variables()[1].value_labels["4"], "four");

    let streamed = heap::stream(&mut reader, |values, i| {
        // make_files.py: position = i % 100, code = i % 5, share = (i % 100) / 4.
        assert_eq!(values[0].as_deref(), Some((i % 100).to_string().as_str()));
        assert_eq!(values[1].as_deref(), Some((i % 5).to_string().as_str()));
        let share: f64 = values[2].as_deref().unwrap().parse().unwrap();
        assert_eq!(share, (i % 100) as f64 / 4.0);
    });
    assert_eq!(streamed.records, 200_000);
    let (live_after_warm_up, live_at_end) = (streamed.live_after_warm_up, streamed.live_at_end);
    assert!(
        live_at_end <= live_after_warm_up + 1024,
        "the heap grew from {live_after_warm_up} to {live_at_end} bytes over 199,000 observations"
    );
    // 200,000 observations of 9 bytes are 1.8 MB.
    assert!(
        streamed.peak_beyond_warm_up < 64 * 1024,
        "reading took up to {} bytes beyond the warm-up",
        streamed.peak_beyond_warm_up
    );
}
