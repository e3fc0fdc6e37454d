//! The migration columns of the derived record, row by row: the concepts of
//! [`crate::usual_residence`], [`crate::migrant_workers`],
//! [`crate::duration_of_residence`] and [`crate::return_migration`] applied to one person,
//! and their counts for the manifest.
//!
//! [`crate::record`] decides usual residence first (the scope of the stock tables depends
//! on it), then hands each person to [`MigrationColumns::push`]; the columns come out in
//! the order of `schema::derived_record()`, from `usual_resident` to
//! `return_migrant_worker`.

use std::collections::BTreeMap;
use std::sync::Arc;

use arrow::array::{ArrayRef, BooleanBuilder, Int32Builder};

use crate::codes::CodeBuilder;
use migstat_artefacts::schema::derived;

use crate::citizenship::Citizenship;
use crate::duration_of_residence as duration;
use crate::labour_force_status::LfsStatus;
use crate::migrant_workers as workers;
use crate::place_of_birth::PlaceOfBirth;
use crate::return_migration as returns;
use crate::usual_residence::ResidenceBasis;
use crate::Params;

/// One person, as the migration concepts need them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Person<'a> {
    /// What decided usual residence.
    pub residence: ResidenceBasis,
    /// In scope of the stock tables (after the residence rule).
    pub in_scope: bool,
    /// Weight in Decimal128 units.
    pub weight: i128,
    /// Completed years, `None` = not stated.
    pub age: Option<i32>,
    /// Labour force status.
    pub lfs: LfsStatus,
    /// Place of birth.
    pub cbr: PlaceOfBirth,
    /// Citizenship.
    pub cct: Citizenship,
    /// The core record's migration items.
    pub present_in_country: Option<bool>,
    /// See `core::WORKS_FOR_RESIDENT_UNIT`.
    pub works_for_resident_unit: Option<bool>,
    /// See `core::SEEKING_WORK_IN_COUNTRY`.
    pub seeking_work_in_country: Option<bool>,
    /// See `core::NONRESIDENT_WORKER_TYPE`.
    pub nonresident_worker_type: Option<&'a str>,
    /// See `core::YEARS_OF_RESIDENCE`.
    pub years_of_residence: Option<i32>,
    /// See `core::YEAR_OF_ARRIVAL`.
    pub year_of_arrival: Option<i32>,
    /// See `core::REASON_FOR_MIGRATION`.
    pub reason_for_migration: Option<&'a str>,
    /// See `core::PREVIOUS_COUNTRY_OF_RESIDENCE`.
    pub previous_country_of_residence: Option<&'a str>,
    /// See `core::YEAR_OF_RETURN`.
    pub year_of_return: Option<i32>,
    /// See `core::LABOUR_STATUS_ABROAD`.
    pub labour_status_abroad: Option<&'a str>,
}

/// The builders of the migration columns of one batch.
pub(crate) struct MigrationColumns {
    usual_resident: BooleanBuilder,
    residence_basis: CodeBuilder,
    residence_status: CodeBuilder,
    nonresident_foreign_worker: BooleanBuilder,
    nonresident_worker_type: CodeBuilder,
    imw_cbr: BooleanBuilder,
    imw_cct: BooleanBuilder,
    years_since_arrival: Int32Builder,
    duration_approximate: BooleanBuilder,
    residence_duration: CodeBuilder,
    migration_reason: CodeBuilder,
    recent_immigrant: BooleanBuilder,
    recent_for_work_immigrant: BooleanBuilder,
    years_since_return: Int32Builder,
    return_migrant: BooleanBuilder,
    return_migrant_worker: BooleanBuilder,
    counts: MigrationCounts,
}

/// What [`MigrationColumns`] counted, by the names of [`MigrationCounts::names`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct MigrationCounts {
    by_basis: [u64; ResidenceBasis::ALL.len()],
    /// Persons in each population (a `true`), in the order of `derived::POPULATIONS`
    /// after `in_scope`.
    in_population: [u64; 7],
    /// Persons with a duration of residence from the year alone / reported.
    approximate: u64,
    reported: u64,
}

