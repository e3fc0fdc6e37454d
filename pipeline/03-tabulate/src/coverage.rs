//! Which populations the source measured, and so which dataflows are published.
//!
//! A dataflow of the registry may `require` populations of the derived record (e.g.
//! `nonresident_foreign_worker`): nullable Boolean columns where null means *not
//! measured* (pipeline/02-derive: the source did not state what the concept needs). The
//! dataflow is published only when each of them is stated (non-null) for at least one
//! record; otherwise tabulate writes no cell of it and publish no file, rather than a
//! table of zeros for questions the survey never asked (icls-concepts.md §1.4: "Publish
//! it only when the source covers it").
//!
//! The check reads only the required columns of `derived.parquet` and their null counts:
//! a projection, not a pass over the whole record.

use std::collections::BTreeSet;
use std::path::Path;

use arrow::array::{Array, RecordBatchReader};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ProjectionMask;

use migstat_artefacts::registry::{DataflowSpec, Registry};
use migstat_artefacts::{Error, Result};

/// The populations the registry's dataflows require that have at least one non-null value
/// in the derived records at `path`.
pub fn measured_populations(registry: &Registry, path: &Path) -> Result<BTreeSet<String>> {
    let required: BTreeSet<&str> = registry
        .dataflows
        .iter()
        .flat_map(|d| d.requires.iter().map(String::as_str))
        .collect();
    if required.is_empty() {
        return Ok(BTreeSet::new());
    }
    let io = |e: &dyn std::fmt::Display| {
        Error::io(
            path,
            std::io::Error::other(format!("not a readable Parquet file: {e}")),
        )
    };
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| io(&e))?;
    let arrow_schema = builder.schema().clone();
    let mut columns = Vec::new();
    for name in &required {
        let index = arrow_schema.index_of(name).map_err(|_| {
            Error::internal(format!(
                "derived records have no column {name}, which schemas/dataflows.toml requires"
            ))
        })?;
        columns.push(index);
    }
    let mask = ProjectionMask::roots(builder.parquet_schema(), columns);
    let reader = builder.with_projection(mask).build().map_err(|e| io(&e))?;
    let names: Vec<String> = reader
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    let mut measured = BTreeSet::new();
    for batch in reader {
        let batch = batch.map_err(|e| io(&e))?;
        for (name, column) in names.iter().zip(batch.columns()) {
            if column.null_count() < column.len() {
                measured.insert(name.clone());
            }
        }
        if measured.len() == names.len() {
            break;
        }
    }
    Ok(measured)
}

/// Whether `flow` is published given the `measured` populations.
pub fn is_measured(flow: &DataflowSpec, measured: &BTreeSet<String>) -> bool {
    flow.requires.iter().all(|p| measured.contains(p))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    use arrow::array::{BooleanArray, RecordBatch};
    use arrow::datatypes::{DataType, Field, Schema};
    use migstat_artefacts::parquet_io::ParquetSink;
    use migstat_artefacts::reference::Reference;

    #[test]
    fn a_population_is_measured_when_some_record_states_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("derived.parquet");
        let schema = Arc::new(Schema::new(vec![
            Field::new("nonresident_foreign_worker", DataType::Boolean, true),
            Field::new("return_migrant", DataType::Boolean, true),
            Field::new("recent_immigrant", DataType::Boolean, true),
            Field::new("recent_for_work_immigrant", DataType::Boolean, true),
            Field::new("return_migrant_worker", DataType::Boolean, true),
        ]));
        let mut sink = ParquetSink::create(&path, schema.clone()).unwrap();
        for rows in [
            [None, None, None, None, None],
            [None, Some(false), None, Some(true), None],
        ] {
            let columns = rows
                .iter()
                .map(|v| Arc::new(BooleanArray::from(vec![*v])) as arrow::array::ArrayRef)
                .collect();
            sink.write(&RecordBatch::try_new(schema.clone(), columns).unwrap())
                .unwrap();
        }
        sink.finish().unwrap();

        let registry = Reference::bundled().unwrap().registry;
        let measured = measured_populations(&registry, &path).unwrap();
        // A false counts: the concept was measured and the person is not in it.
        assert_eq!(
            measured,
            BTreeSet::from([
                "return_migrant".to_string(),
                "recent_for_work_immigrant".into()
            ])
        );
        let flow = |id: &str| registry.dataflows.iter().find(|d| d.id == id).unwrap();
        assert!(is_measured(flow("DF_MNA_XRET_SEX_AGE_NB"), &measured));
        assert!(!is_measured(flow("DF_MNA_XRMW_SEX_AGE_NB"), &measured));
        assert!(!is_measured(flow("DF_MST_NRFW_SEX_AGE_NRT_NB"), &measured));
        // A dataflow that requires nothing is always published.
        assert!(is_measured(flow("DF_MST_XWAP_SEX_AGE_CBR_NB"), &measured));
    }
}
