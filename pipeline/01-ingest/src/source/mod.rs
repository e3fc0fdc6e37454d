//! Microdata files as batches of raw text columns, whatever their format.
//!
//! A source reads a file in bounded memory, [`Header::batch_rows`] records at a time (fewer
//! for files with many replicate weights), and hands
//! out [`RawBatch`]es: one text column per core-record column (absent columns stay
//! `None`), with each record's row and line number. The sources only deal with their
//! format: which columns there are ([`Header`]) and whether a record could be read at all
//! (`csv.*`, `sav.*`, `dta.*`, `fixed.*` rules). What the values mean is checked once, for
//! every format, by [`crate::validate`].
//!
//! - [`csv`]: delimited text (the core record, or national columns through a layout);
//! - [`parquet`]: the core record in Parquet;
//! - [`records`]: SPSS `.sav`, Stata `.dta` and fixed-width text with a CSPro or DDI
//!   dictionary, through migstat-microdata's readers, in the core record or through a
//!   layout.
//!
//! A record in a national layout goes through the same step whatever its format
//! ([`BatchBuilder::push_mapped`]): the layout's [`Mapper`] turns its national values into
//! core-record text, or rejects it (`layout.*`).

pub(crate) mod csv;
pub(crate) mod parquet;
pub(crate) mod records;

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::Read;
use std::path::Path;

use std::borrow::Cow;

use arrow::array::{StringArray, StringBuilder};
use migstat_artefacts::config::{Design, Input, VarianceMethod};
use migstat_artefacts::rejects::Reject;
use migstat_artefacts::{Error, Result};

use crate::columns::{self, InputNames, COLUMNS, LFS_ITEMS};
use crate::layout::{self, Layout, Mapper, SurveyRef, Typed};
use crate::rules;

/// Up to [`Header::batch_rows`] records as text, in file order.
#[derive(Debug, Default)]
pub(crate) struct RawBatch {
    /// One column per entry of [`COLUMNS`], then one per replicate weight ([`Header`]'s
    /// columns); `None` when the file has no such column.
    /// Values are as read (not trimmed); a null is a value that is not there at all.
    pub columns: Vec<Option<StringArray>>,
    /// The 1-based data row of each record.
    pub rows: Vec<u64>,
    /// The line where each record starts (text files only).
    pub lines: Vec<Option<u64>>,
    /// Records that could not be read, in file order; they are not in the columns.
    pub rejects: Vec<Reject>,
    /// Columns kept in their own type (Parquet), checked on their values
    /// ([`crate::validate::takes_typed`]): where one is `Some`, `columns` has `None`.
    /// Empty or shorter than `columns`: none.
    pub typed: Vec<Option<arrow::array::ArrayRef>>,
}

impl RawBatch {
    /// The number of readable records.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Column `col` if it arrived typed.
    pub fn typed(&self, col: usize) -> Option<&arrow::array::ArrayRef> {
        self.typed.get(col).and_then(Option::as_ref)
    }

    /// The value of column `col` in record `i`, as read.
    pub fn value(&self, col: usize, i: usize) -> Option<&str> {
        let array = self.columns[col].as_ref()?;
        (!arrow::array::Array::is_null(array, i)).then(|| array.value(i))
    }
}

/// Which core-record columns a file has and where.
#[derive(Debug, Clone)]
pub(crate) struct Header {
    /// For each column (the entries of [`COLUMNS`], then the replicate weights), its
    /// position in the file's columns.
    pub positions: Vec<Option<usize>>,
    /// The input name of each column of `positions`.
    pub columns: Vec<String>,
    /// The number of replicate weights (`repwt_1 ..= repwt_R`).
    pub replicates: usize,
    /// The number of columns in the file.
    pub width: usize,
    /// The column names as read (trimmed).
    pub names: Vec<String>,
}

impl Header {
    /// Records per batch: [`migstat_artefacts::parquet_io::BATCH_ROWS`] for the core record,
    /// fewer with replicate weights
    /// ([`migstat_artefacts::parquet_io::batch_rows_for`] on the typed record).
    pub fn batch_rows(&self) -> usize {
        let typed = migstat_artefacts::schema::with_replicates(
            migstat_artefacts::schema::core_record(),
            self.replicates,
        );
        migstat_artefacts::parquet_io::batch_rows_for(&typed)
    }
}

