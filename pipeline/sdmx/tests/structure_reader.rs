//! The SDMX-ML 2.1 structure reader, on ILO's own files.

mod common;

use common::data;
use sdmx::*;

fn ilo() -> StructureSet {
    StructureSet::from_path(&data("ilo/ILO_codelist_CL_ECO_parentsandsiblings.xml"))
        .expect("real ILO file parses")
}

fn names(texts: &[LocalisedText]) -> Vec<(&str, &str)> {
    texts
        .iter()
        .map(|t| (t.lang.as_str(), t.text.as_str()))
        .collect()
}

#[test]
fn the_real_ilo_structure_message_parses_whole() {
    let set = ilo();
    assert_eq!(set.codelists.len(), 46);
    assert_eq!(
        set.concept_schemes.keys().collect::<Vec<_>>(),
        ["CS_CLASSIF_TYPE", "CS_ILOSTAT", "CS_NOTE_TYPE"]
    );
    assert_eq!(
        set.data_structures.keys().collect::<Vec<_>>(),
        ["IMF_ILOSTAT"]
    );
    assert!(set.dataflows.is_empty());
    for id in [
        "CL_AGE",
        "CL_AREA",
        "CL_CBR",
        "CL_CCT",
        "CL_MIG",
        "CL_SEX",
        "CL_OBS_STATUS",
        "CL_ECO",
    ] {
        assert!(set.codelist(id).is_some(), "{id} missing");
    }
}

#[test]
fn imf_ilostat_has_the_ilo_template_dimensions_in_order() {
    let set = ilo();
    let dsd = set.data_structure("IMF_ILOSTAT").unwrap();
    let ids: Vec<&str> = dsd.dimensions.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(
        ids,
        ["REF_AREA", "FREQ", "MEASURE", "SEX", "AGE", "MTS", "OCU", "INS", "DSB", "ECO", "EDU"]
    );
    assert_eq!(
        dsd.dimensions
            .iter()
            .map(|d| d.position)
            .collect::<Vec<_>>(),
        (1..=11).collect::<Vec<_>>()
    );
    let time = dsd.time_dimension.as_ref().unwrap();
    assert_eq!((time.id.as_str(), time.position), ("TIME_PERIOD", 12));
    assert_eq!(
        time.representation,
        Some(Representation::Text(TextFormat {
            text_type: Some("ObservationalTimePeriod".into()),
            ..Default::default()
        }))
    );
    let sex = dsd.dimension("SEX").unwrap();
    assert_eq!(sex.concept.scheme_id, "CS_CLASSIF_TYPE");
    assert_eq!(
        sex.representation,
        Some(Representation::Enumerated(ItemSchemeRef::new(
            "ILO", "CL_SEX", "1.0"
        )))
    );
    assert_eq!(dsd.attributes.len(), 11);
    assert_eq!(dsd.primary_measure.id, "OBS_VALUE");
}

#[test]
fn cl_sex_has_four_sexes_in_three_languages_with_is_total() {
    let set = ilo();
    let sex = set.codelist("CL_SEX").unwrap();
    assert_eq!(
        (sex.agency_id.as_str(), sex.version.as_str()),
        ("ILO", "1.0")
    );
    for code in ["SEX_T", "SEX_M", "SEX_F", "SEX_O"] {
        assert!(sex.contains(code), "{code}");
    }
    assert!(!sex.contains("T"));
    let male = sex.code("SEX_M").unwrap();
    assert_eq!(
        names(&male.names),
        [("en", "Male"), ("fr", "Hommes"), ("es", "Hombres")]
    );
    let is_total = |id: &str| {
        let code = sex.code(id).unwrap();
        model::annotation(&code.annotations, "IS_TOTAL").and_then(|a| a.title.clone())
    };
    assert_eq!(is_total("SEX_T").as_deref(), Some("Y"));
    assert_eq!(is_total("SEX_F").as_deref(), Some("N"));
}

#[test]
fn cl_age_codes_carry_their_parent() {
    let set = ilo();
    let age = set.codelist("CL_AGE").unwrap();
    assert_eq!(age.codes().len(), 76);
    assert_eq!(
        age.code("AGE_YTHADULT_Y15-64").unwrap().parent.as_deref(),
        Some("AGE_YTHADULT")
    );
    assert_eq!(age.code("AGE_YTHADULT").unwrap().parent, None);
}