impl MigrationCounts {
    /// The counts as `residence_basis.<CODE>`, `population.<column>`,
    /// `duration.approximate` and `duration.reported`, every one listed.
    pub fn into_map(self) -> BTreeMap<String, u64> {
        let mut out = BTreeMap::new();
        for (basis, n) in ResidenceBasis::ALL.iter().zip(self.by_basis) {
            out.insert(format!("residence_basis.{}", basis.code()), n);
        }
        for (population, n) in derived::POPULATIONS[1..].iter().zip(self.in_population) {
            out.insert(format!("population.{population}"), n);
        }
        out.insert("duration.approximate".into(), self.approximate);
        out.insert("duration.reported".into(), self.reported);
        out
    }
}

impl MigrationColumns {
    /// Builders for `n` rows.
    pub fn with_capacity(n: usize) -> Self {
        let code = || CodeBuilder::with_capacity(n);
        MigrationColumns {
            usual_resident: BooleanBuilder::with_capacity(n),
            residence_basis: code(),
            residence_status: code(),
            nonresident_foreign_worker: BooleanBuilder::with_capacity(n),
            nonresident_worker_type: code(),
            imw_cbr: BooleanBuilder::with_capacity(n),
            imw_cct: BooleanBuilder::with_capacity(n),
            years_since_arrival: Int32Builder::with_capacity(n),
            duration_approximate: BooleanBuilder::with_capacity(n),
            residence_duration: code(),
            migration_reason: code(),
            recent_immigrant: BooleanBuilder::with_capacity(n),
            recent_for_work_immigrant: BooleanBuilder::with_capacity(n),
            years_since_return: Int32Builder::with_capacity(n),
            return_migrant: BooleanBuilder::with_capacity(n),
            return_migrant_worker: BooleanBuilder::with_capacity(n),
            counts: MigrationCounts::default(),
        }
    }

    /// Derives and appends one person.
    pub fn push(&mut self, p: &Person<'_>, params: &Params) {
        let resident = p.residence.is_resident();
        let nrfw = workers::nonresident_foreign_worker(
            resident,
            p.weight,
            p.age,
            p.present_in_country,
            p.works_for_resident_unit,
            p.seeking_work_in_country,
        );
        let imw = |migrant| {
            workers::international_migrant_worker(p.in_scope, migrant, p.lfs, resident, nrfw)
        };
        let imw_cbr = imw(p.cbr == PlaceOfBirth::Foreign);
        let imw_cct = imw(p.cct == Citizenship::NonCitizen);
        let arrival = duration::years_since_arrival(
            p.years_of_residence,
            p.year_of_arrival,
            params.reference_year,
        );
        let years = arrival.map(|(y, _)| y);
        let recent = duration::recent_immigrant(p.in_scope, years, params.concepts.recent_years);
        let recent_for_work = duration::recent_for_work_immigrant(recent, p.reason_for_migration);
        let since_return =
            returns::years_since_return(p.year_of_return, years, params.reference_year);
        let returned = returns::return_migrant(
            p.in_scope,
            returns::is_national(p.cct, p.cbr),
            p.previous_country_of_residence,
            &params.ref_area,
            since_return,
            params.concepts.return_lookback_years,
        );
        let returned_worker = returns::return_migrant_worker(returned, p.labour_status_abroad);

        self.usual_resident.append_value(resident);
        self.residence_basis.append(p.residence.code());
        self.residence_status
            .append(workers::residence_status(resident));
        self.nonresident_foreign_worker.append_option(nrfw);
        self.nonresident_worker_type
            .append(workers::worker_type(nrfw, p.nonresident_worker_type));
        self.imw_cbr.append_option(imw_cbr);
        self.imw_cct.append_option(imw_cct);
        self.years_since_arrival.append_option(years);
        self.duration_approximate
            .append_option(arrival.map(|(_, approximate)| approximate));
        self.residence_duration
            .append(duration::duration_band(years, p.cbr));
        self.migration_reason.append(duration::reason_code(
            p.reason_for_migration,
            arrival.is_some(),
            p.cbr,
        ));
        self.recent_immigrant.append_option(recent);
        self.recent_for_work_immigrant
            .append_option(recent_for_work);
        self.years_since_return.append_option(since_return);
        self.return_migrant.append_option(returned);
        self.return_migrant_worker.append_option(returned_worker);

        let c = &mut self.counts;
        let basis = ResidenceBasis::ALL
            .iter()
            .position(|b| *b == p.residence)
            .expect("every basis is in ResidenceBasis::ALL");
        c.by_basis[basis] += 1;
        let populations = [
            nrfw,
            imw_cbr,
            imw_cct,
            recent,
            recent_for_work,
            returned,
            returned_worker,
        ];
        for (n, member) in c.in_population.iter_mut().zip(populations) {
            *n += u64::from(member == Some(true));
        }
        match arrival {
            Some((_, true)) => c.approximate += 1,
            Some((_, false)) => c.reported += 1,
            None => {}
        }
    }

