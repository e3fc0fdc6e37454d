//! The dictionary of an SPSS system file: the file header, then every record up to the
//! dictionary termination record (type 999), turned into [`Variable`]s and the layout of
//! a case in the data that follows.
//!
//! Record layouts are those of the GNU PSPP Developers Guide, appendix "System File
//! Format" (sections "File Header Record" to "Dictionary Termination Record"). The records
//! come in any order and the character encoding record (extension 20) comes after the
//! names and labels it applies to, so records are first collected as bytes
//! ([`RawDictionary`]) and decoded only once the whole dictionary has been read.

use std::collections::HashMap;

use crate::binary::{trim_padding, BinaryFile, ByteOrder};
use crate::encoding::Encoding;
use crate::{format_number, Result, Variable, VariableKind};

/// How the case data of a system file is stored (file header field `compression`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// Every value takes 8 bytes (`compression` = 0).
    None,
    /// SPSS bytecode compression: 8-byte blocks of one-byte codes (`compression` = 1).
    Bytecode,
    /// Bytecode-compressed data, then deflated in ZLIB blocks (`$FL3`, `compression` = 2:
    /// a `.zsav` file).
    Zlib,
}

/// The file header record.
pub(super) struct Header {
    pub(super) compression: Compression,
    /// The number of cases, when the writer knew it (`-1` in the file otherwise).
    pub(super) case_count: Option<u64>,
    /// The compression bias (100 in every known writer): code `c` stands for `c - bias`.
    pub(super) bias: f64,
    pub(super) file_label: Vec<u8>,
}

/// One 8-byte data unit of a case, as the dictionary lays it out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Piece {
    /// A numeric value of the variable with this index.
    Number { variable: usize },
    /// `units` 8-byte units of text of the variable with this index, of which the first
    /// `used` bytes hold text (a 255-byte segment of a very long string takes 32 units).
    Text {
        variable: usize,
        units: usize,
        used: usize,
    },
}

/// Everything the data reader needs from the dictionary.
pub(super) struct Dictionary {
    pub(super) header: Header,
    pub(super) variables: Vec<Variable>,
    /// The width in bytes of each variable (0 for numeric ones).
    pub(super) widths: Vec<usize>,
    /// The units of one case, in file order.
    pub(super) pieces: Vec<Piece>,
    pub(super) encoding: Encoding,
    /// The bit pattern of the system-missing value (machine floating-point info record).
    pub(super) sysmis: u64,
    pub(super) documents: Vec<String>,
    /// ZLIB files: the offset of the ZLIB data header, just after the dictionary.
    pub(super) data_offset: u64,
}

/// The system-missing value, the highest and the lowest value, as PSPP and SPSS write
/// them when the machine floating-point info record is absent.
const DEFAULT_SYSMIS: f64 = -f64::MAX;
const DEFAULT_HIGHEST: f64 = f64::MAX;
/// The largest finite double below `-f64::MAX`'s neighbour: `LO` in a missing-value range.
const DEFAULT_LOWEST_BITS: u64 = 0xffef_ffff_ffff_fffe;

/// A variable record (type 2), as read.
struct RawVariable {
    offset: u64,
    /// 1-based dictionary index (position among all variable records, continuations
    /// included): what value label records refer to.
    index: u32,
    /// 0 = numeric, 1..=255 = string width.
    width: usize,
    short_name: Vec<u8>,
    label: Option<Vec<u8>>,
    /// The `n_missing_values` field: 1..3 discrete, -2 a range, -3 a range and a value.
    missing_code: i32,
    missing: Vec<[u8; 8]>,
}

/// A value label record (type 3) with the variable index record (type 4) that follows.
struct RawValueLabels {
    offset: u64,
    labels: Vec<([u8; 8], Vec<u8>)>,
    indexes: Vec<(u64, u32)>,
}

/// Long string value labels (extension 21) or missing values (extension 22) of one
/// variable, named by its name.
struct RawNamedEntry {
    offset: u64,
    name: Vec<u8>,
    /// (value, label) pairs; missing values have an empty label.
    values: Vec<(Vec<u8>, Vec<u8>)>,
}

