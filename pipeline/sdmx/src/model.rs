//! The subset of the SDMX 2.1 information model that ILOSTAT structures use.
//!
//! Types are grouped by section of the SDMX 2.1 *Information Model* (Section 2
//! of the standard); the `§` comments give the section. Names follow the
//! standard, with Rust casing. Everything the standard defines but ILOSTAT
//! does not use (hierarchical codelists, constraints, categorisations,
//! metadata structures, …) is left out; the structure reader skips it.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::io::BufRead;
use std::path::Path;

use crate::error::Result;

// ---------------------------------------------------------------------------
// §3.2 Base structures: identification, naming, annotation
// ---------------------------------------------------------------------------

/// A text in one language (`common:Name`, `common:Description`, `common:AnnotationText`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LocalisedText {
    /// The `xml:lang` code (`en`, `fr`, `es`, …); empty when the source gave none.
    pub lang: String,
    /// The text itself, unescaped.
    pub text: String,
}

impl LocalisedText {
    /// Builds a text in language `lang`.
    pub fn new(lang: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            lang: lang.into(),
            text: text.into(),
        }
    }
}

/// Picks the text in `lang` from a multilingual list, falling back to the
/// first entry. Returns `None` only for an empty list.
pub fn localised<'a>(texts: &'a [LocalisedText], lang: &str) -> Option<&'a str> {
    texts
        .iter()
        .find(|t| t.lang == lang)
        .or_else(|| texts.first())
        .map(|t| t.text.as_str())
}

/// A `common:Annotation`: ILO uses them for `IS_TOTAL`, `ORDER`, `GROUP`,
/// `ISO2Code`, `MAXTEXTATTRIBUTELENGTH`, ….
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Annotation {
    /// The optional `id` attribute (ILO writes `@SDMX` on some).
    pub id: Option<String>,
    /// `common:AnnotationTitle` (ILO puts the value here, e.g. `Y` for `IS_TOTAL`).
    pub title: Option<String>,
    /// `common:AnnotationType` (e.g. `IS_TOTAL`).
    pub type_: Option<String>,
    /// `common:AnnotationText`, one entry per language.
    pub text: Vec<LocalisedText>,
}

/// Finds the first annotation of type `type_` in `annotations`.
pub fn annotation<'a>(annotations: &'a [Annotation], type_: &str) -> Option<&'a Annotation> {
    annotations
        .iter()
        .find(|a| a.type_.as_deref() == Some(type_))
}

/// A reference to a maintainable artefact (codelist, concept scheme, DSD,
/// dataflow): `AGENCY:ID(VERSION)`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct MaintainableRef {
    /// Maintenance agency, e.g. `ILO`.
    pub agency_id: String,
    /// Artefact id, e.g. `CL_SEX`.
    pub id: String,
    /// Version, e.g. `1.0`.
    pub version: String,
}

impl MaintainableRef {
    /// Builds a reference.
    pub fn new(
        agency_id: impl Into<String>,
        id: impl Into<String>,
        version: impl Into<String>,
    ) -> Self {
        Self {
            agency_id: agency_id.into(),
            id: id.into(),
            version: version.into(),
        }
    }
}

impl fmt::Display for MaintainableRef {
    /// Formats as `AGENCY:ID(VERSION)`, the form SDMX-CSV and SDMX-REST use.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}({})", self.agency_id, self.id, self.version)
    }
}

/// A reference to an item scheme (in practice a codelist) used as an
/// enumerated representation.
pub type ItemSchemeRef = MaintainableRef;

// ---------------------------------------------------------------------------
// §3.5 Representation
// ---------------------------------------------------------------------------

/// How the values of a concept or component are represented.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Representation {
    /// Values are codes of the referenced codelist.
    Enumerated(ItemSchemeRef),
    /// Values are free text of the given format.
    Text(TextFormat),
}

impl Representation {
    /// The referenced codelist, if enumerated.
    pub fn codelist(&self) -> Option<&ItemSchemeRef> {
        match self {
            Representation::Enumerated(r) => Some(r),
            Representation::Text(_) => None,
        }
    }
}

