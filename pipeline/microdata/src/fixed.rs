//! Fixed-width text files, read line by line through a [`Layout`] of column specs.
//!
//! A census or survey data file in fixed-width text has one record per line; each variable
//! sits at the same positions on every line of its record type. The positions come from a
//! dictionary: a CSPro `.dcf` ([`crate::dcf`]) or a DDI-Codebook XML ([`crate::ddi`]), or a
//! [`Layout`] built by hand.
//!
//! # How a line is read
//! - Positions are 1-based and, by default, count **bytes** ([`PositionUnit::Bytes`]): the
//!   field is cut out of the raw line first and decoded afterwards, so a Latin-1 or
//!   Windows-1252 file and its declared byte positions agree whatever the accents.
//!   A UTF-8 file whose dictionary counts characters can be read with
//!   [`PositionUnit::Characters`].
//! - Lines end with LF or CRLF; the CR is dropped. A UTF-8 byte order mark at the start of
//!   the file is skipped, and then means UTF-8 whatever [`FixedOptions::encoding`] says
//!   (CSPro marks its UTF-8 files this way and reads files without it as "ANSI").
//! - Empty lines are not records and are skipped (they still count in line numbers).
//! - A line shorter than the layout reads as if padded with blanks: its missing tail is
//!   blank, so the variables there are `None`. CSPro trims trailing blanks when it writes a
//!   record, so short lines are normal and not an error.
//! - A field is trimmed of blanks; a blank field is `None` (system missing). Text keeps its
//!   leading blanks; numbers are checked (optional sign, digits, at most one decimal
//!   point) and handed out in the form [`crate::format_number`] gives (`007` -> `7`,
//!   `-0` -> `0`, `12.50` -> `12.5`). The digits are rewritten as text, not through a
//!   float, so a 20-digit identifier keeps every digit.
//! - Implied decimals ([`Column::decimals`]: CSPro `Decimal` without `DecimalChar`, DDI
//!   `dcml`) put the decimal point that the file leaves out: `12345` with 2 decimals reads
//!   `123.45`. A field that has a decimal point while the dictionary says the point is
//!   implied is rejected rather than guessed at.
//! - A bad field (a non-numeric value in a numeric variable, bytes that are not valid in
//!   the encoding) makes the record an [`Error::Record`] naming the record, line, variable
//!   and value; the next call to [`RecordReader::next_record`] goes on with the next line.
//!
//! # Hierarchical files
//! Census files usually hold several record types, told apart by a code at fixed positions
//! ([`Layout::record_type`]): a household record, then one record per person (CSPro
//! `RecordTypeStart`/`RecordTypeLen`, IPUMS `RECTYPE`). [`FixedOptions::emit`] chooses the
//! record type handed out (one output record per line of that type; lines of other types
//! are skipped). [`FixedOptions::carry`] names record types whose variables are attached to
//! every emitted record *of the same case*: the household weight, region and dwelling
//! characteristics on each person record. A case is a run of consecutive lines that share
//! the same identifiers ([`CaseBoundary::Key`]: CSPro id items, IPUMS `keyvar`) or that
//! start at a given record type ([`CaseBoundary::StartsWith`]). The carried record may come
//! before or after the emitted ones within the case (CSPro writes records in dictionary
//! order, so a housing record may follow the persons); only one case is held in memory at a
//! time. A case without a carried record gives `None` for its variables; a case with two of
//! them cannot say which one applies, and each of its emitted records is rejected.
//!
//! Positions ([`RecordReader::position`], [`Error::Record`]) give the physical line and a
//! record number that counts the non-empty lines of every record type, so that both point
//! into the file as it is. When records are carried, a case is handed out when it ends,
//! its records and the errors of its lines (an unknown record type, a line too long, a bad
//! carried record) in the order of its lines.
//!
//! Memory is bounded: one line (at most [`FixedOptions::max_line_bytes`]) and one case (at
//! most [`FixedOptions::max_case_lines`] lines) at a time.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use crate::{Error, RecordPosition, RecordProblem, RecordReader, Result, Variable, VariableKind};

/// Longest line accepted by default: 1 MiB (CSPro records are at most 32,000 characters;
/// IPUMS records a few thousand bytes).
pub const DEFAULT_MAX_LINE_BYTES: usize = 1 << 20;

/// Most lines one case may have by default. A census household has tens of records; a case
/// that grows past this means the case key does not change where it should.
pub const DEFAULT_MAX_CASE_LINES: usize = 100_000;

/// The largest position or width a layout may use (10 million): far beyond any real
/// record (CSPro's limit is 32,000 characters), small enough that no sum overflows.
pub const MAX_POSITION: usize = 10_000_000;

