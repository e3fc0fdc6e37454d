//! Semantic validation of a data message against its DSD and codelists.
//!
//! XSD validation (with the schema from
//! [`write_dsd_schema_21`](crate::write_dsd_schema_21)) checks codes and
//! value types; it cannot check uniqueness, attachment levels, the link
//! between `FREQ` and `TIME_PERIOD`, or ILOSTAT's unit conventions. This
//! module checks all of them and reports every problem it finds, in input
//! order (series by series, components in DSD order), so that the report is
//! stable from run to run.
//!
//! | rule | component | source |
//! |---|---|---|
//! | data set references the DSD (or a dataflow using it) | `structure` | SDMX-ML 2.1 |
//! | header ids are `common:IDType` | `header` | SDMX-ML 2.1 |
//! | every DSD dimension in each key, in DSD order, nothing else | the dimension | SDMX 2.1 IM §5.3 |
//! | every enumerated code in its codelist | the component | SDMX 2.1 IM §5.3 |
//! | no duplicate series key | `key` | SDMX 2.1 IM §5.4 |
//! | no duplicate `TIME_PERIOD` in a series | the time dimension | SDMX 2.1 IM §5.4 |
//! | attributes known, at their attachment level, given once | the attribute | SDMX-ML 2.1 3B |
//! | mandatory attributes present at their level | the attribute | SDMX 2.1 IM §5.3 |
//! | `TIME_PERIOD` matches `FREQ` (A `YYYY`, Q `YYYY-Qn`, M `YYYY-Mmm`) | the time dimension | ILOSTAT (spec §1.6) |
//! | units match the measure: `…_NB` → `NB`/`PS`/`3`, `…_RT` → `RT`/`PT`/`0` | the unit attribute | ILOSTAT (spec §1.4) |
//! | text attributes at most `MAXTEXTATTRIBUTELENGTH` (default 1,024) characters, or the TextFormat's `maxLength` | the attribute | ILOSTAT DSD annotation |
//! | `OBS_VALUE` finite, and absent only with `OBS_STATUS` = `C` | the primary measure | ILOSTAT convention |

use std::collections::{BTreeSet, HashSet};
use std::fmt;

use crate::data::{DataMessage, Observation, Series, StructureKind};
use crate::model::{
    AssignmentStatus, AttachmentLevel, DataStructure, Representation, StructureSet,
};

/// The default limit on text attribute length when the DSD does not carry
/// ILO's `MAXTEXTATTRIBUTELENGTH` annotation.
pub const DEFAULT_MAX_TEXT_ATTRIBUTE_LENGTH: usize = 1024;

/// One problem found by [`validate`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Problem {
    /// Dot-joined series key (`PHL.Q.MST_TEAP_NB.SEX_T.AGE_YTHADULT_YGE15.CBR_BIR_X`),
    /// followed by ` @ <time period>` for observation-level problems; empty
    /// for message-level problems.
    pub series_key: String,
    /// The component (or `structure`, `header`, `key`) concerned.
    pub component: String,
    /// What is wrong, in words.
    pub message: String,
}

impl fmt::Display for Problem {
    /// `PHL.Q.…: SEX: code 'T' is not in codelist ILO:CL_SEX(1.0)`; the key
    /// part is left out for message-level problems.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.series_key.is_empty() {
            write!(f, "{}: {}", self.component, self.message)
        } else {
            write!(
                f,
                "{}: {}: {}",
                self.series_key, self.component, self.message
            )
        }
    }
}

