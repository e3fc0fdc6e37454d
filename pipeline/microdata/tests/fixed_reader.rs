//! The fixed-width reader on small files whose bytes each test shows.

use std::io::Write;

use migstat_microdata::fixed::{
    CaseBoundary, Column, Encoding, Field, FixedOptions, FixedWidthReader, Layout, PositionUnit,
};
use migstat_microdata::{Error, RecordPosition, RecordReader, Variable, VariableKind};

fn numeric(name: &str, start: usize, width: usize) -> Column {
    Column {
        variable: Variable::new(name, VariableKind::Numeric),
        start,
        width,
        decimals: None,
        record_type: None,
    }
}

fn text(name: &str, start: usize, width: usize) -> Column {
    Column {
        variable: Variable::new(name, VariableKind::Text { width }),
        start,
        width,
        decimals: None,
        record_type: None,
    }
}

fn on(mut column: Column, record_type: &str) -> Column {
    column.record_type = Some(record_type.to_string());
    column
}

fn rectangular(columns: Vec<Column>) -> Layout {
    Layout {
        columns,
        ..Layout::default()
    }
}

/// A household (H) / person (P) layout: type at 1, household id at 2-4 on both.
fn hierarchical() -> Layout {
    Layout {
        columns: vec![
            numeric("HHID", 2, 3),
            on(numeric("REGION", 5, 1), "H"),
            on(
                Column {
                    decimals: Some(2),
                    ..numeric("WEIGHT", 6, 6)
                },
                "H",
            ),
            on(numeric("AGE", 5, 2), "P"),
            on(text("NAME", 7, 6), "P"),
        ],
        record_type: Some(Field { start: 1, width: 1 }),
        record_types: vec!["H".into(), "P".into()],
        dictionary: None,
    }
}

fn carry_household() -> FixedOptions {
    FixedOptions {
        emit: Some("P".into()),
        carry: vec!["H".into()],
        case: Some(CaseBoundary::Key(vec!["HHID".into()])),
        ..FixedOptions::default()
    }
}

type Outcome = Result<(RecordPosition, Vec<Option<String>>), Error>;

/// Reads `bytes` as a file through `layout`: every record or error, with its position.
fn read(bytes: &[u8], layout: &Layout, options: &FixedOptions) -> Vec<Outcome> {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(bytes).unwrap();
    let mut reader = FixedWidthReader::open(file.path(), layout, options).unwrap();
    let mut out = Vec::new();
    let mut values = Vec::new();
    loop {
        match reader.next_record(&mut values) {
            Ok(true) => out.push(Ok((reader.position(), values.clone()))),
            Ok(false) => break,
            Err(e) => {
                assert_eq!(
                    matches!(e, Error::Record { .. }).then(|| reader.position()),
                    match &e {
                        Error::Record { record, line, .. } => Some(RecordPosition {
                            record: *record,
                            line: Some(*line)
                        }),
                        _ => None,
                    },
                    "position() follows errors too"
                );
                out.push(Err(e))
            }
        }
        assert!(out.len() < 100, "the reader does not stop");
    }
    out
}

fn values(outcomes: &[Outcome]) -> Vec<Vec<Option<&str>>> {
    outcomes
        .iter()
        .map(|o| {
            o.as_ref()
                .expect("a good record")
                .1
                .iter()
                .map(|v| v.as_deref())
                .collect()
        })
        .collect()
}

#[test]
fn lf_and_crlf_lines_read_alike() {
    let layout = rectangular(vec![numeric("A", 1, 2), text("B", 3, 3)]);
    let lf = read(b"01abc\n02de\n", &layout, &FixedOptions::default());
    let crlf = read(b"01abc\r\n02de\r\n", &layout, &FixedOptions::default());
    assert_eq!(
        values(&lf),
        [[Some("1"), Some("abc")], [Some("2"), Some("de")]]
    );
    assert_eq!(values(&lf), values(&crlf));
    // The last line may lack its line end.
    assert_eq!(
        values(&read(b"01abc\n02de", &layout, &FixedOptions::default())),
        values(&lf)
    );
}

#[test]
fn a_blank_field_is_none_and_text_keeps_its_leading_blanks() {
    let layout = rectangular(vec![
        numeric("A", 1, 3),
        text("B", 4, 4),
        numeric("C", 8, 2),
    ]);
    let outcomes = read(b"   ab  1\n  7    \n", &layout, &FixedOptions::default());
    assert_eq!(
        values(&outcomes),
        [[None, Some("ab"), Some("1")], [Some("7"), None, None]]
    );
    let outcomes = read(b"001 x  -0\n", &layout, &FixedOptions::default());
    assert_eq!(values(&outcomes), [[Some("1"), Some(" x"), Some("0")]]);
}

