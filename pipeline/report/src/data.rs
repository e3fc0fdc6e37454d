//! What the report needs from the artefacts of a run, read batch by batch.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, RecordBatch};
use arrow::compute::cast;
use arrow::datatypes::{
    DataType, Decimal128Type, Field, Float64Type, Int32Type, Int64Type, Schema,
};
use migstat_artefacts::schema::{self, derived, estimates, WEIGHT_SCALE};
use migstat_artefacts::{parquet_io, Error, Result};

/// A count of records and their weighted total (exact, at the artefact's scale).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Unweighted records.
    pub n: u64,
    /// Sum of weights, as an integer at scale [`WEIGHT_SCALE`].
    pub w: i128,
}

impl Tally {
    /// Adds one record of weight `w`.
    pub fn add(&mut self, w: i128) {
        self.n += 1;
        self.w += w;
    }
    /// The weighted total in persons.
    pub fn persons(&self) -> f64 {
        weight_f64(self.w)
    }
}

/// A scale-9 decimal weight as a float.
pub fn weight_f64(w: i128) -> f64 {
    w as f64 / 10f64.powi(WEIGHT_SCALE as i32)
}

/// Age groups of the pyramid: 0-4, 5-9, ..., 80-84, 85+.
pub const PYRAMID_GROUP_YEARS: i32 = 5;
/// The first age of the open group.
pub const PYRAMID_OPEN_AGE: i32 = 85;

/// The pyramid group of an age.
pub fn pyramid_group(age: i32) -> usize {
    (age.clamp(0, PYRAMID_OPEN_AGE) / PYRAMID_GROUP_YEARS) as usize
}

/// How many pyramid groups there are.
pub fn pyramid_groups() -> usize {
    pyramid_group(PYRAMID_OPEN_AGE) + 1
}

/// Summaries of `derive/derived.parquet`.
#[derive(Debug, Clone, Default)]
pub struct DerivedSummary {
    /// All records.
    pub all: Tally,
    /// Records by scope code.
    pub scope: BTreeMap<String, Tally>,
    /// The population: usual residents with weight > 0 (age stated or not).
    pub population: Tally,
    /// Of the population, age not stated.
    pub age_not_stated: Tally,
    /// The working-age population in scope.
    pub wap: Tally,
    /// Of the WAP, place of birth not stated (`CBR_BIR_X`).
    pub wap_cbr_x: Tally,
    /// Of the WAP, citizenship not stated (`CCT_CIT_X`).
    pub wap_cct_x: Tally,
    /// Of the WAP, by sex code.
    pub wap_by_sex: BTreeMap<String, Tally>,
    /// Pyramid: `[group][side 0 = SEX_M, 1 = SEX_F][0 native, 1 foreign, 2 not stated]`.
    pub pyramid: Vec<[[i128; 3]; 2]>,
    /// Population with a stated age whose sex is neither M nor F (not on the pyramid).
    pub pyramid_other_sex: Tally,
}

/// Null shares of one column of `ingest/core.parquet`.
#[derive(Debug, Clone)]
pub struct ColumnNulls {
    /// The column.
    pub column: String,
    /// Null records.
    pub nulls: Tally,
}

/// Summaries of `ingest/core.parquet`.
#[derive(Debug, Clone, Default)]
pub struct CoreSummary {
    /// All records.
    pub all: Tally,
    /// One entry per nullable column, in schema order.
    pub columns: Vec<ColumnNulls>,
}

/// One cell of `tabulate/estimates.parquet` (the columns the report uses).
#[derive(Debug, Clone)]
pub struct Cell {
    /// Dataflow id.
    pub dataflow: String,
    /// CL_SEX code.
    pub sex: String,
    /// CL_AGE code.
    pub age: String,
    /// CL_CBR code, or CL_CCT code in CCT flows.
    pub migrant: String,
    /// The estimate, whatever the status.
    pub estimate: f64,
    /// `C`, `U` or none.
    pub status: Option<String>,
    /// Unweighted records.
    pub n: i64,
    /// Status reason code.
    pub reason: String,
    /// Published at all.
    pub published: bool,
}