#[derive(Default)]
struct RawDictionary {
    variables: Vec<RawVariable>,
    value_labels: Vec<RawValueLabels>,
    documents: Vec<Vec<u8>>,
    /// Extension 3, field `character_code`.
    character_code: Option<i32>,
    /// Extension 4: sysmis, highest, lowest.
    float_info: Option<(f64, f64, f64)>,
    /// Extension 13.
    long_names: Option<(u64, Vec<u8>)>,
    /// Extension 14.
    very_long_strings: Option<(u64, Vec<u8>)>,
    /// Extension 20.
    encoding: Option<(u64, Vec<u8>)>,
    /// Extension 21.
    long_string_labels: Vec<RawNamedEntry>,
    /// Extension 22.
    long_string_missing: Vec<RawNamedEntry>,
}

/// Reads the header and the dictionary; leaves `file` at the first byte after the
/// dictionary termination record.
pub(super) fn read_dictionary(file: &mut BinaryFile) -> Result<Dictionary> {
    let header = read_header(file)?;
    let raw = read_records(file)?;
    let data_offset = file.offset();
    build(file, header, raw, data_offset)
}

fn read_header(file: &mut BinaryFile) -> Result<Header> {
    let magic: [u8; 4] = file.array("the file header's record type")?;
    let zlib = match &magic {
        b"$FL2" => false,
        b"$FL3" => true,
        // "$FL2" in EBCDIC: files from IBM mainframes, never seen in survey exchange.
        [0x5b, 0xc6, 0xd3, 0xf2] => {
            return Err(file.error_at(0, "EBCDIC system files are not supported"))
        }
        _ => {
            return Err(file.error_at(
                0,
                format!(
                    "not an SPSS system file: it starts with {:?}, expected \"$FL2\" or \"$FL3\"",
                    String::from_utf8_lossy(&magic)
                ),
            ))
        }
    };
    file.skip(60, "the product name")?;
    // The layout code is 2 or 3; read in the wrong byte order it is 0x02000000 or
    // 0x03000000, which is how the byte order of the whole file is known.
    let layout_at = file.offset();
    let layout: [u8; 4] = file.array("the layout code")?;
    file.order = match (
        ByteOrder::LittleEndian.i32(layout),
        ByteOrder::BigEndian.i32(layout),
    ) {
        (2 | 3, _) => ByteOrder::LittleEndian,
        (_, 2 | 3) => ByteOrder::BigEndian,
        (code, _) => {
            return Err(file.error_at(
                layout_at,
                format!("the layout code is {code}, expected 2 or 3 in either byte order"),
            ))
        }
    };
    let _nominal_case_size = file.i32("the nominal case size")?;
    let compression_at = file.offset();
    let compression = match (file.i32("the compression code")?, zlib) {
        (0, false) => Compression::None,
        (1, false) => Compression::Bytecode,
        (2, true) => Compression::Zlib,
        (code, _) => {
            return Err(file.error_at(
                compression_at,
                format!(
                    "compression code {code} in a {} file; expected {}",
                    String::from_utf8_lossy(&magic),
                    if zlib { "2" } else { "0 or 1" }
                ),
            ))
        }
    };
    let _weight_index = file.i32("the weight index")?;
    let case_count = file.i32("the number of cases")?;
    let bias = file.f64("the compression bias")?;
    file.skip(9 + 8, "the creation date and time")?;
    let file_label = trim_padding(&file.bytes(64, "the file label")?).to_vec();
    file.skip(3, "the header padding")?;
    Ok(Header {
        compression,
        case_count: u64::try_from(case_count).ok(),
        bias,
        file_label,
    })
}

