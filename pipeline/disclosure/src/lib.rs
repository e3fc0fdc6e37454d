//! Statistical disclosure control for migstat tables: primary and secondary
//! cell suppression, with an exact exposure test and an independent LP audit.
//!
//! # The problem
//!
//! A migstat dataflow publishes cells keyed by `SEX × AGE × migrant axis`
//! (country of birth or citizenship) for one measure. The cells are tied by
//! additive relations: `SEX_T = SEX_M + SEX_F (+ SEX_O)`, `CBR_BIR_TOTAL =
//! NATIVE + FOREIGN + X`, in `AGE` three families of bands whose totals are
//! the same number and which share bands (`Y15-24` is in all three), and
//! between measures (`XWAP = TEAP + TEIP`, `TEAP = TEMP + TUNE`). A cell
//! counting `0 < n < k` unweighted records is *primary* confidential (the
//! contract's frequency rule, [`primary_by_frequency`]). Withholding it is
//! not enough: a reader who knows the relations could recompute it from
//! the published cells, e.g. `SEX_F = SEX_T - SEX_M`. *Secondary*
//! suppression withholds further cells so that no suppressed cell can be
//! recomputed along any relation or any combination of relations.
//!
//! # The model
//!
//! A [`Table`] is a list of [`Cell`]s (key, weighted value `>= 0`,
//! unweighted count `n`) and a list of [`Relation`]s `total = Σ parts`. An
//! equality `a = b` (the same number published under two codes) is a
//! relation with one part. [`Table::from_dimensions`] forms every relation
//! of a cross-classified table from per-dimension code relations: a
//! relation along one dimension with the other dimensions' codes fixed.
//! [`Table::from_linked_dimensions`] does the same for several tables that
//! share cells (every dataflow of a publication at once: the measure is one
//! more dimension, and a cell two dataflows publish is one cell). [`ilo`]
//! holds migstat's code structure.
//!
//! What a reader can infer about a suppressed cell is its *feasible
//! interval* ([`feasible_interval`]): the minimum and maximum of its value
//! over all non-negative values of the suppressed cells that satisfy every
//! relation, the published cells being fixed. A suppressed cell is
//! *exposed* (recomputable) when its interval is a single point.
//!
//! # Deciding exposure exactly
//!
//! [`recomputable`] lists the exposed cells without solving an LP per cell.
//! Every other solution differs from the true values by a vector `d` of the
//! null space of the relations restricted to the suppressed cells. A cell
//! whose true value is positive can move along any such `d` a little way
//! both ways; only cells of value 0 block a direction (it may not make them
//! negative). So:
//!
//! * with no suppressed zero, a cell is exposed exactly when every null-space
//!   vector is 0 on it, i.e. when its unit row lies in the row space of the
//!   relations restricted to the suppressed cells: linear algebra;
//! * a suppressed zero that no admissible direction can raise is *pinned*
//!   by non-negativity (found by a small exact LP over the zeros alone,
//!   with Bland's rule); a pinned zero is a known number, and the test above
//!   runs with `z = 0` added to the relations.
//!
//! The arithmetic is exact: sparse integer vectors (`i128`, each divided by
//! the gcd of its entries; the coefficients of relations between codes stay
//! within a few units) and rationals for the zeros, so there is no
//! tolerance and no solver accuracy to trust. The row space is kept split
//! in two — combinations of relations that involve published cells only,
//! and combinations in reduced row echelon form on the suppressed cells —
//! and updated cell by cell as cells are suppressed, which is what makes the
//! greedy algorithm below cheap on tables of thousands of cells (all count
//! dataflows of a publication in one table). Should a number ever outgrow
//! `i128`, the LP audit answers instead.
//!
//! # The independent LP audit
//!
//! [`audit`] answers the same question by linear programming (the pure-Rust
//! `minilp` simplex solver), per connected component of suppressed cells,
//! in units of the table's largest value, and reports each exposed cell's
//! interval; an infinite maximum is recognised by a second LP that looks
//! for a direction along which the cell can grow forever. A cell counts as
//! a point when its interval is no wider than [`Table::tolerance`] (`1e-6`
//! × the largest value). The audit only declares a cell protected on
//! evidence it has checked itself: two solutions, each verified against
//! every relation and non-negativity, whose values of the cell differ by
//! more than the tolerance. A solver failure or an answer that does not
//! check makes the cell count as exposed. The tests require [`recomputable`]
//! and [`audit`] to agree on random tables and random suppression patterns;
//! the audit is too slow to run inside [`suppress`] on large tables.
//!
//! # The algorithm
//!
//! [`suppress`] is deterministic and greedy:
//!
//! 1. Start from the primary cells.
//! 2. Repeat until nothing changes: for every relation (in order) with
//!    exactly one suppressed member, suppress one more of its members, the
//!    cheapest by the *cost rule* below. (A relation with one suppressed
//!    member gives that member away by subtraction; for an equality the
//!    only other member, the equal copy, is taken.)
//! 3. Test exposure exactly. If some suppressed cell is exposed —
//!    recomputable through a combination of relations, or pinned by
//!    non-negativity — take the first one (smallest index), suppress the
//!    cheapest published cell that shares a relation with it (if all of
//!    those are suppressed or zero-count, the cheapest one a relation
//!    further away, and so on), and go back to 2. Stop when no cell is
//!    exposed.
//!
//! [`suppress`] returns one [`Reason`] per cell: `Primary`,
//! `Complementary` (step 2), `Audit` (step 3) or `None` (published);
//! [`Reason::conf_status`] maps them to SDMX `CONF_STATUS` (`C`, `D`, `F`).
//!
//! The *cost rule* orders candidates by: cells with `n > 0` before
//! zero-count cells; cells that are not the total of the relation(s) at
//! hand before totals (margins are the most used numbers); smaller value;
//! smaller `n`; key order; index. Each round of 2–3 suppresses at least one
//! more cell, so the algorithm ends; it cannot end with an exposed cell
//! unless every cell related to it is already suppressed. Suppressing a
//! cell never makes another one exposed (the feasible set only grows), so a
//! round costs the update for its new cells, not a recomputation.
//!
//! The test covers every suppressed cell, primary and secondary, so no
//! withheld number can be read back from the table.
//!
//! ## Zero-count cells
//!
//! A cell with `n = 0` (value 0) is published as a real zero, as the
//! contract says, and is chosen as a complementary suppression only when
//! nothing else is left: in step 2 when every other unsuppressed member of
//! the relation is zero-count, in step 3 when no other published cell is
//! connected to the exposed one. With additive counts (a total's `n` is the
//! sum of its parts') step 2 never needs a zero, since a relation whose one
//! suppressed member has `n > 0` has another member with `n > 0`.
//!
//! Why not use zeros: suppressing a zero instead of a non-zero partner does
//! satisfy the test, but protects as little as possible. With `T = A + Z`
//! and `T` published, suppressing `A` and `Z` leaves the reader the
//! interval `[0, T]` for `A`, whose upper end *is* `A`'s value; and a zero
//! may be structural (e.g. `SEX_O`) and known to readers anyway. It would
//! also turn a cell the contract publishes as 0 into a confidential one.
//! Published zeros are constants like any published cell. So when the only
//! published partners of a primary cell in a relation are zeros, the
//! relation's total is suppressed: for `T = A + Z1 + Z2` with `A` primary,
//! the pattern is `{A, T}`, and `Z1`, `Z2` stay published.
//!
//! ## What is not covered
//!
//! Only existence of uncertainty is required (an interval that is not a
//! point). Protection levels (intervals at least `p %` of the value wide,
//! as in τ-ARGUS) and a globally minimal pattern (an integer program) are
//! out of scope; the greedy rule can over-suppress. Cells that are not in
//! the table are not unknowns of it: tables linked through
//! [`Table::from_linked_dimensions`] are protected jointly on the cells they
//! publish, but a bound that only the non-negativity of an unpublished
//! cross-classification would give (e.g. of `EDU × AGE`, when only
//! `SEX × EDU` and `SEX × AGE` are published) is not checked.
//!
//! # Example
//!
//! ```
//! use migstat_disclosure::{audit, suppress, Cell, Reason, Relation, Table};
//!
//! // T = A + B + C; A is primary, so the smallest other part, C, goes too.
//! let cells = vec![
//!     Cell::new(["T"], 30.0, 12),
//!     Cell::new(["A"], 2.0, 1),
//!     Cell::new(["B"], 20.0, 8),
//!     Cell::new(["C"], 8.0, 3),
//! ];
//! let table = Table::new(cells, vec![Relation::new(0, vec![1, 2, 3])]).unwrap();
//! let reasons = suppress(&table, &[false, true, false, false]);
//! assert_eq!(
//!     reasons,
//!     [Reason::None, Reason::Primary, Reason::None, Reason::Complementary]
//! );
//! let suppressed: Vec<bool> = reasons.iter().map(|r| r.is_suppressed()).collect();
//! assert!(audit(&table, &suppressed).is_empty());
//! ```

