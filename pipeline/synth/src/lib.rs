//! Realistic, deterministic synthetic microdata in the ICLS core record (contract
//! section 3), as CSV or Parquet, for the demo, the tests and the benchmarks.
//!
//! ```no_run
//! use migstat_synth::{generate, SynthOptions};
//! let options = SynthOptions::new(1_000_000, 7, "PHL");
//! let persons = generate(&options, std::path::Path::new("core.parquet")).unwrap();
//! assert_eq!(persons, 1_000_000);
//! ```
//!
//! What is in a file (every row valid under the contract; see [`model`]): households of
//! 1 to 7 persons, an age pyramid 0-95, about 8% foreign-born concentrated at ages 25-54,
//! labour force participation and unemployment that differ by sex, age and migrant
//! status, and the special cases of the record: stateless (`XXA`), foreign of unknown
//! country (`XXX`), dual citizens, not-stated age / birth / citizenship, non-residents,
//! children, zero weights, rows with a pre-derived `lfs_status` and rows with the
//! question items. With a [`DesignOptions`], the columns `stratum`, `psu` and
//! `repwt_1..repwt_R` (Rao-Wu bootstrap) follow (see [`design`]).
//!
//! **Deterministic**: the same options give the same bytes, whatever the number of
//! threads: every household has its own random stream (SplitMix64 keyed by the seed and
//! the household number), households are generated in parallel in fixed chunks of
//! [`HOUSEHOLDS_PER_CHUNK`] and written in order.
//!
//! **Bounded memory**: a few chunks per thread are in memory at a time (plus, for Parquet,
//! the row group being encoded); the file is streamed.

#![deny(missing_docs)]

pub mod design;
pub mod model;
pub mod rng;
mod write_csv;
mod write_parquet;

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::design::Design;
use crate::model::{Code, Context, Person};

/// Households per chunk: the unit of parallel work and of a Parquet record batch.
pub const HOUSEHOLDS_PER_CHUNK: u64 = 4096;

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthOptions {
    /// Number of person rows.
    pub persons: u64,
    /// Random seed: the same seed gives the same file.
    pub seed: u64,
    /// The reporting country, ISO 3166-1 alpha-3 (`country_of_birth` = it: native-born).
    pub ref_area: String,
    /// A sample design: strata, PSUs and replicate weights. `None`: no design columns.
    pub design: Option<DesignOptions>,
}

impl SynthOptions {
    /// `persons` persons for `ref_area` from `seed`, without a design.
    pub fn new(persons: u64, seed: u64, ref_area: &str) -> SynthOptions {
        SynthOptions {
            persons,
            seed,
            ref_area: ref_area.to_string(),
            design: None,
        }
    }
}

/// A stratified two-stage design with Rao-Wu bootstrap replicate weights.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DesignOptions {
    /// Number of strata (`S01` ..).
    pub strata: u32,
    /// PSUs per stratum: drawn uniformly from this inclusive range for each stratum.
    pub psus_per_stratum: (u32, u32),
    /// How many strata (the last ones) have a single PSU (the lonely-PSU case).
    pub lonely_strata: u32,
    /// Bootstrap replicate weights `repwt_1..repwt_R`; 0 = none.
    pub replicates: u32,
}

impl Default for DesignOptions {
    /// 12 strata of 2 to 6 PSUs, the last one lonely, 80 bootstrap replicates (as
    /// `fixtures/design/core.csv`).
    fn default() -> DesignOptions {
        DesignOptions {
            strata: 12,
            psus_per_stratum: (2, 6),
            lonely_strata: 1,
            replicates: 80,
        }
    }
}

/// The output format, from the file's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `.csv`: UTF-8, comma-separated, one header row; weights as decimal text.
    Csv,
    /// `.parquet` / `.pq`: weights `Decimal128(18,2)`, replicate weights
    /// `Decimal128(18,6)`, flags Boolean, age and year of arrival Int32, codes text;
    /// not stated = null.
    Parquet,
}

impl Format {
    /// The format of `path` by its extension (case-insensitive).
    pub fn from_path(path: &Path) -> Result<Format, SynthError> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("csv") => Ok(Format::Csv),
            Some("parquet") | Some("pq") => Ok(Format::Parquet),
            _ => Err(SynthError::Options(format!(
                "{}: the output must end in .csv or .parquet",
                path.display()
            ))),
        }
    }
}

