//! One batch of core records in, the same persons as derived records out.
//!
//! Applies the concept functions ([`crate::scope`], [`crate::labour_force_status`],
//! [`crate::place_of_birth`], [`crate::citizenship`], [`crate::sex`]) to every row of a
//! core-record batch (`schema::core_record()`, contract §3) and builds the matching
//! derived batch (`schema::derived_record()`), row for row in the same order. The
//! identifying, measuring and design columns (`person_id`, `household_id`, `weight`,
//! `age`, `stratum`, `psu`, `source_row` and the replicate weights `repwt_1 ..= repwt_R`)
//! are passed through unchanged: the arrays are shared, not copied. The derived batch has
//! as many replicate weights as the core batch
//! (`schema::with_replicates(schema::derived_record(), R)`).
//!
//! A code outside the core contract (a sex other than `M`/`F`/`O`, an `lfs_status` other
//! than `EMP`/`UNE`/`OLF`) means ingest let a bad record through: that is an
//! [`Error::Internal`], naming the person and the input row.

use std::sync::Arc;

use arrow::array::{
    Array, ArrayRef, AsArray, BooleanArray, BooleanBuilder, Decimal128Array, Int32Array,
    Int64Array, RecordBatch, StringArray, StringBuilder, UInt8Builder,
};
use arrow::datatypes::{Decimal128Type, Int32Type, Int64Type};
use migstat_artefacts::schema::{self, core, Scope};
use migstat_artefacts::{Error, Result};

use crate::citizenship::citizenship;
use crate::labour_force_status::{classify, LfItems, LfsStatus, RESIDUAL_RULE};
use crate::place_of_birth::place_of_birth;
use crate::scope::scope;
use crate::sex::Sex;
use crate::DeriveReport;

/// Derives one batch of core records for a survey of `ref_area`: the derived batch (same
/// rows, same order) and the counts of this batch.
pub fn derive_batch(batch: &RecordBatch, ref_area: &str) -> Result<(RecordBatch, DeriveReport)> {
    let c = CoreColumns::of(batch)?;
    let n = batch.num_rows();
    let code_builder = |len: usize| StringBuilder::with_capacity(n, n * len);
    let mut sex_out = code_builder(5);
    let mut scope_out = code_builder(8);
    let mut in_scope_out = BooleanBuilder::with_capacity(n);
    let mut lfs_out = code_builder(3);
    let mut rule_out = UInt8Builder::with_capacity(n);
    let mut cbr_out = code_builder(15);
    let mut cct_out = code_builder(15);
    let mut counts = Counts::default();

    for i in 0..n {
        let sex = Sex::parse(c.sex.value(i)).ok_or_else(|| c.bad(i, core::SEX, c.sex.value(i)))?;
        let scope = scope(flag(c.usual_resident, i), c.weight.value(i), int(c.age, i));
        let producer_status = crate::stated(text(c.lfs_status, i))
            .map(|code| LfsStatus::parse(code).ok_or_else(|| c.bad(i, core::LFS_STATUS, code)))
            .transpose()?;
        let items = LfItems {
            worked: flag(c.worked, i),
            absent: flag(c.absent, i),
            absence_reason: text(c.absence_reason, i),
            absence_paid: flag(c.absence_paid, i),
            absence_return_3m: flag(c.absence_return_3m, i),
            searched: flag(c.searched, i),
            available: flag(c.available, i),
            future_start: flag(c.future_start, i),
        };
        let (status, rule) = classify(producer_status, &items);
        let cbr = place_of_birth(text(c.country_of_birth, i), ref_area);
        let cct = citizenship(text(c.citizenship, i), text(c.citizenship_2, i), ref_area);

        sex_out.append_value(sex.code());
        scope_out.append_value(scope.code());
        in_scope_out.append_value(scope == Scope::InScope);
        lfs_out.append_value(status.code());
        rule_out.append_value(rule);
        cbr_out.append_value(cbr.code());
        cct_out.append_value(cct.code());
        counts.add(scope, rule, rule == RESIDUAL_RULE && items.none_answered());
    }

    let mut columns: Vec<ArrayRef> = vec![
        c.column(core::PERSON_ID),
        c.column(core::HOUSEHOLD_ID),
        c.column(core::WEIGHT),
        Arc::new(sex_out.finish()),
        c.column(core::AGE),
        Arc::new(scope_out.finish()),
        Arc::new(in_scope_out.finish()),
        Arc::new(lfs_out.finish()),
        Arc::new(rule_out.finish()),
        Arc::new(cbr_out.finish()),
        Arc::new(cct_out.finish()),
        c.column(core::STRATUM),
        c.column(core::PSU),
        c.column(core::SOURCE_ROW),
    ];
    columns.extend((1..=c.replicates).map(|k| c.column(&schema::replicate_column(k))));
    let derived_schema = schema::with_replicates(schema::derived_record(), c.replicates);
    let derived = RecordBatch::try_new(derived_schema, columns)?;
    Ok((derived, counts.into_report(n as u64)))
}

/// Counts of one batch, by index, turned into a [`DeriveReport`] once.
#[derive(Default)]
struct Counts {
    /// Indexed like [`Scope::ALL`].
    by_scope: [u64; Scope::ALL.len()],
    /// Indexed by rule number (0 unused).
    by_lfs_rule: [u64; RESIDUAL_RULE as usize + 1],
    lfs_residual: u64,
}

impl Counts {
    fn add(&mut self, scope: Scope, rule: u8, residual: bool) {
        self.by_scope[index(scope)] += 1;
        if scope == Scope::InScope {
            self.by_lfs_rule[rule as usize] += 1;
            self.lfs_residual += residual as u64;
        }
    }

