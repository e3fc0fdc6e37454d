//! A streaming reader for SDMX-ML 2.1 `message:Structure` messages.
//!
//! The message is read event by event with quick-xml's namespace-aware
//! reader. Elements are matched by namespace URI, never by prefix. Each
//! maintainable artefact this crate models (`Codelist`, `ConceptScheme`,
//! `DataStructure`, `Dataflow`) is collected into a small element tree and
//! converted as soon as its end tag is read, so memory holds one artefact at a
//! time plus the finished model. Everything else (`Categorisations`,
//! `Constraints`, `HierarchicalCodelists`, `OrganisationSchemes`, the header,
//! …) is skipped.
//!
//! Errors carry the 1-based line and 0-based byte offset: the reader wraps
//! the input in a [`BufRead`] adaptor that records where newlines are.

use std::io::{self, BufRead, Read};

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;

use crate::error::{Error, Result};
use crate::model::*;
use crate::ns;

/// Reads an SDMX-ML 2.1 structure message into a [`StructureSet`].
///
/// The root must be `message:Structure` in the SDMX-ML 2.1 message
/// namespace. Malformed XML yields [`Error::Xml`], and structurally unusable
/// content (an artefact without an `id`, a DSD without a primary measure, …)
/// yields [`Error::Structure`]; both carry the line and byte position.
pub fn read_structure_21<R: BufRead>(reader: R) -> Result<StructureSet> {
    let mut xml = NsReader::from_reader(LineTracking::new(reader));
    let mut buf = Vec::new();
    let mut set = StructureSet::default();
    // Open elements outside any captured artefact: (namespace, local name).
    let mut path: Vec<(Ns, String)> = Vec::new();
    // Open elements inside the artefact being captured.
    let mut capture: Vec<Node> = Vec::new();
    let mut seen_root = false;

    loop {
        let event = xml.read_resolved_event_into(&mut buf);
        let (resolved, event) = match event {
            Ok((resolved, event)) => {
                // Turn the namespace into a value now: `resolved` borrows the reader.
                let ns = match resolved {
                    ResolveResult::Bound(n) if n.as_ref() == ns::MESSAGE.as_bytes() => {
                        Ok(Ns::Message)
                    }
                    ResolveResult::Bound(n) if n.as_ref() == ns::STRUCTURE.as_bytes() => {
                        Ok(Ns::Structure)
                    }
                    ResolveResult::Bound(n) if n.as_ref() == ns::COMMON.as_bytes() => {
                        Ok(Ns::Common)
                    }
                    ResolveResult::Bound(_) => Ok(Ns::Other),
                    ResolveResult::Unbound => Ok(Ns::None),
                    ResolveResult::Unknown(prefix) => {
                        Err(String::from_utf8_lossy(&prefix).into_owned())
                    }
                };
                (ns, event)
            }
            Err(e) => return Err(xml_error(&xml, xml.error_position(), e.to_string())),
        };
        let end_pos = xml.buffer_position();
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let is_empty = matches!(event, Event::Empty(_));
                let ns = match resolved {
                    Ok(ns) => ns,
                    Err(prefix) => {
                        return Err(xml_error(
                            &xml,
                            end_pos,
                            format!("undeclared namespace prefix `{prefix}`"),
                        ));
                    }
                };
                let name = utf8(&xml, end_pos, e.local_name().as_ref())?;
                if !seen_root {
                    seen_root = true;
                    if ns != Ns::Message || name != "Structure" {
                        return Err(structure_error(
                            &xml,
                            end_pos,
                            format!(
                                "root element is `{}`, expected `Structure` in namespace {}",
                                String::from_utf8_lossy(e.name().as_ref()),
                                ns::MESSAGE
                            ),
                        ));
                    }
                }
                let starts_artefact = capture.is_empty()
                    && ns == Ns::Structure
                    && matches!(
                        (path.last().map(|(n, p)| (*n, p.as_str())), name.as_str()),
                        (Some((Ns::Structure, "Codelists")), "Codelist")
                            | (Some((Ns::Structure, "Concepts")), "ConceptScheme")
                            | (Some((Ns::Structure, "DataStructures")), "DataStructure")
                            | (Some((Ns::Structure, "Dataflows")), "Dataflow")
                    );
                if capture.is_empty() && !starts_artefact {
                    if !is_empty {
                        path.push((ns, name));
                    }
                } else {
                    let node = Node::start(&xml, end_pos, ns, name, e)?;
                    if is_empty {
                        close(node, &mut capture, &mut set)?;
                    } else {
                        capture.push(node);
                    }
                }
            }
            Event::End(_) => {
                if let Some(node) = capture.pop() {
                    close(node, &mut capture, &mut set)?;
                } else {
                    path.pop();
                }
            }
            Event::Text(t) => {
                if let Some(node) = capture.last_mut() {
                    let text = t
                        .xml_content()
                        .map_err(|e| xml_error(&xml, end_pos, e.to_string()))?;
                    node.text.push_str(&text);
                }
            }
            Event::CData(t) => {
                if let Some(node) = capture.last_mut() {
                    let text = t
                        .xml_content()
                        .map_err(|e| xml_error(&xml, end_pos, e.to_string()))?;
                    node.text.push_str(&text);
                }
            }
            Event::GeneralRef(r) => {
                if let Some(node) = capture.last_mut() {
                    let resolved = match r.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        Ok(None) => {
                            let name = r
                                .decode()
                                .map_err(|e| xml_error(&xml, end_pos, e.to_string()))?;
                            match resolve_predefined_entity(&name) {
                                Some(s) => s.to_string(),
                                None => {
                                    return Err(xml_error(
                                        &xml,
                                        end_pos,
                                        format!("unknown entity `&{name};`"),
                                    ));
                                }
                            }
                        }
                        Err(e) => return Err(xml_error(&xml, end_pos, e.to_string())),
                    };
                    node.text.push_str(&resolved);
                }
            }
            Event::Eof => {
                if let Some((_, name)) = path.last() {
                    return Err(xml_error(
                        &xml,
                        end_pos,
                        format!("unexpected end of input: `{name}` is not closed"),
                    ));
                }
                if let Some(node) = capture.last() {
                    return Err(xml_error(
                        &xml,
                        end_pos,
                        format!("unexpected end of input: `{}` is not closed", node.name),
                    ));
                }
                if !seen_root {
                    return Err(xml_error(&xml, end_pos, "no root element".to_string()));
                }
                break;
            }
            Event::Decl(_) | Event::PI(_) | Event::DocType(_) | Event::Comment(_) => {}
        }
        buf.clear();
    }
    Ok(set)
}