pub use crate::encoding::Encoding;

/// What the 1-based positions of a [`Layout`] count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PositionUnit {
    /// Bytes of the line as stored (IPUMS; every single-byte encoding).
    #[default]
    Bytes,
    /// Characters of the decoded line (for UTF-8 files whose dictionary counts characters).
    Characters,
}

/// Where a field sits on a line: 1-based first position and width.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// The 1-based position of the field's first byte (or character).
    pub start: usize,
    /// Its width.
    pub width: usize,
}

/// One variable of a fixed-width file and where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// The variable: name, label, kind, value labels, declared missing values.
    pub variable: Variable,
    /// The 1-based position of its first byte (or character, see [`PositionUnit`]).
    pub start: usize,
    /// Its width.
    pub width: usize,
    /// Implied decimal places: the file stores `12345` for `123.45` when this is `Some(2)`.
    pub decimals: Option<u32>,
    /// The record type (its code as written in the file) whose lines hold this variable;
    /// `None` for a variable every record has at the same place (CSPro id items, IPUMS
    /// variables listed on every record type) and for rectangular files.
    pub record_type: Option<String>,
}

/// The columns of a fixed-width file, and where the record type is on each line.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Layout {
    /// The variables, in dictionary order.
    pub columns: Vec<Column>,
    /// Where the record type code is, for hierarchical files; `None` for rectangular files.
    pub record_type: Option<Field>,
    /// The record type codes the dictionary declares, in its order (empty when rectangular).
    pub record_types: Vec<String>,
    /// The dictionary the layout comes from, named in the errors about it.
    pub dictionary: Option<PathBuf>,
}

/// How consecutive lines group into cases (households), for [`FixedOptions::carry`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseBoundary {
    /// A case is a run of lines with the same values of these variables, which must be
    /// read on every record type (`Column::record_type` `None`): CSPro id items, IPUMS
    /// `recGrp/@keyvar`.
    Key(Vec<String>),
    /// Each line of this record type starts a new case (a household record followed by
    /// its persons, for files without a key).
    StartsWith(String),
}

/// How to read a fixed-width file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixedOptions {
    /// The file's encoding (a UTF-8 byte order mark overrides it).
    pub encoding: Encoding,
    /// What the layout positions count.
    pub positions: PositionUnit,
    /// The record type to hand out, by its code; `None` when the file is rectangular or
    /// declares a single record type.
    pub emit: Option<String>,
    /// Record types whose variables are attached to each emitted record of the same case.
    pub carry: Vec<String>,
    /// How lines group into cases; needed when `carry` is not empty.
    pub case: Option<CaseBoundary>,
    /// Longest line accepted; a longer line is a bad record.
    pub max_line_bytes: usize,
    /// Most lines one case may have; more stops the reading (see
    /// [`DEFAULT_MAX_CASE_LINES`]).
    pub max_case_lines: usize,
}

impl Default for FixedOptions {
    fn default() -> FixedOptions {
        FixedOptions {
            encoding: Encoding::Utf8,
            positions: PositionUnit::Bytes,
            emit: None,
            carry: Vec::new(),
            case: None,
            max_line_bytes: DEFAULT_MAX_LINE_BYTES,
            max_case_lines: DEFAULT_MAX_CASE_LINES,
        }
    }
}

/// Rewrites the text of a number the way [`crate::format_number`] writes it: no sign on
/// zero, no leading zeros, no trailing fractional zeros, no trailing `.`; `implied` places
/// the decimal point the file leaves out. `Err` says why the text is not a number.
///
/// Works on the digits as text, so that identifiers longer than a float's 15-17
/// significant digits come out whole.
pub(crate) fn normalize_number(
    text: &str,
    implied: Option<u32>,
) -> std::result::Result<String, String> {
    let (negative, unsigned) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let (int_part, frac_part) = match unsigned.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (unsigned, None),
    };
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(int_part)
        || !frac_part.is_none_or(all_digits)
        || int_part.len() + frac_part.map_or(0, str::len) == 0
    {
        return Err("is not a number".to_string());
    }
    let (int_digits, frac_digits): (String, String) = match (implied, frac_part) {
        (Some(places), None) if places > 0 => {
            let places = places as usize;
            let mut digits = int_part.to_string();
            if digits.len() <= places {
                digits = format!("{}{digits}", "0".repeat(places + 1 - digits.len()));
            }
            let split = digits.len() - places;
            (digits[..split].to_string(), digits[split..].to_string())
        }
        (Some(places), Some(_)) if places > 0 => {
            return Err(format!(
                "has a decimal point, but the dictionary says its {places} decimal places are implied"
            ));
        }
        _ => (int_part.to_string(), frac_part.unwrap_or("").to_string()),
    };
    let int_digits = int_digits.trim_start_matches('0');
    let frac_digits = frac_digits.trim_end_matches('0');
    let mut out = String::with_capacity(int_digits.len() + frac_digits.len() + 3);
    if negative && (!int_digits.is_empty() || !frac_digits.is_empty()) {
        out.push('-');
    }
    out.push_str(if int_digits.is_empty() {
        "0"
    } else {
        int_digits
    });
    if !frac_digits.is_empty() {
        out.push('.');
        out.push_str(frac_digits);
    }
    Ok(out)
}

