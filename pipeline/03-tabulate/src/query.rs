//! The physical plan: one DataFusion pass over the derived records.
//!
//! ```text
//! derived.parquet ─ filter: persons in some status's population (not with Taylor)
//!                 ├ aggregate by person key (dimension values, populations, labour force
//!                 │ status; PSU with Taylor): sum(weight), count, sum(repwt_r), largest
//!                 ├ project: per status s, w_s = key weight if the key counts in s else 0
//!                 │          (n_s, rw_s_r, largest_s likewise)
//!                 ├ aggregate by dimension key (and PSU): sum(w_s), sum(n_s), ...
//!                 ├ Taylor only: join AGE bands on the age class (a row per band)
//!                 └ aggregate GROUPING SETS (plan.grouping_sets; with Taylor variance
//!                   each set also grouped by stratum and PSU, plus the set (stratum, PSU)
//!                   listing the design's PSUs): sum(w_s), sum(n_s), sum(rw_s_r),
//!                   grouping(dim) for every dimension
//! read_rows       ─ each age class's sums added into every AGE band containing it
//! ```
//!
//! Out-of-scope persons are not filtered out where it would change a variance: with
//! Taylor linearisation their weights are zeroed, as a survey domain's must be (Lumley,
//! *Complex Surveys*, 2010, §2.3; R `survey`'s `"[.survey.design2"`): a PSU whose persons
//! are all outside a cell still counts, with a zero total, in that cell's variance.
//! Replicate variances are sums over the cell's persons alone, so there (and for point
//! estimates) a person in none of the statuses' populations, who adds zero to every sum,
//! is left out before the grouping. Weights are summed as exact decimals, so the result
//! does not depend on the order in which DataFusion's partitions meet.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, RecordBatch, RecordBatchReader, StringArray};
use arrow::compute::cast;
use arrow::datatypes::{DataType, Decimal128Type, Field, Int32Type, Int64Type, Schema, SchemaRef};
use datafusion::common::{JoinType, ScalarValue};
use datafusion::functions_aggregate::expr_fn::{grouping, sum};
use datafusion::logical_expr::{grouping_set, ident, lit, when, Expr, LogicalPlanBuilder};
use datafusion::prelude::{DataFrame, ParquetReadOptions, SessionContext};

use migstat_artefacts::config::{Engine, VarianceMethod};
use migstat_artefacts::registry::split_term;
use migstat_artefacts::schema::{derived, WEIGHT_SCALE};
use migstat_artefacts::{parquet_io, schema, Error, Result};

use crate::dominance::LargestValues;
use crate::keys::{AgeClasses, KeyColumn, KeyPacking, KeyValues};
use crate::plan::{DimensionKind, TabulationPlan};

/// What the design asks the pass to carry besides point estimates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DesignPass {
    /// Point estimates only.
    None,
    /// Per-PSU totals of every cell (Taylor linearisation).
    PsuTotals,
    /// Replicate-weighted totals of every cell (replicate methods), `R` replicates.
    Replicates(usize),
}

impl DesignPass {
    /// The pass a variance method needs, given the replicates present in the artefact.
    pub fn for_method(method: VarianceMethod, replicates: usize) -> DesignPass {
        match method {
            VarianceMethod::None => DesignPass::None,
            VarianceMethod::Taylor => DesignPass::PsuTotals,
            _ => DesignPass::Replicates(replicates),
        }
    }
}

/// In-scope totals of one cell (or of one cell within one PSU).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Totals {
    /// Per plan status: the sum of in-scope weights, in units of 10^-9.
    pub weights: Vec<i128>,
    /// Per plan status: the number of in-scope records.
    pub records: Vec<i64>,
    /// Per plan status, per replicate: the sum of in-scope replicate weights (10^-9).
    pub replicates: Vec<Vec<i128>>,
    /// Per plan status: the largest in-scope weights (10^-9), largest first, at most
    /// `plan.largest_contributions` of them (empty when the plan keeps none).
    pub largest: Vec<Vec<i128>>,
}

