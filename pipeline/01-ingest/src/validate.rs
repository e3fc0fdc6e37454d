//! Raw text batch → typed core records + rejects: the value rules of contract section 3.
//!
//! Every value is trimmed of surrounding white space first; an empty value is "not
//! stated" (null). Each rule is one small function below, from an optional trimmed value
//! to a typed value or a [`Problem`]; [`Validator::validate`] runs them over a batch
//! column by column and turns each problem into a [`Reject`] naming the record. A value
//! that breaks a rule gets a placeholder in the typed batch (the batch is never written
//! then, since any reject fails the run).

use std::collections::BTreeSet;
use std::sync::Arc;

use arrow::array::{
    Array, ArrayRef, AsArray, BooleanArray, Decimal128Array, Float64Array, Int32Array, Int64Array,
    RecordBatch, StringArray,
};
use arrow::compute::cast;
use arrow::datatypes::{DataType, Decimal128Type, Int64Type, SchemaRef};
use migstat_artefacts::config::{Design, VarianceMethod};
use migstat_artefacts::rejects::Reject;
use migstat_artefacts::schema::{self, WEIGHT_SCALE};
use migstat_artefacts::Result;

use crate::columns::{self, Check, COLUMNS};
use crate::decimal::{self, DecimalError};
use crate::rules;
use crate::source::{Header, RawBatch};

/// Why a value breaks its rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    /// The rule id.
    pub rule: &'static str,
    /// A sentence for a person.
    pub message: String,
}

// The value checks below build their rule's sentence in a closure, called only when a
// value breaks the rule: formatted eagerly, it cost a tenth of the stage on valid records.
fn problem(rule: &'static str, message: impl Into<String>) -> Problem {
    Problem {
        rule,
        message: message.into(),
    }
}

/// The lowest accepted year of arrival.
pub(crate) const FIRST_YEAR_OF_ARRIVAL: i32 = 1900;
/// The highest accepted age.
pub(crate) const MAX_AGE: i32 = 130;

// ---- One function per rule ----------------------------------------------------------

/// `person_id`: required text.
pub(crate) fn person_id(v: Option<&str>) -> Result<&str, Problem> {
    v.ok_or_else(|| problem(rules::PERSON_ID_MISSING, "person_id must not be empty"))
}

/// The rules of an exact decimal weight: the final weight or a replicate weight.
struct WeightRules {
    missing: &'static str,
    not_a_number: &'static str,
    negative: &'static str,
    too_large: &'static str,
}

/// `what()` (e.g. `weight`, only asked on a problem): a required exact decimal >= 0, in
/// units of 10^-9.
fn exact_weight(
    v: Option<&str>,
    what: impl Fn() -> String,
    rules: &WeightRules,
) -> Result<i128, Problem> {
    weight_of(v.map(|v| decimal::parse(v, WEIGHT_SCALE)), what, rules)
}

/// The rules of an exact weight on its value read as a decimal (from text, or from a
/// typed column: [`decimal::rescale`]); `None`: not stated.
fn weight_of(
    value: Option<Result<decimal::Parsed, DecimalError>>,
    what: impl Fn() -> String,
    rules: &WeightRules,
) -> Result<i128, Problem> {
    let sentence = || format!("{} must be a decimal number >= 0", what());
    match value.ok_or_else(|| problem(rules.missing, sentence()))? {
        Ok(p) if p.negative => Err(problem(rules.negative, sentence())),
        Ok(p) => Ok(p.scaled),
        Err(DecimalError::NotANumber) => Err(problem(rules.not_a_number, sentence())),
        Err(DecimalError::TooLarge) => Err(problem(
            rules.too_large,
            format!(
                "{} is too large: at most 29 digits before the decimal point",
                what()
            ),
        )),
    }
}

const WEIGHT_RULES: WeightRules = WeightRules {
    missing: rules::WEIGHT_MISSING,
    not_a_number: rules::WEIGHT_NOT_A_NUMBER,
    negative: rules::WEIGHT_NEGATIVE,
    too_large: rules::WEIGHT_TOO_LARGE,
};

const REPLICATE_WEIGHT_RULES: WeightRules = WeightRules {
    missing: rules::REPLICATE_WEIGHT_MISSING,
    not_a_number: rules::REPLICATE_WEIGHT_NOT_A_NUMBER,
    negative: rules::REPLICATE_WEIGHT_NEGATIVE,
    too_large: rules::REPLICATE_WEIGHT_TOO_LARGE,
};

/// What a replicate weight is called in its problems.
fn replicate_what(column: &str, k: usize) -> String {
    format!("{column} (replicate weight {k})")
}

/// `weight`: required exact decimal >= 0, in units of 10^-9.
pub(crate) fn weight(v: Option<&str>) -> Result<i128, Problem> {
    exact_weight(v, || schema::core::WEIGHT.to_string(), &WEIGHT_RULES)
}

/// Replicate weight `k`, read from input column `column`: the same rules as `weight`,
/// under their own ids.
pub(crate) fn replicate_weight(v: Option<&str>, column: &str, k: usize) -> Result<i128, Problem> {
    exact_weight(v, || replicate_what(column, k), &REPLICATE_WEIGHT_RULES)
}

/// `stratum`, `psu`: free text, or not stated; when `required` (method `taylor`) and the
/// person has a weight above 0, it must be stated.
pub(crate) fn design_unit<'v>(
    v: Option<&'v str>,
    column: &str,
    rule: &'static str,
    required: bool,
    weight: i128,
) -> Result<Option<&'v str>, Problem> {
    if v.is_none() && required && weight > 0 {
        let what = if rule == rules::STRATUM_MISSING {
            "stratum"
        } else {
            "primary sampling unit"
        };
        return Err(problem(
            rule,
            format!(
                "{column} (the {what}) must not be empty for a person with weight > 0: \
                 [design] method = \"taylor\" needs it"
            ),
        ));
    }
    Ok(v)
}

