//! Everything in a Stata dataset but its observations: header, variable descriptors,
//! value labels (stored after the data, read here by seeking) and the index of the strLs.
//!
//! Two layouts, as documented by Stata (`help dta`, and `help dta_117`, `help dta_115`
//! for the older ones):
//! - formats 117 (Stata 13), 118 (Stata 14-18) and 119 (more than 32,767 variables):
//!   tagged sections `<stata_dta><header>...<map>...<data>...<strls>...<value_labels>`,
//!   whose byte offsets the `<map>` gives;
//! - formats 113 (Stata 8-9), 114 (Stata 10-11) and 115 (Stata 12): a binary header and
//!   descriptors, expansion fields, the data, then value label tables up to the end.

use std::collections::{BTreeMap, HashMap};

use crate::binary::{trim_padding, until_nul, BinaryFile, ByteOrder};
use crate::encoding::Encoding;
use crate::{format_number, Result, Variable, VariableKind};

/// How a variable is stored in each observation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum StorageType {
    Byte,
    Int,
    Long,
    Float,
    Double,
    /// `str1` to `str2045`: that many bytes, NUL-terminated when shorter.
    Str(usize),
    /// A reference (v,o) to a string in the `<strls>` section.
    StrL,
}

impl StorageType {
    /// Bytes taken in an observation.
    pub(super) fn size(self) -> usize {
        match self {
            StorageType::Byte => 1,
            StorageType::Int => 2,
            StorageType::Long | StorageType::Float => 4,
            StorageType::Double | StorageType::StrL => 8,
            StorageType::Str(width) => width,
        }
    }
}

/// Where the text of one strL (a GSO) is in the file.
#[derive(Debug, Clone, Copy)]
pub(super) struct Gso {
    pub(super) offset: u64,
    pub(super) len: u32,
    /// Type 130: ASCII (NUL-terminated text); type 129: binary.
    pub(super) nul_terminated: bool,
}

/// The dictionary of a dataset, and where its observations are.
pub(super) struct Dictionary {
    pub(super) version: u16,
    pub(super) order: ByteOrder,
    pub(super) encoding: Encoding,
    pub(super) observations: u64,
    pub(super) data_label: String,
    pub(super) types: Vec<StorageType>,
    pub(super) variables: Vec<Variable>,
    /// The offset of the first observation.
    pub(super) data_offset: u64,
    /// The size of one observation.
    pub(super) record_len: usize,
    /// The strLs, by (v,o).
    pub(super) strls: HashMap<(u32, u64), Gso>,
}

/// Field sizes that differ between formats.
struct Sizes {
    name: u64,
    format: u64,
    label: u64,
}

impl Sizes {
    fn of(version: u16) -> Sizes {
        match version {
            113 => Sizes {
                name: 33,
                format: 12,
                label: 81,
            },
            114..=117 => Sizes {
                name: 33,
                format: 49,
                label: 81,
            },
            // 118 and 119: names and labels of up to 32 and 80 UTF-8 characters.
            _ => Sizes {
                name: 129,
                format: 57,
                label: 321,
            },
        }
    }
}

const SUPPORTED: &str = "formats 113, 114, 115, 117, 118 and 119 (Stata 8 and later)";

/// Reads the dictionary of the dataset in `file`; leaves `file` anywhere.
pub(super) fn read_dictionary(file: &mut BinaryFile) -> Result<Dictionary> {
    let first = file.u8("the format")?;
    file.seek(0, "the header")?;
    match first {
        b'<' => read_tagged(file),
        113..=115 => read_binary(file),
        other => Err(file.error_at(
            0,
            match other {
                102..=112 => {
                    format!("Stata format {other} is not supported; supported are {SUPPORTED}")
                }
                _ => format!(
                    "not a Stata dataset: the first byte is {other:#04x}, expected `<` (format \
                     117 and later) or a format number ({SUPPORTED})"
                ),
            },
        )),
    }
}

