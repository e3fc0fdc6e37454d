//! CSPro data dictionaries (`.dcf`): items, positions, value sets, special values.
//!
//! A CSPro dictionary describes a fixed-width text file of cases (questionnaires): one or
//! more levels, each with id items (found on every record of the case) and records (a
//! housing record, a person record...), told apart by a record type code at fixed
//! positions. [`parse`] reads both forms CSPro has written:
//!
//! - the text (INI-like) form of CSPro up to 7.7: `[Dictionary]`, `[Languages]`, `[Level]`,
//!   `[IdItems]`, `[Record]`, `[Item]`, `[ValueSet]`, `[Relation]` sections of `Key=Value`
//!   lines;
//! - the JSON form of CSPro 8.0 and later (`"fileType": "dictionary"`).
//!
//! The keywords, their defaults and their meaning follow CSPro's own reader
//! (`zDictO/Pre80SpecFile.cpp`, `DictItem.cpp`, `DictRecord.cpp` and
//! `DictionarySerializerHelper.h` in the csprousers/cspro repository) and the CSPro Users
//! Guide ("Data Dictionary File (.dcf)", "Item Properties", "Value Properties",
//! "JSON Specification Files"):
//!
//! - Defaults: numeric items, `ZeroFill=No`, `DecimalChar=No`, one occurrence, no decimals,
//!   no record type (`RecordTypeStart=0`, `RecordTypeLen=0`).
//! - `Decimal=n` without `DecimalChar=Yes` means *implied* decimals (the file stores `12345`
//!   for `123.45`); with `DecimalChar=Yes` the decimal point is written in the data.
//! - `Positions=Relative` (JSON `"relativePositions": true`) lets record items leave out
//!   their start: items follow each other from the position after the record type and the
//!   id items of every level, subitems at `subitemOffset` from their parent.
//! - `Occurrences=n` repeats an item n times side by side; the layout names the copies
//!   `NAME_1`..`NAME_n` (a subitem of a repeated item repeats with its parent's stride).
//! - `Value=from[:to] [from2[:to2]...][;label]`, with `'quoted'` alpha or blank values; a
//!   `Name=MISSING,Special` (or `REFUSED`, `DEFAULT`, `NOTAPPL`) line after a `Value` line
//!   makes that value a special value. Labels with several languages (`English|Français`)
//!   keep the first.
//! - Keywords are matched without regard to case, as CSPro does; an unknown keyword is an
//!   error naming its line, as in CSPro.
//!
//! What the layout keeps ([`Dictionary::layout`]): the first value set of an item gives its
//! value labels (CSPro's primary value set); a labelled range of whole numbers gives each
//! of its codes the label, up to [`MAX_EXPANDED_RANGE`] codes (every range stays on
//! [`Item::value_sets`]); the values of every value set marked MISSING, REFUSED, DEFAULT or
//! NOTAPPL become the variable's declared missing values (a blank NOTAPPL value is the
//! blank field, which reads as `None` anyway). Binary items (image, audio, document,
//! geometry: CSPro 8) are not in text data files and are left out of the layout.
//!
//! CSPro reads a data file without a byte order mark as "ANSI" (the Windows code page) and
//! writes UTF-8 with a BOM; [`Dictionary::options_for`] leaves the encoding at UTF-8, which
//! a BOM confirms and which fails loudly (rather than giving mojibake) on an ANSI file:
//! set [`FixedOptions::encoding`] to Windows-1252 for those.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value as Json;

use crate::fixed::{normalize_number, CaseBoundary, Column, Field, FixedOptions, Layout};
use crate::{Error, Result, Variable, VariableKind};

/// Labelled ranges of whole numbers with at most this many codes give each code its label
/// in [`Variable::value_labels`]; wider ranges (`10:9999;10+ persons`) stay on the value set.
pub const MAX_EXPANDED_RANGE: u64 = 1000;

/// The largest number a dictionary keyword may hold: positions, lengths, decimals,
/// occurrences, record counts ([`crate::fixed::MAX_POSITION`]).
const MAX_COUNT: usize = crate::fixed::MAX_POSITION;

/// Most occurrences of an item, as CSPro allows (`Occurrences` 1 to 9999).
const MAX_OCCURRENCES: u32 = 9999;

/// Which form a dictionary file was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DictionaryFormat {
    /// The `[Section]`/`Key=Value` text form of CSPro up to 7.7.
    Text,
    /// The JSON form of CSPro 8.0 and later.
    Json,
}

/// A parsed CSPro dictionary.
#[derive(Debug, Clone, PartialEq)]
pub struct Dictionary {
    /// The `.dcf` file.
    pub path: PathBuf,
    /// Text or JSON.
    pub format: DictionaryFormat,
    /// `Name`.
    pub name: String,
    /// `Label` (first language).
    pub label: Option<String>,
    /// `Version` (`CSPro 7.7`) or JSON `version` (`8.0`).
    pub version: Option<String>,
    /// Where the record type code is (`RecordTypeStart`, `RecordTypeLen`); `None` when the
    /// length is 0 (a single record type).
    pub record_type: Option<Field>,
    /// `Positions=Relative`.
    pub relative_positions: bool,
    /// The levels (questionnaire, then sub-levels), in order.
    pub levels: Vec<Level>,
}

/// A level of a dictionary: its id items and its records.
#[derive(Debug, Clone, PartialEq)]
pub struct Level {
    /// `Name`.
    pub name: String,
    /// `Label`.
    pub label: Option<String>,
    /// The id items, found at the same place on every record of the level.
    pub ids: Vec<Item>,
    /// The records.
    pub records: Vec<Record>,
}

/// A record (line) type.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// `Name`.
    pub name: String,
    /// `Label`.
    pub label: Option<String>,
    /// `RecordTypeValue`: the code at the record type positions (quotes removed).
    pub type_value: String,
    /// `Required`.
    pub required: bool,
    /// `MaxRecords`: how many records of this type a case may have.
    pub max_records: u32,
    /// The items.
    pub items: Vec<Item>,
}

/// What an item holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// Numbers.
    Numeric,
    /// Text.
    Alpha,
    /// A binary item of CSPro 8 (image, audio, document, geometry), not in text data.
    Binary(String),
}