/// The rows of `rejects.csv`.
#[derive(Debug, Clone, Default)]
pub struct Rejects {
    /// How many problems in all.
    pub total: usize,
    /// The first rows (`file,row,line,column,value,rule,message`).
    pub first: Vec<Vec<String>>,
    /// Problems by rule.
    pub by_rule: BTreeMap<String, usize>,
}

fn bad(path: &Path, what: impl std::fmt::Display) -> Error {
    Error::io(path, std::io::Error::other(what.to_string()))
}

fn column(path: &Path, batch: &RecordBatch, name: &str, to: &DataType) -> Result<ArrayRef> {
    let col = batch
        .column_by_name(name)
        .ok_or_else(|| bad(path, format!("no column {name}")))?;
    if col.data_type() == to {
        Ok(col.clone())
    } else {
        cast(col, to).map_err(|e| bad(path, format!("column {name}: {e}")))
    }
}

fn batches(path: &Path) -> Result<impl Iterator<Item = Result<RecordBatch>> + '_> {
    Ok(parquet_io::read(path)?.map(move |b| b.map_err(|e| bad(path, e))))
}

/// `part` of every row group of the artefact at `path`, in parallel, in row-group order
/// (a file without row groups: `part` of the whole file, `None`, once).
fn per_row_group<T: Send>(
    path: &Path,
    part: impl Fn(&Path, Option<usize>) -> Result<T> + Sync,
) -> Result<Vec<T>> {
    use rayon::prelude::*;
    let row_groups = parquet_io::row_groups(path)?;
    (0..row_groups.max(1))
        .into_par_iter()
        .map(|group| part(path, (row_groups > 0).then_some(group)))
        .collect()
}

/// Reads the derived records: its row groups in parallel, their summaries added up
/// (exact integer sums, so the order does not matter).
pub fn read_derived(path: &Path) -> Result<DerivedSummary> {
    let parts = per_row_group(path, read_derived_part)?;
    let mut s = DerivedSummary::empty();
    for part in &parts {
        s.add(part);
    }
    Ok(s)
}

impl DerivedSummary {
    /// No record yet (the pyramid's groups all zero).
    fn empty() -> DerivedSummary {
        DerivedSummary {
            pyramid: vec![[[0; 3]; 2]; pyramid_groups()],
            ..Default::default()
        }
    }

    /// Adds the records of `other` in.
    fn add(&mut self, other: &DerivedSummary) {
        let tally = |a: &mut Tally, b: &Tally| {
            a.n += b.n;
            a.w += b.w;
        };
        let tallies = |a: &mut BTreeMap<String, Tally>, b: &BTreeMap<String, Tally>| {
            for (code, t) in b {
                tally(a.entry(code.clone()).or_default(), t);
            }
        };
        tally(&mut self.all, &other.all);
        tallies(&mut self.scope, &other.scope);
        tally(&mut self.population, &other.population);
        tally(&mut self.age_not_stated, &other.age_not_stated);
        tally(&mut self.wap, &other.wap);
        tally(&mut self.wap_cbr_x, &other.wap_cbr_x);
        tally(&mut self.wap_cct_x, &other.wap_cct_x);
        tallies(&mut self.wap_by_sex, &other.wap_by_sex);
        for (a, b) in self.pyramid.iter_mut().zip(&other.pyramid) {
            for (a, b) in a.iter_mut().zip(b) {
                for (a, b) in a.iter_mut().zip(b) {
                    *a += b;
                }
            }
        }
        tally(&mut self.pyramid_other_sex, &other.pyramid_other_sex);
    }
}

/// A code column read as a dictionary: each row's key, and what the report asks of each
/// code, worked out once per code (a batch has millions of rows, a handful of codes).
struct Codes<'a, T> {
    keys: &'a [i32],
    facts: Vec<T>,
    values: Vec<&'a str>,
}

