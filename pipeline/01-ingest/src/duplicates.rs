//! `person_id` must be unique in the whole file: a check across batches, in file order.
//!
//! Ids are remembered by their 128-bit XXH3 hash with the row that first had them:
//! 24 bytes a person (the hash as two u64 words: a u128 would align the entry to 32),
//! whatever the length of the ids, and no allocation per record (a census of 10 million
//! persons needs about 420 MiB here, 630 MiB while the table grows, against over a GiB
//! for the ids as strings). Two different ids share a hash with probability about n^2 / 2^129: below
//! 10^-20 for a billion records, so a reported duplicate is a real one.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use arrow::array::{AsArray, RecordBatch};
use arrow::datatypes::Int64Type;
use migstat_artefacts::rejects::Reject;
use migstat_artefacts::schema::core;

use crate::rules;

/// Every `person_id` seen so far (its hash), with the row that first had it.
#[derive(Debug, Default)]
pub(crate) struct SeenIds {
    first_row: HashMap<[u64; 2], u64, BuildHasherDefault<AlreadyHashed>>,
}

/// The keys are XXH3 hashes already: the table uses their low 64 bits as they are.
#[derive(Debug, Default)]
struct AlreadyHashed(u64);

impl Hasher for AlreadyHashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // Only [u64; 2] keys are hashed (write_u64 twice); fold anything else in.
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
    }
    fn write_u64(&mut self, word: u64) {
        // The first word is the hash's low half; the second, already random, is mixed in
        // without losing the first's spread.
        self.0 = self.0.rotate_left(32) ^ word;
    }
    fn write_usize(&mut self, _len: usize) {
        // The array length hashed before its elements: constant, ignored.
    }
}

impl SeenIds {
    /// A table sized for about `records` ids (none: grown as ids come).
    pub fn expecting(records: Option<u64>) -> SeenIds {
        let capacity = records.and_then(|n| usize::try_from(n).ok()).unwrap_or(0);
        SeenIds {
            first_row: HashMap::with_capacity_and_hasher(capacity, Default::default()),
        }
    }

    /// Records the ids of a typed batch (in file order, after every earlier batch) and
    /// returns a reject for each id already seen. Empty ids (already rejected as missing)
    /// are skipped.
    pub fn check(&mut self, batch: &RecordBatch, lines: &[Option<u64>], file: &str) -> Vec<Reject> {
        let ids = batch
            .column_by_name(core::PERSON_ID)
            .expect("core record has person_id")
            .as_string::<i32>();
        let rows = batch
            .column_by_name(core::SOURCE_ROW)
            .expect("core record has source_row")
            .as_primitive::<Int64Type>();
        let mut rejects = Vec::new();
        for (i, id) in ids.iter().enumerate() {
            let Some(id) = id.filter(|id| !id.is_empty()) else {
                continue;
            };
            let row = rows.value(i) as u64;
            let hash = twox_hash::XxHash3_128::oneshot(id.as_bytes());
            let key = [hash as u64, (hash >> 64) as u64];
            if let Some(&first) = self.first_row.get(&key) {
                rejects.push(Reject {
                    file: file.to_string(),
                    row: Some(row),
                    line: lines[i],
                    column: core::PERSON_ID.to_string(),
                    value: id.to_string(),
                    rule: rules::PERSON_ID_DUPLICATE,
                    message: format!(
                        "person_id must be unique in the file; row {first} has it too"
                    ),
                });
            } else {
                self.first_row.insert(key, row);
            }
        }
        rejects
    }
}