#[test]
fn a_short_line_reads_as_if_padded_with_blanks() {
    let layout = rectangular(vec![
        numeric("A", 1, 2),
        numeric("B", 3, 2),
        numeric("C", 5, 2),
    ]);
    let outcomes = read(b"0102\n01\n", &layout, &FixedOptions::default());
    assert_eq!(
        values(&outcomes),
        [[Some("1"), Some("2"), None], [Some("1"), None, None]]
    );
}

#[test]
fn empty_lines_are_skipped_but_counted_in_line_numbers() {
    let layout = rectangular(vec![numeric("A", 1, 2)]);
    let outcomes = read(b"01\n\n\r\n02\n", &layout, &FixedOptions::default());
    let positions: Vec<RecordPosition> = outcomes.iter().map(|o| o.as_ref().unwrap().0).collect();
    assert_eq!(
        positions,
        [
            RecordPosition {
                record: 1,
                line: Some(1)
            },
            RecordPosition {
                record: 2,
                line: Some(4)
            }
        ]
    );
}

#[test]
fn implied_decimals_place_the_point_the_file_leaves_out() {
    let layout = rectangular(vec![Column {
        decimals: Some(2),
        ..numeric("W", 1, 6)
    }]);
    let outcomes = read(
        b"012345\n000050\n-00150\n000000\n",
        &layout,
        &FixedOptions::default(),
    );
    assert_eq!(
        values(&outcomes),
        [[Some("123.45")], [Some("0.5")], [Some("-1.5")], [Some("0")]]
    );
    // A decimal point where the dictionary says it is implied is not guessed at.
    let outcomes = read(b"123.45\n", &layout, &FixedOptions::default());
    let Err(Error::Record {
        variable,
        value,
        message,
        ..
    }) = &outcomes[0]
    else {
        panic!("{outcomes:?}")
    };
    assert_eq!((variable.as_deref(), value.as_str()), (Some("W"), "123.45"));
    assert!(message.contains("implied"), "{message}");
}

#[test]
fn a_non_numeric_value_is_rejected_naming_record_line_variable_and_value_then_reading_goes_on() {
    let layout = rectangular(vec![numeric("A", 1, 2), numeric("B", 3, 3)]);
    let outcomes = read(b"01001\n021O1\n03003\n", &layout, &FixedOptions::default());
    let Err(error) = &outcomes[1] else {
        panic!("{outcomes:?}")
    };
    let Error::Record {
        record,
        line,
        variable,
        value,
        ..
    } = error
    else {
        panic!("{error:?}")
    };
    assert_eq!(
        (*record, *line, variable.as_deref(), value.as_str()),
        (2, 2, Some("B"), "1O1")
    );
    let message = error.to_string();
    assert!(
        message.contains("record 2 (line 2)") && message.contains("not a number"),
        "{message}"
    );
    assert_eq!(values(&outcomes[2..]), [[Some("3"), Some("3")]]);
}

#[test]
fn latin1_and_windows1252_fields_are_cut_by_bytes_then_decoded() {
    // "Müller" is 6 bytes in Latin-1; the number after it stays at byte 7.
    let layout = rectangular(vec![text("NAME", 1, 6), numeric("N", 7, 1)]);
    let latin1 = FixedOptions {
        encoding: Encoding::Latin1,
        ..FixedOptions::default()
    };
    assert_eq!(
        values(&read(b"M\xfcller5\n", &layout, &latin1)),
        [[Some("Müller"), Some("5")]]
    );
    let cp1252 = FixedOptions {
        encoding: Encoding::Windows1252,
        ..FixedOptions::default()
    };
    assert_eq!(
        values(&read(b"\x93Oz\x94  7\n", &layout, &cp1252)),
        [[Some("“Oz”"), Some("7")]]
    );
}

#[test]
fn bytes_that_are_not_utf8_are_rejected_and_a_byte_order_mark_is_skipped() {
    let layout = rectangular(vec![text("NAME", 1, 6), numeric("N", 7, 1)]);
    let outcomes = read(b"M\xfcller5\nAbel  6\n", &layout, &FixedOptions::default());
    assert!(matches!(&outcomes[0], Err(Error::Record { variable: Some(v), .. }) if v == "NAME"));
    assert_eq!(values(&outcomes[1..]), [[Some("Abel"), Some("6")]]);
    // A byte order mark means UTF-8, even if the options said Latin-1.
    let latin1 = FixedOptions {
        encoding: Encoding::Latin1,
        ..FixedOptions::default()
    };
    let outcomes = read(
        "\u{feff}Zoë   1\n".as_bytes(),
        &rectangular(vec![text("NAME", 1, 7), numeric("N", 8, 1)]),
        &latin1,
    );
    assert_eq!(values(&outcomes), [[Some("Zoë"), Some("1")]]);
}

