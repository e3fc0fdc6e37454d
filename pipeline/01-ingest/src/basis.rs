//! `[survey] labour_status_basis`: what the declared basis of the labour force status
//! needs of the file's columns.
//!
//! With `main_activity` (a census that asks a single "main activity" question,
//! icls-concepts.md §2.4) the status comes from that one answer, coded `EMP`, `UNE` or
//! `OLF` by the producer in `lfs_status`: the file must have that column
//! (`column.main_activity_status`). The question items, if the file has them too, are
//! read as usual (contract §4: a row with an empty `lfs_status` is derived from them).

use migstat_artefacts::config::{Config, LabourStatusBasis};
use migstat_artefacts::rejects::Reject;
use migstat_artefacts::schema::core;

use crate::columns::COLUMNS;
use crate::rules;
use crate::source::{file_reject, Header};

/// The reject of a file whose columns cannot carry the config's labour status basis.
pub(crate) fn check(config: &Config, header: &Header, file: &str) -> Option<Reject> {
    let lfs_status = COLUMNS
        .iter()
        .position(|c| c.name == core::LFS_STATUS)
        .expect("lfs_status is a core column");
    let has_status = header.positions[lfs_status].is_some();
    (config.survey.labour_status_basis == LabourStatusBasis::MainActivity && !has_status).then(
        || {
            file_reject(
                file,
                core::LFS_STATUS,
                "",
                rules::COLUMN_MAIN_ACTIVITY_STATUS,
                "[survey] labour_status_basis = \"main_activity\": the answer to the \
                 main-activity question must be in an lfs_status column (EMP, UNE, OLF), \
                 and the file has none"
                    .into(),
            )
        },
    )
}