/// Whether a variance method works from replicate weights.
pub(crate) fn is_replicate_method(method: VarianceMethod) -> bool {
    !matches!(method, VarianceMethod::None | VarianceMethod::Taylor)
}

/// The config name of a method (`taylor`, `jk1`, ...).
pub(crate) fn method_name(method: VarianceMethod) -> String {
    format!("{method:?}").to_lowercase()
}

impl Header {
    /// Matches column names (exactly, after trimming) to the core record, with the
    /// stratum, PSU and replicate weight columns named as `design` says; extra columns
    /// are ignored. Rejects duplicated core columns, missing required columns, a file
    /// from which no labour force status can be had, gaps in the replicate weights, and
    /// a file without the columns `design.method` needs.
    pub fn resolve(
        names: &[String],
        file: &str,
        design: &Design,
    ) -> std::result::Result<Header, Vec<Reject>> {
        let input = InputNames::new(design);
        let names: Vec<String> = names.iter().map(|n| n.trim().to_string()).collect();
        let mut positions = vec![None; columns::N];
        let mut replicates: BTreeMap<usize, usize> = BTreeMap::new();
        let mut first_at: HashMap<&str, usize> = HashMap::new();
        let mut rejects = Vec::new();
        for (at, name) in names.iter().enumerate() {
            let fixed: Vec<usize> = input.fixed_columns(name).collect();
            let replicate = input.replicate_number(name);
            if fixed.is_empty() && replicate.is_none() {
                continue;
            }
            if let Some(first) = first_at.get(name.as_str()) {
                rejects.push(file_reject(
                    file,
                    name,
                    name,
                    rules::COLUMN_DUPLICATE,
                    format!(
                        "column {name} appears more than once in the header \
                         (columns {} and {})",
                        first + 1,
                        at + 1
                    ),
                ));
                continue;
            }
            first_at.insert(name, at);
            for col in fixed {
                positions[col] = Some(at);
            }
            if let Some(k) = replicate {
                replicates.insert(k, at);
            }
        }
        for (col, column) in COLUMNS.iter().enumerate() {
            if positions[col].is_none() && columns::is_required(column.name) {
                rejects.push(file_reject(
                    file,
                    column.name,
                    "",
                    rules::COLUMN_MISSING,
                    format!("the required column {} is not in the header", column.name),
                ));
            }
        }
        let has = |name: &str| input.fixed_columns(name).any(|c| positions[c].is_some());
        if !has(migstat_artefacts::schema::core::LFS_STATUS) {
            let missing: Vec<&str> = LFS_ITEMS.into_iter().filter(|n| !has(n)).collect();
            if !missing.is_empty() {
                rejects.push(file_reject(
                    file,
                    "",
                    &missing.join(" "),
                    rules::COLUMN_LFS_MISSING,
                    format!(
                        "there is no lfs_status column, and the question items worked, \
                         absent, searched and available needed to derive the status are not \
                         all there (missing: {})",
                        missing.join(", ")
                    ),
                ));
            }
        }
        let method = method_name(design.method);
        if design.method == VarianceMethod::Taylor {
            for (col, what, key, rule) in [
                (
                    columns::STRATUM,
                    "stratum",
                    "strata",
                    rules::COLUMN_STRATUM_MISSING,
                ),
                (columns::PSU, "PSU", "psu", rules::COLUMN_PSU_MISSING),
            ] {
                if positions[col].is_none() {
                    let name = input.fixed(col);
                    rejects.push(file_reject(
                        file,
                        name,
                        "",
                        rule,
                        format!(
                            "[design] method = \"taylor\" needs the {what} of every person, \
                             but the column {name} (design.{key}) is not in the header"
                        ),
                    ));
                }
            }
        }
        let count = (1..).take_while(|k| replicates.contains_key(k)).count();
        let after_gap: Vec<String> = replicates
            .keys()
            .filter(|&&k| k > count)
            .map(|&k| input.replicate(k))
            .collect();
        if !after_gap.is_empty() {
            let gap = input.replicate(count + 1);
            rejects.push(file_reject(
                file,
                &gap,
                &after_gap.join(" "),
                rules::COLUMN_REPLICATE_GAP,
                format!(
                    "replicate weight columns must be numbered from {} without gaps: {gap} \
                     is not in the header, but {} {}",
                    input.replicate(1),
                    after_gap.join(", "),
                    if after_gap.len() == 1 { "is" } else { "are" }
                ),
            ));
        } else if is_replicate_method(design.method) {
            let found = if count == 0 {
                "none".to_string()
            } else {
                format!("{} .. {}", input.replicate(1), input.replicate(count))
            };
            if count < 2 {
                rejects.push(file_reject(
                    file,
                    &input.replicate(count + 1),
                    &count.to_string(),
                    rules::COLUMN_REPLICATES_MISSING,
                    format!(
                        "[design] method = \"{method}\" needs at least 2 replicate weight \
                         columns {} .. (design.replicate_prefix {:?}); found: {found}",
                        input.replicate(1),
                        design.replicate_prefix
                    ),
                ));
            } else if let Some(scales) = design
                .jkn_rscales
                .as_ref()
                .filter(|s| design.method == VarianceMethod::Jkn && s.len() != count)
            {
                rejects.push(file_reject(
                    file,
                    "",
                    &count.to_string(),
                    rules::COLUMN_REPLICATES_COUNT,
                    format!(
                        "design.jkn_rscales has {} scales, one per replicate, but the file \
                         has {count} replicate weight columns ({found})",
                        scales.len()
                    ),
                ));
            }
        }
        if rejects.is_empty() {
            positions.extend((1..=count).map(|k| replicates.get(&k).copied()));
            Ok(Header {
                positions,
                columns: input.all(count),
                replicates: count,
                width: names.len(),
                names,
            })
        } else {
            Err(rejects)
        }
    }

