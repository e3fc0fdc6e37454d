//! No input makes the dictionary parsers or the reader panic: truncated and corrupted
//! copies of every test dictionary and data file give errors or records, nothing else.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use migstat_microdata::fixed::{FixedOptions, FixedWidthReader, Layout};
use migstat_microdata::{dcf, ddi, RecordReader};

fn data(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(path)
}

/// A small deterministic generator (xorshift), so that every run tries the same inputs.
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Truncations at 100 lengths, then `count` copies with bytes overwritten, inserted or
/// removed; the replacement bytes favour what the formats care about. (Counts sized for a
/// debug build: the whole file runs in about a second.)
fn mutants(original: &[u8], seed: u64, count: usize) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let step = (original.len() / 100).max(1);
    for len in (0..original.len()).step_by(step) {
        out.push(original[..len].to_vec());
    }
    let interesting = b"=[];:'\"<>/&#\n\r 0-9.Zx\xff\xc3\xef\xbb\xbf{}";
    let mut noise = Noise(seed);
    for _ in 0..count {
        let mut bytes = original.to_vec();
        for _ in 0..1 + noise.below(4) {
            let at = noise.below(bytes.len());
            let byte = interesting[noise.below(interesting.len())];
            match noise.below(3) {
                0 if !bytes.is_empty() => bytes[at] = byte,
                1 => bytes.insert(at, byte),
                _ if !bytes.is_empty() => {
                    bytes.remove(at);
                }
                _ => {}
            }
        }
        out.push(bytes);
    }
    out
}

/// Reads every record of `bytes` through `layout`; stops after far more calls than lines.
fn drain(bytes: &[u8], layout: &Layout, options: &FixedOptions) {
    let Ok(mut reader) =
        FixedWidthReader::from_reader(Cursor::new(bytes), "mutant.dat", layout, options)
    else {
        return;
    };
    let mut values = Vec::new();
    let limit = bytes.iter().filter(|&&b| b == b'\n').count() * 4 + 10;
    for _ in 0..limit {
        match reader.next_record(&mut values) {
            Ok(false) => return,
            Ok(true) => assert_eq!(values.len(), reader.variables().len()),
            Err(_) => {}
        }
    }
    panic!(
        "the reader did not reach the end of a {}-byte input",
        bytes.len()
    );
}

#[test]
fn damaged_cspro_dictionaries_give_errors_not_panics() {
    for (file, seed) in [
        ("dcf/popstan.dcf", 1),
        ("dcf/popstan.json.dcf", 2),
        ("dcf/ValueProcessor.dcf", 3),
    ] {
        let original = std::fs::read(data(file)).unwrap();
        for bytes in mutants(&original, seed, 250) {
            if let Ok(dictionary) = dcf::parse_bytes(&bytes, Path::new(file)) {
                let _ = dictionary.layout();
                let _ = dictionary.options_for("PERSON", &["HOUSING"]);
            }
        }
    }
}

#[test]
fn damaged_ddi_codebooks_give_errors_not_panics() {
    for (file, seed) in [("ddi/cps_00159.xml", 4), ("ddi/cps_00160.xml", 5)] {
        let original = std::fs::read(data(file)).unwrap();
        for bytes in mutants(&original, seed, 250) {
            if let Ok(codebook) = ddi::parse_bytes(&bytes, Path::new(file)) {
                let _ = codebook.layout();
                let _ = codebook.encoding();
                let _ = codebook.options_for("P", &["H"]);
            }
        }
    }
}

#[test]
fn damaged_data_files_give_errors_or_records_not_panics() {
    let popstan = dcf::parse(data("dcf/popstan.dcf")).unwrap();
    let popstan_layout = popstan.layout().unwrap();
    let ipums = ddi::parse(data("ddi/cps_00159.xml")).unwrap();
    let ipums_layout = ipums.layout().unwrap();
    let cases = [
        (
            "dcf/popstan.dat",
            &popstan_layout,
            popstan.options_for("PERSON", &["HOUSING"]).unwrap(),
        ),
        (
            "dcf/popstan_bad.dat",
            &popstan_layout,
            popstan.options_for("HOUSING", &[]).unwrap(),
        ),
        (
            "ddi/cps_00159.dat",
            &ipums_layout,
            ipums.options_for("P", &["H"]).unwrap(),
        ),
    ];
    for (seed, (file, layout, options)) in cases.into_iter().enumerate() {
        let original = std::fs::read(data(file)).unwrap();
        for bytes in mutants(&original, seed as u64 + 10, 150) {
            drain(&bytes, layout, &options);
            let characters = FixedOptions {
                positions: migstat_microdata::fixed::PositionUnit::Characters,
                max_line_bytes: 40,
                max_case_lines: 2,
                ..options.clone()
            };
            drain(&bytes, layout, &characters);
        }
    }
}

#[test]
fn absurd_positions_and_counts_are_refused_not_overflowed() {
    let dcf_text = std::fs::read_to_string(data("dcf/popstan.dcf")).unwrap();
    for (from, to) in [
        ("Start=2\n", "Start=18446744073709551615\n"),
        ("Len=8\n", "Len=9999999999\n"),
        ("Occurrences=3\n", "Occurrences=4294967295\n"),
        ("Occurrences=3\n", "Occurrences=99999\n"),
        ("RecordTypeLen=1\n", "RecordTypeLen=18446744073709551615\n"),
        (
            "Value=10:9999;10+ persons",
            "Value=100000000000000000000:100000000000000000005;huge",
        ),
        ("Decimal=4\n", "Decimal=4294967296\n"),
    ] {
        let text = dcf_text.replacen(from, to, 1);
        if let Ok(dictionary) = dcf::parse_bytes(text.as_bytes(), Path::new("absurd.dcf")) {
            if let Ok(layout) = dictionary.layout() {
                drain(
                    b"1010200300410050061\n",
                    &layout,
                    &dictionary.options_for("PERSON", &[]).unwrap(),
                );
            }
        }
    }
    let xml = std::fs::read_to_string(data("ddi/cps_00159.xml")).unwrap();
    for (from, to) in [
        (
            "EndPos=\"1\" StartPos=\"1\"",
            "EndPos=\"18446744073709551615\" StartPos=\"1\"",
        ),
        (
            "StartPos=\"2\" width=\"4\"",
            "StartPos=\"18446744073709551615\" width=\"4\"",
        ),
        ("dcml=\"4\"", "dcml=\"4294967295\""),
    ] {
        let text = xml.replacen(from, to, 1);
        if let Ok(codebook) = ddi::parse_bytes(text.as_bytes(), Path::new("absurd.xml")) {
            if let Ok(layout) = codebook.layout() {
                drain(
                    b"H196200001\n",
                    &layout,
                    &codebook.options_for("H", &[]).unwrap(),
                );
            }
        }
    }
}