#[test]
fn multilingual_annotation_texts_and_escaped_descriptions_are_kept() {
    let set = ilo();
    let area = set.codelist("CL_AREA").unwrap();
    let order = area
        .codes()
        .iter()
        .find_map(|c| model::annotation(&c.annotations, "ORDER").filter(|a| !a.text.is_empty()));
    let order = order.expect("CL_AREA has ORDER annotations with AnnotationText");
    assert_eq!(
        order
            .text
            .iter()
            .map(|t| t.lang.as_str())
            .collect::<Vec<_>>(),
        ["en", "es", "fr"]
    );
    // Descriptions hold escaped HTML in the file; the reader unescapes one level.
    let described = set
        .codelists
        .values()
        .flat_map(|c| c.codes())
        .find(|c| !c.descriptions.is_empty())
        .unwrap();
    assert!(!described.descriptions[0].text.contains("&lt;"));
}

#[test]
fn the_constructed_test_file_gives_the_mst_dsd_and_its_dataflow() {
    let set = common::test_structures();
    let dsd = set.data_structure("MST_TEAP_SEX_AGE_CBR_NB").unwrap();
    let ids: Vec<&str> = dsd.dimensions.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["REF_AREA", "FREQ", "MEASURE", "SEX", "AGE", "CBR"]);
    assert_eq!(dsd.time_dimension_id(), "TIME_PERIOD");
    let attrs: Vec<&str> = dsd.attributes.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(
        attrs,
        [
            "OBS_STATUS",
            "UNIT_MEASURE_TYPE",
            "UNIT_MEASURE",
            "UNIT_MULT",
            "SOURCE",
            "NOTE_SOURCE",
            "NOTE_INDICATOR",
            "NOTE_CLASSIF",
            "DECIMALS",
            "UPPER_BOUND",
            "LOWER_BOUND"
        ]
    );
    assert!(dsd
        .attributes
        .iter()
        .all(|a| a.assignment_status == AssignmentStatus::Conditional));
    assert_eq!(dsd.max_text_attribute_length(), Some(1024));
    assert_eq!(
        dsd.attribute("SOURCE").unwrap().relationship,
        AttributeRelationship::Dimensions(vec![
            "REF_AREA".into(),
            "MEASURE".into(),
            "TIME_PERIOD".into()
        ])
    );

    let flow = set.dataflow("DF_MST_TEAP_SEX_AGE_CBR_NB").unwrap();
    assert_eq!(
        flow.structure,
        MaintainableRef::new("ILO", "MST_TEAP_SEX_AGE_CBR_NB", "1.0")
    );
    assert_eq!(
        flow.reference().to_string(),
        "ILO:DF_MST_TEAP_SEX_AGE_CBR_NB(1.0)"
    );
    assert_eq!(
        set.data_structure_of(flow).map(|d| d.id.as_str()),
        Some("MST_TEAP_SEX_AGE_CBR_NB")
    );
}

#[test]
fn attachment_levels_follow_the_sdmx_21_rules_on_the_ilo_dsd() {
    let set = common::test_structures();
    let dsd = set.data_structure("MST_TEAP_SEX_AGE_CBR_NB").unwrap();
    let level = |id: &str| dsd.attachment_level(id, "TIME_PERIOD").unwrap();
    for id in ["UNIT_MEASURE_TYPE", "UNIT_MEASURE", "UNIT_MULT"] {
        assert_eq!(
            level(id),
            AttachmentLevel::Series,
            "{id} relates to MEASURE only"
        );
    }
    for id in ["SOURCE", "NOTE_SOURCE", "NOTE_INDICATOR"] {
        assert_eq!(
            level(id),
            AttachmentLevel::Observation,
            "{id} relates to TIME_PERIOD too"
        );
    }
    for id in [
        "OBS_STATUS",
        "DECIMALS",
        "NOTE_CLASSIF",
        "UPPER_BOUND",
        "LOWER_BOUND",
    ] {
        assert_eq!(
            level(id),
            AttachmentLevel::Observation,
            "{id} relates to the primary measure"
        );
    }
    assert_eq!(
        dsd.attachment_level("UNIT_MULT", model::ALL_DIMENSIONS),
        Some(AttachmentLevel::Observation)
    );
    assert_eq!(dsd.attachment_level("NO_SUCH", "TIME_PERIOD"), None);
    let dataset_level = Attribute {
        relationship: AttributeRelationship::None,
        ..Default::default()
    };
    assert_eq!(
        dataset_level.attachment_level("TIME_PERIOD"),
        AttachmentLevel::DataSet
    );
}

