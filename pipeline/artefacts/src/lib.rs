//! The artefacts that flow between migstat's stages, defined once.
//!
//! migstat is a chain of stages, each with one job and one artefact:
//!
//! ```text
//! microdata ──ingest──▶ ingest/core.parquet ──derive──▶ derive/derived.parquet
//!           ──tabulate──▶ tabulate/estimates.parquet ──publish──▶ sdmx/<DATAFLOW>.{xml,csv}
//! ```
//!
//! Stages never call each other. Each reads the artefact before it and writes its own, and
//! this crate is where those artefacts are described: their Arrow [`schema`]s, where they
//! live in a run folder ([`layout::RunDir`]), how they are written so that a failed run
//! leaves nothing half-written ([`atomic`]), and how a run is recorded
//! ([`manifest`]). It also holds what every stage shares: the run [`config`], the
//! [`reference`] data (codelists, structures, the dataflow registry) and the
//! [`error`] type, whose variants say who has to act.
#![deny(missing_docs)]

pub mod atomic;
pub mod concepts;
pub mod config;
pub mod error;
pub mod layout;
pub mod manifest;
pub mod overlap;
pub mod parquet_io;
pub mod reference;
pub mod registry;
pub mod rejects;
pub mod schema;

pub use error::{Error, Result};
