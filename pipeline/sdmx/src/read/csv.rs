//! SDMX-CSV 1.0 and 2.0, with a small RFC 4180 parser of its own.
//!
//! The parser reads records line by line (`\n` or `\r\n` ends; a quoted
//! field may span lines), unquotes `"…"` fields and their doubled `""`, and
//! remembers the line and byte offset each record starts at. The delimiter is
//! the character after `DATAFLOW` (1.0) or after `STRUCTURE` (2.0; after
//! `STRUCTURE[…]` when multi-valued fields are announced), `,` by default.

use std::collections::HashSet;
use std::io::BufRead;

use super::data::{
    parse_double, parse_maintainable, resolve_structure, DataFormat, Grouper, Issue, Outcome,
};
use crate::data::{Action, DataMessage, DataSet, Header, Observation, StructureKind, StructureRef};
use crate::error::Result;
use crate::model::{AttachmentLevel, DataStructure, StructureSet};

/// One parsed record: its first line, byte offset, and fields.
struct Record {
    line: u64,
    position: u64,
    fields: Vec<String>,
}

/// A streaming RFC 4180 record reader.
struct Records<R> {
    input: R,
    delimiter: char,
    line: u64,
    position: u64,
    /// The first line, read ahead to find the delimiter.
    pending: Option<String>,
}

impl<R: BufRead> Records<R> {
    fn next_line(&mut self) -> std::result::Result<Option<String>, String> {
        if let Some(l) = self.pending.take() {
            return Ok(Some(l));
        }
        let mut bytes = Vec::new();
        let n = self
            .input
            .read_until(b'\n', &mut bytes)
            .map_err(|e| e.to_string())?;
        if n == 0 {
            return Ok(None);
        }
        String::from_utf8(bytes)
            .map(Some)
            .map_err(|e| format!("invalid UTF-8: {e}"))
    }

    /// The next record; `Err((line, position, message))` for a malformed one.
    #[allow(clippy::type_complexity)]
    fn next(&mut self) -> std::result::Result<Option<Record>, (u64, u64, String)> {
        let (line, position) = (self.line + 1, self.position);
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut quoted = false; // inside a quoted field
        let mut was_quoted = false; // the current field was quoted
        let mut after_quote = false; // just closed a quoted field
        let mut started = false;
        loop {
            let text = match self.next_line() {
                Ok(Some(t)) => t,
                Ok(None) => {
                    if quoted {
                        return Err((line, position, "unterminated quoted field".to_string()));
                    }
                    if !started {
                        return Ok(None);
                    }
                    fields.push(field);
                    return Ok(Some(Record {
                        line,
                        position,
                        fields,
                    }));
                }
                Err(m) => return Err((self.line + 1, self.position, m)),
            };
            started = true;
            self.line += 1;
            self.position += text.len() as u64;
            let mut chars = text.chars().peekable();
            while let Some(c) = chars.next() {
                if quoted {
                    if c == '"' {
                        if chars.peek() == Some(&'"') {
                            chars.next();
                            field.push('"');
                        } else {
                            quoted = false;
                            after_quote = true;
                        }
                    } else {
                        field.push(c);
                    }
                    continue;
                }
                if c == self.delimiter {
                    fields.push(std::mem::take(&mut field));
                    was_quoted = false;
                    after_quote = false;
                } else if c == '\n' || (c == '\r' && chars.peek() == Some(&'\n')) {
                    if c == '\r' {
                        chars.next();
                    }
                    fields.push(field);
                    return Ok(Some(Record {
                        line,
                        position,
                        fields,
                    }));
                } else if after_quote {
                    return Err((
                        self.line,
                        position,
                        format!("unexpected character {c:?} after a closing quote"),
                    ));
                } else if c == '"' {
                    if !field.is_empty() || was_quoted {
                        return Err((
                            self.line,
                            position,
                            "a quote inside an unquoted field (RFC 4180 requires the field to be quoted and the quote doubled)".to_string(),
                        ));
                    }
                    quoted = true;
                    was_quoted = true;
                } else {
                    field.push(c);
                }
            }
            if !quoted {
                // Last line without a line end.
                fields.push(field);
                return Ok(Some(Record {
                    line,
                    position,
                    fields,
                }));
            }
        }
    }
}