    /// The number of columns (fixed and replicate weights).
    pub fn len(&self) -> usize {
        self.positions.len()
    }

    /// The (column, file position) pairs of the columns the file has.
    pub fn present(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.positions
            .iter()
            .enumerate()
            .filter_map(|(col, pos)| pos.map(|p| (col, p)))
    }
}

/// The header of a file, through its layout if any: the [`Header`] of the core-record
/// columns, and the layout bound to the file's names (`None` for `core`). `typed` is what
/// a typed file says of each name (see [`Layout::bind`]).
pub(crate) fn resolve_header(
    names: &[String],
    file: &str,
    design: &Design,
    layout: Option<(&Layout, &SurveyRef)>,
    typed: Option<&[Typed]>,
) -> std::result::Result<(Header, Option<Mapper>), Vec<Reject>> {
    let Some((layout, survey)) = layout else {
        return Header::resolve(names, file, design).map(|h| (h, None));
    };
    let mapper = layout.bind(names, file, design, survey, typed)?;
    let mut header = Header::resolve(&mapper.names(), file, design)?;
    layout::label_header(&mapper, &mut header);
    header.width = names.len();
    header.names = names.to_vec();
    Ok((header, Some(mapper)))
}

/// The batch being read: one builder per core-record column the header has, the rows and
/// lines of the records appended, and the rejects met on the way.
pub(crate) struct BatchBuilder {
    /// (column, position in the record) of the columns the file has.
    present: Vec<(usize, usize)>,
    builders: Vec<Option<StringBuilder>>,
    batch: RawBatch,
    /// Mapped values of the record being appended (reused).
    mapped: Vec<String>,
}

impl BatchBuilder {
    pub fn new(header: &Header) -> Self {
        let rows = header.batch_rows();
        BatchBuilder {
            present: header.present().collect(),
            builders: header
                .positions
                .iter()
                .map(|p| p.map(|_| StringBuilder::with_capacity(rows, rows * 8)))
                .collect(),
            batch: RawBatch::default(),
            mapped: Vec::new(),
        }
    }

