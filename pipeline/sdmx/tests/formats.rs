//! The new writers (GenericData 2.1, SDMX-CSV 2.0, StructureSpecificData
//! 3.0 and its XSD) against the samples and `xmllint`, and the data readers
//! on every sample.

mod common;

use common::*;
use sdmx::*;

const DSD: &str = "MST_TEAP_SEX_AGE_CBR_NB";
const FLOW: &str = "DF_MST_TEAP_SEX_AGE_CBR_NB";

fn two_series() -> DataMessage {
    let mut message = sample_message();
    message
        .dataset
        .series
        .push(sample_series("CBR_BIR_NATIVE", 27123.4));
    message
}

/// The message of `ss_30.xml`: its data set references the dataflow.
fn dataflow_message() -> DataMessage {
    let mut message = sample_message();
    message.dataset.structure = StructureRef {
        agency_id: "ILO".into(),
        id: FLOW.into(),
        version: "1.0".into(),
        kind: StructureKind::Dataflow,
    };
    message
}

fn sample(name: &str) -> String {
    std::fs::read_to_string(data(&format!("samples/{name}"))).unwrap()
}

fn written(f: impl FnOnce(&mut Vec<u8>) -> Result<()>) -> String {
    let mut out = Vec::new();
    f(&mut out).unwrap();
    String::from_utf8(out).unwrap()
}

/// Writes the 3.0 schema (in `namespace`) and wrapper next to `doc` and runs xmllint.
fn xmllint_30(doc: &[u8], namespace: &str) -> (bool, String) {
    let structures = test_structures();
    let dsd = structures.data_structure(DSD).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let xsd_dir = data("xsd/v3_0");
    let schema = written(|w| {
        write_dsd_schema_30_in_namespace(
            w,
            dsd,
            &structures,
            SchemaLayout::Series,
            xsd_dir.to_str().unwrap(),
            namespace,
        )
    });
    std::fs::write(dir.path().join("dsd.xsd"), schema).unwrap();
    let wrapper = written(|w| {
        write_validation_wrapper_30(
            w,
            namespace,
            "dsd.xsd",
            xsd_dir.join("SDMXMessage.xsd").to_str().unwrap(),
        )
    });
    std::fs::write(dir.path().join("wrapper.xsd"), wrapper).unwrap();
    std::fs::write(dir.path().join("message.xml"), doc).unwrap();
    xmllint(
        &dir.path().join("wrapper.xsd"),
        &dir.path().join("message.xml"),
    )
}

// ---------------------------------------------------------------------------
// Writers
// ---------------------------------------------------------------------------

#[test]
fn generic_21_is_byte_identical_to_the_sample_and_valid() {
    let structures = test_structures();
    let dsd = structures.data_structure(DSD).unwrap();
    let got = written(|w| write_generic_21(w, &sample_message(), dsd));
    assert_same_text(&sample("generic_21.xml"), &got);

    // The official schema alone validates GenericData; so does a bigger message.
    let mut big = two_series();
    big.dataset.series[1].observations[0].value = None;
    big.dataset.series[1].observations[0].attributes[0].1 = "C".into();
    big.dataset.series[1].observations[0].attributes[1].1 = "a \"quoted\" <text> & é\ttab".into();
    big.dataset.series[0].attributes.clear();
    big.dataset.series.push(Series {
        observations: vec![],
        ..sample_series("CBR_BIR_X", 1.0)
    });
    for message in [sample_message(), big, dataflow_message()] {
        let doc = written(|w| write_generic_21(w, &message, dsd));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("generic.xml");
        std::fs::write(&path, &doc).unwrap();
        let (ok, messages) = xmllint(&official_xsd_dir().join("SDMXMessage.xsd"), &path);
        assert!(ok, "{messages}\n{doc}");
    }
}

#[test]
fn generic_21_refuses_what_the_other_writers_refuse() {
    let structures = test_structures();
    let dsd = structures.data_structure(DSD).unwrap();
    let mut bad = sample_message();
    bad.dataset.series[0].observations[0]
        .attributes
        .push(("UNIT_MULT".into(), "3".into()));
    let mut out = Vec::new();
    assert!(matches!(
        write_generic_21(&mut out, &bad, dsd),
        Err(Error::InvalidData { .. })
    ));
    assert!(out.is_empty());
}

