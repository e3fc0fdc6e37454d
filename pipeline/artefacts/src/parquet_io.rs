//! Reading and writing the Parquet artefacts, atomically and batch by batch.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::array::{AsArray, RecordBatch, RecordBatchReader};
use arrow::datatypes::{DataType, Schema, SchemaRef, UInt16Type};
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReader,
    ParquetRecordBatchReaderBuilder,
};
use parquet::arrow::arrow_writer::{compute_leaves, ArrowColumnWriter, ArrowRowGroupWriterFactory};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, Encoding};
use parquet::column::writer::ColumnCloseResult;
use parquet::errors::ParquetError;
use parquet::file::metadata::PageIndexPolicy;
pub use parquet::file::metadata::ParquetMetaData;
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::ColumnPath;
use rayon::prelude::*;

use crate::atomic::AtomicFile;
use crate::{Error, Result};

pub mod coded;
pub mod pages;

/// Rows per batch when reading artefacts, at most: the core and derived records (a few
/// hundred bytes a row) come in batches of this many; wider ones in fewer
/// ([`batch_rows_for`]).
pub const BATCH_ROWS: usize = 64 * 1024;

/// Bytes of Arrow memory a batch should stay within (about). A stage holds a few batches
/// per core in flight (reader, workers, writer), so this bounds its memory whatever the
/// width of the records: 80 replicate weights (16 bytes each) would make a batch of
/// [`BATCH_ROWS`] rows 84 MB, and a stage about 2 GiB.
pub const BATCH_BYTES: usize = 32 * 1024 * 1024;

/// Never fewer rows a batch than this (per-batch work is amortised over them).
const MIN_BATCH_ROWS: usize = 4096;

/// Rows per batch for records of `schema`: [`BATCH_ROWS`], or fewer so that a batch stays
/// within about [`BATCH_BYTES`]. Depends on the schema alone, so the same file is always
/// cut the same way.
pub fn batch_rows_for(schema: &arrow::datatypes::Schema) -> usize {
    let row_bytes: usize = schema
        .fields()
        .iter()
        .map(|f| f.data_type().primitive_width().unwrap_or(16) + 1)
        .sum();
    (BATCH_BYTES / row_bytes.max(1)).clamp(MIN_BATCH_ROWS, BATCH_ROWS)
}

/// Rows per Parquet row group of an artefact. The writer holds a whole row group in memory
/// until it is flushed (Parquet's default, 1,048,576 rows, is 1.3 GB of encoded columns for
/// a record with 80 replicate weights), and a row group is the unit DataFusion's readers
/// share among cores; two batches, or [`ROW_GROUP_BYTES`] for wide records, keep both small.
pub const ROW_GROUP_ROWS: usize = 2 * BATCH_ROWS;

/// Encoded bytes after which a row group is flushed whatever its rows (the estimate depends
/// on the data alone, so the same records give the same file).
pub const ROW_GROUP_BYTES: usize = 64 * 1024 * 1024;

/// The codec of every artefact's pages.
const COMPRESSION: Compression = Compression::SNAPPY;

/// Columns with a value of their own for (nearly) every person: written without a
/// dictionary.
pub const PER_PERSON_COLUMNS: [&str; 3] = [
    crate::schema::core::PERSON_ID,
    crate::schema::core::HOUSEHOLD_ID,
    crate::schema::core::SOURCE_ROW,
];

/// A Parquet artefact being written; it appears under its name only on [`finish`](Self::finish).
///
/// The columns of a row group are encoded in parallel (rayon), one task per column: with
/// a single-threaded writer, encoding (dictionary interning, statistics, compression) was
/// half the derive stage's CPU and held it to one core. Row groups are cut exactly as
/// [`ArrowWriter`] cuts them ([`ROW_GROUP_ROWS`], [`ROW_GROUP_BYTES`]) and the columns are
/// encoded by its own column writers, so the file has the same bytes whatever the thread
/// count, and the same bytes as `ArrowWriter` writes (tested).
pub struct ParquetSink {
    path: PathBuf,
    schema: SchemaRef,
    file: SerializedFileWriter<AtomicFile>,
    columns: ArrowRowGroupWriterFactory,
    in_progress: Option<RowGroup>,
    rows: u64,
    max_group_rows: usize,
    max_group_bytes: usize,
}

/// The column writers of the row group being encoded.
struct RowGroup {
    writers: Vec<ArrowColumnWriter>,
    rows: usize,
}

impl RowGroup {
    fn encoded_bytes(&self) -> usize {
        self.writers
            .iter()
            .map(|w| w.get_estimated_total_bytes())
            .sum()
    }
}