/// Formats 117, 118 and 119.
fn read_tagged(file: &mut BinaryFile) -> Result<Dictionary> {
    file.expect(b"<stata_dta><header><release>")?;
    let release_at = file.offset();
    let release = file.bytes(3, "the release")?;
    let version = match release.as_slice() {
        b"117" => 117,
        b"118" => 118,
        b"119" => 119,
        other => {
            return Err(file.error_at(
                release_at,
                format!(
                    "Stata format {:?} is not supported; supported are {SUPPORTED}",
                    String::from_utf8_lossy(other)
                ),
            ))
        }
    };
    file.expect(b"</release><byteorder>")?;
    let order_at = file.offset();
    file.order = match file.bytes(3, "the byte order")?.as_slice() {
        b"LSF" => ByteOrder::LittleEndian,
        b"MSF" => ByteOrder::BigEndian,
        other => {
            return Err(file.error_at(
                order_at,
                format!(
                    "the byte order is {:?}, expected \"LSF\" or \"MSF\"",
                    String::from_utf8_lossy(other)
                ),
            ))
        }
    };
    file.expect(b"</byteorder><K>")?;
    let variable_count = if version == 119 {
        u64::from(file.u32("the number of variables")?)
    } else {
        u64::from(file.u16("the number of variables")?)
    };
    file.expect(b"</K><N>")?;
    let observations = if version == 117 {
        u64::from(file.u32("the number of observations")?)
    } else {
        file.u64("the number of observations")?
    };
    file.expect(b"</N><label>")?;
    let label_len = if version == 117 {
        u64::from(file.u8("the dataset label's length")?)
    } else {
        u64::from(file.u16("the dataset label's length")?)
    };
    let data_label = file.bytes(label_len, "the dataset label")?;
    file.expect(b"</label><timestamp>")?;
    let stamp_len = file.u8("the time stamp's length")?;
    file.skip(u64::from(stamp_len), "the time stamp")?;
    file.expect(b"</timestamp></header><map>")?;
    let mut map = [0u64; 14];
    for entry in &mut map {
        *entry = file.u64("the map")?;
    }
    file.expect(b"</map>")?;

    let encoding = if version >= 118 {
        Encoding::Utf8
    } else {
        Encoding::Windows1252
    };
    let sizes = Sizes::of(version);
    let k = variable_count;
    // K fields of n bytes each must fit in the file before anything is allocated for them.
    let need = |file: &BinaryFile, n: u64, what: &str| -> Result<()> {
        if k.saturating_mul(n) > file.remaining() {
            return Err(file.error(format!(
                "{k} variables need {} bytes of {what}, the file has {} left",
                k.saturating_mul(n),
                file.remaining()
            )));
        }
        Ok(())
    };

    file.seek(map[2], "the variable types")?;
    file.expect(b"<variable_types>")?;
    need(file, 2, "variable types")?;
    let mut types = Vec::with_capacity(k as usize);
    for _ in 0..k {
        let at = file.offset();
        let code = file.u16("a variable type")?;
        types.push(match code {
            1..=2045 => StorageType::Str(usize::from(code)),
            32768 => StorageType::StrL,
            65526 => StorageType::Double,
            65527 => StorageType::Float,
            65528 => StorageType::Long,
            65529 => StorageType::Int,
            65530 => StorageType::Byte,
            other => {
                return Err(file.error_at(
                    at,
                    format!(
                        "variable {} has type code {other}, expected 1-2045 (str#), 32768 \
                         (strL) or 65526-65530 (double, float, long, int, byte)",
                        types.len() + 1
                    ),
                ))
            }
        });
    }
    file.expect(b"</variable_types>")?;

    file.seek(map[3], "the variable names")?;
    file.expect(b"<varnames>")?;
    let names = read_fields(file, k, sizes.name, encoding, "variable names")?;
    file.expect(b"</varnames>")?;
    // The sort list and the display formats are not needed: the map skips them.
    file.seek(map[6], "the value label names")?;
    file.expect(b"<value_label_names>")?;
    let label_names = read_fields(file, k, sizes.name, encoding, "value label names")?;
    file.expect(b"</value_label_names>")?;
    file.seek(map[7], "the variable labels")?;
    file.expect(b"<variable_labels>")?;
    let labels = read_fields(file, k, sizes.label, encoding, "variable labels")?;
    file.expect(b"</variable_labels>")?;

    let record_len = record_len(file, &types)?;
    file.seek(map[9], "the data")?;
    file.expect(b"<data>")?;
    let data_offset = file.offset();
    check_data_fits(file, observations, record_len, b"</data>".len() as u64)?;
    file.seek(
        data_offset + observations * record_len as u64,
        "the end of the data",
    )?;
    file.expect(b"</data>")?;

    file.seek(map[10], "the strLs")?;
    file.expect(b"<strls>")?;
    let strls = index_strls(file, version)?;

    file.seek(map[11], "the value labels")?;
    file.expect(b"<value_labels>")?;
    let mut tables = HashMap::new();
    loop {
        let at = file.offset();
        let tag = file.bytes(5, "`<lbl>` or `</value_labels>`")?;
        if tag == b"<lbl>" {
            let (name, table) = read_value_label_table(file, sizes.name, encoding)?;
            file.expect(b"</lbl>")?;
            tables.insert(name, table);
        } else if tag == b"</val" {
            file.expect(b"ue_labels></stata_dta>")?;
            break;
        } else {
            return Err(file.error_at(
                at,
                format!(
                    "expected `<lbl>` or `</value_labels>`, found `{}`",
                    String::from_utf8_lossy(&tag).escape_debug()
                ),
            ));
        }
    }

    Ok(Dictionary {
        version,
        order: file.order,
        encoding,
        observations,
        data_label: encoding.decode_lossy(trim_padding(&data_label)),
        variables: variables(&types, names, labels, &label_names, &tables),
        types,
        data_offset,
        record_len,
        strls,
    })
}

