//! The physical plan: one DataFusion pass over the derived records.
//!
//! ```text
//! derived.parquet ─ project: per status s, w_s = weight if in scope and lfs = s else 0
//!                 │                       n_s = 1      if in scope and lfs = s else 0
//!                 ├ join AGE bands on age (one row per band the age falls in)
//!                 └ aggregate GROUPING SETS (plan.grouping_sets): sum(w_s), sum(n_s),
//!                   grouping(dim) for every categorical dimension
//! ```
//!
//! Out-of-scope persons are never filtered out; their weights are zeroed, as a survey
//! domain must be (Lumley, *Complex Surveys*, 2010, §2.3; R `survey`'s
//! `"[.survey.design2"`), so the same pass can later carry design variables for variance.
//! Weights are summed as exact decimals, so the result does not depend on the order in
//! which DataFusion's partitions meet.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, Int32Array, RecordBatch, StringArray};
use arrow::compute::cast;
use arrow::datatypes::{DataType, Decimal128Type, Field, Int32Type, Int64Type, Schema};
use datafusion::common::{JoinType, ScalarValue};
use datafusion::functions_aggregate::expr_fn::{grouping, sum};
use datafusion::logical_expr::{grouping_set, ident, lit, when, Expr};
use datafusion::prelude::{ParquetReadOptions, SessionContext};

use migstat_artefacts::schema::{derived, WEIGHT_SCALE};
use migstat_artefacts::{schema, Error, Result};

use crate::plan::{DimensionKind, TabulationPlan};

/// One aggregated cell: its key and, per status of the plan, the weighted and
/// unweighted in-scope totals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AggregateCell {
    /// Per plan dimension: the code, or `None` where the dimension is rolled up (total).
    pub key: Vec<Option<String>>,
    /// Per plan status: the sum of in-scope weights, in units of 10^-9.
    pub weights: Vec<i128>,
    /// Per plan status: the number of in-scope records.
    pub records: Vec<i64>,
}

/// Runs the plan over `derived_path` and returns every aggregated cell.
pub fn aggregate(plan: &TabulationPlan, derived_path: &Path) -> Result<Vec<AggregateCell>> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::internal(format!("tokio runtime: {e}")))?;
    runtime
        .block_on(run_query(plan, derived_path))
        .map_err(|e| match e {
            datafusion::error::DataFusionError::IoError(io) => Error::io(derived_path, io),
            other => Error::internal(format!("tabulation query: {other}")),
        })
}

fn weight_column(i: usize) -> String {
    format!("w_{i}")
}
fn records_column(i: usize) -> String {
    format!("n_{i}")
}
fn grouping_column(dim: &str) -> String {
    format!("grouping_{dim}")
}

async fn run_query(
    plan: &TabulationPlan,
    path: &Path,
) -> datafusion::error::Result<Vec<AggregateCell>> {
    let ctx = SessionContext::new();
    let derived_schema = schema::derived_record();
    let options = ParquetReadOptions {
        schema: Some(derived_schema.as_ref()),
        ..Default::default()
    };
    let path_text = path.to_str().ok_or_else(|| {
        datafusion::error::DataFusionError::Plan(format!("path is not UTF-8: {}", path.display()))
    })?;
    let persons = ctx.read_parquet(path_text, options).await?;

    let zero_weight = lit(ScalarValue::Decimal128(Some(0), 38, WEIGHT_SCALE as i8));
    let mut projection: Vec<Expr> = Vec::new();
    for dim in &plan.dimensions {
        let person_column = match dim.kind {
            DimensionKind::Categorical { .. } => dim.id.clone(),
            DimensionKind::Banded { .. } => banded_value_column(&dim.id),
        };
        projection.push(ident(dim.column.as_str()).alias(person_column));
    }
    for (i, status) in plan.statuses.iter().enumerate() {
        let counted = ident(derived::IN_SCOPE).and(ident(derived::LFS).eq(lit(status.as_str())));
        projection.push(
            when(counted.clone(), ident(derived::WEIGHT))
                .otherwise(zero_weight.clone())?
                .alias(weight_column(i)),
        );
        projection.push(
            when(counted, lit(1i64))
                .otherwise(lit(0i64))?
                .alias(records_column(i)),
        );
    }
    let mut cells = persons.select(projection)?;

    // Each banded dimension: join its membership table (value -> every band containing it).
    for dim in &plan.dimensions {
        if let DimensionKind::Banded { bands } = &dim.kind {
            let membership = band_membership(&dim.id, bands)?;
            let value = banded_value_column(&dim.id);
            let member_value = format!("{value}_member");
            cells = ctx.read_batch(membership)?.join(
                cells,
                JoinType::Inner,
                &[member_value.as_str()],
                &[value.as_str()],
                None,
            )?;
        }
    }

    let sets = plan
        .grouping_sets
        .iter()
        .map(|set| set.iter().map(|id| ident(id.as_str())).collect())
        .collect();
    let mut aggregates = Vec::new();
    for i in 0..plan.statuses.len() {
        aggregates.push(sum(ident(weight_column(i))).alias(weight_column(i)));
        aggregates.push(sum(ident(records_column(i))).alias(records_column(i)));
    }
    for dim in plan.categorical() {
        aggregates.push(grouping(ident(dim.id.as_str())).alias(grouping_column(&dim.id)));
    }
    let batches = cells
        .aggregate(vec![grouping_set(sets)], aggregates)?
        .collect()
        .await?;

    let mut out = Vec::new();
    for batch in &batches {
        read_cells(plan, batch, &mut out)?;
    }
    // Partitions arrive in any order; the cells' order must not depend on it.
    out.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(out)
}