impl ParquetSink {
    /// Starts writing `path` with `schema`.
    pub fn create(path: &Path, schema: SchemaRef) -> Result<Self> {
        Self::with_row_groups(path, schema, ROW_GROUP_ROWS, ROW_GROUP_BYTES)
    }

    fn with_row_groups(
        path: &Path,
        schema: SchemaRef,
        max_group_rows: usize,
        max_group_bytes: usize,
    ) -> Result<Self> {
        let file = AtomicFile::create(path)?;
        let failed = |e: ParquetError| {
            Error::internal(format!("parquet writer for {}: {e}", path.display()))
        };
        // ArrowWriter sets the file up (the Arrow schema in the footer's metadata, the
        // Parquet schema); its lower-level parts then let the columns be encoded apart.
        let properties = Self::properties(&schema, max_group_rows, max_group_bytes);
        let (file, columns) = ArrowWriter::try_new(file, schema.clone(), Some(properties))
            .and_then(ArrowWriter::into_serialized_writer)
            .map_err(failed)?;
        Ok(ParquetSink {
            path: path.to_path_buf(),
            schema,
            file,
            columns,
            in_progress: None,
            rows: 0,
            max_group_rows,
            max_group_bytes,
        })
    }

    /// How every artefact is encoded. No column statistics: no reader of an artefact
    /// prunes by them (each stage reads every row), and the minimum and maximum of every
    /// text value cost a comparison per value and column (~5% of the derive stage).
    ///
    /// Identifiers have no dictionary: one value per person, a dictionary would fill up
    /// (1 MiB) on nearly every row group before Parquet gives it up, after hashing
    /// every value into it.
    fn properties(
        schema: &Schema,
        max_group_rows: usize,
        max_group_bytes: usize,
    ) -> WriterProperties {
        let mut properties = WriterProperties::builder()
            .set_compression(COMPRESSION)
            .set_statistics_enabled(EnabledStatistics::None)
            .set_max_row_group_row_count(Some(max_group_rows))
            .set_max_row_group_bytes(Some(max_group_bytes));
        for field in schema.fields() {
            if PER_PERSON_COLUMNS.contains(&field.name().as_str()) {
                let column = ColumnPath::from(field.name().as_str());
                // Ids share long prefixes with the previous row's (household, then person)
                // and row numbers go up by one: delta encodings store the differences
                // (10M persons: ids and rows 350 MB before compression, 38 MB with them).
                let encoding = match field.data_type() {
                    DataType::Int64 | DataType::Int32 => Encoding::DELTA_BINARY_PACKED,
                    _ => Encoding::DELTA_BYTE_ARRAY,
                };
                properties = properties
                    .set_column_dictionary_enabled(column.clone(), false)
                    .set_column_encoding(column, encoding);
            }
        }
        properties.build()
    }

    /// Appends a batch (its schema must be the sink's).
    pub fn write(&mut self, batch: &RecordBatch) -> Result<()> {
        self.rows += batch.num_rows() as u64;
        self.write_rows(batch)
            .map_err(|e| Error::internal(format!("writing {}: {e}", self.path.display())))
    }

    /// `ArrowWriter::write`'s cutting into row groups: at most [`ROW_GROUP_ROWS`] rows,
    /// and a row group is closed before it would pass [`ROW_GROUP_BYTES`] encoded bytes
    /// (at its average row size so far).
    fn write_rows(&mut self, batch: &RecordBatch) -> parquet::errors::Result<()> {
        if batch.num_rows() == 0 {
            return Ok(());
        }
        let (max_rows, max_bytes) = (self.max_group_rows, self.max_group_bytes);
        let group = match &mut self.in_progress {
            Some(group) => group,
            none => none.insert(RowGroup {
                writers: self
                    .columns
                    .create_column_writers(self.file.flushed_row_groups().len())?,
                rows: 0,
            }),
        };
        if group.rows + batch.num_rows() > max_rows {
            let fits = max_rows - group.rows;
            self.write_rows(&batch.slice(0, fits))?;
            return self.write_rows(&batch.slice(fits, batch.num_rows() - fits));
        }
        if group.rows > 0 {
            let bytes = group.encoded_bytes();
            if bytes >= max_bytes {
                self.flush()?;
                return self.write_rows(batch);
            }
            if let Some(row_bytes) = bytes.checked_div(group.rows).filter(|b| *b > 0) {
                let fits = (max_bytes - bytes) / row_bytes;
                if batch.num_rows() > fits {
                    if fits > 0 {
                        self.write_rows(&batch.slice(0, fits))?;
                        return self.write_rows(&batch.slice(fits, batch.num_rows() - fits));
                    }
                    self.flush()?;
                    return self.write_rows(batch);
                }
            }
        }

        let mut leaves = Vec::with_capacity(group.writers.len());
        for (field, column) in self.schema.fields().iter().zip(batch.columns()) {
            leaves.extend(compute_leaves(field, column)?);
        }
        if leaves.len() != group.writers.len() {
            return Err(ParquetError::General(format!(
                "{} leaf columns for {} column writers",
                leaves.len(),
                group.writers.len()
            )));
        }
        group
            .writers
            .par_iter_mut()
            .zip(leaves.par_iter())
            .try_for_each(|(writer, leaf)| writer.write(leaf))?;
        group.rows += batch.num_rows();

        if group.rows >= max_rows || group.encoded_bytes() >= max_bytes {
            self.flush()?;
        }
        Ok(())
    }

