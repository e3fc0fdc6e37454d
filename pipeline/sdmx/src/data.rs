//! Data messages: a header and one data set of series and observations.
//!
//! This is the *message* side of SDMX (SDMX-ML 2.1 Section 3A and the
//! information model's §5.4 "Data Set"), reduced to what the writers need: a
//! single data set in the series layout, with the time dimension at the
//! observation level. Component values are plain strings keyed by component
//! id; [`crate::validate()`] checks them against a DSD.

use std::fmt;

// ---------------------------------------------------------------------------
// Message header (SDMX-ML 2.1 `message:Header`)
// ---------------------------------------------------------------------------

/// A data message: header plus one data set.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DataMessage {
    /// The message header.
    pub header: Header,
    /// The data set.
    pub dataset: DataSet,
}

/// The header of a data message.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Header {
    /// Message id (`common:IDType`: `[A-Za-z0-9_@$-]+`).
    pub id: String,
    /// Whether this is a test message.
    pub test: bool,
    /// When the message was prepared, as `xs:dateTime` text
    /// (e.g. `2025-01-15T10:00:00Z`). Kept as text so output is reproducible.
    pub prepared: String,
    /// Sender id.
    pub sender: String,
    /// Receiver id, if any.
    pub receiver: Option<String>,
}

// ---------------------------------------------------------------------------
// §5.4 Data set
// ---------------------------------------------------------------------------

/// Which kind of structure a data set references.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StructureKind {
    /// A data structure definition (`common:Structure`, `dataScope="DataStructure"`).
    #[default]
    DataStructure,
    /// A dataflow (`common:StructureUsage`, `dataScope="Dataflow"`).
    Dataflow,
}

/// The structure a data set conforms to.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StructureRef {
    /// Maintenance agency, e.g. `ILO`.
    pub agency_id: String,
    /// DSD or dataflow id.
    pub id: String,
    /// Version, e.g. `1.0`.
    pub version: String,
    /// Whether `id` names a DSD or a dataflow.
    pub kind: StructureKind,
}

/// The `action` of a data set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Action {
    /// Add or replace the observations (the default).
    #[default]
    Replace,
    /// Add observations, never overwriting.
    Append,
    /// Delete the observations.
    Delete,
    /// For information only.
    Information,
}

impl Action {
    /// The SDMX-ML spelling (`Replace`, `Append`, `Delete`, `Information`).
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Replace => "Replace",
            Action::Append => "Append",
            Action::Delete => "Delete",
            Action::Information => "Information",
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One data set.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DataSet {
    /// The structure (DSD or dataflow) the data set conforms to.
    pub structure: StructureRef,
    /// The dataflow id to name in SDMX-CSV's `DATAFLOW` column; when set, the
    /// CSV writer checks it against the dataflow it is given.
    pub dataflow_id: Option<String>,
    /// What the receiver should do with the data.
    pub action: Action,
    /// The series, in output order.
    pub series: Vec<Series>,
}

/// A time series: a key, series-level attributes and observations.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Series {
    /// `(dimension id, code)` pairs in DSD order, without the time dimension.
    pub key: Vec<(String, String)>,
    /// Series-level attributes as `(attribute id, value)`.
    pub attributes: Vec<(String, String)>,
    /// Observations, in output order.
    pub observations: Vec<Observation>,
}

impl Series {
    /// The key as SDMX-REST writes it: codes joined by dots
    /// (`PHL.Q.MST_TEAP_NB.SEX_T.AGE_YTHADULT_YGE15.CBR_BIR_X`).
    pub fn key_string(&self) -> String {
        let mut out = String::new();
        for (i, (_, code)) in self.key.iter().enumerate() {
            if i > 0 {
                out.push('.');
            }
            out.push_str(code);
        }
        out
    }

    /// The value of series attribute `id`.
    pub fn attribute(&self, id: &str) -> Option<&str> {
        find(&self.attributes, id)
    }

    /// The code of dimension `id` in the key.
    pub fn key_value(&self, id: &str) -> Option<&str> {
        find(&self.key, id)
    }
}

/// One observation.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Observation {
    /// The time period, e.g. `2023`, `2023-Q1`, `2023-M01`.
    pub time_period: String,
    /// The observation value; `None` for a missing value (e.g. confidential).
    pub value: Option<f64>,
    /// Observation-level attributes as `(attribute id, value)`.
    pub attributes: Vec<(String, String)>,
}

impl Observation {
    /// The value of observation attribute `id`.
    pub fn attribute(&self, id: &str) -> Option<&str> {
        find(&self.attributes, id)
    }
}

fn find<'a>(pairs: &'a [(String, String)], id: &str) -> Option<&'a str> {
    pairs.iter().find(|(k, _)| k == id).map(|(_, v)| v.as_str())
}
