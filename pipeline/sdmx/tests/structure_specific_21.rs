//! The SDMX-ML 2.1 StructureSpecificData writer: golden bytes, XSD validity,
//! and refusals.

mod common;

use common::*;
use sdmx::*;

fn dsd(structures: &StructureSet) -> &DataStructure {
    structures
        .data_structure("MST_TEAP_SEX_AGE_CBR_NB")
        .unwrap()
}

fn write(message: &DataMessage) -> Result<String> {
    let structures = test_structures();
    let mut out = Vec::new();
    write_structure_specific_21(&mut out, message, dsd(&structures))?;
    Ok(String::from_utf8(out).unwrap())
}

#[test]
fn output_is_byte_identical_to_the_hand_checked_sample() {
    let expected = std::fs::read_to_string(data("samples/ss_21.xml")).unwrap();
    assert_same_text(&expected, &write(&sample_message()).unwrap());
}

#[test]
fn attributes_given_in_any_order_are_written_in_dsd_order() {
    let mut message = sample_message();
    let series = &mut message.dataset.series[0];
    series.key.reverse();
    series.attributes.reverse();
    series.observations[0].attributes.reverse();
    let expected = std::fs::read_to_string(data("samples/ss_21.xml")).unwrap();
    assert_same_text(&expected, &write(&message).unwrap());
}

#[test]
fn output_is_deterministic() {
    let mut message = sample_message();
    message
        .dataset
        .series
        .push(sample_series("CBR_BIR_NATIVE", 27123.4));
    assert_eq!(write(&message).unwrap(), write(&message).unwrap());
}

#[test]
fn the_sample_and_our_output_validate_against_the_emitted_schema() {
    let sample = std::fs::read(data("samples/ss_21.xml")).unwrap();
    let (ok, messages) = validate_with_emitted_schema(&sample, SchemaLayout::Series);
    assert!(ok, "sample rejected:\n{messages}");

    let mut message = sample_message();
    message
        .dataset
        .series
        .push(sample_series("CBR_BIR_NATIVE", 27123.4));
    let mut confidential = sample_series("CBR_BIR_TOTAL", 0.0);
    confidential.observations[0].value = None;
    confidential.observations[0].attributes[0].1 = "C".into();
    confidential.observations[0].attributes.push((
        "NOTE_INDICATOR".into(),
        "Quotes \" & <angles>\nand lines".into(),
    ));
    message.dataset.series.push(confidential);
    let (ok, messages) =
        validate_with_emitted_schema(write(&message).unwrap().as_bytes(), SchemaLayout::Series);
    assert!(ok, "our output rejected:\n{messages}");
}

