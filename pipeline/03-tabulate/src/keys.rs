//! Person keys packed into one integer for the grouping of persons.
//!
//! The first aggregate of the tabulation groups every person by a dozen columns: the
//! dimension codes (text), the populations (Booleans), the labour force status and the
//! age. Grouped as they are, each of millions of rows hashes and compares a dozen text
//! values; that was most of the tabulation (10M persons: 4.7 s of 18 end to end). Every
//! one of these columns takes few values, so each is numbered (0 for null, 1.. for its
//! values) and the numbers are packed, in mixed radix, into one Int64: DataFusion then
//! groups persons by a single integer. The packed key is unpacked on the few thousand
//! groups, back into the same columns and types, so the rest of the plan and the cells do
//! not change.
//!
//! A text column's values are read beforehand from the artefact itself
//! ([`distinct_texts`]): Parquet keeps the dictionary of each column chunk, so only the
//! dictionary keys are decoded, and every value the column holds is numbered. A column
//! with too many values to number ([`MAX_TEXT_VALUES`]), or one that would overflow the
//! key, is grouped as it is, beside the packed key.

use std::collections::BTreeSet;
use std::path::Path;

use arrow::array::AsArray;
use arrow::datatypes::Int32Type;
use datafusion::logical_expr::{case, ident, lit, Expr};
use migstat_artefacts::reference::AgeBand;
use migstat_artefacts::{parquet_io, Error, Result};

/// Text columns with more distinct values than this are grouped as text (a PSU, a
/// person id): a CASE over thousands of literals would cost more than it saves.
pub const MAX_TEXT_VALUES: usize = 1024;

/// The ages a banded dimension can hold (contract §3: 0..130 completed years; ingest
/// rejects any other).
pub const AGES: std::ops::RangeInclusive<i32> = 0..=130;

/// Ages grouped by the bands they fall in. A banded dimension's cells are sums over its
/// bands, so ages that fall in exactly the same bands can be counted together: with the
/// contract's bands, 131 ages are 7 classes (under 15, 15-24, 25-34, ..., 65 and over),
/// and the persons' groups are that many times fewer.
#[derive(Debug, Clone, PartialEq)]
pub struct AgeClasses {
    /// The class of each age of [`AGES`]: 0 for an age in no band, else 1...
    pub class_of_age: Vec<i64>,
    /// The bands (indexes into the bands) of each class from 1.
    pub bands_of_class: Vec<Vec<usize>>,
}

impl AgeClasses {
    /// The classes of ages for `bands`.
    pub fn new(bands: &[AgeBand]) -> AgeClasses {
        let mut bands_of_class: Vec<Vec<usize>> = Vec::new();
        let class_of_age = AGES
            .map(|age| {
                let mine: Vec<usize> = (0..bands.len())
                    .filter(|&b| bands[b].contains(age))
                    .collect();
                if mine.is_empty() {
                    return 0;
                }
                let at = match bands_of_class.iter().position(|c| *c == mine) {
                    Some(at) => at,
                    None => {
                        bands_of_class.push(mine);
                        bands_of_class.len() - 1
                    }
                };
                at as i64 + 1
            })
            .collect();
        AgeClasses {
            class_of_age,
            bands_of_class,
        }
    }
}

/// What a key column holds, hence how it is numbered.
#[derive(Debug, Clone, PartialEq)]
pub enum KeyValues {
    /// Text: these values, numbered 1.. in this order (0 = null).
    Text(Vec<String>),
    /// A Boolean: 1 = true, 2 = false, 0 = null.
    Boolean,
    /// An age (Int32), numbered by its class ([`AgeClasses::class_of_age`]); 0 = null or
    /// in no band (either way in no cell).
    AgeClass(Vec<i64>),
}

impl KeyValues {
    /// How many numbers the column takes, null included.
    fn radix(&self) -> i64 {
        match self {
            KeyValues::Text(values) => values.len() as i64 + 1,
            KeyValues::Boolean => 3,
            KeyValues::AgeClass(class_of_age) => class_of_age.iter().max().map_or(1, |m| m + 1),
        }
    }

