//! Oracle test: the crate against R's `survey` package.
//!
//! A deterministic synthetic design (12 strata × 2–5 PSUs × 8–12 persons,
//! 80 replicate weights) is written to a CSV, `tests/r/variance_oracle.R`
//! (repository root) computes estimates, SEs, CVs and 95 % intervals with
//! `survey`, and every number must agree with this crate to a relative 1e-9.
//! Cases: Taylor totals, ratios and domain estimates under each lonely-PSU
//! policy (on a second stratification with one lonely stratum), and the
//! replicate engine for JK1, JKn, BRR, Fay, bootstrap, successive-difference
//! and JK1 with `mse = TRUE`.
//!
//! The test fails (it does not skip) when `Rscript` or `survey` is missing.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use migstat_variance::{
    ratio_variance, replicate_ratio, replicate_total, total_variance, Estimate, LonelyPsu,
    RatioColumns, ReplicateDesign, ReplicateMethod, StratumTotals, VarianceError,
};

const N_REPLICATES: usize = 80;
const FAY_RHO: f64 = 0.3;
const TOLERANCE: f64 = 1e-9;
const INSTALL_HINT: &str = "R and its `survey` package are needed by this test: \
    `make test` installs them, or run `sudo apt-get install -y r-cran-survey` \
    (Debian/Ubuntu) or `install.packages(\"survey\")` in R";

/// A small 64-bit LCG (Knuth's MMIX constants), top 53 bits as a uniform.
struct Lcg(u64);

