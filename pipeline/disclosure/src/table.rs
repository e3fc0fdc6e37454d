//! Cells, additive relations and their validation.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

use crate::Error;

/// Relative tolerance within which [`Table::new`] accepts that a relation
/// holds: `|total - Σ parts| <= RELATION_TOLERANCE * max(1, total, Σ parts)`.
///
/// Tight on purpose: it admits floating-point rounding of sums, not
/// rounded publication values, which would make the LP infeasible. Protect
/// the unrounded values, round afterwards.
pub const RELATION_TOLERANCE: f64 = 1e-9;

/// Relative tolerance of the audit: a suppressed cell whose feasible
/// interval is not wider than `POINT_TOLERANCE` times the largest value of
/// the table (see [`Table::tolerance`]) counts as recomputable.
pub const POINT_TOLERANCE: f64 = 1e-6;

/// One cell of a table: its key, its (weighted) value and the number of
/// unweighted records it counts.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// One code per dimension, e.g. `["SEX_F", "AGE_YTHADULT_Y15-24",
    /// "CBR_BIR_FOREIGN"]`. Used to break ties (key order) and, in
    /// [`Table::from_dimensions`], to find the members of each relation.
    pub key: Vec<String>,
    /// The weighted value; finite and `>= 0`.
    pub value: f64,
    /// Unweighted records counted by the cell. `n = 0` marks a zero-count
    /// cell, whose value must be 0 and which is published as a real zero.
    pub n: u64,
}

impl Cell {
    /// A cell from any list of codes.
    pub fn new<I, S>(key: I, value: f64, n: u64) -> Cell
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Cell {
            key: key.into_iter().map(Into::into).collect(),
            value,
            n,
        }
    }

    /// True for a zero-count cell (`n = 0`): a published structural zero.
    pub fn is_zero_count(&self) -> bool {
        self.n == 0
    }
}

/// An additive relation between cells: `value[total] = Σ value[parts]`.
///
/// An equality `a = b` (the same number published twice, e.g. the three age
/// totals) is a relation with one part.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Relation {
    /// Index of the total cell.
    pub total: usize,
    /// Indices of the parts; at least one, all distinct from each other and
    /// from the total.
    pub parts: Vec<usize>,
}

impl Relation {
    /// A relation `total = Σ parts`.
    pub fn new(total: usize, parts: Vec<usize>) -> Relation {
        Relation { total, parts }
    }

    /// The total, then the parts.
    pub fn members(&self) -> impl Iterator<Item = usize> + '_ {
        std::iter::once(self.total).chain(self.parts.iter().copied())
    }
}

/// A dimension of a cross-classified table and the additive relations among
/// its codes, e.g. `SEX`: `SEX_T = SEX_M + SEX_F`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dimension {
    /// The dimension id, e.g. `"SEX"` (used in error messages only).
    pub id: String,
    /// `(total code, part codes)`; several per dimension where the code list
    /// has several families or nested levels. An equality between two codes
    /// that always carry the same number is a relation with one part.
    pub relations: Vec<(String, Vec<String>)>,
}

impl Dimension {
    /// A dimension from string slices.
    pub fn new(id: &str, relations: &[(&str, &[&str])]) -> Dimension {
        Dimension {
            id: id.to_owned(),
            relations: relations
                .iter()
                .map(|(t, ps)| {
                    (
                        (*t).to_owned(),
                        ps.iter().map(|p| (*p).to_owned()).collect(),
                    )
                })
                .collect(),
        }
    }
}

/// A validated table: cells, relations, and for each cell the relations it
/// belongs to.
#[derive(Debug, Clone)]
pub struct Table {
    cells: Vec<Cell>,
    relations: Vec<Relation>,
    by_cell: Vec<Vec<usize>>,
    scale: f64,
}

/// A key printed as `A.B.C` (the SDMX series-key notation).
pub(crate) struct KeyDisplay<'a>(pub &'a [String]);

