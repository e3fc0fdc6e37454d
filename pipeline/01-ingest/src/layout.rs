//! Source layouts: national variables and codes onto the core record, as data.
//!
//! `[input] layout` in the config is `core` (the file is in the core record: the identity),
//! the name of a built-in layout (`schemas/layouts/NAME.toml`, bundled into the binary
//! with the code lists it uses), or the path of a layout file (relative to the config).
//! A layout says how to read the text file ([`Dialect`]: delimiter, quote, encoding) and,
//! for each core-record column, where its value comes from. The format is documented in
//! `schemas/layouts/README.md`; in short:
//!
//! ```toml
//! [layout]
//! name = "eu-lfs"
//! [file]
//! delimiter = ";"
//! encoding = "latin-1"            # utf-8 (default), latin-1, windows-1252
//! [columns.sex]
//! from = "SEX"
//! map = { "1" = "M", "2" = "F" }
//! missing = ["9"]
//! [columns.country_of_birth]
//! from = "COUNTRYB"
//! codelist = "iso3166_alpha2.csv"  # codelists/NAME.csv: national code -> alpha-3
//! [columns.age]
//! from = "YEARBIR"
//! derive = "years_before_reference" # reference year - value
//! [columns.weight]
//! from = "PERWT"
//! divide = 100
//! [columns.usual_resident]
//! value = "Y"
//! ```
//!
//! The mapper turns each national record into core-record text, which then goes through
//! exactly the same rules as a core-record file ([`crate::validate`]); a reject there
//! names the national column (`COUNTRYB`), not the core one. A national value the layout
//! cannot map is a `layout.code` reject, a number the layout must compute with that is not
//! one a `layout.not_a_number` reject; either way the record is not checked further.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use migstat_artefacts::config::{Config, Design, Freq, TimePeriod};
use migstat_artefacts::rejects::Reject;
use migstat_artefacts::{Error, Result};
use serde::Deserialize;

use crate::columns::{InputNames, COLUMNS};
use crate::rules;
use crate::source::file_reject;

macro_rules! repo_file {
    ($path:literal) => {
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../", $path))
    };
}

/// The built-in layouts: (name, path in the repository, text).
pub const BUILTIN_LAYOUTS: &[(&str, &str, &str)] = &[
    (
        "eu-lfs",
        "schemas/layouts/eu-lfs.toml",
        repo_file!("schemas/layouts/eu-lfs.toml"),
    ),
    (
        "ipums-international",
        "schemas/layouts/ipums-international.toml",
        repo_file!("schemas/layouts/ipums-international.toml"),
    ),
];

/// The code lists layouts may name without a path: (file name, text of `codelists/NAME`).
pub const BUNDLED_CODELISTS: &[(&str, &str)] = &[
    (
        "iso3166_alpha2.csv",
        repo_file!("codelists/iso3166_alpha2.csv"),
    ),
    (
        "ipums_bplcountry.csv",
        repo_file!("codelists/ipums_bplcountry.csv"),
    ),
];

/// The text encodings a layout can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
pub enum Encoding {
    /// UTF-8 (a byte-order mark is skipped); invalid bytes are `csv.utf8` rejects.
    #[default]
    #[serde(rename = "utf-8")]
    Utf8,
    /// ISO-8859-1: every byte is the code point of the same number.
    #[serde(rename = "latin-1")]
    Latin1,
    /// Windows-1252: Latin-1 with printable characters at 0x80..0x9F (`€`, `Œ`, ...).
    #[serde(rename = "windows-1252")]
    Windows1252,
}

impl Encoding {
    /// The text of `bytes`; `None` when they are not valid UTF-8 (the single-byte
    /// encodings decode every byte). The one decoder of migstat-microdata does the work.
    pub fn decode(self, bytes: &[u8]) -> Option<Cow<'_, str>> {
        migstat_microdata::Encoding::from(self).decode(bytes)
    }
}

impl From<Encoding> for migstat_microdata::Encoding {
    fn from(e: Encoding) -> Self {
        match e {
            Encoding::Utf8 => migstat_microdata::Encoding::Utf8,
            Encoding::Latin1 => migstat_microdata::Encoding::Latin1,
            Encoding::Windows1252 => migstat_microdata::Encoding::Windows1252,
        }
    }
}

impl Encoding {
    /// The encoding of an `[input] encoding` or `[file] encoding` value.
    pub fn from_config(name: &str) -> Option<Encoding> {
        match name {
            "utf-8" => Some(Encoding::Utf8),
            "latin-1" => Some(Encoding::Latin1),
            "windows-1252" => Some(Encoding::Windows1252),
            _ => None,
        }
    }
}

/// How a delimited text file is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dialect {
    /// The field separator.
    pub delimiter: u8,
    /// The quote character; `None` = fields are never quoted.
    pub quote: Option<u8>,
    /// The text encoding.
    pub encoding: Encoding,
}

