//! A column of codes written as a dictionary-encoded Parquet column chunk from its keys.
//!
//! Most derived columns are codes from a short list (`sex`, `lfs`, `cbr`, ...), and a
//! Parquet writer stores them as a dictionary page plus one key per row. Arrow's writer
//! finds those keys by hashing every value into its interner and comparing it with the
//! entry found, even when it is handed a dictionary array whose keys are already known:
//! for the derive stage's 16 code columns, the hashing and comparing were a quarter of the
//! stage's CPU (10M persons, parquet 59). The stage knows each row's code when it derives
//! it; this module writes the pages from the keys of an Arrow `DictionaryArray`:
//!
//! - one dictionary page, `PLAIN` (a 4-byte length, then the bytes, per value), holding the
//!   values the keys use in the order the rows first use them, as Arrow's writer orders
//!   its dictionary;
//! - data pages of [`PAGE_ROWS`] rows (format v1), `RLE_DICTIONARY`: a byte for the key
//!   width, then the keys in the RLE / bit-packed hybrid (runs of 8 or more equal keys
//!   starting on a group boundary as a run, the rest bit-packed 8 at a time);
//! - each page compressed with the file's codec (Snappy), headers written by the Parquet
//!   crate's own page writer, and the chunk's metadata and offset index as its column
//!   writer records them.
//!
//! The chunk is spliced into the row group like a copied one
//! ([`super::ParquetSink::write_row_group`]). Parquet readers (arrow-rs, pyarrow, DuckDB)
//! read it back as the same values (tested).

use arrow::array::{Array, DictionaryArray, StringArray};
use arrow::datatypes::UInt16Type;
use bytes::Bytes;
use parquet::basic::{Compression, Encoding, EncodingMask, PageType};
use parquet::column::page::{CompressedPage, Page, PageWriter};
use parquet::column::writer::ColumnCloseResult;
use parquet::errors::{ParquetError, Result};
use parquet::file::metadata::{ColumnChunkMetaData, OffsetIndexBuilder, PageEncodingStats};
use parquet::file::writer::{SerializedPageWriter, TrackedWrite};
use parquet::schema::types::ColumnDescPtr;

/// Rows per data page: Arrow's writer closes a page once it holds 20,000 rows, which it
/// checks every 1,024 rows, so its pages of short codes hold 20,480.
pub const PAGE_ROWS: usize = 20 * 1024;

/// Bit-packed groups of 8 keys per run at most: the run's header then fits in one byte,
/// as other writers make it.
const MAX_PACKED_GROUPS: usize = 63;

/// Whether [`encode`] can write `codes` for a column described by `descr`: a required
/// text column and keys with no nulls.
pub fn can_encode(descr: &ColumnDescPtr, codes: &DictionaryArray<UInt16Type>) -> bool {
    descr.max_def_level() == 0
        && descr.max_rep_level() == 0
        && descr.physical_type() == parquet::basic::Type::BYTE_ARRAY
        && codes.null_count() == 0
        && codes.values().as_any().is::<StringArray>()
}

