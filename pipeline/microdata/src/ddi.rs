//! DDI-Codebook 2.x XML (as IPUMS ships it with its fixed-width extracts).
//!
//! [`parse`] reads what a fixed-width reader needs from a `<codeBook>` (DDI-Codebook 2.1
//! or 2.5, with or without a namespace prefix):
//!
//! - `fileDscr/fileTxt`: `fileName`, `fileStrc/@type` (`rectangular` or `hierarchical`),
//!   the record groups of a hierarchical file (`recGrp/@rectype`, `@keyvar`, `@recidvar`,
//!   `labl`), and `fileType/@charset` (IPUMS: `ISO-8859-1`);
//! - each `dataDscr/var`: `@name`, `@dcml` (implied decimals), `@rectype` (the record types
//!   a variable is on, space separated, as IPUMS writes it), `@files`, `location/@StartPos`,
//!   `@EndPos`, `@width` (any two give the third; all three must agree), `labl`,
//!   `varFormat/@type` (`numeric` or `character`; character when absent, as ipumsr does),
//!   `catgry` (`catValu` and `labl` give value labels; `@missing="Y"` marks a missing
//!   code), and `invalrng` (`item/@VALUE`, `range/@min`/`@max`: declared missing values
//!   and ranges).
//!
//! The element and attribute names follow the DDI-Codebook 2.5 schema; the way IPUMS uses
//! them (record types on `var/@rectype`, the key variable on the person `recGrp`, numeric
//! codes written with leading zeros) follows IPUMS' codebooks and its readers ipumsr
//! (`R/ddi_read.R`) and ipumspy.
//!
//! In a hierarchical file, a variable listed on every record type (IPUMS `RECTYPE`,
//! `YEAR`, `SERIAL`) is read from whichever line is handed out; a variable on some record
//! types only is placed on the first one its `rectype` lists (IPUMS lists the household
//! record first for household variables repeated on person records), so carry that record
//! type to get it onto the others.
//!
//! Not supported, and refused by name: variables spread over several lines of a case
//! (`location/@RecSegNo` above 1) and variables with more than one `location`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::fixed::{
    normalize_number, CaseBoundary, Column, Encoding, Field, FixedOptions, Layout, MAX_POSITION,
};
use crate::{Error, Result, Variable, VariableKind};

/// How the records of a data file are organised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Structure {
    /// One kind of record, one per line.
    Rectangular,
    /// Several record types (household, person...) told apart by a record type variable.
    Hierarchical,
}

/// A record type of a hierarchical file (`recGrp`).
#[derive(Debug, Clone, PartialEq)]
pub struct RecordGroup {
    /// `@rectype`: the code in the data (`H`, `P`).
    pub rectype: String,
    /// `labl`.
    pub label: Option<String>,
    /// `@keyvar`: the variables that link its records to their case.
    pub key_vars: Vec<String>,
    /// `@recidvar`: the variable that holds the record type.
    pub record_id_var: Option<String>,
}

/// A data file the codebook describes (`fileDscr`).
#[derive(Debug, Clone, PartialEq)]
pub struct DataFile {
    /// `@ID` (`ExtractData` in IPUMS codebooks), which `var/@files` refers to.
    pub id: Option<String>,
    /// `fileTxt/fileName`.
    pub name: Option<String>,
    /// `fileTxt/fileStrc/@type`.
    pub structure: Structure,
    /// `fileTxt/fileStrc/recGrp`, in order.
    pub record_groups: Vec<RecordGroup>,
    /// `fileTxt/fileType/@charset`.
    pub charset: Option<String>,
}

/// A variable of the codebook and where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct DdiVariable {
    /// Name, label, kind, value labels, declared missing values.
    pub variable: Variable,
    /// 1-based `StartPos`.
    pub start: usize,
    /// `width`.
    pub width: usize,
    /// `@dcml`: implied decimal places.
    pub decimals: u32,
    /// `@rectype`, split on blanks (empty when not given).
    pub record_types: Vec<String>,
    /// `@files`, split on blanks (empty when not given: every file).
    pub files: Vec<String>,
    /// The codebook line of the `var` element.
    pub line: u64,
}