/// An item (variable) of a record.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// The variable as the layout hands it out: name, label, kind, value labels, missing.
    pub variable: Variable,
    /// Numeric, alpha or binary.
    pub content: Content,
    /// 1-based start (resolved when the dictionary uses relative positions).
    pub start: usize,
    /// `Len`.
    pub len: usize,
    /// `Decimal`.
    pub decimals: u32,
    /// `DecimalChar`: the decimal point is written in the data.
    pub decimal_char: bool,
    /// `ZeroFill`.
    pub zero_fill: bool,
    /// `ItemType=SubItem`: part of the preceding item.
    pub subitem: bool,
    /// `Occurrences`.
    pub occurrences: u32,
    /// `OccurrenceLabel=k,label`: labels of the repeated copies, by 1-based occurrence.
    pub occurrence_labels: BTreeMap<u32, String>,
    /// The value sets, the primary one first.
    pub value_sets: Vec<ValueSet>,
    /// The line of the dictionary where the item is defined (0 for JSON).
    pub line: u64,
}

/// A value set of an item.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueSet {
    /// `Name`.
    pub name: String,
    /// `Label`.
    pub label: Option<String>,
    /// The values.
    pub values: Vec<DictValue>,
}

/// One `Value=` entry of a value set.
#[derive(Debug, Clone, PartialEq)]
pub struct DictValue {
    /// Its label.
    pub label: Option<String>,
    /// Single values (`to` `None`) and ranges, as written (quotes removed).
    pub pairs: Vec<(String, Option<String>)>,
    /// The special value it stands for, if any.
    pub special: Option<Special>,
}

/// CSPro's special values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Special {
    /// MISSING.
    Missing,
    /// REFUSED.
    Refused,
    /// DEFAULT (a value that could not be stored).
    Default,
    /// NOTAPPL (not applicable; blank in the data).
    NotAppl,
}

impl Special {
    fn from_name(name: &str) -> Option<Special> {
        match name.trim().to_ascii_uppercase().as_str() {
            "MISSING" => Some(Special::Missing),
            "REFUSED" => Some(Special::Refused),
            "DEFAULT" => Some(Special::Default),
            "NOTAPPL" => Some(Special::NotAppl),
            _ => None,
        }
    }
}

impl Dictionary {
    /// The record named `name` (CSPro names ignore case) and its level.
    pub fn record(&self, name: &str) -> Option<(&Level, &Record)> {
        self.levels.iter().find_map(|level| {
            level
                .records
                .iter()
                .find(|r| r.name.eq_ignore_ascii_case(name))
                .map(|r| (level, r))
        })
    }

    fn error(&self, line: u64, message: String) -> Error {
        Error::Dictionary {
            path: self.path.clone(),
            line,
            message,
        }
    }

    /// The columns of the data file: the id items of every level (on every record), then
    /// each record's items (on lines of its type), repeated items expanded to
    /// `NAME_1`..`NAME_n`, binary items left out.
    pub fn layout(&self) -> Result<Layout> {
        let mut columns: Vec<Column> = Vec::new();
        let mut add = |item: &Item, parent: Option<&Item>, record_type: Option<&String>| {
            columns.extend(expand(item, parent, record_type));
        };
        for level in &self.levels {
            for_each_with_parent(&level.ids, |item, parent| add(item, parent, None));
        }
        for level in &self.levels {
            for record in &level.records {
                let code = self.record_type.map(|_| &record.type_value);
                for_each_with_parent(&record.items, |item, parent| add(item, parent, code));
            }
        }
        for (i, column) in columns.iter().enumerate() {
            let name = &column.variable.name;
            if let Some(other) = columns[..i]
                .iter()
                .find(|c| c.variable.name.eq_ignore_ascii_case(name))
            {
                return Err(self.error(
                    0,
                    format!(
                        "two variables of the layout are named {name} (and {}): CSPro names \
                         must be unique, and the copies of a repeated item are named NAME_1..NAME_n",
                        other.variable.name
                    ),
                ));
            }
        }
        let record_types = match self.record_type {
            Some(_) => self
                .levels
                .iter()
                .flat_map(|l| l.records.iter().map(|r| r.type_value.clone()))
                .collect(),
            None => Vec::new(),
        };
        Ok(Layout {
            columns,
            record_type: self.record_type,
            record_types,
            dictionary: Some(self.path.clone()),
        })
    }