/// Checks `message` against `dsd` and the codelists in `structures`; see the
/// module documentation for the rules. Returns every problem found (empty
/// when the message is valid). Never panics, whatever the input.
pub fn validate(
    message: &DataMessage,
    dsd: &DataStructure,
    structures: &StructureSet,
) -> Vec<Problem> {
    let mut v = Validator {
        dsd,
        structures,
        problems: Vec::new(),
        missing_codelists: BTreeSet::new(),
    };
    v.check_message(message);
    let mut seen_keys: HashSet<Vec<(&str, &str)>> = HashSet::new();
    for series in &message.dataset.series {
        v.check_series(series, &mut seen_keys);
    }
    for r in std::mem::take(&mut v.missing_codelists) {
        v.problems.push(Problem {
            series_key: String::new(),
            component: "structure".to_string(),
            message: format!(
                "codelist {r} is not in the structure set; its codes were not checked"
            ),
        });
    }
    v.problems
}

struct Validator<'a> {
    dsd: &'a DataStructure,
    structures: &'a StructureSet,
    problems: Vec<Problem>,
    missing_codelists: BTreeSet<String>,
}

/// `common:IDType`: `[A-Za-z0-9_@$\-]+`.
fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '@' | '$' | '-'))
}

impl<'a> Validator<'a> {
    fn report(&mut self, key: &str, component: &str, message: impl Into<String>) {
        self.problems.push(Problem {
            series_key: key.to_string(),
            component: component.to_string(),
            message: message.into(),
        });
    }

    fn check_message(&mut self, message: &DataMessage) {
        let dsd = self.dsd;
        let r = &message.dataset.structure;
        match r.kind {
            StructureKind::DataStructure => {
                if r.agency_id != dsd.agency_id || r.id != dsd.id || r.version != dsd.version {
                    self.report(
                        "",
                        "structure",
                        format!(
                            "data set references DSD {}:{}({}), not {}",
                            r.agency_id,
                            r.id,
                            r.version,
                            dsd.reference()
                        ),
                    );
                }
            }
            StructureKind::Dataflow => match self.structures.dataflow(&r.id) {
                None => self.report(
                    "",
                    "structure",
                    format!("dataflow {} is not in the structure set", r.id),
                ),
                Some(df) => {
                    if df.structure != dsd.reference() {
                        self.report(
                            "",
                            "structure",
                            format!(
                                "dataflow {} uses DSD {}, not {}",
                                df.reference(),
                                df.structure,
                                dsd.reference()
                            ),
                        );
                    }
                }
            },
        }
        let h = &message.header;
        for (name, value) in [
            ("ID", Some(&h.id)),
            ("Sender", Some(&h.sender)),
            ("Receiver", h.receiver.as_ref()),
        ] {
            if let Some(value) = value {
                if !is_id(value) {
                    self.report(
                        "",
                        "header",
                        format!("{name} '{value}' is not an SDMX id ([A-Za-z0-9_@$-]+)"),
                    );
                }
            }
        }
        if h.prepared.trim().is_empty() {
            self.report("", "header", "Prepared is empty");
        }
    }