#[test]
fn csv_20_is_byte_identical_to_the_sample() {
    let structures = test_structures();
    let flow = structures.dataflow(FLOW).unwrap();
    let dsd = structures.data_structure_of(flow).unwrap();
    let got = written(|w| write_csv_20(w, &two_series(), dsd, flow));
    assert_same_text(&sample("csv20.csv"), &got);
    let mut delete = two_series();
    delete.dataset.action = Action::Delete;
    let got = written(|w| write_csv_20(w, &delete, dsd, flow));
    assert!(got
        .lines()
        .nth(1)
        .unwrap()
        .starts_with("dataflow,ILO:DF_MST_TEAP_SEX_AGE_CBR_NB(1.0),D,FRA,"));
}

#[test]
fn structure_specific_30_is_byte_identical_to_the_sample_and_valid() {
    let structures = test_structures();
    let dsd = structures.data_structure(DSD).unwrap();
    let got = written(|w| write_structure_specific_30(w, &dataflow_message(), dsd));
    assert_same_text(&sample("ss_30.xml"), &got);

    let flow_ns = structure_namespace(&dataflow_message().dataset.structure, "TIME_PERIOD");
    let (ok, messages) = xmllint_30(got.as_bytes(), &flow_ns);
    assert!(ok, "{messages}");
    // The sample itself validates with the emitted schema.
    let (ok, messages) = xmllint_30(sample("ss_30.xml").as_bytes(), &flow_ns);
    assert!(ok, "{messages}");

    // A DSD reference: `common:Structure` with a DataStructure URN, and the
    // schema in the DSD namespace.
    let dsd_message = two_series();
    let got = written(|w| write_structure_specific_30(w, &dsd_message, dsd));
    assert!(got.contains("<common:Structure>urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure=ILO:MST_TEAP_SEX_AGE_CBR_NB(1.0)</common:Structure>"), "{got}");
    let dsd_ns = structure_namespace(&dsd_message.dataset.structure, "TIME_PERIOD");
    let (ok, messages) = xmllint_30(got.as_bytes(), &dsd_ns);
    assert!(ok, "{messages}");

    // A code outside its codelist is rejected by the emitted 3.0 schema.
    let bad = got.replace("SEX=\"SEX_T\"", "SEX=\"T\"");
    let (ok, messages) = xmllint_30(bad.as_bytes(), &dsd_ns);
    assert!(!ok && messages.contains("SEX"), "{messages}");
}

#[test]
fn the_30_schema_and_wrapper_follow_the_samples() {
    let structures = test_structures();
    let dsd = structures.data_structure(DSD).unwrap();
    let flow_ns = structure_namespace(&dataflow_message().dataset.structure, "TIME_PERIOD");
    let wrapper = written(|w| {
        write_validation_wrapper_30(
            w,
            &flow_ns,
            "dsd_DF_MST_TEAP_SEX_AGE_CBR_NB_30.xsd",
            "../xsd/v3_0/SDMXMessage.xsd",
        )
    });
    assert_same_text(&sample("validate_ss_30.xsd"), &wrapper);
    let schema = written(|w| {
        write_dsd_schema_30_in_namespace(
            w,
            dsd,
            &structures,
            SchemaLayout::Series,
            "../xsd/v3_0",
            &flow_ns,
        )
    });
    let hand = sample("dsd_DF_MST_TEAP_SEX_AGE_CBR_NB_30.xsd");
    // Same header, imports and complex-type skeleton as the hand-written sample.
    for line in hand.lines().filter(|l| {
        let t = l.trim_start();
        t.starts_with("xmlns")
            || t.starts_with("targetNamespace")
            || t.starts_with("<xs:import")
            || t.starts_with("<xs:choice")
            || t.starts_with("<xs:element")
            || t.starts_with("<xs:complexType")
            || t.starts_with("<xs:restriction base=\"dsd:")
    }) {
        assert!(
            schema.contains(line),
            "emitted 3.0 schema lacks {line:?}\n{schema}"
        );
    }
    assert!(!schema.contains("REPORTING_YEAR_START_DAY"));
    assert!(schema.contains("<xs:enumeration value=\"SEX_O\"/>"));
    // The default namespace of write_dsd_schema_30 is the DSD's.
    let by_dsd = written(|w| write_dsd_schema_30(w, dsd, &structures, SchemaLayout::Flat, "x"));
    assert!(by_dsd.contains("targetNamespace=\"urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure=ILO:MST_TEAP_SEX_AGE_CBR_NB(1.0):ObsLevelDim:AllDimensions\""));
}