    /// Options to read the records named `emit` (e.g. `PERSON`) with the items of the
    /// records named in `carry` (e.g. `HOUSING`) attached, a case being a run of lines with
    /// the same first-level id items. A carried record must occur at most once per case
    /// (`MaxRecords=1`).
    pub fn options_for(&self, emit: &str, carry: &[&str]) -> Result<FixedOptions> {
        let find = |name: &str| {
            self.record(name).map(|(_, r)| r).ok_or_else(|| {
                self.error(
                    0,
                    format!(
                        "no record named {name} (the dictionary has {})",
                        self.levels
                            .iter()
                            .flat_map(|l| l.records.iter().map(|r| r.name.as_str()))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            })
        };
        let emitted = find(emit)?;
        let mut carried = Vec::new();
        for name in carry {
            let record = find(name)?;
            if record.max_records != 1 {
                return Err(self.error(
                    0,
                    format!(
                        "record {} may occur {} times in a case (MaxRecords): only a record that \
                         occurs once per case can be carried onto {}",
                        record.name, record.max_records, emitted.name
                    ),
                ));
            }
            carried.push(record.type_value.clone());
        }
        let with_type = self.record_type.is_some();
        let case = match (carried.is_empty(), self.levels.first()) {
            (true, _) => None,
            (false, Some(level)) if !level.ids.is_empty() => Some(CaseBoundary::Key(
                level
                    .ids
                    .iter()
                    .flat_map(|id| expand(id, None, None))
                    .map(|c| c.variable.name)
                    .collect(),
            )),
            (false, _) => {
                return Err(self.error(
                    0,
                    "the first level has no id items to tell cases apart".into(),
                ))
            }
        };
        Ok(FixedOptions {
            emit: with_type.then(|| emitted.type_value.clone()),
            carry: carried,
            case,
            ..FixedOptions::default()
        })
    }
}

/// Calls `f` on each item with the item it is a subitem of.
fn for_each_with_parent(items: &[Item], mut f: impl FnMut(&Item, Option<&Item>)) {
    let mut parent: Option<&Item> = None;
    for item in items {
        if item.subitem {
            f(item, parent);
        } else {
            f(item, None);
            parent = Some(item);
        }
    }
}

/// The columns of one item: one, or one per occurrence (its own, or its parent's).
fn expand(item: &Item, parent: Option<&Item>, record_type: Option<&String>) -> Vec<Column> {
    if matches!(item.content, Content::Binary(_)) {
        return Vec::new();
    }
    let decimals = (item.content == Content::Numeric && item.decimals > 0 && !item.decimal_char)
        .then_some(item.decimals);
    let column = |variable: Variable, start: usize| Column {
        variable,
        start,
        width: item.len,
        decimals,
        record_type: record_type.cloned(),
    };
    let (copies, stride, labels) = match parent {
        Some(p) if p.occurrences > 1 => (p.occurrences, p.len, &p.occurrence_labels),
        _ => (item.occurrences, item.len, &item.occurrence_labels),
    };
    if copies <= 1 {
        return vec![column(item.variable.clone(), item.start)];
    }
    (1..=copies)
        .map(|k| {
            let mut variable = item.variable.clone();
            variable.name = format!("{}_{k}", item.variable.name);
            let occurrence = labels.get(&k).cloned().unwrap_or_else(|| k.to_string());
            variable.label = Some(match &item.variable.label {
                Some(label) => format!("{label} ({occurrence})"),
                None => occurrence,
            });
            column(variable, item.start + (k as usize - 1) * stride)
        })
        .collect()
}

/// Reads a CSPro dictionary, in the text form (CSPro up to 7.7) or the JSON form (8.0 on).
pub fn parse(path: impl AsRef<Path>) -> Result<Dictionary> {
    let path = path.as_ref();
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse_bytes(&bytes, path)
}

/// Reads a CSPro dictionary from its bytes; `path` is named in errors.
pub fn parse_bytes(bytes: &[u8], path: &Path) -> Result<Dictionary> {
    // CSPro writes UTF-8 with a byte order mark; older dictionaries are in the Windows
    // code page, which is what bytes that are not UTF-8 are taken to be.
    let text = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => String::from_utf8_lossy(rest).into_owned(),
        None => match std::str::from_utf8(bytes) {
            Ok(text) => text.to_string(),
            Err(_) => crate::Encoding::Windows1252.decode_lossy(bytes),
        },
    };
    let mut raw = if text.trim_start().starts_with('{') {
        parse_json(&text, path)?
    } else {
        parse_text(&text, path)?
    };
    raw.resolve(path)?;
    raw.finish(path)
}

// ---------------------------------------------------------------------------------------
// The dictionary as read, before positions are resolved and value sets are checked.

#[derive(Debug, Default)]
struct RawDictionary {
    format: Option<DictionaryFormat>,
    name: Option<String>,
    label: Option<String>,
    version: Option<String>,
    record_type_start: usize,
    record_type_len: usize,
    relative: bool,
    levels: Vec<RawLevel>,
}

#[derive(Debug, Default)]
struct RawLevel {
    name: Option<String>,
    label: Option<String>,
    ids: Vec<RawItem>,
    records: Vec<RawRecord>,
    line: u64,
}

#[derive(Debug)]
struct RawRecord {
    name: Option<String>,
    label: Option<String>,
    type_value: String,
    required: bool,
    max_records: u32,
    items: Vec<RawItem>,
    line: u64,
}

impl RawRecord {
    fn new(line: u64) -> RawRecord {
        RawRecord {
            name: None,
            label: None,
            type_value: String::new(),
            required: true,
            max_records: 1,
            items: Vec::new(),
            line,
        }
    }
}

#[derive(Debug)]
struct RawItem {
    name: Option<String>,
    label: Option<String>,
    content: Content,
    start: Option<usize>,
    subitem_offset: Option<usize>,
    len: Option<usize>,
    decimals: u32,
    decimal_char: bool,
    zero_fill: bool,
    subitem: bool,
    occurrences: u32,
    occurrence_labels: BTreeMap<u32, String>,
    value_sets: Vec<ValueSet>,
    /// The dictionary line of each value (parallel to each value set's values).
    value_lines: Vec<Vec<u64>>,
    line: u64,
}

impl RawItem {
    fn new(line: u64) -> RawItem {
        RawItem {
            name: None,
            label: None,
            content: Content::Numeric,
            start: None,
            subitem_offset: None,
            len: None,
            decimals: 0,
            decimal_char: false,
            zero_fill: false,
            subitem: false,
            occurrences: 1,
            occurrence_labels: BTreeMap::new(),
            value_sets: Vec::new(),
            value_lines: Vec::new(),
            line,
        }
    }

    fn describe(&self) -> String {
        self.name
            .clone()
            .unwrap_or_else(|| "the item with no Name".to_string())
    }
}

fn dictionary_error(path: &Path, line: u64, message: impl Into<String>) -> Error {
    Error::Dictionary {
        path: path.to_path_buf(),
        line,
        message: message.into(),
    }
}

impl RawDictionary {
    /// Gives every item its start: as written, or (relative positions) after the record
    /// type and every level's id items, as CSPro's JSON reader computes it.
    fn resolve(&mut self, path: &Path) -> Result<()> {
        let mut id_length = 1usize;
        if self.record_type_start > 0 && self.record_type_len > 0 {
            id_length = id_length.max(self.record_type_start + self.record_type_len - 1);
        }
        let relative = self.relative;
        let resolve_items = |items: &mut Vec<RawItem>, mut next: usize, ids: bool| -> Result<()> {
            let mut parent_start: Option<usize> = None;
            for item in items.iter_mut() {
                let len = item.len.unwrap_or(0);
                if item.start.is_none() {
                    let computed = if !relative || ids {
                        None
                    } else if item.subitem {
                        parent_start.zip(item.subitem_offset).map(|(p, o)| p + o)
                    } else {
                        Some(next)
                    };
                    item.start = Some(computed.ok_or_else(|| {
                        dictionary_error(
                            path,
                            item.line,
                            format!(
                                "item {} has no Start{}",
                                item.describe(),
                                if relative {
                                    ""
                                } else {
                                    " (the dictionary uses absolute positions)"
                                }
                            ),
                        )
                    })?);
                }
                if !item.subitem {
                    parent_start = item.start;
                    next = next.saturating_add(len.saturating_mul(item.occurrences as usize));
                }
            }
            Ok(())
        };
        for level in &mut self.levels {
            resolve_items(&mut level.ids, 0, true)?;
            for id in level.ids.iter().filter(|i| !i.subitem) {
                let end = id
                    .start
                    .unwrap_or(1)
                    .saturating_add(id.len.unwrap_or(0).saturating_mul(id.occurrences as usize));
                id_length = id_length.max(end.saturating_sub(1));
            }
            for record in &mut level.records {
                resolve_items(&mut record.items, id_length + 1, false)?;
            }
        }
        Ok(())
    }

