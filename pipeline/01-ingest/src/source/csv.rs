//! CSV microdata: UTF-8, comma-separated, one header row (contract section 3); or, with
//! a layout ([`crate::layout`]), delimited text in the layout's dialect (delimiter,
//! quote, UTF-8 / Latin-1 / Windows-1252) whose national columns the layout maps onto
//! the core record, record by record, before the core-record rules.
//!
//! Read with the `csv` crate as raw bytes, record by record, so that nothing in the file
//! can make ingest panic or stop with a generic error: every record that cannot be read
//! becomes a reject naming its row and line, and the file is read to the end so that all
//! of them are reported. A record that breaks the CSV structure (`csv.*` rules) is not
//! checked further.
//!
//! - A UTF-8 byte-order mark is skipped.
//! - The reader is flexible: a record with a different number of fields from the header
//!   is a `csv.field_count` reject, not a parser error.
//! - Invalid UTF-8 is checked per field of the core-record columns (`csv.utf8`); extra
//!   columns are ignored, bytes and all.
//! - A quote opened and never closed makes the parser swallow the rest of the file into
//!   one field. No core-record value has a line break, so a field with one (in any column:
//!   a stray quote in an extra column swallows records just the same) is rejected as
//!   `csv.unbalanced_quote`, naming the line where the record started. The price: a
//!   legitimately quoted multi-line text in an extra column is rejected too.

use std::borrow::Cow;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use csv::ByteRecord;
use migstat_artefacts::config::Design;
use migstat_artefacts::rejects::Reject;
use migstat_artefacts::{Error, Result};

use super::{file_reject, resolve_header, BatchBuilder, Header, RawBatch};
use crate::layout::{Encoding, Layout, Mapper, SurveyRef};
use crate::rules;

const BOM: &[u8] = b"\xEF\xBB\xBF";
/// At most this many characters of an offending value are repeated in a reject.
const VALUE_SHOWN: usize = 100;

/// An open CSV file whose header has been read.
pub(crate) struct CsvSource {
    path: PathBuf,
    file: String,
    reader: csv::Reader<BufReader<File>>,
    header: Header,
    record: ByteRecord,
    rows: u64,
    encoding: Encoding,
    /// The file positions whose values must be valid UTF-8.
    utf8_checked: Vec<usize>,
    /// The layout bound to the header, if not `core`.
    mapper: Option<Mapper>,
}