impl fmt::Display for KeyDisplay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join("."))
    }
}

impl Table {
    /// Validates and builds a table.
    ///
    /// # Errors
    ///
    /// A value that is negative or not finite, a zero-count cell (`n = 0`)
    /// whose value is not 0, a relation that points outside the cells, has
    /// no part or repeats a member, and a relation that does not hold within
    /// [`RELATION_TOLERANCE`].
    pub fn new(cells: Vec<Cell>, relations: Vec<Relation>) -> Result<Table, Error> {
        for (i, c) in cells.iter().enumerate() {
            if !c.value.is_finite() || c.value < 0.0 {
                return Err(Error::BadValue {
                    cell: i,
                    value: c.value,
                });
            }
            if c.n == 0 && c.value != 0.0 {
                return Err(Error::ZeroCountValue {
                    cell: i,
                    value: c.value,
                });
            }
        }
        let mut by_cell = vec![Vec::new(); cells.len()];
        for (r, rel) in relations.iter().enumerate() {
            if rel.parts.is_empty() {
                return Err(Error::EmptyRelation { relation: r });
            }
            let mut seen = BTreeSet::new();
            for m in rel.members() {
                if m >= cells.len() {
                    return Err(Error::CellOutOfRange {
                        relation: r,
                        cell: m,
                        len: cells.len(),
                    });
                }
                if !seen.insert(m) {
                    return Err(Error::RepeatedMember {
                        relation: r,
                        cell: m,
                    });
                }
                by_cell[m].push(r);
            }
            let total = cells[rel.total].value;
            let sum: f64 = rel.parts.iter().map(|&p| cells[p].value).sum();
            let bound = RELATION_TOLERANCE * total.max(sum).max(1.0);
            if (total - sum).abs() > bound {
                return Err(Error::RelationDoesNotHold {
                    relation: r,
                    total: rel.total,
                    total_value: total,
                    parts_sum: sum,
                });
            }
        }
        let max = cells.iter().map(|c| c.value).fold(0.0_f64, f64::max);
        let scale = if max > 0.0 { max } else { 1.0 };
        Ok(Table {
            cells,
            relations,
            by_cell,
            scale,
        })
    }

    /// Builds a cross-classified table and every relation of its
    /// cross-product.
    ///
    /// Each cell's key has one code per dimension, in the order of `dims`.
    /// For every dimension `d`, every relation `(total, parts)` of `d` and
    /// every combination of the other dimensions' codes found among the
    /// cells, the relation with those codes fixed is added (in that order:
    /// dimension, relation, then the other codes in lexical order; repeated
    /// relations are dropped). A combination where none of the relation's
    /// cells exists is skipped.
    ///
    /// # Errors
    ///
    /// A key of the wrong length, two cells with one key, a combination where
    /// only some of a relation's cells exist ([`Error::MissingCell`]: list
    /// zero cells explicitly, with `n = 0`), and every error of
    /// [`Table::new`].
    pub fn from_dimensions(dims: &[Dimension], cells: Vec<Cell>) -> Result<Table, Error> {
        Table::cross(dims, cells, true)
    }

    /// Builds one table from several cross-classified tables that share
    /// cells, e.g. a place-of-birth and a citizenship table whose totals are
    /// the same persons.
    ///
    /// Every cell has one code for every dimension of every table; a table
    /// that does not break a dimension down gives its cells that
    /// dimension's total (or the code it is restricted to), so a cell
    /// published by two tables has one key and is one cell. Relations are
    /// formed as in [`Table::from_dimensions`], except that a relation with
    /// some of its cells missing is skipped rather than refused: tables that
    /// are not crossed with each other have no cells in common beyond their
    /// shared margins (no table has `CBR_BIR_NATIVE` with `CCT_CIT_CITIZEN`).
    ///
    /// # Errors
    ///
    /// A key of the wrong length, two cells with one key, and every error of
    /// [`Table::new`].
    pub fn from_linked_dimensions(dims: &[Dimension], cells: Vec<Cell>) -> Result<Table, Error> {
        Table::cross(dims, cells, false)
    }

