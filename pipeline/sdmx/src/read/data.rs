//! Readers for data messages: SDMX-ML 2.1 StructureSpecificData (series and
//! flat layouts), SDMX-ML 2.1 GenericData (series and flat layouts), SDMX-ML
//! 3.0 StructureSpecificData, SDMX-CSV 1.0 and SDMX-CSV 2.0.
//!
//! The format is detected from the content: a document starting with `<` is
//! XML and its root element decides the flavour; anything else is SDMX-CSV,
//! 1.0 when the first column is `DATAFLOW`, 2.0 when it is `STRUCTURE`.
//!
//! The XML readers stream events with quick-xml's namespace-aware reader
//! and match elements by namespace URI. Every reader is *lenient*
//! internally: it collects each problem it can get past (a missing header
//! element, a `structureRef` that matches no `structureID`, a non-numeric
//! `OBS_VALUE`, a CSV row with the wrong number of fields, …) and keeps
//! going. [`read_data`] turns the first of them into an [`Error::Data`];
//! [`crate::validate_file`] reports all of them as [`Problem`]s.
//!
//! What the readers do **not** judge is left to [`crate::validate()`]: codes,
//! key completeness and order, attachment levels, duplicates, time formats,
//! units. The [`DataMessage`] keeps such content as written, so that it can
//! be reported.

use std::collections::HashMap;
use std::io::{BufRead, Cursor, Read};
use std::path::Path;

use quick_xml::events::{BytesStart, Event};
use quick_xml::name::{QName, ResolveResult};
use quick_xml::NsReader;

use super::structure21::LineTracking;
use crate::data::{
    Action, DataMessage, DataSet, Header, Observation, Series, StructureKind, StructureRef,
};
use crate::error::{Error, Result};
use crate::model::{AttachmentLevel, DataStructure, StructureSet, ALL_DIMENSIONS};
use crate::ns;
use crate::validate::Problem;
use crate::write::structure_namespace;

/// The data formats [`read_data`] recognises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DataFormat {
    /// SDMX-ML 2.1 `message:StructureSpecificData` (series or flat layout).
    StructureSpecific21,
    /// SDMX-ML 2.1 `message:GenericData` (series or flat layout).
    Generic21,
    /// SDMX-ML 3.0 `message:StructureSpecificData`.
    StructureSpecific30,
    /// SDMX-CSV 1.0 (first column `DATAFLOW`).
    Csv10,
    /// SDMX-CSV 2.0 (first columns `STRUCTURE,STRUCTURE_ID`).
    Csv20,
}

impl DataFormat {
    /// Whether the format is one of the SDMX-CSV versions (which carry no
    /// message header).
    pub fn is_csv(self) -> bool {
        matches!(self, DataFormat::Csv10 | DataFormat::Csv20)
    }
}

/// Reads a data message in any of the [`DataFormat`]s, detected from the
/// content, resolving its DSD against `structures`.
///
/// * SDMX-ML: the DSD comes from the header's `message:Structure` reference
///   (a DSD, or a dataflow and its DSD); the data set's `structureRef` must
///   name that structure's `structureID`, and for StructureSpecificData the
///   `namespace` and the data set's `xsi:type` must be the DSD-specific
///   namespace.
/// * SDMX-CSV: the DSD comes from the `DATAFLOW` (1.0) or `STRUCTURE_ID`
///   (2.0) field; the [`Header`] of the result is empty (`Header::default()`),
///   the data set references the dataflow (or DSD, for 2.0 `datastructure`)
///   and, for 1.0, its action is `Replace`.
///
/// Observations are grouped into series by key (flat layouts and CSV);
/// series-level attributes (per the DSD's attachment levels) go to the
/// series, the others to the observation. Attribute and key order are kept
/// as written for XML, and follow the DSD for CSV.
///
/// Fails with [`Error::Xml`] on malformed XML and with [`Error::Data`] on
/// the first problem of the kinds listed in the module documentation; both
/// name the line and byte position. Semantic problems (codes, keys,
/// attachment levels, …) do not fail: check the result with
/// [`crate::validate()`].
pub fn read_data<R: BufRead>(reader: R, structures: &StructureSet) -> Result<DataMessage> {
    let outcome = read_lenient(reader, structures)?;
    if let Some(issue) = outcome.issues.into_iter().next() {
        return Err(issue.into_error());
    }
    outcome.message.ok_or_else(|| Error::Data {
        line: 1,
        position: 0,
        message: "no data set could be read".to_string(),
    })
}

/// [`read_data`] on a file; errors name the file.
pub fn read_data_path(path: &Path, structures: &StructureSet) -> Result<DataMessage> {
    let wrap = |e: Error| Error::File {
        path: path.to_path_buf(),
        source: Box::new(e),
    };
    let file = std::fs::File::open(path).map_err(|e| wrap(e.into()))?;
    read_data(std::io::BufReader::new(file), structures).map_err(wrap)
}

// ---------------------------------------------------------------------------
// Lenient reading: a message (when one could be built) and every issue
// ---------------------------------------------------------------------------

/// A problem found while reading, with its place in the input.
#[derive(Debug, Clone)]
pub(crate) struct Issue {
    pub line: u64,
    pub position: u64,
    pub series_key: String,
    pub component: String,
    pub message: String,
    /// Malformed XML (reported as [`Error::Xml`] by [`read_data`]).
    pub xml: bool,
}

impl Issue {
    fn into_error(self) -> Error {
        let mut message = String::new();
        if !self.series_key.is_empty() {
            message.push_str(&self.series_key);
            message.push_str(": ");
        }
        if !self.component.is_empty() && !self.xml {
            message.push_str(&self.component);
            message.push_str(": ");
        }
        message.push_str(&self.message);
        if self.xml {
            Error::Xml {
                line: self.line,
                position: self.position,
                message,
            }
        } else {
            Error::Data {
                line: self.line,
                position: self.position,
                message,
            }
        }
    }

    /// The issue as a [`Problem`], its message prefixed with the line.
    pub(crate) fn to_problem(&self) -> Problem {
        Problem {
            series_key: self.series_key.clone(),
            component: self.component.clone(),
            message: format!("line {}: {}", self.line, self.message),
        }
    }
}

/// What a lenient read produced.
pub(crate) struct Outcome<'s> {
    pub format: Option<DataFormat>,
    pub message: Option<DataMessage>,
    pub dsd: Option<&'s DataStructure>,
    pub issues: Vec<Issue>,
}

