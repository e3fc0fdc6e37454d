//! One batch of core records in, the same persons as derived records out.
//!
//! Applies the concept functions ([`crate::scope`], [`crate::labour_force_status`],
//! [`crate::place_of_birth`], [`crate::citizenship`], [`crate::sex`],
//! [`crate::education`], [`crate::economic_activity`], [`crate::occupation`],
//! [`crate::status_in_employment`], [`crate::country_detail`], then
//! [`crate::usual_residence`] and the migration concepts of the private `migration`
//! module) to every row of a core-record batch (`schema::core_record()`, contract §3)
//! and builds the matching
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
    Array, ArrayRef, AsArray, BooleanArray, BooleanBuilder, Decimal128Array, Float64Array,
    Int32Array, Int64Array, RecordBatch, StringArray, UInt8Builder,
};
use arrow::compute::cast;
use arrow::datatypes::{
    DataType, Decimal128Type, Field, Float64Type, Int32Type, Int64Type, Schema, SchemaRef,
};
use migstat_artefacts::schema::{self, core, Scope};
use migstat_artefacts::{Error, Result};

use crate::citizenship::citizenship;
use crate::codes::CodeBuilder;
use crate::country_detail::{country_of_birth, country_of_citizenship};
use crate::economic_activity::economic_activity;
use crate::education::education;
use crate::labour_force_status::{classify, LfItems, LfsStatus, RESIDUAL_RULE};
use crate::migration::{MigrationColumns, MigrationCounts, Person};
use crate::occupation::occupation;
use crate::place_of_birth::place_of_birth;
use crate::scope::scope;
use crate::sex::Sex;
use crate::status_in_employment::status_in_employment;
use crate::usual_residence::usual_residence;
use crate::{DeriveReport, Params};

/// Derives one batch of core records for a survey (`params`: its country, reference year
/// and `[concepts]`): the derived batch (same rows, same order) and the counts of this
/// batch.
pub fn derive_batch(batch: &RecordBatch, params: &Params) -> Result<(RecordBatch, DeriveReport)> {
    let (computed, report) = derive_computed(batch, params)?;
    let replicates = schema::replicates_in(&batch.schema());
    let derived_schema = schema::with_replicates(schema::derived_record(), replicates);
    let columns = derived_schema
        .fields()
        .iter()
        .map(|f| {
            if let Some(column) = computed.column_by_name(f.name()) {
                // Codes as text, as the derived record has them.
                return Ok(cast(column, f.data_type())?);
            }
            // Passed through: the core record's column as it is, of the same type.
            let column = batch.column_by_name(f.name()).ok_or_else(|| {
                Error::internal(format!("core record batch has no column {}", f.name()))
            })?;
            if column.data_type() != f.data_type() {
                return Err(Error::internal(format!(
                    "core record column {} has type {}, not {}",
                    f.name(),
                    column.data_type(),
                    f.data_type()
                )));
            }
            Ok(column.clone())
        })
        .collect::<Result<Vec<_>>>()?;
    Ok((RecordBatch::try_new(derived_schema, columns)?, report))
}