impl Lcg {
    fn uniform(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

struct Person {
    stratum: String,
    stratum_lonely: String,
    psu: String,
    weight: f64,
    y: f64,
    x: f64,
    d: f64,
    d2: f64,
    repwt: Vec<f64>,
}

/// 12 strata with 2–5 PSUs of 8–12 persons; y ⊂ x binary (unemployed within
/// the labour force), d a domain indicator, d2 a domain confined to the two
/// PSUs of stratum S00 (so that bootstrap-like replicates that drop both give
/// 0/0). Replicate factors
/// are per PSU: even replicates delete one PSU (JK1-like, the others × N/(N − 1)), odd
/// ones draw bootstrap-like multiplicities 0–3.
fn synthetic() -> Vec<Person> {
    let mut rng = Lcg(20_260_218);
    let mut psus: Vec<(String, String, String)> = Vec::new();
    for h in 0..12 {
        let stratum = format!("S{h:02}");
        let n_h = 2 + (h * 7 % 4);
        for i in 0..n_h {
            // Stratum S05's last PSU becomes a stratum of its own.
            let lonely = if h == 5 && i == n_h - 1 {
                "S99".to_string()
            } else {
                stratum.clone()
            };
            psus.push((stratum.clone(), lonely, format!("{stratum}-P{i}")));
        }
    }
    let n_psu = psus.len() as f64;
    let factors: Vec<Vec<f64>> = (0..N_REPLICATES)
        .map(|r| {
            (0..psus.len())
                .map(|i| {
                    if r.is_multiple_of(2) {
                        if i == (r / 2) % psus.len() {
                            0.0
                        } else {
                            n_psu / (n_psu - 1.0)
                        }
                    } else {
                        let u = rng.uniform();
                        if u < 0.368 {
                            0.0
                        } else if u < 0.736 {
                            1.0
                        } else if u < 0.92 {
                            2.0
                        } else {
                            3.0
                        }
                    }
                })
                .collect()
        })
        .collect();
    let mut persons = Vec::new();
    for (i, (stratum, lonely, psu)) in psus.iter().enumerate() {
        let n = 8 + (rng.uniform() * 5.0) as usize;
        for k in 0..n {
            let weight = (50.0 + 200.0 * rng.uniform() * 100.0).round() / 100.0;
            // The first person of each PSU is an unemployed domain member, so
            // that every domain total (and the lonely PSU's) is non-zero.
            let first = k == 0;
            let x = f64::from(first || rng.uniform() < 0.7);
            let y = x * f64::from(first || rng.uniform() < 0.2);
            let d = f64::from(first || rng.uniform() < 0.4);
            let d2 = f64::from(i < 2);
            let repwt = factors.iter().map(|f| weight * f[i]).collect();
            persons.push(Person {
                stratum: stratum.clone(),
                stratum_lonely: lonely.clone(),
                psu: psu.clone(),
                weight,
                y,
                x,
                d,
                d2,
                repwt,
            });
        }
    }
    persons
}

fn write_csv(persons: &[Person], path: &Path) {
    let mut s = String::from("stratum,stratum_lonely,psu,weight,y,x,d,d2");
    for r in 1..=N_REPLICATES {
        write!(s, ",repwt_{r}").unwrap();
    }
    s.push('\n');
    for p in persons {
        // `{}` prints the shortest representation that reads back to the same f64.
        write!(
            s,
            "{},{},{},{},{},{},{},{}",
            p.stratum, p.stratum_lonely, p.psu, p.weight, p.y, p.x, p.d, p.d2
        )
        .unwrap();
        for w in &p.repwt {
            write!(s, ",{w}").unwrap();
        }
        s.push('\n');
    }
    std::fs::write(path, s).unwrap();
}

/// Number of variables per person.
const N_VARS: usize = 6;

/// Variables per person, in the order used for PSU totals (each is then
/// weighted): 0 y, 1 x, 2 y·d, 3 x·d, 4 y·d2, 5 x·d2.
fn variables(p: &Person) -> [f64; N_VARS] {
    [p.y, p.x, p.y * p.d, p.x * p.d, p.y * p.d2, p.x * p.d2]
}

/// Weighted PSU totals per stratum (every PSU of the full sample).
fn psu_totals(persons: &[Person], lonely_strata: bool) -> Vec<StratumTotals> {
    let mut by: BTreeMap<&str, BTreeMap<&str, Vec<f64>>> = BTreeMap::new();
    for p in persons {
        let stratum = if lonely_strata {
            &p.stratum_lonely
        } else {
            &p.stratum
        };
        let t = by
            .entry(stratum)
            .or_default()
            .entry(&p.psu)
            .or_insert_with(|| vec![0.0; N_VARS]);
        for (acc, v) in t.iter_mut().zip(variables(p)) {
            *acc += p.weight * v;
        }
    }
    by.into_iter()
        .map(|(s, psus)| StratumTotals::new(s, psus.into_values().collect()))
        .collect()
}

/// Full-sample and replicate totals of the four variables.
type Totals = [f64; N_VARS];

fn replicate_totals(persons: &[Person]) -> (Totals, Vec<Totals>) {
    let mut full = [0.0; N_VARS];
    let mut reps = vec![[0.0; N_VARS]; N_REPLICATES];
    for p in persons {
        let v = variables(p);
        for j in 0..N_VARS {
            full[j] += p.weight * v[j];
            for (r, rep) in reps.iter_mut().enumerate() {
                rep[j] += p.repwt[r] * v[j];
            }
        }
    }
    (full, reps)
}

#[derive(Debug)]
struct RRow {
    estimate: f64,
    se: f64,
    cv: f64,
    lower: f64,
    upper: f64,
    error: String,
}

fn run_r(input: &Path, output: &Path) -> HashMap<String, RRow> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/r/variance_oracle.R");
    let probe = Command::new("Rscript")
        .args(["-e", "suppressPackageStartupMessages(library(survey))"])
        .output();
    match probe {
        Err(e) => panic!("cannot run Rscript ({e}). {INSTALL_HINT}"),
        Ok(o) if !o.status.success() => panic!(
            "Rscript cannot load the survey package:\n{}\n{INSTALL_HINT}",
            String::from_utf8_lossy(&o.stderr)
        ),
        Ok(_) => {}
    }
    let out = Command::new("Rscript")
        .arg(&script)
        .arg(input)
        .arg(output)
        .output()
        .expect("Rscript ran a moment ago");
    assert!(
        out.status.success(),
        "{} failed:\n{}",
        script.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(output).unwrap();
    let mut rows = HashMap::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.splitn(7, ',').collect();
        assert_eq!(f.len(), 7, "bad oracle line {line:?}");
        let num = |s: &str| s.trim().parse::<f64>().unwrap_or(f64::NAN);
        rows.insert(
            f[0].to_string(),
            RRow {
                estimate: num(f[1]),
                se: num(f[2]),
                cv: num(f[3]),
                lower: num(f[4]),
                upper: num(f[5]),
                error: f[6].to_string(),
            },
        );
    }
    rows
}

/// Compares one of our estimates with R's row; returns the largest relative
/// difference and records it.
struct Checker {
    rows: HashMap<String, RRow>,
    /// Largest relative difference on estimates and SEs, and where.
    max_rel: f64,
    worst: String,
    /// Largest relative difference on CVs and interval bounds.
    max_rel_derived: f64,
    n_cases: usize,
    n_numbers: usize,
}

impl Checker {
    /// `|a − b| / max(|a|, |b|, floor)`: relative, except for numbers that
    /// are rounding noise around zero (a ratio whose domain lies in one PSU
    /// has variance 0 in exact arithmetic; R's is 1e-17).
    fn rel(a: f64, b: f64, floor: f64) -> f64 {
        if a == b {
            0.0
        } else {
            (a - b).abs() / a.abs().max(b.abs()).max(floor)
        }
    }