fn read_records(file: &mut BinaryFile) -> Result<RawDictionary> {
    let mut raw = RawDictionary::default();
    // Dictionary indexes count variable records, continuation records included.
    let mut index: u32 = 0;
    // Continuation records still owed by the last string variable.
    let mut owed_continuations = 0usize;
    loop {
        let record_at = file.offset();
        let record_type = file.i32("a record type")?;
        if record_type != 2 && owed_continuations > 0 {
            return Err(missing_continuations(file, &raw, owed_continuations));
        }
        match record_type {
            2 => {
                index = index
                    .checked_add(1)
                    .ok_or_else(|| file.error_at(record_at, "too many variable records"))?;
                let variable = read_variable_record(file, record_at, index)?;
                match variable {
                    None if owed_continuations > 0 => owed_continuations -= 1,
                    None => {
                        return Err(file.error_at(
                            record_at,
                            format!(
                                "variable record {index} is a string continuation (type -1) \
                                 that follows no long string variable"
                            ),
                        ))
                    }
                    Some(_) if owed_continuations > 0 => {
                        return Err(missing_continuations(file, &raw, owed_continuations))
                    }
                    Some(variable) => {
                        owed_continuations = variable.width.div_ceil(8).saturating_sub(1);
                        raw.variables.push(variable);
                    }
                }
            }
            3 => {
                let labels = read_value_labels(file, record_at)?;
                raw.value_labels.push(labels);
            }
            4 => {
                return Err(file.error_at(
                    record_at,
                    "a value label variables record (type 4) that does not follow a value \
                     label record (type 3)",
                ))
            }
            6 => {
                let lines = file.i32("the number of document lines")?;
                let lines = u64::try_from(lines)
                    .map_err(|_| file.error(format!("the document record has {lines} lines")))?;
                let text = file.bytes(lines.saturating_mul(80), "the document lines")?;
                raw.documents
                    .extend(text.chunks(80).map(|line| trim_padding(line).to_vec()));
            }
            7 => read_extension(file, &mut raw)?,
            999 => {
                file.skip(4, "the dictionary termination record's filler")?;
                return Ok(raw);
            }
            other => {
                return Err(file.error_at(
                    record_at,
                    format!(
                        "unknown record type {other}; expected 2, 3, 6, 7 or 999 \
                         (the dictionary ends without a termination record)"
                    ),
                ))
            }
        }
    }
}

fn missing_continuations(file: &BinaryFile, raw: &RawDictionary, owed: usize) -> crate::Error {
    let variable = raw
        .variables
        .last()
        .expect("owed continuations have a variable");
    file.error_at(
        variable.offset,
        format!(
            "string variable {} of width {} lacks {owed} of its continuation records",
            String::from_utf8_lossy(&variable.short_name),
            variable.width
        ),
    )
}

/// A variable record; `None` for a continuation record (type -1) of a long string.
fn read_variable_record(
    file: &mut BinaryFile,
    record_at: u64,
    index: u32,
) -> Result<Option<RawVariable>> {
    let kind = file.i32("a variable's type")?;
    let has_label = file.i32("a variable's label flag")?;
    let missing_code = file.i32("a variable's number of missing values")?;
    file.skip(8, "a variable's print and write formats")?;
    let short_name = trim_padding(&file.bytes(8, "a variable's name")?).to_vec();
    let label = match has_label {
        0 => None,
        1 => {
            let len = file.i32("a variable label's length")?;
            let len = u64::try_from(len)
                .map_err(|_| file.error(format!("a variable label's length is {len}")))?;
            let label = file.bytes(len, "a variable label")?;
            // Labels are padded to a multiple of 4 bytes.
            file.skip(len.next_multiple_of(4) - len, "a variable label's padding")?;
            Some(label)
        }
        other => {
            return Err(file.error_at(
                record_at,
                format!(
                    "variable {}: the label flag is {other}, expected 0 or 1",
                    String::from_utf8_lossy(&short_name)
                ),
            ))
        }
    };
    let missing_count = match missing_code {
        0..=3 => missing_code as usize,
        -2 => 2,
        -3 => 3,
        other => {
            return Err(file.error_at(
                record_at,
                format!(
                    "variable {}: {other} missing values, expected 0 to 3, -2 or -3",
                    String::from_utf8_lossy(&short_name)
                ),
            ))
        }
    };
    let mut missing = Vec::with_capacity(missing_count);
    for _ in 0..missing_count {
        missing.push(file.array("a missing value")?);
    }
    let width = match kind {
        -1 => return Ok(None),
        0..=255 => kind as usize,
        other => {
            return Err(file.error_at(
                record_at,
                format!(
                    "variable {}: type {other}, expected -1 (continuation), 0 (numeric) or a \
                     string width from 1 to 255",
                    String::from_utf8_lossy(&short_name)
                ),
            ))
        }
    };
    if width > 0 && missing_code < 0 {
        return Err(file.error_at(
            record_at,
            format!(
                "string variable {} declares a range of missing values",
                String::from_utf8_lossy(&short_name)
            ),
        ));
    }
    Ok(Some(RawVariable {
        offset: record_at,
        index,
        width,
        short_name,
        label,
        missing_code,
        missing,
    }))
}