/// One column as the reader cuts it: where, and what to do with the text.
#[derive(Debug, Clone)]
struct Spec {
    /// Index of the variable in the output record.
    out: usize,
    /// 0-based start.
    start: usize,
    width: usize,
    numeric: bool,
    decimals: Option<u32>,
}

/// A field that could not be read.
#[derive(Debug, Clone)]
struct FieldError {
    /// The variable; `None` when the whole line is unusable.
    variable: Option<String>,
    value: String,
    /// What is wrong, a phrase that follows the variable's name (`is not a number`).
    message: String,
    problem: RecordProblem,
}

impl FieldError {
    /// The problem as a sentence: `AGE is not a number (numeric variable)`.
    fn sentence(&self) -> String {
        match &self.variable {
            Some(variable) => format!("{variable} {}", self.message),
            None => self.message.clone(),
        }
    }
}

/// What the reader does with the layout and options, resolved once at open.
#[derive(Debug)]
struct Plan {
    variables: Vec<Variable>,
    /// Columns read from the emitted line itself.
    own: Vec<Spec>,
    /// For each carried record type (index into `types`), the columns read from it.
    carried: Vec<(usize, Vec<Spec>)>,
    type_field: Option<Field>,
    types: Vec<String>,
    /// The emitted record type (index into `types`); `None` when every line is a record.
    emit: Option<usize>,
    case: Option<CaseRule>,
}

#[derive(Debug)]
enum CaseRule {
    Key(Vec<Field>),
    StartsWith(usize),
}

