//! The harness of `dta_streaming.rs` and `sav_streaming.rs`: a global allocator that
//! counts the bytes in use, and a reading of every record of a file that measures them.
//!
//! A test file takes it in with `#[path = "common/heap.rs"] mod heap;` and installs the
//! allocator with `#[global_allocator] static ALLOCATOR: heap::Counting = heap::Counting;`.
//! Such a file holds one test only: the tests of one binary share the allocator and run in
//! parallel.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use migstat_microdata::RecordReader;

/// The system allocator, counting the bytes in use and their peak.
pub struct Counting;

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

/// How many records were read, and the heap in use while they were.
pub struct Streamed {
    pub records: u64,
    /// Bytes in use after the first 1,000 records (the warm-up).
    pub live_after_warm_up: usize,
    /// Bytes in use after the last record.
    pub live_at_end: usize,
    /// The most bytes in use between the warm-up and the end, beyond `live_after_warm_up`.
    pub peak_beyond_warm_up: usize,
}

/// Reads every record of `reader`, passing each to `check` with its number from 0, and
/// measures the heap (counted by [`Counting`]) as it goes.
pub fn stream(reader: &mut impl RecordReader, check: impl Fn(&[Option<String>], u64)) -> Streamed {
    let mut values = Vec::new();
    let mut read = 0u64;
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
    let live_at_end = LIVE.load(Ordering::SeqCst);
    let peak = PEAK.load(Ordering::SeqCst);
    Streamed {
        records: read,
        live_after_warm_up,
        live_at_end,
        peak_beyond_warm_up: peak - live_after_warm_up,
    }
}