/// Formats 113, 114 and 115 (`help dta_115`).
fn read_binary(file: &mut BinaryFile) -> Result<Dictionary> {
    let version = u16::from(file.u8("the format")?);
    let order_at = file.offset();
    file.order = match file.u8("the byte order")? {
        1 => ByteOrder::BigEndian,
        2 => ByteOrder::LittleEndian,
        other => {
            return Err(file.error_at(
                order_at,
                format!("the byte order is {other}, expected 1 (HILO) or 2 (LOHI)"),
            ))
        }
    };
    file.skip(2, "the file type")?;
    let k = u64::from(file.u16("the number of variables")?);
    let observations = u64::from(file.u32("the number of observations")?);
    let data_label = file.bytes(81, "the dataset label")?;
    file.skip(18, "the time stamp")?;
    let encoding = Encoding::Windows1252;
    let sizes = Sizes::of(version);

    let mut types = Vec::new();
    for (i, code) in file.bytes(k, "the variable types")?.into_iter().enumerate() {
        types.push(match code {
            1..=244 => StorageType::Str(usize::from(code)),
            251 => StorageType::Byte,
            252 => StorageType::Int,
            253 => StorageType::Long,
            254 => StorageType::Float,
            255 => StorageType::Double,
            other => {
                return Err(file.error_at(
                    file.offset() - k + i as u64,
                    format!(
                        "variable {} has type code {other}, expected 1-244 (str#) or 251-255 \
                         (byte, int, long, float, double)",
                        i + 1
                    ),
                ))
            }
        });
    }
    let names = read_fields(file, k, sizes.name, encoding, "variable names")?;
    file.skip(2 * (k + 1), "the sort list")?;
    file.skip(k * sizes.format, "the display formats")?;
    let label_names = read_fields(file, k, sizes.name, encoding, "value label names")?;
    let labels = read_fields(file, k, sizes.label, encoding, "variable labels")?;
    // Expansion fields (characteristics), up to a field of type 0 and length 0.
    loop {
        let kind = file.u8("an expansion field's type")?;
        let len = file.u32("an expansion field's length")?;
        if kind == 0 && len == 0 {
            break;
        }
        file.skip(u64::from(len), "an expansion field")?;
    }
    let record_len = record_len(file, &types)?;
    let data_offset = file.offset();
    check_data_fits(file, observations, record_len, 0)?;
    file.seek(
        data_offset + observations * record_len as u64,
        "the value labels",
    )?;

    // Value label tables run to the end of the file.
    let mut tables = HashMap::new();
    while file.remaining() > 0 {
        let (name, table) = read_value_label_table(file, sizes.name, encoding)?;
        tables.insert(name, table);
    }

    Ok(Dictionary {
        version,
        order: file.order,
        encoding,
        observations,
        data_label: encoding.decode_lossy(trim_padding(until_nul(&data_label))),
        variables: variables(&types, names, labels, &label_names, &tables),
        types,
        data_offset,
        record_len,
        strls: HashMap::new(),
    })
}

