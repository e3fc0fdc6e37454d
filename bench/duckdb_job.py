#!/usr/bin/env python3
"""The migstat job in DuckDB: runs bench/migstat_job.sql on a core-record file.

    python bench/duckdb_job.py INPUT.csv|INPUT.parquet [--ref-area PHL] [--out cells.parquet]

Used by bench/run_bench.py (timed in a fresh process, like migstat) and by
tests/python/test_bench_sql.py (which checks its cells against migstat's estimates).
Prints one line: `rows <cells> query_seconds <s>`.
"""
import argparse
import sys
import time
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[1]
SQL = REPO / "bench" / "migstat_job.sql"
AGE_BANDS = REPO / "codelists" / "age_bands.csv"


def _quote(path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def prepare(con: duckdb.DuckDBPyConnection, source: Path, ref_area: str) -> None:
    """Defines `core`, `age_bands` and the variable `ref_area` that the SQL expects."""
    if source.suffix.lower() in (".parquet", ".pq"):
        reader = f"read_parquet({_quote(source)})"
    else:
        # Every column as text, as migstat reads CSV; empty fields are NULL.
        reader = f"read_csv({_quote(source)}, header = true, all_varchar = true)"
    con.execute(f"CREATE OR REPLACE TEMP VIEW core AS SELECT * FROM {reader}")
    con.execute(
        "CREATE OR REPLACE TEMP TABLE age_bands AS SELECT * FROM read_csv("
        f"{_quote(AGE_BANDS)}, header = true, "
        "columns = {'code': 'VARCHAR', 'min_age': 'INTEGER', 'max_age': 'INTEGER'})"
    )
    con.execute("SET VARIABLE ref_area = ?", [ref_area])


def run(source, ref_area: str = "PHL", con=None) -> duckdb.DuckDBPyConnection:
    """Runs the job; the cells are in the connection's table `job_estimates`."""
    con = con or duckdb.connect()
    prepare(con, Path(source), ref_area)
    con.execute(SQL.read_text())
    return con


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("input")
    ap.add_argument("--ref-area", default="PHL")
    ap.add_argument("--out", help="write the cells to this Parquet file")
    ap.add_argument("--threads", type=int, help="DuckDB threads (default: all cores)")
    args = ap.parse_args()
    start = time.perf_counter()
    con = duckdb.connect()
    if args.threads:
        con.execute(f"SET threads = {int(args.threads)}")
    run(args.input, args.ref_area, con)
    if args.out:
        con.execute(f"COPY job_estimates TO {_quote(args.out)} (FORMAT parquet)")
    rows = con.execute("SELECT count(*) FROM job_estimates").fetchone()[0]
    print(f"rows {rows} query_seconds {time.perf_counter() - start:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
