//! The generator's promises: deterministic bytes, the special cases of the core record,
//! realistic shares, every row valid (the contract's rules, and the real `migstat run`
//! when the binary is built), and the same records in CSV and Parquet.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use arrow::array::{Array, AsArray};
use arrow::compute::cast;
use arrow::datatypes::DataType;
use migstat_synth::{columns, generate, DesignOptions, SynthOptions};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

const PERSONS: u64 = 20_000;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn write(options: &SynthOptions, dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    assert_eq!(generate(options, &path).unwrap(), options.persons);
    path
}

fn with_design() -> SynthOptions {
    SynthOptions {
        design: Some(DesignOptions {
            strata: 6,
            psus_per_stratum: (2, 4),
            lonely_strata: 1,
            replicates: 12,
        }),
        ..SynthOptions::new(5_000, 11, "PHL")
    }
}

/// The CSV as header + records of text fields.
fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

/// The Parquet file as text fields, the way migstat's ingest reads it: Booleans as Y/N,
/// numbers as their decimal text, null as empty.
fn read_parquet_as_text(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let file = fs::File::open(path).unwrap();
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap()
        .build()
        .unwrap();
    let mut header = Vec::new();
    let mut rows: Vec<Vec<String>> = Vec::new();
    for batch in reader {
        let batch = batch.unwrap();
        header = batch
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect();
        let texts: Vec<Vec<String>> = batch
            .columns()
            .iter()
            .map(|col| {
                if col.data_type() == &DataType::Boolean {
                    let b = col.as_boolean();
                    (0..b.len())
                        .map(|i| match b.is_valid(i) {
                            true if b.value(i) => "Y".to_string(),
                            true => "N".to_string(),
                            false => String::new(),
                        })
                        .collect()
                } else {
                    let s = cast(col, &DataType::Utf8).unwrap();
                    let s = s.as_string::<i32>();
                    (0..s.len())
                        .map(|i| {
                            if s.is_valid(i) {
                                s.value(i).to_string()
                            } else {
                                String::new()
                            }
                        })
                        .collect()
                }
            })
            .collect();
        for i in 0..batch.num_rows() {
            rows.push(texts.iter().map(|c| c[i].clone()).collect());
        }
    }
    (header, rows)
}

#[test]
fn the_same_options_give_the_same_bytes_whatever_the_threads() {
    let dir = tempfile::tempdir().unwrap();
    for options in [SynthOptions::new(PERSONS, 42, "PHL"), with_design()] {
        for name in ["a.csv", "a.parquet"] {
            let first = fs::read(write(&options, dir.path(), name)).unwrap();
            let again = fs::read(write(&options, dir.path(), &format!("b_{name}"))).unwrap();
            assert!(first == again, "{name}: two runs differ");
            let one_thread = rayon::ThreadPoolBuilder::new()
                .num_threads(1)
                .build()
                .unwrap()
                .install(|| fs::read(write(&options, dir.path(), &format!("c_{name}"))).unwrap());
            assert!(first == one_thread, "{name}: 1 thread differs");
        }
    }
    let a = fs::read(write(
        &SynthOptions::new(500, 1, "PHL"),
        dir.path(),
        "s1.csv",
    ))
    .unwrap();
    let b = fs::read(write(
        &SynthOptions::new(500, 2, "PHL"),
        dir.path(),
        "s2.csv",
    ))
    .unwrap();
    assert_ne!(a, b, "another seed, another file");
}

#[test]
fn the_person_count_is_exact_and_households_are_whole_but_the_last() {
    let dir = tempfile::tempdir().unwrap();
    for n in [0u64, 1, 2, 7, 999, 20_011] {
        let path = write(&SynthOptions::new(n, 3, "PHL"), dir.path(), "n.csv");
        let (header, rows) = read_csv(&path);
        assert_eq!(header.len(), 20);
        assert_eq!(rows.len() as u64, n);
        let parquet = write(&SynthOptions::new(n, 3, "PHL"), dir.path(), "n.parquet");
        assert_eq!(read_parquet_as_text(&parquet).1.len() as u64, n);
    }
    // 8,000 households' worth: every size 1..7 occurs, members numbered 01.. in order.
    let (_, rows) = read_csv(&write(
        &SynthOptions::new(30_000, 3, "PHL"),
        dir.path(),
        "h.csv",
    ));
    let mut sizes: HashMap<String, usize> = HashMap::new();
    for (i, r) in rows.iter().enumerate() {
        let n = sizes.entry(r[8].clone()).or_default();
        *n += 1;
        assert_eq!(r[0], format!("{}-{:02}", r[8], n), "row {i}");
    }
    let seen: HashSet<usize> = sizes.values().copied().collect();
    assert_eq!(seen, (1..=7).collect());
}