fn read_value_labels(file: &mut BinaryFile, record_at: u64) -> Result<RawValueLabels> {
    let count = file.i32("the number of value labels")?;
    let count = u32::try_from(count)
        .map_err(|_| file.error(format!("a value label record with {count} labels")))?;
    let mut labels = Vec::new();
    for _ in 0..count {
        let value: [u8; 8] = file.array("a labelled value")?;
        let len = u64::from(file.u8("a value label's length")?);
        let label = file.bytes(len, "a value label")?;
        // The length byte and the label are padded together to a multiple of 8 bytes.
        file.skip(
            (len + 1).next_multiple_of(8) - (len + 1),
            "a value label's padding",
        )?;
        labels.push((value, label));
    }
    let index_record_at = file.offset();
    let next = file.i32("the value label variables record")?;
    if next != 4 {
        return Err(file.error_at(
            index_record_at,
            format!("record type {next} follows a value label record; expected 4"),
        ));
    }
    let count = file.i32("the number of labelled variables")?;
    let count = u32::try_from(count)
        .map_err(|_| file.error(format!("a value label record for {count} variables")))?;
    let mut indexes = Vec::new();
    for _ in 0..count {
        let at = file.offset();
        indexes.push((at, file.u32("a labelled variable's index")?));
    }
    Ok(RawValueLabels {
        offset: record_at,
        labels,
        indexes,
    })
}

fn read_extension(file: &mut BinaryFile, raw: &mut RawDictionary) -> Result<()> {
    let subtype = file.i32("an extension record's subtype")?;
    let size = file.i32("an extension record's element size")?;
    let count = file.i32("an extension record's element count")?;
    let at = file.offset();
    let len = u64::try_from(size)
        .ok()
        .zip(u64::try_from(count).ok())
        .and_then(|(size, count)| size.checked_mul(count))
        .ok_or_else(|| {
            file.error(format!(
                "extension record {subtype} has {count} elements of {size} bytes"
            ))
        })?;
    match (subtype, size, count) {
        // Machine integer info: 8 int32, of which the character code is the last.
        (3, 4, 8) => {
            let fields = file.bytes(32, "the machine integer info record")?;
            let code: [u8; 4] = fields[28..32].try_into().expect("4 bytes");
            raw.character_code = Some(file.order.i32(code));
        }
        // Machine floating-point info: sysmis, highest, lowest.
        (4, 8, 3) => {
            let sysmis = file.f64("the system-missing value")?;
            let highest = file.f64("the highest value")?;
            let lowest = file.f64("the lowest value")?;
            raw.float_info = Some((sysmis, highest, lowest));
        }
        (13, _, _) => raw.long_names = Some((at, file.bytes(len, "the long variable names")?)),
        (14, _, _) => {
            raw.very_long_strings = Some((at, file.bytes(len, "the very long string record")?))
        }
        (20, _, _) => raw.encoding = Some((at, file.bytes(len, "the character encoding")?)),
        (21, _, _) => {
            let body = file.bytes(len, "the long string value labels")?;
            raw.long_string_labels = parse_named_entries(file, at, &body, true)?;
        }
        (22, _, _) => {
            let body = file.bytes(len, "the long string missing values")?;
            raw.long_string_missing = parse_named_entries(file, at, &body, false)?;
        }
        // Display parameters, variable sets, attributes, trends, ... : nothing a record
        // reader needs. Their size says how far to skip.
        _ => file.skip(len, &format!("extension record {subtype}"))?,
    }
    Ok(())
}

/// A cursor over the body of an extension record, for its inner length-prefixed fields.
struct Cursor<'a> {
    body: &'a [u8],
    pos: usize,
    order: ByteOrder,
    /// The file offset of `body[0]`.
    base: u64,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize, file: &BinaryFile, what: &str) -> Result<&'a [u8]> {
        if n > self.body.len() - self.pos {
            return Err(file.error_at(
                self.base + self.pos as u64,
                format!(
                    "{what} needs {n} bytes but its record has {} left",
                    self.body.len() - self.pos
                ),
            ));
        }
        let bytes = &self.body[self.pos..self.pos + n];
        self.pos += n;
        Ok(bytes)
    }

    fn i32(&mut self, file: &BinaryFile, what: &str) -> Result<i32> {
        let bytes = self.take(4, file, what)?;
        Ok(self.order.i32(bytes.try_into().expect("4 bytes")))
    }

    fn len(&mut self, file: &BinaryFile, what: &str) -> Result<usize> {
        let at = self.base + self.pos as u64;
        let len = self.i32(file, what)?;
        usize::try_from(len).map_err(|_| file.error_at(at, format!("{what} is {len}")))
    }

    fn at_end(&self) -> bool {
        self.pos == self.body.len()
    }
}