    fn check_series<'s>(
        &mut self,
        series: &'s Series,
        seen_keys: &mut HashSet<Vec<(&'s str, &'s str)>>,
    ) {
        let dsd = self.dsd;
        let key = series.key_string();
        let time = dsd.time_dimension_id();

        // Key structure.
        let given: Vec<&str> = series.key.iter().map(|(id, _)| id.as_str()).collect();
        let expected: Vec<&str> = dsd.dimensions.iter().map(|d| d.id.as_str()).collect();
        if given != expected {
            for (i, id) in given.iter().enumerate() {
                if given[..i].contains(id) {
                    self.report(&key, id, "dimension given twice in the series key");
                } else if *id == time {
                    self.report(
                        &key,
                        id,
                        "the time dimension belongs on observations, not in the series key",
                    );
                } else if !expected.contains(id) {
                    self.report(&key, id, "not a dimension of the DSD");
                }
            }
            for id in &expected {
                if !given.contains(id) {
                    self.report(&key, id, "dimension missing from the series key");
                }
            }
            let known: Vec<&str> = given
                .iter()
                .copied()
                .filter(|id| expected.contains(id))
                .collect();
            let in_dsd_order: Vec<&str> = expected
                .iter()
                .copied()
                .filter(|id| given.contains(id))
                .collect();
            if known != in_dsd_order {
                self.report(
                    &key,
                    "key",
                    format!("dimensions are not in DSD order ({})", expected.join(".")),
                );
            }
        }

        // Codes.
        for (id, code) in &series.key {
            if let Some(d) = dsd.dimension(id) {
                self.check_code(&key, id, code, &d.concept, d.representation.as_ref());
            }
        }

        // Duplicate keys (order-insensitive).
        let mut normalised: Vec<(&str, &str)> = series
            .key
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        normalised.sort_unstable();
        if !seen_keys.insert(normalised) {
            self.report(&key, "key", "duplicate series key");
        }

        // Series attributes.
        self.check_attributes(&key, &series.attributes, AttachmentLevel::Series);

        // Observations.
        let freq = series.key_value("FREQ");
        let mut periods: HashSet<&str> = HashSet::new();
        for obs in &series.observations {
            let at = format!("{key} @ {}", obs.time_period);
            if !periods.insert(obs.time_period.as_str()) {
                self.report(
                    &at,
                    time,
                    format!("duplicate observation for {time} '{}'", obs.time_period),
                );
            }
            if let Some(freq) = freq {
                if let Some(problem) = time_period_problem(freq, &obs.time_period) {
                    self.report(&at, time, problem);
                }
            } else if obs.time_period.is_empty() {
                self.report(&at, time, "empty time period");
            }
            self.check_value(&at, obs);
            self.check_attributes(&at, &obs.attributes, AttachmentLevel::Observation);
        }

        self.check_units(&key, series);
    }

    fn check_code(
        &mut self,
        at: &str,
        component: &str,
        code: &str,
        concept: &crate::model::ConceptRef,
        local: Option<&Representation>,
    ) {
        let Some(Representation::Enumerated(r)) = self.structures.representation_of(concept, local)
        else {
            return;
        };
        match self.structures.resolve_codelist(r) {
            Some(list) => {
                if !list.contains(code) {
                    self.report(
                        at,
                        component,
                        format!("code '{code}' is not in codelist {r}"),
                    );
                }
            }
            None => {
                self.missing_codelists.insert(r.to_string());
            }
        }
    }

    fn check_attributes(&mut self, at: &str, given: &[(String, String)], level: AttachmentLevel) {
        let dsd = self.dsd;
        let time = dsd.time_dimension_id();
        let max_len = dsd
            .max_text_attribute_length()
            .unwrap_or(DEFAULT_MAX_TEXT_ATTRIBUTE_LENGTH);
        for (i, (id, value)) in given.iter().enumerate() {
            let Some(attr) = dsd.attribute(id) else {
                self.report(at, id, "not an attribute of the DSD");
                continue;
            };
            if given[..i].iter().any(|(other, _)| other == id) {
                self.report(at, id, "attribute given twice");
            }
            let expected = attr.attachment_level(time);
            if expected != level {
                self.report(
                    at,
                    id,
                    format!("given at {level} level, but the DSD attaches it at {expected} level"),
                );
            }
            match self
                .structures
                .representation_of(&attr.concept, attr.representation.as_ref())
            {
                Some(Representation::Enumerated(_)) => {
                    self.check_code(at, id, value, &attr.concept, attr.representation.as_ref());
                }
                other => {
                    let limit = match other {
                        Some(Representation::Text(tf)) => tf
                            .max_length
                            .and_then(|n| usize::try_from(n).ok())
                            .unwrap_or(max_len),
                        _ => max_len,
                    };
                    let len = value.chars().count();
                    if len > limit {
                        self.report(
                            at,
                            id,
                            format!("text is {len} characters long, more than the {limit} allowed"),
                        );
                    }
                }
            }
        }
        for attr in &dsd.attributes {
            if attr.assignment_status == AssignmentStatus::Mandatory
                && attr.attachment_level(time) == level
                && !given.iter().any(|(id, _)| *id == attr.id)
            {
                self.report(at, &attr.id, "mandatory attribute missing");
            }
        }
    }

    fn check_value(&mut self, at: &str, obs: &Observation) {
        let measure = &self.dsd.primary_measure.id;
        match obs.value {
            Some(v) if !v.is_finite() => {
                self.report(at, measure, format!("value {v} is not a finite number"))
            }
            Some(_) => {}
            None => {
                let status = obs.attribute("OBS_STATUS");
                if status != Some("C") {
                    let shown = status.map_or_else(|| "absent".to_string(), |s| format!("'{s}'"));
                    self.report(
                        at,
                        measure,
                        format!("value missing, which is only allowed with OBS_STATUS 'C' (confidential); OBS_STATUS is {shown}"),
                    );
                }
            }
        }
    }

    /// ILOSTAT units follow the measure's suffix (spec §1.4).
    fn check_units(&mut self, key: &str, series: &Series) {
        let Some(measure) = series.key_value("MEASURE") else {
            return;
        };
        let Some(expected) = ilo_units(measure) else {
            return;
        };
        for (attr_id, want) in [
            ("UNIT_MEASURE_TYPE", expected.0),
            ("UNIT_MEASURE", expected.1),
            ("UNIT_MULT", expected.2),
        ] {
            if self.dsd.attribute(attr_id).is_none() {
                continue;
            }
            let given: Vec<&str> = std::iter::once(series.attribute(attr_id))
                .chain(series.observations.iter().map(|o| o.attribute(attr_id)))
                .flatten()
                .collect();
            if given.is_empty() {
                self.report(
                    key,
                    attr_id,
                    format!("missing; measure {measure} requires '{want}'"),
                );
            }
            for value in given.into_iter().collect::<BTreeSet<_>>() {
                if value != want {
                    self.report(
                        key,
                        attr_id,
                        format!(
                            "'{value}' does not fit measure {measure}, which requires '{want}'"
                        ),
                    );
                }
            }
        }
    }
}