impl Plan {
    fn new(layout: &Layout, options: &FixedOptions, data: &Path) -> Result<Plan> {
        let source = layout
            .dictionary
            .clone()
            .unwrap_or_else(|| data.to_path_buf());
        let fail = |message: String| Error::Dictionary {
            path: source.clone(),
            line: 0,
            message: format!("layout: {message}"),
        };
        let types = &layout.record_types;
        let type_index = |code: &str, what: &str| {
            types.iter().position(|t| t == code).ok_or_else(|| {
                fail(format!(
                    "{what} record type '{code}' is not one the dictionary declares ({})",
                    quoted_list(types)
                ))
            })
        };
        if !types.is_empty() && layout.record_type.is_none() {
            return Err(fail(
                "record types are declared but not where the record type code is".into(),
            ));
        }
        if let Some(field) = layout.record_type {
            if field.start == 0
                || field.width == 0
                || field.start.saturating_add(field.width) > MAX_POSITION
            {
                return Err(fail(format!(
                    "the record type field starts at {} with width {}: both must be at least 1, and end before {MAX_POSITION}",
                    field.start, field.width
                )));
            }
        }
        for (i, t) in types.iter().enumerate() {
            if types[..i].contains(t) {
                return Err(fail(format!("record type '{t}' is declared twice")));
            }
        }
        for column in &layout.columns {
            let name = &column.variable.name;
            if column.start == 0
                || column.width == 0
                || column.start.saturating_add(column.width) > MAX_POSITION
            {
                return Err(fail(format!(
                    "{name} starts at {} with width {}: both must be at least 1, and end before {MAX_POSITION}",
                    column.start, column.width
                )));
            }
            if let Some(t) = &column.record_type {
                type_index(t, &format!("{name} is on"))?;
            }
            if let Some(d) = column.decimals {
                if column.variable.kind != VariableKind::Numeric {
                    return Err(fail(format!("{name} is text but has {d} implied decimals")));
                }
                if d as usize > column.width {
                    return Err(fail(format!(
                        "{name} has {d} implied decimals in a field of width {}",
                        column.width
                    )));
                }
            }
        }
        let emit = match (&options.emit, types.len()) {
            (Some(code), _) => Some(type_index(code, "the emitted")?),
            (None, 0) => None,
            (None, 1) => Some(0),
            (None, _) => {
                return Err(fail(format!(
                    "the file has record types {}: choose the one to read (FixedOptions::emit)",
                    quoted_list(types)
                )))
            }
        };
        let mut carry = Vec::new();
        for code in &options.carry {
            let t = type_index(code, "the carried")?;
            if Some(t) == emit {
                return Err(fail(format!(
                    "record type '{code}' is both emitted and carried"
                )));
            }
            if carry.contains(&t) {
                return Err(fail(format!("record type '{code}' is carried twice")));
            }
            carry.push(t);
        }
        let case = match (&options.case, carry.is_empty()) {
            (_, true) => None,
            (None, false) => {
                return Err(fail(
                    "carrying records onto others needs a case boundary (FixedOptions::case)"
                        .into(),
                ))
            }
            (Some(CaseBoundary::StartsWith(code)), false) => {
                Some(CaseRule::StartsWith(type_index(code, "the case-starting")?))
            }
            (Some(CaseBoundary::Key(names)), false) => {
                if names.is_empty() {
                    return Err(fail("the case key names no variable".into()));
                }
                let mut fields = Vec::new();
                for name in names {
                    let column = layout
                        .columns
                        .iter()
                        .find(|c| &c.variable.name == name)
                        .ok_or_else(|| {
                            fail(format!("case key variable {name} is not in the layout"))
                        })?;
                    if let Some(t) = &column.record_type {
                        return Err(fail(format!(
                            "case key variable {name} is only on record type '{t}'; a key must be on every record"
                        )));
                    }
                    fields.push(Field {
                        start: column.start,
                        width: column.width,
                    });
                }
                Some(CaseRule::Key(fields))
            }
        };

        let mut variables = Vec::new();
        let mut own = Vec::new();
        let mut carried: Vec<(usize, Vec<Spec>)> = carry.iter().map(|&t| (t, Vec::new())).collect();
        for column in &layout.columns {
            let on = column
                .record_type
                .as_ref()
                .map(|code| types.iter().position(|t| t == code).unwrap_or(usize::MAX));
            let target = match on {
                None => Some(&mut own),
                Some(t) if Some(t) == emit => Some(&mut own),
                Some(t) => carried
                    .iter_mut()
                    .find(|(c, _)| *c == t)
                    .map(|(_, specs)| specs),
            };
            let Some(target) = target else { continue };
            let name = &column.variable.name;
            if variables.iter().any(|v: &Variable| &v.name == name) {
                return Err(fail(format!(
                    "variable {name} appears twice among the variables read"
                )));
            }
            target.push(Spec {
                out: variables.len(),
                start: column.start - 1,
                width: column.width,
                numeric: column.variable.kind == VariableKind::Numeric,
                decimals: column.decimals,
            });
            variables.push(column.variable.clone());
        }
        Ok(Plan {
            variables,
            own,
            carried,
            type_field: layout.record_type,
            types: types.clone(),
            emit,
            case,
        })
    }
}

fn quoted_list(items: &[String]) -> String {
    if items.is_empty() {
        return "none".to_string();
    }
    items
        .iter()
        .map(|t| format!("'{t}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A line as the reader cuts fields out of it.
struct LineView<'a> {
    bytes: &'a [u8],
    /// Byte offset of each character, when positions count characters of a UTF-8 line
    /// that is not plain ASCII.
    char_starts: Option<Vec<usize>>,
}

impl<'a> LineView<'a> {
    fn new(
        bytes: &'a [u8],
        unit: PositionUnit,
        encoding: Encoding,
    ) -> std::result::Result<LineView<'a>, ()> {
        let char_starts = if unit == PositionUnit::Characters
            && encoding == Encoding::Utf8
            && !bytes.is_ascii()
        {
            let text = std::str::from_utf8(bytes).map_err(|_| ())?;
            Some(text.char_indices().map(|(i, _)| i).collect())
        } else {
            None
        };
        Ok(LineView { bytes, char_starts })
    }

    /// The bytes of the field at 0-based `start`, `width` long; short lines give a shorter
    /// (or empty) slice, which reads as blank.
    fn slice(&self, start: usize, width: usize) -> &'a [u8] {
        let end = start.saturating_add(width);
        match &self.char_starts {
            None => {
                let len = self.bytes.len();
                &self.bytes[start.min(len)..end.min(len)]
            }
            Some(starts) => {
                let at = |i: usize| starts.get(i).copied().unwrap_or(self.bytes.len());
                &self.bytes[at(start)..at(end)]
            }
        }
    }
}

