//! Small tables with known answers, shared by the unit tests.

use crate::{Cell, Relation, Table};

/// The triangle `X = a + b`, `Y = a + c`, `Z = b + c` (cells 0-2 are a, b, c; 3-5 are
/// X, Y, Z): with a, b and c suppressed every relation has two suppressed members, yet
/// the three equations determine all three, and eliminating needs a coefficient 2
/// (`a = (X + Y - Z) / 2`).
pub fn triangle() -> Table {
    let cells = vec![
        Cell::new(["a"], 2.0, 1),
        Cell::new(["b"], 7.0, 4),
        Cell::new(["c"], 9.0, 5),
        Cell::new(["X"], 9.0, 5),
        Cell::new(["Y"], 11.0, 6),
        Cell::new(["Z"], 16.0, 9),
    ];
    let relations = vec![
        Relation::new(3, vec![0, 1]),
        Relation::new(4, vec![0, 2]),
        Relation::new(5, vec![1, 2]),
    ];
    Table::new(cells, relations).unwrap()
}