    /// Checks the dictionary and builds the public form.
    fn finish(self, path: &Path) -> Result<Dictionary> {
        let err = |line: u64, message: String| dictionary_error(path, line, message);
        let name = self
            .name
            .ok_or_else(|| err(0, "the dictionary has no Name".into()))?;
        if self.levels.is_empty() {
            return Err(err(0, "the dictionary has no [Level]".into()));
        }
        let record_type = match (self.record_type_start, self.record_type_len) {
            (0, 0) => None,
            (start, len) if start > 0 && len > 0 => Some(Field { start, width: len }),
            (start, len) => {
                return Err(err(
                    0,
                    format!(
                        "RecordTypeStart={start} and RecordTypeLen={len}: both must be 0, or both \
                         at least 1"
                    ),
                ))
            }
        };
        let record_count: usize = self.levels.iter().map(|l| l.records.len()).sum();
        if record_type.is_none() && record_count > 1 {
            return Err(err(
                0,
                format!(
                    "the dictionary has {record_count} records but no record type \
                     (RecordTypeLen=0): CSPro needs a record type to tell them apart"
                ),
            ));
        }
        let mut seen: BTreeMap<String, u64> = BTreeMap::new();
        let mut type_values: BTreeMap<String, String> = BTreeMap::new();
        let mut levels = Vec::new();
        for raw_level in self.levels {
            let level_name = raw_level
                .name
                .ok_or_else(|| err(raw_level.line, "a [Level] has no Name".into()))?;
            let mut ids = Vec::new();
            for raw in raw_level.ids {
                ids.push(finish_item(raw, path, &mut seen)?);
            }
            let mut records = Vec::new();
            for raw in raw_level.records {
                let record_name = raw
                    .name
                    .ok_or_else(|| err(raw.line, "a [Record] has no Name".into()))?;
                if record_type.is_some() {
                    if raw.type_value.trim().is_empty() {
                        return Err(err(
                            raw.line,
                            format!("record {record_name} has no RecordTypeValue"),
                        ));
                    }
                    if let Some(other) =
                        type_values.insert(raw.type_value.clone(), record_name.clone())
                    {
                        return Err(err(
                            raw.line,
                            format!(
                                "records {other} and {record_name} have the same RecordTypeValue '{}'",
                                raw.type_value
                            ),
                        ));
                    }
                }
                if raw.max_records > 1 {
                    if let Some(item) = raw.items.iter().find(|i| i.occurrences > 1) {
                        return Err(err(
                            item.line,
                            format!(
                                "item {} of record {record_name} occurs {} times, but the record \
                                 may occur {} times (MaxRecords): CSPro allows repeated items only \
                                 in records that occur once",
                                item.describe(),
                                item.occurrences,
                                raw.max_records
                            ),
                        ));
                    }
                }
                let mut items = Vec::new();
                for item in raw.items {
                    items.push(finish_item(item, path, &mut seen)?);
                }
                records.push(Record {
                    name: record_name,
                    label: raw.label,
                    type_value: raw.type_value,
                    required: raw.required,
                    max_records: raw.max_records,
                    items,
                });
            }
            levels.push(Level {
                name: level_name,
                label: raw_level.label,
                ids,
                records,
            });
        }
        Ok(Dictionary {
            path: path.to_path_buf(),
            format: self.format.unwrap_or(DictionaryFormat::Text),
            name,
            label: self.label,
            version: self.version,
            record_type,
            relative_positions: self.relative,
            levels,
        })
    }
}

/// Checks one item and turns its value sets into value labels and missing values.
fn finish_item(raw: RawItem, path: &Path, seen: &mut BTreeMap<String, u64>) -> Result<Item> {
    let err = |line: u64, message: String| dictionary_error(path, line, message);
    let name = raw
        .name
        .clone()
        .ok_or_else(|| err(raw.line, "an [Item] has no Name".into()))?;
    if let Some(first) = seen.insert(name.to_ascii_uppercase(), raw.line) {
        return Err(err(
            raw.line,
            format!("item {name} is defined twice (first on line {first}): CSPro names are unique"),
        ));
    }
    let len = raw
        .len
        .ok_or_else(|| err(raw.line, format!("item {name} has no Len")))?;
    let start = raw.start.unwrap_or(0);
    if len == 0 || start == 0 {
        return Err(err(
            raw.line,
            format!("item {name}: Start={start} and Len={len} must be at least 1"),
        ));
    }
    if raw.occurrences == 0 || raw.occurrences > MAX_OCCURRENCES {
        return Err(err(
            raw.line,
            format!(
                "item {name}: Occurrences={} must be from 1 to {MAX_OCCURRENCES}",
                raw.occurrences
            ),
        ));
    }
    if start.saturating_add(len.saturating_mul(raw.occurrences as usize)) > MAX_COUNT {
        return Err(err(
            raw.line,
            format!("item {name} ends past position {MAX_COUNT}"),
        ));
    }
    match raw.content {
        Content::Numeric if raw.decimals as usize > len => {
            return Err(err(
                raw.line,
                format!(
                    "item {name}: Decimal={} is more than Len={len}",
                    raw.decimals
                ),
            ))
        }
        Content::Numeric
            if raw.decimal_char && raw.decimals > 0 && raw.decimals as usize >= len =>
        {
            return Err(err(
                raw.line,
                format!(
                    "item {name}: Len={len} leaves no room for the decimal point and {} decimals",
                    raw.decimals
                ),
            ))
        }
        Content::Alpha if raw.decimals > 0 => {
            return Err(err(
                raw.line,
                format!("item {name}: an alpha item cannot have decimals"),
            ))
        }
        _ => {}
    }
    let numeric = raw.content == Content::Numeric;
    let mut variable = Variable::new(
        name.clone(),
        if numeric {
            VariableKind::Numeric
        } else {
            VariableKind::Text { width: len }
        },
    );
    variable.label = raw.label.clone();
    for (set_index, set) in raw.value_sets.iter().enumerate() {
        for (value_index, value) in set.values.iter().enumerate() {
            let line = raw
                .value_lines
                .get(set_index)
                .and_then(|l| l.get(value_index))
                .copied()
                .unwrap_or(0);
            let code = |text: &str| -> Result<Option<String>> {
                let trimmed = text.trim_matches(' ');
                if trimmed.is_empty() {
                    return Ok(None);
                }
                if !numeric {
                    return Ok(Some(text.trim_end_matches(' ').to_string()));
                }
                normalize_number(trimmed, None).map(Some).map_err(|why| {
                    err(
                        line,
                        format!(
                            "value '{trimmed}' of numeric item {name} (value set {}) {why}",
                            set.name
                        ),
                    )
                })
            };
            for (from, to) in &value.pairs {
                let low = code(from)?;
                let high = match to {
                    Some(to) => code(to)?,
                    None => None,
                };
                if to.is_some() && !numeric {
                    return Err(err(
                        line,
                        format!(
                            "alpha item {name} cannot have a range of values ({from}:{})",
                            to.as_deref().unwrap_or("")
                        ),
                    ));
                }
                if value.special.is_some() && to.is_some() {
                    return Err(err(
                        line,
                        format!("item {name}: a special value cannot be a range"),
                    ));
                }
                if let Some(low) = &low {
                    if value.special.is_some() && !variable.missing_values.contains(low) {
                        variable.missing_values.push(low.clone());
                    }
                }
                // Labels come from the primary (first) value set, the first label of a code winning.
                let Some(label) = value.label.as_ref().filter(|_| set_index == 0) else {
                    continue;
                };
                match (&low, &high) {
                    (Some(low), None) => {
                        variable
                            .value_labels
                            .entry(low.clone())
                            .or_insert_with(|| label.clone());
                    }
                    (Some(low), Some(high)) => {
                        let (a, b) = (low.parse::<f64>(), high.parse::<f64>());
                        if let (Ok(a), Ok(b)) = (a, b) {
                            if b < a {
                                return Err(err(
                                    line,
                                    format!("item {name}: range {low}:{high} goes down"),
                                ));
                            }
                            // Whole numbers a float counts exactly, so that the loop ends.
                            let whole = a.fract() == 0.0
                                && b.fract() == 0.0
                                && a.abs() < 9.0e15
                                && b.abs() < 9.0e15;
                            if whole && b - a < MAX_EXPANDED_RANGE as f64 {
                                let mut k = a;
                                while k <= b {
                                    if let Some(text) = crate::format_number(k) {
                                        variable
                                            .value_labels
                                            .entry(text)
                                            .or_insert_with(|| label.clone());
                                    }
                                    k += 1.0;
                                }
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    Ok(Item {
        variable,
        content: raw.content,
        start,
        len,
        decimals: raw.decimals,
        decimal_char: raw.decimal_char,
        zero_fill: raw.zero_fill,
        subitem: raw.subitem,
        occurrences: raw.occurrences,
        occurrence_labels: raw.occurrence_labels,
        value_sets: raw.value_sets,
        line: raw.line,
    })
}

// ---------------------------------------------------------------------------------------
// The text form.

/// The section a `Key=Value` line belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Start,
    Dictionary,
    Languages,
    NoEdit,
    Level,
    IdItems,
    Record,
    Item { ids: bool },
    ValueSet { ids: bool, after_value: bool },
    Relation,
}

/// A label: the first language of `English|Français`.
fn first_label(text: &str) -> Option<String> {
    let first = text.split('|').next().unwrap_or("");
    (!first.is_empty()).then(|| first.to_string())
}

/// `Yes`/`No` as CSPro reads them: anything starting with Y is yes.
fn yes(text: &str) -> bool {
    text.trim_start().starts_with(['Y', 'y'])
}

/// Strips CSPro's single quotes from a value (`'1'` -> `1`, `'  '` -> two blanks).
fn unquote(text: &str) -> String {
    let t = text.trim();
    match t.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')) {
        Some(inner) if t.len() >= 2 => inner.to_string(),
        _ => t.to_string(),
    }
}

/// Parses the argument of a `Value=` line: pairs and label.
fn parse_value_line(argument: &str) -> std::result::Result<DictValue, String> {
    // The label starts at the first ';' outside quotes.
    let mut in_quote = false;
    let mut split = None;
    for (i, c) in argument.char_indices() {
        match c {
            '\'' => in_quote = !in_quote,
            ';' if !in_quote => {
                split = Some(i);
                break;
            }
            _ => {}
        }
    }
    let (values, label) = match split {
        Some(i) => (&argument[..i], first_label(&argument[i + 1..])),
        None => (argument, None),
    };
    let mut pairs = Vec::new();
    let mut rest = values;
    // One token: a quoted string (blanks kept) or a run up to a blank or ':'.
    fn token(s: &str) -> std::result::Result<(String, &str), String> {
        let s = s.trim_start_matches(' ');
        if let Some(inner) = s.strip_prefix('\'') {
            let end = inner
                .find('\'')
                .ok_or_else(|| format!("unclosed quote in {s:?}"))?;
            Ok((inner[..end].to_string(), &inner[end + 1..]))
        } else {
            let end = s.find([' ', ':']).unwrap_or(s.len());
            Ok((s[..end].to_string(), &s[end..]))
        }
    }
    loop {
        if rest.trim_start_matches(' ').is_empty() {
            break;
        }
        let (from, after) = token(rest)?;
        let after_trim = after.trim_start_matches(' ');
        if let Some(after_colon) = after_trim.strip_prefix(':') {
            let (to, after_to) = token(after_colon)?;
            if to.trim().is_empty() {
                return Err(format!("the range {from}: has no upper end"));
            }
            pairs.push((from, Some(to)));
            rest = after_to;
        } else {
            if from.is_empty() && !after.starts_with(' ') && !after_trim.is_empty() {
                return Err(format!("cannot read {values:?}"));
            }
            pairs.push((from, None));
            rest = after;
        }
    }
    if pairs.is_empty() {
        pairs.push((String::new(), None));
    }
    Ok(DictValue {
        label,
        pairs,
        special: None,
    })
}

fn parse_text(text: &str, path: &Path) -> Result<RawDictionary> {
    let mut dict = RawDictionary {
        format: Some(DictionaryFormat::Text),
        ..RawDictionary::default()
    };
    let mut section = Section::Start;
    for (index, raw_line) in text.lines().enumerate() {
        let line_no = index as u64 + 1;
        let line = raw_line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let err = |message: String| dictionary_error(path, line_no, message);
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            let header = trimmed.to_ascii_lowercase();
            let in_ids = |s: Section| {
                matches!(
                    s,
                    Section::IdItems
                        | Section::Item { ids: true }
                        | Section::ValueSet { ids: true, .. }
                )
            };
            section = match header.as_str() {
                "[dictionary]" if section == Section::Start => Section::Dictionary,
                "[languages]" => Section::Languages,
                "[noedit]" => Section::NoEdit,
                "[level]" => {
                    dict.levels.push(RawLevel {
                        line: line_no,
                        ..RawLevel::default()
                    });
                    Section::Level
                }
                "[iditems]" if section == Section::Level => Section::IdItems,
                "[record]" if !dict.levels.is_empty() => {
                    if let Some(level) = dict.levels.last_mut() {
                        level.records.push(RawRecord::new(line_no));
                    }
                    Section::Record
                }
                "[item]" if in_ids(section) => {
                    if let Some(level) = dict.levels.last_mut() {
                        level.ids.push(RawItem::new(line_no));
                    }
                    Section::Item { ids: true }
                }
                "[item]"
                    if matches!(
                        section,
                        Section::Record
                            | Section::Item { ids: false }
                            | Section::ValueSet { ids: false, .. }
                    ) =>
                {
                    if let Some(record) = dict.levels.last_mut().and_then(|l| l.records.last_mut())
                    {
                        record.items.push(RawItem::new(line_no));
                    }
                    Section::Item { ids: false }
                }
                "[valueset]" => match section {
                    Section::Item { ids } | Section::ValueSet { ids, .. } => {
                        let item = current_item(&mut dict, ids)
                            .ok_or_else(|| err("[ValueSet] outside an item".into()))?;
                        item.value_sets.push(ValueSet {
                            name: String::new(),
                            label: None,
                            values: Vec::new(),
                        });
                        item.value_lines.push(Vec::new());
                        Section::ValueSet {
                            ids,
                            after_value: false,
                        }
                    }
                    _ => return Err(err("[ValueSet] must follow an [Item]".into())),
                },
                "[relation]" => Section::Relation,
                _ => return Err(err(format!("section {trimmed} is not expected here"))),
            };
            continue;
        }
        if section == Section::Start {
            return Err(err(format!(
                "a CSPro dictionary starts with [Dictionary] (or is JSON), not {trimmed:?}"
            )));
        }
        let Some((key, argument)) = line.split_once('=') else {
            return Err(err(format!(
                "expected Key=Value or a [Section], found {trimmed:?}"
            )));
        };
        let key_lower = key.trim().to_ascii_lowercase();
        let key = key.trim();
        let number = |what: &str| -> Result<usize> {
            let n = argument
                .trim()
                .parse::<usize>()
                .map_err(|_| err(format!("{what}={} is not a whole number", argument.trim())))?;
            if n > MAX_COUNT {
                return Err(err(format!("{what}={n} is more than {MAX_COUNT}")));
            }
            Ok(n)
        };
        let unknown = || err(format!("unknown keyword {key} in this section"));
        match section {
            Section::Start => {
                return Err(err("a CSPro dictionary starts with [Dictionary]".into()))
            }
            Section::Languages | Section::NoEdit | Section::Relation => {
                // Languages name the label languages; [Relation]s link records; [NoEdit]
                // marks a dictionary read-only. None of them changes how data is read.
                if section == Section::Relation
                    && !matches!(
                        key_lower.as_str(),
                        "name"
                            | "primary"
                            | "primarylink"
                            | "secondary"
                            | "secondarylink"
                            | "label"
                            | "note"
                    )
                {
                    return Err(unknown());
                }
            }
            Section::Dictionary => match key_lower.as_str() {
                "version" => dict.version = Some(argument.trim().to_string()),
                "label" => dict.label = first_label(argument),
                "name" => dict.name = Some(argument.trim().to_string()),
                "note" | "alias" | "securityoptions" | "valuesetimages" | "zerofill"
                | "decimalchar" => {}
                "recordtypestart" => dict.record_type_start = number(key)?,
                "recordtypelen" => dict.record_type_len = number(key)?,
                "positions" => dict.relative = argument.trim().eq_ignore_ascii_case("relative"),
                _ => return Err(unknown()),
            },
            Section::Level | Section::IdItems => {
                let level = dict.levels.last_mut().ok_or_else(unknown)?;
                match key_lower.as_str() {
                    "name" => level.name = Some(argument.trim().to_string()),
                    "label" => level.label = first_label(argument),
                    "note" | "alias" => {}
                    _ => return Err(unknown()),
                }
            }
            Section::Record => {
                let record = dict
                    .levels
                    .last_mut()
                    .and_then(|l| l.records.last_mut())
                    .ok_or_else(unknown)?;
                match key_lower.as_str() {
                    "name" => record.name = Some(argument.trim().to_string()),
                    "label" => record.label = first_label(argument),
                    "recordtypevalue" => record.type_value = unquote(argument),
                    "required" => record.required = yes(argument),
                    "maxrecords" => {
                        record.max_records = u32::try_from(number(key)?)
                            .map_err(|_| err(format!("{key} is too large")))?
                    }
                    "note" | "alias" | "recordlen" | "occurrencelabel" | "occurencelabel" => {}
                    _ => return Err(unknown()),
                }
            }
            Section::Item { ids } => {
                let item = current_item(&mut dict, ids).ok_or_else(unknown)?;
                match key_lower.as_str() {
                    "name" => item.name = Some(argument.trim().to_string()),
                    "label" => item.label = first_label(argument),
                    "start" => item.start = Some(number(key)?),
                    "len" => item.len = Some(number(key)?),
                    "datatype" => {
                        item.content = match argument.trim().to_ascii_lowercase().as_str() {
                            "numeric" => Content::Numeric,
                            "alpha" => Content::Alpha,
                            "image" | "audio" | "document" | "geometry" => {
                                Content::Binary(argument.trim().to_string())
                            }
                            other => {
                                return Err(err(format!(
                                    "DataType={other} is not Numeric, Alpha or a binary type"
                                )))
                            }
                        }
                    }
                    "itemtype" => item.subitem = argument.trim().eq_ignore_ascii_case("subitem"),
                    "occurrences" => {
                        item.occurrences = u32::try_from(number(key)?)
                            .map_err(|_| err(format!("{key} is too large")))?
                    }
                    "decimal" => {
                        item.decimals = u32::try_from(number(key)?)
                            .map_err(|_| err(format!("{key} is too large")))?
                    }
                    "decimalchar" => item.decimal_char = yes(argument),
                    "zerofill" => item.zero_fill = yes(argument),
                    "occurrencelabel" | "occurencelabel" => {
                        if let Some((k, label)) = argument.split_once([',', ':']) {
                            if let (Ok(k), Some(label)) =
                                (k.trim().parse::<u32>(), first_label(label))
                            {
                                item.occurrence_labels.insert(k, label);
                            }
                        }
                    }
                    "note" | "alias" | "capturetype" | "capturedateformat" => {}
                    _ => return Err(unknown()),
                }
            }
            Section::ValueSet { ids, after_value } => {
                let item = current_item(&mut dict, ids).ok_or_else(unknown)?;
                let item_name = item.describe();
                let (Some(set), Some(lines)) =
                    (item.value_sets.last_mut(), item.value_lines.last_mut())
                else {
                    return Err(unknown());
                };
                match (key_lower.as_str(), after_value) {
                    ("value", _) => {
                        let value = parse_value_line(argument).map_err(|why| {
                            err(format!("Value={argument} of item {item_name}: {why}"))
                        })?;
                        set.values.push(value);
                        lines.push(line_no);
                        section = Section::ValueSet {
                            ids,
                            after_value: true,
                        };
                    }
                    ("name", false) => set.name = argument.trim().to_string(),
                    ("label", false) => set.label = first_label(argument),
                    ("note" | "alias" | "link", false) => {}
                    ("name", true) => {
                        let special_name = argument.split(',').next().unwrap_or("");
                        let special = Special::from_name(special_name).ok_or_else(|| {
                            err(format!("Name={argument}: {special_name:?} is not MISSING, REFUSED, DEFAULT or NOTAPPL"))
                        })?;
                        if let Some(value) = set.values.last_mut() {
                            value.special = Some(special);
                        }
                    }
                    ("label", true) => {
                        if let Some(value) = set.values.last_mut() {
                            value.label = first_label(argument);
                        }
                    }
                    ("note" | "image" | "textcolor", true) => {}
                    _ => return Err(unknown()),
                }
            }
        }
    }
    Ok(dict)
}

/// The item being defined: the last id item of the last level, or the last item of its
/// last record.
fn current_item(dict: &mut RawDictionary, ids: bool) -> Option<&mut RawItem> {
    let level = dict.levels.last_mut()?;
    if ids {
        level.ids.last_mut()
    } else {
        level.records.last_mut()?.items.last_mut()
    }
}

// ---------------------------------------------------------------------------------------
// The JSON form (CSPro 8.0 on), following CDictItem/CDictRecord/DictLevel::CreateFromJson.

struct JsonCtx<'a> {
    path: &'a Path,
}

impl JsonCtx<'_> {
    fn err(&self, at: &str, message: impl std::fmt::Display) -> Error {
        dictionary_error(self.path, 0, format!("{at}: {message}"))
    }

    fn object<'j>(&self, node: &'j Json, at: &str) -> Result<&'j serde_json::Map<String, Json>> {
        node.as_object()
            .ok_or_else(|| self.err(at, "expected an object"))
    }

    fn array<'j>(&self, node: &'j Json, key: &str, at: &str) -> Result<&'j [Json]> {
        match node.get(key) {
            None => Ok(&[]),
            Some(Json::Array(items)) => Ok(items),
            Some(_) => Err(self.err(at, format!("\"{key}\" must be an array"))),
        }
    }

    fn string(&self, node: &Json, key: &str, at: &str) -> Result<Option<String>> {
        match node.get(key) {
            None | Some(Json::Null) => Ok(None),
            Some(Json::String(s)) => Ok(Some(s.clone())),
            Some(Json::Number(n)) => Ok(Some(n.to_string())),
            Some(_) => Err(self.err(at, format!("\"{key}\" must be a string"))),
        }
    }

    fn count(&self, node: &Json, key: &str, at: &str) -> Result<Option<usize>> {
        match node.get(key) {
            None | Some(Json::Null) => Ok(None),
            Some(v) => v
                .as_u64()
                .and_then(|n| usize::try_from(n).ok())
                .filter(|&n| n <= MAX_COUNT)
                .map(Some)
                .ok_or_else(|| {
                    self.err(
                        at,
                        format!("\"{key}\" must be a whole number up to {MAX_COUNT}, not {v}"),
                    )
                }),
        }
    }

    fn flag(&self, node: &Json, key: &str, at: &str) -> Result<Option<bool>> {
        match node.get(key) {
            None | Some(Json::Null) => Ok(None),
            Some(Json::Bool(b)) => Ok(Some(*b)),
            Some(v) => Err(self.err(at, format!("\"{key}\" must be true or false, not {v}"))),
        }
    }

    /// The first label's text (`"labels": [ { "text": ".." } ]`).
    fn label(&self, node: &Json, at: &str) -> Result<Option<String>> {
        let labels = self.array(node, "labels", at)?;
        match labels.first() {
            None => Ok(None),
            Some(first) => Ok(self
                .string(first, "text", &format!("{at}.labels[0]"))?
                .filter(|t| !t.is_empty())),
        }
    }

    fn item(&self, node: &Json, at: &str, default_zero_fill: bool) -> Result<RawItem> {
        self.object(node, at)?;
        let mut item = RawItem::new(0);
        item.name = self.string(node, "name", at)?;
        let at = match &item.name {
            Some(name) => format!("{at} ({name})"),
            None => at.to_string(),
        };
        let at = at.as_str();
        item.label = self.label(node, at)?;
        if let Some(occurrences) = node.get("occurrences") {
            item.occurrences = self
                .count(occurrences, "maximum", &format!("{at}.occurrences"))?
                .ok_or_else(|| self.err(at, "\"occurrences\" has no \"maximum\""))?
                as u32;
        }
        let content = self
            .string(node, "contentType", at)?
            .ok_or_else(|| self.err(at, "no \"contentType\""))?;
        item.content = match content.to_ascii_lowercase().as_str() {
            "numeric" => Content::Numeric,
            "alpha" => Content::Alpha,
            "image" | "audio" | "document" | "geometry" => Content::Binary(content.clone()),
            other => {
                return Err(self.err(
                    at,
                    format!("contentType \"{other}\" is not numeric, alpha or a binary type"),
                ))
            }
        };
        if matches!(item.content, Content::Binary(_)) {
            item.len = Some(1);
        } else {
            item.subitem = self.flag(node, "subitem", at)?.unwrap_or(false);
            item.len = Some(
                self.count(node, "length", at)?
                    .ok_or_else(|| self.err(at, "no \"length\""))?,
            );
        }
        item.start = self.count(node, "start", at)?;
        item.subitem_offset = self.count(node, "subitemOffset", at)?;
        if item.content == Content::Numeric {
            if let Some(decimals) = self.count(node, "decimals", at)? {
                item.decimals = decimals as u32;
                if decimals > 0 {
                    item.decimal_char = self.flag(node, "decimalMark", at)?.ok_or_else(|| {
                        self.err(at, "\"decimals\" above 0 needs \"decimalMark\"")
                    })?;
                }
            }
            item.zero_fill = self
                .flag(node, "zeroFill", at)?
                .unwrap_or(default_zero_fill);
        }
        for (s, set) in self.array(node, "valueSets", at)?.iter().enumerate() {
            let set_at = format!("{at}.valueSets[{s}]");
            let mut value_set = ValueSet {
                name: self.string(set, "name", &set_at)?.unwrap_or_default(),
                label: self.label(set, &set_at)?,
                values: Vec::new(),
            };
            for (v, value) in self.array(set, "values", &set_at)?.iter().enumerate() {
                let value_at = format!("{set_at}.values[{v}]");
                let special = match self.string(value, "special", &value_at)? {
                    None => None,
                    Some(name) => Some(Special::from_name(&name).ok_or_else(|| {
                        self.err(
                            &value_at,
                            format!(
                                "special \"{name}\" is not MISSING, REFUSED, DEFAULT or NOTAPPL"
                            ),
                        )
                    })?),
                };
                let mut pairs = Vec::new();
                for (p, pair) in self.array(value, "pairs", &value_at)?.iter().enumerate() {
                    let pair_at = format!("{value_at}.pairs[{p}]");
                    if let Some(single) = self.string(pair, "value", &pair_at)? {
                        pairs.push((single, None));
                    } else {
                        let range = self.array(pair, "range", &pair_at)?;
                        let bound = |i: usize| match range.get(i) {
                            Some(Json::String(s)) => Ok(s.clone()),
                            Some(Json::Number(n)) => Ok(n.to_string()),
                            _ => {
                                Err(self
                                    .err(&pair_at, "expected \"value\" or a two-element \"range\""))
                            }
                        };
                        if range.len() != 2 {
                            return Err(
                                self.err(&pair_at, "expected \"value\" or a two-element \"range\"")
                            );
                        }
                        pairs.push((bound(0)?, Some(bound(1)?)));
                    }
                }
                if pairs.is_empty() {
                    // A NOTAPPL value may have no pair: it is the blank field.
                    pairs.push((String::new(), None));
                }
                value_set.values.push(DictValue {
                    label: self.label(value, &value_at)?,
                    pairs,
                    special,
                });
            }
            item.value_lines.push(vec![0; value_set.values.len()]);
            item.value_sets.push(value_set);
        }
        Ok(item)
    }
}

