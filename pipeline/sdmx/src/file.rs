//! Validation of a data file as `migstat validate` does it: read the file in
//! whichever format it is, report what the reader could not accept, then
//! everything [`crate::validate()`] finds.

use std::collections::HashSet;
use std::io::BufRead;
use std::path::Path;

use crate::error::{Error, Result};
use crate::model::StructureSet;
use crate::read::data::read_lenient;
use crate::validate::{validate, Problem};

/// Reads the data file at `path` (SDMX-ML 2.1 StructureSpecificData or
/// GenericData, SDMX-ML 3.0 StructureSpecificData, SDMX-CSV 1.0 or 2.0,
/// detected from the content) and returns every problem found, one
/// [`Problem`] per issue; an empty list means the file is valid.
///
/// Reading problems come first, each message starting with `line N:`:
/// malformed XML (reading stops there), missing header elements (`ID`,
/// `Prepared`, `Sender`, `Structure`), a `structureRef` that matches no
/// `structureID`, a `namespace` that is not the referenced structure's, a
/// StructureSpecific data set without `xsi:type`, an unknown DSD or
/// dataflow (reading stops there), a non-numeric `OBS_VALUE`, a CSV row with
/// the wrong number of fields, an unknown CSV column, …. Then come the
/// problems [`validate()`] reports for the message read against its DSD
/// (codes, duplicate keys, attachment levels, time periods, units, text
/// lengths, missing values, unknown components, missing dimensions). A
/// problem the reader already reported for an observation or component is
/// not repeated, and SDMX-CSV files (which have no header) are not checked
/// for header content.
///
/// Fails only when the file cannot be opened or read ([`Error::File`]).
pub fn validate_file(path: &Path, structures: &StructureSet) -> Result<Vec<Problem>> {
    let wrap = |e: Error| Error::File {
        path: path.to_path_buf(),
        source: Box::new(e),
    };
    let file = std::fs::File::open(path).map_err(|e| wrap(e.into()))?;
    validate_reader(std::io::BufReader::new(file), structures).map_err(wrap)
}

/// [`validate_file`] on any reader (standard input, a buffer, …).
pub fn validate_reader<R: BufRead>(reader: R, structures: &StructureSet) -> Result<Vec<Problem>> {
    let outcome = read_lenient(reader, structures)?;
    let mut problems: Vec<Problem> = outcome.issues.iter().map(|i| i.to_problem()).collect();
    let reported: HashSet<(String, String)> = outcome
        .issues
        .iter()
        .filter(|i| !i.series_key.is_empty())
        .map(|i| (i.series_key.clone(), i.component.clone()))
        .collect();
    let csv = outcome.format.is_some_and(|f| f.is_csv());
    if let (Some(message), Some(dsd)) = (&outcome.message, outcome.dsd) {
        for p in validate(message, dsd, structures) {
            if reported.contains(&(p.series_key.clone(), p.component.clone())) {
                continue;
            }
            if p.component == "header" {
                // No header in CSV; a header element the reader found
                // missing is not reported again as empty.
                let element = p.message.split(' ').next().unwrap_or_default();
                let missing = format!("message:{element} is missing");
                if csv || outcome.issues.iter().any(|i| i.message.contains(&missing)) {
                    continue;
                }
            }
            problems.push(p);
        }
    }
    Ok(problems)
}