impl<'a, T> Codes<'a, T> {
    fn of(
        path: &Path,
        batch: &'a RecordBatch,
        name: &str,
        fact: impl Fn(&str) -> T,
    ) -> Result<Codes<'a, T>> {
        let column = batch
            .column_by_name(name)
            .ok_or_else(|| bad(path, format!("no column {name}")))?;
        let dictionary = column
            .as_dictionary_opt::<Int32Type>()
            .filter(|d| d.null_count() == 0)
            .ok_or_else(|| bad(path, format!("column {name}: not a dictionary of codes")))?;
        let values: Vec<&str> = dictionary
            .values()
            .as_string_opt::<i32>()
            .ok_or_else(|| bad(path, format!("column {name}: codes are not text")))?
            .iter()
            .map(Option::unwrap_or_default)
            .collect();
        Ok(Codes {
            keys: dictionary.keys().values(),
            facts: values.iter().map(|v| fact(v)).collect(),
            values,
        })
    }

    /// The fact of row `i`'s code.
    fn at(&self, i: usize) -> &T {
        &self.facts[self.keys[i] as usize]
    }

    /// The key of row `i`'s code.
    fn key(&self, i: usize) -> usize {
        self.keys[i] as usize
    }
}

/// What a record's scope means to the report.
#[derive(Clone, Copy)]
struct ScopeFacts {
    in_population: bool,
    in_scope: bool,
}

/// The summary of one row group of the derived records (all of them: `None`).
fn read_derived_part(path: &Path, row_group: Option<usize>) -> Result<DerivedSummary> {
    let mut s = DerivedSummary::empty();
    let codes = [derived::SEX, derived::SCOPE, derived::CBR, derived::CCT];
    let columns: Vec<&str> = [derived::WEIGHT, derived::AGE]
        .into_iter()
        .chain(codes)
        .collect();
    let reader = parquet_io::read_with_dictionaries(path, row_group, &columns, &codes)?;
    for batch in reader {
        let batch = batch.map_err(|e| bad(path, e))?;
        let weight = column(path, &batch, derived::WEIGHT, &schema::WEIGHT_TYPE)?;
        let weight = weight.as_primitive::<Decimal128Type>();
        let age = column(path, &batch, derived::AGE, &DataType::Int32)?;
        let age = age.as_primitive::<Int32Type>();
        let scope = Codes::of(path, &batch, derived::SCOPE, |code| ScopeFacts {
            in_population: code != "NON_RESIDENT" && code != "ZERO_WEIGHT",
            in_scope: code == "IN_SCOPE",
        })?;
        // The pyramid's side: 0 = SEX_M, 1 = SEX_F, none for other sexes.
        let sex = Codes::of(path, &batch, derived::SEX, |code| match code {
            "SEX_M" => Some(0),
            "SEX_F" => Some(1),
            _ => None,
        })?;
        // The pyramid's stack, and whether not stated.
        let cbr = Codes::of(path, &batch, derived::CBR, |code| match code {
            "CBR_BIR_NATIVE" => (0, false),
            "CBR_BIR_FOREIGN" => (1, false),
            "CBR_BIR_X" => (2, true),
            _ => (2, false),
        })?;
        let cct_x = Codes::of(path, &batch, derived::CCT, |code| code == "CCT_CIT_X")?;
        let mut by_scope = vec![Tally::default(); scope.values.len()];
        let mut wap_by_sex = vec![Tally::default(); sex.values.len()];
        for i in 0..batch.num_rows() {
            let w = weight.value(i);
            s.all.add(w);
            by_scope[scope.key(i)].add(w);
            let facts = scope.at(i);
            if !facts.in_population {
                continue;
            }
            s.population.add(w);
            if age.is_null(i) {
                s.age_not_stated.add(w);
                continue;
            }
            let (stack, cbr_x) = *cbr.at(i);
            if facts.in_scope {
                s.wap.add(w);
                if cbr_x {
                    s.wap_cbr_x.add(w);
                }
                if *cct_x.at(i) {
                    s.wap_cct_x.add(w);
                }
                wap_by_sex[sex.key(i)].add(w);
            }
            match *sex.at(i) {
                Some(side) => s.pyramid[pyramid_group(age.value(i))][side][stack] += w,
                None => s.pyramid_other_sex.add(w),
            }
        }
        // A dictionary may list a code no row has: only codes with records are tallied.
        let tallied = |into: &mut BTreeMap<String, Tally>, codes: &[&str], tallies: &[Tally]| {
            for (code, t) in codes.iter().zip(tallies).filter(|(_, t)| t.n > 0) {
                let total = into.entry(code.to_string()).or_default();
                total.n += t.n;
                total.w += t.w;
            }
        };
        tallied(&mut s.scope, &scope.values, &by_scope);
        tallied(&mut s.wap_by_sex, &sex.values, &wap_by_sex);
    }
    Ok(s)
}

