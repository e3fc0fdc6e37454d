//! # migstat-ingest: microdata → `ingest/core.parquet`
//!
//! The first stage of migstat. It reads the microdata file named by `[input] path` in the
//! config, in the ICLS core record of contract section 3 (CSV, or the same columns in
//! Parquet), checks every record against the rules below and writes the validated records
//! as one artefact, `ingest/core.parquet` ([`RunDir::core_records`]), in
//! [`schema::core_record`] followed by the file's replicate weights, if any
//! (`schema::with_replicates(schema::core_record(), R)`). Nothing downstream reads the
//! microdata again.
//!
//! ```text
//! core.csv ─┐                     ┌─ ok ──▶ ingest/core.parquet
//!           ├─ source ─▶ validate ┤
//! core.parquet                    └─ any problem ──▶ rejects.csv, Error::Input (exit 3)
//! ```
//!
//! The entry point is [`run`]. A file with **any** problem is rejected whole: every
//! problem is listed in `rejects.csv` ([`RunDir::rejects`]) with its file, row, line,
//! column, value, rule and a sentence; the first twenty are in the returned
//! [`Error::Input`]; and no `core.parquet` is left behind (the contract publishes nothing
//! from bad microdata).
//!
//! ## How it works
//!
//! - `source`: the format. `[input] dictionary` means fixed-width text described by it (a
//!   CSPro `.dcf` or a DDI-Codebook XML); otherwise the file's first bytes decide: `$FL2`
//!   / `$FL3` SPSS (`.sav`, `.zsav`), `<stata_dta>` or a Stata 113-115 header Stata
//!   (`.dta`), `PAR1` Parquet, anything else delimited text (a file named `.sav`, `.zsav`,
//!   `.dta` or `.parquet` that is not what its name says is rejected by that format's
//!   reader). Every format gives batches of 64K records as raw text columns, so memory
//!   stays bounded whatever the file size; Parquet types are turned into text (Booleans as
//!   `Y`/`N`), SPSS, Stata and fixed-width values come as migstat-microdata hands them out
//!   (numbers in their shortest decimal form, system-missing empty), so every format goes
//!   through the same rules.
//! - `validate`: the value rules, one function each, from trimmed text to the typed
//!   column. Batches are validated in parallel (rayon) and taken back in file order.
//! - `duplicates`: `person_id` uniqueness across the whole file.
//! - `decimal`: weights are parsed from their text exactly into `Decimal128(38,9)`,
//!   never through a float; more than 9 decimals are rounded half to even
//!   (`0.0000000005` → `0.000000000`, `0.0000000015` → `0.000000002`).
//!
//! - `layout`: with `[input] layout` other than `core` (a built-in layout such as
//!   `eu-lfs`, or a layout file), each record's national values are mapped onto the core
//!   record (value maps, code lists, missing codes, derived values, weight scaling,
//!   constants, value labels) before the same rules, whatever the format: delimited text
//!   in the layout's dialect (delimiter, quote, UTF-8 / Latin-1 / Windows-1252), or the
//!   variables of a `.sav`, `.dta` or fixed-width file, whose numeric codes are compared as
//!   numbers (`00000` in a layout matches the value 0) and whose value labels a column can
//!   map on (`labels = true`); see `schemas/layouts/README.md`.
//!
//! ## SPSS, Stata and fixed-width input (an extension of the contract)
//!
//! ```toml
//! [input]
//! path        = "census.dat"      # or survey.sav, survey.zsav, survey.dta
//! layout      = "my-census.toml"  # or "core": variables named as the core columns
//! dictionary  = "census.dcf"      # fixed width only: a CSPro .dcf, or a DDI XML (IPUMS)
//! record_type = "PERSON"          # a hierarchical file: the record per person (DDI: "P")
//! carry       = ["HOUSING"]       # household records whose items each person gets (DDI: "H")
//! encoding    = "latin-1"         # fixed width only: utf-8, latin-1, windows-1252
//! ```
//!
//! `.sav` and `.dta` name their own encoding; a fixed-width file is in `encoding`, else the
//! DDI codebook's `charset`, else UTF-8 (a UTF-8 byte order mark wins). Declared
//! user-missing values (SPSS missing values, CSPro MISSING, DDI `missing="Y"`) come as the
//! codes they are: the layout's `missing` says which are not stated. A `divide` on a
//! variable whose implied decimals the dictionary declares (DDI `dcml`, CSPro `Decimal`
//! without `DecimalChar`) must equal them and is not applied twice (the reader already
//! placed the point: `ipums-international`'s `PERWT / 100` reads an IPUMS CSV and an IPUMS
//! fixed-width extract alike). `row` in rejects counts the records handed out (persons of
//! a hierarchical file, and lines that could not be read); `line` is the physical line.
//!
//! ## Choices the contract leaves open
//!
//! - Values are trimmed of surrounding white space; an empty value is *not stated*
//!   (null). Codes are case-sensitive (`m` is not a sex code).
//! - `usual_resident`: the column absent means everyone is a usual resident (contract);
//!   an empty value is treated the same way, as `Y`: a person interviewed in a household
//!   survey is counted unless the producer says otherwise.
//! - Header names match exactly after trimming; column order is free, extra columns are
//!   ignored (their contents are not checked, except for line breaks, see `csv.unbalanced_quote`).
//!   A duplicate header is rejected when it is a core-record column.
//! - Without `lfs_status`, all four items `worked`, `absent`, `searched`, `available` must
//!   be there (the others default to not stated).
//! - A record that breaks the CSV structure (`csv.*`) is not checked further; its row
//!   still counts, so later rows keep their numbers.
//! - `source_row` is the 1-based data row (the first record after the header is row 1).
//! - Parquet: floats are read as their shortest decimal text without a trailing `.0`, so
//!   a float column of whole numbers (pandas' integer columns with missing values) reads
//!   as integers; a `NaN` weight is `weight.not_a_number`.
//!
//! ## The sample design (an extension of the contract)
//!
//! The columns the variance needs are read under the names `[design]` gives them
//! (defaults in brackets), whatever `[design] method` is:
//!
//! - `stratum` from the input column `design.strata` (`stratum`) and `psu` from
//!   `design.psu` (`psu`): free text, trimmed, empty = null, never checked against a
//!   list. One input column may feed two core columns (`psu = "household_id"`).
//! - Replicate weights from `<design.replicate_prefix>1 .. <prefix>R` (`repwt_1 ..`),
//!   stored as `repwt_1 ..= repwt_R` after `source_row`, with the same exact decimal
//!   parser and rules as `weight` (rule ids `replicate_weight.*`; the reject names the
//!   input column). R is the largest k such that columns 1..=k are all there; a column
//!   `<prefix>k` beyond a missing one is `column.replicate_gap`. Only `<prefix>` followed
//!   by a whole number >= 1 without leading zeros counts (`repwt_01` is an extra column).
//!
//! Without a `[design]` section (method `none`) these columns are read when present and
//! never required. Method `taylor` requires the stratum and PSU columns
//! (`column.stratum_missing`, `column.psu_missing`) and a stratum and PSU in every row
//! with weight > 0 (`stratum.missing`, `psu.missing`; a weight-0 row is not in the
//! sample). The replicate methods (`jk1`, `jkn`, `brr`, `fay`, `bootstrap`, `sdr`)
//! require at least 2 replicate weights (`column.replicates_missing`), and `jkn` exactly
//! one per `design.jkn_rscales` entry (`column.replicates_count`). Ingest checks the
//! columns only; whether the design itself is usable (lonely PSUs, replicate scaling) is
//! for the variance.
//!
//! ## Limits
//!
//! Records are streamed, but the ids (for uniqueness) and every reject are kept in
//! memory until the end: about 60 bytes per record and 250 per reject (a 10-million-row
//! file with one systematically miscoded column needs some 2.5 GB to list its rejects).
//!
//! ## Rules
//!
//! Rule ids are stable (data producers filter `rejects.csv` by them); they are the
//! constants of [`rules`]. "File" rules have no row.
//!
//! | rule | what is wrong |
//! |---|---|
//! | `file.empty` | the file has no bytes, or only a byte-order mark or blank lines |
//! | `file.no_records` | a header (or Parquet schema) but no data rows |
//! | `column.missing` | a required column (`person_id`, `weight`, `sex`, `age`, `country_of_birth`, `citizenship`) is not in the header |
//! | `column.lfs_missing` | no `lfs_status` column, and not all of `worked`, `absent`, `searched`, `available` |
//! | `column.duplicate` | a core-record column appears twice in the header |
//! | `parquet.unreadable` | the file starts with `PAR1` or is named `.parquet`, but cannot be read as Parquet (truncated, corrupt) |
//! | `parquet.type` | a Parquet column of a type that is not text, number or Boolean (list, struct, ...) |
//! | `column.replicate_gap` | replicate weight columns not numbered 1..R without gaps, e.g. `repwt_1`, `repwt_2`, `repwt_4` (column: the first missing one; value: those after it) |
//! | `column.stratum_missing` | method `taylor`: the column named by `design.strata` is not in the header (column: that name) |
//! | `column.psu_missing` | method `taylor`: the column named by `design.psu` is not in the header (column: that name) |
//! | `column.replicates_missing` | a replicate method (`jk1`, `jkn`, `brr`, `fay`, `bootstrap`, `sdr`) and fewer than 2 replicate weight columns (value: how many) |
//! | `column.replicates_count` | method `jkn`: the number of replicate weight columns differs from `design.jkn_rscales.len()` (value: how many) |
//! | `column.main_activity_status` | `[survey] labour_status_basis = "main_activity"` and no `lfs_status` column (the main activity, coded `EMP`/`UNE`/`OLF`, must be there) |
//! | `csv.field_count` | a record with a different number of fields from the header (value: the count) |
//! | `csv.utf8` | a value (or header name) that is not valid UTF-8 |
//! | `csv.unbalanced_quote` | a field running across lines: a quote opened and never closed (line: where the record starts) |
//! | `person_id.missing` | `person_id` empty |
//! | `person_id.duplicate` | `person_id` already used by an earlier row (the message names it) |
//! | `weight.missing` | `weight` empty |
//! | `weight.not_a_number` | `weight` not a decimal number: digits, one optional `.`, optional exponent (`1.5e2`); `NaN`, `inf`, `1,5` are not |
//! | `weight.negative` | `weight` below 0 |
//! | `weight.too_large` | `weight` of 10^29 or more (does not fit `Decimal128(38,9)`) |
//! | `sex.missing` | `sex` empty |
//! | `sex.code` | `sex` not `M`, `F` or `O` |
//! | `age.not_an_integer` | `age` not a whole number (`34.5`, `34.0`, `abc`) |
//! | `age.range` | `age` outside 0 to 130 |
//! | `country_of_birth.code` | not an ISO 3166-1 alpha-3 code of `codelists/countries.csv`, nor `XXX` |
//! | `citizenship.code` | not an ISO alpha-3 code, `XXA` (stateless) nor `XXX` |
//! | `citizenship_2.code` | not an ISO alpha-3 code, `XXA` nor `XXX` |
//! | `usual_resident.flag` | not `Y`, `N` or empty |
//! | `lfs_status.code` | not `EMP`, `UNE`, `OLF` or empty |
//! | `worked.flag`, `absent.flag`, `absence_paid.flag`, `absence_return_3m.flag`, `searched.flag`, `available.flag`, `future_start.flag` | not `Y`, `N` or empty |
//! | `absence_reason.code` | not `SICK`, `LEAVE`, `MATERNITY`, `ARRANGEMENT`, `TRAINING`, `OTHER` or empty |
//! | `reason_for_migration.code` | not `WORK_JOB_FOUND`, `WORK_NO_JOB_FOUND`, `FAMILY`, `EDUCATION`, `INTERNATIONAL_PROTECTION`, `OTHER` or empty |
//! | `year_of_arrival.not_an_integer` | `year_of_arrival` not a whole number |
//! | `year_of_arrival.range` | `year_of_arrival` before 1900 or after the reference year (the year of `survey.time_period`) |
//! | `education.code` | `education` not an ISCED 2011 level (`X` no schooling, `0` .. `8`, `9` not elsewhere classified), an ILO aggregate level (`LTB`, `BAS`, `INT`, `ADV`) or empty |
//! | `economic_activity.code` | `economic_activity` not an ISIC Rev.4 section letter `A` .. `U` or empty |
//! | `occupation.code` | `occupation` not an ISCO-08 major group `0` .. `9` or empty |
//! | `status_in_employment.code` | `status_in_employment` not an ICSE-93 group `1` .. `6` or empty |
//! | `months_present_12m.not_a_number`, `intended_stay_months.not_a_number` | not a number of months: digits with an optional fraction (`6.5`) |
//! | `months_present_12m.range` | outside 0 to 12 |
//! | `intended_stay_months.range` | outside 0 to 1560 (130 years; write 12 or more for "permanently", not a 9999 code) |
//! | `present_in_country.flag`, `works_for_resident_unit.flag`, `seeking_work_in_country.flag` | not `Y`, `N` or empty |
//! | `nonresident_worker_type.code` | not `FRONTIER`, `SEASONAL`, `SEAFARER`, `ITINERANT`, `PROJECT_TIED`, `SPECIFIED_EMPLOYMENT`, `SELF_EMPLOYED` or empty |
//! | `years_of_residence.not_an_integer` | `years_of_residence` not a whole number |
//! | `years_of_residence.range` | `years_of_residence` outside 0 to 130 |
//! | `previous_country_of_residence.code` | not an ISO 3166-1 alpha-3 code of `codelists/countries.csv`, nor `XXX` |
//! | `year_of_return.not_an_integer` | `year_of_return` not a whole number |
//! | `year_of_return.range` | `year_of_return` before 1900 or after the reference year |
//! | `labour_status_abroad.code` | not `EMP`, `UNE`, `OLF` or empty |
//! | `stratum.missing` | method `taylor`: the stratum empty in a row with `weight` > 0 |
//! | `psu.missing` | method `taylor`: the PSU empty in a row with `weight` > 0 |
//! | `replicate_weight.missing` | a replicate weight empty (column: the input column) |
//! | `replicate_weight.not_a_number` | a replicate weight not a decimal number (as `weight.not_a_number`) |
//! | `replicate_weight.negative` | a replicate weight below 0 |
//! | `replicate_weight.too_large` | a replicate weight of 10^29 or more |
//! | `layout.code` | a layout other than `core`: a national value that the column's `map` and `codelist` do not know (column: the national column; value: the national value) |
//! | `layout.not_a_number` | a layout other than `core`: a value the layout computes with (`derive`, `divide`) that is not a whole number, decimal or date as needed |
//! | `sav.unreadable` | an SPSS file (`$FL2`/`$FL3`, or named `.sav`/`.zsav`) that cannot be read: not a system file, an unsupported encoding, damaged or truncated (value: the byte offset; row: the record where reading stopped, for damage in the data) |
//! | `dta.unreadable` | a Stata file (`<stata_dta>`, a 113-115 header, or named `.dta`) that cannot be read (as `sav.unreadable`) |
//! | `dictionary.invalid` | `[input] dictionary` is not a CSPro dictionary or DDI codebook the reader understands (file: the dictionary; line: where, when known; the message names the item) |
//! | `fixed.not_a_number` | fixed width: a numeric item that is not a number, or has a decimal point where the dictionary implies the decimals (column: the item; value: the field) |
//! | `fixed.encoding` | fixed width: a field (or line) that is not valid in the file's encoding (column: the item) |
//! | `fixed.record_type` | fixed width: a line whose record type code the dictionary does not declare (value: the code) |
//! | `fixed.line_too_long` | fixed width: a line longer than 1 MiB (not fixed-width text, or no line ends) |
//! | `fixed.case` | fixed width with `[input] carry`: a record whose household record was rejected (column and value: its bad item), or whose case has several records of a carried type |
//! | `fixed.unreadable` | fixed width: a case of more than 100,000 lines (the case key never changes); reading stops there |
//!
//! ## Example
//!
//! ```
//! use migstat_artefacts::{config::Config, layout::RunDir, reference::Reference, Error};
//!
//! let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/bad/weight.negative.csv");
//! let toml = format!(
//!     "[survey]\nref_area = \"PHL\"\ntime_period = \"2024-Q2\"\nsource_type = \"lfs\"\n\
//!      [input]\npath = {fixture:?}\n"
//! );
//! let config = Config::parse(&toml, "run.toml".as_ref())?;
//! let out = tempfile::tempdir().unwrap();
//! let run = RunDir::new(out.path());
//!
//! let Err(Error::Input(e)) = migstat_ingest::run(&config, &Reference::bundled()?, &run) else {
//!     panic!("a negative weight is an input error");
//! };
//! assert_eq!(e.first[0].rule, "weight.negative");
//! assert_eq!(e.first[0].row, Some(2));
//! assert!(run.rejects().exists() && !run.core_records().exists());
//! # Ok::<(), Error>(())
//! ```
//!
//! [`RunDir::core_records`]: migstat_artefacts::layout::RunDir::core_records
//! [`RunDir::rejects`]: migstat_artefacts::layout::RunDir::rejects
//! [`schema::core_record`]: migstat_artefacts::schema::core_record
//! [`Error::Input`]: migstat_artefacts::Error::Input
#![deny(missing_docs)]