/// Reads one field: `Ok(None)` when blank.
fn read_field(
    line: &LineView<'_>,
    spec: &Spec,
    variable: &Variable,
    encoding: Encoding,
) -> std::result::Result<Option<String>, FieldError> {
    let raw = line.slice(spec.start, spec.width);
    let Some(text) = encoding.decode(raw) else {
        return Err(FieldError {
            variable: Some(variable.name.clone()),
            value: String::from_utf8_lossy(raw).into_owned(),
            message: "is not valid UTF-8 (is the file Latin-1 or Windows-1252, or does a \
                      multi-byte character straddle the field's edge?)"
                .to_string(),
            problem: RecordProblem::Encoding,
        });
    };
    let trimmed = text.trim_matches(' ');
    if trimmed.is_empty() {
        return Ok(None);
    }
    if !spec.numeric {
        return Ok(Some(text.trim_end_matches(' ').to_string()));
    }
    normalize_number(trimmed, spec.decimals)
        .map(Some)
        .map_err(|message| FieldError {
            variable: Some(variable.name.clone()),
            value: trimmed.to_string(),
            message: format!("{message} (numeric variable)"),
            problem: RecordProblem::NotANumber,
        })
}

/// A line kept while its case is being read.
struct Held {
    line: u64,
    record: u64,
    record_type: usize,
    bytes: Vec<u8>,
}

/// What the reader has ready to hand out.
enum Outcome {
    Record(RecordPosition, Vec<Option<String>>),
    Failed(Error),
}

/// A fixed-width text file open for reading, record by record (see the module docs).
pub struct FixedWidthReader<R: BufRead = BufReader<File>> {
    path: PathBuf,
    input: R,
    plan: Plan,
    encoding: Encoding,
    positions: PositionUnit,
    max_line_bytes: usize,
    max_case_lines: usize,
    buf: Vec<u8>,
    offset: u64,
    line_no: u64,
    record_no: u64,
    first_line: bool,
    eof: bool,
    position: RecordPosition,
    case_lines: Vec<Held>,
    case_key: Vec<u8>,
    /// Errors of lines of the case being held that are not its records (a line too long,
    /// an unknown record type), handed out with the case in line order.
    case_errors: Vec<Error>,
    pending: VecDeque<Outcome>,
}

impl FixedWidthReader<BufReader<File>> {
    /// Opens `path` to be read through `layout`.
    pub fn open(
        path: impl AsRef<Path>,
        layout: &Layout,
        options: &FixedOptions,
    ) -> Result<FixedWidthReader<BufReader<File>>> {
        let path = path.as_ref();
        let file = File::open(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        FixedWidthReader::from_reader(
            BufReader::with_capacity(1 << 16, file),
            path,
            layout,
            options,
        )
    }
}

impl<R: BufRead> FixedWidthReader<R> {
    /// Reads from any buffered input; `name` is the file named in errors.
    pub fn from_reader(
        input: R,
        name: impl AsRef<Path>,
        layout: &Layout,
        options: &FixedOptions,
    ) -> Result<FixedWidthReader<R>> {
        let path = name.as_ref().to_path_buf();
        let plan = Plan::new(layout, options, &path)?;
        Ok(FixedWidthReader {
            path,
            input,
            plan,
            encoding: options.encoding,
            positions: options.positions,
            max_line_bytes: options.max_line_bytes.max(1),
            max_case_lines: options.max_case_lines.max(1),
            buf: Vec::new(),
            offset: 0,
            line_no: 0,
            record_no: 0,
            first_line: true,
            eof: false,
            position: RecordPosition::default(),
            case_lines: Vec::new(),
            case_key: Vec::new(),
            case_errors: Vec::new(),
            pending: VecDeque::new(),
        })
    }

    /// Reads the next physical line into `self.buf` (without its line end); `None` at the
    /// end of the file, `Some(false)` when the line was longer than the limit (its bytes
    /// past the limit are dropped).
    fn read_line(&mut self) -> Result<Option<bool>> {
        self.buf.clear();
        let mut any = false;
        let mut fits = true;
        loop {
            let available = match self.input.fill_buf() {
                Ok(bytes) => bytes,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(source) => {
                    return Err(Error::Io {
                        path: self.path.clone(),
                        source,
                    })
                }
            };
            if available.is_empty() {
                break;
            }
            any = true;
            let (chunk, used, ended) = match available.iter().position(|&b| b == b'\n') {
                Some(i) => (&available[..i], i + 1, true),
                None => (available, available.len(), false),
            };
            if fits {
                let room = self.max_line_bytes.saturating_sub(self.buf.len());
                // A CR that is the last byte before LF is not part of the line's length.
                let content = chunk.strip_suffix(b"\r").filter(|_| ended).unwrap_or(chunk);
                if content.len() > room {
                    fits = false;
                    self.buf.extend_from_slice(&chunk[..room]);
                } else {
                    self.buf.extend_from_slice(chunk);
                }
            }
            self.input.consume(used);
            self.offset += used as u64;
            if ended {
                break;
            }
        }
        if !any {
            return Ok(None);
        }
        if self.buf.last() == Some(&b'\r') {
            self.buf.pop();
        }
        if self.first_line {
            self.first_line = false;
            if self.buf.starts_with(b"\xEF\xBB\xBF") {
                self.buf.drain(..3);
                self.encoding = Encoding::Utf8;
            }
        }
        Ok(Some(fits))
    }

