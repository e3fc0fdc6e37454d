//! Writers: SDMX-ML 2.1 StructureSpecificData and GenericData, SDMX-ML 3.0
//! StructureSpecificData, SDMX-CSV 1.0 and 2.0, and the DSD-specific XML
//! Schemas (2.1 and 3.0) needed to validate StructureSpecificData.
//!
//! Every writer is deterministic (the same input gives the same bytes: no
//! clocks, no hash-map iteration), streams into any [`std::io::Write`]
//! through an internal `BufWriter`, and checks the whole message against the
//! DSD *before* writing the first byte, so a refused message leaves the sink
//! untouched. The checks are the ones a writer cannot do without: every key
//! dimension present and known, every attribute known and given at its
//! attachment level, no attribute given twice, every value finite. Code
//! lists, time formats and the other semantic rules are
//! [`crate::validate()`]'s job.

mod csv10;
mod generic21;
mod ss21;
mod xsd21;

pub use csv10::{write_csv_10, write_csv_20};
pub use generic21::write_generic_21;
pub use ss21::{
    structure_id, structure_namespace, structure_urn, write_structure_specific_21,
    write_structure_specific_21_flat, write_structure_specific_30,
};
pub use xsd21::{
    dsd_namespace, write_dsd_schema_21, write_dsd_schema_21_in_namespace, write_dsd_schema_30,
    write_dsd_schema_30_in_namespace, write_validation_wrapper_21, write_validation_wrapper_30,
    SchemaLayout,
};

use std::borrow::Cow;

use crate::data::{Observation, Series};
use crate::error::{Error, Result};
use crate::model::{AttachmentLevel, DataStructure};

/// Formats a double as the shortest text that reads back to the same value,
/// in `xs:double` lexical form.
///
/// * Magnitudes in `[1e-6, 1e17)` (and zero) are written in plain decimal
///   notation: `3456.7`, `0.96125`, `27123`, `-0`.
/// * Others use exponent notation, still shortest: `1e21`, `1e-7`, `1.5e-300`.
/// * `NaN`, `INF` and `-INF` are the `xs:double` spellings of the special
///   values; the writers refuse them with an error before calling this.
///
/// Rust's `Display` and `LowerExp` for `f64` print the shortest digit string
/// that round-trips, so `format_double(x).parse::<f64>() == Ok(x)` for every
/// finite `x` (bit for bit, including `-0`).
pub fn format_double(x: f64) -> String {
    if x.is_nan() {
        return "NaN".to_string();
    }
    if x.is_infinite() {
        return if x > 0.0 { "INF" } else { "-INF" }.to_string();
    }
    let magnitude = x.abs();
    if magnitude == 0.0 || (1e-6..1e17).contains(&magnitude) {
        format!("{x}")
    } else {
        format!("{x:e}")
    }
}

/// Escapes `value` for a double-quoted XML attribute. Tabs, newlines and
/// carriage returns become character references so that attribute-value
/// normalisation does not turn them into spaces. Characters XML 1.0 cannot
/// carry at all (most C0 controls) are refused.
pub(crate) fn escape_attr(value: &str) -> std::result::Result<Cow<'_, str>, char> {
    escape(value, true)
}

/// Escapes `value` for XML element content.
pub(crate) fn escape_text(value: &str) -> std::result::Result<Cow<'_, str>, char> {
    escape(value, false)
}

fn escape(value: &str, attribute: bool) -> std::result::Result<Cow<'_, str>, char> {
    let needs =
        |c: char| matches!(c, '&' | '<' | '>' | '"' | '\t' | '\n' | '\r') || !is_xml_char(c);
    if !value.chars().any(needs) {
        return Ok(Cow::Borrowed(value));
    }
    let mut out = String::with_capacity(value.len() + 16);
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if !is_xml_char(c) => return Err(c),
            c => out.push(c),
        }
    }
    Ok(Cow::Owned(out))
}