    /// The number of `column`'s value (Int64, never null).
    fn number(&self, column: &str) -> Expr {
        let value = ident(column);
        let mut numbered = match self {
            // `CASE x WHEN literal THEN literal`: DataFusion looks the value up in a hash
            // table of the literals (one lookup per row, whatever the number of values).
            KeyValues::Text(values) => values
                .iter()
                .enumerate()
                .fold(case(value), |mut c, (i, v)| {
                    c.when(lit(v.as_str()), lit(i as i64 + 1))
                }),
            KeyValues::Boolean => case(value)
                .when(lit(true), lit(1i64))
                .when(lit(false), lit(2i64)),
            // An age outside 0..130 cannot reach the tabulation; were one there, it would
            // be in no band, as a null age (ELSE 0).
            KeyValues::AgeClass(class_of_age) => AGES
                .zip(class_of_age)
                .fold(case(value), |mut c, (age, class)| {
                    c.when(lit(age), lit(*class))
                }),
        };
        // Null matches no WHEN: ELSE 0. Every non-null text value is in the list, read
        // from the same file.
        numbered
            .otherwise(lit(0i64))
            .expect("a CASE with a branch per value builds")
    }

    /// The value back from its number (the column's type; null for 0).
    fn value(&self, number: Expr) -> Expr {
        match self {
            KeyValues::Text(values) => values
                .iter()
                .enumerate()
                .fold(case(number), |mut c, (i, v)| {
                    c.when(lit(i as i64 + 1), lit(v.as_str()))
                })
                .end()
                .expect("a CASE with a branch per value builds"),
            KeyValues::Boolean => case(number)
                .when(lit(1i64), lit(true))
                .when(lit(2i64), lit(false))
                .end()
                .expect("a CASE with two branches builds"),
            // A class stays its number: the band join maps it to its bands.
            KeyValues::AgeClass(_) => number,
        }
    }
}

/// One column of the person key, by its name in the plan.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyColumn {
    /// The column's name (an alias in the plan).
    pub name: String,
    /// What it holds; `None`: grouped as it is.
    pub values: Option<KeyValues>,
    /// A text column that stays numbered (Int64) when unpacked: a dimension, grouped again
    /// by the later aggregates, which group integers faster than text; the cells' codes
    /// are read back with [`KeyPacking::text_of`].
    pub numbered: bool,
}

/// Which key columns are packed, with their place values, and which are grouped apart.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyPacking {
    /// (column, place value, radix) of every packed column.
    packed: Vec<(KeyColumn, i64, i64)>,
    /// Columns grouped as they are.
    apart: Vec<String>,
}

impl KeyPacking {
    /// The packed key's column name.
    pub const KEY: &'static str = "person_key";

    /// Packs the columns with known values, fewest values first, while the key fits in
    /// an Int64; the others are grouped apart.
    pub fn new(columns: Vec<KeyColumn>) -> KeyPacking {
        let mut numbered: Vec<(KeyColumn, i64)> = Vec::new();
        let mut apart = Vec::new();
        for column in columns {
            match &column.values {
                Some(values) => {
                    let radix = values.radix();
                    numbered.push((column, radix));
                }
                None => apart.push(column.name),
            }
        }
        numbered.sort_by_key(|(_, radix)| *radix);
        let mut packed = Vec::new();
        let mut place: i64 = 1;
        for (column, radix) in numbered {
            match place.checked_mul(radix) {
                Some(next) => {
                    packed.push((column, place, radix));
                    place = next;
                }
                None => apart.push(column.name),
            }
        }
        KeyPacking { packed, apart }
    }

    /// The grouping expressions: the packed key (when any column is packed), then the
    /// columns grouped apart.
    pub fn group_by(&self) -> Vec<Expr> {
        let mut exprs = Vec::new();
        if !self.packed.is_empty() {
            exprs.push(ident(Self::KEY));
        }
        exprs.extend(self.apart.iter().map(|c| ident(c.as_str())));
        exprs
    }

    /// The packed key computed from the key columns, named [`Self::KEY`]; `None` when no
    /// column is packed.
    pub fn pack(&self) -> Option<Expr> {
        let mut terms = self.packed.iter().map(|(column, place, _)| {
            let number = column
                .values
                .as_ref()
                .expect("packed columns have values")
                .number(&column.name);
            if *place == 1 {
                number
            } else {
                number * lit(*place)
            }
        });
        let first = terms.next()?;
        Some(terms.fold(first, |key, term| key + term).alias(Self::KEY))
    }

    /// Every key column again, under its name: the packed ones unpacked from
    /// [`Self::KEY`] (in their type, or as their number if `numbered`), the others as
    /// they are.
    pub fn unpack(&self) -> Vec<Expr> {
        let mut exprs: Vec<Expr> = self
            .packed
            .iter()
            .map(|(column, place, radix)| {
                let number = (ident(Self::KEY) / lit(*place)) % lit(*radix);
                let values = column.values.as_ref().expect("packed columns have values");
                let unpacked = match values {
                    KeyValues::Text(_) if column.numbered => number,
                    _ => values.value(number),
                };
                unpacked.alias(column.name.as_str())
            })
            .collect();
        exprs.extend(self.apart.iter().map(|c| ident(c.as_str())));
        exprs
    }