fn parse_json(text: &str, path: &Path) -> Result<RawDictionary> {
    let root: Json = serde_json::from_str(text)
        .map_err(|e| dictionary_error(path, e.line() as u64, format!("not valid JSON: {e}")))?;
    let ctx = JsonCtx { path };
    ctx.object(&root, "the dictionary")?;
    if let Some(kind) = ctx.string(&root, "fileType", "the dictionary")? {
        if kind != "dictionary" {
            return Err(ctx.err("fileType", format!("\"{kind}\" is not a dictionary")));
        }
    }
    let mut dict = RawDictionary {
        format: Some(DictionaryFormat::Json),
        ..RawDictionary::default()
    };
    dict.name = ctx.string(&root, "name", "the dictionary")?;
    dict.label = ctx.label(&root, "the dictionary")?;
    dict.version = root.get("version").map(|v| match v {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    });
    if let Some(record_type) = root.get("recordType") {
        dict.record_type_start = ctx.count(record_type, "start", "recordType")?.unwrap_or(0);
        dict.record_type_len = ctx.count(record_type, "length", "recordType")?.unwrap_or(0);
    }
    dict.relative = ctx
        .flag(&root, "relativePositions", "the dictionary")?
        .unwrap_or(false);
    let default_zero_fill = match root.get("defaults") {
        Some(defaults) => ctx.flag(defaults, "zeroFill", "defaults")?.unwrap_or(false),
        None => false,
    };
    for (l, level) in ctx
        .array(&root, "levels", "the dictionary")?
        .iter()
        .enumerate()
    {
        let at = format!("levels[{l}]");
        ctx.object(level, &at)?;
        let mut raw_level = RawLevel {
            name: ctx.string(level, "name", &at)?,
            label: ctx.label(level, &at)?,
            ..RawLevel::default()
        };
        let ids = level.get("ids").ok_or_else(|| ctx.err(&at, "no \"ids\""))?;
        for (i, item) in ctx.array(ids, "items", &at)?.iter().enumerate() {
            raw_level.ids.push(ctx.item(
                item,
                &format!("{at}.ids.items[{i}]"),
                default_zero_fill,
            )?);
        }
        for (r, record) in ctx.array(level, "records", &at)?.iter().enumerate() {
            let record_at = format!("{at}.records[{r}]");
            ctx.object(record, &record_at)?;
            let mut raw = RawRecord::new(0);
            raw.name = ctx.string(record, "name", &record_at)?;
            raw.label = ctx.label(record, &record_at)?;
            raw.type_value = ctx
                .string(record, "recordType", &record_at)?
                .unwrap_or_default();
            if let Some(occurrences) = record.get("occurrences") {
                raw.required = ctx
                    .flag(occurrences, "required", &record_at)?
                    .unwrap_or(true);
                raw.max_records =
                    ctx.count(occurrences, "maximum", &record_at)?.unwrap_or(1) as u32;
            }
            for (i, item) in ctx.array(record, "items", &record_at)?.iter().enumerate() {
                raw.items.push(ctx.item(
                    item,
                    &format!("{record_at}.items[{i}]"),
                    default_zero_fill,
                )?);
            }
            raw_level.records.push(raw);
        }
        dict.levels.push(raw_level);
    }
    Ok(dict)
}