/// What a DDI codebook says about its fixed-width data.
#[derive(Debug, Clone, PartialEq)]
pub struct Codebook {
    /// The XML file.
    pub path: PathBuf,
    /// `docDscr` or `stdyDscr` `citation/titlStmt/titl` (the first met).
    pub title: Option<String>,
    /// The data files (`fileDscr`).
    pub files: Vec<DataFile>,
    /// The variables (`dataDscr/var`), in order.
    pub variables: Vec<DdiVariable>,
}

impl Codebook {
    fn error(&self, line: u64, message: String) -> Error {
        Error::Dictionary {
            path: self.path.clone(),
            line,
            message,
        }
    }

    /// The only data file, or an error naming them when there are several.
    fn only_file(&self) -> Result<Option<&DataFile>> {
        match self.files.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(one)),
            several => Err(self.error(
                0,
                format!(
                    "the codebook describes {} data files ({}): choose one with layout_for_file",
                    several.len(),
                    several
                        .iter()
                        .map(|f| f.id.clone().unwrap_or_default())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )),
        }
    }

    /// The layout of the codebook's data file (it must describe a single one).
    pub fn layout(&self) -> Result<Layout> {
        let file = self.only_file()?;
        self.layout_of(file)
    }

    /// The layout of the data file whose `fileDscr/@ID` is `id`.
    pub fn layout_for_file(&self, id: &str) -> Result<Layout> {
        let file = self
            .files
            .iter()
            .find(|f| f.id.as_deref() == Some(id))
            .ok_or_else(|| self.error(0, format!("no fileDscr with ID {id}")))?;
        self.layout_of(Some(file))
    }

    fn layout_of(&self, file: Option<&DataFile>) -> Result<Layout> {
        let hierarchical = file.is_some_and(|f| f.structure == Structure::Hierarchical);
        let types: Vec<String> = match file {
            Some(f) if hierarchical => f.record_groups.iter().map(|g| g.rectype.clone()).collect(),
            _ => Vec::new(),
        };
        if hierarchical && types.is_empty() {
            return Err(self.error(0, "the file is hierarchical but declares no recGrp".into()));
        }
        let in_file = |v: &DdiVariable| match file.and_then(|f| f.id.as_ref()) {
            Some(id) if !v.files.is_empty() => v.files.contains(id),
            _ => true,
        };
        let mut columns = Vec::new();
        for v in self.variables.iter().filter(|v| in_file(v)) {
            let record_type = if !hierarchical
                || v.record_types.is_empty()
                || types.iter().all(|t| v.record_types.contains(t))
            {
                None
            } else {
                let first = &v.record_types[0];
                if !types.contains(first) {
                    return Err(self.error(
                        v.line,
                        format!(
                            "variable {} is on record type '{first}', which no recGrp declares",
                            v.variable.name
                        ),
                    ));
                }
                Some(first.clone())
            };
            columns.push(Column {
                variable: v.variable.clone(),
                start: v.start,
                width: v.width,
                decimals: (v.decimals > 0 && v.variable.kind == VariableKind::Numeric)
                    .then_some(v.decimals),
                record_type,
            });
        }
        let record_type = if hierarchical {
            let groups = &file.map(|f| f.record_groups.as_slice()).unwrap_or(&[]);
            let id_var = groups
                .iter()
                .rev()
                .find_map(|g| g.record_id_var.clone())
                .ok_or_else(|| {
                    self.error(
                        0,
                        "the file is hierarchical but no recGrp names its recidvar".into(),
                    )
                })?;
            let v = self
                .variables
                .iter()
                .find(|v| v.variable.name == id_var)
                .ok_or_else(|| {
                    self.error(
                        0,
                        format!("the record type variable {id_var} (recidvar) is not described"),
                    )
                })?;
            Some(Field {
                start: v.start,
                width: v.width,
            })
        } else {
            None
        };
        Ok(Layout {
            columns,
            record_type,
            record_types: types,
            dictionary: Some(self.path.clone()),
        })
    }

    /// The encoding `fileType/@charset` names (`None` when not given); an error for a
    /// charset this crate cannot decode.
    pub fn encoding(&self) -> Result<Option<Encoding>> {
        match self.only_file()?.and_then(|f| f.charset.as_deref()) {
            None => Ok(None),
            Some(label) => Encoding::from_label(label).map(Some).ok_or_else(|| {
                self.error(
                    0,
                    format!(
                        "the data file's charset {label} is not UTF-8, ISO-8859-1 or Windows-1252"
                    ),
                )
            }),
        }
    }

    /// Options to read the records of type `emit` (e.g. `P`) with the variables of the
    /// record types in `carry` (e.g. `H`) attached; a case is a run of lines with the same
    /// key variables (`recGrp/@keyvar`); the encoding is the file's charset.
    pub fn options_for(&self, emit: &str, carry: &[&str]) -> Result<FixedOptions> {
        let file = self.only_file()?;
        let groups = file.map(|f| f.record_groups.as_slice()).unwrap_or(&[]);
        let mut key: Vec<String> = Vec::new();
        for g in groups {
            for k in &g.key_vars {
                if !key.contains(k) {
                    key.push(k.clone());
                }
            }
        }
        let case = if carry.is_empty() {
            None
        } else if key.is_empty() {
            return Err(self.error(
                0,
                "no recGrp names a keyvar to tell cases apart: use CaseBoundary::StartsWith".into(),
            ));
        } else {
            Some(CaseBoundary::Key(key))
        };
        Ok(FixedOptions {
            encoding: self.encoding()?.unwrap_or_default(),
            emit: Some(emit.to_string()),
            carry: carry.iter().map(|c| c.to_string()).collect(),
            case,
            ..FixedOptions::default()
        })
    }
}

