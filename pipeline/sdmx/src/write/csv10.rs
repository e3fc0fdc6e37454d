//! SDMX-CSV 1.0 (the format of SDMX-REST 1.x, `application/vnd.sdmx.data+csv;version=1.0.0`)
//! and SDMX-CSV 2.0 (SDMX 3.0, `…;version=2.0.0`), which differs only in
//! its leading columns `STRUCTURE,STRUCTURE_ID,ACTION` (sample `csv20.csv`).
//!
//! Layout, as ILOSTAT serves it and as the sample `csv10.csv` shows:
//!
//! * header `DATAFLOW`, every dimension in DSD order with the time dimension
//!   at its position (last in ILO DSDs), the primary measure, then **every**
//!   attribute of the DSD in DSD order;
//! * one row per observation; series attributes are repeated on each row,
//!   unset attributes are empty fields, a missing value is an empty field;
//! * the `DATAFLOW` field is `AGENCY:ID(VERSION)` of the dataflow;
//! * `,` separator, `\n` line ends (the sample's), a final line end;
//! * RFC 4180 quoting: a field containing `,`, `"`, `\r` or `\n` is
//!   enclosed in `"` and its `"` doubled.

use std::borrow::Cow;
use std::io::{BufWriter, Write};

use super::{format_double, plan_observation, plan_series};
use crate::data::{Action, DataMessage, StructureKind};
use crate::error::{Error, Result};
use crate::model::{DataStructure, Dataflow};

/// Writes `message` as SDMX-CSV 1.0 for `dataflow`, whose DSD is `dsd`.
///
/// Refuses (writing nothing) when the dataflow does not use `dsd`, when the
/// data set names another dataflow or DSD, or on any of the checks of
/// [`super::write_structure_specific_21`] (unknown components, attributes at
/// the wrong attachment level, non-finite values).
pub fn write_csv_10<W: Write>(
    w: W,
    message: &DataMessage,
    dsd: &DataStructure,
    dataflow: &Dataflow,
) -> Result<()> {
    write_csv(w, message, dsd, dataflow, Flavour::V10)
}

/// Writes `message` as SDMX-CSV 2.0 (SDMX 3.0) for `dataflow`, whose DSD is
/// `dsd`; the sample `csv20.csv` is reproduced byte for byte.
///
/// The columns are those of [`write_csv_10`] with `DATAFLOW` replaced by
/// three: `STRUCTURE` (always `dataflow`), `STRUCTURE_ID`
/// (`AGENCY:ID(VERSION)` of the dataflow) and `ACTION` (`R`, `A`, `D` or
/// `I` for the data set's [`Action`]). The checks are those of
/// [`write_csv_10`].
pub fn write_csv_20<W: Write>(
    w: W,
    message: &DataMessage,
    dsd: &DataStructure,
    dataflow: &Dataflow,
) -> Result<()> {
    write_csv(w, message, dsd, dataflow, Flavour::V20)
}

