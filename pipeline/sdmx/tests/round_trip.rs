//! Round trips on random valid messages for the TEST DSD: for each format,
//! write → read → write is byte-identical, and read gives back the message
//! (minus what the format cannot carry: SDMX-CSV has no header and names
//! the dataflow; SDMX-CSV 1.0 has no action).

mod common;

use std::sync::OnceLock;

use proptest::prelude::*;
use proptest::sample::Index;
use sdmx::*;

const DSD: &str = "MST_TEAP_SEX_AGE_CBR_NB";
const FLOW: &str = "DF_MST_TEAP_SEX_AGE_CBR_NB";

fn structures() -> &'static StructureSet {
    static S: OnceLock<StructureSet> = OnceLock::new();
    S.get_or_init(common::test_structures)
}

fn dsd() -> &'static DataStructure {
    structures().data_structure(DSD).unwrap()
}

fn flow() -> &'static Dataflow {
    structures().dataflow(FLOW).unwrap()
}

/// The codes of a component's codelist, if enumerated.
fn codes_of(concept: &ConceptRef, local: Option<&Representation>) -> Option<Vec<String>> {
    let s = structures();
    match s.representation_of(concept, local)? {
        Representation::Enumerated(r) => Some(
            s.resolve_codelist(r)?
                .codes()
                .iter()
                .map(|c| c.id.clone())
                .collect(),
        ),
        Representation::Text(_) => None,
    }
}

fn dimension_codes(id: &str) -> Vec<String> {
    let d = dsd().dimension(id).unwrap();
    let mut codes = codes_of(&d.concept, d.representation.as_ref()).unwrap();
    match id {
        "FREQ" => codes.retain(|c| matches!(c.as_str(), "A" | "Q" | "M")),
        "MEASURE" => codes.retain(|c| ilo_units(c).is_some()),
        _ => {}
    }
    assert!(!codes.is_empty(), "{id}");
    codes
}

/// Text that needs escaping in XML and quoting in CSV, with non-ASCII.
fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 éü€中😀,;\"'<>&\t\n\r-]{1,24}"
}

/// Choices for one attribute: include it?, which code, which text.
fn attribute_choice() -> impl Strategy<Value = (bool, Index, String)> {
    (any::<bool>(), any::<Index>(), text())
}

fn finite_or_missing() -> impl Strategy<Value = Option<f64>> {
    use proptest::num::f64 as F;
    prop_oneof![
        4 => (F::POSITIVE | F::NEGATIVE | F::NORMAL | F::SUBNORMAL | F::ZERO).prop_map(Some),
        1 => (-1e7f64..1e7).prop_map(|v| Some((v * 10.0).round() / 10.0)),
        1 => Just(None),
    ]
}

#[derive(Debug, Clone)]
struct ObsSpec {
    value: Option<f64>,
    status: Index,
    attributes: Vec<(bool, Index, String)>,
}

#[derive(Debug, Clone)]
struct SeriesSpec {
    key: Vec<Index>,
    periods: std::collections::BTreeSet<u16>,
    attributes: Vec<(bool, Index, String)>,
    observations: Vec<ObsSpec>,
}

fn obs_spec() -> impl Strategy<Value = ObsSpec> {
    (
        finite_or_missing(),
        any::<Index>(),
        prop::collection::vec(attribute_choice(), 12),
    )
        .prop_map(|(value, status, attributes)| ObsSpec {
            value,
            status,
            attributes,
        })
}

fn series_spec() -> impl Strategy<Value = SeriesSpec> {
    (
        prop::collection::vec(any::<Index>(), 6),
        prop::collection::btree_set(0u16..400, 1..5),
        prop::collection::vec(attribute_choice(), 12),
        prop::collection::vec(obs_spec(), 5),
    )
        .prop_map(|(key, periods, attributes, observations)| SeriesSpec {
            key,
            periods,
            attributes,
            observations,
        })
}

fn period(freq: &str, n: u16) -> String {
    match freq {
        "A" => format!("{}", 1950 + n),
        "Q" => format!("{}-Q{}", 1950 + n / 4, n % 4 + 1),
        _ => format!("{}-M{:02}", 1950 + n / 12, n % 12 + 1),
    }
}