/// Reads leniently: only I/O errors fail.
pub(crate) fn read_lenient<'s, R: BufRead>(
    mut reader: R,
    structures: &'s StructureSet,
) -> Result<Outcome<'s>> {
    // Peek at the first meaningful byte without losing it.
    let mut prefix = Vec::new();
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            break;
        }
        let n = buf.len();
        prefix.extend_from_slice(buf);
        reader.consume(n);
        let start = skip_bom_and_space(&prefix);
        if start < prefix.len() || prefix.len() > 1 << 16 {
            break;
        }
    }
    let start = skip_bom_and_space(&prefix);
    let input = Cursor::new(prefix.clone()).chain(reader);
    if prefix.get(start) == Some(&b'<') {
        Ok(XmlReader::new(structures).run(input))
    } else {
        super::csv::read_csv(input, structures)
    }
}

fn skip_bom_and_space(bytes: &[u8]) -> usize {
    let mut i = if bytes.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    while i < bytes.len() && bytes[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

// ---------------------------------------------------------------------------
// Shared helpers (also used by the CSV reader)
// ---------------------------------------------------------------------------

/// Parses an `xs:double` lexical value (`1`, `-1.5e3`, `.5`, `INF`, `-INF`,
/// `NaN`), leading and trailing XML whitespace allowed.
pub(crate) fn parse_double(text: &str) -> Option<f64> {
    let t = text.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r'));
    match t {
        "INF" | "+INF" => return Some(f64::INFINITY),
        "-INF" => return Some(f64::NEG_INFINITY),
        "NaN" => return Some(f64::NAN),
        _ => {}
    }
    let b = t.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    let mut digits = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
        digits += 1;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
            digits += 1;
        }
    }
    if digits == 0 {
        return None;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return None;
        }
    }
    if i != b.len() {
        return None;
    }
    t.parse().ok()
}

/// Parses `AGENCY:ID(VERSION)`.
pub(crate) fn parse_maintainable(text: &str) -> Option<(String, String, String)> {
    let (agency, rest) = text.split_once(':')?;
    let (id, version) = rest.strip_suffix(')')?.split_once('(')?;
    if agency.is_empty() || id.is_empty() || version.is_empty() {
        return None;
    }
    Some((agency.to_string(), id.to_string(), version.to_string()))
}

/// Parses a structure URN
/// (`urn:sdmx:org.sdmx.infomodel.datastructure.Dataflow=ILO:DF_X(1.0)`,
/// optionally followed by `:ObsLevelDim:…` as in namespaces).
pub(crate) fn parse_structure_urn(urn: &str) -> Option<StructureRef> {
    let rest = urn
        .trim()
        .strip_prefix("urn:sdmx:org.sdmx.infomodel.datastructure.")?;
    let (class, target) = rest.split_once('=')?;
    let kind = match class {
        "DataStructure" => StructureKind::DataStructure,
        "Dataflow" => StructureKind::Dataflow,
        _ => return None,
    };
    let target = target.split(":ObsLevelDim:").next()?;
    let (agency_id, id, version) = parse_maintainable(target)?;
    Some(StructureRef {
        agency_id,
        id,
        version,
        kind,
    })
}

/// Finds the DSD a reference points to (directly or through a dataflow).
pub(crate) fn resolve_structure<'s>(
    structures: &'s StructureSet,
    r: &StructureRef,
) -> std::result::Result<&'s DataStructure, String> {
    let shown = format!("{}:{}({})", r.agency_id, r.id, r.version);
    match r.kind {
        StructureKind::DataStructure => structures
            .data_structure(&r.id)
            .filter(|d| d.agency_id == r.agency_id && d.version == r.version)
            .ok_or_else(|| format!("unknown DSD {shown}: it is not in the structure set")),
        StructureKind::Dataflow => {
            let flow = structures
                .dataflow(&r.id)
                .filter(|d| d.agency_id == r.agency_id && d.version == r.version)
                .ok_or_else(|| {
                    format!("unknown dataflow {shown}: it is not in the structure set")
                })?;
            structures.data_structure_of(flow).ok_or_else(|| {
                format!(
                    "dataflow {shown} uses DSD {}, which is not in the structure set",
                    flow.structure
                )
            })
        }
    }
}

/// Groups observations into series by key, for flat layouts and CSV.
#[derive(Default)]
pub(crate) struct Grouper {
    index: HashMap<Vec<(String, String)>, usize>,
    pub series: Vec<Series>,
}

impl Grouper {
    /// Adds one observation of the series with `key`; returns a message per
    /// series attribute that contradicts an earlier observation's.
    pub(crate) fn add(
        &mut self,
        key: Vec<(String, String)>,
        series_attributes: Vec<(String, String)>,
        obs: Observation,
    ) -> Vec<(String, String)> {
        let mut conflicts = Vec::new();
        match self.index.get(&key) {
            Some(&i) => {
                let series = &mut self.series[i];
                for (id, value) in series_attributes {
                    match series.attributes.iter().find(|(k, _)| *k == id) {
                        Some((_, old)) if *old != value => conflicts.push((
                            id.clone(),
                            format!(
                                "series attribute {id} is '{value}' here but '{old}' on an earlier observation of the same series"
                            ),
                        )),
                        Some(_) => {}
                        None => series.attributes.push((id, value)),
                    }
                }
                series.observations.push(obs);
            }
            None => {
                self.index.insert(key.clone(), self.series.len());
                self.series.push(Series {
                    key,
                    attributes: series_attributes,
                    observations: vec![obs],
                });
            }
        }
        conflicts
    }
}

/// Splits an observation's attributes of a flat layout into series-level and
/// observation-level ones (unknown attributes stay on the observation, where
/// [`crate::validate()`] reports them); data-set-level ones are returned
/// apart.
#[allow(clippy::type_complexity)]
pub(crate) fn split_attributes(
    dsd: &DataStructure,
    attributes: Vec<(String, String)>,
) -> (
    Vec<(String, String)>,
    Vec<(String, String)>,
    Vec<(String, String)>,
) {
    let time = dsd.time_dimension_id();
    let (mut series, mut obs, mut dataset) = (Vec::new(), Vec::new(), Vec::new());
    for (id, value) in attributes {
        match dsd.attachment_level(&id, time) {
            Some(AttachmentLevel::Series) => series.push((id, value)),
            Some(AttachmentLevel::DataSet) => dataset.push((id, value)),
            _ => obs.push((id, value)),
        }
    }
    (series, obs, dataset)
}

