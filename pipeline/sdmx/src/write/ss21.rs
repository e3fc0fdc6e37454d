//! SDMX-ML 2.1 StructureSpecificData.
//!
//! The layout reproduces the hand-checked sample `ss_21.xml` byte for byte:
//!
//! * two-space indentation, `\n` line ends, a final newline;
//! * namespace declarations on the root one per line;
//! * the header's `message:Structure` start tag one attribute per line;
//! * `message:DataSet` and `Series` start tags wrapped greedily at 100
//!   columns, continuation lines indented four more spaces;
//! * one `Obs` per line, never wrapped (so a line is an observation).

use std::io::{BufWriter, Write};

use super::{format_double, plan_observation, plan_series, xml_text, xml_value};
use crate::data::{DataMessage, Header, StructureKind, StructureRef};
use crate::error::{Error, Result};
use crate::model::{DataStructure, ALL_DIMENSIONS};
use crate::ns;

/// Column at which `DataSet` and `Series` start tags wrap.
const WRAP: usize = 100;

/// The `structureID` of a message header: `AGENCY_ID_VERSION`, with every
/// character that may not appear in an XML `NCName` (including `.`) replaced
/// by `_`, and a leading `_` added when the result would not start with a
/// letter or `_`. Example: `ILO_MST_TEAP_SEX_AGE_CBR_NB_1_0`.
pub fn structure_id(r: &StructureRef) -> String {
    let raw = format!("{}_{}_{}", r.agency_id, r.id, r.version);
    let mut out: String = raw
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if !out.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        out.insert(0, '_');
    }
    out
}

/// The DSD-specific namespace of a structure-specific message:
/// `urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure=AGENCY:ID(VERSION):ObsLevelDim:DIM`
/// (or `…Dataflow=…` for a dataflow reference), where `DIM` is the
/// dimension at the observation level (`TIME_PERIOD` or `AllDimensions`).
pub fn structure_namespace(r: &StructureRef, dimension_at_observation: &str) -> String {
    let class = match r.kind {
        StructureKind::DataStructure => "DataStructure",
        StructureKind::Dataflow => "Dataflow",
    };
    format!(
        "urn:sdmx:org.sdmx.infomodel.datastructure.{class}={}:{}({}):ObsLevelDim:{dimension_at_observation}",
        r.agency_id, r.id, r.version
    )
}

/// Writes `message` as SDMX-ML 2.1 StructureSpecificData in the series
/// layout (`dimensionAtObservation` = the DSD's time dimension).
///
/// Series carry the key (DSD order) and the series-level attributes (DSD
/// order); `Obs` carry the time period, `OBS_VALUE` (omitted when `None`) and
/// the observation-level attributes (DSD order). Attributes must be given at
/// the level [`DataStructure::attachment_level`] assigns them; otherwise, or
/// when a key does not match the DSD, a value is not finite, the data set
/// references another DSD, or the DSD has data-set-level attributes (which
/// [`crate::DataSet`] cannot carry), nothing is written and
/// [`Error::InvalidData`] is returned.
///
/// To validate the output with `xmllint`, emit the matching schema with
/// [`super::write_dsd_schema_21`] and a wrapper with
/// [`super::write_validation_wrapper_21`].
pub fn write_structure_specific_21<W: Write>(
    w: W,
    message: &DataMessage,
    dsd: &DataStructure,
) -> Result<()> {
    write(w, message, dsd, false, Version::V21)
}

/// Writes `message` as SDMX-ML 2.1 StructureSpecificData in the flat layout
/// (`dimensionAtObservation="AllDimensions"`): `Obs` elements directly under
/// the data set, each carrying every dimension (DSD order, time dimension
/// last), `OBS_VALUE` and every attribute of its series and itself (DSD order).
/// The checks are those of [`write_structure_specific_21`].
pub fn write_structure_specific_21_flat<W: Write>(
    w: W,
    message: &DataMessage,
    dsd: &DataStructure,
) -> Result<()> {
    write(w, message, dsd, true, Version::V21)
}

/// Writes `message` as SDMX-ML 3.0 StructureSpecificData in the series
/// layout; the sample `ss_30.xml` is reproduced byte for byte.
///
/// The differences from [`write_structure_specific_21`] are those of the
/// standard (spec §2.4): the `v3_0` namespaces; the header's structure
/// reference is a URN (`<common:StructureUsage>urn:…Dataflow=AGENCY:ID(VERSION)</common:StructureUsage>`
/// or `<common:Structure>urn:…DataStructure=…</common:Structure>`); the data
/// set carries `ss:structureRef` and `ss:action` but no `ss:dataScope`, and
/// its start tag is never wrapped. The checks are those of
/// [`write_structure_specific_21`].
///
/// Validate the output with [`super::write_dsd_schema_30`] and
/// [`super::write_validation_wrapper_30`].
pub fn write_structure_specific_30<W: Write>(
    w: W,
    message: &DataMessage,
    dsd: &DataStructure,
) -> Result<()> {
    write(w, message, dsd, false, Version::V30)
}