fn close(node: Node, capture: &mut [Node], set: &mut StructureSet) -> Result<()> {
    if let Some(parent) = capture.last_mut() {
        parent.children.push(node);
        return Ok(());
    }
    match node.name.as_str() {
        "Codelist" => {
            let c = codelist(&node)?;
            set.codelists.insert(c.id.clone(), c);
        }
        "ConceptScheme" => {
            let c = concept_scheme(&node)?;
            set.concept_schemes.insert(c.id.clone(), c);
        }
        "DataStructure" => {
            let d = data_structure(&node)?;
            set.data_structures.insert(d.id.clone(), d);
        }
        "Dataflow" => {
            let d = dataflow(&node)?;
            set.dataflows.insert(d.id.clone(), d);
        }
        _ => {}
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Positions
// ---------------------------------------------------------------------------

/// A [`BufRead`] adaptor that remembers the byte offset of every newline it
/// hands out, so byte positions can be turned into line numbers. Costs 8
/// bytes per line of input, which is fine for structure messages (the 3 MB
/// ILO file has 53,000 lines).
pub(crate) struct LineTracking<R> {
    inner: R,
    offset: u64,
    newlines: Vec<u64>,
}

impl<R: BufRead> LineTracking<R> {
    pub(crate) fn new(inner: R) -> Self {
        Self {
            inner,
            offset: 0,
            newlines: Vec::new(),
        }
    }

    /// 1-based line of byte `position`.
    pub(crate) fn line_of(&self, position: u64) -> u64 {
        self.newlines.partition_point(|&nl| nl < position) as u64 + 1
    }
}

impl<R: BufRead> Read for LineTracking<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for LineTracking<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        // A second `fill_buf` right after the first returns the same buffer
        // without I/O for every `BufRead` in std; if it fails, line numbers
        // become approximate, never wrong by more than the lost chunk.
        if let Ok(buf) = self.inner.fill_buf() {
            let n = amt.min(buf.len());
            for (i, &b) in buf[..n].iter().enumerate() {
                if b == b'\n' {
                    self.newlines.push(self.offset + i as u64);
                }
            }
        }
        self.offset += amt as u64;
        self.inner.consume(amt);
    }
}

fn xml_error<R: BufRead>(xml: &NsReader<LineTracking<R>>, position: u64, message: String) -> Error {
    Error::Xml {
        line: xml.get_ref().line_of(position),
        position,
        message,
    }
}