    /// Whether the column `name` is packed into the key.
    pub fn is_packed(&self, name: &str) -> bool {
        self.packed.iter().any(|(column, ..)| column.name == name)
    }

    /// The text values of a column that [`Self::unpack`] leaves numbered (number `i` is
    /// `values[i - 1]`, 0 is null); `None` for a column unpacked into its own values.
    pub fn text_of(&self, name: &str) -> Option<&[String]> {
        self.packed
            .iter()
            .find_map(|(column, ..)| match &column.values {
                Some(KeyValues::Text(values)) if column.numbered && column.name == name => {
                    Some(values.as_slice())
                }
                _ => None,
            })
    }
}

/// The distinct non-null values of each of `columns` (text columns of the Parquet file at
/// `path`), sorted; `None` for a column with more than [`MAX_TEXT_VALUES`].
///
/// A column chunk whose data pages all refer to its dictionary page lists its values in
/// that page: only it is read ([`parquet_io::pages::dictionary_values`]; every code column
/// of the derived record). Any other chunk is read as a dictionary, where only the keys of
/// its rows are decoded (a chunk written without a dictionary is dictionary-encoded by
/// the reader, with the same values).
pub fn distinct_texts(path: &Path, columns: &[&str]) -> Result<Vec<Option<Vec<String>>>> {
    let mut found: Vec<Option<BTreeSet<String>>> = vec![Some(BTreeSet::new()); columns.len()];
    let metadata = parquet_io::metadata(path)?;
    let leaf_of = |name: &str| {
        parquet_io::leaf_index(&metadata, name)
            .ok_or_else(|| Error::internal(format!("{}: no column {name}", path.display())))
    };
    let at: Vec<usize> = columns.iter().map(|c| leaf_of(c)).collect::<Result<_>>()?;
    for group in 0..metadata.num_row_groups() {
        let mut part = parquet_io::pages::dictionary_values(path, &metadata, group, &at)
            .map_err(|e| Error::io(path, std::io::Error::other(e)))?
            .into_iter()
            .map(|values| values.map(|v| v.into_iter().collect::<BTreeSet<String>>()))
            .collect::<Vec<_>>();
        // Row group by row group: a batch across two would get a dictionary built again.
        let unlisted: Vec<&str> = (0..columns.len())
            .filter(|&i| part[i].is_none() && found[i].is_some())
            .map(|i| columns[i])
            .collect();
        if !unlisted.is_empty() {
            let read = distinct_in_row_group(path, group, &unlisted)?;
            for (column, values) in unlisted.iter().zip(read) {
                let i = columns.iter().position(|c| c == column).expect("listed");
                part[i] = values;
            }
        }
        for (into, values) in found.iter_mut().zip(part) {
            *into = match (into.take(), values) {
                (Some(mut all), Some(more)) => {
                    all.extend(more);
                    (all.len() <= MAX_TEXT_VALUES).then_some(all)
                }
                _ => None,
            };
        }
    }
    Ok(found
        .into_iter()
        .map(|set| set.map(|s| s.into_iter().collect()))
        .collect())
}