/// What a column holds.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Column {
    Structure,
    StructureId,
    Action,
    /// `STRUCTURE_NAME`, `SERIES_KEY`, `OBS_KEY`, unknown columns.
    Ignored,
    Dimension(String),
    Time,
    Measure,
    Attribute(String),
}

pub(crate) fn read_csv<'s, R: BufRead>(
    mut input: R,
    structures: &'s StructureSet,
) -> Result<Outcome<'s>> {
    let mut issues = Vec::new();
    let mut issue = |line: u64, position: u64, key: &str, component: &str, message: String| {
        issues.push(Issue {
            line,
            position,
            series_key: key.to_string(),
            component: component.to_string(),
            message,
            xml: false,
        });
    };

    // Delimiter from the first line.
    let mut first = Vec::new();
    input.read_until(b'\n', &mut first)?;
    let first = match String::from_utf8(first) {
        Ok(s) => s,
        Err(e) => {
            issue(1, 0, "", "csv", format!("invalid UTF-8: {e}"));
            return Ok(outcome(None, None, None, issues));
        }
    };
    let first = first.strip_prefix('\u{FEFF}').unwrap_or(&first).to_string();
    let (format, delimiter) = if let Some(rest) = first.strip_prefix("DATAFLOW") {
        (DataFormat::Csv10, rest.chars().next())
    } else if let Some(rest) = first.strip_prefix("STRUCTURE") {
        let rest = match rest.strip_prefix('[') {
            Some(r) => r.split_once(']').map_or("", |(_, after)| after),
            None => rest,
        };
        (DataFormat::Csv20, rest.chars().next())
    } else {
        let shown: String = first.trim_end().chars().take(40).collect();
        issue(
            1,
            0,
            "",
            "csv",
            format!("not SDMX-CSV: the first column is neither DATAFLOW (1.0) nor STRUCTURE (2.0) (line starts '{shown}')"),
        );
        return Ok(outcome(None, None, None, issues));
    };
    let delimiter = match delimiter {
        Some(c) if c != '\n' && c != '\r' => c,
        _ => ',',
    };
    let mut records = Records {
        input,
        delimiter,
        line: 0,
        position: 0,
        pending: Some(first),
    };
    let header = match records.next() {
        Ok(Some(r)) => r,
        Ok(None) => return Ok(outcome(Some(format), None, None, issues)),
        Err((l, p, m)) => {
            issue(l, p, "", "csv", m);
            return Ok(outcome(Some(format), None, None, issues));
        }
    };
    let mut names: Vec<String> = header
        .fields
        .iter()
        .map(|f| {
            // `labels=both` headers read `ID: Name`.
            f.split_once(": ")
                .map_or(f.as_str(), |(id, _)| id)
                .to_string()
        })
        .collect();
    if let Some(n) = names.first_mut() {
        if n.starts_with("STRUCTURE[") {
            *n = "STRUCTURE".to_string();
        }
    }

    // The first data row decides the structure.
    let mut pending_rows = Vec::new();
    let mut first_row = None;
    loop {
        match records.next() {
            Ok(Some(r)) if r.fields.len() == 1 && r.fields[0].is_empty() => continue,
            Ok(Some(r)) => {
                if r.fields.len() == names.len() {
                    first_row = Some(r);
                    break;
                }
                pending_rows.push(Ok(r));
            }
            Ok(None) => break,
            Err(e) => pending_rows.push(Err(e)),
        }
    }
    let Some(first_row) = first_row else {
        for row in pending_rows {
            report_row_error(&mut issue, row, names.len());
        }
        issue(
            header.line,
            header.position,
            "",
            "csv",
            "no data row with as many fields as the header: the structure cannot be determined"
                .to_string(),
        );
        return Ok(outcome(Some(format), None, None, issues));
    };
    let structure_column = match format {
        DataFormat::Csv10 => 0,
        _ => names.iter().position(|n| n == "STRUCTURE_ID").unwrap_or(1),
    };
    let kind_column = names.iter().position(|n| n == "STRUCTURE");
    let reference = {
        let text = first_row
            .fields
            .get(structure_column)
            .cloned()
            .unwrap_or_default();
        let kind = match (format, kind_column.map(|i| first_row.fields[i].as_str())) {
            (DataFormat::Csv10, _) | (_, Some("dataflow")) => Some(StructureKind::Dataflow),
            (_, Some("datastructure")) => Some(StructureKind::DataStructure),
            _ => None,
        };
        let Some(kind) = kind else {
            issue(
                first_row.line,
                first_row.position,
                "",
                "STRUCTURE",
                format!(
                    "STRUCTURE '{}' is not supported (only dataflow and datastructure)",
                    kind_column.map_or("", |i| first_row.fields[i].as_str())
                ),
            );
            return Ok(outcome(Some(format), None, None, issues));
        };
        let Some((agency_id, id, version)) = parse_maintainable(&text) else {
            issue(
                first_row.line,
                first_row.position,
                "",
                if format == DataFormat::Csv10 {
                    "DATAFLOW"
                } else {
                    "STRUCTURE_ID"
                },
                format!("'{text}' is not a structure reference AGENCY:ID(VERSION)"),
            );
            return Ok(outcome(Some(format), None, None, issues));
        };
        StructureRef {
            agency_id,
            id,
            version,
            kind,
        }
    };
    let dsd = match resolve_structure(structures, &reference) {
        Ok(d) => d,
        Err(m) => {
            let column = if format == DataFormat::Csv10 {
                "DATAFLOW"
            } else {
                "STRUCTURE_ID"
            };
            issue(first_row.line, first_row.position, "", column, m);
            return Ok(outcome(Some(format), None, None, issues));
        }
    };

    // Columns.
    let columns: Vec<Column> = names
        .iter()
        .enumerate()
        .map(|(i, n)| column_of(format, i, n, dsd))
        .collect();
    let mut seen = HashSet::new();
    for (i, (name, col)) in names.iter().zip(&columns).enumerate() {
        if !seen.insert(name.as_str()) {
            issue(
                header.line,
                header.position,
                "",
                name,
                format!("column {name} appears twice; column {} was ignored", i + 1),
            );
        } else if *col == Column::Ignored
            && !matches!(name.as_str(), "STRUCTURE_NAME" | "SERIES_KEY" | "OBS_KEY")
        {
            issue(
                header.line,
                header.position,
                "",
                name,
                format!("not a component of DSD {}", dsd.reference()),
            );
        }
    }
    let columns: Vec<Column> = columns
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            if names[..i].contains(&names[i]) {
                Column::Ignored
            } else {
                c
            }
        })
        .collect();
    if !columns.contains(&Column::Time) {
        issue(
            header.line,
            header.position,
            "",
            dsd.time_dimension_id(),
            format!("column {} is missing", dsd.time_dimension_id()),
        );
    }

    let action_column = columns.iter().position(|c| *c == Column::Action);
    let action_of = |letter: &str| match letter {
        "R" => Some(Action::Replace),
        "A" => Some(Action::Append),
        "D" => Some(Action::Delete),
        "I" => Some(Action::Information),
        _ => None,
    };
    let action = match (format, action_column) {
        (DataFormat::Csv10, _) => Action::Replace,
        (_, None) => Action::Information,
        (_, Some(i)) => match action_of(&first_row.fields[i]) {
            Some(a) => a,
            None => {
                issue(
                    first_row.line,
                    first_row.position,
                    "",
                    "ACTION",
                    format!("ACTION '{}' is not one of I, A, R, D", first_row.fields[i]),
                );
                Action::Replace
            }
        },
    };
    let first_action_text = action_column.map(|i| first_row.fields[i].clone());
    let reference_text = first_row.fields[structure_column].clone();
    let kind_text = kind_column.map(|i| first_row.fields[i].clone());

    let mut grouper = Grouper::default();
    let rows = pending_rows
        .into_iter()
        .chain(std::iter::once(Ok(first_row)))
        .chain(std::iter::from_fn(|| match records.next() {
            Ok(Some(r)) => Some(Ok(r)),
            Ok(None) => None,
            Err(e) => Some(Err(e)),
        }));
    for row in rows {
        let row = match row {
            Ok(r) if r.fields.len() == 1 && r.fields[0].is_empty() => continue,
            Ok(r) if r.fields.len() == names.len() => r,
            other => {
                report_row_error(&mut issue, other, names.len());
                continue;
            }
        };
        let (line, position) = (row.line, row.position);
        if row.fields[structure_column] != reference_text
            || kind_column.map(|i| &row.fields[i]) != kind_text.as_ref()
        {
            issue(
                line,
                position,
                "",
                &names[structure_column],
                format!(
                    "the row references '{}', but the first row references '{reference_text}'; only one structure per file is supported, the row was skipped",
                    row.fields[structure_column]
                ),
            );
            continue;
        }
        if let Some(i) = action_column {
            if Some(&row.fields[i]) != first_action_text.as_ref() {
                issue(
                    line,
                    position,
                    "",
                    "ACTION",
                    format!(
                        "ACTION '{}' differs from the first row's '{}'; one action per file is supported",
                        row.fields[i],
                        first_action_text.as_deref().unwrap_or("")
                    ),
                );
            }
        }
        let mut key = Vec::new();
        let mut time = String::new();
        let mut value = None;
        let mut series_attributes = Vec::new();
        let mut obs_attributes = Vec::new();
        let mut dataset_attributes = Vec::new();
        // Dimensions and attributes in DSD order.
        for d in &dsd.dimensions {
            if let Some(i) = columns
                .iter()
                .position(|c| matches!(c, Column::Dimension(id) if *id == d.id))
            {
                if !row.fields[i].is_empty() {
                    key.push((d.id.clone(), row.fields[i].clone()));
                }
            }
        }
        for (i, c) in columns.iter().enumerate() {
            match c {
                Column::Time => time = row.fields[i].clone(),
                Column::Measure if !row.fields[i].is_empty() => value = Some(row.fields[i].clone()),
                _ => {}
            }
        }
        for a in &dsd.attributes {
            if let Some(i) = columns
                .iter()
                .position(|c| matches!(c, Column::Attribute(id) if *id == a.id))
            {
                let v = &row.fields[i];
                if v.is_empty() {
                    continue;
                }
                match a.attachment_level(dsd.time_dimension_id()) {
                    AttachmentLevel::Series => series_attributes.push((a.id.clone(), v.clone())),
                    AttachmentLevel::Observation => obs_attributes.push((a.id.clone(), v.clone())),
                    AttachmentLevel::DataSet => dataset_attributes.push(a.id.clone()),
                }
            }
        }
        let key_string = key
            .iter()
            .map(|(_, c)| c.as_str())
            .collect::<Vec<_>>()
            .join(".");
        let at = format!("{key_string} @ {time}");
        for id in dataset_attributes {
            issue(
                line,
                position,
                &at,
                &id,
                "data-set-level attribute values are not supported".to_string(),
            );
        }
        if time.is_empty() && columns.contains(&Column::Time) {
            issue(
                line,
                position,
                &at,
                dsd.time_dimension_id(),
                "the observation has no time period".to_string(),
            );
        }
        let value = match value {
            None => None,
            Some(text) => match parse_double(&text) {
                Some(v) => Some(v),
                None => {
                    issue(
                        line,
                        position,
                        &at,
                        &dsd.primary_measure.id,
                        format!("value '{text}' is not a number (xs:double)"),
                    );
                    None
                }
            },
        };
        let obs = Observation {
            time_period: time,
            value,
            attributes: obs_attributes,
        };
        for (id, message) in grouper.add(key, series_attributes, obs) {
            issue(line, position, &key_string, &id, message);
        }
    }

    let dataflow_id = match reference.kind {
        StructureKind::Dataflow => Some(reference.id.clone()),
        StructureKind::DataStructure => None,
    };
    let message = DataMessage {
        header: Header::default(),
        dataset: DataSet {
            structure: reference,
            dataflow_id,
            action,
            series: grouper.series,
        },
    };
    Ok(outcome(Some(format), Some(message), Some(dsd), issues))
}

