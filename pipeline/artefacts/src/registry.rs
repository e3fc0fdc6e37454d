//! The dataflow registry (`schemas/dataflows.toml`): what is published and how each cell
//! is computed, as data.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::{Error, Result};

/// A labour force status, as stored in the derived record's `lfs` column.
pub type Status = String;

/// The whole registry, checked for internal consistency.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Registry {
    /// Maintenance agency of every structure (`ILO`).
    pub agency: String,
    /// Version of every structure (`1.0`).
    pub version: String,
    /// Units by measure suffix (`NB`, `RT`).
    pub units: BTreeMap<String, Unit>,
    /// Every measure.
    #[serde(rename = "measure")]
    pub measures: Vec<Measure>,
    /// How each dimension is broken down, by dimension id.
    #[serde(rename = "breakdown")]
    pub breakdowns: BTreeMap<String, Breakdown>,
    /// Every published dataflow.
    #[serde(rename = "dataflow")]
    pub dataflows: Vec<DataflowSpec>,
}

/// The unit attributes of a measure family, and how the weighted ratio is scaled.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unit {
    /// CL_UNIT_MEASURE_TYPE code.
    #[serde(rename = "UNIT_MEASURE_TYPE")]
    pub unit_measure_type: String,
    /// CL_UNIT_MEASURE code.
    #[serde(rename = "UNIT_MEASURE")]
    pub unit_measure: String,
    /// CL_UNIT_MULT code.
    #[serde(rename = "UNIT_MULT")]
    pub unit_mult: String,
    /// The published value is the weighted ratio times 10 to this power.
    pub power_of_ten: i32,
}

impl Unit {
    /// The series attributes of this unit, in ILO DSD order.
    pub fn series_attributes(&self) -> [(&'static str, &str); 3] {
        [
            ("UNIT_MEASURE_TYPE", &self.unit_measure_type),
            ("UNIT_MEASURE", &self.unit_measure),
            ("UNIT_MULT", &self.unit_mult),
        ]
    }
}

/// A measure: a weighted count of statuses, or a ratio of two.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Measure {
    /// CL_MEASURE code, e.g. `MST_TUNE_RT`.
    pub id: String,
    /// Key into [`Registry::units`].
    pub unit: String,
    /// Statuses summed in the numerator.
    pub numerator: Vec<Status>,
    /// Statuses summed in the denominator; `None` for a count.
    #[serde(default)]
    pub denominator: Option<Vec<Status>>,
}

/// How a dimension's codes come from a derived-record column.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Breakdown {
    /// The derived-record column.
    pub column: String,
    /// The code of the all-categories cell (categorical breakdowns).
    #[serde(default)]
    pub total: Option<String>,
    /// The category codes, in publication order (categorical breakdowns).
    #[serde(default)]
    pub codes: Vec<String>,
    /// Codes published only where an in-scope record has them.
    #[serde(default)]
    pub published_if_observed: Vec<String>,
    /// For banded breakdowns: the file in `codelists/` giving each code's range.
    #[serde(default)]
    pub bands: Option<String>,
}

/// A published dataflow.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataflowSpec {
    /// e.g. `DF_MST_TEAP_SEX_AGE_CBR_NB`.
    pub id: String,
    /// Key into the measures.
    pub measure: String,
    /// Classification dimensions after REF_AREA, FREQ, MEASURE.
    pub breakdowns: Vec<String>,
}

impl DataflowSpec {
    /// The DSD id: the dataflow id without `DF_`.
    pub fn structure_id(&self) -> &str {
        self.id.strip_prefix("DF_").unwrap_or(&self.id)
    }
}

impl Registry {
    /// Parses and checks the registry text; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<Registry> {
        let reg: Registry =
            toml::from_str(text).map_err(|e| Error::reference(file, e.to_string()))?;
        let err = |m: String| Err(Error::reference(file, m));
        for m in &reg.measures {
            if !reg.units.contains_key(&m.unit) {
                return err(format!("measure {}: unknown unit {:?}", m.id, m.unit));
            }
            if !m.id.ends_with(&format!("_{}", m.unit)) {
                return err(format!(
                    "measure {}: its suffix does not match unit {}",
                    m.id, m.unit
                ));
            }
        }
        for (id, b) in &reg.breakdowns {
            if b.bands.is_none() && (b.total.is_none() || b.codes.is_empty()) {
                return err(format!(
                    "breakdown {id}: needs either `bands` or `total` and `codes`"
                ));
            }
            if let Some(c) = b
                .published_if_observed
                .iter()
                .find(|c| !b.codes.contains(c))
            {
                return err(format!(
                    "breakdown {id}: published_if_observed code {c} is not in codes"
                ));
            }
        }
        for d in &reg.dataflows {
            if reg.measure(&d.measure).is_none() {
                return err(format!("dataflow {}: unknown measure {}", d.id, d.measure));
            }
            if let Some(b) = d
                .breakdowns
                .iter()
                .find(|b| !reg.breakdowns.contains_key(*b))
            {
                return err(format!("dataflow {}: unknown breakdown {b}", d.id));
            }
        }
        Ok(reg)
    }

    /// The measure with this id.
    pub fn measure(&self, id: &str) -> Option<&Measure> {
        self.measures.iter().find(|m| m.id == id)
    }

    /// The unit of a measure.
    pub fn unit_of(&self, measure: &Measure) -> &Unit {
        &self.units[&measure.unit]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_registry_lists_the_18_contract_dataflows() {
        let reg = Registry::parse(crate::reference::BUNDLED_REGISTRY, "dataflows.toml").unwrap();
        assert_eq!(reg.dataflows.len(), 18);
        for m in ["XWAP", "TEAP", "TEMP", "TUNE", "TEIP"] {
            for ax in ["CBR", "CCT"] {
                let id = format!("DF_MST_{m}_SEX_AGE_{ax}_NB");
                assert!(reg.dataflows.iter().any(|d| d.id == id), "{id}");
                if m != "XWAP" {
                    let id = format!("DF_MST_{m}_SEX_AGE_{ax}_RT");
                    assert!(reg.dataflows.iter().any(|d| d.id == id), "{id}");
                }
            }
        }
        let ur = reg.measure("MST_TUNE_RT").unwrap();
        assert_eq!(
            ur.denominator.as_deref(),
            Some(&["EMP".to_string(), "UNE".to_string()][..])
        );
    }

    #[test]
    fn a_dataflow_with_an_unknown_measure_is_a_reference_error() {
        let text = crate::reference::BUNDLED_REGISTRY.replacen(
            "measure = \"MST_XWAP_NB\"\nbreakdowns",
            "measure = \"MST_NOPE_NB\"\nbreakdowns",
            1,
        );
        let e = Registry::parse(&text, "dataflows.toml").unwrap_err();
        assert!(e.to_string().contains("MST_NOPE_NB"), "{e}");
    }
}