/// The column chunk of `codes` (see the module's header) and what appending it to a row
/// group needs; offsets in the metadata are from the start of the returned bytes.
pub fn encode(
    descr: &ColumnDescPtr,
    codes: &DictionaryArray<UInt16Type>,
    compression: Compression,
) -> Result<(Bytes, ColumnCloseResult)> {
    if !can_encode(descr, codes) {
        return Err(ParquetError::General(format!(
            "column {} cannot be written from dictionary keys (nullable, nested or not text)",
            descr.path()
        )));
    }
    if !matches!(compression, Compression::SNAPPY | Compression::UNCOMPRESSED) {
        return Err(ParquetError::General(format!(
            "column {}: codes are written uncompressed or with Snappy, not {compression}",
            descr.path()
        )));
    }
    let values = codes
        .values()
        .as_any()
        .downcast_ref::<StringArray>()
        .expect("checked by can_encode");
    let (dictionary, keys) = used_in_order(values, codes.keys().values());
    let bit_width = bit_width(dictionary.len());
    let lengths: Vec<i64> = dictionary
        .iter()
        .map(|&v| values.value(v as usize).len() as i64)
        .collect();

    let mut sink = TrackedWrite::new(Vec::new());
    let mut offset_index = OffsetIndexBuilder::new();
    let mut data_pages = 0;
    let (mut compressed_total, mut uncompressed_total) = (0u64, 0u64);
    let mut data_page_offset = None;
    {
        let mut pages = SerializedPageWriter::new(&mut sink);
        let mut dictionary_page = Vec::new();
        for &v in &dictionary {
            let value = values.value(v as usize).as_bytes();
            dictionary_page.extend_from_slice(&(value.len() as u32).to_le_bytes());
            dictionary_page.extend_from_slice(value);
        }
        let (buf, uncompressed) = compress(dictionary_page, compression)?;
        let spec = pages.write_page(CompressedPage::new(
            Page::DictionaryPage {
                buf,
                num_values: dictionary.len() as u32,
                encoding: Encoding::PLAIN,
                is_sorted: false,
            },
            uncompressed,
        ))?;
        compressed_total += spec.compressed_size as u64;
        uncompressed_total += spec.uncompressed_size as u64;

        for page_keys in keys.chunks(PAGE_ROWS) {
            let mut page = Vec::with_capacity(1 + page_keys.len() * bit_width as usize / 8 + 16);
            page.push(bit_width);
            encode_hybrid(page_keys, bit_width, &mut page);
            let (buf, uncompressed) = compress(page, compression)?;
            let spec = pages.write_page(CompressedPage::new(
                Page::DataPage {
                    buf,
                    num_values: page_keys.len() as u32,
                    encoding: Encoding::RLE_DICTIONARY,
                    def_level_encoding: Encoding::RLE,
                    rep_level_encoding: Encoding::RLE,
                    statistics: None,
                },
                uncompressed,
            ))?;
            data_page_offset.get_or_insert(spec.offset as i64);
            offset_index.append_offset_and_size(spec.offset as i64, spec.compressed_size as i32);
            offset_index.append_row_count(page_keys.len() as i64);
            let text_bytes = page_keys.iter().map(|&k| lengths[k as usize]).sum();
            offset_index.append_unencoded_byte_array_data_bytes(Some(text_bytes));
            compressed_total += spec.compressed_size as u64;
            uncompressed_total += spec.uncompressed_size as u64;
            data_pages += 1;
        }
        pages.close()?;
    }
    let chunk = Bytes::from(sink.into_inner()?);
    let rows = keys.len();
    let mut page_stats = vec![PageEncodingStats {
        page_type: PageType::DICTIONARY_PAGE,
        encoding: Encoding::PLAIN,
        count: 1,
    }];
    if data_pages > 0 {
        page_stats.push(PageEncodingStats {
            page_type: PageType::DATA_PAGE,
            encoding: Encoding::RLE_DICTIONARY,
            count: data_pages,
        });
    }
    let encodings = [Encoding::PLAIN, Encoding::RLE, Encoding::RLE_DICTIONARY];
    let metadata = ColumnChunkMetaData::builder(descr.clone())
        .set_compression(compression)
        .set_encodings_mask(EncodingMask::new_from_encodings(encodings.iter()))
        .set_page_encoding_stats(page_stats)
        .set_total_compressed_size(compressed_total as i64)
        .set_total_uncompressed_size(uncompressed_total as i64)
        .set_num_values(rows as i64)
        .set_data_page_offset(data_page_offset.unwrap_or(0))
        .set_dictionary_page_offset(Some(0))
        .build()?;
    let close = ColumnCloseResult {
        bytes_written: chunk.len() as u64,
        rows_written: rows as u64,
        metadata,
        bloom_filter: None,
        column_index: None,
        offset_index: Some(offset_index.build()),
    };
    Ok((chunk, close))
}