/// The derived record's columns other than those passed through
/// ([`schema::derived::PASSED_THROUGH`] and the replicate weights), in its order, its
/// codes as dictionary arrays (`Dictionary(UInt16, Utf8)`, [`crate::codes`]), for one
/// batch of core records, with the counts of this batch. The batch needs the core
/// columns the concepts read (`weight`, `age`, `source_row` and the items), not the
/// passed-through ones alone (`person_id`, `household_id`, `stratum`, `psu`, the
/// replicate weights): the derive stage copies those from file to file.
pub fn derive_computed(
    batch: &RecordBatch,
    params: &Params,
) -> Result<(RecordBatch, DeriveReport)> {
    let ref_area = params.ref_area.as_str();
    let c = CoreColumns::of(batch)?;
    let details = crate::country_detail::bundled()?;
    let n = batch.num_rows();
    let code_builder = || CodeBuilder::with_capacity(n);
    let mut sex_out = code_builder();
    let mut scope_out = code_builder();
    let mut in_scope_out = BooleanBuilder::with_capacity(n);
    let mut lfs_out = code_builder();
    let mut rule_out = UInt8Builder::with_capacity(n);
    let mut cbr_out = code_builder();
    let mut cct_out = code_builder();
    let mut edu_out = code_builder();
    let mut eco_out = code_builder();
    let mut ocu_out = code_builder();
    let mut ste_out = code_builder();
    let mut cbr_country_out = code_builder();
    let mut cct_country_out = code_builder();
    let mut counts = Counts::default();
    let mut migration = MigrationColumns::with_capacity(n);

    for i in 0..n {
        let sex = Sex::parse(c.sex.value(i)).ok_or_else(|| c.bad(i, core::SEX, c.sex.value(i)))?;
        // Usual residence first: the scope of the stock tables reads it.
        let residence = usual_residence(
            params.concepts.residence_rule,
            flag(c.usual_resident, i) != Some(false),
            float(c.months_present_12m, i),
            float(c.intended_stay_months, i),
        );
        let scope = scope(
            Some(residence.is_resident()),
            c.weight.value(i),
            int(c.age, i),
        );
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
        // The classifications of the extensions: ingest let only their codes through.
        let classified = |column: &str, array: &StringArray, code: Option<&'static str>| {
            code.ok_or_else(|| c.bad(i, column, text(array, i).unwrap_or_default()))
        };
        let edu = education(text(c.education, i))
            .ok_or_else(|| c.bad(i, core::EDUCATION, text(c.education, i).unwrap_or_default()))?;
        let eco = classified(
            core::ECONOMIC_ACTIVITY,
            c.economic_activity,
            economic_activity(status, text(c.economic_activity, i)),
        )?;
        let ocu = classified(
            core::OCCUPATION,
            c.occupation,
            occupation(status, text(c.occupation, i)),
        )?;
        let ste = classified(
            core::STATUS_IN_EMPLOYMENT,
            c.status_in_employment,
            status_in_employment(status, text(c.status_in_employment, i)),
        )?;
        let cbr_country =
            country_of_birth(cbr, text(c.country_of_birth, i), details).ok_or_else(|| {
                let value = text(c.country_of_birth, i).unwrap_or_default();
                c.bad(i, core::COUNTRY_OF_BIRTH, value)
            })?;
        let cct_country =
            country_of_citizenship(cct, text(c.citizenship, i), details).ok_or_else(|| {
                c.bad(
                    i,
                    core::CITIZENSHIP,
                    text(c.citizenship, i).unwrap_or_default(),
                )
            })?;

        sex_out.append(sex.code());
        scope_out.append(scope.code());
        in_scope_out.append_value(scope == Scope::InScope);
        lfs_out.append(status.code());
        rule_out.append_value(rule);
        cbr_out.append(cbr.code());
        cct_out.append(cct.code());
        edu_out.append(edu.code());
        eco_out.append(eco);
        ocu_out.append(ocu);
        ste_out.append(ste);
        cbr_country_out.append(cbr_country);
        cct_country_out.append(cct_country);
        counts.add(scope, rule, rule == RESIDUAL_RULE && items.none_answered());
        migration.push(
            &Person {
                residence,
                in_scope: scope == Scope::InScope,
                weight: c.weight.value(i),
                age: int(c.age, i),
                lfs: status,
                cbr,
                cct,
                present_in_country: flag(c.present_in_country, i),
                works_for_resident_unit: flag(c.works_for_resident_unit, i),
                seeking_work_in_country: flag(c.seeking_work_in_country, i),
                nonresident_worker_type: crate::stated(text(c.nonresident_worker_type, i)),
                years_of_residence: int(c.years_of_residence, i),
                year_of_arrival: int(c.year_of_arrival, i),
                reason_for_migration: crate::stated(text(c.reason_for_migration, i)),
                previous_country_of_residence: crate::stated(text(
                    c.previous_country_of_residence,
                    i,
                )),
                year_of_return: int(c.year_of_return, i),
                labour_status_abroad: crate::stated(text(c.labour_status_abroad, i)),
            },
            params,
        );
    }
    let (migration_columns, migration_counts) = migration.finish();

    let mut columns: Vec<ArrayRef> = vec![
        sex_out.finish(),
        scope_out.finish(),
        Arc::new(in_scope_out.finish()),
        lfs_out.finish(),
        Arc::new(rule_out.finish()),
        cbr_out.finish(),
        cct_out.finish(),
        edu_out.finish(),
        eco_out.finish(),
        ocu_out.finish(),
        ste_out.finish(),
        cbr_country_out.finish(),
        cct_country_out.finish(),
    ];
    columns.extend(migration_columns);
    let computed = RecordBatch::try_new(computed_schema(), columns)?;
    Ok((computed, counts.into_report(n as u64, migration_counts)))
}

