//! SPSS system files (`.sav`, `.zsav`), Stata datasets (`.dta`) and fixed-width text
//! described by a CSPro `.dcf` or a DDI-Codebook XML (`[input] dictionary`), read record by
//! record through migstat-microdata's readers.
//!
//! The file's variables are its columns: with `layout = "core"` they must be named as the
//! core record's columns (`person_id`, `weight`, `sex`...); with a layout, the layout maps
//! the national variables exactly as it maps the columns of a delimited file (the same
//! [`Mapper`], the same [`BatchBuilder::push_mapped`]), knowing more about them: numeric
//! codes are compared as numbers, `labels = true` columns map on value labels, and a
//! `divide` the dictionary's implied decimals already applied is not applied twice
//! ([`Layout::bind`]).
//!
//! Values come as migstat-microdata gives them (numbers in their shortest decimal form,
//! system-missing as empty, declared user-missing values as the codes they are: the
//! layout's `missing` says which codes are not stated).
//!
//! What can go wrong:
//! - a dictionary that is not one: `dictionary.invalid`, naming the dictionary, its line
//!   and item;
//! - a binary file that is not what it claims, or is damaged or truncated:
//!   `sav.unreadable` / `dta.unreadable`, naming the record and byte offset; reading
//!   stops there (a binary file cannot be resynchronised);
//! - a fixed-width record that cannot be decoded: `fixed.not_a_number`,
//!   `fixed.encoding`, `fixed.record_type`, `fixed.line_too_long`, `fixed.case`, naming
//!   the record, line, variable and value; reading goes on with the next line;
//! - a fixed-width case that never ends (the case key never changes): `fixed.unreadable`.
//!
//! `row` is the 1-based number of the record handed out (a person of a hierarchical file
//! is counted among persons; a line that cannot be decoded counts as one record), `line`
//! the physical line of a fixed-width record (none for binary files).

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use migstat_artefacts::config::{Design, Input};
use migstat_artefacts::rejects::Reject;
use migstat_artefacts::{Error, Result};
use migstat_microdata::dta::DtaReader;
use migstat_microdata::fixed::{FixedOptions, FixedWidthReader, Layout as FixedLayout};
use migstat_microdata::sav::SavReader;
use migstat_microdata::{dcf, ddi, RecordProblem, RecordReader, VariableKind};

use super::{file_reject, resolve_header, BatchBuilder, Header, RawBatch};
use crate::layout::{Encoding, Layout, Mapper, SurveyRef, Typed};
use crate::rules;

/// The binary formats, told apart by their first bytes (or their name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Binary {
    /// SPSS `.sav` / `.zsav`.
    Sav,
    /// Stata `.dta`.
    Dta,
}

/// An open `.sav`, `.dta` or fixed-width file whose variables have been resolved.
pub(crate) struct RecordsSource {
    path: PathBuf,
    file: String,
    format: &'static str,
    /// The rule of a whole-file problem met while reading.
    unreadable: &'static str,
    reader: Box<dyn RecordReader + Send>,
    header: Header,
    mapper: Option<Mapper>,
    values: Vec<Option<String>>,
    rows: u64,
    done: bool,
}

impl RecordsSource {
    /// Opens a `.sav` or `.dta` file.
    pub fn open_binary(
        kind: Binary,
        path: &Path,
        file: &str,
        design: &Design,
        layout: Option<(&Layout, &SurveyRef)>,
    ) -> Result<std::result::Result<Self, Vec<Reject>>> {
        let (format, unreadable) = match kind {
            Binary::Sav => ("sav", rules::SAV_UNREADABLE),
            Binary::Dta => ("dta", rules::DTA_UNREADABLE),
        };
        let opened: migstat_microdata::Result<Box<dyn RecordReader + Send>> = match kind {
            Binary::Sav => SavReader::open(path).map(|r| Box::new(r) as _),
            Binary::Dta => DtaReader::open(path).map(|r| Box::new(r) as _),
        };
        let reader = match opened {
            Ok(reader) => reader,
            Err(e) => return whole_file_problem(e, path, file, unreadable).map(Err),
        };
        let typed = typed_variables(reader.variables(), &HashMap::new());
        Self::new(
            path, file, format, unreadable, reader, typed, design, layout,
        )
    }

