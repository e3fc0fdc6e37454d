//! Secondary suppression: which published cells must also be hidden so that no
//! confidential cell can be recomputed, from any combination of the published dataflows.
//!
//! Every count cell of every dataflow goes into **one** table of `migstat-disclosure` (its
//! algorithm is described there), because a reader holds all the dataflows at once:
//!
//! - A cell's key has one code per dimension any count dataflow has, plus `MEASURE`. A
//!   dataflow that does not break a dimension down gives its cells that dimension's total
//!   (for `AGE`, the band of every age, `AGE_YTHADULT_YGE15`), or the code it is restricted
//!   to (`restrict`). So a number published by two dataflows is one cell: the `SEX × AGE`
//!   totals of the place-of-birth and citizenship dataflows
//!   (`CBR_BIR_TOTAL, CCT_CIT_TOTAL`), or the foreign-born population of the country
//!   table and of the place-of-birth table. Measures whose numerators count the same
//!   persons (`MST_FORP_NB` and `MST_XWAP_NB`) are one `MEASURE` code: the first of them.
//! - Relations: `MEASURE` is an additive dimension like the others: a count measure whose
//!   statuses are partitioned by other count measures' is their sum (XWAP = TEAP + TEIP,
//!   TEAP = TEMP + TUNE, XWAP = TEMP + TUNE + TEIP). `AGE` has the three families, their
//!   nesting and equal copies ([`ilo::age_dimension`]); every other dimension has
//!   `total = Σ codes` for each of its breakdowns (the codes the table has: `SEX_O` only
//!   where published, the countries observed), and a breakdown restricted to a code has its
//!   total equal to that code (`CBR_BRT_TOTAL = CBR_BIR_FOREIGN`). Each relation is formed
//!   wherever all its cells are published; dataflows that are not crossed with each other
//!   share no other cell.
//!
//! Which cells are exposed is decided exactly (rational linear algebra, see
//! `migstat-disclosure`), so one table for all measures costs little: well under a
//! second for the contract's ten count dataflows in a debug build. Cells are protected on
//! their exact weighted values.
//!
//! A rate is then hidden wherever the count of its numerator or denominator is hidden (a
//! published rate and one published count would give the other count back); a rate that is
//! itself primary confidential has its numerator count protected like a primary cell
//! (both counts published would give the rate back).
//!
//! Not covered: cells that no dataflow publishes are not unknowns of the table, so bounds
//! that only their non-negativity implies (a margin of two tables that are not crossed)
//! are not checked; relations between populations that the registry does not state as
//! sums of the same statuses (international migrant workers and the labour force by
//! place of birth) are not formed.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use migstat_artefacts::registry::{Measure, Registry};
use migstat_artefacts::schema::WEIGHT_SCALE;
use migstat_artefacts::{Error, Result};
use migstat_disclosure::{ilo, suppress, Cell, Dimension, Table};

use crate::cells::CellEstimate;

/// The dimension id the measure takes in the table.
const MEASURE: &str = "MEASURE";

/// The indices (into `cells`) of the cells secondary suppression hides.
pub fn complementary_cells(registry: &Registry, cells: &[CellEstimate]) -> Result<HashSet<usize>> {
    let linked = Linked::build(registry, cells)?;
    let table = &linked.table;
    let mut primary = vec![false; table.len()];
    for (i, c) in cells.iter().enumerate() {
        if c.reason.is_primary() {
            if let Some(&k) = linked.of_cell.get(&i) {
                primary[k] = true;
            }
        }
    }
    // A primary rate whose two counts are published would be given back by them.
    for (i, c) in cells.iter().enumerate() {
        if !c.reason.is_primary() || linked.of_cell.contains_key(&i) {
            continue;
        }
        let [num, den] = linked.rate_counts(registry, c);
        if ![num, den].into_iter().flatten().any(|k| primary[k]) {
            if let Some(k) = num.or(den) {
                primary[k] = true;
            }
        }
    }
    let hidden: Vec<bool> = suppress(table, &primary)
        .iter()
        .map(|r| r.is_suppressed())
        .collect();
    let mut chosen = HashSet::new();
    for (i, c) in cells.iter().enumerate() {
        if c.reason.is_primary() {
            continue;
        }
        let hide = match linked.of_cell.get(&i) {
            Some(&k) => hidden[k],
            None => linked
                .rate_counts(registry, c)
                .into_iter()
                .flatten()
                .any(|k| hidden[k]),
        };
        if hide {
            chosen.insert(i);
        }
    }
    Ok(chosen)
}