    #[allow(clippy::too_many_arguments)]
    fn record_error(
        &self,
        record: u64,
        line: u64,
        variable: Option<String>,
        value: String,
        problem: RecordProblem,
        message: String,
    ) -> Error {
        Error::Record {
            path: self.path.clone(),
            record,
            line,
            variable,
            value,
            problem,
            message,
        }
    }

    /// The record type of the line in `self.buf`: `Ok(None)` for rectangular layouts.
    fn classify(&self) -> std::result::Result<Option<usize>, Error> {
        let Some(field) = self.plan.type_field else {
            return Ok(None);
        };
        let view = LineView::new(&self.buf, self.positions, self.encoding).map_err(|_| {
            self.record_error(
                self.record_no,
                self.line_no,
                None,
                String::from_utf8_lossy(&self.buf).into_owned(),
                RecordProblem::Encoding,
                "the line is not valid UTF-8".to_string(),
            )
        })?;
        let raw = view.slice(field.start - 1, field.width);
        let code = String::from_utf8_lossy(raw);
        let code = code.trim_matches(' ');
        match self
            .plan
            .types
            .iter()
            .position(|t| t.trim_matches(' ') == code)
        {
            Some(t) => Ok(Some(t)),
            None => Err(self.record_error(
                self.record_no,
                self.line_no,
                None,
                code.to_string(),
                RecordProblem::RecordType,
                format!(
                    "unknown record type '{code}' at positions {}-{} (the dictionary declares {})",
                    field.start,
                    field.start + field.width - 1,
                    quoted_list(&self.plan.types)
                ),
            )),
        }
    }

    /// Reads `specs` out of `bytes` into `values`.
    fn read_specs(
        &self,
        bytes: &[u8],
        specs: &[Spec],
        values: &mut [Option<String>],
    ) -> std::result::Result<(), FieldError> {
        let view = LineView::new(bytes, self.positions, self.encoding).map_err(|_| FieldError {
            variable: None,
            value: String::from_utf8_lossy(bytes).into_owned(),
            message: "the line is not valid UTF-8, so its characters cannot be counted".into(),
            problem: RecordProblem::Encoding,
        })?;
        for spec in specs {
            values[spec.out] =
                read_field(&view, spec, &self.plan.variables[spec.out], self.encoding)?;
        }
        Ok(())
    }

    fn field_error(&self, record: u64, line: u64, e: FieldError) -> Error {
        let message = e.sentence();
        self.record_error(record, line, e.variable, e.value, e.problem, message)
    }

    /// Hands out one outcome.
    fn deliver(&mut self, outcome: Outcome, values: &mut Vec<Option<String>>) -> Result<bool> {
        match outcome {
            Outcome::Record(position, record) => {
                self.position = position;
                *values = record;
                Ok(true)
            }
            Outcome::Failed(error) => {
                if let Error::Record { record, line, .. } = &error {
                    self.position = RecordPosition {
                        record: *record,
                        line: Some(*line),
                    };
                }
                Err(error)
            }
        }
    }

