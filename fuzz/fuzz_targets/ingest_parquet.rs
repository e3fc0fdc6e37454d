//! The Parquet ingest: arbitrary bytes as `input.parquet` of a run with the `core`
//! layout (the seed corpus holds real Parquet files, so mutations stay near the format).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "ingest_common.rs"]
mod ingest_common;

fuzz_target!(|data: &[u8]| {
    ingest_common::ingest("input.parquet", data);
});