fn key_string(key: &[(String, String)]) -> String {
    key.iter()
        .map(|(_, c)| c.as_str())
        .collect::<Vec<_>>()
        .join(".")
}

// ---------------------------------------------------------------------------
// SDMX-ML
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ns {
    Message,
    Common,
    Ss,
    Generic,
    Xsi,
    /// Unqualified (component attributes, `Ref`, `Series`/`Obs` in SS data).
    None,
    Other,
}

/// A header element, kept as a small tree until `</message:Header>`.
#[derive(Debug, Default)]
struct Node {
    ns: Option<Ns>,
    name: String,
    attrs: Vec<(String, String)>,
    text: String,
    children: Vec<Node>,
    line: u64,
    position: u64,
}

impl Node {
    fn attr(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
    fn child(&self, ns: Ns, name: &str) -> Option<&Node> {
        self.children
            .iter()
            .find(|c| c.ns == Some(ns) && c.name == name)
    }
}

/// The header's `message:Structure`.
struct HeaderStructure {
    structure_id: Option<String>,
    namespace: Option<String>,
    dim_at_obs: Option<String>,
    reference: Option<StructureRef>,
    line: u64,
    position: u64,
}

/// Where generic `Value` elements go.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Values {
    SeriesKey,
    SeriesAttributes,
    ObsKey,
    ObsAttributes,
    Ignore,
}

/// The observation being read (generic layouts build it over several elements).
#[derive(Default)]
struct PendingObs {
    key: Vec<(String, String)>,
    time: Option<String>,
    value: Option<String>,
    attributes: Vec<(String, String)>,
    line: u64,
    position: u64,
}

struct DataContext<'s> {
    dsd: &'s DataStructure,
    flat: bool,
    dataset: DataSet,
    grouper: Grouper,
    series: Option<(Series, u64, u64)>,
    obs: Option<PendingObs>,
    values: Values,
}

struct XmlReader<'s> {
    structures: &'s StructureSet,
    format: Option<DataFormat>,
    issues: Vec<Issue>,
    header: Header,
    header_structures: Vec<HeaderStructure>,
    header_done: bool,
    capture: Vec<Node>,
    context: Option<DataContext<'s>>,
    datasets: usize,
    /// Depth below which events are ignored (a skipped subtree), if any.
    skip_below: Option<usize>,
    /// Open elements: (namespace, local name).
    path: Vec<(Ns, String)>,
    fatal: bool,
}

impl<'s> XmlReader<'s> {
    fn new(structures: &'s StructureSet) -> Self {
        Self {
            structures,
            format: None,
            issues: Vec::new(),
            header: Header::default(),
            header_structures: Vec::new(),
            header_done: false,
            capture: Vec::new(),
            context: None,
            datasets: 0,
            skip_below: None,
            path: Vec::new(),
            fatal: false,
        }
    }

    fn issue(
        &mut self,
        line: u64,
        position: u64,
        series_key: &str,
        component: &str,
        message: impl Into<String>,
    ) {
        self.issues.push(Issue {
            line,
            position,
            series_key: series_key.to_string(),
            component: component.to_string(),
            message: message.into(),
            xml: false,
        });
    }

    /// Reports an element this reader does not handle and skips its content.
    fn skip_unsupported(&mut self, e: &Element, depth: usize) {
        self.issue(
            e.line,
            e.position,
            "",
            &e.name,
            format!(
                "element `{}` is not supported here; its content was skipped",
                e.name
            ),
        );
        self.skip_below = Some(depth);
    }

    fn fatal_issue(&mut self, line: u64, position: u64, component: &str, message: String) {
        self.issue(line, position, "", component, message);
        self.fatal = true;
    }

    fn ss(&self) -> bool {
        matches!(
            self.format,
            Some(DataFormat::StructureSpecific21 | DataFormat::StructureSpecific30)
        )
    }