/// A `structure:TextFormat` facet set. Only the facets ILOSTAT structures use
/// are kept.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TextFormat {
    /// `textType` (`String`, `Double`, `ObservationalTimePeriod`, …); `None`
    /// when the attribute is absent (the standard's default is `String`).
    pub text_type: Option<String>,
    /// `minLength` facet.
    pub min_length: Option<u64>,
    /// `maxLength` facet.
    pub max_length: Option<u64>,
    /// `pattern` facet (an XML Schema regular expression).
    pub pattern: Option<String>,
}

// ---------------------------------------------------------------------------
// §4.3 Codelist
// ---------------------------------------------------------------------------

/// A code of a [`Codelist`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Code {
    /// The code value, e.g. `SEX_T`.
    pub id: String,
    /// Names, one per language.
    pub names: Vec<LocalisedText>,
    /// Descriptions, one per language.
    pub descriptions: Vec<LocalisedText>,
    /// Id of the parent code in the same codelist (`structure:Parent`).
    pub parent: Option<String>,
    /// Annotations (`IS_TOTAL`, `ORDER`, …), in document order.
    pub annotations: Vec<Annotation>,
}

impl Code {
    /// Builds a code with an English name.
    pub fn new(id: impl Into<String>, english_name: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            names: vec![LocalisedText::new("en", english_name)],
            ..Self::default()
        }
    }
}

/// A codelist: an ordered list of codes with an O(1) membership index.
///
/// The code list is private so the index cannot go stale; read it with
/// [`Codelist::codes`] and extend it with [`Codelist::push`].
#[derive(Clone, Default)]
pub struct Codelist {
    /// Codelist id, e.g. `CL_SEX`.
    pub id: String,
    /// Maintenance agency, e.g. `ILO`.
    pub agency_id: String,
    /// Version, e.g. `1.0`.
    pub version: String,
    /// Names, one per language.
    pub names: Vec<LocalisedText>,
    codes: Vec<Code>,
    index: HashMap<String, usize>,
}

impl Codelist {
    /// Builds a codelist. When `codes` holds the same id twice, the first
    /// occurrence wins in lookups (both stay in [`Codelist::codes`]).
    pub fn new(
        id: impl Into<String>,
        agency_id: impl Into<String>,
        version: impl Into<String>,
        names: Vec<LocalisedText>,
        codes: Vec<Code>,
    ) -> Self {
        let mut list = Self {
            id: id.into(),
            agency_id: agency_id.into(),
            version: version.into(),
            names,
            codes: Vec::with_capacity(codes.len()),
            index: HashMap::with_capacity(codes.len()),
        };
        for code in codes {
            list.push(code);
        }
        list
    }

    /// Appends a code, keeping the index current.
    pub fn push(&mut self, code: Code) {
        self.index
            .entry(code.id.clone())
            .or_insert(self.codes.len());
        self.codes.push(code);
    }

    /// The codes in document order.
    pub fn codes(&self) -> &[Code] {
        &self.codes
    }

    /// Whether `code_id` is a code of this list (O(1)).
    pub fn contains(&self, code_id: &str) -> bool {
        self.index.contains_key(code_id)
    }

    /// The code with id `code_id`.
    pub fn code(&self, code_id: &str) -> Option<&Code> {
        self.index.get(code_id).and_then(|&i| self.codes.get(i))
    }

    /// This list's reference, `AGENCY:ID(VERSION)`.
    pub fn reference(&self) -> MaintainableRef {
        MaintainableRef::new(&self.agency_id, &self.id, &self.version)
    }
}

impl PartialEq for Codelist {
    fn eq(&self, other: &Self) -> bool {
        // The index is derived from `codes`, so it need not be compared.
        self.id == other.id
            && self.agency_id == other.agency_id
            && self.version == other.version
            && self.names == other.names
            && self.codes == other.codes
    }
}

impl fmt::Debug for Codelist {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Codelist")
            .field("id", &self.id)
            .field("agency_id", &self.agency_id)
            .field("version", &self.version)
            .field("names", &self.names)
            .field("codes", &self.codes)
            .finish()
    }
}

// ---------------------------------------------------------------------------
// §4.4 Concept scheme
// ---------------------------------------------------------------------------

/// A concept of a [`ConceptScheme`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Concept {
    /// Concept id, e.g. `SEX`.
    pub id: String,
    /// Names, one per language.
    pub names: Vec<LocalisedText>,
    /// Descriptions, one per language.
    pub descriptions: Vec<LocalisedText>,
    /// `structure:CoreRepresentation`: the default representation of
    /// components that use this concept without a local one.
    pub core_representation: Option<Representation>,
}