impl Totals {
    /// Adds `other` in; the largest contributions keep the `largest_n` largest.
    fn add(&mut self, other: &Totals, largest_n: usize) {
        if self.weights.is_empty() {
            *self = other.clone();
            return;
        }
        for (a, b) in self.weights.iter_mut().zip(&other.weights) {
            *a += b;
        }
        for (a, b) in self.records.iter_mut().zip(&other.records) {
            *a += b;
        }
        for (a, b) in self.replicates.iter_mut().zip(&other.replicates) {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
        for (a, b) in self.largest.iter_mut().zip(&other.largest) {
            *a = crate::dominance::merge_largest([a.as_slice(), b.as_slice()], largest_n);
        }
    }
}

/// A stratum and PSU of the design (either may be null when not stated).
pub type PsuId = (Option<String>, Option<String>);

/// Everything the single pass returns.
#[derive(Debug, Clone, Default)]
pub struct Aggregates {
    /// Per cell key (per plan dimension: the code, or `None` where rolled up): totals.
    pub cells: BTreeMap<Vec<Option<String>>, Totals>,
    /// Taylor only: per cell key, the totals of each PSU with a non-zero contribution.
    pub by_psu: BTreeMap<Vec<Option<String>>, BTreeMap<PsuId, Totals>>,
    /// Taylor only: every PSU of the design (records with weight > 0), by stratum.
    pub design_psus: Vec<PsuId>,
}

/// Runs the plan over `derived_path`.
pub fn aggregate(
    plan: &TabulationPlan,
    derived_path: &Path,
    pass: DesignPass,
    engine: &Engine,
) -> Result<Aggregates> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::internal(format!("tokio runtime: {e}")))?;
    runtime
        .block_on(run_query(plan, derived_path, pass, engine))
        .map_err(|e| match e {
            datafusion::error::DataFusionError::IoError(io) => Error::io(derived_path, io),
            // The memory pool is too small for the plan's unspillable state (e.g. hundreds
            // of replicate sums per cell): the operator raises the limit. The error may
            // come wrapped (in context, or shared between partitions): the root decides.
            e if matches!(
                e.find_root(),
                datafusion::error::DataFusionError::ResourcesExhausted(_)
            ) && !crate::engine::is_remote(engine) =>
            {
                Error::Engine {
                    url: engine.url.clone(),
                    message: format!(
                        "the tabulation needs more memory than [engine] memory_limit_mib = {} \
                         allows ({}); raise it in the config or with migstat --memory-limit",
                        engine.memory_limit_mib,
                        e.find_root()
                    ),
                }
            }
            // On a cluster, a failed query is the cluster's (unreachable executors, a file
            // they cannot see, another Ballista version), not a bug of this plan: the
            // local engine runs the same plan in every test.
            other if crate::engine::is_remote(engine) => Error::Engine {
                url: engine.url.clone(),
                message: other.to_string(),
            },
            other => Error::internal(format!("tabulation query: {other}")),
        })
}

/// The number of replicate weights in a derived-record artefact.
pub fn replicates_in_artefact(path: &Path) -> Result<usize> {
    Ok(schema::replicates_in(&parquet_io::read(path)?.schema()))
}

fn weight_column(i: usize) -> String {
    format!("w_{i}")
}
fn records_column(i: usize) -> String {
    format!("n_{i}")
}
fn replicate_sum_column(i: usize, r: usize) -> String {
    format!("rw_{i}_{r}")
}
fn largest_column(i: usize, rank: usize) -> String {
    format!("largest_{i}_{rank}")
}
fn grouping_column(dim: &str) -> String {
    format!("grouping_{}", dim.to_lowercase())
}
/// Internal column names are lower case: DataFusion normalises unquoted names in joins.
fn banded_value_column(dim: &str) -> String {
    format!("{}_value", dim.to_lowercase())
}
/// The column a dimension's person-level value has before the band join: the dimension
/// id itself for a categorical one, its value column for a banded one.
fn person_column(dim: &crate::plan::PlanDimension) -> String {
    match dim.kind {
        DimensionKind::Categorical { .. } => dim.id.clone(),
        DimensionKind::Banded { .. } => banded_value_column(&dim.id),
    }
}
/// The columns the statuses' terms read: their populations, and the labour force status
/// when a term names one, in first-use order.
fn status_columns(plan: &TabulationPlan) -> Vec<String> {
    let mut columns: Vec<String> = Vec::new();
    for status in &plan.statuses {
        let (population, lfs) = split_term(status);
        let needed = std::iter::once(population).chain(lfs.map(|_| derived::LFS));
        for column in needed {
            if !columns.iter().any(|c| c == column) {
                columns.push(column.to_string());
            }
        }
    }
    columns
}
fn status_key_column(column: &str) -> String {
    format!("key_{column}")
}
fn key_replicate_column(r: usize) -> String {
    format!("key_rw_{r}")
}
fn key_largest_column(rank: usize) -> String {
    format!("key_largest_{rank}")
}
const KEY_WEIGHT: &str = "key_weight";
const KEY_RECORDS: &str = "key_records";
const STRATUM: &str = "design_stratum";
const PSU: &str = "design_psu";
const DESIGN_RECORDS: &str = "design_records";