#[test]
fn attributes_without_local_representation_use_the_concept_core_representation() {
    let set = common::test_structures();
    let dsd = set.data_structure("MST_TEAP_SEX_AGE_CBR_NB").unwrap();
    let source = dsd.attribute("SOURCE").unwrap();
    assert_eq!(source.representation, None);
    assert_eq!(
        set.representation_of(&source.concept, None),
        None,
        "SOURCE is free text"
    );
    let sex = dsd.dimension("SEX").unwrap();
    let core = set
        .concept(&sex.concept)
        .unwrap()
        .core_representation
        .as_ref();
    assert_eq!(
        core.and_then(Representation::codelist)
            .map(|r| r.id.as_str()),
        Some("CL_SEX")
    );
}

#[test]
fn merging_combines_structure_sets_later_wins() {
    let mut set = ilo();
    let test = common::test_structures();
    let test_sex = test.codelist("CL_SEX").unwrap().clone();
    set.merge(test);
    assert!(set.data_structure("IMF_ILOSTAT").is_some());
    assert!(set.data_structure("MST_TEAP_SEX_AGE_CBR_NB").is_some());
    assert!(set.dataflow("DF_MST_TEAP_SEX_AGE_CBR_NB").is_some());
    assert_eq!(set.codelist("CL_SEX"), Some(&test_sex));
}

#[test]
fn malformed_xml_is_reported_with_line_and_byte() {
    let text =
        std::fs::read_to_string(data("ilo/TEST_ILO_MST_TEAP_SEX_AGE_CBR_NB_constructed.xml"))
            .unwrap();
    // Break the end tag of the first Code element (line 27).
    let broken = text.replacen("</structure:Code>", "</structure:Cod>", 1);
    let line = text[..text.find("</structure:Code>").unwrap()]
        .matches('\n')
        .count() as u64
        + 1;
    match StructureSet::from_reader(broken.as_bytes()).unwrap_err() {
        Error::Xml {
            line: l,
            position,
            message,
        } => {
            assert_eq!(l, line, "{message}");
            assert!(position > 0);
            assert!(message.contains("Cod"), "{message}");
        }
        other => panic!("expected an XML error, got {other:?}"),
    }
    let mismatched = r#"<m:Structure xmlns:m="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message"><b></m:Structure>"#;
    let err = StructureSet::from_reader(mismatched.as_bytes()).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("malformed XML at line 1 (byte "),
        "{err}"
    );
}

#[test]
fn truncated_and_empty_inputs_are_errors() {
    let text = std::fs::read(data("ilo/TEST_ILO_MST_TEAP_SEX_AGE_CBR_NB_constructed.xml")).unwrap();
    let err = StructureSet::from_reader(&text[..text.len() / 2]).unwrap_err();
    assert!(matches!(err, Error::Xml { .. }), "{err}");
    assert!(err.to_string().contains("not closed"), "{err}");
    assert!(StructureSet::from_reader(&b""[..]).is_err());
}

#[test]
fn a_data_message_is_not_a_structure_message() {
    let err = StructureSet::from_path(&data("samples/ss_21.xml")).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("ss_21.xml"), "{text}");
    assert!(
        text.contains("root element is `message:StructureSpecificData`"),
        "{text}"
    );
}

#[test]
fn a_missing_file_names_the_path() {
    let err = StructureSet::from_path(&data("no/such.xml")).unwrap_err();
    assert!(matches!(&err, Error::File { .. }));
    assert!(err.to_string().contains("no/such.xml"), "{err}");
}
