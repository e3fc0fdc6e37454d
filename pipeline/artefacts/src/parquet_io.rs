//! Reading and writing the Parquet artefacts, atomically and batch by batch.

use std::fs::File;
use std::path::{Path, PathBuf};

use arrow::array::{RecordBatch, RecordBatchReader};
use arrow::datatypes::SchemaRef;
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use crate::atomic::AtomicFile;
use crate::{Error, Result};

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

/// A Parquet artefact being written; it appears under its name only on [`finish`](Self::finish).
pub struct ParquetSink {
    path: PathBuf,
    writer: ArrowWriter<AtomicFile>,
    rows: u64,
}

impl ParquetSink {
    /// Starts writing `path` with `schema`.
    pub fn create(path: &Path, schema: SchemaRef) -> Result<Self> {
        let file = AtomicFile::create(path)?;
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
            .set_max_row_group_bytes(Some(ROW_GROUP_BYTES))
            .build();
        let writer = ArrowWriter::try_new(file, schema, Some(props))
            .map_err(|e| Error::internal(format!("parquet writer for {}: {e}", path.display())))?;
        Ok(ParquetSink {
            path: path.to_path_buf(),
            writer,
            rows: 0,
        })
    }

    /// Appends a batch (its schema must be the sink's).
    pub fn write(&mut self, batch: &RecordBatch) -> Result<()> {
        self.rows += batch.num_rows() as u64;
        self.writer
            .write(batch)
            .map_err(|e| Error::internal(format!("writing {}: {e}", self.path.display())))
    }

    /// Closes the file and moves it to its final name; returns the row count.
    pub fn finish(self) -> Result<u64> {
        let file = self
            .writer
            .into_inner()
            .map_err(|e| Error::internal(format!("closing {}: {e}", self.path.display())))?;
        file.commit()?;
        Ok(self.rows)
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

/// Opens a Parquet artefact for reading the named columns alone (in the file's order),
/// batch by batch; a name the file lacks is left out (the caller reports it by name).
pub fn read_columns(path: &Path, columns: &[&str]) -> Result<ParquetRecordBatchReader> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    ParquetRecordBatchReaderBuilder::try_new(file)
        .and_then(|b| {
            let roots: Vec<usize> = b
                .schema()
                .fields()
                .iter()
                .enumerate()
                .filter(|(_, f)| columns.contains(&f.name().as_str()))
                .map(|(i, _)| i)
                .collect();
            let mask = parquet::arrow::ProjectionMask::roots(b.parquet_schema(), roots);
            let rows = batch_rows_for(b.schema());
            b.with_projection(mask).with_batch_size(rows).build()
        })
        .map_err(|e| {
            Error::io(
                path,
                std::io::Error::other(format!("not a readable Parquet file: {e}")),
            )
        })
}

/// The number of row groups of a Parquet artefact.
pub fn row_groups(path: &Path) -> Result<usize> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    ParquetRecordBatchReaderBuilder::try_new(file)
        .map(|b| b.metadata().num_row_groups())
        .map_err(|e| unreadable(path, e))
}

/// Opens one row group of a Parquet artefact, to read several in parallel.
pub fn read_row_group(path: &Path, row_group: usize) -> Result<ParquetRecordBatchReader> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    ParquetRecordBatchReaderBuilder::try_new(file)
        .and_then(|b| {
            let rows = batch_rows_for(b.schema());
            b.with_row_groups(vec![row_group])
                .with_batch_size(rows)
                .build()
        })
        .map_err(|e| unreadable(path, e))
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
