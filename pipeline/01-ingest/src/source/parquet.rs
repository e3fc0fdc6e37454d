//! Parquet microdata: the same columns as the CSV, in any Parquet types that read as text.
//!
//! Only the core-record columns are read (a projection), batch by batch. A column whose
//! check works on values of its type (Booleans as flags, integers as whole numbers,
//! integers and decimals as weights: [`crate::validate::takes_typed`]) is handed over as
//! it is and gets the same rules on its values; writing its text only to parse it back
//! was a fifth of the stage on a typed file. Any other is turned into text so that it
//! goes through exactly the same checks as CSV:
//!
//! - strings (also large, view and dictionary-encoded) as they are;
//! - Booleans as `Y` (true) and `N` (false);
//! - integers and decimals as their decimal text (`Decimal128(10,2)` 120.50 is `120.50`);
//! - floats as their shortest round-trip decimal text without a trailing `.0`
//!   (`120.5`, `34`, `1e-10`, `NaN`), so a float column holding whole numbers reads as
//!   integers, as pandas writes integer columns that have missing values.
//!
//! A nested column (list, struct, map) is a `parquet.type` reject. A file that starts
//! with the Parquet magic but cannot be read (truncated, corrupt) is a
//! `parquet.unreadable` reject naming the reader's message.

use std::fs::File;
use std::path::Path;

use arrow::array::{Array, ArrayRef, AsArray, StringArray};
use arrow::compute::{can_cast_types, cast_with_options, CastOptions};
use arrow::datatypes::DataType;
use arrow::error::ArrowError;
use migstat_artefacts::config::Design;
use migstat_artefacts::rejects::Reject;
use migstat_artefacts::{Error, Result};
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};
use parquet::arrow::ProjectionMask;

use super::{file_reject, Header, RawBatch};
use crate::rules;

/// An open Parquet file whose schema has been checked.
pub(crate) struct ParquetSource {
    file: String,
    reader: ParquetRecordBatchReader,
    header: Header,
    /// For each column of the header, its position in the projected batches.
    projected: Vec<Option<usize>>,
    rows: u64,
    failed: bool,
    /// The records the file's metadata announces.
    expected: u64,
}

impl ParquetSource {
    /// The records the file's metadata announces.
    pub fn expected_records(&self) -> u64 {
        self.expected
    }

    /// Opens `path`, matches its columns to the core record and checks their types.
    pub fn open(
        path: &Path,
        file: &str,
        design: &Design,
    ) -> Result<std::result::Result<Self, Vec<Reject>>> {
        let handle = File::open(path).map_err(|e| Error::io(path, e))?;
        let builder = match ParquetRecordBatchReaderBuilder::try_new(handle) {
            Ok(b) => b,
            Err(e) => return Ok(Err(vec![unreadable(file, &e.to_string())])),
        };
        let schema = builder.schema().clone();
        let names: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
        let header = match Header::resolve(&names, file, design) {
            Ok(h) => h,
            Err(rejects) => return Ok(Err(rejects)),
        };
        let type_rejects: Vec<Reject> = header
            .present()
            .filter_map(|(col, pos)| {
                let data_type = schema.field(pos).data_type();
                (!readable_as_text(data_type)).then(|| {
                    let name = &header.columns[col];
                    file_reject(
                        file,
                        name,
                        &data_type.to_string(),
                        rules::PARQUET_TYPE,
                        format!(
                            "column {name} has Parquet type {data_type}, which cannot be read \
                             as text, a number or a Boolean",
                        ),
                    )
                })
            })
            .collect();
        if !type_rejects.is_empty() {
            return Ok(Err(type_rejects));
        }
        let mut roots: Vec<usize> = header.present().map(|(_, pos)| pos).collect();
        roots.sort_unstable();
        roots.dedup(); // one input column may feed two core columns (psu = household_id)
        let mut projected = vec![None; header.len()];
        for (col, pos) in header.present() {
            projected[col] = roots.iter().position(|&r| r == pos);
        }
        let expected = builder.metadata().file_metadata().num_rows().max(0) as u64;
        let mask = ProjectionMask::roots(builder.parquet_schema(), roots);
        let reader = match builder
            .with_projection(mask)
            .with_batch_size(header.batch_rows())
            .build()
        {
            Ok(r) => r,
            Err(e) => return Ok(Err(vec![unreadable(file, &e.to_string())])),
        };
        Ok(Ok(ParquetSource {
            file: file.to_string(),
            reader,
            header,
            projected,
            rows: 0,
            failed: false,
            expected,
        }))
    }

    /// The columns of the file.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// Records read so far.
    pub fn rows_read(&self) -> u64 {
        self.rows
    }