/// The ILOSTAT unit attributes `(UNIT_MEASURE_TYPE, UNIT_MEASURE, UNIT_MULT)`
/// implied by a measure code's suffix: `_NB` (a count, in thousands of
/// persons) or `_RT` (a rate, in percent). `None` for other measures.
pub fn ilo_units(measure: &str) -> Option<(&'static str, &'static str, &'static str)> {
    if measure.ends_with("_NB") {
        Some(("NB", "PS", "3"))
    } else if measure.ends_with("_RT") {
        Some(("RT", "PT", "0"))
    } else {
        None
    }
}

/// Checks an ILOSTAT time period against its frequency code: `A` → `YYYY`,
/// `Q` → `YYYY-Qn` (n = 1–4), `M` → `YYYY-Mmm` (mm = 01–12). Other
/// frequencies are not checked. Returns the problem, if any.
pub fn time_period_problem(freq: &str, period: &str) -> Option<String> {
    let b = period.as_bytes();
    let year_ok = b.len() >= 4 && b[..4].iter().all(u8::is_ascii_digit);
    let ok = match freq {
        "A" => b.len() == 4 && year_ok,
        "Q" => b.len() == 7 && year_ok && &b[4..6] == b"-Q" && (b'1'..=b'4').contains(&b[6]),
        "M" => {
            b.len() == 8
                && year_ok
                && &b[4..6] == b"-M"
                && b[6..8].iter().all(u8::is_ascii_digit)
                && matches!((b[6] - b'0') * 10 + (b[7] - b'0'), 1..=12)
        }
        _ => return None,
    };
    if ok {
        None
    } else {
        let format = match freq {
            "A" => "YYYY",
            "Q" => "YYYY-Qn with n from 1 to 4",
            _ => "YYYY-Mmm with mm from 01 to 12",
        };
        Some(format!(
            "time period '{period}' does not match FREQ '{freq}' (expected {format})"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::*;
    use crate::model::*;

    fn concept(id: &str) -> ConceptRef {
        ConceptRef {
            agency_id: "ILO".into(),
            scheme_id: "CS".into(),
            scheme_version: "1.0".into(),
            id: id.into(),
        }
    }

    fn enumerated(cl: &str) -> Option<Representation> {
        Some(Representation::Enumerated(ItemSchemeRef::new(
            "ILO", cl, "1.0",
        )))
    }

    fn codelist(id: &str, codes: &[&str]) -> Codelist {
        Codelist::new(
            id,
            "ILO",
            "1.0",
            vec![],
            codes.iter().map(|c| Code::new(*c, *c)).collect(),
        )
    }

    /// A miniature ILO DSD: REF_AREA, FREQ, MEASURE, SEX + TIME_PERIOD, with
    /// the ILO attachment pattern.
    fn structures() -> (DataStructure, StructureSet) {
        let dim = |id: &str, pos: u32, cl: &str| Dimension {
            id: id.into(),
            position: pos,
            concept: concept(id),
            representation: enumerated(cl),
        };
        let attr = |id: &str, rep: Option<Representation>, rel: AttributeRelationship| Attribute {
            id: id.into(),
            assignment_status: AssignmentStatus::Conditional,
            concept: concept(id),
            representation: rep,
            relationship: rel,
        };
        let by_measure = || AttributeRelationship::Dimensions(vec!["MEASURE".into()]);
        let dsd = DataStructure {
            id: "MST_TEAP_SEX_NB".into(),
            agency_id: "ILO".into(),
            version: "1.0".into(),
            dimensions: vec![
                dim("REF_AREA", 1, "CL_AREA"),
                dim("FREQ", 2, "CL_FREQ"),
                dim("MEASURE", 3, "CL_MEASURE"),
                dim("SEX", 4, "CL_SEX"),
            ],
            time_dimension: Some(TimeDimension {
                id: "TIME_PERIOD".into(),
                position: 5,
                ..Default::default()
            }),
            attributes: vec![
                attr(
                    "OBS_STATUS",
                    enumerated("CL_OBS_STATUS"),
                    AttributeRelationship::PrimaryMeasure,
                ),
                attr(
                    "UNIT_MEASURE_TYPE",
                    enumerated("CL_UNIT_MEASURE_TYPE"),
                    by_measure(),
                ),
                attr("UNIT_MEASURE", enumerated("CL_UNIT_MEASURE"), by_measure()),
                attr("UNIT_MULT", enumerated("CL_UNIT_MULT"), by_measure()),
                attr(
                    "SOURCE",
                    None,
                    AttributeRelationship::Dimensions(vec![
                        "REF_AREA".into(),
                        "MEASURE".into(),
                        "TIME_PERIOD".into(),
                    ]),
                ),
            ],
            primary_measure: PrimaryMeasure {
                id: "OBS_VALUE".into(),
                ..Default::default()
            },
            ..Default::default()
        };
        let mut set = StructureSet::default();
        for cl in [
            codelist("CL_AREA", &["PHL", "FRA"]),
            codelist("CL_FREQ", &["A", "Q", "M"]),
            codelist("CL_MEASURE", &["MST_TEAP_NB", "MST_TEAP_RT"]),
            codelist("CL_SEX", &["SEX_T", "SEX_M", "SEX_F"]),
            codelist("CL_OBS_STATUS", &["C", "P", "E"]),
            codelist("CL_UNIT_MEASURE_TYPE", &["NB", "RT"]),
            codelist("CL_UNIT_MEASURE", &["PS", "PT"]),
            codelist("CL_UNIT_MULT", &["0", "3"]),
        ] {
            set.codelists.insert(cl.id.clone(), cl);
        }
        set.data_structures.insert(dsd.id.clone(), dsd.clone());
        (dsd, set)
    }

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    fn series(freq: &str, sex: &str) -> Series {
        Series {
            key: pairs(&[
                ("REF_AREA", "PHL"),
                ("FREQ", freq),
                ("MEASURE", "MST_TEAP_NB"),
                ("SEX", sex),
            ]),
            attributes: pairs(&[
                ("UNIT_MEASURE_TYPE", "NB"),
                ("UNIT_MEASURE", "PS"),
                ("UNIT_MULT", "3"),
            ]),
            observations: vec![Observation {
                time_period: if freq == "Q" { "2024-Q1" } else { "2024" }.into(),
                value: Some(1.5),
                attributes: pairs(&[("OBS_STATUS", "P"), ("SOURCE", "LFS - Labour Force Survey")]),
            }],
        }
    }

    fn message(series: Vec<Series>) -> DataMessage {
        DataMessage {
            header: Header {
                id: "MIGSTAT_1".into(),
                test: true,
                prepared: "2025-01-15T10:00:00Z".into(),
                sender: "XX_NSO".into(),
                receiver: Some("ILO".into()),
            },
            dataset: DataSet {
                structure: StructureRef {
                    agency_id: "ILO".into(),
                    id: "MST_TEAP_SEX_NB".into(),
                    version: "1.0".into(),
                    kind: StructureKind::DataStructure,
                },
                series,
                ..Default::default()
            },
        }
    }

    fn problems(series: Vec<Series>) -> Vec<String> {
        let (dsd, set) = structures();
        validate(&message(series), &dsd, &set)
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn a_well_formed_message_has_no_problems() {
        assert_eq!(
            problems(vec![series("Q", "SEX_T"), series("Q", "SEX_M")]),
            Vec::<String>::new()
        );
    }

    #[test]
    fn a_code_outside_its_codelist_is_reported_with_key_and_codelist() {
        assert_eq!(
            problems(vec![series("Q", "T")]),
            vec!["PHL.Q.MST_TEAP_NB.T: SEX: code 'T' is not in codelist ILO:CL_SEX(1.0)"]
        );
    }

    #[test]
    fn enumerated_attribute_values_are_checked_too() {
        let mut s = series("A", "SEX_T");
        s.observations[0].attributes[0].1 = "Q".into();
        assert_eq!(
            problems(vec![s]),
            vec!["PHL.A.MST_TEAP_NB.SEX_T @ 2024: OBS_STATUS: code 'Q' is not in codelist ILO:CL_OBS_STATUS(1.0)"]
        );
    }

    #[test]
    fn missing_unknown_and_misordered_dimensions_are_reported() {
        let mut s = series("A", "SEX_T");
        s.key.swap(0, 1);
        s.key.pop();
        s.key.push(("AGE".into(), "AGE_X".into()));
        let got = problems(vec![s]);
        assert!(
            got.contains(&"A.PHL.MST_TEAP_NB.AGE_X: AGE: not a dimension of the DSD".to_string()),
            "{got:#?}"
        );
        assert!(got.contains(
            &"A.PHL.MST_TEAP_NB.AGE_X: SEX: dimension missing from the series key".to_string()
        ));
        assert!(
            got.iter()
                .any(|p| p.contains("not in DSD order (REF_AREA.FREQ.MEASURE.SEX)")),
            "{got:#?}"
        );
    }

    #[test]
    fn the_time_dimension_in_a_key_is_reported() {
        let mut s = series("A", "SEX_T");
        s.key.push(("TIME_PERIOD".into(), "2024".into()));
        let got = problems(vec![s]);
        assert!(
            got.iter()
                .any(|p| p.contains("TIME_PERIOD: the time dimension belongs on observations")),
            "{got:#?}"
        );
    }

    #[test]
    fn duplicate_series_keys_are_reported_even_in_another_order() {
        let mut twin = series("A", "SEX_T");
        twin.key.reverse();
        let got = problems(vec![series("A", "SEX_T"), twin]);
        assert!(
            got.contains(&"SEX_T.MST_TEAP_NB.A.PHL: key: duplicate series key".to_string()),
            "{got:#?}"
        );
    }

    #[test]
    fn duplicate_observations_are_reported() {
        let mut s = series("A", "SEX_T");
        s.observations.push(s.observations[0].clone());
        assert_eq!(
            problems(vec![s]),
            vec!["PHL.A.MST_TEAP_NB.SEX_T @ 2024: TIME_PERIOD: duplicate observation for TIME_PERIOD '2024'"]
        );
    }

    #[test]
    fn attributes_must_be_known_and_at_their_attachment_level() {
        let mut s = series("A", "SEX_T");
        s.attributes.push(("OBS_STATUS".into(), "P".into())); // observation-level, given on the series
        s.observations[0]
            .attributes
            .push(("UNIT_MULT".into(), "3".into())); // series-level, given on an obs
        s.observations[0]
            .attributes
            .push(("COLOUR".into(), "blue".into()));
        let got = problems(vec![s]);
        assert_eq!(
            got,
            vec![
                "PHL.A.MST_TEAP_NB.SEX_T: OBS_STATUS: given at series level, but the DSD attaches it at observation level",
                "PHL.A.MST_TEAP_NB.SEX_T @ 2024: UNIT_MULT: given at observation level, but the DSD attaches it at series level",
                "PHL.A.MST_TEAP_NB.SEX_T @ 2024: COLOUR: not an attribute of the DSD",
            ]
        );
    }

    #[test]
    fn mandatory_attributes_must_be_present() {
        let (mut dsd, set) = structures();
        dsd.attributes[0].assignment_status = AssignmentStatus::Mandatory;
        let mut s = series("A", "SEX_T");
        s.observations[0]
            .attributes
            .retain(|(id, _)| id != "OBS_STATUS");
        let got: Vec<String> = validate(&message(vec![s]), &dsd, &set)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            got,
            vec!["PHL.A.MST_TEAP_NB.SEX_T @ 2024: OBS_STATUS: mandatory attribute missing"]
        );
    }

    #[test]
    fn time_periods_must_match_the_frequency() {
        assert_eq!(time_period_problem("A", "2023"), None);
        assert_eq!(time_period_problem("Q", "2023-Q4"), None);
        assert_eq!(time_period_problem("M", "2023-M01"), None);
        assert_eq!(time_period_problem("M", "2023-M12"), None);
        for (freq, bad) in [
            ("A", "2023-Q1"),
            ("A", "23"),
            ("Q", "2023"),
            ("Q", "2023-Q5"),
            ("Q", "2023-Q0"),
            ("M", "2023-M13"),
            ("M", "2023-M00"),
            ("M", "2023-M1"),
            ("M", "2023-01"),
            ("A", ""),
            ("M", "2023-Mé"),
        ] {
            assert!(
                time_period_problem(freq, bad).is_some(),
                "{freq} {bad} accepted"
            );
        }
        assert_eq!(time_period_problem("W", "whatever"), None);
        let mut s = series("Q", "SEX_T");
        s.observations[0].time_period = "2024".into();
        assert_eq!(
            problems(vec![s]),
            vec!["PHL.Q.MST_TEAP_NB.SEX_T @ 2024: TIME_PERIOD: time period '2024' does not match FREQ 'Q' (expected YYYY-Qn with n from 1 to 4)"]
        );
    }

    #[test]
    fn units_must_match_the_measure_suffix() {
        assert_eq!(ilo_units("MST_TEAP_NB"), Some(("NB", "PS", "3")));
        assert_eq!(ilo_units("MST_TEAP_RT"), Some(("RT", "PT", "0")));
        assert_eq!(ilo_units("MST_TEAP_XX"), None);
        let mut rate = series("A", "SEX_T");
        rate.key[2].1 = "MST_TEAP_RT".into();
        rate.attributes.retain(|(id, _)| id != "UNIT_MULT");
        let got = problems(vec![rate]);
        assert_eq!(
            got,
            vec![
                "PHL.A.MST_TEAP_RT.SEX_T: UNIT_MEASURE_TYPE: 'NB' does not fit measure MST_TEAP_RT, which requires 'RT'",
                "PHL.A.MST_TEAP_RT.SEX_T: UNIT_MEASURE: 'PS' does not fit measure MST_TEAP_RT, which requires 'PT'",
                "PHL.A.MST_TEAP_RT.SEX_T: UNIT_MULT: missing; measure MST_TEAP_RT requires '0'",
            ]
        );
    }

    #[test]
    fn text_attributes_are_limited_to_1024_characters() {
        let mut s = series("A", "SEX_T");
        s.observations[0].attributes[1].1 = "é".repeat(1024);
        assert_eq!(problems(vec![s.clone()]), Vec::<String>::new());
        s.observations[0].attributes[1].1 = "é".repeat(1025);
        assert_eq!(
            problems(vec![s]),
            vec!["PHL.A.MST_TEAP_NB.SEX_T @ 2024: SOURCE: text is 1025 characters long, more than the 1024 allowed"]
        );
    }

    #[test]
    fn the_dsd_annotation_sets_the_text_limit() {
        let (mut dsd, set) = structures();
        dsd.annotations.push(Annotation {
            title: Some("10".into()),
            type_: Some("MAXTEXTATTRIBUTELENGTH".into()),
            ..Default::default()
        });
        let got = validate(&message(vec![series("A", "SEX_T")]), &dsd, &set);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].component, "SOURCE");
        assert!(got[0].message.contains("more than the 10 allowed"));
    }

    #[test]
    fn a_missing_value_needs_obs_status_c_and_values_must_be_finite() {
        let mut confidential = series("A", "SEX_T");
        confidential.observations[0].value = None;
        confidential.observations[0].attributes[0].1 = "C".into();
        assert_eq!(problems(vec![confidential.clone()]), Vec::<String>::new());

        let mut missing = confidential.clone();
        missing.observations[0].attributes[0].1 = "P".into();
        assert_eq!(
            problems(vec![missing]),
            vec!["PHL.A.MST_TEAP_NB.SEX_T @ 2024: OBS_VALUE: value missing, which is only allowed with OBS_STATUS 'C' (confidential); OBS_STATUS is 'P'"]
        );

        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let mut s = series("A", "SEX_T");
            s.observations[0].value = Some(bad);
            let got = problems(vec![s]);
            assert_eq!(got.len(), 1, "{got:?}");
            assert!(
                got[0].contains("OBS_VALUE: value") && got[0].contains("not a finite number"),
                "{got:?}"
            );
        }
    }

    #[test]
    fn the_data_set_must_reference_the_dsd_and_header_ids_must_be_ids() {
        let (dsd, set) = structures();
        let mut m = message(vec![series("A", "SEX_T")]);
        m.dataset.structure.id = "OTHER".into();
        m.header.sender = "XX NSO".into();
        let got: Vec<String> = validate(&m, &dsd, &set)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            got,
            vec![
                "structure: data set references DSD ILO:OTHER(1.0), not ILO:MST_TEAP_SEX_NB(1.0)",
                "header: Sender 'XX NSO' is not an SDMX id ([A-Za-z0-9_@$-]+)",
            ]
        );
    }

    #[test]
    fn a_missing_codelist_is_reported_once() {
        let (dsd, mut set) = structures();
        set.codelists.remove("CL_SEX");
        let got: Vec<String> = validate(
            &message(vec![series("A", "SEX_T"), series("A", "SEX_M")]),
            &dsd,
            &set,
        )
        .iter()
        .map(ToString::to_string)
        .collect();
        assert_eq!(got, vec!["structure: codelist ILO:CL_SEX(1.0) is not in the structure set; its codes were not checked"]);
    }
}
