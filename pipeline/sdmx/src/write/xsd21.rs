//! DSD-specific XML Schemas for SDMX-ML 2.1 and 3.0 StructureSpecificData.
//!
//! The official schemas declare `DataSetType`, `SeriesType` and `ObsType`
//! abstract; a structure-specific message only validates against a schema
//! that restricts them for one DSD (spec §2.8). This module writes that
//! schema after the pattern of the SDMX TWG's ECB sample
//! (`ecb_exr_ng_ts.xsd`), with two choices of its own:
//!
//! * every enumerated dimension and attribute gets an `xs:simpleType` named
//!   after its codelist whose `xs:enumeration`s are the *whole* codelist, so
//!   `xmllint` rejects any code outside it;
//! * text attributes with `TextFormat` facets get a named restriction
//!   (`<COMPONENT>_Text`) carrying `minLength`/`maxLength`/`pattern`.
//!
//! The time dimension is `common:ObservationalTimePeriodType`; the primary
//! measure is `xs:double` unless the DSD gives it another text type.

use std::collections::BTreeMap;
use std::io::{BufWriter, Write};

use super::{escape_attr, structure_namespace};
use crate::data::{StructureKind, StructureRef};
use crate::error::{Error, Result};
use crate::model::{
    AttachmentLevel, DataStructure, Representation, StructureSet, TextFormat, ALL_DIMENSIONS,
};
use crate::ns;

/// Which data layout the schema describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SchemaLayout {
    /// `dimensionAtObservation` = the time dimension: `Series` holding `Obs`.
    #[default]
    Series,
    /// `dimensionAtObservation="AllDimensions"`: `Obs` directly under the data set.
    Flat,
}

impl SchemaLayout {
    /// The `dimensionAtObservation` value of this layout for `dsd`.
    pub fn dimension_at_observation(self, dsd: &DataStructure) -> &str {
        match self {
            SchemaLayout::Series => dsd.time_dimension_id(),
            SchemaLayout::Flat => ALL_DIMENSIONS,
        }
    }
}

/// Writes the DSD-specific schema of `dsd` for `layout`, in the namespace
/// [`write_structure_specific_21`](super::write_structure_specific_21) uses
/// for a data set referencing the DSD
/// (`urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure=AGENCY:ID(VERSION):ObsLevelDim:…`).
///
/// `official_xsd_dir` is the location of the official SDMX-ML 2.1 schemas
/// relative to where the schema will be stored (e.g. `../xsd/v2_1`); the
/// schema imports `SDMXDataStructureSpecific.xsd` and `SDMXCommon.xsd` from it.
///
/// Fails with [`Error::MissingStructure`] when a codelist the DSD uses is
/// not in `structures` or is empty (an empty enumeration would accept
/// anything).
pub fn write_dsd_schema_21<W: Write>(
    w: W,
    dsd: &DataStructure,
    structures: &StructureSet,
    layout: SchemaLayout,
    official_xsd_dir: &str,
) -> Result<()> {
    let namespace = dsd_namespace(dsd, layout);
    write_dsd_schema_21_in_namespace(w, dsd, structures, layout, official_xsd_dir, &namespace)
}

/// The namespace of a data set that references `dsd` itself, for `layout`
/// (`urn:…DataStructure=AGENCY:ID(VERSION):ObsLevelDim:TIME_PERIOD`, or
/// `…:AllDimensions` for the flat layout): the target namespace of the
/// schemas [`write_dsd_schema_21`] and [`write_dsd_schema_30`] emit.
pub fn dsd_namespace(dsd: &DataStructure, layout: SchemaLayout) -> String {
    let r = StructureRef {
        agency_id: dsd.agency_id.clone(),
        id: dsd.id.clone(),
        version: dsd.version.clone(),
        kind: StructureKind::DataStructure,
    };
    structure_namespace(&r, layout.dimension_at_observation(dsd))
}