/// A concept scheme such as ILO's `CS_ILOSTAT`, `CS_CLASSIF_TYPE`, `CS_NOTE_TYPE`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConceptScheme {
    /// Scheme id.
    pub id: String,
    /// Maintenance agency.
    pub agency_id: String,
    /// Version.
    pub version: String,
    /// Names, one per language.
    pub names: Vec<LocalisedText>,
    /// Concepts in document order.
    pub concepts: Vec<Concept>,
}

impl ConceptScheme {
    /// The concept with id `id`.
    pub fn concept(&self, id: &str) -> Option<&Concept> {
        self.concepts.iter().find(|c| c.id == id)
    }
}

/// A component's `structure:ConceptIdentity`: a concept inside a scheme.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConceptRef {
    /// Agency of the concept scheme.
    pub agency_id: String,
    /// Concept scheme id (`maintainableParentID`).
    pub scheme_id: String,
    /// Concept scheme version (`maintainableParentVersion`).
    pub scheme_version: String,
    /// Concept id.
    pub id: String,
}

// ---------------------------------------------------------------------------
// §5.3 Data structure definition
// ---------------------------------------------------------------------------

/// A (non-time) dimension of a [`DataStructure`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Dimension {
    /// Component id, e.g. `REF_AREA`.
    pub id: String,
    /// 1-based `position` in the key (document order when absent).
    pub position: u32,
    /// The concept the dimension measures.
    pub concept: ConceptRef,
    /// `structure:LocalRepresentation`; `None` means "use the concept's core
    /// representation" (see [`StructureSet::representation_of`]).
    pub representation: Option<Representation>,
}

/// The time dimension of a [`DataStructure`] (always `TIME_PERIOD` in ILO DSDs).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TimeDimension {
    /// Component id, normally `TIME_PERIOD`.
    pub id: String,
    /// 1-based position in the full key.
    pub position: u32,
    /// The concept.
    pub concept: ConceptRef,
    /// The local text format (ILO: `ObservationalTimePeriod`).
    pub representation: Option<Representation>,
}

/// Whether a data attribute must be reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AssignmentStatus {
    /// Must be reported wherever it attaches.
    Mandatory,
    /// May be reported (every ILO attribute is conditional).
    #[default]
    Conditional,
}

/// What a data attribute is attached to (`structure:AttributeRelationship`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum AttributeRelationship {
    /// `structure:None`: the attribute describes the whole data set.
    #[default]
    None,
    /// `structure:Dimension`+: the attribute varies with these dimensions.
    Dimensions(Vec<String>),
    /// `structure:Group`: the attribute attaches to the named group.
    Group(String),
    /// `structure:PrimaryMeasure`: the attribute describes each observation value.
    PrimaryMeasure,
}

/// Where an attribute's value is written in a data message, given the
/// dimension at the observation level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AttachmentLevel {
    /// On the data set.
    DataSet,
    /// On the series (`<Series>` in StructureSpecificData).
    Series,
    /// On each observation (`<Obs>`).
    Observation,
}

impl fmt::Display for AttachmentLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AttachmentLevel::DataSet => "data set",
            AttachmentLevel::Series => "series",
            AttachmentLevel::Observation => "observation",
        })
    }
}

/// The value of `dimensionAtObservation` for the flat layout.
pub const ALL_DIMENSIONS: &str = "AllDimensions";

/// A data attribute of a [`DataStructure`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Attribute {
    /// Component id, e.g. `OBS_STATUS`.
    pub id: String,
    /// Mandatory or conditional.
    pub assignment_status: AssignmentStatus,
    /// The concept.
    pub concept: ConceptRef,
    /// Local representation; `None` means "use the concept's core representation".
    pub representation: Option<Representation>,
    /// What the attribute is attached to.
    pub relationship: AttributeRelationship,
}