    /// Writes the rows of row group `group` of `source` as one row group: the columns of
    /// `computed` (matched by name, in `source`'s row order), and every other column of
    /// the sink's schema copied byte for byte from `source`'s column of that name, which
    /// must have the same Parquet type (checked by the Parquet writer).
    ///
    /// A column passed through from one artefact to the next is neither decoded nor
    /// encoded again: in the derive stage, the person ids, weights and replicate weights
    /// are most of the bytes. The copied pages are those `source`'s writer encoded with
    /// the same properties ([`Self::properties`]) from the same rows, so the file has the
    /// bytes encoding them again would give (tested), and the same for a given `source`.
    ///
    /// A computed text column may come as a dictionary array with `u16` keys (the derive
    /// stage's codes): a required column without nulls is then written from its keys
    /// ([`coded`]), without hashing every value as Arrow's writer would; any other column
    /// by Arrow's writer.
    pub fn write_row_group(
        &mut self,
        computed: &RecordBatch,
        source: &RowGroupSource,
        group: usize,
    ) -> Result<()> {
        let target = self.path.clone();
        let failed = |e: ParquetError| {
            Error::internal(format!(
                "writing {} (row group {group} of {}): {e}",
                target.display(),
                source.path.display()
            ))
        };
        let rows = source.rows(group);
        if computed.num_rows() != rows {
            return Err(Error::internal(format!(
                "writing {}: {} rows computed for row group {group} of {}, which has {rows}",
                self.path.display(),
                computed.num_rows(),
                source.path.display()
            )));
        }
        self.flush().map_err(failed)?;
        let source_schema = source.schema();
        let mut parts = Vec::with_capacity(self.schema.fields().len());
        for field in self.schema.fields() {
            let part = match computed.column_by_name(field.name()) {
                Some(column) => Part::Encode(field.clone(), column.clone()),
                None => match source_schema.index_of(field.name()) {
                    Ok(at) => Part::Copy(at),
                    Err(_) => {
                        return Err(Error::internal(format!(
                            "writing {}: column {} is neither computed nor in {}",
                            self.path.display(),
                            field.name(),
                            source.path.display()
                        )))
                    }
                },
            };
            parts.push(part);
        }
        let writers = self
            .columns
            .create_column_writers(self.file.flushed_row_groups().len())
            .map_err(failed)?;
        if writers.len() != parts.len() {
            return Err(failed(ParquetError::General(format!(
                "{} column writers for {} columns (a nested column?)",
                writers.len(),
                parts.len()
            ))));
        }
        let descriptors = self.file.schema_descr().columns().to_vec();
        let encoded = writers
            .into_par_iter()
            .zip(parts.par_iter())
            .zip(descriptors.par_iter())
            .map(|((mut writer, part), descr)| match part {
                Part::Encode(field, column) => {
                    if let Some(codes) = column.as_dictionary_opt::<UInt16Type>() {
                        if coded::can_encode(descr, codes) {
                            let (bytes, close) = coded::encode(descr, codes, COMPRESSION)?;
                            return Ok(Encoded::Coded(bytes, close));
                        }
                    }
                    for leaf in compute_leaves(field, column)? {
                        writer.write(&leaf)?;
                    }
                    writer.close().map(Encoded::Written)
                }
                Part::Copy(_) => Ok(Encoded::Copied),
            })
            .collect::<parquet::errors::Result<Vec<_>>>()
            .map_err(failed)?;
        let metadata = source.metadata.metadata();
        let copied_from = source.own_handle()?;
        let mut row_group = self.file.next_row_group().map_err(failed)?;
        for (chunk, part) in encoded.into_iter().zip(&parts) {
            match (chunk, part) {
                (Encoded::Written(chunk), _) => chunk.append_to_row_group(&mut row_group),
                (Encoded::Coded(bytes, close), _) => row_group.append_column(&bytes, close),
                (Encoded::Copied, Part::Copy(at)) => {
                    let column = metadata.row_group(group).column(*at).clone();
                    let close = ColumnCloseResult {
                        bytes_written: column.compressed_size() as u64,
                        rows_written: rows as u64,
                        offset_index: metadata
                            .offset_index()
                            .and_then(|index| index.get(group)?.get(*at).cloned()),
                        metadata: column,
                        column_index: metadata
                            .column_index()
                            .and_then(|index| index.get(group)?.get(*at).cloned()),
                        bloom_filter: None,
                    };
                    row_group.append_column(&copied_from, close)
                }
                (Encoded::Copied, Part::Encode(..)) => {
                    unreachable!("every encoded column is closed")
                }
            }
            .map_err(failed)?;
        }
        row_group.close().map_err(failed)?;
        self.rows += rows as u64;
        Ok(())
    }