/// Like [`write_dsd_schema_21`], with an explicit target namespace (e.g. the
/// `…Dataflow=ILO:DF_…(1.0):ObsLevelDim:…` namespace of a message whose data
/// set references a dataflow; see [`super::structure_namespace`]).
pub fn write_dsd_schema_21_in_namespace<W: Write>(
    w: W,
    dsd: &DataStructure,
    structures: &StructureSet,
    layout: SchemaLayout,
    official_xsd_dir: &str,
    namespace: &str,
) -> Result<()> {
    write_schema(
        w,
        dsd,
        structures,
        layout,
        official_xsd_dir,
        namespace,
        Version::V21,
    )
}

/// Writes the SDMX-ML 3.0 DSD-specific schema of `dsd` for `layout`, in the
/// namespace of a data set referencing the DSD itself
/// (`urn:…DataStructure=AGENCY:ID(VERSION):ObsLevelDim:…`); the pattern is
/// the hand-written sample `dsd_DF_MST_TEAP_SEX_AGE_CBR_NB_30.xsd`, with
/// whole codelists as enumerations.
///
/// The differences from [`write_dsd_schema_21`] follow the 3.0 base types:
/// the `v3_0` namespaces, a repeatable choice of `Series` (or `Obs`) in
/// `DataSetType`, and no `REPORTING_YEAR_START_DAY`. `official_xsd_dir`
/// locates the official SDMX-ML 3.0 schemas relative to the emitted one.
pub fn write_dsd_schema_30<W: Write>(
    w: W,
    dsd: &DataStructure,
    structures: &StructureSet,
    layout: SchemaLayout,
    official_xsd_dir: &str,
) -> Result<()> {
    let namespace = dsd_namespace(dsd, layout);
    write_dsd_schema_30_in_namespace(w, dsd, structures, layout, official_xsd_dir, &namespace)
}

