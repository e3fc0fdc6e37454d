//! `person_id` must be unique in the whole file: a check across batches, in file order.
//!
//! Ids are remembered by their 128-bit XXH3 hash with the row that first had them:
//! 24 bytes a person (the hash as two u64 words: a u128 would align the entry to 32),
//! whatever the length of the ids, and no allocation per record (a census of 10 million
//! persons needs 384 MiB here, against over a GiB for the ids as strings). Two different
//! ids share a hash with probability about n^2 / 2^129: below 10^-20 for a billion
//! records, so a reported duplicate is a real one.
//!
//! The table is far larger than the processor's caches and every id lands at a random
//! place in it: each look-up waited for memory (~100 ns), one after the other, and the
//! check was the slowest step of the thread that writes the core records (10M persons:
//! 1.2 s). [`IdTable`] is an open-addressing table whose slot holds the whole entry (one
//! memory access a look-up, not two as in `std`'s map: control bytes, then the entry),
//! and a batch's ids are hashed first, so that the slot of an id a few places ahead can
//! be prefetched while the current one is looked up.

use arrow::array::{AsArray, RecordBatch};
use arrow::datatypes::Int64Type;
use migstat_artefacts::rejects::Reject;
use migstat_artefacts::schema::core;

use crate::rules;

/// How many ids ahead of the one looked up the table's slot is prefetched: enough
/// look-ups in flight to hide memory latency, few enough to stay in the L1 cache.
const PREFETCH_DISTANCE: usize = 8;

/// Every `person_id` seen so far (its hash), with the row that first had it.
#[derive(Debug)]
pub(crate) struct SeenIds {
    table: IdTable,
}

impl SeenIds {
    /// A table sized for about `records` ids (none: grown as ids come).
    pub fn expecting(records: Option<u64>) -> SeenIds {
        let records = records.and_then(|n| usize::try_from(n).ok()).unwrap_or(0);
        SeenIds {
            table: IdTable::with_capacity(records),
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
        let hashes: Vec<(usize, IdHash)> = ids
            .iter()
            .enumerate()
            .filter_map(|(i, id)| {
                let id = id.filter(|id| !id.is_empty())?;
                Some((i, IdHash::of(id)))
            })
            .collect();
        self.table.reserve(hashes.len());
        let mut rejects = Vec::new();
        for (at, &(i, hash)) in hashes.iter().enumerate() {
            if let Some((_, ahead)) = hashes.get(at + PREFETCH_DISTANCE) {
                self.table.prefetch(*ahead);
            }
            let row = rows.value(i) as u64;
            if let Some(first) = self.table.insert_or_first(hash, row) {
                rejects.push(Reject {
                    file: file.to_string(),
                    row: Some(row),
                    line: lines[i],
                    column: core::PERSON_ID.to_string(),
                    value: ids.value(i).to_string(),
                    rule: rules::PERSON_ID_DUPLICATE,
                    message: format!(
                        "person_id must be unique in the file; row {first} has it too"
                    ),
                });
            }
        }
        rejects
    }
}

/// An id's 128-bit XXH3 hash as two words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct IdHash([u64; 2]);

impl IdHash {
    fn of(id: &str) -> IdHash {
        let hash = twox_hash::XxHash3_128::oneshot(id.as_bytes());
        IdHash([hash as u64, (hash >> 64) as u64])
    }
}

/// One slot: an id's hash and the row that first had it; row 0 (rows count from 1) is
/// an empty slot.
#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    hash: IdHash,
    row: u64,
}

/// Ids' hashes and their first rows, by linear probing from the slot the hash's low
/// bits name (already random: no hashing again). At most three quarters full.
#[derive(Debug)]
struct IdTable {
    slots: Vec<Slot>,
    len: usize,
}

impl IdTable {
    /// A table holding `ids` without growing.
    fn with_capacity(ids: usize) -> IdTable {
        IdTable {
            slots: vec![Slot::default(); Self::slots_for(ids)],
            len: 0,
        }
    }