/// `sex`: required `M`, `F` or `O`.
pub(crate) fn sex(v: Option<&str>) -> Result<&str, Problem> {
    const SENTENCE: &str = "sex must be M, F or O";
    match v {
        None => Err(problem(rules::SEX_MISSING, SENTENCE)),
        Some(code @ ("M" | "F" | "O")) => Ok(code),
        Some(_) => Err(problem(rules::SEX_CODE, SENTENCE)),
    }
}

/// `age`: whole years 0..=130, or not stated.
pub(crate) fn age(v: Option<&str>) -> Result<Option<i32>, Problem> {
    let sentence = || format!("age must be a whole number of years from 0 to {MAX_AGE}, or empty");
    let Some(v) = v else { return Ok(None) };
    let n = integer(v).ok_or_else(|| problem(rules::AGE_NOT_AN_INTEGER, sentence()))?;
    age_of(n).map(Some)
}

/// The range of `age` on a whole number (from text, or a typed column).
fn age_of(n: i64) -> Result<i32, Problem> {
    if (0..=i64::from(MAX_AGE)).contains(&n) {
        Ok(n as i32)
    } else {
        Err(problem(
            rules::AGE_RANGE,
            format!("age must be a whole number of years from 0 to {MAX_AGE}, or empty"),
        ))
    }
}

/// The accepted country codes, looked up without comparing text: an ISO alpha-3 code is
/// three capital letters, one bit of 26^3 (a `BTreeSet` of 250 codes took 8 text
/// comparisons a look-up, three columns a record). Any other code is kept in a set.
#[derive(Debug, Clone)]
pub(crate) struct Countries {
    alpha3: Vec<u64>,
    other: BTreeSet<String>,
}

impl Countries {
    /// The set of `codes`.
    pub fn new(codes: &BTreeSet<String>) -> Countries {
        let mut countries = Countries {
            alpha3: vec![0; (26 * 26 * 26usize).div_ceil(64)],
            other: BTreeSet::new(),
        };
        for code in codes {
            match alpha3_index(code) {
                Some(at) => countries.alpha3[at / 64] |= 1 << (at % 64),
                None => {
                    countries.other.insert(code.clone());
                }
            }
        }
        countries
    }

    /// Whether `code` is one of them.
    pub fn contains(&self, code: &str) -> bool {
        match alpha3_index(code) {
            Some(at) => self.alpha3[at / 64] & (1 << (at % 64)) != 0,
            None => self.other.contains(code),
        }
    }
}

/// The place of a code of three capital letters among all of them.
fn alpha3_index(code: &str) -> Option<usize> {
    match code.as_bytes() {
        &[a, b, c] if [a, b, c].iter().all(u8::is_ascii_uppercase) => {
            let letter = |x: u8| usize::from(x - b'A');
            Some((letter(a) * 26 + letter(b)) * 26 + letter(c))
        }
        _ => None,
    }
}

/// `country_of_birth`, `citizenship`, `citizenship_2`: an accepted ISO alpha-3 code, a
/// special code, or not stated.
pub(crate) fn country<'v>(
    v: Option<&'v str>,
    column: &str,
    rule: &'static str,
    special: &[&str],
    countries: &Countries,
) -> Result<Option<&'v str>, Problem> {
    match v {
        Some(code) if !countries.contains(code) && !special.contains(&code) => {
            let special = special
                .iter()
                .map(|c| match *c {
                    "XXA" => "XXA (stateless)",
                    "XXX" => "XXX (foreign or abroad, country not stated)",
                    other => other,
                })
                .collect::<Vec<_>>()
                .join(", ");
            Err(problem(
                rule,
                format!("{column} must be an ISO 3166-1 alpha-3 country code, {special}, or empty"),
            ))
        }
        _ => Ok(v),
    }
}

/// A `Y`/`N` item: true, false, or not stated.
pub(crate) fn flag(
    v: Option<&str>,
    column: &str,
    rule: &'static str,
) -> Result<Option<bool>, Problem> {
    match v {
        None => Ok(None),
        Some("Y") => Ok(Some(true)),
        Some("N") => Ok(Some(false)),
        Some(_) => Err(problem(rule, format!("{column} must be Y, N or empty"))),
    }
}

/// `usual_resident`: `Y`/`N`; not stated counts as `Y`, as an absent column does.
pub(crate) fn usual_resident(v: Option<&str>) -> Result<bool, Problem> {
    Ok(flag(v, schema::core::USUAL_RESIDENT, rules::USUAL_RESIDENT_FLAG)?.unwrap_or(true))
}

/// A coded column: one of `codes`, or not stated.
pub(crate) fn code<'v>(
    v: Option<&'v str>,
    column: &str,
    rule: &'static str,
    codes: &[&str],
) -> Result<Option<&'v str>, Problem> {
    match v {
        Some(c) if !codes.contains(&c) => Err(problem(
            rule,
            format!("{column} must be one of {}, or empty", codes.join(", ")),
        )),
        _ => Ok(v),
    }
}

/// `year_of_arrival`: a year from 1900 to the reference year, or not stated.
pub(crate) fn year_of_arrival(v: Option<&str>, ref_year: i32) -> Result<Option<i32>, Problem> {
    year(
        v,
        schema::core::YEAR_OF_ARRIVAL,
        rules::YEAR_OF_ARRIVAL_NOT_AN_INTEGER,
        rules::YEAR_OF_ARRIVAL_RANGE,
        ref_year,
    )
}

/// A year with the `year_of_arrival` rule under other rule ids (`year_of_return`): from
/// 1900 to the reference year, or not stated.
pub(crate) fn year(
    v: Option<&str>,
    column: &str,
    not_an_integer: &'static str,
    range: &'static str,
    ref_year: i32,
) -> Result<Option<i32>, Problem> {
    let Some(v) = v else { return Ok(None) };
    let n = integer(v).ok_or_else(|| problem(not_an_integer, year_sentence(column, ref_year)))?;
    year_of(n, column, range, ref_year).map(Some)
}

/// The range of a year on a whole number (from text, or a typed column).
fn year_of(n: i64, column: &str, range: &'static str, ref_year: i32) -> Result<i32, Problem> {
    if (i64::from(FIRST_YEAR_OF_ARRIVAL)..=i64::from(ref_year)).contains(&n) {
        Ok(n as i32)
    } else {
        Err(problem(range, year_sentence(column, ref_year)))
    }
}