/// The types the derived records are read as. The code columns (sex, CBR, LFS, ...) the
/// persons are grouped by are read as string views: a group compares a short code inline
/// in its 16-byte view instead of through the text buffers (the grouping of persons by a
/// dozen text columns is most of the tabulation: 1M persons, 1.00 s -> 0.83 s).
/// Except in the per-PSU pass of a Taylor design: there the groups are many, and a view
/// keeps the Parquet page it points into alive as long as its group (peak 1.6 GiB
/// against 0.8 GiB at 1M persons, and slower for the spilling). Identifiers and the
/// design's text stay plain.
fn read_schema(derived: SchemaRef, pass: DesignPass) -> SchemaRef {
    if pass == DesignPass::PsuTotals {
        return derived;
    }
    let plain = [
        derived::PERSON_ID,
        derived::HOUSEHOLD_ID,
        derived::STRATUM,
        derived::PSU,
    ];
    let fields: Vec<Field> = derived
        .fields()
        .iter()
        .map(|f| {
            let code = f.data_type() == &DataType::Utf8 && !plain.contains(&f.name().as_str());
            let field = f.as_ref().clone();
            if code {
                field.with_data_type(DataType::Utf8View)
            } else {
                field
            }
        })
        .collect();
    Arc::new(Schema::new(fields))
}

