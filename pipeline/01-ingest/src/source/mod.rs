//! Microdata files as batches of raw text columns, whatever their format.
//!
//! A source reads a file in bounded memory, [`BATCH_ROWS`] records at a time, and hands
//! out [`RawBatch`]es: one text column per core-record column (absent columns stay
//! `None`), with each record's row and line number. The CSV and Parquet sources only
//! deal with their format: which columns there are ([`Header`]) and whether a record
//! could be read at all (`csv.*` rules). What the values mean is checked once, for both
//! formats, by [`crate::validate`].

pub(crate) mod csv;
pub(crate) mod parquet;

use std::fs::File;
use std::io::Read;
use std::path::Path;

use arrow::array::StringArray;
use migstat_artefacts::rejects::Reject;
use migstat_artefacts::{Error, Result};

use crate::columns::{self, COLUMNS, LFS_ITEMS};
use crate::rules;

/// Records per batch.
pub(crate) const BATCH_ROWS: usize = migstat_artefacts::parquet_io::BATCH_ROWS;

/// Up to [`BATCH_ROWS`] records as text, in file order.
#[derive(Debug, Default)]
pub(crate) struct RawBatch {
    /// One column per entry of [`COLUMNS`]; `None` when the file has no such column.
    /// Values are as read (not trimmed); a null is a value that is not there at all.
    pub columns: Vec<Option<StringArray>>,
    /// The 1-based data row of each record.
    pub rows: Vec<u64>,
    /// The line where each record starts (text files only).
    pub lines: Vec<Option<u64>>,
    /// Records that could not be read, in file order; they are not in the columns.
    pub rejects: Vec<Reject>,
}

impl RawBatch {
    /// The number of readable records.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// The value of column `col` in record `i`, as read.
    pub fn value(&self, col: usize, i: usize) -> Option<&str> {
        let array = self.columns[col].as_ref()?;
        (!arrow::array::Array::is_null(array, i)).then(|| array.value(i))
    }
}

/// Which core-record columns a file has and where.
#[derive(Debug, Clone)]
pub(crate) struct Header {
    /// For each entry of [`COLUMNS`], its position in the file's columns.
    pub positions: [Option<usize>; columns::N],
    /// The number of columns in the file.
    pub width: usize,
    /// The column names as read (trimmed).
    pub names: Vec<String>,
}

impl Header {
    /// Matches column names (exactly, after trimming) to the core record; extra columns
    /// are ignored. Rejects duplicated core columns, missing required columns, and a file
    /// from which no labour force status can be had.
    pub fn resolve(names: &[String], file: &str) -> std::result::Result<Header, Vec<Reject>> {
        let names: Vec<String> = names.iter().map(|n| n.trim().to_string()).collect();
        let mut positions = [None; columns::N];
        let mut rejects = Vec::new();
        for (at, name) in names.iter().enumerate() {
            let Some(col) = columns::index_of(name) else {
                continue;
            };
            match positions[col] {
                None => positions[col] = Some(at),
                Some(first) => rejects.push(file_reject(
                    file,
                    name,
                    name,
                    rules::COLUMN_DUPLICATE,
                    format!(
                        "column {name} appears more than once in the header \
                         (columns {} and {})",
                        first + 1,
                        at + 1
                    ),
                )),
            }
        }
        for (col, column) in COLUMNS.iter().enumerate() {
            if positions[col].is_none() && columns::is_required(column.name) {
                rejects.push(file_reject(
                    file,
                    column.name,
                    "",
                    rules::COLUMN_MISSING,
                    format!("the required column {} is not in the header", column.name),
                ));
            }
        }
        let has = |name: &str| columns::index_of(name).is_some_and(|c| positions[c].is_some());
        if !has(migstat_artefacts::schema::core::LFS_STATUS) {
            let missing: Vec<&str> = LFS_ITEMS.into_iter().filter(|n| !has(n)).collect();
            if !missing.is_empty() {
                rejects.push(file_reject(
                    file,
                    "",
                    &missing.join(" "),
                    rules::COLUMN_LFS_MISSING,
                    format!(
                        "there is no lfs_status column, and the question items worked, \
                         absent, searched and available needed to derive the status are not \
                         all there (missing: {})",
                        missing.join(", ")
                    ),
                ));
            }
        }
        if rejects.is_empty() {
            Ok(Header {
                positions,
                width: names.len(),
                names,
            })
        } else {
            Err(rejects)
        }
    }

    /// The (core column, file position) pairs of the columns the file has.
    pub fn present(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.positions
            .iter()
            .enumerate()
            .filter_map(|(col, pos)| pos.map(|p| (col, p)))
    }
}

/// A problem of the whole file.
pub(crate) fn file_reject(
    file: &str,
    column: &str,
    value: &str,
    rule: &'static str,
    message: String,
) -> Reject {
    Reject {
        file: file.to_string(),
        row: None,
        line: None,
        column: column.to_string(),
        value: value.to_string(),
        rule,
        message,
    }
}

