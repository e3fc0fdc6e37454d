"""The (n,k)-dominance rule: a cell is confidential when its n largest contributions
(person weights) make up more than k percent of it (`[disclosure] dominance_n`,
`dominance_k`).

The oracle is DuckDB: the derivation of bench/migstat_job.sql (written independently of
migstat's Rust code, and proven cell-for-cell equal to it by test_bench_sql.py) on the
fixture's core records, and, for every count cell, the sorted list of its weights.
"""
import sys
from decimal import Decimal

import duckdb
import pyarrow.parquet as pq
import pytest

from conftest import REPO, run_migstat

sys.path.insert(0, str(REPO / "bench"))
import duckdb_job  # noqa: E402

N, K = 2, 60
STATUSES = {  # schemas/dataflows.toml: the statuses each count measure sums
    "XWAP": ("EMP", "UNE", "OLF"),
    "TEAP": ("EMP", "UNE"),
    "TEMP": ("EMP",),
    "TUNE": ("UNE",),
    "TEIP": ("OLF",),
}


@pytest.fixture(scope="module")
def dominance_run(tmp_path_factory):
    work = tmp_path_factory.mktemp("dominance")
    text = (REPO / "fixtures" / "lfs" / "config.toml").read_text()
    text = text.replace('path   = "core.csv"', f'path   = "{REPO / "fixtures" / "lfs" / "core.csv"}"')
    config = work / "config.toml"
    config.write_text(text + f"\n[disclosure]\ndominance_n = {N}\ndominance_k = {K}\n")
    out = work / "out"
    done = run_migstat("run", "--config", str(config), "--out", str(out))
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="module")
def expected_dominated():
    """(measure, axis, SEX, AGE, code) -> whether the top-N weights exceed K % of the cell."""
    con = duckdb.connect()
    duckdb_job.run(REPO / "fixtures" / "lfs" / "core.csv", "PHL", con)
    out = {}
    for measure, statuses in STATUSES.items():
        listed = ", ".join(f"'{s}'" for s in statuses)
        rows = con.execute(f"""
            SELECT coalesce(sex, 'SEX_T'), b.code, cbr, cct, grouping(cbr), grouping(cct),
                   list_sort(list(weight), 'DESC'), sum(weight), count(*)
            FROM derived AS d JOIN age_to_band AS b ON d.age = b.age
            WHERE lfs IN ({listed})
            GROUP BY GROUPING SETS ((sex, b.code, cbr), (b.code, cbr), (sex, b.code, cct),
                                    (b.code, cct), (sex, b.code), (b.code))
        """).fetchall()
        for sex, age, cbr, cct, g_cbr, g_cct, weights, total, n in rows:
            top = sum(weights[:N], Decimal(0))
            dominated = top * 100 > Decimal(K) * total
            if g_cct == 1:
                out[(measure, "CBR", sex, age, cbr or "CBR_BIR_TOTAL")] = (dominated, n)
            if g_cbr == 1:
                out[(measure, "CCT", sex, age, cct or "CCT_CIT_TOTAL")] = (dominated, n)
    return out


def count_cells(run):
    table = pq.read_table(run / "tabulate" / "estimates.parquet").to_pylist()
    for r in table:
        flow = r["DATAFLOW"]
        # The contract's count flows: DF_MST_<measure>_SEX_AGE_<axis>_NB.
        parts = flow.split("_")
        if not (flow.endswith("_NB") and parts[1] == "MST" and parts[3:5] == ["SEX", "AGE"]
                and parts[2] in STATUSES and parts[5] in ("CBR", "CCT")
                and len(parts) == 7):
            continue
        measure, axis = parts[2], parts[5]
        yield (measure, axis, r["SEX"], r["AGE"], r[axis]), r


def test_every_count_cell_whose_largest_weights_dominate_it_is_confidential(
        dominance_run, expected_dominated):
    checked = dominated = 0
    wrong = []
    for key, r in count_cells(dominance_run):
        should, n = expected_dominated.get(key, (False, 0))
        assert n == r["n_unweighted"], key
        checked += 1
        if r["reason"] == "PRIMARY_CONFIDENTIAL":  # the frequency rule comes first
            assert n < 3
            continue
        dominated += should
        if should != (r["reason"] == "PRIMARY_DOMINANCE"):
            wrong.append((key, should, r["reason"]))
        if should:
            assert r["OBS_STATUS"] == "C"
    assert checked > 2000 and dominated > 50, (checked, dominated)
    assert not wrong, f"{len(wrong)} cells disagree with DuckDB, e.g. {wrong[:5]}"


def test_without_the_rule_no_cell_is_confidential_by_dominance(lfs_run):
    reasons = {r["reason"] for _, r in count_cells(lfs_run)}
    assert "PRIMARY_DOMINANCE" not in reasons


def test_the_two_keys_go_together(tmp_path):
    text = (REPO / "fixtures" / "lfs" / "config.toml").read_text()
    config = tmp_path / "config.toml"
    config.write_text(text.replace('path   = "core.csv"', f'path   = "{REPO}/fixtures/lfs/core.csv"')
                      + "\n[disclosure]\ndominance_n = 2\n")
    done = run_migstat("run", "--config", str(config), "--out", str(tmp_path / "out"))
    assert done.returncode == 2
    assert "dominance_n and dominance_k go together" in done.stderr