    /// Opens a fixed-width file described by `dictionary` (a CSPro `.dcf` or a DDI XML).
    pub fn open_fixed(
        path: &Path,
        dictionary: &Path,
        file: &str,
        design: &Design,
        layout: Option<(&Layout, &SurveyRef)>,
        input: &Input,
    ) -> Result<std::result::Result<Self, Vec<Reject>>> {
        let dict_name = dictionary.display().to_string();
        let (fixed_layout, mut options) = match read_dictionary(dictionary, input) {
            Ok(Ok(read)) => read,
            Ok(Err(e)) => return Err(e),
            Err(e) => {
                return whole_file_problem(e, dictionary, &dict_name, rules::DICTIONARY_INVALID)
                    .map(Err)
            }
        };
        if let Some(name) = &input.encoding {
            let encoding = Encoding::from_config(name).ok_or_else(|| {
                Error::config(
                    dictionary,
                    format!("input.encoding = {name:?}: not an encoding"),
                )
            })?;
            options.encoding = encoding.into();
        }
        let decimals: HashMap<String, u32> = fixed_layout
            .columns
            .iter()
            .filter_map(|c| c.decimals.map(|d| (c.variable.name.clone(), d)))
            .collect();
        let reader = match FixedWidthReader::open(path, &fixed_layout, &options) {
            Ok(reader) => reader,
            Err(e) => return whole_file_problem(e, path, file, rules::FIXED_UNREADABLE).map(Err),
        };
        let typed = typed_variables(reader.variables(), &decimals);
        Self::new(
            path,
            file,
            "fixed",
            rules::FIXED_UNREADABLE,
            Box::new(reader),
            typed,
            design,
            layout,
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn new(
        path: &Path,
        file: &str,
        format: &'static str,
        unreadable: &'static str,
        reader: Box<dyn RecordReader + Send>,
        typed: Vec<Typed>,
        design: &Design,
        layout: Option<(&Layout, &SurveyRef)>,
    ) -> Result<std::result::Result<Self, Vec<Reject>>> {
        let names: Vec<String> = reader.variables().iter().map(|v| v.name.clone()).collect();
        if let Some((layout, _)) = layout {
            layout.check_typed(&names, &typed)?;
        }
        let (header, mapper) = match resolve_header(&names, file, design, layout, Some(&typed)) {
            Ok(resolved) => resolved,
            Err(rejects) => return Ok(Err(rejects)),
        };
        Ok(Ok(RecordsSource {
            path: path.to_path_buf(),
            file: file.to_string(),
            format,
            unreadable,
            reader,
            header,
            mapper,
            values: Vec::new(),
            rows: 0,
            done: false,
        }))
    }

    /// The columns of the file.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// `"sav"`, `"dta"` or `"fixed"`.
    pub fn format(&self) -> &'static str {
        self.format
    }

    /// Records read so far, readable or not.
    pub fn rows_read(&self) -> u64 {
        self.rows
    }

    /// Reads up to [`Header::batch_rows`] records.
    pub fn next_batch(&mut self) -> Result<Option<RawBatch>> {
        if self.done {
            return Ok(None);
        }
        let mut batch = BatchBuilder::new(&self.header);
        let mut records = 0;
        let batch_rows = self.header.batch_rows();
        while records < batch_rows {
            match self.reader.next_record(&mut self.values) {
                Ok(true) => {
                    records += 1;
                    self.rows += 1;
                    let (row, line) = (self.rows, self.reader.position().line);
                    let values = &self.values;
                    match &self.mapper {
                        Some(mapper) => {
                            let fields: Vec<Cow<str>> = values
                                .iter()
                                .map(|v| Cow::Borrowed(v.as_deref().unwrap_or("")))
                                .collect();
                            batch.push_mapped(mapper, &fields, &self.file, row, line);
                        }
                        None => batch.push(row, line, |p| values[p].as_deref().unwrap_or("")),
                    }
                }
                Ok(false) => {
                    self.done = true;
                    break;
                }
                Err(migstat_microdata::Error::Record {
                    line,
                    variable,
                    value,
                    problem,
                    message,
                    ..
                }) => {
                    records += 1;
                    self.rows += 1;
                    batch.rejects().push(Reject {
                        file: self.file.clone(),
                        row: Some(self.rows),
                        line: Some(line),
                        column: variable.unwrap_or_default(),
                        value,
                        rule: record_rule(problem),
                        message,
                    });
                }
                Err(e) => {
                    // A binary file cannot be read past a damaged record: report where,
                    // and stop (the records before it are in the batch, and the run
                    // fails on this reject).
                    self.done = true;
                    records += 1;
                    self.rows += 1;
                    let mut reject =
                        whole_file_problem(e, &self.path, &self.file, self.unreadable)?;
                    for r in &mut reject {
                        r.row = Some(self.rows);
                    }
                    batch.rejects().append(&mut reject);
                    break;
                }
            }
        }
        if records == 0 {
            return Ok(None);
        }
        Ok(Some(batch.finish()))
    }
}

/// The rule of a fixed-width record the reader could not decode.
fn record_rule(problem: RecordProblem) -> &'static str {
    match problem {
        RecordProblem::NotANumber => rules::FIXED_NOT_A_NUMBER,
        RecordProblem::Encoding => rules::FIXED_ENCODING,
        RecordProblem::RecordType => rules::FIXED_RECORD_TYPE,
        RecordProblem::LineTooLong => rules::FIXED_LINE_TOO_LONG,
        RecordProblem::Case => rules::FIXED_CASE,
    }
}

