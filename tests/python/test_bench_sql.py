"""The DuckDB job of `make bench` (bench/migstat_job.sql) does the same work as migstat.

Cell by cell, its weighted numerators, weighted denominators (exact decimals) and
unweighted counts equal those of migstat's tabulate/estimates.parquet, from CSV and from
Parquet, so that the benchmark's migstat/DuckDB ratio compares equal work.
"""
import sys
from decimal import Decimal
from pathlib import Path

import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

import structures
from conftest import REPO, run_migstat

sys.path.insert(0, str(REPO / "bench"))
import duckdb_job  # noqa: E402

KEY = ("DATAFLOW", "SEX", "AGE", "CBR", "CCT")
VALUES = ("weighted_numerator", "weighted_denominator", "n_unweighted")


# The SQL job computes the contract's 18 dataflows (sex x age x place of birth or
# citizenship); migstat's other dataflows (extensions of the contract) are left out here.
CONTRACT_FLOWS = {
    d["id"] for d in structures.registry()["dataflow"]
    if d["id"].startswith("DF_MST_") and d["breakdowns"] in (["SEX", "AGE", "CBR"], ["SEX", "AGE", "CCT"])
}


def migstat_cells(out: Path) -> dict:
    table = pq.read_table(out / "tabulate" / "estimates.parquet", columns=[*KEY, *VALUES])
    return {tuple(r[k] for k in KEY): tuple(r[v] for v in VALUES) for r in table.to_pylist()
            if r["DATAFLOW"] in CONTRACT_FLOWS}


def duckdb_cells(source: Path, ref_area: str = "PHL") -> dict:
    con = duckdb_job.run(source, ref_area)
    cols = ", ".join(f'"{c}"' for c in (*KEY, *VALUES))
    rows = con.execute(f"SELECT {cols} FROM job_estimates").fetchall()
    cells = {tuple(r[:5]): tuple(r[5:]) for r in rows}
    assert len(cells) == len(rows), "one row per cell"
    return cells


def assert_same(expected: dict, got: dict) -> None:
    assert set(got) == set(expected), (
        f"cells only in DuckDB: {sorted(set(got) - set(expected))[:5]}; "
        f"only in migstat: {sorted(set(expected) - set(got))[:5]}"
    )
    differ = [(k, expected[k], got[k]) for k in expected if expected[k] != got[k]]
    assert not differ, f"{len(differ)} cells differ, e.g. {differ[:3]}"
    # Exact decimals on both sides, not floats that happen to be close.
    some = next(iter(got.values()))
    assert isinstance(some[0], Decimal)


@pytest.fixture(scope="module")
def fixture_parquet(tmp_path_factory) -> Path:
    """fixtures/lfs/core.csv as Parquet written by pyarrow (typed columns, nulls)."""
    path = tmp_path_factory.mktemp("bench_sql") / "core.parquet"
    table = pacsv.read_csv(
        REPO / "fixtures" / "lfs" / "core.csv",
        convert_options=pacsv.ConvertOptions(strings_can_be_null=True),
    )
    pq.write_table(table, path)
    return path


def test_the_sql_job_gives_migstats_cells_from_csv(lfs_run):
    expected = migstat_cells(lfs_run)
    assert len(expected) == 4205
    assert_same(expected, duckdb_cells(REPO / "fixtures" / "lfs" / "core.csv"))


def test_the_sql_job_gives_migstats_cells_from_parquet(lfs_run, fixture_parquet):
    assert_same(migstat_cells(lfs_run), duckdb_cells(fixture_parquet))


def test_the_sql_job_matches_migstat_on_a_parquet_input_too(tmp_path, fixture_parquet):
    """migstat itself on the Parquet file: the same cells as the SQL on it."""
    config = tmp_path / "config.toml"
    config.write_text(
        '[survey]\nref_area = "PHL"\ntime_period = "2024-Q2"\nsource_type = "lfs"\n\n'
        f'[input]\npath = "{fixture_parquet}"\nlayout = "core"\n'
    )
    done = run_migstat("run", "--config", str(config), "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    assert_same(migstat_cells(tmp_path / "out"), duckdb_cells(fixture_parquet))


def test_the_rate_cells_without_a_denominator_are_left_out_as_migstat_does(lfs_run):
    cells = duckdb_cells(REPO / "fixtures" / "lfs" / "core.csv")
    rates = [k for k in cells if k[0].endswith("_RT")]
    counts = [k for k in cells if k[0].endswith("_NB")]
    # 5 count measures x 2 axes x 4 SEX (SEX_O observed) x 16 AGE x 4 codes
    assert len(counts) == 5 * 2 * 4 * 16 * 4
    assert len(rates) < 4 * 2 * 4 * 16 * 4
    assert all(cells[k][1] is not None and cells[k][1] > 0 for k in rates)
    assert all(cells[k][1] is None for k in counts)
