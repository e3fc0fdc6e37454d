//! The SDMX-CSV 1.0 writer.

mod common;

use common::*;
use sdmx::*;

fn write(message: &DataMessage) -> Result<String> {
    let structures = test_structures();
    let flow = structures.dataflow("DF_MST_TEAP_SEX_AGE_CBR_NB").unwrap();
    let dsd = structures.data_structure_of(flow).unwrap();
    let mut out = Vec::new();
    write_csv_10(&mut out, message, dsd, flow)?;
    Ok(String::from_utf8(out).unwrap())
}

fn two_series() -> DataMessage {
    let mut message = sample_message();
    message
        .dataset
        .series
        .push(sample_series("CBR_BIR_NATIVE", 27123.4));
    message
}

#[test]
fn output_is_byte_identical_to_the_hand_checked_sample() {
    let expected = std::fs::read_to_string(data("samples/csv10.csv")).unwrap();
    assert!(!expected.contains('\r'), "the sample uses \\n line ends");
    assert_same_text(&expected, &write(&two_series()).unwrap());
}

#[test]
fn the_header_matches_ilostats_live_output_layout() {
    // ILO's live CSV for a DSD without CBR: same columns, same order.
    let live =
        std::fs::read_to_string(data("ilo/ILO_live_sdmxcsv10_DF_UNE_DEAP_SEX_AGE_RT.csv")).unwrap();
    let live_header = live
        .lines()
        .next()
        .unwrap()
        .replace("AGE,TIME_PERIOD", "AGE,CBR,TIME_PERIOD");
    let ours = write(&two_series()).unwrap();
    assert_eq!(ours.lines().next().unwrap(), live_header);
}

#[test]
fn unset_attributes_and_missing_values_are_empty_fields() {
    let mut message = sample_message();
    let obs = &mut message.dataset.series[0].observations[0];
    obs.value = None;
    obs.attributes = pairs(&[("OBS_STATUS", "C")]);
    let csv = write(&message).unwrap();
    assert_eq!(
        csv.lines().nth(1).unwrap(),
        "ILO:DF_MST_TEAP_SEX_AGE_CBR_NB(1.0),FRA,A,MST_TEAP_NB,SEX_T,AGE_YTHADULT_YGE15,CBR_BIR_FOREIGN,2023,,C,NB,PS,3,,,,,,,"
    );
}

#[test]
fn fields_are_quoted_per_rfc_4180() {
    let mut message = sample_message();
    let obs = &mut message.dataset.series[0].observations[0];
    obs.attributes
        .push(("NOTE_SOURCE".into(), "Census, 2020 \"round\"".into()));
    obs.attributes
        .push(("NOTE_INDICATOR".into(), "two\nlines".into()));
    let csv = write(&message).unwrap();
    assert!(
        csv.contains(
            ",LFS - Labour Force Survey,\"Census, 2020 \"\"round\"\"\",\"two\nlines\",,1,,\n"
        ),
        "{csv}"
    );
}

#[test]
fn values_use_the_shortest_round_trip_form() {
    let mut message = sample_message();
    message.dataset.series[0].observations[0].value = Some(1e21);
    let csv = write(&message).unwrap();
    assert!(csv.contains(",2023,1e21,P,"), "{csv}");
}

#[test]
fn the_same_checks_as_the_xml_writer_apply() {
    let mut message = sample_message();
    let unit = message.dataset.series[0].attributes.remove(0);
    message.dataset.series[0].observations[0]
        .attributes
        .push(unit);
    let err = write(&message).unwrap_err().to_string();
    assert!(err.contains("UNIT_MEASURE_TYPE: given at observation level, but the DSD attaches it at series level"), "{err}");
}

#[test]
fn the_dataflow_must_match_the_data_set_and_the_dsd() {
    let mut message = sample_message();
    message.dataset.dataflow_id = Some("DF_OTHER".into());
    assert!(matches!(write(&message), Err(Error::MissingStructure(_))));

    let structures = test_structures();
    let mut flow = structures
        .dataflow("DF_MST_TEAP_SEX_AGE_CBR_NB")
        .unwrap()
        .clone();
    let dsd = structures.data_structure_of(&flow).unwrap();
    flow.structure.id = "OTHER_DSD".into();
    let err = write_csv_10(Vec::new(), &sample_message(), dsd, &flow).unwrap_err();
    assert!(
        err.to_string().contains("uses DSD ILO:OTHER_DSD(1.0)"),
        "{err}"
    );
}

#[test]
fn a_data_set_may_reference_the_dataflow_itself() {
    let mut message = two_series();
    message.dataset.structure.kind = StructureKind::Dataflow;
    message.dataset.structure.id = "DF_MST_TEAP_SEX_AGE_CBR_NB".into();
    let expected = std::fs::read_to_string(data("samples/csv10.csv")).unwrap();
    assert_same_text(&expected, &write(&message).unwrap());
}