fn year_sentence(column: &str, ref_year: i32) -> String {
    format!(
        "{column} must be a year from {FIRST_YEAR_OF_ARRIVAL} to {ref_year} (the reference \
         year), or empty"
    )
}

/// A whole number from 0 to `max`, or not stated (`years_of_residence`).
pub(crate) fn whole_number(
    v: Option<&str>,
    column: &str,
    not_an_integer: &'static str,
    range: &'static str,
    max: i32,
) -> Result<Option<i32>, Problem> {
    let sentence = || format!("{column} must be a whole number from 0 to {max}, or empty");
    let Some(v) = v else { return Ok(None) };
    let n = integer(v).ok_or_else(|| problem(not_an_integer, sentence()))?;
    whole_number_of(n, column, range, max).map(Some)
}

/// The range of a whole number (from text, or a typed column).
fn whole_number_of(n: i64, column: &str, range: &'static str, max: i32) -> Result<i32, Problem> {
    if (0..=i64::from(max)).contains(&n) {
        Ok(n as i32)
    } else {
        Err(problem(
            range,
            format!("{column} must be a whole number from 0 to {max}, or empty"),
        ))
    }
}

/// A number of months from 0 to `max`: digits with an optional fraction (`6.5`), or not
/// stated. Parsed exactly (the weight parser, nine decimals), so that `6` is exactly six
/// months when the residence rule compares it with 6 and 12.
pub(crate) fn months(
    v: Option<&str>,
    column: &str,
    not_a_number: &'static str,
    range: &'static str,
    max: u32,
) -> Result<Option<f64>, Problem> {
    let sentence = || format!("{column} must be a number of months from 0 to {max}, or empty");
    let Some(v) = v else { return Ok(None) };
    let scale = 10i128.pow(WEIGHT_SCALE);
    match decimal::parse(v, WEIGHT_SCALE) {
        Ok(p) if !p.negative && p.scaled <= i128::from(max) * scale => {
            // Months up to 1560 with 9 decimals: at most 13 significant digits, exact in f64.
            Ok(Some(p.scaled as f64 / scale as f64))
        }
        Ok(_) | Err(DecimalError::TooLarge) => Err(problem(range, sentence())),
        Err(DecimalError::NotANumber) => Err(problem(not_a_number, sentence())),
    }
}

/// An optionally signed run of ASCII digits; values beyond `i64` saturate (they are out
/// of every range anyway).
fn integer(v: &str) -> Option<i64> {
    let (negative, digits) = match v.as_bytes().first()? {
        b'-' => (true, &v[1..]),
        b'+' => (false, &v[1..]),
        _ => (false, v),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = digits.bytes().fold(0i64, |acc, d| {
        acc.saturating_mul(10).saturating_add(i64::from(d - b'0'))
    });
    Some(if negative { -n } else { n })
}

/// The trimmed value, `None` when empty.
fn stated(v: Option<&str>) -> Option<&str> {
    v.map(trim).filter(|s| !s.is_empty())
}

/// `str::trim`, without its look at every end character when both ends are printable
/// ASCII (nearly every value: the Unicode-aware trim was 3% of the stage).
fn trim(v: &str) -> &str {
    let plain = |b: &u8| b.is_ascii_graphic();
    match (v.as_bytes().first(), v.as_bytes().last()) {
        (Some(first), Some(last)) if plain(first) && plain(last) => v,
        _ => v.trim(),
    }
}

// ---- The batch ----------------------------------------------------------------------

/// A batch checked and typed.
#[derive(Debug)]
pub(crate) struct Validated {
    /// The records in the core record with the file's replicate weights
    /// ([`Validator::schema`]).
    pub batch: RecordBatch,
    /// Each record's line (text files), for rejects found later (duplicates).
    pub lines: Vec<Option<u64>>,
    /// Every problem of the batch, in file order (row, then column).
    pub rejects: Vec<Reject>,
}

/// The value rules with what they depend on: the reference countries and year, the
/// file's columns and the sample design.
pub(crate) struct Validator<'a> {
    file: &'a str,
    countries: Countries,
    ref_year: i32,
    /// The input name of each column: [`COLUMNS`], then the replicate weights.
    names: Vec<String>,
    /// Whether `stratum` and `psu` are required (method `taylor`).
    design_required: bool,
    schema: SchemaRef,
}

impl<'a> Validator<'a> {
    /// Rules for `file` (the name rejects carry), whose columns are `header`.
    pub fn new(
        file: &'a str,
        countries: &'a BTreeSet<String>,
        ref_year: i32,
        header: &Header,
        design: &Design,
    ) -> Self {
        Validator {
            file,
            countries: Countries::new(countries),
            ref_year,
            names: header.columns.clone(),
            design_required: design.method == VarianceMethod::Taylor,
            schema: schema::with_replicates(schema::core_record(), header.replicates),
        }
    }