async fn run_query(
    plan: &TabulationPlan,
    path: &Path,
    pass: DesignPass,
    engine: &Engine,
) -> datafusion::error::Result<Aggregates> {
    let replicates = match pass {
        DesignPass::Replicates(r) => r,
        _ => 0,
    };
    let ctx = crate::engine::session(engine, replicates).await?;
    let derived_schema = read_schema(
        schema::with_replicates(schema::derived_record(), replicates_of(path)?),
        pass,
    );
    let options = ParquetReadOptions {
        schema: Some(derived_schema.as_ref()),
        ..Default::default()
    };
    let path_text = path.to_str().ok_or_else(|| {
        datafusion::error::DataFusionError::Plan(format!("path is not UTF-8: {}", path.display()))
    })?;
    let persons = ctx.read_parquet(path_text, options).await?;

    let zero_weight = lit(ScalarValue::Decimal128(Some(0), 38, WEIGHT_SCALE as i8));
    let largest_n = plan.largest_contributions.unwrap_or(0);

    // 1. Persons -> one row per person key: every dimension's person-level value, the
    //    columns that decide which statuses a person counts in (its populations and
    //    labour force status), and the PSU with Taylor. Status-independent sums only:
    //    the weight, the records, each replicate weight, so that the pass over millions
    //    of persons carries 2 + R sums, not 2 + R per status (with 80 replicates and a
    //    dozen statuses, a thousand).
    let status_columns = status_columns(plan);
    let mut projection: Vec<Expr> = Vec::new();
    for dim in &plan.dimensions {
        projection.push(ident(dim.column.as_str()).alias(person_column(dim)));
    }
    for column in &status_columns {
        projection.push(ident(column.as_str()).alias(status_key_column(column)));
    }
    projection.push(ident(derived::WEIGHT).alias(KEY_WEIGHT));
    for r in 1..=replicates {
        projection.push(ident(schema::replicate_column(r)).alias(key_replicate_column(r)));
    }
    if pass == DesignPass::PsuTotals {
        projection.push(ident(derived::STRATUM).alias(STRATUM));
        projection.push(ident(derived::PSU).alias(PSU));
        let positive = ident(derived::WEIGHT).gt(zero_weight.clone());
        projection.push(
            when(positive, lit(1i64))
                .otherwise(lit(0i64))?
                .alias(DESIGN_RECORDS),
        );
    }
    let mut key_sums = vec![
        sum(ident(KEY_WEIGHT)).alias(KEY_WEIGHT),
        sum(lit(1i64)).alias(KEY_RECORDS),
    ];
    for r in 1..=replicates {
        key_sums.push(sum(ident(key_replicate_column(r))).alias(key_replicate_column(r)));
    }
    if pass == DesignPass::PsuTotals {
        key_sums.push(sum(ident(DESIGN_RECORDS)).alias(DESIGN_RECORDS));
    }
    for rank in 1..=largest_n {
        key_sums.push(
            LargestValues::udaf(largest_n, rank, 1)
                .call(vec![ident(KEY_WEIGHT)])
                .alias(key_largest_column(rank)),
        );
    }
    // Grouped by one packed integer instead of a dozen columns (crate::keys).
    let packing = key_packing(plan, path, &derived_schema, &status_columns, pass)?;
    let mut group_by = packing.group_by();
    if let Some(key) = packing.pack() {
        group_by[0] = key;
    }
    let mut unpacked = packing.unpack();
    unpacked.extend(key_sums.iter().map(|s| ident(s.schema_name().to_string())));
    // A person in none of the statuses' populations counts in no cell: left out before
    // the grouping (at 10M persons, the 28% under working age or not resident are most of
    // them). Not in the per-PSU pass, whose list of PSUs is every person's.
    let persons = match pass {
        DesignPass::PsuTotals => persons,
        _ => {
            let mut populations = status_columns
                .iter()
                .filter(|c| c.as_str() != derived::LFS)
                .map(|c| ident(c.as_str()));
            match populations.next() {
                Some(first) => persons.filter(populations.fold(first, Expr::or))?,
                None => persons,
            }
        }
    };
    let keyed = persons
        .select(projection)?
        .aggregate(group_by, key_sums)?
        .select(unpacked)?;

    // 2. Per status s, on those few rows: w_s = the key's weight if the key counts in s,
    //    else 0 (likewise n_s, rw_s_r and the largest weights). A term counts in its
    //    population (`registry::split_term`): `EMP` is in-scope persons with status EMP,
    //    `population:EMP` the same in another population, and `population` every person
    //    of it. A null population (not measured) counts nowhere.
    let mut projection: Vec<Expr> = plan
        .dimensions
        .iter()
        .map(|dim| ident(person_column(dim)))
        .collect();
    if pass == DesignPass::PsuTotals {
        projection.extend([ident(STRATUM), ident(PSU), ident(DESIGN_RECORDS)]);
    }
    for (i, status) in plan.statuses.iter().enumerate() {
        let counted = match split_term(status) {
            (population, Some(s)) => ident(status_key_column(population))
                .and(ident(status_key_column(derived::LFS)).eq(lit(s))),
            (population, None) => ident(status_key_column(population)),
        };
        let if_counted =
            |value: Expr, otherwise: Expr, name: String| -> datafusion::error::Result<Expr> {
                Ok(when(counted.clone(), value)
                    .otherwise(otherwise)?
                    .alias(name))
            };
        projection.push(if_counted(
            ident(KEY_WEIGHT),
            zero_weight.clone(),
            weight_column(i),
        )?);
        projection.push(if_counted(
            ident(KEY_RECORDS),
            lit(0i64),
            records_column(i),
        )?);
        for r in 1..=replicates {
            projection.push(if_counted(
                ident(key_replicate_column(r)),
                zero_weight.clone(),
                replicate_sum_column(i, r),
            )?);
        }
        for rank in 1..=largest_n {
            projection.push(if_counted(
                ident(key_largest_column(rank)),
                zero_weight.clone(),
                largest_column(i, rank),
            )?);
        }
    }
    let rows = keyed.select(projection)?;

    // 3. One row per dimension key (and PSU) before the band join and the grouping sets.
    //    Sums of sums are the same exact decimals, so the cells do not change; the join
    //    and the grouping sets then see thousands of rows instead of one (or, joined to
    //    overlapping age bands, four) per person.
    let mut keys: Vec<Expr> = plan
        .dimensions
        .iter()
        .map(|dim| ident(person_column(dim)))
        .collect();
    if pass == DesignPass::PsuTotals {
        keys.push(ident(STRATUM));
        keys.push(ident(PSU));
    }
    let mut partial_sums = Vec::new();
    for i in 0..plan.statuses.len() {
        partial_sums.push(sum(ident(weight_column(i))).alias(weight_column(i)));
        partial_sums.push(sum(ident(records_column(i))).alias(records_column(i)));
        for r in 1..=replicates {
            partial_sums
                .push(sum(ident(replicate_sum_column(i, r))).alias(replicate_sum_column(i, r)));
        }
    }
    if pass == DesignPass::PsuTotals {
        partial_sums.push(sum(ident(DESIGN_RECORDS)).alias(DESIGN_RECORDS));
    }
    for i in 0..plan.statuses.len() {
        let partial: Vec<Expr> = (1..=largest_n)
            .map(|rank| ident(largest_column(i, rank)))
            .collect();
        for rank in 1..=largest_n {
            partial_sums.push(
                LargestValues::udaf(largest_n, rank, largest_n)
                    .call(partial.clone())
                    .alias(largest_column(i, rank)),
            );
        }
    }
    let mut rows = rows.aggregate(keys, partial_sums)?;

    // Each banded dimension is grouped by its value (the class of ages, or the age when
    // ages are not packed by class), under the dimension's name: [`read_rows`] adds each
    // value's cells into the bands that contain it. The bands overlap (an age is in five
    // or six of them), so a join to them here would make the grouping sets' input that
    // many times longer (10M persons: 60K rows -> 375K; 1M with 80 replicate weights:
    // tabulate 8.8 -> 3.9 s). Except with Taylor, whose cells are also per PSU: there
    // DataFusion adds the classes into bands (a join to each band's classes; persons
    // outside every band kept, band null, for the PSU list) faster than `read_rows`
    // would, cell by PSU.
    for dim in &plan.dimensions {
        if let DimensionKind::Banded { bands } = &dim.kind {
            let value = banded_value_column(&dim.id);
            if pass != DesignPass::PsuTotals {
                rows = rows.with_column_renamed(value, &dim.id)?;
                continue;
            }
            let by_class = packing.is_packed(&person_column(dim));
            let membership = band_membership(&ctx, &dim.id, bands, by_class)?;
            let member_value = format!("{value}_member");
            rows = membership.join(
                rows,
                JoinType::Right,
                &[member_value.as_str()],
                &[value.as_str()],
                None,
            )?;
        }
    }

    let mut sets: Vec<Vec<Expr>> = Vec::new();
    for set in &plan.grouping_sets {
        let mut exprs: Vec<Expr> = set.iter().map(|id| ident(id.as_str())).collect();
        if pass == DesignPass::PsuTotals {
            exprs.push(ident(STRATUM));
            exprs.push(ident(PSU));
        }
        sets.push(exprs);
    }
    if pass == DesignPass::PsuTotals {
        sets.push(vec![ident(STRATUM), ident(PSU)]);
    }
    let mut aggregates = Vec::new();
    for i in 0..plan.statuses.len() {
        aggregates.push(sum(ident(weight_column(i))).alias(weight_column(i)));
        aggregates.push(sum(ident(records_column(i))).alias(records_column(i)));
        for r in 1..=replicates {
            aggregates
                .push(sum(ident(replicate_sum_column(i, r))).alias(replicate_sum_column(i, r)));
        }
    }
    for i in 0..plan.statuses.len() {
        let partial: Vec<Expr> = (1..=largest_n)
            .map(|rank| ident(largest_column(i, rank)))
            .collect();
        for rank in 1..=largest_n {
            aggregates.push(
                LargestValues::udaf(largest_n, rank, largest_n)
                    .call(partial.clone())
                    .alias(largest_column(i, rank)),
            );
        }
    }
    for dim in &plan.dimensions {
        aggregates.push(grouping(ident(dim.id.as_str())).alias(grouping_column(&dim.id)));
    }
    if pass == DesignPass::PsuTotals {
        aggregates.push(sum(ident(DESIGN_RECORDS)).alias(DESIGN_RECORDS));
    }
    let batches = rows
        .aggregate(vec![grouping_set(sets)], aggregates)?
        .collect()
        .await?;

    let mut out = Aggregates::default();
    for batch in &batches {
        read_rows(plan, &packing, batch, pass, replicates, largest_n, &mut out)?;
    }
    out.design_psus.sort();
    // A PSU counts in a cell's variance with a non-zero total only (the others add zero
    // to it): the sums of a cell's age classes, once added into its bands, are kept so.
    for by_psu in out.by_psu.values_mut() {
        by_psu.retain(|_, totals| totals.weights.iter().any(|w| *w != 0));
    }
    out.by_psu.retain(|_, by_psu| !by_psu.is_empty());
    Ok(out)
}

