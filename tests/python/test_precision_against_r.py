"""migstat's estimates, standard errors and confidence intervals against R `survey`.

For each variance method of `[design]` (Taylor linearisation under three lonely-PSU
policies, and every replicate method), `migstat run` is run on the design fixture
(`fixtures/design/`), the derived records are exported from `derive/derived.parquet`
(weights as exact decimal text), and `tests/r/migstat_oracle.R` recomputes every cell of
a count and a rate dataflow (four flows, both axes, for Taylor "adjust") with R `survey`
(each cell a domain of the whole sample: svytotal of the domain indicator times the
weight, svyratio of two of them); across the methods all 18 dataflows are compared.
What is compared, per cell:

- the set of cells: every SEX x AGE x migrant code of a count flow; the cells of a rate
  flow with a positive denominator (and no others);
- the published value (SDMX-CSV OBS_VALUE, the same double as estimates.parquet) with R's
  estimate, relative difference <= 1e-9;
- the standard error (estimates.parquet) with R's, relative to max(|SE_R|, 1e-6 |estimate|)
  (R prints theoretical zeros as ~1e-17), <= 1e-9;
- LOWER_BOUND / UPPER_BOUND (SDMX-CSV and estimates.parquet) = estimate -/+ qnorm(0.975) SE.

The definitions of the measures are the contract's (section 5), written out here, not
read from migstat's registry. Also: Taylor with the default lonely-PSU policy ("fail")
refuses the fixture's single-PSU stratum, as R does.
"""
import csv
import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest
from scipy.stats import norm

from conftest import REPO, run_migstat

DESIGN = REPO / "fixtures" / "design"
ORACLE = REPO / "tests" / "r" / "migstat_oracle.R"
AGE_BANDS = REPO / "codelists" / "age_bands.csv"

TOLERANCE = 1e-9
Z = norm.ppf(0.975)

# Contract section 5: numerator and denominator labour force statuses of each measure.
ALL = ("EMP", "UNE", "OLF")
MEASURES = {
    "XWAP_NB": (ALL, None),
    "TEAP_NB": (("EMP", "UNE"), None),
    "TEMP_NB": (("EMP",), None),
    "TUNE_NB": (("UNE",), None),
    "TEIP_NB": (("OLF",), None),
    "TEAP_RT": (("EMP", "UNE"), ALL),
    "TEMP_RT": (("EMP",), ALL),
    "TUNE_RT": (("UNE",), ("EMP", "UNE")),
    "TEIP_RT": (("OLF",), ALL),
}
AXES = {
    "CBR": ["CBR_BIR_TOTAL", "CBR_BIR_NATIVE", "CBR_BIR_FOREIGN", "CBR_BIR_X"],
    "CCT": ["CCT_CIT_TOTAL", "CCT_CIT_CITIZEN", "CCT_CIT_NONCIT", "CCT_CIT_X"],
}
AGES = [row["code"] for row in csv.DictReader(AGE_BANDS.open())]

# JKn scales: the (n_h - 1)/n_h-like pattern, chosen exactly representable in binary so
# that TOML (migstat) and R read the same doubles.
JKN_RSCALES = [(0.5, 0.75, 0.875, 0.9375, 0.625)[r % 5] for r in range(80)]

# method id -> ([design] body, input file, oracle arguments, dataflows checked).
# Each method checks a count and a rate flow (Taylor with "adjust", the fixture's own
# config, two of each, one per axis); together they cover all 18 dataflows, and the
# unemployment rate (the smallest denominators, where some replicates give 0/0) three
# times.
METHODS = {
    "taylor-adjust": ('method = "taylor"\nlonely_psu = "adjust"\n', "core.csv",
                      ["method=taylor", "lonely=adjust"],
                      ["TEAP_CBR_NB", "TUNE_CBR_RT", "TEMP_CCT_NB", "TEAP_CCT_RT"]),
    "taylor-average": ('method = "taylor"\nlonely_psu = "average"\n', "core.csv",
                       ["method=taylor", "lonely=average"], ["XWAP_CCT_NB", "TEMP_CBR_RT"]),
    "taylor-certainty": ('method = "taylor"\nlonely_psu = "certainty"\n', "core.csv",
                         ["method=taylor", "lonely=certainty"], ["TUNE_CBR_NB", "TEIP_CCT_RT"]),
    "jk1": ('method = "jk1"\n', "core_jk1.csv", ["method=jk1"], ["TEIP_CBR_NB", "TUNE_CCT_RT"]),
    "bootstrap": ('method = "bootstrap"\n', "core.csv", ["method=bootstrap"], ["XWAP_CBR_NB", "TEMP_CCT_RT"]),
    "brr": ('method = "brr"\n', "core.csv", ["method=brr"], ["TEAP_CCT_NB", "TEIP_CBR_RT"]),
    "fay": ('method = "fay"\nfay_rho = 0.3\n', "core.csv", ["method=fay", "rho=0.3"],
            ["TEMP_CBR_NB", "TEAP_CBR_RT"]),
    "sdr": ('method = "sdr"\n', "core.csv", ["method=sdr"], ["TUNE_CCT_NB", "TUNE_CBR_RT"]),
    "jkn": ('method = "jkn"\njkn_rscales = [' + ", ".join(repr(x) for x in JKN_RSCALES) + "]\n",
            "core.csv", ["method=jkn"], ["TEIP_CCT_NB", "TUNE_CCT_RT"]),
}