#[test]
fn every_special_case_of_the_core_record_occurs() {
    let dir = tempfile::tempdir().unwrap();
    let (h, rows) = read_csv(&write(
        &SynthOptions::new(PERSONS, 5, "PHL"),
        dir.path(),
        "c.csv",
    ));
    let col = |name: &str| h.iter().position(|c| c == name).unwrap();
    let count = |f: &dyn Fn(&Vec<String>) -> bool| rows.iter().filter(|r| f(r)).count();
    let (cob, cit, cit2, age) = (
        col("country_of_birth"),
        col("citizenship"),
        col("citizenship_2"),
        col("age"),
    );
    let items = [
        "worked",
        "absent",
        "absence_reason",
        "searched",
        "available",
    ]
    .map(col);
    let cases: Vec<(&str, usize)> = vec![
        ("stateless XXA", count(&|r| r[cit] == "XXA")),
        ("citizenship XXX", count(&|r| r[cit] == "XXX")),
        ("birth XXX", count(&|r| r[cob] == "XXX")),
        (
            "dual with the ref area",
            count(&|r| !r[cit2].is_empty() && (r[cit] == "PHL" || r[cit2] == "PHL")),
        ),
        (
            "two foreign citizenships",
            count(&|r| !r[cit2].is_empty() && r[cit] != "PHL" && r[cit2] != "PHL"),
        ),
        ("birth not stated", count(&|r| r[cob].is_empty())),
        ("citizenship not stated", count(&|r| r[cit].is_empty())),
        ("age not stated", count(&|r| r[age].is_empty())),
        ("non-resident", count(&|r| r[col("usual_resident")] == "N")),
        (
            "under 15",
            count(&|r| r[age].parse::<u32>().is_ok_and(|a| a < 15)),
        ),
        ("weight 0", count(&|r| r[col("weight")] == "0.00")),
        ("sex O", count(&|r| r[col("sex")] == "O")),
        ("lfs_status", count(&|r| !r[col("lfs_status")].is_empty())),
        (
            "question items",
            count(&|r| items.iter().any(|i| !r[*i].is_empty())),
        ),
        (
            "foreign-born",
            count(&|r| !r[cob].is_empty() && r[cob] != "PHL"),
        ),
        (
            "native-born non-citizen",
            count(&|r| r[cob] == "PHL" && !r[cit].is_empty() && r[cit] != "PHL"),
        ),
        ("maternity", count(&|r| r[items[2]] == "MATERNITY")),
        ("future start", count(&|r| r[col("future_start")] == "Y")),
        (
            "every reason for migration",
            [
                "WORK_JOB_FOUND",
                "WORK_NO_JOB_FOUND",
                "FAMILY",
                "EDUCATION",
                "INTERNATIONAL_PROTECTION",
                "OTHER",
            ]
            .iter()
            .map(|c| count(&|r| r[col("reason_for_migration")] == *c))
            .min()
            .unwrap(),
        ),
    ];
    for (what, n) in &cases {
        assert!(*n > 0, "no {what}");
    }
    assert_eq!(
        count(&|r| !r[col("lfs_status")].is_empty() && items.iter().any(|i| !r[*i].is_empty())),
        0,
        "a row has either lfs_status or the items"
    );
}

