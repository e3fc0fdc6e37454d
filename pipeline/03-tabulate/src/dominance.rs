//! The (n,k)-dominance rule: a cell is confidential when its `n` largest contributions
//! make up more than `k` percent of its total (`[disclosure] dominance_n`, `dominance_k`).
//!
//! The contributions are the in-scope persons' weights. A weighted count in which one
//! or two respondents carry most of the weight says too much about them (Hundepool et
//! al., *Statistical Disclosure Control*, Wiley 2012, §4.2.2: the (n,k) rule on the
//! contributions to a cell total; here the total is the weighted count itself).
//!
//! The largest contributions come from the same single pass as the sums, through one
//! bounded aggregate, [`LargestValues`]: it keeps the `n` largest values it sees (never
//! a list of every contribution), so it runs in memory proportional to the number of
//! cells, and it merges: the `n` largest of a union are among the `n` largest of each
//! part. That is what lets the pass first reduce persons to one row per person key and
//! then combine those rows into the grouping-set cells, and the cells of several labour
//! force statuses into a measure (see [`merge_largest`]).

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray};
use arrow::datatypes::{DataType, Decimal128Type, Field, FieldRef};
use datafusion::common::ScalarValue;
use datafusion::error::Result;
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::{
    Accumulator, AggregateUDF, AggregateUDFImpl, Signature, Volatility,
};

use migstat_artefacts::schema::WEIGHT_TYPE;

/// An aggregate over `arity` weight columns that keeps the `n` largest positive
/// values seen in any of them and returns the `rank`-th largest (1 = the largest), or
/// null when fewer than `rank` positive values were seen.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LargestValues {
    n: usize,
    rank: usize,
    name: String,
    signature: Signature,
}

impl LargestValues {
    /// The `rank`-th largest of the `n` largest values (`1 <= rank <= n`) of `arity`
    /// columns (DataFusion aggregates take a fixed number of arguments).
    pub fn new(n: usize, rank: usize, arity: usize) -> LargestValues {
        assert!(rank >= 1 && rank <= n, "rank {rank} outside 1..={n}");
        LargestValues {
            n,
            rank,
            name: format!("migstat_largest_{rank}_of_{n}_in_{arity}"),
            signature: Signature::uniform(arity, vec![WEIGHT_TYPE], Volatility::Immutable),
        }
    }

    /// As a DataFusion aggregate function.
    pub fn udaf(n: usize, rank: usize, arity: usize) -> AggregateUDF {
        AggregateUDF::from(LargestValues::new(n, rank, arity))
    }
}

impl AggregateUDFImpl for LargestValues {
    fn name(&self) -> &str {
        &self.name
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _args: &[DataType]) -> Result<DataType> {
        Ok(WEIGHT_TYPE)
    }

    fn accumulator(&self, _args: AccumulatorArgs) -> Result<Box<dyn Accumulator>> {
        Ok(Box::new(LargestAccumulator {
            n: self.n,
            rank: self.rank,
            largest: Vec::with_capacity(self.n + 1),
        }))
    }

    fn state_fields(&self, args: StateFieldsArgs) -> Result<Vec<FieldRef>> {
        Ok((1..=self.n)
            .map(|i| Arc::new(Field::new(format!("{}_{i}", args.name), WEIGHT_TYPE, true)))
            .collect())
    }
}

/// The `n` largest values so far, largest first.
#[derive(Debug)]
struct LargestAccumulator {
    n: usize,
    rank: usize,
    largest: Vec<i128>,
}

impl LargestAccumulator {
    fn push_all(&mut self, arrays: &[ArrayRef]) {
        for array in arrays {
            let values = array.as_primitive::<Decimal128Type>();
            for i in 0..values.len() {
                if values.is_valid(i) {
                    push_largest(&mut self.largest, values.value(i), self.n);
                }
            }
        }
    }
}

impl Accumulator for LargestAccumulator {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        self.push_all(values);
        Ok(())
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        self.push_all(states);
        Ok(())
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        Ok((0..self.n)
            .map(|i| decimal(self.largest.get(i).copied()))
            .collect())
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        Ok(decimal(self.largest.get(self.rank - 1).copied()))
    }

    fn size(&self) -> usize {
        std::mem::size_of_val(self) + self.largest.capacity() * std::mem::size_of::<i128>()
    }
}

