//! What an artefact's pages tell without their values being decoded.
//!
//! - [`nulls_in_row_group`]: which rows of a column are null. A summary of an artefact's
//!   missing values (the run report's null shares of the core record) needs each row's
//!   null or not, never its value. Parquet stores that apart from the values: at the
//!   start of every data page, the definition levels (RLE / bit-packed hybrid). Reading
//!   them from the pages, without decoding the values through Arrow, made the report's
//!   pass over the core record (10M persons, some 25 nullable columns) several times
//!   cheaper: only the page decompression is left.
//! - [`dictionary_values`]: the values a column chunk holds, when all its data pages
//!   refer to its dictionary page: that page alone lists them (the tabulation numbers a
//!   code column's values before grouping by them; at 10M persons, decoding every row's
//!   key to find them took 0.5 s of CPU, the dictionary pages take a few milliseconds).

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use arrow::array::BooleanBufferBuilder;
use arrow::buffer::NullBuffer;
use parquet::basic::Encoding;
use parquet::column::page::{Page, PageReader};
use parquet::errors::{ParquetError, Result};
use parquet::file::metadata::{ColumnChunkMetaData, ParquetMetaData};
use parquet::file::serialized_reader::SerializedPageReader;

/// The null rows of the columns at `columns` (leaf indexes) of row group `group` of the
/// Parquet file at `path` whose metadata is `metadata`: `None` for a column without null
/// (a required column among them). Flat columns only (definition level 0 or 1), pages
/// with RLE levels (what Parquet writers write; the deprecated BIT_PACKED is refused).
pub fn nulls_in_row_group(
    path: &Path,
    metadata: &ParquetMetaData,
    group: usize,
    columns: &[usize],
) -> Result<Vec<Option<NullBuffer>>> {
    per_chunk(path, metadata, group, columns, |chunk, file, rows| {
        let descr = chunk.column_descr();
        if descr.max_rep_level() != 0 || descr.max_def_level() > 1 {
            return Err(ParquetError::General(format!(
                "column {}: nested columns are not read by their levels",
                descr.path()
            )));
        }
        if descr.max_def_level() == 0 {
            return Ok(None);
        }
        let mut valid = BooleanBufferBuilder::new(rows);
        let mut pages = SerializedPageReader::new(file.clone(), chunk, rows, None)?;
        while let Some(page) = pages.get_next_page()? {
            let (levels, count) = match &page {
                Page::DictionaryPage { .. } => continue,
                Page::DataPage {
                    buf,
                    num_values,
                    def_level_encoding,
                    ..
                } => {
                    if *def_level_encoding != Encoding::RLE {
                        return Err(ParquetError::General(format!(
                            "column {}: definition levels encoded {def_level_encoding}",
                            descr.path()
                        )));
                    }
                    // A 4-byte length, then the levels.
                    let length = buf
                        .get(..4)
                        .map(|b| u32::from_le_bytes(b.try_into().expect("4 bytes")))
                        .ok_or_else(|| short(descr.path()))?;
                    let levels = buf.get(4..4 + length as usize);
                    (levels.ok_or_else(|| short(descr.path()))?, *num_values)
                }
                Page::DataPageV2 {
                    buf,
                    num_values,
                    def_levels_byte_len,
                    rep_levels_byte_len,
                    ..
                } => {
                    let start = *rep_levels_byte_len as usize;
                    let levels = buf.get(start..start + *def_levels_byte_len as usize);
                    (levels.ok_or_else(|| short(descr.path()))?, *num_values)
                }
            };
            append_levels(levels, count as usize, &mut valid).ok_or_else(|| short(descr.path()))?;
        }
        if valid.len() != rows {
            return Err(ParquetError::General(format!(
                "column {}: {} levels for {rows} rows",
                descr.path(),
                valid.len()
            )));
        }
        let nulls = NullBuffer::new(valid.finish());
        Ok((nulls.null_count() > 0).then_some(nulls))
    })
}