    fn into_report(self, rows: u64) -> DeriveReport {
        DeriveReport {
            rows,
            in_scope: self.by_scope[index(Scope::InScope)],
            by_scope: Scope::ALL
                .iter()
                .map(|s| s.code())
                .zip(self.by_scope)
                .collect(),
            by_lfs_rule: (1..=RESIDUAL_RULE)
                .zip(self.by_lfs_rule[1..].iter().copied())
                .collect(),
            lfs_residual: self.lfs_residual,
        }
    }
}

/// The position of `scope` in [`Scope::ALL`].
fn index(scope: Scope) -> usize {
    Scope::ALL
        .iter()
        .position(|&s| s == scope)
        .expect("every scope is in Scope::ALL")
}

/// The core columns of one batch, typed.
struct CoreColumns<'a> {
    batch: &'a RecordBatch,
    person_id: &'a StringArray,
    weight: &'a Decimal128Array,
    sex: &'a StringArray,
    age: &'a Int32Array,
    country_of_birth: &'a StringArray,
    citizenship: &'a StringArray,
    citizenship_2: &'a StringArray,
    usual_resident: &'a BooleanArray,
    lfs_status: &'a StringArray,
    worked: &'a BooleanArray,
    absent: &'a BooleanArray,
    absence_reason: &'a StringArray,
    absence_paid: &'a BooleanArray,
    absence_return_3m: &'a BooleanArray,
    searched: &'a BooleanArray,
    available: &'a BooleanArray,
    future_start: &'a BooleanArray,
    source_row: &'a Int64Array,
    /// The number of replicate weights, `repwt_1 ..= repwt_R`.
    replicates: usize,
}

impl<'a> CoreColumns<'a> {
    fn of(batch: &'a RecordBatch) -> Result<Self> {
        let get = |name: &str| {
            batch
                .column_by_name(name)
                .ok_or_else(|| Error::internal(format!("core record batch has no column {name}")))
        };
        let wrong = |name: &str| {
            let found = batch
                .schema()
                .field_with_name(name)
                .map(|f| f.data_type().clone());
            Error::internal(format!("core record column {name} has type {found:?}"))
        };
        let text = |name: &str| get(name)?.as_string_opt::<i32>().ok_or_else(|| wrong(name));
        let flag = |name: &str| get(name)?.as_boolean_opt().ok_or_else(|| wrong(name));
        let weight = |name: &str| {
            get(name)?
                .as_primitive_opt::<Decimal128Type>()
                .filter(|w| w.scale() == schema::WEIGHT_SCALE as i8)
                .ok_or_else(|| wrong(name))
        };
        // Passed through as they are.
        for name in [core::HOUSEHOLD_ID, core::STRATUM, core::PSU] {
            text(name)?;
        }
        let replicates = schema::replicates_in(&batch.schema());
        for k in 1..=replicates {
            weight(&schema::replicate_column(k))?;
        }
        Ok(CoreColumns {
            batch,
            person_id: text(core::PERSON_ID)?,
            weight: weight(core::WEIGHT)?,
            sex: text(core::SEX)?,
            age: get(core::AGE)?
                .as_primitive_opt::<Int32Type>()
                .ok_or_else(|| wrong(core::AGE))?,
            country_of_birth: text(core::COUNTRY_OF_BIRTH)?,
            citizenship: text(core::CITIZENSHIP)?,
            citizenship_2: text(core::CITIZENSHIP_2)?,
            usual_resident: flag(core::USUAL_RESIDENT)?,
            lfs_status: text(core::LFS_STATUS)?,
            worked: flag(core::WORKED)?,
            absent: flag(core::ABSENT)?,
            absence_reason: text(core::ABSENCE_REASON)?,
            absence_paid: flag(core::ABSENCE_PAID)?,
            absence_return_3m: flag(core::ABSENCE_RETURN_3M)?,
            searched: flag(core::SEARCHED)?,
            available: flag(core::AVAILABLE)?,
            future_start: flag(core::FUTURE_START)?,
            source_row: get(core::SOURCE_ROW)?
                .as_primitive_opt::<Int64Type>()
                .ok_or_else(|| wrong(core::SOURCE_ROW))?,
            replicates,
        })
    }

    /// A column passed through to the derived record (its presence and type were checked
    /// in [`Self::of`]).
    fn column(&self, name: &str) -> ArrayRef {
        self.batch
            .column_by_name(name)
            .cloned()
            .expect("checked in CoreColumns::of")
    }

    /// A value ingest should have rejected, in row `i` of this batch.
    fn bad(&self, i: usize, column: &str, value: &str) -> Error {
        Error::internal(format!(
            "core record of person {:?} (input row {}): column {column} holds {value:?}, \
             which the core contract (section 3) does not allow and ingest should have rejected",
            self.person_id.value(i),
            self.source_row.value(i),
        ))
    }
}

/// A nullable Boolean: `None` = not stated.
fn flag(a: &BooleanArray, i: usize) -> Option<bool> {
    a.is_valid(i).then(|| a.value(i))
}

/// A nullable Int32: `None` = not stated.
fn int(a: &Int32Array, i: usize) -> Option<i32> {
    a.is_valid(i).then(|| a.value(i))
}

/// A nullable text: `None` = null (the concept functions also read `""` as not stated).
fn text(a: &StringArray, i: usize) -> Option<&str> {
    a.is_valid(i).then(|| a.value(i))
}
