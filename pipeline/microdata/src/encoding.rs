//! The character encodings microdata files are written in, decoded to UTF-8.
//!
//! SPSS files name their encoding (the character encoding record, or a Windows code page
//! in the machine integer info record); Stata files before format 118 are in the writer's
//! code page, in practice Windows-1252, and format 118 on is UTF-8; fixed-width text is in
//! whatever its dictionary says (DDI `fileType/@charset`, IPUMS: ISO-8859-1) or the reader
//! is told ([`crate::fixed::FixedOptions::encoding`]). Only the encodings below are
//! supported, each by a table small enough to check by eye; a file in another one is
//! refused with its name rather than read as mojibake.
//!
//! This is the one single-byte decoder of migstat: the SPSS and Stata readers, the
//! fixed-width reader and migstat-ingest's delimited text all decode through it.

use std::borrow::Cow;

/// A character encoding this crate can decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    /// UTF-8 (and its subset ASCII).
    #[default]
    Utf8,
    /// Windows code page 1252 ("ANSI" on Western Windows): ISO-8859-1 with printable
    /// characters (`€`, `‘`, `Œ`...) in place of the C1 controls 0x80-0x9F.
    Windows1252,
    /// ISO-8859-1: each byte is the Unicode code point of the same number.
    Latin1,
}

impl Encoding {
    /// The encoding an IANA or common name denotes (`UTF-8`, `windows-1252`, `CP1252`,
    /// `ANSI`, `ISO-8859-1`, `latin1`, `US-ASCII`...), ignoring case, as SPSS encoding
    /// records, DDI `fileType/@charset` and XML declarations write them; `None` for any
    /// other.
    ///
    /// ASCII-labelled files often hold a few code-page bytes all the same; Windows-1252
    /// reads every ASCII byte as ASCII does and gives the others their most likely meaning,
    /// so `US-ASCII` is read as Windows-1252.
    pub fn from_label(label: &str) -> Option<Encoding> {
        let label = label.trim().to_ascii_lowercase().replace('_', "-");
        match label.as_str() {
            "utf-8" | "utf8" => Some(Encoding::Utf8),
            "windows-1252" | "cp1252" | "1252" | "x-cp1252" | "ms-ansi" | "ansi" => {
                Some(Encoding::Windows1252)
            }
            "iso-8859-1" | "iso8859-1" | "iso-ir-100" | "latin1" | "latin-1" | "l1" | "cp819"
            | "ibm819" => Some(Encoding::Latin1),
            "us-ascii" | "ascii" | "ansi-x3.4-1968" | "646" => Some(Encoding::Windows1252),
            _ => None,
        }
    }

    /// The encoding of a Windows code page number, as SPSS writes it in the machine integer
    /// info record (`2` and `3` are SPSS's own codes for 7-bit and 8-bit ASCII).
    pub(crate) fn from_code_page(code: i32) -> Option<Encoding> {
        match code {
            65001 => Some(Encoding::Utf8),
            1252 | 2 | 3 | 20127 => Some(Encoding::Windows1252),
            28591 => Some(Encoding::Latin1),
            _ => None,
        }
    }

    /// The canonical name of the encoding.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Windows1252 => "windows-1252",
            Encoding::Latin1 => "ISO-8859-1",
        }
    }

    /// `bytes` as text; `None` when the encoding is UTF-8 and they are not valid UTF-8
    /// (the single-byte encodings decode every byte). ASCII is borrowed, never copied.
    pub fn decode(self, bytes: &[u8]) -> Option<Cow<'_, str>> {
        match self {
            Encoding::Utf8 => std::str::from_utf8(bytes).ok().map(Cow::Borrowed),
            _ if bytes.is_ascii() => std::str::from_utf8(bytes).ok().map(Cow::Borrowed),
            Encoding::Latin1 => Some(Cow::Owned(bytes.iter().map(|&b| char::from(b)).collect())),
            Encoding::Windows1252 => {
                Some(Cow::Owned(bytes.iter().map(|&b| windows_1252(b)).collect()))
            }
        }
    }

    /// `bytes` as text, invalid UTF-8 sequences (a multi-byte character cut by a fixed
    /// field width) as U+FFFD: for the binary formats, whose text never stops a record.
    pub fn decode_lossy(self, bytes: &[u8]) -> String {
        match self.decode(bytes) {
            Some(text) => text.into_owned(),
            None => String::from_utf8_lossy(bytes).into_owned(),
        }
    }
}