    /// Appends a readable record: `value(p)` is its value at position `p` of the header
    /// (the file's columns for `core`, the mapper's outputs for a layout).
    pub fn push<'a>(&mut self, row: u64, line: Option<u64>, value: impl Fn(usize) -> &'a str) {
        for &(col, pos) in &self.present {
            if let Some(b) = self.builders[col].as_mut() {
                b.append_value(value(pos));
            }
        }
        self.batch.rows.push(row);
        self.batch.lines.push(line);
    }

    /// Maps a record's national values (`fields`, one per name the mapper was bound to)
    /// and appends it, or adds its `layout.*` rejects and leaves it out (it is not
    /// checked further).
    pub fn push_mapped(
        &mut self,
        mapper: &Mapper,
        fields: &[Cow<'_, str>],
        file: &str,
        row: u64,
        line: Option<u64>,
    ) {
        let mut mapped = std::mem::take(&mut self.mapped);
        match mapper.map(fields, &mut mapped) {
            Ok(()) => self.push(row, line, |p| mapped[p].as_str()),
            Err(problems) => {
                layout::problem_rejects(mapper, problems, file, row, line, &mut self.batch.rejects)
            }
        }
        self.mapped = mapped;
    }

    /// The rejects of the batch so far.
    pub fn rejects(&mut self) -> &mut Vec<Reject> {
        &mut self.batch.rejects
    }

    /// The batch.
    pub fn finish(mut self) -> RawBatch {
        self.batch.columns = self
            .builders
            .into_iter()
            .map(|b| b.map(|mut b| b.finish()))
            .collect();
        self.batch
    }
}

/// A problem of the whole file.
pub(crate) fn file_reject(
    file: &str,
    column: &str,
    value: &str,
    rule: &'static str,
    message: String,
) -> Reject {
    Reject {
        file: file.to_string(),
        row: None,
        line: None,
        column: column.to_string(),
        value: value.to_string(),
        rule,
        message,
    }
}

/// An open microdata file.
pub(crate) enum Source {
    /// A CSV file.
    Csv(csv::CsvSource),
    /// A Parquet file.
    Parquet(parquet::ParquetSource),
    /// An SPSS, Stata or fixed-width file.
    Records(records::RecordsSource),
}

/// A source ready to read, or the problems that stop the file being read at all.
pub(crate) type Opened = std::result::Result<Source, Vec<Reject>>;

/// The first bytes of every Parquet file.
const PARQUET_MAGIC: &[u8; 4] = b"PAR1";

