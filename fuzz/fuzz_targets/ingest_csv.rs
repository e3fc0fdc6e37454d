//! The CSV ingest: arbitrary bytes as `input.csv` of a run with the `core` layout.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "ingest_common.rs"]
mod ingest_common;

fuzz_target!(|data: &[u8]| {
    ingest_common::ingest("input.csv", data);
});