/// The dictionary entries `keys` use, in the order of first use, and the keys renumbered
/// into that list. A value listed twice in `values` gets one entry.
fn used_in_order(values: &StringArray, keys: &[u16]) -> (Vec<u16>, Vec<u16>) {
    const UNSEEN: u16 = u16::MAX;
    let mut renumbered = vec![UNSEEN; values.len()];
    let mut dictionary: Vec<u16> = Vec::new();
    let out = keys
        .iter()
        .map(|&k| {
            let slot = &mut renumbered[k as usize];
            if *slot == UNSEEN {
                // First use of this entry: a value already listed under another entry
                // keeps its number (a few dozen entries at most, once each).
                let value = values.value(k as usize);
                *slot = match dictionary
                    .iter()
                    .position(|&d| values.value(d as usize) == value)
                {
                    Some(at) => at as u16,
                    None => {
                        dictionary.push(k);
                        (dictionary.len() - 1) as u16
                    }
                };
            }
            *slot
        })
        .collect();
    (dictionary, out)
}

/// Bits per key for a dictionary of `entries` values (0 for a single value), as Parquet
/// writers choose it.
fn bit_width(entries: usize) -> u8 {
    (usize::BITS - entries.saturating_sub(1).leading_zeros()) as u8
}

/// Compresses one page's bytes; returns them with their uncompressed length.
fn compress(page: Vec<u8>, compression: Compression) -> Result<(Bytes, usize)> {
    let uncompressed = page.len();
    let buf = match compression {
        Compression::SNAPPY => snap::raw::Encoder::new()
            .compress_vec(&page)
            .map_err(|e| ParquetError::External(Box::new(e)))?,
        _ => page,
    };
    Ok((Bytes::from(buf), uncompressed))
}

/// Appends `keys` in Parquet's RLE / bit-packed hybrid encoding at `bit_width` bits each.
///
/// Walking in groups of 8: a group that starts a run of at least 8 equal keys ends the
/// bit-packed run in progress and is written, with the rest of the run, as one RLE run;
/// other groups are bit-packed (the last one padded with zeros, which the page's value
/// count tells readers to ignore).
pub(crate) fn encode_hybrid(keys: &[u16], bit_width: u8, out: &mut Vec<u8>) {
    let mut packed_from = 0;
    let mut at = 0;
    while at < keys.len() {
        let run = run_length(&keys[at..]);
        if run >= 8 {
            write_packed(&keys[packed_from..at], bit_width, out);
            write_varint((run as u64) << 1, out);
            let value = keys[at].to_le_bytes();
            out.extend_from_slice(&value[..(bit_width as usize).div_ceil(8)]);
            at += run;
            packed_from = at;
        } else {
            at = (at + 8).min(keys.len());
        }
    }
    write_packed(&keys[packed_from..], bit_width, out);
}

/// How many keys at the start of `keys` equal the first (0 for none); stops looking once
/// the first 8 differ.
fn run_length(keys: &[u16]) -> usize {
    let Some(&first) = keys.first() else {
        return 0;
    };
    if keys.len() < 8 || keys[..8].iter().any(|&k| k != first) {
        return 1;
    }
    keys.iter().take_while(|&&k| k == first).count()
}

/// Writes `keys` as bit-packed runs of at most [`MAX_PACKED_GROUPS`] groups of 8 keys,
/// the last group padded with zeros.
fn write_packed(keys: &[u16], bit_width: u8, out: &mut Vec<u8>) {
    for run in keys.chunks(MAX_PACKED_GROUPS * 8) {
        let groups = run.len().div_ceil(8);
        write_varint(((groups as u64) << 1) | 1, out);
        let mut accumulated: u64 = 0;
        let mut bits = 0u32;
        let padding = std::iter::repeat_n(&0u16, groups * 8 - run.len());
        for &key in run.iter().chain(padding) {
            accumulated |= (key as u64) << bits;
            bits += bit_width as u32;
            while bits >= 8 {
                out.push(accumulated as u8);
                accumulated >>= 8;
                bits -= 8;
            }
        }
        // 8 keys of `bit_width` bits are `bit_width` whole bytes: nothing is left over.
        debug_assert_eq!(bits, 0);
    }
}