#[test]
fn positions_can_count_characters_of_a_utf8_line() {
    // "Zoë" takes 3 characters but 4 bytes; the number is character 4.
    let layout = rectangular(vec![text("NAME", 1, 3), numeric("N", 4, 1)]);
    let chars = FixedOptions {
        positions: PositionUnit::Characters,
        ..FixedOptions::default()
    };
    assert_eq!(
        values(&read("Zoë7\n".as_bytes(), &layout, &chars)),
        [[Some("Zoë"), Some("7")]]
    );
    // Counted in bytes, the field edge cuts the ë in two: the record is refused, not garbled.
    let outcomes = read("Zoë7\n".as_bytes(), &layout, &FixedOptions::default());
    assert!(
        matches!(&outcomes[0], Err(Error::Record { variable: Some(v), .. }) if v == "NAME"),
        "{outcomes:?}"
    );
}

#[test]
fn a_line_longer_than_the_limit_is_rejected_and_the_next_one_read() {
    let layout = rectangular(vec![numeric("A", 1, 2)]);
    let options = FixedOptions {
        max_line_bytes: 8,
        ..FixedOptions::default()
    };
    let outcomes = read(b"01\n0123456789012\n03\n", &layout, &options);
    assert!(
        matches!(&outcomes[1], Err(Error::Record { line: 2, message, .. }) if message.contains("longer than 8"))
    );
    assert_eq!(values(&outcomes[2..]), [[Some("3")]]);
}

#[test]
fn a_person_record_carries_its_household_variables() {
    let file = b"H00111234567\nP00134Ana\nP00107Ben\nH0022000100\nP00290\n";
    let outcomes = read(file, &hierarchical(), &carry_household());
    assert_eq!(
        values(&outcomes),
        [
            [
                Some("1"),
                Some("1"),
                Some("1234.56"),
                Some("34"),
                Some("Ana")
            ],
            [
                Some("1"),
                Some("1"),
                Some("1234.56"),
                Some("7"),
                Some("Ben")
            ],
            [Some("2"), Some("2"), Some("1"), Some("90"), None],
        ]
    );
    let positions: Vec<_> = outcomes
        .iter()
        .map(|o| o.as_ref().unwrap().0.line)
        .collect();
    assert_eq!(positions, [Some(2), Some(3), Some(5)]);
}

#[test]
fn without_a_key_each_household_record_can_start_a_case() {
    let layout = hierarchical();
    let options = FixedOptions {
        case: Some(CaseBoundary::StartsWith("H".into())),
        ..carry_household()
    };
    // The persons carry no household id of their own here.
    let outcomes = read(
        b"H00111234567\nP   34Ana\nH0022000100\nP   90\n",
        &layout,
        &options,
    );
    let weights: Vec<_> = values(&outcomes).into_iter().map(|r| r[2]).collect();
    assert_eq!(weights, [Some("1234.56"), Some("1")]);
}

#[test]
fn a_case_that_never_ends_stops_the_reading_instead_of_filling_memory() {
    let options = FixedOptions {
        max_case_lines: 3,
        ..carry_household()
    };
    let outcomes = read(
        b"H00111234567\nP00134\nP00134\nP00134\nP00134\n",
        &hierarchical(),
        &options,
    );
    // The error is the last thing the reader says: nothing of the unending case is handed out.
    let [Err(Error::Format { message, .. })] = outcomes.as_slice() else {
        panic!("{outcomes:?}")
    };
    assert!(message.contains("more than 3 records"), "{message}");
}

#[test]
fn a_layout_that_cannot_be_read_is_refused_when_the_file_is_opened() {
    let refused = |layout: &Layout, options: &FixedOptions| -> String {
        let file = tempfile::NamedTempFile::new().unwrap();
        match FixedWidthReader::open(file.path(), layout, options) {
            Err(e @ Error::Dictionary { .. }) => e.to_string(),
            Err(e) => panic!("unexpected {e}"),
            Ok(_) => panic!("accepted"),
        }
    };
    let layout = hierarchical();
    let message = refused(&layout, &FixedOptions::default());
    assert!(message.contains("choose the one to read"), "{message}");
    let message = refused(
        &layout,
        &FixedOptions {
            case: None,
            ..carry_household()
        },
    );
    assert!(message.contains("case boundary"), "{message}");
    let message = refused(
        &layout,
        &FixedOptions {
            case: Some(CaseBoundary::Key(vec!["REGION".into()])),
            ..carry_household()
        },
    );
    assert!(
        message.contains("REGION is only on record type 'H'"),
        "{message}"
    );
    let message = refused(
        &layout,
        &FixedOptions {
            emit: Some("X".into()),
            ..FixedOptions::default()
        },
    );
    assert!(message.contains("'X'"), "{message}");
    let bad = rectangular(vec![Column {
        decimals: Some(1),
        ..text("T", 1, 2)
    }]);
    assert!(refused(&bad, &FixedOptions::default()).contains("text but has 1 implied decimals"));
    let bad = rectangular(vec![numeric("A", 0, 2)]);
    assert!(refused(&bad, &FixedOptions::default()).contains("at least 1"));
}
