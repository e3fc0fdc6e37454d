//! The run config (contract section 2): a TOML file, unknown keys are an error.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use crate::concepts::{Concepts, ResidenceRule};
use crate::{Error, Result};

/// A loaded, checked config with every path resolved against the config's folder.
#[derive(Debug, Clone, Serialize)]
pub struct Config {
    /// The config file itself.
    #[serde(skip)]
    pub file: PathBuf,
    /// What the survey is.
    pub survey: Survey,
    /// Where the microdata are.
    pub input: Input,
    /// Confidentiality and reliability thresholds.
    pub quality: Quality,
    /// Message header settings of the published SDMX.
    pub publish: Publish,
    /// The sample design, for precision.
    pub design: Design,
    /// Reliability rules on top of `[quality]`.
    pub reliability: Reliability,
    /// Disclosure control on top of the primary frequency rule.
    pub disclosure: Disclosure,
    /// The parameters of the 2018 ICLS concepts (usual residence rule, recent and return
    /// periods, non-resident coverage). Left out of the normalised config when every key
    /// is the default, so that the config hash of a run that does not use them is what it
    /// was before the section existed.
    #[serde(skip_serializing_if = "Concepts::is_default")]
    pub concepts: Concepts,
    /// Where and in how much memory the tabulation runs. Not part of the normalised
    /// config (nor of its hash): like `--threads`, it changes how a run is computed,
    /// never its results.
    #[serde(skip)]
    pub engine: Engine,
}

/// How the variance of an estimate is computed (`[design] method`).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum VarianceMethod {
    /// No sampling variance (a full census, or no design information): no SE, no interval.
    #[default]
    None,
    /// Taylor linearisation, stratified one-stage with-replacement design.
    Taylor,
    /// Delete-one jackknife replicate weights.
    Jk1,
    /// Stratified delete-one jackknife (needs `jkn_rscales`).
    Jkn,
    /// Balanced repeated replication.
    Brr,
    /// Fay's modified BRR (`fay_rho`).
    Fay,
    /// Bootstrap replicate weights.
    Bootstrap,
    /// Successive difference replication.
    Sdr,
}

/// What to do with a stratum that has a single PSU, as R survey's `survey.lonely.psu`
/// (defined with the variance engine that applies it).
pub use migstat_variance::LonelyPsu;

/// `[design]` (an extension of the contract; absent = no sampling variance).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Design {
    /// The variance method.
    #[serde(default)]
    pub method: VarianceMethod,
    /// The input column with the stratum (taylor).
    #[serde(default = "default_strata")]
    pub strata: String,
    /// The input column with the primary sampling unit (taylor).
    #[serde(default = "default_psu")]
    pub psu: String,
    /// Replicate weight columns are this prefix followed by 1..R (replicate methods).
    #[serde(default = "default_replicate_prefix")]
    pub replicate_prefix: String,
    /// Fay's rho (method `fay`).
    #[serde(default = "default_fay_rho")]
    pub fay_rho: f64,
    /// Lonely PSU policy (taylor).
    #[serde(default)]
    pub lonely_psu: LonelyPsu,
    /// Confidence level of the published interval.
    #[serde(default = "default_ci_level")]
    pub ci_level: f64,
    /// Per-replicate scale factors (method `jkn`), as R survey's `rscales`.
    #[serde(default)]
    pub jkn_rscales: Option<Vec<f64>>,
}

fn default_strata() -> String {
    "stratum".into()
}
fn default_psu() -> String {
    "psu".into()
}
fn default_replicate_prefix() -> String {
    "repwt_".into()
}
fn default_fay_rho() -> f64 {
    0.5
}
fn default_ci_level() -> f64 {
    0.95
}

impl Default for Design {
    fn default() -> Self {
        toml::from_str("").expect("every [design] key has a default")
    }
}

/// `[reliability]`: precision rules deciding `U` or suppression (all optional).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct Reliability {
    /// Cells with fewer unweighted records are not published (dropped, reason `MIN_N`).
    #[serde(default)]
    pub min_n: Option<u64>,
    /// A CV above this percentage flags the cell `U`.
    #[serde(default)]
    pub cv_unreliable: Option<f64>,
    /// A CV above this percentage suppresses the cell (not published, reason `CV`).
    #[serde(default)]
    pub cv_suppress: Option<f64>,
    /// EU-LFS limit A, in thousands: counts below it are not published.
    #[serde(default)]
    pub limit_a: Option<f64>,
    /// EU-LFS limit B, in thousands: counts from A to below B are flagged `U`.
    #[serde(default)]
    pub limit_b: Option<f64>,
}