impl CsvSource {
    /// Opens `path` and reads its header; problems of the header are rejects.
    pub fn open(
        path: &Path,
        file: &str,
        design: &Design,
        layout: Option<(&Layout, &SurveyRef)>,
    ) -> Result<std::result::Result<Self, Vec<Reject>>> {
        let io = |e| Error::io(path, e);
        if let Some(key) = layout.and_then(|(l, _)| l.labels_key()) {
            return Err(Error::config(
                &layout.expect("a layout").0.file,
                format!(
                    "{key}.labels = true: {file} is delimited text, which has no value labels \
                     (labels are read from .sav, .dta and fixed-width dictionaries)"
                ),
            ));
        }
        let dialect = layout.map(|l| l.0.dialect.clone()).unwrap_or_default();
        let encoding = dialect.encoding;
        let mut input = BufReader::with_capacity(1 << 16, File::open(path).map_err(io)?);
        if encoding == Encoding::Utf8 && input.fill_buf().map_err(io)?.starts_with(BOM) {
            input.consume(BOM.len());
        }
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(dialect.delimiter)
            .quoting(dialect.quote.is_some())
            .quote(dialect.quote.unwrap_or(b'"'))
            .from_reader(input);
        let mut record = ByteRecord::new();
        if !read(&mut reader, &mut record, path)? {
            return Ok(Err(vec![file_reject(
                file,
                "",
                "",
                rules::FILE_EMPTY,
                "the file has no header and no data".into(),
            )]));
        }
        let header_line = record.position().map(|p| p.line());
        let mut rejects = Vec::new();
        let mut names = Vec::with_capacity(record.len());
        for field in record.iter() {
            let decoded = encoding.decode(field);
            let name = match &decoded {
                Some(text) => text.trim().to_string(),
                None => String::from_utf8_lossy(field).trim().to_string(),
            };
            if decoded.is_none() {
                rejects.push(Reject {
                    line: header_line,
                    ..file_reject(
                        file,
                        &name,
                        &name,
                        rules::CSV_UTF8,
                        "the header is not valid UTF-8".into(),
                    )
                });
            }
            names.push(name);
        }
        // One scan of the whole record; the field is looked for only when there is one.
        let line_break = memchr::memchr2(b'\n', b'\r', record.as_slice()).is_some();
        if let Some(at) = record
            .iter()
            .position(has_line_break)
            .filter(|_| line_break)
        {
            rejects.push(Reject {
                line: header_line,
                ..file_reject(
                    file,
                    "",
                    &shown(&record[at]),
                    rules::CSV_UNBALANCED_QUOTE,
                    "a quote opened in the header is never closed".into(),
                )
            });
        }
        let (header, mapper) = match resolve_header(&names, file, design, layout, None) {
            Ok(resolved) if rejects.is_empty() => resolved,
            Ok(_) => return Ok(Err(rejects)),
            Err(more) => {
                rejects.extend(more);
                return Ok(Err(rejects));
            }
        };
        let utf8_checked = match (&mapper, encoding) {
            (_, Encoding::Latin1 | Encoding::Windows1252) => vec![],
            (Some(m), Encoding::Utf8) => m.used_positions(),
            (None, Encoding::Utf8) => header.present().map(|(_, pos)| pos).collect(),
        };
        Ok(Ok(CsvSource {
            path: path.to_path_buf(),
            file: file.to_string(),
            reader,
            header,
            record,
            rows: 0,
            encoding,
            utf8_checked,
            mapper,
        }))
    }

    /// The columns of the file.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// Data records read so far, readable or not.
    pub fn rows_read(&self) -> u64 {
        self.rows
    }

    /// Reads up to [`Header::batch_rows`] records.
    pub fn next_batch(&mut self) -> Result<Option<RawBatch>> {
        let mut batch = BatchBuilder::new(&self.header);
        let mut records = 0;
        let batch_rows = self.header.batch_rows();
        while records < batch_rows {
            if !read(&mut self.reader, &mut self.record, &self.path)? {
                break;
            }
            records += 1;
            self.rows += 1;
            let row = self.rows;
            let line = self.record.position().map(|p| p.line());
            let before = batch.rejects().len();
            let text = utf8_text(&self.record);
            self.check_structure(row, line, text.is_some(), batch.rejects());
            if batch.rejects().len() > before {
                continue;
            }
            if let Some(mapper) = &self.mapper {
                let fields: Vec<Cow<str>> = self
                    .record
                    .iter()
                    .map(|f| self.encoding.decode(f).unwrap_or_default())
                    .collect();
                batch.push_mapped(mapper, &fields, &self.file, row, line);
            } else {
                let record = &self.record;
                match text {
                    Some(text) => batch.push(row, line, |pos| {
                        record.range(pos).map_or("", |range| &text[range])
                    }),
                    None => batch.push(row, line, |pos| {
                        std::str::from_utf8(&record[pos]).unwrap_or_default()
                    }),
                }
            }
        }
        if records == 0 {
            return Ok(None);
        }
        Ok(Some(batch.finish()))
    }