// ---------------------------------------------------------------------------
// Readers
// ---------------------------------------------------------------------------

fn read(text: &str) -> DataMessage {
    read_data(text.as_bytes(), &test_structures()).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

#[test]
fn every_sample_reads_back_to_its_message() {
    let mut ss21 = sample_message();
    ss21.dataset.dataflow_id = None;
    assert_eq!(read(&sample("ss_21.xml")), ss21);
    assert_eq!(read(&sample("generic_21.xml")), ss21);
    assert_eq!(read(&sample("ss_30.xml")), dataflow_message());

    let flow = StructureRef {
        agency_id: "ILO".into(),
        id: FLOW.into(),
        version: "1.0".into(),
        kind: StructureKind::Dataflow,
    };
    let mut csv = two_series();
    csv.header = Header::default();
    csv.dataset.structure = flow;
    assert_eq!(read(&sample("csv10.csv")), csv);
    assert_eq!(read(&sample("csv20.csv")), csv);
}

#[test]
fn flat_layouts_are_grouped_into_series() {
    let structures = test_structures();
    let dsd = structures.data_structure(DSD).unwrap();
    let mut message = two_series();
    message.dataset.dataflow_id = None;
    message.dataset.series[0].observations.push(Observation {
        time_period: "2024".into(),
        value: Some(1.0),
        attributes: vec![("OBS_STATUS".into(), "P".into())],
    });
    let flat = written(|w| write_structure_specific_21_flat(w, &message, dsd));
    assert_eq!(read(&flat), message);

    // Generic flat layout (ObsKey), hand-made from the series layout.
    let generic = written(|w| write_generic_21(w, &message, dsd));
    let mut flat_generic = String::new();
    let mut series_key = String::new();
    let mut series_attrs = String::new();
    let mut mode = "";
    for line in generic.lines() {
        let t = line.trim();
        match t {
            "<generic:Series>" | "</generic:Series>" => continue,
            "<generic:SeriesKey>" => {
                mode = "key";
                series_key.clear();
                continue;
            }
            "</generic:SeriesKey>" => {
                mode = "";
                continue;
            }
            "<generic:Attributes>" if mode.is_empty() && !line.starts_with("        ") => {
                mode = "sattr";
                series_attrs.clear();
                continue;
            }
            "</generic:Attributes>" if mode == "sattr" => {
                mode = "";
                continue;
            }
            _ => {}
        }
        match mode {
            "key" => {
                series_key.push_str(t);
                continue;
            }
            "sattr" => {
                series_attrs.push_str(t);
                continue;
            }
            _ => {}
        }
        if t.starts_with("<generic:ObsDimension") {
            let period = t.split('"').nth(1).unwrap();
            flat_generic.push_str(&format!("<generic:ObsKey>{series_key}<generic:Value id=\"TIME_PERIOD\" value=\"{period}\"/></generic:ObsKey>\n"));
            continue;
        }
        if t == "<generic:Attributes>" {
            flat_generic.push_str(&format!("<generic:Attributes>{series_attrs}\n"));
            continue;
        }
        flat_generic.push_str(line);
        flat_generic.push('\n');
    }
    let flat_generic = flat_generic.replace(
        "dimensionAtObservation=\"TIME_PERIOD\"",
        "dimensionAtObservation=\"AllDimensions\"",
    );
    assert_eq!(read(&flat_generic), message, "{flat_generic}");
}

#[test]
fn read_errors_name_the_line() {
    let structures = test_structures();
    let bad = sample("ss_21.xml").replace("OBS_VALUE=\"3456.7\"", "OBS_VALUE=\"lots\"");
    let err = read_data(bad.as_bytes(), &structures).unwrap_err();
    assert!(matches!(err, Error::Data { line: 26, .. }), "{err}");
    assert!(err.to_string().contains("'lots' is not a number"), "{err}");

    let truncated = &sample("ss_21.xml")[..900];
    let err = read_data(truncated.as_bytes(), &structures).unwrap_err();
    assert!(matches!(err, Error::Xml { .. }), "{err}");

    let csv = sample("csv10.csv").replace(",P,NB,", ",P,NB,,");
    let err = read_data(csv.as_bytes(), &structures).unwrap_err();
    assert!(matches!(err, Error::Data { line: 2, .. }), "{err}");

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.csv");
    std::fs::write(&path, sample("csv20.csv")).unwrap();
    assert_eq!(
        read_data_path(&path, &structures).unwrap().dataset.action,
        Action::Replace
    );
    let err = read_data_path(&dir.path().join("missing.xml"), &structures).unwrap_err();
    assert!(err.to_string().contains("missing.xml"), "{err}");
}

#[test]
fn csv_columns_may_come_in_any_order_with_other_delimiters() {
    let text = "STRUCTURE;STRUCTURE_ID;ACTION;TIME_PERIOD;OBS_VALUE;CBR;AGE;SEX;MEASURE;FREQ;REF_AREA;UNIT_MULT;OBS_STATUS\r\n\
                dataflow;ILO:DF_MST_TEAP_SEX_AGE_CBR_NB(1.0);I;2023;\"1,5\";CBR_BIR_X;AGE_YTHADULT_YGE15;SEX_T;MST_TEAP_NB;A;FRA;3;P\r\n";
    let structures = test_structures();
    let outcome = validate_reader(text.as_bytes(), &structures).unwrap();
    assert!(
        outcome
            .iter()
            .any(|p| p.component == "OBS_VALUE" && p.message.contains("'1,5' is not a number")),
        "{outcome:?}"
    );
    let fixed = text.replace("\"1,5\"", "1.5");
    let m = read(&fixed);
    assert_eq!(m.dataset.action, Action::Information);
    let s = &m.dataset.series[0];
    assert_eq!(
        s.key_string(),
        "FRA.A.MST_TEAP_NB.SEX_T.AGE_YTHADULT_YGE15.CBR_BIR_X"
    );
    assert_eq!(s.attributes, pairs(&[("UNIT_MULT", "3")]));
    assert_eq!(s.observations[0].value, Some(1.5));
}

#[test]
fn odd_inputs_are_reported_not_panicked_on() {
    let structures = test_structures();
    let cases: &[(&str, &str, &str)] = &[
        ("", "csv", "not SDMX-CSV"),
        ("hello,world\n1,2\n", "csv", "not SDMX-CSV"),
        ("<a/>", "message", "root element `a`"),
        ("<?xml version=\"1.0\"?>", "xml", "no root element"),
        ("DATAFLOW,REF_AREA\n", "csv", "no data row"),
        (
            "\u{FEFF}DATAFLOW,REF_AREA\nILO:DF_X,FRA\n",
            "DATAFLOW",
            "not a structure reference",
        ),
        (
            "STRUCTURE,STRUCTURE_ID\ndataprovision,ILO:X(1.0)\n",
            "STRUCTURE",
            "not supported",
        ),
    ];
    for (input, component, fragment) in cases {
        let problems = validate_reader(input.as_bytes(), &structures).unwrap();
        assert!(
            problems
                .iter()
                .any(|p| p.component == *component && p.message.contains(fragment)),
            "{input:?}: {problems:#?}"
        );
        assert!(read_data(input.as_bytes(), &structures).is_err());
    }
    // Group elements and data-set attributes are reported, the rest is read.
    let grouped = sample("ss_21.xml").replace(
        "    <Series ",
        "    <Group type=\"G\" REF_AREA=\"FRA\"/>\n    <Series ",
    );
    let problems = validate_reader(grouped.as_bytes(), &structures).unwrap();
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(problems[0].message.contains("`Group` is not supported"));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// Damaged samples never make the reader panic.
    #[test]
    fn damaged_files_never_panic(which in 0usize..5, at in proptest::prelude::any::<proptest::sample::Index>(), byte in proptest::prelude::any::<u8>(), cut in proptest::prelude::any::<bool>()) {
        let name = ["ss_21.xml", "generic_21.xml", "ss_30.xml", "csv10.csv", "csv20.csv"][which];
        let mut bytes = sample(name).into_bytes();
        let i = at.index(bytes.len());
        if cut { bytes.truncate(i) } else { bytes[i] = byte }
        static STRUCTURES: std::sync::OnceLock<StructureSet> = std::sync::OnceLock::new();
        let structures = STRUCTURES.get_or_init(test_structures);
        let _ = validate_reader(bytes.as_slice(), structures).unwrap();
        let _ = read_data(bytes.as_slice(), structures);
    }
}