CONFIG = """[survey]
ref_area    = "PHL"
time_period = "2024-Q2"
source_type = "lfs"

[input]
path   = "{path}"
layout = "core"

[quality]
suppress_below_n   = 0
unreliable_below_n = 0

[publish]
prepared = "2024-07-15T00:00:00Z"

[design]
{design}"""

# Every method's max relative differences, for the summary at the end of the module.
MAX_DIFFS: dict[str, tuple[float, float, int]] = {}

RSCRIPT = shutil.which("Rscript")


def write_records(derived: Path, dest: Path) -> None:
    """The derived records the oracle needs, weights as exact decimal text."""
    table = pq.read_table(derived)
    repwts = [n for n in table.column_names if n.startswith("repwt_")]
    columns = ["person_id", "weight", "sex", "age", "in_scope", "lfs", "cbr", "cct", "stratum", "psu", *repwts]
    out = {}
    for name in columns:
        col = table.column(name)
        if pa.types.is_decimal(col.type) or pa.types.is_boolean(col.type):
            col = pc.cast(col, pa.string())
        out[name] = col
    pa_csv.write_csv(pa.table(out), dest)


def parse_flow(short: str) -> tuple[str, str, str]:
    """"TEAP_CBR_NB" -> (dataflow id, axis, measure)."""
    name, axis, unit = short.split("_")
    return f"DF_MST_{name}_SEX_AGE_{axis}_{unit}", axis, f"{name}_{unit}"


def read_sdmx_csv(path: Path) -> dict[tuple, dict]:
    with path.open(newline="") as f:
        return {(r["SEX"], r["AGE"], r.get("CBR") or r.get("CCT")): r for r in csv.DictReader(f)}


def rel(a: float, b: float, floor: float) -> float:
    if a == b:
        return 0.0
    return abs(a - b) / max(abs(b), floor)


def run_method(method: str, work: Path) -> dict:
    """`migstat run` under `method`, then the R oracle on the same derived records."""
    design, input_file, oracle_args, short_flows = METHODS[method]
    config = work / "config.toml"
    config.write_text(CONFIG.format(path=DESIGN / input_file, design=design))
    out = work / "out"
    done = run_migstat("run", "--config", str(config), "--out", str(out))
    if done.returncode != 0:
        return {"error": f"migstat run failed ({done.returncode}): {done.stderr}"}

    records = work / "records.csv"
    write_records(out / "derive" / "derived.parquet", records)
    derived = pq.read_table(out / "derive" / "derived.parquet", columns=["sex", "in_scope"]).to_pandas()
    sexes = ["SEX_T", "SEX_M", "SEX_F"] + (["SEX_O"] if (derived[derived.in_scope].sex == "SEX_O").any() else [])

    # Every SEX x AGE x migrant code of the checked flows.
    flows = [parse_flow(f) for f in short_flows]
    cells = []
    for flow, axis, measure in flows:
        num, den = MEASURES[measure]
        for sex in sexes:
            for age in AGES:
                for code in AXES[axis]:
                    cells.append({"id": f"{flow}|{sex}|{age}|{code}", "sex": sex, "age": age,
                                  "axis": axis.lower(), "code": code, "num": ";".join(num),
                                  "den": ";".join(den) if den else ""})
    cells_csv = work / "cells.csv"
    with cells_csv.open("w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["id", "sex", "age", "axis", "code", "num", "den"])
        w.writeheader()
        w.writerows(cells)

    if method == "jkn":
        (work / "jkn_rscales.txt").write_text("\n".join(repr(x) for x in JKN_RSCALES) + "\n")
        oracle_args = [*oracle_args, f"rscales={work / 'jkn_rscales.txt'}"]
    r_out = work / "r.csv"
    ran = subprocess.run([RSCRIPT, str(ORACLE), str(records), str(cells_csv), str(AGE_BANDS), str(r_out), *oracle_args],
                         capture_output=True, text=True)
    if ran.returncode != 0:
        return {"error": f"R oracle failed: {ran.stderr}"}
    oracle = {r["id"]: r for r in csv.DictReader(r_out.open())}
    if len(oracle) != len(cells):
        return {"error": f"R oracle wrote {len(oracle)} cells for {len(cells)}"}
    return {"out": out, "oracle": oracle, "sexes": sexes, "flows": flows}


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, dict]:
    """Every method's run and oracle, run concurrently (migstat and R are processes)."""
    if RSCRIPT is None:
        pytest.fail("Rscript not found: install R and the survey package (apt-get install -y r-cran-survey)")
    base = tmp_path_factory.mktemp("precision")
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        futures = {}
        for method in METHODS:
            (base / method).mkdir()
            futures[method] = pool.submit(run_method, method, base / method)
        return {m: f.result() for m, f in futures.items()}