    /// Adds the line in `self.buf` to the case being read, closing that case first when the
    /// line starts a new one.
    fn hold(&mut self, record_type: Option<usize>) -> Result<()> {
        let Some(rule) = &self.plan.case else {
            return Ok(());
        };
        let key: Vec<u8> = match rule {
            CaseRule::Key(fields) => {
                let view =
                    LineView::new(&self.buf, self.positions, self.encoding).unwrap_or(LineView {
                        bytes: &self.buf,
                        char_starts: None,
                    });
                let mut key = Vec::new();
                for field in fields {
                    key.extend_from_slice(view.slice(field.start - 1, field.width));
                    key.push(0xFF);
                }
                key
            }
            CaseRule::StartsWith(_) => Vec::new(),
        };
        let starts_case = match rule {
            CaseRule::Key(_) => key != self.case_key,
            CaseRule::StartsWith(t) => record_type == Some(*t),
        };
        if starts_case {
            self.close_case();
            self.case_key = key;
        }
        let Some(t) = record_type else { return Ok(()) };
        let wanted = Some(t) == self.plan.emit || self.plan.carried.iter().any(|(c, _)| *c == t);
        if !wanted {
            return Ok(());
        }
        if self.case_lines.len() >= self.max_case_lines {
            let first = self.case_lines.first().map_or(self.line_no, |h| h.line);
            // The reading stops here: what follows cannot be grouped into cases either.
            self.eof = true;
            self.case_lines.clear();
            self.case_errors.clear();
            self.pending.clear();
            return Err(Error::Format {
                path: self.path.clone(),
                offset: self.offset,
                message: format!(
                    "the case that starts on line {first} has more than {} records by line {}: \
                     the case boundary never changes (is the case key right?)",
                    self.max_case_lines, self.line_no
                ),
            });
        }
        self.case_lines.push(Held {
            line: self.line_no,
            record: self.record_no,
            record_type: t,
            bytes: self.buf.clone(),
        });
        Ok(())
    }

    /// Turns the held case into outcomes: the emitted records with the carried variables.
    ///
    /// Everything the case gives (records, and errors of its lines, including lines that
    /// could not be classified) is handed out in the order of its lines.
    fn close_case(&mut self) {
        let lines = std::mem::take(&mut self.case_lines);
        // (line, outcome), sorted by line at the end.
        let mut out: Vec<(u64, Outcome)> = std::mem::take(&mut self.case_errors)
            .into_iter()
            .map(|e| match &e {
                Error::Record { line, .. } => (*line, Outcome::Failed(e)),
                _ => (0, Outcome::Failed(e)),
            })
            .collect();
        if lines.is_empty() {
            self.pending.extend(out.into_iter().map(|(_, o)| o));
            return;
        }
        let width = self.plan.variables.len();
        // For each carried record type: its values, or why they cannot be used.
        enum Carried {
            Values(Vec<Option<String>>),
            Rejected { line: u64, error: FieldError },
            Several(Vec<u64>),
        }
        let mut carried = Vec::new();
        for (t, specs) in &self.plan.carried {
            let held: Vec<&Held> = lines.iter().filter(|h| h.record_type == *t).collect();
            let state = match held.as_slice() {
                [] => Carried::Values(vec![None; width]),
                [one] => {
                    let mut values = vec![None; width];
                    match self.read_specs(&one.bytes, specs, &mut values) {
                        Ok(()) => Carried::Values(values),
                        Err(error) => {
                            let e = self.field_error(one.record, one.line, error.clone());
                            out.push((one.line, Outcome::Failed(e)));
                            Carried::Rejected {
                                line: one.line,
                                error,
                            }
                        }
                    }
                }
                several => Carried::Several(several.iter().map(|h| h.line).collect()),
            };
            carried.push((*t, specs, state));
        }
        for held in lines
            .iter()
            .filter(|h| Some(h.record_type) == self.plan.emit)
        {
            let mut values = vec![None; width];
            if let Err(e) = self.read_specs(&held.bytes, &self.plan.own, &mut values) {
                let e = self.field_error(held.record, held.line, e);
                out.push((held.line, Outcome::Failed(e)));
                continue;
            }
            let mut failure = None;
            for (t, specs, state) in &carried {
                let code = &self.plan.types[*t];
                match state {
                    Carried::Values(source) => {
                        for spec in specs.iter() {
                            values[spec.out] = source[spec.out].clone();
                        }
                    }
                    Carried::Rejected { line, error } => {
                        failure = Some(self.record_error(
                            held.record,
                            held.line,
                            error.variable.clone(),
                            error.value.clone(),
                            RecordProblem::Case,
                            format!(
                                "the record of type '{code}' on line {line}, whose variables this \
                                 record carries, was rejected: {}",
                                error.sentence()
                            ),
                        ));
                        break;
                    }
                    Carried::Several(at) => {
                        failure = Some(self.record_error(
                            held.record,
                            held.line,
                            None,
                            code.clone(),
                            RecordProblem::Case,
                            format!(
                                "its case has {} records of type '{code}' (lines {}); only a record \
                                 that occurs once per case can be carried",
                                at.len(),
                                at.iter().map(u64::to_string).collect::<Vec<_>>().join(", ")
                            ),
                        ));
                        break;
                    }
                }
            }
            let position = RecordPosition {
                record: held.record,
                line: Some(held.line),
            };
            out.push((
                held.line,
                match failure {
                    Some(e) => Outcome::Failed(e),
                    None => Outcome::Record(position, values),
                },
            ));
        }
        out.sort_by_key(|(line, _)| *line); // stable: one outcome per line anyway
        self.pending.extend(out.into_iter().map(|(_, o)| o));
    }
}

impl<R: BufRead> RecordReader for FixedWidthReader<R> {
    fn variables(&self) -> &[Variable] {
        &self.plan.variables
    }

