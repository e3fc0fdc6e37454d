//! Readers for SDMX-ML structure messages and for data messages
//! (SDMX-ML 2.1/3.0 and SDMX-CSV 1.0/2.0).

mod csv;
pub mod data;
pub mod structure21;

pub use data::{read_data, read_data_path, DataFormat};
pub use structure21::read_structure_21;