#[allow(clippy::type_complexity)]
fn report_row_error(
    issue: &mut impl FnMut(u64, u64, &str, &str, String),
    row: std::result::Result<Record, (u64, u64, String)>,
    expected: usize,
) {
    match row {
        Ok(r) => issue(
            r.line,
            r.position,
            "",
            "csv",
            format!(
                "the row has {} fields but the header has {expected}; the row was skipped",
                r.fields.len()
            ),
        ),
        Err((l, p, m)) => issue(l, p, "", "csv", format!("malformed CSV: {m}")),
    }
}

fn column_of(format: DataFormat, index: usize, name: &str, dsd: &DataStructure) -> Column {
    match (format, index, name) {
        (DataFormat::Csv10, 0, _) => return Column::StructureId,
        (DataFormat::Csv20, _, "STRUCTURE") => return Column::Structure,
        (DataFormat::Csv20, _, "STRUCTURE_ID") => return Column::StructureId,
        (DataFormat::Csv20, _, "ACTION") => return Column::Action,
        (DataFormat::Csv20, _, "STRUCTURE_NAME" | "SERIES_KEY" | "OBS_KEY") => {
            return Column::Ignored
        }
        _ => {}
    }
    if name == dsd.time_dimension_id() {
        Column::Time
    } else if name == dsd.primary_measure.id {
        Column::Measure
    } else if dsd.dimension(name).is_some() {
        Column::Dimension(name.to_string())
    } else if dsd.attribute(name).is_some() {
        Column::Attribute(name.to_string())
    } else {
        Column::Ignored
    }
}

