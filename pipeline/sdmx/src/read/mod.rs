//! Readers for SDMX-ML messages.

pub mod structure21;

pub use structure21::read_structure_21;