    fn cross(dims: &[Dimension], cells: Vec<Cell>, complete: bool) -> Result<Table, Error> {
        let mut index: HashMap<&[String], usize> = HashMap::with_capacity(cells.len());
        for (i, c) in cells.iter().enumerate() {
            if c.key.len() != dims.len() {
                return Err(Error::KeyArity {
                    cell: i,
                    expected: dims.len(),
                    found: c.key.len(),
                });
            }
            if index.insert(&c.key, i).is_some() {
                return Err(Error::DuplicateKey {
                    key: KeyDisplay(&c.key).to_string(),
                });
            }
        }
        let mut relations = Vec::new();
        let mut seen = BTreeSet::new();
        for (d, dim) in dims.iter().enumerate() {
            // The other dimensions' code combinations, in lexical order, each with its
            // cells by their code of dimension `d`.
            let mut rests: BTreeMap<Vec<&str>, HashMap<&str, usize>> = BTreeMap::new();
            for (i, c) in cells.iter().enumerate() {
                let rest = c
                    .key
                    .iter()
                    .enumerate()
                    .map(|(j, s)| if j == d { "" } else { s.as_str() })
                    .collect();
                rests.entry(rest).or_default().insert(c.key[d].as_str(), i);
            }
            for (total, parts) in &dim.relations {
                for (rest, by_code) in &rests {
                    let members: Vec<Option<usize>> = std::iter::once(total)
                        .chain(parts.iter())
                        .map(|c| by_code.get(c.as_str()).copied())
                        .collect();
                    if members.iter().all(Option::is_none) {
                        continue;
                    }
                    if let Some(k) = members.iter().position(Option::is_none) {
                        if !complete {
                            continue;
                        }
                        let code = if k == 0 { total } else { &parts[k - 1] };
                        let key: Vec<String> = rest
                            .iter()
                            .enumerate()
                            .map(|(j, s)| if j == d { code.as_str() } else { s }.to_owned())
                            .collect();
                        return Err(Error::MissingCell {
                            dimension: dim.id.clone(),
                            relation: format!("{total} = {}", parts.join(" + ")),
                            key: KeyDisplay(&key).to_string(),
                        });
                    }
                    let ids: Vec<usize> = members.into_iter().flatten().collect();
                    let rel = Relation::new(ids[0], ids[1..].to_vec());
                    if seen.insert(rel.clone()) {
                        relations.push(rel);
                    }
                }
            }
        }
        Table::new(cells, relations)
    }

    /// The cells, in the order given.
    pub fn cells(&self) -> &[Cell] {
        &self.cells
    }

    /// The relations, in the order given (or formed).
    pub fn relations(&self) -> &[Relation] {
        &self.relations
    }

    /// Number of cells.
    pub fn len(&self) -> usize {
        self.cells.len()
    }

    /// True when the table has no cell.
    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// Indices of the relations a cell is a member of, ascending.
    pub fn relations_of(&self, cell: usize) -> &[usize] {
        &self.by_cell[cell]
    }

    /// Index of the cell with this key, if any.
    pub fn find(&self, key: &[&str]) -> Option<usize> {
        self.cells
            .iter()
            .position(|c| c.key.len() == key.len() && c.key.iter().zip(key).all(|(a, b)| a == b))
    }

    /// Absolute width at or below which a feasible interval counts as a
    /// point: [`POINT_TOLERANCE`] times the largest cell value (or times 1 in
    /// a table of zeros).
    pub fn tolerance(&self) -> f64 {
        POINT_TOLERANCE * self.scale
    }

    /// The largest cell value (1 in a table of zeros); the LP works in units
    /// of it.
    pub(crate) fn scale(&self) -> f64 {
        self.scale
    }
}