/// Like [`write_dsd_schema_30`], with an explicit target namespace (e.g.
/// the `…Dataflow=ILO:DF_…(1.0):ObsLevelDim:TIME_PERIOD` namespace of
/// `ss_30.xml`, whose data set references a dataflow).
pub fn write_dsd_schema_30_in_namespace<W: Write>(
    w: W,
    dsd: &DataStructure,
    structures: &StructureSet,
    layout: SchemaLayout,
    official_xsd_dir: &str,
    namespace: &str,
) -> Result<()> {
    write_schema(
        w,
        dsd,
        structures,
        layout,
        official_xsd_dir,
        namespace,
        Version::V30,
    )
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Version {
    V21,
    V30,
}

fn write_schema<W: Write>(
    w: W,
    dsd: &DataStructure,
    structures: &StructureSet,
    layout: SchemaLayout,
    official_xsd_dir: &str,
    namespace: &str,
    version: Version,
) -> Result<()> {
    let v30 = version == Version::V30;
    let (ns_ss, ns_common, label) = if v30 {
        (ns::STRUCTURE_SPECIFIC_30, ns::COMMON_30, "3.0")
    } else {
        (ns::STRUCTURE_SPECIFIC, ns::COMMON, "2.1")
    };
    let types = component_types(dsd, structures)?;
    let dir = official_xsd_dir.trim_end_matches('/');
    let dir = if dir.is_empty() {
        String::new()
    } else {
        format!("{dir}/")
    };
    let ns_attr = attr(namespace)?;
    let dim_at_obs = layout.dimension_at_observation(dsd);
    let time = dsd.time_dimension_id();
    let mut out = BufWriter::new(w);

    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        "<!-- DSD-specific schema (SDMX-ML {label}, dimensionAtObservation={}) for {}.",
        comment(dim_at_obs),
        comment(&dsd.reference().to_string())
    )?;
    writeln!(
        out,
        "     Generated from the DSD and its codelists by the `sdmx` crate; do not edit. -->"
    )?;
    writeln!(out, r#"<xs:schema xmlns:xs="{}""#, ns::XS)?;
    writeln!(out, r#"    xmlns="{ns_attr}""#)?;
    writeln!(out, r#"    xmlns:dsd="{ns_ss}""#)?;
    writeln!(out, r#"    xmlns:common="{ns_common}""#)?;
    writeln!(out, r#"    targetNamespace="{ns_attr}""#)?;
    writeln!(
        out,
        r#"    elementFormDefault="qualified" attributeFormDefault="unqualified">"#
    )?;
    writeln!(
        out,
        r#"  <xs:import namespace="{}" schemaLocation="{}"/>"#,
        ns_ss,
        attr(&format!("{dir}SDMXDataStructureSpecific.xsd"))?
    )?;
    writeln!(
        out,
        r#"  <xs:import namespace="{}" schemaLocation="{}"/>"#,
        ns_common,
        attr(&format!("{dir}SDMXCommon.xsd"))?
    )?;

    // Simple types, in name order (BTreeMap): deterministic output.
    for (name, def) in &types.simple_types {
        writeln!(out)?;
        match def {
            SimpleType::Enumeration(codes) => {
                writeln!(
                    out,
                    r#"  <xs:simpleType name="{name}"><xs:restriction base="xs:string">"#
                )?;
                for code in codes {
                    writeln!(out, r#"    <xs:enumeration value="{}"/>"#, attr(code)?)?;
                }
                writeln!(out, "  </xs:restriction></xs:simpleType>")?;
            }
            SimpleType::Facets(tf) => {
                writeln!(
                    out,
                    r#"  <xs:simpleType name="{name}"><xs:restriction base="xs:string">"#
                )?;
                if let Some(n) = tf.min_length {
                    writeln!(out, r#"    <xs:minLength value="{n}"/>"#)?;
                }
                if let Some(n) = tf.max_length {
                    writeln!(out, r#"    <xs:maxLength value="{n}"/>"#)?;
                }
                if let Some(p) = &tf.pattern {
                    writeln!(out, r#"    <xs:pattern value="{}"/>"#, attr(p)?)?;
                }
                writeln!(out, "  </xs:restriction></xs:simpleType>")?;
            }
        }
    }

    let level = |id: &str| dsd.attachment_level(id, dim_at_obs);
    let dataset_attrs: Vec<&str> = dsd
        .attributes
        .iter()
        .filter(|a| level(&a.id) == Some(AttachmentLevel::DataSet))
        .map(|a| a.id.as_str())
        .collect();
    let series_attrs: Vec<&str> = dsd
        .attributes
        .iter()
        .filter(|a| level(&a.id) == Some(AttachmentLevel::Series))
        .map(|a| a.id.as_str())
        .collect();
    let obs_attrs: Vec<&str> = dsd
        .attributes
        .iter()
        .filter(|a| level(&a.id) == Some(AttachmentLevel::Observation))
        .map(|a| a.id.as_str())
        .collect();
    let child = match layout {
        SchemaLayout::Series => ("Series", "SeriesType"),
        SchemaLayout::Flat => ("Obs", "ObsType"),
    };

    writeln!(out)?;
    writeln!(out, r#"  <xs:complexType name="DataSetType">"#)?;
    writeln!(out, "    <xs:complexContent>")?;
    writeln!(out, r#"      <xs:restriction base="dsd:DataSetType">"#)?;
    writeln!(out, "        <xs:sequence>")?;
    writeln!(
        out,
        r#"          <xs:element ref="common:Annotations" minOccurs="0"/>"#
    )?;
    writeln!(
        out,
        r#"          <xs:element name="DataProvider" type="common:DataProviderReferenceType" form="unqualified" minOccurs="0"/>"#
    )?;
    if v30 {
        writeln!(
            out,
            r#"          <xs:choice minOccurs="0" maxOccurs="unbounded">"#
        )?;
        writeln!(
            out,
            r#"            <xs:element name="{}" type="{}" form="unqualified"/>"#,
            child.0, child.1
        )?;
    } else {
        writeln!(out, r#"          <xs:choice minOccurs="0">"#)?;
        writeln!(
            out,
            r#"            <xs:element name="{}" type="{}" form="unqualified" maxOccurs="unbounded"/>"#,
            child.0, child.1
        )?;
    }
    writeln!(out, "          </xs:choice>")?;
    writeln!(out, "        </xs:sequence>")?;
    for id in &dataset_attrs {
        attribute_decl(&mut out, id, types.of(id), "optional")?;
    }
    if !v30 {
        attribute_decl(
            &mut out,
            "REPORTING_YEAR_START_DAY",
            "xs:gMonthDay",
            "prohibited",
        )?;
    }
    writeln!(out, "      </xs:restriction>")?;
    writeln!(out, "    </xs:complexContent>")?;
    writeln!(out, "  </xs:complexType>")?;

    if layout == SchemaLayout::Series {
        writeln!(out)?;
        writeln!(out, r#"  <xs:complexType name="SeriesType">"#)?;
        writeln!(out, "    <xs:complexContent>")?;
        writeln!(out, r#"      <xs:restriction base="dsd:SeriesType">"#)?;
        writeln!(out, "        <xs:sequence>")?;
        writeln!(
            out,
            r#"          <xs:element ref="common:Annotations" minOccurs="0"/>"#
        )?;
        writeln!(
            out,
            r#"          <xs:element name="Obs" type="ObsType" form="unqualified" minOccurs="0" maxOccurs="unbounded"/>"#
        )?;
        writeln!(out, "        </xs:sequence>")?;
        for d in &dsd.dimensions {
            attribute_decl(&mut out, &d.id, types.of(&d.id), "required")?;
        }
        for id in &series_attrs {
            attribute_decl(&mut out, id, types.of(id), "optional")?;
        }
        attribute_decl(
            &mut out,
            time,
            "common:ObservationalTimePeriodType",
            "prohibited",
        )?;
        if !v30 {
            attribute_decl(
                &mut out,
                "REPORTING_YEAR_START_DAY",
                "xs:gMonthDay",
                "prohibited",
            )?;
        }
        writeln!(out, "      </xs:restriction>")?;
        writeln!(out, "    </xs:complexContent>")?;
        writeln!(out, "  </xs:complexType>")?;
    }

    writeln!(out)?;
    writeln!(out, r#"  <xs:complexType name="ObsType">"#)?;
    writeln!(out, "    <xs:complexContent>")?;
    writeln!(out, r#"      <xs:restriction base="dsd:ObsType">"#)?;
    writeln!(out, "        <xs:sequence>")?;
    writeln!(
        out,
        r#"          <xs:element ref="common:Annotations" minOccurs="0"/>"#
    )?;
    writeln!(out, "        </xs:sequence>")?;
    attribute_decl(&mut out, "type", "common:IDType", "prohibited")?;
    if !v30 {
        attribute_decl(
            &mut out,
            "REPORTING_YEAR_START_DAY",
            "xs:gMonthDay",
            "prohibited",
        )?;
    }
    if layout == SchemaLayout::Flat {
        for d in &dsd.dimensions {
            attribute_decl(&mut out, &d.id, types.of(&d.id), "required")?;
        }
    }
    attribute_decl(
        &mut out,
        time,
        "common:ObservationalTimePeriodType",
        "required",
    )?;
    let measure = &dsd.primary_measure.id;
    attribute_decl(&mut out, measure, types.of(measure), "optional")?;
    for id in &obs_attrs {
        attribute_decl(&mut out, id, types.of(id), "optional")?;
    }
    writeln!(out, "      </xs:restriction>")?;
    writeln!(out, "    </xs:complexContent>")?;
    writeln!(out, "  </xs:complexType>")?;
    writeln!(out, "</xs:schema>")?;
    out.flush()?;
    Ok(())
}

/// Writes a wrapper schema importing the SDMX-ML 2.1 message schema and a
/// DSD-specific schema, so that `xmllint --schema wrapper.xsd` (which takes a
/// single schema) can validate a StructureSpecificData message. The layout is
/// byte-identical to the sample `validate_ss_21.xsd`, including its target
/// namespace `urn:test:wrapper` (the wrapper declares nothing itself).
///
/// `dsd_namespace` is the DSD-specific namespace; the locations are written
/// as given, relative to the wrapper.
pub fn write_validation_wrapper_21<W: Write>(
    w: W,
    dsd_namespace: &str,
    dsd_xsd_location: &str,
    message_xsd_location: &str,
) -> Result<()> {
    wrapper(
        w,
        ns::MESSAGE,
        dsd_namespace,
        dsd_xsd_location,
        message_xsd_location,
    )
}

/// The SDMX-ML 3.0 counterpart of [`write_validation_wrapper_21`]: imports
/// the 3.0 `SDMXMessage.xsd` and a schema from [`write_dsd_schema_30`];
/// byte-identical to the sample `validate_ss_30.xsd` for the same locations.
pub fn write_validation_wrapper_30<W: Write>(
    w: W,
    dsd_namespace: &str,
    dsd_xsd_location: &str,
    message_xsd_location: &str,
) -> Result<()> {
    wrapper(
        w,
        ns::MESSAGE_30,
        dsd_namespace,
        dsd_xsd_location,
        message_xsd_location,
    )
}

fn wrapper<W: Write>(
    w: W,
    message_namespace: &str,
    dsd_namespace: &str,
    dsd_xsd_location: &str,
    message_xsd_location: &str,
) -> Result<()> {
    let mut out = BufWriter::new(w);
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<xs:schema xmlns:xs="{}" targetNamespace="urn:test:wrapper" elementFormDefault="qualified">"#,
        ns::XS
    )?;
    writeln!(
        out,
        r#"  <xs:import namespace="{}" schemaLocation="{}"/>"#,
        message_namespace,
        attr(message_xsd_location)?
    )?;
    writeln!(
        out,
        r#"  <xs:import namespace="{}" schemaLocation="{}"/>"#,
        attr(dsd_namespace)?,
        attr(dsd_xsd_location)?
    )?;
    writeln!(out, "</xs:schema>")?;
    out.flush()?;
    Ok(())
}

fn attr(value: &str) -> Result<std::borrow::Cow<'_, str>> {
    escape_attr(value).map_err(|c| {
        Error::MissingStructure(format!(
            "character U+{:04X} in `{value}` cannot be written in XML",
            c as u32
        ))
    })
}

/// `--` may not appear in an XML comment.
fn comment(text: &str) -> String {
    text.replace("--", "- -")
}

fn attribute_decl<W: Write>(out: &mut W, name: &str, type_: &str, use_: &str) -> Result<()> {
    writeln!(
        out,
        r#"        <xs:attribute name="{}" type="{type_}" use="{use_}"/>"#,
        attr(name)?
    )?;
    Ok(())
}

enum SimpleType {
    Enumeration(Vec<String>),
    Facets(TextFormat),
}

struct ComponentTypes {
    /// Named simple types to declare, by name.
    simple_types: BTreeMap<String, SimpleType>,
    /// XSD type of each component, by component id.
    by_component: BTreeMap<String, String>,
}

impl ComponentTypes {
    fn of(&self, id: &str) -> &str {
        self.by_component
            .get(id)
            .map_or("xs:string", String::as_str)
    }
}

/// An `NCName` from an SDMX id (ids may contain `@`, `$`).
fn ncname(id: &str) -> String {
    let mut out: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if !out.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        out.insert(0, '_');
    }
    out
}

/// The XSD built-in (or SDMX common) type for an SDMX text type.
fn builtin_type(text_type: Option<&str>, default: &'static str) -> &'static str {
    match text_type {
        None => default,
        Some(
            "String"
            | "Alpha"
            | "AlphaNumeric"
            | "Numeric"
            | "URI"
            | "XHTML"
            | "KeyValues"
            | "IdentifiableReference",
        ) => "xs:string",
        Some("BigInteger" | "Integer") => "xs:integer",
        Some("Long") => "xs:long",
        Some("Short") => "xs:short",
        Some("Decimal") => "xs:decimal",
        Some("Float") => "xs:float",
        Some("Double") => "xs:double",
        Some("Boolean") => "xs:boolean",
        Some("Count" | "InclusiveValueRange" | "ExclusiveValueRange" | "Incremental") => {
            "xs:decimal"
        }
        Some("ObservationalTimePeriod") => "common:ObservationalTimePeriodType",
        Some("StandardTimePeriod") => "common:StandardTimePeriodType",
        Some("BasicTimePeriod") => "common:BasicTimePeriodType",
        Some("GregorianTimePeriod") => "common:GregorianTimePeriodType",
        Some("ReportingTimePeriod") => "common:ReportingTimePeriodType",
        Some("DateTime") => "xs:dateTime",
        Some("Month") => "xs:gMonth",
        Some("MonthDay") => "xs:gMonthDay",
        Some("Day") => "xs:gDay",
        Some("Time") => "xs:time",
        Some("Duration") => "xs:duration",
        Some(_) => "xs:string",
    }
}

fn component_types(dsd: &DataStructure, structures: &StructureSet) -> Result<ComponentTypes> {
    let mut types = ComponentTypes {
        simple_types: BTreeMap::new(),
        by_component: BTreeMap::new(),
    };
    // Type names reserved by the schema itself.
    let reserved = ["DataSetType", "SeriesType", "ObsType"];
    let mut components: Vec<(
        &str,
        &crate::model::ConceptRef,
        Option<&Representation>,
        &'static str,
    )> = Vec::new();
    for d in &dsd.dimensions {
        components.push((
            &d.id,
            &d.concept,
            d.representation.as_ref(),
            "common:IDType",
        ));
    }
    for a in &dsd.attributes {
        components.push((&a.id, &a.concept, a.representation.as_ref(), "xs:string"));
    }
    let pm = &dsd.primary_measure;
    components.push((&pm.id, &pm.concept, pm.representation.as_ref(), "xs:double"));

    for (id, concept, local, default) in components {
        let type_name = match structures.representation_of(concept, local) {
            Some(Representation::Enumerated(r)) => {
                let list = structures.resolve_codelist(r).ok_or_else(|| {
                    Error::MissingStructure(format!(
                        "codelist {r} (used by {id}) is not in the structure set"
                    ))
                })?;
                if list.codes().is_empty() {
                    return Err(Error::MissingStructure(format!(
                        "codelist {r} (used by {id}) has no codes; an empty enumeration would accept any value"
                    )));
                }
                let mut name = ncname(&list.id);
                if reserved.contains(&name.as_str()) {
                    name.push_str("_Codes");
                }
                // Two different codelists with the same id (other agency or
                // version) get distinct names.
                let same = |t: &SimpleType| matches!(t, SimpleType::Enumeration(c) if c.iter().map(String::as_str).eq(list.codes().iter().map(|c| c.id.as_str())));
                let mut candidate = name.clone();
                let mut n = 2;
                while let Some(existing) = types.simple_types.get(&candidate) {
                    if same(existing) {
                        break;
                    }
                    candidate = format!("{name}_{n}");
                    n += 1;
                }
                types
                    .simple_types
                    .entry(candidate.clone())
                    .or_insert_with(|| {
                        SimpleType::Enumeration(list.codes().iter().map(|c| c.id.clone()).collect())
                    });
                candidate
            }
            Some(Representation::Text(tf)) => {
                let base = builtin_type(tf.text_type.as_deref(), default);
                let has_facets =
                    tf.min_length.is_some() || tf.max_length.is_some() || tf.pattern.is_some();
                if base == "xs:string" && has_facets {
                    let name = format!("{}_Text", ncname(id));
                    types
                        .simple_types
                        .insert(name.clone(), SimpleType::Facets(tf.clone()));
                    name
                } else {
                    base.to_string()
                }
            }
            None => default.to_string(),
        };
        types.by_component.insert(id.to_string(), type_name);
    }
    Ok(types)
}