fn structure_error<R: BufRead>(
    xml: &NsReader<LineTracking<R>>,
    position: u64,
    message: String,
) -> Error {
    Error::Structure {
        line: xml.get_ref().line_of(position),
        position,
        message,
    }
}

fn utf8<R: BufRead>(
    xml: &NsReader<LineTracking<R>>,
    position: u64,
    bytes: &[u8],
) -> Result<String> {
    std::str::from_utf8(bytes)
        .map(str::to_owned)
        .map_err(|e| xml_error(xml, position, format!("invalid UTF-8 in name: {e}")))
}

// ---------------------------------------------------------------------------
// A minimal element tree for one artefact
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ns {
    Message,
    Structure,
    Common,
    /// No namespace (SDMX 2.1 `Ref` elements are unqualified).
    None,
    Other,
}

#[derive(Debug)]
struct Node {
    ns: Ns,
    name: String,
    /// Attributes by qualified name as written (`id`, `xml:lang`, …).
    attrs: Vec<(String, String)>,
    children: Vec<Node>,
    text: String,
    line: u64,
    position: u64,
}

impl Node {
    fn start<R: BufRead>(
        xml: &NsReader<LineTracking<R>>,
        end_pos: u64,
        ns: Ns,
        name: String,
        e: &BytesStart<'_>,
    ) -> Result<Node> {
        let mut attrs = Vec::new();
        for attr in e.attributes() {
            let attr = attr.map_err(|err| xml_error(xml, end_pos, err.to_string()))?;
            let key = utf8(xml, end_pos, attr.key.as_ref())?;
            let value = attr
                .unescape_value()
                .map_err(|err| xml_error(xml, end_pos, err.to_string()))?;
            attrs.push((key, value.into_owned()));
        }
        let position = end_pos.saturating_sub(1);
        Ok(Node {
            ns,
            name,
            attrs,
            children: Vec::new(),
            text: String::new(),
            line: xml.get_ref().line_of(position),
            position,
        })
    }

    fn attr(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Children with local name `name` in an SDMX namespace (or none, for `Ref`).
    fn children<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children
            .iter()
            .filter(move |c| c.name == name && c.ns != Ns::Other)
    }

    fn child(&self, name: &str) -> Option<&Node> {
        self.children
            .iter()
            .find(|c| c.name == name && c.ns != Ns::Other)
    }

    fn text(&self) -> String {
        self.text.trim().to_string()
    }

    fn error(&self, message: impl Into<String>) -> Error {
        Error::Structure {
            line: self.line,
            position: self.position,
            message: message.into(),
        }
    }

    fn required_attr(&self, key: &str) -> Result<String> {
        self.attr(key)
            .map(str::to_owned)
            .ok_or_else(|| self.error(format!("`{}` has no `{key}` attribute", self.name)))
    }
}

// ---------------------------------------------------------------------------
// Element tree → model
// ---------------------------------------------------------------------------

struct Maintainable {
    id: String,
    agency_id: String,
    version: String,
    names: Vec<LocalisedText>,
    annotations: Vec<Annotation>,
}

fn maintainable(n: &Node) -> Result<Maintainable> {
    Ok(Maintainable {
        id: n.required_attr("id")?,
        agency_id: n.required_attr("agencyID")?,
        version: n.attr("version").unwrap_or("1.0").to_string(),
        names: texts(n, "Name"),
        annotations: annotations(n),
    })
}

fn texts(n: &Node, name: &str) -> Vec<LocalisedText> {
    n.children(name)
        .map(|c| LocalisedText::new(c.attr("xml:lang").unwrap_or(""), c.text()))
        .collect()
}

fn annotations(n: &Node) -> Vec<Annotation> {
    let Some(list) = n.child("Annotations") else {
        return Vec::new();
    };
    list.children("Annotation")
        .map(|a| Annotation {
            id: a.attr("id").map(str::to_owned),
            title: a.child("AnnotationTitle").map(Node::text),
            type_: a.child("AnnotationType").map(Node::text),
            text: texts(a, "AnnotationText"),
        })
        .collect()
}

/// Parses `urn:sdmx:org.sdmx.infomodel.<package>.<Class>=AGENCY:ID(VERSION)[.ITEM]`.
fn parse_urn(urn: &str) -> Option<(String, String, String, Option<String>)> {
    let (_, rest) = urn.trim().split_once('=')?;
    let (agency, rest) = rest.split_once(':')?;
    let (id, rest) = rest.split_once('(')?;
    let (version, rest) = rest.split_once(')')?;
    let item = rest.strip_prefix('.').map(str::to_owned);
    Some((
        agency.to_string(),
        id.to_string(),
        version.to_string(),
        item,
    ))
}

