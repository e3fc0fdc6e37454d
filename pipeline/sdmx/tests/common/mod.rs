//! Helpers shared by the integration tests: fixture paths, the sample
//! message of `samples/ss_21.xml`, an `xmllint` runner and a readable text
//! comparison.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use sdmx::*;

/// A file under `tests/data`.
pub fn data(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(relative)
}

/// The official SDMX-ML 2.1 schemas (sdmx-twg/sdmx-ml tag v2.1).
pub fn official_xsd_dir() -> PathBuf {
    data("xsd/v2_1")
}

/// The constructed ILO test structures: DSD `MST_TEAP_SEX_AGE_CBR_NB`,
/// dataflow `DF_MST_TEAP_SEX_AGE_CBR_NB` and their codelists.
pub fn test_structures() -> StructureSet {
    StructureSet::from_path(&data(
        "ilo/TEST_ILO_MST_TEAP_SEX_AGE_CBR_NB_constructed.xml",
    ))
    .expect("test structures")
}

pub fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
    p.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// One series of the samples, differing only in the place of birth.
pub fn sample_series(cbr: &str, value: f64) -> Series {
    Series {
        key: pairs(&[
            ("REF_AREA", "FRA"),
            ("FREQ", "A"),
            ("MEASURE", "MST_TEAP_NB"),
            ("SEX", "SEX_T"),
            ("AGE", "AGE_YTHADULT_YGE15"),
            ("CBR", cbr),
        ]),
        attributes: pairs(&[
            ("UNIT_MEASURE_TYPE", "NB"),
            ("UNIT_MEASURE", "PS"),
            ("UNIT_MULT", "3"),
        ]),
        observations: vec![Observation {
            time_period: "2023".into(),
            value: Some(value),
            attributes: pairs(&[
                ("OBS_STATUS", "P"),
                ("SOURCE", "LFS - Labour Force Survey"),
                ("DECIMALS", "1"),
            ]),
        }],
    }
}

/// The message of `samples/ss_21.xml` (one series, foreign-born).
pub fn sample_message() -> DataMessage {
    DataMessage {
        header: Header {
            id: "MIGSTAT_2024_0001".into(),
            test: true,
            prepared: "2025-01-15T10:00:00Z".into(),
            sender: "XX_NSO".into(),
            receiver: Some("ILO".into()),
        },
        dataset: DataSet {
            structure: StructureRef {
                agency_id: "ILO".into(),
                id: "MST_TEAP_SEX_AGE_CBR_NB".into(),
                version: "1.0".into(),
                kind: StructureKind::DataStructure,
            },
            dataflow_id: Some("DF_MST_TEAP_SEX_AGE_CBR_NB".into()),
            action: Action::Replace,
            series: vec![sample_series("CBR_BIR_FOREIGN", 3456.7)],
        },
    }
}

/// Runs `xmllint --noout --nonet --schema <schema> <doc>`; returns whether
/// the document is valid and xmllint's messages. A missing xmllint fails the
/// test: the XSD checks are part of the specification, not optional.
pub fn xmllint(schema: &Path, doc: &Path) -> (bool, String) {
    let output = Command::new("xmllint")
        .args(["--noout", "--nonet", "--schema"])
        .arg(schema)
        .arg(doc)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run xmllint ({e}); install it with `apt-get install -y libxml2-utils`")
        });
    let messages = String::from_utf8_lossy(&output.stderr).into_owned();
    (output.status.success(), messages)
}

/// Writes the series-layout schema for the test DSD, a wrapper, and `doc`
/// into a fresh directory, then runs xmllint on `doc`.
pub fn validate_with_emitted_schema(doc: &[u8], layout: SchemaLayout) -> (bool, String) {
    let structures = test_structures();
    let dsd = structures
        .data_structure("MST_TEAP_SEX_AGE_CBR_NB")
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let xsd_dir = official_xsd_dir();
    let mut schema = Vec::new();
    write_dsd_schema_21(
        &mut schema,
        dsd,
        &structures,
        layout,
        xsd_dir.to_str().unwrap(),
    )
    .unwrap();
    std::fs::write(dir.path().join("dsd.xsd"), &schema).unwrap();
    let namespace = structure_namespace(
        &StructureRef {
            agency_id: dsd.agency_id.clone(),
            id: dsd.id.clone(),
            version: dsd.version.clone(),
            kind: StructureKind::DataStructure,
        },
        layout.dimension_at_observation(dsd),
    );
    let mut wrapper = Vec::new();
    let message_xsd = xsd_dir.join("SDMXMessage.xsd");
    write_validation_wrapper_21(
        &mut wrapper,
        &namespace,
        "dsd.xsd",
        message_xsd.to_str().unwrap(),
    )
    .unwrap();
    std::fs::write(dir.path().join("wrapper.xsd"), &wrapper).unwrap();
    std::fs::write(dir.path().join("message.xml"), doc).unwrap();
    xmllint(
        &dir.path().join("wrapper.xsd"),
        &dir.path().join("message.xml"),
    )
}

/// `assert_eq!` for long texts: shows the first differing line.
pub fn assert_same_text(expected: &str, got: &str) {
    if expected == got {
        return;
    }
    let (e, g): (Vec<&str>, Vec<&str>) =
        (expected.split('\n').collect(), got.split('\n').collect());
    let line = e
        .iter()
        .zip(&g)
        .position(|(a, b)| a != b)
        .unwrap_or(e.len().min(g.len()));
    panic!(
        "texts differ at line {}:\nexpected: {:?}\n     got: {:?}\n\n=== expected ===\n{expected}\n=== got ===\n{got}",
        line + 1,
        e.get(line),
        g.get(line)
    );
}
