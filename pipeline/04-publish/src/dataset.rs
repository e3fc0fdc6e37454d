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

/// The note attributes of every observation of `flow`, in ILO's DSD order (`NOTE_SOURCE`,
/// `NOTE_INDICATOR`, `NOTE_CLASSIF`), several notes of one attribute joined by ` | `:
///
/// - `NOTE_SOURCE`: the usual residence rule, when `[concepts]` states one
///   ([`migstat_artefacts::concepts::Concepts::residence_note`]; none for the producer's
///   roster flag without a definition, so that such a run publishes what it did before);
/// - the dataflow's own notes of the registry, their placeholders filled from
///   `[concepts]` and the reference year.
///
/// The values are free text (ILO's note attributes have no codelist in the DSD; ILOSTAT
/// itself publishes note codes such as `R1:3513`, which migstat does not invent).
pub fn observation_notes(config: &Config, flow: &DataflowSpec) -> Vec<(String, String)> {
    let year = config.survey.time_period.year;
    let mut by_attribute: Vec<(&str, Vec<String>)> =
        ["NOTE_SOURCE", "NOTE_INDICATOR", "NOTE_CLASSIF"]
            .into_iter()
            .map(|a| (a, Vec::new()))
            .collect();
    let mut add = |attribute: &str, value: String| {
        if let Some((_, values)) = by_attribute.iter_mut().find(|(a, _)| *a == attribute) {
            values.push(value);
        }
    };
    if let Some(note) = config.concepts.residence_note() {
        add("NOTE_SOURCE", note);
    }
    for note in &flow.notes {
        add(&note.attribute, config.concepts.fill(&note.value, year));
    }
    by_attribute
        .into_iter()
        .filter(|(_, values)| !values.is_empty())
        .map(|(a, values)| (a.to_string(), values.join(" | ")))
        .collect()
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
    let notes = observation_notes(config, flow);
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
            attributes.extend(notes.iter().cloned());
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

#[cfg(test)]
mod tests {
    use super::*;
    use migstat_artefacts::reference::Reference;

    fn config(concepts: &str) -> Config {
        let text = format!(
            "[survey]\nref_area = \"PHL\"\ntime_period = \"2024-Q2\"\nsource_type = \"lfs\"\n\
             [input]\npath = \"core.csv\"\n{concepts}"
        );
        Config::parse(&text, std::path::Path::new("run.toml")).unwrap()
    }

    fn flow(id: &str) -> DataflowSpec {
        let registry = Reference::bundled().unwrap().registry;
        registry.dataflows.into_iter().find(|d| d.id == id).unwrap()
    }

    #[test]
    fn the_default_residence_rule_adds_no_note_to_the_contract_dataflows() {
        assert!(observation_notes(&config(""), &flow("DF_MST_TEAP_SEX_AGE_CBR_NB")).is_empty());
    }

    #[test]
    fn a_stated_residence_rule_is_a_source_note_on_every_dataflow() {
        let c = config("[concepts]\nresidence_rule = \"at_least_12_months\"\n");
        let notes = observation_notes(&c, &flow("DF_MST_TEAP_SEX_AGE_CBR_NB"));
        assert_eq!(notes.len(), 1);
        assert_eq!(notes[0].0, "NOTE_SOURCE");
        assert!(
            notes[0].1.contains("option B, at least 12 months"),
            "{}",
            notes[0].1
        );
    }

    #[test]
    fn notes_of_one_attribute_are_joined_in_dsd_order_with_their_placeholders_filled() {
        let c = config(
            "[concepts]\nresidence_rule = \"national\"\nresidence_rule_text = \"de jure\"\n\
             nonresident_coverage = \"border crossings included\"\n",
        );
        let notes = observation_notes(&c, &flow("DF_MST_NRFW_SEX_AGE_NRT_NB"));
        let attributes: Vec<&str> = notes.iter().map(|(a, _)| a.as_str()).collect();
        assert_eq!(attributes, ["NOTE_SOURCE", "NOTE_INDICATOR"]);
        assert_eq!(
            notes[0].1,
            "Usual residence: national definition: de jure | Non-resident foreign workers, \
             coverage: border crossings included"
        );
        let recent = observation_notes(&config(""), &flow("DF_MFL_XWAP_SEX_AGE_RSN_NB"));
        assert!(
            recent[0].1.contains("in 2020-2024 (the last 5 years)"),
            "{}",
            recent[0].1
        );
        for (_, value) in notes.iter().chain(&recent) {
            assert!(!value.contains('{') && value.len() <= 1024, "{value}");
        }
    }
}