/// Reads the null shares of the core records: its row groups in parallel, their tallies
/// added up (exact integer sums, so the order does not matter). Only the weight is
/// decoded; which rows are null comes from the other columns' definition levels
/// ([`parquet_io::pages`]), without decoding their values.
pub fn read_core(path: &Path) -> Result<CoreSummary> {
    let metadata = parquet_io::metadata(path)?;
    // The nullable columns but the replicate weights, with their leaf in the file.
    let file_schema = arrow::array::RecordBatchReader::schema(&parquet_io::read(path)?);
    let mut nullable: Vec<(String, usize)> = Vec::new();
    for f in file_schema.fields() {
        if f.is_nullable() && !f.name().starts_with("repwt_") {
            let leaf = parquet_io::leaf_index(&metadata, f.name())
                .ok_or_else(|| bad(path, format!("no Parquet column {}", f.name())))?;
            nullable.push((f.name().clone(), leaf));
        }
    }
    let parts = per_row_group(path, |path, group| {
        read_core_part(path, &metadata, &nullable, group)
    })?;
    let mut s = CoreSummary::default();
    for part in parts {
        s.all.n += part.all.n;
        s.all.w += part.all.w;
        if s.columns.is_empty() {
            s.columns = part.columns;
            continue;
        }
        for (total, column) in s.columns.iter_mut().zip(part.columns) {
            total.nulls.n += column.nulls.n;
            total.nulls.w += column.nulls.w;
        }
    }
    Ok(s)
}

/// The null tallies of one row group of the core records (all of them: `None`) in the
/// `nullable` columns (name, leaf).
fn read_core_part(
    path: &Path,
    metadata: &parquet_io::ParquetMetaData,
    nullable: &[(String, usize)],
    row_group: Option<usize>,
) -> Result<CoreSummary> {
    let mut s = CoreSummary {
        columns: nullable
            .iter()
            .map(|(column, _)| ColumnNulls {
                column: column.clone(),
                nulls: Tally::default(),
            })
            .collect(),
        ..CoreSummary::default()
    };
    let reader = parquet_io::read_with_dictionaries(path, row_group, &[schema::core::WEIGHT], &[])?;
    let mut weights: Vec<i128> = Vec::new();
    for batch in reader {
        let batch = batch.map_err(|e| bad(path, e))?;
        let weight = column(path, &batch, schema::core::WEIGHT, &schema::WEIGHT_TYPE)?;
        weights.extend_from_slice(weight.as_primitive::<Decimal128Type>().values());
    }
    let total: i128 = weights.iter().sum();
    s.all.n = weights.len() as u64;
    s.all.w = total;
    let Some(group) = row_group else {
        return Ok(s);
    };
    let leaves: Vec<usize> = nullable.iter().map(|(_, leaf)| *leaf).collect();
    let nulls = parquet_io::pages::nulls_in_row_group(path, metadata, group, &leaves)
        .map_err(|e| bad(path, e))?;
    for (tally, nulls) in s.columns.iter_mut().zip(nulls) {
        let Some(nulls) = nulls else {
            continue;
        };
        if nulls.len() != weights.len() {
            return Err(bad(
                path,
                format!("{} levels for {} weights", nulls.len(), weights.len()),
            ));
        }
        // Whichever is fewer is summed: the nulls' weights, or the others' (the
        // extension columns of a survey that does not ask them are all null).
        let tally = &mut tally.nulls;
        if nulls.null_count() * 2 <= weights.len() {
            for i in (0..weights.len()).filter(|&i| nulls.is_null(i)) {
                tally.add(weights[i]);
            }
        } else {
            let valid: i128 = nulls.valid_indices().map(|i| weights[i]).sum();
            tally.n += nulls.null_count() as u64;
            tally.w += total - valid;
        }
    }
    Ok(s)
}