#![deny(missing_docs)]

mod cone;
mod exact;
pub mod examples;
pub mod ilo;
mod lp;
mod suppress;
mod table;

pub use exact::recomputable;
pub use lp::{audit, feasible_interval};
pub use suppress::{primary_by_frequency, suppress, Reason};
pub use table::{Cell, Dimension, Relation, Table, POINT_TOLERANCE, RELATION_TOLERANCE};

/// Why a table could not be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A value that is negative, infinite or NaN.
    #[error("cell {cell} has value {value}: values must be finite and >= 0")]
    BadValue {
        /// Index of the cell.
        cell: usize,
        /// Its value.
        value: f64,
    },
    /// A zero-count cell (`n = 0`) whose value is not 0.
    #[error(
        "cell {cell} counts no record (n = 0) but has value {value}: a zero-count cell must be 0"
    )]
    ZeroCountValue {
        /// Index of the cell.
        cell: usize,
        /// Its value.
        value: f64,
    },
    /// A relation that refers to a cell that does not exist.
    #[error("relation {relation} refers to cell {cell}, but the table has {len} cells")]
    CellOutOfRange {
        /// Index of the relation.
        relation: usize,
        /// The index it refers to.
        cell: usize,
        /// The number of cells.
        len: usize,
    },
    /// A relation without parts.
    #[error("relation {relation} has no parts")]
    EmptyRelation {
        /// Index of the relation.
        relation: usize,
    },
    /// A relation that lists a cell twice (as total and part, or twice as a
    /// part).
    #[error("relation {relation} lists cell {cell} twice")]
    RepeatedMember {
        /// Index of the relation.
        relation: usize,
        /// The repeated cell.
        cell: usize,
    },
    /// A relation whose parts do not add up to its total within
    /// [`RELATION_TOLERANCE`].
    #[error("relation {relation} does not hold: cell {total} is {total_value} but its parts add up to {parts_sum}")]
    RelationDoesNotHold {
        /// Index of the relation.
        relation: usize,
        /// Index of its total cell.
        total: usize,
        /// The total's value.
        total_value: f64,
        /// The sum of the parts' values.
        parts_sum: f64,
    },
    /// A key with a code count other than the number of dimensions.
    #[error("cell {cell} has {found} key codes but there are {expected} dimensions")]
    KeyArity {
        /// Index of the cell.
        cell: usize,
        /// Number of dimensions.
        expected: usize,
        /// Number of codes in the key.
        found: usize,
    },
    /// Two cells with one key.
    #[error("two cells have the key {key}")]
    DuplicateKey {
        /// The key, codes joined by `.`.
        key: String,
    },
    /// A relation some of whose cells exist and some not.
    #[error("dimension {dimension}: relation {relation} needs cell {key}, which the table lacks (list zero cells with n = 0)")]
    MissingCell {
        /// The dimension id.
        dimension: String,
        /// The relation, as `total = part + part`.
        relation: String,
        /// The missing key, codes joined by `.`.
        key: String,
    },
}