fn outcome<'s>(
    format: Option<DataFormat>,
    message: Option<DataMessage>,
    dsd: Option<&'s DataStructure>,
    issues: Vec<Issue>,
) -> Outcome<'s> {
    Outcome {
        format,
        message,
        dsd,
        issues,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Vec<std::result::Result<Vec<String>, String>> {
        let mut r = Records {
            input: text.as_bytes(),
            delimiter: ',',
            line: 0,
            position: 0,
            pending: None,
        };
        let mut out = Vec::new();
        loop {
            match r.next() {
                Ok(Some(rec)) => out.push(Ok(rec.fields)),
                Ok(None) => break,
                Err((_, _, m)) => {
                    out.push(Err(m));
                    break;
                }
            }
        }
        out
    }

    #[test]
    fn rfc_4180_records() {
        let got = parse("a,b,c\r\n\"x,1\",\"say \"\"hi\"\"\",\"two\nlines\"\nlast,,\n");
        assert_eq!(
            got,
            vec![
                Ok(vec!["a".into(), "b".into(), "c".into()]),
                Ok(vec!["x,1".into(), "say \"hi\"".into(), "two\nlines".into()]),
                Ok(vec!["last".into(), "".into(), "".into()]),
            ]
        );
        assert_eq!(parse("a,b"), vec![Ok(vec!["a".into(), "b".into()])]);
        assert_eq!(parse("\"cr\r\"\n"), vec![Ok(vec!["cr\r".into()])]);
        assert!(parse("\"open\n").last().unwrap().is_err());
        assert!(parse("a\"b\n").last().unwrap().is_err());
        assert!(parse("\"a\"b\n").last().unwrap().is_err());
    }
}
