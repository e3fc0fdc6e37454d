//! International migrant workers: resident (group a) and non-resident foreign workers
//! (group b), and the kind of non-resident foreign worker.
//!
//! **Rules** (icls-concepts.md §1.4, operational rule):
//! ```text
//! resident_IMW_cbr  = usual_res & age>=wap_min & mig_cbr==FOREIGN & lfs∈{EMP,UNE}
//! resident_IMW_cct  = usual_res & age>=wap_min & mig_cct==NONCIT  & lfs∈{EMP,UNE}
//! nonresident_FW    = !usual_res & present & (employed_for_resident_unit | seeking_work_here)
//! IMW_total         = resident_IMW_x + nonresident_FW   (publish both components separately)
//! ```
//! - [`nonresident_foreign_worker`]: a person who is not a usual resident (after
//!   [`crate::usual_residence`]), present in the country (`present_in_country`), of
//!   working age (15+, age stated) with a weight above 0, and employed by a resident
//!   producer unit (`works_for_resident_unit = Y`) or seeking work in the country
//!   (`seeking_work_in_country = Y`). `None` (not measured) for usual residents and for a
//!   non-resident whose labour attachment cannot be told (neither item `Y`, one not
//!   stated): group (b) is measured only where a source asks it, and a dataflow that
//!   `requires` it is published only then.
//! - [`international_migrant_worker`]: in scope of the stock tables (usual resident,
//!   15+, weight > 0), a migrant on the axis (foreign-born, or non-citizen) and in the
//!   labour force (`EMP` or `UNE`); or a non-resident foreign worker. The two components
//!   are told apart by `residence_status` ([`residence_status`]).
//! - [`worker_type`]: the kind of a non-resident foreign worker (`NRT_TYPE_*`, `X` not
//!   stated), `_Z` for everyone else.
//!
//! **Sources.** icls-concepts.md §1.4 (ILO glossary, *International migrant workers*:
//! 20th ICLS (2018) *Guidelines concerning statistics of international labour
//! migration*: "all persons of working age present in the country" who are usual
//! residents in the labour force and international migrants, or non-residents
//! "employed by resident producer units, or seeking work in the country"; current labour
//! attachment "irrespective of the initial purpose of migration"); §1.10 (non-resident
//! seasonal, frontier and project-tied workers: OUT of the resident stocks, IN group b;
//! foreign diplomats and military: OUT of both, as they are not employed by resident
//! units); the kinds follow the 1990 UN Migrant Workers Convention, art. 2 \[K\], whether
//! the Guidelines list exactly these is UNCONFIRMED.
//!
//! **Extension:** a non-resident whose `present_in_country` is not stated counts as
//! present: a household survey or census enumerates a non-resident only where it finds
//! them. **Extension:** the operational rule has no citizenship test, so a non-resident
//! citizen working here (e.g. living abroad, a seasonal job here) is in group (b); the
//! "foreign" of "non-resident foreign worker" is read as foreign residence.

use crate::labour_force_status::LfsStatus;
use crate::scope::WORKING_AGE_MIN;

/// Constructed CL_RES codes (schemas/dsd/MIGSTAT_constructed_codelists.toml).
pub const RESIDENT: &str = "RES_STATUS_RESIDENT";
/// See [`RESIDENT`].
pub const NONRESIDENT: &str = "RES_STATUS_NONRESIDENT";

/// The `residence_status` code of a usual resident or not.
pub fn residence_status(usual_resident: bool) -> &'static str {
    if usual_resident {
        RESIDENT
    } else {
        NONRESIDENT
    }
}

/// Whether a person is a non-resident foreign worker (group b); `None` = not measured.
///
/// `weight` is in Decimal128 units (only its sign matters), `age` in completed years.
pub fn nonresident_foreign_worker(
    usual_resident: bool,
    weight: i128,
    age: Option<i32>,
    present: Option<bool>,
    works_for_resident_unit: Option<bool>,
    seeking_work_in_country: Option<bool>,
) -> Option<bool> {
    if usual_resident {
        return None;
    }
    let attached = match (works_for_resident_unit, seeking_work_in_country) {
        (Some(true), _) | (_, Some(true)) => true,
        (Some(false), Some(false)) => false,
        _ => return None,
    };
    let working_age = age.is_some_and(|a| a >= WORKING_AGE_MIN);
    Some(attached && present != Some(false) && weight > 0 && working_age)
}

/// Whether a person is an international migrant worker on one axis (`migrant`: foreign-
/// born, or non-citizen); `None` where the person is a non-resident whose group (b)
/// membership is not measured.
pub fn international_migrant_worker(
    in_scope: bool,
    migrant: bool,
    lfs: LfsStatus,
    usual_resident: bool,
    nonresident_foreign_worker: Option<bool>,
) -> Option<bool> {
    if usual_resident {
        let in_labour_force = matches!(lfs, LfsStatus::Employed | LfsStatus::Unemployed);
        Some(in_scope && migrant && in_labour_force)
    } else {
        nonresident_foreign_worker
    }
}