/// Why generation failed.
#[derive(Debug, thiserror::Error)]
pub enum SynthError {
    /// The options are not usable (bad ref_area, extension, design).
    #[error("{0}")]
    Options(String),
    /// Writing the file failed.
    #[error("{path}: {source}")]
    Io {
        /// The output file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Encoding Parquet failed.
    #[error("parquet: {0}")]
    Parquet(#[from] parquet::errors::ParquetError),
    /// Building Arrow arrays failed.
    #[error("arrow: {0}")]
    Arrow(#[from] arrow::error::ArrowError),
}

/// The core-record columns written (design columns included), in file order.
pub fn columns(options: &SynthOptions) -> Vec<String> {
    let mut out: Vec<String> = write_csv::CORE_COLUMNS
        .iter()
        .map(|c| c.to_string())
        .collect();
    if let Some(d) = &options.design {
        out.push("stratum".into());
        out.push("psu".into());
        out.extend((1..=d.replicates).map(|r| format!("repwt_{r}")));
    }
    out
}

/// Writes `options.persons` persons to `out` (CSV or Parquet by its extension) and
/// returns the number of persons written.
pub fn generate(options: &SynthOptions, out: &Path) -> Result<u64, SynthError> {
    let format = Format::from_path(out)?;
    let ref_area = ref_area_code(&options.ref_area)?;
    let design = match &options.design {
        Some(d) => Some(Design::new(options.seed, options.persons, d)?),
        None => None,
    };
    let io = |source| SynthError::Io {
        path: out.to_path_buf(),
        source,
    };
    let file = File::create(out).map_err(io)?;
    let sink = BufWriter::with_capacity(1 << 20, file);
    let ctx = Context {
        ref_area,
        stratum_base: design.as_ref().map(|d| d.base.as_slice()),
    };
    let job = Job {
        seed: options.seed,
        persons: options.persons,
        ctx: &ctx,
        design: design.as_ref(),
    };
    match format {
        Format::Csv => {
            let mut sink = sink;
            sink.write_all(&write_csv::header(design.as_ref()))
                .map_err(io)?;
            job.run(
                |persons| write_csv::encode(persons, design.as_ref()),
                |bytes: Vec<u8>| sink.write_all(&bytes).map_err(io),
            )?;
            sink.into_inner()
                .map_err(|e| io(e.into_error()))?
                .sync_all()
                .map_err(io)?;
        }
        Format::Parquet => {
            let encoder = write_parquet::Encoder::new(design.as_ref());
            let mut writer = write_parquet::writer(sink, &encoder)?;
            job.run(
                |persons| encoder.encode(persons, design.as_ref()),
                |batch| Ok(writer.write(&batch?)?),
            )?;
            let sink = writer.into_inner()?;
            sink.into_inner()
                .map_err(|e| io(e.into_error()))?
                .sync_all()
                .map_err(io)?;
        }
    }
    Ok(options.persons)
}

fn ref_area_code(text: &str) -> Result<Code, SynthError> {
    let t = text.trim().to_ascii_uppercase();
    let b = t.as_bytes();
    if b.len() != 3 || !b.iter().all(u8::is_ascii_uppercase) || t == "XXA" || t == "XXX" {
        return Err(SynthError::Options(format!(
            "ref_area {text:?} must be an ISO 3166-1 alpha-3 code"
        )));
    }
    Ok([b[0], b[1], b[2]])
}

/// A chunk of consecutive households: the first household (1-based), their sizes and the
/// 0-based offset of its first person.
struct Chunk {
    first_household: u64,
    sizes: Vec<u8>,
    first_person: u64,
}

struct Job<'a> {
    seed: u64,
    persons: u64,
    ctx: &'a Context<'a>,
    design: Option<&'a Design>,
}

impl Job<'_> {
    /// Plans households wave by wave, generates and encodes the chunks of a wave in
    /// parallel, and hands the encoded chunks to `write` in order.
    fn run<T: Send>(
        &self,
        encode: impl Fn(&[Person]) -> T + Sync,
        mut write: impl FnMut(T) -> Result<(), SynthError>,
    ) -> Result<(), SynthError> {
        let wave = 4 * rayon::current_num_threads().max(1);
        let (mut household, mut done) = (1u64, 0u64);
        while done < self.persons {
            let mut chunks = Vec::with_capacity(wave);
            while chunks.len() < wave && done < self.persons {
                let mut chunk = Chunk {
                    first_household: household,
                    sizes: Vec::with_capacity(HOUSEHOLDS_PER_CHUNK as usize),
                    first_person: done,
                };
                while (chunk.sizes.len() as u64) < HOUSEHOLDS_PER_CHUNK && done < self.persons {
                    let (_, _, size) = model::household_plan(self.seed, household);
                    let size = u64::from(size).min(self.persons - done) as u8;
                    chunk.sizes.push(size);
                    done += u64::from(size);
                    household += 1;
                }
                chunks.push(chunk);
            }
            let encoded: Vec<T> = chunks
                .par_iter()
                .map(|chunk| encode(&self.persons_of(chunk)))
                .collect();
            for e in encoded {
                write(e)?;
            }
        }
        Ok(())
    }

    fn persons_of(&self, chunk: &Chunk) -> Vec<Person> {
        let mut out = Vec::with_capacity(chunk.sizes.len() * 4);
        let mut offset = chunk.first_person;
        for (i, size) in chunk.sizes.iter().enumerate() {
            let unit = self.design.map(|d| d.unit(offset));
            model::household(
                self.ctx,
                self.seed,
                chunk.first_household + i as u64,
                *size,
                unit,
                &mut out,
            );
            offset += u64::from(*size);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_format_follows_the_extension() {
        assert_eq!(Format::from_path(Path::new("a.CSV")).unwrap(), Format::Csv);
        assert_eq!(
            Format::from_path(Path::new("x/a.parquet")).unwrap(),
            Format::Parquet
        );
        assert!(Format::from_path(Path::new("a.txt")).is_err());
    }

    #[test]
    fn ref_area_must_be_alpha_3() {
        assert_eq!(ref_area_code("phl").unwrap(), *b"PHL");
        assert!(ref_area_code("PH").is_err());
        assert!(ref_area_code("XXA").is_err());
        assert!(ref_area_code("P1L").is_err());
    }

    #[test]
    fn columns_end_with_the_design() {
        let mut o = SynthOptions::new(10, 1, "PHL");
        assert_eq!(columns(&o).len(), 20);
        o.design = Some(DesignOptions {
            replicates: 3,
            ..DesignOptions::default()
        });
        let c = columns(&o);
        assert_eq!(c[20..], ["stratum", "psu", "repwt_1", "repwt_2", "repwt_3"]);
    }
}