/// Extension 21 (`labels` = true: name, width, then value/label pairs) or extension 22
/// (name, count, value length, values).
fn parse_named_entries(
    file: &BinaryFile,
    base: u64,
    body: &[u8],
    labels: bool,
) -> Result<Vec<RawNamedEntry>> {
    let mut cursor = Cursor {
        body,
        pos: 0,
        order: file.order,
        base,
    };
    let mut entries = Vec::new();
    while !cursor.at_end() {
        let offset = base + cursor.pos as u64;
        let name_len = cursor.len(file, "a variable name's length")?;
        let name = cursor.take(name_len, file, "a variable name")?.to_vec();
        let mut values = Vec::new();
        if labels {
            let _width = cursor.len(file, "a long string variable's width")?;
            let count = cursor.len(file, "a number of value labels")?;
            for _ in 0..count {
                let value_len = cursor.len(file, "a labelled value's length")?;
                let value = cursor.take(value_len, file, "a labelled value")?.to_vec();
                let label_len = cursor.len(file, "a value label's length")?;
                let label = cursor.take(label_len, file, "a value label")?.to_vec();
                values.push((value, label));
            }
        } else {
            let count = cursor.take(1, file, "a number of missing values")?[0];
            let value_len = cursor.len(file, "a missing value's length")?;
            for _ in 0..count {
                let value = cursor.take(value_len, file, "a missing value")?.to_vec();
                values.push((value, Vec::new()));
            }
        }
        entries.push(RawNamedEntry {
            offset,
            name,
            values,
        });
    }
    Ok(entries)
}

/// A logical variable while the dictionary is built: the variable, its width, and the
/// raw variable records (segments) it is made of.
struct Building {
    variable: Variable,
    short_name: String,
    width: usize,
    segments: Vec<usize>,
}