    fn run<R: BufRead>(mut self, input: R) -> Outcome<'s> {
        let mut xml = NsReader::from_reader(LineTracking::new(input));
        let mut buf = Vec::new();
        let mut seen_root = false;
        loop {
            let before = xml.buffer_position();
            let event = match xml.read_resolved_event_into(&mut buf) {
                Ok((resolved, event)) => {
                    let ns = self.classify(&resolved);
                    let v30 = matches!(&resolved, ResolveResult::Bound(n) if n.as_ref() == ns::MESSAGE_30.as_bytes());
                    (ns, v30, event.into_owned())
                }
                Err(e) => {
                    let position = xml.error_position();
                    self.xml_issue(
                        xml.get_ref().line_of(position),
                        position,
                        format!("malformed XML: {e}"),
                    );
                    break;
                }
            };
            let line = xml.get_ref().line_of(before);
            let (ns, v30, event) = event;
            match event {
                Event::Start(ref e) | Event::Empty(ref e) => {
                    let empty = matches!(event, Event::Empty(_));
                    let Some(ns) = ns else {
                        self.xml_issue(
                            line,
                            before,
                            format!(
                                "malformed XML: undeclared namespace prefix in `{}`",
                                String::from_utf8_lossy(e.name().as_ref())
                            ),
                        );
                        break;
                    };
                    let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                    let attrs = match attributes(&xml, e) {
                        Ok(a) => a,
                        Err(message) => {
                            self.xml_issue(line, before, format!("malformed XML: {message}"));
                            break;
                        }
                    };
                    if !seen_root {
                        seen_root = true;
                        if !self.root(ns, v30, &name, line, before) {
                            break;
                        }
                        if !empty {
                            self.path.push((ns, name));
                        }
                        continue;
                    }
                    let depth = self.path.len();
                    if !empty {
                        self.path.push((ns, name.clone()));
                    }
                    if self.skip_below.is_some_and(|d| depth >= d) {
                        continue;
                    }
                    let element = Element {
                        ns,
                        name,
                        attrs,
                        line,
                        position: before,
                        depth,
                        xsi_type_ns: None,
                    };
                    let element = self.resolve_xsi_type(element, &xml);
                    let name = element.name.clone();
                    self.start(element);
                    if empty {
                        if self.skip_below == Some(depth) {
                            self.skip_below = None;
                        } else {
                            self.end(depth, &name);
                        }
                    }
                    if self.fatal {
                        break;
                    }
                }
                Event::End(_) => {
                    let depth = self.path.len().saturating_sub(1);
                    let name = self.path.pop().map(|(_, n)| n).unwrap_or_default();
                    if self.skip_below.is_some_and(|d| depth > d) {
                        continue;
                    }
                    if self.skip_below == Some(depth) {
                        self.skip_below = None;
                        continue;
                    }
                    self.end(depth, &name);
                    if self.fatal {
                        break;
                    }
                }
                Event::Text(t) => {
                    if let Some(node) = self.capture.last_mut() {
                        match t.xml_content() {
                            Ok(text) => node.text.push_str(&text),
                            Err(e) => {
                                self.xml_issue(line, before, format!("malformed XML: {e}"));
                                break;
                            }
                        }
                    }
                }
                Event::CData(t) => {
                    if let Some(node) = self.capture.last_mut() {
                        node.text.push_str(&String::from_utf8_lossy(&t));
                    }
                }
                Event::GeneralRef(r) => {
                    let text = match r.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        _ => {
                            let name = String::from_utf8_lossy(&r).into_owned();
                            match quick_xml::escape::resolve_predefined_entity(&name) {
                                Some(s) => s.to_string(),
                                None => {
                                    self.xml_issue(
                                        line,
                                        before,
                                        format!("malformed XML: unknown entity `&{name};`"),
                                    );
                                    break;
                                }
                            }
                        }
                    };
                    if let Some(node) = self.capture.last_mut() {
                        node.text.push_str(&text);
                    }
                }
                Event::Eof => {
                    let position = xml.buffer_position();
                    let line = xml.get_ref().line_of(position);
                    if !seen_root {
                        self.xml_issue(line, position, "malformed XML: no root element".into());
                    } else if let Some((_, name)) = self.path.last() {
                        let name = name.clone();
                        self.xml_issue(
                            line,
                            position,
                            format!(
                                "malformed XML: unexpected end of input, `{name}` is not closed"
                            ),
                        );
                    }
                    break;
                }
                Event::Decl(_) | Event::PI(_) | Event::DocType(_) | Event::Comment(_) => {}
            }
            buf.clear();
        }
        self.finish()
    }

    fn xml_issue(&mut self, line: u64, position: u64, message: String) {
        self.issues.push(Issue {
            line,
            position,
            series_key: String::new(),
            component: "xml".to_string(),
            message,
            xml: true,
        });
        self.fatal = true;
    }

    fn classify(&self, resolved: &ResolveResult<'_>) -> Option<Ns> {
        Some(match resolved {
            ResolveResult::Bound(n) => classify_uri(n.as_ref()),
            ResolveResult::Unbound => Ns::None,
            ResolveResult::Unknown(_) => return None,
        })
    }

    /// Checks the root element; false when reading cannot go on.
    fn root(&mut self, ns: Ns, version30: bool, name: &str, line: u64, position: u64) -> bool {
        self.format = match (ns, name) {
            (Ns::Message, "StructureSpecificData" | "StructureSpecificTimeSeriesData") => {
                Some(if version30 {
                    DataFormat::StructureSpecific30
                } else {
                    DataFormat::StructureSpecific21
                })
            }
            (Ns::Message, "GenericData" | "GenericTimeSeriesData") if !version30 => {
                Some(DataFormat::Generic21)
            }
            _ => None,
        };
        if self.format.is_none() {
            self.fatal_issue(
                line,
                position,
                "message",
                format!(
                    "root element `{name}` is not an SDMX-ML 2.1 StructureSpecificData or GenericData, or SDMX-ML 3.0 StructureSpecificData message"
                ),
            );
            return false;
        }
        true
    }

    /// Records the namespace bound to the prefix of an `xsi:type` value.
    fn resolve_xsi_type<R: BufRead>(
        &self,
        mut element: Element,
        xml: &NsReader<LineTracking<R>>,
    ) -> Element {
        if let Some((_, value)) = element
            .attrs
            .iter()
            .find(|(k, _)| k.ns == Ns::Xsi && k.name == "type")
        {
            let (resolved, local) = xml.resolve_element(QName(value.as_bytes()));
            let uri = match resolved {
                ResolveResult::Bound(n) => Some(String::from_utf8_lossy(n.as_ref()).into_owned()),
                _ => None,
            };
            element.xsi_type_ns = Some((uri, String::from_utf8_lossy(local.as_ref()).into_owned()));
        }
        element
    }

    fn start(&mut self, e: Element) {
        let depth = e.depth;
        // Inside the header: capture.
        if !self.capture.is_empty() || (depth == 1 && e.ns == Ns::Message && e.name == "Header") {
            self.capture.push(Node {
                ns: Some(e.ns),
                name: e.name,
                attrs: e.attrs.into_iter().map(|(k, v)| (k.name, v)).collect(),
                line: e.line,
                position: e.position,
                ..Node::default()
            });
            return;
        }
        if depth == 1 {
            if e.ns == Ns::Message && e.name == "DataSet" {
                self.dataset_start(e);
            } else {
                // Footer and anything else.
                self.skip_below = Some(depth);
            }
            return;
        }
        let Some(ctx) = self.context.as_ref() else {
            self.skip_below = Some(depth);
            return;
        };
        let parent = self.path.get(depth - 1).map(|(n, p)| (*n, p.clone()));
        let flat = ctx.flat;
        if self.ss() {
            match (depth, e.ns, e.name.as_str()) {
                (2, Ns::None, "Series") if !flat => self.ss_series(e),
                (2, Ns::None, "Obs") if flat => self.ss_flat_obs(e),
                (3, Ns::None, "Obs") if !flat => self.ss_obs(e),
                (2, Ns::None, "Series" | "Obs") => {
                    self.issue(
                        e.line,
                        e.position,
                        "",
                        &e.name,
                        format!(
                            "`{}` does not fit dimensionAtObservation {}",
                            e.name,
                            if flat { ALL_DIMENSIONS } else { "TIME_PERIOD" }
                        ),
                    );
                    self.skip_below = Some(depth);
                }
                (_, _, "Annotations" | "DataProvider") => self.skip_below = Some(depth),
                _ => self.skip_unsupported(&e, depth),
            }
            return;
        }
        // GenericData.
        let parent_name = parent.map(|(_, p)| p).unwrap_or_default();
        match (depth, e.ns, e.name.as_str(), parent_name.as_str()) {
            (2, Ns::Generic, "Series", _) if !flat => {
                if let Some(ctx) = self.context.as_mut() {
                    ctx.series = Some((Series::default(), e.line, e.position));
                }
            }
            (2, Ns::Generic, "Obs", _) if flat => {
                if let Some(ctx) = self.context.as_mut() {
                    ctx.obs = Some(PendingObs {
                        line: e.line,
                        position: e.position,
                        ..PendingObs::default()
                    });
                }
            }
            (3, Ns::Generic, "Obs", "Series") if !flat => {
                if let Some(ctx) = self.context.as_mut() {
                    ctx.obs = Some(PendingObs {
                        line: e.line,
                        position: e.position,
                        ..PendingObs::default()
                    });
                }
            }
            (3, Ns::Generic, "SeriesKey", "Series") => self.set_values(Values::SeriesKey),
            (3, Ns::Generic, "Attributes", "Series") => self.set_values(Values::SeriesAttributes),
            (3, Ns::Generic, "ObsKey", "Obs") => self.set_values(Values::ObsKey),
            (3 | 4, Ns::Generic, "Attributes", "Obs") => self.set_values(Values::ObsAttributes),
            (3 | 4, Ns::Generic, "ObsDimension", "Obs") => {
                let value = e.attr("value").map(str::to_owned);
                if let Some(obs) = self.context.as_mut().and_then(|c| c.obs.as_mut()) {
                    obs.time = value;
                }
            }
            (3 | 4, Ns::Generic, "ObsValue", "Obs") => {
                let value = e.attr("value").map(str::to_owned);
                if let Some(obs) = self.context.as_mut().and_then(|c| c.obs.as_mut()) {
                    obs.value = value;
                }
            }
            (4 | 5, Ns::Generic, "Value", _) => self.generic_value(e),
            (_, _, "Annotations" | "DataProvider", _) => self.skip_below = Some(depth),
            _ => self.skip_unsupported(&e, depth),
        }
    }

    fn set_values(&mut self, values: Values) {
        if let Some(ctx) = self.context.as_mut() {
            ctx.values = values;
        }
    }

    fn generic_value(&mut self, e: Element) {
        let (Some(id), Some(value)) = (e.attr("id"), e.attr("value")) else {
            self.issue(
                e.line,
                e.position,
                "",
                "Value",
                "`generic:Value` needs both `id` and `value`",
            );
            return;
        };
        let pair = (id.to_string(), value.to_string());
        let Some(ctx) = self.context.as_mut() else {
            return;
        };
        match ctx.values {
            Values::SeriesKey => {
                if let Some((s, _, _)) = ctx.series.as_mut() {
                    s.key.push(pair);
                }
            }
            Values::SeriesAttributes => {
                if let Some((s, _, _)) = ctx.series.as_mut() {
                    s.attributes.push(pair);
                }
            }
            Values::ObsKey => {
                if let Some(o) = ctx.obs.as_mut() {
                    o.key.push(pair);
                }
            }
            Values::ObsAttributes => {
                if let Some(o) = ctx.obs.as_mut() {
                    o.attributes.push(pair);
                }
            }
            Values::Ignore => {}
        }
    }

    fn end(&mut self, depth: usize, name: &str) {
        if let Some(node) = self.capture.pop() {
            if let Some(parent) = self.capture.last_mut() {
                parent.children.push(node);
            } else {
                self.header_end(node);
            }
            return;
        }
        if self.context.is_none() {
            return;
        }
        let ss = self.ss();
        match (depth, name) {
            (1, _) => self.dataset_end(),
            (2, "Series") => {
                if let Some(ctx) = self.context.as_mut() {
                    if let Some((series, _, _)) = ctx.series.take() {
                        ctx.dataset.series.push(series);
                    }
                }
            }
            (2, "Obs") if !ss => self.generic_flat_obs_end(),
            (3, "Obs") if !ss => self.generic_obs_end(),
            (3 | 4, "SeriesKey" | "Attributes" | "ObsKey") if !ss => {
                self.set_values(Values::Ignore)
            }
            _ => {}
        }
    }

    // -- header ------------------------------------------------------------

    fn header_end(&mut self, header: Node) {
        self.header_done = true;
        let mut missing = Vec::new();
        match header.child(Ns::Message, "ID") {
            Some(n) if !n.text.trim().is_empty() => self.header.id = n.text.trim().to_string(),
            _ => missing.push("ID"),
        }
        if let Some(n) = header.child(Ns::Message, "Test") {
            self.header.test = matches!(n.text.trim(), "true" | "1");
        }
        match header.child(Ns::Message, "Prepared") {
            Some(n) if !n.text.trim().is_empty() => {
                self.header.prepared = n.text.trim().to_string()
            }
            _ => missing.push("Prepared"),
        }
        match header
            .child(Ns::Message, "Sender")
            .and_then(|n| n.attr("id"))
        {
            Some(id) => self.header.sender = id.to_string(),
            None => missing.push("Sender"),
        }
        self.header.receiver = header
            .child(Ns::Message, "Receiver")
            .and_then(|n| n.attr("id"))
            .map(str::to_owned);
        let structures: Vec<&Node> = header
            .children
            .iter()
            .filter(|c| c.ns == Some(Ns::Message) && c.name == "Structure")
            .collect();
        if structures.is_empty() {
            missing.push("Structure");
        }
        for name in missing {
            self.issue(
                header.line,
                header.position,
                "",
                "header",
                format!("required header element message:{name} is missing"),
            );
        }
        let mut found = Vec::new();
        for s in structures {
            let reference = s.children.iter().find_map(|c| {
                let kind = match (c.ns, c.name.as_str()) {
                    (Some(Ns::Common), "Structure") => StructureKind::DataStructure,
                    (Some(Ns::Common), "StructureUsage") => StructureKind::Dataflow,
                    _ => return None,
                };
                if let Some(r) = c.children.iter().find(|r| r.name == "Ref") {
                    return Some(StructureRef {
                        agency_id: r.attr("agencyID").unwrap_or_default().to_string(),
                        id: r.attr("id").unwrap_or_default().to_string(),
                        version: r.attr("version").unwrap_or("1.0").to_string(),
                        kind,
                    });
                }
                let urn = c
                    .children
                    .iter()
                    .find(|u| u.name == "URN")
                    .map_or(c.text.as_str(), |u| u.text.as_str());
                parse_structure_urn(urn).map(|mut r| {
                    r.kind = kind;
                    r
                })
            });
            if reference.is_none() {
                self.issue(
                    s.line,
                    s.position,
                    "",
                    "header",
                    "message:Structure references no data structure or dataflow",
                );
            }
            found.push(HeaderStructure {
                structure_id: s.attr("structureID").map(str::to_owned),
                namespace: s.attr("namespace").map(str::to_owned),
                dim_at_obs: s.attr("dimensionAtObservation").map(str::to_owned),
                reference,
                line: s.line,
                position: s.position,
            });
        }
        self.header_structures = found;
    }

    // -- data set ------------------------------------------------------------

    fn dataset_start(&mut self, e: Element) {
        self.datasets += 1;
        let depth = e.depth;
        if self.datasets > 1 {
            self.issue(
                e.line,
                e.position,
                "",
                "DataSet",
                "only one data set per message is supported; this one was skipped",
            );
            self.skip_below = Some(depth);
            return;
        }
        let ss = self.ss();
        let v21 = self.format == Some(DataFormat::StructureSpecific21);
        let attr_ns = if ss { Ns::Ss } else { Ns::None };
        let structure_ref = e
            .attrs
            .iter()
            .find(|(k, _)| k.ns == attr_ns && k.name == "structureRef")
            .map(|(_, v)| v.clone());
        let action_text = e
            .attrs
            .iter()
            .find(|(k, _)| k.ns == attr_ns && k.name == "action")
            .map(|(_, v)| v.clone());
        let (line, position) = (e.line, e.position);

        // Which header structure the data set uses.
        let chosen = match &structure_ref {
            None => {
                self.issue(
                    line,
                    position,
                    "",
                    "structureRef",
                    format!(
                        "the data set has no {}structureRef attribute",
                        if ss { "ss:" } else { "" }
                    ),
                );
                if self.header_structures.len() == 1 {
                    Some(0)
                } else {
                    None
                }
            }
            Some(sref) => {
                let i = self
                    .header_structures
                    .iter()
                    .position(|h| h.structure_id.as_deref() == Some(sref.as_str()));
                if i.is_none() && !self.header_structures.is_empty() {
                    let ids: Vec<String> = self
                        .header_structures
                        .iter()
                        .filter_map(|h| h.structure_id.clone())
                        .map(|s| format!("'{s}'"))
                        .collect();
                    self.issue(
                        line,
                        position,
                        "",
                        "structureRef",
                        format!(
                            "structureRef '{sref}' does not match the header's structureID ({})",
                            if ids.is_empty() {
                                "none given".to_string()
                            } else {
                                ids.join(", ")
                            }
                        ),
                    );
                    if self.header_structures.len() == 1 {
                        Some(0)
                    } else {
                        None
                    }
                } else {
                    i
                }
            }
        };

        // The structure reference: from the header, else from the namespace.
        let mut reference = chosen.and_then(|i| self.header_structures[i].reference.clone());
        let mut dim_at_obs = chosen.and_then(|i| self.header_structures[i].dim_at_obs.clone());
        if let Some(i) = chosen {
            let h = &self.header_structures[i];
            let (hl, hp) = (h.line, h.position);
            let (no_id, no_dim) = (h.structure_id.is_none(), h.dim_at_obs.is_none());
            if no_id {
                self.issue(hl, hp, "", "header", "message:Structure has no structureID");
            }
            if no_dim {
                self.issue(
                    hl,
                    hp,
                    "",
                    "header",
                    "message:Structure has no dimensionAtObservation",
                );
            }
        }
        if reference.is_none() && ss {
            if let Some((Some(uri), _)) = &e.xsi_type_ns {
                reference = parse_structure_urn(uri);
                if let Some(dim) = uri.split(":ObsLevelDim:").nth(1) {
                    dim_at_obs.get_or_insert_with(|| dim.to_string());
                }
            }
        }
        let Some(reference) = reference else {
            self.fatal_issue(
                line,
                position,
                "structure",
                "cannot tell which data structure the data set uses".to_string(),
            );
            return;
        };
        let dsd = match resolve_structure(self.structures, &reference) {
            Ok(dsd) => dsd,
            Err(message) => {
                let (l, p) = chosen.map_or((line, position), |i| {
                    (
                        self.header_structures[i].line,
                        self.header_structures[i].position,
                    )
                });
                self.fatal_issue(l, p, "structure", message);
                return;
            }
        };
        let dim_at_obs = dim_at_obs.unwrap_or_else(|| dsd.time_dimension_id().to_string());
        let flat = if dim_at_obs == ALL_DIMENSIONS {
            true
        } else if dim_at_obs == dsd.time_dimension_id() {
            false
        } else {
            self.fatal_issue(
                line,
                position,
                "header",
                format!(
                    "dimensionAtObservation '{dim_at_obs}' is not supported (only {} and {ALL_DIMENSIONS})",
                    dsd.time_dimension_id()
                ),
            );
            return;
        };

        // Namespace checks (StructureSpecific) and its absence (Generic).
        let expected_ns = structure_namespace(&reference, &dim_at_obs);
        if let Some(i) = chosen {
            let h = &self.header_structures[i];
            let (hl, hp) = (h.line, h.position);
            let namespace = h.namespace.clone();
            match (&namespace, ss) {
                (None, true) => self.issue(
                    hl,
                    hp,
                    "",
                    "namespace",
                    "message:Structure has no namespace attribute (required in StructureSpecificData)",
                ),
                (Some(n), true) if *n != expected_ns => {
                    self.issue(
                        hl,
                        hp,
                        "",
                        "namespace",
                        format!(
                            "namespace '{n}' does not match the referenced structure (expected '{expected_ns}')"
                        ),
                    )
                }
                (Some(_), false) => self.issue(
                    hl,
                    hp,
                    "",
                    "namespace",
                    "message:Structure has a namespace attribute, which GenericData prohibits",
                ),
                _ => {}
            }
        }
        if ss {
            match &e.xsi_type_ns {
                None => self.issue(
                    line,
                    position,
                    "",
                    "xsi:type",
                    "the data set has no xsi:type naming the DSD-specific DataSetType",
                ),
                Some((uri, local)) => {
                    let header_ns =
                        chosen.and_then(|i| self.header_structures[i].namespace.clone());
                    let ok_ns = uri.is_some()
                        && (uri.as_deref() == header_ns.as_deref()
                            || uri.as_deref() == Some(expected_ns.as_str()));
                    if !ok_ns || local != "DataSetType" {
                        let shown = e
                            .attrs
                            .iter()
                            .find(|(k, _)| k.ns == Ns::Xsi && k.name == "type")
                            .map(|(_, v)| v.clone())
                            .unwrap_or_default();
                        self.issue(
                            line,
                            position,
                            "",
                            "xsi:type",
                            format!(
                                "xsi:type '{shown}' is not DataSetType in the DSD-specific namespace {}",
                                header_ns.unwrap_or(expected_ns.clone())
                            ),
                        );
                    }
                }
            }
            if v21
                && !e
                    .attrs
                    .iter()
                    .any(|(k, _)| k.ns == Ns::Ss && k.name == "dataScope")
            {
                self.issue(
                    line,
                    position,
                    "",
                    "dataScope",
                    "the data set has no ss:dataScope",
                );
            }
        }
        let action = match action_text.as_deref() {
            None | Some("Replace") => Action::Replace,
            Some("Append") => Action::Append,
            Some("Delete") => Action::Delete,
            Some("Information") => Action::Information,
            Some(other) => {
                self.issue(
                    line,
                    position,
                    "",
                    "action",
                    format!("action '{other}' is not Append, Replace, Delete or Information"),
                );
                Action::Replace
            }
        };
        // Unqualified attributes on the data set: data-set-level components.
        for (k, v) in &e.attrs {
            if k.ns != Ns::None
                || (!ss
                    && matches!(
                        k.name.as_str(),
                        "structureRef"
                            | "action"
                            | "setID"
                            | "dataScope"
                            | "reportingBeginDate"
                            | "reportingEndDate"
                            | "validFromDate"
                            | "validToDate"
                            | "publicationYear"
                            | "publicationPeriod"
                    ))
            {
                continue;
            }
            let message = if dsd.attribute(&k.name).is_some() {
                format!(
                    "data-set-level attribute values are not supported ({}='{v}')",
                    k.name
                )
            } else {
                format!("not a component of DSD {}", dsd.reference())
            };
            self.issue(line, position, "", &k.name.clone(), message);
        }
        let dataflow_id = match reference.kind {
            StructureKind::Dataflow => Some(reference.id.clone()),
            StructureKind::DataStructure => None,
        };
        self.context = Some(DataContext {
            dsd,
            flat,
            dataset: DataSet {
                structure: reference,
                dataflow_id,
                action,
                series: Vec::new(),
            },
            grouper: Grouper::default(),
            series: None,
            obs: None,
            values: Values::Ignore,
        });
    }

    fn dataset_end(&mut self) {
        if let Some(ctx) = self.context.as_mut() {
            if ctx.flat {
                let grouped = std::mem::take(&mut ctx.grouper.series);
                ctx.dataset.series.extend(grouped);
            }
        }
    }

    // -- StructureSpecificData -------------------------------------------------

    fn ss_series(&mut self, e: Element) {
        let Some(ctx) = self.context.as_mut() else {
            return;
        };
        let dsd = ctx.dsd;
        let time = dsd.time_dimension_id();
        let mut series = Series::default();
        for (k, v) in e.attrs {
            if k.ns != Ns::None {
                continue;
            }
            if dsd.dimension(&k.name).is_some() || k.name == time {
                series.key.push((k.name, v));
            } else {
                series.attributes.push((k.name, v));
            }
        }
        ctx.series = Some((series, e.line, e.position));
    }

    fn ss_obs(&mut self, e: Element) {
        let Some(ctx) = self.context.as_ref() else {
            return;
        };
        let dsd = ctx.dsd;
        let key = ctx
            .series
            .as_ref()
            .map(|(s, _, _)| s.key_string())
            .unwrap_or_default();
        let mut pending = PendingObs {
            line: e.line,
            position: e.position,
            ..PendingObs::default()
        };
        let mut misplaced = Vec::new();
        for (k, v) in e.attrs {
            if k.ns != Ns::None {
                continue;
            }
            if k.name == dsd.time_dimension_id() {
                pending.time = Some(v);
            } else if k.name == dsd.primary_measure.id {
                pending.value = Some(v);
            } else if dsd.dimension(&k.name).is_some() {
                misplaced.push(k.name);
            } else {
                pending.attributes.push((k.name, v));
            }
        }
        let at = format!("{key} @ {}", pending.time.as_deref().unwrap_or(""));
        for id in misplaced {
            self.issue(
                e.line,
                e.position,
                &at,
                &id,
                "a series dimension given on an observation (dimensionAtObservation is the time dimension)",
            );
        }
        let obs = self.finish_obs(pending, &key);
        if let Some((series, _, _)) = self.context.as_mut().and_then(|c| c.series.as_mut()) {
            series.observations.push(obs);
        }
    }

    fn ss_flat_obs(&mut self, e: Element) {
        let Some(ctx) = self.context.as_ref() else {
            return;
        };
        let dsd = ctx.dsd;
        let mut pending = PendingObs {
            line: e.line,
            position: e.position,
            ..PendingObs::default()
        };
        for (k, v) in e.attrs {
            if k.ns != Ns::None {
                continue;
            }
            if k.name == dsd.primary_measure.id {
                pending.value = Some(v);
            } else if dsd.dimension(&k.name).is_some() || k.name == dsd.time_dimension_id() {
                pending.key.push((k.name, v));
            } else {
                pending.attributes.push((k.name, v));
            }
        }
        self.flat_obs(pending);
    }

    // -- GenericData -------------------------------------------------------------

    fn generic_obs_end(&mut self) {
        let Some(ctx) = self.context.as_mut() else {
            return;
        };
        let Some(pending) = ctx.obs.take() else {
            return;
        };
        let key = ctx
            .series
            .as_ref()
            .map(|(s, _, _)| s.key_string())
            .unwrap_or_default();
        let obs = self.finish_obs(pending, &key);
        if let Some((series, _, _)) = self.context.as_mut().and_then(|c| c.series.as_mut()) {
            series.observations.push(obs);
        }
    }

    fn generic_flat_obs_end(&mut self) {
        let Some(pending) = self.context.as_mut().and_then(|c| c.obs.take()) else {
            return;
        };
        self.flat_obs(pending);
    }

    // -- both ------------------------------------------------------------------

    /// A flat-layout observation: its key holds every dimension, the time
    /// dimension included.
    fn flat_obs(&mut self, mut pending: PendingObs) {
        let Some(ctx) = self.context.as_ref() else {
            return;
        };
        let dsd = ctx.dsd;
        let time = dsd.time_dimension_id();
        let mut key = Vec::new();
        for (id, v) in std::mem::take(&mut pending.key) {
            if id == time {
                pending.time = Some(v);
            } else {
                key.push((id, v));
            }
        }
        let ks = key_string(&key);
        let (series_attrs, obs_attrs, dataset_attrs) =
            split_attributes(dsd, std::mem::take(&mut pending.attributes));
        pending.attributes = obs_attrs;
        let (line, position) = (pending.line, pending.position);
        let at = format!("{ks} @ {}", pending.time.as_deref().unwrap_or(""));
        for (id, _) in dataset_attrs {
            self.issue(
                line,
                position,
                &at,
                &id,
                "data-set-level attribute values are not supported",
            );
        }
        let obs = self.finish_obs(pending, &ks);
        let conflicts = match self.context.as_mut() {
            Some(ctx) => ctx.grouper.add(key, series_attrs, obs),
            None => return,
        };
        for (id, message) in conflicts {
            self.issue(line, position, &ks, &id, message);
        }
    }

    /// Turns a pending observation into an [`Observation`], reporting a
    /// missing time period and a non-numeric value.
    fn finish_obs(&mut self, pending: PendingObs, key: &str) -> Observation {
        let Some(ctx) = self.context.as_ref() else {
            return Observation::default();
        };
        let time_id = ctx.dsd.time_dimension_id().to_string();
        let measure = ctx.dsd.primary_measure.id.clone();
        let time = pending.time.unwrap_or_default();
        let at = format!("{key} @ {time}");
        if time.is_empty() {
            self.issue(
                pending.line,
                pending.position,
                &at,
                &time_id,
                "the observation has no time period",
            );
        }
        let value = match pending.value {
            None => None,
            Some(text) => match parse_double(&text) {
                Some(v) => Some(v),
                None => {
                    self.issue(
                        pending.line,
                        pending.position,
                        &at,
                        &measure,
                        format!("value '{text}' is not a number (xs:double)"),
                    );
                    None
                }
            },
        };
        Observation {
            time_period: time,
            value,
            attributes: pending.attributes,
        }
    }

    fn finish(mut self) -> Outcome<'s> {
        if !self.fatal && self.format.is_some() {
            if !self.header_done {
                self.issue(1, 0, "", "header", "the message has no message:Header");
            }
            if self.datasets == 0 {
                self.issue(1, 0, "", "DataSet", "the message has no message:DataSet");
            }
        }
        let (message, dsd) = match self.context {
            Some(ctx) if !self.fatal => (
                Some(DataMessage {
                    header: self.header,
                    dataset: ctx.dataset,
                }),
                Some(ctx.dsd),
            ),
            _ => (None, None),
        };
        Outcome {
            format: self.format,
            message,
            dsd,
            issues: self.issues,
        }
    }
}