/// The columns persons are grouped by in the first aggregate (by their names there) and
/// what each holds: the dimensions' person-level values, the status columns, and the
/// design's stratum and PSU (grouped as text) with Taylor.
fn key_packing(
    plan: &TabulationPlan,
    path: &Path,
    derived: &SchemaRef,
    status_columns: &[String],
    pass: DesignPass,
) -> datafusion::error::Result<KeyPacking> {
    // (name in the aggregate, derived-record column)
    let mut sources: Vec<(String, &str)> = plan
        .dimensions
        .iter()
        .map(|dim| (person_column(dim), dim.column.as_str()))
        .collect();
    sources.extend(
        status_columns
            .iter()
            .map(|c| (status_key_column(c), c.as_str())),
    );
    let kind = |column: &str| {
        derived
            .field_with_name(column)
            .map(|f| f.data_type().clone())
    };
    let mut texts: Vec<&str> = Vec::new();
    for (_, column) in &sources {
        if matches!(kind(column)?, DataType::Utf8 | DataType::Utf8View) && !texts.contains(column) {
            texts.push(column);
        }
    }
    let distinct = crate::keys::distinct_texts(path, &texts)
        .map_err(|e| datafusion::error::DataFusionError::External(Box::new(e)))?;
    let banded = |name: &str| {
        plan.dimensions.iter().find_map(|d| match &d.kind {
            DimensionKind::Banded { bands } if person_column(d) == name => Some(bands),
            _ => None,
        })
    };
    let mut columns = Vec::new();
    for (name, column) in sources {
        let values = match kind(column)? {
            DataType::Utf8 | DataType::Utf8View => {
                let at = texts
                    .iter()
                    .position(|t| *t == column)
                    .expect("listed above");
                distinct[at].clone().map(KeyValues::Text)
            }
            DataType::Boolean => Some(KeyValues::Boolean),
            DataType::Int32 => {
                banded(&name).map(|bands| KeyValues::AgeClass(AgeClasses::new(bands).class_of_age))
            }
            _ => None,
        };
        let numbered = plan.dimensions.iter().any(|d| person_column(d) == name);
        columns.push(KeyColumn {
            name,
            values,
            numbered,
        });
    }
    if pass == DesignPass::PsuTotals {
        for name in [STRATUM, PSU] {
            columns.push(KeyColumn {
                name: name.to_string(),
                values: None,
                numbered: false,
            });
        }
    }
    Ok(KeyPacking::new(columns))
}