/// Every count cell of every dataflow in one table.
struct Linked {
    table: Table,
    /// Index into `cells` of a count cell -> its table cell.
    of_cell: HashMap<usize, usize>,
    /// Table cell by key.
    by_key: HashMap<Vec<String>, usize>,
    /// The table's dimensions after `MEASURE`.
    dims: Vec<String>,
    /// Each measure's `MEASURE` code: the first count measure with the same numerator.
    class: HashMap<String, String>,
}

impl Linked {
    fn build(registry: &Registry, cells: &[CellEstimate]) -> Result<Linked> {
        let class = measure_classes(registry);
        let is_count = |flow: usize| {
            registry
                .measure(&registry.dataflows[flow].measure)
                .is_some_and(|m| m.denominator.is_none())
        };
        let mut dims: Vec<String> = Vec::new();
        for flow in registry.dataflows.iter().filter(|f| {
            registry
                .measure(&f.measure)
                .is_some_and(|m| m.denominator.is_none())
        }) {
            for b in flow.breakdowns.iter().chain(flow.restrict.keys()) {
                let d = registry.dimension_of(b).to_owned();
                if !dims.contains(&d) {
                    dims.push(d);
                }
            }
        }
        let mut linked = Linked {
            table: Table::new(Vec::new(), Vec::new()).expect("empty table"),
            of_cell: HashMap::new(),
            by_key: HashMap::new(),
            dims,
            class,
        };
        let mut table_cells: Vec<Cell> = Vec::new();
        let mut first_flow: Vec<usize> = Vec::new();
        // Per breakdown, the codes the table has (for `total = Σ codes`).
        let mut codes_of: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        // `restrict` code = the breakdown's total, per dimension.
        let mut restricted: BTreeSet<(String, String, String)> = BTreeSet::new();
        for (i, c) in cells.iter().enumerate().filter(|(_, c)| is_count(c.flow)) {
            let spec = &registry.dataflows[c.flow];
            for (b, code) in spec.breakdowns.iter().zip(&c.codes) {
                codes_of.entry(b).or_default().insert(code);
                let d = registry.dimension_of(b);
                for (r, code) in &spec.restrict {
                    if registry.dimension_of(r) == d {
                        let total = breakdown_total(registry, b)?;
                        restricted.insert((d.to_owned(), code.clone(), total.to_owned()));
                    }
                }
            }
            let key = linked.key(registry, &spec.measure, c)?;
            let value = persons(c.numerator);
            let n = c.n.max(0) as u64;
            match linked.by_key.get(&key) {
                Some(&k) => {
                    let same = &table_cells[k];
                    if same.value != value || same.n != n {
                        return Err(Error::internal(format!(
                            "secondary suppression: {} and {} publish the cell {} with \
                             different values ({} and {value} persons, n {} and {n})",
                            registry.dataflows[first_flow[k]].id,
                            spec.id,
                            key.join("."),
                            same.value,
                            same.n
                        )));
                    }
                    linked.of_cell.insert(i, k);
                }
                None => {
                    let k = table_cells.len();
                    linked.by_key.insert(key.clone(), k);
                    linked.of_cell.insert(i, k);
                    first_flow.push(c.flow);
                    table_cells.push(Cell::new(key, value, n));
                }
            }
        }
        let mut dimensions = vec![measure_dimension(registry, &linked.class)];
        for d in &linked.dims {
            dimensions.push(dimension(registry, d, &codes_of, &restricted)?);
        }
        linked.table = Table::from_linked_dimensions(&dimensions, table_cells)
            .map_err(|e| Error::internal(format!("secondary suppression table: {e}")))?;
        Ok(linked)
    }