/// `[disclosure]`
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct Disclosure {
    /// Secondary suppression along every additive relation of a dataflow, so that no
    /// confidential cell can be recomputed. Off by default: the contract defines `C` by
    /// the frequency rule alone.
    #[serde(default)]
    pub secondary: bool,
    /// The (n,k)-dominance rule: a cell is confidential when its `n` largest
    /// contributions (person weights) make up more than `k` percent of its weighted
    /// total. Both set, or neither (rule off).
    #[serde(default)]
    pub dominance_n: Option<u32>,
    /// The `k` of the (n,k)-dominance rule, in percent (0 < k <= 100).
    #[serde(default)]
    pub dominance_k: Option<f64>,
}

/// `[engine]` (an extension of the contract): where the tabulation's DataFusion plan runs
/// and how much memory it may hold before it spills to disk.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Engine {
    /// `local` (this process), or `ballista://HOST:PORT` (an Apache DataFusion Ballista
    /// scheduler; needs a binary built with the `ballista` feature). `migstat --engine`
    /// overrides it.
    #[serde(default = "default_engine_url")]
    pub url: String,
    /// The memory, in MiB, that the tabulation's sorts and aggregations may hold; beyond
    /// it they spill to disk. `migstat --memory-limit` overrides it.
    #[serde(default = "default_memory_limit_mib")]
    pub memory_limit_mib: u64,
    /// Where spill files go (default: the system's temporary folder).
    #[serde(default)]
    pub spill_dir: Option<PathBuf>,
}

impl Default for Engine {
    fn default() -> Self {
        Engine {
            url: default_engine_url(),
            memory_limit_mib: default_memory_limit_mib(),
            spill_dir: None,
        }
    }
}

fn default_engine_url() -> String {
    "local".into()
}

/// Half of the 1 GiB a modest server can give a run, leaving the rest to the reader's
/// buffers and the stages around the tabulation.
fn default_memory_limit_mib() -> u64 {
    512
}

/// `[survey]`
#[derive(Debug, Clone, Serialize)]
pub struct Survey {
    /// ISO 3166-1 alpha-3 of the reporting country (an ILO CL_AREA code).
    pub ref_area: String,
    /// The reference period.
    pub time_period: TimePeriod,
    /// The kind of source.
    pub source_type: SourceType,
    /// How the labour force status was measured (an extension of the contract). Left out
    /// of the normalised config when it is the default, so that the config hash of a run
    /// that does not use it is what it was before the key existed.
    #[serde(skip_serializing_if = "LabourStatusBasis::is_current_activity")]
    pub labour_status_basis: LabourStatusBasis,
}

/// `[survey] labour_status_basis`: where the labour force status (`lfs_status` or the
/// question items) comes from (icls-concepts.md §2.4).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum LabourStatusBasis {
    /// The ILO current activity status of the 19th ICLS (a short reference period, the
    /// question items or a status derived from them): every LFS, and censuses that ask
    /// the short-form items.
    #[default]
    CurrentActivity,
    /// A single "main activity" question of a census, coded EMP / UNE / OLF in
    /// `lfs_status` by the producer. It measures main or usual activity rather than ILO
    /// status (it under-counts the employment of students and homemakers, and
    /// unemployment), so every published observation of a measure that depends on the
    /// status carries the registry's note for it (`basis_note.main_activity`).
    MainActivity,
}

impl LabourStatusBasis {
    /// Whether this is the default, [`LabourStatusBasis::CurrentActivity`].
    pub fn is_current_activity(&self) -> bool {
        *self == LabourStatusBasis::CurrentActivity
    }

    /// The config value, e.g. `main_activity` (the key of the registry's `basis_note`).
    pub fn key(self) -> &'static str {
        match self {
            LabourStatusBasis::CurrentActivity => "current_activity",
            LabourStatusBasis::MainActivity => "main_activity",
        }
    }
}