/// An open microdata file.
pub(crate) enum Source {
    /// A CSV file.
    Csv(csv::CsvSource),
    /// A Parquet file.
    Parquet(parquet::ParquetSource),
}

/// A source ready to read, or the problems that stop the file being read at all.
pub(crate) type Opened = std::result::Result<Source, Vec<Reject>>;

/// The first bytes of every Parquet file.
const PARQUET_MAGIC: &[u8; 4] = b"PAR1";

impl Source {
    /// Opens `path`, choosing the format by content (Parquet magic `PAR1`, else CSV), and
    /// reads its header. `file` is the name given to rejects. A file named `*.parquet`
    /// that is not Parquet is rejected rather than read as CSV.
    pub fn open(path: &Path, file: &str) -> Result<Opened> {
        let mut head = Vec::with_capacity(4);
        File::open(path)
            .and_then(|f| f.take(4).read_to_end(&mut head))
            .map_err(|e| Error::io(path, e))?;
        if head.is_empty() {
            return Ok(Err(vec![file_reject(
                file,
                "",
                "",
                rules::FILE_EMPTY,
                "the file is empty".into(),
            )]));
        }
        if head == PARQUET_MAGIC {
            return Ok(parquet::ParquetSource::open(path, file)?.map(Source::Parquet));
        }
        let named_parquet = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("parquet") || e.eq_ignore_ascii_case("parq"));
        if named_parquet {
            return Ok(Err(vec![file_reject(
                file,
                "",
                "",
                rules::PARQUET_UNREADABLE,
                "the file is named .parquet but is not a Parquet file \
                 (it does not start with PAR1)"
                    .into(),
            )]));
        }
        Ok(csv::CsvSource::open(path, file)?.map(Source::Csv))
    }

    /// The next batch, or `None` at the end of the file.
    pub fn next_batch(&mut self) -> Result<Option<RawBatch>> {
        match self {
            Source::Csv(s) => s.next_batch(),
            Source::Parquet(s) => s.next_batch(),
        }
    }

    /// `"csv"` or `"parquet"`.
    pub fn format(&self) -> &'static str {
        match self {
            Source::Csv(_) => "csv",
            Source::Parquet(_) => "parquet",
        }
    }

    /// Records read so far, readable or not.
    pub fn rows_read(&self) -> u64 {
        match self {
            Source::Csv(s) => s.rows_read(),
            Source::Parquet(s) => s.rows_read(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &str) -> Vec<String> {
        list.split(',').map(String::from).collect()
    }

    fn rules_of(r: std::result::Result<Header, Vec<Reject>>) -> Vec<(&'static str, String)> {
        r.err()
            .unwrap_or_default()
            .into_iter()
            .map(|r| (r.rule, r.column))
            .collect()
    }

    const BASE: &str = "person_id,weight,sex,age,country_of_birth,citizenship";

    #[test]
    fn names_match_exactly_after_trimming_in_any_order_and_extras_are_ignored() {
        let h = Header::resolve(
            &names(" citizenship ,extra,lfs_status,age,sex,weight,person_id,country_of_birth"),
            "f",
        )
        .unwrap();
        assert_eq!(h.positions[0], Some(6), "person_id");
        assert_eq!(h.positions[5], Some(0), "citizenship");
        assert_eq!(h.positions[6], None, "citizenship_2 absent");
        assert_eq!(h.width, 8);
    }

    #[test]
    fn each_missing_required_column_is_a_reject() {
        let got = rules_of(Header::resolve(
            &names("person_id,Weight,sex,lfs_status"),
            "f",
        ));
        assert_eq!(
            got,
            [
                (rules::COLUMN_MISSING, "weight".to_string()),
                (rules::COLUMN_MISSING, "age".into()),
                (rules::COLUMN_MISSING, "country_of_birth".into()),
                (rules::COLUMN_MISSING, "citizenship".into()),
            ]
        );
    }

    #[test]
    fn without_lfs_status_all_four_items_are_needed() {
        let ok = format!("{BASE},worked,absent,searched,available");
        assert!(Header::resolve(&names(&ok), "f").is_ok());
        let r = Header::resolve(&names(&format!("{BASE},worked,absent")), "f").unwrap_err();
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].rule, rules::COLUMN_LFS_MISSING);
        assert_eq!(r[0].value, "searched available");
        assert_eq!(rules_of(Header::resolve(&names(BASE), "f")).len(), 1);
    }

    #[test]
    fn a_duplicated_core_column_is_a_reject_but_duplicated_extras_are_not() {
        let got = rules_of(Header::resolve(
            &names(&format!("{BASE},lfs_status,x,x,sex")),
            "f",
        ));
        assert_eq!(got, [(rules::COLUMN_DUPLICATE, "sex".to_string())]);
    }
}