/// The constructed CL_NRT code of a non-resident foreign worker's kind
/// (`nonresident_worker_type` of the core record); `_Z` for anyone else.
pub fn worker_type(nonresident_foreign_worker: Option<bool>, kind: Option<&str>) -> &'static str {
    if nonresident_foreign_worker != Some(true) {
        return migstat_artefacts::schema::derived::NOT_APPLICABLE;
    }
    match kind {
        Some("FRONTIER") => "NRT_TYPE_FRONTIER",
        Some("SEASONAL") => "NRT_TYPE_SEASONAL",
        Some("SEAFARER") => "NRT_TYPE_SEAFARER",
        Some("ITINERANT") => "NRT_TYPE_ITINERANT",
        Some("PROJECT_TIED") => "NRT_TYPE_PROJECT",
        Some("SPECIFIED_EMPLOYMENT") => "NRT_TYPE_SPECIFIED",
        Some("SELF_EMPLOYED") => "NRT_TYPE_SELFEMP",
        // Not stated (ingest admits no other code).
        _ => "NRT_TYPE_X",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use LfsStatus::{Employed as EMP, OutsideLabourForce as OLF, Unemployed as UNE};

    const W: i128 = 55_000_000_000;
    const Y: Option<bool> = Some(true);
    const N: Option<bool> = Some(false);

    #[test]
    fn a_seasonal_worker_employed_here_is_a_nonresident_foreign_worker() {
        // Worked example person 11 (icls-concepts.md §5): not a usual resident, employed.
        assert_eq!(
            nonresident_foreign_worker(false, W, Some(28), Y, Y, None),
            Some(true)
        );
        // Seeking work here is enough too.
        assert_eq!(
            nonresident_foreign_worker(false, W, Some(28), Y, N, Y),
            Some(true)
        );
    }

    #[test]
    fn group_b_is_not_measured_for_residents_or_without_the_items() {
        assert_eq!(nonresident_foreign_worker(true, W, Some(28), Y, Y, Y), None);
        assert_eq!(
            nonresident_foreign_worker(false, W, Some(28), Y, None, None),
            None
        );
        assert_eq!(
            nonresident_foreign_worker(false, W, Some(28), Y, N, None),
            None
        );
    }

    #[test]
    fn a_visitor_or_a_diplomat_without_a_resident_employer_is_not_one() {
        // Tourists and foreign diplomats: not employed by a resident producer unit, not
        // seeking work here (icls-concepts.md §1.10).
        assert_eq!(
            nonresident_foreign_worker(false, W, Some(40), Y, N, N),
            Some(false)
        );
    }

    #[test]
    fn absence_age_and_weight_count_and_presence_not_stated_is_presence() {
        assert_eq!(
            nonresident_foreign_worker(false, W, Some(28), N, Y, N),
            Some(false)
        );
        assert_eq!(
            nonresident_foreign_worker(false, W, Some(28), None, Y, N),
            Some(true)
        );
        assert_eq!(
            nonresident_foreign_worker(false, W, Some(14), Y, Y, N),
            Some(false)
        );
        assert_eq!(
            nonresident_foreign_worker(false, W, Some(15), Y, Y, N),
            Some(true)
        );
        assert_eq!(
            nonresident_foreign_worker(false, W, None, Y, Y, N),
            Some(false)
        );
        assert_eq!(
            nonresident_foreign_worker(false, 0, Some(30), Y, Y, N),
            Some(false)
        );
    }

    #[test]
    fn resident_migrant_workers_are_migrants_in_the_labour_force() {
        // Worked example: persons 2 (EMP) and 3 (UNE), foreign-born residents.
        assert_eq!(
            international_migrant_worker(true, true, EMP, true, None),
            Some(true)
        );
        assert_eq!(
            international_migrant_worker(true, true, UNE, true, None),
            Some(true)
        );
        // Outside the labour force, native, or out of scope: no.
        assert_eq!(
            international_migrant_worker(true, true, OLF, true, None),
            Some(false)
        );
        assert_eq!(
            international_migrant_worker(true, false, EMP, true, None),
            Some(false)
        );
        assert_eq!(
            international_migrant_worker(false, true, EMP, true, None),
            Some(false)
        );
    }

    #[test]
    fn non_residents_are_migrant_workers_exactly_when_in_group_b() {
        for nrfw in [Some(true), Some(false), None] {
            assert_eq!(
                international_migrant_worker(false, true, EMP, false, nrfw),
                nrfw
            );
        }
    }

    #[test]
    fn kinds_are_coded_for_group_b_only() {
        assert_eq!(
            worker_type(Some(true), Some("SEASONAL")),
            "NRT_TYPE_SEASONAL"
        );
        assert_eq!(
            worker_type(Some(true), Some("PROJECT_TIED")),
            "NRT_TYPE_PROJECT"
        );
        assert_eq!(
            worker_type(Some(true), Some("SELF_EMPLOYED")),
            "NRT_TYPE_SELFEMP"
        );
        assert_eq!(worker_type(Some(true), None), "NRT_TYPE_X");
        assert_eq!(worker_type(Some(false), Some("SEASONAL")), "_Z");
        assert_eq!(worker_type(None, Some("FRONTIER")), "_Z");
        assert_eq!(residence_status(true), "RES_STATUS_RESIDENT");
        assert_eq!(residence_status(false), "RES_STATUS_NONRESIDENT");
    }
}