/// Attribute values at `level`, in DSD order, from the random choices.
fn attributes(
    level: AttachmentLevel,
    choices: &[(bool, Index, String)],
    fixed: &[(&str, &str)],
) -> Vec<(String, String)> {
    let d = dsd();
    let mut out = Vec::new();
    for (a, (include, index, text)) in d.attributes.iter().zip(choices) {
        if a.attachment_level(d.time_dimension_id()) != level {
            continue;
        }
        if let Some((_, v)) = fixed.iter().find(|(id, _)| *id == a.id) {
            out.push((a.id.clone(), v.to_string()));
            continue;
        }
        if matches!(
            a.id.as_str(),
            "UNIT_MEASURE_TYPE" | "UNIT_MEASURE" | "UNIT_MULT" | "OBS_STATUS"
        ) || !include
        {
            continue;
        }
        let value = match codes_of(&a.concept, a.representation.as_ref()) {
            Some(codes) => index.get(&codes).clone(),
            None => text.clone(),
        };
        out.push((a.id.clone(), value));
    }
    out
}

fn message() -> impl Strategy<Value = DataMessage> {
    (
        "[A-Za-z0-9_@$-]{1,20}",
        any::<bool>(),
        "[A-Z_]{1,10}",
        prop::option::of("[A-Z_]{1,10}"),
        any::<bool>(),
        prop::sample::select(vec![
            Action::Replace,
            Action::Append,
            Action::Delete,
            Action::Information,
        ]),
        prop::collection::vec(series_spec(), 1..5),
    )
        .prop_map(|(id, test, sender, receiver, by_flow, action, specs)| {
            let d = dsd();
            let dims: Vec<(String, Vec<String>)> = d
                .dimensions
                .iter()
                .map(|dim| (dim.id.clone(), dimension_codes(&dim.id)))
                .collect();
            let mut series = Vec::new();
            let mut seen = std::collections::HashSet::new();
            for spec in specs {
                let key: Vec<(String, String)> = dims
                    .iter()
                    .zip(&spec.key)
                    .map(|((id, codes), i)| (id.clone(), i.get(codes).clone()))
                    .collect();
                if !seen.insert(key.clone()) {
                    continue;
                }
                let freq = key[1].1.clone();
                let units = ilo_units(&key[2].1).unwrap();
                let series_attributes = attributes(
                    AttachmentLevel::Series,
                    &spec.attributes,
                    &[
                        ("UNIT_MEASURE_TYPE", units.0),
                        ("UNIT_MEASURE", units.1),
                        ("UNIT_MULT", units.2),
                    ],
                );
                let statuses = codes_of(
                    &d.attribute("OBS_STATUS").unwrap().concept,
                    d.attribute("OBS_STATUS").unwrap().representation.as_ref(),
                )
                .unwrap();
                let observations = spec
                    .periods
                    .iter()
                    .zip(&spec.observations)
                    .map(|(n, o)| {
                        let status = if o.value.is_none() {
                            "C".to_string()
                        } else {
                            o.status.get(&statuses).clone()
                        };
                        Observation {
                            time_period: period(&freq, *n),
                            value: o.value,
                            attributes: attributes(
                                AttachmentLevel::Observation,
                                &o.attributes,
                                &[("OBS_STATUS", status.as_str())],
                            ),
                        }
                    })
                    .collect();
                series.push(Series {
                    key,
                    attributes: series_attributes,
                    observations,
                });
            }
            let (structure, dataflow_id) = if by_flow {
                (
                    StructureRef {
                        agency_id: "ILO".into(),
                        id: FLOW.into(),
                        version: "1.0".into(),
                        kind: StructureKind::Dataflow,
                    },
                    Some(FLOW.to_string()),
                )
            } else {
                (
                    StructureRef {
                        agency_id: "ILO".into(),
                        id: DSD.into(),
                        version: "1.0".into(),
                        kind: StructureKind::DataStructure,
                    },
                    None,
                )
            };
            DataMessage {
                header: Header {
                    id,
                    test,
                    prepared: "2025-01-15T10:00:00Z".into(),
                    sender,
                    receiver,
                },
                dataset: DataSet {
                    structure,
                    dataflow_id,
                    action,
                    series,
                },
            }
        })
}

#[derive(Debug, Clone, Copy)]
enum Format {
    Ss21,
    Ss21Flat,
    Generic21,
    Ss30,
    Csv10,
    Csv20,
}

fn write(format: Format, m: &DataMessage) -> Vec<u8> {
    let mut out = Vec::new();
    match format {
        Format::Ss21 => write_structure_specific_21(&mut out, m, dsd()),
        Format::Ss21Flat => write_structure_specific_21_flat(&mut out, m, dsd()),
        Format::Generic21 => write_generic_21(&mut out, m, dsd()),
        Format::Ss30 => write_structure_specific_30(&mut out, m, dsd()),
        Format::Csv10 => write_csv_10(&mut out, m, dsd(), flow()),
        Format::Csv20 => write_csv_20(&mut out, m, dsd(), flow()),
    }
    .unwrap();
    out
}