fn build(
    file: &BinaryFile,
    header: Header,
    raw: RawDictionary,
    data_offset: u64,
) -> Result<Dictionary> {
    let encoding = resolve_encoding(file, &raw)?;
    let decode = |bytes: &[u8]| encoding.decode_lossy(bytes);
    let (sysmis, highest, lowest) = raw.float_info.unwrap_or((
        DEFAULT_SYSMIS,
        DEFAULT_HIGHEST,
        f64::from_bits(DEFAULT_LOWEST_BITS),
    ));

    // Very long strings: short name of the first segment -> full width. Names are keyed
    // in upper case: SPSS compares them ignoring case, and writers differ in case.
    let mut very_long: HashMap<String, usize> = HashMap::new();
    if let Some((at, body)) = &raw.very_long_strings {
        for (name, width) in key_value_pairs(&decode(body), &['\0', '\t']) {
            let parsed = width.trim().parse::<usize>().map_err(|_| {
                file.error_at(
                    *at,
                    format!("very long string record: width {width:?} of {name} is not a number"),
                )
            })?;
            very_long.insert(name.to_uppercase(), parsed);
        }
    }

    let mut building = group_variables(file, &raw, &very_long, encoding)?;

    // Long variable names.
    if let Some((_, body)) = &raw.long_names {
        let names: HashMap<String, String> = key_value_pairs(&decode(body), &['\t'])
            .map(|(short, long)| (short.to_uppercase(), long.to_string()))
            .collect();
        for b in &mut building {
            if let Some(long) = names.get(&b.short_name.to_uppercase()) {
                b.variable.name = long.clone();
            }
        }
    }

    // Value labels and missing values.
    let by_index: HashMap<u32, usize> = building
        .iter()
        .enumerate()
        .map(|(v, b)| (raw.variables[b.segments[0]].index, v))
        .collect();
    for record in &raw.value_labels {
        for &(at, index) in &record.indexes {
            let Some(&v) = by_index.get(&index) else {
                return Err(file.error_at(
                    at,
                    format!(
                        "the value label record at byte {} applies to dictionary index {index}, \
                         which is not the first record of a variable",
                        record.offset
                    ),
                ));
            };
            let b = &mut building[v];
            for (value, label) in &record.labels {
                let key = if b.width == 0 {
                    let x = file.order.f64(*value);
                    if x.to_bits() == sysmis.to_bits() {
                        continue;
                    }
                    format_number(x)
                } else {
                    short_string_value(value, b.width).map(&decode)
                };
                if let Some(key) = key {
                    b.variable.value_labels.insert(key, decode(label));
                }
            }
        }
    }
    for b in &mut building {
        let first = &raw.variables[b.segments[0]];
        if b.width == 0 {
            let values: Vec<f64> = first.missing.iter().map(|m| file.order.f64(*m)).collect();
            let (range, discrete) = match first.missing_code {
                -2 | -3 => (Some((values[0], values[1])), &values[2..]),
                _ => (None, &values[..]),
            };
            if let Some((low, high)) = range {
                // LO and HI are written as the lowest and highest doubles.
                let low = if low == lowest || low.to_bits() == sysmis.to_bits() {
                    f64::NEG_INFINITY
                } else {
                    low
                };
                let high = if high == highest { f64::INFINITY } else { high };
                b.variable.missing_ranges.push((low, high));
            }
            b.variable
                .missing_values
                .extend(discrete.iter().filter_map(|&x| format_number(x)));
        } else {
            b.variable.missing_values.extend(
                first
                    .missing
                    .iter()
                    .map(|m| decode(trim_padding(&m[..b.width.min(8)]))),
            );
        }
    }
    apply_named_entries(
        file,
        &raw.long_string_labels,
        &mut building,
        encoding,
        |b, value, label| {
            b.variable
                .value_labels
                .insert(decode(trim_padding(value)), decode(label));
        },
    )?;
    apply_named_entries(
        file,
        &raw.long_string_missing,
        &mut building,
        encoding,
        |b, value, _| {
            b.variable.missing_values.push(decode(trim_padding(value)));
        },
    )?;

    // The layout of a case.
    let mut pieces = Vec::new();
    for (v, b) in building.iter().enumerate() {
        for &s in &b.segments {
            let width = raw.variables[s].width;
            pieces.push(if width == 0 {
                Piece::Number { variable: v }
            } else {
                Piece::Text {
                    variable: v,
                    units: width.div_ceil(8),
                    used: width,
                }
            });
        }
    }

    Ok(Dictionary {
        header,
        widths: building.iter().map(|b| b.width).collect(),
        variables: building.into_iter().map(|b| b.variable).collect(),
        pieces,
        encoding,
        sysmis: sysmis.to_bits(),
        documents: raw.documents.iter().map(|line| decode(line)).collect(),
        data_offset,
    })
}

/// Groups the variable records into logical variables: one record per variable, except
/// very long strings, made of `ceil(width / 252)` consecutive string variables (PSPP
/// Developers Guide, "Very Long String Record").
fn group_variables(
    file: &BinaryFile,
    raw: &RawDictionary,
    very_long: &HashMap<String, usize>,
    encoding: Encoding,
) -> Result<Vec<Building>> {
    let decode = |bytes: &[u8]| encoding.decode_lossy(bytes);
    let mut building: Vec<Building> = Vec::new();
    let mut i = 0;
    while i < raw.variables.len() {
        let first = &raw.variables[i];
        let short_name = decode(&first.short_name);
        let mut width = first.width;
        let mut segments = vec![i];
        if let Some(&full_width) = very_long.get(&short_name.to_uppercase()) {
            // One segment per 252 bytes of width; every segment but the last is 255 wide.
            let count = full_width.div_ceil(252);
            if first.width == 0 || count < 2 {
                return Err(file.error_at(
                    first.offset,
                    format!(
                        "very long string record gives {short_name} a width of {full_width}, \
                         but it is {}",
                        if first.width == 0 {
                            "numeric".to_string()
                        } else {
                            format!("a string of width {} with one segment", first.width)
                        }
                    ),
                ));
            }
            for k in 1..count {
                let Some(segment) = raw.variables.get(i + k) else {
                    return Err(file.error_at(
                        first.offset,
                        format!(
                            "very long string {short_name} of width {full_width} needs {count} \
                             segments, the dictionary ends after {k}"
                        ),
                    ));
                };
                let expected = if k + 1 == count {
                    full_width - (count - 1) * 252
                } else {
                    255
                };
                // SPSS sometimes writes the last segment a little wider than needed.
                if segment.width < expected || (k + 1 < count && segment.width != 255) {
                    return Err(file.error_at(
                        segment.offset,
                        format!(
                            "segment {} of very long string {short_name} has width {}, \
                             expected {expected}",
                            k + 1,
                            segment.width
                        ),
                    ));
                }
                segments.push(i + k);
            }
            width = full_width;
        }
        let kind = if width == 0 {
            VariableKind::Numeric
        } else {
            VariableKind::Text { width }
        };
        let mut variable = Variable::new(short_name.clone(), kind);
        variable.label = first.label.as_deref().map(decode);
        building.push(Building {
            variable,
            short_name,
            width,
            segments,
        });
        i += building.last().expect("just pushed").segments.len();
    }
    Ok(building)
}