/// The URN of a structure reference, as SDMX-ML 3.0 writes it:
/// `urn:sdmx:org.sdmx.infomodel.datastructure.Dataflow=ILO:DF_X(1.0)` (or
/// `…DataStructure=…`).
pub fn structure_urn(r: &StructureRef) -> String {
    let class = match r.kind {
        StructureKind::DataStructure => "DataStructure",
        StructureKind::Dataflow => "Dataflow",
    };
    format!(
        "urn:sdmx:org.sdmx.infomodel.datastructure.{class}={}:{}({})",
        r.agency_id, r.id, r.version
    )
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Version {
    V21,
    V30,
}

fn write<W: Write>(
    w: W,
    message: &DataMessage,
    dsd: &DataStructure,
    flat: bool,
    version: Version,
) -> Result<()> {
    check(message, dsd)?;
    let mut out = BufWriter::new(w);
    let header = &message.header;
    let dataset = &message.dataset;
    let dim_at_obs = if flat {
        ALL_DIMENSIONS
    } else {
        dsd.time_dimension_id()
    };
    let namespace = structure_namespace(&dataset.structure, dim_at_obs);
    let sid = structure_id(&dataset.structure);
    let ns_attr = xml_value(&namespace, "", "namespace")?;

    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(out, "<message:StructureSpecificData")?;
    let (ns_message, ns_ss, ns_common) = match version {
        Version::V21 => (ns::MESSAGE, ns::STRUCTURE_SPECIFIC, ns::COMMON),
        Version::V30 => (ns::MESSAGE_30, ns::STRUCTURE_SPECIFIC_30, ns::COMMON_30),
    };
    writeln!(out, r#"    xmlns:message="{ns_message}""#)?;
    writeln!(out, r#"    xmlns:ss="{ns_ss}""#)?;
    writeln!(out, r#"    xmlns:common="{ns_common}""#)?;
    writeln!(out, r#"    xmlns:xsi="{}""#, ns::XSI)?;
    writeln!(out, r#"    xmlns:ns1="{ns_attr}">"#)?;
    header_opening(&mut out, header)?;
    writeln!(out, r#"    <message:Structure structureID="{sid}""#)?;
    writeln!(out, r#"        namespace="{ns_attr}""#)?;
    writeln!(
        out,
        r#"        dimensionAtObservation="{}">"#,
        xml_value(dim_at_obs, "", "dimensionAtObservation")?
    )?;
    let (element, scope) = match dataset.structure.kind {
        StructureKind::DataStructure => ("common:Structure", "DataStructure"),
        StructureKind::Dataflow => ("common:StructureUsage", "Dataflow"),
    };
    let r = &dataset.structure;
    if version == Version::V30 {
        writeln!(
            out,
            "      <{element}>{}</{element}>",
            xml_text(&structure_urn(r), element)?
        )?;
    } else {
        writeln!(out, "      <{element}>")?;
        writeln!(
            out,
            r#"        <Ref agencyID="{}" id="{}" version="{}"/>"#,
            xml_value(&r.agency_id, "", "agencyID")?,
            xml_value(&r.id, "", "id")?,
            xml_value(&r.version, "", "version")?
        )?;
        writeln!(out, "      </{element}>")?;
    }
    writeln!(out, "    </message:Structure>")?;
    writeln!(out, "  </message:Header>")?;

    let mut dataset_attrs = vec![("ss:structureRef", sid.as_str())];
    if version == Version::V21 {
        dataset_attrs.push(("ss:dataScope", scope));
    }
    dataset_attrs.push(("ss:action", dataset.action.as_str()));
    dataset_attrs.push(("xsi:type", "ns1:DataSetType"));
    let dataset_wrap = match version {
        Version::V21 => WRAP,
        Version::V30 => usize::MAX,
    };
    start_tag(
        &mut out,
        2,
        "message:DataSet",
        &dataset_attrs,
        ">",
        dataset_wrap,
    )?;

    for series in &dataset.series {
        let plan = plan_series(series, dsd)?;
        if flat {
            for obs in &series.observations {
                let obs_attrs = plan_observation(obs, dsd, &plan.key_string)?;
                let value = obs.value.map(format_double);
                let mut attrs: Vec<(&str, &str)> = plan.key.clone();
                attrs.push((dsd.time_dimension_id(), &obs.time_period));
                if let Some(v) = &value {
                    attrs.push((&dsd.primary_measure.id, v));
                }
                // Series and observation attributes merged back into DSD order.
                for a in &dsd.attributes {
                    let given = plan
                        .attributes
                        .iter()
                        .chain(obs_attrs.iter())
                        .find(|(id, _)| *id == a.id);
                    if let Some(&pair) = given {
                        attrs.push(pair);
                    }
                }
                element_line(&mut out, 4, "Obs", &attrs, &plan.key_string)?;
            }
            continue;
        }
        let mut attrs: Vec<(&str, &str)> = plan.key.clone();
        attrs.extend(plan.attributes.iter().copied());
        let escaped = escape_all(&attrs, &plan.key_string)?;
        let refs: Vec<(&str, &str)> = escaped.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let end = if series.observations.is_empty() {
            "/>"
        } else {
            ">"
        };
        start_tag(&mut out, 4, "Series", &refs, end, WRAP)?;
        if series.observations.is_empty() {
            continue;
        }
        for obs in &series.observations {
            let obs_attrs = plan_observation(obs, dsd, &plan.key_string)?;
            let value = obs.value.map(format_double);
            let mut attrs: Vec<(&str, &str)> = vec![(dsd.time_dimension_id(), &obs.time_period)];
            if let Some(v) = &value {
                attrs.push((&dsd.primary_measure.id, v));
            }
            attrs.extend(obs_attrs);
            element_line(&mut out, 6, "Obs", &attrs, &plan.key_string)?;
        }
        writeln!(out, "    </Series>")?;
    }
    writeln!(out, "  </message:DataSet>")?;
    writeln!(out, "</message:StructureSpecificData>")?;
    out.flush()?;
    Ok(())
}

/// Everything that could make writing fail half-way, checked up front.
/// The header elements every SDMX-ML data message shares, in the schema's order:
/// `<message:Header>`, ID, Test, Prepared, Sender, Receiver (the Structure follows,
/// written by each format).
pub(crate) fn header_opening<W: Write>(out: &mut W, header: &Header) -> Result<()> {
    writeln!(out, "  <message:Header>")?;
    writeln!(
        out,
        "    <message:ID>{}</message:ID>",
        xml_text(&header.id, "message:ID")?
    )?;
    writeln!(out, "    <message:Test>{}</message:Test>", header.test)?;
    writeln!(
        out,
        "    <message:Prepared>{}</message:Prepared>",
        xml_text(&header.prepared, "message:Prepared")?
    )?;
    writeln!(
        out,
        r#"    <message:Sender id="{}"/>"#,
        xml_value(&header.sender, "", "message:Sender")?
    )?;
    if let Some(receiver) = &header.receiver {
        writeln!(
            out,
            r#"    <message:Receiver id="{}"/>"#,
            xml_value(receiver, "", "message:Receiver")?
        )?;
    }
    Ok(())
}

pub(crate) fn check(message: &DataMessage, dsd: &DataStructure) -> Result<()> {
    let r = &message.dataset.structure;
    if r.kind == StructureKind::DataStructure
        && (r.agency_id != dsd.agency_id || r.id != dsd.id || r.version != dsd.version)
    {
        return Err(Error::MissingStructure(format!(
            "the data set references DSD {}:{}({}) but the DSD given is {}",
            r.agency_id,
            r.id,
            r.version,
            dsd.reference()
        )));
    }
    if let Some(a) = dsd
        .attributes
        .iter()
        .find(|a| a.attachment_level(dsd.time_dimension_id()) == crate::AttachmentLevel::DataSet)
    {
        if a.assignment_status == crate::AssignmentStatus::Mandatory {
            return Err(Error::InvalidData {
                series_key: String::new(),
                component: a.id.clone(),
                message: "mandatory data-set-level attributes are not supported".to_string(),
            });
        }
    }
    for series in &message.dataset.series {
        let plan = plan_series(series, dsd)?;
        escape_all(&plan.key, &plan.key_string)?;
        escape_all(&plan.attributes, &plan.key_string)?;
        for obs in &series.observations {
            let attrs = plan_observation(obs, dsd, &plan.key_string)?;
            escape_all(&attrs, &plan.key_string)?;
            xml_value(&obs.time_period, &plan.key_string, dsd.time_dimension_id())?;
        }
    }
    Ok(())
}

pub(crate) fn escape_all<'a>(
    attrs: &[(&'a str, &str)],
    key: &str,
) -> Result<Vec<(&'a str, String)>> {
    attrs
        .iter()
        .map(|(k, v)| Ok((*k, xml_value(v, key, k)?.into_owned())))
        .collect()
}

/// Writes a whole empty element on one line.
fn element_line<W: Write>(
    out: &mut W,
    indent: usize,
    name: &str,
    attrs: &[(&str, &str)],
    key: &str,
) -> Result<()> {
    let escaped = escape_all(attrs, key)?;
    let refs: Vec<(&str, &str)> = escaped.iter().map(|(k, v)| (*k, v.as_str())).collect();
    start_tag(out, indent, name, &refs, "/>", usize::MAX)
}

/// Writes a start tag, wrapping attributes greedily at `wrap` columns;
/// values must already be escaped.
fn start_tag<W: Write>(
    out: &mut W,
    indent: usize,
    name: &str,
    attrs: &[(&str, &str)],
    end: &str,
    wrap: usize,
) -> Result<()> {
    let mut line = format!("{:indent$}<{name}", "");
    for (i, (k, v)) in attrs.iter().enumerate() {
        let piece = format!(r#"{k}="{v}""#);
        // Never wrap before the first attribute: the element name stays with it.
        if i > 0 && line.chars().count() + 1 + piece.chars().count() > wrap {
            writeln!(out, "{line}")?;
            line = format!("{:width$}{piece}", "", width = indent + 4);
        } else {
            line.push(' ');
            line.push_str(&piece);
        }
    }
    writeln!(out, "{line}{end}")?;
    Ok(())
}