/// The one-letter SDMX-CSV 2.0 spelling of an action.
fn action_letter(action: Action) -> &'static str {
    match action {
        Action::Replace => "R",
        Action::Append => "A",
        Action::Delete => "D",
        Action::Information => "I",
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Flavour {
    V10,
    V20,
}

fn write_csv<W: Write>(
    w: W,
    message: &DataMessage,
    dsd: &DataStructure,
    dataflow: &Dataflow,
    flavour: Flavour,
) -> Result<()> {
    check(message, dsd, dataflow)?;
    let mut out = BufWriter::new(w);

    // Dimension columns in DSD order, the time dimension at its position.
    let time = dsd.time_dimension.as_ref();
    let mut dim_columns: Vec<(u32, &str)> = dsd
        .dimensions
        .iter()
        .map(|d| (d.position, d.id.as_str()))
        .collect();
    let time_id = dsd.time_dimension_id();
    let time_position = time.map_or(u32::MAX, |t| t.position);
    dim_columns.push((time_position, time_id));
    dim_columns.sort_by_key(|(p, _)| *p); // stable: ties keep DSD order

    let mut header: Vec<&str> = match flavour {
        Flavour::V10 => vec!["DATAFLOW"],
        Flavour::V20 => vec!["STRUCTURE", "STRUCTURE_ID", "ACTION"],
    };
    header.extend(dim_columns.iter().map(|(_, id)| *id));
    header.push(&dsd.primary_measure.id);
    header.extend(dsd.attributes.iter().map(|a| a.id.as_str()));
    write_row(&mut out, header.iter().copied())?;

    let flow = dataflow.reference().to_string();
    let mut row: Vec<Cow<'_, str>> = Vec::with_capacity(header.len());
    for series in &message.dataset.series {
        let plan = plan_series(series, dsd)?;
        for obs in &series.observations {
            let obs_attrs = plan_observation(obs, dsd, &plan.key_string)?;
            row.clear();
            if flavour == Flavour::V20 {
                row.push(Cow::Borrowed("dataflow"));
            }
            row.push(Cow::Borrowed(flow.as_str()));
            if flavour == Flavour::V20 {
                row.push(Cow::Borrowed(action_letter(message.dataset.action)));
            }
            for (_, id) in &dim_columns {
                if *id == time_id {
                    row.push(Cow::Borrowed(obs.time_period.as_str()));
                } else {
                    let code = plan
                        .key
                        .iter()
                        .find(|(d, _)| d == id)
                        .map_or("", |(_, c)| *c);
                    row.push(Cow::Borrowed(code));
                }
            }
            row.push(
                obs.value
                    .map_or(Cow::Borrowed(""), |v| Cow::Owned(format_double(v))),
            );
            for a in &dsd.attributes {
                let value = plan
                    .attributes
                    .iter()
                    .chain(obs_attrs.iter())
                    .find(|(id, _)| *id == a.id)
                    .map_or("", |(_, v)| *v);
                row.push(Cow::Borrowed(value));
            }
            write_row(&mut out, row.iter().map(|c| c.as_ref()))?;
        }
    }
    out.flush()?;
    Ok(())
}

fn check(message: &DataMessage, dsd: &DataStructure, dataflow: &Dataflow) -> Result<()> {
    let s = &dataflow.structure;
    if s.agency_id != dsd.agency_id || s.id != dsd.id || s.version != dsd.version {
        return Err(Error::MissingStructure(format!(
            "dataflow {} uses DSD {s}, not {}",
            dataflow.reference(),
            dsd.reference()
        )));
    }
    let r = &message.dataset.structure;
    let matches = match r.kind {
        StructureKind::DataStructure => {
            r.agency_id == dsd.agency_id && r.id == dsd.id && r.version == dsd.version
        }
        StructureKind::Dataflow => {
            r.agency_id == dataflow.agency_id
                && r.id == dataflow.id
                && r.version == dataflow.version
        }
    };
    if !matches {
        return Err(Error::MissingStructure(format!(
            "the data set references {}:{}({}), which is neither dataflow {} nor its DSD",
            r.agency_id,
            r.id,
            r.version,
            dataflow.reference()
        )));
    }
    if let Some(id) = &message.dataset.dataflow_id {
        if *id != dataflow.id {
            return Err(Error::MissingStructure(format!(
                "the data set names dataflow {id}, but dataflow {} was given",
                dataflow.reference()
            )));
        }
    }
    for series in &message.dataset.series {
        let plan = plan_series(series, dsd)?;
        for obs in &series.observations {
            plan_observation(obs, dsd, &plan.key_string)?;
        }
    }
    Ok(())
}

/// Quotes a field per RFC 4180 when it needs it.
fn csv_field(value: &str) -> Cow<'_, str> {
    if value.contains([',', '"', '\n', '\r']) {
        Cow::Owned(format!("\"{}\"", value.replace('"', "\"\"")))
    } else {
        Cow::Borrowed(value)
    }
}

fn write_row<'a, W: Write>(out: &mut W, fields: impl Iterator<Item = &'a str>) -> Result<()> {
    for (i, field) in fields.enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        out.write_all(csv_field(field).as_bytes())?;
    }
    out.write_all(b"\n")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::csv_field;

    #[test]
    fn fields_are_quoted_only_when_rfc_4180_requires() {
        assert_eq!(
            csv_field("LFS - Labour Force Survey"),
            "LFS - Labour Force Survey"
        );
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
        assert_eq!(csv_field(""), "");
    }
}