/// `[input]`
#[derive(Debug, Clone, Serialize)]
pub struct Input {
    /// The microdata file, absolute.
    pub path: PathBuf,
    /// The layout of the microdata: `core` (the ICLS core record), the name of a built-in
    /// layout of [`LAYOUTS`] (`schemas/layouts/NAME.toml`), or a layout file as written.
    pub layout: String,
    /// The layout file, absolute, when `layout` names a file (ends in `.toml` or holds a
    /// `/`) rather than a built-in layout; relative to the config's folder.
    pub layout_file: Option<PathBuf>,
    /// The dictionary of a fixed-width text file (an extension of the contract): a CSPro
    /// `.dcf` or a DDI-Codebook XML, absolute (relative to the config's folder). Left out
    /// of the normalised config when absent, like the three keys below, so that the
    /// config hash of a run that does not use them is what it was before they existed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dictionary: Option<PathBuf>,
    /// The record type handed out of a hierarchical fixed-width file: a CSPro record
    /// name (`PERSON`) or a DDI record type code (`P`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record_type: Option<String>,
    /// Record types whose variables are attached to each record of `record_type` of the
    /// same case (household items onto persons): CSPro record names or DDI codes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub carry: Vec<String>,
    /// The text encoding of a fixed-width file, as a layout's `[file] encoding` names it
    /// (`utf-8`, `latin-1`, `windows-1252`); `None`: the dictionary's (DDI `charset`),
    /// else UTF-8.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
}

/// The `[input] encoding` values.
pub const INPUT_ENCODINGS: &[&str] = &["utf-8", "latin-1", "windows-1252"];

/// `[quality]`
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Quality {
    /// A cell with fewer unweighted records than this (but some) is confidential (`C`).
    #[serde(default = "default_suppress")]
    pub suppress_below_n: u64,
    /// A published cell with fewer unweighted records than this is unreliable (`U`).
    #[serde(default = "default_unreliable")]
    pub unreliable_below_n: u64,
}

fn default_suppress() -> u64 {
    3
}
fn default_unreliable() -> u64 {
    20
}

impl Default for Quality {
    fn default() -> Self {
        Quality {
            suppress_below_n: default_suppress(),
            unreliable_below_n: default_unreliable(),
        }
    }
}

/// `[publish]` (an extension of the contract; every key optional).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Publish {
    /// `Header/Sender/@id` (an SDMX IDType). Default `MIGSTAT`.
    #[serde(default = "default_sender")]
    pub sender: String,
    /// `Header/Receiver/@id`. Default `ILO`.
    #[serde(default = "default_receiver")]
    pub receiver: String,
    /// `Header/Prepared` (xs:dateTime). When absent: `SOURCE_DATE_EPOCH` if set, else the
    /// clock. Set it for byte-identical reruns.
    #[serde(default)]
    pub prepared: Option<String>,
    /// `Header/Test`. Default false.
    #[serde(default)]
    pub test: bool,
    /// The formats written for every dataflow. Default `["ss21", "csv10"]` (the contract's).
    #[serde(default = "default_formats")]
    pub formats: Vec<Format>,
}

/// An SDMX format publish can write, and the file name it gets in `sdmx/`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// SDMX-ML 2.1 StructureSpecificData, series layout: `<DATAFLOW>.xml`.
    Ss21,
    /// SDMX-ML 2.1 StructureSpecificData, flat layout (`dimensionAtObservation="AllDimensions"`): `<DATAFLOW>.flat.xml`.
    Ss21flat,
    /// SDMX-ML 2.1 GenericData: `<DATAFLOW>.generic.xml`.
    Generic21,
    /// SDMX-CSV 1.0: `<DATAFLOW>.csv`.
    Csv10,
    /// SDMX-CSV 2.0: `<DATAFLOW>.csv20.csv`.
    Csv20,
    /// SDMX-ML 3.0 StructureSpecificData: `<DATAFLOW>.v30.xml`.
    Ss30,
}

impl Format {
    /// Every format, in the order files are written.
    pub const ALL: [Format; 6] = [
        Format::Ss21,
        Format::Ss21flat,
        Format::Generic21,
        Format::Csv10,
        Format::Csv20,
        Format::Ss30,
    ];

    /// The file name of a dataflow in this format.
    pub fn file_name(self, dataflow: &str) -> String {
        let suffix = match self {
            Format::Ss21 => ".xml",
            Format::Ss21flat => ".flat.xml",
            Format::Generic21 => ".generic.xml",
            Format::Csv10 => ".csv",
            Format::Csv20 => ".csv20.csv",
            Format::Ss30 => ".v30.xml",
        };
        format!("{dataflow}{suffix}")
    }
}

fn default_formats() -> Vec<Format> {
    vec![Format::Ss21, Format::Csv10]
}

