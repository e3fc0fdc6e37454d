//! What every ingest test needs: a run folder, a config pointing at a file written by the
//! test, and ways to look at what ingest left behind.
#![allow(dead_code)] // each test file uses its own part

use std::path::{Path, PathBuf};

use arrow::array::RecordBatch;
use migstat_artefacts::config::Config;
use migstat_artefacts::layout::RunDir;
use migstat_artefacts::reference::Reference;
use migstat_artefacts::rejects::Reject;
use migstat_artefacts::{parquet_io, schema, Error, Result};
use migstat_ingest::IngestReport;

/// The header of every test file: all core-record columns.
pub const HEADER: &str = "person_id,weight,sex,age,country_of_birth,citizenship,citizenship_2,\
usual_resident,household_id,lfs_status,worked,absent,absence_reason,absence_paid,\
absence_return_3m,searched,available,future_start,year_of_arrival,reason_for_migration";

/// Three valid persons.
pub const ROWS: [&str; 3] = [
    "P1,120.50,M,34,PHL,PHL,,Y,H1,,Y,,,,,,,,,",
    "P2,85.25,F,29,IDN,IDN,PHL,N,H1,,N,Y,MATERNITY,Y,N,,,,2019,FAMILY",
    "P3,150,O,,XXX,XXA,,,H2,UNE,,,,,,Y,Y,N,2024,INTERNATIONAL_PROTECTION",
];

/// The valid file: [`HEADER`] and [`ROWS`].
pub fn valid_csv() -> String {
    format!("{HEADER}\n{}\n", ROWS.join("\n"))
}

/// The valid file with `column` of data row 2 set to `value`.
pub fn with_row_2(column: &str, value: &str) -> String {
    let at = HEADER
        .split(',')
        .position(|c| c == column)
        .expect("a core column");
    let mut fields: Vec<String> = ROWS[1].split(',').map(String::from).collect();
    fields[at] = value.to_string();
    let row2 = fields.join(",");
    format!("{HEADER}\n{}\n{row2}\n{}\n", ROWS[0], ROWS[2])
}

/// A run folder and an input file in a temporary folder.
pub struct Case {
    pub dir: tempfile::TempDir,
    pub input: PathBuf,
    pub run: RunDir,
    /// TOML appended to the config, e.g. a `[design]` section.
    pub extra_config: String,
}

impl Case {
    /// A case whose input file `name` holds `bytes`.
    pub fn new(name: &str, bytes: impl AsRef<[u8]>) -> Case {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join(name);
        std::fs::write(&input, bytes).unwrap();
        let run = RunDir::new(dir.path().join("out"));
        Case {
            dir,
            input,
            run,
            extra_config: String::new(),
        }
    }

    /// The same case with `toml` appended to its config.
    pub fn with_config(mut self, toml: &str) -> Case {
        self.extra_config = toml.to_string();
        self
    }

    /// A case reading an existing file.
    pub fn of_file(input: &Path) -> Case {
        let dir = tempfile::tempdir().unwrap();
        let run = RunDir::new(dir.path().join("out"));
        Case {
            dir,
            input: input.to_path_buf(),
            run,
            extra_config: String::new(),
        }
    }

    /// The config: PHL, 2024-Q2, this input, and the extra config.
    pub fn config(&self) -> Config {
        let text = format!(
            "[survey]\nref_area = \"PHL\"\ntime_period = \"2024-Q2\"\nsource_type = \"lfs\"\n\
             [input]\npath = {:?}\nlayout = \"core\"\n{}\n",
            self.input, self.extra_config
        );
        Config::parse(&text, &self.dir.path().join("run.toml")).unwrap()
    }

    /// Runs ingest.
    pub fn ingest(&self) -> Result<IngestReport> {
        let reference = Reference::bundled().unwrap();
        migstat_ingest::run(&self.config(), &reference, &self.run)
    }

    /// Runs ingest, which must succeed, and returns the core records (checked to be in
    /// the core record with as many replicate weights as the file has).
    pub fn records(&self) -> RecordBatch {
        let report = self.ingest().unwrap_or_else(|e| panic!("{e}"));
        let path = self.run.core_records();
        let found = arrow::array::RecordBatchReader::schema(&parquet_io::read(&path).unwrap());
        let expected =
            schema::with_replicates(schema::core_record(), schema::replicates_in(&found));
        let batches = parquet_io::read_all(&path, &expected).unwrap();
        let batch = arrow::compute::concat_batches(&expected, &batches).unwrap();
        assert_eq!(report.rows_written, batch.num_rows() as u64);
        batch
    }

    /// Runs ingest, which must fail with an input error, and returns every reject (from
    /// `rejects.csv`, checked against the error's first twenty).
    pub fn rejects(&self) -> Vec<Reject> {
        let error = match self.ingest() {
            Ok(report) => panic!("expected an input error, got {report:?}"),
            Err(Error::Input(e)) => e,
            Err(e) => panic!("expected an input error, got {e}"),
        };
        assert!(
            !self.run.core_records().exists(),
            "no core.parquet after a failure"
        );
        assert_eq!(
            error.rejects_file.as_deref(),
            Some(self.run.rejects().as_path())
        );
        let all = read_rejects_csv(&self.run.rejects());
        assert_eq!(error.total, all.len() as u64);
        assert_eq!(error.first.len(), all.len().min(20));
        for (shown, listed) in error.first.iter().zip(&all) {
            assert_eq!(
                (shown.row, shown.rule, &shown.value),
                (listed.row, listed.rule, &listed.value)
            );
        }
        assert_eq!(
            error.first.first().map(|r| r.file.as_str()),
            Some(self.input.to_str().unwrap())
        );
        all
    }

    /// The one reject the input must give.
    pub fn only_reject(&self) -> Reject {
        let mut all = self.rejects();
        assert_eq!(all.len(), 1, "{all:#?}");
        all.remove(0)
    }
}

/// Reads `rejects.csv` back (rule ids are leaked: fine in tests).
pub fn read_rejects_csv(path: &Path) -> Vec<Reject> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    assert_eq!(
        reader.headers().unwrap(),
        vec!["file", "row", "line", "column", "value", "rule", "message"]
    );
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            let num = |s: &str| (!s.is_empty()).then(|| s.parse().unwrap());
            Reject {
                file: r[0].to_string(),
                row: num(&r[1]),
                line: num(&r[2]),
                column: r[3].to_string(),
                value: r[4].to_string(),
                rule: Box::leak(r[5].to_string().into_boxed_str()),
                message: r[6].to_string(),
            }
        })
        .collect()
}

/// (rule, row, column, value) of a reject, for compact assertions.
pub fn summary(r: &Reject) -> (&str, Option<u64>, &str, &str) {
    (r.rule, r.row, r.column.as_str(), r.value.as_str())
}

/// A text column of a batch, as owned values (null: `None`).
pub fn text(b: &RecordBatch, column: &str) -> Vec<Option<String>> {
    use arrow::array::AsArray;
    b.column_by_name(column)
        .unwrap()
        .as_string::<i32>()
        .iter()
        .map(|v| v.map(String::from))
        .collect()
}
