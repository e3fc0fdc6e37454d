"""migstat on data it did not make: laeken's synthetic EU-SILC against R.

R exports `data(eusilc)` of the laeken package (Debian r-cran-laeken: 14,827 persons of
the Austrian EU-SILC 2006, synthetic) to CSV; migstat reads it through a layout
(fixtures/eusilc/layout.toml: rb030, rb050, rb090, age, pb220a citizenship, pl030
economic status) and publishes; tests/r/eusilc_oracle.R computes every cell of the nine
citizenship dataflows from the same CSV with R survey (svytotal with the weight rb050)
under the contract's definitions, written out there. Every published value must equal
R's to a relative 1e-9, and the cells must be the same (no rate where R's denominator is
0). Country of birth is not in the data: the place-of-birth flows hold everyone under
CBR_BIR_X, and their totals equal the citizenship flows' totals.
"""
import csv
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPO, run_migstat

LAYOUT = REPO / "fixtures" / "eusilc" / "layout.toml"
ORACLE = REPO / "tests" / "r" / "eusilc_oracle.R"
AGE_BANDS = REPO / "codelists" / "age_bands.csv"
RSCRIPT = shutil.which("Rscript")
TOLERANCE = 1e-9
MEASURES = ["XWAP_NB", "TEAP_NB", "TEMP_NB", "TUNE_NB", "TEIP_NB", "TEAP_RT", "TEMP_RT", "TUNE_RT", "TEIP_RT"]

CONFIG = f"""[survey]
ref_area    = "AUT"
time_period = "2006"
source_type = "lfs"

[input]
path   = "eusilc.csv"
layout = "{LAYOUT}"

[quality]
suppress_below_n   = 0
unreliable_below_n = 0

[publish]
prepared = "2024-07-01T00:00:00Z"
"""


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    if RSCRIPT is None:
        pytest.fail("Rscript not found: install R, survey and laeken (apt-get install -y r-cran-survey r-cran-laeken)")
    work = tmp_path_factory.mktemp("eusilc")
    done = subprocess.run([RSCRIPT, str(ORACLE), str(work), str(AGE_BANDS)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    (work / "config.toml").write_text(CONFIG)
    out = work / "out"
    done = run_migstat("run", "--config", str(work / "config.toml"), "--out", str(out))
    assert done.returncode == 0, done.stderr
    with (work / "oracle.csv").open(newline="") as f:
        oracle = list(csv.DictReader(f))
    return out, oracle


def sdmx_csv(path: Path, axis: str) -> dict[tuple, float]:
    with path.open(newline="") as f:
        return {(r["SEX"], r["AGE"], r[axis]): float(r["OBS_VALUE"]) for r in csv.DictReader(f)}


def test_every_person_was_read(run):
    out, _ = run
    manifest = json.loads((out / "manifest.json").read_text())
    text = json.dumps(manifest)
    assert "14827" in text, "the manifest counts the 14,827 persons of eusilc"


@pytest.mark.parametrize("measure", MEASURES)
def test_citizenship_estimates_equal_r(run, measure):
    out, oracle = run
    name, unit = measure.split("_")
    got = sdmx_csv(out / "sdmx" / f"DF_MST_{name}_SEX_AGE_CCT_{unit}.csv", "CCT")
    want = {(r["sex"], r["age"], r["cct"]): float(r["value"]) for r in oracle
            if r["measure"] == measure and r["value"] != ""}
    assert set(got) == set(want), (sorted(set(want) - set(got))[:5], sorted(set(got) - set(want))[:5])
    worst = max(abs(got[k] - v) / abs(v) if v else abs(got[k]) for k, v in want.items())
    assert worst <= TOLERANCE, f"{measure}: largest relative difference from R {worst:.3e}"
    # Citizens and non-citizens in every measure; citizenship not stated (the 15-year-olds,
    # who have no personal questionnaire and so count outside the labour force) in the
    # working-age population.
    total = ("SEX_T", "AGE_AGGREGATE_TOTAL")
    assert want[(*total, "CCT_CIT_CITIZEN")] > 0 and want[(*total, "CCT_CIT_NONCIT")] > 0
    if measure in ("XWAP_NB", "TEIP_NB"):
        assert want[(*total, "CCT_CIT_X")] > 0


@pytest.mark.parametrize("measure", ["XWAP_NB", "TEMP_NB", "TUNE_RT"])
def test_without_country_of_birth_everyone_is_place_of_birth_not_stated(run, measure):
    out, _ = run
    name, unit = measure.split("_")
    cbr = sdmx_csv(out / "sdmx" / f"DF_MST_{name}_SEX_AGE_CBR_{unit}.csv", "CBR")
    cct = sdmx_csv(out / "sdmx" / f"DF_MST_{name}_SEX_AGE_CCT_{unit}.csv", "CCT")
    for (sex, age, code), value in cct.items():
        if code != "CCT_CIT_TOTAL":
            continue
        assert cbr[(sex, age, "CBR_BIR_TOTAL")] == value
        assert cbr[(sex, age, "CBR_BIR_X")] == value
        for code in ("CBR_BIR_NATIVE", "CBR_BIR_FOREIGN"):
            assert cbr.get((sex, age, code), 0.0) == 0.0