/// What reading `format` gives back for `m`.
fn expected(format: Format, m: &DataMessage) -> DataMessage {
    let mut m = m.clone();
    if matches!(format, Format::Csv10 | Format::Csv20) {
        m.header = Header::default();
        m.dataset.structure = StructureRef {
            agency_id: "ILO".into(),
            id: FLOW.into(),
            version: "1.0".into(),
            kind: StructureKind::Dataflow,
        };
        m.dataset.dataflow_id = Some(FLOW.into());
    }
    if matches!(format, Format::Csv10) {
        m.dataset.action = Action::Replace;
    }
    m
}

fn round_trip(format: Format, m: &DataMessage) -> std::result::Result<(), TestCaseError> {
    prop_assert_eq!(
        validate(m, dsd(), structures()),
        vec![],
        "generator made an invalid message"
    );
    let first = write(format, m);
    let back = read_data(first.as_slice(), structures())
        .map_err(|e| TestCaseError::fail(format!("{e}\n{}", String::from_utf8_lossy(&first))))?;
    prop_assert_eq!(&back, &expected(format, m));
    let second = write(format, &back);
    prop_assert!(
        first == second,
        "second write differs:\n{}\n---\n{}",
        String::from_utf8_lossy(&first),
        String::from_utf8_lossy(&second)
    );
    let problems = validate_reader(first.as_slice(), structures()).unwrap();
    prop_assert!(problems.is_empty(), "{:?}", problems);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn structure_specific_21_round_trips(m in message()) { round_trip(Format::Ss21, &m)?; }

    #[test]
    fn structure_specific_21_flat_round_trips(m in message()) { round_trip(Format::Ss21Flat, &m)?; }

    #[test]
    fn generic_21_round_trips(m in message()) { round_trip(Format::Generic21, &m)?; }

    #[test]
    fn structure_specific_30_round_trips(m in message()) { round_trip(Format::Ss30, &m)?; }

    #[test]
    fn csv_10_round_trips(m in message()) { round_trip(Format::Csv10, &m)?; }

    #[test]
    fn csv_20_round_trips(m in message()) { round_trip(Format::Csv20, &m)?; }
}

/// Random messages with awkward text validate with xmllint in every XML
/// format (a few cases: xmllint is slow).
#[test]
fn random_messages_validate_with_xmllint() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let dir = tempfile::tempdir().unwrap();
    let v21 = common::official_xsd_dir();
    let v30 = common::data("xsd/v3_0");
    for case in 0..4 {
        let m = message().new_tree(&mut runner).unwrap().current();
        for format in [
            Format::Ss21,
            Format::Ss21Flat,
            Format::Generic21,
            Format::Ss30,
        ] {
            let (layout, xsd_dir) = match format {
                Format::Ss21Flat => (SchemaLayout::Flat, &v21),
                Format::Ss30 => (SchemaLayout::Series, &v30),
                _ => (SchemaLayout::Series, &v21),
            };
            let namespace =
                structure_namespace(&m.dataset.structure, layout.dimension_at_observation(dsd()));
            let mut schema = Vec::new();
            let mut wrapper = Vec::new();
            let message_xsd = xsd_dir.join("SDMXMessage.xsd");
            let message_xsd = message_xsd.to_str().unwrap();
            if let Format::Ss30 = format {
                write_dsd_schema_30_in_namespace(
                    &mut schema,
                    dsd(),
                    structures(),
                    layout,
                    xsd_dir.to_str().unwrap(),
                    &namespace,
                )
                .unwrap();
                write_validation_wrapper_30(&mut wrapper, &namespace, "dsd.xsd", message_xsd)
                    .unwrap();
            } else {
                write_dsd_schema_21_in_namespace(
                    &mut schema,
                    dsd(),
                    structures(),
                    layout,
                    xsd_dir.to_str().unwrap(),
                    &namespace,
                )
                .unwrap();
                write_validation_wrapper_21(&mut wrapper, &namespace, "dsd.xsd", message_xsd)
                    .unwrap();
            }
            std::fs::write(dir.path().join("dsd.xsd"), schema).unwrap();
            std::fs::write(dir.path().join("wrapper.xsd"), wrapper).unwrap();
            let doc = dir.path().join("m.xml");
            std::fs::write(&doc, write(format, &m)).unwrap();
            let schema = match format {
                Format::Generic21 => v21.join("SDMXMessage.xsd"),
                _ => dir.path().join("wrapper.xsd"),
            };
            let (ok, messages) = common::xmllint(&schema, &doc);
            assert!(ok, "case {case} {format:?}: {messages}");
        }
    }
}