impl Source {
    /// Opens `path`, choosing the format, and reads its header. `file` is the name given
    /// to rejects. The format:
    /// - `[input] dictionary` given: fixed-width text described by it;
    /// - by content: `$FL2`/`$FL3` SPSS, `<stata_dta>` or a Stata 113-115 header Stata,
    ///   `PAR1` Parquet;
    /// - by name: a file named `.sav`/`.zsav`, `.dta` or `.parquet` that is not what its
    ///   name says is rejected by that format's reader rather than read as CSV;
    /// - anything else: delimited text.
    ///
    /// With a layout (not `core`) a Parquet file is a config error (Parquet is read in the
    /// core record only).
    pub fn open(
        path: &Path,
        file: &str,
        design: &Design,
        layout: Option<(&Layout, &SurveyRef)>,
        input: &Input,
    ) -> Result<Opened> {
        if let Some(dictionary) = &input.dictionary {
            return Ok(records::RecordsSource::open_fixed(
                path, dictionary, file, design, layout, input,
            )?
            .map(Source::Records));
        }
        let mut head = Vec::with_capacity(11);
        File::open(path)
            .and_then(|f| f.take(11).read_to_end(&mut head))
            .map_err(|e| Error::io(path, e))?;
        let named = |exts: &[&str]| {
            path.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| exts.iter().any(|x| e.eq_ignore_ascii_case(x)))
        };
        if !head.is_empty() {
            if head.starts_with(b"$FL2") || head.starts_with(b"$FL3") || named(&["sav", "zsav"]) {
                return Ok(records::RecordsSource::open_binary(
                    records::Binary::Sav,
                    path,
                    file,
                    design,
                    layout,
                )?
                .map(Source::Records));
            }
            if is_stata(&head) || named(&["dta"]) {
                return Ok(records::RecordsSource::open_binary(
                    records::Binary::Dta,
                    path,
                    file,
                    design,
                    layout,
                )?
                .map(Source::Records));
            }
        }
        head.truncate(4);
        if head.is_empty() {
            return Ok(Err(vec![file_reject(
                file,
                "",
                "",
                rules::FILE_EMPTY,
                "the file is empty".into(),
            )]));
        }
        if head == PARQUET_MAGIC {
            if let Some((layout, _)) = layout {
                return Err(Error::config(
                    &layout.file,
                    format!(
                        "layout {} reads delimited text, but {file} is a Parquet file \
                         (use layout = \"core\" for Parquet in the core record)",
                        layout.name
                    ),
                ));
            }
            return Ok(parquet::ParquetSource::open(path, file, design)?.map(Source::Parquet));
        }
        let named_parquet = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("parquet") || e.eq_ignore_ascii_case("parq"));
        if named_parquet {
            return Ok(Err(vec![file_reject(
                file,
                "",
                "",
                rules::PARQUET_UNREADABLE,
                "the file is named .parquet but is not a Parquet file \
                 (it does not start with PAR1)"
                    .into(),
            )]));
        }
        Ok(csv::CsvSource::open(path, file, design, layout)?.map(Source::Csv))
    }

    /// The next batch, or `None` at the end of the file.
    pub fn next_batch(&mut self) -> Result<Option<RawBatch>> {
        match self {
            Source::Csv(s) => s.next_batch(),
            Source::Parquet(s) => s.next_batch(),
            Source::Records(s) => s.next_batch(),
        }
    }

    /// The columns of the file.
    pub fn header(&self) -> &Header {
        match self {
            Source::Csv(s) => s.header(),
            Source::Parquet(s) => s.header(),
            Source::Records(s) => s.header(),
        }
    }

    /// `"csv"`, `"parquet"`, `"sav"`, `"dta"` or `"fixed"`.
    pub fn format(&self) -> &'static str {
        match self {
            Source::Csv(_) => "csv",
            Source::Parquet(_) => "parquet",
            Source::Records(s) => s.format(),
        }
    }

    /// About how many records the file holds, when that is cheap to know: a Parquet file's
    /// metadata, or a text file's size over the length of its first lines. Used to size
    /// the duplicate-id table once instead of growing it (growing holds the old and the
    /// new table at once: half as much memory again at the peak).
    pub fn expected_records(&self, path: &Path) -> Option<u64> {
        match self {
            Source::Parquet(s) => Some(s.expected_records()),
            Source::Csv(_) => estimate_lines(path),
            Source::Records(_) => None,
        }
    }

    /// Records read so far, readable or not.
    pub fn rows_read(&self) -> u64 {
        match self {
            Source::Csv(s) => s.rows_read(),
            Source::Parquet(s) => s.rows_read(),
            Source::Records(s) => s.rows_read(),
        }
    }
}

/// Whether a file starts like a Stata dataset: the `<stata_dta>` tag of formats 117-119,
/// or the header of formats 113-115 (`help dta`): release 113-115, byte order 1 (HILO) or
/// 2 (LOHI), file type 1, then a zero byte. The four bytes together, not the release
/// alone: a CSV header starting with `q`, `r` or `s` (113-115 in ASCII) is not Stata.
fn is_stata(head: &[u8]) -> bool {
    head.starts_with(b"<stata_dta>") || matches!(head, [113..=115, 1 | 2, 1, 0, ..])
}

