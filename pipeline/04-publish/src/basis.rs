//! The note of the labour status basis (`[survey] labour_status_basis`): a census whose
//! labour force status comes from a single main-activity question (icls-concepts.md
//! §2.4) publishes, on every observation of a measure that depends on the status, the
//! registry's `basis_note` for that basis (`NOTE_INDICATOR`).
//!
//! The measures that depend on the status are those counting only some of the labour
//! force statuses ([`Registry::depends_on_labour_status`]: all but the working-age
//! population and the foreign-born / non-citizen population); a main-activity question
//! does not change who is of working age, so those carry no note. A run with the default
//! basis (ILO current activity status) publishes no note, so its files are what they
//! were before the key existed.

use migstat_artefacts::config::Config;
use migstat_artefacts::registry::{DataflowSpec, Note, Registry};

/// The note every observation of `flow` carries for the config's basis, if any.
pub fn note<'r>(config: &Config, registry: &'r Registry, flow: &DataflowSpec) -> Option<&'r Note> {
    let basis = config.survey.labour_status_basis;
    if basis.is_current_activity() {
        return None;
    }
    let measure = registry.measure(&flow.measure)?;
    registry
        .depends_on_labour_status(measure)
        .then(|| registry.basis_notes.get(basis.key()))
        .flatten()
}

/// Adds `note` to every observation of `message`: joined with ` | ` to a value the
/// attribute already has, else inserted where the DSD lists the attribute (ILO's order:
/// `SOURCE`, `NOTE_SOURCE`, `NOTE_INDICATOR`, `NOTE_CLASSIF`, `DECIMALS`, ...).
pub fn add(message: &mut sdmx::DataMessage, dsd: &sdmx::DataStructure, note: &Note) {
    let position = |id: &str| dsd.attributes.iter().position(|a| a.id == id);
    let at = position(&note.attribute);
    for series in &mut message.dataset.series {
        for obs in &mut series.observations {
            if let Some((_, value)) = obs
                .attributes
                .iter_mut()
                .find(|(id, _)| *id == note.attribute)
            {
                value.push_str(" | ");
                value.push_str(&note.value);
                continue;
            }
            let index = obs
                .attributes
                .iter()
                .position(|(id, _)| position(id) > at)
                .unwrap_or(obs.attributes.len());
            obs.attributes
                .insert(index, (note.attribute.clone(), note.value.clone()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use migstat_artefacts::reference::Reference;

    use crate::Structures;

    fn config(extra: &str) -> Config {
        let text = format!(
            "[survey]\nref_area = \"PHL\"\ntime_period = \"2024\"\nsource_type = \"census\"\n\
             {extra}\n[input]\npath = \"core.csv\"\n"
        );
        Config::parse(&text, "run.toml".as_ref()).unwrap()
    }

    fn flow<'r>(reference: &'r Reference, id: &str) -> &'r DataflowSpec {
        reference
            .registry
            .dataflows
            .iter()
            .find(|d| d.id == id)
            .unwrap()
    }

    #[test]
    fn only_a_main_activity_census_notes_the_measures_that_depend_on_the_status() {
        let reference = Reference::bundled().unwrap();
        let main = config("labour_status_basis = \"main_activity\"");
        let current = config("");
        for id in [
            "DF_MST_TUNE_SEX_AGE_CBR_RT",
            "DF_MST_TEMP_SEX_ECO_CCT_NB",
            "DF_MST_TEIP_SEX_EDU_CBR_NB",
            "DF_MST_FORE_SEX_CBR_NB",
        ] {
            let f = flow(&reference, id);
            let noted = note(&main, &reference.registry, f).expect(id);
            assert_eq!(
                (noted.attribute.as_str(), noted.value.as_str()),
                ("NOTE_INDICATOR", "MIGSTAT:LFS_BASIS_MAIN_ACTIVITY")
            );
            assert!(note(&current, &reference.registry, f).is_none(), "{id}");
        }
        for id in [
            "DF_MST_XWAP_SEX_AGE_CCT_NB",
            "DF_MST_XWAP_SEX_EDU_CBR_NB",
            "DF_MST_FORP_SEX_CBR_NB",
            "DF_MST_NCTP_SEX_CCT_NB",
        ] {
            assert!(
                note(&main, &reference.registry, flow(&reference, id)).is_none(),
                "{id}: everyone of working age, whatever the status"
            );
        }
    }

    fn observation(attributes: &[(&str, &str)]) -> sdmx::Observation {
        sdmx::Observation {
            time_period: "2024".into(),
            value: Some(1.0),
            attributes: attributes
                .iter()
                .map(|(a, v)| (a.to_string(), v.to_string()))
                .collect(),
        }
    }

    #[test]
    fn the_note_goes_where_the_dsd_lists_it_or_joins_a_note_already_there() {
        let reference = Reference::bundled().unwrap();
        let structures = Structures::load(&reference).unwrap();
        let dsd = structures
            .set
            .data_structure("MST_TEAP_SEX_EDU_CBR_NB")
            .unwrap();
        let mut message = sdmx::DataMessage::default();
        message.dataset.series.push(sdmx::Series {
            observations: vec![
                observation(&[("OBS_STATUS", "U"), ("SOURCE", "PC"), ("DECIMALS", "1")]),
                observation(&[("SOURCE", "PC"), ("NOTE_SOURCE", "R"), ("DECIMALS", "1")]),
                observation(&[("NOTE_INDICATOR", "I20:4077"), ("DECIMALS", "1")]),
            ],
            ..Default::default()
        });
        let note = Note {
            attribute: "NOTE_INDICATOR".into(),
            value: "N".into(),
        };
        add(&mut message, dsd, &note);
        let got: Vec<Vec<(&str, &str)>> = message.dataset.series[0]
            .observations
            .iter()
            .map(|o| {
                o.attributes
                    .iter()
                    .map(|(a, v)| (a.as_str(), v.as_str()))
                    .collect()
            })
            .collect();
        assert_eq!(
            got,
            [
                vec![
                    ("OBS_STATUS", "U"),
                    ("SOURCE", "PC"),
                    ("NOTE_INDICATOR", "N"),
                    ("DECIMALS", "1")
                ],
                vec![
                    ("SOURCE", "PC"),
                    ("NOTE_SOURCE", "R"),
                    ("NOTE_INDICATOR", "N"),
                    ("DECIMALS", "1")
                ],
                vec![("NOTE_INDICATOR", "I20:4077 | N"), ("DECIMALS", "1")],
            ]
        );
    }
}