/// Reads a DDI-Codebook XML file.
pub fn parse(path: impl AsRef<Path>) -> Result<Codebook> {
    let path = path.as_ref();
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse_bytes(&bytes, path)
}

/// The encoding named by an XML declaration (`<?xml ... encoding="ISO-8859-1"?>`).
fn declared_encoding(bytes: &[u8]) -> Option<String> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(200)]).into_owned();
    let decl = head.strip_prefix("<?xml")?;
    let decl = &decl[..decl.find("?>")?];
    let at = decl.find("encoding")?;
    let rest = decl[at + "encoding".len()..]
        .trim_start()
        .strip_prefix('=')?
        .trim_start();
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let rest = &rest[1..];
    Some(rest[..rest.find(quote)?].to_string())
}

/// Reads a DDI-Codebook from its bytes; `path` is named in errors.
pub fn parse_bytes(bytes: &[u8], path: &Path) -> Result<Codebook> {
    let fail = |line: u64, message: String| Error::Dictionary {
        path: path.to_path_buf(),
        line,
        message,
    };
    let text: String = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => std::str::from_utf8(rest)
            .map_err(|e| fail(0, format!("not valid UTF-8 after its byte order mark: {e}")))?
            .to_string(),
        None => match std::str::from_utf8(bytes) {
            Ok(text) => text.to_string(),
            Err(e) => {
                let label = declared_encoding(bytes).ok_or_else(|| {
                    fail(0, format!("not valid UTF-8 and no encoding declared: {e}"))
                })?;
                let encoding = Encoding::from_label(&label).ok_or_else(|| {
                    fail(
                        1,
                        format!("encoding {label} is not UTF-8, ISO-8859-1 or Windows-1252"),
                    )
                })?;
                encoding
                    .decode(bytes)
                    .map(|t| t.into_owned())
                    .ok_or_else(|| fail(0, format!("not valid {label}")))?
            }
        },
    };
    Parser::new(&text, path).run()
}

/// What is being collected from the XML.
struct Parser<'a> {
    path: &'a Path,
    reader: Reader<&'a [u8]>,
    line_starts: Vec<usize>,
    stack: Vec<String>,
    text: String,
    capturing: bool,
    title: Option<String>,
    files: Vec<DataFile>,
    variables: Vec<DdiVariable>,
    var: Option<VarDraft>,
    saw_codebook: bool,
}