/// A text file's lines, estimated from its size and its first MiB (exact for smaller
/// files, less for records with line breaks inside quotes, which only shrinks the table).
fn estimate_lines(path: &Path) -> Option<u64> {
    const SAMPLE: u64 = 1024 * 1024;
    let size = std::fs::metadata(path).ok()?.len();
    let mut sample = Vec::with_capacity(SAMPLE.min(size) as usize);
    File::open(path)
        .and_then(|f| f.take(SAMPLE).read_to_end(&mut sample))
        .ok()?;
    let lines = sample.iter().filter(|&&b| b == b'\n').count() as u64;
    if sample.is_empty() || lines == 0 {
        return None;
    }
    Some(size.saturating_mul(lines) / sample.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &str) -> Vec<String> {
        list.split(',').map(String::from).collect()
    }

    fn rules_of(r: std::result::Result<Header, Vec<Reject>>) -> Vec<(&'static str, String)> {
        r.err()
            .unwrap_or_default()
            .into_iter()
            .map(|r| (r.rule, r.column))
            .collect()
    }

    const BASE: &str = "person_id,weight,sex,age,country_of_birth,citizenship";

    #[test]
    fn names_match_exactly_after_trimming_in_any_order_and_extras_are_ignored() {
        let h = Header::resolve(
            &names(" citizenship ,extra,lfs_status,age,sex,weight,person_id,country_of_birth"),
            "f",
            &Design::default(),
        )
        .unwrap();
        assert_eq!(h.positions[0], Some(6), "person_id");
        assert_eq!(h.positions[5], Some(0), "citizenship");
        assert_eq!(h.positions[6], None, "citizenship_2 absent");
        assert_eq!(h.width, 8);
        assert_eq!((h.replicates, h.len()), (0, columns::N));
    }

    #[test]
    fn each_missing_required_column_is_a_reject() {
        let got = rules_of(Header::resolve(
            &names("person_id,Weight,sex,lfs_status"),
            "f",
            &Design::default(),
        ));
        assert_eq!(
            got,
            [
                (rules::COLUMN_MISSING, "weight".to_string()),
                (rules::COLUMN_MISSING, "age".into()),
                (rules::COLUMN_MISSING, "country_of_birth".into()),
                (rules::COLUMN_MISSING, "citizenship".into()),
            ]
        );
    }

    #[test]
    fn without_lfs_status_all_four_items_are_needed() {
        let ok = format!("{BASE},worked,absent,searched,available");
        assert!(Header::resolve(&names(&ok), "f", &Design::default()).is_ok());
        let r = Header::resolve(
            &names(&format!("{BASE},worked,absent")),
            "f",
            &Design::default(),
        )
        .unwrap_err();
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].rule, rules::COLUMN_LFS_MISSING);
        assert_eq!(r[0].value, "searched available");
        assert_eq!(
            rules_of(Header::resolve(&names(BASE), "f", &Design::default())).len(),
            1
        );
    }

    #[test]
    fn a_duplicated_core_column_is_a_reject_but_duplicated_extras_are_not() {
        let got = rules_of(Header::resolve(
            &names(&format!("{BASE},lfs_status,x,x,sex")),
            "f",
            &Design::default(),
        ));
        assert_eq!(got, [(rules::COLUMN_DUPLICATE, "sex".to_string())]);
    }

    fn design(toml: &str) -> Design {
        let config = format!(
            "[survey]\nref_area = \"PHL\"\ntime_period = \"2024\"\nsource_type = \"lfs\"\n\
             [input]\npath = \"x.csv\"\n[design]\n{toml}\n"
        );
        migstat_artefacts::config::Config::parse(&config, "c.toml".as_ref())
            .unwrap()
            .design
    }

    fn summaries(
        r: std::result::Result<Header, Vec<Reject>>,
    ) -> Vec<(&'static str, String, String)> {
        r.err()
            .unwrap_or_default()
            .into_iter()
            .map(|r| (r.rule, r.column, r.value))
            .collect()
    }

    const WITH_LFS: &str = "person_id,weight,sex,age,country_of_birth,citizenship,lfs_status";

    #[test]
    fn design_columns_are_read_under_their_configured_names_and_never_required_without_a_method() {
        let file = format!("{WITH_LFS},region,household_id,bw2,bw1,repwt_3,bw3,stratum");
        let d = design("strata = \"region\"\npsu = \"household_id\"\nreplicate_prefix = \"bw\"");
        let h = Header::resolve(&names(&file), "f", &d).unwrap();
        assert_eq!(h.positions[columns::STRATUM], Some(7));
        assert_eq!(h.positions[columns::PSU], Some(8));
        assert_eq!(h.positions[8], Some(8), "household_id feeds both");
        assert_eq!(h.replicates, 3);
        assert_eq!(&h.positions[columns::N..], [Some(10), Some(9), Some(12)]);
        assert_eq!(h.columns[columns::STRATUM], "region");
        assert_eq!(h.columns[columns::N + 2], "bw3");
        // The defaults: no design columns needed, and found when there.
        let h = Header::resolve(&names(WITH_LFS), "f", &Design::default()).unwrap();
        assert_eq!((h.positions[columns::STRATUM], h.replicates), (None, 0));
        let h = Header::resolve(
            &names(&format!("{WITH_LFS},psu,repwt_1")),
            "f",
            &Design::default(),
        )
        .unwrap();
        assert_eq!((h.positions[columns::PSU], h.replicates), (Some(7), 1));
    }

    #[test]
    fn replicate_weights_must_be_numbered_without_gaps() {
        let file = format!("{WITH_LFS},repwt_1,repwt_2,repwt_4,repwt_6,repwt_07");
        let got = summaries(Header::resolve(&names(&file), "f", &Design::default()));
        assert_eq!(
            got,
            [(
                rules::COLUMN_REPLICATE_GAP,
                "repwt_3".into(),
                "repwt_4 repwt_6".into()
            )]
        );
        let got = summaries(Header::resolve(
            &names(&format!("{WITH_LFS},repwt_2")),
            "f",
            &Design::default(),
        ));
        assert_eq!(
            got,
            [(
                rules::COLUMN_REPLICATE_GAP,
                "repwt_1".into(),
                "repwt_2".into()
            )]
        );
        let file = format!("{WITH_LFS},repwt_1,repwt_1");
        let got = summaries(Header::resolve(&names(&file), "f", &Design::default()));
        assert_eq!(
            got,
            [(rules::COLUMN_DUPLICATE, "repwt_1".into(), "repwt_1".into())]
        );
    }

    #[test]
    fn taylor_needs_the_configured_stratum_and_psu_columns() {
        let d = design("method = \"taylor\"\nstrata = \"region\"");
        let got = Header::resolve(&names(&format!("{WITH_LFS},stratum")), "f", &d).unwrap_err();
        let rules: Vec<_> = got.iter().map(|r| (r.rule, r.column.as_str())).collect();
        assert_eq!(
            rules,
            [
                (rules::COLUMN_STRATUM_MISSING, "region"),
                (rules::COLUMN_PSU_MISSING, "psu")
            ]
        );
        assert!(got[0].message.contains("region"), "{}", got[0].message);
        assert!(got[1].message.contains("design.psu"), "{}", got[1].message);
        assert!(Header::resolve(&names(&format!("{WITH_LFS},psu,region")), "f", &d).is_ok());
    }

    #[test]
    fn replicate_methods_need_two_replicates_and_jkn_one_per_scale() {
        for method in ["jk1", "brr", "fay", "bootstrap", "sdr"] {
            let d = design(&format!("method = \"{method}\""));
            let got = summaries(Header::resolve(
                &names(&format!("{WITH_LFS},repwt_1")),
                "f",
                &d,
            ));
            assert_eq!(
                got,
                [(
                    rules::COLUMN_REPLICATES_MISSING,
                    "repwt_2".into(),
                    "1".into()
                )],
                "{method}"
            );
            assert!(
                Header::resolve(&names(&format!("{WITH_LFS},repwt_1,repwt_2")), "f", &d).is_ok()
            );
        }
        let d = design("method = \"jkn\"\njkn_rscales = [0.5, 0.5, 0.5]");
        let two = format!("{WITH_LFS},repwt_1,repwt_2");
        let got = Header::resolve(&names(&two), "f", &d).unwrap_err();
        assert_eq!(
            (got[0].rule, got[0].value.as_str()),
            (rules::COLUMN_REPLICATES_COUNT, "2")
        );
        assert!(got[0].message.contains("3 scales"), "{}", got[0].message);
        assert!(Header::resolve(&names(&format!("{two},repwt_3")), "f", &d).is_ok());
        // Taylor and none need no replicates.
        for method in ["none", "taylor"] {
            let d = design(&format!("method = \"{method}\""));
            let file = format!("{WITH_LFS},stratum,psu");
            assert!(Header::resolve(&names(&file), "f", &d).is_ok(), "{method}");
        }
    }
}