fn decimal(value: Option<i128>) -> ScalarValue {
    let DataType::Decimal128(precision, scale) = WEIGHT_TYPE else {
        unreachable!("weights are Decimal128")
    };
    ScalarValue::Decimal128(value, precision, scale)
}

/// Adds `value` to `largest` (sorted, largest first) if it is among the `n` largest;
/// zeros and negative values are no contribution.
pub fn push_largest(largest: &mut Vec<i128>, value: i128, n: usize) {
    if value <= 0 || (largest.len() == n && largest.last().is_some_and(|&l| value <= l)) {
        return;
    }
    let at = largest.partition_point(|&l| l >= value);
    largest.insert(at, value);
    largest.truncate(n);
}

/// The `n` largest of the union of several lists of largest values.
pub fn merge_largest<'a>(lists: impl IntoIterator<Item = &'a [i128]>, n: usize) -> Vec<i128> {
    let mut merged = Vec::with_capacity(n + 1);
    for list in lists {
        for &v in list {
            push_largest(&mut merged, v, n);
        }
    }
    merged
}

/// Whether the `n` largest contributions (`largest`, already at most `n`) exceed
/// `k_percent` of `total` (exact: the percentage is taken to 1/10,000 of a percent).
pub fn dominated(largest: &[i128], total: i128, k_percent: f64) -> bool {
    if total <= 0 {
        return false;
    }
    let top: i128 = largest.iter().sum();
    let k = (k_percent * 10_000.0).round() as i128;
    top * 100 * 10_000 > k * total
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::Decimal128Array;

    #[test]
    fn keeps_the_n_largest_positive_values_largest_first() {
        let mut l = Vec::new();
        for v in [5, 0, 9, -3, 1, 9, 7] {
            push_largest(&mut l, v, 3);
        }
        assert_eq!(l, vec![9, 9, 7]);
    }

    #[test]
    fn the_largest_of_a_union_are_among_the_largest_of_its_parts() {
        let a = [10, 4];
        let b = [7, 6];
        let c: [i128; 0] = [];
        assert_eq!(merge_largest([&a[..], &b[..], &c[..]], 2), vec![10, 7]);
        assert_eq!(merge_largest([&a[..], &b[..]], 3), vec![10, 7, 6]);
    }

    #[test]
    fn a_cell_is_dominated_when_its_largest_contributions_exceed_k_percent() {
        // (1, 60): one person of weight 61 in a cell of 100 is dominant, 60 is not.
        assert!(dominated(&[61], 100, 60.0));
        assert!(!dominated(&[60], 100, 60.0));
        // (2, 85): 50 + 36 of 100 > 85 %.
        assert!(dominated(&[50, 36], 100, 85.0));
        assert!(!dominated(&[50, 35], 100, 85.0));
        // An empty cell has nothing to protect.
        assert!(!dominated(&[], 0, 50.0));
    }

    #[test]
    fn the_accumulator_merges_its_partial_states() {
        let weights = |v: Vec<i128>| -> ArrayRef {
            Arc::new(
                Decimal128Array::from(v)
                    .with_precision_and_scale(38, 9)
                    .unwrap(),
            )
        };
        let mut first = LargestAccumulator {
            n: 2,
            rank: 1,
            largest: vec![],
        };
        first.update_batch(&[weights(vec![3, 8, 1])]).unwrap();
        let mut second = LargestAccumulator {
            n: 2,
            rank: 2,
            largest: vec![],
        };
        second.update_batch(&[weights(vec![5, 2])]).unwrap();
        let state: Vec<ArrayRef> = first
            .state()
            .unwrap()
            .into_iter()
            .map(|s| s.to_array().unwrap())
            .collect();
        second.merge_batch(&state).unwrap();
        assert_eq!(second.largest, vec![8, 5]);
        assert_eq!(second.evaluate().unwrap(), decimal(Some(5)));
        let mut empty = LargestAccumulator {
            n: 2,
            rank: 1,
            largest: vec![],
        };
        assert_eq!(empty.evaluate().unwrap(), decimal(None));
    }
}
