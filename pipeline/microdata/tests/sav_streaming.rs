//! A `.zsav` of 200,000 records (written by pyreadstat, `tests/data/make_files.py`) is
//! read in bounded memory: the heap in use after the last record is what it was after the
//! first thousand, and its peak stays far below the size of the data.
//!
//! The heap is measured by a counting global allocator, so this file holds one test only
//! (tests in one binary share the allocator and run in parallel).

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use migstat_microdata::sav::{Compression, SavReader};
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
fn two_hundred_thousand_records_stream_in_constant_memory() {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/sav/pyreadstat_200k.zsav");
    let mut reader = SavReader::open(&path).unwrap();
    assert_eq!(reader.compression(), Compression::Zlib);
    assert_eq!(reader.declared_records(), Some(200_000));
    let names: Vec<&str> = reader.variables().iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names, ["position", "code", "label"]);

    let mut values = Vec::new();
    let mut read = 0u64;
    let check = |values: &[Option<String>], i: u64| {
        // make_files.py: position = i % 100, code = i % 5, label by i % 4.
        assert_eq!(values[0].as_deref(), Some((i % 100).to_string().as_str()));
        assert_eq!(values[1].as_deref(), Some((i % 5).to_string().as_str()));
        let label = if i % 4 == 0 { "migrant" } else { "non-migrant" };
        assert_eq!(values[2].as_deref(), Some(label));
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
    // The inflated data is 200,000 x 3 x 8 bytes = 4.8 MB before bytecode compression.
    assert!(
        live_at_end <= live_after_warm_up + 1024,
        "the heap grew from {live_after_warm_up} to {live_at_end} bytes over 199,000 records"
    );
    assert!(
        peak - live_after_warm_up < 256 * 1024,
        "reading took up to {} bytes beyond the warm-up",
        peak - live_after_warm_up
    );
}