fn replicates_of(path: &Path) -> datafusion::error::Result<usize> {
    replicates_in_artefact(path)
        .map_err(|e| datafusion::error::DataFusionError::External(Box::new(e)))
}

/// One row per (age class, band) for every class of ages (`crate::keys::AgeClasses`) a
/// band contains, or per (age, band) for every age 0..=130 unless `by_class` (the ages
/// were not packed into their classes): (Int64 class or Int32 age, Int64 band), non-null; a band is its
/// number in `bands`, from 1 (the grouping sets group integers; [`read_rows`] reads the
/// codes back). A VALUES plan, not an in-memory table, because a plan that carries its
/// rows can be sent to a Ballista cluster (`crate::ballista`) and an in-memory table
/// cannot.
fn band_membership(
    ctx: &SessionContext,
    dim: &str,
    bands: &[migstat_artefacts::reference::AgeBand],
    by_class: bool,
) -> datafusion::error::Result<DataFrame> {
    let mut rows = Vec::new();
    if by_class {
        let classes = AgeClasses::new(bands);
        for (i, in_bands) in classes.bands_of_class.iter().enumerate() {
            for band in in_bands {
                rows.push(vec![lit(i as i64 + 1), lit(*band as i64 + 1)]);
            }
        }
    } else {
        for age in crate::keys::AGES {
            for (i, _) in bands.iter().enumerate().filter(|(_, b)| b.contains(age)) {
                rows.push(vec![lit(age), lit(i as i64 + 1)]);
            }
        }
    }
    if rows.is_empty() {
        return Err(datafusion::error::DataFusionError::Plan(format!(
            "dimension {dim}: no age band contains any age from 0 to 130"
        )));
    }
    let value_name = format!("{}_member", banded_value_column(dim));
    // VALUES names its columns column1, column2, ...
    let plan = LogicalPlanBuilder::values(rows)?
        .project(vec![
            ident("column1").alias(value_name),
            ident("column2").alias(dim),
        ])?
        .build()?;
    Ok(DataFrame::new(ctx.state(), plan))
}

/// The codes of one dimension in the final aggregate's rows.
enum Codes {
    /// Numbers: `n` is the code `codes[n - 1]`, 0 or null is no code.
    Numbered(arrow::array::Int64Array, Vec<String>),
    /// The codes themselves.
    Text(StringArray),
    /// A banded dimension's values (an age class, or an age): value `v` is in the bands
    /// `bands_of_value[v]` (indexes into `codes`), none for a value outside them all.
    Banded {
        values: arrow::array::Int64Array,
        bands_of_value: Vec<Vec<usize>>,
        codes: Vec<String>,
    },
}