mod basis;
mod columns;
mod decimal;
mod duplicates;
mod ingest;
pub mod layout;
pub mod rules;
mod source;
mod validate;

use migstat_artefacts::config::Config;
use migstat_artefacts::layout::RunDir;
use migstat_artefacts::reference::Reference;

pub use migstat_artefacts::Result;

/// What an ingest run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngestReport {
    /// Data records in the file.
    pub rows_read: u64,
    /// Records written to `ingest/core.parquet` (all of them: a run with a reject fails).
    pub rows_written: u64,
    /// Problems found: always 0 in a report, since any problem fails the run.
    pub rejected: u64,
    /// `"csv"`, `"parquet"`, `"sav"`, `"dta"` or `"fixed"`.
    pub input_format: &'static str,
}

/// Reads `config.input.path` (CSV, Parquet, SPSS, Stata, or fixed-width text with
/// `[input] dictionary`; chosen as the crate documentation says), checks every rule of contract section 3 and of `config.design` (the table
/// above), and writes `run.core_records()` (Parquet, [`schema::core_record`] with the
/// file's replicate weights appended).
///
/// On any problem in the microdata it writes **all** of them to `run.rejects()`, leaves
/// no `core.parquet`, and returns [`Error::Input`] with the first twenty, the total and
/// the rejects file. On success a stale `rejects.csv` from an earlier run is removed.
/// A missing or unreadable input file is [`Error::Io`].
///
/// [`schema::core_record`]: migstat_artefacts::schema::core_record
/// [`Error::Input`]: migstat_artefacts::Error::Input
/// [`Error::Io`]: migstat_artefacts::Error::Io
pub fn run(config: &Config, reference: &Reference, run: &RunDir) -> Result<IngestReport> {
    ingest::run(config, reference, run)
}
