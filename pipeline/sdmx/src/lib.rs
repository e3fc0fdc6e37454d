//! Read SDMX 2.1 structures; write, read and check SDMX data the way ILOSTAT expects it.
//!
//! This crate is the bottom of migstat's publish stage. It reads the
//! *structures* ILOSTAT publishes (SDMX-ML 2.1 `message:Structure`: codelists,
//! concept schemes, data structure definitions, dataflows) and writes *data*
//! against them:
//!
//! | output | function | sample it reproduces |
//! |---|---|---|
//! | SDMX-ML 2.1 StructureSpecificData (series) | [`write_structure_specific_21`] | `ss_21.xml` |
//! | SDMX-ML 2.1 StructureSpecificData (flat) | [`write_structure_specific_21_flat`] | |
//! | SDMX-ML 2.1 GenericData (series) | [`write_generic_21`] | `generic_21.xml` |
//! | SDMX-ML 3.0 StructureSpecificData (series) | [`write_structure_specific_30`] | `ss_30.xml` |
//! | SDMX-CSV 1.0 | [`write_csv_10`] | `csv10.csv` |
//! | SDMX-CSV 2.0 | [`write_csv_20`] | `csv20.csv` |
//! | DSD-specific XSD for `xmllint` (2.1) | [`write_dsd_schema_21`], [`write_validation_wrapper_21`] | `dsd_…_21.xsd`, `validate_ss_21.xsd` |
//! | DSD-specific XSD for `xmllint` (3.0) | [`write_dsd_schema_30`], [`write_validation_wrapper_30`] | `dsd_…_30.xsd`, `validate_ss_30.xsd` |
//!
//! It reads data back with [`read_data`] / [`read_data_path`] (all five
//! formats above plus the flat layouts of SDMX-ML 2.1, detected from the
//! content), checks data semantically with [`validate()`] (codes in
//! codelists, unique keys, attachment levels, `FREQ`/`TIME_PERIOD`, ILOSTAT
//! unit conventions, …), and checks a whole file — format problems and
//! semantic ones — with [`validate_file`] (the `migstat validate` command).
//!
//! # Brief overview
//!
//! * [`model`] — the information model: [`StructureSet`] holds
//!   [`Codelist`]s, [`ConceptScheme`]s, [`DataStructure`]s and [`Dataflow`]s,
//!   read by [`read::read_structure_21`] (also [`StructureSet::from_path`]).
//! * [`data`] — a [`DataMessage`]: a [`Header`] and one [`DataSet`] of
//!   [`Series`] of [`Observation`]s, component values as plain strings.
//! * [`write`](mod@write) — deterministic, streaming writers. They refuse (before
//!   writing anything) a message whose keys or attachment levels do not fit
//!   the DSD.
//! * [`read`] — the structure reader and the data readers ([`read_data`]).
//! * [`validate()`] — every other rule, reported as a list of [`Problem`]s;
//!   [`validate_file`] adds what only a reader can see (header, references,
//!   namespaces, well-formedness, CSV shape).
//!
//! The crate depends on `quick-xml` and `thiserror` only.
//!
//! # Example
//!
//! ```
//! use sdmx::*;
//!
//! let xml = include_str!("../tests/data/ilo/TEST_ILO_MST_TEAP_SEX_AGE_CBR_NB_constructed.xml");
//! let structures = StructureSet::from_reader(xml.as_bytes())?;
//! let flow = structures.dataflow("DF_MST_TEAP_SEX_AGE_CBR_NB").unwrap();
//! let dsd = structures.data_structure_of(flow).unwrap();
//!
//! let pairs = |p: &[(&str, &str)]| -> Vec<(String, String)> {
//!     p.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
//! };
//! let message = DataMessage {
//!     header: Header {
//!         id: "MIGSTAT_2024_0001".into(),
//!         test: true,
//!         prepared: "2025-01-15T10:00:00Z".into(),
//!         sender: "XX_NSO".into(),
//!         receiver: Some("ILO".into()),
//!     },
//!     dataset: DataSet {
//!         structure: StructureRef {
//!             agency_id: "ILO".into(),
//!             id: dsd.id.clone(),
//!             version: "1.0".into(),
//!             kind: StructureKind::DataStructure,
//!         },
//!         dataflow_id: Some(flow.id.clone()),
//!         action: Action::Replace,
//!         series: vec![Series {
//!             key: pairs(&[("REF_AREA", "FRA"), ("FREQ", "A"), ("MEASURE", "MST_TEAP_NB"),
//!                          ("SEX", "SEX_T"), ("AGE", "AGE_YTHADULT_YGE15"), ("CBR", "CBR_BIR_FOREIGN")]),
//!             attributes: pairs(&[("UNIT_MEASURE_TYPE", "NB"), ("UNIT_MEASURE", "PS"), ("UNIT_MULT", "3")]),
//!             observations: vec![Observation {
//!                 time_period: "2023".into(),
//!                 value: Some(3456.7),
//!                 attributes: pairs(&[("OBS_STATUS", "P"), ("SOURCE", "LFS - Labour Force Survey"),
//!                                     ("DECIMALS", "1")]),
//!             }],
//!         }],
//!     },
//! };
//!
//! assert!(validate(&message, dsd, &structures).is_empty());
//! let mut csv = Vec::new();
//! write_csv_10(&mut csv, &message, dsd, flow)?;
//! assert!(String::from_utf8(csv).unwrap().ends_with(",2023,3456.7,P,NB,PS,3,LFS - Labour Force Survey,,,,1,,\n"));
//! # Ok::<(), sdmx::Error>(())
//! ```
//!
//! # Scope
//!
//! Structures: SDMX-ML 2.1 only (ILOSTAT serves 2.1). Data: SDMX-ML 2.1
//! (StructureSpecific and Generic), SDMX-ML 3.0 StructureSpecific, SDMX-CSV
//! 1.0 and 2.0. Not supported: `Group` elements, data-set-level attribute
//! values, SDMX-ML 3.0 `Atts`/`Comp` (multi-valued) content, observation
//! dimensions other than the time dimension or `AllDimensions`, more than one
//! data set per message, GenericData and 3.0 flat-layout *output*, SDMX-JSON.

#![deny(missing_docs)]

pub mod data;
mod error;
mod file;
pub mod model;
pub mod ns;
pub mod read;
mod validate;
pub mod write;

pub use data::{
    Action, DataMessage, DataSet, Header, Observation, Series, StructureKind, StructureRef,
};
pub use error::{Error, Result};
pub use file::{validate_file, validate_reader};
pub use model::{
    Annotation, AssignmentStatus, AttachmentLevel, Attribute, AttributeRelationship, Code,
    Codelist, Concept, ConceptRef, ConceptScheme, DataStructure, Dataflow, Dimension,
    ItemSchemeRef, LocalisedText, MaintainableRef, PrimaryMeasure, Representation, StructureSet,
    TextFormat, TimeDimension,
};
pub use read::{read_data, read_data_path, DataFormat};
pub use validate::{
    ilo_units, time_period_problem, validate, Problem, DEFAULT_MAX_TEXT_ATTRIBUTE_LENGTH,
};
pub use write::{
    dsd_namespace, format_double, structure_id, structure_namespace, structure_urn, write_csv_10,
    write_csv_20, write_dsd_schema_21, write_dsd_schema_21_in_namespace, write_dsd_schema_30,
    write_dsd_schema_30_in_namespace, write_generic_21, write_structure_specific_21,
    write_structure_specific_21_flat, write_structure_specific_30, write_validation_wrapper_21,
    write_validation_wrapper_30, SchemaLayout,
};