    fn next_record(&mut self, values: &mut Vec<Option<String>>) -> Result<bool> {
        values.clear();
        loop {
            if let Some(outcome) = self.pending.pop_front() {
                return self.deliver(outcome, values);
            }
            if self.eof {
                return Ok(false);
            }
            let Some(fits) = self.read_line()? else {
                self.eof = true;
                self.close_case();
                continue;
            };
            self.line_no += 1;
            if self.buf.is_empty() {
                continue;
            }
            self.record_no += 1;
            if !fits {
                let error = self.record_error(
                    self.record_no,
                    self.line_no,
                    None,
                    String::from_utf8_lossy(&self.buf[..self.buf.len().min(40)]).into_owned(),
                    RecordProblem::LineTooLong,
                    format!(
                        "the line is longer than {} bytes (is this a fixed-width text file with \
                         LF or CRLF line ends?)",
                        self.max_line_bytes
                    ),
                );
                if self.plan.case.is_some() {
                    // Part of the case being read (its key is not all there to say
                    // otherwise): handed out with it, in line order.
                    self.case_errors.push(error);
                    continue;
                }
                self.position = RecordPosition {
                    record: self.record_no,
                    line: Some(self.line_no),
                };
                return Err(error);
            }
            let record_type = match self.classify() {
                Ok(t) => t,
                Err(e) if self.plan.case.is_some() => {
                    // The line's key says which case it belongs to; its error is handed
                    // out with that case, in line order.
                    self.hold(None)?;
                    self.case_errors.push(e);
                    continue;
                }
                Err(e) => {
                    self.position = RecordPosition {
                        record: self.record_no,
                        line: Some(self.line_no),
                    };
                    return Err(e);
                }
            };
            if self.plan.case.is_some() {
                self.hold(record_type)?;
                continue;
            }
            if record_type != self.plan.emit {
                continue;
            }
            self.position = RecordPosition {
                record: self.record_no,
                line: Some(self.line_no),
            };
            let mut record = vec![None; self.plan.variables.len()];
            return match self.read_specs(&self.buf, &self.plan.own, &mut record) {
                Ok(()) => {
                    *values = record;
                    Ok(true)
                }
                Err(e) => Err(self.field_error(self.record_no, self.line_no, e)),
            };
        }
    }

    fn position(&self) -> RecordPosition {
        self.position
    }
}

#[cfg(test)]
mod tests {
    use super::normalize_number;
    use crate::format_number;

    #[test]
    fn numbers_are_rewritten_as_format_number_writes_them() {
        for (text, implied, expected) in [
            ("007", None, "7"),
            ("-0", None, "0"),
            ("-000", Some(2), "0"),
            ("+5", None, "5"),
            ("12.50", None, "12.5"),
            (".5", None, "0.5"),
            ("5.", None, "5"),
            ("12345", Some(2), "123.45"),
            ("12300", Some(2), "123"),
            ("5", Some(3), "0.005"),
            ("-5", Some(1), "-0.5"),
            ("12345678901234567890", None, "12345678901234567890"),
        ] {
            assert_eq!(
                normalize_number(text, implied).unwrap(),
                expected,
                "{text} {implied:?}"
            );
        }
        for bad in ["", "-", ".", "1 2", "1e5", "1.2.3", "--1", "abc", "12a"] {
            assert!(
                normalize_number(bad, None).is_err(),
                "{bad:?} should not be a number"
            );
        }
        assert!(normalize_number("1.5", Some(2)).is_err());
    }

    #[test]
    fn the_rewrite_agrees_with_format_number_over_many_values() {
        // A small deterministic generator: no dependency, same values every run.
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..20_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let digits = (state % 1_000_000_000_000) as i64;
            let signed = if state & 1 == 1 { -digits } else { digits };
            let places = (state >> 40) as u32 % 5;
            let text = signed.to_string();
            let ours = normalize_number(&text, Some(places)).unwrap();
            let theirs = format_number(signed as f64 / 10f64.powi(places as i32)).unwrap();
            assert_eq!(ours, theirs, "{text} with {places} implied decimals");
        }
    }
}