    /// The schema of the typed batches: the core record with the file's replicate weights.
    pub fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    /// The input name of each column, in core-record order (for [`sort_in_file_order`]).
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Checks and types every value of `raw`.
    pub fn validate(&self, raw: RawBatch) -> Result<Validated> {
        let mut rejects = Vec::new();
        let mut arrays: Vec<ArrayRef> = Vec::with_capacity(self.names.len() + 1);
        let mut weights: Vec<i128> = Vec::new();
        let decimals = |values: Vec<i128>| -> ArrayRef {
            Arc::new(Decimal128Array::from(values).with_data_type(schema::WEIGHT_TYPE))
        };
        for (col, column) in COLUMNS.iter().enumerate() {
            let name = self.names[col].as_str();
            let in_file =
                raw.columns.get(col).is_some_and(Option::is_some) || raw.typed(col).is_some();
            if !in_file {
                if let Some(array) = self.absent_column(column.check, name, raw.len()) {
                    arrays.push(array);
                    continue;
                }
            }
            if let Some(typed) = raw.typed(col) {
                let array =
                    self.typed_column(col, Some(column.check), typed, &raw, &mut rejects)?;
                if let Check::Weight = column.check {
                    weights = array.as_primitive::<Decimal128Type>().values().to_vec();
                }
                arrays.push(array);
                continue;
            }
            let array: ArrayRef = match column.check {
                Check::PersonId => {
                    text_array(&raw, col, self.column(col, &raw, &mut rejects, person_id))
                }
                Check::Weight => {
                    weights = self.column(col, &raw, &mut rejects, weight);
                    decimals(weights.clone())
                }
                Check::Sex => text_array(&raw, col, self.column(col, &raw, &mut rejects, sex)),
                Check::Age => Arc::new(Int32Array::from(self.column(col, &raw, &mut rejects, age))),
                Check::Country { rule, special } => text_array(
                    &raw,
                    col,
                    self.column(col, &raw, &mut rejects, |v| {
                        country(v, name, rule, special, &self.countries)
                    }),
                ),
                Check::UsualResident => Arc::new(BooleanArray::from(self.column(
                    col,
                    &raw,
                    &mut rejects,
                    usual_resident,
                ))),
                Check::Text => text_array(
                    &raw,
                    col,
                    self.column(col, &raw, &mut rejects, Ok::<_, Problem>),
                ),
                Check::Code { rule, codes } => text_array(
                    &raw,
                    col,
                    self.column(col, &raw, &mut rejects, |v| code(v, name, rule, codes)),
                ),
                Check::Flag { rule } => Arc::new(BooleanArray::from(self.column(
                    col,
                    &raw,
                    &mut rejects,
                    |v| flag(v, name, rule),
                ))),
                Check::YearOfArrival => Arc::new(Int32Array::from(self.column(
                    col,
                    &raw,
                    &mut rejects,
                    |v| year_of_arrival(v, self.ref_year),
                ))),
                Check::Year {
                    not_an_integer,
                    range,
                } => Arc::new(Int32Array::from(self.column(
                    col,
                    &raw,
                    &mut rejects,
                    |v| year(v, name, not_an_integer, range, self.ref_year),
                ))),
                Check::Integer {
                    not_an_integer,
                    range,
                    max,
                } => Arc::new(Int32Array::from(self.column(
                    col,
                    &raw,
                    &mut rejects,
                    |v| whole_number(v, name, not_an_integer, range, max),
                ))),
                Check::Months {
                    not_a_number,
                    range,
                    max,
                } => Arc::new(Float64Array::from(self.column(
                    col,
                    &raw,
                    &mut rejects,
                    |v| months(v, name, not_a_number, range, max),
                ))),
                Check::Design { rule } => text_array(
                    &raw,
                    col,
                    self.column_at(col, &raw, &mut rejects, |i, v| {
                        let w = weights.get(i).copied().unwrap_or_default();
                        design_unit(v, name, rule, self.design_required, w)
                    }),
                ),
            };
            arrays.push(array);
        }
        let rows: Vec<i64> = raw.rows.iter().map(|&r| r as i64).collect();
        arrays.push(Arc::new(Int64Array::from(rows)));
        for col in columns::N..self.names.len() {
            if let Some(typed) = raw.typed(col) {
                arrays.push(self.typed_column(col, None, typed, &raw, &mut rejects)?);
                continue;
            }
            let (name, k) = (self.names[col].as_str(), col - columns::N + 1);
            let values = self.column(col, &raw, &mut rejects, |v| replicate_weight(v, name, k));
            arrays.push(decimals(values));
        }
        let batch = RecordBatch::try_new(self.schema.clone(), arrays)?;
        rejects.extend(raw.rejects);
        sort_in_file_order(&mut rejects, &self.names);
        Ok(Validated {
            batch,
            lines: raw.lines,
            rejects,
        })
    }

    /// A column the file does not have, for `rows` records: every record not stated. When
    /// `check` accepts that, the column is that one value throughout (null, or `true` for
    /// `usual_resident`), built at once rather than record by record (a survey without
    /// the extension items lacks a dozen columns: 10M persons, 160M values). `None` when
    /// the check rejects it (a required column): the records then get their rejects one by
    /// one, as for a column with empty values.
    fn absent_column(&self, check: Check, name: &str, rows: usize) -> Option<ArrayRef> {
        use arrow::array::new_null_array;
        let all_null = |accepted: bool, data_type: DataType| {
            accepted.then(|| new_null_array(&data_type, rows))
        };
        match check {
            Check::PersonId | Check::Weight | Check::Sex => None,
            Check::UsualResident => {
                let value = usual_resident(None).ok()?;
                Some(Arc::new(BooleanArray::from(vec![value; rows])))
            }
            Check::Age => all_null(age(None) == Ok(None), DataType::Int32),
            Check::Country { rule, special } => all_null(
                country(None, name, rule, special, &self.countries) == Ok(None),
                DataType::Utf8,
            ),
            Check::Text => all_null(true, DataType::Utf8),
            Check::Code { rule, codes } => {
                all_null(code(None, name, rule, codes) == Ok(None), DataType::Utf8)
            }
            Check::Flag { rule } => all_null(flag(None, name, rule) == Ok(None), DataType::Boolean),
            Check::YearOfArrival => all_null(
                year_of_arrival(None, self.ref_year) == Ok(None),
                DataType::Int32,
            ),
            Check::Year {
                not_an_integer,
                range,
            } => all_null(
                year(None, name, not_an_integer, range, self.ref_year) == Ok(None),
                DataType::Int32,
            ),
            Check::Integer {
                not_an_integer,
                range,
                max,
            } => all_null(
                whole_number(None, name, not_an_integer, range, max) == Ok(None),
                DataType::Int32,
            ),
            Check::Months {
                not_a_number,
                range,
                max,
            } => all_null(
                months(None, name, not_a_number, range, max) == Ok(None),
                DataType::Float64,
            ),
            // Required in every record with weight > 0 when the design needs it.
            Check::Design { .. } => all_null(!self.design_required, DataType::Utf8),
        }
    }