    fn row(&self, case: &str) -> &RRow {
        self.rows
            .get(case)
            .unwrap_or_else(|| panic!("R printed no case {case}"))
    }

    fn check(&mut self, case: &str, ours: Estimate) {
        let r = self.row(case);
        assert!(r.error.is_empty(), "{case}: R failed: {}", r.error);
        let ci = ours.confint(0.95).unwrap();
        let cv = ours.cv().expect("non-zero estimate");
        // SE and CV are compared relative to at least 1e-6 of the estimate
        // (of 1 for the CV); the rest purely relative.
        let se_floor = 1e-6 * ours.estimate.abs();
        let pairs = [
            ("estimate", ours.estimate, r.estimate, 0.0),
            ("se", ours.se(), r.se, se_floor),
            ("cv", cv, r.cv, 1e-6),
            ("lower", ci.lower, r.lower, 0.0),
            ("upper", ci.upper, r.upper, 0.0),
        ];
        for (what, a, b, floor) in pairs {
            let d = Self::rel(a, b, floor);
            assert!(
                d <= TOLERANCE,
                "{case} {what}: ours {a:.17e}, R {b:.17e}, relative difference {d:.3e}"
            );
            if matches!(what, "estimate" | "se") {
                if d > self.max_rel {
                    self.max_rel = d;
                    self.worst = format!("{case} {what}");
                }
            } else {
                self.max_rel_derived = self.max_rel_derived.max(d);
            }
            self.n_numbers += 1;
        }
        self.n_cases += 1;
    }