fn default_sender() -> String {
    "MIGSTAT".into()
}
fn default_receiver() -> String {
    "ILO".into()
}

impl Default for Publish {
    fn default() -> Self {
        Publish {
            sender: default_sender(),
            receiver: default_receiver(),
            prepared: None,
            test: false,
            formats: default_formats(),
        }
    }
}

/// `source_type`
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SourceType {
    /// A labour force survey.
    Lfs,
    /// A population census.
    Census,
}

impl SourceType {
    /// The ILO `SOURCE` attribute text.
    pub fn sdmx_source(self) -> &'static str {
        match self {
            SourceType::Lfs => "LFS - Labour Force Survey",
            SourceType::Census => "PC - Population Census",
        }
    }
}

/// SDMX frequency of the reference period.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub enum Freq {
    /// `YYYY`
    A,
    /// `YYYY-Qn`
    Q,
    /// `YYYY-Mmm`
    M,
}

impl fmt::Display for Freq {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Freq::A => "A",
            Freq::Q => "Q",
            Freq::M => "M",
        })
    }
}

/// A reference period: `YYYY`, `YYYY-Qn` or `YYYY-Mmm`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimePeriod {
    /// The SDMX text, e.g. `2024-Q2`.
    pub text: String,
    /// Its frequency.
    pub freq: Freq,
    /// Its year.
    pub year: i32,
}

