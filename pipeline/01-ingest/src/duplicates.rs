//! `person_id` must be unique in the whole file: a check across batches, in file order.

use std::collections::HashMap;

use arrow::array::{AsArray, RecordBatch};
use arrow::datatypes::Int64Type;
use migstat_artefacts::rejects::Reject;
use migstat_artefacts::schema::core;

use crate::rules;

/// Every `person_id` seen so far, with the row that first had it.
#[derive(Debug, Default)]
pub(crate) struct SeenIds {
    first_row: HashMap<String, u64>,
}

impl SeenIds {
    /// Records the ids of a typed batch (in file order, after every earlier batch) and
    /// returns a reject for each id already seen. Empty ids (already rejected as missing)
    /// are skipped.
    pub fn check(&mut self, batch: &RecordBatch, lines: &[Option<u64>], file: &str) -> Vec<Reject> {
        let ids = batch
            .column_by_name(core::PERSON_ID)
            .expect("core record has person_id")
            .as_string::<i32>();
        let rows = batch
            .column_by_name(core::SOURCE_ROW)
            .expect("core record has source_row")
            .as_primitive::<Int64Type>();
        let mut rejects = Vec::new();
        for (i, id) in ids.iter().enumerate() {
            let Some(id) = id.filter(|id| !id.is_empty()) else {
                continue;
            };
            let row = rows.value(i) as u64;
            if let Some(&first) = self.first_row.get(id) {
                rejects.push(Reject {
                    file: file.to_string(),
                    row: Some(row),
                    line: lines[i],
                    column: core::PERSON_ID.to_string(),
                    value: id.to_string(),
                    rule: rules::PERSON_ID_DUPLICATE,
                    message: format!(
                        "person_id must be unique in the file; row {first} has it too"
                    ),
                });
            } else {
                self.first_row.insert(id.to_string(), row);
            }
        }
        rejects
    }
}