impl Codes {
    /// The code of row `row` (`None` for a banded dimension's value: [`Self::bands`]).
    fn get(&self, row: usize) -> Option<String> {
        match self {
            Codes::Numbered(numbers, codes) => {
                let n = numbers.is_valid(row).then(|| numbers.value(row))?;
                (n > 0).then(|| codes[n as usize - 1].clone())
            }
            Codes::Text(text) => text.is_valid(row).then(|| text.value(row).to_string()),
            Codes::Banded { .. } => None,
        }
    }

    /// A banded dimension's bands of row `row`'s value (none for a value in no band, or
    /// null); `None` for another dimension.
    fn bands(&self, row: usize) -> Option<Vec<String>> {
        let Codes::Banded {
            values,
            bands_of_value,
            codes,
        } = self
        else {
            return None;
        };
        let value = values.is_valid(row).then(|| values.value(row));
        let bands = value
            .and_then(|v| usize::try_from(v).ok())
            .and_then(|v| bands_of_value.get(v));
        Some(
            bands
                .into_iter()
                .flatten()
                .map(|&b| codes[b].clone())
                .collect(),
        )
    }
}

/// For a banded dimension's values in the final aggregate, the bands each contains: by
/// class of ages (`by_class`: class `c` from 1, 0 = in no band) or by age.
fn bands_of_value(
    bands: &[migstat_artefacts::reference::AgeBand],
    by_class: bool,
) -> Vec<Vec<usize>> {
    if by_class {
        std::iter::once(Vec::new())
            .chain(AgeClasses::new(bands).bands_of_class)
            .collect()
    } else {
        (0..=*crate::keys::AGES.end())
            .map(|age| {
                (0..bands.len())
                    .filter(|&b| bands[b].contains(age))
                    .collect()
            })
            .collect()
    }
}

/// Every combination of one band of each banded dimension.
fn cartesian(banded: &[(usize, Vec<String>)]) -> Vec<Vec<&String>> {
    banded
        .iter()
        .fold(vec![Vec::new()], |combinations, (_, bands)| {
            combinations
                .iter()
                .flat_map(|c| {
                    bands.iter().map(move |band| {
                        let mut c = c.clone();
                        c.push(band);
                        c
                    })
                })
                .collect()
        })
}

/// Adds one row's totals into the cell `key` (and its PSU's totals in it, with Taylor).
fn add_cell(
    out: &mut Aggregates,
    key: Vec<Option<String>>,
    totals: &Totals,
    psu: Option<&PsuId>,
    largest_n: usize,
) {
    match out.cells.get_mut(&key) {
        Some(cell) => cell.add(totals, largest_n),
        None => {
            out.cells.insert(key.clone(), totals.clone());
        }
    }
    if let Some(id) = psu {
        let cell = out.by_psu.entry(key).or_default();
        match cell.get_mut(id) {
            Some(at_psu) => at_psu.add(totals, largest_n),
            None => {
                cell.insert(id.clone(), totals.clone());
            }
        }
    }
}

