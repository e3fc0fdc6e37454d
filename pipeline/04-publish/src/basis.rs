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