/// XML 1.0 `Char` production.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

pub(crate) fn xml_value<'a>(
    value: &'a str,
    series_key: &str,
    component: &str,
) -> Result<Cow<'a, str>> {
    escape_attr(value).map_err(|c| Error::InvalidData {
        series_key: series_key.to_string(),
        component: component.to_string(),
        message: format!("character U+{:04X} cannot be written in XML 1.0", c as u32),
    })
}

pub(crate) fn xml_text<'a>(value: &'a str, component: &str) -> Result<Cow<'a, str>> {
    escape_text(value).map_err(|c| Error::InvalidData {
        series_key: String::new(),
        component: component.to_string(),
        message: format!("character U+{:04X} cannot be written in XML 1.0", c as u32),
    })
}

/// A series checked against the DSD: key codes and attribute values in DSD
/// order, ready to write.
pub(crate) struct SeriesPlan<'a> {
    /// Dot-joined key for messages.
    pub key_string: String,
    /// `(dimension id, code)` in DSD order.
    pub key: Vec<(&'a str, &'a str)>,
    /// `(attribute id, value)` of series-level attributes, in DSD order.
    pub attributes: Vec<(&'a str, &'a str)>,
}

/// The time dimension's id used for attachment decisions.
pub(crate) fn obs_dimension(dsd: &DataStructure) -> &str {
    dsd.time_dimension_id()
}

fn invalid(series_key: &str, component: &str, message: impl Into<String>) -> Error {
    Error::InvalidData {
        series_key: series_key.to_string(),
        component: component.to_string(),
        message: message.into(),
    }
}

/// Checks one series' key and series attributes against the DSD.
pub(crate) fn plan_series<'a>(
    series: &'a Series,
    dsd: &'a DataStructure,
) -> Result<SeriesPlan<'a>> {
    let key_string = series.key_string();
    let time = obs_dimension(dsd);
    for (i, (id, _)) in series.key.iter().enumerate() {
        if dsd.dimension(id).is_none() {
            let why = if id == time {
                "the time dimension belongs on observations"
            } else {
                "not a dimension of the DSD"
            };
            return Err(invalid(&key_string, id, why));
        }
        if series.key[..i].iter().any(|(other, _)| other == id) {
            return Err(invalid(&key_string, id, "given twice in the series key"));
        }
    }
    let mut key = Vec::with_capacity(dsd.dimensions.len());
    for dim in &dsd.dimensions {
        match series.key_value(&dim.id) {
            Some(code) => key.push((dim.id.as_str(), code)),
            None => {
                return Err(invalid(
                    &key_string,
                    &dim.id,
                    "dimension missing from the series key",
                ))
            }
        }
    }
    let attributes = ordered_attributes(
        &series.attributes,
        dsd,
        AttachmentLevel::Series,
        &key_string,
    )?;
    Ok(SeriesPlan {
        key_string,
        key,
        attributes,
    })
}

/// Checks one observation and returns its attributes in DSD order.
pub(crate) fn plan_observation<'a>(
    obs: &'a Observation,
    dsd: &'a DataStructure,
    key_string: &str,
) -> Result<Vec<(&'a str, &'a str)>> {
    if obs.time_period.is_empty() {
        return Err(invalid(key_string, obs_dimension(dsd), "empty time period"));
    }
    if let Some(v) = obs.value {
        if !v.is_finite() {
            return Err(invalid(
                &format!("{key_string} @ {}", obs.time_period),
                &dsd.primary_measure.id,
                format!("value {v} is not a finite number"),
            ));
        }
    }
    ordered_attributes(
        &obs.attributes,
        dsd,
        AttachmentLevel::Observation,
        &format!("{key_string} @ {}", obs.time_period),
    )
}