#[test]
fn a_code_outside_the_codelist_is_rejected_by_xmllint() {
    let mut message = sample_message();
    message.dataset.series[0].key[3].1 = "T".into(); // SEX="T" is not in CL_SEX
    let xml = write(&message).unwrap();
    assert!(xml.contains(r#"SEX="T""#));
    let (ok, messages) = validate_with_emitted_schema(xml.as_bytes(), SchemaLayout::Series);
    assert!(!ok, "SEX=\"T\" was accepted");
    assert!(
        messages.contains("'T'") && messages.contains("SEX"),
        "{messages}"
    );
    // ... and by our own validator, with the key in the message.
    let structures = test_structures();
    let problems = validate(&message, dsd(&structures), &structures);
    assert_eq!(
        problems.iter().map(ToString::to_string).collect::<Vec<_>>(),
        ["FRA.A.MST_TEAP_NB.T.AGE_YTHADULT_YGE15.CBR_BIR_FOREIGN: SEX: code 'T' is not in codelist ILO:CL_SEX(1.0)"]
    );
}

#[test]
fn a_duplicate_series_key_is_rejected_by_the_validator() {
    let mut message = sample_message();
    message
        .dataset
        .series
        .push(sample_series("CBR_BIR_FOREIGN", 1.0));
    let structures = test_structures();
    let problems = validate(&message, dsd(&structures), &structures);
    assert_eq!(
        problems.iter().map(ToString::to_string).collect::<Vec<_>>(),
        ["FRA.A.MST_TEAP_NB.SEX_T.AGE_YTHADULT_YGE15.CBR_BIR_FOREIGN: key: duplicate series key"]
    );
}

#[test]
fn an_attribute_at_the_wrong_level_is_refused_and_nothing_is_written() {
    let mut message = sample_message();
    // SOURCE relates to TIME_PERIOD, so it belongs on Obs, not on Series.
    let source = message.dataset.series[0].observations[0]
        .attributes
        .remove(1);
    message.dataset.series[0].attributes.push(source);
    let structures = test_structures();
    let mut out = Vec::new();
    let err = write_structure_specific_21(&mut out, &message, dsd(&structures)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot write FRA.A.MST_TEAP_NB.SEX_T.AGE_YTHADULT_YGE15.CBR_BIR_FOREIGN: SOURCE: \
         given at series level, but the DSD attaches it at observation level"
    );
    assert!(
        out.is_empty(),
        "a refused message must leave the sink untouched"
    );
}

#[test]
fn keys_that_do_not_fit_the_dsd_are_refused() {
    type Mutation = fn(&mut Series);
    let cases: [(Mutation, &str); 4] = [
        (
            |s| s.key.retain(|(id, _)| id != "AGE"),
            "AGE: dimension missing from the series key",
        ),
        (
            |s| s.key.push(("CCT".into(), "CCT_CIT_TOTAL".into())),
            "CCT: not a dimension of the DSD",
        ),
        (
            |s| s.key.push(("TIME_PERIOD".into(), "2023".into())),
            "TIME_PERIOD: the time dimension belongs on observations",
        ),
        (
            |s| {
                s.observations[0]
                    .attributes
                    .push(("COLOUR".into(), "red".into()))
            },
            "COLOUR: not an attribute of the DSD",
        ),
    ];
    for (mutate, expected) in cases {
        let mut message = sample_message();
        mutate(&mut message.dataset.series[0]);
        let err = write(&message).unwrap_err().to_string();
        assert!(err.contains(expected), "{err}");
    }
}

#[test]
fn non_finite_values_are_refused() {
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let mut message = sample_message();
        message.dataset.series[0].observations[0].value = Some(bad);
        let err = write(&message).unwrap_err().to_string();
        assert!(
            err.contains("OBS_VALUE: value") && err.contains("not a finite number"),
            "{err}"
        );
    }
}

#[test]
fn a_data_set_for_another_dsd_is_refused() {
    let mut message = sample_message();
    message.dataset.structure.id = "MST_TEAP_SEX_AGE_CCT_NB".into();
    assert!(matches!(write(&message), Err(Error::MissingStructure(_))));
}

#[test]
fn a_missing_value_omits_obs_value_and_special_characters_are_escaped() {
    let mut message = sample_message();
    let obs = &mut message.dataset.series[0].observations[0];
    obs.value = None;
    obs.attributes[0].1 = "C".into();
    obs.attributes
        .push(("NOTE_SOURCE".into(), "R&D <2023> \"x\"\n".into()));
    let xml = write(&message).unwrap();
    assert!(
        xml.contains(
            r#"<Obs TIME_PERIOD="2023" OBS_STATUS="C" SOURCE="LFS - Labour Force Survey" NOTE_SOURCE="R&amp;D &lt;2023&gt; &quot;x&quot;&#10;" DECIMALS="1"/>"#
        ),
        "{xml}"
    );
}

#[test]
fn a_dataflow_reference_uses_structure_usage() {
    let mut message = sample_message();
    message.dataset.structure.kind = StructureKind::Dataflow;
    message.dataset.structure.id = "DF_MST_TEAP_SEX_AGE_CBR_NB".into();
    message.header.receiver = None;
    let xml = write(&message).unwrap();
    assert!(xml.contains(r#"<message:Structure structureID="ILO_DF_MST_TEAP_SEX_AGE_CBR_NB_1_0""#));
    assert!(xml.contains(
        r#"namespace="urn:sdmx:org.sdmx.infomodel.datastructure.Dataflow=ILO:DF_MST_TEAP_SEX_AGE_CBR_NB(1.0):ObsLevelDim:TIME_PERIOD""#
    ));
    assert!(xml.contains("<common:StructureUsage>\n        <Ref agencyID=\"ILO\" id=\"DF_MST_TEAP_SEX_AGE_CBR_NB\" version=\"1.0\"/>"));
    assert!(xml.contains(r#"ss:dataScope="Dataflow""#));
    assert!(!xml.contains("message:Receiver"));

    // It validates against a schema emitted in the dataflow namespace.
    let structures = test_structures();
    let dir = tempfile::tempdir().unwrap();
    let namespace = structure_namespace(&message.dataset.structure, "TIME_PERIOD");
    let mut schema = Vec::new();
    let xsd_dir = official_xsd_dir();
    write_dsd_schema_21_in_namespace(
        &mut schema,
        dsd(&structures),
        &structures,
        SchemaLayout::Series,
        xsd_dir.to_str().unwrap(),
        &namespace,
    )
    .unwrap();
    std::fs::write(dir.path().join("dsd.xsd"), schema).unwrap();
    let mut wrapper = Vec::new();
    let message_xsd = xsd_dir.join("SDMXMessage.xsd");
    write_validation_wrapper_21(
        &mut wrapper,
        &namespace,
        "dsd.xsd",
        message_xsd.to_str().unwrap(),
    )
    .unwrap();
    std::fs::write(dir.path().join("wrapper.xsd"), wrapper).unwrap();
    std::fs::write(dir.path().join("message.xml"), &xml).unwrap();
    let (ok, messages) = xmllint(
        &dir.path().join("wrapper.xsd"),
        &dir.path().join("message.xml"),
    );
    assert!(ok, "{messages}");
}

#[test]
fn the_flat_layout_validates_against_the_flat_schema() {
    let structures = test_structures();
    let mut message = sample_message();
    message
        .dataset
        .series
        .push(sample_series("CBR_BIR_NATIVE", 27123.4));
    let mut out = Vec::new();
    write_structure_specific_21_flat(&mut out, &message, dsd(&structures)).unwrap();
    let xml = String::from_utf8(out).unwrap();
    assert!(xml.contains(r#"dimensionAtObservation="AllDimensions""#));
    assert!(xml.contains(
        r#"    <Obs REF_AREA="FRA" FREQ="A" MEASURE="MST_TEAP_NB" SEX="SEX_T" AGE="AGE_YTHADULT_YGE15" CBR="CBR_BIR_NATIVE" TIME_PERIOD="2023" OBS_VALUE="27123.4" OBS_STATUS="P" UNIT_MEASURE_TYPE="NB" UNIT_MEASURE="PS" UNIT_MULT="3" SOURCE="LFS - Labour Force Survey" DECIMALS="1"/>"#
    ), "{xml}");
    let (ok, messages) = validate_with_emitted_schema(xml.as_bytes(), SchemaLayout::Flat);
    assert!(ok, "{messages}");
    // The series layout's schema does not accept the flat message.
    let (ok, _) = validate_with_emitted_schema(xml.as_bytes(), SchemaLayout::Series);
    assert!(!ok);
}

#[test]
fn structure_id_is_an_ncname() {
    let r = |agency: &str, id: &str, version: &str| StructureRef {
        agency_id: agency.into(),
        id: id.into(),
        version: version.into(),
        kind: StructureKind::DataStructure,
    };
    assert_eq!(
        structure_id(&r("ILO", "MST_TEAP_SEX_AGE_CBR_NB", "1.0")),
        "ILO_MST_TEAP_SEX_AGE_CBR_NB_1_0"
    );
    assert_eq!(structure_id(&r("4ILO", "X@Y", "2.1.0")), "_4ILO_X_Y_2_1_0");
}
