//! The dataflow registry (`schemas/dataflows.toml`): what is published and how each cell
//! is computed, as data.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::{concepts, schema, Error, Result};

/// A term of a measure: who is counted. `EMP`, `UNE` or `OLF` alone is a labour force
/// status (the derived record's `lfs` column) among in-scope persons (contract §4);
/// `population:STATUS` the same among the persons of another population (a Boolean
/// column of the derived record, [`schema::derived::POPULATIONS`]); `population` alone
/// every person of that population, whatever their status (see [`split_term`]).
pub type Status = String;

/// The labour force statuses a term may name.
pub const STATUSES: [&str; 3] = ["EMP", "UNE", "OLF"];

/// A term's population (a derived Boolean column) and status (`None`: every status).
pub fn split_term(term: &str) -> (&str, Option<&str>) {
    match term.split_once(':') {
        Some((population, status)) => (population, Some(status)),
        None if STATUSES.contains(&term) => (schema::derived::IN_SCOPE, Some(term)),
        None => (term, None),
    }
}

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
    /// The note every observation of a measure that depends on the labour force status
    /// carries, by `[survey] labour_status_basis` (only bases other than the ILO current
    /// activity status have one).
    #[serde(default, rename = "basis_note")]
    pub basis_notes: BTreeMap<String, Note>,
}

/// An observation note: an ILO note attribute and its value.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Note {
    /// The attribute: `NOTE_INDICATOR`, `NOTE_SOURCE` or `NOTE_CLASSIF`.
    pub attribute: String,
    /// Its value.
    pub value: String,
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
    /// The SDMX dimension (and estimates column) the codes go to; by default the
    /// breakdown's own id. Two breakdowns may feed one dimension from different columns
    /// (`CBR`: place of birth, `CBR_BRT`: country of birth), never in the same dataflow.
    #[serde(default)]
    pub dimension: Option<String>,
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
    /// The categories are not listed: they are the codes of `column` that in-scope
    /// records have (other than the not-applicable `_Z`), in code order (country detail:
    /// the countries observed).
    #[serde(default)]
    pub observed: bool,
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
    /// Persons counted: only those with this code of these breakdowns (which are not
    /// dimensions of the dataflow), e.g. `{ CBR = "CBR_BIR_FOREIGN" }` for the
    /// foreign-born population by country of birth. Empty: every in-scope person.
    #[serde(default)]
    pub restrict: BTreeMap<String, String>,
    /// The populations (derived Boolean columns) that must be measured for the dataflow to
    /// be published: each must be stated (non-null) for at least one record. A source
    /// that does not ask the questions behind a concept publishes no zeros for it.
    #[serde(default)]
    pub requires: Vec<String>,
    /// Notes every observation of the dataflow carries; a value may hold the placeholders
    /// of [`concepts::PLACEHOLDERS`] (e.g. `{recent_years}`), filled from `[concepts]`.
    #[serde(default, rename = "note")]
    pub notes: Vec<Note>,
}