    /// The table key of a cell of a dataflow, counted by `measure`'s numerator.
    fn key(&self, registry: &Registry, measure: &str, c: &CellEstimate) -> Result<Vec<String>> {
        let spec = &registry.dataflows[c.flow];
        let mut key = vec![self.class[measure].clone()];
        for d in &self.dims {
            let code = spec
                .breakdowns
                .iter()
                .position(|b| registry.dimension_of(b) == d)
                .map(|p| c.codes[p].clone())
                .or_else(|| {
                    spec.restrict
                        .iter()
                        .find(|(r, _)| registry.dimension_of(r) == d)
                        .map(|(_, code)| code.clone())
                });
            key.push(match code {
                Some(code) => code,
                None => dimension_total(registry, d)?.to_owned(),
            });
        }
        Ok(key)
    }

    /// The table cells of a rate's numerator and denominator counts, where published.
    fn rate_counts(&self, registry: &Registry, c: &CellEstimate) -> [Option<usize>; 2] {
        let Some(measure) = registry.measure(&registry.dataflows[c.flow].measure) else {
            return [None, None];
        };
        let cell_of = |statuses: Option<&Vec<String>>| {
            let class = statuses.and_then(|s| count_measure_of(registry, s))?;
            let key = self.key(registry, &class.id, c).ok()?;
            self.by_key.get(&key).copied()
        };
        [
            cell_of(Some(&measure.numerator)),
            cell_of(measure.denominator.as_ref()),
        ]
    }
}

/// The code of a dimension's all-categories cell: its own breakdown's total, or for
/// `AGE`, the band of every age.
fn dimension_total<'r>(registry: &'r Registry, dim: &str) -> Result<&'r str> {
    if dim == "AGE" {
        return Ok(ilo::AGE_CODES[0]);
    }
    breakdown_total(registry, dim)
}

fn breakdown_total<'r>(registry: &'r Registry, breakdown: &str) -> Result<&'r str> {
    registry
        .breakdowns
        .get(breakdown)
        .and_then(|b| b.total.as_deref())
        .ok_or_else(|| {
            Error::reference(
                "schemas/dataflows.toml",
                format!(
                    "secondary suppression needs the total of breakdown {breakdown} \
                     (a `total` code): without it the cells cannot be related"
                ),
            )
        })
}

/// A dimension's relations: `AGE`'s from the code structure ([`ilo::age_dimension`]),
/// every other's `total = Σ codes` per breakdown (the codes the table has), and
/// `restrict` code = total for a breakdown restricted to one code of its dimension.
fn dimension(
    registry: &Registry,
    dim: &str,
    codes_of: &BTreeMap<&str, BTreeSet<&str>>,
    restricted: &BTreeSet<(String, String, String)>,
) -> Result<Dimension> {
    if dim == "AGE" {
        return Ok(ilo::age_dimension());
    }
    let mut relations: Vec<(String, Vec<String>)> = Vec::new();
    for (id, b) in &registry.breakdowns {
        let Some(present) = codes_of.get(id.as_str()) else {
            continue;
        };
        if b.dimension(id) != dim {
            continue;
        }
        if b.bands.is_some() {
            return Err(Error::reference(
                "schemas/dataflows.toml",
                format!("secondary suppression has no relations for the banded dimension {dim}"),
            ));
        }
        let total = breakdown_total(registry, id)?;
        // Listed codes in their order, observed ones (country detail) in code order.
        let parts: Vec<String> = if b.observed {
            present
                .iter()
                .filter(|c| **c != total)
                .map(|c| (*c).to_owned())
                .collect()
        } else {
            b.codes
                .iter()
                .filter(|c| present.contains(c.as_str()))
                .cloned()
                .collect()
        };
        if !parts.is_empty() {
            relations.push((total.to_owned(), parts));
        }
    }
    for (d, code, total) in restricted {
        if d == dim {
            relations.push((code.clone(), vec![total.clone()]));
        }
    }
    Ok(Dimension {
        id: dim.to_owned(),
        relations,
    })
}

