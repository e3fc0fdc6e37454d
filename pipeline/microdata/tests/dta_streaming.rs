//! A `.dta` of 200,000 observations (written by pandas, format 118,
//! `tests/data/make_files.py`) is read in bounded memory: the heap in use after the last
//! observation is what it was after the first thousand, and its peak stays far below the
//! size of the data.
//!
//! The heap is measured by a counting global allocator, so this file holds one test only
//! (tests in one binary share the allocator and run in parallel).

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use migstat_microdata::dta::DtaReader;
use migstat_microdata::RecordReader;

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded to the system allocator unchanged; the counters are
// only bookkeeping.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Ordering::SeqCst) + layout.size();
        PEAK.fetch_max(live, Ordering::SeqCst);
        System.alloc(layout)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::SeqCst);
        System.dealloc(ptr, layout)
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() {
            let live = LIVE.fetch_add(new_size - layout.size(), Ordering::SeqCst)
                + (new_size - layout.size());
            PEAK.fetch_max(live, Ordering::SeqCst);
        } else {
            LIVE.fetch_sub(layout.size() - new_size, Ordering::SeqCst);
        }
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

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

    let mut values = Vec::new();
    let mut read = 0u64;
    let check = |values: &[Option<String>], i: u64| {
        // make_files.py: position = i % 100, code = i % 5, share = (i % 100) / 4.
        assert_eq!(values[0].as_deref(), Some((i % 100).to_string().as_str()));
        assert_eq!(values[1].as_deref(), Some((i % 5).to_string().as_str()));
        let share: f64 = values[2].as_deref().unwrap().parse().unwrap();
        assert_eq!(share, (i % 100) as f64 / 4.0);
    };
    while read < 1000 && reader.next_record(&mut values).unwrap() {
        check(&values, read);
        read += 1;
    }
    let live_after_warm_up = LIVE.load(Ordering::SeqCst);
    PEAK.store(live_after_warm_up, Ordering::SeqCst);
    while reader.next_record(&mut values).unwrap() {
        check(&values, read);
        read += 1;
    }
    assert_eq!(read, 200_000);
    let live_at_end = LIVE.load(Ordering::SeqCst);
    let peak = PEAK.load(Ordering::SeqCst);
    assert!(
        live_at_end <= live_after_warm_up + 1024,
        "the heap grew from {live_after_warm_up} to {live_at_end} bytes over 199,000 observations"
    );
    // 200,000 observations of 9 bytes are 1.8 MB.
    assert!(
        peak - live_after_warm_up < 64 * 1024,
        "reading took up to {} bytes beyond the warm-up",
        peak - live_after_warm_up
    );
}