/// `k` NUL-terminated text fields of `size` bytes each.
fn read_fields(
    file: &mut BinaryFile,
    k: u64,
    size: u64,
    encoding: Encoding,
    what: &str,
) -> Result<Vec<String>> {
    let bytes = file.bytes(k.saturating_mul(size), what)?;
    Ok(bytes
        .chunks(size as usize)
        .map(|field| encoding.decode_lossy(until_nul(field)))
        .collect())
}

fn record_len(file: &BinaryFile, types: &[StorageType]) -> Result<usize> {
    types
        .iter()
        .try_fold(0usize, |len, t| len.checked_add(t.size()))
        .ok_or_else(|| file.error("the observations are too wide"))
}

/// Checks that `observations` records of `record_len` bytes, and `trailer` bytes after
/// them, fit in what is left of the file: a truncated file is refused when opened.
fn check_data_fits(
    file: &BinaryFile,
    observations: u64,
    record_len: usize,
    trailer: u64,
) -> Result<()> {
    let need = observations
        .checked_mul(record_len as u64)
        .and_then(|n| n.checked_add(trailer));
    match need {
        Some(need) if need <= file.remaining() => Ok(()),
        _ => Err(file.error(format!(
            "{observations} observations of {record_len} bytes do not fit in the {} bytes left \
             in the file (is it truncated?)",
            file.remaining()
        ))),
    }
}

/// Reads one value label table: `len`, the label name, 3 bytes of padding, then `n`,
/// the text length, `n` offsets, `n` values and the text.
fn read_value_label_table(
    file: &mut BinaryFile,
    name_size: u64,
    encoding: Encoding,
) -> Result<(String, BTreeMap<String, String>)> {
    let at = file.offset();
    let len = file.i32("a value label table's length")?;
    let name = encoding.decode_lossy(until_nul(&file.bytes(name_size, "a value label name")?));
    file.skip(3, "a value label table's padding")?;
    let table_at = file.offset();
    let len = u64::try_from(len)
        .map_err(|_| file.error_at(at, format!("value label table {name} has length {len}")))?;
    let table = file.bytes(len, &format!("value label table {name}"))?;
    let bad =
        |message: String| file.error_at(table_at, format!("value label table {name}: {message}"));
    let int = |i: usize| -> Option<i32> {
        let bytes: [u8; 4] = table.get(i..i + 4)?.try_into().ok()?;
        Some(file.order.i32(bytes))
    };
    let (Some(n), Some(text_len)) = (int(0), int(4)) else {
        return Err(bad(format!("{len} bytes cannot hold its counts")));
    };
    let (Ok(n), Ok(text_len)) = (usize::try_from(n), usize::try_from(text_len)) else {
        return Err(bad(format!("{n} labels of {text_len} bytes")));
    };
    let text_start = n
        .checked_mul(8)
        .and_then(|x| x.checked_add(8))
        .filter(|&start| start.checked_add(text_len) == Some(table.len()))
        .ok_or_else(|| {
            bad(format!(
                "{n} labels with {text_len} bytes of text do not make {len} bytes"
            ))
        })?;
    let text = &table[text_start..];
    let mut labels = BTreeMap::new();
    for i in 0..n {
        let offset = int(8 + 4 * i).expect("within the table");
        let value = int(8 + 4 * n + 4 * i).expect("within the table");
        let label = usize::try_from(offset)
            .ok()
            .and_then(|o| text.get(o..))
            .ok_or_else(|| {
                bad(format!(
                    "label {} starts at {offset}, beyond its text",
                    i + 1
                ))
            })?;
        labels.insert(value_key(value), encoding.decode_lossy(until_nul(label)));
    }
    Ok((name, labels))
}