/// A reference to a maintainable artefact, from a `Ref` or `URN` child of `n`.
fn maintainable_ref(n: &Node, default_agency: &str) -> Result<MaintainableRef> {
    if let Some(r) = n.child("Ref") {
        return Ok(MaintainableRef {
            agency_id: r.attr("agencyID").unwrap_or(default_agency).to_string(),
            id: r.required_attr("id")?,
            version: r.attr("version").unwrap_or("1.0").to_string(),
        });
    }
    if let Some(u) = n.child("URN") {
        if let Some((agency_id, id, version, _)) = parse_urn(&u.text) {
            return Ok(MaintainableRef {
                agency_id,
                id,
                version,
            });
        }
        return Err(u.error(format!("cannot parse URN `{}`", u.text())));
    }
    Err(n.error(format!(
        "`{}` has neither a `Ref` nor a `URN` child",
        n.name
    )))
}

fn concept_ref(component: &Node, default_agency: &str) -> Result<ConceptRef> {
    let Some(identity) = component.child("ConceptIdentity") else {
        return Err(component.error(format!("`{}` has no `ConceptIdentity`", component.name)));
    };
    if let Some(r) = identity.child("Ref") {
        return Ok(ConceptRef {
            agency_id: r.attr("agencyID").unwrap_or(default_agency).to_string(),
            scheme_id: r.required_attr("maintainableParentID")?,
            scheme_version: r
                .attr("maintainableParentVersion")
                .unwrap_or("1.0")
                .to_string(),
            id: r.required_attr("id")?,
        });
    }
    if let Some(u) = identity.child("URN") {
        if let Some((agency_id, scheme_id, scheme_version, Some(id))) = parse_urn(&u.text) {
            return Ok(ConceptRef {
                agency_id,
                scheme_id,
                scheme_version,
                id,
            });
        }
        return Err(u.error(format!("cannot parse concept URN `{}`", u.text())));
    }
    Err(identity.error("`ConceptIdentity` has neither a `Ref` nor a `URN` child"))
}

fn optional_number(n: &Node, key: &str) -> Result<Option<u64>> {
    match n.attr(key) {
        None => Ok(None),
        Some(v) => v
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| n.error(format!("`{key}` is `{v}`, expected a non-negative integer"))),
    }
}

/// The representation in `n` (a `CoreRepresentation` or `LocalRepresentation`).
fn representation(n: Option<&Node>, default_agency: &str) -> Result<Option<Representation>> {
    let Some(n) = n else { return Ok(None) };
    if let Some(e) = n.child("Enumeration") {
        return Ok(Some(Representation::Enumerated(maintainable_ref(
            e,
            default_agency,
        )?)));
    }
    if let Some(t) = n.child("TextFormat") {
        return Ok(Some(Representation::Text(TextFormat {
            text_type: t.attr("textType").map(str::to_owned),
            min_length: optional_number(t, "minLength")?,
            max_length: optional_number(t, "maxLength")?,
            pattern: t.attr("pattern").map(str::to_owned),
        })));
    }
    Ok(None)
}

fn codelist(n: &Node) -> Result<Codelist> {
    let m = maintainable(n)?;
    let mut list = Codelist::new(m.id, m.agency_id, m.version, m.names, Vec::new());
    for c in n.children("Code") {
        let parent = match c.child("Parent") {
            None => None,
            Some(p) => {
                if let Some(r) = p.child("Ref") {
                    Some(r.required_attr("id")?)
                } else if let Some(u) = p.child("URN") {
                    match parse_urn(&u.text) {
                        Some((_, _, _, Some(item))) => Some(item),
                        _ => return Err(u.error(format!("cannot parse parent URN `{}`", u.text()))),
                    }
                } else {
                    return Err(p.error("`Parent` has neither a `Ref` nor a `URN` child"));
                }
            }
        };
        list.push(Code {
            id: c.required_attr("id")?,
            names: texts(c, "Name"),
            descriptions: texts(c, "Description"),
            parent,
            annotations: annotations(c),
        });
    }
    Ok(list)
}

