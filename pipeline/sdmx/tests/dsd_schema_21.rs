//! The DSD-specific XML Schema emitter and the validation wrapper.

mod common;

use common::*;
use sdmx::*;

fn schema(layout: SchemaLayout) -> String {
    let structures = test_structures();
    let dsd = structures
        .data_structure("MST_TEAP_SEX_AGE_CBR_NB")
        .unwrap();
    let mut out = Vec::new();
    write_dsd_schema_21(&mut out, dsd, &structures, layout, "../xsd/v2_1").unwrap();
    String::from_utf8(out).unwrap()
}

/// `(name, type, use)` of the `xs:attribute`s declared in complex type `name`.
fn attributes_of(xsd: &str, complex_type: &str) -> Vec<(String, String, String)> {
    let start = xsd
        .find(&format!(r#"<xs:complexType name="{complex_type}">"#))
        .expect(complex_type);
    let body = &xsd[start..start + xsd[start..].find("</xs:complexType>").unwrap()];
    let attr = |line: &str, key: &str| {
        let from = line.find(&format!(r#"{key}=""#))? + key.len() + 2;
        Some(line[from..from + line[from..].find('"')?].to_string())
    };
    body.lines()
        .filter(|l| l.trim_start().starts_with("<xs:attribute "))
        .map(|l| {
            (
                attr(l, "name").unwrap(),
                attr(l, "type").unwrap(),
                attr(l, "use").unwrap(),
            )
        })
        .collect()
}

fn names_and_uses(attrs: &[(String, String, String)]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = attrs
        .iter()
        .map(|(n, _, u)| (n.clone(), u.clone()))
        .collect();
    v.sort();
    v
}

#[test]
fn the_series_schema_declares_the_same_components_as_the_hand_written_one() {
    let ours = schema(SchemaLayout::Series);
    let sample =
        std::fs::read_to_string(data("samples/dsd_MST_TEAP_SEX_AGE_CBR_NB_21.xsd")).unwrap();
    for complex_type in ["DataSetType", "SeriesType", "ObsType"] {
        assert_eq!(
            names_and_uses(&attributes_of(&ours, complex_type)),
            names_and_uses(&attributes_of(&sample, complex_type)),
            "{complex_type}"
        );
    }
}

#[test]
fn the_flat_schema_declares_every_component_on_obs() {
    let ours = schema(SchemaLayout::Flat);
    let obs = attributes_of(&ours, "ObsType");
    let sample =
        std::fs::read_to_string(data("samples/dsd_DF_MST_TEAP_SEX_AGE_CBR_NB_21_flat.xsd"))
            .unwrap();
    let mut expected = names_and_uses(&attributes_of(&sample, "ObsType"));
    // The hand-written flat sample omits the two bounds; the DSD has them.
    expected.push(("LOWER_BOUND".into(), "optional".into()));
    expected.push(("UPPER_BOUND".into(), "optional".into()));
    expected.sort();
    assert_eq!(names_and_uses(&obs), expected);
    assert!(!ours.contains(r#"name="SeriesType""#));
    assert!(ours.contains("ObsLevelDim:AllDimensions"));
}

#[test]
fn every_enumerated_component_is_typed_by_its_full_codelist() {
    let structures = test_structures();
    let ours = schema(SchemaLayout::Series);
    let mut all: Vec<(String, String, String)> = Vec::new();
    for t in ["SeriesType", "ObsType"] {
        all.extend(attributes_of(&ours, t));
    }
    let type_of = |name: &str| {
        all.iter()
            .find(|(n, _, _)| n == name)
            .map(|(_, t, _)| t.as_str())
            .unwrap()
    };
    for (component, codelist) in [
        ("REF_AREA", "CL_AREA"),
        ("FREQ", "CL_FREQ"),
        ("MEASURE", "CL_MEASURE"),
        ("SEX", "CL_SEX"),
        ("AGE", "CL_AGE"),
        ("CBR", "CL_CBR"),
        ("OBS_STATUS", "CL_OBS_STATUS"),
        ("UNIT_MEASURE_TYPE", "CL_UNIT_MEASURE_TYPE"),
        ("UNIT_MEASURE", "CL_UNIT_MEASURE"),
        ("UNIT_MULT", "CL_UNIT_MULT"),
        ("DECIMALS", "CL_DECIMALS"),
    ] {
        assert_eq!(type_of(component), codelist);
        let start = ours
            .find(&format!(r#"<xs:simpleType name="{codelist}">"#))
            .expect(codelist);
        let body = &ours[start..start + ours[start..].find("</xs:simpleType>").unwrap()];
        let codes: Vec<&str> = body
            .split(r#"<xs:enumeration value=""#)
            .skip(1)
            .map(|s| &s[..s.find('"').unwrap()])
            .collect();
        let expected: Vec<&str> = structures
            .codelist(codelist)
            .unwrap()
            .codes()
            .iter()
            .map(|c| c.id.as_str())
            .collect();
        assert_eq!(codes, expected, "{codelist}");
    }
    assert_eq!(type_of("TIME_PERIOD"), "common:ObservationalTimePeriodType");
    assert_eq!(type_of("OBS_VALUE"), "xs:double");
    assert_eq!(type_of("SOURCE"), "xs:string");
    assert!(ours.contains(r#"schemaLocation="../xsd/v2_1/SDMXDataStructureSpecific.xsd""#));
    assert!(ours.contains(r#"schemaLocation="../xsd/v2_1/SDMXCommon.xsd""#));
}

#[test]
fn the_schema_is_deterministic() {
    assert_eq!(schema(SchemaLayout::Series), schema(SchemaLayout::Series));
}

#[test]
fn the_schema_placed_next_to_the_samples_validates_the_sample_message() {
    // Same relative layout as the shared samples: samples/ next to xsd/v2_1.
    let dir = tempfile::tempdir().unwrap();
    let samples = dir.path().join("samples");
    std::fs::create_dir(&samples).unwrap();
    std::fs::create_dir(dir.path().join("xsd")).unwrap();
    for entry in std::fs::read_dir(official_xsd_dir()).unwrap() {
        let entry = entry.unwrap();
        let target = dir.path().join("xsd/v2_1");
        std::fs::create_dir_all(&target).unwrap();
        std::fs::copy(entry.path(), target.join(entry.file_name())).unwrap();
    }
    std::fs::write(samples.join("dsd.xsd"), schema(SchemaLayout::Series)).unwrap();
    let namespace = "urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure=ILO:MST_TEAP_SEX_AGE_CBR_NB(1.0):ObsLevelDim:TIME_PERIOD";
    let mut wrapper = Vec::new();
    write_validation_wrapper_21(
        &mut wrapper,
        namespace,
        "dsd.xsd",
        "../xsd/v2_1/SDMXMessage.xsd",
    )
    .unwrap();
    std::fs::write(samples.join("wrapper.xsd"), wrapper).unwrap();
    let (ok, messages) = xmllint(&samples.join("wrapper.xsd"), &data("samples/ss_21.xml"));
    assert!(ok, "{messages}");
}

#[test]
fn the_wrapper_is_byte_identical_to_the_sample_wrapper() {
    let mut out = Vec::new();
    write_validation_wrapper_21(
        &mut out,
        "urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure=ILO:MST_TEAP_SEX_AGE_CBR_NB(1.0):ObsLevelDim:TIME_PERIOD",
        "dsd_MST_TEAP_SEX_AGE_CBR_NB_21.xsd",
        "../xsd/v2_1/SDMXMessage.xsd",
    )
    .unwrap();
    let expected = std::fs::read_to_string(data("samples/validate_ss_21.xsd")).unwrap();
    assert_same_text(&expected, &String::from_utf8(out).unwrap());
}

#[test]
fn codes_outside_any_codelist_are_rejected_by_xmllint() {
    let sample = std::fs::read_to_string(data("samples/ss_21.xml")).unwrap();
    for (good, bad) in [
        (r#"SEX="SEX_T""#, r#"SEX="T""#),
        (r#"REF_AREA="FRA""#, r#"REF_AREA="FRANCE""#),
        (r#"OBS_STATUS="P""#, r#"OBS_STATUS="Q""#),
        (r#"UNIT_MULT="3""#, r#"UNIT_MULT="4""#),
        (r#"TIME_PERIOD="2023""#, r#"TIME_PERIOD="last year""#),
        (r#"OBS_VALUE="3456.7""#, r#"OBS_VALUE="3,456.7""#),
    ] {
        let doc = sample.replace(good, bad);
        assert_ne!(doc, sample);
        let (ok, _) = validate_with_emitted_schema(doc.as_bytes(), SchemaLayout::Series);
        assert!(!ok, "{bad} was accepted");
    }
}

#[test]
fn a_missing_or_empty_codelist_is_an_error() {
    let mut structures = test_structures();
    let dsd = structures
        .data_structure("MST_TEAP_SEX_AGE_CBR_NB")
        .unwrap()
        .clone();
    let mut empty = structures.codelist("CL_SEX").unwrap().clone();
    empty = Codelist::new(
        empty.id,
        empty.agency_id,
        empty.version,
        empty.names,
        vec![],
    );
    structures.codelists.insert("CL_SEX".into(), empty);
    let err =
        write_dsd_schema_21(Vec::new(), &dsd, &structures, SchemaLayout::Series, ".").unwrap_err();
    assert!(
        err.to_string()
            .contains("codelist ILO:CL_SEX(1.0) (used by SEX) has no codes"),
        "{err}"
    );
    structures.codelists.remove("CL_SEX");
    let err =
        write_dsd_schema_21(Vec::new(), &dsd, &structures, SchemaLayout::Series, ".").unwrap_err();
    assert!(
        err.to_string()
            .contains("codelist ILO:CL_SEX(1.0) (used by SEX) is not in the structure set"),
        "{err}"
    );
}

#[test]
fn text_format_facets_become_a_restriction() {
    let mut structures = test_structures();
    let mut dsd = structures
        .data_structure("MST_TEAP_SEX_AGE_CBR_NB")
        .unwrap()
        .clone();
    let note = dsd
        .attributes
        .iter_mut()
        .find(|a| a.id == "NOTE_SOURCE")
        .unwrap();
    note.representation = Some(Representation::Text(TextFormat {
        max_length: Some(1024),
        ..Default::default()
    }));
    structures
        .data_structures
        .insert(dsd.id.clone(), dsd.clone());
    let mut out = Vec::new();
    write_dsd_schema_21(&mut out, &dsd, &structures, SchemaLayout::Series, ".").unwrap();
    let xsd = String::from_utf8(out).unwrap();
    assert!(
        xsd.contains(r#"<xs:simpleType name="NOTE_SOURCE_Text"><xs:restriction base="xs:string">"#)
    );
    assert!(xsd.contains(r#"<xs:maxLength value="1024"/>"#));
    assert!(xsd
        .contains(r#"<xs:attribute name="NOTE_SOURCE" type="NOTE_SOURCE_Text" use="optional"/>"#));
}