fn classify_uri(uri: &[u8]) -> Ns {
    let is = |a: &str, b: &str| uri == a.as_bytes() || uri == b.as_bytes();
    if is(ns::MESSAGE, ns::MESSAGE_30) {
        Ns::Message
    } else if is(ns::COMMON, ns::COMMON_30) {
        Ns::Common
    } else if is(ns::STRUCTURE_SPECIFIC, ns::STRUCTURE_SPECIFIC_30) {
        Ns::Ss
    } else if uri == ns::GENERIC.as_bytes() {
        Ns::Generic
    } else if uri == ns::XSI.as_bytes() {
        Ns::Xsi
    } else {
        Ns::Other
    }
}

/// An attribute name: namespace and local name.
#[derive(Debug, Clone)]
struct AttrName {
    ns: Ns,
    name: String,
}

/// A start tag, decoded.
struct Element {
    ns: Ns,
    name: String,
    attrs: Vec<(AttrName, String)>,
    line: u64,
    position: u64,
    /// Depth of the element (the root is 0).
    depth: usize,
    /// For an `xsi:type`: the namespace bound to its prefix and its local name.
    xsi_type_ns: Option<(Option<String>, String)>,
}

impl Element {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k.ns == Ns::None && k.name == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Decodes the attributes of a start tag, with XML attribute-value
/// normalisation (literal tabs and line ends become spaces; character
/// references survive). Namespace declarations are left out.
fn attributes<R: BufRead>(
    xml: &NsReader<LineTracking<R>>,
    e: &BytesStart<'_>,
) -> std::result::Result<Vec<(AttrName, String)>, String> {
    let mut out = Vec::new();
    for attr in e.attributes() {
        let attr = attr.map_err(|e| e.to_string())?;
        if attr.key.as_namespace_binding().is_some() {
            continue;
        }
        let (resolved, local) = xml.resolve_attribute(attr.key);
        let ns = match resolved {
            ResolveResult::Bound(n) => classify_uri(n.as_ref()),
            ResolveResult::Unbound => Ns::None,
            ResolveResult::Unknown(p) => {
                return Err(format!(
                    "undeclared namespace prefix `{}`",
                    String::from_utf8_lossy(&p)
                ))
            }
        };
        let raw = std::str::from_utf8(&attr.value).map_err(|e| e.to_string())?;
        let normalised = raw.replace("\r\n", " ").replace(['\t', '\n', '\r'], " ");
        let value = quick_xml::escape::unescape(&normalised).map_err(|e| e.to_string())?;
        out.push((
            AttrName {
                ns,
                name: String::from_utf8_lossy(local.as_ref()).into_owned(),
            },
            value.into_owned(),
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_follow_xs_double() {
        for (text, want) in [
            ("1", 1.0),
            ("-1.5e3", -1500.0),
            (".5", 0.5),
            ("5.", 5.0),
            (" 2 ", 2.0),
            ("-0", -0.0),
            ("1E-7", 1e-7),
        ] {
            assert_eq!(parse_double(text), Some(want), "{text}");
        }
        assert!(parse_double("INF").unwrap().is_infinite());
        assert!(parse_double("NaN").unwrap().is_nan());
        for bad in [
            "", "abc", "1,5", "inf", "nan", "1e", "--1", "1.2.3", "0x10", "e5",
        ] {
            assert_eq!(parse_double(bad), None, "{bad}");
        }
    }

    #[test]
    fn references_parse() {
        assert_eq!(
            parse_maintainable("ILO:DF_X(1.0)"),
            Some(("ILO".into(), "DF_X".into(), "1.0".into()))
        );
        assert_eq!(parse_maintainable("ILO:DF_X"), None);
        let r = parse_structure_urn(
            "urn:sdmx:org.sdmx.infomodel.datastructure.Dataflow=ILO:DF_X(1.0):ObsLevelDim:TIME_PERIOD",
        )
        .unwrap();
        assert_eq!(r.kind, StructureKind::Dataflow);
        assert_eq!((r.agency_id.as_str(), r.id.as_str()), ("ILO", "DF_X"));
    }
}