/// A `var` element being read.
#[derive(Default)]
struct VarDraft {
    name: String,
    line: u64,
    dcml: u32,
    rectype: Vec<String>,
    files: Vec<String>,
    start: Option<usize>,
    end: Option<usize>,
    width: Option<usize>,
    locations: usize,
    label: Option<String>,
    format: Option<String>,
    categories: Vec<(String, Option<String>, bool, u64)>,
    category: Option<(Option<String>, Option<String>, bool, u64)>,
    missing_items: Vec<(String, u64)>,
    missing_ranges: Vec<(Option<String>, Option<String>, u64)>,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str, path: &'a Path) -> Parser<'a> {
        let mut reader = Reader::from_str(text);
        reader.config_mut().trim_text(false);
        let mut line_starts = vec![0];
        line_starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        Parser {
            path,
            reader,
            line_starts,
            stack: Vec::new(),
            text: String::new(),
            capturing: false,
            title: None,
            files: Vec::new(),
            variables: Vec::new(),
            var: None,
            saw_codebook: false,
        }
    }

    fn line(&self) -> u64 {
        let pos = self.reader.buffer_position() as usize;
        self.line_starts.partition_point(|&s| s <= pos) as u64
    }

    fn error(&self, line: u64, message: String) -> Error {
        Error::Dictionary {
            path: self.path.to_path_buf(),
            line,
            message,
        }
    }

    fn attributes(&self, e: &BytesStart<'_>) -> Result<BTreeMap<String, String>> {
        let mut out = BTreeMap::new();
        for attribute in e.attributes() {
            let attribute = attribute
                .map_err(|err| self.error(self.line(), format!("bad attribute: {err}")))?;
            let key = String::from_utf8_lossy(attribute.key.local_name().as_ref()).into_owned();
            let value = attribute
                .unescape_value()
                .map_err(|err| self.error(self.line(), format!("bad attribute {key}: {err}")))?;
            out.insert(key, value.into_owned());
        }
        Ok(out)
    }

    /// The parent of the element being opened or closed (`stack` holds its ancestors).
    fn parent(&self) -> Option<&str> {
        self.stack.last().map(String::as_str)
    }

    fn run(mut self) -> Result<Codebook> {
        loop {
            let event = self
                .reader
                .read_event()
                .map_err(|e| self.error(self.line(), format!("not well-formed XML: {e}")))?;
            match event {
                Event::Start(e) => {
                    let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                    self.open(&name, &e)?;
                    self.stack.push(name);
                }
                Event::Empty(e) => {
                    let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                    self.open(&name, &e)?;
                    self.close(&name)?;
                }
                Event::End(e) => {
                    let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                    self.stack.pop();
                    self.close(&name)?;
                }
                Event::Text(t) if self.capturing => {
                    let text = t
                        .decode()
                        .map_err(|e| self.error(self.line(), format!("bad text: {e}")))?;
                    self.text.push_str(&text);
                }
                Event::CData(t) if self.capturing => {
                    let text = t
                        .decode()
                        .map_err(|e| self.error(self.line(), format!("bad text: {e}")))?;
                    self.text.push_str(&text);
                }
                Event::GeneralRef(r) if self.capturing => {
                    let resolved =
                        match r.resolve_char_ref() {
                            Ok(Some(c)) => c,
                            Ok(None) => match r
                                .decode()
                                .map_err(|e| self.error(self.line(), format!("bad entity: {e}")))?
                                .as_ref()
                            {
                                "amp" => '&',
                                "lt" => '<',
                                "gt" => '>',
                                "quot" => '"',
                                "apos" => '\'',
                                other => {
                                    return Err(self
                                        .error(self.line(), format!("unknown entity &{other};")))
                                }
                            },
                            Err(e) => {
                                return Err(self
                                    .error(self.line(), format!("bad character reference: {e}")))
                            }
                        };
                    self.text.push(resolved);
                }
                Event::Eof => break,
                _ => {}
            }
        }
        if !self.saw_codebook {
            return Err(self.error(0, "no <codeBook> element: not a DDI-Codebook file".into()));
        }
        if !self.stack.is_empty() {
            return Err(self.error(
                self.line(),
                format!("the document ends inside <{}>", self.stack.join("><")),
            ));
        }
        Ok(Codebook {
            path: self.path.to_path_buf(),
            title: self.title,
            files: self.files,
            variables: self.variables,
        })
    }