impl Default for Dialect {
    /// The core record: UTF-8, comma-separated, `"` quotes.
    fn default() -> Self {
        Dialect {
            delimiter: b',',
            quote: Some(b'"'),
            encoding: Encoding::Utf8,
        }
    }
}

// ---- The file format ------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLayout {
    layout: RawMeta,
    #[serde(default)]
    file: RawFile,
    columns: BTreeMap<String, RawColumn>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMeta {
    name: String,
    #[serde(default)]
    #[allow(dead_code)] // documentation for people
    description: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default = "comma")]
    delimiter: String,
    #[serde(default = "double_quote")]
    quote: String,
    #[serde(default)]
    encoding: Encoding,
}

impl Default for RawFile {
    fn default() -> Self {
        RawFile {
            delimiter: comma(),
            quote: double_quote(),
            encoding: Encoding::Utf8,
        }
    }
}

fn comma() -> String {
    ",".into()
}
fn double_quote() -> String {
    "\"".into()
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawColumn {
    from: Option<OneOrMany>,
    join: Option<String>,
    value: Option<String>,
    #[serde(default)]
    optional: bool,
    #[serde(default)]
    missing: Vec<String>,
    #[serde(default)]
    map: BTreeMap<String, String>,
    codelist: Option<String>,
    #[serde(default)]
    unmapped: Unmapped,
    derive: Option<Derive>,
    divide: Option<u64>,
    #[serde(default)]
    when: Vec<RawWhen>,
    #[serde(default)]
    labels: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWhen {
    column: String,
    #[serde(rename = "in")]
    values: Vec<String>,
    value: String,
}

/// What to do with a national value that neither `map` nor `codelist` knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
enum Unmapped {
    /// A `layout.code` reject.
    #[default]
    Reject,
    /// Keep the value as it is (the core-record rules then check it).
    Keep,
}

/// Values computed from a number or date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Derive {
    /// The reference year minus the value: age from a birth year, year of arrival from
    /// years since arrival.
    YearsBeforeReference,
    /// Completed years between a date (`YYYY-MM-DD` or `YYYYMMDD`) and the last day of the
    /// reference period: age from a birth date.
    AgeAtReference,
}

/// One core column's recipe, checked.
#[derive(Debug, Clone)]
struct ColumnSpec {
    core: usize,
    key: String,
    from: Vec<String>,
    join: String,
    value: Option<String>,
    optional: bool,
    missing: HashSet<String>,
    map: HashMap<String, String>,
    codelist: Option<Arc<HashMap<String, String>>>,
    unmapped: Unmapped,
    derive: Option<Derive>,
    divide_digits: u32,
    when: Vec<(String, HashSet<String>, String)>,
    /// Map on the value labels of a typed file (.sav, .dta, a dictionary's value sets)
    /// rather than on the codes.
    labels: bool,
}

/// A loaded, checked layout.
#[derive(Debug, Clone)]
pub struct Layout {
    /// `[layout] name`.
    pub name: String,
    /// Where it came from (for messages): `schemas/layouts/NAME.toml` or the file.
    pub file: PathBuf,
    /// How the text is written.
    pub dialect: Dialect,
    columns: Vec<ColumnSpec>,
}

impl Layout {
    /// The layout `config` chooses: `None` for `core`.
    pub fn for_config(config: &Config) -> Result<Option<Layout>> {
        if let Some(path) = &config.input.layout_file {
            let text = std::fs::read_to_string(path)
                .map_err(|e| Error::config(path, format!("cannot read the layout file: {e}")))?;
            return Layout::parse(&text, path, path.parent()).map(Some);
        }
        Layout::builtin(&config.input.layout)
    }

    /// A built-in layout by name; `None` for `core`.
    pub fn builtin(name: &str) -> Result<Option<Layout>> {
        if name == "core" {
            return Ok(None);
        }
        let (_, path, text) = BUILTIN_LAYOUTS
            .iter()
            .find(|(n, _, _)| *n == name)
            .ok_or_else(|| {
                Error::config("input.layout", format!("{name:?} is not a built-in layout"))
            })?;
        Layout::parse(text, Path::new(path), None).map(Some)
    }

    /// Parses layout text read from `file`; code lists not bundled are read relative to
    /// `folder`. Every problem is a config error naming the key.
    pub fn parse(text: &str, file: &Path, folder: Option<&Path>) -> Result<Layout> {
        let err = |msg: String| Error::config(file, msg);
        let raw: RawLayout = toml::from_str(text).map_err(|e| {
            err(format!(
                "layout: {}",
                e.to_string().trim_end().replace('\n', "\n  ")
            ))
        })?;
        let one_byte = |key: &str, v: &str, empty_ok: bool| -> Result<Option<u8>> {
            match v.as_bytes() {
                [] if empty_ok => Ok(None),
                [b] if b.is_ascii() && *b != b'\n' && *b != b'\r' => Ok(Some(*b)),
                _ => Err(err(format!(
                    "file.{key} = {v:?}: expected one ASCII character{}",
                    if empty_ok { " (or \"\" for none)" } else { "" }
                ))),
            }
        };
        let delimiter = one_byte("delimiter", &raw.file.delimiter, false)?.expect("not empty");
        let quote = one_byte("quote", &raw.file.quote, true)?;
        if quote == Some(delimiter) {
            return Err(err(
                "file.quote: the same character as file.delimiter".into()
            ));
        }
        let mut columns = Vec::new();
        let mut lists: HashMap<String, Arc<HashMap<String, String>>> = HashMap::new();
        for (name, c) in raw.columns {
            let key = format!("columns.{name}");
            let core = COLUMNS
                .iter()
                .position(|col| col.name == name)
                .ok_or_else(|| {
                    err(format!(
                        "{key}: {name:?} is not a core-record column (known: {})",
                        COLUMNS.map(|c| c.name).join(", ")
                    ))
                })?;
            let from = match c.from {
                None => vec![],
                Some(OneOrMany::One(s)) => vec![s],
                Some(OneOrMany::Many(v)) => v,
            };
            match (&c.value, from.is_empty()) {
                (Some(_), false) => {
                    return Err(err(format!("{key}: either from or value, not both")))
                }
                (None, true) => {
                    return Err(err(format!(
                        "{key}: needs from (the national column) or value (a constant)"
                    )))
                }
                _ => {}
            }
            if from.iter().any(|f| f.trim().is_empty()) {
                return Err(err(format!("{key}.from: an empty column name")));
            }
            if from.len() > 1 && c.join.is_none() {
                return Err(err(format!(
                    "{key}.join: needed to join the {} columns of from",
                    from.len()
                )));
            }
            let divide_digits = match c.divide {
                None | Some(1) => 0,
                Some(d) => {
                    let digits = d.to_string();
                    if !(digits.starts_with('1') && digits[1..].bytes().all(|b| b == b'0')) {
                        return Err(err(format!(
                            "{key}.divide = {d}: expected a power of ten (10, 100, 1000, ...)"
                        )));
                    }
                    (digits.len() - 1) as u32
                }
            };
            let codelist = match &c.codelist {
                None => None,
                Some(list) => Some(match lists.get(list) {
                    Some(l) => l.clone(),
                    None => {
                        let l = Arc::new(
                            load_codelist(list, folder)
                                .map_err(|m| err(format!("{key}.codelist = {list:?}: {m}")))?,
                        );
                        lists.insert(list.clone(), l.clone());
                        l
                    }
                }),
            };
            let when = c
                .when
                .into_iter()
                .map(|w| (w.column, w.values.into_iter().collect(), w.value))
                .collect();
            columns.push(ColumnSpec {
                core,
                key,
                from,
                join: c.join.unwrap_or_default(),
                value: c.value,
                optional: c.optional,
                missing: c.missing.into_iter().collect(),
                map: c.map.into_iter().collect(),
                codelist,
                unmapped: c.unmapped,
                derive: c.derive,
                divide_digits,
                when,
                labels: c.labels,
            });
        }
        columns.sort_by_key(|c| c.core); // core-record order, for outputs and rejects
        for required in migstat_artefacts::schema::REQUIRED_CORE_COLUMNS {
            if !columns.iter().any(|c| COLUMNS[c.core].name == *required) {
                return Err(err(format!(
                    "columns.{required}: the required core-record column {required} is not mapped"
                )));
            }
        }
        Ok(Layout {
            name: raw.layout.name,
            file: file.to_path_buf(),
            dialect: Dialect {
                delimiter,
                quote,
                encoding: raw.file.encoding,
            },
            columns,
        })
    }

    /// The key of the first column that maps on value labels (`labels = true`), if any.
    pub(crate) fn labels_key(&self) -> Option<&str> {
        self.columns
            .iter()
            .find(|c| c.labels)
            .map(|c| c.key.as_str())
    }

    /// Checks the layout against what a typed file's dictionary says: a `divide` on a
    /// variable whose implied decimals the reader already placed (DDI `dcml`, CSPro
    /// `Decimal`) must be the same scaling (it is then not applied twice); any other is a
    /// config error naming the key and the variable.
    pub(crate) fn check_typed(&self, names: &[String], typed: &[Typed]) -> Result<()> {
        for spec in &self.columns {
            if spec.divide_digits == 0 {
                continue;
            }
            for from in &spec.from {
                let Some(at) = names.iter().position(|n| n == from) else {
                    continue;
                };
                if let Some(d) = typed[at].implied_decimals {
                    if d != spec.divide_digits {
                        return Err(Error::config(
                            &self.file,
                            format!(
                                "{}.divide = 1{}: the dictionary gives {from} {d} implied \
                                 decimal places, which the reader already places (divide \
                                 must be 1{} or left out)",
                                spec.key,
                                "0".repeat(spec.divide_digits as usize),
                                "0".repeat(d as usize)
                            ),
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    /// Matches the layout to a file's header. Every national column the layout needs and
    /// the file lacks is a `column.missing` reject naming it (an `optional` column is
    /// simply left out). Columns named like replicate weights (`[design]
    /// replicate_prefix`) are passed through as they are.
    ///
    /// `typed` (one entry per name) is what a .sav, .dta or dictionary says of each
    /// variable: codes of numeric variables are compared as numbers (the layout's `00000`
    /// or `01` match the values 0 and 1, which is how a typed file hands them out);
    /// `labels = true` columns map on the value labels; a `divide` whose scaling the
    /// reader already applied (implied decimals, see [`Layout::check_typed`]) is skipped.
    pub(crate) fn bind(
        &self,
        names: &[String],
        file: &str,
        design: &Design,
        survey: &SurveyRef,
        typed: Option<&[Typed]>,
    ) -> std::result::Result<Mapper, Vec<Reject>> {
        let at: HashMap<&str, usize> = names
            .iter()
            .enumerate()
            .rev()
            .map(|(i, n)| (n.as_str(), i))
            .collect();
        let input = InputNames::new(design);
        let mut outputs = Vec::new();
        let mut rejects = Vec::new();
        for spec in &self.columns {
            let core_name = COLUMNS[spec.core].name;
            let needed = spec.from.iter().chain(spec.when.iter().map(|w| &w.0));
            let mut missing: Vec<&String> =
                needed.filter(|n| !at.contains_key(n.as_str())).collect();
            missing.dedup();
            if !missing.is_empty() {
                if !spec.optional {
                    for m in missing {
                        rejects.push(file_reject(
                            file,
                            m,
                            "",
                            rules::COLUMN_MISSING,
                            format!(
                                "layout {} reads {core_name} from the column {m}, which is not \
                                 in the header ({})",
                                self.name, spec.key
                            ),
                        ));
                    }
                }
                continue;
            }
            let label = match (&spec.value, spec.from.as_slice()) {
                (Some(_), _) => format!("{core_name} (constant of layout {})", self.name),
                (None, [one]) => one.clone(),
                (None, many) => many.join("+"),
            };
            let positions: Vec<usize> = spec.from.iter().map(|n| at[n.as_str()]).collect();
            let numeric = |pos: usize| typed.is_some_and(|t| t[pos].numeric);
            let when = spec
                .when
                .iter()
                .map(|(c, set, v)| {
                    let v = v.replace("{ref_area}", &survey.ref_area);
                    let pos = at[c.as_str()];
                    let set = if numeric(pos) {
                        set.iter().map(|k| numeric_code(k)).collect()
                    } else {
                        set.clone()
                    };
                    (pos, set, v)
                })
                .collect();
            let mut spec = spec.clone();
            let labels = positions
                .iter()
                .map(|&p| match typed {
                    Some(t) if spec.labels => Some(t[p].labels.clone()),
                    _ => None,
                })
                .collect();
            if let Some(t) = typed {
                if !positions.is_empty() && positions.iter().all(|&p| t[p].numeric) {
                    spec.normalize_numeric_codes();
                }
                if positions.len() == 1 && t[positions[0]].implied_decimals.is_some() {
                    spec.divide_digits = 0; // placed by the reader (check_typed)
                }
            }
            outputs.push(Output {
                name: input.fixed(spec.core).to_string(),
                core: Some(spec.core),
                label,
                positions,
                when,
                labels,
                spec,
            });
        }
        let used: HashSet<usize> = outputs.iter().flat_map(|o| o.positions.clone()).collect();
        for (i, n) in names.iter().enumerate() {
            if input.replicate_number(n).is_some() && !used.contains(&i) {
                outputs.push(Output {
                    name: n.clone(),
                    core: None,
                    label: n.clone(),
                    positions: vec![i],
                    when: vec![],
                    labels: vec![None],
                    spec: ColumnSpec {
                        core: 0,
                        key: String::new(),
                        from: vec![n.clone()],
                        join: String::new(),
                        value: None,
                        optional: true,
                        missing: HashSet::new(),
                        map: HashMap::new(),
                        codelist: None,
                        unmapped: Unmapped::Keep,
                        derive: None,
                        divide_digits: 0,
                        when: vec![],
                        labels: false,
                    },
                });
            }
        }
        if rejects.is_empty() {
            Ok(Mapper {
                outputs,
                ref_year: survey.year,
                ref_date: survey.last_day,
            })
        } else {
            Err(rejects)
        }
    }
}

/// What the mapper needs to know of the survey.
#[derive(Debug, Clone)]
pub(crate) struct SurveyRef {
    pub ref_area: String,
    pub year: i32,
    /// The last day of the reference period (year, month, day).
    pub last_day: (i32, u32, u32),
}

impl SurveyRef {
    pub fn new(ref_area: &str, period: &TimePeriod) -> Self {
        let month = match period.freq {
            Freq::A => 12,
            Freq::Q => 3 * (period.text.as_bytes()[6] - b'0') as u32,
            Freq::M => period.text[6..8].parse().unwrap_or(12),
        };
        SurveyRef {
            ref_area: ref_area.to_string(),
            year: period.year,
            last_day: (period.year, month, days_in_month(period.year, month)),
        }
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A code list file: a CSV with a header and at least two columns, the national code and
/// the ISO alpha-3 code (more columns, such as a name, are ignored).
fn load_codelist(
    name: &str,
    folder: Option<&Path>,
) -> std::result::Result<HashMap<String, String>, String> {
    let owned;
    let text = match BUNDLED_CODELISTS.iter().find(|(n, _)| *n == name) {
        Some((_, text)) => *text,
        None => {
            let path = folder.map_or_else(|| PathBuf::from(name), |f| f.join(name));
            owned = std::fs::read_to_string(&path).map_err(|e| {
                format!(
                    "not a bundled code list ({}) and cannot read {}: {e}",
                    BUNDLED_CODELISTS
                        .iter()
                        .map(|c| c.0)
                        .collect::<Vec<_>>()
                        .join(", "),
                    path.display()
                )
            })?;
            &owned
        }
    };
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut out = HashMap::new();
    for (i, rec) in reader.records().enumerate() {
        let rec = rec.map_err(|e| e.to_string())?;
        match (rec.get(0), rec.get(1)) {
            (Some(code), Some(iso3)) if !code.trim().is_empty() => {
                out.insert(code.trim().to_string(), iso3.trim().to_string());
            }
            _ => return Err(format!("row {}: expected national_code,iso3", i + 1)),
        }
    }
    Ok(out)
}

/// One column the mapper makes.
#[derive(Debug, Clone)]
pub(crate) struct Output {
    /// Its input name as [`crate::source::Header::resolve`] expects it.
    pub name: String,
    /// The core column (`None` for a replicate weight passed through).
    pub core: Option<usize>,
    /// What rejects call it: the national column(s).
    pub label: String,
    positions: Vec<usize>,
    when: Vec<(usize, HashSet<String>, String)>,
    /// For each position, the variable's value labels when the column maps on them.
    labels: Vec<Option<Arc<BTreeMap<String, String>>>>,
    spec: ColumnSpec,
}

/// What a typed file (.sav, .dta, fixed width with a dictionary) says of one variable
/// beyond its name.
#[derive(Debug, Clone, Default)]
pub(crate) struct Typed {
    /// A numeric variable: its values come as numbers in their shortest form (`7`, not
    /// `007`), so the layout's codes are compared in that form too.
    pub numeric: bool,
    /// Its value labels, code (as the values come) -> label.
    pub labels: Arc<BTreeMap<String, String>>,
    /// The implied decimal places the reader has already placed (fixed-width only).
    pub implied_decimals: Option<u32>,
}

/// A code of the layout as a numeric variable's value reads: `00000` -> `0`, `01` -> `1`,
/// `+5` -> `5`, `2.50` -> `2.5` (the form migstat-microdata gives numbers). Anything else
/// (text, `1e5`, long digit strings beyond a double's precision) is left as it is.
fn numeric_code(code: &str) -> String {
    let body = code.trim().trim_start_matches(['+', '-']);
    let plain = !body.is_empty()
        && body.len() <= 15
        && body.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && body.bytes().filter(|&b| b == b'.').count() <= 1
        && body != ".";
    match code.trim().parse::<f64>() {
        Ok(x) if plain => migstat_microdata::format_number(x).unwrap_or_else(|| code.to_string()),
        _ => code.to_string(),
    }
}

impl ColumnSpec {
    /// Rewrites the codes of `missing`, `map` and `codelist` as a numeric variable's values
    /// read (see [`numeric_code`]).
    fn normalize_numeric_codes(&mut self) {
        self.missing = self.missing.iter().map(|c| numeric_code(c)).collect();
        self.map = self
            .map
            .iter()
            .map(|(k, v)| (numeric_code(k), v.clone()))
            .collect();
        if let Some(list) = &self.codelist {
            if list.keys().any(|k| numeric_code(k) != *k) {
                self.codelist = Some(Arc::new(
                    list.iter()
                        .map(|(k, v)| (numeric_code(k), v.clone()))
                        .collect(),
                ));
            }
        }
    }
}

/// A layout bound to a file's header.
#[derive(Debug, Clone)]
pub(crate) struct Mapper {
    pub outputs: Vec<Output>,
    ref_year: i32,
    ref_date: (i32, u32, u32),
}

/// Why a value could not be mapped: (output, national value, rule, message).
pub(crate) type MapProblem = (usize, String, &'static str, String);

impl Mapper {
    /// The input names of the columns made, in order (for `Header::resolve`).
    pub fn names(&self) -> Vec<String> {
        self.outputs.iter().map(|o| o.name.clone()).collect()
    }

    /// The national positions every output reads (for decoding checks).
    pub fn used_positions(&self) -> Vec<usize> {
        let mut p: Vec<usize> = self
            .outputs
            .iter()
            .flat_map(|o| {
                o.positions
                    .iter()
                    .copied()
                    .chain(o.when.iter().map(|w| w.0))
            })
            .collect();
        p.sort_unstable();
        p.dedup();
        p
    }

    /// Maps one record (its decoded fields) into `out`, one value per output.
    pub fn map(
        &self,
        fields: &[Cow<'_, str>],
        out: &mut Vec<String>,
    ) -> std::result::Result<(), Vec<MapProblem>> {
        out.clear();
        let mut problems = Vec::new();
        for (i, o) in self.outputs.iter().enumerate() {
            match self.map_one(o, fields) {
                Ok(v) => out.push(v),
                Err((value, rule, message)) => {
                    out.push(String::new());
                    problems.push((i, value, rule, message));
                }
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }

    fn map_one(
        &self,
        o: &Output,
        fields: &[Cow<'_, str>],
    ) -> std::result::Result<String, (String, &'static str, String)> {
        let s = &o.spec;
        if let Some(v) = &s.value {
            return Ok(v.clone());
        }
        for (pos, set, value) in &o.when {
            if set.contains(fields[*pos].trim()) {
                return Ok(value.clone());
            }
        }
        // The value of the k-th `from` column: its code, or with `labelled`, its value
        // label when it has one (a code without a label stays a code).
        let part = |k: usize, labelled: bool| -> &str {
            let code = fields[o.positions[k]].trim();
            match &o.labels[k] {
                Some(labels) if labelled => labels.get(code).map_or(code, |l| l.trim()),
                _ => code,
            }
        };
        let joined = |labelled: bool| -> String {
            match o.positions.len() {
                1 => part(0, labelled).to_string(),
                n => {
                    let parts: Vec<&str> = (0..n).map(|k| part(k, labelled)).collect();
                    if parts.iter().all(|p| p.is_empty()) {
                        String::new()
                    } else {
                        parts.join(&s.join)
                    }
                }
            }
        };
        let code = joined(false);
        if code.is_empty() || s.missing.contains(&code) {
            return Ok(String::new());
        }
        // With `labels = true`, `missing` may name the code (above) or its label.
        let raw = if s.labels { joined(true) } else { code.clone() };
        if s.missing.contains(&raw) {
            return Ok(String::new());
        }
        if let Some(v) = s.map.get(&raw) {
            return Ok(v.clone());
        }
        if let Some(v) = s.codelist.as_ref().and_then(|l| l.get(&raw)) {
            return Ok(v.clone());
        }
        if (!s.map.is_empty() || s.codelist.is_some()) && s.unmapped == Unmapped::Reject {
            let what = if raw == code {
                format!("{raw:?} is not a code")
            } else {
                format!("{raw:?} (the value label of {code}) is not a value label")
            };
            return Err((
                code.clone(),
                rules::LAYOUT_CODE,
                format!(
                    "{what} of {} in the layout ({}); known: {}",
                    o.label,
                    s.key,
                    known_codes(s)
                ),
            ));
        }
        let not_a_number = |what: &str| {
            Err((
                raw.clone(),
                rules::LAYOUT_NOT_A_NUMBER,
                format!("{} must be {what} ({})", o.label, s.key),
            ))
        };
        let value = match s.derive {
            None => raw.clone(),
            Some(Derive::YearsBeforeReference) => {
                if raw.is_empty() || raw.len() > 9 || !raw.bytes().all(|b| b.is_ascii_digit()) {
                    return not_a_number("a whole number of years");
                }
                let n: i64 = raw.parse().expect("digits");
                (i64::from(self.ref_year) - n).to_string()
            }
            Some(Derive::AgeAtReference) => match parse_date(&raw) {
                Some((y, m, d)) => {
                    let (ry, rm, rd) = self.ref_date;
                    let before = (rm, rd) < (m, d);
                    (ry - y - i32::from(before)).to_string()
                }
                None => return not_a_number("a date YYYY-MM-DD or YYYYMMDD"),
            },
        };
        if s.divide_digits == 0 {
            return Ok(value);
        }
        match shift_decimal(&value, s.divide_digits) {
            Some(v) => Ok(v),
            None => not_a_number("a decimal number (digits and at most one .)"),
        }
    }
}

fn known_codes(s: &ColumnSpec) -> String {
    let mut codes: Vec<&str> = s.map.keys().map(String::as_str).collect();
    codes.sort_unstable();
    let mut text = codes.join(", ");
    if s.codelist.is_some() {
        if !text.is_empty() {
            text.push_str(", ");
        }
        text.push_str("and the codes of its code list");
    }
    text
}

fn parse_date(s: &str) -> Option<(i32, u32, u32)> {
    let digits: String = match s.len() {
        10 if s.as_bytes()[4] == b'-' && s.as_bytes()[7] == b'-' => {
            format!("{}{}{}", &s[..4], &s[5..7], &s[8..])
        }
        8 => s.to_string(),
        _ => return None,
    };
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let y: i32 = digits[..4].parse().ok()?;
    let m: u32 = digits[4..6].parse().ok()?;
    let d: u32 = digits[6..].parse().ok()?;
    ((1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m)).then_some((y, m, d))
}

/// `value` divided by 10^`digits`, exactly, as text: the decimal point moves left
/// (`21021` / 100 = `210.21`, `5` / 100 = `0.05`). `None` when `value` is not digits with
/// at most one `.` (and an optional leading `-`).
fn shift_decimal(value: &str, digits: u32) -> Option<String> {
    let (sign, body) = match value.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", value),
    };
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    if int.is_empty() && frac.is_empty()
        || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let d = digits as usize;
    let padded = format!("{}{int}", "0".repeat(d.saturating_sub(int.len())));
    let (new_int, moved) = padded.split_at(padded.len() - d);
    let new_int = if new_int.is_empty() { "0" } else { new_int };
    Some(format!("{sign}{new_int}.{moved}{frac}"))
}

/// The problems of a record as rejects.
pub(crate) fn problem_rejects(
    mapper: &Mapper,
    problems: Vec<MapProblem>,
    file: &str,
    row: u64,
    line: Option<u64>,
    rejects: &mut Vec<Reject>,
) {
    for (i, value, rule, message) in problems {
        rejects.push(Reject {
            file: file.to_string(),
            row: Some(row),
            line,
            column: mapper.outputs[i].label.clone(),
            value,
            rule,
            message,
        });
    }
}

/// Renames the reject-facing names of a header's columns to the national columns.
pub(crate) fn label_header(mapper: &Mapper, header: &mut crate::source::Header) {
    for o in &mapper.outputs {
        if let Some(core) = o.core {
            header.columns[core] = o.label.clone();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout(body: &str) -> Result<Layout> {
        let base = "[layout]\nname = \"t\"\n\
             [columns.person_id]\nfrom = \"ID\"\n\
             [columns.weight]\nfrom = \"W\"\ndivide = 100\n\
             [columns.sex]\nfrom = \"S\"\nmap = { \"1\" = \"M\", \"2\" = \"F\" }\nmissing = [\"9\"]\n\
             [columns.age]\nfrom = \"B\"\nderive = \"years_before_reference\"\nmissing = [\"9999\"]\n\
             [columns.country_of_birth]\nfrom = \"C\"\ncodelist = \"iso3166_alpha2.csv\"\n\
             map = { \"UK\" = \"GBR\", \"NAT\" = \"PHL\" }\n\
             [columns.citizenship]\nfrom = \"N\"\ncodelist = \"ipums_bplcountry.csv\"\n\
             when = [{ column = \"CIT\", in = [\"1\", \"2\"], value = \"{ref_area}\" }]\n\
             [columns.lfs_status]\nvalue = \"OLF\"\n";
        Layout::parse(&format!("{base}{body}"), Path::new("t.toml"), None)
    }

    fn survey() -> SurveyRef {
        SurveyRef::new("PHL", &TimePeriod::parse("2024-Q2").unwrap())
    }

    fn names(s: &str) -> Vec<String> {
        s.split(',').map(String::from).collect()
    }

    fn map(m: &Mapper, rec: &str) -> std::result::Result<Vec<String>, Vec<MapProblem>> {
        let fields: Vec<Cow<str>> = rec.split(',').map(Cow::Borrowed).collect();
        let mut out = vec![];
        m.map(&fields, &mut out).map(|_| out)
    }

    #[test]
    fn values_are_mapped_derived_scaled_and_looked_up() {
        let l = layout("").unwrap();
        let m = l
            .bind(
                &names("ID,W,S,B,C,N,CIT"),
                "f",
                &Design::default(),
                &survey(),
                None,
            )
            .unwrap();
        let order: Vec<&str> = m.outputs.iter().map(|o| o.name.as_str()).collect();
        assert_eq!(
            order,
            [
                "person_id",
                "weight",
                "sex",
                "age",
                "country_of_birth",
                "citizenship",
                "lfs_status"
            ]
        );
        let got = map(&m, "p1,21021,2,1990,DE,24040,4").unwrap();
        assert_eq!(got, ["p1", "210.21", "F", "34", "DEU", "USA", "OLF"]);
        let got = map(&m, "p2,5,9,9999,UK,,1").unwrap();
        assert_eq!(got, ["p2", "0.05", "", "", "GBR", "PHL", "OLF"]);
        let p = map(&m, "p3,1e2,3,19x0,ZZ,24040,4").unwrap_err();
        let rules: Vec<(&str, &str)> = p.iter().map(|p| (p.2, p.1.as_str())).collect();
        assert_eq!(
            rules,
            [
                (rules::LAYOUT_NOT_A_NUMBER, "1e2"),
                (rules::LAYOUT_CODE, "3"),
                (rules::LAYOUT_NOT_A_NUMBER, "19x0"),
                (rules::LAYOUT_CODE, "ZZ"),
            ]
        );
        assert!(p[1].3.contains("known: 1, 2"), "{}", p[1].3);
    }

    #[test]
    fn missing_national_columns_are_rejects_unless_optional() {
        let l = layout("[columns.year_of_arrival]\nfrom = \"YR\"\noptional = true\n").unwrap();
        let r = l
            .bind(
                &names("ID,W,S,B,N"),
                "f",
                &Design::default(),
                &survey(),
                None,
            )
            .unwrap_err();
        let cols: Vec<(&str, &str)> = r.iter().map(|r| (r.rule, r.column.as_str())).collect();
        assert_eq!(
            cols,
            [(rules::COLUMN_MISSING, "C"), (rules::COLUMN_MISSING, "CIT")]
        );
        assert!(
            r[0].message.contains("columns.country_of_birth"),
            "{}",
            r[0].message
        );
        let m = l
            .bind(
                &names("ID,W,S,B,C,N,CIT,repwt_1"),
                "f",
                &Design::default(),
                &survey(),
                None,
            )
            .unwrap();
        assert!(m.names().contains(&"repwt_1".to_string()));
        assert!(!m.names().contains(&"year_of_arrival".to_string()));
    }

    #[test]
    fn a_wrong_layout_is_a_config_error_naming_the_key() {
        for (body, key) in [
            ("[columns.sex2]\nfrom = \"X\"\n", "columns.sex2"),
            ("[columns.household_id]\n", "columns.household_id"),
            (
                "[columns.household_id]\nfrom = \"H\"\nvalue = \"x\"\n",
                "columns.household_id",
            ),
            (
                "[columns.household_id]\nfrom = [\"H\", \"P\"]\n",
                "columns.household_id.join",
            ),
            ("[columns.household_id]\nfrom = \"H\"\nmapp = {}\n", "mapp"),
            ("[columns.psu]\nfrom = \"H\"\nderive = \"age\"\n", "derive"),
            (
                "[columns.psu]\nfrom = \"H\"\ndivide = 3\n",
                "columns.psu.divide",
            ),
            (
                "[columns.psu]\nfrom = \"H\"\ncodelist = \"nope.csv\"\n",
                "columns.psu.codelist",
            ),
            ("[file]\ndelimiter = \";;\"\n", "file.delimiter"),
            ("[file]\nencoding = \"utf-16\"\n", "utf-16"),
        ] {
            let e = layout(body).unwrap_err().to_string();
            assert!(e.contains(key), "{key}: {e}");
            assert!(e.contains("t.toml"), "{e}");
        }
        let e = Layout::parse(
            "[layout]\nname = \"x\"\n[columns.person_id]\nfrom = \"a\"\n",
            Path::new("t.toml"),
            None,
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("columns.weight"), "{e}");
    }

    #[test]
    fn ages_at_the_reference_date_and_decimal_shifts() {
        let l = layout("[columns.household_id]\nfrom = \"D\"\nderive = \"age_at_reference\"\n")
            .unwrap();
        let m = l
            .bind(
                &names("ID,W,S,B,C,N,CIT,D"),
                "f",
                &Design::default(),
                &survey(),
                None,
            )
            .unwrap();
        let at = m
            .outputs
            .iter()
            .position(|o| o.name == "household_id")
            .unwrap();
        for (date, age) in [
            ("1990-06-30", "34"),
            ("19900701", "33"),
            ("2024-06-30", "0"),
        ] {
            let got = map(&m, &format!("p,1,1,1990,DE,,1,{date}")).unwrap();
            assert_eq!(got[at], age, "{date}");
        }
        assert!(map(&m, "p,1,1,1990,DE,,1,1990-02-30").is_err());
        assert_eq!(shift_decimal("123", 3).unwrap(), "0.123");
        assert_eq!(shift_decimal("12.5", 1).unwrap(), "1.25");
        assert_eq!(shift_decimal("-7", 2).unwrap(), "-0.07");
        assert_eq!(shift_decimal("0", 2).unwrap(), "0.00");
        assert!(shift_decimal("1,5", 2).is_none() && shift_decimal(".", 2).is_none());
    }

    #[test]
    fn encodings_decode_their_bytes() {
        let bytes = b"Espa\xf1a \x80";
        assert_eq!(Encoding::Latin1.decode(bytes).unwrap(), "España \u{80}");
        assert_eq!(Encoding::Windows1252.decode(bytes).unwrap(), "España €");
        assert!(Encoding::Utf8.decode(bytes).is_none());
        assert_eq!(
            Encoding::Utf8.decode("España".as_bytes()).unwrap(),
            "España"
        );
    }

    #[test]
    fn the_builtin_layouts_load() {
        for (name, _, _) in BUILTIN_LAYOUTS {
            let l = Layout::builtin(name).unwrap().unwrap();
            assert_eq!(&l.name, name);
        }
        assert!(Layout::builtin("core").unwrap().is_none());
    }
}