/// Reads every cell of the estimates (a small artefact: a few thousand cells).
pub fn read_estimates(path: &Path) -> Result<Vec<Cell>> {
    let mut out = Vec::new();
    for batch in batches(path)? {
        let batch = batch?;
        let text = |name| column(path, &batch, name, &DataType::Utf8);
        let (dataflow, sex, age, cbr, cct, status, reason) = (
            text(estimates::DATAFLOW)?,
            text(estimates::SEX)?,
            text(estimates::AGE)?,
            text(estimates::CBR)?,
            text(estimates::CCT)?,
            text(estimates::OBS_STATUS)?,
            text(estimates::REASON)?,
        );
        let estimate = column(path, &batch, estimates::ESTIMATE, &DataType::Float64)?;
        let n = column(path, &batch, estimates::N, &DataType::Int64)?;
        let published = column(path, &batch, estimates::PUBLISHED, &DataType::Boolean)?;
        let (dataflow, sex, age, cbr, cct, status, reason) = (
            dataflow.as_string::<i32>(),
            sex.as_string::<i32>(),
            age.as_string::<i32>(),
            cbr.as_string::<i32>(),
            cct.as_string::<i32>(),
            status.as_string::<i32>(),
            reason.as_string::<i32>(),
        );
        let estimate = estimate.as_primitive::<Float64Type>();
        let n = n.as_primitive::<Int64Type>();
        let published = published.as_boolean();
        for i in 0..batch.num_rows() {
            let migrant = if cbr.is_valid(i) {
                cbr.value(i)
            } else if cct.is_valid(i) {
                cct.value(i)
            } else {
                ""
            };
            out.push(Cell {
                dataflow: dataflow.value(i).to_string(),
                sex: sex.value(i).to_string(),
                age: age.value(i).to_string(),
                migrant: migrant.to_string(),
                estimate: estimate.value(i),
                status: status.is_valid(i).then(|| status.value(i).to_string()),
                n: n.value(i),
                reason: reason.value(i).to_string(),
                published: published.value(i),
            });
        }
    }
    Ok(out)
}

/// The columns of `rejects.csv`.
pub const REJECT_COLUMNS: [&str; 7] = ["file", "row", "line", "column", "value", "rule", "message"];

/// Reads `rejects.csv`, keeping the first `keep` rows.
pub fn read_rejects(path: &Path, keep: usize) -> Result<Rejects> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let fields: Vec<Field> = REJECT_COLUMNS
        .iter()
        .map(|c| Field::new(*c, DataType::Utf8, true))
        .collect();
    let reader = arrow::csv::ReaderBuilder::new(Arc::new(Schema::new(fields)))
        .with_header(true)
        .build(file)
        .map_err(|e| bad(path, e))?;
    let mut out = Rejects::default();
    for batch in reader {
        let batch = batch.map_err(|e| bad(path, e))?;
        let cols: Vec<_> = batch
            .columns()
            .iter()
            .map(|c| c.as_string::<i32>())
            .collect();
        for i in 0..batch.num_rows() {
            out.total += 1;
            let value = |k: usize| {
                if cols[k].is_valid(i) {
                    cols[k].value(i).to_string()
                } else {
                    String::new()
                }
            };
            *out.by_rule.entry(value(5)).or_default() += 1;
            if out.first.len() < keep {
                out.first
                    .push((0..REJECT_COLUMNS.len()).map(value).collect());
            }
        }
    }
    Ok(out)
}