impl TimePeriod {
    /// Parses `YYYY`, `YYYY-Qn` (n in 1..=4) or `YYYY-Mmm` (mm in 01..=12).
    pub fn parse(text: &str) -> Option<TimePeriod> {
        let b = text.as_bytes();
        let year_ok = b.len() >= 4 && b[..4].iter().all(u8::is_ascii_digit);
        if !year_ok {
            return None;
        }
        let year: i32 = text[..4].parse().ok()?;
        let freq = match &b[4..] {
            [] => Freq::A,
            [b'-', b'Q', n] if (b'1'..=b'4').contains(n) => Freq::Q,
            [b'-', b'M', m1, m2] if m1.is_ascii_digit() && m2.is_ascii_digit() => {
                let m = (m1 - b'0') * 10 + (m2 - b'0');
                if !(1..=12).contains(&m) {
                    return None;
                }
                Freq::M
            }
            _ => return None,
        };
        Some(TimePeriod {
            text: text.to_string(),
            freq,
            year,
        })
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    survey: RawSurvey,
    input: RawInput,
    #[serde(default)]
    quality: Quality,
    #[serde(default)]
    publish: Publish,
    #[serde(default)]
    design: Design,
    #[serde(default)]
    reliability: Reliability,
    #[serde(default)]
    disclosure: Disclosure,
    #[serde(default)]
    concepts: Concepts,
    #[serde(default)]
    engine: Engine,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSurvey {
    ref_area: String,
    time_period: String,
    source_type: SourceType,
    #[serde(default)]
    labour_status_basis: LabourStatusBasis,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInput {
    path: PathBuf,
    #[serde(default = "default_layout")]
    layout: String,
    dictionary: Option<PathBuf>,
    record_type: Option<String>,
    #[serde(default)]
    carry: Vec<String>,
    encoding: Option<String>,
}

fn default_layout() -> String {
    "core".into()
}

/// The built-in layouts: `core` (the identity) and the files `schemas/layouts/NAME.toml`
/// bundled into the binary (parsed by the ingest stage).
pub const LAYOUTS: &[&str] = &["core", "eu-lfs", "ipums-international"];

/// Whether an `[input] layout` value names a layout file rather than a built-in layout.
pub fn is_layout_path(layout: &str) -> bool {
    layout.ends_with(".toml") || layout.contains('/') || layout.contains('\\')
}

impl Config {
    /// Reads and checks a config file. Relative paths are resolved against its folder.
    /// Whether `ref_area` is a CL_AREA code is checked later against the reference data
    /// ([`crate::reference::Reference::check_config`]).
    pub fn load(file: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(file)
            .map_err(|e| Error::config(file, format!("cannot read it: {e}")))?;
        Self::parse(&text, file)
    }

    /// Parses config text as if it were read from `file`.
    pub fn parse(text: &str, file: &Path) -> Result<Config> {
        let raw: RawConfig = toml::from_str(text)
            .map_err(|e| Error::config(file, e.to_string().trim_end().replace('\n', "\n  ")))?;
        let folder = file
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let folder = std::path::absolute(folder).map_err(|e| Error::io(folder, e))?;

        let s = raw.survey;
        if !(s.ref_area.len() == 3 && s.ref_area.bytes().all(|b| b.is_ascii_uppercase())) {
            return Err(Error::config(
                file,
                format!(
                    "survey.ref_area = {:?}: expected an ISO 3166-1 alpha-3 code such as \"PHL\"",
                    s.ref_area
                ),
            ));
        }
        let time_period = TimePeriod::parse(&s.time_period).ok_or_else(|| {
            Error::config(
                file,
                format!(
                    "survey.time_period = {:?}: expected \"YYYY\", \"YYYY-Qn\" or \"YYYY-Mmm\"",
                    s.time_period
                ),
            )
        })?;
        if s.labour_status_basis == LabourStatusBasis::MainActivity
            && s.source_type == SourceType::Lfs
        {
            // A labour force survey measures the ILO current activity status by
            // definition; a main-activity question is a census short form (§2.4).
            return Err(Error::config(
                file,
                "survey.labour_status_basis = \"main_activity\" is for a census \
                 (source_type = \"census\"): a labour force survey measures the current \
                 activity status",
            ));
        }
        let layout_file = if is_layout_path(&raw.input.layout) {
            let path = folder.join(&raw.input.layout);
            if !path.is_file() {
                return Err(Error::config(
                    file,
                    format!(
                        "input.layout = {:?}: no layout file {}",
                        raw.input.layout,
                        path.display()
                    ),
                ));
            }
            Some(path)
        } else if LAYOUTS.contains(&raw.input.layout.as_str()) {
            None
        } else {
            return Err(Error::config(
                file,
                format!(
                    "input.layout = {:?}: not a known layout (known: {}) nor a layout \
                     file (a path ending in .toml)",
                    raw.input.layout,
                    LAYOUTS.join(", ")
                ),
            ));
        };
        let dictionary = match &raw.input.dictionary {
            None => None,
            Some(d) => {
                let path = folder.join(d);
                if !path.is_file() {
                    return Err(Error::config(
                        file,
                        format!(
                            "input.dictionary = {:?}: no dictionary file {}",
                            d.display(),
                            path.display()
                        ),
                    ));
                }
                Some(path)
            }
        };
        if dictionary.is_none() {
            let fixed_only = [
                ("input.record_type", raw.input.record_type.is_some()),
                ("input.carry", !raw.input.carry.is_empty()),
                ("input.encoding", raw.input.encoding.is_some()),
            ];
            if let Some((key, _)) = fixed_only.iter().find(|(_, given)| *given) {
                return Err(Error::config(
                    file,
                    format!(
                        "{key} is for fixed-width text, which needs input.dictionary (a CSPro \
                         .dcf or a DDI XML); .sav and .dta files name their own encoding, and \
                         delimited text takes it from its layout's [file] encoding"
                    ),
                ));
            }
        }
        if let Some(e) = &raw.input.encoding {
            if !INPUT_ENCODINGS.contains(&e.as_str()) {
                return Err(Error::config(
                    file,
                    format!(
                        "input.encoding = {e:?}: expected one of {}",
                        INPUT_ENCODINGS.join(", ")
                    ),
                ));
            }
        }
        if !raw.input.carry.is_empty() && raw.input.record_type.is_none() {
            return Err(Error::config(
                file,
                "input.carry needs input.record_type: the record type the carried \
                 variables are attached to",
            ));
        }
        let id_ok = |v: &str| {
            !v.is_empty()
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"_@$-".contains(&b))
        };
        for (key, value) in [
            ("publish.sender", &raw.publish.sender),
            ("publish.receiver", &raw.publish.receiver),
        ] {
            if !id_ok(value) {
                return Err(Error::config(
                    file,
                    format!("{key} = {value:?}: an SDMX id may only hold A-Z a-z 0-9 _ @ $ -"),
                ));
            }
        }
        if raw.publish.formats.is_empty() {
            return Err(Error::config(
                file,
                "publish.formats: at least one format is needed",
            ));
        }
        if let Some(p) = &raw.publish.prepared {
            if chrono::DateTime::parse_from_rfc3339(p).is_err() {
                return Err(Error::config(
                    file,
                    format!("publish.prepared = {p:?}: expected a date-time such as \"2024-07-01T00:00:00Z\""),
                ));
            }
        }
        check_design(&raw.design, file)?;
        check_disclosure(&raw.disclosure, file)?;
        check_engine(&raw.engine, file)?;
        raw.concepts.check().map_err(|m| Error::config(file, m))?;
        let mut engine = raw.engine;
        engine.spill_dir = engine.spill_dir.map(|d| folder.join(d));
        Ok(Config {
            file: std::path::absolute(file).map_err(|e| Error::io(file, e))?,
            survey: Survey {
                ref_area: s.ref_area,
                time_period,
                source_type: s.source_type,
                labour_status_basis: s.labour_status_basis,
            },
            input: Input {
                path: folder.join(raw.input.path),
                layout: raw.input.layout,
                layout_file,
                dictionary,
                record_type: raw.input.record_type,
                carry: raw.input.carry,
                encoding: raw.input.encoding,
            },
            quality: raw.quality,
            publish: raw.publish,
            design: raw.design,
            reliability: raw.reliability,
            disclosure: raw.disclosure,
            concepts: raw.concepts,
            engine,
        })
    }

    /// The config as normalised JSON (defaults filled in, paths absolute), for the manifest.
    pub fn normalised(&self) -> serde_json::Value {
        serde_json::to_value(self).expect("config serialises")
    }
}

fn check_disclosure(d: &Disclosure, file: &Path) -> Result<()> {
    match (d.dominance_n, d.dominance_k) {
        (None, None) => Ok(()),
        (Some(n), Some(k)) if n >= 1 && k > 0.0 && k <= 100.0 => Ok(()),
        (Some(0), _) => Err(Error::config(
            file,
            "disclosure.dominance_n = 0: the rule needs at least 1 contribution",
        )),
        (Some(_), Some(k)) => Err(Error::config(
            file,
            format!("disclosure.dominance_k = {k}: a percentage above 0 and at most 100"),
        )),
        (Some(_), None) | (None, Some(_)) => Err(Error::config(
            file,
            "disclosure: dominance_n and dominance_k go together (the (n,k)-dominance rule \
             needs both)",
        )),
    }
}

/// Checks an engine URL: `local` or `ballista://HOST:PORT`.
pub fn check_engine_url(url: &str) -> std::result::Result<(), String> {
    if url == "local" {
        return Ok(());
    }
    let Some(address) = url.strip_prefix("ballista://") else {
        return Err(format!(
            "{url:?}: expected \"local\" or \"ballista://HOST:PORT\""
        ));
    };
    match address.rsplit_once(':') {
        Some((host, port)) if !host.is_empty() && port.parse::<u16>().is_ok() => Ok(()),
        _ => Err(format!(
            "{url:?}: expected ballista://HOST:PORT with a port number, e.g. ballista://localhost:50050"
        )),
    }
}

/// The smallest `[engine] memory_limit_mib`. Below it, DataFusion 55's repartitioning was
/// seen to stall for good (every worker parked, no error) when two of its inputs spilled
/// at once, on a 20,000-record file with 80 replicate weights and a 64 MiB pool (an
/// upstream problem of the kind of apache/datafusion#24883); 128 MiB ran it every time.
pub const MIN_MEMORY_LIMIT_MIB: u64 = 128;

/// Checks `[engine]` (also after `migstat --engine` / `--memory-limit` changed it).
pub fn check_engine(e: &Engine, file: &Path) -> Result<()> {
    check_engine_url(&e.url).map_err(|m| Error::config(file, format!("engine.url = {m}")))?;
    if e.memory_limit_mib < MIN_MEMORY_LIMIT_MIB {
        return Err(Error::config(
            file,
            format!(
                "engine.memory_limit_mib = {}: at least {MIN_MEMORY_LIMIT_MIB} MiB are needed",
                e.memory_limit_mib
            ),
        ));
    }
    Ok(())
}

fn check_design(d: &Design, file: &Path) -> Result<()> {
    let bad = |key: &str, what: String| Err(Error::config(file, format!("design.{key}: {what}")));
    if !(d.ci_level > 0.0 && d.ci_level < 1.0) {
        return bad(
            "ci_level",
            format!("{} must be between 0 and 1", d.ci_level),
        );
    }
    if !(d.fay_rho >= 0.0 && d.fay_rho < 1.0) {
        return bad("fay_rho", format!("{} must be in [0, 1)", d.fay_rho));
    }
    if d.method == VarianceMethod::Jkn && d.jkn_rscales.is_none() {
        return bad(
            "jkn_rscales",
            "method jkn needs the per-replicate scales".into(),
        );
    }
    if d.replicate_prefix.is_empty() {
        return bad("replicate_prefix", "must not be empty".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[survey]
ref_area    = "PHL"
time_period = "2024-Q2"
source_type = "lfs"

[input]
path   = "core.csv"
layout = "core"

[quality]
suppress_below_n   = 3
unreliable_below_n = 20
"#;

    #[test]
    fn the_contract_example_loads_with_paths_resolved_against_the_config_folder() {
        let c = Config::parse(GOOD, Path::new("/data/q2/run.toml")).unwrap();
        assert_eq!(c.input.path, Path::new("/data/q2/core.csv"));
        assert_eq!(c.survey.time_period.freq, Freq::Q);
        assert_eq!(c.quality.suppress_below_n, 3);
        assert_eq!(c.publish.sender, "MIGSTAT");
    }

    #[test]
    fn a_memory_pool_below_the_minimum_is_a_config_error_naming_the_key() {
        let text = format!("{GOOD}\n[engine]\nmemory_limit_mib = 64\n");
        let e = Config::parse(&text, Path::new("/x/c.toml")).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(
            e.to_string().contains("engine.memory_limit_mib = 64"),
            "{e}"
        );
        let text = format!("{GOOD}\n[engine]\nmemory_limit_mib = {MIN_MEMORY_LIMIT_MIB}\n");
        assert!(Config::parse(&text, Path::new("/x/c.toml")).is_ok());
    }

    #[test]
    fn an_unknown_key_is_an_error_that_names_it() {
        let text = GOOD.replace("layout = \"core\"", "layout = \"core\"\ndelimiter = \";\"");
        let e = Config::parse(&text, Path::new("/x/c.toml")).unwrap_err();
        assert!(e.to_string().contains("delimiter"), "{e}");
        assert_eq!(e.exit_code(), 2);
    }

    #[test]
    fn the_fixed_width_input_keys_need_a_dictionary_and_stay_out_of_the_hash_when_absent() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("census.dcf"), "[Dictionary]\n").unwrap();
        let config = dir.path().join("c.toml");
        let with = GOOD.replace(
            "layout = \"core\"",
            "layout = \"core\"\ndictionary = \"census.dcf\"\nrecord_type = \"PERSON\"\n\
             carry = [\"HOUSING\"]\nencoding = \"latin-1\"",
        );
        let c = Config::parse(&with, &config).unwrap();
        assert_eq!(c.input.dictionary, Some(dir.path().join("census.dcf")));
        assert_eq!(c.input.carry, ["HOUSING"]);
        assert_eq!(c.normalised()["input"]["record_type"], "PERSON");
        // Absent, they are not in the normalised config (nor its hash).
        let plain = Config::parse(GOOD, &config).unwrap().normalised();
        let keys: Vec<&String> = plain["input"].as_object().unwrap().keys().collect();
        assert_eq!(keys, ["layout", "layout_file", "path"]);
        for (text, key) in [
            (with.replace("census.dcf", "nope.dcf"), "input.dictionary"),
            (with.replace("\"latin-1\"", "\"ebcdic\""), "input.encoding"),
            (
                with.replace("record_type = \"PERSON\"\n", ""),
                "input.carry",
            ),
            (
                GOOD.replace(
                    "layout = \"core\"",
                    "layout = \"core\"\nencoding = \"utf-8\"",
                ),
                "input.dictionary",
            ),
        ] {
            let e = Config::parse(&text, &config).unwrap_err().to_string();
            assert!(e.contains(key), "{key}: {e}");
        }
    }

    #[test]
    fn time_periods_follow_the_contract_forms() {
        assert_eq!(TimePeriod::parse("2024").unwrap().freq, Freq::A);
        assert_eq!(TimePeriod::parse("2024-Q4").unwrap().freq, Freq::Q);
        assert_eq!(TimePeriod::parse("2024-M12").unwrap().freq, Freq::M);
        for bad in [
            "24", "2024-Q5", "2024-M13", "2024-M1", "2024Q1", "2024-W01", "",
        ] {
            assert!(TimePeriod::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn bad_values_name_their_key() {
        for (from, to, key) in [
            ("\"PHL\"", "\"ph\"", "survey.ref_area"),
            ("\"2024-Q2\"", "\"2024-Q9\"", "survey.time_period"),
            ("layout = \"core\"", "layout = \"spss\"", "input.layout"),
            ("\"lfs\"", "\"register\"", "source_type"),
        ] {
            let e = Config::parse(&GOOD.replace(from, to), Path::new("c.toml")).unwrap_err();
            assert!(e.to_string().contains(key), "{key}: {e}");
        }
    }

    #[test]
    fn the_design_section_is_optional_and_checked() {
        let c = Config::parse(GOOD, Path::new("c.toml")).unwrap();
        assert_eq!(c.design.method, VarianceMethod::None);
        assert_eq!(c.design.lonely_psu, LonelyPsu::Fail);
        let text = format!("{GOOD}\n[design]\nmethod = \"taylor\"\nlonely_psu = \"adjust\"\n");
        let c = Config::parse(&text, Path::new("c.toml")).unwrap();
        assert_eq!(
            (c.design.method, c.design.lonely_psu),
            (VarianceMethod::Taylor, LonelyPsu::Adjust)
        );
        let text = format!("{GOOD}\n[design]\nmethod = \"jkn\"\n");
        let e = Config::parse(&text, Path::new("c.toml")).unwrap_err();
        assert!(e.to_string().contains("jkn_rscales"), "{e}");
        let text = format!("{GOOD}\n[design]\nci_level = 95\n");
        assert!(Config::parse(&text, Path::new("c.toml")).is_err());
    }

    #[test]
    fn the_labour_status_basis_defaults_to_current_activity_and_main_activity_needs_a_census() {
        let c = Config::parse(GOOD, Path::new("c.toml")).unwrap();
        assert_eq!(
            c.survey.labour_status_basis,
            LabourStatusBasis::CurrentActivity
        );
        assert!(
            c.normalised()["survey"]
                .get("labour_status_basis")
                .is_none(),
            "the default stays out of the normalised config (and its hash)"
        );
        let census = GOOD.replace(
            "source_type = \"lfs\"",
            "source_type = \"census\"\nlabour_status_basis = \"main_activity\"",
        );
        let c = Config::parse(&census, Path::new("c.toml")).unwrap();
        assert_eq!(
            c.survey.labour_status_basis,
            LabourStatusBasis::MainActivity
        );
        assert_eq!(c.survey.labour_status_basis.key(), "main_activity");
        assert_eq!(
            c.normalised()["survey"]["labour_status_basis"],
            "main_activity"
        );
        let lfs = GOOD.replace(
            "source_type = \"lfs\"",
            "source_type = \"lfs\"\nlabour_status_basis = \"main_activity\"",
        );
        let e = Config::parse(&lfs, Path::new("c.toml")).unwrap_err();
        assert!(e.to_string().contains("labour_status_basis"), "{e}");
        let typo = census.replace("\"main_activity\"", "\"usual\"");
        let e = Config::parse(&typo, Path::new("c.toml")).unwrap_err();
        assert!(e.to_string().contains("usual"), "{e}");
    }

    #[test]
    fn the_concepts_section_is_optional_checked_and_recorded_only_when_used() {
        let c = Config::parse(GOOD, Path::new("c.toml")).unwrap();
        assert_eq!(c.concepts.residence_rule, ResidenceRule::National);
        assert!(
            c.normalised().get("concepts").is_none(),
            "the defaults stay out of the normalised config (and its hash)"
        );
        let text = format!(
            "{GOOD}\n[concepts]\nresidence_rule = \"at_least_12_months\"\nrecent_years = 3\n"
        );
        let c = Config::parse(&text, Path::new("c.toml")).unwrap();
        assert_eq!(c.concepts.residence_rule, ResidenceRule::AtLeast12Months);
        assert_eq!(
            c.normalised()["concepts"]["residence_rule"],
            "at_least_12_months"
        );
        assert_eq!(c.normalised()["concepts"]["recent_years"], 3);
        let e = Config::parse(
            &format!("{GOOD}\n[concepts]\nreturn_lookback_years = 0\n"),
            Path::new("c.toml"),
        )
        .unwrap_err();
        assert!(e.to_string().contains("return_lookback_years"), "{e}");
        assert_eq!(e.exit_code(), 2);
        let e = Config::parse(
            &format!("{GOOD}\n[concepts]\nresidence = \"national\"\n"),
            Path::new("c.toml"),
        )
        .unwrap_err();
        assert!(e.to_string().contains("residence"), "{e}");
    }

    #[test]
    fn quality_defaults_apply_when_the_section_is_absent() {
        let text = GOOD.split("[quality]").next().unwrap();
        let c = Config::parse(text, Path::new("c.toml")).unwrap();
        assert_eq!(c.quality, Quality::default());
    }
}