fn read_rows(
    plan: &TabulationPlan,
    packing: &KeyPacking,
    batch: &RecordBatch,
    pass: DesignPass,
    replicates: usize,
    largest_n: usize,
    out: &mut Aggregates,
) -> datafusion::error::Result<()> {
    let column = |name: &str| -> datafusion::error::Result<&ArrayRef> {
        batch.column_by_name(name).ok_or_else(|| {
            datafusion::error::DataFusionError::Internal(format!("no column {name} in aggregate"))
        })
    };
    let text = |name: &str| -> datafusion::error::Result<StringArray> {
        Ok(cast(column(name)?, &DataType::Utf8)?
            .as_string::<i32>()
            .clone())
    };
    // Each dimension's codes: numbered (its values in the packing, or its bands) or text.
    let mut keys: Vec<(Codes, &ArrayRef)> = Vec::new();
    for dim in &plan.dimensions {
        let codes = match (&dim.kind, packing.text_of(&dim.id)) {
            // Joined to its bands (Taylor): the band's number.
            (DimensionKind::Banded { bands }, _) if pass == DesignPass::PsuTotals => {
                Codes::Numbered(
                    column(&dim.id)?.as_primitive::<Int64Type>().clone(),
                    bands.iter().map(|b| b.code.clone()).collect(),
                )
            }
            (DimensionKind::Banded { bands }, _) => Codes::Banded {
                values: cast(column(&dim.id)?, &DataType::Int64)?
                    .as_primitive::<Int64Type>()
                    .clone(),
                bands_of_value: bands_of_value(bands, packing.is_packed(&person_column(dim))),
                codes: bands.iter().map(|b| b.code.clone()).collect(),
            },
            (_, Some(values)) => Codes::Numbered(
                column(&dim.id)?.as_primitive::<Int64Type>().clone(),
                values.to_vec(),
            ),
            _ => Codes::Text(text(&dim.id)?),
        };
        keys.push((codes, column(&grouping_column(&dim.id))?));
    }
    let n_status = plan.statuses.len();
    let mut weights = Vec::new();
    let mut records = Vec::new();
    let mut replicate_sums = Vec::new();
    for i in 0..n_status {
        weights.push(column(&weight_column(i))?.as_primitive::<Decimal128Type>());
        records.push(column(&records_column(i))?.as_primitive::<Int64Type>());
        let mut per_replicate = Vec::new();
        for r in 1..=replicates {
            per_replicate
                .push(column(&replicate_sum_column(i, r))?.as_primitive::<Decimal128Type>());
        }
        replicate_sums.push(per_replicate);
    }
    let mut largest = Vec::new();
    for i in 0..n_status {
        let mut ranks = Vec::new();
        for rank in 1..=largest_n {
            ranks.push(column(&largest_column(i, rank))?.as_primitive::<Decimal128Type>());
        }
        largest.push(ranks);
    }
    let design = match pass {
        DesignPass::PsuTotals => Some((
            text(STRATUM)?,
            text(PSU)?,
            column(DESIGN_RECORDS)?.as_primitive::<Int64Type>().clone(),
        )),
        _ => None,
    };
    let decimal = |a: &arrow::array::Decimal128Array, row: usize| {
        if a.is_valid(row) {
            a.value(row)
        } else {
            0
        }
    };
    for row in 0..batch.num_rows() {
        let rolled = |g: &ArrayRef| {
            let g = g.as_primitive::<Int32Type>();
            g.is_valid(row) && g.value(row) == 1
        };
        let psu: Option<PsuId> = design.as_ref().map(|(s, p, _)| {
            let get = |a: &StringArray| a.is_valid(row).then(|| a.value(row).to_string());
            (get(s), get(p))
        });
        // The design's PSU list: the set where every dimension is rolled up.
        if keys.iter().all(|(_, g)| rolled(g)) {
            if let (Some(id), Some((_, _, n))) = (psu, &design) {
                if n.is_valid(row) && n.value(row) > 0 {
                    out.design_psus.push(id);
                }
            }
            continue;
        }
        // Every dimension's code; a banded one's value is counted in each of its bands
        // (none: outside every band, a person kept for the PSU list, in no cell).
        let mut key: Vec<Option<String>> = Vec::with_capacity(keys.len());
        let mut banded: Vec<(usize, Vec<String>)> = Vec::new();
        for (codes, g) in &keys {
            if rolled(g) {
                key.push(None);
            } else if let Some(bands) = codes.bands(row) {
                banded.push((key.len(), bands));
                key.push(None);
            } else {
                key.push(codes.get(row));
            }
        }
        // Outside every band: a value in no band, or (joined to its bands) no band.
        let joined_outside = plan.dimensions.iter().enumerate().any(|(at, d)| {
            matches!(d.kind, DimensionKind::Banded { .. })
                && !rolled(keys[at].1)
                && key[at].is_none()
                && !banded.iter().any(|(b, _)| *b == at)
        });
        if joined_outside || banded.iter().any(|(_, bands)| bands.is_empty()) {
            continue;
        }
        let totals = Totals {
            weights: weights.iter().map(|w| decimal(w, row)).collect(),
            records: records
                .iter()
                .map(|n| if n.is_valid(row) { n.value(row) } else { 0 })
                .collect(),
            replicates: replicate_sums
                .iter()
                .map(|per| per.iter().map(|a| decimal(a, row)).collect())
                .collect(),
            largest: largest
                .iter()
                .map(|ranks| {
                    ranks
                        .iter()
                        .filter(|a| a.is_valid(row))
                        .map(|a| a.value(row))
                        .collect()
                })
                .collect(),
        };
        if banded.is_empty() {
            add_cell(out, key, &totals, psu.as_ref(), largest_n);
            continue;
        }
        for bands in cartesian(&banded) {
            for (&(at, _), band) in banded.iter().zip(bands) {
                key[at] = Some(band.clone());
            }
            add_cell(out, key.clone(), &totals, psu.as_ref(), largest_n);
        }
    }
    Ok(())
}