impl Attribute {
    /// Where this attribute's values go when `dimension_at_observation` is the
    /// observation dimension (`TIME_PERIOD`, or [`ALL_DIMENSIONS`] for the
    /// flat layout). The SDMX 2.1 rules (SDMX-ML 2.1 Section 3B, "Attachment"):
    ///
    /// * related to the primary measure → observation;
    /// * related to dimensions that include the observation dimension (or any
    ///   dimension, in the flat layout) → observation;
    /// * related to dimensions that exclude it → series;
    /// * related to a group → series (this crate writes no `<Group>`
    ///   elements; a group never contains the observation dimension, so its
    ///   attributes can be carried by each series of the group);
    /// * related to nothing → data set.
    pub fn attachment_level(&self, dimension_at_observation: &str) -> AttachmentLevel {
        match &self.relationship {
            AttributeRelationship::None => AttachmentLevel::DataSet,
            AttributeRelationship::PrimaryMeasure => AttachmentLevel::Observation,
            AttributeRelationship::Dimensions(dims) => {
                if dimension_at_observation == ALL_DIMENSIONS
                    || dims.iter().any(|d| d == dimension_at_observation)
                {
                    AttachmentLevel::Observation
                } else {
                    AttachmentLevel::Series
                }
            }
            AttributeRelationship::Group(_) => {
                if dimension_at_observation == ALL_DIMENSIONS {
                    AttachmentLevel::Observation
                } else {
                    AttachmentLevel::Series
                }
            }
        }
    }
}

/// The primary measure (`OBS_VALUE` in ILO DSDs).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PrimaryMeasure {
    /// Component id, normally `OBS_VALUE`.
    pub id: String,
    /// The concept.
    pub concept: ConceptRef,
    /// Local representation (ILO gives none: values are `xs:double`).
    pub representation: Option<Representation>,
}

/// A data structure definition (DSD).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DataStructure {
    /// DSD id, e.g. `MST_TEAP_SEX_AGE_CBR_NB`.
    pub id: String,
    /// Maintenance agency.
    pub agency_id: String,
    /// Version.
    pub version: String,
    /// Names, one per language.
    pub names: Vec<LocalisedText>,
    /// Annotations (ILO: `MAXTEXTATTRIBUTELENGTH`).
    pub annotations: Vec<Annotation>,
    /// Non-time dimensions, sorted by position.
    pub dimensions: Vec<Dimension>,
    /// The time dimension, if any.
    pub time_dimension: Option<TimeDimension>,
    /// Data attributes in document order.
    pub attributes: Vec<Attribute>,
    /// The primary measure.
    pub primary_measure: PrimaryMeasure,
}

impl DataStructure {
    /// This DSD's reference, `AGENCY:ID(VERSION)`.
    pub fn reference(&self) -> MaintainableRef {
        MaintainableRef::new(&self.agency_id, &self.id, &self.version)
    }

    /// The non-time dimension with id `id`.
    pub fn dimension(&self, id: &str) -> Option<&Dimension> {
        self.dimensions.iter().find(|d| d.id == id)
    }

    /// The attribute with id `id`.
    pub fn attribute(&self, id: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.id == id)
    }

    /// Id of the time dimension, `TIME_PERIOD` when the DSD has none.
    pub fn time_dimension_id(&self) -> &str {
        self.time_dimension
            .as_ref()
            .map_or("TIME_PERIOD", |t| t.id.as_str())
    }

    /// Where attribute `attr_id` attaches when `dimension_at_observation` is
    /// the observation dimension; see [`Attribute::attachment_level`] for the
    /// rules. `None` when the DSD has no such attribute.
    pub fn attachment_level(
        &self,
        attr_id: &str,
        dimension_at_observation: &str,
    ) -> Option<AttachmentLevel> {
        self.attribute(attr_id)
            .map(|a| a.attachment_level(dimension_at_observation))
    }

    /// The longest text an attribute value may have: the ILO DSD annotation
    /// `MAXTEXTATTRIBUTELENGTH` when present and numeric.
    pub fn max_text_attribute_length(&self) -> Option<usize> {
        let a = annotation(&self.annotations, "MAXTEXTATTRIBUTELENGTH")?;
        let value = a
            .title
            .as_deref()
            .or_else(|| a.text.first().map(|t| t.text.as_str()))?;
        value.trim().parse().ok()
    }
}

// ---------------------------------------------------------------------------
// §5.2 Dataflow (structure usage)
// ---------------------------------------------------------------------------