    /// Closes the row group in progress (its columns' last pages encoded in parallel) and
    /// appends it to the file.
    fn flush(&mut self) -> parquet::errors::Result<()> {
        let Some(group) = self.in_progress.take() else {
            return Ok(());
        };
        let chunks = group
            .writers
            .into_par_iter()
            .map(ArrowColumnWriter::close)
            .collect::<parquet::errors::Result<Vec<_>>>()?;
        let mut row_group = self.file.next_row_group()?;
        for chunk in chunks {
            chunk.append_to_row_group(&mut row_group)?;
        }
        row_group.close()?;
        Ok(())
    }

    /// Closes the file and moves it to its final name; returns the row count.
    pub fn finish(mut self) -> Result<u64> {
        let path = self.path.clone();
        let closing = |e: ParquetError| Error::internal(format!("closing {}: {e}", path.display()));
        self.flush().map_err(closing)?;
        let file = self.file.into_inner().map_err(closing)?;
        file.commit()?;
        Ok(self.rows)
    }
}

/// A column of [`ParquetSink::write_row_group`] once encoded.
enum Encoded {
    /// By Arrow's column writer.
    Written(parquet::arrow::arrow_writer::ArrowColumnChunk),
    /// From its dictionary keys ([`coded`]): the chunk's bytes.
    Coded(bytes::Bytes, ColumnCloseResult),
    /// To be copied from the source.
    Copied,
}

/// What [`ParquetSink::write_row_group`] does with a column.
enum Part {
    /// Encodes these values.
    Encode(arrow::datatypes::FieldRef, arrow::array::ArrayRef),
    /// Copies the source's column at this position.
    Copy(usize),
}

/// A Parquet artefact read row group by row group, whose column chunks the next artefact
/// can copy byte for byte ([`ParquetSink::write_row_group`]).
pub struct RowGroupSource {
    path: PathBuf,
    metadata: ArrowReaderMetadata,
}

impl RowGroupSource {
    /// Opens `path` (its metadata, with the page index a copy carries over).
    pub fn open(path: &Path) -> Result<Self> {
        let file = File::open(path).map_err(|e| Error::io(path, e))?;
        // The page index and the full page encoding statistics: a copied column carries
        // them over as they are.
        let options = ArrowReaderOptions::new()
            .with_page_index_policy(PageIndexPolicy::Optional)
            .with_encoding_stats_as_mask(false);
        let metadata =
            ArrowReaderMetadata::load(&file, options).map_err(|e| unreadable(path, e))?;
        Ok(RowGroupSource {
            path: path.to_path_buf(),
            metadata,
        })
    }

    /// The artefact's Arrow schema.
    pub fn schema(&self) -> SchemaRef {
        self.metadata.schema().clone()
    }

    /// Its number of row groups.
    pub fn row_groups(&self) -> usize {
        self.metadata.metadata().num_row_groups()
    }

    /// A handle of its own on the file: handles cloned from one share the file offset, and
    /// the reader and the writer of a stage read the file at once, on two threads.
    fn own_handle(&self) -> Result<File> {
        File::open(&self.path).map_err(|e| Error::io(&self.path, e))
    }

    /// The rows of row group `group`.
    pub fn rows(&self, group: usize) -> usize {
        self.metadata.metadata().row_group(group).num_rows() as usize
    }