/// A reader's error about a whole file (or dictionary) as rejects; I/O errors stay errors.
fn whole_file_problem(
    e: migstat_microdata::Error,
    path: &Path,
    file: &str,
    rule: &'static str,
) -> Result<Vec<Reject>> {
    use migstat_microdata::Error as E;
    Ok(vec![match e {
        E::Io { path, source } => return Err(Error::io(&path, source)),
        E::Format {
            offset, message, ..
        } => file_reject(file, "", &format!("byte {offset}"), rule, message),
        E::Dictionary { line, message, .. } => Reject {
            line: (line > 0).then_some(line),
            ..file_reject(file, "", "", rule, message)
        },
        E::Record {
            record,
            line,
            variable,
            value,
            message,
            ..
        } => Reject {
            row: Some(record),
            line: Some(line),
            column: variable.unwrap_or_default(),
            value,
            ..file_reject(file, "", "", rule, format!("{}: {message}", path.display()))
        },
    }])
}

/// What the mapper needs to know of each variable of a typed file.
fn typed_variables(
    variables: &[migstat_microdata::Variable],
    decimals: &HashMap<String, u32>,
) -> Vec<Typed> {
    variables
        .iter()
        .map(|v| Typed {
            numeric: v.kind == VariableKind::Numeric,
            labels: Arc::new(v.value_labels.clone()),
            implied_decimals: decimals.get(&v.name).copied(),
        })
        .collect()
}

/// Which kind of dictionary a file is: DDI XML by its extension `.xml` or a first
/// character `<`, else a CSPro dictionary (text or JSON).
fn is_ddi(path: &Path, bytes: &[u8]) -> bool {
    if let Some(ext) = path.extension().and_then(|e| e.to_str()) {
        if ext.eq_ignore_ascii_case("xml") {
            return true;
        }
        if ext.eq_ignore_ascii_case("dcf") {
            return false;
        }
    }
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    text.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<')
}

/// The layout and reading options of a fixed-width file from its dictionary and the
/// `[input]` keys: `Err` for a dictionary that cannot be read (an input problem), `Ok(Err)`
/// for keys that do not fit the dictionary (a config problem).
fn read_dictionary(
    dictionary: &Path,
    input: &Input,
) -> migstat_microdata::Result<Result<(FixedLayout, FixedOptions)>> {
    let bytes = std::fs::read(dictionary).map_err(|source| migstat_microdata::Error::Io {
        path: dictionary.to_path_buf(),
        source,
    })?;
    let carry: Vec<&str> = input.carry.iter().map(String::as_str).collect();
    let config_error = |message: String| Error::config(dictionary, message);
    if is_ddi(dictionary, &bytes) {
        let codebook = ddi::parse_bytes(&bytes, dictionary)?;
        let layout = codebook.layout()?;
        if let Some(c) = carry
            .iter()
            .find(|c| !layout.record_types.iter().any(|t| t == *c))
        {
            return Ok(Err(config_error(format!(
                "input.carry: {c:?} is not a record type of the codebook ({})",
                layout.record_types.join(", ")
            ))));
        }
        let options = match (&input.record_type, layout.record_types.as_slice()) {
            (Some(emit), types) => {
                if !types.is_empty() && !types.contains(emit) {
                    return Ok(Err(config_error(format!(
                        "input.record_type = {emit:?}: the codebook's record types are {}",
                        types.join(", ")
                    ))));
                }
                codebook.options_for(emit, &carry)?
            }
            (None, []) => FixedOptions {
                encoding: codebook.encoding()?.unwrap_or_default(),
                ..FixedOptions::default()
            },
            (None, [only]) => codebook.options_for(only, &[])?,
            (None, types) => {
                return Ok(Err(config_error(format!(
                    "input.record_type is needed: the codebook describes a hierarchical file \
                     with record types {} (e.g. record_type = {:?} for persons)",
                    types.join(", "),
                    types.last().map(String::as_str).unwrap_or_default()
                ))))
            }
        };
        return Ok(Ok((layout, options)));
    }
    let dcf = dcf::parse_bytes(&bytes, dictionary)?;
    let layout = dcf.layout()?;
    let records: Vec<&str> = dcf
        .levels
        .iter()
        .flat_map(|l| l.records.iter().map(|r| r.name.as_str()))
        .collect();
    if let Some(c) = carry.iter().find(|c| dcf.record(c).is_none()) {
        return Ok(Err(config_error(format!(
            "input.carry: {c:?} is not a record of the dictionary ({})",
            records.join(", ")
        ))));
    }
    let emit = match (&input.record_type, records.as_slice()) {
        (Some(emit), _) => {
            if dcf.record(emit).is_none() {
                return Ok(Err(config_error(format!(
                    "input.record_type = {emit:?}: the dictionary's records are {}",
                    records.join(", ")
                ))));
            }
            emit.clone()
        }
        (None, [only]) => only.to_string(),
        (None, _) => {
            return Ok(Err(config_error(format!(
                "input.record_type is needed: the dictionary has the records {} (name the one \
                 with a record per person)",
                records.join(", ")
            ))))
        }
    };
    let options = dcf.options_for(&emit, &carry)?;
    Ok(Ok((layout, options)))
}