fn concept_scheme(n: &Node) -> Result<ConceptScheme> {
    let m = maintainable(n)?;
    let mut concepts = Vec::new();
    for c in n.children("Concept") {
        concepts.push(Concept {
            id: c.required_attr("id")?,
            names: texts(c, "Name"),
            descriptions: texts(c, "Description"),
            core_representation: representation(c.child("CoreRepresentation"), &m.agency_id)?,
        });
    }
    Ok(ConceptScheme {
        id: m.id,
        agency_id: m.agency_id,
        version: m.version,
        names: m.names,
        concepts,
    })
}

/// A component's id: its `id` attribute, or else its concept's id (the SDMX
/// 2.1 default).
fn component_id(n: &Node, concept: &ConceptRef) -> String {
    n.attr("id")
        .map_or_else(|| concept.id.clone(), str::to_owned)
}

fn data_structure(n: &Node) -> Result<DataStructure> {
    let m = maintainable(n)?;
    let agency = m.agency_id.clone();
    let components = n
        .child("DataStructureComponents")
        .ok_or_else(|| n.error(format!("DSD `{}` has no `DataStructureComponents`", m.id)))?;

    let mut dimensions = Vec::new();
    let mut time_dimension = None;
    if let Some(list) = components.child("DimensionList") {
        let mut index = 0u32;
        for d in &list.children {
            if d.ns == Ns::Other {
                continue;
            }
            let is_dimension = matches!(d.name.as_str(), "Dimension" | "MeasureDimension");
            let is_time = d.name == "TimeDimension";
            if !is_dimension && !is_time {
                continue;
            }
            index += 1;
            let concept = concept_ref(d, &agency)?;
            let id = component_id(d, &concept);
            let position = match optional_number(d, "position")? {
                Some(p) => {
                    u32::try_from(p).map_err(|_| d.error(format!("position {p} is too large")))?
                }
                None => index,
            };
            let representation = representation(d.child("LocalRepresentation"), &agency)?;
            if is_time {
                time_dimension = Some(TimeDimension {
                    id,
                    position,
                    concept,
                    representation,
                });
            } else {
                dimensions.push(Dimension {
                    id,
                    position,
                    concept,
                    representation,
                });
            }
        }
    }
    dimensions.sort_by_key(|d| d.position);

    let mut attributes = Vec::new();
    if let Some(list) = components.child("AttributeList") {
        for a in list.children("Attribute") {
            let concept = concept_ref(a, &agency)?;
            let id = component_id(a, &concept);
            let assignment_status = match a.attr("assignmentStatus") {
                Some("Mandatory") => AssignmentStatus::Mandatory,
                Some("Conditional") | None => AssignmentStatus::Conditional,
                Some(other) => {
                    return Err(a.error(format!(
                        "attribute `{id}` has unknown assignmentStatus `{other}`"
                    )));
                }
            };
            let relationship = match a.child("AttributeRelationship") {
                None => AttributeRelationship::None,
                Some(r) => {
                    if r.child("PrimaryMeasure").is_some() {
                        AttributeRelationship::PrimaryMeasure
                    } else if let Some(g) = r.child("Group") {
                        let group = g
                            .child("Ref")
                            .ok_or_else(|| g.error("`Group` has no `Ref`"))?;
                        AttributeRelationship::Group(group.required_attr("id")?)
                    } else if r.child("Dimension").is_some() {
                        let mut dims = Vec::new();
                        for d in r.children("Dimension") {
                            let dim = d
                                .child("Ref")
                                .ok_or_else(|| d.error("`Dimension` has no `Ref`"))?;
                            dims.push(dim.required_attr("id")?);
                        }
                        AttributeRelationship::Dimensions(dims)
                    } else {
                        AttributeRelationship::None
                    }
                }
            };
            let representation = representation(a.child("LocalRepresentation"), &agency)?;
            attributes.push(Attribute {
                id,
                assignment_status,
                concept,
                representation,
                relationship,
            });
        }
    }

    let measure = components
        .child("MeasureList")
        .and_then(|l| l.child("PrimaryMeasure"))
        .ok_or_else(|| components.error(format!("DSD `{}` has no `PrimaryMeasure`", m.id)))?;
    let concept = concept_ref(measure, &agency)?;
    let primary_measure = PrimaryMeasure {
        id: component_id(measure, &concept),
        representation: representation(measure.child("LocalRepresentation"), &agency)?,
        concept,
    };

    Ok(DataStructure {
        id: m.id,
        agency_id: m.agency_id,
        version: m.version,
        names: m.names,
        annotations: m.annotations,
        dimensions,
        time_dimension,
        attributes,
        primary_measure,
    })
}

