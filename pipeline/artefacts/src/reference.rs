//! The reference data every run uses, bundled into the binary from the repository's
//! `codelists/` and `schemas/` folders (they stay data files; the binary just carries a
//! copy so that it runs from anywhere).

use std::collections::{BTreeMap, BTreeSet};

use crate::manifest::FileRecord;
use crate::registry::Registry;
use crate::{Error, Result};

macro_rules! repo_file {
    ($path:literal) => {
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../", $path))
    };
}

/// `schemas/dataflows.toml`, as bundled.
pub const BUNDLED_REGISTRY: &str = repo_file!("schemas/dataflows.toml");

/// The bundled reference files: (path in the repository, content).
pub const BUNDLED_FILES: &[(&str, &str)] = &[
    (
        "codelists/ILO_codelists.xml",
        repo_file!("codelists/ILO_codelists.xml"),
    ),
    (
        "schemas/dsd/ILO_MST_SEX_AGE_dataflows.xml",
        repo_file!("schemas/dsd/ILO_MST_SEX_AGE_dataflows.xml"),
    ),
    (
        "schemas/dsd/ILO_MST_breakdowns_dataflows.xml",
        repo_file!("schemas/dsd/ILO_MST_breakdowns_dataflows.xml"),
    ),
    (
        "schemas/dsd/MIGSTAT_constructed_codelists.xml",
        repo_file!("schemas/dsd/MIGSTAT_constructed_codelists.xml"),
    ),
    (
        "schemas/dsd/ILO_MIGRATION_dataflows.xml",
        repo_file!("schemas/dsd/ILO_MIGRATION_dataflows.xml"),
    ),
    ("schemas/dataflows.toml", BUNDLED_REGISTRY),
    (
        "codelists/age_bands.csv",
        repo_file!("codelists/age_bands.csv"),
    ),
    (
        "codelists/countries.csv",
        repo_file!("codelists/countries.csv"),
    ),
    (
        "codelists/country_detail.csv",
        repo_file!("codelists/country_detail.csv"),
    ),
];

/// ILO's country-detail codes of one country code of the core record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountryDetail {
    /// CL_CBR country-of-birth code (`CBR_BRT_*`); `None` for a code that is no
    /// birthplace (`XXA`, stateless).
    pub cbr: Option<String>,
    /// CL_CCT country-of-citizenship code (`CCT_CTZ_*`).
    pub cct: String,
}

/// An AGE code and the completed years it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgeBand {
    /// CL_AGE code, e.g. `AGE_AGGREGATE_Y25-54`.
    pub code: String,
    /// Lowest age in the band.
    pub min_age: i32,
    /// Highest age in the band; `None` = no upper limit.
    pub max_age: Option<i32>,
}

impl AgeBand {
    /// Whether `age` falls in the band.
    pub fn contains(&self, age: i32) -> bool {
        age >= self.min_age && self.max_age.is_none_or(|m| age <= m)
    }
}

/// The registry, age bands and country codes, parsed and checked. The SDMX structure
/// messages ([`Reference::structure_messages`]) are parsed by the publish stage, which
/// owns everything SDMX.
pub struct Reference {
    /// What is published and how.
    pub registry: Registry,
    /// The AGE codes and their ages, in publication order.
    pub age_bands: Vec<AgeBand>,
    /// ISO 3166-1 alpha-3 codes accepted for country of birth and citizenship.
    pub countries: BTreeSet<String>,
    /// ILO's country-detail codes of every accepted country code and of the special
    /// codes `XXX` and `XXA` (`codelists/country_detail.csv`).
    pub country_detail: BTreeMap<String, CountryDetail>,
}

impl Reference {
    /// Parses the reference data bundled in the binary.
    pub fn bundled() -> Result<Reference> {
        let registry = Registry::parse(BUNDLED_REGISTRY, "schemas/dataflows.toml")?;
        let age_bands = parse_age_bands(repo_file!("codelists/age_bands.csv"))?;
        let countries = parse_countries(repo_file!("codelists/countries.csv"))?;
        let country_detail = parse_country_detail(repo_file!("codelists/country_detail.csv"))?;
        if let Some(missing) = countries
            .iter()
            .chain(&["XXX".to_string(), "XXA".to_string()])
            .find(|c| !country_detail.contains_key(*c))
        {
            return Err(Error::reference(
                "codelists/country_detail.csv",
                format!("no row for the accepted country code {missing}"),
            ));
        }
        Ok(Reference {
            registry,
            age_bands,
            countries,
            country_detail,
        })
    }