/// Internal column names are lower case: DataFusion normalises unquoted names in joins.
fn banded_value_column(dim: &str) -> String {
    format!("{}_value", dim.to_lowercase())
}

/// One row per (value, band) for every value 0..=130 a band contains.
fn band_membership(
    dim: &str,
    bands: &[migstat_artefacts::reference::AgeBand],
) -> datafusion::error::Result<RecordBatch> {
    let mut values = Vec::new();
    let mut codes = Vec::new();
    for age in 0..=130 {
        for band in bands.iter().filter(|b| b.contains(age)) {
            values.push(age);
            codes.push(band.code.clone());
        }
    }
    let value_name = format!("{}_member", banded_value_column(dim));
    let schema = Arc::new(Schema::new(vec![
        Field::new(value_name, DataType::Int32, false),
        Field::new(dim, DataType::Utf8, false),
    ]));
    Ok(RecordBatch::try_new(
        schema,
        vec![
            Arc::new(Int32Array::from(values)) as ArrayRef,
            Arc::new(StringArray::from(codes)) as ArrayRef,
        ],
    )?)
}

fn read_cells(
    plan: &TabulationPlan,
    batch: &RecordBatch,
    out: &mut Vec<AggregateCell>,
) -> datafusion::error::Result<()> {
    let column = |name: &str| -> datafusion::error::Result<&ArrayRef> {
        batch.column_by_name(name).ok_or_else(|| {
            datafusion::error::DataFusionError::Internal(format!("no column {name} in aggregate"))
        })
    };
    let mut keys: Vec<(StringArray, Option<&ArrayRef>)> = Vec::new();
    for dim in &plan.dimensions {
        let codes = cast(column(&dim.id)?, &DataType::Utf8)?
            .as_string::<i32>()
            .clone();
        let rolled = match dim.kind {
            DimensionKind::Categorical { .. } => Some(column(&grouping_column(&dim.id))?),
            DimensionKind::Banded { .. } => None,
        };
        keys.push((codes, rolled));
    }
    let mut weights = Vec::new();
    let mut records = Vec::new();
    for i in 0..plan.statuses.len() {
        weights.push(column(&weight_column(i))?.as_primitive::<Decimal128Type>());
        records.push(column(&records_column(i))?.as_primitive::<Int64Type>());
    }
    for row in 0..batch.num_rows() {
        let key = keys
            .iter()
            .map(|(codes, rolled)| {
                let is_rolled = rolled.is_some_and(|g| {
                    let g = g.as_primitive::<Int32Type>();
                    g.is_valid(row) && g.value(row) == 1
                });
                (!is_rolled && codes.is_valid(row)).then(|| codes.value(row).to_string())
            })
            .collect();
        let value =
            |a: &dyn Array, get: &dyn Fn(usize) -> i128| if a.is_valid(row) { get(row) } else { 0 };
        out.push(AggregateCell {
            key,
            weights: weights.iter().map(|w| value(*w, &|r| w.value(r))).collect(),
            records: records
                .iter()
                .map(|n| value(*n, &|r| n.value(r) as i128) as i64)
                .collect(),
        });
    }
    Ok(())
}

/// Indexes cells by key for lookup.
pub fn index(cells: &[AggregateCell]) -> HashMap<&[Option<String>], &AggregateCell> {
    cells.iter().map(|c| (c.key.as_slice(), c)).collect()
}
