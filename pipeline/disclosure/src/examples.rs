//! Small tables whose answers are known by hand: the cases that show why suppression needs
//! more than "two suppressed cells per relation". Used by the documentation and the tests.

use crate::{Cell, Relation, Table};

/// The triangle `X = a + b`, `Y = a + c`, `Z = b + c` (cells 0-2 are a, b, c; 3-5 are
/// X, Y, Z): with a, b and c suppressed every relation has two suppressed members, yet the
/// three equations determine all three, and eliminating needs a coefficient 2
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
    Table::new(cells, relations).expect("a valid table")
}

/// `a = P + c` and `X = a + b` (cells 0-4 are a, P, c, X, b) with `P = X = 5`: with a, c
/// and b suppressed, linear algebra leaves a free (two equations, three unknowns), but
/// non-negativity pins it (`a >= 5` and `a <= 5`), and b and c (records of weight 0)
/// with it.
pub fn pinned_by_non_negativity() -> Table {
    let cells = vec![
        Cell::new(["a"], 5.0, 1),
        Cell::new(["P"], 5.0, 3),
        Cell::new(["c"], 0.0, 2),
        Cell::new(["X"], 5.0, 3),
        Cell::new(["b"], 0.0, 2),
    ];
    let relations = vec![Relation::new(0, vec![1, 2]), Relation::new(3, vec![0, 4])];
    Table::new(cells, relations).expect("a valid table")
}