    /// Column `col` of `raw` that arrived typed ([`takes_typed`]; `check` is `None` for a
    /// replicate weight): the rules its text would get, on its values, without writing
    /// and parsing that text (a Boolean is a `Y`/`N` flag, an integer a whole number, a
    /// decimal an exact weight). A reject shows the value as its text.
    fn typed_column(
        &self,
        col: usize,
        check: Option<Check>,
        array: &ArrayRef,
        raw: &RawBatch,
        rejects: &mut Vec<Reject>,
    ) -> Result<ArrayRef> {
        let name = self.names[col].as_str();
        let mut reject = |i: usize, value: String, p: Problem| {
            rejects.push(Reject {
                file: self.file.to_string(),
                row: Some(raw.rows[i]),
                line: raw.lines[i],
                column: name.to_string(),
                value,
                rule: p.rule,
                message: p.message,
            })
        };
        let whole = |n: i64| -> Option<Result<i32, Problem>> {
            Some(match check? {
                Check::Age => age_of(n),
                Check::YearOfArrival => year_of(
                    n,
                    schema::core::YEAR_OF_ARRIVAL,
                    rules::YEAR_OF_ARRIVAL_RANGE,
                    self.ref_year,
                ),
                Check::Year { range, .. } => year_of(n, name, range, self.ref_year),
                Check::Integer { range, max, .. } => whole_number_of(n, name, range, max),
                _ => return None,
            })
        };
        Ok(match check {
            Some(Check::Flag { .. }) => Arc::new(array.as_boolean().clone()),
            Some(Check::UsualResident) => Arc::new(BooleanArray::from_iter(
                array.as_boolean().iter().map(|v| Some(v.unwrap_or(true))),
            )),
            Some(
                Check::Age | Check::YearOfArrival | Check::Year { .. } | Check::Integer { .. },
            ) => {
                let ints = cast(array, &DataType::Int64)?;
                let values: Vec<Option<i32>> = ints
                    .as_primitive::<Int64Type>()
                    .iter()
                    .enumerate()
                    .map(|(i, v)| {
                        let n = v?;
                        Some(whole(n)?.unwrap_or_else(|p| {
                            reject(i, n.to_string(), p);
                            0
                        }))
                    })
                    .collect();
                Arc::new(Int32Array::from(values))
            }
            Some(Check::Weight) | None => {
                let (what, rules): (String, &WeightRules) = match check {
                    Some(_) => (schema::core::WEIGHT.to_string(), &WEIGHT_RULES),
                    None => (
                        replicate_what(name, col - columns::N + 1),
                        &REPLICATE_WEIGHT_RULES,
                    ),
                };
                let decimals = match array.data_type() {
                    DataType::Decimal128(..) => array.clone(),
                    _ => cast(array, &DataType::Decimal128(38, 0))?,
                };
                let decimals = decimals.as_primitive::<Decimal128Type>();
                let scale = decimals.scale().max(0) as u32;
                let values: Vec<i128> = (0..decimals.len())
                    .map(|i| {
                        let value = decimals
                            .is_valid(i)
                            .then(|| decimal::rescale(decimals.value(i), scale, WEIGHT_SCALE));
                        weight_of(value, || what.clone(), rules).unwrap_or_else(|p| {
                            let text = if decimals.is_valid(i) {
                                decimals.value_as_string(i)
                            } else {
                                String::new()
                            };
                            reject(i, text, p);
                            0
                        })
                    })
                    .collect();
                Arc::new(Decimal128Array::from(values).with_data_type(schema::WEIGHT_TYPE))
            }
            Some(other) => {
                return Err(migstat_artefacts::Error::internal(format!(
                    "column {name} arrived typed ({}) for a check that reads text: {other:?}",
                    array.data_type()
                )))
            }
        })
    }

    /// Runs `check` over column `col` of `raw`; a problem becomes a reject and a
    /// placeholder value.
    fn column<'r, T: Default>(
        &self,
        col: usize,
        raw: &'r RawBatch,
        rejects: &mut Vec<Reject>,
        check: impl Fn(Option<&'r str>) -> Result<T, Problem>,
    ) -> Vec<T> {
        self.column_at(col, raw, rejects, |_, v| check(v))
    }

    /// [`Self::column`] with a check that also gets the record's index in the batch.
    fn column_at<'r, T: Default>(
        &self,
        col: usize,
        raw: &'r RawBatch,
        rejects: &mut Vec<Reject>,
        check: impl Fn(usize, Option<&'r str>) -> Result<T, Problem>,
    ) -> Vec<T> {
        (0..raw.len())
            .map(|i| {
                let value = raw.value(col, i);
                check(i, stated(value)).unwrap_or_else(|p| {
                    rejects.push(Reject {
                        file: self.file.to_string(),
                        row: Some(raw.rows[i]),
                        line: raw.lines[i],
                        column: self.names[col].clone(),
                        value: value.unwrap_or_default().to_string(),
                        rule: p.rule,
                        message: p.message,
                    });
                    T::default()
                })
            })
            .collect()
    }
}

/// Whether a column of `data_type` with `check` (`None`: a replicate weight) is checked
/// on its values rather than on its text ([`Validator::typed_column`]): Booleans as flags,
/// integers as whole numbers, integers and decimals of at most 9 decimals as weights.
/// Anything else (floats, text, larger scales) is turned into text and checked as text.
pub(crate) fn takes_typed(check: Option<Check>, data_type: &DataType) -> bool {
    use DataType::*;
    let integer = matches!(
        data_type,
        Int8 | Int16 | Int32 | Int64 | UInt8 | UInt16 | UInt32
    );
    match check {
        Some(Check::Flag { .. } | Check::UsualResident) => data_type == &Boolean,
        Some(Check::Age | Check::YearOfArrival | Check::Year { .. } | Check::Integer { .. }) => {
            integer
        }
        Some(Check::Weight) | None => {
            integer || matches!(data_type, Decimal128(_, s) if (0..=WEIGHT_SCALE as i8).contains(s))
        }
        Some(_) => false,
    }
}

