"""derive/derived.parquet as readers migstat did not write read it: pyarrow and DuckDB.

The derive stage writes its code columns (sex, lfs, cbr, ...) from their dictionary keys
(pipeline/artefacts/src/parquet_io/coded.rs) rather than through Arrow's writer. On a
synthetic survey of 150,000 persons (two row groups of 131,072 and 18,928 rows, pages of
20,480 rows, runs and bit-packed keys of 0 to 8 bits), both readers read every column of the artefact alike, and
DuckDB's own derivation of the same CSV (bench/migstat_job.sql, view `derived`) finds the
persons migstat's artefact has in scope, by sex, place of birth, citizenship and labour
force status, with the same weights.
"""
import sys
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from conftest import REPO, run_migstat

sys.path.insert(0, str(REPO / "bench"))
import duckdb_job  # noqa: E402

PERSONS = 150_000


@pytest.fixture(scope="module")
def synthetic_run(tmp_path_factory) -> tuple[Path, Path]:
    """(the synthetic core CSV, migstat's output folder for it)."""
    work = tmp_path_factory.mktemp("derived")
    core = work / "core.csv"
    done = run_migstat("synth", "--persons", str(PERSONS), "--seed", "11",
                       "--ref-area", "PHL", "--out", str(core))
    assert done.returncode == 0, done.stderr
    config = work / "config.toml"
    config.write_text(
        '[survey]\nref_area = "PHL"\ntime_period = "2024-Q2"\nsource_type = "lfs"\n\n'
        f'[input]\npath = "{core}"\nlayout = "core"\n'
    )
    out = work / "out"
    done = run_migstat("run", "--config", str(config), "--out", str(out))
    assert done.returncode == 0, done.stderr
    return core, out


def test_pyarrow_and_duckdb_read_every_column_of_the_derived_records_alike(synthetic_run):
    _, out = synthetic_run
    path = out / "derive" / "derived.parquet"
    file = pq.ParquetFile(path)
    assert file.metadata.num_rows == PERSONS
    assert file.metadata.num_row_groups >= 2
    by_pyarrow = file.read()
    by_duckdb = duckdb.sql(f"SELECT * FROM read_parquet('{path}')").to_arrow_table()
    assert by_duckdb.column_names == by_pyarrow.column_names
    for name in by_pyarrow.column_names:
        assert by_duckdb[name].to_pylist() == by_pyarrow[name].to_pylist(), name
    # The code columns are dictionary-encoded, as Arrow's writer encodes them.
    sex = file.metadata.row_group(0).column(by_pyarrow.column_names.index("sex"))
    assert sex.has_dictionary_page
    assert set(sex.encodings) == {"PLAIN", "RLE", "RLE_DICTIONARY"}
    assert set(by_pyarrow["sex"].to_pylist()) == {"SEX_F", "SEX_M", "SEX_O"}


def test_duckdbs_own_derivation_finds_the_persons_migstat_has_in_scope(synthetic_run):
    core, out = synthetic_run
    con = duckdb_job.run(core, "PHL")
    groups = "sex, cbr, cct, lfs"
    expected = con.execute(
        f"SELECT {groups}, count(*), sum(weight) FROM derived GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    got = con.execute(
        f"SELECT {groups}, count(*), sum(weight) "
        f"FROM read_parquet('{out / 'derive' / 'derived.parquet'}') WHERE in_scope "
        "GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    assert len(expected) > 20
    assert got == expected