/// Appends `value` as an unsigned LEB128 varint.
fn write_varint(mut value: u64, out: &mut Vec<u8>) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decodes the hybrid encoding of `count` keys (an independent reading of the format
    /// section "Run Length Encoding / Bit-Packing Hybrid").
    fn decode_hybrid(mut bytes: &[u8], bit_width: u8, count: usize) -> Vec<u16> {
        let mut keys = Vec::new();
        let read_varint = |bytes: &mut &[u8]| {
            let (mut value, mut shift) = (0u64, 0);
            loop {
                let byte = bytes[0];
                *bytes = &bytes[1..];
                value |= ((byte & 0x7f) as u64) << shift;
                if byte & 0x80 == 0 {
                    return value;
                }
                shift += 7;
            }
        };
        while keys.len() < count {
            let header = read_varint(&mut bytes);
            if header & 1 == 1 {
                let values = (header >> 1) as usize * 8;
                let packed = values * bit_width as usize / 8;
                for i in 0..values {
                    let mut key = 0u16;
                    for b in 0..bit_width as usize {
                        let bit = i * bit_width as usize + b;
                        key |= (((bytes[bit / 8] >> (bit % 8)) & 1) as u16) << b;
                    }
                    keys.push(key);
                }
                bytes = &bytes[packed..];
            } else {
                let width = (bit_width as usize).div_ceil(8);
                let mut value = [0u8; 2];
                value[..width].copy_from_slice(&bytes[..width]);
                bytes = &bytes[width..];
                keys.extend(std::iter::repeat_n(
                    u16::from_le_bytes(value),
                    (header >> 1) as usize,
                ));
            }
        }
        assert!(bytes.is_empty(), "{} bytes after the last run", bytes.len());
        keys.truncate(count);
        keys
    }

    fn round_trip(keys: &[u16], bit_width: u8) {
        let mut out = Vec::new();
        encode_hybrid(keys, bit_width, &mut out);
        assert_eq!(decode_hybrid(&out, bit_width, keys.len()), keys);
    }

    #[test]
    fn keys_survive_the_hybrid_encoding_at_every_width() {
        for bit_width in 1..=16u8 {
            let max = ((1u32 << bit_width) - 1) as u16;
            let mixed: Vec<u16> = (0..1000u32)
                .map(|i| (i.wrapping_mul(2_654_435_761) >> 7) as u16 & max)
                .collect();
            round_trip(&mixed, bit_width);
        }
    }

    #[test]
    fn runs_of_equal_keys_are_written_as_runs() {
        // 3 mixed keys, a run of 20 starting mid-group, mixed keys, a run to the end.
        let mut keys = vec![1, 2, 3];
        keys.extend([2; 20]);
        keys.extend([0, 1, 2, 3, 0, 1, 2]);
        keys.extend([3; 50]);
        round_trip(&keys, 2);
        let constant = vec![5u16; 20_000];
        let mut out = Vec::new();
        encode_hybrid(&constant, 3, &mut out);
        assert_eq!(out.len(), 4, "one run: a 3-byte header and the value");
        round_trip(&constant, 3);
    }

    #[test]
    fn a_single_value_takes_no_bits() {
        assert_eq!(bit_width(1), 0);
        assert_eq!(bit_width(2), 1);
        assert_eq!(bit_width(3), 2);
        assert_eq!(bit_width(256), 8);
        assert_eq!(bit_width(257), 9);
        let mut out = Vec::new();
        encode_hybrid(&[0; 10], 0, &mut out);
        assert_eq!(out, [20], "one run of 10, no value bytes");
        round_trip(&[0; 3], 0);
    }

    #[test]
    fn long_bit_packed_stretches_are_cut_into_runs_of_63_groups() {
        let keys: Vec<u16> = (0..2000u16).map(|i| i % 2).collect();
        let mut out = Vec::new();
        encode_hybrid(&keys, 1, &mut out);
        // 250 groups: 63 + 63 + 63 + 61, each a 1-byte header and one byte a group.
        assert_eq!(out.len(), 4 + 250);
        round_trip(&keys, 1);
    }

    #[test]
    fn the_dictionary_lists_used_values_in_order_of_first_use() {
        let values = StringArray::from(vec!["unused", "b", "a", "b"]);
        let (dictionary, keys) = used_in_order(&values, &[2, 1, 3, 2, 1]);
        assert_eq!(
            dictionary,
            [2, 1],
            "\"a\", then \"b\" (entries 1 and 3 are both b)"
        );
        assert_eq!(keys, [0, 1, 1, 0, 1]);
    }
}