/// The derived record without the passed-through columns, its text columns (all codes)
/// as dictionaries with `u16` keys ([`crate::codes`]).
fn computed_schema() -> SchemaRef {
    let derived = schema::derived_record();
    let fields: Vec<Field> = derived
        .fields()
        .iter()
        .filter(|f| !schema::derived::PASSED_THROUGH.contains(&f.name().as_str()))
        .map(|f| match f.data_type() {
            DataType::Utf8 => f.as_ref().clone().with_data_type(crate::codes::code_type()),
            _ => f.as_ref().clone(),
        })
        .collect();
    Arc::new(Schema::new(fields))
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

    fn into_report(self, rows: u64, migration: MigrationCounts) -> DeriveReport {
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
            migration: migration.into_map(),
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
    person_id: Option<&'a StringArray>,
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
    year_of_arrival: &'a Int32Array,
    reason_for_migration: &'a StringArray,
    months_present_12m: &'a Float64Array,
    intended_stay_months: &'a Float64Array,
    present_in_country: &'a BooleanArray,
    works_for_resident_unit: &'a BooleanArray,
    seeking_work_in_country: &'a BooleanArray,
    nonresident_worker_type: &'a StringArray,
    years_of_residence: &'a Int32Array,
    previous_country_of_residence: &'a StringArray,
    year_of_return: &'a Int32Array,
    labour_status_abroad: &'a StringArray,
    education: &'a StringArray,
    economic_activity: &'a StringArray,
    occupation: &'a StringArray,
    status_in_employment: &'a StringArray,
    source_row: &'a Int64Array,
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
        // Integers (years) and decimals (months) of the migration items.
        let year = |name: &str| {
            get(name)?
                .as_primitive_opt::<Int32Type>()
                .ok_or_else(|| wrong(name))
        };
        let months = |name: &str| {
            get(name)?
                .as_primitive_opt::<Float64Type>()
                .ok_or_else(|| wrong(name))
        };
        let weight = |name: &str| {
            get(name)?
                .as_primitive_opt::<Decimal128Type>()
                .filter(|w| w.scale() == schema::WEIGHT_SCALE as i8)
                .ok_or_else(|| wrong(name))
        };
        Ok(CoreColumns {
            // Only named in a message (the derive stage copies it without reading it).
            person_id: match batch.column_by_name(core::PERSON_ID) {
                Some(_) => Some(text(core::PERSON_ID)?),
                None => None,
            },
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
            year_of_arrival: year(core::YEAR_OF_ARRIVAL)?,
            reason_for_migration: text(core::REASON_FOR_MIGRATION)?,
            months_present_12m: months(core::MONTHS_PRESENT_12M)?,
            intended_stay_months: months(core::INTENDED_STAY_MONTHS)?,
            present_in_country: flag(core::PRESENT_IN_COUNTRY)?,
            works_for_resident_unit: flag(core::WORKS_FOR_RESIDENT_UNIT)?,
            seeking_work_in_country: flag(core::SEEKING_WORK_IN_COUNTRY)?,
            nonresident_worker_type: text(core::NONRESIDENT_WORKER_TYPE)?,
            years_of_residence: year(core::YEARS_OF_RESIDENCE)?,
            previous_country_of_residence: text(core::PREVIOUS_COUNTRY_OF_RESIDENCE)?,
            year_of_return: year(core::YEAR_OF_RETURN)?,
            labour_status_abroad: text(core::LABOUR_STATUS_ABROAD)?,
            education: text(core::EDUCATION)?,
            economic_activity: text(core::ECONOMIC_ACTIVITY)?,
            occupation: text(core::OCCUPATION)?,
            status_in_employment: text(core::STATUS_IN_EMPLOYMENT)?,
            source_row: get(core::SOURCE_ROW)?
                .as_primitive_opt::<Int64Type>()
                .ok_or_else(|| wrong(core::SOURCE_ROW))?,
        })
    }

    /// A value ingest should have rejected, in row `i` of this batch.
    fn bad(&self, i: usize, column: &str, value: &str) -> Error {
        let person = match self.person_id {
            Some(ids) => format!("of person {:?} ", ids.value(i)),
            None => String::new(),
        };
        Error::internal(format!(
            "core record {person}(input row {}): column {column} holds {value:?}, \
             which the core contract (section 3) does not allow and ingest should have rejected",
            self.source_row.value(i),
        ))
    }
}

/// A nullable Boolean: `None` = not stated.
fn flag(a: &BooleanArray, i: usize) -> Option<bool> {
    a.is_valid(i).then(|| a.value(i))
}

/// A nullable Float64: `None` = not stated.
fn float(a: &Float64Array, i: usize) -> Option<f64> {
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