    /// Reads the next batch. A read error ends the file with one reject.
    pub fn next_batch(&mut self) -> Result<Option<RawBatch>> {
        if self.failed {
            return Ok(None);
        }
        let batch = match self.reader.next() {
            None => return Ok(None),
            Some(Ok(batch)) => batch,
            Some(Err(e)) => {
                self.failed = true;
                let message = format!("after row {}: {e}", self.rows);
                return Ok(Some(RawBatch {
                    columns: vec![None; self.header.len()],
                    rejects: vec![unreadable(&self.file, &message)],
                    ..RawBatch::default()
                }));
            }
        };
        let first = self.rows + 1;
        self.rows += batch.num_rows() as u64;
        let mut raw = RawBatch {
            columns: vec![None; self.header.len()],
            ..RawBatch::default()
        };
        raw.typed = vec![None; self.header.len()];
        for (col, at) in self.projected.iter().enumerate() {
            let Some(at) = *at else { continue };
            let check = crate::columns::COLUMNS.get(col).map(|c| c.check);
            if crate::validate::takes_typed(check, batch.column(at).data_type()) {
                raw.typed[col] = Some(batch.column(at).clone());
                continue;
            }
            match to_text(batch.column(at)) {
                Ok(text) => raw.columns[col] = Some(text),
                Err(e) => raw.rejects.push(Reject {
                    row: Some(first),
                    ..file_reject(
                        &self.file,
                        &self.header.columns[col],
                        "",
                        rules::PARQUET_TYPE,
                        format!(
                            "rows {first} to {} of column {} cannot be read as text: {e}",
                            self.rows, self.header.columns[col]
                        ),
                    )
                }),
            }
        }
        if raw.rejects.is_empty() {
            raw.rows = (first..=self.rows).collect();
            raw.lines = vec![None; batch.num_rows()];
        } else {
            raw.columns = vec![None; self.header.len()];
            raw.typed.clear();
        }
        Ok(Some(raw))
    }
}

fn unreadable(file: &str, detail: &str) -> Reject {
    file_reject(
        file,
        "",
        "",
        rules::PARQUET_UNREADABLE,
        format!("the file is not a readable Parquet file: {detail}"),
    )
}

/// Whether a column of this type can be turned into text by [`to_text`].
fn readable_as_text(data_type: &DataType) -> bool {
    !data_type.is_nested() && can_cast_types(data_type, &DataType::Utf8)
}

/// A column as text (see the module documentation for each type).
pub(crate) fn to_text(array: &ArrayRef) -> std::result::Result<StringArray, ArrowError> {
    match array.data_type() {
        DataType::Boolean => Ok(array
            .as_boolean()
            .iter()
            .map(|v| v.map(|b| if b { "Y" } else { "N" }))
            .collect()),
        DataType::Float16 | DataType::Float32 | DataType::Float64 => {
            let text = cast_strict(array)?;
            Ok(text
                .as_string::<i32>()
                .iter()
                .map(|v| v.map(|s| s.strip_suffix(".0").unwrap_or(s)))
                .collect())
        }
        _ => Ok(cast_strict(array)?.as_string::<i32>().clone()),
    }
}

/// Casts to Utf8, failing (rather than writing nulls) on values that do not convert.
fn cast_strict(array: &ArrayRef) -> std::result::Result<ArrayRef, ArrowError> {
    let options = CastOptions {
        safe: false,
        ..CastOptions::default()
    };
    cast_with_options(array, &DataType::Utf8, &options)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use arrow::array::{BooleanArray, Decimal128Array, DictionaryArray, Float64Array, Int64Array};
    use arrow::datatypes::Int32Type;

    fn one(array: ArrayRef) -> Vec<Option<String>> {
        let text = to_text(&array).unwrap();
        text.iter().map(|v| v.map(String::from)).collect()
    }

    fn s(v: &str) -> Option<String> {
        Some(v.to_string())
    }

    #[test]
    fn booleans_become_y_and_n() {
        let got = one(Arc::new(BooleanArray::from(vec![
            Some(true),
            Some(false),
            None,
        ])));
        assert_eq!(got, [s("Y"), s("N"), None]);
    }

    #[test]
    fn floats_become_their_shortest_decimal_without_a_trailing_zero() {
        let got = one(Arc::new(Float64Array::from(vec![
            Some(120.5),
            Some(34.0),
            Some(1e-10),
            Some(f64::NAN),
            None,
        ])));
        assert_eq!(got, [s("120.5"), s("34"), s("1e-10"), s("NaN"), None]);
    }

    #[test]
    fn integers_and_decimals_become_their_exact_text() {
        assert_eq!(
            one(Arc::new(Int64Array::from(vec![34, -1]))),
            [s("34"), s("-1")]
        );
        let d = Decimal128Array::from(vec![12050])
            .with_precision_and_scale(10, 2)
            .unwrap();
        assert_eq!(one(Arc::new(d)), [s("120.50")]);
    }

    #[test]
    fn dictionary_strings_are_read_through() {
        let d: DictionaryArray<Int32Type> = vec!["PHL", "IDN", "PHL"].into_iter().collect();
        assert_eq!(one(Arc::new(d)), [s("PHL"), s("IDN"), s("PHL")]);
    }

    #[test]
    fn nested_types_are_not_readable() {
        let list = DataType::new_list(DataType::Utf8, true);
        assert!(!readable_as_text(&list));
        assert!(readable_as_text(&DataType::Utf8View));
        assert!(readable_as_text(&DataType::Int32));
    }
}