/// The values of the text columns at `columns` (leaf indexes) in row group `group` of the
/// Parquet file at `path` (metadata `metadata`), read from each chunk's dictionary page:
/// `None` for a chunk whose data pages are not all dictionary-encoded (a writer that fell
/// back to plain pages, or left no page encoding statistics to tell). A dictionary may
/// list a value no row holds (never the other way round).
pub fn dictionary_values(
    path: &Path,
    metadata: &ParquetMetaData,
    group: usize,
    columns: &[usize],
) -> Result<Vec<Option<Vec<String>>>> {
    per_chunk(path, metadata, group, columns, |chunk, file, rows| {
        let descr = chunk.column_descr();
        let all_dictionary = chunk.dictionary_page_offset().is_some()
            && chunk.page_encoding_stats_mask().is_some_and(|mask| {
                mask.is_only(Encoding::RLE_DICTIONARY) || mask.is_only(Encoding::PLAIN_DICTIONARY)
            });
        if !all_dictionary || descr.physical_type() != parquet::basic::Type::BYTE_ARRAY {
            return Ok(None);
        }
        let mut pages = SerializedPageReader::new(file.clone(), chunk, rows, None)?;
        let Some(Page::DictionaryPage {
            buf,
            num_values,
            encoding: Encoding::PLAIN | Encoding::PLAIN_DICTIONARY,
            ..
        }) = pages.get_next_page()?
        else {
            return Ok(None);
        };
        // PLAIN byte arrays: a 4-byte length, then the bytes, for each value.
        let mut bytes: &[u8] = &buf;
        let mut values = Vec::with_capacity(num_values as usize);
        for _ in 0..num_values {
            let length = bytes
                .get(..4)
                .map(|b| u32::from_le_bytes(b.try_into().expect("4 bytes")) as usize)
                .ok_or_else(|| short(descr.path()))?;
            let value = bytes
                .get(4..4 + length)
                .ok_or_else(|| short(descr.path()))?;
            let text = std::str::from_utf8(value)
                .map_err(|e| ParquetError::General(format!("column {}: {e}", descr.path())))?;
            values.push(text.to_string());
            bytes = &bytes[4 + length..];
        }
        Ok(Some(values))
    })
}

/// `read` of each column chunk at `columns` (leaf indexes) of row group `group`, given the
/// row group's rows and a handle on the file of its own: pages are read by seeking, and
/// handles cloned from one share the offset.
fn per_chunk<T>(
    path: &Path,
    metadata: &ParquetMetaData,
    group: usize,
    columns: &[usize],
    read: impl Fn(&ColumnChunkMetaData, &Arc<File>, usize) -> Result<T>,
) -> Result<Vec<T>> {
    let row_group = metadata.row_group(group);
    let rows = row_group.num_rows() as usize;
    let file = Arc::new(File::open(path)?);
    columns
        .iter()
        .map(|&at| read(row_group.column(at), &file, rows))
        .collect()
}

fn short(column: impl std::fmt::Display) -> ParquetError {
    ParquetError::General(format!("column {column}: a page cut short"))
}

/// Appends `count` definition levels of a column of maximum level 1 (1 bit each, in
/// Parquet's RLE / bit-packed hybrid encoding) to `valid`: level 1 is a value, 0 a null.
/// A bit-packed run is the validity bits themselves (least significant bit first, as
/// Arrow keeps them), appended as they are. `None` when the bytes end first; the padding
/// of a last bit-packed group is left out.
fn append_levels(mut bytes: &[u8], count: usize, valid: &mut BooleanBufferBuilder) -> Option<()> {
    let mut left = count;
    while left > 0 {
        let header = read_varint(&mut bytes)?;
        if header & 1 == 1 {
            let values = (header >> 1) as usize * 8;
            let packed = bytes.get(..values / 8)?;
            let n = values.min(left);
            valid.append_packed_range(0..n, packed);
            left -= n;
            bytes = &bytes[packed.len()..];
        } else {
            let run = (header >> 1) as usize;
            let (&level, rest) = bytes.split_first()?;
            bytes = rest;
            let n = run.min(left);
            valid.append_n(n, level == 1);
            left -= n;
        }
    }
    Some(())
}