fn ordered_attributes<'a>(
    given: &'a [(String, String)],
    dsd: &'a DataStructure,
    level: AttachmentLevel,
    where_: &str,
) -> Result<Vec<(&'a str, &'a str)>> {
    let time = obs_dimension(dsd);
    for (i, (id, _)) in given.iter().enumerate() {
        let Some(attr) = dsd.attribute(id) else {
            return Err(invalid(where_, id, "not an attribute of the DSD"));
        };
        let expected = attr.attachment_level(time);
        if expected != level {
            return Err(invalid(
                where_,
                id,
                format!("given at {level} level, but the DSD attaches it at {expected} level"),
            ));
        }
        if given[..i].iter().any(|(other, _)| other == id) {
            return Err(invalid(where_, id, "given twice"));
        }
    }
    Ok(dsd
        .attributes
        .iter()
        .filter_map(|a| {
            given
                .iter()
                .find(|(id, _)| *id == a.id)
                .map(|(id, v)| (id.as_str(), v.as_str()))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_double_is_shortest_round_trip() {
        let cases = [
            (3456.7, "3456.7"),
            (0.96125, "0.96125"),
            (27123.0, "27123"),
            (1e-7, "1e-7"),
            (1.5e-7, "1.5e-7"),
            (0.000001, "0.000001"),
            (1e21, "1e21"),
            (1e16, "10000000000000000"),
            (1e17, "1e17"),
            (-0.0, "-0"),
            (0.0, "0"),
            (-12.5, "-12.5"),
            (f64::MAX, "1.7976931348623157e308"),
            (f64::MIN_POSITIVE, "2.2250738585072014e-308"),
            (5e-324, "5e-324"),
            (0.1 + 0.2, "0.30000000000000004"),
        ];
        for (x, text) in cases {
            assert_eq!(format_double(x), text, "format_double({x:?})");
            let back: f64 = text.parse().unwrap();
            assert_eq!(
                back.to_bits(),
                x.to_bits(),
                "{text} does not read back to {x:?}"
            );
        }
    }

    #[test]
    fn format_double_round_trips_across_magnitudes() {
        // A deterministic walk over bit patterns covering every exponent.
        let mut bits: u64 = 0x0123_4567_89AB_CDEF;
        for _ in 0..20_000 {
            bits = bits
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let x = f64::from_bits(bits);
            if !x.is_finite() {
                continue;
            }
            let text = format_double(x);
            assert!(!text.contains("inf") && !text.contains("NaN"), "{text}");
            let mantissa = text.split('e').next().unwrap_or_default();
            let digits = mantissa
                .chars()
                .filter(char::is_ascii_digit)
                .skip_while(|&c| c == '0')
                .count();
            assert!(
                digits <= 17,
                "{x:?} gave {text}: more than 17 significant digits"
            );
            assert!(text.len() <= 26, "{x:?} gave {text}: too long");
            assert_eq!(
                text.parse::<f64>().unwrap().to_bits(),
                x.to_bits(),
                "{text}"
            );
        }
    }

    #[test]
    fn format_double_spells_special_values_as_xs_double() {
        assert_eq!(format_double(f64::NAN), "NaN");
        assert_eq!(format_double(f64::INFINITY), "INF");
        assert_eq!(format_double(f64::NEG_INFINITY), "-INF");
    }

    #[test]
    fn attribute_escaping_covers_markup_quotes_and_whitespace() {
        assert_eq!(
            escape_attr("a<b & \"c\" > d").unwrap(),
            "a&lt;b &amp; &quot;c&quot; &gt; d"
        );
        assert_eq!(
            escape_attr("line1\nline2\ttab\r").unwrap(),
            "line1&#10;line2&#9;tab&#13;"
        );
        assert_eq!(escape_attr("L'été").unwrap(), "L'été");
        assert!(matches!(escape_attr("plain"), Ok(Cow::Borrowed("plain"))));
        assert_eq!(escape_attr("bell\u{7}"), Err('\u{7}'));
        assert_eq!(escape_text("a\"b\nc").unwrap(), "a\"b\nc");
    }
}
