//! One SDMX dataset per dataflow, built from the estimates.

use arrow::array::{Array, AsArray, RecordBatch};
use arrow::datatypes::Float64Type;

use migstat_artefacts::config::Config;
use migstat_artefacts::registry::{DataflowSpec, Unit};
use migstat_artefacts::schema::estimates as col;
use migstat_artefacts::{Error, Result};

use crate::Structures;

/// Observation attribute `DECIMALS`: the number of decimals ILO displays (contract §5).
const DECIMALS: &str = "1";

/// `Header/Prepared`: the config's `publish.prepared`, else `SOURCE_DATE_EPOCH` (the
/// reproducible-builds convention), else the clock.
pub fn prepared_timestamp(config: &Config) -> Result<String> {
    if let Some(p) = &config.publish.prepared {
        return Ok(p.clone());
    }
    let at = match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(s) => {
            let secs: i64 = s.trim().parse().map_err(|_| {
                Error::config(
                    &config.file,
                    format!("SOURCE_DATE_EPOCH = {s:?} is not a number of seconds"),
                )
            })?;
            chrono::DateTime::from_timestamp(secs, 0).ok_or_else(|| {
                Error::config(
                    &config.file,
                    format!("SOURCE_DATE_EPOCH = {s:?} is out of range"),
                )
            })?
        }
        Err(_) => chrono::Utc::now(),
    };
    Ok(at.format("%Y-%m-%dT%H:%M:%SZ").to_string())
}

/// The message id of a dataflow's file: `MIGSTAT_<REF_AREA>_<PERIOD>_<DSD>` (an IDType).
pub fn message_id(config: &Config, flow: &DataflowSpec) -> String {
    format!(
        "MIGSTAT_{}_{}_{}",
        config.survey.ref_area,
        config.survey.time_period.text,
        flow.structure_id()
    )
}

/// Builds the dataset of `flow` from the estimates rows of that dataflow, in their order.
pub fn build<'s>(
    config: &Config,
    prepared: &str,
    flow: &DataflowSpec,
    unit: &Unit,
    structures: &'s Structures,
    batches: &[RecordBatch],
) -> Result<(sdmx::DataMessage, &'s sdmx::DataStructure)> {
    let dsd = structures
        .set
        .data_structure(flow.structure_id())
        .ok_or_else(|| Error::internal(format!("no DSD for {}", flow.id)))?;
    let series_attributes: Vec<(String, String)> = unit
        .series_attributes()
        .iter()
        .map(|(id, v)| (id.to_string(), v.to_string()))
        .collect();
    let mut series: Vec<sdmx::Series> = Vec::new();
    for batch in batches {
        let text = |name: &str| {
            batch
                .column_by_name(name)
                .map(|c| c.as_string::<i32>().clone())
                .ok_or_else(|| Error::internal(format!("estimates have no column {name}")))
        };
        let dataflows = text(col::DATAFLOW)?;
        let time = text(col::TIME_PERIOD)?;
        let status = text(col::OBS_STATUS)?;
        let number = |name: &str| {
            batch
                .column_by_name(name)
                .map(|c| c.as_primitive::<Float64Type>().clone())
                .ok_or_else(|| Error::internal(format!("estimates have no column {name}")))
        };
        let estimate = number(col::ESTIMATE)?;
        let lower = number(col::LOWER_BOUND)?;
        let upper = number(col::UPPER_BOUND)?;
        let published = batch
            .column_by_name(col::PUBLISHED)
            .ok_or_else(|| Error::internal("estimates have no published column"))?
            .as_boolean()
            .clone();
        // Series key columns in DSD order; every DSD dimension but TIME_PERIOD must have one.
        let mut key_columns = Vec::new();
        for dim in &dsd.dimensions {
            key_columns.push((
                dim.id.clone(),
                text(&dim.id).map_err(|_| {
                    Error::internal(format!(
                        "DSD {} dimension {} has no estimates column",
                        dsd.id, dim.id
                    ))
                })?,
            ));
        }
        for row in 0..batch.num_rows() {
            if dataflows.value(row) != flow.id || !published.value(row) {
                continue;
            }
            let key: Vec<(String, String)> = key_columns
                .iter()
                .map(|(id, values)| (id.clone(), values.value(row).to_string()))
                .collect();
            let st = status.is_valid(row).then(|| status.value(row));
            let mut attributes = Vec::new();
            if let Some(s) = st {
                attributes.push(("OBS_STATUS".to_string(), s.to_string()));
            }
            attributes.push((
                "SOURCE".to_string(),
                config.survey.source_type.sdmx_source().to_string(),
            ));
            attributes.push(("DECIMALS".to_string(), DECIMALS.to_string()));
            // The confidence interval, in the unit of OBS_VALUE; never for a hidden value.
            if st != Some("C") {
                for (id, bound) in [("UPPER_BOUND", &upper), ("LOWER_BOUND", &lower)] {
                    if bound.is_valid(row) {
                        attributes.push((id.to_string(), sdmx::format_double(bound.value(row))));
                    }
                }
            }
            let observation = sdmx::Observation {
                time_period: time.value(row).to_string(),
                value: (st != Some("C")).then(|| estimate.value(row)),
                attributes,
            };
            match series.last_mut() {
                Some(s) if s.key == key => s.observations.push(observation),
                _ => series.push(sdmx::Series {
                    key,
                    attributes: series_attributes.clone(),
                    observations: vec![observation],
                }),
            }
        }
    }
    Ok((
        sdmx::DataMessage {
            header: sdmx::Header {
                id: message_id(config, flow),
                test: config.publish.test,
                prepared: prepared.to_string(),
                sender: config.publish.sender.clone(),
                receiver: Some(config.publish.receiver.clone()),
            },
            dataset: sdmx::DataSet {
                structure: sdmx::StructureRef {
                    agency_id: dsd.agency_id.clone(),
                    id: dsd.id.clone(),
                    version: dsd.version.clone(),
                    kind: sdmx::StructureKind::DataStructure,
                },
                dataflow_id: Some(flow.id.clone()),
                action: sdmx::Action::Replace,
                series,
            },
        },
        dsd,
    ))
}