impl Breakdown {
    /// The SDMX dimension of the breakdown `id`.
    pub fn dimension<'a>(&'a self, id: &'a str) -> &'a str {
        self.dimension.as_deref().unwrap_or(id)
    }
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
            // Categorical: a total, and either listed codes or `observed`, not both.
            if b.bands.is_none() && (b.total.is_none() || b.codes.is_empty() != b.observed) {
                return err(format!(
                    "breakdown {id}: needs either `bands`, or `total` and either `codes` \
                     or `observed = true`"
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
                .chain(d.restrict.keys())
                .find(|b| !reg.breakdowns.contains_key(*b))
            {
                return err(format!("dataflow {}: unknown breakdown {b}", d.id));
            }
            let mut dims: Vec<&str> = d.breakdowns.iter().map(|b| reg.dimension_of(b)).collect();
            dims.sort();
            if let Some(w) = dims.windows(2).find(|w| w[0] == w[1]) {
                return err(format!(
                    "dataflow {}: two breakdowns of dimension {}",
                    d.id, w[0]
                ));
            }
            for (b, code) in &d.restrict {
                if d.breakdowns.contains(b) {
                    return err(format!(
                        "dataflow {}: breakdown {b} is both a dimension and a restriction",
                        d.id
                    ));
                }
                if !reg.breakdowns[b].codes.contains(code) {
                    return err(format!(
                        "dataflow {}: restriction {b} = {code}: not a code of breakdown {b}",
                        d.id
                    ));
                }
            }
        }
        for m in &reg.measures {
            for term in m.numerator.iter().chain(m.denominator.iter().flatten()) {
                let (population, status) = split_term(term);
                if !schema::derived::POPULATIONS.contains(&population) {
                    return err(format!(
                        "measure {}: {term:?} counts in {population:?}, which is not a \
                         population of the derived record ({})",
                        m.id,
                        schema::derived::POPULATIONS.join(", ")
                    ));
                }
                if status.is_some_and(|s| !STATUSES.contains(&s)) {
                    return err(format!(
                        "measure {}: {term:?}: the status after ':' must be one of {}",
                        m.id,
                        STATUSES.join(", ")
                    ));
                }
            }
        }
        for d in &reg.dataflows {
            if let Some(p) = d
                .requires
                .iter()
                .find(|p| !schema::derived::POPULATIONS.contains(&p.as_str()))
            {
                return err(format!(
                    "dataflow {}: requires {p:?}, which is not a population of the derived \
                     record",
                    d.id
                ));
            }
            for note in &d.notes {
                if !["NOTE_INDICATOR", "NOTE_SOURCE", "NOTE_CLASSIF"]
                    .contains(&note.attribute.as_str())
                {
                    return err(format!(
                        "dataflow {}: note attribute {} is not an ILO note attribute",
                        d.id, note.attribute
                    ));
                }
                if let Some(word) = concepts::unknown_placeholders(&note.value).first() {
                    return err(format!(
                        "dataflow {}: note {word} is not a placeholder (known: {})",
                        d.id,
                        concepts::PLACEHOLDERS
                            .iter()
                            .map(|(p, _)| *p)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
            }
        }
        for (basis, note) in &reg.basis_notes {
            if !["NOTE_INDICATOR", "NOTE_SOURCE", "NOTE_CLASSIF"].contains(&note.attribute.as_str())
            {
                return err(format!(
                    "basis_note.{basis}: attribute {} is not an ILO note attribute",
                    note.attribute
                ));
            }
        }
        Ok(reg)
    }

    /// The SDMX dimension of breakdown `id` (the id itself for an unknown breakdown).
    pub fn dimension_of<'a>(&'a self, id: &'a str) -> &'a str {
        self.breakdowns.get(id).map_or(id, |b| b.dimension(id))
    }

    /// Whether a measure's value depends on how the labour force status was measured:
    /// its numerator or denominator sums only some of the statuses (a count of everyone
    /// in scope, such as the working-age population, does not).
    pub fn depends_on_labour_status(&self, measure: &Measure) -> bool {
        // Per population: a bare population term counts every status, and so do terms
        // naming all of EMP, UNE and OLF.
        let partial = |terms: &[Status]| {
            let mut by_population: BTreeMap<&str, Vec<Option<&str>>> = BTreeMap::new();
            for t in terms {
                let (population, status) = split_term(t);
                by_population.entry(population).or_default().push(status);
            }
            by_population.values().any(|statuses| {
                !statuses.contains(&None) && !STATUSES.iter().all(|s| statuses.contains(&Some(s)))
            })
        };
        partial(&measure.numerator) || measure.denominator.as_deref().is_some_and(partial)
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

    /// The bundled registry with its first `from` replaced by `to` is refused, with an
    /// error that says `expect`.
    fn registry_error_when(from: &str, to: &str, expect: &str) {
        let text = crate::reference::BUNDLED_REGISTRY.replacen(from, to, 1);
        assert_ne!(text, crate::reference::BUNDLED_REGISTRY, "{from}");
        let e = Registry::parse(&text, "dataflows.toml").unwrap_err();
        assert!(e.to_string().contains(expect), "{expect}: {e}");
    }

    #[test]
    fn the_bundled_registry_lists_the_18_contract_dataflows() {
        let reg = Registry::parse(crate::reference::BUNDLED_REGISTRY, "dataflows.toml").unwrap();
        let contract = reg
            .dataflows
            .iter()
            .filter(|d| {
                d.breakdowns.len() == 3
                    && d.breakdowns[..2] == ["SEX", "AGE"]
                    && ["CBR", "CCT"].contains(&d.breakdowns[2].as_str())
                    && d.requires.is_empty()
            })
            .count();
        assert_eq!(contract, 18);
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
    fn the_bundled_registry_lists_the_28_breakdown_dataflows() {
        let reg = Registry::parse(crate::reference::BUNDLED_REGISTRY, "dataflows.toml").unwrap();
        let has = |id: &str| reg.dataflows.iter().find(|d| d.id == id);
        let mut n = 0;
        for ax in ["CBR", "CCT"] {
            for m in ["XWAP", "TEAP", "TEMP", "TUNE", "TEIP"] {
                for unit in ["NB", "RT"]
                    .into_iter()
                    .filter(|u| m != "XWAP" || *u == "NB")
                {
                    let id = format!("DF_MST_{m}_SEX_EDU_{ax}_{unit}");
                    let d = has(&id).unwrap_or_else(|| panic!("{id}"));
                    assert_eq!(d.breakdowns, ["SEX", "EDU", ax]);
                    n += 1;
                }
            }
            for b in ["ECO", "OCU", "STE"] {
                let d = has(&format!("DF_MST_TEMP_SEX_{b}_{ax}_NB")).unwrap();
                assert_eq!((d.measure.as_str(), d.breakdowns.len()), ("MST_TEMP_NB", 3));
                n += 1;
            }
        }
        for (id, breakdown, restrict) in [
            (
                "DF_MST_FORP_SEX_CBR_NB",
                "CBR_BRT",
                ("CBR", "CBR_BIR_FOREIGN"),
            ),
            (
                "DF_MST_FORE_SEX_CBR_NB",
                "CBR_BRT",
                ("CBR", "CBR_BIR_FOREIGN"),
            ),
            (
                "DF_MST_NCTP_SEX_CCT_NB",
                "CCT_CTZ",
                ("CCT", "CCT_CIT_NONCIT"),
            ),
            (
                "DF_MST_NCTE_SEX_CCT_NB",
                "CCT_CTZ",
                ("CCT", "CCT_CIT_NONCIT"),
            ),
        ] {
            let d = has(id).unwrap();
            assert_eq!(d.breakdowns, ["SEX", breakdown]);
            assert_eq!(reg.dimension_of(breakdown), &breakdown[..3]);
            assert_eq!(
                d.restrict.get(restrict.0).map(String::as_str),
                Some(restrict.1)
            );
            assert!(reg.breakdowns[breakdown].observed);
            n += 1;
        }
        assert_eq!(n, 28);
        // And the 10 dataflows of the migration concepts (next test).
        assert_eq!(reg.dataflows.len(), 18 + 28 + 10);
    }

    #[test]
    fn the_bundled_registry_lists_the_10_migration_dataflows_with_their_populations() {
        let reg = Registry::parse(crate::reference::BUNDLED_REGISTRY, "dataflows.toml").unwrap();
        #[rustfmt::skip]
        let expected: [(&str, &[&str], &str, Option<&str>); 10] = [
            ("DF_MST_IMWB_SEX_AGE_RES_NB", &["SEX", "AGE", "RES"], "international_migrant_worker_cbr", Some("nonresident_foreign_worker")),
            ("DF_MST_IMWC_SEX_AGE_RES_NB", &["SEX", "AGE", "RES"], "international_migrant_worker_cct", Some("nonresident_foreign_worker")),
            ("DF_MST_NRFW_SEX_AGE_NRT_NB", &["SEX", "AGE", "NRT"], "nonresident_foreign_worker", Some("nonresident_foreign_worker")),
            ("DF_MST_XWAP_SEX_AGE_DRS_CBR_NB", &["SEX", "AGE", "DRS", "CBR"], "in_scope", None),
            ("DF_MST_XWAP_SEX_AGE_DRS_CCT_NB", &["SEX", "AGE", "DRS", "CCT"], "in_scope", None),
            ("DF_MFL_XWAP_SEX_AGE_RSN_NB", &["SEX", "AGE", "RSN"], "recent_immigrant", Some("recent_immigrant")),
            ("DF_MFL_XWRK_SEX_AGE_CBR_NB", &["SEX", "AGE", "CBR"], "recent_for_work_immigrant", Some("recent_for_work_immigrant")),
            ("DF_MFL_XWRK_SEX_AGE_CCT_NB", &["SEX", "AGE", "CCT"], "recent_for_work_immigrant", Some("recent_for_work_immigrant")),
            ("DF_MNA_XRET_SEX_AGE_NB", &["SEX", "AGE"], "return_migrant", Some("return_migrant")),
            ("DF_MNA_XRMW_SEX_AGE_NB", &["SEX", "AGE"], "return_migrant_worker", Some("return_migrant_worker")),
        ];
        for (id, breakdowns, population, requires) in expected {
            let d = reg.dataflows.iter().find(|d| d.id == id).expect(id);
            assert_eq!(d.breakdowns, breakdowns, "{id}");
            let m = reg.measure(&d.measure).unwrap();
            let populations: Vec<&str> = m.numerator.iter().map(|t| split_term(t).0).collect();
            assert!(
                populations.iter().all(|p| *p == population),
                "{id}: {populations:?}"
            );
            assert_eq!(d.requires.first().map(String::as_str), requires, "{id}");
            assert!(!reg.depends_on_labour_status(m), "{id} counts every status");
            assert!(!d.notes.is_empty(), "{id} says what it counts");
        }
    }

    #[test]
    fn terms_name_a_population_and_a_status() {
        assert_eq!(split_term("EMP"), ("in_scope", Some("EMP")));
        assert_eq!(
            split_term("return_migrant:UNE"),
            ("return_migrant", Some("UNE"))
        );
        assert_eq!(split_term("recent_immigrant"), ("recent_immigrant", None));
        registry_error_when(
            "numerator = [\"recent_immigrant\"]",
            "numerator = [\"recent_migrants\"]",
            "not a population of the derived record",
        );
        registry_error_when(
            "numerator = [\"recent_immigrant\"]",
            "numerator = [\"recent_immigrant:EMPLOYED\"]",
            "must be one of EMP, UNE, OLF",
        );
        registry_error_when(
            "requires = [\"return_migrant\"]",
            "requires = [\"return\"]",
            "requires \"return\"",
        );
        registry_error_when(
            "{recent_years}",
            "{recent}",
            "{recent} is not a placeholder",
        );
        registry_error_when(
            "{ attribute = \"NOTE_CLASSIF\"",
            "{ attribute = \"NOTE\"",
            "note attribute NOTE is not an ILO note attribute",
        );
    }

    #[test]
    fn a_population_term_with_every_status_does_not_depend_on_the_labour_status() {
        let reg = Registry::parse(crate::reference::BUNDLED_REGISTRY, "dataflows.toml").unwrap();
        let measure = |numerator: &[&str]| Measure {
            id: "X_NB".into(),
            unit: "NB".into(),
            numerator: numerator.iter().map(|s| s.to_string()).collect(),
            denominator: None,
        };
        assert!(!reg.depends_on_labour_status(&measure(&["return_migrant"])));
        assert!(!reg.depends_on_labour_status(&measure(&[
            "return_migrant:EMP",
            "return_migrant:UNE",
            "return_migrant:OLF"
        ])));
        assert!(reg.depends_on_labour_status(&measure(&["return_migrant:EMP"])));
        assert!(reg.depends_on_labour_status(&measure(&["EMP", "return_migrant"])));
    }

    #[test]
    fn measures_depend_on_the_labour_status_unless_they_count_every_status() {
        let reg = Registry::parse(crate::reference::BUNDLED_REGISTRY, "dataflows.toml").unwrap();
        let depends = |id: &str| reg.depends_on_labour_status(reg.measure(id).unwrap());
        for id in ["MST_XWAP_NB", "MST_FORP_NB", "MST_NCTP_NB"] {
            assert!(!depends(id), "{id}");
        }
        for id in [
            "MST_TEAP_NB",
            "MST_TEMP_NB",
            "MST_TUNE_NB",
            "MST_TEIP_NB",
            "MST_TEAP_RT",
            "MST_TEMP_RT",
            "MST_TUNE_RT",
            "MST_TEIP_RT",
            "MST_FORE_NB",
            "MST_NCTE_NB",
        ] {
            assert!(depends(id), "{id}");
        }
        let note = &reg.basis_notes["main_activity"];
        assert_eq!(note.attribute, "NOTE_INDICATOR");
    }

    #[test]
    fn restrictions_and_dimensions_are_checked() {
        registry_error_when(
            "restrict = { CBR = \"CBR_BIR_FOREIGN\" }",
            "restrict = { CBR = \"CBR_BRT_FRA\" }",
            "not a code of breakdown CBR",
        );
        registry_error_when(
            "restrict = { CBR = \"CBR_BIR_FOREIGN\" }",
            "restrict = { NOPE = \"X\" }",
            "unknown breakdown NOPE",
        );
        registry_error_when(
            "breakdowns = [\"SEX\", \"CBR_BRT\"]",
            "breakdowns = [\"SEX\", \"CBR_BRT\", \"CBR\"]",
            "two breakdowns of dimension CBR",
        );
        registry_error_when(
            "column    = \"cbr_country\"",
            "column    = \"cbr_country\"\ncodes     = [\"CBR_BRT_FRA\"]",
            "either `codes` or `observed = true`",
        );
        registry_error_when(
            "attribute = \"NOTE_INDICATOR\"",
            "attribute = \"OBS_STATUS\"",
            "not an ILO note attribute",
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