#[test]
fn shares_look_like_a_labour_force_survey() {
    let dir = tempfile::tempdir().unwrap();
    let (h, rows) = read_csv(&write(
        &SynthOptions::new(100_000, 9, "PHL"),
        dir.path(),
        "r.csv",
    ));
    let col = |name: &str| h.iter().position(|c| c == name).unwrap();
    let (cob, age, sex, res) = (
        col("country_of_birth"),
        col("age"),
        col("sex"),
        col("usual_resident"),
    );
    let foreign = |r: &Vec<String>| !r[cob].is_empty() && r[cob] != "PHL";
    let resident: Vec<&Vec<String>> = rows.iter().filter(|r| r[res] == "Y").collect();
    let share = |lo: u32, hi: u32| {
        let group: Vec<_> = resident
            .iter()
            .filter(|r| r[age].parse::<u32>().is_ok_and(|a| (lo..=hi).contains(&a)))
            .collect();
        group.iter().filter(|r| foreign(r)).count() as f64 / group.len() as f64
    };
    let overall = resident.iter().filter(|r| foreign(r)).count() as f64 / resident.len() as f64;
    assert!((0.06..0.10).contains(&overall), "foreign-born {overall}");
    assert!(share(25, 54) > 1.2 * overall, "concentrated at 25-54");
    assert!(share(0, 14) < overall);
    // An age pyramid: more children than persons aged 60-74.
    let ages = |lo: u32, hi: u32| {
        resident
            .iter()
            .filter(|r| r[age].parse::<u32>().is_ok_and(|a| (lo..=hi).contains(&a)))
            .count()
    };
    assert!(ages(0, 14) > 2 * ages(60, 74));
    // Participation (items or lfs_status, rules 1-2 only, enough for the pattern) of men
    // above women, and higher for foreign-born men than for native-born ones.
    let works = |r: &Vec<String>| r[col("lfs_status")] == "EMP" || r[col("worked")] == "Y";
    let rate = |f: &dyn Fn(&Vec<String>) -> bool| {
        let g: Vec<_> = resident
            .iter()
            .filter(|r| r[age].parse::<u32>().is_ok_and(|a| (25..=54).contains(&a)) && f(r))
            .collect();
        g.iter().filter(|r| works(r)).count() as f64 / g.len() as f64
    };
    let (men, women) = (rate(&|r| r[sex] == "M"), rate(&|r| r[sex] == "F"));
    assert!(men > women + 0.2, "men {men} women {women}");
    let foreign_women = rate(&|r| r[sex] == "F" && foreign(r));
    assert!(
        (foreign_women - women).abs() > 0.01,
        "migrant status matters"
    );
}