/// A dataflow: the unit ILOSTAT publishes (`DF_<INDICATOR>`), bound to a DSD.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Dataflow {
    /// Dataflow id, e.g. `DF_MST_TEAP_SEX_AGE_CBR_NB`.
    pub id: String,
    /// Maintenance agency.
    pub agency_id: String,
    /// Version.
    pub version: String,
    /// Names, one per language.
    pub names: Vec<LocalisedText>,
    /// Annotations (ILO: `LAST_UPDATE`, `LAYOUT_COLUMN`, …).
    pub annotations: Vec<Annotation>,
    /// The DSD the dataflow uses.
    pub structure: MaintainableRef,
}

impl Dataflow {
    /// This dataflow's reference, `AGENCY:ID(VERSION)`.
    pub fn reference(&self) -> MaintainableRef {
        MaintainableRef::new(&self.agency_id, &self.id, &self.version)
    }
}

// ---------------------------------------------------------------------------
// Extension: a bag of structures (the content of a `message:Structure`)
// ---------------------------------------------------------------------------

/// The structural artefacts of one or more SDMX-ML structure messages, keyed
/// by artefact id. `BTreeMap`s keep iteration (and so any output derived from
/// it) in a deterministic order.
///
/// Artefacts are keyed by id alone, which suits ILOSTAT (one agency, every
/// version `1.0`); when two artefacts share an id, the one read or merged
/// last wins.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StructureSet {
    /// Codelists by id.
    pub codelists: BTreeMap<String, Codelist>,
    /// Concept schemes by id.
    pub concept_schemes: BTreeMap<String, ConceptScheme>,
    /// Data structure definitions by id.
    pub data_structures: BTreeMap<String, DataStructure>,
    /// Dataflows by id.
    pub dataflows: BTreeMap<String, Dataflow>,
}

impl StructureSet {
    /// Reads an SDMX-ML 2.1 `message:Structure` message; see
    /// [`crate::read::read_structure_21`].
    pub fn from_reader(reader: impl BufRead) -> Result<StructureSet> {
        crate::read::read_structure_21(reader)
    }

    /// Reads an SDMX-ML 2.1 structure message from a file. Errors name the file.
    pub fn from_path(path: &Path) -> Result<StructureSet> {
        let wrap = |e: crate::Error| crate::Error::File {
            path: path.to_path_buf(),
            source: Box::new(e),
        };
        let file = std::fs::File::open(path).map_err(|e| wrap(e.into()))?;
        Self::from_reader(std::io::BufReader::new(file)).map_err(wrap)
    }

    /// Adds every artefact of `other`, replacing artefacts with the same id.
    pub fn merge(&mut self, other: StructureSet) {
        self.codelists.extend(other.codelists);
        self.concept_schemes.extend(other.concept_schemes);
        self.data_structures.extend(other.data_structures);
        self.dataflows.extend(other.dataflows);
    }

    /// The codelist with id `id`.
    pub fn codelist(&self, id: &str) -> Option<&Codelist> {
        self.codelists.get(id)
    }

    /// The codelist a reference points to, if present with the same agency
    /// and version.
    pub fn resolve_codelist(&self, r: &ItemSchemeRef) -> Option<&Codelist> {
        self.codelists
            .get(&r.id)
            .filter(|c| c.agency_id == r.agency_id && c.version == r.version)
    }

    /// The concept scheme with id `id`.
    pub fn concept_scheme(&self, id: &str) -> Option<&ConceptScheme> {
        self.concept_schemes.get(id)
    }

    /// The concept a component's concept identity points to.
    pub fn concept(&self, r: &ConceptRef) -> Option<&Concept> {
        self.concept_schemes
            .get(&r.scheme_id)
            .and_then(|s| s.concept(&r.id))
    }

    /// The DSD with id `id`.
    pub fn data_structure(&self, id: &str) -> Option<&DataStructure> {
        self.data_structures.get(id)
    }

    /// The dataflow with id `id`.
    pub fn dataflow(&self, id: &str) -> Option<&Dataflow> {
        self.dataflows.get(id)
    }

    /// The DSD a dataflow uses.
    pub fn data_structure_of(&self, dataflow: &Dataflow) -> Option<&DataStructure> {
        self.data_structures.get(&dataflow.structure.id)
    }

    /// The effective representation of a component: its local representation,
    /// or else its concept's core representation.
    pub fn representation_of<'a>(
        &'a self,
        concept: &ConceptRef,
        local: Option<&'a Representation>,
    ) -> Option<&'a Representation> {
        local.or_else(|| {
            self.concept(concept)
                .and_then(|c| c.core_representation.as_ref())
        })
    }
}