    fn check_error(&mut self, case: &str, ours: Result<Estimate, VarianceError>, stratum: &str) {
        let r = self.row(case);
        let want = format!("Stratum ({stratum}) has only one PSU at stage 1");
        assert!(
            r.error.contains(&want),
            "{case}: R should stop with {want:?}, got {:?}",
            r.error
        );
        match ours {
            Err(VarianceError::LonelyPsu { stratum: s }) => assert_eq!(s, stratum),
            other => panic!("{case}: expected a lonely-PSU error, got {other:?}"),
        }
        self.n_cases += 1;
    }
}

fn taylor_all(strata: &[StratumTotals], lonely: LonelyPsu) -> Result<[Estimate; 9], VarianceError> {
    let totals = total_variance(strata, lonely)?;
    let ratios = ratio_variance(
        strata,
        &[
            RatioColumns::new(0, 1),
            RatioColumns::new(2, 3),
            RatioColumns::new(4, 5),
        ],
        lonely,
    )?;
    let t = &totals.estimates;
    let r = &ratios.estimates;
    Ok([t[0], t[1], r[0], t[2], r[1], t[4], r[2], t[2], r[1]])
}

/// R's case names, in the order of our estimates. The last two are R's
/// `subset(des, d == 1)`, compared with our zero-weight domain estimates.
const STATISTICS: [&str; 9] = [
    "total_y",
    "total_x",
    "ratio",
    "dom_total",
    "dom_ratio",
    "small_total",
    "small_ratio",
    "dom_subset_total",
    "dom_subset_ratio",
];

#[test]
fn agrees_with_r_survey() {
    let persons = synthetic();
    let dir = std::env::temp_dir().join(format!("migstat-variance-oracle-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input: PathBuf = dir.join("in.csv");
    let output: PathBuf = dir.join("out.csv");
    write_csv(&persons, &input);
    let rows = run_r(&input, &output);
    let mut c = Checker {
        rows,
        max_rel: 0.0,
        worst: String::new(),
        max_rel_derived: 0.0,
        n_cases: 0,
        n_numbers: 0,
    };

    // Taylor: the plain design (no lonely stratum) under every policy, then
    // the design with stratum S99 lonely.
    for (column, lonely_strata) in [("stratum", false), ("stratum_lonely", true)] {
        let strata = psu_totals(&persons, lonely_strata);
        for policy in LonelyPsu::ALL {
            let prefix = format!("taylor/{column}/{}", policy.as_r_option());
            match taylor_all(&strata, policy) {
                Ok(ests) => {
                    for (stat, e) in STATISTICS.iter().zip(ests) {
                        c.check(&format!("{prefix}/{stat}"), e);
                    }
                }
                Err(e) => {
                    assert!(lonely_strata && policy == LonelyPsu::Fail, "{prefix}: {e}");
                    for stat in STATISTICS {
                        c.check_error(&format!("{prefix}/{stat}"), Err(e.clone()), "S99");
                    }
                }
            }
        }
    }

    // Replicate weights.
    let (full, reps) = replicate_totals(&persons);
    let col = |j: usize| reps.iter().map(|r| r[j]).collect::<Vec<f64>>();
    let jkn_rscales: Vec<f64> = (1..=N_REPLICATES)
        .map(|r| {
            let k = (r % 4 + 1) as f64;
            k / (k + 1.0)
        })
        .collect();
    let designs = [
        (
            "JK1",
            ReplicateDesign::new(ReplicateMethod::Jk1, N_REPLICATES, None).unwrap(),
        ),
        ("JKn", ReplicateDesign::jkn(jkn_rscales).unwrap()),
        (
            "BRR",
            ReplicateDesign::new(ReplicateMethod::Brr, N_REPLICATES, None).unwrap(),
        ),
        (
            "Fay",
            ReplicateDesign::new(ReplicateMethod::Fay, N_REPLICATES, Some(FAY_RHO)).unwrap(),
        ),
        (
            "bootstrap",
            ReplicateDesign::new(ReplicateMethod::Bootstrap, N_REPLICATES, None).unwrap(),
        ),
        (
            "successive-difference",
            ReplicateDesign::new(ReplicateMethod::SuccessiveDifference, N_REPLICATES, None)
                .unwrap(),
        ),
        (
            "JK1-mse",
            ReplicateDesign::new(ReplicateMethod::Jk1, N_REPLICATES, None)
                .unwrap()
                .with_mse(true),
        ),
    ];
    for (name, design) in &designs {
        let total = |j: usize| replicate_total(full[j], &col(j), design).unwrap();
        let ratio = |j: usize, k: usize| {
            replicate_ratio(full[j], full[k], &col(j), &col(k), design).unwrap()
        };
        let ests = [
            total(0),
            total(1),
            ratio(0, 1),
            total(2),
            ratio(2, 3),
            total(4),
            ratio(4, 5),
            total(2),
            ratio(2, 3),
        ];
        for (stat, e) in STATISTICS.iter().zip(ests) {
            // Only the ratio confined to one PSU has 0/0 replicates (R drops them).
            assert_eq!(
                e.na_replicates.is_empty(),
                *stat != "small_ratio",
                "{name}/{stat}"
            );
            c.check(&format!("rep/{name}/{stat}"), e.estimate);
        }
    }

    assert_eq!(c.n_cases, c.rows.len(), "every R case was checked");
    eprintln!(
        "{} cases, {} numbers compared with R survey; max relative difference: \
         estimates and SEs {:.3e} ({}), CVs and CI bounds {:.3e}",
        c.n_cases, c.n_numbers, c.max_rel, c.worst, c.max_rel_derived
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// The design really has what the oracle is meant to exercise.
#[test]
fn synthetic_design_shape() {
    let persons = synthetic();
    let plain = psu_totals(&persons, false);
    assert_eq!(plain.len(), 12);
    let sizes: Vec<usize> = plain.iter().map(|s| s.psu_totals.len()).collect();
    assert!(sizes.iter().all(|&n| (2..=5).contains(&n)), "{sizes:?}");
    assert!(sizes.contains(&2) && sizes.contains(&5));
    let lonely = psu_totals(&persons, true);
    assert_eq!(lonely.len(), 13);
    let s99 = lonely.iter().find(|s| s.stratum == "S99").unwrap();
    assert_eq!(s99.psu_totals.len(), 1);
    // The lonely PSU has domain members, so `adjust` adds a non-zero term.
    assert!(s99.psu_totals[0][2] > 0.0 && s99.psu_totals[0][3] > 0.0);
}