/// One byte of Windows-1252. Only 0x80-0x9F differ from ISO-8859-1; the five bytes the
/// code page leaves undefined map to the C1 controls of the same number, as the WHATWG
/// Encoding Standard's windows-1252 index does.
fn windows_1252(byte: u8) -> char {
    const HIGH: [char; 32] = [
        '\u{20AC}', '\u{0081}', '\u{201A}', '\u{0192}', '\u{201E}', '\u{2026}', '\u{2020}',
        '\u{2021}', '\u{02C6}', '\u{2030}', '\u{0160}', '\u{2039}', '\u{0152}', '\u{008D}',
        '\u{017D}', '\u{008F}', '\u{0090}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}',
        '\u{2022}', '\u{2013}', '\u{2014}', '\u{02DC}', '\u{2122}', '\u{0161}', '\u{203A}',
        '\u{0153}', '\u{009D}', '\u{017E}', '\u{0178}',
    ];
    match byte {
        0x80..=0x9F => HIGH[usize::from(byte - 0x80)],
        _ => char::from(byte),
    }
}

#[cfg(test)]
mod tests {
    use super::Encoding;

    #[test]
    fn names_and_code_pages_resolve_to_the_supported_encodings() {
        assert_eq!(Encoding::from_label("UTF-8"), Some(Encoding::Utf8));
        assert_eq!(
            Encoding::from_label("windows-1252"),
            Some(Encoding::Windows1252)
        );
        assert_eq!(Encoding::from_label("ANSI"), Some(Encoding::Windows1252));
        assert_eq!(Encoding::from_label("ISO_8859-1"), Some(Encoding::Latin1));
        assert_eq!(
            Encoding::from_label("US-ASCII"),
            Some(Encoding::Windows1252)
        );
        assert_eq!(Encoding::from_label("KOI8-R"), None);
        assert_eq!(Encoding::from_label("EBCDIC"), None);
        assert_eq!(Encoding::from_code_page(65001), Some(Encoding::Utf8));
        assert_eq!(Encoding::from_code_page(1251), None);
    }

    #[test]
    fn windows_1252_and_latin1_differ_only_in_0x80_to_0x9f() {
        // "€ café" in Windows-1252.
        let bytes = [0x80, b' ', b'c', b'a', b'f', 0xE9];
        assert_eq!(Encoding::Windows1252.decode_lossy(&bytes), "€ café");
        assert_eq!(Encoding::Latin1.decode_lossy(&bytes), "\u{80} café");
        assert_eq!(
            Encoding::Windows1252.decode(b"\x80 \x93x\x94").unwrap(),
            "€ “x”"
        );
        assert_eq!(Encoding::Latin1.decode(b"Jos\xe9").unwrap(), "José");
        for byte in (0..=255u8).filter(|b| !(0x80..=0x9F).contains(b)) {
            assert_eq!(
                Encoding::Windows1252.decode(&[byte]),
                Encoding::Latin1.decode(&[byte]),
                "{byte:#04x}"
            );
        }
    }

    #[test]
    fn utf8_is_strict_or_lossy_as_asked() {
        assert_eq!(Encoding::Utf8.decode("ñandú".as_bytes()).unwrap(), "ñandú");
        assert!(Encoding::Utf8.decode(b"Jos\xe9").is_none());
        assert_eq!(Encoding::Utf8.decode_lossy(b"Jos\xe9"), "Jos\u{FFFD}");
        assert!(matches!(
            Encoding::Latin1.decode(b"plain"),
            Some(std::borrow::Cow::Borrowed("plain"))
        ));
    }
}