/// `MEASURE`: every count measure (class) whose statuses are partitioned by other count
/// measures' is their sum.
fn measure_dimension(registry: &Registry, class: &HashMap<String, String>) -> Dimension {
    let classes: Vec<&Measure> = registry
        .measures
        .iter()
        .filter(|m| m.denominator.is_none() && class.get(&m.id) == Some(&m.id))
        .collect();
    let mut relations = Vec::new();
    for total in &classes {
        // The other classes whose statuses all belong to `total`'s, then every way of
        // partitioning `total`'s statuses with two or more of them.
        let candidates: Vec<&Measure> = classes
            .iter()
            .copied()
            .filter(|m| m.id != total.id && m.numerator.iter().all(|s| total.numerator.contains(s)))
            .collect();
        let mut found = Vec::new();
        partitions(&total.numerator, &candidates, &mut Vec::new(), &mut found);
        for parts in found.into_iter().filter(|p| p.len() >= 2) {
            relations.push((
                total.id.clone(),
                parts.iter().map(|m| m.id.clone()).collect(),
            ));
        }
    }
    Dimension {
        id: MEASURE.to_owned(),
        relations,
    }
}

/// Every set of `candidates` (in their order) whose numerators are disjoint and together
/// are exactly `remaining` (no status twice in `remaining`, as registry checks ensure).
fn partitions<'m>(
    remaining: &[String],
    candidates: &[&'m Measure],
    chosen: &mut Vec<&'m Measure>,
    found: &mut Vec<Vec<&'m Measure>>,
) {
    if remaining.is_empty() {
        found.push(chosen.clone());
        return;
    }
    for (i, m) in candidates.iter().enumerate() {
        if m.numerator.iter().all(|s| remaining.contains(s)) {
            let rest: Vec<String> = remaining
                .iter()
                .filter(|s| !m.numerator.contains(s))
                .cloned()
                .collect();
            chosen.push(m);
            partitions(&rest, &candidates[i + 1..], chosen, found);
            chosen.pop();
        }
    }
}

/// Each measure's class: the first count measure (registry order) with the same
/// numerator statuses, for counts and rates alike.
fn measure_classes(registry: &Registry) -> HashMap<String, String> {
    registry
        .measures
        .iter()
        .filter_map(|m| {
            count_measure_of(registry, &m.numerator)
                .filter(|_| m.denominator.is_none())
                .map(|c| (m.id.clone(), c.id.clone()))
        })
        .collect()
}

/// The first count measure whose numerator is exactly these statuses.
fn count_measure_of<'r>(registry: &'r Registry, statuses: &[String]) -> Option<&'r Measure> {
    let mut wanted: Vec<&String> = statuses.iter().collect();
    wanted.sort();
    registry
        .measures
        .iter()
        .filter(|m| m.denominator.is_none())
        .find(|m| {
            let mut have: Vec<&String> = m.numerator.iter().collect();
            have.sort();
            have == wanted
        })
}