    /// The slots (a power of two, at least 1024) that hold `ids` at most 3/4 full.
    fn slots_for(ids: usize) -> usize {
        (ids.saturating_mul(4) / 3 + 1)
            .next_power_of_two()
            .max(1024)
    }

    fn home(&self, hash: IdHash) -> usize {
        hash.0[0] as usize & (self.slots.len() - 1)
    }

    /// Makes room for `more` ids without growing while they are inserted.
    fn reserve(&mut self, more: usize) {
        let needed = Self::slots_for(self.len + more);
        if needed <= self.slots.len() {
            return;
        }
        let old = std::mem::replace(&mut self.slots, vec![Slot::default(); needed]);
        self.len = 0;
        for slot in old.into_iter().filter(|s| s.row != 0) {
            self.insert_or_first(slot.hash, slot.row);
        }
    }

    /// Asks the processor to bring the slot of `hash` into the cache.
    fn prefetch(&self, hash: IdHash) {
        #[cfg(target_arch = "x86_64")]
        {
            let slot: *const Slot = &self.slots[self.home(hash)];
            // SAFETY: a prefetch is a hint; it reads nothing the program sees and cannot
            // fault, and the pointer is to an element of `slots` anyway.
            unsafe {
                std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(slot.cast())
            };
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = hash;
    }

    /// Inserts `hash` first seen at `row` (> 0); if it is there already, returns the row
    /// it was first seen at instead. The caller reserves room first.
    fn insert_or_first(&mut self, hash: IdHash, row: u64) -> Option<u64> {
        debug_assert!(row > 0, "rows count from 1");
        debug_assert!(self.len < self.slots.len(), "reserve() first");
        let mask = self.slots.len() - 1;
        let mut at = self.home(hash);
        loop {
            let slot = &mut self.slots[at];
            if slot.row == 0 {
                *slot = Slot { hash, row };
                self.len += 1;
                return None;
            }
            if slot.hash == hash {
                return Some(slot.row);
            }
            at = (at + 1) & mask;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_row_of_an_id_is_kept_and_returned_for_every_later_one() {
        let mut table = IdTable::with_capacity(0);
        let id = |i: u64| IdHash::of(&format!("P{i}"));
        table.reserve(3);
        assert_eq!(table.insert_or_first(id(1), 1), None);
        assert_eq!(table.insert_or_first(id(2), 2), None);
        assert_eq!(table.insert_or_first(id(1), 3), Some(1));
        assert_eq!(table.insert_or_first(id(1), 4), Some(1));
        assert_eq!(table.len, 2);
    }

    #[test]
    fn the_table_grows_and_keeps_every_id_with_its_first_row() {
        let mut table = IdTable::with_capacity(0);
        let ids: Vec<IdHash> = (0..100_000)
            .map(|i| IdHash::of(&format!("H{i}-01")))
            .collect();
        for chunk in ids.chunks(4096).enumerate() {
            let (c, chunk) = chunk;
            table.reserve(chunk.len());
            for (j, &h) in chunk.iter().enumerate() {
                let row = (c * 4096 + j + 1) as u64;
                assert_eq!(table.insert_or_first(h, row), None);
            }
        }
        assert!(table.slots.len() >= 100_000 * 4 / 3, "at most 3/4 full");
        assert!(table.slots.len().is_power_of_two());
        for (i, &h) in ids.iter().enumerate() {
            assert_eq!(table.insert_or_first(h, 1_000_000), Some(i as u64 + 1));
        }
    }

    #[test]
    fn colliding_home_slots_probe_on_and_wrap_around() {
        // Three hashes with the same low bits (same home slot, the last one), distinct
        // high words: each is its own id.
        let mut table = IdTable::with_capacity(0);
        let last = (table.slots.len() - 1) as u64;
        let same_home = |hi: u64| IdHash([last, hi]);
        table.reserve(3);
        for (k, hi) in [7, 8, 9].into_iter().enumerate() {
            assert_eq!(table.insert_or_first(same_home(hi), k as u64 + 1), None);
        }
        assert_eq!(table.slots[0].row, 2, "wrapped to slot 0");
        assert_eq!(table.insert_or_first(same_home(9), 10), Some(3));
    }
}