/// [`distinct_texts`] in one row group.
fn distinct_in_row_group(
    path: &Path,
    group: usize,
    columns: &[&str],
) -> Result<Vec<Option<BTreeSet<String>>>> {
    let mut found: Vec<Option<BTreeSet<String>>> = vec![Some(BTreeSet::new()); columns.len()];
    for batch in parquet_io::read_with_dictionaries(path, Some(group), columns, columns)? {
        let batch = batch.map_err(|e| Error::io(path, std::io::Error::other(e)))?;
        for (i, column) in columns.iter().enumerate() {
            let Some(values) = found[i].as_mut() else {
                continue;
            };
            let dictionary = batch
                .column_by_name(column)
                .and_then(|c| c.as_dictionary_opt::<Int32Type>())
                .ok_or_else(|| {
                    Error::internal(format!("{}: no text column {column}", path.display()))
                })?;
            // A chunk's dictionary may list values no row of it holds (never the other
            // way round): numbering one value too many is harmless.
            let texts = dictionary.values().as_string::<i32>();
            for v in texts.iter().flatten() {
                if !values.contains(v) {
                    values.insert(v.to_string());
                }
            }
            if values.len() > MAX_TEXT_VALUES {
                found[i] = None;
            }
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(name: &str, values: &[&str]) -> KeyColumn {
        KeyColumn {
            name: name.to_string(),
            values: Some(KeyValues::Text(
                values.iter().map(|v| v.to_string()).collect(),
            )),
            numbered: false,
        }
    }

    #[test]
    fn columns_are_packed_fewest_values_first_and_the_rest_grouped_apart() {
        let many: Vec<String> = (0..1000).map(|i| format!("V{i}")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        let mut columns = vec![
            text("big1", &many),
            text("sex", &["SEX_F", "SEX_M"]),
            KeyColumn {
                name: "psu".into(),
                values: None,
                numbered: false,
            },
        ];
        // 1001^7 > 2^63: the seventh column of a thousand values does not fit.
        for i in 2..=7 {
            columns.push(text(&format!("big{i}"), &many));
        }
        let packing = KeyPacking::new(columns);
        let packed: Vec<&str> = packing
            .packed
            .iter()
            .map(|(c, ..)| c.name.as_str())
            .collect();
        assert_eq!(
            packed,
            ["sex", "big1", "big2", "big3", "big4", "big5", "big6"]
        );
        assert_eq!(packing.packed[1].1, 3, "sex takes 3 numbers: null, F, M");
        assert_eq!(packing.apart, ["psu", "big7"]);
    }

    #[test]
    fn the_values_of_every_row_group_are_found_and_too_many_are_given_up() {
        use std::sync::Arc;

        use arrow::array::{RecordBatch, StringArray};
        use arrow::datatypes::{DataType, Field, Schema};
        use parquet::arrow::ArrowWriter;
        use parquet::file::properties::WriterProperties;

        let schema = Arc::new(Schema::new(vec![
            Field::new("code", DataType::Utf8, true),
            Field::new("id", DataType::Utf8, false),
        ]));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("derived.parquet");
        // Row groups of 500 rows: codes A, B and null in the first, C in the last; ids all
        // different (1,500 of them).
        let properties = WriterProperties::builder()
            .set_max_row_group_row_count(Some(500))
            .build();
        let mut writer = ArrowWriter::try_new(
            std::fs::File::create(&path).unwrap(),
            schema.clone(),
            Some(properties),
        )
        .unwrap();
        let codes = (0..1500).map(|i| match i {
            0..500 => [Some("B"), Some("A"), None][i % 3],
            500..1000 => Some("A"),
            _ => Some("C"),
        });
        let ids = (0..1500).map(|i| format!("P{i}"));
        let batch = RecordBatch::try_new(
            schema,
            vec![
                Arc::new(StringArray::from_iter(codes)),
                Arc::new(StringArray::from_iter_values(ids)),
            ],
        )
        .unwrap();
        writer.write(&batch).unwrap();
        writer.close().unwrap();
        assert_eq!(parquet_io::row_groups(&path).unwrap(), 3);

        let found = distinct_texts(&path, &["code", "id"]).unwrap();
        let abc: Vec<String> = ["A", "B", "C"].map(String::from).into();
        assert_eq!(found, [Some(abc), None]);
    }

    #[test]
    fn values_are_found_in_chunks_that_fell_back_to_plain_pages_too() {
        use std::sync::Arc;

        use arrow::array::{RecordBatch, StringArray};
        use parquet::arrow::ArrowWriter;
        use parquet::file::properties::WriterProperties;

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("derived.parquet");
        // 600 values, a dictionary page limit of 1 KiB: the writer gives up the dictionary
        // part way through and writes the rest of the values plain.
        let properties = WriterProperties::builder()
            .set_dictionary_page_size_limit(1024)
            .set_data_page_row_count_limit(100)
            .set_write_batch_size(100)
            .build();
        let values: Vec<String> = (0..600).map(|i| format!("CODE_{i:03}")).collect();
        let column = StringArray::from_iter_values(values.iter().chain(&values));
        let batch = RecordBatch::try_from_iter(vec![("code", Arc::new(column) as _)]).unwrap();
        let file = std::fs::File::create(&path).unwrap();
        let mut writer = ArrowWriter::try_new(file, batch.schema(), Some(properties)).unwrap();
        writer.write(&batch).unwrap();
        writer.close().unwrap();
        let metadata = parquet_io::metadata(&path).unwrap();
        let mask = metadata
            .row_group(0)
            .column(0)
            .page_encoding_stats_mask()
            .unwrap();
        assert!(
            mask.is_set(parquet::basic::Encoding::PLAIN),
            "the writer fell back"
        );

        let found = distinct_texts(&path, &["code"]).unwrap();
        assert_eq!(found, [Some(values)]);
    }

    #[test]
    fn no_column_with_values_means_no_packed_key() {
        let packing = KeyPacking::new(vec![KeyColumn {
            name: "psu".into(),
            values: None,
            numbered: false,
        }]);
        assert!(packing.pack().is_none());
        assert_eq!(packing.group_by(), vec![ident("psu")]);
    }
}