/// The file's encoding: the character encoding record (extension 20) if present, else
/// the code page of the machine integer info record, else Windows-1252 (what SPSS for
/// Windows wrote before it recorded an encoding).
fn resolve_encoding(file: &BinaryFile, raw: &RawDictionary) -> Result<Encoding> {
    if let Some((at, name)) = &raw.encoding {
        let name = String::from_utf8_lossy(trim_padding(name)).into_owned();
        return Encoding::from_label(&name).ok_or_else(|| {
            file.error_at(
                *at,
                format!(
                    "the file's character encoding is {name:?}; supported are UTF-8, \
                     windows-1252 and ISO-8859-1 (convert the file, e.g. with PSPP or SPSS, \
                     to UTF-8)"
                ),
            )
        });
    }
    match raw.character_code {
        None => Ok(Encoding::Windows1252),
        Some(code) => Encoding::from_code_page(code).ok_or_else(|| {
            file.error(format!(
                "the file's character code is {code} (a Windows code page) and it has no \
                 character encoding record; supported are 65001 (UTF-8), 1252 and 28591"
            ))
        }),
    }
}

/// `KEY=VALUE` pairs separated by any of `separators` (extensions 13 and 14).
fn key_value_pairs<'a>(
    text: &'a str,
    separators: &'a [char],
) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
    text.split(separators)
        .filter_map(|pair| pair.split_once('='))
        .map(|(key, value)| (key.trim(), value.trim_end_matches(['\0', ' '])))
}

/// The value a value label record gives a string variable of `width` (at most 8 bytes),
/// or `None` if the value could not fit the variable: ReadStat labels the same value
/// once per longer value it was given, and PSPP ignores such labels, as we do.
fn short_string_value(value: &[u8; 8], width: usize) -> Option<&[u8]> {
    let width = width.min(8);
    if trim_padding(&value[width..]).is_empty() {
        Some(trim_padding(&value[..width]))
    } else {
        None
    }
}

fn apply_named_entries(
    file: &BinaryFile,
    entries: &[RawNamedEntry],
    building: &mut [Building],
    encoding: Encoding,
    mut apply: impl FnMut(&mut Building, &[u8], &[u8]),
) -> Result<()> {
    if entries.is_empty() {
        return Ok(());
    }
    // Writers name the variable by its long name (PSPP) or its short name.
    let mut by_name: HashMap<String, usize> = HashMap::new();
    for (v, b) in building.iter().enumerate() {
        by_name.insert(b.variable.name.to_uppercase(), v);
    }
    for (v, b) in building.iter().enumerate() {
        by_name.entry(b.short_name.to_uppercase()).or_insert(v);
    }
    for entry in entries {
        let name = encoding.decode_lossy(&entry.name);
        let found = by_name.get(&name.to_uppercase()).copied();
        let Some(v) = found else {
            return Err(file.error_at(
                entry.offset,
                format!("long string labels or missing values for an unknown variable {name:?}"),
            ));
        };
        if building[v].width == 0 {
            return Err(file.error_at(
                entry.offset,
                format!("long string labels or missing values for numeric variable {name}"),
            ));
        }
        for (value, label) in &entry.values {
            apply(&mut building[v], value, label);
        }
    }
    Ok(())
}
