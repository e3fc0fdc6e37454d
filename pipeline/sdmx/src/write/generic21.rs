//! SDMX-ML 2.1 GenericData, series layout.
//!
//! The layout reproduces the sample `generic_21.xml` byte for byte:
//! two-space indentation, `\n` line ends, a final newline, namespace
//! declarations on the root one per line, one element per line. Unlike
//! StructureSpecificData, the header's `message:Structure` has no
//! `namespace` (the schema prohibits it) and the data set's `structureRef`
//! and `action` are unqualified (spec §2.3). GenericData validates against
//! the official `SDMXMessage.xsd` alone.

use std::io::{BufWriter, Write};

use super::ss21::{check, header_opening};
use super::{format_double, plan_observation, plan_series, structure_id, xml_value};
use crate::data::{DataMessage, StructureKind};
use crate::error::Result;
use crate::model::DataStructure;
use crate::ns;

/// Writes `message` as SDMX-ML 2.1 GenericData in the series layout
/// (`dimensionAtObservation` = the DSD's time dimension).
///
/// Each series has a `generic:SeriesKey` (every dimension, DSD order), a
/// `generic:Attributes` block for its series-level attributes (left out when
/// there are none) and one `generic:Obs` per observation with the time
/// period, `generic:ObsValue` (left out when the value is `None`) and the
/// observation-level attributes. The checks, and the refusal to write
/// anything when they fail, are those of
/// [`write_structure_specific_21`](super::write_structure_specific_21).
pub fn write_generic_21<W: Write>(w: W, message: &DataMessage, dsd: &DataStructure) -> Result<()> {
    check(message, dsd)?;
    let mut out = BufWriter::new(w);
    let header = &message.header;
    let dataset = &message.dataset;
    let sid = structure_id(&dataset.structure);
    let time = dsd.time_dimension_id();

    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(out, "<message:GenericData")?;
    writeln!(out, r#"    xmlns:message="{}""#, ns::MESSAGE)?;
    writeln!(out, r#"    xmlns:generic="{}""#, ns::GENERIC)?;
    writeln!(out, r#"    xmlns:common="{}">"#, ns::COMMON)?;
    header_opening(&mut out, header)?;
    writeln!(
        out,
        r#"    <message:Structure structureID="{sid}" dimensionAtObservation="{}">"#,
        xml_value(time, "", "dimensionAtObservation")?
    )?;
    let element = match dataset.structure.kind {
        StructureKind::DataStructure => "common:Structure",
        StructureKind::Dataflow => "common:StructureUsage",
    };
    let r = &dataset.structure;
    writeln!(out, "      <{element}>")?;
    writeln!(
        out,
        r#"        <Ref agencyID="{}" id="{}" version="{}"/>"#,
        xml_value(&r.agency_id, "", "agencyID")?,
        xml_value(&r.id, "", "id")?,
        xml_value(&r.version, "", "version")?
    )?;
    writeln!(out, "      </{element}>")?;
    writeln!(out, "    </message:Structure>")?;
    writeln!(out, "  </message:Header>")?;
    writeln!(
        out,
        r#"  <message:DataSet structureRef="{sid}" action="{}">"#,
        dataset.action.as_str()
    )?;

    for series in &dataset.series {
        let plan = plan_series(series, dsd)?;
        let key = &plan.key_string;
        writeln!(out, "    <generic:Series>")?;
        writeln!(out, "      <generic:SeriesKey>")?;
        values(&mut out, 8, &plan.key, key)?;
        writeln!(out, "      </generic:SeriesKey>")?;
        if !plan.attributes.is_empty() {
            writeln!(out, "      <generic:Attributes>")?;
            values(&mut out, 8, &plan.attributes, key)?;
            writeln!(out, "      </generic:Attributes>")?;
        }
        for obs in &series.observations {
            let attrs = plan_observation(obs, dsd, key)?;
            writeln!(out, "      <generic:Obs>")?;
            writeln!(
                out,
                r#"        <generic:ObsDimension value="{}"/>"#,
                xml_value(&obs.time_period, key, time)?
            )?;
            if let Some(v) = obs.value {
                writeln!(
                    out,
                    r#"        <generic:ObsValue value="{}"/>"#,
                    format_double(v)
                )?;
            }
            if !attrs.is_empty() {
                writeln!(out, "        <generic:Attributes>")?;
                values(&mut out, 10, &attrs, key)?;
                writeln!(out, "        </generic:Attributes>")?;
            }
            writeln!(out, "      </generic:Obs>")?;
        }
        writeln!(out, "    </generic:Series>")?;
    }
    writeln!(out, "  </message:DataSet>")?;
    writeln!(out, "</message:GenericData>")?;
    out.flush()?;
    Ok(())
}

fn values<W: Write>(out: &mut W, indent: usize, pairs: &[(&str, &str)], key: &str) -> Result<()> {
    for (id, value) in pairs {
        writeln!(
            out,
            r#"{:indent$}<generic:Value id="{}" value="{}"/>"#,
            "",
            xml_value(id, key, id)?,
            xml_value(value, key, id)?
        )?;
    }
    Ok(())
}