    /// The `csv.*` problems of the current record (at most one for its shape, then one per
    /// field that is not UTF-8). `utf8` tells that the whole record is UTF-8 ([`utf8_text`]).
    fn check_structure(&self, row: u64, line: Option<u64>, utf8: bool, rejects: &mut Vec<Reject>) {
        let record = &self.record;
        let reject = |column: &str, value: String, rule, message| Reject {
            file: self.file.clone(),
            row: Some(row),
            line,
            column: column.to_string(),
            value,
            rule,
            message,
        };
        // One scan of the whole record; the field is looked for only when there is one.
        let line_break = memchr::memchr2(b'\n', b'\r', record.as_slice()).is_some();
        if let Some(at) = record
            .iter()
            .position(has_line_break)
            .filter(|_| line_break)
        {
            let column = self.header.names.get(at).map_or("", String::as_str);
            rejects.push(reject(
                column,
                shown(&record[at]),
                rules::CSV_UNBALANCED_QUOTE,
                format!(
                    "a quoted field starting on line {} runs across lines: probably a \
                     quote that is never closed (the records it swallowed were not read)",
                    line.unwrap_or_default()
                ),
            ));
            return;
        }
        if record.len() != self.header.width {
            rejects.push(reject(
                "",
                record.len().to_string(),
                rules::CSV_FIELD_COUNT,
                format!(
                    "the record has {} fields but the header has {}",
                    record.len(),
                    self.header.width
                ),
            ));
            return;
        }
        if utf8 {
            return;
        }
        for &pos in &self.utf8_checked {
            if std::str::from_utf8(&record[pos]).is_err() {
                rejects.push(reject(
                    &self.header.names[pos],
                    shown(&record[pos]),
                    rules::CSV_UTF8,
                    "the value is not valid UTF-8 (the file must be UTF-8 encoded)".into(),
                ));
            }
        }
    }
}

/// Reads one record; only I/O can fail with a flexible byte reader.
fn read(
    reader: &mut csv::Reader<BufReader<File>>,
    record: &mut ByteRecord,
    path: &Path,
) -> Result<bool> {
    reader
        .read_byte_record(record)
        .map_err(|e| match e.into_kind() {
            csv::ErrorKind::Io(e) => Error::io(path, e),
            other => Error::internal(format!("reading {}: {other:?}", path.display())),
        })
}

/// The record's fields as one text when all of them are UTF-8: the whole record is
/// checked in one pass, then each field's
/// start is checked to fall between characters (the fields' bytes are contiguous, and a
/// character split across two fields would pass the first check).
fn utf8_text(record: &ByteRecord) -> Option<&str> {
    let text = std::str::from_utf8(record.as_slice()).ok()?;
    (0..record.len())
        .all(|i| {
            record
                .range(i)
                .is_some_and(|r| text.is_char_boundary(r.start))
        })
        .then_some(text)
}

fn has_line_break(field: &[u8]) -> bool {
    field.iter().any(|&b| b == b'\n' || b == b'\r')
}

/// A value for a reject: up to the first line break, at most [`VALUE_SHOWN`] characters,
/// invalid bytes shown as U+FFFD.
fn shown(field: &[u8]) -> String {
    let end = field
        .iter()
        .position(|&b| b == b'\n' || b == b'\r')
        .unwrap_or(field.len());
    String::from_utf8_lossy(&field[..end])
        .chars()
        .take(VALUE_SHOWN)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_is_one_text_when_every_field_is_utf8() {
        let record = ByteRecord::from(vec!["P1", "São Tomé", "", "Ωmega"]);
        let text = utf8_text(&record).expect("all UTF-8");
        let fields: Vec<&str> = (0..record.len())
            .map(|i| &text[record.range(i).unwrap()])
            .collect();
        assert_eq!(fields, ["P1", "São Tomé", "", "Ωmega"]);
    }

    #[test]
    fn a_character_split_across_two_fields_is_not_utf8() {
        // "é" is C3 A9: its first byte ends one field, its second starts the next. The
        // record's bytes together are valid UTF-8; neither field is.
        let record = ByteRecord::from(vec![&b"ab\xC3"[..], &b"\xA9cd"[..]]);
        assert!(std::str::from_utf8(record.as_slice()).is_ok());
        assert_eq!(utf8_text(&record), None);
    }

    #[test]
    fn a_field_that_is_not_utf8_makes_the_record_not_one_text() {
        let record = ByteRecord::from(vec![&b"ok"[..], &b"caf\xE9"[..]]);
        assert_eq!(utf8_text(&record), None);
    }
}
