//! Helpers shared by the integration tests.
#![allow(dead_code)]

use migstat_disclosure::{Reason, Table};

/// The suppression flags of a result.
pub fn flags(reasons: &[Reason]) -> Vec<bool> {
    reasons.iter().map(|r| r.is_suppressed()).collect()
}

/// Keys of the suppressed cells, codes joined by `.`, in cell order.
pub fn suppressed_keys(table: &Table, reasons: &[Reason]) -> Vec<String> {
    table
        .cells()
        .iter()
        .zip(reasons)
        .filter(|(_, r)| r.is_suppressed())
        .map(|(c, _)| c.key.join("."))
        .collect()
}

/// Primary flags from a list of keys (codes joined by `.`).
pub fn primary(table: &Table, keys: &[&str]) -> Vec<bool> {
    let mut p = vec![false; table.len()];
    for k in keys {
        let codes: Vec<&str> = k.split('.').collect();
        let i = table.find(&codes).unwrap_or_else(|| panic!("no cell {k}"));
        p[i] = true;
    }
    p
}