    /// Hashes of the reference files, for the manifest.
    pub fn file_records(&self) -> Vec<FileRecord> {
        BUNDLED_FILES
            .iter()
            .map(|(name, text)| FileRecord::of_bytes(text.as_bytes(), *name))
            .collect()
    }

    /// The SDMX-ML 2.1 structure messages (codelists, DSDs, dataflows): (path, text).
    pub fn structure_messages(&self) -> impl Iterator<Item = (&'static str, &'static str)> {
        BUNDLED_FILES
            .iter()
            .copied()
            .filter(|(name, _)| name.ends_with(".xml"))
    }
}

fn parse_age_bands(text: &str) -> Result<Vec<AgeBand>> {
    let file = "codelists/age_bands.csv";
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut out = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let rec = rec.map_err(|e| Error::reference(file, e.to_string()))?;
        let bad = || {
            Error::reference(
                file,
                format!("row {}: expected code,min_age,max_age", i + 1),
            )
        };
        let code = rec.get(0).ok_or_else(bad)?.to_string();
        let min_age = rec.get(1).and_then(|v| v.parse().ok()).ok_or_else(bad)?;
        let max_age = match rec.get(2).ok_or_else(bad)? {
            "" => None,
            v => Some(v.parse().map_err(|_| bad())?),
        };
        out.push(AgeBand {
            code,
            min_age,
            max_age,
        });
    }
    Ok(out)
}

fn parse_countries(text: &str) -> Result<BTreeSet<String>> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    reader
        .records()
        .map(|r| {
            r.map_err(|e| Error::reference("codelists/countries.csv", e.to_string()))
                .map(|rec| rec.get(0).unwrap_or_default().to_string())
        })
        .collect()
}

/// The bundled `codelists/country_detail.csv` alone (the derive stage needs nothing else
/// of the reference data).
pub fn bundled_country_detail() -> Result<BTreeMap<String, CountryDetail>> {
    parse_country_detail(repo_file!("codelists/country_detail.csv"))
}

fn parse_country_detail(text: &str) -> Result<BTreeMap<String, CountryDetail>> {
    let file = "codelists/country_detail.csv";
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut out = BTreeMap::new();
    for (i, rec) in reader.records().enumerate() {
        let rec = rec.map_err(|e| Error::reference(file, e.to_string()))?;
        let (code, cbr, cct) = match (rec.get(0), rec.get(1), rec.get(2)) {
            (Some(code), Some(cbr), Some(cct)) if !code.is_empty() && !cct.is_empty() => {
                (code, cbr, cct)
            }
            _ => {
                return Err(Error::reference(
                    file,
                    format!("row {}: expected code,cbr,cct", i + 1),
                ))
            }
        };
        out.insert(
            code.to_string(),
            CountryDetail {
                cbr: (!cbr.is_empty()).then(|| cbr.to_string()),
                cct: cct.to_string(),
            },
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_reference_data_parse_and_agree_with_each_other() {
        let r = Reference::bundled().unwrap();
        assert_eq!(r.age_bands.len(), 16);
        assert!(r.countries.contains("IDN") && r.countries.contains("SUN"));
        assert!(
            !r.countries.contains("XXX"),
            "special codes are handled by the rules"
        );
        assert_eq!(r.structure_messages().count(), 5);
    }

    #[test]
    fn every_accepted_country_code_has_its_ilo_detail_codes() {
        let r = Reference::bundled().unwrap();
        let idn = &r.country_detail["IDN"];
        assert_eq!(
            (idn.cbr.as_deref(), idn.cct.as_str()),
            (Some("CBR_BRT_IDN"), "CCT_CTZ_IDN")
        );
        // No code of its own in ILO's CL_CBR / CL_CCT: the residual "Other countries".
        let sun = &r.country_detail["SUN"];
        assert_eq!(
            (sun.cbr.as_deref(), sun.cct.as_str()),
            (Some("CBR_BRT_X"), "CCT_CTZ_X")
        );
        assert_eq!(r.country_detail["XXX"].cbr.as_deref(), Some("CBR_BRT_X"));
        let stateless = &r.country_detail["XXA"];
        assert_eq!(
            (stateless.cbr.as_deref(), stateless.cct.as_str()),
            (None, "CCT_CTZ_X")
        );
        assert_eq!(r.country_detail.len(), r.countries.len() + 2);
    }

    #[test]
    fn age_bands_are_inclusive_and_open_ended_bands_have_no_upper_limit() {
        let band = |code: &str, min_age, max_age| AgeBand {
            code: code.into(),
            min_age,
            max_age,
        };
        assert!(band("A", 15, Some(24)).contains(24));
        assert!(!band("A", 15, Some(24)).contains(25));
        assert!(band("B", 65, None).contains(130));
    }
}