/// The contract's input rules (section 3), checked on every row.
fn check_rows(header: &[String], rows: &[Vec<String>], replicates: usize) {
    let countries: HashSet<String> = fs::read_to_string(repo().join("codelists/countries.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().to_string())
        .chain(["XXA".to_string(), "XXX".to_string()])
        .collect();
    let expected: Vec<String> = columns(&SynthOptions {
        design: (replicates > 0).then(|| DesignOptions {
            replicates: replicates as u32,
            ..DesignOptions::default()
        }),
        ..SynthOptions::new(1, 1, "PHL")
    });
    assert_eq!(header, expected.as_slice());
    let col = |name: &str| header.iter().position(|c| c == name).unwrap();
    let mut ids = HashSet::new();
    let decimal = |v: &str| {
        let (whole, frac) = v.split_once('.').unwrap_or((v, ""));
        !whole.is_empty()
            && whole.bytes().all(|b| b.is_ascii_digit())
            && frac.bytes().all(|b| b.is_ascii_digit())
            && v.parse::<f64>().is_ok_and(|w| (0.0..1e29).contains(&w))
    };
    let flag = |v: &str| matches!(v, "" | "Y" | "N");
    for (i, r) in rows.iter().enumerate() {
        let at = format!("row {}: {r:?}", i + 1);
        assert!(
            ids.insert(r[col("person_id")].clone()),
            "duplicate id, {at}"
        );
        assert!(decimal(&r[col("weight")]), "weight, {at}");
        assert!(matches!(r[col("sex")].as_str(), "M" | "F" | "O"), "{at}");
        let age = &r[col("age")];
        assert!(
            age.is_empty() || age.parse::<u32>().is_ok_and(|a| a <= 130),
            "{at}"
        );
        for c in ["country_of_birth", "citizenship", "citizenship_2"] {
            let v = &r[col(c)];
            assert!(v.is_empty() || countries.contains(v), "{c}, {at}");
        }
        assert!(r[col("country_of_birth")] != "XXA", "{at}");
        assert!(
            matches!(r[col("usual_resident")].as_str(), "Y" | "N"),
            "{at}"
        );
        assert!(matches!(
            r[col("lfs_status")].as_str(),
            "" | "EMP" | "UNE" | "OLF"
        ));
        for c in [
            "worked",
            "absent",
            "absence_paid",
            "absence_return_3m",
            "searched",
            "available",
            "future_start",
        ] {
            assert!(flag(&r[col(c)]), "{c}, {at}");
        }
        assert!(matches!(
            r[col("absence_reason")].as_str(),
            "" | "SICK" | "LEAVE" | "MATERNITY" | "ARRANGEMENT" | "TRAINING" | "OTHER"
        ));
        let yoa = &r[col("year_of_arrival")];
        assert!(yoa.is_empty() || yoa.parse::<u32>().is_ok_and(|y| (1900..=2024).contains(&y)));
        for r_ in 1..=replicates {
            assert!(decimal(&r[col(&format!("repwt_{r_}"))]), "repwt_{r_}, {at}");
        }
        if replicates > 0 {
            let psu = &r[col("psu")];
            assert!(psu.starts_with(&format!("{}-P", r[col("stratum")])), "{at}");
        }
    }
}

#[test]
fn every_row_follows_the_input_rules() {
    let dir = tempfile::tempdir().unwrap();
    let (h, rows) = read_csv(&write(
        &SynthOptions::new(PERSONS, 8, "PHL"),
        dir.path(),
        "v.csv",
    ));
    check_rows(&h, &rows, 0);
    let mut options = with_design();
    options.design = Some(DesignOptions::default());
    let (h, rows) = read_csv(&write(&options, dir.path(), "d.csv"));
    check_rows(&h, &rows, 80);
    // Another reporting country: its own code is never "foreign".
    let (h, rows) = read_csv(&write(
        &SynthOptions::new(5_000, 8, "USA"),
        dir.path(),
        "usa.csv",
    ));
    check_rows(&h, &rows, 0);
    assert!(rows.iter().any(|r| r[4] == "USA") && rows.iter().any(|r| r[4] == "CHN"));
}

#[test]
fn parquet_and_csv_hold_the_same_records() {
    let dir = tempfile::tempdir().unwrap();
    for (options, what) in [
        (SynthOptions::new(PERSONS, 21, "PHL"), "no design"),
        (with_design(), "design"),
    ] {
        let csv = read_csv(&write(&options, dir.path(), "x.csv"));
        let parquet = read_parquet_as_text(&write(&options, dir.path(), "x.parquet"));
        assert_eq!(csv.0, parquet.0, "{what}: columns");
        assert_eq!(csv.1.len(), parquet.1.len());
        // Replicate weights: 2 to 6 decimals in CSV, scale 6 in Parquet; the same values.
        let same_value = |t: &str| t.trim_end_matches('0').trim_end_matches('.').to_string();
        let design_from = csv.0.iter().position(|c| c.starts_with("repwt_"));
        for (i, (a, b)) in csv.1.iter().zip(&parquet.1).enumerate() {
            let cut = design_from.unwrap_or(a.len());
            assert_eq!(a[..cut], b[..cut], "{what}: row {}", i + 1);
            for k in cut..a.len() {
                assert_eq!(
                    same_value(&a[k]),
                    same_value(&b[k]),
                    "{what}: row {}",
                    i + 1
                );
            }
        }
    }
}

#[test]
fn the_design_has_whole_households_in_psus_and_a_lonely_stratum() {
    let dir = tempfile::tempdir().unwrap();
    let (h, rows) = read_csv(&write(&with_design(), dir.path(), "design.csv"));
    let col = |name: &str| h.iter().position(|c| c == name).unwrap();
    let mut psu_of: HashMap<&str, &str> = HashMap::new();
    let mut psus_of_stratum: HashMap<&str, HashSet<&str>> = HashMap::new();
    for r in &rows {
        let prev = psu_of.insert(&r[col("household_id")], &r[col("psu")]);
        assert!(prev.is_none_or(|p| p == r[col("psu")]), "household split");
        psus_of_stratum
            .entry(&r[col("stratum")])
            .or_default()
            .insert(&r[col("psu")]);
        // A replicate weight is 0, the weight, or the weight x n/(n-1) x times drawn.
        if r[col("weight")] == "0.00" {
            assert!((1..=12).all(|k| r[col(&format!("repwt_{k}"))] == "0.00"));
        }
    }
    assert_eq!(psus_of_stratum.len(), 6);
    assert_eq!(psus_of_stratum["S06"].len(), 1, "lonely stratum");
    let lonely: Vec<_> = rows.iter().filter(|r| r[col("stratum")] == "S06").collect();
    assert!(lonely
        .iter()
        .all(|r| r[col("repwt_7")] == r[col("weight")] && r[col("repwt_1")] == r[col("weight")]));
}

#[test]
fn bad_options_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let bad = |o: &SynthOptions, name: &str| generate(o, &dir.path().join(name)).is_err();
    assert!(bad(&SynthOptions::new(10, 1, "PHL"), "x.txt"));
    assert!(bad(&SynthOptions::new(10, 1, "PH"), "x.csv"));
    let mut o = with_design();
    o.persons = 50; // fewer than 20 per PSU
    assert!(bad(&o, "x.csv"));
    o = with_design();
    o.design.as_mut().unwrap().lonely_strata = 7;
    assert!(bad(&o, "x.csv"));
}