    fn start_text(&mut self) {
        self.text.clear();
        self.capturing = true;
    }

    fn take_text(&mut self) -> Option<String> {
        self.capturing = false;
        let text = self.text.trim().to_string();
        self.text.clear();
        (!text.is_empty()).then_some(text)
    }

    fn number(
        &self,
        attrs: &BTreeMap<String, String>,
        key: &str,
        var: &str,
    ) -> Result<Option<usize>> {
        match attrs.get(key) {
            None => Ok(None),
            Some(v) if v.trim().is_empty() => Ok(None),
            Some(v) => v
                .trim()
                .parse::<usize>()
                .ok()
                .filter(|&n| n <= MAX_POSITION)
                .map(Some)
                .ok_or_else(|| {
                    self.error(
                        self.line(),
                        format!("variable {var}: {key}=\"{v}\" is not a whole number up to {MAX_POSITION}"),
                    )
                }),
        }
    }

    fn open(&mut self, name: &str, e: &BytesStart<'_>) -> Result<()> {
        let parent = self.parent().map(str::to_string);
        let parent = parent.as_deref();
        match (name, parent) {
            ("codeBook", _) => self.saw_codebook = true,
            ("titl", Some("titlStmt")) if self.title.is_none() => self.start_text(),
            ("fileDscr", _) => {
                let attrs = self.attributes(e)?;
                self.files.push(DataFile {
                    id: attrs.get("ID").cloned(),
                    name: None,
                    structure: Structure::Rectangular,
                    record_groups: Vec::new(),
                    charset: None,
                });
            }
            ("fileName", Some("fileTxt")) => self.start_text(),
            ("fileStrc", Some("fileTxt")) => {
                let attrs = self.attributes(e)?;
                let structure = match attrs.get("type").map(|t| t.to_ascii_lowercase()) {
                    Some(t) if t == "hierarchical" => Structure::Hierarchical,
                    Some(t) if t == "rectangular" => Structure::Rectangular,
                    None => Structure::Rectangular,
                    Some(other) => {
                        return Err(self.error(
                            self.line(),
                            format!("fileStrc type=\"{other}\" is not rectangular or hierarchical"),
                        ))
                    }
                };
                if let Some(file) = self.files.last_mut() {
                    file.structure = structure;
                }
            }
            ("recGrp", Some("fileStrc")) => {
                let attrs = self.attributes(e)?;
                let rectype = attrs
                    .get("rectype")
                    .map(|t| t.trim().to_string())
                    .filter(|t| !t.is_empty())
                    .ok_or_else(|| self.error(self.line(), "a recGrp has no rectype".into()))?;
                let split = |k: &str| {
                    attrs
                        .get(k)
                        .map(|v| v.split_whitespace().map(str::to_string).collect())
                        .unwrap_or_default()
                };
                let group = RecordGroup {
                    rectype,
                    label: None,
                    key_vars: split("keyvar"),
                    record_id_var: attrs
                        .get("recidvar")
                        .map(|v| v.trim().to_string())
                        .filter(|v| !v.is_empty()),
                };
                if let Some(file) = self.files.last_mut() {
                    file.record_groups.push(group);
                }
            }
            ("labl", Some("recGrp")) => self.start_text(),
            ("fileType", Some("fileTxt")) => {
                let attrs = self.attributes(e)?;
                if let Some(file) = self.files.last_mut() {
                    file.charset = attrs.get("charset").cloned();
                }
            }
            ("var", Some("dataDscr")) => {
                let attrs = self.attributes(e)?;
                let line = self.line();
                let name = attrs
                    .get("name")
                    .or_else(|| attrs.get("ID"))
                    .cloned()
                    .filter(|n| !n.trim().is_empty())
                    .ok_or_else(|| self.error(line, "a var has no name".into()))?;
                let dcml = match attrs.get("dcml").map(|d| d.trim()) {
                    None | Some("") => 0,
                    Some(d) => d
                        .parse::<u32>()
                        .ok()
                        .filter(|&d| d as usize <= MAX_POSITION)
                        .ok_or_else(|| {
                            self.error(
                                line,
                                format!("variable {name}: dcml=\"{d}\" is not a whole number"),
                            )
                        })?,
                };
                let split = |k: &str| {
                    attrs
                        .get(k)
                        .map(|v| v.split_whitespace().map(str::to_string).collect())
                        .unwrap_or_default()
                };
                self.var = Some(VarDraft {
                    name,
                    line,
                    dcml,
                    rectype: split("rectype"),
                    files: split("files"),
                    ..VarDraft::default()
                });
            }
            ("location", Some("var")) => {
                let attrs = self.attributes(e)?;
                let var_name = self
                    .var
                    .as_ref()
                    .map(|v| v.name.clone())
                    .unwrap_or_default();
                let start = self.number(&attrs, "StartPos", &var_name)?;
                let end = self.number(&attrs, "EndPos", &var_name)?;
                let width = self.number(&attrs, "width", &var_name)?;
                let segment = self.number(&attrs, "RecSegNo", &var_name)?;
                if segment.is_some_and(|s| s > 1) {
                    return Err(self.error(
                        self.line(),
                        format!(
                            "variable {var_name} is on record segment {} of its case (RecSegNo): cases \
                             spread over several lines are not supported",
                            segment.unwrap_or_default()
                        ),
                    ));
                }
                if let Some(var) = self.var.as_mut() {
                    var.locations += 1;
                    var.start = start;
                    var.end = end;
                    var.width = width;
                }
            }
            ("labl", Some("var")) => self.start_text(),
            ("varFormat", Some("var")) => {
                let attrs = self.attributes(e)?;
                if let Some(var) = self.var.as_mut() {
                    var.format = attrs.get("type").map(|t| t.to_ascii_lowercase());
                }
            }
            ("catgry", Some("var")) => {
                let attrs = self.attributes(e)?;
                let missing = attrs
                    .get("missing")
                    .is_some_and(|m| m.eq_ignore_ascii_case("Y"));
                let line = self.line();
                if let Some(var) = self.var.as_mut() {
                    var.category = Some((None, None, missing, line));
                }
            }
            ("catValu" | "labl", Some("catgry")) => self.start_text(),
            ("item", Some("invalrng")) => {
                let attrs = self.attributes(e)?;
                let line = self.line();
                if let (Some(var), Some(value)) = (self.var.as_mut(), attrs.get("VALUE")) {
                    var.missing_items.push((value.clone(), line));
                }
            }
            ("range", Some("invalrng")) => {
                let attrs = self.attributes(e)?;
                let line = self.line();
                if let Some(var) = self.var.as_mut() {
                    var.missing_ranges.push((
                        attrs.get("min").cloned(),
                        attrs.get("max").cloned(),
                        line,
                    ));
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn close(&mut self, name: &str) -> Result<()> {
        let parent = self.parent().map(str::to_string);
        let parent = parent.as_deref();
        match (name, parent) {
            ("titl", Some("titlStmt")) if self.capturing => self.title = self.take_text(),
            ("fileName", Some("fileTxt")) => {
                let text = self.take_text();
                if let Some(file) = self.files.last_mut() {
                    file.name = text;
                }
            }
            ("labl", Some("recGrp")) => {
                let text = self.take_text();
                if let Some(group) = self
                    .files
                    .last_mut()
                    .and_then(|f| f.record_groups.last_mut())
                {
                    group.label = text;
                }
            }
            ("labl", Some("var")) => {
                let text = self.take_text();
                if let Some(var) = self.var.as_mut() {
                    if var.label.is_none() {
                        var.label = text;
                    }
                }
            }
            ("catValu", Some("catgry")) => {
                // Keep the value's blanks: a character code may be blank-padded.
                self.capturing = false;
                let text = std::mem::take(&mut self.text);
                if let Some((value, ..)) = self.var.as_mut().and_then(|v| v.category.as_mut()) {
                    *value = Some(text);
                }
            }
            ("labl", Some("catgry")) => {
                let text = self.take_text();
                if let Some((_, label, ..)) = self.var.as_mut().and_then(|v| v.category.as_mut()) {
                    *label = text;
                }
            }
            ("catgry", Some("var")) => {
                if let Some(var) = self.var.as_mut() {
                    if let Some((Some(value), label, missing, line)) = var.category.take() {
                        var.categories.push((value, label, missing, line));
                    }
                }
            }
            ("var", Some("dataDscr")) => {
                if let Some(draft) = self.var.take() {
                    let variable = self.finish_var(draft)?;
                    self.variables.push(variable);
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn finish_var(&self, v: VarDraft) -> Result<DdiVariable> {
        let fail = |line: u64, message: String| {
            self.error(line, format!("variable {}: {message}", v.name))
        };
        if v.locations > 1 {
            return Err(fail(
                v.line,
                format!("{} location elements; only one is supported", v.locations),
            ));
        }
        let (start, width) =
            match (v.start, v.end, v.width) {
                (Some(s), Some(e), Some(w)) if e >= s && e - s + 1 == w => (s, w),
                (Some(s), Some(e), Some(w)) => {
                    return Err(fail(
                        v.line,
                        format!("StartPos={s}, EndPos={e} and width={w} disagree"),
                    ))
                }
                (Some(s), Some(e), None) if e >= s => (s, e - s + 1),
                (Some(s), None, Some(w)) => (s, w),
                (None, Some(e), Some(w)) if e + 1 >= w => (e + 1 - w, w),
                _ => return Err(fail(
                    v.line,
                    "its location needs two of StartPos, EndPos and width (is this codebook for a \
                     fixed-width file?)"
                        .into(),
                )),
            };
        if start == 0 || width == 0 {
            return Err(fail(
                v.line,
                format!("StartPos={start} and width={width} must be at least 1"),
            ));
        }
        let numeric = match v.format.as_deref() {
            Some("numeric") => true,
            Some("character") | None => false,
            Some(other) => {
                return Err(fail(
                    v.line,
                    format!("varFormat type=\"{other}\" is not numeric or character"),
                ))
            }
        };
        if v.dcml as usize > width && numeric {
            return Err(fail(
                v.line,
                format!("dcml={} is more than its width {width}", v.dcml),
            ));
        }
        let mut variable = Variable::new(
            v.name.clone(),
            if numeric {
                VariableKind::Numeric
            } else {
                VariableKind::Text { width }
            },
        );
        variable.label = v.label.clone();
        let code = |text: &str, line: u64| -> Result<Option<String>> {
            let trimmed = text.trim();
            if trimmed.is_empty() {
                return Ok(None);
            }
            if !numeric {
                return Ok(Some(text.trim_end().to_string()));
            }
            normalize_number(trimmed, None).map(Some).map_err(|why| {
                fail(
                    line,
                    format!("category value '{trimmed}' of a numeric variable {why}"),
                )
            })
        };
        for (value, label, missing, line) in &v.categories {
            let Some(value) = code(value, *line)? else {
                continue;
            };
            if *missing && !variable.missing_values.contains(&value) {
                variable.missing_values.push(value.clone());
            }
            if let Some(label) = label {
                variable
                    .value_labels
                    .entry(value)
                    .or_insert_with(|| label.clone());
            }
        }
        for (value, line) in &v.missing_items {
            if let Some(value) = code(value, *line)? {
                if !variable.missing_values.contains(&value) {
                    variable.missing_values.push(value);
                }
            }
        }
        for (min, max, line) in &v.missing_ranges {
            if !numeric {
                return Err(fail(
                    *line,
                    "an invalrng range on a character variable".into(),
                ));
            }
            let bound = |b: &Option<String>, default: f64| -> Result<f64> {
                match b {
                    None => Ok(default),
                    Some(text) => text.trim().parse::<f64>().map_err(|_| {
                        fail(
                            *line,
                            format!("invalrng range bound '{text}' is not a number"),
                        )
                    }),
                }
            };
            let (low, high) = (bound(min, f64::NEG_INFINITY)?, bound(max, f64::INFINITY)?);
            if low > high {
                return Err(fail(
                    *line,
                    format!("invalrng range {low}..{high} goes down"),
                ));
            }
            variable.missing_ranges.push((low, high));
        }
        Ok(DdiVariable {
            variable,
            start,
            width,
            decimals: v.dcml,
            record_types: v.rectype,
            files: v.files,
            line: v.line,
        })
    }
}