    /// The columns, in derived-record order, and the counts.
    pub fn finish(mut self) -> (Vec<ArrayRef>, MigrationCounts) {
        let columns: Vec<ArrayRef> = vec![
            Arc::new(self.usual_resident.finish()),
            self.residence_basis.finish(),
            self.residence_status.finish(),
            Arc::new(self.nonresident_foreign_worker.finish()),
            self.nonresident_worker_type.finish(),
            Arc::new(self.imw_cbr.finish()),
            Arc::new(self.imw_cct.finish()),
            Arc::new(self.years_since_arrival.finish()),
            Arc::new(self.duration_approximate.finish()),
            self.residence_duration.finish(),
            self.migration_reason.finish(),
            Arc::new(self.recent_immigrant.finish()),
            Arc::new(self.recent_for_work_immigrant.finish()),
            Arc::new(self.years_since_return.finish()),
            Arc::new(self.return_migrant.finish()),
            Arc::new(self.return_migrant_worker.finish()),
        ];
        (columns, self.counts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{Array, AsArray};
    use migstat_artefacts::schema;

    #[test]
    fn the_columns_follow_the_derived_schema_from_usual_resident_on() {
        let (columns, _) = MigrationColumns::with_capacity(0).finish();
        let schema = schema::derived_record();
        let first = schema.index_of(derived::USUAL_RESIDENT).unwrap();
        for (k, column) in columns.iter().enumerate() {
            let field = schema.field(first + k);
            let expected = match field.data_type() {
                arrow::datatypes::DataType::Utf8 => crate::codes::code_type(),
                other => other.clone(),
            };
            assert_eq!(column.data_type(), &expected, "{}", field.name());
        }
        assert_eq!(
            schema.field(first + columns.len() - 1).name(),
            derived::RETURN_MIGRANT_WORKER
        );
        assert_eq!(derived::POPULATIONS.len(), 1 + 7);
    }

    #[test]
    fn a_returning_national_worker_is_counted_in_both_return_populations() {
        let params = Params::new("PHL", 2024);
        let mut m = MigrationColumns::with_capacity(1);
        m.push(
            &Person {
                residence: ResidenceBasis::Roster,
                in_scope: true,
                weight: 1,
                age: Some(40),
                lfs: LfsStatus::Employed,
                cbr: PlaceOfBirth::Native,
                cct: Citizenship::Citizen,
                present_in_country: None,
                works_for_resident_unit: None,
                seeking_work_in_country: None,
                nonresident_worker_type: None,
                years_of_residence: None,
                year_of_arrival: Some(2021),
                reason_for_migration: Some("FAMILY"),
                previous_country_of_residence: Some("SAU"),
                year_of_return: None,
                labour_status_abroad: Some("EMP"),
            },
            &params,
        );
        let (columns, counts) = m.finish();
        let counts = counts.into_map();
        assert_eq!(counts["population.return_migrant"], 1);
        assert_eq!(counts["population.return_migrant_worker"], 1);
        assert_eq!(counts["population.recent_immigrant"], 1);
        assert_eq!(counts["population.recent_for_work_immigrant"], 0);
        assert_eq!(counts["population.nonresident_foreign_worker"], 0);
        assert_eq!(counts["residence_basis.ROSTER"], 1);
        assert_eq!(counts["duration.approximate"], 1);
        // Group (b) is not measured for a resident.
        assert!(columns[3].is_null(0));
        let duration = arrow::compute::cast(&columns[9], &arrow::datatypes::DataType::Utf8);
        assert_eq!(
            duration.unwrap().as_string::<i32>().value(0),
            "DRS_YRS_Y1-4"
        );
    }
}