/// The text column of `values`, checked from column `col` of `raw`. A check lets a value
/// through as read (the same slice), so when no value was trimmed, emptied or replaced
/// by a reject's placeholder, the column read is the column written: shared, not copied
/// (copying the text was ~6% of the ingest stage).
fn text_array<'r, T>(raw: &'r RawBatch, col: usize, values: Vec<T>) -> ArrayRef
where
    T: Into<Option<&'r str>> + Copy,
    StringArray: From<Vec<T>>,
{
    if let Some(read) = &raw.columns[col] {
        let as_read = values.iter().enumerate().all(|(i, &v)| {
            match (raw.value(col, i), v.into()) {
                (None, None) => true,
                // The same bytes in the same place: a slice of the column read.
                (Some(a), Some(b)) => std::ptr::eq(a, b),
                _ => false,
            }
        });
        if as_read {
            return Arc::new(read.clone());
        }
    }
    Arc::new(StringArray::from(values))
}

/// Sorts rejects by row (file-level ones first), then by column in core-record order
/// (`names`: the input name of each column); stable, so the order within one cell is kept.
pub(crate) fn sort_in_file_order(rejects: &mut [Reject], names: &[String]) {
    rejects.sort_by_cached_key(|r| {
        let col = names.iter().position(|n| *n == r.column).unwrap_or(0);
        (r.row, col)
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::AsArray;

    fn rule<T: std::fmt::Debug>(r: Result<T, Problem>) -> &'static str {
        r.expect_err("a problem").rule
    }

    #[test]
    fn person_id_is_required() {
        assert_eq!(person_id(Some("P1")), Ok("P1"));
        assert_eq!(rule(person_id(None)), rules::PERSON_ID_MISSING);
    }

    #[test]
    fn weight_is_an_exact_decimal_of_at_least_zero() {
        assert_eq!(weight(Some("120.50")), Ok(120_500_000_000));
        assert_eq!(weight(Some("0")), Ok(0));
        assert_eq!(weight(Some("1e3")), Ok(1_000_000_000_000));
        assert_eq!(rule(weight(None)), rules::WEIGHT_MISSING);
        assert_eq!(rule(weight(Some("abc"))), rules::WEIGHT_NOT_A_NUMBER);
        assert_eq!(rule(weight(Some("NaN"))), rules::WEIGHT_NOT_A_NUMBER);
        assert_eq!(rule(weight(Some("inf"))), rules::WEIGHT_NOT_A_NUMBER);
        assert_eq!(rule(weight(Some("-0.5"))), rules::WEIGHT_NEGATIVE);
        assert_eq!(rule(weight(Some("1e40"))), rules::WEIGHT_TOO_LARGE);
        assert_eq!(
            weight(Some("-1")).unwrap_err().message,
            "weight must be a decimal number >= 0"
        );
    }

    #[test]
    fn replicate_weights_follow_the_weight_rules_under_their_own_ids() {
        let rep = |v| replicate_weight(v, "bw3", 3);
        assert_eq!(rep(Some("160.666667")), Ok(160_666_667_000));
        assert_eq!(rep(Some("0.00")), Ok(0));
        assert_eq!(rule(rep(None)), rules::REPLICATE_WEIGHT_MISSING);
        assert_eq!(rule(rep(Some("NaN"))), rules::REPLICATE_WEIGHT_NOT_A_NUMBER);
        assert_eq!(rule(rep(Some("1,5"))), rules::REPLICATE_WEIGHT_NOT_A_NUMBER);
        assert_eq!(rule(rep(Some("-0.01"))), rules::REPLICATE_WEIGHT_NEGATIVE);
        assert_eq!(rule(rep(Some("1e29"))), rules::REPLICATE_WEIGHT_TOO_LARGE);
        assert_eq!(
            rep(Some("-1")).unwrap_err().message,
            "bw3 (replicate weight 3) must be a decimal number >= 0"
        );
    }

    #[test]
    fn stratum_and_psu_are_free_text_required_only_by_taylor_for_a_positive_weight() {
        let unit = |v, required, w| design_unit(v, "region", rules::STRATUM_MISSING, required, w);
        assert_eq!(unit(Some("S 01"), true, 1), Ok(Some("S 01")));
        assert_eq!(unit(None, false, 1), Ok(None));
        assert_eq!(unit(None, true, 0), Ok(None), "weight 0: not in the sample");
        let p = unit(None, true, 1).unwrap_err();
        assert_eq!(p.rule, rules::STRATUM_MISSING);
        assert!(
            p.message.starts_with("region (the stratum)"),
            "{}",
            p.message
        );
        let p = design_unit(None, "psu", rules::PSU_MISSING, true, 5).unwrap_err();
        assert_eq!(p.rule, rules::PSU_MISSING);
        assert!(p.message.contains("primary sampling unit"), "{}", p.message);
    }

    #[test]
    fn sex_is_m_f_or_o_and_required() {
        for code in ["M", "F", "O"] {
            assert_eq!(sex(Some(code)), Ok(code));
        }
        assert_eq!(rule(sex(None)), rules::SEX_MISSING);
        for bad in ["m", "X", "MALE", "1"] {
            assert_eq!(rule(sex(Some(bad))), rules::SEX_CODE, "{bad}");
        }
    }

    #[test]
    fn age_is_whole_years_from_0_to_130_or_not_stated() {
        assert_eq!(age(None), Ok(None));
        assert_eq!(age(Some("0")), Ok(Some(0)));
        assert_eq!(age(Some("130")), Ok(Some(130)));
        assert_eq!(age(Some("+34")), Ok(Some(34)));
        assert_eq!(rule(age(Some("131"))), rules::AGE_RANGE);
        assert_eq!(rule(age(Some("-1"))), rules::AGE_RANGE);
        assert_eq!(rule(age(Some("99999999999999999999999"))), rules::AGE_RANGE);
        for bad in ["34.5", "34.0", "abc", "3 4", "-", "1e2"] {
            assert_eq!(rule(age(Some(bad))), rules::AGE_NOT_AN_INTEGER, "{bad}");
        }
    }

    #[test]
    fn countries_are_reference_codes_or_their_column_s_special_codes() {
        let countries = Countries::new(&["PHL", "IDN"].map(String::from).into());
        let cob = |v| {
            country(
                v,
                "country_of_birth",
                rules::COUNTRY_OF_BIRTH_CODE,
                &["XXX"],
                &countries,
            )
        };
        assert_eq!(cob(Some("PHL")), Ok(Some("PHL")));
        assert_eq!(cob(Some("XXX")), Ok(Some("XXX")));
        assert_eq!(cob(None), Ok(None));
        assert_eq!(
            rule(cob(Some("XXA"))),
            rules::COUNTRY_OF_BIRTH_CODE,
            "stateless is no birthplace"
        );
        assert_eq!(rule(cob(Some("phl"))), rules::COUNTRY_OF_BIRTH_CODE);
        assert_eq!(rule(cob(Some("PH"))), rules::COUNTRY_OF_BIRTH_CODE);
        let cit = |v| {
            country(
                v,
                "citizenship",
                rules::CITIZENSHIP_CODE,
                &["XXA", "XXX"],
                &countries,
            )
        };
        assert_eq!(cit(Some("XXA")), Ok(Some("XXA")));
        assert_eq!(cit(Some("XXX")), Ok(Some("XXX")));
        assert_eq!(rule(cit(Some("ZZZ"))), rules::CITIZENSHIP_CODE);
    }

    #[test]
    fn flags_are_y_n_or_not_stated() {
        assert_eq!(
            flag(Some("Y"), "worked", rules::WORKED_FLAG),
            Ok(Some(true))
        );
        assert_eq!(
            flag(Some("N"), "worked", rules::WORKED_FLAG),
            Ok(Some(false))
        );
        assert_eq!(flag(None, "worked", rules::WORKED_FLAG), Ok(None));
        for bad in ["y", "1", "true", "YES"] {
            assert_eq!(
                rule(flag(Some(bad), "absent", rules::ABSENT_FLAG)),
                rules::ABSENT_FLAG
            );
        }
    }

    #[test]
    fn usual_resident_not_stated_counts_as_resident() {
        assert_eq!(usual_resident(None), Ok(true));
        assert_eq!(usual_resident(Some("N")), Ok(false));
        assert_eq!(rule(usual_resident(Some("X"))), rules::USUAL_RESIDENT_FLAG);
    }

    #[test]
    fn coded_columns_take_their_codes_only() {
        let lfs = |v| {
            code(
                v,
                "lfs_status",
                rules::LFS_STATUS_CODE,
                columns::LFS_STATUS_CODES,
            )
        };
        assert_eq!(lfs(Some("UNE")), Ok(Some("UNE")));
        assert_eq!(lfs(None), Ok(None));
        assert_eq!(rule(lfs(Some("EMPLOYED"))), rules::LFS_STATUS_CODE);
        let reason = |v| {
            code(
                v,
                "absence_reason",
                rules::ABSENCE_REASON_CODE,
                columns::ABSENCE_REASON_CODES,
            )
        };
        assert_eq!(reason(Some("MATERNITY")), Ok(Some("MATERNITY")));
        assert_eq!(rule(reason(Some("STRIKE"))), rules::ABSENCE_REASON_CODE);
        let why = |v| {
            code(
                v,
                "reason_for_migration",
                rules::REASON_FOR_MIGRATION_CODE,
                columns::REASON_FOR_MIGRATION_CODES,
            )
        };
        assert_eq!(
            why(Some("INTERNATIONAL_PROTECTION")),
            Ok(Some("INTERNATIONAL_PROTECTION"))
        );
        assert_eq!(rule(why(Some("WORK"))), rules::REASON_FOR_MIGRATION_CODE);
    }

    #[test]
    fn the_classifications_take_their_ilo_source_codes_only() {
        let check = |column, rule, codes: &[&str], good: &[&str], bad: &[&str]| {
            for v in good {
                assert_eq!(
                    code(Some(v), column, rule, codes),
                    Ok(Some(*v)),
                    "{column} {v}"
                );
            }
            assert_eq!(
                code(None, column, rule, codes),
                Ok(None),
                "{column}: not stated"
            );
            for v in bad {
                let p = code(Some(v), column, rule, codes).unwrap_err();
                assert_eq!(p.rule, rule, "{column} {v}");
                assert!(p.message.starts_with(column), "{}", p.message);
            }
        };
        check(
            "education",
            rules::EDUCATION_CODE,
            columns::EDUCATION_CODES,
            &["X", "0", "5", "8", "9", "LTB", "BAS", "INT", "ADV"],
            &["10", "x", "3A", "EDU_AGGREGATE_X", "basic"],
        );
        check(
            "economic_activity",
            rules::ECONOMIC_ACTIVITY_CODE,
            columns::ECONOMIC_ACTIVITY_CODES,
            &["A", "C", "T", "U"],
            &["V", "X", "a", "01", "C10"],
        );
        check(
            "occupation",
            rules::OCCUPATION_CODE,
            columns::OCCUPATION_CODES,
            &["0", "1", "9"],
            &["10", "X", "01"],
        );
        check(
            "status_in_employment",
            rules::STATUS_IN_EMPLOYMENT_CODE,
            columns::STATUS_IN_EMPLOYMENT_CODES,
            &["1", "5", "6"],
            &["0", "7", "X"],
        );
    }

    #[test]
    fn year_of_arrival_runs_from_1900_to_the_reference_year() {
        assert_eq!(year_of_arrival(None, 2024), Ok(None));
        assert_eq!(year_of_arrival(Some("1900"), 2024), Ok(Some(1900)));
        assert_eq!(year_of_arrival(Some("2024"), 2024), Ok(Some(2024)));
        assert_eq!(
            rule(year_of_arrival(Some("2025"), 2024)),
            rules::YEAR_OF_ARRIVAL_RANGE
        );
        assert_eq!(
            rule(year_of_arrival(Some("1899"), 2024)),
            rules::YEAR_OF_ARRIVAL_RANGE
        );
        assert_eq!(
            rule(year_of_arrival(Some("2001.5"), 2024)),
            rules::YEAR_OF_ARRIVAL_NOT_AN_INTEGER
        );
    }

    #[test]
    fn months_are_exact_decimals_from_0_to_their_maximum() {
        let present = |v| {
            months(
                v,
                "months_present_12m",
                rules::MONTHS_PRESENT_12M_NOT_A_NUMBER,
                rules::MONTHS_PRESENT_12M_RANGE,
                12,
            )
        };
        assert_eq!(present(None), Ok(None));
        assert_eq!(present(Some("6")), Ok(Some(6.0)));
        assert_eq!(present(Some("6.03")), Ok(Some(6.03)));
        assert_eq!(present(Some("0")), Ok(Some(0.0)));
        assert_eq!(present(Some("12")), Ok(Some(12.0)));
        assert_eq!(
            rule(present(Some("12.01"))),
            rules::MONTHS_PRESENT_12M_RANGE
        );
        assert_eq!(rule(present(Some("-1"))), rules::MONTHS_PRESENT_12M_RANGE);
        assert_eq!(rule(present(Some("1e40"))), rules::MONTHS_PRESENT_12M_RANGE);
        for bad in ["six", "6,5", "NaN", "inf", "6 months"] {
            assert_eq!(
                rule(present(Some(bad))),
                rules::MONTHS_PRESENT_12M_NOT_A_NUMBER,
                "{bad}"
            );
        }
        let p = present(Some("13")).unwrap_err();
        assert_eq!(
            p.message,
            "months_present_12m must be a number of months from 0 to 12, or empty"
        );
        let stay = |v| {
            months(
                v,
                "intended_stay_months",
                rules::INTENDED_STAY_MONTHS_NOT_A_NUMBER,
                rules::INTENDED_STAY_MONTHS_RANGE,
                columns::MAX_INTENDED_STAY_MONTHS,
            )
        };
        assert_eq!(stay(Some("1560")), Ok(Some(1560.0)));
        assert_eq!(rule(stay(Some("9999"))), rules::INTENDED_STAY_MONTHS_RANGE);
    }

    #[test]
    fn year_of_return_and_years_of_residence_have_their_own_rules() {
        let back = |v| {
            year(
                v,
                "year_of_return",
                rules::YEAR_OF_RETURN_NOT_AN_INTEGER,
                rules::YEAR_OF_RETURN_RANGE,
                2024,
            )
        };
        assert_eq!(back(Some("2024")), Ok(Some(2024)));
        assert_eq!(back(None), Ok(None));
        assert_eq!(rule(back(Some("2025"))), rules::YEAR_OF_RETURN_RANGE);
        assert_eq!(rule(back(Some("1899"))), rules::YEAR_OF_RETURN_RANGE);
        assert_eq!(
            rule(back(Some("20x4"))),
            rules::YEAR_OF_RETURN_NOT_AN_INTEGER
        );
        let resid = |v| {
            whole_number(
                v,
                "years_of_residence",
                rules::YEARS_OF_RESIDENCE_NOT_AN_INTEGER,
                rules::YEARS_OF_RESIDENCE_RANGE,
                130,
            )
        };
        assert_eq!(resid(Some("0")), Ok(Some(0)));
        assert_eq!(resid(Some("130")), Ok(Some(130)));
        assert_eq!(rule(resid(Some("131"))), rules::YEARS_OF_RESIDENCE_RANGE);
        assert_eq!(rule(resid(Some("-2"))), rules::YEARS_OF_RESIDENCE_RANGE);
        assert_eq!(
            rule(resid(Some("4.5"))),
            rules::YEARS_OF_RESIDENCE_NOT_AN_INTEGER
        );
    }

    #[test]
    fn country_codes_of_three_capitals_and_others_are_looked_up_alike() {
        let codes: BTreeSet<String> = ["AAA", "PHL", "ZZZ", "X1", "abc"].map(String::from).into();
        let countries = Countries::new(&codes);
        for code in ["AAA", "PHL", "ZZZ", "X1", "abc"] {
            assert!(countries.contains(code), "{code}");
        }
        for code in ["AAB", "PHM", "ZZY", "phl", "PH", "PHLL", "", "ÄÄÄ", "X2"] {
            assert!(!countries.contains(code), "{code}");
        }
    }

    #[test]
    fn the_quick_trim_trims_as_str_trim_does() {
        for v in [
            "M",
            " M",
            "M ",
            "\tM\n",
            "\u{a0}M\u{a0}",
            "\u{3000}M",
            "",
            " ",
            "a b",
            "é",
            "M\u{2003}",
        ] {
            assert_eq!(trim(v), v.trim(), "{v:?}");
        }
    }

    #[test]
    fn values_are_trimmed_and_empty_is_not_stated() {
        assert_eq!(stated(Some("  M ")), Some("M"));
        assert_eq!(stated(Some("   ")), None);
        assert_eq!(stated(Some("")), None);
        assert_eq!(stated(None), None);
    }

    fn raw(values: &[Option<&str>]) -> RawBatch {
        RawBatch {
            columns: vec![Some(StringArray::from(values.to_vec()))],
            rows: (1..=values.len() as u64).collect(),
            lines: vec![None; values.len()],
            rejects: vec![],
            typed: vec![],
        }
    }

    #[test]
    fn a_text_column_let_through_as_read_is_shared_not_copied() {
        let raw = raw(&[Some("PHL"), None, Some("XXA")]);
        let passed: Vec<Option<&str>> = (0..3).map(|i| stated(raw.value(0, i))).collect();
        let out = text_array(&raw, 0, passed);
        let read = raw.columns[0].as_ref().unwrap();
        assert_eq!(out.as_string::<i32>(), read);
        assert_eq!(
            out.as_string::<i32>().values().as_ptr(),
            read.values().as_ptr(),
            "the same buffer"
        );
    }

    #[test]
    fn a_text_column_with_a_trimmed_emptied_or_rejected_value_is_rebuilt() {
        let raw = raw(&[Some(" PHL"), Some(""), Some("ABC"), Some("IND")]);
        // As the checks give them: trimmed, empty as not stated, a reject's placeholder.
        let checked = vec![
            stated(raw.value(0, 0)),
            stated(raw.value(0, 1)),
            None,
            raw.value(0, 3),
        ];
        let out = text_array(&raw, 0, checked);
        assert_eq!(
            out.as_string::<i32>(),
            &StringArray::from(vec![Some("PHL"), None, None, Some("IND")])
        );
    }
}