    /// The columns named in `columns` (in the file's order; a name the file lacks is left
    /// out) of row group `group`, as one batch.
    pub fn read(&self, group: usize, columns: &[&str]) -> Result<RecordBatch> {
        let path = &self.path;
        let file = self.own_handle()?;
        let builder =
            ParquetRecordBatchReaderBuilder::new_with_metadata(file, self.metadata.clone());
        let mask = projection(builder.schema(), builder.parquet_schema(), columns);
        let reader = builder
            .with_projection(mask)
            .with_row_groups(vec![group])
            .with_batch_size(self.rows(group).max(1))
            .build()
            .map_err(|e| unreadable(path, e))?;
        let schema = reader.schema();
        let batches = reader
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|e| Error::io(path, std::io::Error::other(e)))?;
        arrow::compute::concat_batches(&schema, &batches)
            .map_err(|e| Error::io(path, std::io::Error::other(e)))
    }
}

/// Opens a Parquet artefact for reading batch by batch.
pub fn read(path: &Path) -> Result<ParquetRecordBatchReader> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    ParquetRecordBatchReaderBuilder::try_new(file)
        .and_then(|b| {
            let rows = batch_rows_for(b.schema());
            b.with_batch_size(rows).build()
        })
        .map_err(|e| {
            Error::io(
                path,
                std::io::Error::other(format!("not a readable Parquet file: {e}")),
            )
        })
}

/// Opens a Parquet artefact for reading the named columns alone (in the file's order; a
/// name the file lacks is left out), of one row group (the whole file: `None`), with the
/// text columns named in `dictionaries` read as `Dictionary(Int32, Utf8)`: a dictionary-encoded column chunk
/// keeps its dictionary, and only each row's key is decoded, for a reader that works out
/// something once per code rather than once per record. Read one row group at a time: a
/// batch across two row groups has its dictionary built again, value by value.
pub fn read_with_dictionaries(
    path: &Path,
    row_group: Option<usize>,
    columns: &[&str],
    dictionaries: &[&str],
) -> Result<ParquetRecordBatchReader> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let mut options = ArrowReaderOptions::new();
    if !dictionaries.is_empty() {
        let metadata = ArrowReaderMetadata::load(&file, ArrowReaderOptions::new())
            .map_err(|e| unreadable(path, e))?;
        let fields: Vec<arrow::datatypes::Field> = metadata
            .schema()
            .fields()
            .iter()
            .map(|f| {
                let field = f.as_ref().clone();
                if dictionaries.contains(&f.name().as_str()) && f.data_type() == &DataType::Utf8 {
                    let dictionary =
                        DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8));
                    field.with_data_type(dictionary)
                } else {
                    field
                }
            })
            .collect();
        options = options.with_schema(Arc::new(Schema::new(fields)));
    }
    ParquetRecordBatchReaderBuilder::try_new_with_options(file, options)
        .and_then(|b| {
            let rows = batch_rows_for(b.schema());
            let mask = projection(b.schema(), b.parquet_schema(), columns);
            let b = b.with_projection(mask);
            match row_group {
                Some(group) => b.with_row_groups(vec![group]),
                None => b,
            }
            .with_batch_size(rows)
            .build()
        })
        .map_err(|e| unreadable(path, e))
}

/// The metadata (footer) of a Parquet artefact, page index left out.
pub fn metadata(path: &Path) -> Result<Arc<ParquetMetaData>> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    ArrowReaderMetadata::load(&file, ArrowReaderOptions::new())
        .map(|m| m.metadata().clone())
        .map_err(|e| unreadable(path, e))
}

/// The leaf (column chunk index) of the top-level column `name` of a flat Parquet file.
pub fn leaf_index(metadata: &ParquetMetaData, name: &str) -> Option<usize> {
    let leaves = metadata.file_metadata().schema_descr();
    (0..leaves.num_columns()).find(|&i| leaves.column(i).path().parts() == [name])
}

/// The number of row groups of a Parquet artefact.
pub fn row_groups(path: &Path) -> Result<usize> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    ParquetRecordBatchReaderBuilder::try_new(file)
        .map(|b| b.metadata().num_row_groups())
        .map_err(|e| unreadable(path, e))
}

/// The projection of a file (`schema`, `parquet`) on the columns named in `columns`, in
/// the file's order; a name the file lacks is left out.
fn projection(
    schema: &Schema,
    parquet: &parquet::schema::types::SchemaDescriptor,
    columns: &[&str],
) -> parquet::arrow::ProjectionMask {
    let roots = schema
        .fields()
        .iter()
        .enumerate()
        .filter(|(_, f)| columns.contains(&f.name().as_str()))
        .map(|(i, _)| i);
    parquet::arrow::ProjectionMask::roots(parquet, roots)
}

fn unreadable(path: &Path, e: parquet::errors::ParquetError) -> Error {
    Error::io(
        path,
        std::io::Error::other(format!("not a readable Parquet file: {e}")),
    )
}