fn persons(units: i128) -> f64 {
    units as f64 / 10f64.powi(WEIGHT_SCALE as i32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::Reason;
    use migstat_disclosure::{audit, recomputable, Relation};

    /// The contract's five count measures and a rate, by SEX and place of birth.
    const REGISTRY: &str = r#"
agency  = "ILO"
version = "1.0"
[units.NB]
UNIT_MEASURE_TYPE = "NB"
UNIT_MEASURE      = "PS"
UNIT_MULT         = "3"
power_of_ten      = -3
[units.RT]
UNIT_MEASURE_TYPE = "RT"
UNIT_MEASURE      = "PT"
UNIT_MULT         = "0"
power_of_ten      = 2
[[measure]]
id = "MST_XWAP_NB"
unit = "NB"
numerator = ["EMP", "UNE", "OLF"]
[[measure]]
id = "MST_TEAP_NB"
unit = "NB"
numerator = ["EMP", "UNE"]
[[measure]]
id = "MST_TEMP_NB"
unit = "NB"
numerator = ["EMP"]
[[measure]]
id = "MST_TUNE_NB"
unit = "NB"
numerator = ["UNE"]
[[measure]]
id = "MST_TEIP_NB"
unit = "NB"
numerator = ["OLF"]
[[measure]]
id = "MST_FORP_NB"
unit = "NB"
numerator = ["EMP", "UNE", "OLF"]
[[measure]]
id = "MST_TUNE_RT"
unit = "RT"
numerator = ["UNE"]
denominator = ["EMP", "UNE"]
[breakdown.SEX]
column = "sex"
total = "SEX_T"
codes = ["SEX_M", "SEX_F"]
[breakdown.CBR]
column = "cbr"
total = "CBR_BIR_TOTAL"
codes = ["CBR_BIR_NATIVE", "CBR_BIR_FOREIGN"]
[[dataflow]]
id = "DF_XWAP"
measure = "MST_XWAP_NB"
breakdowns = ["SEX", "CBR"]
[[dataflow]]
id = "DF_TEAP"
measure = "MST_TEAP_NB"
breakdowns = ["SEX", "CBR"]
[[dataflow]]
id = "DF_TEMP"
measure = "MST_TEMP_NB"
breakdowns = ["SEX", "CBR"]
[[dataflow]]
id = "DF_TUNE"
measure = "MST_TUNE_NB"
breakdowns = ["SEX", "CBR"]
[[dataflow]]
id = "DF_TEIP"
measure = "MST_TEIP_NB"
breakdowns = ["SEX", "CBR"]
[[dataflow]]
id = "DF_TUNE_RT"
measure = "MST_TUNE_RT"
breakdowns = ["SEX", "CBR"]
[[dataflow]]
id = "DF_FORP"
measure = "MST_FORP_NB"
breakdowns = ["SEX"]
restrict = { CBR = "CBR_BIR_FOREIGN" }
"#;

    const STATUSES: [&str; 3] = ["EMP", "UNE", "OLF"];

    /// Records per (sex, birth, status), and their weight (persons each).
    type Leaves = [[[(i64, i128); 3]; 2]; 2];

    fn registry() -> Registry {
        Registry::parse(REGISTRY, "test").unwrap()
    }

    /// Every cell of every dataflow, summed from the leaves; `0 < n < 3` primary.
    fn cells(reg: &Registry, leaves: &Leaves) -> Vec<CellEstimate> {
        let sexes = [
            ("SEX_T", vec![0, 1]),
            ("SEX_M", vec![0]),
            ("SEX_F", vec![1]),
        ];
        let births = [
            ("CBR_BIR_TOTAL", vec![0, 1]),
            ("CBR_BIR_NATIVE", vec![0]),
            ("CBR_BIR_FOREIGN", vec![1]),
        ];
        let sum = |ss: &[usize], bs: &[usize], statuses: &[String]| {
            let (mut w, mut n) = (0i128, 0i64);
            for &s in ss {
                for &b in bs {
                    for (k, status) in STATUSES.iter().enumerate() {
                        if statuses.iter().any(|x| x == status) {
                            let (records, weight) = leaves[s][b][k];
                            w += i128::from(records) * weight * 10i128.pow(WEIGHT_SCALE);
                            n += records;
                        }
                    }
                }
            }
            (w, n)
        };
        let mut out = Vec::new();
        for (flow, spec) in reg.dataflows.iter().enumerate() {
            let m = reg.measure(&spec.measure).unwrap();
            for (sex, ss) in &sexes {
                let birth_codes: Vec<&(&str, Vec<usize>)> = if spec.breakdowns.len() == 2 {
                    births.iter().collect()
                } else {
                    vec![&births[2]]
                };
                for (birth, bs) in birth_codes {
                    let (num, n_num) = sum(ss, bs, &m.numerator);
                    let (den, n) = match &m.denominator {
                        Some(d) => {
                            let (den, n_den) = sum(ss, bs, d);
                            (Some(den), n_den)
                        }
                        None => (None, n_num),
                    };
                    if den == Some(0) {
                        continue;
                    }
                    let codes = if spec.breakdowns.len() == 2 {
                        vec![sex.to_string(), birth.to_string()]
                    } else {
                        vec![sex.to_string()]
                    };
                    out.push(CellEstimate {
                        flow,
                        codes,
                        numerator: num,
                        denominator: den,
                        estimate: 0.0,
                        n,
                        precision: None,
                        dominated: false,
                        reason: if n > 0 && n < 3 {
                            Reason::PrimaryConfidential
                        } else {
                            Reason::Published
                        },
                    });
                }
            }
        }
        out
    }

    fn leaves() -> Leaves {
        // One unemployed foreign-born man; everything else comfortably large.
        let mut l = [[[(10, 3); 3]; 2]; 2];
        l[0][1][1] = (1, 5);
        l
    }

    #[test]
    fn the_measures_are_one_dimension_of_sums_of_statuses() {
        let reg = registry();
        let classes = measure_classes(&reg);
        assert_eq!(classes["MST_FORP_NB"], "MST_XWAP_NB", "same persons");
        assert!(!classes.contains_key("MST_TUNE_RT"));
        let dim = measure_dimension(&reg, &classes);
        let relations: BTreeSet<(String, Vec<String>)> = dim.relations.into_iter().collect();
        let rel = |t: &str, p: &[&str]| (t.to_owned(), p.iter().map(|s| s.to_string()).collect());
        assert_eq!(
            relations,
            BTreeSet::from([
                rel("MST_XWAP_NB", &["MST_TEAP_NB", "MST_TEIP_NB"]),
                rel(
                    "MST_XWAP_NB",
                    &["MST_TEMP_NB", "MST_TUNE_NB", "MST_TEIP_NB"]
                ),
                rel("MST_TEAP_NB", &["MST_TEMP_NB", "MST_TUNE_NB"]),
            ])
        );
    }

    #[test]
    fn one_table_holds_every_count_dataflow_and_shares_their_common_cells() {
        let reg = registry();
        let cells = cells(&reg, &leaves());
        let linked = Linked::build(&reg, &cells).unwrap();
        // 5 measures × 3 sexes × 3 birth codes; the restricted FORP cells are the XWAP
        // foreign-born cells (one cell each, not two).
        assert_eq!(linked.table.len(), 5 * 3 * 3);
        let forp = reg
            .dataflows
            .iter()
            .position(|d| d.id == "DF_FORP")
            .unwrap();
        let xwap = reg
            .dataflows
            .iter()
            .position(|d| d.id == "DF_XWAP")
            .unwrap();
        let of = |flow: usize, codes: &[&str]| {
            let i = cells
                .iter()
                .position(|c| c.flow == flow && c.codes == codes)
                .unwrap();
            linked.of_cell[&i]
        };
        assert_eq!(
            of(forp, &["SEX_M"]),
            of(xwap, &["SEX_M", "CBR_BIR_FOREIGN"])
        );
    }

    /// The table a reader holding every count dataflow of the test registry knows, built
    /// here by hand (not by `Linked`): cells by (measure, sex, birth).
    fn reader_table(
        reg: &Registry,
        cells: &[CellEstimate],
        hidden: &HashSet<usize>,
    ) -> (Table, Vec<bool>) {
        let mut index: BTreeMap<(String, String, String), (f64, u64, bool)> = BTreeMap::new();
        for (i, c) in cells.iter().enumerate() {
            let spec = &reg.dataflows[c.flow];
            if spec.id == "DF_TUNE_RT" || spec.id == "DF_FORP" {
                continue;
            }
            let suppressed = c.reason.is_primary() || hidden.contains(&i);
            index.insert(
                (spec.measure.clone(), c.codes[0].clone(), c.codes[1].clone()),
                (persons(c.numerator), c.n as u64, suppressed),
            );
        }
        let keys: Vec<_> = index.keys().cloned().collect();
        let at = |m: &str, s: &str, b: &str| {
            keys.iter()
                .position(|k| k == &(m.to_owned(), s.to_owned(), b.to_owned()))
                .unwrap()
        };
        let mut relations = Vec::new();
        for m in [
            "MST_XWAP_NB",
            "MST_TEAP_NB",
            "MST_TEMP_NB",
            "MST_TUNE_NB",
            "MST_TEIP_NB",
        ] {
            for b in ["CBR_BIR_TOTAL", "CBR_BIR_NATIVE", "CBR_BIR_FOREIGN"] {
                relations.push(Relation::new(
                    at(m, "SEX_T", b),
                    vec![at(m, "SEX_M", b), at(m, "SEX_F", b)],
                ));
            }
            for s in ["SEX_T", "SEX_M", "SEX_F"] {
                relations.push(Relation::new(
                    at(m, s, "CBR_BIR_TOTAL"),
                    vec![at(m, s, "CBR_BIR_NATIVE"), at(m, s, "CBR_BIR_FOREIGN")],
                ));
            }
        }
        for s in ["SEX_T", "SEX_M", "SEX_F"] {
            for b in ["CBR_BIR_TOTAL", "CBR_BIR_NATIVE", "CBR_BIR_FOREIGN"] {
                let x = |m: &str| at(m, s, b);
                relations.push(Relation::new(
                    x("MST_XWAP_NB"),
                    vec![x("MST_TEAP_NB"), x("MST_TEIP_NB")],
                ));
                relations.push(Relation::new(
                    x("MST_TEAP_NB"),
                    vec![x("MST_TEMP_NB"), x("MST_TUNE_NB")],
                ));
            }
        }
        let table_cells = index
            .iter()
            .map(|((m, s, b), (v, n, _))| migstat_disclosure::Cell::new([m, s, b], *v, *n))
            .collect();
        let suppressed = index.values().map(|v| v.2).collect();
        (Table::new(table_cells, relations).unwrap(), suppressed)
    }

    #[test]
    fn no_hidden_count_can_be_recomputed_across_measures() {
        let reg = registry();
        let cells = cells(&reg, &leaves());
        let hidden = complementary_cells(&reg, &cells).unwrap();
        assert!(!hidden.is_empty());
        let (table, suppressed) = reader_table(&reg, &cells, &hidden);
        assert_eq!(audit(&table, &suppressed), vec![]);
        assert_eq!(recomputable(&table, &suppressed), Vec::<usize>::new());
        // The foreign-born population of DF_FORP is the XWAP cell: hidden together.
        let c = |id: &str, codes: &[&str]| {
            cells
                .iter()
                .position(|c| reg.dataflows[c.flow].id == id && c.codes == codes)
                .unwrap()
        };
        assert_eq!(
            hidden.contains(&c("DF_FORP", &["SEX_M"])),
            hidden.contains(&c("DF_XWAP", &["SEX_M", "CBR_BIR_FOREIGN"]))
        );
    }

    #[test]
    fn a_rate_is_hidden_with_its_counts() {
        let reg = registry();
        let cells = cells(&reg, &leaves());
        let hidden = complementary_cells(&reg, &cells).unwrap();
        let c = |id: &str, codes: &[&str]| {
            cells
                .iter()
                .position(|c| reg.dataflows[c.flow].id == id && c.codes == codes)
                .unwrap()
        };
        let is_c = |i: usize| cells[i].reason.is_primary() || hidden.contains(&i);
        for sex in ["SEX_T", "SEX_M", "SEX_F"] {
            for birth in ["CBR_BIR_TOTAL", "CBR_BIR_NATIVE", "CBR_BIR_FOREIGN"] {
                let key = [sex, birth];
                let counts_hidden = is_c(c("DF_TUNE", &key)) || is_c(c("DF_TEAP", &key));
                assert_eq!(is_c(c("DF_TUNE_RT", &key)), counts_hidden, "{key:?}");
            }
        }
        // The unemployed foreign-born man's rate is C (its numerator is).
        assert!(is_c(c("DF_TUNE_RT", &["SEX_M", "CBR_BIR_FOREIGN"])));
    }

    #[test]
    fn a_primary_rate_has_a_count_hidden_so_that_the_counts_do_not_give_it_back() {
        let reg = registry();
        let mut cells = cells(&reg, &[[[(10, 3); 3]; 2]; 2]);
        let rate = cells
            .iter()
            .position(|c| {
                reg.dataflows[c.flow].id == "DF_TUNE_RT" && c.codes == ["SEX_F", "CBR_BIR_NATIVE"]
            })
            .unwrap();
        // Confidential by another rule (dominance, say): no count is.
        cells[rate].reason = Reason::PrimaryDominance;
        assert!(cells.iter().filter(|c| c.reason.is_primary()).count() == 1);
        let hidden = complementary_cells(&reg, &cells).unwrap();
        let count = |id: &str| {
            cells
                .iter()
                .position(|c| {
                    reg.dataflows[c.flow].id == id && c.codes == ["SEX_F", "CBR_BIR_NATIVE"]
                })
                .unwrap()
        };
        assert!(
            hidden.contains(&count("DF_TUNE")),
            "the numerator count is protected"
        );
        let (table, suppressed) = reader_table(&reg, &cells, &hidden);
        assert_eq!(recomputable(&table, &suppressed), Vec::<usize>::new());
    }
}
