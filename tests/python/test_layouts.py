"""Layouts end to end: each national-shape fixture of fixtures/layouts/ (EU-LFS,
IPUMS-International, a Latin-1 ';' file with its own layout file), run through the real
binary, gives the core run's records and, byte for byte, its published SDMX."""
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from conftest import REPO, run_migstat

LAYOUTS = REPO / "fixtures" / "layouts"
NATIONAL = ["eu-lfs", "ipums-international", "national-latin1"]


def run(name: str, out: Path) -> Path:
    done = run_migstat("run", "--config", str(LAYOUTS / name / "config.toml"), "--out", str(out))
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="module")
def core_run(tmp_path_factory) -> Path:
    return run("core", tmp_path_factory.mktemp("core") / "out")


def test_the_fixtures_are_what_the_generator_writes(tmp_path):
    before = {p: p.read_bytes() for n in NATIONAL for p in (LAYOUTS / n).glob("microdata.csv")}
    subprocess.run([sys.executable, str(LAYOUTS / "make_fixtures.py")], check=True)
    after = {p: p.read_bytes() for p in before}
    assert before == after, "rerun fixtures/layouts/make_fixtures.py and commit its output"
    assert len(before) == 3


def test_the_latin1_fixture_is_latin1_with_semicolons():
    raw = (LAYOUTS / "national-latin1" / "microdata.csv").read_bytes()
    header = raw.split(b"\n", 1)[0]
    assert b"IDENTIFICACI\xd3N;" in header  # Ó in Latin-1, not UTF-8
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")


@pytest.mark.parametrize("name", NATIONAL)
def test_national_fixture_gives_the_core_records_and_sdmx(name, core_run, tmp_path):
    out = run(name, tmp_path / "out")
    want = pq.read_table(core_run / "ingest" / "core.parquet")
    got = pq.read_table(out / "ingest" / "core.parquet")
    assert got.schema == want.schema
    assert got.equals(want), name
    want_files = sorted(p.relative_to(core_run / "sdmx") for p in (core_run / "sdmx").rglob("*"))
    got_files = sorted(p.relative_to(out / "sdmx") for p in (out / "sdmx").rglob("*"))
    assert got_files == want_files and len(want_files) == 36
    for rel in want_files:
        assert (out / "sdmx" / rel).read_bytes() == (core_run / "sdmx" / rel).read_bytes(), rel