/// Reads a whole (small) Parquet artefact and checks it has the expected schema.
pub fn read_all(path: &Path, expected: &SchemaRef) -> Result<Vec<RecordBatch>> {
    let reader = read(path)?;
    check_schema(path, &reader.schema(), expected)?;
    reader
        .map(|b| b.map_err(|e| Error::io(path, std::io::Error::other(e))))
        .collect()
}

/// Fails when an artefact's schema is not the one this version of migstat writes.
pub fn check_schema(path: &Path, found: &SchemaRef, expected: &SchemaRef) -> Result<()> {
    let same = found.fields().len() == expected.fields().len()
        && found
            .fields()
            .iter()
            .zip(expected.fields())
            .all(|(a, b)| a.name() == b.name() && a.data_type() == b.data_type());
    if same {
        Ok(())
    } else {
        Err(Error::io(
            path,
            std::io::Error::other(format!(
                "artefact schema differs from the one this migstat writes (found {:?})",
                found
                    .fields()
                    .iter()
                    .map(|f| format!("{}: {}", f.name(), f.data_type()))
                    .collect::<Vec<_>>()
            )),
        ))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::{ArrayRef, BooleanArray, Float64Array, Int64Array, StringArray};
    use arrow::datatypes::{DataType, Field, Schema};

    use super::*;

    fn schema() -> SchemaRef {
        Arc::new(Schema::new(vec![
            Field::new("person_id", DataType::Utf8, false),
            Field::new("code", DataType::Utf8, true),
            Field::new("n", DataType::Int64, false),
            Field::new("x", DataType::Float64, true),
            Field::new("flag", DataType::Boolean, true),
        ]))
    }

    /// `rows` records from `start`: unique ids, a few codes with nulls, random-looking
    /// floats (no dictionary helps them), so row groups fill by bytes too.
    fn batch(start: usize, rows: usize) -> RecordBatch {
        let range = start..start + rows;
        let columns: Vec<ArrayRef> = vec![
            Arc::new(StringArray::from_iter_values(
                range.clone().map(|i| format!("P{i:09}")),
            )),
            Arc::new(StringArray::from_iter(range.clone().map(|i| {
                (i % 7 != 0).then(|| ["A", "BB", "CCC", "D"][i % 4].to_string())
            }))),
            Arc::new(Int64Array::from_iter_values(
                range.clone().map(|i| i as i64),
            )),
            Arc::new(Float64Array::from_iter(range.clone().map(|i| {
                (i % 11 != 0).then(|| ((i as f64) * 0.618_033_988_7).fract() * 1e6)
            }))),
            Arc::new(BooleanArray::from_iter(
                range.map(|i| (i % 5 != 0).then_some(i % 3 == 0)),
            )),
        ];
        RecordBatch::try_new(schema(), columns).unwrap()
    }

    /// Writes the batches of `sizes` with the sink and with a plain `ArrowWriter` set up
    /// alike; returns both files' bytes.
    fn both(sizes: &[usize], max_rows: usize, max_bytes: usize) -> (Vec<u8>, Vec<u8>) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sink.parquet");
        let mut sink = ParquetSink::with_row_groups(&path, schema(), max_rows, max_bytes).unwrap();
        let mut reference = ArrowWriter::try_new(
            Vec::new(),
            schema(),
            Some(ParquetSink::properties(&schema(), max_rows, max_bytes)),
        )
        .unwrap();
        let mut start = 0;
        for &rows in sizes {
            let b = batch(start, rows);
            sink.write(&b).unwrap();
            reference.write(&b).unwrap();
            start += rows;
        }
        assert_eq!(sink.finish().unwrap(), start as u64);
        (
            std::fs::read(&path).unwrap(),
            reference.into_inner().unwrap(),
        )
    }

    fn row_group_sizes(bytes: Vec<u8>) -> Vec<i64> {
        use std::io::Write;
        let mut file = tempfile::tempfile().unwrap();
        file.write_all(&bytes).unwrap();
        let reader = ParquetRecordBatchReaderBuilder::try_new(file).unwrap();
        reader
            .metadata()
            .row_groups()
            .iter()
            .map(|g| g.num_rows())
            .collect()
    }

    #[test]
    fn the_parallel_sink_writes_arrow_writers_bytes_when_row_groups_fill_by_rows() {
        let (sink, reference) = both(&[1_000, 70_000, 65_536, 3, 200_000, 5], 50_000, usize::MAX);
        assert_eq!(
            row_group_sizes(sink.clone()),
            [50_000, 50_000, 50_000, 50_000, 50_000, 50_000, 36_544]
        );
        assert!(
            sink == reference,
            "the sink's file differs from ArrowWriter's"
        );
    }

    #[test]
    fn the_parallel_sink_writes_arrow_writers_bytes_when_row_groups_fill_by_bytes() {
        let (sink, reference) = both(&[4_000, 30_000, 1, 30_000, 17], usize::MAX, 300_000);
        let groups = row_group_sizes(sink.clone());
        assert!(groups.len() > 3, "row groups cut by bytes: {groups:?}");
        assert_eq!(groups.iter().sum::<i64>(), 64_018);
        assert!(
            sink == reference,
            "the sink's file differs from ArrowWriter's"
        );
    }

    #[test]
    fn copied_columns_give_the_bytes_encoding_them_again_gives() {
        let dir = tempfile::tempdir().unwrap();
        // The source: three row groups (50,000, 50,000, 20,000 rows).
        let source_path = dir.path().join("source.parquet");
        let mut source =
            ParquetSink::with_row_groups(&source_path, schema(), 50_000, usize::MAX).unwrap();
        source.write(&batch(0, 120_000)).unwrap();
        source.finish().unwrap();
        let source = RowGroupSource::open(&source_path).unwrap();
        assert_eq!(source.row_groups(), 3);

        // Row group by row group: the code and flag columns computed (read and encoded
        // again), the ids, counts and floats copied.
        let copied_path = dir.path().join("copied.parquet");
        let mut copied =
            ParquetSink::with_row_groups(&copied_path, schema(), 50_000, usize::MAX).unwrap();
        let mut start = 0;
        for group in 0..source.row_groups() {
            let computed = source.read(group, &["flag", "code"]).unwrap();
            let names: Vec<String> = computed
                .schema()
                .fields()
                .iter()
                .map(|f| f.name().clone())
                .collect();
            assert_eq!(names, ["code", "flag"], "the file's order");
            assert_eq!(
                computed,
                batch(start, source.rows(group)).project(&[1, 4]).unwrap()
            );
            start += source.rows(group);
            copied.write_row_group(&computed, &source, group).unwrap();
        }
        assert_eq!(copied.finish().unwrap(), 120_000);

        let (encoded, _) = both(&[120_000], 50_000, usize::MAX);
        assert!(
            std::fs::read(&copied_path).unwrap() == encoded,
            "copying columns gave other bytes than encoding them"
        );
    }

    /// Codes as a derive stage computes them: a dictionary array with `u16` keys whose
    /// dictionary lists values in another order than their first use, one twice, and
    /// one nobody uses.
    fn codes(
        rows: std::ops::Range<usize>,
        values: &[&str],
        key: impl Fn(usize) -> u16,
    ) -> ArrayRef {
        let keys = arrow::array::UInt16Array::from_iter_values(rows.map(key));
        Arc::new(arrow::array::DictionaryArray::new(
            keys,
            Arc::new(StringArray::from(values.to_vec())),
        ))
    }

    #[test]
    fn codes_written_from_their_keys_read_back_as_the_text_arrows_writer_writes() {
        let dir = tempfile::tempdir().unwrap();
        let schema = Arc::new(Schema::new(vec![
            Field::new("person_id", DataType::Utf8, false),
            Field::new("sex", DataType::Utf8, false),
            Field::new("country", DataType::Utf8, false),
            Field::new("basis", DataType::Utf8, false),
            Field::new("optional", DataType::Utf8, true),
        ]));
        let countries: Vec<String> = (0..300).map(|i| format!("C{i:03}")).collect();
        let countries: Vec<&str> = countries.iter().map(String::as_str).collect();
        // Two row groups of 70,000 and 30,000 rows: pages of 20,480 and a short one.
        let source_path = dir.path().join("source.parquet");
        let mut source = ParquetSink::with_row_groups(
            &source_path,
            schema.project(&[0]).unwrap().into(),
            70_000,
            usize::MAX,
        )
        .unwrap();
        source
            .write(&batch(0, 100_000).project(&[0]).unwrap())
            .unwrap();
        source.finish().unwrap();
        let source = RowGroupSource::open(&source_path).unwrap();

        let computed = |rows: std::ops::Range<usize>| {
            let columns = vec![
                // Mixed keys, long runs (one of them 5,000 rows long), a value twice, one unused.
                codes(rows.clone(), &["unused", "F", "M", "F"], |i| {
                    if (40_000..45_000).contains(&i) {
                        2
                    } else {
                        [1, 2, 3][(i * 7 + i / 13) % 3]
                    }
                }),
                // 300 values: 9-bit keys.
                codes(rows.clone(), &countries, |i| {
                    ((i * 2_654_435_761) % 300) as u16
                }),
                // One value: 0-bit keys.
                codes(rows.clone(), &["ROSTER"], |_| 0),
                // A nullable column: Arrow's writer writes it.
                codes(rows, &["Y", "N"], |i| (i % 3 == 0) as u16),
            ];
            let names = ["sex", "country", "basis", "optional"];
            RecordBatch::try_from_iter(names.into_iter().zip(columns)).unwrap()
        };
        let coded_path = dir.path().join("coded.parquet");
        let mut coded =
            ParquetSink::with_row_groups(&coded_path, schema.clone(), 70_000, usize::MAX).unwrap();
        let mut reference = ArrowWriter::try_new(
            Vec::new(),
            schema.clone(),
            Some(ParquetSink::properties(&schema, 70_000, usize::MAX)),
        )
        .unwrap();
        let mut start = 0;
        for group in 0..source.row_groups() {
            let rows = start..start + source.rows(group);
            let computed = computed(rows.clone());
            coded.write_row_group(&computed, &source, group).unwrap();
            // The reference: the same rows as text, encoded by Arrow's writer.
            let mut columns = vec![batch(start, rows.len()).column(0).clone()];
            for column in computed.columns() {
                columns.push(arrow::compute::cast(column, &DataType::Utf8).unwrap());
            }
            reference
                .write(&RecordBatch::try_new(schema.clone(), columns).unwrap())
                .unwrap();
            start = rows.end;
        }
        assert_eq!(coded.finish().unwrap(), 100_000);
        let reference = bytes::Bytes::from(reference.into_inner().unwrap());
        let coded = bytes::Bytes::from(std::fs::read(&coded_path).unwrap());

        let read = |file: bytes::Bytes| {
            let options =
                ArrowReaderOptions::new().with_page_index_policy(PageIndexPolicy::Required);
            let reader =
                ParquetRecordBatchReaderBuilder::try_new_with_options(file, options).unwrap();
            let metadata = reader.metadata().clone();
            let batches: Vec<RecordBatch> = reader
                .build()
                .unwrap()
                .collect::<std::result::Result<_, _>>()
                .unwrap();
            (
                metadata,
                arrow::compute::concat_batches(&schema, &batches).unwrap(),
            )
        };
        let (coded_metadata, coded_rows) = read(coded);
        let (reference_metadata, reference_rows) = read(reference);
        assert_eq!(coded_rows, reference_rows);
        for (ours, arrows) in coded_metadata
            .row_groups()
            .iter()
            .zip(reference_metadata.row_groups())
        {
            for (column, (ours, arrows)) in ours
                .columns()
                .iter()
                .zip(arrows.columns())
                .enumerate()
                .skip(1)
            {
                let encodings = |c: &parquet::file::metadata::ColumnChunkMetaData| {
                    c.encodings().collect::<Vec<_>>()
                };
                assert_eq!(encodings(ours), encodings(arrows), "column {column}");
                assert_eq!(ours.num_values(), arrows.num_values());
                // The same pages, give or take how runs are cut.
                let (ours, arrows) = (
                    ours.compressed_size() as f64,
                    arrows.compressed_size() as f64,
                );
                assert!(
                    ours < arrows * 1.1 + 100.0,
                    "column {column}: {ours} bytes, Arrow's writer {arrows}"
                );
            }
        }
        // Pages and their rows, as the offset index tells readers.
        let pages: Vec<Vec<i64>> = coded_metadata.offset_index().unwrap()[0]
            .iter()
            .map(|column| {
                column
                    .page_locations()
                    .iter()
                    .map(|p| p.first_row_index)
                    .collect()
            })
            .collect();
        assert_eq!(pages[1], [0, 20_480, 40_960, 61_440], "sex, row group 0");
        assert_eq!(pages[3], [0, 20_480, 40_960, 61_440], "basis, row group 0");
    }

    #[test]
    fn a_computed_batch_must_have_the_rows_of_its_row_group() {
        let dir = tempfile::tempdir().unwrap();
        let source_path = dir.path().join("source.parquet");
        let mut source = ParquetSink::create(&source_path, schema()).unwrap();
        source.write(&batch(0, 100)).unwrap();
        source.finish().unwrap();
        let source = RowGroupSource::open(&source_path).unwrap();
        let mut sink = ParquetSink::create(&dir.path().join("t.parquet"), schema()).unwrap();
        let short = batch(0, 99).project(&[1]).unwrap();
        let error = sink.write_row_group(&short, &source, 0).unwrap_err();
        assert!(error.to_string().contains("99 rows computed"), "{error}");
    }

    #[test]
    fn nothing_written_is_a_file_with_no_row_group() {
        let (sink, reference) = both(&[], 10, usize::MAX);
        assert!(row_group_sizes(sink.clone()).is_empty());
        assert_eq!(sink, reference);
    }
}