/// The text a labelled value is known by: the number, or for Stata's missing-value codes
/// (`long` values above 2,147,483,620) their name `.`, `.a`, ... `.z`. Observations read
/// those codes as `None`; their labels are kept so that a layout can say what they meant.
fn value_key(value: i32) -> String {
    const FIRST_MISSING: i32 = 2_147_483_621;
    if value >= FIRST_MISSING {
        let letter = (value - FIRST_MISSING) as u8;
        if letter == 0 {
            ".".to_string()
        } else {
            format!(".{}", char::from(b'a' + letter - 1))
        }
    } else {
        format_number(f64::from(value)).expect("an i32 is finite")
    }
}

/// Indexes the GSOs of the `<strls>` section (the file is just after `<strls>`) by (v,o)
/// without reading their text: a strL is read from the file when an observation needs it.
fn index_strls(file: &mut BinaryFile, version: u16) -> Result<HashMap<(u32, u64), Gso>> {
    let mut strls = HashMap::new();
    loop {
        let at = file.offset();
        let tag = file.bytes(3, "`GSO` or `</strls>`")?;
        if tag == b"</s" {
            file.expect(b"trls>")?;
            return Ok(strls);
        }
        if tag != b"GSO" {
            return Err(file.error_at(
                at,
                format!(
                    "expected `GSO` or `</strls>`, found `{}`",
                    String::from_utf8_lossy(&tag).escape_debug()
                ),
            ));
        }
        let v = file.u32("a strL's variable number")?;
        let o = if version == 117 {
            u64::from(file.u32("a strL's observation number")?)
        } else {
            file.u64("a strL's observation number")?
        };
        let kind_at = file.offset();
        let nul_terminated = match file.u8("a strL's type")? {
            129 => false,
            130 => true,
            other => {
                return Err(file.error_at(
                    kind_at,
                    format!(
                        "strL ({v},{o}) has type {other}, expected 129 (binary) or 130 (ASCII)"
                    ),
                ))
            }
        };
        let len = file.u32("a strL's length")?;
        let offset = file.offset();
        file.skip(u64::from(len), &format!("strL ({v},{o})"))?;
        strls.insert(
            (v, o),
            Gso {
                offset,
                len,
                nul_terminated,
            },
        );
    }
}

fn variables(
    types: &[StorageType],
    names: Vec<String>,
    labels: Vec<String>,
    label_names: &[String],
    tables: &HashMap<String, BTreeMap<String, String>>,
) -> Vec<Variable> {
    types
        .iter()
        .zip(names)
        .zip(labels)
        .zip(label_names)
        .map(|(((storage, name), label), label_name)| {
            let kind = match storage {
                StorageType::Str(width) => VariableKind::Text { width: *width },
                StorageType::StrL => VariableKind::Text { width: 0 },
                _ => VariableKind::Numeric,
            };
            let mut variable = Variable::new(name, kind);
            variable.label = (!label.is_empty()).then_some(label);
            if let Some(table) = tables.get(label_name) {
                variable.value_labels = table.clone();
            }
            variable
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::value_key;

    #[test]
    fn missing_value_codes_are_named_and_other_values_are_numbers() {
        assert_eq!(value_key(1), "1");
        assert_eq!(value_key(-5), "-5");
        assert_eq!(value_key(2_147_483_620), "2147483620");
        assert_eq!(value_key(2_147_483_621), ".");
        assert_eq!(value_key(2_147_483_622), ".a");
        assert_eq!(value_key(2_147_483_647), ".z");
    }
}