@pytest.fixture(scope="module", autouse=True)
def summary():
    yield
    print("\nmax relative difference vs R survey (estimate, standard error), cells compared:")
    for method, (e, s, n) in MAX_DIFFS.items():
        print(f"  {method:18s} {e:.3e}  {s:.3e}  {n}")


@pytest.mark.parametrize("method", list(METHODS))
def test_estimates_and_standard_errors_match_r_survey(method, runs):
    run = runs[method]
    assert "error" not in run, run.get("error")
    out, oracle, sexes = run["out"], run["oracle"], run["sexes"]
    estimates = pq.read_table(out / "tabulate" / "estimates.parquet").to_pandas()
    max_est = max_se = 0.0
    compared = 0
    problems = []
    for flow, axis, measure in run["flows"]:
        est = estimates[estimates.DATAFLOW == flow]
        assert est.published.all()
        mine = {(r.SEX, r.AGE, getattr(r, axis)): r for r in est.itertuples()}
        sdmx = read_sdmx_csv(out / "sdmx" / f"{flow}.csv")
        assert set(sdmx) == set(mine), f"{flow}: SDMX-CSV and estimates.parquet hold different cells"
        expected_keys = set()
        for sex in sexes:
            for age in AGES:
                for code in AXES[axis]:
                    r = oracle[f"{flow}|{sex}|{age}|{code}"]
                    if measure.endswith("_RT") and float(r["den_total"]) == 0:
                        continue  # contract: no observation where the denominator is 0
                    expected_keys.add((sex, age, code))
        assert set(mine) == expected_keys, (
            f"{flow}: published cells differ from R's: missing {sorted(expected_keys - set(mine))[:5]}, "
            f"extra {sorted(set(mine) - expected_keys)[:5]}")
        for key in sorted(expected_keys):
            r = oracle[f"{flow}|{'|'.join(key)}"]
            m = mine[key]
            s = sdmx[key]
            e_r, se_r = float(r["estimate"]), float(r["se"])
            value = float(s["OBS_VALUE"])
            assert value == m.estimate, f"{flow} {key}: OBS_VALUE {value} != estimates.parquet {m.estimate}"
            d_est = rel(value, e_r, 1e-300)
            d_se = rel(m.standard_error, se_r, max(1e-6 * abs(e_r), 1e-300))
            max_est, max_se = max(max_est, d_est), max(max_se, d_se)
            compared += 1
            if d_est > TOLERANCE or d_se > TOLERANCE:
                problems.append(f"{flow} {key}: migstat {value!r} (SE {m.standard_error!r}), "
                                f"R {e_r!r} (SE {se_r!r}): rel diff {d_est:.2e} / {d_se:.2e}")
            # The normal 95% interval, in the SDMX file and the estimates.
            lower, upper = value - Z * m.standard_error, value + Z * m.standard_error
            slack = 1e-12 * (abs(value) + Z * m.standard_error) + 1e-300
            for name, got, want in (("LOWER_BOUND", float(s["LOWER_BOUND"]), lower),
                                    ("UPPER_BOUND", float(s["UPPER_BOUND"]), upper),
                                    ("LOWER_BOUND (parquet)", m.LOWER_BOUND, lower),
                                    ("UPPER_BOUND (parquet)", m.UPPER_BOUND, upper)):
                if abs(got - want) > slack:
                    problems.append(f"{flow} {key}: {name} {got!r} != estimate -/+ qnorm(0.975) SE = {want!r}")
    MAX_DIFFS[method] = (max_est, max_se, compared)
    assert not problems, f"{method}: {len(problems)} disagreements with R survey, e.g.\n" + "\n".join(problems[:15])


def test_a_lonely_psu_without_a_policy_is_refused_as_r_does(tmp_path, runs):
    """With `lonely_psu` left at its default (fail, as R's survey.lonely.psu), the
    single-PSU stratum S12 of core.csv stops the run with a config error (exit 2) and
    publishes nothing; R stops on the same records."""
    config = tmp_path / "config.toml"
    config.write_text(CONFIG.format(path=DESIGN / "core.csv", design='method = "taylor"\n'))
    done = run_migstat("run", "--config", str(config), "--out", str(tmp_path / "out"))
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert "S12" in done.stderr and "lonely_psu" in done.stderr, done.stderr
    assert not (tmp_path / "out" / "sdmx").exists()

    work = runs["taylor-adjust"]["out"].parent
    ran = subprocess.run([RSCRIPT, str(ORACLE), str(work / "records.csv"), str(work / "cells.csv"), str(AGE_BANDS),
                          str(tmp_path / "r.csv"), "method=taylor", "lonely=fail"], capture_output=True, text=True)
    assert ran.returncode != 0 and "S12" in ran.stderr and "only one PSU" in ran.stderr, ran.stderr