fn read_varint(bytes: &mut &[u8]) -> Option<u64> {
    let (mut value, mut shift) = (0u64, 0);
    loop {
        let (&byte, rest) = bytes.split_first()?;
        *bytes = rest;
        value |= ((byte & 0x7f) as u64) << shift;
        if byte & 0x80 == 0 {
            return Some(value);
        }
        shift += 7;
        if shift > 63 {
            return None;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::{Array, ArrayRef, BooleanArray, Int32Array, RecordBatch, StringArray};
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    use parquet::arrow::ArrowWriter;
    use parquet::file::properties::{WriterProperties, WriterVersion};

    use super::*;

    /// 50,000 rows: a text column with runs of nulls and scattered ones, an integer
    /// column null on every third row, one never null, one always null, a required one.
    fn batch() -> RecordBatch {
        let rows = 0..50_000;
        let text = StringArray::from_iter(rows.clone().map(|i| {
            let null = (10_000..10_500).contains(&i) || i % 97 == 0;
            (!null).then(|| ["A", "B", "C"][i % 3])
        }));
        let every_third =
            Int32Array::from_iter(rows.clone().map(|i| (i % 3 != 0).then_some(i as i32)));
        let never = Int32Array::from_iter(rows.clone().map(|i| Some(i as i32)));
        let always = BooleanArray::from_iter(rows.clone().map(|_| None::<bool>));
        let required = Int32Array::from_iter_values(rows.map(|i| i as i32));
        RecordBatch::try_from_iter_with_nullable(vec![
            ("text", Arc::new(text) as ArrayRef, true),
            ("every_third", Arc::new(every_third), true),
            ("never", Arc::new(never), true),
            ("always", Arc::new(always), true),
            ("required", Arc::new(required), false),
        ])
        .unwrap()
    }

    #[test]
    fn nulls_read_from_the_levels_are_the_nulls_arrow_reads() {
        for version in [WriterVersion::PARQUET_1_0, WriterVersion::PARQUET_2_0] {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("t.parquet");
            // Row groups of 30,000 rows, pages of at most 4,096 rows.
            let properties = WriterProperties::builder()
                .set_writer_version(version)
                .set_max_row_group_row_count(Some(30_000))
                .set_data_page_row_count_limit(4_096)
                .set_write_batch_size(1_024)
                .build();
            let batch = batch();
            let file = File::create(&path).unwrap();
            let mut writer = ArrowWriter::try_new(file, batch.schema(), Some(properties)).unwrap();
            writer.write(&batch).unwrap();
            writer.close().unwrap();

            let reader = ParquetRecordBatchReaderBuilder::try_new(File::open(&path).unwrap())
                .unwrap()
                .with_batch_size(30_000);
            let metadata = reader.metadata().clone();
            assert_eq!(metadata.num_row_groups(), 2);
            let by_arrow: Vec<RecordBatch> = reader.build().unwrap().map(|b| b.unwrap()).collect();
            for (group, by_arrow) in by_arrow.iter().enumerate() {
                let nulls = nulls_in_row_group(&path, &metadata, group, &[0, 1, 2, 3, 4]).unwrap();
                for (at, nulls) in nulls.iter().enumerate() {
                    let expected = by_arrow.column(at).logical_nulls();
                    let expected = expected.filter(|n| n.null_count() > 0);
                    assert_eq!(
                        nulls, &expected,
                        "{version:?}, row group {group}, column {at}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_chunk_all_in_its_dictionary_lists_its_values_and_others_are_told_apart() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.parquet");
        // "codes": four values, dictionary-encoded; "many": 20,000 distinct values, whose
        // dictionary outgrows its 4 KiB limit (plain pages after it); "plain": written
        // without a dictionary.
        let properties = WriterProperties::builder()
            .set_dictionary_page_size_limit(4096)
            .set_column_dictionary_enabled("plain".into(), false)
            .build();
        let rows = 0..20_000usize;
        let codes = StringArray::from_iter(
            rows.clone()
                .map(|i| (i % 5 != 0).then(|| ["W", "X", "Y", "Z"][i % 4])),
        );
        let many = StringArray::from_iter_values(rows.clone().map(|i| format!("value {i}")));
        let plain = StringArray::from_iter_values(rows.map(|i| ["A", "B"][i % 2]));
        let batch = RecordBatch::try_from_iter(vec![
            ("codes", Arc::new(codes) as ArrayRef),
            ("many", Arc::new(many)),
            ("plain", Arc::new(plain)),
        ])
        .unwrap();
        let mut writer = ArrowWriter::try_new(
            File::create(&path).unwrap(),
            batch.schema(),
            Some(properties),
        )
        .unwrap();
        writer.write(&batch).unwrap();
        writer.close().unwrap();
        let metadata = ParquetRecordBatchReaderBuilder::try_new(File::open(&path).unwrap())
            .unwrap()
            .metadata()
            .clone();
        let values = dictionary_values(&path, &metadata, 0, &[0, 1, 2]).unwrap();
        let mut codes = values[0].clone().expect("all in the dictionary");
        codes.sort();
        // Row 0 is null, so the first value is X; every code is listed once.
        assert_eq!(codes, ["W", "X", "Y", "Z"]);
        assert_eq!(values[1], None, "fell back to plain pages");
        assert_eq!(values[2], None, "no dictionary");
    }
}