fn dataflow(n: &Node) -> Result<Dataflow> {
    let m = maintainable(n)?;
    let structure = n
        .child("Structure")
        .ok_or_else(|| n.error(format!("dataflow `{}` has no `Structure`", m.id)))?;
    let structure = maintainable_ref(structure, &m.agency_id)?;
    Ok(Dataflow {
        id: m.id,
        agency_id: m.agency_id,
        version: m.version,
        names: m.names,
        annotations: m.annotations,
        structure,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = r#"<message:Structure xmlns:message="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message" xmlns:s="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure" xmlns:c="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common">"#;

    fn read(body: &str) -> Result<StructureSet> {
        read_structure_21(format!("{HEAD}{body}</message:Structure>").as_bytes())
    }

    #[test]
    fn prefixes_do_not_matter_only_namespace_uris() {
        let set = read(
            r#"<message:Structures><s:Codelists><s:Codelist id="CL_X" agencyID="ILO" version="1.0">
               <c:Name xml:lang="en">X &amp; Y&#33;</c:Name><s:Code id="A"/><s:Code id="B"><s:Parent><Ref id="A"/></s:Parent></s:Code>
               </s:Codelist></s:Codelists></message:Structures>"#,
        )
        .unwrap();
        let cl = set.codelist("CL_X").unwrap();
        assert_eq!(cl.names, vec![LocalisedText::new("en", "X & Y!")]);
        assert!(cl.contains("A") && cl.contains("B") && !cl.contains("C"));
        assert_eq!(cl.code("B").unwrap().parent.as_deref(), Some("A"));
    }

    #[test]
    fn unknown_artefacts_are_skipped() {
        let set = read(
            r#"<message:Structures><s:Categorisations><s:Categorisation id="X" agencyID="ILO"><s:Source><Ref id="DF"/></s:Source></s:Categorisation></s:Categorisations>
               <s:Constraints><s:ContentConstraint id="CCA" agencyID="ILO"><s:ConstraintAttachment><s:Dataflow><Ref id="DF"/></s:Dataflow></s:ConstraintAttachment></s:ContentConstraint></s:Constraints>
               <s:HierarchicalCodelists/></message:Structures>"#,
        )
        .unwrap();
        assert_eq!(set, StructureSet::default());
    }

    #[test]
    fn a_codelist_without_id_is_an_error_with_its_line() {
        let err = read("\n<message:Structures><s:Codelists>\n<s:Codelist agencyID=\"ILO\"/></s:Codelists></message:Structures>")
            .unwrap_err();
        match err {
            Error::Structure { line, message, .. } => {
                assert_eq!(line, 3);
                assert!(message.contains("`id`"), "{message}");
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn urns_are_parsed() {
        assert_eq!(
            parse_urn(
                "urn:sdmx:org.sdmx.infomodel.conceptscheme.Concept=ILO:CS_ILOSTAT(1.0).REF_AREA"
            ),
            Some((
                "ILO".into(),
                "CS_ILOSTAT".into(),
                "1.0".into(),
                Some("REF_AREA".into())
            ))
        );
        assert_eq!(parse_urn("not a urn"), None);
    }

    #[test]
    fn truncated_input_is_an_error_not_a_panic() {
        let full = format!("{HEAD}<message:Structures><s:Codelists><s:Codelist id=\"A\" agencyID=\"ILO\"/></s:Codelists></message:Structures></message:Structure>");
        for cut in 0..full.len() {
            if !full.is_char_boundary(cut) {
                continue;
            }
            assert!(
                read_structure_21(&full.as_bytes()[..cut]).is_err(),
                "prefix of {cut} bytes was accepted"
            );
        }
        assert!(read_structure_21(full.as_bytes()).is_ok());
    }

    #[test]
    fn corrupted_bytes_never_panic() {
        let full = format!(
            "{HEAD}<message:Structures><s:Codelists><s:Codelist id=\"A\" agencyID=\"ILO\"><c:Name xml:lang=\"en\">a&amp;b</c:Name>\
             <s:Code id=\"X\"><s:Parent><Ref id=\"Y\"/></s:Parent></s:Code></s:Codelist></s:Codelists></message:Structures></message:Structure>"
        );
        let bytes = full.as_bytes();
        for i in 0..bytes.len() {
            for replacement in [b'<', b'>', b'&', b'"', b'/', b':', b'x', 0xFF] {
                let mut corrupted = bytes.to_vec();
                corrupted[i] = replacement;
                let _ = read_structure_21(&corrupted[..]);
            }
        }
    }
}
